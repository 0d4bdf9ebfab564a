//! Count, mean and variance from exact fixed-point integer sums.
//!
//! Why fixed point: f64 addition is not associative, so summing shards in a
//! different order would change the last bits of the mean. Each value is
//! rounded once to an integer multiple of 2^-20 (≈ 9.5e-7; values are Mt,
//! USD million or fractions), after which all sums are exact integers and
//! merging is associative and commutative bit for bit.
//!
//! Accuracy: that one rounding moves each value by ≤ 2^-21 ≈ 4.8e-7, so the
//! mean and the standard deviation are each within 2^-21 absolute (times
//! √(n/(n−1)) for the sd) of the exact sample values; in practice the errors
//! average out to ~2.8e-7/√n for the mean. Variance is then evaluated
//! exactly in 256-bit integers (`n·Σx² − (Σx)²`) and rounded once to f64, so
//! there is no cancellation even when the mean dwarfs the spread.
//!
//! Range: |v| < 2^42 ≈ 4.4e12. Out-of-range or non-finite values are clamped
//! (NaN → 0) and set the `saturated` flag instead of wrapping silently; so
//! does an overflow of Σx² (i128, at least 8 values at the limit, ~2^47
//! values of magnitude 1e6). The flag survives merging.

use serde::{Deserialize, Serialize};

/// Fixed-point scale: 2^20 units per 1.0.
pub(super) const SCALE: f64 = (1u64 << 20) as f64;
/// Largest accepted magnitude, exclusive: |x| ≤ 2^62 keeps x² ≤ 2^124.
const LIMIT: f64 = (1u64 << 42) as f64;
/// Below this magnitude (x < 2^51) the fast paths skip the per-value checks: a slice of fewer
/// than 2^22 values cannot overflow Σx² (< 2^124).
pub(super) const FAST: f64 = (1u64 << 31) as f64;

/// Exact streaming moments. Merge is exact, associative and commutative.
///
/// Deserialising checks what recording guarantees (`TryFrom<Repr>`), because a shard's file can
/// be edited: Σx² ≥ 0, |Σx| within what `count` values can sum to, Σx² at least (Σx)²/n
/// (Cauchy–Schwarz) and nothing at all when the count is 0.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Repr")]
pub struct Moments {
    count: u64,
    /// Σx, x = round(v·2^20). |Σx| ≤ n·2^62 < 2^127 for any u64 n: no overflow.
    sum: i128,
    /// Σx², saturating at i128::MAX (then `saturated` is set).
    sum_sq: i128,
    saturated: bool,
}

/// `v` in fixed point, rounded half away from zero. `as i64` truncates
/// (a single instruction); the exact fractional remainder decides the
/// rounding, avoiding a libm `round` call on baseline x86-64.
#[inline(always)]
pub(super) fn to_fixed(v: f64) -> i64 {
    let x = v * SCALE;
    let t = x as i64;
    let frac = x - t as f64; // exact: t as f64 == x.trunc() for |x| < 2^63
    t + i64::from(frac >= 0.5) - i64::from(frac <= -0.5)
}

/// Fixed-point value for out-of-range input: clamped to just below the
/// limit with its sign kept; NaN → 0 (cold path).
#[cold]
#[inline(never)]
fn out_of_range(v: f64) -> i64 {
    if v.is_nan() {
        0
    } else {
        to_fixed((LIMIT - LIMIT * f64::EPSILON).copysign(v))
    }
}

/// Σx² addition saturating at i128::MAX (both addends are ≥ 0, so this is
/// min(a + b, MAX): associative and commutative), flagging saturation.
#[inline(always)]
fn add_sq(a: i128, b: i128, sat: &mut bool) -> i128 {
    match a.checked_add(b) {
        Some(s) => s,
        None => {
            *sat = true;
            i128::MAX
        }
    }
}

impl Moments {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records one value: a multiply, a few integer ops, no branches taken
    /// in the common case.
    #[inline]
    pub fn record(&mut self, v: f64) {
        self.record_slice(std::slice::from_ref(&v));
    }

