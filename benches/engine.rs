//! Micro-benchmarks of the hot paths: one baseline trial, one trial of the slowest scenario
//! the documented limits allow, the allocation step, the statistics accumulator and drawing the
//! baseline's charts. Run with `cargo bench`; figures go to BENCHMARKS.md.

use std::hint::black_box;
use std::sync::atomic::AtomicBool;

use corridor::engine::{self, RunSpec, progress::Progress};
use corridor::model::allocation::{Period, Plan, Scratch, Shipments, allocate};
use corridor::model::{Model, TrialSink, Workspace, simulate};
use corridor::output::Results;
use corridor::output::charts::{ChartOptions, Context, draw_all};
use corridor::scenario::{load_baseline, load_file};
use corridor::stats::{Accumulator, RECORDER_BLOCK, Recorder};

fn main() {
    divan::main();
}

fn baseline() -> Model {
    Model::compile(&load_baseline().scenario)
}

/// Discards values: isolates the model from the statistics.
struct Discard;

impl TrialSink for Discard {
    fn year(&mut self, _t: usize, values: &[f64]) {
        black_box(values);
    }
    fn horizon(&mut self, _trial: u64, values: &[f64]) {
        black_box(values);
    }
}

/// One trial of the baseline (11 trial-years), model only.
#[divan::bench]
fn baseline_trial_model_only(bencher: divan::Bencher) {
    let model = baseline();
    let mut ws = Workspace::default();
    let mut trial = 0;
    bencher.bench_local(|| {
        trial += 1;
        simulate(&model, 42, trial, &mut ws, &mut Discard);
    });
}

/// One trial of the baseline with every metric recorded into the accumulators, as a run does.
#[divan::bench]
fn baseline_trial_with_statistics(bencher: divan::Bencher) {
    let model = baseline();
    let mut ws = Workspace::default();
    let mut recorder = Recorder::new(model.layout.len(), model.year_count());
    let mut trial = 0;
    bencher.bench_local(|| {
        trial += 1;
        simulate(&model, 42, trial, &mut ws, &mut recorder);
    });
}

/// One trial of `benches/worst-case.ron` (scripts/worst-case.py: 200 years, 15 producers,
/// routes and assets, 365 outages a year, 1,000 in progress), model only: about half a second,
/// so few samples.
#[divan::bench(sample_count = 5, sample_size = 1)]
fn worst_case_trial_model_only(bencher: divan::Bencher) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/worst-case.ron");
    let loaded = load_file(std::path::Path::new(path)).expect("benches/worst-case.ron is valid");
    let model = Model::compile(&loaded.scenario);
    let mut ws = Workspace::default();
    let mut trial = 0;
    bencher.bench_local(|| {
        trial += 1;
        simulate(&model, 42, trial, &mut ws, &mut Discard);
    });
}

/// One allocation of the baseline's export supply over its routes (both passes).
#[divan::bench]
fn allocation_step(bencher: divan::Bencher) {
    let model = baseline();
    let lanes = model.lanes.len();
    // Netbacks decreasing in file order; every route with a 1 Mt/yr minimum in force.
    let netback: Vec<f64> = (0..lanes).map(|l| 500.0 - l as f64).collect();
    let contract_min = vec![1.0; model.routes.len()];
    let contract_max = vec![f64::INFINITY; model.routes.len()];
    let supply = vec![75.0, 22.0, 4.0];
    let capacity: Vec<f64> = model.assets.iter().map(|_| 30.0).collect();
    let mut plan = Plan::default();
    plan.build(&model, &netback, &contract_min, &mut Vec::new());
    let mut scratch = Scratch::default();
    let mut shipments = Shipments::default();
    let (mut volume, mut stranded) = (vec![0.0; lanes], vec![0.0; supply.len()]);
    bencher.bench_local(|| {
        let period = Period {
            supply: &supply,
            capacity: &capacity,
            contract_min: &contract_min,
            contract_max: &contract_max,
            reserved: &[],
        };
        allocate(&model, &plan, &period, &mut scratch, &mut shipments);
        shipments.add_to(1.0, &mut volume, &mut stranded);
    });
    black_box((volume, stranded));
}

/// 1,000 values between 30 and 70, in no order.
fn wave() -> Vec<f64> {
    (0..1000)
        .map(|i| 50.0 + (i as f64 * 0.37).sin() * 20.0)
        .collect()
}

/// Recording 1,000 values into one accumulator.
#[divan::bench]
fn accumulator_record_1000(bencher: divan::Bencher) {
    let values = wave();
    let mut acc = Accumulator::new();
    bencher
        .counter(divan::counter::ItemsCount::new(values.len()))
        .bench_local(|| {
            for &v in &values {
                acc.record(v);
            }
        });
    black_box(acc.count());
}

/// The same 1,000 values folded in columns of `RECORDER_BLOCK` (64) values, as the workers' `Recorder`
/// folds them: the per-value cost of the statistics in a run.
#[divan::bench]
fn accumulator_record_1000_in_blocks(bencher: divan::Bencher) {
    let values = wave();
    let mut acc = Accumulator::new();
    bencher
        .counter(divan::counter::ItemsCount::new(values.len()))
        .bench_local(|| {
            for block in values.chunks(RECORDER_BLOCK) {
                acc.record_slice(block);
            }
        });
    black_box(acc.count());
}

/// Drawing every chart of the default run (the baseline, 100,000 trials, seed 42) in SVG and
/// PNG at the default options; the run and the charts' data are set up once, outside the
/// timing. What a run with charts adds to one without, besides writing the files.
#[divan::bench(sample_count = 5, sample_size = 1)]
fn baseline_charts_drawn(bencher: divan::Bencher) {
    let loaded = load_baseline();
    let model = Model::compile(&loaded.scenario);
    let spec = RunSpec {
        seed: 42,
        first: 0,
        trials: 100_000,
        threads: None,
    };
    let cancel = AtomicBool::new(false);
    let run =
        engine::run(&model, spec, &cancel, &Progress::hidden(), None).expect("the baseline runs");
    let results = Results::from_collector(&model, &run.collector, 42);
    let ctx = Context::from_scenario(&results, &run.collector, &loaded.scenario);
    let opts = ChartOptions::default();
    bencher.bench_local(|| draw_all(&ctx, &opts).expect("the baseline's charts draw"));
}
