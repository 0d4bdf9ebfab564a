//! Families with an infinite tail: Normal, LogNormal, Gamma, Exponential,
//! Pareto.
//!
//! rand_distr samples these; the wrappers take the parameters analysts
//! think in (an exponential's mean rather than its rate, a lognormal's own
//! mean and sd rather than those of its log), validate them with readable
//! errors, and supply the mean and quantiles.

use rand::Rng;
use rand::distr::Distribution;
use rand_distr::{
    Exp as RandExp, Gamma as RandGamma, LogNormal as RandLogNormal, Normal as RandNormal,
    Pareto as RandPareto,
};

use super::dist::Family;
use super::error::{ParamError, finite, positive, representable};
use super::inverse::{GammaQuantile, MAX_SHAPE, shape_within};
use super::normal_math::{Z90, inv_cdf};

#[derive(Clone, Debug)]
pub(crate) struct Normal {
    mean: f64,
    sd: f64,
    inner: RandNormal<f64>,
}

impl Normal {
    pub(crate) fn new(mean: f64, sd: f64) -> Result<Self, ParamError> {
        finite("mean", mean)?;
        // rand_distr accepts a negative sd (it just mirrors the draws); a
        // scenario author who wrote one made a mistake.
        positive("sd", sd)?;
        let inner =
            RandNormal::new(mean, sd).map_err(|_| ParamError::TooExtreme { family: "Normal" })?;
        Ok(Normal { mean, sd, inner })
    }
}

impl Distribution<f64> for Normal {
    #[inline]
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        self.inner.sample(rng)
    }
}

impl Family for Normal {
    fn mean(&self) -> f64 {
        self.mean
    }
    fn quantile(&self, p: f64) -> f64 {
        self.mean + self.sd * inv_cdf(p)
    }
    fn support(&self) -> (f64, f64) {
        (f64::NEG_INFINITY, f64::INFINITY)
    }
}

/// exp(N(mu, sigma²)). Built from the variable's own mean and sd, or from
/// the 90% interval analysts usually quote.
#[derive(Clone, Debug)]
pub(crate) struct LogNormal {
    mu: f64,
    sigma: f64,
    inner: RandLogNormal<f64>,
}

impl LogNormal {
    /// From the mean and sd of the variable itself (not of its log):
    /// σ² = ln(1 + sd²/mean²), μ = ln(mean) − σ²/2.
    pub(crate) fn from_mean_sd(mean: f64, sd: f64) -> Result<Self, ParamError> {
        positive("mean", mean)?;
        positive("sd", sd)?;
        let cv = representable("LogNormal", sd / mean)?;
        let var = representable("LogNormal", (cv * cv).ln_1p())?;
        Self::new("LogNormal", mean.ln() - var / 2.0, var.sqrt())
    }

    /// From the 5th and 95th percentiles: μ is the midpoint of their logs
    /// and σ spans half their log-distance in z units.
    pub(crate) fn from_90(low: f64, high: f64) -> Result<Self, ParamError> {
        finite("low", low)?;
        finite("high", high)?;
        if !(low > 0.0 && low < high) {
            return Err(ParamError::LowHigh { low, high });
        }
        let (ln_lo, ln_hi) = (low.ln(), high.ln());
        Self::new(
            "LogNormal90",
            (ln_lo + ln_hi) / 2.0,
            (ln_hi - ln_lo) / (2.0 * Z90),
        )
    }

    fn new(family: &'static str, mu: f64, sigma: f64) -> Result<Self, ParamError> {
        let dist = LogNormal {
            mu,
            sigma,
            inner: RandLogNormal::new(mu, sigma).map_err(|_| ParamError::TooExtreme { family })?,
        };
        // A wide enough log-spread pushes the mean past f64::MAX.
        representable(family, dist.mean())?;
        Ok(dist)
    }
}

impl Distribution<f64> for LogNormal {
    #[inline]
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        self.inner.sample(rng)
    }
}

impl Family for LogNormal {
    fn mean(&self) -> f64 {
        (self.mu + self.sigma * self.sigma / 2.0).exp()
    }
    fn quantile(&self, p: f64) -> f64 {
        (self.mu + self.sigma * inv_cdf(p)).exp()
    }
    fn support(&self) -> (f64, f64) {
        (0.0, f64::INFINITY)
    }
}

/// Gamma with `scale` (not rate): mean = shape·scale.
#[derive(Clone, Debug)]
pub(crate) struct Gamma {
    shape: f64,
    scale: f64,
    inner: RandGamma<f64>,
    quantiles: GammaQuantile,
}

impl Gamma {
    pub(crate) fn new(shape: f64, scale: f64) -> Result<Self, ParamError> {
        positive("shape", shape)?;
        positive("scale", scale)?;
        shape_within("Gamma", "shape", shape, MAX_SHAPE)?;
        representable("Gamma", shape * scale)?;
        let inner =
            RandGamma::new(shape, scale).map_err(|_| ParamError::TooExtreme { family: "Gamma" })?;
        Ok(Gamma {
            shape,
            scale,
            inner,
            quantiles: GammaQuantile::new(shape),
        })
    }
}

