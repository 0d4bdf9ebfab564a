//! Chart 7: a fan per observed metric that no other chart draws by year (a route's volume, a
//! producer's lost volume, the benchmark price, ...), with the observed values marked, so a reader
//! sees at a glance whether history lies in the middle of the simulated range or in its tail.
//! Revenue, utilisation and export volume observations are marked on their own charts instead.

use super::data::{Band, FanData, max_abs};
use super::theme::Unit;
use super::{Chart, ChartData, Context, file_part};

/// Metrics whose observations go on another chart.
const ELSEWHERE: [&str; 3] = ["revenue", "utilisation", "export_volume"];

pub fn extract(ctx: &Context) -> Vec<Chart> {
    let mut seen: Vec<(&str, &str)> = Vec::new();
    for o in &ctx.observations {
        let key = (o.kind.as_str(), o.entity.as_str());
        if o.year.is_some() && !ELSEWHERE.contains(&key.0) && !seen.contains(&key) {
            seen.push(key);
        }
    }
    seen.into_iter()
        .filter_map(|(kind, entity)| {
            let (_, m) = ctx.metric(kind, entity)?;
            let unit = Unit::for_metric(m.unit, max_abs(m.by_year.iter()));
            let label = kind.replace('_', " ");
            Some(Chart {
                stem: format!("observed-{kind}-{}", file_part(entity)),
                title: format!("{entity}: {label} per year, simulated and observed"),
                subtitle: ctx.subtitle(),
                caption: "The solid line is the simulated median each year; the dark band holds \
                          the middle 50% of trials and the light band 90%. Diamonds mark the \
                          observed values, labelled with the share of trials below them."
                    .into(),
                data: ChartData::Fan(FanData {
                    median_label: "Median".into(),
                    y_title: format!("{} ({})", capitalised(&label), unit.label),
                    unit,
                    bands: ctx
                        .results
                        .years
                        .iter()
                        .zip(&m.by_year)
                        .map(|(&y, s)| Band::new(y, s, unit))
                        .collect(),
                    reference: None,
                    level: None,
                    observed: ctx.markers(kind, entity, unit),
                }),
            })
        })
        .collect()
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
}
