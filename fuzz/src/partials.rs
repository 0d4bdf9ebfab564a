//! One fuzz execution of `corridor merge`'s reader: bytes → shard files → checks → merge → the
//! result files.
//!
//! Why: a shard's `partial.json` travels between machines and anyone can edit it and recompute
//! its checksum, so merge must treat it as hostile. The input is up to `MAX_PARTS` files
//! separated by a 0xFF byte (which UTF-8 JSON never holds); each goes through exactly what
//! `corridor merge` does after the checksum: `Partial::parse`, then `check_set`, then
//! `shard_set::merge` (scenario, shape, memory bound, saturation), then every result file
//! `run` would write (`render_all` with SVG charts, intervals and tails). The harness fails
//! (panics) when
//! - anything panics;
//! - a refusal is empty or longer than `MAX_MESSAGE` bytes, or a file's refusal does not name
//!   the file;
//! - a file is accepted but does not survive its own round trip (written back and read again);
//! - a merge is accepted but its trial count is not the run's, or a statistic is not finite.
//!
//! libFuzzer adds timeouts and an RSS limit on top, which is how hangs and allocations sized by
//! a number in the file surface.
//!
//! Compiled twice, like `harness.rs`: by the fuzz crate and by `tests/fuzz_regressions.rs`.

use corridor::output::charts::Formats;
use corridor::output::partial::Partial;
use corridor::output::shard_set::{check_set, merge};
use corridor::output::{ChartOptions, FinishedRun, Results, RunInfo, render_all};

/// Files per input: enough for a set with one missing, one repeated and one foreign shard.
pub const MAX_PARTS: usize = 4;
/// Longest refusal accepted (the longest correct one is about 300 bytes).
pub const MAX_MESSAGE: usize = 1000;
/// Separates the files of one input.
pub const SEPARATOR: u8 = 0xFF;

/// What happened to one input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A file was refused when read.
    Unreadable,
    /// The files were read but do not make one run.
    NotOneRun,
    /// The set was refused while merging.
    NotMerged,
    /// Merged: the run's trial count.
    Merged { trials: u64 },
}

/// Runs every check on `data`; panics on a failure.
pub fn exercise(data: &[u8]) -> Outcome {
    let mut parts = Vec::new();
    for (k, bytes) in data.split(|&b| b == SEPARATOR).take(MAX_PARTS).enumerate() {
        let name = format!("s{k}/partial.json");
        match Partial::parse(bytes, &name) {
            Ok(p) => {
                let (json, _) = p.to_files().expect("an accepted file serialises");
                let again = Partial::parse(&json, &name)
                    .unwrap_or_else(|e| panic!("accepted, written back, refused: {e:#}"));
                assert_eq!(again, p, "accepted, written back, read as something else");
                parts.push((name, p));
            }
            Err(e) => {
                let message = bounded(&e);
                assert!(message.contains(&name), "does not name {name}: {message}");
                return Outcome::Unreadable;
            }
        }
    }
    let parts = match check_set(parts) {
        Ok(parts) => parts,
        Err(e) => {
            bounded(&e);
            return Outcome::NotOneRun;
        }
    };
    let merged = match merge(&parts) {
        Ok(m) => m,
        Err(e) => {
            bounded(&e);
            return Outcome::NotMerged;
        }
    };
    let first = &parts[0].1;
    assert_eq!(merged.collector.trials(), first.trials, "merged trials");
    let results = Results::from_collector(&merged.model, &merged.collector, first.seed);
    for m in &results.metrics {
        for st in m.by_year.iter().chain([&m.horizon]) {
            let fields = st.fields();
            assert!(fields.iter().all(|f| f.1.is_finite()), "{}: {st:?}", m.id);
        }
    }
    let info = RunInfo {
        corridor_version: env!("CARGO_PKG_VERSION"),
        scenario_file: first.scenario_file.clone(),
        threads: merged.threads,
        elapsed_seconds: merged.elapsed.as_secs_f64(),
        trials_per_second: 0.0,
        trial_years_per_second: 0.0,
        finished_unix: 0,
        merged_shards: Some(parts.len() as u64),
    };
    let run = FinishedRun {
        results: &results,
        info: &info,
        scenario_text: &merged.loaded.text,
        scenario: &merged.loaded.scenario,
        collector: &merged.collector,
        charts: ChartOptions {
            formats: Formats {
                svg: true,
                png: false,
            },
            ..ChartOptions::default()
        },
    };
    // Every file of a run, intervals.csv and tails.csv included.
    render_all(&run).expect("the result files render");
    Outcome::Merged {
        trials: first.trials,
    }
}

