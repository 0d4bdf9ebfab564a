//! The chance that stranded volume exceeds a threshold, per year and in at least one year.
//!
//! A scenario whose stranded volume is known exactly (supply above a fixed capacity) gives
//! indicators of exactly 0 or 1; with a random capacity, the horizon chance ("in any year") lies
//! between the largest yearly chance and the sum of the yearly chances (union bound), and the
//! yearly chance matches the one implied by the capacity's distribution within 4 standard errors.

use crate::common;

use common::{MINIMAL, corridor, edit, read_json};

fn run(text: &str, trials: &str) -> serde_json::Value {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("s.ron"), text).unwrap();
    corridor()
        .current_dir(tmp.path())
        .args(["run", "s.ron", "--trials", trials, "-q", "--charts", "none"])
        .args(["--out", "out"])
        .assert()
        .success();
    read_json(&tmp.path().join("out/summary.json"))
}

#[test]
fn a_known_shortfall_crosses_exactly_the_thresholds_below_it() {
    // 10 Mt/yr of supply through 4 Mt/yr of capacity: 6 Mt stranded every year.
    let text = edit(
        MINIMAL,
        "capacity: { 2025: 100.0 }",
        "capacity: { 2025: 4.0 }",
    );
    let text = edit(
        &text,
        "    prices:",
        "    stranded_thresholds: [1.0, 5.999, 6.0, 7.5],\n    prices:",
    );
    let json = run(&text, "200");
    let m = &json["metrics"];
    for (id, expect) in [
        ("stranded_over_1Mt/Prod", 1.0),
        ("stranded_over_5.999Mt/Prod", 1.0),
        // "Exceeds" is strict: exactly at the threshold does not count.
        ("stranded_over_6Mt/Prod", 0.0),
        ("stranded_over_7.5Mt/Prod", 0.0),
    ] {
        assert_eq!(m[id]["unit"], "share of trials", "{id}");
        assert_eq!(m[id]["horizon_rule"], "max", "{id}");
        assert_eq!(m[id]["horizon"]["mean"], expect, "{id}");
        assert_eq!(m[id]["horizon"]["sd"], 0.0, "{id}");
        for year in ["2025", "2026", "2027"] {
            assert_eq!(m[id]["by_year"][year]["mean"], expect, "{id} {year}");
        }
    }
    assert_eq!(m["stranded_volume/Prod"]["horizon"]["mean"], 18.0);
}

#[test]
fn the_chance_in_any_year_obeys_the_union_bound_and_matches_the_law() {
    // Capacity Uniform(0, 10) drawn each year, supply 10: stranded = 10 − capacity, so
    // P(stranded > 6 in a year) = P(capacity < 4) = 0.4, independently each year, and
    // P(in at least one of 3 years) = 1 − 0.6³ = 0.784.
    let text = edit(
        MINIMAL,
        "capacity: { 2025: 100.0 }",
        "capacity: { 2025: PerYear(Uniform(min: 0.0, max: 10.0)) }",
    );
    let text = edit(
        &text,
        "    prices:",
        "    stranded_thresholds: [6.0],\n    prices:",
    );
    let n = 20_000.0;
    let json = run(&text, "20000");
    let m = &json["metrics"]["stranded_over_6Mt/Prod"];
    let yearly: Vec<f64> = ["2025", "2026", "2027"]
        .iter()
        .map(|y| m["by_year"][*y]["mean"].as_f64().unwrap())
        .collect();
    let any = m["horizon"]["mean"].as_f64().unwrap();
    let largest = yearly.iter().cloned().fold(0.0, f64::max);
    assert!(
        any >= largest && any <= yearly.iter().sum::<f64>(),
        "{any} {yearly:?}"
    );
    // 4σ with σ = sqrt(p(1 − p)/n), the binomial standard error of a share of n trials.
    for p in &yearly {
        let se = (0.4f64 * 0.6 / n).sqrt();
        assert!(
            (p - 0.4).abs() < 4.0 * se,
            "yearly {p} vs 0.4 (4σ = {})",
            4.0 * se
        );
    }
    let exact = 1.0 - 0.6f64.powi(3);
    let se = (exact * (1.0 - exact) / n).sqrt();
    assert!(
        (any - exact).abs() < 4.0 * se,
        "any {any} vs {exact} (4σ = {})",
        4.0 * se
    );
}
