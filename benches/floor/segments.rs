//! A year cut into segments of constant capacity: the lean cut against the engine's. Both
//! implement `Cut`, so the lean year runs with either (the engine's is faster over many
//! trials, the lean one over few).

use super::*;

/// Each trial-year's number in its trial and its outages.
pub type YearOutages = Vec<(usize, Vec<Outage>)>;

/// Each year's outages of `trials()` baseline trials, as the year loop cuts them (the forced
/// outages, then those drawn, those ended before the year retired).
pub fn yearly_outages(model: &Model) -> YearOutages {
    let mut d = Draws::default();
    let mut years = Vec::new();
    for trial in 0..trials() {
        engine_draws_of(model, trial, &mut d, |t, outages| {
            years.push((t, outages.to_vec()))
        });
    }
    years
}

/// A year cut into segments by the definition (docs/model.md §4): its bounds sorted, and each
/// segment's assets by a scan of the outages in progress at its midpoint, multiplied in the
/// order of the outages.
#[derive(Default)]
pub struct LeanSegments {
    pub bounds: Vec<f64>,
    pub starts: Vec<usize>,
    pub cuts: Vec<(usize, f64)>,
}

impl LeanSegments {
    pub fn cut(&mut self, outages: &[Outage], t: usize) {
        let (lo, hi) = (t as f64 * YEAR_DAYS, (t + 1) as f64 * YEAR_DAYS);
        let b = &mut self.bounds;
        b.clear();
        b.extend([lo, hi]);
        for o in outages {
            for x in [o.start, o.end] {
                if x > lo && x < hi {
                    b.push(x);
                }
            }
        }
        // Insertion sort: a handful of bounds, nearly in order.
        for i in 1..b.len() {
            let mut j = i;
            while j > 0 && b[j - 1] > b[j] {
                b.swap(j - 1, j);
                j -= 1;
            }
        }
        b.dedup();
        self.starts.clear();
        self.starts.push(0);
        self.cuts.clear();
        for k in 0..b.len() - 1 {
            let mid = 0.5 * (b[k] + b[k + 1]);
            let first = self.cuts.len();
            for o in outages.iter().filter(|o| o.start <= mid && mid < o.end) {
                match self.cuts[first..].iter_mut().find(|c| c.0 == o.asset) {
                    Some(c) => c.1 *= o.left,
                    None => self.cuts.push((o.asset, o.left)),
                }
            }
            self.starts.push(self.cuts.len());
        }
    }
}

/// A year cut into segments, by the lean cut or the engine's.
pub trait Cut: Default {
    fn cut(&mut self, outages: &[Outage], t: usize);
    fn count(&self) -> usize;
    /// Segment `k`'s length in days and its cuts `(asset, fraction of capacity left)`.
    fn get(&self, k: usize) -> (f64, &[(usize, f64)]);
    fn any_cut(&self) -> bool;
}

impl Cut for LeanSegments {
    fn cut(&mut self, outages: &[Outage], t: usize) {
        LeanSegments::cut(self, outages, t);
    }
    fn count(&self) -> usize {
        self.starts.len() - 1
    }
    fn get(&self, k: usize) -> (f64, &[(usize, f64)]) {
        let b = &self.bounds;
        (
            b[k + 1] - b[k],
            &self.cuts[self.starts[k]..self.starts[k + 1]],
        )
    }
    fn any_cut(&self) -> bool {
        !self.cuts.is_empty()
    }
}

impl Cut for Segments {
    fn cut(&mut self, outages: &[Outage], t: usize) {
        Segments::cut(self, outages, t);
    }
    fn count(&self) -> usize {
        Segments::count(self)
    }
    fn get(&self, k: usize) -> (f64, &[(usize, f64)]) {
        Segments::get(self, k)
    }
    fn any_cut(&self) -> bool {
        Segments::any_cut(self)
    }
}

/// The years' outages, and the lean cut checked against the engine's `Segments::cut`: the
/// same segments, lengths and cuts, bit for bit.
pub fn checked_years() -> (Model, YearOutages) {
    let model = scenario();
    let years = yearly_outages(&model);
    let (mut engine, mut lean) = (Segments::default(), LeanSegments::default());
    for (t, outages) in &years {
        engine.cut(outages, *t);
        lean.cut(outages, *t);
        assert_eq!(engine.count(), lean.starts.len() - 1, "year {t}");
        for k in 0..engine.count() {
            let (days, cuts) = engine.get(k);
            let (a, b) = (lean.starts[k], lean.starts[k + 1]);
            let length = lean.bounds[k + 1] - lean.bounds[k];
            assert_eq!(days.to_bits(), length.to_bits(), "year {t}, segment {k}");
            let bits = |c: &[(usize, f64)]| c.iter().map(|&(a, f)| (a, f.to_bits())).collect();
            let (e, l): (Vec<_>, Vec<_>) = (bits(cuts), bits(&lean.cuts[a..b]));
            assert_eq!(e, l, "year {t}, segment {k}");
        }
    }
    (model, years)
}

/// Every year of `trials()` baseline trials cut into segments by the lean cut.
#[divan::bench]
fn lean_segments(bencher: divan::Bencher) {
    let mut lean = LeanSegments::default();
    time_cuts(bencher, |outages, t| {
        lean.cut(outages, t);
        lean.cuts.len()
    });
}

/// The same years cut by the engine's `Segments::cut` (and `find_repeats`, which the year loop
/// calls after it).
#[divan::bench]
fn engine_segments(bencher: divan::Bencher) {
    let mut engine = Segments::default();
    time_cuts(bencher, |outages, t| {
        engine.cut(outages, t);
        engine.find_repeats();
        engine.count()
    });
}

/// Times `cut` on every checked year, per trial-year.
pub fn time_cuts(bencher: divan::Bencher, mut cut: impl FnMut(&[Outage], usize) -> usize) {
    let (model, years) = checked_years();
    bencher
        .counter(ItemsCount::new(trials() as usize * model.year_count()))
        .bench_local(|| {
            for (t, outages) in &years {
                black_box(cut(outages, *t));
            }
        });
}
