//! `BundleWriter` and `BundleReader`: what a [`Bundle`](crate::Bundle) puts its values into
//! and takes them back from. They only move values; the row operations around them
//! (`rows.rs`) finish or undo the bookkeeping, whatever the bundle's code does.

#![allow(unsafe_code)] // Values moved out of column slots before the bookkeeping forgets them.

use std::any::TypeId;

use crate::component::{Component, ComponentId};
use crate::entity::Entity;

use super::column::Column;
use super::components::ComponentStore;
use super::graph::Target;

/// Receives a bundle's values in [`Bundle::write`](crate::Bundle::write).
///
/// # Examples
///
/// See [`Bundle`](crate::Bundle).
#[derive(Debug)]
pub struct BundleWriter<'a> {
    to: Destination<'a>,
    /// How many values are in place: the first `written` targets hold this bundle's values.
    written: usize,
}

/// Where a writer's values go.
#[derive(Debug)]
enum Destination<'a> {
    /// Any targets, each value's column or set looked up as it comes.
    Lookup {
        components: &'a mut [Option<ComponentStore>],
        ids: &'a [ComponentId],
        targets: &'a [Target],
        entity: Entity,
        /// The entity's row in the source table (for `Target::Replace`).
        row: usize,
        tick: u32,
    },
    /// New rows of one table, for a batch: each value's column, in bundle order, looked up
    /// once for the whole batch.
    /// (A boxed slice, not a small vector: a put then has no inline-or-heap branch.)
    Columns(Box<[&'a mut Column]>),
}

impl<'a> BundleWriter<'a> {
    pub(super) fn new(
        components: &'a mut [Option<ComponentStore>],
        ids: &'a [ComponentId],
        targets: &'a [Target],
        entity: Entity,
        row: usize,
        tick: u32,
    ) -> Self {
        debug_assert_eq!(ids.len(), targets.len());
        let to = Destination::Lookup { components, ids, targets, entity, row, tick };
        BundleWriter { to, written: 0 }
    }

    /// A writer that pushes each value to `columns[i]` (in bundle order), for one new row
    /// after another: [`next_row`](BundleWriter::next_row) starts each.
    pub(super) fn columns(columns: Box<[&'a mut Column]>) -> Self {
        BundleWriter { to: Destination::Columns(columns), written: 0 }
    }

    /// Starts the next row of a [`columns`](BundleWriter::columns) writer (the previous one
    /// is complete, or this is the first).
    #[inline]
    pub(super) fn next_row(&mut self) {
        self.written = 0;
    }

    /// The columns of a [`columns`](BundleWriter::columns) writer, and how many values of
    /// the row being written are in place (for the batch to undo a row that did not finish).
    pub(super) fn written_columns(&mut self) -> (&mut [&'a mut Column], usize) {
        match &mut self.to {
            Destination::Columns(columns) => (columns, self.written),
            Destination::Lookup { .. } => unreachable!("a columns writer"),
        }
    }

    /// The entity written to (a lookup writer).
    #[inline]
    pub(super) fn entity(&self) -> Entity {
        match self.to {
            Destination::Lookup { entity, .. } => entity,
            Destination::Columns(_) => unreachable!("a lookup writer"),
        }
    }

    /// Whether every declared value is in place.
    #[inline]
    pub(super) fn is_complete(&self) -> bool {
        self.written
            == match &self.to {
                Destination::Lookup { ids, .. } => ids.len(),
                Destination::Columns(columns) => columns.len(),
            }
    }

    /// The components and targets, and how many values are in place (for the row
    /// operations to finish or undo the write of a lookup writer).
    pub(super) fn parts(
        &mut self,
    ) -> (&mut [Option<ComponentStore>], &'a [ComponentId], &'a [Target], usize) {
        match &mut self.to {
            Destination::Lookup { components, ids, targets, .. } => {
                (components, ids, targets, self.written)
            }
            Destination::Columns(_) => unreachable!("a lookup writer"),
        }
    }

    /// Puts the next value.
    ///
    /// # Panics
    ///
    /// If the bundle's [`visit`](crate::Bundle::visit) declared another type at this place,
    /// or fewer values (a wrong `Bundle` implementation). Nothing is written then, and the
    /// world undoes the values written before.
    ///
    /// ```
    /// # use cellar::*;
    /// struct One(u8);
    /// impl Bundle for One {
    ///     fn visit(t: &mut BundleTypes) { t.add::<u8>() }
    ///     fn write(self, w: &mut BundleWriter<'_>) { w.put(self.0) }
    ///     fn take(r: &mut BundleReader<'_>) -> Self { One(r.take()) }
    /// }
    /// let mut world = World::new();
    /// let e = world.spawn(One(4));
    /// assert_eq!(world.get::<u8>(e), Ok(&4));
    /// ```
    #[inline]
    pub fn put<T: Component>(&mut self, value: T) {
        let i = self.written;
        let Destination::Columns(columns) = &mut self.to else {
            return self.put_by_lookup(value);
        };
        let Some(column) = columns.get_mut(i) else { too_many() };
        if !column.holds::<T>() {
            wrong_type::<T>(column.name());
        }
        // SAFETY:
        // - `T` is the column's type (checked just above).
        unsafe { column.push_unchecked(value) };
        self.written = i + 1;
    }

    /// [`put`](BundleWriter::put) for a lookup writer.
    #[inline]
    fn put_by_lookup<T: Component>(&mut self, value: T) {
        let i = self.written;
        let Destination::Lookup { components, ids, targets, entity, row, tick } = &mut self.to
        else {
            unreachable!("a lookup writer")
        };
        let (Some(&id), Some(&target)) = (ids.get(i), targets.get(i)) else { too_many() };
        let store = components[id.index()].as_mut().expect("bundle components are registered");
        if store.info().type_id() != TypeId::of::<T>() {
            wrong_type::<T>(store.info().name());
        }
        // Each arm counts the value before dropping the one it replaces, so a `Drop` that
        // panics finds the value in place and counted.
        match target {
            Target::Push(pos) => {
                // SAFETY:
                // - `T` is the component's type (checked above), so the type of each of its
                //   columns (`ComponentStore`'s invariants).
                unsafe { store.column_mut(pos).push_unchecked(value) };
                self.written += 1;
            }
            Target::Replace(pos) => {
                let slot = &mut store.column_mut(pos).as_mut_slice::<T>()[*row];
                let old = std::mem::replace(slot, value);
                self.written += 1;
                drop(old);
            }
            Target::Sparse => {
                let (set, column) = store.sparse_mut().expect("a sparse target has a sparse set");
                // SAFETY:
                // - `T` is the component's type (checked above), so the type of its sparse
                //   set's column (`ComponentStore`'s invariants).
                let old = unsafe { set.put(column, *entity, value, *tick) };
                self.written += 1;
                drop(old);
            }
        }
    }
}

#[cold]
#[track_caller]
fn too_many() -> ! {
    panic!("Bundle::write put more values than Bundle::visit declared")
}

#[cold]
#[track_caller]
fn wrong_type<T>(declared: &str) -> ! {
    panic!(
        "Bundle::write put a {} where Bundle::visit declared {declared}",
        std::any::type_name::<T>()
    )
}

/// Hands a bundle's values back in [`Bundle::take`](crate::Bundle::take).
///
/// # Examples
///
/// See [`Bundle`](crate::Bundle).
#[derive(Debug)]
pub struct BundleReader<'a> {
    components: &'a mut [Option<ComponentStore>],
    ids: &'a [ComponentId],
    /// For each bundle value: the arena position of its column in the entity's table, or
    /// `None` for a sparse component.
    sources: &'a [Option<u32>],
    /// How many values were taken: the first `taken` table values are moved out of their
    /// slots (which the row operation then forgets), the sparse ones removed from their sets.
    taken: usize,
    entity: Entity,
    row: usize,
}

impl<'a> BundleReader<'a> {
    /// A reader over `entity`'s row `row`.
    ///
    /// # Safety
    ///
    /// - every `Some(pos)` in `sources` names a column of `ids`' component holding row `row`,
    ///   and every `None` a sparse component that `entity` has;
    /// - after the reader's last use, the caller forgets (with `Column::swap_remove_forget`)
    ///   the slot of every value taken from a column, before anything else reads or drops it.
    pub(super) unsafe fn new(
        components: &'a mut [Option<ComponentStore>],
        ids: &'a [ComponentId],
        sources: &'a [Option<u32>],
        entity: Entity,
        row: usize,
    ) -> Self {
        debug_assert_eq!(ids.len(), sources.len());
        BundleReader { components, ids, sources, taken: 0, entity, row }
    }

    /// How many values were taken.
    #[inline]
    pub(super) fn taken(&self) -> usize {
        self.taken
    }

    /// The components, and how many values were taken.
    pub(super) fn parts(&mut self) -> (&mut [Option<ComponentStore>], usize) {
        (self.components, self.taken)
    }

    /// Takes the next value.
    ///
    /// # Panics
    ///
    /// If the bundle's [`visit`](crate::Bundle::visit) declared another type at this place,
    /// or fewer values (a wrong `Bundle` implementation). The world then finishes the remove
    /// and drops the values not taken.
    ///
    /// ```
    /// let mut world = cellar::World::new();
    /// let e = world.spawn((1u8, 2u16));
    /// assert_eq!(world.remove::<(u16,)>(e), Ok((2,)));
    /// ```
    pub fn take<T: Component>(&mut self) -> T {
        let i = self.taken;
        let (Some(&id), Some(&source)) = (self.ids.get(i), self.sources.get(i)) else {
            panic!("Bundle::take took more values than Bundle::visit declared");
        };
        let store = self.components[id.index()].as_mut().expect("bundle components are registered");
        assert!(
            store.info().type_id() == TypeId::of::<T>(),
            "Bundle::take took a {} where Bundle::visit declared {}",
            std::any::type_name::<T>(),
            store.info().name()
        );
        let value = match source {
            // SAFETY:
            // - `T` is the component's type (asserted above), so its columns' type
            //   (`ComponentStore`'s invariants);
            // - the column holds row `row` (`new`'s contract), value `i` is taken once
            //   (`taken` counts up), and the caller forgets the slot afterwards.
            Some(pos) => unsafe { store.column_mut(pos).read_out::<T>(self.row) },
            None => {
                let (set, column) = store.sparse_mut().expect("a sparse source has a sparse set");
                // SAFETY:
                // - `T` is the component's type (asserted above), so the type of its sparse
                //   set's column (`ComponentStore`'s invariants).
                unsafe { set.take(column, self.entity) }.expect("checked present before taking")
            }
        };
        self.taken += 1;
        value
    }
}
