//! Scenario composition (`extends`): the override rules of docs/scenario-format.md ("Extending a
//! scenario"), located errors through a chain of files, and `explain`'s list of changes.
//!
//! Each test writes a small base (`common::MINIMAL`, extended by a disruption and a regime) and
//! variants into a temporary folder, then checks the merged scenario through the library or the
//! messages through the binary. Expected line:column pairs are computed from the text written.

mod common;

use std::path::{Path, PathBuf};

use common::{MINIMAL, corridor, edit, line_col};
use corridor::scenario::schema::Frequency;
use corridor::scenario::{Uncertain, load_file, load_str};

/// MINIMAL plus a disruption, a forced event and a regime chain, so every list can be patched.
fn base_text() -> String {
    let text = edit(
        MINIMAL,
        "    prices: (",
        r#"    disruptions: [
        (
            name: "Pipe storms",
            assets: ["Pipe"],
            tags: ["storm"],
            frequency: Rate(0.5),
            duration_days: LogNormal90(low: 3.0, high: 45.0),
            severity: 0.5,
        ),
        (
            name: "Pipe strikes",
            assets: ["Pipe"],
            frequency: Probability(0.1),
            duration_days: 10.0,
            severity: 1.0,
        ),
    ],
    regimes: [
        (name: "calm", initial: 1.0, next: [1.0], frequency_multipliers: { "storm": 0.5 }),
    ],
    prices: ("#,
    );
    edit(
        &text,
        "capacity: { 2025: 100.0 }",
        "capacity: { 2025: 100.0, 2027: 120.0 }",
    )
}

struct Dir(tempfile::TempDir);

impl Dir {
    fn new() -> Dir {
        let d = Dir(tempfile::tempdir().unwrap());
        d.write("base.ron", &base_text());
        d
    }
    fn write(&self, name: &str, text: &str) -> PathBuf {
        let p = self.0.path().join(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(&p, text).unwrap();
        p
    }
    fn path(&self, name: &str) -> PathBuf {
        self.0.path().join(name)
    }
}

/// `corridor check FILE`: asserts exit 2 and returns stderr.
fn check_fails(file: &Path) -> String {
    let out = corridor().arg("check").arg(file).assert().code(2);
    String::from_utf8(out.get_output().stderr.clone()).unwrap()
}

/// Asserts a diagnostic line `FILE:LINE:COL: PATH: ...` at the first `marker` of `text`.
fn assert_at(stderr: &str, file: &Path, text: &str, marker: &str, path: &str) -> String {
    let (line, col) = line_col(text, marker);
    let prefix = format!("{}:{line}:{col}: {path}: ", file.display());
    stderr
        .lines()
        .find(|l| l.starts_with(&prefix))
        .unwrap_or_else(|| panic!("no line starting with {prefix:?} in:\n{stderr}"))
        .to_string()
}

#[test]
fn scalars_replace_maps_merge_by_key_and_named_entries_patch_append_or_go() {
    let dir = Dir::new();
    let variant = dir.write(
        "variant.ron",
        r#"// A variant: three changes and one removal.
Scenario(
    extends: "base.ron",
    name: "variant",
    horizon: (last_year: 2030),
    assets: [
        (name: "Pipe", capacity: { 2026: 90.0 }, tariff: 12.0),
        (name: "Spur", capacity: { 2025: 5.0 }),
    ],
    routes: [
        (name: "Spur route", producers: ["Prod"], assets: ["Spur"]),
    ],
    disruptions: [
        (name: "Pipe storms", frequency: Rate(1.0)),
        (name: "Pipe strikes", remove: true),
    ],
)
"#,
    );
    let s = load_file(&variant)
        .unwrap_or_else(|d| panic!("{d}"))
        .scenario;
    let base = load_file(&dir.path("base.ron")).unwrap().scenario;
    assert_eq!(s.name, "variant");
    // Scalars: written ones replace, the rest are inherited.
    assert_eq!((s.horizon.first_year, s.horizon.last_year), (2025, 2030));
    assert_eq!(s.description, base.description);
    // Named entries patch field by field: Pipe keeps its owner, gets a new tariff, and its
    // capacity schedule gains 2026 while keeping 2025 and 2027.
    let pipe = &s.assets[0];
    assert_eq!(pipe.owner.as_deref(), Some("PipeCo"));
    assert_eq!(pipe.tariff, Uncertain::Number(12.0));
    let years: Vec<(i32, Uncertain)> = pipe.capacity.clone().into_iter().collect();
    assert_eq!(
        years,
        vec![
            (2025, Uncertain::Number(100.0)),
            (2026, Uncertain::Number(90.0)),
            (2027, Uncertain::Number(120.0)),
        ]
    );
    // New names append, in the variant's order, with defaults for what they leave out.
    assert_eq!(s.assets[1].name, "Spur");
    assert_eq!(s.routes.last().unwrap().name, "Spur route");
    assert_eq!(s.routes.last().unwrap().tariff, Uncertain::Number(0.0));
    // Patched disruption keeps its other fields; the removed one is gone.
    assert_eq!(s.disruptions.len(), 1);
    assert_eq!(
        s.disruptions[0].frequency,
        Frequency::Rate(Uncertain::Number(1.0))
    );
    assert_eq!(s.disruptions[0].tags, vec!["storm".to_string()]);
    assert_eq!(s.disruptions[0].severity, base.disruptions[0].severity);
    // Lists a variant does not mention are inherited whole.
    assert_eq!(s.producers, base.producers);
    assert_eq!(s.regimes, base.regimes);
}

#[test]
fn a_bad_value_written_in_the_variant_is_reported_in_the_variant() {
    let dir = Dir::new();
    let text = r#"Scenario(
    extends: "base.ron",
    name: "v",
    assets: [(name: "Pipe", tariff: Uniform(min: 30.0, max: 20.0))],
    disruptions: [(name: "Pipe storms", severity: 1.5)],
)
"#;
    let v = dir.write("v.ron", text);
    let err = check_fails(&v);
    let l = assert_at(&err, &v, text, "Uniform(", "assets[0].tariff");
    assert!(l.contains("swap them"), "{l}");
    let l = assert_at(&err, &v, text, "1.5", "disruptions[0].severity");
    assert!(l.contains("between 0 and 1"), "{l}");
    assert!(
        !err.contains("base.ron:"),
        "nothing is wrong in the base:\n{err}"
    );
}

