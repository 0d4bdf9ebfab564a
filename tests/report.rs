//! `report.md` and `report.html`: the Markdown pinned by a snapshot, the HTML checked for being
//! self-contained and complete, and `corridor run` end to end with the chart options.

use crate::common::{self, insta};

use std::path::Path;

use crate::common::fixture::{self, Fixture};
use assert_cmd::Command;
use corridor::output::charts::{self, ChartOptions, Context, Drawn, Formats};
use corridor::output::report::{self, Page};

fn context(f: &Fixture) -> Context<'_> {
    Context::new(&f.results, &f.collector, f.routes.clone())
}

fn page<'a>(f: &'a Fixture, ctx: &'a Context, drawn: &'a [Drawn], formats: Formats) -> Page<'a> {
    Page {
        results: &f.results,
        info: &f.info,
        explain: "Scenario \"fixture\": 2025–2027 (3 years)\n  a <b>plain</b> & simple account\n",
        charts: drawn,
        formats,
        routes: &ctx.routes,
        skipped: &[],
        observations: &ctx.observations,
        inputs: &[],
    }
}

/// The charts without drawing them (the Markdown only names and links them).
fn undrawn(ctx: &Context) -> Vec<Drawn> {
    charts::charts(ctx)
        .into_iter()
        .map(|chart| Drawn {
            chart,
            svg: String::new(),
            png: None,
        })
        .collect()
}

#[test]
fn markdown_snapshot() {
    let f = fixture::synthetic(400);
    let ctx = context(&f);
    let drawn = undrawn(&ctx);
    let skipped = charts::extract(&ctx).skipped;
    let mut p = page(&f, &ctx, &drawn, Formats::BOTH);
    p.skipped = &skipped;
    let md = report::markdown::render(&p.document());
    insta::assert_snapshot!("report_md", md);
}

#[test]
fn markdown_links_what_was_written() {
    let f = fixture::synthetic(50);
    let ctx = context(&f);
    let drawn = undrawn(&ctx);
    let png_only = Formats {
        svg: false,
        png: true,
    };
    let md = report::markdown::render(&page(&f, &ctx, &drawn, png_only).document());
    assert!(md.contains("](charts/revenue-fan-Kazakhstan.png)"));
    assert!(!md.contains(".svg)"));
    let md = report::markdown::render(&page(&f, &ctx, &[], Formats::NONE).document());
    assert!(md.contains("Charts were not drawn"));
    assert!(!md.contains("](charts/"));
    // Timing never appears, so reruns give the same file.
    assert!(!md.contains("Simulation time") && !md.contains("UTC"));
}

#[test]
fn html_is_self_contained_and_complete() {
    let f = fixture::synthetic(300);
    let ctx = context(&f);
    let opts = ChartOptions {
        formats: Formats::BOTH,
        scale: 1.0,
        ..ChartOptions::default()
    };
    let set = charts::draw_all(&ctx, &opts).unwrap();
    let drawn = set.charts;
    let mut p = page(&f, &ctx, &drawn, Formats::BOTH);
    p.skipped = &set.skipped;
    let html = report::html::render(&p.document());
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.trim_end().ends_with("</html>"));
    // Nothing to fetch: no scripts, stylesheets, images or fonts from elsewhere.
    for banned in [
        "<script",
        "<link",
        "<img",
        "<iframe",
        "@import",
        "url(",
        "src=\"http",
        "href=\"http",
    ] {
        assert!(!html.contains(banned), "report.html contains {banned:?}");
    }
    // Every chart inline, with its caption and links to its files.
    assert_eq!(html.matches("<svg ").count(), drawn.len());
    for d in &drawn {
        assert!(html.contains(&format!("<figure id=\"{}\">", d.chart.stem)));
        assert!(html.contains(&escape(&d.chart.caption)), "{}", d.chart.stem);
        assert!(html.contains(&format!("href=\"charts/{}.svg\"", d.chart.stem)));
        assert!(html.contains(&format!("href=\"charts/{}.png\"", d.chart.stem)));
    }
    // The explain text, escaped; the tables; run metadata with the UTC finish time.
    assert!(html.contains("a &lt;b&gt;plain&lt;/b&gt; &amp; simple account"));
    for t in [
        "Producers: totals over 2025–2027",
        "Routes: volume shipped",
        "Assets: utilisation",
    ] {
        assert!(html.contains(t), "{t}");
    }
    assert!(html.contains("Azer/baijan"));
    assert!(html.contains("2026-01-01 00:00 UTC"));
    // Charts of quantities that are zero in every trial are not drawn; the report says so in
    // their section.
    assert!(html.contains("Not drawn: Zero Cap carried nothing in any trial."));
    assert!(html.contains("Not drawn: Zero Land&#39;s revenue is zero in every trial."));
    assert!(!html.contains("revenue-fan-Zero-Land"));
    // Printing: figures are kept whole.
    assert!(html.contains("@media print") && html.contains("break-inside: avoid"));
}