impl Distribution<f64> for Gamma {
    #[inline]
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        self.inner.sample(rng)
    }
}

impl Family for Gamma {
    fn mean(&self) -> f64 {
        self.shape * self.scale
    }
    fn quantile(&self, p: f64) -> f64 {
        // Finite up to p = 1 − 2⁻⁵³, the largest p `copula::uniform` returns; inf at 1.
        self.scale * self.quantiles.at(p)
    }
    fn support(&self) -> (f64, f64) {
        (0.0, f64::INFINITY)
    }
}

/// Exponential given by its mean (rand_distr wants the rate, 1/mean).
#[derive(Clone, Debug)]
pub(crate) struct Exponential {
    mean: f64,
    inner: RandExp<f64>,
}

impl Exponential {
    pub(crate) fn new(mean: f64) -> Result<Self, ParamError> {
        positive("mean", mean)?;
        let rate = representable("Exponential", 1.0 / mean)?;
        let inner = RandExp::new(rate).map_err(|_| ParamError::TooExtreme {
            family: "Exponential",
        })?;
        Ok(Exponential { mean, inner })
    }
}

impl Distribution<f64> for Exponential {
    #[inline]
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        self.inner.sample(rng)
    }
}

impl Family for Exponential {
    fn mean(&self) -> f64 {
        self.mean
    }
    fn quantile(&self, p: f64) -> f64 {
        // ln_1p keeps small p accurate.
        -self.mean * (-p).ln_1p()
    }
    fn support(&self) -> (f64, f64) {
        (0.0, f64::INFINITY)
    }
}

/// Pareto: P(X > x) = (scale/x)^shape for x ≥ scale. Heavy-tailed: the mean
/// is infinite for shape ≤ 1 and the variance for shape ≤ 2.
#[derive(Clone, Debug)]
pub(crate) struct Pareto {
    scale: f64,
    shape: f64,
    inner: RandPareto<f64>,
}

impl Pareto {
    pub(crate) fn new(scale: f64, shape: f64) -> Result<Self, ParamError> {
        positive("scale", scale)?;
        positive("shape", shape)?;
        // The sampler inverts a uniform as small as 2⁻⁵³; the draw it
        // yields, scale·2^(53/shape), must stay finite or a trial gets inf.
        representable("Pareto", scale * (53.0 / shape).exp2())?;
        let inner = RandPareto::new(scale, shape)
            .map_err(|_| ParamError::TooExtreme { family: "Pareto" })?;
        Ok(Pareto {
            scale,
            shape,
            inner,
        })
    }
}

impl Distribution<f64> for Pareto {
    #[inline]
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        self.inner.sample(rng)
    }
}

