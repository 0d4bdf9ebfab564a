//! A scenario in plain language, for reviewers who should not have to read RON to check it.
//!
//! Says who produces what (and in which years an output cap binds), which routes exist and what
//! limits or reserves them, how often each asset is expected to be hit in each year (`hazard.rs`),
//! what regimes change and how prices respond to lost capacity.

use std::fmt::Write;

use super::Uncertain;
use super::schema::{Benchmark, Frequency, Moves, Over, Producer, Scenario, Schedule, Sharing};
use super::uncertain::Timed;
use crate::distributions::DistSpec;

/// The scenario in plain language, then its inputs and their sources.
pub fn explain(s: &Scenario) -> String {
    let mut o = overview(s);
    inputs(s, &mut o);
    o
}

/// The scenario in plain language without the inputs table (which the reports show as a table
/// of their own).
pub fn overview(s: &Scenario) -> String {
    let mut o = String::new();
    let h = &s.horizon;
    let _ = writeln!(
        o,
        "Scenario \"{}\": {}–{} ({} years)",
        s.name,
        h.first_year,
        h.last_year,
        h.last_year - h.first_year + 1
    );
    if !s.description.is_empty() {
        let _ = writeln!(o, "{}", s.description.trim());
    }

    let _ = writeln!(
        o,
        "\nProducers (served on shared assets in priority order, highest first, after every \
         producer's reservations and contract minimums)"
    );
    for p in &s.producers {
        let anchors: Vec<String> = p
            .production
            .anchors
            .iter()
            .map(|(y, v)| format!("{y}: {}", with_unit(v, "Mt")))
            .collect();
        let _ = writeln!(o, "  {} — priority {}", p.name, p.priority);
        let _ = writeln!(
            o,
            "    production {} ({:?} between anchors)",
            anchors.join(", "),
            p.production.interpolation
        );
        if !p.production.growth.is_empty() {
            let _ = writeln!(
                o,
                "    after the last anchor, annual growth {}",
                schedule(&p.production.growth)
            );
        }
        let _ = writeln!(
            o,
            "    exports {} of output after {} refined at home; {}",
            describe_fraction(&p.export_share),
            with_unit(&p.domestic_refining, "Mt/yr"),
            with_unit(&p.barrels_per_tonne, "bbl per tonne")
        );
        if let Some(q) = &p.quota {
            let _ = writeln!(
                o,
                "    output cap {} Mt/yr, complied with {}: output = production − compliance × \
                 the excess over the cap",
                schedule(&q.cap),
                describe_fraction(&q.compliance)
            );
            let _ = writeln!(o, "    {}", binds(p, h.first_year, h.last_year));
        }
        if let Some(m) = &p.make_up {
            let _ = writeln!(
                o,
                "    make-up share {}: that share of the crude outages hold back ships later in \
                 the same year, where its routes then have spare capacity (what is still held \
                 back at the year's end stays stranded)",
                describe_fraction(m)
            );
        }
        for e in &p.supply_plan {
            let _ = writeln!(
                o,
                "    supplies {} Mt/yr for export from {} to {}; the rest of the year is scaled \
                 to keep the year's total",
                e.rate, e.start, e.end
            );
        }
    }

    let _ = writeln!(o, "\nAssets");
    for a in &s.assets {
        let owner = a
            .owner
            .as_deref()
            .map(|w| format!(", owned by {w}"))
            .unwrap_or_default();
        let storage = if a.storage_days > 0.0 {
            format!(", {} days of storage", a.storage_days)
        } else {
            String::new()
        };
        let shared = match a.sharing {
            Sharing::ProRata => ", cuts shared pro rata",
            Sharing::Priority => "",
        };
        let _ = writeln!(
            o,
            "  {} ({:?}): capacity {} Mt/yr; tariff {}{owner}{storage}{shared}",
            a.name,
            a.kind,
            schedule(&a.capacity),
            with_unit(&a.tariff, "USD/t")
        );
    }

    let _ = writeln!(
        o,
        "\nRoutes (each producer ships by highest netback first; every asset in the chain limits the route)"
    );
    for r in &s.routes {
        let market = if r.market.is_empty() {
            String::new()
        } else {
            format!(" to {}", r.market)
        };
        let _ = writeln!(o, "  {}{market}, for {}", r.name, r.producers.join(", "));
        let _ = writeln!(o, "    chain: {}", r.assets.join(" → "));
        let _ = writeln!(
            o,
            "    extra tariff {}; price differential to the benchmark {}",
            with_unit(&r.tariff, "USD/t"),
            with_unit(&r.differential, "USD/bbl")
        );
        if !r.contract_min.is_empty() {
            let _ = writeln!(
                o,
                "    must carry at least {} Mt/yr when it can",
                schedule(&r.contract_min)
            );
        }
        if !r.contract_max.is_empty() {
            let _ = writeln!(
                o,
                "    may carry at most {} Mt/yr",
                schedule(&r.contract_max)
            );
        }
        if let Some(res) = &r.reservation {
            let holder = r.producers.join(", ");
            let (what, terms) = if res.ship_or_pay {
                (
                    "a ship-or-pay commitment",
                    "which prepays the tariffs of the tonnes shipped within it, so they ship \
                     whenever netback + fee (up to the tariffs) is the best use of the crude",
                )
            } else {
                (
                    "an option",
                    "a premium for priority access; tonnes within it pay the usual tariffs and \
                     ship only when it is the best use of the crude",
                )
            };
            let _ = writeln!(
                o,
                "    reserves {} Mt/yr along its chain for {holder}, before anyone else is \
                 served: {what}, fee {} on the whole reserved volume each year, {terms}; \
                 what {holder} leaves unused serves others afterwards",
                schedule(&res.volume),
                with_unit(&res.fee, "USD/t")
            );
        }
    }

    let mix = stationary_mix(s);
    let _ = writeln!(
        o,
        "\nDisruptions (expected events per year averaged over the regimes' long-run mix)"
    );
    if s.disruptions.is_empty() {
        let _ = writeln!(o, "  none");
    }
    for d in &s.disruptions {
        let what = if d.frequency.is_rate() {
            "events/yr"
        } else {
            "chance of an event each year"
        };
        // A schedule's long run is its value in the horizon's last year.
        let rate = d.frequency.in_force(h.last_year).map_or(0.0, mean);
        let expected: f64 = if s.regimes.is_empty() {
            rate
        } else {
            s.regimes
                .iter()
                .zip(&mix)
                .map(|(r, w)| w * scaled(&d.frequency, rate, r.multiplier_for(d)))
                .sum()
        };
        let at_end = match &d.frequency {
            Frequency::RateByYear(_) | Frequency::ProbabilityByYear(_) => {
                format!(" in {}", h.last_year)
            }
            _ => String::new(),
        };
        let tags = if d.tags.is_empty() {
            String::new()
        } else {
            format!(" [{}]", d.tags.join(", "))
        };
        let _ = writeln!(o, "  {}{tags}: hits {}", d.name, d.assets.join(" + "));
        let (full_stop, rest) = d
            .full_stop_days
            .as_ref()
            .map_or_else(Default::default, |f| {
                (
                    format!(
                        "a full stop for the first {} days (mean {:.0}), then ",
                        describe(f),
                        mean(f)
                    ),
                    " for the rest",
                )
            });
        let _ = writeln!(
            o,
            "    {} {what} (≈ {:.2} with regimes{at_end}); lasting {} days (mean {:.0}); {full_stop}{} of capacity lost{rest} (mean {:.0}%)",
            describe_freq(&d.frequency),
            expected,
            describe(&d.duration_days),
            mean(&d.duration_days),
            describe_fraction(&d.severity),
            100.0 * mean(&d.severity)
        );
        if let Some((a, b)) = d.years {
            let _ = writeln!(o, "    only in {a}–{b}");
        }
        if let Some(season) = &d.season {
            let _ = writeln!(
                o,
                "    starting between {} and {} (MM-DD)",
                season.from, season.to
            );
        }
    }
    for f in &s.forced_events {
        let _ = writeln!(
            o,
            "  forced: {} — {} at {:.0}% of capacity from {} to {}",
            f.name,
            f.assets.join(" + "),
            100.0 * f.capacity_left,
            f.start,
            f.end
        );
    }

    events_by_asset(s, &mut o);

    if !s.regimes.is_empty() {
        let _ = writeln!(
            o,
            "\nRegimes (one state per year; long-run share in brackets)"
        );
        for (r, w) in s.regimes.iter().zip(&mix) {
            let _ = writeln!(
                o,
                "  {} [{:.0}%]: starts with probability {}; next year → {:?}",
                r.name,
                100.0 * w,
                r.initial,
                r.next
            );
            for (y, row) in &r.next_by_year {
                let _ = writeln!(o, "    from {y}: next year → {row:?}");
            }
            for (k, v) in &r.frequency_multipliers {
                let _ = writeln!(o, "    {k} events ×{v}");
            }
            for (k, v) in &r.differential_add {
                let _ = writeln!(o, "    {k} differential {v:+} USD/bbl");
            }
        }
    }

    if !s.market_responses.is_empty() {
        let _ = writeln!(
            o,
            "\nMarket responses (the price of the crude that still flows moves with capacity \
             lost; the undisrupted twin loses none, so its prices do not move)"
        );
        for m in &s.market_responses {
            let moves = match &m.moves {
                Moves::Benchmark => "the benchmark (every route)".to_string(),
                Moves::Differentials(routes) => {
                    format!("the differential of {}", routes.join(", "))
                }
            };
            let over = match m.over {
                Over::Segment => "while it is lost",
                Over::Year => "averaged over the year, for the whole year",
            };
            let _ = writeln!(
                o,
                "  {}: {} per Mt/yr of capacity lost on {}, {over}, moves {moves}",
                m.name,
                with_unit(&m.per_mt_lost, "USD/bbl"),
                m.assets.join(" + ")
            );
        }
    }

    let _ = writeln!(o, "\nBenchmark price (USD/bbl)");
    match &s.prices.benchmark {
        Benchmark::MeanReverting {
            start,
            long_run,
            reversion,
            volatility,
        } => {
            let _ = writeln!(
                o,
                "  mean-reverting in log space: starts at {}, reverts to {} at speed {} a year (half-life ≈ {:.1} years), volatility {}",
                describe(start),
                describe(long_run),
                describe(reversion),
                std::f64::consts::LN_2 / mean(reversion).max(1e-9),
                describe(volatility)
            );
        }
        Benchmark::PerYear(u) => {
            let _ = writeln!(o, "  drawn each year: {}", describe(u));
        }
    }

    if !s.correlations.is_empty() {
        let _ = writeln!(
            o,
            "\nCorrelated inputs (drawn together per trial; each keeps its own distribution)"
        );
        for c in &s.correlations {
            let label = |path: &String| {
                super::paths::input_at(s, path).map_or_else(|_| path.clone(), |i| i.label())
            };
            for (r, row) in c.rank.iter().enumerate() {
                for (k, &x) in row.iter().enumerate().take(r) {
                    let (Some(a), Some(b)) = (c.inputs.get(k), c.inputs.get(r)) else {
                        continue;
                    };
                    let _ = writeln!(o, "  {}", pair(&label(a), &label(b), x));
                }
            }
        }
    }
    o
}

