//! Log-linear histogram over `f64`, bucketed straight from the bit pattern.
//!
//! Why bits: `ln()` per value would blow the hot-path budget (a few ns per
//! `record`). The IEEE-754 layout already *is* a log-linear scale: the
//! exponent picks the power of two and the mantissa is linear inside it. The
//! bucket index is `(|v|.to_bits() >> 45)`: 11 exponent bits + the top 7
//! mantissa bits, i.e. 128 sub-buckets per power of two. This index is
//! monotone in `|v|`, so walking buckets in index order walks values in order.
//!
//! Accuracy: a quantile is read out by linear interpolation inside the bucket that holds its
//! rank: the bucket's `c` observations are taken as spread evenly over its edges (clamped to
//! `[min, max]`), so the k-th of them sits at `lower + (k − ½)/c · width`. The exact value lies
//! in the same bucket, so the error is at most one bucket's width, `2^-7·2^e ≤ 2^-7·|x|`: every
//! quantile is within **2^-7 ≈ 0.78 %** relative of the exact nearest-rank sample quantile, a
//! bound approached only when a bucket's observations all sit at one edge (an atom). For a
//! smooth density the observations in a bucket are nearly uniform and the error falls to about
//! `width/(2√c)`: a tenth of the midpoint read-out's at 100,000 trials (docs/model.md,
//! "Percentiles", has the measurements). Zero, min and max are exact. The bound holds for
//! `|x| ≥ f64::MIN_POSITIVE`; subnormals get a (tiny) absolute error instead. The read-out is a
//! function of the counts alone, so it changes nothing about merging.
//!
//! Exact mergeability: counts are `u64`, `min`/`max` merge by comparison, so
//! merging is associative and commutative bit for bit. `-0.0` is stored as
//! `+0.0` so that `min`/`max` never depend on which zero arrived first.

use serde::{Deserialize, Serialize};

use super::fold;

/// Bits dropped from `|v|.to_bits()`: 52 mantissa bits − 7 kept.
const SHIFT: u32 = 45;
/// Values counted per pass of `record_chunk` (its key buffer is on the stack).
pub(super) const CHUNK: usize = 64;
/// Most cache lines of buckets a column's span is prefetched by (`Buckets::prefetch_span`):
/// half as many as a column has values.
const PREFETCH_LINES: usize = CHUNK / 2;
/// Number of bucket indices for finite magnitudes (index of +inf).
const N_IDX: u32 = (0x7FF0_0000_0000_0000u64 >> SHIFT) as u32;

/// A hint that `x` will be read soon: the CPU fetches its cache line without waiting for it.
#[inline(always)]
fn prefetch(x: &u64) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: SSE is part of x86-64's baseline, and a prefetch of a live reference reads
    // nothing and changes nothing.
    unsafe {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        _mm_prefetch::<_MM_HINT_T0>(std::ptr::from_ref(x).cast());
    }
}

/// Lower edge of bucket `idx` (a magnitude).
fn lower_edge(idx: u32) -> f64 {
    f64::from_bits(u64::from(idx) << SHIFT)
}

/// Upper (exclusive) edge of bucket `idx`; `+inf` for the last finite bucket.
fn upper_edge(idx: u32) -> f64 {
    f64::from_bits(u64::from(idx + 1) << SHIFT)
}

/// Counts for one sign, covering only the index range seen so far.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Buckets {
    /// Bucket index of `counts[0]`.
    lo: u32,
    counts: Vec<u64>,
}

impl Buckets {
    /// Adds `n` to bucket `idx`.
    #[inline(always)]
    pub(super) fn add(&mut self, idx: u32, n: u64) {
        // `idx < lo` wraps to a huge offset and misses, like `idx ≥ hi`.
        let i = idx.wrapping_sub(self.lo) as usize;
        match self.counts.get_mut(i) {
            Some(c) => *c += n,
            None => self.add_slow(idx, n),
        }
    }

    /// The index of `counts[0]` and the counts, grown first (as `add` grows them) when they do
    /// not hold every index of `lo..hi`: for a loop that adds to them itself.
    #[inline(always)]
    pub(super) fn reach(&mut self, lo: u32, hi: u32) -> (u32, &mut [u64]) {
        // `lo ≥ self.lo` makes `hi − self.lo` > 0, no wrap.
        if lo < self.lo || (hi - self.lo) as usize > self.counts.len() {
            self.grow(lo, hi);
        }
        (self.lo, &mut self.counts)
    }

    /// Asks the CPU to bring the buckets of keys `lo..=hi` into cache (nothing else: no count
    /// changes), a cache line at a time: the lines of a column's span are fewer than its values
    /// (~5 instructions a value when each asked for its own bucket). A span wider than
    /// `PREFETCH_LINES` lines asks for the buckets of `vs` one by one instead, since its values
    /// touch fewer lines than it has. Keys outside the storage ask for its nearest end.
    #[inline(always)]
    pub(super) fn prefetch_span(&self, lo: u32, hi: u32, vs: &[f64]) {
        let Some(last) = self.counts.len().checked_sub(1) else {
            return;
        };
        let at = |key: u32| (key.saturating_sub(self.lo) as usize).min(last);
        let (a, b) = (at(lo), at(hi));
        if b - a >= PREFETCH_LINES * 8 {
            for v in vs {
                let i = ((v.to_bits() >> SHIFT) as u32).wrapping_sub(self.lo) as usize;
                prefetch(&self.counts[i.min(last)]);
            }
            return;
        }
        // `a`'s line, then the first bucket of each line after it up to `b`'s (counts are 8
        // bytes and 8-byte aligned: 8 to a 64-byte line).
        prefetch(&self.counts[a]);
        let skew = (std::ptr::from_ref(&self.counts[a]).addr() / 8) % 8;
        for i in (a + 8 - skew..=b).step_by(8) {
            prefetch(&self.counts[i]);
        }
    }

    /// Takes back `n` counts that `add` put in bucket `idx`.
    #[inline(always)]
    fn take_back(&mut self, idx: u32, n: u64) {
        self.counts[(idx - self.lo) as usize] -= n;
    }

    #[cold]
    #[inline(never)]
    fn grow(&mut self, lo: u32, hi: u32) {
        if self.counts.is_empty() {
            // The first values: room on each side for as wide a spread again, so that the next
            // chunks' extremes rarely copy the counts.
            let room = (hi - lo).max(32);
            self.lo = lo.saturating_sub(room);
            self.counts = vec![0; ((hi + room).min(N_IDX) - self.lo) as usize];
        } else {
            self.cover(lo, hi, self.slack());
        }
    }

