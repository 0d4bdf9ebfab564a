//! Test binary 2 of 3: the model and the statistics against answers found independently.
//!
//! Closed forms on small scenarios, invariants of generated scenarios (proptest), correlated
//! inputs against their target rank correlations, stranding probabilities against the
//! capacity's distribution, reproducibility across thread counts and shard splits, the 2024
//! calibration, and the golden numbers of the baseline. Mostly through the library (the model,
//! the engine, the collectors), with fixed seeds and tolerances from standard errors.
//!
//! Grouped into one binary, with `commands.rs` and `input.rs`, so the test build links the
//! library three times rather than once per file: `commands.rs` says why and how a new file joins
//! a group. Each file stays where it was and is a module here (`golden::...` in test names).
//! Fixtures keep their paths: proptest finds `tests/properties.proptest-regressions` from
//! `file!()`, and golden.rs reads its snapshot under its old name (`tests/common`, `insta`).

mod common;

mod closed_forms;
mod correlations;
mod golden;
mod properties;
mod reproducibility;
mod scenarios_calibration;
mod stranding;
mod validation;
