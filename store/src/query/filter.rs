//! Filters: which rows a query visits, without handing out their values.

use std::marker::PhantomData;
use std::slice;

use super::data::DriverSet;
use crate::access::{Access, AccessConflict};
use crate::component::{Component, ComponentId};
use crate::entity::Entity;
use crate::storage::{RowTicks, SparseSet, Storage, Table, Ticks};
use crate::world::World;

/// A condition on rows: [`With`], [`Without`], [`Added`], [`Changed`], tuples of up to 12
/// of these (all must hold) and [`Or`] of up to 8 (any may hold). `()` lets every row
/// through.
///
/// Filters need no tokens: presence is in the table layout and change ticks are atomic
/// counters beside the columns. Like [`QueryData`](super::QueryData), the methods are
/// plumbing.
///
/// # Examples
///
/// ```
/// use cellar::{With, Without, World};
///
/// struct Enemy;
/// struct Dead;
/// let mut world = World::new();
/// world.spawn((1u32, Enemy));
/// world.spawn((2u32, Enemy, Dead));
/// world.spawn((3u32,));
/// let alive: Vec<u32> =
///     world.query_filtered::<&u32, (With<Enemy>, Without<Dead>)>().copied().collect();
/// assert_eq!(alive, [1]);
/// ```
pub trait QueryFilter {
    /// What a query state keeps.
    type State: Send + Sync + 'static;
    /// A cursor over the rows of one table.
    type Fetch<'w>: Default + Send;

    /// Records the components the filter looks at.
    ///
    /// # Errors
    ///
    /// Never for the filters here; the signature matches [`QueryData::access`](super::QueryData::access).
    fn access(access: &mut Access) -> Result<(), AccessConflict>;
    /// Makes the component types known to `world`.
    fn register(world: &mut World);
    /// The state for `storage`, or `None` if the filter can match nothing there.
    fn get_state(storage: &Storage) -> Option<Self::State>;
    /// Whether a table can hold matching rows.
    fn matches(state: &Self::State, table: &Table) -> bool;
    /// Whether the table layout alone decides (no per-row check in any matched table), so
    /// that a query's `size_hint` is exact.
    fn exact(state: &Self::State) -> bool;
    /// The cursor for `table`'s rows.
    fn fetch_table<'w>(
        state: &Self::State,
        storage: &'w Storage,
        table: &'w Table,
        last_run: u32,
        this_run: u32,
    ) -> Self::Fetch<'w>;
    /// Whether every component the filter checks is stored sparse (or unknown to the
    /// world), as [`QueryData::sparse_only`](super::QueryData::sparse_only).
    fn sparse_only(state: &Self::State) -> bool;
    /// The cursor over the rows of sparse set `set` (of component `driver`), in its dense
    /// order, as [`QueryData::fetch_set`](super::QueryData::fetch_set).
    fn fetch_set<'w>(
        state: &Self::State,
        storage: &'w Storage,
        driver: DriverSet<'w>,
        last_run: u32,
        this_run: u32,
    ) -> Self::Fetch<'w>;
    /// Whether the next row passes; steps over it.
    fn filter(fetch: &mut Self::Fetch<'_>) -> bool;
    /// Whether every row of this table's cursor passes (the table layout decided): then the
    /// query loop skips the per-row check.
    fn passes_all(fetch: &Self::Fetch<'_>) -> bool;
    /// Splits a cursor into the first `at` rows and the rest.
    fn split<'w>(fetch: Self::Fetch<'w>, at: usize) -> (Self::Fetch<'w>, Self::Fetch<'w>);
}

/// Whether `tick` is newer than `last_run`, seen from `this_run` (wrap-around safe).
#[inline(always)]
pub(crate) fn is_newer(tick: u32, last_run: u32, this_run: u32) -> bool {
    this_run.wrapping_sub(tick) < this_run.wrapping_sub(last_run)
}

