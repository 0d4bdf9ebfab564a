//! Streaming, exactly mergeable summary statistics.
//!
//! Why: the engine runs 10^8+ trials on many threads and machines, and
//! merges shard files later. Results must be byte-identical for any thread
//! count and any shard split, memory must not grow with trials, and
//! recording must cost a few ns (~70 values per trial-year). So all state is
//! integer counts/sums (exact, order-free merge) plus min/max (merged by
//! comparison), and bucketing uses float bits, not `ln()`. The engine does
//! not fold value by value: a `Recorder` stores a block of 64 trials
//! column-wise and folds each column at once, because a worker's ~800
//! accumulators (one per metric per year) do not fit in L1 and per-value
//! folding touched a different one with every value.
//!
//! Accuracy:
//! - count, min, max: exact.
//! - percentiles (nearest-rank): within 2^-7 ≈ 0.78 % relative of the exact
//!   sample percentile (log-linear buckets of relative width ≤ 2^-7, read out
//!   by interpolating inside the bucket, so usually far closer: `histogram`);
//!   exact for zero, min and max.
//! - mean, sd: each value is rounded once to a multiple of 2^-20, so the
//!   error is ≤ 2^-21 ≈ 4.8e-7 absolute; sums are exact thereafter.
//! - valid for |v| < 2^42; beyond that `Accumulator::saturated()` is set.
//!
//! An empty accumulator finishes to count 0 and all-zero (finite) fields.
//!
//! Files: `histogram` (LogHistogram), `moments` (Moments), `accumulator`
//! (both, `finish`), `fold` (one pass over a chunk for both halves),
//! `summary` (Stats, PERCENTILES), `collector` (the engine's metric × year
//! grid of accumulators), `recorder` (block-wise recording into a
//! collector), `intervals` (z-values, Wilson interval).

mod accumulator;
mod collector;
mod fold;
mod histogram;
mod intervals;
mod moments;
mod recorder;
mod summary;

pub use accumulator::Accumulator;
pub use collector::Collector;
pub use histogram::LogHistogram;
pub use intervals::{Z90, Z95, wilson};
pub use moments::Moments;
pub use recorder::{Recorder, TRIALS as RECORDER_BLOCK};
pub use summary::{PERCENTILES, Stats};
