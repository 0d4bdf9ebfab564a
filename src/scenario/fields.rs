//! Every number a scenario holds, described once.
//!
//! Why: six places used to walk the schema by hand (validation, `explain`, a variant's changes in
//! words, sweep and correlation paths, compilation, composition), and the names of the random
//! streams were spelled in two of them — the reproducibility contract rested on two copies
//! agreeing. Here each number has one `Field`: where it sits, its unit, range, cap, when it is
//! drawn, its label for people and whether it is a year schedule (merged by year under
//! `extends`). `numbers()` is the one walk over a scenario; every spelling of a number's name is
//! derived from its `Number`:
//!
//! - the index path `routes[2].contract_max.2027`, for located errors (`SpanIndex`);
//! - the name path `routes[CPC].contract_max.2027`, for `sweep --set`, `correlations` and
//!   `sensitivity` output (an analyst pastes one into the other);
//! - the tree path `routes[2].contract_max.2027` with enum variants spelled out
//!   (`prices.benchmark.MeanReverting.start`), for setting a value in the serialised scenario;
//! - the stream key `route/CPC/contract_max/2027`, whose hash seeds the input's random stream.
//!
//! Adding a number to the schema is one field in `schema.rs` plus one line in `numbers()` with
//! its `Field` (docs/architecture.md, "Adding a field").

use std::fmt::Write;

use super::limits::{
    MAX_BARRELS_PER_TONNE, MAX_DIFFERENTIAL, MAX_DURATION_DAYS, MAX_GROWTH, MAX_PRICE,
    MAX_RESPONSE, MAX_REVERSION, MAX_STORAGE_DAYS, MAX_TARIFF, MAX_VOLATILITY, MAX_VOLUME,
};
use super::schema::{Benchmark, Frequency, Scenario};
use super::uncertain::Uncertain;

/// What values a number may take (its sign and, for fractions, its upper end).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Range {
    Any,
    NonNegative,
    Positive,
    Fraction,
    /// Growth rates: above −100%.
    AboveMinusOne,
}

impl Range {
    /// The smallest and largest value the range allows.
    pub fn bounds(self) -> (f64, f64) {
        match self {
            Range::Any => (f64::NEG_INFINITY, f64::INFINITY),
            Range::NonNegative | Range::Positive => (0.0, f64::INFINITY),
            Range::Fraction => (0.0, 1.0),
            Range::AboveMinusOne => (-1.0, f64::INFINITY),
        }
    }
}

/// The largest magnitude a number may reach (`limits.rs` says why each bound exists).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cap {
    pub max: f64,
    /// How the bound reads after the number in messages ("Mt/yr", "(+100% a year)").
    pub unit: &'static str,
    /// Whether the bound applies to both signs (differentials).
    pub two_sided: bool,
}

impl Cap {
    pub const NONE: Cap = Cap::up_to(f64::INFINITY, "");
    pub const VOLUME: Cap = Cap::up_to(MAX_VOLUME, "Mt/yr");
    pub const GROWTH: Cap = Cap::up_to(MAX_GROWTH, "(+100% a year)");
    pub const TARIFF: Cap = Cap::up_to(MAX_TARIFF, "USD/t");
    pub const PRICE: Cap = Cap::up_to(MAX_PRICE, "USD/bbl");
    pub const REVERSION: Cap = Cap::up_to(MAX_REVERSION, "a year");
    pub const VOLATILITY: Cap = Cap::up_to(MAX_VOLATILITY, "(500% a year)");
    pub const BARRELS: Cap = Cap::up_to(MAX_BARRELS_PER_TONNE, "bbl/t");
    pub const DURATION: Cap = Cap::up_to(MAX_DURATION_DAYS, "days");
    pub const STORAGE: Cap = Cap::up_to(MAX_STORAGE_DAYS, "days");
    pub const DIFFERENTIAL: Cap = Cap {
        max: MAX_DIFFERENTIAL,
        unit: "USD/bbl",
        two_sided: true,
    };
    pub const RESPONSE: Cap = Cap {
        max: MAX_RESPONSE,
        unit: "USD/bbl per Mt/yr",
        two_sided: true,
    };

