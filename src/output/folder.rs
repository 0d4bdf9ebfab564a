//! The output folder as one unit: either the previous complete results or the new complete ones,
//! and never a file corridor did not write deleted.
//!
//! Why: analysts run scenarios unattended overnight, into folders they also use for other work,
//! and a run can be interrupted, killed or run out of disk at any moment. So:
//!
//! - Every file of a result set is written into a hidden staging folder beside the output folder
//!   (`.<name>.tmp-<pid>-<random>`) and flushed to disk; `manifest.json`, listing every file with
//!   its size and SHA-256, is written last (`manifest`). Until the staging folder is swapped in,
//!   nothing in the output folder has changed.
//! - An existing output folder is replaced only when it is empty or holds exactly what its
//!   manifest lists (`survey`). That is checked when the command starts, again just before the
//!   swap, and once more on the previous contents after the swap (a file can be added between
//!   the check and the rename): they are deleted file by file, only what the manifest proves,
//!   and anything else is moved to a visible `<name>.corridor-old-<time>` folder and reported.
//!   If the output folder changed before the swap, it is left alone and the new results go to
//!   `<name>.corridor-new-<time>` beside it (exit 1, with both named).
//! - The swap is an atomic exchange on Linux (`renameat2(RENAME_EXCHANGE)`): the output path
//!   never stops holding a complete set, even under SIGKILL. Where it is not available the old
//!   folder is first renamed to `.<name>.old-<pid>-<random>`; a kill between the two renames
//!   leaves the output path absent, and the next run into it puts the previous contents back.
//! - A killed run leaves its staging folder behind. Each staging folder holds a journal naming
//!   every file before it is created, so the next run into the same output folder can remove a
//!   dead run's leftovers file by file (only folders matching this exact pattern, beside the
//!   target, whose process has ended; only files the journal or a manifest proves).
//!
//! `--out` must not be, contain or lie inside an input of the command (`overlap`), must not be a
//! symbolic link, and file names inside the set cannot climb out of it.

use crate::output::error::{Context, Result, refuse};

mod leftovers;
mod rename;
mod verdict;

use std::collections::BTreeSet;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::manifest::{self, Manifest, normalize};
use super::overlap::{self, Input};
use super::survey::{Expect, Expected, bounded, survey};
#[cfg(test)]
use leftovers::{clear_leftover, parse_staging};
use leftovers::{discard, recover, staging_prefix};
#[cfg(test)]
use rename::utc_stamp;
use rename::{appeared, exchange, park, rename_noreplace, sync_dir};
use verdict::{State, changed_meanwhile, dispose, finish, inspect};

/// In a staging folder: the name of every file the run is about to create, one JSON string per
/// line, appended before the file is created. It proves that a killed run's files, which have
/// no manifest yet, are corridor's; it is removed once the manifest is written.
pub const JOURNAL: &str = ".corridor-journal";

const TMP: &str = "tmp";
const OLD: &str = "old";

pub struct Staging {
    target: PathBuf,
    dir: Option<PathBuf>,
    journal: Mutex<Journal>,
    notes: Vec<String>,
}

struct Journal {
    names: BTreeSet<String>,
    path: PathBuf,
    file: fs::File,
}

