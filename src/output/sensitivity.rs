//! What `corridor sensitivity` writes: sensitivity.json (everything) and sensitivity.csv (one
//! row per output and input, ranked).

use crate::output::error::Result;

use super::{Exporter, RunInfo};
use crate::analysis::sensitivity::Sensitivity;

/// What a sensitivity analysis hands its exporters.
pub struct Ranked<'a> {
    pub result: &'a Sensitivity,
    pub info: &'a RunInfo,
}

impl AsRef<RunInfo> for Ranked<'_> {
    fn as_ref(&self) -> &RunInfo {
        self.info
    }
}

pub struct SensitivityJson;

impl<'a> Exporter<Ranked<'a>> for SensitivityJson {
    fn file_name(&self) -> &'static str {
        "sensitivity.json"
    }

    fn render(&self, r: &Ranked<'a>) -> Result<Vec<u8>> {
        Ok(serde_json::to_vec_pretty(r.result)?)
    }
}

/// sensitivity.csv: `metric,unit,rank,input,input_p10,input_p90,output_at_p10,output_at_p90,
/// swing,first_order,total_order,swing_se,below_noise`, inputs named by the path `sweep --set` accepts.
pub struct SensitivityCsv;

impl<'a> Exporter<Ranked<'a>> for SensitivityCsv {
    fn file_name(&self) -> &'static str {
        "sensitivity.csv"
    }

    fn render(&self, r: &Ranked<'a>) -> Result<Vec<u8>> {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record([
            "metric",
            "unit",
            "rank",
            "input",
            "input_p10",
            "input_p90",
            "output_at_p10",
            "output_at_p90",
            "swing",
            "first_order",
            "total_order",
            "swing_se",
            "below_noise",
        ])?;
        for o in &r.result.outputs {
            for (rank, i) in o.inputs.iter().enumerate() {
                // Inputs below the noise are listed, unranked.
                let rank = if i.below_noise {
                    String::new()
                } else {
                    (rank + 1).to_string()
                };
                w.write_record([
                    o.metric.clone(),
                    o.unit.to_string(),
                    rank,
                    i.input.clone(),
                    i.input_low.to_string(),
                    i.input_high.to_string(),
                    i.at_low.to_string(),
                    i.at_high.to_string(),
                    i.swing.to_string(),
                    i.first_order.to_string(),
                    i.total_order.to_string(),
                    i.swing_se.to_string(),
                    i.below_noise.to_string(),
                ])?;
            }
        }
        Ok(w.into_inner()?)
    }
}
