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
}
