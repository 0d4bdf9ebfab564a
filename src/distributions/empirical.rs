//! Resampling from observed values, e.g. historical outage durations.
//!
//! Each draw picks one stored sample uniformly. The samples are kept
//! sorted, so quantiles are a lookup and the draw distribution is unchanged.

use rand::distr::Distribution;
use rand::{Rng, RngExt};

use super::discrete::check_elements;
use super::dist::{Family, lower_index};
use super::error::{ParamError, representable};

#[derive(Clone, Debug)]
pub(crate) struct Empirical {
    /// Ascending, never empty.
    sorted: Vec<f64>,
    mean: f64,
}

impl Empirical {
    pub(crate) fn new(samples: &[f64]) -> Result<Self, ParamError> {
        if samples.is_empty() {
            return Err(ParamError::Empty { name: "samples" });
        }
        check_elements("samples", samples)?;
        let mut sorted = samples.to_vec();
        sorted.sort_by(f64::total_cmp);
        let mean = representable(
            "Empirical",
            sorted.iter().sum::<f64>() / sorted.len() as f64,
        )?;
        Ok(Empirical { sorted, mean })
    }
}

impl Distribution<f64> for Empirical {
    #[inline]
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        self.sorted[rng.random_range(0..self.sorted.len())]
    }
}

impl Family for Empirical {
    fn mean(&self) -> f64 {
        self.mean
    }
    /// Lower quantile of the samples (the lower median at p = 0.5).
    fn quantile(&self, p: f64) -> f64 {
        self.sorted[lower_index(p, self.sorted.len())]
    }
    fn support(&self) -> (f64, f64) {
        (self.sorted[0], self.sorted[self.sorted.len() - 1])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::distributions::testing::{
        N, assert_mean_within_4se, assert_share_within_4se, draws,
    };

    #[test]
    fn rejects_bad_parameters() {
        assert_eq!(
            Empirical::new(&[]).unwrap_err().to_string(),
            "samples must not be empty; give at least one value"
        );
        assert!(matches!(
            Empirical::new(&[1.0, f64::NEG_INFINITY]),
            Err(ParamError::ElementNotFinite { index: 1, .. })
        ));
        assert!(matches!(
            Empirical::new(&[f64::MAX, f64::MAX]),
            Err(ParamError::TooExtreme { .. })
        ));
        assert!(Empirical::new(&[3.0]).is_ok(), "one sample is allowed");
    }

    #[test]
    fn draws_each_sample_equally_often() {
        let samples = [9.0, 1.0, 4.0, 4.0, 16.0];
        let d = Empirical::new(&samples).unwrap();
        let xs = draws(&d, 31);
        for (value, p) in [(1.0, 0.2), (4.0, 0.4), (9.0, 0.2), (16.0, 0.2)] {
            assert_share_within_4se(xs.iter().filter(|&&x| x == value).count(), N, p);
        }
        let mean: f64 = 34.0 / 5.0;
        let var = samples.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / 5.0;
        assert_mean_within_4se(&xs, mean, var.sqrt());
    }

    #[test]
    fn quantiles_and_support() {
        let d = Empirical::new(&[9.0, 1.0, 4.0, 16.0]).unwrap();
        assert_eq!(d.support(), (1.0, 16.0));
        assert_eq!(d.quantile(0.5), 4.0, "lower median of 4 values");
        assert_eq!((d.quantile(0.0), d.quantile(1.0)), (1.0, 16.0));
        assert_eq!(d.mean(), 7.5);
    }
}
