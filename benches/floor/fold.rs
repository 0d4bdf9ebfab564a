//! The statistics, lean: per column of a block of 64 trials, exact count and extremes, sums in
//! 2⁻²⁰ fixed point, a log-linear histogram; checked against the engine's recorder.

use super::*;

/// Trials per block, as the engine's `Recorder` folds them.
pub const BLOCK: usize = RECORDER_BLOCK;

/// Fixed point: 2^20 units per 1.0.
pub const SCALE: f64 = (1u64 << 20) as f64;
/// Histogram keys: a value's bits without their last 45 (7 mantissa bits: 128 buckets per power
/// of two).
pub const SHIFT: u32 = 45;
/// Positive values below this (2^31) take the fast pass.
pub const FAST: f64 = (1u64 << 31) as f64;

/// One cell's statistics.
#[derive(Clone, Default)]
pub struct Cell {
    pub count: u64,
    pub zeros: u64,
    pub sum: i128,
    pub sum_sq: i128,
    pub min: f64,
    pub max: f64,
    /// Counts of positive keys `base..base + pos.len()`, and of negative values by magnitude.
    pub base: u32,
    pub pos: Vec<u64>,
    pub neg: Vec<(u32, u64)>,
}

/// round(v · 2^20), half away from zero.
#[inline(always)]
pub fn fixed(v: f64) -> i64 {
    let x = v * SCALE;
    let t = x as i64;
    let frac = x - t as f64;
    t + i64::from(frac >= 0.5) - i64::from(frac <= -0.5)
}

impl Cell {
    /// Makes `pos` cover keys `lo..=hi`.
    pub fn reach(&mut self, lo: u32, hi: u32) {
        if self.pos.is_empty() {
            self.base = lo;
            self.pos = vec![0; (hi - lo + 1) as usize];
            return;
        }
        if lo < self.base {
            let mut grown = vec![0; (self.base - lo) as usize];
            grown.append(&mut self.pos);
            self.pos = grown;
            self.base = lo;
        }
        let need = (hi - self.base + 1) as usize;
        if need > self.pos.len() {
            self.pos.resize(need, 0);
        }
    }

    pub fn extremes(&mut self, lo: f64, hi: f64) {
        if self.count == 0 {
            (self.min, self.max) = (lo, hi);
        } else {
            self.min = self.min.min(lo);
            self.max = self.max.max(hi);
        }
    }

    #[inline(never)]
    pub fn fold(&mut self, vs: &[f64]) {
        // The span: the largest value, the smallest nonzero one, whether all are in 0..2^31.
        let (mut hi, mut lo, mut fast) = (0.0f64, f64::INFINITY, true);
        for &v in vs {
            hi = if v > hi { v } else { hi };
            lo = if v != 0.0 && v < lo { v } else { lo };
            fast &= v.to_bits() < FAST.to_bits();
        }
        if !fast {
            return self.fold_any(vs);
        }
        let n = vs.len() as u64;
        if lo == f64::INFINITY || lo == hi {
            // Zeros and copies of one value: counted.
            let copies = if lo == f64::INFINITY {
                0
            } else {
                vs.iter().filter(|&&v| v == hi).count() as u64
            };
            if copies > 0 {
                let x = i128::from(fixed(hi));
                self.sum += x * copies as i128;
                self.sum_sq += x * x * copies as i128;
                let k = (hi.to_bits() >> SHIFT) as u32;
                self.reach(k, k);
                self.pos[(k - self.base) as usize] += copies;
            }
            self.zeros += n - copies;
            let lo = if copies < n { 0.0 } else { hi };
            self.extremes(lo, hi);
            self.count += n;
            return;
        }
        // The keys' window, and one slot above it where zeros (key 0, wrapped and clamped)
        // are counted and then put back.
        let (klo, khi) = (
            (lo.to_bits() >> SHIFT) as u32,
            (hi.to_bits() >> SHIFT) as u32,
        );
        self.reach(klo, khi + 1);
        let (mut sum, mut sum_sq) = (0i64, 0i128);
        let base = self.base as usize;
        let window = &mut self.pos[klo as usize - base..=khi as usize + 1 - base];
        let top = window.len() - 1;
        let held = window[top];
        for &v in vs {
            // round(v · 2^20) half up: v is in 0..2^31, so the sum is below 2^52 and its
            // truncation an i64.
            let x = unsafe { (v * SCALE + 0.499_999_999_999_999_94).to_int_unchecked::<i64>() };
            sum += x;
            sum_sq += i128::from(x) * i128::from(x);
            let i = ((v.to_bits() >> SHIFT) as usize).wrapping_sub(klo as usize);
            window[i.min(top)] += 1;
        }
        let zeros = window[top] - held;
        window[top] = held;
        self.sum += i128::from(sum);
        self.sum_sq += sum_sq;
        self.zeros += zeros;
        self.extremes(if zeros > 0 { 0.0 } else { lo }, hi);
        self.count += n;
    }

