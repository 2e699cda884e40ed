//! `QueryState`: a query's cached matches; `Query`: one run of it over borrowed tokens.
#![allow(unsafe_code)] // A `Query`'s table walks promise that its state and columns are of its storage.

use std::marker::PhantomData;

use rayon::prelude::*;

use smallvec::SmallVec;

use super::data::{DriverSet, QueryData, ReadOnlyQuery};
use super::filter::QueryFilter;
use super::iter::{QueryIter, fold_tables, run_rows};
use crate::access::Access;
use crate::component::ComponentId;
use crate::entity::{Entity, WorldId};
use crate::error::QueryError;
use crate::lend::{ListedTokens, SharedTokens, TokenSource};
use crate::storage::{SparseSet, Storage, Table, TokenId};
use crate::world::World;

/// A query's cached state: the component ids it uses, the tables it matches, and the tick of
/// its last run (for [`Added`](crate::Added) and [`Changed`](crate::Changed)).
///
/// Tables are never removed, so the cache only grows: each run checks the tables made since
/// the last one and nothing else. Keep a `QueryState` where a query runs often; this is also
/// what a system's `Query` parameter holds.
///
/// # Examples
///
/// ```
/// use cellar::{QueryState, World};
///
/// struct Position(f32);
/// struct Velocity(f32);
///
/// let mut world = World::new();
/// world.spawn_batch((0..10).map(|i| (Position(0.0), Velocity(i as f32))));
/// let mut movement = QueryState::<(&mut Position, &Velocity)>::new(&mut world);
/// for _ in 0..2 {
///     movement.for_each_mut(&mut world, |(p, v)| p.0 += v.0);
/// }
/// let total: f32 = world.query::<&Position>().map(|p| p.0).sum();
/// assert_eq!(total, 90.0);
/// ```
pub struct QueryState<Q: QueryData, F: QueryFilter = ()> {
    world: WorldId,
    pub(super) q: Q::State,
    pub(super) f: F::State,
    access: Access,
    /// The tokens a run takes, sorted.
    tokens: SmallVec<[TokenId; 4]>,
    /// The indices of the tables that match, strictly increasing: [`update`](Self::update)
    /// pushes them in table order and nothing removes them ([`tables_of`](Self::tables_of)
    /// relies on the order).
    pub(super) matched: Vec<u32>,
    /// Parallel to `matched` (pushed together, never removed): each matched table's
    /// [`QueryData::TableCache`], `Q::table_cache(&q, table)` of the table of the state's
    /// world at that index. [`update`](Self::update) runs only on the storage of world
    /// `world` (the one storage with that id), so the entries stay right for every run: a
    /// table's components and column positions never change, and tables are never removed.
    /// The table walk passes them to [`QueryData::fetch_cached`], which relies on this.
    pub(super) caches: Vec<Q::TableCache>,
    /// By table index: whether the table is in `matched`.
    pub(super) is_matched: Vec<bool>,
    /// For a query whose components are all sparse: the one whose set it walks instead of
    /// the tables (fixed: a component's storage never changes once it is known).
    pub(super) driver: Option<ComponentId>,
    last_run: u32,
    _types: PhantomData<fn() -> (Q, F)>,
}

impl<Q: QueryData, F: QueryFilter> std::fmt::Debug for QueryState<Q, F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QueryState")
            .field("query", &std::any::type_name::<Q>())
            .field("filter", &std::any::type_name::<F>())
            .field("matched_tables", &self.matched.len())
            .finish()
    }
}

impl<Q: QueryData, F: QueryFilter> QueryState<Q, F> {
    /// The state of query `Q` with filter `F` on `world`.
    ///
    /// # Panics
    ///
    /// If the query aliases (`(&mut T, &T)`), with a message naming the type; see
    /// [`try_new`](Self::try_new) for the `Result`.
    ///
    /// ```should_panic
    /// # use cellar::*;
    /// struct Position(f32);
    /// let mut world = World::new();
    /// let _ = QueryState::<(&mut Position, &Position)>::new(&mut world);
    /// ```
    #[track_caller]
    pub fn new(world: &mut World) -> Self {
        Self::try_new(world).unwrap_or_else(|e| panic!("{e}"))
    }

