//! Results that already exist are never corrupted, whatever happens to a run.
//!
//! - SIGKILL at many moments (spread over a whole run, and triggered by the staging folder's
//!   progress so that some land in the final write phase): the output folder afterwards holds
//!   either the previous set byte for byte or the complete new set (every file, each equal to a
//!   reference run's), never a mix or a truncated file; the next run removes the killed runs'
//!   staging folders and succeeds.
//! - SIGTERM and SIGINT, while simulating and while writing: exit 130, previous results intact,
//!   no staging folder left.
//! - Leftovers of killed runs: dead runs' staging folders are removed, a live run's and anything
//!   not matching corridor's own pattern are left alone, and results set aside by a run killed
//!   between two renames are put back.
//! - Scenario names (`../../x`, `/etc/passwd`, `..`, `.`, empty, Unicode, very long) cannot steer
//!   the default output folder out of `output/`.
//! - `--out` naming a file, a character device, a folder under /proc, a folder without write
//!   permission, and a disk that fills up (a size-limited tmpfs when the test may mount one; a
//!   file-size limit otherwise): a clear error, exit 1, previous results intact.
//!
//! - Ownership is proven, never guessed: a folder is replaced only when it is empty or holds
//!   exactly what its `manifest.json` lists. A file a user added to an earlier results folder, a
//!   folder that merely has a `run.json` (as older corridors wrote), a manifest that does not
//!   match and a link as `--out` are refused, naming the files, and nothing is deleted; a file
//!   added while the run works is caught at the swap, and the new results go beside the folder.
//! - Inputs are never overwritten: `--out` equal to, inside or holding an input (merge's shards,
//!   named by folder or by file; the scenario files of run, compare, sweep and sensitivity).
//!
//! Unix only: the tests send signals with `kill` and read /proc.
#![cfg(unix)]

use crate::common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use common::{MINIMAL, corridor, edit, entries};

const BIN: &str = env!("CARGO_BIN_EXE_corridor");

/// The staging journal's name (src/output/folder.rs): a killed run's leftovers carry it.
const JOURNAL: &str = ".corridor-journal";

/// Every file under `dir` (relative path → bytes).
type Snapshot = BTreeMap<String, Vec<u8>>;

