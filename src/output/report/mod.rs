//! `report.html` and `report.md`: a run's results for people, built from the same statistics and
//! chart data as the files beside them.
//!
//! The HTML is self-contained (inline SVG and CSS, nothing fetched) so it can be mailed or printed
//! to PDF as is; the Markdown holds the same tables and links to the chart files, for authors who
//! paste into their own documents. Both read a `Page`; the tables are built once here so the two
//! cannot disagree.

pub mod analyses;
pub mod document;
pub mod html;
pub mod inputs;
pub mod markdown;

use crate::output::charts::data::negligible;
use crate::output::charts::theme::{self, Unit};
use crate::output::charts::{Drawn, Formats, SkippedChart};
use crate::output::observations::Placed;
use crate::output::{MetricResult, Results, RunInfo, precision};
use crate::scenario::dates::civil_from_days;
use crate::stats::{Stats, Z95, wilson};
use document::{Document, Inputs, Meta};

pub const HTML: &str = "report.html";
pub const MARKDOWN: &str = "report.md";

/// `report.html` and `report.md` of a document.
pub fn files(doc: &Document) -> [crate::output::OutputFile; 2] {
    [
        crate::output::OutputFile {
            path: HTML.into(),
            bytes: html::render(doc).into_bytes(),
        },
        crate::output::OutputFile {
            path: MARKDOWN.into(),
            bytes: markdown::render(doc).into_bytes(),
        },
    ]
}

/// What a run's report shows.
pub struct Page<'a> {
    pub results: &'a Results,
    pub info: &'a RunInfo,
    /// The scenario in plain language (`corridor explain`).
    pub explain: &'a str,
    /// The run's charts, in report order (empty with `--charts none`).
    pub charts: &'a [Drawn],
    /// Which chart files were written (what the Markdown can link).
    pub formats: Formats,
    /// `(route, producers)`, in scenario order.
    pub routes: &'a [(String, Vec<String>)],
    /// Charts not drawn because their quantity was zero in every trial, with the reason.
    pub skipped: &'a [SkippedChart],
    /// The scenario's observations, placed in their simulated distributions.
    pub observations: &'a [Placed],
    /// Every number of the scenario with its source (`scenario::inputs::all`).
    pub inputs: &'a [crate::scenario::inputs::InputRow],
}

impl Page<'_> {
    fn metric(&self, kind: &str, entity: &str) -> Option<&MetricResult> {
        self.results.find(kind, entity).map(|(_, m)| m)
    }

    fn entities(&self, kind: &str) -> Vec<&str> {
        self.results.entities(kind)
    }

    /// "2025–2035".
    pub fn span(&self) -> String {
        match (self.results.years.first(), self.results.years.last()) {
            (Some(a), Some(b)) if a != b => format!("{a}–{b}"),
            (Some(a), _) => a.to_string(),
            _ => String::new(),
        }
    }

    /// "100,000 trials × 11 years (2025–2035), seed 42".
    pub fn run_line(&self) -> String {
        let r = self.results;
        format!(
            "{} × {} ({}), seed {}",
            theme::count(r.trials, "trial"),
            theme::count(r.years.len() as u64, "year"),
            self.span(),
            r.seed
        )
    }
}

/// Which column a table cell belongs to, for alignment.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Align {
    Left,
    Right,
}

/// A table both reports render.
pub struct Table {
    pub id: &'static str,
    pub title: String,
    /// How to read it, one line.
    pub note: String,
    pub header: Vec<String>,
    pub align: Vec<Align>,
    pub rows: Vec<Vec<String>>,
    /// Rows that start a new group (a new producer), for a rule above them.
    pub group_starts: Vec<usize>,
}

/// One left-aligned label column, then `n` right-aligned number columns.
fn label_then_numbers(n: usize) -> Vec<Align> {
    std::iter::once(Align::Left)
        .chain(std::iter::repeat_n(Align::Right, n))
        .collect()
}

const PERCENTILE_HEADER: [&str; 6] = ["P5", "P25", "Median", "P75", "P95", "Mean"];

/// The five percentiles and the mean of `s` for a table row, each to the precision its 95%
/// interval supports (`output::precision`).
fn percentile_cells(s: &Stats, unit: Unit) -> Vec<String> {
    precision::percentiles(s, unit.divisor).to_vec()
}

