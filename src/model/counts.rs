//! How many events a process has in a year: a Poisson or a Bernoulli count, one uniform each.
//!
//! Why: every process draws its count in every year of every trial, and the count is mostly
//! zero. Knuth's multiplication (rand_distr's Poisson below λ = 12) spends λ + 1 uniforms and an
//! `exp` for each new λ. Inversion spends one uniform `u` and returns the first `k` with
//! `u < F(k)`, the cumulative Poisson probabilities summed from `P(0) = e^−λ` by
//! `P(k) = P(k − 1)·λ/k`. For a fixed rate the sums are a table built once with the model, with
//! a guide table that finds the row in about one step whatever λ; for an uncertain rate the sums
//! are walked (about λ steps), from an `e^−λ` a trial computes once per distinct λ (`Memo`). Walk
//! and table stop at the same last count (`is_last`) and return the same count for the same
//! uniform (tested), so the table is only a speed-up. docs/model.md §4 says why this is exact in
//! distribution.

use rand::Rng;

use super::compile::FrequencyKind;
use super::streams::StreamRng;
use crate::scenario::limits::MAX_OUTAGES_PER_YEAR;

/// The law of a process's number of events in one year.
#[derive(Debug, Clone)]
pub enum Count {
    Never,
    /// Poisson(λ) by walking the cumulative sums from `p0 = e^−λ`.
    Poisson {
        lambda: f64,
        p0: f64,
    },
    /// Poisson(λ) from its cumulative sums, built once.
    Table(PoissonTable),
    /// One event with this probability.
    Bernoulli(f64),
}

/// A Poisson mean, capped: `check` bounds the expected outages of all processes together
/// (limits.rs); a draw from the tail of an uncertain rate, or a regime multiplier on it, is capped
/// at the same bound, so the work of a year and the size of a table stay bounded. `None` when
/// no event can happen (λ ≤ 0, or not a number).
fn mean(base: f64, m: f64) -> Option<f64> {
    let lambda = base.max(0.0) * m;
    // An infinite λ stays eventless, as before tables: `check` refuses it anyway. (Two
    // comparisons: `is_finite` costs a dozen instructions more on this path.)
    (lambda > 0.0 && lambda < f64::INFINITY).then(|| lambda.min(MAX_OUTAGES_PER_YEAR))
}

impl Count {
    /// The count for base frequency `base` (a rate or an annual probability) scaled by a regime
    /// multiplier `m`.
    pub fn new(kind: FrequencyKind, base: f64, m: f64) -> Count {
        match kind {
            FrequencyKind::Rate => mean(base, m).map_or(Count::Never, |lambda| Count::Poisson {
                lambda,
                p0: (-lambda).exp(),
            }),
            // Scaling an annual probability by m scales its hazard: p' = 1 − (1 − p)^m.
            FrequencyKind::Probability => {
                Count::Bernoulli(1.0 - (1.0 - base.max(0.0).min(1.0)).powf(m))
            }
        }
    }

    /// The same law with a Poisson count's sums tabled: for a frequency fixed with the model.
    pub fn tabled(self) -> Count {
        match self {
            Count::Poisson { lambda, p0 } => Count::Table(PoissonTable::new(lambda, p0)),
            other => other,
        }
    }

    /// Entries a table of this law holds (0 for no table), to bound a model's tables.
    pub fn table_len(&self) -> usize {
        match self {
            Count::Table(t) => t.cdf.len() + t.guide.len(),
            _ => 0,
        }
    }

    #[inline]
    pub fn sample(&self, rng: &mut StreamRng) -> u64 {
        match self {
            Count::Never => 0,
            Count::Poisson { lambda, p0 } => walk(*lambda, *p0, uniform(rng)),
            Count::Table(t) => t.sample(rng),
            Count::Bernoulli(p) => u64::from(uniform(rng) < *p),
        }
    }
}

/// A Poisson count for an uncertain rate, the `e^−λ` remembered (see `Memo`).
#[inline]
pub fn sample_uncertain(
    kind: FrequencyKind,
    base: f64,
    m: f64,
    regime: usize,
    memo: &mut Memo,
    rng: &mut StreamRng,
) -> u64 {
    if kind == FrequencyKind::Probability {
        return Count::new(kind, base, m).sample(rng);
    }
    let Some(lambda) = mean(base, m) else {
        return 0;
    };
    walk(lambda, memo.p0(regime, lambda), uniform(rng))
}

/// `e^−λ` of the last λ a process drew with in each regime state (modulo 4): a per-trial rate
/// changes only with the regime, so a trial computes a few `exp` instead of one a year. Keyed
/// by λ itself, so a stale entry is only a miss and results cannot depend on it.
#[derive(Debug, Clone, Copy)]
pub struct Memo([(f64, f64); 4]);

impl Default for Memo {
    fn default() -> Memo {
        Memo([(f64::NAN, 0.0); 4])
    }
}

impl Memo {
    #[inline]
    fn p0(&mut self, regime: usize, lambda: f64) -> f64 {
        let slot = &mut self.0[regime & 3];
        if slot.0 != lambda {
            *slot = (lambda, (-lambda).exp());
        }
        slot.1
    }
}

/// A uniform on [0, 1) with 53 random bits, as rand's `random::<f64>()`; also the integer behind
/// it, so the guide table's index is exact.
#[inline]
fn uniform_bits(rng: &mut StreamRng) -> (f64, u64) {
    let bits = rng.next_u64() >> 11;
    (bits as f64 * (1.0 / (1u64 << 53) as f64), bits)
}

