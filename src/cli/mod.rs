//! The binary's glue: each command loads what it needs from the library and prints for people.

pub mod args;
pub mod check;
pub mod compare;
pub mod defaults;
pub mod estimate;
pub mod explain;
pub mod fit_events;
pub mod headline;
pub mod merge;
pub mod paired_run;
pub mod pipeline;
pub mod progress_bar;
pub mod results;
pub mod run;
pub mod sensitivity;
pub mod sweep;

use std::path::Path;
use std::process::ExitCode;

use corridor::output::Input;
use corridor::scenario::{Diagnostics, Loaded, load_baseline, load_file};

pub const EXIT_FAILURE: u8 = 1;
pub const EXIT_INVALID: u8 = 2;
pub const EXIT_INTERRUPTED: u8 = 130;

/// Loads the named scenario, or the built-in baseline; on problems prints them and says which
/// exit code to use.
pub fn load(path: Option<&Path>) -> Result<Loaded, ExitCode> {
    match path {
        None => Ok(load_baseline()),
        Some(p) => load_file(p).map_err(|d: Diagnostics| {
            eprintln!("{d}");
            eprintln!(
                "corridor: {} problem(s) in {}; see docs/scenario-format.md",
                d.0.len(),
                p.display()
            );
            ExitCode::from(EXIT_INVALID)
        }),
    }
}

/// The files a loaded scenario was read from: the named file and the file it extends.
pub fn scenario_inputs(path: Option<&Path>, loaded: &Loaded) -> Vec<Input> {
    let base = loaded.base.as_ref().map(|b| Path::new(&b.file));
    path.into_iter().chain(base).map(Input::new).collect()
}
