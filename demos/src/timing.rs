//! `FrameTimer`: how long each frame took, and the mean and worst of them.

use std::time::{Duration, Instant};

/// Records the duration of each frame.
///
/// # Examples
///
/// ```
/// use cellar_demos::timing::FrameTimer;
///
/// let mut timer = FrameTimer::new();
/// for _ in 0..3 {
///     timer.time(|| std::hint::black_box((0..1000).sum::<u64>()));
/// }
/// let stats = timer.stats();
/// assert_eq!(stats.frames, 3);
/// assert!(stats.worst >= stats.mean);
/// ```
#[derive(Clone, Debug, Default)]
pub struct FrameTimer {
    frames: Vec<Duration>,
}

/// The mean and worst of the frames timed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FrameStats {
    /// How many frames were timed.
    pub frames: usize,
    /// Their total time.
    pub total: Duration,
    /// Their mean time.
    pub mean: Duration,
    /// The longest frame.
    pub worst: Duration,
}

impl FrameTimer {
    /// A timer with no frames yet.
    ///
    /// ```
    /// assert_eq!(cellar_demos::timing::FrameTimer::new().stats().frames, 0);
    /// ```
    pub fn new() -> Self {
        FrameTimer::default()
    }

    /// Runs `frame`, recording how long it took, and returns its result.
    ///
    /// ```
    /// let mut timer = cellar_demos::timing::FrameTimer::new();
    /// assert_eq!(timer.time(|| 7), 7);
    /// ```
    pub fn time<R>(&mut self, frame: impl FnOnce() -> R) -> R {
        let start = Instant::now();
        let result = frame();
        self.record(start.elapsed());
        result
    }

    /// Records a frame that took `took`.
    ///
    /// ```
    /// use std::time::Duration;
    /// let mut timer = cellar_demos::timing::FrameTimer::new();
    /// timer.record(Duration::from_millis(4));
    /// timer.record(Duration::from_millis(2));
    /// assert_eq!(timer.stats().mean, Duration::from_millis(3));
    /// assert_eq!(timer.stats().worst, Duration::from_millis(4));
    /// ```
    pub fn record(&mut self, took: Duration) {
        self.frames.push(took);
    }

    /// The mean and worst so far.
    ///
    /// ```
    /// let stats = cellar_demos::timing::FrameTimer::new().stats();
    /// assert_eq!(stats.mean, std::time::Duration::ZERO);
    /// ```
    pub fn stats(&self) -> FrameStats {
        let total: Duration = self.frames.iter().sum();
        let frames = self.frames.len();
        FrameStats {
            frames,
            total,
            mean: if frames == 0 { Duration::ZERO } else { total / frames as u32 },
            worst: self.frames.iter().copied().max().unwrap_or_default(),
        }
    }
}
