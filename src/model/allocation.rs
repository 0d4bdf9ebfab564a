//! Who ships what through which route in one period of constant capacity.
//!
//! Producers are served in priority order (shared assets such as BTC carry several producers'
//! crude), but firm commitments come before anyone's discretionary volumes:
//!
//! 0. **Holds.** Each reservation (capacity a route holds for its producer, for a fee) takes its
//!    volume off every asset of the route's chain, holders by priority. The held capacity becomes
//!    a virtual asset that only the holder's reservation lane can use.
//! 1. **Minimums.** Contract minimums (quotas, take-or-pay) of every producer, in priority order.
//! 2. **Netback.** Each producer fills its lanes from the highest netback down; a reservation lane
//!    ranks by its own netback (a ship-or-pay tonne's prepaid tariff is sunk), so the holder uses
//!    its reservation only when it is the best remaining use of its crude.
//! 3. **Release.** What the holders left of their holds returns to the assets, and the netback
//!    pass runs again, so that capacity nobody uses under a reservation still serves others.
//!
//! A route takes at most the smallest spare capacity along its chain and whatever its contract
//! maximum leaves. Supply no route can take is stranded. Everything is in rates (Mt/yr) for the
//! period; exported + stranded equals supply exactly, up to floating-point rounding.
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
    /// The reservations held this year (those whose lane has a positive netback), in the order
    /// they are held.
    holds: Vec<u32>,
}

impl Plan {
    /// Builds the order from the year's netbacks (USD/t per lane, the reservations' lanes after
    /// the real ones) and contract minimums. Lanes without a positive netback are left out:
    /// shipping them would lose money.
    pub fn build(
        &mut self,
        model: &Model,
        netback: &[f64],
        contract_min: &[f64],
        scratch: &mut Vec<usize>,
    ) {
        self.steps.clear();
        self.minimum_steps.clear();
        self.holds.clear();
        let real = model.lanes.len();
        for &k in &model.reservation_order {
            if netback[real + k] > 0.0 {
                self.holds.push(k as u32);
            }
        }
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
                let (route, chain) = match l.checked_sub(real) {
                    None => {
                        let route = model.lanes[l].route;
                        (route, model.chain_range[route])
                    }
                    Some(k) => {
                        let r = &model.reservations[k];
                        (r.route, r.chain)
                    }
                };
                let step = Step {
                    lane: l as u32,
                    producer: p as u32,
                    route: route as u32,
                    chain,
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
    /// Reserved volume of each reservation (empty without reservations).
    pub reserved: &'a [f64],
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
    /// Adds `share × rate × move` to each lane's `effect`, where `move` is its route's price
    /// move in the period (USD/bbl; `lane_route` maps lanes to routes).
    pub fn add_effect(&self, share: f64, moves: &[f64], lane_route: &[u32], effect: &mut [f64]) {
        for &(l, amount) in &self.lanes {
            effect[l as usize] += share * amount * moves[lane_route[l as usize] as usize];
        }
    }

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
    if !model.reservations.is_empty() {
        hold(model, plan, period.reserved, s);
    }
    if !plan.minimum_steps.is_empty() {
        s.minimum.clear();
        s.minimum.extend_from_slice(period.contract_min);
        fill::<true>(&model.chain, &plan.minimum_steps, s, &mut out.lanes);
    }
    fill::<false>(&model.chain, &plan.steps, s, &mut out.lanes);
    if !plan.holds.is_empty() && release(model, plan, s) {
        fill::<false>(&model.chain, &plan.steps, s, &mut out.lanes);
    }
    for (p, &left) in s.supply.iter().enumerate() {
        if left > NEGLIGIBLE {
            out.stranded.push((p as u32, left));
        }
    }
}

/// Step 0: each held reservation takes `min(reserved, contract maximum, spare capacity along
/// the chain)` off every asset of its route's chain and holds it as its virtual asset.
fn hold(model: &Model, plan: &Plan, reserved: &[f64], s: &mut Scratch) {
    let real = s.capacity.len();
    s.capacity.resize(real + model.reservations.len(), 0.0);
    for &k in &plan.holds {
        let k = k as usize;
        let r = &model.reservations[k];
        let (a, b) = model.chain_range[r.route];
        let assets = &model.chain[a as usize..b as usize];
        let mut held = lesser(reserved[k], s.maximum[r.route]);
        for &j in assets {
            held = lesser(held, s.capacity[j as usize]);
        }
        if held <= NEGLIGIBLE {
            continue;
        }
        for &j in assets {
            s.capacity[j as usize] -= held;
        }
        s.capacity[real + k] = held;
    }
}

/// Step 3: returns what the holders left of their holds to the assets; whether anything was.
fn release(model: &Model, plan: &Plan, s: &mut Scratch) -> bool {
    let real = s.capacity.len() - model.reservations.len();
    let mut any = false;
    for &k in &plan.holds {
        let k = k as usize;
        let left = std::mem::take(&mut s.capacity[real + k]);
        if left <= NEGLIGIBLE {
            continue;
        }
        let (a, b) = model.chain_range[model.reservations[k].route];
        for &j in &model.chain[a as usize..b as usize] {
            s.capacity[j as usize] += left;
        }
        any = true;
    }
    any
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
