//! Invariants of one trial, checked by proptest over generated scenarios.
//!
//! Generated: 1–3 producers (anchors, growth, refining, export share, priorities), 1–5 assets
//! (capacities including 0, tariffs, owners, storage), 1–6 routes (random producer sets and asset
//! chains, tariffs, differentials, contract minimums and maximums), 0–4 disruption processes
//! (rates or probabilities, durations up to beyond a year, severities, tags, active years,
//! seasons), an optional forced event, optional regimes, 1–5 years, both price models, output
//! caps, make-up shares (docs/model.md §5c), reservations (ship-or-pay or options) on
//! single-producer routes, market responses;
//! numbers fixed, drawn per trial or drawn per year. The generator follows the documented rules and
//! limits; the rare scenario that validation still refuses is skipped (`prop_assume!`). Every
//! scenario tested must survive a round trip through RON text.
//!
//! Checked in every year of a few trials:
//! (i) conservation: export_volume + stranded_volume = export_supply per producer;
//! (ii) no asset carries more than its capacity: utilisation ≤ 1 (reservations included: a hold
//!      is taken off its chain's assets and only what is unused is released);
//!      With make-up, both hold with the made-up crude included: it ships only with the spare a
//!      segment's regular allocation leaves, and leaves the stranded volume;
//! (iii) every output value is finite;
//! (iv) displaced_volume ≥ lost_volume (the gross shortfall at the time, before make-up, is at
//!      least the net loss after it), and a made-up volume lies in [0, supply], 0 without
//!      disruptions;
//! plus: volumes are non-negative, route volumes add up to exports, a fixed contract maximum is
//! respected, a zero-capacity asset carries nothing, unused reservations lie in [0, reserved]
//! when the reservation is fixed, outage days lie in [0, 365], without any
//! disruption the year equals its undisrupted twin exactly, and with only full outages no crude
//! flows through an asset while it is out.
//!
//! Not checked: lost_volume ≥ 0. Allocation is greedy (priority, then netback), not a max-flow,
//! so an outage can raise a producer's exports: if a higher-priority producer's best route runs
//! through assets X and Y and X fails, it moves to another route and leaves Y to a lower-priority
//! producer, whose lost volume is then negative.

use corridor::distributions::DistSpec;
use corridor::model::{Model, TrialSink, Workspace, simulate};
use corridor::scenario::schema::{
    Asset, AssetKind, Benchmark, Disruption, ForcedEvent, Frequency, Horizon, Interpolation,
    MarketResponse, Moves, Over, Prices, Producer, Production, Quota, Regime, Reservation, Route,
    Scenario, Season, Sharing,
};
use corridor::scenario::uncertain::Timed;
use corridor::scenario::validate::validate;
use corridor::scenario::{Uncertain, load_str};
use proptest::collection::{btree_map, vec};
use proptest::option;
use proptest::prelude::*;
use proptest::sample::subsequence;

const FIRST_YEAR: i32 = 2025;
const TRIALS: u64 = 4;

fn uniform(a: f64, b: f64) -> DistSpec {
    DistSpec::Uniform {
        min: a.min(b),
        max: a.max(b),
    }
}

/// A number in [lo, hi]: fixed, drawn once per trial, or drawn each year.
fn uncertain(lo: f64, hi: f64) -> BoxedStrategy<Uncertain> {
    prop_oneof![
        3 => (lo..=hi).prop_map(Uncertain::Number),
        1 => (lo..=hi, lo..=hi).prop_map(|(a, b)| Uncertain::Dist(uniform(a, b))),
        1 => (lo..=hi, lo..=hi)
            .prop_map(|(a, b)| Uncertain::Timed(Timed::PerYear(uniform(a, b)))),
    ]
    .boxed()
}

/// A number in [lo, hi] without a draw-timing wrapper (per-event and price-process inputs).
fn untimed(lo: f64, hi: f64) -> BoxedStrategy<Uncertain> {
    prop_oneof![
        2 => (lo..=hi).prop_map(Uncertain::Number),
        1 => (lo..=hi, lo..=hi).prop_map(|(a, b)| Uncertain::Dist(uniform(a, b))),
    ]
    .boxed()
}

