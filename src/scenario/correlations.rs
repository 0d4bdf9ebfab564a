//! Checks of the scenario's `correlations`: what `check` says about each group.
//!
//! Why separate from `validate.rs`: the checks are about matrices and about which inputs can be
//! correlated at all, not about the ranges of single numbers. Each problem names the offending
//! entry (`correlations[0].inputs[1]`, `correlations[0].rank[1][0]`) so that `load` can place it
//! at its line, and says what to change.

use std::collections::BTreeMap;

use super::fields::Timing;
use super::limits::MAX_CORRELATED;
use super::paths::input_at;
use super::schema::Scenario;
use super::uncertain::Draw;
use super::validate::Problem;
use crate::distributions::copula::{cholesky_psd, pearson_from_spearman};

/// How far apart rank[i][j] and rank[j][i] may be and still count as the same number.
const SYMMETRY_TOLERANCE: f64 = 1e-9;

/// Every problem with `s.correlations`.
pub fn check(s: &Scenario) -> Vec<Problem> {
    let mut out = Vec::new();
    let mut push = |path: String, message: String| out.push(Problem { path, message });
    // Model name of each input already listed → where.
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for (g, c) in s.correlations.iter().enumerate() {
        let at = format!("correlations[{g}]");
        let n = c.inputs.len();
        if n < 2 {
            push(
                format!("{at}.inputs"),
                format!(
                    "a correlation needs at least two inputs (got {n}); list the inputs whose \
                     ranks move together, e.g. [\"prices.benchmark.MeanReverting.long_run\", \
                     \"routes[CPC].differential\"]"
                ),
            );
        }
        if n > MAX_CORRELATED {
            push(
                format!("{at}.inputs"),
                format!(
                    "{n} inputs in one group is more than the limit of {MAX_CORRELATED}; correlate \
                     fewer inputs, or split them into groups that are independent of each other"
                ),
            );
            continue;
        }
        for (k, path) in c.inputs.iter().enumerate() {
            let here = format!("{at}.inputs[{k}]");
            let named = match input_at(s, path) {
                Ok(named) => named,
                Err(e) => {
                    push(
                        here,
                        format!(
                            "{e}; name the input as `corridor sweep --set` does, e.g. \
                             routes[CPC].differential or producers[Kazakhstan].export_share"
                        ),
                    );
                    continue;
                }
            };
            let key = named.stream_key();
            if let Some(first) = seen.get(&key) {
                push(
                    here.clone(),
                    format!(
                        "{path:?} is already listed at {first}; list each input once, in one \
                         group (put every input it is correlated with in that group)"
                    ),
                );
            } else {
                seen.insert(key, here.clone());
            }
            let (spec, draw) = named.uncertain().map_or(
                (crate::distributions::DistSpec::Fixed(0.0), Draw::PerTrial),
                |u| u.spec(),
            );
            let why = match named.field.timing {
                Timing::PerEvent => Some(
                    "is drawn anew for each event; only inputs drawn once per trial can be \
                     correlated"
                        .to_string(),
                ),
                Timing::EachYear => Some(
                    "is a PerYear benchmark, drawn anew each year; only inputs drawn once per \
                     trial can be correlated (a MeanReverting benchmark's start, long_run, \
                     reversion and volatility can)"
                        .to_string(),
                ),
                Timing::Fixed => Some(
                    "is a plain number of the file, not an input that is drawn; only \
                     uncertain inputs drawn once per trial can be correlated"
                        .to_string(),
                ),
                Timing::AsWritten | Timing::PerTrialOnly if draw == Draw::PerYear => Some(
                    "is drawn anew each year (PerYear(...)); only inputs drawn once per trial \
                     can be correlated: write it as a bare distribution or PerTrial(...), or \
                     leave it out of the group"
                        .to_string(),
                ),
                Timing::AsWritten | Timing::PerTrialOnly => match spec.build() {
                    // A bad distribution is reported where it is written.
                    Err(_) => None,
                    Ok(d) => d.is_fixed().map(|v| {
                        format!(
                            "is a fixed number ({v}), which cannot vary with anything; give it \
                             a distribution or leave it out of the group"
                        )
                    }),
                },
            };
            if let Some(why) = why {
                push(here, format!("{path:?} ({}) {why}", named.label()));
            }
        }
        matrix(&at, n, &c.rank, &c.inputs, &mut push);
    }
    out
}

/// The checks of one rank matrix for `n` inputs.
fn matrix(
    at: &str,
    n: usize,
    rank: &[Vec<f64>],
    inputs: &[String],
    push: &mut impl FnMut(String, String),
) {
    if rank.len() != n {
        push(
            format!("{at}.rank"),
            format!(
                "rank has {} row(s) for {n} inputs; write an {n}×{n} matrix whose row and \
                 column k belong to inputs[k]",
                rank.len()
            ),
        );
        return;
    }
    let mut ok = true;
    for (r, row) in rank.iter().enumerate() {
        if row.len() != n {
            push(
                format!("{at}.rank[{r}]"),
                format!(
                    "row {r} has {} entries for {n} inputs; each row needs one entry per input",
                    row.len()
                ),
            );
            ok = false;
        }
    }
    if !ok {
        return;
    }
    for (r, row) in rank.iter().enumerate() {
        for (c, &x) in row.iter().enumerate() {
            let here = format!("{at}.rank[{r}][{c}]");
            if !x.is_finite() || !(-1.0..=1.0).contains(&x) {
                push(
                    here,
                    format!(
                        "{x} is outside [-1, 1]; a rank correlation lies between -1 and 1 \
                         (0 = unrelated)"
                    ),
                );
                ok = false;
            } else if r == c && x != 1.0 {
                push(
                    here,
                    format!(
                        "the diagonal must be 1 (an input's rank correlation with itself), not \
                         {x}"
                    ),
                );
                ok = false;
            } else if r > c && (x - rank[c][r]).abs() > SYMMETRY_TOLERANCE {
                push(
                    here,
                    format!(
                        "{x} differs from rank[{c}][{r}] = {}; the matrix must be symmetric: \
                         write the same number in both places",
                        rank[c][r]
                    ),
                );
                ok = false;
            }
        }
    }
    if !ok {
        return;
    }
    let pearson: Vec<f64> = rank
        .iter()
        .flatten()
        .map(|&x| pearson_from_spearman(x))
        .collect();
    if let Err(k) = cholesky_psd(&pearson, n) {
        let which = inputs.get(k).map_or(String::new(), |p| format!(" ({p:?})"));
        push(
            format!("{at}.rank"),
            format!(
                "these rank correlations cannot all hold at once: the matrix is not positive \
                 semi-definite (after ρ = 2·sin(π·ρ_s/6)); row {k}{which} contradicts the rows \
                 before it. Weaken the strongest correlations: e.g. three inputs cannot all be \
                 pairwise below about -0.48, and if A and B both move closely with C they must \
                 move together"
            ),
        );
    }
}
