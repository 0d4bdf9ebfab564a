//! Invalid input is refused with a located, actionable message, and output folders are safe.
//!
//! `corridor check`: the shipped baseline passes; each class of error in a small scenario
//! (syntax, unknown field, unknown reference, bad distribution parameters, out-of-range numbers,
//! regime rows, horizon order, a garbled distribution name) exits 2 and prints
//! `FILE:LINE:COL: PATH: message` with the line and column of the offending text, computed here
//! from the text the test wrote, and a hint; several errors in one file are all reported.
//! `corridor run`: invalid or missing scenarios and bad arguments exit 2; an --out that is a file
//! or a foreign non-empty folder exits 1 and touches nothing; rerunning into a corridor output
//! folder replaces it whole and leaves no staging folders behind.

use crate::common;

use std::path::{Path, PathBuf};

use common::{MINIMAL, corridor, edit, entries, line_col, read_json};

/// Writes `text` as `name` in `dir` and returns its path.
fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// Runs `corridor check` on `text`, asserts exit 2, and returns (file name as printed, stderr).
fn check_fails(text: &str) -> (String, String) {
    let tmp = tempfile::tempdir().unwrap();
    let file = write(tmp.path(), "bad.ron", text);
    let out = corridor().arg("check").arg(&file).assert().code(2);
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    (file.display().to_string(), stderr)
}

/// Asserts that `stderr` holds a diagnostic `FILE:LINE:COL: PATH: ...` at the first occurrence
/// of `marker` in `text`, whose message contains every one of `hints`.
fn assert_located(text: &str, stderr: &str, file: &str, marker: &str, path: &str, hints: &[&str]) {
    let (line, col) = line_col(text, marker);
    let prefix = if path.is_empty() {
        format!("{file}:{line}:{col}: ")
    } else {
        format!("{file}:{line}:{col}: {path}: ")
    };
    let diag = stderr
        .lines()
        .find(|l| l.starts_with(&prefix))
        .unwrap_or_else(|| panic!("no line starting with {prefix:?} in:\n{stderr}"));
    for h in hints {
        assert!(diag.contains(h), "{diag:?} lacks the hint {h:?}");
    }
}

#[test]
fn the_shipped_baseline_and_the_minimal_scenario_are_valid() {
    let baseline = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.ron");
    corridor()
        .arg("check")
        .arg(&baseline)
        .assert()
        .code(0)
        .stdout(predicates::str::contains("ok (baseline)"));
    let tmp = tempfile::tempdir().unwrap();
    let file = write(tmp.path(), "minimal.ron", MINIMAL);
    corridor().arg("check").arg(&file).assert().code(0);
}

