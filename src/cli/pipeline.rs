//! The one run pipeline: limits → output folder → staging → interrupt handler → run → export →
//! publish, shared by every command that writes a result folder.
//!
//! Why one: what keeps a result folder safe (refusing a folder corridor did not write or one
//! that overlaps an input, staging beside it and swapping it in whole, stopping cleanly on
//! Ctrl-C and leaving the old results as they were) must be the same for every command; copied
//! into each command, the copies drifted. A command says what it computes (`Work::simulate`),
//! which files it exports (`Work::export`) and what it tells people (`Work::say`); the rest is
//! here, once. `merge` simulates nothing and enters at `publish`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use corridor::engine::EngineError;
use corridor::engine::progress::Progress;
use corridor::output::{Input, OutputFile, RunInfo, Staging};
use corridor::scenario::limits::Limits;

use super::args::ChartArgs;
use super::estimate::{self, Job};
use super::progress_bar;
use super::{EXIT_INTERRUPTED, EXIT_INVALID};

/// Why a command's work stopped short of results.
pub enum Stop {
    /// Ctrl-C (or SIGTERM): the output folder is left as it was.
    Interrupted,
    /// Something the user must change on the command line (exit 2), said in words.
    Invalid(String),
    Failed(anyhow::Error),
}

impl From<EngineError> for Stop {
    fn from(e: EngineError) -> Stop {
        match e {
            EngineError::Interrupted => Stop::Interrupted,
            e => Stop::Failed(e.into()),
        }
    }
}

impl From<corridor::output::Error> for Stop {
    fn from(e: corridor::output::Error) -> Stop {
        Stop::Failed(e.into())
    }
}

impl From<anyhow::Error> for Stop {
    fn from(e: anyhow::Error) -> Stop {
        Stop::Failed(e)
    }
}

/// What one command computes, exports and says; the pipeline does the rest.
pub trait Work {
    /// What `simulate` hands to `export` and `say`.
    type Done;
    /// Heads the `--estimate` line (scenario names).
    fn name(&self) -> String;
    /// The job's size, for the progress bar and the early estimate.
    fn job(&self) -> Job;
    /// The job's first seconds, for `--estimate`: the same simulations, nothing kept.
    fn measure(&self, cancel: &AtomicBool, progress: &Progress) -> Result<(), EngineError>;
    /// The whole job. `staging` is where files streamed while running go (`trials.csv`).
    fn simulate(
        &mut self,
        staging: &Staging,
        cancel: &AtomicBool,
        progress: &Progress,
    ) -> Result<Self::Done, Stop>;
    /// Every file of the result folder, each from its exporter.
    fn export(&self, done: &Self::Done) -> anyhow::Result<Vec<OutputFile>>;
    /// What to print once the folder `dir` is in place (unless quiet).
    fn say(&self, done: &Self::Done, dir: &Path);
}

/// How a command was asked to run, whatever it computes.
pub struct Plan {
    /// The output folder (`out_folder`), or why there is none.
    pub out: Result<PathBuf, String>,
    /// The files the command reads, which the output folder must not overlap.
    pub inputs: Vec<Input>,
    pub quiet: bool,
    pub estimate: bool,
    pub threads: Option<u16>,
}

/// `--out`, else `output/<folder(scenario names joined by "-vs-")>`; the error says which name
/// cannot name a folder.
pub fn out_folder(
    explicit: Option<&Path>,
    names: &[&str],
    folder: impl FnOnce(String) -> String,
) -> Result<PathBuf, String> {
    if let Some(dir) = explicit {
        return Ok(dir.to_path_buf());
    }
    let mut parts = Vec::new();
    for name in names {
        match safe_folder_name(name) {
            Some(part) => parts.push(part),
            None => {
                return Err(format!(
                    "the scenario name {name:?} cannot name a folder; pass --out DIR"
                ));
            }
        }
    }
    Ok(PathBuf::from("output").join(folder(parts.join("-vs-"))))
}

/// The pipeline: runs `work` (or only its first seconds with `--estimate`) and publishes what it
/// exports.
pub fn execute<W: Work>(work: &mut W, plan: Plan) -> anyhow::Result<ExitCode> {
    // Installed before the staging folder exists, so a signal from then on is caught and the
    // staging folder removed, never left by a process killed with its default action.
    let cancel = interrupt_flag();
    let job = work.job();
    let unit = if job.times.is_none() {
        "trials"
    } else {
        "simulations"
    };
    let bar = progress_bar::bar(job.simulations(), unit, plan.quiet);
    if plan.estimate {
        return estimate::only(
            &work.name(),
            &job,
            bar,
            threads(plan.threads),
            cancel,
            |p| work.measure(cancel, p),
        );
    }
    let out = match plan.out {
        Ok(out) => out,
        Err(msg) => return Ok(invalid(&msg)),
    };
    let staging = stage(&out, &plan.inputs)?;
    let progress = estimate::progress(job, bar.clone(), plan.quiet);
    let done = match work.simulate(&staging, cancel, &progress) {
        Ok(done) => done,
        Err(stop) => {
            bar.abandon();
            return match stop {
                Stop::Interrupted => Ok(interrupted(&out)),
                Stop::Invalid(msg) => Ok(invalid(&msg)),
                Stop::Failed(e) => Err(e),
            };
        }
    };
    bar.finish_and_clear();
    let files = work.export(&done)?;
    publish(staging, files, cancel, |dir| {
        if !plan.quiet {
            work.say(&done, dir);
        }
    })
}

