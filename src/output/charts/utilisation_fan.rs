//! Chart 6: each asset's utilisation per year as a fan, against its nominal capacity (100%), so
//! spare capacity (BTC's is a headline) is the room under the line. Assets that carried nothing in
//! any trial, such as those with zero capacity, get no chart.

use super::data::{Band, FanData, Level, negligible};
use super::theme::Unit;
use super::{Chart, ChartData, Context, file_part};

pub fn extract(ctx: &Context) -> Vec<Chart> {
    let years = &ctx.results.years;
    ctx.entities("utilisation")
        .into_iter()
        .filter_map(|asset| {
            let (_, m) = ctx.metric("utilisation", asset)?;
            if m.by_year.iter().all(negligible) {
                return None;
            }
            let unit = Unit::PERCENT;
            Some(Chart {
                stem: format!("utilisation-fan-{}", file_part(asset)),
                title: format!("{asset}: utilisation per year"),
                subtitle: ctx.subtitle(),
                caption: "Flow as a share of nominal capacity each year: median line, middle 50% \
                          and 90% of trials as bands. The room under the 100% line is spare \
                          capacity."
                    .into(),
                data: ChartData::Fan(FanData {
                    median_label: "Median".into(),
                    y_title: "Utilisation (% of nominal capacity)".into(),
                    unit,
                    bands: years
                        .iter()
                        .zip(&m.by_year)
                        .map(|(&y, s)| Band::new(y, s, unit))
                        .collect(),
                    reference: None,
                    level: Some(Level {
                        label: "Nominal capacity (100%)".into(),
                        value: 100.0,
                    }),
                    observed: ctx.markers("utilisation", asset, unit),
                }),
            })
        })
        .collect()
}

/// Assets without a utilisation chart (no flow in any trial), for the report to name.
pub fn skipped(ctx: &Context) -> Vec<String> {
    ctx.entities("utilisation")
        .into_iter()
        .filter(|a| {
            ctx.metric("utilisation", a)
                .is_some_and(|(_, m)| m.by_year.iter().all(negligible))
        })
        .map(str::to_string)
        .collect()
}
