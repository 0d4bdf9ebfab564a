//! One output variable's streaming accumulator: exact moments + histogram.
//!
//! The engine does not record value by value: `Recorder` hands each accumulator a block of
//! values at once (`record_chunk_hinted`), which keeps the sums in registers and the histogram's
//! lines in cache. The state depends only on the multiset of values recorded.

use serde::{Deserialize, Serialize};

use super::fold;
use super::histogram::{CHUNK, LogHistogram};
use super::moments::Moments;
use super::summary::{PERCENTILES, Stats};

/// Streaming, exactly mergeable statistics of one variable. Memory does not grow with the
/// number of values (only with their dynamic range), and `finish()` depends only on the
/// multiset of recorded values, never on thread count, shard split or merge order.
///
/// Deserialising checks that the two halves describe the same values (`TryFrom<Repr>`): the
/// same count, and a mean between the histogram's min and max.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "Repr")]
pub struct Accumulator {
    moments: Moments,
    hist: LogHistogram,
}

impl Accumulator {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records one finite value.
    #[inline]
    pub fn record(&mut self, v: f64) {
        debug_assert!(v.is_finite(), "Accumulator::record({v})");
        self.record_slice(std::slice::from_ref(&v));
    }

    /// Records many values (the same state as one `record` per value).
    ///
    /// A chunk whose nonzero values are all one value (a fifth of a run's chunks and more:
    /// zeros of lost volume, outage days of assets no process hits, indicators) is recorded as
    /// two counts, copies and zeros (`record_two_valued`).
    ///
    /// Any other chunk of `CHUNK` values takes one pass for both halves (`fold`) when it
    /// has no negative value and fits the moments' fast range, as nearly every chunk of a run
    /// does; otherwise each half records it on its own.
    #[inline]
    pub fn record_slice(&mut self, vs: &[f64]) {
        for chunk in vs.chunks(CHUNK) {
            self.record_chunk(chunk);
        }
    }

    /// Records up to `CHUNK` values (the same state as `record_slice`), trying first whether
    /// they are all `hint` or zero; returns the hint for the variable's next chunk: the one value
    /// besides zero these held, if they held no other (+0.0 for zeros only).
    ///
    /// Why: in a run, a variable whose chunk held one value besides zero nearly always does so
    /// again (indicators, constants, the outage days of an asset no process hits, a producer's
    /// stranded volume where it never strands), and checking that takes two float comparisons a
    /// value instead of the span loop. A chunk that holds anything else is recorded as usual.
    #[inline]
    pub(super) fn record_chunk_hinted(&mut self, vs: &[f64], hint: Option<f64>) -> Option<f64> {
        if let Some(c) = hint
            && fold::two_valued_range(c)
            && let Some(copies) = fold::copies_among_zeros(vs, c)
        {
            self.record_two_valued(c, copies, vs.len() as u64 - copies);
            return hint;
        }
        self.record_chunk(vs)
    }

    /// Records up to `CHUNK` values; returns the one value besides zero they held, if they held
    /// no other and it is in the two-valued path's range (the hint of `record_chunk_hinted`).
    #[inline]
    fn record_chunk(&mut self, vs: &[f64]) -> Option<f64> {
        self.record_spanned(vs, fold::span(vs))
    }

    /// Finds the span of up to `CHUNK` values that `record_spanned` will take, and meanwhile asks
    /// the CPU for the histogram buckets they fall in (a hint, which changes no state): the
    /// span is needed for both, and found once.
    #[inline]
    pub(super) fn prefetch(&self, vs: &[f64]) -> Option<fold::Span> {
        let s = fold::span(vs);
        // The nonzero values' keys and the slot above them, where `record_nonnegative` files
        // zeros.
        if let Some((lo, hi)) = s.and_then(fold::Span::keys) {
            self.hist.prefetch_span(lo, hi + 1, vs);
        }
        s
    }

