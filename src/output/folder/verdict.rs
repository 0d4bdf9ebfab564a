//! Whether the output folder is corridor's to replace, checked before the run, just before the
//! swap and, on the previous contents, just after it.

use crate::output::error::{Error, Result, refuse, refused};

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::rename::{park, sync_dir};
use crate::output::manifest::{self, Manifest};
use crate::output::survey::{Expect, Expected, survey};

/// What is at the output path, and whether corridor may replace it.
pub(super) enum State {
    Absent,
    /// An empty folder, or exactly what its manifest lists.
    Replaceable,
    Refused(Refusal),
}

pub(super) struct Refusal {
    pub(super) reason: String,
    pub(super) remedy: String,
}

pub(super) fn inspect(target: &Path) -> io::Result<State> {
    let meta = match fs::symlink_metadata(target) {
        Ok(m) => m,
        // A path through a file (`/dev/full/results`) holds nothing either; creating it fails.
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::NotFound | io::ErrorKind::NotADirectory
            ) =>
        {
            return Ok(State::Absent);
        }
        Err(e) => return Err(e),
    };
    let t = target.display();
    let refused = |reason: String, remedy: String| Ok(State::Refused(Refusal { reason, remedy }));
    if meta.file_type().is_symlink() {
        return refused(
            format!("--out {t} is a symbolic link"),
            "give the folder it points to, or another --out".into(),
        );
    }
    if !meta.is_dir() {
        return refused(
            format!("--out {t} exists and is not a folder"),
            "give a folder for the results".into(),
        );
    }
    let file = manifest::FILE;
    let (expected, unproven) = match Manifest::read(target) {
        Ok(Some(m)) => (exact(m), None),
        Ok(None) => (
            Expected::new(),
            Some(format!("{t} is not empty and has no {file}")),
        ),
        Err(why) => (
            Expected::new(),
            Some(format!(
                "{t}/{file} is not a valid corridor manifest ({why})"
            )),
        ),
    };
    let found = survey(target, &expected)?;
    if found.exact() {
        return Ok(State::Replaceable);
    }
    let reason = match unproven {
        Some(why) => format!(
            "{why}, so corridor cannot prove it wrote {}",
            found.problems()
        ),
        None => format!(
            "{t} has changed since corridor wrote it: {}",
            found.problems()
        ),
    };
    refused(
        reason,
        format!(
            "corridor replaces its output folder whole and deletes only files it wrote, so give \
             another --out or move those files out of {t}"
        ),
    )
}

/// What a manifest allows: its files, exactly, and itself.
pub(super) fn exact(m: Manifest) -> Expected {
    let mut expected: Expected = m
        .files
        .into_iter()
        .map(|e| (e.path.clone(), Expect::Exact(e)))
        .collect();
    expected.insert(manifest::FILE.into(), Expect::Named);
    expected
}

/// The output folder changed before the swap: it stays as it is, and the new results are kept
/// in a visible folder beside it.
pub(super) fn changed_meanwhile(staged: &Path, target: &Path, reason: &str) -> Error {
    let t = target.display();
    let kept = match park(staged, target, "new") {
        Ok(p) => p.display().to_string(),
        Err(e) => format!("{} (it could not be renamed: {e})", staged.display()),
    };
    refused!(
        "{reason}. {t} changed while corridor was running, so it was left as it was; the new \
         results are in {kept}"
    )
}

/// After the swap, `old` holds what the output folder held: deleted file by file if it is
/// still exactly what its manifest lists, else kept in a visible folder and reported.
pub(super) fn dispose(old: &Path, target: &Path) -> Result<()> {
    let expected = match Manifest::read(old) {
        Ok(Some(m)) => exact(m),
        _ => Expected::new(),
    };
    let problems = match survey(old, &expected) {
        Ok(found) if found.exact() => {
            found.remove(old, &[manifest::FILE]);
            return Ok(());
        }
        Ok(found) => found.problems(),
        Err(e) => format!("it could not be read: {e}"),
    };
    let t = target.display();
    let kept = match park(old, target, "old") {
        Ok(p) => p.display().to_string(),
        Err(e) => format!("{} (it could not be renamed: {e})", old.display()),
    };
    refuse!(
        "{t} changed while the new results were being put in place: {problems}. The new results \
         are in {t}; what it held before, with those files, is in {kept} (nothing was deleted)"
    )
}

pub(super) fn finish(target: PathBuf) -> PathBuf {
    if let Some(parent) = target.parent() {
        sync_dir(if parent.as_os_str().is_empty() {
            Path::new(".")
        } else {
            parent
        });
    }
    target
}
