//! Standard normal CDF and its inverse.
//!
//! Why this exists: truncated normals and lognormal quantiles need Φ and Φ⁻¹,
//! and neither `std` (erf is unstable) nor rand_distr provides them. Both
//! algorithms are the published double-precision ones used by R's `pnorm`
//! and `qnorm`, so they are accurate to ~1e-15 relative, well past the
//! 1e-9 the simulator needs.

// Coefficients are kept digit for digit as published so they can be checked
// against the papers; the digits past f64 precision are harmless.
#![allow(clippy::excessive_precision)]

use std::f64::consts::PI;

/// Φ(x) by W. J. Cody's rational Chebyshev approximation (Math. Comp. 1969).
///
/// Accurate in the lower tail down to about x = -37.5, where Φ leaves the
/// normal f64 range; for upper-tail probabilities call `cdf(-x)`, because
/// `1 - cdf(x)` cancels.
pub(crate) fn cdf(x: f64) -> f64 {
    const A: [f64; 5] = [
        2.2352520354606839287,
        161.02823106855587881,
        1067.6894854603709582,
        18154.981253343561249,
        0.065682337918207449113,
    ];
    const B: [f64; 4] = [
        47.20258190468824187,
        976.09855173777669322,
        10260.932208618978205,
        45507.789335026729956,
    ];
    const C: [f64; 9] = [
        0.39894151208813466764,
        8.8831497943883759412,
        93.506656132177855979,
        597.27027639480026226,
        2494.5375852903726711,
        6848.1904505362823326,
        11602.651437647350124,
        9842.7148383839780218,
        1.0765576773720192317e-8,
    ];
    const D: [f64; 8] = [
        22.266688044328115691,
        235.38790178262499861,
        1519.377599407554805,
        6485.558298266760755,
        18615.571640885098091,
        34900.952721145977266,
        38912.003286093271411,
        19685.429676859990727,
    ];
    const P: [f64; 6] = [
        0.21589853405795699,
        0.1274011611602473639,
        0.022235277870649807,
        0.001421619193227893466,
        2.9112874951168792e-5,
        0.02307344176494017303,
    ];
    const Q: [f64; 5] = [
        1.28426009614491121,
        0.468238212480865118,
        0.0659881378689285515,
        0.00378239633202758244,
        7.29751555083966205e-5,
    ];

    if x.is_nan() {
        return f64::NAN;
    }
    let y = x.abs();
    if y > 40.0 {
        // Φ(-40) ≈ 4e-350 underflows; this also keeps ±inf out of the
        // arithmetic below, where it would give NaN.
        return if x < 0.0 { 0.0 } else { 1.0 };
    }
    if y <= 0.67448975 {
        // Central region: Φ(x) = 1/2 + x·R(x²).
        let xsq = x * x;
        let (mut num, mut den) = (A[4] * xsq, xsq);
        for i in 0..3 {
            num = (num + A[i]) * xsq;
            den = (den + B[i]) * xsq;
        }
        return 0.5 + x * (num + A[3]) / (den + B[3]);
    }
    // Tails: compute the smaller tail probability directly.
    let ratio = if y <= 32f64.sqrt() {
        let (mut num, mut den) = (C[8] * y, y);
        for i in 0..7 {
            num = (num + C[i]) * y;
            den = (den + D[i]) * y;
        }
        (num + C[7]) / (den + D[7])
    } else {
        let xsq = 1.0 / (x * x);
        let (mut num, mut den) = (P[5] * xsq, xsq);
        for i in 0..4 {
            num = (num + P[i]) * xsq;
            den = (den + Q[i]) * xsq;
        }
        (1.0 / (2.0 * PI).sqrt() - xsq * (num + P[4]) / (den + Q[4])) / y
    };
    // exp(-y²/2) split in two so the rounding of y² does not cost accuracy.
    let ysq = (y * 16.0).trunc() / 16.0;
    let del = (y - ysq) * (y + ysq);
    let tail = (-ysq * ysq * 0.5).exp() * (-del * 0.5).exp() * ratio;
    if x < 0.0 { tail } else { 1.0 - tail }
}

/// Standard normal density φ(x).
pub(crate) fn pdf(x: f64) -> f64 {
    (-0.5 * x * x).exp() / (2.0 * PI).sqrt()
}

/// z for a two-sided 90% interval, Φ⁻¹(0.95), correctly rounded (mpmath): `inv_cdf` returns it
/// 2 ulp low, and the lognormal's 90% form, fit-events and compare all quote this value.
pub const Z90: f64 = 1.644_853_626_951_472_2;
/// z for a two-sided 95% interval, Φ⁻¹(0.975), correctly rounded (mpmath).
pub const Z95: f64 = 1.959_963_984_540_054;