fn snapshot(dir: &Path) -> Snapshot {
    fn walk(root: &Path, dir: &Path, out: &mut Snapshot) {
        for e in std::fs::read_dir(dir).unwrap() {
            let path = e.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                out.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    let mut out = Snapshot::new();
    walk(dir, dir, &mut out);
    out
}

/// Files whose bytes differ between two runs of the same scenario and seed (timings).
fn varies(name: &str) -> bool {
    matches!(
        name,
        "run.json" | "report.html" | "report.md" | "manifest.json"
    )
}

/// What an output folder held after a run was interrupted.
#[derive(Debug, PartialEq)]
enum Found {
    Previous,
    New,
}

/// Asserts that `out` holds exactly `previous` or a complete set equal to `new` (the files that
/// vary with timing must still be present and parse), and says which.
fn previous_or_new(out: &Path, previous: &Snapshot, new: &Snapshot, when: &str) -> Found {
    let got = snapshot(out);
    if &got == previous {
        return Found::Previous;
    }
    let names = |s: &Snapshot| s.keys().cloned().collect::<Vec<_>>();
    assert_eq!(
        names(&got),
        names(new),
        "{when}: the output folder is neither the previous set nor the complete new one"
    );
    for (name, bytes) in &got {
        if varies(name) {
            assert!(!bytes.is_empty(), "{when}: {name} is empty");
            if name.ends_with(".json") {
                serde_json::from_slice::<serde_json::Value>(bytes)
                    .unwrap_or_else(|e| panic!("{when}: {name} is not JSON: {e}"));
            }
        } else {
            assert!(
                bytes == &new[name],
                "{when}: {name} differs from the reference run's (a mix or a truncated file)"
            );
        }
    }
    Found::New
}

fn write_scenario(dir: &Path) -> PathBuf {
    let path = dir.join("scenario.ron");
    std::fs::write(&path, common::MINIMAL).unwrap();
    path
}

/// `corridor run` of the built-in baseline into `out`, as a child process.
fn spawn_baseline(out: &Path, seed: u64, trials: u64) -> Child {
    Command::new(BIN)
        .args(["run", "--quiet", "--threads", "1", "--seed"])
        .arg(seed.to_string())
        .arg("--trials")
        .arg(trials.to_string())
        .arg("--out")
        .arg(out)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn run_baseline(out: &Path, seed: u64, trials: u64) {
    let child = spawn_baseline(out, seed, trials);
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The staging folders beside `out` (`.<name>.tmp-*`).
fn staging_dirs(out: &Path) -> Vec<PathBuf> {
    let prefix = format!(".{}.", out.file_name().unwrap().to_string_lossy());
    std::fs::read_dir(out.parent().unwrap())
        .unwrap()
        .filter_map(|e| {
            let e = e.unwrap();
            let name = e.file_name().to_string_lossy().into_owned();
            name.starts_with(&prefix).then(|| e.path())
        })
        .collect()
}

/// Files written so far into the staging folders beside `out`.
fn staged_files(out: &Path) -> usize {
    staging_dirs(out).iter().map(|d| snapshot_count(d)).sum()
}

fn snapshot_count(dir: &Path) -> usize {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return 0;
    };
    rd.flatten()
        .map(|e| {
            let p = e.path();
            if p.is_dir() { snapshot_count(&p) } else { 1 }
        })
        .sum()
}

/// Waits for `child` at most `limit`; kills it and fails if it is still running.
fn wait_for(child: &mut Child, limit: Duration) -> ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            panic!("still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Sends `signal` (TERM, INT) to `child` with the system's `kill`.
fn signal(child: &Child, signal: &str) {
    let ok = Command::new("kill")
        .arg(format!("-{signal}"))
        .arg(child.id().to_string())
        .status()
        .unwrap()
        .success();
    assert!(ok, "kill -{signal} failed");
}

/// Polls until `cond` holds (or panics after `limit`).
fn until(limit: Duration, what: &str, mut cond: impl FnMut() -> bool) {
    let start = Instant::now();
    while !cond() {
        assert!(start.elapsed() < limit, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// Replaces `out` with the files of `snap`.
fn restore(out: &Path, snap: &Snapshot) {
    if out.exists() {
        std::fs::remove_dir_all(out).unwrap();
    }
    for (name, bytes) in snap {
        let path = out.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
}

#[test]
fn sigkill_at_any_moment_leaves_the_previous_or_the_complete_new_results() {
    const TRIALS: u64 = 3000;
    let tmp = tempfile::tempdir().unwrap();
    // Reference sets: the previous results (seed 1) and what the killed runs write (seed 2).
    let reference = tmp.path().join("reference");
    run_baseline(&reference, 2, TRIALS);
    let new = snapshot(&reference);
    let out = tmp.path().join("results");
    let started = Instant::now();
    run_baseline(&out, 1, TRIALS);
    let full_run = started.elapsed();
    let previous = snapshot(&out);
    assert!(new.len() > 10 && previous.keys().eq(new.keys()));

    let mut found = Vec::new();
    // Kills spread over a whole run's duration (measured above), then kills timed by the
    // staging folder's progress: the first file written, a third, two thirds, all of them
    // (the moment of the swap).
    let fractions = [0.0, 0.1, 0.25, 0.4, 0.55, 0.7, 0.85, 1.0, 1.2];
    let files = new.len();
    let counts = [1, files / 3, 2 * files / 3, files];
    let moments = fractions
        .iter()
        .map(|f| (Some(full_run.mul_f64(*f)), None))
        .chain(counts.iter().map(|&c| (None, Some(c))));
    for (delay, staged) in moments {
        restore(&out, &previous);
        let mut child = spawn_baseline(&out, 2, TRIALS);
        if let Some(d) = delay {
            std::thread::sleep(d);
        }
        if let Some(n) = staged {
            let start = Instant::now();
            while staged_files(&out) < n
                && child.try_wait().unwrap().is_none()
                && start.elapsed() < Duration::from_secs(120)
            {
                std::thread::sleep(Duration::from_micros(200));
            }
        }
        let _ = child.kill();
        let status = wait_for(&mut child, Duration::from_secs(60));
        let when = format!("killed after {delay:?} / at {staged:?} staged files ({status})");
        found.push(previous_or_new(&out, &previous, &new, &when));
    }
    eprintln!("after each SIGKILL the folder held: {found:?}");
    assert!(
        found.contains(&Found::Previous),
        "no kill landed before the swap: {found:?}"
    );

    // The killed runs left staging folders; the next run removes them and succeeds.
    restore(&out, &previous);
    run_baseline(&out, 2, TRIALS);
    assert_eq!(
        previous_or_new(&out, &previous, &new, "after a clean run"),
        Found::New
    );
    assert_eq!(
        entries(tmp.path()),
        ["reference", "results"],
        "staging folders of killed runs were not cleaned up"
    );
}

/// SIGTERM or SIGINT while simulating: exit 130, previous results as they were, nothing left.
fn interrupt_while_simulating(sig: &str) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("results");
    run_baseline(&out, 1, 200);
    let previous = snapshot(&out);
    // Far more trials than can finish: the run is simulating when the signal arrives.
    let mut child = spawn_baseline(&out, 2, 500_000_000);
    until(Duration::from_secs(60), "the staging folder", || {
        !staging_dirs(&out).is_empty()
    });
    // The handler is installed right after the scenario compiles; leave it time to start.
    std::thread::sleep(Duration::from_millis(1500));
    signal(&child, sig);
    let status = wait_for(&mut child, Duration::from_secs(120));
    let mut stderr = String::new();
    std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut stderr).unwrap();
    assert_eq!(status.code(), Some(130), "SIG{sig}: {status}; {stderr}");
    assert!(stderr.contains("interrupted"), "{stderr}");
    assert!(
        snapshot(&out) == previous,
        "SIG{sig} changed the previous results"
    );
    assert_eq!(
        entries(tmp.path()),
        ["results"],
        "a staging folder was left"
    );
}

#[test]
fn sigterm_while_simulating_exits_130_and_keeps_the_previous_results() {
    interrupt_while_simulating("TERM");
}

#[test]
fn sigint_while_simulating_exits_130_and_keeps_the_previous_results() {
    interrupt_while_simulating("INT");
}

#[test]
fn sigterm_while_writing_exits_130_and_keeps_the_previous_results() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("results");
    run_baseline(&out, 1, 200);
    let previous = snapshot(&out);
    let mut child = spawn_baseline(&out, 2, 200);
    // The first result file in the staging folder: the write phase has begun.
    let start = Instant::now();
    while staged_files(&out) == 0 && child.try_wait().unwrap().is_none() {
        assert!(start.elapsed() < Duration::from_secs(60));
        std::thread::sleep(Duration::from_micros(200));
    }
    signal(&child, "TERM");
    let status = wait_for(&mut child, Duration::from_secs(60));
    if status.success() {
        // The signal came after the last check before the swap: the new set is complete.
        eprintln!("SIGTERM arrived after the swap; checking the new set instead");
        assert_eq!(snapshot(&out).len(), previous.len());
    } else {
        assert_eq!(status.code(), Some(130), "{status}");
        assert!(
            snapshot(&out) == previous,
            "SIGTERM changed the previous results"
        );
    }
    assert_eq!(
        entries(tmp.path()),
        ["results"],
        "a staging folder was left"
    );
}

/// A process id that is not running (its /proc entry is absent).
fn dead_pid() -> u32 {
    (1_000_000..4_000_000)
        .rev()
        .find(|p| !Path::new(&format!("/proc/{p}")).exists())
        .unwrap()
}

#[cfg(target_os = "linux")]
#[test]
fn leftovers_of_dead_runs_are_removed_and_nothing_else_is_touched() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = write_scenario(tmp.path());
    let out = tmp.path().join("results");
    let run = || {
        corridor()
            .arg("run")
            .arg(&scenario)
            .args(["--trials", "20", "--quiet", "--charts", "none", "--out"])
            .arg(&out)
            .output()
            .unwrap()
    };
    // Previous results in place: a set-aside folder is then a leftover, not something to put back.
    assert!(run().status.success());
    let dead = dead_pid();
    let me = std::process::id();
    // As a killed run leaves them: a half-written file, named in the staging journal first.
    let mk = |name: &str| {
        let d = tmp.path().join(name);
        std::fs::create_dir(&d).unwrap();
        std::fs::write(d.join("summary.json"), "{\"half\": ").unwrap();
        std::fs::write(d.join(JOURNAL), "\"summary.json\"\n").unwrap();
    };
    let removed = [
        format!(".results.tmp-{dead}-a1B2c3"),
        format!(".results.old-{dead}-d4E5f6"),
    ];
    let kept = [
        format!(".results.tmp-{me}-live01"), // a running process's (this test's) staging
        format!(".results.tmp-{dead}"),      // not corridor's pattern
        format!(".other.tmp-{dead}-x1y2z3"), // another output folder's
        format!("results.tmp-{dead}-x1y2z3"), // not hidden
    ];
    for name in removed.iter().chain(&kept) {
        mk(name);
    }
    // A dead run's folder holding a file its journal does not name (a user's, or one added
    // between a check and a swap) is not corridor's to delete: it is moved to a visible name.
    let unproven = format!(".results.tmp-{dead}-g7H8i9");
    mk(&unproven);
    std::fs::write(tmp.path().join(&unproven).join("notes.txt"), "mine").unwrap();
    let output = run();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    let parked: Vec<String> = entries(tmp.path())
        .into_iter()
        .filter(|n| n.starts_with("results.corridor-old-"))
        .collect();
    assert_eq!(parked.len(), 1, "{:?}", entries(tmp.path()));
    assert!(
        stderr.contains("holds files corridor cannot prove it wrote (notes.txt)")
            && stderr.contains(&parked[0])
            && stderr.contains("nothing was deleted"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(tmp.path().join(&parked[0]).join("notes.txt")).unwrap(),
        "mine"
    );
    let mut want: Vec<String> = kept.to_vec();
    want.extend(["results".to_string(), "scenario.ron".to_string()]);
    want.extend(parked);
    want.sort();
    assert_eq!(entries(tmp.path()), want);
}

#[cfg(target_os = "linux")]
#[test]
fn results_set_aside_by_a_killed_swap_are_put_back() {
    // Where the atomic exchange is unavailable, the old folder is renamed aside before the new
    // one moves in; a kill between the two renames leaves only `.results.old-<pid>-*`.
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("results");
    run_baseline(&out, 1, 200);
    let previous = snapshot(&out);
    let aside = tmp
        .path()
        .join(format!(".results.old-{}-k1lled", dead_pid()));
    std::fs::rename(&out, &aside).unwrap();
    // The next run puts them back before anything else; interrupt it to look.
    let mut child = spawn_baseline(&out, 2, 500_000_000);
    until(Duration::from_secs(60), "the staging folder", || {
        staging_dirs(&out)
            .iter()
            .any(|d| d.to_string_lossy().contains(".tmp-"))
    });
    assert!(out.is_dir(), "the previous results were not put back");
    std::thread::sleep(Duration::from_millis(1500));
    signal(&child, "TERM");
    assert_eq!(
        wait_for(&mut child, Duration::from_secs(120)).code(),
        Some(130)
    );
    assert!(snapshot(&out) == previous);
    assert_eq!(entries(tmp.path()), ["results"]);
}

/// Runs a scenario named `name` with no --out, in an empty folder; returns the exit code and
/// every path created there.
fn run_named(name: &str) -> (i32, Vec<String>, String) {
    let src = tempfile::tempdir().unwrap();
    let text = edit(MINIMAL, r#"name: "minimal""#, &format!("name: {name:?}"));
    let file = src.path().join("named.ron");
    std::fs::write(&file, text).unwrap();
    let cwd = tempfile::tempdir().unwrap();
    let output = Command::new(BIN)
        .arg("run")
        .arg(&file)
        .args(["--trials", "10", "--quiet", "--charts", "none"])
        .current_dir(cwd.path())
        .output()
        .unwrap();
    let mut created = Vec::new();
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            out.push(p.strip_prefix(root).unwrap().to_string_lossy().into_owned());
            if p.is_dir() && out.len() < 100 {
                walk(root, &p, out);
            }
        }
    }
    walk(cwd.path(), cwd.path(), &mut created);
    // Nothing may appear beside the scenario file either.
    assert_eq!(
        entries(src.path()),
        ["named.ron"],
        "{name:?} wrote beside the scenario"
    );
    (
        output.status.code().unwrap_or(-1),
        created,
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn scenario_names_cannot_steer_writes_out_of_the_output_folder() {
    let long = "x".repeat(300);
    for (name, folder) in [
        ("../../x", Some("-..-x")),
        ("/etc/passwd", Some("-etc-passwd")),
        ("..\\..\\win", Some("-..-win")),
        ("a/../../b", Some("a-..-..-b")),
        ("Каспий 2030", Some("Каспий-2030")),
        ("..", None),
        (".", None),
        ("...", None),
        (long.as_str(), None),
    ] {
        let (code, created, stderr) = run_named(name);
        match folder {
            Some(f) => {
                assert_eq!(code, 0, "{name:?}: {stderr}");
                let top: Vec<&String> = created.iter().filter(|p| !p.contains('/')).collect();
                assert_eq!(top, ["output"], "{name:?} created {created:?}");
                assert!(
                    created.contains(&format!("output/{f}/run.json")),
                    "{name:?}: expected output/{f}/, got {created:?}"
                );
            }
            None => {
                assert_eq!(code, 2, "{name:?}: {stderr}");
                assert!(stderr.contains("pass --out DIR"), "{name:?}: {stderr}");
                assert!(created.is_empty(), "{name:?} created {created:?}");
            }
        }
    }
    // An empty name is a scenario error, located like any other.
    let (code, created, stderr) = run_named("");
    assert_eq!(code, 2);
    assert!(
        stderr.contains("name: the scenario needs a name"),
        "{stderr}"
    );
    assert!(created.is_empty());
    // A name with control characters is refused before it can name anything (hidden characters,
    // docs/errors.md).
    let (code, created, stderr) = run_named("tab\there\0nul");
    assert_eq!(code, 2);
    assert!(
        stderr.contains("name: U+0009, a tab, in this text"),
        "{stderr}"
    );
    assert!(created.is_empty());
}

/// `corridor run` of the minimal scenario into `out`; returns (exit code, stderr).
fn run_into(out: &Path, shell_prefix: Option<&str>) -> (i32, String) {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = write_scenario(tmp.path());
    let mut cmd = match shell_prefix {
        // The limit and the ignored signal apply to the shell and so to the exec'd corridor.
        Some(prefix) => {
            let mut c = Command::new("sh");
            c.arg("-c")
                .arg(format!("{prefix}; exec \"$0\" \"$@\""))
                .arg(BIN);
            c
        }
        None => Command::new(BIN),
    };
    let output = cmd
        .arg("run")
        .arg(&scenario)
        .args(["--trials", "50", "--quiet", "--out"])
        .arg(out)
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn out_naming_something_that_is_not_a_folder_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("results.txt");
    std::fs::write(&file, "keep me").unwrap();
    for target in [
        file.clone(),
        PathBuf::from("/dev/full"),
        PathBuf::from("/dev/null"),
    ] {
        let (code, stderr) = run_into(&target, None);
        assert_eq!(code, 1, "{stderr}");
        assert!(
            stderr.contains(&format!(
                "--out {} exists and is not a folder",
                target.display()
            )),
            "{stderr}"
        );
    }
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "keep me");
    // A path through a file or a device cannot be created either.
    for target in ["/dev/full/results", "/dev/null/x/y"] {
        let (code, stderr) = run_into(Path::new(target), None);
        assert_eq!(code, 1, "{stderr}");
        assert!(stderr.contains("cannot create"), "{stderr}");
        assert!(
            stderr.contains("give an --out in a folder you can write"),
            "{stderr}"
        );
    }
    assert_eq!(entries(tmp.path()), ["results.txt"]);
}

#[test]
fn out_in_a_folder_that_cannot_be_written_is_a_clear_error() {
    // /proc refuses new entries even to root.
    let (code, stderr) = run_into(Path::new("/proc/corridor-test/results"), None);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("cannot create /proc/corridor-test"),
        "{stderr}"
    );
    assert!(
        stderr.contains("give an --out in a folder you can write"),
        "{stderr}"
    );

    // A folder without write permission; root writes anyway, so that case is skipped.
    let tmp = tempfile::tempdir().unwrap();
    let locked = tmp.path().join("locked");
    std::fs::create_dir(&locked).unwrap();
    let mut perms = std::fs::metadata(&locked).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o555);
    std::fs::set_permissions(&locked, perms).unwrap();
    if std::fs::write(locked.join("probe"), "x").is_ok() {
        eprintln!("skipped the chmod 555 case: this test runs as root, which writes anyway");
        return;
    }
    let (code, stderr) = run_into(&locked.join("results"), None);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains(&format!("cannot write in {}", locked.display())),
        "{stderr}"
    );
    assert!(stderr.contains("Permission denied"), "{stderr}");
}

#[test]
fn a_write_that_fails_midway_keeps_the_previous_results() {
    // RLIMIT_FSIZE makes writes past 64 KiB fail (EFBIG) the way a full disk does (ENOSPC):
    // partway through the result set. The shell ignores SIGXFSZ so the write returns an error.
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("results");
    let (code, stderr) = run_into(&out, None);
    assert_eq!(code, 0, "{stderr}");
    let previous = snapshot(&out);
    let (code, stderr) = run_into(&out, Some("ulimit -f 128; trap '' XFSZ"));
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("cannot write"), "{stderr}");
    assert!(stderr.contains("is the disk full?"), "{stderr}");
    assert!(
        stderr.contains("previous results were left as they were"),
        "{stderr}"
    );
    assert!(
        snapshot(&out) == previous,
        "the failed run changed the previous results"
    );
    assert_eq!(
        entries(tmp.path()),
        ["results"],
        "a staging folder was left"
    );
}

/// Unmounts a test tmpfs however the test ends.
struct Mount(PathBuf);

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn a_full_disk_is_a_clear_error_and_keeps_the_previous_results() {
    let tmp = tempfile::tempdir().unwrap();
    let disk = tmp.path().join("disk");
    std::fs::create_dir(&disk).unwrap();
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=4m", "corridor-test"])
        .arg(&disk)
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !mounted {
        eprintln!(
            "skipped: cannot mount a tmpfs here (needs root); \
             a_write_that_fails_midway_keeps_the_previous_results covers the write error"
        );
        return;
    }
    let _unmount = Mount(disk.clone());
    let out = disk.join("results");
    let (code, stderr) = run_into(&out, None);
    assert_eq!(code, 0, "{stderr}");
    let previous = snapshot(&out);
    // Fill the disk, leaving too little for a second result set.
    let used: usize = previous.values().map(Vec::len).sum();
    let _ = std::fs::write(disk.join("filler"), vec![0u8; 4 << 20]);
    let (code, stderr) = run_into(&out, None);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("No space left on device"), "{stderr}");
    assert!(stderr.contains("is the disk full?"), "{stderr}");
    assert!(
        snapshot(&out) == previous,
        "a full disk changed the previous results ({used} B)"
    );
    assert_eq!(
        entries(&disk),
        ["filler", "results"],
        "a staging folder was left"
    );
}

