//! Composition: a scenario file that `extends` another and overrides a few parts of it.
//!
//! Analysts start from a shipped scenario and change a few lines; reviewers should have to read
//! only those lines. A file with a top-level `extends: "base.ron"` is read as a *patch*: every
//! field optional, lists of named entries matched by name. The patch is applied to its fully
//! resolved base (which may itself extend another file), and the result is validated as one
//! scenario. The rules are in docs/scenario-format.md, "Extending a scenario".
//!
//! Every merged value remembers which file wrote it (`Origin`), so a problem is reported at the
//! line of the file that holds the offending text: a bad value written in the variant at the
//! variant's line, a value inherited from the base at the base's line.

use std::collections::{BTreeMap, HashSet};
use std::fmt::{Display, Write};
use std::path::{Path, PathBuf};

use ron::extensions::Extensions;
use serde::Deserialize;

use super::diagnostic::{Diagnostic, Diagnostics};
use super::echo;
use super::explain::describe;
use super::load::{Loaded, locate, parse, read_text};
use super::schema::{
    Asset, AssetKind, Correlation, Disruption, ForcedEvent, Frequency, Horizon, Interpolation,
    Prices, Producer, Production, Regime, Route, Scenario, Schedule, Season,
};
use super::spans::SpanIndex;
use super::text::check_visible;
use super::uncertain::{Uncertain, one, zero};
use super::unique_keys::unique;
use super::validate::validate;

/// Longest chain of `extends` followed before giving up (a file, its base, its base's base...).
pub const MAX_EXTENDS_DEPTH: usize = 8;

/// The scenario a variant extends, fully resolved: what `explain` compares the variant with.
#[derive(Debug, Clone)]
pub struct Base {
    /// The base file as reached from the variant (`scenarios/baseline.ron`).
    pub file: String,
    pub scenario: Scenario,
}

/// Whether the text is a variant: a top-level `extends` field.
pub fn has_extends(text: &str) -> bool {
    SpanIndex::build(text).get("extends").is_some()
}

// ---------------------------------------------------------------------------------------------
// The patch: the schema with every field optional. Struct names match the schema's, so that
// `Scenario(...)` may be written and messages name the same types.

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename = "Scenario")]
struct ScenarioPatch {
    /// The file this one extends, relative to this file's folder.
    extends: String,
    /// Required: a variant writes its own output folder.
    name: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    horizon: Option<HorizonPatch>,
    #[serde(default)]
    producers: Vec<ProducerPatch>,
    #[serde(default)]
    assets: Vec<AssetPatch>,
    #[serde(default)]
    routes: Vec<RoutePatch>,
    #[serde(default)]
    disruptions: Vec<DisruptionPatch>,
    #[serde(default)]
    forced_events: Vec<ForcedEventPatch>,
    #[serde(default)]
    regimes: Vec<RegimePatch>,
    #[serde(default)]
    prices: Option<Prices>,
    #[serde(default)]
    stranded_thresholds: Option<Vec<f64>>,
    /// Replaces the base's correlations whole (`[]` removes them).
    #[serde(default)]
    correlations: Option<Vec<Correlation>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename = "Horizon")]
struct HorizonPatch {
    #[serde(default)]
    first_year: Option<i32>,
    #[serde(default)]
    last_year: Option<i32>,
    #[serde(default)]
    trials: Option<u64>,
    #[serde(default)]
    seed: Option<u64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename = "Producer")]
struct ProducerPatch {
    name: String,
    #[serde(default)]
    remove: bool,
    #[serde(default)]
    production: Option<ProductionPatch>,
    #[serde(default)]
    export_share: Option<Uncertain>,
    #[serde(default)]
    domestic_refining: Option<Uncertain>,
    #[serde(default)]
    barrels_per_tonne: Option<Uncertain>,
    #[serde(default)]
    priority: Option<i32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename = "Production")]
struct ProductionPatch {
    #[serde(default, deserialize_with = "unique")]
    anchors: BTreeMap<i32, Uncertain>,
    #[serde(default)]
    interpolation: Option<Interpolation>,
    #[serde(default, deserialize_with = "unique")]
    growth: Schedule,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename = "Asset")]
struct AssetPatch {
    name: String,
    #[serde(default)]
    remove: bool,
    #[serde(default)]
    kind: Option<AssetKind>,
    #[serde(default, deserialize_with = "unique")]
    capacity: Schedule,
    #[serde(default)]
    owner: Option<String>,
    #[serde(default)]
    tariff: Option<Uncertain>,
    #[serde(default)]
    storage_days: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename = "Route")]
struct RoutePatch {
    name: String,
    #[serde(default)]
    remove: bool,
    #[serde(default)]
    producers: Option<Vec<String>>,
    #[serde(default)]
    market: Option<String>,
    #[serde(default)]
    assets: Option<Vec<String>>,
    #[serde(default)]
    tariff: Option<Uncertain>,
    #[serde(default)]
    differential: Option<Uncertain>,
    #[serde(default, deserialize_with = "unique")]
    contract_min: Schedule,
    #[serde(default, deserialize_with = "unique")]
    contract_max: Schedule,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename = "Disruption")]
