//! `corridor fit-events`: rates with exact intervals, duration and severity fits, a RON snippet
//! that a scenario accepts, located errors in the log, and recovery of known parameters.

use crate::common;

use std::path::Path;

use common::{MINIMAL, corridor, edit};
use corridor::fit::events::{Date, read_events};
use corridor::fit::{DurationFit, Exposure, SeverityFit, fit};
use corridor::scenario::load_str;
use corridor::scenario::schema::Disruption;
use rand::{RngExt, SeedableRng, rngs::Xoshiro256PlusPlus};
use rand_distr::{Beta, Distribution, LogNormal};

fn shipped_log() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/cpc-events-2022-2025.csv")
}

fn fit_events(args: &[&std::ffi::OsStr]) -> assert_cmd::assert::Assert {
    let mut cmd = corridor();
    cmd.arg("fit-events").args(args);
    cmd.assert()
}

/// The printed entries as a list of disruptions (the printout is entries ending in `),`).
fn parse_snippet(text: &str) -> Vec<Disruption> {
    ron::from_str(&format!("[\n{text}\n]")).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

#[test]
fn the_shipped_log_fits_to_entries_a_scenario_accepts() {
    let out = fit_events(&[shipped_log().as_os_str()]).code(0);
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    // 7 terminal events and 1 pipeline event in 2022-01-01..2025-12-31 (4 years).
    assert!(
        text.contains("\"CPC marine terminal\": 7 event(s) in 4.0 years"),
        "{text}"
    );
    assert!(
        text.contains("Rate 1.75/yr; exact Poisson (Garwood) 95% interval 0.7036–3.606/yr"),
        "{text}"
    );
    assert!(
        text.contains("Rate 0.25/yr; exact Poisson (Garwood) 95% interval 0.006329–1.393/yr"),
        "{text}"
    );
    let entries = parse_snippet(&text);
    assert_eq!(entries.len(), 2);
    // Pasted into a scenario that has those assets, the entries pass every check.
    let scenario = edit(
        &edit(MINIMAL, "name: \"Pipe\"", "name: \"CPC marine terminal\""),
        "assets: [\"Pipe\"]",
        "assets: [\"CPC marine terminal\", \"CPC pipeline\"]",
    );
    let scenario = edit(
        &scenario,
        "    routes: [",
        "        ( name: \"CPC pipeline\", capacity: { 2025: 100.0 } ),\n    ],\n    routes: [",
    );
    let scenario = edit(
        &scenario,
        "        ),\n    ],\n        ( name: \"CPC pipeline\"",
        "        ),\n        ( name: \"CPC pipeline\"",
    );
    let with = edit(
        &scenario,
        "    prices: (",
        &format!("    disruptions: [\n{text}\n    ],\n    prices: ("),
    );
    let loaded = load_str(&with, "fitted.ron").unwrap_or_else(|d| panic!("{d}\n{with}"));
    assert_eq!(loaded.scenario.disruptions, entries);
}

#[test]
fn the_backtest_uses_the_fitted_processes_unchanged() {
    let out = fit_events(&[shipped_log().as_os_str()]).code(0);
    let fitted = parse_snippet(&String::from_utf8(out.get_output().stdout.clone()).unwrap());
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/backtest-2022-2025.ron");
    let backtest = corridor::scenario::load_file(&path).unwrap_or_else(|d| panic!("{d}"));
    assert_eq!(backtest.scenario.disruptions, fitted);
}

#[test]
fn errors_in_the_log_are_reported_with_their_line_and_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("events.csv");
    std::fs::write(
        &file,
        "# comment\nasset,start,end,severity\nA,2022-01-05,2022-01-09,0.5\n\
         A,2022-02-30,2022-03-09,0.5\nA,2022-05-09,2022-05-01,0.5\nA,2022-06-01,2022-06-02,1.2\n",
    )
    .unwrap();
    let out = fit_events(&[file.as_os_str()]).code(2);
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    let f = file.display();
    for expected in [
        format!("{f}:4: start: \"2022-02-30\": day 30 does not exist in 2022-02"),
        format!("{f}:5: end 2022-05-01 is before start 2022-05-09"),
        format!("{f}:6: severity 1.2 is outside [0, 1]"),
        format!("corridor: 3 problem(s) in {f}"),
    ] {
        assert!(err.contains(&expected), "{expected:?} not in:\n{err}");
    }
    // An event outside an explicit exposure is refused, not silently dropped.
    std::fs::write(
        &file,
        "asset,start,end,severity\nA,2021-12-30,2022-01-09,0.5\n",
    )
    .unwrap();
    let out = fit_events(&[file.as_os_str(), "--from".as_ref(), "2022-01-01".as_ref()]).code(2);
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(
        err.contains(&format!(
            "{f}:2: starts on 2021-12-30, outside the exposure"
        )),
        "{err}"
    );
    // A missing file is a usage error too.
    fit_events(&[tmp.path().join("none.csv").as_os_str()]).code(2);
}