#[test]
fn syntax_error_points_at_the_unexpected_token() {
    // The comma after the name is missing: the parser stumbles on the next field.
    let text = edit(MINIMAL, r#"name: "minimal","#, r#"name: "minimal""#);
    let (file, stderr) = check_fails(&text);
    assert_located(&text, &stderr, &file, "horizon:", "", &["comma"]);
}

#[test]
fn misspelt_field_is_named_with_the_right_spelling() {
    let text = edit(MINIMAL, "capacity:", "capacty:");
    let (file, stderr) = check_fails(&text);
    assert_located(
        &text,
        &stderr,
        &file,
        "capacty",
        "assets[0].capacty",
        &["capacty", "`capacity`"],
    );
}

#[test]
fn unknown_asset_in_a_route_lists_the_known_ones() {
    let text = edit(MINIMAL, r#"assets: ["Pipe"]"#, r#"assets: ["Pype"]"#);
    let (file, stderr) = check_fails(&text);
    assert_located(
        &text,
        &stderr,
        &file,
        r#""Pype""#,
        "routes[0].assets[0]",
        &[r#"unknown asset "Pype""#, "known: Pipe"],
    );
}

#[test]
fn triangular_mode_outside_its_range() {
    let text = edit(
        MINIMAL,
        "tariff: 10.0",
        "tariff: Triangular(min: 5.0, mode: 20.0, max: 10.0)",
    );
    let (file, stderr) = check_fails(&text);
    assert_located(
        &text,
        &stderr,
        &file,
        "Triangular(",
        "assets[0].tariff",
        &["mode 20", "between min and max"],
    );
}

#[test]
fn fraction_above_one() {
    let text = edit(MINIMAL, "export_share: 1.0", "export_share: 1.5");
    let (file, stderr) = check_fails(&text);
    assert_located(
        &text,
        &stderr,
        &file,
        "1.5",
        "producers[0].export_share",
        &["between 0 and 1", "1.5"],
    );
}

/// Issue 17's paper cuts: `capacity_left: "zero"` once gave ron's bare "Expected float" (no
/// value, no fix), and a capacity left of 1.5 must say what it is, as a fraction of 1.5 does.
#[test]
fn capacity_left_as_text_or_above_one() {
    let event = |v: &str| {
        edit(
            MINIMAL,
            "    prices: (",
            &format!(
                "    forced_events: [(name: \"F\", assets: [\"Pipe\"], start: \"2026-01-01\", \
                 end: \"2026-02-01\", capacity_left: {v})],\n    prices: ("
            ),
        )
    };
    let text = event("\"zero\"");
    let (file, stderr) = check_fails(&text);
    assert_located(
        &text,
        &stderr,
        &file,
        // ron reports the position just after the colon (as tests/errors.rs notes).
        " \"zero\"",
        "forced_events[0].capacity_left",
        &[
            "expected a number, but it is \"zero\"",
            "write a plain number",
        ],
    );
    let text = event("1.5");
    let (file, stderr) = check_fails(&text);
    assert_located(
        &text,
        &stderr,
        &file,
        "1.5)",
        "forced_events[0].capacity_left",
        &["between 0 and 1", "but it is 1.5"],
    );
}

#[test]
fn stranded_thresholds_out_of_order_or_out_of_range() {
    let text = edit(
        MINIMAL,
        "    prices:",
        "    stranded_thresholds: [5.0, 2.0, -1.0],\n    prices:",
    );
    let (file, stderr) = check_fails(&text);
    assert_located(
        &text,
        &stderr,
        &file,
        "2.0, -1.0]",
        "stranded_thresholds[1]",
        &["increasing order", "2 follows 5"],
    );
    assert_located(
        &text,
        &stderr,
        &file,
        "-1.0]",
        "stranded_thresholds[2]",
        &["above 0", "-1"],
    );
}

#[test]
fn negative_capacity() {
    let text = edit(MINIMAL, "{ 2025: 100.0 }", "{ 2025: -5.0 }");
    let (file, stderr) = check_fails(&text);
    assert_located(
        &text,
        &stderr,
        &file,
        "-5.0",
        "assets[0].capacity.2025",
        &["≥ 0", "-5"],
    );
}

/// The range check reads a law's exact 99.9th percentile: Gamma(2) has it at 9.233413476451585
/// (mpmath), so scale 2000 quotes 18466.8. The 20,001-draw sample it replaced said 18084.8.
#[test]
fn a_gamma_tail_is_quoted_at_its_exact_percentile() {
    let text = edit(
        MINIMAL,
        "{ 2025: 100.0 }",
        "{ 2025: Gamma(shape: 2.0, scale: 2000.0) }",
    );
    let (file, stderr) = check_fails(&text);
    assert_located(
        &text,
        &stderr,
        &file,
        "Gamma(",
        "assets[0].capacity.2025",
        &["must be at most 10000 Mt/yr, but its 99.9th percentile is 18466.8;"],
    );
}

#[test]
fn regime_row_that_does_not_sum_to_one() {
    let regimes = r#"    regimes: [
        (name: "calm", initial: 0.5, next: [0.9, 0.1]),
        (name: "tense", initial: 0.5, next: [0.3, 0.7]),
    ],
    prices:"#;
    let good = edit(MINIMAL, "    prices:", regimes);
    // The same file with rows that sum to 1 is valid, so the edit below is the only problem.
    let tmp = tempfile::tempdir().unwrap();
    corridor()
        .arg("check")
        .arg(write(tmp.path(), "good.ron", &good))
        .assert()
        .code(0);
    let text = edit(&good, "[0.3, 0.7]", "[0.3, 0.6]");
    let (file, stderr) = check_fails(&text);
    assert_located(
        &text,
        &stderr,
        &file,
        "[0.3, 0.6]",
        "regimes[1].next",
        &[
            "transition probabilities sum to 0.9;",
            "a row must sum to 1",
        ],
    );
}

/// MINIMAL with one disruption on `Pipe`; `extra` adds fields to it (", full_stop_days: 3.0").
fn with_disruption(frequency: &str, extra: &str) -> String {
    let d = format!(
        "    disruptions: [\n        (name: \"Storm\", assets: [\"Pipe\"], frequency: {frequency}, \
         duration_days: 30.0, severity: 0.5{extra}),\n    ],\n    prices:"
    );
    edit(MINIMAL, "    prices:", &d)
}

#[test]
fn impossible_changing_hazards_are_located() {
    // A rising rate, a rising chance and a chain that turns tense from 2027 pass, so each edit
    // below is the only problem.
    let tmp = tempfile::tempdir().unwrap();
    let regimes = r#"    regimes: [
        (name: "calm", initial: 1.0, next: [0.9, 0.1], next_by_year: { 2027: [0.5, 0.5] }),
        (name: "tense", initial: 0.0, next: [0.3, 0.7]),
    ],
    prices:"#;
    let rising = edit(
        &with_disruption("RateByYear({ 2025: 0.5, 2027: 2.0 })", ""),
        "    prices:",
        regimes,
    );
    for good in [
        rising.clone(),
        with_disruption("ProbabilityByYear({ 2025: 0.1, 2027: 0.3 })", ""),
    ] {
        corridor()
            .arg("check")
            .arg(write(tmp.path(), "good.ron", &good))
            .assert()
            .code(0);
    }
    let cases: [(String, &str, &str, &[&str]); 6] = [
        (
            with_disruption("ProbabilityByYear({ 2025: 0.1, 2027: 1.5 })", ""),
            "1.5",
            "disruptions[0].frequency.2027",
            &["must be between 0 and 1, but it is 1.5"],
        ),
        (
            with_disruption("RateByYear({ 2025: 0.5, 2027: -2.0 })", ""),
            "-2.0",
            "disruptions[0].frequency.2027",
            &["must be ≥ 0, but it is -2"],
        ),
        (
            with_disruption("RateByYear({ 2026: 0.5 })", ""),
            "RateByYear(",
            "disruptions[0].frequency",
            &["the schedule starts in 2026 but the horizon starts in 2025"],
        ),
        (
            edit(&rising, "{ 2027: [0.5, 0.5] }", "{ 2027: [0.5, 0.6] }"),
            "[0.5, 0.6]",
            "regimes[0].next_by_year.2027",
            &[
                "transition probabilities sum to 1.1;",
                "a row must sum to 1",
            ],
        ),
        (
            edit(&rising, "{ 2027: [0.5, 0.5] }", "{ 2027: [1.0] }"),
            "[1.0]",
            "regimes[0].next_by_year.2027",
            &["has 1 entries; give one probability per regime (2)"],
        ),
        (
            edit(&rising, "{ 2027: [0.5, 0.5] }", "{ 2027: [1.5, -0.5] }"),
            "1.5, -0.5",
            "regimes[0].next_by_year.2027[0]",
            &["1.5 is not a probability between 0 and 1"],
        ),
    ];
    for (text, marker, path, hints) in cases {
        let (file, stderr) = check_fails(&text);
        assert_located(&text, &stderr, &file, marker, path, hints);
    }
}

#[test]
fn impossible_outage_shapes_are_located() {
    // The same disruption with a valid full stop passes, so each edit below is the only problem.
    let tmp = tempfile::tempdir().unwrap();
    let good = with_disruption(
        "Rate(0.5)",
        ", full_stop_days: Uniform(min: 0.0, max: 60.0)",
    );
    corridor()
        .arg("check")
        .arg(write(tmp.path(), "good.ron", &good))
        .assert()
        .code(0);
    let text = with_disruption("Rate(0.5)", ", full_stop_days: -2.0");
    let (file, stderr) = check_fails(&text);
    assert_located(
        &text,
        &stderr,
        &file,
        "-2.0",
        "disruptions[0].full_stop_days",
        &["must be ≥ 0, but it is -2"],
    );
    let text = with_disruption(
        "Rate(0.5)",
        ", full_stop_days: PerYear(Uniform(min: 1.0, max: 3.0))",
    );
    let (file, stderr) = check_fails(&text);
    assert_located(
        &text,
        &stderr,
        &file,
        "PerYear(Uniform",
        "disruptions[0].full_stop_days",
        &["drawn anew for each event; remove the PerYear(...)/PerTrial(...) wrapper"],
    );
    let text = with_disruption("Rate(0.5)", ", full_stop_days: 40000.0");
    let (file, stderr) = check_fails(&text);
    assert_located(
        &text,
        &stderr,
        &file,
        "40000.0",
        "disruptions[0].full_stop_days",
        &["must be at most 36500 days"],
    );
}

#[test]
fn last_year_before_first_year() {
    let text = edit(MINIMAL, "last_year: 2027", "last_year: 2020");
    let (file, stderr) = check_fails(&text);
    assert_located(
        &text,
        &stderr,
        &file,
        "2020",
        "horizon.last_year",
        &["before first_year 2025"],
    );
}

#[test]
fn garbled_distribution_name_says_what_a_number_may_be() {
    let text = edit(MINIMAL, "tariff: 10.0", "tariff: Unifrom(min: 1, max: 2)");
    let (file, stderr) = check_fails(&text);
    assert_located(
        &text,
        &stderr,
        &file,
        "Unifrom",
        "assets[0].tariff",
        &["Unifrom", "expected a number", "or a distribution"],
    );
}

#[test]
fn every_error_in_a_file_is_reported() {
    let text = edit(MINIMAL, "last_year: 2027", "last_year: 2020");
    let text = edit(&text, "export_share: 1.0", "export_share: 1.5");
    let text = edit(&text, r#"assets: ["Pipe"]"#, r#"assets: ["Pype"]"#);
    let (file, stderr) = check_fails(&text);
    assert_located(&text, &stderr, &file, "2020", "horizon.last_year", &[]);
    assert_located(
        &text,
        &stderr,
        &file,
        "1.5",
        "producers[0].export_share",
        &[],
    );
    assert_located(
        &text,
        &stderr,
        &file,
        r#""Pype""#,
        "routes[0].assets[0]",
        &[],
    );
    let diagnostics = stderr.lines().filter(|l| l.starts_with(&file)).count();
    assert_eq!(diagnostics, 3, "{stderr}");
}

#[test]
fn check_reports_each_file_and_fails_if_any_is_bad() {
    let tmp = tempfile::tempdir().unwrap();
    let good = write(tmp.path(), "good.ron", MINIMAL);
    let bad = write(
        tmp.path(),
        "bad.ron",
        &edit(MINIMAL, "export_share: 1.0", "export_share: 1.5"),
    );
    corridor()
        .arg("check")
        .arg(&good)
        .arg(&bad)
        .assert()
        .code(2)
        .stdout(predicates::str::contains(format!("{}: ok", good.display())))
        .stderr(predicates::str::contains(format!("{}:", bad.display())));
}

#[test]
fn run_refuses_an_invalid_scenario() {
    let tmp = tempfile::tempdir().unwrap();
    let text = edit(MINIMAL, "export_share: 1.0", "export_share: 1.5");
    let file = write(tmp.path(), "bad.ron", &text);
    let out = tmp.path().join("out");
    corridor()
        .arg("run")
        .arg(&file)
        .args(["--trials", "10", "--quiet", "--out"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("producers[0].export_share"));
    assert!(!out.exists());
}

#[test]
fn run_refuses_a_missing_file() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("no-such-scenario.ron");
    corridor()
        .arg("run")
        .arg(&missing)
        .args(["--trials", "10", "--quiet", "--out"])
        .arg(tmp.path().join("out"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains(missing.display().to_string()))
        .stderr(predicates::str::contains("cannot read the file"));
    assert_eq!(entries(tmp.path()), Vec::<String>::new());
}

#[test]
fn bad_arguments_are_usage_errors() {
    let tmp = tempfile::tempdir().unwrap();
    for args in [
        &["run", "--quiet", "--threads", "0"][..],
        &["run", "--quiet", "--trials", "0"],
        &["run", "--quiet", "--trials", "many"],
        &["frobnicate"],
        &["check"],
    ] {
        corridor()
            .args(args)
            .current_dir(tmp.path())
            .assert()
            .code(2);
    }
    // None of them wrote anything (no default output/ folder either).
    assert_eq!(entries(tmp.path()), Vec::<String>::new());
}

#[test]
fn out_pointing_at_a_file_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let file = write(tmp.path(), "results.txt", "keep me");
    corridor()
        .args(["run", "--trials", "10", "--quiet", "--out"])
        .arg(&file)
        .assert()
        .code(1)
        .stderr(predicates::str::contains(file.display().to_string()));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "keep me");
    assert_eq!(entries(tmp.path()), ["results.txt"]);
}

#[test]
fn out_pointing_at_a_foreign_folder_is_refused_and_left_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("thesis");
    std::fs::create_dir(&dir).unwrap();
    write(&dir, "chapter1.tex", "precious");
    write(&dir, "summary.json", "{\"mine\": true}");
    corridor()
        .args(["run", "--trials", "10", "--quiet", "--out"])
        .arg(&dir)
        .assert()
        .code(1)
        .stderr(predicates::str::contains(dir.display().to_string()))
        .stderr(predicates::str::contains("has no manifest.json"));
    assert_eq!(entries(&dir), ["chapter1.tex", "summary.json"]);
    assert_eq!(
        std::fs::read_to_string(dir.join("chapter1.tex")).unwrap(),
        "precious"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("summary.json")).unwrap(),
        "{\"mine\": true}"
    );
    assert_eq!(entries(tmp.path()), ["thesis"], "no staging folder left");
}

