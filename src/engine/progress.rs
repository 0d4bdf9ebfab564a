//! What a job reports while it runs: counts of finished simulations for whoever shows them (the
//! binary's progress bar, through `Show`), and the early estimate of how long the whole job will
//! take.
//!
//! Why: a scenario inside every documented limit can run at about two trials a second, so a
//! default run takes half a day; a user must hear that in the first seconds, not the next
//! morning, and the bar must move although a block of trials takes minutes. Workers count each
//! simulation in a counter of their own (no shared cache line and no clock in the trial loop);
//! a watcher thread, alive while the engine works, moves the bar from those counts and, once,
//! hands an `Estimate` to the caller's hook. Progress only observes: results never depend on
//! it, and the library prints nothing (the binary's hook decides what to say).

use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread;
use std::time::{Duration, Instant};

/// Where a job's progress is shown. The library only counts; the binary draws (its progress
/// bar implements this), so the library knows no terminal.
pub trait Show: Send + Sync {
    /// `done` simulations of the job have finished.
    fn position(&self, done: u64);
}

/// How often the watcher moves the bar and looks at the clock.
const TICK: Duration = Duration::from_millis(100);
/// Worker counters; threads beyond this many share them (still exact: the adds are atomic).
const SLOTS: usize = 64;

/// One worker's count of simulations, alone on its cache line.
#[repr(align(128))]
#[derive(Default)]
struct Slot(AtomicU64);

/// How long a job will take, measured on its first simulations.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// Simulations done when it was made, and the time they took on `threads` threads.
    pub done: u64,
    pub elapsed: Duration,
    pub threads: usize,
    /// Simulations the whole job needs (at most).
    pub total: u64,
}

impl Estimate {
    /// Simulations a second, all threads together.
    pub fn per_second(&self) -> f64 {
        self.done as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// Seconds `n` simulations take at the measured rate.
    pub fn seconds_for(&self, n: u64) -> f64 {
        n as f64 / self.per_second()
    }

    /// Seconds the whole job takes, from its start.
    pub fn total_seconds(&self) -> f64 {
        self.seconds_for(self.total)
    }
}

/// When to make the estimate and whom to give it to.
pub struct Early {
    /// Simulations the job needs (at most: a `--precision` run may stop sooner).
    pub total: u64,
    /// Measure at least this long (a first second is noisy: threads start, caches fill).
    pub after: Duration,
    /// Called once, from the watcher thread.
    pub report: Box<dyn Fn(&Estimate) + Send + Sync>,
}

/// The progress of one job: one run, the batches of a `--precision` run, or a comparison.
pub struct Progress {
    show: Option<Box<dyn Show>>,
    slots: Box<[Slot]>,
    /// Whether anyone looks: a visible bar or an estimate to make. If not, nothing is counted.
    counting: bool,
    early: Option<Early>,
    estimated: AtomicBool,
    started: OnceLock<Instant>,
}

impl Progress {
    /// Progress shown by `show`, or not shown (then nothing is counted unless an estimate is
    /// asked for).
    pub fn new(show: Option<Box<dyn Show>>) -> Progress {
        Progress {
            counting: show.is_some(),
            show,
            slots: (0..SLOTS).map(|_| Slot::default()).collect(),
            early: None,
            estimated: AtomicBool::new(false),
            started: OnceLock::new(),
        }
    }

    /// No bar and no estimate (tests, benchmarks, charts' own runs).
    pub fn hidden() -> Progress {
        Progress::new(None)
    }

    /// Also makes `early`'s estimate once the job has run long enough.
    pub fn with_early(mut self, early: Early) -> Progress {
        self.early = Some(early);
        self.counting = true;
        self
    }

    /// Counts `n` finished simulations; called by the workers after each trial.
    #[inline]
    pub fn simulated(&self, n: u64) {
        if self.counting {
            let slot = rayon::current_thread_index().unwrap_or(0) % SLOTS;
            self.slots[slot].0.fetch_add(n, Ordering::Relaxed);
        }
    }

    /// Simulations counted so far in this job.
    pub fn done(&self) -> u64 {
        self.slots.iter().map(|s| s.0.load(Ordering::Relaxed)).sum()
    }

    /// Runs `work` (the engine's parallel part, on `threads` threads) with a watcher beside it
    /// that moves the bar and makes the estimate. The job's clock starts at the first call.
    pub fn watch<R>(&self, threads: usize, work: impl FnOnce() -> R) -> R {
        if !self.counting {
            return work();
        }
        let started = *self.started.get_or_init(Instant::now);
        let stop = AtomicBool::new(false);
        let out = thread::scope(|s| {
            let watcher = thread::Builder::new()
                .name("corridor-progress".into())
                .spawn_scoped(s, || {
                    while !stop.load(Ordering::Acquire) {
                        thread::park_timeout(TICK);
                        self.poll(started, threads);
                    }
                });
            let out = work();
            stop.store(true, Ordering::Release);
            // Without a watcher (no thread to spare) the work still runs, unobserved.
            if let Ok(w) = watcher {
                w.thread().unpark();
            }
            out
        });
        self.show_position(self.done());
        out
    }

    fn show_position(&self, done: u64) {
        if let Some(show) = &self.show {
            show.position(done);
        }
    }

    fn poll(&self, started: Instant, threads: usize) {
        let done = self.done();
        self.show_position(done);
        let Some(early) = &self.early else {
            return;
        };
        let elapsed = started.elapsed();
        // Enough to go on: the minimum time, and either a few trials per thread or five times
        // the minimum (a trial that takes minutes still gets an estimate from the first one).
        let enough = done > 0
            && elapsed >= early.after
            && (done >= 8 * threads as u64 || elapsed >= 5 * early.after);
        if enough && !self.estimated.swap(true, Ordering::AcqRel) {
            (early.report)(&Estimate {
                done,
                elapsed,
                threads,
                total: early.total,
            });
        }
    }
}