impl Family for Pareto {
    /// `f64::INFINITY` when shape ≤ 1: the mean does not exist.
    fn mean(&self) -> f64 {
        if self.shape > 1.0 {
            self.shape * self.scale / (self.shape - 1.0)
        } else {
            f64::INFINITY
        }
    }
    fn quantile(&self, p: f64) -> f64 {
        self.scale * (1.0 - p).powf(-1.0 / self.shape)
    }
    fn support(&self) -> (f64, f64) {
        (self.scale, f64::INFINITY)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::distributions::testing::{
        N, assert_mean_within_4se, assert_share_within_4se, draws,
    };

    #[test]
    fn normal_rejects_bad_parameters() {
        assert_eq!(
            Normal::new(0.0, -2.0).unwrap_err().to_string(),
            "sd must be positive (got -2)"
        );
        assert!(Normal::new(0.0, 0.0).is_err());
        assert!(matches!(
            Normal::new(f64::INFINITY, 1.0),
            Err(ParamError::NotFinite { name: "mean", .. })
        ));
    }

    #[test]
    fn normal_statistics_and_quantiles() {
        let d = Normal::new(50.0, 8.0).unwrap();
        assert_mean_within_4se(&draws(&d, 5), 50.0, 8.0);
        assert_eq!(d.quantile(0.5), 50.0);
        assert!((d.quantile(0.95) - (50.0 + 8.0 * Z90)).abs() < 1e-12);
    }

    #[test]
    fn lognormal_rejects_bad_parameters() {
        assert!(matches!(
            LogNormal::from_mean_sd(0.0, 1.0),
            Err(ParamError::NotPositive { name: "mean", .. })
        ));
        assert!(matches!(
            LogNormal::from_mean_sd(1.0, -1.0),
            Err(ParamError::NotPositive { name: "sd", .. })
        ));
        assert!(matches!(
            LogNormal::from_mean_sd(1e-300, 1e300),
            Err(ParamError::TooExtreme { .. })
        ));
    }

    #[test]
    fn lognormal_mean_sd_statistics() {
        let (mean, sd) = (30.0, 12.0);
        let d = LogNormal::from_mean_sd(mean, sd).unwrap();
        assert!((d.mean() - mean).abs() < 1e-12);
        let xs = draws(&d, 6);
        assert!(xs.iter().all(|&x| x > 0.0));
        assert_mean_within_4se(&xs, mean, sd);
    }

    #[test]
    fn lognormal90_rejects_bad_parameters() {
        assert_eq!(
            LogNormal::from_90(5.0, 2.0).unwrap_err().to_string(),
            "low must be positive and below high for LogNormal90 (got low 5, high 2)"
        );
        for (low, high) in [(0.0, 1.0), (-1.0, 1.0), (2.0, 2.0)] {
            assert!(matches!(
                LogNormal::from_90(low, high),
                Err(ParamError::LowHigh { .. })
            ));
        }
        assert!(matches!(
            LogNormal::from_90(1.0, f64::NAN),
            Err(ParamError::NotFinite { name: "high", .. })
        ));
        assert!(matches!(
            LogNormal::from_90(1e-300, 1e300),
            Err(ParamError::TooExtreme { .. })
        ));
    }

    #[test]
    fn lognormal90_puts_5_percent_in_each_tail() {
        let (low, high) = (20.0, 180.0);
        let d = LogNormal::from_90(low, high).unwrap();
        assert!((d.quantile(0.05) - low).abs() < 1e-9 * low);
        assert!((d.quantile(0.95) - high).abs() < 1e-9 * high);
        assert!((d.quantile(0.5) - (low * high).sqrt()).abs() < 1e-9);
        let xs = draws(&d, 7);
        assert_share_within_4se(xs.iter().filter(|&&x| x < low).count(), N, 0.05);
        assert_share_within_4se(xs.iter().filter(|&&x| x > high).count(), N, 0.05);
        let (mu, s) = (d.mu, d.sigma);
        let sd = ((s * s).exp_m1() * (2.0 * mu + s * s).exp()).sqrt();
        assert_mean_within_4se(&xs, d.mean(), sd);
    }

    #[test]
    fn gamma_rejects_bad_parameters() {
        assert!(matches!(
            Gamma::new(0.0, 1.0),
            Err(ParamError::NotPositive { name: "shape", .. })
        ));
        assert!(matches!(
            Gamma::new(1.0, -3.0),
            Err(ParamError::NotPositive { name: "scale", .. })
        ));
        assert!(matches!(
            Gamma::new(1e200, 1.0),
            Err(ParamError::ShapeTooLarge { name: "shape", .. })
        ));
        assert!(matches!(
            Gamma::new(1e3, 1e306),
            Err(ParamError::TooExtreme { .. })
        ));
    }

    #[test]
    fn gamma_statistics() {
        for (k, theta, seed) in [(0.5, 4.0, 8), (3.0, 2.0, 9)] {
            let d = Gamma::new(k, theta).unwrap();
            let xs = draws(&d, seed);
            assert!(xs.iter().all(|&x| x >= 0.0));
            assert_mean_within_4se(&xs, k * theta, f64::sqrt(k) * theta);
        }
    }

    #[test]
    fn exponential_rejects_bad_parameters() {
        assert!(matches!(
            Exponential::new(0.0),
            Err(ParamError::NotPositive { name: "mean", .. })
        ));
        assert!(Exponential::new(f64::NAN).is_err());
        assert!(matches!(
            Exponential::new(1e-310),
            Err(ParamError::TooExtreme { .. })
        ));
    }

    #[test]
    fn exponential_statistics_and_quantiles() {
        let d = Exponential::new(14.0).unwrap();
        assert_mean_within_4se(&draws(&d, 10), 14.0, 14.0);
        assert!((d.quantile(0.5) - 14.0 * std::f64::consts::LN_2).abs() < 1e-12);
        assert_eq!(d.quantile(1.0), f64::INFINITY);
    }

    #[test]
    fn pareto_rejects_bad_parameters() {
        assert!(matches!(
            Pareto::new(0.0, 2.0),
            Err(ParamError::NotPositive { name: "scale", .. })
        ));
        assert!(matches!(
            Pareto::new(1.0, -2.0),
            Err(ParamError::NotPositive { name: "shape", .. })
        ));
        // Shape 0.01 could draw 2^5300.
        assert!(matches!(
            Pareto::new(1.0, 0.01),
            Err(ParamError::TooExtreme { .. })
        ));
    }

    #[test]
    fn pareto_statistics_and_quantiles() {
        // shape > 2 so the variance, and hence the standard error, is finite.
        let (xm, a) = (5.0, 4.5);
        let d = Pareto::new(xm, a).unwrap();
        let var: f64 = xm * xm * a / ((a - 1.0) * (a - 1.0) * (a - 2.0));
        let xs = draws(&d, 11);
        assert!(xs.iter().all(|&x| x >= xm));
        assert_mean_within_4se(&xs, d.mean(), var.sqrt());
        assert!((d.quantile(0.5) - xm * 2f64.powf(1.0 / a)).abs() < 1e-12);
        assert_eq!(Pareto::new(1.0, 1.0).unwrap().mean(), f64::INFINITY);
    }
}
