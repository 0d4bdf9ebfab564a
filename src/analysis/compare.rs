//! What `corridor compare` reports: every shared horizon metric of scenarios B, C, … against
//! scenario A, as paired differences on common random numbers, with intervals.
//!
//! Two kinds of difference answer different questions, and both are reported:
//! - the difference of a statistic (ΔP5 = P5(B) − P5(A), Δmean): "how does the bad year
//!   change?" The mean difference's 90% interval is mean ± 1.645·se of the paired differences.
//!   A percentile difference gets a conservative, bootstrap-free 90% interval: each side's 95%
//!   order-statistic interval, combined as [lo_B − hi_A, hi_B − lo_A]; by the union bound both
//!   hold together with probability ≥ 90%. It ignores the positive correlation that common
//!   random numbers create, so it is wider than it needs to be.
//! - percentiles of the per-trial difference (P5 of B − A): "in how many simulated years does B
//!   do worse than A, and by how much?"

use serde::Serialize;

use super::paired::{PairedStats, Shared};
use crate::output::charts::data::{Curve, Distribution, ExceedanceData, HistogramData};
use crate::output::charts::theme::{self, Unit};
use crate::output::charts::{Chart, ChartData, file_part};
use crate::stats::{Accumulator, Stats};
use crate::stats::{Z90, Z95};

/// Percentiles compared between scenarios.
pub const COMPARED: [(&str, f64); 3] = [("p5", 0.05), ("p50", 0.50), ("p95", 0.95)];

/// An estimate with a 90% interval.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Estimate {
    pub estimate: f64,
    pub lower: f64,
    pub upper: f64,
}

/// A percentile of B minus the same percentile of A.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PercentileDifference {
    pub stat: &'static str,
    pub a: f64,
    pub b: f64,
    pub difference: f64,
    /// Conservative 90% interval (see the module header).
    pub lower: f64,
    pub upper: f64,
}

/// One metric of one comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetricComparison {
    pub metric: String,
    pub kind: String,
    pub entity: String,
    pub unit: &'static str,
    pub a: Stats,
    pub b: Stats,
    /// Statistics of the per-trial difference B − A.
    pub difference: Stats,
    /// Mean of B − A with its 90% interval (mean ± 1.645·se of the paired differences).
    pub mean_difference: Estimate,
    /// se of the mean difference had A and B been run independently: sqrt(se_A² + se_B²).
    pub se_if_independent: f64,
    pub percentile_differences: Vec<PercentileDifference>,
}

/// B against A.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    pub a: String,
    pub b: String,
    pub metrics: Vec<MetricComparison>,
}

/// compare.json.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CompareReport {
    pub scenarios: Vec<String>,
    pub seeds: Vec<u64>,
    pub trials: u64,
    pub common_random_numbers: bool,
    pub years: Vec<i32>,
    pub interval_level: f64,
    pub comparisons: Vec<Comparison>,
}

fn compare_metric(
    s: &Shared,
    a: &Accumulator,
    b: &Accumulator,
    d: &Accumulator,
) -> MetricComparison {
    let (sa, sb, sd) = (a.finish(), b.finish(), d.finish());
    let (ha, hb) = (a.histogram(), b.histogram());
    let percentile_differences = COMPARED
        .iter()
        .map(|&(stat, q)| {
            let (pa, pb) = (ha.quantile(q), hb.quantile(q));
            let (la, ua) = ha.quantile_interval(q, Z95);
            let (lb, ub) = hb.quantile_interval(q, Z95);
            PercentileDifference {
                stat,
                a: pa,
                b: pb,
                difference: pb - pa,
                lower: lb - ua,
                upper: ub - la,
            }
        })
        .collect();
    MetricComparison {
        metric: s.id.clone(),
        kind: s.kind.clone(),
        entity: s.entity.clone(),
        unit: s.unit,
        mean_difference: Estimate {
            estimate: sd.mean,
            lower: sd.mean - Z90 * sd.se,
            upper: sd.mean + Z90 * sd.se,
        },
        se_if_independent: (sa.se * sa.se + sb.se * sb.se).sqrt(),
        a: sa,
        b: sb,
        difference: sd,
        percentile_differences,
    }
}

impl CompareReport {
    pub fn new(
        names: &[String],
        seeds: &[u64],
        years: &[i32],
        shared: &[Shared],
        stats: &PairedStats,
    ) -> CompareReport {
        let comparisons = (1..names.len())
            .map(|k| Comparison {
                a: names[0].clone(),
                b: names[k].clone(),
                metrics: shared
                    .iter()
                    .enumerate()
                    .map(|(j, s)| {
                        compare_metric(
                            s,
                            &stats.values[0][j],
                            &stats.values[k][j],
                            &stats.diffs[k - 1][j],
                        )
                    })
                    .collect(),
            })
            .collect();
        CompareReport {
            scenarios: names.to_vec(),
            seeds: seeds.to_vec(),
            trials: stats.trials,
            common_random_numbers: seeds.windows(2).all(|w| w[0] == w[1]),
            years: years.to_vec(),
            interval_level: 0.9,
            comparisons,
        }
    }

