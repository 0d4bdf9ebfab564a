//! One simulated trial: every year of the horizon, with and without disruptions.
//!
//! A year draws its inputs, works out each producer's export supply, each asset's capacity and
//! each route's netback, then allocates twice on the same draws: once with no disruptions for the
//! whole year (the paired counterfactual), once per segment of constant capacity with the year's
//! outages. Lost volume and lost revenue are the paired differences. Reservations are lanes of
//! their own (`compile::Reservation`); market responses move the price of what flows in a
//! segment by the capacity the segment has lost, which the twin never loses (docs/model.md §5a).

use super::allocation::{
    Period, Plan, Scratch, Shipments, allocate_cut, allocate_twin, unchanged_by,
};
use super::compile::{Asset, Model, Outage, Route};
use super::disruptions::{ProcessStream, draw_year, open_streams, retire};
use super::make_up::{MakeUp, Regular, Segment, Twin};
use super::metrics::{Horizon, Kind};
use super::params::{Param, Values};
use super::production::output;
use super::segments::Segments;
use super::sharing;
use super::streams::{self, key, stream, trial_seed};
use super::supply_plan::YearPlan;
use super::{prices, regimes};
use crate::scenario::dates::YEAR_DAYS;
use crate::scenario::limits::MAX_DIFFERENTIAL;

/// Receives a trial's metric values (in `Layout` order).
pub trait TrialSink {
    fn year(&mut self, t: usize, values: &[f64]);
    fn horizon(&mut self, trial: u64, values: &[f64]);
}

/// Buffers reused from trial to trial, one per worker thread.
#[derive(Debug, Clone, Default)]
pub struct Workspace {
    values: Values,
    streams: Vec<ProcessStream>,
    regime: Vec<usize>,
    price: Vec<f64>,
    outages: Vec<Outage>,
    segments: Segments,
    scratch: Scratch,
    /// The undisrupted twin's shipments, then those of each distinct capacity state of the
    /// year's segments (`allocated[i]` is the first segment with `shipments[i]`'s capacities).
    cf_shipments: Shipments,
    shipments: Vec<Shipments>,
    allocated: Vec<usize>,
    // Per-year quantities; `production` holds each producer's compounded growth factor.
    production: Vec<f64>,
    supply: Vec<f64>,
    capacity: Vec<f64>,
    period_capacity: Vec<f64>,
    /// A segment's contract maxima lowered to the pro-rata shares of cut assets (§5b).
    period_max: Vec<f64>,
    asset_tariff: Vec<f64>,
    route_tariff: Vec<f64>,
    /// Per lane: barrels per tonne and its route's tariff (USD/t).
    lane_terms: Vec<(f64, f64)>,
    contract_min: Vec<f64>,
    contract_max: Vec<f64>,
    netback: Vec<f64>,
    // Per reservation: volume reserved, fee and the tariff the fee prepays per tonne shipped.
    reserved: Vec<f64>,
    fee: Vec<f64>,
    credit: Vec<f64>,
    // Market responses: USD/bbl per Mt/yr lost, each one's capacity lost averaged over the
    // year, the price move of each route in the segment at hand, and per lane the sum over
    // segments of share × rate × move (USD/bbl × Mt).
    response: Vec<f64>,
    year_lost: Vec<f64>,
    route_move: Vec<f64>,
    price_effect: Vec<f64>,
    plan: Plan,
    sort_scratch: Vec<usize>,
    cf_flow: Vec<f64>,
    lane_volume: Vec<f64>,
    stranded: Vec<f64>,
    cf_lane_volume: Vec<f64>,
    cf_stranded: Vec<f64>,
    /// A planned year (§3a): the year's supply, and its twin volumes summed over its periods
    /// while `cf_lane_volume` and `cf_stranded` hold one period's rates.
    annual_supply: Vec<f64>,
    year_cf_lane_volume: Vec<f64>,
    year_cf_stranded: Vec<f64>,
    flow: Vec<f64>,
    /// Per producer, its metrics (`Kind::PRODUCER`, indexed `kind as usize`) as `record` adds
    /// them up over its lanes.
    producer_sums: Vec<[f64; 9]>,
    outage_days: Vec<f64>,
    /// The year's make-up backlog and made-up volumes (§5c), in scenarios with make-up.
    make_up: MakeUp,
    out: Vec<f64>,
    horizon: Vec<f64>,
}

