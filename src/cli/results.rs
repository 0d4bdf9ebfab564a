//! A whole run's result folder, whether simulated here (`run`) or merged from shards (`merge`):
//! both publish exactly the same files, so `summary.json` is the same byte for byte.

use std::path::Path;

use corridor::model::Model;
use corridor::output::json::RunJson;
use corridor::output::partial::{self, Partial, ShardResult};
use corridor::output::{self, FinishedRun, OutputFile, Results, RunInfo};
use corridor::scenario::Scenario;
use corridor::stats::Collector;

use super::args::ChartArgs;
use super::pipeline::chart_options;

/// What a finished run (or a merge of shards) hands to the exporters.
pub struct Published<'a> {
    pub model: &'a Model,
    pub collector: &'a Collector,
    pub seed: u64,
    pub scenario: &'a Scenario,
    pub text: &'a str,
    pub info: &'a RunInfo,
}

impl Published<'_> {
    fn results(&self) -> Results {
        Results::from_collector(self.model, self.collector, self.seed)
    }
}

/// Every file of the run's result folder.
pub fn files(p: &Published, charts: &ChartArgs) -> anyhow::Result<Vec<OutputFile>> {
    let results = p.results();
    let run = FinishedRun {
        results: &results,
        info: p.info,
        scenario_text: p.text,
        scenario: p.scenario,
        collector: p.collector,
        charts: chart_options(charts),
    };
    Ok(output::render_all(&run)?)
}

/// The files of a shard's partial result.
pub fn shard_files(partial: &Partial, info: &RunInfo) -> anyhow::Result<Vec<OutputFile>> {
    let shard = ShardResult { partial, info };
    Ok(output::export(
        &[&partial::PartialJson, &partial::PartialChecksum, &RunJson],
        &shard,
    )?)
}

/// The headline and where the report is.
pub fn say(p: &Published, charts: &ChartArgs, dir: &Path) {
    print!("{}", super::headline::headline(&p.results(), p.info, dir));
    let charts = if chart_options(charts).formats.any() {
        format!(", charts in {}/", dir.join(output::CHARTS_DIR).display())
    } else {
        String::new()
    };
    println!(
        "Report: {} (and report.md{charts})",
        dir.join(output::report::HTML).display()
    );
}
