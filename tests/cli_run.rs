//! `corridor run` end to end: the files a run writes and their shape.
//!
//! Covers summary.json (header fields, one entry per `<kind>/<entity>` for every producer, route,
//! owner and asset, every STATS field, ordered percentiles), percentiles.csv (exact header, row
//! count, values equal to summary.json), scenario.ron (byte-identical to the input), run.json
//! (threads, trials/s) and trials.csv with --keep-trials (header, one row per trial, in order,
//! consistent with summary.json). The expected entity lists are read from the scenario itself, not
//! from the output.

use crate::common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::OnceLock;

use common::{MINIMAL, ORDER_STATS, STAT_FIELDS, corridor, read_json};
use corridor::scenario::{Scenario, load_baseline};
use serde_json::Value;

const TRIALS: u64 = 2000;
const SEED: u64 = 11;
const THREADS: usize = 2;

/// Everything one run of the built-in baseline wrote (read back so the temp folder can go).
struct Written {
    files: Vec<String>,
    summary: Value,
    run: Value,
    percentiles: String,
    scenario: Vec<u8>,
    trials: String,
}

/// One baseline run shared by the tests of this file: 2000 trials, --keep-trials.
fn baseline_run() -> &'static Written {
    static RUN: OnceLock<Written> = OnceLock::new();
    RUN.get_or_init(|| {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        corridor()
            .args([
                "run",
                "--trials",
                &TRIALS.to_string(),
                "--seed",
                &SEED.to_string(),
            ])
            .args([
                "--threads",
                &THREADS.to_string(),
                "--quiet",
                "--keep-trials",
                "--out",
            ])
            .arg(&out)
            .assert()
            .success();
        Written {
            files: common::entries(&out),
            summary: read_json(&out.join("summary.json")),
            run: read_json(&out.join("run.json")),
            percentiles: std::fs::read_to_string(out.join("percentiles.csv")).unwrap(),
            scenario: std::fs::read(out.join("scenario.ron")).unwrap(),
            trials: std::fs::read_to_string(out.join("trials.csv")).unwrap(),
        }
    })
}

/// Metric ids the README promises for a scenario: each kind for every entity of its type.
fn expected_metrics(s: &Scenario) -> BTreeSet<String> {
    let mut owners: Vec<&str> = Vec::new();
    for o in s.assets.iter().filter_map(|a| a.owner.as_deref()) {
        if !owners.contains(&o) {
            owners.push(o);
        }
    }
    let producer_kinds = [
        "export_supply",
        "export_volume",
        "stranded_volume",
        "lost_volume",
        "displaced_volume",
        "revenue",
        "revenue_undisrupted",
        "lost_revenue",
        "tariffs_paid",
    ];
    let mut ids = BTreeSet::new();
    for k in producer_kinds {
        ids.extend(s.producers.iter().map(|p| format!("{k}/{}", p.name)));
    }
    // Every producer's, in a scenario where any producer has a make-up share.
    if s.producers.iter().any(|p| p.make_up.is_some()) {
        ids.extend(
            s.producers
                .iter()
                .map(|p| format!("made_up_volume/{}", p.name)),
        );
    }
    ids.extend(s.routes.iter().map(|r| format!("route_volume/{}", r.name)));
    ids.extend(owners.iter().map(|o| format!("transit_fees/{o}")));
    for k in ["asset_volume", "utilisation", "outage_days"] {
        ids.extend(s.assets.iter().map(|a| format!("{k}/{}", a.name)));
    }
    ids.insert("benchmark_price/Brent".to_string());
    // The baseline keeps the default thresholds, 1, 5 and 10 Mt/yr.
    for x in [1, 5, 10] {
        ids.extend(
            s.producers
                .iter()
                .map(|p| format!("stranded_over_{x}Mt/{}", p.name)),
        );
    }
    ids
}

fn num(v: &Value, field: &str) -> f64 {
    v[field]
        .as_f64()
        .unwrap_or_else(|| panic!("{field} is not a number in {v}"))
}

#[test]
fn summary_header_names_the_run() {
    let s = &baseline_run().summary;
    assert_eq!(s["scenario"], "baseline");
    assert_eq!(s["trials"], TRIALS);
    assert_eq!(s["seed"], SEED);
    let years: Vec<i64> = s["years"]
        .as_array()
        .unwrap()
        .iter()
        .map(|y| y.as_i64().unwrap())
        .collect();
    assert_eq!(years, (2025..=2035).collect::<Vec<i64>>());
}