    /// The state of query `Q` with filter `F` on `world`.
    ///
    /// # Errors
    ///
    /// [`QueryError::Conflict`] naming the type if the query aliases.
    ///
    /// ```
    /// use cellar::{QueryError, QueryState, World};
    /// struct Position(f32);
    /// let mut world = World::new();
    /// let err = QueryState::<(&mut Position, &mut Position)>::try_new(&mut world).unwrap_err();
    /// assert_eq!(err, QueryError::Conflict { component: std::any::type_name::<Position>() });
    /// ```
    pub fn try_new(world: &mut World) -> Result<Self, QueryError> {
        let access = Access::of_query::<Q, F>()?;
        Q::register(world);
        F::register(world);
        let storage = world.storage();
        let q = Q::get_state(storage).expect("every component was registered");
        let f = F::get_state(storage).expect("every component was registered");
        let mut state = QueryState {
            world: world.id(),
            driver: driver::<Q, F>(&q, &f),
            q,
            f,
            tokens: access.token_ids(storage),
            access,
            matched: Vec::new(),
            caches: Vec::new(),
            is_matched: Vec::new(),
            last_run: 0,
            _types: PhantomData,
        };
        state.update(storage);
        Ok(state)
    }

    /// The state for `storage` without registering anything; `None` if a component the
    /// query needs is unknown there (then it matches nothing).
    pub(crate) fn from_storage(storage: &Storage) -> Option<Result<Self, QueryError>> {
        let access = match Access::of_query::<Q, F>() {
            Ok(access) => access,
            Err(e) => return Some(Err(e.into())),
        };
        let (q, f) = (Q::get_state(storage)?, F::get_state(storage)?);
        let mut state = QueryState {
            world: storage.world_id(),
            driver: driver::<Q, F>(&q, &f),
            q,
            f,
            tokens: access.token_ids(storage),
            access,
            matched: Vec::new(),
            caches: Vec::new(),
            is_matched: Vec::new(),
            last_run: 0,
            _types: PhantomData,
        };
        state.update(storage);
        Some(Ok(state))
    }

    /// What the query reads and writes, for comparing with other queries.
    ///
    /// ```
    /// use cellar::{QueryState, World};
    /// let mut world = World::new();
    /// let state = QueryState::<(&mut u8, &u16)>::new(&mut world);
    /// assert_eq!(state.access().writes().next().unwrap().type_name(), "u8");
    /// ```
    pub fn access(&self) -> &Access {
        &self.access
    }

    /// The id of the world this state was made for.
    ///
    /// ```
    /// use cellar::{QueryState, World};
    /// let mut world = World::new();
    /// assert_eq!(QueryState::<&u8>::new(&mut world).world_id(), world.id());
    /// ```
    pub fn world_id(&self) -> WorldId {
        self.world
    }

    pub(crate) fn token_ids(&self) -> &[TokenId] {
        &self.tokens
    }

    pub(crate) fn q_state(&self) -> &Q::State {
        &self.q
    }

    /// Starts a run: returns `(last_run, this_run)` and remembers `this_run`.
    pub(crate) fn begin_run(&mut self, storage: &Storage) -> (u32, u32) {
        let this_run = storage.next_run_tick();
        (std::mem::replace(&mut self.last_run, this_run), this_run)
    }

    /// Checks the tables made since the last update. Only ever called with the storage of
    /// world `self.world` (see `caches`).
    ///
    /// A table is recorded only once its cache entry is made, and then in pushes that cannot
    /// fail (the room is reserved first): a `matches` or `table_cache` that panics (a user's
    /// `QueryData` may) leaves `matched` and `caches` as long as each other, which the table
    /// walk's unchecked reads rely on, and the table is checked again by the next update.
    fn update(&mut self, storage: &Storage) {
        for (t, table) in storage.tables().iter().enumerate().skip(self.is_matched.len()) {
            let m = Q::matches(&self.q, table) && F::matches(&self.f, table);
            let cache = m.then(|| Q::table_cache(&self.q, table));
            self.is_matched.reserve(1);
            self.matched.reserve(1);
            self.caches.reserve(1);
            if let Some(cache) = cache {
                self.matched.push(t as u32);
                self.caches.push(cache);
            }
            self.is_matched.push(m);
        }
    }

