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

/// Slots of the allocation's fixed-size arrays. Producers and routes are at most
/// `limits.max_entities` (256) each, so their indices fit a `u8`-masked array of 256; the capacity
/// array holds the assets, then one virtual asset per reservation (at most 512 in all), and its
/// upper half, from `UNLIMITED`, capacities of +∞ that pad every chain to one length. A masked
/// index into an array of known length needs no bounds check, and a chain of fixed length is
/// straight-line code: the filling loop runs without a branch it does not need. The padding
/// slots take turns, so that consecutive steps do not write and read one slot (which would
/// chain each step to the previous one's store on the CPU).
const ENTITY_SLOTS: usize = 256;
pub(super) const CAPACITY_SLOTS: usize = 1024;
pub(super) const UNLIMITED: u16 = (CAPACITY_SLOTS / 2) as u16;

/// Every lane's chain of assets (the reservations' lanes after the real ones), each padded with
/// slots of +∞ (from `UNLIMITED` on, in turn) to one width: the longest chain, rounded up to 1, 2, 4 or 8 when it is at most 8.
/// Built once with the model.
#[derive(Debug, Default, Clone)]
pub struct LaneChains {
    width: usize,
    assets: Vec<u16>,
}

impl LaneChains {
    /// `ranges`: each lane's chain as a range into `chain`.
    pub fn new(chain: &[u32], ranges: impl Iterator<Item = (u32, u32)> + Clone) -> LaneChains {
        let longest = ranges.clone().map(|(a, b)| (b - a) as usize).max();
        let longest = longest.unwrap_or(0).max(1);
        let width = if longest <= 8 {
            longest.next_power_of_two()
        } else {
            longest
        };
        let mut assets = Vec::new();
        let mut pads = (0..CAPACITY_SLOTS as u16 - UNLIMITED)
            .cycle()
            .map(|i| UNLIMITED + i);
        for (a, b) in ranges {
            let own = &chain[a as usize..b as usize];
            assets.extend(own.iter().map(|&x| x as u16));
            assets.extend(pads.by_ref().take(width - own.len()));
        }
        LaneChains { width, assets }
    }

    /// Lane `l`'s padded chain.
    fn of(&self, l: usize) -> &[u16] {
        &self.assets[l * self.width..(l + 1) * self.width]
    }

    /// The width every chain is padded to, and the lanes' chains (`width` slots each, in lane
    /// order), for passes that walk the chains as `fill` does (`make_up`'s).
    pub(super) fn padded(&self) -> (usize, &[u16]) {
        (self.width, &self.assets)
    }

    /// Sets `flow[..assets]` to each asset's flow: the sum of the volumes (`volume`, per lane)
    /// of the lanes whose chain passes through it, added in lane order. `flow` is kept
    /// `CAPACITY_SLOTS` long, so that its slots are indexed without a bounds check; the padding
    /// slots take the padding's additions and mean nothing.
    pub fn flows(&self, volume: &[f64], assets: usize, flow: &mut Vec<f64>) {
        flow.resize(CAPACITY_SLOTS, 0.0);
        flow[..assets].fill(0.0);
        let flow: &mut [f64; CAPACITY_SLOTS] = (&mut flow[..CAPACITY_SLOTS]).try_into().unwrap();
        match self.width {
            1 => add_flows(1, &self.assets, volume, flow),
            2 => add_flows(2, &self.assets, volume, flow),
            4 => add_flows(4, &self.assets, volume, flow),
            8 => add_flows(8, &self.assets, volume, flow),
            w => add_flows(w, &self.assets, volume, flow),
        }
    }
}

/// `v` as the per-asset array that padded chains index (`LaneChains::padded`, masked with
/// `SLOT_MASK`): `CAPACITY_SLOTS` long, its padding slots +∞, so a chain's minimum over them
/// is the minimum over its own assets. Its first slots are the caller's to set.
pub(super) fn padded_slots(v: &mut Vec<f64>) -> &mut [f64; CAPACITY_SLOTS] {
    if v.len() != CAPACITY_SLOTS {
        v.clear();
        v.resize(CAPACITY_SLOTS, 0.0);
        v[UNLIMITED as usize..].fill(f64::INFINITY);
    }
    (&mut v[..]).try_into().unwrap()
}

