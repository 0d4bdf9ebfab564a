//! One fuzz execution: scenario text → load and validate → explain → compile → a short run.
//!
//! Why these checks: a reviewer's typo must end in a located message, never a panic, a hang or
//! a huge allocation; and a scenario that `check` accepts must run and report only finite numbers
//! that the exact accumulators can hold. So the harness fails (panics) when
//! - loading panics, or refuses the text without a single diagnostic, or with an empty message,
//!   or with a position outside the text;
//! - a valid scenario panics anywhere in explain, compile or simulate;
//! - any value a trial reports is NaN, infinite, or beyond the accumulators' exact range
//!   (|v| ≥ 2^42), or any summary statistic of the run is not finite.
//!
//! libFuzzer adds timeouts and an RSS limit on top, which is how hangs and runaway allocations
//! surface. The trial count is capped here (`MAX_TRIALS`); the horizon is not, because the limits
//! in `check` must already keep one trial of any valid scenario quick.
//!
//! This file is compiled twice: by the fuzz crate (`fuzz/src/lib.rs`) and by the regression test
//! `tests/fuzz_regressions.rs` (through `#[path]`), so both run exactly the same checks.

use corridor::model::{Model, TrialSink, Workspace, simulate};
use corridor::output::Results;
use corridor::scenario::explain::explain;
use corridor::scenario::load_str;
use corridor::stats::{Collector, Stats};

/// Trials simulated per valid input: enough to exercise every code path of a trial twice.
pub const MAX_TRIALS: u64 = 2;
/// The accumulators hold |v| < 2^42 exactly (src/stats/moments.rs).
pub const EXACT_RANGE: f64 = 4_398_046_511_104.0;

/// What happened to one input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Refused with this many diagnostics.
    Invalid(usize),
    /// Accepted and simulated for this many trial-years.
    Ran { trial_years: u64 },
}

/// Runs every check on `text`; panics on a failure.
pub fn exercise(text: &str) -> Outcome {
    let loaded = match load_str(text, "fuzz.ron") {
        Ok(l) => l,
        Err(diags) => {
            assert!(!diags.0.is_empty(), "refused without a diagnostic");
            let lines = text.lines().count().max(1) + 1;
            for d in &diags.0 {
                assert!(!d.message.trim().is_empty(), "empty message: {d:?}");
                assert!(
                    d.line <= lines && (d.line == 0 || d.col > 0),
                    "position {}:{} outside a text of {lines} lines: {d}",
                    d.line,
                    d.col
                );
                assert!(d.to_string().starts_with("fuzz.ron"), "{d}");
            }
            return Outcome::Invalid(diags.0.len());
        }
    };
    let s = &loaded.scenario;
    let _ = explain(s);
    let model = Model::compile(s);
    let years = model.year_count();
    let mut sink = FiniteSink {
        model: &model,
        collector: Collector::new(model.layout.len(), years),
    };
    let mut ws = Workspace::default();
    let seed = s.horizon.seed.unwrap_or(1);
    for trial in 0..MAX_TRIALS {
        simulate(&model, seed, trial, &mut ws, &mut sink);
    }
    let results = Results::from_collector(&model, &sink.collector, seed);
    for m in &results.metrics {
        for (t, st) in m.by_year.iter().enumerate() {
            assert_finite(st, &m.id, &format!("year {t}"));
        }
        assert_finite(&m.horizon, &m.id, "horizon");
    }
    Outcome::Ran {
        trial_years: MAX_TRIALS * years as u64,
    }
}

/// Records into a collector, as the engine does, after checking each value.
struct FiniteSink<'a> {
    model: &'a Model,
    collector: Collector,
}

impl FiniteSink<'_> {
    fn check(&self, values: &[f64], when: &str) {
        for (v, metric) in values.iter().zip(&self.model.layout.metrics) {
            assert!(
                v.is_finite() && v.abs() < EXACT_RANGE,
                "{} = {v} in {when}",
                metric.id()
            );
        }
    }
}

impl TrialSink for FiniteSink<'_> {
    fn year(&mut self, t: usize, values: &[f64]) {
        self.check(values, &format!("year {t}"));
        self.collector.year(t, values);
    }

    fn horizon(&mut self, trial: u64, values: &[f64]) {
        self.check(values, "the horizon");
        self.collector.horizon(trial, values);
    }
}

fn assert_finite(st: &Stats, id: &str, when: &str) {
    let fields = [
        st.mean, st.sd, st.se, st.min, st.p1, st.p5, st.p10, st.p25, st.p50, st.p75, st.p90,
        st.p95, st.p99, st.max,
    ];
    assert!(fields.iter().all(|v| v.is_finite()), "{id} {when}: {st:?}");
}
