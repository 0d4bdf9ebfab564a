//! The one report builder: what every command's `report.html` and `report.md` hold, as plain
//! sections that `html` and `markdown` lay out.
//!
//! Why one: `run`, `compare`, `sweep` and `sensitivity` each tell a reader what was run, the key
//! table, every chart with a caption on how to read it, the inputs with their sources and the
//! run's metadata. Each command fills a `Document` from its own results (`report::run`,
//! `report::analyses`); the page layout, the styles, the inputs section and the chart links are
//! written once, so the four reports read alike and a fix to one is a fix to all.

use crate::output::charts::{Drawn, Formats, SkippedChart};
use crate::output::report::Table;
use crate::scenario::inputs::InputRow;

/// Said once under "Key results" in every report: how the numbers were computed and why they
/// show the digits they do (docs/model.md, "Percentiles"; `output::precision`).
pub const HOW_TO_READ: &str = "Percentiles are read from each result's histogram of all trials \
    (log-linear buckets of 1/128 of a power of two, interpolated inside the bucket, so each is \
    within 0.8% of the exact nearest-rank sample percentile and usually within 0.05%); means are \
    exact. Each number shows at most three \
    significant figures, and fewer where its 95% interval is wider: the last digit shown is \
    one its uncertainty supports. The JSON and CSV files keep full values.";

/// A report, ready to lay out.
pub struct Document<'a> {
    /// "corridor report: baseline", the page title and first heading.
    pub title: String,
    /// One line under the title: trials, years, seed.
    pub lede: String,
    /// Sentences with the numbers most readers look for first.
    pub glance: Vec<String>,
    /// The key tables, under "Key results".
    pub tables: Vec<Table>,
    /// Chart sections in report order; sections without charts are left out of the page.
    pub sections: Vec<Section<'a>>,
    /// True when `--charts none` drew nothing.
    pub no_charts: bool,
    /// Which chart files were written (what the reports can link).
    pub formats: Formats,
    /// The inputs of each scenario the report covers, with a heading when there are several.
    pub inputs: Vec<Inputs<'a>>,
    /// Scenarios in plain language (`corridor explain`), with a heading each.
    pub scenarios: Vec<(String, String)>,
    /// Run metadata; `timing` rows show only in the HTML, so report.md is the same on a rerun.
    pub meta: Vec<Meta>,
    /// The files with the full statistics, a sentence with `code` in backticks.
    pub files: String,
    /// corridor's version, which names the docs/sources.md the quotes come from.
    pub version: &'static str,
}

/// One chart section: an id for links, a title, its charts and a note (charts not drawn).
pub struct Section<'a> {
    pub id: &'static str,
    pub title: String,
    pub charts: Vec<&'a Drawn>,
    pub note: Option<String>,
}

/// The inputs of one scenario.
pub struct Inputs<'a> {
    /// Empty for a report of one scenario.
    pub heading: String,
    /// What else a reader must know (the values a sweep gave an input).
    pub note: Option<String>,
    pub rows: &'a [InputRow],
}

/// One row of the run's metadata.
pub struct Meta {
    pub key: &'static str,
    pub value: String,
    /// Differs between reruns (time, threads): kept out of report.md.
    pub timing: bool,
}

impl Meta {
    pub fn new(key: &'static str, value: impl Into<String>) -> Meta {
        Meta {
            key,
            value: value.into(),
            timing: false,
        }
    }

    pub fn timing(key: &'static str, value: impl Into<String>) -> Meta {
        Meta {
            key,
            value: value.into(),
            timing: true,
        }
    }
}

impl Document<'_> {
    /// The sections that have something to show, in order.
    pub fn shown(&self) -> impl Iterator<Item = &Section<'_>> {
        self.sections
            .iter()
            .filter(|s| !s.charts.is_empty() || s.note.is_some())
    }

    /// Every input row of the report, for the sources it cites.
    pub fn input_rows(&self) -> impl Iterator<Item = &InputRow> {
        self.inputs.iter().flat_map(|i| i.rows.iter())
    }
}

/// The chart sections of a report: each `(id, title, stem prefixes)` with the charts whose stems
/// start with one of its prefixes, in chart order, then any chart no section claims under "More
/// charts", so a chart added later is never left out of the report.
pub fn sections<'a>(
    charts: &'a [Drawn],
    skipped: &[SkippedChart],
    spec: &[(&'static str, &str, &[&str])],
) -> Vec<Section<'a>> {
    let claims = |stem: &str, prefixes: &[&str]| prefixes.iter().any(|p| stem.starts_with(p));
    let mut out: Vec<Section> = spec
        .iter()
        .map(|&(id, title, prefixes)| Section {
            id,
            title: title.into(),
            charts: charts
                .iter()
                .filter(|d| claims(&d.chart.stem, prefixes))
                .collect(),
            note: skipped_note(skipped.iter().filter(|s| claims(&s.name, prefixes))),
        })
        .collect();
    let rest: Vec<&Drawn> = charts
        .iter()
        .filter(|d| !spec.iter().any(|(_, _, p)| claims(&d.chart.stem, p)))
        .collect();
    out.push(Section {
        id: "more-charts",
        title: "More charts".into(),
        charts: rest,
        note: skipped_note(
            skipped
                .iter()
                .filter(|s| !spec.iter().any(|(_, _, p)| claims(&s.name, p))),
        ),
    });
    out
}

/// "Not drawn: A; B." for a section's skipped charts (a reason shared by several charts said
/// once), or nothing.
pub fn skipped_note<'s>(skipped: impl Iterator<Item = &'s SkippedChart>) -> Option<String> {
    let mut reasons: Vec<&str> = Vec::new();
    for s in skipped {
        if !reasons.contains(&s.reason.as_str()) {
            reasons.push(&s.reason);
        }
    }
    (!reasons.is_empty()).then(|| format!("Not drawn: {}.", reasons.join("; ")))
}
