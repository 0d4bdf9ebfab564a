//! The early estimate of a long job (src/cli/estimate.rs, src/engine/progress.rs): the line a
//! run or a comparison prints once its estimate exceeds the threshold, `--quiet` silencing it,
//! results byte-identical with and without it, and `--estimate` writing nothing.
//!
//! The scenario is benches/worst-case.ron (scripts/worst-case.py), the slowest the documented
//! limits allow: one trial takes about half a second in a release build, so the watcher sees the
//! first trial finish while the run is still going. `CORRIDOR_ESTIMATE_THRESHOLD=0` makes every
//! such estimate exceed the threshold (the default, a minute, would need a 2-minute test).

use crate::common;

use std::path::{Path, PathBuf};

use common::corridor;

const ENV: &str = "CORRIDOR_ESTIMATE_THRESHOLD";

fn worst_case() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/worst-case.ron")
}

/// `run` of two worst-case trials on one thread into `out`; returns stderr.
fn run(out: &Path, threshold: &str, quiet: bool) -> String {
    let mut cmd = corridor();
    cmd.env(ENV, threshold)
        .arg("run")
        .arg(worst_case())
        .args([
            "--trials",
            "2",
            "--seed",
            "5",
            "--threads",
            "1",
            "--charts",
            "none",
        ])
        .arg("--out")
        .arg(out);
    if quiet {
        cmd.arg("--quiet");
    }
    let done = cmd.assert().success();
    String::from_utf8(done.get_output().stderr.clone()).unwrap()
}

#[test]
fn a_long_run_says_how_long_once_and_results_do_not_change() {
    let tmp = tempfile::tempdir().unwrap();
    let (loud, quiet) = (tmp.path().join("loud"), tmp.path().join("quiet"));
    let said = run(&loud, "0", false);
    let lines: Vec<&str> = said
        .lines()
        .filter(|l| l.starts_with("corridor: about "))
        .collect();
    assert_eq!(lines.len(), 1, "one estimate line, got:\n{said}");
    let line = lines[0];
    assert!(
        line.contains(" for 2 trials (") && line.contains(" trials/s on 1 thread)"),
        "{line}"
    );
    // Two trials are already below any quicker --trials; the other ways are offered.
    assert!(!line.contains("--trials"), "{line}");
    assert!(
        line.contains("--precision revenue/P0:mean:1%") && line.contains("--shard K/N"),
        "{line}"
    );
    assert!(line.contains("docs/scale-out.md"), "{line}");

    // --quiet: no line; and the same results, byte for byte.
    let silent = run(&quiet, "0", true);
    assert!(!silent.contains("about"), "{silent}");
    for file in ["summary.json", "percentiles.csv"] {
        let a = std::fs::read(loud.join(file)).unwrap();
        let b = std::fs::read(quiet.join(file)).unwrap();
        assert!(a == b, "{file} differs with and without the estimate");
    }
}

#[test]
fn below_the_threshold_nothing_is_said() {
    let tmp = tempfile::tempdir().unwrap();
    let said = run(&tmp.path().join("out"), "1e9", false);
    assert!(!said.contains("about"), "{said}");
}

#[test]
fn estimate_prints_on_stdout_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let done = corridor()
        .env_remove(ENV)
        .arg("run")
        .arg(worst_case())
        .args(["--estimate", "--trials", "100000", "--threads", "1"])
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let stdout = String::from_utf8(done.get_output().stdout.clone()).unwrap();
    assert!(
        stdout.starts_with("worst-case: about ") && stdout.contains(" for 100,000 trials ("),
        "{stdout}"
    );
    assert!(stdout.contains(", measured on "), "{stdout}");
    // 100,000 trials at about 2 a second: a quicker round count is offered.
    assert!(stdout.contains("--trials "), "{stdout}");
    assert!(!out.exists(), "--estimate wrote {}", out.display());
    assert!(
        common::entries(tmp.path()).is_empty(),
        "nothing beside it either"
    );
}

/// Two trials: the first pair of simulations ends while the second is running.
#[test]
fn a_long_comparison_says_how_long() {
    let tmp = tempfile::tempdir().unwrap();
    let done = corridor()
        .env(ENV, "0")
        .arg("compare")
        .args([worst_case(), worst_case()])
        .args(["--trials", "2", "--threads", "1", "--charts", "none"])
        .arg("--out")
        .arg(tmp.path().join("cmp"))
        .assert()
        .success();
    let stderr = String::from_utf8(done.get_output().stderr.clone()).unwrap();
    assert!(
        stderr.contains("corridor: about ")
            && stderr.contains(" for 2 trials × 2 scenarios (")
            && stderr.contains(" simulations/s on 1 thread)"),
        "{stderr}"
    );
}
