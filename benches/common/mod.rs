//! What the bench binaries share (each includes this module with `mod common;`).

// Each bench binary compiles all of it and uses a part (`engine` has no make-up pass).
#![allow(dead_code)]

pub mod lean;

use std::hint::black_box;

use corridor::model::TrialSink;

/// Looks at every value a trial reports and keeps none: isolates the model from the statistics.
pub struct Discard;

impl TrialSink for Discard {
    fn year(&mut self, _t: usize, values: &[f64]) {
        black_box(values);
    }
    fn horizon(&mut self, _trial: u64, values: &[f64]) {
        black_box(values);
    }
}
