//! `corridor sweep SCENARIO --set PATH=V1,V2,... [--set PATH=...]`: one run per value (or per
//! combination of two), all on common random numbers, tabulated and charted.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use clap::Args;

use corridor::analysis::paired::{self, PairedSpec};
use corridor::analysis::plot::{self, BandSeries};
use corridor::analysis::sweep::{self, SetArg};
use corridor::engine::EngineError;
use corridor::engine::progress;
use corridor::model::Model;
use corridor::output::{self, charts};
use corridor::scenario::limits::Limits;

use super::args::ChartArgs;
use super::estimate;
use super::run::{chart_options, safe_folder_name};
use super::{EXIT_INTERRUPTED, EXIT_INVALID};

/// Most variants a sweep runs (each costs a full simulation per trial).
pub const MAX_VARIANTS: usize = 64;

#[derive(Debug, Args)]
#[command(
    after_help = "PATH syntax: fields joined by '.', list entries selected by name in \
                  brackets, schedule years as plain segments, e.g.\n  \
                  routes[Aktau-Baku-BTC].contract_max.2027=4,7,10\n  \
                  assets[CPC pipeline].capacity.2025=55,60,67\n  \
                  producers[Kazakhstan].export_share=0.7,0.8\n\
                  Writes sweep.csv, run.json and charts/sweep-<metric>.svg. See \
                  docs/decision-analysis.md.\n\n\
                  Exit codes: 0 success, 1 runtime failure, 2 usage error or invalid scenario, \
                  130 interrupted."
)]
pub struct SweepArgs {
    /// Scenario file (.ron).
    pub scenario: PathBuf,
    /// A number in the scenario and the values to give it: PATH=V1,V2,... Twice for a grid.
    #[arg(long = "set", required = true, value_name = "PATH=V1,V2,...")]
    pub sets: Vec<SetArg>,
    /// Metric to chart [default: revenue/<first producer>]; sweep.csv has every metric.
    #[arg(long, short = 'm')]
    pub metric: Option<String>,
    /// Trials per variant [default: 20,000].
    #[arg(long, short = 'n')]
    pub trials: Option<u64>,
    /// Random seed shared by every variant [default: 1].
    #[arg(long, short = 's')]
    pub seed: Option<u64>,
    /// Worker threads (default: one per core). Results do not depend on it.
    #[arg(long, short = 'j', value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub threads: Option<u16>,
    /// Output folder (default: output/sweep-<scenario>/). Replaced whole when complete.
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

pub fn execute(args: &SweepArgs) -> anyhow::Result<ExitCode> {
    let invalid = |msg: String| {
        eprintln!("corridor: {msg}");
        Ok(ExitCode::from(EXIT_INVALID))
    };
    if args.sets.len() > 2 {
        return invalid("at most two --set (a grid); run several sweeps for more".into());
    }
    let loaded = match super::load(Some(&args.scenario)) {
        Ok(l) => l,
        Err(code) => return Ok(code),
    };
    let base = &loaded.scenario;
    let variants = match sweep::variants(base, &args.sets) {
        Ok(v) => v,
        Err(e) => return invalid(format!("--set: {e}")),
    };
    if variants.len() > MAX_VARIANTS {
        return invalid(format!(
            "{} variants; at most {MAX_VARIANTS} per sweep",
            variants.len()
        ));
    }
    let trials = args.trials.unwrap_or(super::compare::DEFAULT_TRIALS);
    let max = Limits::default().max_trials;
    if trials == 0 || trials > max {
        return invalid(format!(
            "--trials must be between 1 and {max} (got {trials})"
        ));
    }
    let seed = args.seed.unwrap_or(super::run::DEFAULT_SEED);
    let models: Vec<Model> = variants
        .iter()
        .map(|v| Model::compile(&v.scenario))
        .collect();
    let shared = paired::shared_metrics(&models);
    let metric = args.metric.clone().unwrap_or_else(|| {
        format!(
            "revenue/{}",
            base.producers.first().map_or("", |p| p.name.as_str())
        )
    });
    let Some(chart_m) = shared.iter().position(|s| s.id == metric) else {
        return invalid(format!(
            "--metric: no metric {metric:?} in every variant (names look like revenue/<producer>)"
        ));
    };
    let out = match &args.out {
        Some(d) => d.clone(),
        None => match safe_folder_name(&base.name) {
            Some(n) => PathBuf::from("output").join(format!("sweep-{n}")),
            None => {
                return invalid("the scenario name cannot name a folder; pass --out DIR".into());
            }
        },
    };

    let cancel = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&cancel);
    let _ = ctrlc::set_handler(move || flag.store(true, Ordering::Relaxed));
    let spec = PairedSpec {
        seeds: vec![seed; models.len()],
        trials,
        threads: args.threads.map(usize::from),
    };
    let job = super::compare::paired_job(trials, models.len(), "variants");
    let bar = progress::bar(job.simulations(), "simulations", args.quiet);
    if args.estimate {
        let threads = super::compare::rayon_threads(args.threads);
        return estimate::only(&base.name, &job, bar, threads, &cancel, |p| {
            paired::run_paired(&models, &shared, &spec, &cancel, p)
        });
    }
    let staging = super::stage(&out, &super::scenario_inputs(Some(&args.scenario), &loaded))?;
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
    bar.finish_and_clear();

