//! Paths that name one number of a scenario, shared by `corridor sweep --set`, `correlations`
//! and `sensitivity`'s output.
//!
//! Why one syntax: an analyst who sweeps `routes[CPC].differential` should correlate it under the
//! same name, and paste a name from a sensitivity ranking into either. Fields are separated by
//! `.`; `field[NAME]` selects the entry of a list whose `name` is NAME (`field[3]`, a number,
//! selects by position); a schedule's year is a plain segment; an enum variant the file writes
//! (`MeanReverting`, `Rate`) may be given or left out. What a path may name comes from the
//! description of every number (`fields.rs`), so this file knows no field by name.

use super::echo;
use super::fields::{FIELDS, Field, LISTS, List, Number, numbers};
use super::schema::Scenario;

/// A path segment: a field or map key, optionally with a `[selector]`.
pub(crate) fn segments(path: &str) -> Result<Vec<(String, Option<String>)>, String> {
    let mut out = Vec::new();
    let mut rest = path;
    while !rest.is_empty() {
        // A selector may contain '.', so find the segment end outside brackets.
        let mut end = rest.len();
        let mut depth = 0;
        for (i, c) in rest.char_indices() {
            match c {
                '[' => depth += 1,
                ']' => depth -= 1,
                '.' if depth == 0 => {
                    end = i;
                    break;
                }
                _ => {}
            }
        }
        let seg = &rest[..end];
        rest = rest.get(end + 1..).unwrap_or("");
        let (field, sel) = match seg.find('[') {
            Some(i) if seg.ends_with(']') => {
                (&seg[..i], Some(seg[i + 1..seg.len() - 1].to_string()))
            }
            Some(_) => return Err(format!("unclosed '[' in {seg:?}")),
            None => (seg, None),
        };
        if field.is_empty() {
            return Err(format!("empty field name in {path:?}"));
        }
        out.push((field.to_string(), sel));
    }
    if out.is_empty() {
        return Err("empty path".into());
    }
    Ok(out)
}

/// What a path names: a field, the entry that holds it and the year of a schedule entry. The
/// number need not exist yet (a sweep may add a year to a schedule).
#[derive(Debug, Clone, Copy)]
pub struct Target<'a> {
    pub field: &'static Field,
    pub entry: Option<(usize, &'a str)>,
    pub year: Option<i32>,
}

impl Target<'_> {
    /// Where the number sits in the serialised scenario (enum variants spelled out).
    pub fn tree_path(&self) -> String {
        let entry = match (self.field.list, self.entry) {
            (Some(list), Some((i, _))) => format!("{}[{i}].", list.field),
            _ => String::new(),
        };
        let year = self.year.map(|y| format!(".{y}")).unwrap_or_default();
        format!("{entry}{}{year}", self.field.tree_path())
    }
}

/// The entry of `list` that `sel` selects: by position if it is a number in range, else by name.
fn pick<'a>(s: &'a Scenario, list: &List, sel: &str) -> Result<(usize, &'a str), String> {
    let names = (list.names)(s);
    if let Ok(k) = sel.parse::<usize>()
        && let Some(name) = names.get(k)
    {
        return Ok((k, name));
    }
    names
        .iter()
        .position(|n| *n == sel)
        .map(|k| (k, names[k]))
        .ok_or_else(|| {
            format!(
                "{}[{}]: no entry named \"{}\"; known: {}",
                list.field,
                echo::literal(sel),
                echo::literal(sel),
                echo::list(names)
            )
        })
}

/// Whether `rest` spells `field` (variant segments optional); the year segment of a schedule.
fn spells<'p>(field: &Field, rest: &'p [(String, Option<String>)]) -> Option<Option<&'p str>> {
    if rest.iter().any(|(_, sel)| sel.is_some()) {
        return None;
    }
    let mut i = 0;
    for part in field.path.split('.') {
        match part.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
            Some(variant) => {
                if rest.get(i).is_some_and(|(f, _)| f == variant) {
                    i += 1;
                }
            }
            None if rest.get(i).is_some_and(|(f, _)| f == part) => i += 1,
            None => return None,
        }
    }
    match (field.by_year, &rest[i..]) {
        (false, []) => Some(None),
        (true, [(year, _)]) => Some(Some(year.as_str())),
        _ => None,
    }
}

