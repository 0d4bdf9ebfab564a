//! Correlated per-trial inputs (`correlations`): the realised rank correlations match the
//! targets, each input keeps its own distribution, inputs outside a group draw exactly as they do
//! without one, and the draws depend on (seed, trial, names) only.

use corridor::model::Model;
use corridor::model::params::{Param, Values};
use corridor::model::streams::trial_seed;
use corridor::scenario::load_str;

/// Three uncertain per-trial inputs with different marginals: a skewed lognormal (closed-form
/// quantile), a uniform, and a PERT (quantile from the 20,001-point estimation table).
const BASE: &str = r#"Scenario(
    name: "correlated",
    horizon: (first_year: 2025, last_year: 2026),
    producers: [
        (
            name: "Prod",
            production: (anchors: { 2025: 10.0 }),
            export_share: Pert(min: 0.6, mode: 0.8, max: 1.0),
            barrels_per_tonne: Uniform(min: 7.0, max: 8.0),
        ),
    ],
    assets: [(name: "Pipe", capacity: { 2025: 100.0 }, tariff: Uniform(min: 5.0, max: 15.0))],
    routes: [
        (
            name: "Main",
            producers: ["Prod"],
            assets: ["Pipe"],
            differential: Uniform(min: -5.0, max: -1.0),
        ),
    ],
    prices: (
        benchmark: MeanReverting(
            start: 70.0,
            long_run: LogNormal90(low: 55.0, high: 95.0),
            reversion: 0.5,
            volatility: 0.3,
        ),
    ),
    CORRELATIONS
)
"#;

const GROUP: &str = r#"correlations: [
        (
            inputs: [
                "prices.benchmark.MeanReverting.long_run",
                "routes[Main].differential",
                "producers[Prod].export_share",
            ],
            rank: [
                [1.0, -0.5, 0.3],
                [-0.5, 1.0, 0.2],
                [0.3, 0.2, 1.0],
            ],
        ),
    ],"#;

fn model(correlations: &str) -> Model {
    let text = BASE.replace("CORRELATIONS", correlations);
    let loaded = load_str(&text, "correlated.ron").unwrap_or_else(|d| panic!("{d}"));
    Model::compile(&loaded.scenario)
}

/// The values of the named per-trial inputs in trials 0..n of a run seeded `seed`.
fn draws(model: &Model, names: &[&str], seed: u64, n: u64) -> Vec<Vec<f64>> {
    let index: Vec<Param> = names
        .iter()
        .map(|name| {
            let i = model
                .params
                .per_trial
                .iter()
                .position(|p| p.name == *name)
                .unwrap_or_else(|| panic!("no per-trial input {name}"));
            Param::Trial(i as u32)
        })
        .collect();
    let mut values = Values::default();
    let mut out = vec![Vec::with_capacity(n as usize); names.len()];
    for t in 0..n {
        values.start_trial(&model.params, trial_seed(seed, t));
        for (column, &p) in out.iter_mut().zip(&index) {
            column.push(values.get(p));
        }
    }
    out
}

/// Ranks 0..n (the inputs here are continuous or have 20,001 distinct values, so ties are
/// negligible and broken by order).
fn ranks(x: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..x.len()).collect();
    order.sort_by(|&a, &b| x[a].total_cmp(&x[b]));
    let mut r = vec![0.0; x.len()];
    for (rank, &i) in order.iter().enumerate() {
        r[i] = rank as f64;
    }
    r
}

fn pearson(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len() as f64;
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx) * (a - mx);
        syy += (b - my) * (b - my);
    }
    sxy / (sxx * syy).sqrt()
}

fn spearman(x: &[f64], y: &[f64]) -> f64 {
    pearson(&ranks(x), &ranks(y))
}

const NAMES: [&str; 3] = [
    "prices/benchmark/long_run",
    "route/Main/differential",
    "producer/Prod/export_share",
];

