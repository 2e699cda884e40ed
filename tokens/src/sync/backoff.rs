//! Bounded exponential backoff for spin loops.
//!
//! Every spinning primitive waits through one [`Backoff`]: it doubles the number of
//! `spin_loop` hints per step up to a cap, so a short critical section on another core is
//! waited out without a system call, and tells the caller when spinning has stopped paying
//! (`is_completed`), which is where blocking primitives go to the futex and the pure spin
//! lock starts yielding its time slice.

use crate::primitive::{spin_loop, yield_now};

/// Steps of pure spinning: 2^0 + ... + 2^SPIN_LIMIT hints, about a microsecond in all.
const SPIN_LIMIT: u32 = 6;
/// Steps after which `snooze` has yielded enough that the caller should block instead.
const YIELD_LIMIT: u32 = 10;

/// Per-wait state of a spin loop: how many rounds of waiting it has done.
#[derive(Debug, Default)]
pub(crate) struct Backoff {
    step: u32,
}

impl Backoff {
    /// A backoff at its first, shortest step.
    #[inline]
    pub(crate) const fn new() -> Self {
        Self { step: 0 }
    }

    /// Spins for the current step's number of hints, then moves to the next, longer step
    /// (capped at `2^SPIN_LIMIT` hints). For retrying after a lost compare-and-swap.
    #[inline]
    pub(crate) fn spin(&mut self) {
        for _ in 0..1u32 << self.step.min(SPIN_LIMIT) {
            spin_loop();
        }
        if self.step <= SPIN_LIMIT {
            self.step += 1;
        }
    }

    /// Waits for another thread to make progress: spins while that is cheap, then yields
    /// the time slice. For waiting on a value another thread will change.
    #[inline]
    pub(crate) fn snooze(&mut self) {
        if self.step <= SPIN_LIMIT {
            for _ in 0..1u32 << self.step {
                spin_loop();
            }
        } else {
            yield_now();
        }
        if self.step <= YIELD_LIMIT {
            self.step += 1;
        }
    }

    /// Whether waiting has gone on long enough that a blocking primitive should sleep in
    /// the OS rather than keep snoozing.
    #[inline]
    pub(crate) fn is_completed(&self) -> bool {
        self.step > YIELD_LIMIT
    }

    /// Whether the spinning phase is over (the next `snooze` yields).
    #[inline]
    pub(crate) fn is_spinning_done(&self) -> bool {
        self.step > SPIN_LIMIT
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::Backoff;

    #[test]
    fn spinning_ends_before_yielding_ends() {
        let mut backoff = Backoff::new();
        let mut snoozes = 0;
        while !backoff.is_completed() {
            assert_eq!(backoff.is_spinning_done(), snoozes > super::SPIN_LIMIT);
            backoff.snooze();
            snoozes += 1;
        }
        assert_eq!(snoozes, super::YIELD_LIMIT + 1);
    }

    #[test]
    fn spin_steps_are_capped() {
        let mut backoff = Backoff::new();
        for _ in 0..100 {
            backoff.spin();
        }
        assert_eq!(backoff.step, super::SPIN_LIMIT + 1);
        assert!(!backoff.is_completed(), "spin never reaches the blocking threshold");
    }
}
