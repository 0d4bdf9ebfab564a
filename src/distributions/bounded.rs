//! Families confined to a finite [min, max]: Uniform, Triangular, Pert, Beta.
//!
//! rand_distr samples these; the wrappers add what it lacks: validation
//! with readable errors, the closed-form mean and quantiles, and draws
//! clamped to the stated support so validators can trust `support()`.
//! Callers turn the degenerate min == max into `Fixed` before getting here.

use rand::Rng;
use rand::distr::{Distribution, Uniform as RandUniform};
use rand_distr::{Beta as RandBeta, Pert as RandPert, Triangular as RandTriangular};

use super::dist::Family;
use super::error::{ParamError, finite, positive, representable};
use super::inverse::{BetaQuantile, MAX_SHAPE, shape_within};

/// min ≤ mode ≤ max, all finite. Shared with `DistSpec::build`, which must
/// validate before it can spot the degenerate case.
pub(crate) fn check_min_mode_max(min: f64, mode: f64, max: f64) -> Result<(), ParamError> {
    finite("min", min)?;
    finite("mode", mode)?;
    finite("max", max)?;
    if min > max {
        return Err(ParamError::MinAboveMax { min, max });
    }
    if !(min..=max).contains(&mode) {
        return Err(ParamError::ModeOutside { mode, min, max });
    }
    Ok(())
}

/// min < max with a width that does not overflow; both already finite.
fn check_range(family: &'static str, min: f64, max: f64) -> Result<f64, ParamError> {
    if min >= max {
        return Err(ParamError::EmptyRange {
            what: family,
            min,
            max,
        });
    }
    representable(family, max - min)
}

#[derive(Clone, Debug)]
pub(crate) struct Uniform {
    min: f64,
    max: f64,
    inner: RandUniform<f64>,
}

impl Uniform {
    pub(crate) fn new(min: f64, max: f64) -> Result<Self, ParamError> {
        check_min_mode_max(min, min, max)?;
        check_range("Uniform", min, max)?;
        let inner =
            RandUniform::new(min, max).map_err(|_| ParamError::TooExtreme { family: "Uniform" })?;
        Ok(Uniform { min, max, inner })
    }
}

impl Distribution<f64> for Uniform {
    #[inline]
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        self.inner.sample(rng)
    }
}

impl Family for Uniform {
    fn mean(&self) -> f64 {
        self.min + (self.max - self.min) / 2.0
    }
    fn quantile(&self, p: f64) -> f64 {
        self.min + p * (self.max - self.min)
    }
    fn support(&self) -> (f64, f64) {
        (self.min, self.max)
    }
}

#[derive(Clone, Debug)]
pub(crate) struct Triangular {
    min: f64,
    mode: f64,
    max: f64,
    inner: RandTriangular<f64>,
}

impl Triangular {
    pub(crate) fn new(min: f64, mode: f64, max: f64) -> Result<Self, ParamError> {
        check_min_mode_max(min, mode, max)?;
        check_range("Triangular", min, max)?;
        // Note rand_distr's argument order: (min, max, mode).
        let inner = RandTriangular::new(min, max, mode).map_err(|_| ParamError::TooExtreme {
            family: "Triangular",
        })?;
        Ok(Triangular {
            min,
            mode,
            max,
            inner,
        })
    }
}

impl Distribution<f64> for Triangular {
    #[inline]
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        self.inner.sample(rng)
    }
}

impl Family for Triangular {
    fn mean(&self) -> f64 {
        // Offsets from min keep the sum from overflowing near f64::MAX.
        self.min + ((self.mode - self.min) + (self.max - self.min)) / 3.0
    }
    fn quantile(&self, p: f64) -> f64 {
        let (a, c, b) = (self.min, self.mode, self.max);
        // Same split point as rand_distr's sampler, so quantile(u) matches.
        if p * (b - a) < c - a {
            a + (p * (b - a) * (c - a)).sqrt()
        } else {
            b - ((1.0 - p) * (b - a) * (b - c)).sqrt()
        }
    }
    fn support(&self) -> (f64, f64) {
        (self.min, self.max)
    }
}

/// PERT: a Beta(1 + shape·(mode − min)/(max − min), 1 + shape·(max − mode)/(max − min)) on
/// [min, max], with mean (min + shape·mode + max)/(shape + 2).
#[derive(Clone, Debug)]
pub(crate) struct Pert {
    min: f64,
    mode: f64,
    max: f64,
    shape: f64,
    inner: RandPert<f64>,
    quantiles: BetaQuantile,
}

