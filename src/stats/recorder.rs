//! Records trials into a `Collector` a block of trials at a time, column by column.
//!
//! Why: every trial-year reports ~75 values, each to its own accumulator, and a worker holds
//! ~800 of them. Folding each value as it arrives touches a different accumulator (moments,
//! histogram bucket, min/max) with every value and costs a data-dependent branch per value.
//! Here a value is stored into a column of `TRIALS` slots; when the block is full, each
//! column is folded at once (`Accumulator::record_chunk_hinted`), so an accumulator's state stays in
//! registers and cache for `TRIALS` values. The folded state depends only on the multiset of
//! values, so batching changes no result: `finish` equals recording every value directly.
//!
//! A trial's values reach the columns through a `tile` of `TILE` trials kept row by row: stored
//! straight into the columns, each of a trial's ~830 values touched its own cache line, more
//! lines than a core's L1 holds, so nearly every store missed it (cachegrind: 112 L1 write
//! misses per trial-year). A trial's row is now one contiguous copy, and `spread` fills a
//! column's `TILE` slots, one cache line, at a time (45 misses; 2–4% faster by the clock,
//! though it adds ~600 instructions per trial-year).
//!
//! The histograms of ~800 cells do not stay in cache from one block to the next: in `perf`
//! samples, a column's first touch of its buckets was where the fold waited (a third of
//! `record_chunk`'s time on one load). So `fold` asks for a column's buckets `AHEAD` columns
//! before folding it (`Collector::prefetch_column`): a hint, which changes no count. It asks
//! by the column's span, a cache line at a time, and keeps the span for the fold, which would
//! otherwise find it again.
//!
//! Each cell also keeps the one value besides zero its last column held, if it held no other
//! (`hints`): the cells a scenario keeps constant, at zero or at 0/1 are found from the values
//! themselves, and their next column is checked against it in two comparisons a value and
//! folded as two counts. A column that holds anything else is folded as any other.

use super::Collector;
use super::histogram::CHUNK;

/// Trials per block. The buffer is `cells × TRIALS × 8` bytes: 1,248 cells (the baseline's 104
/// metrics × 12 rows) × 64 × 8 B ≈ 639 KB, inside a core's L2 (1 MiB on this project's Xeon).
pub const TRIALS: usize = 64;

/// How many columns ahead `fold` asks for the histogram buckets of a column.
const AHEAD: usize = 4;

/// Trials kept row by row (`tile`) before they are spread into the columns: 8 slots of 8 bytes
/// fill a cache line.
const TILE: usize = 8;
const _: () = assert!(TRIALS.is_multiple_of(TILE));

// A column is folded as one chunk (`Accumulator::record_chunk_hinted`).
const _: () = assert!(TRIALS <= CHUNK);

#[derive(Debug, Clone)]
pub struct Recorder {
    collector: Collector,
    /// Column `k` (row-major cell `row * metrics + m`, as in `Collector`) at
    /// `values[k * TRIALS..(k + 1) * TRIALS]`.
    values: Vec<f64>,
    /// Trials of the current block recorded so far (`< TRIALS` between calls).
    filled: usize,
    /// Per cell, the one value besides zero its last column held, if it held no other
    /// (`Accumulator::record_chunk_hinted`). Found from the values rather than listed from the
    /// model: no list to keep in step with the model, and it also finds the cells that are
    /// constant only in a given scenario or only until some block.
    hints: Vec<Option<f64>>,
    /// The last trials' values, trial by trial (`TILE` rows of `cells`).
    tile: Vec<f64>,
}

impl Recorder {
    pub fn new(metrics: usize, years: usize) -> Recorder {
        let cells = metrics * (years + 1);
        Recorder {
            collector: Collector::new(metrics, years),
            values: vec![0.0; cells * TRIALS],
            filled: 0,
            hints: vec![None; cells],
            tile: vec![0.0; cells * TILE],
        }
    }

    /// Stores the current trial's values for year `t`.
    #[inline]
    pub fn year(&mut self, t: usize, values: &[f64]) {
        let metrics = self.collector.metrics();
        let cells = self.hints.len();
        let row = (self.filled % TILE) * cells + t * metrics;
        self.tile[row..row + metrics].copy_from_slice(values);
    }

    /// Spreads the tile's first `rows` trials into the columns, from slot `first`.
    fn spread(&mut self, first: usize, rows: usize) {
        let cells = self.hints.len();
        for (k, column) in self.values.chunks_exact_mut(TRIALS).enumerate() {
            let slots = &mut column[first..first + rows];
            for (s, slot) in slots.iter_mut().enumerate() {
                *slot = self.tile[s * cells + k];
            }
        }
    }

    /// Stores the current trial's horizon values and ends the trial.
    #[inline]
    pub fn horizon(&mut self, values: &[f64]) {
        self.year(self.collector.years(), values);
        self.filled += 1;
        if self.filled.is_multiple_of(TILE) {
            self.spread(self.filled - TILE, TILE);
            if self.filled == TRIALS {
                self.fold();
            }
        }
    }

