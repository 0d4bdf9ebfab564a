//! From a validated scenario to the flat, index-based model the simulation runs on.
//!
//! Names are resolved to indices, schedules to one `Param` per simulated year, dates to days, and
//! regime effects to per-state tables, so that the hot loop touches only arrays. Every input
//! carries its documented bounds (`scenario::limits`), to which the rare tail draws are clamped.

use std::collections::BTreeMap;

use super::copula::Group;
use super::disruptions::Count;
use super::metrics::Layout;
use super::params::{Param, ParamTable};
use crate::distributions::{Dist, Quantiles};
use crate::scenario::Uncertain;
use crate::scenario::dates::{YEAR_DAYS, parse_date, parse_month_day};
use crate::scenario::limits::{
    MAX_BARRELS_PER_TONNE, MAX_DIFFERENTIAL, MAX_GROWTH, MAX_PRICE, MAX_TARIFF, MAX_VOLATILITY,
    MAX_VOLUME,
};
use crate::scenario::paths::input_at;
use crate::scenario::schema::{Benchmark, Frequency, Interpolation, Scenario, Schedule};

#[derive(Debug, Clone)]
pub struct Producer {
    pub name: String,
    /// Anchor years and values, ascending.
    pub anchors: Vec<(i32, Param)>,
    pub interpolation: Interpolation,
    /// Growth rate in force in each simulated year (0 where none is given).
    pub growth: Vec<Param>,
    /// Growth rates for the years between the last anchor and the first simulated year.
    pub growth_before: Vec<Param>,
    pub export_share: Param,
    pub domestic_refining: Param,
    pub barrels_per_tonne: Param,
    /// Lanes (route × this producer), in file order.
    pub lanes: Vec<usize>,
}

#[derive(Debug, Clone)]
pub struct Asset {
    pub name: String,
    /// Mt/yr in each simulated year.
    pub capacity: Vec<Param>,
    pub tariff: Param,
    /// Index into `Model::owners`.
    pub owner: Option<usize>,
    pub storage_days: f64,
}

#[derive(Debug, Clone)]
pub struct Route {
    pub name: String,
    pub assets: Vec<usize>,
    pub tariff: Param,
    pub differential: Param,
    /// Mt/yr in each simulated year; `None` when the route has no such contract.
    pub contract_min: Option<Vec<Param>>,
    pub contract_max: Option<Vec<Param>>,
}

/// A producer's use of a route.
#[derive(Debug, Clone, Copy)]
pub struct Lane {
    pub route: usize,
    pub producer: usize,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FrequencyKind {
    Rate,
    Probability,
}

#[derive(Debug, Clone)]
pub struct Process {
    pub name: String,
    pub key: u64,
    pub assets: Vec<usize>,
    pub kind: FrequencyKind,
    pub frequency: Param,
    pub duration_days: Dist,
    pub severity: Dist,
    /// Whether events may start in each simulated year.
    pub active: Vec<bool>,
    /// Start day within the year and length in days of the season in which events start.
    pub season: (f64, f64),
    /// Frequency multiplier in each regime state (all 1 without regimes).
    pub multiplier: Vec<f64>,
    /// The yearly event count in each regime state, when the frequency is fixed (else empty).
    pub fixed_counts: Vec<Count>,
}

/// A known outage of one asset, in days from 1 January of the first simulated year.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Outage {
    pub asset: usize,
    pub start: f64,
    pub end: f64,
    /// Fraction of capacity left while it lasts.
    pub left: f64,
}

#[derive(Debug, Clone)]
pub struct Regimes {
    pub names: Vec<String>,
    pub initial: Vec<f64>,
    pub next: Vec<Vec<f64>>,
    /// USD/bbl added to each route's differential, per state: `[state][route]`.
    pub differential_add: Vec<Vec<f64>>,
}

#[derive(Debug, Clone)]
pub enum Prices {
    MeanReverting {
        start: Param,
        long_run: Param,
        reversion: Param,
        volatility: Param,
    },
    PerYear(Param),
}

