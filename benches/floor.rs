//! The lean floor of the shipped baseline (issue #18): each part of a trial-year done by a lean
//! implementation, written from docs/model.md alone, on the very work a baseline run does, and
//! timed per trial-year.
//!
//! Why: a throughput target is out of reach only if a lean implementation of the parts cannot
//! reach it either, and that is measured, not estimated. A run of `trials()` trials records its
//! work (`corridor::model::trace`, the `trace` feature); each lean part replays it and is
//! checked against the engine, bit for bit, before it is timed:
//!
//! - `lean_allocation`: every minimums, netback and make-up pass (§5, §5c), each pass's state
//!   on the stack in fixed arrays, chains padded to 4 with +∞ slots of their own, the chain's
//!   minimum as a tree; `lean_allocation_loads_only` times loading the passes' state alone.
//! - `lean_order`: each year's filling order, an insertion sort per producer into steps.
//! - `lean_segments`: each year cut into segments, its bounds sorted and each segment's
//!   outages found by a scan.
//! - `lean_bookkeeping`: each year's asset flows, metrics and horizon values.
//! - `lean_fold`: the statistics, per column of a block of 64 trials: exact count, extremes, Σx
//!   and Σx² in 2⁻²⁰ fixed point and a log-linear histogram of 128 buckets per power of two;
//!   zeros only counted, and a column whose nonzero values are one value only counted.
//! - `draws_floor`: not a lean implementation but a floor under any that keeps per-input
//!   streams: each stream seeded, one uniform per draw, no distribution's transform.
//! - `lean_draws`: the draws with each law's own sampler from its own stream, events cut to
//!   outages in one flat loop; `lean_draws_terms` adds each year's terms (supply, capacities,
//!   contracts, netbacks).
//! - `lean_year`: a whole year's volumes from its terms and outages: order, twin, segments,
//!   allocations, pro-rata shares, make-up and the glue between them; cut by the lean cut
//!   (`LeanSegments`) or the engine's (`Segments`).
//! - `lean_model` (with either cut): all of the above put together and run live,
//!   nothing recorded or replayed: draws, terms, year, bookkeeping, each value written into
//!   its block's column and each column folded; checked against every statistic of the
//!   engine's run. The floor the whole engine is set against (divan runs the same trials each
//!   sample, so over 64 trials both still learn some branches: BENCHMARKS.md gives 640 too).
//!
//! The `engine_*` benches time the engine's own parts, and its whole trials, on the same work.
//! Each bench's counter is trial-years, so divan prints the time per trial-year it reaches.
//! `cargo bench --features trace --bench floor` (`FLOOR_SCENARIO=FILE` for another scenario,
//! `FLOOR_TRIALS=N` for another number of trials);
//! `cargo test --release --features trace --bench floor` runs each once, checks included (CI).
//! Figures in BENCHMARKS.md, "Session of 2026-11-29 (VII)" and "(VIII)".

mod common;

use std::hint::black_box;

use common::Discard;
use common::lean::{self, State};

use corridor::model::allocation::NEGLIGIBLE;
use corridor::model::compile::Outage;
use corridor::model::metrics::{Horizon, Kind as Metric};
use corridor::model::params::{Param, Values};
use corridor::model::segments::Segments;
use corridor::model::trace::{self, Kind, Order, Pass, Year};
use corridor::model::{
    Model, TrialSink, Workspace, counts, disruptions, prices, production, regimes, simulate,
    streams,
};
use corridor::scenario::dates::YEAR_DAYS;
use corridor::scenario::limits::MAX_DURATION_DAYS;
use corridor::scenario::{load_baseline, load_file};
use corridor::stats::{Collector, RECORDER_BLOCK, Recorder};
use divan::counter::ItemsCount;
use rand::RngExt;

fn main() {
    divan::main();
}

/// The model measured: the built-in baseline, or the scenario file `FLOOR_SCENARIO` names (such
/// as `benches/baseline-50743cc.ron`, for the floor of the 50743cc comparison).
fn scenario() -> Model {
    let loaded = match std::env::var_os("FLOOR_SCENARIO") {
        Some(path) => load_file(std::path::Path::new(&path)).expect("FLOOR_SCENARIO is valid"),
        None => load_baseline(),
    };
    Model::compile(&loaded.scenario)
}

/// Trials of the recorded run: 64 by default, few enough that its work (~2 MB of passes) stays
/// in the cache, as a trial's state does in the engine; `FLOOR_TRIALS` sets another multiple of
/// 64 (BENCHMARKS.md gives 640 too: over few trials a part alone learns its branches).
fn trials() -> u64 {
    static TRIALS: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    *TRIALS.get_or_init(|| match std::env::var("FLOOR_TRIALS") {
        Ok(n) => n.parse().expect("FLOOR_TRIALS is a number of trials"),
        Err(_) => 64,
    })
}
const SEED: u64 = 42;

/// The recorded run: the model, its passes and its values, row by row (a trial's rows are its
/// years, then its horizon).
struct Run {
    model: Model,
    passes: Vec<Pass>,
    orders: Vec<Order>,
    years: Vec<Year>,
    rows: Vec<Vec<f64>>,
    trial_years: usize,
}

/// Keeps every row a trial reports.
struct Rows(Vec<Vec<f64>>);

impl TrialSink for Rows {
    fn year(&mut self, _t: usize, values: &[f64]) {
        self.0.push(values.to_vec());
    }
    fn horizon(&mut self, _trial: u64, values: &[f64]) {
        self.0.push(values.to_vec());
    }
}

fn record(trials: u64) -> Run {
    let model = scenario();
    let mut ws = Workspace::default();
    let mut rows = Rows(Vec::new());
    trace::start();
    for trial in 0..trials {
        simulate(&model, SEED, trial, &mut ws, &mut rows);
    }
    let trace::Record {
        passes,
        orders,
        years,
    } = trace::finish();
    let trial_years = trials as usize * model.year_count();
    Run {
        model,
        passes,
        orders,
        years,
        rows: rows.0,
        trial_years,
    }
}

/// The whole engine on the same `trials()` trials, their statistics recorded as a run records
/// them: what the parts below are measured against.
#[divan::bench]
fn engine_trials(bencher: divan::Bencher) {
    let model = scenario();
    let mut recorder = Recorder::new(model.layout.len(), model.year_count());
    engine_trials_into(bencher, &model, &mut recorder);
    black_box(recorder.finish().trials());
}

/// `engine_trials` with the values discarded: the engine without its statistics.
#[divan::bench]
fn engine_trials_model_only(bencher: divan::Bencher) {
    engine_trials_into(bencher, &scenario(), &mut Discard);
}

fn engine_trials_into(bencher: divan::Bencher, model: &Model, sink: &mut impl TrialSink) {
    let mut ws = Workspace::default();
    bencher
        .counter(ItemsCount::new(trials() as usize * model.year_count()))
        .bench_local(|| {
            for trial in 0..trials() {
                simulate(model, SEED, trial, &mut ws, sink);
            }
        });
}

// ---- Allocation -------------------------------------------------------------------------

/// The recorded passes, flattened for the replay: each pass's steps and state in one array
/// apiece, read front to back.
struct Lean {
    /// Each lane's chain, padded to 4 with +∞ slots of its own (so that no two lanes chain
    /// through one slot's stores).
    chains: Vec<[u8; 4]>,
    passes: Vec<LeanPass>,
    steps: Vec<[u8; 3]>,
    state: Vec<f64>,
}

#[derive(Clone, Copy)]
struct LeanPass {
    /// 0 minimums, 1 netback, 2 make-up.
    kind: u8,
    /// The make-up pass's share of the year.
    share: f64,
    steps: (u32, u32),
    /// At `state[at..]`: supply, capacity, maximum, then minimum (minimums pass) or the lanes'
    /// made-up volumes (make-up pass).
    at: u32,
    producers: u8,
    assets: u8,
    routes: u8,
    lanes: u8,
}

impl Lean {
    fn new(model: &Model, passes: &[Pass]) -> Lean {
        let mut lean = Lean {
            chains: lean::chains(model),
            passes: Vec::new(),
            steps: Vec::new(),
            state: Vec::new(),
        };
        for p in passes {
            let (kind, share, extra) = match p.kind {
                Kind::Minimums => (0, 0.0, &p.minimum),
                Kind::Netback => (1, 0.0, &p.minimum),
                Kind::MakeUp { share } => (2, share, &p.lane_before),
            };
            let first = lean.steps.len() as u32;
            let narrow = |x: u32| u8::try_from(x).unwrap();
            let steps = p.steps.iter().map(|s| s.map(narrow));
            lean.steps.extend(steps);
            let at = lean.state.len() as u32;
            for part in [&p.supply, &p.capacity, &p.maximum, extra] {
                lean.state.extend_from_slice(part);
            }
            lean.passes.push(LeanPass {
                kind,
                share,
                steps: (first, lean.steps.len() as u32),
                at,
                producers: p.supply.len() as u8,
                assets: p.capacity.len() as u8,
                routes: p.maximum.len() as u8,
                lanes: p.lane_before.len() as u8,
            });
        }
        lean
    }

    /// Replays every pass, calling `done` after each with what it shipped and the make-up state.
    fn replay(
        &self,
        shipped: &mut Vec<(u32, f64)>,
        done: impl FnMut(usize, &State, &[(u32, f64)]),
    ) {
        self.replay_steps::<true>(shipped, done);
    }