/// What a filter state keeps about one component.
#[doc(hidden)]
#[derive(Clone, Copy, Debug)]
pub struct FilterState {
    id: ComponentId,
    sparse: bool,
}

impl FilterState {
    fn of<T: Component>(storage: &Storage) -> Option<Self> {
        let id = storage.id_of::<T>()?;
        Some(FilterState { id, sparse: storage.store(id).sparse().is_some() })
    }
    fn set<'w>(&self, storage: &'w Storage) -> Option<&'w SparseSet> {
        storage.store(self.id).sparse()
    }
}

/// A per-row presence check in a sparse set; `None` where the table layout decides.
#[doc(hidden)]
#[derive(Debug, Default)]
pub struct PresenceFetch<'w>(Option<(slice::Iter<'w, Entity>, &'w SparseSet)>);

impl PresenceFetch<'_> {
    #[inline(always)]
    fn next(&mut self) -> Option<bool> {
        let (entities, set) = self.0.as_mut()?;
        Some(entities.next().is_some_and(|e| set.row(*e).is_some()))
    }

    fn split(self, at: usize) -> (Self, Self) {
        match self.0 {
            None => (PresenceFetch(None), PresenceFetch(None)),
            Some((entities, set)) => {
                let s = entities.as_slice();
                let (a, b) = s.split_at(at.min(s.len()));
                (PresenceFetch(Some((a.iter(), set))), PresenceFetch(Some((b.iter(), set))))
            }
        }
    }
}

/// Rows that have a `T` (its value is not read).
///
/// # Examples
///
/// ```
/// use cellar::{With, World};
/// struct Player;
/// let mut world = World::new();
/// world.spawn((1u8, Player));
/// world.spawn((2u8,));
/// assert_eq!(world.query_filtered::<&u8, With<Player>>().count(), 1);
/// ```
#[derive(Debug)]
pub struct With<T>(PhantomData<fn() -> T>);

/// Rows that have no `T`.
///
/// # Examples
///
/// ```
/// use cellar::{Without, World};
/// struct Player;
/// let mut world = World::new();
/// world.spawn((1u8, Player));
/// world.spawn((2u8,));
/// assert_eq!(world.query_filtered::<&u8, Without<Player>>().copied().collect::<Vec<_>>(), [2]);
/// ```
#[derive(Debug)]
pub struct Without<T>(PhantomData<fn() -> T>);

impl<T: Component> QueryFilter for With<T> {
    type State = FilterState;
    type Fetch<'w> = PresenceFetch<'w>;

    fn access(access: &mut Access) -> Result<(), AccessConflict> {
        access.filter::<T>();
        Ok(())
    }
    fn register(world: &mut World) {
        world.init_component::<T>();
    }
    fn get_state(storage: &Storage) -> Option<FilterState> {
        FilterState::of::<T>(storage)
    }
    fn matches(state: &FilterState, table: &Table) -> bool {
        state.sparse || table.index_of(state.id).is_some()
    }
    fn exact(state: &FilterState) -> bool {
        !state.sparse
    }
    fn fetch_table<'w>(
        state: &FilterState,
        storage: &'w Storage,
        table: &'w Table,
        _: u32,
        _: u32,
    ) -> PresenceFetch<'w> {
        PresenceFetch(state.set(storage).map(|set| (table.entities().iter(), set)))
    }
    fn sparse_only(state: &FilterState) -> bool {
        state.sparse
    }
    fn fetch_set<'w>(
        state: &FilterState,
        storage: &'w Storage,
        driver: DriverSet<'w>,
        _: u32,
        _: u32,
    ) -> PresenceFetch<'w> {
        let DriverSet { id: driver, set } = driver;
        if state.id == driver {
            return PresenceFetch(None);
        }
        PresenceFetch(state.set(storage).map(|own| (set.entities().iter(), own)))
    }
    #[inline(always)]
    fn filter(fetch: &mut PresenceFetch<'_>) -> bool {
        fetch.next().unwrap_or(true)
    }
    #[inline(always)]
    fn passes_all(fetch: &PresenceFetch<'_>) -> bool {
        fetch.0.is_none()
    }
    fn split<'w>(fetch: Self::Fetch<'w>, at: usize) -> (Self::Fetch<'w>, Self::Fetch<'w>) {
        fetch.split(at)
    }
}