/// Every input, drawn or fixed, under the name `sweep --set` and `correlations` take, with where
/// it comes from (the scenario's `sources`): the same rows as the reports' "Inputs and
/// assumptions" table.
fn inputs(s: &Scenario, o: &mut String) {
    let rows = super::inputs::all(s);
    if rows.is_empty() {
        return;
    }
    let _ = writeln!(
        o,
        "\nInputs and assumptions (the name sweep --set and correlations take; the law; its P5 / \
         P50 / P95; when it is drawn; its source in docs/sources.md, or why it is assumed)"
    );
    // Numbers at the format's default (no tariff, no storage) go unlisted, as in the reports.
    for r in rows.iter().filter(|r| !r.default) {
        let law = if r.drawn == super::inputs::FIXED {
            format!("{} {}, fixed", r.law, r.unit)
        } else {
            format!(
                "{} — {} / {} / {} {}, drawn {}",
                r.law,
                fmt(r.p5),
                fmt(r.p50),
                fmt(r.p95),
                r.unit,
                r.drawn
            )
        };
        let source = match &r.source {
            Some(src) if !src.is_assumption() => format!("source {}", src.ids().join(", ")),
            other => super::provenance::describe(other.as_ref()),
        };
        let _ = writeln!(o, "  {}: {law} — {source}", r.path);
    }
}

