//! A shard's result: the full state of its accumulators, for `corridor merge`.
//!
//! `partial.json` holds everything merge needs to check that shards belong together (format
//! version, scenario text and its hash, seed, total trials, shard K/N) and the collector state;
//! `partial.sha256` holds its SHA-256 in `sha256sum` format, so a truncated or damaged file is
//! refused (and `sha256sum -c partial.sha256` checks it by hand).
//!
//! A checksum is not validation: anyone can edit the file and compute a new one. So every field
//! is checked before merge uses it, and refused with the file and the field named: numbers that
//! would divide by zero, panic or size an allocation (K/N, trials, elapsed time, threads) are
//! checked while deserialising (`Shard`) or right after (`check`), the statistics' internal
//! consistency by their own types (`stats::Collector` and what it holds), and the scenario text
//! against its hash. What only a set of shards can show (one run, every shard once) is in
//! `shard_set`.

use crate::output::error::{Context, Result, refuse, refused};

use std::io::Read;
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::bounded::shorten;
use super::{Exporter, RunInfo};
use crate::engine::RunOutput;
use crate::engine::shard::Shard;
use crate::scenario::Loaded;
use crate::scenario::compose::has_extends;
use crate::scenario::limits::Limits;
use crate::scenario::load::MAX_FILE_BYTES as MAX_SCENARIO_BYTES;
use crate::stats::Collector;

pub const FORMAT: &str = "corridor-partial";
pub const VERSION: u32 = 1;
pub const FILE: &str = "partial.json";
pub const CHECKSUM_FILE: &str = "partial.sha256";

/// Largest `partial.json` read: 512 MiB. The baseline's is about 1 MB; the largest scenario
/// `check` accepts (50,000 statistics) with every histogram as wide as the baseline's widest
/// needs about 300 MB.
pub const MAX_FILE_BYTES: u64 = 512 << 20;
/// Largest `partial.sha256` read (one line of 81 bytes).
const MAX_CHECKSUM_BYTES: u64 = 4096;
/// Longest elapsed time a shard may report: 10^9 s, about 32 years.
pub const MAX_ELAPSED_SECONDS: f64 = 1e9;
/// Most threads a shard may report: `--threads` takes 1 to 1024, and without it a run uses one
/// per core, which no machine today has more than 65,535 of.
pub const MAX_THREADS: usize = 65_535;
/// Longest echo of a text field or a parser message in an error.
const ECHO: usize = 200;
/// Longest path, version string or scenario name a shard may carry (bytes).
const MAX_NAME_BYTES: usize = 4096;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
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

/// The two fields read first, so a file of another format or version is named as such rather
/// than as a list of fields this version does not know.
#[derive(Deserialize)]
struct Head {
    format: String,
    version: u32,
}

/// What a shard hands its exporters: its partial result and how the run went.
pub struct ShardResult<'a> {
    pub partial: &'a Partial,
    pub info: &'a RunInfo,
}

impl AsRef<RunInfo> for ShardResult<'_> {
    fn as_ref(&self) -> &RunInfo {
        self.info
    }
}

/// `partial.json`.
pub struct PartialJson;

impl<'a> Exporter<ShardResult<'a>> for PartialJson {
    fn file_name(&self) -> &'static str {
        FILE
    }

    fn render(&self, s: &ShardResult<'a>) -> Result<Vec<u8>> {
        Ok(s.partial.to_files()?.0)
    }
}

/// `partial.sha256`: the checksum of `partial.json` (serialised again, to the same bytes).
pub struct PartialChecksum;

impl<'a> Exporter<ShardResult<'a>> for PartialChecksum {
    fn file_name(&self) -> &'static str {
        CHECKSUM_FILE
    }

    fn render(&self, s: &ShardResult<'a>) -> Result<Vec<u8>> {
        Ok(s.partial.to_files()?.1)
    }
}