    const fn up_to(max: f64, unit: &'static str) -> Cap {
        Cap {
            max,
            unit,
            two_sided: false,
        }
    }
}

/// When the model draws a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timing {
    /// Once per trial, or anew each year when written `PerYear(...)`.
    AsWritten,
    /// Anew for each event (durations, severities): a timing wrapper would be meaningless.
    PerEvent,
    /// Once per trial only (price-process parameters).
    PerTrialOnly,
    /// Anew each year whatever the file writes (a `PerYear` benchmark price).
    EachYear,
    /// A plain number the file fixes (not a distribution).
    Fixed,
}

/// A list of named entries: its field in the file, what one entry is called, the stream prefix
/// of its numbers, and its entries' names.
pub struct List {
    pub field: &'static str,
    pub one: &'static str,
    pub stream: &'static str,
    pub names: fn(&Scenario) -> Vec<&str>,
    /// What a variant must write to add an entry (the schema's fields without a default).
    pub required: &'static [&'static str],
}

impl PartialEq for List {
    fn eq(&self, other: &List) -> bool {
        self.field == other.field
    }
}

impl std::fmt::Debug for List {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.field)
    }
}

/// The names of a list's entries, in file order.
macro_rules! names {
    ($list:ident) => {
        |s: &Scenario| s.$list.iter().map(|x| x.name.as_str()).collect()
    };
}

pub static PRODUCERS: List = List {
    field: "producers",
    one: "producer",
    stream: "producer",
    names: names!(producers),
    required: &["production.anchors", "barrels_per_tonne"],
};
pub static ASSETS: List = List {
    field: "assets",
    one: "asset",
    stream: "asset",
    names: names!(assets),
    required: &["capacity"],
};
pub static ROUTES: List = List {
    field: "routes",
    one: "route",
    stream: "route",
    names: names!(routes),
    required: &["producers", "assets"],
};
pub static DISRUPTIONS: List = List {
    field: "disruptions",
    one: "disruption",
    stream: "disruption",
    names: names!(disruptions),
    required: &["assets", "frequency", "duration_days", "severity"],
};
pub static FORCED_EVENTS: List = List {
    field: "forced_events",
    one: "forced event",
    stream: "forced",
    names: names!(forced_events),
    required: &["assets", "start", "end", "capacity_left"],
};
pub static REGIMES: List = List {
    field: "regimes",
    one: "regime",
    stream: "regime",
    names: names!(regimes),
    required: &["initial", "next"],
};
pub static MARKET_RESPONSES: List = List {
    field: "market_responses",
    one: "market response",
    stream: "response",
    names: names!(market_responses),
    required: &["assets", "per_mt_lost", "moves"],
};

/// Every list of named entries, in file order.
pub static LISTS: [&List; 7] = [
    &PRODUCERS,
    &ASSETS,
    &ROUTES,
    &DISRUPTIONS,
    &FORCED_EVENTS,
    &REGIMES,
    &MARKET_RESPONSES,
];

/// One kind of number in a scenario.
#[derive(Debug, PartialEq)]
pub struct Field {
    /// The list whose entries hold it; `None` at the top level (prices).
    pub list: Option<&'static List>,
    /// Where it sits in an entry (or in the file), with enum variants in braces:
    /// `production.anchors`, `frequency.{Rate}`, `prices.benchmark.{MeanReverting}.start`.
    pub path: &'static str,
    /// Its part of the stream key, after `<list stream>/<entry name>/` (or the whole key).
    pub stream: &'static str,
    /// For people: "export share", "capacity".
    pub label: &'static str,
    pub unit: &'static str,
    pub range: Range,
    pub cap: Cap,
    pub timing: Timing,
    /// A year schedule: one number per year key, merged by year under `extends`.
    pub by_year: bool,
}

impl Field {
    /// Where draws are clamped: the range's sign and the cap (`check` allows a distribution to
    /// pass the cap only in its last 0.1%).
    pub fn bounds(&self) -> (f64, f64) {
        let (lo, hi) = self.range.bounds();
        let lo = if self.cap.two_sided {
            lo.max(-self.cap.max)
        } else {
            lo
        };
        (lo, hi.min(self.cap.max))
    }

