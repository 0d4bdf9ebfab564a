//! Provenance: every number of every shipped scenario carries a source in docs/sources.md or an
//! assumption with its reason, the annotation survives `extends`, and `check` refuses one that
//! does not resolve.

use std::path::{Path, PathBuf};

use corridor::scenario::inputs;
use corridor::scenario::provenance::{self, Source, unannotated};
use corridor::scenario::{load_file, load_str};

fn shipped() -> Vec<PathBuf> {
    crate::common::ron_files("scenarios")
}

#[test]
fn every_number_of_every_shipped_scenario_has_a_source_or_an_assumption() {
    let files = shipped();
    // The count guards against a moved scenarios folder reading as "nothing to check".
    assert_eq!(files.len(), 11, "{files:?}");
    for f in files {
        let s = load_file(&f).unwrap().scenario;
        assert_eq!(
            unannotated(&s),
            Vec::<String>::new(),
            "{}: numbers with no entry in `sources`",
            f.display()
        );
        // Every cited ID resolves to an entry of docs/sources.md (check refuses any other, so
        // loading proves it; this says it again where a reader looks for it).
        let known = provenance::known_ids();
        for row in inputs::all(&s) {
            if let Some(src) = &row.source {
                for id in src.ids() {
                    assert!(known.contains(&id), "{}: {id}", row.path);
                    assert!(provenance::entry(id).is_some(), "{id}");
                }
                if let Some(why) = src.why() {
                    assert!(!why.trim().is_empty(), "{}", row.path);
                }
            }
        }
    }
}

#[test]
fn a_variant_inherits_the_base_sources_and_its_own_keys_win() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let s = load_file(&dir.join("btc-expansion.ron")).unwrap().scenario;
    let row = |path: &str| {
        inputs::all(&s)
            .into_iter()
            .find(|r| r.path == path)
            .unwrap_or_else(|| panic!("{path}"))
    };
    // Written by the baseline only.
    assert_eq!(
        row("assets[BTC].capacity.2025").source,
        Some(Source::Cited {
            source: "btc-capacity, contradiction-btc-capacity, btc-effective-capacity".into()
        })
    );
    // The baseline's key covers the whole schedule; the variant's own key for 2027 is more
    // specific.
    assert!(
        !row("assets[Caspian tankers].capacity.2025")
            .source
            .unwrap()
            .ids()
            .is_empty()
    );
    let added = row("assets[Caspian tankers].capacity.2027").source.unwrap();
    assert!(added.is_assumption(), "{added:?}");
    assert_eq!(added.ids(), ["caspian-tankers"]);
    // A variant that removes entries drops the base's keys for them (backtest removes every
    // baseline disruption) and still loads.
    let b = load_file(&dir.join("backtest-2022-2025.ron"))
        .unwrap()
        .scenario;
    assert!(!b.sources.keys().any(|k| k.contains("CPC terminal storms")));
}

const MINIMAL: &str = r#"Scenario(
    name: "m",
    horizon: (first_year: 2025, last_year: 2026),
    producers: [(name: "P", production: (anchors: { 2025: 10.0 }), barrels_per_tonne: 7.5)],
    assets: [(name: "Pipe", kind: Pipeline, capacity: { 2025: 20.0, 2026: 25.0 }, tariff: 38.0)],
    routes: [(name: "R", producers: ["P"], assets: ["Pipe"])],
    prices: (benchmark: PerYear(Uniform(min: 60.0, max: 80.0))),
    sources: {
SOURCES    },
)"#;

fn with(sources: &str) -> Result<corridor::scenario::Loaded, String> {
    load_str(&MINIMAL.replace("SOURCES", sources), "m.ron").map_err(|d| d.to_string())
}

#[test]
fn the_most_specific_key_is_a_number_source() {
    let s = with(
        r#"        "assets[Pipe]": Cited(source: "cpc-capacity"),
        "assets[Pipe].capacity.2026": Assumed(why: "debottlenecked", source: "cpc-capacity, cpc-tariff"),
        "prices": Assumed(why: "a round range"),
"#,
    )
    .unwrap()
    .scenario;
    let rows = inputs::all(&s);
    let src = |p: &str| rows.iter().find(|r| r.path == p).unwrap().source.clone();
    assert_eq!(
        src("assets[Pipe].capacity.2025").unwrap().ids(),
        ["cpc-capacity"]
    );
    assert_eq!(
        src("assets[Pipe].capacity.2026").unwrap().ids(),
        ["cpc-capacity", "cpc-tariff"]
    );
    assert_eq!(src("assets[Pipe].tariff").unwrap().ids(), ["cpc-capacity"]);
    assert!(src("prices.benchmark").unwrap().is_assumption());
    assert_eq!(
        unannotated(&s),
        [
            "producers[P].production.anchors.2025",
            "producers[P].barrels_per_tonne"
        ]
    );
    // The map round-trips through the scenario's serialised form (scenario.ron of a variant).
    let text = ron::ser::to_string(&s).unwrap();
    let again: corridor::scenario::Scenario = ron::from_str(&text).unwrap();
    assert_eq!(again.sources, s.sources);
}

#[test]
fn check_refuses_sources_that_do_not_resolve() {
    let e =
        with("        \"assets[Pipe].capacity\": Cited(source: \"cpc-capacty\"),\n").unwrap_err();
    assert!(
        e.contains(
            "m.ron:9:34: sources.assets[Pipe].capacity: source \"cpc-capacty\" is not an entry of \
             docs/sources.md"
        ),
        "{e}"
    );
    let e = with("        \"assets[Pipe].capacity\": Assumed(why: \" \"),\n").unwrap_err();
    assert!(e.contains("an assumption must say why"), "{e}");
    let e = with("        \"assets[Pipe].capacity\": Cited(source: \"\"),\n").unwrap_err();
    assert!(e.contains("a citation needs the ID"), "{e}");
    let e =
        with("        \"assets[Pype].capacity\": Cited(source: \"cpc-capacity\"),\n").unwrap_err();
    assert!(e.contains("no entry named \"Pype\"; known: Pipe"), "{e}");
    assert!(e.contains("key each source by the path"), "{e}");
    let e =
        with("        \"assets[Pipe].capacty\": Cited(source: \"cpc-capacity\"),\n").unwrap_err();
    assert!(e.contains("not a number of the scenario"), "{e}");
    let e = with(
        "        \"assets[Pipe]\": Cited(source: \"cpc-capacity\"),\n        \"assets[Pipe]\": \
         Cited(source: \"cpc-tariff\"),\n",
    )
    .unwrap_err();
    assert!(e.contains("given twice"), "{e}");
}
