//! `corridor explain`: the plain-language account of a scenario names everything in it.
//!
//! Covers the built-in baseline (no file) and a given file: exit 0, and every producer, asset,
//! route, disruption and regime name of the scenario (read from the scenario, not from the
//! output) appears in the text; an invalid file exits 2 like `check`; correlations are put in
//! words.

use crate::common;

use std::path::Path;

use common::{MINIMAL, corridor, edit, line_col};
use corridor::scenario::{Scenario, load_baseline};

fn explain(args: &[&Path]) -> String {
    let mut cmd = corridor();
    cmd.arg("explain").args(args);
    let out = cmd.assert().code(0);
    String::from_utf8(out.get_output().stdout.clone()).unwrap()
}

fn names(s: &Scenario) -> Vec<&str> {
    let mut n: Vec<&str> = vec![s.name.as_str()];
    n.extend(s.producers.iter().map(|p| p.name.as_str()));
    n.extend(s.assets.iter().map(|a| a.name.as_str()));
    n.extend(s.routes.iter().map(|r| r.name.as_str()));
    n.extend(s.disruptions.iter().map(|d| d.name.as_str()));
    n.extend(s.regimes.iter().map(|r| r.name.as_str()));
    n
}

#[test]
fn explains_the_built_in_baseline_naming_everything() {
    let s = load_baseline().scenario;
    assert!(!s.disruptions.is_empty() && !s.regimes.is_empty());
    let text = explain(&[]);
    for name in names(&s) {
        assert!(text.contains(name), "{name:?} is not mentioned");
    }
}

#[test]
fn explaining_the_shipped_file_gives_the_same_text_as_the_built_in() {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.ron");
    assert_eq!(explain(&[&file]), explain(&[]));
}

#[test]
fn explains_a_given_file() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("minimal.ron");
    std::fs::write(&file, MINIMAL).unwrap();
    let text = explain(&[&file]);
    for name in ["minimal", "Prod", "Pipe", "Main", "PipeCo"] {
        assert!(text.contains(name), "{name:?} is not mentioned in:\n{text}");
    }
}

#[test]
fn an_invalid_file_is_refused_with_its_location() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("bad.ron");
    let text = edit(MINIMAL, "export_share: 1.0", "export_share: 1.5");
    std::fs::write(&file, &text).unwrap();
    let (line, col) = line_col(&text, "1.5");
    corridor()
        .arg("explain")
        .arg(&file)
        .assert()
        .code(2)
        .stderr(predicates::str::contains(format!(
            "{}:{line}:{col}: producers[0].export_share",
            file.display()
        )));
}

#[test]
fn correlations_are_explained_in_words() {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/black-sea-escalation.ron");
    let text = explain(&[&file]);
    assert!(text.contains("Correlated inputs"), "{text}");
    assert!(
        text.contains(
            "the benchmark's long-run level and the differential of route CPC: moderately \
             related, when one is high the other tends to be low (rank correlation -0.3)"
        ),
        "{text}"
    );
}

#[test]
fn an_outage_shape_is_explained_in_words() {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/examples/every-field.ron");
    let text = explain(&[&file]);
    assert!(
        text.contains(
            "a full stop for the first uniform 1 to 5 days (mean 3), then PERT 0.33/0.67/1 of \
             capacity lost for the rest (mean 67%)"
        ),
        "{text}"
    );
}

#[test]
fn a_changing_hazard_is_explained_year_by_year() {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/examples/every-field.ron");
    let text = explain(&[&file]);
    // The rail washout rate doubles in 2028; calm turns tense more often from 2028.
    for line in [
        "  China rail     0.30   0.30   0.60   0.60   0.60   0.60   0.60",
        "    from 2028: next year → [0.6, 0.4]",
        "an uncertain frequency at its mean",
    ] {
        assert!(text.contains(line), "{line:?} not in:\n{text}");
    }
}

#[test]
fn caps_reservations_and_market_responses_are_explained() {
    // Output 10 Mt/yr; the cap's median is 12 in 2025 and 8 from 2026: it binds from 2026.
    let text = edit(
        MINIMAL,
        "barrels_per_tonne: 7.5,",
        "barrels_per_tonne: 7.5,\n            quota: (cap: { 2025: 12.0, 2026: Uniform(min: 7.0, max: 9.0) }, compliance: 0.5),",
    );
    let text = edit(
        &text,
        r#"name: "Main","#,
        r#"name: "Main", reservation: (volume: { 2026: 4.0 }, fee: 3.0, ship_or_pay: false),"#,
    );
    let text = edit(
        &text,
        "    prices: (",
        "    market_responses: [(name: \"Premium\", assets: [\"Pipe\"], per_mt_lost: 0.1, moves: Differentials([\"Main\"]), over: Year)],\n    prices: (",
    );
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("commitments.ron");
    std::fs::write(&file, &text).unwrap();
    let out = explain(&[&file]);
    for want in [
        "output cap 12 from 2025; uniform 7 to 9 from 2026 Mt/yr, complied with 50%",
        "the cap binds in 2026–2027 (production with every input at its median above the median cap)",
        "reserves 4 Mt/yr along its chain for Prod, before anyone else is served: an option, fee 3 USD/t",
        "Premium: 0.1 USD/bbl per Mt/yr of capacity lost on Pipe, averaged over the year, for the whole year, moves the differential of Main",
    ] {
        assert!(out.contains(want), "{want:?} not in:\n{out}");
    }
    // A cap that never binds at the medians says so.
    let loose = edit(
        &text,
        "{ 2025: 12.0, 2026: Uniform(min: 7.0, max: 9.0) }",
        "{ 2025: 12.0 }",
    );
    std::fs::write(&file, &loose).unwrap();
    assert!(explain(&[&file]).contains("the cap does not bind at the medians"));
}

/// A producer's make-up share (docs/model.md §5c) is put in words, and a variant that adds one
/// lists it among its changes, labelled as `fields.rs` labels it.
#[test]
fn a_make_up_share_is_explained_and_listed_among_a_variants_changes() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("base.ron"), MINIMAL).unwrap();
    let variant = tmp.path().join("v.ron");
    std::fs::write(
        &variant,
        r#"Scenario(extends: "base.ron", name: "v", producers: [(name: "Prod", make_up: 0.8)])"#,
    )
    .unwrap();
    let out = explain(&[&variant]);
    for want in [
        "  producer \"Prod\": make-up share: none → 80%",
        "    make-up share 80%: that share of the crude outages hold back ships later in the same \
         year, where its routes then have spare capacity (what is still held back at the year's \
         end stays stranded)",
    ] {
        assert!(out.contains(want), "{want:?} not in:\n{out}");
    }
    // The base, without the field, says nothing of make-up.
    let base = explain(&[&tmp.path().join("base.ron")]);
    assert!(!base.contains("make-up"), "{base}");
}