/// How a list's fields are written, for messages: `tariff`, `capacity.YEAR`.
fn known_fields(list: Option<&List>) -> String {
    let mut names: Vec<String> = FIELDS
        .iter()
        .filter(|f| f.list.map(|l| l.field) == list.map(|l| l.field))
        .map(|f| {
            let year = if f.by_year { ".YEAR" } else { "" };
            format!("{}{year}", f.plain_path())
        })
        .collect();
    names.dedup();
    names.join(", ")
}

/// Resolves `path` to the field, entry and year it names. Errors say which segment did not match
/// and what would.
pub fn target<'a>(s: &'a Scenario, path: &str) -> Result<Target<'a>, String> {
    let segs = segments(path)?;
    let (list, entry, rest, here) = match segs.first() {
        Some((field, Some(sel))) => {
            let Some(list) = LISTS.iter().find(|l| l.field == field) else {
                return Err(not_a_number(path));
            };
            let entry = pick(s, list, sel)?;
            (
                Some(*list),
                Some(entry),
                &segs[1..],
                format!("{field}[{sel}]"),
            )
        }
        _ => (None, None, &segs[..], String::new()),
    };
    let same_list = |f: &&&Field| f.list.map(|l| l.field) == list.map(|l| l.field);
    let matched: Vec<(&'static Field, Option<&str>)> = FIELDS
        .iter()
        .filter(same_list)
        .filter_map(|f| spells(f, rest).map(|y| (*f, y)))
        .collect();
    if matched.is_empty() {
        if list.is_none() && rest.first().is_none_or(|(f, _)| f != "prices") {
            return Err(not_a_number(path));
        }
        let at = if here.is_empty() { path } else { &here };
        return Err(format!(
            "{at}: not a number of the scenario (numbers here: {})",
            known_fields(list)
        ));
    }
    // Variants of one place (a Rate or a Probability frequency): the one the file writes, else
    // the first.
    let present = |f: &Field| {
        numbers(s)
            .iter()
            .any(|n| std::ptr::eq(n.field, f) && n.entry.map(|e| e.0) == entry.map(|e| e.0))
    };
    let (field, year) = matched
        .iter()
        .find(|(f, _)| present(f))
        .copied()
        .unwrap_or(matched[0]);
    let year = match year {
        None => None,
        Some(y) => Some(y.parse::<i32>().map_err(|_| {
            format!(
                "{path}: {y:?} is not a year; a schedule's entries are named by year, e.g. {}.2027",
                field.plain_path()
            )
        })?),
    };
    Ok(Target { field, entry, year })
}

fn not_a_number(path: &str) -> String {
    let lists: Vec<String> = LISTS
        .iter()
        .filter(|l| FIELDS.iter().any(|f| f.list == Some(**l)))
        .map(|l| format!("{}[NAME]", l.field))
        .collect();
    format!(
        "{path}: not a path to a number of the scenario; paths start with {} or prices.benchmark",
        lists.join(", ")
    )
}

