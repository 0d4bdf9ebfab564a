//! Charts of a comparison: overlaid exceedance curves and histograms of paired differences,
//! extracted from what `analysis::compare` computed and drawn by the exceedance and histogram
//! charts of a run.
//!
//! Each family (revenue curves, lost-revenue curves, revenue differences) is in one unit, chosen
//! once from the whole family's range, so that charts of Kazakhstan and Turkmenistan set side by
//! side read in the same unit (`Unit::money_within`: unless a chart would read "0 USD bn"). A chart whose every value is zero (a producer a variant does not
//! touch) is listed as skipped instead of drawn.

use super::data::{
    Curve, Distribution, ExceedanceData, HistogramData, exceedance_curve, min_probability,
    negligible,
};
use super::exceedance::one_in;
use super::sweep::span;
use super::theme::Unit;
use super::{Chart, ChartData, ChartSet, SkippedChart, file_part};
use crate::output::compare::Compared;
use crate::stats::LogHistogram;

/// The largest magnitude a chart of `h` shows: its `tail` and 1 − `tail` quantiles.
fn reach_of(h: &LogHistogram, tail: f64) -> f64 {
    h.quantile(1.0 - tail).abs().max(h.quantile(tail).abs())
}

/// Charts of a comparison: overlaid exceedance curves of every scenario for horizon revenue and
/// lost revenue (one chart per producer), and a histogram of the paired difference of revenue
/// for each producer and scenario against the first.
pub fn extract(c: &Compared, subtitle: &str) -> ChartSet<Chart> {
    let (report, shared, stats) = (c.report, c.shared, c.stats);
    let span = span(&report.years);
    let floor = min_probability(stats.trials);
    let mut out = ChartSet::new();
    for (kind, what) in [("revenue", "Revenue"), ("lost_revenue", "Lost revenue")] {
        let family: Vec<usize> = (0..shared.len())
            .filter(|&j| shared[j].kind == kind)
            .collect();
        // The unit from the range drawn (P0.1 to P99.9), across producers and scenarios.
        let reach = family
            .iter()
            .flat_map(|&j| stats.values.iter().map(move |v| v[j].histogram()))
            .map(|h| reach_of(h, floor))
            .fold(0.0, f64::max);
        for &j in &family {
            let s = &shared[j];
            let own = stats
                .values
                .iter()
                .map(|v| reach_of(v[j].histogram(), floor))
                .fold(0.0, f64::max);
            let unit = Unit::money_within(reach, own);
            let stem = format!(
                "compare-{}-exceedance-{}",
                kind.replace('_', "-"),
                file_part(&s.entity)
            );
            if stats.values.iter().all(|v| negligible(&v[j].finish())) {
                out.push(Err(SkippedChart::new(
                    stem,
                    format!(
                        "{}'s {} over {span} is zero in every trial of every scenario",
                        s.entity,
                        what.to_lowercase()
                    ),
                )));
                continue;
            }
            let curves: Vec<Curve> = report
                .scenarios
                .iter()
                .zip(&stats.values)
                .map(|(name, v)| exceedance_curve(name, v[j].histogram(), unit, floor))
                .collect();
            out.push(Ok(Chart {
                stem,
                title: format!(
                    "{}: {} over {span}, chance of exceeding",
                    s.entity,
                    what.to_lowercase()
                ),
                subtitle: subtitle.to_string(),
                caption: format!(
                    "One curve per scenario (colour, dash and marker), all on the same random \
                     numbers: the probability (log scale) that the horizon total exceeds the \
                     value on the horizontal axis, down to {}. The axis spans the scenarios' \
                     range.",
                    one_in(floor)
                ),
                data: ChartData::Exceedance(ExceedanceData {
                    x_title: format!("{what} {span} ({})", unit.label),
                    unit,
                    // One axis even when scenarios lie far apart: how far is the comparison.
                    panels: false,
                    curves,
                    never: Vec::new(),
                    min_probability: floor,
                }),
            }));
        }
    }
    let revenue: Vec<usize> = (0..shared.len())
        .filter(|&j| shared[j].kind == "revenue")
        .collect();
    let family = stats
        .diffs
        .iter()
        .flat_map(|d| revenue.iter().map(|&j| d[j].histogram()))
        .map(|h| reach_of(h, 0.001))
        .fold(0.0, f64::max);
    for (k, c) in report.comparisons.iter().enumerate() {
        for &j in &revenue {
            let s = &shared[j];
            let d = &stats.diffs[k][j];
            let st = d.finish();
            let unit = Unit::money_within(family, reach_of(d.histogram(), 0.001));
            let stem = format!(
                "compare-revenue-difference-{}-{}",
                file_part(&c.b),
                file_part(&s.entity)
            );
            if negligible(&st) {
                out.push(Err(SkippedChart::new(
                    stem,
                    format!(
                        "{}'s revenue over {span} is the same in {} as in {} in every trial",
                        s.entity, c.b, c.a
                    ),
                )));
                continue;
            }
            out.push(Ok(Chart {
                stem,
                // Short enough for one line at the default size; "trial by trial" is in the
                // caption.
                title: format!("{}: revenue {span}, {} minus {}", s.entity, c.b, c.a),
                subtitle: subtitle.to_string(),
                caption: "Bars give the share of trials in each range of the paired difference \
                          of horizon revenue, trial by trial (same random numbers in both \
                          scenarios); lines mark the median, mean and 5th and 95th percentiles."
                    .into(),
                data: ChartData::Histogram(HistogramData {
                    x_title: format!("Revenue difference {span} ({})", unit.label),
                    unit,
                    distribution: Distribution::new(d.histogram(), &st, unit, 40),
                }),
            }));
        }
    }
    out
}
