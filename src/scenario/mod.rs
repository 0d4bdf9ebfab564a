//! Scenario files: the schema analysts write, loading with located errors, meaning checks, and
//! the plain-language account for reviewers.

pub mod changes;
pub mod compose;
pub mod correlations;
pub mod dates;
pub mod diagnostic;
pub mod echo;
pub mod explain;
pub mod fields;
pub mod file;
pub mod inputs;
pub mod limits;
pub mod load;
pub mod merge;
pub mod paths;
pub mod provenance;
pub mod schema;
pub mod spans;
pub mod text;
pub mod uncertain;
pub mod unique_keys;
pub mod validate;

pub use diagnostic::{Diagnostic, Diagnostics};
pub use load::{Loaded, load_baseline, load_file, load_str};
pub use schema::Scenario;
pub use uncertain::{Draw, Uncertain};