#[inline]
fn uniform(rng: &mut StreamRng) -> f64 {
    uniform_bits(rng).0
}

/// A count past the mean whose probability is below 2⁻⁶⁰ is the last: it also takes the tail
/// beyond it, whose probability is then below 2⁻⁵⁷ (the ratio `λ/(k+1)` of later terms is at
/// most ~0.7 there for λ ≤ 365), too little for a 53-bit uniform to resolve.
#[inline]
fn is_last(k: u64, lambda: f64, p: f64) -> bool {
    p < TAIL && k as f64 > lambda
}

const TAIL: f64 = 1.0 / (1u64 << 60) as f64;

/// The first `k` with `u < F(k)`, or the last count.
#[inline]
fn walk(lambda: f64, p0: f64, u: f64) -> u64 {
    let (mut k, mut p, mut f) = (0u64, p0, p0);
    while u >= f && !is_last(k, lambda, p) {
        k += 1;
        p *= lambda / k as f64;
        f += p;
    }
    k
}

/// The cumulative sums `walk` computes, the last set to 1 (the tail it carries), with a guide:
/// `guide[j]` is the first `k` with `F(k) > j/2^bits`, where a uniform with `j` in its top bits
/// cannot fall below, so the search starts there.
#[derive(Debug, Clone)]
pub struct PoissonTable {
    cdf: Box<[f64]>,
    guide: Box<[u32]>,
    shift: u32,
}

impl PoissonTable {
    fn new(lambda: f64, p0: f64) -> PoissonTable {
        let mut cdf = vec![p0];
        let (mut k, mut p, mut f) = (0u64, p0, p0);
        while !is_last(k, lambda, p) {
            k += 1;
            p *= lambda / k as f64;
            f += p;
            cdf.push(f);
        }
        *cdf.last_mut().expect("one entry at least") = 1.0;
        let bits = cdf.len().next_power_of_two().trailing_zeros();
        let mut first = 0;
        let guide = (0..1u64 << bits)
            .map(|j| {
                let floor = j as f64 / (1u64 << bits) as f64; // exact: a power-of-two fraction
                while cdf[first] <= floor {
                    first += 1;
                }
                first as u32
            })
            .collect();
        PoissonTable {
            cdf: cdf.into(),
            guide,
            shift: 53 - bits,
        }
    }

    #[inline]
    fn sample(&self, rng: &mut StreamRng) -> u64 {
        let (u, bits) = uniform_bits(rng);
        self.find(u, bits)
    }

    /// The count for the uniform `u`, whose 53 bits are `bits`.
    #[inline]
    fn find(&self, u: f64, bits: u64) -> u64 {
        let mut k = self.guide[(bits >> self.shift) as usize] as usize;
        // Ends: the last entry is 1 > u.
        while u >= self.cdf[k] {
            k += 1;
        }
        k as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::streams::stream;
    use rand::{RngExt, SeedableRng};

    const LAMBDAS: [f64; 9] = [1e-9, 0.05, 0.5, 1.0, 3.7, 12.0, 40.0, 200.0, 365.0];

    #[test]
    fn table_and_walk_agree_draw_for_draw() {
        let unit = (1u64 << 53) as f64;
        for lambda in LAMBDAS {
            let p0 = (-lambda).exp();
            let table = PoissonTable::new(lambda, p0);
            let mut rng = stream(7, 1);
            let random = (0..20_000).map(|_| rng.next_u64() >> 11);
            // And the edges of the guide's cells and of the unit interval.
            let cells = table.guide.len() as u64;
            let step = (1u64 << 53) / cells;
            let edges = (0..cells).flat_map(|j| [j * step, (j * step).saturating_sub(1)]);
            for bits in random.chain(edges).chain([(1u64 << 53) - 1]) {
                let u = bits as f64 / unit;
                assert_eq!(
                    table.find(u, bits),
                    walk(lambda, p0, u),
                    "λ = {lambda}, u = {u}"
                );
            }
        }
    }

    #[test]
    fn the_table_is_poissons_cdf_with_a_negligible_tail() {
        use statrs::distribution::{DiscreteCDF, Poisson};
        for lambda in LAMBDAS {
            let table = PoissonTable::new(lambda, (-lambda).exp());
            let exact = Poisson::new(lambda).unwrap();
            let last = table.cdf.len() - 1;
            for (k, &f) in table.cdf[..last].iter().enumerate() {
                let want = exact.cdf(k as u64);
                assert!(
                    (f - want).abs() < 1e-12,
                    "λ = {lambda}, k = {k}: {f} vs {want}"
                );
            }
            // What the last count carries beyond its own probability: P(N > last).
            let tail = exact.sf(last as u64);
            assert!(
                tail < 2f64.powi(-56),
                "λ = {lambda}: tail {tail:e} at {last}"
            );
            assert!(
                table.cdf.len() < 700,
                "λ = {lambda}: {} entries",
                table.cdf.len()
            );
        }
    }

    #[test]
    fn uniform_is_rands() {
        let (mut a, mut b) = (StreamRng::seed_from_u64(3), StreamRng::seed_from_u64(3));
        for _ in 0..1000 {
            assert_eq!(uniform(&mut a), b.random::<f64>());
        }
    }
}
