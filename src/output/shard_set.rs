//! The shards given to `corridor merge`: checked to be one whole run, then merged.
//!
//! Each shard's file is checked on its own when read (`partial`); what only the set can show is
//! here: all come from one run (scenario text, seed, trials, N, corridor version), every shard
//! 0 … N−1 is there exactly once, the statistics have the shape the scenario compiles to, and
//! merging them stays within a memory bound and within the statistics' exact range. Messages
//! name the shard's file and stay short whatever N is (`bounded`).

use crate::output::error::{Context, Result, refuse, refused};

use std::time::Duration;

use super::bounded::{self, describe, gaps, shorten, thousands};
use super::partial::Partial;
use crate::engine::{EngineError, saturated_metric};
use crate::model::Model;
use crate::scenario::{Loaded, load_str};
use crate::stats::Collector;

/// Most bytes of histogram buckets a merge may hold: 2 GiB, enough for the largest scenario
/// `check` accepts (50,000 statistics) with every histogram as wide as the baseline's widest
/// (5,153 buckets). Shards far apart in value would need the whole span between them.
pub const MAX_MERGED_BYTES: u64 = 2 << 30;
/// Ranges of missing shards listed before "and N more".
const SHOWN: usize = 5;
/// Scenario problems listed before "and N more".
const SHOWN_PROBLEMS: usize = 10;

/// Checks that shards belong to one run and together cover it once; returns them in shard
/// order with their names.
pub fn check_set(mut parts: Vec<(String, Partial)>) -> Result<Vec<(String, Partial)>> {
    let Some((first_name, first)) = parts.first().cloned() else {
        refuse!("give at least one shard folder to merge");
    };
    for (name, p) in &parts {
        let differs = |what: &str| {
            refused!("{name} and {first_name} come from different runs: their {what} differ")
        };
        if p.scenario_sha256 != first.scenario_sha256 {
            return Err(differs("scenario texts"));
        }
        if p.seed != first.seed {
            return Err(differs("seeds"));
        }
        if p.trials != first.trials {
            return Err(differs("total trial counts"));
        }
        if p.shard.count != first.shard.count {
            return Err(differs("shard counts (N)"));
        }
        if p.corridor_version != first.corridor_version {
            return Err(differs("corridor versions"));
        }
        if p.corridor_version != env!("CARGO_PKG_VERSION") {
            refuse!(
                "{name} was written by corridor {}, this is {}; merge with the version that ran the shards",
                shorten(&p.corridor_version, 40),
                env!("CARGO_PKG_VERSION")
            );
        }
    }
    parts.sort_by_key(|(_, p)| p.shard.index);
    for pair in parts.windows(2) {
        if pair[0].1.shard.index == pair[1].1.shard.index {
            if pair[0].0 == pair[1].0 {
                refuse!("{} is given twice; give each shard once", pair[0].0);
            }
            refuse!(
                "{} and {} are both shard {}; give each shard once",
                pair[0].0,
                pair[1].0,
                pair[0].1.shard
            );
        }
    }
    // Sized by the shards given, not by N (which a file states).
    let n = first.shard.count;
    let have: Vec<u64> = parts.iter().map(|(_, p)| p.shard.index).collect();
    let missing = gaps(&have, n);
    if !missing.is_empty() {
        refuse!(
            "{} of {} shards missing: K = {}; merge needs all {}",
            thousands(bounded::count(&missing)),
            thousands(n),
            describe(&missing, SHOWN),
            thousands(n)
        );
    }
    Ok(parts)
}

/// A merged run: the scenario the shards ran, its model and their statistics added up.
pub struct Merged {
    pub loaded: Loaded,
    pub model: Model,
    pub collector: Collector,
    /// The shards' threads and elapsed times added up (run.json describes their work).
    pub threads: usize,
    pub elapsed: Duration,
}

/// Merges shards that passed `check_set`, checking each shard's statistics against the model
/// its scenario compiles to before adding them up.
pub fn merge(parts: &[(String, Partial)]) -> Result<Merged> {
    merge_within(parts, MAX_MERGED_BYTES)
}

/// `merge` with another bound on the histograms' memory (tests reach it with small scenarios).
pub fn merge_within(parts: &[(String, Partial)], max_bytes: u64) -> Result<Merged> {
    let Some((_, first)) = parts.first() else {
        refuse!("give at least one shard folder to merge");
    };
    let loaded = load_str(&first.scenario_text, &first.scenario_file).map_err(|d| {
        let shown: Vec<String> =
            d.0.iter()
                .take(SHOWN_PROBLEMS)
                .map(|x| x.to_string())
                .collect();
        let more = d.0.len().saturating_sub(SHOWN_PROBLEMS);
        let more = if more > 0 {
            format!("\nand {more} more")
        } else {
            String::new()
        };
        refused!(
            "the shards' scenario no longer validates:\n{}{more}",
            shown.join("\n")
        )
    })?;
    let model = Model::compile(&loaded.scenario);
    let shape = (model.layout.len(), model.year_count());
    for (name, p) in parts {
        if p.scenario != loaded.scenario.name {
            refuse!(
                "{name}: scenario: {:?} is not the name in its scenario_text ({:?}); rerun that shard",
                shorten(&p.scenario, 40),
                shorten(&loaded.scenario.name, 40)
            );
        }
        let held = (p.collector.metrics(), p.collector.years());
        if held != shape {
            refuse!(
                "{name}: collector: holds {} metrics over {} years, but its scenario makes {} over {}; \
                 it was written by another corridor version",
                held.0,
                held.1,
                shape.0,
                shape.1
            );
        }
    }
    let mut collector = Collector::new(shape.0, shape.1);
    for (name, p) in parts {
        let bytes = collector.bytes_after_merge(&p.collector);
        if bytes > max_bytes {
            refuse!(
                "{name}: collector: merging it would take {} MiB of histogram buckets, more than \
                 the limit of {} MiB; its values are far outside the other shards' (was it edited?)",
                thousands(bytes >> 20),
                thousands(max_bytes >> 20)
            );
        }
        collector.merge(&p.collector);
    }
    if let Some(metric) = saturated_metric(&model, &collector) {
        return Err(EngineError::Saturated(metric).into());
    }
    let threads = parts
        .iter()
        .try_fold(0usize, |t, (_, p)| t.checked_add(p.threads))
        .context("the shards' thread counts add up to more than a number can hold")?;
    // Each shard's elapsed time is at most 10^9 s, so the sum is a valid Duration.
    let seconds: f64 = parts.iter().map(|(_, p)| p.elapsed_seconds).sum();
    let elapsed = Duration::try_from_secs_f64(seconds)
        .map_err(|e| refused!("the shards' elapsed times add up to {seconds} s: {e}"))?;
    Ok(Merged {
        loaded,
        model,
        collector,
        threads,
        elapsed,
    })
}