    /// compare.csv: `metric,entity,unit,b,stat,a,b_value,difference,lower,upper` (tidy: one
    /// row per statistic). Rows: `mean` (difference of means = mean of differences, 90% paired
    /// interval), `se` (se of each side and of the paired difference), `p5/p50/p95` (ΔP with
    /// conservative interval) and `diff_p5/diff_p50/diff_p95` (percentiles of B − A per trial).
    pub fn csv(&self) -> anyhow::Result<Vec<u8>> {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record([
            "comparison",
            "metric",
            "entity",
            "unit",
            "stat",
            "a",
            "b",
            "difference",
            "lower",
            "upper",
        ])?;
        let f = |v: f64| v.to_string();
        for c in &self.comparisons {
            let name = format!("{} vs {}", c.b, c.a);
            for m in &c.metrics {
                let mut row = |stat: &str, a: String, b: String, d: f64, lo: String, hi: String| {
                    w.write_record([
                        name.as_str(),
                        &m.kind,
                        m.entity.as_str(),
                        m.unit,
                        stat,
                        &a,
                        &b,
                        &f(d),
                        &lo,
                        &hi,
                    ])
                };
                let md = &m.mean_difference;
                row(
                    "mean",
                    f(m.a.mean),
                    f(m.b.mean),
                    md.estimate,
                    f(md.lower),
                    f(md.upper),
                )?;
                row(
                    "se",
                    f(m.a.se),
                    f(m.b.se),
                    m.difference.se,
                    String::new(),
                    String::new(),
                )?;
                for p in &m.percentile_differences {
                    row(p.stat, f(p.a), f(p.b), p.difference, f(p.lower), f(p.upper))?;
                }
                for (stat, v) in [
                    ("diff_p5", m.difference.p5),
                    ("diff_p50", m.difference.p50),
                    ("diff_p95", m.difference.p95),
                ] {
                    row(
                        stat,
                        String::new(),
                        String::new(),
                        v,
                        String::new(),
                        String::new(),
                    )?;
                }
            }
        }
        w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))
    }

    /// The headline sentences: per producer, how B moves the P5 and mean of horizon revenue
    /// and the mean of lost revenue.
    pub fn headline(&self) -> String {
        let span = match (self.years.first(), self.years.last()) {
            (Some(a), Some(b)) if a != b => format!("{a}–{b}"),
            (Some(a), _) => a.to_string(),
            _ => String::new(),
        };
        let money = |v: f64| format!("{} USD million", signed(v));
        let mut out = String::new();
        for c in &self.comparisons {
            for m in c.metrics.iter().filter(|m| m.kind == "revenue") {
                if let Some(p5) = m.percentile_differences.iter().find(|p| p.stat == "p5") {
                    out.push_str(&format!(
                        "{} changes {}'s P5 horizon revenue {span} by {} (90% interval {} to {}, \
                         conservative); mean by {} (90% interval {} to {}; paired se {} vs {} \
                         if run independently).\n",
                        c.b,
                        m.entity,
                        money(p5.difference),
                        signed(p5.lower),
                        signed(p5.upper),
                        money(m.mean_difference.estimate),
                        signed(m.mean_difference.lower),
                        signed(m.mean_difference.upper),
                        theme::number(m.difference.se, 1),
                        theme::number(m.se_if_independent, 1),
                    ));
                }
            }
            for m in c.metrics.iter().filter(|m| m.kind == "lost_revenue") {
                let d = &m.mean_difference;
                if d.estimate == 0.0 && d.lower == 0.0 && d.upper == 0.0 {
                    continue;
                }
                out.push_str(&format!(
                    "{} changes {}'s mean lost revenue {span} by {} (90% interval {} to {}).\n",
                    c.b,
                    m.entity,
                    money(d.estimate),
                    signed(d.lower),
                    signed(d.upper),
                ));
            }
        }
        out
    }
}

/// "+1,234.5" / "−12.0".
fn signed(v: f64) -> String {
    let s = theme::number(v, 1);
    if v > 0.0 { format!("+{s}") } else { s }
}

/// Charts of a comparison: overlaid exceedance curves of every scenario for horizon revenue and
/// lost revenue (one chart per producer), and a histogram of the paired difference of revenue
/// for each producer and scenario against the first.
pub fn charts(
    report: &CompareReport,
    shared: &[Shared],
    stats: &PairedStats,
    subtitle: &str,
) -> Vec<Chart> {
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
                .map(|(name, v)| {
                    crate::output::charts::data::exceedance_curve(name, v[j].histogram(), unit)
                })
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