#[test]
fn rerun_replaces_a_corridor_output_folder_whole() {
    let src = tempfile::tempdir().unwrap();
    let scenario = write(src.path(), "minimal.ron", MINIMAL);
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("results");
    let run = |seed: &str, out: &Path, extra: &[&str]| {
        corridor()
            .arg("run")
            .arg(&scenario)
            .args(["--trials", "50", "--quiet", "--seed", seed, "--out"])
            .arg(out)
            .args(extra)
            .assert()
            .code(0);
    };
    run("1", &out, &["--keep-trials"]);
    assert_eq!(read_json(&out.join("summary.json"))["seed"], 1);
    assert!(out.join("trials.csv").is_file());
    // A file of the previous set that the new one lacks goes with it. (A file corridor did not
    // write is never deleted: tests/output_safety.rs.)
    run("2", &out, &[]);
    assert_eq!(read_json(&out.join("summary.json"))["seed"], 2);
    assert!(!out.join("trials.csv").exists());
    // Exactly what a run into a new folder writes.
    let fresh = src.path().join("fresh");
    run("2", &fresh, &[]);
    assert_eq!(entries(&out), entries(&fresh));
    assert_eq!(
        std::fs::read(out.join("summary.json")).unwrap(),
        std::fs::read(fresh.join("summary.json")).unwrap()
    );
    // Nothing beside it: no `.results.tmp-*` or `.results.old-*` folder.
    assert_eq!(entries(tmp.path()), ["results"]);
}

