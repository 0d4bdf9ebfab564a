//! The reports' "Inputs and assumptions" section: every number the scenario holds, under the path
//! `sweep --set` takes, with its law, the law's P5/P50/P95, unit, timing and source, then the
//! entries of docs/sources.md it cites, quoted, so a reader traces each input to its public
//! source without leaving the report.
//!
//! Why quoted and not linked to docs/sources.md: a report travels alone (mailed, printed, moved
//! out of the output folder), and a link relative to the repository breaks as soon as it does.
//! The entries are embedded in the binary at build time (`scenario::provenance`), so the text is
//! the one the citation was checked against.

use std::fmt::Write;

use super::document::Document;
use crate::scenario::inputs::{FIXED, InputRow};
use crate::scenario::provenance::{self, Source};

pub const TITLE: &str = "Inputs and assumptions";
pub const ID: &str = "inputs";

const NOTE: &str = "Every number of the scenario under the path `corridor sweep --set` takes: \
    its law and the law's 5th, 50th and 95th percentiles (a fixed number shows its value), when it \
    is drawn, and where it comes from: an entry of docs/sources.md, quoted under Sources below, or \
    an assumption and why it was made. Numbers left at the format's default (no tariff, no \
    storage, an export share of 1) are not listed; results.xlsx lists them too.";

const HEADER: [&str; 9] = [
    "Input",
    "Distribution",
    "P5",
    "P50",
    "P95",
    "Unit",
    "Drawn",
    "Source",
    "Assumption",
];

/// A statistic of an input: three significant figures, enough to recognise the number the
/// scenario writes and no more than a law's percentile deserves.
fn num(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return if v == 0.0 { "0".into() } else { v.to_string() };
    }
    let digits = (2 - v.abs().log10().floor() as i32).max(0) as usize;
    let s = format!("{v:.digits$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    s.replacen('-', "\u{2212}", 1)
}

/// The cells of a row other than the source: input, law, P5, P50, P95, unit, drawn.
fn cells(r: &InputRow) -> [String; 7] {
    let (p5, p50, p95) = if r.drawn == FIXED {
        (String::new(), num(r.p50), String::new())
    } else {
        (num(r.p5), num(r.p50), num(r.p95))
    };
    [
        r.path.clone(),
        if r.drawn == FIXED {
            "fixed".into()
        } else {
            r.law.clone()
        },
        p5,
        p50,
        p95,
        r.unit.to_string(),
        r.drawn.to_string(),
    ]
}

/// "yes: why" for an assumption, "default" for a schema default, else empty.
fn assumption(r: &InputRow) -> String {
    match &r.source {
        Some(Source::Assumed { why, .. }) => format!("yes: {why}"),
        _ if r.default => "default".into(),
        Some(_) => String::new(),
        None => "no source given".into(),
    }
}

/// The IDs the rows cite, in order of first citation.
fn cited<'a>(rows: impl Iterator<Item = &'a InputRow>) -> Vec<&'a str> {
    let mut out: Vec<&str> = Vec::new();
    for r in rows {
        for id in r.source.iter().flat_map(Source::ids) {
            if !out.contains(&id) {
                out.push(id);
            }
        }
    }
    out
}

/// The section in Markdown.
pub fn markdown(doc: &Document, o: &mut String, cell: impl Fn(&str) -> String) {
    if doc.input_rows().next().is_none() {
        return;
    }
    let _ = writeln!(o, "## {TITLE}\n\n{}\n", cell(NOTE));
    for block in &doc.inputs {
        if !block.heading.is_empty() {
            let _ = writeln!(o, "### {}\n", cell(&block.heading));
        }
        if let Some(note) = &block.note {
            let _ = writeln!(o, "{}\n", cell(note));
        }
        let _ = writeln!(o, "| {} |", HEADER.join(" | "));
        let _ = writeln!(o, "|---|---|---:|---:|---:|---|---|---|---|");
        for r in block.rows.iter().filter(|r| !r.default) {
            let mut row: Vec<String> = cells(r).iter().map(|c| cell(c)).collect();
            row.push(
                r.source
                    .iter()
                    .flat_map(Source::ids)
                    .map(|id| format!("[{id}](#{id})"))
                    .collect::<Vec<_>>()
                    .join(", "),
            );
            row.push(cell(&assumption(r)));
            let _ = writeln!(o, "| {} |", row.join(" | "));
        }
        o.push('\n');
    }
    let ids = cited(doc.input_rows());
    if ids.is_empty() {
        return;
    }
    let _ = writeln!(
        o,
        "### Sources\n\nThe entries of docs/sources.md that the inputs cite, as shipped with \
         corridor {}.\n",
        doc.version
    );
    for id in &ids {
        let text = links(
            provenance::entry(id).unwrap_or(""),
            &mut |t, target| match target.strip_prefix('#') {
                Some(to) if ids.contains(&to) => format!("[{t}]({target})"),
                Some(to) => format!("{t} (docs/sources.md#{to})"),
                None => format!("[{t}]({target})"),
            },
        );
        let _ = writeln!(o, "<a id=\"{id}\"></a>\n#### {id}\n\n{text}\n");
    }
}