struct DisruptionPatch {
    name: String,
    #[serde(default)]
    remove: bool,
    #[serde(default)]
    assets: Option<Vec<String>>,
    #[serde(default)]
    tags: Option<Vec<String>>,
    #[serde(default)]
    frequency: Option<Frequency>,
    #[serde(default)]
    duration_days: Option<Uncertain>,
    #[serde(default)]
    severity: Option<Uncertain>,
    #[serde(default)]
    years: Option<(i32, i32)>,
    #[serde(default)]
    season: Option<Season>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename = "ForcedEvent")]
struct ForcedEventPatch {
    name: String,
    #[serde(default)]
    remove: bool,
    #[serde(default)]
    assets: Option<Vec<String>>,
    #[serde(default)]
    start: Option<String>,
    #[serde(default)]
    end: Option<String>,
    #[serde(default)]
    capacity_left: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename = "Regime")]
struct RegimePatch {
    name: String,
    #[serde(default)]
    remove: bool,
    #[serde(default)]
    initial: Option<f64>,
    #[serde(default)]
    next: Option<Vec<f64>>,
    #[serde(default, deserialize_with = "unique")]
    frequency_multipliers: BTreeMap<String, f64>,
    #[serde(default, deserialize_with = "unique")]
    differential_add: BTreeMap<String, f64>,
}

// ---------------------------------------------------------------------------------------------
// Provenance.

/// Text in one file of the chain: the file's index (0 = the file the user named) and the path,
/// in that file, of the entry it belongs to (`routes[0]`, or "" for the top level).
#[derive(Debug, Clone)]
struct Src {
    file: usize,
    path: String,
}

/// Which file wrote each part of one merged entry (or of the top level). A part is a path
/// relative to the entry (`.contract_min.2026`); the longest part that covers a path names its
/// file, and among equals the last written wins.
#[derive(Debug, Clone)]
struct Origin {
    /// (relative path, applies to that exact path only, source).
    parts: Vec<(String, bool, Src)>,
}

impl Origin {
    fn whole(src: Src) -> Origin {
        Origin {
            parts: vec![(String::new(), false, src)],
        }
    }

    fn push(&mut self, rel: &str, exact: bool, src: &Src) {
        self.parts.push((rel.to_string(), exact, src.clone()));
    }

    /// Replaces `target` when the patch wrote a value.
    fn set<T>(&mut self, target: &mut T, value: Option<T>, rel: &str, src: &Src) {
        if let Some(v) = value {
            *target = v;
            self.push(rel, false, src);
        }
    }

    /// Merges a map by key. The map as a whole (`.capacity`) is attributed to the last file
    /// that wrote any key; each key to the file that wrote it.
    fn map<K: Ord + Display, V>(
        &mut self,
        target: &mut BTreeMap<K, V>,
        patch: BTreeMap<K, V>,
        rel: &str,
        src: &Src,
    ) {
        if patch.is_empty() {
            return;
        }
        self.push(rel, true, src);
        for (k, v) in patch {
            self.push(&format!("{rel}.{k}"), false, src);
            target.insert(k, v);
        }
    }

    /// The file and the path in it of the merged path `rel` (relative to this entry).
    fn resolve(&self, rel: &str) -> (usize, String) {
        let covers = |part: &str, exact: bool| {
            rel == part
                || (!exact
                    && (part.is_empty()
                        || rel
                            .strip_prefix(part)
                            .is_some_and(|rest| rest.starts_with(['.', '[']))))
        };
        let (_, _, src) = self
            .parts
            .iter()
            .filter(|(part, exact, _)| covers(part, *exact))
            .max_by_key(|(part, _, _)| part.len())
            .expect("every origin has a whole-entry part");
        let path = format!("{}{rel}", src.path);
        (
            src.file,
            path.strip_prefix('.').unwrap_or(&path).to_string(),
        )
    }
}

/// A merged scenario and where each part of it came from.
struct Merged {
    scenario: Scenario,
    root: Origin,
    /// One origin per entry of each named list, in the scenario's order.
    lists: BTreeMap<&'static str, Vec<Origin>>,
}

const LISTS: [&str; 6] = [
    "producers",
    "assets",
    "routes",
    "disruptions",
    "forced_events",
    "regimes",
];

impl Merged {
    fn new(scenario: Scenario, file: usize) -> Merged {
        let s = &scenario;
        let counts = [
            s.producers.len(),
            s.assets.len(),
            s.routes.len(),
            s.disruptions.len(),
            s.forced_events.len(),
            s.regimes.len(),
        ];
        let lists = LISTS
            .iter()
            .zip(counts)
            .map(|(&list, n)| {
                let origins = (0..n)
                    .map(|i| {
                        Origin::whole(Src {
                            file,
                            path: format!("{list}[{i}]"),
                        })
                    })
                    .collect();
                (list, origins)
            })
            .collect();
        Merged {
            scenario,
            root: Origin::whole(Src {
                file,
                path: String::new(),
            }),
            lists,
        }
    }

    /// The file and the path in it of a merged path such as `routes[3].contract_max.2026`.
    fn resolve(&self, path: &str) -> (usize, String) {
        for list in LISTS {
            let Some(rest) = path.strip_prefix(list).and_then(|r| r.strip_prefix('[')) else {
                continue;
            };
            if let Some((index, rel)) = rest.split_once(']')
                && let Ok(i) = index.parse::<usize>()
                && let Some(origin) = self.lists[list].get(i)
            {
                return origin.resolve(rel);
            }
        }
        let rel = if path.is_empty() {
            String::new()
        } else {
            format!(".{path}")
        };
        self.root.resolve(&rel)
    }

