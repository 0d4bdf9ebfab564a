//! Drawing pieces every chart uses: the title block, the legend, axes, and the two outputs (SVG
//! text and PNG bytes) behind one generic drawing function.
//!
//! Charts lay themselves out on a plotters drawing area of any backend, so the SVG and the PNG of
//! a chart come from the same code; only the theme's scale differs.

use crate::output::error::{Error, Result};

use std::ops::Range;

use plotters::coord::combinators::LogCoord;
use plotters::coord::ranged1d::{
    AsRangedCoord, DefaultFormatting, KeyPointHint, Ranged, ValueFormatter,
};
use plotters::coord::types::RangedCoordf64;
use plotters::coord::{CoordTranslate, Shift};
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::theme::{self, FAMILY, Theme, Ticks};

pub type Area<DB> = DrawingArea<DB, Shift>;

/// plotters' errors carry the backend's error type; charts report them as plain messages.
pub fn err<E: std::fmt::Display>(e: E) -> Error {
    Error::Chart(e.to_string())
}

/// A text style of the house font.
pub fn font(size: f64, color: RGBColor) -> TextStyle<'static> {
    (FAMILY, size).into_font().color(&color)
}

pub fn bold(size: f64, color: RGBColor) -> TextStyle<'static> {
    (FAMILY, size, FontStyle::Bold).into_font().color(&color)
}

/// Width of `text` in device pixels, as the embedded font lays it out.
pub fn text_width<DB: DrawingBackend, CT: CoordTranslate>(
    area: &DrawingArea<DB, CT>,
    text: &str,
    style: &TextStyle,
) -> i32 {
    area.estimate_text_size(text, style).map_or(
        text.chars().count() as i32 * style.font.get_size() as i32 / 2,
        |(w, _)| w as i32,
    )
}

/// White background, bold title and grey subtitle top left; returns the area below them. A
/// title too long for the width wraps onto a second line.
pub fn frame<DB: DrawingBackend>(
    root: &Area<DB>,
    t: &Theme,
    title: &str,
    subtitle: &str,
) -> Result<Area<DB>> {
    root.fill(&theme::WHITE).map_err(err)?;
    let (margin, top) = (t.px(24.0), t.px(16.0));
    let (w, _) = root.dim_in_pixel();
    let width = w as i32 - 2 * margin;
    let style = bold(t.title(), theme::TEXT);
    let mut y = top;
    for line in wrap(root, title, &style, width, 2) {
        root.draw_text(&line, &style, (margin, y)).map_err(err)?;
        y += (t.title() * 1.2).round() as i32;
    }
    let sub = font(t.subtitle(), theme::MUTED);
    root.draw_text(&fit(root, subtitle, &sub, width), &sub, (margin, y))
        .map_err(err)?;
    let body_top = y + (t.subtitle() * 1.6).round() as i32;
    Ok(root.margin(body_top, t.px(12.0), margin, margin))
}

/// `text` in at most `lines` lines of `width`, broken between phrases where it can be
/// (`break_lines`); the last line is shortened with an ellipsis if need be.
pub fn wrap<DB: DrawingBackend>(
    area: &Area<DB>,
    text: &str,
    style: &TextStyle,
    width: i32,
    lines: usize,
) -> Vec<String> {
    let fits = |s: &str| text_width(area, s, style) <= width;
    break_lines(text, lines, &fits)
        .into_iter()
        .map(|line| fit(area, &line, style, width))
        .collect()
}