#[test]
fn a_problem_in_inherited_text_is_reported_in_the_base_at_its_own_line() {
    let dir = Dir::new();
    // Starting the horizon in 2024 makes the base's capacity schedule (from 2025) too late.
    let text = "Scenario(extends: \"base.ron\", name: \"v\", horizon: (first_year: 2024))\n";
    let v = dir.write("v.ron", text);
    let err = check_fails(&v);
    let base = dir.path("base.ron");
    let l = assert_at(
        &err,
        &base,
        &base_text(),
        "{ 2025: 100.0",
        "assets[0].capacity",
    );
    assert!(
        l.contains("starts in 2025") && l.contains(&format!("[as extended by {}]", v.display())),
        "{l}"
    );
    // The syntax of a base is checked in the base.
    let broken = dir.write(
        "broken.ron",
        &edit(&base_text(), "name: \"minimal\",", "name: \"minimal\""),
    );
    let v2 = dir.write(
        "v2.ron",
        "Scenario(extends: \"broken.ron\", name: \"v2\")\n",
    );
    let err = check_fails(&v2);
    assert!(err.starts_with(&format!("{}:", broken.display())), "{err}");
}

#[test]
fn a_chain_of_three_files_locates_each_value_in_the_file_that_wrote_it() {
    let dir = Dir::new();
    let middle = r#"Scenario(
    extends: "base.ron",
    name: "middle",
    routes: [(name: "Main", tariff: -5.0)],
)
"#;
    dir.write("middle.ron", middle);
    let top = r#"Scenario(
    extends: "middle.ron",
    name: "top",
    assets: [(name: "Pipe", storage_days: 400.0)],
)
"#;
    let t = dir.write("top.ron", top);
    let err = check_fails(&t);
    let m = dir.path("middle.ron");
    assert_at(&err, &m, middle, "-5.0", "routes[0].tariff");
    assert_at(&err, &t, top, "400.0", "assets[0].storage_days");
    // When the top fixes the middle's value, the chain is valid and the top's value wins.
    let fixed = edit(
        top,
        "storage_days: 400.0)",
        "storage_days: 4.0)],\n    routes: [(name: \"Main\", tariff: 5.0)",
    );
    let t2 = dir.write("top2.ron", &fixed);
    let s = load_file(&t2).unwrap_or_else(|d| panic!("{d}")).scenario;
    assert_eq!(s.routes[0].tariff, Uncertain::Number(5.0));
    assert_eq!(s.assets[0].storage_days, 4.0);
}