/// Simulates trial `trial` of a run seeded with `seed`, reporting to `sink`.
pub fn simulate(
    model: &Model,
    seed: u64,
    trial: u64,
    ws: &mut Workspace,
    sink: &mut impl TrialSink,
) {
    let ts = trial_seed(seed, trial);
    let years = model.year_count();
    ws.values.start_trial(&model.params, ts);
    open_streams(model, ts, &mut ws.streams);
    ws.regime.resize(years, 0);
    regimes::sample_path(
        model.regimes.as_ref(),
        &mut stream(ts, key(streams::REGIMES) ^ model.residual_salt),
        &mut ws.regime,
    );
    ws.price.resize(years, 0.0);
    prices::sample_path(
        &model.prices,
        &ws.values,
        &mut stream(ts, key(streams::BENCHMARK_SHOCKS) ^ model.residual_salt),
        &mut ws.price,
    );
    ws.outages.clear();
    ws.outages.extend_from_slice(&model.forced);
    ws.horizon.clear();
    ws.horizon.resize(model.layout.len(), 0.0);
    ws.production.clear();
    ws.production.resize(model.producers.len(), 1.0);
    if !model.yearly_terms {
        terms(model, ws);
    }
    // Capacities and contracts as in the first year; those that change are set again each year.
    ws.capacity.clear();
    ws.capacity
        .extend(model.assets.iter().map(|a| capacity(a, &ws.values, 0)));
    ws.contract_min.clear();
    ws.contract_max.clear();
    for route in &model.routes {
        let (min, max) = contract(route, &ws.values, 0);
        ws.contract_min.push(min);
        ws.contract_max.push(max);
    }

    // Horizon = sum over years, or mean (each year's value divided by `years`, as the sum of
    // those quotients) for utilisation and prices; the threshold indicators' horizon value is
    // their largest yearly value ("in any year"). A run at a time: the sums skip the division
    // by 1 that one divisor per metric cost (x / 1.0 is x, bit for bit), and vectorise.
    let span = years as f64;
    for t in 0..years {
        ws.values.start_year(&model.params);
        if let Some(p) = prices::year_price(&model.prices, &ws.values) {
            ws.price[t] = p;
        }
        year(model, t, ws);
        for (run, how) in &model.horizon_runs {
            let pairs = ws.horizon[run.clone()].iter_mut().zip(&ws.out[run.clone()]);
            match how {
                Horizon::Sum => pairs.for_each(|(h, v)| *h += v),
                Horizon::Mean => pairs.for_each(|(h, v)| *h += v / span),
                Horizon::Max => pairs.for_each(|(h, &v)| *h = h.max(v)),
            }
        }
        sink.year(t, &ws.out);
    }
    sink.horizon(trial, &ws.horizon);
}