    /// `replay`, or with `STEPS` false only each pass's loads: what setting up the passes'
    /// state costs of the replay.
    fn replay_steps<const STEPS: bool>(
        &self,
        shipped: &mut Vec<(u32, f64)>,
        mut done: impl FnMut(usize, &State, &[(u32, f64)]),
    ) {
        let mut st = State::new();
        for (i, p) in self.passes.iter().enumerate() {
            let mut at = p.at as usize;
            let mut load = |into: &mut [f64], n: u8| {
                let n = n as usize;
                into[..n].copy_from_slice(&self.state[at..at + n]);
                at += n;
            };
            load(&mut st.supply, p.producers);
            load(&mut st.capacity, p.assets);
            load(&mut st.maximum, p.routes);
            let steps = &self.steps[p.steps.0 as usize..p.steps.1 as usize];
            let steps = if STEPS { steps } else { &[] };
            shipped.clear();
            match p.kind {
                0 => {
                    load(&mut st.minimum, p.routes);
                    st.fill::<true>(&self.chains, steps, shipped);
                }
                1 => st.fill::<false>(&self.chains, steps, shipped),
                _ => {
                    load(&mut st.lane, p.lanes);
                    st.make_up(&self.chains, steps, p.share);
                }
            }
            done(i, &st, shipped);
        }
    }
}

/// The recorded run's passes, and the lean replay checked against them.
fn lean_passes() -> (Run, Lean) {
    let run = record(trials());
    let lean = Lean::new(&run.model, &run.passes);
    let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    let mut shipped = Vec::new();
    let mut checked = 0;
    lean.replay(&mut shipped, |i, st, shipped| {
        let pass = &run.passes[i];
        if let Kind::MakeUp { .. } = pass.kind {
            let lanes = pass.lane_after.len();
            assert_eq!(bits(&st.lane[..lanes]), bits(&pass.lane_after), "pass {i}");
            let producers = pass.supply.len();
            let backlog = &pass.backlog_after[..producers];
            assert_eq!(bits(&st.supply[..producers]), bits(backlog), "pass {i}");
        } else {
            let pairs = |v: &[(u32, f64)]| v.iter().map(|&(l, x)| (l, x.to_bits())).collect();
            let (lean, engine): (Vec<_>, Vec<_>) = (pairs(shipped), pairs(&pass.shipped));
            assert_eq!(lean, engine, "pass {i}");
        }
        checked += 1;
    });
    assert_eq!(checked, run.passes.len());
    // The workload, per trial-year: how many passes and steps of each kind.
    let per = |x: usize| x as f64 / run.trial_years as f64;
    let kinds = [("minimums", 0), ("netback", 1), ("make-up", 2)].map(|(name, kind)| {
        let of_kind = lean.passes.iter().filter(|p| p.kind == kind);
        let steps: usize = of_kind
            .clone()
            .map(|p| (p.steps.1 - p.steps.0) as usize)
            .sum();
        let passes = of_kind.count();
        format!("{name} {:.2} passes, {:.1} steps", per(passes), per(steps))
    });
    eprintln!("\n  (a trial-year: {})", kinds.join("; "));
    (run, lean)
}

/// Every allocation pass of `trials()` baseline trials, replayed by the lean allocation.
#[divan::bench]
fn lean_allocation(bencher: divan::Bencher) {
    time_replay::<true>(bencher);
}

/// `lean_allocation` with each pass's state loaded but no step taken: the part of the replay
/// that sets the passes up.
#[divan::bench]
fn lean_allocation_loads_only(bencher: divan::Bencher) {
    time_replay::<false>(bencher);
}

fn time_replay<const STEPS: bool>(bencher: divan::Bencher) {
    let (run, lean) = lean_passes();
    let mut shipped = Vec::with_capacity(64);
    bencher
        .counter(ItemsCount::new(run.trial_years))
        .bench_local(|| {
            lean.replay_steps::<STEPS>(&mut shipped, |_, st, shipped| {
                black_box((st.supply[0], shipped.len()));
            })
        });
}

// ---- Filling order ----------------------------------------------------------------------

/// Every year's filling order of `trials()` baseline trials, built by the lean order, after
/// checking it against the engine's.
#[divan::bench]
fn lean_order(bencher: divan::Bencher) {
    let run = record(trials());
    let mut lean = lean::Order::new(&run.model);
    for o in &run.orders {
        lean.build(&o.netback, &o.contract_min);
        let wide = |steps: &[[u8; 3]]| -> Vec<[u32; 3]> {
            steps.iter().map(|s| s.map(u32::from)).collect()
        };
        assert_eq!(wide(&lean.steps), o.steps);
        assert_eq!(wide(&lean.minimum_steps), o.minimum_steps);
    }
    bencher
        .counter(ItemsCount::new(run.trial_years))
        .bench_local(|| {
            for o in &run.orders {
                lean.build(&o.netback, &o.contract_min);
                black_box(lean.steps.len());
            }
        });
}

// ---- The year's bookkeeping -------------------------------------------------------------

/// A year's bookkeeping by the definition (docs/model.md §6, §7): each asset's flow from the
/// lanes' volumes, every metric of the year from volumes, netbacks and tariffs, and each
/// metric's horizon value (sum, mean or largest over the years).
struct LeanBook {
    /// `(producer, route, its route's chain)` of each lane.
    lanes: Vec<(usize, usize, Vec<usize>)>,
    owners: Vec<Option<usize>>,
    /// Where each kind's block starts, and the other metrics' places.
    at: [usize; 9],
    routes: std::ops::Range<usize>,
    fees: std::ops::Range<usize>,
    over: usize,
    thresholds: Vec<f64>,
    volume: usize,
    utilisation: usize,
    days: usize,
    price: usize,
    made_up: Option<usize>,
    horizon: Vec<(std::ops::Range<usize>, Horizon)>,
    span: f64,
}

fn snap(x: &mut f64, scale: f64) {
    if x.abs() <= 1e-9 * scale.abs() {
        *x = 0.0;
    }
}

impl LeanBook {
    fn new(model: &Model) -> LeanBook {
        let layout = &model.layout;
        let chain = |r: usize| {
            let (a, b) = model.chain_range[r];
            model.chain[a as usize..b as usize]
                .iter()
                .map(|&x| x as usize)
                .collect()
        };
        assert!(model.reservations.is_empty() && model.responses.is_empty());
        assert!(model.producers.len() <= 8);
        LeanBook {
            lanes: model
                .lanes
                .iter()
                .map(|l| (l.producer, l.route, chain(l.route)))
                .collect(),
            owners: model.assets.iter().map(|a| a.owner).collect(),
            at: Metric::PRODUCER.map(|k| layout.block(k).start),
            routes: layout.block(Metric::RouteVolume),
            fees: layout.block(Metric::TransitFees),
            over: layout.block(Metric::StrandedOver).start,
            thresholds: layout.stranded_thresholds().to_vec(),
            volume: layout.block(Metric::AssetVolume).start,
            utilisation: layout.block(Metric::Utilisation).start,
            days: layout.block(Metric::OutageDays).start,
            price: layout.price(),
            made_up: model.make_up.then(|| layout.made_up(0)),
            horizon: model.horizon_runs.clone(),
            span: model.year_count() as f64,
        }
    }

    /// Year `y`'s metrics into `out`, its flows into `flow`, and their horizon values into
    /// `horizon`.
    fn year(&self, y: &YearBook, flow: &mut [f64], out: &mut [f64], horizon: &mut [f64]) {
        let np = y.supply.len();
        flow.fill(0.0);
        for ((_, _, chain), &v) in self.lanes.iter().zip(y.lane_volume) {
            for &a in chain {
                flow[a] += v;
            }
        }
        out[self.routes.clone()].fill(0.0);
        out[self.fees.clone()].fill(0.0);
        let mut sums = [[0.0; 9]; 8];
        for (l, &(p, r, _)) in self.lanes.iter().enumerate() {
            let (vol, cf, n, reg) = (
                y.lane_volume[l],
                y.cf_lane_volume[l],
                y.netback[l],
                y.regular[l],
            );
            let sum = &mut sums[p & 7];
            sum[Metric::ExportVolume as usize] += vol;
            sum[Metric::LostVolume as usize] += cf - vol;
            sum[Metric::Revenue as usize] += vol * n;
            sum[Metric::RevenueUndisrupted as usize] += cf * n;
            sum[Metric::LostRevenue as usize] += (cf - vol) * n;
            sum[Metric::TariffsPaid as usize] += vol * y.route_tariff[r];
            sum[Metric::DisplacedVolume as usize] += (cf - reg).max(0.0);
            out[self.routes.start + r] += vol;
        }
        if let Some(base) = self.made_up {
            out[base..base + np].copy_from_slice(y.made_up);
        }
        for (p, sum) in sums.iter_mut().enumerate().take(np) {
            let undisrupted = sum[Metric::RevenueUndisrupted as usize];
            snap(&mut sum[Metric::LostRevenue as usize], undisrupted);
            snap(&mut sum[Metric::LostVolume as usize], y.supply[p]);
            snap(&mut sum[Metric::DisplacedVolume as usize], y.supply[p]);
            sum[Metric::ExportSupply as usize] = y.supply[p];
            sum[Metric::StrandedVolume as usize] = y.stranded[p];
            for (k, &at) in Metric::PRODUCER.iter().zip(&self.at) {
                out[at + p] = sum[*k as usize];
            }
        }
        for (i, &x) in self.thresholds.iter().enumerate() {
            for (p, &s) in y.stranded.iter().enumerate() {
                out[self.over + i * np + p] = if s > x { 1.0 } else { 0.0 };
            }
        }
        for (a, &f) in flow.iter().enumerate() {
            if let Some(o) = self.owners[a] {
                out[self.fees.start + o] += f * y.asset_tariff[a];
            }
            let cap = y.capacity[a];
            out[self.volume + a] = f;
            out[self.utilisation + a] = if cap > 0.0 { f / cap } else { 0.0 };
            out[self.days + a] = y.outage_days[a];
        }
        out[self.price] = y.price;
        for (run, how) in &self.horizon {
            let pairs = horizon[run.clone()].iter_mut().zip(&out[run.clone()]);
            match how {
                Horizon::Sum => pairs.for_each(|(h, v)| *h += v),
                Horizon::Mean => pairs.for_each(|(h, v)| *h += v / self.span),
                Horizon::Max => pairs.for_each(|(h, &v)| *h = h.max(v)),
            }
        }
    }

