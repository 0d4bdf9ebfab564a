//! `report.html`: one self-contained page (inline CSS and SVG, no network) with the scenario in
//! plain language, the key percentiles, every chart with a caption saying how to read it, and the
//! run's metadata. Styled for screens and for printing to PDF from a browser.

use std::fmt::Write;

use super::document::Document;
use super::{Align, Table};
use crate::output::CHARTS_DIR;

const STYLE: &str = r#"
:root { --text: #212121; --muted: #5a5a5a; --rule: #d6d6d6; --accent: #0072b2; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Bitstream Vera Sans", Verdana, "Segoe UI", Helvetica, Arial, sans-serif;
       color: var(--text); max-width: 62rem; margin: 2rem auto; padding: 0 1.5rem; line-height: 1.45;
       font-size: 15px; }
h1 { font-size: 1.75rem; margin: 0 0 .25rem; }
h2 { font-size: 1.3rem; margin: 2.2rem 0 .6rem; padding-bottom: .2rem; border-bottom: 2px solid var(--text); }
h3 { font-size: 1.05rem; margin: 1.4rem 0 .2rem; }
p.lede { color: var(--muted); margin: 0 0 .3rem; }
p.note { color: var(--muted); font-size: .85rem; margin: 0 0 .4rem; }
a { color: var(--accent); }
nav { font-size: .9rem; margin: 1rem 0; }
nav a { margin-right: 1rem; }
ul.glance li { margin: .3rem 0; }
table { border-collapse: collapse; width: 100%; font-size: .82rem; margin: .3rem 0 1rem;
        font-variant-numeric: tabular-nums; }
th, td { padding: .22rem .45rem; border-bottom: 1px solid var(--rule); text-align: left; vertical-align: top; }
thead th { border-bottom: 1.5px solid var(--text); font-weight: bold; }
th.num, td.num { text-align: right; }
td.num { white-space: nowrap; }
tr.group td { border-top: 1.5px solid #9a9a9a; }
figure { margin: 1.6rem 0 2rem; break-inside: avoid; page-break-inside: avoid; }
figure svg { display: block; width: 100%; height: auto; border: 1px solid var(--rule); }
figcaption { font-size: .85rem; color: var(--muted); margin-top: .4rem; }
figcaption b { color: var(--text); }
div.explain { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace;
              font-size: .78rem; background: #f5f5f5; padding: .9rem 1rem; border-radius: 4px; }
div.explain div.l { text-indent: -2ch; white-space: pre-wrap; }
table.inputs { font-size: .76rem; }
table.inputs td:first-child { min-width: 13rem; }
table.inputs td:last-child { min-width: 16rem; }
section.source { font-size: .82rem; border-left: 3px solid var(--rule); padding: 0 0 0 .8rem; margin: .8rem 0; }
section.source h4 { margin: 0 0 .2rem; font-size: .9rem; }
section.source ul { margin: .2rem 0; padding-left: 1.2rem; }
dl.meta { display: grid; grid-template-columns: max-content auto; gap: .2rem 1.2rem; font-size: .88rem; }
dl.meta dt { color: var(--muted); }
dl.meta dd { margin: 0; }
@page { size: A4; margin: 15mm 14mm; }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 9.5pt; }
  nav, .files { display: none; }
  a { color: inherit; text-decoration: none; }
  h2 { break-after: avoid; page-break-after: avoid; }
  h3, table { break-inside: avoid; }
  /* Two charts to an A4 page: a full-width chart is a little too tall for that. */
  figure { margin: .4rem 0 1rem; }
  figure svg { border: none; width: 88%; margin: 0 auto; }
  div.explain { background: none; border: 1px solid var(--rule); }
}
"#;

