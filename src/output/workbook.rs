//! `results.xlsx` of `compare`, `sweep` and `sensitivity`: the command's key table (its CSV, every
//! number a number cell at full precision), the inputs of each scenario with their sources, and
//! a native Excel chart drawn from a small sheet of the numbers it plots, which an author can
//! restyle or extend.
//!
//! Why from the CSV: the CSV exporter already says what the key table of each command is, column
//! by column; reading its bytes back as typed cells keeps the two identical (a cell that parses
//! as a number is written as one; tests/csv_types.rs checks that no column mixes kinds). The run's
//! own workbook (`xlsx`) has more sheets; the Inputs sheet is written by the same function.

use rust_xlsxwriter::{
    Chart, ChartType, DocProperties, ExcelDateTime, Format, Workbook, XlsxError,
};

use super::OutputFile;
use crate::output::error::Result;
use crate::scenario::inputs::InputRow;

/// A native chart and the table it plots: the first column names the categories (or holds the
/// x values of a line chart), each other column is a series.
pub struct ChartSheet {
    /// Sheet name (at most 31 characters).
    pub name: String,
    pub title: String,
    pub y_title: String,
    pub x_title: String,
    /// `Bar` (horizontal, for ranked inputs), `Column` or `Line`.
    pub kind: ChartType,
    pub header: Vec<String>,
    pub categories: Vec<String>,
    /// One row per category, one value per series.
    pub values: Vec<Vec<f64>>,
}

/// The bytes of the file `name` among `files` already rendered (the key table's CSV).
pub fn rendered(files: &[OutputFile], name: &str) -> Vec<u8> {
    files
        .iter()
        .find(|f| f.path == name)
        .map_or_else(Vec::new, |f| f.bytes.clone())
}

/// The workbook: `key` (the CSV bytes of the key table, its sheet named `key_name`), the inputs
/// of each named scenario, and the charts.
pub fn file(
    title: &str,
    key_name: &str,
    key: &[u8],
    inputs: &[(String, &[InputRow])],
    charts: &[ChartSheet],
) -> Result<OutputFile> {
    Ok(OutputFile {
        path: super::xlsx::FILE.into(),
        bytes: workbook(title, key_name, key, inputs, charts)?,
    })
}

fn workbook(
    title: &str,
    key_name: &str,
    key: &[u8],
    inputs: &[(String, &[InputRow])],
    charts: &[ChartSheet],
) -> std::result::Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    // A fixed creation date, so the same run writes the same bytes.
    wb.set_properties(
        &DocProperties::new()
            .set_title(title)
            .set_creation_datetime(&ExcelDateTime::from_ymd(2000, 1, 1)?),
    );
    let bold = Format::new().set_bold();

    let ws = wb.add_worksheet().set_name(key_name)?;
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(key);
    for (r, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| XlsxError::ParameterError(e.to_string()))?;
        for (c, cell) in rec.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            match cell.parse::<f64>() {
                Ok(v) if r > 0 && v.is_finite() => {
                    ws.write_number(r, c, v)?;
                }
                _ if r == 0 => {
                    ws.write_string_with_format(r, c, cell, &bold)?;
                }
                _ if cell.is_empty() => {}
                _ => {
                    ws.write_string(r, c, cell)?;
                }
            }
        }
    }
    ws.set_freeze_panes(1, 0)?;
    ws.autofit();

    for (name, rows) in inputs {
        super::xlsx::inputs_sheet(&mut wb, name, rows, &bold)?;
    }

    // A chart of nothing (no producer, no ranked input) is left out rather than drawn empty.
    for c in charts.iter().filter(|c| !c.categories.is_empty()) {
        let ws = wb.add_worksheet().set_name(&c.name)?;
        for (i, h) in c.header.iter().enumerate() {
            ws.write_string_with_format(0, i as u16, h, &bold)?;
        }
        for (r, (cat, vals)) in c.categories.iter().zip(&c.values).enumerate() {
            let r = r as u32 + 1;
            match (c.kind, cat.parse::<f64>()) {
                (ChartType::Line | ChartType::ScatterStraightWithMarkers, Ok(x)) => {
                    ws.write_number(r, 0, x)?;
                }
                _ => {
                    ws.write_string(r, 0, cat)?;
                }
            }
            for (k, v) in vals.iter().enumerate() {
                if v.is_finite() {
                    ws.write_number(r, k as u16 + 1, *v)?;
                }
            }
        }
        let last = c.categories.len() as u32;
        let mut chart = Chart::new(c.kind);
        for k in 1..c.header.len() as u16 {
            chart
                .add_series()
                .set_name((c.name.as_str(), 0, k))
                .set_categories((c.name.as_str(), 1, 0, last, 0))
                .set_values((c.name.as_str(), 1, k, last, k));
        }
        chart.title().set_name(&c.title);
        chart.y_axis().set_name(&c.y_title);
        chart.x_axis().set_name(&c.x_title);
        ws.autofit();
        ws.insert_chart(0, c.header.len() as u16 + 1, &chart)?;
    }
    save(&mut wb)
}

