//! Type-erased columns: one growable array of one component type, moved in and out through
//! bevy_ptr's pointers.
#![allow(unsafe_code)] // Type erasure: raw allocation, moving values by pointer, typed slices.

use std::alloc::{self, Layout};
use std::any::TypeId;
use std::ptr::{self, NonNull};

use bevy_ptr::{OwningPtr, Ptr};

use crate::component::ComponentInfo;

use super::finish::run_all;

/// A growable array of values of one component type, whose type is known only at run time.
///
/// Every value in a column is dropped exactly once: by [`swap_remove_drop`], by [`clear`] or
/// by the column's own drop; or moved out exactly once by [`swap_remove_take`] or
/// [`swap_remove_move_to`]. Each of these updates `len` *before* running a value's drop, so a
/// drop that panics leaves no value counted twice.
///
/// # Invariants
///
/// - `data` is aligned to `item.align()`; when `item.size() * cap > 0` it points to an
///   allocation of exactly `Layout::from_size_align(item.size() * cap, item.align())`,
///   otherwise it is dangling and nothing is allocated (zero-sized types, empty columns).
/// - `len <= cap`, and slots `0..len` hold initialized values of the type `type_id`.
/// - `item`, `drop` and `type_id` come from one [`ComponentInfo`] (made only from the type
///   itself), so the layout and drop function are those of `type_id`'s type, which is
///   `Send + Sync + 'static`.
///
/// [`swap_remove_drop`]: Column::swap_remove_drop
/// [`swap_remove_take`]: Column::swap_remove_take
/// [`swap_remove_move_to`]: Column::swap_remove_move_to
/// [`clear`]: Column::clear
pub(crate) struct Column {
    data: NonNull<u8>,
    len: usize,
    cap: usize,
    item: Layout,
    drop: Option<unsafe fn(OwningPtr<'_>)>,
    type_id: TypeId,
    name: &'static str,
}

// SAFETY:
// - a column only holds values of a `Component` type, which is `Send`; moving the column moves
//   them, which is what `Send` allows.
unsafe impl Send for Column {}
// SAFETY:
// - through `&Column` only `&T` of the values is reachable (`as_slice`, `get`), and component
//   types are `Sync`.
unsafe impl Sync for Column {}

impl Column {
    /// An empty column for `info`'s type.
    pub(crate) fn new(info: &ComponentInfo) -> Self {
        let item = info.layout();
        Column {
            data: dangling(item.align()),
            len: 0,
            cap: if item.size() == 0 { usize::MAX } else { 0 },
            item,
            drop: info.drop_fn(),
            type_id: info.type_id(),
            name: info.name(),
        }
    }

    /// The number of values.
    #[inline]
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Makes room for `additional` more values.
    #[inline]
    pub(crate) fn reserve(&mut self, additional: usize) {
        if self.cap - self.len < additional {
            self.grow(additional);
        }
    }

    #[cold]
    fn grow(&mut self, additional: usize) {
        let needed = self.len.checked_add(additional).expect("column length overflow");
        // Zero-sized items never get here: their `cap` is `usize::MAX`.
        let new_cap = needed.max(self.cap.saturating_mul(2)).max(4);
        let size = self.item.size();
        let new_layout = Layout::from_size_align(
            size.checked_mul(new_cap).expect("column capacity overflow"),
            self.item.align(),
        )
        .expect("column capacity overflow");
        let new_data = if self.cap == 0 {
            // SAFETY:
            // - `new_layout` has a non-zero size (`size > 0`, `new_cap >= 4`).
            unsafe { alloc::alloc(new_layout) }
        } else {
            let old = Layout::from_size_align(size * self.cap, self.item.align())
                .expect("the current layout was valid when it was allocated");
            // SAFETY:
            // - `data` was allocated with `old` (Invariants: `size * cap > 0` here);
            // - the new size is non-zero and, rounded to the alignment, does not overflow
            //   `isize` (checked by `Layout::from_size_align` above).
            unsafe { alloc::realloc(self.data.as_ptr(), old, new_layout.size()) }
        };
        self.data = NonNull::new(new_data).unwrap_or_else(|| alloc::handle_alloc_error(new_layout));
        self.cap = new_cap;
    }