/// Masks a padded chain's slot into `CAPACITY_SLOTS` (no bounds check).
pub(super) const SLOT_MASK: usize = CAPACITY_SLOTS - 1;

#[inline(always)]
fn add_flows(width: usize, chains: &[u16], volume: &[f64], flow: &mut [f64; CAPACITY_SLOTS]) {
    for (chain, &v) in chains.chunks_exact(width).zip(volume) {
        for &a in chain {
            flow[a as usize & (CAPACITY_SLOTS - 1)] += v;
        }
    }
}

/// One lane to fill: a producer's use of a route (its chain is the lane's in `LaneChains`).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Step {
    lane: u32,
    producer: u32,
    route: u32,
}

/// The year's filling order: producers by priority, each one's lanes by descending netback.
#[derive(Debug, Default, Clone)]
pub struct Plan {
    steps: Vec<Step>,
    /// The steps whose route has a contract minimum in force, in the same order.
    minimum_steps: Vec<Step>,
    /// Per asset, whether a step of `minimum_steps` passes through it.
    minimum_assets: Vec<bool>,
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
        // `validate` bounds the entities (`limits.max_entities`); a model past the arrays would
        // alias their slots, so refuse it outright (a few instructions a year).
        assert!(
            model.producers.len() <= ENTITY_SLOTS
                && model.routes.len() <= ENTITY_SLOTS
                && model.assets.len() + model.reservations.len() <= UNLIMITED as usize,
            "more producers, routes or assets than the allocation's arrays hold"
        );
        self.steps.clear();
        self.minimum_steps.clear();
        self.minimum_assets.clear();
        self.minimum_assets.resize(model.assets.len(), false);
        self.holds.clear();
        let real = model.lanes.len();
        for &k in &model.reservation_order {
            if netback[real + k] > 0.0 {
                self.holds.push(k as u32);
            }
        }
        for &p in &model.priority {
            // Insertion sort by descending netback; stable: equal netbacks keep file order.
            scratch.clear();
            for &l in &model.producers[p].lanes {
                let n = netback[l];
                if n > 0.0 {
                    scratch.push(l);
                    let mut i = scratch.len() - 1;
                    while i > 0 && netback[scratch[i - 1]] < n {
                        scratch.swap(i - 1, i);
                        i -= 1;
                    }
                }
            }
            for &l in scratch.iter() {
                let route = model.lane_route[l];
                let step = Step {
                    lane: l as u32,
                    producer: p as u32,
                    route,
                };
                self.steps.push(step);
                if contract_min[route as usize] > 0.0 {
                    self.minimum_steps.push(step);
                    for &a in model.lane_chains.of(l) {
                        if let Some(m) = self.minimum_assets.get_mut(a as usize) {
                            *m = true;
                        }
                    }
                }
            }
        }
        #[cfg(feature = "trace")]
        traced::order(self, netback, contract_min);
    }
}

