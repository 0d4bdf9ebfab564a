//! The table of a scenario's uncertain inputs: what `explain` lists and reports cite.
//!
//! Why a table of its own: a reviewer and a report's reader both ask, for every number that is
//! drawn, "what law, what range, in what unit, drawn when?" — and they must get the same answer
//! under the same name an analyst types into `sweep --set` or `correlations`. Each row comes from
//! the one walk over the scenario (`fields::numbers`), so a new field appears here unedited.

use super::explain::describe_law;
use super::fields::{Number, Timing, Value, numbers};
use super::provenance::{self, Source};
use super::schema::Scenario;
use super::uncertain::Draw;
use crate::distributions::DistSpec;

/// One uncertain input.
#[derive(Debug, Clone, PartialEq)]
pub struct InputRow {
    /// The name path (`routes[CPC].differential`).
    pub path: String,
    /// The law in words (`uniform −1.2 to −0.5`), without when it is drawn.
    pub law: String,
    /// The law's 5th, 50th and 95th percentiles.
    pub p5: f64,
    pub p50: f64,
    pub p95: f64,
    pub unit: &'static str,
    /// When it is drawn: "per trial", "each year", "each event", or "fixed".
    pub drawn: &'static str,
    /// Where it comes from (the scenario's `sources`), if the file says.
    pub source: Option<Source>,
    /// Fixed at the schema's default (no tariff, no storage, ...) with no source given: what a
    /// file that does not write the number gets.
    pub default: bool,
}

/// Every number of `s` that is drawn rather than fixed, in file order.
pub fn rows(s: &Scenario) -> Vec<InputRow> {
    numbers(s)
        .iter()
        .filter_map(|n| row(s, n))
        .filter(|r| r.drawn != FIXED)
        .collect()
}

/// Every number of `s`, drawn or fixed, in file order: the "Inputs and assumptions" table of
/// `explain` and the reports, where a fixed number needs its source as much as a drawn one.
pub fn all(s: &Scenario) -> Vec<InputRow> {
    numbers(s).iter().filter_map(|n| row(s, n)).collect()
}

/// How `drawn` reads for a number that is not drawn.
pub const FIXED: &str = "fixed";

fn row(s: &Scenario, n: &Number) -> Option<InputRow> {
    let (spec, draw) = match n.value {
        Value::Uncertain(u) => u.spec(),
        Value::Plain(v) => (DistSpec::Fixed(v), Draw::PerTrial),
    };
    let dist = spec.build().ok()?;
    let source = provenance::of(s, n).cloned();
    if let Some(v) = dist.is_fixed() {
        return Some(InputRow {
            path: n.name_path(),
            law: describe_law(&DistSpec::Fixed(v)),
            p5: v,
            p50: v,
            p95: v,
            unit: n.field.unit,
            drawn: FIXED,
            default: source.is_none() && provenance::schema_default(n.field) == Some(v),
            source,
        });
    }
    let drawn = match (n.field.timing, draw) {
        (Timing::PerEvent, _) => "each event",
        (Timing::EachYear, _) | (_, Draw::PerYear) => "each year",
        _ => "per trial",
    };
    let (lo, hi) = n.field.bounds();
    let q = |p: f64| dist.quantile(p).clamp(lo, hi);
    Some(InputRow {
        path: n.name_path(),
        law: describe_law(&spec),
        p5: q(0.05),
        p50: q(0.5),
        p95: q(0.95),
        unit: n.field.unit,
        drawn,
        default: false,
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::load_baseline;
    use crate::scenario::paths::input_at;

    #[test]
    fn every_row_is_an_uncertain_input_named_as_sweep_takes_it() {
        let s = load_baseline().scenario;
        let rows = rows(&s);
        assert!(rows.len() > 10);
        for r in &rows {
            let n = input_at(&s, &r.path).unwrap();
            assert_eq!(n.name_path(), r.path);
            assert!(r.p5 <= r.p50 && r.p50 <= r.p95, "{r:?}");
        }
        let growth = rows
            .iter()
            .find(|r| r.path == "producers[Kazakhstan].production.growth.2027")
            .unwrap();
        // PERT(-0.02, 0.01, 0.04) is symmetric about its mode: the median is the mode.
        assert!((growth.p50 - 0.01).abs() < 1e-3, "{growth:?}");
        assert_eq!(growth.drawn, "per trial");
        assert!(rows.iter().any(|r| r.drawn == "each event"));
        assert!(rows.iter().any(|r| r.drawn == "each year"));
    }
}