    /// Folds the trials recorded so far into the collector.
    fn fold(&mut self) {
        let filled = self.filled;
        let rows = filled % TILE;
        if rows > 0 {
            self.spread(filled - rows, rows);
        }
        let cells = self.hints.len();
        // The spans `prefetch_column` found for the next `AHEAD` columns, at their column's
        // index modulo `AHEAD + 1` (taken when the column is folded, so a slot is free again
        // before the column `AHEAD + 1` on asks for it); none for a column with a hint.
        let mut ahead = [None; AHEAD + 1];
        for k in 0..cells {
            // A cell with a hint is folded without its histogram, most likely.
            let j = k + AHEAD;
            if j < cells && self.hints[j].is_none() {
                let later = &self.values[j * TRIALS..j * TRIALS + filled];
                ahead[j % (AHEAD + 1)] = Some(self.collector.prefetch_column(j, later));
            }
            let column = &self.values[k * TRIALS..k * TRIALS + filled];
            self.hints[k] = match ahead[k % (AHEAD + 1)].take() {
                Some(span) => self.collector.record_column_spanned(k, column, span),
                None => self.collector.record_column(k, column, self.hints[k]),
            };
        }
        self.filled = 0;
    }

    /// The statistics of every trial recorded.
    pub fn finish(mut self) -> Collector {
        self.fold();
        self.collector
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Batching is invisible: the same collector as recording each value directly, for trial
    /// counts below, at and across the tile and the block size.
    #[test]
    fn equals_direct_recording() {
        let (metrics, years) = (3, 2);
        let counts = [
            0,
            1,
            TILE - 1,
            TILE,
            TILE + 1,
            TRIALS - 1,
            TRIALS,
            2 * TRIALS + 5,
        ];
        for trials in counts {
            let mut batched = Recorder::new(metrics, years);
            let mut direct = Collector::new(metrics, years);
            for i in 0..trials {
                let x = i as f64;
                for t in 0..years {
                    // A zero, a negative and a fraction in every row.
                    let row = [0.0, -x * (t + 1) as f64, x / 7.0];
                    batched.year(t, &row);
                    direct.year(t, &row);
                }
                let total = [x, -x, x * x];
                batched.horizon(&total);
                direct.horizon(i as u64, &total);
            }
            let batched = batched.finish();
            assert_eq!(batched, direct, "{trials} trials");
            assert_eq!(batched.trials(), trials as u64);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(32))]

        /// Columns drawn from few values (zeros of both signs, one or two values, and
        /// sometimes a negative one), switching between blocks, fold to the collector that
        /// recording each value directly gives.
        #[test]
        fn any_columns_equal_direct_recording(
            cells in proptest::collection::vec((0..4u8, 0..6u8, any::<u64>()), 1..6),
            trials in 0..(3 * TRIALS + 7),
        ) {
            let palette = [0.0, -0.0, 1.0, 2.5, 1e-9, -4.0];
            let (metrics, years) = (cells.len(), 1);
            let mut batched = Recorder::new(metrics, years);
            let mut direct = Collector::new(metrics, years);
            for i in 0..trials {
                let row: Vec<f64> = cells
                    .iter()
                    .map(|&(kinds, first, seed)| {
                        // Each block draws from `kinds + 1` values of the palette, from `first`
                        // on, shifted by the block, so a column's values change between blocks.
                        let h = seed.wrapping_mul(i as u64 + 1).rotate_left(17) ^ seed;
                        let k = (h % (u64::from(kinds) + 1)) as usize;
                        palette[(usize::from(first) + k + i / TRIALS) % palette.len()]
                    })
                    .collect();
                batched.year(0, &row);
                direct.year(0, &row);
                batched.horizon(&row);
                direct.horizon(i as u64, &row);
            }
            prop_assert_eq!(batched.finish(), direct);
        }
    }

    /// The hints change no state: columns that are constant, 0/1, zeros until a block where a
    /// value appears, one value among zeros that changes from one block to the next (so a hint
    /// fails and is learnt again), -0.0 among zeros, and a value that is neither, against
    /// recording each value directly.
    #[test]
    fn hinted_columns_equal_direct_recording() {
        let (metrics, years) = (7, 1);
        let trials = 9 * TRIALS + 3;
        let mut batched = Recorder::new(metrics, years);
        let mut direct = Collector::new(metrics, years);
        for i in 0..trials {
            let block = i / TRIALS;
            let row = [
                12.5,
                f64::from(i % 3 == 0),
                if block >= 4 && i % 5 == 0 { 7.25 } else { 0.0 },
                if i % 4 == 0 {
                    0.0
                } else {
                    [2.5, 3.0][block % 2]
                },
                if i % 2 == 0 { -0.0 } else { 0.0 },
                if block == 6 && i % TRIALS == 17 {
                    1.5
                } else {
                    f64::from(i % 2 == 0)
                },
                if i % 7 == 0 {
                    0.0
                } else {
                    (i % 11) as f64 / 3.0
                },
            ];
            for t in 0..=years {
                if t < years {
                    batched.year(t, &row);
                    direct.year(t, &row);
                } else {
                    batched.horizon(&row);
                    direct.horizon(i as u64, &row);
                }
            }
        }
        assert_eq!(batched.hints[0], Some(12.5));
        assert_eq!(batched.hints[1], Some(1.0));
        assert_eq!(batched.finish(), direct);
    }
}