    /// Every recorded year, a trial's horizon values started afresh each `years` years;
    /// `done` sees each year's metrics, and each trial's horizon values after its last year.
    fn all(&self, run: &Run, b: &mut Book, mut done: impl FnMut(usize, &[f64], Option<&[f64]>)) {
        let years = run.model.year_count();
        for (i, y) in run.years.iter().enumerate() {
            if i % years == 0 {
                b.horizon.fill(0.0);
            }
            let y = YearBook::recorded(y);
            self.year(&y, &mut b.flow, &mut b.out, &mut b.horizon);
            let last = (i % years == years - 1).then_some(&b.horizon[..]);
            done(i, &b.out, last);
        }
    }
}

/// What the bookkeeping reads of a year: each lane's volume, its twin's and its volume before
/// make-up, its netback, each route's tariff, each producer's supply, stranded and made-up
/// volume, each asset's capacity, tariff and outage days, and the benchmark price.
struct YearBook<'a> {
    lane_volume: &'a [f64],
    cf_lane_volume: &'a [f64],
    regular: &'a [f64],
    netback: &'a [f64],
    route_tariff: &'a [f64],
    supply: &'a [f64],
    stranded: &'a [f64],
    made_up: &'a [f64],
    capacity: &'a [f64],
    asset_tariff: &'a [f64],
    outage_days: &'a [f64],
    price: f64,
}

impl<'a> YearBook<'a> {
    fn recorded(y: &'a Year) -> YearBook<'a> {
        YearBook {
            lane_volume: &y.lane_volume,
            cf_lane_volume: &y.cf_lane_volume,
            regular: &y.regular,
            netback: &y.netback,
            route_tariff: &y.route_tariff,
            supply: &y.supply,
            stranded: &y.stranded,
            made_up: &y.made_up,
            capacity: &y.capacity,
            asset_tariff: &y.asset_tariff,
            outage_days: &y.outage_days,
            price: y.price,
        }
    }
}

/// `LeanBook`'s buffers.
struct Book {
    flow: Vec<f64>,
    out: Vec<f64>,
    horizon: Vec<f64>,
}

impl Book {
    fn new(model: &Model) -> Book {
        let n = model.layout.len();
        Book {
            flow: vec![0.0; model.assets.len()],
            out: vec![0.0; n],
            horizon: vec![0.0; n],
        }
    }
}

/// Every year's flows, metrics and horizon values of `trials()` baseline trials, by the lean
/// bookkeeping, after checking each year's metrics and each trial's horizon values against the
/// engine's, bit for bit.
#[divan::bench]
fn lean_bookkeeping(bencher: divan::Bencher) {
    let run = record(trials());
    let lean = LeanBook::new(&run.model);
    let mut book = Book::new(&run.model);
    let years = run.model.year_count();
    let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    let mut checked = 0;
    lean.all(&run, &mut book, |i, out, horizon| {
        assert_eq!(bits(out), bits(&run.years[i].out), "year {i}");
        if let Some(h) = horizon {
            let trial = i / years;
            assert_eq!(
                bits(h),
                bits(&run.rows[trial * (years + 1) + years]),
                "trial {trial}"
            );
            checked += 1;
        }
    });
    assert_eq!(checked, trials());
    bencher
        .counter(ItemsCount::new(run.trial_years))
        .bench_local(|| {
            lean.all(&run, &mut book, |_, out, _| {
                black_box(out[0]);
            })
        });
}

// ---- Random draws -----------------------------------------------------------------------

/// The engine's draws for one trial: its per-trial inputs, its per-year inputs' streams, its
/// processes' streams, its regime and price paths, and each year's inputs and events. `year`
/// sees each year's outages in progress, as the year loop cuts them (the forced ones, those
/// drawn, those ended retired); returns how many outages were drawn.
fn engine_draws_of(
    model: &Model,
    trial: u64,
    d: &mut Draws,
    mut year: impl FnMut(usize, &[Outage]),
) -> usize {
    let ts = streams::trial_seed(SEED, trial);
    let years = model.year_count();
    d.values.start_trial(&model.params, ts);
    disruptions::open_streams(model, ts, &mut d.streams);
    paths(model, ts, &d.values, &mut d.regime, &mut d.price);
    d.outages.clone_from(&model.forced);
    let mut drawn = 0;
    for t in 0..years {
        d.values.start_year(&model.params);
        let (values, regime, before) = (&d.values, d.regime[t], d.outages.len());
        disruptions::draw_year(model, values, t, regime, &mut d.streams, &mut d.outages);
        drawn += d.outages.len() - before;
        disruptions::retire(&mut d.outages, t);
        year(t, &d.outages);
    }
    drawn
}

/// A trial's regime and price paths, each from its stream (seeded by the trial's seed `ts`).
fn paths(model: &Model, ts: u64, values: &Values, regime: &mut Vec<usize>, price: &mut Vec<f64>) {
    let (years, salt) = (model.year_count(), model.residual_salt);
    regime.resize(years, 0);
    let mut rng = streams::stream(ts, streams::key(streams::REGIMES) ^ salt);
    regimes::sample_path(model.regimes.as_ref(), &mut rng, regime);
    price.resize(years, 0.0);
    let mut rng = streams::stream(ts, streams::key(streams::BENCHMARK_SHOCKS) ^ salt);
    prices::sample_path(&model.prices, values, &mut rng, price);
}

#[derive(Default)]
struct Draws {
    values: Values,
    streams: Vec<disruptions::ProcessStream>,
    regime: Vec<usize>,
    price: Vec<f64>,
    outages: Vec<Outage>,
}

/// The engine's own draws for `trials()` baseline trials (not a lean implementation: the
/// reference the floor below is set against).
#[divan::bench]
fn engine_draws(bencher: divan::Bencher) {
    let model = scenario();
    let mut d = Draws::default();
    let mut events = 0;
    bencher
        .counter(ItemsCount::new(trials() as usize * model.year_count()))
        .bench_local(|| {
            for trial in 0..trials() {
                events += engine_draws_of(&model, trial, &mut d, |_, _| ());
            }
        });
    black_box(events);
}

/// A floor under any implementation of the baseline's draws that keeps per-input streams
/// (common random numbers): each stream the model uses seeded once a trial, and one uniform
/// per draw the engine makes at the least (one per input and year, per process-year, per year
/// of the regime and price paths, and per outage drawn), with no distribution's transform.
#[divan::bench]
fn draws_floor(bencher: divan::Bencher) {
    let model = scenario();
    let mut d = Draws::default();
    let mut outages = 0;
    for trial in 0..trials() {
        outages += engine_draws_of(&model, trial, &mut d, |_, _| ());
    }
    let keys: Vec<u64> = streams::used_by(&model).iter().map(|&(k, _)| k).collect();
    let (years, params) = (model.year_count(), &model.params);
    let yearly = params.per_year.len() + model.processes.len() + 2;
    let uniforms = params.per_trial.len() + years * yearly + outages / trials() as usize;
    let mut rngs = Vec::with_capacity(keys.len());
    bencher
        .counter(ItemsCount::new(trials() as usize * years))
        .bench_local(|| {
            let mut sum = 0.0;
            for trial in 0..trials() {
                let ts = streams::trial_seed(SEED, trial);
                rngs.clear();
                rngs.extend(keys.iter().map(|&k| streams::stream(ts, k)));
                // Round the streams, as many uniforms in all as the trial draws.
                let mut left = uniforms;
                while left > 0 {
                    for rng in rngs.iter_mut().take(left) {
                        sum += rng.random::<f64>();
                    }
                    left = left.saturating_sub(rngs.len());
                }
            }
            black_box(sum)
        });
}

/// The draws, lean: the same laws from the same streams as the engine (the inputs' values by
/// `Values`, which holds them in two arrays, the regime and price paths by the engine's own
/// functions, a few lines each), and each year's events drawn and cut to outages in one flat
/// loop per process, with no per-event call and no `ProcessStream`. What is left of the
/// engine's draws is the laws' own samplers: the floor of draws that keep both the per-input
/// streams and the laws. Checked against the engine: every year's outages, bit for bit.
#[derive(Default)]
struct LeanDraws {
    values: Values,
    rngs: Vec<(streams::StreamRng, counts::Memo)>,
    regime: Vec<usize>,
    price: Vec<f64>,
    outages: Vec<Outage>,
}

impl LeanDraws {
    /// Trial `trial`'s draws, each year's seen by `sink` (its outages in progress as
    /// `engine_draws_of` gives them).
    fn trial(&mut self, model: &Model, trial: u64, sink: &mut impl DrawsSink) {
        let ts = streams::trial_seed(SEED, trial);
        let years = model.year_count();
        self.values.start_trial(&model.params, ts);
        self.rngs.clear();
        let fresh = |p: &corridor::model::compile::Process| {
            (streams::stream(ts, p.key), counts::Memo::default())
        };
        self.rngs.extend(model.processes.iter().map(fresh));
        paths(model, ts, &self.values, &mut self.regime, &mut self.price);
        self.outages.clone_from(&model.forced);
        sink.start(model, &self.values);
        for t in 0..years {
            self.values.start_year(&model.params);
            let regime = self.regime[t];
            for (p, (rng, memo)) in model.processes.iter().zip(&mut self.rngs) {
                if !p.active[t] {
                    continue;
                }
                let r = regime.min(p.multiplier.len() - 1);
                let (start, len) = p.season;
                let wraps = t == 0 && start + len > YEAR_DAYS;
                for year_start in [-YEAR_DAYS, t as f64 * YEAR_DAYS] {
                    if year_start < 0.0 && !wraps {
                        continue;
                    }
                    let n = match p.fixed_counts.get(p.step[t]) {
                        Some(c) => c[r].sample(rng),
                        None => {
                            let base = self.values.get(p.frequency[t]);
                            let m = p.multiplier[r];
                            counts::sample_uncertain(p.kind, base, m, r, memo, rng)
                        }
                    };
                    if n > 0 {
                        events(model, p, year_start, n, rng, &mut self.outages);
                    }
                }
            }
            let lo = t as f64 * YEAR_DAYS;
            self.outages.retain(|o| o.end > lo);
            let price = prices::year_price(&model.prices, &self.values).unwrap_or(self.price[t]);
            let drawn = Drawn {
                t,
                values: &self.values,
                regime,
                price,
                outages: &self.outages,
            };
            sink.year(model, &drawn);
        }
    }
}

/// What a year of the lean draws gives.
struct Drawn<'a> {
    t: usize,
    values: &'a Values,
    regime: usize,
    price: f64,
    outages: &'a [Outage],
}

