//! Disruption events in continuous time.
//!
//! Each process draws its events year by year from its own stream: a Poisson number (or a
//! Bernoulli one for annual probabilities) with uniform start days within the process's season,
//! and a duration and severity per event (and, where the scenario describes one, a full stop at
//! its start: real terminal outages stop everything for days, then run partly for weeks). An
//! event is an interval of days that may run into later years. On an asset with a storage buffer
//! of S days, the first S days of each event are absorbed by storage, whatever the phase.
//! Overlapping events on one asset multiply: capacity left = Π (1 − severity_i). A season that
//! wraps the year end belongs to the year it begins in; the first year also draws the one that
//! began the year before the horizon, or the first winter would be half missing.
//! `segments` cuts each year at the times events start or end.

use rand::RngExt;

use super::compile::{Model, Outage, Process};
use super::counts::{Memo, sample_uncertain};
use super::params::Values;
use crate::model::streams::{StreamRng, stream};
use crate::scenario::dates::YEAR_DAYS;
use crate::scenario::limits::MAX_DURATION_DAYS;

/// A process's stream in one trial, with what its counts remember within the trial.
#[derive(Debug, Clone)]
pub struct ProcessStream {
    rng: StreamRng,
    memo: Memo,
}

/// Draws the events of the seasons that begin in year `t` and appends them (one `Outage` per
/// asset hit). In the first year, a season that wraps the year end (November to March) also
/// draws the season that began the year before the horizon, first and with the first year's
/// frequency and regime: its January to March events, and its late events still running, fall
/// in the horizon, so the first simulated winter is as whole as every later one.
pub fn draw_year(
    model: &Model,
    values: &Values,
    t: usize,
    regime: usize,
    streams: &mut [ProcessStream],
    out: &mut Vec<Outage>,
) {
    for (process, stream) in model.processes.iter().zip(streams.iter_mut()) {
        if !process.active[t] {
            continue;
        }
        let r = regime.min(process.multiplier.len() - 1);
        let (season_start, season_len) = process.season;
        if t == 0 && season_start + season_len > YEAR_DAYS {
            let n = count(process, values, t, r, stream);
            draw_events(model, process, -YEAR_DAYS, n, &mut stream.rng, out);
        }
        // Most process-years have no event: the events are drawn out of line.
        let n = count(process, values, t, r, stream);
        if n > 0 {
            draw_events(
                model,
                process,
                t as f64 * YEAR_DAYS,
                n,
                &mut stream.rng,
                out,
            );
        }
    }
}

/// The number of events of `process` in year `t` under regime state `r`.
#[inline]
fn count(
    process: &Process,
    values: &Values,
    t: usize,
    r: usize,
    stream: &mut ProcessStream,
) -> u64 {
    match process.fixed_counts.get(process.step[t]) {
        Some(counts) => counts[r].sample(&mut stream.rng),
        None => sample_uncertain(
            process.kind,
            values.get(process.frequency[t]),
            process.multiplier[r],
            r,
            &mut stream.memo,
            &mut stream.rng,
        ),
    }
}

/// Draws `n` events of `process` whose season begins at day `year_start`.
#[inline(never)]
fn draw_events(
    model: &Model,
    process: &Process,
    year_start: f64,
    n: u64,
    rng: &mut StreamRng,
    out: &mut Vec<Outage>,
) {
    for _ in 0..n {
        draw_event(model, process, year_start, rng, out);
    }
}

/// Draws one event of `process` whose season begins at day `year_start`.
fn draw_event(
    model: &Model,
    process: &Process,
    year_start: f64,
    rng: &mut StreamRng,
    out: &mut Vec<Outage>,
) {
    let (season_start, season_len) = process.season;
    let start = year_start + season_start + rng.random::<f64>() * season_len;
    // Clamped to 100 years, longer than any horizon: no result changes, and an event end stays
    // a finite day however heavy the law's tail.
    let duration = process
        .duration_days
        .sample(rng)
        .clamp(0.0, MAX_DURATION_DAYS);
    let left = 1.0 - process.severity.sample(rng).clamp(0.0, 1.0);
    // A full stop first, then `left` for the rest: drawn last, and only where the scenario
    // describes one, so that a process without it draws exactly as before.
    let split = match &process.full_stop_days {
        Some(law) => {
            let full = law.sample(rng).clamp(0.0, MAX_DURATION_DAYS).min(duration);
            start + full
        }
        None => start,
    };
    let end = start + duration;
    for &asset in &process.assets {
        // Storage absorbs the first days of the event, whichever phase they fall in.
        let buffered = start + model.assets[asset].storage_days;
        // An outage over before the horizon starts (a pre-horizon season's) changes nothing.
        let mut push = |from: f64, to: f64, left: f64| {
            if to > from && to > 0.0 && left < 1.0 {
                out.push(Outage {
                    asset,
                    start: from,
                    end: to,
                    left,
                });
            }
        };
        if left == 0.0 {
            push(buffered, end, 0.0);
        } else {
            push(buffered, split, 0.0);
            push(buffered.max(split), end, left);
        }
    }
}

/// The streams of every process for one trial.
pub fn open_streams(model: &Model, trial_seed: u64, streams: &mut Vec<ProcessStream>) {
    streams.clear();
    streams.extend(model.processes.iter().map(|p| ProcessStream {
        rng: stream(trial_seed, p.key),
        memo: Memo::default(),
    }));
}