#[test]
fn run_writes_the_documented_files() {
    let files = &baseline_run().files;
    for f in [
        "summary.json",
        "run.json",
        "percentiles.csv",
        "scenario.ron",
        "trials.csv",
    ] {
        assert!(files.iter().any(|x| x == f), "{f} missing from {files:?}");
    }
}

#[test]
fn summary_has_every_metric_of_every_entity() {
    let baseline = load_baseline().scenario;
    let want = expected_metrics(&baseline);
    let metrics = baseline_run().summary["metrics"].as_object().unwrap();
    let got: BTreeSet<String> = metrics.keys().cloned().collect();
    assert_eq!(got, want);
    // The kinds the brief singles out, spelled out once more per entity.
    for p in &baseline.producers {
        for k in [
            "export_volume",
            "stranded_volume",
            "revenue",
            "lost_volume",
            "lost_revenue",
        ] {
            assert!(
                metrics.contains_key(&format!("{k}/{}", p.name)),
                "{k}/{}",
                p.name
            );
        }
    }
    for a in &baseline.assets {
        assert!(metrics.contains_key(&format!("utilisation/{}", a.name)));
        if let Some(o) = &a.owner {
            assert!(metrics.contains_key(&format!("transit_fees/{o}")));
        }
    }
    for r in &baseline.routes {
        assert!(metrics.contains_key(&format!("route_volume/{}", r.name)));
    }
}

#[test]
fn every_metric_has_units_years_and_complete_ordered_stats() {
    let metrics = baseline_run().summary["metrics"].as_object().unwrap();
    let units = BTreeMap::from([
        ("export_supply", "Mt"),
        ("export_volume", "Mt"),
        ("stranded_volume", "Mt"),
        ("lost_volume", "Mt"),
        ("displaced_volume", "Mt"),
        ("made_up_volume", "Mt"),
        ("route_volume", "Mt"),
        ("revenue", "USD million"),
        ("revenue_undisrupted", "USD million"),
        ("lost_revenue", "USD million"),
        ("tariffs_paid", "USD million"),
        ("transit_fees", "USD million"),
        ("asset_volume", "Mt"),
        ("utilisation", "fraction"),
        ("outage_days", "days"),
        ("benchmark_price", "USD/bbl"),
    ]);
    for (id, m) in metrics {
        let kind = id.split('/').next().unwrap();
        let unit = if kind.starts_with("stranded_over_") {
            "share of trials"
        } else {
            units[kind]
        };
        assert_eq!(m["unit"], unit, "{id}");
        let by_year = m["by_year"].as_object().unwrap();
        let years: Vec<&str> = by_year.keys().map(String::as_str).collect();
        let want: Vec<String> = (2025..=2035).map(|y| y.to_string()).collect();
        assert_eq!(years, want, "{id}");
        for (label, stats) in by_year
            .iter()
            .chain([(&"horizon".to_string(), &m["horizon"])])
        {
            let fields: Vec<&str> = stats
                .as_object()
                .unwrap_or_else(|| panic!("{id} {label}: not an object"))
                .keys()
                .map(String::as_str)
                .collect();
            assert_eq!(fields, STAT_FIELDS, "{id} {label}");
            assert_eq!(stats["count"], TRIALS, "{id} {label}");
            for f in &STAT_FIELDS[1..] {
                assert!(num(stats, f).is_finite(), "{id} {label} {f}");
            }
            for w in ORDER_STATS.windows(2) {
                assert!(
                    num(stats, w[0]) <= num(stats, w[1]),
                    "{id} {label}: {} = {} > {} = {}",
                    w[0],
                    num(stats, w[0]),
                    w[1],
                    num(stats, w[1])
                );
            }
            let (mean, sd, se) = (num(stats, "mean"), num(stats, "sd"), num(stats, "se"));
            assert!(sd >= 0.0, "{id} {label}");
            assert!(
                num(stats, "min") <= mean && mean <= num(stats, "max"),
                "{id} {label}"
            );
            let want_se = sd / (TRIALS as f64).sqrt();
            assert!(
                (se - want_se).abs() <= 1e-12 * want_se.max(1.0),
                "{id} {label}"
            );
        }
    }
}

