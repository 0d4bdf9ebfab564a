//! What a variant changes against the scenario it extends, in words (`explain`'s first section).
//!
//! Why: a reviewer of a variant should read its effect, not diff two RON files. Every number is
//! named by its field's label and unit (`fields.rs`), so a new field shows up here without an
//! edit; the other facts (chains, tags, seasons, regimes) are listed by hand.

use std::fmt::{Display, Write};

use super::explain::describe;
use super::load::Loaded;
use super::schema::{Frequency, Scenario, Schedule};

/// One described fact: (entry label, field label, value in words).
type Fact = (String, String, String);

/// The `Changes against BASE` section of `explain`, or `None` for a file that extends nothing.
pub fn changes_section(loaded: &Loaded) -> Option<String> {
    let base = loaded.base.as_ref()?;
    let mut o = String::new();
    let _ = writeln!(
        o,
        "Changes against {} (what {} overrides; everything else is inherited)",
        base.file, loaded.file
    );
    let lines = changes(&base.scenario, &loaded.scenario);
    if lines.is_empty() {
        let _ = writeln!(o, "  none: the file repeats what it extends");
    }
    for l in lines {
        let _ = writeln!(o, "  {l}");
    }
    Some(o)
}

/// Differences between two scenarios, one line each: changed fields `old → new`, added entries
/// with all their fields, removed entries by name.
pub fn changes(old: &Scenario, new: &Scenario) -> Vec<String> {
    let (a, b) = (facts(old), facts(new));
    let entries = |f: &[Fact]| {
        let mut v: Vec<String> = Vec::new();
        for (e, _, _) in f {
            if !v.contains(e) {
                v.push(e.clone());
            }
        }
        v
    };
    let fields = |f: &[Fact], entry: &str| -> Vec<(String, String)> {
        f.iter()
            .filter(|(e, _, _)| e == entry)
            .map(|(_, k, v)| (k.clone(), v.clone()))
            .collect()
    };
    let (old_entries, new_entries) = (entries(&a), entries(&b));
    let mut out = Vec::new();
    for entry in &old_entries {
        let before = fields(&a, entry);
        if !new_entries.contains(entry) {
            out.push(format!("removed {entry}"));
            continue;
        }
        let after = fields(&b, entry);
        let prefix = if entry.is_empty() {
            String::new()
        } else {
            format!("{entry}: ")
        };
        let mut keys: Vec<&String> = before.iter().map(|(k, _)| k).collect();
        keys.extend(
            after
                .iter()
                .map(|(k, _)| k)
                .filter(|k| !before.iter().any(|(b, _)| b == *k)),
        );
        for k in keys {
            let find = |f: &[(String, String)]| f.iter().find(|(x, _)| x == k).map(|x| x.1.clone());
            let (was, now) = (find(&before), find(&after));
            if was != now {
                out.push(format!(
                    "{prefix}{k}: {} → {}",
                    was.unwrap_or_else(|| "none".into()),
                    now.unwrap_or_else(|| "none".into())
                ));
            }
        }
    }
    for entry in new_entries.iter().filter(|e| !old_entries.contains(e)) {
        let what: Vec<String> = fields(&b, entry)
            .into_iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect();
        out.push(format!("added {entry}: {}", what.join("; ")));
    }
    out
}

