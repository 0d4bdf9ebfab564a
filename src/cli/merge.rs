//! `corridor merge DIR... --out DIR`: the shards of one run, checked and merged into the same
//! result files a single `corridor run` writes (summary.json byte for byte).

use std::process::ExitCode;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use corridor::model::Model;
use corridor::output::Staging;
use corridor::output::partial::{Partial, check_set};
use corridor::scenario::load_str;
use corridor::stats::Collector;

use super::args::MergeArgs;
use super::run::{Published, publish, run_info};

pub fn execute(args: &MergeArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
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
    let staging = Staging::new(&args.out)?;

    let mut collector = Collector::new(model.layout.len(), model.year_count());
    for p in &parts {
        anyhow::ensure!(
            (p.collector.metrics(), p.collector.years()) == (collector.metrics(), collector.years()),
            "shard {} holds statistics of a different shape; it was written by another corridor version",
            p.shard
        );
        collector.merge(&p.collector);
    }
    let info = run_info(&first.scenario_file, 1, started.elapsed(), first.trials, model.year_count());
    let published = Published { model: &model, collector: &collector, seed: first.seed, scenario: &loaded.scenario, text: &loaded.text, info };
    publish(staging, &published, &args.charts, args.quiet, &AtomicBool::new(false))
}
