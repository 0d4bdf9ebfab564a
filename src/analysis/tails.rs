//! Tail metrics for policy and the uncertainty of every reported statistic.
//!
//! Why: a ministry plans for the bad year, not the average one, and a percentile from 10,000
//! trials is itself uncertain. So this module turns a run's mergeable histograms into
//! - value-at-risk and expected shortfall of a horizon total (the "bad" tail is the low one for
//!   revenue-like metrics and the high one for losses, stranded volume and outage days), and
//! - confidence intervals: mean ± z·se, and distribution-free order-statistic intervals for
//!   percentiles (`LogHistogram::quantile_interval`).
//!
//! Expected shortfall is computed from the histogram's buckets: the worst ⌈α·n⌉ trials are
//! taken bucket by bucket from the bad end, each at its bucket's midpoint (clamped to the exact
//! min/max), the boundary bucket pro rata. Every value lies within 2^-8 relative of its bucket's
//! midpoint, so for a tail of one sign the result is within 2^-8 ≈ 0.39 % relative of the exact
//! sample expected shortfall (and within 2^-8 · mean|x| absolute in general).

use serde::Serialize;

use crate::stats::{Accumulator, LogHistogram, PERCENTILES, Z95};

/// Which end of a metric's distribution is the bad one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BadTail {
    Low,
    High,
}

impl BadTail {
    /// Revenue, volumes exported and fees are bad when low; losses, stranded volume, tariffs
    /// paid and outage days when high. `None` for metrics with no natural bad side.
    pub fn of_kind(kind: &str) -> Option<BadTail> {
        match kind {
            "revenue" | "revenue_undisrupted" | "export_volume" | "transit_fees" => {
                Some(BadTail::Low)
            }
            "lost_revenue" | "lost_volume" | "displaced_volume" | "stranded_volume"
            | "outage_days" => Some(BadTail::High),
            _ => None,
        }
    }
}

/// Mean of the worst `alpha` share of the recorded values (at least one value), from the
/// histogram (see the module header for accuracy). 0 when empty.
pub fn expected_shortfall(h: &LogHistogram, alpha: f64, tail: BadTail) -> f64 {
    let n = h.count();
    if n == 0 {
        return 0.0;
    }
    let want = (alpha.clamp(0.0, 1.0) * n as f64).ceil().max(1.0);
    let mut buckets = h.buckets();
    if tail == BadTail::High {
        buckets.reverse();
    }
    let (min, max) = (h.min(), h.max());
    let (mut taken, mut sum) = (0.0f64, 0.0f64);
    for &(lo, hi, c) in &buckets {
        // Edges are clamped to the exact min and max, so the extreme buckets stay inside them.
        let mid = (0.5 * (lo + hi)).clamp(min, max);
        let take = (want - taken).min(c as f64);
        sum += take * mid;
        taken += take;
        if taken >= want {
            break;
        }
    }
    sum / taken
}

/// Value-at-risk and expected shortfall of one horizon metric at level `alpha`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Tail {
    pub alpha: f64,
    pub tail: BadTail,
    /// The α-quantile of the bad tail (P5 for revenue, P95 for losses at α = 5%).
    pub quantile: f64,
    /// 95% interval of that quantile.
    pub quantile_lower: f64,
    pub quantile_upper: f64,
    /// Value-at-risk relative to the median: how much worse than the median the quantile is
    /// (positive = worse).
    pub var_from_median: f64,
    /// Mean of the worst α share of trials.
    pub expected_shortfall: f64,
    /// How much worse than the median that mean is (positive = worse).
    pub es_from_median: f64,
}

/// Tail statistics of `acc` at level `alpha`.
pub fn tail(acc: &Accumulator, alpha: f64, tail: BadTail) -> Tail {
    let h = acc.histogram();
    let q = match tail {
        BadTail::Low => alpha,
        BadTail::High => 1.0 - alpha,
    };
    let quantile = h.quantile(q);
    let (lo, hi) = h.quantile_interval(q, Z95);
    let median = h.quantile(0.5);
    let es = expected_shortfall(h, alpha, tail);
    let worse = |v: f64| match tail {
        BadTail::Low => median - v,
        BadTail::High => v - median,
    };
    Tail {
        alpha,
        tail,
        quantile,
        quantile_lower: lo,
        quantile_upper: hi,
        var_from_median: worse(quantile),
        expected_shortfall: es,
        es_from_median: worse(es),
    }
}

/// One statistic with its 95% interval.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Interval {
    pub stat: &'static str,
    pub estimate: f64,
    pub lower: f64,
    pub upper: f64,
}