#[test]
fn an_empty_folder_may_be_the_output() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("empty");
    std::fs::create_dir(&out).unwrap();
    corridor()
        .args(["run", "--trials", "10", "--quiet", "--out"])
        .arg(&out)
        .assert()
        .code(0);
    assert!(out.join("run.json").is_file());
    assert_eq!(entries(tmp.path()), ["empty"]);
}

/// MINIMAL with three uncertain per-trial inputs and `correlations` written as `group`.
fn correlated(group: &str) -> String {
    let text = edit(
        MINIMAL,
        "export_share: 1.0",
        "export_share: Uniform(min: 0.5, max: 1.0)",
    );
    let text = edit(
        &text,
        "barrels_per_tonne: 7.5",
        "barrels_per_tonne: Uniform(min: 7.0, max: 8.0)",
    );
    let text = edit(
        &text,
        "long_run: 70.0",
        "long_run: Uniform(min: 60.0, max: 80.0)",
    );
    edit(
        &text,
        "    ),\n)\n",
        &format!("    ),\n    correlations: [{group}],\n)\n"),
    )
}

const THREE: &str = r#"inputs: ["producers[Prod].export_share", "producers[Prod].barrels_per_tonne", "prices.benchmark.long_run"]"#;

#[test]
fn a_valid_correlation_group_passes() {
    let text = correlated(&format!(
        "({THREE}, rank: [[1.0, -0.4, 0.3], [-0.4, 1.0, 0.0], [0.3, 0.0, 1.0]])"
    ));
    let tmp = tempfile::tempdir().unwrap();
    let file = write(tmp.path(), "ok.ron", &text);
    corridor().arg("check").arg(&file).assert().code(0);
}

