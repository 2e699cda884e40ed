//! Per-item change information: [`Ref<T>`] (read, with `is_added`/`is_changed`) and
//! [`Mut<T>`] (write, marking the row changed only when it is written).
//!
//! `&T` and `&mut T` stay the fast path: a loop over `&mut T` marks a whole table changed in
//! one store when it enters it, written or not. `Mut<T>` costs a tick store per write and a
//! tick pointer per item, and tells [`Changed`](super::Changed) the truth.

use std::fmt;
use std::ops::{Deref, DerefMut};
use std::slice;

use super::data::{
    ComponentState, DriverSet, QueryData, ReadColumns, ReadOnlyQuery, WriteColumns, sparse_items,
    sparse_rows, split_slice, split_slice_mut,
};
use super::dense::{ColumnRows, ColumnRowsMut, DenseRows};
use super::filter::is_newer;
use crate::access::{Access, AccessConflict};
use crate::component::{Component, ComponentId};
use crate::entity::Entity;
use crate::error::QueryError;
use crate::lend::TokenSource;
use crate::storage::{RowTicks, SparseSet, Storage, Table, Ticks};
use crate::world::World;

/// The ticks a run compares with: the row's `added` and `changed`, and the run's window.
#[derive(Clone, Copy, Debug)]
struct ChangeWindow {
    last_run: u32,
    this_run: u32,
    /// A pending mark of every row of the table (`Ticks::mark_all`), if any.
    pending: Option<u32>,
}

impl ChangeWindow {
    /// The window of a cursor that hands out no rows.
    const NONE: ChangeWindow = ChangeWindow { last_run: 0, this_run: 0, pending: None };

    fn new(ticks: Option<&Ticks>, (last_run, this_run): (u32, u32)) -> Self {
        ChangeWindow { last_run, this_run, pending: ticks.and_then(Ticks::pending) }
    }

    #[inline]
    fn is_added(&self, row: &RowTicks) -> bool {
        is_newer(row.added.load(), self.last_run, self.this_run)
    }

    #[inline]
    fn is_changed(&self, row: &RowTicks) -> bool {
        is_newer(row.changed.load(), self.last_run, self.this_run)
            || self.pending.is_some_and(|t| is_newer(t, self.last_run, self.this_run))
    }
}

/// A component read by a query, with whether it was added or changed since the query last
/// ran. Derefs to `T`.
///
/// # Examples
///
/// ```
/// use cellar::{QueryState, Ref, World};
///
/// let mut world = World::new();
/// let a = world.spawn((1u32,));
/// let mut state = QueryState::<Ref<u32>>::new(&mut world);
/// assert!(state.iter(&world).all(|n| n.is_added() && n.is_changed()), "first run: all new");
/// *world.get_mut::<u32>(a).unwrap() = 2;
/// let seen: Vec<(u32, bool, bool)> =
///     state.iter(&world).map(|n| (*n, n.is_added(), n.is_changed())).collect();
/// assert_eq!(seen, [(2, false, true)]);
/// ```
pub struct Ref<'w, T> {
    value: &'w T,
    row: &'w RowTicks,
    window: ChangeWindow,
}

impl<'w, T> Ref<'w, T> {
    /// Whether the value was added (spawned or inserted) since the query last ran.
    ///
    /// ```
    /// # use cellar::{QueryState, Ref, World};
    /// let mut world = World::new();
    /// world.spawn((1u8,));
    /// let mut state = QueryState::<Ref<u8>>::new(&mut world);
    /// assert!(state.iter(&world).next().unwrap().is_added());
    /// assert!(!state.iter(&world).next().unwrap().is_added());
    /// ```
    pub fn is_added(&self) -> bool {
        self.window.is_added(self.row)
    }

    /// Whether the value was added or written since the query last ran.
    ///
    /// ```
    /// # use cellar::{QueryState, Ref, World};
    /// let mut world = World::new();
    /// world.spawn((1u8,));
    /// let mut state = QueryState::<Ref<u8>>::new(&mut world);
    /// assert!(state.iter(&world).next().unwrap().is_changed());
    /// assert!(!state.iter(&world).next().unwrap().is_changed());
    /// ```
    pub fn is_changed(&self) -> bool {
        self.window.is_changed(self.row)
    }