/// In which years of the horizon a producer's output cap binds: where its production path with
/// every input at its median exceeds the cap's median.
fn binds(p: &Producer, first: i32, last: i32) -> String {
    let Some(q) = &p.quota else {
        return String::new();
    };
    let median = |u: &Uncertain| u.spec().0.build().map_or(f64::NAN, |d| d.quantile(0.5));
    let in_force = |s: &Schedule, y: i32| s.range(..=y).next_back().map(|(_, u)| median(u));
    let anchors: Vec<(i32, f64)> = p
        .production
        .anchors
        .iter()
        .map(|(y, u)| (*y, median(u)))
        .collect();
    let Some(&(last_anchor, at_last)) = anchors.last() else {
        return String::new();
    };
    let mut factor = 1.0;
    let mut years = Vec::new();
    for y in (last_anchor + 1).min(first)..=last {
        let output = if y > last_anchor {
            factor *= 1.0 + in_force(&p.production.growth, y).unwrap_or(0.0);
            at_last * factor
        } else {
            let after = anchors.partition_point(|(x, _)| *x < y);
            match (after, anchors.get(after)) {
                (0, _) => anchors[0].1,
                (_, Some(&(x, v))) if x == y => v,
                (_, Some(&(y1, b))) => {
                    let (y0, a) = anchors[after - 1];
                    let w = f64::from(y - y0) / f64::from(y1 - y0);
                    p.production.interpolation.between(a, b, w)
                }
                (_, None) => at_last,
            }
        };
        if y >= first
            && let Some(cap) = in_force(&q.cap, y)
            && output > cap
        {
            years.push(y);
        }
    }
    if years.is_empty() {
        return "the cap does not bind at the medians: production with every input at its median \
                stays at or below the median cap in every year"
            .into();
    }
    format!(
        "the cap binds in {} (production with every input at its median above the median cap)",
        spans(&years)
    )
}

