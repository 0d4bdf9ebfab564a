//! The uncertainty of a Poisson rate as a distribution: the Jeffreys posterior.
//!
//! Why: four years of events pin a rate down only to a factor of 2–3 either way, and a scenario
//! that fixes the rate at its point estimate hides that. A rate drawn once per trial from its
//! posterior carries it into every result. The prior is stated, not implied: Jeffreys' prior for
//! a Poisson rate, density ∝ λ^(−1/2) (improper; the limit of Gamma(shape 1/2, rate 0)), chosen
//! because it is the standard reference prior and adds only half an event. With n events in an
//! exposure of T years the posterior is Gamma(shape n + 1/2, rate T), i.e. `Gamma(shape: n + 0.5,
//! scale: 1/T)` in scenario syntax: mean (n + 1/2)/T, one half-event above n/T.
//!
//! Its quantiles are exact: for a half-integer shape the upper tail has a closed form,
//! Q(n + 1/2, x) = erfc(√x) + e^(−x) Σ_{j<n} x^(j+1/2)/Γ(j + 3/2), a sum of positive terms (no
//! cancellation), and erfc(√x) = 2Φ(−√(2x)). Quantiles are found by bisection on it, as the
//! Garwood bounds are (`poisson`); equivalently the p-quantile of the rate is χ²(p; 2n + 1)/(2T).

use super::poisson::solve_decreasing;
use crate::distributions::normal_cdf as cdf;

/// ln Γ(1/2) = ln √π.
const LN_GAMMA_HALF: f64 = 0.572_364_942_924_700_1;

/// The Jeffreys posterior of a Poisson rate after `events` in `years` of exposure.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RatePosterior {
    pub events: u64,
    pub years: f64,
}

impl RatePosterior {
    /// Gamma shape n + 1/2.
    pub fn shape(&self) -> f64 {
        self.events as f64 + 0.5
    }

    /// Gamma scale 1/T (years⁻¹ per unit of the standard Gamma).
    pub fn scale(&self) -> f64 {
        1.0 / self.years
    }

    /// (n + 1/2)/T.
    pub fn mean(&self) -> f64 {
        self.shape() * self.scale()
    }

    /// The rate below which a share `p` of the posterior lies (events per year).
    pub fn quantile(&self, p: f64) -> f64 {
        half_integer_gamma_quantile(self.events, p) * self.scale()
    }
}

/// Q(n + 1/2, x) = P(X > x) for X ~ Gamma(shape n + 1/2, scale 1).
pub fn upper_tail(n: u64, x: f64) -> f64 {
    if x <= 0.0 {
        return 1.0;
    }
    let erfc = 2.0 * cdf(-(2.0 * x).sqrt());
    // ln of x^(j+1/2) e^(−x) / Γ(j + 3/2), starting at j = 0 where Γ(3/2) = Γ(1/2)/2.
    let mut ln_term = 0.5 * x.ln() - x - (LN_GAMMA_HALF - 2f64.ln());
    let mut sum = 0.0;
    for j in 0..n {
        sum += ln_term.exp();
        ln_term += x.ln() - (j as f64 + 1.5).ln();
    }
    (erfc + sum).min(1.0)
}

/// The p-quantile of Gamma(shape n + 1/2, scale 1), p in (0, 1).
pub fn half_integer_gamma_quantile(n: u64, p: f64) -> f64 {
    solve_decreasing(|x| upper_tail(n, x), 1.0 - p)
}

/// ln Γ(n + 1/2) = ln Γ(1/2) + Σ_{j<n} ln(j + 1/2).
pub fn ln_gamma_half_integer(n: u64) -> f64 {
    (0..n).fold(LN_GAMMA_HALF, |acc, j| acc + (j as f64 + 0.5).ln())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_match_published_chi_square_values() {
        // The rate's p-quantile times 2T is χ²(p; 2n + 1). Tables (Abramowitz & Stegun 26.8;
        // any statistics text): χ²(0.025; 1) = 0.000982, χ²(0.975; 1) = 5.024;
        // χ²(0.025; 3) = 0.2158, χ²(0.975; 3) = 9.348; χ²(0.025; 13) = 5.009,
        // χ²(0.975; 13) = 24.736; χ²(0.5; 13) = 12.340.
        let cases = [
            (0, 0.025, 0.000982),
            (0, 0.975, 5.024),
            (1, 0.025, 0.2158),
            (1, 0.975, 9.348),
            (6, 0.025, 5.009),
            (6, 0.975, 24.736),
            (6, 0.5, 12.340),
        ];
        for (n, p, chi2) in cases {
            let got = 2.0 * half_integer_gamma_quantile(n, p);
            // Tables give 4 significant digits.
            assert!(
                (got - chi2).abs() <= 6e-4 * chi2,
                "n {n}, p {p}: {got} vs {chi2}"
            );
        }
    }

    #[test]
    fn the_tail_is_a_distribution() {
        // Shape 1/2: Q = erfc(√x); shape 3/2 adds 2√(x/π) e^(−x).
        let x: f64 = 0.7;
        let erfc = 2.0 * cdf(-(2.0 * x).sqrt());
        assert!((upper_tail(0, x) - erfc).abs() < 1e-15);
        let want = erfc + 2.0 * (x / std::f64::consts::PI).sqrt() * (-x).exp();
        assert!((upper_tail(1, x) - want).abs() < 1e-15);
        assert_eq!(upper_tail(5, 0.0), 1.0);
        assert!(upper_tail(5, 200.0) < 1e-60);
        // Large counts: close to the normal, mean n + 1/2 and sd √(n + 1/2).
        let med = half_integer_gamma_quantile(10_000, 0.5);
        assert!((med - 10_000.5 + 1.0 / 3.0).abs() < 0.01, "{med}");
        let ln_g = ln_gamma_half_integer(3); // Γ(7/2) = 15√π/8
        assert!((ln_g - (15.0 * std::f64::consts::PI.sqrt() / 8.0).ln()).abs() < 1e-14);
    }
}
