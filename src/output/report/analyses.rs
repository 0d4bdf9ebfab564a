//! The reports of `compare`, `sweep` and `sensitivity`: what was compared, varied or ranked,
//! the key table, the charts by section and the inputs, filled into the one `Document` that
//! `run`'s report uses too.
//!
//! Numbers follow `output::precision`: each difference shows the digits its interval supports.

use super::document::{self, Document, Inputs, Meta};
use super::{Align, PERCENTILE_HEADER, Table, percentile_cells, utc};
use crate::analysis::sensitivity::NOISE_SE;
use crate::output::charts::theme::{self, Unit};
use crate::output::charts::{ChartSet, Drawn, Formats};
use crate::output::compare::Compared;
use crate::output::precision::{self, mean_half_width, percentile_half_width, shown};
use crate::output::sensitivity::Ranked;
use crate::output::sweep::Swept;
use crate::output::{OutputFile, RunInfo, charts};
use crate::scenario::inputs::InputRow;
use crate::scenario::{Scenario, explain};
use crate::stats::{Stats, Z95};

/// What every analysis report holds besides its results: the drawn charts, which files were
/// written, each scenario's inputs and its plain-language account.
pub struct Extras<'a> {
    pub drawn: &'a ChartSet<Drawn>,
    pub formats: Formats,
    pub inputs: Vec<Inputs<'a>>,
    pub scenarios: Vec<(String, String)>,
}

impl<'a> Extras<'a> {
    /// The extras of a report on one scenario, whose input rows are `rows`.
    pub fn one(
        drawn: &'a ChartSet<Drawn>,
        formats: Formats,
        scenario: &Scenario,
        rows: &'a [InputRow],
    ) -> Extras<'a> {
        Extras {
            drawn,
            formats,
            inputs: vec![Inputs {
                heading: String::new(),
                note: None,
                rows,
            }],
            scenarios: vec![(String::new(), explain::overview(scenario))],
        }
    }
}

