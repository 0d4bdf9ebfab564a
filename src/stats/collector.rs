//! Accumulators for every metric in every year and over the horizon: a run's whole state.
//!
//! Year-major layout (`t * metrics + m`) so that recording one year touches contiguous memory.
//! The state serialises losslessly, which is what shards hand to `merge`.

use serde::{Deserialize, Serialize};

use super::{Accumulator, Stats};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Collector {
    metrics: usize,
    years: usize,
    /// `years + 1` rows of `metrics` accumulators; the last row is the horizon.
    acc: Vec<Accumulator>,
}

impl Collector {
    pub fn new(metrics: usize, years: usize) -> Collector {
        Collector {
            metrics,
            years,
            acc: vec![Accumulator::new(); metrics * (years + 1)],
        }
    }

    #[inline]
    pub fn year(&mut self, t: usize, values: &[f64]) {
        let row = &mut self.acc[t * self.metrics..(t + 1) * self.metrics];
        for (a, &v) in row.iter_mut().zip(values) {
            a.record(v);
        }
    }

    #[inline]
    pub fn horizon(&mut self, _trial: u64, values: &[f64]) {
        let t = self.years;
        self.year(t, values);
    }

    /// Records many values of cell `k` (row-major: `row * metrics + m`, the horizon last).
    #[inline]
    pub fn record_column(&mut self, k: usize, values: &[f64]) {
        self.acc[k].record_slice(values);
    }

    /// Adds another collector's trials (exact, order-free).
    pub fn merge(&mut self, other: &Collector) {
        assert_eq!(
            (self.metrics, self.years),
            (other.metrics, other.years),
            "collectors of one model"
        );
        for (a, b) in self.acc.iter_mut().zip(&other.acc) {
            a.merge(b);
        }
    }

    /// Trials recorded.
    pub fn trials(&self) -> u64 {
        self.acc
            .get(self.years * self.metrics)
            .map_or(0, |a| a.count())
    }

    pub fn metrics(&self) -> usize {
        self.metrics
    }

    pub fn years(&self) -> usize {
        self.years
    }

    /// Statistics of metric `m` in year `t`, or over the horizon when `t` is `None`.
    pub fn stats(&self, m: usize, t: Option<usize>) -> Stats {
        self.accumulator(m, t).finish()
    }

    pub fn accumulator(&self, m: usize, t: Option<usize>) -> &Accumulator {
        &self.acc[t.unwrap_or(self.years) * self.metrics + m]
    }
}
