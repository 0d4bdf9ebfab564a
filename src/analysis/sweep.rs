//! `corridor sweep`: one scenario, one or two of its numbers set to a list of values, every
//! variant on common random numbers.
//!
//! Why paths into the parsed scenario rather than text substitution: a path names the number
//! the way `check` names problems (`routes[Aktau-Baku-BTC].contract_max.2027`), entries of lists
//! are selected by their `name` (stable when files are reordered), and every variant goes
//! through the same validation as a file, so a sweep cannot run a scenario `check` would refuse.
//!
//! Path syntax (`scenario::paths`, shared with `correlations`): fields separated by `.`; `field[NAME]` selects the entry of a list whose `name`
//! is NAME (`field[3]`, a number, selects by position); a map key (a schedule's year) is a plain
//! segment. Examples: `routes[CPC].contract_max.2027`, `assets[CPC pipeline].capacity.2025`,
//! `producers[Kazakhstan].export_share`, `prices.benchmark.MeanReverting.long_run`. The value
//! replaces whatever was there (a number or a distribution) with a fixed number; a fixed number
//! cannot be correlated, so the input also leaves any `correlations` group it was in.
//!
//! The mechanics: the scenario is turned into a JSON tree (serde), the path is set there, and the
//! tree is read back into a `Scenario`, so every field of the schema is reachable without a
//! hand-written setter per field.

use std::str::FromStr;

use serde_json::Value;

use crate::scenario::Scenario;
use crate::scenario::echo;
use crate::scenario::paths::{input_at, segments, target};
use crate::scenario::validate::validate;

/// One `--set PATH=V1,V2,...`.
#[derive(Debug, Clone, PartialEq)]
pub struct SetArg {
    pub path: String,
    pub values: Vec<f64>,
}

impl FromStr for SetArg {
    type Err = String;

    fn from_str(s: &str) -> Result<SetArg, String> {
        let Some((path, values)) = s.rsplit_once('=') else {
            return Err(format!(
                "expected PATH=V1,V2,..., e.g. routes[Aktau-Baku-BTC].contract_max.2027=4,7,10 (got {s:?})"
            ));
        };
        let path = path.trim();
        if path.is_empty() {
            return Err(format!("the path before '=' is empty in {s:?}"));
        }
        let values = values
            .split(',')
            .map(|v| {
                v.trim()
                    .parse::<f64>()
                    .ok()
                    .filter(|x| x.is_finite())
                    .ok_or_else(|| format!("{v:?} is not a finite number (in {s:?})"))
            })
            .collect::<Result<Vec<f64>, String>>()?;
        if values.is_empty() {
            return Err(format!("no values after '=' in {s:?}"));
        }
        Ok(SetArg {
            path: path.to_string(),
            values,
        })
    }
}

/// Sets the number at `path` in `scenario` to `value`; errors say which segment did not match.
pub fn set(scenario: &Scenario, path: &str, value: f64) -> Result<Scenario, String> {
    let mut tree = serde_json::to_value(scenario).map_err(|e| e.to_string())?;
    // The description says where the number sits in the serialised tree (list positions, enum
    // variants a path may leave out), so every name a path may use is resolved here, once.
    let segs = segments(&target(scenario, path)?.tree_path())?;
    let mut node = &mut tree;
    let mut at = String::new();
    for (i, (field, sel)) in segs.iter().enumerate() {
        let last = i + 1 == segs.len() && sel.is_none();
        at.push_str(if at.is_empty() { "" } else { "." });
        at.push_str(field);
        let Value::Object(map) = node else {
            return Err(format!("{at}: not a field of a record"));
        };
        if last {
            // A schedule may gain a new year; other fields must exist.
            let known = map.contains_key(field.as_str());
            let is_schedule_key = field.parse::<i32>().is_ok();
            if !known && !is_schedule_key {
                let fields = echo::list(map.keys());
                return Err(format!("{at}: no such field (fields here: {fields})"));
            }
            map.insert(field.clone(), serde_json::json!(value));
            break;
        }
        // Empty schedules and defaulted fields are not serialised: create them empty (a wrong
        // name is then refused when the tree is read back, naming the unknown field).
        node = map
            .entry(field.clone())
            .or_insert_with(|| Value::Object(serde_json::Map::new()));
        if let Some(sel) = sel {
            at.push_str(&format!("[{sel}]"));
            let Value::Array(items) = node else {
                return Err(format!(
                    "{at}: [..] selects from a list, and this is not one"
                ));
            };
            let pos = match sel.parse::<usize>() {
                Ok(k) if k < items.len() => Some(k),
                _ => items
                    .iter()
                    .position(|x| x.get("name").and_then(Value::as_str) == Some(sel.as_str())),
            };
            let Some(pos) = pos else {
                let names: Vec<&str> = items
                    .iter()
                    .filter_map(|x| x.get("name").and_then(Value::as_str))
                    .collect();
                return Err(format!(
                    "{at}: no entry named \"{}\"; known: {}",
                    echo::literal(sel),
                    echo::list(names)
                ));
            };
            node = &mut items[pos];
            if i + 1 == segs.len() {
                return Err(format!("{at}: a whole entry cannot be set to a number"));
            }
        }
    }
    let mut set: Scenario =
        serde_json::from_value(tree).map_err(|e| format!("{path}: cannot hold a number ({e})"))?;
    uncorrelate(&mut set, path);
    Ok(set)
}

