//! The simulation of one trial: production, disruptions, allocation, prices and revenue.
//!
//! `compile` turns a scenario into index-based arrays; `trial::simulate` runs one trial over
//! every year of the horizon and reports metric values to a sink. `docs/model.md` gives the
//! equations.

pub mod allocation;
pub mod compile;
pub mod copula;
pub mod counts;
pub mod disruptions;
pub mod make_up;
pub mod metrics;
pub mod params;
pub mod prices;
pub mod production;
pub mod regimes;
pub mod segments;
pub mod sharing;
pub mod streams;
pub mod supply_plan;
#[cfg(feature = "trace")]
pub mod trace;
pub mod trial;

pub use compile::Model;
pub use metrics::{Kind, Layout, Metric};
pub use trial::{TrialSink, Workspace, simulate};
