//! `corridor fit-events EVENTS.csv`: disruption processes estimated from an event log, printed
//! as RON entries ready to paste into a scenario (see `corridor::fit` for the methods).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use corridor::fit::events::{Date, read_events};
use corridor::fit::{Exposure, fit, report};
use corridor::scenario::file::{EVENT_LOG, read_limited};
use corridor::scenario::load::MAX_FILE_BYTES;

use super::EXIT_INVALID;

#[derive(Debug, Args)]
pub struct FitEventsArgs {
    /// Event log (CSV with columns asset,start,end,severity; `#` lines are comments).
    pub events: PathBuf,
    /// First day of the period the log covers, YYYY-MM-DD [default: 1 January of the first
    /// event's year].
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub from: Option<Date>,
    /// Last day of the period the log covers, YYYY-MM-DD [default: 31 December of the last
    /// event's year].
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub to: Option<Date>,
    /// Confidence level of the rate interval.
    #[arg(long, default_value_t = 0.95, value_parser = parse_level)]
    pub level: f64,
}

fn parse_date(s: &str) -> Result<Date, String> {
    Date::parse(s)
}

fn parse_level(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(v) if v > 0.0 && v < 1.0 => Ok(v),
        _ => Err(format!(
            "expected a level between 0 and 1, such as 0.95 (got {s:?})"
        )),
    }
}

pub fn execute(args: &FitEventsArgs) -> anyhow::Result<ExitCode> {
    let file = args.events.display().to_string();
    let invalid = |lines: Vec<String>| {
        for l in &lines {
            eprintln!("{l}");
        }
        eprintln!("corridor: {} problem(s) in {file}", lines.len());
        Ok(ExitCode::from(EXIT_INVALID))
    };
    let at = |line: u64| {
        if line > 0 {
            format!("{file}:{line}")
        } else {
            file.clone()
        }
    };
    let text = match read_limited(&args.events, EVENT_LOG, MAX_FILE_BYTES) {
        Ok(t) => t,
        Err(e) => return invalid(vec![format!("{file}: {e}")]),
    };
    let events = match read_events(&text) {
        Ok(e) => e,
        Err(errors) => {
            return invalid(
                errors
                    .iter()
                    .map(|e| format!("{}: {}", at(e.line), e.message))
                    .collect(),
            );
        }
    };
    let span = Exposure::spanning(&events).expect("read_events returns at least one event");
    let exposure = Exposure {
        from: args.from.unwrap_or(span.from),
        to: args.to.unwrap_or(span.to),
    };
    match fit(&events, exposure, args.level) {
        Ok(fits) => {
            print!("{}", report(&fits, &file));
            Ok(ExitCode::SUCCESS)
        }
        Err(errors) => invalid(
            errors
                .iter()
                .map(|e| format!("{}: {}", at(e.line), e.message))
                .collect(),
        ),
    }
}
