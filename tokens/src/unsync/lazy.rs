//! [`Lazy`]: a single-threaded value made by its initializer on first use.
//!
//! A [`OnceCell`] and the initializer beside it in a `Cell<Option<F>>`. The first access takes
//! the initializer out and runs it inside the cell's `get_or_init`, so recursion is caught by
//! the cell; if the initializer panics it is gone, and later accesses panic saying the `Lazy`
//! is poisoned rather than retrying something that can no longer run.

use core::cell::Cell;
use core::fmt;
use core::ops::{Deref, DerefMut};

use super::OnceCell;

/// A value computed by `F` on first access, then shared: the single-threaded twin of
/// [`crate::sync::Lazy`].
///
/// `Lazy` derefs to `T`, running the initializer on the first deref. The default `F` is a
/// function pointer, so a `Lazy<T>` can be named without spelling a closure type (a closure
/// that captures nothing coerces to it).
///
/// # Panics
///
/// An access from inside the initializer of the same `Lazy` panics (recursive
/// initialization). If the initializer panics, that access panics, and so does every later
/// one: the `Lazy` is poisoned.
///
/// # Examples
///
/// ```
/// use cellar::unsync::Lazy;
///
/// let squares: Lazy<Vec<u32>> = Lazy::new(|| (0..4).map(|i| i * i).collect());
/// assert_eq!(squares[3], 9);
/// assert_eq!(squares.len(), 4);
/// ```
pub struct Lazy<T, F = fn() -> T> {
    cell: OnceCell<T>,
    /// `Some` until the first access takes it to run it; `None` afterwards (a `None` with an
    /// empty cell means the initializer panicked).
    init: Cell<Option<F>>,
}

impl<T, F> Lazy<T, F> {
    /// A `Lazy` that will make its value with `init`. `const`, so it can sit in a
    /// `thread_local!`.
    ///
    /// ```
    /// use cellar::unsync::Lazy;
    ///
    /// thread_local! {
    ///     static GREETING: Lazy<String> = const { Lazy::new(|| "hello".to_uppercase()) };
    /// }
    /// GREETING.with(|g| assert_eq!(g.as_str(), "HELLO"));
    /// ```
    #[inline]
    #[must_use]
    pub const fn new(init: F) -> Self {
        Self { cell: OnceCell::new(), init: Cell::new(Some(init)) }
    }

    /// The value if it has been made, without making it.
    ///
    /// ```
    /// use cellar::unsync::Lazy;
    ///
    /// let lazy = Lazy::new(|| 1);
    /// assert_eq!(Lazy::get(&lazy), None);
    /// Lazy::force(&lazy);
    /// assert_eq!(Lazy::get(&lazy), Some(&1));
    /// ```
    #[inline]
    pub fn get(this: &Self) -> Option<&T> {
        this.cell.get()
    }

    /// The value if it has been made, or the initializer if not.
    ///
    /// # Panics
    ///
    /// If the `Lazy` is poisoned.
    ///
    /// ```
    /// use cellar::unsync::Lazy;
    ///
    /// let lazy: Lazy<u8, _> = Lazy::new(|| 1);
    /// assert!(Lazy::into_value(lazy).is_err());
    /// let lazy = Lazy::new(|| 1);
    /// Lazy::force(&lazy);
    /// assert_eq!(Lazy::into_value(lazy).ok(), Some(1));
    /// ```
    pub fn into_value(this: Self) -> Result<T, F> {
        let Self { cell, init } = this;
        cell.into_inner().ok_or_else(|| init.into_inner().unwrap_or_else(|| poisoned()))
    }
}

impl<T, F: FnOnce() -> T> Lazy<T, F> {
    /// Makes the value if needed and returns it; the same as `&*this`.
    ///
    /// # Panics
    ///
    /// If the initializer panics, if it accesses this same `Lazy`, or if the `Lazy` is
    /// poisoned by an earlier panicking initializer.
    ///
    /// ```
    /// use cellar::unsync::Lazy;
    ///
    /// let lazy = Lazy::new(|| 2 + 2);
    /// assert_eq!(Lazy::force(&lazy), &4);
    /// ```
    #[inline]
    pub fn force(this: &Self) -> &T {
        // The made value's path is the cell's `get` alone; the rest stays out of line.
        match this.cell.get() {
            Some(value) => value,
            None => Self::make(this),
        }
    }

    /// Runs (or waits for) the initializer: the cold part of [`force`](Self::force).
    #[cold]
    #[inline(never)]
    fn make(this: &Self) -> &T {
        this.cell.get_or_init(|| match this.init.take() {
            Some(init) => init(),
            None => poisoned(),
        })
    }

    /// Makes the value if needed and returns it mutably.
    ///
    /// # Panics
    ///
    /// As [`force`](Self::force).
    ///
    /// ```
    /// use cellar::unsync::Lazy;
    ///
    /// let mut lazy = Lazy::new(|| vec![1]);
    /// Lazy::force_mut(&mut lazy).push(2);
    /// assert_eq!(*lazy, [1, 2]);
    /// ```
    #[inline]
    pub fn force_mut(this: &mut Self) -> &mut T {
        Self::force(this);
        this.cell.get_mut().expect("forced just now")
    }
}

