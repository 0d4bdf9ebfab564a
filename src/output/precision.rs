//! Honest precision: the one rule for how many digits a statistic shows to people (console,
//! reports, chart labels). JSON, CSV and the workbook keep full values.
//!
//! Why: printed as "312,320.0" or "−4,096.0 (90% interval −6,144.0 to +2,048.0)", a Monte Carlo
//! estimate claims digits that the next seed changes. The rule: **three significant figures,
//! and fewer when the estimate's 95% interval is wider than that**: the last digit shown is the
//! coarser of the value's third significant figure and the interval half-width's second. So a
//! median known to ±1.4 shows as 95.5, the same median from 20 trials (±14) as 95, and an
//! interval's ends share their estimate's last digit. Percentiles carry the sampling uncertainty
//! of an order statistic (`percentile_half_width`) plus the histogram's read-out error (docs/
//! model.md, "Percentiles"); a mean carries 1.96 standard errors.

use crate::stats::{Stats, Z95};

/// Below this magnitude (in the unit shown) a value is floating-point residue, shown as 0.
const NOISE: f64 = 1e-9;

/// The power of ten of the last digit `v` shows when its 95% interval is `v ± half_width`
/// (`half_width` 0 when unknown or exact): 2 for hundreds, −1 for tenths.
pub fn last_place(v: f64, half_width: f64) -> i32 {
    let of_value = if v.abs() >= NOISE && v.is_finite() {
        v.abs().log10().floor() as i32 - 2
    } else {
        i32::MIN
    };
    let of_uncertainty = if half_width > 0.0 && half_width.is_finite() {
        half_width.log10().floor() as i32 - 1
    } else {
        i32::MIN
    };
    match of_value.max(of_uncertainty) {
        // Zero known exactly: shown as "0".
        i32::MIN => 0,
        p => p,
    }
}

/// `v` rounded to the digit `last_place` gives, as text for people: thousands separated, a
/// typographic minus, no "−0": 312,320 → "312,000"; 95.53 ± 1.4 → "95.5"; 95.53 ± 14 → "96".
pub fn shown(v: f64, half_width: f64) -> String {
    at_place(v, last_place(v, half_width))
}

/// `v` rounded to the digit of power `place` (see `last_place`), as `shown` writes it.
pub fn at_place(v: f64, place: i32) -> String {
    if !v.is_finite() {
        return "–".into();
    }
    // Zero, what rounds to it and floating-point residue (a lost revenue of 1e-13 where
    // undisrupted and disrupted trials agree) read "0": no digits claimed for nothing.
    if v.abs() < NOISE || (v / 10f64.powi(place)).round() == 0.0 {
        return "0".into();
    }
    if place > 0 {
        let step = 10f64.powi(place);
        number((v / step).round() * step, 0)
    } else {
        number(v, (-place).min(12) as usize)
    }
}

/// A change and its interval at the change's precision, so the three share their last
/// digit: "−4,100 (90% interval −6,100 to +2,000)" rather than digits the interval denies.
pub fn with_interval(estimate: f64, lower: f64, upper: f64, level: &str) -> String {
    let (change, interval) = change_cells(estimate, lower, upper);
    format!("{change} ({level} interval {interval})")
}

/// A change and its interval as two cells, at the change's precision: ("−4,100",
/// "−6,100 to +2,000").
pub fn change_cells(estimate: f64, lower: f64, upper: f64) -> (String, String) {
    let place = last_place(estimate, (upper - lower).abs() / 2.0);
    (
        signed(at_place(estimate, place), estimate),
        format!(
            "{} to {}",
            signed(at_place(lower, place), lower),
            signed(at_place(upper, place), upper)
        ),
    )
}

/// A change shown with its sign: "+1,200", "−35", "0".
pub fn signed(text: String, v: f64) -> String {
    if v > 0.0 && text != "0" {
        format!("+{text}")
    } else {
        text
    }
}

/// A share of variance estimated from samples, as people read it: "64% ± 3%". The estimate is
/// a ratio of noisy sums and can fall outside 0–100% when the true share is near an end (with
/// 2,048 trials, 102% ± 6%); a share cannot, so the point shown is clamped to 0–100% and the
/// ± keeps the estimator's own standard error. JSON and CSV keep the raw estimate.
pub fn share(estimate: f64, se: f64) -> String {
    format!(
        "{:.0}% ± {:.0}%",
        100.0 * estimate.clamp(0.0, 1.0),
        100.0 * se
    )
}

/// The half-width of the 95% interval of a mean with standard error `se`.
pub fn mean_half_width(se: f64) -> f64 {
    Z95 * se
}