/// The quantities of a producer the key tables show, with their labels (a metric the scenario
/// does not have, such as `made_up_volume` without make-up, is left out).
const QUANTITIES: [(&str, &str); 7] = [
    ("revenue", "Revenue"),
    ("revenue_undisrupted", "Revenue without disruptions"),
    ("lost_revenue", "Lost revenue"),
    ("export_volume", "Export volume"),
    ("stranded_volume", "Stranded volume"),
    ("lost_volume", "Lost volume"),
    ("made_up_volume", "Made up later in the year"),
];

/// The key percentiles: per producer, per route, per asset.
pub fn tables(page: &Page) -> Vec<Table> {
    let span = page.span();
    let mut out = Vec::new();

    let mut rows = Vec::new();
    let mut group_starts = Vec::new();
    for producer in page.entities("revenue") {
        // One money unit per producer, set by its revenue, so its rows compare at a glance.
        let money = Unit::money(
            page.metric("revenue", producer)
                .map_or(0.0, |m| m.horizon.max.abs().max(m.horizon.min.abs())),
        );
        group_starts.push(rows.len());
        for (i, (kind, label)) in QUANTITIES.iter().enumerate() {
            let Some(m) = page.metric(kind, producer) else {
                continue;
            };
            let unit = if m.unit == "USD million" {
                money
            } else {
                Unit::for_metric(m.unit, 0.0)
            };
            let mut row = vec![
                if i == 0 {
                    producer.to_string()
                } else {
                    String::new()
                },
                label.to_string(),
                unit.label.to_string(),
            ];
            row.extend(percentile_cells(&m.horizon, unit));
            rows.push(row);
        }
    }
    let mut header = vec!["Producer".to_string(), "Quantity".into(), "Unit".into()];
    header.extend(PERCENTILE_HEADER.iter().map(|s| s.to_string()));
    let mut align = vec![Align::Left; 3];
    align.extend([Align::Right; 6]);
    out.push(Table {
        id: "producers",
        title: format!("Producers: totals over {span}"),
        note: "Percentiles across trials of each producer's total over the horizon. Lost \
               revenue and lost volume compare each trial with its undisrupted twin."
            .into(),
        header,
        align: align.clone(),
        rows,
        group_starts,
    });

    if let Some(t) = stranding(page) {
        out.push(t);
    }
    if let Some(t) = observations(page.observations) {
        out.push(t);
    }

    let routes: Vec<&str> = page.entities("route_volume");
    if !routes.is_empty() {
        let rows = routes
            .iter()
            .filter_map(|route| {
                let m = page.metric("route_volume", route)?;
                let shippers = page
                    .routes
                    .iter()
                    .find(|(r, _)| r == route)
                    .map(|(_, p)| p.join(", "))
                    .unwrap_or_default();
                let mut row = vec![route.to_string(), shippers, "Mt".into()];
                row.extend(percentile_cells(&m.horizon, Unit::MT));
                Some(row)
            })
            .collect();
        let mut header = vec!["Route".to_string(), "Shippers".into(), "Unit".into()];
        header.extend(PERCENTILE_HEADER.iter().map(|s| s.to_string()));
        out.push(Table {
            id: "routes",
            title: format!("Routes: volume shipped over {span}"),
            note: "Percentiles across trials of each route's total volume over the horizon.".into(),
            header,
            align,
            rows,
            group_starts: Vec::new(),
        });
    }

    let assets: Vec<&str> = page.entities("utilisation");
    if !assets.is_empty() {
        let rows = assets
            .iter()
            .filter_map(|asset| {
                let u = page.metric("utilisation", asset)?;
                let mut row = vec![asset.to_string()];
                row.extend(
                    [u.horizon.p5, u.horizon.p50, u.horizon.p95, u.horizon.mean]
                        .into_iter()
                        .map(|v| theme::value(Unit::PERCENT.show(v))),
                );
                row.push(
                    page.metric("outage_days", asset)
                        .map_or_else(String::new, |o| theme::value(o.horizon.mean)),
                );
                Some(row)
            })
            .collect();
        out.push(Table {
            id: "assets",
            title: format!("Assets: utilisation, mean over {span}"),
            note: "Flow as a percentage of nominal capacity, averaged over the years of each \
                   trial (0 for assets without capacity); outage days are summed over the \
                   horizon."
                .into(),
            header: [
                "Asset",
                "P5 (%)",
                "Median (%)",
                "P95 (%)",
                "Mean (%)",
                "Outage days (mean)",
            ]
            .map(String::from)
            .to_vec(),
            align: label_then_numbers(5),
            rows,
            group_starts: Vec::new(),
        });
    }
    out
}

