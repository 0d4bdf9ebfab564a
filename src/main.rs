//! The `corridor` command: parse → load and validate → run → export.

mod cli;

use std::process::ExitCode;

use clap::Parser;

use cli::args::{Cli, Command, RunArgs};

fn main() -> ExitCode {
    let args = Cli::parse();
    let outcome = match args.command.unwrap_or(Command::Run(RunArgs::default())) {
        Command::Run(run) => cli::run::execute(&run),
        Command::Merge(merge) => cli::merge::execute(&merge),
        Command::Check { files } => cli::check::execute(&files),
        Command::Explain { file } => cli::explain::execute(file.as_deref()),
        Command::FitEvents(fit) => cli::fit_events::execute(&fit),
        Command::Compare(compare) => cli::compare::execute(&compare),
        Command::Sweep(sweep) => cli::sweep::execute(&sweep),
        Command::Sensitivity(s) => cli::sensitivity::execute(&s),
    };
    match outcome {
        Ok(code) => code,
        Err(err) => {
            eprintln!("corridor: error: {err:#}");
            ExitCode::from(cli::EXIT_FAILURE)
        }
    }
}
