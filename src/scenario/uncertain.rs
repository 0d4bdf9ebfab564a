//! A number in a scenario file that may be uncertain.
//!
//! Analysts write `72.5` where a value is known and `Pert(min: 60.0, mode: 72.5, max: 75.0)` where
//! it is not; both fit the same field. A bare distribution is drawn once per trial (structural
//! uncertainty: a decline rate, a capacity); `PerYear(...)` draws anew each simulated year
//! (shocks). Serde's untagged form is what lets a number and a distribution share one field in
//! RON; its generic error message is replaced in `load.rs` by a precise one.

use serde::{Deserialize, Serialize};

use crate::distributions::DistSpec;

/// When an uncertain input is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Draw {
    /// Once per trial: the same value in every year of that trial.
    PerTrial,
    /// Anew in each simulated year.
    PerYear,
}

/// A distribution with its draw timing, written `PerYear(dist)` or `PerTrial(dist)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Timed {
    PerTrial(DistSpec),
    PerYear(DistSpec),
}

/// A number that may be uncertain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Uncertain {
    Number(f64),
    Dist(DistSpec),
    Timed(Timed),
}

impl Uncertain {
    pub const ZERO: Uncertain = Uncertain::Number(0.0);
    pub const ONE: Uncertain = Uncertain::Number(1.0);

    /// The distribution and when it is drawn (a bare number is a fixed distribution).
    pub fn spec(&self) -> (DistSpec, Draw) {
        match self {
            Uncertain::Number(v) => (DistSpec::Fixed(*v), Draw::PerTrial),
            Uncertain::Dist(d) => (d.clone(), Draw::PerTrial),
            Uncertain::Timed(Timed::PerTrial(d)) => (d.clone(), Draw::PerTrial),
            Uncertain::Timed(Timed::PerYear(d)) => (d.clone(), Draw::PerYear),
        }
    }

    /// The draw timing the file asked for explicitly, if any.
    pub fn explicit_draw(&self) -> Option<Draw> {
        match self {
            Uncertain::Timed(Timed::PerTrial(_)) => Some(Draw::PerTrial),
            Uncertain::Timed(Timed::PerYear(_)) => Some(Draw::PerYear),
            _ => None,
        }
    }
}

impl From<f64> for Uncertain {
    fn from(v: f64) -> Self {
        Uncertain::Number(v)
    }
}

pub fn zero() -> Uncertain {
    Uncertain::ZERO
}

pub fn one() -> Uncertain {
    Uncertain::ONE
}