// ---------------------------------------------------------------------------------------------
// Whose folder is it? Proven by the manifest, never guessed.

/// Runs `corridor ARGS` in `dir`; returns (exit code, stderr).
fn corridor_in(dir: &Path, args: &[&str]) -> (i32, String) {
    let output = Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// A quick run of the minimal scenario (in `dir`) into `dir/out`; returns (code, stderr).
fn quick_run(dir: &Path, out: &str) -> (i32, String) {
    write_scenario(dir);
    corridor_in(
        dir,
        &[
            "run",
            "scenario.ron",
            "--trials",
            "20",
            "--quiet",
            "--charts",
            "svg",
            "--out",
            out,
        ],
    )
}

/// Asserts a refusal: exit 1, every `names` in the message, the remedy given.
fn assert_refused(code: i32, stderr: &str, names: &[&str]) {
    assert_eq!(code, 1, "{stderr}");
    for n in names {
        assert!(stderr.contains(n), "{n:?} not named in: {stderr}");
    }
    assert!(
        stderr.contains("give another --out or move those files out of"),
        "{stderr}"
    );
}

#[test]
fn rerunning_into_a_folder_corridor_wrote_replaces_it() {
    let tmp = tempfile::tempdir().unwrap();
    assert_eq!(quick_run(tmp.path(), "out").0, 0);
    let out = tmp.path().join("out");
    assert!(out.join("manifest.json").is_file());
    let (code, stderr) = quick_run(tmp.path(), "out");
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(entries(tmp.path()), ["out", "scenario.ron"]);
}

#[test]
fn a_file_dropped_into_an_earlier_results_folder_is_never_deleted() {
    let tmp = tempfile::tempdir().unwrap();
    assert_eq!(quick_run(tmp.path(), "out").0, 0);
    let out = tmp.path().join("out");
    std::fs::write(out.join("notes.txt"), "my notes").unwrap();
    std::fs::create_dir(out.join("figures")).unwrap();
    std::fs::write(out.join("figures/fig1.pdf"), "figure").unwrap();
    let before = snapshot(&out);
    let (code, stderr) = quick_run(tmp.path(), "out");
    assert_refused(
        code,
        &stderr,
        &["out has changed since corridor wrote it: figures/, notes.txt;"],
    );
    assert!(
        snapshot(&out) == before,
        "the refused run changed the folder"
    );
    assert_eq!(entries(tmp.path()), ["out", "scenario.ron"], "staging left");
}

#[test]
fn a_folder_that_merely_has_a_run_json_is_not_corridors() {
    // What corridor before manifests took as proof, and what older results look like.
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("run.json"), "{}").unwrap();
    std::fs::write(out.join("thesis.tex"), "precious").unwrap();
    let (code, stderr) = quick_run(tmp.path(), "out");
    assert_refused(
        code,
        &stderr,
        &[
            "out is not empty and has no manifest.json, so corridor cannot prove it wrote run.json, thesis.tex;",
        ],
    );
    assert_eq!(entries(&out), ["run.json", "thesis.tex"]);
    assert_eq!(
        std::fs::read_to_string(out.join("thesis.tex")).unwrap(),
        "precious"
    );
}

