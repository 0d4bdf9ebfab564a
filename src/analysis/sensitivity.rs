//! Which uncertain input drives the answer: `corridor sensitivity`.
//!
//! The inputs are the model's per-trial inputs (`ParamTable::per_trial`), named by the path
//! `sweep --set` and `correlations` take (`routes[CPC].differential`); per-year draws, disruption events and regime paths are the
//! "residual" randomness and are never pinned. Three measures, all on common random numbers:
//!
//! - Tornado: for each input, N trials with it pinned at its P10 and N at its P90 while every
//!   other input varies as usual (same streams, so the only change is that input); reported as
//!   the mean output at each end. Cost 2·k·N simulations for k inputs.
//! - First-order index S_i (given-data estimator, no extra simulations beyond N): the trials of
//!   the unmodified scenario are sorted by input i's value and cut into `BINS` equal-count bins;
//!   S_i = Var_b(mean of Y in bin b) / Var(Y), the share of output variance explained by input i
//!   alone. Bias: with no effect at all the estimate is ≈ (BINS − 1)/(N − 1) (reported as
//!   `bias_floor`); with an effect it slightly underestimates (within-bin variation of the input).
//! - Total-order index S_Ti (Jansen 1999): for each input, the trials rerun with input i drawn
//!   from an independent stream (its stream key salted) and everything else unchanged;
//!   S_Ti = E[(Y_A − Y_ABi)²] / (2 Var Y). Cost k·N simulations. Because the residual randomness
//!   is shared, S_Ti is the share of variance that input i accounts for with all its
//!   interactions, residual randomness included.
//!
//! - Share no input explains (`unexplained`): the trials rerun with every stream that no
//!   per-trial input owns redrawn (disruption events — counts, starts, durations and severities —,
//!   the regime path, the benchmark's shocks and per-year inputs) and every per-trial input kept:
//!   E[(Y_A − Y_AR)²] / (2 Var Y) = E[Var(Y | inputs)] / Var(Y), the variance that would remain if
//!   every input were known (Jansen's estimator for the residual as one group), with its standard
//!   error by the delta method (`residual_share`). Cost N simulations.
//!
//! What is an input: a number drawn once per trial. A disruption's frequency is one when it is
//! uncertain (`Rate(Gamma(...))`, as `fit-events` prints), and is then ranked with the rest; a
//! fixed frequency is not uncertain and has nothing to rank. Durations and severities are drawn
//! anew for each event from the process's own stream, so they are year-to-year randomness: part
//! of `unexplained`, not inputs of their own.
//!
//! Noise: an input's swing is the difference of two means over the same N trials. Its standard
//! error is at most (sd(Y_P90 − Y_A) + sd(Y_P10 − Y_A))/√N (the triangle inequality for sds;
//! equality when the two ends move the output in opposite directions, as a monotone effect
//! does). An input whose swing is within two of these bounds is `below_noise`: listed after the
//! ranked inputs, unranked, because N trials cannot tell its effect from zero.
//!
//! Total cost: N·(3k + 3) simulations; `--trials` sets N.
//!
//! Correlated inputs (`correlations`): a pinned or resampled input leaves its group for that
//! variant (`model::copula::Group::draw`) while the group's other members keep their draws, so
//! the tornado and S_Ti measure the input's own effect with the others held at their correlated
//! values; the given-data S_i sees the correlation (it credits an input with what it shares
//! with the inputs it moves with).

use std::sync::atomic::AtomicBool;

use rayon::prelude::*;
use serde::Serialize;

use super::paired::{self, HorizonCapture, PairedSpec, Shared};
use crate::distributions::Dist;
use crate::engine::progress::Progress;
use crate::engine::{self, EngineError};
use crate::model::streams::{stream, trial_seed};
use crate::model::{Model, Workspace, simulate};

/// Quantile bins of the given-data first-order estimator.
pub const BINS: usize = 20;
/// Tornado ends.
pub const LOW: f64 = 0.10;
pub const HIGH: f64 = 0.90;
/// Mixed into an input's stream key to give it an independent stream (Jansen's B matrix).
const SALT: u64 = 0x005E_ED0F_B0B0_5A17;
/// Mixed into the keys of the streams no per-trial input owns, to redraw them together.
const RESIDUAL_SALT: u64 = 0x0E51_D0A1_5EED_0F0F;
/// Standard errors within which a swing counts as noise.
pub const NOISE_SE: f64 = 2.0;