fn producer() -> impl Strategy<Value = Producer> {
    (
        btree_map(2023..=2028i32, uncertain(0.0, 80.0), 1..=2),
        prop_oneof![
            Just(Interpolation::Linear),
            Just(Interpolation::LogLinear),
            Just(Interpolation::Step)
        ],
        btree_map(2024..=2029i32, uncertain(-0.3, 0.3), 0..=2),
        uncertain(0.0, 1.0),
        prop_oneof![Just(Uncertain::Number(0.0)), uncertain(0.0, 20.0)],
        7.0..8.0f64,
        0..3i32,
        option::weighted(
            0.3,
            (
                btree_map(2023..=2028i32, uncertain(0.0, 80.0), 1..=2),
                uncertain(0.0, 1.0),
            ),
        ),
        option::weighted(0.4, uncertain(0.0, 1.0)),
    )
        .prop_map(
            |(
                anchors,
                interpolation,
                growth,
                export_share,
                refining,
                bpt,
                priority,
                quota,
                make_up,
            )| {
                Producer {
                    name: String::new(),
                    production: Production {
                        anchors,
                        interpolation,
                        growth,
                    },
                    export_share,
                    domestic_refining: refining,
                    barrels_per_tonne: Uncertain::Number(bpt),
                    priority,
                    quota: quota.map(|(cap, compliance)| Quota { cap, compliance }),
                    make_up,
                    supply_plan: vec![],
                }
            },
        )
}

fn capacity() -> BoxedStrategy<Uncertain> {
    prop_oneof![
        1 => Just(Uncertain::Number(0.0)),
        4 => uncertain(0.0, 100.0),
    ]
    .boxed()
}

fn asset() -> impl Strategy<Value = Asset> {
    (
        capacity(),
        option::of((FIRST_YEAR + 1..=FIRST_YEAR + 4, capacity())),
        option::of(prop_oneof![Just("Owner A"), Just("Owner B")]),
        uncertain(0.0, 30.0),
        prop_oneof![Just(0.0), 0.0..20.0f64],
        prop_oneof![Just(Sharing::Priority), Just(Sharing::ProRata)],
    )
        .prop_map(|(first, later, owner, tariff, storage_days, sharing)| {
            let mut capacity = std::collections::BTreeMap::from([(FIRST_YEAR, first)]);
            if let Some((year, c)) = later {
                capacity.insert(year, c);
            }
            Asset {
                name: String::new(),
                kind: AssetKind::Pipeline,
                capacity,
                owner: owner.map(String::from),
                tariff,
                storage_days,
                sharing,
            }
        })
}

fn route(producers: usize, assets: usize) -> impl Strategy<Value = Route> {
    (
        subsequence((0..producers).collect::<Vec<_>>(), 1..=producers),
        subsequence((0..assets).collect::<Vec<_>>(), 1..=assets.min(3)).prop_shuffle(),
        uncertain(0.0, 60.0),
        uncertain(-10.0, 10.0),
        option::of(0.0..20.0f64),
        option::of(0.0..30.0f64),
        option::weighted(
            0.4,
            (
                btree_map(FIRST_YEAR..=FIRST_YEAR + 3, uncertain(0.0, 40.0), 1..=2),
                uncertain(0.0, 60.0),
                any::<bool>(),
            ),
        ),
    )
        .prop_map(
            move |(ps, chain, tariff, differential, min, max, reservation)| {
                // A minimum above the maximum is refused by validation: keep min ≤ max.
                let min = match (min, max) {
                    (Some(lo), Some(hi)) => Some(lo.min(hi)),
                    _ => min,
                };
                let schedule = |v: Option<f64>| {
                    v.map(|x| (FIRST_YEAR, Uncertain::Number(x)))
                        .into_iter()
                        .collect()
                };
                Route {
                    name: String::new(),
                    producers: ps.iter().map(|p| format!("P{p}")).collect(),
                    market: String::new(),
                    assets: chain.iter().map(|a| format!("A{a}")).collect(),
                    tariff,
                    differential,
                    contract_min: schedule(min),
                    contract_max: schedule(max),
                    // One holder only; a reservation above a fixed maximum is refused by validation
                    // (skipped by `prop_assume!` when the generated one is).
                    reservation: reservation.filter(|_| ps.len() == 1).map(
                        |(volume, fee, ship_or_pay)| Reservation {
                            volume,
                            fee,
                            ship_or_pay,
                        },
                    ),
                }
            },
        )
}