/// Years as ranges: "2025–2027, 2030".
fn spans(years: &[i32]) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < years.len() {
        let mut j = i;
        while j + 1 < years.len() && years[j + 1] == years[j] + 1 {
            j += 1;
        }
        out.push(if i == j {
            years[i].to_string()
        } else {
            format!("{}–{}", years[i], years[j])
        });
        i = j + 1;
    }
    out.join(", ")
}

/// One correlation in words: which way the two inputs move and how strongly.
fn pair(a: &str, b: &str, rank: f64) -> String {
    if rank == 0.0 {
        return format!("{a} and {b}: unrelated (rank correlation 0)");
    }
    let strength = match rank.abs() {
        x if x < 0.3 => "weakly",
        x if x < 0.7 => "moderately",
        _ => "strongly",
    };
    let way = if rank > 0.0 {
        "when one is high the other tends to be high"
    } else {
        "when one is high the other tends to be low"
    };
    format!("{a} and {b}: {strength} related, {way} (rank correlation {rank:+})")
}

/// Expected events a year on each asset hit by some disruption, a row per asset and a column
/// per year, ten years to a block.
fn events_by_asset(s: &Scenario, o: &mut String) {
    let rows = super::hazard::by_asset(s);
    if rows.is_empty() {
        return;
    }
    let _ = writeln!(
        o,
        "\nExpected events a year on each asset (all disruptions that hit it; a season that wraps \
         the year end counts in the year it begins; regime shares stepped from the initial \
         probabilities with the rows in force each year; an uncertain frequency at its mean)"
    );
    let width = rows
        .iter()
        .map(|(a, _)| a.chars().count())
        .max()
        .unwrap_or(0);
    let years: Vec<i32> = (s.horizon.first_year..=s.horizon.last_year).collect();
    for (block, ys) in years.chunks(10).enumerate() {
        let _ = write!(o, "  {:width$}", "");
        for y in ys {
            let _ = write!(o, " {y:>6}");
        }
        let _ = writeln!(o);
        for (asset, events) in &rows {
            let _ = write!(o, "  {asset:width$}");
            for e in &events[10 * block..10 * block + ys.len()] {
                let _ = write!(o, " {e:>6.2}");
            }
            let _ = writeln!(o);
        }
    }
}

/// The long-run share of each regime (the stationary distribution, by iteration, of the chain
/// whose rows are those in force in the horizon's last year).
fn stationary_mix(s: &Scenario) -> Vec<f64> {
    let n = s.regimes.len();
    let last = s.horizon.last_year;
    let mut p: Vec<f64> = s.regimes.iter().map(|r| r.initial).collect();
    for _ in 0..500 {
        let mut q = vec![0.0; n];
        for (i, r) in s.regimes.iter().enumerate() {
            for (j, t) in r.next_in(last).iter().enumerate().take(n) {
                q[j] += p[i] * t;
            }
        }
        p = q;
    }
    p
}

fn describe_freq(f: &Frequency) -> String {
    match f {
        Frequency::Rate(u) | Frequency::Probability(u) => describe(u),
        Frequency::RateByYear(s) | Frequency::ProbabilityByYear(s) => schedule(s),
    }
}

