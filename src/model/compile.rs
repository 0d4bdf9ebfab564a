//! From a validated scenario to the flat, index-based model the simulation runs on.
//!
//! Names are resolved to indices, schedules to one `Param` per simulated year, dates to days, and
//! regime effects to per-state tables, so that the hot loop touches only arrays. Every number of
//! the scenario is registered once, from the walk of `scenario::fields` (its stream key, its
//! bounds, when it is drawn); the builders below look its `Param` up by field and entry.

use std::collections::BTreeMap;
use std::ops::Range;

use super::allocation::LaneChains;
use super::copula::Group;
use super::counts::{Count, MAX_TABLE_ENTRIES};
use super::metrics::{Horizon, Layout, Optional};
use super::params::{Param, ParamTable};
use super::sharing::Shares;
use super::streams;
use super::supply_plan::{self, YearPlan};
use crate::distributions::{Dist, Quantiles};
use crate::scenario::Uncertain;
use crate::scenario::dates::{YEAR_DAYS, parse_date, parse_month_day};
use crate::scenario::fields::{self, Field, Timing, numbers};
use crate::scenario::paths::input_at;
use crate::scenario::schema::{
    Benchmark, Frequency, Interpolation, Moves, Over, Scenario, Sharing,
};

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
    /// The output cap in force each year (+∞ before its first entry) and the compliance.
    pub quota: Option<Quota>,
    /// The share of the crude outages hold back that is shipped later in the year (§5c).
    pub make_up: Option<Param>,
    /// Lanes (route × this producer), in file order; a reserved lane is preceded by its
    /// reservation's lane (`lanes.len() + k` for reservation k, see `Reservation`).
    pub lanes: Vec<usize>,
}

#[derive(Debug, Clone)]
pub struct Quota {
    pub cap: Vec<Param>,
    pub compliance: Param,
}

/// Capacity a route holds for its producer (docs/model.md §5). Allocation treats it as a lane of
/// its own, `lanes.len() + k`, whose chain is one virtual asset, `assets.len() + k`, holding the
/// capacity reserved on the route's real chain.
#[derive(Debug, Clone)]
pub struct Reservation {
    pub route: usize,
    /// The real lane of the route's producer.
    pub lane: usize,
    pub producer: usize,
    /// Mt/yr in each simulated year (0 before the first entry).
    pub volume: Vec<Param>,
    pub fee: Param,
    pub ship_or_pay: bool,
    /// The virtual asset's chain in `Model::chain`.
    pub chain: (u32, u32),
    /// The holder's slot among the `reservation_cost` metrics.
    pub holder: usize,
}

/// A price move per Mt/yr of capacity lost on some assets (docs/model.md §5a).
#[derive(Debug, Clone)]
pub struct Response {
    pub assets: Vec<usize>,
    pub per_mt_lost: Param,
    /// The routes whose price moves; `None`: the benchmark, so every route.
    pub routes: Option<Vec<usize>>,
    /// Capacity lost averaged over the year rather than taken segment by segment.
    pub over_year: bool,
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
    /// A cut of its capacity is shared pro rata to the routes' undisrupted flows (§5b).
    pub pro_rata: bool,
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
    /// The frequency in force in each simulated year.
    pub frequency: Vec<Param>,
    pub duration_days: Dist,
    pub severity: Dist,
    /// Days of full stop at the start of each event, drawn after its severity; `None`: the
    /// severity applies throughout.
    pub full_stop_days: Option<Dist>,
    /// Whether events may start in each simulated year.
    pub active: Vec<bool>,
    /// Start day within the year and length in days of the season in which events start.
    pub season: (f64, f64),
    /// Frequency multiplier in each regime state (all 1 without regimes).
    pub multiplier: Vec<f64>,
    /// The step of the frequency schedule in force in each simulated year (all 0 for a
    /// frequency without a schedule).
    pub step: Vec<usize>,
    /// The yearly event count of each schedule step in each regime state,
    /// `fixed_counts[step[t]][r]`, when every step's frequency is fixed and the table is small
    /// (else empty: the count is built each year).
    pub fixed_counts: Vec<Vec<Count>>,
}

