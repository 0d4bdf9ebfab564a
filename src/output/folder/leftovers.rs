//! Cleaning up after killed runs: their staging and set-aside folders beside the output folder.

use std::fs;
use std::io;
use std::path::Path;

use super::rename::{park, rename_noreplace};
use super::verdict::exact;
use super::{JOURNAL, OLD, TMP};
use crate::output::manifest::{self, Manifest, normalize, read_bounded};
use crate::output::survey::{Expect, Expected, bounded, survey};

/// What a leftover folder of corridor's may hold: its manifest's files (exactly) and its
/// journal's (by name).
pub(super) fn leftover_expected(dir: &Path) -> Expected {
    let mut expected = match Manifest::read(dir) {
        Ok(Some(m)) => exact(m),
        _ => Expected::new(),
    };
    if let Ok(bytes) = read_bounded(&dir.join(JOURNAL)) {
        // A line cut short by a kill names a file that was never created: skipped.
        for line in bytes.split(|b| *b == b'\n') {
            if let Some(name) = serde_json::from_slice::<String>(line)
                .ok()
                .and_then(|n| normalize(&n))
            {
                expected.insert(name, Expect::Named);
            }
        }
        expected.insert(JOURNAL.into(), Expect::Named);
    }
    expected
}

/// Removes a staging or set-aside folder of corridor's file by file, if everything in it is
/// proven corridor's (absent files are fine: a kill may have come partway through a removal).
/// Otherwise touches nothing and returns what was found.
pub(super) fn clear_leftover(dir: &Path) -> Result<(), String> {
    let found = survey(dir, &leftover_expected(dir)).map_err(|e| e.to_string())?;
    if !found.foreign.is_empty() {
        return Err(bounded(&found.foreign));
    }
    found.remove(dir, &[manifest::FILE, JOURNAL]);
    Ok(())
}

/// Removes an unfinished staging folder of this process (best effort).
pub(super) fn discard(dir: &Path) {
    let _ = clear_leftover(dir);
}

/// `.<name>.<kind>-<pid>-`: the prefix of this process's staging (`tmp`) or set-aside (`old`)
/// folders; tempfile appends a random suffix.
pub(super) fn staging_prefix(name: &str, kind: &str) -> String {
    format!(".{name}.{kind}-{}-", std::process::id())
}

/// If `entry` is one of corridor's staging or set-aside folders for `name`, its kind and the pid
/// of the process that made it.
pub(super) fn parse_staging<'a>(entry: &'a str, name: &str) -> Option<(&'a str, u32)> {
    let rest = entry
        .strip_prefix('.')?
        .strip_prefix(name)?
        .strip_prefix('.')?;
    let (kind, rest) = rest.split_once('-')?;
    if kind != TMP && kind != OLD {
        return None;
    }
    let (pid, random) = rest.split_once('-')?;
    let pid = pid.parse().ok()?;
    (!random.is_empty() && random.chars().all(|c| c.is_ascii_alphanumeric())).then_some((kind, pid))
}

/// Whether process `pid` is still running (Linux: `/proc/<pid>`). Elsewhere every process is
/// assumed alive, so nothing is cleaned up.
pub(super) fn alive(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    if cfg!(target_os = "linux") {
        Path::new("/proc").join(pid.to_string()).exists()
    } else {
        true
    }
}

/// Cleans up after killed runs into `target`: puts back previous contents that a kill between
/// the two renames of `replace_in_two_steps` left aside (when `target` is absent), removes dead
/// runs' staging and set-aside folders file by file where everything in them is proven
/// corridor's, and moves any other such folder to a visible name. Returns what the user should
/// be told. Best effort: what cannot be done is left for the next run.
pub(super) fn recover(parent: &Path, name: &str, target: &Path) -> Vec<String> {
    let mut notes = Vec::new();
    let Ok(entries) = fs::read_dir(parent) else {
        return notes;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some((kind, pid)) = file_name.to_str().and_then(|e| parse_staging(e, name)) else {
            continue;
        };
        // The entry's own type: a link with this name is not followed.
        if alive(pid) || !entry.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        let path = entry.path();
        let absent =
            matches!(fs::symlink_metadata(target), Err(e) if e.kind() == io::ErrorKind::NotFound);
        if kind == OLD && absent && rename_noreplace(&path, target).is_ok() {
            continue;
        }
        // A folder that cannot be moved stays as it is, for the next run.
        if let Err(found) = clear_leftover(&path)
            && let Ok(kept) = park(&path, target, "old")
        {
            notes.push(format!(
                "{} was left by a corridor run that was killed and holds files corridor \
                 cannot prove it wrote ({found}); it was moved to {} and nothing was deleted",
                path.display(),
                kept.display()
            ));
        }
    }
    notes
}
