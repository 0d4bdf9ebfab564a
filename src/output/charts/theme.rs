//! The house style every chart shares: the embedded font, the palette, sizes and number formats.
//!
//! Kept in one place so that all charts look alike and a change of style is one edit. Sizes are
//! logical pixels (1/96 inch) multiplied by the output scale, so a PNG at scale 2 is the SVG
//! drawn at twice the resolution, not a different layout.

use crate::output::error::{Error, Result};

use std::sync::OnceLock;

use plotters::style::{FontStyle, RGBColor, register_font};

/// The one font family charts name. SVG viewers substitute their own sans-serif (the layout is
/// measured with the embedded DejaVu Sans, whose metrics are generous, so text never overflows).
pub const FAMILY: &str = "sans-serif";

static REGULAR: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans-Bold.ttf");

/// Registers the embedded font with plotters, once per process. plotters is built without
/// font-kit, so without this every text draw fails with `FontUnavailable`; embedding the font
/// makes charts render the same on a machine with no system fonts.
pub fn register_fonts() -> Result<()> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED.get_or_init(|| {
        register_font(FAMILY, FontStyle::Normal, REGULAR).is_ok()
            && register_font(FAMILY, FontStyle::Bold, BOLD).is_ok()
    });
    if !ok {
        return Err(Error::Chart("the embedded font could not be loaded".into()));
    }
    Ok(())
}

// Okabe & Ito (2008) colour-blind-safe palette.
pub const BLACK: RGBColor = RGBColor(0, 0, 0);
pub const ORANGE: RGBColor = RGBColor(230, 159, 0);
pub const SKY_BLUE: RGBColor = RGBColor(86, 180, 233);
pub const BLUISH_GREEN: RGBColor = RGBColor(0, 158, 115);
pub const YELLOW: RGBColor = RGBColor(240, 228, 66);
pub const BLUE: RGBColor = RGBColor(0, 114, 178);
pub const VERMILLION: RGBColor = RGBColor(213, 94, 0);
pub const REDDISH_PURPLE: RGBColor = RGBColor(204, 121, 167);

/// Text, axes and grid.
pub const TEXT: RGBColor = RGBColor(33, 33, 33);
pub const MUTED: RGBColor = RGBColor(90, 90, 90);
pub const AXIS: RGBColor = RGBColor(110, 110, 110);
pub const GRID: RGBColor = RGBColor(226, 226, 226);
pub const WHITE: RGBColor = RGBColor(255, 255, 255);

/// Categorical colours for series (routes, producers), ordered so that neighbours differ in
/// lightness as well as hue and stay apart when printed in greyscale. Vermillion is kept back for
/// stranded volume, the one series that should stand out.
pub const SERIES: [RGBColor; 7] = [
    BLUE,
    ORANGE,
    BLUISH_GREEN,
    SKY_BLUE,
    REDDISH_PURPLE,
    YELLOW,
    RGBColor(120, 120, 120),
];

/// Series colour `i`; beyond the palette, colours repeat lighter so stacks stay distinguishable.
pub fn series(i: usize) -> RGBColor {
    let c = SERIES[i % SERIES.len()];
    match i / SERIES.len() {
        0 => c,
        k => tint(c, 0.55_f64.powi(k as i32)),
    }
}

/// `c` mixed with white: `amount` 1 is `c`, 0 is white. Fan bands use opaque tints rather than
/// transparency, so SVG, PNG and print all show the same shades.
pub fn tint(c: RGBColor, amount: f64) -> RGBColor {
    let mix = |v: u8| (255.0 - (255.0 - f64::from(v)) * amount).round() as u8;
    RGBColor(mix(c.0), mix(c.1), mix(c.2))
}

/// Logical sizes of the house style, scaled for the output.
#[derive(Debug, Clone, Copy)]
pub struct Theme {
    pub scale: f64,
}

