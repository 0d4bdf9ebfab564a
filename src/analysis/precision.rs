//! Runs that stop once a chosen statistic is precise enough: `run --precision METRIC:STAT:TARGET`.
//!
//! Why: how many trials are enough depends on the question: a median settles in a few thousand
//! trials, a P1 of lost revenue may need a million. Trials run in fixed batches of
//! `BATCH` consecutive indices, in order; after each batch the merged statistics (exact, so the
//! same whatever the threads) are checked, and the run stops at the first batch boundary where
//! the 95% interval's half-width, relative to the estimate, is at most the target. The same
//! seed therefore always stops at the same trial count, and the result equals a plain run of
//! that many trials.

use std::str::FromStr;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use super::tails::{parse_percentile, relative_half_width};
use crate::engine::progress::Progress;
use crate::engine::{self, BLOCK, EngineError, RunSpec};
use crate::model::Model;
use crate::stats::Collector;

/// Trials per batch: 8 engine blocks.
pub const BATCH: u64 = 8 * BLOCK;

/// `revenue/Kazakhstan:p5:1%`: the horizon statistic to pin down and the largest relative 95%
/// half-width accepted.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub metric: String,
    /// `mean` or a percentile `pNN` (e.g. `p5`, `p99.5`).
    pub stat: String,
    /// Relative half-width, as a fraction (1% → 0.01).
    pub relative: f64,
}

impl FromStr for Target {
    type Err = String;

    fn from_str(s: &str) -> Result<Target, String> {
        let usage =
            || format!("expected METRIC:STAT:TARGET, e.g. revenue/Kazakhstan:p5:1% (got {s:?})");
        let mut parts = s.rsplitn(3, ':');
        let (Some(target), Some(stat), Some(metric)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(usage());
        };
        let stat = stat.trim().to_ascii_lowercase();
        if stat != "mean" && parse_percentile(&stat).is_none() {
            return Err(format!(
                "STAT must be mean or a percentile such as p5 or p99.5 (got {stat:?})"
            ));
        }
        let target = target.trim();
        let relative = match target.strip_suffix('%') {
            Some(pct) => pct.trim().parse::<f64>().map(|v| v / 100.0),
            None => target.parse::<f64>(),
        }
        .map_err(|_| usage())?;
        if !(relative > 0.0 && relative < 1.0) {
            return Err(format!(
                "TARGET must be a relative half-width between 0 and 100% (got {target:?})"
            ));
        }
        if metric.trim().is_empty() {
            return Err(usage());
        }
        Ok(Target {
            metric: metric.trim().to_string(),
            stat,
            relative,
        })
    }
}

/// A finished precision run.
pub struct PrecisionRun {
    pub collector: Collector,
    pub trials: u64,
    /// Whether the target was met (else the trial cap stopped the run).
    pub reached: bool,
    /// The relative half-width at the last batch.
    pub relative: f64,
    pub elapsed: Duration,
    pub threads: usize,
}

/// Runs batches of `BATCH` trials from trial 0 until `target` is met or `cap` trials have run.
/// `Ok(None)` when the layout has no metric of that name.
pub fn run(
    model: &Model,
    seed: u64,
    cap: u64,
    threads: Option<usize>,
    target: &Target,
    cancel: &AtomicBool,
    progress: &Progress,
) -> Result<Option<PrecisionRun>, EngineError> {
    let Some(m) = model
        .layout
        .metrics
        .iter()
        .position(|x| x.id() == target.metric)
    else {
        return Ok(None);
    };
    let mut total = Collector::new(model.layout.len(), model.year_count());
    let mut elapsed = Duration::ZERO;
    let mut used_threads = 1;
    let mut first = 0;
    let mut relative = f64::INFINITY;
    while first < cap {
        let n = BATCH.min(cap - first);
        let out = engine::run(
            model,
            RunSpec {
                seed,
                first,
                trials: n,
                threads,
            },
            cancel,
            progress,
            None,
        )?;
        total.merge(&out.collector);
        elapsed += out.elapsed;
        used_threads = out.threads;
        first += n;
        relative =
            relative_half_width(total.accumulator(m, None), &target.stat).unwrap_or(f64::INFINITY);
        if relative <= target.relative {
            break;
        }
    }
    Ok(Some(PrecisionRun {
        collector: total,
        trials: first,
        reached: relative <= target.relative,
        relative,
        elapsed,
        threads: used_threads,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_parse() {
        let t: Target = "revenue/Kazakhstan:p5:1%".parse().unwrap();
        assert_eq!(t.metric, "revenue/Kazakhstan");
        assert_eq!(t.stat, "p5");
        assert!((t.relative - 0.01).abs() < 1e-15);
        let t: Target = "lost_revenue/Azerbaijan:mean:0.05".parse().unwrap();
        assert_eq!((t.stat.as_str(), t.relative), ("mean", 0.05));
        for bad in [
            "revenue/Kazakhstan:p5",
            "revenue/Kazakhstan:sd:1%",
            "revenue/Kazakhstan:p5:0%",
            "revenue/Kazakhstan:p5:150%",
            ":p5:1%",
            "revenue/Kazakhstan:p5:x",
        ] {
            assert!(bad.parse::<Target>().is_err(), "{bad}");
        }
    }
}
