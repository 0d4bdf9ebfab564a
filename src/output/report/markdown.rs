//! `report.md`: the report's tables and chart links as plain Markdown, for authors who paste into
//! their own documents. Holds no timing, so a rerun with the same seed gives the same file.

use std::fmt::Write;

use super::{Align, Page, SECTIONS, Table, section_charts, section_skipped, skipped_note, tables};
use crate::output::CHARTS_DIR;

pub fn render(page: &Page) -> String {
    let r = page.results;
    let mut o = String::new();
    let _ = writeln!(o, "# corridor report: {}\n", r.scenario);
    let _ = writeln!(o, "{}.\n", page.run_line());
    let glance = super::at_a_glance(page);
    if !glance.is_empty() {
        let _ = writeln!(o, "## At a glance\n");
        for line in glance {
            let _ = writeln!(o, "- {line}");
        }
        o.push('\n');
    }
    let _ = writeln!(o, "## Key results\n");
    for t in tables(page) {
        table(&mut o, &t);
    }

    if page.charts.is_empty() {
        let _ = writeln!(o, "## Charts\n\nCharts were not drawn (`--charts none`).\n");
    } else {
        let ext = if page.formats.svg {
            Some("svg")
        } else if page.formats.png {
            Some("png")
        } else {
            None
        };
        let mut n = 0;
        for (_, title, prefixes) in SECTIONS {
            let charts = section_charts(page, prefixes);
            let skipped = section_skipped(page, prefixes);
            if charts.is_empty() && skipped.is_empty() {
                continue;
            }
            let _ = writeln!(o, "## {title}\n");
            for d in charts {
                n += 1;
                let c = &d.chart;
                match ext {
                    Some(ext) => {
                        let _ = writeln!(
                            o,
                            "![{}]({CHARTS_DIR}/{}.{ext})\n",
                            escape(&c.title),
                            c.stem
                        );
                    }
                    None => {
                        let _ = writeln!(o, "**{}**\n", escape(&c.title));
                    }
                }
                let _ = writeln!(
                    o,
                    "*Figure {n}. {}* {}\n",
                    escape(&c.title),
                    escape(&c.caption)
                );
            }
            if let Some(note) = skipped_note(&skipped) {
                let _ = writeln!(o, "{}\n", escape(&note));
            }
        }
    }

    super::inputs::markdown(page, &mut o, cell);
    let _ = writeln!(o, "## Run\n");
    let _ = writeln!(o, "| | |\n|---|---|");
    let rows = [
        ("Scenario", r.scenario.clone()),
        ("Scenario file", page.info.scenario_file.clone()),
        ("Years", page.span()),
        (
            "Trials",
            crate::output::charts::theme::number(r.trials as f64, 0),
        ),
        ("Seed", r.seed.to_string()),
        ("corridor", page.info.corridor_version.to_string()),
    ];
    for (k, v) in rows {
        let _ = writeln!(o, "| {k} | {} |", cell(&v));
    }
    let _ = writeln!(
        o,
        "\nFull statistics: `summary.json`, `percentiles.csv`; the scenario as run: `scenario.ron`."
    );
    o
}

fn table(o: &mut String, t: &Table) {
    let _ = writeln!(o, "### {}\n", escape(&t.title));
    let _ = writeln!(o, "{}\n", escape(&t.note));
    let _ = writeln!(
        o,
        "| {} |",
        t.header
            .iter()
            .map(|h| cell(h))
            .collect::<Vec<_>>()
            .join(" | ")
    );
    let _ = writeln!(
        o,
        "|{}|",
        t.align
            .iter()
            .map(|a| if *a == Align::Right { "---:" } else { "---" })
            .collect::<Vec<_>>()
            .join("|")
    );
    for row in &t.rows {
        let _ = writeln!(
            o,
            "| {} |",
            row.iter().map(|c| cell(c)).collect::<Vec<_>>().join(" | ")
        );
    }
    o.push('\n');
}

/// A table cell: pipes escaped, no line breaks.
fn cell(s: &str) -> String {
    escape(s).replace('|', "\\|").replace('\n', " ")
}

/// Characters that Markdown would read as markup in entity names.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '\\' | '*' | '_' | '[' | ']' | '<' | '>' | '`') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
