//! The lean allocation and the lean filling order, replayed on every pass and every year's
//! order a recorded run made, and checked bit for bit against the engine's before they are
//! timed. Why replayed: each pass's inputs exist only inside a trial, and a replay times the
//! part alone, with nothing else in the cache.

use super::*;

/// The recorded passes, flattened for the replay: each pass's steps and state in one array
/// apiece, read front to back.
pub struct Lean {
    /// Each lane's chain, padded to 4 with +∞ slots of its own (so that no two lanes chain
    /// through one slot's stores).
    pub chains: Vec<[u8; 4]>,
    pub passes: Vec<LeanPass>,
    pub steps: Vec<[u8; 3]>,
    pub state: Vec<f64>,
}

#[derive(Clone, Copy)]
pub struct LeanPass {
    /// 0 minimums, 1 netback, 2 make-up.
    pub kind: u8,
    /// The make-up pass's share of the year.
    pub share: f64,
    pub steps: (u32, u32),
    /// At `state[at..]`: supply, capacity, maximum, then minimum (minimums pass) or the lanes'
    /// made-up volumes (make-up pass).
    pub at: u32,
    pub producers: u8,
    pub assets: u8,
    pub routes: u8,
    pub lanes: u8,
}

impl Lean {
    pub fn new(model: &Model, passes: &[Pass]) -> Lean {
        let mut lean = Lean {
            chains: lean::chains(model),
            passes: Vec::new(),
            steps: Vec::new(),
            state: Vec::new(),
        };
        for p in passes {
            let (kind, share, extra) = match p.kind {
                Kind::Minimums => (0, 0.0, &p.minimum),
                Kind::Netback => (1, 0.0, &p.minimum),
                Kind::MakeUp { share } => (2, share, &p.lane_before),
            };
            let first = lean.steps.len() as u32;
            let narrow = |x: u32| u8::try_from(x).unwrap();
            let steps = p.steps.iter().map(|s| s.map(narrow));
            lean.steps.extend(steps);
            let at = lean.state.len() as u32;
            for part in [&p.supply, &p.capacity, &p.maximum, extra] {
                lean.state.extend_from_slice(part);
            }
            lean.passes.push(LeanPass {
                kind,
                share,
                steps: (first, lean.steps.len() as u32),
                at,
                producers: p.supply.len() as u8,
                assets: p.capacity.len() as u8,
                routes: p.maximum.len() as u8,
                lanes: p.lane_before.len() as u8,
            });
        }
        lean
    }

    /// Replays every pass, calling `done` after each with what it shipped and the make-up state.
    pub fn replay(
        &self,
        shipped: &mut Vec<(u32, f64)>,
        done: impl FnMut(usize, &State, &[(u32, f64)]),
    ) {
        self.replay_steps::<true>(shipped, done);
    }

    /// `replay`, or with `STEPS` false only each pass's loads: what setting up the passes'
    /// state costs of the replay.
    pub fn replay_steps<const STEPS: bool>(
        &self,
        shipped: &mut Vec<(u32, f64)>,
        mut done: impl FnMut(usize, &State, &[(u32, f64)]),
    ) {
        let mut st = State::new();
        for (i, p) in self.passes.iter().enumerate() {
            let mut at = p.at as usize;
            let mut load = |into: &mut [f64], n: u8| {
                let n = n as usize;
                into[..n].copy_from_slice(&self.state[at..at + n]);
                at += n;
            };
            load(&mut st.supply, p.producers);
            load(&mut st.capacity, p.assets);
            load(&mut st.maximum, p.routes);
            let steps = &self.steps[p.steps.0 as usize..p.steps.1 as usize];
            let steps = if STEPS { steps } else { &[] };
            shipped.clear();
            match p.kind {
                0 => {
                    load(&mut st.minimum, p.routes);
                    st.fill::<true>(&self.chains, steps, shipped);
                }
                1 => st.fill::<false>(&self.chains, steps, shipped),
                _ => {
                    load(&mut st.lane, p.lanes);
                    st.make_up(&self.chains, steps, p.share);
                }
            }
            done(i, &st, shipped);
        }
    }
}