/// `text` in at most `lines` lines that each `fits`, broken between words. A line that must
/// break ends at the end of a phrase where one lies in its last three quarters and the rest
/// still fits: after `:`, `,` or `;`, else before a joining word (`by`, `minus`, `vs`, `with`,
/// `against`). So "Kazakhstan: revenue 2025–2035, btc-expansion minus baseline, trial by /
/// trial" reads "…minus baseline, / trial by trial", and a sweep title breaks before "by the
/// contract maximum…" rather than after "from". The last line takes the rest, fitting or not.
pub fn break_lines(text: &str, lines: usize, fits: &dyn Fn(&str) -> bool) -> Vec<String> {
    const JOINS: [&str; 5] = ["by", "minus", "vs", "with", "against"];
    let words: Vec<&str> = text.split(' ').collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        if out.len() + 1 >= lines.max(1) {
            out.push(words[i..].join(" "));
            break;
        }
        // As many words as fit, at least one.
        let mut k = i + 1;
        while k < words.len() && fits(&words[i..=k].join(" ")) {
            k += 1;
        }
        if k < words.len() {
            // A break before word j: long enough a line, and the rest fits in what is left.
            let usable = |j: &usize| {
                4 * (j - i) >= k - i && (out.len() + 2 < lines || fits(&words[*j..].join(" ")))
            };
            let after_punctuation = (i + 1..k)
                .rev()
                .filter(usable)
                .find(|&j| words[j - 1].ends_with([':', ',', ';']));
            let before_join = || {
                (i + 1..k)
                    .rev()
                    .filter(usable)
                    .find(|&j| JOINS.contains(&words[j]))
            };
            if let Some(j) = after_punctuation.or_else(before_join) {
                k = j;
            }
        }
        out.push(words[i..k].join(" "));
        i = k;
    }
    out
}

/// How many tick labels fit along the plot of `area`, so that small charts do not pile labels
/// on top of each other.
#[derive(Debug, Clone, Copy)]
pub struct Room {
    /// Intervals between numeric ticks on the horizontal axis.
    pub x: usize,
    /// Intervals on the vertical axis.
    pub y: usize,
    /// Year labels on the horizontal axis.
    pub years: usize,
}

pub fn room<DB: DrawingBackend>(area: &Area<DB>, t: &Theme) -> Room {
    let (w, h) = area.dim_in_pixel();
    let plot_w = f64::from(w) - f64::from(t.px(90.0));
    let plot_h = f64::from(h) - f64::from(t.px(70.0));
    let fits = |len: f64, each: f64, most: usize| {
        ((len / f64::from(t.px(each))).max(0.0) as usize).clamp(2, most)
    };
    Room {
        x: fits(plot_w, 85.0, 7),
        y: fits(plot_h, 42.0, 7),
        years: fits(plot_w, 52.0, 12),
    }
}

/// `text`, shortened with an ellipsis so that it fits `width` (long entity names must not run off
/// the canvas).
pub fn fit<DB: DrawingBackend, CT: CoordTranslate>(
    area: &DrawingArea<DB, CT>,
    text: &str,
    style: &TextStyle,
    width: i32,
) -> String {
    if text_width(area, text, style) <= width {
        return text.to_string();
    }
    let chars: Vec<char> = text.chars().collect();
    (1..chars.len())
        .rev()
        .map(|n| format!("{}…", chars[..n].iter().collect::<String>().trim_end()))
        .find(|s| text_width(area, s, style) <= width)
        .unwrap_or_else(|| "…".into())
}

/// Line patterns that stay apart in greyscale.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Dash {
    Solid,
    Dashed,
    Dotted,
}

impl Dash {
    /// The i-th pattern for a series of lines.
    pub fn nth(i: usize) -> Dash {
        [Dash::Solid, Dash::Dashed, Dash::Dotted][i % 3]
    }

    /// (dash, gap) in device pixels for a line of `width`.
    fn pattern(self, t: &Theme) -> (u32, u32) {
        match self {
            Dash::Solid => (0, 0),
            Dash::Dashed => (t.px(9.0) as u32, t.px(5.0) as u32),
            Dash::Dotted => (t.px(2.5) as u32, t.px(4.0) as u32),
        }
    }
}

/// Marker shapes that tell series apart where colour and dash do not (curves on top of each
/// other, greyscale print).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Shape {
    Circle,
    Triangle,
    Square,
    Diamond,
}

impl Shape {
    /// The i-th shape for a series of lines.
    pub fn nth(i: usize) -> Shape {
        [
            Shape::Circle,
            Shape::Triangle,
            Shape::Square,
            Shape::Diamond,
        ][i % 4]
    }

