//! Chart 5: the distribution of each route's total volume over the horizon, one small panel per
//! route on its own axis (CPC carries a hundred times what Druzhba does, so a shared axis would
//! flatten the small routes). Routes that carried nothing in any trial get no panel, only a
//! mention below the panels.

use crate::output::error::Result;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::canvas::{self, Area};
use super::data::{Distribution, Panel, PanelsData, negligible};
use super::revenue_histogram;
use super::theme::{self, Theme, Unit};
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
    let (w, h) = plot.dim_in_pixel();
    // As square a grid as the canvas allows.
    let aspect = f64::from(w) / f64::from(h.max(1));
    let cols = ((n as f64 * aspect / 2.0).sqrt().ceil() as usize).clamp(1, n);
    let rows = n.div_ceil(cols);
    // Panels use smaller type than full charts.
    let small = Theme {
        scale: t.scale * 0.8,
    };
    for (panel, cell) in d.panels.iter().zip(plot.split_evenly((rows, cols))) {
        let title_style =
            canvas::bold(small.legend(), theme::TEXT).pos(Pos::new(HPos::Center, VPos::Top));
        let (cw, _) = cell.dim_in_pixel();
        let title = canvas::fit(&cell, &panel.title, &title_style, cw as i32 - t.px(8.0));
        cell.draw_text(&title, &title_style, (cw as i32 / 2, t.px(4.0)))
            .map_err(canvas::err)?;
        let body = cell.margin(
            (small.legend() * 1.5).round() as i32,
            t.px(6.0),
            0,
            t.px(10.0),
        );
        revenue_histogram::distribution(&body, &small, &panel.distribution, &d.unit, "", "")?;
    }
    Ok(())
}