/// The mean (± z·se, normal approximation) and every reported percentile (order-statistic
/// interval, conservative by one histogram bucket) of `acc`, at confidence `z`.
pub fn intervals(acc: &Accumulator, z: f64) -> Vec<Interval> {
    let s = acc.finish();
    let h = acc.histogram();
    let mut out = vec![Interval {
        stat: "mean",
        estimate: s.mean,
        lower: s.mean - z * s.se,
        upper: s.mean + z * s.se,
    }];
    for &(name, q) in &PERCENTILES {
        let (lower, upper) = h.quantile_interval(q, z);
        out.push(Interval {
            stat: name,
            estimate: h.quantile(q),
            lower,
            upper,
        });
    }
    out
}

/// Half-width of the 95% interval of `stat` ("mean" or "pNN"), relative to |estimate|; `None`
/// for an unknown stat. Infinite when the estimate is 0 and the interval is not.
pub fn relative_half_width(acc: &Accumulator, stat: &str) -> Option<f64> {
    let (est, lo, hi) = if stat == "mean" {
        let s = acc.finish();
        (s.mean, s.mean - Z95 * s.se, s.mean + Z95 * s.se)
    } else {
        let q = parse_percentile(stat)?;
        let h = acc.histogram();
        let (lo, hi) = h.quantile_interval(q, Z95);
        (h.quantile(q), lo, hi)
    };
    let half = 0.5 * (hi - lo);
    Some(if half == 0.0 {
        0.0
    } else if est == 0.0 {
        f64::INFINITY
    } else {
        half / est.abs()
    })
}

/// "p5" → 0.05, "p99.9" → 0.999 (0 < q < 1); "median" → 0.5.
pub fn parse_percentile(stat: &str) -> Option<f64> {
    if stat == "median" {
        return Some(0.5);
    }
    let v: f64 = stat.strip_prefix('p')?.parse().ok()?;
    (v > 0.0 && v < 100.0).then_some(v / 100.0)
}

/// Tail levels written to tails.csv.
pub const ALPHAS: [f64; 2] = [0.05, 0.01];

#[cfg(test)]
mod tests {
    use super::*;

    fn acc_of(values: impl IntoIterator<Item = f64>) -> Accumulator {
        let mut a = Accumulator::new();
        for v in values {
            a.record(v);
        }
        a
    }

    #[test]
    fn expected_shortfall_matches_exact_within_bucket_accuracy() {
        // 1..=1000: the worst 5% low values are 1..=50 (mean 25.5); high 951..=1000 (975.5).
        let a = acc_of((1..=1000).map(f64::from));
        let h = a.histogram();
        let lo = expected_shortfall(h, 0.05, BadTail::Low);
        let hi = expected_shortfall(h, 0.05, BadTail::High);
        assert!((lo - 25.5).abs() <= 25.5 * 2f64.powi(-8) + 1e-9, "{lo}");
        assert!((hi - 975.5).abs() <= 975.5 * 2f64.powi(-8) + 1e-9, "{hi}");
        let t = tail(&a, 0.05, BadTail::Low);
        assert!(t.expected_shortfall <= t.quantile + 1e-9);
        assert!(t.var_from_median > 0.0 && t.es_from_median >= t.var_from_median);
    }

    #[test]
    fn shortfall_of_one_value_and_empty() {
        let h = acc_of([7.0]).histogram().clone();
        assert_eq!(expected_shortfall(&h, 0.05, BadTail::Low), 7.0);
        assert_eq!(
            expected_shortfall(&LogHistogram::new(), 0.05, BadTail::High),
            0.0
        );
    }

    #[test]
    fn intervals_contain_their_estimates() {
        let a = acc_of((0..5000).map(|i| f64::from(i % 97) * 1.5 - 20.0));
        for i in intervals(&a, Z95) {
            assert!(i.lower <= i.estimate && i.estimate <= i.upper, "{i:?}");
        }
        assert!(relative_half_width(&a, "p5").unwrap() > 0.0);
        assert!(relative_half_width(&a, "mean").unwrap() > 0.0);
        assert_eq!(relative_half_width(&a, "sd"), None);
    }

    #[test]
    fn percentiles_parse() {
        assert_eq!(parse_percentile("p5"), Some(0.05));
        assert_eq!(parse_percentile("p99.5"), Some(0.995));
        assert_eq!(parse_percentile("median"), Some(0.5));
        assert_eq!(parse_percentile("p0"), None);
        assert_eq!(parse_percentile("p100"), None);
        assert_eq!(parse_percentile("x5"), None);
    }
}