/// The refusal as printed, checked to be non-empty and short.
fn bounded(e: &corridor::output::Error) -> String {
    let message = format!("{e:#}");
    assert!(!message.trim().is_empty(), "empty refusal");
    assert!(
        message.len() <= MAX_MESSAGE,
        "a refusal of {} bytes: {}…",
        message.len(),
        message.chars().take(MAX_MESSAGE).collect::<String>()
    );
    message
}

/// Structure-aware: real shards of a small run, edited field by field as the input says, then
/// written out and read by `exercise`. Byte-level mutation of a 30 kB file rarely keeps every
/// field valid, so it seldom gets past reading; these edits keep the files well formed and
/// consistent where they choose to (statistics recorded like a run's, of any finite value), so
/// the set checks, the merge and the result files meet extreme but well-formed shards.
///
/// The input is read 9 bytes at a time: an operation and shard byte, then a u64 `a`.
pub fn exercise_edits(data: &[u8]) -> Outcome {
    let mut parts: Vec<Partial> = seed_shards().to_vec();
    for op in data.chunks_exact(9) {
        let i = usize::from(op[0] & 3) % parts.len();
        let a = u64::from_le_bytes(op[1..].try_into().unwrap());
        let p = &mut parts[i];
        match op[0] >> 2 {
            // Every statistic: `count` values of one number, as a run records them.
            0 | 1 => {
                let v = f64::from_bits(a);
                if v.is_finite() {
                    p.collector = recorded(&p.collector, p.count, v);
                }
            }
            2 => p.elapsed_seconds = f64::from_bits(a),
            3 => p.threads = a as usize,
            4 => p.trials = a,
            5 => p.seed = a,
            6 => p.first = a,
            7 => p.count = a,
            8 => p.shard.index = a,
            9 => p.shard.count = a,
            // Drop a shard, or give one twice.
            10 if parts.len() > 1 => {
                parts.remove(i);
            }
            11 if parts.len() < MAX_PARTS => parts.push(parts[i].clone()),
            _ => {}
        }
    }
    let files: Vec<Vec<u8>> = parts
        .iter()
        .map(|p| p.to_files().expect("a partial serialises").0)
        .collect();
    exercise(&files.join(&SEPARATOR))
}

/// A collector of `old`'s shape holding `count` trials of `v` in every statistic.
fn recorded(old: &corridor::stats::Collector, count: u64, v: f64) -> corridor::stats::Collector {
    let mut c = corridor::stats::Collector::new(old.metrics(), old.years());
    let values = vec![v; old.metrics()];
    for trial in 0..count.min(1000) {
        (0..old.years()).for_each(|t| c.year(t, &values));
        c.horizon(trial, &values);
    }
    c
}

/// The scenario the seeds are made from (also `fuzz/seed_partials.sh`'s).
pub const SEED_SCENARIO: &str =
    include_str!("../../tests/fuzz_regressions/valid-log-linear-from-a-subnormal-anchor.ron");

/// Three shards of 30 trials of `SEED_SCENARIO`, run once per process.
fn seed_shards() -> &'static [Partial] {
    static SHARDS: std::sync::OnceLock<Vec<Partial>> = std::sync::OnceLock::new();
    SHARDS.get_or_init(|| (0..3).map(|k| shard(SEED_SCENARIO, 30, k, 3)).collect())
}

/// Shard `k` of `n` of a run of `trials` trials of `text` (seed 7), as `corridor run --shard`
/// makes it.
pub fn shard(text: &str, trials: u64, k: u64, n: u64) -> Partial {
    use corridor::engine::{self, RunSpec, progress, shard::Shard};
    let loaded = corridor::scenario::load_str(text, "scenario.ron").unwrap();
    let model = corridor::model::Model::compile(&loaded.scenario);
    let shard = Shard::new(k, n).unwrap();
    let (first, count) = shard.range(trials);
    let spec = RunSpec {
        seed: 7,
        first,
        trials: count,
        threads: Some(1),
    };
    let cancel = std::sync::atomic::AtomicBool::new(false);
    let out = engine::run(&model, spec, &cancel, &progress::Progress::hidden(), None).unwrap();
    Partial::new(&loaded, 7, trials, shard, (first, count), out)
}