impl Staging {
    /// Prepares to write results for `target`: refuses an output folder that overlaps one of
    /// the command's `inputs` or that is not corridor's to replace, and cleans up after killed
    /// runs into the same folder.
    pub fn new(target: &Path, inputs: &[Input]) -> Result<Staging> {
        let (parent, name) = split(target)?;
        // `out/` and `out/.` are `out`: the final component must be the folder itself.
        let target = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.join(&name),
            _ => PathBuf::from(&name),
        };
        overlap::check(&target, inputs)?;
        let notes = if parent.is_dir() {
            recover(&parent, &name, &target)
        } else {
            Vec::new()
        };
        let state =
            inspect(&target).with_context(|| format!("cannot read {}", target.display()))?;
        if let State::Refused(r) = state {
            refuse!("{}; {}", r.reason, r.remedy);
        }
        fs::create_dir_all(&parent).with_context(|| {
            format!(
                "cannot create {}; give an --out in a folder you can write",
                parent.display()
            )
        })?;
        let dir = tempfile::Builder::new()
            .prefix(&staging_prefix(&name, TMP))
            .tempdir_in(&parent)
            .with_context(|| {
                format!(
                    "cannot write in {}; give an --out in a folder you can write",
                    parent.display()
                )
            })?
            .keep();
        let path = dir.join(JOURNAL);
        let file = fs::OpenOptions::new()
            .create_new(true)
            .append(true)
            .open(&path);
        let file = match file {
            Ok(f) => f,
            Err(e) => {
                let _ = fs::remove_dir(&dir);
                return Err(e)
                    .with_context(|| format!("cannot write {}{DISK_HINT}", path.display()));
            }
        };
        Ok(Staging {
            target,
            dir: Some(dir),
            journal: Mutex::new(Journal {
                names: BTreeSet::new(),
                path,
                file,
            }),
            notes,
        })
    }

    /// The folder the results will replace.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// What cleaning up after killed runs did that the user should know (a folder moved).
    pub fn notes(&self) -> &[String] {
        &self.notes
    }

    /// Where to create file `name` of the new set (`charts/x.svg`), for a writer that streams
    /// it; the name is recorded first, so the file is corridor's even if the run is killed. A
    /// name that would leave the set (`..`, an absolute path) or that corridor keeps for
    /// itself is refused.
    pub fn reserve(&self, name: &str) -> Result<PathBuf> {
        let clean = normalize(name).filter(|n| n != manifest::FILE && n != JOURNAL);
        let Some(clean) = clean else {
            refuse!("refusing to write {name:?}: result files must stay inside the output folder");
        };
        self.record(&clean)?;
        let path = self.dir().join(&clean);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        Ok(path)
    }

    /// Writes one file of the set and flushes it to disk.
    pub fn write(&self, name: &str, bytes: &[u8]) -> Result<()> {
        let path = self.reserve(name)?;
        write_synced(&path, bytes)
    }

    /// Puts the new set in place of the old one, if the output folder is still corridor's.
    pub fn commit(mut self) -> Result<PathBuf> {
        let staged = self.dir.take().expect("committed once");
        if let Err(e) = self.seal(&staged) {
            discard(&staged);
            return Err(e);
        }
        let target = self.target.clone();
        let t = target.display();
        // Each pass re-checks the output folder right before renaming; a pass is repeated only
        // when the folder appeared or vanished between the check and the rename.
        for _ in 0..3 {
            let state = match inspect(&target) {
                Ok(s) => s,
                Err(e) => {
                    let reason = format!("cannot read {t} ({e})");
                    return Err(changed_meanwhile(&staged, &target, &reason));
                }
            };
            match state {
                State::Absent => match rename_noreplace(&staged, &target) {
                    Ok(()) => return Ok(finish(target)),
                    Err(e) if appeared(&e) => continue,
                    Err(e) => {
                        discard(&staged);
                        return Err(e).with_context(|| format!("cannot put the results in {t}"));
                    }
                },
                State::Replaceable => match exchange(&staged, &target) {
                    // `staged` now holds the previous contents.
                    Ok(()) => {
                        dispose(&staged, &target)?;
                        return Ok(finish(target));
                    }
                    Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
                    Err(_) => {
                        replace_in_two_steps(&staged, &target)?;
                        return Ok(finish(target));
                    }
                },
                State::Refused(r) => return Err(changed_meanwhile(&staged, &target, &r.reason)),
            }
        }
        Err(changed_meanwhile(
            &staged,
            &target,
            &format!("{t} kept appearing and disappearing"),
        ))
    }

    fn dir(&self) -> &Path {
        self.dir.as_deref().expect("not committed")
    }

    /// Appends `name` to the journal (once).
    fn record(&self, name: &str) -> Result<()> {
        let mut journal = self.journal.lock().unwrap_or_else(|p| p.into_inner());
        if journal.names.insert(name.to_string()) {
            let line = format!("{}\n", serde_json::to_string(name)?);
            let path = journal.path.display().to_string();
            journal
                .file
                .write_all(line.as_bytes())
                .with_context(|| format!("cannot write {path}{DISK_HINT}"))?;
        }
        Ok(())
    }

    /// Writes the manifest of everything the journal names (refusing anything else found in
    /// the staging folder), then drops the journal: the folder is now a proven result set.
    fn seal(&self, dir: &Path) -> Result<()> {
        let names = self
            .journal
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .names
            .clone();
        let mut expected: Expected = names.iter().map(|n| (n.clone(), Expect::Named)).collect();
        expected.insert(JOURNAL.into(), Expect::Named);
        let found = survey(dir, &expected)
            .with_context(|| format!("cannot read the staging folder {}", dir.display()))?;
        if !found.foreign.is_empty() {
            refuse!(
                "the staging folder {} holds files corridor did not write ({}); nothing was published",
                dir.display(),
                bounded(&found.foreign)
            );
        }
        let files = found
            .files
            .iter()
            .map(String::as_str)
            .filter(|f| *f != JOURNAL);
        let listed = Manifest::of_files(dir, files)
            .with_context(|| format!("cannot read back the results in {}", dir.display()))?;
        self.record(manifest::FILE)?;
        write_synced(&dir.join(manifest::FILE), &listed.to_bytes())?;
        fs::remove_file(dir.join(JOURNAL))
            .with_context(|| format!("cannot remove {}", dir.join(JOURNAL).display()))?;
        sync_dir(dir);
        Ok(())
    }
}