fn market_response(assets: usize, routes: usize) -> impl Strategy<Value = MarketResponse> {
    (
        subsequence((0..assets).collect::<Vec<_>>(), 1..=assets.min(2)),
        uncertain(-2.0, 2.0),
        option::of(subsequence(
            (0..routes).collect::<Vec<_>>(),
            1..=routes.min(2),
        )),
        any::<bool>(),
    )
        .prop_map(|(on, per_mt_lost, routes, year)| MarketResponse {
            name: String::new(),
            assets: on.iter().map(|a| format!("A{a}")).collect(),
            per_mt_lost,
            moves: routes.map_or(Moves::Benchmark, |r| {
                Moves::Differentials(r.iter().map(|r| format!("R{r}")).collect())
            }),
            over: if year { Over::Year } else { Over::Segment },
        })
}

fn duration() -> BoxedStrategy<Uncertain> {
    prop_oneof![
        (1.0..500.0f64).prop_map(Uncertain::Number),
        (1.0..400.0f64, 1.0..400.0f64).prop_map(|(a, b)| Uncertain::Dist(uniform(a, b))),
        // Spread at most 10: the 99.9th percentile stays far below validation's 36,500-day limit.
        (1.0..30.0f64, 1.1..10.0f64).prop_map(|(low, spread)| Uncertain::Dist(
            DistSpec::LogNormal90 {
                low,
                high: low * spread
            }
        )),
    ]
    .boxed()
}

fn disruption(assets: usize) -> impl Strategy<Value = Disruption> {
    let seasons = prop_oneof![
        Just(("11-01", "03-31")),
        Just(("06-01", "08-31")),
        Just(("01-01", "12-31")),
        Just(("12-31", "01-01")),
    ];
    (
        subsequence((0..assets).collect::<Vec<_>>(), 1..=assets),
        subsequence(vec!["storm", "drone"], 0..=2),
        prop_oneof![
            uncertain(0.0, 5.0).prop_map(Frequency::Rate),
            uncertain(0.0, 1.0).prop_map(Frequency::Probability),
        ],
        duration(),
        untimed(0.0, 1.0),
        option::of((0..=2i32, 0..=2i32)),
        option::of(seasons),
        option::of(untimed(0.0, 60.0)),
    )
        .prop_map(
            |(hit, tags, frequency, duration_days, severity, years, season, full_stop_days)| {
                Disruption {
                    name: String::new(),
                    assets: hit.iter().map(|a| format!("A{a}")).collect(),
                    tags: tags.into_iter().map(String::from).collect(),
                    frequency,
                    duration_days,
                    severity,
                    full_stop_days,
                    years: years.map(|(a, len)| (FIRST_YEAR + a, FIRST_YEAR + a + len)),
                    season: season.map(|(from, to)| Season {
                        from: from.into(),
                        to: to.into(),
                    }),
                }
            },
        )
}

