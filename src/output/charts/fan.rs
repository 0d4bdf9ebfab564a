//! Drawing of fan charts (median line, 50% and 90% bands over the years), shared by the revenue
//! and utilisation charts.

use crate::output::error::Result;

use plotters::prelude::*;

use super::canvas::{self, Area, Axis, Dash, LegendItem};
use super::data::{Band, FanData};
use super::theme::{self, Theme, Ticks};

/// Band shades: opaque tints of one hue, light for 90% and darker for 50%, so they read as
/// nested in colour and in greyscale.
pub const OUTER: f64 = 0.22;
pub const INNER: f64 = 0.5;

/// The vertical extent of a fan: its bands, reference, level (with room above it) and observed
/// values, and zero.
fn value_range(d: &FanData) -> (f64, f64) {
    let values = d
        .bands
        .iter()
        .flat_map(|b| [b.p5, b.p95])
        .chain(d.reference.iter().flat_map(|r| r.values.iter().copied()))
        .chain(d.level.iter().map(|l| l.value))
        .chain(d.observed.iter().map(|m| m.value));
    let (lo, mut hi) = values.fold((0.0f64, f64::MIN), |(a, b), v| (a.min(v), b.max(v)));
    if let Some(l) = &d.level {
        // Room above a reference level, so its line does not merge with the plot's top edge.
        hi = hi.max(l.value * 1.05);
    }
    (lo, hi)
}

/// Whether the 50% and the 90% band show at all. A band narrower than half a percent of the
/// axis in every year (a pipeline that always carries its contract) hides under the median line,
/// so the legend does not list it.
pub fn bands_shown(d: &FanData) -> (bool, bool) {
    let (lo, hi) = value_range(d);
    let shows = |width: fn(&Band) -> f64| d.bands.iter().any(|b| width(b) > 0.005 * (hi - lo));
    (shows(|b| b.p75 - b.p25), shows(|b| b.p95 - b.p5))
}