fn year(model: &Model, t: usize, ws: &mut Workspace) {
    let v = &ws.values;
    // Lanes: the real ones, then one per reservation.
    let (np, nl) = (model.producers.len(), model.lane_route.len());
    let regime = ws.regime[t];
    let price = ws.price[t];

    ws.supply.clear();
    for (p, producer) in model.producers.iter().enumerate() {
        let mut prod = output(producer, v, model.years[t], t, &mut ws.production[p]);
        if let Some(q) = &producer.quota {
            // Before the cap's first entry it is +∞, and the excess 0.
            prod -= v.get(q.compliance) * (prod - v.get(q.cap[t])).max(0.0);
        }
        let share = v.get(producer.export_share).clamp(0.0, 1.0);
        ws.supply
            .push((prod - v.get(producer.domestic_refining)).max(0.0) * share);
    }
    for &a in &model.yearly_capacity {
        ws.capacity[a] = capacity(&model.assets[a], v, t);
    }
    if model.yearly_terms {
        terms(model, ws);
    }
    let v = &ws.values;
    for &r in &model.yearly_contracts {
        (ws.contract_min[r], ws.contract_max[r]) = contract(&model.routes[r], v, t);
    }

    // Netback per lane (USD/t), then the year's filling order.
    ws.netback.clear();
    let adds = model.regimes.as_ref().map(|r| &r.differential_add[regime]);
    for (lane, &(bpt, tariff)) in model.lanes.iter().zip(&ws.lane_terms) {
        let add = adds.map_or(0.0, |a| a[lane.route]);
        let usd_bbl = price + v.get(model.routes[lane.route].differential) + add;
        ws.netback.push(bpt * usd_bbl - tariff);
    }
    if !model.reservations.is_empty() {
        reservation_terms(model, t, ws);
    }
    if !model.responses.is_empty() {
        ws.response.clear();
        ws.response
            .extend(model.responses.iter().map(|r| ws.values.get(r.per_mt_lost)));
        reset(&mut ws.price_effect, nl);
    }
    ws.plan
        .build(model, &ws.netback, &ws.contract_min, &mut ws.sort_scratch);
    if model.make_up {
        ws.make_up.start_year(model, &ws.values);
    }
    if let Some(plan) = &model.supply_plans[t] {
        planned_year(model, t, regime, plan, ws);
        if model.make_up {
            ws.make_up
                .finish_year(&mut ws.lane_volume, &mut ws.stranded);
        }
        flows(model, &ws.lane_volume, &mut ws.flow);
        record(model, t, ws);
        return;
    }

    // The undisrupted twin: full capacity all year (rates, which over a whole year are volumes).
    twin(model, ws);

    // The year as disrupted: its events, cut into segments of constant capacity.
    outages(model, t, regime, ws);
    // Ask the segments, not their count: an outage can cover the whole year (one segment).
    if ws.segments.any_cut() {
        reset(&mut ws.lane_volume, nl);
        reset(&mut ws.stranded, np);
        disrupted_year(model, ws, None);
        if model.make_up {
            ws.make_up
                .finish_year(&mut ws.lane_volume, &mut ws.stranded);
        }
    } else {
        // Not one outage this year: the disrupted year is its twin, bit for bit.
        ws.lane_volume.clone_from(&ws.cf_lane_volume);
        ws.stranded.clone_from(&ws.cf_stranded);
    }
    flows(model, &ws.lane_volume, &mut ws.flow);
    record(model, t, ws);
}

/// The terms of a trial's years that most scenarios draw once per trial (`Model::yearly_terms`
/// says when not): each asset's tariff, each route's (its own plus its chain's), and each lane's
/// barrels per tonne and its route's tariff. (Differentials are drawn each year in most.)
fn terms(model: &Model, ws: &mut Workspace) {
    let v = &ws.values;
    ws.asset_tariff.clear();
    ws.asset_tariff
        .extend(model.assets.iter().map(|a| v.get(a.tariff)));
    ws.route_tariff.clear();
    for route in &model.routes {
        let chain: f64 = route.assets.iter().map(|&a| ws.asset_tariff[a]).sum();
        ws.route_tariff.push(v.get(route.tariff) + chain);
    }
    ws.lane_terms.clear();
    ws.lane_terms.extend(model.lanes.iter().map(|lane| {
        let bpt = v.get(model.producers[lane.producer].barrels_per_tonne);
        (bpt, ws.route_tariff[lane.route])
    }));
}

/// An asset's capacity in year `t` (Mt/yr).
fn capacity(asset: &Asset, v: &Values, t: usize) -> f64 {
    v.get(asset.capacity[t]).max(0.0)
}

/// A route's contract minimum and maximum in year `t` (Mt/yr; 0 and +∞ without one).
fn contract(route: &Route, v: &Values, t: usize) -> (f64, f64) {
    let at = |c: &Option<Vec<Param>>, none: f64| c.as_ref().map_or(none, |c| v.get(c[t]).max(0.0));
    (
        at(&route.contract_min, 0.0),
        at(&route.contract_max, f64::INFINITY),
    )
}

