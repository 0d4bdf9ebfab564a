//! Checks of meaning: everything that parses but cannot describe a real world.
//!
//! Each problem is a field path and a message that says what to change. The paths use the same
//! syntax as `SpanIndex` (`routes[2].assets[1]`, `assets[0].capacity.2025`), so `load` can place
//! every problem at its line and column. All problems are collected, not just the first, so a
//! reviewer fixes a file in one pass.

use std::collections::{BTreeMap, HashSet};

use super::dates::{YEAR_DAYS, parse_date, parse_month_day};
use super::echo::{self, number as show};
use super::fields::{Cap, Number, Range, Timing, Value, numbers};
use super::limits::{
    Limits, MAX_DIFFERENTIAL, MAX_DURATION_DAYS, MAX_LIVE_OUTAGES, MAX_MULTIPLIER,
    MAX_OUTAGES_PER_YEAR, MAX_STRANDED_THRESHOLDS, MAX_VOLUME, TAIL_QUANTILE, metric_count,
    tail_percentile,
};
use super::schema::{Disruption, Frequency, Moves, Route, Scenario, Schedule, SupplyRate};
use super::uncertain::Draw;
use crate::distributions::{Dist, DistSpec};

/// A problem at a field path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub path: String,
    pub message: String,
}

/// The largest value `dist` reaches in practice: its upper bound, or for a law without one its
/// `TAIL_QUANTILE` (the model clamps the rarer draws beyond a cap). With `low`, the same at the
/// lower end.
fn reach(dist: &Dist, low: bool) -> (f64, String) {
    let (lo, hi) = dist.support();
    let (bound, p) = if low {
        (lo, 1.0 - TAIL_QUANTILE)
    } else {
        (hi, TAIL_QUANTILE)
    };
    if bound.is_finite() {
        (bound, String::new())
    } else {
        (dist.quantile(p), tail_percentile(low))
    }
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
        limits: Limits::default(),
    };
    v.scenario(s);
    v.problems.extend(super::correlations::check(s));
    v.problems.extend(super::observations::check(s));
    v.problems.extend(super::provenance::check(s));
    v.problems
}

struct Validator {
    problems: Vec<Problem>,
    limits: Limits,
}

