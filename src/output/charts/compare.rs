//! Charts of a comparison: overlaid exceedance curves and histograms of paired differences,
//! extracted from what `analysis::compare` computed and drawn by the exceedance and histogram
//! charts of a run.

use super::data::{Curve, Distribution, ExceedanceData, HistogramData, exceedance_curve};
use super::theme::Unit;
use super::{Chart, ChartData, file_part};
use crate::output::compare::Compared;

/// Charts of a comparison: overlaid exceedance curves of every scenario for horizon revenue and
/// lost revenue (one chart per producer), and a histogram of the paired difference of revenue
/// for each producer and scenario against the first.
pub fn extract(c: &Compared, subtitle: &str) -> Vec<Chart> {
    let (report, shared, stats) = (c.report, c.shared, c.stats);
    let span = match (report.years.first(), report.years.last()) {
        (Some(a), Some(b)) if a != b => format!("{a}–{b}"),
        (Some(a), _) => a.to_string(),
        _ => String::new(),
    };
    let min_probability = 1.0 / stats.trials.max(1) as f64;
    let mut out = Vec::new();
    for (kind, what) in [("revenue", "Revenue"), ("lost_revenue", "Lost revenue")] {
        for (j, s) in shared.iter().enumerate().filter(|(_, s)| s.kind == kind) {
            let max = stats
                .values
                .iter()
                .map(|v| {
                    let st = v[j].finish();
                    st.min.abs().max(st.max.abs())
                })
                .fold(0.0, f64::max);
            if max == 0.0 {
                continue;
            }
            let unit = Unit::money(max);
            let curves: Vec<Curve> = report
                .scenarios
                .iter()
                .zip(&stats.values)
                .map(|(name, v)| exceedance_curve(name, v[j].histogram(), unit))
                .collect();
            out.push(Chart {
                stem: format!(
                    "compare-{}-exceedance-{}",
                    kind.replace('_', "-"),
                    file_part(&s.entity)
                ),
                title: format!(
                    "{}: {} over {span}, chance of exceeding",
                    s.entity,
                    what.to_lowercase()
                ),
                subtitle: subtitle.to_string(),
                caption: "One curve per scenario, all on the same random numbers: the \
                          probability (log scale) that the horizon total exceeds the value on \
                          the horizontal axis."
                    .into(),
                data: ChartData::Exceedance(ExceedanceData {
                    x_title: format!("{what} {span} ({})", unit.label),
                    unit,
                    curves,
                    never: Vec::new(),
                    min_probability,
                }),
            });
        }
    }
    for (k, c) in report.comparisons.iter().enumerate() {
        for (j, s) in shared
            .iter()
            .enumerate()
            .filter(|(_, s)| s.kind == "revenue")
        {
            let d = &stats.diffs[k][j];
            let st = d.finish();
            let unit = Unit::money(st.min.abs().max(st.max.abs()));
            out.push(Chart {
                stem: format!(
                    "compare-revenue-difference-{}-{}",
                    file_part(&c.b),
                    file_part(&s.entity)
                ),
                title: format!(
                    "{}: revenue {span}, {} minus {}, trial by trial",
                    s.entity, c.b, c.a
                ),
                subtitle: subtitle.to_string(),
                caption: "Bars give the share of trials in each range of the paired difference \
                          of horizon revenue (same random numbers in both scenarios); lines mark \
                          the median, mean and 5th and 95th percentiles."
                    .into(),
                data: ChartData::Histogram(HistogramData {
                    x_title: format!("Revenue difference {span} ({})", unit.label),
                    unit,
                    distribution: Distribution::new(d.histogram(), &st, unit, 40),
                }),
            });
        }
    }
    out
}