#[test]
fn percentiles_csv_is_tidy_and_matches_summary() {
    let w = baseline_run();
    let metrics = w.summary["metrics"].as_object().unwrap();
    let mut rdr = csv::Reader::from_reader(w.percentiles.as_bytes());
    let header: Vec<String> = rdr.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        header,
        [
            "metric", "entity", "unit", "period", "year", "stat", "value"
        ]
    );
    let years = 11;
    // Every STATS field except the integer count (README: "the same numbers").
    let stats = STAT_FIELDS.len() - 1;
    let mut rows = 0;
    let mut seen = BTreeSet::new();
    for rec in rdr.records() {
        let rec = rec.unwrap();
        rows += 1;
        let id = format!("{}/{}", &rec[0], &rec[1]);
        let m = &metrics[&id];
        assert_eq!(m["unit"], &rec[2], "{id}");
        // A horizon row has an empty year; a year row a numeric one.
        let stats_obj = match &rec[3] {
            "horizon" => {
                assert_eq!(&rec[4], "", "{id}");
                &m["horizon"]
            }
            "year" => {
                assert!(rec[4].parse::<i32>().is_ok(), "{id} {}", &rec[4]);
                &m["by_year"][&rec[4]]
            }
            other => panic!("period {other:?}"),
        };
        let value: f64 = rec[6].parse().unwrap();
        // Both files print the same f64 with round-trip precision: equal exactly.
        assert_eq!(
            value,
            num(stats_obj, &rec[5]),
            "{id} {} {}",
            &rec[4],
            &rec[5]
        );
        assert!(seen.insert((id, rec[4].to_string(), rec[5].to_string())));
    }
    assert_eq!(rows, metrics.len() * (years + 1) * stats);
}

#[test]
fn scenario_ron_is_the_built_in_baseline_byte_for_byte() {
    let repo_file =
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.ron"))
            .unwrap();
    assert!(baseline_run().scenario == repo_file);
}

#[test]
fn run_json_reports_threads_and_throughput() {
    let run = &baseline_run().run;
    assert_eq!(run["threads"], THREADS);
    let tps = num(run, "trials_per_second");
    assert!(tps.is_finite() && tps > 0.0, "{tps}");
}

#[test]
fn keep_trials_writes_one_row_per_trial_in_order() {
    let w = baseline_run();
    let metrics = w.summary["metrics"].as_object().unwrap();
    let mut rdr = csv::Reader::from_reader(w.trials.as_bytes());
    let header: Vec<String> = rdr.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header[0], "trial");
    let ids: BTreeSet<&String> = header[1..].iter().collect();
    assert_eq!(ids, metrics.keys().collect::<BTreeSet<_>>());
    let mut n = 0u64;
    let mut columns: Vec<Vec<f64>> = vec![Vec::new(); header.len() - 1];
    for rec in rdr.records() {
        let rec = rec.unwrap();
        assert_eq!(rec.len(), header.len());
        assert_eq!(
            rec[0].parse::<u64>().unwrap(),
            n,
            "rows must be in trial order"
        );
        for (col, field) in columns.iter_mut().zip(rec.iter().skip(1)) {
            col.push(field.parse().unwrap());
        }
        n += 1;
    }
    assert_eq!(n, TRIALS);
    // The rows are the values summary.json summarises; compare with statistics computed here
    // from them, to the accuracy docs/model.md §9 promises.
    for (id, mut x) in header[1..].iter().zip(columns) {
        let h = &metrics[id]["horizon"];
        x.sort_by(f64::total_cmp);
        let len = x.len() as f64;
        let mean = x.iter().sum::<f64>() / len;
        let sd = (x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (len - 1.0)).sqrt();
        // min and max: exact.
        assert_eq!(x[0], num(h, "min"), "{id}");
        assert_eq!(x[x.len() - 1], num(h, "max"), "{id}");
        // mean and sd: each value is rounded to a multiple of 2^-20 (error ≤ 2^-21 ≈ 4.8e-7),
        // so they move by at most that; our own f64 sums add far less at this size.
        let scale = x[x.len() - 1].abs().max(x[0].abs()).max(1.0);
        assert!(
            (mean - num(h, "mean")).abs() <= 1e-6 + 1e-12 * scale,
            "{id} mean"
        );
        assert!((sd - num(h, "sd")).abs() <= 2e-6 + 1e-9 * scale, "{id} sd");
        // Percentiles: nearest rank (the smallest value with at least ⌈q·n⌉ values at or below
        // it), within one bucket, 2^-7 relative (docs/model.md §9: the read-out interpolates
        // inside the bucket since issue 17, so 2^-8, half a bucket, no longer bounds it); zero
        // exactly.
        for (name, q) in [
            ("p1", 0.01),
            ("p5", 0.05),
            ("p10", 0.10),
            ("p25", 0.25),
            ("p50", 0.50),
            ("p75", 0.75),
            ("p90", 0.90),
            ("p95", 0.95),
            ("p99", 0.99),
        ] {
            let rank = ((q * len) - 1e-9).ceil() as usize;
            let exact = x[rank - 1];
            let got = num(h, name);
            assert!(
                (got - exact).abs() <= exact.abs() / 128.0,
                "{id} {name}: {got} vs exact {exact}"
            );
        }
    }
}

