//! Regenerates the numbers and the chart of docs/calibration.md.
//!
//! ```sh
//! cargo run --release --example calibration            # 20,000 trials, the backtest's seed
//! cargo run --release --example calibration -- 100000  # more trials
//! ```
//!
//! Prints two Markdown tables (the 2024 calibration, the 2022–2025 backtest) and writes
//! docs/calibration-backtest.svg. Why an example and not a command: the backtest needs every
//! trial's value in every year (to place a realised year at its percentile), which `run` does not
//! keep, and the realised losses are estimated from the event log here, where the method can be
//! read next to the numbers.

use std::collections::BTreeMap;
use std::path::Path;

use corridor::fit::events::{Date, Event, read_events};
use corridor::model::{Model, TrialSink, Workspace, simulate};
use corridor::output::charts::theme;
use corridor::scenario::schema::{ForcedEvent, Scenario};
use corridor::scenario::{Uncertain, load_file};
use plotters::prelude::*;

/// Kazakh crude through CPC by year (Mt), to turn an outage's days × severity into tonnes:
/// 2024 55 Mt (seed 000), 2025 64.8 Mt (facts: abc.com.py). (?) 2022–2023 have no figure in
/// facts.md; 2024's is used.
const CPC_FLOW: [(i64, f64); 4] = [(2022, 55.0), (2023, 55.0), (2024, 55.0), (2025, 64.8)];
/// The one event with a reported loss: ~3.8 Mt of Kazakh exports, 29 Nov 2025 → Jan 2026 (facts).
const REPORTED_NOV_2025: f64 = 3.8;

fn main() -> anyhow::Result<()> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let trials: u64 = std::env::args()
        .nth(1)
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(20_000);
    calibration_table(root)?;
    backtest(root, trials)
}

/// Metric values of every trial: `[year][trial]`, plus the horizon value of every trial.
struct Capture {
    metric: usize,
    years: Vec<Vec<f64>>,
    horizon: Vec<f64>,
}

impl TrialSink for Capture {
    fn year(&mut self, t: usize, values: &[f64]) {
        self.years[t].push(values[self.metric]);
    }
    fn horizon(&mut self, _trial: u64, values: &[f64]) {
        self.horizon.push(values[self.metric]);
    }
}

fn metric(model: &Model, id: &str) -> usize {
    model
        .layout
        .metrics
        .iter()
        .position(|m| m.id() == id)
        .unwrap_or_else(|| panic!("no metric {id}"))
}

fn capture(s: &Scenario, id: &str, seed: u64, trials: u64) -> Capture {
    let model = Model::compile(s);
    let mut c = Capture {
        metric: metric(&model, id),
        years: vec![Vec::new(); model.year_count()],
        horizon: Vec::new(),
    };
    let mut ws = Workspace::default();
    for i in 0..trials {
        simulate(&model, seed, i, &mut ws, &mut c);
    }
    c
}

fn calibration_table(root: &Path) -> anyhow::Result<()> {
    let loaded =
        load_file(&root.join("scenarios/calibration-2024.ron")).map_err(anyhow::Error::msg)?;
    let s = &loaded.scenario;
    let volume = |route: &str| capture(s, &format!("route_volume/{route}"), 1, 1).years[0][0];
    let through = |asset: &str| -> f64 {
        s.routes
            .iter()
            .filter(|r| r.assets.iter().any(|a| a == asset))
            .map(|r| volume(&r.name))
            .sum()
    };
    println!(
        "| asset (flow of Kazakh crude; BTC: all crude) | simulated 2024, Mt | target, Mt | difference |"
    );
    println!("|---|---:|---:|---:|");
    for (asset, target, source) in [
        ("CPC pipeline", 55.0, "seed 000"),
        ("Atyrau-Samara", 8.8, "seed 000"),
        ("Aktau port", 3.6, "seed 000"),
        ("Atasu-Alashankou", 1.2, "seed 000"),
        ("BTC", 30.0, "seed 000 (2023)"),
    ] {
        let got = through(asset);
        println!(
            "| {asset} | {got:.2} | {target} ({source}) | {:+.1}% |",
            100.0 * (got / target - 1.0)
        );
    }
    println!();
    Ok(())
}

fn event_log(root: &Path) -> anyhow::Result<Vec<Event>> {
    let text = std::fs::read_to_string(root.join("data/cpc-events-2022-2025.csv"))?;
    read_events(&text).map_err(|e| anyhow::anyhow!("{e:?}"))
}

