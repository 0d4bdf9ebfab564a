//! Where each of a scenario's observations falls in its simulated distribution: the percentile
//! of the observed value among the trials, with an interval, for summary.json, the reports and
//! the chart markers.
//!
//! How: the run keeps each metric's values per year (and over the horizon) in a log-linear
//! histogram (`stats::histogram`), not trial by trial. `LogHistogram::rank_of` counts the trials
//! certainly below the observed value (`below`) and those in the bucket that holds it (`near`),
//! which the histogram cannot place on either side. The percentile is the mid-rank
//! 100 · (below + near/2) / n. Its interval joins two sources of doubt: the bucket (the true
//! count below lies in [below, below + near]) and sampling (n trials estimate the model's
//! distribution only so well): it runs from the 95% Wilson lower bound of below / n to the
//! 95% Wilson upper bound of (below + near) / n. A value recorded in many trials (zero lost
//! volume, a contract volume) makes `near` large, and the interval says so.
//!
//! An observed figure is reported to the digits it is written with: 69.04 stands for anything
//! that rounds to it, [69.035, 69.045]. Trials inside that half-unit band count as `near`, not
//! as above or below, so a fixed simulated price of 69.04000000000003 (the price path's floating
//! point) places the observed 69.04 at the 50th percentile, not the 0th (`written_band`).

use serde::Serialize;

use super::Results;
use crate::scenario::schema::Observation;
use crate::stats::{Collector, Z95, wilson};

/// An observation placed in its simulated distribution.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Placed {
    /// `<kind>/<entity>`, the key of summary.json's `metrics`.
    pub metric: String,
    #[serde(skip)]
    pub kind: String,
    #[serde(skip)]
    pub entity: String,
    /// `None` for the horizon's value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
    pub value: f64,
    pub unit: &'static str,
    pub source: String,
    /// Mid-rank percentile of `value` among the trials (0–100).
    pub percentile: f64,
    /// 95% interval of the percentile (histogram bucket and sampling together).
    pub percentile_low: f64,
    pub percentile_high: f64,
    /// The simulated distribution it is placed in: P5, P25, P50, P75, P95.
    pub simulated: Quantiles,
}

/// Percentiles of the simulated distribution an observation is placed in.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Quantiles {
    pub p5: f64,
    pub p10: f64,
    pub p25: f64,
    pub p50: f64,
    pub p75: f64,
    pub p90: f64,
    pub p95: f64,
}

impl Placed {
    /// "2025" or "horizon".
    pub fn when(&self) -> String {
        self.year.map_or("horizon".into(), |y| y.to_string())
    }

    /// Whether the observation lies within the simulated `lo`–`hi` percentiles (e.g. 10 and
    /// 90), judged by its percentile estimate.
    pub fn within(&self, lo: f64, hi: f64) -> bool {
        (lo..=hi).contains(&self.percentile)
    }
}

/// Places every observation of a run. Observations whose metric or year the results lack
/// (`check` refuses those, so only a hand-built scenario has them) are left out.
pub fn place(
    observations: &[Observation],
    results: &Results,
    collector: &Collector,
) -> Vec<Placed> {
    observations
        .iter()
        .filter_map(|o| {
            let (m, metric) = results.find(&o.metric, &o.entity)?;
            let (t, stats) = match o.year {
                Some(y) => {
                    let t = results.years.iter().position(|&x| x == y)?;
                    (Some(t), metric.by_year.get(t)?)
                }
                None => (None, &metric.horizon),
            };
            if m >= collector.metrics() {
                return None;
            }
            let h = collector.accumulator(m, t).histogram();
            let n = h.count();
            if n == 0 {
                return None;
            }
            let band = written_band(o.value);
            let (below, _) = h.rank_of(o.value - band);
            let (under_top, at_top) = h.rank_of(o.value + band);
            let near = under_top + at_top - below;
            let nf = n as f64;
            let low = wilson(below as f64 / nf, nf, Z95).0;
            let high = wilson((below + near) as f64 / nf, nf, Z95).1;
            Some(Placed {
                metric: metric.id.clone(),
                kind: o.metric.clone(),
                entity: o.entity.clone(),
                year: o.year,
                value: o.value,
                unit: metric.unit,
                source: o.source.clone(),
                percentile: 100.0 * (below as f64 + near as f64 / 2.0) / nf,
                percentile_low: 100.0 * low,
                percentile_high: 100.0 * high,
                simulated: Quantiles {
                    p5: stats.p5,
                    p10: stats.p10,
                    p25: stats.p25,
                    p50: stats.p50,
                    p75: stats.p75,
                    p90: stats.p90,
                    p95: stats.p95,
                },
            })
        })
        .collect()
}

/// Half a unit of the last digit `v` is written with (its shortest decimal form): 69.04 → 0.005,
/// 78.7 → 0.05, 0 → 0.5. The band a reported figure stands for.
fn written_band(v: f64) -> f64 {
    let text = format!("{}", v.abs());
    let decimals = text.split_once('.').map_or(0, |(_, d)| d.len());
    0.5 * 10f64.powi(-(decimals as i32))
}

#[cfg(test)]
mod tests {
    use super::written_band;

    #[test]
    fn the_band_is_half_a_unit_of_the_last_written_digit() {
        for (v, want) in [
            (69.04, 0.005),
            (78.7, 0.05),
            (0.0, 0.5),
            (13.0, 0.5),
            (-2.25, 0.005),
        ] {
            assert!(
                (written_band(v) - want).abs() < 1e-15,
                "{v}: {}",
                written_band(v)
            );
        }
    }
}