    /// Corners around the origin in device pixels, for a shape about `r` across from its centre.
    fn outline(self, r: i32) -> Vec<(i32, i32)> {
        match self {
            Shape::Circle => (0..16)
                .map(|k| {
                    let a = f64::from(k) * std::f64::consts::PI / 8.0;
                    let r = f64::from(r) * 0.9;
                    ((r * a.cos()).round() as i32, (r * a.sin()).round() as i32)
                })
                .collect(),
            Shape::Triangle => vec![(0, -r), (r, r * 3 / 4), (-r, r * 3 / 4)],
            Shape::Square => {
                let h = r * 3 / 4;
                vec![(-h, -h), (h, -h), (h, h), (-h, h)]
            }
            Shape::Diamond => vec![(0, -r), (r, 0), (0, r), (-r, 0)],
        }
    }
}

/// Markers of one shape and colour at `points`, each on a white halo so that it shows on a line
/// of another colour.
pub fn shapes<'a, DB, X, Y>(
    chart: &mut ChartContext<'a, DB, Cartesian2d<X, Y>>,
    t: &Theme,
    points: &[(f64, f64)],
    color: RGBColor,
    shape: Shape,
) -> Result<()>
where
    DB: DrawingBackend + 'a,
    X: Ranged<ValueType = f64>,
    Y: Ranged<ValueType = f64>,
{
    let r = t.px(6.0);
    let halo = shape.outline(r + t.px(1.5).max(1));
    let body = shape.outline(r);
    chart
        .draw_series(points.iter().map(|&p| {
            EmptyElement::at(p)
                + Polygon::new(halo.clone(), theme::WHITE.filled())
                + Polygon::new(body.clone(), color.filled())
        }))
        .map(|_| ())
        .map_err(err)
}

/// What a legend entry shows before its label.
#[derive(Debug, Clone, Copy)]
pub enum Swatch {
    /// A filled box (bars, bands).
    Fill(RGBColor),
    /// A line of a colour, width and pattern.
    Line(RGBColor, u32, Dash),
    /// A diamond marker (observed values).
    Diamond(RGBColor),
    /// A line with a marker on it (series told apart by shape too).
    Marked(RGBColor, u32, Dash, Shape),
}

pub struct LegendItem {
    pub label: String,
    pub swatch: Swatch,
}

impl LegendItem {
    pub fn fill(label: impl Into<String>, color: RGBColor) -> LegendItem {
        LegendItem {
            label: label.into(),
            swatch: Swatch::Fill(color),
        }
    }

    pub fn line(label: impl Into<String>, color: RGBColor, width: u32, dash: Dash) -> LegendItem {
        LegendItem {
            label: label.into(),
            swatch: Swatch::Line(color, width, dash),
        }
    }

    pub fn marked(
        label: impl Into<String>,
        color: RGBColor,
        width: u32,
        dash: Dash,
        shape: Shape,
    ) -> LegendItem {
        LegendItem {
            label: label.into(),
            swatch: Swatch::Marked(color, width, dash, shape),
        }
    }

    pub fn diamond(label: impl Into<String>, color: RGBColor) -> LegendItem {
        LegendItem {
            label: label.into(),
            swatch: Swatch::Diamond(color),
        }
    }
}

/// A diamond's corners around the origin, in device pixels.
fn diamond(t: &Theme) -> Vec<(i32, i32)> {
    let r = t.px(8.0);
    vec![(0, -r), (r, 0), (0, r), (-r, 0)]
}

/// Observed values as diamonds (white-edged, so they show on any band), each labelled on its
/// right with `label` (its percentile).
pub fn markers<'a, DB, X, Y>(
    chart: &mut ChartContext<'a, DB, Cartesian2d<X, Y>>,
    t: &Theme,
    points: &[(f64, f64, String)],
    color: RGBColor,
) -> Result<()>
where
    DB: DrawingBackend + 'a,
    X: Ranged<ValueType = f64>,
    Y: Ranged<ValueType = f64>,
{
    let label = bold(t.legend(), theme::TEXT).pos(Pos::new(HPos::Left, VPos::Center));
    chart
        .draw_series(points.iter().map(|(x, y, text)| {
            EmptyElement::at((*x, *y))
                + Polygon::new(diamond(t), theme::WHITE.filled())
                + Polygon::new(
                    diamond(t)
                        .into_iter()
                        .map(|(a, b)| (a * 3 / 4, b * 3 / 4))
                        .collect::<Vec<_>>(),
                    color.filled(),
                )
                + Text::new(text.clone(), (t.px(9.0), 0), label.clone())
        }))
        .map(|_| ())
        .map_err(err)
}

