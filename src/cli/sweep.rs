//! `corridor sweep SCENARIO --set PATH=V1,V2,... [--set PATH=...]`: one run per value (or per
//! combination of two), all on common random numbers, tabulated and charted.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;

use clap::Args;

use corridor::analysis::paired::{self, PairedSpec, PairedStats};
use corridor::analysis::sweep::{self, SetArg, Variant};
use corridor::engine::EngineError;
use corridor::engine::progress::Progress;
use corridor::model::Model;
use corridor::output::charts::{self, theme};
use corridor::output::json::RunJson;
use corridor::output::report::{self, analyses::Extras};
use corridor::output::sweep::{SweepCsv, Swept};
use corridor::output::workbook;
use corridor::output::{self, OutputFile, RunInfo, Staging, precision};
use corridor::scenario::Loaded;

use super::args::ChartArgs;
use super::defaults;
use super::estimate::Job;
use super::paired_run::PairedRun;
use super::pipeline::{self, Plan, Stop, Work, chart_options};

/// Most variants a sweep runs (each costs a full simulation per trial).
pub const MAX_VARIANTS: usize = 64;

#[derive(Debug, Args)]
#[command(
    after_help = "PATH syntax: fields joined by '.', list entries selected by name in \
                  brackets, schedule years as plain segments, e.g.\n  \
                  routes[Aktau-Baku-BTC].contract_max.2027=4,7,10\n  \
                  assets[CPC pipeline].capacity.2025=55,60,67\n  \
                  producers[Kazakhstan].export_share=0.7,0.8\n\
                  Writes sweep.csv, report.html, report.md, results.xlsx, run.json and \
                  charts/sweep-<metric>.svg/.png (per \
                  --charts). See \
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
    /// Trials per variant [default: 20,000: each trial simulates every variant, and paired
    /// differences need fewer trials than run's 100,000].
    #[arg(long, short = 'n')]
    pub trials: Option<u64>,
    /// Random seed shared by every variant [default: the scenario's, else 1].
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
    if args.sets.len() > 2 {
        return Ok(pipeline::invalid(
            "at most two --set (a grid); run several sweeps for more",
        ));
    }
    let loaded = match super::load(Some(&args.scenario)) {
        Ok(l) => l,
        Err(code) => return Ok(code),
    };
    let base = &loaded.scenario;
    let variants = match sweep::variants(base, &args.sets) {
        Ok(v) => v,
        Err(e) => return Ok(pipeline::invalid(&format!("--set: {e}"))),
    };
    if variants.len() > MAX_VARIANTS {
        return Ok(pipeline::invalid(&format!(
            "{} variants; at most {MAX_VARIANTS} per sweep",
            variants.len()
        )));
    }
    let trials = match pipeline::check_trials(args.trials.unwrap_or(defaults::PAIRED_TRIALS), 1) {
        Ok(t) => t,
        Err(msg) => return Ok(pipeline::invalid(&msg)),
    };
    let seed = defaults::seed(args.seed, base);
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
        return Ok(pipeline::invalid(&format!(
            "--metric: no metric {metric:?} in every variant (names look like revenue/<producer>)"
        )));
    };
    let plan = Plan {
        out: pipeline::out_folder(args.out.as_deref(), &[&base.name], |n| format!("sweep-{n}")),
        inputs: super::scenario_inputs(Some(&args.scenario), &loaded),
        quiet: args.quiet,
        estimate: args.estimate,
        threads: args.threads,
    };
    let mut work = SweepWork {
        args,
        loaded: &loaded,
        paired: PairedRun {
            spec: PairedSpec {
                seeds: vec![seed; models.len()],
                trials,
                threads: args.threads.map(usize::from),
            },
            models,
            shared,
        },
        variants,
        metric,
        chart_m,
    };
    pipeline::execute(&mut work, plan)
}

/// `sweep`: every variant on the same trials.
struct SweepWork<'a> {
    args: &'a SweepArgs,
    loaded: &'a Loaded,
    variants: Vec<Variant>,
    paired: PairedRun,
    /// The charted metric and its index in `shared`.
    metric: String,
    chart_m: usize,
}

impl Work for SweepWork<'_> {
    type Done = (PairedStats, RunInfo);

    fn name(&self) -> String {
        self.loaded.scenario.name.clone()
    }

    fn job(&self) -> Job {
        self.paired.job("variants")
    }

    fn measure(&self, cancel: &AtomicBool, progress: &Progress) -> Result<(), EngineError> {
        self.paired.measure(cancel, progress)
    }

    fn simulate(
        &mut self,
        _: &Staging,
        cancel: &AtomicBool,
        progress: &Progress,
    ) -> Result<Self::Done, Stop> {
        Ok(self
            .paired
            .run(&self.loaded.file, self.args.threads, cancel, progress)?)
    }

    fn export(&self, (stats, info): &Self::Done) -> anyhow::Result<Vec<OutputFile>> {
        let (args, variants, shared) = (self.args, &self.variants, &self.paired.shared);
        let paths: Vec<String> = args.sets.iter().map(|s| s.path.clone()).collect();
        let swept = Swept {
            scenario: &self.loaded.scenario.name,
            seed: self.paired.spec.seeds[0],
            paths: &paths,
            variants,
            years: &self.paired.models[0].years,
            shared,
            stats,
            info,
        };
        let mut files = output::export(&[&SweepCsv, &RunJson], &swept)?;

        let inputs: Vec<(String, &str)> = paths
            .iter()
            .map(|p| sweep::describe(&self.loaded.scenario, p))
            .collect();
        let subtitle = format!(
            "{} · {} per variant · seed {} · common random numbers",
            self.loaded.scenario.name,
            theme::count(self.paired.spec.trials, "trial"),
            self.paired.spec.seeds[0]
        );
        let chart = charts::sweep::extract(&swept, self.chart_m, &inputs, &subtitle);
        let opts = chart_options(&args.charts);
        let drawn = charts::draw_each(chart, &opts)?;
        let scenario = &self.loaded.scenario;
        let rows = corridor::scenario::inputs::all(scenario);
        let extras = Extras::one(&drawn, opts.formats, scenario, &rows);
        let key = workbook::rendered(&files, "sweep.csv");
        files.push(workbook::file(
            &format!("corridor sweep: {}", scenario.name),
            "Sweep",
            &key,
            &[("Inputs".into(), &rows)],
            &workbook::sweep_chart(&swept, self.chart_m),
        )?);
        let doc = report::analyses::sweep(&swept, self.chart_m, &inputs, extras);
        files.extend(report::analyses::files(&doc, &drawn, opts.formats));
        Ok(files)
    }

    fn say(&self, (stats, _): &Self::Done, dir: &Path) {
        let (chart_m, trials) = (self.chart_m, self.paired.spec.trials);
        println!(
            "{} ({}), horizon, {trials} trials per variant:",
            self.metric, self.paired.shared[chart_m].unit
        );
        for (k, v) in self.variants.iter().enumerate() {
            let st = stats.values[k][chart_m].finish();
            let set: Vec<String> = self
                .args
                .sets
                .iter()
                .zip(&v.values)
                .map(|(s, x)| format!("{}={x}", s.path))
                .collect();
            let [p5, _, p50, _, p95, mean] = precision::percentiles(&st, 1.0);
            println!(
                "  {}: P5 {p5}  P50 {p50}  P95 {p95}  mean {mean} ± {}",
                set.join(", "),
                precision::shown(st.se, 0.0),
            );
        }
        println!(
            "Results in {}/ (report.html, report.md, results.xlsx, sweep.csv)",
            dir.display()
        );
    }
}
