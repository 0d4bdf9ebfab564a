//! Hostile and extreme scenario files: no panic, no runaway work, no NaN or infinity in results.
//!
//! - `check` and `run` on every fuzz regression input and on hand-made hostile texts (binary
//!   noise, truncations of a valid file at every kind of token, absurd numbers in every numeric
//!   field) exit 0 or 2, never with a panic (101) or a signal, and within a deadline.
//! - A scenario with every magnitude at its documented limit over the longest horizon runs, and
//!   every statistic it writes is finite and within the exact range of the accumulators.
//! - A scenario at the limits of work (the most outages a year, the most in progress at once,
//!   the longest durations) still runs a trial quickly: the limits bound time, not just memory.
//! - Draws from the tails of valid distributions are clamped by the model, so PerYear laws that
//!   reach past a limit only in their last 0.1% cannot leak an extreme into the results.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{MINIMAL, edit, read_json};

const BIN: &str = env!("CARGO_BIN_EXE_corridor");
/// The accumulators hold |v| < 2^42 exactly (src/stats/moments.rs).
const EXACT_RANGE: f64 = 4_398_046_511_104.0;

/// Runs corridor with `args`, killing it after `limit`; returns the exit code (None: killed by a
/// signal) and stderr.
fn corridor_within(args: &[&str], dir: &Path, limit: Duration) -> (Option<i32>, String) {
    let mut child = Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Drain stderr while waiting: a child blocked on a full pipe would look like a hang.
    let mut pipe = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = std::io::Read::read_to_string(&mut pipe, &mut text);
        text
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            panic!("corridor {args:?} still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    (status.code(), reader.join().unwrap())
}

/// Asserts that checking `text` ends in 0 or 2, with no panic.
fn check_is_calm(text: &[u8], what: &str) -> i32 {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("s.ron"), text).unwrap();
    let (code, stderr) = corridor_within(&["check", "s.ron"], tmp.path(), Duration::from_secs(60));
    assert!(
        matches!(code, Some(0 | 2)),
        "{what}: exit {code:?}\n{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{what}: {stderr}");
    code.unwrap()
}

fn regression_inputs() -> Vec<PathBuf> {
    crate::common::ron_files("tests/fuzz_regressions")
}

#[test]
fn fuzz_regression_inputs_through_the_binary() {
    for path in regression_inputs() {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let code = check_is_calm(&std::fs::read(&path).unwrap(), &name);
        assert_eq!(code == 0, name.starts_with("valid-"), "{name}");
        if code == 0 {
            let tmp = tempfile::tempdir().unwrap();
            let (code, stderr) = corridor_within(
                &[
                    "run",
                    path.to_str().unwrap(),
                    "--trials",
                    "50",
                    "-q",
                    "--charts",
                    "none",
                    "--out",
                    "out",
                ],
                tmp.path(),
                Duration::from_secs(120),
            );
            assert_eq!(code, Some(0), "{name}: {stderr}");
            assert_finite_summary(&tmp.path().join("out/summary.json"), &name);
        }
    }
}

