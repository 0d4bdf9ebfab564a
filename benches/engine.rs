//! Micro-benchmarks of the hot paths: one baseline trial, one trial of the slowest scenario
//! the documented limits allow, the allocation step beside a lean allocation written from
//! docs/model.md alone (the floor the engine's is measured against), the statistics accumulator
//! and drawing the baseline's charts. Run with `cargo bench`; figures go to BENCHMARKS.md.

use std::hint::black_box;
use std::sync::atomic::AtomicBool;

use corridor::engine::{self, RunSpec, progress::Progress};
use corridor::model::allocation::{NEGLIGIBLE, Period, Plan, Scratch, Shipments, allocate};
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

/// The floor the engine's allocation is measured against: a lean greedy allocation written
/// from docs/model.md §5 alone (minimums, then netback, no reservations), for networks of at
/// most 8 producers, 32 assets, 16 routes and chains of 4. Its working state lives on the
/// stack in arrays of fixed size, each chain is padded with slots of +∞ that take turns (so
/// that no two steps chain through one slot's stores) and its minimum is taken as a tree, and
/// the steps are sorted once, outside the timing. `allocation_lean` times it on
/// `allocation_step`'s inputs, after checking it against the engine's bit for bit
/// (BENCHMARKS.md, "Session of 2026-11-29 (VI)").
struct Lean {
    /// `(lane, producer, route, chain)` of each lane of positive netback, producers by
    /// priority and each one's lanes by descending netback; the minimum steps apart.
    steps: Vec<(u32, usize, usize, [usize; 4])>,
    minimum_steps: Vec<(u32, usize, usize, [usize; 4])>,
}

/// The first of `Lean`'s padding slots, +∞ each (32 to 63).
const LEAN_PADDING: usize = 32;

impl Lean {
    fn new(model: &Model, netback: &[f64], contract_min: &[f64]) -> Lean {
        assert!(model.producers.len() <= 8 && model.assets.len() <= LEAN_PADDING);
        assert!(model.routes.len() <= 16);
        let (mut steps, mut minimum_steps) = (Vec::new(), Vec::new());
        let mut pads = (LEAN_PADDING..2 * LEAN_PADDING).cycle();
        for &p in &model.priority {
            let mut lanes: Vec<usize> = model.producers[p].lanes.clone();
            lanes.retain(|&l| netback[l] > 0.0);
            lanes.sort_by(|&a, &b| netback[b].total_cmp(&netback[a]));
            for l in lanes {
                let r = model.lanes[l].route;
                let (a, b) = model.chain_range[r];
                let own = &model.chain[a as usize..b as usize];
                assert!(own.len() <= 4);
                let mut chain = [0; 4];
                for (i, c) in chain.iter_mut().enumerate() {
                    *c = own
                        .get(i)
                        .map_or_else(|| pads.next().unwrap(), |&x| x as usize);
                }
                steps.push((l as u32, p, r, chain));
                if contract_min[r] > 0.0 {
                    minimum_steps.push((l as u32, p, r, chain));
                }
            }
        }
        Lean {
            steps,
            minimum_steps,
        }
    }

    fn allocate(&self, inputs: &StepInputs, lanes: &mut Vec<(u32, f64)>) -> [f64; 8] {
        let mut state = LeanState {
            supply: [0.0; 8],
            capacity: [f64::INFINITY; 2 * LEAN_PADDING],
            minimum: [0.0; 16],
            maximum: [0.0; 16],
        };
        state.supply[..inputs.supply.len()].copy_from_slice(&inputs.supply);
        state.capacity[..inputs.capacity.len()].copy_from_slice(&inputs.capacity);
        state.minimum[..inputs.contract_min.len()].copy_from_slice(&inputs.contract_min);
        state.maximum[..inputs.contract_max.len()].copy_from_slice(&inputs.contract_max);
        lanes.clear();
        state.pass::<true>(&self.minimum_steps, lanes);
        state.pass::<false>(&self.steps, lanes);
        state.supply
    }
}

/// `Lean`'s working state.
struct LeanState {
    supply: [f64; 8],
    capacity: [f64; 2 * LEAN_PADDING],
    minimum: [f64; 16],
    maximum: [f64; 16],
}

impl LeanState {
    #[inline(always)]
    fn pass<const MINIMUMS: bool>(
        &mut self,
        steps: &[(u32, usize, usize, [usize; 4])],
        lanes: &mut Vec<(u32, f64)>,
    ) {
        let min = |a: f64, b: f64| if b < a { b } else { a };
        for &(l, p, r, [a, b, c, d]) in steps {
            let (p, r) = (p & 7, r & 15);
            let cap = &self.capacity;
            let chain = min(min(cap[a & 63], cap[b & 63]), min(cap[c & 63], cap[d & 63]));
            let mut room = min(chain, self.maximum[r]);
            if MINIMUMS {
                room = min(room, self.minimum[r]);
            }
            let amount = min(room, self.supply[p]);
            if amount <= NEGLIGIBLE {
                continue;
            }
            self.supply[p] -= amount;
            self.maximum[r] -= amount;
            if MINIMUMS {
                self.minimum[r] -= amount;
            }
            for x in [a, b, c, d] {
                self.capacity[x & 63] -= amount;
            }
            lanes.push((l, amount));
        }
    }
}

/// The lean allocation of `Lean` on `allocation_step`'s inputs: the floor of that bench.
#[divan::bench]
fn allocation_lean(bencher: divan::Bencher) {
    let model = baseline();
    let inputs = step_inputs(&model);
    let lean = Lean::new(&model, &inputs.netback, &inputs.contract_min);
    let mut lanes = Vec::new();
    // Checked once, outside the timing: the same shipments, bit for bit, as the engine's.
    lean.allocate(&inputs, &mut lanes);
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
        let left = lean.allocate(&inputs, &mut lanes);
        for &(l, x) in &lanes {
            volume[l as usize] += x;
        }
        for (s, &x) in stranded.iter_mut().zip(&left) {
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