    /// Applies the patch written in file `file` (whose text is `layer`); `base` names the file
    /// it extends, for messages. Problems are appended to `problems`.
    fn apply(
        &mut self,
        p: ScenarioPatch,
        file: usize,
        layer: &Layer,
        base: &str,
        problems: &mut Vec<Diagnostic>,
    ) {
        let src = Src {
            file,
            path: String::new(),
        };
        let s = &mut self.scenario;
        let root = &mut self.root;
        root.set(&mut s.name, Some(p.name), ".name", &src);
        root.set(&mut s.description, p.description, ".description", &src);
        if let Some(h) = p.horizon {
            let any = h.first_year.is_some()
                || h.last_year.is_some()
                || h.trials.is_some()
                || h.seed.is_some();
            let Horizon {
                first_year,
                last_year,
                trials,
                seed,
            } = &mut s.horizon;
            root.set(first_year, h.first_year, ".horizon.first_year", &src);
            root.set(last_year, h.last_year, ".horizon.last_year", &src);
            root.set(trials, h.trials.map(Some), ".horizon.trials", &src);
            root.set(seed, h.seed.map(Some), ".horizon.seed", &src);
            if any {
                root.push(".horizon", true, &src);
            }
        }
        root.set(&mut s.prices, p.prices, ".prices", &src);
        root.set(
            &mut s.stranded_thresholds,
            p.stranded_thresholds,
            ".stranded_thresholds",
            &src,
        );
        root.set(&mut s.correlations, p.correlations, ".correlations", &src);

        let mut ctx = ListCtx {
            file,
            layer,
            base,
            problems,
            root,
        };
        let lists = &mut self.lists;
        ctx.merge(&mut s.producers, lists.get_mut("producers"), p.producers);
        ctx.merge(&mut s.assets, lists.get_mut("assets"), p.assets);
        ctx.merge(&mut s.routes, lists.get_mut("routes"), p.routes);
        ctx.merge(
            &mut s.disruptions,
            lists.get_mut("disruptions"),
            p.disruptions,
        );
        ctx.merge(
            &mut s.forced_events,
            lists.get_mut("forced_events"),
            p.forced_events,
        );
        ctx.merge(&mut s.regimes, lists.get_mut("regimes"), p.regimes);
    }
}

/// One list entry of the schema, found by its name.
trait Named {
    /// The list's field name (`routes`) and what one entry is called (`route`).
    const LIST: &'static str;
    const WHAT: &'static str;
    fn name(&self) -> &str;
}

/// One list entry of a patch.
trait Patch: Sized {
    type Full: Named;
    fn name(&self) -> &str;
    fn remove(&self) -> bool;
    /// Whether any field besides `name` and `remove` is written.
    fn writes(&self) -> bool;
    /// Field-level override of an existing entry.
    fn apply(self, full: &mut Self::Full, o: &mut Origin, src: &Src);
    /// A new entry; `Err` lists the required fields left out.
    fn create(self) -> Result<Self::Full, Vec<&'static str>>;
}

struct ListCtx<'a> {
    file: usize,
    layer: &'a Layer,
    base: &'a str,
    problems: &'a mut Vec<Diagnostic>,
    root: &'a mut Origin,
}

impl ListCtx<'_> {
    fn problem(&mut self, path: String, message: String) {
        self.problems
            .push(locate(&self.layer.spans, &self.layer.file, path, message));
    }

    fn merge<P: Patch>(
        &mut self,
        list: &mut Vec<P::Full>,
        origins: Option<&mut Vec<Origin>>,
        patches: Vec<P>,
    ) {
        let origins = origins.expect("one origin list per named list");
        let (field, what) = (P::Full::LIST, P::Full::WHAT);
        if !patches.is_empty() {
            self.root.push(
                &format!(".{field}"),
                true,
                &Src {
                    file: self.file,
                    path: String::new(),
                },
            );
        }
        let mut seen = HashSet::new();
        for (j, p) in patches.into_iter().enumerate() {
            let at = format!("{field}[{j}]");
            let name = p.name().to_string();
            let known = || {
                let mut names: Vec<&str> = list.iter().map(Named::name).collect();
                names.sort_unstable();
                echo::list(names)
            };
            if !seen.insert(name.clone()) {
                self.problem(
                    format!("{at}.name"),
                    format!(
                        "\"{name}\" is written twice in this file's {field}; merge the two entries"
                    ),
                );
                continue;
            }
            let pos = list.iter().position(|e| e.name() == name);
            let src = Src {
                file: self.file,
                path: at.clone(),
            };
            match (pos, p.remove()) {
                (Some(_), true) if p.writes() => self.problem(
                    format!("{at}.remove"),
                    "an entry with remove: true takes only its name; delete the other fields"
                        .into(),
                ),
                (Some(i), true) => {
                    list.remove(i);
                    origins.remove(i);
                }
                (None, true) => {
                    let message = format!(
                        "there is no {what} \"{name}\" in {} to remove; known: {}",
                        self.base,
                        known()
                    );
                    self.problem(format!("{at}.name"), message);
                }
                (Some(i), false) => p.apply(&mut list[i], &mut origins[i], &src),
                (None, false) => {
                    let known = known();
                    match p.create() {
                        Ok(full) => {
                            list.push(full);
                            origins.push(Origin::whole(src));
                        }
                        Err(missing) => {
                            let fields: Vec<String> =
                                missing.iter().map(|f| format!("`{f}`")).collect();
                            let message = format!(
                                "{} has no {what} \"{name}\", so this entry adds one, which needs {}; \
                                 add them, or correct the name to change an existing {what} (known: {known})",
                                self.base,
                                fields.join(", ")
                            );
                            self.problem(at, message);
                        }
                    }
                }
            }
        }
    }
}