    /// The path without variant segments (`frequency`, `prices.benchmark.start`).
    pub fn plain_path(&self) -> String {
        self.path
            .split('.')
            .filter(|s| !s.starts_with('{'))
            .collect::<Vec<_>>()
            .join(".")
    }

    /// The path with variants spelled as the serialised tree has them.
    pub fn tree_path(&self) -> String {
        self.path.replace(['{', '}'], "")
    }
}

/// Declares each field as a `static` and lists them all in `FIELDS`. A table, so that the
/// description of every number reads in one place.
macro_rules! fields {
    ($($name:ident: $list:expr, $path:literal, $stream:literal, $label:literal, $unit:literal,
       $range:ident, $cap:ident, $timing:ident, $by_year:literal;)*) => {
        $(pub static $name: Field = Field {
            list: $list,
            path: $path,
            stream: $stream,
            label: $label,
            unit: $unit,
            range: Range::$range,
            cap: Cap::$cap,
            timing: Timing::$timing,
            by_year: $by_year,
        };)*
        /// Every field, for lookups by path.
        pub static FIELDS: &[&Field] = &[$(&$name),*];
    };
}

const P: Option<&List> = Some(&PRODUCERS);
const A: Option<&List> = Some(&ASSETS);
const R: Option<&List> = Some(&ROUTES);
const D: Option<&List> = Some(&DISRUPTIONS);
const F: Option<&List> = Some(&FORCED_EVENTS);
const M: Option<&List> = Some(&MARKET_RESPONSES);
const TOP: Option<&List> = None;

