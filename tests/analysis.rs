//! Decision analysis end to end: paired comparison on common random numbers, precision-targeted
//! runs, tail metrics and intervals (issue #5).

use crate::common;

use std::path::Path;
use std::sync::atomic::AtomicBool;

use corridor::analysis::paired::{self, PairedSpec, PairedStats};
use corridor::analysis::precision::{self, BATCH, Target};
use corridor::analysis::sweep;
use corridor::engine::progress::Progress;
use corridor::engine::{self, RunSpec};
use corridor::model::Model;
use corridor::scenario::load_file;
use corridor::scenario::paths::input_at;
use corridor::scenario::schema::Correlation;
use corridor::scenario::validate::validate;

fn model(path: &str) -> Model {
    let loaded = load_file(Path::new(path)).unwrap_or_else(|d| panic!("{path}: {d}"));
    Model::compile(&loaded.scenario)
}

fn paired_run(models: &[Model], seeds: Vec<u64>, trials: u64, threads: usize) -> PairedStats {
    let shared = paired::shared_metrics(models);
    let spec = PairedSpec {
        seeds,
        trials,
        threads: Some(threads),
    };
    paired::run_paired(
        models,
        &shared,
        &spec,
        &AtomicBool::new(false),
        &Progress::hidden(),
    )
    .unwrap()
}

fn index_of(models: &[Model], id: &str) -> usize {
    paired::shared_metrics(models)
        .iter()
        .position(|s| s.id == id)
        .unwrap_or_else(|| panic!("no shared metric {id}"))
}

#[test]
fn a_scenario_compared_with_itself_differs_by_exactly_zero_in_every_trial() {
    // Same scenario, same seed, same trial index: every input draws the same numbers, so every
    // per-trial difference is 0.0 exactly (not just on average).
    let base = model("scenarios/baseline.ron");
    let models = vec![base.clone(), base];
    let stats = paired_run(&models, vec![7, 7], 1500, 2);
    assert_eq!(stats.trials, 1500);
    for d in &stats.diffs[0] {
        let s = d.finish();
        assert_eq!((s.count, s.min, s.max, s.se), (1500, 0.0, 0.0, 0.0));
    }
}

#[test]
fn paired_results_do_not_depend_on_threads() {
    let models = vec![
        model("scenarios/baseline.ron"),
        model("scenarios/btc-expansion.ron"),
    ];
    let one = paired_run(&models, vec![3, 3], 2500, 1);
    let four = paired_run(&models, vec![3, 3], 2500, 4);
    assert_eq!(one, four);
}

#[test]
fn common_random_numbers_shrink_the_standard_error_of_the_difference() {
    // With independent seeds, Var(B − A) = Var(A) + Var(B) (no covariance), so the se of the
    // mean difference is sqrt(se_A² + se_B²) up to sampling error. The sample variance of
    // n = 8192 trials has relative sd ≈ sqrt((κ − 1)/n) ≤ sqrt(8/8192) ≈ 0.031 for kurtosis
    // κ ≤ 9; an se (square root) half that, ≈ 0.016, and the sample covariance of independent
    // runs adds at most ≈ 1/(2√n) ≈ 0.006 relative. 4σ of the combination is < 0.07; we allow
    // ±0.15. Under common random numbers the paired se must be far smaller: the scenarios share
    // prices, production and disruptions and differ only in the BTC allocation.
    let models = vec![
        model("scenarios/baseline.ron"),
        model("scenarios/btc-expansion.ron"),
    ];
    let m = index_of(&models, "revenue/Kazakhstan");
    let n = 8192;
    let crn = paired_run(&models, vec![11, 11], n, 2);
    let ind = paired_run(&models, vec![11, 12], n, 2);
    let se = |s: &PairedStats, k: usize| s.values[k][m].finish().se;
    let indep_formula = (se(&ind, 0).powi(2) + se(&ind, 1).powi(2)).sqrt();
    let indep_measured = ind.diffs[0][m].finish().se;
    let ratio = indep_measured / indep_formula;
    assert!(
        (0.85..1.15).contains(&ratio),
        "independent se ratio {ratio}"
    );
    let paired = crn.diffs[0][m].finish().se;
    assert!(
        paired < 0.2 * indep_measured,
        "paired se {paired} vs independent {indep_measured}"
    );
    // The shared A side is identical in both runs (same seed for scenario 0).
    assert_eq!(crn.values[0], ind.values[0]);
}

