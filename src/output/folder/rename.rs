//! The renames that move result folders: atomic exchange, rename-if-absent, and moving a
//! folder aside to a visible name.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use super::split;

/// Moves `from` to a visible folder beside `target`, `<name>.corridor-<what>-<UTC time>`.
pub(super) fn park(from: &Path, target: &Path, what: &str) -> io::Result<PathBuf> {
    let (parent, name) = split(target).map_err(io::Error::other)?;
    let base = format!("{name}.corridor-{what}-{}", utc_stamp(now()));
    for n in 1..=100 {
        let candidate = parent.join(if n == 1 {
            base.clone()
        } else {
            format!("{base}-{n}")
        });
        match rename_noreplace(from, &candidate) {
            Err(e) if appeared(&e) => continue,
            done => return done.map(|()| candidate),
        }
    }
    Err(io::Error::from(io::ErrorKind::AlreadyExists))
}

pub(super) fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// `YYYYMMDD-HHMM` (UTC) of a Unix time, from the report's date: sorts by time and is a valid
/// folder name everywhere.
pub(super) fn utc_stamp(secs: u64) -> String {
    crate::output::report::utc(secs)
        .trim_end_matches(" UTC")
        .replace([':', '-'], "")
        .replace(' ', "-")
}

/// A rename refused because something is now at the destination.
pub(super) fn appeared(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::AlreadyExists | io::ErrorKind::DirectoryNotEmpty
    )
}

/// Flushes a folder's entries to disk (best effort: not every system can open a folder).
pub(super) fn sync_dir(dir: &Path) {
    if let Ok(f) = fs::File::open(dir) {
        let _ = f.sync_all();
    }
}

/// Renames `from` to `to` only if nothing is at `to` (Linux `renameat2(RENAME_NOREPLACE)`).
#[cfg(target_os = "linux")]
pub(super) fn rename_noreplace(from: &Path, to: &Path) -> io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    use rustix::io::Errno;
    match renameat_with(CWD, from, CWD, to, RenameFlags::NOREPLACE) {
        Ok(()) => Ok(()),
        // A file system without the flag.
        Err(Errno::INVAL | Errno::NOSYS) => rename_if_absent(from, to),
        Err(e) => Err(e.into()),
    }
}

#[cfg(not(target_os = "linux"))]
pub(super) fn rename_noreplace(from: &Path, to: &Path) -> io::Result<()> {
    rename_if_absent(from, to)
}

/// Without RENAME_NOREPLACE: a check, then the rename. A folder that appears in between makes
/// the rename fail unless it is empty (replacing an empty folder loses nothing).
pub(super) fn rename_if_absent(from: &Path, to: &Path) -> io::Result<()> {
    if fs::symlink_metadata(to).is_ok() {
        return Err(io::Error::from(io::ErrorKind::AlreadyExists));
    }
    fs::rename(from, to)
}

/// Atomically swaps two folders (Linux `renameat2(RENAME_EXCHANGE)`).
#[cfg(target_os = "linux")]
pub(super) fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(Into::into)
}

#[cfg(not(target_os = "linux"))]
pub(super) fn exchange(_a: &Path, _b: &Path) -> io::Result<()> {
    Err(io::Error::from(io::ErrorKind::Unsupported))
}
