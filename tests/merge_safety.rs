//! `corridor merge` given crafted shard files: an attacker with a text editor and `sha256sum`.
//!
//! A checksum can be recomputed, so it proves nothing about a file's content. Each test runs a
//! few small shards of the minimal scenario, edits one shard's `partial.json` (through the typed
//! `Partial`, or as text where the statistics' fields are private), writes a fresh
//! `partial.sha256` the way `sha256sum` would, and merges. Every edit must be refused with exit 1
//! (never the 101 of a panic, never a hang), a message that names the shard's file and the field
//! and stays short, and nothing written to `--out`. Before these checks the same edits panicked
//! (`elapsed_seconds`, N = 0), grew to gigabytes (N = 10^18), hung (a FIFO), printed megabytes
//! (1 of 100,000 shards) or were merged into wrong results (an extra shard, an edited scenario,
//! wrapped thread counts, statistics that disagree with the shard).

use crate::common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use corridor::engine::shard::Shard;
use corridor::output::partial::{CHECKSUM_FILE, FILE, Partial};
use corridor::output::shard_set::{check_set, merge_within};
use corridor::stats::Collector;
use sha2::{Digest, Sha256};

const BIN: &str = env!("CARGO_BIN_EXE_corridor");
/// Longest message a refusal may print (the longest correct one is about 300 bytes).
const MAX_MESSAGE: usize = 1000;

/// A folder with `min.ron` and shards `s0 … s{n-1}` of `trials` trials, each run on one thread.
fn shards(trials: u64, n: u64) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("min.ron"), common::MINIMAL).unwrap();
    for k in 0..n {
        let (code, err) = corridor(
            tmp.path(),
            &[
                "run",
                "min.ron",
                "--trials",
                &trials.to_string(),
                "--shard",
                &format!("{k}/{n}"),
                "--out",
                &format!("s{k}"),
                "--threads",
                "1",
                "--quiet",
            ],
        );
        assert_eq!(code, Some(0), "shard {k}/{n}: {err}");
    }
    tmp
}

/// Runs corridor in `dir`, killing it after 60 s; returns the exit code and stderr.
fn corridor(dir: &Path, args: &[&str]) -> (Option<i32>, String) {
    let limit = Duration::from_secs(60);
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

fn read(dir: &Path, shard: &str) -> Partial {
    serde_json::from_slice(&std::fs::read(dir.join(shard).join(FILE)).unwrap()).unwrap()
}

/// Writes `json` as shard folder `name` with a matching checksum, as `sha256sum` would.
fn write_text(dir: &Path, name: &str, json: &str) -> PathBuf {
    let folder = dir.join(name);
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join(FILE), json).unwrap();
    let sum = format!("{}  {FILE}\n", sha256(json.as_bytes()));
    std::fs::write(folder.join(CHECKSUM_FILE), sum).unwrap();
    folder
}

/// Lower-case hex SHA-256, as `sha256sum` prints it.
fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn write(dir: &Path, name: &str, p: &Partial) -> PathBuf {
    write_text(dir, name, &serde_json::to_string(p).unwrap())
}

/// Shard `from` with `edit` applied, written as shard folder `name`.
fn edited(dir: &Path, from: &str, name: &str, edit: impl FnOnce(&mut Partial)) {
    let mut p = read(dir, from);
    edit(&mut p);
    write(dir, name, &p);
}

/// `partial.json` of shard `from` with its first `find` replaced by `with`, as shard `name`.
fn edited_text(dir: &Path, from: &str, name: &str, find: &str, with: &str) {
    let text = std::fs::read_to_string(dir.join(from).join(FILE)).unwrap();
    assert!(text.contains(find), "{find:?} is not in {from}/{FILE}");
    write_text(dir, name, &text.replacen(find, with, 1));
}

