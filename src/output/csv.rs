//! `percentiles.csv`: every statistic in tidy long format for pandas, R and Excel.
//!
//! Columns: metric, entity, unit, year, stat, value; year is `horizon` for horizon totals.

use crate::output::error::Result;

use super::{Exporter, FinishedRun};

pub struct PercentilesCsv;

impl<'a> Exporter<FinishedRun<'a>> for PercentilesCsv {
    fn file_name(&self) -> &'static str {
        "percentiles.csv"
    }

    fn render(&self, run: &FinishedRun<'a>) -> Result<Vec<u8>> {
        let r = run.results;
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(["metric", "entity", "unit", "year", "stat", "value"])?;
        for m in &r.metrics {
            let years = r.years.iter().map(|y| y.to_string()).zip(&m.by_year);
            for (year, stats) in years.chain(std::iter::once(("horizon".to_string(), &m.horizon))) {
                for (stat, value) in stats.fields() {
                    w.write_record([&m.kind, &m.entity, m.unit, &year, stat, &value.to_string()])?;
                }
            }
        }
        Ok(w.into_inner()?)
    }
}
