//! [`OnceCell`]: a single-threaded cell that is written at most once, then only shared.
//!
//! The value sits in an `UnsafeCell<Option<T>>`. A `&T` handed out by [`OnceCell::get`]
//! points into the `Some`, and the only writes through `&self` happen while the option is
//! still `None`, when no such reference can exist. A flag marks the time the initializer
//! runs, so that a second initialization of the same cell from inside the first one panics
//! before it could overwrite anything.
#![allow(unsafe_code)] // The value is written through `&self` once, while nothing borrows it.

use core::cell::{Cell, UnsafeCell};
use core::convert::Infallible;
use core::fmt;

/// The message of the panic when an initializer initializes its own cell.
const RECURSIVE: &str = "unsync::OnceCell initialized recursively: the initializer of this cell \
                         tried to initialize (or set) the same cell";

/// A cell for one value that is set at most once, then read through shared references.
///
/// The single-threaded twin of [`crate::sync::OnceCell`]: no atomics, and the cell is `!Sync`.
/// Once it holds a value, `get` hands out `&T` for as long as the cell is borrowed; only
/// `&mut self` methods ([`take`](Self::take), [`get_mut`](Self::get_mut)) change it again.
///
/// Initializing the cell from inside its own initializer (directly, or through `set`)
/// panics with a message saying so: the outer initializer would otherwise overwrite a value
/// that may already be borrowed. An initializer that panics leaves the cell empty.
///
/// # Invariants
///
/// - `value` is `None` while the cell is empty and `Some` once it is initialized; through
///   `&self` it changes only from `None` to `Some`, and only when `initializing` is false on
///   entry to the initialization.
/// - No reference into `value` is alive while it is written through `&self`: every `&T`
///   points into a `Some`, and it is written only while it is `None`.
///
/// # Examples
///
/// ```
/// use cellar::unsync::OnceCell;
///
/// let cell = OnceCell::new();
/// assert_eq!(cell.get(), None);
/// assert_eq!(*cell.get_or_init(|| 42), 42);
/// assert_eq!(cell.set(7), Err(7));
/// assert_eq!(cell.get(), Some(&42));
/// ```
pub struct OnceCell<T> {
    /// `None`: empty; `Some`: initialized, never written again through `&self`.
    value: UnsafeCell<Option<T>>,
    /// True while an initializer of this cell runs (it is reset if the initializer panics).
    initializing: Cell<bool>,
}

impl<T> OnceCell<T> {
    /// An empty cell. `const`, so it can be the value of a `thread_local!`.
    ///
    /// ```
    /// use cellar::unsync::OnceCell;
    ///
    /// thread_local! {
    ///     static NAME: OnceCell<String> = const { OnceCell::new() };
    /// }
    /// NAME.with(|name| assert_eq!(name.get_or_init(|| "cellar".into()), "cellar"));
    /// ```
    #[inline]
    #[must_use]
    pub const fn new() -> Self {
        Self { value: UnsafeCell::new(None), initializing: Cell::new(false) }
    }

    /// The value, or `None` if the cell is empty.
    ///
    /// ```
    /// use cellar::unsync::OnceCell;
    ///
    /// let cell = OnceCell::from(3);
    /// assert_eq!(cell.get(), Some(&3));
    /// ```
    #[inline]
    pub fn get(&self) -> Option<&T> {
        // SAFETY:
        // - The shared reference to the option is not kept; the `&T` it yields points into a
        //   `Some`, which is never written through `&self` again (invariants).
        unsafe { &*self.value.get() }.as_ref()
    }

    /// The value, mutably, or `None` if the cell is empty.
    ///
    /// ```
    /// use cellar::unsync::OnceCell;
    ///
    /// let mut cell = OnceCell::from(3);
    /// *cell.get_mut().unwrap() += 1;
    /// assert_eq!(cell.get(), Some(&4));
    /// ```
    #[inline]
    pub fn get_mut(&mut self) -> Option<&mut T> {
        self.value.get_mut().as_mut()
    }

