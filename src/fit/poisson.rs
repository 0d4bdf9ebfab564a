//! Exact (Garwood) confidence intervals for a Poisson rate.
//!
//! With n events in an exposure of T years, the rate's central interval at level 1 − α is
//! [L/T, U/T], where P(X ≥ n; L) = α/2 and P(X ≤ n; U) = α/2. These are the classic chi-square
//! bounds L = χ²(α/2; 2n)/2 and U = χ²(1 − α/2; 2n + 2)/2, computed here by bisection on the
//! Poisson CDF, which needs no special functions and is exact to floating-point precision. Few
//! events (a handful in four years) is exactly where normal approximations fail.

/// P(X ≤ k) for X ~ Poisson(λ), summed in log space so large λ and k do not overflow.
pub fn poisson_cdf(k: u64, lambda: f64) -> f64 {
    if lambda <= 0.0 {
        return 1.0;
    }
    let ln_lambda = lambda.ln();
    let mut ln_term = -lambda; // ln P(X = 0)
    let mut sum = ln_term.exp();
    for i in 1..=k {
        ln_term += ln_lambda - (i as f64).ln();
        sum += ln_term.exp();
    }
    sum.min(1.0)
}

/// The λ in [0, ∞) at which the decreasing function `f` crosses `target`.
pub(crate) fn solve_decreasing(f: impl Fn(f64) -> f64, target: f64) -> f64 {
    let (mut lo, mut hi) = (0.0_f64, 1.0_f64);
    while f(hi) > target {
        hi *= 2.0;
    }
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if f(mid) > target {
            lo = mid;
        } else {
            hi = mid;
        }
        if hi - lo <= 1e-15 * hi {
            break;
        }
    }
    0.5 * (lo + hi)
}

/// Garwood interval for the *count* (events in the whole exposure) at level `level` (0.95).
pub fn garwood(n: u64, level: f64) -> (f64, f64) {
    let alpha = 1.0 - level;
    let lower = if n == 0 {
        0.0
    } else {
        // P(X ≥ n; L) = α/2  ⇔  P(X ≤ n − 1; L) = 1 − α/2.
        solve_decreasing(|l| poisson_cdf(n - 1, l), 1.0 - alpha / 2.0)
    };
    let upper = solve_decreasing(|l| poisson_cdf(n, l), alpha / 2.0);
    (lower, upper)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol * b.abs().max(1e-300)
    }

    #[test]
    fn matches_published_chi_square_bounds() {
        // χ² quantiles from standard tables: χ²(0.975; 2) = 7.3778 → U(0) = 3.6889 = −ln 0.025;
        // χ²(0.025; 2) = 0.050636 → L(1) = 0.025318; χ²(0.975; 4) = 11.1433 → U(1) = 5.5716;
        // χ²(0.025; 12) = 4.4038 → L(6) = 2.2019; χ²(0.975; 14) = 26.1189 → U(6) = 13.0594.
        let (l0, u0) = garwood(0, 0.95);
        assert_eq!(l0, 0.0);
        assert!(close(u0, -(0.025f64).ln(), 1e-12), "{u0}");
        let (l1, u1) = garwood(1, 0.95);
        assert!(close(l1, 0.025318, 1e-4), "{l1}");
        assert!(close(u1, 5.5716, 1e-4), "{u1}");
        let (l6, u6) = garwood(6, 0.95);
        assert!(close(l6, 2.2019, 1e-4), "{l6}");
        assert!(close(u6, 13.0594, 1e-4), "{u6}");
        // L(1) solves 1 − e^{−L} = 0.025 exactly.
        assert!(close(l1, -(0.975f64).ln(), 1e-12));
    }

    #[test]
    fn bounds_bracket_the_count_and_narrow_with_level() {
        for n in [1u64, 3, 10, 100, 1000] {
            let (l, u) = garwood(n, 0.95);
            let (l9, u9) = garwood(n, 0.90);
            assert!(l < n as f64 && (n as f64) < u, "{n}: {l} {u}");
            assert!(l < l9 && u9 < u, "{n}");
        }
        // Large counts: close to n ± 1.96 √n.
        let (l, u) = garwood(10_000, 0.95);
        assert!((l - (10_000.0 - 196.0)).abs() < 3.0 && (u - (10_000.0 + 196.0)).abs() < 3.0);
    }

    #[test]
    fn cdf_is_a_distribution() {
        assert!(close(poisson_cdf(0, 2.0), (-2.0f64).exp(), 1e-15));
        assert!(close(poisson_cdf(2, 2.0), 5.0 * (-2.0f64).exp(), 1e-14));
        assert!(poisson_cdf(400, 100.0) > 1.0 - 1e-12);
    }
}
