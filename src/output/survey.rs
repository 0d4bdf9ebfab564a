//! What a folder holds, compared with what corridor is allowed to delete there.
//!
//! Why: the output folder, a set-aside previous result set and a killed run's staging folder are
//! deleted only file by file, and only the files proven corridor's (listed in a manifest with
//! the same size and checksum, or named in a staging journal). Anything else found there is
//! reported by name so that the user is told exactly what stopped corridor. Symbolic links are
//! never followed, and a folder not expected is reported as one entry (`notes/`) without being
//! read, so a large foreign tree costs one line.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io;
use std::path::Path;

use rayon::prelude::*;

use super::manifest::{Entry, sha256_file};

/// How much of a file must match for corridor to own it.
#[derive(Debug, Clone)]
pub enum Expect {
    /// Listed in a manifest: same size and SHA-256.
    Exact(Entry),
    /// Named in the staging journal of a run that was killed while writing it: the name alone
    /// (the file may be cut short).
    Named,
}

pub type Expected = BTreeMap<String, Expect>;

/// The outcome of comparing a folder with what was expected in it.
#[derive(Debug, Default)]
pub struct Survey {
    /// Entries corridor may not delete, described (`notes.txt`, `drafts/`,
    /// `summary.json (changed)`, `link (a symbolic link)`), sorted.
    pub foreign: Vec<String>,
    /// Expected files that are absent.
    pub missing: Vec<String>,
    /// Expected files found as expected, and the folders walked to reach them.
    pub files: Vec<String>,
    pub dirs: Vec<String>,
}

impl Survey {
    /// Nothing but expected files, each present and intact.
    pub fn exact(&self) -> bool {
        self.foreign.is_empty() && self.missing.is_empty()
    }

    /// The problems, as one bounded list for a message.
    pub fn problems(&self) -> String {
        let items: Vec<String> = self
            .foreign
            .iter()
            .cloned()
            .chain(self.missing.iter().map(|m| format!("{m} (missing)")))
            .collect();
        bounded(&items)
    }

    /// Deletes the expected files found, then the folders that held them (only if they are then
    /// empty: `remove_dir`, never a recursive removal), then `root` itself. Files named in
    /// `last` go after the others, so that a run killed midway leaves them (the manifest, the
    /// journal) to prove the rest. Returns whether `root` is gone.
    pub fn remove(&self, root: &Path, last: &[&str]) -> bool {
        let (late, early): (Vec<&String>, Vec<&String>) =
            self.files.iter().partition(|f| last.contains(&f.as_str()));
        for f in early {
            let _ = fs::remove_file(root.join(f));
        }
        let mut dirs: Vec<&String> = self.dirs.iter().collect();
        dirs.sort_by_key(|d| std::cmp::Reverse(d.matches('/').count()));
        for d in dirs {
            let _ = fs::remove_dir(root.join(d));
        }
        for f in late {
            let _ = fs::remove_file(root.join(f));
        }
        fs::remove_dir(root).is_ok()
    }
}

/// At most this many entries are named in a message; the rest are counted.
pub const SHOWN: usize = 10;

/// `a, b, c and 12 more`.
pub fn bounded(items: &[String]) -> String {
    let mut text = items
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if items.len() > SHOWN {
        text.push_str(&format!(" and {} more", items.len() - SHOWN));
    }
    text
}

/// Compares what `root` holds with `expected` (paths relative to `root`, joined by `/`). Only
/// folders that lead to an expected file are read. An error only when `root` cannot be read.
pub fn survey(root: &Path, expected: &Expected) -> io::Result<Survey> {
    let wanted_dirs: BTreeSet<String> = expected
        .keys()
        .flat_map(|p| {
            p.match_indices('/')
                .map(|(i, _)| p[..i].to_string())
                .collect::<Vec<_>>()
        })
        .collect();
    let mut s = Survey::default();
    let mut seen = BTreeSet::new();
    let mut stack = vec![String::new()];
    // The expected files found, checked once the walk is done: their checksums are most of a
    // survey's time, and each file's is its own, so they are computed in parallel.
    let mut checks: Vec<(String, &Expect)> = Vec::new();
    while let Some(rel) = stack.pop() {
        let dir = if rel.is_empty() {
            root.to_path_buf()
        } else {
            root.join(&rel)
        };
        let entries = match fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if rel.is_empty() => return Err(e),
            Err(_) => {
                s.foreign.push(format!("{rel}/ (cannot be read)"));
                continue;
            }
        };
        for entry in entries {
            let entry = entry?;
            let join = |name: &str| {
                if rel.is_empty() {
                    name.to_string()
                } else {
                    format!("{rel}/{name}")
                }
            };
            let name = match entry.file_name().into_string() {
                Ok(n) => n,
                Err(raw) => {
                    let shown = join(&raw.to_string_lossy());
                    s.foreign
                        .push(format!("{shown} (a name that is not UTF-8)"));
                    continue;
                }
            };
            let path = join(&name);
            // The entry's own type: a symbolic link is reported, never followed.
            let kind = entry.file_type()?;
            if kind.is_symlink() {
                s.foreign.push(format!("{path} (a symbolic link)"));
            } else if kind.is_dir() {
                if wanted_dirs.contains(&path) {
                    s.dirs.push(path.clone());
                    stack.push(path);
                } else {
                    s.foreign.push(format!("{path}/"));
                }
            } else if !kind.is_file() {
                s.foreign.push(format!("{path} (not a regular file)"));
            } else {
                match expected.get(&path) {
                    None => s.foreign.push(path),
                    Some(expect) => {
                        seen.insert(path.clone());
                        checks.push((path, expect));
                    }
                }
            }
        }
    }
    let verdicts: Vec<bool> = checks
        .par_iter()
        .map(|(path, expect)| matches(&root.join(path), expect))
        .collect();
    for ((path, _), same) in checks.into_iter().zip(verdicts) {
        if same {
            s.files.push(path);
        } else {
            s.foreign.push(format!("{path} (changed)"));
        }
    }
    s.missing = expected
        .keys()
        .filter(|k| !seen.contains(*k))
        .cloned()
        .collect();
    s.foreign.sort();
    Ok(s)
}

