//! Charts of a run's distributions as SVG and PNG, for report authors to put straight into briefs
//! and papers.
//!
//! Two steps, kept apart: each chart module's `extract` turns the run's statistics (`Results` and
//! the collector's histograms) into plain `ChartData`, series of numbers with labels, which the
//! snapshot tests pin; `draw` then lays that data out with plotters. The report reads the same
//! data, so a figure and the table beside it cannot disagree.
//!
//! Everything is drawn from the run's own statistics with the embedded font and no timestamps,
//! so the same scenario, seed and trials give byte-identical SVG. File names are stable
//! (`revenue-fan-Kazakhstan.svg`) so that documents can link them and a rerun refreshes them.

use crate::output::error::Result;

mod canvas;
pub mod data;
mod fan;
pub mod theme;

pub mod compare;
pub mod exceedance;
pub mod observed_fan;
pub mod revenue_fan;
pub mod revenue_histogram;
pub mod route_distributions;
pub mod route_volumes;
pub mod sweep;
pub mod tornado;
pub mod utilisation_fan;

use std::borrow::Cow;
use std::collections::BTreeSet;

use plotters::prelude::*;
use serde::Serialize;

use crate::output::observations::Placed;
use crate::output::{CHARTS_DIR, MetricResult, OutputFile, Results};
use crate::scenario::Scenario;
use crate::stats::{Collector, LogHistogram};

pub use data::{
    Distribution, ExceedanceData, FanData, HistogramData, PanelsData, StackedData, SweepData,
    TornadoData,
};
use theme::Theme;

/// Which chart files a run writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Formats {
    pub svg: bool,
    pub png: bool,
}

impl Formats {
    pub const BOTH: Formats = Formats {
        svg: true,
        png: true,
    };
    pub const NONE: Formats = Formats {
        svg: false,
        png: false,
    };

    pub fn any(&self) -> bool {
        self.svg || self.png
    }
}

impl std::str::FromStr for Formats {
    type Err = String;

    /// `svg,png`, `svg`, `png` or `none`.
    fn from_str(s: &str) -> Result<Formats, String> {
        let mut f = Formats::NONE;
        let mut none = false;
        for part in s.split(',').map(str::trim) {
            match part.to_ascii_lowercase().as_str() {
                "svg" => f.svg = true,
                "png" => f.png = true,
                "none" => none = true,
                other => {
                    return Err(format!(
                        "unknown chart format {other:?}; use svg,png, svg, png or none"
                    ));
                }
            }
        }
        if none && f.any() {
            return Err("\"none\" cannot be combined with other formats".into());
        }
        Ok(f)
    }
}

/// How charts are drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChartOptions {
    pub formats: Formats,
    /// Logical size in pixels (1/96 inch): the SVG's size, and the PNG's at scale 1.
    pub width: u32,
    pub height: u32,
    /// PNG pixels per logical pixel: 2 gives a 192 dpi image of the same layout, for print.
    pub scale: f64,
}

impl Default for ChartOptions {
    fn default() -> Self {
        ChartOptions {
            formats: Formats::BOTH,
            width: DEFAULT_SIZE.0,
            height: DEFAULT_SIZE.1,
            scale: DEFAULT_SCALE,
        }
    }
}

pub const DEFAULT_SIZE: (u32, u32) = (960, 600);
pub const DEFAULT_SCALE: f64 = 2.0;
/// Accepted `--chart-size` sides and `--chart-scale`: small enough to draw in well under a
/// second, large enough for a poster.
pub const SIDE_RANGE: (u32, u32) = (300, 4000);
pub const SCALE_RANGE: (f64, f64) = (0.5, 4.0);

/// Parses `WxH` (e.g. `1200x750`).
pub fn parse_size(s: &str) -> Result<(u32, u32), String> {
    let (w, h) = s
        .split_once(['x', 'X', '×'])
        .ok_or_else(|| format!("expected WIDTHxHEIGHT in pixels, e.g. 1200x750 (got {s:?})"))?;
    let side = |v: &str| -> Result<u32, String> {
        let n: u32 = v
            .trim()
            .parse()
            .map_err(|_| format!("{v:?} is not a whole number of pixels"))?;
        if !(SIDE_RANGE.0..=SIDE_RANGE.1).contains(&n) {
            return Err(format!(
                "chart sides must be {}–{} pixels (got {n})",
                SIDE_RANGE.0, SIDE_RANGE.1
            ));
        }
        Ok(n)
    };
    Ok((side(w)?, side(h)?))
}