impl Theme {
    /// The theme for a chart of `width`×`height` logical pixels drawn at `scale` device pixels
    /// each. Charts smaller than the default shrink text and spacing with them (down to 65%), so
    /// a single-column figure keeps its proportions instead of drowning in labels; larger ones
    /// keep the default sizes and gain room.
    pub fn for_size(width: u32, height: u32, scale: f64) -> Theme {
        let (dw, dh) = super::DEFAULT_SIZE;
        let area = f64::from(width) * f64::from(height) / (f64::from(dw) * f64::from(dh));
        Theme {
            scale: scale * area.sqrt().clamp(0.65, 1.0),
        }
    }

    /// Logical pixels → device pixels.
    pub fn px(&self, v: f64) -> i32 {
        (v * self.scale).round() as i32
    }

    pub fn title(&self) -> f64 {
        26.0 * self.scale
    }
    pub fn subtitle(&self) -> f64 {
        17.0 * self.scale
    }
    pub fn axis_title(&self) -> f64 {
        17.0 * self.scale
    }
    pub fn tick(&self) -> f64 {
        16.0 * self.scale
    }
    pub fn legend(&self) -> f64 {
        16.0 * self.scale
    }
    pub fn note(&self) -> f64 {
        14.0 * self.scale
    }
    /// Stroke widths.
    pub fn line(&self) -> u32 {
        self.px(2.5).max(1) as u32
    }
    pub fn thin(&self) -> u32 {
        self.px(1.5).max(1) as u32
    }
    pub fn hair(&self) -> u32 {
        self.px(1.0).max(1) as u32
    }
}

/// How a quantity is shown: the divisor from its stored unit and the unit people read.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Unit {
    pub divisor: f64,
    pub label: &'static str,
}

impl Unit {
    /// USD bn once values reach a billion (1,000 USD million), else USD million.
    pub fn money(max_abs_usd_million: f64) -> Unit {
        if max_abs_usd_million >= 1000.0 {
            Unit {
                divisor: 1000.0,
                label: "USD bn",
            }
        } else {
            Unit {
                divisor: 1.0,
                label: "USD million",
            }
        }
    }

    /// The unit a chart family shares (chosen from `family_max`, its largest value), unless this
    /// chart's values stay under a tenth of that unit (a producer a variant barely touches, in a
    /// family in USD bn): then the chart's own, so that its labels do not read "0 USD bn". The
    /// axis title names the unit either way.
    pub fn money_within(family_max: f64, own_max: f64) -> Unit {
        let family = Unit::money(family_max);
        if own_max < 0.1 * family.divisor {
            Unit::money(own_max)
        } else {
            family
        }
    }

    pub const MT: Unit = Unit {
        divisor: 1.0,
        label: "Mt",
    };

    /// A fraction shown as a percentage.
    pub const PERCENT: Unit = Unit {
        divisor: 0.01,
        label: "%",
    };

    /// The display unit for a metric of stored unit `unit` whose values reach `max_abs`.
    pub fn for_metric(unit: &'static str, max_abs: f64) -> Unit {
        match unit {
            "USD million" => Unit::money(max_abs),
            "fraction" => Unit::PERCENT,
            label => Unit {
                divisor: 1.0,
                label,
            },
        }
    }

    pub fn show(&self, v: f64) -> f64 {
        v / self.divisor
    }
}

/// `v` with `decimals` decimals, thousands separators and a typographic minus: "−12,345.6".
pub fn number(v: f64, decimals: usize) -> String {
    crate::output::precision::number(v, decimals)
}

/// A percentile (0–100) for people: whole numbers, with one decimal in the outer 1% on either
/// side, where "100" would hide that some trials lie beyond.
pub fn percentile(p: f64) -> String {
    match p {
        p if p > 0.0 && p < 0.05 => "<0.1".into(),
        p if (99.95..100.0).contains(&p) => ">99.9".into(),
        p if p > 0.0 && p < 1.0 || p > 99.0 && p < 100.0 => format!("{p:.1}"),
        p => format!("{p:.0}"),
    }
}