/// The influence of one input on one output.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Influence {
    pub input: String,
    /// The input's P10 and P90.
    pub input_low: f64,
    pub input_high: f64,
    /// Mean output with the input pinned at its P10 / P90.
    pub at_low: f64,
    pub at_high: f64,
    /// |at_high − at_low|.
    pub swing: f64,
    /// Upper bound on the swing's standard error (see the module header).
    pub swing_se: f64,
    /// The swing is within `NOISE_SE` of its standard errors: not ranked.
    pub below_noise: bool,
    pub first_order: f64,
    pub total_order: f64,
}

/// All inputs' influence on one output, widest swing first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutputSensitivity {
    pub metric: String,
    pub unit: &'static str,
    /// Mean and variance of the output with every input varying.
    pub mean: f64,
    pub variance: f64,
    /// E[Var(Y | every per-trial input)] / Var(Y): the share of the variance no input explains
    /// (disruption events, regime path, yearly shocks).
    pub unexplained: f64,
    /// Its standard error (delta method over mean(d²) and Var Y): heavy-tailed outputs
    /// (lost revenue) need many trials to pin it down, and sampling error can carry the estimate
    /// past 1.
    pub unexplained_se: f64,
    /// Inputs above the noise, widest swing first, then those below it (`below_noise`).
    pub inputs: Vec<Influence>,
}

/// sensitivity.json.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sensitivity {
    pub scenario: String,
    pub seed: u64,
    pub trials: u64,
    pub inputs: usize,
    pub simulations: u64,
    pub bins: usize,
    /// E[S_i] for an input with no effect, from the binning alone: (BINS − 1)/(N − 1).
    pub bias_floor: f64,
    pub estimators: &'static str,
    pub outputs: Vec<OutputSensitivity>,
}

/// The outputs ranked: every producer's horizon revenue and lost revenue.
pub fn outputs(model: &Model) -> Vec<Shared> {
    paired::shared_metrics(std::slice::from_ref(model))
        .into_iter()
        .filter(|s| s.kind == "revenue" || s.kind == "lost_revenue")
        .collect()
}

fn pinned(model: &Model, i: usize, value: f64) -> Model {
    let mut m = model.clone();
    m.params.per_trial[i].dist = Dist::fixed(value);
    m
}

fn resampled(model: &Model, i: usize) -> Model {
    let mut m = model.clone();
    m.params.per_trial[i].key ^= SALT;
    m
}

/// Every stream no per-trial input owns redrawn; the per-trial inputs kept.
fn residual(model: &Model) -> Model {
    let mut m = model.clone();
    for p in &mut m.processes {
        p.key ^= RESIDUAL_SALT;
    }
    for i in &mut m.params.per_year {
        i.key ^= RESIDUAL_SALT;
    }
    m.residual_salt = RESIDUAL_SALT;
    m
}

/// Jansen's E[(Y_A − Y_B)²] / (2 Var Y) from the accumulated differences Y_B − Y_A.
fn jansen(d: &crate::stats::Stats, variance: f64) -> f64 {
    if variance <= 0.0 {
        return 0.0;
    }
    // E[d²] = var + mean² (population form).
    let nn = d.count.max(1) as f64;
    let msq = d.sd * d.sd * (nn - 1.0) / nn + d.mean * d.mean;
    msq / (2.0 * variance)
}

/// Jansen's share mean(d²)/(2 Var Y) from per-trial differences d and outputs y, and its
/// standard error by the delta method: the relative errors of mean(d²) and of the sample
/// variance of y added in quadrature (their covariance, positive when large outputs make large
/// differences, is left out, which errs on the wide side).
fn residual_share(d: &[f64], y: &[f64]) -> (f64, f64) {
    let n = d.len().min(y.len());
    if n < 2 {
        return (0.0, 0.0);
    }
    let mean_sd = |x: &mut dyn Iterator<Item = f64>| {
        let v: Vec<f64> = x.collect();
        let m = v.iter().sum::<f64>() / n as f64;
        let var = v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n as f64 - 1.0);
        (m, var.sqrt())
    };
    let (ybar, _) = mean_sd(&mut y[..n].iter().copied());
    let (msq, msq_sd) = mean_sd(&mut d[..n].iter().map(|x| x * x));
    let (var, var_sd) = mean_sd(&mut y[..n].iter().map(|v| (v - ybar).powi(2)));
    if var <= 0.0 || msq <= 0.0 {
        return (0.0, 0.0);
    }
    let share = msq / (2.0 * var);
    let rel = ((msq_sd / msq).powi(2) + (var_sd / var).powi(2)).sqrt() / (n as f64).sqrt();
    (share, share * rel)
}

