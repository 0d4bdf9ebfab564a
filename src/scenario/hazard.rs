//! Expected events per year on each asset: what a rising or falling hazard means in numbers.
//!
//! Why: a frequency schedule (`RateByYear`, `ProbabilityByYear`) and a regime chain whose
//! transition rows change by year (`next_by_year`) together decide how often each asset is hit
//! in each year, and neither says it on its own: a chain may drift towards calm while a rate
//! rises. `explain` prints these numbers so that a reviewer sees whether "rising" rises. They
//! follow the model's own rules (docs/model.md §4 and §6) exactly, with one assumption: an
//! uncertain frequency enters at its mean (exact for a rate, whose expected count is linear in
//! it; for an annual probability under a regime multiplier other than 1 it is an approximation).

use super::limits::MAX_OUTAGES_PER_YEAR;
use super::schema::{Disruption, Scenario};

/// The probability of each regime state in each year of the horizon, `[t][state]`: the
/// `initial` probabilities in the first year, then one step of the chain a year with the rows
/// in force in the year stepped into (`π_t = π_{t−1} · P_t`). Empty rows without regimes.
pub fn regime_shares(s: &Scenario) -> Vec<Vec<f64>> {
    let h = &s.horizon;
    let n = s.regimes.len();
    let mut shares: Vec<Vec<f64>> = Vec::new();
    let mut p: Vec<f64> = s.regimes.iter().map(|r| r.initial).collect();
    for y in h.first_year..=h.last_year {
        if y > h.first_year {
            let mut q = vec![0.0; n];
            for (r, from) in s.regimes.iter().zip(&p) {
                for (to, t) in q.iter_mut().zip(r.next_in(y)) {
                    *to += from * t;
                }
            }
            p = q;
        }
        shares.push(p.clone());
    }
    shares
}

/// Expected events of disruption `d` whose season begins in each year of the horizon (a season
/// that wraps the year end counts in the year it begins), given the regime shares of each year.
pub fn expected_events(s: &Scenario, d: &Disruption, shares: &[Vec<f64>]) -> Vec<f64> {
    let h = &s.horizon;
    (h.first_year..=h.last_year)
        .zip(shares)
        .map(|(y, share)| {
            if d.years.is_some_and(|(a, b)| !(a..=b).contains(&y)) {
                return 0.0;
            }
            let base = d.frequency.in_force(y).map_or(0.0, |u| {
                u.spec().0.build().map_or(f64::NAN, |law| law.mean())
            });
            let count = |m: f64| {
                if d.frequency.is_rate() {
                    // The model caps a year's rate at the limit `check` applies.
                    (base.max(0.0) * m).min(MAX_OUTAGES_PER_YEAR)
                } else {
                    1.0 - (1.0 - base.clamp(0.0, 1.0)).powf(m)
                }
            };
            if s.regimes.is_empty() {
                count(1.0)
            } else {
                s.regimes
                    .iter()
                    .zip(share)
                    .map(|(r, w)| w * count(r.multiplier_for(d)))
                    .sum()
            }
        })
        .collect()
}

/// Expected events a year on each asset that some disruption hits (an event hits every asset
/// of its disruption), in the order the assets are listed.
pub fn by_asset(s: &Scenario) -> Vec<(&str, Vec<f64>)> {
    let shares = regime_shares(s);
    let per: Vec<Vec<f64>> = s
        .disruptions
        .iter()
        .map(|d| expected_events(s, d, &shares))
        .collect();
    s.assets
        .iter()
        .filter_map(|a| {
            let mut total = vec![0.0; shares.len()];
            let mut hit = false;
            for (d, events) in s.disruptions.iter().zip(&per) {
                if d.assets.contains(&a.name) {
                    hit = true;
                    total.iter_mut().zip(events).for_each(|(t, e)| *t += e);
                }
            }
            hit.then_some((a.name.as_str(), total))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::load_str;

    /// A calm/tense chain that turns tense from 2027, and a drone rate that doubles in 2026.
    const TEXT: &str = r#"Scenario(name: "x", horizon: (first_year: 2025, last_year: 2028),
        producers: [(name: "P", production: (anchors: { 2025: 1.0 }), barrels_per_tonne: 7.0)],
        assets: [(name: "A", capacity: { 2025: 1.0 }), (name: "B", capacity: { 2025: 1.0 }),
                 (name: "C", capacity: { 2025: 1.0 })],
        routes: [(name: "R", producers: ["P"], assets: ["A"])],
        disruptions: [
            (name: "D", assets: ["A", "B"], tags: ["drone"], frequency: RateByYear({ 2025: 0.5, 2026: 1.0 }),
             duration_days: 5.0, severity: 1.0),
            (name: "Q", assets: ["A"], frequency: Probability(0.2), duration_days: 5.0,
             severity: 1.0, years: (2026, 2027)),
        ],
        regimes: [
            (name: "calm", initial: 1.0, next: [1.0, 0.0], next_by_year: { 2027: [0.5, 0.5] }),
            (name: "tense", initial: 0.0, next: [0.0, 1.0], frequency_multipliers: { "drone": 3.0, "Q": 2.0 }),
        ],
        prices: (benchmark: PerYear(50.0)))"#;

    #[test]
    fn shares_follow_the_rows_in_force_and_events_add_up_per_asset() {
        let s = load_str(TEXT, "x.ron").unwrap().scenario;
        // Calm until 2026; from 2027 half of calm turns tense each year, tense stays.
        assert_eq!(
            regime_shares(&s),
            vec![
                vec![1.0, 0.0],
                vec![1.0, 0.0],
                vec![0.5, 0.5],
                vec![0.25, 0.75]
            ]
        );
        let drone = |rate: f64, tense: f64| rate * (1.0 - tense) + 3.0 * rate * tense;
        let q = |tense: f64| 0.2 * (1.0 - tense) + (1.0 - 0.8f64.powi(2)) * tense;
        let want_b = [
            drone(0.5, 0.0),
            drone(1.0, 0.0),
            drone(1.0, 0.5),
            drone(1.0, 0.75),
        ];
        let want_a = [want_b[0], want_b[1] + q(0.0), want_b[2] + q(0.5), want_b[3]];
        let got = by_asset(&s);
        assert_eq!(got.len(), 2, "C is hit by nothing");
        for ((name, events), want) in got.iter().zip([&want_a, &want_b]) {
            for (e, w) in events.iter().zip(want) {
                assert!((e - w).abs() < 1e-12, "{name}: {events:?} vs {want:?}");
            }
        }
    }
}
