//! The two chart shapes decision analysis needs and the run charts do not: a band against a
//! parameter (sweeps) and a tornado (sensitivity). Drawn with plotters in the house style (the
//! embedded font, the colour-blind-safe palette of `output::charts::theme`) as SVG.
//!
//! Why separate from `output::charts`: those charts are extracted from a run's results and share
//! a private layout engine; these read analysis results, and keeping them apart lets both evolve
//! without touching each other.

use plotters::prelude::*;

use crate::output::charts::theme::{self, FAMILY};

/// One line with its band: `(x, p5, p50, p95)` points, x ascending.
#[derive(Debug, Clone, PartialEq)]
pub struct BandSeries {
    pub label: String,
    pub points: Vec<(f64, f64, f64, f64)>,
}

fn err<E: std::fmt::Display>(e: E) -> anyhow::Error {
    anyhow::anyhow!("drawing a chart failed: {e}")
}

fn padded(lo: f64, hi: f64) -> (f64, f64) {
    if hi > lo {
        let pad = 0.05 * (hi - lo);
        (lo - pad, hi + pad)
    } else {
        let pad = lo.abs().max(1.0) * 0.05;
        (lo - pad, hi + pad)
    }
}

/// Median line and P5–P95 band of each series against a parameter.
pub fn band_svg(
    title: &str,
    subtitle: &str,
    x_title: &str,
    y_title: &str,
    series: &[BandSeries],
    size: (u32, u32),
) -> anyhow::Result<String> {
    theme::register_fonts()?;
    let xs = series.iter().flat_map(|s| s.points.iter().map(|p| p.0));
    let (xlo, xhi) = xs.fold((f64::MAX, f64::MIN), |(a, b), v| (a.min(v), b.max(v)));
    let ys = series
        .iter()
        .flat_map(|s| s.points.iter().flat_map(|p| [p.1, p.3]));
    let (ylo, yhi) = ys.fold((f64::MAX, f64::MIN), |(a, b), v| (a.min(v), b.max(v)));
    if xlo > xhi {
        anyhow::bail!("nothing to draw");
    }
    let (xlo, xhi) = padded(xlo, xhi);
    let (ylo, yhi) = padded(ylo, yhi);
    let mut s = String::new();
    {
        let root = SVGBackend::with_string(&mut s, size).into_drawing_area();
        root.fill(&theme::WHITE).map_err(err)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(title, (FAMILY, 20).into_font().color(&theme::TEXT))
            .margin(16)
            .x_label_area_size(48)
            .y_label_area_size(80)
            .build_cartesian_2d(xlo..xhi, ylo..yhi)
            .map_err(err)?;
        chart
            .configure_mesh()
            .x_desc(x_title)
            .y_desc(y_title)
            .label_style((FAMILY, 13).into_font().color(&theme::TEXT))
            .axis_desc_style((FAMILY, 14).into_font().color(&theme::TEXT))
            .light_line_style(theme::WHITE)
            .bold_line_style(theme::GRID)
            .draw()
            .map_err(err)?;
        for (i, ser) in series.iter().enumerate() {
            let c = theme::series(i);
            let mut band: Vec<(f64, f64)> = ser.points.iter().map(|p| (p.0, p.3)).collect();
            band.extend(ser.points.iter().rev().map(|p| (p.0, p.1)));
            chart
                .draw_series(std::iter::once(Polygon::new(
                    band,
                    theme::tint(c, 0.75).filled(),
                )))
                .map_err(err)?;
        }
        for (i, ser) in series.iter().enumerate() {
            let c = theme::series(i);
            chart
                .draw_series(LineSeries::new(
                    ser.points.iter().map(|p| (p.0, p.2)),
                    c.stroke_width(2),
                ))
                .map_err(err)?
                .label(format!("{} (median; band P5–P95)", ser.label))
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 18, y)], c.stroke_width(2))
                });
            chart
                .draw_series(
                    ser.points
                        .iter()
                        .map(|p| Circle::new((p.0, p.2), 3, c.filled())),
                )
                .map_err(err)?;
        }
        chart
            .configure_series_labels()
            .background_style(theme::WHITE.mix(0.85))
            .border_style(theme::GRID)
            .label_font((FAMILY, 13).into_font().color(&theme::TEXT))
            .position(SeriesLabelPosition::UpperLeft)
            .draw()
            .map_err(err)?;
        root.draw(&Text::new(
            subtitle.to_string(),
            (16, size.1 as i32 - 18),
            (FAMILY, 12).into_font().color(&theme::MUTED),
        ))
        .map_err(err)?;
        root.present().map_err(err)?;
    }
    Ok(s)
}

