//! Dense rows: a stretch of rows that all yield an item, as columns addressed from their end
//! by one shared offset.
//!
//! A query's dense cursor keeps, per column, a pointer one past the stretch's last row, and
//! one counter for all columns, rising to zero: minus the rows not handed out yet, in units
//! of the greatest common divisor of the columns' element sizes. Row `i` (from `-len` up to
//! `-1`) of a column of `T` is `end.offset(i)`, at the byte offset `counter * (size_of::<T>()
//! / unit)`: the counter itself where every column's element has the same size. One step of
//! a plain `for` loop is then an add, a test and a branch on zero, whatever the number of
//! columns (std's `Zip` of slice iterators counts an index up to a length, compares it with
//! the length, and scales it by each element size). The test repeats the add's flags; it
//! stays because the loop's head is shared with the switch to the next table.
#![allow(unsafe_code)] // Rows read at an offset from `end`, without a bounds check per column.

use std::fmt;
use std::marker::PhantomData;

/// The columns of a stretch of rows, each row addressed from the stretch's end: a query's
/// part of a dense cursor.
///
/// Plumbing, like [`QueryData`](super::QueryData)'s methods: users name query types, never
/// these.
///
/// # Safety
///
/// An implementation promises:
///
/// - `row_count() * max(UNIT, 1)` fits `isize`, so that a counter over the rows in units of
///   `UNIT` never overflows (a slice's byte size fits `isize`; a part without bytes bounds
///   its count);
/// - [`get`](DenseRows::get) is sound under its own `# Safety` conditions.
pub unsafe trait DenseRows {
    /// What one row yields.
    type Item;

    /// The greatest common divisor of the columns' element sizes (zero when no column holds
    /// bytes): the unit of the offsets passed to [`get`](DenseRows::get).
    const UNIT: usize;

    /// The rows the columns hold: rows `-row_count..0`, counted back from the end.
    fn row_count(&self) -> usize;

    /// The item of row `off / unit` (counted back from the end: `-1` is the last row).
    ///
    /// # Safety
    ///
    /// - `unit` is not zero and divides [`UNIT`](DenseRows::UNIT) (every unit divides zero);
    /// - `off` is `i * unit` for a row `i` in `-(self.row_count() as isize)..0`;
    /// - no row is passed twice for one value (the item may be an exclusive borrow).
    unsafe fn get(&self, off: isize, unit: usize) -> Self::Item;

    /// Tells the compiler that the columns' pointers are not null, before every step: the
    /// item of a row is then known to be `Some`, and a loop over them needs no null check
    /// per item.
    #[inline(always)]
    fn assume_non_null(&self) {}
}

/// A column's rows, shared: the dense part of `&T` (and of [`Entity`](crate::Entity), whose
/// rows are copied out).
///
/// # Invariants
///
/// `end` is one past the last of `len` initialized values of `T` in one allocation,
/// borrowed shared for `'w`; `len * max(size_of::<T>(), 1)` fits `isize`.
#[doc(hidden)]
pub struct ColumnRows<'w, T> {
    end: *const T,
    len: usize,
    _values: PhantomData<&'w [T]>,
}

/// A slice's length `len` of elements of `size` bytes, bounded so that `len * max(size, 1)`
/// fits `isize`: a slice's byte size already does, so only zero-sized elements are cut
/// (which no table reaches: its rows are entities, eight bytes each).
#[inline(always)]
fn bounded_len(len: usize, size: usize) -> usize {
    if size == 0 { len.min(isize::MAX as usize) } else { len }
}

impl<'w, T> ColumnRows<'w, T> {
    /// The rows of `values`.
    #[inline(always)]
    pub(super) fn new(values: &'w [T]) -> Self {
        let len = bounded_len(values.len(), size_of::<T>());
        // SAFETY:
        // - `len <= values.len()`, so one past `len` values is in bounds of the slice.
        let end = unsafe { values.as_ptr().add(len) };
        ColumnRows { end, len, _values: PhantomData }
    }
}

