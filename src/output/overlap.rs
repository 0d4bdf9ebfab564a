//! Inputs are never overwritten: `--out` may not be, contain or lie inside anything a command
//! reads.
//!
//! Why: replacing the output folder replaces everything in it, so a command whose inputs lie
//! there would destroy them (`merge s0/partial.json s1 --out s0` replaced shard 0). Names are
//! not compared as typed: `s0`, `./s0/`, `s0/partial.json`'s folder and a link to `s0` are the
//! same folder. Every path is made canonical (links, `.` and `..` resolved); a path that does
//! not exist yet (a new `--out`) is resolved through its nearest existing ancestor, as the
//! folders that will be created under it cannot be links.

use crate::output::error::{Result, refuse};

use std::path::{Component, Path, PathBuf};

/// Something a command reads.
#[derive(Debug, Clone)]
pub struct Input {
    pub path: PathBuf,
    /// How messages name it.
    pub shown: String,
}

impl Input {
    /// A file or folder, named as the user gave it.
    pub fn new(path: &Path) -> Input {
        Input {
            path: path.to_path_buf(),
            shown: path.display().to_string(),
        }
    }

    /// The folder a file is read from, where the command reads the folder too (a shard's
    /// `partial.json` is checked against the `partial.sha256` beside it).
    pub fn folder_of(file: &Path) -> Input {
        let folder = match file.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        Input {
            shown: format!("{} (the folder of {})", folder.display(), file.display()),
            path: folder,
        }
    }
}

/// Refuses an `out` that is one of `inputs`, lies inside one, or holds one.
pub fn check(out: &Path, inputs: &[Input]) -> Result<()> {
    let target = resolve(out);
    for input in inputs {
        let source = resolve(&input.path);
        let (o, i) = (out.display(), &input.shown);
        if target == source {
            refuse!(
                "--out {o} is {i}, which this command reads; write the results to another folder"
            );
        }
        if target.starts_with(&source) {
            refuse!(
                "--out {o} is inside {i}, which this command reads; write the results to a folder outside it"
            );
        }
        if source.starts_with(&target) {
            refuse!(
                "{i}, which this command reads, is inside --out {o}, and corridor replaces its output folder whole; write the results to another folder"
            );
        }
    }
    Ok(())
}

/// The canonical form of `path`, or of its nearest existing ancestor followed by the rest (with
/// `.` dropped and `..` taken off lexically: below the existing part nothing is a link).
pub fn resolve(path: &Path) -> PathBuf {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(canonical) = existing.canonicalize() {
            let mut out = canonical;
            for c in rest.iter().rev() {
                match c {
                    Component::ParentDir => {
                        out.pop();
                    }
                    Component::Normal(n) => out.push(n),
                    _ => {}
                }
            }
            return out;
        }
        match (existing.parent(), existing.components().next_back()) {
            (Some(parent), Some(last)) => {
                rest.push(last);
                existing = parent;
            }
            _ => return absolute,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_compared_as_the_folders_they_name() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().canonicalize().unwrap();
        let s0 = root.join("s0");
        std::fs::create_dir(&s0).unwrap();
        std::fs::write(s0.join("partial.json"), "{}").unwrap();
        assert_eq!(resolve(&s0.join("./x/../")), s0);
        assert_eq!(resolve(&root.join("new/deeper/../x")), root.join("new/x"));
        assert_eq!(resolve(&root.join("new/../s0")), s0);
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(&s0, root.join("link")).unwrap();
            assert_eq!(resolve(&root.join("link/new")), s0.join("new"));
        }
    }

    #[test]
    fn out_equal_to_inside_or_holding_an_input_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        let s0 = root.join("s0");
        std::fs::create_dir(&s0).unwrap();
        let file = s0.join("partial.json");
        std::fs::write(&file, "{}").unwrap();
        let shard_file = [Input::folder_of(&file), Input::new(&file)];
        for (out, inputs, says) in [
            (s0.clone(), &shard_file[..], "the folder of"),
            (s0.join("."), &shard_file[..], "which this command reads;"),
            (root.join("new/../s0"), &shard_file[..], "is "),
            (s0.join("merged"), &shard_file[..], "is inside"),
            (s0.join("not/yet/there"), &shard_file[..], "is inside"),
            (root.to_path_buf(), &shard_file[..], "is inside --out"),
            (file.clone(), &shard_file[1..], "which this command reads"),
        ] {
            let err = check(&out, inputs).unwrap_err().to_string();
            assert!(err.contains(says), "{}: {err}", out.display());
            assert!(err.contains(&out.display().to_string()), "{err}");
        }
        // Beside an input is fine, and a scenario file's folder may hold the output folder.
        check(&root.join("merged"), &shard_file).unwrap();
        check(&s0.join("results"), &[Input::new(&file)]).unwrap();
    }
}