impl<T: Component> QueryFilter for Without<T> {
    /// `None` where the world does not know `T`: every row passes.
    type State = Option<FilterState>;
    type Fetch<'w> = PresenceFetch<'w>;

    fn access(access: &mut Access) -> Result<(), AccessConflict> {
        access.filter::<T>();
        Ok(())
    }
    fn register(world: &mut World) {
        world.init_component::<T>();
    }
    fn get_state(storage: &Storage) -> Option<Option<FilterState>> {
        Some(FilterState::of::<T>(storage))
    }
    fn matches(state: &Option<FilterState>, table: &Table) -> bool {
        state.is_none_or(|s| s.sparse || table.index_of(s.id).is_none())
    }
    fn exact(state: &Option<FilterState>) -> bool {
        state.is_none_or(|s| !s.sparse)
    }
    fn fetch_table<'w>(
        state: &Option<FilterState>,
        storage: &'w Storage,
        table: &'w Table,
        _: u32,
        _: u32,
    ) -> PresenceFetch<'w> {
        PresenceFetch(state.and_then(|s| s.set(storage)).map(|set| (table.entities().iter(), set)))
    }
    fn sparse_only(state: &Option<FilterState>) -> bool {
        state.is_none_or(|s| s.sparse)
    }
    fn fetch_set<'w>(
        state: &Option<FilterState>,
        storage: &'w Storage,
        driver: DriverSet<'w>,
        _: u32,
        _: u32,
    ) -> PresenceFetch<'w> {
        let set = driver.set;
        // `Without` the driver itself finds every row present, so nothing passes.
        PresenceFetch(state.and_then(|s| s.set(storage)).map(|own| (set.entities().iter(), own)))
    }
    #[inline(always)]
    fn filter(fetch: &mut PresenceFetch<'_>) -> bool {
        fetch.next().is_none_or(|present| !present)
    }
    #[inline(always)]
    fn passes_all(fetch: &PresenceFetch<'_>) -> bool {
        fetch.0.is_none()
    }
    fn split<'w>(fetch: Self::Fetch<'w>, at: usize) -> (Self::Fetch<'w>, Self::Fetch<'w>) {
        fetch.split(at)
    }
}

/// Rows whose `T` was added (spawned or inserted) since the query last ran.
///
/// A query's first run sees every row as added. Queries from [`World::query`] and
/// [`World::query_mut`] keep no state, so they always see every row; keep a
/// [`QueryState`](super::QueryState) (or use a system's `Query`) to see only what is new.
///
/// # Examples
///
/// ```
/// use cellar::{Added, QueryState, World};
/// let mut world = World::new();
/// world.spawn((1u8,));
/// let mut new = QueryState::<&u8, Added<u8>>::new(&mut world);
/// assert_eq!(new.iter(&world).count(), 1);
/// assert_eq!(new.iter(&world).count(), 0);
/// world.spawn((2u8,));
/// assert_eq!(new.iter(&world).copied().collect::<Vec<_>>(), [2]);
/// ```
#[derive(Debug)]
pub struct Added<T>(PhantomData<fn() -> T>);