impl Partial {
    /// The partial result of `shard`: trials `first..first + count` (`range`) of a run of
    /// `trials` trials of `loaded` seeded with `seed`, with the engine's statistics of them.
    pub fn new(
        loaded: &Loaded,
        seed: u64,
        trials: u64,
        shard: Shard,
        (first, count): (u64, u64),
        run: RunOutput,
    ) -> Partial {
        Partial {
            format: FORMAT.into(),
            version: VERSION,
            corridor_version: env!("CARGO_PKG_VERSION").into(),
            scenario: loaded.scenario.name.clone(),
            scenario_sha256: text_sha256(&loaded.text),
            scenario_text: loaded.text.clone(),
            scenario_file: loaded.file.clone(),
            seed,
            trials,
            shard,
            first,
            count,
            elapsed_seconds: run.elapsed.as_secs_f64(),
            threads: run.threads,
            collector: run.collector,
        }
    }

    /// Serialised bytes of `partial.json` and the matching `partial.sha256` line.
    pub fn to_files(&self) -> Result<(Vec<u8>, Vec<u8>)> {
        let json = serde_json::to_vec(self)?;
        let sum = format!("{}  {FILE}\n", hex(&Sha256::digest(&json)));
        Ok((json, sum.into_bytes()))
    }

    /// Reads and verifies a shard's result from its folder (or from a `partial.json` path).
    pub fn read(path: &Path) -> Result<Partial> {
        let dir = if path.is_dir() {
            path.to_path_buf()
        } else {
            path.parent().map(Path::to_path_buf).unwrap_or_default()
        };
        let file = dir.join(FILE);
        let json = read_regular(&file, MAX_FILE_BYTES).with_context(|| {
            format!(
                "cannot read {}; is {} a shard's output folder?",
                file.display(),
                path.display()
            )
        })?;
        let sums =
            read_regular(&dir.join(CHECKSUM_FILE), MAX_CHECKSUM_BYTES).with_context(|| {
                format!(
                    "{} has no readable {CHECKSUM_FILE}; the shard did not finish writing",
                    dir.display()
                )
            })?;
        let expected = sums
            .split(|b| b.is_ascii_whitespace())
            .next()
            .unwrap_or_default();
        if expected != hex(&Sha256::digest(&json)).as_bytes() {
            refuse!(
                "{} does not match its checksum in {CHECKSUM_FILE}: the file is damaged or was edited; rerun that shard",
                file.display()
            );
        }
        Partial::parse(&json, &file.display().to_string())
    }

    /// Parses and checks the text of a `partial.json`; `file` names it in messages. Every
    /// refusal names the file and the field, and is at most a few hundred characters long.
    pub fn parse(json: &[u8], file: &str) -> Result<Partial> {
        let rerun =
            "the file is damaged or was not written by `corridor run --shard`; rerun that shard";
        if let Ok(head) = serde_json::from_slice::<Head>(json)
            && (head.format != FORMAT || head.version != VERSION)
        {
            refuse!(
                "{file} is format {:?} version {}; this corridor reads {FORMAT} version {VERSION}",
                shorten(&head.format, 40),
                head.version
            );
        }
        let mut de = serde_json::Deserializer::from_slice(json);
        let partial: Partial = serde_path_to_error::deserialize(&mut de)
            .map_err(|e| {
                let path = e.path().to_string();
                let field = if path == "." || path == "?" {
                    String::new()
                } else {
                    format!("{}: ", shorten(&path, 80))
                };
                let message = without_position(e.inner());
                refused!("{file}: {field}{}; {rerun}", shorten(&message, ECHO))
            })
            .and_then(|p| {
                de.end()
                    .map_err(|e| refused!("{file}: {}; {rerun}", without_position(&e)))?;
                Ok(p)
            })?;
        partial
            .check()
            .map_err(|(field, problem)| refused!("{file}: {field}: {problem}; {rerun}"))?;
        Ok(partial)
    }