/// Required fields of a new entry: each `Some`, else its name is reported missing.
fn need<T>(value: Option<T>, field: &'static str, missing: &mut Vec<&'static str>) -> Option<T> {
    if value.is_none() {
        missing.push(field);
    }
    value
}

macro_rules! named {
    ($ty:ty, $list:literal, $what:literal) => {
        impl Named for $ty {
            const LIST: &'static str = $list;
            const WHAT: &'static str = $what;
            fn name(&self) -> &str {
                &self.name
            }
        }
    };
}

named!(Producer, "producers", "producer");
named!(Asset, "assets", "asset");
named!(Route, "routes", "route");
named!(Disruption, "disruptions", "disruption");
named!(ForcedEvent, "forced_events", "forced event");
named!(Regime, "regimes", "regime");

impl Patch for ProducerPatch {
    type Full = Producer;
    fn name(&self) -> &str {
        &self.name
    }
    fn remove(&self) -> bool {
        self.remove
    }
    fn writes(&self) -> bool {
        self.production.is_some()
            || self.export_share.is_some()
            || self.domestic_refining.is_some()
            || self.barrels_per_tonne.is_some()
            || self.priority.is_some()
    }
    fn apply(self, f: &mut Producer, o: &mut Origin, src: &Src) {
        if let Some(pp) = self.production {
            let prod = &mut f.production;
            o.map(&mut prod.anchors, pp.anchors, ".production.anchors", src);
            o.set(
                &mut prod.interpolation,
                pp.interpolation,
                ".production.interpolation",
                src,
            );
            o.map(&mut prod.growth, pp.growth, ".production.growth", src);
        }
        o.set(&mut f.export_share, self.export_share, ".export_share", src);
        o.set(
            &mut f.domestic_refining,
            self.domestic_refining,
            ".domestic_refining",
            src,
        );
        o.set(
            &mut f.barrels_per_tonne,
            self.barrels_per_tonne,
            ".barrels_per_tonne",
            src,
        );
        o.set(&mut f.priority, self.priority, ".priority", src);
    }
    fn create(self) -> Result<Producer, Vec<&'static str>> {
        let mut missing = Vec::new();
        let production = need(
            self.production.filter(|p| !p.anchors.is_empty()),
            "production.anchors",
            &mut missing,
        );
        let bpt = need(self.barrels_per_tonne, "barrels_per_tonne", &mut missing);
        let (Some(pp), Some(barrels_per_tonne)) = (production, bpt) else {
            return Err(missing);
        };
        Ok(Producer {
            name: self.name,
            production: Production {
                anchors: pp.anchors,
                interpolation: pp.interpolation.unwrap_or_default(),
                growth: pp.growth,
            },
            export_share: self.export_share.unwrap_or_else(one),
            domestic_refining: self.domestic_refining.unwrap_or_else(zero),
            barrels_per_tonne,
            priority: self.priority.unwrap_or(0),
        })
    }
}

impl Patch for AssetPatch {
    type Full = Asset;
    fn name(&self) -> &str {
        &self.name
    }
    fn remove(&self) -> bool {
        self.remove
    }
    fn writes(&self) -> bool {
        self.kind.is_some()
            || !self.capacity.is_empty()
            || self.owner.is_some()
            || self.tariff.is_some()
            || self.storage_days.is_some()
    }
    fn apply(self, f: &mut Asset, o: &mut Origin, src: &Src) {
        o.set(&mut f.kind, self.kind, ".kind", src);
        o.map(&mut f.capacity, self.capacity, ".capacity", src);
        o.set(&mut f.owner, self.owner.map(Some), ".owner", src);
        o.set(&mut f.tariff, self.tariff, ".tariff", src);
        o.set(&mut f.storage_days, self.storage_days, ".storage_days", src);
    }
    fn create(self) -> Result<Asset, Vec<&'static str>> {
        if self.capacity.is_empty() {
            return Err(vec!["capacity"]);
        }
        Ok(Asset {
            name: self.name,
            kind: self.kind.unwrap_or_default(),
            capacity: self.capacity,
            owner: self.owner,
            tariff: self.tariff.unwrap_or_else(zero),
            storage_days: self.storage_days.unwrap_or(0.0),
        })
    }
}