#[test]
fn cycles_deep_chains_and_missing_bases_are_errors_naming_the_files() {
    let dir = Dir::new();
    let a = dir.write("a.ron", "Scenario(extends: \"b.ron\", name: \"a\")\n");
    let b = dir.write("b.ron", "Scenario(extends: \"a.ron\", name: \"b\")\n");
    let err = check_fails(&a);
    assert!(
        err.contains(&format!(
            "{} → {} → {}",
            a.display(),
            b.display(),
            a.display()
        )) && err.contains("cycle"),
        "{err}"
    );
    // Eight levels of extends are allowed; a ninth is refused.
    let level = |i: usize, next: &str| format!("Scenario(extends: \"{next}\", name: \"l{i}\")\n");
    dir.write("l1.ron", &level(1, "base.ron"));
    for i in 2..=9 {
        dir.write(&format!("l{i}.ron"), &level(i, &format!("l{}.ron", i - 1)));
    }
    assert_eq!(load_file(&dir.path("l8.ron")).unwrap().scenario.name, "l8");
    let err = check_fails(&dir.path("l9.ron"));
    assert!(err.contains("more than 8 levels of extends"), "{err}");
    // A base that does not exist: at the variant's `extends`, relative to the variant's folder.
    let text = "Scenario(\n    extends: \"nope.ron\",\n    name: \"x\",\n)\n";
    let x = dir.write("sub/x.ron", text);
    let err = check_fails(&x);
    let l = assert_at(&err, &x, text, "\"nope.ron\"", "extends");
    assert!(
        l.contains(&dir.path("sub/nope.ron").display().to_string()),
        "{l}"
    );
    // A base in another folder, named relative to the variant.
    let y = dir.write(
        "sub/y.ron",
        "Scenario(extends: \"../base.ron\", name: \"y\")\n",
    );
    assert_eq!(load_file(&y).unwrap().scenario.name, "y");
}

#[test]
fn misnamed_removed_or_incomplete_entries_are_refused_with_the_known_names() {
    let dir = Dir::new();
    let text = r#"Scenario(
    extends: "base.ron",
    name: "v",
    disruptions: [
        (name: "Pipe stroms", frequency: Rate(2.0)),
        (name: "Nothing", remove: true),
        (name: "Pipe strikes", remove: true, severity: 0.5),
    ],
    producers: [(name: "Prod"), (name: "Prod")],
)
"#;
    let v = dir.write("v.ron", text);
    let err = check_fails(&v);
    let l = assert_at(&err, &v, text, "(name: \"Pipe stroms\"", "disruptions[0]");
    assert!(
        l.contains("`assets`, `duration_days`, `severity`")
            && l.contains("known: Pipe storms, Pipe strikes"),
        "{l}"
    );
    assert!(l.contains("; add them, or correct the name"), "{l}");
    // One missing field reads in the singular.
    let one = dir.write(
        "one.ron",
        "Scenario(extends: \"base.ron\", name: \"o\", producers: [(name: \"Prd\", \
         production: (anchors: { 2025: 1.0 }))])\n",
    );
    let singular = check_fails(&one);
    assert!(
        singular.contains("which needs `barrels_per_tonne`; add it, or correct the name"),
        "{singular}"
    );
    let l = assert_at(&err, &v, text, "\"Nothing\"", "disruptions[1].name");
    assert!(l.contains("no disruption \"Nothing\""), "{l}");
    let l = assert_at(&err, &v, text, "true, severity", "disruptions[2].remove");
    assert!(l.contains("takes only its name"), "{l}");
    let (line, _) = line_col(text, "(name: \"Prod\"), (name");
    assert!(
        err.contains(&format!("{}:{line}:", v.display())) && err.contains("written twice"),
        "{err}"
    );
    // A variant must name itself, and unknown fields are refused as in a full scenario.
    let err = check_fails(&dir.write("n.ron", "Scenario(extends: \"base.ron\")\n"));
    assert!(err.contains("missing field `name`"), "{err}");
    let err = check_fails(&dir.write(
        "u.ron",
        "Scenario(extends: \"base.ron\", name: \"u\", asets: [])\n",
    ));
    assert!(
        err.contains("Unexpected field named `asets`") && err.contains("`extends`"),
        "{err}"
    );
}