    /// The reference itself, for the whole run.
    ///
    /// ```
    /// # use cellar::{QueryState, Ref, World};
    /// let mut world = World::new();
    /// world.spawn((5u8,));
    /// let mut state = QueryState::<Ref<u8>>::new(&mut world);
    /// let n: &u8 = state.iter(&world).next().unwrap().into_inner();
    /// assert_eq!(*n, 5);
    /// ```
    pub fn into_inner(self) -> &'w T {
        self.value
    }
}

impl<T> Deref for Ref<'_, T> {
    type Target = T;
    #[inline]
    fn deref(&self) -> &T {
        self.value
    }
}

impl<T: fmt::Debug> fmt::Debug for Ref<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Ref").field(self.value).finish()
    }
}

impl<T: PartialEq> PartialEq<T> for Ref<'_, T> {
    fn eq(&self, other: &T) -> bool {
        self.value == other
    }
}

/// A component written by a query: derefs to `T`, and marks the row changed (for
/// [`Changed`](super::Changed), [`Ref::is_changed`]) only when it is dereferenced mutably.
///
/// Use it where a loop writes some rows and not others and a later system watches
/// `Changed<T>`; `&mut T` marks every row it hands out, and is faster.
///
/// # Examples
///
/// ```
/// use cellar::{Changed, Mut, QueryState, World};
///
/// struct Health(u32);
/// let mut world = World::new();
/// let hurt = world.spawn((Health(10),));
/// world.spawn((Health(0),));
/// let mut changed = QueryState::<&Health, Changed<Health>>::new(&mut world);
/// assert_eq!(changed.iter(&world).count(), 2, "first run: everything is new");
///
/// for mut health in world.query_mut::<Mut<Health>>() {
///     if health.0 > 0 {
///         health.0 -= 1; // marks this row only
///     }
/// }
/// let seen: Vec<u32> = changed.iter(&world).map(|h| h.0).collect();
/// assert_eq!(seen, [9]);
/// # let _ = hurt;
/// ```
pub struct Mut<'w, T> {
    value: &'w mut T,
    row: &'w RowTicks,
    window: ChangeWindow,
}

impl<'w, T> Mut<'w, T> {
    /// Whether the value was added since the query last ran.
    ///
    /// ```
    /// # use cellar::{Mut, QueryState, World};
    /// let mut world = World::new();
    /// world.spawn((1u8,));
    /// let mut state = QueryState::<Mut<u8>>::new(&mut world);
    /// assert!(state.iter_mut(&mut world).next().unwrap().is_added());
    /// ```
    pub fn is_added(&self) -> bool {
        self.window.is_added(self.row)
    }

    /// Whether the value was added or written since the query last ran (a write through
    /// this `Mut` included).
    ///
    /// ```
    /// # use cellar::{Mut, QueryState, World};
    /// let mut world = World::new();
    /// world.spawn((1u8,));
    /// let mut state = QueryState::<Mut<u8>>::new(&mut world);
    /// state.iter_mut(&mut world).count();
    /// let mut n = state.iter_mut(&mut world).next().unwrap();
    /// assert!(!n.is_changed());
    /// *n += 1;
    /// assert!(n.is_changed());
    /// ```
    pub fn is_changed(&self) -> bool {
        self.window.is_changed(self.row)
    }

    /// The value, mutably, without marking it changed: for a write that other systems must
    /// not react to.
    ///
    /// ```
    /// # use cellar::{Changed, Mut, QueryState, World};
    /// let mut world = World::new();
    /// world.spawn((1u8,));
    /// let mut changed = QueryState::<&u8, Changed<u8>>::new(&mut world);
    /// changed.iter(&world).count();
    /// for mut n in world.query_mut::<Mut<u8>>() {
    ///     *n.bypass_change_detection() = 2;
    /// }
    /// assert_eq!(changed.iter(&world).count(), 0);
    /// ```
    pub fn bypass_change_detection(&mut self) -> &mut T {
        self.value
    }

    /// The reference itself, for the whole run; marks the row changed.
    ///
    /// ```
    /// # use cellar::{Mut, World};
    /// let mut world = World::new();
    /// let e = world.spawn((1u8,));
    /// for n in world.query_mut::<Mut<u8>>() {
    ///     *n.into_inner() = 3;
    /// }
    /// assert_eq!(world.get::<u8>(e), Ok(&3));
    /// ```
    pub fn into_inner(self) -> &'w mut T {
        self.row.changed.store(self.window.this_run);
        self.value
    }
}

