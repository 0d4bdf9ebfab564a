//! `corridor run`: load → compile → simulate on all cores → write the result set.
//! With `--shard K/N`, simulate one shard and write its partial result for `corridor merge`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::Context;

use corridor::analysis::{precision, tails};
use corridor::engine::{self, EngineError, RunSpec, progress};
use corridor::model::Model;
use corridor::output::partial::{self, Partial};
use corridor::output::{self, ChartOptions, Report, Results, RunInfo, Staging, trials::TrialsCsv};
use corridor::scenario::Scenario;
use corridor::scenario::limits::Limits;
use corridor::stats::Collector;

use super::args::{ChartArgs, RunArgs};
use super::estimate::{self, Job};
use super::{EXIT_INTERRUPTED, EXIT_INVALID};

pub const DEFAULT_TRIALS: u64 = 100_000;
pub const DEFAULT_SEED: u64 = 1;

pub fn execute(args: &RunArgs) -> anyhow::Result<ExitCode> {
    let loaded = match super::load(args.scenario.as_deref()) {
        Ok(l) => l,
        Err(code) => return Ok(code),
    };
    let s = &loaded.scenario;
    let trials = args.trials.or(s.horizon.trials).unwrap_or(DEFAULT_TRIALS);
    let seed = args.seed.or(s.horizon.seed).unwrap_or(DEFAULT_SEED);
    let max = Limits::default().max_trials;
    if trials == 0 || trials > max {
        eprintln!("corridor: --trials must be between 1 and {max} (got {trials})");
        return Ok(ExitCode::from(EXIT_INVALID));
    }
    if args.estimate {
        return estimate_only(args, s, seed, trials);
    }
    let out = match &args.out {
        Some(dir) => dir.clone(),
        None => match safe_folder_name(&s.name) {
            Some(name) => match args.shard {
                Some(sh) => PathBuf::from("output")
                    .join(format!("{name}-shard-{}-of-{}", sh.index, sh.count)),
                None => PathBuf::from("output").join(name),
            },
            None => {
                eprintln!(
                    "corridor: the scenario name {:?} cannot name a folder; pass --out DIR",
                    s.name
                );
                return Ok(ExitCode::from(EXIT_INVALID));
            }
        },
    };
    let cancel = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&cancel);
    // A second handler cannot be installed in the same process (tests call run twice): ignore.
    // Installed before the staging folder exists, so a signal from then on is caught and the
    // staging folder removed, never left by a process killed with its default action.
    let _ = ctrlc::set_handler(move || flag.store(true, Ordering::Relaxed));
    let staging = super::stage(
        &out,
        &super::scenario_inputs(args.scenario.as_deref(), &loaded),
    )?;
    let (first, mut count) = args.shard.map_or((0, trials), |sh| sh.range(trials));

    let model = Model::compile(s);

    let bar = progress::trials_bar(count, args.quiet);
    let progress = estimate::progress(job(s, count, args), bar.clone(), args.quiet);
    let mut trials_csv = if args.keep_trials {
        Some(
            TrialsCsv::create(&staging.reserve("trials.csv")?, &model.layout)
                .context("cannot create trials.csv")?,
        )
    } else {
        None
    };
    let mut write_rows =
        |rows: &engine::TrialRows| trials_csv.as_mut().map_or(Ok(()), |w| w.rows(rows));
    let on_rows: Option<engine::RowWriter<'_>> = if args.keep_trials {
        Some(&mut write_rows)
    } else {
        None
    };
    let spec = RunSpec {
        seed,
        first,
        trials: count,
        threads: args.threads.map(usize::from),
    };
    let outcome = match &args.precision {
        None => engine::run(&model, spec, &cancel, &progress, on_rows),
        Some(target) => {
            match precision::run(
                &model,
                seed,
                count,
                spec.threads,
                target,
                &cancel,
                &progress,
            ) {
                Ok(None) => {
                    bar.abandon();
                    eprintln!(
                        "corridor: --precision: the scenario has no metric {:?} (metrics are \
                         named like revenue/<producer>; see summary.json)",
                        target.metric
                    );
                    return Ok(ExitCode::from(EXIT_INVALID));
                }
                Ok(Some(p)) => {
                    if !args.quiet {
                        eprintln!(
                            "corridor: --precision {}:{}: {} at {} trials (95% half-width {:.3}% \
                             of the estimate; target {}%)",
                            target.metric,
                            target.stat,
                            if p.reached {
                                "reached"
                            } else {
                                "NOT reached (trial cap)"
                            },
                            p.trials,
                            100.0 * p.relative,
                            100.0 * target.relative
                        );
                    }
                    count = p.trials;
                    Ok(engine::RunOutput {
                        collector: p.collector,
                        elapsed: p.elapsed,
                        threads: p.threads,
                    })
                }
                Err(e) => Err(e),
            }
        }
    };
    let run = match outcome {
        Ok(r) => r,
        Err(EngineError::Interrupted) => {
            bar.abandon();
            return Ok(interrupted(&out));
        }
        Err(e) => return Err(e.into()),
    };
    bar.finish_and_clear();
    if let Some(w) = trials_csv {
        w.finish().context("cannot write trials.csv")?;
    }
    let info = run_info(
        &loaded.file,
        run.threads,
        run.elapsed,
        count,
        model.year_count(),
    );

    if let Some(shard) = args.shard {
        let part = Partial {
            format: partial::FORMAT.into(),
            version: partial::VERSION,
            corridor_version: env!("CARGO_PKG_VERSION").into(),
            scenario: s.name.clone(),
            scenario_sha256: partial::text_sha256(&loaded.text),
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
        };
        let (json, sum) = part.to_files()?;
        staging.write(partial::FILE, &json)?;
        staging.write(partial::CHECKSUM_FILE, &sum)?;
        staging.write(output::json::RUN_FILE, &serde_json::to_vec_pretty(&info)?)?;
        if cancel.load(Ordering::Relaxed) {
            return Ok(interrupted(&out));
        }
        let dir = staging.commit()?;
        if !args.quiet {
            println!(
                "shard {shard}: trials {first}..{} written to {}/ — merge all {} with `corridor merge`",
                first + count,
                dir.display(),
                shard.count
            );
        }
        return Ok(ExitCode::SUCCESS);
    }

    let published = Published {
        model: &model,
        collector: &run.collector,
        seed,
        scenario: s,
        text: &loaded.text,
        info,
    };
    publish(staging, &published, &args.charts, args.quiet, &cancel)
}

