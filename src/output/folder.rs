//! The output folder as one unit: either the previous complete results or the new complete ones.
//!
//! Why: analysts run scenarios unattended overnight, and a run can be interrupted, killed or run
//! out of disk at any moment. So every file of a result set is written into a hidden staging
//! folder beside the output folder (`.<name>.tmp-<pid>-<random>`), flushed to disk, and only then
//! published by one rename of the whole folder: until that rename nothing in the output folder
//! has changed, and after it every file is the new one.
//!
//! Replacing an existing folder uses an atomic exchange on Linux (`renameat2(RENAME_EXCHANGE)`):
//! the output path never stops holding a complete set, even under SIGKILL. Where the exchange is
//! not available (other systems, some network file systems) the old folder is first renamed to
//! `.<name>.old-<pid>-<random>`; a kill between the two renames leaves the output path briefly
//! absent, and the next run into the same folder puts the previous results back.
//!
//! A killed run leaves its staging folder behind; the next run into the same output folder
//! removes the ones whose process has ended (the pid is in the name; only folders matching this
//! exact pattern, beside the target, are touched). A folder that holds anything but corridor
//! results is never replaced, and file names inside the set cannot climb out of it.

use std::fs;
use std::io::Write;
use std::path::{Component, Path, PathBuf};

use anyhow::{Context, bail};

/// A file every complete corridor output folder holds; its presence marks a folder we may replace.
pub const MARKER: &str = "run.json";

const TMP: &str = "tmp";
const OLD: &str = "old";

pub struct Staging {
    target: PathBuf,
    dir: Option<tempfile::TempDir>,
}

impl Staging {
    /// Prepares to write results for `target`, refusing folders that are not ours to replace.
    pub fn new(target: &Path) -> anyhow::Result<Staging> {
        let Some(name) = target.file_name().map(|n| n.to_string_lossy().into_owned()) else {
            bail!(
                "--out {} does not name a folder; give one such as output/run1",
                target.display()
            );
        };
        let parent = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        if parent.is_dir() {
            recover(&parent, &name, target);
        }
        if target.exists() {
            if !target.is_dir() {
                bail!(
                    "--out {} exists and is not a folder; give a folder for the results",
                    target.display()
                );
            }
            let mut entries = fs::read_dir(target)
                .with_context(|| format!("cannot read {}", target.display()))?;
            if entries.next().is_some() && !target.join(MARKER).is_file() {
                bail!(
                    "{} is not empty and holds no corridor results ({MARKER} is missing); \
                     corridor replaces its output folder whole, so give a new or empty folder",
                    target.display()
                );
            }
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
            })?;
        Ok(Staging {
            target: target.to_path_buf(),
            dir: Some(dir),
        })
    }

    /// The folder the results will replace.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Where a file of the new set is being written.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.as_ref().expect("not committed").path().join(name)
    }

    /// Writes one file of the set (`name` may hold subfolders, as `charts/x.svg`) and flushes it
    /// to disk. A name that would leave the set (`..`, an absolute path) is refused.
    pub fn write(&self, name: &str, bytes: &[u8]) -> anyhow::Result<()> {
        let inside = !name.is_empty()
            && Path::new(name)
                .components()
                .all(|c| matches!(c, Component::Normal(_)));
        if !inside {
            bail!("refusing to write {name:?}: result files must stay inside the output folder");
        }
        let path = self.path(name);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        let mut f =
            fs::File::create(&path).with_context(|| format!("cannot create {}", path.display()))?;
        f.write_all(bytes)
            .with_context(|| format!("cannot write {}{}", path.display(), DISK_HINT))?;
        f.sync_all()
            .with_context(|| format!("cannot write {}{}", path.display(), DISK_HINT))?;
        Ok(())
    }

    /// Puts the new set in place of the old one.
    pub fn commit(mut self) -> anyhow::Result<PathBuf> {
        let staged = self.dir.take().expect("committed once").keep();
        let publish = || -> anyhow::Result<()> {
            // The staged files are flushed; flush the folder's entries too.
            sync_dir(&staged);
            if !self.target.exists() {
                return fs::rename(&staged, &self.target).with_context(|| {
                    format!("cannot put the results in {}", self.target.display())
                });
            }
            match exchange(&staged, &self.target) {
                // `staged` now holds the previous results: no longer needed.
                Ok(()) => {
                    let _ = fs::remove_dir_all(&staged);
                    Ok(())
                }
                Err(_) => replace_in_two_steps(&staged, &self.target),
            }
        };
        if let Err(e) = publish() {
            let _ = fs::remove_dir_all(&staged);
            return Err(e);
        }
        if let Some(parent) = self.target.parent() {
            sync_dir(if parent.as_os_str().is_empty() {
                Path::new(".")
            } else {
                parent
            });
        }
        Ok(self.target.clone())
    }
}

/// Appended to write errors: the usual cause.
const DISK_HINT: &str = " (is the disk full?); the previous results were left as they were";

/// `.<name>.<kind>-<pid>-`: the prefix of this process's staging (`tmp`) or set-aside (`old`)
/// folders; tempfile appends a random suffix.
fn staging_prefix(name: &str, kind: &str) -> String {
    format!(".{name}.{kind}-{}-", std::process::id())
}

