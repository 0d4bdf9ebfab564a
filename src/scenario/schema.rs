//! The scenario file's schema: what an analyst can say about the world.
//!
//! These types mirror the RON text one to one (serde, `deny_unknown_fields`), so a reviewer who
//! reads `docs/scenario-format.md` can read this file and vice versa. Nothing here is validated
//! beyond syntax and types; `validate.rs` checks meaning and `model::compile` turns a valid
//! scenario into the flat form the simulation runs on.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::uncertain::{Uncertain, one, zero};
use super::unique_keys::unique;

/// A year-indexed step schedule: each value applies from its year until the next entry.
/// Written as a map, `{ 2025: 72.5, 2027: 81.5 }`.
pub type Schedule = BTreeMap<i32, Uncertain>;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Short name; also the default output folder `output/<name>/`.
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    pub horizon: Horizon,
    pub producers: Vec<Producer>,
    pub assets: Vec<Asset>,
    pub routes: Vec<Route>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub disruptions: Vec<Disruption>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub forced_events: Vec<ForcedEvent>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub regimes: Vec<Regime>,
    pub prices: Prices,
    /// Mt/yr. For each, the run reports the chance that a producer's stranded volume exceeds it
    /// in a year, and in at least one year of the horizon (`stranded_over_<x>Mt/<producer>`).
    #[serde(default = "default_stranded_thresholds")]
    pub stranded_thresholds: Vec<f64>,
    /// Rank correlations between per-trial inputs, one matrix per group of inputs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub correlations: Vec<Correlation>,
    /// Where each number comes from, keyed by the path `sweep --set` takes (`provenance.rs`).
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "unique"
    )]
    pub sources: super::provenance::Sources,
}

/// 1, 5 and 10 Mt/yr: a small, a CPC-terminal-sized and a severe shortfall.
pub fn default_stranded_thresholds() -> Vec<f64> {
    vec![1.0, 5.0, 10.0]
}

