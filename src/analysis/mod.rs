//! Decision analysis on top of the engine: paired scenario comparison on common random numbers
//! (`paired`, `compare`), tail metrics and the uncertainty of every statistic (`tails`), and
//! runs that stop once a statistic is precise enough (`precision`).
//!
//! Why a separate module: the engine answers "what is the distribution of X under scenario S?";
//! a ministry asks "what is option B worth against A in a bad year, and how sure are we?". These
//! need the same reproducible, exactly mergeable machinery, used differently.

pub mod compare;
pub mod paired;
pub mod precision;
pub mod sensitivity;
pub mod sweep;
pub mod tails;