/// What the run's trials are, and how else to shorten it, for the estimate's line.
fn job(s: &Scenario, trials: u64, args: &RunArgs) -> Job {
    let precision = args.precision.is_none().then(|| {
        let target = format!(
            "revenue/{}:mean:1%",
            s.producers.first().map_or("", |p| p.name.as_str())
        );
        let plain = target
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/:%._-".contains(c));
        if plain { target } else { format!("'{target}'") }
    });
    Job {
        trials,
        per_trial: 1,
        times: None,
        capped: args.precision.is_some(),
        precision,
        shards: args.shard.is_none(),
    }
}

/// `run --estimate`: the run's first seconds, timed; prints the estimate and writes nothing.
fn estimate_only(args: &RunArgs, s: &Scenario, seed: u64, trials: u64) -> anyhow::Result<ExitCode> {
    let (first, count) = args.shard.map_or((0, trials), |sh| sh.range(trials));
    let model = Model::compile(s);
    let cancel = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&cancel);
    let _ = ctrlc::set_handler(move || flag.store(true, Ordering::Relaxed));
    let spec = RunSpec {
        seed,
        first,
        trials: count,
        threads: args.threads.map(usize::from),
    };
    let threads = spec.threads.unwrap_or_else(rayon::current_num_threads);
    let bar = progress::trials_bar(count, args.quiet);
    let job = job(s, count, args);
    estimate::only(&s.name, &job, bar, threads, &cancel, |progress| {
        engine::run(&model, spec, &cancel, progress, None)
    })
}

/// What a finished run (or a merge of shards) hands to the exporters.
pub struct Published<'a> {
    pub model: &'a Model,
    pub collector: &'a Collector,
    pub seed: u64,
    pub scenario: &'a Scenario,
    pub text: &'a str,
    pub info: RunInfo,
}

/// Renders every result file into the staging folder, swaps it into place and prints the
/// headline. Shared by `run` and `merge`, so both write exactly the same files.
pub fn publish(
    staging: Staging,
    p: &Published,
    charts: &ChartArgs,
    quiet: bool,
    cancel: &AtomicBool,
) -> anyhow::Result<ExitCode> {
    let results = Results::from_collector(p.model, p.collector, p.seed);
    let report = Report {
        results: &results,
        info: &p.info,
        scenario_text: p.text,
        scenario: p.scenario,
        collector: p.collector,
        charts: chart_options(charts),
    };
    // Charts go into the staging folder's charts/ too, so the swap below replaces them atomically.
    for file in output::render_all(&report)? {
        staging.write(&file.path, &file.bytes)?;
    }
    // Decision-analysis extras (docs/decision-analysis.md): every horizon statistic's 95%
    // interval, and value-at-risk / expected shortfall. summary.json keeps its schema.
    staging.write(
        "intervals.csv",
        &tails::intervals_csv(&results, p.collector)?,
    )?;
    staging.write("tails.csv", &tails::tails_csv(&results, p.collector)?)?;
    if cancel.load(Ordering::Relaxed) {
        return Ok(interrupted(staging.target()));
    }
    let dir = staging.commit()?;
    if !quiet {
        print!("{}", super::headline::headline(&results, &p.info, &dir));
        let charts = if report.charts.formats.any() {
            format!(", charts in {}/", dir.join(output::CHARTS_DIR).display())
        } else {
            String::new()
        };
        println!(
            "Report: {} (and report.md{charts})",
            dir.join(output::report::HTML).display()
        );
    }
    Ok(ExitCode::SUCCESS)
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

fn interrupted(out: &Path) -> ExitCode {
    eprintln!(
        "corridor: interrupted; {} was left as it was",
        out.display()
    );
    ExitCode::from(EXIT_INTERRUPTED)
}

/// Chart options from the command line, defaults where not given.
pub fn chart_options(args: &ChartArgs) -> ChartOptions {
    let d = ChartOptions::default();
    let (width, height) = args.chart_size.unwrap_or((d.width, d.height));
    ChartOptions {
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