impl<T> Deref for Mut<'_, T> {
    type Target = T;
    #[inline]
    fn deref(&self) -> &T {
        self.value
    }
}

impl<T> DerefMut for Mut<'_, T> {
    #[inline]
    fn deref_mut(&mut self) -> &mut T {
        // The writer holds `T`'s exclusive token, so no one else stores this row's tick.
        self.row.changed.store(self.window.this_run);
        self.value
    }
}

impl<T: fmt::Debug> fmt::Debug for Mut<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Mut").field(&*self.value).finish()
    }
}

/// A cursor over one table's `Ref<T>`.
#[doc(hidden)]
#[allow(private_interfaces)] // plumbing: users name the query types, never these
#[derive(Debug)]
pub struct RefFetch<'w, T> {
    values: slice::Iter<'w, T>,
    rows: slice::Iter<'w, RowTicks>,
    window: Option<ChangeWindow>,
    /// For a sparse component: the table's entities and the set.
    sparse: Option<(slice::Iter<'w, Entity>, &'w SparseSet, &'w [T])>,
}

impl<T> Default for RefFetch<'_, T> {
    fn default() -> Self {
        RefFetch {
            values: Default::default(),
            rows: Default::default(),
            window: None,
            sparse: None,
        }
    }
}

impl<'w, T> Iterator for RefFetch<'w, T> {
    type Item = Ref<'w, T>;
    #[inline]
    fn next(&mut self) -> Option<Ref<'w, T>> {
        let (value, row) = match &mut self.sparse {
            None => (self.values.next()?, self.rows.next()?),
            Some((entities, set, values)) => {
                let r = set.row(*entities.next()?)?;
                (values.get(r)?, set.ticks().rows.get(r)?)
            }
        };
        Some(Ref { value, row, window: self.window? })
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.values.size_hint()
    }
}

/// The dense rows of `Ref<T>`: the values, their ticks, and the run's window.
#[doc(hidden)]
#[allow(private_interfaces)] // plumbing: users name the query types, never these
#[derive(Debug)]
pub struct RefRows<'w, T> {
    columns: (ColumnRows<'w, T>, ColumnRows<'w, RowTicks>),
    window: ChangeWindow,
}

#[allow(unsafe_code)] // `get` forwards to the columns' `get`, with the caller's guarantees.
// SAFETY:
// - the count and the unit are the columns' tuple's, which keeps the bound;
// - `get` forwards to the columns', under the same conditions.
unsafe impl<'w, T> DenseRows for RefRows<'w, T> {
    const UNIT: usize = <(ColumnRows<'w, T>, ColumnRows<'w, RowTicks>) as DenseRows>::UNIT;
    #[inline(always)]
    fn assume_non_null(&self) {
        self.columns.assume_non_null();
    }
    type Item = Ref<'w, T>;
    #[inline(always)]
    fn row_count(&self) -> usize {
        self.columns.row_count()
    }
    #[inline(always)]
    unsafe fn get(&self, off: isize, unit: usize) -> Ref<'w, T> {
        // SAFETY:
        // - the caller's guarantees are `get`'s, for the same rows and unit.
        let (value, row) = unsafe { self.columns.get(off, unit) };
        Ref { value, row, window: self.window }
    }
}