/// Each observed value beside its simulated distribution, and where it falls in it.
fn observations(placed: &[Placed]) -> Option<Table> {
    if placed.is_empty() {
        return None;
    }
    let rows = placed
        .iter()
        .map(|o| {
            let unit = Unit::for_metric(o.unit, o.value.abs());
            let q = &o.simulated;
            let mut row = vec![
                o.metric.clone(),
                o.when(),
                unit.label.to_string(),
                theme::value(unit.show(o.value)),
            ];
            row.extend(
                [q.p5, q.p25, q.p50, q.p75, q.p95]
                    .into_iter()
                    .map(|v| theme::value(unit.show(v))),
            );
            row.push(format!(
                "{} ({}–{})",
                theme::percentile(o.percentile),
                theme::percentile(o.percentile_low),
                theme::percentile(o.percentile_high)
            ));
            row.push(o.source.clone());
            row
        })
        .collect();
    let header = [
        "Metric",
        "Year",
        "Unit",
        "Observed",
        "P5",
        "P25",
        "Median",
        "P75",
        "P95",
        "Observed at percentile (95% interval)",
        "Source",
    ]
    .map(String::from)
    .to_vec();
    let mut align = vec![Align::Left, Align::Left, Align::Left];
    align.extend([Align::Right; 7]);
    align.push(Align::Left);
    Some(Table {
        id: "observations",
        title: "Observations: what happened, against the simulated distribution".into(),
        note: "Each value the scenario records as observed, beside the simulated percentiles of \
               the same metric and year, and the share of trials below it (mid-rank, from the \
               run's histograms; the interval adds the histogram's bucket width to the 95% \
               Wilson interval of the sampling). Near 50 the model is centred on history; \
               below 5 or above 95, history lies in its tail. Sources: docs/sources.md."
            .into(),
        header,
        align,
        rows,
        group_starts: Vec::new(),
    })
}

/// Chance of stranding more than each threshold in at least one year, per producer.
fn stranding(page: &Page) -> Option<Table> {
    let n = page.results.trials as f64;
    let mut rows = Vec::new();
    let mut group_starts = Vec::new();
    for producer in page.entities("revenue") {
        let over: Vec<(&MetricResult, f64)> = page
            .results
            .metrics
            .iter()
            .filter(|m| m.entity == producer)
            .filter_map(|m| Some((m, m.threshold?)))
            .collect();
        group_starts.push(rows.len());
        for (i, &(m, threshold)) in over.iter().enumerate() {
            let any = m.horizon.mean;
            let (lo, hi) = wilson(any, n, Z95);
            let share_of_years = if m.by_year.is_empty() {
                0.0
            } else {
                m.by_year.iter().map(|s| s.mean).sum::<f64>() / m.by_year.len() as f64
            };
            let pct = |v: f64| theme::value(Unit::PERCENT.show(v));
            rows.push(vec![
                if i == 0 {
                    producer.to_string()
                } else {
                    String::new()
                },
                threshold.to_string(),
                pct(any),
                format!("{}–{}", pct(lo), pct(hi)),
                pct(share_of_years),
            ]);
        }
    }
    if rows.is_empty() {
        return None;
    }
    Some(Table {
        id: "stranding",
        title: format!(
            "Stranded volume: chance of exceeding a threshold in {}",
            page.span()
        ),
        note: "The share of trials in which a producer's stranded volume exceeds the threshold in \
               at least one year, with its 95% Wilson interval, and the average share of years \
               in which it does (thresholds: the scenario's stranded_thresholds)."
            .into(),
        header: [
            "Producer",
            "More than (Mt/yr)",
            "In at least one year (%)",
            "95% interval (%)",
            "Share of years (%)",
        ]
        .map(String::from)
        .to_vec(),
        align: label_then_numbers(4),
        rows,
        group_starts,
    })
}

