//! Early word on long jobs: the binary's side of `engine::progress`'s estimate.
//!
//! Why: a scenario inside every documented limit can take half a day at the default trial
//! count. Unless `--quiet`, a job whose estimate (from its first seconds) exceeds a minute says
//! once on stderr how long it will take and how to get a quicker answer, then goes on; the
//! estimate only observes, so results are the same with or without it. `--estimate` runs the
//! same first seconds, prints the estimate on stdout and stops without writing anything.

use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use corridor::analysis::precision::BATCH;
use corridor::engine::EngineError;
use corridor::engine::progress::{Early, Estimate, Progress};
use corridor::output::charts::theme::number;
use indicatif::ProgressBar;

use super::EXIT_INTERRUPTED;

/// Seconds above which a job's estimate is worth a line; the environment variable overrides it
/// (0 prints it for every job that lasts past its first simulation: tests use that).
pub const THRESHOLD_ENV: &str = "CORRIDOR_ESTIMATE_THRESHOLD";
const THRESHOLD: f64 = 60.0;
/// How long the first measurement lasts at least (shorter when the threshold is).
const MEASURE: Duration = Duration::from_secs(2);
/// The `--trials` suggested is the largest round count that takes at most this long.
const QUICK: f64 = 600.0;

/// What a job runs, for the estimate's line.
pub struct Job {
    /// Trials asked for (per scenario, for compare and sweep).
    pub trials: u64,
    /// Simulations per trial: 1 for run, one per scenario or variant for compare and sweep,
    /// 3k + 3 for sensitivity.
    pub per_trial: u64,
    /// What each trial multiplies, when not simply one simulation ("× 3 scenarios").
    pub times: Option<String>,
    /// Whether `trials` is only a cap (`--precision` stops sooner when it can).
    pub capped: bool,
    /// A `--precision` target to suggest (`run` only), e.g. `revenue/Kazakhstan:mean:1%`.
    pub precision: Option<String>,
    /// Whether to suggest shards (`run` without `--shard`).
    pub shards: bool,
}

impl Job {
    /// A paired job: `trials` of each of `n` scenarios or variants, one simulation each.
    pub fn paired(trials: u64, n: usize, what: &str) -> Job {
        Job {
            trials,
            per_trial: n as u64,
            times: Some(format!("× {n} {what}")),
            capped: false,
            precision: None,
            shards: false,
        }
    }

    pub fn simulations(&self) -> u64 {
        self.trials.saturating_mul(self.per_trial)
    }
}

/// The job's progress: its bar and, unless quiet, the one-time line when the estimate exceeds
/// the threshold.
pub fn progress(job: Job, bar: ProgressBar, quiet: bool) -> Progress {
    let progress = super::progress_bar::progress(&bar);
    if quiet {
        return progress;
    }
    let threshold = threshold();
    progress.with_early(Early {
        total: job.simulations(),
        after: Duration::from_secs_f64(threshold.min(MEASURE.as_secs_f64())),
        report: Box::new(move |e| {
            if e.total_seconds() > threshold {
                bar.suspend(|| eprintln!("corridor: {}", line(&job, e, false, threshold)));
            }
        }),
    })
}

/// `--estimate`: runs `work` (the job, given its progress) until the estimate is made, then
/// stops it through `cancel` and prints the estimate on stdout, headed by `name`. A job shorter
/// than the measurement runs to its end and reports what it took. Nothing is written.
pub fn only<T>(
    name: &str,
    job: &Job,
    bar: ProgressBar,
    threads: usize,
    cancel: &'static AtomicBool,
    work: impl FnOnce(&Progress) -> Result<T, EngineError>,
) -> anyhow::Result<ExitCode> {
    let made: Arc<Mutex<Option<Estimate>>> = Arc::default();
    let keep = Arc::clone(&made);
    let progress = super::progress_bar::progress(&bar).with_early(Early {
        total: job.simulations(),
        after: MEASURE,
        report: Box::new(move |e| {
            *keep.lock().unwrap_or_else(|p| p.into_inner()) = Some(*e);
            cancel.store(true, Ordering::Relaxed);
        }),
    });
    let started = Instant::now();
    let finished = match work(&progress) {
        Ok(_) => Some(Estimate {
            done: progress.done(),
            elapsed: started.elapsed(),
            threads,
            total: job.simulations(),
        }),
        Err(EngineError::Interrupted) => None,
        Err(e) => return Err(e.into()),
    };
    bar.finish_and_clear();
    let made = *made.lock().unwrap_or_else(|p| p.into_inner());
    match made.or(finished) {
        Some(e) => {
            println!("{name}: {}", line(job, &e, true, threshold()));
            Ok(ExitCode::SUCCESS)
        }
        None => {
            eprintln!("corridor: interrupted before the estimate was made; nothing was written");
            Ok(ExitCode::from(EXIT_INTERRUPTED))
        }
    }
}

/// The threshold in seconds: the environment's if it is a number ≥ 0, else a minute.
fn threshold() -> f64 {
    match std::env::var(THRESHOLD_ENV) {
        Err(_) => THRESHOLD,
        Ok(v) => match v.trim().parse::<f64>() {
            Ok(x) if x >= 0.0 && x.is_finite() => x,
            _ => {
                eprintln!(
                    "corridor: ignoring {THRESHOLD_ENV}={v:?}: not a number of seconds ≥ 0; \
                     using {THRESHOLD}"
                );
                THRESHOLD
            }
        },
    }
}

