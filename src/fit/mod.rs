//! Calibrating disruption processes from an event log (`corridor fit-events`).
//!
//! Why: the shipped scenarios' rates, durations and severities should come from the recorded
//! history, by a method a reviewer can repeat. For each asset in the log this module estimates:
//!
//! - the **rate**: events per year of exposure, with an exact Poisson (Garwood) interval, because
//!   a handful of events is where normal approximations fail (`poisson`), and the rate's
//!   uncertainty as a distribution, the Jeffreys posterior Gamma(n + 1/2, rate T), printed in
//!   scenario syntax so that `frequency: Rate(Gamma(...))` draws the rate once per trial
//!   (`posterior`);
//! - the **duration** law: a lognormal fitted by the moments of the log durations (its maximum
//!   likelihood estimate, with the n − 1 variance), written as `LogNormal90(low, high)`, the form
//!   analysts read most easily;
//! - the **severity** law: a Beta on [0, 1] fitted by the method of moments.
//!
//! and prints each as a RON `Disruption` entry, with the evidence in comments. With too few or
//! identical observations for a spread, the law falls back to a fixed value, and the comment says
//! so: the analyst must then widen it by judgement.

pub mod events;
pub mod poisson;
pub mod posterior;

use std::fmt::Write;

use events::{Date, Event};
use posterior::RatePosterior;

use crate::distributions::{MAX_SHAPE, normal_quantile};
use crate::scenario::limits::{MAX_DURATION_DAYS, TAIL_QUANTILE, tail_percentile};
// A lognormal's 90% interval is μ ± Z90·σ.
use crate::stats::Z90;

/// The period over which events were recorded; both ends inclusive.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Exposure {
    pub from: Date,
    pub to: Date,
}

impl Exposure {
    /// The whole calendar years from the first event's start to the last event's start.
    pub fn spanning(events: &[Event]) -> Option<Exposure> {
        let first = events.iter().map(|e| e.start).min()?;
        let last = events.iter().map(|e| e.start).max()?;
        Some(Exposure {
            from: Date::from_ymd(first.year(), 1, 1),
            to: Date::from_ymd(last.year(), 12, 31),
        })
    }

    /// Length in years of 365.25 days (2022-01-01 to 2025-12-31 is exactly 4).
    pub fn years(&self) -> f64 {
        (self.to.0 - self.from.0 + 1) as f64 / 365.25
    }
}

/// A fitted duration law (days).
#[derive(Debug, Clone, PartialEq)]
pub enum DurationFit {
    /// Lognormal with log-mean `mu` and log-sd `sigma`; `capped_from` holds the fitted log-sd
    /// when it was narrowed to keep the tail within corridor's longest event (see `fit_duration`).
    LogNormal {
        mu: f64,
        sigma: f64,
        capped_from: Option<f64>,
    },
    /// Too few or identical observations for a spread.
    Fixed(f64),
}

/// A fitted severity law (fraction of capacity lost).
#[derive(Debug, Clone, PartialEq)]
pub enum SeverityFit {
    Beta {
        alpha: f64,
        beta: f64,
    },
    /// Spread too wide for a Beta with these moments (values piled at 0 and 1): flat over the
    /// observed range instead.
    Uniform {
        min: f64,
        max: f64,
    },
    Fixed(f64),
}

/// Everything estimated for one asset.
#[derive(Debug, Clone, PartialEq)]
pub struct AssetFit {
    pub asset: String,
    pub events: usize,
    pub exposure: Exposure,
    /// Events per year and its interval at `level`.
    pub rate: f64,
    pub rate_interval: (f64, f64),
    pub level: f64,
    /// The rate's Jeffreys posterior.
    pub posterior: RatePosterior,
    pub durations: Vec<f64>,
    pub duration: DurationFit,
    pub severities: Vec<f64>,
    pub severity: SeverityFit,
}

/// Why events cannot be fitted as asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FitError {
    /// Line of the offending event, 0 for the request as a whole.
    pub line: u64,
    pub message: String,
}