/// The most cached count laws a process keeps (steps × regime states), so that a long schedule
/// under many regimes cannot make the model large (their tables have a budget of their own).
const MAX_CACHED_COUNTS: usize = 4096;

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
    /// The transition matrix of the step into each simulated year, `next[t][from][to]`
    /// (`next[0]` is never used: the first year's state is drawn from `initial`).
    pub next: Vec<Vec<Vec<f64>>>,
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
    /// Reservations in file order of their routes, and the order they are held in: by their
    /// holders' priority, ties in file order.
    pub reservations: Vec<Reservation>,
    pub reservation_order: Vec<usize>,
    /// Whether some producer makes up held-back crude (§5c); without one, no year asks.
    pub make_up: bool,
    /// Whether some tariff or barrels-per-tonne is drawn each year: then a trial works out its
    /// tariffs and lane terms (`trial::terms`) each year, else once.
    pub yearly_terms: bool,
    /// Routes whose contract minimum or maximum changes from year to year (a schedule of more
    /// than one value, or drawn each year): a trial sets the others' once (`trial::contract`).
    pub yearly_contracts: Vec<usize>,
    /// Assets whose capacity changes from year to year: a trial sets the others' once.
    pub yearly_capacity: Vec<usize>,
    /// Whether some asset shares its cuts pro rata (`sharing`); without one, no segment asks.
    pub pro_rata: bool,
    /// Per pro-rata asset, the routes through it and their lanes (`sharing::caps`).
    pub shares: Shares,
    /// The route of each lane, the reservations' lanes included.
    pub lane_route: Vec<u32>,
    /// Each lane's chain padded to one width, for the allocation's straight-line steps.
    pub lane_chains: LaneChains,
    /// Each lane's route's chain (a reservation's crude takes its route's), padded alike, for
    /// the assets' flows.
    pub route_chains: LaneChains,
    pub responses: Vec<Response>,
    pub processes: Vec<Process>,
    pub forced: Vec<Outage>,
    /// Per year of the horizon, its periods of planned supply rates (`None`: no plan touches
    /// the year, which then runs at its average rate).
    pub supply_plans: Vec<Option<YearPlan>>,
    pub regimes: Option<Regimes>,
    pub prices: Prices,
    pub layout: Layout,
    /// `layout.horizon_runs()`, computed once.
    pub horizon_runs: Vec<(Range<usize>, Horizon)>,
    /// Mixed into the keys of the regime chain's and the benchmark shocks' streams; 0 except in
    /// `sensitivity`'s variant that redraws the randomness no input owns.
    pub residual_salt: u64,
}