    /// `storage`'s tables, checked to hold every matched table: a run's table walk then
    /// looks its tables up unchecked. One compare, with the last (the greatest: `matched`
    /// is strictly increasing).
    ///
    /// # Panics
    ///
    /// If a matched table is not in `storage`, which cannot happen: a state runs only on the
    /// world it was made for (`check_world`), whose tables are never removed.
    #[inline]
    pub(super) fn tables_of<'w>(&self, storage: &'w Storage) -> &'w [Table] {
        let tables = storage.tables();
        let last = self.matched.last().map_or(0, |&t| t as usize + 1);
        assert!(last <= tables.len(), "a query state's matched tables are its world's");
        tables
    }

    /// The number of row sources a run walks: the matched tables, or the driver's set.
    #[inline]
    pub(super) fn sources(&self) -> usize {
        if self.driver.is_some() { 1 } else { self.matched.len() }
    }

    /// The number of rows of source `i`.
    pub(super) fn source_len(&self, storage: &Storage, i: usize) -> usize {
        match self.driver {
            Some(id) => storage.store(id).sparse().map_or(0, SparseSet::len),
            None => self.matched.get(i).map_or(0, |&t| storage.table(t).len()),
        }
    }

    /// The cursors over source `i` (sources in increasing order), and its number of rows.
    #[inline(always)]
    #[allow(clippy::type_complexity)]
    pub(super) fn fetch_source<'w>(
        &self,
        storage: &'w Storage,
        columns: &mut Q::Columns<'w>,
        i: usize,
        (last_run, this_run): (u32, u32),
    ) -> Option<(Q::Fetch<'w>, F::Fetch<'w>, usize)> {
        if let Some(id) = self.driver {
            if i != 0 {
                return None;
            }
            let driver = DriverSet { id, set: storage.store(id).sparse()? };
            let fetch = Q::fetch_set(&self.q, columns, driver, (last_run, this_run));
            let filter = F::fetch_set(&self.f, storage, driver, last_run, this_run);
            return Some((fetch, filter, driver.set.len()));
        }
        let table: &'w Table = storage.table(*self.matched.get(i)?);
        let fetch = Q::fetch_table(&self.q, columns, table, (last_run, this_run));
        let filter = F::fetch_table(&self.f, storage, table, last_run, this_run);
        Some((fetch, filter, table.len()))
    }

    fn check_world(&self, storage: &Storage) {
        assert!(
            storage.world_id() == self.world,
            "a QueryState made for world {:?} was used with world {:?}",
            self.world,
            storage.world_id()
        );
    }

    /// One run of the query over `storage`, with the tokens taken from `tokens`: the way to
    /// query from a system, which holds `&Storage` and the tokens lent to it.
    ///
    /// # Errors
    ///
    /// [`QueryError::MissingToken`] if `tokens` cannot give a token the query needs (shared
    /// for reads, exclusive for writes), [`QueryError::WrongToken`] if a token is not the
    /// owner of the columns.
    ///
    /// # Panics
    ///
    /// If `storage` belongs to another world than the one the state was made for.
    ///
    /// ```
    /// use cellar::{QueryError, QueryState, SharedTokens, World};
    /// let mut world = World::new();
    /// world.spawn((1u8,));
    /// let mut state = QueryState::<&mut u8>::new(&mut world);
    /// let mut shared = SharedTokens::new(world.tokens());
    /// let err = state.query(world.storage(), &mut shared).unwrap_err();
    /// assert_eq!(err, QueryError::MissingToken { component: "u8" });
    /// ```
    pub fn query<'w, 's, S: TokenSource<'w> + ?Sized>(
        &'s mut self,
        storage: &'w Storage,
        tokens: &mut S,
    ) -> Result<Query<'w, 's, Q, F>, QueryError> {
        self.check_world(storage);
        self.update(storage);
        let columns = Q::columns(&self.q, storage, tokens)?;
        let (last_run, this_run) = self.begin_run(storage);
        Ok(Query { storage, state: self, columns, last_run, this_run })
    }

    /// One run over the whole `world`, with all of its tokens.
    ///
    /// A state made for another world is remade for this one.
    ///
    /// ```
    /// use cellar::{QueryState, World};
    /// let mut world = World::new();
    /// let e = world.spawn((1u8,));
    /// let mut state = QueryState::<&mut u8>::new(&mut world);
    /// *state.query_mut(&mut world).get_mut(e).unwrap() = 2;
    /// assert_eq!(world.get::<u8>(e), Ok(&2));
    /// ```
    pub fn query_mut<'w>(&'w mut self, world: &'w mut World) -> Query<'w, 'w, Q, F> {
        if world.id() != self.world {
            *self = Self::try_new(world).expect("the access was valid before");
        }
        let (storage, tokens) = world.split();
        let mut source = ListedTokens::new(tokens, &self.tokens);
        self.query(storage, &mut source).expect("a world lends every token of its own")
    }

    /// One read-only run over the whole `world`.
    ///
    /// # Panics
    ///
    /// If `world` is not the world the state was made for.
    ///
    /// ```
    /// use cellar::{QueryState, World};
    /// let mut world = World::new();
    /// world.spawn((1u8,));
    /// let mut state = QueryState::<&u8>::new(&mut world);
    /// assert_eq!(state.query_ref(&world).iter().count(), 1);
    /// ```
    pub fn query_ref<'w>(&'w mut self, world: &'w World) -> Query<'w, 'w, Q, F>
    where
        Q: ReadOnlyQuery,
    {
        let mut source = SharedTokens::new(world.tokens());
        self.query(world.storage(), &mut source).expect("a world lends every token of its own")
    }

    /// Iterates a read-only query over `world`.
    ///
    /// # Panics
    ///
    /// If `world` is not the world the state was made for.
    ///
    /// ```
    /// use cellar::{QueryState, World};
    /// let mut world = World::new();
    /// world.spawn((3u8,));
    /// let mut state = QueryState::<&u8>::new(&mut world);
    /// assert_eq!(state.iter(&world).copied().collect::<Vec<_>>(), [3]);
    /// ```
    pub fn iter<'w>(&'w mut self, world: &'w World) -> QueryIter<'w, 'w, Q, F>
    where
        Q: ReadOnlyQuery,
    {
        self.query_ref(world).into_iter()
    }

    /// Iterates the query over `world`, mutably.
    ///
    /// ```
    /// use cellar::{QueryState, World};
    /// let mut world = World::new();
    /// let e = world.spawn((3u8,));
    /// let mut state = QueryState::<&mut u8>::new(&mut world);
    /// for n in state.iter_mut(&mut world) {
    ///     *n += 1;
    /// }
    /// assert_eq!(world.get::<u8>(e), Ok(&4));
    /// ```
    pub fn iter_mut<'w>(&'w mut self, world: &'w mut World) -> QueryIter<'w, 'w, Q, F> {
        self.query_mut(world).into_iter()
    }

    /// The item of one entity, read-only.
    ///
    /// # Errors
    ///
    /// [`QueryError::NoSuchEntity`] for a dead, stale or foreign entity,
    /// [`QueryError::NoMatch`] if it does not match.
    ///
    /// ```
    /// use cellar::{QueryError, QueryState, World};
    /// let mut world = World::new();
    /// let a = world.spawn((1u8,));
    /// let b = world.spawn((1u16,));
    /// let mut state = QueryState::<&u8>::new(&mut world);
    /// assert_eq!(state.get(&world, a), Ok(&1));
    /// assert_eq!(state.get(&world, b), Err(QueryError::NoMatch(b)));
    /// ```
    pub fn get<'w>(
        &'w mut self,
        world: &'w World,
        entity: Entity,
    ) -> Result<Q::Item<'w>, QueryError>
    where
        Q: ReadOnlyQuery,
    {
        let query = self.query_ref(world);
        let (storage, state, columns, last_run, this_run) =
            (query.storage, query.state, query.columns, query.last_run, query.this_run);
        fetch_one::<Q, F>(storage, state, columns, entity, last_run, this_run)
    }

    /// The item of one entity, mutably.
    ///
    /// # Errors
    ///
    /// As [`get`](Self::get).
    ///
    /// ```
    /// use cellar::{QueryState, World};
    /// let mut world = World::new();
    /// let e = world.spawn((1u8,));
    /// let mut state = QueryState::<&mut u8>::new(&mut world);
    /// *state.get_mut(&mut world, e).unwrap() = 9;
    /// assert_eq!(world.get::<u8>(e), Ok(&9));
    /// ```
    pub fn get_mut<'w>(
        &'w mut self,
        world: &'w mut World,
        entity: Entity,
    ) -> Result<Q::Item<'w>, QueryError> {
        let query = self.query_mut(world);
        let (storage, state, columns, last_run, this_run) =
            (query.storage, query.state, query.columns, query.last_run, query.this_run);
        fetch_one::<Q, F>(storage, state, columns, entity, last_run, this_run)
    }

    /// Calls `f` with every item, read-only: the fastest sequential loop.
    ///
    /// ```
    /// use cellar::{QueryState, World};
    /// let mut world = World::new();
    /// world.spawn_batch((0..4u32).map(|i| (i,)));
    /// let mut state = QueryState::<&u32>::new(&mut world);
    /// let mut sum = 0;
    /// state.for_each(&world, |n| sum += n);
    /// assert_eq!(sum, 6);
    /// ```
    pub fn for_each<'w>(&'w mut self, world: &'w World, f: impl FnMut(Q::Item<'w>))
    where
        Q: ReadOnlyQuery,
    {
        self.query_ref(world).for_each_ref(f);
    }

    /// Calls `f` with every item, mutably: the fastest sequential loop.
    ///
    /// ```
    /// use cellar::{QueryState, World};
    /// let mut world = World::new();
    /// let e = world.spawn((1u32,));
    /// let mut state = QueryState::<&mut u32>::new(&mut world);
    /// state.for_each_mut(&mut world, |n| *n *= 5);
    /// assert_eq!(world.get::<u32>(e), Ok(&5));
    /// ```
    pub fn for_each_mut<'w>(&'w mut self, world: &'w mut World, f: impl FnMut(Q::Item<'w>)) {
        self.query_mut(world).for_each_owned(f);
    }

    /// Calls `f` with every item, mutably, in parallel on rayon's pool.
    ///
    /// ```
    /// use cellar::{QueryState, World};
    /// let mut world = World::new();
    /// world.spawn_batch((0..1000u64).map(|i| (i,)));
    /// let mut state = QueryState::<&mut u64>::new(&mut world);
    /// state.par_for_each_mut(&mut world, |n| *n *= 2);
    /// assert_eq!(world.query::<&u64>().sum::<u64>(), 999 * 1000);
    /// ```
    pub fn par_for_each_mut<'w>(
        &'w mut self,
        world: &'w mut World,
        f: impl Fn(Q::Item<'w>) + Send + Sync,
    ) {
        let query = self.query_mut(world);
        ParIter::<'w, 'w, Q, F> {
            storage: query.storage,
            state: query.state,
            columns: query.columns,
            last_run: query.last_run,
            this_run: query.this_run,
            batch: None,
        }
        .for_each(f)
    }
}

