//! Per-trial draws of correlated inputs (the scenario's `correlations`).
//!
//! Why a separate step: an uncorrelated input draws from its own named stream (`params.rs`), and
//! that must not change when another part of the file declares a correlation. A group of
//! correlated inputs therefore draws from one stream of its own, keyed by the sorted names of its
//! inputs, and overwrites the values of its members after the independent draws: results still
//! depend only on (seed, trial index, input names), and every input outside a group draws exactly
//! as before. The arithmetic (ρ_s → ρ, Cholesky, Φ) is in `distributions::copula`;
//! docs/model.md gives the equations.

use rand_distr::{Distribution, StandardNormal};

use super::params::Input;
use crate::distributions::Quantiles;
use crate::distributions::copula::{cholesky_psd, pearson_from_spearman, uniform};
use crate::model::streams::{key, stream};

/// One group of correlated per-trial inputs, ready to draw.
#[derive(Debug, Clone)]
pub struct Group {
    /// Indices into `ParamTable::per_trial`, sorted by input name.
    pub members: Vec<u32>,
    /// Lower Cholesky factor of the normal-score correlation matrix, row-major n×n.
    lower: Vec<f64>,
    /// Each member's quantile function and clamp bounds.
    quantiles: Vec<(Quantiles, f64, f64)>,
    /// Each member's stream key when the group was built (see `draw`).
    keys: Vec<u64>,
    /// The group's stream key: `correlation/` and the sorted member names joined by `|`.
    pub key: u64,
}

/// The stream key of a group of inputs: independent of the order they are listed in.
pub fn group_key(names: &[&str]) -> u64 {
    key(&super::streams::correlation(names))
}

