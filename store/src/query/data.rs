//! What a query yields per entity: `&T`, `&mut T`, `Option<_>`, `Entity`, tuples.
#![allow(unsafe_code)] // A run's columns are typed once, and a table switch takes its column unchecked.

use std::any::TypeId;
use std::marker::PhantomData;
use std::ptr::NonNull;
use std::slice;

use crate::access::{Access, AccessConflict, AccessKey};
use crate::component::{Component, ComponentId};
use crate::entity::Entity;
use crate::error::QueryError;
use crate::lend::{TokenRequest, TokenSource};
use crate::primitives::AtomicCell;
use crate::storage::{Column, ComponentStore};
use crate::storage::{RowTicks, SparseSet, Storage, Table, Ticks};
use crate::world::World;

use super::dense::{ColumnRows, ColumnRowsMut, CopiedRows, DenseRows, OptionDense, SameRows};

/// A type that a query yields per entity: `&T`, `&mut T`, `Option<Q>`, [`Entity`], and
/// tuples of up to 12 of these.
///
/// The methods are the query engine's plumbing; users name these types, they do not call
/// the methods. The unsafe steps under a query are the columns' typed slices, whose type a
/// run checks once ([`ReadColumns`], `TableColumnsMut`), and the table switch's
/// [`fetch_cached`](QueryData::fetch_cached), whose caller promises that the cache entry is
/// the table's (and [`ReadOnlyQuery`], an unsafe trait, whose `copy_columns` the switch
/// trusts to copy a run's own columns); every other method is safe code.
///
/// # Examples
///
/// ```
/// use cellar::{Entity, World};
///
/// struct Name(&'static str);
/// struct Speed(f32);
///
/// let mut world = World::new();
/// let a = world.spawn((Name("a"), Speed(1.0)));
/// world.spawn((Name("b"),));
/// for (e, name, speed) in world.query_mut::<(Entity, &Name, Option<&mut Speed>)>() {
///     if let Some(speed) = speed {
///         speed.0 *= 2.0;
///         assert_eq!((e, name.0), (a, "a"));
///     }
/// }
/// assert_eq!(world.get::<Speed>(a).unwrap().0, 2.0);
/// ```
pub trait QueryData {
    /// The same query with every borrow `'static` (`&'static T` for `&'a T`): what a system's
    /// `Query` parameter keeps between runs, so that a query type written with elided
    /// lifetimes (`Query<&mut T>` inside a `ParamSet`) is a parameter too.
    type Static: QueryData + 'static;
    /// What the query yields per entity.
    type Item<'w>;
    /// What a query state keeps (component ids).
    type State: Send + Sync + 'static;
    /// Checked access to all columns of the components, for one run.
    type Columns<'w>;
    /// A cursor over the rows of one table.
    type Fetch<'w>: Default + Send;
    /// A dense cursor's rows: every column addressed from the end of the rows by one shared
    /// offset, so the query loop steps one counter for all of them ([`DenseRows`]).
    type Dense<'w>: DenseRows<Item = Self::Item<'w>>;

    /// Records the components read and written.
    ///
    /// # Errors
    ///
    /// An [`AccessConflict`] if two parts alias (a query run reports it as [`QueryError::Conflict`]).
    fn access(access: &mut Access) -> Result<(), AccessConflict>;
    /// Makes the component types known to `world`.
    fn register(world: &mut World);
    /// The state for `storage`, or `None` if a required component is unknown to it.
    fn get_state(storage: &Storage) -> Option<Self::State>;
    /// Whether a table can hold matching rows.
    fn matches(state: &Self::State, table: &Table) -> bool;
    /// Whether every component the query reads or checks is stored sparse (or unknown to the
    /// world): then it can walk a sparse set's dense arrays instead of the tables.
    fn sparse_only(state: &Self::State) -> bool;
    /// A sparse component every item needs: its set lists every entity that can match, so
    /// an all-sparse query walks that set.
    fn driver(state: &Self::State) -> Option<ComponentId>;
    /// The cursor over the rows of sparse set `set` (of component `driver`), in the set's
    /// dense order: the values of `driver` itself as a slice, any other component looked up
    /// per row.
    fn fetch_set<'w>(
        state: &Self::State,
        columns: &mut Self::Columns<'w>,
        driver: DriverSet<'w>,
        ticks: (u32, u32),
    ) -> Self::Fetch<'w>;
    /// Takes the tokens and checks them against the columns' owners.
    ///
    /// # Errors
    ///
    /// [`QueryError::MissingToken`] or [`QueryError::WrongToken`].
    fn columns<'w, S: TokenSource<'w> + ?Sized>(
        state: &Self::State,
        storage: &'w Storage,
        tokens: &mut S,
    ) -> Result<Self::Columns<'w>, QueryError>;
    /// A shorter borrow of the columns.
    fn reborrow<'a>(columns: &'a mut Self::Columns<'_>) -> Self::Columns<'a>;
    /// The cursor for `table`'s rows (tables must come in increasing index order); `ticks`
    /// is the run's `(last_run, this_run)`.
    fn fetch_table<'w>(
        state: &Self::State,
        columns: &mut Self::Columns<'w>,
        table: &'w Table,
        ticks: (u32, u32),
    ) -> Self::Fetch<'w>;
    /// What [`fetch_table`](QueryData::fetch_table) looks up in a table (where its columns
    /// sit), found once, when a query state matches the table: a run's table switch then
    /// skips the look-up ([`fetch_cached`](QueryData::fetch_cached)). `()` where nothing is
    /// worth keeping.
    type TableCache: Copy + Default + Send + Sync + 'static;
    /// `table`'s cache.
    #[inline]
    fn table_cache(_state: &Self::State, _table: &Table) -> Self::TableCache {
        Default::default()
    }
    /// [`fetch_table`](QueryData::fetch_table), with `table`'s cache from
    /// [`table_cache`](QueryData::table_cache) for the same state: the table switch of a
    /// run, which then looks nothing up and checks only what the cache cannot say.
    ///
    /// # Safety
    ///
    /// - `cache` is `table_cache(state, table)`, of this `state` and this `table`;
    /// - `columns` were made by [`columns`](QueryData::columns) for this `state` from the
    ///   storage that holds `table` (or are a reborrow of such).
    ///
    /// A query state's cache entry for a table it matched, in a run on the state's own
    /// world, is both: a table's components and column positions never change, and tables
    /// are never removed.
    #[inline(always)]
    unsafe fn fetch_cached<'w>(
        state: &Self::State,
        columns: &mut Self::Columns<'w>,
        table: &'w Table,
        _cache: Self::TableCache,
        ticks: (u32, u32),
    ) -> Self::Fetch<'w> {
        Self::fetch_table(state, columns, table, ticks)
    }
    /// The next row's item; `None` if the row does not match (a sparse component is absent).
    fn fetch<'w>(fetch: &mut Self::Fetch<'w>) -> Option<Self::Item<'w>>;
    /// Whether the cursor needs no per-row lookups (no sparse component in this table's
    /// cursor): then the query loop runs over [`into_dense`](QueryData::into_dense).
    fn is_dense(fetch: &Self::Fetch<'_>) -> bool;
    /// Marks every remaining row of a dense cursor as handed out (change ticks), once,
    /// before a loop over all of them.
    fn mark_dense(fetch: &Self::Fetch<'_>);
    /// The `rows` rows of a cursor that [`is_dense`](QueryData::is_dense), after
    /// [`mark_dense`](QueryData::mark_dense), as dense rows. Every column of a cursor holds
    /// exactly its rows (the table's invariant), so a column part takes its slice whole, and
    /// parts without columns (`()`, `Has<T>`, an absent `Option`) take `rows`.
    fn into_dense<'w>(fetch: Self::Fetch<'w>, rows: usize) -> Self::Dense<'w>;
    /// Whether every row of a matched table yields an item (no sparse component decides per
    /// row), so that a query's `size_hint` is exact.
    fn exact(state: &Self::State) -> bool;
    /// Steps over the next row without handing it out.
    fn skip(fetch: &mut Self::Fetch<'_>);
    /// Whether the next row has an item, without stepping (a sparse component may be
    /// absent): a tuple asks every part before any of them marks the row changed.
    #[inline(always)]
    fn present(_fetch: &Self::Fetch<'_>) -> bool {
        true
    }
    /// The next row of a general cursor as one dense row (`None` if the row has no item);
    /// marks it changed where [`fetch`](QueryData::fetch) would.
    fn next_dense<'w>(fetch: &mut Self::Fetch<'w>) -> Option<Self::Dense<'w>>;
    /// Marks every row of a dense cursor changed one by one (where `&mut T` is handed out):
    /// for a stretch of a table, which a table-wide mark would overshoot.
    fn mark_each(fetch: &Self::Fetch<'_>);
    /// Splits a cursor into the first `at` rows and the rest.
    fn split<'w>(fetch: Self::Fetch<'w>, at: usize) -> (Self::Fetch<'w>, Self::Fetch<'w>);
}