impl<'a> Extras<'a> {
    /// The report's chart sections by `(id, title, stem prefixes)`, with the charts left out
    /// named in their section's note.
    fn sections(&self, spec: &[(&'static str, &str, &[&str])]) -> Vec<document::Section<'a>> {
        document::sections(&self.drawn.charts, &self.drawn.skipped, spec)
    }

    /// True when `--charts none` drew nothing (and so left nothing out).
    fn no_charts(&self) -> bool {
        self.drawn.charts.is_empty() && self.drawn.skipped.is_empty()
    }
}

/// The report's two files and the charts' files of an analysis.
pub fn files(doc: &Document, drawn: &ChartSet<Drawn>, formats: Formats) -> Vec<OutputFile> {
    let mut out: Vec<OutputFile> = super::files(doc).into();
    for d in &drawn.charts {
        out.extend(d.files(formats));
    }
    out
}

fn span(years: &[i32]) -> String {
    charts::sweep::span(years)
}

/// The metadata rows of an analysis: `what` first, then timing and version.
fn meta(what: Vec<Meta>, info: &RunInfo) -> Vec<Meta> {
    let mut m = what;
    m.push(Meta::new("Scenario file", info.scenario_file.clone()));
    m.push(Meta::timing("Threads", info.threads.to_string()));
    m.push(Meta::timing(
        "Simulation time",
        format!(
            "{} s ({} simulated trials/s)",
            theme::number(info.elapsed_seconds, 2),
            theme::number(info.trials_per_second, 0)
        ),
    ));
    m.push(Meta::timing("Finished", utc(info.finished_unix)));
    m.push(Meta::new("corridor", info.corridor_version));
    m
}

/// A statistic with its uncertainty, per the precision rule.
fn stat(v: f64, half_width: f64, unit: Unit) -> String {
    shown(unit.show(v), unit.show(half_width))
}

/// What compare's table shows of each producer: the totals a decision turns on.
const COMPARED_QUANTITIES: [(&str, &str); 4] = [
    ("revenue", "Revenue"),
    ("lost_revenue", "Lost revenue"),
    ("export_volume", "Export volume"),
    ("stranded_volume", "Stranded volume"),
];

/// The money unit of a producer's rows: set by the largest revenue any side reaches.
fn money(stats: &[&Stats]) -> Unit {
    Unit::money(
        stats
            .iter()
            .map(|s| s.max.abs().max(s.min.abs()))
            .fold(0.0, f64::max),
    )
}

/// `compare`'s report: per comparison, each producer's totals in A and B and their paired
/// differences, then the exceedance curves and difference histograms.
pub fn compare<'a>(c: &Compared, x: Extras<'a>) -> Document<'a> {
    let r = c.report;
    let span = span(&r.years);
    let level = format!("{:.0}%", 100.0 * r.interval_level);
    let mut tables = Vec::new();
    for cmp in &r.comparisons {
        let mut rows = Vec::new();
        let mut group_starts = Vec::new();
        let mut same = Vec::new();
        let producers: Vec<&str> = cmp
            .metrics
            .iter()
            .filter(|m| m.kind == "revenue")
            .map(|m| m.entity.as_str())
            .collect();
        for p in producers {
            let of = |kind: &str| cmp.metrics.iter().find(|m| m.kind == kind && m.entity == p);
            let mine = || cmp.metrics.iter().filter(|m| m.entity == p);
            // A producer that B leaves alone in every trial is named in the note, not tabled.
            if mine().all(|m| m.difference.min == 0.0 && m.difference.max == 0.0) {
                same.push(p);
                continue;
            }
            let unit_money = of("revenue").map_or(Unit::money(0.0), |m| money(&[&m.a, &m.b]));
            group_starts.push(rows.len());
            let mut first = true;
            for (kind, label) in COMPARED_QUANTITIES {
                let Some(m) = of(kind) else { continue };
                let unit = if m.unit == "USD million" {
                    unit_money
                } else {
                    Unit::for_metric(m.unit, 0.0)
                };
                let d = &m.mean_difference;
                let (change, interval) = precision::change_cells(
                    unit.show(d.estimate),
                    unit.show(d.lower),
                    unit.show(d.upper),
                );
                let mut row = vec![
                    if first { p.to_string() } else { String::new() },
                    format!("{label} ({})", unit.label),
                    stat(m.a.mean, mean_half_width(m.a.se), unit),
                    stat(m.b.mean, mean_half_width(m.b.se), unit),
                    change,
                    interval,
                ];
                first = false;
                match m.percentile_differences.iter().find(|p| p.stat == "p5") {
                    Some(p5) => {
                        let (change, interval) = precision::change_cells(
                            unit.show(p5.difference),
                            unit.show(p5.lower),
                            unit.show(p5.upper),
                        );
                        row.extend([
                            stat(p5.a, percentile_half_width(&m.a, 0.05), unit),
                            stat(p5.b, percentile_half_width(&m.b, 0.05), unit),
                            change,
                            interval,
                        ]);
                    }
                    None => row.extend(std::iter::repeat_n(String::new(), 4)),
                }
                rows.push(row);
            }
        }
        let (a, b) = (&cmp.a, &cmp.b);
        let mut note = format!(
            "Each producer's horizon totals in {a} and in {b}, simulated on the same random \
             numbers, and the change {b} − {a} with its {level} interval: of the mean (paired: \
             mean ± 1.645 standard errors of the per-trial differences) and of the 5th \
             percentile, the bad outcome (conservative: each side's 95% order-statistic interval \
             combined). An interval that straddles 0 means the run cannot tell the two apart."
        );
        if !same.is_empty() {
            note.push_str(&format!(
                " Not shown, identical in every trial of both scenarios: {}.",
                same.join(", ")
            ));
        }
        tables.push(Table {
            id: "differences",
            title: format!("{b} against {a}: totals over {span}"),
            note,
            header: [
                "Producer",
                "Quantity",
                &format!("Mean, {a}"),
                &format!("Mean, {b}"),
                "Change in mean",
                &format!("{level} interval"),
                &format!("P5, {a}"),
                &format!("P5, {b}"),
                "Change in P5",
                &format!("{level} interval"),
            ]
            .map(String::from)
            .to_vec(),
            align: [Align::Left; 2]
                .into_iter()
                .chain([Align::Right; 8])
                .collect(),
            rows,
            group_starts,
        });
    }
    let glance: Vec<String> = crate::output::compare::headline(r)
        .lines()
        .map(String::from)
        .collect();
    let pairing = if r.common_random_numbers {
        "on common random numbers"
    } else {
        "on independent seeds"
    };
    Document {
        title: format!("corridor compare: {}", r.scenarios.join(" vs ")),
        lede: format!(
            "{} scenarios, {} each {pairing} × {} ({span}), seed {}",
            r.scenarios.len(),
            theme::count(r.trials, "trial"),
            theme::count(r.years.len() as u64, "year"),
            r.seeds.first().copied().unwrap_or(0)
        ),
        glance,
        tables,
        sections: x.sections(&[
            (
                "exceedance",
                "Chance of exceeding",
                &[
                    "compare-revenue-exceedance",
                    "compare-lost-revenue-exceedance",
                ],
            ),
            (
                "differences",
                "Trial-by-trial differences",
                &["compare-revenue-difference"],
            ),
        ]),
        no_charts: x.no_charts(),
        formats: x.formats,
        inputs: x.inputs,
        scenarios: x.scenarios,
        meta: meta(
            vec![
                Meta::new("Scenarios", r.scenarios.join(", ")),
                Meta::new("Years", span),
                Meta::new("Trials per scenario", theme::number(r.trials as f64, 0)),
                Meta::new(
                    "Seeds",
                    r.seeds
                        .iter()
                        .map(u64::to_string)
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
            ],
            c.info,
        ),
        files: "Every shared metric and statistic with its interval: `compare.json`, \
                `compare.csv`; how the run went: `run.json`."
            .into(),
        version: c.info.corridor_version,
    }
}

/// `sweep`'s report: the charted metric for every variant, each producer's mean totals by
/// variant with the paired change from the first, and the sweep chart.
pub fn sweep<'a>(
    s: &Swept,
    metric: usize,
    labels: &[(String, &str)],
    mut x: Extras<'a>,
) -> Document<'a> {
    let span = span(s.years);
    let set = |k: usize| -> Vec<String> {
        s.variants[k]
            .values
            .iter()
            .map(|v| crate::format::short(*v))
            .collect()
    };
    let swept_header = || -> Vec<String> {
        s.paths
            .iter()
            .zip(labels)
            .map(|(p, (_, unit))| {
                if unit.is_empty() {
                    p.clone()
                } else {
                    format!("{p} ({unit})")
                }
            })
            .collect()
    };
    let n = s.paths.len();
    let m = &s.shared[metric];
    let stats: Vec<Stats> = (0..s.variants.len())
        .map(|k| s.stats.values[k][metric].finish())
        .collect();
    let unit = Unit::for_metric(
        m.unit,
        stats
            .iter()
            .map(|st| st.p5.abs().max(st.p95.abs()))
            .fold(0.0, f64::max),
    );
    // The paired change of metric `j` in variant `k` from the first, and its 95% interval.
    let change = |k: usize, j: usize, unit: Unit| -> [String; 2] {
        if k == 0 {
            return ["–".into(), String::new()];
        }
        let d = s.stats.diffs[k - 1][j].finish();
        let h = Z95 * d.se;
        let (c, i) = precision::change_cells(
            unit.show(d.mean),
            unit.show(d.mean - h),
            unit.show(d.mean + h),
        );
        [c, i]
    };
    let mut header = swept_header();
    header.extend(PERCENTILE_HEADER.iter().map(|h| h.to_string()));
    header.push("Change in mean from the first".into());
    header.push("95% interval".into());
    let metric_table = Table {
        id: "metric",
        title: format!("{} over {span} ({}), by variant", m.id, unit.label),
        note: format!(
            "Percentiles across trials of the horizon total of {} for each value given to the \
             swept input{}, every variant on the same random numbers; the change is paired, \
             trial by trial, against the first variant.",
            m.id,
            if n > 1 { "s" } else { "" }
        ),
        header,
        align: vec![Align::Right; n + 8],
        rows: stats
            .iter()
            .enumerate()
            .map(|(k, st)| {
                let mut row = set(k);
                row.extend(percentile_cells(st, unit));
                row.extend(change(k, metric, unit));
                row
            })
            .collect(),
        group_starts: Vec::new(),
    };

