//! Chart 3: exceedance curves, the probability that a horizon total exceeds x, for lost revenue
//! and stranded volume, one curve per producer. This is how analysts read tail risk: the
//! probability axis is logarithmic so that 1-in-100 and 1-in-1,000 outcomes are legible.
//!
//! Curves stop at 1 in 1,000 (`data::TAIL`); the largest trial is given in a note, not drawn,
//! so that a few extreme trials do not set the axis. When producers' curves reach ten times
//! apart or more (`data::needs_panels`), each gets a panel on its own horizontal axis, in one
//! unit, so Turkmenistan is not a vertical line beside Kazakhstan. Compare draws its curves
//! (one per scenario) with the same code.

use crate::output::error::Result;

use plotters::prelude::*;

use super::canvas::{self, Area, Axis, Dash, LegendItem, Shape};
use super::data::{
    Curve, ExceedanceData, TAIL, exceedance_curve, min_probability, needs_panels, negligible,
};
use super::theme::{self, Theme, Ticks, Unit};
use super::{Chart, ChartData, ChartSet, Context, SkippedChart};

pub fn extract(ctx: &Context) -> ChartSet<Chart> {
    let span = ctx.horizon();
    let specs = [
        ("lost_revenue", "lost-revenue-exceedance", "Lost revenue"),
        (
            "stranded_volume",
            "stranded-volume-exceedance",
            "Stranded volume",
        ),
    ];
    let floor = min_probability(ctx.results.trials);
    specs
        .into_iter()
        .filter(|(kind, _, _)| !ctx.entities(kind).is_empty())
        .map(|(kind, stem, what)| {
            let metrics: Vec<_> = ctx
                .entities(kind)
                .into_iter()
                .filter_map(|p| ctx.metric(kind, p).map(|(m, r)| (p, m, r)))
                .collect();
            let (active, never): (Vec<_>, Vec<_>) = metrics
                .iter()
                .partition(|(_, _, r)| !negligible(&r.horizon));
            if active.is_empty() {
                return Err(SkippedChart::new(
                    stem,
                    format!(
                        "{} over {span} is zero in every trial for every producer",
                        what.to_lowercase()
                    ),
                ));
            }
            // The unit from the range drawn (to P99.9), once for every curve and panel.
            let reach = active
                .iter()
                .map(|(_, m, _)| {
                    let h = ctx.horizon_histogram(*m);
                    h.quantile(1.0 - floor).abs().max(h.quantile(floor).abs())
                })
                .fold(0.0, f64::max);
            let unit = Unit::for_metric(active[0].2.unit, reach);
            let curves: Vec<Curve> = active
                .iter()
                .map(|(p, m, _)| exceedance_curve(p, &ctx.horizon_histogram(*m), unit, floor))
                .collect();
            let panels = needs_panels(&curves);
            Ok(Chart {
                stem: stem.into(),
                title: format!("{what} over {span}: chance of exceeding"),
                subtitle: ctx.subtitle(),
                caption: format!(
                    "{} the probability (log scale) that a producer's {} over the horizon \
                     exceeds the value on the horizontal axis; a curve further right has a \
                     heavier tail. Curves stop at {}; a note gives the largest trial.",
                    if panels {
                        "One panel per producer, each on its own horizontal scale, gives"
                    } else {
                        "Each curve gives"
                    },
                    what.to_lowercase(),
                    one_in(floor)
                ),
                data: ChartData::Exceedance(ExceedanceData {
                    x_title: format!("{what} {span} ({})", unit.label),
                    unit,
                    curves,
                    never: never.iter().map(|(p, _, _)| p.to_string()).collect(),
                    min_probability: floor,
                    panels,
                }),
            })
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

/// "1 in 1,000 (P99.9)" for `TAIL`; "1 in 400" for a run of 400 trials.
pub fn one_in(p: f64) -> String {
    let n = theme::number((1.0 / p).round(), 0);
    if (p - TAIL).abs() < 1e-12 {
        format!("1 in {n} (P99.9)")
    } else {
        format!("1 in {n}")
    }
}

/// The horizontal extent of `curves`: from the leftmost first point to the rightmost last one
/// (their P99.9, or the largest trial in a run of fewer than 1,000). Float noise below zero
/// (paired differences leave −1e-11) does not open a negative axis.
pub fn x_range<'c>(curves: impl IntoIterator<Item = &'c Curve>) -> (f64, f64) {
    let xs: Vec<f64> = curves
        .into_iter()
        .flat_map(|c| c.points.iter().map(|p| p.0))
        .collect();
    let (mut lo, hi) = xs
        .iter()
        .fold((f64::MAX, f64::MIN), |(a, b), &v| (a.min(v), b.max(v)));
    if xs.is_empty() {
        return (0.0, 1.0);
    }
    if lo < 0.0 && -lo < 0.005 * (hi - lo) {
        lo = 0.0;
    }
    (lo, hi)
}

/// Notes under the plot, bottom line last: entities never above zero, curves that coincide, and
/// the tail beyond the last point.
fn notes(d: &ExceedanceData) -> Vec<String> {
    let mut out = Vec::new();
    if !d.never.is_empty() {
        out.push(format!("Zero in every trial: {}.", d.never.join(", ")));
    }
    for (i, c) in d.curves.iter().enumerate().skip(1) {
        if let Some(same) = d.curves[..i].iter().find(|e| coincide(e, c)) {
            out.push(format!(
                "{}'s curve lies exactly on {}'s.",
                c.label, same.label
            ));
        }
    }
    let tails: Vec<String> = d
        .curves
        .iter()
        .filter(|c| c.points.last().is_some_and(|p| c.max > p.0))
        .map(|c| format!("{} {}", c.label, theme::value(c.max)))
        .collect();
    if !tails.is_empty() {
        out.push(format!(
            "Curves stop at {}; the largest trial reached {} {}.",
            one_in(d.min_probability),
            tails.join(", "),
            d.unit.label
        ));
    }
    out
}

/// Two curves through the same points, up to float noise.
fn coincide(a: &Curve, b: &Curve) -> bool {
    a.points.len() == b.points.len()
        && a.points.iter().zip(&b.points).all(|(p, q)| {
            p.1 == q.1 && (p.0 - q.0).abs() <= 1e-9 * p.0.abs().max(q.0.abs()).max(1.0)
        })
}

pub fn draw<DB: DrawingBackend>(d: &ExceedanceData, area: &Area<DB>, t: &Theme) -> Result<()> {
    // Panels are titled with their entity; one plot needs a key.
    let items: Vec<LegendItem> = if d.panels {
        Vec::new()
    } else {
        d.curves
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let (color, dash, shape) = style(i);
                LegendItem::marked(c.label.clone(), color, t.line(), dash, shape)
            })
            .collect()
    };
    let mut plot = canvas::legend(area, t, &items)?;
    let mut lines = notes(d);
    if d.panels {
        lines.insert(
            0,
            format!(
                "Horizontal axes: {}, each on its own scale; vertical axes: probability of \
                 exceeding (log scale).",
                d.x_title
            ),
        );
    }
    for line in lines.iter().rev() {
        plot = canvas::footnote(&plot, t, line)?;
    }
    if d.curves.is_empty() {
        return canvas::empty_note(&plot, t, "Zero in every trial for every producer");
    }
    if !d.panels {
        let all: Vec<(usize, &Curve)> = d.curves.iter().enumerate().collect();
        return curves(
            &plot,
            t,
            d,
            &all,
            &d.x_title,
            "Probability of exceeding (log scale)",
        );
    }
    let titles: Vec<&str> = d.curves.iter().map(|c| c.label.as_str()).collect();
    let (small, bodies) = canvas::titled_panels(&plot, t, &titles)?;
    for (i, (c, body)) in d.curves.iter().zip(&bodies).enumerate() {
        curves(body, &small, d, &[(i, c)], "", "")?;
    }
    Ok(())
}