/// Draws legend entries in rows across the top of `area` (wrapping as needed) and returns the
/// area below. Legends sit outside the plot so they never hide data.
pub fn legend<DB: DrawingBackend>(
    area: &Area<DB>,
    t: &Theme,
    items: &[LegendItem],
) -> Result<Area<DB>> {
    if items.is_empty() {
        return Ok(area.margin(0, 0, 0, 0));
    }
    let style = font(t.legend(), theme::TEXT);
    let (w, _) = area.dim_in_pixel();
    let (sw, sh) = (t.px(26.0), t.px(13.0));
    let (gap, spacing) = (t.px(7.0), t.px(22.0));
    let row_h = (t.legend() * 1.45).round() as i32;
    let (mut x, mut y) = (0, 0);
    for item in items {
        let label = fit(area, &item.label, &style, w as i32 - sw - gap);
        let item_w = sw + gap + text_width(area, &label, &style);
        if x > 0 && x + item_w > w as i32 {
            x = 0;
            y += row_h;
        }
        let mid = y + row_h / 2;
        match item.swatch {
            Swatch::Fill(c) => {
                area.draw(&Rectangle::new(
                    [(x, mid - sh / 2), (x + sw, mid + sh / 2)],
                    c.filled(),
                ))
                .map_err(err)?;
            }
            Swatch::Line(c, width, dash) => {
                dashed_pixels(area, t, &[(x, mid), (x + sw, mid)], c, width, dash)?;
            }
            Swatch::Diamond(c) => {
                let at = |(a, b): (i32, i32)| (x + sw / 2 + a, mid + b);
                let outline: Vec<(i32, i32)> = diamond(t).into_iter().map(at).collect();
                area.draw(&Polygon::new(outline, c.filled())).map_err(err)?;
            }
            Swatch::Marked(c, width, dash, shape) => {
                dashed_pixels(area, t, &[(x, mid), (x + sw, mid)], c, width, dash)?;
                let at = |(a, b): (i32, i32)| (x + sw / 2 + a, mid + b);
                let r = t.px(6.0);
                let halo = shape.outline(r + t.px(1.5).max(1)).into_iter().map(at);
                area.draw(&Polygon::new(
                    halo.collect::<Vec<_>>(),
                    theme::WHITE.filled(),
                ))
                .map_err(err)?;
                let body = shape.outline(r).into_iter().map(at);
                area.draw(&Polygon::new(body.collect::<Vec<_>>(), c.filled()))
                    .map_err(err)?;
            }
        }
        let anchored = style.pos(Pos::new(HPos::Left, VPos::Center));
        area.draw_text(&label, &anchored, (x + sw + gap, mid))
            .map_err(err)?;
        x += item_w + spacing;
    }
    let used = y + row_h + t.px(6.0);
    Ok(area.margin(used, 0, 0, 0))
}

/// A polyline in device pixels with a dash pattern (legend swatches).
fn dashed_pixels<DB: DrawingBackend>(
    area: &Area<DB>,
    t: &Theme,
    points: &[(i32, i32)],
    color: RGBColor,
    width: u32,
    dash: Dash,
) -> Result<()> {
    let style = color.stroke_width(width);
    match dash {
        Dash::Solid => area
            .draw(&PathElement::new(points.to_vec(), style))
            .map_err(err),
        _ => {
            let (on, off) = dash.pattern(t);
            area.draw(&DashedPathElement::new(
                points.iter().copied(),
                on,
                off,
                style,
            ))
            .map_err(err)
        }
    }
}

/// A polyline in chart coordinates with a dash pattern.
pub fn line<'a, DB, X, Y>(
    chart: &mut ChartContext<'a, DB, Cartesian2d<X, Y>>,
    t: &Theme,
    points: Vec<(f64, f64)>,
    color: RGBColor,
    width: u32,
    dash: Dash,
) -> Result<()>
where
    DB: DrawingBackend + 'a,
    X: Ranged<ValueType = f64>,
    Y: Ranged<ValueType = f64>,
{
    let style = color.stroke_width(width);
    match dash {
        Dash::Solid => chart
            .draw_series(std::iter::once(PathElement::new(points, style)))
            .map(|_| ())
            .map_err(err),
        _ => {
            let (on, off) = dash.pattern(t);
            chart
                .draw_series(DashedLineSeries::new(points, on, off, style))
                .map(|_| ())
                .map_err(err)
        }
    }
}