/// The recorded run's passes, and the lean replay checked against them.
pub fn lean_passes() -> (Run, Lean) {
    let run = record(trials());
    let lean = Lean::new(&run.model, &run.passes);
    let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    let mut shipped = Vec::new();
    let mut checked = 0;
    lean.replay(&mut shipped, |i, st, shipped| {
        let pass = &run.passes[i];
        if let Kind::MakeUp { .. } = pass.kind {
            let lanes = pass.lane_after.len();
            assert_eq!(bits(&st.lane[..lanes]), bits(&pass.lane_after), "pass {i}");
            let producers = pass.supply.len();
            let backlog = &pass.backlog_after[..producers];
            assert_eq!(bits(&st.supply[..producers]), bits(backlog), "pass {i}");
        } else {
            let pairs = |v: &[(u32, f64)]| v.iter().map(|&(l, x)| (l, x.to_bits())).collect();
            let (lean, engine): (Vec<_>, Vec<_>) = (pairs(shipped), pairs(&pass.shipped));
            assert_eq!(lean, engine, "pass {i}");
        }
        checked += 1;
    });
    assert_eq!(checked, run.passes.len());
    // The workload, per trial-year: how many passes and steps of each kind.
    let per = |x: usize| x as f64 / run.trial_years as f64;
    let kinds = [("minimums", 0), ("netback", 1), ("make-up", 2)].map(|(name, kind)| {
        let of_kind = lean.passes.iter().filter(|p| p.kind == kind);
        let steps: usize = of_kind
            .clone()
            .map(|p| (p.steps.1 - p.steps.0) as usize)
            .sum();
        let passes = of_kind.count();
        format!("{name} {:.2} passes, {:.1} steps", per(passes), per(steps))
    });
    eprintln!("\n  (a trial-year: {})", kinds.join("; "));
    (run, lean)
}

/// Every allocation pass of `trials()` baseline trials, replayed by the lean allocation.
#[divan::bench]
fn lean_allocation(bencher: divan::Bencher) {
    time_replay::<true>(bencher);
}

/// `lean_allocation` with each pass's state loaded but no step taken: the part of the replay
/// that sets the passes up.
#[divan::bench]
fn lean_allocation_loads_only(bencher: divan::Bencher) {
    time_replay::<false>(bencher);
}

pub fn time_replay<const STEPS: bool>(bencher: divan::Bencher) {
    let (run, lean) = lean_passes();
    let mut shipped = Vec::with_capacity(64);
    bencher
        .counter(ItemsCount::new(run.trial_years))
        .bench_local(|| {
            lean.replay_steps::<STEPS>(&mut shipped, |_, st, shipped| {
                black_box((st.supply[0], shipped.len()));
            })
        });
}

// ---- Filling order ----------------------------------------------------------------------

/// Every year's filling order of `trials()` baseline trials, built by the lean order, after
/// checking it against the engine's.
#[divan::bench]
fn lean_order(bencher: divan::Bencher) {
    let run = record(trials());
    let mut lean = lean::Order::new(&run.model);
    for o in &run.orders {
        lean.build(&o.netback, &o.contract_min);
        let wide = |steps: &[[u8; 3]]| -> Vec<[u32; 3]> {
            steps.iter().map(|s| s.map(u32::from)).collect()
        };
        assert_eq!(wide(&lean.steps), o.steps);
        assert_eq!(wide(&lean.minimum_steps), o.minimum_steps);
    }
    bencher
        .counter(ItemsCount::new(run.trial_years))
        .bench_local(|| {
            for o in &run.orders {
                lean.build(&o.netback, &o.contract_min);
                black_box(lean.steps.len());
            }
        });
}
