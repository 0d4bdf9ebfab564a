//! `corridor explain FILE`: the scenario in plain language.

use std::path::Path;
use std::process::ExitCode;

use corridor::scenario::changes::changes_section;
use corridor::scenario::explain::explain;

pub fn execute(file: Option<&Path>) -> anyhow::Result<ExitCode> {
    let loaded = match super::load(file) {
        Ok(l) => l,
        Err(code) => return Ok(code),
    };
    // A variant shows first what it changes, the part a reviewer must read.
    if let Some(changes) = changes_section(&loaded) {
        println!("{changes}");
    }
    print!("{}", explain(&loaded.scenario));
    Ok(ExitCode::SUCCESS)
}
