//! Running many trials on all cores, reproducibly.
//!
//! Trials are grouped in blocks of at most `BLOCK` consecutive indices; blocks run in parallel in
//! waves, and each wave's accumulators are merged into the run's. Every statistic merges exactly
//! (integer counts and fixed-point sums), and every trial's random numbers depend only on
//! (seed, trial index), so results are byte-identical for any thread count, any split of the
//! trial range and any size of block. After each trial the engine checks for Ctrl-C and counts
//! the trial for `progress` (a trial can take a second at the limits, a block many minutes).

pub mod progress;
pub mod shard;

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use self::progress::Progress;

use crate::model::{Model, TrialSink, Workspace, simulate};
use crate::stats::{Collector, Recorder};

/// Most trials per block, the unit a worker takes at a time (`--precision` batches are 8 of
/// them).
pub const BLOCK: u64 = 1024;

/// `first..first + trials` in blocks: of `BLOCK` trials, or smaller when the run is short, so
/// that even a few trials of a slow scenario keep every thread busy (four blocks a thread).
pub fn blocks(first: u64, trials: u64, threads: usize) -> Vec<(u64, u64)> {
    let end = first + trials;
    let size = BLOCK.min(trials.div_ceil(4 * threads.max(1) as u64)).max(1);
    (first..end)
        .step_by(size as usize)
        .map(|lo| (lo, (lo + size).min(end)))
        .collect()
}

/// The worker threads of a job: `threads` of them, or one per core. Every command that
/// simulates builds its pool here, so they fail alike when threads cannot start.
pub fn pool(threads: Option<usize>) -> Result<rayon::ThreadPool, EngineError> {
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(n) = threads {
        builder = builder.num_threads(n);
    }
    builder
        .build()
        .map_err(|e| EngineError::Threads(e.to_string()))
}

/// What to run.
#[derive(Debug, Clone, Copy)]
pub struct RunSpec {
    pub seed: u64,
    /// The trial indices to run: `first..first + trials`.
    pub first: u64,
    pub trials: u64,
    /// Worker threads (None: one per core).
    pub threads: Option<usize>,
}

/// The merged statistics of a run.
pub struct RunOutput {
    pub collector: Collector,
    pub elapsed: Duration,
    pub threads: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("interrupted: no results were written")]
    Interrupted,
    #[error("cannot start worker threads: {0}")]
    Threads(String),
    #[error(
        "cannot write trials.csv (is the disk full?); the previous results were left as they \
         were: {0}"
    )]
    Rows(std::io::Error),
    /// A statistic left the range in which it is exact; see `saturated_metric`.
    #[error(
        "the statistics of {0} left the range in which they are exact (values up to 2^42 and \
         their squares summed over all trials), so its mean and sd would be wrong; nothing was \
         written: run fewer trials or scale the scenario's volumes or prices down"
    )]
    Saturated(String),
}

/// Per-trial horizon values in trial order, for `--keep-trials`.
pub type TrialRows = Vec<(u64, Vec<f64>)>;

/// Receives per-trial rows, a wave at a time.
pub type RowWriter<'a> = &'a mut dyn FnMut(&TrialRows) -> std::io::Result<()>;

/// Runs the trials of `spec`. `on_rows`, when given, receives every trial's horizon values in
/// trial order (a wave at a time, so memory stays bounded).
pub fn run(
    model: &Model,
    spec: RunSpec,
    cancel: &AtomicBool,
    progress: &Progress,
    mut on_rows: Option<RowWriter<'_>>,
) -> Result<RunOutput, EngineError> {
    let started = Instant::now();
    let pool = pool(spec.threads)?;
    let threads = pool.current_num_threads();
    let keep = on_rows.is_some();
    let blocks = blocks(spec.first, spec.trials, threads);
    // Without per-trial rows one parallel pass over all blocks suffices: each worker keeps one
    // collector for its whole share, so buffers and histograms are allocated once. Per-trial
    // rows must reach the writer in trial order, so then blocks run in waves.
    let wave = if keep {
        (threads * 8).max(8)
    } else {
        blocks.len().max(1)
    };
    let mut total = Collector::new(model.layout.len(), model.year_count());

    for chunk in blocks.chunks(wave) {
        let part = progress.watch(threads, || {
            pool.install(|| {
                chunk
                    .par_iter()
                    // Few, long-lived collectors (each split allocates one): at most ~2 per thread,
                    // so memory does not grow with the number of blocks.
                    .with_min_len((chunk.len() / (threads * 2)).max(1))
                    .fold(
                        || Partial::new(model, keep),
                        |mut part, &(lo, hi)| {
                            for trial in lo..hi {
                                if cancel.load(Ordering::Relaxed) {
                                    break;
                                }
                                simulate(model, spec.seed, trial, &mut part.ws, &mut part.out);
                                progress.simulated(1);
                            }
                            part
                        },
                    )
                    .map(Partial::finish)
                    .reduce(|| Sink::new(model, keep), Sink::merge)
            })
        });
        if cancel.load(Ordering::Relaxed) {
            return Err(EngineError::Interrupted);
        }
        total.merge(&part.collector);
        if let (Some(f), Some(mut rows)) = (on_rows.as_mut(), part.rows) {
            rows.sort_unstable_by_key(|r| r.0);
            f(&rows).map_err(EngineError::Rows)?;
        }
    }
    if let Some(metric) = saturated_metric(model, &total) {
        return Err(EngineError::Saturated(metric));
    }
    Ok(RunOutput {
        collector: total,
        elapsed: started.elapsed(),
        threads,
    })
}

