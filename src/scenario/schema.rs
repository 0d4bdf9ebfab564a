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
    /// Price moves that follow capacity lost on named assets (docs/model.md §5a).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub market_responses: Vec<MarketResponse>,
    pub prices: Prices,
    /// Mt/yr. For each, the run reports the chance that a producer's stranded volume exceeds it
    /// in a year, and in at least one year of the horizon (`stranded_over_<x>Mt/<producer>`).
    #[serde(default = "default_stranded_thresholds")]
    pub stranded_thresholds: Vec<f64>,
    /// Rank correlations between per-trial inputs, one matrix per group of inputs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub correlations: Vec<Correlation>,
    /// Values that happened, each placed in its simulated distribution by `run`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub observations: Vec<Observation>,
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

/// A value that happened, for validation: `run` reports where it falls in the simulated
/// distribution of the metric it names (its percentile, with an interval).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Observation {
    /// A metric kind as summary.json names it: `export_volume`, `route_volume`, `lost_volume`, ...
    pub metric: String,
    /// The producer, route, asset, owner or benchmark (`Brent`) the metric is reported for.
    pub entity: String,
    /// A year of the horizon; left out, the value is the horizon's (a total, or a mean).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
    /// In the metric's unit (Mt, USD million, USD/bbl, ...).
    pub value: f64,
    /// Where the value comes from: an ID of docs/sources.md (`kz-exports-2025`) or a URL.
    pub source: String,
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
    /// A cap on output (an OPEC+ quota) and how far it is complied with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quota: Option<Quota>,
    /// Share of the crude that outages hold back that the producer ships later in the same
    /// year, where its routes then have spare capacity (docs/model.md §5c); none: nothing is
    /// made up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub make_up: Option<Uncertain>,
    /// Dated export-supply rates within years (a month's loading plan); the rest of each year
    /// they touch is scaled so that the year's export supply is unchanged (docs/model.md §3a).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub supply_plan: Vec<SupplyRate>,
}

/// One entry of a producer's `supply_plan`: from `start` to `end` (both inclusive; may run
/// into the next year) the producer offers `rate` Mt/yr for export.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SupplyRate {
    /// "YYYY-MM-DD", inclusive.
    pub start: String,
    /// "YYYY-MM-DD", inclusive.
    pub end: String,
    /// Export supply in Mt/yr between the two dates.
    pub rate: f64,
}

/// An output cap, applied after the production path and before domestic refining:
/// output = Q − compliance · max(0, Q − cap).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Quota {
    /// Mt/yr by year (step schedule); no cap before its first entry.
    #[serde(deserialize_with = "unique")]
    pub cap: Schedule,
    /// Share of the output above the cap that is given up (1 = the cap holds, 0 = ignored).
    pub compliance: Uncertain,
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

impl Interpolation {
    /// The value a fraction `w` of the way from an anchor `a` to the next `b` (docs/model.md §3):
    /// the model's production path and `explain`'s median path both read it here.
    pub fn between(self, a: f64, b: f64, w: f64) -> f64 {
        match self {
            Interpolation::Step => a,
            Interpolation::LogLinear if a > 0.0 && b > 0.0 => {
                let ratio = b / a;
                if ratio.is_finite() {
                    a * ratio.powf(w)
                } else {
                    // b / a overflows when a is subnormal: interpolate the logarithms instead.
                    (a.ln() + (b.ln() - a.ln()) * w)
                        .exp()
                        .clamp(a.min(b), a.max(b))
                }
            }
            Interpolation::Linear | Interpolation::LogLinear => a + (b - a) * w,
        }
    }
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
    /// Who bears a cut of this asset's capacity (docs/model.md §5b): the routes through it by
    /// priority (the default) or pro rata to what each would carry undisrupted.
    #[serde(default, skip_serializing_if = "Sharing::is_priority")]
    pub sharing: Sharing,
}

/// How the routes through an asset share a cut of its capacity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Sharing {
    /// The allocation's usual order: higher-priority producers, then higher netbacks, first.
    #[default]
    Priority,
    /// Each route keeps the same fraction of its undisrupted flow through the asset: a
    /// terminal that schedules loadings by its shippers' nominations cuts them all alike.
    ProRata,
}

