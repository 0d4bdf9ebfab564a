//! A lean greedy allocation written from docs/model.md §5 and §5c alone, the floor the engine's
//! is measured against (`benches/engine.rs`'s `allocation_lean`; `lean_allocation`, `lean_year`
//! and `lean_model` in `benches/floor/`): a pass's state on the stack in fixed arrays, each
//! lane's chain padded to 4 with +∞ slots of its own (so that no two lanes chain through one
//! slot's stores), and the chain's minimum taken as a tree; and the filling order those passes
//! take (`Order`).

use corridor::model::Model;
use corridor::model::allocation::NEGLIGIBLE;

/// Slots of the lean state: producers, routes (and lanes), assets (+∞ padding from `PADS` on).
pub const PRODUCERS: usize = 8;
pub const ROUTES: usize = 16;
const SLOTS: usize = 128;
const PADS: usize = 64;

/// Each lane's chain of assets, padded to 4 with +∞ slots of its own.
pub fn chains(model: &Model) -> Vec<[u8; 4]> {
    let lanes = model.lanes.len();
    assert!(lanes <= ROUTES && model.producers.len() <= PRODUCERS);
    let mut pad = PADS..;
    let chains = (0..lanes)
        .map(|l| {
            let (a, b) = model.chain_range[model.lanes[l].route];
            let own = &model.chain[a as usize..b as usize];
            assert!(own.len() <= 4 && own.iter().all(|&x| (x as usize) < PADS));
            std::array::from_fn(|i| match own.get(i) {
                Some(&x) => x as u8,
                None => pad.next().unwrap() as u8,
            })
        })
        .collect();
    assert!(pad.next().unwrap() <= SLOTS);
    chains
}

/// Each year's filling order by the definition (docs/model.md §5): producers by priority, each
/// one's lanes of positive netback by descending netback (ties in file order), by an insertion
/// sort per producer into steps; the minimums pass's steps are those whose route has a minimum
/// in force.
pub struct Order {
    /// Per producer in priority order: `(producer, its lanes and their routes)`.
    producers: Vec<(u8, Vec<(u8, u8)>)>,
    /// `(lane, producer, route)` of the netback pass's steps, and of the minimums pass's, as
    /// `State`'s passes take them.
    pub steps: Vec<[u8; 3]>,
    pub minimum_steps: Vec<[u8; 3]>,
}

impl Order {
    pub fn new(model: &Model) -> Order {
        let narrow = |x: usize| u8::try_from(x).unwrap();
        let lanes = |p: usize| {
            let of = model.producers[p].lanes.iter();
            of.map(|&l| (narrow(l), narrow(model.lanes[l].route)))
                .collect()
        };
        Order {
            producers: model
                .priority
                .iter()
                .map(|&p| (narrow(p), lanes(p)))
                .collect(),
            steps: Vec::with_capacity(64),
            minimum_steps: Vec::with_capacity(64),
        }
    }

    pub fn build(&mut self, netback: &[f64], contract_min: &[f64]) {
        self.steps.clear();
        self.minimum_steps.clear();
        for (p, lanes) in &self.producers {
            let first = self.steps.len();
            for &(l, r) in lanes {
                let n = netback[l as usize];
                if n > 0.0 {
                    self.steps.push([l, *p, r]);
                    let mut i = self.steps.len() - 1;
                    while i > first && netback[self.steps[i - 1][0] as usize] < n {
                        self.steps.swap(i - 1, i);
                        i -= 1;
                    }
                }
            }
        }
        let minimums = self
            .steps
            .iter()
            .filter(|s| contract_min[s[2] as usize] > 0.0);
        self.minimum_steps.extend(minimums);
    }
}

/// A pass's working state: each producer's supply (in a make-up pass, its backlog), each
/// asset's capacity, each route's maximum left (in a make-up pass, its spare) and unmet
/// minimum, and what make-up shipped per lane and per producer.
pub struct State {
    pub supply: [f64; PRODUCERS],
    pub capacity: [f64; SLOTS],
    pub maximum: [f64; ROUTES],
    pub minimum: [f64; ROUTES],
    pub lane: [f64; ROUTES],
    pub made: [f64; PRODUCERS],
}

#[inline(always)]
fn min(a: f64, b: f64) -> f64 {
    if b < a { b } else { a }
}

impl State {
    pub fn new() -> State {
        State {
            supply: [0.0; PRODUCERS],
            capacity: [f64::INFINITY; SLOTS],
            maximum: [0.0; ROUTES],
            minimum: [0.0; ROUTES],
            lane: [0.0; ROUTES],
            made: [0.0; PRODUCERS],
        }
    }

    #[inline(always)]
    fn room(&self, [a, b, c, d]: [u8; 4]) -> f64 {
        let cap = |x: u8| self.capacity[x as usize & (SLOTS - 1)];
        min(min(cap(a), cap(b)), min(cap(c), cap(d)))
    }

    #[inline(always)]
    fn take(&mut self, chain: [u8; 4], x: f64) {
        for a in chain {
            self.capacity[a as usize & (SLOTS - 1)] -= x;
        }
    }

    /// §5 steps 1 and 2: each step ships the least of its producer's supply, its route's
    /// maximum (and unmet minimum) and every asset's capacity along its chain.
    #[inline(never)]
    pub fn fill<const MINIMUMS: bool>(
        &mut self,
        chains: &[[u8; 4]],
        steps: &[[u8; 3]],
        shipped: &mut Vec<(u32, f64)>,
    ) {
        for &[l, p, r] in steps {
            let (p, r) = (p as usize & (PRODUCERS - 1), r as usize & (ROUTES - 1));
            let chain = chains[l as usize & (ROUTES - 1)];
            let mut room = min(self.room(chain), self.maximum[r]);
            if MINIMUMS {
                room = min(room, self.minimum[r]);
            }
            let amount = min(room, self.supply[p]);
            if amount <= NEGLIGIBLE {
                continue;
            }
            self.supply[p] -= amount;
            self.maximum[r] -= amount;
            if MINIMUMS {
                self.minimum[r] -= amount;
            }
            self.take(chain, amount);
            shipped.push((u32::from(l), amount));
        }
    }

    /// §5c: each step ships its producer's backlog, at the rate it takes over the segment, up to
    /// the room its chain and route have left; the whole backlog when that rate fits. Whether
    /// any step shipped.
    #[inline(never)]
    pub fn make_up(&mut self, chains: &[[u8; 4]], steps: &[[u8; 3]], share: f64) -> bool {
        let mut any = false;
        for &[l, p, r] in steps {
            let (l, p, r) = (
                l as usize & (ROUTES - 1),
                p as usize & (PRODUCERS - 1),
                r as usize & (ROUTES - 1),
            );
            let waiting = self.supply[p];
            if waiting <= 0.0 {
                continue;
            }
            let chain = chains[l];
            let room = min(self.room(chain), self.maximum[r]);
            if room <= NEGLIGIBLE {
                continue;
            }
            let want = waiting / share;
            let x = min(want, room);
            if x <= NEGLIGIBLE {
                continue;
            }
            self.take(chain, x);
            self.maximum[r] -= x;
            let (shipped, left) = if x == want {
                (waiting, 0.0)
            } else {
                (x * share, (waiting - x * share).max(0.0))
            };
            self.supply[p] = left;
            self.lane[l] += shipped;
            self.made[p] += shipped;
            any = true;
        }
        any
    }
}
