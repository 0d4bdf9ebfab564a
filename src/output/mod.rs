//! Result files: one exporter per file behind a small trait, written as a complete set.
//!
//! Every file a command writes has its exporter here, over what that command hands its
//! exporters (`FinishedRun` for a run, `compare::Compared`, `sweep::Swept`, `sensitivity::Ranked`,
//! `partial::Partial`); commands only choose the list. Exporters render bytes;
//! `folder::Staging` writes them into a temporary folder beside the output folder and swaps it
//! into place only when every file is written, so an interrupted run never leaves a mix of old
//! and new results. Charts and the reports are many files named at run time, so `render_all`
//! and `charts::files` render them as a set, written the same way (charts into `charts/`).
//! `trials.csv` alone is streamed while the run goes (`trials::TrialsCsv`), into the same
//! staging folder.

use crate::output::error::Result;

pub mod bounded;
pub mod charts;
pub mod compare;
pub mod csv;
pub mod error;
pub mod folder;
pub mod json;
pub mod manifest;
pub mod observations;
pub mod overlap;
pub mod partial;
pub mod precision;
pub mod report;
pub mod results;
pub mod scenario_copy;
pub mod sensitivity;
pub mod shard_set;
pub mod survey;
pub mod sweep;
pub mod tails;
pub mod trials;
pub mod workbook;
pub mod xlsx;

pub use error::Error;
pub use folder::Staging;
pub use overlap::Input;
pub use results::{MetricResult, Results, RunInfo};

use crate::scenario::Scenario;
use crate::stats::Collector;

/// What a finished run (or a merge of shards) hands its exporters: its results, how it went,
/// the scenario as run, the accumulators charts draw from, and which charts to draw. (Not the
/// report: `report.html` and `report.md` are two of the files rendered from it.)
pub struct FinishedRun<'a> {
    pub results: &'a Results,
    pub info: &'a RunInfo,
    /// The scenario's text exactly as run.
    pub scenario_text: &'a str,
    /// The scenario as run (the report's plain-language summary, which routes serve whom).
    pub scenario: &'a Scenario,
    /// The run's accumulators: the histograms that charts draw distributions from.
    pub collector: &'a Collector,
    /// Which chart files to write, at what size.
    pub charts: ChartOptions,
}

pub use charts::ChartOptions;

impl AsRef<RunInfo> for FinishedRun<'_> {
    fn as_ref(&self) -> &RunInfo {
        self.info
    }
}

/// Renders one result file from what a command hands its exporters (`In`). `Sync`, so that a
/// command's files render in parallel (`export`).
pub trait Exporter<In: ?Sized>: Sync {
    /// File name inside the output folder.
    fn file_name(&self) -> &'static str;
    fn render(&self, input: &In) -> Result<Vec<u8>>;
}

/// The files of `exporters`, each rendered from `input`, in parallel (each file's bytes depend
/// on `input` alone). The files come in the order of `exporters`, and an error is the first
/// exporter's that failed, whatever the threads did.
pub fn export<In: ?Sized + Sync>(
    exporters: &[&dyn Exporter<In>],
    input: &In,
) -> Result<Vec<OutputFile>> {
    use rayon::prelude::*;
    let rendered: Vec<Result<OutputFile>> = exporters
        .par_iter()
        .map(|e| {
            Ok(OutputFile {
                path: e.file_name().to_string(),
                bytes: e.render(input)?,
            })
        })
        .collect();
    rendered.into_iter().collect()
}

/// The exporters every run writes besides charts and reports: the results, how the run went,
/// the scenario as run, and (docs/decision-analysis.md) every horizon statistic's 95% interval
/// and value-at-risk / expected shortfall.
pub fn standard<'e, 'a: 'e>() -> [&'e dyn Exporter<FinishedRun<'a>>; 7] {
    [
        &json::SummaryJson,
        &json::RunJson,
        &csv::PercentilesCsv,
        &scenario_copy::ScenarioRon,
        &tails::IntervalsCsv,
        &tails::TailsCsv,
        &xlsx::ResultsXlsx,
    ]
}

/// One file of the result set: its path inside the output folder and its bytes.
pub struct OutputFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// Folder inside the output folder that holds the chart files.
pub const CHARTS_DIR: &str = "charts";

/// Every file a run writes: the standard exporters, the charts in the requested formats, and
/// `report.html` / `report.md`, which read the same chart data.
///
/// The standard files and the charts with the report are rendered at the same time: at a few
/// thousand trials they are most of a run's time (results.xlsx's compression alone as long as
/// the rest of the standard files), and neither waits for the other.
pub fn render_all(run: &FinishedRun) -> Result<Vec<OutputFile>> {
    let (standard, drawn) = rayon::join(|| export(&standard(), run), || charts_and_report(run));
    let mut files = standard?;
    files.extend(drawn?);
    Ok(files)
}

/// The charts and `report.html` / `report.md`, which inline or link them.
fn charts_and_report(run: &FinishedRun) -> Result<Vec<OutputFile>> {
    let mut files = Vec::new();
    let ctx = charts::Context::from_scenario(run.results, run.collector, run.scenario);
    let drawn = charts::draw_all(&ctx, &run.charts)?;
    let explain = crate::scenario::explain::overview(run.scenario);
    let inputs = crate::scenario::inputs::all(run.scenario);
    let observed = observations::place(&run.scenario.observations, run.results, run.collector);
    let page = report::Page {
        results: run.results,
        info: run.info,
        explain: &explain,
        charts: &drawn.charts,
        formats: run.charts.formats,
        routes: &ctx.routes,
        skipped: &drawn.skipped,
        observations: &observed,
        inputs: &inputs,
    };
    files.extend(report::files(&page.document()));
    for d in &drawn.charts {
        files.extend(d.files(run.charts.formats));
    }
    Ok(files)
}
