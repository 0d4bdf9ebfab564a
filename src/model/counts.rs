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

/// The most entries a process's tables hold together (half a megabyte; a table at the largest
/// rate, 365, holds ~1,600): past it, the laws of a fixed frequency walk their sums.
pub const MAX_TABLE_ENTRIES: usize = 1 << 16;

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
/// at the same bound (an infinite one too), so the work of a year and the size of a table stay
/// bounded. `None` when no event can happen (λ ≤ 0, or not a number).
#[inline]
fn mean(base: f64, m: f64) -> Option<f64> {
    let lambda = base.max(0.0) * m;
    (lambda > 0.0).then(|| lambda.min(MAX_OUTAGES_PER_YEAR))
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
                let q = base.max(0.0); // a NaN is no chance
                Count::Bernoulli(1.0 - (1.0 - q.min(1.0)).powf(m))
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
/// beyond it, whose probability is then below 2⁻⁵⁶ (the ratio `λ/(k+1)` of later terms is at
/// most ~0.7 there for λ ≤ 365; tested against statrs), too little for a 53-bit uniform to
/// resolve.
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

    /// Mean, variance and the shares of 0, 1 and 2 events of `n` counts from `draw` against
    /// Poisson(λ)'s, each within 4 standard errors (fixed seeds, so the test is repeatable; a
    /// wrong sampler would miss by many).
    fn assert_poisson(lambda: f64, n: usize, mut draw: impl FnMut() -> u64, what: &str) {
        let counts: Vec<f64> = (0..n).map(|_| draw() as f64).collect();
        let nf = n as f64;
        let mean = counts.iter().sum::<f64>() / nf;
        let var = counts.iter().map(|c| (c - mean).powi(2)).sum::<f64>() / (nf - 1.0);
        // SE of the mean sqrt(λ/n); of the sample variance sqrt((μ4 − λ²)/n), μ4 = λ(1 + 3λ).
        let se_mean = (lambda / nf).sqrt();
        let se_var = ((lambda + 2.0 * lambda * lambda) / nf).sqrt();
        assert!(
            (mean - lambda).abs() < 4.0 * se_mean,
            "{what}: mean {mean} vs λ = {lambda}"
        );
        assert!(
            (var - lambda).abs() < 4.0 * se_var,
            "{what}: variance {var} vs λ = {lambda}"
        );
        let mut p = (-lambda).exp();
        for k in 0..3 {
            let share = counts.iter().filter(|&&c| c == k as f64).count() as f64 / nf;
            let se = (p * (1.0 - p) / nf).sqrt().max(1.0 / nf);
            assert!(
                (share - p).abs() < 4.0 * se,
                "{what}: P({k}) {share} vs {p}"
            );
            p *= lambda / (k + 1) as f64;
        }
    }

    #[test]
    fn counts_are_poisson_from_the_table_and_the_walk() {
        for (i, lambda) in [0.05, 0.5, 1.0, 3.7, 40.0, 365.0].into_iter().enumerate() {
            let tabled = Count::new(FrequencyKind::Rate, lambda, 1.0).tabled();
            assert!(matches!(tabled, Count::Table(_)));
            let mut rng = stream(11, i as u64);
            assert_poisson(lambda, 200_000, || tabled.sample(&mut rng), "table");
            // The walk, as an uncertain rate draws it, its e^−λ remembered across draws.
            let (mut memo, mut rng) = (Memo::default(), stream(12, i as u64));
            let mut walk =
                || sample_uncertain(FrequencyKind::Rate, lambda, 1.0, 0, &mut memo, &mut rng);
            assert_poisson(lambda, 200_000, &mut walk, "walk");
        }
    }

    #[test]
    fn a_regime_multiplier_scales_the_mean() {
        // Base rate 0.8 under multipliers 0.5, 2 and 10, interleaved as regimes would be, through
        // one memo: each slot must give its own λ·m.
        let mut rng = stream(13, 0);
        let mut memo = Memo::default();
        let ms = [0.5, 2.0, 10.0];
        let mut counts = [Vec::new(), Vec::new(), Vec::new()];
        for i in 0..300_000 {
            let r = i % 3;
            let n = sample_uncertain(FrequencyKind::Rate, 0.8, ms[r], r, &mut memo, &mut rng);
            counts[r].push(n);
        }
        for (r, c) in counts.iter().enumerate() {
            let mut it = c.iter();
            assert_poisson(0.8 * ms[r], c.len(), || *it.next().unwrap(), "regime");
        }
    }

    #[test]
    fn no_rate_draws_nothing_and_a_huge_rate_is_capped() {
        let rate = |base: f64| Count::new(FrequencyKind::Rate, base, 1.0);
        // Rate 0 (or a negative or NaN one) is no event, and leaves the stream untouched.
        for base in [0.0, -1.0, f64::NAN] {
            let mut rng = stream(14, 0);
            let untouched = rng.clone();
            assert_eq!(rate(base).tabled().sample(&mut rng), 0);
            let mut memo = Memo::default();
            assert_eq!(
                sample_uncertain(FrequencyKind::Rate, base, 1.0, 0, &mut memo, &mut rng),
                0
            );
            assert_eq!(rng, untouched);
        }
        // Above the cap the law is the cap's: a bounded table, no panic, no endless walk.
        let cap = rate(MAX_OUTAGES_PER_YEAR).tabled();
        for base in [1e6, 1e300, f64::INFINITY] {
            let tabled = rate(base).tabled();
            assert_eq!(tabled.table_len(), cap.table_len());
            assert!(tabled.table_len() < 2_000, "{}", tabled.table_len());
            let mut rng = stream(15, 0);
            assert_poisson(
                MAX_OUTAGES_PER_YEAR,
                20_000,
                || tabled.sample(&mut rng),
                "capped",
            );
            let (mut memo, mut rng) = (Memo::default(), stream(16, 0));
            let mut walk =
                || sample_uncertain(FrequencyKind::Rate, base, 1.0, 0, &mut memo, &mut rng);
            assert_poisson(MAX_OUTAGES_PER_YEAR, 20_000, &mut walk, "capped walk");
        }
    }

    #[test]
    fn tables_past_their_budget_walk_the_same_sums() {
        // 100 yearly rates of ~100 to ~150 under two regimes: 200 laws of ~500 entries, more than
        // the budget, so the later ones walk.
        let rates: Vec<String> = (0..100)
            .map(|i| format!("{}: {:?}", 2025 + i, 100.0 + 0.5 * i as f64))
            .collect();
        let text = format!(
            r#"Scenario(name: "x", horizon: (first_year: 2025, last_year: 2124),
            producers: [(name: "P", production: (anchors: {{ 2025: 1.0 }}), barrels_per_tonne: 7.0)],
            assets: [(name: "A", capacity: {{ 2025: 1.0 }})],
            routes: [(name: "R", producers: ["P"], assets: ["A"])],
            disruptions: [(name: "D", assets: ["A"], frequency: RateByYear({{ {} }}),
                           duration_days: 0.5, severity: 0.5)],
            regimes: [(name: "a", initial: 0.5, next: [0.5, 0.5], frequency_multipliers: {{ "D": 1.5 }}),
                      (name: "b", initial: 0.5, next: [0.5, 0.5], frequency_multipliers: {{ "D": 2.0 }})],
            prices: (benchmark: PerYear(50.0)))"#,
            rates.join(", ")
        );
        let scenario = crate::scenario::load_str(&text, "x.ron").unwrap().scenario;
        let model = crate::model::Model::compile(&scenario);
        let laws: Vec<&Count> = model.processes[0].fixed_counts.iter().flatten().collect();
        assert_eq!(laws.len(), 200);
        let held: usize = laws.iter().map(|c| c.table_len()).sum();
        assert!(held <= MAX_TABLE_ENTRIES, "{held}");
        let walking: Vec<&Count> = laws
            .iter()
            .copied()
            .filter(|c| matches!(c, Count::Poisson { .. }))
            .collect();
        assert!(!walking.is_empty() && walking.len() < laws.len());
        for law in walking {
            let tabled = law.clone().tabled();
            let (mut a, mut b) = (stream(17, 0), stream(17, 0));
            for _ in 0..1_000 {
                assert_eq!(law.sample(&mut a), tabled.sample(&mut b));
            }
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
