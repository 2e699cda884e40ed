//! [`Has<T>`]: whether an entity has a component, as a query item, without reading it.

use std::marker::PhantomData;
use std::slice;

use super::data::{DriverSet, QueryData, ReadOnlyQuery, split_slice};
use super::dense::SameRows;
use crate::access::{Access, AccessConflict};
use crate::component::{Component, ComponentId};
use crate::entity::Entity;
use crate::error::QueryError;
use crate::lend::TokenSource;
use crate::storage::{SparseSet, Storage, Table};
use crate::world::World;

/// `true` where the entity has a `T`, `false` where it does not; matches every entity and
/// needs no token (the value is not read). Where [`With<T>`](super::With) and
/// [`Without<T>`](super::Without) split a loop in two, `Has<T>` keeps it one.
///
/// # Examples
///
/// ```
/// use cellar::{Has, World};
///
/// struct Burning;
/// let mut world = World::new();
/// world.spawn((10u32, Burning));
/// world.spawn((20u32,));
/// let mut hp: Vec<(u32, bool)> = world.query::<(&u32, Has<Burning>)>()
///     .map(|(hp, burning)| (*hp, burning))
///     .collect();
/// hp.sort();
/// assert_eq!(hp, [(10, true), (20, false)]);
/// ```
#[derive(Debug)]
pub struct Has<T>(PhantomData<fn() -> T>);

/// What `Has<T>` keeps: the component's id and whether it is sparse; `None` where the world
/// does not know `T` (no entity has it).
#[doc(hidden)]
#[derive(Clone, Copy, Debug)]
pub struct HasState(Option<(ComponentId, bool)>);

/// The sparse set of a sparse `T`, for the per-row look-ups.
#[doc(hidden)]
#[allow(private_interfaces)] // plumbing: users name the query types, never these
#[derive(Clone, Copy, Debug)]
pub struct HasColumns<'w>(Option<&'w SparseSet>);

/// A cursor over one table's `Has<T>`: one answer for the whole table, or a per-row look-up
/// in the sparse set.
#[doc(hidden)]
#[allow(private_interfaces)] // plumbing: users name the query types, never these
#[derive(Debug, Default)]
pub struct HasFetch<'w> {
    table_has: bool,
    rows: usize,
    sparse: Option<(slice::Iter<'w, Entity>, &'w SparseSet)>,
}

impl<T: Component> QueryData for Has<T> {
    type Static = Has<T>;
    type Item<'w> = bool;
    type State = HasState;
    type Columns<'w> = HasColumns<'w>;
    type Fetch<'w> = HasFetch<'w>;
    type Dense<'w> = SameRows<bool>;
    type TableCache = ();

    fn access(access: &mut Access) -> Result<(), AccessConflict> {
        access.filter::<T>();
        Ok(())
    }
    fn register(world: &mut World) {
        world.init_component::<T>();
    }
    fn get_state(storage: &Storage) -> Option<HasState> {
        Some(HasState(storage.id_of::<T>().map(|id| (id, storage.store(id).sparse().is_some()))))
    }
    fn matches(_: &HasState, _: &Table) -> bool {
        true
    }
    fn exact(_: &HasState) -> bool {
        true
    }
    fn columns<'w, S: TokenSource<'w> + ?Sized>(
        state: &HasState,
        storage: &'w Storage,
        _: &mut S,
    ) -> Result<HasColumns<'w>, QueryError> {
        Ok(HasColumns(state.0.and_then(|(id, _)| storage.store(id).sparse())))
    }
    fn reborrow<'a>(columns: &'a mut HasColumns<'_>) -> HasColumns<'a> {
        *columns
    }
    fn fetch_table<'w>(
        state: &HasState,
        columns: &mut HasColumns<'w>,
        table: &'w Table,
        _: (u32, u32),
    ) -> HasFetch<'w> {
        let rows = table.len();
        match state.0 {
            None => HasFetch { table_has: false, rows, sparse: None },
            Some((id, false)) => {
                HasFetch { table_has: table.index_of(id).is_some(), rows, sparse: None }
            }
            Some((_, true)) => HasFetch {
                table_has: false,
                rows,
                sparse: columns.0.map(|set| (table.entities().iter(), set)),
            },
        }
    }
    fn sparse_only(state: &HasState) -> bool {
        state.0.is_none_or(|(_, sparse)| sparse)
    }
    fn driver(_: &HasState) -> Option<ComponentId> {
        None
    }
    fn fetch_set<'w>(
        state: &HasState,
        columns: &mut HasColumns<'w>,
        driver: DriverSet<'w>,
        _: (u32, u32),
    ) -> HasFetch<'w> {
        let DriverSet { id: driver, set } = driver;
        let rows = set.len();
        match (state.0, columns.0) {
            (Some((id, true)), _) if id == driver => {
                HasFetch { table_has: true, rows, sparse: None }
            }
            (Some((_, true)), Some(own)) => {
                HasFetch { table_has: false, rows, sparse: Some((set.entities().iter(), own)) }
            }
            // Unknown to the world (no entity has it), or a table component (not in an
            // all-sparse query).
            _ => HasFetch { table_has: false, rows, sparse: None },
        }
    }
    #[inline]
    fn fetch<'w>(fetch: &mut Self::Fetch<'w>) -> Option<Self::Item<'w>> {
        match &mut fetch.sparse {
            None => {
                fetch.rows = fetch.rows.checked_sub(1)?;
                Some(fetch.table_has)
            }
            Some((entities, set)) => Some(set.row(*entities.next()?).is_some()),
        }
    }
    #[inline]
    fn is_dense(fetch: &HasFetch<'_>) -> bool {
        fetch.sparse.is_none()
    }
    fn mark_dense(_: &HasFetch<'_>) {}
    #[inline]
    fn into_dense<'w>(fetch: Self::Fetch<'w>, rows: usize) -> Self::Dense<'w> {
        SameRows::new(fetch.table_has, rows)
    }
    #[inline]
    fn next_dense<'w>(fetch: &mut Self::Fetch<'w>) -> Option<Self::Dense<'w>> {
        Self::fetch(fetch).map(|has| SameRows::new(has, 1))
    }
    fn mark_each(_: &Self::Fetch<'_>) {}
    #[inline]
    fn skip(fetch: &mut HasFetch<'_>) {
        let _ = Self::fetch(fetch);
    }
    fn split<'w>(fetch: Self::Fetch<'w>, at: usize) -> (Self::Fetch<'w>, Self::Fetch<'w>) {
        let HasFetch { table_has, rows, sparse } = fetch;
        let at = at.min(rows);
        let (sa, sb) = match sparse {
            None => (None, None),
            Some((entities, set)) => {
                let (a, b) = split_slice(entities.as_slice(), at);
                (Some((a.iter(), set)), Some((b.iter(), set)))
            }
        };
        (
            HasFetch { table_has, rows: at, sparse: sa },
            HasFetch { table_has, rows: rows - at, sparse: sb },
        )
    }
}

#[allow(unsafe_code)] // `ReadOnlyQuery` is an unsafe trait.
// SAFETY:
// - `Has<T>` reads only (whether the component is there), and the copy is the same columns.
unsafe impl<T: Component> ReadOnlyQuery for Has<T> {
    fn copy_columns<'a>(columns: &'a HasColumns<'_>) -> HasColumns<'a> {
        *columns
    }
}
