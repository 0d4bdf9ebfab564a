//! Exact quantiles of the Beta and Gamma laws (PERT is a Beta on [min, max]).
//!
//! Why: a correlated input is drawn as `quantile(Φ(z))` and `check` compares the 99.9th
//! percentile with the model's caps, so these quantiles must be exact, not read from a sample.
//! statrs computes the regularized incomplete beta and gamma functions (the CDFs) accurately;
//! its own `inverse_cdf` is not safe to call here. Measured on statrs 0.18: the Beta inverse
//! panics for p below about 1e-150 (which `copula::uniform` can return), never returns for
//! Beta(2243, 1.36) at p = 1e-159, and is not monotone for shapes below 0.01; the Gamma inverse
//! returns NaN for shapes ≤ 1 below p = 0.01 and is off by 1e-4 at Gamma(2) p = 1e-6 (0.19,
//! which needs a newer Rust, still stops at 9.3e-10 and is not monotone for large shapes). So
//! the root of CDF(x) = p is found here: Newton steps on statrs' CDF and density inside a
//! bracket that every evaluation narrows, with bisection whenever a step would leave the
//! bracket or fails to halve. It always ends (64 bisections separate any two floats), never
//! leaves the support, and is monotone in p.
//!
//! Accuracy is statrs': about 1e-14 relative for shapes up to `MAX_SHAPE` (checked against
//! mpmath at 40 digits in the tests). The lower side solves `cdf(x) = p` and the upper side
//! `sf(x) = 1 − p`, so p close to 1 keeps its precision. statrs' incomplete gamma returns 0
//! (1 for the survival function) below x = 1e-15 and where it would underflow; there the CDF is
//! the first term of its series, so the quantiles of a small-shape Gamma stay exact too.

use statrs::distribution::{Beta as StatBeta, Continuous, ContinuousCDF, Gamma as StatGamma};
use statrs::function::gamma::ln_gamma;

use super::error::ParamError;

/// Largest Beta or Gamma shape accepted. Beyond it statrs' continued fractions and series
/// lose accuracy (its incomplete beta stops after 140 terms: the CDF is off by 3e-11 at
/// Beta(10⁴, 10⁴), 3e-7 at 10⁵ and 9e-3 at 10⁶) and slow down (its incomplete gamma takes
/// 14 µs at shape 10⁴, 1.3 ms at 10¹⁰, and never ends near 10¹⁶). Such a law has a spread
/// under 1% of its mean or range, and `Normal` describes it as well.
pub const MAX_SHAPE: f64 = 1e4;

/// Rejects a shape parameter above `max` (`MAX_SHAPE`, or less where the family adds to it).
pub(crate) fn shape_within(
    family: &'static str,
    name: &'static str,
    value: f64,
    max: f64,
) -> Result<f64, ParamError> {
    if value <= max {
        Ok(value)
    } else {
        Err(ParamError::ShapeTooLarge {
            family,
            name,
            value,
            max,
        })
    }
}

/// Quantiles of a standard Beta(α, β) on [0, 1].
#[derive(Clone, Debug)]
pub(crate) struct BetaQuantile {
    law: StatBeta,
    /// F(1/2). statrs computes the survival function from 1 − x, so it is exact only for
    /// x ≥ 1/2, where 1 − x is.
    half: f64,
}

impl BetaQuantile {
    /// α and β positive, finite and at most `MAX_SHAPE` (the caller has checked).
    pub(crate) fn new(alpha: f64, beta: f64) -> Self {
        let law = StatBeta::new(alpha, beta).expect("validated Beta shapes");
        let half = law.cdf(0.5);
        BetaQuantile { law, half }
    }

    /// The p-quantile, p in [0, 1].
    pub(crate) fn at(&self, p: f64) -> f64 {
        let (a, b) = (self.law.shape_a(), self.law.shape_b());
        // Through the survival function only where that is exact both ways: above the
        // median (1 − p exact) and above 1/2 (1 − x exact).
        let upper = p > 0.5 && p > self.half;
        // Start from the mean: inside (0, 1) and close for all but extreme shapes.
        invert(self, p, upper, 1.0, a / (a + b))
    }
}

