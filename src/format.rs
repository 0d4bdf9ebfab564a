//! Numbers as people read them in messages and generated text: no trailing zeros, no "-0".
//!
//! Why one module: `check`'s messages (`scenario::echo`), `explain`, a variant's changes in words
//! and the RON that `fit-events` prints each wrote their own trimming, and each could print "-0"
//! for a tiny negative value; charts, reports and merge messages grouped thousands twice. It sits
//! at the bottom of the crate, below `scenario`, so every layer can use it. (Charts and reports
//! choose their decimals and minus sign in `output::charts::theme`.)

/// A formatted decimal without trailing zeros after its point, nor a bare point; "-0" reads "0".
pub fn trim_zeros(s: &str) -> String {
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s
    };
    if s == "-0" { "0".into() } else { s.into() }
}

/// `x` rounded to at most `decimals` decimals: 0.125 → "0.125", 2.0 → "2", 1/3 → "0.3333" (4).
pub fn decimals(x: f64, decimals: usize) -> String {
    if !x.is_finite() {
        return format!("{x}");
    }
    trim_zeros(&format!("{x:.decimals$}"))
}

/// `x` to `digits` significant digits as plain decimal text, with at most 12 decimals:
/// 46323.596653152 → "46323.6" (6), 0.55123 → "0.5512" (4).
pub fn significant(x: f64, digits: i32) -> String {
    if x == 0.0 || !x.is_finite() {
        return decimals(x, 0);
    }
    let places = (digits - 1 - x.abs().log10().floor() as i32).clamp(0, 12) as usize;
    decimals(x, places)
}

/// `x` to six significant digits, in exponent form beyond [1e-6, 1e15): 46323.6 rather than
/// 46323.596653152, and 1e300 rather than three hundred digits.
pub fn short(x: f64) -> String {
    if x != 0.0 && x.is_finite() && (x.abs() >= 1e15 || x.abs() < 1e-6) {
        let s = format!("{x:.5e}");
        // 4.99999e6 style without trailing zeros in the mantissa: 1.00000e300 → 1e300.
        let (mantissa, exp) = s.split_once('e').unwrap_or((&s, "0"));
        return format!("{}e{exp}", trim_zeros(mantissa));
    }
    significant(x, 6)
}

/// The digits of a whole number with a comma every three from the right: "100000" → "100,000".
pub fn thousands(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trailing_zeros_and_negative_zero_go() {
        assert_eq!(trim_zeros("2.500"), "2.5");
        assert_eq!(trim_zeros("2.000"), "2");
        assert_eq!(trim_zeros("100"), "100");
        assert_eq!(trim_zeros("-0.000"), "0");
        assert_eq!(decimals(-0.00001, 3), "0");
        assert_eq!(decimals(1.0 / 3.0, 4), "0.3333");
        assert_eq!(decimals(1000.0, 3), "1000");
        assert_eq!(decimals(f64::INFINITY, 3), "inf");
    }

    #[test]
    fn thousands_are_grouped_from_the_right() {
        assert_eq!(thousands("1"), "1");
        assert_eq!(thousands("100"), "100");
        assert_eq!(thousands("1000"), "1,000");
        assert_eq!(thousands("100000"), "100,000");
        assert_eq!(thousands("1234567"), "1,234,567");
    }

    #[test]
    fn significant_digits() {
        assert_eq!(significant(0.551_234, 4), "0.5512");
        assert_eq!(significant(108.34, 4), "108.3");
        assert_eq!(significant(2.0, 4), "2");
        assert_eq!(significant(123_456.7, 4), "123457");
        assert_eq!(significant(1e-20, 4), "0");
        assert_eq!(significant(-0.0, 4), "0");
    }

    #[test]
    fn short_uses_exponents_only_for_extremes() {
        assert_eq!(short(46_323.596_653_152), "46323.6");
        assert_eq!(short(1e300), "1e300");
        assert_eq!(short(4.999_99e6), "4999990");
        assert_eq!(short(2.5e-7), "2.5e-7");
        assert_eq!(short(-1.5e20), "-1.5e20");
        assert_eq!(short(0.0), "0");
        assert_eq!(short(f64::NEG_INFINITY), "-inf");
        assert_eq!(short(f64::NAN), "NaN");
        assert_eq!(short(-1e308), "-1e308");
    }
}