/// The year's outages: its events drawn, those ended retired, and the year cut into segments of
/// constant capacity, with no outage day counted yet.
fn outages(model: &Model, t: usize, regime: usize, ws: &mut Workspace) {
    draw_year(
        model,
        &ws.values,
        t,
        regime,
        &mut ws.streams,
        &mut ws.outages,
    );
    retire(&mut ws.outages, t);
    ws.segments.cut(&ws.outages, t);
    reset(&mut ws.outage_days, model.assets.len());
}

/// The undisrupted twin at the workspace's supply and full capacity, as rates: one allocation
/// that a whole year, or each period of a planned year, shares with every cut segment.
fn twin(model: &Model, ws: &mut Workspace) {
    reset(&mut ws.cf_lane_volume, model.lane_route.len());
    reset(&mut ws.cf_stranded, model.producers.len());
    let full = Period {
        supply: &ws.supply,
        capacity: &ws.capacity,
        contract_min: &ws.contract_min,
        contract_max: &ws.contract_max,
        reserved: &ws.reserved,
    };
    allocate_twin(
        model,
        &ws.plan,
        &full,
        &mut ws.scratch,
        &mut ws.cf_shipments,
    );
    ws.cf_shipments
        .add_to(1.0, &mut ws.cf_lane_volume, &mut ws.cf_stranded);
}

/// The year's reservation terms, and each reservation lane's netback: its route's plus the
/// tariff the fee prepays (ship-or-pay), which a tonne shipped within it does not pay again.
fn reservation_terms(model: &Model, t: usize, ws: &mut Workspace) {
    let v = &ws.values;
    ws.reserved.clear();
    ws.fee.clear();
    ws.credit.clear();
    for r in &model.reservations {
        let fee = v.get(r.fee);
        let credit = if r.ship_or_pay {
            fee.min(ws.route_tariff[r.route])
        } else {
            0.0
        };
        ws.reserved.push(v.get(r.volume[t]).max(0.0));
        ws.fee.push(fee);
        ws.credit.push(credit);
        ws.netback.push(ws.netback[r.lane] + credit);
    }
}

/// Adds the lane volumes, stranded volumes and outage days of a year with outages, or of the
/// part of it in `window` (a planned year's period, whose twin rates `cf_lane_volume` holds):
/// one allocation per distinct capacity state that an outage actually constrains. (A fifth of
/// the segments that need one repeat an earlier segment's state: an outage around another,
/// shorter one.)
fn disrupted_year(model: &Model, ws: &mut Workspace, window: Option<(f64, f64)>) {
    flows(model, &ws.cf_lane_volume, &mut ws.cf_flow);
    ws.segments.find_repeats();
    ws.allocated.clear();
    ws.period_capacity.clone_from(&ws.capacity);
    let respond = !model.responses.is_empty();
    if respond {
        lost_over_year(model, ws);
    }
    if model.make_up {
        ws.make_up.start_window();
    }
    // A hold depends on every asset of its chain, so the shortcut's proof does not cover it.
    let shortcut = model.reservations.is_empty();
    for k in 0..ws.segments.count() {
        let (days, cuts) = ws.segments.get(k);
        let days = match window {
            None => days,
            Some((lo, hi)) => {
                let (a, b) = ws.segments.span(k);
                let overlap = b.min(hi) - a.max(lo);
                if overlap <= 0.0 {
                    continue;
                }
                overlap
            }
        };
        let share = days / YEAR_DAYS;
        for &(a, f) in cuts {
            if f < 1.0 {
                ws.outage_days[a] += days;
            }
        }
        let moves = respond
            && route_moves(
                model,
                &ws.response,
                &ws.capacity,
                cuts,
                &ws.year_lost,
                &mut ws.route_move,
            );
        if shortcut && unchanged_by(cuts, &ws.capacity, &ws.cf_flow) {
            add_scaled(&mut ws.lane_volume, &ws.cf_lane_volume, share);
            add_scaled(&mut ws.stranded, &ws.cf_stranded, share);
            if moves {
                for (l, (e, r)) in ws
                    .price_effect
                    .iter_mut()
                    .zip(&ws.cf_lane_volume)
                    .enumerate()
                {
                    *e += share * r * ws.route_move[model.lane_route[l] as usize];
                }
            }
            if model.make_up && ws.make_up.pending() {
                make_up(model, ws, k, share, None);
            }
            continue;
        }
        // An earlier segment in the same capacity state was allocated (it was not unchanged
        // either, since that depends on the state alone): reuse its shipments.
        let i = match ws.segments.earlier_same(k, &ws.allocated) {
            Some(i) => i,
            None => allocate_segment(model, ws, k),
        };
        ws.shipments[i].add_to(share, &mut ws.lane_volume, &mut ws.stranded);
        if moves {
            ws.shipments[i].add_effect(
                share,
                &ws.route_move,
                &model.lane_route,
                &mut ws.price_effect,
            );
        }
        if model.make_up {
            make_up(model, ws, k, share, Some(i));
        }
    }
}