/// The component whose sparse set a query walks, if every component it uses is sparse and
/// one of them is needed by every item.
fn driver<Q: QueryData, F: QueryFilter>(q: &Q::State, f: &F::State) -> Option<ComponentId> {
    if Q::sparse_only(q) && F::sparse_only(f) { Q::driver(q) } else { None }
}

pub(super) fn fetch_one<'w, Q: QueryData, F: QueryFilter>(
    storage: &'w Storage,
    state: &QueryState<Q, F>,
    mut columns: Q::Columns<'w>,
    entity: Entity,
    last_run: u32,
    this_run: u32,
) -> Result<Q::Item<'w>, QueryError> {
    let loc = storage.location(entity).ok_or(QueryError::NoSuchEntity(entity))?;
    if !state.is_matched.get(loc.table as usize).copied().unwrap_or(false) {
        return Err(QueryError::NoMatch(entity));
    }
    let table = storage.table(loc.table);
    let row = loc.row as usize;
    let fetch = Q::fetch_table(&state.q, &mut columns, table, (last_run, this_run));
    let filter = F::fetch_table(&state.f, storage, table, last_run, this_run);
    let (_, mut fetch) = Q::split(fetch, row);
    let (_, mut filter) = F::split(filter, row);
    if !F::filter(&mut filter) {
        return Err(QueryError::NoMatch(entity));
    }
    Q::fetch(&mut fetch).ok_or(QueryError::NoMatch(entity))
}

