//! The command line, as clap declares it.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

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
    /// Describe a scenario in plain language, for reviewers.
    Explain {
        /// Scenario file (.ron); the built-in baseline when omitted.
        file: Option<PathBuf>,
    },
}

#[derive(Debug, Args, Default)]
pub struct RunArgs {
    /// Scenario file (.ron); the built-in baseline when omitted.
    pub scenario: Option<PathBuf>,
    /// Number of trials (default: the scenario's, else 100,000).
    #[arg(long, short = 'n')]
    pub trials: Option<u64>,
    /// Random seed (default: the scenario's, else 1).
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
}
