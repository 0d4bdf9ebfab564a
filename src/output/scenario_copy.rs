//! `scenario.ron`: the scenario exactly as run, comments included, so results carry their input.

use super::{Exporter, Report};

pub struct ScenarioRon;

impl<'a> Exporter<Report<'a>> for ScenarioRon {
    fn file_name(&self) -> &'static str {
        "scenario.ron"
    }

    fn render(&self, report: &Report<'a>) -> anyhow::Result<Vec<u8>> {
        Ok(report.scenario_text.as_bytes().to_vec())
    }
}
