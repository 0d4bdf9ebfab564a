//! The plain data charts are drawn from: numbers in display units with their labels.
//!
//! This is what the snapshot tests pin, so it holds no styling, and what the report's tables and
//! captions read, so charts and text agree. Shared extraction steps live here: percentile bands
//! by year, histograms rebinned to even widths, exceedance curves.

use serde::Serialize;

use super::theme::{Ticks, Unit};
use crate::stats::{LogHistogram, Stats};

/// Percentiles of one year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Band {
    pub year: i32,
    pub p5: f64,
    pub p25: f64,
    pub p50: f64,
    pub p75: f64,
    pub p95: f64,
}

impl Band {
    pub fn new(year: i32, s: &Stats, unit: Unit) -> Band {
        Band {
            year,
            p5: unit.show(s.p5),
            p25: unit.show(s.p25),
            p50: unit.show(s.p50),
            p75: unit.show(s.p75),
            p95: unit.show(s.p95),
        }
    }
}

/// A labelled line over the years.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct YearSeries {
    pub label: String,
    pub values: Vec<f64>,
}

/// A horizontal reference line.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Level {
    pub label: String,
    pub value: f64,
}

/// A fan chart: median and percentile bands per year, optionally a comparison line and a level.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FanData {
    /// What the median line is ("Median revenue").
    pub median_label: String,
    pub y_title: String,
    pub unit: Unit,
    pub bands: Vec<Band>,
    /// E.g. the undisrupted twin's median, dashed.
    pub reference: Option<YearSeries>,
    /// E.g. nominal capacity (100%).
    pub level: Option<Level>,
    /// Observed values (the scenario's `observations`), drawn as markers.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub observed: Vec<Marker>,
}

/// An observed value at a year, in display units, labelled with its percentile.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Marker {
    pub year: i32,
    pub value: f64,
    /// "P99.8": where it falls in the simulated distribution.
    pub label: String,
}

/// One bar of an evenly binned histogram.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bin {
    pub lo: f64,
    pub hi: f64,
    /// Share of all trials in `[lo, hi)`.
    pub share: f64,
}

/// The distribution of a horizon total: even bins plus marked statistics, in display units.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Distribution {
    pub trials: u64,
    pub bins: Vec<Bin>,
    pub mean: f64,
    pub p5: f64,
    pub p50: f64,
    pub p95: f64,
    /// Share of trials outside the bins (the axis spans P0.1–P99.9 so a few extreme trials do
    /// not squeeze the rest into one bar).
    pub outside: f64,
}

/// Quantile range the histogram axis spans.
const AXIS_QUANTILES: (f64, f64) = (0.001, 0.999);

