//! Charts: the data each chart is drawn from (snapshots), the text every SVG must carry, PNG
//! size and content, byte-identical output for identical input, and odd data that must not
//! panic. All on a synthetic run (`tests/common/fixture.rs`), so model changes do not move these
//! tests.

use crate::common::fixture::{self, Fixture};
use crate::common::insta;

use corridor::output::charts::{self, Chart, ChartData, ChartOptions, Context, Formats};
use serde_json::Value;

fn context(f: &Fixture) -> Context<'_> {
    Context::new(&f.results, &f.collector, f.routes.clone())
}

/// Numbers rounded to 9 significant digits, so snapshots do not depend on the last bits of a
/// platform's `powf`.
fn rounded(v: Value) -> Value {
    match v {
        Value::Number(n) => match n.as_f64() {
            Some(x) if n.is_f64() && x != 0.0 => {
                let digits = 9 - (x.abs().log10().floor() as i32) - 1;
                let r = (x * 10f64.powi(digits)).round() / 10f64.powi(digits);
                serde_json::json!(r)
            }
            _ => Value::Number(n),
        },
        Value::Array(a) => Value::Array(a.into_iter().map(rounded).collect()),
        Value::Object(o) => Value::Object(o.into_iter().map(|(k, v)| (k, rounded(v))).collect()),
        other => other,
    }
}

#[test]
fn chart_data_snapshots() {
    let f = fixture::synthetic(400);
    let charts = charts::charts(&context(&f));
    let stems: Vec<&str> = charts.iter().map(|c| c.stem.as_str()).collect();
    insta::assert_json_snapshot!("stems", stems);
    for c in &charts {
        insta::assert_json_snapshot!(c.stem.clone(), rounded(serde_json::to_value(c).unwrap()));
    }
}

#[test]
fn one_chart_of_each_kind_per_entity() {
    let f = fixture::synthetic(50);
    let charts = charts::charts(&context(&f));
    let count = |prefix: &str| charts.iter().filter(|c| c.stem.starts_with(prefix)).count();
    // "Zero Land" has no revenue and no exports: none of its charts.
    assert_eq!(count("revenue-fan-"), 2);
    assert_eq!(count("revenue-distribution-"), 2);
    assert_eq!(count("lost-revenue-exceedance"), 1);
    assert_eq!(count("stranded-volume-exceedance"), 1);
    assert_eq!(count("route-volumes-"), 2);
    assert_eq!(count("route-volume-distributions"), 1);
    // "Zero Cap" has no capacity: no utilisation chart.
    assert_eq!(count("utilisation-fan-"), 1);
    assert!(charts.iter().any(|c| c.stem == "utilisation-fan-Pipe-A"));
    // Entity names are sanitised for file names and stems are unique.
    assert!(charts.iter().any(|c| c.stem == "revenue-fan-Azer-baijan"));
    let mut stems: Vec<&str> = charts.iter().map(|c| c.stem.as_str()).collect();
    assert!(stems.iter().all(|s| {
        s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
    }));
    stems.sort_unstable();
    stems.dedup();
    assert_eq!(stems.len(), charts.len());
    // A route shared by two producers appears in each producer's stack as that producer's part
    // of it, so every stack still adds up to that producer's exports.
    for c in &charts {
        let ChartData::Stacked(d) = &c.data else {
            continue;
        };
        let producer = c.stem.trim_start_matches("route-volumes-");
        let exports = match producer {
            "Kazakhstan" => "export_volume/Kazakhstan",
            "Azer-baijan" => "export_volume/Azer/baijan",
            _ => continue,
        };
        let m = f.results.metric(exports).unwrap();
        for (t, s) in m.by_year.iter().enumerate() {
            let shipped: f64 = d
                .layers
                .iter()
                .filter(|l| !l.highlight)
                .map(|l| l.values[t])
                .sum();
            assert!(
                (shipped - s.mean).abs() < 1e-9,
                "{producer} year {t}: {shipped} vs {}",
                s.mean
            );
        }
        if producer == "Kazakhstan" {
            assert!(d.layers.iter().any(|l| l.label == "Shared One (its share)"));
            assert_eq!(d.omitted, vec!["Dead Route".to_string()]);
        }
    }
}

