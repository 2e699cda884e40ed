//! Finishing work while unwinding: the one helper behind "a `Drop` that panics does not stop
//! the others".

/// Calls `f` on every item of `items`. If one call panics, the calls for the items left still
/// run while the panic unwinds (a second panic then aborts the process, as in any slice
/// drop), so no item is skipped.
pub(crate) fn run_all<I: Iterator, F: FnMut(I::Item)>(items: I, f: F) {
    /// Owns the iterator and the function; whatever is left runs in `drop`.
    struct Rest<I: Iterator, F: FnMut(I::Item)> {
        items: I,
        f: F,
    }
    impl<I: Iterator, F: FnMut(I::Item)> Drop for Rest<I, F> {
        fn drop(&mut self) {
            for item in &mut self.items {
                (self.f)(item);
            }
        }
    }
    let mut rest = Rest { items, f };
    for item in rest.items.by_ref() {
        (rest.f)(item);
    }
}

#[cfg(test)]
mod tests {
    use super::run_all;
    use std::panic::{AssertUnwindSafe, catch_unwind};

    #[test]
    fn a_panicking_call_does_not_skip_the_rest() {
        let mut seen = Vec::new();
        let r = catch_unwind(AssertUnwindSafe(|| {
            run_all(0..5, |i| {
                seen.push(i);
                assert!(i != 2, "boom");
            })
        }));
        assert!(r.is_err());
        assert_eq!(seen, [0, 1, 2, 3, 4]);
    }
}
