//! `corridor sensitivity SCENARIO`: rank the uncertain inputs by their influence on each
//! producer's horizon revenue and lost revenue (tornado, first-order and total-order indices).

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use clap::Args;

use corridor::analysis::plot::{self, Bar};
use corridor::analysis::sensitivity;
use corridor::engine::EngineError;
use corridor::engine::progress;
use corridor::model::Model;
use corridor::output::{self, charts};
use corridor::scenario::limits::Limits;

use super::args::ChartArgs;
use super::estimate::{self, Job};
use super::run::{chart_options, safe_folder_name};
use super::{EXIT_INTERRUPTED, EXIT_INVALID};

/// Trials per variant; the analysis runs N·(3k + 3) simulations for k inputs.
pub const DEFAULT_TRIALS: u64 = 2048;
/// Inputs drawn in the tornado chart.
const TORNADO_BARS: usize = 15;

#[derive(Debug, Args)]
#[command(
    after_help = "Cost: N·(3k + 3) simulations for k per-trial inputs and N = --trials. \
                  Writes sensitivity.json, sensitivity.csv, run.json and \
                  charts/tornado-<metric>.svg. Estimators: docs/decision-analysis.md.\n\n\
                  Exit codes: 0 success, 1 runtime failure, 2 usage error or invalid scenario, \
                  130 interrupted."
)]
pub struct SensitivityArgs {
    /// Scenario file (.ron); the built-in baseline when omitted.
    pub scenario: Option<PathBuf>,
    /// Trials per variant [default: 2,048].
    #[arg(long, short = 'n')]
    pub trials: Option<u64>,
    /// Random seed [default: the scenario's, else 1].
    #[arg(long, short = 's')]
    pub seed: Option<u64>,
    /// Worker threads (default: one per core). Results do not depend on it.
    #[arg(long, short = 'j', value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub threads: Option<u16>,
    /// Output folder (default: output/sensitivity-<scenario>/). Replaced whole when complete.
    #[arg(long, short = 'o')]
    pub out: Option<PathBuf>,
    /// No summary on stdout.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Only estimate how long the job would take: run its first trials for a few seconds,
    /// print the estimate and stop; nothing is written.
    #[arg(long)]
    pub estimate: bool,
    #[command(flatten)]
    pub charts: ChartArgs,
}