// SAFETY:
// - `len * max(size_of::<T>(), 1)` fits `isize` (Invariants);
// - `get` argues its own soundness below.
unsafe impl<'w, T> DenseRows for ColumnRows<'w, T> {
    type Item = &'w T;
    const UNIT: usize = size_of::<T>();
    #[inline(always)]
    fn assume_non_null(&self) {
        // SAFETY:
        // - `end` is one past values in an allocation (Invariants), so not null.
        unsafe { std::hint::assert_unchecked(!self.end.is_null()) };
    }
    #[inline(always)]
    fn row_count(&self) -> usize {
        self.len
    }
    #[inline(always)]
    unsafe fn get(&self, off: isize, unit: usize) -> &'w T {
        // Row `i = off / unit`, at byte offset `i * size_of::<T>()`; `unit` divides the size
        // (the caller's guarantee), so the division is exact and folds into a constant.
        let bytes = off * (size_of::<T>() / unit) as isize;
        // SAFETY:
        // - `bytes` is `i * size_of::<T>()` for a row `i` in `-len..0` (the caller's
        //   guarantees), so `end.byte_offset(bytes)` is row `i` of the `len` values before
        //   `end`, inside their allocation (Invariants), and `bytes` fits `isize` as the
        //   values' size does;
        let value = unsafe { self.end.byte_offset(bytes) };
        // SAFETY:
        // - `value` points to an initialized `T` borrowed shared for `'w` (Invariants).
        unsafe { &*value }
    }
}

// SAFETY:
// - a `ColumnRows` hands out only `&T`, as `&[T]` does, which is `Send` when `T: Sync`.
unsafe impl<T: Sync> Send for ColumnRows<'_, T> {}
// SAFETY:
// - through `&ColumnRows` only `&T` is reachable, as through `&&[T]`.
unsafe impl<T: Sync> Sync for ColumnRows<'_, T> {}

impl<T> fmt::Debug for ColumnRows<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ColumnRows").field("len", &self.len).finish_non_exhaustive()
    }
}

/// A column's rows, exclusive: the dense part of `&mut T`.
///
/// # Invariants
///
/// `end` is one past the last of `len` initialized values of `T` in one allocation,
/// borrowed exclusively for `'w` by this value; `len * max(size_of::<T>(), 1)` fits `isize`.
/// Not `Clone`: each row is handed out once, by the one owner of the borrow.
#[doc(hidden)]
pub struct ColumnRowsMut<'w, T> {
    end: *mut T,
    len: usize,
    _values: PhantomData<&'w mut [T]>,
}

impl<'w, T> ColumnRowsMut<'w, T> {
    /// The rows of `values`.
    #[inline(always)]
    pub(super) fn new(values: &'w mut [T]) -> Self {
        let len = bounded_len(values.len(), size_of::<T>());
        // SAFETY:
        // - `len <= values.len()`, so one past `len` values is in bounds of the slice.
        let end = unsafe { values.as_mut_ptr().add(len) };
        ColumnRowsMut { end, len, _values: PhantomData }
    }
}

// SAFETY:
// - `len * max(size_of::<T>(), 1)` fits `isize` (Invariants);
// - `get` argues its own soundness below.
unsafe impl<'w, T> DenseRows for ColumnRowsMut<'w, T> {
    type Item = &'w mut T;
    const UNIT: usize = size_of::<T>();
    #[inline(always)]
    fn assume_non_null(&self) {
        // SAFETY:
        // - `end` is one past values in an allocation (Invariants), so not null.
        unsafe { std::hint::assert_unchecked(!self.end.is_null()) };
    }
    #[inline(always)]
    fn row_count(&self) -> usize {
        self.len
    }
    #[inline(always)]
    unsafe fn get(&self, off: isize, unit: usize) -> &'w mut T {
        // Row `i = off / unit`, at byte offset `i * size_of::<T>()`; `unit` divides the size
        // (the caller's guarantee), so the division is exact and folds into a constant.
        let bytes = off * (size_of::<T>() / unit) as isize;
        // SAFETY:
        // - `bytes` is `i * size_of::<T>()` for a row `i` in `-len..0` (the caller's
        //   guarantees), so `end.byte_offset(bytes)` is row `i` of the `len` values before
        //   `end`, inside their allocation (Invariants), and `bytes` fits `isize` as the
        //   values' size does;
        let value = unsafe { self.end.byte_offset(bytes) };
        // SAFETY:
        // - `value` points to an initialized `T` borrowed exclusively by this value for `'w`
        //   (Invariants), and no other `&mut` to it exists: the caller passes each row once.
        unsafe { &mut *value }
    }
}