/// One chart: what it is called, how to read it, and the data it is drawn from.
#[derive(Debug, Clone, Serialize)]
pub struct Chart {
    /// File name without extension, stable across runs: `revenue-fan-Kazakhstan`.
    pub stem: String,
    pub title: String,
    /// Scenario, trials and seed.
    pub subtitle: String,
    /// One line saying how to read the chart (report captions, SVG description).
    pub caption: String,
    pub data: ChartData,
}

/// The plain data of a chart, by the kind of drawing it needs.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ChartData {
    Fan(FanData),
    Histogram(HistogramData),
    Exceedance(ExceedanceData),
    Stacked(StackedData),
    Panels(PanelsData),
    Sweep(SweepData),
    Tornado(TornadoData),
}

/// A chart that was not drawn, and why: the report says so where the chart would have been.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SkippedChart {
    /// The stem the chart would have had (`stranded-volume-exceedance`), so the report can place
    /// the note in the chart's section.
    pub name: String,
    /// Why, as words that stand alone: "stranded volume over 2025–2035 is zero in every trial
    /// for every producer".
    pub reason: String,
}

impl SkippedChart {
    pub fn new(name: impl Into<String>, reason: impl Into<String>) -> SkippedChart {
        SkippedChart {
            name: name.into(),
            reason: reason.into(),
        }
    }
}

/// Charts (`Chart`, then `Drawn`, then `OutputFile`) with the charts left out.
#[derive(Debug, Clone)]
pub struct ChartSet<T> {
    pub charts: Vec<T>,
    pub skipped: Vec<SkippedChart>,
}

impl<T> ChartSet<T> {
    pub fn new() -> ChartSet<T> {
        ChartSet {
            charts: Vec::new(),
            skipped: Vec::new(),
        }
    }

    /// Adds the charts and skips of `other`.
    pub fn extend(&mut self, other: ChartSet<T>) {
        self.charts.extend(other.charts);
        self.skipped.extend(other.skipped);
    }

    /// A chart, or the reason there is none.
    pub fn push(&mut self, chart: std::result::Result<T, SkippedChart>) {
        match chart {
            Ok(c) => self.charts.push(c),
            Err(s) => self.skipped.push(s),
        }
    }
}

impl<T> Default for ChartSet<T> {
    fn default() -> Self {
        ChartSet::new()
    }
}

impl<T> FromIterator<std::result::Result<T, SkippedChart>> for ChartSet<T> {
    fn from_iter<I: IntoIterator<Item = std::result::Result<T, SkippedChart>>>(iter: I) -> Self {
        let mut set = ChartSet::new();
        iter.into_iter().for_each(|c| set.push(c));
        set
    }
}

/// What chart extraction reads: the results, the collector's histograms (for distributions) and
/// which producers use each route (results name routes but not their shippers).
pub struct Context<'a> {
    pub results: &'a Results,
    pub collector: &'a Collector,
    /// `(route, producers)` in scenario order.
    pub routes: Vec<(String, Vec<String>)>,
    /// The scenario's observations, placed in their distributions (markers on the charts).
    pub observations: Vec<Placed>,
}

impl<'a> Context<'a> {
    pub fn new(
        results: &'a Results,
        collector: &'a Collector,
        routes: Vec<(String, Vec<String>)>,
    ) -> Context<'a> {
        Context {
            results,
            collector,
            routes,
            observations: Vec::new(),
        }
    }

    /// The same context with observations to mark.
    pub fn with_observations(mut self, observations: Vec<Placed>) -> Context<'a> {
        self.observations = observations;
        self
    }

    /// Markers for the yearly observations of `kind/entity`, in `unit`.
    pub fn markers(&self, kind: &str, entity: &str, unit: theme::Unit) -> Vec<data::Marker> {
        self.observations
            .iter()
            .filter(|o| o.kind == kind && o.entity == entity)
            .filter_map(|o| {
                Some(data::Marker {
                    year: o.year?,
                    value: unit.show(o.value),
                    label: format!("P{}", theme::percentile(o.percentile)),
                })
            })
            .collect()
    }

    pub fn from_scenario(
        results: &'a Results,
        collector: &'a Collector,
        scenario: &Scenario,
    ) -> Context<'a> {
        let routes = scenario
            .routes
            .iter()
            .map(|r| (r.name.clone(), r.producers.clone()))
            .collect();
        let observations =
            crate::output::observations::place(&scenario.observations, results, collector);
        Context::new(results, collector, routes).with_observations(observations)
    }

    /// The metric `kind/entity` and its index in the collector.
    pub fn metric(&self, kind: &str, entity: &str) -> Option<(usize, &'a MetricResult)> {
        self.results.find(kind, entity)
    }

    /// Every metric of a kind, in results order.
    pub fn metrics_of<'k>(&self, kind: &'k str) -> impl Iterator<Item = &'a MetricResult> + 'k
    where
        'a: 'k,
    {
        self.results.metrics.iter().filter(move |m| m.kind == kind)
    }

    /// Entities of a metric kind, in results order.
    pub fn entities(&self, kind: &str) -> Vec<&'a str> {
        self.results.entities(kind)
    }

    /// Histogram of metric `m`'s horizon values (empty if the collector does not hold it).
    pub fn horizon_histogram(&self, m: usize) -> Cow<'a, LogHistogram> {
        if m < self.collector.metrics() {
            Cow::Borrowed(self.collector.accumulator(m, None).histogram())
        } else {
            Cow::Owned(LogHistogram::new())
        }
    }

    /// "baseline · 100,000 trials · seed 42".
    pub fn subtitle(&self) -> String {
        let r = self.results;
        format!(
            "{} · {} · seed {}",
            r.scenario,
            theme::count(r.trials, "trial"),
            r.seed
        )
    }

    /// "2025–2035" (or one year).
    pub fn horizon(&self) -> String {
        match (self.results.years.first(), self.results.years.last()) {
            (Some(a), Some(b)) if a != b => format!("{a}–{b}"),
            (Some(a), _) => a.to_string(),
            _ => String::new(),
        }
    }
}