impl Drop for Staging {
    /// An unfinished set (an error, an interrupt) is removed: only the files its journal names.
    fn drop(&mut self) {
        if let Some(dir) = self.dir.take() {
            discard(&dir);
        }
    }
}

/// Appended to write errors: the usual cause.
const DISK_HINT: &str = " (is the disk full?); the previous results were left as they were";

/// The folder that will hold `target` and `target`'s last component.
fn split(target: &Path) -> Result<(PathBuf, String)> {
    let Some(name) = target.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        refuse!(
            "--out {} does not name a folder; give one such as output/run1",
            target.display()
        );
    };
    let parent = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    Ok((parent, name))
}

fn write_synced(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut f =
        fs::File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    f.write_all(bytes)
        .with_context(|| format!("cannot write {}{}", path.display(), DISK_HINT))?;
    f.sync_all()
        .with_context(|| format!("cannot write {}{}", path.display(), DISK_HINT))?;
    Ok(())
}

/// Fallback without an atomic exchange: set the old folder aside, put the new one in place,
/// dispose of the old one. On failure the old folder is put back.
fn replace_in_two_steps(staged: &Path, target: &Path) -> Result<()> {
    let t = target.display();
    let (parent, name) = split(target)?;
    let random = staged
        .file_name()
        .map(|n| {
            n.to_string_lossy()
                .rsplit('-')
                .next()
                .unwrap_or("x")
                .to_string()
        })
        .unwrap_or_default();
    let aside = parent.join(format!("{}{random}", staging_prefix(&name, OLD)));
    if let Err(e) = fs::rename(target, &aside) {
        discard(staged);
        return Err(e).with_context(|| format!("cannot move the previous results in {t} aside"));
    }
    if let Err(e) = rename_noreplace(staged, target) {
        discard(staged);
        let back = match rename_noreplace(&aside, target) {
            Ok(()) => String::new(),
            Err(_) => match park(&aside, target, "old") {
                Ok(p) => format!("; what it held is in {}", p.display()),
                Err(_) => format!("; what it held is in {}", aside.display()),
            },
        };
        return Err(e).with_context(|| format!("cannot put the results in {t}{back}"));
    }
    dispose(&aside, target)
}

#[cfg(test)]
mod tests;
