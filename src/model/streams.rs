//! Where every random number comes from: (seed, trial index, input name) and nothing else.
//!
//! Each trial's inputs draw from their own Xoshiro256++ streams, seeded by mixing the run seed,
//! the trial index and a hash of the input's name. Results therefore do not depend on thread
//! count, on how trials are split across shards, or on the order inputs appear in the file — and
//! two scenarios that share an input draw the same values for it in trial i (common random
//! numbers for paired comparisons).
//!
//! Every stream key is spelled once: a scenario number's key by its field description
//! (`scenario::fields`, e.g. `route/CPC/differential`), the streams no single number owns here.

use rand::SeedableRng;
use rand::rngs::Xoshiro256PlusPlus;

/// The generator every stream uses.
pub type StreamRng = Xoshiro256PlusPlus;

/// SplitMix64's finaliser: a bijective mixer that spreads nearby integers far apart.
pub fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The seed of trial `trial` in a run seeded with `seed`.
pub fn trial_seed(seed: u64, trial: u64) -> u64 {
    mix(seed ^ mix(trial))
}

/// The stream of one named input within a trial.
pub fn stream(trial_seed: u64, key: u64) -> StreamRng {
    StreamRng::seed_from_u64(mix(trial_seed ^ key))
}

/// The regime chain's stream (one uniform a year).
pub const REGIMES: &str = "regimes";
/// The mean-reverting benchmark's yearly shocks.
pub const BENCHMARK_SHOCKS: &str = "prices/benchmark";

/// A disruption process's stream: event counts, starts, durations and severities.
pub fn events(disruption: &str) -> String {
    format!("disruption/{disruption}/events")
}

/// A correlation group's stream: `correlation/` and its members' keys, sorted, joined by `|`.
pub fn correlation(members: &[&str]) -> String {
    let mut sorted = members.to_vec();
    sorted.sort_unstable();
    format!("correlation/{}", sorted.join("|"))
}

/// The random streams a trial of `model` draws from: each stream's key, with what it is drawn
/// for (an input, a disruption's events, the regime chain, the price path), since two uses of
/// one key draw differently. Two scenarios that share a stream draw the same numbers from it in
/// trial i (common random numbers); two that share none gain nothing from being paired.
pub fn used_by(model: &super::Model) -> Vec<(u64, &'static str)> {
    let params = &model.params;
    let inputs = params.per_trial.iter().chain(&params.per_year);
    let mut streams: Vec<(u64, &str)> = inputs.map(|i| (i.key, "input")).collect();
    streams.extend(model.processes.iter().map(|p| (p.key, "events")));
    if model.regimes.is_some() {
        streams.push((key(REGIMES), "regimes"));
    }
    let shocks = matches!(model.prices, super::compile::Prices::MeanReverting { .. });
    if shocks && model.year_count() > 1 {
        streams.push((key(BENCHMARK_SHOCKS), "price path")); // a shock each later year
    }
    streams.sort_unstable();
    streams.dedup();
    streams
}

/// A stable 64-bit name for an input (FNV-1a): fixed across builds, platforms and versions,
/// unlike `std`'s hasher, because stream keys are part of the reproducibility contract.
pub fn key(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    #[test]
    fn streams_are_pinned() {
        // Golden values: changing them changes every result corridor has ever published.
        assert_eq!(key("regimes"), 12_625_176_459_620_421_675);
        let mut r = stream(trial_seed(42, 7), key("regimes"));
        assert_eq!(r.next_u64(), 11_000_916_110_719_621_253);
    }

    #[test]
    fn neighbouring_trials_differ() {
        let a = stream(trial_seed(1, 0), 5).next_u64();
        let b = stream(trial_seed(1, 1), 5).next_u64();
        assert_ne!(a, b);
    }
}