/// Segment `k`'s make-up pass (§5c), after its regular allocation: the twin's (`slot` `None`)
/// or `ws.shipments[i]` for `slot` `Some(i)`, which also holds what that allocation left.
fn make_up(model: &Model, ws: &mut Workspace, k: usize, share: f64, slot: Option<usize>) {
    // A segment before any backlog (a third of the calls in the baseline) only holds back,
    // which needs no spare capacity.
    if !ws.make_up.pending() {
        if let Some(i) = slot {
            ws.make_up.hold(&ws.shipments[i], share, &ws.cf_stranded);
        }
        return;
    }
    let segment = Segment {
        share,
        cuts: ws.segments.get(k).1,
        capacity: &ws.capacity,
        contract_max: &ws.contract_max,
        regular: slot.map_or(Regular::Twin, |i| Regular::Allocated(&ws.shipments[i])),
    };
    let twin = Twin {
        lane: &ws.cf_lane_volume,
        stranded: &ws.cf_stranded,
        flow: &ws.cf_flow,
    };
    ws.make_up.segment(model, &ws.plan, &segment, &twin);
}

/// A year some supply plan touches (docs/model.md §3a): each period of constant planned rates is
/// allocated as the unplanned year is, its twin and its share of the outage segments, at the
/// period's rates and weighted by its share of the year. The random numbers are drawn as in an
/// unplanned year, so a plan changes no draw.
fn planned_year(model: &Model, t: usize, regime: usize, plan: &YearPlan, ws: &mut Workspace) {
    let (np, nl) = (model.producers.len(), model.lane_route.len());
    outages(model, t, regime, ws);
    ws.annual_supply.clone_from(&ws.supply);
    reset(&mut ws.year_cf_lane_volume, nl);
    reset(&mut ws.year_cf_stranded, np);
    reset(&mut ws.lane_volume, nl);
    reset(&mut ws.stranded, np);
    let cut = ws.segments.any_cut();
    for k in 0..plan.periods() {
        let (lo, hi) = (plan.bounds[k], plan.bounds[k + 1]);
        let share = (hi - lo) / YEAR_DAYS;
        plan.rates_in(k, &ws.annual_supply, &mut ws.supply);
        twin(model, ws);
        add_scaled(&mut ws.year_cf_lane_volume, &ws.cf_lane_volume, share);
        add_scaled(&mut ws.year_cf_stranded, &ws.cf_stranded, share);
        if cut {
            disrupted_year(model, ws, Some((lo, hi)));
        } else {
            add_scaled(&mut ws.lane_volume, &ws.cf_lane_volume, share);
            add_scaled(&mut ws.stranded, &ws.cf_stranded, share);
        }
    }
    std::mem::swap(&mut ws.cf_lane_volume, &mut ws.year_cf_lane_volume);
    std::mem::swap(&mut ws.cf_stranded, &mut ws.year_cf_stranded);
    ws.supply.clone_from(&ws.annual_supply);
    plan.year_total(&mut ws.supply);
}

/// Capacity lost on each year-averaged response's assets, averaged over the year (Mt/yr).
fn lost_over_year(model: &Model, ws: &mut Workspace) {
    reset(&mut ws.year_lost, model.responses.len());
    for (i, r) in model.responses.iter().enumerate() {
        if !r.over_year {
            continue;
        }
        for k in 0..ws.segments.count() {
            let (days, cuts) = ws.segments.get(k);
            ws.year_lost[i] += days / YEAR_DAYS * lost(&r.assets, &ws.capacity, cuts);
        }
    }
}

