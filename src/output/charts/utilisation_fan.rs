//! Chart 6: each asset's utilisation per year as a fan, against its nominal capacity (100%), so
//! spare capacity (BTC's is a headline) is the room under the line. Assets that carried nothing in
//! any trial, such as those with zero capacity, get no chart.

use super::data::{Band, FanData, Level, negligible};
use super::theme::Unit;
use super::{Chart, ChartData, ChartSet, Context, SkippedChart, file_part};

pub fn extract(ctx: &Context) -> ChartSet<Chart> {
    let years = &ctx.results.years;
    ctx.entities("utilisation")
        .into_iter()
        .filter_map(|asset| {
            let (_, m) = ctx.metric("utilisation", asset)?;
            let stem = format!("utilisation-fan-{}", file_part(asset));
            if m.by_year.iter().all(negligible) {
                return Some(Err(SkippedChart::new(
                    stem,
                    format!("{asset} carried nothing in any trial"),
                )));
            }
            let unit = Unit::PERCENT;
            Some(Ok(Chart {
                stem,
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
            }))
        })
        .collect()
}
