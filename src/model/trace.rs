//! What each pass of the allocation was given and what it shipped, one record a pass, each
//! year's filling order and each year's bookkeeping, for the lean floor benchmark
//! (`benches/floor/`).
//!
//! Why: issue #18 asks that a throughput target called out of reach be shown so by a lean
//! implementation of the part in question, measured, not estimated. The inputs of the engine's
//! largest parts (each segment's capacities, what the minimums pass left, each make-up backlog,
//! each year's netbacks and volumes) exist only inside a trial. Recorded here, the benchmark
//! replays the very work a run of the shipped baseline does through lean implementations,
//! checks that they give the same numbers bit for bit, and times them.
//!
//! Compiled only with the `trace` feature, so the engine a user runs carries none of it; with
//! it, a thread records only between `start` and `finish`.

use std::cell::RefCell;

use super::allocation::UNLIMITED;

/// Which pass, and what it fills.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    /// Contract minimums (§5, step 1): each step also limited by its route's unmet minimum.
    Minimums,
    /// The netback pass (§5, step 2).
    Netback,
    /// A segment's make-up pass (§5c), a segment `share` of the year long.
    MakeUp { share: f64 },
}

/// One pass. The state before it covers the producers, assets and routes its steps touch.
#[derive(Debug, Clone)]
pub struct Pass {
    pub kind: Kind,
    /// `(lane, producer, route)` of each step, in order.
    pub steps: Vec<[u32; 3]>,
    /// Before the pass: each producer's supply (make-up: its backlog), each asset's capacity
    /// left (make-up: its spare), each route's maximum left (make-up: its spare) and each
    /// route's unmet minimum (the minimums pass only).
    pub supply: Vec<f64>,
    pub capacity: Vec<f64>,
    pub maximum: Vec<f64>,
    pub minimum: Vec<f64>,
    /// Minimums and netback passes: each shipment `(lane, rate)` in the order the steps set it.
    pub shipped: Vec<(u32, f64)>,
    /// Make-up passes: each lane's made-up volume this year before and after the pass, and each
    /// producer's backlog after it.
    pub lane_before: Vec<f64>,
    pub lane_after: Vec<f64>,
    pub backlog_after: Vec<f64>,
}

impl Pass {
    /// A pass of `steps` with nothing recorded yet.
    pub(super) fn new(kind: Kind, steps: Vec<[u32; 3]>) -> Pass {
        Pass {
            kind,
            steps,
            supply: Vec::new(),
            capacity: Vec::new(),
            maximum: Vec::new(),
            minimum: Vec::new(),
            shipped: Vec::new(),
            lane_before: Vec::new(),
            lane_after: Vec::new(),
            backlog_after: Vec::new(),
        }
    }

    /// How many producers and routes the steps reach: one more than the largest index.
    pub(super) fn extent(&self) -> (usize, usize) {
        let most = |i: usize| self.steps.iter().map(|s| s[i] as usize + 1).max();
        (most(1).unwrap_or(0), most(2).unwrap_or(0))
    }
}

/// One year's filling order (`Plan::build`): what it was built from and the steps it made.
#[derive(Debug, Clone)]
pub struct Order {
    /// Each lane's netback (USD/t) and each route's contract minimum.
    pub netback: Vec<f64>,
    pub contract_min: Vec<f64>,
    /// `(lane, producer, route)` of the netback pass's steps, and of the minimums pass's.
    pub steps: Vec<[u32; 3]>,
    pub minimum_steps: Vec<[u32; 3]>,
}

/// One year's bookkeeping (`trial::record`): the volumes and terms it read and the metrics it
/// wrote (asset flows come from `lane_volume`; the year's metrics are `out`); and the terms the
/// year's volumes were worked out from, for the lean year.
#[derive(Debug, Clone)]
pub struct Year {
    /// Each lane's volume, its twin's, and its volume before make-up (Mt).
    pub lane_volume: Vec<f64>,
    pub cf_lane_volume: Vec<f64>,
    pub regular: Vec<f64>,
    /// Each lane's netback (USD/t) and each route's tariff (USD/t).
    pub netback: Vec<f64>,
    pub route_tariff: Vec<f64>,
    /// Each producer's export supply, stranded volume and made-up volume.
    pub supply: Vec<f64>,
    pub stranded: Vec<f64>,
    pub made_up: Vec<f64>,
    /// Each producer's make-up share (empty without make-up), each route's contract minimum
    /// and maximum.
    pub make_up_share: Vec<f64>,
    pub contract_min: Vec<f64>,
    pub contract_max: Vec<f64>,
    /// Each asset's capacity, tariff and outage days.
    pub capacity: Vec<f64>,
    pub asset_tariff: Vec<f64>,
    pub outage_days: Vec<f64>,
    pub price: f64,
    pub out: Vec<f64>,
}

/// One more than the largest asset among a pass's chain slots (the padding, from `UNLIMITED`
/// on, left out): how many assets' capacities the pass reads.
pub(super) fn assets_reached<'a>(slots: impl Iterator<Item = &'a u16>) -> usize {
    let assets = slots.filter(|&&a| a < UNLIMITED);
    assets.map(|&a| a as usize + 1).max().unwrap_or(0)
}

/// What a thread recorded since `start`.
#[derive(Debug, Clone, Default)]
pub struct Record {
    pub passes: Vec<Pass>,
    pub orders: Vec<Order>,
    pub years: Vec<Year>,
}

thread_local! {
    static RECORD: RefCell<Option<Record>> = const { RefCell::new(None) };
}

/// Starts recording this thread's passes and orders (forgetting any recorded before).
pub fn start() {
    RECORD.with(|r| *r.borrow_mut() = Some(Record::default()));
}

/// Stops recording and returns what this thread recorded since `start`.
pub fn finish() -> Record {
    RECORD.with(|r| r.borrow_mut().take().unwrap_or_default())
}

/// Whether this thread records.
pub(super) fn on() -> bool {
    RECORD.with(|r| r.borrow().is_some())
}

/// Records a pass.
pub(super) fn push(pass: Pass) {
    keep(|r| r.passes.push(pass));
}

/// Records a filling order.
pub(super) fn push_order(order: Order) {
    keep(|r| r.orders.push(order));
}

/// Records a year's bookkeeping.
pub(super) fn push_year(year: Year) {
    keep(|r| r.years.push(year));
}

/// Adds to this thread's record, when it records.
fn keep(add: impl FnOnce(&mut Record)) {
    RECORD.with(|r| {
        if let Some(record) = r.borrow_mut().as_mut() {
            add(record);
        }
    });
}