impl Model {
    /// Compiles a scenario that `validate` accepted.
    pub fn compile(s: &Scenario) -> Model {
        let years: Vec<i32> = (s.horizon.first_year..=s.horizon.last_year).collect();
        let mut params = ParamTable::default();
        let inputs = Inputs::register(s, &mut params);
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
        let assets: Vec<Asset> = s
            .assets
            .iter()
            .enumerate()
            .map(|(i, a)| {
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
                    capacity: in_force(&inputs.schedule(&fields::CAPACITY, i), &years, 0.0),
                    tariff: inputs.get(&fields::ASSET_TARIFF, Some(i)),
                    owner,
                    storage_days: a.storage_days,
                    pro_rata: a.sharing == Sharing::ProRata,
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
                let contract = |field: &Field| {
                    let entries = inputs.schedule(field, r);
                    (!entries.is_empty()).then(|| in_force(&entries, &years, 0.0))
                };
                Route {
                    name: route.name.clone(),
                    assets: route.assets.iter().map(|a| asset_ix[a]).collect(),
                    tariff: inputs.get(&fields::ROUTE_TARIFF, Some(r)),
                    differential: inputs.get(&fields::DIFFERENTIAL, Some(r)),
                    contract_min: contract(&fields::CONTRACT_MIN),
                    contract_max: contract(&fields::CONTRACT_MAX),
                }
            })
            .collect();

        let producers: Vec<Producer> = s
            .producers
            .iter()
            .zip(producer_lanes)
            .enumerate()
            .map(|(i, (p, lanes))| {
                let anchors: Vec<(i32, Param)> = inputs
                    .schedule(&fields::PRODUCTION, i)
                    .into_iter()
                    .collect();
                let last_anchor = anchors.last().map_or(years[0], |a| a.0);
                let growth = inputs.schedule(&fields::GROWTH, i);
                let before: Vec<i32> = (last_anchor + 1..years[0]).collect();
                let growth_before = in_force(&growth, &before, 0.0);
                let growth = in_force(&growth, &years, 0.0);
                Producer {
                    name: p.name.clone(),
                    anchors,
                    interpolation: p.production.interpolation,
                    growth,
                    growth_before,
                    export_share: inputs.get(&fields::EXPORT_SHARE, Some(i)),
                    domestic_refining: inputs.get(&fields::DOMESTIC_REFINING, Some(i)),
                    barrels_per_tonne: inputs.get(&fields::BARRELS_PER_TONNE, Some(i)),
                    quota: p.quota.as_ref().map(|_| Quota {
                        cap: in_force(
                            &inputs.schedule(&fields::QUOTA_CAP, i),
                            &years,
                            f64::INFINITY,
                        ),
                        compliance: inputs.get(&fields::QUOTA_COMPLIANCE, Some(i)),
                    }),
                    make_up: p
                        .make_up
                        .as_ref()
                        .map(|_| inputs.get(&fields::MAKE_UP, Some(i))),
                    lanes,
                }
            })
            .collect();
        let mut producers = producers;
        let mut priority: Vec<usize> = (0..producers.len()).collect();
        priority.sort_by_key(|&p| std::cmp::Reverse(s.producers[p].priority));

        // Reservations: each a lane and an asset of its own, after the real ones.
        let mut chain = Vec::new();
        let chain_range: Vec<(u32, u32)> = routes
            .iter()
            .map(|r: &Route| {
                let start = chain.len() as u32;
                chain.extend(r.assets.iter().map(|&a| a as u32));
                (start, chain.len() as u32)
            })
            .collect();
        let mut holders: Vec<usize> = Vec::new();
        let mut reservations = Vec::new();
        for (r, route) in s.routes.iter().enumerate() {
            if route.reservation.is_none() {
                continue;
            }
            let lane = lanes
                .iter()
                .position(|l: &Lane| l.route == r)
                .expect("validated: a route lists its producer");
            let producer = lanes[lane].producer;
            let holder = match holders.iter().position(|&h| h == producer) {
                Some(h) => h,
                None => {
                    holders.push(producer);
                    holders.len() - 1
                }
            };
            let k = reservations.len();
            let own = (lanes.len() + k, s.assets.len() + k);
            let at = producers[producer]
                .lanes
                .iter()
                .position(|&l| l == lane)
                .expect("the producer's lane");
            producers[producer].lanes.insert(at, own.0);
            let start = chain.len() as u32;
            chain.push(own.1 as u32);
            reservations.push(Reservation {
                route: r,
                lane,
                producer,
                volume: in_force(&inputs.schedule(&fields::RESERVED, r), &years, 0.0),
                fee: inputs.get(&fields::RESERVATION_FEE, Some(r)),
                ship_or_pay: route.reservation.as_ref().is_some_and(|x| x.ship_or_pay),
                chain: (start, start + 1),
                holder,
            });
        }
        let mut reservation_order: Vec<usize> = (0..reservations.len()).collect();
        reservation_order
            .sort_by_key(|&k| std::cmp::Reverse(s.producers[reservations[k].producer].priority));
        let lane_route: Vec<u32> = lanes
            .iter()
            .map(|l| l.route as u32)
            .chain(reservations.iter().map(|x| x.route as u32))
            .collect();
        let lane_chains = LaneChains::new(
            &chain,
            lanes
                .iter()
                .map(|l| chain_range[l.route])
                .chain(reservations.iter().map(|x| x.chain)),
        );
        let route_chains =
            LaneChains::new(&chain, lane_route.iter().map(|&r| chain_range[r as usize]));
        let route_ix = index(s.routes.iter().map(|r| r.name.as_str()).collect());
        let responses = s
            .market_responses
            .iter()
            .enumerate()
            .map(|(i, m)| Response {
                assets: m.assets.iter().map(|a| asset_ix[a]).collect(),
                per_mt_lost: inputs.get(&fields::PER_MT_LOST, Some(i)),
                routes: match &m.moves {
                    Moves::Benchmark => None,
                    Moves::Differentials(names) => {
                        Some(names.iter().map(|n| route_ix[n]).collect())
                    }
                },
                over_year: m.over == Over::Year,
            })
            .collect();

        let regimes = (!s.regimes.is_empty()).then(|| Regimes {
            names: s.regimes.iter().map(|r| r.name.clone()).collect(),
            initial: s.regimes.iter().map(|r| r.initial).collect(),
            next: years
                .iter()
                .map(|&y| s.regimes.iter().map(|r| r.next_in(y).to_vec()).collect())
                .collect(),
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
            .enumerate()
            .map(|(i, d)| {
                let kind = if d.frequency.is_rate() {
                    FrequencyKind::Rate
                } else {
                    FrequencyKind::Probability
                };
                let frequency = match &d.frequency {
                    Frequency::Rate(_) => vec![inputs.get(&fields::RATE, Some(i)); years.len()],
                    Frequency::Probability(_) => {
                        vec![inputs.get(&fields::PROBABILITY, Some(i)); years.len()]
                    }
                    Frequency::RateByYear(_) => {
                        in_force(&inputs.schedule(&fields::RATE_BY_YEAR, i), &years, 0.0)
                    }
                    Frequency::ProbabilityByYear(_) => in_force(
                        &inputs.schedule(&fields::PROBABILITY_BY_YEAR, i),
                        &years,
                        0.0,
                    ),
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
                // Each run of years with one schedule entry in force is one step.
                let mut steps: Vec<Param> = Vec::new();
                let step: Vec<usize> = frequency
                    .iter()
                    .map(|p| {
                        if steps.last() != Some(p) {
                            steps.push(*p);
                        }
                        steps.len() - 1
                    })
                    .collect();
                let bases: Vec<f64> = steps
                    .iter()
                    .filter_map(|p| match p {
                        Param::Const(v) => Some(*v),
                        _ => None,
                    })
                    .collect();
                let small = steps.len() * multiplier.len() <= MAX_CACHED_COUNTS;
                let fixed_counts = if bases.len() == steps.len() && small {
                    // Tables while they fit the budget; past it the same laws walk their sums
                    // (the same counts, a little slower for large rates).
                    let mut budget = MAX_TABLE_ENTRIES;
                    let mut count = |&base: &f64, &m: &f64| {
                        let table = Count::new(kind, base, m).tabled();
                        match budget.checked_sub(table.table_len()) {
                            Some(left) => {
                                budget = left;
                                table
                            }
                            None => Count::new(kind, base, m),
                        }
                    };
                    let counts = |base| multiplier.iter().map(|m| count(base, m)).collect();
                    bases.iter().map(counts).collect()
                } else {
                    Vec::new()
                };
                Process {
                    name: d.name.clone(),
                    key: streams::key(&streams::events(&d.name)),
                    assets: d.assets.iter().map(|a| asset_ix[a]).collect(),
                    kind,
                    frequency,
                    duration_days: build(&d.duration_days),
                    severity: build(&d.severity),
                    full_stop_days: d.full_stop_days.as_ref().map(build),
                    active: years
                        .iter()
                        .map(|y| d.years.is_none_or(|(a, b)| (a..=b).contains(y)))
                        .collect(),
                    season,
                    multiplier,
                    step,
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
            Benchmark::MeanReverting { .. } => Prices::MeanReverting {
                start: inputs.get(&fields::PRICE_START, None),
                long_run: inputs.get(&fields::PRICE_LONG_RUN, None),
                reversion: inputs.get(&fields::PRICE_REVERSION, None),
                volatility: inputs.get(&fields::PRICE_VOLATILITY, None),
            },
            Benchmark::PerYear(_) => Prices::PerYear(inputs.get(&fields::PRICE_PER_YEAR, None)),
        };

        correlate(&mut params, s);

        let names = |v: &mut dyn Iterator<Item = &String>| v.cloned().collect::<Vec<_>>();
        let make_up = producers.iter().any(|p| p.make_up.is_some());
        let layout = Layout::new(
            &names(&mut s.producers.iter().map(|p| &p.name)),
            &names(&mut s.routes.iter().map(|r| &r.name)),
            &owners,
            &names(&mut s.assets.iter().map(|a| &a.name)),
            &s.stranded_thresholds,
            &Optional {
                holders: names(&mut holders.iter().map(|&p| &s.producers[p].name)),
                reserved_routes: names(&mut reservations.iter().map(|x| &s.routes[x.route].name)),
                made_up: make_up,
            },
        );

        let pro_rata = assets.iter().any(|a| a.pro_rata);
        let shares = Shares::new(
            assets.iter().map(|a| a.pro_rata),
            &chain,
            &chain_range,
            &lane_route,
        );
        let supply_plans = supply_plan::compile(s, &years);
        let yearly = |p: &Param| matches!(p, Param::Year(_));
        let yearly_terms = assets.iter().any(|a| yearly(&a.tariff))
            || routes.iter().any(|r| yearly(&r.tariff))
            || producers.iter().any(|p| yearly(&p.barrels_per_tonne));
        // By bits: 0.0 and -0.0 are equal numbers but can give different results.
        let same = |a: &Param, b: &Param| match (a, b) {
            (Param::Const(x), Param::Const(y)) => x.to_bits() == y.to_bits(),
            (Param::Trial(i), Param::Trial(j)) => i == j,
            _ => false,
        };
        let steady = |c: &[Param]| c.iter().all(|p| c.first().is_some_and(|f| same(p, f)));
        let steady_or_none = |c: &Option<Vec<Param>>| c.as_deref().is_none_or(steady);
        let yearly_contracts = (0..routes.len())
            .filter(|&r| {
                !(steady_or_none(&routes[r].contract_min)
                    && steady_or_none(&routes[r].contract_max))
            })
            .collect();
        let yearly_capacity = (0..assets.len())
            .filter(|&a| !steady(&assets[a].capacity))
            .collect();
        Model {
            yearly_terms,
            yearly_contracts,
            yearly_capacity,
            name: s.name.clone(),
            horizon_runs: layout.horizon_runs(),
            residual_salt: 0,
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
            reservations,
            reservation_order,
            make_up,
            pro_rata,
            shares,
            lane_route,
            lane_chains,
            route_chains,
            responses,
            processes,
            forced,
            supply_plans,
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
                    .position(|i| i.name == named.stream_key())
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

/// Every number's `Param`, by field, entry and year.
struct Inputs(BTreeMap<(&'static str, &'static str, usize, i32), Param>);

/// The key of a number: its field (list and path), its entry and its year.
fn slot(
    field: &Field,
    entry: Option<usize>,
    year: Option<i32>,
) -> (&'static str, &'static str, usize, i32) {
    (
        field.list.map_or("", |l| l.field),
        field.path,
        entry.unwrap_or(usize::MAX),
        year.unwrap_or(i32::MIN),
    )
}

impl Inputs {
    /// Registers every number the model draws or reads; per-event laws (durations, severities)
    /// are drawn from their process's stream instead (`Process`).
    fn register(s: &Scenario, params: &mut ParamTable) -> Inputs {
        let mut map = BTreeMap::new();
        for n in numbers(s) {
            if n.field.timing == Timing::PerEvent {
                continue;
            }
            map.insert(slot(n.field, n.entry.map(|e| e.0), n.year), params.add(&n));
        }
        Inputs(map)
    }

    /// A number that is not a schedule (validated present: the schema requires or defaults it).
    fn get(&self, field: &Field, entry: Option<usize>) -> Param {
        self.0[&slot(field, entry, None)]
    }

    /// A schedule's entries, by year.
    fn schedule(&self, field: &Field, entry: usize) -> BTreeMap<i32, Param> {
        let (list, path, e, _) = slot(field, Some(entry), None);
        self.0
            .range((list, path, e, i32::MIN)..=(list, path, e, i32::MAX))
            .map(|(k, p)| (k.3, *p))
            .collect()
    }
}

/// One `Param` per simulated year: the schedule entry in force that year (the latest at or
/// before it). Each entry is one input, so a step that spans several years is drawn once.
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