/// A [`QueryData`] that only reads, so it can run from `&World` and share its columns.
///
/// # Examples
///
/// ```
/// use cellar::World;
/// let mut world = World::new();
/// world.spawn((1u8, 2u16));
/// let sum: u32 = world.query::<(&u8, &u16)>().map(|(a, b)| *a as u32 + *b as u32).sum();
/// assert_eq!(sum, 3);
/// ```
///
/// ```compile_fail
/// let world = cellar::World::new();
/// for _ in world.query::<&mut u8>() {} // `&mut u8` is not read-only
/// ```
///
/// # Safety
///
/// The query only reads, and [`copy_columns`](ReadOnlyQuery::copy_columns) returns a copy of
/// the columns it is given: the same columns, of the same storage, never others. A query's
/// table switch trusts the copy as it trusts the columns a run took
/// ([`fetch_cached`](QueryData::fetch_cached)), so columns of another world (a leaked one, say)
/// handed back here would be read at the cached positions of this one. (An unsafe trait, as
/// `impl ReadOnlyQuery for &mut MyComponent` is otherwise open to safe code: `&mut` is a
/// fundamental type.)
pub unsafe trait ReadOnlyQuery: QueryData {
    /// A shared copy of the columns.
    fn copy_columns<'a>(columns: &'a Self::Columns<'_>) -> Self::Columns<'a>;
}

/// The sparse set an all-sparse query walks instead of the tables: a component that every
/// item needs ([`QueryData::driver`]) and its set.
#[doc(hidden)]
#[allow(private_interfaces)] // plumbing: users name the query types, never these
#[derive(Clone, Copy, Debug)]
pub struct DriverSet<'w> {
    pub(super) id: ComponentId,
    pub(super) set: &'w SparseSet,
}

/// What a query state keeps about one component: its id and whether it is sparse.
#[doc(hidden)]
#[derive(Clone, Copy, Debug)]
pub struct ComponentState {
    pub(super) id: ComponentId,
    pub(super) sparse: bool,
}

impl ComponentState {
    pub(super) fn of<T: Component>(storage: &Storage) -> Option<Self> {
        let id = storage.id_of::<T>()?;
        Some(ComponentState { id, sparse: storage.store(id).sparse().is_some() })
    }

    pub(super) fn matches(&self, table: &Table) -> bool {
        self.sparse || table.index_of(self.id).is_some()
    }

    pub(super) fn driver(&self) -> Option<ComponentId> {
        self.sparse.then_some(self.id)
    }

    pub(super) fn request<T: Component>(&self, storage: &Storage) -> TokenRequest {
        TokenRequest { token: storage.store(self.id).token(), key: AccessKey::component::<T>() }
    }
}

/// Where a table's column of one component sits: the component's index among the table's
/// (for its ticks) and the column's arena position. `None` in a [`QueryData::TableCache`]
/// where the table has no such column (a sparse component).
#[doc(hidden)]
#[derive(Clone, Copy, Debug, Default)]
pub struct TableColumn {
    index: u32,
    position: u32,
}

impl TableColumn {
    fn of(state: &ComponentState, table: &Table) -> Option<Self> {
        if state.sparse {
            return None;
        }
        let index = table.index_of(state.id)?;
        let position = table.column_position(index);
        Some(TableColumn { index: index as u32, position: position as u32 })
    }
}

/// Shared access to every column of `T`.
///
/// # Invariants
///
/// Every column in `columns` holds values of type `T` (checked when the run takes them, in
/// [`QueryData::columns`], the only place one is made).
#[doc(hidden)]
#[derive(Debug)]
pub struct ReadColumns<'w, T> {
    pub(super) columns: &'w [Column],
    pub(super) sparse: Option<&'w SparseSet>,
    _type: PhantomData<&'w T>,
}

impl<'w, T: 'static> ReadColumns<'w, T> {
    /// The values of the column at arena position `pos`, without a type check (done once
    /// for the run).
    ///
    /// # Panics
    ///
    /// If `pos` is outside the arena.
    #[inline(always)]
    fn column(&self, pos: usize) -> &'w [T] {
        let column: &'w Column = &self.columns[pos];
        // SAFETY:
        // - every column here holds `T` (Invariants).
        unsafe { column.as_slice_unchecked::<T>() }
    }

    /// [`column`](ReadColumns::column) without the bounds check.
    ///
    /// # Safety
    ///
    /// `pos` is a position in the arena (below its length).
    #[inline(always)]
    unsafe fn column_in_arena(&self, pos: usize) -> &'w [T] {
        // SAFETY:
        // - `pos` is below the arena's length (the caller's guarantee).
        let column: &'w Column = unsafe { self.columns.get_unchecked(pos) };
        // SAFETY:
        // - every column here holds `T` (Invariants).
        unsafe { column.as_slice_unchecked::<T>() }
    }
}

impl<T> Clone for ReadColumns<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for ReadColumns<'_, T> {}

