//! The output layer's errors: what could not be read or written, and why a folder or a shard
//! was refused, in words that say what to do (docs/errors.md).
//!
//! Typed, so that a library caller can tell a refusal (change the command) from a failing disk;
//! only the binary turns them into its reports and exit codes. Each message carries the whole
//! chain ("cannot write out/x.csv (is the disk full?)…: No space left on device"), so it reads
//! the same however it is printed.

use std::io;

use crate::engine::EngineError;

/// `Result` with the output layer's error.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Refused before anything was published: the output folder, a shard or a file name, with
    /// the reason and what to do.
    #[error("{0}")]
    Refused(String),
    /// What corridor was doing, and the deeper error that stopped it.
    #[error("{doing}: {cause}")]
    Context { doing: String, cause: Box<Error> },
    /// The operating system's error, where the step that met it says what it was doing.
    #[error("{0}")]
    Io(io::Error),
    /// A result file could not be serialised or encoded (JSON, CSV, PNG).
    #[error("{0}")]
    Encode(String),
    /// The statistics merged from shards are not exact (`EngineError::Saturated`).
    #[error("{0}")]
    Engine(EngineError),
    /// plotters could not draw a chart.
    #[error("drawing a chart failed: {0}")]
    Chart(String),
}

impl From<io::Error> for Error {
    fn from(e: io::Error) -> Error {
        Error::Io(e)
    }
}

impl From<EngineError> for Error {
    fn from(e: EngineError) -> Error {
        Error::Engine(e)
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Error {
        Error::Encode(e.to_string())
    }
}

impl From<csv::Error> for Error {
    fn from(e: csv::Error) -> Error {
        Error::Encode(e.to_string())
    }
}

impl<W> From<csv::IntoInnerError<W>> for Error {
    fn from(e: csv::IntoInnerError<W>) -> Error {
        Error::Encode(e.error().to_string())
    }
}

impl From<rust_xlsxwriter::XlsxError> for Error {
    fn from(e: rust_xlsxwriter::XlsxError) -> Error {
        Error::Encode(e.to_string())
    }
}

impl From<png::EncodingError> for Error {
    fn from(e: png::EncodingError) -> Error {
        Error::Encode(e.to_string())
    }
}

/// Says what was being done when a step failed (or found nothing), as the binary's error
/// reports do at the edge.
pub trait Context<T> {
    fn context(self, doing: impl Into<String>) -> Result<T>;
    fn with_context(self, doing: impl FnOnce() -> String) -> Result<T>;
}

impl<T, E: Into<Error>> Context<T> for std::result::Result<T, E> {
    fn context(self, doing: impl Into<String>) -> Result<T> {
        self.with_context(|| doing.into())
    }

    fn with_context(self, doing: impl FnOnce() -> String) -> Result<T> {
        self.map_err(|e| Error::Context {
            doing: doing(),
            cause: Box::new(e.into()),
        })
    }
}

impl<T> Context<T> for Option<T> {
    fn context(self, doing: impl Into<String>) -> Result<T> {
        self.ok_or_else(|| Error::Refused(doing.into()))
    }

    fn with_context(self, doing: impl FnOnce() -> String) -> Result<T> {
        self.ok_or_else(|| Error::Refused(doing()))
    }
}

/// `Error::Refused` with a formatted message.
macro_rules! refused {
    ($($t:tt)*) => {
        $crate::output::error::Error::Refused(format!($($t)*))
    };
}

/// Returns `Error::Refused` with a formatted message.
macro_rules! refuse {
    ($($t:tt)*) => {
        return Err($crate::output::error::refused!($($t)*))
    };
}

pub(crate) use {refuse, refused};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_carry_their_whole_chain() {
        let deep: Result<()> = Err(io::Error::other("No space left on device").into());
        let e = deep
            .context("cannot write out/a.csv")
            .with_context(|| "cannot publish".to_string())
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "cannot publish: cannot write out/a.csv: No space left on device"
        );
        let none: Option<u8> = None;
        assert_eq!(
            none.context("the counts add up to more than a number can hold")
                .unwrap_err()
                .to_string(),
            "the counts add up to more than a number can hold"
        );
    }
}
