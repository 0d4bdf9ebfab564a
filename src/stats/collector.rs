//! Accumulators for every metric in every year and over the horizon: a run's whole state.
//!
//! Year-major layout (`t * metrics + m`) so that recording one year touches contiguous memory.
//! The state serialises losslessly, which is what shards hand to `merge`. Deserialising checks
//! the grid as well as each accumulator (a shard's file can be edited and re-checksummed): the
//! number of accumulators matches `metrics × (years + 1)`, and every one holds the same count,
//! because each trial records every metric in every year once.

use serde::{Deserialize, Serialize};

use super::{Accumulator, Stats, fold};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "Repr")]
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

    /// Records up to `CHUNK` (64) values of cell `k` (row-major: `row * metrics + m`, the
    /// horizon last); `hint` and the result are `Accumulator::record_chunk_hinted`'s.
    #[inline]
    pub(super) fn record_column(
        &mut self,
        k: usize,
        values: &[f64],
        hint: Option<f64>,
    ) -> Option<f64> {
        self.acc[k].record_chunk_hinted(values, hint)
    }

    /// Asks the CPU to bring the histogram buckets `values` of cell `k` fall in into cache,
    /// ahead of `record_column_spanned(k, values, ..)`, and returns their span for it
    /// (`Accumulator::prefetch`).
    #[inline]
    pub(super) fn prefetch_column(&self, k: usize, values: &[f64]) -> Option<fold::Span> {
        self.acc[k].prefetch(values)
    }

    /// `record_column` of a cell without a hint, whose values' span `prefetch_column` found.
    #[inline]
    pub(super) fn record_column_spanned(
        &mut self,
        k: usize,
        values: &[f64],
        span: Option<fold::Span>,
    ) -> Option<f64> {
        self.acc[k].record_spanned(values, span)
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

    /// The first accumulator (in storage order) whose moments saturated, if any.
    pub fn saturated_cell(&self) -> Option<usize> {
        self.acc.iter().position(Accumulator::saturated)
    }

    /// Bytes of histogram buckets `self` would hold after `merge(other)` (same shape), so a merge
    /// of states read from files can be refused before it allocates.
    pub fn bytes_after_merge(&self, other: &Collector) -> u64 {
        self.acc
            .iter()
            .zip(&other.acc)
            .map(|(a, b)| a.histogram().bytes_after_merge(b.histogram()))
            .sum()
    }
}

/// The serialised form, checked by `TryFrom` before it becomes a `Collector`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Repr {
    metrics: usize,
    years: usize,
    acc: Vec<Accumulator>,
}

impl TryFrom<Repr> for Collector {
    type Error = String;

    fn try_from(r: Repr) -> Result<Collector, String> {
        let cells = r
            .years
            .checked_add(1)
            .and_then(|y| y.checked_mul(r.metrics));
        if r.metrics == 0 || cells != Some(r.acc.len()) {
            return Err(format!(
                "{} metrics × ({} years + the horizon) do not make the {} accumulators it holds",
                r.metrics,
                r.years,
                r.acc.len()
            ));
        }
        let n = r.acc[0].count();
        if let Some(k) = r.acc.iter().position(|a| a.count() != n) {
            return Err(format!(
                "acc[{k}] holds {} values but acc[0] holds {n}; each trial records every \
                 metric in every year once",
                r.acc[k].count()
            ));
        }
        Ok(Collector {
            metrics: r.metrics,
            years: r.years,
            acc: r.acc,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collector() -> Collector {
        let mut c = Collector::new(2, 1);
        c.year(0, &[1.0, -2.0]);
        c.horizon(0, &[1.0, -2.0]);
        c
    }

    /// A grid whose shape or counts no run produces is refused while reading.
    #[test]
    fn deserialising_refuses_a_grid_no_run_produces() {
        let ok = serde_json::to_value(collector()).unwrap();
        let read = |v: serde_json::Value| {
            serde_json::from_value::<Collector>(v).map_err(|e| e.to_string())
        };
        assert_eq!(read(ok.clone()), Ok(collector()));
        for (field, value) in [
            ("metrics", serde_json::json!(3)),
            ("metrics", serde_json::json!(0)),
            ("years", serde_json::json!(u64::MAX)),
        ] {
            let mut v = ok.clone();
            v[field] = value;
            assert!(
                read(v)
                    .unwrap_err()
                    .contains("do not make the 4 accumulators")
            );
        }
        let mut v = ok.clone();
        v["acc"][3] = serde_json::to_value(Accumulator::new()).unwrap();
        assert!(
            read(v)
                .unwrap_err()
                .contains("acc[3] holds 0 values but acc[0] holds 1")
        );
    }

    #[test]
    fn bytes_after_merge_adds_up_the_cells() {
        let (a, b) = (collector(), collector());
        let cells: u64 = (0..2)
            .flat_map(|m| [Some(0), None].map(|t| (m, t)))
            .map(|(m, t)| {
                let (x, y) = (a.accumulator(m, t), b.accumulator(m, t));
                x.histogram().bytes_after_merge(y.histogram())
            })
            .sum();
        assert_eq!(a.bytes_after_merge(&b), cells);
        assert!(cells >= 4 * 8);
    }
}