/// Fits every asset in the log, in order of first appearance.
pub fn fit(
    events: &[Event],
    exposure: Exposure,
    level: f64,
) -> Result<Vec<AssetFit>, Vec<FitError>> {
    let mut errors = Vec::new();
    if exposure.to < exposure.from {
        errors.push(FitError {
            line: 0,
            message: format!(
                "the exposure ends ({}) before it starts ({})",
                exposure.to, exposure.from
            ),
        });
    }
    for e in events {
        if e.start < exposure.from || e.start > exposure.to {
            errors.push(FitError {
                line: e.line,
                message: format!(
                    "starts on {}, outside the exposure {}..{}; widen --from/--to or drop the row",
                    e.start, exposure.from, exposure.to
                ),
            });
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut assets: Vec<&str> = Vec::new();
    for e in events {
        if !assets.contains(&e.asset.as_str()) {
            assets.push(&e.asset);
        }
    }
    let years = exposure.years();
    Ok(assets
        .into_iter()
        .map(|asset| {
            let mine: Vec<&Event> = events.iter().filter(|e| e.asset == asset).collect();
            let n = mine.len();
            let (lo, hi) = poisson::garwood(n as u64, level);
            let durations: Vec<f64> = mine.iter().map(|e| e.days()).collect();
            let severities: Vec<f64> = mine.iter().map(|e| e.severity).collect();
            AssetFit {
                asset: asset.to_string(),
                events: n,
                exposure,
                rate: n as f64 / years,
                rate_interval: (lo / years, hi / years),
                level,
                posterior: RatePosterior {
                    events: n as u64,
                    years,
                },
                duration: fit_duration(&durations),
                durations,
                severity: fit_severity(&severities),
                severities,
            }
        })
        .collect())
}

/// Mean and sample standard deviation (n − 1).
fn moments(x: &[f64]) -> (f64, f64) {
    let n = x.len() as f64;
    let mean = x.iter().sum::<f64>() / n;
    if x.len() < 2 {
        return (mean, 0.0);
    }
    let var = x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, var.sqrt())
}

/// Lognormal by the moments of ln(duration).
///
/// `corridor check` refuses a duration law whose `TAIL_QUANTILE` (99.9th percentile) exceeds
/// `MAX_DURATION_DAYS` (100 years, longer than any horizon). A few very short events in a log can
/// spread the fit that far; the log-sd is then narrowed until that percentile sits just inside
/// the limit, and the snippet says so.
pub fn fit_duration(days: &[f64]) -> DurationFit {
    let logs: Vec<f64> = days.iter().map(|d| d.ln()).collect();
    let (mu, sigma) = moments(&logs);
    if days.len() < 2 || sigma <= 1e-12 {
        // One duration, or all equal: the first is every one of them.
        return DurationFit::Fixed(days[0]);
    }
    let z = normal_quantile(TAIL_QUANTILE);
    // 0.5% below the limit, so the 4-digit rounding of the printed bounds stays inside it.
    let ceiling = (0.995 * MAX_DURATION_DAYS).ln();
    if mu + z * sigma <= ceiling {
        return DurationFit::LogNormal {
            mu,
            sigma,
            capped_from: None,
        };
    }
    if mu >= ceiling {
        return DurationFit::Fixed(MAX_DURATION_DAYS * 0.995);
    }
    DurationFit::LogNormal {
        mu,
        sigma: (ceiling - mu) / z,
        capped_from: Some(sigma),
    }
}

/// Beta on [0, 1] by the method of moments: with mean m and variance v < m(1 − m),
/// α = m·k and β = (1 − m)·k where k = m(1 − m)/v − 1.
pub fn fit_severity(sev: &[f64]) -> SeverityFit {
    let (m, sd) = moments(sev);
    let v = sd * sd;
    if sev.len() < 2 || v <= 1e-12 {
        return SeverityFit::Fixed(m);
    }
    let room = m * (1.0 - m);
    if v >= room {
        let min = sev.iter().copied().fold(f64::INFINITY, f64::min);
        let max = sev.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        return SeverityFit::Uniform { min, max };
    }
    let k = room / v - 1.0;
    let (alpha, beta) = (m * k, (1.0 - m) * k);
    if alpha.max(beta) > MAX_SHAPE {
        // Nearly identical severities: a Beta that narrow (spread under 1%) is refused.
        return SeverityFit::Fixed(m);
    }
    SeverityFit::Beta { alpha, beta }
}

/// A number to 4 significant digits, as plain decimal text that RON reads as a float
/// (`0.5512`, `108.3`, `2.0`).
pub fn num(x: f64) -> String {
    significant(x, 4)
}

/// A number to `digits` significant digits (at most 12 decimals), as text RON reads as a float.
pub fn significant(x: f64, digits: i32) -> String {
    let s = crate::format::significant(x, digits);
    if s.contains('.') || !x.is_finite() {
        s
    } else {
        format!("{s}.0")
    }
}

fn list(x: &[f64]) -> String {
    x.iter().map(|v| num(*v)).collect::<Vec<_>>().join(", ")
}

/// The fit as a RON `Disruption` entry (ending in `),`), its evidence in comments.
pub fn snippet(f: &AssetFit) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "(");
    let _ = writeln!(
        o,
        "    // \"{}\": {} event(s) in {} years ({} to {}).",
        f.asset,
        f.events,
        num(f.exposure.years()),
        f.exposure.from,
        f.exposure.to
    );
    let _ = writeln!(
        o,
        "    // Rate {}/yr; exact Poisson (Garwood) {:.0}% interval {}–{}/yr.",
        num(f.rate),
        100.0 * f.level,
        num(f.rate_interval.0),
        num(f.rate_interval.1)
    );
    let p = f.posterior;
    // The shape n + 1/2 prints exactly; the scale 1/T to 6 digits (4 would move the mean by up to
    // 5 in 10,000).
    let gamma = format!(
        "Gamma(shape: {}, scale: {})",
        significant(p.shape(), 15),
        significant(p.scale(), 6)
    );
    let tail = (1.0 - f.level) / 2.0;
    let _ = writeln!(
        o,
        "    // Rate uncertainty: with Jeffreys' prior (density ∝ rate^(−1/2)) the posterior is\n    \
         // {gamma}, mean {}/yr, {:.0}% interval {}–{}/yr. To draw the rate\n    \
         // once per trial from it, use instead of the point estimate below:\n    \
         // frequency: Rate({gamma}),",
        num(p.mean()),
        100.0 * f.level,
        num(p.quantile(tail)),
        num(p.quantile(1.0 - tail))
    );
    let _ = writeln!(
        o,
        "    // Durations (days, both ends counted): {}.",
        list(&f.durations)
    );
    let duration = match f.duration {
        DurationFit::LogNormal {
            mu,
            sigma,
            capped_from,
        } => {
            let _ = writeln!(
                o,
                "    // Lognormal by log-moments: median {} days, log-sd {}; 90% within {}–{} days.",
                num(mu.exp()),
                num(capped_from.unwrap_or(sigma)),
                num((mu - Z90 * sigma).exp()),
                num((mu + Z90 * sigma).exp())
            );
            if let Some(fitted) = capped_from {
                let _ = writeln!(
                    o,
                    "    // The log-sd is narrowed from {} to {} so that the {} percentile stays within corridor's\n    \
                     // {}-day limit on one event; the 90% interval above is the narrowed one.",
                    num(fitted),
                    num(sigma),
                    tail_percentile(false),
                    MAX_DURATION_DAYS
                );
            }
            format!(
                "LogNormal90(low: {}, high: {})",
                num((mu - Z90 * sigma).exp()),
                num((mu + Z90 * sigma).exp())
            )
        }
        DurationFit::Fixed(d) => {
            let _ = writeln!(
                o,
                "    // Too few or identical durations to estimate a spread: fixed at {} days; widen by judgement.",
                num(d)
            );
            num(d)
        }
    };
    let (m, sd) = moments(&f.severities);
    let _ = writeln!(
        o,
        "    // Severities (fraction of capacity lost): {}; mean {}, sd {}.",
        list(&f.severities),
        num(m),
        num(sd)
    );
    let severity = match f.severity {
        SeverityFit::Beta { alpha, beta } => {
            let _ = writeln!(o, "    // Beta on [0, 1] by the method of moments.");
            format!("Beta(alpha: {}, beta: {})", num(alpha), num(beta))
        }
        SeverityFit::Uniform { min, max } => {
            let _ = writeln!(
                o,
                "    // Too spread for a Beta with these moments: uniform over the observed range."
            );
            format!("Uniform(min: {}, max: {})", num(min), num(max))
        }
        SeverityFit::Fixed(v) => {
            let _ = writeln!(
                o,
                "    // Too few or identical severities to estimate a spread: fixed; widen by judgement."
            );
            num(v)
        }
    };
    let _ = writeln!(o, "    name: \"{} (fitted)\",", escape(&f.asset));
    let _ = writeln!(o, "    assets: [\"{}\"],", escape(&f.asset));
    let _ = writeln!(o, "    frequency: Rate({}),", num(f.rate));
    let _ = writeln!(o, "    duration_days: {duration},");
    let _ = writeln!(o, "    severity: {severity},");
    let _ = writeln!(o, "),");
    o
}