    /// Records many values with the running sums held in registers. The
    /// state afterwards is identical to recording them one by one (integer
    /// sums; saturation of non-negative Σx² is order-free).
    ///
    /// Fast path: while every |v| < 2^31 (|x| < 2^51) a slice of fewer than 2^22 values cannot
    /// overflow Σx², so no check is needed per value; a slice with a larger or non-finite value
    /// is summed again with the checks (its fast sums, which may wrap, are dropped).
    #[inline]
    pub fn record_slice(&mut self, vs: &[f64]) {
        if vs.len() < 1 << 22 {
            let (mut sum, mut sum_sq, mut wide) = (0i128, 0i128, false);
            for &v in vs {
                wide |= (v.abs() >= FAST) | v.is_nan();
                let x = i128::from(to_fixed(v));
                sum = sum.wrapping_add(x);
                sum_sq = sum_sq.wrapping_add(x * x);
            }
            if !wide {
                self.count += vs.len() as u64;
                self.sum += sum;
                self.sum_sq = add_sq(self.sum_sq, sum_sq, &mut self.saturated);
                return;
            }
        }
        self.record_checked(vs);
    }

    /// Records `vs`, whose elements are all one value, as a count: the same state as
    /// `record_slice(vs)`, in constant time while |v| < 2^31 (then n·x² < 2^124 for the
    /// n < 2^22 values of a slice).
    #[inline]
    pub fn record_repeated(&mut self, vs: &[f64]) {
        let Some(&v) = vs.first() else {
            return;
        };
        debug_assert!(vs.iter().all(|x| x.to_bits() == v.to_bits()));
        if vs.len() < 1 << 22 && v.abs() < FAST {
            let (x, n) = (i128::from(to_fixed(v)), vs.len() as i128);
            self.count += vs.len() as u64;
            self.sum += n * x;
            self.sum_sq = add_sq(self.sum_sq, n * x * x, &mut self.saturated);
        } else {
            self.record_checked(vs);
        }
    }

    /// Adds the exact sums of `n` values found elsewhere (`fold::nonnegative`): the state `record_slice`
    /// of those values gives, given |Σx| < 2^63 and 0 ≤ Σx² < 2^127 (n ≤ 64 values in the fast
    /// range).
    #[inline]
    pub(super) fn add_sums(&mut self, n: u64, sum: i64, sum_sq: i128) {
        self.count += n;
        self.sum += i128::from(sum);
        self.sum_sq = add_sq(self.sum_sq, sum_sq, &mut self.saturated);
    }

    /// Adds `n` values, `copies` of them `v` and the rest zero: the state `record_slice` of
    /// those values gives, for +0.0 ≤ v < 2^31 and n < 2^22 (then n·x² < 2^124).
    #[inline]
    pub(super) fn add_copies(&mut self, n: u64, copies: u64, v: f64) {
        debug_assert!((0.0..FAST).contains(&v) && n < 1 << 22 && copies <= n);
        let (x, k) = (i128::from(to_fixed(v)), i128::from(copies));
        self.count += n;
        self.sum += k * x;
        self.sum_sq = add_sq(self.sum_sq, k * x * x, &mut self.saturated);
    }

    /// `record_slice` with range and overflow checks on every value.
    #[cold]
    #[inline(never)]
    fn record_checked(&mut self, vs: &[f64]) {
        let (mut sum, mut sum_sq, mut sat) = (0i128, 0i128, false);
        for &v in vs {
            let x = if v.abs() < LIMIT {
                to_fixed(v)
            } else {
                sat = true;
                out_of_range(v)
            };
            sum += i128::from(x);
            let sq = i128::from(x) * i128::from(x); // ≤ 2^124, cannot overflow
            sum_sq = add_sq(sum_sq, sq, &mut sat);
        }
        self.count += vs.len() as u64;
        self.sum += sum;
        self.sum_sq = add_sq(self.sum_sq, sum_sq, &mut sat);
        self.saturated |= sat;
    }

    /// Adds `other` into `self`. Exact; Σx² saturation is order-free because
    /// both addends are non-negative (min(a+b, MAX) is associative there).
    pub fn merge(&mut self, other: &Self) {
        self.count += other.count;
        self.sum += other.sum;
        self.sum_sq = add_sq(self.sum_sq, other.sum_sq, &mut self.saturated);
        self.saturated |= other.saturated;
    }

    pub fn count(&self) -> u64 {
        self.count
    }