/// Runs corridor with `args` and its stdin a pipe that nobody writes to (kept open), killing it
/// after `limit`; returns the exit code (None: killed by a signal) and stderr.
#[cfg(unix)]
fn corridor_with_silent_stdin(args: &[&str], dir: &Path, limit: Duration) -> (Option<i32>, String) {
    let mut child = Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let _silent = child.stdin.take().unwrap();
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            panic!("corridor {args:?} still waiting for stdin after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    (status.code(), stderr)
}

/// Only regular files are read. A named pipe that nobody writes to, or `/dev/stdin` on such a
/// pipe, used to block `check`, `run`, a variant's `extends` and `fit-events` forever; each is
/// now refused before any read, with the documented message, well within the deadline.
#[cfg(unix)]
#[test]
fn inputs_that_are_not_regular_files_are_refused_without_waiting() {
    let docs =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/errors.md"))
            .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    for fifo in ["pipe.ron", "base.ron", "events.csv"] {
        let made = Command::new("mkfifo").arg(dir.join(fifo)).status().unwrap();
        assert!(made.success(), "mkfifo {fifo}");
    }
    std::fs::write(
        dir.join("variant.ron"),
        "Scenario(extends: \"base.ron\", name: \"variant\")",
    )
    .unwrap();
    std::os::unix::fs::symlink(dir.join("pipe.ron"), dir.join("link.ron")).unwrap();
    let why = "not a regular file; give a scenario file (.ron): corridor reads only regular files, so that a read cannot wait or go on forever";
    let pipe = format!("pipe.ron: is a named pipe (FIFO), {why}");
    assert!(docs.contains(&pipe), "docs/errors.md lacks:\n{pipe}");
    let limit = Duration::from_secs(30);
    for (args, expected) in [
        (&["check", "pipe.ron"][..], pipe.clone()),
        (&["run", "pipe.ron", "--trials", "5", "-q"], pipe.clone()),
        (
            &["check", "link.ron"],
            format!("link.ron: is a named pipe (FIFO), {why}"),
        ),
        (
            &["check", "variant.ron"],
            format!("variant.ron:1:19: extends: cannot use base.ron: is a named pipe (FIFO), {why}"),
        ),
        (
            &["fit-events", "events.csv"],
            "events.csv: is a named pipe (FIFO), not a regular file; give an event log (.csv): corridor reads only regular files, so that a read cannot wait or go on forever".to_string(),
        ),
    ] {
        let (code, stderr) = corridor_within(args, dir, limit);
        assert_eq!(code, Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.lines().next().is_some_and(|l| l.starts_with(&expected)),
            "{args:?}: expected {expected:?}, got\n{stderr}"
        );
    }
    for args in [
        &["check", "/dev/stdin"][..],
        &["run", "/dev/stdin", "--trials", "5", "-q"],
    ] {
        let (code, stderr) = corridor_with_silent_stdin(args, dir, limit);
        assert_eq!(code, Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.starts_with(&format!("/dev/stdin: is a named pipe (FIFO), {why}")),
            "{args:?}: {stderr}"
        );
    }
    assert!(
        !dir.join("output").exists(),
        "a refused input wrote results"
    );
}

#[test]
fn truncations_and_noise_never_panic() {
    let base =
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/examples/every-field.ron"))
            .unwrap();
    // Cut the richest example at 40 points spread over the file: every kind of token ends a
    // file somewhere.
    for k in 1..40 {
        let cut = base.len() * k / 40;
        check_is_calm(&base[..cut], &format!("every-field.ron cut at byte {cut}"));
    }
    // Noise: bytes that are not text, text that is not RON, RON that is not a scenario.
    for (what, text) in [
        ("NUL bytes", vec![0u8; 64]),
        ("invalid UTF-8", vec![0xff, 0xfe, 0x00, 0x41]),
        ("empty", Vec::new()),
        ("only a comment", b"// nothing here".to_vec()),
        ("unterminated comment", b"/* Scenario(".to_vec()),
        ("unterminated string", b"Scenario(name: \"x".to_vec()),
        ("a number", b"42".to_vec()),
        ("a list", b"[1, 2, 3]".to_vec()),
        ("raw string", b"Scenario(name: r#\"x\"#)".to_vec()),
        (
            "unicode escape",
            b"Scenario(name: \"\\u{110000}\")".to_vec(),
        ),
        (
            "deep parentheses",
            format!("{}{}", "(".repeat(100_000), ")".repeat(100_000)).into_bytes(),
        ),
        ("deep braces", "{".repeat(100_000).into_bytes()),
        ("long identifier", "Scenario".repeat(100_000).into_bytes()),
    ] {
        assert_eq!(check_is_calm(&text, what), 2, "{what}");
    }
}

#[test]
fn absurd_numbers_in_every_numeric_field_are_refused_at_check() {
    // Each field of the minimal scenario, set to each absurd value: refused, located at it.
    let fields = [
        ("first_year: 2025", "first_year: {}"),
        ("last_year: 2027", "last_year: {}"),
        ("anchors: { 2025: 10.0 }", "anchors: { 2025: {} }"),
        ("export_share: 1.0", "export_share: {}"),
        ("barrels_per_tonne: 7.5", "barrels_per_tonne: {}"),
        ("capacity: { 2025: 100.0 }", "capacity: { 2025: {} }"),
        ("tariff: 10.0", "tariff: {}"),
        ("start: 70.0", "start: {}"),
        ("long_run: 70.0", "long_run: {}"),
        ("reversion: 0.5", "reversion: {}"),
        ("volatility: 0.3", "volatility: {}"),
    ];
    for (from, to) in fields {
        for value in [
            "NaN",
            "inf",
            "-inf",
            "1e308",
            "-1e308",
            "1e400",
            "2147483648",
            "-9e18",
        ] {
            let text = edit(MINIMAL, from, &to.replace("{}", value));
            let what = to.replace("{}", value);
            assert_eq!(
                check_is_calm(text.as_bytes(), &what),
                2,
                "{what} was accepted"
            );
        }
    }
}

/// Asserts every number in summary.json is finite and within the exact accumulator range.
fn assert_finite_summary(path: &Path, what: &str) {
    fn walk(v: &serde_json::Value, at: &str, what: &str) {
        match v {
            serde_json::Value::Null => panic!("{what}: {at} is null (NaN or infinity)"),
            serde_json::Value::Number(n) => {
                let x = n.as_f64().unwrap();
                assert!(x.is_finite() && x.abs() < EXACT_RANGE, "{what}: {at} = {x}");
            }
            serde_json::Value::Array(a) => {
                for (i, x) in a.iter().enumerate() {
                    walk(x, &format!("{at}[{i}]"), what);
                }
            }
            serde_json::Value::Object(o) => {
                for (k, x) in o {
                    walk(x, &format!("{at}.{k}"), what);
                }
            }
            _ => {}
        }
    }
    walk(&read_json(path), "", what);
}

/// Every magnitude at its documented limit (docs/errors.md), over the longest horizon.
const AT_THE_LIMITS: &str = r#"Scenario(
    name: "at-the-limits",
    horizon: (first_year: 2101, last_year: 2300),
    producers: [
        (
            name: "Big",
            // 10,000 Mt/yr from 1900, growing 100% a year: compounding past f64 without a cap.
            production: (anchors: { 1900: 10000.0 }, growth: { 1901: 1.0 }),
            barrels_per_tonne: 20.0,
        ),
        (
            name: "Tiny",
            production: (anchors: { 2101: 5e-324, 2300: 10000.0 }, interpolation: LogLinear),
            domestic_refining: PerYear(Uniform(min: 0.0, max: 10000.0)),
            barrels_per_tonne: PerYear(Uniform(min: 1.0, max: 20.0)),
        ),
    ],
    assets: [
        (name: "A", capacity: { 1900: 10000.0 }, owner: "O", tariff: 1000.0),
        (name: "B", capacity: { 1900: PerYear(Uniform(min: 0.0, max: 10000.0)) }, owner: "O", tariff: 1000.0),
    ],
    routes: [
        (name: "R1", producers: ["Big", "Tiny"], assets: ["A", "B"], tariff: 1000.0, differential: 1000.0),
        (name: "R2", producers: ["Big", "Tiny"], assets: ["B"], differential: -1000.0,
         contract_min: { 1900: 10000.0 }, contract_max: { 1900: 10000.0 }),
    ],
    disruptions: [
        (name: "Often", assets: ["A", "B"], frequency: Rate(100.0), duration_days: Exponential(mean: 2.0), severity: Uniform(min: 0.0, max: 1.0)),
    ],
    regimes: [
        (name: "calm", initial: 0.5, next: [0.5, 0.5], differential_add: { "R1": 1000.0 }),
        (name: "war", initial: 0.5, next: [0.5, 0.5], frequency_multipliers: { "Often": 1.8 }, differential_add: { "R2": -1000.0 }),
    ],
    prices: (benchmark: MeanReverting(start: 10000.0, long_run: 10000.0, reversion: 0.0, volatility: 5.0)),
)
"#;

