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
//! One module a part (`allocation`, `book`, `draws`, `segments`, `year`, `fold`), and `live` for
//! the whole; this file records the run they replay and times the engine's whole trials.
//! The `engine_*` benches time the engine's own parts, and its whole trials, on the same work.
//! Each bench's counter is trial-years, so divan prints the time per trial-year it reaches.
//! `cargo bench --features trace --bench floor` (`FLOOR_SCENARIO=FILE` for another scenario,
//! `FLOOR_TRIALS=N` for another number of trials);
//! `cargo test --release --features trace --bench floor` runs each once, checks included (CI).
//! Figures in BENCHMARKS.md, "Session of 2026-11-29 (VII)" and "(VIII)".

#[path = "../common/mod.rs"]
mod common;

mod allocation;
mod book;
mod draws;
mod fold;
mod live;
mod segments;
mod year;

use book::*;
use draws::*;
use fold::*;
use segments::*;
use year::*;

use std::hint::black_box;

use common::Discard;
use common::lean::{self, State};

use corridor::model::allocation::NEGLIGIBLE;
use corridor::model::compile::Outage;
use corridor::model::metrics::{Horizon, Kind as Metric};
use corridor::model::params::{Param, Values};
use corridor::model::segments::Segments;
use corridor::model::sharing::Shares;
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