    /// The checks of one shard's fields that their types do not make: `(field, problem)`.
    fn check(&self) -> Result<(), (&'static str, String)> {
        let text = |field, v: &str| {
            if v.len() > MAX_NAME_BYTES || v.chars().any(char::is_control) {
                Err((
                    field,
                    format!(
                        "{:?} is not a printable text of at most {MAX_NAME_BYTES} bytes",
                        shorten(v, 40)
                    ),
                ))
            } else {
                Ok(())
            }
        };
        text("corridor_version", &self.corridor_version)?;
        text("scenario", &self.scenario)?;
        text("scenario_file", &self.scenario_file)?;
        if self.scenario_text.len() as u64 > MAX_SCENARIO_BYTES {
            return Err((
                "scenario_text",
                format!(
                    "is {} bytes; scenario files are limited to {MAX_SCENARIO_BYTES}",
                    self.scenario_text.len()
                ),
            ));
        }
        if self.scenario_sha256 != text_sha256(&self.scenario_text) {
            return Err((
                "scenario_sha256",
                "is not the SHA-256 of scenario_text (the scenario was edited after the shard ran)"
                    .into(),
            ));
        }
        if has_extends(&self.scenario_text) {
            return Err((
                "scenario_text",
                "extends another file, but a shard stores its scenario resolved into one text"
                    .into(),
            ));
        }
        let max_trials = Limits::default().max_trials;
        if !(1..=max_trials).contains(&self.trials) {
            return Err((
                "trials",
                format!(
                    "{} is not a trial count from 1 to {max_trials}",
                    self.trials
                ),
            ));
        }
        let (first, count) = self.shard.range(self.trials);
        if (self.first, self.count) != (first, count) {
            return Err((
                "first, count",
                format!(
                    "say trials {}..{}, but shard {} of {} trials holds trials {first}..{}",
                    self.first,
                    u128::from(self.first) + u128::from(self.count),
                    self.shard,
                    self.trials,
                    first + count
                ),
            ));
        }
        let e = self.elapsed_seconds;
        if !(e.is_finite() && (0.0..=MAX_ELAPSED_SECONDS).contains(&e)) {
            return Err((
                "elapsed_seconds",
                format!("{e:?} is not a number of seconds from 0 to {MAX_ELAPSED_SECONDS:e}"),
            ));
        }
        if !(1..=MAX_THREADS).contains(&self.threads) {
            return Err((
                "threads",
                format!(
                    "{} is not a thread count from 1 to {MAX_THREADS}",
                    self.threads
                ),
            ));
        }
        if let Some(cell) = self.collector.saturated_cell() {
            return Err((
                "collector",
                format!(
                    "acc[{cell}] is marked saturated, but a shard whose statistics left their \
                     exact range is refused when it runs and never written"
                ),
            ));
        }
        if self.collector.trials() != self.count {
            return Err((
                "collector",
                format!(
                    "holds {} trials but count says {}",
                    self.collector.trials(),
                    self.count
                ),
            ));
        }
        Ok(())
    }
}

/// A serde_json message without its ` at line L column C` (the field path says where).
fn without_position(e: &serde_json::Error) -> String {
    let message = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    message
        .strip_suffix(&suffix)
        .map_or(message.clone(), str::to_string)
}

/// The bytes of a regular file (after following links) of at most `limit` bytes. A FIFO or a
/// device is refused before it is opened, so nothing waits on a writer that never comes.
fn read_regular(path: &Path, limit: u64) -> Result<Vec<u8>> {
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        refuse!("it is not a regular file");
    }
    if meta.len() > limit {
        refuse!("it is {} bytes; the limit is {limit}", meta.len());
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(limit + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        refuse!("it is more than {limit} bytes");
    }
    Ok(bytes)
}

/// Lower-case hex of a digest.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// SHA-256 of a scenario's text, as stored in partials.
pub fn text_sha256(text: &str) -> String {
    hex(&Sha256::digest(text.as_bytes()))
}
