//! z-values and interval formulas shared by every command that reports an uncertainty.
//!
//! Why here: intervals are statistics of a run's results; analysis (tails, compare), the report
//! and fit-events all quote them, and one definition keeps their levels identical. The z-values
//! are the normal's quantiles, so they are defined with the normal in `distributions` (which the
//! lognormal's 90% form needs below the model) and only re-exported here.

pub use crate::distributions::{Z90, Z95};

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
