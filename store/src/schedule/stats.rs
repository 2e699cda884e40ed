//! Per-system statistics: how often each system ran and how long it took.

use std::time::Duration;

use crate::primitives::AtomicCell;

/// A snapshot of one system's counters.
///
/// # Examples
///
/// ```
/// use cellar::prelude::*;
///
/// fn tick() {}
/// let mut world = World::new();
/// let mut schedule = Schedule::new();
/// schedule.add_system(tick.named("tick"));
/// schedule.run(&mut world);
/// schedule.run(&mut world);
/// let (name, stats) = schedule.stats().next().unwrap();
/// assert_eq!((name, stats.runs), ("tick", 2));
/// assert!(stats.total_ns >= stats.last_ns);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SystemStats {
    /// How many times the system ran (runs skipped by a run condition do not count).
    pub runs: u64,
    /// The time all its runs took, in nanoseconds.
    pub total_ns: u64,
    /// The time its last run took, in nanoseconds.
    pub last_ns: u64,
}

impl SystemStats {
    /// The mean time of one run, or zero before the first.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use cellar::schedule::SystemStats;
    /// let stats = SystemStats { runs: 2, total_ns: 30, last_ns: 10 };
    /// assert_eq!(stats.mean(), Duration::from_nanos(15));
    /// ```
    pub fn mean(&self) -> Duration {
        Duration::from_nanos(self.total_ns.checked_div(self.runs).unwrap_or(0))
    }
}

/// The live counters of one system, written by whichever thread ran it.
///
/// # Invariants
///
/// Each counter is written only by the thread running the system, and a system runs on one
/// thread at a time (the schedule holds `&mut` to it), so the three counters never race with
/// one another; `AtomicCell` lets them be read through `&self` at any time.
#[derive(Debug, Default)]
pub(crate) struct StatsCell {
    runs: AtomicCell<u64>,
    total_ns: AtomicCell<u64>,
    last_ns: AtomicCell<u64>,
}

impl StatsCell {
    pub(crate) fn record(&self, took: Duration) {
        let ns = u64::try_from(took.as_nanos()).unwrap_or(u64::MAX);
        self.runs.store(self.runs.load() + 1);
        self.total_ns.store(self.total_ns.load().saturating_add(ns));
        self.last_ns.store(ns);
    }

    pub(crate) fn snapshot(&self) -> SystemStats {
        SystemStats {
            runs: self.runs.load(),
            total_ns: self.total_ns.load(),
            last_ns: self.last_ns.load(),
        }
    }

    pub(crate) fn reset(&self) {
        self.runs.store(0);
        self.total_ns.store(0);
        self.last_ns.store(0);
    }
}