impl Distribution {
    /// Rebins a log-linear histogram into about `max_bins` bins of one "nice" width, spreading
    /// each source bucket's count evenly over the bins it overlaps (source buckets are 0.8% wide,
    /// far narrower than the bins, so the spreading is invisible).
    pub fn new(h: &LogHistogram, s: &Stats, unit: Unit, max_bins: usize) -> Distribution {
        let n = h.count();
        let shown = |v: f64| unit.show(v);
        let mut d = Distribution {
            trials: n,
            bins: Vec::new(),
            mean: shown(s.mean),
            p5: shown(s.p5),
            p50: shown(s.p50),
            p95: shown(s.p95),
            outside: 0.0,
        };
        if n == 0 {
            return d;
        }
        let (mut lo, mut hi) = (
            shown(h.quantile(AXIS_QUANTILES.0)),
            shown(h.quantile(AXIS_QUANTILES.1)),
        );
        if hi <= lo {
            (lo, hi) = (shown(h.min()), shown(h.max()));
        }
        let (min, max) = (shown(h.min()), shown(h.max()));
        // One value in every trial (up to float noise): a single bar, one step wide.
        let constant = max - min <= 1e-9 * max.abs().max(min.abs()).max(1e-300);
        let ticks = Ticks::new(lo, hi, max_bins);
        let (start, step, count) = if constant {
            (min - ticks.step / 2.0, ticks.step, 1)
        } else {
            let count = ((ticks.hi - ticks.lo) / ticks.step).round() as usize;
            (ticks.lo, ticks.step, count.max(1))
        };
        let mut counts = vec![0.0f64; count];
        let end = start + step * count as f64;
        let mut outside = 0.0;
        for (blo, bhi, c) in h.buckets() {
            let (a, b) = (shown(blo).min(shown(bhi)), shown(blo).max(shown(bhi)));
            let c = c as f64;
            if b - a <= 0.0 {
                // A point mass (zero, or a bucket clamped to min = max).
                let i = ((a - start) / step).floor();
                if a >= start && a <= end && i >= 0.0 {
                    counts[(i as usize).min(count - 1)] += c;
                } else {
                    outside += c;
                }
                continue;
            }
            let inside = (b.min(end) - a.max(start)).max(0.0);
            outside += c * (1.0 - inside / (b - a));
            if inside <= 0.0 {
                continue;
            }
            let first = (((a.max(start)) - start) / step).floor().max(0.0) as usize;
            let last = ((((b.min(end)) - start) / step).ceil() as usize).min(count);
            for (i, slot) in counts.iter_mut().enumerate().take(last).skip(first) {
                let (l, u) = (start + step * i as f64, start + step * (i + 1) as f64);
                let overlap = (b.min(u) - a.max(l)).max(0.0);
                *slot += c * overlap / (b - a);
            }
        }
        let total = n as f64;
        d.bins = counts
            .iter()
            .enumerate()
            .map(|(i, c)| Bin {
                lo: start + step * i as f64,
                hi: start + step * (i + 1) as f64,
                share: c / total,
            })
            .collect();
        d.outside = (outside / total).clamp(0.0, 1.0);
        d
    }

    /// The value, when every trial had the same one (a histogram would be a single block).
    pub fn constant(&self) -> Option<f64> {
        (self.trials > 0 && self.bins.len() == 1 && self.outside == 0.0).then_some(self.p50)
    }
}

/// A histogram of one horizon total with its statistics marked.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HistogramData {
    pub x_title: String,
    pub unit: Unit,
    pub distribution: Distribution,
}

/// P(X > x) against x for one entity.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Curve {
    pub label: String,
    /// `(x, probability)`, x ascending, probability descending from 1 to 1/trials.
    pub points: Vec<(f64, f64)>,
}

/// Exceedance curves of one horizon metric, one per entity.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExceedanceData {
    pub x_title: String,
    pub unit: Unit,
    pub curves: Vec<Curve>,
    /// Entities left out because the value was 0 in every trial.
    pub never: Vec<String>,
    /// The smallest probability a run of this many trials can show (1/trials).
    pub min_probability: f64,
}

/// Probabilities at which curves are sampled: 8 per decade from 1 down to 1/n.
pub fn exceedance_curve(label: &str, h: &LogHistogram, unit: Unit) -> Curve {
    let n = h.count();
    let mut points = Vec::new();
    if n > 0 {
        let floor = 1.0 / n as f64;
        let mut k = 0;
        loop {
            let p = 10f64.powf(-f64::from(k) / 8.0);
            if p <= floor * (1.0 + 1e-9) {
                break;
            }
            points.push((unit.show(h.quantile(1.0 - p)), p));
            k += 1;
        }
        points.push((unit.show(h.max()), floor));
    }
    Curve {
        label: label.to_string(),
        points,
    }
}

/// One layer of a stacked bar chart.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Layer {
    pub label: String,
    pub values: Vec<f64>,
    /// Drawn in the warning colour (stranded volume).
    pub highlight: bool,
}

/// Stacked bars per year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StackedData {
    pub y_title: String,
    pub unit: Unit,
    pub years: Vec<i32>,
    /// Bottom to top.
    pub layers: Vec<Layer>,
    /// A line over the bars (export supply).
    pub line: Option<YearSeries>,
    /// Layers left out because they were 0 in every year.
    pub omitted: Vec<String>,
    /// Observed totals (the scenario's `export_volume` observations), drawn as markers.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub observed: Vec<Marker>,
}

/// One panel of small multiples.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Panel {
    pub title: String,
    pub distribution: Distribution,
}

/// Small multiples: one histogram per entity, each on its own x-axis.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PanelsData {
    pub x_title: String,
    pub unit: Unit,
    pub panels: Vec<Panel>,
}