/// An f64 axis with exactly the ticks we chose (plotters' own choice varies with the label
/// count and may land on odd values), and no minor grid lines.
pub struct Ticked<R> {
    inner: R,
    ticks: Vec<f64>,
}

impl<R: Ranged<ValueType = f64>> Ranged for Ticked<R> {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        self.inner.map(value, limit)
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.ticks.clone()
        }
    }

    fn range(&self) -> Range<f64> {
        self.inner.range()
    }

    fn axis_pixel_range(&self, limit: (i32, i32)) -> Range<i32> {
        self.inner.axis_pixel_range(limit)
    }
}

pub type Linear = Ticked<RangedCoordf64>;
pub type Log = Ticked<LogCoord<f64>>;

impl Axis<'_> {
    pub fn linear(&self) -> Linear {
        Ticked {
            inner: (self.lo..self.hi).into(),
            ticks: self.ticks.clone(),
        }
    }

    /// A logarithmic axis (`lo` > 0).
    pub fn log(&self) -> Log {
        Ticked {
            inner: (self.lo..self.hi).log_scale().into(),
            ticks: self.ticks.clone(),
        }
    }
}

/// One axis: its range, tick positions, tick label format and title.
pub struct Axis<'f> {
    pub lo: f64,
    pub hi: f64,
    pub ticks: Vec<f64>,
    pub title: String,
    pub format: &'f dyn Fn(&f64) -> String,
}

impl<'f> Axis<'f> {
    /// An axis spanning `ticks` (`theme::ticks`) with its labels.
    pub fn from_ticks(
        ticks: &Ticks,
        title: impl Into<String>,
        format: &'f dyn Fn(&f64) -> String,
    ) -> Self {
        Axis {
            lo: ticks.lo,
            hi: ticks.hi,
            ticks: ticks.values.clone(),
            title: title.into(),
            format,
        }
    }

    fn widest_label<DB: DrawingBackend>(&self, area: &Area<DB>, style: &TextStyle) -> i32 {
        self.ticks
            .iter()
            .map(|v| text_width(area, &(self.format)(v), style))
            .max()
            .unwrap_or(0)
    }
}

/// Label areas sized to the tick labels, so long numbers are never clipped.
pub fn label_areas<DB: DrawingBackend>(area: &Area<DB>, t: &Theme, y: &Axis) -> (i32, i32) {
    let tick = font(t.tick(), theme::TEXT);
    let y_area = y.widest_label(area, &tick) + t.px(14.0) + (t.axis_title() * 1.5).round() as i32;
    let x_area = (t.tick() * 1.2 + t.axis_title() * 1.2).round() as i32 + t.px(12.0);
    (x_area, y_area)
}

/// A cartesian chart on `area` with the house axes: light horizontal grid at the y ticks, no
/// vertical grid (years and values are read off the axis), grey axis lines, titled axes.
pub fn cartesian<'a, DB: DrawingBackend + 'a>(
    area: &'a Area<DB>,
    t: &Theme,
    x: &Axis,
    y: &Axis,
) -> Result<ChartContext<'a, DB, Cartesian2d<Linear, Linear>>> {
    let mut chart = plot_frame(area, t, y, x.linear(), y.linear())?;
    style_mesh(&mut chart, t, x, y)?;
    Ok(chart)
}

/// A chart whose axes come from the coordinate specs `X` and `Y` (`x.linear()`, `y.log()`).
pub type Chart<'a, DB, X, Y> = ChartContext<
    'a,
    DB,
    Cartesian2d<<X as AsRangedCoord>::CoordDescType, <Y as AsRangedCoord>::CoordDescType>,
>;