/// Sees a trial's draws: its per-trial values (before the first year's), then each year's.
trait DrawsSink {
    fn start(&mut self, _model: &Model, _values: &Values) {}
    fn year(&mut self, model: &Model, drawn: &Drawn);
}

impl<F: FnMut(usize, &[Outage])> DrawsSink for F {
    fn year(&mut self, _model: &Model, drawn: &Drawn) {
        self(drawn.t, drawn.outages)
    }
}

/// The year's terms, lean, from its draws (docs/model.md §2, §3, §5): each producer's export
/// supply (its output on its anchors and growth, its quota, less domestic refining, times its
/// export share), each asset's capacity, each route's contract terms, and each lane's netback
/// (barrels per tonne × (benchmark + differential + the regime's add) − the chain's tariffs).
#[derive(Default)]
struct LeanTerms {
    growth: Vec<f64>,
    asset_tariff: Vec<f64>,
    route_tariff: Vec<f64>,
    make_up_share: Vec<f64>,
    /// Per lane: barrels per tonne and its route's tariff with its chain's.
    lane_terms: Vec<(f64, f64)>,
    supply: Vec<f64>,
    capacity: Vec<f64>,
    contract_min: Vec<f64>,
    contract_max: Vec<f64>,
    netback: Vec<f64>,
}

impl LeanTerms {
    fn tariffs(&mut self, model: &Model, v: &Values) {
        self.asset_tariff.clear();
        self.asset_tariff
            .extend(model.assets.iter().map(|a| v.get(a.tariff)));
        self.route_tariff.clear();
        for route in &model.routes {
            let chain: f64 = route.assets.iter().map(|&a| self.asset_tariff[a]).sum();
            self.route_tariff.push(v.get(route.tariff) + chain);
        }
        self.lane_terms.clear();
        for lane in &model.lanes {
            let bpt = v.get(model.producers[lane.producer].barrels_per_tonne);
            self.lane_terms.push((bpt, self.route_tariff[lane.route]));
        }
    }

    fn contracts(&mut self, model: &Model, v: &Values, t: usize, r: usize) {
        let at =
            |c: &Option<Vec<Param>>, none: f64| c.as_ref().map_or(none, |c| v.get(c[t]).max(0.0));
        self.contract_min[r] = at(&model.routes[r].contract_min, 0.0);
        self.contract_max[r] = at(&model.routes[r].contract_max, f64::INFINITY);
    }
}

impl DrawsSink for LeanTerms {
    /// The first year's capacities and contracts, and the trial's tariffs where they are drawn
    /// once a trial (the per-year inputs not drawn yet read 0, as in the engine).
    fn start(&mut self, model: &Model, v: &Values) {
        self.growth.clear();
        self.growth.resize(model.producers.len(), 1.0);
        if !model.yearly_terms {
            self.tariffs(model, v);
        }
        self.capacity.clear();
        self.capacity
            .extend(model.assets.iter().map(|a| v.get(a.capacity[0]).max(0.0)));
        let nr = model.routes.len();
        self.contract_min.resize(nr, 0.0);
        self.contract_max.resize(nr, 0.0);
        for r in 0..nr {
            self.contracts(model, v, 0, r);
        }
    }

    fn year(&mut self, model: &Model, d: &Drawn) {
        let (v, t) = (d.values, d.t);
        self.supply.clear();
        for (p, producer) in model.producers.iter().enumerate() {
            let year = model.years[t];
            let mut prod = production::output(producer, v, year, t, &mut self.growth[p]);
            if let Some(q) = &producer.quota {
                prod -= v.get(q.compliance) * (prod - v.get(q.cap[t])).max(0.0);
            }
            let share = v.get(producer.export_share).clamp(0.0, 1.0);
            let supply = (prod - v.get(producer.domestic_refining)).max(0.0) * share;
            self.supply.push(supply);
        }
        for &a in &model.yearly_capacity {
            self.capacity[a] = v.get(model.assets[a].capacity[t]).max(0.0);
        }
        if model.make_up {
            self.make_up_share.clear();
            let share = |p: &corridor::model::compile::Producer| {
                p.make_up.map_or(0.0, |m| v.get(m).clamp(0.0, 1.0))
            };
            self.make_up_share.extend(model.producers.iter().map(share));
        }
        if model.yearly_terms {
            self.tariffs(model, v);
        }
        for &r in &model.yearly_contracts {
            self.contracts(model, v, t, r);
        }
        self.netback.clear();
        let adds = model
            .regimes
            .as_ref()
            .map(|r| &r.differential_add[d.regime]);
        for (lane, &(bpt, tariff)) in model.lanes.iter().zip(&self.lane_terms) {
            let add = adds.map_or(0.0, |a| a[lane.route]);
            let usd_bbl = d.price + v.get(model.routes[lane.route].differential) + add;
            self.netback.push(bpt * usd_bbl - tariff);
        }
    }
}

/// `n` events of process `p` whose season begins at day `year_start`, cut to outages (one per
/// asset and phase): out of line, as most process-years have none.
#[inline(never)]
fn events(
    model: &Model,
    p: &corridor::model::compile::Process,
    year_start: f64,
    n: u64,
    rng: &mut streams::StreamRng,
    out: &mut Vec<Outage>,
) {
    let (start, len) = p.season;
    for _ in 0..n {
        let from = year_start + start + rng.random::<f64>() * len;
        let days = p.duration_days.sample(rng).clamp(0.0, MAX_DURATION_DAYS);
        let left = 1.0 - p.severity.sample(rng).clamp(0.0, 1.0);
        let split = p.full_stop_days.as_ref().map_or(from, |law| {
            from + law.sample(rng).clamp(0.0, MAX_DURATION_DAYS).min(days)
        });
        let end = from + days;
        for &asset in &p.assets {
            let buffered = from + model.assets[asset].storage_days;
            let phases = if left == 0.0 {
                [(buffered, end, 0.0), (0.0, 0.0, 1.0)]
            } else {
                [(buffered, split, 0.0), (buffered.max(split), end, left)]
            };
            for (start, end, left) in phases {
                if end > start && end > 0.0 && left < 1.0 {
                    out.push(Outage {
                        asset,
                        start,
                        end,
                        left,
                    });
                }
            }
        }
    }
}

/// The lean draws of `trials()` baseline trials, checked against the engine's first: the same
/// outages in every year, bit for bit.
#[divan::bench]
fn lean_draws(bencher: divan::Bencher) {
    let model = scenario();
    let engine = yearly_outages(&model);
    let mut lean = LeanDraws::default();
    let mut years = engine.iter();
    for trial in 0..trials() {
        lean.trial(&model, trial, &mut |t, outages: &[Outage]| {
            let (te, expected) = years.next().expect("as many years as the engine");
            assert_eq!(*te, t);
            let bits = |o: &[Outage]| -> Vec<_> {
                let b = |x: f64| x.to_bits();
                o.iter()
                    .map(|o| (o.asset, b(o.start), b(o.end), b(o.left)))
                    .collect()
            };
            assert_eq!(bits(expected), bits(outages), "trial {trial}, year {t}");
        });
    }
    assert!(years.next().is_none());
    let mut events = 0;
    bencher
        .counter(ItemsCount::new(trials() as usize * model.year_count()))
        .bench_local(|| {
            for trial in 0..trials() {
                lean.trial(&model, trial, &mut |_, o: &[Outage]| events += o.len());
            }
        });
    black_box(events);
}

/// The lean draws with each year's terms computed from them (`LeanTerms`), checked against the
/// terms the engine's years were given, bit for bit: the terms cost the difference from
/// `lean_draws`.
#[divan::bench]
fn lean_draws_terms(bencher: divan::Bencher) {
    let run = record(trials());
    let model = &run.model;
    let (mut lean, mut terms) = (LeanDraws::default(), LeanTerms::default());
    let mut years = run.years.iter();
    struct Checked<'a, I> {
        terms: &'a mut LeanTerms,
        years: I,
    }
    impl<'a, I: Iterator<Item = &'a Year>> DrawsSink for Checked<'_, I> {
        fn start(&mut self, model: &Model, values: &Values) {
            self.terms.start(model, values);
        }
        fn year(&mut self, model: &Model, drawn: &Drawn) {
            self.terms.year(model, drawn);
            let y = self.years.next().expect("as many years as the engine");
            let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            let nl = y.netback.len().min(self.terms.netback.len());
            assert_eq!(bits(&self.terms.supply), bits(&y.supply));
            assert_eq!(bits(&self.terms.capacity), bits(&y.capacity));
            assert_eq!(bits(&self.terms.contract_min), bits(&y.contract_min));
            assert_eq!(bits(&self.terms.contract_max), bits(&y.contract_max));
            assert_eq!(bits(&self.terms.netback[..nl]), bits(&y.netback[..nl]));
        }
    }
    for trial in 0..trials() {
        let mut checked = Checked {
            terms: &mut terms,
            years: &mut years,
        };
        lean.trial(model, trial, &mut checked);
    }
    assert!(years.next().is_none());
    bencher
        .counter(ItemsCount::new(run.trial_years))
        .bench_local(|| {
            for trial in 0..trials() {
                lean.trial(model, trial, &mut terms);
                black_box(&terms.netback);
            }
        });
}