#[test]
fn long_lists_of_foreign_files_are_cut_short() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    std::fs::create_dir(&out).unwrap();
    for i in 0..25 {
        std::fs::write(out.join(format!("f{i:02}")), "x").unwrap();
    }
    let (code, stderr) = quick_run(tmp.path(), "out");
    assert_refused(
        code,
        &stderr,
        &["f00, f01, f02, f03, f04, f05, f06, f07, f08, f09 and 15 more;"],
    );
    assert_eq!(entries(&out).len(), 25);
}

#[test]
fn a_manifest_that_does_not_match_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    // Each tampering, applied to a fresh result set: what the message must say.
    type Tamper = fn(&Path);
    let cases: [(Tamper, &str); 6] = [
        // Same size, other bytes: only the checksum tells.
        (
            |o| {
                let mut b = std::fs::read(o.join("summary.json")).unwrap();
                b[10] ^= 1;
                std::fs::write(o.join("summary.json"), b).unwrap();
            },
            "summary.json (changed)",
        ),
        (
            |o| std::fs::write(o.join("tails.csv"), "short").unwrap(),
            "tails.csv (changed)",
        ),
        // A listed file removed.
        (
            |o| std::fs::remove_file(o.join("scenario.ron")).unwrap(),
            "scenario.ron (missing)",
        ),
        // An extra entry added to the manifest, naming a file that is not there.
        (
            |o| {
                let path = o.join("manifest.json");
                let mut m: serde_json::Value =
                    serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
                let mut extra = m["files"][0].clone();
                extra["path"] = "thesis.tex".into();
                m["files"].as_array_mut().unwrap().push(extra);
                std::fs::write(&path, serde_json::to_vec(&m).unwrap()).unwrap();
            },
            "thesis.tex (missing)",
        ),
        // A user's file listed in a forged manifest with a wrong checksum.
        (
            |o| {
                std::fs::write(o.join("thesis.tex"), "precious").unwrap();
                let path = o.join("manifest.json");
                let mut m: serde_json::Value =
                    serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
                let mut extra = m["files"][0].clone();
                extra["path"] = "thesis.tex".into();
                extra["size"] = 8.into();
                m["files"].as_array_mut().unwrap().push(extra);
                std::fs::write(&path, serde_json::to_vec(&m).unwrap()).unwrap();
            },
            "thesis.tex (changed)",
        ),
        (
            |o| std::fs::write(o.join("manifest.json"), "{ not json").unwrap(),
            "out/manifest.json is not a valid corridor manifest (",
        ),
    ];
    for (tamper, says) in cases {
        if out.exists() {
            std::fs::remove_dir_all(&out).unwrap();
        }
        assert_eq!(quick_run(tmp.path(), "out").0, 0);
        tamper(&out);
        let before = snapshot(&out);
        let (code, stderr) = quick_run(tmp.path(), "out");
        assert_refused(code, &stderr, &[says]);
        assert!(snapshot(&out) == before, "{says}: the folder changed");
    }
}