/// Mt/yr of capacity `cuts` take off `assets`.
fn lost(assets: &[usize], capacity: &[f64], cuts: &[(usize, f64)]) -> f64 {
    cuts.iter()
        .filter(|(a, _)| assets.contains(a))
        .map(|&(a, f)| capacity[a] * (1.0 - f))
        .sum()
}

/// Each route's price move in a segment with reduced assets `cuts` (USD/bbl, within
/// ±`MAX_DIFFERENTIAL`); whether any route moves.
fn route_moves(
    model: &Model,
    per_mt_lost: &[f64],
    capacity: &[f64],
    cuts: &[(usize, f64)],
    year_lost: &[f64],
    out: &mut Vec<f64>,
) -> bool {
    reset(out, model.routes.len());
    let mut any = false;
    for (i, r) in model.responses.iter().enumerate() {
        let mt = if r.over_year {
            year_lost[i]
        } else {
            lost(&r.assets, capacity, cuts)
        };
        let change = (per_mt_lost[i] * mt).clamp(-MAX_DIFFERENTIAL, MAX_DIFFERENTIAL);
        if change == 0.0 {
            continue;
        }
        any = true;
        match &r.routes {
            None => out.iter_mut().for_each(|m| *m += change),
            Some(routes) => routes.iter().for_each(|&x| out[x] += change),
        }
    }
    for m in out.iter_mut() {
        *m = m.clamp(-MAX_DIFFERENTIAL, MAX_DIFFERENTIAL);
    }
    any
}

/// Allocates segment `k`'s capacities into the next free `ws.shipments` slot, and returns it.
/// In a scenario whose cuts are shared pro rata, its routes' maxima are their shares (§5b,
/// written into `ws.period_max`) where the cuts call for them.
fn allocate_segment(model: &Model, ws: &mut Workspace, k: usize) -> usize {
    let cuts = ws.segments.get(k).1;
    let shared = model.pro_rata
        && sharing::caps(
            model,
            cuts,
            &ws.capacity,
            &ws.cf_flow,
            &ws.cf_lane_volume,
            &ws.contract_max,
            &mut ws.period_max,
        );
    // `period_capacity` is the year's capacities (`disrupted_year`) except while a segment's
    // cuts are in it: set here, and restored below.
    for &(a, f) in cuts {
        ws.period_capacity[a] = ws.capacity[a] * f;
    }
    let period = Period {
        supply: &ws.supply,
        capacity: &ws.period_capacity,
        contract_min: &ws.contract_min,
        contract_max: if shared {
            &ws.period_max
        } else {
            &ws.contract_max
        },
        reserved: &ws.reserved,
    };
    let i = ws.allocated.len();
    if ws.shipments.len() == i {
        ws.shipments.push(Shipments::default());
    }
    // From the twin's state after its minimums pass where that pass is the segment's too (pro-
    // rata shares lower only the maxima of routes through a cut asset), else afresh.
    allocate_cut(
        model,
        &ws.plan,
        &period,
        cuts,
        &ws.cf_shipments,
        &mut ws.scratch,
        &mut ws.shipments[i],
    );
    for &(a, _) in cuts {
        ws.period_capacity[a] = ws.capacity[a];
    }
    ws.allocated.push(k);
    i
}

/// Flow through each asset from lane volumes (a reservation's crude takes its route's chain).
fn flows(model: &Model, lane_volume: &[f64], flow: &mut Vec<f64>) {
    model
        .route_chains
        .flows(lane_volume, model.assets.len(), flow);
}

fn add_scaled(out: &mut [f64], rates: &[f64], share: f64) {
    for (o, r) in out.iter_mut().zip(rates) {
        *o += share * r;
    }
}