    /// Growth is rare (only when a new extreme bucket appears), so keep it
    /// out of line. Storage never reaches `N_IDX`, so out-of-range indices
    /// also come here. The slack (`slack`, ≥ 1/4 of the current length) makes a
    /// pathological monotone stream cost amortised O(1) per new bucket.
    #[cold]
    #[inline(never)]
    fn add_slow(&mut self, idx: u32, n: u64) {
        // Only non-finite input (a caller bug) lands beyond the last bucket.
        let idx = idx.min(N_IDX - 1);
        self.cover(idx, idx + 1, self.slack());
        self.counts[(idx - self.lo) as usize] += n;
    }

    /// Buckets added beyond a new extreme when storage grows: a quarter of the current length,
    /// at least a quarter of a power of two. Each growth copies the counts (a few thousand
    /// instructions for a metric spanning ten powers of two), so the slack keeps them rare; it
    /// costs at most a quarter more memory.
    fn slack(&self) -> u32 {
        (self.counts.len() as u32 / 4).max(32)
    }

    /// Extends storage to include indices `lo..hi`, plus `slack` buckets on
    /// each side that has to grow. Capacity is kept exact (memory bound).
    fn cover(&mut self, lo: u32, hi: u32, slack: u32) {
        if self.counts.is_empty() {
            self.lo = lo;
            self.counts = vec![0; (hi - lo) as usize];
            return;
        }
        let cur_hi = self.lo + self.counts.len() as u32;
        let new_lo = if lo < self.lo {
            lo.saturating_sub(slack)
        } else {
            self.lo
        };
        let new_hi = if hi > cur_hi {
            (hi + slack).min(N_IDX)
        } else {
            cur_hi
        };
        let new_len = (new_hi - new_lo) as usize;
        if new_lo < self.lo {
            let mut v = vec![0; new_len];
            let off = (self.lo - new_lo) as usize;
            v[off..off + self.counts.len()].copy_from_slice(&self.counts);
            self.counts = v;
            self.lo = new_lo;
        } else if new_len > self.counts.len() {
            self.counts.reserve_exact(new_len - self.counts.len());
            self.counts.resize(new_len, 0);
        }
    }

    /// The non-zero core: `(index of first element, counts)`, slack trimmed.
    fn trimmed(&self) -> (u32, &[u64]) {
        let Some(first) = self.counts.iter().position(|&c| c != 0) else {
            return (0, &[]);
        };
        let last = self.counts.iter().rposition(|&c| c != 0).unwrap_or(first);
        (self.lo + first as u32, &self.counts[first..=last])
    }

    fn merge(&mut self, other: &Self) {
        let (olo, oc) = other.trimmed();
        if oc.is_empty() {
            return;
        }
        self.cover(olo, olo + oc.len() as u32, 0);
        let off = (olo - self.lo) as usize;
        for (a, b) in self.counts[off..off + oc.len()].iter_mut().zip(oc) {
            *a += b;
        }
    }

    /// Sum of counts; None on overflow (only a corrupt file can do that).
    fn total(&self) -> Option<u64> {
        self.counts.iter().try_fold(0u64, |t, &c| t.checked_add(c))
    }

    /// Non-empty buckets as `(index, count)`, ascending index (= magnitude).
    fn nonempty(&self) -> impl DoubleEndedIterator<Item = (u32, u64)> + '_ {
        let lo = self.lo;
        self.counts
            .iter()
            .enumerate()
            .filter(|&(_, &c)| c != 0)
            .map(move |(i, &c)| (lo + i as u32, c))
    }
}

/// Equality of content, not of storage layout (slack differs with history).
impl PartialEq for Buckets {
    fn eq(&self, other: &Self) -> bool {
        self.trimmed() == other.trimmed()
    }
}

/// One non-empty bucket in value order, as seen by quantile/CDF walks.
#[derive(Clone, Copy, Debug)]
struct Bucket {
    lower: f64,
    upper: f64,
    count: u64,
}

/// A walk over the non-empty buckets in value order that stops at the bucket of each rank asked
/// for, the ranks ascending: the count before the bucket it stands at, and that bucket.
struct Walk<I: Iterator<Item = Bucket>> {
    buckets: I,
    /// The bucket it stands at (`None` only for an empty histogram).
    current: Option<Bucket>,
    before: u64,
}

impl<I: Iterator<Item = Bucket>> Walk<I> {
    /// The bucket holding the `k`-th smallest observation and how many observations lie in the
    /// buckets before it (`k` at least 1 and no smaller than the last rank asked; past the
    /// count, the last bucket).
    ///
    /// # Panics
    /// On an empty histogram (callers return before).
    fn to(&mut self, k: u64) -> (Bucket, u64) {
        let mut b = self.current.expect("bucket_at_rank on an empty histogram");
        while self.before + b.count < k {
            // Past the last bucket only with k past the count (callers clamp).
            let Some(next) = self.buckets.next() else {
                break;
            };
            self.before += b.count;
            b = next;
        }
        self.current = Some(b);
        (b, self.before)
    }
}

/// Streaming log-linear histogram; see the module docs for the accuracy
/// bound (every quantile within 2^-7 ≈ 0.78 % relative of the exact
/// nearest-rank sample quantile, far closer for smooth densities; exact for
/// zero, min and max).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "Repr")]
pub struct LogHistogram {
    /// Negative values, indexed by magnitude.
    neg: Buckets,
    zero: u64,
    pos: Buckets,
    count: u64,
    /// Exact extremes; meaningless (0.0) while `count == 0`. Kept finite so
    /// the state serialises to JSON without infinities; serialised as raw
    /// bits because serde_json's default float parsing is not guaranteed
    /// to round-trip (it lacks `float_roundtrip`), and shards must merge
    /// to bit-identical results.
    #[serde(with = "f64_bits")]
    min: f64,
    #[serde(with = "f64_bits")]
    max: f64,
}

impl Default for LogHistogram {
    fn default() -> Self {
        Self::new()
    }
}

impl LogHistogram {
    pub fn new() -> Self {
        Self {
            neg: Buckets::default(),
            zero: 0,
            pos: Buckets::default(),
            count: 0,
            min: 0.0,
            max: 0.0,
        }
    }