#[test]
fn a_run_from_a_file_copies_that_file_and_keeps_trial_order_across_waves() {
    // 9000 trials on one thread: more than one wave of 8 blocks of 1024, so the rows of several
    // waves must be stitched in order. Without --keep-trials there is no trials.csv.
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("minimal.ron");
    std::fs::write(&file, MINIMAL).unwrap();
    let (keep, plain) = (tmp.path().join("keep"), tmp.path().join("plain"));
    corridor()
        .arg("run")
        .arg(&file)
        .args([
            "--trials",
            "9000",
            "--threads",
            "1",
            "--quiet",
            "--keep-trials",
            "--out",
        ])
        .arg(&keep)
        .assert()
        .success();
    corridor()
        .arg("run")
        .arg(&file)
        .args(["--trials", "10", "--quiet", "--out"])
        .arg(&plain)
        .assert()
        .success();
    assert_eq!(
        std::fs::read(keep.join("scenario.ron")).unwrap(),
        MINIMAL.as_bytes()
    );
    assert_eq!(
        std::fs::read(plain.join("scenario.ron")).unwrap(),
        MINIMAL.as_bytes()
    );
    assert!(!plain.join("trials.csv").exists());
    assert_eq!(read_json(&keep.join("summary.json"))["scenario"], "minimal");

    let mut rdr = csv::Reader::from_path(keep.join("trials.csv")).unwrap();
    let trials: Vec<u64> = rdr
        .records()
        .map(|r| r.unwrap()[0].parse().unwrap())
        .collect();
    assert_eq!(trials, (0..9000).collect::<Vec<u64>>());
}

/// The baseline carries 2025's observations: summary.json places each (percentile inside its
/// interval, the simulated percentiles it is placed in, the source); a scenario without
/// observations gets no block at all, so its summary.json is as before.
#[test]
fn observations_are_placed_in_summary_json_and_absent_without_any() {
    let baseline = load_baseline().scenario;
    let placed = baseline_run().summary["observations"]
        .as_array()
        .expect("the baseline's summary.json has an observations block");
    assert_eq!(placed.len(), baseline.observations.len());
    for (o, p) in baseline.observations.iter().zip(placed) {
        assert_eq!(p["metric"], format!("{}/{}", o.metric, o.entity));
        assert_eq!(p["year"].as_i64(), o.year.map(i64::from));
        assert_eq!(num(p, "value"), o.value);
        assert_eq!(p["source"], o.source.as_str());
        let (lo, pct, hi) = (
            num(p, "percentile_low"),
            num(p, "percentile"),
            num(p, "percentile_high"),
        );
        assert!(0.0 <= lo && lo <= pct && pct <= hi && hi <= 100.0, "{p}");
        let q = &p["simulated"];
        let qs: Vec<f64> = ["p5", "p10", "p25", "p50", "p75", "p90", "p95"]
            .iter()
            .map(|k| num(q, k))
            .collect();
        assert!(qs.windows(2).all(|w| w[0] <= w[1]), "{p}");
    }

    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("minimal.ron"), MINIMAL).unwrap();
    corridor()
        .current_dir(tmp.path())
        .args([
            "run",
            "minimal.ron",
            "--trials",
            "50",
            "--charts",
            "none",
            "-q",
        ])
        .args(["--out", "out"])
        .assert()
        .code(0);
    let summary = read_json(&tmp.path().join("out/summary.json"));
    assert!(summary.get("observations").is_none(), "{summary}");
}