/// Takes the input at `path`, now a fixed number, out of any `correlations` group (its row and
/// column dropped; a group left with one input is dropped), so that sweeping a correlated input
/// is not refused as "a fixed number cannot be correlated". The other inputs keep their
/// correlations with each other.
fn uncorrelate(s: &mut Scenario, path: &str) {
    let Ok(target) = input_at(s, path).map(|i| i.stream_key()) else {
        return;
    };
    let lists: Vec<Vec<bool>> = s
        .correlations
        .iter()
        .map(|c| {
            c.inputs
                .iter()
                .map(|p| input_at(s, p).is_ok_and(|i| i.stream_key() == target))
                .collect()
        })
        .collect();
    for (c, drop) in s.correlations.iter_mut().zip(&lists) {
        if !drop.iter().any(|&d| d) {
            continue;
        }
        let keep = |k: &usize| !drop.get(*k).copied().unwrap_or(false);
        c.inputs = c
            .inputs
            .iter()
            .enumerate()
            .filter(|(k, _)| keep(k))
            .map(|(_, p)| p.clone())
            .collect();
        c.rank = c
            .rank
            .iter()
            .enumerate()
            .filter(|(k, _)| keep(k))
            .map(|(_, row)| {
                row.iter()
                    .enumerate()
                    .filter(|(k, _)| keep(k))
                    .map(|(_, x)| *x)
                    .collect()
            })
            .collect();
    }
    s.correlations.retain(|c| c.inputs.len() >= 2);
}

/// Two `--set`s that name the same number (however written: `routes[0]` or `routes[CPC]`, with
/// or without a variant segment) would make a grid whose second axis silently overrides the
/// first.
fn refuse_same_number(base: &Scenario, sets: &[SetArg]) -> Result<(), String> {
    let id = |path: &str| target(base, path).map_or_else(|_| path.to_string(), |t| t.tree_path());
    for (k, a) in sets.iter().enumerate() {
        for b in &sets[k + 1..] {
            if id(&a.path) == id(&b.path) {
                return Err(format!(
                    "{} and {} name the same number, so the second would override the first in \
                     every variant; give all its values in one --set",
                    echo::literal(&a.path),
                    echo::literal(&b.path)
                ));
            }
        }
    }
    Ok(())
}

/// One variant of a sweep: the values set and the scenario.
#[derive(Debug, Clone)]
pub struct Variant {
    pub values: Vec<f64>,
    pub scenario: Scenario,
}