/// Everything one trial needs, resolved to indices.
#[derive(Debug, Clone)]
pub struct Model {
    pub name: String,
    pub years: Vec<i32>,
    pub params: ParamTable,
    pub producers: Vec<Producer>,
    /// Producers in the order they are served on shared assets.
    pub priority: Vec<usize>,
    pub assets: Vec<Asset>,
    pub owners: Vec<String>,
    pub routes: Vec<Route>,
    /// Every route's chain of assets, concatenated; route r's is `chain[chain_range[r]]`.
    pub chain: Vec<u32>,
    pub chain_range: Vec<(u32, u32)>,
    pub lanes: Vec<Lane>,
    pub processes: Vec<Process>,
    pub forced: Vec<Outage>,
    pub regimes: Option<Regimes>,
    pub prices: Prices,
    pub layout: Layout,
    /// `layout.horizon_divisors(years)`, computed once.
    pub divisors: Vec<f64>,
}

impl Model {
    /// Compiles a scenario that `validate` accepted.
    pub fn compile(s: &Scenario) -> Model {
        let years: Vec<i32> = (s.horizon.first_year..=s.horizon.last_year).collect();
        let mut params = ParamTable::default();
        let index = |names: Vec<&str>| -> BTreeMap<String, usize> {
            names
                .into_iter()
                .enumerate()
                .map(|(i, n)| (n.to_string(), i))
                .collect()
        };
        let producer_ix = index(s.producers.iter().map(|p| p.name.as_str()).collect());
        let asset_ix = index(s.assets.iter().map(|a| a.name.as_str()).collect());

        let mut owners: Vec<String> = Vec::new();
        let assets = s
            .assets
            .iter()
            .map(|a| {
                let at = format!("asset/{}", a.name);
                let owner = a
                    .owner
                    .as_ref()
                    .map(|o| match owners.iter().position(|x| x == o) {
                        Some(i) => i,
                        None => {
                            owners.push(o.clone());
                            owners.len() - 1
                        }
                    });
                Asset {
                    name: a.name.clone(),
                    capacity: schedule(
                        &mut params,
                        &format!("{at}/capacity"),
                        &a.capacity,
                        &years,
                        0.0,
                    ),
                    tariff: params.add_within(format!("{at}/tariff"), &a.tariff, 0.0, MAX_TARIFF),
                    owner,
                    storage_days: a.storage_days,
                }
            })
            .collect();

        let mut lanes = Vec::new();
        let mut producer_lanes = vec![Vec::new(); s.producers.len()];
        let routes: Vec<Route> = s
            .routes
            .iter()
            .enumerate()
            .map(|(r, route)| {
                for name in &route.producers {
                    let p = producer_ix[name];
                    producer_lanes[p].push(lanes.len());
                    lanes.push(Lane {
                        route: r,
                        producer: p,
                    });
                }
                let at = format!("route/{}", route.name);
                let contract = |params: &mut ParamTable, field: &str, sched: &Schedule| {
                    (!sched.is_empty())
                        .then(|| schedule(params, &format!("{at}/{field}"), sched, &years, 0.0))
                };
                Route {
                    name: route.name.clone(),
                    assets: route.assets.iter().map(|a| asset_ix[a]).collect(),
                    tariff: params.add_within(
                        format!("{at}/tariff"),
                        &route.tariff,
                        0.0,
                        MAX_TARIFF,
                    ),
                    differential: params.add_within(
                        format!("{at}/differential"),
                        &route.differential,
                        -MAX_DIFFERENTIAL,
                        MAX_DIFFERENTIAL,
                    ),
                    contract_min: contract(&mut params, "contract_min", &route.contract_min),
                    contract_max: contract(&mut params, "contract_max", &route.contract_max),
                }
            })
            .collect();

        let producers: Vec<Producer> = s
            .producers
            .iter()
            .zip(producer_lanes)
            .map(|(p, lanes)| {
                let at = format!("producer/{}", p.name);
                let anchors = p
                    .production
                    .anchors
                    .iter()
                    .map(|(y, u)| {
                        let name = format!("{at}/production/{y}");
                        (*y, params.add_within(name, u, 0.0, MAX_VOLUME))
                    })
                    .collect::<Vec<_>>();
                let last_anchor = anchors.last().map_or(years[0], |a| a.0);
                let growth = entries(
                    &mut params,
                    &format!("{at}/growth"),
                    &p.production.growth,
                    (-1.0, MAX_GROWTH),
                );
                let before: Vec<i32> = (last_anchor + 1..years[0]).collect();
                let growth_before = in_force(&growth, &before, 0.0);
                let growth = in_force(&growth, &years, 0.0);
                Producer {
                    name: p.name.clone(),
                    anchors,
                    interpolation: p.production.interpolation,
                    growth,
                    growth_before,
                    export_share: params.add(format!("{at}/export_share"), &p.export_share),
                    domestic_refining: params.add_within(
                        format!("{at}/domestic_refining"),
                        &p.domestic_refining,
                        0.0,
                        MAX_VOLUME,
                    ),
                    barrels_per_tonne: params.add_within(
                        format!("{at}/barrels_per_tonne"),
                        &p.barrels_per_tonne,
                        0.0,
                        MAX_BARRELS_PER_TONNE,
                    ),
                    lanes,
                }
            })
            .collect();
        let mut priority: Vec<usize> = (0..producers.len()).collect();
        priority.sort_by_key(|&p| std::cmp::Reverse(s.producers[p].priority));

        let regimes = (!s.regimes.is_empty()).then(|| Regimes {
            names: s.regimes.iter().map(|r| r.name.clone()).collect(),
            initial: s.regimes.iter().map(|r| r.initial).collect(),
            next: s.regimes.iter().map(|r| r.next.clone()).collect(),
            differential_add: s
                .regimes
                .iter()
                .map(|r| {
                    s.routes
                        .iter()
                        .map(|route| r.differential_add.get(&route.name).copied().unwrap_or(0.0))
                        .collect()
                })
                .collect(),
        });

        let processes = s
            .disruptions
            .iter()
            .map(|d| {
                let at = format!("disruption/{}", d.name);
                let (kind, freq) = match &d.frequency {
                    Frequency::Rate(u) => (FrequencyKind::Rate, u),
                    Frequency::Probability(u) => (FrequencyKind::Probability, u),
                };
                let season = d.season.as_ref().map_or((0.0, YEAR_DAYS), |s| {
                    let from = f64::from(parse_month_day(&s.from).expect("validated"));
                    let to = f64::from(parse_month_day(&s.to).expect("validated"));
                    // Inclusive end; a season that wraps the new year runs past day 365.
                    let len = if to >= from {
                        to - from + 1.0
                    } else {
                        YEAR_DAYS - from + to + 1.0
                    };
                    (from, len)
                });
                let multiplier: Vec<f64> = s.regimes.iter().map(|r| r.multiplier_for(d)).collect();
                let multiplier = if multiplier.is_empty() {
                    vec![1.0]
                } else {
                    multiplier
                };
                let frequency = params.add(format!("{at}/frequency"), freq);
                let fixed_counts = match frequency {
                    Param::Const(base) => multiplier
                        .iter()
                        .map(|&m| Count::new(kind, base, m))
                        .collect(),
                    _ => Vec::new(),
                };
                Process {
                    name: d.name.clone(),
                    key: crate::engine::seeding::key(&format!("{at}/events")),
                    assets: d.assets.iter().map(|a| asset_ix[a]).collect(),
                    kind,
                    frequency,
                    duration_days: build(&d.duration_days),
                    severity: build(&d.severity),
                    active: years
                        .iter()
                        .map(|y| d.years.is_none_or(|(a, b)| (a..=b).contains(y)))
                        .collect(),
                    season,
                    multiplier,
                    fixed_counts,
                }
            })
            .collect();

        let day = |date: &str| {
            let (y, d) = parse_date(date).expect("validated");
            f64::from(y - years[0]) * YEAR_DAYS + f64::from(d)
        };
        let forced = s
            .forced_events
            .iter()
            .flat_map(|f| {
                let (start, end) = (day(&f.start), day(&f.end) + 1.0);
                f.assets
                    .iter()
                    .map(move |a| (a, start, end, f.capacity_left))
            })
            .map(|(a, start, end, left)| Outage {
                asset: asset_ix[a],
                start,
                end,
                left,
            })
            .collect();

        let prices = match &s.prices.benchmark {
            Benchmark::MeanReverting {
                start,
                long_run,
                reversion,
                volatility,
            } => Prices::MeanReverting {
                start: params.add_within("prices/benchmark/start".into(), start, 0.0, MAX_PRICE),
                long_run: params.add_within(
                    "prices/benchmark/long_run".into(),
                    long_run,
                    0.0,
                    MAX_PRICE,
                ),
                reversion: params.add("prices/benchmark/reversion".into(), reversion),
                volatility: params.add_within(
                    "prices/benchmark/volatility".into(),
                    volatility,
                    0.0,
                    MAX_VOLATILITY,
                ),
            },
            Benchmark::PerYear(u) => {
                let (spec, _) = u.spec();
                Prices::PerYear(params.add_within(
                    "prices/benchmark".into(),
                    &Uncertain::Timed(crate::scenario::uncertain::Timed::PerYear(spec)),
                    0.0,
                    MAX_PRICE,
                ))
            }
        };

        correlate(&mut params, s);

        let names = |v: &mut dyn Iterator<Item = &String>| v.cloned().collect::<Vec<_>>();
        let layout = Layout::new(
            &names(&mut s.producers.iter().map(|p| &p.name)),
            &names(&mut s.routes.iter().map(|r| &r.name)),
            &owners,
            &names(&mut s.assets.iter().map(|a| &a.name)),
            &s.stranded_thresholds,
        );

        let mut chain = Vec::new();
        let chain_range = routes
            .iter()
            .map(|r: &Route| {
                let start = chain.len() as u32;
                chain.extend(r.assets.iter().map(|&a| a as u32));
                (start, chain.len() as u32)
            })
            .collect();

        Model {
            name: s.name.clone(),
            divisors: layout.horizon_divisors(years.len()),
            years,
            params,
            producers,
            priority,
            assets,
            owners,
            routes,
            chain,
            chain_range,
            lanes,
            processes,
            forced,
            regimes,
            prices,
            layout,
        }
    }

