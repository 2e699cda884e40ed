//! Loom models of `AtomicCell`, `SeqLock` and `SpinLock`.
//!
//! Under loom every `AtomicCell` but a zero-sized one takes the striped-lock path, and lock
//! path values live in words of loom atomics, so the model sees every word a reader copies.

use cellar_tokens::sync::{AtomicCell, SeqLock, SpinLock};
use loom::sync::Arc;
use loom::thread;

/// Two threads add to one counter: neither increment is lost.
#[test]
fn atomic_cell_fetch_add_loses_nothing() {
    loom::model(|| {
        let cell = Arc::new(AtomicCell::new(0u32));
        let other = cell.clone();
        let t = thread::spawn(move || other.fetch_add(1));
        let mine = cell.fetch_add(1);
        let theirs = t.join().unwrap();
        assert_eq!(cell.load(), 2);
        assert_ne!(mine, theirs, "both saw the same previous value");
    });
}

/// A writer stores `(1, 1, 1, 1)` over `(0, 0, 0, 0)`; a reader sees one or the other.
#[test]
fn atomic_cell_striped_reads_are_never_torn() {
    loom::model(|| {
        let cell = Arc::new(AtomicCell::new([0u64; 4]));
        let writer = cell.clone();
        let t = thread::spawn(move || writer.store([1; 4]));
        let [a, b, c, d] = cell.load();
        assert!(a == b && b == c && c == d, "torn read {a} {b} {c} {d}");
        t.join().unwrap();
        assert_eq!(cell.load(), [1; 4]);
    });
}

/// Two compare-exchanges from the same value: exactly one wins.
#[test]
fn atomic_cell_striped_compare_exchange_has_one_winner() {
    loom::model(|| {
        let cell = Arc::new(AtomicCell::new([0u64; 2]));
        let other = cell.clone();
        let t = thread::spawn(move || other.compare_exchange([0; 2], [1; 2]).is_ok());
        let mine = cell.compare_exchange([0; 2], [2; 2]).is_ok();
        let theirs = t.join().unwrap();
        assert!(mine ^ theirs, "exactly one compare-exchange succeeds");
        assert_eq!(cell.load(), if mine { [2; 2] } else { [1; 2] });
    });
}

/// A writer writes `(x, x, x, x)` twice; a reader never sees a mix.
#[test]
fn seq_lock_reads_are_never_torn() {
    loom::model(|| {
        let lock = Arc::new(SeqLock::new([0u64; 4]));
        let writer = lock.clone();
        let t = thread::spawn(move || {
            writer.set([1; 4]);
            writer.set([2; 4]);
        });
        let [a, b, c, d] = lock.get();
        assert!(a == b && b == c && c == d, "torn read {a} {b} {c} {d}");
        t.join().unwrap();
        assert_eq!(lock.get(), [2; 4]);
    });
}

/// `replace` from two threads: each sees a distinct old value (no lost update).
#[test]
fn seq_lock_replace_is_atomic() {
    loom::model(|| {
        let lock = Arc::new(SeqLock::new(0u64));
        let other = lock.clone();
        let t = thread::spawn(move || other.replace(1));
        let mine = lock.replace(2);
        let theirs = t.join().unwrap();
        let last = lock.get();
        // Orders: 0 -> 1 -> 2 or 0 -> 2 -> 1.
        assert!((theirs, mine, last) == (0, 1, 2) || (mine, theirs, last) == (0, 2, 1));
    });
}

/// Two threads mutate under the spin lock: loom's cell checks the accesses never overlap.
#[test]
fn spin_lock_excludes() {
    loom::model(|| {
        let lock = Arc::new(SpinLock::new(0u32));
        let other = lock.clone();
        let t = thread::spawn(move || other.update(|x| x + 1));
        lock.with(|x| *x += 1);
        t.join().unwrap();
        assert_eq!(lock.get(), 2);
    });
}
