//! The tornado chart of a sensitivity analysis: for each input, the mean output with the input
//! held at its P10 and at its P90, as bars from the mean with every input varying; the widest
//! swing on top.

use crate::output::error::Result;

use plotters::prelude::*;

use super::canvas::{self, Area, Axis, Dash, LegendItem};
use super::data::{TornadoBar, TornadoData};
use super::sweep::{metric_words, span};
use super::theme::{self, Theme, Ticks, Unit};
use super::{Chart, ChartData, ChartSet, SkippedChart, file_part};
use crate::analysis::sensitivity::Sensitivity;

/// Inputs drawn; sensitivity.csv ranks them all.
pub const BARS: usize = 15;
/// Fewest rows the plot is divided into.
const MIN_ROWS: usize = 8;
/// Share of the widest swing below which an input gets no row (its bar would be under a pixel).
const VISIBLE: f64 = 0.01;
/// Longest input name on the axis, in characters (the rest is cut with an ellipsis).
const LABEL_CHARS: usize = 48;

/// One chart per output that varies at all; an output that does not is listed as skipped.
pub fn extract(r: &Sensitivity, years: &[i32], subtitle: &str) -> ChartSet<Chart> {
    let span = span(years);
    r.outputs
        .iter()
        .map(|o| {
            let stem = format!("tornado-{}", file_part(&o.metric));
            if o.variance <= 0.0 {
                return Err(SkippedChart::new(
                    stem,
                    format!(
                        "{} {span} is {} in every trial, whatever the inputs",
                        o.metric,
                        theme::value(o.mean)
                    ),
                ));
            }
            // Inputs ranked by swing, widest first; those that move the mean by less than
            // `VISIBLE` of the widest would be rows without a bar.
            let swing = |b: &crate::analysis::sensitivity::Influence| {
                (b.at_low - o.mean).abs().max((b.at_high - o.mean).abs())
            };
            let widest = o.inputs.iter().map(swing).fold(0.0, f64::max);
            let shown = o
                .inputs
                .iter()
                .take(BARS)
                .filter(|b| swing(b) >= VISIBLE * widest);
            let bars: Vec<_> = shown.collect();
            let max = bars
                .iter()
                .flat_map(|b| [b.at_low.abs(), b.at_high.abs()])
                .fold(o.mean.abs(), f64::max);
            let unit = Unit::for_metric(o.unit, max);
            let (kind, entity) = o.metric.split_once('/').unwrap_or((&o.metric, ""));
            let what = metric_words(kind);
            Ok(Chart {
                stem,
                title: format!("{entity}: what moves mean {what} {span}"),
                subtitle: subtitle.to_string(),
                caption: format!(
                    "Mean horizon {what} with one input held at its 10th and at its 90th \
                     percentile while the others vary; the line is the mean with every input \
                     varying. Inputs are named as sweep --set and correlations accept them; the \
                     widest swing is on top."
                ),
                data: ChartData::Tornado(TornadoData {
                    left_out: o.inputs.len() - bars.len(),
                    x_title: format!("Mean {what} {span} ({})", unit.label),
                    unit,
                    base: unit.show(o.mean),
                    bars: bars
                        .iter()
                        .map(|b| TornadoBar {
                            label: b.input.clone(),
                            at_low: unit.show(b.at_low),
                            at_high: unit.show(b.at_high),
                        })
                        .collect(),
                }),
            })
        })
        .collect()
}

/// `s` cut to `LABEL_CHARS` characters with an ellipsis.
fn short(s: &str) -> String {
    if s.chars().count() <= LABEL_CHARS {
        return s.to_string();
    }
    let cut: String = s.chars().take(LABEL_CHARS - 1).collect();
    format!("{cut}…")
}

pub fn draw<DB: DrawingBackend>(d: &TornadoData, area: &Area<DB>, t: &Theme) -> Result<()> {
    let (low, high) = (theme::BLUE, theme::ORANGE);
    let items = [
        LegendItem::fill("Input at its P10", low),
        LegendItem::fill("Input at its P90", high),
        LegendItem::line("Every input varying", theme::BLACK, t.line(), Dash::Solid),
    ];
    let plot = canvas::legend(area, t, &items)?;
    let note = if d.left_out > 0 {
        format!(
            "Not shown: {} inputs that move the mean less (under 1% of the widest swing, or \
             below the top {BARS}); sensitivity.csv ranks every input.",
            d.left_out
        )
    } else {
        String::new()
    };
    let plot = canvas::footnote(&plot, t, &note)?;
    if d.bars.is_empty() {
        return canvas::empty_note(&plot, t, "No inputs");
    }
    let n = d.bars.len();
    // Rows for at least `MIN_ROWS` bars, so that two or three inputs are bars, not blocks;
    // the bars sit at the top.
    let rows = n.max(MIN_ROWS) as f64;
    let (lo, hi) = d
        .bars
        .iter()
        .flat_map(|b| [b.at_low, b.at_high])
        .fold((d.base, d.base), |(a, c), v| (a.min(v), c.max(v)));
    let room = canvas::room(&plot, t);
    let x_ticks = Ticks::new(lo, hi, room.x);
    let xd = x_ticks.decimals();
    let x_fmt = move |v: &f64| theme::number(*v, xd);
    // Bar i (widest first) is centred at rows − i − 0.5, so the widest is on top.
    let labels: Vec<String> = d.bars.iter().map(|b| short(&b.label)).collect();
    let y_fmt = move |v: &f64| {
        let i = (rows - v - 0.5).round();
        if i >= 0.0 && (i as usize) < labels.len() {
            labels[i as usize].clone()
        } else {
            String::new()
        }
    };
    let x = Axis::from_ticks(&x_ticks, d.x_title.clone(), &x_fmt);
    let y = Axis {
        lo: 0.0,
        hi: rows,
        ticks: (0..n).map(|i| rows - i as f64 - 0.5).collect(),
        title: String::new(),
        format: &y_fmt,
    };
    let mut chart = canvas::plot_frame(&plot, t, &y, x.linear(), y.linear())?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .bold_line_style(theme::GRID.stroke_width(t.hair()))
        .light_line_style(TRANSPARENT)
        .axis_style(theme::AXIS.stroke_width(t.hair()))
        .set_all_tick_mark_size(t.px(5.0))
        .x_labels(x.ticks.len().max(1))
        .y_labels(n)
        .x_label_formatter(x.format)
        .y_label_formatter(y.format)
        .label_style(canvas::font(t.tick(), theme::TEXT))
        .axis_desc_style(canvas::font(t.axis_title(), theme::TEXT))
        .x_desc(x.title.clone())
        .draw()
        .map_err(canvas::err)?;
    for (i, b) in d.bars.iter().enumerate() {
        let (y0, y1) = (rows - i as f64 - 0.85, rows - i as f64 - 0.15);
        // Both ends on one side of the mean: the longer bar first, so the shorter shows on it.
        let mut ends = [(b.at_low, low), (b.at_high, high)];
        ends.sort_by(|p, q| (q.0 - d.base).abs().total_cmp(&(p.0 - d.base).abs()));
        for (v, c) in ends {
            let (a, z) = if v < d.base { (v, d.base) } else { (d.base, v) };
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(a, y0), (z, y1)],
                    c.filled(),
                )))
                .map_err(canvas::err)?;
        }
    }
    canvas::line(
        &mut chart,
        t,
        vec![(d.base, rows - n as f64), (d.base, rows)],
        theme::BLACK,
        t.line(),
        Dash::Solid,
    )
}