    /// `record_chunk` of values whose span, `fold::span(vs)`, is `span` (`prefetch` found it).
    #[inline]
    pub(super) fn record_spanned(&mut self, vs: &[f64], span: Option<fold::Span>) -> Option<f64> {
        let &first = vs.first()?;
        let n = vs.len() as u64;
        debug_assert_eq!(span, fold::span(vs));
        if let Some(s) = span {
            if s.two_valued() {
                let v = f64::from_bits(s.hi);
                let copies = if s.hi == 0 { 0 } else { fold::count(vs, s.hi) };
                self.record_two_valued(v, copies, n - copies);
                return Some(v);
            }
            if let Some(keys) = s.keys() {
                let sums = self.hist.record_nonnegative(vs, s, keys);
                self.moments.add_sums(n, sums.sum, sums.sum_sq);
                return None;
            }
        } else if vs.iter().all(|v| v.to_bits() == first.to_bits()) {
            self.moments.record_repeated(vs);
            self.hist.record_repeated(first, n);
            return None;
        }
        self.moments.record_slice(vs);
        self.hist.record_slice(vs);
        None
    }

    /// Records `copies` copies of `v` and `zeros` zeros: the same state as recording them one by
    /// one. `v` is +0.0 or positive and below 2^31 (the moments' fast range), and there are
    /// fewer than 2^22 values.
    #[inline]
    pub(super) fn record_two_valued(&mut self, v: f64, copies: u64, zeros: u64) {
        self.moments.add_copies(copies + zeros, copies, v);
        self.hist.record_two_valued(v, copies, zeros);
    }

    /// Adds `other` into `self`; exact, associative and commutative.
    pub fn merge(&mut self, other: &Self) {
        self.moments.merge(&other.moments);
        self.hist.merge(&other.hist);
    }

    pub fn count(&self) -> u64 {
        self.moments.count()
    }

    pub fn moments(&self) -> &Moments {
        &self.moments
    }

    /// The histogram, e.g. for [`LogHistogram::quantile_interval`] or charts.
    pub fn histogram(&self) -> &LogHistogram {
        &self.hist
    }

    /// True if a value was outside the fixed-point range (|v| ≥ 2^42) or
    /// Σx² overflowed: mean/sd are then unreliable (percentiles are not).
    pub fn saturated(&self) -> bool {
        self.moments().saturated()
    }

    /// Summary. For n = 0 returns count 0 and all-zero fields (outputs must
    /// be finite). The mean is clamped to `[min, max]` (the true mean always
    /// lies there; fixed-point rounding could step outside by ≤ 2^-21), and
    /// sd/se are exactly 0 when min == max.
    pub fn finish(&self) -> Stats {
        let (moments, hist) = (self.moments(), self.histogram());
        let n = hist.count();
        if n == 0 {
            return Stats::zero();
        }
        let (min, max) = (hist.min(), hist.max());
        let mean = moments.mean().clamp(min, max);
        let (sd, se) = if min == max {
            (0.0, 0.0)
        } else {
            (moments.sd(), moments.se())
        };
        let p = hist.quantiles(PERCENTILES.map(|(_, q)| q));
        Stats::from_parts(n, [mean, sd, se, min], p, max)
    }

    /// Approximate footprint in bytes, for the tests that bound it (struct and histogram storage).
    #[cfg(test)]
    pub(crate) fn memory_bytes(&self) -> usize {
        std::mem::size_of::<Self>() - std::mem::size_of::<LogHistogram>() + self.hist.memory_bytes()
    }
}

/// The serialised form; each half is checked by its own type, the pair by `TryFrom`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Repr {
    moments: Moments,
    hist: LogHistogram,
}

impl TryFrom<Repr> for Accumulator {
    type Error = String;

