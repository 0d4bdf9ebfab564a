//! `summary.json` (the reproducible results) and `run.json` (how the run went).

use crate::output::error::Result;

use serde_json::{Map, Value, json};

use super::{Exporter, FinishedRun, RunInfo};

/// How the run went: written by every command that writes a folder.
pub const RUN_FILE: &str = "run.json";

/// Results only: byte-identical for the same scenario, seed and trials, whatever the threads.
pub struct SummaryJson;

impl<'a> Exporter<FinishedRun<'a>> for SummaryJson {
    fn file_name(&self) -> &'static str {
        "summary.json"
    }

    fn render(&self, run: &FinishedRun<'a>) -> Result<Vec<u8>> {
        let r = run.results;
        let mut metrics = Map::new();
        for m in &r.metrics {
            let by_year: Map<String, Value> = r
                .years
                .iter()
                .zip(&m.by_year)
                .map(|(y, s)| Ok((y.to_string(), serde_json::to_value(s)?)))
                .collect::<serde_json::Result<_>>()?;
            metrics.insert(
                m.id.clone(),
                json!({ "unit": m.unit, "horizon_rule": m.horizon_rule, "by_year": by_year, "horizon": m.horizon }),
            );
        }
        let mut doc = json!({
            "scenario": r.scenario,
            "trials": r.trials,
            "seed": r.seed,
            "years": r.years,
            "metrics": metrics,
        });
        // Only scenarios with observations get the block, so the others' files are unchanged.
        let placed = super::observations::place(&run.scenario.observations, r, run.collector);
        if !placed.is_empty() {
            doc["observations"] = serde_json::to_value(&placed)?;
        }
        let mut bytes = serde_json::to_vec_pretty(&doc)?;
        bytes.push(b'\n');
        Ok(bytes)
    }
}

/// Version, threads, timing: what varies between identical runs. Every command writes it, from
/// whatever its exporters read that holds a `RunInfo`.
pub struct RunJson;

impl<In: AsRef<RunInfo> + ?Sized> Exporter<In> for RunJson {
    fn file_name(&self) -> &'static str {
        RUN_FILE
    }

    fn render(&self, input: &In) -> Result<Vec<u8>> {
        let mut bytes = serde_json::to_vec_pretty(input.as_ref())?;
        bytes.push(b'\n');
        Ok(bytes)
    }
}