/// A cursor over one table's `&T`.
///
/// A struct, not an enum, so that the dense cursor stays in registers in the hot loop and
/// the sparse check is one loop-invariant branch.
#[doc(hidden)]
#[allow(private_interfaces)] // plumbing: users name the query types, never these
#[derive(Debug)]
pub struct ReadFetch<'w, T> {
    values: slice::Iter<'w, T>,
    sparse: Option<SparseRead<'w, T>>,
}

#[derive(Debug)]
struct SparseRead<'w, T> {
    entities: slice::Iter<'w, Entity>,
    set: &'w SparseSet,
    values: &'w [T],
}

impl<T> Default for ReadFetch<'_, T> {
    fn default() -> Self {
        ReadFetch { values: Default::default(), sparse: None }
    }
}

impl<T: Component> QueryData for &T {
    type Static = &'static T;
    type Item<'w> = &'w T;
    type State = ComponentState;
    type Columns<'w> = ReadColumns<'w, T>;
    type Fetch<'w> = ReadFetch<'w, T>;
    type Dense<'w> = ColumnRows<'w, T>;
    type TableCache = Option<TableColumn>;

    fn access(access: &mut Access) -> Result<(), AccessConflict> {
        access.read::<T>()
    }
    fn table_cache(state: &ComponentState, table: &Table) -> Option<TableColumn> {
        TableColumn::of(state, table)
    }
    #[inline(always)]
    unsafe fn fetch_cached<'w>(
        state: &ComponentState,
        columns: &mut ReadColumns<'w, T>,
        table: &'w Table,
        cache: Option<TableColumn>,
        ticks: (u32, u32),
    ) -> ReadFetch<'w, T> {
        // A cached column means a table component (`TableColumn::of` is `None` for a sparse
        // one), whose run's columns have no sparse set: no check of `columns.sparse`.
        match cache {
            Some(c) => {
                // SAFETY:
                // - `c` is `TableColumn::of(state, table)` (the caller's guarantee), so
                //   `c.position` is where `table` keeps its column of `T`, which is in the
                //   arena `columns` hold (they are of the storage that holds `table`; a table
                //   component has a column per table that has it, at the position the table
                //   records: `ComponentStore`'s invariant).
                let values = unsafe { columns.column_in_arena(c.position as usize) };
                ReadFetch { values: values.iter(), sparse: None }
            }
            None => Self::fetch_table(state, columns, table, ticks),
        }
    }
    fn register(world: &mut World) {
        world.init_component::<T>();
    }
    fn get_state(storage: &Storage) -> Option<ComponentState> {
        ComponentState::of::<T>(storage)
    }
    fn matches(state: &ComponentState, table: &Table) -> bool {
        state.matches(table)
    }
    fn exact(state: &ComponentState) -> bool {
        !state.sparse
    }
    fn sparse_only(state: &ComponentState) -> bool {
        state.sparse
    }
    fn driver(state: &ComponentState) -> Option<ComponentId> {
        state.driver()
    }
    #[inline]
    fn fetch_set<'w>(
        state: &ComponentState,
        columns: &mut ReadColumns<'w, T>,
        driver: DriverSet<'w>,
        _ticks: (u32, u32),
    ) -> ReadFetch<'w, T> {
        let DriverSet { id: driver, set } = driver;
        match (columns.sparse, columns.columns.first()) {
            (Some(_), Some(column)) if state.id == driver => {
                ReadFetch { values: column.as_slice::<T>().iter(), sparse: None }
            }
            (Some(own), Some(column)) => ReadFetch {
                values: Default::default(),
                sparse: Some(SparseRead {
                    entities: set.entities().iter(),
                    set: own,
                    values: column.as_slice::<T>(),
                }),
            },
            // A table component: not in an all-sparse query.
            _ => ReadFetch::default(),
        }
    }
    fn columns<'w, S: TokenSource<'w> + ?Sized>(
        state: &ComponentState,
        storage: &'w Storage,
        tokens: &mut S,
    ) -> Result<ReadColumns<'w, T>, QueryError> {
        let request = state.request::<T>(storage);
        let owner = tokens
            .read(request)
            .ok_or(QueryError::MissingToken { component: request.key.type_name() })?;
        let store = storage.store(state.id);
        let columns = store
            .columns()
            .as_slice(owner)
            .map_err(|_| QueryError::WrongToken { component: request.key.type_name() })?;
        // Every column of the store holds its type (`ComponentStore`'s invariant): checked
        // here once, for `ReadColumns`'s invariant.
        assert!(
            store.info().type_id() == TypeId::of::<T>(),
            "the store of a component's id holds it"
        );
        Ok(ReadColumns { columns, sparse: store.sparse(), _type: PhantomData })
    }
    fn reborrow<'a>(columns: &'a mut ReadColumns<'_, T>) -> ReadColumns<'a, T> {
        *columns
    }
    #[inline(always)]
    fn fetch_table<'w>(
        state: &ComponentState,
        columns: &mut ReadColumns<'w, T>,
        table: &'w Table,
        _ticks: (u32, u32),
    ) -> ReadFetch<'w, T> {
        match columns.sparse {
            None => match table.index_of(state.id) {
                Some(i) => ReadFetch {
                    values: columns.column(table.column_position(i)).iter(),
                    sparse: None,
                },
                None => ReadFetch::default(),
            },
            Some(set) => ReadFetch {
                values: Default::default(),
                sparse: Some(SparseRead {
                    entities: table.entities().iter(),
                    set,
                    values: columns.columns[0].as_slice::<T>(),
                }),
            },
        }
    }
    #[inline(always)]
    fn fetch<'w>(fetch: &mut Self::Fetch<'w>) -> Option<Self::Item<'w>> {
        match &mut fetch.sparse {
            None => fetch.values.next(),
            Some(s) => {
                let e = s.entities.next()?;
                s.values.get(s.set.row(*e)?)
            }
        }
    }
    #[inline(always)]
    fn is_dense(fetch: &Self::Fetch<'_>) -> bool {
        fetch.sparse.is_none()
    }
    #[inline(always)]
    fn mark_dense(_: &Self::Fetch<'_>) {}
    #[inline(always)]
    fn into_dense<'w>(fetch: Self::Fetch<'w>, _rows: usize) -> Self::Dense<'w> {
        ColumnRows::new(fetch.values.as_slice())
    }
    #[inline]
    fn next_dense<'w>(fetch: &mut Self::Fetch<'w>) -> Option<Self::Dense<'w>> {
        Self::fetch(fetch).map(|v| ColumnRows::new(slice::from_ref(v)))
    }
    fn mark_each(_: &Self::Fetch<'_>) {}
    #[inline(always)]
    fn present(fetch: &ReadFetch<'_, T>) -> bool {
        match &fetch.sparse {
            None => true,
            Some(s) => s.entities.as_slice().first().is_some_and(|e| s.set.row(*e).is_some()),
        }
    }
    #[inline(always)]
    fn skip(fetch: &mut ReadFetch<'_, T>) {
        match &mut fetch.sparse {
            None => drop(fetch.values.next()),
            Some(s) => drop(s.entities.next()),
        }
    }
    fn split<'w>(fetch: Self::Fetch<'w>, at: usize) -> (Self::Fetch<'w>, Self::Fetch<'w>) {
        let (a, b) = split_slice(fetch.values.as_slice(), at);
        let (sa, sb) = match fetch.sparse {
            None => (None, None),
            Some(SparseRead { entities, set, values }) => {
                let (ea, eb) = split_slice(entities.as_slice(), at);
                (
                    Some(SparseRead { entities: ea.iter(), set, values }),
                    Some(SparseRead { entities: eb.iter(), set, values }),
                )
            }
        };
        (ReadFetch { values: a.iter(), sparse: sa }, ReadFetch { values: b.iter(), sparse: sb })
    }
}