/// Realised Kazakh loss per year from the event log: overlap days × severity × the year's CPC
/// flow / 365, except the Nov 2025 event, whose reported total is split by days. Also returns
/// what the formula gives for that event, to check the method against the one reported figure.
fn realised(events: &[Event]) -> (BTreeMap<i64, f64>, f64) {
    let flow: BTreeMap<i64, f64> = CPC_FLOW.into_iter().collect();
    let mut by_year: BTreeMap<i64, f64> = flow.keys().map(|y| (*y, 0.0)).collect();
    let mut formula_nov_2025 = 0.0;
    for e in events {
        let total_days = e.days();
        let reported = e.start == Date::parse("2025-11-29").expect("a date");
        for (year, loss) in by_year.iter_mut() {
            let (a, b) = (Date::from_ymd(*year, 1, 1), Date::from_ymd(*year, 12, 31));
            let days = (e.end.min(b).0 - e.start.max(a).0 + 1).max(0) as f64;
            let formula = days * e.severity * flow[year] / 365.0;
            if reported {
                formula_nov_2025 += days * e.severity * flow[&2025] / 365.0;
                *loss += REPORTED_NOV_2025 * days / total_days;
            } else {
                *loss += formula;
            }
        }
        if reported {
            // Days in 2026 are outside the table but part of the event's total.
            let after = (e.end.0 - Date::from_ymd(2025, 12, 31).0).max(0) as f64;
            formula_nov_2025 += after * e.severity * flow[&2025] / 365.0;
        }
    }
    (by_year, formula_nov_2025)
}

/// Mid-rank percentile of `x` among `sample`: the share below it plus half the share equal.
fn rank(sample: &[f64], x: f64) -> f64 {
    let below = sample.iter().filter(|v| **v < x - 1e-9).count() as f64;
    let equal = sample.iter().filter(|v| (**v - x).abs() <= 1e-9).count() as f64;
    100.0 * (below + 0.5 * equal) / sample.len() as f64
}

fn quantile(sorted: &[f64], q: f64) -> f64 {
    let i = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i]
}

struct Summary {
    p5: f64,
    p25: f64,
    p50: f64,
    p75: f64,
    p95: f64,
    mean: f64,
    zero: f64,
}

fn summary(values: &[f64]) -> Summary {
    let mut v: Vec<f64> = values.iter().map(|x| x.max(0.0)).collect();
    v.sort_by(f64::total_cmp);
    Summary {
        p5: quantile(&v, 0.05),
        p25: quantile(&v, 0.25),
        p50: quantile(&v, 0.50),
        p75: quantile(&v, 0.75),
        p95: quantile(&v, 0.95),
        mean: v.iter().sum::<f64>() / v.len() as f64,
        zero: 100.0 * v.iter().filter(|x| **x < 1e-9).count() as f64 / v.len() as f64,
    }
}

/// The backtest's system hit by exactly the recorded events instead of random ones: every row of
/// the log becomes a forced outage with `1 − severity` of capacity left (storage does not buffer
/// forced outages). This isolates the model's loss mechanics from the fitted rates.
fn replay(s: &Scenario, events: &[Event]) -> Scenario {
    let mut s = s.clone();
    s.disruptions.clear();
    s.forced_events = events
        .iter()
        .map(|e| ForcedEvent {
            name: format!("line {}", e.line),
            assets: vec![e.asset.clone()],
            start: e.start.to_string(),
            end: e.end.to_string(),
            capacity_left: 1.0 - e.severity,
        })
        .collect();
    s
}

/// The backtest with no room to reroute: every route but CPC held at its contracted volume
/// (maximum = minimum; none where there is no minimum), so a CPC outage's whole shortfall is lost.
fn without_rerouting(s: &Scenario) -> Scenario {
    let mut s = s.clone();
    let first = s.horizon.first_year;
    for r in s.routes.iter_mut().filter(|r| r.name != "CPC") {
        r.contract_max = if r.contract_min.is_empty() {
            [(first, Uncertain::Number(0.0))].into_iter().collect()
        } else {
            r.contract_min.clone()
        };
    }
    s
}