/// Merges `parts` into `merged` and asserts a refusal: exit 1, every one of `says` in the
/// message, a short message, and no `merged` folder. Returns the message.
fn refused(dir: &Path, parts: &[&str], says: &[&str]) -> String {
    let mut args = vec!["merge"];
    args.extend(parts);
    args.extend(["--out", "merged", "--charts", "none", "--quiet"]);
    let (code, err) = corridor(dir, &args);
    let shown = &err[..err.len().min(2000)];
    assert_eq!(code, Some(1), "merge {parts:?}: {shown}");
    for s in says {
        assert!(err.contains(s), "merge {parts:?}: {s:?} not in\n{shown}");
    }
    assert!(err.len() < MAX_MESSAGE, "{} bytes: {shown}", err.len());
    assert!(
        !dir.join("merged").exists(),
        "merge {parts:?} wrote merged/"
    );
    err
}

/// Asserts that docs/errors.md (and, with `scale_out`, docs/scale-out.md) shows `message` as
/// printed.
fn documented(message: &str, scale_out: bool) {
    let files: &[&str] = if scale_out {
        &["docs/errors.md", "docs/scale-out.md"]
    } else {
        &["docs/errors.md"]
    };
    for file in files {
        let docs =
            std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(file)).unwrap();
        let line = message.trim_end();
        assert!(
            docs.contains(line),
            "{file} does not show the message as printed:\n{line}"
        );
    }
}

fn assert_documented(message: &str) {
    documented(message, false);
}

/// The edit helpers change nothing by themselves: shards read and written back through them
/// merge to the same summary as the untouched ones. (So each refusal below is the edit's.)
#[test]
fn shards_written_back_unchanged_still_merge() {
    let tmp = shards(300, 3);
    let dir = tmp.path();
    for k in 0..3 {
        edited(dir, &format!("s{k}"), &format!("r{k}"), |_| {});
    }
    for (parts, out) in [(["s0", "s1", "s2"], "a"), (["r0", "r1", "r2"], "b")] {
        let mut args = vec!["merge"];
        args.extend(parts);
        args.extend(["--out", out, "--charts", "none", "--quiet"]);
        let (code, err) = corridor(dir, &args);
        assert_eq!(code, Some(0), "{err}");
    }
    let summary = |out: &str| std::fs::read(dir.join(out).join("summary.json")).unwrap();
    assert_eq!(summary("a"), summary("b"));
}

/// Shards of different runs, or one shard twice, are refused (as before), in messages the docs
/// show.
#[test]
fn sets_that_are_not_one_run_are_refused() {
    let tmp = shards(300, 3);
    let dir = tmp.path();
    let err = refused(
        dir,
        &["s1", "s2"],
        &["1 of 3 shards missing: K = 0; merge needs all 3"],
    );
    documented(&err, true);
    edited(dir, "s0", "renamed-copy", |_| {});
    let err = refused(
        dir,
        &["s0", "s1", "s2", "renamed-copy"],
        &["s0 and renamed-copy are both shard 0/3; give each shard once"],
    );
    documented(&err, true);
    edited(dir, "s0", "foreign", |p| p.seed = 2);
    let err = refused(
        dir,
        &["foreign", "s1", "s2"],
        &["s1 and foreign come from different runs: their seeds differ"],
    );
    documented(&err, true);
    // Edited without a new checksum.
    std::fs::create_dir(dir.join("damaged")).unwrap();
    for file in [FILE, CHECKSUM_FILE] {
        std::fs::copy(dir.join("s0").join(file), dir.join("damaged").join(file)).unwrap();
    }
    let json = std::fs::read_to_string(dir.join("damaged").join(FILE)).unwrap();
    std::fs::write(
        dir.join("damaged").join(FILE),
        json.replacen("\"seed\":1,", "\"seed\":9,", 1),
    )
    .unwrap();
    let err = refused(
        dir,
        &["damaged", "s1", "s2"],
        &["damaged/partial.json does not match its checksum"],
    );
    documented(&err, true);
}

