//! Observations: values that happened, written into a scenario so that every run places them in
//! their simulated distributions. This module says which metrics may be observed, of which
//! entities, which sources they may cite, and checks a scenario's list.
//!
//! Why the metric names are listed here and not taken from `model::metrics`: `check` validates a
//! scenario before any model exists, and the scenario layer does not look at the model. A test in
//! `model::metrics` holds the two lists together (every metric a model reports is observable here
//! with the same entities, and nothing else is).
//!
//! Why sources are checked against `docs/sources.md`, built into the binary: an observation is
//! only as good as its source, and the shipped scenarios cite that file's IDs, so a misspelt ID
//! is caught by `check` instead of by a reviewer. A user's own figure cites a URL instead.

use std::collections::HashSet;

use super::echo;
use super::schema::Scenario;
use super::validate::Problem;

/// Which of a scenario's names a metric is reported for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entities {
    Producers,
    Routes,
    /// Asset owners (`owner:`), each once.
    Owners,
    Assets,
    /// The benchmark price, reported as `Brent`.
    Benchmark,
}

/// The benchmark price's entity name in results.
pub const BENCHMARK: &str = "Brent";

/// Every metric kind a run reports per entity, with the entities it is reported for, in
/// summary.json's spelling. (`stranded_over_<x>Mt` indicators are not observable: an observed
/// year either exceeded a threshold or not, which its stranded volume already says.)
pub const METRICS: [(&str, Entities); 15] = [
    ("export_supply", Entities::Producers),
    ("export_volume", Entities::Producers),
    ("stranded_volume", Entities::Producers),
    ("lost_volume", Entities::Producers),
    ("displaced_volume", Entities::Producers),
    ("revenue", Entities::Producers),
    ("revenue_undisrupted", Entities::Producers),
    ("lost_revenue", Entities::Producers),
    ("tariffs_paid", Entities::Producers),
    ("route_volume", Entities::Routes),
    ("transit_fees", Entities::Owners),
    ("asset_volume", Entities::Assets),
    ("utilisation", Entities::Assets),
    ("outage_days", Entities::Assets),
    ("benchmark_price", Entities::Benchmark),
];

/// The entities a metric is reported for, or `None` for an unknown metric.
pub fn entities_of(metric: &str) -> Option<Entities> {
    METRICS.iter().find(|(m, _)| *m == metric).map(|(_, e)| *e)
}

/// The names of `which` entities in `s`, in scenario order.
pub fn names(s: &Scenario, which: Entities) -> Vec<&str> {
    match which {
        Entities::Producers => s.producers.iter().map(|p| p.name.as_str()).collect(),
        Entities::Routes => s.routes.iter().map(|r| r.name.as_str()).collect(),
        Entities::Assets => s.assets.iter().map(|a| a.name.as_str()).collect(),
        Entities::Owners => {
            let mut seen = HashSet::new();
            s.assets
                .iter()
                .filter_map(|a| a.owner.as_deref())
                .filter(|o| seen.insert(*o))
                .collect()
        }
        Entities::Benchmark => vec![BENCHMARK],
    }
}

/// `docs/sources.md`, whose entries' IDs observations cite.
const SOURCES: &str = include_str!("../../docs/sources.md");

/// The IDs of `docs/sources.md`: its `### id` headings (the file's machine-checked layout).
pub fn source_ids() -> Vec<&'static str> {
    SOURCES
        .lines()
        .filter_map(|l| l.strip_prefix("### "))
        .map(str::trim)
        .collect()
}

/// A source an observation may cite: an ID of docs/sources.md, or a URL.
pub fn known_source(source: &str) -> bool {
    source.starts_with("https://")
        || source.starts_with("http://")
        || source_ids().contains(&source)
}

/// The problems of `s.observations`, at their paths.
pub fn check(s: &Scenario) -> Vec<Problem> {
    let mut out = Vec::new();
    let mut push = |path: String, message: String| out.push(Problem { path, message });
    let (first, last) = (s.horizon.first_year, s.horizon.last_year);
    let mut seen = HashSet::new();
    for (i, o) in s.observations.iter().enumerate() {
        let at = format!("observations[{i}]");
        match entities_of(&o.metric) {
            None => {
                let known: Vec<&str> = METRICS.iter().map(|(m, _)| *m).collect();
                push(
                    format!("{at}.metric"),
                    format!(
                        "unknown metric \"{}\"; known: {}",
                        echo::literal(&o.metric),
                        known.join(", ")
                    ),
                );
            }
            Some(which) => {
                let known = names(s, which);
                if !known.contains(&o.entity.as_str()) {
                    let mut list = known.clone();
                    list.sort_unstable();
                    push(
                        format!("{at}.entity"),
                        format!(
                            "{} is reported for {}; \"{}\" is not one; known: {}",
                            o.metric,
                            what(which),
                            echo::literal(&o.entity),
                            echo::list(&list)
                        ),
                    );
                }
            }
        }
        if let Some(y) = o.year
            && !(first..=last).contains(&y)
        {
            push(
                format!("{at}.year"),
                format!(
                    "year {y} is outside the horizon {first}–{last}; observe a simulated year, or \
                     leave `year` out for the horizon's value"
                ),
            );
        }
        if !o.value.is_finite() {
            push(
                format!("{at}.value"),
                format!(
                    "value must be a finite number (got {})",
                    echo::number(o.value)
                ),
            );
        }
        if !known_source(&o.source) {
            push(
                format!("{at}.source"),
                format!(
                    "unknown source \"{}\"; cite an ID of docs/sources.md (e.g. kz-exports-2025) \
                     or a URL starting with https://",
                    echo::literal(&o.source)
                ),
            );
        }
        if !seen.insert((&o.metric, &o.entity, o.year)) {
            let year = o.year.map_or("the horizon".to_string(), |y| y.to_string());
            push(
                at,
                format!(
                    "{}/{} in {year} is observed twice; keep one",
                    echo::literal(&o.metric),
                    echo::literal(&o.entity)
                ),
            );
        }
    }
    out
}

fn what(which: Entities) -> &'static str {
    match which {
        Entities::Producers => "producers",
        Entities::Routes => "routes",
        Entities::Owners => "asset owners",
        Entities::Assets => "assets",
        Entities::Benchmark => "the benchmark",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_md_ids_are_read_and_urls_are_accepted() {
        let ids = source_ids();
        assert!(ids.contains(&"kz-exports-2025") && ids.contains(&"brent-2025"));
        assert!(known_source("kz-cpc-2025"));
        assert!(known_source("https://example.org/figure"));
        assert!(!known_source("kz-exports-2052"));
        assert!(!known_source(""));
    }
}