impl Group {
    /// A group from its members (index, name, stream key, quantile function, clamp bounds) and
    /// its Spearman
    /// matrix (row-major). `Err` when the matrix is not positive semi-definite after ρ_s → ρ,
    /// which `check` has already refused.
    pub fn new(
        mut members: Vec<(u32, &str, u64, Quantiles, f64, f64)>,
        rank: &[f64],
    ) -> Result<Group, String> {
        let n = members.len();
        if rank.len() != n * n {
            return Err(format!("{n} inputs need a {n}×{n} rank matrix"));
        }
        // Members sorted by name, the matrix permuted to match, so that the draws do not depend
        // on the order the file lists the inputs in.
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|&a, &b| members[a].1.cmp(members[b].1));
        let pearson: Vec<f64> = (0..n * n)
            .map(|ij| pearson_from_spearman(rank[order[ij / n] * n + order[ij % n]]))
            .collect();
        let lower = cholesky_psd(&pearson, n)
            .map_err(|k| format!("rank matrix is not positive semi-definite (row {k})"))?;
        members.sort_by(|a, b| a.1.cmp(b.1));
        let names: Vec<&str> = members.iter().map(|m| m.1).collect();
        let key = group_key(&names);
        Ok(Group {
            members: members.iter().map(|m| m.0).collect(),
            keys: members.iter().map(|m| m.2).collect(),
            quantiles: members.into_iter().map(|m| (m.3, m.4, m.5)).collect(),
            lower,
            key,
        })
    }

    /// Draws the group's inputs for the trial seeded `trial_seed` into `values` (indexed like
    /// `inputs`, the model's per-trial inputs); `scratch` holds the normals between calls.
    ///
    /// A member that `corridor sensitivity` has pinned (its distribution made fixed) or given an
    /// independent stream (its key salted) since the group was built keeps its own draw: it has
    /// left the group for that run, while the other members draw exactly as before.
    pub fn draw(
        &self,
        trial_seed: u64,
        inputs: &[Input],
        values: &mut [f64],
        scratch: &mut Vec<f64>,
    ) {
        let n = self.members.len();
        let mut rng = stream(trial_seed, self.key);
        scratch.clear();
        scratch.extend((0..n).map(|_| -> f64 { StandardNormal.sample(&mut rng) }));
        for (i, ((&m, (q, lo, hi)), &k)) in self
            .members
            .iter()
            .zip(&self.quantiles)
            .zip(&self.keys)
            .enumerate()
        {
            let own = &inputs[m as usize];
            if own.key != k || own.dist.is_fixed().is_some() {
                continue;
            }
            let row = &self.lower[i * n..i * n + i + 1];
            let z: f64 = row.iter().zip(scratch.iter()).map(|(l, e)| l * e).sum();
            values[m as usize] = q.at(uniform(z)).clamp(*lo, *hi);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::distributions::{Dist, DistSpec};

    fn input(name: &str, spec: DistSpec) -> Input {
        Input {
            name: name.into(),
            path: name.into(),
            dist: spec.build().unwrap(),
            key: key(name),
            lo: f64::NEG_INFINITY,
            hi: f64::INFINITY,
        }
    }

    fn uniform01(name: &str) -> Input {
        input(name, DistSpec::Uniform { min: 0.0, max: 1.0 })
    }

    fn normal(name: &str) -> Input {
        input(
            name,
            DistSpec::Normal {
                mean: 0.0,
                sd: 1.0,
                min: None,
                max: None,
            },
        )
    }

    /// A group of `inputs[members]` with Spearman matrix `rank` (row-major).
    fn group(inputs: &[Input], members: &[u32], rank: &[f64]) -> Result<Group, String> {
        let m = members
            .iter()
            .map(|&i| {
                let x = &inputs[i as usize];
                (i, x.name.as_str(), x.key, x.dist.quantiles(), x.lo, x.hi)
            })
            .collect();
        Group::new(m, rank)
    }

    fn draw(g: &Group, inputs: &[Input], t: u64) -> Vec<f64> {
        let mut v = vec![f64::NAN; inputs.len()];
        g.draw(t, inputs, &mut v, &mut Vec::new());
        v
    }

    #[test]
    fn the_key_ignores_the_order_of_inputs() {
        assert_eq!(group_key(&["a", "b"]), group_key(&["b", "a"]));
        assert_ne!(group_key(&["a", "b"]), group_key(&["a", "c"]));
    }

    #[test]
    fn perfect_correlation_gives_equal_ranks() {
        let inputs = [uniform01("a"), uniform01("x"), uniform01("b")];
        let g = group(&inputs, &[0, 2], &[1.0, 1.0, 1.0, 1.0]).unwrap();
        for t in 0..100 {
            let v = draw(&g, &inputs, t);
            assert!((v[0] - v[2]).abs() < 1e-12, "{v:?}");
            assert!(v[1].is_nan(), "non-members are left alone");
        }
    }

    #[test]
    fn the_order_of_inputs_does_not_change_the_draws() {
        let inputs = [normal("a"), normal("b"), normal("c")];
        let r = [1.0, 0.3, -0.2, 0.3, 1.0, 0.6, -0.2, 0.6, 1.0];
        let a = group(&inputs, &[0, 1, 2], &r).unwrap();
        // Listed c, a, b: the matrix permuted the same way.
        let r2 = [1.0, -0.2, 0.6, -0.2, 1.0, 0.3, 0.6, 0.3, 1.0];
        let b = group(&inputs, &[2, 0, 1], &r2).unwrap();
        for t in 0..50 {
            assert_eq!(draw(&a, &inputs, t), draw(&b, &inputs, t));
        }
    }

    #[test]
    fn a_pinned_or_resampled_member_leaves_the_group_alone() {
        let mut inputs = [normal("a"), normal("b"), normal("c")];
        let r = [1.0, 0.5, 0.5, 0.5, 1.0, 0.5, 0.5, 0.5, 1.0];
        let g = group(&inputs, &[0, 1, 2], &r).unwrap();
        let before = draw(&g, &inputs, 3);
        inputs[1].dist = Dist::fixed(7.0);
        let pinned = draw(&g, &inputs, 3);
        assert!(pinned[1].is_nan(), "the pinned member keeps its own draw");
        assert_eq!((pinned[0], pinned[2]), (before[0], before[2]));
        inputs[1] = normal("b");
        inputs[2].key ^= 1;
        let salted = draw(&g, &inputs, 3);
        assert!(salted[2].is_nan());
        assert_eq!(&salted[..2], &before[..2]);
    }

    #[test]
    fn a_matrix_that_is_not_semi_definite_is_refused() {
        let inputs = [uniform01("a"), uniform01("b"), uniform01("c")];
        let r = [1.0, -0.9, -0.9, -0.9, 1.0, -0.9, -0.9, -0.9, 1.0];
        assert!(group(&inputs, &[0, 1, 2], &r).is_err());
        assert!(group(&inputs, &[0, 1], &r).is_err(), "wrong size");
    }
}
