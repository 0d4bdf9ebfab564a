//! Value stability: the built-in baseline with seed 42 and 2048 trials gives these exact numbers.
//!
//! This test pins outputs for one seed on purpose; nothing here is derived independently. It
//! exists so that no change to the model, the seeding, the statistics or the crates' sampling
//! (rand, rand_distr) alters published results unnoticed. A deliberate change must update the
//! snapshot deliberately: run `cargo insta review` (or `INSTA_UPDATE=always cargo test --release
//! --test model golden::`) and commit tests/snapshots/ with a note of why the numbers moved.
//!
//! The pinned subset: horizon statistics of revenue, lost_revenue and stranded_volume for every
//! producer and of utilisation/BTC, and the 2030 statistics of every route's volume.

use crate::common::insta;

use std::sync::atomic::AtomicBool;

use corridor::engine::progress::Progress;
use corridor::engine::{RunSpec, run};
use corridor::model::Model;
use corridor::scenario::load_baseline;
use serde_json::{Map, Value, json};

#[test]
fn baseline_seed_42_is_stable() {
    const SEED: u64 = 42;
    const TRIALS: u64 = 2048;
    let model = Model::compile(&load_baseline().scenario);
    let spec = RunSpec {
        seed: SEED,
        first: 0,
        trials: TRIALS,
        threads: Some(2),
    };
    let out = run(
        &model,
        spec,
        &AtomicBool::new(false),
        &Progress::hidden(),
        None,
    )
    .expect("run");
    let c = &out.collector;
    let year_2030 = model
        .years
        .iter()
        .position(|&y| y == 2030)
        .expect("2030 is in the horizon");

    let mut horizon = Map::new();
    let mut in_2030 = Map::new();
    for (m, metric) in model.layout.metrics.iter().enumerate() {
        let id = metric.id();
        let kind = id.split('/').next().unwrap();
        if matches!(kind, "revenue" | "lost_revenue" | "stranded_volume") || id == "utilisation/BTC"
        {
            horizon.insert(id.clone(), serde_json::to_value(c.stats(m, None)).unwrap());
        }
        if kind == "route_volume" {
            in_2030.insert(
                id,
                serde_json::to_value(c.stats(m, Some(year_2030))).unwrap(),
            );
        }
    }
    // Four producers since the 2025 recalibration (CPC's other shippers) and eleven routes
    // (Aktau-Makhachkala and the other shippers' CPC route).
    assert_eq!(
        horizon.len(),
        4 * 3 + 1,
        "four producers, three kinds, plus BTC"
    );
    assert_eq!(in_2030.len(), 11, "eleven routes");
    let pinned: Value = json!({
        "seed": SEED,
        "trials": c.trials(),
        "horizon": horizon,
        "2030": in_2030,
    });
    insta::assert_json_snapshot!("baseline_seed42_2048_trials", pinned);
}