/// The house plot frame on `area` with any coordinates (linear, log, …): margins, and label areas
/// sized for `y`'s widest label. `cartesian` adds the house mesh; charts with a mesh of their
/// own (the tornado) draw it themselves. (`frame` is the whole image: title, subtitle, legend.)
pub fn plot_frame<'a, DB, X, Y>(
    area: &'a Area<DB>,
    t: &Theme,
    y: &Axis,
    x_coord: X,
    y_coord: Y,
) -> Result<Chart<'a, DB, X, Y>>
where
    DB: DrawingBackend + 'a,
    X: AsRangedCoord,
    Y: AsRangedCoord,
{
    let (x_area, y_area) = label_areas(area, t, y);
    ChartBuilder::on(area)
        .margin_top(t.px(8.0))
        .margin_right(t.px(16.0))
        .x_label_area_size(x_area)
        .y_label_area_size(y_area)
        .build_cartesian_2d(x_coord, y_coord)
        .map_err(err)
}

/// The house mesh on any chart of f64 axes (linear or log).
pub fn style_mesh<'a, DB, X, Y>(
    chart: &mut ChartContext<'a, DB, Cartesian2d<X, Y>>,
    t: &Theme,
    x: &Axis,
    y: &Axis,
) -> Result<()>
where
    DB: DrawingBackend + 'a,
    X: Ranged<ValueType = f64> + ValueFormatter<f64>,
    Y: Ranged<ValueType = f64> + ValueFormatter<f64>,
{
    // Axis titles longer than their axis are shortened rather than run into the legend.
    let (pw, ph) = chart.plotting_area().dim_in_pixel();
    let desc = font(t.axis_title(), theme::TEXT);
    let x_title = fit(chart.plotting_area(), &x.title, &desc, pw as i32);
    let y_title = fit(chart.plotting_area(), &y.title, &desc, ph as i32);
    chart
        .configure_mesh()
        .disable_x_mesh()
        .bold_line_style(theme::GRID.stroke_width(t.hair()))
        .light_line_style(TRANSPARENT)
        .axis_style(theme::AXIS.stroke_width(t.hair()))
        .set_all_tick_mark_size(t.px(5.0))
        .x_labels(x.ticks.len().max(1))
        .y_labels(y.ticks.len().max(1))
        .x_label_formatter(x.format)
        .y_label_formatter(y.format)
        .label_style(font(t.tick(), theme::TEXT))
        .axis_desc_style(font(t.axis_title(), theme::TEXT))
        .x_desc(x_title)
        .y_desc(y_title)
        .draw()
        .map_err(err)
}

/// Small multiples: `plot` split into as square a grid as the canvas allows, one cell per
/// title, each titled and returned as its plotting body, with the smaller theme the panels draw
/// in. One layout for every chart of panels (exceedance curves, route distributions).
pub fn titled_panels<DB: DrawingBackend>(
    plot: &Area<DB>,
    t: &Theme,
    titles: &[&str],
) -> Result<(Theme, Vec<Area<DB>>)> {
    let n = titles.len().max(1);
    let (w, h) = plot.dim_in_pixel();
    let aspect = f64::from(w) / f64::from(h.max(1));
    let cols = ((n as f64 * aspect / 2.0).sqrt().ceil() as usize).clamp(1, n);
    let rows = n.div_ceil(cols);
    // Panels use smaller type than full charts.
    let small = Theme {
        scale: t.scale * 0.8,
    };
    let title_style = bold(small.legend(), theme::TEXT).pos(Pos::new(HPos::Center, VPos::Top));
    let mut bodies = Vec::with_capacity(titles.len());
    for (title, cell) in titles.iter().zip(plot.split_evenly((rows, cols))) {
        let (cw, _) = cell.dim_in_pixel();
        let text = fit(&cell, title, &title_style, cw as i32 - t.px(8.0));
        cell.draw_text(&text, &title_style, (cw as i32 / 2, t.px(4.0)))
            .map_err(err)?;
        bodies.push(cell.margin(
            (small.legend() * 1.5).round() as i32,
            t.px(6.0),
            0,
            t.px(10.0),
        ));
    }
    Ok((small, bodies))
}