impl Patch for RoutePatch {
    type Full = Route;
    fn name(&self) -> &str {
        &self.name
    }
    fn remove(&self) -> bool {
        self.remove
    }
    fn writes(&self) -> bool {
        self.producers.is_some()
            || self.market.is_some()
            || self.assets.is_some()
            || self.tariff.is_some()
            || self.differential.is_some()
            || !self.contract_min.is_empty()
            || !self.contract_max.is_empty()
    }
    fn apply(self, f: &mut Route, o: &mut Origin, src: &Src) {
        o.set(&mut f.producers, self.producers, ".producers", src);
        o.set(&mut f.market, self.market, ".market", src);
        o.set(&mut f.assets, self.assets, ".assets", src);
        o.set(&mut f.tariff, self.tariff, ".tariff", src);
        o.set(&mut f.differential, self.differential, ".differential", src);
        o.map(&mut f.contract_min, self.contract_min, ".contract_min", src);
        o.map(&mut f.contract_max, self.contract_max, ".contract_max", src);
    }
    fn create(self) -> Result<Route, Vec<&'static str>> {
        let mut missing = Vec::new();
        let producers = need(self.producers, "producers", &mut missing);
        let assets = need(self.assets, "assets", &mut missing);
        let (Some(producers), Some(assets)) = (producers, assets) else {
            return Err(missing);
        };
        Ok(Route {
            name: self.name,
            producers,
            market: self.market.unwrap_or_default(),
            assets,
            tariff: self.tariff.unwrap_or_else(zero),
            differential: self.differential.unwrap_or_else(zero),
            contract_min: self.contract_min,
            contract_max: self.contract_max,
        })
    }
}

impl Patch for DisruptionPatch {
    type Full = Disruption;
    fn name(&self) -> &str {
        &self.name
    }
    fn remove(&self) -> bool {
        self.remove
    }
    fn writes(&self) -> bool {
        self.assets.is_some()
            || self.tags.is_some()
            || self.frequency.is_some()
            || self.duration_days.is_some()
            || self.severity.is_some()
            || self.years.is_some()
            || self.season.is_some()
    }
    fn apply(self, f: &mut Disruption, o: &mut Origin, src: &Src) {
        o.set(&mut f.assets, self.assets, ".assets", src);
        o.set(&mut f.tags, self.tags, ".tags", src);
        o.set(&mut f.frequency, self.frequency, ".frequency", src);
        o.set(
            &mut f.duration_days,
            self.duration_days,
            ".duration_days",
            src,
        );
        o.set(&mut f.severity, self.severity, ".severity", src);
        o.set(&mut f.years, self.years.map(Some), ".years", src);
        o.set(&mut f.season, self.season.map(Some), ".season", src);
    }
    fn create(self) -> Result<Disruption, Vec<&'static str>> {
        let mut missing = Vec::new();
        let assets = need(self.assets, "assets", &mut missing);
        let frequency = need(self.frequency, "frequency", &mut missing);
        let duration = need(self.duration_days, "duration_days", &mut missing);
        let severity = need(self.severity, "severity", &mut missing);
        let (Some(assets), Some(frequency), Some(duration_days), Some(severity)) =
            (assets, frequency, duration, severity)
        else {
            return Err(missing);
        };
        Ok(Disruption {
            name: self.name,
            assets,
            tags: self.tags.unwrap_or_default(),
            frequency,
            duration_days,
            severity,
            years: self.years,
            season: self.season,
        })
    }
}

impl Patch for ForcedEventPatch {
    type Full = ForcedEvent;
    fn name(&self) -> &str {
        &self.name
    }
    fn remove(&self) -> bool {
        self.remove
    }
    fn writes(&self) -> bool {
        self.assets.is_some()
            || self.start.is_some()
            || self.end.is_some()
            || self.capacity_left.is_some()
    }
    fn apply(self, f: &mut ForcedEvent, o: &mut Origin, src: &Src) {
        o.set(&mut f.assets, self.assets, ".assets", src);
        o.set(&mut f.start, self.start, ".start", src);
        o.set(&mut f.end, self.end, ".end", src);
        o.set(
            &mut f.capacity_left,
            self.capacity_left,
            ".capacity_left",
            src,
        );
    }
    fn create(self) -> Result<ForcedEvent, Vec<&'static str>> {
        let mut missing = Vec::new();
        let assets = need(self.assets, "assets", &mut missing);
        let start = need(self.start, "start", &mut missing);
        let end = need(self.end, "end", &mut missing);
        let left = need(self.capacity_left, "capacity_left", &mut missing);
        let (Some(assets), Some(start), Some(end), Some(capacity_left)) =
            (assets, start, end, left)
        else {
            return Err(missing);
        };
        Ok(ForcedEvent {
            name: self.name,
            assets,
            start,
            end,
            capacity_left,
        })
    }
}