/// Resolves `path` to a number the scenario holds.
pub fn input_at<'a>(s: &'a Scenario, path: &str) -> Result<Number<'a>, String> {
    let t = target(s, path)?;
    let all = numbers(s);
    // Every variant of the place (a Rate or a Probability frequency).
    let same =
        |n: &Number| n.field.list == t.field.list && n.field.plain_path() == t.field.plain_path();
    let here: Vec<Number<'a>> = all
        .into_iter()
        .filter(|n| n.entry.map(|e| e.0) == t.entry.map(|e| e.0) && same(n))
        .collect();
    if let Some(n) = here
        .iter()
        .find(|n| n.year == t.year && std::ptr::eq(n.field, t.field))
    {
        return Ok(*n);
    }
    let Some(first) = here.first() else {
        let plain = t.field.plain_path();
        return Err(format!(
            "{path}: the scenario does not write {plain} here (numbers here: {})",
            written(s, t.entry.map(|e| e.0), t.field.list)
        ));
    };
    if !std::ptr::eq(first.field, t.field) {
        return Err(format!(
            "{path}: this entry writes {}, not {}",
            first.field.tree_path(),
            t.field.tree_path()
        ));
    }
    let years = echo::list(here.iter().filter_map(|n| n.year).map(|y| y.to_string()));
    Err(format!(
        "{}: no entry for year {} (years written: [{years}])",
        echo::literal(path),
        t.year.map_or_else(String::new, |y| y.to_string()),
    ))
}

/// The name paths an entry writes, for messages.
fn written(s: &Scenario, entry: Option<usize>, list: Option<&List>) -> String {
    let names: Vec<String> = numbers(s)
        .iter()
        .filter(|n| n.entry.map(|e| e.0) == entry && n.field.list == list)
        .map(|n| n.name_path())
        .collect();
    names.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::load_baseline;

    #[test]
    fn paths_resolve_to_model_names() {
        let s = load_baseline().scenario;
        let r = &s.routes[0].name;
        let i = input_at(&s, &format!("routes[{r}].differential")).unwrap();
        assert_eq!(i.stream_key(), format!("route/{r}/differential"));
        assert_eq!(
            input_at(&s, "routes[0].differential").unwrap().stream_key(),
            i.stream_key()
        );
        let i = input_at(&s, "prices.benchmark.MeanReverting.long_run").unwrap();
        assert_eq!(i.stream_key(), "prices/benchmark/long_run");
        assert_eq!(
            input_at(&s, "prices.benchmark.long_run")
                .unwrap()
                .stream_key(),
            i.stream_key()
        );
        let p = &s.producers[0];
        let y = p.production.anchors.keys().next().unwrap();
        let i = input_at(&s, &format!("producers[{}].production.anchors.{y}", p.name)).unwrap();
        assert_eq!(
            i.stream_key(),
            format!("producer/{}/production/{y}", p.name)
        );
        let d = &s.disruptions[0].name;
        let i = input_at(&s, &format!("disruptions[{d}].frequency")).unwrap();
        assert_eq!(i.tree_path(), "disruptions[0].frequency.Rate");
        assert!(input_at(&s, &format!("disruptions[{d}].frequency.Rate")).is_ok());
    }

    #[test]
    fn every_number_is_found_by_its_own_name_path() {
        let s = load_baseline().scenario;
        for n in numbers(&s) {
            let found = input_at(&s, &n.name_path()).unwrap();
            assert_eq!(found.stream_key(), n.stream_key(), "{}", n.name_path());
            assert_eq!(found.tree_path(), n.tree_path());
        }
    }

    #[test]
    fn bad_paths_say_what_would_match() {
        let s = load_baseline().scenario;
        let e = input_at(&s, "routes[Nowhere].differential").unwrap_err();
        assert!(e.contains("no entry named \"Nowhere\""), "{e}");
        let e = input_at(&s, "routes[0].diferential").unwrap_err();
        assert!(e.contains("differential"), "{e}");
        let e = input_at(&s, "horizon.trials").unwrap_err();
        assert!(e.contains("routes[NAME]"), "{e}");
        let e = input_at(&s, "routes[Aktau-Baku-BTC].contract_max.1990").unwrap_err();
        assert!(e.contains("no entry for year 1990"), "{e}");
        let e = input_at(&s, "routes[CPC].contract_max.2027").unwrap_err();
        assert!(e.contains("does not write contract_max"), "{e}");
        let d = &s.disruptions[0].name;
        let e = input_at(&s, &format!("disruptions[{d}].frequency.Probability")).unwrap_err();
        assert!(e.contains("frequency.Rate"), "{e}");
    }
}