    /// Records one finite value. Allocation-free once the value range has
    /// been seen. (Non-finite values are a caller bug: debug builds panic;
    /// release builds file them in the outermost bucket.)
    #[inline]
    pub fn record(&mut self, v: f64) {
        self.record_slice(std::slice::from_ref(&v));
    }

    /// Records many values; the state is identical to recording them one
    /// by one.
    #[inline]
    pub fn record_slice(&mut self, vs: &[f64]) {
        for chunk in vs.chunks(CHUNK) {
            self.record_chunk(chunk);
        }
    }

    /// Records up to `CHUNK` values in two passes: bucket keys first, without
    /// branches, then the counts. The counts are where the time goes (a
    /// run's ~800 histograms live in L2, not L1), so the second pass is kept
    /// free of data-dependent branches and its increments, which do not
    /// depend on each other, overlap their cache misses. A chunk of one sign
    /// (the common case: volumes, revenues, fractions, zeros among them)
    /// takes that path; zeros stand in as one of the chunk's own buckets,
    /// which is given back afterwards. A chunk of one bucket (a fixed value)
    /// is a single add. Mixed signs take the per-value path.
    #[inline]
    fn record_chunk(&mut self, vs: &[f64]) {
        let n = vs.len();
        let Some(&first) = vs.first() else {
            return;
        };
        let (mut lo, mut hi) = if self.count == 0 {
            (first, first)
        } else {
            (self.min, self.max)
        };
        let mut keys = [0u32; CHUNK];
        let (mut zeros, mut negatives, mut stand_in) = (0u64, 0u64, 0u32);
        for (k, &v) in keys.iter_mut().zip(vs) {
            debug_assert!(v.is_finite(), "LogHistogram::record({v})");
            // Written as selects on `v` itself so they compile to minsd/maxsd.
            lo = if v < lo { v } else { lo };
            hi = if v > hi { v } else { hi };
            let bits = v.to_bits();
            let mag = bits & !(1u64 << 63);
            *k = (mag >> SHIFT) as u32;
            let zero = mag == 0;
            zeros += u64::from(zero);
            negatives += u64::from(!zero && bits >> 63 != 0);
            stand_in = if zero { stand_in } else { *k };
        }
        // -0.0 → +0.0 (`x + 0.0`): which zero came first must not show in
        // min/max, or merge order would.
        self.min = lo + 0.0;
        self.max = hi + 0.0;
        self.count += n as u64;
        self.zero += zeros;
        let nonzero = n as u64 - zeros;
        let buckets = if nonzero == 0 {
            return;
        } else if negatives == 0 {
            &mut self.pos
        } else if negatives == nonzero {
            &mut self.neg
        } else {
            return Self::record_mixed(&mut self.neg, &mut self.pos, vs);
        };
        let keys = &mut keys[..n];
        if zeros > 0 {
            for (k, &v) in keys.iter_mut().zip(vs) {
                *k = if v == 0.0 { stand_in } else { *k };
            }
        }
        if keys.iter().all(|&k| k == stand_in) {
            buckets.add(stand_in, nonzero);
            return;
        }
        for &k in keys.iter() {
            buckets.add(k, 1);
        }
        if zeros > 0 {
            buckets.take_back(stand_in, zeros);
        }
    }

    /// The counts of a chunk with both signs (zeros already counted).
    #[cold]
    #[inline(never)]
    fn record_mixed(neg: &mut Buckets, pos: &mut Buckets, vs: &[f64]) {
        for &v in vs {
            let bits = v.to_bits();
            let mag = bits & !(1u64 << 63);
            if mag == 0 {
                continue;
            }
            let k = (mag >> SHIFT) as u32;
            if bits >> 63 != 0 {
                neg.add(k, 1);
            } else {
                pos.add(k, 1);
            }
        }
    }

    /// Records `vs` (none negative or -0.0, with span `s` and the keys `lo..=hi` of its nonzero
    /// values) in one pass with their fixed-point sums (`fold::nonnegative`, which returns them):
    /// the same histogram as `record_slice(vs)`. The storage is grown first to hold the keys and
    /// one above them, the slot the pass files zeros in; its count is put back afterwards.
    #[inline]
    pub(super) fn record_nonnegative(
        &mut self,
        vs: &[f64],
        s: fold::Span,
        (lo, hi): (u32, u32),
    ) -> fold::Sums {
        let (base, counts) = self.pos.reach(lo, hi + 2);
        let window = &mut counts[(lo - base) as usize..(hi + 2 - base) as usize];
        let top = window.len() - 1;
        let before = window[top];
        let sums = fold::nonnegative(vs, window, lo, s);
        let zeros = window[top] - before;
        window[top] = before;
        let min = if zeros > 0 {
            0.0
        } else {
            f64::from_bits(s.lo_nonzero)
        };
        self.extend(min, f64::from_bits(s.hi), vs.len() as u64, zeros);
        sums
    }

    /// Asks the CPU to bring the positive buckets of keys `lo..=hi` into cache, those of `vs`
    /// where that span is wide (`Buckets::prefetch_span`).
    #[inline(always)]
    pub(super) fn prefetch_span(&self, lo: u32, hi: u32, vs: &[f64]) {
        self.pos.prefetch_span(lo, hi, vs);
    }

    /// Records `k` copies of `c` (positive and finite) and `zeros` zeros: the same state as
    /// recording them one by one.
    #[inline]
    pub(super) fn record_two_valued(&mut self, c: f64, k: u64, zeros: u64) {
        debug_assert!(c > 0.0 && c.is_finite() || k == 0);
        if k > 0 {
            self.pos.add(((c.to_bits()) >> SHIFT) as u32, k);
        }
        let lo = if zeros > 0 { 0.0 } else { c };
        let hi = if k > 0 { c } else { 0.0 };
        self.extend(lo, hi, k + zeros, zeros);
    }

    /// Counts `n` values, `zeros` of them zero, whose extremes are `lo` and `hi` (neither -0.0);
    /// their buckets are the caller's.
    #[inline(always)]
    fn extend(&mut self, lo: f64, hi: f64, n: u64, zeros: u64) {
        if n == 0 {
            return;
        }
        if self.count == 0 {
            (self.min, self.max) = (lo, hi);
        } else {
            self.min = if lo < self.min { lo } else { self.min };
            self.max = if hi > self.max { hi } else { self.max };
        }
        self.count += n;
        self.zero += zeros;
    }

