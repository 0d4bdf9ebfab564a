//! One pass over a chunk of values for both halves of an accumulator: fixed-point sums and
//! histogram counts together.
//!
//! Why: the moments and the histogram each walked a column on their own, so a value was loaded
//! and taken apart four or five times. Here a first loop finds the chunk's span, two values at a
//! time and without a branch (`span`: which also tells a chunk of at most one nonzero value, a
//! negative value, -0.0, NaN and values past the moments' fast range; the recorder finds it
//! while it asks for the column's buckets ahead), and a second does everything else with the
//! running sums in registers. Each step is a few instructions: rounding half up is
//! `trunc(y + pred(½))` (see `fixed`), the square is one widening multiply, the key is a shift,
//! and the histogram's storage already covers the span (the caller grows it first), so a count
//! is an index and an increment, with no branch and no exit to grow it.
//!
//! **Zeros are only counted.** A zero adds nothing to the sums (its fixed-point value is 0), and
//! its key (0) wraps below the window to the one slot clamped at its top, a bucket just above
//! the chunk's largest key that no value of the chunk falls in: the slot's growth is the number
//! of zeros, and the caller puts its count back. A chunk whose nonzero values are all one value
//! (a constant, an indicator's 0s and 1s, a column of zeros) is not folded at all: `count` tells
//! how many copies of it there are, and the rest are zeros (`Accumulator::record_two_valued`).
//!
//! The pass covers the common chunk: values that are +0.0 or positive, below 2^31 and, when
//! nonzero, not far subnormal (volumes, revenues, fractions, zeros among them).
//! `Accumulator::record_slice` gives any other chunk to the per-half paths, which reach the same
//! state.

use super::moments::{FAST, SCALE};

/// Bits of the smallest value the pass refuses: every +0.0 or positive value below 2^31 has
/// fewer; a negative value, -0.0 (sign bit set), NaN and anything ≥ 2^31 have at least as many.
const FAST_BITS: u64 = FAST.to_bits();

/// Bits dropped from a value's bits to make its histogram key (`histogram::SHIFT`).
const SHIFT: u32 = 45;

/// The extremes of a chunk of values in `+0.0..2^31`, as raw bits (for such values the bits
/// order like the values).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Span {
    /// The smallest nonzero value; 0 when every value is zero.
    pub lo_nonzero: u64,
    /// The largest value.
    pub hi: u64,
}

impl Span {
    /// Whether every nonzero value of the chunk is `hi` (or there is none): the chunk is then
    /// `count(vs, hi)` copies of `hi` and zeros.
    pub fn two_valued(self) -> bool {
        self.lo_nonzero == self.hi
    }

    /// The keys of the chunk's nonzero values, `lo..=hi`, when the pass can count them: the
    /// smallest is above 0 (the key zeros would have), i.e. the values are not far subnormal.
    pub fn keys(self) -> Option<(u32, u32)> {
        let lo = (self.lo_nonzero >> SHIFT) as u32;
        (lo > 0).then_some((lo, (self.hi >> SHIFT) as u32))
    }
}

/// The chunk's span when the pass takes it, or None for a chunk that holds a negative value,
/// -0.0, a NaN or a value ≥ 2^31.
///
/// On x86-64, two values an instruction with SSE2 (part of its baseline), and without a branch
/// per value: as a loop of `min`/`max` on the bits the compiler turns the extremes into
/// branches, one mispredicted each time a column's value sets a new extreme. For the values
/// the pass takes, +0.0 and positive, floats order as their bits, so the float extremes are
/// `span_bits`'s (tested against it); what it refuses is found from the sign bits and from
/// `v < 2^31` failing (NaN included).
#[inline]
pub(super) fn span(vs: &[f64]) -> Option<Span> {
    #[cfg(target_arch = "x86_64")]
    {
        span_sse2(vs)
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        span_bits(vs)
    }
}

/// `span` by the definition: the largest bits, and the smallest nonzero bits as the smallest
/// `bits − 1` plus one (a zero's `0 − 1` wraps to the largest), so both extremes take one loop;
/// any value the pass refuses has bits of at least `FAST_BITS`.
#[cfg(any(test, not(target_arch = "x86_64")))]
#[inline]
fn span_bits(vs: &[f64]) -> Option<Span> {
    let (mut lo, mut hi) = (u64::MAX, 0u64);
    for &v in vs {
        let b = v.to_bits();
        lo = lo.min(b.wrapping_sub(1));
        hi = hi.max(b);
    }
    (hi < FAST_BITS).then_some(Span {
        lo_nonzero: lo.wrapping_add(1),
        hi,
    })
}

