//! The one progress-bar factory: the binary draws what the library's `engine::progress` counts.
//!
//! Why here: a terminal bar is the binary's business; the library only reports counts through
//! `Show`, so it can run under tests, benchmarks and other front ends without drawing anything.

use corridor::engine::progress::{Progress, Show};
use corridor::output::precision;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};

/// A bar over `total` units (`trials`, `simulations`) on stderr, or a hidden one when quiet.
pub fn bar(total: u64, unit: &str, quiet: bool) -> ProgressBar {
    if quiet {
        return ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden());
    }
    // The stderr target hides itself when stderr is not a terminal (pipes, CI logs).
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    // The rate as a whole number ("13,426/s", not indicatif's "13,426.0344/s") and the rate
    // and ETA in fixed-width fields, so the bar's width does not jitter as they change.
    let style = ProgressStyle::with_template(&format!(
        "{{spinner}} [{{elapsed_precise}}] {{wide_bar}} {{human_pos}}/{{human_len}} {unit} · \
         {{rate}} · ETA {{eta:>4}}"
    ))
    .expect("a valid template")
    .with_key(
        "rate",
        |state: &ProgressState, w: &mut dyn std::fmt::Write| {
            let _ = write!(w, "{:>9}/s", precision::number(state.per_sec(), 0));
        },
    );
    bar.set_style(style);
    bar
}

struct Shown(ProgressBar);

impl Show for Shown {
    fn position(&self, done: u64) {
        self.0.set_position(done);
    }
}

/// The job's progress, drawn on `bar` (nothing is counted for a hidden bar).
pub fn progress(bar: &ProgressBar) -> Progress {
    if bar.is_hidden() {
        Progress::hidden()
    } else {
        Progress::new(Some(Box::new(Shown(bar.clone()))))
    }
}
