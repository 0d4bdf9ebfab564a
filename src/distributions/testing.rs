//! Shared helpers for the statistical tests.
//!
//! Tolerances are 4 standard errors: with a true sampler a check fails
//! with probability about 6e-5, and the seeds are fixed, so a pass is
//! reproducible rather than lucky-once.

use rand::SeedableRng;
use rand::distr::Distribution;
use rand::rngs::Xoshiro256PlusPlus;

/// Draws per statistical check.
pub(crate) const N: usize = 200_000;

pub(crate) fn draws(dist: &impl Distribution<f64>, seed: u64) -> Vec<f64> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    (0..N).map(|_| dist.sample(&mut rng)).collect()
}

/// Sample mean within 4·sd/√n of the closed-form `mean`.
pub(crate) fn assert_mean_within_4se(xs: &[f64], mean: f64, sd: f64) {
    let got = xs.iter().sum::<f64>() / xs.len() as f64;
    let tol = 4.0 * sd / (xs.len() as f64).sqrt();
    assert!(
        (got - mean).abs() <= tol,
        "sample mean {got} vs closed form {mean} (tolerance {tol})"
    );
}

/// Observed share of `hits` within 4·√(p(1−p)/n) of `p`.
pub(crate) fn assert_share_within_4se(hits: usize, n: usize, p: f64) {
    let got = hits as f64 / n as f64;
    let tol = 4.0 * (p * (1.0 - p) / n as f64).sqrt();
    assert!(
        (got - p).abs() <= tol,
        "share {got} vs expected {p} (tolerance {tol})"
    );
}