/// Every fact of a scenario, in words, keyed by entry and field.
fn facts(s: &Scenario) -> Vec<Fact> {
    let mut f: Vec<Fact> = Vec::new();
    let mut add = |entry: &str, field: String, value: String| {
        f.push((entry.to_string(), field, value));
    };
    let schedule = |add: &mut dyn FnMut(String, String), label: &str, sched: &Schedule| {
        for (y, v) in sched {
            add(format!("{label} from {y}"), describe(v));
        }
    };
    add("", "name".into(), s.name.clone());
    add("", "description".into(), s.description.clone());
    let h = &s.horizon;
    add("", "first year".into(), h.first_year.to_string());
    add("", "last year".into(), h.last_year.to_string());
    add("", "default trials".into(), opt(h.trials));
    add("", "default seed".into(), opt(h.seed));
    for p in &s.producers {
        let e = format!("producer \"{}\"", p.name);
        let mut a = |k: String, v: String| add(&e, k, v);
        for (y, v) in &p.production.anchors {
            a(format!("production in {y} (Mt)"), describe(v));
        }
        a(
            "interpolation".into(),
            format!("{:?}", p.production.interpolation),
        );
        schedule(&mut a, "growth", &p.production.growth);
        a("export share".into(), describe(&p.export_share));
        a(
            "domestic refining (Mt/yr)".into(),
            describe(&p.domestic_refining),
        );
        a("barrels per tonne".into(), describe(&p.barrels_per_tonne));
        a("priority".into(), p.priority.to_string());
    }
    for x in &s.assets {
        let e = format!("asset \"{}\"", x.name);
        let mut a = |k: String, v: String| add(&e, k, v);
        a("kind".into(), format!("{:?}", x.kind));
        schedule(&mut a, "capacity (Mt/yr)", &x.capacity);
        a(
            "owner".into(),
            x.owner.clone().unwrap_or_else(|| "none".into()),
        );
        a("tariff (USD/t)".into(), describe(&x.tariff));
        a("storage days".into(), x.storage_days.to_string());
    }
    for r in &s.routes {
        let e = format!("route \"{}\"", r.name);
        let mut a = |k: String, v: String| add(&e, k, v);
        a("producers".into(), r.producers.join(", "));
        a("market".into(), r.market.clone());
        a("chain".into(), r.assets.join(" → "));
        a("extra tariff (USD/t)".into(), describe(&r.tariff));
        a("differential (USD/bbl)".into(), describe(&r.differential));
        schedule(&mut a, "contract minimum (Mt/yr)", &r.contract_min);
        schedule(&mut a, "contract maximum (Mt/yr)", &r.contract_max);
    }
    for d in &s.disruptions {
        let e = format!("disruption \"{}\"", d.name);
        let mut a = |k: String, v: String| add(&e, k, v);
        a("hits".into(), d.assets.join(" + "));
        a("tags".into(), d.tags.join(", "));
        let (k, v) = match &d.frequency {
            Frequency::Rate(u) => ("events per year", describe(u)),
            Frequency::Probability(u) => ("chance of an event each year", describe(u)),
        };
        a("frequency".into(), format!("{v} {k}"));
        a("duration (days)".into(), describe(&d.duration_days));
        a("severity (fraction lost)".into(), describe(&d.severity));
        a(
            "years".into(),
            d.years.map_or("all".into(), |(x, y)| format!("{x}–{y}")),
        );
        a(
            "season".into(),
            d.season
                .as_ref()
                .map_or("all year".into(), |s| format!("{} to {}", s.from, s.to)),
        );
    }
    for x in &s.forced_events {
        let e = format!("forced event \"{}\"", x.name);
        let mut a = |k: String, v: String| add(&e, k, v);
        a("assets".into(), x.assets.join(" + "));
        a("from".into(), x.start.clone());
        a("to".into(), x.end.clone());
        a(
            "capacity left".into(),
            format!("{}%", fmt(100.0 * x.capacity_left)),
        );
    }
    for r in &s.regimes {
        let e = format!("regime \"{}\"", r.name);
        let mut a = |k: String, v: String| add(&e, k, v);
        a("initial probability".into(), fmt(r.initial));
        let next: Vec<String> = r.next.iter().map(|p| fmt(*p)).collect();
        a("next-year probabilities".into(), next.join(", "));
        for (k, v) in &r.frequency_multipliers {
            a(format!("{k} events ×"), fmt(*v));
        }
        for (k, v) in &r.differential_add {
            a(format!("{k} differential add (USD/bbl)"), fmt(*v));
        }
    }
    match &s.prices.benchmark {
        super::schema::Benchmark::MeanReverting {
            start,
            long_run,
            reversion,
            volatility,
        } => {
            add("", "benchmark".into(), "mean-reverting".into());
            add("", "benchmark start (USD/bbl)".into(), describe(start));
            add(
                "",
                "benchmark long run (USD/bbl)".into(),
                describe(long_run),
            );
            add("", "benchmark reversion".into(), describe(reversion));
            add("", "benchmark volatility".into(), describe(volatility));
        }
        super::schema::Benchmark::PerYear(u) => {
            add(
                "",
                "benchmark".into(),
                format!("drawn each year: {}", describe(u)),
            );
        }
    }
    for (i, c) in s.correlations.iter().enumerate() {
        let rows: Vec<String> = c
            .rank
            .iter()
            .map(|r| {
                let r: Vec<String> = r.iter().map(|x| fmt(*x)).collect();
                format!("[{}]", r.join(", "))
            })
            .collect();
        add(
            "",
            format!("correlation group {}", i + 1),
            format!("{}: rank {}", c.inputs.join(", "), rows.join(" ")),
        );
    }
    f
}

fn opt<T: Display>(v: Option<T>) -> String {
    v.map_or("none".into(), |v| v.to_string())
}

fn fmt(v: f64) -> String {
    let s = format!("{v:.4}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}