// ---- Segments ---------------------------------------------------------------------------

/// Each trial-year's number in its trial and its outages.
type YearOutages = Vec<(usize, Vec<Outage>)>;

/// Each year's outages of `trials()` baseline trials, as the year loop cuts them (the forced
/// outages, then those drawn, those ended before the year retired).
fn yearly_outages(model: &Model) -> YearOutages {
    let mut d = Draws::default();
    let mut years = Vec::new();
    for trial in 0..trials() {
        engine_draws_of(model, trial, &mut d, |t, outages| {
            years.push((t, outages.to_vec()))
        });
    }
    years
}

/// A year cut into segments by the definition (docs/model.md §4): its bounds sorted, and each
/// segment's assets by a scan of the outages in progress at its midpoint, multiplied in the
/// order of the outages.
#[derive(Default)]
struct LeanSegments {
    bounds: Vec<f64>,
    starts: Vec<usize>,
    cuts: Vec<(usize, f64)>,
}

impl LeanSegments {
    fn cut(&mut self, outages: &[Outage], t: usize) {
        let (lo, hi) = (t as f64 * YEAR_DAYS, (t + 1) as f64 * YEAR_DAYS);
        let b = &mut self.bounds;
        b.clear();
        b.extend([lo, hi]);
        for o in outages {
            for x in [o.start, o.end] {
                if x > lo && x < hi {
                    b.push(x);
                }
            }
        }
        // Insertion sort: a handful of bounds, nearly in order.
        for i in 1..b.len() {
            let mut j = i;
            while j > 0 && b[j - 1] > b[j] {
                b.swap(j - 1, j);
                j -= 1;
            }
        }
        b.dedup();
        self.starts.clear();
        self.starts.push(0);
        self.cuts.clear();
        for k in 0..b.len() - 1 {
            let mid = 0.5 * (b[k] + b[k + 1]);
            let first = self.cuts.len();
            for o in outages.iter().filter(|o| o.start <= mid && mid < o.end) {
                match self.cuts[first..].iter_mut().find(|c| c.0 == o.asset) {
                    Some(c) => c.1 *= o.left,
                    None => self.cuts.push((o.asset, o.left)),
                }
            }
            self.starts.push(self.cuts.len());
        }
    }
}

/// A year cut into segments, by the lean cut or the engine's.
trait Cut: Default {
    fn cut(&mut self, outages: &[Outage], t: usize);
    fn count(&self) -> usize;
    /// Segment `k`'s length in days and its cuts `(asset, fraction of capacity left)`.
    fn get(&self, k: usize) -> (f64, &[(usize, f64)]);
    fn any_cut(&self) -> bool;
}

impl Cut for LeanSegments {
    fn cut(&mut self, outages: &[Outage], t: usize) {
        LeanSegments::cut(self, outages, t);
    }
    fn count(&self) -> usize {
        self.starts.len() - 1
    }
    fn get(&self, k: usize) -> (f64, &[(usize, f64)]) {
        let b = &self.bounds;
        (
            b[k + 1] - b[k],
            &self.cuts[self.starts[k]..self.starts[k + 1]],
        )
    }
    fn any_cut(&self) -> bool {
        !self.cuts.is_empty()
    }
}

impl Cut for Segments {
    fn cut(&mut self, outages: &[Outage], t: usize) {
        Segments::cut(self, outages, t);
    }
    fn count(&self) -> usize {
        Segments::count(self)
    }
    fn get(&self, k: usize) -> (f64, &[(usize, f64)]) {
        Segments::get(self, k)
    }
    fn any_cut(&self) -> bool {
        Segments::any_cut(self)
    }
}

/// The years' outages, and the lean cut checked against the engine's `Segments::cut`: the
/// same segments, lengths and cuts, bit for bit.
fn checked_years() -> (Model, YearOutages) {
    let model = scenario();
    let years = yearly_outages(&model);
    let (mut engine, mut lean) = (Segments::default(), LeanSegments::default());
    for (t, outages) in &years {
        engine.cut(outages, *t);
        lean.cut(outages, *t);
        assert_eq!(engine.count(), lean.starts.len() - 1, "year {t}");
        for k in 0..engine.count() {
            let (days, cuts) = engine.get(k);
            let (a, b) = (lean.starts[k], lean.starts[k + 1]);
            let length = lean.bounds[k + 1] - lean.bounds[k];
            assert_eq!(days.to_bits(), length.to_bits(), "year {t}, segment {k}");
            let bits = |c: &[(usize, f64)]| c.iter().map(|&(a, f)| (a, f.to_bits())).collect();
            let (e, l): (Vec<_>, Vec<_>) = (bits(cuts), bits(&lean.cuts[a..b]));
            assert_eq!(e, l, "year {t}, segment {k}");
        }
    }
    (model, years)
}

/// Every year of `trials()` baseline trials cut into segments by the lean cut.
#[divan::bench]
fn lean_segments(bencher: divan::Bencher) {
    let mut lean = LeanSegments::default();
    time_cuts(bencher, |outages, t| {
        lean.cut(outages, t);
        lean.cuts.len()
    });
}

/// The same years cut by the engine's `Segments::cut` (and `find_repeats`, which the year loop
/// calls after it).
#[divan::bench]
fn engine_segments(bencher: divan::Bencher) {
    let mut engine = Segments::default();
    time_cuts(bencher, |outages, t| {
        engine.cut(outages, t);
        engine.find_repeats();
        engine.count()
    });
}

/// Times `cut` on every checked year, per trial-year.
fn time_cuts(bencher: divan::Bencher, mut cut: impl FnMut(&[Outage], usize) -> usize) {
    let (model, years) = checked_years();
    bencher
        .counter(ItemsCount::new(trials() as usize * model.year_count()))
        .bench_local(|| {
            for (t, outages) in &years {
                black_box(cut(outages, *t));
            }
        });
}

// ---- The year ----------------------------------------------------------------------------

/// A whole year of the model, lean, from the year's drawn terms (each producer's supply and
/// make-up share, each asset's capacity, each route's contract terms, each lane's netback) and
/// its outages to its volumes (docs/model.md §4, §5, §5b, §5c): the filling order, the twin, the
/// year cut into segments, and each segment's volumes — the twin's rates where every cut asset
/// keeps at least its twin flow, else an allocation of the segment's own, its routes' maxima
/// lowered to their pro-rata shares where a shared asset's cut binds (from the twin's state
/// after its minimums pass where that pass is the segment's too), an earlier segment's where its
/// cuts are the same — then its make-up pass; and the outage days. The parts above put
/// together, with the glue between them. Supply plans, reservations and market responses are
/// left out (the shipped baseline has none); the year's terms are `LeanTerms`.
struct LeanYear<C> {
    chains: Vec<[u8; 4]>,
    lane_route: Vec<u32>,
    order: lean::Order,
    on_minimum: [bool; 128],
    /// Per asset shared pro rata, each route through it with its lanes (empty otherwise).
    shares: Vec<Vec<(usize, Vec<usize>)>>,
    /// The lean cut or the engine's (which is faster over many trials: `engine_segments`).
    segments: C,
    st: State,
    /// The twin's supply, capacities and maxima after its minimums pass, and its shipments.
    after: ([f64; lean::PRODUCERS], [f64; 128], [f64; lean::ROUTES]),
    twin: Vec<(u32, f64)>,
    after_minimums: usize,
    allocated: Vec<Allocated>,
    shipped: Vec<(u32, f64)>,
    /// What each allocated segment left on each asset and under each route's maximum (make-up).
    left: Vec<f64>,
    period_max: [f64; lean::ROUTES],
    cf_lane: [f64; lean::ROUTES],
    cf_stranded: [f64; lean::PRODUCERS],
    cf_flow: [f64; 128],
    lane: [f64; lean::ROUTES],
    stranded: [f64; lean::PRODUCERS],
    days: [f64; 128],
    made: MadeUp,
}

/// The year's make-up (§5c): the pass's state (`supply` the backlog, `lane` and `made` what was
/// made up this year per lane and per producer), its steps, the twin's spare, and the lanes'
/// volumes before make-up.
struct MadeUp {
    on: bool,
    mu: State,
    share: [f64; lean::PRODUCERS],
    steps: Vec<[u8; 3]>,
    steps_ready: bool,
    pending: bool,
    any: bool,
    twin_spare: ([f64; 128], [f64; lean::ROUTES]),
    twin_ready: bool,
    regular: [f64; lean::ROUTES],
}

/// A segment the lean year allocated: its number in the year, its shipments (a range of
/// `shipped`), its stranded rates, and where what it left starts in `left`.
#[derive(Clone, Copy)]
struct Allocated {
    segment: usize,
    ships: (usize, usize),
    stranded: [f64; lean::PRODUCERS],
    left: usize,
}

/// One year's inputs for the lean year: its number in the trial, its outages and its terms.
struct YearTerms<'a> {
    t: usize,
    outages: &'a [Outage],
    supply: &'a [f64],
    make_up_share: &'a [f64],
    capacity: &'a [f64],
    contract_min: &'a [f64],
    contract_max: &'a [f64],
    netback: &'a [f64],
}

impl<'a> YearTerms<'a> {
    /// Year `t`'s terms as `Year` recorded them.
    fn recorded(t: usize, year: &'a Year, outages: &'a [Outage]) -> YearTerms<'a> {
        YearTerms {
            t,
            outages,
            supply: &year.supply,
            make_up_share: &year.make_up_share,
            capacity: &year.capacity,
            contract_min: &year.contract_min,
            contract_max: &year.contract_max,
            netback: &year.netback,
        }
    }
}

