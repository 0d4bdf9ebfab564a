//! The fuzz harness as a library, so the libFuzzer target and the regression test
//! (`tests/fuzz_regressions.rs`, which includes `harness.rs` by path) run the same checks.

pub mod harness;
