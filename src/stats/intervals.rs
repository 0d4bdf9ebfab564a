//! z-values and interval formulas shared by every command that reports an uncertainty.
//!
//! Why here: intervals are statistics of a run's results; analysis (tails, compare), the report
//! and fit-events all quote them, and one definition keeps their levels identical. The
//! distributions below the model need Φ⁻¹ too and derive it from the same function,
//! `distributions::normal_quantile`, which the test below ties these constants to.

/// z for a two-sided 90% interval: Φ⁻¹(0.95).
pub const Z90: f64 = 1.644_853_626_951_472_2;
/// z for a two-sided 95% interval: Φ⁻¹(0.975).
pub const Z95: f64 = 1.959_963_984_540_054;

/// Wilson score interval for a proportion `p` observed in `n` trials: unlike p ± z·se it stays
/// inside [0, 1] and is not empty when no trial (or every trial) crossed the threshold.
pub fn wilson(p: f64, n: f64, z: f64) -> (f64, f64) {
    if n <= 0.0 {
        return (0.0, 1.0);
    }
    let z2 = z * z;
    let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = z / (1.0 + z2 / n) * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    // Exact ends when no trial (or every trial) crossed; rounding would leave 1e-18.
    let lo = if p <= 0.0 {
        0.0
    } else {
        (centre - half).max(0.0)
    };
    let hi = if p >= 1.0 {
        1.0
    } else {
        (centre + half).min(1.0)
    };
    (lo, hi)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::distributions::normal_quantile;

    #[test]
    fn z_values_are_the_normal_quantiles() {
        assert_eq!(Z90, normal_quantile(0.95));
        assert_eq!(Z95, normal_quantile(0.975));
    }

    #[test]
    fn wilson_interval() {
        // Textbook case: 0 successes in 100 trials, 95%: [0, 3.70%].
        let (lo, hi) = wilson(0.0, 100.0, Z95);
        assert_eq!(lo, 0.0);
        assert!((hi - 0.036_995).abs() < 1e-5, "{hi}");
        // 50 in 100: 0.5 ± 0.0962 (Wilson: [0.4038, 0.5962]).
        let (lo, hi) = wilson(0.5, 100.0, Z95);
        assert!(
            (lo - 0.403_8).abs() < 1e-4 && (hi - 0.596_2).abs() < 1e-4,
            "{lo} {hi}"
        );
    }
}