/// True when a metric is zero in every trial, up to float noise (paired differences leave
/// values like 1e-11 where nothing was lost).
pub fn negligible(s: &Stats) -> bool {
    s.min.abs().max(s.max.abs()) < 1e-6
}

/// Largest absolute value among statistics (for choosing USD bn vs USD million).
pub fn max_abs<'a>(stats: impl IntoIterator<Item = &'a Stats>) -> f64 {
    stats
        .into_iter()
        .flat_map(|s| [s.min.abs(), s.max.abs(), s.p5.abs(), s.p95.abs()])
        .fold(0.0, f64::max)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::Accumulator;

    fn acc(values: &[f64]) -> Accumulator {
        let mut a = Accumulator::new();
        values.iter().for_each(|&v| a.record(v));
        a
    }

    #[test]
    fn rebinned_shares_add_up() {
        let values: Vec<f64> = (0..10_000).map(|i| f64::from(i % 997) * 3.7).collect();
        let a = acc(&values);
        let d = Distribution::new(a.histogram(), &a.finish(), Unit::MT, 40);
        let total: f64 = d.bins.iter().map(|b| b.share).sum::<f64>() + d.outside;
        assert!((total - 1.0).abs() < 1e-9, "{total}");
        assert!(d.bins.len() <= 41 && d.bins.len() >= 10, "{}", d.bins.len());
        assert!(d.bins.windows(2).all(|w| w[0].hi == w[1].lo));
    }

    #[test]
    fn odd_data_does_not_panic() {
        for values in [
            vec![],
            vec![0.0; 50],
            vec![5.0],
            vec![-3.0, 0.0, 2.0],
            vec![1e-12, 2e-12],
        ] {
            let a = acc(&values);
            let d = Distribution::new(a.histogram(), &a.finish(), Unit::MT, 40);
            let total: f64 = d.bins.iter().map(|b| b.share).sum::<f64>() + d.outside;
            if !values.is_empty() {
                assert!((total - 1.0).abs() < 1e-9, "{values:?}: {total}");
            }
            let c = exceedance_curve("x", a.histogram(), Unit::MT);
            assert!(c.points.windows(2).all(|w| w[0].1 >= w[1].1));
        }
        let zeros = acc(&[0.0; 9]);
        let d = Distribution::new(zeros.histogram(), &zeros.finish(), Unit::MT, 40);
        assert_eq!(d.constant(), Some(0.0));
        let noisy = acc(&[13.199999999999994, 13.200000000000003, 13.2]);
        let d = Distribution::new(noisy.histogram(), &noisy.finish(), Unit::MT, 40);
        assert!(
            d.constant().is_some_and(|v| (v - 13.2).abs() < 1e-9),
            "{d:?}"
        );
    }

    #[test]
    fn exceedance_runs_from_one_to_one_in_n() {
        let values: Vec<f64> = (1..=1000).map(f64::from).collect();
        let c = exceedance_curve("x", acc(&values).histogram(), Unit::MT);
        assert_eq!(c.points.first().map(|p| p.1), Some(1.0));
        assert_eq!(c.points.last(), Some(&(1000.0, 0.001)));
        assert!(c.points.windows(2).all(|w| w[0].0 <= w[1].0));
    }
}

/// A statistic's P5, median and P95 at one value `x` of a swept input, in display units.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BandPoint {
    pub x: f64,
    pub p5: f64,
    pub p50: f64,
    pub p95: f64,
}

/// One line of a sweep chart: a value of the second swept input, or the only line.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BandLine {
    pub label: String,
    pub points: Vec<BandPoint>,
}

/// A sweep: the median and P5–P95 band of a horizon total against a swept input.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SweepData {
    pub x_title: String,
    pub y_title: String,
    pub unit: Unit,
    pub lines: Vec<BandLine>,
}

/// One input of a tornado: the mean output with the input at its P10 and at its P90.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TornadoBar {
    pub label: String,
    pub at_low: f64,
    pub at_high: f64,
}

/// A tornado: bars from the mean with every input varying (`base`), widest swing first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TornadoData {
    pub x_title: String,
    pub unit: Unit,
    pub base: f64,
    pub bars: Vec<TornadoBar>,
}