/// The baseline's inputs in both reports: one row per number under its sweep path, and every
/// cited source quoted in the report with an anchor its links reach.
#[test]
fn inputs_and_assumptions_trace_every_input_to_a_quoted_source() {
    let f = fixture::synthetic(50);
    let ctx = context(&f);
    let s = corridor::scenario::load_baseline().scenario;
    let rows = corridor::scenario::inputs::all(&s);
    let mut p = page(&f, &ctx, &[], Formats::NONE);
    p.inputs = &rows;
    let html = report::html::render(&p.document());
    let md = report::markdown::render(&p.document());
    assert!(html.contains("<a href=\"#inputs\">Inputs and assumptions</a>"));
    assert!(
        html.contains("<td>assets[CPC pipeline]<wbr>.<wbr>capacity.<wbr>2025</td><td>fixed</td>")
    );
    assert!(md.contains("| assets\\[CPC pipeline\\].capacity.2025 | fixed |  | 72.5 |  | Mt/yr | fixed | [cpc-capacity](#cpc-capacity) |  |"), "{md}");
    // An assumption says why; numbers at the format's default are left out.
    assert!(html.contains("yes: half-life about 1.4 years"));
    assert!(!md.contains("assets\\[CPC pipeline\\].storage\\_days"));
    assert!(md.contains("assets\\[CPC marine terminal\\].storage\\_days"));
    let mut links = 0;
    for (i, _) in html.match_indices("href=\"#src-") {
        let id = &html[i + 11..i + 11 + html[i + 11..].find('"').unwrap()];
        assert!(html.contains(&format!("id=\"src-{id}\"")), "{id}");
        links += 1;
    }
    assert!(links > 40, "{links}");
    for (i, _) in md.match_indices("](#") {
        let id = &md[i + 3..i + 3 + md[i + 3..].find(')').unwrap()];
        assert!(md.contains(&format!("<a id=\"{id}\"></a>")), "{id}");
    }
    // The quoted entry holds the figure and its public source, with the URL as a link.
    assert!(html.contains("<a href=\"https://daryo.uz/en/2025/05/28/"));
    assert!(md.contains("Kazakh section 72.5 Mt/yr"));
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

fn corridor() -> Command {
    Command::cargo_bin("corridor").unwrap()
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

#[test]
fn run_writes_charts_and_reports() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let assert = corridor()
        .args(["run", "--trials", "300", "--seed", "5", "--threads", "2"])
        .args(["--charts", "svg", "--chart-size", "640x400", "--out"])
        .arg(&out)
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    assert!(stdout.contains("report.html"), "{stdout}");
    // The console summary shows stranded volume beside revenue and losses, and every file the
    // run wrote is named in its closing lines.
    assert!(stdout.contains("stranded_volume/Kazakhstan"), "{stdout}");
    let files = names(&out);
    for f in &files {
        let f = if f == "charts" { "charts/" } else { f.as_str() };
        if f != "manifest.json" {
            assert!(stdout.contains(f), "{f} not named in:\n{stdout}");
        }
    }
    assert!(files.contains(&"report.html".to_string()) && files.contains(&"report.md".to_string()));
    // The baseline has make-up, so the producers' table shows what was made up (the synthetic
    // fixture has none, and its pinned report has no such row).
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.contains("Made up later in the year"), "{md}");
    let charts = names(&out.join("charts"));
    assert!(
        charts.contains(&"revenue-fan-Kazakhstan.svg".to_string()),
        "{charts:?}"
    );
    assert!(
        charts.contains(&"utilisation-fan-BTC.svg".to_string()),
        "{charts:?}"
    );
    // Baku-Supsa has no capacity in the baseline: no utilisation chart.
    assert!(
        !charts.iter().any(|c| c.contains("Baku-Supsa")),
        "{charts:?}"
    );
    assert!(charts.iter().all(|c| c.ends_with(".svg")), "{charts:?}");
    let svg = std::fs::read_to_string(out.join("charts/revenue-fan-Kazakhstan.svg")).unwrap();
    assert!(svg.starts_with("<svg width=\"640\" height=\"400\""));

    // A rerun with the same seed refreshes the files in place, byte for byte, whatever the
    // thread count.
    let before: Vec<Vec<u8>> = charts
        .iter()
        .map(|c| std::fs::read(out.join("charts").join(c)).unwrap())
        .collect();
    let md = std::fs::read(out.join("report.md")).unwrap();
    corridor()
        .args([
            "run",
            "--trials",
            "300",
            "--seed",
            "5",
            "--threads",
            "1",
            "--quiet",
        ])
        .args(["--charts", "svg", "--chart-size", "640x400", "--out"])
        .arg(&out)
        .assert()
        .success();
    assert_eq!(names(&out.join("charts")), charts);
    for (c, bytes) in charts.iter().zip(&before) {
        assert_eq!(
            &std::fs::read(out.join("charts").join(c)).unwrap(),
            bytes,
            "{c}"
        );
    }
    assert_eq!(std::fs::read(out.join("report.md")).unwrap(), md);
}

