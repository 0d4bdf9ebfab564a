//! The paired engine: trial i of every scenario, side by side, on common random numbers.
//!
//! Why: a decision is a difference ("what is the BTC allocation worth?"), and the difference of
//! two independent runs carries the noise of both. Every input draws from a stream keyed by
//! (seed, trial, input name) (`model::streams`), so simulating scenario A and scenario B with
//! the same seed and trial index gives both the same draws for every input they share. Recording
//! the per-trial difference B − A then cancels that shared noise, and the standard error of the
//! mean difference is that of the paired differences, not sqrt(se_A² + se_B²).
//!
//! Like the engine, trials run in blocks on all cores and every statistic is an exact,
//! order-free `Accumulator`, so results are byte-identical for any thread count. Only horizon
//! values are kept: per-year differences would multiply memory by the horizon for little use.

use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;

use crate::engine::progress::Progress;
use crate::engine::{self, EngineError, blocks};
use crate::model::Kind;
use crate::model::streams::used_by as streams;
use crate::model::{Model, TrialSink, Workspace, simulate};
use crate::stats::Accumulator;

/// What to run.
#[derive(Debug, Clone)]
pub struct PairedSpec {
    /// One seed per scenario. All equal: common random numbers. Different: independent runs
    /// (only for measuring what common random numbers buy).
    pub seeds: Vec<u64>,
    pub trials: u64,
    pub threads: Option<usize>,
}

/// A metric present in every compared scenario, and where it sits in each one's layout.
#[derive(Debug, Clone, PartialEq)]
pub struct Shared {
    pub id: String,
    pub kind: String,
    pub entity: String,
    pub unit: &'static str,
    /// Index in each scenario's layout.
    pub index: Vec<usize>,
}

/// The metrics every model reports, in the first model's order.
pub fn shared_metrics(models: &[Model]) -> Vec<Shared> {
    let Some(first) = models.first() else {
        return Vec::new();
    };
    first
        .layout
        .metrics
        .iter()
        .filter_map(|m| {
            let id = m.id();
            let index = models
                .iter()
                .map(|model| model.layout.metrics.iter().position(|x| x.id() == id))
                .collect::<Option<Vec<_>>>()?;
            Some(Shared {
                id,
                kind: m.name(),
                entity: m.entity.clone(),
                unit: m.kind.unit(),
                index,
            })
        })
        .collect()
}

/// The scenarios after the first that draw no random number from a stream the first also uses,
/// though both draw some: inputs are paired by name (`model::streams`), so with no name in
/// common, common random numbers cannot cancel any noise and their differences from the first
/// are as noisy as those of independent runs.
pub fn unpaired(models: &[Model]) -> Vec<usize> {
    let Some(first) = models.first().map(streams) else {
        return Vec::new();
    };
    (1..models.len())
        .filter(|&k| {
            let other = streams(&models[k]);
            !first.is_empty() && !other.is_empty() && !other.iter().any(|s| first.contains(s))
        })
        .collect()
}

/// Whether the compared scenarios have nothing in common to compare but the benchmark price (no
/// producer, asset, route or owner named alike in all of them).
pub fn only_price_shared(shared: &[Shared]) -> bool {
    shared.iter().all(|s| s.kind == Kind::BenchmarkPrice.name())
}

/// Horizon statistics of the shared metrics: `values[k][j]` for scenario k and metric j, and
/// `diffs[k - 1][j]` for the per-trial difference scenario k − scenario 0 (k ≥ 1).
#[derive(Debug, Clone, PartialEq)]
pub struct PairedStats {
    pub trials: u64,
    pub values: Vec<Vec<Accumulator>>,
    pub diffs: Vec<Vec<Accumulator>>,
}

impl PairedStats {
    fn new(scenarios: usize, metrics: usize) -> PairedStats {
        PairedStats {
            trials: 0,
            values: vec![vec![Accumulator::new(); metrics]; scenarios],
            diffs: vec![vec![Accumulator::new(); metrics]; scenarios.saturating_sub(1)],
        }
    }

    fn merge(mut self, other: PairedStats) -> PairedStats {
        self.trials += other.trials;
        for (a, b) in self.values.iter_mut().zip(&other.values) {
            for (x, y) in a.iter_mut().zip(b) {
                x.merge(y);
            }
        }
        for (a, b) in self.diffs.iter_mut().zip(&other.diffs) {
            for (x, y) in a.iter_mut().zip(b) {
                x.merge(y);
            }
        }
        self
    }
}

/// Keeps a trial's horizon values; years are ignored.
#[derive(Default)]
pub struct HorizonCapture {
    pub values: Vec<f64>,
}

impl TrialSink for HorizonCapture {
    fn year(&mut self, _t: usize, _values: &[f64]) {}

    fn horizon(&mut self, _trial: u64, values: &[f64]) {
        self.values.clear();
        self.values.extend_from_slice(values);
    }
}

/// A worker's state: one workspace and capture per scenario, and its statistics.
struct Worker {
    ws: Vec<Workspace>,
    cap: Vec<HorizonCapture>,
    stats: PairedStats,
}

/// Runs trials `0..spec.trials` of every model and records the shared metrics and the paired
/// differences against the first model. `progress` counts one simulation per model and trial.
pub fn run_paired(
    models: &[Model],
    shared: &[Shared],
    spec: &PairedSpec,
    cancel: &AtomicBool,
    progress: &Progress,
) -> Result<PairedStats, EngineError> {
    assert_eq!(models.len(), spec.seeds.len(), "one seed per scenario");
    let pool = engine::pool(spec.threads)?;
    let threads = pool.current_num_threads();
    let blocks = blocks(0, spec.trials, threads);
    let (n, m) = (models.len(), shared.len());
    let stats = progress.watch(threads, || {
        pool.install(|| {
            blocks
                .par_iter()
                .with_min_len((blocks.len() / (threads * 4)).max(1))
                .fold(
                    || Worker {
                        ws: vec![Workspace::default(); n],
                        cap: (0..n).map(|_| HorizonCapture::default()).collect(),
                        stats: PairedStats::new(n, m),
                    },
                    |mut w, &(lo, hi)| {
                        for trial in lo..hi {
                            if cancel.load(Ordering::Relaxed) {
                                break;
                            }
                            for (((model, &seed), ws), cap) in models
                                .iter()
                                .zip(&spec.seeds)
                                .zip(&mut w.ws)
                                .zip(&mut w.cap)
                            {
                                simulate(model, seed, trial, ws, cap);
                            }
                            record(&w.cap, shared, &mut w.stats);
                            progress.simulated(n as u64);
                        }
                        w
                    },
                )
                .map(|w| w.stats)
                .reduce(|| PairedStats::new(n, m), PairedStats::merge)
        })
    });
    if cancel.load(Ordering::Relaxed) {
        return Err(EngineError::Interrupted);
    }
    Ok(stats)
}

fn record(cap: &[HorizonCapture], shared: &[Shared], stats: &mut PairedStats) {
    stats.trials += 1;
    for (j, s) in shared.iter().enumerate() {
        let base = cap[0].values[s.index[0]];
        for (k, c) in cap.iter().enumerate() {
            let v = c.values[s.index[k]];
            stats.values[k][j].record(v);
            if k > 0 {
                stats.diffs[k - 1][j].record(v - base);
            }
        }
    }
}
