//! The benchmark (Brent) price of each simulated year.
//!
//! Mean-reverting in log space (Ornstein–Uhlenbeck), stepped exactly once a year:
//! x' = m + (x − m)·e^(−κ) + σ·√((1 − e^(−2κ)) / (2κ))·ε, with x = ln P, m = ln(long_run),
//! ε ~ N(0, 1). The stationary law of x is N(m, σ²/(2κ)), so `long_run` is the stationary
//! median of the price. With κ = 0 the log price is a random walk. The log price, its start and
//! its long-run level are kept within [ln 0.01, ln 10 000] (`limits::MAX_PRICE`) so that no
//! parameters can produce an infinite or NaN price.

use rand_distr::{Distribution, StandardNormal};

use super::compile::Prices;
use super::params::Values;
use crate::model::streams::StreamRng;

/// Log-price bounds: USD 0.01 to USD 10,000 per barrel (ln 0.01 and ln 10 000).
const LOG_MIN: f64 = -4.605_170_185_988_091;
const LOG_MAX: f64 = 9.210_340_371_976_184;

/// Fills `prices` (USD/bbl) for each year of the trial.
pub fn sample_path(model: &Prices, values: &Values, rng: &mut StreamRng, prices: &mut [f64]) {
    match *model {
        Prices::PerYear(_) => {} // drawn with the other per-year inputs; see `year_price`
        Prices::MeanReverting {
            start,
            long_run,
            reversion,
            volatility,
        } => {
            // A start or level of 0 (the lower end of a continuous law) would give ln 0 = −∞.
            let m = values.get(long_run).ln().clamp(LOG_MIN, LOG_MAX);
            let kappa = values.get(reversion);
            let sigma = values.get(volatility);
            let decay = (-kappa).exp();
            let step_sd = if kappa > 1e-9 {
                sigma * ((1.0 - (-2.0 * kappa).exp()) / (2.0 * kappa)).sqrt()
            } else {
                sigma
            };
            let mut x = values.get(start).ln().clamp(LOG_MIN, LOG_MAX);
            for (t, p) in prices.iter_mut().enumerate() {
                if t > 0 {
                    let eps: f64 = StandardNormal.sample(rng);
                    // Bounded so that no parameter choice can overflow to infinity.
                    x = (m + (x - m) * decay + step_sd * eps).clamp(LOG_MIN, LOG_MAX);
                }
                *p = x.exp();
            }
        }
    }
}

/// The price of the current year for `PerYear` benchmarks (None for mean-reverting ones).
pub fn year_price(model: &Prices, values: &Values) -> Option<f64> {
    match *model {
        Prices::PerYear(p) => Some(values.get(p)),
        Prices::MeanReverting { .. } => None,
    }
}