/// One run of a query: the storage, the query's state, and its columns, checked against the
/// tokens it was given.
///
/// Made by [`QueryState::query`] (from `&Storage` and borrowed tokens, as in a system),
/// [`QueryState::query_mut`] or [`QueryState::query_ref`]. The borrows of the tokens last as
/// long as the `Query`, so nothing else can write what it reads or touch what it writes.
///
/// # Examples
///
/// ```
/// use cellar::{QueryState, World};
/// let mut world = World::new();
/// let e = world.spawn((1u8, 2u16));
/// let mut state = QueryState::<(&mut u8, &u16)>::new(&mut world);
/// let mut query = state.query_mut(&mut world);
/// for (a, b) in query.iter_mut() {
///     *a += *b as u8;
/// }
/// let (a, _) = query.get_mut(e).unwrap();
/// assert_eq!(*a, 3);
/// ```
///
/// # Invariants
///
/// `state` was last updated on `storage`, of its own world, and `columns` were made by
/// `Q::columns` for `state.q` from `storage` ([`QueryState::query`] makes every `Query`): so
/// the table walks over them may pass the state's cache entries to
/// [`QueryData::fetch_cached`].
pub struct Query<'w, 's, Q: QueryData, F: QueryFilter = ()> {
    pub(super) storage: &'w Storage,
    pub(super) state: &'s QueryState<Q, F>,
    pub(super) columns: Q::Columns<'w>,
    pub(super) last_run: u32,
    pub(super) this_run: u32,
}

impl<Q: QueryData, F: QueryFilter> std::fmt::Debug for Query<'_, '_, Q, F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Query").field("state", self.state).finish_non_exhaustive()
    }
}

