//! `scenario.ron`: the scenario exactly as run, comments included, so results carry their input.

use crate::output::error::Result;

use super::{Exporter, FinishedRun};

pub struct ScenarioRon;

impl<'a> Exporter<FinishedRun<'a>> for ScenarioRon {
    fn file_name(&self) -> &'static str {
        "scenario.ron"
    }

    fn render(&self, run: &FinishedRun<'a>) -> Result<Vec<u8>> {
        Ok(run.scenario_text.as_bytes().to_vec())
    }
}
