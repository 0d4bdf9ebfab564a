//! The layers point one way (docs/architecture.md): this test reads every source file and
//! fails when a module names a layer it must not use, when the library names the binary's
//! crates (`anyhow`, `indicatif`), or when one command of the binary imports another.
//!
//! Why a test: the direction is what lets a layer change without touching those below it, and
//! nothing else in the build enforces it (one crate, so the compiler allows any import).

use std::fs;
use std::path::{Path, PathBuf};

/// Each library layer and the layers it may use. The foundations (`distributions`, `stats`)
/// know nothing of oil; `analysis` sits beside `output`: it computes from the engine's
/// statistics, and `output` renders what it computes; `analysis` never imports `output`.
const ALLOWED: &[(&str, &[&str])] = &[
    ("distributions", &[]),
    ("stats", &["distributions"]),
    ("scenario", &["distributions"]),
    ("fit", &["distributions", "scenario", "stats"]),
    ("model", &["distributions", "scenario", "stats"]),
    ("engine", &["distributions", "scenario", "model", "stats"]),
    (
        "analysis",
        &["distributions", "scenario", "model", "engine", "stats"],
    ),
    (
        "output",
        &[
            "distributions",
            "scenario",
            "model",
            "engine",
            "stats",
            "analysis",
        ],
    ),
];

/// Crates only the binary uses: error reports for people and the terminal progress bar.
const BINARY_ONLY: &[&str] = &["anyhow", "indicatif"];

fn sources(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).expect("a source folder") {
        let path = entry.expect("a folder entry").path();
        if path.is_dir() {
            out.extend(sources(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out
}

/// The modules a file names after `prefix`: `crate::x` anywhere, and `x` in
/// `use crate::{x, ...}` (likewise for `super::`).
fn named_after(text: &str, prefix: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, _) in text.match_indices(prefix) {
        let rest = &text[i + prefix.len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for part in group[..end].split(',') {
                let name = part.trim().split("::").next().unwrap_or("").trim();
                if !name.is_empty() {
                    out.push(name.to_string());
                }
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            out.push(name);
        }
    }
    out
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

#[test]
fn no_layer_imports_a_layer_it_must_not_use() {
    let mut wrong = Vec::new();
    for (layer, allowed) in ALLOWED {
        for file in sources(&src().join(layer)) {
            let text = fs::read_to_string(&file).expect("a source file");
            for named in named_after(&text, "crate::") {
                let known = ALLOWED.iter().any(|(l, _)| *l == named);
                if known && named != *layer && !allowed.contains(&named.as_str()) {
                    wrong.push(format!("{} uses {named}", file.display()));
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "layers point the wrong way:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn the_library_names_no_binary_only_crate() {
    let cli = src().join("cli");
    let mut wrong = Vec::new();
    for file in sources(&src()) {
        if file.starts_with(&cli) || file.ends_with("main.rs") || file.ends_with("layers.rs") {
            continue;
        }
        let text = fs::read_to_string(&file).expect("a source file");
        for krate in BINARY_ONLY {
            if text.contains(&format!("{krate}::")) || text.contains(&format!("use {krate}")) {
                wrong.push(format!("{} uses {krate}", file.display()));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn no_command_imports_another() {
    let cli = src().join("cli");
    let main = fs::read_to_string(src().join("main.rs")).expect("main.rs");
    // The commands are what main dispatches to: `cli::<command>::execute`.
    let commands: Vec<String> = main
        .match_indices("cli::")
        .filter_map(|(i, _)| {
            main[i + 5..]
                .split_once("::execute")
                .map(|(c, _)| c.to_string())
        })
        .filter(|c| c.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '_'))
        .collect();
    assert!(
        commands.len() >= 5,
        "commands found in main.rs: {commands:?}"
    );
    let mut wrong = Vec::new();
    for command in &commands {
        let text = fs::read_to_string(cli.join(format!("{command}.rs"))).expect("a command");
        for named in named_after(&text, "super::") {
            if named != *command && commands.contains(&named) {
                wrong.push(format!("{command}.rs uses {named}"));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
