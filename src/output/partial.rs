//! A shard's result: the full state of its accumulators, for `corridor merge`.
//!
//! `partial.json` holds everything merge needs to check that shards belong together (format
//! version, scenario text and its hash, seed, total trials, shard K/N) and the collector state;
//! `partial.sha256` holds its SHA-256 in `sha256sum` format, so a truncated or edited file is
//! refused (and `sha256sum -c partial.sha256` checks it by hand).

use std::path::Path;

use anyhow::{Context, bail};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::engine::shard::Shard;
use crate::stats::Collector;

pub const FORMAT: &str = "corridor-partial";
pub const VERSION: u32 = 1;
pub const FILE: &str = "partial.json";
pub const CHECKSUM_FILE: &str = "partial.sha256";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Partial {
    pub format: String,
    pub version: u32,
    pub corridor_version: String,
    pub scenario: String,
    pub scenario_sha256: String,
    /// The scenario exactly as run, so merge can compile the same model and copy it out.
    pub scenario_text: String,
    pub scenario_file: String,
    pub seed: u64,
    /// Trials of the whole run (all shards).
    pub trials: u64,
    pub shard: Shard,
    pub first: u64,
    pub count: u64,
    /// How long the shard ran and on how many threads (merged run.json adds these up).
    pub elapsed_seconds: f64,
    pub threads: usize,
    pub collector: Collector,
}

impl Partial {
    /// Serialised bytes of `partial.json` and the matching `partial.sha256` line.
    pub fn to_files(&self) -> anyhow::Result<(Vec<u8>, Vec<u8>)> {
        let json = serde_json::to_vec(self)?;
        let sum = format!("{}  {FILE}\n", hex(&Sha256::digest(&json)));
        Ok((json, sum.into_bytes()))
    }

    /// Reads and verifies a shard's result from its folder (or from a `partial.json` path).
    pub fn read(path: &Path) -> anyhow::Result<Partial> {
        let dir = if path.is_dir() {
            path.to_path_buf()
        } else {
            path.parent().map(Path::to_path_buf).unwrap_or_default()
        };
        let file = dir.join(FILE);
        let json = std::fs::read(&file).with_context(|| {
            format!(
                "cannot read {}; is {} a shard's output folder?",
                file.display(),
                path.display()
            )
        })?;
        let sums = std::fs::read_to_string(dir.join(CHECKSUM_FILE)).with_context(|| {
            format!(
                "{} has no {CHECKSUM_FILE}; the shard did not finish writing",
                dir.display()
            )
        })?;
        let expected = sums.split_whitespace().next().unwrap_or_default();
        if expected != hex(&Sha256::digest(&json)) {
            bail!(
                "{} does not match its checksum in {CHECKSUM_FILE}: the file is damaged or was edited; rerun that shard",
                file.display()
            );
        }
        let partial: Partial = serde_json::from_slice(&json)
            .with_context(|| format!("{} is not a corridor shard result", file.display()))?;
        if partial.format != FORMAT || partial.version != VERSION {
            bail!(
                "{} is format {} version {}; this corridor reads {FORMAT} version {VERSION}",
                file.display(),
                partial.format,
                partial.version
            );
        }
        Ok(partial)
    }
}

/// Lower-case hex of a digest.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// SHA-256 of a scenario's text, as stored in partials.
pub fn text_sha256(text: &str) -> String {
    hex(&Sha256::digest(text.as_bytes()))
}

/// Checks that shards belong to one run and together cover it once; returns them in shard order.
pub fn check_set(mut parts: Vec<(String, Partial)>) -> anyhow::Result<Vec<Partial>> {
    let Some((first_name, first)) = parts.first().cloned() else {
        bail!("give at least one shard folder to merge");
    };
    for (name, p) in &parts {
        let differs = |what: &str| {
            anyhow::anyhow!("{name} and {first_name} come from different runs: their {what} differ")
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
            bail!(
                "{name} was written by corridor {}, this is {}; merge with the version that ran the shards",
                p.corridor_version,
                env!("CARGO_PKG_VERSION")
            );
        }
        if (p.first, p.count) != p.shard.range(p.trials) {
            bail!(
                "{name}: shard {} does not hold the trials it should; rerun it",
                p.shard
            );
        }
    }
    parts.sort_by_key(|(_, p)| p.shard.index);
    for pair in parts.windows(2) {
        if pair[0].1.shard.index == pair[1].1.shard.index {
            if pair[0].0 == pair[1].0 {
                bail!("{} is given twice; give each shard once", pair[0].0);
            }
            bail!(
                "{} and {} are both shard {}; give each shard once",
                pair[0].0,
                pair[1].0,
                pair[0].1.shard
            );
        }
    }
    let n = first.shard.count;
    let have: Vec<u64> = parts.iter().map(|(_, p)| p.shard.index).collect();
    let missing: Vec<String> = (0..n)
        .filter(|k| !have.contains(k))
        .map(|k| format!("{k}/{n}"))
        .collect();
    if !missing.is_empty() {
        bail!(
            "missing shard(s) {}: merge needs all {n}",
            missing.join(", ")
        );
    }
    Ok(parts.into_iter().map(|(_, p)| p).collect())
}