/// Numbers that panicked (a negative or huge elapsed time, N = 0), grew memory without bound
/// (N = 10^18, whose missing shards were listed one by one) or wrapped (thread counts), and the
/// others that size or index something, are refused while the file is read.
#[test]
fn numbers_out_of_range_are_refused_naming_file_and_field() {
    let tmp = shards(300, 3);
    let dir = tmp.path();
    type Edit = Box<dyn FnOnce(&mut Partial)>;
    let cases: Vec<(&str, Edit)> = vec![
        (
            "elapsed_seconds: -1.0",
            Box::new(|p| p.elapsed_seconds = -1.0),
        ),
        (
            "elapsed_seconds: 1e300",
            Box::new(|p| p.elapsed_seconds = 1e300),
        ),
        // JSON has no NaN: serde_json writes it as null.
        (
            "elapsed_seconds: invalid type: null",
            Box::new(|p| p.elapsed_seconds = f64::NAN),
        ),
        (
            "shard: shard 0/0 is not a shard K/N",
            Box::new(|p| p.shard = Shard { index: 0, count: 0 }),
        ),
        (
            "shard: shard 0/1000000000000000000 is not a shard K/N",
            Box::new(|p| {
                p.shard = Shard {
                    index: 0,
                    count: 1_000_000_000_000_000_000,
                };
                p.count = 0;
            }),
        ),
        (
            "threads: 18446744073709551615 is not a thread count",
            Box::new(|p| p.threads = usize::MAX),
        ),
        (
            "threads: 0 is not a thread count",
            Box::new(|p| p.threads = 0),
        ),
        ("trials: 0 is not a trial count", Box::new(|p| p.trials = 0)),
        (
            "trials: 2000000000 is not a trial count",
            Box::new(|p| p.trials = 2_000_000_000),
        ),
        (
            "first, count: say trials 50..150, but shard 0/3 of 300 trials holds trials 0..100",
            Box::new(|p| p.first = 50),
        ),
    ];
    for (i, (says, edit)) in cases.into_iter().enumerate() {
        let name = format!("x{i}");
        edited(dir, "s0", &name, edit);
        let err = refused(
            dir,
            &[&name, "s1", "s2"],
            &[&format!("{name}/partial.json: {says}")],
        );
        assert!(err.contains("rerun that shard"), "{err}");
        if i == 0 {
            assert_documented(&err);
        }
    }
}

/// A 300-trial run in 3 shards plus a forged "shard 3/3" holding trials 300..400 was merged
/// into a 400-trial result.
#[test]
fn a_shard_beyond_n_is_refused() {
    let tmp = shards(300, 3);
    let dir = tmp.path();
    edited(dir, "s2", "extra", |p| {
        p.shard = Shard { index: 3, count: 3 };
        p.first = 300;
    });
    let err = refused(
        dir,
        &["s0", "s1", "s2", "extra"],
        &["extra/partial.json: shard: shard 3/3 is not a shard K/N with 0 ≤ K < N ≤ 100000"],
    );
    documented(&err, true);
}

/// The scenario text travels with its hash; an edited text that kept the old hash was merged
/// (and shard 0's text is the one merge compiles). A text that `extends` a file would make merge
/// read files the shard never had.
#[test]
fn an_edited_scenario_text_is_refused() {
    let tmp = shards(300, 3);
    let dir = tmp.path();
    edited(dir, "s0", "edited", |p| {
        p.scenario_text = p.scenario_text.replace("10.0 }", "20.0 }");
    });
    let err = refused(
        dir,
        &["edited", "s1", "s2"],
        &["edited/partial.json: scenario_sha256: is not the SHA-256 of scenario_text"],
    );
    documented(&err, true);
    edited(dir, "s0", "extends", |p| {
        p.scenario_text = "Scenario(extends: \"/etc/hostname\", name: \"x\")\n".to_string();
        p.scenario_sha256 = sha256(p.scenario_text.as_bytes());
    });
    refused(
        dir,
        &["extends", "s1", "s2"],
        &["extends/partial.json: scenario_text: extends another file"],
    );
    // The name field is checked against the text it came with.
    edited(dir, "s0", "renamed", |p| p.scenario = "other".into());
    refused(
        dir,
        &["renamed", "s1", "s2"],
        &["renamed: scenario: \"other\" is not the name in its scenario_text (\"minimal\")"],
    );
}

