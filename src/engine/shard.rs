//! Splitting a run's trials into N contiguous, balanced shards for separate machines.
//!
//! Trial i's random numbers depend only on (seed, i), and every statistic merges exactly, so the
//! shards' merged results are byte-identical to one run of all trials.

use std::fmt;
use std::str::FromStr;

/// The K-th of N shards, 0-based (Slurm's `$SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT`).
///
/// Always 0 ≤ K < N ≤ [`MAX_SHARDS`]: `--shard` and deserialisation (a shard's `partial.json`,
/// which anyone can edit and re-checksum) both refuse anything else, so `range` never divides by
/// zero and nothing sized by N (a list of missing shards) can be asked for with N = 10^18.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "Repr")]
pub struct Shard {
    pub index: u64,
    pub count: u64,
}

/// The most shards a run may be split into.
pub const MAX_SHARDS: u64 = 100_000;

impl Shard {
    /// K/N, or `None` unless 0 ≤ K < N ≤ [`MAX_SHARDS`].
    pub fn new(index: u64, count: u64) -> Option<Shard> {
        (count <= MAX_SHARDS && index < count).then_some(Shard { index, count })
    }

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
        Shard::new(index, count).ok_or_else(bad)
    }
}

/// The serialised form, checked by `TryFrom` before it becomes a `Shard`.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Repr {
    index: u64,
    count: u64,
}

impl TryFrom<Repr> for Shard {
    type Error = String;

    fn try_from(r: Repr) -> Result<Shard, String> {
        Shard::new(r.index, r.count).ok_or_else(|| {
            format!(
                "shard {}/{} is not a shard K/N with 0 ≤ K < N ≤ {MAX_SHARDS}",
                r.index, r.count
            )
        })
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

    /// A shard file is text anyone can edit: N = 0 (a division by zero in `range`), K ≥ N (an
    /// extra shard beyond the run) and N = 10^18 (a list of 10^18 missing shards) are refused
    /// while reading, before anything is sized by N.
    #[test]
    fn deserialising_refuses_what_parsing_refuses() {
        let read = |json: &str| serde_json::from_str::<Shard>(json);
        assert_eq!(
            read(r#"{"index":2,"count":4}"#).unwrap(),
            Shard { index: 2, count: 4 }
        );
        for (k, n) in [
            (0, 0),
            (3, 3),
            (7, 3),
            (0, MAX_SHARDS + 1),
            (0, 1_000_000_000_000_000_000),
        ] {
            let err = read(&format!(r#"{{"index":{k},"count":{n}}}"#))
                .unwrap_err()
                .to_string();
            assert!(
                err.contains(&format!("shard {k}/{n} is not a shard K/N")),
                "{err}"
            );
        }
        assert!(read(r#"{"index":0,"count":1,"extra":1}"#).is_err());
    }
}
