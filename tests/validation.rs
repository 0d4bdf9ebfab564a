//! The standing validation (issue 16, docs/validation.md): the shipped scenarios held to what
//! happened.
//!
//! - the 2024 route table (seed 000) reproduced within 2% with the baseline's own disruption
//!   processes and regimes running;
//! - each 2025 observation the baseline carries between its simulated P10 and P90, and in
//!   `hindcast-2025` (2025's real outages forced) between P25 and P75;
//! - the winter 2025–26 terminal outage (`cpc-terminal-outage`, replayed alone) losing 2.8–4.8 Mt
//!   of Kazakh exports, against ~3.8 Mt reported;
//! - the 2022–2025 backtest placing each year's realised CPC loss, and their total, inside its
//!   P5–P95. In sample: its processes were fitted to the same four years' events, so this tests
//!   the loss mechanics and the shape of the fitted laws, not the rates.
//!
//! Every check reads the observations from the scenario files (what `run` reports), places them
//! with `output::observations::place` (the percentile `run` writes to summary.json) and runs the
//! shipped scenario at its own seed, so the figures here are the figures a user gets. Percentiles
//! are judged by their mid-rank estimate; with 20,000 trials its sampling standard error is at
//! most 0.35 percentile points (sqrt(0.25 / 20,000)), so a verdict is decided by the model, not
//! the sample, unless a figure sits within about a point of a bound (docs/validation.md gives
//! each measured figure).
//!
//! The loss estimates of 2022–2025 (days × severity × flow) and the ~3.8 Mt of the winter
//! 2025–26 outage are gross CPC shortfalls counted at the time, so they are observed as
//! `displaced_volume` (before rerouting and before make-up), not `lost_volume` (net of both).
//!
//! All 17 checks pass since the fourth step of issue 16's recalibration: the baseline's make-up
//! (docs/model.md §5c) ships most of what 2025's outages held back later in the year, which
//! brought the hindcast's exports and CPC volume from the 85th and 87th percentiles to the
//! middle. The make-up share was set with 2025 in view, so the hindcast is in sample for it
//! (docs/calibration.md §0).

use std::path::Path;
use std::sync::OnceLock;
use std::sync::atomic::AtomicBool;

use corridor::engine::{self, RunSpec, progress::Progress};
use corridor::model::{Model, TrialSink, Workspace, simulate};
use corridor::output::Results;
use corridor::output::observations::{Placed, place};
use corridor::scenario::{Scenario, load_file};
use corridor::stats::Collector;

/// Trials per run: enough for a percentile's standard error below 0.35 points.
const TRIALS: u64 = 20_000;

fn scenario(file: &str) -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(file);
    load_file(&path).unwrap_or_else(|d| panic!("{d}")).scenario
}

/// Runs `s` at its own seed.
fn run(s: &Scenario) -> (Results, Collector) {
    let model = Model::compile(s);
    let seed = s.horizon.seed.expect("shipped scenarios name their seed");
    let out = engine::run(
        &model,
        RunSpec {
            seed,
            first: 0,
            trials: TRIALS,
            threads: None,
        },
        &AtomicBool::new(false),
        &Progress::hidden(),
        None,
    )
    .expect("the run completes");
    let results = Results::from_collector(&model, &out.collector, seed);
    (results, out.collector)
}

/// A scenario's observations, placed in its simulated distributions.
fn placed(s: &Scenario) -> Vec<Placed> {
    let (results, collector) = run(s);
    let placed = place(&s.observations, &results, &collector);
    assert_eq!(
        placed.len(),
        s.observations.len(),
        "an observation was not placed"
    );
    placed
}

fn baseline() -> &'static [Placed] {
    static CELL: OnceLock<Vec<Placed>> = OnceLock::new();
    CELL.get_or_init(|| placed(&scenario("baseline.ron")))
}

fn hindcast() -> &'static [Placed] {
    static CELL: OnceLock<Vec<Placed>> = OnceLock::new();
    CELL.get_or_init(|| placed(&scenario("hindcast-2025.ron")))
}

fn backtest() -> &'static [Placed] {
    static CELL: OnceLock<Vec<Placed>> = OnceLock::new();
    CELL.get_or_init(|| placed(&scenario("backtest-2022-2025.ron")))
}

/// The observation of `metric` in `year` (`None`: the horizon's).
fn find<'a>(all: &'a [Placed], metric: &str, year: Option<i32>) -> &'a Placed {
    all.iter()
        .find(|o| o.metric == metric && o.year == year)
        .unwrap_or_else(|| panic!("the scenario has no observation of {metric} in {year:?}"))
}