/// Whether a regular file is what `expect` says: the size first (cheap), then the checksum.
fn matches(path: &Path, expect: &Expect) -> bool {
    match expect {
        Expect::Named => true,
        Expect::Exact(e) => {
            fs::symlink_metadata(path).is_ok_and(|m| m.len() == e.size)
                && sha256_file(path).is_ok_and(|(size, sum)| size == e.size && sum == e.sha256)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::manifest::Manifest;

    fn setup() -> (tempfile::TempDir, Expected) {
        let tmp = tempfile::tempdir().unwrap();
        fs::create_dir_all(tmp.path().join("charts/deep")).unwrap();
        fs::write(tmp.path().join("a.json"), "a").unwrap();
        fs::write(tmp.path().join("charts/deep/b.svg"), "bb").unwrap();
        let m = Manifest::of_files(tmp.path(), ["a.json", "charts/deep/b.svg"]).unwrap();
        let expected = m
            .files
            .into_iter()
            .map(|e| (e.path.clone(), Expect::Exact(e)))
            .collect();
        (tmp, expected)
    }

    #[test]
    fn an_intact_set_is_exact_and_removed_file_by_file() {
        let (tmp, expected) = setup();
        let s = survey(tmp.path(), &expected).unwrap();
        assert!(s.exact(), "{s:?}");
        assert_eq!(s.files.len(), 2);
        assert!(s.remove(tmp.path(), &[]));
        assert!(!tmp.path().exists());
    }

    #[test]
    fn additions_changes_and_absences_are_named() {
        let (tmp, expected) = setup();
        let root = tmp.path();
        fs::write(root.join("notes.txt"), "mine").unwrap();
        fs::write(root.join("charts/deep/mine.svg"), "mine").unwrap();
        fs::create_dir_all(root.join("drafts/inner")).unwrap();
        fs::write(root.join("a.json"), "A").unwrap(); // same size, other bytes
        fs::remove_file(root.join("charts/deep/b.svg")).unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink("/etc", root.join("link")).unwrap();
        let s = survey(root, &expected).unwrap();
        let mut want = vec![
            "a.json (changed)",
            "charts/deep/mine.svg",
            "drafts/",
            "notes.txt",
        ];
        if cfg!(unix) {
            want.push("link (a symbolic link)");
            want.sort();
        }
        assert_eq!(s.foreign, want);
        assert_eq!(s.missing, ["charts/deep/b.svg"]);
        assert!(!s.exact());
        // Removal takes only what was proven (nothing here) and keeps every foreign file.
        assert!(!s.remove(root, &[]));
        assert_eq!(fs::read_to_string(root.join("notes.txt")).unwrap(), "mine");
        assert_eq!(
            fs::read_to_string(root.join("charts/deep/mine.svg")).unwrap(),
            "mine"
        );
        assert!(root.join("drafts/inner").is_dir());
    }

    #[test]
    fn a_size_change_is_a_change_and_named_files_need_only_their_name() {
        let (tmp, mut expected) = setup();
        fs::write(tmp.path().join("a.json"), "longer").unwrap();
        assert_eq!(
            survey(tmp.path(), &expected).unwrap().foreign,
            ["a.json (changed)"]
        );
        expected.insert("a.json".into(), Expect::Named);
        assert!(survey(tmp.path(), &expected).unwrap().exact());
    }

    #[test]
    fn long_lists_are_cut() {
        let items: Vec<String> = (0..25).map(|i| format!("f{i}")).collect();
        assert_eq!(
            bounded(&items),
            "f0, f1, f2, f3, f4, f5, f6, f7, f8, f9 and 15 more"
        );
        assert_eq!(bounded(&items[..2]), "f0, f1");
    }
}
