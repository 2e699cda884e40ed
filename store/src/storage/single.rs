//! The typed path for a bundle of one component, `(T,)`: `insert` and `remove` move the
//! value themselves, with no [`BundleWriter`](super::BundleWriter) or
//! [`BundleReader`](super::BundleReader) between them and the column. Adding or removing
//! one marker or one piece of state is the commonest structural change, and the generic
//! path's per-value bookkeeping (which value comes next, where it goes, whether the bundle
//! wrote them all) is most of its cost.
//!
//! The order of work is the same as the generic path's (`rows.rs`): every row, column and
//! sparse-set update is done before the `Drop` of a replaced value runs; and no user code
//! runs in between (moving a `T` is a bitwise copy).

#![allow(unsafe_code)] // A sparse set's typed put and take, after one type check.

use std::any::TypeId;

use crate::component::{Component, ComponentId};
use crate::entity::{Entity, Location};
use crate::error::ComponentError;

use super::Storage;
use super::components::ComponentStore;
use super::graph::Target;
use super::rows::{move_row, store_mut};

/// The store of the component of a one-component edge, checked to hold `T`.
///
/// # Panics
///
/// If the component is not `T`: the edge was found by the bundle type `(T,)`, whose one
/// component is `T`, so this never fails.
#[inline]
fn store_of<T: Component>(store: &mut ComponentStore) -> &mut ComponentStore {
    assert!(store.info().type_id() == TypeId::of::<T>(), "an edge of (T,) holds T");
    store
}

impl Storage {
    /// The sparse component of type `T`, if `T` is one: a scan of the (few) sparse types.
    #[inline]
    fn sparse_id_of<T: Component>(&self) -> Option<ComponentId> {
        let key = TypeId::of::<T>();
        self.sparse_types.iter().find(|&&(t, _)| t == key).map(|&(_, id)| id)
    }

    /// Puts `value` into `entity` (alive) if `T` is a sparse component; hands it back
    /// otherwise. No table and no edge is looked at.
    #[inline]
    pub(crate) fn insert_sparse_one<T: Component>(
        &mut self,
        entity: Entity,
        value: T,
    ) -> Result<(), T> {
        debug_assert!(self.contains(entity), "sparse sets hold live entities only");
        let Some(id) = self.sparse_id_of::<T>() else { return Err(value) };
        let tick = self.tick.load();
        let (set, column) =
            store_mut(&mut self.components, id).sparse_mut().expect("a sparse component");
        // SAFETY:
        // - `id` is the sparse component whose type is `T` (`sparse_types` pairs them:
        //   `Storage`'s invariants), so `T` is its column's type (`ComponentStore`'s
        //   invariants).
        let old = unsafe { set.put(column, entity, value, tick) };
        // The set is consistent: the old value may run its `Drop`.
        drop(old);
        Ok(())
    }

    /// Takes `entity`'s `T` out of its sparse set, if `T` is a sparse component (`None`
    /// otherwise). No table and no edge is looked at; nor the entity's location: a sparse set
    /// holds live entities only, so finding `entity` there shows it alive.
    #[inline]
    pub(crate) fn remove_sparse_one<T: Component>(
        &mut self,
        entity: Entity,
    ) -> Option<Result<T, ComponentError>> {
        let id = self.sparse_id_of::<T>()?;
        let store = store_mut(&mut self.components, id);
        let (set, column) = store.sparse_mut().expect("a sparse component");
        // SAFETY:
        // - as in `insert_sparse_one`: `T` is the type of sparse component `id`.
        match unsafe { set.take::<T>(column, entity) } {
            Some(value) => Some(Ok(value)),
            None => Some(Err(self.missing_sparse(entity, id))),
        }
    }

    /// The error for `entity` lacking sparse component `id`: it may be dead instead.
    #[cold]
    fn missing_sparse(&self, entity: Entity, id: ComponentId) -> ComponentError {
        match self.contains(entity) {
            true => ComponentError::Missing { entity, component: self.store(id).info().name() },
            false => ComponentError::NoSuchEntity(entity),
        }
    }

    /// Puts `value` into `entity` (at `loc`) along insert edge `edge` of the bundle `(T,)`,
    /// made for `loc`'s table.
    #[inline]
    pub(crate) fn insert_one_along<T: Component>(
        &mut self,
        entity: Entity,
        loc: Location,
        edge: u32,
        value: T,
    ) {
        let tick = self.tick.load();
        let Storage { entities, tables, components, graph, .. } = self;
        let edge = &graph.inserts[edge as usize];
        debug_assert_eq!(edge.ids.len(), 1, "an edge of a one-component bundle");
        let id = edge.ids[0];
        let row = loc.row as usize;
        match edge.targets[0] {
            Target::Sparse => {
                let store = store_of::<T>(store_mut(components, id));
                let (set, column) = store.sparse_mut().expect("a sparse target has a sparse set");
                // SAFETY:
                // - `T` is the component's type (checked by `store_of`), so the type of its
                //   sparse set's column (`ComponentStore`'s invariants).
                let old = unsafe { set.put(column, entity, value, tick) };
                // The set is consistent: the old value may run its `Drop`.
                drop(old);
            }
            Target::Replace(pos) => {
                let column = store_mut(components, id).column_mut(pos);
                let old = std::mem::replace(&mut column.as_mut_slice::<T>()[row], value);
                let i = edge.ticks[0].expect("a table component has ticks") as usize;
                tables[loc.table as usize].ticks(i).rows[row].changed.store(tick);
                drop(old);
            }
            Target::Push(pos) => {
                // Room first, so nothing can fail once the row has moved.
                store_mut(components, id).column_mut(pos).reserve(1);
                move_row(
                    entities,
                    tables,
                    components,
                    entity,
                    loc,
                    edge.to,
                    &edge.moves,
                    |_, _| unreachable!("an insert keeps every component"),
                );
                store_mut(components, id).column_mut(pos).push(value);
                let i = edge.ticks[0].expect("a table component has ticks") as usize;
                tables[edge.to as usize].ticks_mut()[i].push(tick, tick);
            }
        }
    }

    /// Takes `entity`'s `T` (it is at `loc`) out along remove edge `edge` of the bundle
    /// `(T,)`, made for `loc`'s table.
    #[inline]
    pub(crate) fn remove_one_along<T: Component>(
        &mut self,
        entity: Entity,
        loc: Location,
        edge: u32,
    ) -> Result<T, ComponentError> {
        let Storage { entities, tables, components, graph, .. } = self;
        let edge = &graph.removes[edge as usize];
        debug_assert_eq!(edge.ids.len(), 1, "an edge of a one-component bundle");
        let id = edge.ids[0];
        let missing = |store: &ComponentStore| ComponentError::Missing {
            entity,
            component: store.info().name(),
        };
        let store = store_of::<T>(store_mut(components, id));
        let Some(_) = edge.sources[0] else {
            // A sparse component, or a table component this table lacks.
            let value = match store.sparse_mut() {
                // SAFETY:
                // - `T` is the component's type (checked by `store_of`), so the type of its
                //   sparse set's column (`ComponentStore`'s invariants).
                Some((set, column)) => unsafe { set.take::<T>(column, entity) },
                None => None,
            };
            return value.ok_or_else(|| missing(store));
        };
        let row = loc.row as usize;
        let mut value = None;
        move_row(entities, tables, components, entity, loc, edge.to, &edge.moves, |column, c| {
            // The one component the destination lacks is `T`: the value moves out here.
            debug_assert_eq!(c, id);
            value = Some(column.swap_remove_take::<T>(row));
        });
        Ok(value.expect("the source table has the removed component"))
    }
}
