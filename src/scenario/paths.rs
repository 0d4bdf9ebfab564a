//! Paths that name one number of a scenario, shared by `corridor sweep --set` and `correlations`.
//!
//! Why one syntax: an analyst who sweeps `routes[CPC].differential` should correlate it under the
//! same name. Fields are separated by `.`; `field[NAME]` selects the entry of a list whose `name`
//! is NAME (`field[3]`, a number, selects by position); a map key (a schedule's year) is a plain
//! segment. `sweep` applies a path to the serialised tree; `input_at` resolves it to the model
//! input it feeds, whose name keys the input's random stream (`model::compile`).

use std::collections::BTreeMap;

use super::echo;
use super::schema::{Benchmark, Frequency, Scenario};
use super::uncertain::Uncertain;

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

/// One uncertain input named by a path: the model's name for it (its stream key) and its value.
#[derive(Debug, Clone)]
pub struct NamedInput<'a> {
    /// The name `model::compile` registers it under, e.g. `route/CPC/differential`.
    pub name: String,
    /// Plain words for `explain`, e.g. `the differential of route CPC`.
    pub label: String,
    pub value: &'a Uncertain,
    pub drawn: Drawn,
}

/// When the model draws an input, where the field does not leave it to the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Drawn {
    /// Per trial or per year, as the file writes it (`PerYear(...)` or not).
    AsWritten,
    /// Anew for each event (durations, severities).
    PerEvent,
    /// Anew each year whatever the file writes (a `PerYear` benchmark price).
    EachYear,
}

/// The entry of `items` that `sel` selects: by position if it is a number in range, else by name.
fn pick<'a, T>(
    items: &'a [T],
    sel: &str,
    name: impl Fn(&T) -> &str,
    list: &str,
) -> Result<&'a T, String> {
    if let Ok(k) = sel.parse::<usize>()
        && let Some(x) = items.get(k)
    {
        return Ok(x);
    }
    items.iter().find(|x| name(x) == sel).ok_or_else(|| {
        let names: Vec<&str> = items.iter().map(&name).collect();
        format!(
            "{list}[{}]: no entry named \"{}\" (names: {})",
            echo::literal(sel),
            echo::literal(sel),
            echo::list(names)
        )
    })
}

/// The entry for `year` of a schedule.
fn entry<'a>(
    sched: &'a BTreeMap<i32, Uncertain>,
    year: &str,
    at: &str,
) -> Result<&'a Uncertain, String> {
    year.parse::<i32>()
        .ok()
        .and_then(|y| sched.get(&y))
        .ok_or_else(|| {
            let years = echo::list(sched.keys().map(i32::to_string));
            let year = echo::literal(year);
            format!("{at}.{year}: no entry for year {year} (years written: [{years}])")
        })
}

/// `path` with the enum variant segments it may leave out written in, as the scenario's tree
/// holds them: `prices.benchmark.volatility` → `prices.benchmark.MeanReverting.volatility`,
/// `disruptions[X].frequency` → `disruptions[X].frequency.Rate`, `prices.benchmark` →
/// `prices.benchmark.PerYear`. Any other path is returned as it is.
pub fn with_variants(s: &Scenario, path: &str) -> String {
    let Ok(mut segs) = segments(path) else {
        return path.to_string();
    };
    let variant = match segs.as_slice() {
        [(p, None), (b, None), (f, None)] if p == "prices" && b == "benchmark" => {
            match s.prices.benchmark {
                Benchmark::MeanReverting { .. } if f != "MeanReverting" => {
                    Some((2, "MeanReverting"))
                }
                _ => None,
            }
        }
        [(p, None), (b, None)] if p == "prices" && b == "benchmark" => match s.prices.benchmark {
            Benchmark::PerYear(_) => Some((2, "PerYear")),
            Benchmark::MeanReverting { .. } => None,
        },
        [(d, Some(sel)), (f, None)] if d == "disruptions" && f == "frequency" => {
            pick(&s.disruptions, sel, |d| &d.name, "disruptions")
                .ok()
                .map(|d| match d.frequency {
                    Frequency::Rate(_) => (2, "Rate"),
                    Frequency::Probability(_) => (2, "Probability"),
                })
        }
        _ => None,
    };
    let Some((at, name)) = variant else {
        return path.to_string();
    };
    segs.insert(at, (name.to_string(), None));
    segs.iter()
        .map(|(f, sel)| match sel {
            Some(sel) => format!("{f}[{sel}]"),
            None => f.clone(),
        })
        .collect::<Vec<_>>()
        .join(".")
}