// SAFETY:
// - `&T` reads only, and the copy is the same columns.
unsafe impl<T: Component> ReadOnlyQuery for &T {
    fn copy_columns<'a>(columns: &'a ReadColumns<'_, T>) -> ReadColumns<'a, T> {
        *columns
    }
}

pub(super) fn split_slice<T>(s: &[T], at: usize) -> (&[T], &[T]) {
    s.split_at(at.min(s.len()))
}

pub(super) fn split_slice_mut<T>(s: &mut [T], at: usize) -> (&mut [T], &mut [T]) {
    let at = at.min(s.len());
    s.split_at_mut(at)
}

/// Exclusive access to every column of `T`.
#[doc(hidden)]
#[allow(private_interfaces)] // plumbing: users name the query types, never these
#[derive(Debug)]
pub enum WriteColumns<'w, T> {
    /// The table columns, each handed out at most once, in increasing arena position.
    Dense(TableColumnsMut<'w, T>),
    /// The sparse set's values: `whole` until a cursor needs them, then either handed out
    /// whole (to an all-sparse query walking this set) or split into `items`, each taken at
    /// most once (by per-row look-ups).
    #[allow(clippy::type_complexity)]
    Sparse { whole: Option<&'w mut [T]>, items: Vec<Option<&'w mut T>>, set: &'w SparseSet },
}

/// The values of a sparse component one by one, split from `whole` the first time.
#[allow(clippy::type_complexity)]
pub(super) fn sparse_items<'a, 'w, T>(
    whole: &mut Option<&'w mut [T]>,
    items: &'a mut Vec<Option<&'w mut T>>,
) -> &'a mut [Option<&'w mut T>] {
    if let Some(values) = whole.take() {
        *items = values.iter_mut().map(Some).collect();
    }
    items
}

/// The table columns of `T` in one run: the arena positions `next..len` are not handed out
/// yet. A table switch takes its column by the position the query state cached, with one
/// bounds compare and no walk over the columns before it.
///
/// # Invariants
///
/// - `base` points to `len` columns of one arena, borrowed exclusively for `'w` (made once
///   from a `&'w mut [Column]`, which is not used again);
/// - every one of them holds values of type `T`;
/// - `next <= len`, and no reference to a column at a position `next..len` is alive: a
///   column is handed out only by [`take`](TableColumnsMut::take), which then moves `next`
///   past it, and a [`reborrow`](TableColumnsMut::reborrow) borrows this value until its
///   own columns are gone.
#[doc(hidden)]
pub struct TableColumnsMut<'w, T> {
    base: NonNull<Column>,
    len: usize,
    next: usize,
    _borrow: PhantomData<(&'w mut [Column], &'w mut [T])>,
}

// SAFETY:
// - a `TableColumnsMut` is an exclusive borrow of columns of `T` (Invariants), as
//   `&mut [Column]` typed `&mut [T]` is, which is `Send` when `T: Send`.
unsafe impl<T: Send> Send for TableColumnsMut<'_, T> {}
// SAFETY:
// - through `&TableColumnsMut` nothing is reachable (`take` needs `&mut`); `Sync` as
//   `&mut [T]` is, when `T: Sync`.
unsafe impl<T: Sync> Sync for TableColumnsMut<'_, T> {}

impl<T> std::fmt::Debug for TableColumnsMut<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TableColumnsMut").field("len", &self.len).field("next", &self.next).finish()
    }
}

impl<'w, T: 'static> TableColumnsMut<'w, T> {
    /// The columns of `store`, taken with its token.
    ///
    /// # Panics
    ///
    /// If `store` is not `T`'s (a world's store at `T`'s id always is).
    ///
    /// # Safety
    ///
    /// `columns` is `store`'s arena, as a slice.
    unsafe fn new(store: &ComponentStore, columns: &'w mut [Column]) -> Self {
        // Every column of the store holds its type (`ComponentStore`'s invariant), and
        // `columns` are the store's (the caller's guarantee): checked here once, for the
        // Invariants.
        assert!(
            store.info().type_id() == TypeId::of::<T>(),
            "the store of a component's id holds it"
        );
        TableColumnsMut {
            len: columns.len(),
            base: NonNull::from(columns).cast(),
            next: 0,
            _borrow: PhantomData,
        }
    }

    /// The values of the column at arena position `pos`.
    ///
    /// # Panics
    ///
    /// If `pos` was passed (a lower position than one taken before: tables come in increasing
    /// index order, and their columns' positions grow with it) or is outside the arena.
    #[inline(always)]
    pub(super) fn take(&mut self, pos: usize) -> &'w mut [T] {
        // One compare for both bounds: `next <= len` (Invariants).
        assert!(
            pos.wrapping_sub(self.next) < self.len - self.next,
            "a column taken twice or outside its arena"
        );
        self.next = pos + 1;
        // SAFETY:
        // - `pos < len`, so `base + pos` is a column of the borrowed arena, in bounds of its
        //   allocation (Invariants).
        let column = unsafe { self.base.as_ptr().add(pos) };
        // SAFETY:
        // - `column` is a column of the arena borrowed exclusively for `'w` (Invariants);
        // - `pos >= next` (the old one), so no reference to it is alive (Invariants), and
        //   `next` is now past it, so it is handed out only this once while this value lives.
        let column = unsafe { &mut *column };
        // SAFETY:
        // - every column here holds `T` (Invariants).
        unsafe { column.as_mut_slice_unchecked::<T>() }
    }

    /// [`take`](TableColumnsMut::take) without the arena's bound: one compare, that the
    /// column was not passed.
    ///
    /// # Panics
    ///
    /// If `pos` was passed, as `take`.
    ///
    /// # Safety
    ///
    /// `pos` is a position in the arena (below its length).
    #[inline(always)]
    pub(super) unsafe fn take_in_arena(&mut self, pos: usize) -> &'w mut [T] {
        debug_assert!(pos < self.len, "a column outside its arena");
        assert!(pos >= self.next, "a column taken twice: tables come in increasing index order");
        self.next = pos + 1;
        // SAFETY:
        // - `pos < len` (the caller's guarantee), so `base + pos` is a column of the borrowed
        //   arena, in bounds of its allocation (Invariants).
        let column = unsafe { self.base.as_ptr().add(pos) };
        // SAFETY:
        // - `column` is a column of the arena borrowed exclusively for `'w` (Invariants);
        // - `pos >= next` (the old one), so no reference to it is alive (Invariants), and
        //   `next` is now past it, so it is handed out only this once while this value lives.
        let column = unsafe { &mut *column };
        // SAFETY:
        // - every column here holds `T` (Invariants).
        unsafe { column.as_mut_slice_unchecked::<T>() }
    }

    /// A shorter borrow, which takes from the columns not handed out yet.
    #[inline]
    pub(super) fn reborrow(&mut self) -> TableColumnsMut<'_, T> {
        // The new value's columns are those at `next..len`, which this one hands out no more
        // while it is borrowed (Invariants hold for both).
        TableColumnsMut { base: self.base, len: self.len, next: self.next, _borrow: PhantomData }
    }
}

