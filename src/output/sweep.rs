//! What `corridor sweep` writes: sweep.csv, one row per variant and metric.

use crate::output::error::Result;

use super::{Exporter, RunInfo};
use crate::analysis::paired::{PairedStats, Shared};
use crate::analysis::sweep::Variant;

/// What a sweep hands its exporters.
pub struct Swept<'a> {
    /// The swept scenario's name.
    pub scenario: &'a str,
    /// The seed every variant shares.
    pub seed: u64,
    /// The swept paths, as typed after `--set`.
    pub paths: &'a [String],
    pub variants: &'a [Variant],
    /// The horizon's years.
    pub years: &'a [i32],
    pub shared: &'a [Shared],
    pub stats: &'a PairedStats,
    pub info: &'a RunInfo,
}

impl AsRef<RunInfo> for Swept<'_> {
    fn as_ref(&self) -> &RunInfo {
        self.info
    }
}

/// sweep.csv: the swept values, then `metric,entity,unit,mean,se,p5,p50,p95` of each variant's
/// horizon total and its paired difference from the first variant (`diff_mean_vs_first`,
/// `diff_se_vs_first`).
pub struct SweepCsv;

impl<'a> Exporter<Swept<'a>> for SweepCsv {
    fn file_name(&self) -> &'static str {
        "sweep.csv"
    }

    fn render(&self, s: &Swept<'a>) -> Result<Vec<u8>> {
        let mut w = csv::Writer::from_writer(Vec::new());
        let mut header: Vec<String> = s.paths.to_vec();
        header.extend(
            [
                "metric",
                "entity",
                "unit",
                "mean",
                "se",
                "p5",
                "p50",
                "p95",
                "diff_mean_vs_first",
                "diff_se_vs_first",
            ]
            .map(String::from),
        );
        w.write_record(&header)?;
        for (k, v) in s.variants.iter().enumerate() {
            for (j, m) in s.shared.iter().enumerate() {
                let st = s.stats.values[k][j].finish();
                let (dm, dse) = if k == 0 {
                    (0.0, 0.0)
                } else {
                    let d = s.stats.diffs[k - 1][j].finish();
                    (d.mean, d.se)
                };
                let mut row: Vec<String> = v.values.iter().map(f64::to_string).collect();
                row.extend([m.kind.to_string(), m.entity.clone(), m.unit.to_string()]);
                row.extend([st.mean, st.se, st.p5, st.p50, st.p95, dm, dse].map(|x| x.to_string()));
                w.write_record(&row)?;
            }
        }
        Ok(w.into_inner()?)
    }
}