impl<T: Component> QueryData for Ref<'_, T> {
    type Static = Ref<'static, T>;
    type Item<'w> = Ref<'w, T>;
    type State = ComponentState;
    type Columns<'w> = ReadColumns<'w, T>;
    type Fetch<'w> = RefFetch<'w, T>;
    type Dense<'w> = RefRows<'w, T>;
    type TableCache = ();

    fn access(access: &mut Access) -> Result<(), AccessConflict> {
        access.read::<T>()
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
    ) -> Result<ReadColumns<'w, T>, QueryError> {
        <&T as QueryData>::columns(state, storage, tokens)
    }
    fn reborrow<'a>(columns: &'a mut ReadColumns<'_, T>) -> ReadColumns<'a, T> {
        *columns
    }
    fn fetch_table<'w>(
        state: &ComponentState,
        columns: &mut ReadColumns<'w, T>,
        table: &'w Table,
        ticks: (u32, u32),
    ) -> RefFetch<'w, T> {
        match columns.sparse {
            None => match table.index_of(state.id) {
                Some(i) => {
                    let column = &columns.columns[table.column_position(i)];
                    let t = table.ticks(i);
                    RefFetch {
                        values: column.as_slice::<T>().iter(),
                        rows: t.rows.iter(),
                        window: Some(ChangeWindow::new(Some(t), ticks)),
                        sparse: None,
                    }
                }
                None => RefFetch::default(),
            },
            Some(set) => RefFetch {
                values: Default::default(),
                rows: Default::default(),
                window: Some(ChangeWindow::new(Some(set.ticks()), ticks)),
                sparse: Some((table.entities().iter(), set, columns.columns[0].as_slice::<T>())),
            },
        }
    }
    fn sparse_only(state: &ComponentState) -> bool {
        state.sparse
    }
    fn driver(state: &ComponentState) -> Option<ComponentId> {
        state.driver()
    }
    fn fetch_set<'w>(
        state: &ComponentState,
        columns: &mut ReadColumns<'w, T>,
        driver: DriverSet<'w>,
        ticks: (u32, u32),
    ) -> RefFetch<'w, T> {
        let DriverSet { id: driver, set } = driver;
        let (Some(own), Some(column)) = (columns.sparse, columns.columns.first()) else {
            // A table component: not in an all-sparse query.
            return RefFetch::default();
        };
        let window = Some(ChangeWindow::new(Some(own.ticks()), ticks));
        let values = column.as_slice::<T>();
        if state.id == driver {
            let rows = own.ticks().rows.iter();
            RefFetch { values: values.iter(), rows, window, sparse: None }
        } else {
            let sparse = Some((set.entities().iter(), own, values));
            RefFetch { values: Default::default(), rows: Default::default(), window, sparse }
        }
    }
    #[inline]
    fn fetch<'w>(fetch: &mut Self::Fetch<'w>) -> Option<Self::Item<'w>> {
        fetch.next()
    }
    #[inline]
    fn is_dense(fetch: &RefFetch<'_, T>) -> bool {
        fetch.sparse.is_none()
    }
    fn mark_dense(_: &RefFetch<'_, T>) {}
    #[inline]
    fn into_dense<'w>(fetch: Self::Fetch<'w>, _rows: usize) -> Self::Dense<'w> {
        // No window only for a default cursor, whose columns are empty.
        RefRows {
            columns: (
                ColumnRows::new(fetch.values.as_slice()),
                ColumnRows::new(fetch.rows.as_slice()),
            ),
            window: fetch.window.unwrap_or(ChangeWindow::NONE),
        }
    }
    #[inline]
    fn next_dense<'w>(fetch: &mut Self::Fetch<'w>) -> Option<Self::Dense<'w>> {
        let Ref { value, row, window } = Self::fetch(fetch)?;
        Some(RefRows {
            columns: (
                ColumnRows::new(slice::from_ref(value)),
                ColumnRows::new(slice::from_ref(row)),
            ),
            window,
        })
    }
    fn mark_each(_: &Self::Fetch<'_>) {}
    #[inline]
    fn present(fetch: &RefFetch<'_, T>) -> bool {
        match &fetch.sparse {
            None => true,
            Some((entities, set, _)) => {
                entities.as_slice().first().is_some_and(|e| set.row(*e).is_some())
            }
        }
    }
    #[inline]
    fn skip(fetch: &mut RefFetch<'_, T>) {
        match &mut fetch.sparse {
            None => {
                fetch.values.next();
                fetch.rows.next();
            }
            Some((entities, _, _)) => drop(entities.next()),
        }
    }
    fn split<'w>(fetch: Self::Fetch<'w>, at: usize) -> (Self::Fetch<'w>, Self::Fetch<'w>) {
        let RefFetch { values, rows, window, sparse } = fetch;
        let (va, vb) = split_slice(values.as_slice(), at);
        let (ra, rb) = split_slice(rows.as_slice(), at);
        let (sa, sb) = match sparse {
            None => (None, None),
            Some((entities, set, values)) => {
                let (ea, eb) = split_slice(entities.as_slice(), at);
                (Some((ea.iter(), set, values)), Some((eb.iter(), set, values)))
            }
        };
        (
            RefFetch { values: va.iter(), rows: ra.iter(), window, sparse: sa },
            RefFetch { values: vb.iter(), rows: rb.iter(), window, sparse: sb },
        )
    }
}

