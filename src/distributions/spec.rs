//! `DistSpec`: how a scenario file writes a distribution.
//!
//! Why separate from `Dist`: the file format must stay plain data that
//! serde can read and write (RON), while `Dist` holds validated, prepared
//! samplers. `build` is the one door between them, so every parameter
//! check happens there, once, with messages aimed at whoever edits the file.

use serde::{Deserialize, Serialize};

use super::bounded::{Beta, Pert, Triangular, Uniform, check_min_mode_max};
use super::discrete::Discrete;
use super::dist::{Dist, Repr};
use super::empirical::Empirical;
use super::error::{ParamError, finite, positive};
use super::tailed::{Exponential, Gamma, LogNormal, Normal, Pareto};
use super::truncated_normal::TruncatedNormal;

/// PERT shape used when the file gives none: the classic PERT weighting.
const DEFAULT_PERT_SHAPE: f64 = 4.0;

/// A distribution as written in a scenario file, e.g.
/// `Triangular(min: 1.0, mode: 2.0, max: 3.0)`.
///
/// Misspelt fields are errors, not silently ignored: serde has no
/// per-variant `deny_unknown_fields`, so the container-level attribute
/// applies it to every struct variant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum DistSpec {
    /// Always this value.
    Fixed(f64),
    /// Flat on [min, max]; min == max is allowed and acts as `Fixed`.
    Uniform { min: f64, max: f64 },
    /// min == max is allowed only with mode equal to both; acts as `Fixed`.
    Triangular { min: f64, mode: f64, max: f64 },
    /// Beta-PERT; `shape` defaults to 4. Degenerate like `Triangular`.
    Pert {
        min: f64,
        mode: f64,
        max: f64,
        #[serde(default)]
        shape: Option<f64>,
    },
    /// Normal, truncated to [min, max] when either bound is given.
    Normal {
        mean: f64,
        sd: f64,
        #[serde(default)]
        min: Option<f64>,
        #[serde(default)]
        max: Option<f64>,
    },
    /// Lognormal given by the mean and sd of the variable itself.
    LogNormal { mean: f64, sd: f64 },
    /// Lognormal given by its 90% interval: 5% of draws fall below `low`
    /// and 5% above `high`.
    LogNormal90 { low: f64, high: f64 },
    /// Beta(alpha, beta) stretched onto [min, max] (default [0, 1]).
    Beta {
        alpha: f64,
        beta: f64,
        #[serde(default)]
        min: Option<f64>,
        #[serde(default)]
        max: Option<f64>,
    },
    /// Gamma with mean shape·scale.
    Gamma { shape: f64, scale: f64 },
    /// Exponential with the given mean (not rate).
    Exponential { mean: f64 },
    /// Heavy-tailed Pareto: values ≥ scale; infinite mean for shape ≤ 1.
    Pareto { scale: f64, shape: f64 },
    /// One of `values`, chosen with probability proportional to `weights`.
    Discrete { values: Vec<f64>, weights: Vec<f64> },
    /// One of `samples`, each equally likely.
    Empirical { samples: Vec<f64> },
}

