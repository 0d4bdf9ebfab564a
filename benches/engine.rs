//! Micro-benchmarks of the hot paths: one baseline trial, one trial of the slowest scenario
//! the documented limits allow, the allocation step beside a lean allocation written from
//! docs/model.md alone (the floor the engine's is measured against), the statistics accumulator
//! and drawing the baseline's charts. Run with `cargo bench`; figures go to BENCHMARKS.md.

mod common;

use std::hint::black_box;
use std::sync::atomic::AtomicBool;

use common::Discard;
use common::lean::{self, State};

use corridor::engine::{self, RunSpec, progress::Progress};
use corridor::model::allocation::{NEGLIGIBLE, Period, Plan, Scratch, Shipments, allocate};
use corridor::model::{Model, Workspace, simulate};
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
    let inputs = step_inputs(&model);
    let plan = inputs.plan(&model);
    let mut scratch = Scratch::default();
    let mut shipments = Shipments::default();
    let lanes = model.lanes.len();
    let (mut volume, mut stranded) = (vec![0.0; lanes], vec![0.0; inputs.supply.len()]);
    bencher.bench_local(|| {
        let period = inputs.period();
        allocate(&model, &plan, &period, &mut scratch, &mut shipments);
        shipments.add_to(1.0, &mut volume, &mut stranded);
    });
    black_box((volume, stranded));
}

/// The inputs of `allocation_step`: the baseline's network, netbacks decreasing in file order,
/// every route with a 1 Mt/yr minimum in force, no maximum, 30 Mt/yr on every asset.
struct StepInputs {
    netback: Vec<f64>,
    contract_min: Vec<f64>,
    contract_max: Vec<f64>,
    supply: Vec<f64>,
    capacity: Vec<f64>,
}

impl StepInputs {
    /// The engine's filling order for these netbacks and minimums.
    fn plan(&self, model: &Model) -> Plan {
        let mut plan = Plan::default();
        plan.build(model, &self.netback, &self.contract_min, &mut Vec::new());
        plan
    }

    fn period(&self) -> Period<'_> {
        Period {
            supply: &self.supply,
            capacity: &self.capacity,
            contract_min: &self.contract_min,
            contract_max: &self.contract_max,
            reserved: &[],
        }
    }
}

fn step_inputs(model: &Model) -> StepInputs {
    StepInputs {
        netback: (0..model.lanes.len()).map(|l| 500.0 - l as f64).collect(),
        contract_min: vec![1.0; model.routes.len()],
        contract_max: vec![f64::INFINITY; model.routes.len()],
        supply: vec![75.0, 22.0, 4.0],
        capacity: model.assets.iter().map(|_| 30.0).collect(),
    }
}

/// The floor the engine's allocation is measured against: the lean greedy allocation of
/// `common::lean` (docs/model.md §5 alone: minimums, then netback, no reservations), its steps
/// sorted once, outside the timing. `allocation_lean` times it on `allocation_step`'s inputs,
/// after checking it against the engine's bit for bit (BENCHMARKS.md, "Session of 2026-11-29
/// (VI)"; `benches/floor/` replays a whole run's passes through it).
struct Lean {
    chains: Vec<[u8; 4]>,
    /// `(lane, producer, route)` of each lane of positive netback, producers by priority and
    /// each one's lanes by descending netback; the minimums pass's steps apart.
    steps: Vec<[u8; 3]>,
    minimum_steps: Vec<[u8; 3]>,
}

impl Lean {
    fn new(model: &Model, netback: &[f64], contract_min: &[f64]) -> Lean {
        let mut order = lean::Order::new(model);
        order.build(netback, contract_min);
        Lean {
            chains: lean::chains(model),
            steps: order.steps,
            minimum_steps: order.minimum_steps,
        }
    }

    /// Allocates `inputs` from `st`, each shipment into `lanes`; the supply left stays in `st`.
    fn allocate(&self, inputs: &StepInputs, st: &mut State, lanes: &mut Vec<(u32, f64)>) {
        st.supply[..inputs.supply.len()].copy_from_slice(&inputs.supply);
        st.capacity[..inputs.capacity.len()].copy_from_slice(&inputs.capacity);
        st.minimum[..inputs.contract_min.len()].copy_from_slice(&inputs.contract_min);
        st.maximum[..inputs.contract_max.len()].copy_from_slice(&inputs.contract_max);
        lanes.clear();
        st.fill::<true>(&self.chains, &self.minimum_steps, lanes);
        st.fill::<false>(&self.chains, &self.steps, lanes);
    }
}

/// The lean allocation of `Lean` on `allocation_step`'s inputs: the floor of that bench.
#[divan::bench]
fn allocation_lean(bencher: divan::Bencher) {
    let model = baseline();
    let inputs = step_inputs(&model);
    let lean = Lean::new(&model, &inputs.netback, &inputs.contract_min);
    let (mut st, mut lanes) = (State::new(), Vec::new());
    // Checked once, outside the timing: the same shipments, bit for bit, as the engine's.
    lean.allocate(&inputs, &mut st, &mut lanes);
    let mut shipments = Shipments::default();
    let (plan, period) = (inputs.plan(&model), inputs.period());
    allocate(
        &model,
        &plan,
        &period,
        &mut Scratch::default(),
        &mut shipments,
    );
    let bits = |l: &[(u32, f64)]| l.iter().map(|&(l, x)| (l, x.to_bits())).collect::<Vec<_>>();
    assert_eq!(bits(&lanes), bits(shipments.lanes()));
    let lanes_count = model.lanes.len();
    let (mut volume, mut stranded) = (vec![0.0; lanes_count], vec![0.0; inputs.supply.len()]);
    bencher.bench_local(|| {
        lean.allocate(&inputs, &mut st, &mut lanes);
        for &(l, x) in &lanes {
            volume[l as usize] += x;
        }
        for (s, &x) in stranded.iter_mut().zip(&st.supply) {
            if x > NEGLIGIBLE {
                *s += x;
            }
        }
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