impl<'w, 's, Q: QueryData, F: QueryFilter> Query<'w, 's, Q, F> {
    /// Iterates the items, read-only.
    ///
    /// ```
    /// use cellar::{QueryState, World};
    /// let mut world = World::new();
    /// world.spawn((1u8,));
    /// world.spawn((2u8, 'x'));
    /// let mut state = QueryState::<&u8>::new(&mut world);
    /// let query = state.query_ref(&world);
    /// let mut seen: Vec<u8> = query.iter().copied().collect();
    /// seen.sort();
    /// assert_eq!(seen, [1, 2]);
    /// assert_eq!(query.iter().count(), 2, "a read-only query can be iterated again");
    /// ```
    pub fn iter(&self) -> QueryIter<'_, 's, Q, F>
    where
        Q: ReadOnlyQuery,
    {
        let columns = Some(Q::copy_columns(&self.columns));
        // SAFETY:
        // - `state` is this query's and `columns` a copy of its columns (`ReadOnlyQuery`'s
        //   promise), made for `storage` (Invariants).
        unsafe {
            QueryIter::new(
                self.storage,
                StateRef::Borrowed(self.state),
                columns,
                self.last_run,
                self.this_run,
            )
        }
    }

    /// Iterates the items, mutably.
    ///
    /// ```
    /// use cellar::{QueryState, World};
    /// let mut world = World::new();
    /// let e = world.spawn((1u8,));
    /// let mut state = QueryState::<&mut u8>::new(&mut world);
    /// let mut query = state.query_mut(&mut world);
    /// query.iter_mut().for_each(|n| *n = 7);
    /// query.iter_mut().for_each(|n| *n += 1);
    /// assert_eq!(world.get::<u8>(e), Ok(&8));
    /// ```
    pub fn iter_mut(&mut self) -> QueryIter<'_, 's, Q, F> {
        let columns = Some(Q::reborrow(&mut self.columns));
        // SAFETY:
        // - `state` and `columns` are this query's, made for `storage` (Invariants).
        unsafe {
            QueryIter::new(
                self.storage,
                StateRef::Borrowed(self.state),
                columns,
                self.last_run,
                self.this_run,
            )
        }
    }

    /// The item of one entity, read-only.
    ///
    /// # Errors
    ///
    /// [`QueryError::NoSuchEntity`] for a dead, stale or foreign entity,
    /// [`QueryError::NoMatch`] if it does not match.
    ///
    /// ```
    /// use cellar::{QueryState, World};
    /// let mut world = World::new();
    /// let e = world.spawn((1u8,));
    /// let mut state = QueryState::<&u8>::new(&mut world);
    /// assert_eq!(state.query_ref(&world).get(e), Ok(&1));
    /// ```
    pub fn get(&self, entity: Entity) -> Result<Q::Item<'_>, QueryError>
    where
        Q: ReadOnlyQuery,
    {
        let columns = Q::copy_columns(&self.columns);
        fetch_one::<Q, F>(self.storage, self.state, columns, entity, self.last_run, self.this_run)
    }

