//! `corridor run`: load → compile → simulate on all cores → write the result set.
//! With `--shard K/N`, simulate one shard and write its partial result for `corridor merge`.

use std::path::Path;
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;

use anyhow::Context;

use corridor::analysis::precision;
use corridor::engine::{self, EngineError, RunSpec, progress::Progress};
use corridor::model::Model;
use corridor::output::partial::Partial;
use corridor::output::{OutputFile, RunInfo, Staging, trials::TrialsCsv};
use corridor::scenario::{Loaded, Scenario};

use super::args::RunArgs;
use super::estimate::Job;
use super::pipeline::{self, Plan, Stop, Work};
use super::{defaults, results};

pub fn execute(args: &RunArgs) -> anyhow::Result<ExitCode> {
    let loaded = match super::load(args.scenario.as_deref()) {
        Ok(l) => l,
        Err(code) => return Ok(code),
    };
    let s = &loaded.scenario;
    let trials = match pipeline::check_trials(defaults::run_trials(args.trials, s), 1) {
        Ok(t) => t,
        Err(msg) => return Ok(pipeline::invalid(&msg)),
    };
    let (first, count) = args.shard.map_or((0, trials), |sh| sh.range(trials));
    let shard = args.shard.map_or(String::new(), |sh| {
        format!("-shard-{}-of-{}", sh.index, sh.count)
    });
    let out = pipeline::out_folder(args.out.as_deref(), &[&s.name], |n| format!("{n}{shard}"));
    let plan = Plan {
        out,
        inputs: super::scenario_inputs(args.scenario.as_deref(), &loaded),
        quiet: args.quiet,
        estimate: args.estimate,
        threads: args.threads,
    };
    let mut work = RunWork {
        args,
        seed: defaults::seed(args.seed, s),
        trials,
        first,
        count,
        model: Model::compile(s),
        loaded: &loaded,
    };
    pipeline::execute(&mut work, plan)
}

/// `run`: one scenario's trials (or one shard of them).
struct RunWork<'a> {
    args: &'a RunArgs,
    loaded: &'a Loaded,
    model: Model,
    seed: u64,
    /// All the run's trials, and the ones this process runs (a shard's).
    trials: u64,
    first: u64,
    count: u64,
}

/// A finished run: its statistics and how it went; a shard's partial result instead.
enum Finished {
    Whole(engine::RunOutput, RunInfo),
    Shard(Box<Partial>, RunInfo),
}

impl RunWork<'_> {
    fn published<'a>(
        &'a self,
        run: &'a engine::RunOutput,
        info: &'a RunInfo,
    ) -> results::Published<'a> {
        results::Published {
            model: &self.model,
            collector: &run.collector,
            seed: self.seed,
            scenario: &self.loaded.scenario,
            text: &self.loaded.text,
            info,
        }
    }

    fn spec(&self) -> RunSpec {
        RunSpec {
            seed: self.seed,
            first: self.first,
            trials: self.count,
            threads: self.args.threads.map(usize::from),
        }
    }
}

impl Work for RunWork<'_> {
    type Done = Finished;

    fn name(&self) -> String {
        self.loaded.scenario.name.clone()
    }

    fn job(&self) -> Job {
        job(&self.loaded.scenario, self.count, self.args)
    }

    fn measure(&self, cancel: &AtomicBool, progress: &Progress) -> Result<(), EngineError> {
        engine::run(&self.model, self.spec(), cancel, progress, None).map(|_| ())
    }

    fn simulate(
        &mut self,
        staging: &Staging,
        cancel: &AtomicBool,
        progress: &Progress,
    ) -> Result<Finished, Stop> {
        let args = self.args;
        let mut trials_csv = if args.keep_trials {
            Some(
                TrialsCsv::create(&staging.reserve("trials.csv")?, &self.model.layout)
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
        let run = match &args.precision {
            None => engine::run(&self.model, self.spec(), cancel, progress, on_rows)?,
            Some(target) => {
                let threads = self.spec().threads;
                let p = precision::run(
                    &self.model,
                    self.seed,
                    self.count,
                    threads,
                    target,
                    cancel,
                    progress,
                )?
                .ok_or_else(|| {
                    Stop::Invalid(format!(
                        "--precision: the scenario has no metric {:?} (metrics are named like \
                         revenue/<producer>; see summary.json)",
                        target.metric
                    ))
                })?;
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
                self.count = p.trials;
                engine::RunOutput {
                    collector: p.collector,
                    elapsed: p.elapsed,
                    threads: p.threads,
                }
            }
        };
        if let Some(w) = trials_csv {
            w.finish().context("cannot write trials.csv")?;
        }
        let loaded = self.loaded;
        let info = pipeline::run_info(
            &loaded.file,
            run.threads,
            run.elapsed,
            self.count,
            self.model.year_count(),
        );
        let Some(shard) = args.shard else {
            return Ok(Finished::Whole(run, info));
        };
        let part = Partial::new(
            loaded,
            self.seed,
            self.trials,
            shard,
            (self.first, self.count),
            run,
        );
        Ok(Finished::Shard(Box::new(part), info))
    }

    fn export(&self, done: &Finished) -> anyhow::Result<Vec<OutputFile>> {
        match done {
            Finished::Whole(run, info) => {
                results::files(&self.published(run, info), &self.args.charts)
            }
            Finished::Shard(part, info) => results::shard_files(part, info),
        }
    }

    fn say(&self, done: &Finished, dir: &Path) {
        match done {
            Finished::Whole(run, info) => {
                results::say(&self.published(run, info), &self.args.charts, dir);
            }
            Finished::Shard(part, _) => println!(
                "shard {}: trials {}..{} written to {}/ — merge all {} with `corridor merge`",
                part.shard,
                part.first,
                part.first + part.count,
                dir.display(),
                part.shard.count
            ),
        }
    }
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
