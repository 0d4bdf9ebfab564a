//! Test binary 1 of 3: the commands end to end and what they write.
//!
//! `run`, `compare` and the decision analyses, `fit-events`, `merge`, the early estimate, the
//! files a run writes (summary, tables and their column types, charts, report, workbook) and the
//! safety of the output folder against kills, signals and crafted shard files. These tests drive
//! the built binary or the exporters and read back what was written.
//!
//! Why the test files are grouped into three binaries (this one, `model.rs`, `input.rs`) rather
//! than built one binary per file: every test binary links the whole library with the release
//! profile's thin LTO, so 22 binaries made a clean `cargo test --release` spend most of its time
//! linking the same code again (BENCHMARKS.md, "Test build time"). The groups follow behaviour,
//! so `cargo test --release --test commands` runs what a change to a command can break. Each file
//! stays where it was and is a module here (`cli_run::...` in test names); `Cargo.toml` has
//! `autotests = false`, so a new file in tests/ must be listed in one group, which
//! `every_test_file_is_in_one_group` below checks.

mod common;

mod analysis;
mod charts;
mod cli_run;
mod csv_types;
mod estimate;
mod fit_events;
mod merge_safety;
mod output_safety;
mod report;
mod xlsx;

use std::collections::BTreeMap;
use std::path::Path;

/// With `autotests = false` cargo builds only the `[[test]]` targets of Cargo.toml, so a test
/// file that no group declares would silently never run: every `tests/*.rs` file must be either a
/// group (a `[[test]]` path) or declared by exactly one group's `mod` line.
#[test]
fn every_test_file_is_in_one_group() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    let groups: Vec<String> = manifest
        .lines()
        .filter_map(|l| l.trim().strip_prefix("path = \"tests/"))
        .filter_map(|l| l.strip_suffix(".rs\""))
        .map(str::to_string)
        .collect();
    // This test lives in `commands.rs`: finding that group shows the manifest was read right.
    assert!(
        groups.iter().any(|g| g == "commands"),
        "no [[test]] path found"
    );
    let mut declared: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for group in &groups {
        let text = std::fs::read_to_string(root.join(format!("tests/{group}.rs"))).unwrap();
        for module in text.lines().filter_map(|l| l.strip_prefix("mod ")) {
            let module = module.trim_end_matches(';');
            declared.entry(module.to_string()).or_default().push(group);
        }
    }
    let paths: Vec<_> = std::fs::read_dir(root.join("tests"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    // cargo would also have built `tests/NAME/main.rs` as a binary of its own.
    if let Some(dir) = paths.iter().find(|p| p.join("main.rs").exists()) {
        panic!(
            "{} is not built (autotests = false): make it a file tests/NAME.rs and add `mod NAME;` to one of {groups:?}",
            dir.join("main.rs").display()
        );
    }
    let mut files: Vec<String> = paths
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .filter(|name| !groups.contains(name))
        .collect();
    files.sort();
    for file in &files {
        match declared.get(file).map(Vec::as_slice) {
            Some([_]) => {}
            None => {
                panic!("tests/{file}.rs is in no group: add `mod {file};` to one of {groups:?}")
            }
            Some(more) => panic!("tests/{file}.rs is in several groups: {more:?}"),
        }
    }
    // Every group shares tests/common/; all other modules are files of tests/.
    for (module, in_groups) in &declared {
        if module == "common" {
            assert_eq!(
                in_groups.len(),
                groups.len(),
                "`mod common;` in every group"
            );
        } else {
            assert!(
                files.contains(module),
                "`mod {module};` names no tests/*.rs file"
            );
        }
    }
}
