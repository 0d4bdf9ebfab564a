//! Records trials into a `Collector` a block of trials at a time, column by column.
//!
//! Why: every trial-year reports ~75 values, each to its own accumulator, and a worker holds
//! ~800 of them. Folding each value as it arrives touches a different accumulator (moments,
//! histogram bucket, min/max) with every value and costs a data-dependent branch per value.
//! Here a value costs one store into a column of `TRIALS` slots; when the block is full, each
//! column is folded at once (`Accumulator::record_slice`), so an accumulator's state stays in
//! registers and cache for `TRIALS` values. The folded state depends only on the multiset of
//! values, so batching changes no result: `finish` equals recording every value directly.

use super::Collector;

/// Trials per block. The buffer is `cells × TRIALS × 8` bytes: 828 cells (the baseline's 69
/// metrics × 12 rows) × 64 × 8 B ≈ 424 KB, inside a core's L2.
pub const TRIALS: usize = 64;

#[derive(Debug, Clone)]
pub struct Recorder {
    collector: Collector,
    /// Column `k` (row-major cell `row * metrics + m`, as in `Collector`) at
    /// `values[k * TRIALS..(k + 1) * TRIALS]`.
    values: Vec<f64>,
    /// Trials of the current block recorded so far (`< TRIALS` between calls).
    filled: usize,
}

impl Recorder {
    pub fn new(metrics: usize, years: usize) -> Recorder {
        let cells = metrics * (years + 1);
        Recorder {
            collector: Collector::new(metrics, years),
            values: vec![0.0; cells * TRIALS],
            filled: 0,
        }
    }

    /// Stores the current trial's values for year `t`.
    #[inline]
    pub fn year(&mut self, t: usize, values: &[f64]) {
        let metrics = self.collector.metrics();
        let columns = &mut self.values[t * metrics * TRIALS..(t + 1) * metrics * TRIALS];
        let slot = self.filled;
        for (column, &v) in columns.chunks_exact_mut(TRIALS).zip(values) {
            column[slot] = v;
        }
    }

    /// Stores the current trial's horizon values and ends the trial.
    #[inline]
    pub fn horizon(&mut self, values: &[f64]) {
        self.year(self.collector.years(), values);
        self.filled += 1;
        if self.filled == TRIALS {
            self.fold();
        }
    }

    /// Folds the trials recorded so far into the collector.
    fn fold(&mut self) {
        let filled = self.filled;
        for (k, column) in self.values.chunks_exact(TRIALS).enumerate() {
            self.collector.record_column(k, &column[..filled]);
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

    /// Batching is invisible: the same collector as recording each value directly, for trial
    /// counts below, at and across the block size.
    #[test]
    fn equals_direct_recording() {
        let (metrics, years) = (3, 2);
        for trials in [0, 1, TRIALS - 1, TRIALS, 2 * TRIALS + 5] {
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
}
