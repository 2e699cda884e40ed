//! `Summary`: what a demo prints when it ends.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use cellar::prelude::*;

use crate::timing::FrameStats;

/// The time one system took over a run, from the schedule's statistics.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SystemTime {
    /// The system's name.
    pub name: String,
    /// How many times it ran.
    pub runs: u64,
    /// The time all its runs took.
    pub total: Duration,
    /// The mean time of one run.
    pub mean: Duration,
}

/// The end-of-run report of one demo: entity counts, frame times, per-system times and the
/// files written.
///
/// # Examples
///
/// ```
/// use cellar::prelude::*;
/// use cellar_demos::summary::Summary;
/// use cellar_demos::timing::FrameTimer;
///
/// fn idle() {}
/// let mut schedule = Schedule::new();
/// schedule.add_system(idle.named("idle"));
/// let mut world = World::new();
/// let mut timer = FrameTimer::new();
/// timer.time(|| schedule.run(&mut world));
/// let summary = Summary::new("test", 1, 0, 0, timer.stats(), &schedule);
/// assert_eq!(summary.systems[0].name, "idle");
/// assert!(summary.to_string().contains("idle"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Summary {
    /// The demo's name.
    pub demo: String,
    /// The size of the rayon pool it ran on.
    pub threads: usize,
    /// Entities at the start.
    pub entities_start: usize,
    /// Entities at the end.
    pub entities_end: usize,
    /// Frame times (the schedule's runs).
    pub frames: FrameStats,
    /// Per-system times, in the order the systems were added.
    pub systems: Vec<SystemTime>,
    /// The files written.
    pub outputs: Vec<PathBuf>,
}

impl Summary {
    /// A summary from the frame times and `schedule`'s per-system statistics.
    ///
    /// ```
    /// use cellar::prelude::*;
    /// let s = cellar_demos::summary::Summary::new("x", 2, 5, 6, Default::default(), &Schedule::new());
    /// assert_eq!((s.entities_start, s.entities_end), (5, 6));
    /// ```
    pub fn new(
        demo: &str,
        threads: usize,
        entities_start: usize,
        entities_end: usize,
        frames: FrameStats,
        schedule: &Schedule,
    ) -> Self {
        let systems = schedule
            .stats()
            .map(|(name, s)| SystemTime {
                name: name.rsplit("::").next().unwrap_or(name).to_owned(),
                runs: s.runs,
                total: Duration::from_nanos(s.total_ns),
                mean: s.mean(),
            })
            .collect();
        Summary {
            demo: demo.to_owned(),
            threads,
            entities_start,
            entities_end,
            frames,
            systems,
            outputs: Vec::new(),
        }
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let fr = &self.frames;
        writeln!(
            f,
            "{}: {} frames on {} thread{}, entities {} -> {}",
            self.demo,
            fr.frames,
            self.threads,
            if self.threads == 1 { "" } else { "s" },
            self.entities_start,
            self.entities_end
        )?;
        writeln!(
            f,
            "  frame time: mean {:.2} ms, worst {:.2} ms, total {:.2} s",
            ms(fr.mean),
            ms(fr.worst),
            fr.total.as_secs_f64()
        )?;
        let width = self.systems.iter().map(|s| s.name.len()).max().unwrap_or(0).max(6);
        writeln!(
            f,
            "  {:width$}  {:>6}  {:>9}  {:>9}  {:>6}",
            "system", "runs", "mean ms", "total ms", "share"
        )?;
        let all: Duration = self.systems.iter().map(|s| s.total).sum();
        for s in &self.systems {
            let share = if all.is_zero() { 0.0 } else { s.total.as_secs_f64() / all.as_secs_f64() };
            writeln!(
                f,
                "  {:width$}  {:>6}  {:>9.3}  {:>9.1}  {:>5.1}%",
                s.name,
                s.runs,
                ms(s.mean),
                ms(s.total),
                share * 100.0
            )?;
        }
        for path in &self.outputs {
            writeln!(f, "  wrote {}", path.display())?;
        }
        Ok(())
    }
}