/// Rows whose `T` was added, or handed out as `&mut T` (by a query or
/// [`World::get_mut`]), since the query last ran.
///
/// Handing out `&mut T` counts as a change whether or not the value is written, as in
/// bevy's change detection without its `Mut<T>` wrapper; a query does not see its own
/// changes on its next run. Loops that visit every row of a table (`for_each`, `fold`,
/// `par_iter`) mark all the table's rows at once before visiting them, so a loop that panics
/// part-way may leave later rows of that table marked as well.
///
/// # Examples
///
/// ```
/// use cellar::{Changed, QueryState, World};
/// let mut world = World::new();
/// let a = world.spawn((1u8,));
/// world.spawn((2u8,));
/// let mut changed = QueryState::<&u8, Changed<u8>>::new(&mut world);
/// assert_eq!(changed.iter(&world).count(), 2, "first run: everything is new");
/// *world.get_mut::<u8>(a).unwrap() = 10;
/// assert_eq!(changed.iter(&world).copied().collect::<Vec<_>>(), [10]);
/// assert_eq!(changed.iter(&world).count(), 0);
/// ```
#[derive(Debug)]
pub struct Changed<T>(PhantomData<fn() -> T>);

/// A per-row tick check.
#[doc(hidden)]
#[derive(Debug, Default)]
pub struct TickFetch<'w> {
    inner: TickInner<'w>,
    /// Every row that has the component passes: a mark of every row (`Ticks::mark_all`) is
    /// newer than the last run.
    all: bool,
    last_run: u32,
    this_run: u32,
}

#[derive(Debug)]
enum TickInner<'w> {
    Dense { ticks: slice::Iter<'w, RowTicks>, added: bool },
    Sparse { entities: slice::Iter<'w, Entity>, set: &'w SparseSet, added: bool },
}

impl Default for TickInner<'_> {
    fn default() -> Self {
        TickInner::Dense { ticks: Default::default(), added: false }
    }
}

impl TickFetch<'_> {
    #[inline(always)]
    fn next(&mut self) -> bool {
        let (ticks, added) = match &mut self.inner {
            TickInner::Dense { ticks, added } => (ticks.next(), *added),
            TickInner::Sparse { entities, set, added } => {
                (entities.next().and_then(|e| set.ticks().rows.get(set.row(*e)?)), *added)
            }
        };
        ticks.is_some_and(|t| {
            let tick = if added { t.added.load() } else { t.changed.load() };
            self.all || is_newer(tick, self.last_run, self.this_run)
        })
    }

    fn split(self, at: usize) -> (Self, Self) {
        let (all, last_run, this_run) = (self.all, self.last_run, self.this_run);
        let (a, b) = match self.inner {
            TickInner::Dense { ticks, added } => {
                let s = ticks.as_slice();
                let (a, b) = s.split_at(at.min(s.len()));
                (
                    TickInner::Dense { ticks: a.iter(), added },
                    TickInner::Dense { ticks: b.iter(), added },
                )
            }
            TickInner::Sparse { entities, set, added } => {
                let s = entities.as_slice();
                let (a, b) = s.split_at(at.min(s.len()));
                (
                    TickInner::Sparse { entities: a.iter(), set, added },
                    TickInner::Sparse { entities: b.iter(), set, added },
                )
            }
        };
        (
            TickFetch { inner: a, all, last_run, this_run },
            TickFetch { inner: b, all, last_run, this_run },
        )
    }
}

fn tick_fetch<'w>(
    state: &FilterState,
    storage: &'w Storage,
    table: &'w Table,
    added: bool,
    last_run: u32,
    this_run: u32,
) -> TickFetch<'w> {
    let (inner, ticks) = match state.set(storage) {
        Some(set) => {
            (TickInner::Sparse { entities: table.entities().iter(), set, added }, Some(set.ticks()))
        }
        None => match table.index_of(state.id) {
            Some(i) => {
                let ticks = table.ticks(i);
                (TickInner::Dense { ticks: ticks.rows.iter(), added }, Some(ticks))
            }
            None => (TickInner::default(), None),
        },
    };
    tick_window(inner, ticks, added, last_run, this_run)
}