    /// A pointer to slot `row` (which may be one past the end).
    #[inline]
    fn slot(&self, row: usize) -> *mut u8 {
        // `wrapping_add` keeps this safe to compute; it stays inside the allocation (or is a
        // zero offset for zero-sized items) for every `row <= cap`.
        self.data.as_ptr().wrapping_add(row * self.item.size())
    }

    /// Moves `value` into a new last slot. The row operations check the type once and use
    /// `push_unchecked`; snapshots and loading push values one by one through this form.
    ///
    /// # Panics
    ///
    /// If `T` is not this column's type.
    pub(crate) fn push<T: 'static>(&mut self, value: T) {
        self.check::<T>();
        // SAFETY:
        // - `T` is the column's type: checked just above.
        unsafe { self.push_unchecked(value) }
    }

    /// [`push`](Column::push) without the type check, for callers that checked the type of
    /// the column's component already.
    ///
    /// # Safety
    ///
    /// - `T` is this column's type.
    #[inline]
    pub(crate) unsafe fn push_unchecked<T: 'static>(&mut self, value: T) {
        debug_assert!(TypeId::of::<T>() == self.type_id, "push_unchecked of another type");
        self.reserve(1);
        OwningPtr::make(value, |ptr| {
            // SAFETY:
            // - `ptr` holds a `T` (made from `value` just above), read exactly once here;
            let value = unsafe { ptr.read::<T>() };
            let slot = self.slot(self.len).cast::<T>();
            // SAFETY:
            // - `T` is this column's type (the caller's guarantee), so `slot` is aligned
            //   for `T`;
            // - slot `len` is inside the allocation (`reserve(1)` made `cap > len`) and
            //   uninitialized, so writing does not overwrite a value.
            unsafe { slot.write(value) };
        });
        self.len += 1;
    }

    /// Appends `value` into room reserved beforehand: no capacity check, so a batch's loop
    /// keeps no growth path.
    ///
    /// # Safety
    ///
    /// - `T` is this column's type;
    /// - `len < cap`.
    #[inline(always)]
    pub(crate) unsafe fn push_within_capacity<T: 'static>(&mut self, value: T) {
        debug_assert!(TypeId::of::<T>() == self.type_id, "push_within_capacity of another type");
        debug_assert!(self.len < self.cap, "push_within_capacity of a full column");
        let slot = self.slot(self.len).cast::<T>();
        // SAFETY:
        // - `T` is this column's type (the caller's guarantee), so `slot` is aligned for `T`;
        // - slot `len` is inside the allocation (`len < cap`, the caller's guarantee; for a
        //   zero-sized `T` any aligned pointer will do) and uninitialized.
        unsafe { slot.write(value) };
        self.len += 1;
    }

    /// Swaps slot `row` with the last slot and shortens the column by one, returning a
    /// pointer to the removed value, which the caller now owns.
    fn swap_out(&mut self, row: usize) -> *mut u8 {
        assert!(row < self.len, "row {row} out of bounds for a column of {}", self.len);
        let last = self.len - 1;
        if row != last {
            // SAFETY:
            // - `row` and `last` are distinct slots below `len`, both initialized and inside
            //   the allocation, so the two ranges of `item.size()` bytes do not overlap.
            unsafe { swap_bytes(self.slot(row), self.slot(last), self.item.size()) };
        }
        self.len = last;
        self.slot(last)
    }

    /// Appends bitwise copies of `values` with one `memcpy`: how snapshots copy the columns of
    /// `Copy` types (`store/src/snapshot/`).
    ///
    /// # Panics
    ///
    /// If `T` is not this column's type.
    pub(crate) fn extend_from_copy_slice<T: Copy + 'static>(&mut self, values: &[T]) {
        self.check::<T>();
        self.reserve(values.len());
        let dst = self.slot(self.len).cast::<T>();
        // SAFETY:
        // - `T` is this column's type (checked above), so `dst` is aligned for `T`;
        // - `reserve` made room for `values.len()` values from slot `len` on, all
        //   uninitialized, so nothing is overwritten; `values` is a distinct borrow (the
        //   column is borrowed exclusively), so the ranges do not overlap;
        // - `T: Copy`, so the copies are valid values and the originals stay valid too.
        unsafe { ptr::copy_nonoverlapping(values.as_ptr(), dst, values.len()) };
        self.len += values.len();
    }

    /// Removes the value at `row`, moving the last value into its place, and drops it.
    #[cfg(test)]
    pub(crate) fn swap_remove_drop(&mut self, row: usize) {
        let removed = self.swap_out(row);
        if let Some(drop) = self.drop {
            let removed = NonNull::new(removed).expect("column slots are non-null");
            // SAFETY:
            // - `removed` is aligned to the item's alignment (Invariants) and points to the
            //   slot just past `len`, an initialized value the column no longer counts.
            let value = unsafe { OwningPtr::new(removed) };
            // SAFETY:
            // - `drop` is the drop function of this column's type (Invariants), and `value` is
            //   dropped exactly once, here.
            unsafe { drop(value) };
        }
    }

    /// Removes the value at `row`, moving the last value into its place, and returns it. The
    /// row operations check the type once and use the unchecked form; snapshots trim columns
    /// through this one.
    ///
    /// # Panics
    ///
    /// If `T` is not this column's type, or `row` is out of bounds.
    pub(crate) fn swap_remove_take<T: 'static>(&mut self, row: usize) -> T {
        self.check::<T>();
        // SAFETY:
        // - `T` is the column's type: checked just above.
        unsafe { self.swap_remove_take_unchecked(row) }
    }

    /// [`swap_remove_take`](Column::swap_remove_take) without the type check, for callers
    /// that checked the type of the column's component already.
    ///
    /// # Safety
    ///
    /// - `T` is this column's type.
    ///
    /// # Panics
    ///
    /// If `row` is out of bounds.
    #[inline(always)]
    pub(crate) unsafe fn swap_remove_take_unchecked<T: 'static>(&mut self, row: usize) -> T {
        debug_assert!(TypeId::of::<T>() == self.type_id, "swap_remove_take of another type");
        // SAFETY:
        // - `T` is this column's type (the caller's guarantee), and the column holds `len`
        //   initialized values aligned for it (Invariants).
        let slice =
            unsafe { std::slice::from_raw_parts_mut(self.data.as_ptr().cast::<T>(), self.len) };
        assert!(row < slice.len(), "row {row} out of bounds for a column of {}", slice.len());
        let last = slice.len() - 1;
        // Two moves, not a swap: the value out, then the last value into its slot.
        slice.swap(row, last);
        self.len = last;
        // SAFETY:
        // - slot `last` holds an initialized `T` (the caller's guarantee) that the column no
        //   longer counts, so reading it moves it out exactly once;
        // - it is aligned for `T` (Invariants).
        unsafe { ptr::read(self.slot(last).cast::<T>()) }
    }

    /// Moves the value at `row` to the end of `dst`, moving this column's last value into
    /// its place.
    ///
    /// # Safety
    ///
    /// - `dst` holds the same type as this column (two columns of one component's arena
    ///   always do: see `ComponentStore`'s invariants).
    ///
    /// # Panics
    ///
    /// If `row` is out of bounds.
    #[inline]
    pub(crate) unsafe fn swap_remove_move_to(&mut self, row: usize, dst: &mut Column) {
        debug_assert_eq!(self.type_id, dst.type_id, "moving {} into {}", self.name, dst.name);
        assert!(row < self.len, "row {row} out of bounds for a column of {}", self.len);
        dst.reserve(1);
        // Two copies, not a swap and a copy: the value to `dst`, the last value into its slot.
        let (size, last) = (self.item.size(), self.len - 1);
        // SAFETY:
        // - slot `row < len` holds an initialized value of the shared type (the caller's
        //   guarantee: one type, so one size and alignment); slot `dst.len`
        //   is inside `dst`'s allocation (reserved above) and uninitialized; the columns are
        //   distinct (`&mut` both), so nothing overlaps.
        unsafe { copy_bytes(self.slot(row), dst.slot(dst.len), size) };
        dst.len += 1;
        if row != last {
            // SAFETY:
            // - slot `last` holds an initialized value, slot `row` one that was just moved
            //   out (so overwriting it drops nothing); distinct slots of `size` bytes.
            unsafe { copy_bytes(self.slot(last), self.slot(row), size) };
        }
        self.len = last;
    }

    /// A type-erased pointer to the value at `row`.
    #[allow(dead_code)]
    pub(crate) fn get_ptr(&self, row: usize) -> Option<Ptr<'_>> {
        if row >= self.len {
            return None;
        }
        let slot = NonNull::new(self.slot(row)).expect("column slots are non-null");
        // SAFETY:
        // - slot `row < len` holds an initialized value; the pointer is aligned for the item
        //   type (Invariants) and borrowed from `&self` for its lifetime.
        Some(unsafe { Ptr::new(slot) })
    }

    /// Whether the column holds values of type `T`.
    #[inline]
    pub(crate) fn holds<T: 'static>(&self) -> bool {
        TypeId::of::<T>() == self.type_id
    }

    /// The name of the column's type.
    pub(crate) fn name(&self) -> &'static str {
        self.name
    }

    #[inline]
    #[track_caller]
    fn check<T: 'static>(&self) {
        assert!(
            TypeId::of::<T>() == self.type_id,
            "a column of {} used as {}",
            self.name,
            std::any::type_name::<T>()
        );
    }

    /// The values as a typed slice.
    ///
    /// # Panics
    ///
    /// If `T` is not this column's type.
    #[inline]
    pub(crate) fn as_slice<T: 'static>(&self) -> &[T] {
        self.check::<T>();
        // SAFETY:
        // - `T` is this column's type, so `data` is aligned for `T` and slots `0..len` are
        //   `len` initialized, contiguous `T`s (Invariants: stride `item.size()` is
        //   `size_of::<T>()`);
        // - the slice borrows `self`, so no `&mut` to the values exists meanwhile.
        unsafe { std::slice::from_raw_parts(self.data.as_ptr().cast::<T>(), self.len) }
    }

    /// The values as a typed mutable slice.
    ///
    /// # Panics
    ///
    /// If `T` is not this column's type.
    #[inline]
    pub(crate) fn as_mut_slice<T: 'static>(&mut self) -> &mut [T] {
        self.check::<T>();
        // SAFETY:
        // - as in `as_slice`, and the slice borrows `self` exclusively, so it is the only
        //   reference to the values while it lives.
        unsafe { std::slice::from_raw_parts_mut(self.data.as_ptr().cast::<T>(), self.len) }
    }

    /// The values as a typed slice, without the type check: for a query's table switch,
    /// whose columns' type was checked once for the run (every column of a component's arena
    /// holds that component's type, `ComponentStore`'s invariant).
    ///
    /// # Safety
    ///
    /// `T` is this column's type.
    #[inline(always)]
    pub(crate) unsafe fn as_slice_unchecked<T: 'static>(&self) -> &[T] {
        debug_assert!(
            TypeId::of::<T>() == self.type_id,
            "a column of {} used as another",
            self.name
        );
        // SAFETY:
        // - `T` is this column's type (the caller's guarantee); the rest as in `as_slice`.
        unsafe { std::slice::from_raw_parts(self.data.as_ptr().cast::<T>(), self.len) }
    }

    /// The values as a typed mutable slice, without the type check (see
    /// [`as_slice_unchecked`](Column::as_slice_unchecked)).
    ///
    /// # Safety
    ///
    /// `T` is this column's type.
    #[inline(always)]
    pub(crate) unsafe fn as_mut_slice_unchecked<T: 'static>(&mut self) -> &mut [T] {
        debug_assert!(
            TypeId::of::<T>() == self.type_id,
            "a column of {} used as another",
            self.name
        );
        // SAFETY:
        // - `T` is this column's type (the caller's guarantee); the rest as in
        //   `as_mut_slice`.
        unsafe { std::slice::from_raw_parts_mut(self.data.as_ptr().cast::<T>(), self.len) }
    }

    /// Drops every value; the column keeps its allocation. A drop that panics does not stop
    /// the others (a second panic while unwinding aborts, as in any slice drop).
    pub(crate) fn clear(&mut self) {
        let len = self.len;
        // Forget the values first: the column never counts a value that is being dropped.
        self.len = 0;
        if let Some(drop) = self.drop {
            let (data, size) = (self.data.as_ptr(), self.item.size());
            run_all(0..len, |row| {
                let slot = NonNull::new(data.wrapping_add(row * size)).expect("non-null slots");
                // SAFETY:
                // - slot `row < len` (the old length) is aligned (Invariants) and holds an
                //   initialized value that the column no longer counts; `run_all` visits each
                //   row once.
                let value = unsafe { OwningPtr::new(slot) };
                // SAFETY:
                // - `drop` is the drop function of this column's type (Invariants); the value
                //   is dropped exactly once, here.
                unsafe { drop(value) };
            });
        }
    }

    /// Removes the last value (undoing a `push`), handing it to `pending` to drop.
    ///
    /// # Safety
    ///
    /// As [`swap_remove_deferred`](Column::swap_remove_deferred).
    pub(crate) unsafe fn pop_deferred(&mut self, pending: &mut PendingDrops) {
        if self.len > 0 {
            // SAFETY:
            // - the caller's guarantee, passed on.
            unsafe { self.swap_remove_deferred(self.len - 1, pending) };
        }
    }

    /// Moves the value at `row` out, leaving the slot counted but logically empty.
    ///
    /// # Safety
    ///
    /// - `T` is this column's type;
    /// - `row < len`;
    /// - before the column is read, dropped, or written again through anything but
    ///   [`swap_remove_forget`](Column::swap_remove_forget), the caller forgets the slot with
    ///   `swap_remove_forget(row)`: otherwise the moved-out value would be read or dropped
    ///   twice.
    #[inline]
    pub(crate) unsafe fn read_out<T: 'static>(&mut self, row: usize) -> T {
        debug_assert!(TypeId::of::<T>() == self.type_id, "read_out of another type");
        debug_assert!(row < self.len, "row {row} out of bounds for a column of {}", self.len);
        // SAFETY:
        // - `T` is the column's type (the caller's guarantee), so the slot is aligned for `T`
        //   (Invariants);
        // - slot `row < len` holds an initialized `T` (the caller's guarantee); the caller
        //   forgets the slot before it is used again, so the value is moved out once.
        unsafe { ptr::read(self.slot(row).cast::<T>()) }
    }

    /// Removes slot `row` without dropping its value, moving the last value into its place:
    /// for a slot whose value was moved out by [`read_out`](Column::read_out). (On any other
    /// slot it leaks the value, which is safe.)
    pub(crate) fn swap_remove_forget(&mut self, row: usize) {
        assert!(row < self.len, "row {row} out of bounds for a column of {}", self.len);
        let last = self.len - 1;
        if row != last {
            // SAFETY:
            // - slots `last` and `row` are distinct slots below `len`, inside the allocation;
            //   `row`'s value is moved out (or leaked), so overwriting it drops nothing.
            unsafe { copy_bytes(self.slot(last), self.slot(row), self.item.size()) };
        }
        self.len = last;
    }

    /// Removes the value at `row`, moving the last value into its place, and hands the
    /// removed value to `pending` to be dropped later: the bookkeeping finishes before any
    /// user `Drop` runs.
    ///
    /// # Safety
    ///
    /// - the column is not grown, pushed to, moved or dropped until `pending` has run or
    ///   been dropped (the removed value stays in the slot just past `len` until then).
    pub(crate) unsafe fn swap_remove_deferred(&mut self, row: usize, pending: &mut PendingDrops) {
        let removed = self.swap_out(row);
        if let Some(drop) = self.drop {
            let removed = NonNull::new(removed).expect("column slots are non-null");
            // SAFETY:
            // - `removed` holds an initialized value of this column's type that the column no
            //   longer counts, and `drop` is that type's drop function (Invariants);
            // - it stays valid until `pending` runs: the caller does not touch the column.
            unsafe { pending.push(removed, drop) };
        }
    }

    /// Moves every value of `values` to the end of the column, in order.
    ///
    /// # Panics
    ///
    /// If `T` is not this column's type.
    pub(crate) fn extend_from_vec<T: 'static>(&mut self, mut values: Vec<T>) {
        self.check::<T>();
        let n = values.len();
        self.reserve(n);
        // SAFETY:
        // - `T` is the column's type (checked), so slots are `T`-aligned with stride
        //   `size_of::<T>()` (Invariants); `reserve` made room for `n` values past `len`;
        // - the `n` values of `values` are initialized and distinct from the column's memory;
        //   `set_len(0)` below makes `values` forget them, so they are moved, not copied.
        unsafe { ptr::copy_nonoverlapping(values.as_ptr(), self.slot(self.len).cast::<T>(), n) };
        // SAFETY:
        // - length 0 is always valid; the values now belong to the column.
        unsafe { values.set_len(0) };
        self.len += n;
    }
}