impl<C: Cut> LeanYear<C> {
    fn new(model: &Model) -> LeanYear<C> {
        let through = |a: usize| -> Vec<(usize, Vec<usize>)> {
            if !model.assets[a].pro_rata {
                return Vec::new();
            }
            let routes = model
                .chain_range
                .iter()
                .enumerate()
                .filter(|&(_, &(lo, hi))| {
                    model.chain[lo as usize..hi as usize].contains(&(a as u32))
                });
            let lanes_of = |r: usize| {
                let lanes = model.lane_route.iter().enumerate();
                lanes
                    .filter(|&(_, &x)| x as usize == r)
                    .map(|(l, _)| l)
                    .collect()
            };
            routes.map(|(r, _)| (r, lanes_of(r))).collect()
        };
        LeanYear {
            chains: lean::chains(model),
            lane_route: model.lane_route.clone(),
            order: lean::Order::new(model),
            on_minimum: [false; 128],
            shares: (0..model.assets.len()).map(through).collect(),
            segments: C::default(),
            st: State::new(),
            after: ([0.0; lean::PRODUCERS], [0.0; 128], [0.0; lean::ROUTES]),
            twin: Vec::new(),
            after_minimums: 0,
            allocated: Vec::new(),
            shipped: Vec::new(),
            left: Vec::new(),
            period_max: [0.0; lean::ROUTES],
            cf_lane: [0.0; lean::ROUTES],
            cf_stranded: [0.0; lean::PRODUCERS],
            cf_flow: [0.0; 128],
            lane: [0.0; lean::ROUTES],
            stranded: [0.0; lean::PRODUCERS],
            days: [0.0; 128],
            made: MadeUp {
                on: model.make_up,
                mu: State::new(),
                share: [0.0; lean::PRODUCERS],
                steps: Vec::new(),
                steps_ready: false,
                pending: false,
                any: false,
                twin_spare: ([0.0; 128], [0.0; lean::ROUTES]),
                twin_ready: false,
                regular: [0.0; lean::ROUTES],
            },
        }
    }

    fn year(&mut self, y: &YearTerms) {
        let (np, na, nl) = (y.supply.len(), y.capacity.len(), self.chains.len());
        let nr = y.contract_max.len();
        self.order.build(y.netback, y.contract_min);
        self.on_minimum[..na].fill(false);
        for s in &self.order.minimum_steps {
            for a in self.chains[s[0] as usize] {
                self.on_minimum[a as usize & 127] = true;
            }
        }
        if self.made.on {
            let m = &mut self.made;
            m.share[..np].copy_from_slice(y.make_up_share);
            m.mu.supply[..np].fill(0.0);
            m.mu.made[..np].fill(0.0);
            m.mu.lane[..nl].fill(0.0);
            (m.pending, m.any, m.steps_ready, m.twin_ready) = (false, false, false, false);
        }
        // The twin: full capacity all year.
        let st = &mut self.st;
        st.supply[..np].copy_from_slice(y.supply);
        st.capacity[..na].copy_from_slice(y.capacity);
        st.maximum[..nr].copy_from_slice(y.contract_max);
        st.minimum[..nr].copy_from_slice(y.contract_min);
        self.twin.clear();
        if !self.order.minimum_steps.is_empty() {
            st.fill::<true>(&self.chains, &self.order.minimum_steps, &mut self.twin);
        }
        self.after.0[..np].copy_from_slice(&st.supply[..np]);
        self.after.1[..na].copy_from_slice(&st.capacity[..na]);
        self.after.2[..nr].copy_from_slice(&st.maximum[..nr]);
        self.after_minimums = self.twin.len();
        st.fill::<false>(&self.chains, &self.order.steps, &mut self.twin);
        self.cf_lane[..nl].fill(0.0);
        for &(l, x) in &self.twin {
            self.cf_lane[l as usize] += 1.0 * x;
        }
        self.cf_stranded[..np].fill(0.0);
        for (s, &left) in self.cf_stranded[..np].iter_mut().zip(&st.supply[..np]) {
            if left > NEGLIGIBLE {
                *s += 1.0 * left;
            }
        }
        // The year as disrupted, segment by segment.
        self.segments.cut(y.outages, y.t);
        self.days[..na].fill(0.0);
        if !self.segments.any_cut() {
            self.lane[..nl].copy_from_slice(&self.cf_lane[..nl]);
            self.stranded[..np].copy_from_slice(&self.cf_stranded[..np]);
            return;
        }
        self.cf_flow[..na].fill(0.0);
        for (chain, &v) in self.chains.iter().zip(&self.cf_lane[..nl]) {
            for a in chain {
                self.cf_flow[*a as usize & 127] += v;
            }
        }
        self.lane[..nl].fill(0.0);
        self.stranded[..np].fill(0.0);
        self.allocated.clear();
        self.shipped.clear();
        self.left.clear();
        for k in 0..self.segments.count() {
            self.segment(y, k);
        }
        if self.made.any {
            self.made.regular[..nl].copy_from_slice(&self.lane[..nl]);
            let m = &self.made;
            for (v, &x) in self.lane[..nl].iter_mut().zip(&m.mu.lane[..nl]) {
                *v += x;
            }
            for (s, &x) in self.stranded[..np].iter_mut().zip(&m.mu.made[..np]) {
                *s = (*s - x).max(0.0);
            }
        }
    }

    /// Segment `k` of a year with cuts: its outage days, its volumes and its make-up pass.
    fn segment(&mut self, y: &YearTerms, k: usize) {
        let (np, nl) = (y.supply.len(), self.chains.len());
        let capacity = y.capacity;
        let (days, cuts) = self.segments.get(k);
        let share = days / YEAR_DAYS;
        for &(a, f) in cuts {
            if f < 1.0 {
                self.days[a] += days;
            }
        }
        let keeps = |&(a, f): &(usize, f64)| {
            f >= 1.0 || capacity[a] * f >= self.cf_flow[a] * (1.0 + 1e-9) + 1e-12
        };
        if cuts.iter().all(keeps) {
            for (v, &r) in self.lane[..nl].iter_mut().zip(&self.cf_lane[..nl]) {
                *v += share * r;
            }
            for (s, &r) in self.stranded[..np].iter_mut().zip(&self.cf_stranded[..np]) {
                *s += share * r;
            }
            if self.made.on && self.made.pending {
                self.make_up(y, k, share, None);
            }
            return;
        }
        let same = |a: &&Allocated| self.segments.get(a.segment).1 == cuts;
        let a = match self.allocated.iter().find(same) {
            Some(&a) => a,
            None => self.allocate(y, k),
        };
        for &(l, x) in &self.shipped[a.ships.0..a.ships.1] {
            self.lane[l as usize] += share * x;
        }
        for (s, &l) in self.stranded[..np].iter_mut().zip(&a.stranded[..np]) {
            if l > 0.0 {
                *s += share * l;
            }
        }
        if self.made.on {
            if self.made.pending {
                self.make_up(y, k, share, Some(a));
            }
            // What the segment holds back joins the backlog.
            let m = &mut self.made;
            for p in 0..np {
                let held = share * (a.stranded[p] - self.cf_stranded[p]).max(0.0);
                if a.stranded[p] > 0.0 && m.share[p] > 0.0 && held > 0.0 {
                    m.mu.supply[p] += m.share[p] * held;
                    m.pending = true;
                }
            }
        }
    }

    /// Allocates segment `k`.
    fn allocate(&mut self, y: &YearTerms, k: usize) -> Allocated {
        let (np, na, nr) = (y.supply.len(), y.capacity.len(), y.contract_max.len());
        let capacity = y.capacity;
        let cuts = self.segments.get(k).1;
        // §5b: a binding cut of a shared asset lowers each route through it to its share.
        let mut shared = false;
        for &(a, f) in cuts {
            let routes = &self.shares[a];
            if routes.is_empty() || self.cf_flow[a] <= NEGLIGIBLE {
                continue;
            }
            let left = capacity[a] * f;
            if left >= self.cf_flow[a] {
                continue;
            }
            if !shared {
                shared = true;
                self.period_max[..nr].copy_from_slice(y.contract_max);
            }
            let ratio = left / self.cf_flow[a];
            for (r, lanes) in routes {
                let undisrupted: f64 = lanes.iter().map(|&l| self.cf_lane[l]).sum();
                self.period_max[*r] = self.period_max[*r].min(ratio * undisrupted);
            }
        }
        let max = if shared {
            &self.period_max[..nr]
        } else {
            y.contract_max
        };
        let st = &mut self.st;
        let first = self.shipped.len();
        let mut from_twin = cuts.iter().all(|&(a, _)| !self.on_minimum[a]);
        if from_twin {
            let terms = max.iter().zip(y.contract_max).zip(y.contract_min);
            for (r, ((&max, &year_max), &min)) in terms.enumerate() {
                if max.to_bits() == year_max.to_bits() {
                    st.maximum[r] = self.after.2[r];
                } else {
                    st.maximum[r] = max;
                    from_twin &= min <= 0.0;
                }
            }
        }
        if from_twin {
            st.supply[..np].copy_from_slice(&self.after.0[..np]);
            st.capacity[..na].copy_from_slice(&self.after.1[..na]);
            self.shipped
                .extend_from_slice(&self.twin[..self.after_minimums]);
            for &(a, f) in cuts {
                st.capacity[a] = capacity[a] * f;
            }
        } else {
            st.supply[..np].copy_from_slice(y.supply);
            st.capacity[..na].copy_from_slice(capacity);
            for &(a, f) in cuts {
                st.capacity[a] = capacity[a] * f;
            }
            st.maximum[..nr].copy_from_slice(max);
            st.minimum[..nr].copy_from_slice(y.contract_min);
            if !self.order.minimum_steps.is_empty() {
                st.fill::<true>(&self.chains, &self.order.minimum_steps, &mut self.shipped);
            }
        }
        st.fill::<false>(&self.chains, &self.order.steps, &mut self.shipped);
        let mut stranded = [0.0; lean::PRODUCERS];
        for (l, &s) in stranded.iter_mut().zip(&st.supply[..np]) {
            if s > NEGLIGIBLE {
                *l = s;
            }
        }
        let left = self.left.len();
        if self.made.on {
            self.left.extend_from_slice(&st.capacity[..na]);
            self.left.extend_from_slice(&st.maximum[..nr]);
        }
        let a = Allocated {
            segment: k,
            ships: (first, self.shipped.len()),
            stranded,
            left,
        };
        self.allocated.push(a);
        a
    }

