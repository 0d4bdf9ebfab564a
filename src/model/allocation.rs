//! Who ships what through which route in one period of constant capacity.
//!
//! Producers are served in priority order (shared assets such as BTC carry several producers'
//! crude). Two passes: first contract minimums (quotas, take-or-pay) in that order, then each
//! producer fills its routes from the highest netback down. A route takes at most the smallest
//! spare capacity along its chain of assets and whatever its contract maximum leaves. Supply no
//! route can take is stranded. Everything is in rates (Mt/yr) for the period; exported + stranded
//! equals supply exactly, up to floating-point rounding.

use super::compile::Model;

/// Rates for one period, all in Mt/yr.
pub struct Period<'a> {
    /// Export supply of each producer.
    pub supply: &'a [f64],
    /// Capacity of each asset in this period (after outages).
    pub capacity: &'a [f64],
    /// Contract minimum and maximum of each route (0 and +∞ where none).
    pub contract_min: &'a [f64],
    pub contract_max: &'a [f64],
    /// Lanes of each producer, best netback first; lanes with no positive netback are left out.
    pub order: &'a [Vec<usize>],
    /// Whether any route has a contract minimum in force (skips the first pass when none).
    pub any_minimum: bool,
}

/// Reusable buffers so that allocation does not allocate.
#[derive(Debug, Default, Clone)]
pub struct Scratch {
    supply: Vec<f64>,
    capacity: Vec<f64>,
    minimum: Vec<f64>,
    maximum: Vec<f64>,
}

/// Allocates one period; adds `scale ×` each lane's rate to `lane_volume` and each producer's
/// stranded rate to `stranded` (scale = the period's share of the year gives volumes in Mt).
pub fn allocate(
    model: &Model,
    period: &Period,
    scratch: &mut Scratch,
    scale: f64,
    lane_volume: &mut [f64],
    stranded: &mut [f64],
) {
    let s = scratch;
    s.supply.clear();
    s.supply.extend_from_slice(period.supply);
    s.capacity.clear();
    s.capacity.extend_from_slice(period.capacity);
    s.maximum.clear();
    s.maximum.extend_from_slice(period.contract_max);
    if period.any_minimum {
        s.minimum.clear();
        s.minimum.extend_from_slice(period.contract_min);
        fill(model, period, s, scale, lane_volume, true);
    }
    fill(model, period, s, scale, lane_volume, false);
    for (out, left) in stranded.iter_mut().zip(&s.supply) {
        *out += scale * left;
    }
}

/// One pass over producers in priority order and their lanes in netback order.
fn fill(
    model: &Model,
    period: &Period,
    s: &mut Scratch,
    scale: f64,
    lane_volume: &mut [f64],
    minimums: bool,
) {
    for &p in &model.priority {
        for &l in &period.order[p] {
            if s.supply[p] <= 0.0 {
                break;
            }
            let r = model.lanes[l].route;
            let route = &model.routes[r];
            let mut amount = s.supply[p].min(s.maximum[r]);
            if minimums {
                amount = amount.min(s.minimum[r]);
            }
            for &a in &route.assets {
                amount = amount.min(s.capacity[a]);
            }
            if amount <= 0.0 {
                continue;
            }
            s.supply[p] -= amount;
            s.maximum[r] -= amount;
            if minimums {
                s.minimum[r] -= amount;
            }
            for &a in &route.assets {
                s.capacity[a] -= amount;
            }
            lane_volume[l] += scale * amount;
        }
    }
}