#[test]
fn precision_runs_stop_deterministically_and_equal_a_plain_run() {
    let m = model("scenarios/baseline.ron");
    // 1%, not 0.5%: since the 2025 recalibration (Brent's long run Pert(50, 58, 85)) the
    // baseline's revenue median is less precise per trial and 0.5% needs more than the cap.
    let target: Target = "revenue/Kazakhstan:p50:1%".parse().unwrap();
    let bar = Progress::hidden();
    let cancel = AtomicBool::new(false);
    let run = |threads| {
        precision::run(&m, 5, 200_000, Some(threads), &target, &cancel, &bar)
            .unwrap()
            .expect("metric exists")
    };
    let (a, b) = (run(1), run(3));
    assert!(a.reached, "relative half-width {}", a.relative);
    assert_eq!(a.trials, b.trials);
    assert_eq!(a.trials % BATCH, 0);
    assert_eq!(a.collector, b.collector);
    let plain = engine::run(
        &m,
        RunSpec {
            seed: 5,
            first: 0,
            trials: a.trials,
            threads: Some(2),
        },
        &cancel,
        &bar,
        None,
    )
    .unwrap();
    assert_eq!(plain.collector, a.collector);
    // Unknown metrics are refused, not guessed.
    let bad: Target = "revenue/Atlantis:p5:1%".parse().unwrap();
    assert!(
        precision::run(&m, 5, 10_000, None, &bad, &cancel, &bar)
            .unwrap()
            .is_none()
    );
}