fn backtest(root: &Path, trials: u64) -> anyhow::Result<()> {
    let loaded =
        load_file(&root.join("scenarios/backtest-2022-2025.ron")).map_err(anyhow::Error::msg)?;
    let s = &loaded.scenario;
    let seed = s.horizon.seed.unwrap_or(1);
    // The gross shortfall at the time (before rerouting and make-up): what the estimates count.
    let id = "displaced_volume/Kazakhstan";
    let with = capture(s, id, seed, trials);
    let without = capture(&without_rerouting(s), id, seed, trials);
    let events = event_log(root)?;
    let (real, formula_nov) = realised(&events);
    let replayed = capture(&replay(s, &events), id, seed, trials);
    let replayed_fixed = capture(&without_rerouting(&replay(s, &events)), id, seed, trials);
    let years: Vec<i64> = real.keys().copied().collect();

    println!(
        "Backtest: {trials} trials, seed {seed}. Nov 2025 event: reported {REPORTED_NOV_2025} Mt; \
         days × severity × flow gives {formula_nov:.2} Mt.\n"
    );
    println!(
        "| year | realised loss, Mt | simulated: share of years with no loss | P50 | P75 | P95 | mean | realised at percentile | without rerouting: P50 / P95 / mean | realised at percentile |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    let mut rows = Vec::new();
    for (t, year) in years.iter().enumerate() {
        let (a, b) = (summary(&with.years[t]), summary(&without.years[t]));
        let (ra, rb) = (
            rank(&with.years[t], real[year]),
            rank(&without.years[t], real[year]),
        );
        println!(
            "| {year} | {:.1} | {:.0}% | {:.1} | {:.1} | {:.1} | {:.1} | {ra:.0} | {:.1} / {:.1} / {:.1} | {rb:.0} |",
            real[year], a.zero, a.p50, a.p75, a.p95, a.mean, b.p50, b.p95, b.mean
        );
        let replay = (
            summary(&replayed.years[t]).mean,
            summary(&replayed_fixed.years[t]).mean,
        );
        rows.push((year.to_string(), real[year], a, b, ra, rb, replay));
    }
    let total: f64 = real.values().sum();
    let (a, b) = (summary(&with.horizon), summary(&without.horizon));
    let (ra, rb) = (rank(&with.horizon, total), rank(&without.horizon, total));
    println!(
        "| 2022–2025 | {total:.1} | {:.0}% | {:.1} | {:.1} | {:.1} | {:.1} | {ra:.0} | {:.1} / {:.1} / {:.1} | {rb:.0} |",
        a.zero, a.p50, a.p75, a.p95, a.mean, b.p50, b.p95, b.mean
    );
    println!(
        "\nReplayed history (the recorded events as forced outages), model loss in Mt, mean [P5–P95]:\n"
    );
    println!(
        "| year | realised (estimated) | replayed, other routes may absorb | replayed, no rerouting |"
    );
    println!("|---|---:|---:|---:|");
    for (t, year) in years.iter().enumerate() {
        let (a, b) = (
            summary(&replayed.years[t]),
            summary(&replayed_fixed.years[t]),
        );
        println!(
            "| {year} | {:.1} | {:.1} [{:.1}–{:.1}] | {:.1} [{:.1}–{:.1}] |",
            real[year], a.mean, a.p5, a.p95, b.mean, b.p5, b.p95
        );
    }
    let (a, b) = (summary(&replayed.horizon), summary(&replayed_fixed.horizon));
    println!(
        "| 2022–2025 | {total:.1} | {:.1} [{:.1}–{:.1}] | {:.1} [{:.1}–{:.1}] |",
        a.mean, a.p5, a.p95, b.mean, b.p5, b.p95
    );
    let mean_rank: f64 = rows.iter().map(|r| r.4).sum::<f64>() / rows.len() as f64;
    println!(
        "\nMean percentile of the four realised years: {mean_rank:.0} (with rerouting), {:.0} (without).",
        rows.iter().map(|r| r.5).sum::<f64>() / rows.len() as f64
    );

    let svg = chart(&rows, trials)?;
    let out = root.join("docs/calibration-backtest.svg");
    std::fs::write(&out, svg)?;
    println!("\nWrote {}", out.display());
    Ok(())
}

/// Year label, realised loss, simulated with and without rerouting, the realised value's
/// percentile in each, and the replayed history's mean loss with and without rerouting.
type Row = (String, f64, Summary, Summary, f64, f64, (f64, f64));

fn chart(rows: &[Row], trials: u64) -> anyhow::Result<String> {
    theme::register_fonts()?;
    let mut svg = String::new();
    draw(
        SVGBackend::with_string(&mut svg, SIZE).into_drawing_area(),
        rows,
        trials,
    )?;
    // A preview for eyes without an SVG viewer: CALIBRATION_PNG=/tmp/backtest.png.
    if let Some(path) = std::env::var_os("CALIBRATION_PNG") {
        let mut pixels = vec![0u8; (SIZE.0 * SIZE.1 * 3) as usize];
        draw(
            BitMapBackend::with_buffer(&mut pixels, SIZE).into_drawing_area(),
            rows,
            trials,
        )?;
        let mut encoder = png::Encoder::new(std::fs::File::create(path)?, SIZE.0, SIZE.1);
        encoder.set_color(png::ColorType::Rgb);
        encoder.write_header()?.write_image_data(&pixels)?;
    }
    Ok(svg)
}

const SIZE: (u32, u32) = (960, 560);

fn draw<DB: DrawingBackend>(
    area: DrawingArea<DB, plotters::coord::Shift>,
    rows: &[Row],
    trials: u64,
) -> anyhow::Result<()>
where
    DB::ErrorType: 'static,
{
    let font = |size: f64| (theme::FAMILY, size).into_font().color(&theme::TEXT);
    let ymax = rows
        .iter()
        .map(|r| r.2.p95.max(r.3.p95).max(r.1))
        .fold(0.0, f64::max)
        * 1.12;
    {
        area.fill(&theme::WHITE)?;
        let mut c = ChartBuilder::on(&area)
            .caption(
                "CPC backtest 2022–2025: Kazakh crude held back by outages each year (gross)",
                font(20.0),
            )
            .margin(18)
            .x_label_area_size(36)
            .y_label_area_size(56)
            .build_cartesian_2d(-0.5f64..rows.len() as f64 - 0.5, 0f64..ymax)?;
        let labels: Vec<String> = rows.iter().map(|r| r.0.clone()).collect();
        c.configure_mesh()
            .disable_x_mesh()
            .light_line_style(theme::WHITE)
            .bold_line_style(theme::GRID)
            .axis_style(theme::AXIS)
            .x_labels(2 * rows.len() + 1)
            .x_label_formatter(&|x| {
                let r = x.round();
                if (x - r).abs() < 1e-6 && r >= 0.0 && (r as usize) < labels.len() {
                    labels[r as usize].clone()
                } else {
                    String::new()
                }
            })
            .y_label_formatter(&|v| format!("{v:.0}"))
            .y_desc("Mt held back in the year (gross: before rerouting and make-up)")
            .label_style(font(14.0))
            .axis_desc_style(font(14.0))
            .draw()?;
        let series = [
            (
                theme::BLUE,
                -0.17,
                "simulated, other routes may absorb (the model)",
            ),
            (
                theme::ORANGE,
                0.17,
                "simulated, no rerouting (every CPC tonne lost is lost)",
            ),
        ];
        for (k, &(color, dx, label)) in series.iter().enumerate() {
            let mut first = true;
            for (i, row) in rows.iter().enumerate() {
                let s = if k == 0 { &row.2 } else { &row.3 };
                let x = i as f64 + dx;
                let w = 0.13;
                let anno = c.draw_series(std::iter::once(Rectangle::new(
                    [(x - w, s.p25), (x + w, s.p75)],
                    color.mix(0.35).filled(),
                )))?;
                if first {
                    anno.label(label).legend(move |(x, y)| {
                        Rectangle::new([(x, y - 6), (x + 16, y + 6)], color.mix(0.6).filled())
                    });
                    first = false;
                }
                let stroke = color.stroke_width(2);
                c.draw_series([
                    PathElement::new(vec![(x, s.p5), (x, s.p25)], stroke),
                    PathElement::new(vec![(x, s.p75), (x, s.p95)], stroke),
                    PathElement::new(vec![(x - w, s.p50), (x + w, s.p50)], color.stroke_width(3)),
                    PathElement::new(vec![(x - w / 2.0, s.p5), (x + w / 2.0, s.p5)], stroke),
                    PathElement::new(vec![(x - w / 2.0, s.p95), (x + w / 2.0, s.p95)], stroke),
                ])?;
            }
        }
        for (i, row) in rows.iter().enumerate() {
            let x = i as f64;
            let anno = c.draw_series([
                Cross::new((x - 0.17, row.6.0), 6, theme::BLACK.stroke_width(2)),
                Cross::new((x + 0.17, row.6.1), 6, theme::BLACK.stroke_width(2)),
            ])?;
            if i == 0 {
                anno.label("model loss with the recorded events replayed (mean)")
                    .legend(|(x, y)| Cross::new((x + 8, y), 5, theme::BLACK.stroke_width(2)));
            }
        }
        let mut first = true;
        for (i, row) in rows.iter().enumerate() {
            let x = i as f64;
            let anno = c.draw_series(std::iter::once(Circle::new(
                (x, row.1),
                7,
                theme::VERMILLION.filled(),
            )))?;
            if first {
                anno.label("realised (estimated from the event log)")
                    .legend(|(x, y)| Circle::new((x + 8, y), 6, theme::VERMILLION.filled()));
                first = false;
            }
            c.draw_series(std::iter::once(Text::new(
                format!("{:.1} Mt: P{:.0} / P{:.0}", row.1, row.4, row.5),
                (x + 0.05, row.1 + ymax * 0.035),
                font(13.0),
            )))?;
        }
        c.configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .background_style(theme::WHITE.mix(0.9))
            .border_style(theme::GRID)
            .label_font(font(13.0))
            .draw()?;
        area.draw(&Text::new(
            format!(
                "Boxes: P25–P75, line: median, whiskers: P5–P95 of {trials} simulated years each. \
                 Labels: realised loss and its percentile (with / without rerouting)."
            ),
            (24, 540),
            font(12.0),
        ))?;
        area.present()?;
    }
    Ok(())
}