/// The statistics must be those of the shard that carries them: as many trials as it ran, in the
/// shape its scenario compiles to, internally consistent, and never saturated (a run refuses to
/// write those). Before, a collector of 101 trials in a shard of 100 was merged into a result
/// whose counts exceeded the run's trials, and a saturated one into a wrong sd.
#[test]
fn statistics_that_disagree_with_their_shard_are_refused() {
    let tmp = shards(301, 3);
    let dir = tmp.path();
    let bigger = read(dir, "s2").collector;
    assert_eq!(bigger.trials(), 101);
    edited(dir, "s0", "swapped", |p| p.collector = bigger.clone());
    let err = refused(
        dir,
        &["swapped", "s1", "s2"],
        &["swapped/partial.json: collector: holds 101 trials but count says 100"],
    );
    assert_documented(&err);

    // Another shape, recorded like a run: 100 trials of one more metric.
    let c = read(dir, "s0").collector;
    let mut other = Collector::new(c.metrics() + 1, c.years());
    let values = vec![1.0; c.metrics() + 1];
    for trial in 0..100 {
        (0..c.years()).for_each(|t| other.year(t, &values));
        other.horizon(trial, &values);
    }
    edited(dir, "s0", "shape", |p| p.collector = other);
    refused(
        dir,
        &["shape", "s1", "s2"],
        &["shape: collector: holds 19 metrics over 3 years, but its scenario makes 18 over 3"],
    );

    // Private fields, edited as text: a flag, a count, an extreme.
    edited_text(
        dir,
        "s0",
        "saturated",
        "\"saturated\":false",
        "\"saturated\":true",
    );
    let err = refused(
        dir,
        &["saturated", "s1", "s2"],
        &["saturated/partial.json: collector: acc[0] is marked saturated"],
    );
    assert_documented(&err);
    edited_text(
        dir,
        "s0",
        "count",
        "\"moments\":{\"count\":100,",
        "\"moments\":{\"count\":99,",
    );
    refused(
        dir,
        &["count", "s1", "s2"],
        &["count/partial.json: collector.acc[0]"],
    );
    edited_text(dir, "s0", "acc", "\"acc\":[", "\"acc\":[{},");
    refused(
        dir,
        &["acc", "s1", "s2"],
        &["acc/partial.json: collector.acc[0]"],
    );
}

/// A merge given 1 of 100,000 shards printed all 99,999 missing ones (1.4 MB); scattered ones
/// are listed as their first ranges and a count. Long text fields, unknown field names and
/// strings where numbers belong are echoed cut short.
#[test]
fn messages_stay_short_whatever_the_files_say() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(dir.join("min.ron"), common::MINIMAL).unwrap();
    let (code, err) = corridor(
        dir,
        &[
            "run",
            "min.ron",
            "--trials",
            "100000",
            "--shard",
            "0/100000",
            "--out",
            "s0",
            "--threads",
            "1",
            "--quiet",
        ],
    );
    assert_eq!(code, Some(0), "{err}");
    let err = refused(
        dir,
        &["s0"],
        &["99,999 of 100,000 shards missing: K = 1–99,999; merge needs all 100,000"],
    );
    documented(&err, true);

    // Shards 0, 2, 4, … 98 of 100,000 (one trial each: copies of shard 0 moved along).
    let mut given = Vec::new();
    for k in (0..100u64).step_by(2) {
        let name = format!("e{k}");
        edited(dir, "s0", &name, |p| {
            p.shard = Shard {
                index: k,
                count: 100_000,
            };
            p.first = k;
        });
        given.push(name);
    }
    let given: Vec<&str> = given.iter().map(String::as_str).collect();
    let err = refused(
        dir,
        &given,
        &["99,950 of 100,000 shards missing: K = 1, 3, 5, 7, 9 and 99,945 more"],
    );
    assert_documented(&err);

    let long = "9".repeat(100_000);
    edited(dir, "s0", "version", |p| p.corridor_version = long.clone());
    refused(
        dir,
        &["version"],
        &["version/partial.json: corridor_version: \"9999"],
    );
    edited(dir, "s0", "format", |p| p.format = long.clone());
    refused(
        dir,
        &["format"],
        &[
            "format/partial.json is format \"9999",
            "characters left out",
        ],
    );
    edited_text(
        dir,
        "s0",
        "field",
        "{\"format\"",
        &format!("{{\"{long}\":1,\"format\""),
    );
    refused(
        dir,
        &["field"],
        &["field/partial.json: 9999", "characters left out"],
    );
    edited_text(
        dir,
        "s0",
        "seed",
        "\"seed\":1,",
        &format!("\"seed\":\"{long}\","),
    );
    refused(
        dir,
        &["seed"],
        &[
            "seed/partial.json: seed: invalid type: string \"9999",
            "expected u64",
        ],
    );
}