/// `tick_fetch` over the rows of sparse set `set` (of component `driver`).
fn tick_fetch_set<'w>(
    state: &FilterState,
    storage: &'w Storage,
    driver: ComponentId,
    set: &'w SparseSet,
    added: bool,
    (last_run, this_run): (u32, u32),
) -> TickFetch<'w> {
    let (inner, ticks) = match state.set(storage) {
        Some(own) if state.id == driver => {
            (TickInner::Dense { ticks: own.ticks().rows.iter(), added }, Some(own.ticks()))
        }
        Some(own) => (
            TickInner::Sparse { entities: set.entities().iter(), set: own, added },
            Some(own.ticks()),
        ),
        // A table component: not in an all-sparse query.
        None => (TickInner::default(), None),
    };
    tick_window(inner, ticks, added, last_run, this_run)
}

fn tick_window<'w>(
    inner: TickInner<'w>,
    ticks: Option<&'w Ticks>,
    added: bool,
    last_run: u32,
    this_run: u32,
) -> TickFetch<'w> {
    let all =
        !added && ticks.and_then(Ticks::pending).is_some_and(|t| is_newer(t, last_run, this_run));
    TickFetch { inner, all, last_run, this_run }
}

macro_rules! tick_filter {
    ($ty:ident, $added:expr) => {
        impl<T: Component> QueryFilter for $ty<T> {
            type State = FilterState;
            type Fetch<'w> = TickFetch<'w>;

            fn access(access: &mut Access) -> Result<(), AccessConflict> {
                access.filter::<T>();
                Ok(())
            }
            fn register(world: &mut World) {
                world.init_component::<T>();
            }
            fn get_state(storage: &Storage) -> Option<FilterState> {
                FilterState::of::<T>(storage)
            }
            fn matches(state: &FilterState, table: &Table) -> bool {
                state.sparse || table.index_of(state.id).is_some()
            }
            fn exact(_: &FilterState) -> bool {
                false
            }
            fn fetch_table<'w>(
                state: &FilterState,
                storage: &'w Storage,
                table: &'w Table,
                last_run: u32,
                this_run: u32,
            ) -> TickFetch<'w> {
                tick_fetch(state, storage, table, $added, last_run, this_run)
            }
            fn sparse_only(state: &FilterState) -> bool {
                state.sparse
            }
            fn fetch_set<'w>(
                state: &FilterState,
                storage: &'w Storage,
                driver: DriverSet<'w>,
                last_run: u32,
                this_run: u32,
            ) -> TickFetch<'w> {
                let DriverSet { id: driver, set } = driver;
                tick_fetch_set(state, storage, driver, set, $added, (last_run, this_run))
            }
            #[inline(always)]
            fn filter(fetch: &mut TickFetch<'_>) -> bool {
                fetch.next()
            }
            #[inline(always)]
            fn passes_all(fetch: &TickFetch<'_>) -> bool {
                // A sparse look-up still decides whether the row has the component.
                fetch.all && matches!(fetch.inner, TickInner::Dense { .. })
            }
            fn split<'w>(fetch: Self::Fetch<'w>, at: usize) -> (Self::Fetch<'w>, Self::Fetch<'w>) {
                fetch.split(at)
            }
        }
    };
}

tick_filter!(Added, true);
tick_filter!(Changed, false);

