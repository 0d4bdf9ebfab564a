//! results.xlsx: a workbook that Excel's own format reader (calamine here) opens, whose cells
//! hold exactly the numbers of summary.json and percentiles.csv, with the scenario's inputs and
//! their sources, and native charts.

use crate::common;

use calamine::{Data, Range, Reader, Xlsx, open_workbook};
use serde_json::Value;

fn text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => panic!("expected text, got {other:?}"),
    }
}

fn float(d: &Data) -> f64 {
    match d {
        Data::Float(f) => *f,
        Data::Int(i) => *i as f64,
        other => panic!("expected a number, got {other:?}"),
    }
}

#[test]
fn the_workbook_holds_the_numbers_of_summary_json() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    common::corridor()
        .args(["run", "scenarios/btc-expansion.ron", "--trials", "400"])
        .args(["--seed", "3", "--charts", "none", "-q", "--out"])
        .arg(&out)
        .assert()
        .success();
    let summary = common::read_json(&out.join("summary.json"));
    let metrics = summary["metrics"].as_object().unwrap();
    let mut wb: Xlsx<_> = open_workbook(out.join("results.xlsx")).unwrap();
    let sheets = wb.sheet_names();
    for s in [
        "Key results",
        "Percentiles",
        "revenue",
        "route_volume",
        "Exceedance",
        "Inputs",
        "Charts",
    ] {
        assert!(sheets.iter().any(|x| x == s), "{s} in {sheets:?}");
    }

    // Key results: one row per metric, every horizon statistic equal to summary.json's.
    let key: Range<Data> = wb.worksheet_range("Key results").unwrap();
    let mut rows = key.rows();
    let head: Vec<String> = rows.next().unwrap().iter().map(text).collect();
    let mut n = 0;
    for row in rows {
        let id = format!("{}/{}", text(&row[0]), text(&row[1]));
        let h = &metrics[&id]["horizon"];
        assert_eq!(Value::from(text(&row[2])), metrics[&id]["unit"], "{id}");
        for (c, name) in head.iter().enumerate().skip(3) {
            assert_eq!(float(&row[c]), h[name].as_f64().unwrap(), "{id} {name}");
        }
        n += 1;
    }
    assert_eq!(n, metrics.len());

    // Percentiles: the rows of percentiles.csv, typed (a numeric year, empty on horizon rows).
    let p: Range<Data> = wb.worksheet_range("Percentiles").unwrap();
    let csv_text = std::fs::read_to_string(out.join("percentiles.csv")).unwrap();
    let mut rdr = csv::Reader::from_reader(csv_text.as_bytes());
    let mut rows = p.rows();
    let head: Vec<String> = rows.next().unwrap().iter().map(text).collect();
    assert_eq!(
        head,
        rdr.headers().unwrap().iter().collect::<Vec<_>>(),
        "same columns"
    );
    let mut count = 0;
    for (row, rec) in rows.zip(rdr.records()) {
        let rec = rec.unwrap();
        for c in [0, 1, 2, 3, 5] {
            assert_eq!(text(&row[c]), &rec[c]);
        }
        match &row[4] {
            Data::Empty => assert_eq!(&rec[4], ""),
            y => assert_eq!(float(y), rec[4].parse::<f64>().unwrap()),
        }
        assert_eq!(float(&row[6]), rec[6].parse::<f64>().unwrap());
        count += 1;
    }
    assert_eq!(count, csv_text.lines().count() - 1);

    // A by-year sheet: Kazakhstan's median revenue in each year.
    let rev: Range<Data> = wb.worksheet_range("revenue").unwrap();
    let mut rows = rev.rows();
    let head: Vec<String> = rows.next().unwrap().iter().map(text).collect();
    let p50 = head.iter().position(|h| h == "p50").unwrap();
    let mut years = 0;
    for row in rows.filter(|r| text(&r[0]) == "Kazakhstan") {
        let y = float(&row[2]) as i64;
        let want = metrics["revenue/Kazakhstan"]["by_year"][y.to_string()]["p50"]
            .as_f64()
            .unwrap();
        assert_eq!(float(&row[p50]), want, "{y}");
        years += 1;
    }
    assert_eq!(years, summary["years"].as_array().unwrap().len());

    // Inputs: the variant's own annotation and the baseline's inherited one.
    let inputs: Range<Data> = wb.worksheet_range("Inputs").unwrap();
    let find = |path: &str| {
        inputs
            .rows()
            .find(|r| text(&r[0]) == path)
            .unwrap_or_else(|| panic!("{path}"))
            .to_vec()
    };
    let tankers = find("assets[Caspian tankers].capacity.2027");
    assert_eq!(float(&tankers[3]), 13.7);
    assert_eq!(text(&tankers[7]), "caspian-tankers");
    assert_eq!(text(&tankers[8]), "yes");
    let btc = find("assets[BTC].capacity.2025");
    assert_eq!(
        text(&btc[7]),
        "btc-capacity, contradiction-btc-capacity, btc-effective-capacity"
    );
    assert_eq!(text(&btc[8]), "no");

    // Native charts: the package holds chart parts (their names are stored uncompressed).
    let bytes = std::fs::read(out.join("results.xlsx")).unwrap();
    let has = |name: &str| bytes.windows(name.len()).any(|w| w == name.as_bytes());
    assert!(has("xl/charts/chart1.xml") && has("xl/drawings/drawing1.xml"));
}