// SAFETY:
// - a `ColumnRowsMut` hands out `&mut T` of values it borrows exclusively, as `&mut [T]`
//   does, which is `Send` when `T: Send`.
unsafe impl<T: Send> Send for ColumnRowsMut<'_, T> {}
// SAFETY:
// - through `&ColumnRowsMut` nothing is reachable but its length (`get` is unsafe and its
//   caller is the owner that hands each row out once); `Sync` as `&mut [T]` is, when
//   `T: Sync`.
unsafe impl<T: Sync> Sync for ColumnRowsMut<'_, T> {}

impl<T> fmt::Debug for ColumnRowsMut<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ColumnRowsMut").field("len", &self.len).finish_non_exhaustive()
    }
}

/// A column's rows, copied out: the dense part of [`Entity`](crate::Entity).
#[doc(hidden)]
#[derive(Debug)]
pub struct CopiedRows<'w, T>(pub(super) ColumnRows<'w, T>);

// SAFETY:
// - the count and the unit are the column's, which keeps the bound;
// - `get` forwards to the column's, under the same conditions.
unsafe impl<T: Copy> DenseRows for CopiedRows<'_, T> {
    type Item = T;
    const UNIT: usize = size_of::<T>();
    #[inline(always)]
    fn assume_non_null(&self) {
        self.0.assume_non_null();
    }
    #[inline(always)]
    fn row_count(&self) -> usize {
        self.0.row_count()
    }
    #[inline(always)]
    unsafe fn get(&self, off: isize, unit: usize) -> T {
        // SAFETY:
        // - the caller's guarantees are `get`'s, for the same rows and unit.
        unsafe { *self.0.get(off, unit) }
    }
}

/// The same value for each of `len` rows: the dense part of `Has<T>` and of `()`.
///
/// # Invariants
///
/// `len` fits `isize`.
#[doc(hidden)]
#[derive(Clone, Copy, Debug)]
pub struct SameRows<T> {
    value: T,
    len: usize,
}

impl<T> SameRows<T> {
    /// `value` for each of `len` rows (at most `isize::MAX` of them).
    #[inline(always)]
    pub(super) fn new(value: T, len: usize) -> Self {
        SameRows { value, len: len.min(isize::MAX as usize) }
    }
}

// SAFETY:
// - `UNIT` is zero and `len` fits `isize` (Invariants);
// - `get` reads no memory.
unsafe impl<T: Copy> DenseRows for SameRows<T> {
    type Item = T;
    const UNIT: usize = 0;
    #[inline(always)]
    fn row_count(&self) -> usize {
        self.len
    }
    #[inline(always)]
    unsafe fn get(&self, _: isize, _: usize) -> T {
        self.value
    }
}

/// An iterator over dense rows: the rows' columns and one counter.
///
/// # Invariants
///
/// `next` is `-left * Self::STEP` for the `left <= rows.row_count()` rows not handed out
/// yet: rows `-left..0` (counted back from the end). The rows before them have been handed
/// out, each once.
#[doc(hidden)]
#[derive(Debug)]
pub struct DenseIter<D> {
    rows: D,
    /// Minus the rows left, times `STEP`: the next item is row `next / STEP`.
    next: isize,
}

impl<D: DenseRows> DenseIter<D> {
    /// The counter's unit: the columns' [`UNIT`](DenseRows::UNIT), or one where no column
    /// holds bytes.
    const STEP: usize = if D::UNIT == 0 { 1 } else { D::UNIT };

