//! `corridor run`: load → compile → simulate on all cores → write the result set.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::Context;

use corridor::engine::{self, EngineError, RunSpec, progress};
use corridor::model::Model;
use corridor::output::{self, Report, Results, RunInfo, Staging, trials::TrialsCsv};
use corridor::scenario::limits::Limits;

use super::args::RunArgs;
use super::{EXIT_INTERRUPTED, EXIT_INVALID};

pub const DEFAULT_TRIALS: u64 = 100_000;
pub const DEFAULT_SEED: u64 = 1;

pub fn execute(args: &RunArgs) -> anyhow::Result<ExitCode> {
    let loaded = match super::load(args.scenario.as_deref()) {
        Ok(l) => l,
        Err(code) => return Ok(code),
    };
    let s = &loaded.scenario;
    let trials = args.trials.or(s.horizon.trials).unwrap_or(DEFAULT_TRIALS);
    let seed = args.seed.or(s.horizon.seed).unwrap_or(DEFAULT_SEED);
    let max = Limits::default().max_trials;
    if trials == 0 || trials > max {
        eprintln!("corridor: --trials must be between 1 and {max} (got {trials})");
        return Ok(ExitCode::from(EXIT_INVALID));
    }
    let out = match &args.out {
        Some(dir) => dir.clone(),
        None => match safe_folder_name(&s.name) {
            Some(name) => PathBuf::from("output").join(name),
            None => {
                eprintln!(
                    "corridor: the scenario name {:?} cannot name a folder; pass --out DIR",
                    s.name
                );
                return Ok(ExitCode::from(EXIT_INVALID));
            }
        },
    };
    let staging = Staging::new(&out)?;

    let model = Model::compile(s);
    let cancel = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&cancel);
    // A second handler cannot be installed in the same process (tests call run twice): ignore.
    let _ = ctrlc::set_handler(move || flag.store(true, Ordering::Relaxed));

    let bar = progress::trials_bar(trials, args.quiet);
    let mut trials_csv = if args.keep_trials {
        Some(
            TrialsCsv::create(&staging.path("trials.csv"), &model.layout)
                .context("cannot create trials.csv")?,
        )
    } else {
        None
    };
    let mut write_rows =
        |rows: &engine::TrialRows| trials_csv.as_mut().map_or(Ok(()), |w| w.rows(rows));
    let spec = RunSpec {
        seed,
        first: 0,
        trials,
        threads: args.threads.map(usize::from),
    };
    let on_rows: Option<&mut dyn FnMut(&engine::TrialRows) -> std::io::Result<()>> =
        if args.keep_trials {
            Some(&mut write_rows)
        } else {
            None
        };
    let run = match engine::run(&model, spec, &cancel, &bar, on_rows) {
        Ok(r) => r,
        Err(EngineError::Interrupted) => {
            bar.abandon();
            eprintln!(
                "corridor: interrupted; {} was left as it was",
                out.display()
            );
            return Ok(ExitCode::from(EXIT_INTERRUPTED));
        }
        Err(e) => return Err(e.into()),
    };
    bar.finish_and_clear();
    if let Some(w) = trials_csv {
        w.finish().context("cannot write trials.csv")?;
    }

    let results = Results::from_collector(&model, &run.collector, seed);
    let secs = run.elapsed.as_secs_f64().max(1e-9);
    let info = RunInfo {
        corridor_version: env!("CARGO_PKG_VERSION"),
        scenario_file: loaded.file.clone(),
        threads: run.threads,
        elapsed_seconds: secs,
        trials_per_second: trials as f64 / secs,
        trial_years_per_second: (trials * model.year_count() as u64) as f64 / secs,
        finished_unix: SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs()),
    };
    let report = Report {
        results: &results,
        info: &info,
        scenario_text: &loaded.text,
    };
    for exporter in output::standard() {
        staging.write(exporter.file_name(), &exporter.render(&report)?)?;
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
        print!("{}", super::headline::headline(&results, &info, &dir));
    }
    Ok(ExitCode::SUCCESS)
}

/// A scenario name as a folder name: letters, digits, `-`, `_`, `.` kept, anything else `-`;
/// names that would climb out of `output/` (`..`) are refused.
pub fn safe_folder_name(name: &str) -> Option<String> {
    let clean: String = name
        .trim()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '-'
            }
        })
        .collect();
    let clean = clean.trim_matches('.').to_string();
    (!clean.is_empty() && clean.len() <= 100).then_some(clean)
}
