//! Why parameters were rejected, worded for the person editing the scenario.
//!
//! Every message names the offending parameter, shows the value that was
//! given, and where it is not obvious says what to change. The caller adds
//! which input the distribution belongs to.

use thiserror::Error;

/// A distribution parameter that cannot be used.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum ParamError {
    #[error("{name} must be a finite number (got {value})")]
    NotFinite { name: &'static str, value: f64 },

    #[error("{list}[{index}] must be a finite number (got {value})")]
    ElementNotFinite {
        list: &'static str,
        index: usize,
        value: f64,
    },

    #[error("{name} must be positive (got {value})")]
    NotPositive { name: &'static str, value: f64 },

    #[error("min {min} is above max {max}; swap them")]
    MinAboveMax { min: f64, max: f64 },

    #[error("{what} needs min below max (got min {min}, max {max})")]
    EmptyRange {
        what: &'static str,
        min: f64,
        max: f64,
    },

    #[error("mode {mode} is outside [min, max] = [{min}, {max}]; put mode between min and max")]
    ModeOutside { mode: f64, min: f64, max: f64 },

    #[error(
        "truncation [min, max] = [{min}, {max}] has no probability under a normal with \
         mean {mean} and sd {sd}; move the bounds within about 37 sd of the mean"
    )]
    TruncationTooFar {
        min: f64,
        max: f64,
        mean: f64,
        sd: f64,
    },

    #[error("low must be positive and below high for LogNormal90 (got low {low}, high {high})")]
    LowHigh { low: f64, high: f64 },

    #[error("{name} must not be empty; give at least one value")]
    Empty { name: &'static str },

    #[error("values and weights must have the same length ({values} vs {weights})")]
    LengthMismatch { values: usize, weights: usize },

    #[error("weights must be non-negative and sum to more than 0")]
    BadWeights,

    #[error(
        "{family} parameters are too extreme: a derived quantity overflows f64; \
         rescale the units"
    )]
    TooExtreme { family: &'static str },

    #[error(
        "{family} {name} {value} is above {max}, which leaves a spread under 1% of the \
         range or mean; write a law that narrow as Normal(mean, sd) or Fixed"
    )]
    ShapeTooLarge {
        family: &'static str,
        name: &'static str,
        value: f64,
        max: f64,
    },
}

/// Rejects NaN and ±inf.
pub(crate) fn finite(name: &'static str, value: f64) -> Result<f64, ParamError> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(ParamError::NotFinite { name, value })
    }
}

/// Finite and strictly positive.
pub(crate) fn positive(name: &'static str, value: f64) -> Result<f64, ParamError> {
    if finite(name, value)? > 0.0 {
        Ok(value)
    } else {
        Err(ParamError::NotPositive { name, value })
    }
}

/// Rejects a derived quantity that overflowed although its inputs were finite.
pub(crate) fn representable(family: &'static str, derived: f64) -> Result<f64, ParamError> {
    if derived.is_finite() {
        Ok(derived)
    } else {
        Err(ParamError::TooExtreme { family })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_parameter_and_value() {
        let e = ParamError::ModeOutside {
            mode: 5.0,
            min: 1.0,
            max: 3.0,
        };
        assert_eq!(
            e.to_string(),
            "mode 5 is outside [min, max] = [1, 3]; put mode between min and max"
        );
        assert_eq!(
            positive("sd", -2.0).unwrap_err().to_string(),
            "sd must be positive (got -2)"
        );
        assert_eq!(
            finite("mean", f64::NAN).unwrap_err().to_string(),
            "mean must be a finite number (got NaN)"
        );
        assert_eq!(
            ParamError::LengthMismatch {
                values: 3,
                weights: 2
            }
            .to_string(),
            "values and weights must have the same length (3 vs 2)"
        );
        assert_eq!(
            ParamError::LowHigh {
                low: 5.0,
                high: 2.0
            }
            .to_string(),
            "low must be positive and below high for LogNormal90 (got low 5, high 2)"
        );
    }

    #[test]
    fn positive_rejects_zero_and_non_finite() {
        assert!(positive("x", 0.0).is_err());
        assert!(positive("x", f64::INFINITY).is_err());
        assert!(matches!(
            positive("x", f64::NAN),
            Err(ParamError::NotFinite { .. })
        ));
        assert_eq!(positive("x", 1e-300), Ok(1e-300));
    }
}
