//! corridor: a Monte Carlo simulator of crude-oil export-route disruption.
//!
//! The library holds everything but the command line: scenario files (`scenario`), validated
//! distributions (`distributions`), the one-trial model (`model`), the parallel reproducible
//! engine (`engine`), mergeable statistics (`stats`), result files (`output`) and calibration of
//! disruption processes from event logs (`fit`), and decision analysis on top of them
//! (`analysis`: paired comparisons, tail metrics, precision targets). The layers point one way
//! (docs/architecture.md; `layers.rs` tests it), and the library returns typed errors: only the
//! binary uses `anyhow` and draws progress bars. `format`
//! writes numbers for people in every layer.

pub mod analysis;
pub mod distributions;
pub mod engine;
pub mod fit;
pub mod format;
#[cfg(test)]
mod layers;
pub mod model;
pub mod output;
pub mod scenario;
pub mod stats;