/// One value to drop: where it is, and its type's drop function.
type PendingDrop = (NonNull<u8>, unsafe fn(OwningPtr<'_>));

/// Values removed from columns whose drops are still to run: a row's bookkeeping finishes
/// first, then [`run`](PendingDrops::run) calls the user's `Drop`s. Dropped unrun (while
/// unwinding), it still drops every value.
///
/// # Invariants
///
/// Each entry is a pointer to an initialized value that no column counts any more, paired
/// with that value's type's drop function; the pointed-to memory stays valid (its column is
/// left untouched) until the entry is dropped, and each entry is dropped once.
#[derive(Default)]
pub(crate) struct PendingDrops {
    values: smallvec::SmallVec<[PendingDrop; 4]>,
}

impl PendingDrops {
    /// Adds one value.
    ///
    /// # Safety
    ///
    /// - `value` points to an initialized value of the type whose drop function is `drop`,
    ///   owned by nobody else, and stays valid until this set runs or is dropped.
    unsafe fn push(&mut self, value: NonNull<u8>, drop: unsafe fn(OwningPtr<'_>)) {
        self.values.push((value, drop));
    }

    /// Drops every value, in order; one that panics does not stop the rest.
    #[inline]
    pub(crate) fn run(mut self) {
        self.run_in_place();
    }

    #[inline]
    fn run_in_place(&mut self) {
        if self.values.is_empty() {
            return;
        }
        run_all(self.values.drain(..), |(value, drop)| {
            // SAFETY:
            // - `value` is an initialized value nobody counts, valid until now (Invariants);
            //   it was aligned for its type when its column held it.
            let value = unsafe { OwningPtr::new(value) };
            // SAFETY:
            // - `drop` is that value's drop function; the entry was taken out of the set, so
            //   it is dropped once.
            unsafe { drop(value) };
        });
    }
}

impl Drop for PendingDrops {
    fn drop(&mut self) {
        self.run_in_place();
    }
}

impl Drop for Column {
    fn drop(&mut self) {
        /// Frees the allocation even when a value's drop panics.
        struct Free<'a>(&'a mut Column);
        impl Drop for Free<'_> {
            fn drop(&mut self) {
                let c = &mut *self.0;
                let size = c.item.size();
                if size != 0 && c.cap != 0 {
                    let layout = Layout::from_size_align(size * c.cap, c.item.align())
                        .expect("the current layout was valid when it was allocated");
                    // SAFETY:
                    // - `data` was allocated with exactly this layout (Invariants:
                    //   `size * cap > 0`), and `clear` left no value in it.
                    unsafe { alloc::dealloc(c.data.as_ptr(), layout) };
                }
            }
        }
        let free = Free(self);
        free.0.clear();
    }
}

impl std::fmt::Debug for Column {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Column").field("type", &self.name).field("len", &self.len).finish()
    }
}

