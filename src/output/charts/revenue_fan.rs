//! Chart 1: each producer's revenue per year as a fan (median, 50% and 90% bands), with the
//! undisrupted twin's median dashed, so the cost of disruption is the gap between the lines.
//! Every producer's fan is in one unit (chosen from the largest producer's range), so fans set
//! side by side compare at a glance (`Unit::money_within`); a producer with no revenue in any trial gets none.

use super::data::{Band, FanData, YearSeries, all_zero, max_abs};
use super::theme::Unit;
use super::{Chart, ChartData, ChartSet, Context, SkippedChart, file_part};

pub fn extract(ctx: &Context) -> ChartSet<Chart> {
    let years = &ctx.results.years;
    let family = ["revenue", "revenue_undisrupted"]
        .iter()
        .flat_map(|k| ctx.metrics_of(k))
        .flat_map(|m| &m.by_year);
    let family_max = max_abs(family);
    ctx.entities("revenue")
        .into_iter()
        .filter_map(|producer| {
            let (_, revenue) = ctx.metric("revenue", producer)?;
            let undisrupted = ctx.metric("revenue_undisrupted", producer).map(|(_, m)| m);
            let stem = format!("revenue-fan-{}", file_part(producer));
            let own = revenue
                .by_year
                .iter()
                .chain(undisrupted.iter().flat_map(|m| &m.by_year));
            let unit = Unit::money_within(family_max, max_abs(own));
            if all_zero(revenue) && undisrupted.is_none_or(all_zero) {
                return Some(Err(SkippedChart::new(
                    stem,
                    format!("{producer}'s revenue is zero in every trial"),
                )));
            }
            let bands = years
                .iter()
                .zip(&revenue.by_year)
                .map(|(&y, s)| Band::new(y, s, unit))
                .collect();
            let reference = undisrupted.map(|m| YearSeries {
                label: "Median without disruptions".into(),
                values: m.by_year.iter().map(|s| unit.show(s.p50)).collect(),
            });
            Some(Ok(Chart {
                stem,
                title: format!("{producer}: export revenue per year"),
                subtitle: ctx.subtitle(),
                caption: "The solid line is the median revenue each year; the dark band holds the \
                          middle 50% of trials and the light band 90%. The dashed line is the \
                          median without disruptions: the gap is what disruptions cost."
                    .into(),
                data: ChartData::Fan(FanData {
                    median_label: "Median".into(),
                    y_title: format!("Revenue per year ({})", unit.label),
                    unit,
                    bands,
                    reference,
                    level: None,
                    observed: ctx.markers("revenue", producer, unit),
                }),
            }))
        })
        .collect()
}