impl Pert {
    /// `shape` must be positive: at 0 the mode would be ignored entirely,
    /// which is never what a scenario author means.
    pub(crate) fn new(min: f64, mode: f64, max: f64, shape: f64) -> Result<Self, ParamError> {
        check_min_mode_max(min, mode, max)?;
        positive("shape", shape)?;
        let width = check_range("Pert", min, max)?;
        // The Beta parameters are 1 + shape·(fraction), so both stay within MAX_SHAPE.
        shape_within("Pert", "shape", shape, MAX_SHAPE - 1.0)?;
        let inner = RandPert::new(min, max)
            .with_shape(shape)
            .with_mode(mode)
            .map_err(|_| ParamError::TooExtreme { family: "Pert" })?;
        // The same α and β as rand_distr's sampler.
        let alpha = 1.0 + shape * (mode - min) / width;
        let beta = 1.0 + shape * (max - mode) / width;
        Ok(Pert {
            min,
            mode,
            max,
            shape,
            inner,
            quantiles: BetaQuantile::new(alpha, beta),
        })
    }
}

impl Distribution<f64> for Pert {
    #[inline]
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        // min + range·beta can round one ulp past max.
        self.inner.sample(rng).clamp(self.min, self.max)
    }
}

impl Family for Pert {
    fn mean(&self) -> f64 {
        let (a, c, b) = (self.min, self.mode, self.max);
        a + (self.shape * (c - a) + (b - a)) / (self.shape + 2.0)
    }
    fn quantile(&self, p: f64) -> f64 {
        stretch(self.min, self.max, self.quantiles.at(p))
    }
    fn support(&self) -> (f64, f64) {
        (self.min, self.max)
    }
}

/// x in [0, 1] stretched onto [min, max], rounding kept inside.
fn stretch(min: f64, max: f64, x: f64) -> f64 {
    (min + (max - min) * x).clamp(min, max)
}

/// Beta(alpha, beta) stretched from [0, 1] onto [min, max].
#[derive(Clone, Debug)]
pub(crate) struct Beta {
    alpha: f64,
    beta: f64,
    min: f64,
    max: f64,
    inner: RandBeta<f64>,
    quantiles: BetaQuantile,
}

impl Beta {
    pub(crate) fn new(alpha: f64, beta: f64, min: f64, max: f64) -> Result<Self, ParamError> {
        positive("alpha", alpha)?;
        positive("beta", beta)?;
        shape_within("Beta", "alpha", alpha, MAX_SHAPE)?;
        shape_within("Beta", "beta", beta, MAX_SHAPE)?;
        finite("min", min)?;
        finite("max", max)?;
        check_range("Beta range (min defaults to 0, max to 1)", min, max)?;
        let inner =
            RandBeta::new(alpha, beta).map_err(|_| ParamError::TooExtreme { family: "Beta" })?;
        Ok(Beta {
            alpha,
            beta,
            min,
            max,
            inner,
            quantiles: BetaQuantile::new(alpha, beta),
        })
    }
}

impl Distribution<f64> for Beta {
    #[inline]
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        // Clamp: min + width·x can round one ulp past max.
        stretch(self.min, self.max, self.inner.sample(rng))
    }
}