impl Law for BetaQuantile {
    fn cdf(&self, x: f64) -> f64 {
        self.law.cdf(x)
    }
    fn sf(&self, x: f64) -> f64 {
        self.law.sf(x)
    }
    fn pdf(&self, x: f64) -> f64 {
        self.law.pdf(x)
    }
}

/// Quantiles of a standard Gamma(shape, scale 1) on [0, ∞).
#[derive(Clone, Debug)]
pub(crate) struct GammaQuantile {
    law: StatGamma,
    /// ln Γ(shape + 1), for the CDF near 0.
    ln_gamma1: f64,
}

impl GammaQuantile {
    /// `shape` positive, finite and at most `MAX_SHAPE` (the caller has checked).
    pub(crate) fn new(shape: f64) -> Self {
        GammaQuantile {
            law: StatGamma::new(shape, 1.0).expect("validated Gamma shape"),
            ln_gamma1: ln_gamma(shape + 1.0),
        }
    }

    /// The p-quantile, p in [0, 1]; `f64::INFINITY` at p = 1.
    pub(crate) fn at(&self, p: f64) -> f64 {
        invert(self, p, p > 0.5, f64::INFINITY, self.law.shape())
    }
}

impl Law for GammaQuantile {
    fn cdf(&self, x: f64) -> f64 {
        let cdf = self.law.cdf(x);
        if cdf > 0.0 || x <= 0.0 {
            return cdf;
        }
        // statrs returns 0 below x = 1.11e-15 and where its result would fall below 1e-308.
        // There the first term of the series P(a, x) = x^a·e^−x/Γ(a + 1)·(1 + x/(a + 1) + …)
        // is within x/(a + 1) of it (1e-15 relative below x = 1e-15) and never above it.
        let a = self.law.shape();
        (a * x.ln() - x - self.ln_gamma1).exp()
    }
    fn sf(&self, x: f64) -> f64 {
        // statrs takes x below 1.11e-15 for 0 and returns 1; there 1 − cdf is exact (the CDF
        // is not small where a quantile above the median lies that low).
        if x < 1.2e-15 {
            1.0 - self.cdf(x)
        } else {
            self.law.sf(x)
        }
    }
    fn pdf(&self, x: f64) -> f64 {
        self.law.pdf(x)
    }
}

/// The CDF, survival function and density `invert` solves with.
trait Law {
    fn cdf(&self, x: f64) -> f64;
    fn sf(&self, x: f64) -> f64;
    fn pdf(&self, x: f64) -> f64;
}

/// The x in [0, hi] with `law.cdf(x) = p`, starting from `guess`. The lower side solves
/// ln cdf(x) = ln p by Newton steps in ln x, the `upper` side ln sf(x) = ln(1 − p) by Newton
/// steps in x: one step is then exact for a power-law lower tail (cdf ∝ x^α) and close for an
/// exponential upper tail (sf ∝ e^−x), and p close to 1 keeps its precision.
fn invert(law: &impl Law, p: f64, upper: bool, hi: f64, guess: f64) -> f64 {
    if p <= 0.0 {
        return 0.0;
    }
    if p >= 1.0 {
        return hi;
    }
    let target = if upper { (-p).ln_1p() } else { p.ln() };
    // (h, Newton step) at x; h increases with x and is zero at the quantile.
    let newton = |x: f64| {
        if upper {
            let sf = law.sf(x);
            let h = target - sf.ln();
            (h, x - h * sf / law.pdf(x))
        } else {
            let cdf = law.cdf(x);
            let h = cdf.ln() - target;
            (h, x * (-h * cdf / (x * law.pdf(x))).exp())
        }
    };
    let (mut a, mut b) = (0.0, hi);
    if b.is_infinite() {
        // Unbounded above: double from the guess until the root is below.
        b = guess.max(1.0);
        while newton(b).0 < 0.0 {
            a = b;
            b *= 2.0;
            if b.is_infinite() {
                return f64::MAX;
            }
        }
    }
    let mut x = if a < guess && guess < b {
        guess
    } else {
        midpoint(a, b)
    };
    let mut last_step = f64::INFINITY;
    for _ in 0..MAX_STEPS {
        let (h, step_to) = newton(x);
        if h == 0.0 {
            return x;
        }
        if h < 0.0 {
            a = x;
        } else {
            b = x;
        }
        if a.next_up() >= b {
            break;
        }
        // Newton while it stays in the bracket and its steps at least halve (as in Numerical
        // Recipes' rtsafe); otherwise bisect, which halves the bracket in float steps. A NaN
        // step (0/0 where a tail underflows) fails the comparisons and bisects.
        let inside = step_to > a && step_to < b;
        let step = (step_to - x).abs();
        if inside && step <= TOLERANCE * step_to {
            // Newton converges quadratically, so the error left is far below the step; smaller
            // steps only chase the rounding noise of the CDF (about 1e-15).
            return step_to;
        }
        let next = if inside && step <= last_step / 2.0 {
            step_to
        } else {
            midpoint(a, b)
        };
        last_step = (next - x).abs();
        x = next;
    }
    // The bracket closed on two adjacent floats: b is the smaller x with h(x) ≥ 0.
    b
}

