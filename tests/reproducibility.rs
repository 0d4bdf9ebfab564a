//! Reproducibility: the same scenario, seed and trial count give the same results whatever the
//! thread count or the split of the trial range.
//!
//! Covers summary.json byte-identity across --threads 1, 2 and 3 (with a trial count that is not
//! a multiple of the 1024-trial block), that a different seed changes the results, and, at the
//! engine level, that running [0, n) at once equals running [0, k) and [k, n) separately and
//! merging the collectors (`Collector::merge`), for k on and off a block boundary: the property
//! sharding relies on.

use crate::common;

use std::sync::atomic::AtomicBool;

use common::corridor;
use corridor::engine::progress::Progress;
use corridor::engine::{BLOCK, RunSpec, run};
use corridor::model::Model;
use corridor::scenario::load_baseline;
use corridor::stats::Collector;

/// summary.json of the built-in baseline.
fn summary(trials: u64, seed: u64, threads: usize) -> Vec<u8> {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    corridor()
        .args(["run", "--quiet", "--trials", &trials.to_string()])
        .args([
            "--seed",
            &seed.to_string(),
            "--threads",
            &threads.to_string(),
        ])
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    std::fs::read(out.join("summary.json")).unwrap()
}

#[test]
fn summary_is_byte_identical_for_any_thread_count() {
    const TRIALS: u64 = 3000;
    assert_ne!(
        TRIALS % BLOCK,
        0,
        "a partial last block is part of the test"
    );
    let one = summary(TRIALS, 5, 1);
    for threads in [2, 3] {
        assert!(
            summary(TRIALS, 5, threads) == one,
            "summary.json with --threads {threads} differs from --threads 1"
        );
    }
}

#[test]
fn different_seeds_give_different_results() {
    let a = summary(500, 1, 2);
    let b = summary(500, 2, 2);
    let parse = |s: &[u8]| serde_json::from_slice::<serde_json::Value>(s).unwrap();
    let (a, b) = (parse(&a), parse(&b));
    assert_eq!(a["seed"], 1);
    assert_eq!(b["seed"], 2);
    // Not only the seed field: the simulated numbers differ.
    assert_ne!(a["metrics"], b["metrics"]);
    let m = "revenue/Kazakhstan";
    assert_ne!(
        a["metrics"][m]["horizon"]["mean"],
        b["metrics"][m]["horizon"]["mean"]
    );
}

fn collect(model: &Model, seed: u64, first: u64, trials: u64, threads: usize) -> Collector {
    let spec = RunSpec {
        seed,
        first,
        trials,
        threads: Some(threads),
    };
    run(
        model,
        spec,
        &AtomicBool::new(false),
        &Progress::hidden(),
        None,
    )
    .expect("run")
    .collector
}

fn assert_same_stats(a: &Collector, b: &Collector, model: &Model, what: &str) {
    assert_eq!(a.trials(), b.trials(), "{what}");
    for (m, metric) in model.layout.metrics.iter().enumerate() {
        for t in (0..model.year_count()).map(Some).chain([None]) {
            assert_eq!(
                a.stats(m, t),
                b.stats(m, t),
                "{what}: {} year {t:?}",
                metric.id()
            );
        }
    }
}

#[test]
fn split_runs_merge_to_the_whole_run() {
    let model = Model::compile(&load_baseline().scenario);
    const N: u64 = 3000;
    const SEED: u64 = 99;
    let whole = collect(&model, SEED, 0, N, 2);
    assert_eq!(whole.trials(), N);
    for k in [2 * BLOCK, 1500] {
        // Different thread counts for the parts, too: nothing may depend on them.
        let mut left = collect(&model, SEED, 0, k, 1);
        let right = collect(&model, SEED, k, N - k, 3);
        left.merge(&right);
        assert_same_stats(&whole, &left, &model, &format!("split at {k}"));
    }
}

#[test]
fn merge_order_does_not_matter() {
    let model = Model::compile(&load_baseline().scenario);
    let whole = collect(&model, 3, 0, 2100, 2);
    let mut a = collect(&model, 3, 1100, 1000, 2);
    let b = collect(&model, 3, 0, 1100, 2);
    a.merge(&b);
    assert_same_stats(&whole, &a, &model, "later shard merged first");
}

/// What a trial works out once rather than each year (`Model::yearly_terms`: tariffs and
/// barrels per tonne; contracts and capacities outside `Model::yearly_contracts` and
/// `yearly_capacity`) is what it would work out each year. The baseline has both kinds of
/// contract; tests/properties.rs checks generated scenarios, with tariffs and barrels per tonne
/// drawn each year and capacities that change among them.
#[test]
fn terms_set_once_per_trial_are_those_set_each_year() {
    let model = Model::compile(&load_baseline().scenario);
    assert!(!model.yearly_terms);
    let yearly = model.yearly_contracts.len();
    assert!(yearly > 0 && yearly < model.routes.len(), "{yearly} yearly");
    let mut every_year = model.clone();
    every_year.yearly_terms = true;
    every_year.yearly_contracts = (0..model.routes.len()).collect();
    every_year.yearly_capacity = (0..model.assets.len()).collect();
    let (once, each) = (
        collect(&model, 5, 0, 600, 2),
        collect(&every_year, 5, 0, 600, 2),
    );
    assert_same_stats(&once, &each, &model, "set once vs each year");
}
