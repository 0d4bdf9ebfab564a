//! Make-up: crude that outages hold back, shipped later in the same year (docs/model.md §5c).
//!
//! Why it exists: allocation (§5) takes each segment of constant capacity on its own, so the
//! crude a cut segment cannot ship was lost for good. The record says otherwise: in 2025 the
//! Kropotkinskaya pump station and the April order held back some 5 Mt of Kazakh crude, yet the
//! year's exports fell far less, because most of it waited in upstream storage or on
//! re-nominated cargoes and shipped later in the year, where the routes had room. A producer's
//! `make_up` share `m` of what each cut segment holds back joins its backlog, which later
//! segments ship, after their regular allocation, with the spare capacity it leaves; whatever
//! is left at the year's end stays stranded.
//!
//! Cost: the pass runs only in scenarios where some producer has `make_up`, only in years with
//! cuts, and ships only from the first segment after a backlog appears. Its buffers live in the
//! workspace, so no segment allocates.

use super::allocation::{
    CAPACITY_SLOTS, NEGLIGIBLE, Plan, SLOT_MASK, Shipments, chain_room, lesser, padded_slots,
};
use super::compile::Model;
use super::metrics::Layout;
use super::params::Values;

/// What a segment ships in its regular allocation (§5), in rates.
pub enum Regular<'a> {
    /// The twin's: the segment's cuts leave every asset at least its twin flow.
    Twin,
    /// An allocation of its own (perhaps an earlier segment's in the same capacity state).
    Allocated(&'a Shipments),
}

/// One segment (or its part in a planned year's period), as the pass sees it.
pub struct Segment<'a> {
    /// Its share of the year (days / 365).
    pub share: f64,
    /// `(asset, fraction of capacity left)` of its reduced assets.
    pub cuts: &'a [(usize, f64)],
    /// The year's capacity of each asset, before cuts (Mt/yr).
    pub capacity: &'a [f64],
    /// The contract maximum of each route (+∞ where none): the year's, which a segment whose
    /// regular allocation is the twin's has (an allocated one's pass starts from what its
    /// allocation left, `Shipments::left`, its pro-rata shares included).
    pub contract_max: &'a [f64],
    pub regular: Regular<'a>,
}

/// The undisrupted twin's rates for the year, or for the planned period at hand.
pub struct Twin<'a> {
    pub lane: &'a [f64],
    pub stranded: &'a [f64],
    /// Flow through each asset (the first `assets` slots).
    pub flow: &'a [f64],
}

/// The year's backlog and made-up volumes, and the buffers of the pass.
#[derive(Debug, Clone, Default)]
pub struct MakeUp {
    /// Each producer's make-up share this year (0 without `make_up`).
    share: Vec<f64>,
    /// Held back and not yet shipped (Mt), per producer.
    backlog: Vec<f64>,
    /// Whether some backlog is positive.
    pending: bool,
    /// Made-up volume (Mt) per lane and per producer this year, and whether any was.
    lane: Vec<f64>,
    producer: Vec<f64>,
    any: bool,
    /// Lane volumes before make-up (for `displaced_volume`), kept when some crude was made up.
    regular: Vec<f64>,
    /// A segment's spare capacity per asset and per route.
    spare: Vec<f64>,
    route_spare: Vec<f64>,
    /// The twin's rate on each route, and the spare it leaves on each route and on each asset
    /// before cuts, computed once per window (`twin_ready`): a segment whose regular allocation
    /// is the twin's starts from them.
    twin_route: Vec<f64>,
    twin_route_spare: Vec<f64>,
    twin_spare: Vec<f64>,
    twin_ready: bool,
    /// The plan's steps `(lane, producer, route)` that can make up crude (those of producers
    /// with a make-up share, reservation lanes left out), in its order; taken from the plan at
    /// the year's first pass (`steps_ready`).
    steps: Vec<(u32, u32, u32)>,
    steps_ready: bool,
}

impl MakeUp {
    /// A new year: each producer's share drawn (clamped to [0, 1]), nothing held back.
    pub fn start_year(&mut self, model: &Model, values: &Values) {
        self.share.clear();
        self.share.extend(
            model
                .producers
                .iter()
                .map(|p| p.make_up.map_or(0.0, |m| values.get(m).clamp(0.0, 1.0))),
        );
        reset(&mut self.backlog, model.producers.len());
        reset(&mut self.producer, model.producers.len());
        reset(&mut self.lane, model.lanes.len());
        self.pending = false;
        self.any = false;
        self.steps_ready = false;
    }