    /// Stores `value` if the cell is empty; otherwise gives it back as `Err(value)`.
    ///
    /// # Panics
    ///
    /// If called from inside an initializer of this same cell.
    ///
    /// ```
    /// use cellar::unsync::OnceCell;
    ///
    /// let cell = OnceCell::new();
    /// assert_eq!(cell.set(1), Ok(()));
    /// assert_eq!(cell.set(2), Err(2));
    /// assert_eq!(cell.get(), Some(&1));
    /// ```
    pub fn set(&self, value: T) -> Result<(), T> {
        if self.get().is_some() {
            return Err(value);
        }
        self.initialize(|| Ok::<T, Infallible>(value)).map_err(|never| match never {})?;
        Ok(())
    }

    /// The value, after running `f` to make it if the cell is empty.
    ///
    /// # Panics
    ///
    /// If `f` initializes (or sets) this same cell: the message says it was initialized
    /// recursively. If `f` panics, the panic propagates and the cell stays empty.
    ///
    /// ```
    /// use cellar::unsync::OnceCell;
    ///
    /// let cell = OnceCell::new();
    /// assert_eq!(cell.get_or_init(|| 1), &1);
    /// assert_eq!(cell.get_or_init(|| unreachable!()), &1);
    /// ```
    #[inline]
    pub fn get_or_init<F: FnOnce() -> T>(&self, f: F) -> &T {
        match self.get_or_try_init(|| Ok::<T, Infallible>(f())) {
            Ok(value) => value,
            Err(never) => match never {},
        }
    }

    /// The value, after running `f` to make it if the cell is empty; an `Err` from `f` is
    /// returned and leaves the cell empty.
    ///
    /// # Panics
    ///
    /// As [`get_or_init`](Self::get_or_init).
    ///
    /// ```
    /// use cellar::unsync::OnceCell;
    ///
    /// let cell: OnceCell<u32> = OnceCell::new();
    /// assert_eq!(cell.get_or_try_init(|| "x".parse::<u32>()).is_err(), true);
    /// assert_eq!(cell.get(), None);
    /// assert_eq!(cell.get_or_try_init(|| "5".parse::<u32>()), Ok(&5));
    /// ```
    #[inline]
    pub fn get_or_try_init<F, E>(&self, f: F) -> Result<&T, E>
    where
        F: FnOnce() -> Result<T, E>,
    {
        if let Some(value) = self.get() {
            return Ok(value);
        }
        self.initialize(f)
    }

    /// Runs `f` and stores its value: the slow path of every initialization.
    #[cold]
    fn initialize<F, E>(&self, f: F) -> Result<&T, E>
    where
        F: FnOnce() -> Result<T, E>,
    {
        if self.initializing.replace(true) {
            panic!("{RECURSIVE}");
        }
        // Clears the flag when `f` returns or unwinds, so a failed initializer leaves the cell
        // empty and initializable.
        struct Reset<'a>(&'a Cell<bool>);
        impl Drop for Reset<'_> {
            fn drop(&mut self) {
                self.0.set(false);
            }
        }
        let reset = Reset(&self.initializing);
        let value = f()?;
        drop(reset);
        // SAFETY:
        // - The option is still `None`: `get` was `None` before the flag was set, and while the
        //   flag was set every other initialization panicked instead of writing. So no `&T`
        //   into it exists, and the cell is `!Sync`, so no other thread writes or reads it.
        let slot = unsafe { &mut *self.value.get() };
        Ok(slot.insert(value))
    }

    /// Takes the value out, leaving the cell empty (and initializable again).
    ///
    /// ```
    /// use cellar::unsync::OnceCell;
    ///
    /// let mut cell = OnceCell::from(String::from("a"));
    /// assert_eq!(cell.take().as_deref(), Some("a"));
    /// assert_eq!(cell.get(), None);
    /// ```
    #[inline]
    pub fn take(&mut self) -> Option<T> {
        self.value.get_mut().take()
    }

    /// The value, consuming the cell.
    ///
    /// ```
    /// use cellar::unsync::OnceCell;
    ///
    /// let cell = OnceCell::new();
    /// cell.set(vec![1, 2]).unwrap();
    /// assert_eq!(cell.into_inner(), Some(vec![1, 2]));
    /// ```
    #[inline]
    pub fn into_inner(self) -> Option<T> {
        self.value.into_inner()
    }
}

