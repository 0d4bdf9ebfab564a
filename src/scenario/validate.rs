//! Checks of meaning: everything that parses but cannot describe a real world.
//!
//! Each problem is a field path and a message that says what to change. The paths use the same
//! syntax as `SpanIndex` (`routes[2].assets[1]`, `assets[0].capacity.2025`), so `load` can place
//! every problem at its line and column. All problems are collected, not just the first, so a
//! reviewer fixes a file in one pass.

use std::collections::{BTreeMap, HashSet};

use super::dates::{parse_date, parse_month_day};
use super::limits::Limits;
use super::schema::{Benchmark, Frequency, Scenario, Schedule};
use super::uncertain::{Draw, Uncertain};
use crate::distributions::DistSpec;

/// A problem at a field path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub path: String,
    pub message: String,
}

/// What values a number may take.
#[derive(Clone, Copy)]
enum Range {
    Any,
    NonNegative,
    Positive,
    Fraction,
    /// Growth rates: above −100%.
    AboveMinusOne,
}

/// When a number may be drawn.
#[derive(Clone, Copy, PartialEq)]
enum When {
    /// Once per trial or anew each year, as the file says.
    Either,
    /// Per event (durations, severities): a draw-timing wrapper would be meaningless.
    PerEvent,
    /// Only once per trial (price-process parameters).
    PerTrialOnly,
}

/// Laws whose lowest value is drawn with positive probability.
fn discrete(spec: &DistSpec) -> bool {
    matches!(
        spec,
        DistSpec::Fixed(_) | DistSpec::Discrete { .. } | DistSpec::Empirical { .. }
    )
}

/// Sums in messages: 0.8999999999999999 reads as 0.9.
fn round(x: f64) -> f64 {
    (x * 1e9).round() / 1e9
}

pub fn validate(s: &Scenario) -> Vec<Problem> {
    let mut v = Validator {
        problems: Vec::new(),
    };
    v.scenario(s);
    v.problems
}

struct Validator {
    problems: Vec<Problem>,
}