/// Takes the values of `entities` (a table's or another sparse set's) out of a sparse
/// component's `items`, with their ticks.
///
/// Not inlined, and given the items' slice rather than the columns: a plain `for` loop's
/// iterator then never has its address taken, so its cursors stay in registers.
#[inline(never)]
#[allow(clippy::type_complexity)]
pub(super) fn sparse_rows<'w, T>(
    items: &mut [Option<&'w mut T>],
    set: &'w SparseSet,
    entities: &'w [Entity],
) -> Vec<Option<(&'w mut T, &'w RowTicks)>> {
    (entities.iter())
        .map(|&e| {
            let row = set.row(e)?;
            Some((items.get_mut(row)?.take()?, &set.ticks().rows[row]))
        })
        .collect()
}

/// A cursor over one table's `&mut T`: marks each row it hands out as changed.
#[doc(hidden)]
#[allow(private_interfaces)] // plumbing: users name the query types, never these
#[derive(Debug)]
pub struct WriteFetch<'w, T> {
    values: slice::IterMut<'w, T>,
    changed: slice::Iter<'w, RowTicks>,
    /// The table's ticks, for marking every row at once.
    ticks: Option<&'w Ticks>,
    tick: u32,
    #[allow(clippy::type_complexity)]
    sparse: Option<std::vec::IntoIter<Option<(&'w mut T, &'w AtomicCell<u32>)>>>,
}

impl<T> Default for WriteFetch<'_, T> {
    fn default() -> Self {
        WriteFetch {
            values: Default::default(),
            changed: Default::default(),
            ticks: None,
            tick: 0,
            sparse: None,
        }
    }
}

impl<T: Component> QueryData for &mut T {
    type Static = &'static mut T;
    type Item<'w> = &'w mut T;
    type State = ComponentState;
    type Columns<'w> = WriteColumns<'w, T>;
    type Fetch<'w> = WriteFetch<'w, T>;
    type Dense<'w> = ColumnRowsMut<'w, T>;
    type TableCache = Option<TableColumn>;

