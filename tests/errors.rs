//! Every class of error a user can meet, as `docs/errors.md` lists them: each message names the
//! file with the line and column or the field path (or the path it could not use), says what to
//! change, comes with the documented exit code, and appears in docs/errors.md exactly as printed.
//!
//! Scenario errors are made by one edit of the minimal scenario (tests/common), written as
//! `scenario.ron` and checked from its folder, so the printed file name is the one in the docs.
//! The expected line and column are computed here from the edited text (the first occurrence of
//! a marker), not copied from the output. Classes: syntax, type, unknown field, bad reference,
//! bad number, bad distribution, every limit of `src/scenario/limits.rs` and the loader's, and
//! I/O (missing, folder, not UTF-8, too large, --out a file, an unwritable --out, a write that
//! fails). Command-line usage errors exit 2 as well.

use crate::common;

use std::path::Path;
use std::process::Command;

use common::{MINIMAL, edit, line_col};

const BIN: &str = env!("CARGO_BIN_EXE_corridor");

/// docs/errors.md, where every message below must appear verbatim.
fn docs() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/errors.md")).unwrap()
}

/// One scenario error: the edits that make it, where it must be located, what the message must
/// say.
struct Case {
    class: &'static str,
    edits: &'static [(&'static str, &'static str)],
    /// The diagnostic's position is the first occurrence of this text in the edited file.
    marker: &'static str,
    path: &'static str,
    hints: &'static [&'static str],
}

/// Runs `corridor ARGS` in `dir`; returns (exit code, stdout, stderr).
fn corridor_in(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Checks `text` as scenario.ron and asserts the located, documented diagnostic.
fn assert_case(text: &str, case: &Case, docs: &str) {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("scenario.ron"), text).unwrap();
    let (code, _, stderr) = corridor_in(tmp.path(), &["check", "scenario.ron"]);
    assert_eq!(code, 2, "{}: {stderr}", case.class);
    let (line, col) = line_col(text, case.marker);
    let prefix = if case.path.is_empty() {
        format!("scenario.ron:{line}:{col}: ")
    } else {
        format!("scenario.ron:{line}:{col}: {}: ", case.path)
    };
    let diag = stderr
        .lines()
        .find(|l| l.starts_with(&prefix))
        .unwrap_or_else(|| panic!("{}: no line starting {prefix:?} in:\n{stderr}", case.class));
    for h in case.hints {
        assert!(diag.contains(h), "{}: {diag:?} lacks {h:?}", case.class);
    }
    assert!(
        docs.contains(diag),
        "{}: docs/errors.md does not show the message as printed:\n{diag}",
        case.class
    );
    // The same file is refused by `run` with the same exit code, and nothing is written.
    let (code, _, _) = corridor_in(tmp.path(), &["run", "scenario.ron", "--trials", "5", "-q"]);
    assert_eq!(code, 2, "{}", case.class);
    assert!(!tmp.path().join("output").exists(), "{}", case.class);
}

fn apply(case: &Case) -> String {
    case.edits
        .iter()
        .fold(MINIMAL.to_string(), |t, (from, to)| edit(&t, from, to))
}

const DISRUPTION: &str = r#"    disruptions: [
        (name: "Storm", assets: ["Pipe"], frequency: Rate(0.5), duration_days: 3.0, severity: 1.0),
    ],
    prices:"#;

/// One observation before `prices:`, with one mistake each.
const OBSERVATION_EXPORTS: &str = r#"    observations: [
        (metric: "exports", entity: "Prod", year: 2025, value: 9.0, source: "https://example.org/prod"),
    ],
    prices:"#;
const OBSERVATION_PRD: &str = r#"    observations: [
        (metric: "export_volume", entity: "Prd", year: 2025, value: 9.0, source: "https://example.org/prod"),
    ],
    prices:"#;
const OBSERVATION_2030: &str = r#"    observations: [
        (metric: "export_volume", entity: "Prod", year: 2030, value: 9.0, source: "https://example.org/prod"),
    ],
    prices:"#;
const OBSERVATION_SOURCE: &str = r#"    observations: [
        (metric: "export_volume", entity: "Prod", year: 2025, value: 9.0, source: "kz-exports-2052"),
    ],
    prices:"#;

