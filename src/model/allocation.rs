//! Who ships what through which route in one period of constant capacity.
//!
//! Producers are served in priority order (shared assets such as BTC carry several producers'
//! crude). Two passes: first contract minimums (quotas, take-or-pay) in that order, then each
//! producer fills its routes from the highest netback down. A route takes at most the smallest
//! spare capacity along its chain of assets and whatever its contract maximum leaves. Supply no
//! route can take is stranded. Everything is in rates (Mt/yr) for the period; exported + stranded
//! equals supply exactly, up to floating-point rounding.
//!
//! The order of lanes depends only on the year (netbacks, contracts), so it is built once a year
//! as a flat `Plan` and replayed for every period of that year.

use super::compile::Model;

/// Volumes at or below this rate (Mt/yr, one kilogram a year) are rounding residue, not crude:
/// a lane is not filled with less, and a producer's leftover supply below it is not stranded.
/// Without the cut, the residue of subtracting 90 Mt/yr lane by lane (~1e-14) showed up as
/// "stranded" or "shipped" volumes of 1e-14 Mt, which spread the statistics' histograms over
/// forty powers of two and printed as noise in minimums and low percentiles.
pub const NEGLIGIBLE: f64 = 1e-9;

/// One lane to fill: a producer's use of a route, with the route's chain of assets as a range
/// into `Model::chain`.
#[derive(Debug, Clone, Copy)]
struct Step {
    lane: u32,
    producer: u32,
    route: u32,
    chain: (u32, u32),
}

/// The year's filling order: producers by priority, each one's lanes by descending netback.
#[derive(Debug, Default, Clone)]
pub struct Plan {
    steps: Vec<Step>,
    /// The steps whose route has a contract minimum in force, in the same order.
    minimum_steps: Vec<Step>,
}

impl Plan {
    /// Builds the order from the year's netbacks (USD/t per lane) and contract minimums.
    /// Lanes without a positive netback are left out: shipping them would lose money.
    pub fn build(
        &mut self,
        model: &Model,
        netback: &[f64],
        contract_min: &[f64],
        scratch: &mut Vec<usize>,
    ) {
        self.steps.clear();
        self.minimum_steps.clear();
        for &p in &model.priority {
            scratch.clear();
            scratch.extend(
                model.producers[p]
                    .lanes
                    .iter()
                    .copied()
                    .filter(|&l| netback[l] > 0.0),
            );
            // Stable: equal netbacks keep file order.
            scratch.sort_by(|&a, &b| netback[b].total_cmp(&netback[a]));
            for &l in scratch.iter() {
                let route = model.lanes[l].route;
                let step = Step {
                    lane: l as u32,
                    producer: p as u32,
                    route: route as u32,
                    chain: model.chain_range[route],
                };
                self.steps.push(step);
                if contract_min[route] > 0.0 {
                    self.minimum_steps.push(step);
                }
            }
        }
    }
}

/// Rates for one period, all in Mt/yr.
pub struct Period<'a> {
    /// Export supply of each producer.
    pub supply: &'a [f64],
    /// Capacity of each asset in this period (after outages).
    pub capacity: &'a [f64],
    /// Contract minimum and maximum of each route (0 and +∞ where none).
    pub contract_min: &'a [f64],
    pub contract_max: &'a [f64],
}

/// Reusable buffers so that allocation does not allocate.
#[derive(Debug, Default, Clone)]
pub struct Scratch {
    supply: Vec<f64>,
    capacity: Vec<f64>,
    minimum: Vec<f64>,
    maximum: Vec<f64>,
}

/// What one period ships, in rates (Mt/yr): each step's lane amount in the order the steps set
/// them, and each producer's stranded rate. Kept as a list rather than summed so that adding a
/// period's share of it is the same arithmetic, bit for bit, whether it was just computed or is
/// reused for another segment of the year with the same capacities.
#[derive(Debug, Default, Clone)]
pub struct Shipments {
    lanes: Vec<(u32, f64)>,
    stranded: Vec<(u32, f64)>,
}

impl Shipments {
    /// Adds `share ×` each rate to `lane_volume` and `stranded` (share = the period's share of
    /// the year gives volumes in Mt).
    pub fn add_to(&self, share: f64, lane_volume: &mut [f64], stranded: &mut [f64]) {
        for &(l, amount) in &self.lanes {
            lane_volume[l as usize] += share * amount;
        }
        for &(p, left) in &self.stranded {
            stranded[p as usize] += share * left;
        }
    }
}

/// Allocates one period into `out`.
pub fn allocate(
    model: &Model,
    plan: &Plan,
    period: &Period,
    scratch: &mut Scratch,
    out: &mut Shipments,
) {
    let s = scratch;
    s.supply.clear();
    s.supply.extend_from_slice(period.supply);
    s.capacity.clear();
    s.capacity.extend_from_slice(period.capacity);
    s.maximum.clear();
    s.maximum.extend_from_slice(period.contract_max);
    out.lanes.clear();
    out.stranded.clear();
    if !plan.minimum_steps.is_empty() {
        s.minimum.clear();
        s.minimum.extend_from_slice(period.contract_min);
        fill::<true>(&model.chain, &plan.minimum_steps, s, &mut out.lanes);
    }
    fill::<false>(&model.chain, &plan.steps, s, &mut out.lanes);
    for (p, &left) in s.supply.iter().enumerate() {
        if left > NEGLIGIBLE {
            out.stranded.push((p as u32, left));
        }
    }
}

/// One pass over the steps; `MINIMUMS` limits each step to its route's unmet minimum.
fn fill<const MINIMUMS: bool>(
    chain: &[u32],
    steps: &[Step],
    s: &mut Scratch,
    shipped: &mut Vec<(u32, f64)>,
) {
    for step in steps {
        let (p, r) = (step.producer as usize, step.route as usize);
        let assets = &chain[step.chain.0 as usize..step.chain.1 as usize];
        let mut amount = lesser(s.supply[p], s.maximum[r]);
        if MINIMUMS {
            amount = lesser(amount, s.minimum[r]);
        }
        for &a in assets {
            amount = lesser(amount, s.capacity[a as usize]);
        }
        if amount <= NEGLIGIBLE {
            continue;
        }
        s.supply[p] -= amount;
        s.maximum[r] -= amount;
        if MINIMUMS {
            s.minimum[r] -= amount;
        }
        for &a in assets {
            s.capacity[a as usize] -= amount;
        }
        shipped.push((step.lane, amount));
    }
}

/// The smaller of two rates. Rates are never NaN, so this is `f64::min` without its NaN
/// handling: one `minsd` on the chain's critical path instead of four instructions.
#[inline(always)]
fn lesser(a: f64, b: f64) -> f64 {
    if b < a { b } else { a }
}

/// Whether the undisrupted allocation is still the greedy result when each asset in `cuts`
/// keeps only its fraction of capacity.
///
/// If each reduced asset keeps at least the undisrupted flow through it (plus a margin against
/// rounding), replaying the greedy steps gives bit-identical amounts: on a reduced asset the spare
/// capacity at each step stays above what the undisrupted step took, so it never sets the
/// minimum; every other term of the minimum is computed exactly as before. Near-equal cases fail
/// the margin and fall back to a full allocation.
pub fn unchanged_by(
    cuts: &[(usize, f64)],
    full_capacity: &[f64],
    undisrupted_flow: &[f64],
) -> bool {
    cuts.iter().all(|&(a, f)| {
        f >= 1.0 || full_capacity[a] * f >= undisrupted_flow[a] * (1.0 + 1e-9) + 1e-12
    })
}