    /// Segment `k`'s make-up pass, from the spare its regular allocation left: the twin's
    /// (`None`) or its own.
    fn make_up(&mut self, y: &YearTerms, k: usize, share: f64, regular: Option<Allocated>) {
        let (na, nr) = (y.capacity.len(), y.contract_max.len());
        let capacity = y.capacity;
        let m = &mut self.made;
        if !m.steps_ready {
            m.steps.clear();
            let steps = self
                .order
                .steps
                .iter()
                .filter(|s| m.share[s[1] as usize] > 0.0);
            m.steps.extend(steps);
            m.steps_ready = true;
        }
        match regular {
            None => {
                if !m.twin_ready {
                    let route = &mut m.twin_spare.1;
                    route[..nr].fill(0.0);
                    for (&r, &x) in self.lane_route.iter().zip(&self.cf_lane) {
                        route[r as usize] += x;
                    }
                    for (r, &max) in route[..nr].iter_mut().zip(y.contract_max) {
                        *r = max - *r;
                    }
                    let spare = m.twin_spare.0[..na].iter_mut().zip(capacity);
                    for ((s, &c), &f) in spare.zip(&self.cf_flow) {
                        *s = c - f;
                    }
                    m.twin_ready = true;
                }
                m.mu.maximum[..nr].copy_from_slice(&m.twin_spare.1[..nr]);
                m.mu.capacity[..na].copy_from_slice(&m.twin_spare.0[..na]);
                for &(a, f) in self.segments.get(k).1 {
                    m.mu.capacity[a] = capacity[a] * f - self.cf_flow[a];
                }
            }
            Some(seg) => {
                let left = &self.left[seg.left..seg.left + na + nr];
                m.mu.capacity[..na].copy_from_slice(&left[..na]);
                m.mu.maximum[..nr].copy_from_slice(&left[na..]);
            }
        }
        m.any |= m.mu.make_up(&self.chains, &m.steps, share);
        m.pending = m.mu.supply[..y.supply.len()].iter().any(|&b| b > 0.0);
    }
}

/// The recorded years with their outages, and the lean year checked against the engine's: every
/// lane's volume (before make-up too) and its twin's, every producer's stranded and made-up
/// volume and every asset's outage days, bit for bit. `None` for a model it does not cover.
fn checked_lean_years<C: Cut>() -> Option<(Run, YearOutages)> {
    let run = record(trials());
    let plans = run.model.supply_plans.iter().any(Option::is_some);
    if plans || !run.model.reservations.is_empty() || !run.model.responses.is_empty() {
        eprintln!("\n  (the lean year covers no supply plans, reservations or market responses)");
        return None;
    }
    let outages = yearly_outages(&run.model);
    assert_eq!(outages.len(), run.years.len());
    let mut lean = LeanYear::<C>::new(&run.model);
    let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    for (i, (year, (t, outages))) in run.years.iter().zip(&outages).enumerate() {
        lean.year(&YearTerms::recorded(*t, year, outages));
        let (np, na) = (year.supply.len(), year.capacity.len());
        let nl = year.lane_volume.len();
        let made = &lean.made;
        let regular = if made.any { &made.regular } else { &lean.lane };
        let none = [0.0; lean::PRODUCERS];
        let made_up = if made.on { &made.mu.made } else { &none };
        let pairs = [
            (&lean.cf_lane[..nl], &year.cf_lane_volume),
            (&lean.lane[..nl], &year.lane_volume),
            (&regular[..nl], &year.regular),
            (&lean.stranded[..np], &year.stranded),
            (&made_up[..np], &year.made_up),
            (&lean.days[..na], &year.outage_days),
        ];
        for (what, (lean, engine)) in pairs.iter().enumerate() {
            assert_eq!(bits(lean), bits(engine), "year {i}, value {what}");
        }
    }
    Some((run, outages))
}

/// Every year of `trials()` trials by the lean year (models it covers only), cut by the lean
/// cut (`LeanSegments`) or the engine's (`Segments`, faster over many trials).
#[divan::bench(types = [LeanSegments, Segments])]
fn lean_year<C: Cut>(bencher: divan::Bencher) {
    let Some((run, outages)) = checked_lean_years::<C>() else {
        return;
    };
    let mut lean = LeanYear::<C>::new(&run.model);
    let terms = run.years.iter().zip(&outages);
    let terms = terms.map(|(year, (t, outages))| YearTerms::recorded(*t, year, outages));
    let terms: Vec<_> = terms.collect();
    bencher
        .counter(ItemsCount::new(run.trial_years))
        .bench_local(|| {
            for y in &terms {
                lean.year(y);
                black_box(&lean.lane);
            }
        });
}

// ---- The whole model, live ---------------------------------------------------------------

/// The whole model, lean, run live rather than replayed: each trial's draws
/// (`LeanDraws`), each year's terms (`LeanTerms`), volumes (`LeanYear`) and metrics and horizon
/// values (`LeanBook`), each value written into its column of a block of 64 trials, and each
/// block's columns folded (`Cell::fold`). Nothing is recorded or replayed, so a replay's
/// hindrance (its records' cache misses) is not in its time, nor the help a part replayed
/// alone gets from learning its branches (it still learns some over 64 trials, as the
/// engine does). Checked against the engine: every statistic of the recorded run, as
/// `lean_fold` is.
struct Live<C> {
    terms: LeanTerms,
    year: LeanYear<C>,
    book: LeanBook,
    b: Book,
    years: usize,
    metrics: usize,
    /// The block's columns: row (a year, then the horizon) × metric × trial.
    block: Vec<f64>,
    /// The trial's place in the block.
    i: usize,
    cells: Vec<Cell>,
}

impl<C: Cut> Live<C> {
    fn new(model: &Model) -> Live<C> {
        let (years, metrics) = (model.year_count(), model.layout.len());
        let cells = (years + 1) * metrics;
        Live {
            terms: LeanTerms::default(),
            year: LeanYear::new(model),
            book: LeanBook::new(model),
            b: Book::new(model),
            years,
            metrics,
            block: vec![0.0; cells * BLOCK],
            i: 0,
            cells: vec![Cell::default(); cells],
        }
    }

    /// Writes row `row` (`b.out`, or the horizon values) into the block's columns.
    fn write(&mut self, row: usize, horizon: bool) {
        let values = if horizon {
            &self.b.horizon
        } else {
            &self.b.out
        };
        let at = row * self.metrics * BLOCK + self.i;
        for (m, &v) in values.iter().enumerate() {
            self.block[at + m * BLOCK] = v;
        }
    }

    /// After each trial: the block folded when it is full.
    fn trial_done(&mut self) {
        self.i += 1;
        if self.i == BLOCK {
            for (cell, column) in self.cells.iter_mut().zip(self.block.chunks_exact(BLOCK)) {
                cell.fold(column);
            }
            self.i = 0;
        }
    }
}

impl<C: Cut> DrawsSink for Live<C> {
    fn start(&mut self, model: &Model, values: &Values) {
        self.terms.start(model, values);
        self.b.horizon.fill(0.0);
    }

    fn year(&mut self, model: &Model, d: &Drawn) {
        self.terms.year(model, d);
        let terms = &self.terms;
        let nl = model.lanes.len();
        self.year.year(&YearTerms {
            t: d.t,
            outages: d.outages,
            supply: &terms.supply,
            make_up_share: &terms.make_up_share,
            capacity: &terms.capacity,
            contract_min: &terms.contract_min,
            contract_max: &terms.contract_max,
            netback: &terms.netback[..nl],
        });
        let (y, np, na) = (&self.year, model.producers.len(), model.assets.len());
        let none = [0.0; lean::PRODUCERS];
        let made = &y.made;
        let view = YearBook {
            lane_volume: &y.lane[..nl],
            cf_lane_volume: &y.cf_lane[..nl],
            regular: if made.any {
                &made.regular[..nl]
            } else {
                &y.lane[..nl]
            },
            netback: &terms.netback,
            route_tariff: &terms.route_tariff,
            supply: &terms.supply,
            stranded: &y.stranded[..np],
            made_up: if made.on {
                &made.mu.made[..np]
            } else {
                &none[..np]
            },
            capacity: &terms.capacity,
            asset_tariff: &terms.asset_tariff,
            outage_days: &y.days[..na],
            price: d.price,
        };
        let b = &mut self.b;
        self.book
            .year(&view, &mut b.flow, &mut b.out, &mut b.horizon);
        self.write(d.t, false);
        if d.t + 1 == self.years {
            self.write(self.years, true);
        }
    }
}

/// The live lean model over `trials` trials (a multiple of 64).
fn live_trials<C: Cut>(model: &Model, draws: &mut LeanDraws, live: &mut Live<C>, trials: u64) {
    for trial in 0..trials {
        draws.trial(model, trial, live);
        live.trial_done();
    }
}

/// `trials()` trials of the whole model by the live lean implementation, after checking every
/// statistic it gives against the engine's on the same trials (models without supply plans,
/// reservations or market responses), with either cut.
#[divan::bench(types = [LeanSegments, Segments])]
fn lean_model<C: Cut>(bencher: divan::Bencher) {
    let Some((run, _)) = checked_lean_years::<C>() else {
        return;
    };
    let model = &run.model;
    let mut draws = LeanDraws::default();
    let mut live = Live::<C>::new(model);
    live_trials(model, &mut draws, &mut live, trials());
    check_cells(&run, &live.cells);
    bencher
        .counter(ItemsCount::new(run.trial_years))
        .bench_local(|| live_trials(model, &mut draws, &mut live, trials()));
}

