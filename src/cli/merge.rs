//! `corridor merge DIR... --out DIR`: the shards of one run, checked and merged into the same
//! result files a single `corridor run` writes (summary.json byte for byte).

use std::process::ExitCode;
use std::sync::atomic::AtomicBool;

use corridor::output::Input;
use corridor::output::partial::Partial;
use corridor::output::shard_set::{check_set, merge};

use super::args::MergeArgs;
use super::pipeline::{self, run_info};
use super::results::{self, Published};

pub fn execute(args: &MergeArgs) -> anyhow::Result<ExitCode> {
    // Shards are folders; a shard named by its file is read from that file's folder.
    let inputs: Vec<Input> = args
        .parts
        .iter()
        .flat_map(|p| {
            if p.is_file() {
                vec![Input::folder_of(p), Input::new(p)]
            } else {
                vec![Input::new(p)]
            }
        })
        .collect();
    let staging = pipeline::stage(&args.out, &inputs)?;
    // Every shard is read and checked, and their statistics merged, before anything is written.
    let parts = args
        .parts
        .iter()
        .map(|p| Ok((p.display().to_string(), Partial::read(p)?)))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let parts = check_set(parts)?;
    let merged = merge(&parts)?;
    let first = &parts[0].1;
    let mut info = run_info(
        &first.scenario_file,
        merged.threads,
        merged.elapsed,
        first.trials,
        merged.model.year_count(),
    );
    info.merged_shards = Some(parts.len() as u64);
    let published = Published {
        model: &merged.model,
        collector: &merged.collector,
        seed: first.seed,
        scenario: &merged.loaded.scenario,
        text: &merged.loaded.text,
        info: &info,
    };
    // Merging takes no interrupt handler: Ctrl-C ends it at once, and the staging folder keeps
    // the previous results whole.
    let files = results::files(&published, &args.charts)?;
    pipeline::publish(staging, files, &AtomicBool::new(false), |dir| {
        if !args.quiet {
            results::say(&published, &args.charts, dir);
        }
    })
}