/// A one-line note at the bottom left of `area` (e.g. data outside the axis); returns the area
/// above it.
pub fn footnote<DB: DrawingBackend>(area: &Area<DB>, t: &Theme, text: &str) -> Result<Area<DB>> {
    if text.is_empty() {
        return Ok(area.margin(0, 0, 0, 0));
    }
    let (w, h) = area.dim_in_pixel();
    let style = font(t.note(), theme::MUTED);
    let text = fit(area, text, &style, w as i32);
    let line_h = (t.note() * 1.5).round() as i32;
    area.draw_text(
        &text,
        &style.pos(Pos::new(HPos::Left, VPos::Bottom)),
        (0, h as i32),
    )
    .map_err(err)?;
    Ok(area.margin(0, line_h, 0, 0))
}

/// A message in the middle of an area that has nothing to plot.
pub fn empty_note<DB: DrawingBackend>(area: &Area<DB>, t: &Theme, text: &str) -> Result<()> {
    let (w, h) = area.dim_in_pixel();
    let style = font(t.legend(), theme::MUTED).pos(Pos::new(HPos::Center, VPos::Center));
    let text = fit(area, text, &style, w as i32);
    area.draw_text(&text, &style, (w as i32 / 2, h as i32 / 2))
        .map_err(err)
}

/// The bitmap backend with text placed as SVG viewers place it.
///
/// plotters' ab_glyph text path sizes glyphs by ascent-to-descent height where SVG uses the em
/// (so PNG text came out 6% larger than the same SVG in a browser), and puts the baseline at half
/// the size below the anchor whatever the anchor, so tick labels sat visibly above their grid
/// lines. This wrapper redraws each text at the SVG's size with the SVG's baseline, so PNG and
/// SVG of a chart look alike. Everything else passes straight through.
pub struct BitmapText<DB>(pub DB);

/// Em size of a plotters font size in SVG (plotters-svg writes `font-size = size / 1.24`).
const SVG_EM: f64 = 1.0 / 1.24;
/// DejaVu Sans: (ascent − descent) / em, the unit ab_glyph scales by; and x-height / em.
const GLYPH_HEIGHT_EM: f64 = 2384.0 / 2048.0;
const X_HEIGHT_EM: f64 = 1120.0 / 2048.0;

