//! `corridor compare A.ron B.ron [C.ron ...]`: every scenario on common random numbers, and the
//! paired differences of B, C, … against A, written to one output folder.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use clap::Args;

use corridor::analysis::compare::{self, CompareReport};
use corridor::analysis::paired::{self, PairedSpec};
use corridor::engine::EngineError;
use corridor::engine::progress;
use corridor::model::Model;
use corridor::output::{self, charts};
use corridor::scenario::limits::Limits;

use super::args::ChartArgs;
use super::estimate::{self, Job};
use super::run::{chart_options, safe_folder_name};
use super::{EXIT_INTERRUPTED, EXIT_INVALID};

/// Compare runs cost one simulation per scenario per trial, so the default is smaller than run's.
pub const DEFAULT_TRIALS: u64 = 20_000;

#[derive(Debug, Args)]
#[command(
    after_help = "Writes compare.json, compare.csv, run.json and charts/ (overlaid exceedance \
                  curves, histograms of the paired revenue difference) to the output folder. \
                  See docs/decision-analysis.md.\n\n\
                  Exit codes: 0 success, 1 runtime failure, 2 usage error or invalid scenario, \
                  130 interrupted."
)]
pub struct CompareArgs {
    /// Scenario files (.ron): the first is the reference A; every other is compared with it.
    #[arg(required = true, num_args = 2.., value_name = "SCENARIO")]
    pub scenarios: Vec<PathBuf>,
    /// Trials per scenario [default: 20,000].
    #[arg(long, short = 'n')]
    pub trials: Option<u64>,
    /// Random seed shared by every scenario [default: 1].
    #[arg(long, short = 's')]
    pub seed: Option<u64>,
    /// Worker threads (default: one per core). Results do not depend on it.
    #[arg(long, short = 'j', value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub threads: Option<u16>,
    /// Output folder (default: output/compare-<A>-vs-<B>/). Replaced whole when complete.
    #[arg(long, short = 'o')]
    pub out: Option<PathBuf>,
    /// No summary on stdout.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Give scenario k the seed SEED + k instead of common random numbers: the differences are
    /// then those of independent runs. Only for measuring what common random numbers buy.
    #[arg(long)]
    pub independent: bool,
    /// Only estimate how long the job would take: run its first trials for a few seconds,
    /// print the estimate and stop; nothing is written.
    #[arg(long)]
    pub estimate: bool,
    #[command(flatten)]
    pub charts: ChartArgs,
}

