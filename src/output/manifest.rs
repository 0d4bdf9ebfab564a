//! `manifest.json`: corridor's proof that it wrote a result folder.
//!
//! Why: corridor replaces its output folder whole, so before deleting anything it must know that
//! everything it deletes is its own. A file name proves nothing (a user may keep a `run.json` of
//! their own, or drop notes into an earlier results folder). So every result set ends with a
//! manifest, written last, that lists every other file of the set with its size and SHA-256;
//! a folder is corridor's to replace only while what it holds is exactly what its manifest lists
//! (`survey` compares the two).

use std::collections::BTreeSet;
use std::fs;
use std::io::{self, Read};
use std::path::{Component, Path};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::partial::hex;

/// The manifest's file name inside a result folder.
pub const FILE: &str = "manifest.json";
pub const FORMAT: &str = "corridor-manifest";
pub const VERSION: u32 = 1;

/// Largest manifest (or staging journal) read: far above any result set's (a few hundred files,
/// about 150 bytes each), small enough that a crafted file cannot exhaust memory.
pub const MAX_BYTES: u64 = 4 << 20;

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub format: String,
    pub version: u32,
    pub corridor_version: String,
    /// Every file of the set but the manifest itself, sorted by path.
    pub files: Vec<Entry>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// Relative to the result folder, components joined by `/`.
    pub path: String,
    pub size: u64,
    /// Lower-case hex.
    pub sha256: String,
}

impl Manifest {
    /// Lists the files `names` inside `dir` as they are on disk now.
    pub fn of_files<'a>(
        dir: &Path,
        names: impl IntoIterator<Item = &'a str>,
    ) -> io::Result<Manifest> {
        use rayon::prelude::*;
        // Hashing is most of the manifest's cost (a few MB at SHA-256's ~150 MB/s), and each
        // file's is its own: in parallel, in the names' order, the first error as sequentially.
        let names: Vec<&str> = names.into_iter().collect();
        let hashed: Vec<io::Result<Entry>> = names
            .par_iter()
            .map(|&name| {
                let (size, sha256) = sha256_file(&dir.join(name))?;
                Ok(Entry {
                    path: name.to_string(),
                    size,
                    sha256,
                })
            })
            .collect();
        let mut files = hashed.into_iter().collect::<io::Result<Vec<_>>>()?;
        files.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(Manifest {
            format: FORMAT.into(),
            version: VERSION,
            corridor_version: env!("CARGO_PKG_VERSION").into(),
            files,
        })
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = serde_json::to_vec_pretty(self).expect("a manifest serialises");
        bytes.push(b'\n');
        bytes
    }

    /// Reads `dir/manifest.json`: `Ok(None)` when there is none, `Err(why)` when it is not a
    /// valid manifest (a link, too large, not JSON, another format, a path that leaves the
    /// folder, a path listed twice).
    pub fn read(dir: &Path) -> Result<Option<Manifest>, String> {
        let bytes = match read_bounded(&dir.join(FILE)) {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e.to_string()),
        };
        let m: Manifest = serde_json::from_slice(&bytes).map_err(|e| e.to_string())?;
        if m.format != FORMAT || m.version != VERSION {
            return Err(format!(
                "format {:?} version {}; this corridor writes {FORMAT} version {VERSION}",
                m.format, m.version
            ));
        }
        let mut seen = BTreeSet::new();
        for e in &m.files {
            if normalize(&e.path).as_deref() != Some(e.path.as_str()) || e.path == FILE {
                return Err(format!(
                    "it lists {:?}, which is not a file of the set",
                    e.path
                ));
            }
            if !seen.insert(e.path.as_str()) {
                return Err(format!("it lists {:?} twice", e.path));
            }
            let hex_digest = e.sha256.len() == 64
                && e.sha256
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
            if !hex_digest {
                return Err(format!("the checksum of {:?} is not SHA-256 hex", e.path));
            }
        }
        Ok(Some(m))
    }
}

/// `name` as a path inside a result folder, components joined by `/`; `None` for a name that
/// would leave it (`..`, an absolute path, empty).
pub fn normalize(name: &str) -> Option<String> {
    let mut parts = Vec::new();
    for c in Path::new(name).components() {
        match c {
            Component::Normal(p) => parts.push(p.to_str()?),
            Component::CurDir => {}
            _ => return None,
        }
    }
    (!parts.is_empty() && !name.contains('\\')).then(|| parts.join("/"))
}

/// Opens a file for reading only if it is a regular file: a symbolic link is not followed and a
/// FIFO swapped in meanwhile does not block the open (it is then refused by the type check).
pub fn open_regular(path: &Path) -> io::Result<fs::File> {
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::OFlags;
        use std::os::unix::fs::OpenOptionsExt;
        let flags = (OFlags::NOFOLLOW | OFlags::NONBLOCK).bits();
        options.custom_flags(i32::try_from(flags).expect("open flags fit in an int"));
    }
    let file = options.open(path)?;
    if !file.metadata()?.is_file() {
        return Err(io::Error::other(format!(
            "{} is not a regular file",
            path.display()
        )));
    }
    Ok(file)
}

