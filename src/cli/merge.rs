//! `corridor merge DIR... --out DIR`: the shards of one run, checked and merged into the same
//! result files a single `corridor run` writes (summary.json byte for byte).

use std::process::ExitCode;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use corridor::model::Model;
use corridor::output::Input;
use corridor::output::partial::{Partial, check_set};
use corridor::scenario::load_str;
use corridor::stats::Collector;

use super::args::MergeArgs;
use super::run::{Published, publish, run_info};

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
    let staging = super::stage(&args.out, &inputs)?;
    let parts = args
        .parts
        .iter()
        .map(|p| Ok((p.display().to_string(), Partial::read(p)?)))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let parts = check_set(parts)?;
    let first = &parts[0];
    let loaded = load_str(&first.scenario_text, &first.scenario_file)
        .map_err(|d| anyhow::anyhow!("the shards' scenario no longer validates:\n{d}"))?;
    let model = Model::compile(&loaded.scenario);

    let mut collector = Collector::new(model.layout.len(), model.year_count());
    for p in &parts {
        anyhow::ensure!(
            (p.collector.metrics(), p.collector.years())
                == (collector.metrics(), collector.years()),
            "shard {} holds statistics of a different shape; it was written by another corridor version",
            p.shard
        );
        collector.merge(&p.collector);
    }
    // Timings describe the shards' work: their elapsed seconds and threads added up.
    let compute: f64 = parts.iter().map(|p| p.elapsed_seconds).sum();
    let threads = parts.iter().map(|p| p.threads).sum();
    let mut info = run_info(
        &first.scenario_file,
        threads,
        Duration::from_secs_f64(compute),
        first.trials,
        model.year_count(),
    );
    info.merged_shards = Some(parts.len() as u64);
    let published = Published {
        model: &model,
        collector: &collector,
        seed: first.seed,
        scenario: &loaded.scenario,
        text: &loaded.text,
        info,
    };
    publish(
        staging,
        &published,
        &args.charts,
        args.quiet,
        &AtomicBool::new(false),
    )
}
