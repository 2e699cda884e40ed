//! Sparse sets: for a component stored beside the tables, which entities have it and where
//! in its one dense column.

#![allow(unsafe_code)] // Values moved out of column slots before the bookkeeping forgets them.

use crate::entity::Entity;
use crate::ticks::Ticks;

use super::column::{Column, PendingDrops};

/// A sparse set: which entities have the component, and where in the dense column.
///
/// The values sit in the component's arena at position 0, in the token cell; every method
/// that changes the set takes that column too, so the two cannot drift apart.
///
/// # Invariants
///
/// - the dense column, `entities` and `ticks` have the same length;
/// - for every dense row `r`, `index[entities[r].index()] == r`;
/// - any other entry of `index` is `u32::MAX`.
#[derive(Debug, Default)]
pub(crate) struct SparseSet {
    /// By entity slot index: the dense row, or `u32::MAX` for none.
    index: Vec<u32>,
    /// By dense row: the entity.
    entities: Vec<Entity>,
    ticks: Ticks,
}

#[allow(dead_code)] // `entities`, `len`, `extend`: the column batches and the all-sparse queries
impl SparseSet {
    /// `e`'s dense row, if `e` (this generation) is in the set.
    #[inline]
    pub(crate) fn row(&self, e: Entity) -> Option<usize> {
        let row = *self.index.get(e.index() as usize)?;
        if row == u32::MAX {
            return None;
        }
        // SAFETY:
        // - an entry of `index` other than `u32::MAX` is a dense row (Invariants), so less
        //   than `entities.len()`.
        let held = unsafe { self.entities.get_unchecked(row as usize) };
        (*held == e).then_some(row as usize)
    }

    /// The entities in the set, by dense row.
    #[inline]
    pub(crate) fn entities(&self) -> &[Entity] {
        &self.entities
    }

    /// The dense rows' change ticks.
    #[inline]
    pub(crate) fn ticks(&self) -> &Ticks {
        &self.ticks
    }

    /// The number of entities in the set.
    #[inline]
    pub(crate) fn len(&self) -> usize {
        self.entities.len()
    }

    /// By entity slot index: the dense row, or `u32::MAX` for none (for snapshots).
    pub(crate) fn index(&self) -> &[u32] {
        &self.index
    }

    /// For snapshot restores (`crate::snapshot`) only: the index, entities and ticks, which
    /// the restore overwrites together with the dense column.
    pub(crate) fn parts_mut(&mut self) -> (&mut Vec<u32>, &mut Vec<Entity>, &mut Ticks) {
        (&mut self.index, &mut self.entities, &mut self.ticks)
    }