    /// Records `n` copies of `v`; the same state as `n` calls of `record(v)`.
    #[inline]
    pub fn record_repeated(&mut self, v: f64, n: u64) {
        debug_assert!(v.is_finite(), "LogHistogram::record({v})");
        if n == 0 {
            return;
        }
        let (lo, hi) = if self.count == 0 {
            (v, v)
        } else {
            (self.min, self.max)
        };
        self.min = (if v < lo { v } else { lo }) + 0.0;
        self.max = (if v > hi { v } else { hi }) + 0.0;
        self.count += n;
        let bits = v.to_bits();
        let mag = bits & !(1u64 << 63);
        let k = (mag >> SHIFT) as u32;
        if mag == 0 {
            self.zero += n;
        } else if bits >> 63 != 0 {
            self.neg.add(k, n);
        } else {
            self.pos.add(k, n);
        }
    }

    /// Adds `other` into `self`. Associative and commutative, bit for bit.
    pub fn merge(&mut self, other: &Self) {
        if other.count == 0 {
            return;
        }
        if self.count == 0 {
            self.min = other.min;
            self.max = other.max;
        } else {
            if other.min < self.min {
                self.min = other.min;
            }
            if other.max > self.max {
                self.max = other.max;
            }
        }
        self.count += other.count;
        self.zero += other.zero;
        self.neg.merge(&other.neg);
        self.pos.merge(&other.pos);
    }

    pub fn count(&self) -> u64 {
        self.count
    }

    /// Exact minimum; 0.0 when empty.
    pub fn min(&self) -> f64 {
        self.min
    }

    /// Exact maximum; 0.0 when empty.
    pub fn max(&self) -> f64 {
        self.max
    }

    /// The q-quantile by the nearest-rank (inverted CDF) definition: the
    /// smallest recorded value with at least `ceil(q·n)` observations ≤ it
    /// (q = 0 → min, q = 1 → max). Interpolated inside the bucket that holds
    /// the rank (module docs): within 2^-7 relative of the exact sample
    /// quantile, exact for zero, min and max. 0.0 when empty.
    pub fn quantile(&self, q: f64) -> f64 {
        self.value_at_rank(nearest_rank(q, self.count))
    }

    /// `quantile` of each of `qs`, in one walk over the buckets where the `qs` ascend (a
    /// summary's nine percentiles: a walk each was most of a run's closing work at a few
    /// thousand trials, callgrind).
    pub fn quantiles<const N: usize>(&self, qs: [f64; N]) -> [f64; N] {
        let ranks = qs.map(|q| nearest_rank(q, self.count));
        if !ranks.is_sorted() {
            return qs.map(|q| self.quantile(q));
        }
        let mut walk = self.walk();
        ranks.map(|k| self.value_at(k, &mut walk))
    }

    /// Distribution-free confidence interval for the q-quantile from order
    /// statistics: the number of observations below the true quantile is
    /// Binomial(n, q), approximated as normal, so the interval runs from the
    /// order statistic of rank `floor(n·q − z·sqrt(n·q·(1−q)))` to that of
    /// rank `ceil(n·q + z·sqrt(n·q·(1−q)))` (clamped to `[1, n]`). Each end is
    /// widened to the outer edge of its bucket (then clamped to
    /// `[min, max]`), so histogram resolution never makes the interval
    /// narrower than the data justify, and it always contains
    /// [`quantile`](Self::quantile). Hence it is never narrower than one
    /// bucket (2^-7 relative). (0, 0) when empty.
    pub fn quantile_interval(&self, q: f64, z: f64) -> (f64, f64) {
        if self.count == 0 {
            return (0.0, 0.0);
        }
        let n = self.count as f64;
        let q = q.clamp(0.0, 1.0);
        let centre = n * q;
        let half = z.abs() * (n * q * (1.0 - q)).sqrt();
        let k = nearest_rank(q, self.count);
        // f64 → u64 casts saturate (negatives → 0); clamp does the rest.
        let lo = ((centre - half).floor() as u64).clamp(1, k);
        let hi = ((centre + half).ceil() as u64).clamp(k, self.count);
        let lower = match lo {
            1 => self.min,
            _ => self.bucket_at_rank(lo).lower.max(self.min),
        };
        let upper = match hi {
            h if h == self.count => self.max,
            _ => self.bucket_at_rank(hi).upper.min(self.max),
        };
        (lower, upper)
    }

    /// Where `x` falls among the recorded values, as `(below, near)`: `below` observations lie
    /// in buckets wholly below `x`, and `near` in buckets whose edges (clamped to `[min, max]`)
    /// enclose `x`, which the histogram cannot place on either side of it. So the exact count of
    /// observations below `x` is in `[below, below + near]`; `near` is 0 when `x` lies between
    /// buckets or outside `[min, max]`, and spans one bucket (2^-7 relative wide) otherwise, or
    /// every copy of a value recorded many times (zero, a fixed input) when `x` equals it.
    pub fn rank_of(&self, x: f64) -> (u64, u64) {
        let (mut below, mut near) = (0u64, 0u64);
        for b in self.buckets_in_order() {
            let (lo, hi) = (b.lower.max(self.min), b.upper.min(self.max));
            if hi < x {
                below += b.count;
            } else if lo <= x {
                near += b.count;
            } else {
                break;
            }
        }
        (below, near)
    }

    /// Value of the `k`-th smallest observation (1-based), as reported by
    /// [`quantile`](Self::quantile).
    fn value_at_rank(&self, k: u64) -> f64 {
        self.value_at(k, &mut self.walk())
    }

    /// `value_at_rank`, the walk at a rank no greater than `k` (or fresh).
    fn value_at(&self, k: u64, walk: &mut Walk<impl Iterator<Item = Bucket>>) -> f64 {
        if self.count == 0 {
            return 0.0;
        }
        if k <= 1 {
            return self.min;
        }
        if k >= self.count {
            return self.max;
        }
        let (b, before) = walk.to(k);
        let (lo, hi) = (b.lower.max(self.min), b.upper.min(self.max));
        // The bucket's observations spread evenly over [lo, hi]: the j-th of c at (j − ½)/c.
        let t = ((k - before) as f64 - 0.5) / b.count as f64;
        (lo + (hi - lo) * t).clamp(self.min, self.max)
    }

    /// The bucket holding the `k`-th smallest observation; `1 ≤ k ≤ count`.
    fn bucket_at_rank(&self, k: u64) -> Bucket {
        self.bucket_and_rank_before(k).0
    }