#[test]
fn a_scenario_at_every_magnitude_limit_runs_and_stays_finite() {
    let text = AT_THE_LIMITS;
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("limits.ron"), text).unwrap();
    let (code, stderr) = corridor_within(
        &[
            "run",
            "limits.ron",
            "--trials",
            "300",
            "-q",
            "--charts",
            "none",
            "--out",
            "out",
        ],
        tmp.path(),
        Duration::from_secs(300),
    );
    assert_eq!(code, Some(0), "{stderr}");
    let summary = tmp.path().join("out/summary.json");
    assert_finite_summary(&summary, "at-the-limits");
    // The caps bind: the compounded producer sits at 10,000 Mt/yr, the price at USD 10,000.
    let json = read_json(&summary);
    let metric = |id: &str| {
        json["metrics"]
            .get(id)
            .unwrap_or_else(|| panic!("{id} missing"))
            .clone()
    };
    assert_eq!(metric("export_supply/Big")["horizon"]["max"], 2_000_000.0);
    let price = metric("benchmark_price/Brent");
    assert!(price["horizon"]["max"].as_f64().unwrap() <= 10_000.0);
}

#[test]
fn a_scenario_at_the_limits_of_work_runs_a_trial_quickly() {
    // 365 outages a year spread over processes and assets, about 1,000 in progress at once, the
    // longest durations, 200 years: the most work a year the limits allow.
    let disruptions: String = (0..5)
        .map(|i| {
            format!(
                r#"(name: "D{i}", assets: ["Pipe"], frequency: Rate(73.0), duration_days: Uniform(min: 1.0, max: 1998.0), severity: Uniform(min: 0.1, max: 0.9)),"#
            )
        })
        .collect();
    let text = edit(MINIMAL, "last_year: 2027", "last_year: 2224");
    let text = edit(
        &text,
        "    prices:",
        &format!("    disruptions: [{disruptions}],\n    prices:"),
    );
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("work.ron"), &text).unwrap();
    let (code, stderr) =
        corridor_within(&["check", "work.ron"], tmp.path(), Duration::from_secs(60));
    assert_eq!(
        code,
        Some(0),
        "the scenario should sit just inside the limits: {stderr}"
    );
    let start = Instant::now();
    let (code, stderr) = corridor_within(
        &[
            "run",
            "work.ron",
            "--trials",
            "4",
            "--threads",
            "1",
            "-q",
            "--charts",
            "none",
            "--out",
            "out",
        ],
        tmp.path(),
        Duration::from_secs(300),
    );
    assert_eq!(code, Some(0), "{stderr}");
    eprintln!(
        "4 trials of 200 years at the limits of work: {:?}",
        start.elapsed()
    );
    assert_finite_summary(&tmp.path().join("out/summary.json"), "limits of work");
}