/// One sentence per producer with the numbers most readers look for first.
pub fn at_a_glance(page: &Page) -> Vec<String> {
    let span = page.span();
    page.entities("revenue")
        .into_iter()
        .filter_map(|p| {
            let rev = page.metric("revenue", p)?;
            if negligible(&rev.horizon) {
                return Some(format!("{p}: no export revenue in any trial."));
            }
            let unit = Unit::money(rev.horizon.max.abs().max(rev.horizon.min.abs()));
            let money = |v: f64| format!("{} {}", theme::value(unit.show(v)), unit.label);
            let mut s = format!(
                "{p}: revenue over {span} of {} at the median (90% of trials between {} and {})",
                money(rev.horizon.p50),
                theme::value(unit.show(rev.horizon.p5)),
                money(rev.horizon.p95),
            );
            match page.metric("lost_revenue", p) {
                Some(lost) if negligible(&lost.horizon) => {
                    s.push_str("; disruptions cost it nothing in any trial");
                }
                Some(lost) => s.push_str(&format!(
                    "; disruptions cost {} on average and {} or more in 1 trial in 20",
                    money(lost.horizon.mean),
                    money(lost.horizon.p95)
                )),
                None => {}
            }
            match page.metric("stranded_volume", p) {
                Some(st) if negligible(&st.horizon) => s.push_str("; no volume was stranded"),
                Some(st) => s.push_str(&format!(
                    "; stranded volume averages {} Mt (P95 {} Mt)",
                    theme::value(st.horizon.mean),
                    theme::value(st.horizon.p95)
                )),
                None => {}
            }
            s.push('.');
            Some(s)
        })
        .collect()
}

/// Report sections in order, each with the chart stems' prefix that belongs to it.
pub const SECTIONS: [(&str, &str, &[&str]); 4] = [
    (
        "revenue",
        "Revenue",
        &["revenue-fan-", "revenue-distribution-"],
    ),
    (
        "tail-risk",
        "Tail risk",
        &["lost-revenue-exceedance", "stranded-volume-exceedance"],
    ),
    (
        "routes",
        "Volumes by route",
        &["route-volumes-", "route-volume-distributions"],
    ),
    ("capacity", "Capacity use", &["utilisation-fan-"]),
];

impl<'a> Page<'a> {
    /// The run's report: the producers', routes' and assets' tables, the charts by section, the
    /// inputs and the run's metadata.
    pub fn document(&self) -> Document<'a> {
        let r = self.results;
        let info = self.info;
        let drawn = !self.charts.is_empty();
        let sections = document::sections(self.charts, self.skipped, &SECTIONS);
        Document {
            title: format!("corridor report: {}", r.scenario),
            lede: self.run_line(),
            glance: at_a_glance(self),
            tables: tables(self),
            sections,
            no_charts: !drawn,
            formats: self.formats,
            inputs: vec![Inputs {
                heading: String::new(),
                note: None,
                rows: self.inputs,
            }],
            scenarios: vec![(String::new(), self.explain.to_string())],
            meta: meta(r, info, &self.span()),
            files: "Full statistics: `summary.json`, `percentiles.csv`; the scenario as run: \
                    `scenario.ron`."
                .into(),
            version: info.corridor_version,
        }
    }
}

/// The run metadata every report ends with: what was run (both reports) and how long it took
/// where (HTML only).
pub fn meta(r: &Results, info: &RunInfo, span: &str) -> Vec<Meta> {
    vec![
        Meta::new("Scenario", r.scenario.clone()),
        Meta::new("Scenario file", info.scenario_file.clone()),
        Meta::new("Years", span),
        Meta::new("Trials", theme::number(r.trials as f64, 0)),
        Meta::new("Seed", r.seed.to_string()),
        Meta::timing("Threads", info.threads.to_string()),
        Meta::timing(
            "Simulation time",
            format!(
                "{} s ({} trials/s)",
                theme::number(info.elapsed_seconds, 2),
                theme::number(info.trials_per_second, 0)
            ),
        ),
        Meta::timing("Finished", utc(info.finished_unix)),
        Meta::new("corridor", info.corridor_version),
    ]
}

/// A UTC date and time from seconds since 1970 ("2026-03-01 14:05 UTC").
pub fn utc(unix: u64) -> String {
    let (y, m, d) = civil_from_days((unix / 86_400) as i64);
    let secs = unix % 86_400;
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02} UTC",
        secs / 3600,
        (secs % 3600) / 60
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn utc_dates() {
        assert_eq!(super::utc(0), "1970-01-01 00:00 UTC");
        assert_eq!(super::utc(951_782_400), "2000-02-29 00:00 UTC");
        assert_eq!(super::utc(1_767_225_600 + 3_660), "2026-01-01 01:01 UTC");
    }
}
