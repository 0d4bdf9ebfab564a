//! The sweep chart: a statistic of one metric against the value given to a swept input, as the
//! median line inside its P5–P95 band, one line per value of a second swept input.

use crate::output::error::Result;

use plotters::prelude::*;

use super::canvas::{self, Area, Axis, Dash, LegendItem};
use super::data::{BandLine, BandPoint, SweepData, negligible};
use super::theme::{self, Theme, Ticks, Unit};
use super::{Chart, ChartData, ChartSet, SkippedChart, file_part};
use crate::output::sweep::Swept;

/// Band shade of a line: light enough that two overlapping bands still show both lines.
const BAND: f64 = 0.2;

/// The chart of metric `m` (an index into `s.shared`): its horizon total against the first
/// swept input. `inputs` names the swept inputs in words ("the capacity from 2025 of asset
/// CPC pipeline") with their units. A metric that is zero in every trial of every variant is
/// listed as skipped rather than drawn as a flat line.
pub fn extract(s: &Swept, m: usize, inputs: &[(String, &str)], subtitle: &str) -> ChartSet<Chart> {
    let metric = &s.shared[m];
    let k = s.variants.len();
    let stem = format!("sweep-{}", file_part(&metric.id));
    if (0..k).all(|v| negligible(&s.stats.values[v][m].finish())) {
        let skipped = SkippedChart::new(
            stem,
            format!(
                "{} over {} is zero in every trial of every variant",
                metric.id,
                span(s.years)
            ),
        );
        return std::iter::once(Err(skipped)).collect();
    }
    let max = (0..k)
        .map(|v| {
            let st = s.stats.values[v][m].finish();
            st.p5.abs().max(st.p95.abs())
        })
        .fold(0.0, f64::max);
    let unit = Unit::for_metric(metric.unit, max);
    let span = span(s.years);
    let what = metric_words(&metric.kind);
    // One line per value of the second input (one line in all when there is none).
    let seconds: Vec<Option<f64>> = match s.paths.len() {
        1 => vec![None],
        _ => {
            let mut seen: Vec<f64> = Vec::new();
            for v in s.variants.iter().filter_map(|v| v.values.get(1)) {
                if !seen.contains(v) {
                    seen.push(*v);
                }
            }
            seen.into_iter().map(Some).collect()
        }
    };
    let lines = seconds
        .iter()
        .map(|second| BandLine {
            label: match second {
                None => format!("Median {what}"),
                // The value as typed after --set, with its unit unless it is a plain fraction.
                Some(v) => {
                    let (label, unit) = inputs.get(1).map_or(("", ""), |i| (i.0.as_str(), i.1));
                    let unit = if unit == "fraction" { "" } else { unit };
                    format!("{} = {v} {unit}", sentence_case(label))
                        .trim_end()
                        .to_string()
                }
            },
            points: s
                .variants
                .iter()
                .enumerate()
                .filter(|(_, v)| second.is_none_or(|x| v.values.get(1) == Some(&x)))
                .map(|(i, v)| {
                    let st = s.stats.values[i][m].finish();
                    BandPoint {
                        x: v.values[0],
                        p5: unit.show(st.p5),
                        p50: unit.show(st.p50),
                        p95: unit.show(st.p95),
                    }
                })
                .collect(),
        })
        .collect();
    let (first, first_unit) = inputs.first().map_or(("", ""), |i| (i.0.as_str(), i.1));
    let chart = Chart {
        stem,
        title: format!("{}: {what} {span} by {first}", metric.entity),
        subtitle: subtitle.to_string(),
        caption: format!(
            "The median horizon total at each value of {first}, inside the band from its 5th to \
             its 95th percentile; every value is simulated on the same random numbers."
        ),
        data: ChartData::Sweep(SweepData {
            x_title: format!("{} ({first_unit})", sentence_case(first)),
            y_title: format!("{} {span} ({})", sentence_case(&what), unit.label),
            unit,
            lines,
        }),
    };
    std::iter::once(Ok(chart)).collect()
}

/// "revenue", "lost revenue": a metric kind in words.
pub fn metric_words(kind: &str) -> String {
    kind.replace('_', " ")
}

/// "2025–2035" (or one year).
pub fn span(years: &[i32]) -> String {
    match (years.first(), years.last()) {
        (Some(a), Some(b)) if a != b => format!("{a}–{b}"),
        (Some(a), _) => a.to_string(),
        _ => String::new(),
    }
}