impl DistSpec {
    /// Validates the parameters and prepares the sampler.
    pub fn build(&self) -> Result<Dist, ParamError> {
        let repr = match *self {
            DistSpec::Fixed(value) => return Ok(Dist::fixed(finite("value", value)?)),
            DistSpec::Uniform { min, max } => {
                check_min_mode_max(min, min, max)?;
                if min == max {
                    return Ok(Dist::fixed(min));
                }
                Repr::Uniform(Uniform::new(min, max)?)
            }
            DistSpec::Triangular { min, mode, max } => {
                check_min_mode_max(min, mode, max)?;
                if min == max {
                    return Ok(Dist::fixed(min));
                }
                Repr::Triangular(Triangular::new(min, mode, max)?)
            }
            DistSpec::Pert {
                min,
                mode,
                max,
                shape,
            } => {
                let shape = shape.unwrap_or(DEFAULT_PERT_SHAPE);
                check_min_mode_max(min, mode, max)?;
                if min == max {
                    // Still reject a nonsense shape, so fixing the range
                    // later does not surface a hidden error.
                    positive("shape", shape)?;
                    return Ok(Dist::fixed(min));
                }
                Repr::Pert(Pert::new(min, mode, max, shape)?)
            }
            DistSpec::Normal {
                mean,
                sd,
                min: None,
                max: None,
            } => Repr::Normal(Normal::new(mean, sd)?),
            DistSpec::Normal { mean, sd, min, max } => {
                Repr::TruncatedNormal(TruncatedNormal::new(mean, sd, min, max)?)
            }
            DistSpec::LogNormal { mean, sd } => Repr::LogNormal(LogNormal::from_mean_sd(mean, sd)?),
            DistSpec::LogNormal90 { low, high } => Repr::LogNormal(LogNormal::from_90(low, high)?),
            DistSpec::Beta {
                alpha,
                beta,
                min,
                max,
            } => Repr::Beta(Beta::new(
                alpha,
                beta,
                min.unwrap_or(0.0),
                max.unwrap_or(1.0),
            )?),
            DistSpec::Gamma { shape, scale } => Repr::Gamma(Gamma::new(shape, scale)?),
            DistSpec::Exponential { mean } => Repr::Exponential(Exponential::new(mean)?),
            DistSpec::Pareto { scale, shape } => Repr::Pareto(Pareto::new(scale, shape)?),
            DistSpec::Discrete {
                ref values,
                ref weights,
            } => Repr::Discrete(Discrete::new(values, weights)?),
            DistSpec::Empirical { ref samples } => Repr::Empirical(Empirical::new(samples)?),
        };
        Ok(Dist(repr))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> DistSpec {
        ron::from_str(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn ron_reads_the_documented_form() {
        assert_eq!(
            parse("Triangular(min: 1.0, mode: 2.0, max: 3.0)"),
            DistSpec::Triangular {
                min: 1.0,
                mode: 2.0,
                max: 3.0
            }
        );
        assert_eq!(parse("Fixed(4.5)"), DistSpec::Fixed(4.5));
        assert_eq!(
            parse("Pert(min: 1.0, mode: 2.0, max: 4.0)"),
            DistSpec::Pert {
                min: 1.0,
                mode: 2.0,
                max: 4.0,
                shape: None
            }
        );
        assert_eq!(
            parse("Normal(mean: 5.0, sd: 1.0, min: Some(0.0))"),
            DistSpec::Normal {
                mean: 5.0,
                sd: 1.0,
                min: Some(0.0),
                max: None
            }
        );
    }

    #[test]
    fn ron_rejects_unknown_fields() {
        let err = ron::from_str::<DistSpec>("Triangular(min:1, mod:2, max:3)").unwrap_err();
        assert!(err.to_string().contains("mod"), "{err}");
        assert!(ron::from_str::<DistSpec>("Gamma(shape: 1.0, scale: 2.0, rate: 3.0)").is_err());
    }

    #[test]
    fn ron_round_trips_every_variant() {
        let specs = [
            DistSpec::Fixed(-3.0),
            DistSpec::Uniform { min: 0.0, max: 1.0 },
            DistSpec::Pert {
                min: 1.0,
                mode: 2.0,
                max: 3.0,
                shape: Some(6.0),
            },
            DistSpec::Normal {
                mean: 1.0,
                sd: 0.5,
                min: None,
                max: Some(2.0),
            },
            DistSpec::LogNormal90 {
                low: 1.0,
                high: 9.0,
            },
            DistSpec::Discrete {
                values: vec![0.0, 1.0],
                weights: vec![3.0, 1.0],
            },
            DistSpec::Empirical {
                samples: vec![1.5, 2.5],
            },
        ];
        for spec in specs {
            let text = ron::to_string(&spec).unwrap();
            assert_eq!(parse(&text), spec, "{text}");
        }
    }

    #[test]
    fn degenerate_ranges_become_fixed() {
        for text in [
            "Uniform(min: 2.0, max: 2.0)",
            "Triangular(min: 2.0, mode: 2.0, max: 2.0)",
            "Pert(min: 2.0, mode: 2.0, max: 2.0)",
        ] {
            assert_eq!(parse(text).build().unwrap().is_fixed(), Some(2.0), "{text}");
        }
        let err = parse("Triangular(min: 2.0, mode: 3.0, max: 2.0)")
            .build()
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "mode 3 is outside [min, max] = [2, 2]; put mode between min and max"
        );
        assert!(
            parse("Pert(min: 2.0, mode: 2.0, max: 2.0, shape: Some(-1.0))")
                .build()
                .is_err()
        );
    }

    #[test]
    fn build_reports_the_first_problem() {
        let cases = [
            ("Fixed(NaN)", "value must be a finite number (got NaN)"),
            ("Fixed(inf)", "value must be a finite number (got inf)"),
            (
                "Uniform(min: 3.0, max: 1.0)",
                "min 3 is above max 1; swap them",
            ),
            (
                "Normal(mean: 0.0, sd: -2.0)",
                "sd must be positive (got -2)",
            ),
            (
                "Normal(mean: 0.0, sd: 1.0, min: Some(2.0), max: Some(2.0))",
                "Normal truncation needs min below max (got min 2, max 2)",
            ),
            (
                "LogNormal90(low: 5.0, high: 2.0)",
                "low must be positive and below high for LogNormal90 (got low 5, high 2)",
            ),
            (
                "Beta(alpha: 2.0, beta: 2.0, min: Some(5.0))",
                "Beta range (min defaults to 0, max to 1) needs min below max (got min 5, max 1)",
            ),
            ("Exponential(mean: 0.0)", "mean must be positive (got 0)"),
            (
                "Discrete(values: [1.0, 2.0, 3.0], weights: [1.0, 1.0])",
                "values and weights must have the same length (3 vs 2)",
            ),
            (
                "Empirical(samples: [])",
                "samples must not be empty; give at least one value",
            ),
        ];
        for (text, want) in cases {
            assert_eq!(parse(text).build().unwrap_err().to_string(), want, "{text}");
        }
    }

    #[test]
    fn normal_without_bounds_is_untruncated() {
        let d = parse("Normal(mean: 3.0, sd: 2.0)").build().unwrap();
        assert_eq!(d.support(), (f64::NEG_INFINITY, f64::INFINITY));
        let d = parse("Normal(mean: 3.0, sd: 2.0, max: Some(4.0))")
            .build()
            .unwrap();
        assert_eq!(d.support(), (f64::NEG_INFINITY, 4.0));
    }
}
