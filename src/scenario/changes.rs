//! What a variant changes against the scenario it extends, in words (`explain`'s first section).
//!
//! Why: a reviewer of a variant should read its effect, not diff two RON files. Every number is
//! named by its field's label and unit (`fields.rs`), so a new field shows up here without an
//! edit; the other facts (chains, tags, seasons, regimes) are listed by hand.

use std::fmt::{Display, Write};

use super::explain::{describe, describe_fraction};
use super::fields::{
    ASSETS, DISRUPTIONS, FORCED_EVENTS, List, MARKET_RESPONSES, PRODUCERS, ROUTES, Value, numbers,
};
use super::load::Loaded;
use super::schema::{Benchmark, Moves, Scenario};

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

/// Every fact of a scenario, in words, keyed by entry and field: each entry's own facts, then
/// its numbers as `fields.rs` labels them.
fn facts(s: &Scenario) -> Vec<Fact> {
    let numbers = numbers(s);
    let mut f: Vec<Fact> = Vec::new();
    // The numbers of one entry (`None`: the top level), labelled "capacity (Mt/yr) from 2026".
    let numbers_of = |f: &mut Vec<Fact>, list: Option<&List>, i: usize, entry: &str| {
        for n in numbers
            .iter()
            .filter(|n| n.field.list == list && n.entry.is_none_or(|e| e.0 == i))
        {
            let unit = n.field.unit;
            let mut label = if unit == "fraction" {
                n.field.label.to_string()
            } else {
                format!("{} ({unit})", n.field.label)
            };
            if let Some(y) = n.year {
                let _ = write!(label, " from {y}");
            }
            let value = match n.value {
                Value::Uncertain(u) if unit == "fraction" => describe_fraction(u),
                Value::Uncertain(u) => describe(u),
                Value::Plain(v) if unit == "fraction" => format!("{}%", fmt(100.0 * v)),
                Value::Plain(v) => fmt(v),
            };
            f.push((entry.to_string(), label, value));
        }
    };
    let add = |f: &mut Vec<Fact>, entry: &str, field: &str, value: String| {
        f.push((entry.to_string(), field.to_string(), value));
    };
    add(&mut f, "", "name", s.name.clone());
    add(&mut f, "", "description", s.description.clone());
    let h = &s.horizon;
    add(&mut f, "", "first year", h.first_year.to_string());
    add(&mut f, "", "last year", h.last_year.to_string());
    add(&mut f, "", "default trials", opt(h.trials));
    add(&mut f, "", "default seed", opt(h.seed));
    for (i, p) in s.producers.iter().enumerate() {
        let e = format!("producer \"{}\"", p.name);
        add(
            &mut f,
            &e,
            "interpolation",
            format!("{:?}", p.production.interpolation),
        );
        add(&mut f, &e, "priority", p.priority.to_string());
        let plan: Vec<String> = p
            .supply_plan
            .iter()
            .map(|x| format!("{} Mt/yr from {} to {}", x.rate, x.start, x.end))
            .collect();
        let plan = if plan.is_empty() {
            "none".to_string()
        } else {
            plan.join("; ")
        };
        add(&mut f, &e, "supply plan", plan);
        numbers_of(&mut f, Some(&PRODUCERS), i, &e);
    }
    for (i, x) in s.assets.iter().enumerate() {
        let e = format!("asset \"{}\"", x.name);
        add(&mut f, &e, "kind", format!("{:?}", x.kind));
        add(
            &mut f,
            &e,
            "owner",
            x.owner.clone().unwrap_or_else(|| "none".into()),
        );
        numbers_of(&mut f, Some(&ASSETS), i, &e);
    }
    for (i, r) in s.routes.iter().enumerate() {
        let e = format!("route \"{}\"", r.name);
        add(&mut f, &e, "producers", r.producers.join(", "));
        add(&mut f, &e, "market", r.market.clone());
        add(&mut f, &e, "chain", r.assets.join(" → "));
        if let Some(x) = &r.reservation {
            let terms = if x.ship_or_pay {
                "ship-or-pay"
            } else {
                "option"
            };
            add(&mut f, &e, "reservation", terms.into());
        }
        numbers_of(&mut f, Some(&ROUTES), i, &e);
    }
    for (i, d) in s.disruptions.iter().enumerate() {
        let e = format!("disruption \"{}\"", d.name);
        add(&mut f, &e, "hits", d.assets.join(" + "));
        add(&mut f, &e, "tags", d.tags.join(", "));
        add(
            &mut f,
            &e,
            "years",
            d.years.map_or("all".into(), |(x, y)| format!("{x}–{y}")),
        );
        add(
            &mut f,
            &e,
            "season",
            d.season
                .as_ref()
                .map_or("all year".into(), |s| format!("{} to {}", s.from, s.to)),
        );
        numbers_of(&mut f, Some(&DISRUPTIONS), i, &e);
    }
    for (i, x) in s.forced_events.iter().enumerate() {
        let e = format!("forced event \"{}\"", x.name);
        add(&mut f, &e, "assets", x.assets.join(" + "));
        add(&mut f, &e, "from", x.start.clone());
        add(&mut f, &e, "to", x.end.clone());
        numbers_of(&mut f, Some(&FORCED_EVENTS), i, &e);
    }
    for (i, m) in s.market_responses.iter().enumerate() {
        let e = format!("market response \"{}\"", m.name);
        add(&mut f, &e, "lost on", m.assets.join(" + "));
        let moves = match &m.moves {
            Moves::Benchmark => "the benchmark".to_string(),
            Moves::Differentials(r) => format!("differentials of {}", r.join(", ")),
        };
        add(&mut f, &e, "moves", moves);
        add(&mut f, &e, "over", format!("{:?}", m.over).to_lowercase());
        numbers_of(&mut f, Some(&MARKET_RESPONSES), i, &e);
    }
    for r in &s.regimes {
        let e = format!("regime \"{}\"", r.name);
        add(&mut f, &e, "initial probability", fmt(r.initial));
        let next: Vec<String> = r.next.iter().map(|p| fmt(*p)).collect();
        add(&mut f, &e, "next-year probabilities", next.join(", "));
        for (y, row) in &r.next_by_year {
            let row: Vec<String> = row.iter().map(|p| fmt(*p)).collect();
            add(
                &mut f,
                &e,
                &format!("next-year probabilities from {y}"),
                row.join(", "),
            );
        }
        for (k, v) in &r.frequency_multipliers {
            add(&mut f, &e, &format!("{k} events ×"), fmt(*v));
        }
        for (k, v) in &r.differential_add {
            add(
                &mut f,
                &e,
                &format!("{k} differential add (USD/bbl)"),
                fmt(*v),
            );
        }
    }
    let kind = match &s.prices.benchmark {
        Benchmark::MeanReverting { .. } => "mean-reverting",
        Benchmark::PerYear(_) => "drawn each year",
    };
    add(&mut f, "", "benchmark", kind.into());
    numbers_of(&mut f, None, 0, "");
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
            &mut f,
            "",
            &format!("correlation group {}", i + 1),
            format!("{}: rank {}", c.inputs.join(", "), rows.join(" ")),
        );
    }
    f
}

fn opt<T: Display>(v: Option<T>) -> String {
    v.map_or("none".into(), |v| v.to_string())
}

/// Numbers in this text: at most 4 decimals.
fn fmt(v: f64) -> String {
    crate::format::decimals(v, 4)
}