    /// The item of one entity, mutably.
    ///
    /// # Errors
    ///
    /// As [`get`](Self::get).
    ///
    /// ```
    /// use cellar::{QueryError, QueryState, World};
    /// let mut world = World::new();
    /// let e = world.spawn((1u8,));
    /// world.despawn(e).unwrap();
    /// let mut state = QueryState::<&mut u8>::new(&mut world);
    /// assert_eq!(state.query_mut(&mut world).get_mut(e).err(), Some(QueryError::NoSuchEntity(e)));
    /// ```
    pub fn get_mut(&mut self, entity: Entity) -> Result<Q::Item<'_>, QueryError> {
        let columns = Q::reborrow(&mut self.columns);
        fetch_one::<Q, F>(self.storage, self.state, columns, entity, self.last_run, self.this_run)
    }

    /// Calls `f` with every item, read-only.
    ///
    /// ```
    /// use cellar::{QueryState, World};
    /// let mut world = World::new();
    /// world.spawn((2u8,));
    /// let mut state = QueryState::<&u8>::new(&mut world);
    /// let mut seen = vec![];
    /// state.query_ref(&world).for_each(|n| seen.push(*n));
    /// assert_eq!(seen, [2]);
    /// ```
    pub fn for_each(&self, mut f: impl FnMut(Q::Item<'_>))
    where
        Q: ReadOnlyQuery,
    {
        let mut columns = Q::copy_columns(&self.columns);
        let ticks = (self.last_run, self.this_run);
        // SAFETY:
        // - `state` is this query's and `columns` a copy of its columns (`ReadOnlyQuery`'s
        //   promise), made for `storage` (Invariants).
        unsafe {
            fold_tables(self.storage, self.state, &mut columns, 0, ticks, (), |(), item| f(item))
        };
    }

    /// `for_each` over the whole run's lifetime, for [`QueryState::for_each`].
    fn for_each_ref(self, mut f: impl FnMut(Q::Item<'w>))
    where
        Q: ReadOnlyQuery,
    {
        let Query { storage, state, mut columns, last_run, this_run } = self;
        // SAFETY:
        // - `state` and `columns` are this query's, made for `storage` (Invariants).
        unsafe {
            fold_tables(storage, state, &mut columns, 0, (last_run, this_run), (), |(), item| {
                f(item)
            })
        };
    }

    /// `for_each_mut` over the whole run's lifetime, for [`QueryState::for_each_mut`].
    fn for_each_owned(self, mut f: impl FnMut(Q::Item<'w>)) {
        let Query { storage, state, mut columns, last_run, this_run } = self;
        // SAFETY:
        // - `state` and `columns` are this query's, made for `storage` (Invariants).
        unsafe {
            fold_tables(storage, state, &mut columns, 0, (last_run, this_run), (), |(), item| {
                f(item)
            })
        };
    }

    /// Calls `f` with every item, mutably.
    ///
    /// ```
    /// use cellar::{QueryState, World};
    /// let mut world = World::new();
    /// let e = world.spawn((2u8,));
    /// let mut state = QueryState::<&mut u8>::new(&mut world);
    /// state.query_mut(&mut world).for_each_mut(|n| *n *= 3);
    /// assert_eq!(world.get::<u8>(e), Ok(&6));
    /// ```
    pub fn for_each_mut(&mut self, mut f: impl FnMut(Q::Item<'_>)) {
        let mut columns = Q::reborrow(&mut self.columns);
        let ticks = (self.last_run, self.this_run);
        // SAFETY:
        // - `state` and `columns` (reborrowed) are this query's, made for `storage`
        //   (Invariants).
        unsafe {
            fold_tables(self.storage, self.state, &mut columns, 0, ticks, (), |(), item| f(item))
        };
    }

    /// The items, read-only, for a parallel loop on rayon's pool.
    ///
    /// ```
    /// use cellar::{QueryState, World};
    /// use std::sync::atomic::{AtomicU64, Ordering};
    /// let mut world = World::new();
    /// world.spawn_batch((1..=100u64).map(|i| (i,)));
    /// let mut state = QueryState::<&u64>::new(&mut world);
    /// let sum = AtomicU64::new(0);
    /// state.query_ref(&world).par_iter().for_each(|n| {
    ///     sum.fetch_add(*n, Ordering::Relaxed);
    /// });
    /// assert_eq!(sum.into_inner(), 5050);
    /// ```
    pub fn par_iter(&self) -> ParIter<'_, 's, Q, F>
    where
        Q: ReadOnlyQuery,
    {
        ParIter {
            storage: self.storage,
            state: self.state,
            columns: Q::copy_columns(&self.columns),
            last_run: self.last_run,
            this_run: self.this_run,
            batch: None,
        }
    }

    /// The items, mutably, for a parallel loop on rayon's pool.
    ///
    /// ```
    /// use cellar::{QueryState, World};
    /// let mut world = World::new();
    /// world.spawn_batch((0..1000u32).map(|i| (i,)));
    /// let mut state = QueryState::<&mut u32>::new(&mut world);
    /// state.query_mut(&mut world).par_iter_mut().for_each(|n| *n += 1);
    /// assert_eq!(world.query::<&u32>().map(|n| *n as u64).sum::<u64>(), 500_500);
    /// ```
    pub fn par_iter_mut(&mut self) -> ParIter<'_, 's, Q, F> {
        ParIter {
            storage: self.storage,
            state: self.state,
            columns: Q::reborrow(&mut self.columns),
            last_run: self.last_run,
            this_run: self.this_run,
            batch: None,
        }
    }
}

impl<'w, 's, Q: QueryData, F: QueryFilter> IntoIterator for Query<'w, 's, Q, F> {
    type Item = Q::Item<'w>;
    type IntoIter = QueryIter<'w, 's, Q, F>;

    fn into_iter(self) -> Self::IntoIter {
        let columns = Some(self.columns);
        // SAFETY:
        // - `state` and `columns` are this query's, made for `storage` (Invariants).
        unsafe {
            QueryIter::new(
                self.storage,
                StateRef::Borrowed(self.state),
                columns,
                self.last_run,
                self.this_run,
            )
        }
    }
}

impl<'a, 's, Q: QueryData, F: QueryFilter> IntoIterator for &'a mut Query<'_, 's, Q, F> {
    type Item = Q::Item<'a>;
    type IntoIter = QueryIter<'a, 's, Q, F>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter_mut()
    }
}

/// `for item in &query` over a read-only query, as `query.iter()`.
///
/// ```
/// use cellar::prelude::*;
///
/// struct Score(u32);
/// fn total(scores: Query<&Score>, mut sum: ResMut<u32>) {
///     for score in &scores {
///         *sum += score.0;
///     }
/// }
/// let mut world = World::new();
/// world.insert_resource(0u32);
/// world.spawn_batch([(Score(1),), (Score(2),)]);
/// let mut schedule = Schedule::new();
/// schedule.add_system(total);
/// schedule.run(&mut world);
/// assert_eq!(*world.resource::<u32>().unwrap(), 3);
/// ```
impl<'a, 's, Q: ReadOnlyQuery, F: QueryFilter> IntoIterator for &'a Query<'_, 's, Q, F> {
    type Item = Q::Item<'a>;
    type IntoIter = QueryIter<'a, 's, Q, F>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// A query state borrowed from a caller or owned by a one-off iterator.
pub(crate) enum StateRef<'s, Q: QueryData, F: QueryFilter> {
    Borrowed(&'s QueryState<Q, F>),
    Owned(Box<QueryState<Q, F>>),
}

impl<Q: QueryData, F: QueryFilter> std::ops::Deref for StateRef<'_, Q, F> {
    type Target = QueryState<Q, F>;
    #[inline]
    fn deref(&self) -> &QueryState<Q, F> {
        match self {
            StateRef::Borrowed(s) => s,
            StateRef::Owned(s) => s,
        }
    }
}

/// A parallel loop over a query's items on rayon's pool: the matched tables are cut into
/// batches of rows, and each batch runs on one thread.
///
/// # Examples
///
/// ```
/// use cellar::{QueryState, World};
/// let mut world = World::new();
/// world.spawn_batch((0..10_000u32).map(|i| (i as f32,)));
/// let mut state = QueryState::<&mut f32>::new(&mut world);
/// state.query_mut(&mut world).par_iter_mut().batch_size(256).for_each(|x| *x = x.sqrt());
/// assert_eq!(world.query::<&f32>().filter(|x| **x == 3.0).count(), 1);
/// ```
pub struct ParIter<'w, 's, Q: QueryData, F: QueryFilter> {
    storage: &'w Storage,
    state: &'s QueryState<Q, F>,
    columns: Q::Columns<'w>,
    last_run: u32,
    this_run: u32,
    batch: Option<usize>,
}

impl<Q: QueryData, F: QueryFilter> std::fmt::Debug for ParIter<'_, '_, Q, F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ParIter").field("batch", &self.batch).finish_non_exhaustive()
    }
}