impl Patch for RegimePatch {
    type Full = Regime;
    fn name(&self) -> &str {
        &self.name
    }
    fn remove(&self) -> bool {
        self.remove
    }
    fn writes(&self) -> bool {
        self.initial.is_some()
            || self.next.is_some()
            || !self.frequency_multipliers.is_empty()
            || !self.differential_add.is_empty()
    }
    fn apply(self, f: &mut Regime, o: &mut Origin, src: &Src) {
        o.set(&mut f.initial, self.initial, ".initial", src);
        o.set(&mut f.next, self.next, ".next", src);
        o.map(
            &mut f.frequency_multipliers,
            self.frequency_multipliers,
            ".frequency_multipliers",
            src,
        );
        o.map(
            &mut f.differential_add,
            self.differential_add,
            ".differential_add",
            src,
        );
    }
    fn create(self) -> Result<Regime, Vec<&'static str>> {
        let mut missing = Vec::new();
        let initial = need(self.initial, "initial", &mut missing);
        let next = need(self.next, "next", &mut missing);
        let (Some(initial), Some(next)) = (initial, next) else {
            return Err(missing);
        };
        Ok(Regime {
            name: self.name,
            initial,
            next,
            frequency_multipliers: self.frequency_multipliers,
            differential_add: self.differential_add,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Loading a chain of files.

/// One file of the chain, with its source positions.
struct Layer {
    file: String,
    text: String,
    spans: SpanIndex,
}

impl Layer {
    fn new(file: String, text: String) -> Layer {
        let spans = SpanIndex::build(&text);
        Layer { file, text, spans }
    }
}

/// A path's identity for cycle detection: canonical where the file exists.
fn identity(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Loads a variant (`text` has a top-level `extends`); `file` names it and anchors the relative
/// paths of `extends`.
pub(crate) fn load_variant(text: &str, file: &str) -> Result<Loaded, Diagnostics> {
    let mut layers = vec![Layer::new(file.to_string(), text.to_string())];
    let mut patches: Vec<ScenarioPatch> = Vec::new();
    let mut seen = vec![identity(Path::new(file))];
    let base = loop {
        let top = layers.last().expect("at least the named file");
        if top.spans.get("extends").is_none() {
            break parse::<Scenario>(&top.text, &top.file)?;
        }
        let patch: ScenarioPatch = parse(&top.text, &top.file)?;
        let at = |message: String| {
            Diagnostics(vec![locate(
                &top.spans,
                &top.file,
                "extends".into(),
                message,
            )])
        };
        let chain = |last: &str| {
            let mut names: Vec<&str> = layers.iter().map(|l| l.file.as_str()).collect();
            names.push(last);
            names.join(" → ")
        };
        let dir = Path::new(&top.file).parent().unwrap_or(Path::new(""));
        let path = dir.join(&patch.extends);
        let base_file = path.display().to_string();
        if patches.len() == MAX_EXTENDS_DEPTH {
            return Err(at(format!(
                "more than {MAX_EXTENDS_DEPTH} levels of extends ({}); extend a file nearer the full scenario",
                chain(&base_file)
            )));
        }
        let id = identity(&path);
        if seen.contains(&id) {
            return Err(at(format!(
                "{} is a cycle; a scenario cannot extend itself, directly or through other files",
                chain(&base_file)
            )));
        }
        let base_text = read_text(&path, &base_file).map_err(|d| {
            let why = d.0.first().map_or(String::new(), |d| d.message.clone());
            at(format!(
                "cannot use {base_file}: {why}; the path is relative to this file's folder"
            ))
        })?;
        // The base is shown to reviewers too: the same characters are refused there.
        check_visible(&base_text, &base_file)?;
        seen.push(id);
        patches.push(patch);
        layers.push(Layer::new(base_file, base_text));
    };

    // Apply from the full scenario at the bottom up to the named file (index 0).
    let mut merged = Merged::new(base, layers.len() - 1);
    let mut problems = Vec::new();
    let mut parent = None;
    for (k, patch) in patches.into_iter().enumerate().rev() {
        if k == 0 {
            parent = Some(merged.scenario.clone());
        }
        merged.apply(patch, k, &layers[k], &layers[k + 1].file, &mut problems);
    }
    if !problems.is_empty() {
        return Err(Diagnostics(problems));
    }
    let found = validate(&merged.scenario);
    if !found.is_empty() {
        let diags = found
            .into_iter()
            .map(|p| {
                let (k, path) = merged.resolve(&p.path);
                let layer = &layers[k];
                let message = if k == 0 {
                    p.message
                } else {
                    format!("{} [as extended by {}]", p.message, layers[0].file)
                };
                locate(&layer.spans, &layer.file, path, message)
            })
            .collect();
        return Err(Diagnostics(diags));
    }
    let text = resolved_text(&layers, &merged.scenario);
    Ok(Loaded {
        scenario: merged.scenario,
        file: file.to_string(),
        text,
        base: parent.map(|scenario| Base {
            file: layers[1].file.clone(),
            scenario,
        }),
    })
}

/// The text a run keeps as `scenario.ron`: the resolved scenario as one self-contained file,
/// preceded by every file of the chain, commented out, so the result still shows the sources.
fn resolved_text(layers: &[Layer], s: &Scenario) -> String {
    let mut o = String::new();
    let chain: Vec<&str> = layers.iter().map(|l| l.file.as_str()).collect();
    let _ = writeln!(o, "// Resolved scenario: {}.", chain.join(" extends "));
    let _ = writeln!(
        o,
        "// corridor applied each file's overrides to the file it extends (docs/scenario-format.md,\n\
         // \"Extending a scenario\"). The scenario that ran is at the end; each file's own text,\n\
         // comments and sources included, comes first, commented out."
    );
    for layer in layers {
        let _ = writeln!(o, "//\n// ---------- {} ----------", layer.file);
        for line in layer.text.lines() {
            let _ = writeln!(o, "// {line}");
        }
    }
    let config = ron::ser::PrettyConfig::new()
        .extensions(Extensions::IMPLICIT_SOME)
        .indentor("    ");
    let body = ron::ser::to_string_pretty(s, config).expect("a scenario always serialises");
    let _ = writeln!(o, "\n{body}");
    o
}

// ---------------------------------------------------------------------------------------------
// What a variant changes, in words.

/// One described fact: (entry label, field label, value in words).
type Fact = (String, String, String);

/// The `Changes against BASE` section of `explain`, or `None` for a file that extends nothing.
pub fn changes_section(loaded: &Loaded) -> Option<String> {
    let base = loaded.base.as_ref()?;
    let mut o = String::new();
    let _ = writeln!(
        o,
        "Changes against {} (what {} overrides; everything else is inherited)",
        base.file, loaded.file
    );
    let lines = changes(&base.scenario, &loaded.scenario);
    if lines.is_empty() {
        let _ = writeln!(o, "  none: the file repeats what it extends");
    }
    for l in lines {
        let _ = writeln!(o, "  {l}");
    }
    Some(o)
}

/// Differences between two scenarios, one line each: changed fields `old → new`, added entries
/// with all their fields, removed entries by name.
pub fn changes(old: &Scenario, new: &Scenario) -> Vec<String> {
    let (a, b) = (facts(old), facts(new));
    let entries = |f: &[Fact]| {
        let mut v: Vec<String> = Vec::new();
        for (e, _, _) in f {
            if !v.contains(e) {
                v.push(e.clone());
            }
        }
        v
    };
    let fields = |f: &[Fact], entry: &str| -> Vec<(String, String)> {
        f.iter()
            .filter(|(e, _, _)| e == entry)
            .map(|(_, k, v)| (k.clone(), v.clone()))
            .collect()
    };
    let (old_entries, new_entries) = (entries(&a), entries(&b));
    let mut out = Vec::new();
    for entry in &old_entries {
        let before = fields(&a, entry);
        if !new_entries.contains(entry) {
            out.push(format!("removed {entry}"));
            continue;
        }
        let after = fields(&b, entry);
        let prefix = if entry.is_empty() {
            String::new()
        } else {
            format!("{entry}: ")
        };
        let mut keys: Vec<&String> = before.iter().map(|(k, _)| k).collect();
        keys.extend(
            after
                .iter()
                .map(|(k, _)| k)
                .filter(|k| !before.iter().any(|(b, _)| b == *k)),
        );
        for k in keys {
            let find = |f: &[(String, String)]| f.iter().find(|(x, _)| x == k).map(|x| x.1.clone());
            let (was, now) = (find(&before), find(&after));
            if was != now {
                out.push(format!(
                    "{prefix}{k}: {} → {}",
                    was.unwrap_or_else(|| "none".into()),
                    now.unwrap_or_else(|| "none".into())
                ));
            }
        }
    }
    for entry in new_entries.iter().filter(|e| !old_entries.contains(e)) {
        let what: Vec<String> = fields(&b, entry)
            .into_iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect();
        out.push(format!("added {entry}: {}", what.join("; ")));
    }
    out
}

/// Every fact of a scenario, in words, keyed by entry and field.
fn facts(s: &Scenario) -> Vec<Fact> {
    let mut f: Vec<Fact> = Vec::new();
    let mut add = |entry: &str, field: String, value: String| {
        f.push((entry.to_string(), field, value));
    };
    let schedule = |add: &mut dyn FnMut(String, String), label: &str, sched: &Schedule| {
        for (y, v) in sched {
            add(format!("{label} from {y}"), describe(v));
        }
    };
    add("", "name".into(), s.name.clone());
    add("", "description".into(), s.description.clone());
    let h = &s.horizon;
    add("", "first year".into(), h.first_year.to_string());
    add("", "last year".into(), h.last_year.to_string());
    add("", "default trials".into(), opt(h.trials));
    add("", "default seed".into(), opt(h.seed));
    for p in &s.producers {
        let e = format!("producer \"{}\"", p.name);
        let mut a = |k: String, v: String| add(&e, k, v);
        for (y, v) in &p.production.anchors {
            a(format!("production in {y} (Mt)"), describe(v));
        }
        a(
            "interpolation".into(),
            format!("{:?}", p.production.interpolation),
        );
        schedule(&mut a, "growth", &p.production.growth);
        a("export share".into(), describe(&p.export_share));
        a(
            "domestic refining (Mt/yr)".into(),
            describe(&p.domestic_refining),
        );
        a("barrels per tonne".into(), describe(&p.barrels_per_tonne));
        a("priority".into(), p.priority.to_string());
    }
    for x in &s.assets {
        let e = format!("asset \"{}\"", x.name);
        let mut a = |k: String, v: String| add(&e, k, v);
        a("kind".into(), format!("{:?}", x.kind));
        schedule(&mut a, "capacity (Mt/yr)", &x.capacity);
        a(
            "owner".into(),
            x.owner.clone().unwrap_or_else(|| "none".into()),
        );
        a("tariff (USD/t)".into(), describe(&x.tariff));
        a("storage days".into(), x.storage_days.to_string());
    }
    for r in &s.routes {
        let e = format!("route \"{}\"", r.name);
        let mut a = |k: String, v: String| add(&e, k, v);
        a("producers".into(), r.producers.join(", "));
        a("market".into(), r.market.clone());
        a("chain".into(), r.assets.join(" → "));
        a("extra tariff (USD/t)".into(), describe(&r.tariff));
        a("differential (USD/bbl)".into(), describe(&r.differential));
        schedule(&mut a, "contract minimum (Mt/yr)", &r.contract_min);
        schedule(&mut a, "contract maximum (Mt/yr)", &r.contract_max);
    }
    for d in &s.disruptions {
        let e = format!("disruption \"{}\"", d.name);
        let mut a = |k: String, v: String| add(&e, k, v);
        a("hits".into(), d.assets.join(" + "));
        a("tags".into(), d.tags.join(", "));
        let (k, v) = match &d.frequency {
            Frequency::Rate(u) => ("events per year", describe(u)),
            Frequency::Probability(u) => ("chance of an event each year", describe(u)),
        };
        a("frequency".into(), format!("{v} {k}"));
        a("duration (days)".into(), describe(&d.duration_days));
        a("severity (fraction lost)".into(), describe(&d.severity));
        a(
            "years".into(),
            d.years.map_or("all".into(), |(x, y)| format!("{x}–{y}")),
        );
        a(
            "season".into(),
            d.season
                .as_ref()
                .map_or("all year".into(), |s| format!("{} to {}", s.from, s.to)),
        );
    }
    for x in &s.forced_events {
        let e = format!("forced event \"{}\"", x.name);
        let mut a = |k: String, v: String| add(&e, k, v);
        a("assets".into(), x.assets.join(" + "));
        a("from".into(), x.start.clone());
        a("to".into(), x.end.clone());
        a(
            "capacity left".into(),
            format!("{}%", fmt(100.0 * x.capacity_left)),
        );
    }
    for r in &s.regimes {
        let e = format!("regime \"{}\"", r.name);
        let mut a = |k: String, v: String| add(&e, k, v);
        a("initial probability".into(), fmt(r.initial));
        let next: Vec<String> = r.next.iter().map(|p| fmt(*p)).collect();
        a("next-year probabilities".into(), next.join(", "));
        for (k, v) in &r.frequency_multipliers {
            a(format!("{k} events ×"), fmt(*v));
        }
        for (k, v) in &r.differential_add {
            a(format!("{k} differential add (USD/bbl)"), fmt(*v));
        }
    }
    match &s.prices.benchmark {
        super::schema::Benchmark::MeanReverting {
            start,
            long_run,
            reversion,
            volatility,
        } => {
            add("", "benchmark".into(), "mean-reverting".into());
            add("", "benchmark start (USD/bbl)".into(), describe(start));
            add(
                "",
                "benchmark long run (USD/bbl)".into(),
                describe(long_run),
            );
            add("", "benchmark reversion".into(), describe(reversion));
            add("", "benchmark volatility".into(), describe(volatility));
        }
        super::schema::Benchmark::PerYear(u) => {
            add(
                "",
                "benchmark".into(),
                format!("drawn each year: {}", describe(u)),
            );
        }
    }
    for (i, c) in s.correlations.iter().enumerate() {
        let rows: Vec<String> = c
            .rank
            .iter()
            .map(|r| {
                let r: Vec<String> = r.iter().map(|x| fmt(*x)).collect();
                format!("[{}]", r.join(", "))
            })
            .collect();
        add(
            "",
            format!("correlation group {}", i + 1),
            format!("{}: rank {}", c.inputs.join(", "), rows.join(" ")),
        );
    }
    f
}

fn opt<T: Display>(v: Option<T>) -> String {
    v.map_or("none".into(), |v| v.to_string())
}

fn fmt(v: f64) -> String {
    let s = format!("{v:.4}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origin_prefers_the_longest_covering_part_and_the_latest_writer() {
        let base = Src {
            file: 1,
            path: "routes[2]".into(),
        };
        let var = Src {
            file: 0,
            path: "routes[0]".into(),
        };
        let mut o = Origin::whole(base);
        o.push(".contract_min", true, &var);
        o.push(".contract_min.2026", false, &var);
        o.push(".assets", false, &var);
        assert_eq!(o.resolve(""), (1, "routes[2]".into()));
        assert_eq!(
            o.resolve(".contract_min"),
            (0, "routes[0].contract_min".into())
        );
        assert_eq!(
            o.resolve(".contract_min.2025"),
            (1, "routes[2].contract_min.2025".into())
        );
        assert_eq!(
            o.resolve(".contract_min.2026"),
            (0, "routes[0].contract_min.2026".into())
        );
        assert_eq!(o.resolve(".assets[1]"), (0, "routes[0].assets[1]".into()));
        // `.assetsX` is not under `.assets`.
        assert_eq!(o.resolve(".assetsX"), (1, "routes[2].assetsX".into()));
        o.push(
            ".assets",
            false,
            &Src {
                file: 5,
                path: "routes[9]".into(),
            },
        );
        assert_eq!(o.resolve(".assets"), (5, "routes[9].assets".into()));
    }

    #[test]
    fn the_top_level_resolves_without_a_leading_dot() {
        let mut m = Merged::new(crate::scenario::load_baseline().scenario, 1);
        m.root.push(
            ".horizon.first_year",
            false,
            &Src {
                file: 0,
                path: String::new(),
            },
        );
        assert_eq!(
            m.resolve("horizon.first_year"),
            (0, "horizon.first_year".into())
        );
        assert_eq!(
            m.resolve("horizon.last_year"),
            (1, "horizon.last_year".into())
        );
        assert_eq!(
            m.resolve("assets[3].capacity"),
            (1, "assets[3].capacity".into())
        );
        assert_eq!(
            m.resolve("assets[999].capacity"),
            (1, "assets[999].capacity".into())
        );
    }
}