/// Strings a chart's SVG must hold as text: title, subtitle and axis titles.
fn required_text(c: &Chart) -> Vec<String> {
    let mut v = vec![c.title.clone(), c.subtitle.clone()];
    match &c.data {
        ChartData::Fan(d) => v.extend([d.y_title.clone(), "Year".into(), "Median".into()]),
        ChartData::Histogram(d) => match d.distribution.constant() {
            Some(0.0) => v.push("Zero in every trial".into()),
            Some(_) => {}
            None => v.extend([d.x_title.clone(), "Share of trials (%)".into()]),
        },
        ChartData::Exceedance(d) => {
            v.push("Probability of exceeding (log scale)".into());
            if !d.curves.is_empty() {
                v.push(d.x_title.clone());
            }
            v.extend(d.curves.iter().map(|c| c.label.clone()));
        }
        ChartData::Stacked(d) => {
            v.extend([d.y_title.clone(), "Year".into()]);
            v.extend(d.layers.iter().map(|l| l.label.clone()));
        }
        ChartData::Panels(d) => v.extend(d.panels.iter().map(|p| p.title.clone())),
        ChartData::Sweep(d) => {
            v.extend([d.x_title.clone(), d.y_title.clone()]);
            v.extend(d.lines.iter().map(|l| l.label.clone()));
        }
        ChartData::Tornado(d) => v.extend([d.x_title.clone(), "Input at its P10".into()]),
    }
    v
}