/// The first letter in upper case.
pub fn sentence_case(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

pub fn draw<DB: DrawingBackend>(d: &SweepData, area: &Area<DB>, t: &Theme) -> Result<()> {
    let mut items: Vec<LegendItem> = d
        .lines
        .iter()
        .enumerate()
        .map(|(i, l)| LegendItem::line(l.label.clone(), theme::series(i), t.line(), Dash::nth(i)))
        .collect();
    let one = d.lines.len() == 1;
    items.push(if one {
        LegendItem::fill("P5–P95 (middle 90%)", theme::tint(theme::series(0), BAND))
    } else {
        LegendItem::fill(
            "P5–P95 of each (middle 90%)",
            theme::tint(theme::MUTED, BAND),
        )
    });
    let plot = canvas::legend(area, t, &items)?;
    // Lines drawn on top of each other look like one: say so.
    let same: Vec<String> = (1..d.lines.len())
        .filter_map(|i| {
            let on = d.lines[..i]
                .iter()
                .find(|e| e.points == d.lines[i].points)?;
            Some(format!("{} and {}", on.label, d.lines[i].label))
        })
        .collect();
    let note = if same.is_empty() {
        String::new()
    } else {
        format!("The lines coincide: {}.", same.join("; "))
    };
    let plot = canvas::footnote(&plot, t, &note)?;
    let points = || d.lines.iter().flat_map(|l| l.points.iter());
    if points().next().is_none() {
        return canvas::empty_note(&plot, t, "No variants");
    }
    let (xlo, xhi) = points().fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(p.x), b.max(p.x)));
    let (ylo, yhi) = points().fold((f64::MAX, f64::MIN), |(a, b), p| {
        (a.min(p.p5), b.max(p.p95))
    });
    let room = canvas::room(&plot, t);
    let x_ticks = Ticks::new(xlo, xhi, room.x);
    let y_ticks = Ticks::new(ylo, yhi, room.y);
    let (xd, yd) = (x_ticks.decimals(), y_ticks.decimals());
    let x_fmt = move |v: &f64| theme::number(*v, xd);
    let y_fmt = move |v: &f64| theme::number(*v, yd);
    // A little room beside the first and last values, so their markers are not cut in half.
    let pad = 0.03 * (x_ticks.hi - x_ticks.lo);
    let x = Axis {
        lo: x_ticks.lo.min(xlo - pad),
        hi: x_ticks.hi.max(xhi + pad),
        ticks: x_ticks.values.clone(),
        title: d.x_title.clone(),
        format: &x_fmt,
    };
    let y = Axis::from_ticks(&y_ticks, d.y_title.clone(), &y_fmt);
    let mut chart = canvas::cartesian(&plot, t, &x, &y)?;
    for (i, l) in d.lines.iter().enumerate() {
        let mut band: Vec<(f64, f64)> = l.points.iter().map(|p| (p.x, p.p95)).collect();
        band.extend(l.points.iter().rev().map(|p| (p.x, p.p5)));
        // Translucent when there are several, so that overlapping bands both show.
        let fill = if one {
            theme::tint(theme::series(0), BAND).to_rgba()
        } else {
            theme::series(i).mix(BAND)
        };
        chart
            .draw_series(std::iter::once(Polygon::new(band, fill.filled())))
            .map_err(canvas::err)?;
    }
    for (i, l) in d.lines.iter().enumerate() {
        let c = theme::series(i);
        let median: Vec<(f64, f64)> = l.points.iter().map(|p| (p.x, p.p50)).collect();
        canvas::line(&mut chart, t, median.clone(), c, t.line(), Dash::nth(i))?;
        let r = t.px(3.5).max(2) as u32;
        chart
            .draw_series(median.into_iter().map(|p| Circle::new(p, r, c.filled())))
            .map_err(canvas::err)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_read_naturally() {
        assert_eq!(metric_words("lost_revenue"), "lost revenue");
        assert_eq!(
            sentence_case("the capacity of asset CPC"),
            "The capacity of asset CPC"
        );
        assert_eq!(span(&[2025, 2026, 2035]), "2025–2035");
        assert_eq!(span(&[2030]), "2030");
    }
}