/// The workbook's bytes, zipped at level 3, Excel's own (rust_xlsxwriter's `performance`
/// notes): the zip's compression was most of the time a run took to write its files, and level
/// 3 takes about two thirds of the default level 6's time for a file ~5% larger. (Level 1 grew
/// the run's workbook by 60%.)
pub fn save(wb: &mut Workbook) -> std::result::Result<Vec<u8>, XlsxError> {
    wb.set_zip_compression_level(3);
    wb.save_to_buffer()
}

/// compare's chart: each producer's mean horizon revenue in every scenario, side by side.
pub fn compare_chart(c: &super::compare::Compared) -> Vec<ChartSheet> {
    let r = c.report;
    let Some(first) = r.comparisons.first() else {
        return Vec::new();
    };
    let revenue = |cmp: &crate::analysis::compare::Comparison| -> Vec<(String, f64, f64)> {
        cmp.metrics
            .iter()
            .filter(|m| m.kind == "revenue")
            .map(|m| (m.entity.clone(), m.a.mean, m.b.mean))
            .collect()
    };
    let base = revenue(first);
    let values = base
        .iter()
        .map(|(p, a, _)| {
            let mut row = vec![*a];
            for cmp in &r.comparisons {
                row.push(
                    revenue(cmp)
                        .iter()
                        .find(|(q, ..)| q == p)
                        .map_or(f64::NAN, |x| x.2),
                );
            }
            row
        })
        .collect();
    let mut header = vec!["producer".to_string(), first.a.clone()];
    header.extend(r.comparisons.iter().map(|c| c.b.clone()));
    vec![ChartSheet {
        name: "Chart".into(),
        title: "Mean horizon revenue by scenario".into(),
        y_title: "USD million".into(),
        x_title: String::new(),
        kind: ChartType::Column,
        header,
        categories: base.into_iter().map(|x| x.0).collect(),
        values,
    }]
}

/// sweep's chart: P5, median and P95 of the charted metric's horizon total for every variant.
pub fn sweep_chart(s: &super::sweep::Swept, metric: usize) -> Vec<ChartSheet> {
    let m = &s.shared[metric];
    let categories = s
        .variants
        .iter()
        .map(|v| {
            v.values
                .iter()
                .map(|x| crate::format::short(*x))
                .collect::<Vec<_>>()
                .join(", ")
        })
        .collect();
    let values = (0..s.variants.len())
        .map(|k| {
            let st = s.stats.values[k][metric].finish();
            vec![st.p5, st.p50, st.p95]
        })
        .collect();
    vec![ChartSheet {
        name: "Chart".into(),
        title: format!("{} by {}", m.id, s.paths.join(", ")),
        y_title: m.unit.into(),
        x_title: s.paths.join(", "),
        kind: ChartType::Line,
        header: [s.paths.join(", ").as_str(), "p5", "p50", "p95"]
            .map(String::from)
            .to_vec(),
        categories,
        values,
    }]
}

/// sensitivity's chart: for the first output with any variance, the mean with each ranked input
/// at its 10th and its 90th percentile (a tornado as Excel bars).
pub fn sensitivity_chart(r: &super::sensitivity::Ranked) -> Vec<ChartSheet> {
    let Some(o) = r.result.outputs.iter().find(|o| o.variance > 0.0) else {
        return Vec::new();
    };
    let ranked: Vec<_> = o
        .inputs
        .iter()
        .filter(|i| !i.below_noise)
        .take(10)
        .collect();
    vec![ChartSheet {
        name: "Chart".into(),
        title: format!("{}: mean with one input at its P10 and P90", o.metric),
        y_title: o.unit.into(),
        x_title: String::new(),
        kind: ChartType::Bar,
        header: ["input", "mean at input p10", "mean at input p90"]
            .map(String::from)
            .to_vec(),
        categories: ranked.iter().map(|i| i.input.clone()).collect(),
        values: ranked.iter().map(|i| vec![i.at_low, i.at_high]).collect(),
    }]
}