/// The whole printout of `fit-events`: a header comment, then one entry per asset.
pub fn report(fits: &[AssetFit], source: &str) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "// Disruption processes fitted by `corridor fit-events` from {source}.\n\
         // Paste the entries into a scenario's `disruptions: [ ... ]`; rename them, add tags and a\n\
         // season as the causes suggest. Durations count both the first and the last day."
    );
    for f in fits {
        o.push_str(&snippet(f));
    }
    o
}

fn escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_print_as_ron_floats() {
        assert_eq!(num(1.5), "1.5");
        assert_eq!(num(2.0), "2.0");
        assert_eq!(num(0.551_234), "0.5512");
        assert_eq!(num(108.345), "108.3");
        assert_eq!(num(12_345.6), "12346.0");
        assert_eq!(num(0.006_329), "0.006329");
    }

    #[test]
    fn severity_and_duration_fits_recover_their_moments() {
        let sev = [0.2, 0.4, 0.5, 0.7];
        let SeverityFit::Beta { alpha, beta } = fit_severity(&sev) else {
            panic!()
        };
        let (m, sd) = moments(&sev);
        let mean = alpha / (alpha + beta);
        let var = alpha * beta / ((alpha + beta).powi(2) * (alpha + beta + 1.0));
        assert!((mean - m).abs() < 1e-12 && (var - sd * sd).abs() < 1e-12);
        assert_eq!(fit_severity(&[1.0, 1.0]), SeverityFit::Fixed(1.0));
        // Spread 1e-4: α and β near 10⁷, which a scenario may not use.
        assert_eq!(fit_severity(&[0.5, 0.5001]), SeverityFit::Fixed(0.50005));
        assert_eq!(
            fit_severity(&[0.0, 1.0]),
            SeverityFit::Uniform { min: 0.0, max: 1.0 }
        );
        assert_eq!(fit_duration(&[10.0]), DurationFit::Fixed(10.0));
        let DurationFit::LogNormal {
            mu,
            sigma,
            capped_from: None,
        } = fit_duration(&[10.0, 40.0])
        else {
            panic!()
        };
        assert!((mu - 20f64.ln()).abs() < 1e-12);
        assert!((sigma - 4f64.ln() / 2f64.sqrt()).abs() < 1e-12);
        // A spread whose tail passes the model's longest event is narrowed to just inside it.
        let DurationFit::LogNormal {
            mu,
            sigma,
            capped_from: Some(fitted),
        } = fit_duration(&[1.0, 1.0, 500.0, 900.0])
        else {
            panic!()
        };
        let q = (mu + normal_quantile(TAIL_QUANTILE) * sigma).exp();
        assert!(
            sigma < fitted && q < MAX_DURATION_DAYS && q > 0.99 * MAX_DURATION_DAYS,
            "{q}"
        );
    }
}
