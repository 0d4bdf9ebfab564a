//! Probability distributions for uncertain scenario inputs.
//!
//! Why this module exists: every uncertain quantity in a scenario (outage
//! length, tanker delay, repair cost, ...) is written in the file as a
//! [`DistSpec`] and turned, once, into a [`Dist`] that the simulator samples
//! millions of times. Validation happens at that boundary with errors a
//! scenario author can act on ([`ParamError`]); after it, sampling cannot
//! fail, allocate, or loop forever, and each `Dist` can report its mean,
//! quantiles and support for charts and validators.
//!
//! Sampling itself is delegated to `rand_distr` wherever it has the family,
//! and the Beta and Gamma CDFs behind exact quantiles to `statrs`; the code
//! here adds the parameterisations analysts use, the truncated normal, and
//! the summaries.

mod bounded;
pub mod copula;
mod discrete;
mod dist;
mod empirical;
mod error;
mod inverse;
mod normal_math;
mod spec;
mod tailed;
#[cfg(test)]
mod testing;
mod truncated_normal;

pub use dist::{Dist, Quantiles};
pub use error::ParamError;
pub use inverse::MAX_SHAPE;
pub(crate) use normal_math::cdf as normal_cdf;
pub use normal_math::{Z90, Z95, inv_cdf as normal_quantile};
pub use spec::DistSpec;
