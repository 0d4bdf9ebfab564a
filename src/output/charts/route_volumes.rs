//! Chart 4: each producer's export volume per year by route, stacked, with stranded volume (supply
//! no route could take) on top and export supply as a line over the bars.
//!
//! The bars stack means, not medians: means add up (route volumes plus stranded volume equal
//! supply in every trial, so their means equal mean supply), while medians of the parts do not
//! add up to anything, and the median of a rare loss such as stranding is usually zero, which
//! would hide exactly the risk the chart is for. The report's tables give the medians. Means
//! also split a route shared by several producers exactly (see `extract`), which medians cannot.

use crate::output::error::Result;

use plotters::prelude::*;

use super::canvas::{self, Area, Axis, Dash, LegendItem};
use super::data::{Layer, StackedData, YearSeries};
use super::theme::{self, Theme, Ticks, Unit};
use super::{Chart, ChartData, ChartSet, Context, SkippedChart, file_part};

/// One chart per producer; none for a producer that had nothing to export in any trial.
pub fn extract(ctx: &Context) -> ChartSet<Chart> {
    ctx.entities("export_supply")
        .into_iter()
        .map(|producer| {
            let unit = Unit::MT;
            let means = |kind: &str, entity: &str| -> Option<Vec<f64>> {
                ctx.metric(kind, entity)
                    .map(|(_, m)| m.by_year.iter().map(|s| unit.show(s.mean)).collect())
            };
            let mut layers = Vec::new();
            let mut shared = Vec::new();
            for (route, producers) in &ctx.routes {
                if !producers.iter().any(|p| p == producer) {
                    continue;
                }
                if producers.len() > 1 {
                    shared.push(route.as_str());
                    continue;
                }
                if let Some(values) = means("route_volume", route) {
                    layers.push(Layer {
                        label: route.clone(),
                        values,
                        highlight: false,
                    });
                }
            }
            // A shared route's volume is reported for all its shippers together. Means add up,
            // so this producer's part of its shared routes is its mean exports less its own
            // routes' means.
            if !shared.is_empty()
                && let Some(exports) = means("export_volume", producer)
            {
                let values = exports
                    .iter()
                    .enumerate()
                    .map(|(t, &e)| {
                        let own: f64 = layers.iter().map(|l| l.values[t]).sum();
                        let v = e - own;
                        // Float noise, not volume.
                        if v.abs() <= 1e-9 * e.abs().max(1.0) {
                            0.0
                        } else {
                            v.max(0.0)
                        }
                    })
                    .collect();
                layers.push(Layer {
                    label: format!("{} (its share)", shared.join(", ")),
                    values,
                    highlight: false,
                });
            }
            if let Some(values) = means("stranded_volume", producer) {
                layers.push(Layer {
                    label: "Stranded".into(),
                    values,
                    highlight: true,
                });
            }
            let (layers, omitted): (Vec<Layer>, Vec<Layer>) = layers
                .into_iter()
                .partition(|l| l.values.iter().any(|&v| v != 0.0));
            let line = means("export_supply", producer).map(|values| YearSeries {
                label: "Export supply".into(),
                values,
            });
            let stem = format!("route-volumes-{}", file_part(producer));
            let no_supply = line
                .as_ref()
                .is_none_or(|l| l.values.iter().all(|&v| v == 0.0));
            if layers.is_empty() && no_supply {
                return Err(SkippedChart::new(
                    stem,
                    format!("{producer} had nothing to export in any trial or year"),
                ));
            }
            Ok(Chart {
                stem,
                title: format!("{producer}: export volume by route per year"),
                subtitle: ctx.subtitle(),
                caption: "Each bar stacks the mean volume shipped on each route in that year, \
                          with stranded volume (supply no route could take) on top; the line is \
                          mean export supply. Means are used because they add up to supply."
                    .into(),
                data: ChartData::Stacked(StackedData {
                    y_title: format!("Mean volume per year ({})", unit.label),
                    unit,
                    years: ctx.results.years.clone(),
                    layers,
                    line,
                    omitted: omitted.into_iter().map(|l| l.label).collect(),
                    observed: ctx.markers("export_volume", producer, unit),
                }),
            })
        })
        .collect()
}

