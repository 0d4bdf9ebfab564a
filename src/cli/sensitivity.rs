//! `corridor sensitivity SCENARIO`: rank the uncertain inputs by their influence on each
//! producer's horizon revenue and lost revenue (tornado, first-order and total-order indices).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use clap::Args;

use corridor::analysis::sensitivity::{self, Sensitivity};
use corridor::engine::EngineError;
use corridor::engine::progress::Progress;
use corridor::model::Model;
use corridor::output::charts::{self, theme};
use corridor::output::json::RunJson;
use corridor::output::report::{self, analyses::Extras};
use corridor::output::sensitivity::{Ranked, SensitivityCsv, SensitivityJson};
use corridor::output::workbook;
use corridor::output::{self, OutputFile, RunInfo, Staging, precision};
use corridor::scenario::Loaded;
use corridor::stats::Z95;

use super::args::ChartArgs;
use super::defaults;
use super::estimate::Job;
use super::pipeline::{self, Plan, Stop, Work, chart_options};

#[derive(Debug, Args)]
#[command(
    after_help = "Cost: N·(3k + 3) simulations for k per-trial inputs and N = --trials. \
                  Writes sensitivity.json, sensitivity.csv, report.html, report.md, \
                  results.xlsx, run.json and \
                  charts/tornado-<metric>.svg/.png (per --charts). Estimators: docs/decision-analysis.md.\n\n\
                  Exit codes: 0 success, 1 runtime failure, 2 usage error or invalid scenario, \
                  130 interrupted."
)]
pub struct SensitivityArgs {
    /// Scenario file (.ron); the built-in baseline when omitted.
    pub scenario: Option<PathBuf>,
    /// Trials per variant [default: 2,048: each trial simulates 3k + 3 variants for k inputs].
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
    let trials =
        match pipeline::check_trials(args.trials.unwrap_or(defaults::SENSITIVITY_TRIALS), 2) {
            Ok(t) => t,
            Err(msg) => return Ok(pipeline::invalid(&msg)),
        };
    let seed = defaults::seed(args.seed, s);
    let model = Model::compile(s);
    if model.params.per_trial.is_empty() {
        return Ok(pipeline::invalid(
            "the scenario has no uncertain per-trial inputs to rank",
        ));
    }
    let plan = Plan {
        out: pipeline::out_folder(args.out.as_deref(), &[&s.name], |n| {
            format!("sensitivity-{n}")
        }),
        inputs: super::scenario_inputs(args.scenario.as_deref(), &loaded),
        quiet: args.quiet,
        estimate: args.estimate,
        threads: args.threads,
    };
    let mut work = SensitivityWork {
        args,
        loaded: &loaded,
        model,
        seed,
        trials,
    };
    pipeline::execute(&mut work, plan)
}

/// `sensitivity`: the scenario and its pinned and resampled variants.
struct SensitivityWork<'a> {
    args: &'a SensitivityArgs,
    loaded: &'a Loaded,
    model: Model,
    seed: u64,
    trials: u64,
}

impl Work for SensitivityWork<'_> {
    type Done = (Sensitivity, RunInfo);

    fn name(&self) -> String {
        self.loaded.scenario.name.clone()
    }

    fn job(&self) -> Job {
        let inputs = self.model.params.per_trial.len();
        Job {
            trials: self.trials,
            per_trial: sensitivity::simulations(1, inputs),
            times: Some(format!("× {} variants", sensitivity::variants(inputs))),
            capped: false,
            precision: None,
            shards: false,
        }
    }

    fn measure(&self, cancel: &AtomicBool, progress: &Progress) -> Result<(), EngineError> {
        let threads = self.args.threads.map(usize::from);
        sensitivity::analyse(
            &self.model,
            self.seed,
            self.trials,
            threads,
            cancel,
            progress,
        )
        .map(|_| ())
    }

    fn simulate(
        &mut self,
        _: &Staging,
        cancel: &AtomicBool,
        progress: &Progress,
    ) -> Result<Self::Done, Stop> {
        let started = Instant::now();
        let threads = self.args.threads.map(usize::from);
        let result = sensitivity::analyse(
            &self.model,
            self.seed,
            self.trials,
            threads,
            cancel,
            progress,
        )?;
        let info = pipeline::run_info(
            &self.loaded.file,
            pipeline::threads(self.args.threads),
            started.elapsed(),
            result.simulations,
            self.model.year_count(),
        );
        Ok((result, info))
    }

    fn export(&self, (result, info): &Self::Done) -> anyhow::Result<Vec<OutputFile>> {
        let ranked = Ranked { result, info };
        let mut files = output::export(&[&SensitivityJson, &SensitivityCsv, &RunJson], &ranked)?;
        let subtitle = format!(
            "{} · {} per variant · seed {}",
            self.loaded.scenario.name,
            theme::count(self.trials, "trial"),
            self.seed
        );
        let tornadoes = charts::tornado::extract(result, &self.model.years, &subtitle);
        let opts = chart_options(&self.args.charts);
        let drawn = charts::draw_each(tornadoes, &opts)?;
        let scenario = &self.loaded.scenario;
        let rows = corridor::scenario::inputs::all(scenario);
        let extras = Extras::one(&drawn, opts.formats, scenario, &rows);
        let key = workbook::rendered(&files, "sensitivity.csv");
        files.push(workbook::file(
            &format!("corridor sensitivity: {}", scenario.name),
            "Sensitivity",
            &key,
            &[("Inputs".into(), &rows)],
            &workbook::sensitivity_chart(&ranked),
        )?);
        let doc = report::analyses::sensitivity(&ranked, &self.model.years, extras);
        files.extend(report::analyses::files(&doc, &drawn, opts.formats));
        Ok(files)
    }

    fn say(&self, (result, _): &Self::Done, dir: &Path) {
        for o in result.outputs.iter().filter(|o| o.variance > 0.0) {
            println!(
                "{} (mean {} {}; {} of its variance explained by no input):",
                o.metric,
                precision::shown(o.mean, 0.0),
                o.unit,
                precision::share(o.unexplained, o.unexplained_se)
            );
            for i in o.inputs.iter().filter(|i| !i.below_noise).take(5) {
                println!(
                    "  {:<48} P10→P90 swing {:>12}  S1 {:.3}  ST {:.3}",
                    i.input,
                    precision::shown(i.at_high - i.at_low, Z95 * i.swing_se),
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
            "{} inputs, {} simulations; results in {}/ (report.html, report.md, results.xlsx, \
             sensitivity.csv, sensitivity.json)",
            result.inputs,
            theme::number(result.simulations as f64, 0),
            dir.display()
        );
    }
}
