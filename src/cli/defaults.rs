//! The default seed and trial counts of every command, defined once.
//!
//! Seed: `--seed`, else the scenario's `horizon.seed`, else `SEED`, for every command (compare
//! takes its first scenario's), so that `corridor compare A.ron B.ron` simulates A on the same
//! random numbers as `corridor run A.ron`, and a sweep's or a sensitivity analysis's base case
//! draws what the run of its scenario draws.
//!
//! Trials: `--trials`, else (for `run` only: the scenario format documents `horizon.trials` as
//! run's) the scenario's `horizon.trials`, else the command's default below. The defaults differ
//! because one trial costs a different number of simulations in each command.

use corridor::scenario::Scenario;

/// The seed when neither the command line nor the scenario gives one.
pub const SEED: u64 = 1;

/// `run`: one simulation per trial.
pub const RUN_TRIALS: u64 = 100_000;

/// `compare` and `sweep`: each trial simulates every scenario or variant, so a job costs n
/// runs; and their answers are paired differences on common random numbers, whose standard
/// error is much smaller than either side's (docs/decision-analysis.md, "What common random
/// numbers buy"), so a fifth of run's trials answers them.
pub const PAIRED_TRIALS: u64 = 20_000;

/// `sensitivity`: each trial simulates 3k + 3 variants for k uncertain per-trial inputs (30 for
/// the baseline's 9), so a run's count would take 30 times as long or more; the indices it
/// ranks by need far fewer trials than a tail percentile does.
pub const SENSITIVITY_TRIALS: u64 = 2_048;

/// `--seed`, else the scenario's, else `SEED`.
pub fn seed(given: Option<u64>, scenario: &Scenario) -> u64 {
    given.or(scenario.horizon.seed).unwrap_or(SEED)
}

/// `run`'s trials: `--trials`, else the scenario's, else `RUN_TRIALS`.
pub fn run_trials(given: Option<u64>, scenario: &Scenario) -> u64 {
    given.or(scenario.horizon.trials).unwrap_or(RUN_TRIALS)
}