impl<T> Default for OnceCell<T> {
    /// An empty cell.
    ///
    /// ```
    /// let cell: cellar::unsync::OnceCell<u8> = Default::default();
    /// assert!(cell.get().is_none());
    /// ```
    fn default() -> Self {
        Self::new()
    }
}

impl<T> From<T> for OnceCell<T> {
    /// A cell that already holds `value`.
    ///
    /// ```
    /// let cell = cellar::unsync::OnceCell::from('c');
    /// assert_eq!(cell.get(), Some(&'c'));
    /// ```
    fn from(value: T) -> Self {
        Self { value: UnsafeCell::new(Some(value)), initializing: Cell::new(false) }
    }
}

impl<T: Clone> Clone for OnceCell<T> {
    /// A cell with a clone of the value, or an empty cell.
    ///
    /// ```
    /// let cell = cellar::unsync::OnceCell::from(1);
    /// assert_eq!(cell.clone(), cell);
    /// ```
    fn clone(&self) -> Self {
        match self.get() {
            Some(value) => Self::from(value.clone()),
            None => Self::new(),
        }
    }
}

impl<T: PartialEq> PartialEq for OnceCell<T> {
    /// Equal when both are empty, or both hold equal values.
    ///
    /// ```
    /// use cellar::unsync::OnceCell;
    ///
    /// assert_eq!(OnceCell::<u8>::new(), OnceCell::new());
    /// assert_ne!(OnceCell::from(1), OnceCell::new());
    /// ```
    fn eq(&self, other: &Self) -> bool {
        self.get() == other.get()
    }
}

impl<T: Eq> Eq for OnceCell<T> {}