pub fn draw<DB: DrawingBackend>(d: &StackedData, area: &Area<DB>, t: &Theme) -> Result<()> {
    let mut colour = 0;
    let colours: Vec<RGBColor> = d
        .layers
        .iter()
        .map(|l| {
            if l.highlight {
                theme::VERMILLION
            } else {
                colour += 1;
                theme::series(colour - 1)
            }
        })
        .collect();
    let mut items: Vec<LegendItem> = d
        .layers
        .iter()
        .zip(&colours)
        .map(|(l, &c)| LegendItem::fill(l.label.clone(), c))
        .collect();
    if let Some(line) = &d.line {
        items.push(LegendItem::line(
            line.label.clone(),
            theme::BLACK,
            t.thin(),
            Dash::Dashed,
        ));
    }
    if !d.observed.is_empty() {
        items.push(LegendItem::diamond(
            "Observed exports (P: share of trials below, %)",
            theme::BLACK,
        ));
    }
    let plot = canvas::legend(area, t, &items)?;
    let note = if d.omitted.is_empty() {
        String::new()
    } else {
        format!("Zero in every trial, not shown: {}.", d.omitted.join(", "))
    };
    let plot = canvas::footnote(&plot, t, &note)?;
    if d.years.is_empty() {
        return canvas::empty_note(&plot, t, "No simulated years");
    }

    let n = d.years.len();
    let tops: Vec<f64> = (0..n)
        .map(|i| {
            d.layers
                .iter()
                .map(|l| l.values.get(i).copied().unwrap_or(0.0).max(0.0))
                .sum()
        })
        .collect();
    let hi = tops
        .iter()
        .copied()
        .chain(d.line.iter().flat_map(|l| l.values.iter().copied()))
        .chain(d.observed.iter().map(|m| m.value))
        .fold(0.0, f64::max);
    let room = canvas::room(&plot, t);
    let y_ticks = Ticks::new(0.0, hi, room.y);
    let yd = y_ticks.decimals();
    let y_fmt = move |v: &f64| theme::number(*v, yd);
    let x_fmt = |v: &f64| format!("{v:.0}");
    let (first, last) = (f64::from(d.years[0]), f64::from(d.years[n - 1]));
    let x = Axis {
        lo: first - 0.6,
        hi: last + 0.6,
        ticks: theme::year_ticks(&d.years, room.years),
        title: "Year".into(),
        format: &x_fmt,
    };
    let y = Axis {
        lo: 0.0,
        ..Axis::from_ticks(&y_ticks, d.y_title.clone(), &y_fmt)
    };
    let mut chart = canvas::cartesian(&plot, t, &x, &y)?;
    let half = 0.36;
    let mut base = vec![0.0; n];
    let gap = t.px(0.5).max(1) as u32;
    for (layer, &c) in d.layers.iter().zip(&colours) {
        let mut rects = Vec::new();
        for (i, &year) in d.years.iter().enumerate() {
            let v = layer.values.get(i).copied().unwrap_or(0.0).max(0.0);
            if v <= 0.0 {
                continue;
            }
            let x = f64::from(year);
            let mut bar =
                Rectangle::new([(x - half, base[i]), (x + half, base[i] + v)], c.filled());
            // A pixel of white between segments keeps neighbours apart in greyscale.
            if base[i] > 0.0 {
                bar.set_margin(0, gap, 0, 0);
            }
            rects.push(bar);
            base[i] += v;
        }
        chart.draw_series(rects).map_err(canvas::err)?;
    }
    if let Some(line) = &d.line {
        // One dash per bar, across its width: "this bar's supply", not a trend between years.
        for (i, &year) in d.years.iter().enumerate() {
            let v = line.values.get(i).copied().unwrap_or(0.0);
            let x = f64::from(year);
            let pts = vec![(x - half, v), (x + half, v)];
            canvas::line(&mut chart, t, pts, theme::BLACK, t.thin(), Dash::Dashed)?;
        }
    }
    let observed: Vec<(f64, f64, String)> = d
        .observed
        .iter()
        .map(|m| (f64::from(m.year), m.value, m.label.clone()))
        .collect();
    canvas::markers(&mut chart, t, &observed, theme::BLACK)?;
    Ok(())
}