/// Writes the year's metrics into `ws.out` in layout order, a block of like metrics at a time
/// (`Layout::block`) rather than a slot looked up per value. Every slot is written every year
/// (a reused workspace gives what a fresh one does: tests/properties.rs), so only the blocks
/// that are added up are zeroed first.
fn record(model: &Model, t: usize, ws: &mut Workspace) {
    let layout = &model.layout;
    ws.out.resize(layout.len(), 0.0);
    for kind in [Kind::RouteVolume, Kind::TransitFees, Kind::ReservationCost] {
        ws.out[layout.block(kind)].fill(0.0);
    }
    // Each producer's metrics (indexed `kind as usize`, in `Kind::PRODUCER` order), added up
    // lane by lane in lane order as they always were, then stored a kind at a time.
    let sums = &mut ws.producer_sums;
    sums.clear();
    sums.resize(model.producers.len(), [0.0; 9]);
    let routes = &mut ws.out[layout.block(Kind::RouteVolume)];
    let volumes = ws.lane_volume.iter().zip(&ws.cf_lane_volume);
    // `displaced_volume` is the shortfall at the time: from the volumes before make-up.
    let regular = ws.make_up.regular(&ws.lane_volume);
    let lanes = model
        .lanes
        .iter()
        .zip(volumes)
        .zip(&ws.netback)
        .zip(regular);
    for (((lane, (&vol, &cf)), &netback), &reg) in lanes {
        let sum = &mut sums[lane.producer];
        sum[Kind::ExportVolume as usize] += vol;
        sum[Kind::LostVolume as usize] += cf - vol;
        sum[Kind::Revenue as usize] += vol * netback;
        sum[Kind::RevenueUndisrupted as usize] += cf * netback;
        sum[Kind::LostRevenue as usize] += (cf - vol) * netback;
        sum[Kind::TariffsPaid as usize] += vol * ws.route_tariff[lane.route];
        sum[Kind::DisplacedVolume as usize] += (cf - reg).max(0.0);
        routes[lane.route] += vol;
    }
    if model.make_up {
        ws.make_up.record(layout, &mut ws.out);
    }
    if !model.reservations.is_empty() {
        record_reservations(model, ws);
    }
    if !model.responses.is_empty() {
        record_price_effect(model, ws);
    }
    for ((sum, &supply), &stranded) in ws
        .producer_sums
        .iter_mut()
        .zip(&ws.supply)
        .zip(&ws.stranded)
    {
        // Paired differences within a billionth of what they are differences of are rounding
        // (a twin's volume split over segments whose shares sum to 1 only up to rounding).
        let undisrupted = sum[Kind::RevenueUndisrupted as usize];
        snap(&mut sum[Kind::LostRevenue as usize], undisrupted);
        snap(&mut sum[Kind::LostVolume as usize], supply);
        snap(&mut sum[Kind::DisplacedVolume as usize], supply);
        sum[Kind::ExportSupply as usize] = supply;
        sum[Kind::StrandedVolume as usize] = stranded;
    }
    let out = &mut ws.out;
    for kind in Kind::PRODUCER {
        let block = &mut out[layout.block(kind)];
        for (o, sum) in block.iter_mut().zip(&ws.producer_sums) {
            *o = sum[kind as usize];
        }
    }
    let over = &mut out[layout.block(Kind::StrandedOver)];
    let np = model.producers.len();
    for (i, &x) in layout.stranded_thresholds().iter().enumerate() {
        for (o, &s) in over[i * np..(i + 1) * np].iter_mut().zip(&ws.stranded) {
            *o = if s > x { 1.0 } else { 0.0 };
        }
    }
    let owners = &mut out[layout.block(Kind::TransitFees)];
    for ((asset, &flow), &tariff) in model.assets.iter().zip(&ws.flow).zip(&ws.asset_tariff) {
        if let Some(o) = asset.owner {
            owners[o] += flow * tariff;
        }
    }
    let assets = [Kind::AssetVolume, Kind::Utilisation, Kind::OutageDays];
    let [volume, utilisation, days] = assets.map(|k| layout.block(k));
    out[volume]
        .iter_mut()
        .zip(&ws.flow)
        .for_each(|(o, &f)| *o = f);
    let rates = ws.flow.iter().zip(&ws.capacity);
    for (o, (&flow, &cap)) in out[utilisation].iter_mut().zip(rates) {
        // Not clamped: a value above 1 would expose an allocation bug (property-tested).
        *o = if cap > 0.0 { flow / cap } else { 0.0 };
    }
    out[days]
        .iter_mut()
        .zip(&ws.outage_days)
        .for_each(|(o, &d)| *o = d);
    out[layout.price()] = ws.price[t];
    #[cfg(feature = "trace")]
    traced_year(model, t, ws);
}