pub fn draw<DB: DrawingBackend>(d: &FanData, area: &Area<DB>, t: &Theme) -> Result<()> {
    let hue = theme::BLUE;
    let (outer, inner) = (theme::tint(hue, OUTER), theme::tint(hue, INNER));
    let (lo, hi) = value_range(d);
    let (inner_shows, outer_shows) = bands_shown(d);
    // With no band to show, the line is every trial's value, near enough; the key says so.
    let median = if inner_shows || outer_shows {
        d.median_label.clone()
    } else {
        format!("{} (P5–P95 within the line)", d.median_label)
    };
    let mut items = vec![LegendItem::line(median, hue, t.line(), Dash::Solid)];
    if inner_shows {
        items.push(LegendItem::fill("P25–P75 (middle 50%)", inner));
    }
    if outer_shows {
        items.push(LegendItem::fill("P5–P95 (middle 90%)", outer));
    }
    if let Some(r) = &d.reference {
        items.push(LegendItem::line(
            r.label.clone(),
            theme::BLACK,
            t.thin(),
            Dash::Dashed,
        ));
    }
    if let Some(l) = &d.level {
        items.push(LegendItem::line(
            l.label.clone(),
            theme::VERMILLION,
            t.thin(),
            Dash::Dotted,
        ));
    }
    if !d.observed.is_empty() {
        items.push(LegendItem::diamond(
            "Observed (P: share of trials below, %)",
            theme::VERMILLION,
        ));
    }
    let plot = canvas::legend(area, t, &items)?;
    if d.bands.is_empty() {
        return canvas::empty_note(&plot, t, "No simulated years");
    }

    let room = canvas::room(&plot, t);
    let y_ticks = Ticks::new(lo, hi, room.y);
    let years: Vec<i32> = d.bands.iter().map(|b| b.year).collect();
    let (first, last) = (f64::from(years[0]), f64::from(years[years.len() - 1]));
    let pad = if years.len() == 1 { 0.5 } else { 0.25 };
    let decimals = y_ticks.decimals();
    let y_fmt = move |v: &f64| theme::number(*v, decimals);
    let x_fmt = |v: &f64| format!("{v:.0}");
    let x = Axis {
        lo: first - pad,
        hi: last + pad,
        ticks: theme::year_ticks(&years, room.years),
        title: "Year".into(),
        format: &x_fmt,
    };
    let y = Axis::from_ticks(&y_ticks, d.y_title.clone(), &y_fmt);
    let mut chart = canvas::cartesian(&plot, t, &x, &y)?;

    // With one year, the "fan" is a short box around that year.
    let xs: Vec<f64> = if years.len() == 1 {
        vec![first - 0.3, first + 0.3]
    } else {
        years.iter().map(|&y| f64::from(y)).collect()
    };
    let at = |i: usize| if d.bands.len() == 1 { 0 } else { i };
    let band = |lower: &dyn Fn(usize) -> f64, upper: &dyn Fn(usize) -> f64| -> Vec<(f64, f64)> {
        let mut pts: Vec<(f64, f64)> = (0..xs.len()).map(|i| (xs[i], upper(at(i)))).collect();
        pts.extend((0..xs.len()).rev().map(|i| (xs[i], lower(at(i)))));
        pts
    };
    let b = &d.bands;
    let outer_pts = band(&|i| b[i].p5, &|i| b[i].p95);
    let inner_pts = band(&|i| b[i].p25, &|i| b[i].p75);
    chart
        .draw_series([
            Polygon::new(outer_pts, outer.filled()),
            Polygon::new(inner_pts, inner.filled()),
        ])
        .map_err(canvas::err)?;
    if let Some(l) = &d.level {
        canvas::line(
            &mut chart,
            t,
            vec![(first - pad, l.value), (last + pad, l.value)],
            theme::VERMILLION,
            t.thin(),
            Dash::Dotted,
        )?;
    }
    let median = (0..xs.len()).map(|i| (xs[i], b[at(i)].p50)).collect();
    canvas::line(&mut chart, t, median, hue, t.line(), Dash::Solid)?;
    // The comparison goes on top: where the two medians coincide, its dashes still show.
    if let Some(r) = &d.reference {
        let pts = (0..xs.len()).map(|i| (xs[i], r.values.get(at(i)).copied().unwrap_or(0.0)));
        canvas::line(
            &mut chart,
            t,
            pts.collect(),
            theme::BLACK,
            t.thin(),
            Dash::Dashed,
        )?;
    }
    let observed: Vec<(f64, f64, String)> = d
        .observed
        .iter()
        .map(|m| (f64::from(m.year), m.value, m.label.clone()))
        .collect();
    canvas::markers(&mut chart, t, &observed, theme::VERMILLION)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::charts::data::Level;
    use crate::output::charts::theme::Unit;

    fn fan(width: f64) -> FanData {
        FanData {
            median_label: "Median".into(),
            y_title: String::new(),
            unit: Unit::PERCENT,
            bands: (2025..2028)
                .map(|year| Band {
                    year,
                    p5: 12.0 - width,
                    p25: 12.0 - width / 2.0,
                    p50: 12.0,
                    p75: 12.0 + width / 2.0,
                    p95: 12.0 + width,
                })
                .collect(),
            reference: None,
            level: Some(Level {
                label: "Nominal capacity (100%)".into(),
                value: 100.0,
            }),
            observed: Vec::new(),
        }
    }

    /// A utilisation that is 12% in every trial (Atasu–Alashankou in the baseline) keys no
    /// band; one spread over 10 points keys both.
    #[test]
    fn legend_keys_only_bands_that_show() {
        assert_eq!(bands_shown(&fan(0.0)), (false, false));
        assert_eq!(bands_shown(&fan(0.2)), (false, false));
        assert_eq!(bands_shown(&fan(0.4)), (false, true));
        assert_eq!(bands_shown(&fan(10.0)), (true, true));
    }
}
