//! The few lines `run` prints when it finishes: where the results are and the numbers most
//! readers look for first.

use std::fmt::Write;
use std::path::Path;

use corridor::output::{Results, RunInfo, precision};

pub fn headline(r: &Results, info: &RunInfo, dir: &Path) -> String {
    let mut s = String::new();
    let (first, last) = (r.years[0], r.years[r.years.len() - 1]);
    let _ = writeln!(
        s,
        "{}: {} trials × {} years ({first}–{last}), seed {} — {:.2} s, {:.1} M trial-years/s on {} threads{}",
        r.scenario,
        group(r.trials as f64),
        r.years.len(),
        r.seed,
        info.elapsed_seconds,
        info.trial_years_per_second / 1e6,
        info.threads,
        info.merged_shards.map_or(String::new(), |n| format!(
            " (the {n} shards' compute added up)"
        ))
    );
    let shown: Vec<_> = r
        .metrics
        .iter()
        .filter(|m| {
            matches!(
                m.kind.as_str(),
                "revenue" | "lost_revenue" | "lost_volume" | "stranded_volume"
            )
        })
        .collect();
    // The name column fits the longest name ("lost_revenue/CPC other shippers"), so the
    // numbers stay in their columns whatever the scenario calls its producers.
    let width = shown
        .iter()
        .map(|m| m.id.chars().count())
        .max()
        .unwrap_or(0)
        .max(30);
    let title = format!("Horizon totals {first}–{last}");
    let _ = writeln!(
        s,
        "\n{title:<w$} {:>9} {:>10} {:>10} {:>10}",
        "P5",
        "P50",
        "P95",
        "mean",
        w = width + 2
    );
    for m in shown {
        // Each to the digits its 95% interval supports (output::precision); summary.json and
        // percentiles.csv keep every digit.
        let [p5, _, p50, _, p95, mean] = precision::percentiles(&m.horizon, 1.0);
        let _ = writeln!(
            s,
            "  {:<width$} {p5:>9} {p50:>10} {p95:>10} {mean:>10}  {}",
            m.id, m.unit
        );
    }
    let _ = writeln!(s, "\nResults in {}/ ({})", dir.display(), FILES);
    s
}

/// What a run writes besides its charts, as the closing lines list them (output/README.md); the
/// line after names the report and the charts' folder.
const FILES: &str = "report.html, report.md, results.xlsx, summary.json, percentiles.csv, \
                     intervals.csv, tails.csv, run.json, scenario.ron";

/// 12345.6 → "12,346"; small numbers keep one decimal (and round-off "−0.0" shows as "0.0").
pub fn group(v: f64) -> String {
    corridor::output::charts::theme::number(v, if v.abs() < 100.0 { 1 } else { 0 })
}
