//! Gaussian-copula arithmetic for correlated inputs.
//!
//! Why this exists: scenarios may declare rank (Spearman) correlations between per-trial inputs
//! (`correlations` in the scenario file). A Gaussian copula gives each input its own marginal law
//! and makes only the ranks move together: draw independent standard normals, correlate them
//! with the Cholesky factor L of the normal-score correlation matrix (z = L·e), map each to a
//! uniform u = Φ(z) and each uniform through its input's quantile function, x = F⁻¹(u). For a
//! Gaussian copula the Spearman correlation ρ_s of the inputs and the Pearson correlation ρ of the
//! normals are tied by ρ = 2·sin(π·ρ_s/6), exactly, whatever the (continuous) marginals.
//! `check` uses the same functions to refuse matrices no set of inputs can have.

use std::f64::consts::PI;

use super::normal_math::cdf;

/// How far below zero a pivot may fall and still count as zero (rounding in a semi-definite
/// matrix such as a perfect correlation), and how close to zero a pivot must be to count as one.
pub const PSD_TOLERANCE: f64 = 1e-9;

/// The Pearson correlation of the normal scores that gives Spearman correlation `rank` in a
/// Gaussian copula: ρ = 2·sin(π·ρ_s/6). Maps [−1, 1] onto [−1, 1], 0 to 0 and ±1 to ±1.
pub fn pearson_from_spearman(rank: f64) -> f64 {
    2.0 * (PI * rank / 6.0).sin()
}

/// Lower-triangular L with L·Lᵀ = `a`, for a symmetric positive semi-definite `a` (`n`×`n`,
/// row-major), as a row-major `n`×`n` vector. A zero pivot (within `PSD_TOLERANCE`) is allowed
/// when the rest of its column is zero too, so perfectly correlated inputs work. `Err(k)` when
/// `a` is not positive semi-definite: `k` is the first row whose entries cannot be matched by
/// the rows before it.
pub fn cholesky_psd(a: &[f64], n: usize) -> Result<Vec<f64>, usize> {
    if a.len() != n * n {
        return Err(0);
    }
    let mut l = vec![0.0; n * n];
    for j in 0..n {
        let d = a[j * n + j] - (0..j).map(|k| l[j * n + k] * l[j * n + k]).sum::<f64>();
        if !d.is_finite() || d < -PSD_TOLERANCE {
            return Err(j);
        }
        let pivot = if d <= PSD_TOLERANCE { 0.0 } else { d.sqrt() };
        l[j * n + j] = pivot;
        for i in j + 1..n {
            let r = a[i * n + j] - (0..j).map(|k| l[i * n + k] * l[j * n + k]).sum::<f64>();
            if pivot == 0.0 {
                // Row j is a combination of the rows before it; row i must agree with that.
                if r.abs() > PSD_TOLERANCE.sqrt() {
                    return Err(i.max(j));
                }
            } else {
                l[i * n + j] = r / pivot;
            }
        }
    }
    Ok(l)
}

/// u = Φ(z), kept strictly inside (0, 1) so that every quantile function returns a finite
/// value (Φ rounds to 1 beyond z ≈ 8.3, to 0 beyond z ≈ −38).
pub fn uniform(z: f64) -> f64 {
    const HIGHEST: f64 = 1.0 - f64::EPSILON / 2.0;
    if z.is_nan() {
        return 0.5;
    }
    // Upper half through the lower tail, so that 1 − Φ(z) does not cancel before the clamp.
    let u = if z > 0.0 { 1.0 - cdf(-z) } else { cdf(z) };
    u.clamp(f64::MIN_POSITIVE, HIGHEST)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::distributions::normal_math::inv_cdf;

    fn product(l: &[f64], n: usize) -> Vec<f64> {
        let mut a = vec![0.0; n * n];
        for i in 0..n {
            for j in 0..n {
                a[i * n + j] = (0..n).map(|k| l[i * n + k] * l[j * n + k]).sum();
            }
        }
        a
    }

    #[test]
    fn spearman_to_pearson_fixes_the_ends_and_zero() {
        assert_eq!(pearson_from_spearman(0.0), 0.0);
        assert!((pearson_from_spearman(1.0) - 1.0).abs() < 1e-15);
        assert!((pearson_from_spearman(-1.0) + 1.0).abs() < 1e-15);
        // ρ_s = 0.5 → ρ = 2 sin(π/12) ≈ 0.5176.
        assert!((pearson_from_spearman(0.5) - 0.517_638_090_205_041_5).abs() < 1e-12);
    }

    #[test]
    fn cholesky_reproduces_a_positive_definite_matrix() {
        let a = [4.0, 2.0, 0.4, 2.0, 2.0, 0.5, 0.4, 0.5, 3.0];
        let l = cholesky_psd(&a, 3).unwrap();
        assert_eq!(l[1], 0.0);
        assert_eq!(l[2], 0.0);
        assert_eq!(l[5], 0.0);
        for (x, y) in product(&l, 3).iter().zip(&a) {
            assert!((x - y).abs() < 1e-12, "{x} vs {y}");
        }
    }

    #[test]
    fn cholesky_accepts_perfect_correlation_and_the_identity() {
        let a = [1.0, 1.0, 1.0, 1.0];
        let l = cholesky_psd(&a, 2).unwrap();
        assert_eq!(l, vec![1.0, 0.0, 1.0, 0.0]);
        let a = [1.0, -1.0, 0.0, -1.0, 1.0, 0.0, 0.0, 0.0, 1.0];
        let l = cholesky_psd(&a, 3).unwrap();
        for (x, y) in product(&l, 3).iter().zip(&a) {
            assert!((x - y).abs() < 1e-12);
        }
        assert_eq!(cholesky_psd(&[1.0], 1).unwrap(), vec![1.0]);
        assert_eq!(cholesky_psd(&[], 0).unwrap(), Vec::<f64>::new());
    }

    #[test]
    fn cholesky_refuses_what_is_not_semi_definite() {
        // Three inputs pairwise −0.9: eigenvalue 1 − 2·0.9 < 0.
        let a = [1.0, -0.9, -0.9, -0.9, 1.0, -0.9, -0.9, -0.9, 1.0];
        assert_eq!(cholesky_psd(&a, 3), Err(2));
        // A perfect correlation pair that a third row contradicts.
        let a = [1.0, 1.0, 0.5, 1.0, 1.0, -0.5, 0.5, -0.5, 1.0];
        assert!(cholesky_psd(&a, 3).is_err());
        // Wrong size, NaN.
        assert_eq!(cholesky_psd(&[1.0, 0.0, 0.0], 2), Err(0));
        assert!(cholesky_psd(&[f64::NAN], 1).is_err());
    }

    #[test]
    fn uniform_stays_inside_the_open_interval() {
        assert_eq!(uniform(0.0), 0.5);
        assert!(uniform(9.0) < 1.0);
        assert!(uniform(f64::INFINITY) < 1.0);
        assert!(uniform(-40.0) > 0.0);
        assert!(uniform(f64::NEG_INFINITY) > 0.0);
        assert_eq!(uniform(f64::NAN), 0.5);
        // Symmetry and agreement with Φ⁻¹ in the body.
        for z in [-3.0, -1.0, -0.25, 0.7, 2.5] {
            assert!((uniform(z) + uniform(-z) - 1.0).abs() < 1e-15);
            assert!((inv_cdf(uniform(z)) - z).abs() < 1e-9, "{z}");
        }
    }
}
