//! Everything a finished run reports, in the shape every exporter reads.

use serde::Serialize;

use crate::model::metrics::Horizon;
use crate::model::{Layout, Model};
use crate::stats::{Collector, Stats};

/// Statistics of one metric.
#[derive(Debug, Clone, Serialize)]
pub struct MetricResult {
    /// `<kind>/<entity>`.
    pub id: String,
    /// The metric without its entity: the kind, qualified by a threshold (`stranded_over_5Mt`).
    pub kind: String,
    pub entity: String,
    /// Mt/yr, for `stranded_over_<x>Mt` metrics.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub threshold: Option<f64>,
    pub unit: &'static str,
    /// How a trial's years add up to its horizon value.
    pub horizon_rule: Horizon,
    /// One entry per simulated year, in year order.
    pub by_year: Vec<Stats>,
    pub horizon: Stats,
}

/// A run's results.
#[derive(Debug, Clone, Serialize)]
pub struct Results {
    pub scenario: String,
    pub trials: u64,
    pub seed: u64,
    pub years: Vec<i32>,
    pub metrics: Vec<MetricResult>,
}

/// How the run went (not part of the reproducible results).
#[derive(Debug, Clone, Serialize)]
pub struct RunInfo {
    pub corridor_version: &'static str,
    pub scenario_file: String,
    pub threads: usize,
    pub elapsed_seconds: f64,
    pub trials_per_second: f64,
    pub trial_years_per_second: f64,
    /// Seconds since 1970-01-01 when the run finished.
    pub finished_unix: u64,
    /// For merged results: how many shards; then `threads` and the timings add up the shards'.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merged_shards: Option<u64>,
}

impl Results {
    pub fn from_collector(model: &Model, collector: &Collector, seed: u64) -> Results {
        Results::from_layout(&model.name, &model.years, &model.layout, collector, seed)
    }

    /// The statistics of every metric of `layout` in `collector`, whose rows are `years`.
    pub fn from_layout(
        scenario: &str,
        years: &[i32],
        layout: &Layout,
        collector: &Collector,
        seed: u64,
    ) -> Results {
        let metrics = layout
            .metrics
            .iter()
            .enumerate()
            .map(|(m, metric)| MetricResult {
                id: metric.id(),
                kind: metric.name(),
                entity: metric.entity.clone(),
                threshold: metric.threshold.map(|t| t.0),
                unit: metric.kind.unit(),
                horizon_rule: metric.kind.horizon(),
                by_year: (0..years.len())
                    .map(|t| collector.stats(m, Some(t)))
                    .collect(),
                horizon: collector.stats(m, None),
            })
            .collect();
        Results {
            scenario: scenario.to_string(),
            trials: collector.trials(),
            seed,
            years: years.to_vec(),
            metrics,
        }
    }

    pub fn metric(&self, id: &str) -> Option<&MetricResult> {
        self.metrics.iter().find(|m| m.id == id)
    }

    /// The metric `kind/entity` and its index (in the collector's order too).
    pub fn find(&self, kind: &str, entity: &str) -> Option<(usize, &MetricResult)> {
        self.metrics
            .iter()
            .enumerate()
            .find(|(_, m)| m.kind == kind && m.entity == entity)
    }

    /// The entities of a kind's metrics, in results order.
    pub fn entities(&self, kind: &str) -> Vec<&str> {
        self.metrics
            .iter()
            .filter(|m| m.kind == kind)
            .map(|m| m.entity.as_str())
            .collect()
    }
}

impl AsRef<RunInfo> for RunInfo {
    fn as_ref(&self) -> &RunInfo {
        self
    }
}