/// Resolves `path` to the uncertain input it names. Errors say which segment did not match and
/// what would.
pub fn input_at<'a>(s: &'a Scenario, path: &str) -> Result<NamedInput<'a>, String> {
    let segs = segments(path)?;
    let segs: Vec<(&str, Option<&str>)> = segs
        .iter()
        .map(|(f, sel)| (f.as_str(), sel.as_deref()))
        .collect();
    let input = |name: String, label: String, value: &'a Uncertain| NamedInput {
        name,
        label,
        value,
        drawn: Drawn::AsWritten,
    };
    let unknown = |at: &str, fields: &[&str]| -> String {
        format!("{at}: not an uncertain number of the scenario (numbers here: {fields:?})")
    };
    match segs.as_slice() {
        [("producers", Some(sel)), rest @ ..] => {
            let p = pick(&s.producers, sel, |p| &p.name, "producers")?;
            let at = format!("producer/{}", p.name);
            let of = |what: &str| format!("{what} of producer {}", p.name);
            let here = format!("producers[{sel}]");
            match rest {
                [("export_share", None)] => Ok(input(
                    format!("{at}/export_share"),
                    of("the export share"),
                    &p.export_share,
                )),
                [("domestic_refining", None)] => Ok(input(
                    format!("{at}/domestic_refining"),
                    of("the domestic refining"),
                    &p.domestic_refining,
                )),
                [("barrels_per_tonne", None)] => Ok(input(
                    format!("{at}/barrels_per_tonne"),
                    of("the barrels per tonne"),
                    &p.barrels_per_tonne,
                )),
                [("production", None), ("anchors", None), (y, None)] => Ok(input(
                    format!("{at}/production/{y}"),
                    of(&format!("the {y} production")),
                    entry(
                        &p.production.anchors,
                        y,
                        &format!("{here}.production.anchors"),
                    )?,
                )),
                [("production", None), ("growth", None), (y, None)] => Ok(input(
                    format!("{at}/growth/{y}"),
                    of(&format!("the growth rate from {y}")),
                    entry(
                        &p.production.growth,
                        y,
                        &format!("{here}.production.growth"),
                    )?,
                )),
                _ => Err(unknown(
                    &here,
                    &[
                        "export_share",
                        "domestic_refining",
                        "barrels_per_tonne",
                        "production.anchors.YEAR",
                        "production.growth.YEAR",
                    ],
                )),
            }
        }
        [("assets", Some(sel)), rest @ ..] => {
            let a = pick(&s.assets, sel, |a| &a.name, "assets")?;
            let at = format!("asset/{}", a.name);
            let here = format!("assets[{sel}]");
            match rest {
                [("tariff", None)] => Ok(input(
                    format!("{at}/tariff"),
                    format!("the tariff of asset {}", a.name),
                    &a.tariff,
                )),
                [("capacity", None), (y, None)] => Ok(input(
                    format!("{at}/capacity/{y}"),
                    format!("the capacity of asset {} from {y}", a.name),
                    entry(&a.capacity, y, &format!("{here}.capacity"))?,
                )),
                _ => Err(unknown(&here, &["tariff", "capacity.YEAR"])),
            }
        }
        [("routes", Some(sel)), rest @ ..] => {
            let r = pick(&s.routes, sel, |r| &r.name, "routes")?;
            let at = format!("route/{}", r.name);
            let here = format!("routes[{sel}]");
            let of = |what: &str| format!("{what} of route {}", r.name);
            match rest {
                [("tariff", None)] => Ok(input(
                    format!("{at}/tariff"),
                    of("the extra tariff"),
                    &r.tariff,
                )),
                [("differential", None)] => Ok(input(
                    format!("{at}/differential"),
                    of("the differential"),
                    &r.differential,
                )),
                [(field @ ("contract_min" | "contract_max"), None), (y, None)] => {
                    let sched = if *field == "contract_min" {
                        &r.contract_min
                    } else {
                        &r.contract_max
                    };
                    Ok(input(
                        format!("{at}/{field}/{y}"),
                        of(&format!("the {} from {y}", field.replace('_', " "))),
                        entry(sched, y, &format!("{here}.{field}"))?,
                    ))
                }
                _ => Err(unknown(
                    &here,
                    &[
                        "tariff",
                        "differential",
                        "contract_min.YEAR",
                        "contract_max.YEAR",
                    ],
                )),
            }
        }
        [("disruptions", Some(sel)), rest @ ..] => {
            let d = pick(&s.disruptions, sel, |d| &d.name, "disruptions")?;
            let here = format!("disruptions[{sel}]");
            let (variant, freq) = match &d.frequency {
                Frequency::Rate(u) => ("Rate", u),
                Frequency::Probability(u) => ("Probability", u),
            };
            match rest {
                [("frequency", None)] => {}
                [("frequency", None), (v, None)] if *v == variant => {}
                [(field @ ("duration_days" | "severity"), None)] => {
                    let value = if *field == "severity" {
                        &d.severity
                    } else {
                        &d.duration_days
                    };
                    return Ok(NamedInput {
                        name: format!("disruption/{}/{field}", d.name),
                        label: format!("the {field} of disruption {}", d.name),
                        value,
                        drawn: Drawn::PerEvent,
                    });
                }
                _ => {
                    return Err(unknown(
                        &here,
                        &[&format!("frequency (or frequency.{variant})")],
                    ));
                }
            }
            Ok(input(
                format!("disruption/{}/frequency", d.name),
                format!("the frequency of disruption {}", d.name),
                freq,
            ))
        }
        [("prices", None), ("benchmark", None), rest @ ..] => match &s.prices.benchmark {
            Benchmark::MeanReverting {
                start,
                long_run,
                reversion,
                volatility,
            } => {
                let field = match rest {
                    [("MeanReverting", None), (f, None)] | [(f, None)] => *f,
                    _ => "",
                };
                let (value, words) = match field {
                    "start" => (start, "the benchmark price in the first year"),
                    "long_run" => (long_run, "the benchmark's long-run level"),
                    "reversion" => (reversion, "the benchmark's reversion speed"),
                    "volatility" => (volatility, "the benchmark's volatility"),
                    _ => {
                        return Err(unknown(
                            "prices.benchmark.MeanReverting",
                            &["start", "long_run", "reversion", "volatility"],
                        ));
                    }
                };
                Ok(input(
                    format!("prices/benchmark/{field}"),
                    words.to_string(),
                    value,
                ))
            }
            Benchmark::PerYear(u) => match rest {
                [] | [("PerYear", None)] => Ok(NamedInput {
                    name: "prices/benchmark".into(),
                    label: "the benchmark price".into(),
                    value: u,
                    drawn: Drawn::EachYear,
                }),
                _ => Err(unknown("prices.benchmark", &["PerYear"])),
            },
        },
        _ => Err(format!(
            "{path}: not a path to an uncertain number; paths start with producers[NAME], \
             assets[NAME], routes[NAME], disruptions[NAME] or prices.benchmark"
        )),
    }
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
        assert_eq!(i.name, format!("route/{r}/differential"));
        assert_eq!(input_at(&s, "routes[0].differential").unwrap().name, i.name);
        let i = input_at(&s, "prices.benchmark.MeanReverting.long_run").unwrap();
        assert_eq!(i.name, "prices/benchmark/long_run");
        assert_eq!(
            input_at(&s, "prices.benchmark.long_run").unwrap().name,
            i.name
        );
        let p = &s.producers[0];
        let y = p.production.anchors.keys().next().unwrap();
        let i = input_at(&s, &format!("producers[{}].production.anchors.{y}", p.name)).unwrap();
        assert_eq!(i.name, format!("producer/{}/production/{y}", p.name));
    }

    #[test]
    fn variants_that_may_be_left_out_are_written_in() {
        let s = load_baseline().scenario;
        assert_eq!(
            with_variants(&s, "prices.benchmark.volatility"),
            "prices.benchmark.MeanReverting.volatility"
        );
        let full = "prices.benchmark.MeanReverting.volatility";
        assert_eq!(with_variants(&s, full), full);
        let d = &s.disruptions[0];
        let variant = match d.frequency {
            Frequency::Rate(_) => "Rate",
            Frequency::Probability(_) => "Probability",
        };
        assert_eq!(
            with_variants(&s, &format!("disruptions[{}].frequency", d.name)),
            format!("disruptions[{}].frequency.{variant}", d.name)
        );
        let other = "routes[0].contract_max.2027";
        assert_eq!(with_variants(&s, other), other);
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
        let e = input_at(&s, "routes[0].contract_max.1990").unwrap_err();
        assert!(e.contains("no entry for year 1990"), "{e}");
    }
}