impl Plan {
    /// The netback pass's steps in order, as `(lane, producer, route)`: producers by
    /// priority, each one's lanes of positive netback by descending netback (make-up, §5c,
    /// fills in this order).
    pub fn steps(&self) -> impl Iterator<Item = (usize, usize, usize)> + '_ {
        self.steps
            .iter()
            .map(|s| (s.lane as usize, s.producer as usize, s.route as usize))
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

/// Reusable buffers so that allocation does not allocate: fixed-size arrays (`ENTITY_SLOTS`,
/// `CAPACITY_SLOTS`), of which the model's producers, routes and assets use a prefix.
#[derive(Debug, Clone)]
pub struct Scratch {
    supply: Box<[f64; ENTITY_SLOTS]>,
    capacity: Box<[f64; CAPACITY_SLOTS]>,
    minimum: Box<[f64; ENTITY_SLOTS]>,
    maximum: Box<[f64; ENTITY_SLOTS]>,
    /// The twin's state after its minimums pass (`allocate_twin`), and how many of its
    /// shipments that pass made.
    twin: Option<Box<AfterMinimums>>,
}

/// Supply, contract maxima and capacities left after a minimums pass, and the contract maxima
/// it started from.
#[derive(Debug, Clone)]
struct AfterMinimums {
    supply: [f64; ENTITY_SLOTS],
    maximum: [f64; ENTITY_SLOTS],
    contract_max: [f64; ENTITY_SLOTS],
    capacity: [f64; CAPACITY_SLOTS],
    shipped: usize,
}

impl Default for Scratch {
    fn default() -> Self {
        Scratch {
            supply: Box::new([0.0; ENTITY_SLOTS]),
            capacity: capacity_slots(),
            minimum: Box::new([0.0; ENTITY_SLOTS]),
            maximum: Box::new([0.0; ENTITY_SLOTS]),
            twin: None,
        }
    }
}

/// Capacity slots as the allocation starts from them: the assets' (real and virtual) at 0,
/// the padding's (`UNLIMITED` on) at +∞, which a step's shipment leaves at +∞.
fn capacity_slots() -> Box<[f64; CAPACITY_SLOTS]> {
    let mut capacity = Box::new([0.0; CAPACITY_SLOTS]);
    capacity[UNLIMITED as usize..].fill(f64::INFINITY);
    capacity
}

/// What one period ships, in rates (Mt/yr): each step's lane amount in the order the steps set
/// them, and each producer's stranded rate. Kept as a list rather than summed so that adding a
/// period's share of it is the same arithmetic, bit for bit, whether it was just computed or is
/// reused for another segment of the year with the same capacities.
#[derive(Debug, Default, Clone)]
pub struct Shipments {
    lanes: Vec<(u32, f64)>,
    stranded: Vec<(u32, f64)>,
    /// What a segment's allocation leaves, where the model has make-up (§5c), whose pass ships
    /// with it (`None` otherwise).
    left: Option<Left>,
}

/// The capacity left on each asset and under each route's maximum: the scratch's own arrays,
/// which `allocate_cut` swaps for these as it ends instead of copying them (the next
/// allocation sets the scratch's entries before it reads them, whatever array it holds).
#[derive(Debug, Clone)]
struct Left {
    capacity: Box<[f64; CAPACITY_SLOTS]>,
    maximum: Box<[f64; ENTITY_SLOTS]>,
}

impl Shipments {
    /// Each step's `(lane, rate)`, in the order the steps set them (a lane may appear more
    /// than once: its minimum, then its netback pass).
    pub fn lanes(&self) -> &[(u32, f64)] {
        &self.lanes
    }

    /// `(producer, rate)` of each producer with supply left (none below `NEGLIGIBLE`).
    pub fn stranded(&self) -> &[(u32, f64)] {
        &self.stranded
    }