    /// An iterator over every row of `rows`.
    #[inline(always)]
    pub(super) fn new(rows: D) -> Self {
        // No overflow: `row_count * STEP` fits `isize` (`DenseRows`'s promise).
        let next = -((rows.row_count() * Self::STEP) as isize);
        rows.assume_non_null();
        DenseIter { rows, next }
    }
}

impl<D: DenseRows> Iterator for DenseIter<D> {
    type Item = D::Item;

    #[inline(always)]
    fn next(&mut self) -> Option<D::Item> {
        self.rows.assume_non_null();
        if self.next == 0 {
            return None;
        }
        let off = self.next;
        self.next = off + Self::STEP as isize;
        // SAFETY:
        // - `STEP` is not zero and divides `D::UNIT` (it is `D::UNIT`, or one);
        // - `off` is `-left * STEP` with `0 < left <= row_count` (Invariants, and
        //   `off != 0`): row `-left` is in `-row_count..0`;
        // - that row was not handed out before and never is again: `next` moves past it.
        Some(unsafe { self.rows.get(off, Self::STEP) })
    }

    #[inline]
    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.next.unsigned_abs() / Self::STEP;
        (left, Some(left))
    }

    /// A counted loop over the rows left (the loop of `for_each`), which the compiler
    /// unrolls: its trip count is known before it starts.
    #[inline(always)]
    fn fold<B, G: FnMut(B, D::Item) -> B>(self, init: B, g: G) -> B {
        let left = self.next.unsigned_abs() / Self::STEP;
        // SAFETY:
        // - the rows `-left..0` are the rows left (Invariants), not handed out yet, and
        //   `self` is consumed.
        unsafe { fold_rows(self.rows, left, init, g) }
    }
}

impl<D: DenseRows> DenseIter<D> {
    /// `DenseIter::new(rows).fold(init, g)`, without computing the counter.
    #[inline(always)]
    pub(super) fn fold_all<B>(rows: D, init: B, g: impl FnMut(B, D::Item) -> B) -> B {
        let left = rows.row_count();
        // SAFETY:
        // - `left` is the row count, and `left * STEP` fits `isize` (`DenseRows`'s promise);
        // - `rows` is consumed.
        unsafe { fold_rows(rows, left, init, g) }
    }
}

/// Folds `g` over the last `left` rows of `rows`, in order, as a counted loop.
///
/// # Safety
///
/// - `left <= rows.row_count()` and `left * DenseIter::<D>::STEP` fits `isize`;
/// - none of the last `left` rows has been handed out, and none is handed out again (the
///   caller gives `rows` up).
#[inline(always)]
unsafe fn fold_rows<D: DenseRows, B>(
    rows: D,
    left: usize,
    init: B,
    mut g: impl FnMut(B, D::Item) -> B,
) -> B {
    let step = DenseIter::<D>::STEP;
    let mut acc = init;
    for i in 0..left {
        // Row `i - left`, from `-left` up to `-1`; no overflow, as `left * step` fits.
        let off = (i as isize - left as isize) * step as isize;
        // SAFETY:
        // - `step` is not zero and divides `D::UNIT` (it is `D::UNIT`, or one);
        // - `off` is `(i - left) * step` for the row `i - left` in `-left..0`, inside
        //   `-len..0` (the caller's guarantee);
        // - each of those rows once, none handed out before (the caller's guarantee).
        acc = g(acc, unsafe { rows.get(off, step) });
    }
    acc
}

impl<D: DenseRows> ExactSizeIterator for DenseIter<D> {}

impl<D: DenseRows> std::iter::FusedIterator for DenseIter<D> {}

/// The dense rows of an `Option<Q>`: `Q`'s rows where the table has the component (`Some`
/// of each), `absent` rows of `None` where it does not.
///
/// # Invariants
///
/// `absent * max(D::UNIT, 1)` fits `isize`.
#[doc(hidden)]
#[derive(Debug)]
pub struct OptionDense<D> {
    rows: Option<D>,
    absent: usize,
}