/// Accessing a `Lazy` whose initializer has panicked before.
#[cold]
#[track_caller]
fn poisoned() -> ! {
    panic!("unsync::Lazy poisoned: its initializer panicked on an earlier access")
}

impl<T, F: FnOnce() -> T> Deref for Lazy<T, F> {
    type Target = T;

    /// The value, made on first use. See [`Lazy::force`].
    #[inline]
    fn deref(&self) -> &T {
        Self::force(self)
    }
}

impl<T, F: FnOnce() -> T> DerefMut for Lazy<T, F> {
    /// The value, mutably, made on first use. See [`Lazy::force_mut`].
    #[inline]
    fn deref_mut(&mut self) -> &mut T {
        Self::force_mut(self)
    }
}

impl<T: Default> Default for Lazy<T> {
    /// A `Lazy` made by `T::default`.
    ///
    /// ```
    /// let lazy: cellar::unsync::Lazy<String> = Default::default();
    /// assert!(lazy.is_empty());
    /// ```
    fn default() -> Self {
        Self::new(T::default)
    }
}

impl<T: fmt::Debug, F> fmt::Debug for Lazy<T, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut tuple = f.debug_tuple("Lazy");
        match self.cell.get() {
            Some(value) => tuple.field(value),
            None => tuple.field(&format_args!("<uninit>")),
        };
        tuple.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::Lazy;
    use std::cell::Cell;
    use std::panic::{AssertUnwindSafe, catch_unwind};
    use std::rc::Rc;

    #[test]
    fn the_initializer_runs_on_first_deref_only() {
        let runs = Cell::new(0);
        let lazy = Lazy::new(|| {
            runs.set(runs.get() + 1);
            10
        });
        assert_eq!(runs.get(), 0);
        assert_eq!(*lazy + *lazy, 20);
        assert_eq!(runs.get(), 1);
    }

    #[test]
    fn deref_mut_and_into_value() {
        let mut lazy = Lazy::new(|| String::from("a"));
        lazy.push('b');
        assert_eq!(Lazy::into_value(lazy).ok().as_deref(), Some("ab"));
    }

    #[test]
    fn a_panicking_initializer_poisons_the_lazy() {
        let lazy: Lazy<u8> = Lazy::new(|| panic!("boom"));
        let first = catch_unwind(AssertUnwindSafe(|| *lazy));
        assert!(first.is_err());
        let second = catch_unwind(AssertUnwindSafe(|| *lazy)).unwrap_err();
        let message = second.downcast_ref::<&str>().copied().unwrap_or_default();
        assert!(message.contains("unsync::Lazy poisoned"), "{message}");
    }

    #[test]
    #[should_panic(expected = "unsync::Lazy poisoned")]
    fn into_value_of_a_poisoned_lazy_panics() {
        let lazy: Lazy<u8> = Lazy::new(|| panic!("boom"));
        let _ = catch_unwind(AssertUnwindSafe(|| *lazy));
        let _ = Lazy::into_value(lazy);
    }

    #[test]
    #[should_panic(expected = "unsync::OnceCell initialized recursively")]
    fn recursive_access_panics() {
        thread_local! {
            static SELF_REFERENTIAL: Lazy<u32> = const { Lazy::new(|| SELF_REFERENTIAL.with(|l| **l) + 1) };
        }
        SELF_REFERENTIAL.with(|lazy| **lazy);
    }

    #[test]
    fn the_initializer_and_the_value_are_dropped() {
        let token = Rc::new(());
        let unused: Lazy<Rc<()>, _> = {
            let token = token.clone();
            Lazy::new(move || token)
        };
        assert!(Lazy::get(&unused).is_none());
        assert_eq!(Rc::strong_count(&token), 2);
        drop(unused);
        assert_eq!(Rc::strong_count(&token), 1, "an unused initializer is dropped");
        let used: Lazy<Rc<()>, _> = {
            let token = token.clone();
            Lazy::new(move || token)
        };
        assert!(Lazy::get(&used).is_none());
        Lazy::force(&used);
        assert_eq!(Rc::strong_count(&token), 2, "the value holds the clone now");
        drop(used);
        assert_eq!(Rc::strong_count(&token), 1);
    }

    #[test]
    fn default_and_debug() {
        let lazy: Lazy<Vec<u8>> = Lazy::default();
        assert_eq!(format!("{lazy:?}"), "Lazy(<uninit>)");
        assert!(lazy.is_empty());
        assert_eq!(format!("{lazy:?}"), "Lazy([])");
    }

    // Send when `T` and `F` are (both move with it); never Sync.
    assert_not_impl!(Lazy<u8>: Sync);
    assert_not_impl!(Lazy<Rc<u8>>: Send);

    #[test]
    fn send_when_value_and_initializer_are_send() {
        fn is_send<T: Send>() {}
        is_send::<Lazy<u8>>();
    }
}