/// If `entry` is one of corridor's staging or set-aside folders for `name`, its kind and the pid
/// of the process that made it.
fn parse_staging<'a>(entry: &'a str, name: &str) -> Option<(&'a str, u32)> {
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
fn alive(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    if cfg!(target_os = "linux") {
        Path::new("/proc").join(pid.to_string()).exists()
    } else {
        true
    }
}

/// Cleans up after killed runs into `target`: removes their staging folders and, if a kill
/// between the two renames of `replace_in_two_steps` left `target` absent, puts the previous
/// results back. Best effort: a folder that cannot be removed is left for the next run.
fn recover(parent: &Path, name: &str, target: &Path) {
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some((kind, pid)) = file_name.to_str().and_then(|e| parse_staging(e, name)) else {
            continue;
        };
        let path = entry.path();
        if alive(pid) || !path.is_dir() || path.is_symlink() {
            continue;
        }
        if kind == OLD && !target.exists() && path.join(MARKER).is_file() {
            let _ = fs::rename(&path, target);
        } else {
            let _ = fs::remove_dir_all(&path);
        }
    }
}

/// Fallback without an atomic exchange: set the old folder aside, put the new one in place,
/// remove the old one. On failure the old folder is put back.
fn replace_in_two_steps(staged: &Path, target: &Path) -> anyhow::Result<()> {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let aside = staged.with_file_name(format!(
        "{}{}",
        staging_prefix(&name, OLD),
        staged
            .file_name()
            .map(|n| n
                .to_string_lossy()
                .rsplit('-')
                .next()
                .unwrap_or("x")
                .to_string())
            .unwrap_or_default()
    ));
    fs::rename(target, &aside).with_context(|| {
        format!(
            "cannot move the previous results in {} aside",
            target.display()
        )
    })?;
    if let Err(e) = fs::rename(staged, target) {
        let _ = fs::rename(&aside, target);
        return Err(e).with_context(|| format!("cannot put the results in {}", target.display()));
    }
    let _ = fs::remove_dir_all(&aside);
    Ok(())
}

/// Flushes a folder's entries to disk (best effort: not every system can open a folder).
fn sync_dir(dir: &Path) {
    if let Ok(f) = fs::File::open(dir) {
        let _ = f.sync_all();
    }
}

/// Atomically swaps two folders (Linux `renameat2(RENAME_EXCHANGE)`, glibc 2.28+).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::ffi::{CString, c_char, c_int, c_uint};
    use std::os::unix::ffi::OsStrExt;

    unsafe extern "C" {
        fn renameat2(
            olddirfd: c_int,
            oldpath: *const c_char,
            newdirfd: c_int,
            newpath: *const c_char,
            flags: c_uint,
        ) -> c_int;
    }
    const AT_FDCWD: c_int = -100;
    const RENAME_EXCHANGE: c_uint = 2;
    let a = CString::new(a.as_os_str().as_bytes())?;
    let b = CString::new(b.as_os_str().as_bytes())?;
    // SAFETY: both pointers are valid NUL-terminated strings that outlive the call; renameat2
    // reads them and touches no other memory.
    let rc = unsafe { renameat2(AT_FDCWD, a.as_ptr(), AT_FDCWD, b.as_ptr(), RENAME_EXCHANGE) };
    if rc == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn exchange(_a: &Path, _b: &Path) -> std::io::Result<()> {
    Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staging_names_are_recognised_exactly() {
        assert_eq!(
            parse_staging(".base.tmp-123-AbC9x1", "base"),
            Some(("tmp", 123))
        );
        assert_eq!(
            parse_staging(".base.old-7-zzzzzz", "base"),
            Some(("old", 7))
        );
        for other in [
            ".base.tmp-123-",
            ".base.tmp-x-abc",
            ".base.new-1-abc",
            ".based.tmp-1-abc",
            "base.tmp-1-abc",
            ".base.tmp-1-ab/c",
            ".other.tmp-1-abc",
        ] {
            assert_eq!(parse_staging(other, "base"), None, "{other}");
        }
    }

    #[test]
    fn write_refuses_names_that_leave_the_set() {
        let tmp = tempfile::tempdir().unwrap();
        let staging = Staging::new(&tmp.path().join("out")).unwrap();
        for bad in ["../x", "/etc/passwd", "charts/../../x", "", "."] {
            assert!(staging.write(bad, b"x").is_err(), "{bad}");
        }
        staging.write("charts/a.svg", b"<svg/>").unwrap();
        let dir = staging.commit().unwrap();
        assert_eq!(fs::read(dir.join("charts/a.svg")).unwrap(), b"<svg/>");
        // Nothing but the output folder beside it.
        let names: Vec<_> = fs::read_dir(tmp.path()).unwrap().flatten().collect();
        assert_eq!(names.len(), 1);
    }

    #[test]
    fn exchange_replaces_a_folder_whole() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        let first = Staging::new(&out).unwrap();
        first.write(MARKER, b"1").unwrap();
        first.write("only-in-first", b"1").unwrap();
        first.commit().unwrap();
        let second = Staging::new(&out).unwrap();
        second.write(MARKER, b"2").unwrap();
        second.commit().unwrap();
        assert_eq!(fs::read(out.join(MARKER)).unwrap(), b"2");
        assert!(!out.join("only-in-first").exists());
        assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 1);
    }

    #[test]
    fn the_two_step_fallback_replaces_a_folder_whole() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        fs::create_dir(&out).unwrap();
        fs::write(out.join(MARKER), "old").unwrap();
        let staged = tmp.path().join(".out.tmp-1-abcdef");
        fs::create_dir(&staged).unwrap();
        fs::write(staged.join(MARKER), "new").unwrap();
        replace_in_two_steps(&staged, &out).unwrap();
        assert_eq!(fs::read_to_string(out.join(MARKER)).unwrap(), "new");
        assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 1);
    }
}