/// Writes `files` into the staging folder and swaps it into place, unless the job was
/// interrupted meanwhile; then `said` tells people where the results are.
pub fn publish(
    staging: Staging,
    files: Vec<OutputFile>,
    cancel: &AtomicBool,
    said: impl FnOnce(&Path),
) -> anyhow::Result<ExitCode> {
    // Charts go into the staging folder's charts/ too, so the swap replaces them atomically.
    for file in files {
        staging.write(&file.path, &file.bytes)?;
    }
    if cancel.load(Ordering::Relaxed) {
        return Ok(interrupted(staging.target()));
    }
    let dir = staging.commit()?;
    said(&dir);
    Ok(ExitCode::SUCCESS)
}

/// Set by Ctrl-C or SIGTERM; the handler is installed once per process, on first use. Work
/// stops between blocks of trials and nothing is published.
pub fn interrupt_flag() -> &'static AtomicBool {
    static FLAG: OnceLock<Arc<AtomicBool>> = OnceLock::new();
    FLAG.get_or_init(|| {
        let flag = Arc::new(AtomicBool::new(false));
        let set = Arc::clone(&flag);
        // Without a handler (one already installed elsewhere) Ctrl-C ends the process as
        // usual, and the staging folder keeps the old results safe all the same.
        let _ = ctrlc::set_handler(move || set.store(true, Ordering::Relaxed));
        flag
    })
}

/// The one message of an interrupted command.
pub fn interrupted(out: &Path) -> ExitCode {
    eprintln!(
        "corridor: interrupted; {} was left as it was",
        out.display()
    );
    ExitCode::from(EXIT_INTERRUPTED)
}

/// Prints a usage problem and gives the exit code for it.
pub fn invalid(msg: &str) -> ExitCode {
    eprintln!("corridor: {msg}");
    ExitCode::from(EXIT_INVALID)
}

/// `trials` if it is between `least` and the documented limit; else the message to print.
pub fn check_trials(trials: u64, least: u64) -> Result<u64, String> {
    let max = Limits::default().max_trials;
    if trials < least || trials > max {
        return Err(format!(
            "--trials must be between {least} and {max} (got {trials})"
        ));
    }
    Ok(trials)
}

/// Prepares the output folder (see `corridor::output::folder`): refused if it overlaps an input
/// or is not corridor's to replace. Prints what cleaning up after killed runs moved.
pub fn stage(out: &Path, inputs: &[Input]) -> anyhow::Result<Staging> {
    let staging = Staging::new(out, inputs)?;
    for note in staging.notes() {
        eprintln!("corridor: {note}");
    }
    Ok(staging)
}

/// Worker threads: `--threads`, else one per core.
pub fn threads(threads: Option<u16>) -> usize {
    threads.map_or_else(rayon::current_num_threads, usize::from)
}

/// Timing and provenance for run.json.
pub fn run_info(
    file: &str,
    threads: usize,
    elapsed: Duration,
    trials: u64,
    years: usize,
) -> RunInfo {
    let secs = elapsed.as_secs_f64().max(1e-9);
    RunInfo {
        corridor_version: env!("CARGO_PKG_VERSION"),
        scenario_file: file.to_string(),
        threads,
        elapsed_seconds: secs,
        trials_per_second: trials as f64 / secs,
        trial_years_per_second: (trials * years as u64) as f64 / secs,
        finished_unix: SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs()),
        merged_shards: None,
    }
}

/// Chart options from the command line, defaults where not given.
pub fn chart_options(args: &ChartArgs) -> corridor::output::ChartOptions {
    let d = corridor::output::ChartOptions::default();
    let (width, height) = args.chart_size.unwrap_or((d.width, d.height));
    corridor::output::ChartOptions {
        formats: args.charts.unwrap_or(d.formats),
        width,
        height,
        scale: args.chart_scale.unwrap_or(d.scale),
    }
}

/// A scenario name as a folder name: letters, digits, `-`, `_`, `.` kept, anything else `-`;
/// names that would climb out of `output/` (`..`) are refused.
pub fn safe_folder_name(name: &str) -> Option<String> {
    let clean: String = name
        .trim()
        .chars()
        .map(|c| {
            // Letters and digits of any script are kept ("Каспий" stays readable and distinct);
            // separators, controls and everything else become '-'.
            if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '-'
            }
        })
        .collect();
    let clean = clean.trim_matches('.').to_string();
    // 100 bytes: with the staging prefix the folder name stays under the usual 255-byte limit.
    (!clean.is_empty() && clean.len() <= 100).then_some(clean)
}