/// Newton steps plus bisections; bisection alone needs at most 64 on [0, f64::MAX].
const MAX_STEPS: usize = 200;

/// A Newton step this small (relative) ends the search.
const TOLERANCE: f64 = 1e-12;

/// The float halfway between two non-negative values in float steps: a geometric middle when
/// they differ by orders of magnitude, so a root near 1e-300 is found as fast as one near 1.
fn midpoint(a: f64, b: f64) -> f64 {
    f64::from_bits(a.to_bits() + (b.to_bits() - a.to_bits()) / 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Relative difference.
    fn rel(got: f64, want: f64) -> f64 {
        ((got - want) / want).abs()
    }

    // Reference quantiles from mpmath at 40 digits (bisection on betainc/gammainc), rounded to
    // f64. statrs' CDFs are accurate to about 1e-15, and the inverse adds less than
    // TOLERANCE, so 1e-12 relative holds with margin.
    #[test]
    fn beta_quantiles_match_reference_values() {
        let d = BetaQuantile::new(2.0, 5.0);
        for (p, want) in [
            (1e-12, 2.581989786361007e-7),
            (0.001, 0.008255492787746678),
            (0.5, 0.26444998329565996),
            (0.999, 0.818613866919134),
            (0.999999, 0.9555730480299242),
        ] {
            assert!(rel(d.at(p), want) < 1e-12, "Beta(2, 5) at {p}: {}", d.at(p));
        }
        // Symmetric: the median is exactly the middle.
        let d = BetaQuantile::new(3.0, 3.0);
        assert!(rel(d.at(0.5), 0.5) < 1e-14);
        assert!(rel(d.at(0.1), 0.2466364532884666) < 1e-12);
        assert!(rel(d.at(0.9), 0.7533635467115334) < 1e-12);
        // U-shaped, both shapes below 1.
        let d = BetaQuantile::new(0.5, 0.5);
        assert!(rel(d.at(0.001), 2.467399070916944e-6) < 1e-12);
        assert!(rel(d.at(0.1), 0.024471741852423217) < 1e-12);
        // Far tail: I_x(2, 5) = 15x² to first order, so the 1e-300 quantile is √(1e-300/15).
        assert!(
            rel(
                BetaQuantile::new(2.0, 5.0).at(1e-300),
                (1e-300f64 / 15.0).sqrt()
            ) < 1e-9
        );
    }

    #[test]
    fn gamma_quantiles_match_reference_values() {
        let d = GammaQuantile::new(0.5);
        for (p, want) in [
            (1e-6, 7.853981633978595e-13),
            (0.01, 7.854392895485099e-5),
            (0.5, 0.2274682115597864),
            (0.999, 5.413783085331365),
            (0.999999, 11.964063488439735),
        ] {
            assert!(rel(d.at(p), want) < 1e-12, "Gamma(0.5) at {p}: {}", d.at(p));
        }
        let d = GammaQuantile::new(2.0);
        assert!(rel(d.at(1e-6), 0.001414880661479343) < 1e-12);
        assert!(rel(d.at(0.5), 1.6783469900166607) < 1e-12);
        assert!(rel(d.at(0.999), 9.233413476451585) < 1e-12);
        // Shape 1 is the unit exponential: −ln(1 − p), in both tails.
        let d = GammaQuantile::new(1.0);
        for p in [1e-12, 0.3, 0.5, 0.999, 1.0 - 1e-12] {
            assert!(rel(d.at(p), -(-p).ln_1p()) < 1e-12, "Exp(1) at {p}");
        }
        assert!(rel(GammaQuantile::new(100.0).at(0.001), 71.9213974950004) < 1e-12);
        // Below statrs' 1e-15 floor, where the CDF is its leading term.
        assert!(rel(GammaQuantile::new(0.5).at(1e-12), 7.853981633974483e-25) < 1e-12);
        assert!(rel(GammaQuantile::new(0.01).at(0.5), 4.465535018910355e-31) < 1e-12);
        assert!(rel(GammaQuantile::new(0.01).at(0.7), 1.8309524563808334e-16) < 1e-12);
        assert!(rel(GammaQuantile::new(0.001).at(0.9), 9.821659644066882e-47) < 1e-12);
    }

    /// The inputs statrs' own inverses fail on (see the module header) give finite, ordered
    /// answers here.
    #[test]
    fn extreme_shapes_and_probabilities_stay_in_the_support_and_ordered() {
        let ps = [
            0.0,
            f64::MIN_POSITIVE,
            1e-300,
            1e-159,
            1e-20,
            0.01,
            0.5,
            0.99,
        ];
        let ps = ps
            .iter()
            .copied()
            .chain([1.0 - 1e-12, 1.0 - f64::EPSILON / 2.0, 1.0]);
        for (a, b) in [
            (2243.0, 1.36),
            (0.001, 2.0),
            (0.05, 0.05),
            (1e4, 1e4),
            (1e4, 0.01),
        ] {
            let d = BetaQuantile::new(a, b);
            let xs: Vec<f64> = ps.clone().map(|p| d.at(p)).collect();
            assert!(
                xs.iter().all(|x| (0.0..=1.0).contains(x)),
                "Beta({a}, {b}): {xs:?}"
            );
            assert!(xs.is_sorted(), "Beta({a}, {b}): {xs:?}");
        }
        for k in [0.001, 0.5, 2.0, 1e4] {
            let d = GammaQuantile::new(k);
            let xs: Vec<f64> = ps.clone().map(|p| d.at(p)).collect();
            assert!(
                xs[..xs.len() - 1]
                    .iter()
                    .all(|x| x.is_finite() && *x >= 0.0)
            );
            assert!(xs.is_sorted(), "Gamma({k}): {xs:?}");
            assert_eq!(xs.last(), Some(&f64::INFINITY));
        }
    }

    /// Quantiles rise with p on a fine grid, and the CDF (the tail solved) gives p back to
    /// 1e-12: the rounding of statrs' CDF itself, which grows with the shape (about 1e-13 at
    /// Gamma(300), where ln Γ(a) and a·ln x cancel).
    #[test]
    fn quantiles_are_monotone_and_round_trip() {
        let grid: Vec<f64> = (1..2000).map(|i| f64::from(i) / 2000.0).collect();
        let check = |name: &str, at: &dyn Fn(f64) -> f64, law: &dyn Law| {
            let mut last = 0.0;
            for &p in &grid {
                let x = at(p);
                assert!(x >= last, "{name}: quantile({p}) = {x} < {last}");
                last = x;
                let back = if p > 0.5 { 1.0 - law.sf(x) } else { law.cdf(x) };
                assert!(
                    (back - p).abs() < 1e-12,
                    "{name}: cdf(quantile({p})) = {back}"
                );
            }
        };
        for (a, b) in [
            (2.0, 5.0),
            (0.5, 0.5),
            (7.0 / 3.0, 11.0 / 3.0),
            (1.283, 0.572),
        ] {
            let d = BetaQuantile::new(a, b);
            check(&format!("Beta({a}, {b})"), &|p| d.at(p), &d);
        }
        for k in [0.5, 2.0, 16.0, 300.0] {
            let d = GammaQuantile::new(k);
            check(&format!("Gamma({k})"), &|p| d.at(p), &d);
        }
    }

    #[test]
    fn shapes_above_the_limit_are_refused() {
        assert!(shape_within("Gamma", "shape", 1e4, MAX_SHAPE).is_ok());
        let err = shape_within("Gamma", "shape", 2e4, MAX_SHAPE).unwrap_err();
        assert_eq!(
            err.to_string(),
            "Gamma shape 20000 is above 10000, which leaves a spread under 1% of the range or \
             mean; write a law that narrow as Normal(mean, sd) or Fixed"
        );
    }
}
