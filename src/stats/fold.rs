//! One pass over a chunk of values for both halves of an accumulator: fixed-point sums and
//! histogram counts together.
//!
//! Why: the moments and the histogram each walked a column on their own (a pass to find a
//! constant column, a vectorised pass for the sums, a key pass and a count pass for the
//! histogram), so a value was loaded and taken apart four or five times, ~59 instructions a
//! value. Here a first loop finds the chunk's extremes from the raw bits (which also tells a
//! constant chunk, a negative value, -0.0, NaN and values past the moments' fast range), and a
//! second does everything else with the running sums in registers. Each step is a few
//! instructions: rounding half up is `trunc(y + pred(½))` (see `fixed`), the square is one
//! widening multiply, the key is a shift, and a zero is only counted: it adds one to a bucket the
//! histogram already holds (`stand_in`), and the caller takes those back, so no value branches.
//!
//! The pass covers the common chunk: values that are +0.0 or positive and below 2^31 (volumes,
//! revenues, fractions, zeros among them), recorded into a histogram that already holds a
//! positive bucket. `Accumulator::record_slice` gives any other chunk to the per-half paths,
//! which reach the same state.

use super::histogram::Buckets;
use super::moments::{FAST, SCALE};

/// Bits of the smallest value the pass refuses: every +0.0 or positive value below 2^31 has
/// fewer; a negative value, -0.0 (sign bit set), NaN and anything ≥ 2^31 have at least as many.
const FAST_BITS: u64 = FAST.to_bits();

/// The chunk's extremes when the one-pass path takes it: `(lo, hi)`, or None for a chunk that
/// holds a negative value, -0.0, a NaN or a value ≥ 2^31. For values ≥ +0.0 the bits order like
/// the values, so the extremes are integer minima and maxima.
#[inline]
pub(super) fn extremes(vs: &[f64]) -> Option<(f64, f64)> {
    let (mut lo, mut hi) = (u64::MAX, 0u64);
    for &v in vs {
        let b = v.to_bits();
        lo = lo.min(b);
        hi = hi.max(b);
    }
    (hi < FAST_BITS).then(|| (f64::from_bits(lo), f64::from_bits(hi)))
}

/// Σx and Σx² (x = round(v·2^20)) and the number of zeros of a chunk.
#[derive(Debug, Clone, Copy)]
pub(super) struct Sums {
    pub sum: i64,
    pub sum_sq: i128,
    pub zeros: u64,
}

/// round(y) half up, for 0 ≤ y < 2^51: y + pred(½), then truncated. The add is exact or rounds
/// to the integer the rounding wants: when y's fraction is ≥ ½ the sum lands on or just below the
/// next integer and rounds up to it (never past it); below ½ it stays at least one ulp plus
/// 2^-54 below it. (y + ½ would round 0.5 − 2^-54 up to 1.)
#[inline(always)]
fn fixed(y: f64) -> i64 {
    const BELOW_HALF: f64 = 0.499_999_999_999_999_94;
    (y + BELOW_HALF) as i64
}

/// Counts `vs` into `pos` (a zero under `stand_in`, an index `pos` holds) and returns their
/// sums. Every value must have passed `extremes`, and there are at most 64 of them (Σx² of 64
/// values below 2^51 fits an i128 with room to spare).
#[inline]
pub(super) fn nonnegative(vs: &[f64], pos: &mut Buckets, stand_in: u32) -> Sums {
    debug_assert!(vs.len() <= 64 && extremes(vs).is_some());
    let (mut sum, mut sum_sq, mut zeros) = (0i64, 0i128, 0u64);
    let mut i = 0;
    while i < vs.len() {
        // The counts and their first index in locals, so the loop keeps them in registers; a
        // key outside them (a new extreme bucket, rare) leaves the loop to grow the storage.
        let (lo, counts) = pos.parts();
        let mut outside = None;
        for &v in &vs[i..] {
            i += 1;
            let x = fixed(v * SCALE);
            sum += x;
            sum_sq += i128::from(x) * i128::from(x);
            let bits = v.to_bits();
            zeros += u64::from(bits == 0);
            let key = if bits == 0 {
                stand_in
            } else {
                (bits >> 45) as u32
            };
            match counts.get_mut(key.wrapping_sub(lo) as usize) {
                Some(c) => *c += 1,
                None => {
                    outside = Some(key);
                    break;
                }
            }
        }
        if let Some(key) = outside {
            pos.add(key, 1);
        }
    }
    Sums { sum, sum_sq, zeros }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::moments::to_fixed;

    /// `fixed` against `to_fixed`: ties at many magnitudes (where rounding to even and half up
    /// part), their float neighbours, the value just below ½ (where y + ½ fails), zero,
    /// subnormals and the edge of the fast range.
    #[test]
    fn fixed_rounds_half_up() {
        let ulp = |x: f64, k: i64| f64::from_bits((x.to_bits() as i64 + k) as u64);
        let mut vals = vec![0.0, 5e-324, f64::MIN_POSITIVE, ulp(FAST, -1)];
        for e in [-20, -19, -18, -5, 0, 1, 7, 20, 30] {
            for k in [0.5, 1.5, 2.5, 3.5, 1000.5, 3.0, 0.25, 0.75] {
                let tie = k * 2f64.powi(e) / SCALE;
                vals.extend((-3..=3).map(|d| ulp(tie, d)));
            }
        }
        for v in vals {
            assert_eq!(fixed(v * SCALE), to_fixed(v), "{v:e}");
        }
        assert_eq!(fixed(0.499_999_999_999_999_94), 0);
    }

    #[test]
    fn extremes_refuse_what_the_pass_cannot_take() {
        assert_eq!(extremes(&[3.0, 0.0, 1.5]), Some((0.0, 3.0)));
        assert_eq!(
            extremes(&[ulp_below_fast()]),
            Some((ulp_below_fast(), ulp_below_fast()))
        );
        for v in [-0.0, -1.0, FAST, 1e300, f64::NAN, -f64::NAN, f64::INFINITY] {
            assert_eq!(extremes(&[1.0, v]), None, "{v}");
        }
    }

    fn ulp_below_fast() -> f64 {
        f64::from_bits(FAST_BITS - 1)
    }
}
