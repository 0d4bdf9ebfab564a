//! The uncertain inputs of a compiled model and their values in the trial being simulated.
//!
//! Compilation turns every `Uncertain` in the scenario into a `Param`: a constant (no random
//! numbers spent), a per-trial draw or a per-year draw, each from its own named stream. The
//! simulation reads values through `Values::get`, which costs one match.
//!
//! Each input may carry the bounds of `scenario::limits` (capacities ≤ 10,000 Mt/yr, ...).
//! `check` has already made sure that a fixed value lies within them and that a distribution
//! reaches beyond them at most in its last 0.1%; those rare draws are clamped here, once per
//! draw, so that no draw can carry a result outside the range the statistics hold exactly.
//!
//! Per-trial inputs that the scenario correlates (`correlations`) are drawn as a group by
//! `copula::Group` after the independent draws, which they overwrite; see `copula.rs`.

use super::copula::Group;
use crate::distributions::Dist;
use crate::model::streams::{StreamRng, key, stream};
use crate::scenario::Draw;
use crate::scenario::fields::{Number, Timing, Value};

/// How the model reads one number.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Param {
    Const(f64),
    Trial(u32),
    Year(u32),
}

/// One uncertain input: its distribution and the key of its stream.
#[derive(Debug, Clone)]
pub struct Input {
    /// The stream key, e.g. `route/CPC/differential` (docs/model.md §1).
    pub name: String,
    /// How analysts name it, e.g. `routes[CPC].differential` (`sweep --set`, `correlations`).
    pub path: String,
    pub dist: Dist,
    pub key: u64,
    /// Draws are clamped to `[lo, hi]`.
    pub lo: f64,
    pub hi: f64,
}

impl Input {
    #[inline]
    fn draw(&self, rng: &mut StreamRng) -> f64 {
        self.dist.sample(rng).clamp(self.lo, self.hi)
    }
}

/// Every uncertain input of a model.
#[derive(Debug, Clone, Default)]
pub struct ParamTable {
    pub per_trial: Vec<Input>,
    pub per_year: Vec<Input>,
    /// Groups of correlated per-trial inputs.
    pub groups: Vec<Group>,
}

impl ParamTable {
    /// Registers a number of the scenario: a constant when it is fixed, else an input keyed by
    /// its stream name, drawn when its field says and clamped to the field's bounds (the
    /// documented limits). Validation has already accepted the distribution.
    pub fn add(&mut self, n: &Number) -> Param {
        let u = match n.value {
            Value::Plain(v) => return Param::Const(v),
            Value::Uncertain(u) => u,
        };
        let (spec, draw) = u.spec();
        let dist = spec.build().expect("validated before compiling");
        if let Some(v) = dist.is_fixed() {
            return Param::Const(v);
        }
        let name = n.stream_key();
        let (lo, hi) = n.field.bounds();
        let input = Input {
            key: key(&name),
            name,
            path: n.name_path(),
            dist,
            lo,
            hi,
        };
        let draw = if n.field.timing == Timing::EachYear {
            Draw::PerYear
        } else {
            draw
        };
        match draw {
            Draw::PerTrial => {
                self.per_trial.push(input);
                Param::Trial((self.per_trial.len() - 1) as u32)
            }
            Draw::PerYear => {
                self.per_year.push(input);
                Param::Year((self.per_year.len() - 1) as u32)
            }
        }
    }
}

/// The values of all inputs in the current trial and year.
#[derive(Debug, Clone, Default)]
pub struct Values {
    trial: Vec<f64>,
    year: Vec<f64>,
    year_streams: Vec<StreamRng>,
    /// Normals of a correlated group, kept to avoid an allocation per trial.
    scratch: Vec<f64>,
}

impl Values {
    /// Draws the per-trial inputs and opens the per-year streams for a new trial.
    pub fn start_trial(&mut self, table: &ParamTable, trial_seed: u64) {
        self.trial.clear();
        self.trial.extend(
            table
                .per_trial
                .iter()
                .map(|i| i.draw(&mut stream(trial_seed, i.key))),
        );
        for g in &table.groups {
            g.draw(
                trial_seed,
                &table.per_trial,
                &mut self.trial,
                &mut self.scratch,
            );
        }
        self.year_streams.clear();
        self.year_streams
            .extend(table.per_year.iter().map(|i| stream(trial_seed, i.key)));
        self.year.clear();
        self.year.resize(table.per_year.len(), 0.0);
    }

    /// Draws the per-year inputs for the next year of the trial.
    pub fn start_year(&mut self, table: &ParamTable) {
        for ((v, rng), input) in self
            .year
            .iter_mut()
            .zip(&mut self.year_streams)
            .zip(&table.per_year)
        {
            *v = input.draw(rng);
        }
    }

    #[inline]
    pub fn get(&self, p: Param) -> f64 {
        match p {
            Param::Const(v) => v,
            Param::Trial(i) => self.trial[i as usize],
            Param::Year(i) => self.year[i as usize],
        }
    }
}
