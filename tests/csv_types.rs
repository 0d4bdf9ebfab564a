//! Every CSV that corridor writes loads with one type per column in pandas, R and Excel: each
//! column holds text, or numbers with empty cells, never both (a `year` column that mixed years
//! with the word `horizon` loaded as text, and `year == 2025` silently matched nothing). Checked
//! without pandas: a cell is a number if it parses as one, as pandas' and R's readers would
//! parse it.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Default, Clone, Copy)]
struct Kinds {
    numbers: usize,
    text: usize,
    empty: usize,
}

/// The CSV files under `dir`, recursively.
fn csvs(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(csvs(&p));
        } else if p.extension().is_some_and(|e| e == "csv") {
            out.push(p);
        }
    }
    out
}

/// Per column: how many cells are numbers, text, empty.
fn column_kinds(path: &Path) -> BTreeMap<String, Kinds> {
    let mut rdr = csv::Reader::from_path(path).unwrap();
    let header: Vec<String> = rdr.headers().unwrap().iter().map(String::from).collect();
    let mut kinds: Vec<Kinds> = vec![Kinds::default(); header.len()];
    for rec in rdr.records() {
        let rec = rec.unwrap();
        assert_eq!(rec.len(), header.len(), "{}: ragged row", path.display());
        for (k, cell) in kinds.iter_mut().zip(rec.iter()) {
            if cell.is_empty() {
                k.empty += 1;
            } else if cell.parse::<f64>().is_ok() {
                k.numbers += 1;
            } else {
                k.text += 1;
            }
        }
    }
    header.into_iter().zip(kinds).collect()
}

fn run(args: &[&str], out: &Path) {
    common::corridor()
        .args(args)
        .args(["--charts", "none", "-q", "--out"])
        .arg(out)
        .assert()
        .success();
}

#[test]
fn every_csv_column_holds_one_type() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    run(
        &[
            "run",
            "scenarios/baseline.ron",
            "--trials",
            "300",
            "--keep-trials",
        ],
        &d.join("run"),
    );
    run(
        &[
            "compare",
            "scenarios/baseline.ron",
            "scenarios/btc-expansion.ron",
            "--trials",
            "200",
        ],
        &d.join("compare"),
    );
    run(
        &[
            "sweep",
            "scenarios/baseline.ron",
            "--set",
            "producers[Kazakhstan].export_share=0.8,0.9",
            "--trials",
            "100",
        ],
        &d.join("sweep"),
    );
    run(
        &["sensitivity", "scenarios/baseline.ron", "--trials", "32"],
        &d.join("sensitivity"),
    );
    let files = csvs(d);
    let names: Vec<String> = files
        .iter()
        .map(|f| f.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    for expected in [
        "percentiles.csv",
        "intervals.csv",
        "tails.csv",
        "trials.csv",
        "compare.csv",
        "sweep.csv",
        "sensitivity.csv",
    ] {
        assert!(
            names.iter().any(|n| n == expected),
            "{expected} in {names:?}"
        );
    }
    for f in &files {
        for (column, k) in column_kinds(f) {
            assert!(
                k.numbers == 0 || k.text == 0,
                "{}: column {column} mixes {} numbers with {} text cells",
                f.display(),
                k.numbers,
                k.text
            );
            assert!(
                k.numbers + k.text > 0,
                "{}: column {column} is empty",
                f.display()
            );
        }
    }
    // percentiles.csv: `year` is numeric, empty exactly on the horizon rows.
    let p = column_kinds(&d.join("run/percentiles.csv"));
    assert!(p["year"].numbers > 0 && p["year"].text == 0);
    let mut rdr = csv::Reader::from_path(d.join("run/percentiles.csv")).unwrap();
    for rec in rdr.records() {
        let rec = rec.unwrap();
        assert_eq!(rec[3] == *"horizon", rec[4].is_empty(), "{rec:?}");
    }
}