/// Every combination of the values of `sets` (the first varies slowest), each set and
/// validated. Errors name the first value that makes an invalid scenario.
pub fn variants(base: &Scenario, sets: &[SetArg]) -> Result<Vec<Variant>, String> {
    refuse_same_number(base, sets)?;
    let mut combos: Vec<Vec<f64>> = vec![Vec::new()];
    for s in sets {
        combos = combos
            .into_iter()
            .flat_map(|c| {
                s.values.iter().map(move |&v| {
                    let mut c = c.clone();
                    c.push(v);
                    c
                })
            })
            .collect();
    }
    combos
        .into_iter()
        .map(|values| {
            let mut scenario = base.clone();
            for (s, &v) in sets.iter().zip(&values) {
                scenario = set(&scenario, &s.path, v)?;
            }
            let problems = validate(&scenario);
            if let Some(p) = problems.first() {
                let what: Vec<String> = sets
                    .iter()
                    .zip(&values)
                    .map(|(s, v)| format!("{}={v}", s.path))
                    .collect();
                // Bounded like a scenario's messages: `--set x=1e308` is not echoed in 309 digits.
                return Err(echo::bound(&format!(
                    "with {}: {}: {} ({} problem(s))",
                    what.join(", "),
                    p.path,
                    p.message,
                    problems.len()
                )));
            }
            Ok(Variant { values, scenario })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{Uncertain, load_baseline};

    #[test]
    fn set_args_parse() {
        let s: SetArg = "routes[Aktau-Baku-BTC].contract_max.2027=4, 7,10"
            .parse()
            .unwrap();
        assert_eq!(s.path, "routes[Aktau-Baku-BTC].contract_max.2027");
        assert_eq!(s.values, vec![4.0, 7.0, 10.0]);
        assert!("routes=".parse::<SetArg>().is_err());
        assert!("=1,2".parse::<SetArg>().is_err());
        assert!("a.b=1,x".parse::<SetArg>().is_err());
        assert!("a.b=inf".parse::<SetArg>().is_err());
    }

    #[test]
    fn paths_select_by_name_and_key() {
        let base = load_baseline().scenario;
        let route = base.routes[0].name.clone();
        let s = set(&base, &format!("routes[{route}].contract_max.2030"), 3.5).unwrap();
        assert_eq!(
            s.routes[0].contract_max.get(&2030),
            Some(&Uncertain::Number(3.5))
        );
        let producer = base.producers[0].name.clone();
        let s = set(&base, &format!("producers[{producer}].export_share"), 0.5).unwrap();
        assert_eq!(s.producers[0].export_share, Uncertain::Number(0.5));
        let s = set(&base, "routes[0].tariff", 12.0).unwrap();
        assert_eq!(s.routes[0].tariff, Uncertain::Number(12.0));
        // Everything else is untouched.
        let mut back = s.clone();
        back.routes[0].tariff = base.routes[0].tariff.clone();
        assert_eq!(back, base);
    }

    #[test]
    fn bad_paths_say_where() {
        let base = load_baseline().scenario;
        let e = set(&base, "routes[Nowhere].tariff", 1.0).unwrap_err();
        assert!(e.contains("no entry named \"Nowhere\""), "{e}");
        let e = set(&base, "routes[0].tarif", 1.0).unwrap_err();
        assert!(e.contains("not a number of the scenario"), "{e}");
        assert!(e.contains("contract_max.YEAR"), "{e}");
        let e = set(&base, "routes[0].tarif.2027", 1.0).unwrap_err();
        assert!(e.contains("routes[0]"), "{e}");
        let e = set(&base, "name", 1.0).unwrap_err();
        assert!(e.contains("not a path to a number"), "{e}");
        let e = set(&base, "routes[0].contract_max.soon", 1.0).unwrap_err();
        assert!(e.contains("not a year"), "{e}");
    }

    #[test]
    fn a_swept_input_leaves_its_correlation_group() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("scenarios/black-sea-escalation.ron");
        let base = crate::scenario::load_file(&path).unwrap().scenario;
        assert_eq!(base.correlations.len(), 1);
        let s = set(&base, "prices.benchmark.MeanReverting.long_run", 80.0).unwrap();
        assert!(s.correlations.is_empty());
        assert!(validate(&s).is_empty(), "{:?}", validate(&s));
        let sets = [SetArg {
            path: "routes[CPC].differential".into(),
            values: vec![-1.0, -0.5],
        }];
        assert_eq!(variants(&base, &sets).unwrap().len(), 2);
    }

    #[test]
    fn benchmark_paths_may_leave_out_the_variant() {
        let base = load_baseline().scenario;
        let short = set(&base, "prices.benchmark.volatility", 0.25).unwrap();
        let full = set(&base, "prices.benchmark.MeanReverting.volatility", 0.25).unwrap();
        assert_eq!(short, full);
        assert_ne!(short, base);
        let crate::scenario::schema::Benchmark::MeanReverting { volatility, .. } =
            &short.prices.benchmark
        else {
            panic!("the baseline's benchmark is mean-reverting");
        };
        assert_eq!(volatility, &Uncertain::Number(0.25));
        let d = base.disruptions[0].name.clone();
        let s = set(&base, &format!("disruptions[{d}].frequency"), 0.125).unwrap();
        assert_eq!(validate(&s), Vec::new());
        assert_ne!(s.disruptions[0].frequency, base.disruptions[0].frequency);
    }

    #[test]
    fn the_same_number_on_both_axes_is_refused() {
        let base = load_baseline().scenario;
        let route = base.routes[0].name.clone();
        for (a, b) in [
            (
                "prices.benchmark.volatility",
                "prices.benchmark.MeanReverting.volatility",
            ),
            ("routes[0].tariff", &format!("routes[{route}].tariff")),
            ("routes[0].contract_max.2099", "routes[0].contract_max.2099"),
        ] {
            let sets = [
                SetArg {
                    path: a.into(),
                    values: vec![0.2, 0.3],
                },
                SetArg {
                    path: b.into(),
                    values: vec![0.4, 0.5],
                },
            ];
            let e = variants(&base, &sets).unwrap_err();
            assert!(e.contains("name the same number"), "{e}");
        }
    }

    #[test]
    fn invalid_values_are_refused_like_check() {
        let base = load_baseline().scenario;
        let producer = base.producers[0].name.clone();
        let sets = [SetArg {
            path: format!("producers[{producer}].export_share"),
            values: vec![0.5, 2.0],
        }];
        let e = variants(&base, &sets).unwrap_err();
        assert!(e.contains("=2"), "{e}");
        let sets = [SetArg {
            path: format!("producers[{producer}].export_share"),
            values: vec![1e308],
        }];
        let e = variants(&base, &sets).unwrap_err();
        assert!(e.contains("export_share=1e308:"), "{e}");
        assert!(e.contains("but it is 1e308"), "{e}");
        let sets = [
            SetArg {
                path: "routes[0].tariff".into(),
                values: vec![1.0, 2.0],
            },
            SetArg {
                path: format!("producers[{producer}].export_share"),
                values: vec![0.5, 0.6, 0.7],
            },
        ];
        let v = variants(&base, &sets).unwrap();
        assert_eq!(v.len(), 6);
        assert_eq!(v[1].values, vec![1.0, 0.6]);
    }
}