    fn access(access: &mut Access) -> Result<(), AccessConflict> {
        access.write::<T>()
    }
    fn table_cache(state: &ComponentState, table: &Table) -> Option<TableColumn> {
        TableColumn::of(state, table)
    }
    // Always inlined, as `fetch_table`.
    #[inline(always)]
    unsafe fn fetch_cached<'w>(
        state: &ComponentState,
        columns: &mut WriteColumns<'w, T>,
        table: &'w Table,
        cache: Option<TableColumn>,
        ticks: (u32, u32),
    ) -> WriteFetch<'w, T> {
        match cache {
            Some(c) => {
                // `c` is `TableColumn::of(state, table)` (the caller's guarantee), which is
                // `Some` only for a table component (`!state.sparse`); `columns` were made
                // for `state` from the storage that holds `table` (the caller's guarantee),
                // and they are `Dense` exactly where its store has no sparse set, which is
                // what `state.sparse` says of the same storage (a component's storage
                // never changes once it is known). So no check of the variant.
                let WriteColumns::Dense(columns) = columns else {
                    // SAFETY:
                    // - unreachable, as argued above.
                    unsafe { std::hint::unreachable_unchecked() }
                };
                // SAFETY:
                // - `c.position` is where `table` keeps its column of `T`, which is in the
                //   arena `columns` hold (they are of the storage that holds `table`; a table
                //   component has a column per table that has it, at the position the table
                //   records: `ComponentStore`'s invariant).
                let values = unsafe { columns.take_in_arena(c.position as usize) };
                // SAFETY:
                // - `c.index` is `table.index_of(state.id)` (as above), an index among the
                //   table's components.
                let table_ticks = unsafe { table.ticks_unchecked(c.index as usize) };
                WriteFetch {
                    values: values.iter_mut(),
                    changed: table_ticks.rows.iter(),
                    ticks: Some(table_ticks),
                    tick: ticks.1,
                    sparse: None,
                }
            }
            None => Self::fetch_table(state, columns, table, ticks),
        }
    }
    fn register(world: &mut World) {
        world.init_component::<T>();
    }
    fn get_state(storage: &Storage) -> Option<ComponentState> {
        ComponentState::of::<T>(storage)
    }
    fn matches(state: &ComponentState, table: &Table) -> bool {
        state.matches(table)
    }
    fn exact(state: &ComponentState) -> bool {
        !state.sparse
    }
    fn columns<'w, S: TokenSource<'w> + ?Sized>(
        state: &ComponentState,
        storage: &'w Storage,
        tokens: &mut S,
    ) -> Result<WriteColumns<'w, T>, QueryError> {
        let request = state.request::<T>(storage);
        let owner = tokens
            .write(request)
            .ok_or(QueryError::MissingToken { component: request.key.type_name() })?;
        let store = storage.store(state.id);
        let columns = store
            .columns()
            .as_mut_slice(owner)
            .map_err(|_| QueryError::WrongToken { component: request.key.type_name() })?;
        Ok(match store.sparse() {
            // SAFETY:
            // - `columns` is `store`'s arena, taken above.
            None => WriteColumns::Dense(unsafe { TableColumnsMut::new(store, columns) }),
            Some(set) => WriteColumns::Sparse {
                whole: columns.first_mut().map(Column::as_mut_slice::<T>),
                items: Vec::new(),
                set,
            },
        })
    }
    fn reborrow<'a>(columns: &'a mut WriteColumns<'_, T>) -> WriteColumns<'a, T> {
        match columns {
            WriteColumns::Dense(columns) => WriteColumns::Dense(columns.reborrow()),
            WriteColumns::Sparse { whole, items, set } => WriteColumns::Sparse {
                whole: whole.as_deref_mut(),
                items: items.iter_mut().map(|v| v.as_deref_mut()).collect(),
                set,
            },
        }
    }
    // Always inlined: a call would take the address of the iterator's columns, and the
    // plain `for` loop's cursors could then no longer live in registers.
    #[inline(always)]
    fn fetch_table<'w>(
        state: &ComponentState,
        columns: &mut WriteColumns<'w, T>,
        table: &'w Table,
        (_, tick): (u32, u32),
    ) -> WriteFetch<'w, T> {
        match columns {
            WriteColumns::Dense(columns) => match table.index_of(state.id) {
                Some(i) => {
                    let values = columns.take(table.column_position(i));
                    let ticks = table.ticks(i);
                    WriteFetch {
                        values: values.iter_mut(),
                        changed: ticks.rows.iter(),
                        ticks: Some(ticks),
                        tick,
                        sparse: None,
                    }
                }
                None => WriteFetch::default(),
            },
            WriteColumns::Sparse { whole, items, set } => {
                let rows = sparse_rows(sparse_items(whole, items), set, table.entities());
                let rows = rows.into_iter().map(|r| r.map(|(v, t)| (v, &t.changed))).collect();
                WriteFetch { tick, sparse: Some(Vec::into_iter(rows)), ..WriteFetch::default() }
            }
        }
    }
    fn sparse_only(state: &ComponentState) -> bool {
        state.sparse
    }
    fn driver(state: &ComponentState) -> Option<ComponentId> {
        state.driver()
    }
    #[inline]
    fn fetch_set<'w>(
        state: &ComponentState,
        columns: &mut WriteColumns<'w, T>,
        driver: DriverSet<'w>,
        (_, tick): (u32, u32),
    ) -> WriteFetch<'w, T> {
        let DriverSet { id: driver, set } = driver;
        let WriteColumns::Sparse { whole, items, set: own } = columns else {
            // A table component: not in an all-sparse query.
            return WriteFetch::default();
        };
        if state.id == driver
            && let Some(values) = whole.take()
        {
            let ticks = set.ticks();
            return WriteFetch {
                values: values.iter_mut(),
                changed: ticks.rows.iter(),
                ticks: Some(ticks),
                tick,
                sparse: None,
            };
        }
        let rows = sparse_rows(sparse_items(whole, items), own, set.entities());
        let rows = rows.into_iter().map(|r| r.map(|(v, t)| (v, &t.changed))).collect();
        WriteFetch { tick, sparse: Some(Vec::into_iter(rows)), ..WriteFetch::default() }
    }
    #[inline(always)]
    fn fetch<'w>(fetch: &mut Self::Fetch<'w>) -> Option<Self::Item<'w>> {
        match &mut fetch.sparse {
            None => {
                let value = fetch.values.next()?;
                if let Some(ticks) = fetch.changed.next() {
                    ticks.changed.store(fetch.tick);
                }
                Some(value)
            }
            Some(items) => {
                let (value, changed) = items.next()??;
                changed.store(fetch.tick);
                Some(value)
            }
        }
    }
    #[inline(always)]
    fn is_dense(fetch: &Self::Fetch<'_>) -> bool {
        fetch.sparse.is_none()
    }
    #[inline(always)]
    fn mark_dense(fetch: &Self::Fetch<'_>) {
        if let Some(ticks) = fetch.ticks {
            ticks.mark_all(fetch.tick);
        }
    }
    #[inline(always)]
    fn into_dense<'w>(fetch: Self::Fetch<'w>, _rows: usize) -> Self::Dense<'w> {
        ColumnRowsMut::new(fetch.values.into_slice())
    }
    #[inline]
    fn next_dense<'w>(fetch: &mut Self::Fetch<'w>) -> Option<Self::Dense<'w>> {
        Self::fetch(fetch).map(|v| ColumnRowsMut::new(slice::from_mut(v)))
    }
    fn mark_each(fetch: &Self::Fetch<'_>) {
        for row in fetch.changed.as_slice() {
            row.changed.store(fetch.tick);
        }
    }
    #[inline(always)]
    fn present(fetch: &WriteFetch<'_, T>) -> bool {
        match &fetch.sparse {
            None => true,
            Some(items) => items.as_slice().first().is_some_and(Option::is_some),
        }
    }
    #[inline(always)]
    fn skip(fetch: &mut WriteFetch<'_, T>) {
        match &mut fetch.sparse {
            None => {
                fetch.values.next();
                fetch.changed.next();
            }
            Some(items) => drop(items.next()),
        }
    }
    fn split<'w>(fetch: Self::Fetch<'w>, at: usize) -> (Self::Fetch<'w>, Self::Fetch<'w>) {
        let WriteFetch { values, changed, ticks, tick, sparse } = fetch;
        let (a, b) = split_slice_mut(values.into_slice(), at);
        let (ca, cb) = split_slice(changed.as_slice(), at);
        let (sa, sb) = match sparse {
            None => (None, None),
            Some(items) => {
                let mut a: Vec<_> = items.collect();
                let b = a.split_off(at.min(a.len()));
                (Some(a.into_iter()), Some(b.into_iter()))
            }
        };
        (
            WriteFetch { values: a.iter_mut(), changed: ca.iter(), ticks, tick, sparse: sa },
            WriteFetch { values: b.iter_mut(), changed: cb.iter(), ticks, tick, sparse: sb },
        )
    }
}

impl QueryData for Entity {
    type Static = Entity;
    type Item<'w> = Entity;
    type State = ();
    type Columns<'w> = ();
    type Fetch<'w> = slice::Iter<'w, Entity>;
    type Dense<'w> = CopiedRows<'w, Entity>;
    type TableCache = ();

    fn access(_: &mut Access) -> Result<(), AccessConflict> {
        Ok(())
    }
    fn register(_: &mut World) {}
    fn get_state(_: &Storage) -> Option<()> {
        Some(())
    }
    fn matches(_: &(), _: &Table) -> bool {
        true
    }
    fn exact(_: &()) -> bool {
        true
    }
    fn columns<'w, S: TokenSource<'w> + ?Sized>(
        _: &(),
        _: &'w Storage,
        _: &mut S,
    ) -> Result<(), QueryError> {
        Ok(())
    }
    fn reborrow(_: &mut ()) {}
    #[inline]
    fn fetch_table<'w>(
        _: &(),
        _: &mut (),
        table: &'w Table,
        _: (u32, u32),
    ) -> slice::Iter<'w, Entity> {
        table.entities().iter()
    }
    fn sparse_only(_: &()) -> bool {
        true
    }
    fn driver(_: &()) -> Option<ComponentId> {
        None
    }
    #[inline]
    fn fetch_set<'w>(
        _: &(),
        _: &mut (),
        driver: DriverSet<'w>,
        _: (u32, u32),
    ) -> slice::Iter<'w, Entity> {
        let set = driver.set;
        set.entities().iter()
    }
    #[inline(always)]
    fn fetch<'w>(fetch: &mut Self::Fetch<'w>) -> Option<Self::Item<'w>> {
        fetch.next().copied()
    }
    #[inline(always)]
    fn is_dense(_: &Self::Fetch<'_>) -> bool {
        true
    }
    #[inline(always)]
    fn mark_dense(_: &Self::Fetch<'_>) {}
    #[inline(always)]
    fn into_dense<'w>(fetch: Self::Fetch<'w>, _rows: usize) -> Self::Dense<'w> {
        CopiedRows(ColumnRows::new(fetch.as_slice()))
    }
    #[inline]
    fn next_dense<'w>(fetch: &mut Self::Fetch<'w>) -> Option<Self::Dense<'w>> {
        fetch.next().map(|e| CopiedRows(ColumnRows::new(slice::from_ref(e))))
    }
    fn mark_each(_: &Self::Fetch<'_>) {}
    #[inline(always)]
    fn skip(fetch: &mut slice::Iter<'_, Entity>) {
        fetch.next();
    }
    fn split<'w>(fetch: Self::Fetch<'w>, at: usize) -> (Self::Fetch<'w>, Self::Fetch<'w>) {
        let (a, b) = split_slice(fetch.as_slice(), at);
        (a.iter(), b.iter())
    }
}

