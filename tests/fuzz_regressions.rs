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
//!
//! The same holds for shard files (`tests/fuzz_regressions_partials/`, through the harness of the
//! `read_partials` target, `fuzz/src/partials.rs`): each input is up to four `partial.json`
//! files separated by a 0xFF byte; `invalid-*` must be refused, `valid-*` must merge. Real shards
//! change with every model change and corridor version, so the valid case is made here from a
//! run rather than kept as a file.

#[path = "../fuzz/src/harness.rs"]
mod harness;
#[path = "../fuzz/src/partials.rs"]
mod partials;

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use harness::{Outcome, exercise};

/// Generous: a debug build on a loaded machine; the fuzzer's own timeout is 30 s.
const DEADLINE: Duration = Duration::from_secs(120);

fn inputs() -> Vec<PathBuf> {
    files_in("tests/fuzz_regressions")
}

/// The plain files in `dir` (relative to the repository), sorted; READMEs left out.
fn files_in(dir: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
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
    // The fuzz target skips input that is not UTF-8; so does this test.
    match guarded(&path.display().to_string(), move || {
        std::str::from_utf8(&bytes).ok().map(exercise)
    })? {
        Some(outcome) => Ok(outcome),
        None => Err("not UTF-8: the fuzz target skips it, so it cannot be a regression".into()),
    }
}

/// Runs `f` in its own thread with a deadline; `Err` describes a panic or a hang.
fn guarded<T: Send + 'static>(
    name: &str,
    f: impl FnOnce() -> T + Send + std::panic::UnwindSafe + 'static,
) -> Result<T, String> {
    let (tx, rx) = mpsc::channel();
    std::thread::Builder::new()
        .name(name.to_string())
        .spawn(move || {
            let _ = tx.send(std::panic::catch_unwind(f));
        })
        .unwrap();
    match rx.recv_timeout(DEADLINE) {
        Ok(Ok(outcome)) => Ok(outcome),
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

#[test]
fn every_shard_file_regression_input_is_handled() {
    let files = files_in("tests/fuzz_regressions_partials");
    assert!(
        files.len() >= 3,
        "expected the regression inputs in tests/fuzz_regressions_partials/, found {}",
        files.len()
    );
    let mut failures = Vec::new();
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let bytes = std::fs::read(path).unwrap();
        match guarded(&name, move || partials::exercise(&bytes)) {
            Ok(outcome) => {
                let merged = matches!(outcome, partials::Outcome::Merged { .. });
                if merged != name.starts_with("valid-") {
                    failures.push(format!("{name}: {outcome:?}"));
                }
            }
            Err(e) => failures.push(format!("{name}: {e}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The `partial.json` of shard `k` of `n` of a run of `trials` trials of the seeds' scenario.
fn shard_file(trials: u64, k: u64, n: u64) -> Vec<u8> {
    let p = partials::shard(partials::SEED_SCENARIO, trials, k, n);
    p.to_files().unwrap().0
}

/// Real shards go through the harness to a merge (so its checks after the merge run at all),
/// and the sets the fuzzer starts from are refused where they should be. The scenario is the
/// one the fuzz campaign's seeds are made from (`fuzz/seed_partials.sh`).
#[test]
fn real_shards_merge_through_the_shard_file_harness() {
    let shards: Vec<Vec<u8>> = (0..3).map(|k| shard_file(30, k, 3)).collect();
    let join = |ks: &[usize]| {
        let files: Vec<&[u8]> = ks.iter().map(|&k| shards[k].as_slice()).collect();
        files.join(&partials::SEPARATOR)
    };
    let exercise = |input: Vec<u8>| guarded("shards", move || partials::exercise(&input)).unwrap();
    assert_eq!(
        exercise(join(&[2, 0, 1])),
        partials::Outcome::Merged { trials: 30 }
    );
    assert_eq!(exercise(join(&[0, 2])), partials::Outcome::NotOneRun);
    assert_eq!(exercise(join(&[0, 1, 1])), partials::Outcome::NotOneRun);
    let one = shard_file(5, 0, 1);
    assert_eq!(
        exercise(one.clone()),
        partials::Outcome::Merged { trials: 5 }
    );
    let mut cut = one;
    cut.truncate(cut.len() / 2);
    assert_eq!(exercise(cut), partials::Outcome::Unreadable);
}

/// The structure-aware target's edits, one of each kind, reach the outcomes they should: extreme
/// but well-formed statistics merge and render; a value beyond the exact range, a shard dropped
/// or given twice, and out-of-range numbers are refused.
#[test]
fn edits_of_real_shards_reach_every_stage() {
    let edit = |op: u8, a: u64| {
        let mut v = vec![op];
        v.extend(a.to_le_bytes());
        v
    };
    let run = |input: Vec<u8>| guarded("edits", move || partials::exercise_edits(&input)).unwrap();
    use partials::Outcome::*;
    assert_eq!(run(vec![]), Merged { trials: 30 });
    // Shard 0 all 1e-300, shard 1 all 1e12: far apart, both within the exact range (4e12 would
    // overflow the sum of squares of 10 trials: saturated, refused).
    let far = [edit(0, 1e-300f64.to_bits()), edit(1, 1e12f64.to_bits())].concat();
    assert_eq!(run(far), Merged { trials: 30 });
    assert_eq!(run(edit(2, 1e13f64.to_bits())), Unreadable);
    assert_eq!(run(edit(2 << 2, (-1.0f64).to_bits())), Unreadable);
    assert_eq!(run(edit(3 << 2, u64::MAX)), Unreadable);
    assert_eq!(run(edit(10 << 2, 1)), NotOneRun);
    assert_eq!(run(edit(11 << 2, 1)), NotOneRun);
    assert_eq!(run(edit(9 << 2, 1_000_000_000_000_000_000)), Unreadable);
}