/// Asserts that the observation lies within the simulated `lo`–`hi` percentiles.
fn assert_within(all: &[Placed], metric: &str, year: Option<i32>, lo: f64, hi: f64) {
    let o = find(all, metric, year);
    let q = &o.simulated;
    assert!(
        o.within(lo, hi),
        "{metric} {}: observed {} {} at the {:.1}th percentile (95% interval {:.1}–{:.1}), \
         outside P{lo}–P{hi}; simulated P5 {:.3}, P10 {:.3}, P25 {:.3}, P50 {:.3}, P75 {:.3}, \
         P90 {:.3}, P95 {:.3}",
        o.when(),
        o.value,
        o.unit,
        o.percentile,
        o.percentile_low,
        o.percentile_high,
        q.p5,
        q.p10,
        q.p25,
        q.p50,
        q.p75,
        q.p90,
        q.p95
    );
}

// ---- The 2024 route table, with the baseline's disruptions and regimes running --------------

/// calibration-2024.ron fixes every input at its median and switches disruptions and regimes
/// off; here the baseline's processes and its regime chain are put back, and the median flow
/// through each asset (the `asset_volume` metric) must still be the seed's within 2%.
///
/// The medians are exact sample medians over the trials, not the run's histogram medians: a
/// histogram median is only within 0.39% of the sample median (its bucket is 2⁻⁷ of the value
/// wide), a fifth of the 2% margin, and CPC's median sits closer than that to the bound, so the
/// bucket, not the model, would decide the verdict. The sample median's own sampling error at
/// 20,000 trials is about 0.02 Mt here (√(p(1−p)/n) / density, the density read from the
/// trials' spread), well inside the margin.
#[test]
fn the_2024_route_table_holds_with_the_baselines_disruptions_and_regimes_running() {
    let base = scenario("baseline.ron");
    let mut s = scenario("calibration-2024.ron");
    s.disruptions = base.disruptions.clone();
    s.regimes = base.regimes.clone();
    let model = Model::compile(&s);
    assert_eq!(model.years, [2024], "the sink keeps every year's values");
    let targets = crate::common::ROUTE_TABLE_2024;
    let assets: Vec<usize> = targets
        .iter()
        .map(|(name, _)| {
            let a = model.assets.iter().position(|a| a.name == *name);
            model
                .layout
                .asset_volume(a.expect("every target is an asset"))
        })
        .collect();
    let mut sink = Flows {
        slots: assets,
        values: vec![Vec::new(); targets.len()],
    };
    let mut ws = Workspace::default();
    for trial in 0..TRIALS {
        simulate(&model, 2024, trial, &mut ws, &mut sink);
    }
    let mut report = String::new();
    let mut bad = false;
    for ((asset, target), values) in targets.iter().zip(&mut sink.values) {
        values.sort_by(f64::total_cmp);
        let n = values.len();
        let got = 0.5 * (values[n / 2 - 1] + values[n / 2]);
        let off = got / target - 1.0;
        report += &format!(
            "{asset}: median {got:.3} Mt vs {target} ({:+.2}%)\n",
            100.0 * off
        );
        bad |= off.abs() > 0.02;
    }
    assert!(!bad, "outside 2%:\n{report}");
}

/// Keeps the 2024 (only) year's value of each named metric slot, trial by trial.
struct Flows {
    slots: Vec<usize>,
    values: Vec<Vec<f64>>,
}

impl TrialSink for Flows {
    fn year(&mut self, _: usize, values: &[f64]) {
        for (&k, v) in self.slots.iter().zip(&mut self.values) {
            v.push(values[k]);
        }
    }
    fn horizon(&mut self, _: u64, _: &[f64]) {}
}

// ---- The baseline's 2025: each observation between P10 and P90 ----------------------------

#[test]
fn baseline_2025_exports_lie_between_p10_and_p90() {
    assert_within(
        baseline(),
        "export_volume/Kazakhstan",
        Some(2025),
        10.0,
        90.0,
    );
}

#[test]
fn baseline_2025_cpc_volume_lies_between_p10_and_p90() {
    assert_within(baseline(), "route_volume/CPC", Some(2025), 10.0, 90.0);
}

#[test]
fn baseline_2025_atyrau_samara_volume_lies_between_p10_and_p90() {
    assert_within(
        baseline(),
        "asset_volume/Atyrau-Samara",
        Some(2025),
        10.0,
        90.0,
    );
}

#[test]
fn baseline_2025_displaced_volume_lies_between_p10_and_p90() {
    assert_within(
        baseline(),
        "displaced_volume/Kazakhstan",
        Some(2025),
        10.0,
        90.0,
    );
}

