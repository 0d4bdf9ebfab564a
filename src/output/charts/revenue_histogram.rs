//! Chart 2: each producer's revenue over the whole horizon as a histogram, with the mean, median
//! and the 5th and 95th percentiles marked. The histogram drawing is shared with the route panels.

use crate::output::error::Result;

use plotters::prelude::*;

use super::canvas::{self, Area, Axis, Dash, LegendItem};
use super::data::{Distribution, HistogramData, max_abs, negligible};
use super::theme::{self, Theme, Ticks, Unit};
use super::{Chart, ChartData, ChartSet, Context, SkippedChart, file_part};

/// Bars: a mid tint, so the black and vermillion marker lines stand out on them in greyscale too.
pub const BAR: f64 = 0.6;

/// One chart per producer, all in one unit; none for a producer with no revenue in any trial.
pub fn extract(ctx: &Context) -> ChartSet<Chart> {
    let span = ctx.horizon();
    let family = max_abs(ctx.metrics_of("revenue").map(|m| &m.horizon));
    ctx.entities("revenue")
        .into_iter()
        .filter_map(|producer| {
            let (m, revenue) = ctx.metric("revenue", producer)?;
            let h = &revenue.horizon;
            let stem = format!("revenue-distribution-{}", file_part(producer));
            let unit = Unit::money_within(family, max_abs([h]));
            if negligible(h) {
                return Some(Err(SkippedChart::new(
                    stem,
                    format!("{producer}'s revenue is zero in every trial"),
                )));
            }
            Some(Ok(Chart {
                stem,
                title: format!("{producer}: export revenue over {span}"),
                subtitle: ctx.subtitle(),
                caption: "Bars give the share of trials in each range of total revenue over the \
                          horizon; vertical lines mark the median, the mean and the 5th and 95th \
                          percentiles."
                    .into(),
                data: ChartData::Histogram(HistogramData {
                    x_title: format!("Revenue {span} ({})", unit.label),
                    unit,
                    distribution: Distribution::new(&ctx.horizon_histogram(m), h, unit, 40),
                }),
            }))
        })
        .collect()
}

/// Legend entries for the bars and the marker lines, labelled in that order: bars, median,
/// mean, P5–P95.
pub fn marker_key(t: &Theme, labels: [String; 4]) -> Vec<LegendItem> {
    let [bars, median, mean, tails] = labels;
    vec![
        LegendItem::fill(bars, theme::tint(theme::BLUE, BAR)),
        LegendItem::line(median, theme::BLACK, t.line(), Dash::Solid),
        LegendItem::line(mean, theme::VERMILLION, t.line(), Dash::Dashed),
        LegendItem::line(tails, theme::BLACK, t.thin(), Dash::Dotted),
    ]
}

/// The key with each marker's value.
fn marker_legend(d: &Distribution, unit: &Unit, t: &Theme) -> Vec<LegendItem> {
    let v = |x: f64| format!("{} {}", theme::value(x), unit.label);
    marker_key(
        t,
        [
            "Share of trials".into(),
            format!("Median: {}", v(d.p50)),
            format!("Mean: {}", v(d.mean)),
            format!("P5–P95: {} – {}", theme::value(d.p5), v(d.p95)),
        ],
    )
}

/// A note for trials outside the axis, if any.
pub fn outside_note(d: &Distribution) -> String {
    if d.outside * d.trials as f64 >= 0.5 {
        format!(
            "{}% of trials lie beyond the axis, which spans percentiles 0.1 to 99.9.",
            theme::number(100.0 * d.outside, if d.outside >= 0.001 { 1 } else { 2 })
        )
    } else {
        String::new()
    }
}

pub fn draw<DB: DrawingBackend>(d: &HistogramData, area: &Area<DB>, t: &Theme) -> Result<()> {
    let dist = &d.distribution;
    // A value that never varies needs no key: the plot says it in words.
    let items = if dist.constant().is_some() {
        Vec::new()
    } else {
        marker_legend(dist, &d.unit, t)
    };
    let plot = canvas::legend(area, t, &items)?;
    let plot = canvas::footnote(&plot, t, &outside_note(dist))?;
    distribution(&plot, t, dist, &d.unit, &d.x_title, "Share of trials (%)")
}

/// Bars of a distribution with its marker lines; `x_title`/`y_title` may be empty (panels).
/// A value that was the same in every trial is said in words: a histogram would be one block.
pub fn distribution<DB: DrawingBackend>(
    area: &Area<DB>,
    t: &Theme,
    d: &Distribution,
    unit: &Unit,
    x_title: &str,
    y_title: &str,
) -> Result<()> {
    if d.trials == 0 || d.bins.is_empty() {
        return canvas::empty_note(area, t, "No trials");
    }
    if let Some(v) = d.constant() {
        let text = if v == 0.0 {
            "Zero in every trial".to_string()
        } else {
            format!("{} {} in every trial", theme::value(v), unit.label)
        };
        return canvas::empty_note(area, t, &text);
    }
    // The axis hugs the bars (ticks need not sit at its ends): rounding it out to whole tick
    // steps could leave a third of the plot empty.
    let (lo, hi) = (
        d.bins[0].lo.min(d.p5),
        d.bins[d.bins.len() - 1].hi.max(d.p95),
    );
    let pad = 0.02 * (hi - lo);
    let (lo, hi) = (lo - pad, hi + pad);
    let room = canvas::room(area, t);
    let x_ticks = Ticks::within(lo, hi, room.x);
    let top = d.bins.iter().map(|b| 100.0 * b.share).fold(0.0, f64::max);
    let y_ticks = Ticks::new(0.0, top, room.y.min(5));
    let (xd, yd) = (x_ticks.decimals(), y_ticks.decimals());
    let x_fmt = move |v: &f64| theme::number(*v, xd);
    let y_fmt = move |v: &f64| theme::number(*v, yd);
    let x = Axis::from_ticks(&x_ticks, x_title, &x_fmt);
    let y = Axis {
        lo: 0.0,
        ..Axis::from_ticks(&y_ticks, y_title, &y_fmt)
    };
    let mut chart = canvas::cartesian(area, t, &x, &y)?;
    let fill = theme::tint(theme::BLUE, BAR);
    // A pixel of white between bars keeps them apart in print.
    let gap = t.px(0.5).max(1) as u32;
    chart
        .draw_series(d.bins.iter().filter(|b| b.share > 0.0).map(|b| {
            let mut r = Rectangle::new([(b.lo, 0.0), (b.hi, 100.0 * b.share)], fill.filled());
            r.set_margin(0, 0, gap, gap);
            r
        }))
        .map_err(canvas::err)?;
    let vline = |v: f64| vec![(v, 0.0), (v, y_ticks.hi)];
    canvas::line(
        &mut chart,
        t,
        vline(d.p5),
        theme::BLACK,
        t.thin(),
        Dash::Dotted,
    )?;
    canvas::line(
        &mut chart,
        t,
        vline(d.p95),
        theme::BLACK,
        t.thin(),
        Dash::Dotted,
    )?;
    canvas::line(
        &mut chart,
        t,
        vline(d.mean),
        theme::VERMILLION,
        t.line(),
        Dash::Dashed,
    )?;
    canvas::line(
        &mut chart,
        t,
        vline(d.p50),
        theme::BLACK,
        t.line(),
        Dash::Solid,
    )
}