pub fn execute(args: &SensitivityArgs) -> anyhow::Result<ExitCode> {
    let loaded = match super::load(args.scenario.as_deref()) {
        Ok(l) => l,
        Err(code) => return Ok(code),
    };
    let s = &loaded.scenario;
    let trials = args.trials.unwrap_or(DEFAULT_TRIALS);
    let max = Limits::default().max_trials;
    if trials < 2 || trials > max {
        eprintln!("corridor: --trials must be between 2 and {max} (got {trials})");
        return Ok(ExitCode::from(EXIT_INVALID));
    }
    let seed = args
        .seed
        .or(s.horizon.seed)
        .unwrap_or(super::run::DEFAULT_SEED);
    let out = match &args.out {
        Some(d) => d.clone(),
        None => match safe_folder_name(&s.name) {
            Some(n) => PathBuf::from("output").join(format!("sensitivity-{n}")),
            None => {
                eprintln!("corridor: the scenario name cannot name a folder; pass --out DIR");
                return Ok(ExitCode::from(EXIT_INVALID));
            }
        },
    };
    let model = Model::compile(s);
    if model.params.per_trial.is_empty() {
        eprintln!("corridor: the scenario has no uncertain per-trial inputs to rank");
        return Ok(ExitCode::from(EXIT_INVALID));
    }
    let cancel = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&cancel);
    let _ = ctrlc::set_handler(move || flag.store(true, Ordering::Relaxed));
    let threads = args.threads.map(usize::from);
    let inputs = model.params.per_trial.len();
    let job = Job {
        trials,
        per_trial: sensitivity::simulations(1, inputs),
        times: Some(format!("× {} variants", sensitivity::variants(inputs))),
        capped: false,
        precision: None,
        shards: false,
    };
    let bar = progress::bar(job.simulations(), "simulations", args.quiet);
    if args.estimate {
        let all = threads.unwrap_or_else(rayon::current_num_threads);
        return estimate::only(&s.name, &job, bar, all, &cancel, |p| {
            sensitivity::analyse(&model, seed, trials, threads, &cancel, p)
        });
    }
    let staging = super::stage(
        &out,
        &super::scenario_inputs(args.scenario.as_deref(), &loaded),
    )?;
    let progress = estimate::progress(job, bar.clone(), args.quiet);
    let started = Instant::now();
    let result = match sensitivity::analyse(&model, seed, trials, threads, &cancel, &progress) {
        Ok(r) => r,
        Err(EngineError::Interrupted) => {
            eprintln!(
                "corridor: interrupted; {} was left as it was",
                out.display()
            );
            return Ok(ExitCode::from(EXIT_INTERRUPTED));
        }
        Err(e) => return Err(e.into()),
    };
    bar.finish_and_clear();
    staging.write("sensitivity.json", &serde_json::to_vec_pretty(&result)?)?;
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "metric",
        "unit",
        "rank",
        "input",
        "input_p10",
        "input_p90",
        "output_at_p10",
        "output_at_p90",
        "swing",
        "first_order",
        "total_order",
        "swing_se",
        "below_noise",
    ])?;
    for o in &result.outputs {
        for (r, i) in o.inputs.iter().enumerate() {
            // Inputs below the noise are listed, unranked.
            let rank = if i.below_noise {
                String::new()
            } else {
                (r + 1).to_string()
            };
            w.write_record([
                o.metric.clone(),
                o.unit.to_string(),
                rank,
                i.input.clone(),
                i.input_low.to_string(),
                i.input_high.to_string(),
                i.at_low.to_string(),
                i.at_high.to_string(),
                i.swing.to_string(),
                i.first_order.to_string(),
                i.total_order.to_string(),
                i.swing_se.to_string(),
                i.below_noise.to_string(),
            ])?;
        }
    }
    staging.write(
        "sensitivity.csv",
        &w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?,
    )?;
    let info = super::run::run_info(
        &loaded.file,
        threads.unwrap_or_else(rayon::current_num_threads),
        started.elapsed(),
        result.simulations,
        model.year_count(),
    );
    staging.write(output::json::RUN_FILE, &serde_json::to_vec_pretty(&info)?)?;
    let opts = chart_options(&args.charts);
    if opts.formats.any() {
        for o in result.outputs.iter().filter(|o| o.variance > 0.0) {
            let bars: Vec<Bar> = o
                .inputs
                .iter()
                .take(TORNADO_BARS)
                .map(|i| Bar {
                    label: i.input.clone(),
                    at_low: i.at_low,
                    at_high: i.at_high,
                })
                .collect();
            let svg = plot::tornado_svg(
                &format!("What moves mean {} over the horizon", o.metric),
                &format!(
                    "{} · {} trials per variant · seed {seed}",
                    s.name,
                    charts::theme::number(trials as f64, 0)
                ),
                &format!("Mean {} ({})", o.metric, o.unit),
                o.mean,
                &bars,
                (opts.width, opts.height),
            )?;
            staging.write(
                &format!(
                    "{}/tornado-{}.svg",
                    output::CHARTS_DIR,
                    charts::file_part(&o.metric)
                ),
                svg.as_bytes(),
            )?;
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
        for o in result.outputs.iter().filter(|o| o.variance > 0.0) {
            println!(
                "{} (mean {} {}; {:.0}% ± {:.0}% of its variance explained by no input):",
                o.metric,
                charts::theme::number(o.mean, 1),
                o.unit,
                100.0 * o.unexplained,
                100.0 * o.unexplained_se
            );
            for i in o.inputs.iter().filter(|i| !i.below_noise).take(5) {
                println!(
                    "  {:<48} P10→P90 swing {:>12}  S1 {:.3}  ST {:.3}",
                    i.input,
                    charts::theme::number(i.at_high - i.at_low, 1),
                    i.first_order,
                    i.total_order
                );
            }
            let noise = o.inputs.iter().filter(|i| i.below_noise).count();
            if noise > 0 {
                println!(
                    "  {noise} input(s) below the estimator's noise (swing within {} standard \
                     errors), not ranked",
                    sensitivity::NOISE_SE
                );
            }
        }
        println!(
            "{} inputs, {} simulations; results in {}/",
            result.inputs,
            result.simulations,
            dir.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}