#[test]
fn correlation_matrix_that_is_not_positive_semi_definite() {
    // Three inputs pairwise −0.9: if A is high, B and C are low, so B and C cannot also be
    // opposed.
    let text = correlated(&format!(
        "({THREE}, rank: [[1.0, -0.9, -0.9], [-0.9, 1.0, -0.9], [-0.9, -0.9, 1.0]])"
    ));
    let (file, stderr) = check_fails(&text);
    assert_located(
        &text,
        &stderr,
        &file,
        "[[1.0, -0.9",
        "correlations[0].rank",
        &["positive semi-definite", "cannot all hold", "Weaken"],
    );
}

#[test]
fn correlation_matrix_entries_are_checked_where_they_are_written() {
    let text = correlated(&format!(
        "({THREE}, rank: [[1.0, -0.4, 0.3], [-0.5, 1.0, 1.5], [0.3, 1.5, 0.9]])"
    ));
    let (file, stderr) = check_fails(&text);
    assert_located(
        &text,
        &stderr,
        &file,
        "-0.5, 1.0, 1.5",
        "correlations[0].rank[1][0]",
        &["symmetric", "rank[0][1] = -0.4"],
    );
    assert_located(
        &text,
        &stderr,
        &file,
        "1.5]",
        "correlations[0].rank[1][2]",
        &["outside [-1, 1]"],
    );
    assert_located(
        &text,
        &stderr,
        &file,
        "0.9]]",
        "correlations[0].rank[2][2]",
        &["diagonal must be 1"],
    );
    let text = correlated(&format!("({THREE}, rank: [[1.0, 0.2], [0.2, 1.0]])"));
    let (file, stderr) = check_fails(&text);
    assert_located(
        &text,
        &stderr,
        &file,
        "[[1.0, 0.2]",
        "correlations[0].rank",
        &["2 row(s) for 3 inputs", "3×3"],
    );
}