    /// True if any input was out of range or Σx² overflowed: the moments
    /// are then unreliable and the caller should report it.
    pub fn saturated(&self) -> bool {
        self.saturated
    }

    /// Sample mean; 0.0 when empty.
    pub fn mean(&self) -> f64 {
        if self.count == 0 {
            return 0.0;
        }
        self.sum as f64 / self.count as f64 / SCALE
    }

    /// Sample variance (n − 1 denominator); 0.0 for n < 2; never negative.
    pub fn variance(&self) -> f64 {
        if self.count < 2 {
            return 0.0;
        }
        // n·Σx² − (Σx)² ≥ 0 exactly (Cauchy–Schwarz); only saturation can
        // make it negative, hence the clamp inside `sub_or_zero`.
        let n = self.count as u128;
        let a = mul_u128(n, self.sum_sq.max(0) as u128);
        let s = self.sum.unsigned_abs();
        let b = mul_u128(s, s);
        let d = sub_or_zero(a, b);
        let d = d.0 as f64 * 2f64.powi(128) + d.1 as f64;
        let nf = self.count as f64;
        d / (nf * (nf - 1.0)) / (SCALE * SCALE)
    }

    /// Sample standard deviation.
    pub fn sd(&self) -> f64 {
        self.variance().sqrt()
    }

    /// Standard error of the mean, sd/√n; 0.0 when empty.
    pub fn se(&self) -> f64 {
        if self.count == 0 {
            return 0.0;
        }
        self.sd() / (self.count as f64).sqrt()
    }
}

/// The serialised form, checked by `TryFrom` before it becomes `Moments`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Repr {
    count: u64,
    sum: i128,
    sum_sq: i128,
    saturated: bool,
}

impl TryFrom<Repr> for Moments {
    type Error = String;

    fn try_from(r: Repr) -> Result<Moments, String> {
        let m = Moments {
            count: r.count,
            sum: r.sum,
            sum_sq: r.sum_sq,
            saturated: r.saturated,
        };
        if m.count == 0 && (m.sum, m.sum_sq, m.saturated) != (0, 0, false) {
            return Err("moments of no values must be all zero".into());
        }
        if m.sum_sq < 0 {
            return Err(format!("sum_sq is negative ({})", m.sum_sq));
        }
        // Every recorded |x| ≤ 2^62 (values are clamped below 2^42 = 2^62 units).
        if m.sum.unsigned_abs() > u128::from(m.count) << 62 {
            return Err(format!(
                "sum ({}) is more than {} values can add up to",
                m.sum, m.count
            ));
        }
        // n·Σx² ≥ (Σx)² holds exactly unless Σx² stopped at its ceiling (then `saturated`).
        let s = m.sum.unsigned_abs();
        if !m.saturated && mul_u128(u128::from(m.count), m.sum_sq as u128) < mul_u128(s, s) {
            return Err("sum_sq is smaller than sum²/count allows".into());
        }
        Ok(m)
    }
}

impl Moments {
    /// Whether the sums could come from `count` values in `[min, max]`: rounding to fixed point
    /// is monotone, so n·x(min) ≤ Σx ≤ n·x(max) exactly (values beyond the range saturate and
    /// set the flag, which skips the check).
    pub(super) fn within(&self, min: f64, max: f64) -> Result<(), String> {
        if self.saturated || self.count == 0 {
            return Ok(());
        }
        if !(min.abs() < LIMIT && max.abs() < LIMIT) {
            return Err(format!(
                "min {min:?} or max {max:?} is beyond ±2^42 but the moments are not saturated"
            ));
        }
        let n = i128::from(self.count);
        let (lo, hi) = (n * i128::from(to_fixed(min)), n * i128::from(to_fixed(max)));
        if !(lo..=hi).contains(&self.sum) {
            return Err(format!(
                "the mean ({:?}) is outside min..max ({min:?}..{max:?})",
                self.mean()
            ));
        }
        Ok(())
    }
}