impl Sharing {
    /// Whether it is the default (left out when a scenario is written back).
    pub fn is_priority(&self) -> bool {
        *self == Sharing::Priority
    }
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
    /// Capacity reserved along the route's chain for its one producer, for a fee.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reservation: Option<Reservation>,
}

/// Capacity held for a route's producer on every asset of its chain before anyone else is
/// served, for a fee per reserved tonne (docs/model.md §5).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reservation {
    /// Mt/yr reserved, by year (step schedule); no reservation before its first entry.
    #[serde(deserialize_with = "unique")]
    pub volume: Schedule,
    /// USD per tonne reserved, paid on the whole reserved volume each year.
    pub fee: Uncertain,
    /// `true`: a commitment whose fee prepays the tariffs of the tonnes that ship within it;
    /// `false`: an option, whose fee is a premium for priority access only.
    pub ship_or_pay: bool,
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
    /// Days of full stop at the start of each event, after which `severity` applies for the
    /// rest of it (a storm that stops a terminal, then leaves one mooring of three); drawn anew
    /// for each event. Absent: `severity` applies throughout.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full_stop_days: Option<Uncertain>,
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
    /// A rate that changes by year (a rising or falling hazard): a step schedule,
    /// `{ 2025: 0.2, 2027: 0.4 }`, merged by year under `extends`.
    RateByYear(#[serde(deserialize_with = "unique")] Schedule),
    /// An annual probability that changes by year, as `RateByYear`.
    ProbabilityByYear(#[serde(deserialize_with = "unique")] Schedule),
}

impl Frequency {
    /// Whether it is a Poisson rate (else an annual probability of one event).
    pub fn is_rate(&self) -> bool {
        matches!(self, Frequency::Rate(_) | Frequency::RateByYear(_))
    }

    /// The value in force in `year`: the one value, or the schedule's latest entry at or before
    /// `year` (`None` before a schedule's first entry).
    pub fn in_force(&self, year: i32) -> Option<&Uncertain> {
        match self {
            Frequency::Rate(u) | Frequency::Probability(u) => Some(u),
            Frequency::RateByYear(s) | Frequency::ProbabilityByYear(s) => {
                s.range(..=year).next_back().map(|(_, u)| u)
            }
        }
    }

    /// Every value it holds: the one value, or each schedule entry's.
    pub fn values(&self) -> Vec<&Uncertain> {
        match self {
            Frequency::Rate(u) | Frequency::Probability(u) => vec![u],
            Frequency::RateByYear(s) | Frequency::ProbabilityByYear(s) => s.values().collect(),
        }
    }
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
    /// Rows that replace `next` from a year on, `{ 2028: [0.5, 0.5] }`: the state of 2028 and
    /// later years is drawn from the row in force in that year, so a chain that drifts towards
    /// a worse (or a better) state is written down. A step schedule, merged by year under
    /// `extends`; before its first year, `next` applies.
    #[serde(
        default,
        deserialize_with = "unique",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub next_by_year: BTreeMap<i32, Vec<f64>>,
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
    /// The row in force for the step into `year`: the latest `next_by_year` entry at or before
    /// it, else `next`.
    pub fn next_in(&self, year: i32) -> &[f64] {
        self.next_by_year
            .range(..=year)
            .next_back()
            .map_or(&self.next, |(_, row)| row)
    }

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

/// A price move that follows capacity lost: `per_mt_lost` USD/bbl for each Mt/yr of capacity
/// the named assets have lost, on the benchmark or on named routes' differentials.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarketResponse {
    pub name: String,
    /// The assets whose lost capacity (Mt/yr, summed) drives the response.
    pub assets: Vec<String>,
    /// USD/bbl per Mt/yr of capacity lost (negative: the price falls).
    pub per_mt_lost: Uncertain,
    /// What moves.
    pub moves: Moves,
    /// Whether capacity lost is measured in each segment of the year or averaged over the year.
    #[serde(default)]
    pub over: Over,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Moves {
    /// The benchmark: every route's price.
    Benchmark,
    /// The differentials of these routes.
    Differentials(Vec<String>),
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Over {
    /// Capacity lost in each segment of constant capacity moves the price of that segment.
    #[default]
    Segment,
    /// The year's average capacity lost moves the price of the whole year.
    Year,
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