    pub fn year_count(&self) -> usize {
        self.years.len()
    }
}

/// Groups the correlated per-trial inputs (`check` has made sure each path names a per-trial,
/// non-fixed input, none twice, and that each matrix is valid).
fn correlate(params: &mut ParamTable, s: &Scenario) {
    for c in &s.correlations {
        let n = c.inputs.len();
        let members: Vec<(u32, &str, u64, Quantiles, f64, f64)> = c
            .inputs
            .iter()
            .map(|path| {
                let named = input_at(s, path).expect("validated");
                let i = params
                    .per_trial
                    .iter()
                    .position(|i| i.name == named.name)
                    .expect("validated: a per-trial input");
                let input = &params.per_trial[i];
                (
                    i as u32,
                    input.name.as_str(),
                    input.key,
                    input.dist.quantiles(),
                    input.lo,
                    input.hi,
                )
            })
            .collect();
        let rank: Vec<f64> = c.rank.iter().flatten().copied().collect();
        debug_assert_eq!(rank.len(), n * n);
        let group = Group::new(members, &rank).expect("validated");
        params.groups.push(group);
    }
}

fn build(u: &Uncertain) -> Dist {
    u.spec().0.build().expect("validated before compiling")
}

/// One `Param` per listed year: the entry in force that year (the latest at or before it).
/// Each schedule entry is one input, so a step that spans several years is drawn once.
fn schedule(
    params: &mut ParamTable,
    at: &str,
    sched: &Schedule,
    years: &[i32],
    default: f64,
) -> Vec<Param> {
    in_force(
        &entries(params, at, sched, (0.0, MAX_VOLUME)),
        years,
        default,
    )
}

/// One input per schedule entry, its draws clamped to `within`.
fn entries(
    params: &mut ParamTable,
    at: &str,
    sched: &Schedule,
    within: (f64, f64),
) -> BTreeMap<i32, Param> {
    sched
        .iter()
        .map(|(y, u)| {
            let name = format!("{at}/{y}");
            (*y, params.add_within(name, u, within.0, within.1))
        })
        .collect()
}

fn in_force(entries: &BTreeMap<i32, Param>, years: &[i32], default: f64) -> Vec<Param> {
    years
        .iter()
        .map(|y| {
            entries
                .range(..=y)
                .next_back()
                .map_or(Param::Const(default), |(_, p)| *p)
        })
        .collect()
}
