//! A finite set of values with weights, e.g. "0, 1 or 2 tankers lost".
//!
//! Why sort: quantiles and the median walk the values in order, so they
//! are sorted once at build time; sampling by weight does not care about
//! the order.

use rand::Rng;
use rand::distr::Distribution;
use rand::distr::weighted::WeightedIndex;

use super::dist::Family;
use super::error::{ParamError, representable};

/// Tolerance, relative to the total weight, when comparing cumulative
/// weight with p·total, so weights like 0.1 + 0.2 still give exact
/// quantile boundaries.
const CUMULATIVE_TOL: f64 = 1e-12;

#[derive(Clone, Debug)]
pub(crate) struct Discrete {
    /// Ascending; zero-weight values are kept but never drawn.
    values: Vec<f64>,
    /// Running weight totals in the order of `values`.
    cumulative: Vec<f64>,
    index: WeightedIndex<f64>,
    mean: f64,
}

impl Discrete {
    pub(crate) fn new(values: &[f64], weights: &[f64]) -> Result<Self, ParamError> {
        if values.is_empty() {
            return Err(ParamError::Empty { name: "values" });
        }
        if values.len() != weights.len() {
            return Err(ParamError::LengthMismatch {
                values: values.len(),
                weights: weights.len(),
            });
        }
        check_elements("values", values)?;
        check_elements("weights", weights)?;
        if weights.iter().any(|&w| w < 0.0) || !weights.iter().any(|&w| w > 0.0) {
            return Err(ParamError::BadWeights);
        }

        let mut pairs: Vec<(f64, f64)> = values
            .iter()
            .copied()
            .zip(weights.iter().copied())
            .collect();
        pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
        let (values, weights): (Vec<f64>, Vec<f64>) = pairs.into_iter().unzip();
        let cumulative: Vec<f64> = weights
            .iter()
            .scan(0.0, |sum, &w| {
                *sum += w;
                Some(*sum)
            })
            .collect();
        let total = cumulative[cumulative.len() - 1];
        if !total.is_finite() {
            return Err(ParamError::NotFinite {
                name: "sum of weights",
                value: total,
            });
        }
        let weighted_sum: f64 = values.iter().zip(&weights).map(|(v, w)| v * w).sum();
        let mean = representable("Discrete", weighted_sum / total)?;
        let index = WeightedIndex::new(&weights).map_err(|_| ParamError::BadWeights)?;
        Ok(Discrete {
            values,
            cumulative,
            index,
            mean,
        })
    }

    fn total(&self) -> f64 {
        self.cumulative[self.cumulative.len() - 1]
    }

    /// Weight carried by `values[i]`.
    fn weight(&self, i: usize) -> f64 {
        self.cumulative[i] - if i == 0 { 0.0 } else { self.cumulative[i - 1] }
    }
}

/// Every element finite; names the first offender by index.
pub(crate) fn check_elements(list: &'static str, xs: &[f64]) -> Result<(), ParamError> {
    match xs.iter().position(|x| !x.is_finite()) {
        Some(index) => Err(ParamError::ElementNotFinite {
            list,
            index,
            value: xs[index],
        }),
        None => Ok(()),
    }
}

impl Distribution<f64> for Discrete {
    #[inline]
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        self.values[self.index.sample(rng)]
    }
}

impl Family for Discrete {
    fn mean(&self) -> f64 {
        self.mean
    }

    /// Smallest drawable value whose cumulative weight reaches p·total
    /// (the lower median at p = 0.5).
    fn quantile(&self, p: f64) -> f64 {
        let target = p * self.total() - CUMULATIVE_TOL * self.total();
        (0..self.values.len())
            .find(|&i| self.weight(i) > 0.0 && self.cumulative[i] >= target)
            .map_or(self.support().1, |i| self.values[i])
    }

    /// Smallest and largest values with positive weight.
    fn support(&self) -> (f64, f64) {
        let mut drawable = (0..self.values.len()).filter(|&i| self.weight(i) > 0.0);
        let first = drawable.next().map(|i| self.values[i]);
        let last = drawable.next_back().map(|i| self.values[i]).or(first);
        // Construction guarantees at least one positive weight.
        (first.unwrap_or(f64::NAN), last.unwrap_or(f64::NAN))
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
            Discrete::new(&[], &[]).unwrap_err(),
            ParamError::Empty { name: "values" }
        );
        assert_eq!(
            Discrete::new(&[1.0, 2.0, 3.0], &[1.0, 1.0])
                .unwrap_err()
                .to_string(),
            "values and weights must have the same length (3 vs 2)"
        );
        for weights in [[1.0, -1.0], [0.0, 0.0]] {
            assert_eq!(
                Discrete::new(&[1.0, 2.0], &weights)
                    .unwrap_err()
                    .to_string(),
                "weights must be non-negative and sum to more than 0"
            );
        }
        assert_eq!(
            Discrete::new(&[1.0, f64::NAN], &[1.0, 1.0])
                .unwrap_err()
                .to_string(),
            "values[1] must be a finite number (got NaN)"
        );
        assert!(matches!(
            Discrete::new(&[1.0, 2.0], &[f64::INFINITY, 1.0]),
            Err(ParamError::ElementNotFinite {
                list: "weights",
                ..
            })
        ));
        assert!(matches!(
            Discrete::new(&[1.0, 2.0], &[f64::MAX, f64::MAX]),
            Err(ParamError::NotFinite { .. })
        ));
    }

    #[test]
    fn frequencies_match_weights() {
        // Unsorted input and a zero weight, to exercise both.
        let d = Discrete::new(&[2.0, 0.0, 1.0, 7.0], &[0.2, 0.5, 0.3, 0.0]).unwrap();
        let xs = draws(&d, 30);
        for (value, p) in [(0.0, 0.5), (1.0, 0.3), (2.0, 0.2)] {
            assert_share_within_4se(xs.iter().filter(|&&x| x == value).count(), N, p);
        }
        assert!(!xs.contains(&7.0));
        let mean: f64 = 0.3 + 0.4;
        let var: f64 = 0.3 * 1.0 + 0.2 * 4.0 - mean * mean;
        assert!((d.mean() - mean).abs() < 1e-12);
        assert_mean_within_4se(&xs, mean, var.sqrt());
    }

    #[test]
    fn quantiles_use_the_lower_weighted_value() {
        let d = Discrete::new(&[2.0, 0.0, 1.0, 7.0], &[0.2, 0.5, 0.3, 0.0]).unwrap();
        assert_eq!(d.support(), (0.0, 2.0), "7 has no weight");
        // Exactly half the weight sits on 0: the lower median is 0.
        assert_eq!(d.quantile(0.5), 0.0);
        assert_eq!(d.quantile(0.51), 1.0);
        assert_eq!(d.quantile(0.8), 1.0);
        assert_eq!((d.quantile(0.0), d.quantile(1.0)), (0.0, 2.0));
        let even = Discrete::new(&[1.0, 2.0, 3.0, 4.0], &[1.0; 4]).unwrap();
        assert_eq!(even.quantile(0.5), 2.0);
    }
}