#[test]
fn only_uncertain_per_trial_inputs_named_once_can_be_correlated() {
    let text = correlated(
        r#"(inputs: ["producers[Prod].export_share", "assets[Pipe].tariff", "prices.benchmark.volatilty", "producers[0].export_share"], rank: [[1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0], [0.0, 0.0, 0.0, 1.0]])"#,
    );
    let (file, stderr) = check_fails(&text);
    assert_located(
        &text,
        &stderr,
        &file,
        "\"assets[Pipe].tariff\"",
        "correlations[0].inputs[1]",
        &["fixed number (10)", "give it a distribution"],
    );
    assert_located(
        &text,
        &stderr,
        &file,
        "\"prices.benchmark.volatilty\"",
        "correlations[0].inputs[2]",
        &["volatility", "corridor sweep --set"],
    );
    assert_located(
        &text,
        &stderr,
        &file,
        "\"producers[0].export_share\"",
        "correlations[0].inputs[3]",
        &["already listed at correlations[0].inputs[0]"],
    );
    // A PerYear input, and a group of one.
    let text = correlated(
        r#"(inputs: ["producers[Prod].export_share"], rank: [[1.0]]), (inputs: ["producers[Prod].barrels_per_tonne", "prices.benchmark.long_run"], rank: [[1.0, 0.5], [0.5, 1.0]])"#,
    );
    let text = edit(
        &text,
        "barrels_per_tonne: Uniform(min: 7.0, max: 8.0)",
        "barrels_per_tonne: PerYear(Uniform(min: 7.0, max: 8.0))",
    );
    let (file, stderr) = check_fails(&text);
    assert_located(
        &text,
        &stderr,
        &file,
        "[\"producers[Prod].export_share\"]",
        "correlations[0].inputs",
        &["at least two inputs"],
    );
    assert_located(
        &text,
        &stderr,
        &file,
        "\"producers[Prod].barrels_per_tonne\"",
        "correlations[1].inputs[0]",
        &["drawn anew each year", "PerTrial"],
    );
}