// ---- Statistics -------------------------------------------------------------------------

/// Trials per block, as the engine's `Recorder` folds them.
const BLOCK: usize = RECORDER_BLOCK;

/// Fixed point: 2^20 units per 1.0.
const SCALE: f64 = (1u64 << 20) as f64;
/// Histogram keys: a value's bits without their last 45 (7 mantissa bits: 128 buckets per power
/// of two).
const SHIFT: u32 = 45;
/// Positive values below this (2^31) take the fast pass.
const FAST: f64 = (1u64 << 31) as f64;

/// One cell's statistics.
#[derive(Clone, Default)]
struct Cell {
    count: u64,
    zeros: u64,
    sum: i128,
    sum_sq: i128,
    min: f64,
    max: f64,
    /// Counts of positive keys `base..base + pos.len()`, and of negative values by magnitude.
    base: u32,
    pos: Vec<u64>,
    neg: Vec<(u32, u64)>,
}

/// round(v · 2^20), half away from zero.
#[inline(always)]
fn fixed(v: f64) -> i64 {
    let x = v * SCALE;
    let t = x as i64;
    let frac = x - t as f64;
    t + i64::from(frac >= 0.5) - i64::from(frac <= -0.5)
}

impl Cell {
    /// Makes `pos` cover keys `lo..=hi`.
    fn reach(&mut self, lo: u32, hi: u32) {
        if self.pos.is_empty() {
            self.base = lo;
            self.pos = vec![0; (hi - lo + 1) as usize];
            return;
        }
        if lo < self.base {
            let mut grown = vec![0; (self.base - lo) as usize];
            grown.append(&mut self.pos);
            self.pos = grown;
            self.base = lo;
        }
        let need = (hi - self.base + 1) as usize;
        if need > self.pos.len() {
            self.pos.resize(need, 0);
        }
    }

    fn extremes(&mut self, lo: f64, hi: f64) {
        if self.count == 0 {
            (self.min, self.max) = (lo, hi);
        } else {
            self.min = self.min.min(lo);
            self.max = self.max.max(hi);
        }
    }

    #[inline(never)]
    fn fold(&mut self, vs: &[f64]) {
        // The span: the largest value, the smallest nonzero one, whether all are in 0..2^31.
        let (mut hi, mut lo, mut fast) = (0.0f64, f64::INFINITY, true);
        for &v in vs {
            hi = if v > hi { v } else { hi };
            lo = if v != 0.0 && v < lo { v } else { lo };
            fast &= v.to_bits() < FAST.to_bits();
        }
        if !fast {
            return self.fold_any(vs);
        }
        let n = vs.len() as u64;
        if lo == f64::INFINITY || lo == hi {
            // Zeros and copies of one value: counted.
            let copies = if lo == f64::INFINITY {
                0
            } else {
                vs.iter().filter(|&&v| v == hi).count() as u64
            };
            if copies > 0 {
                let x = i128::from(fixed(hi));
                self.sum += x * copies as i128;
                self.sum_sq += x * x * copies as i128;
                let k = (hi.to_bits() >> SHIFT) as u32;
                self.reach(k, k);
                self.pos[(k - self.base) as usize] += copies;
            }
            self.zeros += n - copies;
            let lo = if copies < n { 0.0 } else { hi };
            self.extremes(lo, hi);
            self.count += n;
            return;
        }
        // The keys' window, and one slot above it where zeros (key 0, wrapped and clamped)
        // are counted and then put back.
        let (klo, khi) = (
            (lo.to_bits() >> SHIFT) as u32,
            (hi.to_bits() >> SHIFT) as u32,
        );
        self.reach(klo, khi + 1);
        let (mut sum, mut sum_sq) = (0i64, 0i128);
        let base = self.base as usize;
        let window = &mut self.pos[klo as usize - base..=khi as usize + 1 - base];
        let top = window.len() - 1;
        let held = window[top];
        for &v in vs {
            // round(v · 2^20) half up: v is in 0..2^31, so the sum is below 2^52 and its
            // truncation an i64.
            let x = unsafe { (v * SCALE + 0.499_999_999_999_999_94).to_int_unchecked::<i64>() };
            sum += x;
            sum_sq += i128::from(x) * i128::from(x);
            let i = ((v.to_bits() >> SHIFT) as usize).wrapping_sub(klo as usize);
            window[i.min(top)] += 1;
        }
        let zeros = window[top] - held;
        window[top] = held;
        self.sum += i128::from(sum);
        self.sum_sq += sum_sq;
        self.zeros += zeros;
        self.extremes(if zeros > 0 { 0.0 } else { lo }, hi);
        self.count += n;
    }

    /// Any values, one at a time (negatives, -0.0 and values past 2^31: rare in the baseline).
    fn fold_any(&mut self, vs: &[f64]) {
        for &v in vs {
            let x = i128::from(fixed(v));
            self.sum += x;
            self.sum_sq += x * x;
            let v = if v == 0.0 { 0.0 } else { v };
            self.extremes(v, v);
            self.count += 1;
            let k = (v.abs().to_bits() >> SHIFT) as u32;
            if v == 0.0 {
                self.zeros += 1;
            } else if v > 0.0 {
                self.reach(k, k);
                self.pos[(k - self.base) as usize] += 1;
            } else {
                match self.neg.iter_mut().find(|(key, _)| *key == k) {
                    Some((_, c)) => *c += 1,
                    None => self.neg.push((k, 1)),
                }
            }
        }
    }
}

/// The run's values as blocks of columns: `BLOCK` trials, cell by cell (`trials()` is a multiple
/// of `BLOCK`).
fn columns(run: &Run) -> (usize, Vec<Vec<f64>>) {
    let rows_per_trial = run.model.year_count() + 1;
    let metrics = run.rows[0].len();
    let cells = metrics * rows_per_trial;
    let trials = run.rows.len() / rows_per_trial;
    assert_eq!(trials % BLOCK, 0);
    let blocks = (0..trials / BLOCK)
        .map(|b| {
            let mut block = vec![0.0; cells * BLOCK];
            for i in 0..BLOCK {
                let trial = &run.rows[(b * BLOCK + i) * rows_per_trial..];
                for (row, values) in trial[..rows_per_trial].iter().enumerate() {
                    for (m, &v) in values.iter().enumerate() {
                        block[(row * metrics + m) * BLOCK + i] = v;
                    }
                }
            }
            block
        })
        .collect();
    (cells, blocks)
}

/// A recorder for the run's values.
fn recorder(run: &Run) -> Recorder {
    Recorder::new(run.rows[0].len(), run.model.year_count())
}

/// Records the run's values, row by row, as the engine's workers do.
fn record_rows(run: &Run, recorder: &mut Recorder) {
    let years = run.model.year_count();
    for (i, row) in run.rows.iter().enumerate() {
        let t = i % (years + 1);
        if t < years {
            recorder.year(t, row);
        } else {
            recorder.horizon(row);
        }
    }
}

/// The engine's collector for the run's values.
fn engine_statistics(run: &Run) -> Collector {
    let mut recorder = recorder(run);
    record_rows(run, &mut recorder);
    recorder.finish()
}

/// The lean fold's cells agree with the engine's: counts, means and extremes bit for bit, and
/// every bucket strictly between the extremes' buckets by the engine's `rank_of`.
fn check_cells(run: &Run, cells: &[Cell]) {
    let engine = engine_statistics(run);
    let metrics = run.rows[0].len();
    for (k, cell) in cells.iter().enumerate() {
        let (row, m) = (k / metrics, k % metrics);
        let t = (row < run.model.year_count()).then_some(row);
        let acc = engine.accumulator(m, t);
        let mean = cell.sum as f64 / cell.count as f64 / SCALE;
        assert_eq!(acc.count(), cell.count, "cell {k}");
        assert_eq!(acc.moments().mean().to_bits(), mean.to_bits(), "cell {k}");
        let h = acc.histogram();
        assert_eq!(h.min().to_bits(), cell.min.to_bits(), "cell {k}");
        assert_eq!(h.max().to_bits(), cell.max.to_bits(), "cell {k}");
        if !cell.neg.is_empty() {
            continue;
        }
        let (kmin, kmax) = (cell.min.to_bits() >> SHIFT, cell.max.to_bits() >> SHIFT);
        let mut below = cell.zeros;
        for (j, &c) in cell.pos.iter().enumerate() {
            let key = u64::from(cell.base) + j as u64;
            if key > kmin && key < kmax && c > 0 {
                let mid = f64::from_bits((key << SHIFT) | (1 << (SHIFT - 1)));
                assert_eq!(h.rank_of(mid), (below, c), "cell {k}, key {key}");
            }
            below += c;
        }
    }
}

/// Folds every block into `cells`.
fn lean_fold_all(cells: &mut [Cell], blocks: &[Vec<f64>]) {
    for block in blocks {
        for (cell, column) in cells.iter_mut().zip(block.chunks_exact(BLOCK)) {
            cell.fold(column);
        }
    }
}

/// The run's values folded by the lean fold, from blocks already in columns.
#[divan::bench]
fn lean_fold(bencher: divan::Bencher) {
    let run = record(trials());
    let (n, blocks) = columns(&run);
    let mut cells = vec![Cell::default(); n];
    lean_fold_all(&mut cells, &blocks);
    check_cells(&run, &cells);
    bencher
        .counter(ItemsCount::new(run.trial_years))
        .bench_local(|| lean_fold_all(&mut cells, &blocks));
}

/// The same values recorded by the engine's `Recorder` row by row, as a run does (its tile,
/// spread and fold).
#[divan::bench]
fn engine_fold(bencher: divan::Bencher) {
    let run = record(trials());
    let mut recorder = recorder(&run);
    bencher
        .counter(ItemsCount::new(run.trial_years))
        .bench_local(|| record_rows(&run, &mut recorder));
    black_box(recorder.finish().trials());
}