/// `ptr::copy_nonoverlapping` of `size` bytes, with the common component sizes as
/// constants so that the copy is inlined instead of a call to `memcpy`.
///
/// # Safety
///
/// - as `ptr::copy_nonoverlapping(src, dst, size)`.
#[inline(always)]
unsafe fn copy_bytes(src: *const u8, dst: *mut u8, size: usize) {
    macro_rules! sized {
        ($($n:literal)*) => {
            match size {
                $($n => {
                    // SAFETY:
                    // - the caller's guarantee, for `size == $n`.
                    unsafe { ptr::copy_nonoverlapping(src, dst, $n) }
                })*
                _ => {
                    // SAFETY:
                    // - the caller's guarantee.
                    unsafe { ptr::copy_nonoverlapping(src, dst, size) }
                }
            }
        };
    }
    sized!(0 1 2 4 8 12 16 24 32 48 64)
}

/// `ptr::swap_nonoverlapping` of `size` bytes, inlined for small sizes.
///
/// # Safety
///
/// - as `ptr::swap_nonoverlapping(a, b, size)`.
#[inline(always)]
unsafe fn swap_bytes(a: *mut u8, b: *mut u8, size: usize) {
    if size <= 64 {
        let mut tmp = [0u8; 64];
        // SAFETY:
        // - `tmp` has room for `size <= 64` bytes and is a distinct local; `a` is valid for
        //   `size` bytes (the caller's guarantee).
        unsafe { copy_bytes(a, tmp.as_mut_ptr(), size) };
        // SAFETY:
        // - `a` and `b` are valid for `size` bytes and do not overlap (the caller's guarantee).
        unsafe { copy_bytes(b, a, size) };
        // SAFETY:
        // - `tmp` holds `size` bytes copied above; `b` is valid for `size` bytes.
        unsafe { copy_bytes(tmp.as_ptr(), b, size) };
    } else {
        // SAFETY:
        // - the caller's guarantee.
        unsafe { ptr::swap_nonoverlapping(a, b, size) }
    }
}