/// A date "YYYY-MM-DD" from a year offset and a day of the year (0..365).
fn date(year_offset: i32, day: u32) -> String {
    const MONTHS: [u32; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    let (mut m, mut d) = (0, day);
    while d >= MONTHS[m] {
        d -= MONTHS[m];
        m += 1;
    }
    format!("{:04}-{:02}-{:02}", FIRST_YEAR + year_offset, m + 1, d + 1)
}

fn forced_event(assets: usize) -> impl Strategy<Value = ForcedEvent> {
    (
        subsequence((0..assets).collect::<Vec<_>>(), 1..=assets),
        (-1..=5i32, 0..365u32),
        (-1..=5i32, 0..365u32),
        prop_oneof![Just(0.0), 0.0..=1.0f64],
    )
        .prop_map(|(hit, a, b, capacity_left)| {
            let (start, end) = if a <= b { (a, b) } else { (b, a) };
            ForcedEvent {
                name: "stress".into(),
                assets: hit.iter().map(|a| format!("A{a}")).collect(),
                start: date(start.0, start.1),
                end: date(end.0, end.1),
                capacity_left,
            }
        })
}

/// Probabilities from positive weights (some may be zero; at least one is not).
fn normalise(w: &[f64]) -> Vec<f64> {
    let mut w = w.to_vec();
    if w.iter().all(|&x| x == 0.0) {
        w[0] = 1.0;
    }
    let sum: f64 = w.iter().sum();
    w.iter().map(|x| x / sum).collect()
}

fn weights(n: usize) -> impl Strategy<Value = Vec<f64>> {
    vec(prop_oneof![Just(0.0), 0.01..1.0f64], n)
}

/// 1–3 regimes whose multipliers and differential additions name the given processes and routes.
fn regimes(processes: usize, routes: usize) -> impl Strategy<Value = Vec<Regime>> {
    (1..=3usize).prop_flat_map(move |k| {
        vec(
            (
                weights(k),
                vec(option::of(0.0..3.0f64), processes),
                vec(option::of(-5.0..5.0f64), routes),
                option::of(0.0..3.0f64),
            ),
            k,
        )
        .prop_flat_map(move |rows| (Just(rows), weights(k)))
        .prop_map(move |(rows, initial)| {
            let initial = normalise(&initial);
            rows.into_iter()
                .enumerate()
                .map(|(i, (next, mult, add, drone))| {
                    let mut frequency_multipliers: std::collections::BTreeMap<String, f64> = mult
                        .iter()
                        .enumerate()
                        .filter_map(|(d, m)| m.map(|m| (format!("D{d}"), m)))
                        .collect();
                    if let Some(m) = drone.filter(|_| processes > 0) {
                        // "drone" is a tag only if some process carries it; naming a
                        // process keeps the key valid whatever the tags.
                        frequency_multipliers.insert("D0".into(), m);
                    }
                    Regime {
                        name: format!("regime {i}"),
                        initial: initial[i],
                        next: normalise(&next),
                        next_by_year: Default::default(),
                        frequency_multipliers,
                        differential_add: add
                            .iter()
                            .enumerate()
                            .filter_map(|(r, a)| a.map(|a| (format!("R{r}"), a)))
                            .collect(),
                    }
                })
                .collect()
        })
    })
}

fn prices() -> impl Strategy<Value = Prices> {
    let benchmark = prop_oneof![
        (
            untimed(20.0, 120.0),
            untimed(20.0, 120.0),
            untimed(0.0, 2.0),
            untimed(0.0, 0.5)
        )
            .prop_map(|(start, long_run, reversion, volatility)| {
                Benchmark::MeanReverting {
                    start,
                    long_run,
                    reversion,
                    volatility,
                }
            }),
        (20.0..120.0f64, 20.0..120.0f64)
            .prop_map(|(a, b)| Benchmark::PerYear(Uncertain::Dist(uniform(a, b)))),
        (20.0..120.0f64).prop_map(|p| Benchmark::PerYear(Uncertain::Number(p))),
    ];
    benchmark.prop_map(|benchmark| Prices { benchmark })
}

fn scenario() -> impl Strategy<Value = Scenario> {
    (1..=3usize, 1..=5usize, 1..=6usize, 0..=4usize, 1..=5i32).prop_flat_map(
        |(np, na, nr, nd, ny)| {
            (
                vec(producer(), np),
                vec(asset(), na),
                vec(route(np, na), nr),
                vec(disruption(na), nd),
                option::weighted(0.3, forced_event(na)),
                option::weighted(0.5, regimes(nd, nr)),
                prices(),
                vec(market_response(na, nr), 0..=2),
            )
                .prop_map(
                    move |(
                        producers,
                        assets,
                        routes,
                        disruptions,
                        forced,
                        regimes,
                        prices,
                        responses,
                    )| {
                        let named = |prefix: &str, i: usize| format!("{prefix}{i}");
                        Scenario {
                            name: "generated".into(),
                            description: String::new(),
                            stranded_thresholds: vec![0.5, 5.0],
                            horizon: Horizon {
                                first_year: FIRST_YEAR,
                                last_year: FIRST_YEAR + ny - 1,
                                trials: None,
                                seed: None,
                            },
                            producers: producers
                                .into_iter()
                                .enumerate()
                                .map(|(i, p)| Producer {
                                    name: named("P", i),
                                    ..p
                                })
                                .collect(),
                            assets: assets
                                .into_iter()
                                .enumerate()
                                .map(|(i, a)| Asset {
                                    name: named("A", i),
                                    ..a
                                })
                                .collect(),
                            routes: routes
                                .into_iter()
                                .enumerate()
                                .map(|(i, r)| Route {
                                    name: named("R", i),
                                    ..r
                                })
                                .collect(),
                            disruptions: disruptions
                                .into_iter()
                                .enumerate()
                                .map(|(i, d)| Disruption {
                                    name: named("D", i),
                                    ..d
                                })
                                .collect(),
                            forced_events: forced.into_iter().collect(),
                            regimes: regimes.unwrap_or_default(),
                            market_responses: responses
                                .into_iter()
                                .enumerate()
                                .map(|(i, m)| MarketResponse {
                                    name: named("M", i),
                                    ..m
                                })
                                .collect(),
                            prices,
                            correlations: Vec::new(),
                            observations: Vec::new(),
                            sources: Default::default(),
                        }
                    },
                )
        },
    )
}

/// Where each checked metric lives, and what the scenario fixes about it.
struct Index {
    supply: Vec<usize>,
    exported: Vec<usize>,
    stranded: Vec<usize>,
    lost_volume: Vec<usize>,
    displaced: Vec<usize>,
    /// `made_up_volume` per producer, in scenarios with make-up.
    made_up: Option<Vec<usize>>,
    lost_revenue: Vec<usize>,
    revenue: Vec<usize>,
    revenue_undisrupted: Vec<usize>,
    route_volume: Vec<usize>,
    utilisation: Vec<usize>,
    outage_days: Vec<usize>,
    /// Per route: the contract maximum in force in each year, when the file fixes it.
    contract_max: Vec<Vec<Option<f64>>>,
    /// Per route: whether some asset on it has a fixed capacity of 0 in each year.
    through_zero: Vec<Vec<bool>>,
    /// Per reservation: its `unused_reservation` metric and the volume reserved in each year
    /// (0 before its first entry), when the file fixes it.
    unused: Vec<(usize, Vec<Option<f64>>)>,
    no_disruptions: bool,
}

fn in_force(
    schedule: &std::collections::BTreeMap<i32, Uncertain>,
    year: i32,
) -> Option<&Uncertain> {
    schedule.range(..=year).next_back().map(|(_, v)| v)
}

impl Index {
    fn new(model: &Model, s: &Scenario) -> Index {
        let find = |kind: &str, names: Vec<&String>| -> Vec<usize> {
            names
                .iter()
                .map(|n| model.layout.find(&format!("{kind}/{n}")).expect("metric"))
                .collect()
        };
        let producers = || s.producers.iter().map(|p| &p.name).collect::<Vec<_>>();
        let assets = || s.assets.iter().map(|a| &a.name).collect::<Vec<_>>();
        let years: Vec<i32> = (s.horizon.first_year..=s.horizon.last_year).collect();
        let fixed = |u: Option<&Uncertain>| match u {
            Some(Uncertain::Number(x)) => Some(*x),
            _ => None,
        };
        Index {
            supply: find("export_supply", producers()),
            exported: find("export_volume", producers()),
            stranded: find("stranded_volume", producers()),
            lost_volume: find("lost_volume", producers()),
            displaced: find("displaced_volume", producers()),
            made_up: s
                .producers
                .iter()
                .any(|p| p.make_up.is_some())
                .then(|| find("made_up_volume", producers())),
            lost_revenue: find("lost_revenue", producers()),
            revenue: find("revenue", producers()),
            revenue_undisrupted: find("revenue_undisrupted", producers()),
            route_volume: find("route_volume", s.routes.iter().map(|r| &r.name).collect()),
            utilisation: find("utilisation", assets()),
            outage_days: find("outage_days", assets()),
            contract_max: s
                .routes
                .iter()
                .map(|r| {
                    years
                        .iter()
                        .map(|&y| fixed(in_force(&r.contract_max, y)))
                        .collect()
                })
                .collect(),
            through_zero: s
                .routes
                .iter()
                .map(|r| {
                    years
                        .iter()
                        .map(|&y| {
                            r.assets.iter().any(|name| {
                                let a = s.assets.iter().find(|a| &a.name == name).unwrap();
                                fixed(in_force(&a.capacity, y)) == Some(0.0)
                            })
                        })
                        .collect()
                })
                .collect(),
            unused: s
                .routes
                .iter()
                .filter_map(|r| Some((r, r.reservation.as_ref()?)))
                .map(|(r, res)| {
                    let i = model
                        .layout
                        .find(&format!("unused_reservation/{}", r.name))
                        .expect("metric");
                    let reserved = years
                        .iter()
                        .map(|&y| match in_force(&res.volume, y) {
                            None => Some(0.0),
                            u => fixed(u),
                        })
                        .collect();
                    (i, reserved)
                })
                .collect(),
            no_disruptions: s.disruptions.is_empty() && s.forced_events.is_empty(),
        }
    }
}

/// Checks every year of a trial; the first violation is kept to report.
struct Checker<'a> {
    ix: &'a Index,
    /// Only full outages in the scenario (severity 1, capacity left 0).
    full_outages_only: bool,
    failure: Option<String>,
}

