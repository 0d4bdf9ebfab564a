//! Bounds on what a scenario and a run may ask for.
//!
//! A typo (`trials: 1000000000000`, `last_year: 20350`) must give a clear error before any work
//! starts, not an attempt to allocate for it. `docs/errors.md` lists these bounds.

/// The documented bounds; `Default` gives the values corridor enforces.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_trials: u64,
    pub max_years: usize,
    pub min_year: i32,
    pub max_year: i32,
    /// Producers, assets, routes, disruptions, forced events or regimes, each.
    pub max_entities: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_trials: 1_000_000_000,
            max_years: 200,
            min_year: 1900,
            max_year: 2300,
            max_entities: 256,
        }
    }
}
