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
    /// `(x, probability)`, x ascending, probability descending from just under 1 to the chart's
    /// `min_probability`.
    pub points: Vec<(f64, f64)>,
    /// The largest value of any trial: the end of the tail beyond the last point.
    pub max: f64,
}

/// Exceedance curves of one horizon metric, one per entity.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExceedanceData {
    pub x_title: String,
    pub unit: Unit,
    pub curves: Vec<Curve>,
    /// Entities left out because the value was 0 in every trial.
    pub never: Vec<String>,
    /// The smallest probability shown: `TAIL` (1 in 1,000), or 1/trials for fewer trials.
    pub min_probability: f64,
    /// One panel per curve, each on its own horizontal axis (`needs_panels`).
    pub panels: bool,
}

/// Where exceedance curves stop: 1 in 1,000 (P99.9). Beyond it a curve rests on a handful of
/// trials (20 of 20,000) and stretches the axis until the body of every smaller entity is
/// squeezed against it; the chart notes the largest trial instead.
pub const TAIL: f64 = 0.001;

/// The smallest probability an exceedance chart of `trials` shows.
pub fn min_probability(trials: u64) -> f64 {
    TAIL.max(1.0 / trials.max(1) as f64)
}

/// The curve from P(X > x) = 1 − `floor` (x at the `floor` quantile, so that a far left tail
/// does not stretch the axis either; on a log scale 99.9% is the top) down to `floor`, 8 points
/// a decade, or down to 1/trials with fewer trials than 1/`floor`. Either way the largest trial is
/// kept apart (`max`): one extreme trial would stretch the axis as far as all the others.
pub fn exceedance_curve(label: &str, h: &LogHistogram, unit: Unit, floor: f64) -> Curve {
    let n = h.count();
    let mut points = Vec::new();
    if n > 0 {
        let by_trials = 1.0 / n as f64;
        let floor = floor.max(by_trials);
        if floor < 0.5 {
            points.push((unit.show(h.quantile(floor)), 1.0 - floor));
        }
        let mut k = 1;
        loop {
            let p = 10f64.powf(-f64::from(k) / 8.0);
            if p <= floor * (1.0 + 1e-9) {
                break;
            }
            // Below the first point's 1 − floor (with few trials the two cross).
            if p < 1.0 - floor {
                points.push((unit.show(h.quantile(1.0 - p)), p));
            }
            k += 1;
        }
        points.push((unit.show(h.quantile(1.0 - floor)), floor));
    }
    Curve {
        label: label.to_string(),
        points,
        max: if n > 0 { unit.show(h.max()) } else { 0.0 },
    }
}

/// How far a curve reaches along the horizontal axis: the largest magnitude it shows.
fn reach(c: &Curve) -> f64 {
    c.points.iter().map(|p| p.0.abs()).fold(0.0, f64::max)
}

/// Panels rather than one plot when the curves' reaches (their largest shown magnitudes, about
/// their P99.9) differ by `PANEL_RATIO` or more: on a shared axis the smaller curve would lie
/// within a tenth of the width, pressed against the axis.
pub fn needs_panels(curves: &[Curve]) -> bool {
    if curves.len() < 2 {
        return false;
    }
    let reaches: Vec<f64> = curves.iter().map(reach).collect();
    let (lo, hi) = reaches
        .iter()
        .fold((f64::MAX, 0.0f64), |(a, b), &r| (a.min(r), b.max(r)));
    hi > 0.0 && hi >= PANEL_RATIO * lo
}

/// Reaches this many times apart get a panel each.
pub const PANEL_RATIO: f64 = 10.0;

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
    /// Entities left out because they were 0 in every trial.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub omitted: Vec<String>,
}

/// True when a metric is zero in every trial, up to float noise (paired differences leave
/// values like 1e-11 where nothing was lost).
pub fn negligible(s: &Stats) -> bool {
    s.min.abs().max(s.max.abs()) < 1e-6
}

/// True when a metric is zero in every trial of every year and over the horizon.
pub fn all_zero(m: &crate::output::MetricResult) -> bool {
    negligible(&m.horizon) && m.by_year.iter().all(negligible)
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
            let c = exceedance_curve("x", a.histogram(), Unit::MT, TAIL);
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
    fn exceedance_runs_to_one_in_n_below_a_thousand_trials() {
        let values: Vec<f64> = (1..=500).map(f64::from).collect();
        let h = acc(&values);
        let c = exceedance_curve("x", h.histogram(), Unit::MT, TAIL);
        assert_eq!(
            c.points.last(),
            Some(&(h.histogram().quantile(0.998), 0.002))
        );
        assert_eq!(c.max, 500.0);
        assert!(c.points.windows(2).all(|w| w[0].0 <= w[1].0));
        assert_eq!(min_probability(500), 0.002);
    }

    /// With 100,000 trials the curve stops at P99.9 (1 in 1,000), not at the largest trial
    /// (1 in 100,000), and keeps the largest trial for the chart's note. Values 1..=100,000 make
    /// the P99.9 99,900 up to the histogram's bucket width (0.8%).
    #[test]
    fn exceedance_stops_at_one_in_a_thousand() {
        let values: Vec<f64> = (1..=100_000).map(f64::from).collect();
        let h = acc(&values);
        let c = exceedance_curve("x", h.histogram(), Unit::MT, min_probability(100_000));
        let (x, p) = *c.points.last().unwrap();
        assert_eq!(p, TAIL);
        assert_eq!(x, h.histogram().quantile(0.999));
        assert!((x - 99_900.0).abs() < 0.008 * 99_900.0, "{x}");
        assert_eq!(c.max, 100_000.0);
        assert!(c.points.iter().all(|&(_, p)| (TAIL..1.0).contains(&p)));
        // The left end is the P0.1, not the smallest trial.
        assert!((c.points[0].0 - 100.0).abs() < 1.0, "{:?}", c.points[0]);
    }

    /// The panel rule: reaches 10× apart or more get panels; closer ones share an axis.
    #[test]
    fn panels_when_reaches_differ_tenfold() {
        let curve = |top: f64| Curve {
            label: String::new(),
            points: vec![(0.0, 0.999), (top / 2.0, 0.1), (top, 0.001)],
            max: top,
        };
        assert!(!needs_panels(&[curve(80.0)]));
        assert!(!needs_panels(&[curve(80.0), curve(8.1)]));
        assert!(needs_panels(&[curve(80.0), curve(8.0)]));
        assert!(needs_panels(&[curve(80.0), curve(20.0), curve(2.5)]));
        assert!(needs_panels(&[curve(80.0), curve(0.0)]));
        assert!(!needs_panels(&[curve(0.0), curve(0.0)]));
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
    /// Inputs not drawn: beyond the first `tornado::BARS`, or moving the mean by under 1% of
    /// the widest swing.
    pub left_out: usize,
}