#[test]
fn baseline_2025_brent_lies_between_p10_and_p90() {
    assert_within(baseline(), "benchmark_price/Brent", Some(2025), 10.0, 90.0);
}

// ---- hindcast-2025: each observation between P25 and P75 -----------------------------------

#[test]
fn hindcast_2025_exports_lie_between_p25_and_p75() {
    assert_within(
        hindcast(),
        "export_volume/Kazakhstan",
        Some(2025),
        25.0,
        75.0,
    );
}

#[test]
fn hindcast_2025_cpc_volume_lies_between_p25_and_p75() {
    assert_within(hindcast(), "route_volume/CPC", Some(2025), 25.0, 75.0);
}

#[test]
fn hindcast_2025_atyrau_samara_volume_lies_between_p25_and_p75() {
    assert_within(
        hindcast(),
        "asset_volume/Atyrau-Samara",
        Some(2025),
        25.0,
        75.0,
    );
}

/// The observation (~5.3 Mt, days × severity × flow) is a gross CPC shortfall, so it names
/// `displaced_volume`, the model's gross quantity (before rerouting), not `lost_volume`.
#[test]
fn hindcast_2025_displaced_volume_lies_between_p25_and_p75() {
    assert_within(
        hindcast(),
        "displaced_volume/Kazakhstan",
        Some(2025),
        25.0,
        75.0,
    );
}

#[test]
fn hindcast_2025_brent_lies_between_p25_and_p75() {
    assert_within(hindcast(), "benchmark_price/Brent", Some(2025), 25.0, 75.0);
}

// ---- The winter 2025–26 terminal outage, replayed alone ------------------------------------

/// cpc-terminal-outage.ron with its random processes and regimes removed and the horizon cut to
/// 2025–2026, the two years the outage spans (the variant docs/calibration.md §3 describes): the
/// Kazakh exports it loses over both years, the median across trials (the other inputs stay
/// uncertain), must lie in 2.8–4.8 Mt, around the ~3.8 Mt reported (itself contested: 2.5–4 Mt,
/// docs/sources.md#event-2025-11-cpc-spm2-attack). The file's `supply_plan` runs the outage at
/// the terminal's usual rate, the one its recorded size is measured from; without it (the year's
/// average rate) the replay lost 1.95 Mt. The ~3.8 Mt is a loadings shortfall counted while the
/// outage lasted, like the 2022–2025 estimates, so the model's quantity is the gross
/// `displaced_volume`: since the baseline's make-up (docs/model.md §5c) ships most of January
/// 2026's held-back crude later in 2026, the net `lost_volume` over both years is smaller
/// (1.96 Mt at 5,000 trials) and says how much of the loss was never shipped, a different
/// question (docs/validation.md gives both).
#[test]
fn the_winter_2025_26_outage_displaces_between_2_8_and_4_8_mt() {
    let mut s = scenario("cpc-terminal-outage.ron");
    s.disruptions.clear();
    s.regimes.clear();
    s.horizon.last_year = 2026;
    let (results, _) = run(&s);
    let lost = &results
        .metric("displaced_volume/Kazakhstan")
        .expect("producers have a displaced volume")
        .horizon;
    assert!(
        (2.8..=4.8).contains(&lost.p50),
        "median gross loss {:.3} Mt over 2025–2026 (P5 {:.3}, P95 {:.3}, mean {:.3}), outside 2.8–4.8",
        lost.p50,
        lost.p5,
        lost.p95,
        lost.mean
    );
}

// ---- The 2022–2025 backtest: realised CPC losses inside P5–P95 (in sample) -----------------

#[test]
fn backtest_2022_loss_lies_between_p5_and_p95() {
    assert_within(
        backtest(),
        "displaced_volume/Kazakhstan",
        Some(2022),
        5.0,
        95.0,
    );
}

#[test]
fn backtest_2023_loss_lies_between_p5_and_p95() {
    assert_within(
        backtest(),
        "displaced_volume/Kazakhstan",
        Some(2023),
        5.0,
        95.0,
    );
}

#[test]
fn backtest_2024_loss_lies_between_p5_and_p95() {
    assert_within(
        backtest(),
        "displaced_volume/Kazakhstan",
        Some(2024),
        5.0,
        95.0,
    );
}

#[test]
fn backtest_2025_loss_lies_between_p5_and_p95() {
    assert_within(
        backtest(),
        "displaced_volume/Kazakhstan",
        Some(2025),
        5.0,
        95.0,
    );
}

#[test]
fn backtest_2022_2025_total_loss_lies_between_p5_and_p95() {
    assert_within(backtest(), "displaced_volume/Kazakhstan", None, 5.0, 95.0);
}