impl Validator {
    fn push(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Problem {
            path: path.into(),
            message: message.into(),
        });
    }

    fn scenario(&mut self, s: &Scenario) {
        let limits = Limits::default();
        if s.name.trim().is_empty() {
            self.push(
                "name",
                "the scenario needs a name (it names the output folder)",
            );
        }
        let h = &s.horizon;
        if h.last_year < h.first_year {
            self.push(
                "horizon.last_year",
                format!(
                    "last_year {} is before first_year {}; swap them",
                    h.last_year, h.first_year
                ),
            );
        }
        for (field, year) in [("first_year", h.first_year), ("last_year", h.last_year)] {
            if !(limits.min_year..=limits.max_year).contains(&year) {
                self.push(
                    format!("horizon.{field}"),
                    format!(
                        "year {year} is outside {}..={}",
                        limits.min_year, limits.max_year
                    ),
                );
            }
        }
        let years = i64::from(h.last_year) - i64::from(h.first_year) + 1;
        if years > limits.max_years as i64 {
            self.push(
                "horizon",
                format!(
                    "{years} years is more than the limit of {}",
                    limits.max_years
                ),
            );
        }
        if let Some(t) = h.trials
            && (t == 0 || t > limits.max_trials)
        {
            self.push(
                "horizon.trials",
                format!("trials must be between 1 and {}", limits.max_trials),
            );
        }
        self.counts(s, &limits);

        let producers = self.names("producers", s.producers.iter().map(|p| p.name.as_str()));
        let assets = self.names("assets", s.assets.iter().map(|a| a.name.as_str()));
        let routes = self.names("routes", s.routes.iter().map(|r| r.name.as_str()));
        let processes = self.names("disruptions", s.disruptions.iter().map(|d| d.name.as_str()));
        self.names("regimes", s.regimes.iter().map(|r| r.name.as_str()));
        self.names(
            "forced_events",
            s.forced_events.iter().map(|f| f.name.as_str()),
        );

        for (i, p) in s.producers.iter().enumerate() {
            let at = format!("producers[{i}]");
            if p.production.anchors.is_empty() {
                self.push(
                    format!("{at}.production.anchors"),
                    "give at least one anchor year, e.g. { 2024: 87.6 }",
                );
            }
            for (year, value) in &p.production.anchors {
                self.number(
                    &format!("{at}.production.anchors.{year}"),
                    value,
                    Range::NonNegative,
                    When::Either,
                );
            }
            for (year, rate) in &p.production.growth {
                self.number(
                    &format!("{at}.production.growth.{year}"),
                    rate,
                    Range::AboveMinusOne,
                    When::Either,
                );
            }
            self.number(
                &format!("{at}.export_share"),
                &p.export_share,
                Range::Fraction,
                When::Either,
            );
            self.number(
                &format!("{at}.domestic_refining"),
                &p.domestic_refining,
                Range::NonNegative,
                When::Either,
            );
            self.number(
                &format!("{at}.barrels_per_tonne"),
                &p.barrels_per_tonne,
                Range::Positive,
                When::Either,
            );
        }

        for (i, a) in s.assets.iter().enumerate() {
            let at = format!("assets[{i}]");
            self.schedule(&format!("{at}.capacity"), &a.capacity, h.first_year, true);
            self.number(
                &format!("{at}.tariff"),
                &a.tariff,
                Range::NonNegative,
                When::Either,
            );
            if !(0.0..=365.0).contains(&a.storage_days) {
                self.push(
                    format!("{at}.storage_days"),
                    "storage_days must be between 0 and 365",
                );
            }
        }

        for (i, r) in s.routes.iter().enumerate() {
            let at = format!("routes[{i}]");
            self.references(
                &format!("{at}.producers"),
                &r.producers,
                &producers,
                "producer",
            );
            self.references(&format!("{at}.assets"), &r.assets, &assets, "asset");
            self.no_repeats(&format!("{at}.assets"), &r.assets, "asset");
            self.number(
                &format!("{at}.tariff"),
                &r.tariff,
                Range::NonNegative,
                When::Either,
            );
            self.number(
                &format!("{at}.differential"),
                &r.differential,
                Range::Any,
                When::Either,
            );
            self.schedule(
                &format!("{at}.contract_min"),
                &r.contract_min,
                h.first_year,
                false,
            );
            self.schedule(
                &format!("{at}.contract_max"),
                &r.contract_max,
                h.first_year,
                false,
            );
            self.contracts(
                &at,
                &r.contract_min,
                &r.contract_max,
                h.first_year..=h.last_year,
            );
        }

        let mut tags: HashSet<&str> = processes.clone();
        for (i, d) in s.disruptions.iter().enumerate() {
            let at = format!("disruptions[{i}]");
            self.references(&format!("{at}.assets"), &d.assets, &assets, "asset");
            self.no_repeats(&format!("{at}.assets"), &d.assets, "asset");
            tags.extend(d.tags.iter().map(String::as_str));
            match &d.frequency {
                Frequency::Rate(u) => self.number(
                    &format!("{at}.frequency"),
                    u,
                    Range::NonNegative,
                    When::Either,
                ),
                Frequency::Probability(u) => {
                    self.number(&format!("{at}.frequency"), u, Range::Fraction, When::Either)
                }
            }
            self.number(
                &format!("{at}.duration_days"),
                &d.duration_days,
                Range::Positive,
                When::PerEvent,
            );
            self.number(
                &format!("{at}.severity"),
                &d.severity,
                Range::Fraction,
                When::PerEvent,
            );
            if let Some((a, b)) = d.years
                && b < a
            {
                self.push(
                    format!("{at}.years"),
                    format!("({a}, {b}): the last year is before the first"),
                );
            }
            if let Some(season) = &d.season {
                for (field, text) in [("from", &season.from), ("to", &season.to)] {
                    if let Err(e) = parse_month_day(text) {
                        self.push(format!("{at}.season.{field}"), e);
                    }
                }
            }
        }

        for (i, f) in s.forced_events.iter().enumerate() {
            let at = format!("forced_events[{i}]");
            self.references(&format!("{at}.assets"), &f.assets, &assets, "asset");
            self.no_repeats(&format!("{at}.assets"), &f.assets, "asset");
            let start = parse_date(&f.start)
                .map_err(|e| self.push(format!("{at}.start"), e))
                .ok();
            let end = parse_date(&f.end)
                .map_err(|e| self.push(format!("{at}.end"), e))
                .ok();
            if let (Some(a), Some(b)) = (start, end)
                && b < a
            {
                self.push(
                    format!("{at}.end"),
                    format!("{} is before the start {}", f.end, f.start),
                );
            }
            if !(0.0..=1.0).contains(&f.capacity_left) {
                self.push(
                    format!("{at}.capacity_left"),
                    "capacity_left is a fraction between 0 and 1",
                );
            }
        }

        self.regimes(s, &tags, &routes);
        self.prices(&s.prices.benchmark);
    }

    fn counts(&mut self, s: &Scenario, limits: &Limits) {
        let counts = [
            ("producers", s.producers.len()),
            ("assets", s.assets.len()),
            ("routes", s.routes.len()),
            ("disruptions", s.disruptions.len()),
            ("forced_events", s.forced_events.len()),
            ("regimes", s.regimes.len()),
        ];
        for (field, n) in counts {
            if n > limits.max_entities {
                self.push(
                    field,
                    format!(
                        "{n} entries is more than the limit of {}",
                        limits.max_entities
                    ),
                );
            }
        }
        if s.producers.is_empty() {
            self.push("producers", "the scenario needs at least one producer");
        }
    }

    /// Names must be non-empty and unique within their list.
    fn names<'a>(&mut self, list: &str, names: impl Iterator<Item = &'a str>) -> HashSet<&'a str> {
        let mut seen = HashSet::new();
        for (i, name) in names.enumerate() {
            if name.trim().is_empty() {
                self.push(format!("{list}[{i}].name"), "give it a name");
            } else if !seen.insert(name) {
                self.push(
                    format!("{list}[{i}].name"),
                    format!("\"{name}\" is used twice in {list}; names must be unique"),
                );
            }
        }
        seen
    }

    fn references(&mut self, at: &str, names: &[String], known: &HashSet<&str>, what: &str) {
        if names.is_empty() {
            self.push(at, format!("list at least one {what}"));
        }
        for (j, n) in names.iter().enumerate() {
            if !known.contains(n.as_str()) {
                let mut list: Vec<&str> = known.iter().copied().collect();
                list.sort_unstable();
                self.push(
                    format!("{at}[{j}]"),
                    format!("unknown {what} \"{n}\"; known: {}", list.join(", ")),
                );
            }
        }
    }

    fn no_repeats(&mut self, at: &str, names: &[String], what: &str) {
        let mut seen = HashSet::new();
        for (j, n) in names.iter().enumerate() {
            if !seen.insert(n) {
                self.push(
                    format!("{at}[{j}]"),
                    format!("{what} \"{n}\" is listed twice"),
                );
            }
        }
    }

    /// A step schedule; `required` ones must cover the first simulated year.
    fn schedule(&mut self, at: &str, s: &Schedule, first_year: i32, required: bool) {
        if required && s.is_empty() {
            self.push(at, "give at least one year, e.g. { 2025: 72.5 }");
        }
        if let Some((&y, _)) = s.iter().next()
            && required
            && y > first_year
        {
            self.push(
                at,
                format!("the schedule starts in {y} but the horizon starts in {first_year}; add an entry for {first_year} (or earlier)"),
            );
        }
        for (year, value) in s {
            self.number(
                &format!("{at}.{year}"),
                value,
                Range::NonNegative,
                When::Either,
            );
        }
    }

    /// A minimum that always exceeds the maximum in force the same year cannot be met.
    fn contracts(
        &mut self,
        at: &str,
        min: &Schedule,
        max: &Schedule,
        years: std::ops::RangeInclusive<i32>,
    ) {
        let in_force = |s: &Schedule, y: i32| {
            s.range(..=y)
                .next_back()
                .and_then(|(_, u)| u.spec().0.build().ok())
        };
        for y in years {
            if let (Some(lo), Some(hi)) = (in_force(min, y), in_force(max, y))
                && lo.support().0 > hi.support().1
            {
                self.push(
                    format!("{at}.contract_min"),
                    format!("in {y} the minimum ({}) exceeds the maximum ({}); lower the minimum or raise the maximum", lo.support().0, hi.support().1),
                );
                return;
            }
        }
    }

    fn regimes(&mut self, s: &Scenario, tags: &HashSet<&str>, routes: &HashSet<&str>) {
        let n = s.regimes.len();
        if n == 0 {
            return;
        }
        let initial: f64 = s.regimes.iter().map(|r| r.initial).sum();
        if (initial - 1.0).abs() > 1e-6 {
            self.push(
                "regimes",
                format!(
                    "the initial probabilities sum to {}; they must sum to 1",
                    round(initial)
                ),
            );
        }
        for (i, r) in s.regimes.iter().enumerate() {
            let at = format!("regimes[{i}]");
            if !(0.0..=1.0).contains(&r.initial) {
                self.push(
                    format!("{at}.initial"),
                    "a probability must be between 0 and 1",
                );
            }
            if r.next.len() != n {
                self.push(
                    format!("{at}.next"),
                    format!("has {} entries; give one probability per regime ({n}), in the order the regimes are listed", r.next.len()),
                );
            }
            for (j, p) in r.next.iter().enumerate() {
                if !(0.0..=1.0).contains(p) {
                    self.push(
                        format!("{at}.next[{j}]"),
                        format!("{p} is not a probability between 0 and 1"),
                    );
                }
            }
            let sum: f64 = r.next.iter().sum();
            if (sum - 1.0).abs() > 1e-6 {
                self.push(
                    format!("{at}.next"),
                    format!(
                        "the transition probabilities sum to {}; a row must sum to 1",
                        round(sum)
                    ),
                );
            }
            self.keyed(
                &format!("{at}.frequency_multipliers"),
                &r.frequency_multipliers,
                tags,
                "disruption or tag",
                true,
            );
            self.keyed(
                &format!("{at}.differential_add"),
                &r.differential_add,
                routes,
                "route",
                false,
            );
        }
    }

    fn keyed(
        &mut self,
        at: &str,
        map: &BTreeMap<String, f64>,
        known: &HashSet<&str>,
        what: &str,
        non_negative: bool,
    ) {
        for (key, v) in map {
            if !known.contains(key.as_str()) {
                let mut list: Vec<&str> = known.iter().copied().collect();
                list.sort_unstable();
                self.push(
                    format!("{at}.{key}"),
                    format!("unknown {what} \"{key}\"; known: {}", list.join(", ")),
                );
            }
            if !v.is_finite() || (non_negative && *v < 0.0) {
                let need = if non_negative {
                    "a finite number ≥ 0"
                } else {
                    "a finite number"
                };
                self.push(format!("{at}.{key}"), format!("{v} must be {need}"));
            }
        }
    }

    fn prices(&mut self, b: &Benchmark) {
        match b {
            Benchmark::MeanReverting {
                start,
                long_run,
                reversion,
                volatility,
            } => {
                self.number(
                    "prices.benchmark.start",
                    start,
                    Range::Positive,
                    When::PerTrialOnly,
                );
                self.number(
                    "prices.benchmark.long_run",
                    long_run,
                    Range::Positive,
                    When::PerTrialOnly,
                );
                self.number(
                    "prices.benchmark.reversion",
                    reversion,
                    Range::NonNegative,
                    When::PerTrialOnly,
                );
                self.number(
                    "prices.benchmark.volatility",
                    volatility,
                    Range::NonNegative,
                    When::PerTrialOnly,
                );
            }
            Benchmark::PerYear(u) => {
                if u.explicit_draw() == Some(Draw::PerTrial) {
                    self.push(
                        "prices.benchmark",
                        "PerYear(...) prices are drawn each year; remove PerTrial(...)",
                    );
                }
                self.number("prices.benchmark", u, Range::Positive, When::Either);
            }
        }
    }

    /// An uncertain number: valid distribution parameters, and every possible draw in range.
    fn number(&mut self, at: &str, u: &Uncertain, range: Range, when: When) {
        let (spec, draw) = u.spec();
        let dist = match spec.build() {
            Ok(d) => d,
            Err(e) => return self.push(at, e.to_string()),
        };
        match (when, u.explicit_draw()) {
            (When::PerEvent, Some(_)) => self.push(
                at,
                "drawn anew for each event; remove the PerYear(...)/PerTrial(...) wrapper",
            ),
            (When::PerTrialOnly, _) if draw == Draw::PerYear => self.push(
                at,
                "a price-process parameter is drawn once per trial; remove PerYear(...)",
            ),
            _ => {}
        }
        let (lo, hi) = dist.support();
        let (ok, need) = match range {
            Range::Any => (true, "any number"),
            Range::NonNegative => (lo >= 0.0, "≥ 0"),
            // A continuous law on [0, ∞) draws 0 with probability zero.
            // A continuous law on [0, ∞) draws 0 with probability zero; a discrete one may draw it.
            Range::Positive => (
                lo > 0.0 || (lo == 0.0 && hi > 0.0 && !discrete(&spec)),
                "> 0",
            ),
            Range::Fraction => (lo >= 0.0 && hi <= 1.0, "between 0 and 1"),
            Range::AboveMinusOne => (lo > -1.0, "above −1 (a rate of −100% would end production)"),
        };
        if !ok {
            let reach = if dist.is_fixed().is_some() {
                format!("it is {lo}")
            } else {
                format!(
                    "its draws can range over [{lo}, {hi}]; truncate or narrow the distribution"
                )
            };
            self.push(at, format!("must be {need}, but {reach}"));
        }
    }
}