/// A `partial.json` that is a FIFO made merge wait forever for a writer; it is refused before
/// it is opened.
#[cfg(unix)]
#[test]
fn a_partial_that_is_not_a_regular_file_is_refused_without_waiting() {
    let tmp = shards(300, 1);
    let dir = tmp.path();
    let fifo = dir.join("fifo");
    std::fs::create_dir(&fifo).unwrap();
    std::fs::copy(dir.join("s0").join(CHECKSUM_FILE), fifo.join(CHECKSUM_FILE)).unwrap();
    let made = Command::new("mkfifo")
        .arg(fifo.join(FILE))
        .status()
        .unwrap();
    assert!(made.success());
    let err = refused(
        dir,
        &["fifo"],
        &["cannot read fifo/partial.json", "not a regular file"],
    );
    assert_documented(&err);
}

/// Two shards whose values are far apart need the whole span of histogram buckets between them
/// once merged, although each file is small: merge computes that before it allocates and
/// refuses beyond its bound. (The bound, 2 GiB, is out of reach of the minimal scenario's 64
/// statistics, so this test lowers it; the same shards merge under the real one.)
#[test]
fn a_merge_that_would_need_too_much_memory_is_refused_before_it_allocates() {
    let tmp = shards(200, 2);
    let dir = tmp.path();
    let recorded = |value: f64| {
        let c = read(dir, "s0").collector;
        let mut out = Collector::new(c.metrics(), c.years());
        let values = vec![value; c.metrics()];
        for trial in 0..100 {
            (0..c.years()).for_each(|t| out.year(t, &values));
            out.horizon(trial, &values);
        }
        out
    };
    let parts: Vec<(String, Partial)> = [("s0", 1e-300), ("s1", 1e12)]
        .into_iter()
        .map(|(name, value)| {
            let mut p = read(dir, name);
            p.collector = recorded(value);
            // Through the file format and its checks, as merge reads it.
            let (json, _) = p.to_files().unwrap();
            (name.to_string(), Partial::parse(&json, name).unwrap())
        })
        .collect();
    let parts = check_set(parts).unwrap();
    let err = merge_within(&parts, 1 << 20).err().unwrap().to_string();
    assert!(
        err.contains("s1: collector: merging it would take")
            && err.contains("more than the limit of 1 MiB"),
        "{err}"
    );
    let merged = merge_within(&parts, corridor::output::shard_set::MAX_MERGED_BYTES).unwrap();
    assert_eq!(merged.collector.trials(), 200);
}

/// A variant's shards carry its resolved text, whose commented-out sources mention `extends`:
/// that is not an `extends` field, and such shards merge.
#[test]
fn shards_of_a_variant_still_merge() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let variant = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/acg-fast-decline.ron");
    let text = std::fs::read_to_string(&variant).unwrap();
    assert!(
        text.contains("extends:"),
        "the scenario is no longer a variant"
    );
    for k in 0..2 {
        let (code, err) = corridor(
            dir,
            &[
                "run",
                variant.to_str().unwrap(),
                "--trials",
                "20",
                "--shard",
                &format!("{k}/2"),
                "--out",
                &format!("s{k}"),
                "--threads",
                "1",
                "--quiet",
            ],
        );
        assert_eq!(code, Some(0), "{err}");
    }
    let (code, err) = corridor(
        dir,
        &[
            "merge", "s0", "s1", "--out", "merged", "--charts", "none", "--quiet",
        ],
    );
    assert_eq!(code, Some(0), "{err}");
    assert!(read(dir, "s0").scenario_text.contains("extends"));
}
