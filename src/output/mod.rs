//! Result files: one exporter per file behind a small trait, written as a complete set.
//!
//! Exporters render bytes; `folder::Staging` writes them into a temporary folder beside the
//! output folder and swaps it into place only when every file is written, so an interrupted run
//! never leaves a mix of old and new results.

pub mod csv;
pub mod folder;
pub mod json;
pub mod results;
pub mod scenario_copy;
pub mod trials;

pub use folder::Staging;
pub use results::{MetricResult, Results, RunInfo};

/// Everything exporters may read.
pub struct Report<'a> {
    pub results: &'a Results,
    pub info: &'a RunInfo,
    /// The scenario's text exactly as run.
    pub scenario_text: &'a str,
}

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
    ]
}
