//! `percentiles.csv`: every statistic in tidy long format for pandas, R and Excel.
//!
//! Columns: metric, entity, unit, period, year, stat, value. `period` is `year` for a row of one
//! year and `horizon` for the total (or mean, or maximum) over the horizon, whose `year` is
//! empty. Why two columns: a `year` column that mixed years with the word `horizon` loaded as
//! text, so `df.year == 2025` silently matched nothing; now `year` reads as a number (NaN or NA
//! for horizon rows) in pandas, R and Excel, and every column holds one type (output/README.md).

use super::{Exporter, Report};

pub struct PercentilesCsv;

/// The columns of `percentiles.csv`.
pub const HEADER: [&str; 7] = [
    "metric", "entity", "unit", "period", "year", "stat", "value",
];

impl Exporter for PercentilesCsv {
    fn file_name(&self) -> &'static str {
        "percentiles.csv"
    }

    fn render(&self, report: &Report) -> anyhow::Result<Vec<u8>> {
        let r = report.results;
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(HEADER)?;
        for m in &r.metrics {
            let years = r
                .years
                .iter()
                .map(|y| ("year", y.to_string()))
                .zip(&m.by_year);
            let horizon = std::iter::once((("horizon", String::new()), &m.horizon));
            for ((period, year), stats) in years.chain(horizon) {
                for (stat, value) in stats.fields() {
                    let value = value.to_string();
                    w.write_record([&m.kind, &m.entity, m.unit, period, &year, stat, &value])?;
                }
            }
        }
        Ok(w.into_inner()?)
    }
}