pub fn execute(args: &CompareArgs) -> anyhow::Result<ExitCode> {
    let mut loaded = Vec::new();
    for path in &args.scenarios {
        match super::load(Some(path)) {
            Ok(l) => loaded.push(l),
            Err(code) => return Ok(code),
        }
    }
    let names: Vec<String> = loaded.iter().map(|l| l.scenario.name.clone()).collect();
    let years = |l: &corridor::scenario::Loaded| {
        (l.scenario.horizon.first_year, l.scenario.horizon.last_year)
    };
    if loaded.iter().any(|l| years(l) != years(&loaded[0])) {
        eprintln!(
            "corridor: compared scenarios must share the same horizon (first_year, last_year)"
        );
        return Ok(ExitCode::from(EXIT_INVALID));
    }
    let trials = args.trials.unwrap_or(DEFAULT_TRIALS);
    let max = Limits::default().max_trials;
    if trials == 0 || trials > max {
        eprintln!("corridor: --trials must be between 1 and {max} (got {trials})");
        return Ok(ExitCode::from(EXIT_INVALID));
    }
    let seed = args.seed.unwrap_or(super::run::DEFAULT_SEED);
    let out = match &args.out {
        Some(dir) => dir.clone(),
        None => {
            let parts: Option<Vec<String>> = names.iter().map(|n| safe_folder_name(n)).collect();
            match parts {
                Some(p) => PathBuf::from("output").join(format!("compare-{}", p.join("-vs-"))),
                None => {
                    eprintln!("corridor: a scenario name cannot name a folder; pass --out DIR");
                    return Ok(ExitCode::from(EXIT_INVALID));
                }
            }
        }
    };
    let inputs: Vec<_> = args
        .scenarios
        .iter()
        .zip(&loaded)
        .flat_map(|(p, l)| super::scenario_inputs(Some(p), l))
        .collect();
    let models: Vec<Model> = loaded.iter().map(|l| Model::compile(&l.scenario)).collect();
    let shared = paired::shared_metrics(&models);
    if paired::only_price_shared(&shared) {
        eprintln!(
            "corridor: warning: the scenarios name no producer, asset, route or owner alike, so \
             compare.csv compares only the benchmark price; metrics are matched by name"
        );
    }
    if !args.independent {
        for k in paired::unpaired(&models) {
            eprintln!(
                "corridor: warning: {} and {} share no random input (inputs are paired by the \
                 names of producers, assets, routes and disruptions, and by the price and regime \
                 models), so common random numbers cancel no noise and their differences are as \
                 uncertain as independent runs'; name what the two files share alike to pair them",
                args.scenarios[k].display(),
                args.scenarios[0].display()
            );
        }
    }
    let seeds: Vec<u64> = (0..models.len() as u64)
        .map(|k| {
            if args.independent {
                seed.wrapping_add(k)
            } else {
                seed
            }
        })
        .collect();

    let cancel = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&cancel);
    let _ = ctrlc::set_handler(move || flag.store(true, Ordering::Relaxed));
    let spec = PairedSpec {
        seeds: seeds.clone(),
        trials,
        threads: args.threads.map(usize::from),
    };
    let job = paired_job(trials, models.len(), "scenarios");
    let bar = progress::bar(job.simulations(), "simulations", args.quiet);
    if args.estimate {
        let threads = rayon_threads(args.threads);
        return estimate::only(&names.join(" vs "), &job, bar, threads, &cancel, |p| {
            paired::run_paired(&models, &shared, &spec, &cancel, p)
        });
    }
    let staging = super::stage(&out, &inputs)?;
    let progress = estimate::progress(job, bar.clone(), args.quiet);
    let started = Instant::now();
    let stats = match paired::run_paired(&models, &shared, &spec, &cancel, &progress) {
        Ok(s) => s,
        Err(EngineError::Interrupted) => {
            eprintln!(
                "corridor: interrupted; {} was left as it was",
                out.display()
            );
            return Ok(ExitCode::from(EXIT_INTERRUPTED));
        }
        Err(e) => return Err(e.into()),
    };
    let elapsed = started.elapsed();
    bar.finish_and_clear();
    let report = CompareReport::new(&names, &seeds, &models[0].years, &shared, &stats);

    staging.write("compare.json", &serde_json::to_vec_pretty(&report)?)?;
    staging.write("compare.csv", &report.csv()?)?;
    let info = super::run::run_info(
        &args
            .scenarios
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(" "),
        rayon_threads(args.threads),
        elapsed,
        trials * models.len() as u64,
        models[0].year_count(),
    );
    staging.write(output::json::RUN_FILE, &serde_json::to_vec_pretty(&info)?)?;
    let opts = chart_options(&args.charts);
    if opts.formats.any() {
        let subtitle = format!(
            "{} · {} trials · seed {}{}",
            names.join(" vs "),
            charts::theme::number(trials as f64, 0),
            seed,
            if args.independent {
                " (independent runs)"
            } else {
                " · common random numbers"
            }
        );
        for chart in compare::charts(&report, &shared, &stats, &subtitle) {
            if opts.formats.svg {
                let svg = charts::svg(&chart, &opts)?;
                staging.write(
                    &format!("{}/{}.svg", output::CHARTS_DIR, chart.stem),
                    svg.as_bytes(),
                )?;
            }
            if opts.formats.png {
                let png = charts::png(&chart, &opts)?;
                staging.write(&format!("{}/{}.png", output::CHARTS_DIR, chart.stem), &png)?;
            }
        }
    }
    if cancel.load(Ordering::Relaxed) {
        eprintln!(
            "corridor: interrupted; {} was left as it was",
            out.display()
        );
        return Ok(ExitCode::from(EXIT_INTERRUPTED));
    }
    let dir = staging.commit()?;
    if !args.quiet {
        print!("{}", report.headline());
        println!(
            "{} trials per scenario{}; results in {}/",
            charts::theme::number(trials as f64, 0),
            if args.independent {
                " (independent seeds)"
            } else {
                " on common random numbers"
            },
            dir.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// A paired job: `trials` of each of `n` scenarios or variants, one simulation each.
pub fn paired_job(trials: u64, n: usize, what: &str) -> Job {
    Job {
        trials,
        per_trial: n as u64,
        times: Some(format!("× {n} {what}")),
        capped: false,
        precision: None,
        shards: false,
    }
}

pub fn rayon_threads(threads: Option<u16>) -> usize {
    threads.map_or_else(rayon::current_num_threads, usize::from)
}