/// Every chart of a run, in report order, and the charts left out.
pub fn extract(ctx: &Context) -> ChartSet<Chart> {
    let mut out = ChartSet::new();
    out.extend(revenue_fan::extract(ctx));
    out.extend(revenue_histogram::extract(ctx));
    out.extend(exceedance::extract(ctx));
    out.extend(route_volumes::extract(ctx));
    out.extend(route_distributions::extract(ctx));
    out.extend(utilisation_fan::extract(ctx));
    out.charts.extend(observed_fan::extract(ctx));
    unique_stems(&mut out.charts);
    out
}

/// Every chart of a run, in report order.
pub fn charts(ctx: &Context) -> Vec<Chart> {
    extract(ctx).charts
}

/// An entity name as part of a file name: ASCII letters, digits, `_` and `.` kept, anything else
/// (spaces, slashes, accents) becomes `-`, runs of `-` collapse. Never empty, never hidden.
pub fn file_part(name: &str) -> String {
    let mut out = String::new();
    for c in name.trim().chars() {
        let c = if c.is_ascii_alphanumeric() || matches!(c, '_' | '.') {
            c
        } else {
            '-'
        };
        if !(c == '-' && out.ends_with('-')) {
            out.push(c);
        }
    }
    let out = out.trim_matches(['-', '.']).to_string();
    if out.is_empty() {
        "unnamed".into()
    } else {
        out.chars().take(80).collect()
    }
}

/// Two entities can sanitise to the same name ("A/B", "A B"); later ones get `-2`, `-3`.
fn unique_stems(charts: &mut [Chart]) {
    let mut seen = BTreeSet::new();
    for c in charts {
        let mut stem = c.stem.clone();
        let mut n = 2;
        while !seen.insert(stem.to_ascii_lowercase()) {
            stem = format!("{}-{n}", c.stem);
            n += 1;
        }
        c.stem = stem;
    }
}

/// A chart drawn in the requested formats. The SVG is always drawn, because the HTML report
/// inlines it.
pub struct Drawn {
    pub chart: Chart,
    pub svg: String,
    pub png: Option<Vec<u8>>,
}

/// Draws every chart of the run. Charts are independent, so they are drawn in parallel.
pub fn draw_all(ctx: &Context, opts: &ChartOptions) -> Result<ChartSet<Drawn>> {
    draw_each(extract(ctx), opts)
}

/// Draws the charts of `set` (SVG always, PNG per `opts`), in parallel; none with `--charts
/// none`. The charts left out pass through, for the report to name. For commands whose charts
/// are not a run's (compare, sweep, sensitivity): same theme, same file names, and the report
/// inlines the SVG.
pub fn draw_each(set: ChartSet<Chart>, opts: &ChartOptions) -> Result<ChartSet<Drawn>> {
    use rayon::prelude::*;
    if !opts.formats.any() {
        // Nothing drawn, so nothing to say was left out: the report says no charts were drawn.
        return Ok(ChartSet::new());
    }
    let ChartSet { charts, skipped } = set;
    theme::register_fonts()?;
    let drawn = charts
        .into_par_iter()
        .map(|chart| {
            let svg = svg(&chart, opts)?;
            let png = if opts.formats.png {
                Some(png(&chart, opts)?)
            } else {
                None
            };
            Ok(Drawn { chart, svg, png })
        })
        .collect::<Result<_>>()?;
    Ok(ChartSet {
        charts: drawn,
        skipped,
    })
}

