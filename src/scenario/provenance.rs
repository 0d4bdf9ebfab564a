//! Where each number of a scenario comes from: a `sources` map from the path `sweep --set` takes
//! to a citation of `docs/sources.md` or an assumption with its reason.
//!
//! Why a map and not a wrapper around each number: a comment never reaches a report, and a
//! wrapper (`Cited(72.5, ...)`) would have to be accepted by every number type, schedule and
//! law of the schema. A map keyed by the name path costs nothing where absent, merges key by key
//! under `extends` like any keyed map (a variant annotates what it changes, and inherits the
//! rest), and names each number exactly as `sweep --set`, `correlations` and the reports do. A
//! key may name one number (`assets[BTC].capacity.2025`), a whole schedule
//! (`assets[BTC].capacity`) or a whole entry (`disruptions[CPC storm]`); the most specific key
//! that covers a number is its source.
//!
//! The IDs a citation may use are the entries of `docs/sources.md`, read at build time, so
//! `check` refuses a citation that does not resolve inside the repository.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::echo;
use super::fields::{self, Field, LISTS, Number, Value, numbers};
use super::merge::Node;
use super::schema::Scenario;
use super::validate::Problem;

/// `docs/sources.md`, embedded so that citations are checked and reports quote their entries
/// without anything outside the binary.
pub const SOURCES_MD: &str = include_str!("../../docs/sources.md");

/// Where one number (or every number under a path) comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Source {
    /// A published or derived figure: one ID of docs/sources.md, or several separated by commas.
    Cited { source: String },
    /// A judgement with no published number behind it: why it was chosen, and optionally the
    /// entries it was shaped by.
    Assumed {
        why: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        source: Option<String>,
    },
}

impl Source {
    /// The cited IDs, in the order written.
    pub fn ids(&self) -> Vec<&str> {
        let s = match self {
            Source::Cited { source } => source.as_str(),
            Source::Assumed { source, .. } => source.as_deref().unwrap_or(""),
        };
        s.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect()
    }

    pub fn is_assumption(&self) -> bool {
        matches!(self, Source::Assumed { .. })
    }

    /// The reason given for an assumption.
    pub fn why(&self) -> Option<&str> {
        match self {
            Source::Assumed { why, .. } => Some(why),
            Source::Cited { .. } => None,
        }
    }
}

/// The scenario's annotations, keyed by name path.
pub type Sources = BTreeMap<String, Source>;

/// The IDs of docs/sources.md: each entry starts with `<a id="ID"></a>` then `### ID`.
pub fn known_ids() -> Vec<&'static str> {
    let lines: Vec<&str> = SOURCES_MD.lines().collect();
    lines
        .windows(2)
        .filter_map(|w| {
            let id = w[0].strip_prefix("<a id=\"")?.strip_suffix("\"></a>")?;
            (w[1].strip_prefix("### ") == Some(id)).then_some(id)
        })
        .collect()
}

/// The text of entry `id` in docs/sources.md, from its heading to the next entry or section
/// (without the anchor and heading lines).
pub fn entry(id: &str) -> Option<&'static str> {
    let anchor = format!("<a id=\"{id}\"></a>\n### {id}\n");
    let start = SOURCES_MD.find(&anchor)? + anchor.len();
    let rest = &SOURCES_MD[start..];
    let end = ["\n<a id=\"", "\n## "]
        .iter()
        .filter_map(|m| rest.find(m))
        .min()
        .unwrap_or(rest.len());
    Some(rest[..end].trim())
}

/// Whether `key` covers the number at `path`: the same path, or a path below it (a whole list
/// such as `disruptions`, an entry, a schedule).
fn covers(key: &str, path: &str) -> bool {
    path.strip_prefix(key)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('.') || rest.starts_with('['))
}

/// The annotation of `n`: the most specific key of `s.sources` that covers it.
pub fn of<'a>(s: &'a Scenario, n: &Number) -> Option<&'a Source> {
    let path = n.name_path();
    s.sources
        .iter()
        .filter(|(k, _)| covers(k, &path))
        .max_by_key(|(k, _)| k.len())
        .map(|(_, v)| v)
}

/// The value a number takes when the file does not write it (the schema's serde defaults), for
/// the fields that have one: such a number needs no source unless the file says otherwise.
pub fn schema_default(field: &Field) -> Option<f64> {
    if std::ptr::eq(field, &fields::EXPORT_SHARE) {
        return Some(1.0);
    }
    let zero = [
        &fields::DOMESTIC_REFINING,
        &fields::ASSET_TARIFF,
        &fields::STORAGE_DAYS,
        &fields::ROUTE_TARIFF,
        &fields::DIFFERENTIAL,
    ];
    zero.iter().any(|f| std::ptr::eq(field, *f)).then_some(0.0)
}

/// The value of `n` when it is one number rather than a law.
fn fixed(n: &Number) -> Option<f64> {
    match n.value {
        Value::Plain(v) => Some(v),
        Value::Uncertain(u) => u.spec().0.build().ok()?.is_fixed(),
    }
}

/// The name paths of the numbers of `s` that no key covers, in file order, leaving out numbers
/// at their schema default (what a file gets by not writing them).
pub fn unannotated(s: &Scenario) -> Vec<String> {
    numbers(s)
        .iter()
        .filter(|n| of(s, n).is_none())
        .filter(|n| schema_default(n.field).is_none_or(|d| fixed(n) != Some(d)))
        .map(Number::name_path)
        .collect()
}