    /// A new run of segments against new twin rates (a year, or a planned year's period): the
    /// backlog carries on, the twin's route rates are computed again when needed.
    pub fn start_window(&mut self) {
        self.twin_ready = false;
    }

    /// Each producer's make-up share this year (empty before the model's first `start_year`).
    pub fn shares(&self) -> &[f64] {
        &self.share
    }

    /// Whether some crude waits to be made up.
    pub fn pending(&self) -> bool {
        self.pending
    }

    /// After the segment's regular allocation: ships what waits with the spare capacity it
    /// leaves, then adds what the segment itself holds back, so that crude held back in a
    /// segment ships from the next one on.
    pub fn segment(&mut self, model: &Model, plan: &Plan, seg: &Segment, twin: &Twin) {
        if self.pending {
            self.ship(model, plan, seg, twin);
        }
        if let Regular::Allocated(shipments) = seg.regular {
            self.hold(shipments, seg.share, twin.stranded);
        }
    }

    /// What a segment whose regular allocation is `shipments`, `share` of the year long, holds
    /// back (its stranded rate above the twin's, `twin_stranded`) joins the backlog, at each
    /// producer's make-up share. (The whole of `segment` when nothing waits to be made up.)
    pub fn hold(&mut self, shipments: &Shipments, share: f64, twin_stranded: &[f64]) {
        for &(p, rate) in shipments.stranded() {
            let p = p as usize;
            let held = share * (rate - twin_stranded[p]).max(0.0);
            if self.share[p] > 0.0 && held > 0.0 {
                self.backlog[p] += self.share[p] * held;
                self.pending = true;
            }
        }
    }

    /// Each producer with a backlog, in the netback pass's order, fills its lanes of positive
    /// netback (not reservation lanes) with what the segment leaves on every asset of the
    /// chain and under the route's maximum, up to its backlog.
    fn ship(&mut self, model: &Model, plan: &Plan, seg: &Segment, twin: &Twin) {
        let (na, nr, real) = (model.assets.len(), model.routes.len(), model.lanes.len());
        if !self.steps_ready {
            self.steps.clear();
            let share = &self.share;
            let steps = plan.steps().filter(|&(l, p, _)| l < real && share[p] > 0.0);
            let steps = steps.map(|(l, p, r)| (l as u32, p as u32, r as u32));
            self.steps.extend(steps);
            self.steps_ready = true;
        }
        // Spare on each asset and route: what the regular allocation left.
        let spare = padded_slots(&mut self.spare);
        match seg.regular {
            Regular::Twin => {
                if !self.twin_ready {
                    route_rates(model, twin.lane, &mut self.twin_route);
                    spare_into(
                        &seg.contract_max[..nr],
                        &self.twin_route,
                        &mut self.twin_route_spare,
                    );
                    spare_into(&seg.capacity[..na], twin.flow, &mut self.twin_spare);
                    self.twin_ready = true;
                }
                self.route_spare.clone_from(&self.twin_route_spare);
                spare[..na].copy_from_slice(&self.twin_spare);
                for &(a, f) in seg.cuts {
                    spare[a] = seg.capacity[a] * f - twin.flow[a];
                }
            }
            Regular::Allocated(shipments) => {
                let (assets, routes) = shipments.left(na, nr);
                spare[..na].copy_from_slice(assets);
                self.route_spare.clear();
                self.route_spare.extend_from_slice(routes);
            }
        }
        let (width, chains) = model.lane_chains.padded();
        let fills = Fills {
            steps: &self.steps,
            chains,
            share: seg.share,
        };
        let made = Made {
            backlog: &mut self.backlog,
            route_spare: &mut self.route_spare,
            spare,
            lane: &mut self.lane,
            producer: &mut self.producer,
        };
        #[cfg(feature = "trace")]
        let traced = traced::before(&fills, width, &made);
        // The common widths get a copy each whose chain loops the compiler unrolls.
        self.any |= match width {
            1 => fills.ship(1, made),
            2 => fills.ship(2, made),
            4 => fills.ship(4, made),
            8 => fills.ship(8, made),
            w => fills.ship(w, made),
        };
        #[cfg(feature = "trace")]
        traced::after(traced, &self.lane, &self.backlog);
        self.pending = self.backlog.iter().any(|&b| b > 0.0);
    }