impl Validator {
    fn push(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Problem {
            path: path.into(),
            message: message.into(),
        });
    }

    fn scenario(&mut self, s: &Scenario) {
        let limits = self.limits;
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
            self.year(&format!("horizon.{field}"), year);
        }
        let years = i64::from(h.last_year) - i64::from(h.first_year) + 1;
        if years > limits.max_years as i64 {
            self.push(
                "horizon",
                format!(
                    "{years} years is more than the limit of {}; shorten the horizon",
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
        self.names(
            "market_responses",
            s.market_responses.iter().map(|m| m.name.as_str()),
        );

        for (i, p) in s.producers.iter().enumerate() {
            if p.production.anchors.is_empty() {
                self.push(
                    format!("producers[{i}].production.anchors"),
                    "give at least one anchor year, e.g. { 2024: 87.6 }",
                );
            }
            if let Some(q) = &p.quota
                && q.cap.is_empty()
            {
                self.push(
                    format!("producers[{i}].quota.cap"),
                    "give at least one year, e.g. { 2025: 73.0 } (no cap applies before its first \
                     entry)",
                );
            }
        }
        for (i, a) in s.assets.iter().enumerate() {
            self.covers_first_year(&format!("assets[{i}].capacity"), &a.capacity, h.first_year);
        }
        for (i, r) in s.routes.iter().enumerate() {
            let at = format!("routes[{i}]");
            self.references(
                &format!("{at}.producers"),
                &r.producers,
                &producers,
                "producer",
            );
            self.no_repeats(&format!("{at}.producers"), &r.producers, "producer");
            self.references(&format!("{at}.assets"), &r.assets, &assets, "asset");
            self.no_repeats(&format!("{at}.assets"), &r.assets, "asset");
            // Clamped so that a wild horizon (already reported) cannot make this loop run for ever.
            let years = h.first_year.max(limits.min_year)..=h.last_year.min(limits.max_year);
            self.contracts(&at, &r.contract_min, &r.contract_max, years.clone());
            self.reservation(&at, r, years);
        }
        for (i, m) in s.market_responses.iter().enumerate() {
            let at = format!("market_responses[{i}]");
            self.references(&format!("{at}.assets"), &m.assets, &assets, "asset");
            self.no_repeats(&format!("{at}.assets"), &m.assets, "asset");
            if let Moves::Differentials(names) = &m.moves {
                let at = format!("{at}.moves");
                self.references(&at, names, &routes, "route");
                self.no_repeats(&at, names, "route");
            }
        }
        // Every number's own range, cap and timing, as `fields.rs` describes it.
        for n in numbers(s) {
            self.number(&n);
        }

        let mut tags: HashSet<&str> = processes.clone();
        for (i, d) in s.disruptions.iter().enumerate() {
            let at = format!("disruptions[{i}]");
            self.references(&format!("{at}.assets"), &d.assets, &assets, "asset");
            self.no_repeats(&format!("{at}.assets"), &d.assets, "asset");
            tags.extend(d.tags.iter().map(String::as_str));
            if let Some((a, b)) = d.years {
                self.year(&format!("{at}.years"), a);
                self.year(&format!("{at}.years"), b);
            }
            if let Some((a, b)) = d.years
                && b < a
            {
                self.push(
                    format!("{at}.years"),
                    format!("({a}, {b}): the last year is before the first"),
                );
            }
            if let Frequency::RateByYear(by_year) | Frequency::ProbabilityByYear(by_year) =
                &d.frequency
            {
                self.covers_first_year(&format!("{at}.frequency"), by_year, h.first_year);
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
            if let Some((y, _)) = start {
                self.year(&format!("{at}.start"), y);
            }
            if let Some((y, _)) = end {
                self.year(&format!("{at}.end"), y);
            }
            if let (Some(a), Some(b)) = (start, end)
                && b < a
            {
                self.push(
                    format!("{at}.end"),
                    format!("{} is before the start {}", f.end, f.start),
                );
            }
        }

        for (i, p) in s.producers.iter().enumerate() {
            self.supply_plan(&format!("producers[{i}].supply_plan"), &p.supply_plan);
        }

        self.regimes(s, &tags, &routes);
        self.stranded_thresholds(&s.stranded_thresholds);
        self.work(s);
    }

    /// A producer's dated supply rates (docs/model.md §3a): real dates in order, rates within the
    /// volume bound, no two entries on one day, and no year planned whole (the unplanned rest
    /// of a year is what keeps its total).
    fn supply_plan(&mut self, at: &str, plan: &[SupplyRate]) {
        // (entry, first day, last day), days counted from year 0 of a 365-day calendar.
        let mut spans = Vec::new();
        for (j, e) in plan.iter().enumerate() {
            let at = format!("{at}[{j}]");
            let start = parse_date(&e.start)
                .map_err(|m| self.push(format!("{at}.start"), m))
                .ok();
            let end = parse_date(&e.end)
                .map_err(|m| self.push(format!("{at}.end"), m))
                .ok();
            for (field, date) in [("start", start), ("end", end)] {
                if let Some((y, _)) = date {
                    self.year(&format!("{at}.{field}"), y);
                }
            }
            if !(e.rate.is_finite() && (0.0..=MAX_VOLUME).contains(&e.rate)) {
                self.push(
                    format!("{at}.rate"),
                    format!(
                        "{} is not a supply rate: write Mt/yr between 0 and {MAX_VOLUME}",
                        show(e.rate)
                    ),
                );
            }
            let day = |(y, d): (i32, u32)| i64::from(y) * 365 + i64::from(d);
            if let (Some(a), Some(b)) = (start, end) {
                if day(b) < day(a) {
                    self.push(
                        format!("{at}.end"),
                        format!("{} is before the start {}", e.end, e.start),
                    );
                } else {
                    spans.push((j, day(a), day(b)));
                }
            }
        }
        spans.sort_by_key(|&(j, a, _)| (a, j));
        // The entry reaching furthest so far, against each next one.
        let mut reach: Option<(usize, i64)> = None;
        for &(j, start, end) in &spans {
            if let Some((i, last)) = reach
                && start <= last
            {
                self.push(
                    format!("{at}[{j}]"),
                    format!(
                        "overlaps entry {i} ({} to {}): a producer has one rate on a day; end \
                         one entry before the next starts",
                        plan[i].start, plan[i].end
                    ),
                );
            }
            if reach.is_none_or(|(_, last)| end > last) {
                reach = Some((j, end));
            }
        }
        let mut covered: BTreeMap<i64, i64> = BTreeMap::new();
        for &(_, a, b) in &spans {
            for y in a.div_euclid(365)..=b.div_euclid(365) {
                let (lo, hi) = (a.max(y * 365), b.min(y * 365 + 364));
                *covered.entry(y).or_default() += hi - lo + 1;
            }
        }
        for (y, days) in covered {
            if days >= 365 {
                self.push(
                    at,
                    format!(
                        "the plan covers all of {y}: the unplanned rest of a year is scaled to \
                         keep the year's total, so leave some of it unplanned (or change the \
                         production anchor instead)"
                    ),
                );
            }
        }
    }

    /// Positive, finite, within the volume bound, strictly increasing, and not too many.
    fn stranded_thresholds(&mut self, xs: &[f64]) {
        if xs.len() > MAX_STRANDED_THRESHOLDS {
            self.push(
                "stranded_thresholds",
                format!(
                    "{} thresholds is more than the limit of {MAX_STRANDED_THRESHOLDS}; keep the \
                     ones the report needs",
                    xs.len()
                ),
            );
        }
        for (i, &x) in xs.iter().enumerate() {
            let at = format!("stranded_thresholds[{i}]");
            if !(x.is_finite() && x > 0.0 && x <= MAX_VOLUME) {
                self.push(
                    at,
                    format!(
                        "a threshold is a volume in Mt/yr above 0 and at most {MAX_VOLUME}, but \
                         it is {x}"
                    ),
                );
            } else if i > 0 && xs[i - 1].is_finite() && x <= xs[i - 1] {
                self.push(
                    at,
                    format!(
                        "thresholds must be listed in increasing order, each once; {x} follows {}",
                        xs[i - 1]
                    ),
                );
            }
        }
    }

    /// A year in a file must lie where the model can place it (`limits.min_year..=max_year`).
    fn year(&mut self, at: &str, year: i32) {
        let (min, max) = (self.limits.min_year, self.limits.max_year);
        if !(min..=max).contains(&year) {
            self.push(
                at,
                format!("year {year} is outside {min}..={max}; use a year in that range"),
            );
        }
    }

    /// Bounds on the memory and time a trial needs, beyond the counts of each list: the
    /// allocation steps of the routes, the statistics kept, and the outages a year brings.
    fn work(&mut self, s: &Scenario) {
        let limits = self.limits;
        let steps: usize = s
            .routes
            .iter()
            .map(|r| r.producers.len().max(1) * r.assets.len().max(1))
            .sum();
        let max_steps = limits.max_lanes * 4;
        if steps > max_steps {
            self.push(
                "routes",
                format!(
                    "the routes need {steps} allocation steps (each route's producers × its assets, \
                     summed); the limit is {max_steps}: list fewer producers or assets per route"
                ),
            );
        }
        let lanes: usize = s.routes.iter().map(|r| r.producers.len()).sum();
        if lanes > limits.max_lanes {
            self.push(
                "routes",
                format!(
                    "the routes list {lanes} producer-route pairs; the limit is {}: \
                     list fewer producers per route",
                    limits.max_lanes
                ),
            );
        }
        let owners: HashSet<&str> = s.assets.iter().filter_map(|a| a.owner.as_deref()).collect();
        let reserved: Vec<&Route> = s
            .routes
            .iter()
            .filter(|r| r.reservation.is_some())
            .collect();
        let holders: HashSet<&str> = reserved
            .iter()
            .flat_map(|r| r.producers.iter().map(String::as_str))
            .collect();
        let metrics = metric_count(
            s.producers.len(),
            s.routes.len(),
            owners.len(),
            s.assets.len(),
            s.stranded_thresholds.len(),
            (holders.len(), reserved.len()),
        );
        let years = (i64::from(s.horizon.last_year) - i64::from(s.horizon.first_year) + 1)
            .clamp(1, limits.max_years as i64) as usize;
        let cells = metrics.saturating_mul(years + 1);
        if cells > limits.max_statistics {
            self.push(
                "horizon",
                format!(
                    "the results would hold {cells} statistics ({metrics} metrics × ({years} years \
                     + the horizon)); the limit is {}: shorten the horizon or describe fewer \
                     producers, routes and assets",
                    limits.max_statistics
                ),
            );
        }
        self.outages(s);
    }

    /// Expected asset outages a year, all disruptions together at the highest regime multiplier,
    /// plus forced ones: they set how many periods a year is cut into and how many outages are
    /// live at once.
    fn outages(&mut self, s: &Scenario) {
        let mut total = 0.0;
        let mut largest: Option<(usize, f64, String)> = None;
        let (mut live, mut longest) = (0.0, None::<(usize, f64)>);
        for (i, d) in s.disruptions.iter().enumerate() {
            let Some((n, why)) = expected_outages(s, d) else {
                continue;
            };
            total += n;
            if largest.as_ref().is_none_or(|l| n > l.1) {
                largest = Some((i, n, why));
            }
            // Little's law: outages in progress = arrivals × mean duration (as the model
            // clamps it). A law with an infinite mean counts at the clamp.
            if let Ok(dist) = d.duration_days.spec().0.build() {
                let mean = dist.mean();
                let mean = if mean.is_nan() {
                    MAX_DURATION_DAYS
                } else {
                    mean
                };
                let l = n * mean.clamp(0.0, MAX_DURATION_DAYS) / YEAR_DAYS;
                live += l;
                if longest.is_none_or(|x| l > x.1) {
                    longest = Some((i, l));
                }
            }
        }
        if live > MAX_LIVE_OUTAGES
            && let Some((i, l)) = longest
        {
            self.push(
                format!("disruptions[{i}].duration_days"),
                format!(
                    "on average {} outages would be in progress at once (rate × assets × mean \
                     duration / 365, all disruptions together), {} of them from this one; the \
                     limit is {}: shorten the durations or lower the rates",
                    show(live),
                    show(l),
                    show(MAX_LIVE_OUTAGES)
                ),
            );
        }
        if total > MAX_OUTAGES_PER_YEAR
            && let Some((i, n, why)) = largest
        {
            self.push(
                format!("disruptions[{i}].frequency"),
                format!(
                    "all disruptions together would take assets out about {} times a year, this \
                     one {} ({why}); the limit is {}: lower the rate or the regime multipliers, \
                     or split the assets it hits",
                    show(total),
                    show(n),
                    show(MAX_OUTAGES_PER_YEAR)
                ),
            );
        }
        let forced: usize = s.forced_events.iter().map(|f| f.assets.len()).sum();
        if forced > self.limits.max_lanes {
            self.push(
                "forced_events",
                format!(
                    "the forced events take out {forced} asset outages; the limit is {}: \
                     list fewer events or assets",
                    self.limits.max_lanes
                ),
            );
        }
    }

    fn counts(&mut self, s: &Scenario, limits: &Limits) {
        let counts = [
            ("producers", s.producers.len()),
            ("assets", s.assets.len()),
            ("routes", s.routes.len()),
            ("disruptions", s.disruptions.len()),
            ("forced_events", s.forced_events.len()),
            ("regimes", s.regimes.len()),
            ("observations", s.observations.len()),
            ("market_responses", s.market_responses.len()),
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
                    format!("unknown {what} \"{n}\"; known: {}", echo::list(&list)),
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

    /// A schedule the model reads in every year (capacity) must cover the first simulated year.
    fn covers_first_year(&mut self, at: &str, s: &Schedule, first_year: i32) {
        match s.keys().next() {
            None => self.push(at, "give at least one year, e.g. { 2025: 72.5 }"),
            Some(&y) if y > first_year => self.push(
                at,
                format!(
                    "the schedule starts in {y} but the horizon starts in {first_year}; add an \
                     entry for {first_year} (or earlier)"
                ),
            ),
            Some(_) => {}
        }
    }

    /// A reservation belongs to the route's one producer, has a year, and never reserves more
    /// than the route may carry (the excess could not ship but would pay the fee).
    fn reservation(&mut self, at: &str, r: &Route, years: std::ops::RangeInclusive<i32>) {
        let Some(res) = &r.reservation else {
            return;
        };
        if r.producers.len() > 1 {
            self.push(
                format!("{at}.reservation"),
                format!(
                    "a reservation is held by one producer, but this route lists {} ({}); give \
                     the holder a route of its own with the same assets and put the reservation \
                     there",
                    r.producers.len(),
                    echo::list(&r.producers)
                ),
            );
        }
        if res.volume.is_empty() {
            self.push(
                format!("{at}.reservation.volume"),
                "give at least one year, e.g. { 2027: 7.0 } (nothing is reserved before its \
                 first entry)",
            );
        }
        let low = |u: &super::Uncertain| u.spec().0.build().ok().map(|d| d.support().0);
        let high = |u: &super::Uncertain| u.spec().0.build().ok().map(|d| d.support().1);
        for y in years {
            let reserved = res.volume.range(..=y).next_back().and_then(|e| low(e.1));
            let max = r
                .contract_max
                .range(..=y)
                .next_back()
                .and_then(|e| high(e.1));
            if let (Some(v), Some(m)) = (reserved, max)
                && v > m
            {
                self.push(
                    format!("{at}.reservation.volume"),
                    format!(
                        "in {y} the reservation ({}) exceeds the route's contract maximum ({}): \
                         the excess could never ship but would pay the fee; lower the \
                         reservation or raise the maximum",
                        show(v),
                        show(m)
                    ),
                );
                return;
            }
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
        // Each entry's support once (an Empirical law may hold a million samples), then a
        // lookup per year.
        let supports = |s: &Schedule| -> BTreeMap<i32, Option<(f64, f64)>> {
            s.iter()
                .map(|(y, u)| (*y, u.spec().0.build().ok().map(|d| d.support())))
                .collect()
        };
        let (min, max) = (supports(min), supports(max));
        let in_force = |s: &BTreeMap<i32, Option<(f64, f64)>>, y: i32| {
            s.range(..=y).next_back().and_then(|(_, support)| *support)
        };
        for y in years {
            if let (Some(lo), Some(hi)) = (in_force(&min, y), in_force(&max, y))
                && lo.0 > hi.1
            {
                self.push(
                    format!("{at}.contract_min"),
                    format!("in {y} the minimum ({}) exceeds the maximum ({}); lower the minimum or raise the maximum", lo.0, hi.1),
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
                    format!(
                        "a probability must be between 0 and 1, but it is {}",
                        show(r.initial)
                    ),
                );
            }
            self.row(&format!("{at}.next"), &r.next, n);
            for (y, row) in &r.next_by_year {
                self.row(&format!("{at}.next_by_year.{y}"), row, n);
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

    /// One row of a transition matrix: one probability per regime, summing to 1.
    fn row(&mut self, at: &str, row: &[f64], n: usize) {
        if row.len() != n {
            self.push(
                at,
                format!(
                    "has {} entries; give one probability per regime ({n}), in the order the regimes are listed",
                    row.len()
                ),
            );
        }
        for (j, p) in row.iter().enumerate() {
            if !(0.0..=1.0).contains(p) {
                self.push(
                    format!("{at}[{j}]"),
                    format!("{} is not a probability between 0 and 1", echo::number(*p)),
                );
            }
        }
        let sum: f64 = row.iter().sum();
        if (sum - 1.0).abs() > 1e-6 {
            self.push(
                at,
                format!(
                    "the transition probabilities sum to {}; a row must sum to 1",
                    round(sum)
                ),
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
                    format!("unknown {what} \"{key}\"; known: {}", echo::list(&list)),
                );
            }
            let (ok, need) = if non_negative {
                (
                    (0.0..=MAX_MULTIPLIER).contains(v),
                    format!(
                        "a number from 0 to {}: it multiplies the disruption's frequency",
                        show(MAX_MULTIPLIER)
                    ),
                )
            } else {
                (
                    v.abs() <= MAX_DIFFERENTIAL,
                    format!(
                        "a number of USD/bbl between -{0} and {0}; check the units",
                        show(MAX_DIFFERENTIAL)
                    ),
                )
            };
            if !ok {
                self.push(
                    format!("{at}.{key}"),
                    format!("{} must be {need}", show(*v)),
                );
            }
        }
    }

    /// One number of the scenario: valid distribution parameters, a timing its field allows, a
    /// schedule year the model can place, and every possible draw in the field's range and cap.
    fn number(&mut self, n: &Number) {
        let at = n.index_path();
        let at = at.as_str();
        if let Some(year) = n.year {
            self.year(at, year);
        }
        let field = n.field;
        let (spec, draw, explicit) = match n.value {
            Value::Plain(v) => (DistSpec::Fixed(v), Draw::PerTrial, None),
            Value::Uncertain(u) => {
                let (spec, draw) = u.spec();
                (spec, draw, u.explicit_draw())
            }
        };
        let dist = match spec.build() {
            Ok(d) => d,
            Err(e) => return self.push(at, e.to_string()),
        };
        match (field.timing, explicit) {
            (Timing::PerEvent, Some(_)) => self.push(
                at,
                "drawn anew for each event; remove the PerYear(...)/PerTrial(...) wrapper",
            ),
            (Timing::PerTrialOnly, _) if draw == Draw::PerYear => self.push(
                at,
                "a price-process parameter is drawn once per trial; remove PerYear(...)",
            ),
            (Timing::EachYear, Some(Draw::PerTrial)) => self.push(
                at,
                "PerYear(...) prices are drawn each year; remove PerTrial(...)",
            ),
            _ => {}
        }
        let (lo, hi) = dist.support();
        let (ok, need) = match field.range {
            Range::Any => (true, "any number"),
            Range::NonNegative => (lo >= 0.0, "≥ 0"),
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
                format!("it is {}", show(lo))
            } else {
                format!(
                    "its draws can range over [{}, {}]; truncate or narrow the distribution",
                    show(lo),
                    show(hi)
                )
            };
            return self.push(at, format!("must be {need}, but {reach}"));
        }
        self.cap(at, &dist, field.cap);
    }

    /// The bound on a number's magnitude, with what to change when it is exceeded.
    fn cap(&mut self, at: &str, dist: &Dist, cap: Cap) {
        let ends: &[bool] = if cap.two_sided {
            &[true, false]
        } else {
            &[false]
        };
        for &low in ends {
            let (value, percentile) = reach(dist, low);
            if value.abs() <= cap.max {
                continue;
            }
            let (need, limit) = if cap.two_sided {
                ("between", format!("-{0} and {0}", show(cap.max)))
            } else {
                ("at most", show(cap.max))
            };
            let reach = if dist.is_fixed().is_some() {
                format!("it is {}", show(value))
            } else if percentile.is_empty() {
                format!("its draws can reach {}", show(value))
            } else {
                format!("its {percentile} percentile is {}", show(value))
            };
            let fix = if dist.is_fixed().is_some() {
                "check the units"
            } else {
                "narrow or truncate the distribution, or check the units"
            };
            return self.push(
                at,
                format!(
                    "must be {need} {limit} {}, but {reach}; {fix} (limits: docs/errors.md)",
                    cap.unit
                ),
            );
        }
    }
}

/// A disruption's expected asset outages a year at its highest rate (its upper bound or
/// `TAIL_QUANTILE`) and the highest regime multiplier, with how that number arose; `None` when
/// its frequency is invalid (reported elsewhere).
fn expected_outages(s: &Scenario, d: &Disruption) -> Option<(f64, String)> {
    // Without regimes every multiplier is 1; a regime without an entry for `d` also gives 1.
    let m = s
        .regimes
        .iter()
        .map(|r| r.multiplier_for(d))
        .fold(if s.regimes.is_empty() { 1.0 } else { 0.0 }, f64::max);
    let assets = d.assets.len() as f64;
    // A schedule counts at its highest entry.
    let highest = d
        .frequency
        .values()
        .into_iter()
        .map(|u| Some(reach(&u.spec().0.build().ok()?, false).0))
        .collect::<Option<Vec<f64>>>()?
        .into_iter()
        .reduce(f64::max)?;
    let (events, what) = if d.frequency.is_rate() {
        (
            highest * m,
            format!("rate {} × multiplier {}", show(highest), show(m)),
        )
    } else {
        let p = 1.0 - (1.0 - highest.clamp(0.0, 1.0)).powf(m);
        (p, format!("probability {} a year", show(p)))
    };
    // 0 × ∞ (a zero rate under an overflowing product of multipliers) counts as no outages.
    let n = events * assets;
    let n = if n.is_nan() { 0.0 } else { n };
    let hits = match d.assets.len() {
        1 => "1 asset".to_string(),
        k => format!("{k} assets"),
    };
    Some((n, format!("{what} × {hits}")))
}