/// The half-width of the 95% interval of the `q`-percentile of `s` (q one of 0.05, 0.25, 0.5,
/// 0.75, 0.95): the order statistic's sampling error, Z95·√(q(1−q)/n)/f, with the density f
/// read from the neighbouring reported percentiles, plus the histogram's read-out error (at most
/// one bucket, 2^-7 of the value; docs/model.md). 0 when the neighbours coincide (an atom: the value is exact up to
/// the read-out) or `s` is empty.
pub fn percentile_half_width(s: &Stats, q: f64) -> f64 {
    let (v, (ql, xl), (qh, xh)) = match q {
        q if q <= 0.05 => (s.p5, (0.01, s.p1), (0.10, s.p10)),
        q if q <= 0.25 => (s.p25, (0.10, s.p10), (0.50, s.p50)),
        q if q <= 0.5 => (s.p50, (0.25, s.p25), (0.75, s.p75)),
        q if q <= 0.75 => (s.p75, (0.50, s.p50), (0.90, s.p90)),
        _ => (s.p95, (0.90, s.p90), (0.99, s.p99)),
    };
    if s.count == 0 {
        return 0.0;
    }
    let n = s.count as f64;
    let per_probability = (xh - xl).abs() / (qh - ql);
    Z95 * (q * (1.0 - q) / n).sqrt() * per_probability + v.abs() / 128.0
}

/// P5, P25, median, P75, P95 and mean of `s` divided by `divisor` (the display unit's), each
/// to the digits its 95% interval supports: the cells of every percentile table and line.
pub fn percentiles(s: &Stats, divisor: f64) -> [String; 6] {
    let at = |v: f64, h: f64| shown(v / divisor, h / divisor);
    [
        at(s.p5, percentile_half_width(s, 0.05)),
        at(s.p25, percentile_half_width(s, 0.25)),
        at(s.p50, percentile_half_width(s, 0.5)),
        at(s.p75, percentile_half_width(s, 0.75)),
        at(s.p95, percentile_half_width(s, 0.95)),
        at(s.mean, mean_half_width(s.se)),
    ]
}

/// `v` with `decimals` decimals, thousands separators and a typographic minus: "−12,345.6".
pub fn number(v: f64, decimals: usize) -> String {
    if !v.is_finite() {
        return "–".into();
    }
    let text = format!("{:.*}", decimals, v.abs());
    let (int, frac) = match text.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (text.as_str(), None),
    };
    let mut out = crate::format::thousands(int);
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    // No "−0" for values that round to zero.
    if v < 0.0 && out.chars().any(|c| c.is_ascii_digit() && c != '0') {
        format!("−{out}")
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_significant_figures_unless_the_interval_is_wider() {
        assert_eq!(shown(312_320.0, 0.0), "312,000");
        assert_eq!(shown(95.53, 1.4), "95.5");
        assert_eq!(shown(95.53, 14.0), "96");
        assert_eq!(shown(95.53, 140.0), "100");
        assert_eq!(shown(0.4312, 0.0), "0.431");
        assert_eq!(shown(-4_096.0, 4_096.0), "−4,100");
        assert_eq!(shown(0.0, 0.0), "0");
        assert_eq!(shown(0.0, 3.0), "0");
        assert_eq!(shown(-0.0004, 0.01), "0");
        assert_eq!(shown(f64::NAN, 0.0), "–");
    }

    #[test]
    fn an_interval_shares_its_estimate_last_digit() {
        assert_eq!(
            with_interval(-4_096.0, -6_144.0, 2_048.0, "90%"),
            "−4,100 (90% interval −6,100 to +2,000)"
        );
        assert_eq!(
            with_interval(12.34, 12.0, 12.7, "95%"),
            "+12.3 (95% interval +12.0 to +12.7)"
        );
        assert_eq!(
            with_interval(0.0, 0.0, 0.0, "90%"),
            "0 (90% interval 0 to 0)"
        );
    }

    #[test]
    fn percentile_uncertainty_shrinks_with_trials() {
        let mut s = Stats::zero();
        (s.p1, s.p5, s.p10, s.p25, s.p50, s.p75, s.p90, s.p95, s.p99) =
            (60.0, 70.0, 75.0, 85.0, 95.0, 105.0, 115.0, 120.0, 130.0);
        s.count = 400;
        let few = percentile_half_width(&s, 0.5);
        s.count = 40_000;
        let many = percentile_half_width(&s, 0.5);
        // (105 − 85)/0.5 = 40 per unit probability; 1.96·√(0.25/400)·40 = 1.96, + 95/128.
        assert!((few - (1.96 + 95.0 / 128.0)).abs() < 1e-3, "{few}");
        assert!(many < few / 2.0, "{many} {few}");
    }

    #[test]
    fn a_share_is_shown_within_0_and_100_percent() {
        assert_eq!(share(1.02, 0.06), "100% ± 6%");
        assert_eq!(share(-0.01, 0.02), "0% ± 2%");
        assert_eq!(share(0.644, 0.031), "64% ± 3%");
    }
}