/// Every command defaults to the scenario's seed (42 for the baseline), so compare simulates its
/// reference scenario on the same random numbers as `run` of it: the horizon means agree
/// exactly (both are exact fixed-point sums). Failed when compare defaulted to seed 1.
#[test]
fn compare_defaults_to_the_seed_run_uses() {
    let dir = tempfile::tempdir().unwrap();
    let (run, cmp) = (dir.path().join("run"), dir.path().join("cmp"));
    common::corridor()
        .args([
            "run",
            "scenarios/baseline.ron",
            "--trials",
            "300",
            "--charts",
            "none",
            "-q",
        ])
        .arg("--out")
        .arg(&run)
        .assert()
        .success();
    common::corridor()
        .args([
            "compare",
            "scenarios/baseline.ron",
            "scenarios/btc-expansion.ron",
        ])
        .args(["--trials", "300", "--charts", "none", "-q", "--out"])
        .arg(&cmp)
        .assert()
        .success();
    let summary = common::read_json(&run.join("summary.json"));
    let compared = common::read_json(&cmp.join("compare.json"));
    assert_eq!(summary["seed"], 42);
    assert_eq!(compared["seeds"], serde_json::json!([42, 42]));
    let rev = compared["comparisons"][0]["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["metric"] == "revenue/Kazakhstan")
        .unwrap();
    assert_eq!(
        rev["a"]["mean"],
        summary["metrics"]["revenue/Kazakhstan"]["horizon"]["mean"]
    );
}

#[test]
fn compare_writes_its_files_and_a_headline() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("cmp");
    let assert = common::corridor()
        .args([
            "compare",
            "scenarios/baseline.ron",
            "scenarios/btc-expansion.ron",
            "--trials",
            "2048",
            "--charts",
            "svg",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).to_string();
    assert!(
        stdout.contains("btc-expansion changes Kazakhstan's P5 horizon revenue"),
        "{stdout}"
    );
    let json = common::read_json(&out.join("compare.json"));
    assert_eq!(json["trials"], 2048);
    assert_eq!(json["common_random_numbers"], true);
    let metrics = json["comparisons"][0]["metrics"].as_array().unwrap();
    let rev = metrics
        .iter()
        .find(|m| m["metric"] == "revenue/Kazakhstan")
        .unwrap();
    let md = &rev["mean_difference"];
    let (lo, est, hi) = (
        md["lower"].as_f64().unwrap(),
        md["estimate"].as_f64().unwrap(),
        md["upper"].as_f64().unwrap(),
    );
    assert!(lo <= est && est <= hi);
    // The difference of means is the mean of the differences (fixed-point sums: to 1e-6).
    let (a, b) = (
        rev["a"]["mean"].as_f64().unwrap(),
        rev["b"]["mean"].as_f64().unwrap(),
    );
    assert!((b - a - est).abs() < 1e-4, "{a} {b} {est}");
    for p in rev["percentile_differences"].as_array().unwrap() {
        let (lo, d, hi) = (
            p["lower"].as_f64().unwrap(),
            p["difference"].as_f64().unwrap(),
            p["upper"].as_f64().unwrap(),
        );
        assert!(lo <= d && d <= hi, "{p}");
    }
    let csv = std::fs::read_to_string(out.join("compare.csv")).unwrap();
    assert!(csv.starts_with("comparison,metric,entity,unit,stat,a,b,difference,lower,upper\n"));
    assert!(csv.contains("btc-expansion vs baseline,revenue,Kazakhstan,USD million,p5,"));
    let charts = common::entries(&out.join("charts"));
    assert!(
        charts
            .iter()
            .any(|c| c == "compare-revenue-exceedance-Kazakhstan.svg"),
        "{charts:?}"
    );
    assert!(
        charts
            .iter()
            .any(|c| c == "compare-revenue-difference-btc-expansion-Kazakhstan.svg"),
        "{charts:?}"
    );
}

#[test]
fn compare_refuses_bad_input_with_exit_2() {
    common::corridor()
        .args(["compare", "scenarios/baseline.ron"])
        .assert()
        .code(2);
    common::corridor()
        .args(["compare", "scenarios/baseline.ron", "no/such/file.ron"])
        .assert()
        .code(2);
    common::corridor()
        .args([
            "compare",
            "scenarios/baseline.ron",
            "scenarios/baseline.ron",
            "--trials",
            "0",
        ])
        .assert()
        .code(2);
}

#[test]
fn run_with_precision_reports_the_trial_count_and_writes_intervals_and_tails() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    let assert = common::corridor()
        .args([
            "run",
            "scenarios/baseline.ron",
            "--precision",
            "revenue/Kazakhstan:p50:1%",
            "--charts",
            "none",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    assert!(stderr.contains("reached at 8192 trials"), "{stderr}");
    let summary = common::read_json(&out.join("summary.json"));
    assert_eq!(summary["trials"], 8192, "{}", summary["trials"]);
    let intervals = std::fs::read_to_string(out.join("intervals.csv")).unwrap();
    assert!(intervals.starts_with("metric,entity,unit,stat,estimate,lower,upper,level\n"));
    for line in intervals.lines().skip(1) {
        let f: Vec<&str> = line.rsplitn(5, ',').collect();
        let (upper, lower, est): (f64, f64, f64) = (
            f[1].parse().unwrap(),
            f[2].parse().unwrap(),
            f[3].parse().unwrap(),
        );
        assert!(lower <= est && est <= upper, "{line}");
    }
    let tails = std::fs::read_to_string(out.join("tails.csv")).unwrap();
    assert!(
        tails.contains("\nrevenue,Kazakhstan,USD million,low,0.05,"),
        "{tails}"
    );
    assert!(tails.contains("\nlost_revenue,Kazakhstan,USD million,high,0.01,"));

    common::corridor()
        .args([
            "run",
            "scenarios/baseline.ron",
            "--precision",
            "revenue/Kazakhstan:p5",
        ])
        .assert()
        .code(2);
    common::corridor()
        .args([
            "run",
            "scenarios/baseline.ron",
            "--precision",
            "revenue/Atlantis:p5:1%",
            "--out",
        ])
        .arg(dir.path().join("never"))
        .assert()
        .code(2);
}

#[test]
fn sweep_runs_every_value_on_common_random_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sweep");
    let assert = common::corridor()
        .args([
            "sweep",
            "scenarios/baseline.ron",
            "--set",
            "routes[Aktau-Baku-BTC].contract_max.2027=2,7",
            "--set",
            "producers[Kazakhstan].export_share=0.8,0.9",
            "--metric",
            "revenue/Kazakhstan",
            "--trials",
            "1024",
            "--charts",
            "svg",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).to_string();
    assert!(
        stdout.contains("producers[Kazakhstan].export_share=0.9"),
        "{stdout}"
    );
    let csv = std::fs::read_to_string(out.join("sweep.csv")).unwrap();
    let header = csv.lines().next().unwrap();
    assert_eq!(
        header,
        "routes[Aktau-Baku-BTC].contract_max.2027,producers[Kazakhstan].export_share,metric,\
         entity,unit,mean,se,p5,p50,p95,diff_mean_vs_first,diff_se_vs_first"
    );
    let rows: Vec<&str> = csv
        .lines()
        .filter(|l| l.contains(",revenue,Kazakhstan,"))
        .collect();
    assert_eq!(rows.len(), 4, "{rows:?}");
    // The first variant is the reference: its paired difference is exactly zero.
    assert!(
        rows[0].starts_with("2,0.8,") && rows[0].ends_with(",0,0"),
        "{}",
        rows[0]
    );
    assert!(
        common::entries(&out.join("charts"))
            .iter()
            .any(|c| c == "sweep-revenue-Kazakhstan.svg")
    );
    // A value check refuses is a usage error, as is an unknown path.
    for bad in [
        "producers[Kazakhstan].export_share=0.5,2",
        "routes[Nowhere].tariff=1,2",
    ] {
        common::corridor()
            .args(["sweep", "scenarios/baseline.ron", "--set", bad, "--out"])
            .arg(dir.path().join("never"))
            .assert()
            .code(2);
    }
    // An unknown name lists the known ones as `check` does ("; known: A, B").
    common::corridor()
        .args([
            "sweep",
            "scenarios/baseline.ron",
            "--set",
            "routes[CPX].tariff=1,2",
        ])
        .arg("--out")
        .arg(dir.path().join("never"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "routes[CPX]: no entry named \"CPX\"; known: CPC, Atyrau-Samara",
        ));
}

/// Sweep and tornado charts are drawn by the run charts' engine: SVG and PNG per --charts,
/// titles in words, values in display units with thousands separators. Failed when
/// analysis/plot.rs drew them: SVG only, the raw path as title, ticks like "550000.0".
#[test]
fn sweep_and_tornado_charts_follow_the_run_charts_theme() {
    let dir = tempfile::tempdir().unwrap();
    let (sweep, sens) = (dir.path().join("sweep"), dir.path().join("sens"));
    common::corridor()
        .args(["sweep", "scenarios/baseline.ron", "--set"])
        .args([
            "assets[CPC pipeline].capacity.2025=55,60,67",
            "--trials",
            "256",
        ])
        .args(["--charts", "svg,png", "-q", "--out"])
        .arg(&sweep)
        .assert()
        .success();
    common::corridor()
        .args(["sensitivity", "scenarios/baseline.ron", "--trials", "64"])
        .args(["--charts", "png", "-q", "--out"])
        .arg(&sens)
        .assert()
        .success();
    let charts = common::entries(&sweep.join("charts"));
    for file in [
        "sweep-revenue-Kazakhstan.svg",
        "sweep-revenue-Kazakhstan.png",
    ] {
        assert!(charts.iter().any(|c| c == file), "{file} in {charts:?}");
    }
    let tornadoes = common::entries(&sens.join("charts"));
    assert!(
        tornadoes
            .iter()
            .any(|c| c == "tornado-revenue-Kazakhstan.png")
    );
    assert!(
        tornadoes.iter().all(|c| c.ends_with(".png")),
        "{tornadoes:?}"
    );
    let png = std::fs::read(sens.join("charts/tornado-revenue-Kazakhstan.png")).unwrap();
    assert!(png.starts_with(b"\x89PNG"));
    let svg = std::fs::read_to_string(sweep.join("charts/sweep-revenue-Kazakhstan.svg")).unwrap();
    let texts: Vec<&str> = svg
        .split("<text")
        .skip(1)
        .filter_map(|t| t.split_once('>').map(|(_, rest)| rest))
        .filter_map(|t| t.split_once("</text>").map(|(body, _)| body.trim()))
        .collect();
    // The title in words (drawn on two lines here; whole in the SVG's <title>).
    let title = "Kazakhstan: revenue 2025–2035 by the capacity from 2025 of asset CPC pipeline";
    assert!(
        svg.contains(&format!("<title>{title}</title>")),
        "{texts:?}"
    );
    assert!(
        texts
            .iter()
            .any(|t| t.starts_with("Revenue 2025–2035 (USD")),
        "{texts:?}"
    );
    // Numbers carry thousands separators and no stray ".0": no run of four digits.
    let bare = |t: &str| {
        t.as_bytes()
            .windows(4)
            .any(|w| w.iter().all(u8::is_ascii_digit))
    };
    let numbers: Vec<&&str> = texts
        .iter()
        .filter(|t| t.chars().all(|c| c.is_ascii_digit() || ",.−-".contains(c)))
        .collect();
    assert!(!numbers.is_empty(), "{texts:?}");
    assert!(
        !numbers.iter().any(|t| bare(t) || t.ends_with(".0")),
        "{numbers:?}"
    );
}

#[test]
fn sensitivity_ranks_inputs_and_states_its_cost() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sens");
    common::corridor()
        .args([
            "sensitivity",
            "scenarios/baseline.ron",
            "--trials",
            "256",
            "--charts",
            "svg",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let json = common::read_json(&out.join("sensitivity.json"));
    let k = json["inputs"].as_u64().unwrap();
    assert!(k > 0);
    assert_eq!(json["simulations"].as_u64().unwrap(), 256 * (3 * k + 3));
    for o in json["outputs"].as_array().unwrap() {
        let inputs = o["inputs"].as_array().unwrap();
        assert_eq!(inputs.len() as u64, k);
        let swings: Vec<f64> = inputs
            .iter()
            .map(|i| i["swing"].as_f64().unwrap())
            .collect();
        assert!(swings.windows(2).all(|w| w[0] >= w[1]), "sorted by swing");
        for i in inputs {
            let s1 = i["first_order"].as_f64().unwrap();
            assert!((0.0..=1.0).contains(&s1));
            assert!(i["total_order"].as_f64().unwrap() >= 0.0);
        }
    }
    assert!(
        std::fs::read_to_string(out.join("sensitivity.csv"))
            .unwrap()
            .starts_with("metric,unit,rank,input,")
    );
    assert!(
        common::entries(&out.join("charts"))
            .iter()
            .any(|c| c == "tornado-revenue-Kazakhstan.svg")
    );
    // Every input is named as `sweep --set` and `correlations` take it: each name pastes into
    // both, and names the number whose influence was measured.
    let base = load_file(Path::new("scenarios/baseline.ron"))
        .unwrap()
        .scenario;
    let names: Vec<String> = json["outputs"][0]["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["input"].as_str().unwrap().to_string())
        .collect();
    for name in &names {
        let n = input_at(&base, name).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(&n.name_path(), name);
        let value = match n.uncertain().unwrap().spec().0.build().unwrap().median() {
            v if v.is_finite() => v,
            _ => panic!("{name} has no median"),
        };
        let swept = sweep::set(&base, name, value).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(validate(&swept).is_empty(), "{name}");
    }
    // Two per-trial inputs correlated by the names sensitivity printed.
    let mut correlated = base.clone();
    correlated.correlations = vec![Correlation {
        inputs: names[..2].to_vec(),
        rank: vec![vec![1.0, 0.5], vec![0.5, 1.0]],
    }];
    assert!(
        validate(&correlated).is_empty(),
        "{:?}",
        validate(&correlated)
    );
}

/// `--set prices.benchmark.volatility` (the `MeanReverting` segment left out, as the docs allow)
/// sets the same number as the full path; naming one number on both axes is refused, since the
/// second would silently override the first (old code: the short path was refused and the
/// repeated one accepted).
#[test]
fn sweep_paths_may_leave_out_the_variant_but_not_repeat_a_number() {
    let dir = tempfile::tempdir().unwrap();
    let csv_of = |path: &str, out: &str| {
        let out = dir.path().join(out);
        common::corridor()
            .args(["sweep", "scenarios/baseline.ron", "--set"])
            .arg(format!("{path}=0.1,0.4"))
            .args(["--trials", "512", "--charts", "none", "-q", "--out"])
            .arg(&out)
            .assert()
            .success();
        std::fs::read_to_string(out.join("sweep.csv")).unwrap()
    };
    let short = csv_of("prices.benchmark.volatility", "short");
    let full = csv_of("prices.benchmark.MeanReverting.volatility", "full");
    // The same numbers set, so the same results under the first column's name.
    let body = |csv: &str| csv.lines().skip(1).collect::<Vec<_>>().join("\n");
    assert_eq!(body(&short), body(&full));
    let p95: Vec<f64> = short
        .lines()
        .filter(|l| l.contains(",benchmark_price,"))
        .map(|l| l.split(',').nth(7).unwrap().parse().unwrap())
        .collect();
    assert!(p95.len() == 2 && p95[1] > p95[0], "{p95:?}");

    let docs =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/errors.md"))
            .unwrap();
    let assert = common::corridor()
        .args([
            "sweep",
            "scenarios/baseline.ron",
            "--set",
            "prices.benchmark.volatility=0.1,0.2",
            "--set",
            "prices.benchmark.MeanReverting.volatility=0.3,0.4",
            "--out",
        ])
        .arg(dir.path().join("never"))
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    let message = "corridor: --set: prices.benchmark.volatility and prices.benchmark.MeanReverting.volatility name the same number, so the second would override the first in every variant; give all its values in one --set";
    assert_eq!(stderr.trim_end(), message);
    assert!(docs.contains(message), "docs/errors.md lacks:\n{message}");
    assert!(!dir.path().join("never").exists());
}

/// `compare` of scenarios that share no random input, or no producer, asset, route or owner,
/// runs but says on stderr why pairing cannot help (old code: exit 0 in silence); scenarios
/// that share inputs get no warning.
#[test]
fn compare_warns_when_common_random_numbers_cannot_pair() {
    let docs =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/errors.md"))
            .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let renamed = common::MINIMAL
        .replace("\"Prod\"", "\"Other\"")
        .replace("\"Pipe\"", "\"Tube\"")
        .replace("\"Main\"", "\"Second\"")
        .replace("\"PipeCo\"", "\"TubeCo\"")
        .replace("\"minimal\"", "\"renamed\"");
    let per_year = common::edit(
        &renamed,
        "MeanReverting(start: 70.0, long_run: 70.0, reversion: 0.5, volatility: 0.3)",
        "PerYear(Uniform(min: 50.0, max: 90.0))",
    );
    std::fs::write(dir.path().join("a.ron"), common::MINIMAL).unwrap();
    std::fs::write(dir.path().join("b.ron"), &per_year).unwrap();
    std::fs::write(dir.path().join("renamed.ron"), &renamed).unwrap();
    let compare = |b: &str| {
        let out = common::corridor()
            .current_dir(dir.path())
            .args(["compare", "a.ron", b, "--trials", "256", "--charts", "none"])
            .args(["-q", "--out", &format!("cmp-{b}")])
            .assert()
            .success();
        String::from_utf8_lossy(&out.get_output().stderr).to_string()
    };
    let inputs = "corridor: warning: b.ron and a.ron share no random input (inputs are paired by the names of producers, assets, routes and disruptions, and by the price and regime models), so common random numbers cancel no noise and their differences are as uncertain as independent runs'; name what the two files share alike to pair them";
    let metrics = "corridor: warning: the scenarios name no producer, asset, route or owner alike, so compare.csv compares only the benchmark price; metrics are matched by name";
    let stderr = compare("b.ron");
    assert!(
        stderr.contains(inputs) && stderr.contains(metrics),
        "{stderr}"
    );
    for m in [inputs, metrics] {
        assert!(docs.contains(m), "docs/errors.md lacks:\n{m}");
    }
    // Renamed, but the same price process: the price path is paired, the rest is not shared.
    let stderr = compare("renamed.ron");
    assert_eq!(stderr.trim_end(), metrics);
    // Scenarios that share inputs and entities: no warning.
    let out = common::corridor()
        .args([
            "compare",
            "scenarios/baseline.ron",
            "scenarios/btc-expansion.ron",
        ])
        .args(["--trials", "128", "--charts", "none", "-q", "--out"])
        .arg(dir.path().join("shipped"))
        .assert()
        .success();
    assert!(out.get_output().stderr.is_empty());
}

fn analyse_text(text: &str, trials: u64) -> corridor::analysis::sensitivity::Sensitivity {
    let loaded = corridor::scenario::load_str(text, "sens.ron").unwrap_or_else(|d| panic!("{d}"));
    let model = Model::compile(&loaded.scenario);
    corridor::analysis::sensitivity::analyse(
        &model,
        11,
        trials,
        Some(2),
        &AtomicBool::new(false),
        &Progress::hidden(),
    )
    .unwrap()
}

/// The share of variance no input explains, against a hand-computed case, and an input with no
/// effect marked as noise rather than ranked.
///
/// Revenue over 3 years is linear: Y = c·Σ_t (P_t + X) + const, with c = 10 Mt × 7.5 bbl/t, the
/// benchmark P_t ~ U(60, 80) drawn anew each year (var 100/3; no input owns it) and the
/// differential X ~ U(−3, 3) drawn once per trial (var 3). Var(Y) = c²(3·100/3 + 9·3) and
/// E[Var(Y | X)] = c²·100, so the unexplained share is 100/127. Its estimator is
/// mean(d²)/(2 var Y), d a sum of six uniforms (lighter-tailed than a normal): mean(d²) has
/// relative sd at most √(2/N) and the sample variance of Y about √(2/N), so the ratio's sd is at
/// most (100/127)·2/√N (0.011 at N = 20,000); the test allows 4 of them. The pipe's capacity
/// (90–110 Mt/yr against 10 Mt/yr shipped) never binds: its swing is exactly zero, below the
/// noise, and it is listed after the differential, unranked.
#[test]
fn sensitivity_reports_the_unexplained_share_and_marks_noise() {
    let text = common::edit(
        common::MINIMAL,
        "benchmark: MeanReverting(start: 70.0, long_run: 70.0, reversion: 0.5, volatility: 0.3),",
        "benchmark: PerYear(Uniform(min: 60.0, max: 80.0)),",
    );
    let text = common::edit(
        &text,
        "assets: [\"Pipe\"],\n        ),",
        "assets: [\"Pipe\"],\n            differential: Uniform(min: -3.0, max: 3.0),\n        ),",
    );
    let text = common::edit(
        &text,
        "capacity: { 2025: 100.0 }",
        "capacity: { 2025: Uniform(min: 90.0, max: 110.0) }",
    );
    let n = 20_000;
    let result = analyse_text(&text, n);
    assert_eq!(result.simulations, n * (3 * 2 + 3));
    let revenue = result
        .outputs
        .iter()
        .find(|o| o.metric == "revenue/Prod")
        .expect("revenue");
    let want = 100.0 / 127.0;
    let se = want * 2.0 / (n as f64).sqrt();
    assert!(
        (revenue.unexplained - want).abs() <= 4.0 * se,
        "unexplained {} vs {want} (4 se = {})",
        revenue.unexplained,
        4.0 * se
    );
    // The reported standard error (delta method) agrees: d and Y are lighter-tailed than normal
    // (kurtosis about 2.8), so it comes out about 5% below the normal-case bound.
    assert!(
        revenue.unexplained_se > 0.0 && revenue.unexplained_se <= se,
        "{} vs {se}",
        revenue.unexplained_se
    );
    let names: Vec<&str> = revenue.inputs.iter().map(|i| i.input.as_str()).collect();
    assert_eq!(
        names,
        ["routes[Main].differential", "assets[Pipe].capacity.2025"],
        "{:?}",
        revenue.inputs
    );
    assert!(!revenue.inputs[0].below_noise && revenue.inputs[0].swing > 0.0);
    assert!(revenue.inputs[1].below_noise && revenue.inputs[1].swing == 0.0);
}

/// An uncertain disruption frequency (as `fit-events` prints it) is a per-trial input and is
/// ranked with the others; durations and severities drawn per event are not inputs.
#[test]
fn sensitivity_ranks_an_uncertain_disruption_frequency() {
    let text = common::edit(
        common::MINIMAL,
        "    prices: (",
        "    disruptions: [(name: \"Storm\", assets: [\"Pipe\"], \
         frequency: Rate(Gamma(shape: 2.0, scale: 1.0)), duration_days: 30.0, \
         severity: Uniform(min: 0.5, max: 1.0))],\n    prices: (",
    );
    let result = analyse_text(&text, 2048);
    assert_eq!(result.inputs, 1);
    let lost = result
        .outputs
        .iter()
        .find(|o| o.metric == "lost_revenue/Prod")
        .expect("lost revenue");
    assert_eq!(lost.inputs.len(), 1);
    let rate = &lost.inputs[0];
    assert_eq!(rate.input, "disruptions[Storm].frequency");
    assert!(!rate.below_noise && rate.at_high > rate.at_low, "{rate:?}");
    // Event timing, durations and severities leave a share of the variance to no input.
    assert!(
        lost.unexplained > 0.0 && lost.unexplained < 1.0,
        "{}",
        lost.unexplained
    );
}