#[test]
fn statistics_that_would_overflow_are_an_error_not_a_wrong_sd() {
    // Every value at its limit for 200 years: a horizon revenue of 4.4·10^11 USD million per
    // trial, inside the exact range, but the sum of squares behind the sd overflows after about
    // 800 trials. The run must fail clearly rather than write a wrong sd.
    let text = edit(MINIMAL, "last_year: 2027", "last_year: 2224");
    let text = edit(
        &text,
        "anchors: { 2025: 10.0 }",
        "anchors: { 2025: 10000.0 }",
    );
    let text = edit(&text, "barrels_per_tonne: 7.5", "barrels_per_tonne: 20.0");
    let text = edit(&text, "{ 2025: 100.0 }", "{ 2025: 10000.0 }");
    let text = edit(&text, "tariff: 10.0", "tariff: 0.0");
    let text = edit(
        &text,
        r#"assets: ["Pipe"],"#,
        r#"assets: ["Pipe"], differential: 1000.0,"#,
    );
    let text = edit(
        &text,
        "MeanReverting(start: 70.0, long_run: 70.0, reversion: 0.5, volatility: 0.3)",
        "PerYear(10000.0)",
    );
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("big.ron"), &text).unwrap();
    let run = |trials: &str| {
        corridor_within(
            &[
                "run", "big.ron", "--trials", trials, "-q", "--charts", "none", "--out", "out",
            ],
            tmp.path(),
            Duration::from_secs(300),
        )
    };
    let (code, stderr) = run("200");
    assert_eq!(code, Some(0), "{stderr}");
    assert_finite_summary(
        &tmp.path().join("out/summary.json"),
        "200 trials at the limits",
    );
    let before = std::fs::read(tmp.path().join("out/summary.json")).unwrap();
    let (code, stderr) = run("3000");
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("corridor: error: the statistics of revenue/Prod over the horizon left the range in which they are exact"),
        "{stderr}"
    );
    assert!(stderr.contains("nothing was written"), "{stderr}");
    assert_eq!(
        std::fs::read(tmp.path().join("out/summary.json")).unwrap(),
        before
    );
}