#[test]
fn a_link_as_out_is_refused_and_left_alone() {
    let tmp = tempfile::tempdir().unwrap();
    assert_eq!(quick_run(tmp.path(), "real").0, 0);
    std::os::unix::fs::symlink("real", tmp.path().join("link")).unwrap();
    let before = snapshot(&tmp.path().join("real"));
    let (code, stderr) = quick_run(tmp.path(), "link");
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("--out link is a symbolic link; give the folder it points to"),
        "{stderr}"
    );
    assert!(tmp.path().join("link").is_symlink());
    assert!(snapshot(&tmp.path().join("real")) == before);
}

#[test]
fn a_file_added_while_the_run_works_is_caught_at_the_swap() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("results");
    run_baseline(&out, 1, 200);
    let previous = snapshot(&out);
    // Long enough that the file below lands while it simulates (it is added within
    // microseconds of the staging folder appearing; the run takes seconds).
    let mut child = spawn_baseline(&out, 2, 100_000);
    until(Duration::from_secs(60), "the staging folder", || {
        !staging_dirs(&out).is_empty()
    });
    std::fs::write(out.join("notes.txt"), "written during the run").unwrap();
    let status = wait_for(&mut child, Duration::from_secs(600));
    let mut stderr = String::new();
    std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut stderr).unwrap();
    assert_eq!(status.code(), Some(1), "{stderr}");
    // The folder is exactly as the user left it.
    let mut expected = previous.clone();
    expected.insert("notes.txt".into(), b"written during the run".to_vec());
    assert!(snapshot(&out) == expected, "the folder changed: {stderr}");
    // The new results are complete, beside it, under the name the message gives.
    let beside: Vec<String> = entries(tmp.path())
        .into_iter()
        .filter(|n| n != "results")
        .collect();
    assert_eq!(beside.len(), 1, "{beside:?}");
    assert!(beside[0].starts_with("results.corridor-new-"), "{beside:?}");
    assert!(
        stderr.contains("results has changed since corridor wrote it: notes.txt.")
            && stderr.contains("changed while corridor was running, so it was left as it was")
            && stderr.contains(&format!(
                "the new results are in {}",
                tmp.path().join(&beside[0]).display()
            )),
        "{stderr}"
    );
    let new = snapshot(&tmp.path().join(&beside[0]));
    assert!(new.keys().eq(previous.keys()), "incomplete new results");
    let summary: serde_json::Value = serde_json::from_slice(&new["summary.json"]).unwrap();
    assert_eq!(summary["seed"], 2);
    assert_eq!(summary["trials"], 100_000);
}