// SAFETY:
// - `Entity` reads only (the tables' entities), and has no columns.
unsafe impl ReadOnlyQuery for Entity {
    fn copy_columns(_: &()) {}
}

impl<Q: QueryData> QueryData for Option<Q> {
    type Static = Option<Q::Static>;
    type Item<'w> = Option<Q::Item<'w>>;
    /// `None` where the world does not know the component: the item is always `None`.
    type State = Option<Q::State>;
    type Columns<'w> = Option<Q::Columns<'w>>;
    type Fetch<'w> = Option<Q::Fetch<'w>>;
    type Dense<'w> = OptionDense<Q::Dense<'w>>;
    type TableCache = ();

    fn access(access: &mut Access) -> Result<(), AccessConflict> {
        Q::access(access)
    }
    fn register(world: &mut World) {
        Q::register(world)
    }
    fn get_state(storage: &Storage) -> Option<Self::State> {
        Some(Q::get_state(storage))
    }
    fn matches(_: &Self::State, _: &Table) -> bool {
        true
    }
    fn exact(_: &Self::State) -> bool {
        // A row without the component (or with a sparse one absent) still yields `None`.
        true
    }
    fn columns<'w, S: TokenSource<'w> + ?Sized>(
        state: &Self::State,
        storage: &'w Storage,
        tokens: &mut S,
    ) -> Result<Self::Columns<'w>, QueryError> {
        state.as_ref().map(|s| Q::columns(s, storage, tokens)).transpose()
    }
    fn reborrow<'a>(columns: &'a mut Self::Columns<'_>) -> Self::Columns<'a> {
        columns.as_mut().map(Q::reborrow)
    }
    #[inline]
    fn fetch_table<'w>(
        state: &Self::State,
        columns: &mut Self::Columns<'w>,
        table: &'w Table,
        ticks: (u32, u32),
    ) -> Self::Fetch<'w> {
        let (state, columns) = (state.as_ref()?, columns.as_mut()?);
        Q::matches(state, table).then(|| Q::fetch_table(state, columns, table, ticks))
    }
    fn sparse_only(state: &Self::State) -> bool {
        state.as_ref().is_none_or(Q::sparse_only)
    }
    fn driver(_: &Self::State) -> Option<ComponentId> {
        // Not every item needs it.
        None
    }
    #[inline]
    fn fetch_set<'w>(
        state: &Self::State,
        columns: &mut Self::Columns<'w>,
        driver: DriverSet<'w>,
        ticks: (u32, u32),
    ) -> Self::Fetch<'w> {
        let (state, columns) = (state.as_ref()?, columns.as_mut()?);
        Some(Q::fetch_set(state, columns, driver, ticks))
    }
    #[inline(always)]
    fn fetch<'w>(fetch: &mut Self::Fetch<'w>) -> Option<Self::Item<'w>> {
        Some(match fetch {
            Some(f) => Q::fetch(f),
            None => None,
        })
    }
    #[inline(always)]
    fn is_dense(fetch: &Self::Fetch<'_>) -> bool {
        fetch.as_ref().is_none_or(Q::is_dense)
    }
    #[inline(always)]
    fn mark_dense(fetch: &Self::Fetch<'_>) {
        if let Some(f) = fetch {
            Q::mark_dense(f)
        }
    }
    #[inline(always)]
    fn into_dense<'w>(fetch: Self::Fetch<'w>, rows: usize) -> Self::Dense<'w> {
        OptionDense::new(fetch.map(|f| Q::into_dense(f, rows)), rows)
    }
    #[inline]
    fn next_dense<'w>(fetch: &mut Self::Fetch<'w>) -> Option<Self::Dense<'w>> {
        let rows = fetch.as_mut().and_then(Q::next_dense);
        Some(OptionDense::new(rows, 1))
    }
    fn mark_each(fetch: &Self::Fetch<'_>) {
        if let Some(f) = fetch {
            Q::mark_each(f)
        }
    }
    #[inline(always)]
    fn skip(fetch: &mut Self::Fetch<'_>) {
        if let Some(f) = fetch {
            Q::skip(f)
        }
    }
    fn split<'w>(fetch: Self::Fetch<'w>, at: usize) -> (Self::Fetch<'w>, Self::Fetch<'w>) {
        match fetch {
            Some(f) => {
                let (a, b) = Q::split(f, at);
                (Some(a), Some(b))
            }
            None => (None, None),
        }
    }
}

// SAFETY:
// - `Q` reads only and copies its columns (`Q: ReadOnlyQuery`), so `Option<Q>` does.
unsafe impl<Q: ReadOnlyQuery> ReadOnlyQuery for Option<Q> {
    fn copy_columns<'a>(columns: &'a Self::Columns<'_>) -> Self::Columns<'a> {
        columns.as_ref().map(Q::copy_columns)
    }
}

// A tuple's dense rows are its parts' rows side by side, which share one row counter; `()`
// yields `()` for each row.

/// The type of a tuple's dense rows.
macro_rules! dense_ty {
    ($w:lifetime;) => { SameRows<()> };
    ($w:lifetime; $($a:ident),+) => { ($($a::Dense<$w>,)+) };
}

/// A tuple's dense rows from its parts' (`rows` rows of `()` for the empty tuple).
macro_rules! dense_parts {
    ($rows:expr;) => { SameRows::new((), $rows) };
    ($rows:expr; $($a:expr),+) => { ($($a,)+) };
}