    /// Any values, one at a time (negatives, -0.0 and values past 2^31: rare in the baseline).
    pub fn fold_any(&mut self, vs: &[f64]) {
        for &v in vs {
            let x = i128::from(fixed(v));
            self.sum += x;
            self.sum_sq += x * x;
            let v = if v == 0.0 { 0.0 } else { v };
            self.extremes(v, v);
            self.count += 1;
            let k = (v.abs().to_bits() >> SHIFT) as u32;
            if v == 0.0 {
                self.zeros += 1;
            } else if v > 0.0 {
                self.reach(k, k);
                self.pos[(k - self.base) as usize] += 1;
            } else {
                match self.neg.iter_mut().find(|(key, _)| *key == k) {
                    Some((_, c)) => *c += 1,
                    None => self.neg.push((k, 1)),
                }
            }
        }
    }
}

/// The run's values as blocks of columns: `BLOCK` trials, cell by cell (`trials()` is a multiple
/// of `BLOCK`).
pub fn columns(run: &Run) -> (usize, Vec<Vec<f64>>) {
    let rows_per_trial = run.model.year_count() + 1;
    let metrics = run.rows[0].len();
    let cells = metrics * rows_per_trial;
    let trials = run.rows.len() / rows_per_trial;
    assert_eq!(trials % BLOCK, 0);
    let blocks = (0..trials / BLOCK)
        .map(|b| {
            let mut block = vec![0.0; cells * BLOCK];
            for i in 0..BLOCK {
                let trial = &run.rows[(b * BLOCK + i) * rows_per_trial..];
                for (row, values) in trial[..rows_per_trial].iter().enumerate() {
                    for (m, &v) in values.iter().enumerate() {
                        block[(row * metrics + m) * BLOCK + i] = v;
                    }
                }
            }
            block
        })
        .collect();
    (cells, blocks)
}

/// A recorder for the run's values.
pub fn recorder(run: &Run) -> Recorder {
    Recorder::new(run.rows[0].len(), run.model.year_count())
}

/// Records the run's values, row by row, as the engine's workers do.
pub fn record_rows(run: &Run, recorder: &mut Recorder) {
    let years = run.model.year_count();
    for (i, row) in run.rows.iter().enumerate() {
        let t = i % (years + 1);
        if t < years {
            recorder.year(t, row);
        } else {
            recorder.horizon(row);
        }
    }
}

/// The engine's collector for the run's values.
pub fn engine_statistics(run: &Run) -> Collector {
    let mut recorder = recorder(run);
    record_rows(run, &mut recorder);
    recorder.finish()
}

/// The lean fold's cells agree with the engine's: counts, means and extremes bit for bit, and
/// every bucket strictly between the extremes' buckets by the engine's `rank_of`.
pub fn check_cells(run: &Run, cells: &[Cell]) {
    let engine = engine_statistics(run);
    let metrics = run.rows[0].len();
    for (k, cell) in cells.iter().enumerate() {
        let (row, m) = (k / metrics, k % metrics);
        let t = (row < run.model.year_count()).then_some(row);
        let acc = engine.accumulator(m, t);
        let mean = cell.sum as f64 / cell.count as f64 / SCALE;
        assert_eq!(acc.count(), cell.count, "cell {k}");
        assert_eq!(acc.moments().mean().to_bits(), mean.to_bits(), "cell {k}");
        let h = acc.histogram();
        assert_eq!(h.min().to_bits(), cell.min.to_bits(), "cell {k}");
        assert_eq!(h.max().to_bits(), cell.max.to_bits(), "cell {k}");
        if !cell.neg.is_empty() {
            continue;
        }
        let (kmin, kmax) = (cell.min.to_bits() >> SHIFT, cell.max.to_bits() >> SHIFT);
        let mut below = cell.zeros;
        for (j, &c) in cell.pos.iter().enumerate() {
            let key = u64::from(cell.base) + j as u64;
            if key > kmin && key < kmax && c > 0 {
                let mid = f64::from_bits((key << SHIFT) | (1 << (SHIFT - 1)));
                assert_eq!(h.rank_of(mid), (below, c), "cell {k}, key {key}");
            }
            below += c;
        }
    }
}

/// Folds every block into `cells`.
pub fn lean_fold_all(cells: &mut [Cell], blocks: &[Vec<f64>]) {
    for block in blocks {
        for (cell, column) in cells.iter_mut().zip(block.chunks_exact(BLOCK)) {
            cell.fold(column);
        }
    }
}

/// The run's values folded by the lean fold, from blocks already in columns.
#[divan::bench]
fn lean_fold(bencher: divan::Bencher) {
    let run = record(trials());
    let (n, blocks) = columns(&run);
    let mut cells = vec![Cell::default(); n];
    lean_fold_all(&mut cells, &blocks);
    check_cells(&run, &cells);
    bencher
        .counter(ItemsCount::new(run.trial_years))
        .bench_local(|| lean_fold_all(&mut cells, &blocks));
}

/// The same values recorded by the engine's `Recorder` row by row, as a run does (its tile,
/// spread and fold).
#[divan::bench]
fn engine_fold(bencher: divan::Bencher) {
    let run = record(trials());
    let mut recorder = recorder(&run);
    bencher
        .counter(ItemsCount::new(run.trial_years))
        .bench_local(|| record_rows(&run, &mut recorder));
    black_box(recorder.finish().trials());
}
