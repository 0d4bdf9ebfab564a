//! The shipped scenario library: every file passes `corridor check`, runs, says in its header
//! what story it tells, what question it answers and where its numbers come from, and writes its
//! results under its own file name. Variants name what they extend, and `explain` lists their
//! changes.

use crate::common;

use std::path::{Path, PathBuf};

use common::{corridor, read_json};
use corridor::scenario::load_file;

const SHIPPED: [&str; 11] = [
    "baseline",
    "calibration-2024",
    "cpc-terminal-outage",
    "black-sea-escalation",
    "btc-expansion",
    "btc-expansion-option",
    "middle-corridor-full",
    "acg-fast-decline",
    "russia-transit-cutoff",
    "backtest-2022-2025",
    "hindcast-2025",
];

fn path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(format!("{name}.ron"))
}

#[test]
fn the_library_is_complete_and_every_file_passes_check() {
    let found: Vec<String> = crate::common::ron_files("scenarios")
        .iter()
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    let mut expected: Vec<String> = SHIPPED.iter().map(|s| s.to_string()).collect();
    expected.sort();
    // Sorted as names: a path sorts "btc-expansion-option.ron" before "btc-expansion.ron".
    let mut found = found;
    found.sort();
    assert_eq!(found, expected, "scenarios/ and this test's list differ");
    let files: Vec<PathBuf> = SHIPPED.iter().map(|n| path(n)).collect();
    corridor().arg("check").args(&files).assert().code(0);
}

#[test]
fn every_file_names_its_story_question_and_sources_and_its_output_folder() {
    for name in SHIPPED {
        let text = std::fs::read_to_string(path(name)).unwrap();
        let header: String = text
            .lines()
            .take_while(|l| l.starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        for word in ["Story:", "Question:", "Sources:"] {
            assert!(header.contains(word), "{name}.ron's header lacks {word:?}");
        }
        let loaded = load_file(&path(name)).unwrap_or_else(|d| panic!("{d}"));
        assert_eq!(loaded.scenario.name, name, "{name}.ron's name field");
        if name != "baseline" {
            assert!(
                text.contains("extends: \"baseline.ron\""),
                "{name}.ron should be a short variant of the baseline"
            );
            assert_eq!(
                loaded.base.as_ref().map(|b| b.file.as_str()),
                Some(path("baseline").to_str().unwrap()),
            );
        }
    }
}

#[test]
fn every_variant_explains_its_changes_against_the_baseline() {
    for name in SHIPPED.iter().filter(|n| **n != "baseline") {
        let out = corridor().arg("explain").arg(path(name)).assert().code(0);
        let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
        let first = text.lines().next().unwrap_or("");
        assert!(
            first.starts_with("Changes against ") && first.contains("baseline.ron"),
            "{name}: {first:?}"
        );
        assert!(text.contains(&format!("name: baseline → {name}")), "{name}");
    }
}

#[test]
fn every_file_runs_and_writes_a_self_contained_scenario_copy() {
    let tmp = tempfile::tempdir().unwrap();
    for name in SHIPPED {
        let out = tmp.path().join(name);
        corridor()
            .arg("run")
            .arg(path(name))
            .args([
                "--trials", "300", "--seed", "5", "--quiet", "--charts", "none", "--out",
            ])
            .arg(&out)
            .assert()
            .success();
        let summary = read_json(&out.join("summary.json"));
        assert_eq!(summary["scenario"], name);
        assert_eq!(summary["trials"], 300);
        // The copy runs on its own: a variant's copy is the resolved scenario.
        let copy = out.join("scenario.ron");
        let again = load_file(&copy).unwrap_or_else(|d| panic!("{name}: {d}"));
        let original = load_file(&path(name)).unwrap();
        assert_eq!(again.scenario, original.scenario, "{name}");
    }
}
