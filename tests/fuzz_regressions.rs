//! Every input in `tests/fuzz_regressions/` goes through the fuzz harness again: the files that
//! made corridor panic, hang, allocate without bound or report NaN before it was hardened, and
//! hand-written ones for each bug found by reading the code while fuzzing (`docs/fuzzing.md`
//! lists them all and what each one found).
//!
//! The harness is the fuzz target's own (`fuzz/src/harness.rs`, included by path), so this test
//! applies exactly the fuzzer's checks: no panic; a refusal carries located, non-empty messages;
//! a scenario that `check` accepts compiles and runs, and every value it reports is finite and
//! within the accumulators' exact range. Each file also states what should happen to it (its name
//! starts with `invalid-` or `valid-`), so a fix that turned a clear refusal into an accepted run,
//! or the reverse, fails here. Each input gets its own thread with a deadline, so a hang fails
//! the test instead of stalling the suite.

#[path = "../fuzz/src/harness.rs"]
mod harness;

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use harness::{Outcome, exercise};

/// Generous: a debug build on a loaded machine; the fuzzer's own timeout is 30 s.
const DEADLINE: Duration = Duration::from_secs(120);

fn inputs() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_regressions");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file() && p.extension().is_none_or(|e| e != "md"))
        .collect();
    files.sort();
    files
}

/// Runs the harness on one file in its own thread; `Err` describes a panic or a hang.
fn run(path: &Path) -> Result<Outcome, String> {
    let bytes = std::fs::read(path).unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::Builder::new()
        .name(path.display().to_string())
        .spawn(move || {
            let outcome = std::panic::catch_unwind(|| {
                // The fuzz target skips input that is not UTF-8; so does this test.
                std::str::from_utf8(&bytes).ok().map(exercise)
            });
            let _ = tx.send(outcome);
        })
        .unwrap();
    match rx.recv_timeout(DEADLINE) {
        Ok(Ok(Some(outcome))) => Ok(outcome),
        Ok(Ok(None)) => {
            Err("not UTF-8: the fuzz target skips it, so it cannot be a regression".into())
        }
        Ok(Err(panic)) => Err(format!(
            "panicked: {}",
            panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default()
        )),
        Err(_) => Err(format!("still running after {DEADLINE:?}")),
    }
}

#[test]
fn every_fuzz_regression_input_is_handled() {
    let files = inputs();
    assert!(
        files.len() >= 10,
        "expected the regression inputs in tests/fuzz_regressions/, found {}",
        files.len()
    );
    let mut failures = Vec::new();
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        match run(path) {
            Ok(outcome) => {
                let expected_valid = if name.starts_with("valid-") {
                    true
                } else if name.starts_with("invalid-") {
                    false
                } else {
                    failures.push(format!("{name}: name it valid-* or invalid-*"));
                    continue;
                };
                let valid = matches!(outcome, Outcome::Ran { .. });
                if valid != expected_valid {
                    failures.push(format!(
                        "{name}: expected valid = {expected_valid}, got {outcome:?}"
                    ));
                }
            }
            Err(e) => failures.push(format!("{name}: {e}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