impl Drawn {
    /// The chart's files under `charts/` in the requested formats.
    pub fn files(&self, formats: Formats) -> Vec<OutputFile> {
        let mut out = Vec::new();
        if formats.svg {
            out.push(OutputFile {
                path: format!("{CHARTS_DIR}/{}.svg", self.chart.stem),
                bytes: self.svg.clone().into_bytes(),
            });
        }
        if let Some(png) = &self.png {
            out.push(OutputFile {
                path: format!("{CHARTS_DIR}/{}.png", self.chart.stem),
                bytes: png.clone(),
            });
        }
        out
    }
}

/// Lays out a chart on any backend.
fn draw<DB: DrawingBackend>(chart: &Chart, root: &canvas::Area<DB>, t: &Theme) -> Result<()> {
    let body = canvas::frame(root, t, &chart.title, &chart.subtitle)?;
    match &chart.data {
        ChartData::Fan(d) => fan::draw(d, &body, t),
        ChartData::Histogram(d) => revenue_histogram::draw(d, &body, t),
        ChartData::Exceedance(d) => exceedance::draw(d, &body, t),
        ChartData::Stacked(d) => route_volumes::draw(d, &body, t),
        ChartData::Panels(d) => route_distributions::draw(d, &body, t),
        ChartData::Sweep(d) => sweep::draw(d, &body, t),
        ChartData::Tornado(d) => tornado::draw(d, &body, t),
    }
}

/// The chart as an SVG document, with its title and caption as `<title>` and `<desc>` for screen
/// readers and search.
pub fn svg(chart: &Chart, opts: &ChartOptions) -> Result<String> {
    theme::register_fonts()?;
    let mut s = String::new();
    {
        let root = SVGBackend::with_string(&mut s, (opts.width, opts.height)).into_drawing_area();
        draw(chart, &root, &Theme::for_size(opts.width, opts.height, 1.0))?;
        root.present().map_err(canvas::err)?;
    }
    if let Some(end) = s.find('>') {
        let meta = format!(
            "\n<title>{}</title>\n<desc>{}</desc>",
            xml_escape(&chart.title),
            xml_escape(&chart.caption)
        );
        s.insert_str(end + 1, &meta);
    }
    Ok(s)
}

/// The chart as PNG bytes at `opts.scale` times the logical size, with its resolution recorded
/// (96 dpi × scale) so that documents place it at the intended size.
pub fn png(chart: &Chart, opts: &ChartOptions) -> Result<Vec<u8>> {
    theme::register_fonts()?;
    let scale = opts.scale.clamp(SCALE_RANGE.0, SCALE_RANGE.1);
    let w = ((f64::from(opts.width) * scale).round() as u32).max(1);
    let h = ((f64::from(opts.height) * scale).round() as u32).max(1);
    let mut pixels = vec![255u8; w as usize * h as usize * 3];
    {
        let backend = BitMapBackend::with_buffer(&mut pixels, (w, h));
        let root = canvas::BitmapText(backend).into_drawing_area();
        draw(
            chart,
            &root,
            &Theme::for_size(opts.width, opts.height, scale),
        )?;
        root.present().map_err(canvas::err)?;
    }
    let mut bytes = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut bytes, w, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        enc.set_compression(png::Compression::Fast);
        let per_metre = (96.0 * scale / 0.0254).round() as u32;
        enc.set_pixel_dims(Some(png::PixelDimensions {
            xppu: per_metre,
            yppu: per_metre,
            unit: png::Unit::Meter,
        }));
        let mut writer = enc.write_header()?;
        writer.write_image_data(&pixels)?;
        writer.finish()?;
    }
    Ok(bytes)
}

pub(crate) fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_parts_are_safe() {
        assert_eq!(file_part("Kazakhstan"), "Kazakhstan");
        assert_eq!(file_part("CPC marine terminal"), "CPC-marine-terminal");
        assert_eq!(file_part("A/B \\ C"), "A-B-C");
        assert_eq!(file_part("../etc"), "etc");
        assert_eq!(file_part("Türkmen"), "T-rkmen");
        assert_eq!(file_part("///"), "unnamed");
    }

    #[test]
    fn formats_parse() {
        assert_eq!("svg,png".parse::<Formats>(), Ok(Formats::BOTH));
        assert_eq!("none".parse::<Formats>(), Ok(Formats::NONE));
        assert_eq!(
            "png".parse::<Formats>(),
            Ok(Formats {
                svg: false,
                png: true
            })
        );
        assert!("gif".parse::<Formats>().is_err());
        assert!("none,svg".parse::<Formats>().is_err());
    }

    #[test]
    fn sizes_parse() {
        assert_eq!(parse_size("1200x750"), Ok((1200, 750)));
        assert!(parse_size("1200").is_err());
        assert!(parse_size("10x10").is_err());
        assert!(parse_size("axb").is_err());
    }
}