/// Φ⁻¹(p) by Wichura's algorithm AS 241 (PPND16), relative error ~1e-16.
///
/// Returns -inf at p = 0 and +inf at p = 1. For p close to 1 the caller
/// should pass the upper-tail probability q and negate: `-inv_cdf(q)`,
/// because p itself cannot resolve values within 1e-16 of 1.
pub fn inv_cdf(p: f64) -> f64 {
    const A: [f64; 8] = [
        3.387132872796366608,
        133.14166789178437745,
        1971.5909503065514427,
        13731.693765509461125,
        45921.953931549871457,
        67265.770927008700853,
        33430.575583588128105,
        2509.0809287301226727,
    ];
    const B: [f64; 8] = [
        1.0,
        42.313330701600911252,
        687.1870074920579083,
        5394.1960214247511077,
        21213.794301586595867,
        39307.89580009271061,
        28729.085735721942674,
        5226.495278852545925,
    ];
    const C: [f64; 8] = [
        1.42343711074968357734,
        4.6303378461565452959,
        5.7694972214606914055,
        3.64784832476320460504,
        1.27045825245236838258,
        0.24178072517745061177,
        0.0227238449892691845833,
        7.7454501427834140764e-4,
    ];
    const D: [f64; 8] = [
        1.0,
        2.05319162663775882187,
        1.6763848301838038494,
        0.68976733498510000455,
        0.14810397642748007459,
        0.0151986665636164571966,
        5.475938084995344946e-4,
        1.05075007164441684324e-9,
    ];
    const E: [f64; 8] = [
        6.6579046435011037772,
        5.4637849111641143699,
        1.7848265399172913358,
        0.29656057182850489123,
        0.026532189526576123093,
        0.0012426609473880784386,
        2.71155556874348757815e-5,
        2.01033439929228813265e-7,
    ];
    const F: [f64; 8] = [
        1.0,
        0.59983220655588793769,
        0.13692988092273580531,
        0.0148753612908506148525,
        7.868691311456132591e-4,
        1.8463183175100546818e-5,
        1.4215117583164458887e-7,
        2.04426310338993978564e-15,
    ];
    fn ratio(num: &[f64; 8], den: &[f64; 8], r: f64) -> f64 {
        let horner = |c: &[f64; 8]| c.iter().rev().fold(0.0, |acc, &k| acc * r + k);
        horner(num) / horner(den)
    }

    if p.is_nan() || !(0.0..=1.0).contains(&p) {
        return f64::NAN;
    }
    if p == 0.0 {
        return f64::NEG_INFINITY;
    }
    if p == 1.0 {
        return f64::INFINITY;
    }
    let q = p - 0.5;
    if q.abs() <= 0.425 {
        return q * ratio(&A, &B, 0.180625 - q * q);
    }
    let r = (-(if q < 0.0 { p } else { 1.0 - p }).ln()).sqrt();
    let z = if r <= 5.0 {
        ratio(&C, &D, r - 1.6)
    } else {
        ratio(&E, &F, r - 5.0)
    };
    if q < 0.0 { -z } else { z }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rel(a: f64, b: f64) -> f64 {
        ((a - b) / b).abs()
    }

    #[test]
    fn z_values_are_the_normal_quantiles() {
        assert!(rel(inv_cdf(0.95), Z90) < 1e-15);
        assert!(rel(inv_cdf(0.975), Z95) < 1e-15);
        assert!(rel(cdf(Z90), 0.95) < 1e-15 && rel(cdf(Z95), 0.975) < 1e-15);
    }

    #[test]
    fn cdf_matches_reference_values() {
        // Reference values from mpmath.ncdf at 50 digits.
        let cases = [
            (0.0, 0.5),
            (-0.5, 0.3085375387259869),
            (-1.0, 0.15865525393145705),
            (-2.0, 0.02275013194817921),
            (-5.0, 2.866515718791939e-7),
            (-10.0, 7.619853024160525e-24),
            (-37.0, 5.725571222524577e-300),
            (1.0, 0.8413447460685429),
        ];
        for (x, want) in cases {
            assert!(rel(cdf(x), want) < 1e-14, "cdf({x}) = {} != {want}", cdf(x));
        }
        assert_eq!(cdf(f64::NEG_INFINITY), 0.0);
        assert_eq!(cdf(f64::INFINITY), 1.0);
        assert!(cdf(f64::NAN).is_nan());
    }

    #[test]
    fn inv_cdf_matches_reference_values() {
        // Reference values from mpmath at 50 digits.
        let cases = [
            (0.5, 0.0),
            (0.05, -1.6448536269514726),
            (0.95, 1.6448536269514722),
            (0.1, -1.2815515655446004),
            (1e-10, -6.361340902404057),
            (1e-300, -37.0470962993612),
        ];
        for (p, want) in cases {
            let got = inv_cdf(p);
            assert!(
                got == want || rel(got, want) < 1e-14,
                "inv_cdf({p}) = {got} != {want}"
            );
        }
        assert_eq!(inv_cdf(0.0), f64::NEG_INFINITY);
        assert_eq!(inv_cdf(1.0), f64::INFINITY);
        assert!(inv_cdf(1.5).is_nan());
    }

    #[test]
    fn inv_cdf_inverts_cdf() {
        // Lower tail only: for x > 0, cdf(x) is within 1e-16 of 1 and
        // cannot carry the precision back (callers use symmetry there).
        for i in -370..=0 {
            let x = f64::from(i) / 10.0;
            let back = inv_cdf(cdf(x));
            assert!(
                (back - x).abs() < 1e-9 * x.abs().max(1.0),
                "x = {x}, back = {back}"
            );
        }
    }
}