#[allow(unsafe_code)] // `ReadOnlyQuery` is an unsafe trait.
// SAFETY:
// - `Ref<T>` reads only, and the copy is the same columns.
unsafe impl<T: Component> ReadOnlyQuery for Ref<'_, T> {
    fn copy_columns<'a>(columns: &'a ReadColumns<'_, T>) -> ReadColumns<'a, T> {
        *columns
    }
}

/// A cursor over one table's `Mut<T>`.
#[doc(hidden)]
#[allow(private_interfaces)] // plumbing: users name the query types, never these
#[derive(Debug)]
pub struct MutFetch<'w, T> {
    values: slice::IterMut<'w, T>,
    rows: slice::Iter<'w, RowTicks>,
    window: Option<ChangeWindow>,
    #[allow(clippy::type_complexity)]
    sparse: Option<std::vec::IntoIter<Option<(&'w mut T, &'w RowTicks)>>>,
}

impl<T> Default for MutFetch<'_, T> {
    fn default() -> Self {
        MutFetch {
            values: Default::default(),
            rows: Default::default(),
            window: None,
            sparse: None,
        }
    }
}

impl<'w, T> Iterator for MutFetch<'w, T> {
    type Item = Mut<'w, T>;
    #[inline]
    fn next(&mut self) -> Option<Mut<'w, T>> {
        let (value, row) = match &mut self.sparse {
            None => (self.values.next()?, self.rows.next()?),
            Some(items) => items.next()??,
        };
        Some(Mut { value, row, window: self.window? })
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.values.size_hint()
    }
}

/// The dense rows of `Mut<T>`: the values, their ticks, and the run's window.
#[doc(hidden)]
#[allow(private_interfaces)] // plumbing: users name the query types, never these
#[derive(Debug)]
pub struct MutRows<'w, T> {
    columns: (ColumnRowsMut<'w, T>, ColumnRows<'w, RowTicks>),
    window: ChangeWindow,
}

#[allow(unsafe_code)] // `get` forwards to the columns' `get`, with the caller's guarantees.
// SAFETY:
// - the count and the unit are the columns' tuple's, which keeps the bound;
// - `get` forwards to the columns', under the same conditions.
unsafe impl<'w, T> DenseRows for MutRows<'w, T> {
    const UNIT: usize = <(ColumnRowsMut<'w, T>, ColumnRows<'w, RowTicks>) as DenseRows>::UNIT;
    #[inline(always)]
    fn assume_non_null(&self) {
        self.columns.assume_non_null();
    }
    type Item = Mut<'w, T>;
    #[inline(always)]
    fn row_count(&self) -> usize {
        self.columns.row_count()
    }
    #[inline(always)]
    unsafe fn get(&self, off: isize, unit: usize) -> Mut<'w, T> {
        // SAFETY:
        // - the caller's guarantees are `get`'s, for the same rows and unit.
        let (value, row) = unsafe { self.columns.get(off, unit) };
        Mut { value, row, window: self.window }
    }
}