/// "about 11 h 40 min for 100,000 trials (2.4 trials/s on 2 threads); for a quicker answer:
/// --trials 1000 (about 7 min), ..."; with `measured`, also what the figure rests on. The ways
/// to a quicker answer only when the job takes longer than `threshold` seconds.
pub fn line(job: &Job, e: &Estimate, measured: bool, threshold: f64) -> String {
    let unit = if job.per_trial == 1 {
        "trials"
    } else {
        "simulations"
    };
    let rate = e.per_second();
    let mut s = format!(
        "{}about {} for {}{} trial{}{} ({} {unit}/s on {} thread{}",
        if job.capped { "at most " } else { "" },
        duration(e.total_seconds()),
        if job.capped { "up to " } else { "" },
        number(job.trials as f64, 0),
        if job.trials == 1 { "" } else { "s" },
        job.times
            .as_ref()
            .map_or(String::new(), |t| format!(" {t}")),
        number(rate, if rate < 10.0 { 1 } else { 0 }),
        e.threads,
        if e.threads == 1 { "" } else { "s" },
    );
    if measured {
        s += &format!(
            ", measured on {} {unit} in {})",
            number(e.done as f64, 0),
            duration(e.elapsed.as_secs_f64())
        );
    } else {
        s.push(')');
    }
    if e.total_seconds() <= threshold {
        return s;
    }
    let mut hints = Vec::new();
    if let Some(n) = quicker(job, e) {
        hints.push(format!(
            "--trials {n} (about {})",
            duration(e.seconds_for(n * job.per_trial))
        ));
    }
    if let Some(target) = &job.precision {
        // Honest about its grain: it checks after each batch, and a slow batch is long.
        hints.push(format!(
            "--precision {target} (stops at the first batch of {} trials where that statistic \
             is that precise; about {} a batch)",
            number(BATCH as f64, 0),
            duration(e.seconds_for(BATCH * job.per_trial))
        ));
    }
    if job.shards {
        hints.push(
            "shards on several machines with --shard K/N and `corridor merge` \
             (docs/scale-out.md)"
                .into(),
        );
    }
    if !hints.is_empty() {
        s += "; for a quicker answer: ";
        s += &join_or(&hints);
    }
    if !measured {
        s += ". Ctrl-C stops it and writes nothing";
    }
    s
}

/// The largest round trial count (1, 2 or 5 × 10^k, at least 100) that runs within `QUICK`
/// seconds, if it is below the trials asked for.
fn quicker(job: &Job, e: &Estimate) -> Option<u64> {
    let round = (2..=9u32).flat_map(|k| [1, 2, 5].map(|m| m * 10u64.pow(k)));
    let n = round
        .take_while(|&n| e.seconds_for(n.saturating_mul(job.per_trial)) <= QUICK)
        .last()
        .unwrap_or(100);
    (n < job.trials).then_some(n)
}

fn join_or(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{}, or {last}", rest.join(", ")),
    }
}

/// "45 s", "12 min", "11 h 40 min", "3 days 4 h".
pub fn duration(secs: f64) -> String {
    let s = secs.max(0.0).round() as u64;
    let m = ((secs / 60.0).round()) as u64;
    match secs {
        x if x < 1.0 => format!("{:.1} s", x.max(0.0)),
        x if x < 90.0 => format!("{s} s"),
        x if x < 90.0 * 60.0 => format!("{m} min"),
        x if x < 48.0 * 3600.0 => format!("{} h {} min", m / 60, m % 60),
        _ => {
            let h = (secs / 3600.0).round() as u64;
            format!("{} days {} h", number((h / 24) as f64, 0), h % 24)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(trials: u64) -> Job {
        Job {
            trials,
            per_trial: 1,
            times: None,
            capped: false,
            precision: Some("revenue/P:mean:1%".into()),
            shards: true,
        }
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration(0.3), "0.3 s");
        assert_eq!(duration(45.2), "45 s");
        assert_eq!(duration(12.0 * 60.0 + 10.0), "12 min");
        assert_eq!(duration(11.0 * 3600.0 + 40.0 * 60.0), "11 h 40 min");
        assert_eq!(duration(76.0 * 3600.0), "3 days 4 h");
    }

    #[test]
    fn a_long_job_gets_a_quicker_count_that_fits_ten_minutes() {
        // 2.5 trials/s: 100,000 trials take 40,000 s; 1,000 trials 400 s, 2,000 trials 800 s.
        let e = Estimate {
            done: 10,
            elapsed: Duration::from_secs(4),
            threads: 2,
            total: 100_000,
        };
        let text = line(&job(100_000), &e, false, 60.0);
        assert!(
            text.starts_with("about 11 h 7 min for 100,000 trials (2.5 trials/s on 2 threads)")
        );
        assert!(
            text.contains("--trials 1000 (about 7 min), --precision"),
            "{text}"
        );
        // 8,192 trials at 2.5 a second: 3,277 s.
        let batch = "of 8,192 trials where that statistic is that precise; about 55 min a batch)";
        assert!(text.contains(&format!("{batch}, or shards")), "{text}");
        assert!(
            text.ends_with("Ctrl-C stops it and writes nothing"),
            "{text}"
        );
        // Under the threshold: the figure alone.
        let short = line(&job(100_000), &e, true, 1e6);
        assert_eq!(
            short,
            "about 11 h 7 min for 100,000 trials (2.5 trials/s on 2 threads, measured on 10 \
             trials in 4 s)"
        );
    }
}