    /// The year's end: the made-up crude joins its lanes' volumes (whose regular part is kept
    /// for `displaced_volume`) and leaves the stranded volume; the backlog left stays stranded.
    pub fn finish_year(&mut self, lane_volume: &mut [f64], stranded: &mut [f64]) {
        if !self.any {
            return;
        }
        self.regular.clear();
        self.regular.extend_from_slice(lane_volume);
        for (v, m) in lane_volume.iter_mut().zip(&self.lane) {
            *v += m;
        }
        for (s, m) in stranded.iter_mut().zip(&self.producer) {
            *s = (*s - m).max(0.0);
        }
    }

    /// Writes `made_up_volume`.
    pub fn record(&self, layout: &Layout, out: &mut [f64]) {
        for (p, &m) in self.producer.iter().enumerate() {
            out[layout.made_up(p)] = m;
        }
    }

    /// The lanes' volumes before make-up, for `displaced_volume` (the shortfall at the time):
    /// `lane_volume` itself in a year that made nothing up.
    pub fn regular<'a>(&'a self, lane_volume: &'a [f64]) -> &'a [f64] {
        if self.any { &self.regular } else { lane_volume }
    }
}

/// The steps of a make-up pass and what they read.
struct Fills<'a> {
    /// `(lane, producer, route)`, in the plan's order.
    steps: &'a [(u32, u32, u32)],
    /// Every lane's chain, padded to one width (`LaneChains::padded`).
    chains: &'a [u16],
    share: f64,
}

/// What a make-up pass changes.
struct Made<'a> {
    backlog: &'a mut [f64],
    route_spare: &'a mut [f64],
    /// Spare per asset, in padded slots (`padded_slots`).
    spare: &'a mut [f64; CAPACITY_SLOTS],
    lane: &'a mut [f64],
    producer: &'a mut [f64],
}

impl Fills<'_> {
    /// Ships each step's backlog with the room left on its route and every asset of its chain
    /// (chains of `width` slots), and says whether any was shipped.
    ///
    /// The room is found before the rate the backlog wants: a step with no room is skipped
    /// without the division, and its branch does not wait for it. The minimum is the same
    /// value either way (rates are never NaN, and a minimum at or below `NEGLIGIBLE` ships
    /// nothing), so the order changes no result.
    #[inline(always)]
    fn ship(&self, width: usize, m: Made) -> bool {
        let mut any = false;
        for &(l, p, r) in self.steps {
            let (l, p, r) = (l as usize, p as usize, r as usize);
            let waiting = m.backlog[p];
            if waiting <= 0.0 {
                continue;
            }
            let chain = &self.chains[l * width..(l + 1) * width];
            let room = lesser(chain_room(chain, m.spare), m.route_spare[r]);
            if room <= NEGLIGIBLE {
                continue;
            }
            let want = waiting / self.share;
            let x = lesser(want, room);
            if x <= NEGLIGIBLE {
                continue;
            }
            for &j in chain {
                m.spare[j as usize & SLOT_MASK] -= x;
            }
            m.route_spare[r] -= x;
            // The whole backlog when it set the rate, so that none is left as rounding.
            let (shipped, left) = if x == want {
                (waiting, 0.0)
            } else {
                (x * self.share, (waiting - x * self.share).max(0.0))
            };
            m.backlog[p] = left;
            m.lane[l] += shipped;
            m.producer[p] += shipped;
            any = true;
        }
        any
    }
}

/// `ship`'s record for `super::trace` (the `trace` feature only).
#[cfg(feature = "trace")]
mod traced {
    use super::super::trace::{self, Kind, Pass};
    use super::{Fills, Made};