impl Checker<'_> {
    fn fail(&mut self, msg: String) {
        if self.failure.is_none() {
            self.failure = Some(msg);
        }
    }
}

impl TrialSink for Checker<'_> {
    fn year(&mut self, t: usize, v: &[f64]) {
        let ix = self.ix;
        if let Some(i) = v.iter().position(|x| !x.is_finite()) {
            return self.fail(format!("year {t}: value {i} is {}", v[i]));
        }
        let mut total_exported = 0.0;
        for p in 0..ix.supply.len() {
            let (supply, exported, stranded) =
                (v[ix.supply[p]], v[ix.exported[p]], v[ix.stranded[p]]);
            total_exported += exported;
            let tol = 1e-9 * supply.max(1.0);
            if (exported + stranded - supply).abs() > tol {
                self.fail(format!(
                    "year {t}, P{p}: exported {exported} + stranded {stranded} != supply {supply}"
                ));
            }
            if supply < 0.0 || exported < -tol || stranded < -tol {
                self.fail(format!(
                    "year {t}, P{p}: negative volume ({supply}, {exported}, {stranded})"
                ));
            }
            // Made-up crude counts in exports, not in the gross shortfall at the time.
            let (lost, displaced) = (v[ix.lost_volume[p]], v[ix.displaced[p]]);
            if displaced < lost - tol {
                self.fail(format!(
                    "year {t}, P{p}: displaced {displaced} below lost {lost}"
                ));
            }
            if let Some(made_up) = &ix.made_up {
                let made = v[made_up[p]];
                let none = ix.no_disruptions && made != 0.0;
                if made < 0.0 || made > supply + tol || none {
                    self.fail(format!("year {t}, P{p}: made up {made} (supply {supply})"));
                }
            }
            if ix.no_disruptions {
                let same = v[ix.lost_volume[p]] == 0.0
                    && v[ix.lost_revenue[p]] == 0.0
                    && v[ix.revenue[p]] == v[ix.revenue_undisrupted[p]];
                if !same {
                    self.fail(format!(
                        "year {t}, P{p}: no disruptions, yet lost volume {} and lost revenue {}",
                        v[ix.lost_volume[p]], v[ix.lost_revenue[p]]
                    ));
                }
            }
        }
        let mut total_routed = 0.0;
        for (r, &i) in ix.route_volume.iter().enumerate() {
            let vol = v[i];
            total_routed += vol;
            if vol < -1e-9 {
                self.fail(format!("year {t}, R{r}: negative volume {vol}"));
            }
            if let Some(max) = ix.contract_max[r][t]
                && vol > max + 1e-9 * max.max(1.0)
            {
                self.fail(format!(
                    "year {t}, R{r}: {vol} above its contract maximum {max}"
                ));
            }
            if ix.through_zero[r][t] && vol != 0.0 {
                self.fail(format!(
                    "year {t}, R{r}: {vol} through an asset of capacity 0"
                ));
            }
        }
        for &(i, ref reserved) in &ix.unused {
            let unused = v[i];
            let within = reserved[t].is_none_or(|r| unused <= r + 1e-9 * r.max(1.0));
            if unused < 0.0 || !within {
                self.fail(format!(
                    "year {t}: unused reservation {unused} outside [0, {:?}]",
                    reserved[t]
                ));
            }
        }
        if (total_routed - total_exported).abs() > 1e-9 * total_exported.max(1.0) {
            self.fail(format!(
                "year {t}: routes carry {total_routed}, producers export {total_exported}"
            ));
        }
        for (a, (&u, &o)) in ix.utilisation.iter().zip(&ix.outage_days).enumerate() {
            let (util, days) = (v[u], v[o]);
            if !(-1e-12..=1.0 + 1e-9).contains(&util) {
                self.fail(format!("year {t}, A{a}: utilisation {util}"));
            }
            if !(0.0..=365.0 + 1e-9).contains(&days) {
                self.fail(format!("year {t}, A{a}: {days} outage days"));
            }
            // With full outages only, the asset carries nothing on its outage days.
            if self.full_outages_only && util > (365.0 - days) / 365.0 + 1e-9 {
                self.fail(format!(
                    "year {t}, A{a}: utilisation {util} but out (fully) for {days} days"
                ));
            }
        }
    }

    fn horizon(&mut self, trial: u64, values: &[f64]) {
        if let Some(i) = values.iter().position(|x| !x.is_finite()) {
            self.fail(format!("trial {trial}: horizon value {i} is {}", values[i]));
        }
    }
}