/// Events drawn from known laws are fitted back within 4 standard errors.
///
/// 500 years at λ = 2/yr: N ~ Poisson(1000), so the rate estimate N/T has sd √(λ/T) = 0.063.
/// Durations lognormal(μ = ln 20, σ = 0.8): the log-mean estimate has sd σ/√N ≈ 0.025 and the
/// log-sd estimate sd ≈ σ/√(2(N − 1)) ≈ 0.018. Severities Beta(2, 3): the sample mean has sd
/// √(αβ/((α+β)²(α+β+1))/N) = √(0.04/N) ≈ 0.0063. The Garwood interval must contain λ too (a 95%
/// interval; a fixed seed makes the test deterministic, so this is a check of the arithmetic).
#[test]
fn known_parameters_are_recovered_within_4_standard_errors() {
    let (lambda, years, mu, sigma, a, b): (f64, i64, f64, f64, f64, f64) =
        (2.0, 500, 20f64.ln(), 0.8, 2.0, 3.0);
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(20251129);
    let dur = LogNormal::new(mu, sigma).unwrap();
    let sev = Beta::new(a, b).unwrap();
    let start = Date::parse("1500-01-01").unwrap();
    let end = Date::parse("1999-12-31").unwrap();
    assert_eq!(years, 500);
    let days = (end.0 - start.0 + 1) as f64;
    let mut csv = String::from("asset,start,end,severity\n");
    // A Poisson process: exponential gaps at rate λ per 365.25 days.
    let mut t = 0.0;
    loop {
        let u: f64 = rng.random();
        t += -(1.0 - u).ln() / lambda * 365.25;
        if t >= days {
            break;
        }
        let s = Date(start.0 + t as i64);
        let d = dur.sample(&mut rng).round().max(1.0) as i64;
        let e = Date(s.0 + d - 1);
        csv += &format!("X,{s},{e},{:.6}\n", sev.sample(&mut rng));
    }
    let events = read_events(&csv).unwrap();
    let n = events.len() as f64;
    let fits = fit(
        &events,
        Exposure {
            from: start,
            to: end,
        },
        0.95,
    )
    .unwrap();
    let f = &fits[0];
    let close = |got: f64, want: f64, se: f64, what: &str| {
        assert!(
            (got - want).abs() <= 4.0 * se,
            "{what}: {got} vs {want} (4 se = {})",
            4.0 * se
        );
    };
    close(f.rate, lambda, (lambda / years as f64).sqrt(), "rate");
    assert!(f.rate_interval.0 < lambda && lambda < f.rate_interval.1);
    // Rounding durations to whole days shifts log-durations by at most ~1/40 at 20 days; the
    // tolerance below adds that to the sampling error.
    let DurationFit::LogNormal {
        mu: m,
        sigma: s,
        capped_from: None,
    } = f.duration
    else {
        panic!("{:?}", f.duration)
    };
    close(m, mu, sigma / n.sqrt() + 0.01, "log-mean");
    close(s, sigma, sigma / (2.0 * (n - 1.0)).sqrt() + 0.01, "log-sd");
    let SeverityFit::Beta { alpha, beta } = f.severity else {
        panic!("{:?}", f.severity)
    };
    close(
        alpha / (alpha + beta),
        a / (a + b),
        (0.04 / n).sqrt(),
        "severity mean",
    );
}

