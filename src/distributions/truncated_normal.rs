//! Normal restricted to [min, max], sampled by inverting the CDF.
//!
//! Why not rejection: a window far in the tail (say 6 sd out) would reject
//! almost every draw and could stall a trial. Inversion uses exactly one
//! uniform per draw whatever the window, and stays accurate in either tail
//! by working with whichever tail probability is small.

use rand::distr::{Distribution, Open01};
use rand::{Rng, RngExt};

use super::dist::Family;
use super::error::{ParamError, finite, positive};
use super::normal_math::{cdf, inv_cdf, pdf};

/// Smallest window probability we accept. Draws compute u·mass with u as
/// small as 2⁻⁵³; this keeps that product a normal (not subnormal) f64, so
/// windows up to about 37 sd from the mean still work.
const MIN_MASS: f64 = 1e-290;

#[derive(Clone, Debug)]
pub(crate) struct TruncatedNormal {
    mean: f64,
    sd: f64,
    min: f64,
    max: f64,
    /// Φ(α), the probability below the window (α = standardised min).
    below: f64,
    /// 1 − Φ(β), the probability above the window, computed as Φ(−β).
    above: f64,
    /// Φ(β) − Φ(α), computed from whichever tail avoids cancellation.
    mass: f64,
}

impl TruncatedNormal {
    /// A missing bound means that side is unbounded.
    pub(crate) fn new(
        mean: f64,
        sd: f64,
        min: Option<f64>,
        max: Option<f64>,
    ) -> Result<Self, ParamError> {
        finite("mean", mean)?;
        positive("sd", sd)?;
        let min = min.map_or(Ok(f64::NEG_INFINITY), |v| finite("min", v))?;
        let max = max.map_or(Ok(f64::INFINITY), |v| finite("max", v))?;
        if min >= max {
            return Err(ParamError::EmptyRange {
                what: "Normal truncation",
                min,
                max,
            });
        }
        let (alpha, beta) = ((min - mean) / sd, (max - mean) / sd);
        let (below, above) = (cdf(alpha), cdf(-beta));
        let mass = if alpha > 0.0 {
            cdf(-alpha) - above
        } else if beta < 0.0 {
            cdf(beta) - below
        } else {
            1.0 - below - above
        };
        if mass.is_nan() || mass < MIN_MASS {
            return Err(ParamError::TruncationTooFar { min, max, mean, sd });
        }
        Ok(TruncatedNormal {
            mean,
            sd,
            min,
            max,
            below,
            above,
            mass,
        })
    }

    /// The value at cumulative probability `u` within the window.
    #[inline]
    fn at(&self, u: f64) -> f64 {
        let p = self.below + u * self.mass;
        // Above the middle, invert the upper-tail probability instead: p
        // itself cannot resolve values within 1e-16 of 1.
        let z = if p < 0.5 {
            inv_cdf(p)
        } else {
            -inv_cdf(self.above + (1.0 - u) * self.mass)
        };
        // Rounding may land a hair outside; the bounds are a promise.
        (self.mean + self.sd * z).clamp(self.min, self.max)
    }

    /// Standardised bounds (α, β).
    fn alpha_beta(&self) -> (f64, f64) {
        (
            (self.min - self.mean) / self.sd,
            (self.max - self.mean) / self.sd,
        )
    }
}

impl Distribution<f64> for TruncatedNormal {
    #[inline]
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        // Open01: u = 0 would map an unbounded side to −inf.
        self.at(rng.sample(Open01))
    }
}

impl Family for TruncatedNormal {
    /// μ + σ·(φ(α) − φ(β)) / Z.
    fn mean(&self) -> f64 {
        let (alpha, beta) = self.alpha_beta();
        self.mean + self.sd * (pdf(alpha) - pdf(beta)) / self.mass
    }
    fn quantile(&self, p: f64) -> f64 {
        self.at(p)
    }
    fn support(&self) -> (f64, f64) {
        (self.min, self.max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::distributions::testing::{assert_mean_within_4se, draws};

    /// Closed-form sd: σ·√(1 + (αφ(α) − βφ(β))/Z − ((φ(α) − φ(β))/Z)²).
    fn sd(d: &TruncatedNormal) -> f64 {
        let (a, b) = d.alpha_beta();
        // x·φ(x) → 0 at an infinite bound; skip it to avoid ∞·0.
        let xphi = |x: f64| if x.is_finite() { x * pdf(x) } else { 0.0 };
        let shift = (pdf(a) - pdf(b)) / d.mass;
        d.sd * (1.0 + (xphi(a) - xphi(b)) / d.mass - shift * shift).sqrt()
    }

    #[test]
    fn rejects_bad_parameters() {
        let err = TruncatedNormal::new(0.0, -2.0, Some(0.0), None).unwrap_err();
        assert_eq!(err.to_string(), "sd must be positive (got -2)");
        for (min, max) in [(3.0, 3.0), (4.0, 1.0)] {
            assert!(matches!(
                TruncatedNormal::new(0.0, 1.0, Some(min), Some(max)),
                Err(ParamError::EmptyRange { .. })
            ));
        }
        assert!(matches!(
            TruncatedNormal::new(0.0, 1.0, Some(f64::NAN), None),
            Err(ParamError::NotFinite { name: "min", .. })
        ));
        assert!(matches!(
            TruncatedNormal::new(0.0, 1.0, None, Some(f64::INFINITY)),
            Err(ParamError::NotFinite { name: "max", .. })
        ));
        assert!(matches!(
            TruncatedNormal::new(0.0, 1.0, Some(50.0), Some(60.0)),
            Err(ParamError::TruncationTooFar { .. })
        ));
    }

    #[test]
    fn draws_stay_in_bounds_and_match_closed_form_mean() {
        // Two-sided, one-sided each way, and a window 10 sd out where
        // rejection sampling would need ~1e23 tries per draw.
        let cases = [
            (100.0, 20.0, Some(90.0), Some(150.0)),
            (0.5, 0.3, Some(0.0), None),
            (0.5, 0.3, None, Some(1.0)),
            (0.0, 1.0, Some(3.0), Some(4.0)),
            (0.0, 1.0, Some(10.0), Some(11.0)),
            (0.0, 1.0, Some(-11.0), Some(-10.0)),
        ];
        for (seed, &(mean, sd_, min, max)) in (20..).zip(&cases) {
            let d = TruncatedNormal::new(mean, sd_, min, max).unwrap();
            let (lo, hi) = d.support();
            let xs = draws(&d, seed);
            assert!(xs.iter().all(|x| (lo..=hi).contains(x)), "{cases:?}");
            assert_mean_within_4se(&xs, d.mean(), sd(&d));
        }
    }

    #[test]
    fn quantiles_hit_the_bounds_and_the_symmetric_median() {
        let d = TruncatedNormal::new(10.0, 2.0, Some(7.0), Some(13.0)).unwrap();
        assert_eq!((d.quantile(0.0), d.quantile(1.0)), (7.0, 13.0));
        assert!((d.quantile(0.5) - 10.0).abs() < 1e-12);
        let one_sided = TruncatedNormal::new(0.0, 1.0, Some(0.0), None).unwrap();
        assert_eq!(one_sided.quantile(1.0), f64::INFINITY);
        // Half-normal median is Φ⁻¹(0.75).
        assert!((one_sided.quantile(0.5) - 0.6744897501960817).abs() < 1e-12);
    }
}