impl<D: DenseRows> OptionDense<D> {
    /// `rows`, or `absent` rows of `None` (at most as many as `D`'s rows could count).
    #[inline(always)]
    pub(super) fn new(rows: Option<D>, absent: usize) -> Self {
        let absent = absent.min(isize::MAX as usize / D::UNIT.max(1));
        OptionDense { rows, absent }
    }
}

// SAFETY:
// - the count is `rows`'s (which keeps the bound, with the same unit) or `absent` (bounded,
//   Invariants);
// - `get` forwards to `rows`'s, or reads no memory.
unsafe impl<D: DenseRows> DenseRows for OptionDense<D> {
    const UNIT: usize = D::UNIT;
    #[inline(always)]
    fn assume_non_null(&self) {
        if let Some(rows) = &self.rows {
            rows.assume_non_null();
        }
    }
    type Item = Option<D::Item>;
    #[inline(always)]
    fn row_count(&self) -> usize {
        self.rows.as_ref().map_or(self.absent, D::row_count)
    }
    #[inline(always)]
    unsafe fn get(&self, off: isize, unit: usize) -> Option<D::Item> {
        self.rows.as_ref().map(|rows| {
            // SAFETY:
            // - `unit` divides `UNIT`, which is `rows`'s;
            // - the row is in `-len..0` of `self`, which is `rows`'s length when `Some`;
            // - each row once for `self`, so once for `rows`.
            unsafe { rows.get(off, unit) }
        })
    }
}

/// The greatest common divisor (`gcd(0, b) == b`).
const fn gcd(a: usize, b: usize) -> usize {
    if b == 0 { a } else { gcd(b, a % b) }
}

macro_rules! tuple_rows {
    ($($name:ident $v:ident),*) => {
        #[allow(non_snake_case, clippy::unused_unit)]
        // SAFETY:
        // - the count is the smallest part's and the unit the parts' greatest common
        //   divisor: with a part `p` of non-zero unit, `count * unit <= count_p * unit_p`,
        //   which fits `isize`; with none, the unit is zero and `count <= count_p` fits;
        // - `get` forwards to the parts', under the same conditions.
        unsafe impl<$($name: DenseRows),*> DenseRows for ($($name,)*) {
            type Item = ($($name::Item,)*);
            const UNIT: usize = {
                let unit = 0;
                $(let unit = gcd(unit, $name::UNIT);)*
                unit
            };
            #[inline(always)]
            fn assume_non_null(&self) {
                let ($($v,)*) = self;
                $($v.assume_non_null();)*
            }
            #[inline(always)]
            fn row_count(&self) -> usize {
                let ($($v,)*) = self;
                usize::MAX $(.min($v.row_count()))*
            }
            #[inline(always)]
            unsafe fn get(&self, off: isize, unit: usize) -> Self::Item {
                let ($($v,)*) = self;
                ($(
                    // SAFETY:
                    // - `unit` divides the tuple's `UNIT`, which divides every part's;
                    // - the row is in `-len..0` of the tuple, the shortest part's length, so
                    //   inside every part's;
                    // - each row once for the tuple, so once for each part.
                    unsafe { $v.get(off, unit) },
                )*)
            }
        }
    };
}

tuple_rows!(A a);
tuple_rows!(A a, B b);
tuple_rows!(A a, B b, C c);
tuple_rows!(A a, B b, C c, D d);
tuple_rows!(A a, B b, C c, D d, E e);
tuple_rows!(A a, B b, C c, D d, E e, F f);
tuple_rows!(A a, B b, C c, D d, E e, F f, G g);
tuple_rows!(A a, B b, C c, D d, E e, F f, G g, H h);
tuple_rows!(A a, B b, C c, D d, E e, F f, G g, H h, I i_);
tuple_rows!(A a, B b, C c, D d, E e, F f, G g, H h, I i_, J j);
tuple_rows!(A a, B b, C c, D d, E e, F f, G g, H h, I i_, J j, K k);
tuple_rows!(A a, B b, C c, D d, E e, F f, G g, H h, I i_, J j, K k, L l);
