//! `Progress`: the bar a demo draws on the terminal while it runs (indicatif, on stderr).

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A progress bar over a demo's frames. It draws to stderr, and only when stderr is a
/// terminal, so piped output and test logs stay clean.
///
/// # Examples
///
/// ```
/// use cellar_demos::progress::Progress;
///
/// let progress = Progress::new("boids", 3, false); // hidden
/// for _ in 0..3 {
///     progress.tick();
/// }
/// assert_eq!(progress.position(), 3);
/// progress.finish();
/// ```
#[derive(Debug)]
pub struct Progress {
    bar: ProgressBar,
}

impl Progress {
    /// A bar for `frames` frames, labelled `label`; drawn when `visible` is true and stderr is
    /// a terminal.
    ///
    /// ```
    /// let p = cellar_demos::progress::Progress::new("x", 10, true);
    /// p.finish();
    /// ```
    pub fn new(label: &str, frames: usize, visible: bool) -> Self {
        let bar = ProgressBar::with_draw_target(
            Some(frames as u64),
            if visible && std::io::stderr().is_terminal() {
                ProgressDrawTarget::stderr()
            } else {
                ProgressDrawTarget::hidden()
            },
        );
        let style = ProgressStyle::with_template(
            "{prefix:>10} [{bar:30.cyan/blue}] {pos}/{len} frames {elapsed:>3} {wide_msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ");
        bar.set_style(style);
        bar.set_prefix(label.to_owned());
        Progress { bar }
    }

    /// One more frame done.
    ///
    /// ```
    /// let p = cellar_demos::progress::Progress::new("x", 10, false);
    /// p.tick();
    /// assert_eq!(p.position(), 1);
    /// ```
    pub fn tick(&self) {
        self.bar.inc(1);
    }

    /// Frames done so far.
    ///
    /// ```
    /// assert_eq!(cellar_demos::progress::Progress::new("x", 10, false).position(), 0);
    /// ```
    pub fn position(&self) -> u64 {
        self.bar.position()
    }

    /// Shows `message` beside the bar (entity counts, say).
    ///
    /// ```
    /// cellar_demos::progress::Progress::new("x", 1, false).message("1,000 boids");
    /// ```
    pub fn message(&self, message: impl Into<String>) {
        self.bar.set_message(message.into());
    }

    /// Removes the bar from the terminal.
    ///
    /// ```
    /// cellar_demos::progress::Progress::new("x", 1, false).finish();
    /// ```
    pub fn finish(self) {
        self.bar.finish_and_clear();
    }
}