    // Every producer's mean revenue, lost revenue and stranded volume by variant.
    let find = |kind: &str, entity: &str| {
        s.shared
            .iter()
            .position(|x| x.kind == kind && x.entity == entity)
    };
    let producers: Vec<&str> = s
        .shared
        .iter()
        .filter(|x| x.kind == "revenue")
        .map(|x| x.entity.as_str())
        .collect();
    let mut rows = Vec::new();
    let mut group_starts = Vec::new();
    let mut same = Vec::new();
    for p in &producers {
        let revenue = find("revenue", p);
        // A producer no variant changes in any trial is named in the note, not tabled.
        let untouched = (1..s.variants.len()).all(|k| {
            s.shared
                .iter()
                .enumerate()
                .filter(|(_, x)| x.entity == *p)
                .all(|(j, _)| {
                    let d = s.stats.diffs[k - 1][j].finish();
                    d.min == 0.0 && d.max == 0.0
                })
        });
        if untouched && s.variants.len() > 1 {
            same.push(*p);
            continue;
        }
        let unit_money = money(
            &revenue
                .map(|j| {
                    (0..s.variants.len())
                        .map(|k| s.stats.values[k][j].finish())
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
                .iter()
                .collect::<Vec<_>>(),
        );
        group_starts.push(rows.len());
        for k in 0..s.variants.len() {
            let mut row = vec![
                if k == 0 { p.to_string() } else { String::new() },
                if k == 0 {
                    unit_money.label.to_string()
                } else {
                    String::new()
                },
            ];
            row.extend(set(k));
            for (kind, unit) in [
                ("revenue", unit_money),
                ("lost_revenue", unit_money),
                ("stranded_volume", Unit::MT),
            ] {
                let cells = find(kind, p).map(|j| {
                    let st = s.stats.values[k][j].finish();
                    (
                        stat(st.mean, mean_half_width(st.se), unit),
                        change(k, j, unit),
                    )
                });
                match cells {
                    Some((mean, change)) => {
                        row.push(mean);
                        if kind == "revenue" {
                            row.extend(change);
                        }
                    }
                    None => {
                        row.push(String::new());
                        if kind == "revenue" {
                            row.extend([String::new(), String::new()]);
                        }
                    }
                }
            }
            rows.push(row);
        }
    }
    let mut header = vec!["Producer".to_string(), "Money in".into()];
    header.extend(swept_header());
    header.extend(
        [
            "Mean revenue",
            "Change from the first",
            "95% interval",
            "Mean lost revenue",
            "Mean stranded volume (Mt)",
        ]
        .map(String::from),
    );
    let mut align = vec![Align::Left, Align::Left];
    align.extend(vec![Align::Right; n + 5]);
    let mut note = "Mean horizon totals of each producer for each variant, money in the unit its \
                    revenue reaches; the change is paired, trial by trial, against the first \
                    variant."
        .to_string();
    if !same.is_empty() {
        note.push_str(&format!(
            " Not shown, identical in every trial of every variant: {}.",
            same.join(", ")
        ));
    }
    let producers_table = Table {
        id: "producers",
        title: format!("Producers: mean totals over {span}, by variant"),
        note,
        header,
        align,
        rows,
        group_starts,
    };

    let swept: Vec<String> = s
        .paths
        .iter()
        .zip(labels)
        .enumerate()
        .map(|(i, (p, (label, _)))| {
            let mut values: Vec<String> = Vec::new();
            for v in s.variants {
                let t = crate::format::short(v.values[i]);
                if !values.contains(&t) {
                    values.push(t);
                }
            }
            format!("{p} ({label}) = {}", values.join(", "))
        })
        .collect();
    let mut inputs = std::mem::take(&mut x.inputs);
    if let Some(first) = inputs.first_mut() {
        first.note = Some(format!(
            "The scenario as written; the sweep replaced {} in turn with the values in the \
             key table.",
            s.paths.join(" and ")
        ));
    }
    // The variants with the lowest and the highest median (the first of equals), so the glance
    // says how far the swept input moves the metric, not only where it peaks.
    let extreme = |higher: bool| {
        (0..stats.len()).reduce(|a, b| {
            let (va, vb) = (stats[a].p50, stats[b].p50);
            if (higher && vb > va) || (!higher && vb < va) {
                b
            } else {
                a
            }
        })
    };
    let mut glance = vec![format!("Swept: {}.", swept.join("; "))];
    if let (Some(lo), Some(hi)) = (extreme(false), extreme(true)) {
        let median = |k: usize| {
            format!(
                "{} {}",
                stat(stats[k].p50, percentile_half_width(&stats[k], 0.5), unit),
                unit.label
            )
        };
        glance.push(if lo == hi || median(lo) == median(hi) {
            format!(
                "{} over {span}: median {} with every variant.",
                m.id,
                median(lo)
            )
        } else {
            format!(
                "{} over {span}: median from {} (with {}) to {} (with {}); the key table gives \
                 each variant's change in mean, trial by trial.",
                m.id,
                median(lo),
                set(lo).join(", "),
                median(hi),
                set(hi).join(", ")
            )
        });
    }
    Document {
        title: format!("corridor sweep: {}", s.scenario),
        lede: format!(
            "{} × {}, {} each on common random numbers × {} ({span}), seed {}",
            theme::count(s.variants.len() as u64, "variant"),
            s.paths.join(" × "),
            theme::count(s.stats.trials, "trial"),
            theme::count(s.years.len() as u64, "year"),
            s.seed
        ),
        glance,
        tables: vec![metric_table, producers_table],
        sections: x.sections(&[("sweep", "The swept metric", &["sweep-"])]),
        no_charts: x.no_charts(),
        formats: x.formats,
        inputs,
        scenarios: x.scenarios,
        meta: meta(
            vec![
                Meta::new("Swept", swept.join("; ")),
                Meta::new("Years", span),
                Meta::new(
                    "Trials per variant",
                    theme::number(s.stats.trials as f64, 0),
                ),
                Meta::new("Seed", s.seed.to_string()),
            ],
            s.info,
        ),
        files: "Every metric of every variant: `sweep.csv`; how the run went: `run.json`.".into(),
        version: s.info.corridor_version,
    }
}

/// Ranked inputs shown per output.
const RANKED: usize = 10;

/// `sensitivity`'s report: per output, the inputs ranked by their swing, with first- and
/// total-order indices, then the tornado charts.
pub fn sensitivity<'a>(r: &Ranked, years: &[i32], x: Extras<'a>) -> Document<'a> {
    let res = r.result;
    let span = span(years);
    let mut tables = Vec::new();
    let mut glance = Vec::new();
    for o in res.outputs.iter().filter(|o| o.variance > 0.0) {
        let max = o
            .inputs
            .iter()
            .flat_map(|i| [i.at_low.abs(), i.at_high.abs()])
            .fold(o.mean.abs(), f64::max);
        let unit = Unit::for_metric(o.unit, max);
        let ranked: Vec<_> = o.inputs.iter().filter(|i| !i.below_noise).collect();
        let noise = o.inputs.len() - ranked.len();
        let rows: Vec<Vec<String>> = ranked
            .iter()
            .take(RANKED)
            .enumerate()
            .map(|(k, i)| {
                let h = Z95 * i.swing_se;
                let mut row = vec![
                    (k + 1).to_string(),
                    i.input.clone(),
                    theme::value(i.input_low),
                    theme::value(i.input_high),
                    stat(i.at_low, h, unit),
                    stat(i.at_high, h, unit),
                ];
                let (swing, interval) = precision::change_cells(
                    unit.show(i.swing),
                    unit.show(i.swing - h),
                    unit.show(i.swing + h),
                );
                row.extend([
                    swing,
                    interval,
                    theme::number(i.first_order, 2),
                    theme::number(i.total_order, 2),
                ]);
                row
            })
            .collect();
        if let Some(top) = ranked.first() {
            glance.push(format!(
                "{}: {} moves the mean most (from {} to {} {} between its 10th and 90th \
                 percentiles); {} of the variance is explained by no single input.",
                o.metric,
                top.input,
                stat(top.at_low, Z95 * top.swing_se, unit),
                stat(top.at_high, Z95 * top.swing_se, unit),
                unit.label,
                precision::share(o.unexplained, o.unexplained_se)
            ));
        }
        let mut note = format!(
            "Mean {span} total (with every input varying: {} {}) with one input held at its \
             10th and at its 90th percentile; the swing is the difference, with its 95% \
             interval. S1 is the share of the variance the input explains alone, ST with its \
             interactions. {} of the variance is explained by no input.",
            stat(o.mean, 0.0, unit),
            unit.label,
            precision::share(o.unexplained, o.unexplained_se)
        );
        if ranked.len() > RANKED {
            note.push_str(&format!(
                " The top {RANKED} of {} ranked inputs; sensitivity.csv has all.",
                ranked.len()
            ));
        }
        if noise > 0 {
            note.push_str(&format!(
                " {noise} input(s) swing within {NOISE_SE} standard errors of 0: below the \
                 estimator's noise, not ranked."
            ));
        }
        tables.push(Table {
            id: "ranking",
            title: format!("{} ({})", o.metric, unit.label),
            note,
            header: [
                "Rank",
                "Input",
                "Input P10",
                "Input P90",
                "Mean at P10",
                "Mean at P90",
                "Swing",
                "95% interval",
                "S1",
                "ST",
            ]
            .map(String::from)
            .to_vec(),
            align: [Align::Right, Align::Left]
                .into_iter()
                .chain([Align::Right; 8])
                .collect(),
            rows,
            group_starts: Vec::new(),
        });
    }
    Document {
        title: format!("corridor sensitivity: {}", res.scenario),
        lede: format!(
            "{} ranked, {} per variant × {} ({span}), {} simulations, seed {}",
            theme::count(res.inputs as u64, "uncertain input"),
            theme::count(res.trials, "trial"),
            theme::count(years.len() as u64, "year"),
            theme::number(res.simulations as f64, 0),
            res.seed
        ),
        glance,
        tables,
        sections: x.sections(&[("tornado", "What moves each result", &["tornado-"])]),
        no_charts: x.no_charts(),
        formats: x.formats,
        inputs: x.inputs,
        scenarios: x.scenarios,
        meta: meta(
            vec![
                Meta::new("Scenario", res.scenario.clone()),
                Meta::new("Years", span),
                Meta::new("Trials per variant", theme::number(res.trials as f64, 0)),
                Meta::new("Simulations", theme::number(res.simulations as f64, 0)),
                Meta::new("Seed", res.seed.to_string()),
                Meta::new("Estimators", res.estimators),
            ],
            r.info,
        ),
        files: "Every output and input with its indices: `sensitivity.json`, \
                `sensitivity.csv`; how the run went: `run.json`."
            .into(),
        version: r.info.corridor_version,
    }
}