impl<T: Component> QueryData for Mut<'_, T> {
    type Static = Mut<'static, T>;
    type Item<'w> = Mut<'w, T>;
    type State = ComponentState;
    type Columns<'w> = WriteColumns<'w, T>;
    type Fetch<'w> = MutFetch<'w, T>;
    type Dense<'w> = MutRows<'w, T>;
    type TableCache = ();

    fn access(access: &mut Access) -> Result<(), AccessConflict> {
        access.write::<T>()
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
        <&mut T as QueryData>::columns(state, storage, tokens)
    }
    fn reborrow<'a>(columns: &'a mut WriteColumns<'_, T>) -> WriteColumns<'a, T> {
        <&mut T as QueryData>::reborrow(columns)
    }
    fn fetch_table<'w>(
        state: &ComponentState,
        columns: &mut WriteColumns<'w, T>,
        table: &'w Table,
        ticks: (u32, u32),
    ) -> MutFetch<'w, T> {
        match columns {
            WriteColumns::Dense(columns) => match table.index_of(state.id) {
                Some(i) => {
                    let values = columns.take(table.column_position(i));
                    let t = table.ticks(i);
                    MutFetch {
                        values: values.iter_mut(),
                        rows: t.rows.iter(),
                        window: Some(ChangeWindow::new(Some(t), ticks)),
                        sparse: None,
                    }
                }
                None => MutFetch::default(),
            },
            WriteColumns::Sparse { whole, items, set } => {
                let set: &'w SparseSet = set;
                let rows = sparse_rows(sparse_items(whole, items), set, table.entities());
                MutFetch {
                    window: Some(ChangeWindow::new(Some(set.ticks()), ticks)),
                    sparse: Some(rows.into_iter()),
                    ..MutFetch::default()
                }
            }
        }
    }
    fn sparse_only(state: &ComponentState) -> bool {
        state.sparse
    }
    fn driver(state: &ComponentState) -> Option<ComponentId> {
        state.driver()
    }
    fn fetch_set<'w>(
        state: &ComponentState,
        columns: &mut WriteColumns<'w, T>,
        driver: DriverSet<'w>,
        ticks: (u32, u32),
    ) -> MutFetch<'w, T> {
        let DriverSet { id: driver, set } = driver;
        let WriteColumns::Sparse { whole, items, set: own } = columns else {
            // A table component: not in an all-sparse query.
            return MutFetch::default();
        };
        let own: &'w SparseSet = own;
        let window = Some(ChangeWindow::new(Some(own.ticks()), ticks));
        if state.id == driver
            && let Some(values) = whole.take()
        {
            let rows = own.ticks().rows.iter();
            return MutFetch { values: values.iter_mut(), rows, window, sparse: None };
        }
        let rows = sparse_rows(sparse_items(whole, items), own, set.entities());
        MutFetch { window, sparse: Some(rows.into_iter()), ..MutFetch::default() }
    }
    #[inline]
    fn fetch<'w>(fetch: &mut Self::Fetch<'w>) -> Option<Self::Item<'w>> {
        fetch.next()
    }
    #[inline]
    fn is_dense(fetch: &MutFetch<'_, T>) -> bool {
        fetch.sparse.is_none()
    }
    fn mark_dense(_: &MutFetch<'_, T>) {}
    #[inline]
    fn into_dense<'w>(fetch: Self::Fetch<'w>, _rows: usize) -> Self::Dense<'w> {
        // No window only for a default cursor, whose columns are empty.
        MutRows {
            columns: (
                ColumnRowsMut::new(fetch.values.into_slice()),
                ColumnRows::new(fetch.rows.as_slice()),
            ),
            window: fetch.window.unwrap_or(ChangeWindow::NONE),
        }
    }
    #[inline]
    fn next_dense<'w>(fetch: &mut Self::Fetch<'w>) -> Option<Self::Dense<'w>> {
        let Mut { value, row, window } = Self::fetch(fetch)?;
        Some(MutRows {
            columns: (
                ColumnRowsMut::new(slice::from_mut(value)),
                ColumnRows::new(slice::from_ref(row)),
            ),
            window,
        })
    }
    // `Mut` marks on write.
    fn mark_each(_: &Self::Fetch<'_>) {}
    #[inline]
    fn present(fetch: &MutFetch<'_, T>) -> bool {
        match &fetch.sparse {
            None => true,
            Some(items) => items.as_slice().first().is_some_and(Option::is_some),
        }
    }
    #[inline]
    fn skip(fetch: &mut MutFetch<'_, T>) {
        match &mut fetch.sparse {
            None => {
                fetch.values.next();
                fetch.rows.next();
            }
            Some(items) => drop(items.next()),
        }
    }
    fn split<'w>(fetch: Self::Fetch<'w>, at: usize) -> (Self::Fetch<'w>, Self::Fetch<'w>) {
        let MutFetch { values, rows, window, sparse } = fetch;
        let (va, vb) = split_slice_mut(values.into_slice(), at);
        let (ra, rb) = split_slice(rows.as_slice(), at);
        let (sa, sb) = match sparse {
            None => (None, None),
            Some(items) => {
                let mut a: Vec<_> = items.collect();
                let b = a.split_off(at.min(a.len()));
                (Some(a.into_iter()), Some(b.into_iter()))
            }
        };
        (
            MutFetch { values: va.iter_mut(), rows: ra.iter(), window, sparse: sa },
            MutFetch { values: vb.iter_mut(), rows: rb.iter(), window, sparse: sb },
        )
    }
}
