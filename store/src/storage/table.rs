//! One archetype table: the entities that have exactly one set of table components, their
//! rows' change ticks, and where each component's column sits.

#![allow(unsafe_code)] // `ticks_unchecked`: a query's cached index among the table's components.

use crate::component::ComponentId;
use crate::entity::Entity;
use crate::ticks::Ticks;

/// One archetype table: the entities that have exactly one set of table components.
///
/// The values are not here: each column sits in its component's arena, inside that
/// component's token cell, at the arena position this table records. The table owns the
/// bookkeeping of its rows (entities and change ticks); the storage keeps the columns in step
/// with it (`storage/rows.rs`).
///
/// # Invariants
///
/// Between structural changes (and always when user code can run):
///
/// - row `r` of the table is `entities[r]`, and that entity's location is `(this table, r)`;
/// - every column of the table (in the arenas, at `positions`) and every `ticks[i]` has
///   exactly `entities.len()` rows;
/// - `components` is sorted and has no duplicates; `positions` and `ticks` are parallel to it.
///
/// The column code relies on the first two for its unchecked typed slices: a query zips the
/// columns of one table and reads `len()` rows of each.
#[derive(Debug)]
pub struct Table {
    /// The table components, sorted.
    /// (Boxed slices, not small vectors: the row moves read them on every call.)
    components: Box<[ComponentId]>,
    /// For each component, the position of this table's column in the component's arena.
    /// Tables are never removed and each new table appends one column to each of its
    /// components' arenas, so positions grow with the table index.
    positions: Box<[u32]>,
    /// For each component, the rows' change ticks.
    ticks: Box<[Ticks]>,
    /// By row: the entity.
    entities: Vec<Entity>,
}

impl Table {
    /// A table with no rows for `components` (sorted), whose columns sit at `positions`.
    pub(super) fn new(components: &[ComponentId], positions: Box<[u32]>) -> Self {
        debug_assert!(components.windows(2).all(|w| w[0] < w[1]), "sorted, no duplicates");
        let ticks = components.iter().map(|_| Ticks::default()).collect();
        Table { components: components.into(), positions, ticks, entities: Vec::new() }
    }

    /// The table components, sorted.
    #[inline]
    pub(crate) fn components(&self) -> &[ComponentId] {
        &self.components
    }

    /// The index of `id` among this table's components.
    #[inline]
    pub(crate) fn index_of(&self, id: ComponentId) -> Option<usize> {
        if self.components.len() <= 8 {
            self.components.iter().position(|&c| c == id)
        } else {
            self.components.binary_search(&id).ok()
        }
    }

    /// The arena position of the column of this table's `i`th component.
    #[inline]
    pub(crate) fn column_position(&self, i: usize) -> usize {
        self.positions[i] as usize
    }

    /// The change ticks of this table's `i`th component.
    #[inline]
    pub(crate) fn ticks(&self, i: usize) -> &Ticks {
        &self.ticks[i]
    }

    /// [`ticks`](Table::ticks) without the bounds check, for a query's table switch, whose
    /// index comes from [`index_of`](Table::index_of) on this table, cached.
    ///
    /// # Safety
    ///
    /// `i` is below `components().len()` (`ticks` is parallel to `components`).
    #[inline(always)]
    pub(crate) unsafe fn ticks_unchecked(&self, i: usize) -> &Ticks {
        debug_assert!(i < self.ticks.len());
        // SAFETY:
        // - `i < components.len()` (the caller's guarantee), which is `ticks.len()`
        //   (Invariants: parallel).
        unsafe { self.ticks.get_unchecked(i) }
    }

    /// The entities, by row.
    #[inline]
    pub(crate) fn entities(&self) -> &[Entity] {
        &self.entities
    }

    /// The number of rows.
    #[inline]
    pub(crate) fn len(&self) -> usize {
        self.entities.len()
    }

    /// For snapshot restores (`crate::snapshot`) only: the entities and the ticks, which the
    /// restore overwrites together with the columns while the world is borrowed exclusively.
    pub(crate) fn rows_mut(&mut self) -> (&mut Vec<Entity>, &mut [Ticks]) {
        (&mut self.entities, &mut self.ticks)
    }

    // ---- Row bookkeeping: only the storage's row operations call these. ----

    /// Appends `entity`'s row with fresh ticks in every component. The columns get their
    /// values from the caller.
    #[inline]
    pub(super) fn push_row(&mut self, entity: Entity, tick: u32) {
        self.entities.push(entity);
        for ticks in self.ticks.iter_mut() {
            ticks.push(tick, tick);
        }
    }

    /// Appends `n` rows of fresh ticks, for entities the caller pushes with
    /// [`push_entity`](Table::push_entity).
    pub(super) fn push_ticks_bulk(&mut self, n: usize, tick: u32) {
        for ticks in self.ticks.iter_mut() {
            ticks.extend(n, tick);
        }
    }

    /// Appends entities whose ticks and values the caller pushes.
    #[inline]
    pub(super) fn push_entity(&mut self, entity: Entity) {
        self.entities.push(entity);
    }

    /// The ticks of every component, for the row moves.
    #[inline]
    pub(super) fn ticks_mut(&mut self) -> &mut [Ticks] {
        &mut self.ticks
    }

    /// Removes row `row` from the entities and every component's ticks (the last row takes
    /// its place); returns the entity that moved into `row`, whose location the caller fixes.
    #[inline]
    pub(super) fn swap_remove_row(&mut self, row: usize) -> Option<Entity> {
        for ticks in self.ticks.iter_mut() {
            ticks.swap_remove(row);
        }
        self.swap_remove_entity(row)
    }

    /// Removes row `row` from the entities only (the ticks move with the values).
    #[inline]
    pub(super) fn swap_remove_entity(&mut self, row: usize) -> Option<Entity> {
        self.entities.swap_remove(row);
        self.entities.get(row).copied()
    }

    /// Makes room for `n` more rows.
    pub(super) fn reserve(&mut self, n: usize) {
        self.entities.reserve(n);
        for ticks in self.ticks.iter_mut() {
            ticks.reserve(n);
        }
    }

    /// Forgets every row (the columns are cleared by the caller).
    pub(super) fn clear(&mut self) {
        self.entities.clear();
        for ticks in self.ticks.iter_mut() {
            ticks.clear();
        }
    }
}
