//! Reading a file the user named: only a regular file, and only up to a size limit.
//!
//! Why: a read of a named pipe that nobody writes to (`corridor check /dev/stdin` in a script,
//! a FIFO left in a folder) waits forever, and a device such as `/dev/zero` never ends. Every
//! file a user names — scenario files, the files they `extends`, event logs — is read here, so
//! none of them can hang corridor or make it read without end:
//!
//! 1. the path's metadata (after following symlinks) must say "regular file" and a size within
//!    the limit, before anything is opened;
//! 2. the open cannot block (`O_NONBLOCK` on Unix: a FIFO swapped in after step 1 opens at once
//!    instead of waiting for a writer), and the opened handle's own metadata is checked again,
//!    so what is read is what was checked;
//! 3. at most limit + 1 bytes are read, since a file may grow after the check.

use std::fs::{File, Metadata};
use std::io::Read;
use std::path::Path;

/// What kind of file a command expects, for messages.
#[derive(Debug, Clone, Copy)]
pub struct FileKind {
    /// Plural, for the size limit: "scenario files".
    pub plural: &'static str,
    /// What to give instead: "a scenario file (.ron)".
    pub example: &'static str,
}

/// Scenario files and the files they extend.
pub const SCENARIO: FileKind = FileKind {
    plural: "scenario files",
    example: "a scenario file (.ron)",
};

/// Event logs for `fit-events`.
pub const EVENT_LOG: FileKind = FileKind {
    plural: "event logs",
    example: "an event log (.csv)",
};

/// The UTF-8 text of the regular file at `path`, at most `limit` bytes. The error says what is
/// wrong and what to give instead, without the file name (callers put it in front).
pub fn read_limited(path: &Path, kind: FileKind, limit: u64) -> Result<String, String> {
    let unreadable = |e: std::io::Error| format!("cannot read the file ({e}); check the path");
    let too_big = |size: String| {
        format!(
            "is {size} bytes; {} are limited to {limit} bytes (is it the right file?)",
            kind.plural
        )
    };
    let meta = std::fs::metadata(path).map_err(unreadable)?;
    regular(&meta, kind)?;
    if meta.len() > limit {
        return Err(too_big(meta.len().to_string()));
    }
    let file = open_without_blocking(path).map_err(unreadable)?;
    regular(&file.metadata().map_err(unreadable)?, kind)?;
    let mut bytes = Vec::new();
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    if bytes.len() as u64 > limit {
        return Err(too_big(format!("more than {limit}")));
    }
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "is not UTF-8 text (invalid byte at offset {}); save it as UTF-8",
            e.utf8_error().valid_up_to()
        )
    })
}

/// Refuses anything but a regular file, naming what it is.
fn regular(meta: &Metadata, kind: FileKind) -> Result<(), String> {
    let t = meta.file_type();
    if t.is_file() {
        return Ok(());
    }
    if t.is_dir() {
        return Err(format!("is a folder; give {}", kind.example));
    }
    Err(format!(
        "is {}, not a regular file; give {}: corridor reads only regular files, so that a read \
         cannot wait or go on forever",
        special_kind(&t),
        kind.example
    ))
}

#[cfg(unix)]
fn special_kind(t: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if t.is_fifo() {
        "a named pipe (FIFO)"
    } else if t.is_char_device() {
        "a character device"
    } else if t.is_block_device() {
        "a block device"
    } else if t.is_socket() {
        "a socket"
    } else {
        "a special file"
    }
}

#[cfg(not(unix))]
fn special_kind(_: &std::fs::FileType) -> &'static str {
    "a special file"
}

#[cfg(unix)]
fn open_without_blocking(path: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    // Reads of a regular file ignore O_NONBLOCK; only the open of a FIFO is affected.
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
fn open_without_blocking(path: &Path) -> std::io::Result<File> {
    File::open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regular_files_within_the_limit_are_read() {
        let tmp = tempfile::tempdir().unwrap();
        let p = tmp.path().join("a.ron");
        std::fs::write(&p, "0123456789").unwrap();
        assert_eq!(read_limited(&p, SCENARIO, 10).unwrap(), "0123456789");
        let e = read_limited(&p, SCENARIO, 9).unwrap_err();
        assert_eq!(
            e,
            "is 10 bytes; scenario files are limited to 9 bytes (is it the right file?)"
        );
        let e = read_limited(tmp.path(), EVENT_LOG, 9).unwrap_err();
        assert_eq!(e, "is a folder; give an event log (.csv)");
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_are_followed_to_regular_files() {
        let tmp = tempfile::tempdir().unwrap();
        let p = tmp.path().join("a.ron");
        std::fs::write(&p, "x").unwrap();
        let link = tmp.path().join("link.ron");
        std::os::unix::fs::symlink(&p, &link).unwrap();
        assert_eq!(read_limited(&link, SCENARIO, 10).unwrap(), "x");
    }

    #[cfg(unix)]
    #[test]
    fn devices_are_refused_before_any_read() {
        for (dev, what) in [
            ("/dev/zero", "a character device"),
            ("/dev/null", "a character device"),
        ] {
            let e = read_limited(Path::new(dev), SCENARIO, 10).unwrap_err();
            assert!(
                e.starts_with(&format!("is {what}, not a regular file")),
                "{e}"
            );
        }
    }
}