/// A regular file's bytes, refused when larger than `MAX_BYTES`.
pub fn read_bounded(path: &Path) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    open_regular(path)?
        .take(MAX_BYTES + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_BYTES {
        return Err(io::Error::other(format!(
            "{} is larger than {MAX_BYTES} bytes",
            path.display()
        )));
    }
    Ok(bytes)
}

/// Size and SHA-256 (hex) of a regular file, read in blocks.
pub fn sha256_file(path: &Path) -> io::Result<(u64, String)> {
    let mut file = open_regular(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut size = 0u64;
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        size += n as u64;
        hasher.update(&buf[..n]);
    }
    Ok((size, hex(&hasher.finalize())))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write_manifest(dir: &Path, text: &str) {
        fs::write(dir.join(FILE), text).unwrap();
    }

    #[test]
    fn a_manifest_lists_sizes_and_checksums_and_reads_back() {
        let tmp = tempfile::tempdir().unwrap();
        fs::create_dir(tmp.path().join("charts")).unwrap();
        fs::write(tmp.path().join("charts/a.svg"), "<svg/>").unwrap();
        fs::write(tmp.path().join("b.json"), "").unwrap();
        let m = Manifest::of_files(tmp.path(), ["charts/a.svg", "b.json"]).unwrap();
        assert_eq!(
            m.files,
            [
                Entry {
                    path: "b.json".into(),
                    size: 0,
                    // SHA-256 of the empty string (FIPS 180-2 test vector).
                    sha256: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
                        .into()
                },
                Entry {
                    path: "charts/a.svg".into(),
                    size: 6,
                    sha256: hex(&Sha256::digest(b"<svg/>")),
                },
            ]
        );
        fs::write(tmp.path().join(FILE), m.to_bytes()).unwrap();
        assert_eq!(Manifest::read(tmp.path()).unwrap().unwrap().files, m.files);
    }

    #[test]
    fn no_manifest_is_none_and_a_bad_one_says_why() {
        let tmp = tempfile::tempdir().unwrap();
        assert!(Manifest::read(tmp.path()).unwrap().is_none());
        let entry = |path: &str, sha: &str| {
            format!(
                r#"{{"format":"corridor-manifest","version":1,"corridor_version":"0","files":[{{"path":{path:?},"size":1,"sha256":{sha:?}}}]}}"#
            )
        };
        let good = "0".repeat(64);
        for (text, why) in [
            ("{".to_string(), "EOF"),
            (
                entry("a", &good).replace("corridor-manifest", "other"),
                "format",
            ),
            (entry("../a", &good), "not a file of the set"),
            (entry("/etc/passwd", &good), "not a file of the set"),
            (entry("a//b", &good), "not a file of the set"),
            (entry("manifest.json", &good), "not a file of the set"),
            (entry("a", "xyz"), "not SHA-256 hex"),
            (entry("a", &"A".repeat(64)), "not SHA-256 hex"),
            (
                entry("a", &good).replace("]}", ",{\"extra\":1}]}"),
                "unknown field",
            ),
        ] {
            write_manifest(tmp.path(), &text);
            let err = Manifest::read(tmp.path()).unwrap_err();
            assert!(err.contains(why), "{text}: {err}");
        }
        let twice = entry("a", &good).replace(
            "]}",
            &format!(r#",{{"path":"a","size":1,"sha256":"{good}"}}]}}"#),
        );
        write_manifest(tmp.path(), &twice);
        assert!(Manifest::read(tmp.path()).unwrap_err().contains("twice"));
    }

    #[cfg(unix)]
    #[test]
    fn links_and_oversized_manifests_are_not_read() {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(tmp.path().join("real"), "{}").unwrap();
        std::os::unix::fs::symlink(tmp.path().join("real"), tmp.path().join(FILE)).unwrap();
        assert!(Manifest::read(tmp.path()).is_err());
        fs::remove_file(tmp.path().join(FILE)).unwrap();
        let f = fs::File::create(tmp.path().join(FILE)).unwrap();
        f.set_len(MAX_BYTES + 1).unwrap();
        assert!(
            Manifest::read(tmp.path())
                .unwrap_err()
                .contains("larger than")
        );
    }

    #[test]
    fn names_are_normalised_or_refused() {
        assert_eq!(normalize("charts//a.svg").as_deref(), Some("charts/a.svg"));
        assert_eq!(normalize("./a").as_deref(), Some("a"));
        for bad in ["", ".", "..", "../x", "/x", "a/../../b", "a\\b"] {
            assert_eq!(normalize(bad), None, "{bad}");
        }
    }
}