// The description. Columns: list (P producers, A assets, R routes, D disruptions, F forced
// events, M market responses, TOP the file), path, stream key part, label, unit, range, cap, timing, year schedule.
fields! {
    PRODUCTION: P, "production.anchors", "production", "production", "Mt/yr", NonNegative, VOLUME, AsWritten, true;
    GROWTH: P, "production.growth", "growth", "growth rate", "per year", AboveMinusOne, GROWTH, AsWritten, true;
    EXPORT_SHARE: P, "export_share", "export_share", "export share", "fraction", Fraction, NONE, AsWritten, false;
    DOMESTIC_REFINING: P, "domestic_refining", "domestic_refining", "domestic refining", "Mt/yr", NonNegative, VOLUME, AsWritten, false;
    BARRELS_PER_TONNE: P, "barrels_per_tonne", "barrels_per_tonne", "barrels per tonne", "bbl/t", Positive, BARRELS, AsWritten, false;
    QUOTA_CAP: P, "quota.cap", "quota_cap", "output cap", "Mt/yr", NonNegative, VOLUME, AsWritten, true;
    QUOTA_COMPLIANCE: P, "quota.compliance", "quota_compliance", "compliance with the output cap", "fraction", Fraction, NONE, AsWritten, false;
    MAKE_UP: P, "make_up", "make_up", "make-up share", "fraction", Fraction, NONE, AsWritten, false;
    CAPACITY: A, "capacity", "capacity", "capacity", "Mt/yr", NonNegative, VOLUME, AsWritten, true;
    ASSET_TARIFF: A, "tariff", "tariff", "tariff", "USD/t", NonNegative, TARIFF, AsWritten, false;
    STORAGE_DAYS: A, "storage_days", "storage_days", "storage", "days", NonNegative, STORAGE, Fixed, false;
    ROUTE_TARIFF: R, "tariff", "tariff", "extra tariff", "USD/t", NonNegative, TARIFF, AsWritten, false;
    DIFFERENTIAL: R, "differential", "differential", "differential", "USD/bbl", Any, DIFFERENTIAL, AsWritten, false;
    CONTRACT_MIN: R, "contract_min", "contract_min", "contract minimum", "Mt/yr", NonNegative, VOLUME, AsWritten, true;
    CONTRACT_MAX: R, "contract_max", "contract_max", "contract maximum", "Mt/yr", NonNegative, VOLUME, AsWritten, true;
    RESERVED: R, "reservation.volume", "reserved", "reserved volume", "Mt/yr", NonNegative, VOLUME, AsWritten, true;
    RESERVATION_FEE: R, "reservation.fee", "reservation_fee", "reservation fee", "USD/t", NonNegative, TARIFF, AsWritten, false;
    RATE: D, "frequency.{Rate}", "frequency", "frequency", "events/yr", NonNegative, NONE, AsWritten, false;
    PROBABILITY: D, "frequency.{Probability}", "frequency", "frequency", "chance a year", Fraction, NONE, AsWritten, false;
    RATE_BY_YEAR: D, "frequency.{RateByYear}", "frequency", "frequency", "events/yr", NonNegative, NONE, AsWritten, true;
    PROBABILITY_BY_YEAR: D, "frequency.{ProbabilityByYear}", "frequency", "frequency", "chance a year", Fraction, NONE, AsWritten, true;
    DURATION: D, "duration_days", "duration_days", "duration", "days", Positive, DURATION, PerEvent, false;
    SEVERITY: D, "severity", "severity", "severity", "fraction lost", Fraction, NONE, PerEvent, false;
    FULL_STOP: D, "full_stop_days", "full_stop_days", "full-stop length", "days", NonNegative, DURATION, PerEvent, false;
    CAPACITY_LEFT: F, "capacity_left", "capacity_left", "capacity left", "fraction", Fraction, NONE, Fixed, false;
    PER_MT_LOST: M, "per_mt_lost", "per_mt_lost", "price response", "USD/bbl per Mt/yr", Any, RESPONSE, AsWritten, false;
    PRICE_START: TOP, "prices.benchmark.{MeanReverting}.start", "prices/benchmark/start", "benchmark price in the first year", "USD/bbl", Positive, PRICE, PerTrialOnly, false;
    PRICE_LONG_RUN: TOP, "prices.benchmark.{MeanReverting}.long_run", "prices/benchmark/long_run", "benchmark's long-run level", "USD/bbl", Positive, PRICE, PerTrialOnly, false;
    PRICE_REVERSION: TOP, "prices.benchmark.{MeanReverting}.reversion", "prices/benchmark/reversion", "benchmark's reversion speed", "per year", NonNegative, REVERSION, PerTrialOnly, false;
    PRICE_VOLATILITY: TOP, "prices.benchmark.{MeanReverting}.volatility", "prices/benchmark/volatility", "benchmark's volatility", "per √year", NonNegative, VOLATILITY, PerTrialOnly, false;
    PRICE_PER_YEAR: TOP, "prices.benchmark.{PerYear}", "prices/benchmark", "benchmark price", "USD/bbl", Positive, PRICE, EachYear, false;
}

/// A number's value: uncertain (a number or a distribution) or a plain number of the file.
#[derive(Debug, Clone, Copy)]
pub enum Value<'a> {
    Uncertain(&'a Uncertain),
    Plain(f64),
}

/// One number of a scenario: which field, in which entry, for which year, and its value.
#[derive(Debug, Clone, Copy)]
pub struct Number<'a> {
    pub field: &'static Field,
    /// The entry's position and name in its list (`field.list`); `None` at the top level.
    pub entry: Option<(usize, &'a str)>,
    /// The year of a schedule entry.
    pub year: Option<i32>,
    pub value: Value<'a>,
}

