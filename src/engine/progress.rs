//! The one place progress bars are made: hidden when quiet or when stderr is not a terminal.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A bar over `total` trials on stderr with ETA and trials/s, or a hidden one.
pub fn trials_bar(total: u64, quiet: bool) -> ProgressBar {
    if quiet {
        return ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden());
    }
    // The stderr target hides itself when stderr is not a terminal (pipes, CI logs).
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    let style = ProgressStyle::with_template(
        "{spinner} [{elapsed_precise}] {wide_bar} {human_pos}/{human_len} trials · {per_sec} · ETA {eta}",
    )
    .expect("a valid template");
    bar.set_style(style);
    bar
}