/// Full 256-bit product of two u128 as (high, low).
fn mul_u128(a: u128, b: u128) -> (u128, u128) {
    const M: u128 = u64::MAX as u128;
    let (a1, a0) = (a >> 64, a & M);
    let (b1, b0) = (b >> 64, b & M);
    let ll = a0 * b0;
    let lh = a0 * b1;
    let hl = a1 * b0;
    let hh = a1 * b1;
    // Middle column: three terms < 2^64 each, so the sum fits in u128.
    let mid = (ll >> 64) + (lh & M) + (hl & M);
    let lo = (ll & M) | (mid << 64);
    let hi = hh + (lh >> 64) + (hl >> 64) + (mid >> 64);
    (hi, lo)
}

/// a − b for 256-bit (high, low) pairs, or 0 if b > a.
fn sub_or_zero(a: (u128, u128), b: (u128, u128)) -> (u128, u128) {
    if a <= b {
        return (0, 0);
    }
    let (lo, borrow) = a.1.overflowing_sub(b.1);
    (a.0 - b.0 - u128::from(borrow), lo)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{RngExt, SeedableRng, rngs::Xoshiro256PlusPlus};
    use rand_distr::{LogNormal, Normal};

    fn two_pass(data: &[f64]) -> (f64, f64) {
        let n = data.len() as f64;
        let mean = data.iter().sum::<f64>() / n;
        let var = data.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
        (mean, var.sqrt())
    }

    fn rel(a: f64, b: f64) -> f64 {
        (a - b).abs() / b.abs()
    }

    #[test]
    fn matches_two_pass_at_typical_scale() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(10);
        // Mt-like (lognormal, median 50) and USD-million-like (normal with
        // a large offset: the cancellation-prone case for naive Σx²).
        let ln = LogNormal::new(50f64.ln(), 0.8).unwrap();
        let nm = Normal::new(25_000.0, 300.0).unwrap();
        let sets: [Vec<f64>; 2] = [
            (0..100_000).map(|_| rng.sample(ln)).collect(),
            (0..100_000).map(|_| rng.sample(nm)).collect(),
        ];
        for data in sets {
            let mut m = Moments::new();
            data.iter().for_each(|&v| m.record(v));
            let (mean, sd) = two_pass(&data);
            assert!(rel(m.mean(), mean) < 1e-9, "{} vs {mean}", m.mean());
            assert!(rel(m.sd(), sd) < 1e-9, "{} vs {sd}", m.sd());
            let se = sd / (data.len() as f64).sqrt();
            assert!(rel(m.se(), se) < 1e-9);
            assert!(!m.saturated());
        }
    }

    #[test]
    fn fractions_within_quantisation_bound() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(11);
        let data: Vec<f64> = (0..10_000).map(|_| rng.random::<f64>() * 0.01).collect();
        let mut m = Moments::new();
        data.iter().for_each(|&v| m.record(v));
        let (mean, sd) = two_pass(&data);
        let q = 0.5 / SCALE;
        assert!((m.mean() - mean).abs() <= q);
        assert!((m.sd() - sd).abs() <= q * 1.01);
    }

    #[test]
    fn constant_data_has_zero_sd() {
        for v in [0.1, -7.25, 1e6, 123_456.789] {
            let mut m = Moments::new();
            (0..1000).for_each(|_| m.record(v));
            assert_eq!(m.variance(), 0.0);
            assert_eq!(m.sd(), 0.0);
        }
    }

    #[test]
    fn empty_and_single() {
        let m = Moments::new();
        assert_eq!(
            (m.count(), m.mean(), m.variance(), m.se()),
            (0, 0.0, 0.0, 0.0)
        );
        let mut m = Moments::new();
        m.record(4.0);
        assert_eq!((m.count(), m.mean(), m.sd(), m.se()), (1, 4.0, 0.0, 0.0));
    }

    #[test]
    fn rounding_is_symmetric_and_exact_at_halves() {
        assert_eq!(to_fixed(1.0), 1 << 20);
        assert_eq!(to_fixed(-1.0), -(1 << 20));
        let half = 0.5 / SCALE;
        assert_eq!(to_fixed(half), 1);
        assert_eq!(to_fixed(-half), -1);
        assert_eq!(to_fixed(half * 0.999), 0);
        assert_eq!(to_fixed(-0.0), 0);
    }

    #[test]
    fn out_of_range_saturates_instead_of_wrapping() {
        let mut m = Moments::new();
        m.record(1e13);
        assert!(m.saturated());
        assert!(m.mean() > 4.0e12 && m.mean() < LIMIT);
        let mut n = Moments::new();
        n.record(f64::NAN);
        assert!(n.saturated() && n.mean() == 0.0);
        // Σx² overflow: 16 values just below the limit.
        let mut o = Moments::new();
        (0..16).for_each(|_| o.record(4.0e12));
        assert!(o.saturated());
        assert!(o.variance() >= 0.0 && o.variance().is_finite());
        // The flag survives merging, in either order.
        let mut p = Moments::new();
        p.record(1.0);
        p.merge(&o);
        assert!(p.saturated());
    }

    #[test]
    fn slice_equals_one_by_one_including_saturation() {
        let vals = [
            1.5,
            -2.0,
            4.0e12,
            0.0,
            4.1e12,
            f64::NAN,
            -3.9e12,
            4.0e12,
            7.0,
        ];
        let mut one = Moments::new();
        vals.iter().cycle().take(40).for_each(|&v| one.record(v));
        let mut batch = Moments::new();
        let all: Vec<f64> = vals.iter().cycle().take(40).copied().collect();
        batch.record_slice(&all[..13]);
        batch.record_slice(&all[13..]);
        assert_eq!(one, batch);
        assert!(one.saturated() && one.sum_sq == i128::MAX);
    }

    #[test]
    fn fast_and_checked_paths_agree() {
        // The first slice stays under 2^31 (fast path), the second has one value above it
        // (summed again with checks, though nothing saturates).
        let small = [1.5, -2.0, 0.0, 1e9, -2.1e9];
        let wide = [1.5, 5e9, -3e11, 0.25];
        let mut one = Moments::new();
        small
            .iter()
            .chain(&wide)
            .for_each(|&v| one.record_checked(&[v]));
        let mut batch = Moments::new();
        batch.record_slice(&small);
        batch.record_slice(&wide);
        assert_eq!(one, batch);
        assert!(!batch.saturated());
    }

    #[test]
    fn u256_helpers() {
        assert_eq!(mul_u128(u128::MAX, u128::MAX), (u128::MAX - 1, 1));
        assert_eq!(mul_u128(1 << 64, 1 << 64), (1, 0));
        assert_eq!(sub_or_zero((1, 0), (0, 1)), (0, u128::MAX));
        assert_eq!(sub_or_zero((0, 1), (1, 0)), (0, 0));
    }

    #[test]
    fn serde_round_trip() {
        let mut m = Moments::new();
        [1.5, -2.0, 1e9].iter().for_each(|&v| m.record(v));
        let back: Moments = serde_json::from_str(&serde_json::to_string(&m).unwrap()).unwrap();
        assert_eq!(back, m);
    }

    /// Sums that no recording produces are refused while reading; each case is one edit of a
    /// real state (3 values: 1.5, -2.0, 1e9).
    #[test]
    fn deserialising_refuses_impossible_sums() {
        let mut m = Moments::new();
        [1.5, -2.0, 1e9].iter().for_each(|&v| m.record(v));
        let json = serde_json::to_string(&m).unwrap();
        let read = |j: &str| serde_json::from_str::<Moments>(j).map_err(|e| e.to_string());
        assert_eq!(read(&json), Ok(m.clone()));
        let edit = |from: &str, to: &str| {
            assert!(json.contains(from), "{from} in {json}");
            read(&json.replacen(from, to, 1)).unwrap_err()
        };
        let sum = m.sum.to_string();
        let sq = m.sum_sq.to_string();
        assert!(edit(&sq, &format!("-{sq}")).contains("negative"));
        assert!(edit(&sq, "1").contains("smaller than"));
        let huge = (i128::from(3u8) << 62) + 1;
        assert!(edit(&sum, &huge.to_string()).contains("more than 3 values"));
        assert!(edit("\"count\":3", "\"count\":0").contains("all zero"));
        assert!(read(&json.replacen('}', ",\"x\":1}", 1)).is_err());
        assert!(m.within(-2.0, 1e9).is_ok());
        assert!(
            m.within(-2.0, 1.0)
                .unwrap_err()
                .contains("outside min..max")
        );
        assert!(m.within(-2.0, 1e13).unwrap_err().contains("2^42"));
    }
}