macro_rules! tuple_filter {
    ($($name:ident $s:ident $c:ident),*) => {
        #[allow(non_snake_case, unused_variables, clippy::unused_unit)]
        impl<$($name: QueryFilter),*> QueryFilter for ($($name,)*) {
            type State = ($($name::State,)*);
            type Fetch<'w> = ($($name::Fetch<'w>,)*);

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
            fn fetch_table<'w>(
                state: &Self::State,
                storage: &'w Storage,
                table: &'w Table,
                last_run: u32,
                this_run: u32,
            ) -> Self::Fetch<'w> {
                let ($($s,)*) = state;
                ($($name::fetch_table($s, storage, table, last_run, this_run),)*)
            }
            fn sparse_only(state: &Self::State) -> bool {
                let ($($s,)*) = state;
                true $(&& $name::sparse_only($s))*
            }
            fn fetch_set<'w>(
                state: &Self::State,
                storage: &'w Storage,
                driver: DriverSet<'w>,
                last_run: u32,
                this_run: u32,
            ) -> Self::Fetch<'w> {
                let ($($s,)*) = state;
                ($($name::fetch_set($s, storage, driver, last_run, this_run),)*)
            }
            #[inline(always)]
            fn filter(fetch: &mut Self::Fetch<'_>) -> bool {
                let ($($c,)*) = fetch;
                // Every part steps, even when an earlier one already failed.
                true $(& $name::filter($c))*
            }
            #[inline(always)]
            fn passes_all(fetch: &Self::Fetch<'_>) -> bool {
                let ($($c,)*) = fetch;
                true $(&& $name::passes_all($c))*
            }
            fn split<'w>(fetch: Self::Fetch<'w>, at: usize) -> (Self::Fetch<'w>, Self::Fetch<'w>) {
                let ($($c,)*) = fetch;
                $(let $s = $name::split($c, at);)*
                (($($s.0,)*), ($($s.1,)*))
            }
        }
    };
}

tuple_filter!();
tuple_filter!(A s0 c0);
tuple_filter!(A s0 c0, B s1 c1);
tuple_filter!(A s0 c0, B s1 c1, C s2 c2);
tuple_filter!(A s0 c0, B s1 c1, C s2 c2, D s3 c3);
tuple_filter!(A s0 c0, B s1 c1, C s2 c2, D s3 c3, E s4 c4);
tuple_filter!(A s0 c0, B s1 c1, C s2 c2, D s3 c3, E s4 c4, F s5 c5);
tuple_filter!(A s0 c0, B s1 c1, C s2 c2, D s3 c3, E s4 c4, F s5 c5, G s6 c6);
tuple_filter!(A s0 c0, B s1 c1, C s2 c2, D s3 c3, E s4 c4, F s5 c5, G s6 c6, H s7 c7);
tuple_filter!(A s0 c0, B s1 c1, C s2 c2, D s3 c3, E s4 c4, F s5 c5, G s6 c6, H s7 c7, I s8 c8);
tuple_filter!(A s0 c0, B s1 c1, C s2 c2, D s3 c3, E s4 c4, F s5 c5, G s6 c6, H s7 c7, I s8 c8, J s9 c9);
tuple_filter!(A s0 c0, B s1 c1, C s2 c2, D s3 c3, E s4 c4, F s5 c5, G s6 c6, H s7 c7, I s8 c8, J s9 c9, K s10 c10);
tuple_filter!(A s0 c0, B s1 c1, C s2 c2, D s3 c3, E s4 c4, F s5 c5, G s6 c6, H s7 c7, I s8 c8, J s9 c9, K s10 c10, L s11 c11);

/// Rows that pass any of the filters in a tuple: `Or<(Changed<A>, Added<B>)>`,
/// `Or<(With<A>, With<B>)>` (up to 8). `Or<()>` lets nothing through.
///
/// # Examples
///
/// ```
/// use cellar::{Or, With, World};
///
/// struct Player;
/// struct Enemy;
/// let mut world = World::new();
/// world.spawn((1u8, Player));
/// world.spawn((2u8, Enemy));
/// world.spawn((3u8,));
/// let mut fighters: Vec<u8> =
///     world.query_filtered::<&u8, Or<(With<Player>, With<Enemy>)>>().copied().collect();
/// fighters.sort();
/// assert_eq!(fighters, [1, 2]);
/// ```
#[derive(Debug)]
pub struct Or<T>(PhantomData<fn() -> T>);