impl<DB: DrawingBackend> DrawingBackend for BitmapText<DB> {
    type ErrorType = DB::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.0.get_size()
    }

    fn ensure_prepared(
        &mut self,
    ) -> Result<(), plotters_backend::DrawingErrorKind<Self::ErrorType>> {
        self.0.ensure_prepared()
    }

    fn present(&mut self) -> Result<(), plotters_backend::DrawingErrorKind<Self::ErrorType>> {
        self.0.present()
    }

    fn draw_pixel(
        &mut self,
        point: plotters_backend::BackendCoord,
        color: plotters_backend::BackendColor,
    ) -> Result<(), plotters_backend::DrawingErrorKind<Self::ErrorType>> {
        self.0.draw_pixel(point, color)
    }

    fn draw_line<S: plotters_backend::BackendStyle>(
        &mut self,
        from: plotters_backend::BackendCoord,
        to: plotters_backend::BackendCoord,
        style: &S,
    ) -> Result<(), plotters_backend::DrawingErrorKind<Self::ErrorType>> {
        self.0.draw_line(from, to, style)
    }

    fn draw_rect<S: plotters_backend::BackendStyle>(
        &mut self,
        upper_left: plotters_backend::BackendCoord,
        bottom_right: plotters_backend::BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), plotters_backend::DrawingErrorKind<Self::ErrorType>> {
        self.0.draw_rect(upper_left, bottom_right, style, fill)
    }

    fn draw_path<
        S: plotters_backend::BackendStyle,
        I: IntoIterator<Item = plotters_backend::BackendCoord>,
    >(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), plotters_backend::DrawingErrorKind<Self::ErrorType>> {
        self.0.draw_path(path, style)
    }

    fn draw_circle<S: plotters_backend::BackendStyle>(
        &mut self,
        center: plotters_backend::BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), plotters_backend::DrawingErrorKind<Self::ErrorType>> {
        self.0.draw_circle(center, radius, style, fill)
    }

    fn fill_polygon<
        S: plotters_backend::BackendStyle,
        I: IntoIterator<Item = plotters_backend::BackendCoord>,
    >(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), plotters_backend::DrawingErrorKind<Self::ErrorType>> {
        self.0.fill_polygon(vert, style)
    }

    fn draw_text<TStyle: plotters_backend::BackendTextStyle>(
        &mut self,
        text: &str,
        style: &TStyle,
        pos: plotters_backend::BackendCoord,
    ) -> Result<(), plotters_backend::DrawingErrorKind<Self::ErrorType>> {
        let size = style.size();
        let glyphs = size * SVG_EM * GLYPH_HEIGHT_EM;
        let c = style.color();
        let anchor = style.anchor();
        let color = RGBAColor(c.rgb.0, c.rgb.1, c.rgb.2, c.alpha);
        let adjusted = TextStyle::from((style.family(), glyphs, style.style()))
            .color(&color)
            .transform(style.transform())
            .pos(anchor);
        // Where ab_glyph puts the baseline below the anchor, and where SVG does (`dy` of
        // 0.76em, 0.5ex, −0.5ex for top, centre, bottom).
        let half_box = ((glyphs / 1.24) as i32 / 2) as f64;
        let (drawn, svg) = match anchor.v_pos {
            VPos::Top => (glyphs / 2.0, 0.76 * size * SVG_EM),
            VPos::Center => (glyphs / 2.0 - half_box, 0.5 * X_HEIGHT_EM * size * SVG_EM),
            VPos::Bottom => (
                glyphs / 2.0 - 2.0 * half_box,
                -0.5 * X_HEIGHT_EM * size * SVG_EM,
            ),
        };
        let (dx, dy) = style.transform().transform(0, (svg - drawn).round() as i32);
        self.0.draw_text(text, &adjusted, (pos.0 + dx, pos.1 + dy))
    }

    fn estimate_text_size<TStyle: plotters_backend::BackendTextStyle>(
        &self,
        text: &str,
        style: &TStyle,
    ) -> Result<(u32, u32), plotters_backend::DrawingErrorKind<Self::ErrorType>> {
        self.0.estimate_text_size(text, style)
    }

    fn blit_bitmap(
        &mut self,
        pos: plotters_backend::BackendCoord,
        size: (u32, u32),
        src: &[u8],
    ) -> Result<(), plotters_backend::DrawingErrorKind<Self::ErrorType>> {
        self.0.blit_bitmap(pos, size, src)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_break_between_phrases() {
        let fits = |s: &str| s.chars().count() <= 68;
        let title = "Kazakhstan: revenue 2025–2035, btc-expansion minus baseline, trial by trial";
        assert_eq!(
            break_lines(title, 2, &fits),
            [
                "Kazakhstan: revenue 2025–2035, btc-expansion minus baseline,",
                "trial by trial"
            ]
        );
        // Before a joining word when no punctuation ends a phrase.
        let fits = |s: &str| s.chars().count() <= 64;
        let sweep = "Kazakhstan: lost volume 2025–2035 by the contract maximum from 2027 of route \
                     Aktau-Baku-BTC";
        assert_eq!(
            break_lines(sweep, 2, &fits),
            [
                "Kazakhstan: lost volume 2025–2035",
                "by the contract maximum from 2027 of route Aktau-Baku-BTC"
            ]
        );
        let fits = |s: &str| s.chars().count() <= 66;
        let sweep =
            "Turkmenistan: revenue 2025–2035 by the capacity from 2025 of asset CPC pipeline";
        assert_eq!(
            break_lines(sweep, 2, &fits),
            [
                "Turkmenistan: revenue 2025–2035",
                "by the capacity from 2025 of asset CPC pipeline"
            ]
        );
        // Without a phrase end in the last three quarters, the break is between words.
        let fits = |s: &str| s.chars().count() <= 14;
        assert_eq!(
            break_lines("a: bb cc dd ee ff", 3, &fits),
            ["a: bb cc dd ee", "ff"]
        );
        // What fits stays on one line; the last line takes the rest.
        assert_eq!(break_lines("short", 2, &fits), ["short"]);
        assert_eq!(
            break_lines("one two three four five six seven", 2, &fits),
            ["one two three", "four five six seven"]
        );
    }
}