    /// The capacity the allocation left on the first `assets` assets and under the first
    /// `routes` routes' maxima (`allocate_cut` with make-up only; empty slices otherwise). The
    /// steps took each shipment off both as they went, so these are `capacity − flow` and
    /// `maximum − rate` up to rounding, without a pass over the lanes to sum flows.
    pub fn left(&self, assets: usize, routes: usize) -> (&[f64], &[f64]) {
        match &self.left {
            Some(left) => (&left.capacity[..assets], &left.maximum[..routes]),
            None => (&[], &[]),
        }
    }

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
    allocate_keeping(model, plan, period, scratch, out, false);
}

/// Allocates the year's undisrupted twin, as `allocate`, and keeps its state after the minimums
/// pass for `allocate_cut`.
pub fn allocate_twin(
    model: &Model,
    plan: &Plan,
    period: &Period,
    scratch: &mut Scratch,
    out: &mut Shipments,
) {
    allocate_keeping(model, plan, period, scratch, out, true);
}

/// Allocates a segment of the year whose reduced assets are `cuts` (`period.capacity` has them
/// reduced), after `allocate_twin` allocated the year's twin into `twin` with the same plan and
/// supply and contract minimums; the segment's contract maxima may be lower than the twin's
/// (pro-rata shares, `sharing::caps`). When no step of the minimums pass goes through a reduced
/// asset and no route whose maximum differs from the twin's has a minimum in force (so none of
/// its lanes has a step in that pass), the pass is the twin's, step for step: every term of
/// each step's minimum is the same number, and it leaves a reduced asset's capacity and a
/// changed route's maximum untouched. So the segment starts
/// from the twin's state after that pass, its reduced assets set to their capacity and its
/// changed routes to their maximum, and the result is bit-identical to `allocate`'s. (Without
/// reservations only: a hold depends on every asset of its chain.) In a model with make-up
/// (§5c) it also keeps what the steps left, for the segment's make-up pass (`Shipments::left`).
pub fn allocate_cut(
    model: &Model,
    plan: &Plan,
    period: &Period,
    cuts: &[(usize, f64)],
    twin: &Shipments,
    scratch: &mut Scratch,
    out: &mut Shipments,
) {
    let s = scratch;
    'allocation: {
        let Some(after) = s.twin.as_deref().filter(|_| {
            model.reservations.is_empty() && cuts.iter().all(|&(a, _)| !plan.minimum_assets[a])
        }) else {
            allocate(model, plan, period, s, out);
            break 'allocation;
        };
        let (np, real) = (period.supply.len(), period.capacity.len());
        // Each route's maximum after the minimums pass: the twin's where the segment's is the
        // same number, else the segment's own, which that pass leaves alone when the route has
        // no minimum in force (so none of its lanes has a step in it).
        let mut same = true;
        let routes = period.contract_max.iter().zip(period.contract_min);
        for (r, (&max, &min)) in routes.enumerate() {
            let r = r & (ENTITY_SLOTS - 1);
            if max.to_bits() == after.contract_max[r].to_bits() {
                s.maximum[r] = after.maximum[r];
            } else {
                s.maximum[r] = max;
                same &= min <= 0.0;
            }
        }
        if !same {
            allocate(model, plan, period, s, out);
            break 'allocation;
        }
        s.supply[..np].copy_from_slice(&after.supply[..np]);
        s.capacity[..real].copy_from_slice(&after.capacity[..real]);
        for &(a, _) in cuts {
            s.capacity[a] = period.capacity[a];
        }
        out.lanes.clear();
        out.lanes.extend_from_slice(&twin.lanes[..after.shipped]);
        out.stranded.clear();
        fill::<false>(&model.lane_chains, &plan.steps, s, &mut out.lanes);
        strand(&s.supply[..np], out);
    }
    // Either way the scratch holds what the steps left: the make-up pass starts from it.
    if model.make_up {
        let left = out.left.get_or_insert_with(|| Left {
            capacity: capacity_slots(),
            maximum: Box::new([0.0; ENTITY_SLOTS]),
        });
        std::mem::swap(&mut s.capacity, &mut left.capacity);
        std::mem::swap(&mut s.maximum, &mut left.maximum);
    }
}

