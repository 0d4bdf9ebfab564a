//! The output folder as one unit: either the previous complete results or the new complete ones.
//!
//! Files are written into a hidden staging folder beside the output folder. `commit` moves the old
//! folder aside, renames the staging folder into place and deletes the old one; a crash between
//! the two renames leaves the previous results intact under `.<name>.old-*`. A folder that holds
//! anything but corridor results is never replaced.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

/// A file every complete corridor output folder holds; its presence marks a folder we may replace.
pub const MARKER: &str = "run.json";

pub struct Staging {
    target: PathBuf,
    dir: Option<tempfile::TempDir>,
}

impl Staging {
    /// Prepares to write results for `target`, refusing folders that are not ours to replace.
    pub fn new(target: &Path) -> anyhow::Result<Staging> {
        if target.exists() {
            if !target.is_dir() {
                bail!(
                    "--out {} is a file; give a folder for the results",
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
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "output".into());
        let parent = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        fs::create_dir_all(&parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
        let dir = tempfile::Builder::new()
            .prefix(&format!(".{name}.tmp-"))
            .tempdir_in(&parent)
            .with_context(|| format!("cannot write in {}", parent.display()))?;
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

    pub fn write(&self, name: &str, bytes: &[u8]) -> anyhow::Result<()> {
        let path = self.path(name);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        let mut f =
            fs::File::create(&path).with_context(|| format!("cannot create {}", path.display()))?;
        f.write_all(bytes)
            .with_context(|| format!("cannot write {}", path.display()))?;
        f.sync_all()
            .with_context(|| format!("cannot write {}", path.display()))?;
        Ok(())
    }

    /// Puts the new set in place of the old one.
    pub fn commit(mut self) -> anyhow::Result<PathBuf> {
        let staged = self.dir.take().expect("committed once").keep();
        let mut old = None;
        if self.target.exists() {
            let aside = staged.with_file_name(
                staged
                    .file_name()
                    .expect("named")
                    .to_string_lossy()
                    .replacen(".tmp-", ".old-", 1),
            );
            fs::rename(&self.target, &aside).with_context(|| {
                format!(
                    "cannot move the previous results in {} aside",
                    self.target.display()
                )
            })?;
            old = Some(aside);
        }
        if let Err(e) = fs::rename(&staged, &self.target) {
            if let Some(aside) = &old {
                let _ = fs::rename(aside, &self.target);
            }
            let _ = fs::remove_dir_all(&staged);
            return Err(e)
                .with_context(|| format!("cannot put the results in {}", self.target.display()));
        }
        if let Some(aside) = old {
            fs::remove_dir_all(&aside)
                .with_context(|| format!("cannot remove {}", aside.display()))?;
        }
        Ok(self.target.clone())
    }
}
