//! Batch spawning of a tuple bundle with its columns typed once per batch: each value is
//! written straight into its column, with no per-value type check or writer in between.
//!
//! `World::spawn_batch` takes this path for tuple bundles whose components all live in the
//! spawn table; other bundles (derived ones, or ones with sparse components) take the
//! writer's (`rows.rs`).

#![allow(unsafe_code)] // Values written into column slots that were reserved beforehand.

use std::marker::PhantomData;

use crate::component::Component;
use crate::entity::{Entity, Location};

use super::Storage;
use super::column::Column;
use super::rows::{FillTicks, push_columns};

/// One column of a batch, its type checked against `T` once.
///
/// # Invariants
///
/// `column` holds values of type `T`.
pub(crate) struct TypedColumn<'a, T> {
    column: &'a mut Column,
    _type: PhantomData<fn(T)>,
}

impl<'a, T: Component> TypedColumn<'a, T> {
    /// # Panics
    ///
    /// If `column` does not hold `T` (a bundle whose types and columns disagree: a bug).
    fn new(column: &'a mut Column) -> Self {
        let (held, used) = (column.name(), std::any::type_name::<T>());
        assert!(column.holds::<T>(), "a column of {held} used as {used}");
        TypedColumn { column, _type: PhantomData }
    }

    /// Appends `value`.
    ///
    /// # Safety
    ///
    /// The column has room for one more value (`reserve` made it).
    #[inline(always)]
    unsafe fn push(&mut self, value: T) {
        // SAFETY:
        // - `T` is the column's type (the type's invariant);
        // - there is room (the caller's guarantee).
        unsafe { self.column.push_within_capacity(value) }
    }
}

/// A tuple bundle whose values go straight into typed columns. Implemented for the tuples of
/// 1 to 12 components, beside their `Bundle` implementations.
pub(crate) trait ColumnsBundle: Sized {
    /// One [`TypedColumn`] per component, in bundle order.
    type Columns<'a>;

    /// Types `columns` (one per component, in bundle order).
    ///
    /// # Panics
    ///
    /// If a column's type is not its component's, or there are fewer columns (a bug).
    fn typed(columns: Box<[&mut Column]>) -> Self::Columns<'_>;

    /// Makes room for `n` more values in every column.
    fn reserve(columns: &mut Self::Columns<'_>, n: usize);

    /// Appends the bundle's values, one to each column. Moves only: runs no user code.
    ///
    /// # Safety
    ///
    /// Every column has room for one more value.
    unsafe fn push(self, columns: &mut Self::Columns<'_>);
}

macro_rules! columns_bundle {
    ($($name:ident $column:ident),+) => {
        impl<$($name: Component),+> ColumnsBundle for ($($name,)+) {
            type Columns<'a> = ($(TypedColumn<'a, $name>,)+);

            fn typed(columns: Box<[&mut Column]>) -> Self::Columns<'_> {
                let mut columns = columns.into_vec().into_iter();
                ($(TypedColumn::<$name>::new(columns.next().expect("a column per component")),)+)
            }

            fn reserve(columns: &mut Self::Columns<'_>, n: usize) {
                let ($($column,)+) = columns;
                $($column.column.reserve(n);)+
            }

            #[allow(non_snake_case)]
            #[inline(always)]
            unsafe fn push(self, columns: &mut Self::Columns<'_>) {
                let ($($column,)+) = columns;
                let ($($name,)+) = self;
                // SAFETY:
                // - each column has room for one more value (the caller's guarantee).
                unsafe { $($column.push($name);)+ }
            }
        }
    };
}

columns_bundle!(A a);
columns_bundle!(A a, B b);
columns_bundle!(A a, B b, C c);
columns_bundle!(A a, B b, C c, D d);
columns_bundle!(A a, B b, C c, D d, E e);
columns_bundle!(A a, B b, C c, D d, E e, F f);
columns_bundle!(A a, B b, C c, D d, E e, F f, G g);
columns_bundle!(A a, B b, C c, D d, E e, F f, G g, H h);
columns_bundle!(A a, B b, C c, D d, E e, F f, G g, H h, I i);
columns_bundle!(A a, B b, C c, D d, E e, F f, G g, H h, I i, J j);
columns_bundle!(A a, B b, C c, D d, E e, F f, G g, H h, I i, J j, K k);
columns_bundle!(A a, B b, C c, D d, E e, F f, G g, H h, I i, J j, K k, L l);

impl Storage {
    /// Whether bundle `key` (known) puts every value into its spawn table's columns, so that
    /// [`spawn_batch_typed`](Storage::spawn_batch_typed) can take it.
    pub(crate) fn spawns_into_table_only(&self, key: std::any::TypeId) -> bool {
        let info = &self.graph.bundles[&key];
        info.spawn_targets.iter().all(|t| matches!(t, super::graph::Target::Push(_)))
    }

    /// Spawns one entity per item of `bundles` (of bundle `B`, known as `key`, all of whose
    /// components live in its spawn table); returns the new entities, in order.
    ///
    /// Room for the iterator's lower size bound is reserved up front in every column, the
    /// tick arrays, the table's entity list and the entity slots, and again (doubling) when
    /// it runs out, *before* a row starts: so a row is written whole or not at all, and the
    /// only user code, the iterator's `next`, runs between rows. The ticks are filled in one
    /// pass at the end (by a guard, so also when `next` panics: the rows before it stay).
    pub(crate) fn spawn_batch_typed<B: ColumnsBundle>(
        &mut self,
        key: std::any::TypeId,
        bundles: impl Iterator<Item = B>,
    ) -> &[Entity] {
        let tick = self.tick.load();
        let Storage { entities, tables, components, graph, .. } = self;
        let info = &graph.bundles[&key];
        let table = info.spawn_table;
        let start = tables[table as usize].len();
        let mut columns = B::typed(push_columns(components, &info.ids, &info.spawn_targets));
        let mut fill = FillTicks { table: &mut tables[table as usize], pushed: 0, tick };
        let mut room = 0usize;
        let mut grow_to = bundles.size_hint().0;
        for bundle in bundles {
            if room == 0 {
                // Before the first row: the size hint; later: double what is there.
                room = grow_to.max(fill.pushed).max(1);
                grow_to = 0;
                B::reserve(&mut columns, room);
                fill.table.reserve(room);
                entities.reserve(room);
            }
            let row = fill.table.len() as u32;
            let entity = entities.alloc(Location { table, row });
            // SAFETY:
            // - `room > 0`: every column has room for this row (reserved above, one row used
            //   per iteration).
            unsafe { bundle.push(&mut columns) };
            // No reallocation (room reserved), so no panic between the values and the entity.
            fill.table.push_entity(entity);
            fill.pushed += 1;
            room -= 1;
        }
        drop(fill);
        &tables[table as usize].entities()[start..]
    }
}