impl<'w, Q: QueryData, F: QueryFilter> ParIter<'w, '_, Q, F> {
    /// Sets the number of rows per batch (default: the rows spread over four batches per
    /// thread).
    ///
    /// ```
    /// use cellar::{QueryState, World};
    /// let mut world = World::new();
    /// world.spawn((1u8,));
    /// let mut state = QueryState::<&mut u8>::new(&mut world);
    /// state.query_mut(&mut world).par_iter_mut().batch_size(1).for_each(|n| *n = 2);
    /// ```
    pub fn batch_size(mut self, rows: usize) -> Self {
        self.batch = Some(rows.max(1));
        self
    }

    /// Calls `f` with every item, on rayon's pool.
    ///
    /// ```
    /// use cellar::{QueryState, World};
    /// let mut world = World::new();
    /// let e = world.spawn((1u8,));
    /// let mut state = QueryState::<&mut u8>::new(&mut world);
    /// state.query_mut(&mut world).par_iter_mut().for_each(|n| *n = 2);
    /// assert_eq!(world.get::<u8>(e), Ok(&2));
    /// ```
    pub fn for_each(self, f: impl Fn(Q::Item<'w>) + Send + Sync) {
        let ParIter { storage, state, mut columns, last_run, this_run, batch } = self;
        let sources = 0..state.sources();
        let total: usize = sources.clone().map(|i| state.source_len(storage, i)).sum();
        let batch =
            batch.unwrap_or_else(|| total.div_ceil(rayon::current_num_threads() * 4)).max(1);
        let mut jobs: Vec<(Q::Fetch<'w>, F::Fetch<'w>, usize)> = Vec::new();
        for i in sources {
            let Some((mut fetch, mut filter, mut rows)) =
                state.fetch_source(storage, &mut columns, i, (last_run, this_run))
            else {
                continue;
            };
            while rows > batch {
                let (a, rest) = Q::split(fetch, batch);
                let (fa, frest) = F::split(filter, batch);
                jobs.push((a, fa, batch));
                (fetch, filter, rows) = (rest, frest, rows - batch);
            }
            if rows > 0 {
                jobs.push((fetch, filter, rows));
            }
        }
        let run = |(fetch, filter, rows): (Q::Fetch<'w>, F::Fetch<'w>, usize)| {
            run_rows::<Q, F, ()>(fetch, filter, rows, (), &mut |(), item| f(item));
        };
        if jobs.len() <= 1 {
            jobs.into_iter().for_each(run);
        } else {
            jobs.into_par_iter().for_each(run);
        }
    }
}