#[test]
fn the_same_run_writes_the_same_workbook() {
    let dir = tempfile::tempdir().unwrap();
    let run = |name: &str| {
        let out = dir.path().join(name);
        common::corridor()
            .args(["run", "--trials", "200", "--seed", "9", "--charts", "none"])
            .args(["-q", "--out"])
            .arg(&out)
            .assert()
            .success();
        std::fs::read(out.join("results.xlsx")).unwrap()
    };
    assert!(run("a") == run("b"), "results.xlsx differs between reruns");
}

/// compare's, sweep's and sensitivity's workbooks: the key table holds every cell of the
/// command's CSV, numbers as number cells equal to the CSV's to the last bit, the inputs of
/// every scenario with their sources, and a native chart.
#[test]
fn analysis_workbooks_hold_their_csv_inputs_and_a_chart() {
    let dir = tempfile::tempdir().unwrap();
    let runs: [(&str, &[&str], &str, &[&str]); 3] = [
        (
            "compare",
            &[
                "compare",
                "scenarios/baseline.ron",
                "scenarios/btc-expansion.ron",
                "--trials",
                "100",
            ],
            "Comparison",
            &["Inputs 1 baseline", "Inputs 2 btc-expansion"],
        ),
        (
            "sweep",
            &[
                "sweep",
                "scenarios/baseline.ron",
                "--set",
                "producers[Kazakhstan].export_share=0.8,0.9",
                "--trials",
                "100",
            ],
            "Sweep",
            &["Inputs"],
        ),
        (
            "sensitivity",
            &["sensitivity", "scenarios/baseline.ron", "--trials", "16"],
            "Sensitivity",
            &["Inputs"],
        ),
    ];
    for (name, args, key, inputs) in runs {
        let out = dir.path().join(name);
        common::corridor()
            .args(args)
            .args(["--seed", "5", "--charts", "none", "-q", "--out"])
            .arg(&out)
            .assert()
            .success();
        let mut wb: Xlsx<_> = open_workbook(out.join("results.xlsx")).unwrap();
        let table: Range<Data> = wb.worksheet_range(key).unwrap();
        let csv_text = std::fs::read_to_string(out.join(format!("{name}.csv"))).unwrap();
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(csv_text.as_bytes());
        let mut rows = 0;
        for (row, rec) in table.rows().zip(rdr.records()) {
            let rec = rec.unwrap();
            for (c, cell) in rec.iter().enumerate() {
                let got = row.get(c).unwrap_or(&Data::Empty);
                match cell.parse::<f64>() {
                    Ok(v) if rows > 0 => assert_eq!(float(got), v, "{name} row {rows} col {c}"),
                    _ => assert_eq!(text(got), cell, "{name} row {rows} col {c}"),
                }
            }
            rows += 1;
        }
        assert_eq!(rows, csv_text.lines().count(), "{name}: every CSV row");
        for sheet in inputs {
            let r: Range<Data> = wb.worksheet_range(sheet).unwrap();
            let cpc = r
                .rows()
                .find(|r| text(&r[0]) == "assets[CPC pipeline].capacity.2025")
                .unwrap_or_else(|| panic!("{name} {sheet}"));
            assert!(!text(&cpc[7]).is_empty(), "{name} {sheet}: a source");
        }
        let bytes = std::fs::read(out.join("results.xlsx")).unwrap();
        let has = |n: &str| bytes.windows(n.len()).any(|w| w == n.as_bytes());
        assert!(has("xl/charts/chart1.xml"), "{name}: a native chart");
    }
}