#[test]
fn explain_lists_what_the_variant_changes_old_to_new() {
    let dir = Dir::new();
    let v = dir.write(
        "v.ron",
        r#"Scenario(
    extends: "base.ron",
    name: "v",
    assets: [(name: "Pipe", capacity: { 2026: 90.0 })],
    disruptions: [(name: "Pipe strikes", remove: true), (name: "Pipe storms", severity: 0.75)],
    forced_events: [(name: "Cut", assets: ["Pipe"], start: "2026-01-01", end: "2026-02-01", capacity_left: 0.5)],
)
"#,
    );
    let out = corridor().arg("explain").arg(&v).assert().code(0);
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let changes: Vec<&str> = text.lines().take_while(|l| !l.is_empty()).collect();
    let base = dir.path("base.ron");
    assert_eq!(
        changes,
        vec![
            format!(
                "Changes against {} (what {} overrides; everything else is inherited)",
                base.display(),
                v.display()
            )
            .as_str(),
            "  name: minimal → v",
            "  asset \"Pipe\": capacity (Mt/yr) from 2026: none → 90",
            "  disruption \"Pipe storms\": severity (fraction lost): 0.5 → 0.75",
            "  removed disruption \"Pipe strikes\"",
            "  added forced event \"Cut\": assets Pipe; from 2026-01-01; to 2026-02-01; capacity left 50%",
        ]
    );
    // The rest is the usual description of the merged scenario.
    assert!(text.contains("Scenario \"v\": 2025–2027"), "{text}");
    // A complete scenario has no such section.
    let out = corridor().arg("explain").arg(&base).assert().code(0);
    assert!(!String::from_utf8_lossy(&out.get_output().stdout).contains("Changes against"));
}

#[test]
fn a_variant_resolves_to_a_self_contained_scenario_text() {
    let dir = Dir::new();
    let v = dir.write(
        "v.ron",
        "// my variant\nScenario(extends: \"base.ron\", name: \"v\", assets: [(name: \"Pipe\", tariff: Uniform(min: 1.0, max: 2.0))])\n",
    );
    let loaded = load_file(&v).unwrap();
    // The text names the chain, keeps each file's own text (comments included) commented out,
    // and parses on its own to the same scenario.
    assert!(loaded.text.starts_with(&format!(
        "// Resolved scenario: {} extends {}.",
        v.display(),
        dir.path("base.ron").display()
    )));
    assert!(loaded.text.contains("// // my variant"));
    let again = load_str(&loaded.text, "resolved.ron").unwrap_or_else(|d| panic!("{d}"));
    assert_eq!(again.scenario, loaded.scenario);
    assert!(again.base.is_none());
}

#[test]
fn correlations_are_replaced_whole_and_their_errors_located_in_the_file_that_wrote_them() {
    let dir = Dir::new();
    let v1_text = r#"Scenario(
    extends: "base.ron",
    name: "correlated",
    producers: [(name: "Prod", export_share: Uniform(min: 0.5, max: 1.0))],
    assets: [(name: "Pipe", tariff: Uniform(min: 5.0, max: 15.0))],
    correlations: [
        (inputs: ["producers[Prod].export_share", "assets[Pipe].tariff"], rank: [[1.0, 0.5], [0.5, 1.0]]),
    ],
)
"#;
    let v1 = dir.write("v1.ron", v1_text);
    let s = load_file(&v1).unwrap_or_else(|d| panic!("{d}")).scenario;
    assert_eq!(s.correlations.len(), 1);
    assert_eq!(s.correlations[0].rank, vec![vec![1.0, 0.5], vec![0.5, 1.0]]);
    // `[]` drops the base's groups.
    let v2 = dir.write(
        "v2.ron",
        "Scenario(extends: \"v1.ron\", name: \"plain\", correlations: [])\n",
    );
    let s = load_file(&v2).unwrap_or_else(|d| panic!("{d}")).scenario;
    assert!(s.correlations.is_empty());
    // A variant that makes a correlated input PerYear: the problem is reported where the
    // correlation is written (v1), naming the input.
    let v3 = dir.write(
        "v3.ron",
        r#"Scenario(
    extends: "v1.ron",
    name: "yearly",
    producers: [(name: "Prod", export_share: PerYear(Uniform(min: 0.5, max: 1.0)))],
)
"#,
    );
    let stderr = check_fails(&v3);
    let line = assert_at(
        &stderr,
        &v1,
        v1_text,
        "\"producers[Prod].export_share\"",
        "correlations[0].inputs[0]",
    );
    assert!(line.contains("drawn anew each year"), "{line}");
}