pub fn render(doc: &Document) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>",
        esc(&doc.title)
    );
    let _ = writeln!(o, "<header>\n<h1>{}</h1>", esc(&doc.title));
    let _ = writeln!(o, "<p class=\"lede\">{}.</p>", esc(&doc.lede));
    let _ = writeln!(o, "</header>");

    let mut nav = Vec::new();
    if !doc.glance.is_empty() {
        nav.push(("glance", "At a glance".to_string()));
    }
    nav.push(("results", "Key results".into()));
    for s in doc.shown() {
        nav.push((s.id, s.title.clone()));
    }
    if doc.input_rows().next().is_some() {
        nav.push((super::inputs::ID, super::inputs::TITLE.into()));
    }
    if !doc.scenarios.is_empty() {
        nav.push(("scenario", "Scenario".into()));
    }
    nav.push(("run", "Run".into()));
    let _ = writeln!(
        o,
        "<nav>{}</nav>",
        nav.iter()
            .map(|(id, t)| format!("<a href=\"#{id}\">{}</a>", esc(t)))
            .collect::<String>()
    );

    if !doc.glance.is_empty() {
        let _ = writeln!(
            o,
            "<h2 id=\"glance\">At a glance</h2>\n<ul class=\"glance\">"
        );
        for line in &doc.glance {
            let _ = writeln!(o, "<li>{}</li>", esc(line));
        }
        let _ = writeln!(o, "</ul>");
    }

    let _ = writeln!(
        o,
        "<h2 id=\"results\">Key results</h2>\n<p class=\"note\">{}</p>",
        esc(super::document::HOW_TO_READ)
    );
    for t in &doc.tables {
        table(&mut o, t);
    }

    let mut n = 0;
    if doc.no_charts {
        let _ = writeln!(
            o,
            "<p class=\"note\">Charts were not drawn (<code>--charts none</code>).</p>"
        );
    }
    for s in doc.shown() {
        let _ = writeln!(o, "<h2 id=\"{}\">{}</h2>", s.id, esc(&s.title));
        for d in &s.charts {
            n += 1;
            let c = &d.chart;
            let mut files = Vec::new();
            if doc.formats.svg {
                files.push(format!("<a href=\"{CHARTS_DIR}/{}.svg\">SVG</a>", c.stem));
            }
            if doc.formats.png {
                files.push(format!("<a href=\"{CHARTS_DIR}/{}.png\">PNG</a>", c.stem));
            }
            let files = if files.is_empty() {
                String::new()
            } else {
                format!(" <span class=\"files\">({})</span>", files.join(" · "))
            };
            let _ = writeln!(
                o,
                "<figure id=\"{}\">\n{}\n<figcaption><b>Figure {n}. {}.</b> {}{files}</figcaption>\n</figure>",
                c.stem,
                inline_svg(&d.svg),
                esc(&c.title),
                esc(&c.caption)
            );
        }
        if let Some(note) = &s.note {
            let _ = writeln!(o, "<p class=\"note\">{}</p>", esc(note));
        }
    }

    super::inputs::html(doc, &mut o, esc);

    if !doc.scenarios.is_empty() {
        let _ = writeln!(
            o,
            "<h2 id=\"scenario\">Scenario</h2>\n<p class=\"note\">In plain language, as \
             <code>corridor explain</code> gives it; the scenario files named under Run are the \
             exact text that was run.</p>"
        );
        for (heading, text) in &doc.scenarios {
            if !heading.is_empty() {
                let _ = writeln!(o, "<h3>{}</h3>", esc(heading));
            }
            let _ = writeln!(o, "<div class=\"explain\">{}</div>", explain_lines(text));
        }
    }

    let _ = writeln!(o, "<h2 id=\"run\">Run</h2>\n<dl class=\"meta\">");
    for m in &doc.meta {
        let _ = writeln!(o, "<dt>{}</dt><dd>{}</dd>", m.key, esc(&m.value));
    }
    let _ = writeln!(
        o,
        "</dl>\n<p class=\"note\">{} Same scenario, seed and trials give the same results on \
         any machine.</p>\n</body>\n</html>",
        code(&esc(&doc.files))
    );
    o
}

/// The plain-language scenario, one block per line with its indentation kept, and a long line
/// wrapped under its own start (a hanging indent) rather than back at the margin mid-phrase.
fn explain_lines(text: &str) -> String {
    text.trim_end()
        .lines()
        .map(|line| {
            let body = line.trim_start();
            if body.is_empty() {
                return "<div class=\"l\">&nbsp;</div>".to_string();
            }
            let indent = line.len() - body.len();
            format!(
                "<div class=\"l\" style=\"padding-left: {}ch\">{}</div>",
                indent + 2,
                esc(body)
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A key table with its title and note.
fn table(o: &mut String, t: &Table) {
    let _ = writeln!(o, "<h3 id=\"table-{}\">{}</h3>", t.id, esc(&t.title));
    let _ = writeln!(o, "<p class=\"note\">{}</p>", esc(&t.note));
    let class = |a: Align| {
        if a == Align::Right {
            " class=\"num\""
        } else {
            ""
        }
    };
    let _ = writeln!(
        o,
        "<table>\n<thead><tr>{}</tr></thead>\n<tbody>",
        t.header
            .iter()
            .zip(&t.align)
            .map(|(h, &a)| format!("<th{}>{}</th>", class(a), esc(h)))
            .collect::<String>()
    );
    for (i, row) in t.rows.iter().enumerate() {
        let group = if i > 0 && t.group_starts.contains(&i) {
            " class=\"group\""
        } else {
            ""
        };
        let _ = writeln!(
            o,
            "<tr{group}>{}</tr>",
            row.iter()
                .zip(&t.align)
                .map(|(c, &a)| format!("<td{}>{}</td>", class(a), esc(c)))
                .collect::<String>()
        );
    }
    let _ = writeln!(o, "</tbody>\n</table>");
}

/// Text with `code` in backticks as `<code>` (escaped text holds no backticks of its own
/// meaning).
fn code(s: &str) -> String {
    let mut out = String::new();
    for (i, part) in s.split('`').enumerate() {
        if i % 2 == 1 {
            out.push_str("<code>");
            out.push_str(part);
            out.push_str("</code>");
        } else {
            out.push_str(part);
        }
    }
    out
}

/// An SVG document as an element of the page: without its XML prologue, if any.
fn inline_svg(svg: &str) -> &str {
    match svg.find("<svg") {
        Some(i) => svg[i..].trim_end(),
        None => svg.trim_end(),
    }
}

fn esc(s: &str) -> String {
    crate::output::charts::xml_escape(s)
}