macro_rules! or_filter {
    ($($name:ident $s:ident $c:ident),*) => {
        #[allow(non_snake_case, unused_variables, unused_mut, clippy::unused_unit)]
        impl<$($name: QueryFilter),*> QueryFilter for Or<($($name,)*)> {
            /// `None` for a part the world cannot match (a component it does not know).
            type State = ($(Option<$name::State>,)*);
            /// `None` for a part that does not match the table.
            type Fetch<'w> = ($(Option<$name::Fetch<'w>>,)*);

            fn access(access: &mut Access) -> Result<(), AccessConflict> {
                $($name::access(access)?;)*
                Ok(())
            }
            fn register(world: &mut World) {
                $($name::register(world);)*
            }
            fn get_state(storage: &Storage) -> Option<Self::State> {
                Some(($($name::get_state(storage),)*))
            }
            fn matches(state: &Self::State, table: &Table) -> bool {
                let ($($s,)*) = state;
                false $(|| $s.as_ref().is_some_and(|s| $name::matches(s, table)))*
            }
            fn exact(state: &Self::State) -> bool {
                let ($($s,)*) = state;
                true $(&& $s.as_ref().is_none_or($name::exact))*
            }
            fn fetch_table<'w>(
                state: &Self::State,
                storage: &'w Storage,
                table: &'w Table,
                last_run: u32,
                this_run: u32,
            ) -> Self::Fetch<'w> {
                let ($($s,)*) = state;
                ($($s.as_ref().filter(|s| $name::matches(s, table)).map(|s| {
                    $name::fetch_table(s, storage, table, last_run, this_run)
                }),)*)
            }
            fn sparse_only(state: &Self::State) -> bool {
                let ($($s,)*) = state;
                true $(&& $s.as_ref().is_none_or($name::sparse_only))*
            }
            fn fetch_set<'w>(
                state: &Self::State,
                storage: &'w Storage,
                driver: DriverSet<'w>,
                last_run: u32,
                this_run: u32,
            ) -> Self::Fetch<'w> {
                let ($($s,)*) = state;
                ($($s.as_ref().map(|s| {
                    $name::fetch_set(s, storage, driver, last_run, this_run)
                }),)*)
            }
            #[inline(always)]
            fn filter(fetch: &mut Self::Fetch<'_>) -> bool {
                let ($($c,)*) = fetch;
                // Every part steps, even when an earlier one already passed.
                false $(| $c.as_mut().is_some_and($name::filter))*
            }
            #[inline(always)]
            fn passes_all(fetch: &Self::Fetch<'_>) -> bool {
                let ($($c,)*) = fetch;
                false $(|| $c.as_ref().is_some_and($name::passes_all))*
            }
            fn split<'w>(fetch: Self::Fetch<'w>, at: usize) -> (Self::Fetch<'w>, Self::Fetch<'w>) {
                let ($($c,)*) = fetch;
                $(let $s = match $c {
                    Some(f) => {
                        let (a, b) = $name::split(f, at);
                        (Some(a), Some(b))
                    }
                    None => (None, None),
                };)*
                (($($s.0,)*), ($($s.1,)*))
            }
        }
    };
}

or_filter!();
or_filter!(A s0 c0);
or_filter!(A s0 c0, B s1 c1);
or_filter!(A s0 c0, B s1 c1, C s2 c2);
or_filter!(A s0 c0, B s1 c1, C s2 c2, D s3 c3);
or_filter!(A s0 c0, B s1 c1, C s2 c2, D s3 c3, E s4 c4);
or_filter!(A s0 c0, B s1 c1, C s2 c2, D s3 c3, E s4 c4, F s5 c5);
or_filter!(A s0 c0, B s1 c1, C s2 c2, D s3 c3, E s4 c4, F s5 c5, G s6 c6);
or_filter!(A s0 c0, B s1 c1, C s2 c2, D s3 c3, E s4 c4, F s5 c5, G s6 c6, H s7 c7);