/// The rate's Jeffreys posterior, printed in scenario syntax, pastes into `frequency:`, is drawn
/// once per trial, and has the closed form's mean and quantiles.
///
/// 7 events in 4 years (the April 2025 order included): posterior Gamma(shape 7.5, rate 4). Mean
/// 7.5/4 = 1.875; the p-quantile is χ²(p; 15)/8, so the 95% interval is 6.262/8–27.488/8 =
/// 0.7828–3.436 (chi-square tables). Draws: 200,000 from the pasted law (seed fixed) give a
/// sample mean with sd √7.5/4/√200,000 = 0.0015, and the 2.5% and 97.5% sample quantiles sd √(p(1 − p)/N)/f(q) (f the posterior
/// density); each must land within 4 of its standard errors.
#[test]
fn the_rate_distribution_pastes_into_a_frequency_with_the_closed_forms_moments() {
    use corridor::fit::posterior::ln_gamma_half_integer;
    use corridor::model::Model;
    use corridor::scenario::schema::Frequency;
    use corridor::scenario::uncertain::Uncertain;

    let out = fit_events(&[shipped_log().as_os_str()]).code(0);
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(
        text.contains(
            "posterior is\n    // Gamma(shape: 7.5, scale: 0.25), mean 1.875/yr, 95% interval 0.7828–3.436/yr."
        ),
        "{text}"
    );
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with("// frequency: Rate(Gamma("))
        .expect("a frequency line to paste");
    let value = line
        .trim_start_matches("// frequency: ")
        .trim_end_matches(',');
    let frequency: Frequency = ron::from_str(value).unwrap_or_else(|e| panic!("{value}: {e}"));
    let Frequency::Rate(Uncertain::Dist(spec)) = &frequency else {
        panic!("{frequency:?}")
    };
    let law = spec.build().unwrap();
    let (shape, rate) = (7.5, 4.0);
    assert!((law.mean() - shape / rate).abs() < 1e-12);

    let mut rng = Xoshiro256PlusPlus::seed_from_u64(15);
    let n = 200_000;
    let mut draws: Vec<f64> = (0..n).map(|_| law.sample(&mut rng)).collect();
    let mean = draws.iter().sum::<f64>() / n as f64;
    let sd = shape.sqrt() / rate / (n as f64).sqrt();
    assert!((mean - shape / rate).abs() <= 4.0 * sd, "mean {mean}");
    draws.sort_by(f64::total_cmp);
    let ln_density =
        |x: f64| shape * rate.ln() + (shape - 1.0) * x.ln() - rate * x - ln_gamma_half_integer(7);
    for (p, chi2) in [(0.025, 6.262), (0.975, 27.488)] {
        let q = chi2 / (2.0 * rate);
        let got = draws[(p * n as f64) as usize];
        let se = (p * (1.0 - p) / n as f64).sqrt() / ln_density(q).exp();
        // The table's 4 digits add at most 5e-4 relative.
        assert!(
            (got - q).abs() <= 4.0 * se + 5e-4 * q,
            "p {p}: {got} vs {q}"
        );
    }

    // Pasted over the point estimate, the scenario accepts it and draws the rate per trial.
    let entries = text.replace(
        "    frequency: Rate(1.75),\n",
        &format!("    {}\n", &line[3..]),
    );
    let scenario = edit(
        &edit(MINIMAL, "name: \"Pipe\"", "name: \"CPC marine terminal\""),
        "assets: [\"Pipe\"]",
        "assets: [\"CPC marine terminal\"]",
    );
    let first = &entries[..entries.find("(\n    // \"CPC pipeline\"").unwrap()];
    let with = edit(
        &scenario,
        "    prices: (",
        &format!("    disruptions: [\n{first}\n    ],\n    prices: ("),
    );
    let loaded = load_str(&with, "fitted.ron").unwrap_or_else(|d| panic!("{d}\n{with}"));
    assert_eq!(loaded.scenario.disruptions[0].frequency, frequency);
    let model = Model::compile(&loaded.scenario);
    let input = model
        .params
        .per_trial
        .iter()
        .find(|i| i.path.ends_with("frequency"))
        .expect("the rate is a per-trial input");
    assert!((input.dist.mean() - 1.875).abs() < 1e-12);
}