/// Variants the analysis of a model with `inputs` per-trial inputs simulates: the scenario,
/// 2k pinned, k resampled, the residual one and the given-data pass: 3k + 3.
pub fn variants(inputs: usize) -> u64 {
    3 * inputs as u64 + 3
}

/// Simulations the analysis of a model with `inputs` per-trial inputs runs: N·(3k + 3).
pub fn simulations(trials: u64, inputs: usize) -> u64 {
    trials.saturating_mul(variants(inputs))
}

/// Runs the analysis: N trials of the scenario, 2k pinned variants and k resampled ones, then
/// the scenario's per-trial outputs (`simulations` in all, each counted by `progress`).
pub fn analyse(
    model: &Model,
    seed: u64,
    trials: u64,
    threads: Option<usize>,
    cancel: &AtomicBool,
    progress: &Progress,
) -> Result<Sensitivity, EngineError> {
    let outs = outputs(model);
    let inputs = &model.params.per_trial;
    let k = inputs.len();
    let mut models = vec![model.clone()];
    let mut ends = Vec::with_capacity(k);
    for (i, input) in inputs.iter().enumerate() {
        let (lo, hi) = (input.dist.quantile(LOW), input.dist.quantile(HIGH));
        ends.push((lo, hi));
        models.push(pinned(model, i, lo));
        models.push(pinned(model, i, hi));
    }
    for i in 0..k {
        models.push(resampled(model, i));
    }
    // Shared metrics of identical layouts: the outputs, at the same index in every model.
    let shared: Vec<Shared> = outs
        .iter()
        .map(|s| Shared {
            index: vec![s.index[0]; models.len()],
            ..s.clone()
        })
        .collect();
    let spec = PairedSpec {
        seeds: vec![seed; models.len()],
        trials,
        threads,
    };
    let stats = paired::run_paired(&models, &shared, &spec, cancel, progress)?;

    // Given-data first order: per-trial outputs of the base scenario and input values.
    let rows = per_trial_outputs(model, &shared, seed, trials, threads, cancel, progress)?;
    // The residual variant trial by trial, so that the squared differences' spread, hence the
    // unexplained share's standard error, is known.
    let redrawn = residual(model);
    let residual_rows =
        per_trial_outputs(&redrawn, &shared, seed, trials, threads, cancel, progress)?;
    let n = rows.len();
    let mut outputs = Vec::new();
    for (j, s) in shared.iter().enumerate() {
        let base = stats.values[0][j].finish();
        let variance = base.sd * base.sd;
        let ys: Vec<f64> = rows.iter().map(|r| r[j]).collect();
        let d: Vec<f64> = rows
            .iter()
            .zip(&residual_rows)
            .map(|(a, r)| r[j] - a[j])
            .collect();
        let (unexplained, unexplained_se) = residual_share(&d, &ys);
        let mut infl: Vec<Influence> = inputs
            .iter()
            .enumerate()
            .map(|(i, input)| {
                let at_low = stats.values[1 + 2 * i][j].finish().mean;
                let at_high = stats.values[2 + 2 * i][j].finish().mean;
                let total = jansen(&stats.diffs[2 * k + i][j].finish(), variance);
                let (lo, hi) = (
                    stats.diffs[2 * i][j].finish(),
                    stats.diffs[2 * i + 1][j].finish(),
                );
                let swing = (at_high - at_low).abs();
                let swing_se = (lo.sd + hi.sd) / (lo.count.max(1) as f64).sqrt();
                let xs: Vec<f64> = (0..n as u64)
                    .map(|t| {
                        input
                            .dist
                            .sample(&mut stream(trial_seed(seed, t), input.key))
                    })
                    .collect();
                Influence {
                    input: input.path.clone(),
                    input_low: ends[i].0,
                    input_high: ends[i].1,
                    at_low,
                    at_high,
                    swing,
                    swing_se,
                    below_noise: swing <= NOISE_SE * swing_se,
                    first_order: first_order(&xs, &ys, BINS),
                    total_order: total,
                }
            })
            .collect();
        infl.sort_by(|a, b| {
            a.below_noise
                .cmp(&b.below_noise)
                .then_with(|| b.swing.total_cmp(&a.swing))
                .then_with(|| a.input.cmp(&b.input))
        });
        outputs.push(OutputSensitivity {
            metric: s.id.clone(),
            unit: s.unit,
            mean: base.mean,
            variance,
            unexplained,
            unexplained_se,
            inputs: infl,
        });
    }
    Ok(Sensitivity {
        scenario: model.name.clone(),
        seed,
        trials,
        inputs: k,
        simulations: simulations(trials, k),
        bins: BINS,
        bias_floor: if trials > 1 {
            (BINS as f64 - 1.0) / (trials as f64 - 1.0)
        } else {
            0.0
        },
        estimators: "tornado: mean output with the input at P10 / P90, others varying (2kN \
                     simulations); first_order: given-data binning, 20 equal-count bins of the \
                     base run (no extra simulations); total_order: Jansen with the input \
                     resampled from an independent stream (kN simulations); below_noise: swing \
                     within 2 standard errors (bound (sd(Y_P90 − Y) + sd(Y_P10 − Y))/√N), not \
                     ranked; unexplained: Jansen with every stream no input owns redrawn (N \
                     simulations)",
        outputs,
    })
}