// ---------------------------------------------------------------------------------------------
// Inputs are never overwritten.

/// Two shards of the minimal scenario, `s0` and `s1`, in `dir`.
fn shards(dir: &Path) {
    write_scenario(dir);
    for k in 0..2 {
        let (code, stderr) = corridor_in(
            dir,
            &[
                "run",
                "scenario.ron",
                "--trials",
                "40",
                "--quiet",
                "--shard",
                &format!("{k}/2"),
                "--out",
                &format!("s{k}"),
            ],
        );
        assert_eq!(code, 0, "{stderr}");
    }
}

#[test]
fn merge_never_writes_over_its_shards() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    shards(dir);
    let s0 = snapshot(&dir.join("s0"));
    let s1 = snapshot(&dir.join("s1"));
    for (args, says) in [
        // A shard named by its file, --out its folder (this replaced shard 0).
        (
            &["s0/partial.json", "s1", "--out", "s0"][..],
            "--out s0 is s0 (the folder of s0/partial.json), which this command reads",
        ),
        (
            &["s0", "s1", "--out", "./s1/"],
            "--out ./s1 is s1, which this command reads",
        ),
        (
            &["s0", "s1", "--out", "new/../s0"],
            "--out new/../s0 is s0, which this command reads",
        ),
        // --out inside an input, existing or not.
        (
            &["s0", "s1", "--out", "s1/merged"],
            "--out s1/merged is inside s1, which this command reads",
        ),
        (
            &["s0/partial.json", "s1", "--out", "s0/not/yet"],
            "--out s0/not/yet is inside s0 (the folder of s0/partial.json)",
        ),
    ] {
        let mut full = vec!["merge", "--quiet"];
        full.extend(args);
        let (code, stderr) = corridor_in(dir, &full);
        assert_eq!(code, 1, "{args:?}: {stderr}");
        assert!(stderr.contains(says), "{args:?}: {stderr}");
        assert!(
            stderr.contains("write the results to"),
            "{args:?}: {stderr}"
        );
    }
    // An input inside --out.
    let parent = dir.display().to_string();
    let (code, stderr) = corridor_in(dir, &["merge", "-q", "s0", "s1", "--out", &parent]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains(&format!(
            "s0, which this command reads, is inside --out {parent}, and corridor replaces its output folder whole"
        )),
        "{stderr}"
    );
    assert!(snapshot(&dir.join("s0")) == s0, "shard 0 changed");
    assert!(snapshot(&dir.join("s1")) == s1, "shard 1 changed");
    assert_eq!(entries(dir), ["s0", "s1", "scenario.ron"]);
    // Beside the shards is fine.
    let (code, stderr) = corridor_in(
        dir,
        &[
            "merge",
            "--quiet",
            "s0/partial.json",
            "s1",
            "--out",
            "merged",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
}

/// A previous run's folder `out` (which holds its scenario copy, `out/scenario.ron`), in `dir`.
fn previous_run(dir: &Path) -> Snapshot {
    assert_eq!(quick_run(dir, "out").0, 0);
    snapshot(&dir.join("out"))
}

#[test]
fn compare_never_writes_over_its_scenarios() {
    // Comparing against the scenario saved with a result set, into that set's folder, would
    // replace it with compare's files: the scenario copy would be lost.
    let tmp = tempfile::tempdir().unwrap();
    let before = previous_run(tmp.path());
    let (code, stderr) = corridor_in(
        tmp.path(),
        &[
            "compare",
            "out/scenario.ron",
            "scenario.ron",
            "-n",
            "10",
            "-q",
            "--out",
            "out",
        ],
    );
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("out/scenario.ron, which this command reads, is inside --out out"),
        "{stderr}"
    );
    assert!(snapshot(&tmp.path().join("out")) == before);
}