fn allocate_keeping(
    model: &Model,
    plan: &Plan,
    period: &Period,
    scratch: &mut Scratch,
    out: &mut Shipments,
    keep: bool,
) {
    let s = scratch;
    let (np, real, nr) = (
        period.supply.len(),
        period.capacity.len(),
        period.contract_max.len(),
    );
    s.supply[..np].copy_from_slice(period.supply);
    s.capacity[..real].copy_from_slice(period.capacity);
    s.maximum[..nr].copy_from_slice(period.contract_max);
    out.lanes.clear();
    out.stranded.clear();
    if !model.reservations.is_empty() {
        hold(model, plan, period.reserved, real, s);
    }
    if !plan.minimum_steps.is_empty() {
        s.minimum[..period.contract_min.len()].copy_from_slice(period.contract_min);
        fill::<true>(&model.lane_chains, &plan.minimum_steps, s, &mut out.lanes);
    }
    if keep {
        let after = s.twin.get_or_insert_with(|| {
            Box::new(AfterMinimums {
                supply: [0.0; ENTITY_SLOTS],
                maximum: [0.0; ENTITY_SLOTS],
                contract_max: [0.0; ENTITY_SLOTS],
                capacity: [0.0; CAPACITY_SLOTS],
                shipped: 0,
            })
        });
        after.supply[..np].copy_from_slice(&s.supply[..np]);
        after.maximum[..nr].copy_from_slice(&s.maximum[..nr]);
        after.contract_max[..nr].copy_from_slice(period.contract_max);
        after.capacity[..real].copy_from_slice(&s.capacity[..real]);
        after.shipped = out.lanes.len();
    }
    fill::<false>(&model.lane_chains, &plan.steps, s, &mut out.lanes);
    if !plan.holds.is_empty() && release(model, plan, real, s) {
        fill::<false>(&model.lane_chains, &plan.steps, s, &mut out.lanes);
    }
    strand(&s.supply[..np], out);
}

/// Each producer's supply left, where it is not rounding residue.
fn strand(left: &[f64], out: &mut Shipments) {
    for (p, &left) in left.iter().enumerate() {
        if left > NEGLIGIBLE {
            out.stranded.push((p as u32, left));
        }
    }
}