impl Number<'_> {
    /// The uncertain value, for fields that hold one.
    pub fn uncertain(&self) -> Option<&Uncertain> {
        match self.value {
            Value::Uncertain(u) => Some(u),
            Value::Plain(_) => None,
        }
    }

    fn spell(&self, entry: impl Fn(usize, &str) -> String, path: String) -> String {
        let mut o = match (self.field.list, self.entry) {
            (Some(list), Some((i, name))) => format!("{}[{}].", list.field, entry(i, name)),
            _ => String::new(),
        };
        o.push_str(&path);
        if let Some(y) = self.year {
            let _ = write!(o, ".{y}");
        }
        o
    }

    /// `routes[2].contract_max.2027`: how `check` locates a problem in the file.
    pub fn index_path(&self) -> String {
        self.spell(|i, _| i.to_string(), self.field.plain_path())
    }

    /// `routes[CPC].contract_max.2027`: how analysts name an input (sweep, correlations,
    /// sensitivity).
    pub fn name_path(&self) -> String {
        self.spell(|_, n| n.to_string(), self.field.plain_path())
    }

    /// `routes[2].differential`, `prices.benchmark.MeanReverting.start`: the position in the
    /// serialised scenario.
    pub fn tree_path(&self) -> String {
        self.spell(|i, _| i.to_string(), self.field.tree_path())
    }

    /// `route/CPC/contract_max/2027`: the name whose hash keys the input's random stream
    /// (docs/model.md §1). Part of the reproducibility contract: never change a spelling.
    pub fn stream_key(&self) -> String {
        let mut o = match (self.field.list, self.entry) {
            (Some(list), Some((_, name))) => format!("{}/{name}/", list.stream),
            _ => String::new(),
        };
        o.push_str(self.field.stream);
        if let Some(y) = self.year {
            let _ = write!(o, "/{y}");
        }
        o
    }

    /// "the capacity from 2027 of asset BTC", "the benchmark's volatility".
    pub fn label(&self) -> String {
        let mut o = format!("the {}", self.field.label);
        if let Some(y) = self.year {
            let _ = write!(o, " from {y}");
        }
        if let (Some(list), Some((_, name))) = (self.field.list, self.entry) {
            let _ = write!(o, " of {} {name}", list.one);
        }
        o
    }
}