    fn try_from(r: Repr) -> Result<Accumulator, String> {
        if r.moments.count() != r.hist.count() {
            return Err(format!(
                "moments count {} but histogram count {}",
                r.moments.count(),
                r.hist.count()
            ));
        }
        r.moments.within(r.hist.min(), r.hist.max())?;
        Ok(Accumulator {
            moments: r.moments,
            hist: r.hist,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::moments::FAST;
    use proptest::prelude::*;
    use rand::{RngExt, SeedableRng, rngs::Xoshiro256PlusPlus};
    use rand_distr::{LogNormal, Normal};
    use std::hint::black_box;

    const N: usize = 100_000;

    /// A mixed stream: heavy-tailed positives, negatives, exact zeros,
    /// repeated constants and fractions, like real engine outputs.
    fn stream(seed: u64) -> Vec<f64> {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        let ln = LogNormal::new(3.0, 1.5).unwrap();
        let nm = Normal::new(-5.0, 40.0).unwrap();
        (0..N)
            .map(|_| match rng.random_range(0..5u8) {
                0 => rng.sample(ln),
                1 => rng.sample(nm),
                2 => 0.0,
                3 => 12.5,
                _ => rng.random::<f64>(),
            })
            .collect()
    }

    fn acc_of(data: &[f64]) -> Accumulator {
        let mut a = Accumulator::new();
        data.iter().for_each(|&v| a.record(v));
        a
    }

    /// The accumulator of values recorded part by part through moments and histogram
    /// directly: the reference that the chunked paths must equal.
    fn recorded_by_parts(parts: &[&[f64]]) -> Accumulator {
        let mut acc = Accumulator::new();
        for part in parts {
            acc.moments.record_slice(part);
            acc.hist.record_slice(part);
        }
        acc
    }

    fn bits(s: &Stats) -> Vec<u64> {
        let mut v = vec![s.count];
        v.extend(s.fields().iter().map(|f| f.1.to_bits()));
        v
    }

    fn fold(parts: &[Accumulator], order: &[usize]) -> Accumulator {
        let mut a = Accumulator::new();
        order.iter().for_each(|&i| a.merge(&parts[i]));
        a
    }

    /// Balanced pairwise tree, the shape a parallel reduce produces.
    fn tree(parts: &[Accumulator]) -> Accumulator {
        match parts {
            [] => Accumulator::new(),
            [one] => one.clone(),
            _ => {
                let (l, r) = parts.split_at(parts.len() / 2);
                let mut a = tree(l);
                a.merge(&tree(r));
                a
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]

        #[test]
        fn merge_is_bit_identical_for_any_split_and_order(
            seed in any::<u64>(),
            mut cuts in proptest::collection::vec(0..=N, 0..40),
            shuffle_seed in any::<u64>(),
        ) {
            let data = stream(seed);
            let whole = acc_of(&data);
            let expect = whole.finish();

            cuts.extend([0, N]);
            cuts.sort_unstable();
            let parts: Vec<Accumulator> =
                cuts.windows(2).map(|w| acc_of(&data[w[0]..w[1]])).collect();
            let k = parts.len();
            let mut shuffled: Vec<usize> = (0..k).collect();
            let mut rng = Xoshiro256PlusPlus::seed_from_u64(shuffle_seed);
            for i in (1..k).rev() {
                shuffled.swap(i, rng.random_range(0..=i));
            }
            // Parts that went through a shard file first.
            let reloaded: Vec<Accumulator> = parts
                .iter()
                .map(|p| serde_json::from_str(&serde_json::to_string(p).unwrap()).unwrap())
                .collect();
            let candidates = [
                fold(&parts, &(0..k).collect::<Vec<_>>()),
                fold(&parts, &(0..k).rev().collect::<Vec<_>>()),
                fold(&parts, &shuffled),
                tree(&parts),
                fold(&reloaded, &shuffled),
            ];
            for c in &candidates {
                let got = c.finish();
                prop_assert_eq!(&got, &expect);
                prop_assert_eq!(bits(&got), bits(&expect));
                prop_assert_eq!(c, &whole);
            }
        }
    }

    /// The constant-block shortcut gives the state the per-value paths of the moments and the
    /// histogram give, with and without earlier values, for zeros of both signs, negatives,
    /// values past the moments' fast range and past their limit (saturation).
    #[test]
    fn a_block_of_one_value_is_recorded_as_per_value() {
        for v in [0.0, -0.0, 12.5, -3.25, 1e-9, 3e9, -(2f64.powi(43))] {
            for before in [&[][..], &[1.5, -0.0][..]] {
                for n in [1, 2, 64] {
                    let block = vec![v; n];
                    let mut acc = Accumulator::new();
                    acc.record_slice(before);
                    acc.record_slice(&block);
                    let per_value = recorded_by_parts(&[before, &block[..]]);
                    assert_eq!(acc, per_value, "{v} × {n} after {before:?}");
                    assert_eq!(bits(&acc.finish()), bits(&per_value.finish()));
                }
            }
        }
    }

    /// The one-pass path (`fold`) gives the state the per-half paths give: slices of every
    /// length up to two chunks, drawn from one value set (zeros of both signs, fractions, large
    /// and tiny magnitudes, and sometimes a negative or a value past the fast range, which send
    /// their chunk to the per-half paths), after an empty, a zero-only or a positive start.
    #[test]
    fn one_pass_equals_the_per_half_paths() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(21);
        let ln = LogNormal::new(0.0, 4.0).unwrap();
        let draw = |rng: &mut Xoshiro256PlusPlus, rare: bool| match rng.random_range(0..8u8) {
            0 | 1 => 0.0,
            2 if rare => -0.0,
            3 => 0.5 / 1048576.0 * f64::from(rng.random_range(0..8u8)),
            4 if rare => -rng.sample(ln),
            5 if rare => 3e9,
            _ => f64::min(rng.sample(ln), 2e9),
        };
        for case in 0..3000 {
            let start: &[f64] = match case % 3 {
                0 => &[],
                1 => &[0.0, -0.0],
                _ => &[2.5],
            };
            let len = rng.random_range(1..=2 * CHUNK);
            // Outside the rare cases every value is +0.0 or positive and below 2^31, so after a
            // positive start every chunk takes the one-pass path.
            let rare = case % 4 == 0;
            let vs: Vec<f64> = (0..len).map(|_| draw(&mut rng, rare)).collect();
            let mut acc = Accumulator::new();
            acc.record_slice(start);
            acc.record_slice(&vs);
            let halves = recorded_by_parts(&[start, &vs[..]]);
            assert_eq!(acc, halves, "{start:?} then {vs:?}");
            assert_eq!(bits(&acc.finish()), bits(&halves.finish()));
        }
    }

    /// A chunk recorded with a hint gives the state the per-half paths give, whether the hint
    /// is right (every nonzero value is it), wrong, or absent, and the hint returned is the one
    /// value besides zero the chunk held, if it held no other: chunks of zeros of both signs, of
    /// one value, of one value among zeros, and of two values.
    #[test]
    fn hinted_chunks_equal_the_per_half_paths() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(22);
        let values = [0.0, -0.0, 1.0, 2.5, 1e-300, 3.5e9, -2.0];
        for case in 0..3000 {
            let len = rng.random_range(0..=CHUNK);
            let c = values[rng.random_range(0..values.len())];
            let other = values[rng.random_range(0..values.len())];
            let odd = rng.random_range(0..8u8) == 0;
            let vs: Vec<f64> = (0..len)
                .map(|_| match rng.random_range(0..4u8) {
                    0 => 0.0,
                    1 if odd => other,
                    _ => c,
                })
                .collect();
            let hint = match case % 3 {
                0 => None,
                1 => Some(c.abs()),
                _ => Some(other.abs()),
            };
            let start: &[f64] = [&[][..], &[0.0][..], &[4.0, 0.5][..]][case / 3 % 3];
            let mut acc = Accumulator::new();
            acc.record_slice(start);
            let next = acc.record_chunk_hinted(&vs, hint);
            let halves = recorded_by_parts(&[start, &vs[..]]);
            assert_eq!(acc, halves, "{vs:?} with {hint:?}");
            assert_eq!(bits(&acc.finish()), bits(&halves.finish()));
            // A hint returned holds for this chunk: every value is it or zero.
            if let Some(h) = next {
                assert!((0.0..FAST).contains(&h), "{h}");
                assert!(vs.iter().all(|&v| v == 0.0 || v == h), "{vs:?} → {h}");
            }
        }
        // And one is found where there is one.
        let mut acc = Accumulator::new();
        assert_eq!(acc.record_chunk_hinted(&[0.0, 1.0, 1.0], None), Some(1.0));
        assert_eq!(acc.record_chunk_hinted(&[0.0, 0.0], None), Some(0.0));
        assert_eq!(acc.record_chunk_hinted(&[0.0, 0.0], Some(1.0)), Some(1.0));
        assert_eq!(acc.record_chunk_hinted(&[2.0, 0.0], Some(1.0)), Some(2.0));
        assert_eq!(acc.record_chunk_hinted(&[2.0, 3.0], Some(2.0)), None);
    }

    #[test]
    fn serde_round_trip_is_lossless() {
        let a = acc_of(&stream(7));
        let json = serde_json::to_string(&a).unwrap();
        let back: Accumulator = serde_json::from_str(&json).unwrap();
        assert_eq!(back, a);
        assert_eq!(bits(&back.finish()), bits(&a.finish()));
        // The reloaded state keeps accumulating identically.
        let (mut x, mut y) = (a, back);
        x.record(-1.25);
        y.record(-1.25);
        assert_eq!(bits(&x.finish()), bits(&y.finish()));
    }

    /// Halves that disagree are refused while reading: a count edited in one of them, or sums
    /// that put the mean outside the recorded extremes.
    #[test]
    fn deserialising_refuses_halves_that_disagree() {
        let a = acc_of(&[1.0, 2.0, 4.0]);
        let ok = serde_json::to_value(&a).unwrap();
        let read = |v: serde_json::Value| {
            serde_json::from_value::<Accumulator>(v).map_err(|e| e.to_string())
        };
        assert_eq!(read(ok.clone()), Ok(a));
        let mut v = ok.clone();
        v["moments"]["count"] = 4.into();
        assert!(
            read(v)
                .unwrap_err()
                .contains("moments count 4 but histogram count 3")
        );
        let mut v = ok.clone();
        // Σx of three values of 5.0: Cauchy–Schwarz still holds, but the mean is above max.
        v["moments"]["sum"] = (15i64 << 20).into();
        v["moments"]["sum_sq"] = (75i64 << 40).into();
        assert!(read(v).unwrap_err().contains("outside min..max"));
    }

    #[test]
    fn zeros_one_by_one_equal_a_slice() {
        // Zeros first, between and last; -0.0 too; against the histogram and moments fed
        // directly.
        let values = [0.0, -0.0, -3.5, 0.0, 2.25, 0.0, -0.0];
        let mut a = Accumulator::new();
        values.iter().for_each(|&v| a.record(v));
        let (mut m, mut h) = (Moments::new(), LogHistogram::new());
        m.record_slice(&values);
        h.record_slice(&values);
        assert_eq!(*a.moments(), m);
        assert_eq!(*a.histogram(), h);
        assert_eq!(a.count(), 7);
        let only_zeros = {
            let mut z = Accumulator::new();
            (0..5).for_each(|_| z.record(-0.0));
            z.finish()
        };
        assert_eq!(
            (only_zeros.count, only_zeros.min, only_zeros.max),
            (5, 0.0, 0.0)
        );
        assert!(only_zeros.min.is_sign_positive());
    }

    #[test]
    fn saturation_is_reported() {
        let mut a = Accumulator::new();
        a.record(1.0);
        a.record(1e13);
        assert!(a.saturated());
        assert!(a.finish().mean.is_finite());
    }

    #[test]
    fn empty_finishes_to_zeros() {
        let s = Accumulator::new().finish();
        assert_eq!(s.count, 0);
        assert!(s.fields().iter().all(|&(_, v)| v == 0.0));
        assert_eq!(s, Stats::zero());
    }

    #[test]
    fn constant_data_is_exact() {
        let mut a = Accumulator::new();
        (0..1000).for_each(|_| a.record(0.1));
        let s = a.finish();
        assert_eq!((s.sd, s.se), (0.0, 0.0));
        assert!(
            s.fields()
                .iter()
                .all(|&(n, v)| v == 0.1 || n == "sd" || n == "se")
        );
    }

    #[test]
    fn summary_is_consistent() {
        let data = stream(8);
        let s = acc_of(&data).finish();
        let f: Vec<f64> = s.fields().iter().map(|x| x.1).collect();
        assert!(f.iter().all(|v| v.is_finite()));
        // min ≤ p1 ≤ … ≤ p99 ≤ max
        assert!(f[3..].windows(2).all(|w| w[0] <= w[1]), "{s:?}");
        assert!(s.min <= s.mean && s.mean <= s.max);
        assert_eq!(s.count, N as u64);
    }

    #[test]
    fn memory_figures() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(9);
        let d = LogNormal::new(0.0, 1.0).unwrap();
        let mut a = Accumulator::new();
        (0..1_000_000).for_each(|_| a.record(rng.sample(d)));
        let b = acc_of(&stream(9));
        println!(
            "Accumulator memory: 1e6 lognormal(0,1) = {} B; mixed stream = {} B; empty = {} B",
            a.memory_bytes(),
            b.memory_bytes(),
            Accumulator::new().memory_bytes()
        );
        assert!(a.hist.memory_bytes() < 64 * 1024);
        assert!(a.memory_bytes() < 64 * 1024);
    }

    /// Reports ns per `record` (run `cargo test --release record_cost --
    /// -- --nocapture`). Not asserted: timing is machine-dependent. Three
    /// layouts: one accumulator (all in cache), one year row of 40 metrics,
    /// and a Collector-sized 40 metrics × 32 rows visited row by row, which
    /// is far larger than cache and dominated by memory traffic.
    #[test]
    fn record_cost_ns() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(5);
        let d = LogNormal::new(0.0, 1.0).unwrap();
        let vals: Vec<f64> = (0..1 << 16).map(|_| rng.sample(d)).collect();
        // Per-metric scales, so metrics occupy different bucket ranges.
        let scale: Vec<f64> = (0..40).map(|m| 10f64.powi(m % 9 - 3)).collect();
        let reps = if cfg!(debug_assertions) { 2 } else { 200 };
        let per_value = |n_acc: usize| {
            let mut accs = vec![Accumulator::new(); n_acc];
            let pass = |accs: &mut [Accumulator]| {
                for chunk in vals.chunks_exact(n_acc) {
                    for (j, (a, &v)) in accs.iter_mut().zip(chunk).enumerate() {
                        a.record(black_box(v * scale[j % 40]));
                    }
                }
            };
            (0..8).for_each(|_| pass(&mut accs)); // warm up: buckets allocated
            let t = std::time::Instant::now();
            (0..reps).for_each(|_| pass(&mut accs));
            let n = reps * (vals.len() / n_acc * n_acc);
            let ns = t.elapsed().as_nanos() as f64 / n as f64;
            let mib = accs.iter().map(Accumulator::memory_bytes).sum::<usize>() as f64 / 1048576.0;
            black_box(&accs);
            (ns, mib)
        };
        for n_acc in [1, 40, 1280] {
            let (ns, mib) = per_value(n_acc);
            println!(
                "Accumulator::record: {ns:.2} ns/value across {n_acc} accumulators ({mib:.2} MiB)"
            );
        }
    }
}