/// Drops outages that ended before year `t` starts.
pub fn retire(outages: &mut Vec<Outage>, t: usize) {
    let lo = t as f64 * YEAR_DAYS;
    outages.retain(|o| o.end > lo);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Model;
    use crate::scenario::load_str;

    /// The outages of every event of one year of a process with fixed laws: (start, end, left).
    fn events_of(full_stop: &str, storage: f64) -> Vec<(f64, f64, f64)> {
        let text = format!(
            r#"Scenario(name: "x", horizon: (first_year: 2025, last_year: 2025),
            producers: [(name: "P", production: (anchors: {{ 2025: 1.0 }}), barrels_per_tonne: 7.0)],
            assets: [(name: "A", capacity: {{ 2025: 1.0 }}, storage_days: {storage:?})],
            routes: [(name: "R", producers: ["P"], assets: ["A"])],
            disruptions: [(name: "D", assets: ["A"], frequency: Rate(20.0), duration_days: 30.0,
                           severity: 0.25{full_stop})],
            prices: (benchmark: PerYear(50.0)))"#
        );
        let model = Model::compile(&load_str(&text, "x.ron").unwrap().scenario);
        let mut values = Values::default();
        values.start_trial(&model.params, 1);
        let mut streams = Vec::new();
        open_streams(&model, 1, &mut streams);
        let mut out = Vec::new();
        draw_year(&model, &values, 0, 0, &mut streams, &mut out);
        assert!(!out.is_empty());
        out.iter().map(|o| (o.start, o.end, o.left)).collect()
    }

    #[test]
    fn a_full_stop_then_partial_event_is_two_outages_behind_the_buffer() {
        // The same stream: the same starts as without the full stop (it is drawn last).
        let plain = events_of("", 2.0);
        let phased = events_of(", full_stop_days: 5.0", 2.0);
        assert_eq!(phased.len(), 2 * plain.len());
        for (p, pair) in plain.iter().zip(phased.chunks(2)) {
            let start = p.0 - 2.0;
            assert_eq!(*p, (start + 2.0, start + 30.0, 0.75));
            assert_eq!(pair[0], (start + 2.0, start + 5.0, 0.0));
            assert_eq!(pair[1], (start + 5.0, start + 30.0, 0.75));
        }
        // A buffer longer than the full stop absorbs all of it.
        let absorbed = events_of(", full_stop_days: 5.0", 8.0);
        assert_eq!(absorbed.len(), plain.len());
        for (p, a) in plain.iter().zip(&absorbed) {
            assert_eq!(*a, (p.0 + 6.0, p.1, 0.75));
        }
        // A full stop longer than the event is the whole event.
        let whole = events_of(", full_stop_days: 90.0", 2.0);
        for (p, w) in plain.iter().zip(&whole) {
            assert_eq!(*w, (p.0, p.1, 0.0));
        }
    }

    /// Events a year of one process under each of two regime states, fixed rate and uncertain
    /// (drawn once per trial), against Poisson(λ·m): mean within 4 standard errors, sqrt(λm/n)
    /// (fixed seeds, so the test is repeatable).
    #[test]
    fn yearly_counts_follow_the_rate_times_the_regime_multiplier() {
        for frequency in ["Rate(1.5)", "Rate(Uniform(min: 1.0, max: 2.0))"] {
            let text = format!(
                r#"Scenario(name: "x", horizon: (first_year: 2025, last_year: 2025),
                producers: [(name: "P", production: (anchors: {{ 2025: 1.0 }}), barrels_per_tonne: 7.0)],
                assets: [(name: "A", capacity: {{ 2025: 1.0 }})],
                routes: [(name: "R", producers: ["P"], assets: ["A"])],
                disruptions: [(name: "D", assets: ["A"], frequency: {frequency},
                               duration_days: 10.0, severity: 0.5)],
                regimes: [(name: "calm", initial: 0.5, next: [0.5, 0.5], frequency_multipliers: {{ "D": 0.5 }}),
                          (name: "war", initial: 0.5, next: [0.5, 0.5], frequency_multipliers: {{ "D": 3.0 }})],
                prices: (benchmark: PerYear(50.0)))"#
            );
            let model = Model::compile(&load_str(&text, "x.ron").unwrap().scenario);
            let process = &model.processes[0];
            assert_eq!(process.fixed_counts.is_empty(), frequency != "Rate(1.5)");
            let mut values = Values::default();
            values.start_trial(&model.params, 3);
            let base = values.get(process.frequency[0]);
            let mut streams = Vec::new();
            open_streams(&model, 3, &mut streams);
            let n = 40_000;
            let mut totals = [0usize; 2];
            let mut out = Vec::new();
            for i in 0..2 * n {
                out.clear();
                draw_year(&model, &values, 0, i % 2, &mut streams, &mut out);
                // One outage per event: no storage, a 10-day event, a partial severity.
                totals[i % 2] += out.len();
            }
            for (r, m) in [0.5, 3.0].into_iter().enumerate() {
                let lambda = base * m;
                let mean = totals[r] as f64 / n as f64;
                let se = (lambda / n as f64).sqrt();
                assert!(
                    (mean - lambda).abs() < 4.0 * se,
                    "{frequency}, regime {r}: {mean} events a year vs {lambda}"
                );
            }
        }
    }
}