#[test]
fn realised_spearman_matches_the_target() {
    const N: u64 = 20_000;
    let m = model(GROUP);
    let d = draws(&m, &NAMES, 20_260_501, N);
    // Standard error of Spearman's ρ_s for a bivariate normal sample (a Gaussian copula has
    // the rank structure of one): Fieller, Hartley & Pearson (1957) give var(atanh ρ̂_s) ≈
    // 1.06/(n − 3), so by the delta method SE(ρ̂_s) ≈ (1 − ρ_s²)·√(1.06/(n − 3)): 0.0055 at
    // ρ_s = −0.5 and n = 20,000. At ρ_s = 0 this is 1.03/√n, just above the exact 1/√(n − 1).
    let se = |rho: f64| (1.0 - rho * rho) * (1.06 / (N as f64 - 3.0)).sqrt();
    for (i, j, target) in [(0, 1, -0.5), (0, 2, 0.3), (1, 2, 0.2)] {
        let got = spearman(&d[i], &d[j]);
        eprintln!(
            "{} vs {}: Spearman {got:.4}, target {target}, 4 SE = {:.4}",
            NAMES[i],
            NAMES[j],
            4.0 * se(target)
        );
        assert!(
            (got - target).abs() < 4.0 * se(target),
            "{} vs {}: realised {got}, target {target}",
            NAMES[i],
            NAMES[j]
        );
    }
}

#[test]
fn each_input_keeps_its_distribution() {
    const N: u64 = 20_000;
    let with = draws(&model(GROUP), &NAMES, 7, N);
    // The uniform differential on [-5, -1]: mean -3, sd 4/√12; the fraction below the first
    // quartile -4 is 1/4 (binomial SE √(0.1875/n) ≈ 0.0031).
    let diff = &with[1];
    assert!(diff.iter().all(|x| (-5.0..=-1.0).contains(x)));
    let mean = diff.iter().sum::<f64>() / N as f64;
    assert!(
        (mean + 3.0).abs() < 4.0 * (4.0 / 12f64.sqrt()) / (N as f64).sqrt(),
        "{mean}"
    );
    let below = diff.iter().filter(|&&x| x < -4.0).count() as f64 / N as f64;
    assert!((below - 0.25).abs() < 4.0 * 0.0031, "{below}");
    // LogNormal90(55, 95): 5% of draws below 55 and 5% above 95 (SE √(0.0475/n) ≈ 0.0015).
    let lr = &with[0];
    let low = lr.iter().filter(|&&x| x < 55.0).count() as f64 / N as f64;
    let high = lr.iter().filter(|&&x| x > 95.0).count() as f64 / N as f64;
    assert!((low - 0.05).abs() < 0.0062, "{low}");
    assert!((high - 0.05).abs() < 0.0062, "{high}");
    // The PERT stays in its support.
    assert!(with[2].iter().all(|x| (0.6..=1.0).contains(x)));
}

#[test]
fn inputs_outside_a_group_draw_exactly_as_without_one() {
    let others = [
        "producer/Prod/barrels_per_tonne",
        "asset/Pipe/tariff",
        "prices/benchmark/long_run",
    ];
    let with = draws(&model(GROUP), &others[..2], 99, 500);
    let without = draws(&model(""), &others, 99, 500);
    assert_eq!(with[..], without[..2]);
    // And the correlated ones do change.
    let changed = draws(&model(GROUP), &others[2..], 99, 500);
    assert_ne!(changed[0], without[2]);
}

#[test]
fn draws_depend_on_seed_trial_and_names_only() {
    let a = draws(&model(GROUP), &NAMES, 5, 300);
    let b = draws(&model(GROUP), &NAMES, 5, 300);
    assert_eq!(a, b);
    // The same group listed in another order (matrix permuted to match) draws the same values.
    let reordered = r#"correlations: [
        (
            inputs: [
                "producers[0].export_share",
                "prices.benchmark.long_run",
                "routes[0].differential",
            ],
            rank: [
                [1.0, 0.3, 0.2],
                [0.3, 1.0, -0.5],
                [0.2, -0.5, 1.0],
            ],
        ),
    ],"#;
    assert_eq!(draws(&model(reordered), &NAMES, 5, 300), a);
    assert_ne!(draws(&model(GROUP), &NAMES, 6, 300), a);
}