#[test]
fn run_with_png_only_and_with_no_charts() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("png");
    corridor()
        .args([
            "run",
            "--trials",
            "200",
            "--quiet",
            "--charts",
            "png",
            "--chart-size",
            "480x320",
        ])
        .args(["--chart-scale", "1.5", "--out"])
        .arg(&out)
        .assert()
        .success();
    let charts = names(&out.join("charts"));
    assert!(
        !charts.is_empty() && charts.iter().all(|c| c.ends_with(".png")),
        "{charts:?}"
    );
    let png = std::fs::read(out.join("charts/revenue-fan-Kazakhstan.png")).unwrap();
    let reader = png::Decoder::new(std::io::Cursor::new(png))
        .read_info()
        .unwrap();
    assert_eq!((reader.info().width, reader.info().height), (720, 480));

    let out = tmp.path().join("none");
    corridor()
        .args([
            "run", "--trials", "200", "--quiet", "--charts", "none", "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    assert!(!out.join("charts").exists());
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("Charts were not drawn") && !html.contains("<svg"));
}

#[test]
fn bad_chart_options_are_usage_errors() {
    for args in [
        ["--charts", "gif"],
        ["--charts", "none,svg"],
        ["--chart-size", "1200"],
        ["--chart-size", "10x10"],
        ["--chart-scale", "0"],
        ["--chart-scale", "abc"],
    ] {
        corridor().arg("run").args(args).assert().code(2);
    }
}

/// The two scenarios the report snapshots run: the minimal scenario with an uncertain output
/// (a per-trial input for sensitivity to rank) and a cited capacity, and a variant whose pipe is
/// too small for it (stranded volume, lost revenue).
fn report_scenarios(dir: &Path) {
    let a = common::edit(
        common::MINIMAL,
        "production: (anchors: { 2025: 10.0 })",
        "production: (anchors: { 2025: Uniform(min: 9.0, max: 11.0) })",
    );
    let a = common::edit(
        &a,
        "    prices: (",
        "    sources: {\n        \"assets[Pipe].capacity\": Cited(source: \"cpc-capacity\"),\n    },\n    prices: (",
    );
    let b = common::edit(&a, "capacity: { 2025: 100.0 }", "capacity: { 2025: 9.5 }");
    let b = common::edit(&b, "name: \"minimal\"", "name: \"narrow\"");
    std::fs::write(dir.join("a.ron"), a).unwrap();
    std::fs::write(dir.join("b.ron"), b).unwrap();
}

/// report.md of every command, pinned whole at a fixed seed and few trials: what was run, the
/// key tables at the precision their intervals support, chart links and captions, the inputs
/// with their quoted sources, the metadata. report.md holds no timing, so it is byte-identical on
/// every machine. To update after a deliberate change: `INSTA_UPDATE=always cargo test --release
/// --test commands -- report::every_command` (or `cargo insta review`), then read the diff of
/// tests/snapshots/report__*_md.snap before committing it.
#[test]
fn every_command_writes_a_pinned_report_md() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    report_scenarios(d);
    let commands: [(&str, &[&str]); 4] = [
        ("run", &["run", "a.ron", "--trials", "200"]),
        ("compare", &["compare", "a.ron", "b.ron", "--trials", "200"]),
        (
            "sweep",
            &[
                "sweep",
                "a.ron",
                "--set",
                "assets[Pipe].capacity.2025=9,10,12",
                "--trials",
                "200",
            ],
        ),
        ("sensitivity", &["sensitivity", "a.ron", "--trials", "64"]),
    ];
    for (name, args) in commands {
        let out = format!("out-{name}");
        corridor()
            .current_dir(d)
            .args(args)
            .args(["--seed", "11", "--charts", "svg", "-q", "--out", &out])
            .assert()
            .success();
        let md = std::fs::read_to_string(d.join(&out).join("report.md")).unwrap();
        let html = std::fs::read_to_string(d.join(&out).join("report.html")).unwrap();
        // Every chart written is in the report, with its caption.
        for chart in names(&d.join(&out).join("charts")) {
            let stem = chart.trim_end_matches(".svg");
            assert!(md.contains(&format!("(charts/{chart})")), "{name}: {chart}");
            assert!(
                html.contains(&format!("<figure id=\"{stem}\">")),
                "{name}: {chart}"
            );
        }
        // Every input traces to a source quoted in the report.
        assert!(md.contains("#### cpc-capacity"), "{name}");
        assert!(html.contains("id=\"src-cpc-capacity\""), "{name}");
        insta::assert_snapshot!(format!("{name}_md"), md);
    }
}