impl Family for Beta {
    fn mean(&self) -> f64 {
        self.min + (self.max - self.min) * self.alpha / (self.alpha + self.beta)
    }
    fn quantile(&self, p: f64) -> f64 {
        stretch(self.min, self.max, self.quantiles.at(p))
    }
    fn support(&self) -> (f64, f64) {
        (self.min, self.max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::distributions::testing::{N, assert_mean_within_4se, draws};

    #[test]
    fn uniform_rejects_bad_ranges() {
        assert_eq!(
            Uniform::new(3.0, 1.0).unwrap_err(),
            ParamError::MinAboveMax { min: 3.0, max: 1.0 }
        );
        assert!(matches!(
            Uniform::new(f64::NAN, 1.0),
            Err(ParamError::NotFinite { name: "min", .. })
        ));
        assert!(matches!(
            Uniform::new(0.0, f64::INFINITY),
            Err(ParamError::NotFinite { name: "max", .. })
        ));
        assert!(matches!(
            Uniform::new(-f64::MAX, f64::MAX),
            Err(ParamError::TooExtreme { .. })
        ));
    }

    #[test]
    fn uniform_statistics_and_quantiles() {
        let d = Uniform::new(2.0, 10.0).unwrap();
        let xs = draws(&d, 1);
        assert!(xs.iter().all(|x| (2.0..10.0).contains(x)));
        assert_mean_within_4se(&xs, d.mean(), 8.0 / 12f64.sqrt());
        assert_eq!(
            (d.mean(), d.quantile(0.5), d.quantile(0.25)),
            (6.0, 6.0, 4.0)
        );
    }

    #[test]
    fn triangular_rejects_bad_parameters() {
        let err = Triangular::new(1.0, 5.0, 3.0).unwrap_err();
        assert_eq!(
            err.to_string(),
            "mode 5 is outside [min, max] = [1, 3]; put mode between min and max"
        );
        assert!(matches!(
            Triangular::new(3.0, 2.0, 1.0),
            Err(ParamError::MinAboveMax { .. })
        ));
        assert!(matches!(
            Triangular::new(1.0, f64::NAN, 3.0),
            Err(ParamError::NotFinite { name: "mode", .. })
        ));
        // min == max with a different mode is a mode error, not a range one.
        assert!(matches!(
            Triangular::new(2.0, 3.0, 2.0),
            Err(ParamError::ModeOutside { .. })
        ));
        assert!(
            Triangular::new(1.0, 1.0, 3.0).is_ok(),
            "mode may sit at min"
        );
    }

    #[test]
    fn triangular_statistics_and_quantiles() {
        let (a, c, b) = (1.0, 2.0, 4.0);
        let d = Triangular::new(a, c, b).unwrap();
        let var: f64 = (a * a + b * b + c * c - a * b - a * c - b * c) / 18.0;
        let xs = draws(&d, 2);
        assert!(xs.iter().all(|x| (a..=b).contains(x)));
        assert_mean_within_4se(&xs, d.mean(), var.sqrt());
        assert!((d.mean() - 7.0 / 3.0).abs() < 1e-12);
        // F(mode) = (c − a)/(b − a) = 1/3.
        assert!((d.quantile(1.0 / 3.0) - c).abs() < 1e-12);
        assert_eq!((d.quantile(0.0), d.quantile(1.0)), (a, b));
        let below_median = xs.iter().filter(|&&x| x <= d.quantile(0.5)).count();
        crate::distributions::testing::assert_share_within_4se(below_median, N, 0.5);
    }

    #[test]
    fn pert_rejects_bad_parameters() {
        assert!(matches!(
            Pert::new(1.0, 0.0, 3.0, 4.0),
            Err(ParamError::ModeOutside { .. })
        ));
        for shape in [0.0, -1.0] {
            assert!(matches!(
                Pert::new(1.0, 2.0, 3.0, shape),
                Err(ParamError::NotPositive { name: "shape", .. })
            ));
        }
        assert!(matches!(
            Pert::new(1.0, 2.0, 3.0, f64::INFINITY),
            Err(ParamError::NotFinite { .. })
        ));
        assert!(Pert::new(0.0, 3.0, 3.0, 4.0).is_ok(), "mode may sit at max");
        // Its Beta shapes are 1 + shape·fraction, at most MAX_SHAPE.
        assert!(Pert::new(0.0, 1.0, 3.0, MAX_SHAPE - 1.0).is_ok());
        assert!(matches!(
            Pert::new(0.0, 1.0, 3.0, MAX_SHAPE),
            Err(ParamError::ShapeTooLarge { name: "shape", .. })
        ));
    }

    #[test]
    fn pert_statistics() {
        let (a, c, b, s) = (10.0, 12.0, 20.0, 4.0);
        let d = Pert::new(a, c, b, s).unwrap();
        // A PERT is a Beta(α, β) on [a, b]; use the Beta variance.
        let (al, be) = (1.0 + s * (c - a) / (b - a), 1.0 + s * (b - c) / (b - a));
        let var = (b - a) * (b - a) * al * be / ((al + be) * (al + be) * (al + be + 1.0));
        let xs = draws(&d, 3);
        assert!(xs.iter().all(|x| (a..=b).contains(x)));
        assert_mean_within_4se(&xs, d.mean(), f64::sqrt(var));
        assert!((d.mean() - 13.0).abs() < 1e-12);
    }

    #[test]
    fn beta_rejects_bad_parameters() {
        assert!(matches!(
            Beta::new(0.0, 1.0, 0.0, 1.0),
            Err(ParamError::NotPositive { name: "alpha", .. })
        ));
        assert!(matches!(
            Beta::new(1.0, -1.0, 0.0, 1.0),
            Err(ParamError::NotPositive { name: "beta", .. })
        ));
        let err = Beta::new(2.0, 2.0, 5.0, 1.0).unwrap_err();
        assert_eq!(
            err.to_string(),
            "Beta range (min defaults to 0, max to 1) needs min below max (got min 5, max 1)"
        );
        assert!(matches!(
            Beta::new(1e200, 1.0, 0.0, 1.0),
            Err(ParamError::ShapeTooLarge { name: "alpha", .. })
        ));
        assert!(matches!(
            Beta::new(1.0, 2e4, 0.0, 1.0),
            Err(ParamError::ShapeTooLarge { name: "beta", .. })
        ));
    }

    #[test]
    fn beta_statistics() {
        let (al, be, a, b) = (2.0, 5.0, 100.0, 200.0);
        let d = Beta::new(al, be, a, b).unwrap();
        let var = (b - a) * (b - a) * al * be / ((al + be) * (al + be) * (al + be + 1.0));
        let xs = draws(&d, 4);
        assert!(xs.iter().all(|x| (a..=b).contains(x)));
        assert_mean_within_4se(&xs, d.mean(), f64::sqrt(var));
        assert_eq!(d.support(), (100.0, 200.0));
    }
}
