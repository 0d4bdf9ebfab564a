//! Helpers shared by the integration test files: the built binary, a minimal valid scenario,
//! the statistics every `STATS` object carries, a few small readers, and insta's macros under
//! the snapshot names the files had before they were grouped.
//!
//! Each test binary (`commands.rs`, `model.rs`, `input.rs`) compiles this module once; each
//! file uses only part of it (`use crate::common;`).
#![allow(dead_code)]

pub mod fixture;

use std::path::{Path, PathBuf};

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

/// The `.ron` files in `dir` (relative to the repository), sorted.
pub fn ron_files(dir: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "ron"))
        .collect();
    files.sort();
    files
}

/// Seed 000's 2024 route table, Mt through each asset (docs/calibration.md): the target of
/// calibration-2024.ron alone and with the baseline's disruptions and regimes running.
pub const ROUTE_TABLE_2024: [(&str, f64); 5] = [
    ("CPC pipeline", 55.0),
    ("Atyrau-Samara", 8.8),
    ("Aktau port", 3.6),
    ("Atasu-Alashankou", 1.2),
    ("BTC", 30.0),
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

/// insta's snapshot macros for a test file that is a module of a grouped binary, naming each
/// snapshot `FILE__NAME.snap` in `tests/snapshots/` as when every file was a binary of its own.
///
/// Why: insta prefixes a snapshot's file name with the module path, which grouping turned from
/// `charts` into `commands::charts`; without this, every existing snapshot would be looked for
/// under a new name and recorded again instead of compared. A file opts in with
/// `use crate::common::insta;`, which shadows the crate for that file, so its calls
/// (`insta::assert_json_snapshot!("stems", stems)`) stay as they were. Snapshots must be named:
/// an unnamed one would be named after the test function, which this prefix does not cover.
#[allow(unused_macros, unused_imports)] // a group may use none of them (`input.rs`)
pub mod insta {
    /// `charts` for `commands::charts`: the module path insta used when the file was the root.
    pub fn file_prefix(module_path: &str) -> &str {
        module_path.rsplit("::").next().unwrap_or(module_path)
    }

    /// Runs insta's `$assert` on a named snapshot, with the file's own prefix and insta's
    /// module prefix turned off.
    macro_rules! named {
        ($assert:ident, $name:expr, $value:expr $(,)?) => {{
            let mut settings = ::insta::Settings::clone_current();
            settings.set_prepend_module_to_snapshot(false);
            let _bound = settings.bind_to_scope();
            let prefix = $crate::common::insta::file_prefix(module_path!());
            ::insta::$assert!(format!("{prefix}__{}", $name), $value);
        }};
        ($assert:ident, $($other:tt)*) => {
            compile_error!("name the snapshot: insta::assert_..._snapshot!(\"name\", value)")
        };
    }

    macro_rules! assert_json_snapshot {
        ($($arg:tt)*) => { $crate::common::insta::named!(assert_json_snapshot, $($arg)*) };
    }

    macro_rules! assert_snapshot {
        ($($arg:tt)*) => { $crate::common::insta::named!(assert_snapshot, $($arg)*) };
    }

    pub(crate) use {assert_json_snapshot, assert_snapshot, named};
}
