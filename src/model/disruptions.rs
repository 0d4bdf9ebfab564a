//! Disruption events in continuous time.
//!
//! Each process draws its events year by year from its own stream: a Poisson number (or a
//! Bernoulli one for annual probabilities) with uniform start days within the process's season,
//! and a duration and severity per event. An event is an interval of days that may run into later
//! years. On an asset with a storage buffer of S days, the first S days of each event are absorbed
//! by storage. Overlapping events on one asset multiply: capacity left = Π (1 − severity_i).
//! `segments` cuts each year at the times events start or end.

use rand::RngExt;
use rand_distr::{Distribution, Poisson};

use super::compile::{FrequencyKind, Model, Outage};
use super::params::Values;
use crate::model::streams::{StreamRng, stream};
use crate::scenario::dates::YEAR_DAYS;
use crate::scenario::limits::{MAX_DURATION_DAYS, MAX_OUTAGES_PER_YEAR};

/// Draws the events that start in year `t` and appends them (one `Outage` per asset hit).
pub fn draw_year(
    model: &Model,
    values: &Values,
    t: usize,
    regime: usize,
    streams: &mut [StreamRng],
    out: &mut Vec<Outage>,
) {
    let year_start = t as f64 * YEAR_DAYS;
    for (process, rng) in model.processes.iter().zip(streams.iter_mut()) {
        if !process.active[t] {
            continue;
        }
        let r = regime.min(process.multiplier.len() - 1);
        let n = match process.fixed_counts.get(r) {
            Some(count) => count.sample(rng),
            None => Count::new(
                process.kind,
                values.get(process.frequency),
                process.multiplier[r],
            )
            .sample(rng),
        };
        for _ in 0..n {
            let (season_start, season_len) = process.season;
            let start = year_start + season_start + rng.random::<f64>() * season_len;
            // Clamped to 100 years, longer than any horizon: no result changes, and an event
            // end stays a finite day however heavy the law's tail.
            let duration = process
                .duration_days
                .sample(rng)
                .clamp(0.0, MAX_DURATION_DAYS);
            let left = 1.0 - process.severity.sample(rng).clamp(0.0, 1.0);
            for &asset in &process.assets {
                let buffered = start + model.assets[asset].storage_days;
                let end = start + duration;
                if end > buffered && left < 1.0 {
                    out.push(Outage {
                        asset,
                        start: buffered,
                        end,
                        left,
                    });
                }
            }
        }
    }
}

/// The law of a process's number of events in one year. Built per year from an uncertain
/// frequency, or once per regime state at compile time when the frequency is fixed (which
/// spares the `exp` or `powf` of its construction every year).
#[derive(Debug, Clone, Copy)]
pub enum Count {
    Never,
    Poisson(Poisson<f64>),
    /// One event with this probability.
    Bernoulli(f64),
}

impl Count {
    /// The count for base frequency `base` (a rate or an annual probability) scaled by a regime
    /// multiplier `m`.
    pub fn new(kind: FrequencyKind, base: f64, m: f64) -> Count {
        let base = base.max(0.0);
        match kind {
            FrequencyKind::Rate => {
                let lambda = base * m;
                if lambda <= 0.0 || !lambda.is_finite() {
                    return Count::Never;
                }
                // `check` bounds the expected outages of all processes together (limits.rs); a
                // draw from the tail of an uncertain rate, or a regime multiplier on it, is
                // capped at the same bound, so the work of a year stays bounded.
                Poisson::new(lambda.min(MAX_OUTAGES_PER_YEAR)).map_or(Count::Never, Count::Poisson)
            }
            // Scaling an annual probability by m scales its hazard: p' = 1 − (1 − p)^m.
            FrequencyKind::Probability => Count::Bernoulli(1.0 - (1.0 - base.min(1.0)).powf(m)),
        }
    }

    #[inline]
    pub fn sample(&self, rng: &mut StreamRng) -> u64 {
        match self {
            Count::Never => 0,
            Count::Poisson(d) => d.sample(rng) as u64,
            Count::Bernoulli(p) => u64::from(rng.random::<f64>() < *p),
        }
    }
}

/// The streams of every process for one trial.
pub fn open_streams(model: &Model, trial_seed: u64, streams: &mut Vec<StreamRng>) {
    streams.clear();
    streams.extend(model.processes.iter().map(|p| stream(trial_seed, p.key)));
}

/// Drops outages that ended before year `t` starts.
pub fn retire(outages: &mut Vec<Outage>, t: usize) {
    let lo = t as f64 * YEAR_DAYS;
    outages.retain(|o| o.end > lo);
}