#[cfg(target_arch = "x86_64")]
#[inline]
fn span_sse2(vs: &[f64]) -> Option<Span> {
    use std::arch::x86_64::{
        __m128d, _mm_and_pd, _mm_andnot_pd, _mm_cmpeq_pd, _mm_cmpnlt_pd, _mm_cvtsd_f64, _mm_max_pd,
        _mm_min_pd, _mm_movemask_pd, _mm_or_pd, _mm_set_pd, _mm_set1_pd, _mm_setzero_pd,
        _mm_unpackhi_pd,
    };
    // SAFETY: SSE2 is part of x86-64's baseline, so these intrinsics run on every x86-64
    // machine; none of them reads or writes memory.
    let (lo, hi) = unsafe {
        let (zero, inf, fast) = (
            _mm_setzero_pd(),
            _mm_set1_pd(f64::INFINITY),
            _mm_set1_pd(FAST),
        );
        // Per lane: the largest value, the smallest nonzero one (+∞ while there is none), whether
        // a value failed `v < 2^31`, and the OR of the values' bits (its sign bit: a negative or -0.0).
        let (mut lo, mut hi, mut refused, mut signs) = (inf, zero, zero, zero);
        let mut take = |v: __m128d| {
            hi = _mm_max_pd(hi, v);
            let is_zero = _mm_cmpeq_pd(v, zero);
            lo = _mm_min_pd(
                lo,
                _mm_or_pd(_mm_and_pd(is_zero, inf), _mm_andnot_pd(is_zero, v)),
            );
            refused = _mm_or_pd(refused, _mm_cmpnlt_pd(v, fast));
            signs = _mm_or_pd(signs, v);
        };
        let pairs = vs.chunks_exact(2);
        if let &[last] = pairs.remainder() {
            // The odd value in both lanes: it counts once for each extreme and each test.
            take(_mm_set1_pd(last));
        }
        for pair in pairs {
            take(_mm_set_pd(pair[1], pair[0]));
        }
        let lane = |x: __m128d| [_mm_cvtsd_f64(x), _mm_cvtsd_f64(_mm_unpackhi_pd(x, x))];
        if _mm_movemask_pd(_mm_or_pd(refused, signs)) != 0 {
            return None;
        }
        (lane(lo), lane(hi))
    };
    let ([lo0, lo1], [hi0, hi1]) = (lo, hi);
    let lo = if lo1 < lo0 { lo1 } else { lo0 };
    let hi = if hi1 > hi0 { hi1 } else { hi0 };
    Some(Span {
        lo_nonzero: if lo == f64::INFINITY { 0 } else { lo.to_bits() },
        hi: hi.to_bits(),
    })
}

/// How many values of `vs` have the bits `bits`.
#[inline]
pub(super) fn count(vs: &[f64], bits: u64) -> u64 {
    vs.iter().map(|v| u64::from(v.to_bits() == bits)).sum()
}

/// Whether `Accumulator::record_two_valued` takes copies of `c`: +0.0 or positive, below 2^31.
#[inline]
pub(super) fn two_valued_range(c: f64) -> bool {
    c.to_bits() < FAST_BITS
}

/// How many values of `vs` are `c` when every other one is zero (+0.0 or -0.0, which the
/// statistics do not tell apart), or None when one is neither. `c` is +0.0 or positive: for
/// +0.0 the copies are 0 and every value must be zero. Float comparisons, so the loop runs two
/// values a step.
#[inline]
pub(super) fn copies_among_zeros(vs: &[f64], c: f64) -> Option<u64> {
    let (mut copies, mut zeros) = (0u64, 0u64);
    for &v in vs {
        copies += u64::from(v == c);
        zeros += u64::from(v == 0.0);
    }
    let copies = if c == 0.0 { 0 } else { copies };
    (copies + zeros == vs.len() as u64).then_some(copies)
}

/// Σx and Σx² (x = round(v·2^20)) of a chunk.
#[derive(Debug, Clone, Copy)]
pub(super) struct Sums {
    pub sum: i64,
    pub sum_sq: i128,
}