/// "1 trial", "100,000 trials".
pub fn count(n: u64, noun: &str) -> String {
    let s = if n == 1 { "" } else { "s" };
    format!("{} {noun}{s}", number(n as f64, 0))
}

/// A value for people, to three significant figures (`output::precision`, the one rule): 431 ·
/// 43.1 · 4.31 · 0.431 · 312,000; float noise below 0.0005 reads "0".
pub fn value(v: f64) -> String {
    if v.abs() < 0.0005 {
        return "0".into();
    }
    crate::output::precision::shown(v, 0.0)
}

/// Evenly spaced "nice" axis ticks (steps of 1, 2, 2.5 or 5 × 10^k).
#[derive(Debug, Clone, PartialEq)]
pub struct Ticks {
    /// Axis ends: the data range widened to whole steps.
    pub lo: f64,
    pub hi: f64,
    pub step: f64,
    pub values: Vec<f64>,
}

impl Ticks {
    /// At most `max` intervals covering `[lo, hi]`. A degenerate range is widened first, so an
    /// all-zero series still gets a readable axis.
    pub fn new(lo: f64, hi: f64, max: usize) -> Ticks {
        let (mut lo, mut hi) = if lo.is_finite() && hi.is_finite() {
            (lo.min(hi), lo.max(hi))
        } else {
            (0.0, 1.0)
        };
        // Equal up to float noise (13.199999999999994 vs 13.200000000000003) counts as equal.
        if hi - lo <= 1e-9 * hi.abs().max(lo.abs()).max(1e-300) {
            let pad = if lo == 0.0 { 1.0 } else { lo.abs() * 0.1 };
            (lo, hi) = if lo >= 0.0 && lo - pad < 0.0 {
                (0.0, hi + pad)
            } else {
                (lo - pad, hi + pad)
            };
        }
        let max = max.max(1) as f64;
        let raw = (hi - lo) / max;
        let mag = 10f64.powf(raw.log10().floor());
        let step = [1.0, 2.0, 2.5, 5.0, 10.0]
            .iter()
            .map(|m| m * mag)
            .find(|s| ((hi / s).ceil() - (lo / s).floor()) <= max + 1e-9)
            .unwrap_or(10.0 * mag);
        let (a, b) = ((lo / step).floor(), (hi / step).ceil());
        let values = (0..=((b - a) as i64))
            .map(|i| (a + i as f64) * step)
            .map(|v| if v == 0.0 { 0.0 } else { v }) // no "-0"
            .collect();
        Ticks {
            lo: a * step,
            hi: b * step,
            step,
            values,
        }
    }

    /// Ticks inside `[lo, hi]` on an axis that hugs the data: rounding the axis out to whole
    /// steps could leave a third of the plot empty (data to 86 on an axis to 100, or from 47 on
    /// one from 0). Falls back to `new` when fewer than two ticks would fall inside.
    pub fn within(lo: f64, hi: f64, max: usize) -> Ticks {
        // One more interval than fits: ticks beyond the hugging axis are dropped.
        let mut ticks = Ticks::new(lo, hi, max + 1);
        let inside: Vec<f64> = ticks
            .values
            .iter()
            .copied()
            .filter(|v| (lo..=hi).contains(v))
            .collect();
        if inside.len() >= 2 && hi > lo {
            (ticks.lo, ticks.hi, ticks.values) = (lo, hi, inside);
        }
        ticks
    }

    /// Decimals that show every tick exactly: step 0.25 → 2, 2.5 → 1, 50 → 0.
    pub fn decimals(&self) -> usize {
        (0..6)
            .find(|&d| {
                let scaled = self.step * 10f64.powi(d as i32);
                (scaled - scaled.round()).abs() < 1e-6 * scaled.max(1.0)
            })
            .unwrap_or(6)
    }
}