/// Expected events in a year of a frequency whose value is `base` (a rate or an annual
/// probability) under a regime multiplier `m`, scaled as the model scales each kind.
fn scaled(f: &Frequency, base: f64, m: f64) -> f64 {
    if f.is_rate() {
        base * m
    } else {
        1.0 - (1.0 - base.clamp(0.0, 1.0)).powf(m)
    }
}

/// "72.5" for a single entry, else "72.5 from 2025; 81.5 from 2027".
fn schedule(s: &Schedule) -> String {
    if s.len() == 1 {
        return describe(s.values().next().expect("one entry"));
    }
    s.iter()
        .map(|(y, v)| format!("{} from {y}", describe(v)))
        .collect::<Vec<_>>()
        .join("; ")
}

/// A fraction: fixed values as a percentage ("100%"), distributions as written.
pub fn describe_fraction(u: &Uncertain) -> String {
    match u {
        Uncertain::Number(v) => format!("{}%", fmt(100.0 * v)),
        _ => describe(u),
    }
}

/// The mean of an uncertain number (for expected counts).
fn mean(u: &Uncertain) -> f64 {
    u.spec().0.build().map_or(f64::NAN, |d| d.mean())
}

/// An uncertain number in words: "72.5", "uniform 0.7 to 0.8", "PERT 10/20/60, drawn each year".
pub fn describe(u: &Uncertain) -> String {
    let (spec, timing) = match u {
        Uncertain::Number(v) => return fmt(*v),
        Uncertain::Dist(d) => (d, ""),
        Uncertain::Timed(Timed::PerTrial(d)) => (d, ""),
        Uncertain::Timed(Timed::PerYear(d)) => (d, ", drawn each year"),
    };
    format!("{}{timing}", describe_law(spec))
}

/// An uncertain number with its unit before when it is drawn: "uniform −1.2 to −0.5 USD/bbl,
/// drawn each year".
fn with_unit(u: &Uncertain, unit: &str) -> String {
    let law = describe(u);
    match law.split_once(", drawn each year") {
        Some((law, rest)) => format!("{law} {unit}, drawn each year{rest}"),
        None => format!("{law} {unit}"),
    }
}

/// A law in words, without when it is drawn: "uniform −0.05 to −0.04", "PERT 10/20/60".
pub fn describe_law(spec: &DistSpec) -> String {
    match spec {
        DistSpec::Fixed(v) => fmt(*v),
        DistSpec::Uniform { min, max } => format!("uniform {} to {}", fmt(*min), fmt(*max)),
        DistSpec::Triangular { min, mode, max } => {
            format!("triangular {}/{}/{}", fmt(*min), fmt(*mode), fmt(*max))
        }
        DistSpec::Pert { min, mode, max, .. } => {
            format!("PERT {}/{}/{}", fmt(*min), fmt(*mode), fmt(*max))
        }
        DistSpec::Normal { mean, sd, min, max } => {
            let trunc = match (min, max) {
                (None, None) => String::new(),
                _ => format!(
                    " within [{}, {}]",
                    min.map_or("-∞".into(), fmt),
                    max.map_or("∞".into(), fmt)
                ),
            };
            format!("normal mean {} sd {}{trunc}", fmt(*mean), fmt(*sd))
        }
        DistSpec::LogNormal { mean, sd } => {
            format!("lognormal mean {} sd {}", fmt(*mean), fmt(*sd))
        }
        DistSpec::LogNormal90 { low, high } => {
            format!("lognormal, 90% within {} to {}", fmt(*low), fmt(*high))
        }
        DistSpec::Beta { alpha, beta, .. } => format!("beta({}, {})", fmt(*alpha), fmt(*beta)),
        DistSpec::Gamma { shape, scale } => {
            format!("gamma shape {} scale {}", fmt(*shape), fmt(*scale))
        }
        DistSpec::Exponential { mean } => format!("exponential mean {}", fmt(*mean)),
        DistSpec::Pareto { scale, shape } => {
            format!("Pareto scale {} shape {}", fmt(*scale), fmt(*shape))
        }
        DistSpec::Discrete { values, .. } => format!("one of {} values", values.len()),
        DistSpec::Empirical { samples } => format!("resampled from {} observations", samples.len()),
    }
}

/// A number as people read it: at most three decimals, no trailing zeros, and a true minus
/// sign (U+2212) so that "−0.05 to −0.04" does not read as a range of dashes.
fn fmt(v: f64) -> String {
    crate::format::decimals(v, 3).replacen('-', "\u{2212}", 1)
}