    /// Puts `value` for `e`: returns the value it replaced (for the caller to drop once the
    /// set is consistent), or `None` where `e` is new in the set.
    ///
    /// # Safety
    ///
    /// - `T` is `column`'s type.
    #[inline(always)] // the whole of a sparse insert: worth inlining into its one caller
    pub(super) unsafe fn put<T: 'static>(
        &mut self,
        column: &mut Column,
        e: Entity,
        value: T,
        tick: u32,
    ) -> Option<T> {
        let i = e.index() as usize;
        let new_row = self.entities.len() as u32;
        // One look at `e`'s index slot: it tells whether `e` is in, and is where a new row goes.
        match self.index.get_mut(i) {
            Some(&mut row) if row != u32::MAX && self.entities.get(row as usize) == Some(&e) => {
                let row = row as usize;
                self.ticks.rows[row].changed.store(tick);
                return Some(std::mem::replace(&mut column.as_mut_slice::<T>()[row], value));
            }
            Some(slot) => *slot = new_row,
            None => self.grow_index(i, new_row),
        }
        // SAFETY:
        // - `T` is the column's type (the caller's guarantee).
        unsafe { column.push_unchecked(value) };
        self.entities.push(e);
        self.ticks.push(tick, tick);
        None
    }

    #[inline]
    fn push_entity(&mut self, e: Entity) {
        let i = e.index() as usize;
        let row = self.entities.len() as u32;
        match self.index.get_mut(i) {
            Some(slot) => *slot = row,
            None => self.grow_index(i, row),
        }
        self.entities.push(e);
    }

    /// Grows `index` to hold slot `i`, which gets `row` (the rare half of `push_entity`).
    /// It at least doubles, so that entities met in slot order (the usual case: slots are
    /// handed out in order) grow it a logarithmic number of times, not once each.
    #[cold]
    fn grow_index(&mut self, i: usize, row: u32) {
        let len = (i + 1).max(self.index.len() * 2);
        self.index.resize(len, u32::MAX);
        self.index[i] = row;
    }

    /// Appends `values` for `entities` (none of which is in the set), in order.
    pub(super) fn extend<T: 'static>(
        &mut self,
        column: &mut Column,
        entities: &[Entity],
        values: Vec<T>,
        tick: u32,
    ) {
        debug_assert_eq!(entities.len(), values.len());
        column.extend_from_vec(values);
        for &e in entities {
            self.push_entity(e);
        }
        self.ticks.extend(entities.len(), tick);
    }

    /// Removes `e`'s row from the index, entities and ticks (the last row takes its place);
    /// returns the dense row, whose value the caller swap-removes from the column at once.
    #[inline]
    fn unlink(&mut self, e: Entity) -> Option<usize> {
        let row = self.row(e)?;
        self.unlink_row(e, row);
        Some(row)
    }

    /// `unlink` for `e`, found at dense row `row`.
    #[inline]
    fn unlink_row(&mut self, e: Entity, row: usize) {
        debug_assert_eq!(self.row(e), Some(row));
        self.index[e.index() as usize] = u32::MAX;
        self.entities.swap_remove(row);
        self.ticks.swap_remove(row);
        if let Some(&moved) = self.entities.get(row) {
            self.index[moved.index() as usize] = row as u32;
        }
    }

    /// Removes `e` and returns its value.
    ///
    /// # Safety
    ///
    /// - `T` is `column`'s type.
    #[inline(always)] // the whole of a sparse remove: worth inlining into its caller
    pub(super) unsafe fn take<T: 'static>(&mut self, column: &mut Column, e: Entity) -> Option<T> {
        // One look at `e`'s index slot, which is also the one to clear.
        let slot = self.index.get_mut(e.index() as usize)?;
        let row = *slot as usize;
        if *slot == u32::MAX || self.entities.get(row) != Some(&e) {
            return None;
        }
        *slot = u32::MAX;
        self.entities.swap_remove(row);
        self.ticks.swap_remove(row);
        if let Some(&moved) = self.entities.get(row) {
            self.index[moved.index() as usize] = row as u32;
        }
        // SAFETY:
        // - `T` is the column's type (the caller's guarantee); `row` was `e`'s dense row, a
        //   row of the column (Invariants), and the column is kept in step right here.
        Some(unsafe { column.swap_remove_take_unchecked::<T>(row) })
    }

    /// Removes `e`, handing its value to `pending` to drop once the caller's bookkeeping is
    /// done. Returns whether `e` was in the set.
    ///
    /// # Safety
    ///
    /// As [`Column::swap_remove_deferred`]: `column` is left untouched until `pending` runs.
    pub(super) unsafe fn remove_deferred(
        &mut self,
        column: &mut Column,
        e: Entity,
        pending: &mut PendingDrops,
    ) -> bool {
        let Some(row) = self.unlink(e) else { return false };
        // SAFETY:
        // - the caller's guarantee, passed on.
        unsafe { column.swap_remove_deferred(row, pending) };
        true
    }

    /// Forgets every entity (the caller clears the column).
    pub(super) fn clear(&mut self) {
        self.index.clear();
        self.entities.clear();
        self.ticks.clear();
    }
}