/// `record`'s inputs and outputs for `super::trace` (the `trace` feature only).
#[cfg(feature = "trace")]
fn traced_year(model: &Model, t: usize, ws: &Workspace) {
    if !super::trace::on() {
        return;
    }
    let np = model.producers.len();
    let made_up = (0..np).map(|p| {
        let at = model.layout.made_up(p);
        if model.make_up { ws.out[at] } else { 0.0 }
    });
    super::trace::push_year(super::trace::Year {
        lane_volume: ws.lane_volume.clone(),
        cf_lane_volume: ws.cf_lane_volume.clone(),
        regular: ws.make_up.regular(&ws.lane_volume).to_vec(),
        netback: ws.netback.clone(),
        route_tariff: ws.route_tariff.clone(),
        supply: ws.supply.clone(),
        stranded: ws.stranded.clone(),
        made_up: made_up.collect(),
        make_up_share: ws.make_up.shares().to_vec(),
        contract_min: ws.contract_min.clone(),
        contract_max: ws.contract_max.clone(),
        capacity: ws.capacity.clone(),
        asset_tariff: ws.asset_tariff.clone(),
        outage_days: ws.outage_days.clone(),
        price: ws.price[t],
        out: ws.out.clone(),
    });
}

/// A reservation lane's volumes, as its route's (netback: the lane's own, prepaid tariff
/// included), its fee on the whole reserved volume and what stayed unused. The producer's
/// metrics go into its lane sums (`record` stores them).
fn record_reservations(model: &Model, ws: &mut Workspace) {
    let layout = &model.layout;
    let out = &mut ws.out;
    let real = model.lanes.len();
    for (k, r) in model.reservations.iter().enumerate() {
        let (p, l) = (r.producer, real + k);
        let (vol, cf, n) = (ws.lane_volume[l], ws.cf_lane_volume[l], ws.netback[l]);
        let fees = ws.fee[k] * ws.reserved[k];
        let sum = &mut ws.producer_sums[p];
        sum[Kind::ExportVolume as usize] += vol;
        sum[Kind::LostVolume as usize] += cf - vol;
        sum[Kind::DisplacedVolume as usize] += (cf - vol).max(0.0);
        sum[Kind::Revenue as usize] += vol * n - fees;
        sum[Kind::RevenueUndisrupted as usize] += cf * n - fees;
        sum[Kind::LostRevenue as usize] += (cf - vol) * n;
        sum[Kind::TariffsPaid as usize] += vol * ws.route_tariff[r.route];
        out[layout.route(r.route)] += vol;
        out[layout.reservation_cost(r.holder)] += fees - ws.credit[k] * vol;
        out[layout.unused_reservation(k)] = (ws.reserved[k] - vol).max(0.0);
    }
}

/// The market responses' effect on the revenue of what flowed (the twin has none), into the
/// producers' lane sums.
fn record_price_effect(model: &Model, ws: &mut Workspace) {
    let real = model.lanes.len();
    for (l, &e) in ws.price_effect.iter().enumerate() {
        if e == 0.0 {
            continue;
        }
        let p = match l.checked_sub(real) {
            None => model.lanes[l].producer,
            Some(k) => model.reservations[k].producer,
        };
        let usd = ws.values.get(model.producers[p].barrels_per_tonne) * e;
        ws.producer_sums[p][Kind::Revenue as usize] += usd;
        ws.producer_sums[p][Kind::LostRevenue as usize] -= usd;
    }
}

/// Sets `x` to 0 when it is within 1e-9 of `scale`.
fn snap(x: &mut f64, scale: f64) {
    if x.abs() <= 1e-9 * scale.abs() {
        *x = 0.0;
    }
}

fn reset(v: &mut Vec<f64>, n: usize) {
    v.clear();
    v.resize(n, 0.0);
}