    // sweep.csv: one row per variant and metric.
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = args.sets.iter().map(|s| s.path.clone()).collect();
    header.extend(
        [
            "metric",
            "entity",
            "unit",
            "mean",
            "se",
            "p5",
            "p50",
            "p95",
            "diff_mean_vs_first",
            "diff_se_vs_first",
        ]
        .map(String::from),
    );
    w.write_record(&header)?;
    for (k, v) in variants.iter().enumerate() {
        for (j, s) in shared.iter().enumerate() {
            let st = stats.values[k][j].finish();
            let (dm, dse) = if k == 0 {
                (0.0, 0.0)
            } else {
                let d = stats.diffs[k - 1][j].finish();
                (d.mean, d.se)
            };
            let mut row: Vec<String> = v.values.iter().map(f64::to_string).collect();
            row.extend([s.kind.to_string(), s.entity.clone(), s.unit.to_string()]);
            row.extend([st.mean, st.se, st.p5, st.p50, st.p95, dm, dse].map(|x| x.to_string()));
            w.write_record(&row)?;
        }
    }
    staging.write(
        "sweep.csv",
        &w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?,
    )?;
    let info = super::run::run_info(
        &loaded.file,
        args.threads
            .map_or_else(rayon::current_num_threads, usize::from),
        started.elapsed(),
        trials * models.len() as u64,
        models[0].year_count(),
    );
    staging.write(output::json::RUN_FILE, &serde_json::to_vec_pretty(&info)?)?;

    // The chart: the first parameter on x, one line per value of the second.
    let opts = chart_options(&args.charts);
    let second: Vec<f64> = args
        .sets
        .get(1)
        .map_or(vec![f64::NAN], |s| s.values.clone());
    let series: Vec<BandSeries> = second
        .iter()
        .map(|&v2| BandSeries {
            label: if v2.is_nan() {
                metric.clone()
            } else {
                format!("{} = {v2}", args.sets[1].path)
            },
            points: variants
                .iter()
                .enumerate()
                .filter(|(_, v)| v2.is_nan() || v.values.get(1) == Some(&v2))
                .map(|(k, v)| {
                    let st = stats.values[k][chart_m].finish();
                    (v.values[0], st.p5, st.p50, st.p95)
                })
                .collect(),
        })
        .collect();
    if opts.formats.any() {
        let svg = plot::band_svg(
            &format!("{metric} over the horizon against {}", args.sets[0].path),
            &format!(
                "{} · {} trials per variant · seed {seed} · common random numbers",
                base.name,
                charts::theme::number(trials as f64, 0)
            ),
            &args.sets[0].path,
            &format!("{metric} ({})", shared[chart_m].unit),
            &series,
            (opts.width, opts.height),
        )?;
        staging.write(
            &format!(
                "{}/sweep-{}.svg",
                output::CHARTS_DIR,
                charts::file_part(&metric)
            ),
            svg.as_bytes(),
        )?;
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
        println!(
            "{metric} ({}), horizon, {trials} trials per variant:",
            shared[chart_m].unit
        );
        for (k, v) in variants.iter().enumerate() {
            let st = stats.values[k][chart_m].finish();
            let set: Vec<String> = args
                .sets
                .iter()
                .zip(&v.values)
                .map(|(s, x)| format!("{}={x}", s.path))
                .collect();
            println!(
                "  {}: P5 {}  P50 {}  P95 {}  mean {} ± {}",
                set.join(", "),
                charts::theme::number(st.p5, 1),
                charts::theme::number(st.p50, 1),
                charts::theme::number(st.p95, 1),
                charts::theme::number(st.mean, 1),
                charts::theme::number(st.se, 1),
            );
        }
        println!("Results in {}/", dir.display());
    }
    Ok(ExitCode::SUCCESS)
}
