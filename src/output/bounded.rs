//! Bounded text for messages: long lists of numbers as ranges, long literals cut short.
//!
//! Why: an error message is read by a person, and its length must not grow with what a file or
//! the command line asks for. A merge given 1 of 100,000 shards once listed all 99,999 missing
//! ones (1.4 MB); now it says `1–99,999`. Scattered numbers are listed as their first few runs
//! and a count of the rest.

use std::fmt::Write;
use std::ops::RangeInclusive;

/// `n` with thousands separators: 100000 → `100,000`.
pub fn thousands(n: u64) -> String {
    crate::format::thousands(&n.to_string())
}

/// Runs of consecutive numbers in `sorted` (ascending, no repeats): `[1, 2, 3, 7]` →
/// `[1..=3, 7..=7]`. As many runs as there are gaps in the input, never more numbers.
pub fn runs(sorted: &[u64]) -> Vec<RangeInclusive<u64>> {
    let mut out: Vec<RangeInclusive<u64>> = Vec::new();
    for &k in sorted {
        match out.last_mut() {
            Some(r) if r.end().checked_add(1) == Some(k) => *r = *r.start()..=k,
            _ => out.push(k..=k),
        }
    }
    out
}

/// The numbers of `0..n` that `sorted` (ascending, no repeats, all below `n`) lacks, as runs:
/// at most `sorted.len() + 1` of them, whatever `n` is.
pub fn gaps(sorted: &[u64], n: u64) -> Vec<RangeInclusive<u64>> {
    let mut out = Vec::new();
    let mut next = 0u64;
    for &k in sorted.iter().chain(std::iter::once(&n)) {
        if k > next {
            out.push(next..=k - 1);
        }
        next = k.saturating_add(1);
    }
    out
}

/// How many numbers `runs` cover.
pub fn count(runs: &[RangeInclusive<u64>]) -> u64 {
    runs.iter().map(|r| r.end() - r.start() + 1).sum()
}

/// `runs` in words, listing at most `shown` of them: `0, 2–5, 9` or
/// `0, 2, 4, 6, 8 and 49,995 more` (the numbers in the runs left out).
pub fn describe(runs: &[RangeInclusive<u64>], shown: usize) -> String {
    let mut out = String::new();
    for (i, r) in runs.iter().take(shown).enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(&thousands(*r.start()));
        if r.end() > r.start() {
            let _ = write!(out, "–{}", thousands(*r.end()));
        }
    }
    if runs.len() > shown {
        let _ = write!(out, " and {} more", thousands(count(&runs[shown..])));
    }
    out
}

/// `text` cut to about `max` characters: its start, the number of characters left out, and
/// its last few characters (where messages put a position, like serde's `at line 1 column 9`).
pub fn shorten(text: &str, max: usize) -> String {
    let chars = text.chars().count();
    if chars <= max {
        return text.to_string();
    }
    let tail = (max / 4).min(40);
    let head = max.saturating_sub(tail);
    let mut out: String = text.chars().take(head).collect();
    let _ = write!(out, "… ({} characters left out) …", chars - head - tail);
    out.extend(text.chars().skip(chars - tail));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(99_999), "99,999");
        assert_eq!(thousands(u64::MAX), "18,446,744,073,709,551,615");
    }

    #[test]
    fn runs_and_gaps() {
        assert_eq!(runs(&[1, 2, 3, 7, 9, 10]), vec![1..=3, 7..=7, 9..=10]);
        assert_eq!(runs(&[]), vec![]);
        assert_eq!(
            runs(&[u64::MAX - 1, u64::MAX]),
            vec![u64::MAX - 1..=u64::MAX]
        );
        assert_eq!(gaps(&[0], 100_000), vec![1..=99_999]);
        assert_eq!(gaps(&[1, 3], 5), vec![0..=0, 2..=2, 4..=4]);
        assert_eq!(gaps(&[0, 1, 2], 3), vec![]);
        assert_eq!(gaps(&[], 4), vec![0..=3]);
        // Sized by the input, not by n.
        assert_eq!(gaps(&[5], u64::MAX).len(), 2);
    }

    #[test]
    fn long_lists_are_summarised() {
        assert_eq!(describe(&gaps(&[0], 100_000), 5), "1–99,999");
        let every_other: Vec<u64> = (0..100_000).step_by(2).collect();
        let missing = gaps(&every_other, 100_000);
        assert_eq!(count(&missing), 50_000);
        assert_eq!(describe(&missing, 5), "1, 3, 5, 7, 9 and 49,995 more");
        assert_eq!(describe(&[0..=0, 2..=5], 5), "0, 2–5");
    }

    #[test]
    fn long_text_is_cut_keeping_both_ends() {
        assert_eq!(shorten("short", 10), "short");
        let long = format!("start {} at line 1 column 9", "x".repeat(1_000_000));
        let cut = shorten(&long, 200);
        assert!(cut.len() < 300, "{}", cut.len());
        assert!(cut.starts_with("start xxx") && cut.ends_with("at line 1 column 9"));
        assert!(cut.contains("characters left out"));
        assert_eq!(shorten("ééééé", 4).chars().next(), Some('é'));
    }
}