const CASES: &[Case] = &[
    // Text that shows a reviewer something other than what runs (checked before parsing).
    Case {
        class: "hidden character: bidirectional control in a name",
        edits: &[(r#"name: "Prod","#, "name: \"Pr\u{202E}od\",")],
        marker: "\u{202E}",
        path: "producers[0].name",
        hints: &["U+202E, a bidirectional-text control", "delete it"],
    },
    Case {
        class: "hidden character: escaped zero-width space in an owner",
        edits: &[(r#"owner: "PipeCo""#, r#"owner: "Pipe\u{200B}Co""#)],
        marker: r"\u{200B}",
        path: "assets[0].owner",
        hints: &["U+200B, an invisible formatting character"],
    },
    Case {
        class: "hidden character: bidirectional control in a comment",
        edits: &[("    prices: (", "    // \u{2066}note\n    prices: (")],
        marker: "\u{2066}",
        path: "",
        hints: &["U+2066", "in a comment or between values"],
    },
    // Syntax and types.
    Case {
        class: "syntax",
        edits: &[(r#"name: "minimal","#, r#"name: "minimal""#)],
        marker: "horizon:",
        path: "",
        hints: &["Expected comma"],
    },
    Case {
        class: "type",
        edits: &[("first_year: 2025", r#"first_year: "2025""#)],
        // ron reports the position just after the colon.
        marker: r#" "2025""#,
        path: "horizon.first_year",
        hints: &["Expected integer"],
    },
    Case {
        class: "syntax: a percentage",
        edits: &[("export_share: 1.0", "export_share: 40%")],
        marker: "%,",
        path: "producers[0]",
        hints: &["Expected comma", "a percentage as a fraction: 0.4 for 40%"],
    },
    Case {
        class: "type: text for a number",
        edits: &[("tariff: 10.0", "tariff: 10.0, storage_days: \"five\"")],
        // ron reports the position just after the colon.
        marker: " \"five\"",
        path: "assets[0].storage_days",
        hints: &[
            "expected a number, but it is \"five\"",
            "without quotes or units",
        ],
    },
    Case {
        class: "unknown field",
        edits: &[("capacity:", "capacty:")],
        marker: "capacty",
        path: "assets[0].capacty",
        hints: &["`capacty`", "expected one of", "`capacity`"],
    },
    // Observations: what a scenario records as having happened.
    Case {
        class: "observation: unknown metric",
        edits: &[("    prices:", OBSERVATION_EXPORTS)],
        marker: "\"exports\"",
        path: "observations[0].metric",
        hints: &["unknown metric", "known: export_supply"],
    },
    Case {
        class: "observation: unknown entity",
        edits: &[("    prices:", OBSERVATION_PRD)],
        marker: "\"Prd\"",
        path: "observations[0].entity",
        hints: &["reported for producers", "known: Prod"],
    },
    Case {
        class: "observation: year outside the horizon",
        edits: &[("    prices:", OBSERVATION_2030)],
        marker: "2030",
        path: "observations[0].year",
        hints: &["outside the horizon 2025–2027"],
    },
    Case {
        class: "observation: unknown source",
        edits: &[("    prices:", OBSERVATION_SOURCE)],
        marker: "\"kz-exports-2052\"",
        path: "observations[0].source",
        hints: &["docs/sources.md", "https://"],
    },
    // References.
    Case {
        class: "bad reference",
        edits: &[(r#"assets: ["Pipe"]"#, r#"assets: ["Pype"]"#)],
        marker: r#""Pype""#,
        path: "routes[0].assets[0]",
        hints: &[r#"unknown asset "Pype""#, "known: Pipe"],
    },
    Case {
        class: "repeated reference",
        edits: &[(r#"producers: ["Prod"]"#, r#"producers: ["Prod", "Prod"]"#)],
        marker: r#""Prod"]"#,
        path: "routes[0].producers[1]",
        hints: &[r#"producer "Prod" is listed twice"#],
    },
    // Numbers.
    Case {
        class: "number out of range",
        edits: &[("export_share: 1.0", "export_share: 1.5")],
        marker: "1.5",
        path: "producers[0].export_share",
        hints: &["must be between 0 and 1", "it is 1.5"],
    },
    Case {
        class: "huge number, echoed short",
        edits: &[("export_share: 1.0", "export_share: 1e308")],
        marker: "1e308",
        path: "producers[0].export_share",
        hints: &["but it is 1e308"],
    },
    Case {
        class: "NaN",
        edits: &[("barrels_per_tonne: 7.5", "barrels_per_tonne: NaN")],
        marker: "NaN",
        path: "producers[0].barrels_per_tonne",
        hints: &["must be a finite number (got NaN)"],
    },
    Case {
        class: "infinity",
        edits: &[("tariff: 10.0", "tariff: inf")],
        marker: "inf",
        path: "assets[0].tariff",
        hints: &["must be a finite number (got inf)"],
    },
    Case {
        class: "number out of range in a frequency schedule",
        edits: &[
            ("    prices:", DISRUPTION),
            ("Rate(0.5)", "ProbabilityByYear({ 2025: 0.1, 2027: 1.5 })"),
        ],
        marker: "1.5 }",
        path: "disruptions[0].frequency.2027",
        hints: &["must be between 0 and 1", "it is 1.5"],
    },
    Case {
        class: "regime row of a later year",
        edits: &[
            ("    prices:", DISRUPTION),
            (
                "    prices:",
                r#"    regimes: [(name: "war", initial: 1.0, next: [1.0], next_by_year: { 2027: [0.9] })],
    prices:"#,
            ),
        ],
        marker: "[0.9]",
        path: "regimes[0].next_by_year.2027",
        hints: &["sum to 0.9", "a row must sum to 1"],
    },
    // Distributions.
    Case {
        class: "distribution parameters",
        edits: &[(
            "tariff: 10.0",
            "tariff: Triangular(min: 5.0, mode: 20.0, max: 10.0)",
        )],
        marker: "Triangular(",
        path: "assets[0].tariff",
        hints: &["mode 20 is outside", "put mode between min and max"],
    },
    Case {
        class: "distribution parameter sign",
        edits: &[("tariff: 10.0", "tariff: Normal(mean: 10.0, sd: -1.0)")],
        marker: "Normal(",
        path: "assets[0].tariff",
        hints: &["sd must be positive (got -1)"],
    },
    Case {
        class: "distribution name",
        edits: &[("tariff: 10.0", "tariff: Unifrom(min: 1.0, max: 2.0)")],
        marker: "Unifrom",
        path: "assets[0].tariff",
        hints: &[
            "`Unifrom`",
            "`Uniform`",
            "expected a number (72.5) or a distribution",
        ],
    },
    Case {
        class: "distribution reaching out of range",
        edits: &[("{ 2025: 100.0 }", "{ 2025: Normal(mean: 100.0, sd: 10.0) }")],
        marker: "Normal(",
        path: "assets[0].capacity.2025",
        hints: &["must be ≥ 0", "truncate or narrow the distribution"],
    },
    // Limits (src/scenario/limits.rs).
    Case {
        class: "limit: year",
        edits: &[("last_year: 2027", "last_year: 20270")],
        marker: "20270",
        path: "horizon.last_year",
        hints: &["year 20270 is outside 1900..=2300"],
    },
    Case {
        class: "limit: horizon length",
        edits: &[
            ("first_year: 2025", "first_year: 2000"),
            ("last_year: 2027", "last_year: 2250"),
            ("{ 2025: 100.0 }", "{ 2000: 100.0 }"),
        ],
        marker: "(first_year",
        path: "horizon",
        hints: &[
            "251 years is more than the limit of 200",
            "shorten the horizon",
        ],
    },
    Case {
        class: "limit: year in a schedule",
        edits: &[("{ 2025: 100.0 }", "{ 2025: 100.0, 20300: 50.0 }")],
        marker: "50.0",
        path: "assets[0].capacity.20300",
        hints: &[
            "year 20300 is outside 1900..=2300",
            "use a year in that range",
        ],
    },
    Case {
        class: "limit: trials",
        edits: &[(
            "last_year: 2027)",
            "last_year: 2027, trials: 1000000000000)",
        )],
        marker: "1000000000000",
        path: "horizon.trials",
        hints: &["trials must be between 1 and 1000000000"],
    },
    Case {
        class: "limit: volume",
        edits: &[("{ 2025: 100.0 }", "{ 2025: 1e300 }")],
        marker: "1e300",
        path: "assets[0].capacity.2025",
        hints: &[
            "must be at most 10000 Mt/yr",
            "it is 1e300",
            "check the units",
        ],
    },
    Case {
        class: "limit: volume, distribution tail",
        edits: &[(
            "{ 2025: 100.0 }",
            "{ 2025: LogNormal(mean: 5000.0, sd: 5000.0) }",
        )],
        marker: "LogNormal(",
        path: "assets[0].capacity.2025",
        hints: &["its 99.9th percentile is 46323.6", "narrow or truncate"],
    },
    Case {
        class: "limit: growth",
        edits: &[(
            "anchors: { 2025: 10.0 }",
            "anchors: { 2025: 10.0 }, growth: { 2026: 5.0 }",
        )],
        marker: "5.0 }",
        path: "producers[0].production.growth.2026",
        hints: &["must be at most 1 (+100% a year)", "it is 5"],
    },
    Case {
        class: "limit: price",
        edits: &[("start: 70.0", "start: 70000.0")],
        marker: "70000.0",
        path: "prices.benchmark.start",
        hints: &["must be at most 10000 USD/bbl"],
    },
    Case {
        class: "limit: volatility",
        edits: &[("volatility: 0.3", "volatility: 30.0")],
        marker: "30.0",
        path: "prices.benchmark.volatility",
        hints: &["must be at most 5 (500% a year)"],
    },
    Case {
        class: "limit: tariff",
        edits: &[("tariff: 10.0", "tariff: 38000.0")],
        marker: "38000.0",
        path: "assets[0].tariff",
        hints: &["must be at most 1000 USD/t", "check the units"],
    },
    Case {
        class: "limit: differential",
        edits: &[(
            r#"assets: ["Pipe"],"#,
            r#"assets: ["Pipe"], differential: -5000.0,"#,
        )],
        marker: "-5000.0",
        path: "routes[0].differential",
        hints: &["must be between -1000 and 1000 USD/bbl"],
    },
    Case {
        class: "limit: barrels per tonne",
        edits: &[("barrels_per_tonne: 7.5", "barrels_per_tonne: 75.0")],
        marker: "75.0",
        path: "producers[0].barrels_per_tonne",
        hints: &["must be at most 20 bbl/t"],
    },
    Case {
        class: "limit: storage days",
        edits: &[("tariff: 10.0", "tariff: 10.0, storage_days: 400.0")],
        marker: "400.0",
        path: "assets[0].storage_days",
        hints: &["must be at most 365 days, but it is 400"],
    },
    Case {
        class: "limit: duration",
        edits: &[
            ("    prices:", DISRUPTION),
            (
                "duration_days: 3.0",
                "duration_days: Pareto(scale: 5.0, shape: 0.5)",
            ),
        ],
        marker: "Pareto(",
        path: "disruptions[0].duration_days",
        hints: &[
            "must be at most 36500 days",
            "its 99.9th percentile is 5000000",
        ],
    },
    Case {
        class: "limit: outages a year",
        edits: &[("    prices:", DISRUPTION), ("Rate(0.5)", "Rate(1000.0)")],
        marker: "Rate(",
        path: "disruptions[0].frequency",
        hints: &[
            "about 1000 times a year",
            "the limit is 365",
            "lower the rate",
        ],
    },
    Case {
        class: "limit: outages in progress",
        edits: &[
            ("    prices:", DISRUPTION),
            ("Rate(0.5)", "Rate(300.0)"),
            ("duration_days: 3.0", "duration_days: 36500.0"),
        ],
        marker: "36500.0",
        path: "disruptions[0].duration_days",
        hints: &[
            "on average 30000 outages",
            "the limit is 1000",
            "shorten the durations",
        ],
    },
    Case {
        class: "bad source: an ID that docs/sources.md lacks",
        edits: &[(
            "    prices:",
            r#"    sources: { "assets[Pipe].tariff": Cited(source: "pipe-tarif"), "assets[Pipe].owner": Assumed(why: "") },
    prices:"#,
        )],
        marker: "Cited(",
        path: "sources.assets[Pipe].tariff",
        hints: &["\"pipe-tarif\" is not an entry of docs/sources.md"],
    },
    Case {
        class: "bad source: a key that names no number, an assumption with no reason",
        edits: &[(
            "    prices:",
            r#"    sources: { "assets[Pipe].tariff": Cited(source: "pipe-tarif"), "assets[Pipe].owner": Assumed(why: "") },
    prices:"#,
        )],
        marker: "Assumed(",
        path: "sources.assets[Pipe].owner",
        hints: &[
            "not a number of the scenario",
            "key each source by the path",
        ],
    },
    Case {
        class: "bad number: a regime's initial probability",
        edits: &[(
            "    prices:",
            r#"    regimes: [(name: "calm", initial: 1.5, next: [1.0])],
    prices:"#,
        )],
        marker: "1.5, next",
        path: "regimes[0].initial",
        hints: &["must be between 0 and 1, but it is 1.5"],
    },
    Case {
        class: "limit: regime multiplier",
        edits: &[
            ("    prices:", DISRUPTION),
            (
                "    prices:",
                r#"    regimes: [(name: "war", initial: 1.0, next: [1.0], frequency_multipliers: { "Storm": 5000.0 })],
    prices:"#,
            ),
        ],
        marker: "5000.0",
        path: "regimes[0].frequency_multipliers.Storm",
        hints: &["5000 must be a number from 0 to 1000"],
    },
];

/// Commitments, output caps and market responses: what `check` refuses in them.
const COMMITMENT_CASES: &[Case] = &[
    Case {
        class: "reservation on a shared route",
        edits: &[
            (
                "            barrels_per_tonne: 7.5,\n        ),\n",
                "            barrels_per_tonne: 7.5,\n        ),\n        (name: \"Other\", production: (anchors: { 2025: 5.0 }), barrels_per_tonne: 7.5),\n",
            ),
            (
                r#"producers: ["Prod"],"#,
                "producers: [\"Prod\", \"Other\"],\n            reservation: (volume: { 2025: 5.0 }, fee: 10.0, ship_or_pay: true),",
            ),
        ],
        marker: "(volume:",
        path: "routes[0].reservation",
        hints: &["held by one producer", "route of its own"],
    },
    Case {
        class: "reservation above the contract maximum",
        edits: &[(
            r#"name: "Main","#,
            "name: \"Main\",\n            contract_max: { 2025: 3.0 },\n            reservation: (volume: { 2025: 5.0 }, fee: 10.0, ship_or_pay: true),",
        )],
        marker: "{ 2025: 5.0 }, fee",
        path: "routes[0].reservation.volume",
        hints: &[
            "exceeds the route's contract maximum (3)",
            "lower the reservation",
        ],
    },
    Case {
        class: "reservation without a year",
        edits: &[(
            r#"name: "Main","#,
            "name: \"Main\",\n            reservation: (volume: {}, fee: 10.0, ship_or_pay: false),",
        )],
        marker: "{}, fee",
        path: "routes[0].reservation.volume",
        hints: &["give at least one year"],
    },
    Case {
        class: "output cap without a year",
        edits: &[(
            "barrels_per_tonne: 7.5,",
            "barrels_per_tonne: 7.5,\n            quota: (cap: {}, compliance: 0.5),",
        )],
        marker: "{}, compliance",
        path: "producers[0].quota.cap",
        hints: &["give at least one year"],
    },
    Case {
        class: "compliance above 1",
        edits: &[(
            "barrels_per_tonne: 7.5,",
            "barrels_per_tonne: 7.5,\n            quota: (cap: { 2025: 8.0 }, compliance: 1.5),",
        )],
        marker: "1.5)",
        path: "producers[0].quota.compliance",
        hints: &["must be between 0 and 1"],
    },
    Case {
        class: "make-up share above 1",
        edits: &[(
            "barrels_per_tonne: 7.5,",
            "barrels_per_tonne: 7.5, make_up: 1.2,",
        )],
        marker: "1.2,",
        path: "producers[0].make_up",
        hints: &["must be between 0 and 1", "it is 1.2"],
    },
    Case {
        class: "supply plan ending before it starts",
        edits: &[(
            "barrels_per_tonne: 7.5,",
            "barrels_per_tonne: 7.5,\n            supply_plan: [(start: \"2025-12-01\", end: \"2025-11-30\", rate: 12.0)],",
        )],
        marker: "\"2025-11-30\"",
        path: "producers[0].supply_plan[0].end",
        hints: &["is before the start 2025-12-01"],
    },
    Case {
        class: "negative supply rate",
        edits: &[(
            "barrels_per_tonne: 7.5,",
            "barrels_per_tonne: 7.5,\n            supply_plan: [(start: \"2025-12-01\", end: \"2025-12-31\", rate: -1.0)],",
        )],
        marker: "-1.0",
        path: "producers[0].supply_plan[0].rate",
        hints: &["not a supply rate", "between 0 and 10000"],
    },
    Case {
        class: "overlapping supply plan",
        edits: &[(
            "barrels_per_tonne: 7.5,",
            "barrels_per_tonne: 7.5,\n            supply_plan: [(start: \"2025-11-01\", end: \"2025-11-30\", rate: 12.0), (start: \"2025-11-15\", end: \"2025-12-31\", rate: 14.0)],",
        )],
        marker: "(start: \"2025-11-15\"",
        path: "producers[0].supply_plan[1]",
        hints: &["overlaps entry 0", "one rate on a day"],
    },
    Case {
        class: "supply plan covering a whole year",
        edits: &[(
            "barrels_per_tonne: 7.5,",
            "barrels_per_tonne: 7.5,\n            supply_plan: [(start: \"2025-01-01\", end: \"2025-12-31\", rate: 12.0)],",
        )],
        marker: "[(start",
        path: "producers[0].supply_plan",
        hints: &["covers all of 2025", "leave some of it unplanned"],
    },
    Case {
        class: "market response on an unknown asset",
        edits: &[(
            "    prices: (",
            "    market_responses: [\n        (name: \"Premium\", assets: [\"Pype\"], per_mt_lost: 0.1, moves: Benchmark),\n    ],\n    prices: (",
        )],
        marker: "\"Pype\"",
        path: "market_responses[0].assets[0]",
        hints: &["unknown asset \"Pype\"", "known: Pipe"],
    },
    Case {
        class: "market response on an unknown route",
        edits: &[(
            "    prices: (",
            "    market_responses: [\n        (name: \"Premium\", assets: [\"Pipe\"], per_mt_lost: 0.1, moves: Differentials([\"Mian\"])),\n    ],\n    prices: (",
        )],
        marker: "\"Mian\"",
        path: "market_responses[0].moves[0]",
        hints: &["unknown route \"Mian\"", "known: Main"],
    },
    Case {
        class: "market response beyond its limit",
        edits: &[(
            "    prices: (",
            "    market_responses: [\n        (name: \"Premium\", assets: [\"Pipe\"], per_mt_lost: 500.0, moves: Benchmark),\n    ],\n    prices: (",
        )],
        marker: "500.0",
        path: "market_responses[0].per_mt_lost",
        hints: &["between -100 and 100 USD/bbl per Mt/yr", "check the units"],
    },
];

#[test]
fn commitment_cap_and_response_errors_are_located_actionable_and_documented() {
    let docs = docs();
    for case in COMMITMENT_CASES {
        assert_case(&apply(case), case, &docs);
    }
}

#[test]
fn every_scenario_error_class_is_located_actionable_and_documented() {
    let docs = docs();
    for case in CASES {
        assert_case(&apply(case), case, &docs);
    }
}

#[test]
fn nesting_beyond_the_limit_is_refused_where_it_starts() {
    let deep = format!("tariff: {}{}", "[".repeat(70), "]".repeat(70));
    let text = edit(MINIMAL, "tariff: 10.0", &deep);
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("scenario.ron"), &text).unwrap();
    let (code, _, stderr) = corridor_in(tmp.path(), &["check", "scenario.ron"]);
    assert_eq!(code, 2, "{stderr}");
    let (line, _) = line_col(&text, "[[");
    let diag = stderr.lines().next().unwrap();
    // The reader stops at the 65th bracket; the path names the field it is in.
    assert!(
        diag.starts_with(&format!("scenario.ron:{line}:")) && diag.contains(": assets[0].tariff"),
        "{diag}"
    );
    let message = "the file nests deeper than 64 levels; look for unbalanced brackets";
    assert!(diag.ends_with(message), "{diag}");
    assert!(docs().contains(message));
}

/// A list of `n` generated entries, for the count limits.
fn many(n: usize, entry: impl Fn(usize) -> String) -> String {
    (0..n).map(entry).collect::<Vec<_>>().join(",\n        ")
}

#[test]
fn count_limits_are_located_actionable_and_documented() {
    let docs = docs();
    // 257 assets: one more than the limit on every list.
    let assets = many(257, |i| {
        format!(r#"(name: "A{i}", capacity: {{ 2025: 1.0 }})"#)
    });
    let text = edit(
        MINIMAL,
        "    ],\n    routes: [",
        &format!("        {assets},\n    ],\n    routes: ["),
    );
    let case = Case {
        class: "limit: entries",
        edits: &[],
        marker: "[\n        (\n            name: \"Pipe\"",
        path: "assets",
        hints: &["258 entries is more than the limit of 256"],
    };
    assert_case_lenient(&text, &case, &docs);

    // 64 producers × 200 years of statistics.
    let producers = many(64, |i| {
        format!(r#"(name: "P{i}", production: (anchors: {{ 2025: 1.0 }}), barrels_per_tonne: 7.5)"#)
    });
    let text = edit(MINIMAL, "last_year: 2027", "last_year: 2224");
    let text = edit(
        &text,
        "    producers: [\n",
        &format!("    producers: [\n        {producers},\n"),
    );
    let case = Case {
        class: "limit: statistics",
        edits: &[],
        marker: "(first_year",
        path: "horizon",
        hints: &["the limit is 50000", "shorten the horizon"],
    };
    assert_case_lenient(&text, &case, &docs);

    // 1025 producer-route pairs.
    let producers = many(1025, |i| {
        format!(r#"(name: "P{i}", production: (anchors: {{ 2025: 1.0 }}), barrels_per_tonne: 7.5)"#)
    });
    let names = many(1025, |i| format!("\"P{i}\""));
    let text = edit(
        MINIMAL,
        "    producers: [\n",
        &format!("    producers: [\n        {producers},\n"),
    );
    let text = edit(
        &text,
        r#"producers: ["Prod"]"#,
        &format!("producers: [{names}]"),
    );
    let case = Case {
        class: "limit: producer-route pairs",
        edits: &[],
        marker: "[\n        (\n            name: \"Main\"",
        path: "routes",
        hints: &["1025 producer-route pairs", "the limit is 1024"],
    };
    assert_case_lenient(&text, &case, &docs);
}

#[test]
fn long_names_and_lists_are_cut_in_messages() {
    let docs = docs();
    let long = "P".repeat(5000);
    let text = edit(
        MINIMAL,
        r#"assets: ["Pipe"]"#,
        &format!(r#"assets: ["{long}"]"#),
    );
    let case = Case {
        class: "a 5000-character name",
        edits: &[],
        marker: "\"PPPP",
        path: "routes[0].assets[0]",
        hints: &["… (5000 characters)", "known: Pipe"],
    };
    assert_case_lenient(&text, &case, &docs);

    // 60 more assets: the known names are summarised.
    let assets = many(60, |i| {
        format!(r#"(name: "A{i}", capacity: {{ 2025: 1.0 }}, tariff: 1.0)"#)
    });
    let text = edit(
        MINIMAL,
        "    assets: [\n",
        &format!("    assets: [\n{assets},\n"),
    );
    let text = edit(&text, r#"assets: ["Pipe"]"#, r#"assets: ["Pype"]"#);
    let case = Case {
        class: "an unknown name among 61",
        edits: &[],
        marker: "\"Pype\"",
        path: "routes[0].assets[0]",
        hints: &["known: A0, A1, A10,", "… and 51 more"],
    };
    assert_case_lenient(&text, &case, &docs);
}

#[test]
fn the_documented_statistics_formula_counts_stranded_thresholds() {
    // 16 producers and 8 thresholds over 200 years: within the limit without the thresholds
    // ((8 × 16 + 5) × 201 = 26,733), beyond it with them.
    let documented = "metrics = (8 + stranded-volume thresholds) per producer + 1 per route + 1 per asset owner + 3 per asset + 1";
    assert!(
        docs().contains(documented),
        "docs/errors.md lacks:\n{documented}"
    );
    let (producers, thresholds, routes, owners, assets) = (16, 8, 1, 1, 1);
    let metrics = (8 + thresholds) * producers + routes + owners + 3 * assets + 1;
    let list = many(producers - 1, |i| {
        format!(r#"(name: "P{i}", production: (anchors: {{ 2025: 1.0 }}), barrels_per_tonne: 7.5)"#)
    });
    let text = edit(MINIMAL, "last_year: 2027", "last_year: 2224");
    let text = edit(
        &text,
        "    producers: [\n",
        &format!("    producers: [\n        {list},\n"),
    );
    let text = edit(
        &text,
        "    prices:",
        "    stranded_thresholds: [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0],\n    prices:",
    );
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("scenario.ron"), &text).unwrap();
    let (code, _, stderr) = corridor_in(tmp.path(), &["check", "scenario.ron"]);
    assert_eq!(code, 2, "{stderr}");
    let expected = format!(
        "the results would hold {} statistics ({metrics} metrics × (200 years + the horizon))",
        metrics * 201
    );
    assert!(stderr.contains(&expected), "{stderr}\nlacks {expected}");
}

/// As `assert_case`, but the documented message need only share its text after the position
/// (these files are generated, so the docs show a shortened example).
fn assert_case_lenient(text: &str, case: &Case, docs: &str) {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("scenario.ron"), text).unwrap();
    let (code, _, stderr) = corridor_in(tmp.path(), &["check", "scenario.ron"]);
    assert_eq!(code, 2, "{}: {stderr}", case.class);
    let (line, col) = line_col(text, case.marker);
    let prefix = format!("scenario.ron:{line}:{col}: {}: ", case.path);
    let diag = stderr
        .lines()
        .find(|l| l.starts_with(&prefix))
        .unwrap_or_else(|| panic!("{}: no line starting {prefix:?} in:\n{stderr}", case.class));
    for h in case.hints {
        assert!(diag.contains(h), "{}: {diag:?} lacks {h:?}", case.class);
    }
    let message = &diag[prefix.len()..];
    assert!(
        docs.contains(message),
        "{}: docs/errors.md lacks the message:\n{message}",
        case.class
    );
}

#[test]
fn file_errors_name_the_file_and_say_what_to_change() {
    let docs = docs();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::create_dir(dir.join("folder.ron")).unwrap();
    std::fs::write(dir.join("latin1.ron"), b"Scenario(name: \"Caf\xe9\")").unwrap();
    std::fs::write(dir.join("huge.ron"), vec![b' '; 5_000_000]).unwrap();
    for (file, message) in [
        (
            "missing.ron",
            "missing.ron: cannot read the file (No such file or directory (os error 2)); check the path",
        ),
        (
            "folder.ron",
            "folder.ron: is a folder; give a scenario file (.ron)",
        ),
        (
            "latin1.ron",
            "latin1.ron: is not UTF-8 text (invalid byte at offset 19); save it as UTF-8",
        ),
        (
            "huge.ron",
            "huge.ron: is 5000000 bytes; scenario files are limited to 4194304 bytes (is it the right file?)",
        ),
    ] {
        let (code, _, stderr) = corridor_in(dir, &["check", file]);
        assert_eq!(code, 2, "{stderr}");
        assert_eq!(stderr.lines().next(), Some(message), "{stderr}");
        assert!(docs.contains(message), "docs/errors.md lacks:\n{message}");
        let (code, _, _) = corridor_in(dir, &["run", file, "--trials", "5", "-q"]);
        assert_eq!(code, 2, "run {file}");
    }
    // Devices are refused before any read: /dev/zero never ends, /dev/null is no scenario.
    // (Named pipes, which would block a read, are tested under a deadline in hardening.rs.)
    #[cfg(unix)]
    for dev in ["/dev/zero", "/dev/null"] {
        let (code, _, stderr) = corridor_in(dir, &["check", dev]);
        assert_eq!(code, 2, "{stderr}");
        let message = format!(
            "{dev}: is a character device, not a regular file; give a scenario file (.ron): corridor reads only regular files, so that a read cannot wait or go on forever"
        );
        assert_eq!(stderr.lines().next(), Some(message.as_str()), "{stderr}");
        if dev == "/dev/zero" {
            assert!(docs.contains(&message), "docs/errors.md lacks:\n{message}");
        }
    }
}

#[test]
fn output_errors_name_the_path_and_say_what_to_change() {
    let docs = docs();
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("results.txt"), "keep").unwrap();
    for (out, message) in [
        (
            "results.txt",
            "corridor: error: --out results.txt exists and is not a folder; give a folder for the results",
        ),
        (
            "/proc/corridor/results",
            "corridor: error: cannot create /proc/corridor; give an --out in a folder you can write: No such file or directory (os error 2)",
        ),
    ] {
        let (code, _, stderr) =
            corridor_in(tmp.path(), &["run", "--trials", "5", "-q", "--out", out]);
        assert_eq!(code, 1, "{stderr}");
        assert_eq!(stderr.trim_end(), message);
        assert!(docs.contains(message), "docs/errors.md lacks:\n{message}");
    }
    // A foreign folder is never replaced.
    std::fs::create_dir(tmp.path().join("thesis")).unwrap();
    std::fs::write(tmp.path().join("thesis/chapter1.tex"), "x").unwrap();
    let (code, _, stderr) = corridor_in(
        tmp.path(),
        &["run", "--trials", "5", "-q", "--out", "thesis"],
    );
    assert_eq!(code, 1);
    let message = "corridor: error: thesis is not empty and has no manifest.json, so corridor cannot prove it wrote chapter1.tex; corridor replaces its output folder whole and deletes only files it wrote, so give another --out or move those files out of thesis";
    assert_eq!(stderr.trim_end(), message);
    assert!(docs.contains(message), "docs/errors.md lacks:\n{message}");
    // An input is never the output folder or inside it (checked before the shards are read).
    for shard in ["s0", "s1"] {
        std::fs::create_dir(tmp.path().join(shard)).unwrap();
        std::fs::write(tmp.path().join(shard).join("partial.json"), "{}").unwrap();
    }
    for (args, message) in [
        (
            &["merge", "-q", "s0/partial.json", "s1", "--out", "s0"][..],
            "corridor: error: --out s0 is s0 (the folder of s0/partial.json), which this command reads; write the results to another folder",
        ),
        (
            &["merge", "-q", "s0", "s1", "--out", "s1/merged"],
            "corridor: error: --out s1/merged is inside s1, which this command reads; write the results to a folder outside it",
        ),
    ] {
        let (code, _, stderr) = corridor_in(tmp.path(), args);
        assert_eq!(code, 1, "{stderr}");
        assert_eq!(stderr.trim_end(), message);
        assert!(docs.contains(message), "docs/errors.md lacks:\n{message}");
    }
}

#[test]
fn usage_errors_exit_2_and_say_what_is_allowed() {
    let docs = docs();
    let tmp = tempfile::tempdir().unwrap();
    for (args, message) in [
        (
            &["run", "--trials", "0", "-q"][..],
            "corridor: --trials must be between 1 and 1000000000 (got 0)",
        ),
        (
            &["run", "--trials", "1000000000000", "-q"],
            "corridor: --trials must be between 1 and 1000000000 (got 1000000000000)",
        ),
    ] {
        let (code, _, stderr) = corridor_in(tmp.path(), args);
        assert_eq!(code, 2, "{stderr}");
        assert_eq!(stderr.trim_end(), message);
        assert!(docs.contains(message), "docs/errors.md lacks:\n{message}");
    }
    let (code, _, stderr) = corridor_in(tmp.path(), &["run", "--trials", "many"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("invalid value 'many' for '--trials <TRIALS>'"),
        "{stderr}"
    );
    assert!(
        std::fs::read_dir(tmp.path()).unwrap().next().is_none(),
        "usage errors wrote files"
    );
}
