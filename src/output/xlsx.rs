//! `results.xlsx`: the run's tables as one Excel workbook, with native Excel charts, for analysts
//! who work in Excel (as @RISK and Crystal Ball users do).
//!
//! Why a workbook beside the CSV files: a CSV holds one table and no chart, and Excel guesses its
//! types by locale. Here every number is a number cell, each table has its own sheet, and the
//! charts are Excel's own (a fan of revenue, route volumes, exceedance curves), drawn from the
//! workbook's cells, so an author can restyle them or extend them to new rows. The numbers are
//! those of summary.json, written with round-trip precision; `tests/xlsx.rs` reads them back.
//!
//! Sheets: `Key results` (every metric's horizon statistics), `Percentiles` (the tidy table of
//! percentiles.csv), one by-year sheet per metric kind, `Exceedance` (the chance of exceeding
//! each horizon percentile of lost revenue and stranded volume), `Inputs` (every number of the
//! scenario with its source) and `Charts`.

use rust_xlsxwriter::{
    Chart, ChartLineDashType, ChartType, DocProperties, ExcelDateTime, Format, Workbook, Worksheet,
    XlsxError,
};

use super::{Exporter, FinishedRun, MetricResult};
use crate::output::error::Result as ExportResult;
use crate::scenario::inputs::{self, FIXED, InputRow};
use crate::scenario::provenance;
use crate::stats::Stats;

pub struct ResultsXlsx;

pub const FILE: &str = "results.xlsx";

impl<'a> Exporter<FinishedRun<'a>> for ResultsXlsx {
    fn file_name(&self) -> &'static str {
        FILE
    }

    fn render(&self, report: &FinishedRun<'a>) -> ExportResult<Vec<u8>> {
        Ok(workbook(report)?)
    }
}

/// Statistic columns of the by-year sheets, in summary.json's order.
fn stat_names(s: &Stats) -> Vec<&'static str> {
    s.fields().into_iter().map(|(n, _)| n).collect()
}

/// A number cell, or an empty one where the value is not finite (Excel has no NaN).
fn number(ws: &mut Worksheet, row: u32, col: u16, v: f64) -> Result<(), XlsxError> {
    if v.is_finite() {
        ws.write_number(row, col, v)?;
    }
    Ok(())
}

fn header(ws: &mut Worksheet, names: &[&str], bold: &Format) -> Result<(), XlsxError> {
    for (c, h) in names.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, bold)?;
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

/// An Excel sheet name: at most 31 characters, none of `[]:*?/\`.
fn sheet_name(s: &str) -> String {
    s.chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .take(31)
        .collect()
}

