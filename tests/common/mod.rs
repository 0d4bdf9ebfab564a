//! Helpers shared by the integration test files: the built binary, a minimal valid scenario,
//! the statistics every `STATS` object carries, and a few small readers.
//!
//! Each test file compiles this module separately and uses only part of it.
#![allow(dead_code)]

pub mod fixture;

use std::path::Path;

/// The `corridor` binary that cargo built for these tests.
pub fn corridor() -> assert_cmd::Command {
    assert_cmd::Command::new(env!("CARGO_BIN_EXE_corridor"))
}

/// The fields of a `STATS` object in summary.json, in the documented order (README).
pub const STAT_FIELDS: [&str; 15] = [
    "count", "mean", "sd", "se", "min", "p1", "p5", "p10", "p25", "p50", "p75", "p90", "p95",
    "p99", "max",
];

/// The order statistics, which must be non-decreasing in this order.
pub const ORDER_STATS: [&str; 11] = [
    "min", "p1", "p5", "p10", "p25", "p50", "p75", "p90", "p95", "p99", "max",
];

/// A minimal valid scenario: one producer (10 Mt/yr, all exported), one asset with ample
/// capacity, one route, a mean-reverting price. Error tests edit one line of it.
pub const MINIMAL: &str = r#"Scenario(
    name: "minimal",
    horizon: (first_year: 2025, last_year: 2027),
    producers: [
        (
            name: "Prod",
            production: (anchors: { 2025: 10.0 }),
            export_share: 1.0,
            barrels_per_tonne: 7.5,
        ),
    ],
    assets: [
        (
            name: "Pipe",
            capacity: { 2025: 100.0 },
            owner: "PipeCo",
            tariff: 10.0,
        ),
    ],
    routes: [
        (
            name: "Main",
            producers: ["Prod"],
            assets: ["Pipe"],
        ),
    ],
    prices: (
        benchmark: MeanReverting(start: 70.0, long_run: 70.0, reversion: 0.5, volatility: 0.3),
    ),
)
"#;

/// `text` with the first occurrence of `from` replaced by `to`; panics if `from` is absent, so
/// a test never silently checks an unedited file.
pub fn edit(text: &str, from: &str, to: &str) -> String {
    assert!(
        text.contains(from),
        "{from:?} not found in the scenario text"
    );
    text.replacen(from, to, 1)
}

/// 1-based line and column (in characters) of the first occurrence of `needle` in `text`.
pub fn line_col(text: &str, needle: &str) -> (usize, usize) {
    let offset = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not found"));
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = text[line_start..offset].chars().count() + 1;
    (line, col)
}

/// Reads and parses a JSON file.
pub fn read_json(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

/// Names of the entries in a folder, sorted.
pub fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}
