//! Test binary 3 of 3: scenario input, from the shipped files to hostile text.
//!
//! The shipped scenario library and the provenance of its numbers, `check` and every documented
//! error with its location and its row in docs/errors.md, composition with `extends`, `explain`,
//! and hostile or extreme files (the fuzz regressions through the fuzzer's own harness and
//! through the binary): whatever a user writes ends in a result or in a located, actionable
//! message, never a panic or a hang.
//!
//! Grouped into one binary, with `commands.rs` and `model.rs`, so the test build links the
//! library three times rather than once per file: `commands.rs` says why and how a new file joins
//! a group. Each file stays where it was and is a module here (`errors::...` in test names); the
//! inputs under `tests/fuzz_regressions*/` are read from the package root as before.

mod common;

mod check_errors;
mod compose;
mod errors;
mod explain;
mod fuzz_regressions;
mod hardening;
mod provenance;
mod scenarios;