fn workbook(report: &FinishedRun) -> Result<Vec<u8>, XlsxError> {
    let r = report.results;
    let mut wb = Workbook::new();
    // A fixed creation date, so the same run writes the same bytes.
    wb.set_properties(
        &DocProperties::new()
            .set_title(format!("corridor results: {}", r.scenario))
            .set_creation_datetime(&ExcelDateTime::from_ymd(2000, 1, 1)?),
    );
    let bold = Format::new().set_bold();
    let stats = r
        .metrics
        .first()
        .map_or_else(Vec::new, |m| stat_names(&m.horizon));

    let ws = wb.add_worksheet().set_name("Key results")?;
    let mut head = vec!["metric", "entity", "unit", "count"];
    head.extend(&stats);
    header(ws, &head, &bold)?;
    for (i, m) in r.metrics.iter().enumerate() {
        let row = i as u32 + 1;
        ws.write_string(row, 0, &m.kind)?;
        ws.write_string(row, 1, &m.entity)?;
        ws.write_string(row, 2, m.unit)?;
        ws.write_number(row, 3, m.horizon.count as f64)?;
        for (c, (_, v)) in m.horizon.fields().into_iter().enumerate() {
            number(ws, row, 4 + c as u16, v)?;
        }
    }
    ws.autofit();

    let ws = wb.add_worksheet().set_name("Percentiles")?;
    header(ws, &super::csv::HEADER, &bold)?;
    let mut row = 1;
    for m in &r.metrics {
        let years = r.years.iter().map(|y| Some(*y)).zip(&m.by_year);
        for (year, s) in years.chain(std::iter::once((None, &m.horizon))) {
            for (stat, v) in s.fields() {
                ws.write_string(row, 0, &m.kind)?;
                ws.write_string(row, 1, &m.entity)?;
                ws.write_string(row, 2, m.unit)?;
                ws.write_string(row, 3, if year.is_some() { "year" } else { "horizon" })?;
                if let Some(y) = year {
                    ws.write_number(row, 4, y)?;
                }
                ws.write_string(row, 5, stat)?;
                number(ws, row, 6, v)?;
                row += 1;
            }
        }
    }

    // One sheet per kind: entity blocks of one row per year, so a chart reads a block.
    let mut kinds: Vec<&str> = Vec::new();
    for m in &r.metrics {
        if !kinds.contains(&m.kind.as_str()) {
            kinds.push(&m.kind);
        }
    }
    // Where each metric's block sits: (sheet, first row).
    let mut blocks: Vec<(&MetricResult, String, u32)> = Vec::new();
    for kind in &kinds {
        let name = sheet_name(kind);
        let ws = wb.add_worksheet().set_name(&name)?;
        let mut head = vec!["entity", "unit", "year"];
        head.extend(&stats);
        header(ws, &head, &bold)?;
        let mut row = 1;
        for m in r.metrics.iter().filter(|m| m.kind == *kind) {
            blocks.push((m, name.clone(), row));
            for (y, s) in r.years.iter().zip(&m.by_year) {
                ws.write_string(row, 0, &m.entity)?;
                ws.write_string(row, 1, m.unit)?;
                ws.write_number(row, 2, *y)?;
                for (c, (_, v)) in s.fields().into_iter().enumerate() {
                    number(ws, row, 3 + c as u16, v)?;
                }
                row += 1;
            }
        }
        ws.autofit();
    }

    let exceedance = exceedance_sheet(&mut wb, r, &bold)?;
    inputs_sheet(&mut wb, "Inputs", &inputs::all(report.scenario), &bold)?;

    // Charts, from the cells above.
    let col = |name: &str| 3 + stats.iter().position(|s| *s == name).unwrap_or(0) as u16;
    let years = r.years.len() as u32;
    let ws = wb.add_worksheet().set_name("Charts")?;
    let mut at = 0;
    let mut place = |ws: &mut Worksheet, chart: &Chart| -> Result<(), XlsxError> {
        ws.insert_chart(at, 0, chart)?;
        at += 16;
        Ok(())
    };
    for (m, sheet, first) in blocks.iter().filter(|(m, ..)| m.kind == "revenue") {
        let mut chart = Chart::new(ChartType::Line);
        let bands = [
            ("P5", ChartLineDashType::RoundDot),
            ("P25", ChartLineDashType::Dash),
            ("P50", ChartLineDashType::Solid),
            ("P75", ChartLineDashType::Dash),
            ("P95", ChartLineDashType::RoundDot),
        ];
        for (label, dash) in bands {
            let c = col(&label.to_lowercase());
            chart
                .add_series()
                .set_name(label)
                .set_categories((sheet.as_str(), *first, 2, first + years - 1, 2))
                .set_values((sheet.as_str(), *first, c, first + years - 1, c))
                .set_format(rust_xlsxwriter::ChartLine::new().set_dash_type(dash));
        }
        chart
            .title()
            .set_name(&format!("{}: revenue by year (P5–P95)", m.entity));
        chart.y_axis().set_name(m.unit);
        place(ws, &chart)?;
    }
    let routes: Vec<_> = blocks
        .iter()
        .filter(|(m, ..)| m.kind == "route_volume")
        .collect();
    if !routes.is_empty() {
        let mut chart = Chart::new(ChartType::Line);
        let c = col("p50");
        for (m, sheet, first) in &routes {
            chart
                .add_series()
                .set_name(m.entity.as_str())
                .set_categories((sheet.as_str(), *first, 2, first + years - 1, 2))
                .set_values((sheet.as_str(), *first, c, first + years - 1, c));
        }
        chart.title().set_name("Route volumes by year (median)");
        chart.y_axis().set_name("Mt");
        place(ws, &chart)?;
    }
    for (title, unit, first_col, n) in exceedance {
        let mut chart = Chart::new(ChartType::ScatterStraightWithMarkers);
        for k in 0..n {
            let c = first_col + 1 + k;
            chart
                .add_series()
                .set_name(("Exceedance", 0, c))
                .set_categories(("Exceedance", 1, c, EXCEEDANCE.len() as u32, c))
                .set_values((
                    "Exceedance",
                    1,
                    first_col,
                    EXCEEDANCE.len() as u32,
                    first_col,
                ));
        }
        chart.title().set_name(&title);
        chart.x_axis().set_name(unit);
        chart.y_axis().set_name("chance of exceeding");
        place(ws, &chart)?;
    }
    super::workbook::save(&mut wb)
}

