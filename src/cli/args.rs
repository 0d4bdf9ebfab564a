//! The command line, as clap declares it.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use corridor::engine::shard::Shard;
use corridor::output::charts::{self, Formats};

#[derive(Debug, Parser)]
#[command(
    name = "corridor",
    version,
    about = "Monte Carlo simulator of crude-oil export-route disruption",
    long_about = "Monte Carlo simulator of crude-oil export-route disruption.\n\n\
                  With no command, runs the built-in baseline scenario (the Caspian export system, 2025-2035).",
    after_help = "Exit codes: 0 success, 1 runtime failure, 2 usage error or invalid scenario, 130 interrupted."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Simulate a scenario and write distributions of revenue and volume.
    Run(RunArgs),
    /// Validate scenario files; prints FILE:LINE:COL: PATH: message for each problem.
    Check {
        /// Scenario files (.ron).
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Merge the partial results of sharded runs into the results of one run.
    Merge(MergeArgs),
    /// Describe a scenario in plain language, for reviewers.
    Explain {
        /// Scenario file (.ron); the built-in baseline when omitted.
        file: Option<PathBuf>,
    },
    /// Fit disruption processes to an event log (CSV: asset,start,end,severity); prints RON.
    FitEvents(super::fit_events::FitEventsArgs),
    /// Compare scenarios on common random numbers: paired differences of B, C, ... against A.
    Compare(super::compare::CompareArgs),
    /// Run a scenario with one or two of its numbers set to each of a list of values.
    Sweep(super::sweep::SweepArgs),
    /// Rank the uncertain inputs by their influence on revenue and lost revenue.
    Sensitivity(super::sensitivity::SensitivityArgs),
}

#[derive(Debug, Args, Default)]
pub struct RunArgs {
    /// Scenario file (.ron); the built-in baseline when omitted.
    pub scenario: Option<PathBuf>,
    /// Number of trials [default: the scenario's, else 100,000].
    #[arg(long, short = 'n')]
    pub trials: Option<u64>,
    /// Random seed [default: the scenario's, else 1; every command defaults alike].
    #[arg(long, short = 's')]
    pub seed: Option<u64>,
    /// Worker threads (default: one per core). Results do not depend on it.
    #[arg(long, short = 'j', value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub threads: Option<u16>,
    /// Output folder (default: output/<scenario name>/). Replaced whole when the run completes.
    #[arg(long, short = 'o')]
    pub out: Option<PathBuf>,
    /// No progress bar and no summary on stdout.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Also write trials.csv: every trial's horizon values.
    #[arg(long)]
    pub keep_trials: bool,
    /// Run only the K-th of N contiguous shards of the trials (K from 0) and write a partial
    /// result for `corridor merge`, e.g. --shard $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT.
    #[arg(long, value_name = "K/N", conflicts_with = "keep_trials")]
    pub shard: Option<Shard>,
    /// Run batches of 8,192 trials, in order, until the 95% interval of a horizon statistic is
    /// this narrow (relative half-width), e.g. 'revenue/Kazakhstan:p5:1%' or
    /// 'lost_revenue/Kazakhstan:mean:2%'; --trials (default 100,000) caps the run.
    /// Deterministic: the same seed stops at the same trial count.
    #[arg(long, value_name = "METRIC:STAT:TARGET", conflicts_with_all = ["shard", "keep_trials"])]
    pub precision: Option<corridor::analysis::precision::Target>,
    /// Only estimate how long the run would take: run its first trials for a few seconds,
    /// print the estimate (and how to shorten the run) and stop; nothing is written.
    #[arg(long, conflicts_with = "keep_trials")]
    pub estimate: bool,
    #[command(flatten)]
    pub charts: ChartArgs,
}

/// How charts are drawn (run and merge).
#[derive(Debug, Args, Default, Clone)]
pub struct ChartArgs {
    /// Chart files to write into <out>/charts/: svg,png, svg, png or none [default: svg,png].
    /// report.html always inlines the charts unless this is none.
    #[arg(long, value_name = "FORMATS", value_parser = parse_formats)]
    pub charts: Option<Formats>,
    /// Chart size in pixels of 1/96 inch, e.g. 1200x750 [default: 960x600].
    #[arg(long, value_name = "WxH", value_parser = charts::parse_size)]
    pub chart_size: Option<(u32, u32)>,
    /// PNG pixels per chart pixel, for print: 2 is 192 dpi, 3 is 288 dpi; SVG is unaffected
    /// [default: 2].
    #[arg(long, value_name = "FACTOR", value_parser = parse_scale)]
    pub chart_scale: Option<f64>,
}

/// `corridor merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Output folders of `corridor run --shard K/N` (every shard exactly once).
    #[arg(required = true)]
    pub parts: Vec<PathBuf>,
    /// Where to write the merged results (replaced whole when complete).
    #[arg(long, short = 'o')]
    pub out: PathBuf,
    /// No summary on stdout.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    #[command(flatten)]
    pub charts: ChartArgs,
}

fn parse_formats(s: &str) -> Result<Formats, String> {
    s.parse()
}

fn parse_scale(s: &str) -> Result<f64, String> {
    let (lo, hi) = charts::SCALE_RANGE;
    match s.trim().parse::<f64>() {
        Ok(v) if (lo..=hi).contains(&v) => Ok(v),
        _ => Err(format!("expected a number from {lo} to {hi} (got {s:?})")),
    }
}