/// The contents of every `<text>` element.
fn svg_texts(svg: &str) -> Vec<String> {
    svg.split("<text")
        .skip(1)
        .filter_map(|t| {
            let body = &t[t.find('>')? + 1..];
            Some(body[..body.find("</text>")?].trim().to_string())
        })
        .collect()
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

#[test]
fn svgs_carry_title_and_axis_labels_as_text() {
    let f = fixture::synthetic(400);
    let opts = ChartOptions::default();
    for c in charts::charts(&context(&f)) {
        let svg = charts::svg(&c, &opts).unwrap();
        assert!(svg.starts_with("<svg"), "{}", c.stem);
        assert!(
            svg.contains(&format!("<title>{}</title>", escape(&c.title))),
            "{}",
            c.stem
        );
        let texts = svg_texts(&svg);
        for text in required_text(&c) {
            assert!(
                texts.contains(&escape(&text)),
                "{}: no text {text:?} in {texts:?}",
                c.stem
            );
        }
        // Nothing fetched: the only URL is the SVG namespace.
        assert_eq!(svg.matches("http").count(), 1, "{}", c.stem);
    }
}

#[test]
fn svg_is_byte_identical_for_identical_input() {
    let (a, b) = (fixture::synthetic(300), fixture::synthetic(300));
    let opts = ChartOptions::default();
    let (ca, cb) = (charts::charts(&context(&a)), charts::charts(&context(&b)));
    for (x, y) in ca.iter().zip(&cb) {
        assert_eq!(
            charts::svg(x, &opts).unwrap(),
            charts::svg(y, &opts).unwrap(),
            "{}",
            x.stem
        );
    }
    // Drawing in parallel gives the same bytes as one at a time.
    let drawn = charts::draw_all(&context(&a), &opts).unwrap().charts;
    for (d, c) in drawn.iter().zip(&ca) {
        assert_eq!(d.svg, charts::svg(c, &opts).unwrap());
    }
}

fn decode(png: &[u8]) -> (u32, u32, Vec<u8>, Option<png::PixelDimensions>) {
    let decoder = png::Decoder::new(std::io::Cursor::new(png));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!(info.color_type, png::ColorType::Rgb);
    let dims = reader.info().pixel_dims;
    buf.truncate(info.buffer_size());
    (info.width, info.height, buf, dims)
}

#[test]
fn pngs_decode_at_the_requested_size_and_are_not_blank() {
    let f = fixture::synthetic(400);
    for (w, h, scale) in [(960, 600, 2.0), (700, 450, 1.5)] {
        let opts = ChartOptions {
            formats: Formats::BOTH,
            width: w,
            height: h,
            scale,
        };
        for c in charts::charts(&context(&f)) {
            let png = charts::png(&c, &opts).unwrap();
            let (pw, ph, pixels, dims) = decode(&png);
            let expect = (
                (w as f64 * scale).round() as u32,
                (h as f64 * scale).round() as u32,
            );
            assert_eq!((pw, ph), expect, "{}", c.stem);
            let dims = dims.expect("resolution recorded");
            assert_eq!(dims.xppu, (96.0 * scale / 0.0254_f64).round() as u32);
            // Not blank: some ink, and more than a few colours (text, bands, bars).
            let (mut ink, mut colours) = (0usize, Vec::new());
            for p in pixels.chunks_exact(3) {
                ink += usize::from(p.iter().any(|&v| v < 200));
                if colours.len() <= 16 && !colours.contains(&p) {
                    colours.push(p);
                }
            }
            let px = pixels.len() / 3;
            assert!(ink * 300 > px, "{}: {ink} dark pixels of {px}", c.stem);
            assert!(colours.len() > 16, "{}: {} colours", c.stem, colours.len());
        }
    }
}

#[test]
fn odd_runs_draw_without_panicking() {
    // No trials, a single trial, two trials.
    for trials in [0, 1, 2] {
        let f = fixture::synthetic(trials);
        let opts = ChartOptions {
            scale: 1.0,
            ..ChartOptions::default()
        };
        let set = charts::draw_all(&context(&f), &opts).unwrap();
        // With no trials every quantity is zero in every trial: all skipped, none drawn.
        assert!(!set.charts.is_empty() || trials == 0 && !set.skipped.is_empty());
        assert!(
            set.charts
                .iter()
                .all(|d| d.png.is_some() && d.svg.contains("</svg>"))
        );
    }
    // Tiny and huge canvases.
    let f = fixture::synthetic(100);
    for (w, h) in [(320, 320), (4000, 400), (400, 4000)] {
        let opts = ChartOptions {
            formats: Formats::BOTH,
            width: w,
            height: h,
            scale: 0.5,
        };
        charts::draw_all(&context(&f), &opts).unwrap();
    }
}

/// A quantity that is zero in every trial gets no chart (no file) but a skip entry with the
/// reason, which drawing passes through for the report: "Zero Land" has no revenue and no
/// exports, "Zero Cap" carries nothing, "Dead Route" is no panel of the route distributions.
#[test]
fn all_zero_quantities_are_skipped_not_drawn() {
    let f = fixture::synthetic(200);
    let set = charts::extract(&context(&f));
    let stems: Vec<&str> = set.charts.iter().map(|c| c.stem.as_str()).collect();
    let skipped: Vec<&str> = set.skipped.iter().map(|s| s.name.as_str()).collect();
    for stem in [
        "revenue-fan-Zero-Land",
        "revenue-distribution-Zero-Land",
        "route-volumes-Zero-Land",
        "utilisation-fan-Zero-Cap",
    ] {
        assert!(!stems.contains(&stem), "{stem} drawn");
        assert!(skipped.contains(&stem), "{stem} not listed in {skipped:?}");
    }
    assert!(set.skipped.iter().all(|s| !s.reason.is_empty()));
    let zero_land = set
        .skipped
        .iter()
        .find(|s| s.name == "revenue-distribution-Zero-Land")
        .unwrap();
    assert_eq!(
        zero_land.reason,
        "Zero Land's revenue is zero in every trial"
    );
    let Some(ChartData::Panels(routes)) = set
        .charts
        .iter()
        .find(|c| c.stem == "route-volume-distributions")
        .map(|c| &c.data)
    else {
        panic!("no route panels");
    };
    assert!(routes.panels.iter().all(|p| p.title != "Dead Route"));
    assert_eq!(routes.omitted, ["Dead Route"]);
    // Drawing and writing pass the same list through, and write no file for it.
    let opts = ChartOptions {
        formats: Formats::BOTH,
        scale: 0.5,
        ..ChartOptions::default()
    };
    let drawn = charts::draw_all(&context(&f), &opts).unwrap();
    assert_eq!(drawn.skipped, set.skipped);
    let each = charts::draw_each(charts::extract(&context(&f)), &opts).unwrap();
    assert_eq!(each.skipped, set.skipped);
    let written: Vec<_> = each
        .charts
        .iter()
        .flat_map(|d| d.files(opts.formats))
        .collect();
    assert_eq!(written.len(), 2 * set.charts.len());
    assert!(
        written
            .iter()
            .all(|w| !skipped.iter().any(|s| w.path.contains(&format!("/{s}."))))
    );
}

/// With more than 1,000 trials the exceedance curves stop at P99.9: every curve's last point is
/// its histogram's 0.999 quantile at probability 1 in 1,000, the axis ends at the largest of
/// them (not at the largest trial), and the largest trial is kept for the note.
#[test]
fn exceedance_axis_ends_at_the_p99_9_point() {
    let f = fixture::synthetic(4000);
    let ctx = context(&f);
    let chart = charts::charts(&ctx)
        .into_iter()
        .find(|c| c.stem == "lost-revenue-exceedance")
        .unwrap();
    let ChartData::Exceedance(d) = &chart.data else {
        panic!("not an exceedance chart");
    };
    assert_eq!(d.min_probability, 0.001);
    let mut p999 = f64::MIN;
    for c in &d.curves {
        let (m, _) = ctx.metric("lost_revenue", &c.label).unwrap();
        let h = ctx.horizon_histogram(m);
        let expected = d.unit.show(h.quantile(0.999));
        assert_eq!(c.points.last(), Some(&(expected, 0.001)), "{}", c.label);
        assert_eq!(c.max, d.unit.show(h.max()));
        assert!(
            c.max > expected,
            "{}: the tail beyond P99.9 is noted",
            c.label
        );
        p999 = p999.max(expected);
    }
    let (_, hi) = charts::exceedance::x_range(&d.curves);
    assert_eq!(hi, p999);
    // The note names the tail that is not drawn.
    let svg = charts::svg(&chart, &ChartOptions::default()).unwrap();
    assert!(svg.contains("Curves stop at 1 in 1,000 (P99.9)"), "{svg}");
}

/// The baseline's producers lose revenue on scales far apart (Kazakhstan tens of USD bn,
/// Turkmenistan well under one): their exceedance curves get a panel each. 2,000 trials on a
/// fixed seed; the ratio is over a hundred, far from the rule's 10.
#[test]
fn baseline_exceedance_curves_get_panels() {
    use corridor::engine::{self, RunSpec, progress};
    use corridor::model::Model;
    use corridor::output::Results;
    use std::sync::atomic::AtomicBool;

    let loaded = corridor::scenario::load_baseline();
    let model = Model::compile(&loaded.scenario);
    let spec = RunSpec {
        seed: 42,
        first: 0,
        trials: 2_000,
        threads: None,
    };
    let hidden = progress::Progress::hidden();
    let run = engine::run(&model, spec, &AtomicBool::new(false), &hidden, None).unwrap();
    let results = Results::from_collector(&model, &run.collector, 42);
    let ctx = Context::from_scenario(&results, &run.collector, &loaded.scenario);
    let set = charts::extract(&ctx);
    for stem in ["lost-revenue-exceedance", "stranded-volume-exceedance"] {
        let chart = set.charts.iter().find(|c| c.stem == stem).unwrap();
        let ChartData::Exceedance(d) = &chart.data else {
            panic!("{stem}: not an exceedance chart");
        };
        assert!(d.panels, "{stem}: one axis for curves far apart");
        assert!(d.curves.iter().any(|c| c.label == "Turkmenistan"));
    }
}