/// A group of per-trial inputs drawn together with given rank (Spearman) correlations, by a
/// Gaussian copula: each input keeps its own distribution, only the ranks move together.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Correlation {
    /// Inputs by the path `corridor sweep --set` uses, e.g. `routes[CPC].differential`,
    /// `prices.benchmark.MeanReverting.long_run`.
    pub inputs: Vec<String>,
    /// Spearman rank correlations: a symmetric matrix with 1 on the diagonal, one row and one
    /// column per input in the order of `inputs`.
    pub rank: Vec<Vec<f64>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Horizon {
    pub first_year: i32,
    pub last_year: i32,
    /// Default number of trials for `corridor run` (the command line overrides it).
    #[serde(default)]
    pub trials: Option<u64>,
    /// Default seed (the command line overrides it).
    #[serde(default)]
    pub seed: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Producer {
    pub name: String,
    /// Crude output in Mt/yr.
    pub production: Production,
    /// Fraction of output (after domestic refining) offered for export.
    #[serde(default = "one")]
    pub export_share: Uncertain,
    /// Mt/yr refined at home, taken before the export share.
    #[serde(default = "zero")]
    pub domestic_refining: Uncertain,
    /// Barrels per tonne of this producer's export crude.
    pub barrels_per_tonne: Uncertain,
    /// Higher priority is served first on shared assets (ties: order in the file).
    #[serde(default)]
    pub priority: i32,
}

/// A production path: anchor years, interpolated between, then growth rates after the last anchor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Production {
    /// Mt/yr at anchor years, e.g. `{ 2024: 87.6, 2030: 100.0 }`.
    #[serde(deserialize_with = "unique")]
    pub anchors: BTreeMap<i32, Uncertain>,
    #[serde(default)]
    pub interpolation: Interpolation,
    /// Annual growth rate (−0.045 = 4.5% decline) from a year on, applied after the last anchor.
    #[serde(
        default,
        deserialize_with = "unique",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub growth: Schedule,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Interpolation {
    /// Straight line between anchors.
    #[default]
    Linear,
    /// Constant growth rate between anchors (geometric).
    LogLinear,
    /// Each anchor's value holds until the next anchor.
    Step,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum AssetKind {
    #[default]
    Pipeline,
    Port,
    Terminal,
    Tankers,
    Rail,
    Other,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Asset {
    pub name: String,
    #[serde(default)]
    pub kind: AssetKind,
    /// Capacity in Mt/yr by year (step schedule).
    #[serde(deserialize_with = "unique")]
    pub capacity: Schedule,
    /// Who earns this asset's tariff (transit fees).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// USD per tonne paid to the owner by every tonne that passes.
    #[serde(default = "zero")]
    pub tariff: Uncertain,
    /// Days of throughput the upstream storage absorbs at the start of each outage.
    #[serde(default)]
    pub storage_days: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Route {
    pub name: String,
    /// Producers that may ship on this route.
    pub producers: Vec<String>,
    /// Where the crude is sold (for the reader; the model does not use it).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub market: String,
    /// The assets the crude passes through, in order; every one limits the route.
    pub assets: Vec<String>,
    /// USD per tonne of costs not tied to an asset's owner (rail, freight, blending).
    #[serde(default = "zero")]
    pub tariff: Uncertain,
    /// USD/bbl added to the benchmark price for crude sold through this route.
    #[serde(default = "zero")]
    pub differential: Uncertain,
    /// Mt/yr the route must carry if supply and capacity allow (quotas, take-or-pay).
    #[serde(
        default,
        deserialize_with = "unique",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub contract_min: Schedule,
    /// Mt/yr the route may carry at most (allocations in a shared pipeline).
    #[serde(
        default,
        deserialize_with = "unique",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub contract_max: Schedule,
}

/// A process that takes capacity out of one or more assets (several = common cause).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Disruption {
    pub name: String,
    pub assets: Vec<String>,
    /// Labels that regimes can scale together ("drone", "storm").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    pub frequency: Frequency,
    /// Days each event lasts; drawn anew for each event.
    pub duration_days: Uncertain,
    /// Fraction of capacity lost while it lasts (1 = full stop); drawn anew for each event.
    pub severity: Uncertain,
    /// First and last year in which events can start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub years: Option<(i32, i32)>,
    /// Part of the year in which events start, e.g. `Season(from: "11-01", to: "03-31")`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub season: Option<Season>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Frequency {
    /// Poisson rate: expected events per year.
    Rate(Uncertain),
    /// Probability of one event in a year (at most one a year).
    Probability(Uncertain),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Season {
    /// "MM-DD", inclusive; a season may wrap the new year ("11-01" to "03-31").
    pub from: String,
    pub to: String,
}

/// A stress test: capacity held at a fraction between two dates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ForcedEvent {
    pub name: String,
    pub assets: Vec<String>,
    /// "YYYY-MM-DD", inclusive.
    pub start: String,
    /// "YYYY-MM-DD", inclusive.
    pub end: String,
    /// Fraction of capacity that remains (0 = full stop, 0.4 = 40% left).
    pub capacity_left: f64,
}

/// A geopolitical state of the world; the chain moves between states once a year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Regime {
    pub name: String,
    /// Probability of starting the horizon in this state.
    pub initial: f64,
    /// Probabilities of being in each state next year, in the order states are listed.
    pub next: Vec<f64>,
    /// Multiplies the frequency of disruptions by name or by tag.
    #[serde(
        default,
        deserialize_with = "unique",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub frequency_multipliers: BTreeMap<String, f64>,
    /// USD/bbl added to routes' differentials in this state (negative = war-risk discount).
    #[serde(
        default,
        deserialize_with = "unique",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub differential_add: BTreeMap<String, f64>,
}

impl Regime {
    /// How much this regime scales a disruption's frequency: the product of the multipliers
    /// for its name and its tags, each distinct key counted once.
    pub fn multiplier_for(&self, d: &Disruption) -> f64 {
        let mut keys: Vec<&String> = std::iter::once(&d.name).chain(&d.tags).collect();
        keys.sort_unstable();
        keys.dedup();
        keys.iter()
            .filter_map(|k| self.frequency_multipliers.get(*k))
            .product()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Prices {
    /// The benchmark (Brent) in USD/bbl.
    pub benchmark: Benchmark,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Benchmark {
    /// Ornstein–Uhlenbeck in log price, stepped exactly once a year.
    MeanReverting {
        /// Price in the first simulated year.
        start: Uncertain,
        /// Long-run level the log price reverts to (its exp).
        long_run: Uncertain,
        /// Reversion speed per year (κ); half-life ln 2 / κ years.
        reversion: Uncertain,
        /// Annual volatility of the log price (σ).
        volatility: Uncertain,
    },
    /// A price drawn independently each year.
    PerYear(Uncertain),
}
