//! `report.md`: the report's tables and chart links as plain Markdown, for authors who paste into
//! their own documents. Holds no timing, so a rerun with the same seed gives the same file.

use std::fmt::Write;

use super::document::Document;
use super::{Align, Table};
use crate::output::CHARTS_DIR;

pub fn render(doc: &Document) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "# {}\n", doc.title);
    let _ = writeln!(o, "{}.\n", doc.lede);
    if !doc.glance.is_empty() {
        let _ = writeln!(o, "## At a glance\n");
        for line in &doc.glance {
            let _ = writeln!(o, "- {line}");
        }
        o.push('\n');
    }
    let _ = writeln!(o, "## Key results\n\n{}\n", super::document::HOW_TO_READ);
    for t in &doc.tables {
        table(&mut o, t);
    }

    if doc.no_charts {
        let _ = writeln!(o, "## Charts\n\nCharts were not drawn (`--charts none`).\n");
    } else {
        let ext = if doc.formats.svg {
            Some("svg")
        } else if doc.formats.png {
            Some("png")
        } else {
            None
        };
        let mut n = 0;
        for s in doc.shown() {
            let _ = writeln!(o, "## {}\n", s.title);
            for d in &s.charts {
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
            if let Some(note) = &s.note {
                let _ = writeln!(o, "{}\n", escape(note));
            }
        }
    }

    super::inputs::markdown(doc, &mut o, cell);
    let _ = writeln!(o, "## Run\n");
    let _ = writeln!(o, "| | |\n|---|---|");
    for m in doc.meta.iter().filter(|m| !m.timing) {
        let _ = writeln!(o, "| {} | {} |", m.key, cell(&m.value));
    }
    let _ = writeln!(o, "\n{}", doc.files);
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
