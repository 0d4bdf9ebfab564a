//! The fuzz harnesses as a library, so the libFuzzer targets and the regression test
//! (`tests/fuzz_regressions.rs`, which includes each harness by path) run the same checks:
//! `harness` for scenario files (target `load_run`), `partials` for shard files
//! (target `read_partials`).

pub mod harness;
pub mod partials;
