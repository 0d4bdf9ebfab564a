//! `corridor compare A.ron B.ron [C.ron ...]`: every scenario on common random numbers, and the
//! paired differences of B, C, … against A, written to one output folder.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;

use clap::Args;

use corridor::analysis::compare::CompareReport;
use corridor::analysis::paired::{self, PairedSpec, PairedStats};
use corridor::engine::EngineError;
use corridor::engine::progress::Progress;
use corridor::model::Model;
use corridor::output::charts::{self, theme};
use corridor::output::compare::{CompareCsv, CompareJson};
use corridor::output::json::RunJson;
use corridor::output::report::{self, analyses::Extras, document::Inputs};
use corridor::output::workbook;
use corridor::output::{self, OutputFile, RunInfo, Staging};

use super::args::ChartArgs;
use super::defaults;
use super::estimate::Job;
use super::paired_run::PairedRun;
use super::pipeline::{self, Plan, Stop, Work, chart_options};

#[derive(Debug, Args)]
#[command(
    after_help = "Writes compare.json, compare.csv, report.html, report.md, results.xlsx, run.json \
                  and charts/ (overlaid exceedance \
                  curves, histograms of the paired revenue difference) to the output folder. \
                  See docs/decision-analysis.md.\n\n\
                  Exit codes: 0 success, 1 runtime failure, 2 usage error or invalid scenario, \
                  130 interrupted."
)]
pub struct CompareArgs {
    /// Scenario files (.ron): the first is the reference A; every other is compared with it.
    #[arg(required = true, num_args = 2.., value_name = "SCENARIO")]
    pub scenarios: Vec<PathBuf>,
    /// Trials per scenario [default: 20,000: each trial simulates every scenario, and paired
    /// differences need fewer trials than run's 100,000].
    #[arg(long, short = 'n')]
    pub trials: Option<u64>,
    /// Random seed shared by every scenario [default: the first scenario's, else 1].
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
        return Ok(pipeline::invalid(
            "compared scenarios must share the same horizon (first_year, last_year)",
        ));
    }
    let trials = match pipeline::check_trials(args.trials.unwrap_or(defaults::PAIRED_TRIALS), 1) {
        Ok(t) => t,
        Err(msg) => return Ok(pipeline::invalid(&msg)),
    };
    // The reference scenario's seed, so that A is simulated as `run A` simulates it.
    let seed = defaults::seed(args.seed, &loaded[0].scenario);
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
    let name_refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let plan = Plan {
        out: pipeline::out_folder(args.out.as_deref(), &name_refs, |n| format!("compare-{n}")),
        inputs,
        quiet: args.quiet,
        estimate: args.estimate,
        threads: args.threads,
    };
    let mut work = CompareWork {
        args,
        loaded: &loaded,
        names,
        paired: PairedRun {
            models,
            shared,
            spec: PairedSpec {
                seeds,
                trials,
                threads: args.threads.map(usize::from),
            },
        },
    };
    pipeline::execute(&mut work, plan)
}

/// `compare`: every scenario on the same trials.
struct CompareWork<'a> {
    args: &'a CompareArgs,
    loaded: &'a [corridor::scenario::Loaded],
    names: Vec<String>,
    paired: PairedRun,
}

/// The paired statistics, the comparison read from them, and how the run went.
struct Compared {
    stats: PairedStats,
    report: CompareReport,
    info: RunInfo,
}

impl Work for CompareWork<'_> {
    type Done = Compared;

    fn name(&self) -> String {
        self.names.join(" vs ")
    }

    fn job(&self) -> Job {
        self.paired.job("scenarios")
    }

    fn measure(&self, cancel: &AtomicBool, progress: &Progress) -> Result<(), EngineError> {
        self.paired.measure(cancel, progress)
    }

    fn simulate(
        &mut self,
        _: &Staging,
        cancel: &AtomicBool,
        progress: &Progress,
    ) -> Result<Compared, Stop> {
        let file = self
            .args
            .scenarios
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(" ");
        let (stats, info) = self
            .paired
            .run(&file, self.args.threads, cancel, progress)?;
        let report = CompareReport::new(
            &self.names,
            &self.paired.spec.seeds,
            &self.paired.models[0].years,
            &self.paired.shared,
            &stats,
        );
        Ok(Compared {
            stats,
            report,
            info,
        })
    }

    fn export(&self, done: &Compared) -> anyhow::Result<Vec<OutputFile>> {
        let compared = output::compare::Compared {
            report: &done.report,
            shared: &self.paired.shared,
            stats: &done.stats,
            info: &done.info,
        };
        let mut files = output::export(&[&CompareJson, &CompareCsv, &RunJson], &compared)?;
        let subtitle = format!(
            "{} · {} · seed {}{}",
            self.names.join(" vs "),
            theme::count(self.paired.spec.trials, "trial"),
            self.paired.spec.seeds[0],
            if self.args.independent {
                " (independent runs)"
            } else {
                " · common random numbers"
            }
        );
        let opts = chart_options(&self.args.charts);
        let drawn = charts::draw_each(charts::compare::extract(&compared, &subtitle), &opts)?;
        let rows: Vec<_> = self
            .loaded
            .iter()
            .map(|l| corridor::scenario::inputs::all(&l.scenario))
            .collect();
        let extras = Extras {
            drawn: &drawn,
            formats: opts.formats,
            inputs: self
                .loaded
                .iter()
                .zip(&rows)
                .map(|(l, rows)| Inputs {
                    heading: format!("{} ({})", l.scenario.name, l.file),
                    note: None,
                    rows,
                })
                .collect(),
            scenarios: self
                .loaded
                .iter()
                .map(|l| {
                    (
                        l.scenario.name.clone(),
                        corridor::scenario::explain::overview(&l.scenario),
                    )
                })
                .collect(),
        };
        let named: Vec<(String, &[_])> = self
            .loaded
            .iter()
            .zip(&rows)
            .enumerate()
            // Numbered, so two files with one name (or names alike in their first 31
            // characters, Excel's limit) still get sheets of their own.
            .map(|(k, (l, rows))| {
                (
                    format!("Inputs {} {}", k + 1, l.scenario.name),
                    rows.as_slice(),
                )
            })
            .collect();
        let key = workbook::rendered(&files, "compare.csv");
        files.push(workbook::file(
            &format!("corridor compare: {}", self.names.join(" vs ")),
            "Comparison",
            &key,
            &named,
            &workbook::compare_chart(&compared),
        )?);
        let doc = report::analyses::compare(&compared, extras);
        files.extend(report::analyses::files(&doc, &drawn, opts.formats));
        Ok(files)
    }

    fn say(&self, done: &Compared, dir: &Path) {
        print!("{}", output::compare::headline(&done.report));
        println!(
            "{} trials per scenario{}; results in {}/ (report.html, report.md, results.xlsx, \
             compare.csv, compare.json)",
            theme::number(self.paired.spec.trials as f64, 0),
            if self.args.independent {
                " (independent seeds)"
            } else {
                " on common random numbers"
            },
            dir.display()
        );
    }
}