/// Horizon values of `shared` outputs for trials `0..trials` of `model`, in trial order.
fn per_trial_outputs(
    model: &Model,
    shared: &[Shared],
    seed: u64,
    trials: u64,
    threads: Option<usize>,
    cancel: &AtomicBool,
    progress: &Progress,
) -> Result<Vec<Vec<f64>>, EngineError> {
    let pool = engine::pool(threads)?;
    let threads = pool.current_num_threads();
    let rows = progress.watch(threads, || {
        pool.install(|| {
            (0..trials)
                .into_par_iter()
                .map_init(
                    || (Workspace::default(), HorizonCapture::default()),
                    |(ws, cap), t| {
                        if cancel.load(std::sync::atomic::Ordering::Relaxed) {
                            return Vec::new();
                        }
                        simulate(model, seed, t, ws, cap);
                        progress.simulated(1);
                        shared.iter().map(|s| cap.values[s.index[0]]).collect()
                    },
                )
                .collect::<Vec<Vec<f64>>>()
        })
    });
    if cancel.load(std::sync::atomic::Ordering::Relaxed) {
        return Err(EngineError::Interrupted);
    }
    Ok(rows)
}

/// Var(E[Y | bin of X]) / Var(Y) with `bins` equal-count bins of X (ties broken by trial order,
/// so deterministic). Only the ranks of X matter, so any monotone transform of the draws (such
/// as clamping to a field's limits) leaves it unchanged. 0 when Y is constant.
pub fn first_order(xs: &[f64], ys: &[f64], bins: usize) -> f64 {
    let n = xs.len().min(ys.len());
    if n < 2 || bins == 0 {
        return 0.0;
    }
    let mean = ys[..n].iter().sum::<f64>() / n as f64;
    let var = ys[..n].iter().map(|y| (y - mean).powi(2)).sum::<f64>();
    if var <= 0.0 {
        return 0.0;
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| xs[a].total_cmp(&xs[b]).then(a.cmp(&b)));
    let bins = bins.min(n);
    let mut between = 0.0;
    for b in 0..bins {
        let (lo, hi) = (b * n / bins, (b + 1) * n / bins);
        if hi <= lo {
            continue;
        }
        let m = order[lo..hi].iter().map(|&t| ys[t]).sum::<f64>() / (hi - lo) as f64;
        between += (hi - lo) as f64 * (m - mean).powi(2);
    }
    (between / var).clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{RngExt, SeedableRng};

    #[test]
    fn first_order_of_an_additive_model() {
        // Y = X1 + 0.5·X2 with X1, X2 independent standard uniforms: Var = (1 + 0.25)/12, so
        // S1 = 0.8 and S2 = 0.2 exactly. With n = 20,000 and 20 bins: binning bias −S/400
        // (each bin keeps 1/400 of its input's variance), the bias floor 19/19,999 ≈ 0.001,
        // and sampling sd of the estimate ≈ 2·sqrt(S(1 − S)/n) ≤ 0.0071; 4σ plus bias < 0.03.
        let mut rng = rand::rngs::Xoshiro256PlusPlus::seed_from_u64(9);
        let n = 20_000;
        let x1: Vec<f64> = (0..n).map(|_| rng.random::<f64>()).collect();
        let x2: Vec<f64> = (0..n).map(|_| rng.random::<f64>()).collect();
        let y: Vec<f64> = x1.iter().zip(&x2).map(|(a, b)| a + 0.5 * b).collect();
        let s1 = first_order(&x1, &y, BINS);
        let s2 = first_order(&x2, &y, BINS);
        assert!((s1 - 0.8).abs() < 0.03, "{s1}");
        assert!((s2 - 0.2).abs() < 0.03, "{s2}");
        let noise: Vec<f64> = (0..n).map(|_| rng.random::<f64>()).collect();
        assert!(first_order(&noise, &y, BINS) < 0.01);
        assert_eq!(first_order(&x1, &vec![3.0; n], BINS), 0.0);
    }
}