/// Step 0: each held reservation takes `min(reserved, contract maximum, spare capacity along
/// the chain)` off every asset of its route's chain and holds it as its virtual asset
/// (`real + k`, after the `real` assets).
fn hold(model: &Model, plan: &Plan, reserved: &[f64], real: usize, s: &mut Scratch) {
    s.capacity[real..real + model.reservations.len()].fill(0.0);
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
fn release(model: &Model, plan: &Plan, real: usize, s: &mut Scratch) -> bool {
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

/// One pass over the steps; `MINIMUMS` limits each step to its route's unmet minimum. The
/// common chain widths get a copy each whose chain loop the compiler unrolls. Never inlined:
/// inlined into its callers, the copy that `allocate_cut` runs came out 40% dearer per step in
/// the scaling benchmark (64 routes, 365 events a year: 4.70 M instructions per trial-year
/// against 4.00 M out of line; the baseline 27,096 against 27,175).
#[inline(never)]
fn fill<const MINIMUMS: bool>(
    chains: &LaneChains,
    steps: &[Step],
    s: &mut Scratch,
    shipped: &mut Vec<(u32, f64)>,
) {
    #[cfg(feature = "trace")]
    let traced = traced::before::<MINIMUMS>(chains, steps, s, shipped.len());
    match chains.width {
        1 => fill_width::<MINIMUMS>(1, &chains.assets, steps, s, shipped),
        2 => fill_width::<MINIMUMS>(2, &chains.assets, steps, s, shipped),
        4 => fill_width::<MINIMUMS>(4, &chains.assets, steps, s, shipped),
        8 => fill_width::<MINIMUMS>(8, &chains.assets, steps, s, shipped),
        w => fill_width::<MINIMUMS>(w, &chains.assets, steps, s, shipped),
    }
    #[cfg(feature = "trace")]
    traced::after(traced, shipped);
}

/// `fill`'s record for `super::trace` (the `trace` feature only).
#[cfg(feature = "trace")]
mod traced {
    use super::super::trace::{self, Kind, Pass};
    use super::{LaneChains, Scratch, Step};

    /// The pass's record with the state before it, and how many shipments were made before it,
    /// when this thread records.
    pub(super) fn before<const MINIMUMS: bool>(
        chains: &LaneChains,
        steps: &[Step],
        s: &Scratch,
        from: usize,
    ) -> Option<(Pass, usize)> {
        if !trace::on() {
            return None;
        }
        let kind = if MINIMUMS {
            Kind::Minimums
        } else {
            Kind::Netback
        };
        let raw = steps.iter().map(|x| [x.lane, x.producer, x.route]);
        let mut pass = Pass::new(kind, raw.collect());
        let (np, nr) = pass.extent();
        pass.supply = s.supply[..np].to_vec();
        pass.maximum = s.maximum[..nr].to_vec();
        if MINIMUMS {
            pass.minimum = s.minimum[..nr].to_vec();
        }
        let slots = steps.iter().flat_map(|x| chains.of(x.lane as usize));
        pass.capacity = s.capacity[..trace::assets_reached(slots)].to_vec();
        Some((pass, from))
    }

    /// Records the year's filling order, when this thread records.
    pub(super) fn order(plan: &super::Plan, netback: &[f64], contract_min: &[f64]) {
        if trace::on() {
            let raw = |s: &[Step]| s.iter().map(|x| [x.lane, x.producer, x.route]).collect();
            trace::push_order(trace::Order {
                netback: netback.to_vec(),
                contract_min: contract_min.to_vec(),
                steps: raw(&plan.steps),
                minimum_steps: raw(&plan.minimum_steps),
            });
        }
    }

    pub(super) fn after(traced: Option<(Pass, usize)>, shipped: &[(u32, f64)]) {
        if let Some((mut pass, from)) = traced {
            pass.shipped = shipped[from..].to_vec();
            trace::push(pass);
        }
    }
}

#[inline(always)]
fn fill_width<const MINIMUMS: bool>(
    width: usize,
    chains: &[u16],
    steps: &[Step],
    s: &mut Scratch,
    shipped: &mut Vec<(u32, f64)>,
) {
    let slot = |a: u16| a as usize & (CAPACITY_SLOTS - 1);
    for step in steps {
        let p = step.producer as usize & (ENTITY_SLOTS - 1);
        let r = step.route as usize & (ENTITY_SLOTS - 1);
        let at = step.lane as usize * width;
        let chain = &chains[at..at + width];
        let mut room = lesser(chain_room(chain, &s.capacity), s.maximum[r]);
        if MINIMUMS {
            room = lesser(room, s.minimum[r]);
        }
        let amount = lesser(room, s.supply[p]);
        if amount <= NEGLIGIBLE {
            continue;
        }
        s.supply[p] -= amount;
        s.maximum[r] -= amount;
        if MINIMUMS {
            s.minimum[r] -= amount;
        }
        for &a in chain {
            s.capacity[slot(a)] -= amount;
        }
        shipped.push((step.lane, amount));
    }
}

/// The least capacity left along a padded chain, as a tree of pairs rather than one value
/// after another: the minimum is the same number in any order (rates are never NaN, and a
/// tie between 0 and −0 leaves nothing to ship either way), but each step of `fill` waits on
/// the capacities and supply the steps before it left, so the depth of its chain of minimums
/// is the step's latency. Each step's own supply comes last, after one `minsd`.
#[inline(always)]
pub(super) fn chain_room(chain: &[u16], capacity: &[f64; CAPACITY_SLOTS]) -> f64 {
    let at = |a: u16| capacity[a as usize & SLOT_MASK];
    let mut pairs = chain.chunks_exact(2);
    let rest = pairs.remainder();
    let first = match pairs.next() {
        Some(p) => lesser(at(p[0]), at(p[1])),
        None => return chain.first().map_or(f64::INFINITY, |&a| at(a)),
    };
    let room = pairs.fold(first, |m, p| lesser(m, lesser(at(p[0]), at(p[1]))));
    match rest {
        [a] => lesser(room, at(*a)),
        _ => room,
    }
}

/// The smaller of two rates. Rates are never NaN, so this is `f64::min` without its NaN
/// handling: one `minsd` on the chain's critical path instead of four instructions.
#[inline(always)]
pub(super) fn lesser(a: f64, b: f64) -> f64 {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::load::load_baseline;
    use proptest::prelude::*;

    /// Supply per producer, capacity per asset, contract minimum and maximum per route, netback
    /// per lane, a segment's cuts `(asset, fraction left)`, and its lowered contract maxima
    /// `(route, new maximum if lower)`, as pro-rata shares lower them.
    type Year = (
        Vec<f64>,
        Vec<f64>,
        Vec<f64>,
        Vec<f64>,
        Vec<f64>,
        Vec<(usize, f64)>,
        Vec<(usize, f64)>,
    );

    /// A year's rates for the baseline's producers, assets and routes, and a segment's cuts.
    fn year_and_cuts() -> impl Strategy<Value = Year> {
        let model = Model::compile(&load_baseline().scenario);
        let (np, na, nr, nl) = (
            model.producers.len(),
            model.assets.len(),
            model.routes.len(),
            model.lanes.len(),
        );
        let rate = || prop_oneof![Just(0.0), 0.0..100.0f64];
        (
            proptest::collection::vec(rate(), np),
            proptest::collection::vec(rate(), na),
            // Mostly no minimum, so that many segments avoid the minimum steps' chains.
            proptest::collection::vec(prop_oneof![4 => Just(0.0), 1 => 0.0..10.0f64], nr),
            proptest::collection::vec(prop_oneof![Just(f64::INFINITY), 0.0..20.0f64], nr),
            proptest::collection::vec(-50.0..500.0f64, nl),
            proptest::collection::vec((0..na, prop_oneof![Just(0.0), 0.0..1.0f64]), 1..4),
            proptest::collection::vec((0..nr, prop_oneof![Just(0.0), 0.0..20.0f64]), 0..3),
        )
    }

    /// Two years of netbacks (the reservations' lanes after the real ones) and contract minimums
    /// for the baseline: the second either drawn afresh or the first moved by one increasing map
    /// (the order kept, as a price move keeps it), from few values so that ties are common.
    fn two_years() -> impl Strategy<Value = (Vec<f64>, Vec<f64>, Vec<f64>, Vec<f64>)> {
        let model = Model::compile(&load_baseline().scenario);
        let (nl, nr) = (
            model.lanes.len() + model.reservations.len(),
            model.routes.len(),
        );
        let netback = || prop_oneof![Just(-5.0), Just(0.0), Just(40.0), Just(60.0), 0.0..100.0f64];
        let minimum = || prop_oneof![3 => Just(0.0), 1 => Just(2.0)];
        let first = (
            proptest::collection::vec(netback(), nl),
            proptest::collection::vec(minimum(), nr),
        );
        first.prop_flat_map(move |(n1, m1)| {
            let moved: Vec<f64> = n1.iter().map(|&n| n * 1.5 + 10.0).collect();
            let second = prop_oneof![
                Just(moved),
                proptest::collection::vec(netback(), nl),
                Just(n1.clone()),
            ];
            let minima = prop_oneof![Just(m1.clone()), proptest::collection::vec(minimum(), nr)];
            (Just(n1), second, Just(m1), minima)
        })
    }

    /// The fields `build` sets, to compare plans.
    fn parts(p: &Plan) -> (Vec<Step>, Vec<Step>, Vec<bool>, Vec<u32>) {
        let steps = (p.steps.clone(), p.minimum_steps.clone());
        (steps.0, steps.1, p.minimum_assets.clone(), p.holds.clone())
    }

    /// A capacity as the allocation sees one: a positive rate, zero of either sign, or the
    /// padding's +∞.
    fn rate() -> impl Strategy<Value = f64> {
        prop_oneof![
            6 => 1e-12..100.0f64,
            1 => Just(0.0),
            1 => Just(-0.0),
            1 => Just(f64::INFINITY),
        ]
    }

    proptest! {
        /// The tree of pairs finds the chain's minimum, the value the one-after-another fold
        /// finds, for chains of every length up to 9 (the padded widths and the odd ones
        /// beyond 8), repeated slots included; only a tie of 0 and −0, which ships nothing
        /// either way, may come out with the other sign.
        #[test]
        fn chain_room_is_the_minimum(
            values in proptest::collection::vec(rate(), 1..12),
            picks in proptest::collection::vec(0usize..12, 0..10),
        ) {
            let mut capacity = capacity_slots();
            capacity[..values.len()].copy_from_slice(&values);
            let chain: Vec<u16> = picks.iter().map(|&i| (i % values.len()) as u16).collect();
            let serial = chain
                .iter()
                .fold(f64::INFINITY, |m, &a| lesser(m, capacity[a as usize]));
            let tree = chain_room(&chain, &capacity);
            prop_assert_eq!(tree, serial);
            if serial != 0.0 {
                prop_assert_eq!(tree.to_bits(), serial.to_bits());
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// A plan built for one year and then for the next is the plan built afresh for the
        /// next (whether the order is kept or not), and that is, per producer in priority
        /// order, its lanes of positive netback stably sorted by descending netback. (The first
        /// half guards any reuse of last year's order; see BENCHMARKS.md, issue 18.)
        #[test]
        fn kept_plan_equals_fresh_and_stable_sort((n1, n2, m1, m2) in two_years()) {
            let model = Model::compile(&load_baseline().scenario);
            let mut kept = Plan::default();
            kept.build(&model, &n1, &m1, &mut Vec::new());
            kept.build(&model, &n2, &m2, &mut Vec::new());
            let mut fresh = Plan::default();
            fresh.build(&model, &n2, &m2, &mut Vec::new());
            prop_assert_eq!(parts(&kept), parts(&fresh));
            let mut sorted = Vec::new();
            for &p in &model.priority {
                let mut lanes: Vec<usize> = model.producers[p].lanes.clone();
                lanes.retain(|&l| n2[l] > 0.0);
                lanes.sort_by(|&a, &b| n2[b].partial_cmp(&n2[a]).unwrap());
                sorted.extend(lanes.into_iter().map(|l| (p as u32, l as u32)));
            }
            let steps: Vec<(u32, u32)> = fresh.steps.iter().map(|s| (s.producer, s.lane)).collect();
            prop_assert_eq!(steps, sorted);
        }

        /// A segment allocated from the twin's state after its minimums pass is the segment
        /// allocated afresh, bit for bit, whether or not its cuts touch a minimum step's chain
        /// and whether or not its lowered maxima are on a minimum step's route.
        #[test]
        fn allocate_cut_equals_allocate(
            (supply, capacity, min, max, netback, cuts, lowered) in year_and_cuts(),
        ) {
            let model = Model::compile(&load_baseline().scenario);
            let mut plan = Plan::default();
            plan.build(&model, &netback, &min, &mut Vec::new());
            let full = Period {
                supply: &supply,
                capacity: &capacity,
                contract_min: &min,
                contract_max: &max,
                reserved: &[],
            };
            let (mut scratch, mut twin) = (Scratch::default(), Shipments::default());
            allocate_twin(&model, &plan, &full, &mut scratch, &mut twin);
            let mut reduced = capacity.clone();
            for &(a, f) in &cuts {
                reduced[a] = capacity[a] * f;
            }
            let mut shares = max.clone();
            for &(r, x) in &lowered {
                shares[r] = shares[r].min(x);
            }
            let period = Period { capacity: &reduced, contract_max: &shares, ..full };
            let (mut fresh, mut cut) = (Shipments::default(), Shipments::default());
            allocate(&model, &plan, &period, &mut Scratch::default(), &mut fresh);
            allocate_cut(&model, &plan, &period, &cuts, &twin, &mut scratch, &mut cut);
            let bits = |s: &Shipments| {
                let lanes = s.lanes.iter().map(|&(l, x)| (l, x.to_bits()));
                let stranded = s.stranded.iter().map(|&(p, x)| (p, x.to_bits()));
                (lanes.collect::<Vec<_>>(), stranded.collect::<Vec<_>>())
            };
            prop_assert_eq!(bits(&cut), bits(&fresh));
        }
    }
}
