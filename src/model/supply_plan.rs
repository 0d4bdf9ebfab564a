//! Dated supply rates within a year (a producer's `supply_plan`, docs/model.md §3a).
//!
//! Why: the model otherwise offers each year's export supply at one rate, the year's average. An
//! outage costs what it cuts from the rate in force, so where the record gives the rate of the
//! months an outage hit (December 2025's loading plan at the CPC terminal), an average rate
//! misstates the loss. A plan sets the rate between its dates and scales the rest of the year so
//! that the year's total, the cited annual anchor, is unchanged. A year that no plan touches
//! runs exactly as before: the periods exist only where a plan does.

use crate::scenario::dates::{YEAR_DAYS, parse_date};
use crate::scenario::schema::Scenario;

/// One year's periods of constant supply rates, for the years some plan touches.
#[derive(Debug, Clone, PartialEq)]
pub struct YearPlan {
    /// Period boundaries in days from the horizon start: period `k` is
    /// `bounds[k]..bounds[k + 1]`, together the whole year.
    pub bounds: Vec<f64>,
    /// `rates[k * producers + p]`: producer `p`'s planned rate in period `k` (Mt/yr), or `None`
    /// where no plan of `p` is in force (the rest of the year, scaled).
    pub rates: Vec<Option<f64>>,
    /// Per producer: the days of the year its plan covers, and the volume (Mt) it plans on them.
    pub planned_days: Vec<f64>,
    pub planned_volume: Vec<f64>,
}

impl YearPlan {
    pub fn periods(&self) -> usize {
        self.bounds.len() - 1
    }

    /// Each producer's supply rate (Mt/yr) in period `k`, given its year's supply `annual`
    /// (the year's average): the plan's rate where one is in force, else the rate that makes
    /// the year's total `annual`, `max(0, annual − planned volume) · D / (D − planned days)`.
    pub fn rates_in(&self, k: usize, annual: &[f64], out: &mut Vec<f64>) {
        let n = annual.len();
        out.clear();
        out.extend(annual.iter().enumerate().map(|(p, &s)| {
            self.rates[k * n + p].unwrap_or_else(|| {
                let rest = YEAR_DAYS - self.planned_days[p];
                if self.planned_days[p] == 0.0 {
                    s
                } else {
                    (s - self.planned_volume[p]).max(0.0) * YEAR_DAYS / rest
                }
            })
        }));
    }

    /// Each producer's supply over the year (Mt): `annual`, or the planned volume where that
    /// alone is larger (the rest of the year then offers nothing).
    pub fn year_total(&self, annual: &mut [f64]) {
        for (s, &v) in annual.iter_mut().zip(&self.planned_volume) {
            *s = s.max(v);
        }
    }
}

/// The plans of a validated scenario, one entry per year of the horizon (`None`: no plan).
pub fn compile(s: &Scenario, years: &[i32]) -> Vec<Option<YearPlan>> {
    let n = s.producers.len();
    // Every plan entry as (producer, start, end) in days from the horizon start, end exclusive.
    let day = |date: &str| {
        let (y, d) = parse_date(date).expect("validated");
        f64::from(y - years[0]) * YEAR_DAYS + f64::from(d)
    };
    let entries: Vec<(usize, f64, f64, f64)> = s
        .producers
        .iter()
        .enumerate()
        .flat_map(|(p, pr)| {
            pr.supply_plan
                .iter()
                .map(move |e| (p, day(&e.start), day(&e.end) + 1.0, e.rate))
        })
        .collect();
    (0..years.len())
        .map(|t| {
            let (lo, hi) = (t as f64 * YEAR_DAYS, (t + 1) as f64 * YEAR_DAYS);
            let here: Vec<_> = entries
                .iter()
                .map(|&(p, a, b, r)| (p, a.max(lo), b.min(hi), r))
                .filter(|&(_, a, b, _)| a < b)
                .collect();
            if here.is_empty() {
                return None;
            }
            let mut bounds = vec![lo, hi];
            bounds.extend(here.iter().flat_map(|&(_, a, b, _)| [a, b]));
            bounds.sort_by(f64::total_cmp);
            bounds.dedup();
            let mut rates = Vec::with_capacity((bounds.len() - 1) * n);
            for w in bounds.windows(2) {
                let mid = 0.5 * (w[0] + w[1]);
                rates.extend((0..n).map(|p| {
                    here.iter()
                        .find(|&&(q, a, b, _)| q == p && a <= mid && mid < b)
                        .map(|e| e.3)
                }));
            }
            let mut planned_days = vec![0.0; n];
            let mut planned_volume = vec![0.0; n];
            for &(p, a, b, r) in &here {
                planned_days[p] += b - a;
                planned_volume[p] += r * (b - a) / YEAR_DAYS;
            }
            Some(YearPlan {
                bounds,
                rates,
                planned_days,
                planned_volume,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan() -> YearPlan {
        // One producer of two; December (days 334..365) at 120 Mt/yr.
        YearPlan {
            bounds: vec![0.0, 334.0, 365.0],
            rates: vec![None, None, Some(120.0), None],
            planned_days: vec![31.0, 0.0],
            planned_volume: vec![120.0 * 31.0 / 365.0, 0.0],
        }
    }

    #[test]
    fn the_rest_of_the_year_keeps_the_years_total() {
        let p = plan();
        let annual = [100.0, 7.0];
        let mut r = Vec::new();
        let mut total = [0.0; 2];
        for k in 0..p.periods() {
            p.rates_in(k, &annual, &mut r);
            let share = (p.bounds[k + 1] - p.bounds[k]) / YEAR_DAYS;
            for (t, x) in total.iter_mut().zip(&r) {
                *t += share * x;
            }
        }
        p.rates_in(1, &annual, &mut r);
        assert_eq!(r, [120.0, 7.0], "the plan's rate, and no plan's average");
        p.rates_in(0, &annual, &mut r);
        // (100 − 120·31/365) · 365/334 = (36,500 − 3,720)/334.
        assert!((r[0] - 32_780.0 / 334.0).abs() < 1e-12);
        assert!((total[0] - 100.0).abs() < 1e-12 && (total[1] - 7.0).abs() < 1e-12);
    }

    #[test]
    fn a_plan_above_the_years_total_leaves_nothing_for_the_rest() {
        let p = plan();
        let mut r = Vec::new();
        p.rates_in(0, &[5.0, 7.0], &mut r);
        assert_eq!(r[0], 0.0);
        let mut total = [5.0, 7.0];
        p.year_total(&mut total);
        assert!((total[0] - 120.0 * 31.0 / 365.0).abs() < 1e-12);
        assert_eq!(total[1], 7.0);
    }
}
