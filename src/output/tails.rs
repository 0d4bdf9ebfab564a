//! `intervals.csv` and `tails.csv`: the uncertainty of every horizon statistic and the bad tail
//! of every metric that has one (docs/decision-analysis.md), from the run's histograms.
//! summary.json keeps its schema; these sit beside it.

use crate::output::error::Result;

use super::{Exporter, FinishedRun};
use crate::analysis::tails::{ALPHAS, BadTail, intervals, tail};
use crate::stats::Z95;

/// intervals.csv: the 95% interval of every horizon statistic of every metric:
/// `metric,entity,unit,stat,estimate,lower,upper,level`. The mean's is mean ± 1.96·se; each
/// percentile's is the order-statistic interval, widened to histogram bucket edges.
pub struct IntervalsCsv;

impl<'a> Exporter<FinishedRun<'a>> for IntervalsCsv {
    fn file_name(&self) -> &'static str {
        "intervals.csv"
    }

    fn render(&self, run: &FinishedRun<'a>) -> Result<Vec<u8>> {
        let (results, collector) = (run.results, run.collector);
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record([
            "metric", "entity", "unit", "stat", "estimate", "lower", "upper", "level",
        ])?;
        for (m, r) in results.metrics.iter().enumerate().take(collector.metrics()) {
            for i in intervals(collector.accumulator(m, None), Z95) {
                w.write_record([
                    r.kind.as_str(),
                    r.entity.as_str(),
                    r.unit,
                    i.stat,
                    &i.estimate.to_string(),
                    &i.lower.to_string(),
                    &i.upper.to_string(),
                    "0.95",
                ])?;
            }
        }
        Ok(w.into_inner()?)
    }
}

/// tails.csv: value-at-risk and expected shortfall of every horizon metric with a bad side, at
/// 5% and 1%: `metric,entity,unit,bad_tail,alpha,quantile,quantile_lower,quantile_upper,
/// var_from_median,expected_shortfall,es_from_median`.
pub struct TailsCsv;

impl<'a> Exporter<FinishedRun<'a>> for TailsCsv {
    fn file_name(&self) -> &'static str {
        "tails.csv"
    }

    fn render(&self, run: &FinishedRun<'a>) -> Result<Vec<u8>> {
        let (results, collector) = (run.results, run.collector);
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record([
            "metric",
            "entity",
            "unit",
            "bad_tail",
            "alpha",
            "quantile",
            "quantile_lower",
            "quantile_upper",
            "var_from_median",
            "expected_shortfall",
            "es_from_median",
        ])?;
        for (m, r) in results.metrics.iter().enumerate().take(collector.metrics()) {
            let Some(side) = BadTail::of_kind(&r.kind) else {
                continue;
            };
            for alpha in ALPHAS {
                let t = tail(collector.accumulator(m, None), alpha, side);
                w.write_record([
                    r.kind.as_str(),
                    r.entity.as_str(),
                    r.unit,
                    match side {
                        BadTail::Low => "low",
                        BadTail::High => "high",
                    },
                    &alpha.to_string(),
                    &t.quantile.to_string(),
                    &t.quantile_lower.to_string(),
                    &t.quantile_upper.to_string(),
                    &t.var_from_median.to_string(),
                    &t.expected_shortfall.to_string(),
                    &t.es_from_median.to_string(),
                ])?;
            }
        }
        Ok(w.into_inner()?)
    }
}