/// Every value a trial reports, as bits (so that -0.0 and NaN compare as what they are).
#[derive(Default)]
struct Bits(Vec<u64>);

impl TrialSink for Bits {
    fn year(&mut self, _t: usize, values: &[f64]) {
        self.0.extend(values.iter().map(|v| v.to_bits()));
    }

    fn horizon(&mut self, _trial: u64, values: &[f64]) {
        self.year(0, values);
    }
}

/// Validates, round-trips through RON text, compiles and checks a few trials.
fn check(s: &Scenario, seed: u64, full_outages_only: bool) -> Result<(), TestCaseError> {
    // The generator keeps within the documented rules and limits, so rejections are rare; if
    // validation tightens so that most generated scenarios fail it, proptest stops with "too
    // many global rejects" and the generator must follow.
    prop_assume!(validate(s).is_empty());
    let text = ron::ser::to_string_pretty(s, ron::ser::PrettyConfig::default()).unwrap();
    let loaded = load_str(&text, "generated.ron").map_err(|d| {
        TestCaseError::fail(format!(
            "the RON text of a valid scenario does not load:\n{d}\n{text}"
        ))
    })?;
    prop_assert_eq!(&loaded.scenario, s, "RON round trip changed the scenario");
    let model = Model::compile(&loaded.scenario);
    let ix = Index::new(&model, s);
    let mut every_year = model.clone();
    every_year.yearly_terms = true;
    every_year.yearly_contracts = (0..model.routes.len()).collect();
    every_year.yearly_capacity = (0..model.assets.len()).collect();
    let mut ws = Workspace::default();
    for trial in 0..TRIALS {
        let mut checker = Checker {
            ix: &ix,
            full_outages_only,
            failure: None,
        };
        simulate(&model, seed, trial, &mut ws, &mut checker);
        if let Some(f) = checker.failure {
            return Err(TestCaseError::fail(format!(
                "seed {seed}, trial {trial}: {f}\n{text}"
            )));
        }
        // A workspace carries buffers, never values, from one trial to the next: the trial
        // reports, bit for bit, what it reports in a fresh one (the simulation writes some
        // blocks of metrics without zeroing them first).
        let (mut reused, mut fresh) = (Bits::default(), Bits::default());
        simulate(&model, seed, trial, &mut ws, &mut reused);
        simulate(&model, seed, trial, &mut Workspace::default(), &mut fresh);
        prop_assert!(
            reused.0 == fresh.0,
            "seed {seed}, trial {trial}: a reused workspace reports other values\n{text}"
        );
        // What a trial works out once (`Model::yearly_terms`, `yearly_contracts`) is what it
        // would work out each year.
        let mut each = Bits::default();
        simulate(
            &every_year,
            seed,
            trial,
            &mut Workspace::default(),
            &mut each,
        );
        prop_assert!(
            each.0 == fresh.0,
            "seed {seed}, trial {trial}: terms set once differ from terms set each year\n{text}"
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn trial_invariants_hold(s in scenario(), seed in any::<u64>()) {
        check(&s, seed, false)?;
    }

    #[test]
    fn nothing_flows_through_an_asset_while_it_is_fully_out(
        s in scenario(),
        seed in any::<u64>(),
    ) {
        let mut s = s;
        for d in &mut s.disruptions {
            d.severity = Uncertain::Number(1.0);
        }
        for f in &mut s.forced_events {
            f.capacity_left = 0.0;
        }
        check(&s, seed, true)?;
    }
}