/// Byte offsets just after the opening quote of every string literal in RON `text` (comments
/// skipped, escapes honoured).
fn string_starts(text: &str) -> Vec<usize> {
    let (mut out, mut chars) = (Vec::new(), text.char_indices().peekable());
    while let Some((i, c)) = chars.next() {
        match c {
            '/' if chars.peek().is_some_and(|&(_, n)| n == '/') => {
                while chars.next_if(|&(_, n)| n != '\n').is_some() {}
            }
            '"' => {
                out.push(i + 1);
                while let Some((_, c)) = chars.next() {
                    match c {
                        '\\' => _ = chars.next(),
                        '"' => break,
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// 1-based line and column (in characters) of byte `offset`.
fn position(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset];
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    (
        before.matches('\n').count() + 1,
        before[start..].chars().count() + 1,
    )
}

/// Every text of the every-field example — names, the description, owners, markets, tags,
/// seasons, dates, forced-event names, correlation inputs, regime keys — refuses a control,
/// invisible or bidirectional character ("Trojan Source"), written directly or as an escape,
/// at the position where it is written and with its code point. Old code accepted them all.
#[test]
fn every_text_field_refuses_hidden_characters() {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/examples/every-field.ron");
    let text = std::fs::read_to_string(&example).unwrap();
    corridor().arg("check").arg(&example).assert().code(0);
    let starts = string_starts(&text);
    assert!(starts.len() > 40, "{} literals", starts.len());
    let hidden = [
        '\u{202E}', '\u{2066}', '\u{200B}', '\u{0}', '\u{1B}', '\u{2028}', '\u{AD}', '\u{200F}',
        '\u{61C}', '\u{FEFF}', '\u{85}', '\n',
    ];
    let tmp = tempfile::tempdir().unwrap();
    for (k, &at) in starts.iter().enumerate() {
        let c = hidden[k % hidden.len()];
        let written = if k % 3 == 1 {
            format!("\\u{{{:x}}}", c as u32)
        } else {
            c.to_string()
        };
        let bad = format!("{}{written}{}", &text[..at], &text[at..]);
        let file = write(tmp.path(), "bad.ron", &bad);
        let out = corridor().arg("check").arg(&file).assert().code(2);
        let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
        let (line, col) = position(&bad, at);
        let first = stderr.lines().next().unwrap_or_default();
        let prefix = format!("{}:{line}:{col}: ", file.display());
        assert!(
            first.starts_with(&prefix) && first.contains(&format!("U+{:04X}, ", c as u32)),
            "{written:?} at {line}:{col}: {stderr}"
        );
        assert!(first.contains("in this text"), "{first}");
    }
}

/// The same characters in a comment, where they can make a reviewer misread the code around
/// them, and in a file that a variant extends (located in that file).
#[test]
fn hidden_characters_in_comments_and_extended_files_are_refused() {
    let text = edit(MINIMAL, "Scenario(", "Scenario( /* \u{202E} } */");
    let (file, stderr) = check_fails(&text);
    assert_located(
        &text,
        &stderr,
        &file,
        "\u{202E}",
        "",
        &["U+202E, a bidirectional-text control, in a comment"],
    );
    let tmp = tempfile::tempdir().unwrap();
    let base = edit(MINIMAL, r#"owner: "PipeCo""#, "owner: \"Pipe\u{2067}Co\"");
    let base_file = write(tmp.path(), "base.ron", &base);
    let variant = write(
        tmp.path(),
        "variant.ron",
        "Scenario(extends: \"base.ron\", name: \"variant\")",
    );
    let out = corridor().arg("check").arg(&variant).assert().code(2);
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert_located(
        &base,
        &stderr,
        &base_file.display().to_string(),
        "\u{2067}",
        "assets[0].owner",
        &["U+2067"],
    );
}

/// One entry of "What `check` does not catch" (docs/scenario-format.md): the bullet's bold
/// title and an edit of the minimal scenario that shows it.
struct Gap {
    title: &'static str,
    edits: &'static [(&'static str, &'static str)],
}

const DISRUPTION: &str = r#"    disruptions: [
        (name: "Storm", assets: ["Pipe"], frequency: Rate(0.5), duration_days: 3.0, severity: 1.0, tags: ["drone", "drone", "Storm"]),
    ],
    regimes: [(name: "war", initial: 1.0, next: [1.0], frequency_multipliers: { "drone": 2.0 })],
    prices: ("#;

/// The section lists exactly what `check` accepts: each listed gap is accepted, and the mistakes
/// the section used to list although `check` refuses them (a key written twice, an asset twice
/// in a forced event, `contract_min` always above `contract_max`, a `Discrete` drawing 0 barrels
/// per tonne, blank or repeated forced-event names) are refused and no longer listed.
#[test]
fn what_check_does_not_catch_is_what_check_accepts() {
    let docs = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/scenario-format.md"),
    )
    .unwrap();
    let section = docs
        .split("### What `check` does not catch")
        .nth(1)
        .expect("the section exists");
    let section = section.split("\n#").next().unwrap();
    let listed: Vec<&str> = section
        .lines()
        .filter_map(|l| l.strip_prefix("- **"))
        .map(|l| &l[..l.find("**").unwrap()])
        .collect();
    let gaps = [
        Gap {
            title: "Years outside the horizon",
            edits: &[
                (
                    "capacity: { 2025: 100.0 }",
                    "capacity: { 2025: 100.0, 2100: 5.0 }",
                ),
                (
                    "    prices: (",
                    r#"    forced_events: [(name: "F", assets: ["Pipe"], start: "2100-01-01", end: "2100-02-01", capacity_left: 0.4)],
    prices: ("#,
                ),
            ],
        },
        Gap {
            title: "A misspelt `owner`",
            edits: &[(r#"owner: "PipeCo""#, r#"owner: "PipeCo ""#)],
        },
        Gap {
            title: "A `contract_min` that can exceed `contract_max`",
            edits: &[(
                r#"name: "Main","#,
                r#"name: "Main", contract_min: { 2025: Uniform(min: 1.0, max: 5.0) }, contract_max: { 2025: Uniform(min: 2.0, max: 4.0) },"#,
            )],
        },
        Gap {
            title: "A tag listed twice, or equal to the disruption's own name",
            edits: &[("    prices: (", DISRUPTION)],
        },
    ];
    let titles: Vec<&str> = gaps.iter().map(|g| g.title).collect();
    assert_eq!(listed, titles, "the section's items and this test's differ");
    for gap in &gaps {
        let text = gap
            .edits
            .iter()
            .fold(MINIMAL.to_string(), |t, (a, b)| edit(&t, a, b));
        let tmp = tempfile::tempdir().unwrap();
        let file = write(tmp.path(), "gap.ron", &text);
        corridor().arg("check").arg(&file).assert().code(0);
    }
    for (edits, hint) in [
        (
            &[(
                "capacity: { 2025: 100.0 }",
                "capacity: { 2025: 100.0, 2025: 50.0 }",
            )][..],
            "2025 is given twice",
        ),
        (
            &[(
                "    prices: (",
                r#"    forced_events: [(name: "F", assets: ["Pipe", "Pipe"], start: "2026-01-01", end: "2026-02-01", capacity_left: 0.4)],
    prices: ("#,
            )],
            "is listed twice",
        ),
        (
            &[(
                r#"name: "Main","#,
                r#"name: "Main", contract_min: { 2025: 5.0 }, contract_max: { 2025: 2.0 },"#,
            )],
            "in 2025 the minimum (5) exceeds the maximum (2)",
        ),
        (
            &[(
                "barrels_per_tonne: 7.5",
                "barrels_per_tonne: Discrete(values: [0.0, 7.5], weights: [1.0, 1.0])",
            )],
            "must be > 0, but its draws can range over [0, 7.5]",
        ),
        (
            &[(
                "    prices: (",
                r#"    forced_events: [(name: "", assets: ["Pipe"], start: "2026-01-01", end: "2026-02-01", capacity_left: 0.4)],
    prices: ("#,
            )],
            "give it a name",
        ),
        (
            &[(
                "    prices: (",
                r#"    forced_events: [
        (name: "F", assets: ["Pipe"], start: "2026-01-01", end: "2026-02-01", capacity_left: 0.4),
        (name: "F", assets: ["Pipe"], start: "2027-01-01", end: "2027-02-01", capacity_left: 0.4),
    ],
    prices: ("#,
            )],
            "names must be unique",
        ),
    ] {
        let text = edits
            .iter()
            .fold(MINIMAL.to_string(), |t, (a, b)| edit(&t, a, b));
        let (_, stderr) = check_fails(&text);
        assert!(stderr.contains(hint), "{hint}: {stderr}");
    }
}
