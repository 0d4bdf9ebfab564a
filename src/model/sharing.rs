//! Cuts shared pro rata: who bears a cut of a shared asset (docs/model.md §5b).
//!
//! Why: allocation serves producers by priority, so on a shared asset the producer served first
//! keeps its whole flow and the one served last bears the whole cut. A terminal that schedules
//! loadings from its shippers' nominations cuts them all alike when it loses a mooring: in
//! December 2025, with ~0.69 of the CPC terminal's loading rate left, Kazakh loadings ran at
//! ~0.67 of plan (docs/sources.md#event-2025-11-cpc-spm2-attack). An asset marked
//! `sharing: ProRata` therefore limits, in a segment where its cut binds, each route through it
//! to the same fraction of its undisrupted flow: the capacity left over the undisrupted flow
//! through the asset. The shares add up to the capacity left, and a route keeps its share even
//! when it cannot use all of it (a shipper's cut nomination is not handed to another).
//!
//! Only the routes' contract maxima of the segment change, so allocation itself is untouched,
//! and a scenario without such an asset runs exactly as before.

use super::allocation::NEGLIGIBLE;
use super::compile::Model;

/// Per asset, the routes whose chain passes through it, in route order, each with its lanes in
/// lane order (the reservations' lanes included); empty for an asset not shared pro rata.
/// Built once with the model, so that a segment's caps look up only the routes they lower.
#[derive(Debug, Default, Clone)]
pub struct Shares {
    routes: Vec<Vec<(usize, Vec<usize>)>>,
}

impl Shares {
    /// `pro_rata`: per asset, whether it shares its cuts pro rata; `chain`, `chain_range`: the
    /// routes' chains; `lane_route`: the route of each lane.
    pub fn new(
        pro_rata: impl Iterator<Item = bool>,
        chain: &[u32],
        chain_range: &[(u32, u32)],
        lane_route: &[u32],
    ) -> Shares {
        let routes = pro_rata
            .enumerate()
            .map(|(a, shared)| {
                let through = chain_range.iter().enumerate().filter(|&(_, &(lo, hi))| {
                    shared && chain[lo as usize..hi as usize].contains(&(a as u32))
                });
                through
                    .map(|(r, _)| {
                        let lanes = lane_route.iter().enumerate();
                        let lanes = lanes.filter(|&(_, &x)| x as usize == r).map(|(l, _)| l);
                        (r, lanes.collect())
                    })
                    .collect()
            })
            .collect();
        Shares { routes }
    }

    /// The routes through `asset` with their lanes; empty for an asset not shared pro rata.
    pub fn through(&self, asset: usize) -> &[(usize, Vec<usize>)] {
        &self.routes[asset]
    }
}

/// Writes into `max` each route's contract maximum for a segment whose reduced assets are
/// `cuts` (`(asset, fraction of capacity left)`): `contract_max`, lowered to its pro-rata share
/// of every pro-rata asset on its chain whose cut binds. `cf_lane_volume` and `cf_flow` are the
/// undisrupted twin's lane volumes and asset flows (rates, Mt/yr). Returns whether any share
/// binds; when it does not, `max` is left as it was and is not to be used.
pub fn caps(
    model: &Model,
    cuts: &[(usize, f64)],
    capacity: &[f64],
    cf_flow: &[f64],
    cf_lane_volume: &[f64],
    contract_max: &[f64],
    max: &mut Vec<f64>,
) -> bool {
    let mut any = false;
    for &(a, f) in cuts {
        let routes = model.shares.through(a);
        if routes.is_empty() || cf_flow[a] <= NEGLIGIBLE {
            continue;
        }
        let left = capacity[a] * f;
        if left >= cf_flow[a] {
            continue;
        }
        if !any {
            any = true;
            max.clear();
            max.extend_from_slice(contract_max);
        }
        let ratio = left / cf_flow[a];
        for (r, lanes) in routes {
            let undisrupted: f64 = lanes.iter().map(|&l| cf_lane_volume[l]).sum();
            max[*r] = max[*r].min(ratio * undisrupted);
        }
    }
    any
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::load_str;

    /// Two producers share terminal T (3 + 1 Mt/yr); the first is served first.
    fn model(sharing: &str) -> Model {
        let text = format!(
            r#"Scenario(name: "x", horizon: (first_year: 2025, last_year: 2025),
            producers: [
                (name: "P", production: (anchors: {{ 2025: 3.0 }}), barrels_per_tonne: 7.0, priority: 2),
                (name: "Q", production: (anchors: {{ 2025: 1.0 }}), barrels_per_tonne: 7.0, priority: 1),
            ],
            assets: [(name: "T", capacity: {{ 2025: 5.0 }}, sharing: {sharing}),
                     (name: "U", capacity: {{ 2025: 5.0 }})],
            routes: [(name: "R", producers: ["P"], assets: ["U", "T"]),
                     (name: "S", producers: ["Q"], assets: ["T"])],
            prices: (benchmark: PerYear(50.0)))"#
        );
        Model::compile(&load_str(&text, "x.ron").unwrap().scenario)
    }

    #[test]
    fn a_binding_cut_limits_every_route_through_the_asset_to_the_same_fraction() {
        let m = model("ProRata");
        let (capacity, cf_flow, cf_lanes) = ([5.0, 5.0], [4.0, 3.0], [3.0, 1.0]);
        let mut max = Vec::new();
        // Half of T left: 2.5 of the 4 that would flow, so each route keeps 5/8 of its flow.
        assert!(caps(
            &m,
            &[(0, 0.5)],
            &capacity,
            &cf_flow,
            &cf_lanes,
            &[f64::INFINITY; 2],
            &mut max
        ));
        assert_eq!(max, vec![3.0 * 0.625, 0.625]);
        // A contract maximum below the share stays.
        assert!(caps(
            &m,
            &[(0, 0.5)],
            &capacity,
            &cf_flow,
            &cf_lanes,
            &[1.0, 9.0],
            &mut max
        ));
        assert_eq!(max, vec![1.0, 0.625]);
    }

    #[test]
    fn a_cut_that_does_not_bind_or_a_priority_asset_changes_nothing() {
        let (capacity, cf_flow, cf_lanes) = ([5.0, 5.0], [4.0, 3.0], [3.0, 1.0]);
        let mut max = vec![7.0];
        let none = [f64::INFINITY; 2];
        // 0.8 of T leaves 4, all that flows; U is not pro rata.
        let m = model("ProRata");
        assert!(!caps(
            &m,
            &[(0, 0.8), (1, 0.1)],
            &capacity,
            &cf_flow,
            &cf_lanes,
            &none,
            &mut max
        ));
        assert!(!caps(
            &model("Priority"),
            &[(0, 0.5)],
            &capacity,
            &cf_flow,
            &cf_lanes,
            &none,
            &mut max
        ));
        assert_eq!(max, vec![7.0], "left alone");
    }
}
