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
//!
//! The `engine_*` benches time the engine's own parts, and its whole trials, on the same work.
//! Each bench's counter is trial-years, so divan prints the time per trial-year it reaches.
//! `cargo bench --features trace --bench floor` (`FLOOR_SCENARIO=FILE` for another scenario,
//! `FLOOR_TRIALS=N` for another number of trials);
//! `cargo test --release --features trace --bench floor` runs each once, checks included (CI).
//! Figures in BENCHMARKS.md, "Session of 2026-11-29 (VII)".

mod common;

use std::hint::black_box;

use common::Discard;
use common::lean::{self, State};

use corridor::model::compile::Outage;
use corridor::model::metrics::{Horizon, Kind as Metric};
use corridor::model::params::Values;
use corridor::model::segments::Segments;
use corridor::model::trace::{self, Kind, Order, Pass, Year};
use corridor::model::{
    Model, TrialSink, Workspace, disruptions, prices, regimes, simulate, streams,
};
use corridor::scenario::dates::YEAR_DAYS;
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
        assert_eq!(lean.steps, o.steps);
        assert_eq!(lean.minimum_steps, o.minimum_steps);
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
    fn year(&self, y: &Year, flow: &mut [f64], out: &mut [f64], horizon: &mut [f64]) {
        let np = y.supply.len();
        flow.fill(0.0);
        for ((_, _, chain), &v) in self.lanes.iter().zip(&y.lane_volume) {
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
            out[base..base + np].copy_from_slice(&y.made_up);
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
            self.year(y, &mut b.flow, &mut b.out, &mut b.horizon);
            let last = (i % years == years - 1).then_some(&b.horizon[..]);
            done(i, &b.out, last);
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
    let salt = model.residual_salt;
    d.regime.resize(years, 0);
    let mut rng = streams::stream(ts, streams::key(streams::REGIMES) ^ salt);
    regimes::sample_path(model.regimes.as_ref(), &mut rng, &mut d.regime);
    d.price.resize(years, 0.0);
    let mut rng = streams::stream(ts, streams::key(streams::BENCHMARK_SHOCKS) ^ salt);
    prices::sample_path(&model.prices, &d.values, &mut rng, &mut d.price);
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

// ---- Segments ---------------------------------------------------------------------------

/// Each year's outages of `trials()` baseline trials, as the year loop cuts them (the forced
/// outages, then those drawn, those ended before the year retired).
fn yearly_outages(model: &Model) -> Vec<(usize, Vec<Outage>)> {
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

/// The years' outages, and the lean cut checked against the engine's `Segments::cut`: the
/// same segments, lengths and cuts, bit for bit.
fn checked_years() -> (Model, Vec<(usize, Vec<Outage>)>) {
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
