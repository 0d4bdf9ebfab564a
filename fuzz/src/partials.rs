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

use corridor::analysis::tails;
use corridor::output::charts::Formats;
use corridor::output::partial::Partial;
use corridor::output::shard_set::{check_set, merge};
use corridor::output::{ChartOptions, Report, Results, RunInfo, render_all};

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
    tails::intervals_csv(&results, &merged.collector).expect("intervals.csv");
    tails::tails_csv(&results, &merged.collector).expect("tails.csv");
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
    let report = Report {
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
    render_all(&report).expect("the result files render");
    Outcome::Merged {
        trials: first.trials,
    }
}

/// The refusal as printed, checked to be non-empty and short.
fn bounded(e: &anyhow::Error) -> String {
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