macro_rules! tuple_query {
    ($($name:ident $s:ident $c:ident),*) => {
        #[allow(non_snake_case, unused_variables, clippy::unused_unit)]
        impl<$($name: QueryData),*> QueryData for ($($name,)*) {
            type Static = ($($name::Static,)*);
            type Item<'w> = ($($name::Item<'w>,)*);
            type State = ($($name::State,)*);
            type Columns<'w> = ($($name::Columns<'w>,)*);
            type Fetch<'w> = ($($name::Fetch<'w>,)*);
            type Dense<'w> = dense_ty!('w; $($name),*);
            type TableCache = ($($name::TableCache,)*);

            fn access(access: &mut Access) -> Result<(), AccessConflict> {
                $($name::access(access)?;)*
                Ok(())
            }
            fn register(world: &mut World) {
                $($name::register(world);)*
            }
            fn get_state(storage: &Storage) -> Option<Self::State> {
                Some(($($name::get_state(storage)?,)*))
            }
            fn matches(state: &Self::State, table: &Table) -> bool {
                let ($($s,)*) = state;
                true $(&& $name::matches($s, table))*
            }
            fn exact(state: &Self::State) -> bool {
                let ($($s,)*) = state;
                true $(&& $name::exact($s))*
            }
            fn sparse_only(state: &Self::State) -> bool {
                let ($($s,)*) = state;
                true $(&& $name::sparse_only($s))*
            }
            fn driver(state: &Self::State) -> Option<ComponentId> {
                let ($($s,)*) = state;
                None $(.or_else(|| $name::driver($s)))*
            }
            #[inline(always)]
            fn fetch_set<'w>(
                state: &Self::State,
                columns: &mut Self::Columns<'w>,
                driver: DriverSet<'w>,
                ticks: (u32, u32),
            ) -> Self::Fetch<'w> {
                let ($($s,)*) = state;
                let ($($c,)*) = columns;
                ($($name::fetch_set($s, $c, driver, ticks),)*)
            }
            fn columns<'w, S: TokenSource<'w> + ?Sized>(
                state: &Self::State,
                storage: &'w Storage,
                tokens: &mut S,
            ) -> Result<Self::Columns<'w>, QueryError> {
                let ($($s,)*) = state;
                Ok(($($name::columns($s, storage, tokens)?,)*))
            }
            fn reborrow<'a>(columns: &'a mut Self::Columns<'_>) -> Self::Columns<'a> {
                let ($($c,)*) = columns;
                ($($name::reborrow($c),)*)
            }
            #[inline(always)]
            fn fetch_table<'w>(
                state: &Self::State,
                columns: &mut Self::Columns<'w>,
                table: &'w Table,
                ticks: (u32, u32),
            ) -> Self::Fetch<'w> {
                let ($($s,)*) = state;
                let ($($c,)*) = columns;
                ($($name::fetch_table($s, $c, table, ticks),)*)
            }
            fn table_cache(state: &Self::State, table: &Table) -> Self::TableCache {
                let ($($s,)*) = state;
                ($($name::table_cache($s, table),)*)
            }
            #[inline(always)]
            unsafe fn fetch_cached<'w>(
                state: &Self::State,
                columns: &mut Self::Columns<'w>,
                table: &'w Table,
                cache: Self::TableCache,
                ticks: (u32, u32),
            ) -> Self::Fetch<'w> {
                let ($($s,)*) = state;
                let ($($c,)*) = columns;
                let ($($name,)*) = cache;
                // SAFETY:
                // - the tuple's cache is its parts' `table_cache`s for this table, and its
                //   columns its parts' `columns` from the storage that holds it (the
                //   caller's guarantees for the tuple), part by part.
                ($(unsafe { $name::fetch_cached($s, $c, table, $name, ticks) },)*)
            }
            #[inline(always)]
            fn fetch<'w>(fetch: &mut Self::Fetch<'w>) -> Option<Self::Item<'w>> {
                // A row that a part has no item for is skipped by every part, so that none
                // marks it changed.
                if !Self::present(fetch) {
                    Self::skip(fetch);
                    return None;
                }
                let ($($c,)*) = fetch;
                // Every part steps, even when an earlier one has no item for this row.
                $(let $s = $name::fetch($c);)*
                Some(($($s?,)*))
            }
            #[inline(always)]
            fn present(fetch: &Self::Fetch<'_>) -> bool {
                let ($($c,)*) = fetch;
                true $(&& $name::present($c))*
            }
            #[inline(always)]
            fn is_dense(fetch: &Self::Fetch<'_>) -> bool {
                let ($($c,)*) = fetch;
                true $(&& $name::is_dense($c))*
            }
            #[inline(always)]
            fn mark_dense(fetch: &Self::Fetch<'_>) {
                let ($($c,)*) = fetch;
                $($name::mark_dense($c);)*
            }
            #[inline(always)]
            fn into_dense<'w>(fetch: Self::Fetch<'w>, rows: usize) -> Self::Dense<'w> {
                let ($($c,)*) = fetch;
                dense_parts!(rows; $($name::into_dense($c, rows)),*)
            }
            #[inline]
            fn next_dense<'w>(fetch: &mut Self::Fetch<'w>) -> Option<Self::Dense<'w>> {
                if !Self::present(fetch) {
                    Self::skip(fetch);
                    return None;
                }
                let ($($c,)*) = fetch;
                // Every part steps, even when an earlier one has no item for this row.
                $(let $s = $name::next_dense($c);)*
                $(let $s = $s?;)*
                Some(dense_parts!(1; $($s),*))
            }
            fn mark_each(fetch: &Self::Fetch<'_>) {
                let ($($c,)*) = fetch;
                $($name::mark_each($c);)*
            }
            #[inline(always)]
            fn skip(fetch: &mut Self::Fetch<'_>) {
                let ($($c,)*) = fetch;
                $($name::skip($c);)*
            }
            fn split<'w>(fetch: Self::Fetch<'w>, at: usize) -> (Self::Fetch<'w>, Self::Fetch<'w>) {
                let ($($c,)*) = fetch;
                $(let $s = $name::split($c, at);)*
                (($($s.0,)*), ($($s.1,)*))
            }
        }

        // SAFETY:
        // - every part reads only and copies its columns (each is `ReadOnlyQuery`), and the
        //   tuple's columns are the parts' side by side.
        #[allow(non_snake_case, unused_variables, clippy::unused_unit)]
        unsafe impl<$($name: ReadOnlyQuery),*> ReadOnlyQuery for ($($name,)*) {
            fn copy_columns<'a>(columns: &'a Self::Columns<'_>) -> Self::Columns<'a> {
                let ($($c,)*) = columns;
                ($($name::copy_columns($c),)*)
            }
        }
    };
}

tuple_query!();
tuple_query!(A s0 c0);
tuple_query!(A s0 c0, B s1 c1);
tuple_query!(A s0 c0, B s1 c1, C s2 c2);
tuple_query!(A s0 c0, B s1 c1, C s2 c2, D s3 c3);
tuple_query!(A s0 c0, B s1 c1, C s2 c2, D s3 c3, E s4 c4);
tuple_query!(A s0 c0, B s1 c1, C s2 c2, D s3 c3, E s4 c4, F s5 c5);
tuple_query!(A s0 c0, B s1 c1, C s2 c2, D s3 c3, E s4 c4, F s5 c5, G s6 c6);
tuple_query!(A s0 c0, B s1 c1, C s2 c2, D s3 c3, E s4 c4, F s5 c5, G s6 c6, H s7 c7);
tuple_query!(A s0 c0, B s1 c1, C s2 c2, D s3 c3, E s4 c4, F s5 c5, G s6 c6, H s7 c7, I s8 c8);
tuple_query!(A s0 c0, B s1 c1, C s2 c2, D s3 c3, E s4 c4, F s5 c5, G s6 c6, H s7 c7, I s8 c8, J s9 c9);
tuple_query!(A s0 c0, B s1 c1, C s2 c2, D s3 c3, E s4 c4, F s5 c5, G s6 c6, H s7 c7, I s8 c8, J s9 c9, K s10 c10);
tuple_query!(A s0 c0, B s1 c1, C s2 c2, D s3 c3, E s4 c4, F s5 c5, G s6 c6, H s7 c7, I s8 c8, J s9 c9, K s10 c10, L s11 c11);