/// `text` with each Markdown link `[t](target)` replaced by `f(t, target)`.
fn links(text: &str, f: &mut impl FnMut(&str, &str) -> String) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        let after = &rest[open + 1..];
        let link = after.find("](").and_then(|mid| {
            let close = after[mid + 2..].find(')')?;
            let t = &after[..mid];
            (!t.contains('[') && !t.contains('\n'))
                .then(|| (t, &after[mid + 2..mid + 2 + close], mid + 2 + close + 1))
        });
        match link {
            Some((t, target, len)) => {
                out.push_str(&rest[..open]);
                out.push_str(&f(t, target));
                rest = &after[len..];
            }
            None => {
                out.push_str(&rest[..=open]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The section in HTML; `esc` escapes text for the page.
pub fn html(doc: &Document, o: &mut String, esc: impl Fn(&str) -> String) {
    if doc.input_rows().next().is_none() {
        return;
    }
    let _ = writeln!(
        o,
        "<h2 id=\"{ID}\">{TITLE}</h2>\n<p class=\"note\">{}</p>",
        esc(NOTE)
    );
    let class = |i: usize| {
        if (2..5).contains(&i) {
            " class=\"num\""
        } else {
            ""
        }
    };
    let head: String = HEADER
        .iter()
        .enumerate()
        .map(|(i, h)| format!("<th{}>{h}</th>", class(i)))
        .collect();
    for block in &doc.inputs {
        if !block.heading.is_empty() {
            let _ = writeln!(o, "<h3>{}</h3>", esc(&block.heading));
        }
        if let Some(note) = &block.note {
            let _ = writeln!(o, "<p class=\"note\">{}</p>", esc(note));
        }
        let _ = writeln!(
            o,
            "<table class=\"inputs\">\n<thead><tr>{head}</tr></thead>\n<tbody>"
        );
        for r in block.rows.iter().filter(|r| !r.default) {
            let mut row = String::new();
            for (i, c) in cells(r).iter().enumerate() {
                // A long path breaks after its dots and brackets, not inside a name.
                let text = if i == 0 {
                    esc(c).replace('.', ".<wbr>").replace(']', "]<wbr>")
                } else {
                    esc(c)
                };
                let _ = write!(row, "<td{}>{text}</td>", class(i));
            }
            let links: Vec<String> = r
                .source
                .iter()
                .flat_map(Source::ids)
                .map(|id| format!("<a href=\"#src-{id}\">{}</a>", esc(id)))
                .collect();
            let _ = write!(
                row,
                "<td>{}</td><td>{}</td>",
                links.join(", "),
                esc(&assumption(r))
            );
            let _ = writeln!(o, "<tr>{row}</tr>");
        }
        let _ = writeln!(o, "</tbody>\n</table>");
    }
    let ids = cited(doc.input_rows());
    if ids.is_empty() {
        return;
    }
    let _ = writeln!(
        o,
        "<h3 id=\"sources\">Sources</h3>\n<p class=\"note\">The entries of docs/sources.md that \
         the inputs cite, as shipped with corridor {}.</p>",
        esc(doc.version)
    );
    for id in &ids {
        // Links between entries: to the quoted entry if the report holds it, else named.
        let text = links(
            provenance::entry(id).unwrap_or(""),
            &mut |t, target| match target.strip_prefix('#') {
                Some(to) if ids.contains(&to) => format!("{t} (see {to})"),
                Some(to) => format!("{t} (docs/sources.md#{to})"),
                None => format!("{t} ({target})"),
            },
        );
        let _ = writeln!(
            o,
            "<section class=\"source\" id=\"src-{id}\">\n<h4>{}</h4>\n{}</section>",
            esc(id),
            entry_html(&text, &esc)
        );
    }
}

/// An entry of docs/sources.md as HTML: paragraphs and bullets, **bold** and bare URLs kept;
/// other Markdown shows as written.
fn entry_html(text: &str, esc: &impl Fn(&str) -> String) -> String {
    let mut out = String::new();
    let mut in_list = false;
    let mut para: Vec<String> = Vec::new();
    let mut items: Vec<String> = Vec::new();
    let flush_para = |para: &mut Vec<String>, out: &mut String| {
        if !para.is_empty() {
            let _ = writeln!(out, "<p>{}</p>", inline(&para.join(" "), esc));
            para.clear();
        }
    };
    let flush_list = |items: &mut Vec<String>, out: &mut String| {
        if !items.is_empty() {
            let _ = writeln!(out, "<ul>");
            for i in items.iter() {
                let _ = writeln!(out, "<li>{}</li>", inline(i, esc));
            }
            let _ = writeln!(out, "</ul>");
            items.clear();
        }
    };
    for line in text.lines() {
        let t = line.trim();
        if t.is_empty() {
            flush_para(&mut para, &mut out);
            flush_list(&mut items, &mut out);
            in_list = false;
        } else if let Some(item) = t.strip_prefix("- ") {
            flush_para(&mut para, &mut out);
            items.push(item.to_string());
            in_list = true;
        } else if in_list && line.starts_with(' ') {
            if let Some(last) = items.last_mut() {
                last.push(' ');
                last.push_str(t);
            }
        } else {
            flush_list(&mut items, &mut out);
            in_list = false;
            para.push(t.to_string());
        }
    }
    flush_para(&mut para, &mut out);
    flush_list(&mut items, &mut out);
    out
}

/// `**bold**` and bare `https://` URLs in escaped text.
fn inline(s: &str, esc: &impl Fn(&str) -> String) -> String {
    let mut out = String::new();
    for (i, part) in s.split("**").enumerate() {
        let part = link_urls(part, esc);
        if i % 2 == 1 {
            let _ = write!(out, "<strong>{part}</strong>");
        } else {
            out.push_str(&part);
        }
    }
    out
}

fn link_urls(s: &str, esc: &impl Fn(&str) -> String) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find("https://") {
        out.push_str(&esc(&rest[..i]));
        let url_end = rest[i..]
            .find(|c: char| c.is_whitespace() || c == ')' || c == '>')
            .map_or(rest.len(), |e| i + e);
        let url = rest[i..url_end].trim_end_matches(['.', ',', ';']);
        let e = esc(url);
        let _ = write!(out, "<a href=\"{e}\">{e}</a>");
        rest = &rest[i + url.len()..];
    }
    out.push_str(&esc(rest));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statistics_keep_three_significant_figures() {
        assert_eq!(num(72.5), "72.5");
        assert_eq!(num(0.01), "0.01");
        assert_eq!(num(-1.234), "\u{2212}1.23");
        assert_eq!(num(11.619), "11.6");
        assert_eq!(num(0.0), "0");
        assert_eq!(num(1234.0), "1234");
    }

    #[test]
    fn links_are_rewritten() {
        let t = links("see [a](#x), [b](#y) and [c] (d)", &mut |t, to| {
            format!("<{t}|{to}>")
        });
        assert_eq!(t, "see <a|#x>, <b|#y> and [c] (d)");
    }

    #[test]
    fn entries_become_paragraphs_bullets_and_links() {
        let esc = |s: &str| crate::output::charts::xml_escape(s);
        let h = entry_html(
            "A pipe & more.\n\n- **Value:** 72.5 Mt/yr\n- **Source:** Daryo,\n  https://daryo.uz/x (URL verified).",
            &esc,
        );
        assert!(h.contains("<p>A pipe &amp; more.</p>"), "{h}");
        assert!(
            h.contains("<li><strong>Value:</strong> 72.5 Mt/yr</li>"),
            "{h}"
        );
        assert!(
            h.contains("<a href=\"https://daryo.uz/x\">https://daryo.uz/x</a> (URL verified)."),
            "{h}"
        );
    }
}
