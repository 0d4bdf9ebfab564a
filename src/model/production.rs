//! A producer's crude output in a simulated year, from anchor years and growth rates.
//!
//! Within the anchors' span the value is interpolated (linear, log-linear or step); before the
//! first anchor it is the first anchor's value; after the last anchor it is the last anchor's
//! value times the compounded growth since: P(y) = A·Π_{k ≤ y} (1 + g(k)). Because the anchor is
//! read each year, an anchor drawn `PerYear` fluctuates around the trend instead of drifting.
//! Output is capped at `limits::MAX_VOLUME` (compounded growth can pass any bound).

use super::compile::Producer;
use super::params::Values;
use crate::scenario::limits::MAX_VOLUME;

/// Bound on the compounded growth factor, so that it stays finite over any horizon (a 100%
/// rate for 400 years would overflow f64) and anchor × factor cannot be 0 × ∞.
const MAX_FACTOR: f64 = 1e300;

/// Output in year `year`, simulated year `t` (Mt/yr). `growth` carries the compounded growth
/// factor from year to year within a trial; it is reset at `t == 0`.
pub fn output(p: &Producer, values: &Values, year: i32, t: usize, growth: &mut f64) -> f64 {
    let (last_year, last) = *p.anchors.last().expect("validated: at least one anchor");
    if year > last_year {
        if t == 0 {
            // Compound through the years between the last anchor and the horizon's start.
            *growth = p
                .growth_before
                .iter()
                .map(|g| 1.0 + values.get(*g))
                .fold(1.0, |f, g| (f * g).min(MAX_FACTOR));
        }
        *growth = (*growth * (1.0 + values.get(p.growth[t]))).min(MAX_FACTOR);
        return (values.get(last) * *growth).clamp(0.0, MAX_VOLUME);
    }
    let after = p.anchors.partition_point(|(y, _)| *y < year);
    if after == 0 {
        return values.get(p.anchors[0].1);
    }
    let (y1, v1) = p.anchors[after];
    if y1 == year {
        return values.get(v1);
    }
    let (y0, v0) = p.anchors[after - 1];
    let w = f64::from(year - y0) / f64::from(y1 - y0);
    p.interpolation.between(values.get(v0), values.get(v1), w)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::params::Param;
    use crate::scenario::schema::Interpolation;

    fn producer(
        anchors: &[(i32, f64)],
        interpolation: Interpolation,
        growth: f64,
        years: usize,
    ) -> Producer {
        Producer {
            name: "P".into(),
            anchors: anchors.iter().map(|&(y, v)| (y, Param::Const(v))).collect(),
            interpolation,
            growth: vec![Param::Const(growth); years],
            growth_before: vec![],
            export_share: Param::Const(1.0),
            domestic_refining: Param::Const(0.0),
            barrels_per_tonne: Param::Const(7.5),
            quota: None,
            make_up: None,
            lanes: vec![],
        }
    }

    #[test]
    fn interpolates_between_anchors() {
        let v = Values::default();
        let lin = producer(
            &[(2024, 80.0), (2028, 100.0)],
            Interpolation::Linear,
            0.0,
            1,
        );
        assert_eq!(output(&lin, &v, 2026, 2, &mut 1.0), 90.0);
        assert_eq!(output(&lin, &v, 2020, 0, &mut 1.0), 80.0);
        let step = producer(&[(2024, 80.0), (2028, 100.0)], Interpolation::Step, 0.0, 1);
        assert_eq!(output(&step, &v, 2027, 3, &mut 1.0), 80.0);
        let log = producer(
            &[(2024, 80.0), (2026, 125.0)],
            Interpolation::LogLinear,
            0.0,
            1,
        );
        assert!((output(&log, &v, 2025, 1, &mut 1.0) - 100.0).abs() < 1e-12);
    }

    #[test]
    fn compounds_growth_after_the_last_anchor() {
        let v = Values::default();
        let mut p = producer(&[(2024, 100.0)], Interpolation::Linear, -0.1, 3);
        p.growth_before = vec![];
        let mut g = 1.0;
        assert!((output(&p, &v, 2025, 0, &mut g) - 90.0).abs() < 1e-12);
        assert!((output(&p, &v, 2026, 1, &mut g) - 81.0).abs() < 1e-12);
        // Horizon starting two years after the anchor compounds the gap year too.
        p.growth_before = vec![Param::Const(-0.1)];
        assert!((output(&p, &v, 2026, 0, &mut 1.0) - 81.0).abs() < 1e-12);
    }
}