    /// The bucket holding the `k`-th smallest observation and how many observations lie in the
    /// buckets before it; `1 ≤ k ≤ count`.
    fn bucket_and_rank_before(&self, k: u64) -> (Bucket, u64) {
        self.walk().to(k)
    }

    /// A walk from the first bucket, for ascending ranks.
    fn walk(&self) -> Walk<impl Iterator<Item = Bucket> + '_> {
        let mut buckets = self.buckets_in_order();
        Walk {
            current: buckets.next(),
            buckets,
            before: 0,
        }
    }

    /// Non-empty buckets in ascending value order (negatives, zero,
    /// positives), with edges in value space.
    fn buckets_in_order(&self) -> impl Iterator<Item = Bucket> + '_ {
        let neg = self.neg.nonempty().rev().map(|(i, count)| Bucket {
            lower: -upper_edge(i),
            upper: -lower_edge(i),
            count,
        });
        let zero = (self.zero != 0).then_some(Bucket {
            lower: 0.0,
            upper: 0.0,
            count: self.zero,
        });
        let pos = self.pos.nonempty().map(|(i, count)| Bucket {
            lower: lower_edge(i),
            upper: upper_edge(i),
            count,
        });
        neg.chain(zero).chain(pos)
    }

    /// Step CDF for charts: one point per non-empty bucket, ascending, as
    /// `(bucket upper edge, observations ≤ that edge)`. Edges are clamped to
    /// `[min, max]`, so the last point is `(max, n)`. The zero bucket is the
    /// point `(0.0, count ≤ 0)`. Exceedance is `n − cumulative`.
    pub fn cdf_points(&self) -> Vec<(f64, u64)> {
        let mut cum = 0u64;
        self.buckets_in_order()
            .map(|b| {
                cum += b.count;
                (b.upper.clamp(self.min, self.max), cum)
            })
            .collect()
    }

    /// Non-empty buckets for drawing histograms: `(lower, upper, count)`
    /// ascending, edges clamped to `[min, max]` (zero bucket: `(0, 0, n0)`).
    /// Widths differ (log-linear), so plot densities as count / width.
    pub fn buckets(&self) -> Vec<(f64, f64, u64)> {
        self.buckets_in_order()
            .map(|b| {
                (
                    b.lower.clamp(self.min, self.max),
                    b.upper.clamp(self.min, self.max),
                    b.count,
                )
            })
            .collect()
    }

    /// Approximate heap + inline footprint in bytes, for the tests that bound it.
    #[cfg(test)]
    pub(crate) fn memory_bytes(&self) -> usize {
        std::mem::size_of::<Self>()
            + (self.neg.counts.capacity() + self.pos.counts.capacity()) * std::mem::size_of::<u64>()
    }
}

/// Nearest-rank index `ceil(q·n)` clamped to `[1, n]` (0 when n = 0).
/// `q·n` within 1e-12 relative of an integer is snapped to it, so decimal
/// `q` like 0.29 (stored as 0.28999…) gives the rank a reader expects.
pub(crate) fn nearest_rank(q: f64, n: u64) -> u64 {
    if n == 0 {
        return 0;
    }
    let x = q.clamp(0.0, 1.0) * n as f64;
    let r = x.round();
    let k = if (x - r).abs() <= 1e-12 * x.max(1.0) {
        r
    } else {
        x.ceil()
    };
    (k as u64).clamp(1, n)
}

/// Deserialisation mirror: shard files are validated before use, so a
/// corrupt file is an error rather than an out-of-range index later.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Repr {
    neg: Buckets,
    zero: u64,
    pos: Buckets,
    count: u64,
    #[serde(with = "f64_bits")]
    min: f64,
    #[serde(with = "f64_bits")]
    max: f64,
}

/// Lossless f64 (de)serialisation as its IEEE-754 bit pattern (u64).
mod f64_bits {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(v.to_bits())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        u64::deserialize(d).map(f64::from_bits)
    }
}

impl TryFrom<Repr> for LogHistogram {
    type Error = String;

    /// Checks what recording guarantees: buckets within range, counts that add up to `count`,
    /// finite extremes that are the first and last non-empty buckets (so quantiles, sorted
    /// bucket walks and chart edges see a consistent state), and nothing at all when empty.
    fn try_from(r: Repr) -> Result<Self, String> {
        for (side, b) in [("neg", &r.neg), ("pos", &r.pos)] {
            if u64::from(b.lo) + b.counts.len() as u64 > u64::from(N_IDX) {
                return Err(format!("{side}: buckets beyond the last one ({N_IDX})"));
            }
        }
        let total = r
            .neg
            .total()
            .and_then(|t| t.checked_add(r.zero))
            .and_then(|t| t.checked_add(r.pos.total()?));
        if total != Some(r.count) {
            return Err(format!(
                "count ({}) is not the sum of its buckets ({})",
                r.count,
                total.map_or("more than 2^64".into(), |t| t.to_string())
            ));
        }
        if !(r.min.is_finite() && r.max.is_finite() && r.min <= r.max) {
            return Err(format!(
                "min {:?} and max {:?} are not finite with min ≤ max",
                r.min, r.max
            ));
        }
        let h = Self {
            neg: r.neg,
            zero: r.zero,
            pos: r.pos,
            count: r.count,
            min: r.min,
            max: r.max,
        };
        if h.count == 0 {
            if (h.min, h.max) != (0.0, 0.0) {
                return Err("min and max of an empty histogram must be 0".into());
            }
        } else if h.extreme_buckets() != Some((bucket_of(h.min), bucket_of(h.max))) {
            return Err(format!(
                "min {:?} and max {:?} are not in its first and last non-empty buckets",
                h.min, h.max
            ));
        }
        Ok(h)
    }
}

/// Where `v` is counted: its side (−1 negative, 0 zero, +1 positive) and bucket index.
fn bucket_of(v: f64) -> (i8, u32) {
    let bits = v.to_bits();
    let mag = bits & !(1u64 << 63);
    match (mag, bits >> 63) {
        (0, _) => (0, 0),
        (_, 1) => (-1, (mag >> SHIFT) as u32),
        _ => (1, (mag >> SHIFT) as u32),
    }
}