#[test]
fn sweep_never_writes_over_its_scenario() {
    let tmp = tempfile::tempdir().unwrap();
    let before = previous_run(tmp.path());
    let (code, stderr) = corridor_in(
        tmp.path(),
        &[
            "sweep",
            "out/scenario.ron",
            "--set",
            "producers[Prod].export_share=0.5,1",
            "-n",
            "10",
            "-q",
            "--out",
            "out/",
        ],
    );
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("out/scenario.ron, which this command reads, is inside --out out"),
        "{stderr}"
    );
    assert!(snapshot(&tmp.path().join("out")) == before);
}

#[test]
fn sensitivity_never_writes_over_the_file_its_scenario_extends() {
    let tmp = tempfile::tempdir().unwrap();
    let before = previous_run(tmp.path());
    // A variant beside the results, extending the scenario copy inside them; it makes one input
    // uncertain so that sensitivity has something to rank and reaches the folder check.
    std::fs::write(
        tmp.path().join("variant.ron"),
        "Scenario(\n    extends: \"out/scenario.ron\",\n    name: \"variant\",\n    \
         producers: [(name: \"Prod\", export_share: Uniform(min: 0.9, max: 1.0))],\n)\n",
    )
    .unwrap();
    let (code, stderr) = corridor_in(
        tmp.path(),
        &[
            "sensitivity",
            "variant.ron",
            "-n",
            "10",
            "-q",
            "--out",
            "out",
        ],
    );
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("out/scenario.ron, which this command reads, is inside --out out"),
        "{stderr}"
    );
    assert!(snapshot(&tmp.path().join("out")) == before);
}
