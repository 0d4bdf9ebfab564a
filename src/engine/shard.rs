//! Splitting a run's trials into N contiguous, balanced shards for separate machines.
//!
//! Trial i's random numbers depend only on (seed, i), and every statistic merges exactly, so the
//! shards' merged results are byte-identical to one run of all trials.

use std::fmt;
use std::str::FromStr;

/// The K-th of N shards, 0-based (Slurm's `$SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Shard {
    pub index: u64,
    pub count: u64,
}

/// The most shards a run may be split into.
pub const MAX_SHARDS: u64 = 100_000;

impl Shard {
    /// The trial indices of this shard: `first..first + trials`, balanced to within one trial.
    pub fn range(self, trials: u64) -> (u64, u64) {
        let bound = |k: u64| ((u128::from(trials) * u128::from(k)) / u128::from(self.count)) as u64;
        let (lo, hi) = (bound(self.index), bound(self.index + 1));
        (lo, hi - lo)
    }
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(s: &str) -> Result<Shard, String> {
        let bad = || format!("--shard {s:?}: write K/N with 0 ≤ K < N ≤ {MAX_SHARDS}, e.g. 0/4");
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let (index, count): (u64, u64) = (
            k.trim().parse().map_err(|_| bad())?,
            n.trim().parse().map_err(|_| bad())?,
        );
        if count == 0 || count > MAX_SHARDS || index >= count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_tile_the_trials_in_order() {
        for (trials, n) in [(10, 3), (100_000, 4), (5, 7), (1, 1)] {
            let mut next = 0;
            for k in 0..n {
                let (first, count) = Shard { index: k, count: n }.range(trials);
                assert_eq!(first, next);
                assert!(count <= trials / n + 1 && count >= trials / n);
                next = first + count;
            }
            assert_eq!(next, trials);
        }
    }

    #[test]
    fn parses_k_of_n() {
        assert_eq!("2/4".parse(), Ok(Shard { index: 2, count: 4 }));
        for bad in ["4/4", "1", "a/2", "0/0", "-1/3"] {
            assert!(bad.parse::<Shard>().unwrap_err().contains("K/N"), "{bad}");
        }
    }
}