/// Year ticks: every year while at most `most` labels fit, else every 2nd, 5th, 10th….
pub fn year_ticks(years: &[i32], most: usize) -> Vec<f64> {
    let (Some(&first), Some(&last)) = (years.first(), years.last()) else {
        return Vec::new();
    };
    let span = (last - first).max(0);
    let most = most.max(2) as i32;
    let every = [1, 2, 5, 10, 20, 50, 100]
        .into_iter()
        .find(|e| span / e < most)
        .unwrap_or(1000);
    (first..=last)
        .filter(|y| (y - first) % every == 0)
        .map(f64::from)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whole percentiles, a decimal in the outer 1%, and never "100" or "0" for a value that
    /// some trials lie beyond.
    #[test]
    fn percentiles_for_people() {
        let shown: Vec<String> = [0.0, 0.01, 0.4, 1.0, 50.4, 99.0, 99.5, 99.98, 100.0]
            .into_iter()
            .map(percentile)
            .collect();
        assert_eq!(
            shown,
            ["0", "<0.1", "0.4", "1", "50", "99", "99.5", ">99.9", "100"]
        );
    }

    #[test]
    fn numbers_for_people() {
        assert_eq!(number(1234567.891, 1), "1,234,567.9");
        assert_eq!(number(-1234.0, 0), "−1,234");
        assert_eq!(number(-0.04, 1), "0.0");
        assert_eq!(number(999.0, 0), "999");
        assert_eq!(value(431.23), "431");
        assert_eq!(value(43.123), "43.1");
        assert_eq!(value(0.4312), "0.431");
        // Three significant figures (output::precision), not every digit of a sampled number.
        assert_eq!(value(12_345.6), "12,300");
        assert_eq!(value(-3e-12), "0");
        assert_eq!(count(1, "trial"), "1 trial");
        assert_eq!(count(100_000, "trial"), "100,000 trials");
    }

    #[test]
    fn ticks_are_nice_and_cover() {
        let t = Ticks::new(0.0, 37.2, 6);
        assert_eq!((t.lo, t.hi, t.step), (0.0, 40.0, 10.0));
        assert_eq!(t.values.len(), 5);
        let t = Ticks::new(0.0, 0.0, 6);
        assert!(t.hi > t.lo);
        let t = Ticks::new(5.0, 5.0, 6);
        assert!(t.lo <= 5.0 && t.hi >= 5.0 && t.hi > t.lo);
        let t = Ticks::new(-3.0, 7.0, 5);
        assert!(t.lo <= -3.0 && t.hi >= 7.0 && t.values.contains(&0.0));
        assert_eq!(Ticks::new(0.0, 1.0, 4).decimals(), 2);
        assert_eq!(Ticks::new(0.0, 100.0, 5).decimals(), 0);
        let t = Ticks::new(13.199999999999994, 13.200000000000003, 6);
        assert!(t.step > 0.01, "{t:?}");
        let t = Ticks::new(f64::NAN, 1.0, 5);
        assert!(t.hi > t.lo);
    }

    #[test]
    fn year_ticks_thin_out() {
        let y: Vec<i32> = (2025..=2035).collect();
        assert_eq!(year_ticks(&y, 12).len(), 11);
        assert_eq!(year_ticks(&y, 5).len(), 3);
        let y: Vec<i32> = (2025..=2075).collect();
        assert_eq!(year_ticks(&y, 12).len(), 11);
        assert_eq!(year_ticks(&[2030], 12), vec![2030.0]);
        assert!(year_ticks(&[], 12).is_empty());
    }

    /// One unit for a family, except for a chart whose values would all read 0.0x in it.
    #[test]
    fn family_units() {
        assert_eq!(Unit::money_within(86_600.0, 380.0).label, "USD bn");
        assert_eq!(Unit::money_within(86_600.0, 56.0).label, "USD million");
        assert_eq!(Unit::money_within(900.0, 5.0).label, "USD million");
    }

    #[test]
    fn tints_lighten_towards_white() {
        assert_eq!(tint(BLUE, 1.0), BLUE);
        assert_eq!(tint(BLUE, 0.0), WHITE);
    }
}
