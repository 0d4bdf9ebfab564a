//! One problem found in a scenario file, located for the person who must fix it.
//!
//! Every error `check` prints has the same shape, `FILE:LINE:COL: PATH: message`, so editors
//! and CI logs can jump to it and a reviewer knows which field to change.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file as the user named it.
    pub file: String,
    /// 1-based line and column; 0 when no position is known.
    pub line: usize,
    pub col: usize,
    /// Field path such as `routes[2].assets[1]`; empty for whole-file problems.
    pub path: String,
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if self.line > 0 {
            write!(f, ":{}:{}", self.line, self.col)?;
        }
        if self.path.is_empty() {
            write!(f, ": {}", self.message)
        } else {
            write!(f, ": {}: {}", self.path, self.message)
        }
    }
}

/// All the problems found in one file; an `Err` of loading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// Problems in reading order (by file, line and column; problems of a whole file first), so
    /// a reviewer fixes a file from top to bottom whatever order the checks ran in.
    pub fn in_file_order(mut problems: Vec<Diagnostic>) -> Diagnostics {
        problems.sort_by(|a, b| (&a.file, a.line, a.col).cmp(&(&b.file, b.line, b.col)));
        Diagnostics(problems)
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}