/// A non-null pointer aligned to `align` that points to nothing.
fn dangling(align: usize) -> NonNull<u8> {
    NonNull::new(ptr::without_provenance_mut::<u8>(align)).expect("alignments are non-zero")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ComponentId;

    fn column<T: crate::Component>() -> Column {
        Column::new(&ComponentId::of::<T>().info())
    }

    #[test]
    fn push_take_and_move_keep_values() {
        let mut a = column::<String>();
        let mut b = column::<String>();
        for i in 0..10 {
            a.push(i.to_string());
        }
        assert_eq!(a.swap_remove_take::<String>(2), "2");
        assert_eq!(a.as_slice::<String>()[2], "9");
        // SAFETY:
        // - both columns hold `String`s.
        unsafe { a.swap_remove_move_to(0, &mut b) };
        assert_eq!(b.as_slice::<String>(), ["0"]);
        a.swap_remove_drop(1);
        assert_eq!(a.len(), 7);
        a.clear();
        assert_eq!(a.len(), 0);
    }

    #[test]
    fn zero_sized_and_over_aligned() {
        #[repr(align(128))]
        #[derive(Clone, Copy, PartialEq, Debug)]
        struct Big(u8);
        let mut c = column::<Big>();
        for i in 0..100 {
            c.push(Big(i));
        }
        assert!(c.as_slice::<Big>().iter().enumerate().all(|(i, b)| b.0 as usize == i));
        assert_eq!(c.as_slice::<Big>().as_ptr() as usize % 128, 0);
        let mut z = column::<()>();
        for _ in 0..1000 {
            z.push(());
        }
        z.swap_remove_drop(5);
        assert_eq!(z.len(), 999);
    }

    #[test]
    fn auto_traits_are_what_the_docs_say() {
        fn send_sync<T: Send + Sync>() {}
        send_sync::<Column>();
        send_sync::<crate::Storage>();
        send_sync::<crate::World>();
        send_sync::<crate::Tokens>();
    }

    #[test]
    #[should_panic(expected = "used as")]
    fn wrong_type_panics() {
        column::<u8>().push(1u16);
    }
}