/// The first metric (and year) whose accumulator saturated, if any.
///
/// `check` bounds every input so that no single value a trial reports leaves the accumulators'
/// exact range (|v| < 2^42); but the sum of squares behind the sd is an i128 that many trials of
/// values near that bound can still overflow. The accumulators flag it instead of wrapping; this
/// turns the flag into an error, so a wrong sd is never written. Merging shards must check too.
pub fn saturated_metric(model: &Model, collector: &Collector) -> Option<String> {
    let years = model.year_count();
    (0..model.layout.len()).find_map(|m| {
        let when = (0..years)
            .map(Some)
            .chain([None])
            .find(|&t| collector.accumulator(m, t).saturated())?;
        let id = model.layout.metrics[m].id();
        Some(match when {
            Some(t) => format!("{id} in {}", model.years[t]),
            None => format!("{id} over the horizon"),
        })
    })
}

/// A worker's statistics and, with `--keep-trials`, its trials' horizon values.
struct Sink {
    collector: Collector,
    rows: Option<TrialRows>,
}

impl Sink {
    fn new(model: &Model, keep: bool) -> Sink {
        Sink {
            collector: Collector::new(model.layout.len(), model.year_count()),
            rows: keep.then(Vec::new),
        }
    }

    fn merge(mut self, other: Sink) -> Sink {
        self.collector.merge(&other.collector);
        if let (Some(a), Some(b)) = (self.rows.as_mut(), other.rows) {
            a.extend(b);
        }
        self
    }
}

/// A worker's state while it runs its share of the blocks.
struct Partial {
    ws: Workspace,
    out: Out,
}

/// Where a worker's trials go: block-wise into the statistics, and with `--keep-trials` into rows.
struct Out {
    recorder: Recorder,
    rows: Option<TrialRows>,
}

impl Partial {
    fn new(model: &Model, keep: bool) -> Partial {
        Partial {
            ws: Workspace::default(),
            out: Out {
                recorder: Recorder::new(model.layout.len(), model.year_count()),
                rows: keep.then(Vec::new),
            },
        }
    }

    fn finish(self) -> Sink {
        Sink {
            collector: self.out.recorder.finish(),
            rows: self.out.rows,
        }
    }
}

impl TrialSink for Out {
    #[inline]
    fn year(&mut self, t: usize, values: &[f64]) {
        self.recorder.year(t, values);
    }

    #[inline]
    fn horizon(&mut self, trial: u64, values: &[f64]) {
        self.recorder.horizon(values);
        if let Some(rows) = self.rows.as_mut() {
            rows.push((trial, values.to_vec()));
        }
    }
}

/// A recorder is a sink too: what the engine's workers record into (benchmarks use it alone).
impl TrialSink for Recorder {
    #[inline]
    fn year(&mut self, t: usize, values: &[f64]) {
        Recorder::year(self, t, values);
    }

    #[inline]
    fn horizon(&mut self, _trial: u64, values: &[f64]) {
        Recorder::horizon(self, values);
    }
}

/// A collector is itself a sink (benchmarks and tests record into one directly).
impl TrialSink for Collector {
    fn year(&mut self, t: usize, values: &[f64]) {
        Collector::year(self, t, values);
    }

    fn horizon(&mut self, trial: u64, values: &[f64]) {
        Collector::horizon(self, trial, values);
    }
}
