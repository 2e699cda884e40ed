//! Pointers inside values keep their provenance through `AtomicCell` and `SeqLock`: every
//! value that comes out is dereferenced, on each path (lock-free, striped lock, 16-byte
//! pairs and single words), and across threads.

use std::sync::Arc;

use cellar_tokens::sync::{AtomicCell, SeqLock};

/// Threads and rounds: small under miri, which interprets every step.
const THREADS: usize = 3;
const ROUNDS: usize = if cfg!(miri) { 20 } else { 2000 };

#[test]
fn boxes_round_trip_through_atomic_cell() {
    // 8 bytes aligned to 8: the lock-free path on x86_64.
    let cell = AtomicCell::new(Box::new(1u64));
    assert_eq!(*cell.swap(Box::new(2)), 1);
    cell.store(Box::new(3));
    assert_eq!(*cell.into_inner(), 3);

    let cell = AtomicCell::new(Some(Box::new(String::from("a"))));
    assert_eq!(cell.swap(None).as_deref().map(String::as_str), Some("a"));
    assert!(cell.take().is_none());
    cell.store(Some(Box::new(String::from("b"))));
    assert_eq!(cell.take().as_deref().map(String::as_str), Some("b"));

    // 16 bytes (a fat pointer): the lock path, one 16-byte pair.
    let cell = AtomicCell::new(Some(Box::<[u8]>::from(&b"xy"[..])));
    assert_eq!(cell.swap(Some(Box::from(&b"zzz"[..]))).as_deref(), Some(&b"xy"[..]));
    assert_eq!(cell.into_inner().as_deref(), Some(&b"zzz"[..]));
}

#[test]
fn arcs_round_trip_and_count_exactly() {
    let first = Arc::new(String::from("first"));
    let second = Arc::new(String::from("second"));
    let cell = AtomicCell::new(Arc::clone(&first));
    let old = cell.swap(Arc::clone(&second));
    assert_eq!(*old, "first");
    assert!(Arc::ptr_eq(&old, &first));
    drop(old);
    assert_eq!(Arc::strong_count(&first), 1, "the cell gave its clone back");
    cell.store(Arc::clone(&first));
    assert_eq!(Arc::strong_count(&second), 1, "store dropped the old clone");
    assert_eq!(*cell.take_arc(), "first");

    // 24 bytes, three words: the lock path, a pair and a single word.
    let cell = AtomicCell::new((Arc::clone(&first), Arc::clone(&second), Box::new(7u8)));
    let (a, b, c) = cell.swap((Arc::clone(&second), Arc::clone(&first), Box::new(8)));
    assert_eq!((a.as_str(), b.as_str(), *c), ("first", "second", 7));
    let (a, b, c) = cell.into_inner();
    assert_eq!((a.as_str(), b.as_str(), *c), ("second", "first", 8));
}

/// `take` for cells of `Arc`, which has no `Default`.
trait TakeArc {
    fn take_arc(&self) -> Arc<String>;
}
impl TakeArc for AtomicCell<Arc<String>> {
    fn take_arc(&self) -> Arc<String> {
        self.swap(Arc::new(String::new()))
    }
}

#[test]
fn references_load_and_compare_through_atomic_cell() {
    let text = String::from("borrowed, not static");
    let (a, b) = (&text[..8], &text[10..]);
    // `&str`: 16 bytes, the lock path.
    let cell = AtomicCell::new(a);
    assert_eq!(cell.load(), "borrowed");
    assert_eq!(cell.compare_exchange("borrowed", b), Ok("borrowed"));
    assert_eq!(cell.load(), "not static");
    assert_eq!(cell.compare_exchange("borrowed", a), Err("not static"));

    // `Option<&u64>`: 8 bytes, lock-free on x86_64; `Eq` compares the pointees.
    let (one, two) = (1u64, 2u64);
    let cell = AtomicCell::new(Some(&one));
    assert_eq!(cell.load(), Some(&1));
    assert_eq!(cell.compare_exchange(Some(&1), Some(&two)).map(|r| r.copied()), Ok(Some(1)));
    assert_eq!(cell.swap(None).copied(), Some(2));

    // 32 bytes of references: the lock path, two pairs.
    let words = [10u64, 20, 30, 40];
    let cell = AtomicCell::new([&words[0], &words[1], &words[2], &words[3]]);
    cell.store([&words[3], &words[2], &words[1], &words[0]]);
    assert_eq!(cell.load().map(|r| *r), [40, 30, 20, 10]);
}

#[test]
fn references_round_trip_through_seq_lock() {
    let text = String::from("alpha beta");
    let lock = SeqLock::new(&text[..5]);
    assert_eq!(lock.get(), "alpha");
    assert_eq!(lock.replace(&text[6..]), "alpha");
    assert_eq!(lock.get(), "beta");

    let (x, y) = (3u32, 4u32);
    let lock = SeqLock::new((Some(&x), &text[..1], [&y; 2]));
    lock.set((None, &text[1..3], [&x, &y]));
    let (none, s, [p, q]) = lock.get();
    assert_eq!((none, s, *p, *q), (None, "lp", 3, 4));
}

#[test]
fn pointers_cross_threads_whole() {
    let values: Vec<u64> = (0..8).collect();
    let refs = SeqLock::new([&values[0]; 4]);
    let boxes = AtomicCell::new(Some(Box::new(0usize)));
    let wide = AtomicCell::new((Box::new(0usize), Box::new(0usize)));
    std::thread::scope(|s| {
        for t in 0..THREADS {
            let (values, refs, boxes, wide) = (&values, &refs, &boxes, &wide);
            s.spawn(move || {
                for i in 0..ROUNDS {
                    let r = &values[(t + i) % values.len()];
                    refs.set([r; 4]);
                    let [a, b, c, d] = refs.get();
                    assert!(*a == *b && *b == *c && *c == *d, "torn: {a} {b} {c} {d}");
                    if let Some(old) = boxes.swap(Some(Box::new(i))) {
                        assert!(*old < ROUNDS);
                    }
                    let (x, y) = wide.swap((Box::new(i), Box::new(i)));
                    assert_eq!(*x, *y, "the pair moved whole");
                }
            });
        }
    });
    assert!(boxes.take().is_some_and(|b| *b == ROUNDS - 1));
}
