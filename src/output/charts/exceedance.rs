//! Chart 3: exceedance curves, the probability that a horizon total exceeds x, for lost revenue
//! and stranded volume, one curve per producer. This is how analysts read tail risk: the
//! probability axis is logarithmic so that 1-in-100 and 1-in-1,000 outcomes are legible.

use crate::output::error::Result;

use plotters::prelude::*;

use super::canvas::{self, Area, Axis, Dash, LegendItem};
use super::data::{ExceedanceData, exceedance_curve, max_abs, negligible};
use super::theme::{self, Theme, Ticks, Unit};
use super::{Chart, ChartData, Context};

pub fn extract(ctx: &Context) -> Vec<Chart> {
    let span = ctx.horizon();
    let specs = [
        ("lost_revenue", "lost-revenue-exceedance", "Lost revenue"),
        (
            "stranded_volume",
            "stranded-volume-exceedance",
            "Stranded volume",
        ),
    ];
    specs
        .into_iter()
        .filter(|(kind, _, _)| !ctx.entities(kind).is_empty())
        .map(|(kind, stem, what)| {
            let metrics: Vec<_> = ctx
                .entities(kind)
                .into_iter()
                .filter_map(|p| ctx.metric(kind, p).map(|(m, r)| (p, m, r)))
                .collect();
            let unit = match metrics.first() {
                Some((_, _, r)) => {
                    Unit::for_metric(r.unit, max_abs(metrics.iter().map(|x| &x.2.horizon)))
                }
                None => Unit::MT,
            };
            let (active, never): (Vec<_>, Vec<_>) = metrics
                .iter()
                .partition(|(_, _, r)| !negligible(&r.horizon));
            Chart {
                stem: stem.into(),
                title: format!("{what} over {span}: chance of exceeding"),
                subtitle: ctx.subtitle(),
                caption: format!(
                    "Each curve gives the probability (log scale) that a producer's {} over the \
                     horizon exceeds the value on the horizontal axis; a curve further right has \
                     a heavier tail.",
                    what.to_lowercase()
                ),
                data: ChartData::Exceedance(ExceedanceData {
                    x_title: format!("{what} {span} ({})", unit.label),
                    unit,
                    curves: active
                        .iter()
                        .map(|(p, m, _)| exceedance_curve(p, &ctx.horizon_histogram(*m), unit))
                        .collect(),
                    never: never.iter().map(|(p, _, _)| p.to_string()).collect(),
                    min_probability: if ctx.results.trials > 0 {
                        1.0 / ctx.results.trials as f64
                    } else {
                        1.0
                    },
                }),
            }
        })
        .collect()
}

/// "100%", "10%", "1%", "0.1%", "0.01%".
fn percent(p: f64) -> String {
    let pct = 100.0 * p;
    let decimals = if pct >= 1.0 {
        0
    } else {
        (-pct.log10()).round() as usize
    };
    format!("{}%", theme::number(pct, decimals))
}

pub fn draw<DB: DrawingBackend>(d: &ExceedanceData, area: &Area<DB>, t: &Theme) -> Result<()> {
    let items: Vec<LegendItem> = d
        .curves
        .iter()
        .enumerate()
        .map(|(i, c)| LegendItem::line(c.label.clone(), theme::series(i), t.line(), Dash::nth(i)))
        .collect();
    let plot = canvas::legend(area, t, &items)?;
    let note = if d.never.is_empty() {
        String::new()
    } else {
        format!("Zero in every trial: {}.", d.never.join(", "))
    };
    let plot = canvas::footnote(&plot, t, &note)?;
    if d.curves.is_empty() {
        return canvas::empty_note(&plot, t, "Zero in every trial for every producer");
    }

    let room = canvas::room(&plot, t);
    let decades = (-d.min_probability.log10()).ceil().max(1.0) as i32;
    let y_lo = 10f64.powi(-decades);
    // Every decade labelled while they fit, else every 2nd or 3rd.
    let every = (decades as usize).div_ceil(room.y).max(1);
    let y_ticks: Vec<f64> = (0..=decades)
        .step_by(every)
        .map(|k| 10f64.powi(-k))
        .collect();
    let xs = d.curves.iter().flat_map(|c| c.points.iter().map(|p| p.0));
    let (mut lo, hi) = xs.fold((0.0f64, f64::MIN), |(a, b), v| (a.min(v), b.max(v)));
    // Paired differences carry float noise (−1e-11): not worth a negative axis.
    if lo < 0.0 && -lo < 0.005 * (hi - lo) {
        lo = 0.0;
    }
    let x_ticks = Ticks::new(lo, hi, room.x);
    let xd = x_ticks.decimals();
    let x_fmt = move |v: &f64| theme::number(*v, xd);
    // A little room left of the first tick, so a curve rising at 0 is not hidden by the axis.
    let pad = 0.02 * (x_ticks.hi - x_ticks.lo);
    let y_fmt = |v: &f64| percent(*v);
    let x = Axis {
        lo: x_ticks.lo - pad,
        ..Axis::from_ticks(&x_ticks, d.x_title.clone(), &x_fmt)
    };
    let y = Axis {
        lo: y_lo,
        hi: 1.0,
        ticks: y_ticks,
        title: "Probability of exceeding (log scale)".into(),
        format: &y_fmt,
    };
    let mut chart = canvas::plot_frame(&plot, t, &y, x.linear(), y.log())?;
    canvas::style_mesh(&mut chart, t, &x, &y)?;
    for (i, c) in d.curves.iter().enumerate() {
        let pts: Vec<(f64, f64)> = c.points.iter().map(|&(x, p)| (x, p.max(y_lo))).collect();
        if let [only] = pts[..] {
            // One trial: a curve of one point, shown as a dot.
            let dot = Circle::new(only, t.px(4.0), theme::series(i).filled());
            chart
                .draw_series(std::iter::once(dot))
                .map_err(canvas::err)?;
        } else {
            canvas::line(&mut chart, t, pts, theme::series(i), t.line(), Dash::nth(i))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn percent_labels() {
        assert_eq!(super::percent(1.0), "100%");
        assert_eq!(super::percent(0.01), "1%");
        assert_eq!(super::percent(0.001), "0.1%");
        assert_eq!(super::percent(0.00001), "0.001%");
    }
}