impl LogHistogram {
    /// The lowest and highest non-empty buckets in value order, as `bucket_of` names them.
    fn extreme_buckets(&self) -> Option<((i8, u32), (i8, u32))> {
        let (neg, pos) = (self.neg.trimmed(), self.pos.trimmed());
        let top = |(lo, c): (u32, &[u64])| lo + c.len() as u32 - 1;
        let zero = (self.zero > 0).then_some((0, 0));
        let neg_side = |i: u32| (-1i8, i);
        let pos_side = |i: u32| (1i8, i);
        let first = (!neg.1.is_empty())
            .then(|| neg_side(top(neg)))
            .or(zero)
            .or((!pos.1.is_empty()).then(|| pos_side(pos.0)))?;
        let last = (!pos.1.is_empty())
            .then(|| pos_side(top(pos)))
            .or(zero)
            .or((!neg.1.is_empty()).then(|| neg_side(neg.0)))?;
        Some((first, last))
    }

    /// Bytes of bucket storage after merging `other` into `self`: merging widens each side to
    /// cover both ranges, so two small states far apart need the whole span between them.
    /// Checked before merging states read from files, whose ranges anyone can edit.
    pub fn bytes_after_merge(&self, other: &Self) -> u64 {
        [(&self.neg, &other.neg), (&self.pos, &other.pos)]
            .iter()
            .map(|(a, b)| {
                let (olo, oc) = b.trimmed();
                let ohi = u64::from(olo) + oc.len() as u64;
                let alo = u64::from(a.lo);
                let ahi = alo + a.counts.len() as u64;
                let len = match (a.counts.is_empty(), oc.is_empty()) {
                    (_, true) => ahi - alo,
                    (true, false) => ohi - u64::from(olo),
                    (false, false) => ahi.max(ohi) - alo.min(u64::from(olo)),
                };
                len * std::mem::size_of::<u64>() as u64
            })
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{RngExt, SeedableRng, rngs::Xoshiro256PlusPlus};
    use rand_distr::{LogNormal, Normal};

    /// The documented bound, with one f64 rounding of slack for the check.
    const REL: f64 = 1.0 / 128.0 * (1.0 + 1e-12);

    /// `quantiles` in one walk gives what `quantile` gives for each, bit for bit: ascending
    /// levels (with repeats, 0 and 1), unsorted ones, on both sides of zero with zeros among
    /// them, a one-value histogram and an empty one.
    #[test]
    fn quantiles_in_one_walk_equal_each_quantile() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(5);
        let normal = Normal::new(1.0, 3.0).unwrap();
        let mut mixed = LogHistogram::new();
        (0..5_000).for_each(|_| mixed.record(rng.sample(normal)));
        (0..300).for_each(|_| mixed.record(0.0));
        let mut one = LogHistogram::new();
        one.record(2.5);
        let ascending = [0.0, 0.01, 0.05, 0.05, 0.25, 0.5, 0.5001, 0.75, 0.99, 1.0];
        let unsorted = [0.9, 0.1, 0.5, 0.0, 1.0, 0.3, 0.99, 0.01, 0.7, 0.2];
        for h in [&mixed, &one, &LogHistogram::new()] {
            for qs in [ascending, unsorted] {
                let each = qs.map(|q| h.quantile(q).to_bits());
                assert_eq!(h.quantiles(qs).map(f64::to_bits), each, "{qs:?}");
            }
        }
    }