/// Every problem with `s.sources`: a key that names no number, an ID that is not in
/// docs/sources.md, a citation with no ID, an assumption with no reason.
pub fn check(s: &Scenario) -> Vec<Problem> {
    let mut out = Vec::new();
    if s.sources.is_empty() {
        return out;
    }
    let known = known_ids();
    let paths: Vec<String> = numbers(s).iter().map(Number::name_path).collect();
    for (key, source) in &s.sources {
        let at = format!("sources.{key}");
        let mut push = |message: String| {
            out.push(Problem {
                path: at.clone(),
                message,
            })
        };
        if !paths.iter().any(|p| covers(key, p)) {
            let why = super::paths::input_at(s, key)
                .err()
                .unwrap_or_else(|| format!("{key}: names no number of the scenario"));
            push(format!(
                "{why}; key each source by the path `corridor sweep --set` takes, or by a \
                 schedule or an entry that holds numbers (e.g. \"assets[BTC].capacity\", \
                 \"disruptions[CPC storm]\")"
            ));
        }
        let ids = source.ids();
        if let Source::Cited { .. } = source
            && ids.is_empty()
        {
            push(
                "a citation needs the ID of an entry of docs/sources.md, e.g. \
                 Cited(source: \"cpc-capacity\"); for a number with no source write \
                 Assumed(why: \"...\")"
                    .into(),
            );
        }
        for id in ids {
            if !known.contains(&id) {
                push(format!(
                    "source \"{}\" is not an entry of docs/sources.md; cite an ID it holds \
                     (the line `### ID` of an entry), or add the entry there",
                    echo::literal(id)
                ));
            }
        }
        if let Some(why) = source.why()
            && why.trim().is_empty()
        {
            push(
                "an assumption must say why it was chosen: Assumed(why: \"...\"); an empty \
                 reason tells a reviewer nothing"
                    .into(),
            );
        }
    }
    out
}

/// Drops the annotations that a base file wrote for an entry a variant removes
/// (`remove: true`): they went with the entry. A key the variant itself writes for an absent
/// entry stays, for `check` to report.
pub(crate) fn drop_removed(merged: &mut Node) {
    let Node::Record { fields, .. } = merged else {
        return;
    };
    let mut names: Vec<String> = Vec::new();
    for list in LISTS {
        if let Some((_, Node::Named { entries, .. })) = fields.iter().find(|(k, _)| k == list.field)
        {
            for e in entries {
                if let Some(Ok(name)) = e.string("name") {
                    names.push(format!("{}[{name}]", list.field));
                }
            }
        }
    }
    let Some((_, Node::Keyed { entries, .. })) = fields.iter_mut().find(|(k, _)| k == "sources")
    else {
        return;
    };
    entries.retain(|(key, node)| {
        let entry = key.find(']').map(|i| &key[..=i]);
        let list = key.split('[').next().unwrap_or("");
        let absent = entry.is_some_and(|e| !names.iter().any(|n| n == e))
            && LISTS.iter().any(|l| l.field == list);
        !(absent && node.src().file != 0)
    });
}

/// How an annotation reads for people: "cpc-capacity", "assumption: why (shaped by: id)".
pub fn describe(source: Option<&Source>) -> String {
    match source {
        None => "no source given".into(),
        Some(Source::Cited { source }) => source.clone(),
        Some(Source::Assumed { why, source }) => match source {
            Some(ids) => format!("assumption: {why} (shaped by {ids})"),
            None => format!("assumption: {why}"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_read_from_the_embedded_sources() {
        let ids = known_ids();
        assert!(ids.contains(&"cpc-capacity"), "{ids:?}");
        assert!(ids.contains(&"seed-000"));
        // Every ID is unique and in the documented format.
        for (i, id) in ids.iter().enumerate() {
            assert!(!ids[i + 1..].contains(id), "{id} twice");
            assert!(
                id.split('-').all(|p| !p.is_empty()
                    && p.chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())),
                "{id}"
            );
        }
        let e = entry("cpc-capacity").unwrap();
        assert!(entry("no-such-entry").is_none());
        assert!(e.contains("72.5"), "{e}");
        assert!(!e.contains("<a id="), "{e}");
    }

    /// The defaults here are the schema's: a scenario that writes none of these fields holds
    /// exactly them.
    #[test]
    fn schema_defaults_are_what_an_unwritten_field_holds() {
        let text = r#"Scenario(name: "d", horizon: (first_year: 2025, last_year: 2025),
            producers: [(name: "P", production: (anchors: { 2025: 1.0 }), barrels_per_tonne: 7.5)],
            assets: [(name: "A", kind: Pipeline, capacity: { 2025: 1.0 })],
            routes: [(name: "R", producers: ["P"], assets: ["A"])],
            prices: (benchmark: PerYear(70.0)))"#;
        let s = crate::scenario::load_str(text, "d.ron").unwrap().scenario;
        let mut with_default = 0;
        for n in numbers(&s) {
            if let Some(d) = schema_default(n.field) {
                assert_eq!(fixed(&n), Some(d), "{}", n.name_path());
                with_default += 1;
            }
        }
        assert_eq!(with_default, 6);
        assert_eq!(
            unannotated(&s),
            [
                "producers[P].production.anchors.2025",
                "producers[P].barrels_per_tonne",
                "assets[A].capacity.2025",
                "prices.benchmark"
            ]
        );
    }

    #[test]
    fn a_key_covers_its_own_path_and_those_below_it() {
        assert!(covers("assets[BTC]", "assets[BTC].capacity.2025"));
        assert!(covers("assets[BTC].capacity", "assets[BTC].capacity.2025"));
        assert!(covers(
            "assets[BTC].capacity.2025",
            "assets[BTC].capacity.2025"
        ));
        assert!(covers("assets", "assets[BTC].capacity.2025"));
        assert!(!covers("assets[BTC].cap", "assets[BTC].capacity.2025"));
        assert!(!covers("assets[BT]", "assets[BTC].capacity.2025"));
    }
}
