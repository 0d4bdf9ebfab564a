//! Result files: one exporter per file behind a small trait, written as a complete set.
//!
//! Exporters render bytes; `folder::Staging` writes them into a temporary folder beside the
//! output folder and swaps it into place only when every file is written, so an interrupted run
//! never leaves a mix of old and new results. Charts and the reports are many files named at
//! run time, so `render_all` renders the whole set and the caller writes it into the staging
//! folder (charts into its `charts/` subfolder), keeping the swap atomic.

pub mod bounded;
pub mod charts;
pub mod csv;
pub mod folder;
pub mod json;
pub mod manifest;
pub mod overlap;
pub mod partial;
pub mod report;
pub mod results;
pub mod scenario_copy;
pub mod shard_set;
pub mod survey;
pub mod trials;
pub mod xlsx;

pub use folder::Staging;
pub use overlap::Input;
pub use results::{MetricResult, Results, RunInfo};

use crate::scenario::Scenario;
use crate::stats::Collector;

/// Everything exporters may read.
pub struct Report<'a> {
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

/// Renders one result file.
pub trait Exporter {
    /// File name inside the output folder.
    fn file_name(&self) -> &'static str;
    fn render(&self, report: &Report) -> anyhow::Result<Vec<u8>>;
}

/// The exporters every run writes.
pub fn standard() -> Vec<Box<dyn Exporter>> {
    vec![
        Box::new(json::SummaryJson),
        Box::new(json::RunJson),
        Box::new(csv::PercentilesCsv),
        Box::new(scenario_copy::ScenarioRon),
        Box::new(xlsx::ResultsXlsx),
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
pub fn render_all(report: &Report) -> anyhow::Result<Vec<OutputFile>> {
    let mut files = Vec::new();
    for exporter in standard() {
        files.push(OutputFile {
            path: exporter.file_name().to_string(),
            bytes: exporter.render(report)?,
        });
    }
    let ctx = charts::Context::from_scenario(report.results, report.collector, report.scenario);
    let drawn = if report.charts.formats.any() {
        charts::draw_all(&ctx, &report.charts)?
    } else {
        Vec::new()
    };
    let explain = crate::scenario::explain::overview(report.scenario);
    let inputs = crate::scenario::inputs::all(report.scenario);
    let page = report::Page {
        results: report.results,
        info: report.info,
        explain: &explain,
        charts: &drawn,
        formats: report.charts.formats,
        routes: &ctx.routes,
        skipped_utilisation: charts::utilisation_fan::skipped(&ctx),
        inputs: &inputs,
    };
    files.push(OutputFile {
        path: report::HTML.into(),
        bytes: report::html::render(&page).into_bytes(),
    });
    files.push(OutputFile {
        path: report::MARKDOWN.into(),
        bytes: report::markdown::render(&page).into_bytes(),
    });
    for d in drawn {
        if report.charts.formats.svg {
            files.push(OutputFile {
                path: format!("{CHARTS_DIR}/{}.svg", d.chart.stem),
                bytes: d.svg.into_bytes(),
            });
        }
        if let Some(png) = d.png {
            files.push(OutputFile {
                path: format!("{CHARTS_DIR}/{}.png", d.chart.stem),
                bytes: png,
            });
        }
    }
    Ok(files)
}