    /// `rank_of` brackets the exact count below `x` for values on both sides of zero, and its
    /// uncertain part is one bucket's worth (or a repeated value's copies) at most.
    #[test]
    fn rank_of_brackets_the_exact_count_below() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(11);
        let normal = Normal::new(3.0, 4.0).unwrap();
        let mut data: Vec<f64> = (0..20_000).map(|_| rng.sample(normal)).collect();
        data.extend(std::iter::repeat_n(0.0, 500));
        let mut h = LogHistogram::new();
        data.iter().for_each(|&v| h.record(v));
        for x in [-20.0, -3.3, -0.01, 0.0, 0.5, 2.9, 3.0, 7.7, 14.0, 40.0] {
            let exact = data.iter().filter(|&&v| v < x).count() as u64;
            let (below, near) = h.rank_of(x);
            assert!(
                below <= exact && exact <= below + near,
                "{x}: {below}+{near} vs {exact}"
            );
            let bucket = data
                .iter()
                .filter(|&&v| v != 0.0 && (v - x).abs() <= x.abs() / 64.0)
                .count() as u64;
            let zeros = if x == 0.0 { 500 } else { 0 };
            assert!(
                near <= bucket + zeros,
                "{x}: near {near} > {bucket} + {zeros}"
            );
        }
        assert_eq!(h.rank_of(-1e9), (0, 0));
        assert_eq!(h.rank_of(1e9), (h.count(), 0));
        assert_eq!(h.rank_of(0.0).1, 500);
    }

    fn check_quantiles(mut data: Vec<f64>) {
        let mut h = LogHistogram::new();
        for &v in &data {
            h.record(v);
        }
        data.sort_by(f64::total_cmp);
        let n = data.len() as u64;
        let mut qs = vec![0.0, 1e-6, 0.001, 0.01, 0.05, 0.1, 0.25, 0.29, 0.5];
        qs.extend([0.75, 0.9, 0.95, 0.99, 0.999, 0.999_999, 1.0]);
        for q in qs {
            let exact = data[(nearest_rank(q, n) - 1) as usize];
            let est = h.quantile(q);
            assert!(
                (est - exact).abs() <= REL * exact.abs(),
                "q={q}: est {est} exact {exact}"
            );
            let (lo, hi) = h.quantile_interval(q, 1.96);
            assert!(lo <= est && est <= hi, "q={q}: CI ({lo},{hi}) vs {est}");
        }
        assert_eq!(h.min(), data[0]);
        assert_eq!(h.max(), data[data.len() - 1]);
    }

    #[test]
    fn lognormal_quantiles_within_bound() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
        let d = LogNormal::new(0.0, 1.0).unwrap();
        check_quantiles((0..1_000_000).map(|_| rng.sample(d)).collect());
    }

    #[test]
    fn normal_with_negatives_within_bound() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(2);
        let d = Normal::new(0.5, 2.0).unwrap();
        check_quantiles((0..1_000_000).map(|_| rng.sample(d)).collect());
    }

    #[test]
    fn bound_is_approached_by_an_atom_at_a_bucket_edge() {
        // Worst case: four copies of a value at a bucket's lower edge (m = 1); the read-out
        // spreads them over the bucket, so the 5th smallest reads 7/8 of a bucket too high.
        let mut h = LogHistogram::new();
        for v in [1.0, 1.0, 1.0, 1.0, 0.5, 3.0] {
            h.record(v);
        }
        let est = h.value_at_rank(5);
        assert_eq!(est, 1.0 + 0.875 / 128.0);
        assert!((est - 1.0) / 1.0 <= 1.0 / 128.0);
    }

    /// Interpolating inside the bucket reads a smooth distribution's percentiles far closer to
    /// the exact order statistics than the bucket's midpoint (which is off by a quarter of a
    /// bucket on average), and within the order statistic's sampling error of the true
    /// quantile. Fixed seed; tolerances from the standard error, as the comments say.
    #[test]
    fn interpolation_tracks_exact_order_statistics() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(3);
        let (mu, sigma) = (5.0, 0.3);
        let d = LogNormal::new(mu, sigma).unwrap();
        let n = 100_000usize;
        let mut data: Vec<f64> = (0..n).map(|_| rng.sample(d)).collect();
        let mut h = LogHistogram::new();
        data.iter().for_each(|&v| h.record(v));
        data.sort_by(f64::total_cmp);
        // z of the standard normal at q (Acklam-free: the few q used, to 4 decimals).
        let z = [
            (0.05, -1.6449),
            (0.25, -0.6745),
            (0.5, 0.0),
            (0.75, 0.6745),
            (0.95, 1.6449),
        ];
        let (mut interp, mut mid) = (0.0, 0.0);
        for (q, zq) in z {
            let k = nearest_rank(q, n as u64);
            let exact = data[(k - 1) as usize];
            let est = h.quantile(q);
            let (b, _) = h.bucket_and_rank_before(k);
            let width = b.upper - b.lower;
            // Inside a bucket of c observations from a smooth density, the k-th lies within a
            // few standard deviations of an evenly spaced point: sd ≈ width·√(t(1−t)/c) ≤
            // width/(2√c); 4 of them, plus the density's slope across one bucket (≤ width/64
            // here, the lognormal's f changing by < 2% over 0.8% of x).
            let c = b.count as f64;
            let tol = 4.0 * width / (2.0 * c.sqrt()) + width / 64.0;
            assert!(
                (est - exact).abs() <= tol,
                "q={q}: {est} vs {exact} (tol {tol})"
            );
            interp += (est - exact).abs() / exact;
            let midpoint = (b.lower + width / 2.0).clamp(h.min(), h.max());
            mid += (midpoint - exact).abs() / exact;
            // Against the distribution's own quantile: the order statistic's standard error,
            // √(q(1−q)/n)/f(x_q), four times over.
            let true_q = (mu + sigma * zq).exp();
            let f = (-0.5 * zq * zq).exp() / ((2.0 * std::f64::consts::PI).sqrt() * sigma * true_q);
            let se = (q * (1.0 - q) / n as f64).sqrt() / f;
            assert!(
                (est - true_q).abs() <= 4.0 * se,
                "q={q}: {est} vs {true_q} (se {se})"
            );
        }
        // On average across the five, interpolation is at least four times closer.
        assert!(
            interp * 4.0 < mid,
            "interpolated {interp} vs midpoints {mid}"
        );
    }

    #[test]
    fn zeros_and_negatives() {
        let mut h = LogHistogram::new();
        for v in [-3.0, -0.0, 0.0, 0.0, 2.0, -1e-300, 5e-300] {
            h.record(v);
        }
        assert_eq!(h.count(), 7);
        assert_eq!(h.min(), -3.0);
        assert_eq!(h.max(), 2.0);
        assert_eq!(h.quantile(0.0), -3.0);
        assert_eq!(h.quantile(0.5).to_bits(), 0f64.to_bits()); // rank 4: exact +0
        assert_eq!(h.quantile(1.0), 2.0);
        assert!(h.quantile(2.0 / 7.0) < 0.0); // rank 2 = -1e-300
        let cdf = h.cdf_points();
        assert_eq!(cdf.last().copied(), Some((2.0, 7)));
        assert!(cdf.windows(2).all(|w| w[0].0 <= w[1].0 && w[0].1 < w[1].1));
        assert_eq!(cdf[2], (0.0, 5));
        let b = h.buckets();
        assert_eq!(b.iter().map(|x| x.2).sum::<u64>(), 7);
        assert!(b.iter().all(|&(l, u, _)| l <= u));
    }

    #[test]
    fn negative_zero_does_not_make_min_order_dependent() {
        let (mut a, mut b) = (LogHistogram::new(), LogHistogram::new());
        a.record(-0.0);
        b.record(0.0);
        let mut ab = a.clone();
        ab.merge(&b);
        let mut ba = b.clone();
        ba.merge(&a);
        assert_eq!(ab.min().to_bits(), ba.min().to_bits());
        assert_eq!(ab, ba);
    }

    #[test]
    fn empty_is_finite() {
        let h = LogHistogram::new();
        assert_eq!(h.quantile(0.5), 0.0);
        assert_eq!(h.quantile_interval(0.5, 1.96), (0.0, 0.0));
        assert!(h.cdf_points().is_empty());
    }

    #[test]
    fn memory_of_lognormal_million_is_small() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(3);
        let d = LogNormal::new(0.0, 1.0).unwrap();
        let mut h = LogHistogram::new();
        for _ in 0..1_000_000 {
            h.record(rng.sample(d));
        }
        let bytes = h.memory_bytes();
        println!("LogHistogram of 1e6 lognormal(0,1): {bytes} bytes");
        assert!(bytes < 64 * 1024, "{bytes} bytes");
    }

    #[test]
    fn growth_in_both_directions_and_equality_ignores_slack() {
        let mut up = LogHistogram::new();
        let mut down = LogHistogram::new();
        let vals: Vec<f64> = (0..2000).map(|i| 1.01f64.powi(i)).collect();
        for &v in &vals {
            up.record(v);
            up.record(-v);
        }
        for &v in vals.iter().rev() {
            down.record(v);
            down.record(-v);
        }
        assert_eq!(up, down);
        assert_eq!(up.quantile(0.75), down.quantile(0.75));
    }

    #[test]
    fn slice_equals_one_by_one() {
        let vals = [3.0, -0.0, 0.0, -7.5, 1e-9, 2e9, -0.0, 3.0];
        let mut one = LogHistogram::new();
        vals.iter().for_each(|&v| one.record(v));
        let mut batch = LogHistogram::new();
        batch.record_slice(&vals[..2]);
        batch.record_slice(&vals[2..]);
        batch.record_slice(&[]);
        assert_eq!(one, batch);
        assert_eq!((one.min(), one.max(), one.count()), (-7.5, 2e9, 8));
        // A batch whose only values are zeros reports +0.0 as min and max.
        let mut z = LogHistogram::new();
        z.record_slice(&[-0.0, -0.0]);
        assert_eq!(z.min().to_bits(), 0);
        assert_eq!(z.max().to_bits(), 0);
    }

    #[test]
    fn runs_are_counted_like_single_values() {
        // Runs of one value, of one bucket (1.0 and 1.001 share a bucket), of zeros of either
        // sign, and the smallest subnormal, whose bucket key a zero must not share.
        let tiny = f64::from_bits(1);
        let vals = [
            1.0, 1.0, 1.001, 1.0, 0.0, -0.0, 0.0, tiny, tiny, 0.0, -1.0, -1.001, -1.0, 5.0, 1.0,
        ];
        let mut one = LogHistogram::new();
        vals.iter().for_each(|&v| one.record(v));
        let mut batch = LogHistogram::new();
        batch.record_slice(&vals);
        assert_eq!(one, batch);
        assert_eq!((batch.zero, batch.count()), (4, 15));
    }

    #[test]
    fn nearest_rank_snaps_decimal_q() {
        assert_eq!(nearest_rank(0.29, 100), 29);
        assert_eq!(nearest_rank(0.01, 1_000_000), 10_000);
        assert_eq!(nearest_rank(0.0, 10), 1);
        assert_eq!(nearest_rank(1.0, 10), 10);
        assert_eq!(nearest_rank(0.5, 3), 2);
        assert_eq!(nearest_rank(0.5, 0), 0);
    }

    #[test]
    fn quantile_interval_narrows_with_n_and_covers() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(4);
        let d = Normal::new(10.0, 1.0).unwrap();
        let mut h = LogHistogram::new();
        for _ in 0..100 {
            h.record(rng.sample(d));
        }
        let (a, b) = h.quantile_interval(0.5, 1.96);
        for _ in 0..999_900 {
            h.record(rng.sample(d));
        }
        let (c, e) = h.quantile_interval(0.5, 1.96);
        assert!(e - c < b - a, "({a},{b}) then ({c},{e})");
        // Large n: the rank interval (±0.0025) is far below bucket width
        // (0.0625 here); 10 is a bucket edge, so the CI is the two buckets
        // around it, which contain the true median.
        assert!(c <= 10.0 && 10.0 <= e, "({c},{e})");
        assert!(e - c <= 2.0 * 0.0625, "({c},{e})");
        assert_eq!(h.quantile_interval(0.0, 1.96).0, h.min());
        assert_eq!(h.quantile_interval(1.0, 1.96).1, h.max());
        assert_eq!(h.quantile_interval(0.5, 1e9), (h.min(), h.max()));
    }

    #[test]
    fn serde_round_trip_and_validation() {
        let mut h = LogHistogram::new();
        for v in [-2.5, 0.0, 1e-3, 7.0, 7.0, 13_501.131_763_927_719] {
            h.record(v);
        }
        let s = serde_json::to_string(&h).unwrap();
        let back: LogHistogram = serde_json::from_str(&s).unwrap();
        assert_eq!(back, h);
        assert_eq!(back.quantile(0.6).to_bits(), h.quantile(0.6).to_bits());
        let empty: LogHistogram =
            serde_json::from_str(&serde_json::to_string(&LogHistogram::new()).unwrap()).unwrap();
        assert_eq!(empty.count(), 0);
        let bad = s.replacen("\"count\":6", "\"count\":7", 1);
        assert!(serde_json::from_str::<LogHistogram>(&bad).is_err());
    }

    /// States that no recording produces are refused while reading: each case is one edit of
    /// a real state's fields.
    #[test]
    fn deserialising_refuses_inconsistent_states() {
        let mut h = LogHistogram::new();
        for v in [-2.5, 0.0, 1e-3, 7.0, 7.0] {
            h.record(v);
        }
        let ok = serde_json::to_value(&h).unwrap();
        let read = |edit: &dyn Fn(&mut serde_json::Value)| {
            let mut v = ok.clone();
            edit(&mut v);
            serde_json::from_value::<LogHistogram>(v).map_err(|e| e.to_string())
        };
        assert_eq!(read(&|_| {}), Ok(h.clone()));
        let bits = |x: f64| serde_json::json!(x.to_bits());
        // max outside the last bucket (8.0 is in another bucket than 7.0), min inside a bucket
        // that holds nothing, and min above max.
        let err = read(&|v| v["max"] = bits(8.0)).unwrap_err();
        assert!(err.contains("first and last non-empty"), "{err}");
        let err = read(&|v| v["min"] = bits(-100.0)).unwrap_err();
        assert!(err.contains("first and last non-empty"), "{err}");
        let err = read(&|v| v["min"] = bits(9.0)).unwrap_err();
        assert!(err.contains("min ≤ max"), "{err}");
        let err = read(&|v| v["max"] = bits(f64::NAN)).unwrap_err();
        assert!(err.contains("not finite"), "{err}");
        // A bucket range past the last bucket, and counts that overflow u64.
        let err = read(&|v| v["pos"]["lo"] = serde_json::json!(N_IDX)).unwrap_err();
        assert!(err.contains("beyond the last"), "{err}");
        let err = read(&|v| v["zero"] = serde_json::json!(u64::MAX)).unwrap_err();
        assert!(err.contains("more than 2^64"), "{err}");
        // An empty histogram with extremes.
        let empty = serde_json::to_value(LogHistogram::new()).unwrap();
        let mut e = empty.clone();
        e["max"] = bits(1.0);
        assert!(serde_json::from_value::<LogHistogram>(e).is_err());
        assert!(serde_json::from_value::<LogHistogram>(empty).is_ok());
    }

    /// Two states far apart merge into one that spans both; the estimate says so in advance.
    #[test]
    fn bytes_after_merge_is_the_merged_storage() {
        let (mut a, mut b) = (LogHistogram::new(), LogHistogram::new());
        a.record(1e-300);
        b.record(1e300);
        b.record(-3.0);
        let expect = a.bytes_after_merge(&b);
        let mut m = a.clone();
        m.merge(&b);
        let held = (m.neg.counts.len() + m.pos.counts.len()) * 8;
        assert_eq!(expect, held as u64);
        assert!(expect > 1_000_000, "{expect}");
        assert_eq!(
            LogHistogram::new().bytes_after_merge(&LogHistogram::new()),
            0
        );
    }
}