/// Colour, dash and marker of series `i`: three ways apart, so curves on top of each other and
/// greyscale prints still tell them apart.
fn style(i: usize) -> (RGBColor, Dash, Shape) {
    (theme::series(i), Dash::nth(i), Shape::nth(i))
}

/// One plot of `curves` (with their series indices) on an axis spanning their range.
fn curves<DB: DrawingBackend>(
    plot: &Area<DB>,
    t: &Theme,
    d: &ExceedanceData,
    curves: &[(usize, &Curve)],
    x_title: &str,
    y_title: &str,
) -> Result<()> {
    let room = canvas::room(plot, t);
    let decades = (-d.min_probability.log10() - 1e-9).ceil().max(1.0) as i32;
    // A little room below the last decade, so markers on it are whole.
    let y_lo = 10f64.powi(-decades) * 0.7;
    // Every decade labelled while they fit, else every 2nd or 3rd.
    let every = (decades as usize).div_ceil(room.y).max(1);
    let y_ticks: Vec<f64> = (0..=decades)
        .step_by(every)
        .map(|k| 10f64.powi(-k))
        .collect();
    let (lo, hi) = x_range(curves.iter().map(|c| c.1));
    // A little room either side, so a curve rising at 0 is not hidden by the axis.
    let pad = 0.02 * (hi - lo);
    let x_ticks = Ticks::within(lo - pad, hi + pad, room.x);
    let xd = x_ticks.decimals();
    let x_fmt = move |v: &f64| theme::number(*v, xd);
    let y_fmt = |v: &f64| percent(*v);
    let x = Axis::from_ticks(&x_ticks, x_title, &x_fmt);
    let y = Axis {
        lo: y_lo,
        hi: 1.0,
        ticks: y_ticks,
        title: y_title.into(),
        format: &y_fmt,
    };
    let mut chart = canvas::plot_frame(plot, t, &y, x.linear(), y.log())?;
    canvas::style_mesh(&mut chart, t, &x, &y)?;
    for &(i, c) in curves {
        let (color, dash, shape) = style(i);
        let pts: Vec<(f64, f64)> = c.points.iter().map(|&(x, p)| (x, p.max(y_lo))).collect();
        if pts.len() > 1 {
            canvas::line(&mut chart, t, pts.clone(), color, t.line(), dash)?;
        }
        // Markers where the curve crosses 10%, 1% and 0.1% (and on a one-point curve).
        let decade = |p: f64| {
            let k = -p.log10();
            p < 0.5 && (k - k.round()).abs() < 1e-9
        };
        let marks: Vec<(f64, f64)> = pts
            .iter()
            .copied()
            .filter(|&(_, p)| decade(p) || c.points.len() == 1)
            .collect();
        canvas::shapes(&mut chart, t, &marks, color, shape)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_labels() {
        assert_eq!(percent(1.0), "100%");
        assert_eq!(percent(0.01), "1%");
        assert_eq!(percent(0.001), "0.1%");
        assert_eq!(percent(0.00001), "0.001%");
        assert_eq!(one_in(TAIL), "1 in 1,000 (P99.9)");
        assert_eq!(one_in(1.0 / 400.0), "1 in 400");
    }

    fn curve(label: &str, points: &[(f64, f64)], max: f64) -> Curve {
        Curve {
            label: label.into(),
            points: points.to_vec(),
            max,
        }
    }

    /// The axis spans the curves' points, not zero and not the largest trial: compare's revenue
    /// curves near 200 get an axis near 200.
    #[test]
    fn x_range_comes_from_the_data() {
        let a = curve("a", &[(190.0, 0.999), (205.0, 0.1), (221.0, 0.001)], 260.0);
        let b = curve("b", &[(188.0, 0.999), (200.0, 0.1), (214.0, 0.001)], 230.0);
        assert_eq!(x_range([&a, &b]), (188.0, 221.0));
        // Float noise below zero is zero.
        let c = curve("c", &[(-1e-11, 0.999), (40.0, 0.001)], 50.0);
        assert_eq!(x_range([&c]), (0.0, 40.0));
    }

    #[test]
    fn notes_say_what_is_not_drawn() {
        let a = curve("baseline", &[(1.0, 0.999), (9.0, 0.001)], 20.0);
        let d = ExceedanceData {
            x_title: String::new(),
            unit: Unit::MT,
            curves: vec![
                a.clone(),
                Curve {
                    label: "same".into(),
                    ..a
                },
            ],
            never: vec!["Zero Land".into()],
            min_probability: TAIL,
            panels: false,
        };
        assert_eq!(
            notes(&d),
            [
                "Zero in every trial: Zero Land.",
                "same's curve lies exactly on baseline's.",
                "Curves stop at 1 in 1,000 (P99.9); the largest trial reached baseline 20.0, \
                 same 20.0 Mt."
            ]
        );
    }
}
