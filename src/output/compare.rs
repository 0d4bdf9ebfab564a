//! What `corridor compare` writes and says: compare.json, compare.csv and the headline
//! sentences, from the comparison `analysis::compare` computes.

use crate::output::error::Result;

use super::charts::theme::Unit;
use super::precision;
use super::{Exporter, RunInfo};
use crate::analysis::compare::CompareReport;
use crate::analysis::paired::{PairedStats, Shared};

/// What a comparison hands its exporters.
pub struct Compared<'a> {
    pub report: &'a CompareReport,
    pub shared: &'a [Shared],
    pub stats: &'a PairedStats,
    pub info: &'a RunInfo,
}

impl AsRef<RunInfo> for Compared<'_> {
    fn as_ref(&self) -> &RunInfo {
        self.info
    }
}

/// compare.json: the whole comparison.
pub struct CompareJson;

impl<'a> Exporter<Compared<'a>> for CompareJson {
    fn file_name(&self) -> &'static str {
        "compare.json"
    }

    fn render(&self, c: &Compared<'a>) -> Result<Vec<u8>> {
        Ok(serde_json::to_vec_pretty(c.report)?)
    }
}

/// compare.csv: `comparison,metric,entity,unit,stat,a,b,difference,lower,upper` (tidy: one row
/// per statistic). Rows: `mean` (difference of means = mean of differences, 90% paired
/// interval), `se` (se of each side and of the paired difference), `p5/p50/p95` (ΔP with
/// conservative interval) and `diff_p5/diff_p50/diff_p95` (percentiles of B − A per trial).
pub struct CompareCsv;

impl<'a> Exporter<Compared<'a>> for CompareCsv {
    fn file_name(&self) -> &'static str {
        "compare.csv"
    }

    fn render(&self, c: &Compared<'a>) -> Result<Vec<u8>> {
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
        for cmp in &c.report.comparisons {
            let name = format!("{} vs {}", cmp.b, cmp.a);
            for m in &cmp.metrics {
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
        Ok(w.into_inner()?)
    }
}

/// The headline sentences: per producer, how B moves the P5 and mean of horizon revenue
/// and the mean of lost revenue, each to the digits its interval supports
/// (`output::precision`), in the unit the producer's revenue reaches.
pub fn headline(report: &CompareReport) -> String {
    let span = match (report.years.first(), report.years.last()) {
        (Some(a), Some(b)) if a != b => format!("{a}–{b}"),
        (Some(a), _) => a.to_string(),
        _ => String::new(),
    };
    let level = format!("{:.0}%", 100.0 * report.interval_level);
    let mut out = String::new();
    for c in &report.comparisons {
        for m in c.metrics.iter().filter(|m| m.kind == "revenue") {
            if m.difference.min == 0.0 && m.difference.max == 0.0 {
                out.push_str(&format!(
                    "{} leaves {} revenue unchanged in every trial.\n",
                    c.b,
                    possessive(&m.entity)
                ));
                continue;
            }
            let unit = Unit::money(m.a.max.abs().max(m.b.max.abs()));
            let change = |d: f64, lo: f64, hi: f64| {
                format!(
                    "{} {}",
                    precision::with_interval(unit.show(d), unit.show(lo), unit.show(hi), &level),
                    unit.label
                )
            };
            if let Some(p5) = m.percentile_differences.iter().find(|p| p.stat == "p5") {
                let se = |v: f64| precision::shown(unit.show(v), 0.0);
                out.push_str(&format!(
                    "{} changes {} P5 horizon revenue {span} by {} (conservative); mean by {} \
                     (paired se {} vs {} if run independently).\n",
                    c.b,
                    possessive(&m.entity),
                    change(p5.difference, p5.lower, p5.upper),
                    change(
                        m.mean_difference.estimate,
                        m.mean_difference.lower,
                        m.mean_difference.upper
                    ),
                    se(m.difference.se),
                    se(m.se_if_independent),
                ));
            }
            if let Some(lost) = c
                .metrics
                .iter()
                .find(|l| l.kind == "lost_revenue" && l.entity == m.entity)
            {
                let d = &lost.mean_difference;
                if d.estimate == 0.0 && d.lower == 0.0 && d.upper == 0.0 {
                    continue;
                }
                out.push_str(&format!(
                    "{} changes {} mean lost revenue {span} by {}.\n",
                    c.b,
                    possessive(&lost.entity),
                    change(d.estimate, d.lower, d.upper),
                ));
            }
        }
    }
    out
}

/// "Kazakhstan's", "CPC other shippers'".
fn possessive(name: &str) -> String {
    if name.ends_with('s') {
        format!("{name}'")
    } else {
        format!("{name}'s")
    }
}