impl<T: fmt::Debug> fmt::Debug for OnceCell<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut tuple = f.debug_tuple("OnceCell");
        match self.get() {
            Some(value) => tuple.field(value),
            None => tuple.field(&format_args!("<uninit>")),
        };
        tuple.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::OnceCell;
    use std::cell::Cell;
    use std::panic::{AssertUnwindSafe, catch_unwind};
    use std::rc::Rc;

    /// Counts its drops in a shared counter.
    struct Counted(Rc<Cell<usize>>);
    impl Drop for Counted {
        fn drop(&mut self) {
            self.0.set(self.0.get() + 1);
        }
    }

    #[test]
    fn get_or_init_runs_the_initializer_once() {
        let cell = OnceCell::new();
        let runs = Cell::new(0);
        for _ in 0..3 {
            let value = cell.get_or_init(|| {
                runs.set(runs.get() + 1);
                "made"
            });
            assert_eq!(*value, "made");
        }
        assert_eq!(runs.get(), 1);
    }

    #[test]
    fn set_on_a_full_cell_gives_the_value_back() {
        let cell = OnceCell::new();
        assert_eq!(cell.set(String::from("a")), Ok(()));
        assert_eq!(cell.set(String::from("b")), Err(String::from("b")));
        assert_eq!(cell.get().map(String::as_str), Some("a"));
    }

    #[test]
    fn err_from_the_initializer_leaves_the_cell_empty() {
        let cell = OnceCell::new();
        assert_eq!(cell.get_or_try_init(|| Err::<u8, _>("no")), Err("no"));
        assert_eq!(cell.get(), None);
        assert_eq!(cell.get_or_try_init(|| Ok::<_, ()>(4)), Ok(&4));
        assert_eq!(cell.get_or_try_init(|| Err(())), Ok(&4));
    }

    #[test]
    fn a_panicking_initializer_leaves_the_cell_empty_and_initializable() {
        let cell = OnceCell::new();
        let result = catch_unwind(AssertUnwindSafe(|| cell.get_or_init(|| panic!("boom"))));
        assert!(result.is_err());
        assert_eq!(cell.get(), None);
        assert_eq!(cell.get_or_init(|| 9u8), &9);
    }

    #[test]
    #[should_panic(expected = "unsync::OnceCell initialized recursively")]
    fn recursive_initialization_panics() {
        let cell = OnceCell::new();
        cell.get_or_init(|| *cell.get_or_init(|| 1) + 1);
    }

    #[test]
    #[should_panic(expected = "unsync::OnceCell initialized recursively")]
    fn set_from_the_initializer_panics() {
        let cell = OnceCell::new();
        cell.get_or_init(|| {
            let _ = cell.set(1);
            2
        });
    }

    #[test]
    fn a_cell_that_caught_its_recursion_panic_is_still_usable() {
        let cell = OnceCell::new();
        let result = catch_unwind(AssertUnwindSafe(|| {
            cell.get_or_init(|| *cell.get_or_init(|| 1) + 1);
        }));
        assert!(result.is_err());
        assert_eq!(cell.get(), None);
        assert_eq!(cell.get_or_init(|| 5), &5);
    }

    #[test]
    fn take_and_get_mut_and_into_inner() {
        let mut cell = OnceCell::new();
        assert_eq!(cell.get_mut(), None);
        assert_eq!(cell.take(), None);
        cell.set(1).unwrap();
        *cell.get_mut().unwrap() = 2;
        assert_eq!(cell.take(), Some(2));
        assert_eq!(cell.get(), None);
        cell.set(3).unwrap();
        assert_eq!(cell.into_inner(), Some(3));
        assert_eq!(OnceCell::<u8>::new().into_inner(), None);
    }

    #[test]
    fn the_value_is_dropped_exactly_once() {
        let drops = Rc::new(Cell::new(0));
        {
            let cell = OnceCell::new();
            cell.get_or_init(|| Counted(drops.clone()));
            // A value refused by `set` is given back, and dropped by the caller.
            drop(cell.set(Counted(drops.clone())));
            assert_eq!(drops.get(), 1);
        }
        assert_eq!(drops.get(), 2);
        let mut cell = OnceCell::from(Counted(drops.clone()));
        let taken = cell.take();
        drop(cell);
        assert_eq!(drops.get(), 2, "an emptied cell drops nothing");
        drop(taken);
        assert_eq!(drops.get(), 3);
    }

    #[test]
    fn zero_sized_values() {
        let cell = OnceCell::new();
        assert_eq!(cell.get(), None);
        assert_eq!(cell.set(()), Ok(()));
        assert_eq!(cell.set(()), Err(()));
        assert_eq!(cell.get(), Some(&()));
    }

    #[test]
    fn traits() {
        let empty: OnceCell<u8> = OnceCell::default();
        assert_eq!(format!("{empty:?}"), "OnceCell(<uninit>)");
        assert_eq!(format!("{:?}", OnceCell::from(1)), "OnceCell(1)");
        assert_eq!(empty.clone(), OnceCell::new());
        assert_eq!(OnceCell::from(2).clone().get(), Some(&2));
        assert_ne!(OnceCell::from(2), OnceCell::from(3));
    }

    // Send when `T: Send` (the value moves with the cell); never Sync (no atomics).
    assert_not_impl!(OnceCell<u8>: Sync);
    assert_not_impl!(OnceCell<Rc<u8>>: Send);

    #[test]
    fn send_when_the_value_is_send() {
        fn is_send<T: Send>() {}
        is_send::<OnceCell<u8>>();
    }
}