/// The horizon percentiles an exceedance curve passes through, with the chance of exceeding
/// each: P(X > pN) = 1 − N/100.
const EXCEEDANCE: [(&str, f64); 7] = [
    ("p1", 0.99),
    ("p5", 0.95),
    ("p25", 0.75),
    ("p50", 0.5),
    ("p75", 0.25),
    ("p95", 0.05),
    ("p99", 0.01),
];

/// Exceedance tables of lost revenue and stranded volume, side by side; returns each table's
/// title, unit, first column and number of entities.
fn exceedance_sheet(
    wb: &mut Workbook,
    r: &super::Results,
    bold: &Format,
) -> Result<Vec<(String, &'static str, u16, u16)>, XlsxError> {
    let ws = wb.add_worksheet().set_name("Exceedance")?;
    let mut out = Vec::new();
    let mut col = 0;
    for (kind, title) in [
        (
            "lost_revenue",
            "Lost revenue over the horizon: chance of exceeding",
        ),
        (
            "stranded_volume",
            "Stranded volume over the horizon: chance of exceeding",
        ),
    ] {
        let ms: Vec<&MetricResult> = r.metrics.iter().filter(|m| m.kind == kind).collect();
        if ms.is_empty() {
            continue;
        }
        ws.write_string_with_format(0, col, "chance of exceeding", bold)?;
        for (i, (_, p)) in EXCEEDANCE.iter().enumerate() {
            ws.write_number(i as u32 + 1, col, *p)?;
        }
        for (k, m) in ms.iter().enumerate() {
            let c = col + 1 + k as u16;
            ws.write_string_with_format(0, c, format!("{} ({})", m.entity, m.unit), bold)?;
            let fields = m.horizon.fields();
            for (i, (stat, _)) in EXCEEDANCE.iter().enumerate() {
                let v = fields
                    .iter()
                    .find(|(n, _)| n == stat)
                    .map_or(f64::NAN, |f| f.1);
                number(ws, i as u32 + 1, c, v)?;
            }
        }
        out.push((title.to_string(), ms[0].unit, col, ms.len() as u16));
        col += ms.len() as u16 + 2;
    }
    ws.autofit();
    Ok(out)
}

/// Every number of a scenario with its law, percentiles and source (the reports' table), on a
/// sheet called `name`; compare's, sweep's and sensitivity's workbooks (`workbook`) write it too.
pub(super) fn inputs_sheet(
    wb: &mut Workbook,
    name: &str,
    rows: &[InputRow],
    bold: &Format,
) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet().set_name(sheet_name(name))?;
    header(
        ws,
        &[
            "input",
            "distribution",
            "p5",
            "p50",
            "p95",
            "unit",
            "drawn",
            "source",
            "assumption",
            "why",
        ],
        bold,
    )?;
    for (i, row) in rows.iter().enumerate() {
        let r = i as u32 + 1;
        let fixed = row.drawn == FIXED;
        ws.write_string(r, 0, &row.path)?;
        ws.write_string(r, 1, if fixed { "fixed" } else { &row.law })?;
        if !fixed {
            number(ws, r, 2, row.p5)?;
            number(ws, r, 4, row.p95)?;
        }
        number(ws, r, 3, row.p50)?;
        ws.write_string(r, 5, row.unit)?;
        ws.write_string(r, 6, row.drawn)?;
        let src = row.source.as_ref();
        ws.write_string(r, 7, src.map(|s| s.ids().join(", ")).unwrap_or_default())?;
        let flag = match src {
            Some(s) if s.is_assumption() => "yes",
            Some(_) => "no",
            None if row.default => "default",
            None => "no source given",
        };
        ws.write_string(r, 8, flag)?;
        if let Some(why) = src.and_then(provenance::Source::why) {
            ws.write_string(r, 9, why)?;
        }
    }
    ws.autofit();
    Ok(())
}
