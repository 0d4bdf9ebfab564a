//! Chart 5: the distribution of each route's total volume over the horizon, one small panel per
//! route on its own axis (CPC carries a hundred times what Druzhba does, so a shared axis would
//! flatten the small routes). Routes that carried nothing in any trial get no panel, only a
//! mention below the panels.

use crate::output::error::Result;

use plotters::prelude::*;

use super::canvas::{self, Area};
use super::data::{Distribution, Panel, PanelsData, negligible};
use super::revenue_histogram;
use super::theme::{Theme, Unit};
use super::{Chart, ChartData, ChartSet, Context, SkippedChart};

pub fn extract(ctx: &Context) -> ChartSet<Chart> {
    let mut out = ChartSet::new();
    let routes = ctx.entities("route_volume");
    if routes.is_empty() {
        return out;
    }
    let span = ctx.horizon();
    let unit = Unit::MT;
    let (mut panels, mut omitted) = (Vec::new(), Vec::new());
    for route in routes {
        let Some((m, r)) = ctx.metric("route_volume", route) else {
            continue;
        };
        if negligible(&r.horizon) {
            omitted.push(route.to_string());
            continue;
        }
        panels.push(Panel {
            title: route.to_string(),
            distribution: Distribution::new(&ctx.horizon_histogram(m), &r.horizon, unit, 24),
        });
    }
    let stem = "route-volume-distributions";
    if panels.is_empty() {
        out.push(Err(SkippedChart::new(
            stem,
            format!("no route carried anything over {span} in any trial"),
        )));
        return out;
    }
    out.push(Ok(Chart {
        stem: stem.into(),
        title: format!("Volume by route over {span}"),
        subtitle: ctx.subtitle(),
        caption: "One panel per route, each on its own scale: bars give the share of trials by \
                  total volume shipped over the horizon; lines mark the median, the mean and the \
                  5th and 95th percentiles."
            .into(),
        data: ChartData::Panels(PanelsData {
            x_title: format!("Volume {span} ({})", unit.label),
            unit,
            panels,
            omitted,
        }),
    }));
    out
}

pub fn draw<DB: DrawingBackend>(d: &PanelsData, area: &Area<DB>, t: &Theme) -> Result<()> {
    // One key for every panel; the values differ per panel, so it names the markers only.
    let labels = ["Share of trials", "Median", "Mean", "P5 and P95"].map(String::from);
    let items = revenue_histogram::marker_key(t, labels);
    let plot = canvas::legend(area, t, &items)?;
    let mut note = format!(
        "Horizontal axes: {}; vertical axes: share of trials (%).",
        d.x_title
    );
    if !d.omitted.is_empty() {
        note.push_str(&format!(" Zero in every trial: {}.", d.omitted.join(", ")));
    }
    let plot = canvas::footnote(&plot, t, &note)?;
    let n = d.panels.len();
    if n == 0 {
        return canvas::empty_note(&plot, t, "No routes");
    }
    let titles: Vec<&str> = d.panels.iter().map(|p| p.title.as_str()).collect();
    let (small, bodies) = canvas::titled_panels(&plot, t, &titles)?;
    for (panel, body) in d.panels.iter().zip(&bodies) {
        revenue_histogram::distribution(body, &small, &panel.distribution, &d.unit, "", "")?;
    }
    Ok(())
}