/// Every number of `s`, in file order: the one walk over the schema.
pub fn numbers<'a>(s: &'a Scenario) -> Vec<Number<'a>> {
    let mut out = Vec::new();
    let mut push = |field: &'static Field,
                    entry: Option<(usize, &'a str)>,
                    year: Option<i32>,
                    value: Value<'a>| {
        out.push(Number {
            field,
            entry,
            year,
            value,
        });
    };
    let u = Value::Uncertain;
    for (i, p) in s.producers.iter().enumerate() {
        let e = Some((i, p.name.as_str()));
        for (y, v) in &p.production.anchors {
            push(&PRODUCTION, e, Some(*y), u(v));
        }
        for (y, v) in &p.production.growth {
            push(&GROWTH, e, Some(*y), u(v));
        }
        push(&EXPORT_SHARE, e, None, u(&p.export_share));
        push(&DOMESTIC_REFINING, e, None, u(&p.domestic_refining));
        push(&BARRELS_PER_TONNE, e, None, u(&p.barrels_per_tonne));
        if let Some(q) = &p.quota {
            for (y, v) in &q.cap {
                push(&QUOTA_CAP, e, Some(*y), u(v));
            }
            push(&QUOTA_COMPLIANCE, e, None, u(&q.compliance));
        }
        if let Some(m) = &p.make_up {
            push(&MAKE_UP, e, None, u(m));
        }
    }
    for (i, a) in s.assets.iter().enumerate() {
        let e = Some((i, a.name.as_str()));
        for (y, v) in &a.capacity {
            push(&CAPACITY, e, Some(*y), u(v));
        }
        push(&ASSET_TARIFF, e, None, u(&a.tariff));
        push(&STORAGE_DAYS, e, None, Value::Plain(a.storage_days));
    }
    for (i, r) in s.routes.iter().enumerate() {
        let e = Some((i, r.name.as_str()));
        push(&ROUTE_TARIFF, e, None, u(&r.tariff));
        push(&DIFFERENTIAL, e, None, u(&r.differential));
        for (y, v) in &r.contract_min {
            push(&CONTRACT_MIN, e, Some(*y), u(v));
        }
        for (y, v) in &r.contract_max {
            push(&CONTRACT_MAX, e, Some(*y), u(v));
        }
        if let Some(res) = &r.reservation {
            for (y, v) in &res.volume {
                push(&RESERVED, e, Some(*y), u(v));
            }
            push(&RESERVATION_FEE, e, None, u(&res.fee));
        }
    }
    for (i, d) in s.disruptions.iter().enumerate() {
        let e = Some((i, d.name.as_str()));
        match &d.frequency {
            Frequency::Rate(v) => push(&RATE, e, None, u(v)),
            Frequency::Probability(v) => push(&PROBABILITY, e, None, u(v)),
            Frequency::RateByYear(s) => {
                for (y, v) in s {
                    push(&RATE_BY_YEAR, e, Some(*y), u(v));
                }
            }
            Frequency::ProbabilityByYear(s) => {
                for (y, v) in s {
                    push(&PROBABILITY_BY_YEAR, e, Some(*y), u(v));
                }
            }
        }
        push(&DURATION, e, None, u(&d.duration_days));
        push(&SEVERITY, e, None, u(&d.severity));
        if let Some(f) = &d.full_stop_days {
            push(&FULL_STOP, e, None, u(f));
        }
    }
    for (i, f) in s.forced_events.iter().enumerate() {
        let e = Some((i, f.name.as_str()));
        push(&CAPACITY_LEFT, e, None, Value::Plain(f.capacity_left));
    }
    for (i, m) in s.market_responses.iter().enumerate() {
        push(
            &PER_MT_LOST,
            Some((i, m.name.as_str())),
            None,
            u(&m.per_mt_lost),
        );
    }
    match &s.prices.benchmark {
        Benchmark::MeanReverting {
            start,
            long_run,
            reversion,
            volatility,
        } => {
            push(&PRICE_START, None, None, u(start));
            push(&PRICE_LONG_RUN, None, None, u(long_run));
            push(&PRICE_REVERSION, None, None, u(reversion));
            push(&PRICE_VOLATILITY, None, None, u(volatility));
        }
        Benchmark::PerYear(v) => push(&PRICE_PER_YEAR, None, None, u(v)),
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::load_baseline;

    #[test]
    fn every_field_is_listed_once() {
        for (i, a) in FIELDS.iter().enumerate() {
            for b in &FIELDS[i + 1..] {
                assert!(
                    !(a.list == b.list && a.path == b.path),
                    "{} listed twice",
                    a.path
                );
            }
        }
    }

    #[test]
    fn one_number_spells_its_four_names() {
        let s = load_baseline().scenario;
        let all = numbers(&s);
        let cap = all
            .iter()
            .find(|n| n.field == &CAPACITY && n.entry.is_some_and(|e| e.1 == "BTC"))
            .unwrap();
        let i = s.assets.iter().position(|a| a.name == "BTC").unwrap();
        assert_eq!(cap.index_path(), format!("assets[{i}].capacity.2025"));
        assert_eq!(cap.name_path(), "assets[BTC].capacity.2025");
        assert_eq!(cap.tree_path(), format!("assets[{i}].capacity.2025"));
        assert_eq!(cap.stream_key(), "asset/BTC/capacity/2025");
        assert_eq!(cap.label(), "the capacity from 2025 of asset BTC");
        let vol = all.iter().find(|n| n.field == &PRICE_VOLATILITY).unwrap();
        assert_eq!(vol.index_path(), "prices.benchmark.volatility");
        assert_eq!(vol.name_path(), "prices.benchmark.volatility");
        assert_eq!(vol.tree_path(), "prices.benchmark.MeanReverting.volatility");
        assert_eq!(vol.stream_key(), "prices/benchmark/volatility");
        let prod = all.iter().find(|n| n.field == &PRODUCTION).unwrap();
        assert_eq!(prod.stream_key(), "producer/Kazakhstan/production/2024");
        assert_eq!(
            prod.name_path(),
            "producers[Kazakhstan].production.anchors.2024"
        );
    }

    #[test]
    fn bounds_combine_the_sign_and_the_cap() {
        assert_eq!(CAPACITY.bounds(), (0.0, MAX_VOLUME));
        assert_eq!(DIFFERENTIAL.bounds(), (-MAX_DIFFERENTIAL, MAX_DIFFERENTIAL));
        assert_eq!(GROWTH.bounds(), (-1.0, MAX_GROWTH));
        assert_eq!(EXPORT_SHARE.bounds(), (0.0, 1.0));
    }
}