    /// The pass's record with the state before it, when this thread records.
    pub(super) fn before(fills: &Fills, width: usize, m: &Made) -> Option<Pass> {
        if !trace::on() {
            return None;
        }
        let raw = fills.steps.iter().map(|&(l, p, r)| [l, p, r]);
        let mut pass = Pass::new(Kind::MakeUp { share: fills.share }, raw.collect());
        let (np, nr) = pass.extent();
        let slots = fills.steps.iter().flat_map(|&(l, _, _)| {
            let l = l as usize;
            &fills.chains[l * width..(l + 1) * width]
        });
        let na = trace::assets_reached(slots);
        pass.supply = m.backlog[..np].to_vec();
        pass.maximum = m.route_spare[..nr].to_vec();
        pass.capacity = m.spare[..na].to_vec();
        pass.lane_before = m.lane.to_vec();
        Some(pass)
    }

    pub(super) fn after(traced: Option<Pass>, lane: &[f64], backlog: &[f64]) {
        if let Some(mut pass) = traced {
            pass.lane_after = lane.to_vec();
            pass.backlog_after = backlog.to_vec();
            trace::push(pass);
        }
    }
}

/// Each route's rate: the sum of its lanes' (its reservation lane's included).
fn route_rates(model: &Model, lane: &[f64], out: &mut Vec<f64>) {
    reset(out, model.routes.len());
    for (&r, &x) in model.lane_route.iter().zip(lane) {
        out[r as usize] += x;
    }
}

/// `out[i] = limit[i] - used[i]`.
fn spare_into(limit: &[f64], used: &[f64], out: &mut Vec<f64>) {
    out.clear();
    out.extend(limit.iter().zip(used).map(|(c, u)| c - u));
}

fn reset(v: &mut Vec<f64>, n: usize) {
    v.clear();
    v.resize(n, 0.0);
}

#[cfg(test)]
mod tests {
    use crate::model::{Model, TrialSink, Workspace, simulate};
    use crate::scenario::load_str;

    /// Keeps the one year's values.
    struct Year(Vec<f64>);

    impl TrialSink for Year {
        fn year(&mut self, _t: usize, values: &[f64]) {
            self.0 = values.to_vec();
        }
        fn horizon(&mut self, _trial: u64, _values: &[f64]) {}
    }

    /// Three outages in one year on a pipe of 12 Mt/yr that carries 10: a full stop on days
    /// 100–150, half the pipe on days 200–250, then 9.6 Mt/yr to the year's end. Spare capacity
    /// exists before the first (2 Mt/yr for 100 days) and between the first two (2 Mt/yr for 50
    /// days), none after the second starts. Crude held back ships only after it was held
    /// back, so all that is made up is the gap's 2 × 50/365, though the year's spare and its
    /// backlog would allow three times as much.
    #[test]
    fn a_backlog_ships_only_after_the_outage_that_held_it_back() {
        let text = r#"Scenario(
    name: "time order",
    horizon: (first_year: 2025, last_year: 2025),
    producers: [(name: "P", production: (anchors: { 2025: 10.0 }), barrels_per_tonne: 7.5, make_up: 1.0)],
    assets: [(name: "Pipe", capacity: { 2025: 12.0 })],
    routes: [(name: "Main", producers: ["P"], assets: ["Pipe"])],
    forced_events: [
        (name: "first", assets: ["Pipe"], start: "2025-04-11", end: "2025-05-30", capacity_left: 0.0),
        (name: "second", assets: ["Pipe"], start: "2025-07-20", end: "2025-09-07", capacity_left: 0.5),
        (name: "third", assets: ["Pipe"], start: "2025-09-08", end: "2025-12-31", capacity_left: 0.8),
    ],
    prices: (benchmark: PerYear(50.0)),
)"#;
        let model = Model::compile(&load_str(text, "t.ron").unwrap().scenario);
        let mut year = Year(Vec::new());
        simulate(&model, 1, 0, &mut Workspace::default(), &mut year);
        let get = |id: &str| year.0[model.layout.find(id).unwrap()];
        let held = (10.0 * 50.0 + 4.0 * 50.0 + 0.4 * 115.0) / 365.0;
        let made = 2.0 * 50.0 / 365.0;
        let close = |got: f64, want: f64, what: &str| {
            assert!((got - want).abs() <= 1e-12, "{what}: {got} vs {want}");
        };
        close(get("made_up_volume/P"), made, "made up");
        close(get("stranded_volume/P"), held - made, "stranded");
        close(get("displaced_volume/P"), held, "displaced");
        close(get("export_volume/P"), 10.0 - held + made, "exports");
    }
}