/// One tornado bar: the output with the input at its P10 and at its P90.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub label: String,
    pub at_low: f64,
    pub at_high: f64,
}

/// Horizontal bars around `base` (the output with every input varying), widest swing on top.
pub fn tornado_svg(
    title: &str,
    subtitle: &str,
    x_title: &str,
    base: f64,
    bars: &[Bar],
    size: (u32, u32),
) -> anyhow::Result<String> {
    theme::register_fonts()?;
    let mut bars: Vec<&Bar> = bars.iter().collect();
    bars.sort_by(|a, b| {
        let sw = |x: &Bar| (x.at_high - x.at_low).abs();
        sw(b).total_cmp(&sw(a)).then_with(|| a.label.cmp(&b.label))
    });
    let n = bars.len().max(1);
    let (lo, hi) = bars
        .iter()
        .flat_map(|b| [b.at_low, b.at_high])
        .fold((base, base), |(a, c), v| (a.min(v), c.max(v)));
    let (lo, hi) = padded(lo, hi);
    let height = size.1.max(120 + 28 * n as u32);
    let mut s = String::new();
    {
        let root = SVGBackend::with_string(&mut s, (size.0, height)).into_drawing_area();
        root.fill(&theme::WHITE).map_err(err)?;
        let labels: Vec<String> = bars.iter().map(|b| b.label.clone()).collect();
        let label_px = labels
            .iter()
            .map(|l| l.chars().count() as u32 * 7 + 16)
            .max()
            .unwrap_or(80)
            .min(size.0 / 2);
        let mut chart = ChartBuilder::on(&root)
            .caption(title, (FAMILY, 20).into_font().color(&theme::TEXT))
            .margin(16)
            .x_label_area_size(56)
            .y_label_area_size(label_px)
            .build_cartesian_2d(lo..hi, 0f64..n as f64)
            .map_err(err)?;
        let fmt = |y: &f64| {
            let k = n as f64 - y - 0.5;
            let i = k.round();
            if (k - i).abs() < 0.01 && i >= 0.0 && (i as usize) < labels.len() {
                labels[i as usize].clone()
            } else {
                String::new()
            }
        };
        chart
            .configure_mesh()
            .x_desc(x_title)
            .y_labels(2 * n + 1)
            .y_label_formatter(&fmt)
            .disable_y_mesh()
            .label_style((FAMILY, 12).into_font().color(&theme::TEXT))
            .axis_desc_style((FAMILY, 14).into_font().color(&theme::TEXT))
            .light_line_style(theme::WHITE)
            .bold_line_style(theme::GRID)
            .draw()
            .map_err(err)?;
        for (i, b) in bars.iter().enumerate() {
            let y0 = n as f64 - i as f64 - 0.85;
            let y1 = n as f64 - i as f64 - 0.15;
            for (v, c) in [(b.at_low, theme::BLUE), (b.at_high, theme::ORANGE)] {
                let (a, z) = if v < base { (v, base) } else { (base, v) };
                chart
                    .draw_series(std::iter::once(Rectangle::new(
                        [(a, y0), (z, y1)],
                        c.filled(),
                    )))
                    .map_err(err)?;
            }
        }
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(base, 0.0), (base, n as f64)],
                theme::BLACK.stroke_width(2),
            )))
            .map_err(err)?;
        root.draw(&Text::new(
            format!("{subtitle} · blue: input at its P10 · orange: at its P90 · line: all inputs varying"),
            (16, height as i32 - 18),
            (FAMILY, 12).into_font().color(&theme::MUTED),
        ))
        .map_err(err)?;
        root.present().map_err(err)?;
    }
    Ok(s)
}
