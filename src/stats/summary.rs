//! The finished, exported summary of one output variable.

use serde::{Deserialize, Serialize};

/// Percentiles reported in [`Stats`], in field order.
pub const PERCENTILES: [(&str, f64); 9] = [
    ("p1", 0.01),
    ("p5", 0.05),
    ("p10", 0.10),
    ("p25", 0.25),
    ("p50", 0.50),
    ("p75", 0.75),
    ("p90", 0.90),
    ("p95", 0.95),
    ("p99", 0.99),
];

/// Summary statistics of one variable. Every field is finite; an empty
/// accumulator gives `count == 0` and all zeros. Percentiles use the
/// nearest-rank definition, each within 2^-7 relative of the exact sample
/// percentile (interpolated in its histogram bucket); mean and sd are within 2^-21 absolute (fixed-point input).
/// Serde field order is part of the output format: do not reorder.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Stats {
    pub count: u64,
    pub mean: f64,
    pub sd: f64,
    /// Standard error of the mean, sd/√count.
    pub se: f64,
    pub min: f64,
    pub p1: f64,
    pub p5: f64,
    pub p10: f64,
    pub p25: f64,
    pub p50: f64,
    pub p75: f64,
    pub p90: f64,
    pub p95: f64,
    pub p99: f64,
    pub max: f64,
}

impl Stats {
    /// All zeros: the defined result for no observations (outputs must be
    /// finite, so no NaN).
    pub fn zero() -> Self {
        Self::from_parts(0, [0.0; 4], [0.0; 9], 0.0)
    }

    /// Builds from `[mean, sd, se, min]`, the nine [`PERCENTILES`] and max.
    pub(crate) fn from_parts(count: u64, m: [f64; 4], p: [f64; 9], max: f64) -> Self {
        let [mean, sd, se, min] = m;
        let [p1, p5, p10, p25, p50, p75, p90, p95, p99] = p;
        Self {
            count,
            mean,
            sd,
            se,
            min,
            p1,
            p5,
            p10,
            p25,
            p50,
            p75,
            p90,
            p95,
            p99,
            max,
        }
    }

    /// `(name, value)` in export order: mean, sd, se, min, p1…p99, max
    /// (`count` is an integer and exported separately).
    pub fn fields(&self) -> Vec<(&'static str, f64)> {
        let p = [
            self.p1, self.p5, self.p10, self.p25, self.p50, self.p75, self.p90, self.p95, self.p99,
        ];
        let mut v = vec![
            ("mean", self.mean),
            ("sd", self.sd),
            ("se", self.se),
            ("min", self.min),
        ];
        v.extend(PERCENTILES.iter().zip(p).map(|(&(name, _), x)| (name, x)));
        v.push(("max", self.max));
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_follow_serde_order() {
        let s = Stats::from_parts(
            3,
            [1.0, 2.0, 3.0, 4.0],
            [5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0],
            14.0,
        );
        // Serialise to text (field order as written, whatever map type
        // serde_json is built with) and check keys appear in fields() order.
        let json = serde_json::to_string(&s).unwrap();
        let mut names = vec!["count"];
        names.extend(s.fields().iter().map(|f| f.0));
        let pos: Vec<usize> = names
            .iter()
            .map(|n| json.find(&format!("\"{n}\":")).unwrap())
            .collect();
        assert!(pos.windows(2).all(|w| w[0] < w[1]), "{json}");
        let vals: Vec<f64> = s.fields().iter().map(|f| f.1).collect();
        assert_eq!(vals, (1..=14).map(f64::from).collect::<Vec<_>>());
        assert_eq!(Stats::zero().fields().len(), 14);
    }
}
