//! `corridor check FILE...`: every problem in every file, located; exit 2 if any.

use std::path::PathBuf;
use std::process::ExitCode;

use corridor::scenario::load_file;

use super::EXIT_INVALID;

pub fn execute(files: &[PathBuf]) -> anyhow::Result<ExitCode> {
    let mut bad = 0;
    for f in files {
        match load_file(f) {
            Ok(loaded) => println!("{}: ok ({})", f.display(), loaded.scenario.name),
            Err(d) => {
                bad += 1;
                eprintln!("{d}");
            }
        }
    }
    if bad > 0 {
        eprintln!("corridor: {bad} of {} file(s) have problems", files.len());
        return Ok(ExitCode::from(EXIT_INVALID));
    }
    Ok(ExitCode::SUCCESS)
}