/// round(y) half up, for 0 ≤ y < 2^51: y + pred(½), then truncated. The add is exact or rounds
/// to the integer the rounding wants: when y's fraction is ≥ ½ the sum lands on or just below the
/// next integer and rounds up to it (never past it); below ½ it stays at least one ulp plus
/// 2^-54 below it. (y + ½ would round 0.5 − 2^-54 up to 1.)
///
/// The truncation is one instruction (`cvttsd2si`): `as i64` adds the compares and moves that
/// saturate NaN and out-of-range values, a third of the pass's instructions per value, for
/// values the pass never sees.
#[inline(always)]
fn fixed(y: f64) -> i64 {
    const BELOW_HALF: f64 = 0.499_999_999_999_999_94;
    let z = y + BELOW_HALF;
    debug_assert!((0.0..2f64.powi(52)).contains(&z));
    // SAFETY: the pass takes only values `span` accepted, +0.0 ≤ v < 2^31, so y = v · 2^20 and
    // z are finite, non-negative and below 2^52: their truncation is an i64.
    unsafe { z.to_int_unchecked::<i64>() }
}

/// Values below this (2^8) have squares that 64 of add up in a u64: x ≤ 2^28, 64·x² ≤ 2^62.
const SMALL_BITS: u64 = 256f64.to_bits();

/// Counts `vs` into `window` (the counts of keys `base..base + window.len()`, whose last slot no
/// nonzero value of `vs` falls in: zeros go there) and returns their sums. Every value must be
/// within the span `s` the window was made for (`span`, `Span::keys`), and there are at most 64
/// of them (Σx² of 64 values below 2^51 fits an i128 with room to spare).
///
/// Out of line: inlined into `Accumulator::record_chunk`, the loop ran out of registers and
/// kept its bounds on the stack.
#[inline(never)]
pub(super) fn nonnegative(vs: &[f64], window: &mut [u64], base: u32, s: Span) -> Sums {
    debug_assert!(vs.len() <= 64 && span(vs) == Some(s));
    // Volumes, fractions and prices: squares in a u64, one multiply and one add.
    if s.hi < SMALL_BITS {
        pass::<true>(vs, window, base)
    } else {
        pass::<false>(vs, window, base)
    }
}

#[inline(always)]
fn pass<const SMALL: bool>(vs: &[f64], window: &mut [u64], base: u32) -> Sums {
    // `top < window.len()`, so the clamped index needs no bounds check.
    let Some(top) = window.len().checked_sub(1) else {
        return Sums { sum: 0, sum_sq: 0 };
    };
    let base = base as usize;
    let (mut sum, mut sum_sq, mut small_sq) = (0i64, 0i128, 0u64);
    for &v in vs {
        let x = fixed(v * SCALE);
        sum += x;
        if SMALL {
            small_sq += x as u64 * x as u64;
        } else {
            sum_sq += i128::from(x) * i128::from(x);
        }
        // A zero's key, 0, wraps to the largest index and is clamped to the zero slot.
        let i = ((v.to_bits() >> SHIFT) as usize).wrapping_sub(base);
        window[i.min(top)] += 1;
    }
    if SMALL {
        sum_sq = i128::from(small_sq);
    }
    Sums { sum, sum_sq }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::histogram::CHUNK;
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
    fn span_refuses_what_the_pass_cannot_take() {
        let bits = |v: f64| v.to_bits();
        let s = span(&[3.0, 0.0, 1.5]).unwrap();
        assert_eq!((s.lo_nonzero, s.hi), (bits(1.5), bits(3.0)));
        assert!(!s.two_valued());
        let top = ulp_below_fast();
        assert_eq!(
            span(&[top]),
            Some(Span {
                lo_nonzero: bits(top),
                hi: bits(top)
            })
        );
        for v in [-0.0, -1.0, FAST, 1e300, f64::NAN, -f64::NAN, f64::INFINITY] {
            assert_eq!(span(&[1.0, v]), None, "{v}");
        }
    }

    /// `span` (two lanes at a time on x86-64) against `span_bits`, the definition: columns of
    /// every length up to `CHUNK` + 1 drawn from zeros of both signs, subnormals, ordinary
    /// values, the edge of the fast range and what the pass refuses (negatives, NaN, ∞, ≥ 2^31),
    /// with the refused values mostly absent so that most columns are taken.
    #[test]
    fn span_equals_its_definition() {
        use rand::{RngExt, SeedableRng, rngs::Xoshiro256PlusPlus};
        let below_fast = f64::from_bits(FAST_BITS - 1);
        let taken = [
            0.0,
            5e-324,
            f64::MIN_POSITIVE,
            1e-300,
            0.5,
            1.0,
            3.75,
            1e6,
            below_fast,
        ];
        let refused = [
            -0.0,
            -1.0,
            -5e-324,
            FAST,
            1e300,
            f64::INFINITY,
            f64::NAN,
            -f64::NAN,
        ];
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(7);
        for case in 0..20_000 {
            let len = case % (CHUNK + 2);
            let vs: Vec<f64> = (0..len)
                .map(|_| match rng.random_range(0..100) {
                    0 => refused[rng.random_range(0..refused.len())],
                    1..=30 => taken[rng.random_range(0..taken.len())],
                    _ => rng.random::<f64>() * 10f64.powi(rng.random_range(-8..9)),
                })
                .collect();
            assert_eq!(span(&vs), span_bits(&vs), "{vs:?}");
        }
    }

    /// A chunk of zeros, of one value, and of one value among zeros is two-valued; the keys of
    /// a chunk with a far subnormal value (key 0, the zeros' key) are refused.
    #[test]
    fn spans_of_one_value_among_zeros_and_of_tiny_values() {
        let zeros = span(&[0.0; 5]).unwrap();
        assert!(zeros.two_valued() && zeros.hi == 0);
        for vs in [&[2.5, 2.5][..], &[0.0, 2.5, 0.0, 2.5][..]] {
            let s = span(vs).unwrap();
            assert!(s.two_valued(), "{vs:?}");
            assert_eq!(count(vs, 2.5f64.to_bits()), 2);
        }
        let tiny = f64::from_bits(1);
        assert_eq!(span(&[0.0, tiny, 1.0]).unwrap().keys(), None);
        let normal = f64::MIN_POSITIVE;
        let s = span(&[0.0, normal, 1.0]).unwrap();
        assert_eq!(
            s.keys(),
            Some((
                (normal.to_bits() >> SHIFT) as u32,
                (1f64.to_bits() >> SHIFT) as u32
            ))
        );
    }

    /// The u64 squares of values below 2^8 are the i128 ones, up to 64 values just below 2^8
    /// (the largest sum they can make) and mixed ones.
    #[test]
    fn small_squares_equal_wide_ones() {
        let top = f64::from_bits(SMALL_BITS - 1);
        for vs in [vec![top; 64], vec![0.0, 1.0, 255.5, 1e-6, top, 3.0]] {
            let (lo, hi) = span(&vs).unwrap().keys().unwrap();
            let mut w = vec![0u64; (hi - lo + 2) as usize];
            let mut w2 = w.clone();
            let (small, wide) = (
                pass::<true>(&vs, &mut w, lo),
                pass::<false>(&vs, &mut w2, lo),
            );
            assert_eq!((small.sum, small.sum_sq), (wide.sum, wide.sum_sq));
            assert_eq!(w, w2);
        }
    }

    /// The pass counts each nonzero value in its key's slot and every zero in the top slot.
    #[test]
    fn nonnegative_counts_zeros_in_the_top_slot() {
        let vs = [0.0, 1.0, 1.5, 0.0, 3.0, 1.0];
        let (lo, hi) = span(&vs).unwrap().keys().unwrap();
        let mut window = vec![0u64; (hi - lo + 2) as usize];
        let s = nonnegative(&vs, &mut window, lo, span(&vs).unwrap());
        assert_eq!(s.sum, to_fixed(6.5));
        assert_eq!(
            s.sum_sq,
            i128::from(to_fixed(1.0)).pow(2) * 2
                + i128::from(to_fixed(1.5)).pow(2)
                + i128::from(to_fixed(3.0)).pow(2)
        );
        let key = |v: f64| ((v.to_bits() >> SHIFT) as u32 - lo) as usize;
        assert_eq!(
            (window[key(1.0)], window[key(1.5)], window[key(3.0)]),
            (2, 1, 1)
        );
        assert_eq!(window[window.len() - 1], 2);
        assert_eq!(window.iter().sum::<u64>(), 6);
    }

    fn ulp_below_fast() -> f64 {
        f64::from_bits(FAST_BITS - 1)
    }
}
