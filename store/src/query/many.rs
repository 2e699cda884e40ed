//! A query's items more than one at a time, or exactly one: `get_many(_mut)`,
//! `single(_mut)`, `iter_combinations(_mut)`.

use super::data::{QueryData, ReadOnlyQuery};
use super::filter::QueryFilter;
use super::state::Query;
use crate::entity::Entity;
use crate::error::QueryError;
use crate::storage::Table;

impl<'w, 's, Q: QueryData, F: QueryFilter> Query<'w, 's, Q, F> {
    /// The item of the one entity that matches, read-only.
    ///
    /// # Errors
    ///
    /// [`QueryError::NoEntities`] if none matches, [`QueryError::MultipleEntities`] if more
    /// than one does.
    ///
    /// ```
    /// use cellar::{QueryError, QueryState, With, World};
    /// struct Player;
    /// let mut world = World::new();
    /// world.spawn((100u32, Player));
    /// world.spawn((5u32,));
    /// let mut players = QueryState::<&u32, With<Player>>::new(&mut world);
    /// assert_eq!(players.query_ref(&world).single(), Ok(&100));
    /// let mut all = QueryState::<&u32>::new(&mut world);
    /// assert!(matches!(all.query_ref(&world).single(), Err(QueryError::MultipleEntities { .. })));
    /// ```
    pub fn single(&self) -> Result<Q::Item<'_>, QueryError>
    where
        Q: ReadOnlyQuery,
    {
        let mut items = self.iter();
        match (items.next(), items.next()) {
            (Some(item), None) => Ok(item),
            (None, _) => Err(QueryError::NoEntities { query: std::any::type_name::<Q>() }),
            (Some(_), Some(_)) => {
                Err(QueryError::MultipleEntities { query: std::any::type_name::<Q>() })
            }
        }
    }

    /// The item of the one entity that matches, mutably.
    ///
    /// # Errors
    ///
    /// As [`single`](Self::single).
    ///
    /// ```
    /// use cellar::{QueryError, QueryState, World};
    /// let mut world = World::new();
    /// let mut state = QueryState::<&mut u32>::new(&mut world);
    /// assert!(matches!(
    ///     state.query_mut(&mut world).single_mut(),
    ///     Err(QueryError::NoEntities { .. })
    /// ));
    /// let e = world.spawn((1u32,));
    /// *state.query_mut(&mut world).single_mut().unwrap() = 2;
    /// assert_eq!(world.get::<u32>(e), Ok(&2));
    /// ```
    pub fn single_mut(&mut self) -> Result<Q::Item<'_>, QueryError> {
        let mut items = self.iter_mut();
        let first = items.next();
        let more = items.next().is_some();
        match (first, more) {
            (Some(item), false) => Ok(item),
            (None, _) => Err(QueryError::NoEntities { query: std::any::type_name::<Q>() }),
            (Some(_), true) => {
                Err(QueryError::MultipleEntities { query: std::any::type_name::<Q>() })
            }
        }
    }

    /// The items of several entities at once, read-only, in the order asked.
    ///
    /// # Errors
    ///
    /// As [`get`](Self::get), for the first entity that fails.
    ///
    /// ```
    /// use cellar::{QueryState, World};
    /// let mut world = World::new();
    /// let a = world.spawn((1u8,));
    /// let b = world.spawn((2u8,));
    /// let mut state = QueryState::<&u8>::new(&mut world);
    /// assert_eq!(state.query_ref(&world).get_many([b, a, b]), Ok([&2, &1, &2]));
    /// ```
    pub fn get_many<const N: usize>(
        &self,
        entities: [Entity; N],
    ) -> Result<[Q::Item<'_>; N], QueryError>
    where
        Q: ReadOnlyQuery,
    {
        let mut out: [Option<Q::Item<'_>>; N] = std::array::from_fn(|_| None);
        for (slot, e) in out.iter_mut().zip(entities) {
            *slot = Some(self.get(e)?);
        }
        Ok(out.map(|item| item.expect("every slot was filled")))
    }

    /// The items of several distinct entities at once, mutably, in the order asked: what a
    /// system uses to write two entities of one query (a collision, a parent and a child).
    ///
    /// The items come out of one pass over the entities' tables in order, so each column is
    /// borrowed once, as in a loop.
    ///
    /// # Errors
    ///
    /// [`QueryError::Repeated`] if an entity appears twice (its items would alias), else as
    /// [`get_mut`](Self::get_mut) for the first entity that fails.
    ///
    /// ```
    /// use cellar::{QueryError, QueryState, World};
    /// struct Pos(i32);
    /// let mut world = World::new();
    /// let a = world.spawn((Pos(1),));
    /// let b = world.spawn((Pos(10),));
    /// let mut state = QueryState::<&mut Pos>::new(&mut world);
    /// let mut query = state.query_mut(&mut world);
    /// let [pa, pb] = query.get_many_mut([a, b]).unwrap();
    /// std::mem::swap(&mut pa.0, &mut pb.0);
    /// assert_eq!(query.get_many_mut([a, a]).err(), Some(QueryError::Repeated(a)));
    /// drop(query);
    /// assert_eq!(world.get::<Pos>(a).unwrap().0, 10);
    /// ```
    pub fn get_many_mut<const N: usize>(
        &mut self,
        entities: [Entity; N],
    ) -> Result<[Q::Item<'_>; N], QueryError> {
        let storage = self.storage;
        let state = self.state;
        // (table, row, position in `entities`), checked before anything is borrowed.
        let mut places = [(0u32, 0u32, 0usize); N];
        for (i, &e) in entities.iter().enumerate() {
            if entities[..i].contains(&e) {
                return Err(QueryError::Repeated(e));
            }
            let loc = storage.location(e).ok_or(QueryError::NoSuchEntity(e))?;
            if !state.is_matched.get(loc.table as usize).copied().unwrap_or(false) {
                return Err(QueryError::NoMatch(e));
            }
            places[i] = (loc.table, loc.row, i);
        }
        places.sort_unstable();
        let ticks = (self.last_run, self.this_run);
        let mut columns = Q::reborrow(&mut self.columns);
        let mut out: [Option<Q::Item<'_>>; N] = std::array::from_fn(|_| None);
        let mut next = 0;
        while next < N {
            let t = places[next].0;
            let table: &Table = storage.table(t);
            let mut fetch = Q::fetch_table(&state.q, &mut columns, table, ticks);
            let mut filter = F::fetch_table(&state.f, storage, table, ticks.0, ticks.1);
            // Rows of this table already stepped over.
            let mut at = 0;
            while next < N && places[next].0 == t {
                let (_, row, i) = places[next];
                let skip = row as usize - at;
                fetch = Q::split(fetch, skip).1;
                filter = F::split(filter, skip).1;
                let passes = F::filter(&mut filter);
                let item = Q::fetch(&mut fetch);
                at = row as usize + 1;
                match item {
                    Some(item) if passes => out[i] = Some(item),
                    _ => return Err(QueryError::NoMatch(entities[i])),
                }
                next += 1;
            }
        }
        Ok(out.map(|item| item.expect("every entity was visited")))
    }

    /// The entities whose rows a table-by-table walk visits and whose filter passes, in
    /// table order: the candidates of a combination.
    fn candidates(&self) -> Vec<Entity> {
        let (storage, state) = (self.storage, self.state);
        let mut out = Vec::new();
        for &t in &state.matched {
            let table = storage.table(t);
            let mut filter = F::fetch_table(&state.f, storage, table, self.last_run, self.this_run);
            if F::passes_all(&filter) {
                out.extend_from_slice(table.entities());
            } else {
                out.extend(table.entities().iter().filter(|_| F::filter(&mut filter)));
            }
        }
        out
    }

    /// Every set of `K` distinct matching entities, once each (not in every order),
    /// read-only: for pairwise interactions.
    ///
    /// ```
    /// use cellar::{QueryState, World};
    /// let mut world = World::new();
    /// world.spawn_batch([(1u32,), (2u32,), (3u32,)]);
    /// let mut state = QueryState::<&u32>::new(&mut world);
    /// let query = state.query_ref(&world);
    /// let mut sums: Vec<u32> = query.iter_combinations::<2>().map(|[a, b]| a + b).collect();
    /// sums.sort();
    /// assert_eq!(sums, [3, 4, 5]);
    /// ```
    pub fn iter_combinations<const K: usize>(&self) -> Combinations<'_, 'w, 's, Q, F, K>
    where
        Q: ReadOnlyQuery,
    {
        let entities = self.candidates();
        Combinations { query: self, indices: first_combination::<K>(entities.len()), entities }
    }

    /// Every set of `K` distinct matching entities, once each, mutably. Not an `Iterator`:
    /// each set's items borrow the query until the next call, so call
    /// [`fetch_next`](CombinationsMut::fetch_next) in a `while let`.
    ///
    /// ```
    /// use cellar::{QueryState, World};
    /// struct Charge(i32);
    /// let mut world = World::new();
    /// world.spawn_batch([(Charge(1),), (Charge(2),), (Charge(3),)]);
    /// let mut state = QueryState::<&mut Charge>::new(&mut world);
    /// let mut query = state.query_mut(&mut world);
    /// let mut pairs = query.iter_combinations_mut::<2>();
    /// while let Some([a, b]) = pairs.fetch_next() {
    ///     a.0 += 1; // each entity is in two of the three pairs
    ///     b.0 += 1;
    /// }
    /// drop(query);
    /// let mut charges: Vec<i32> = world.query::<&Charge>().map(|c| c.0).collect();
    /// charges.sort();
    /// assert_eq!(charges, [3, 4, 5]);
    /// ```
    pub fn iter_combinations_mut<const K: usize>(
        &mut self,
    ) -> CombinationsMut<'_, 'w, 's, Q, F, K> {
        let entities = self.candidates();
        CombinationsMut { indices: first_combination::<K>(entities.len()), entities, query: self }
    }
}

/// The first `K`-combination of `n` indices, `None` if there is none.
fn first_combination<const K: usize>(n: usize) -> Option<[usize; K]> {
    (K <= n).then(|| std::array::from_fn(|i| i))
}

/// Steps `indices` to the next `K`-combination of `n` in lexicographic order.
fn next_combination<const K: usize>(indices: &mut Option<[usize; K]>, n: usize) {
    let Some(idx) = indices else { return };
    // The rightmost index that can still move right.
    match (0..K).rev().find(|&i| idx[i] < n - K + i) {
        Some(i) => {
            idx[i] += 1;
            for j in i + 1..K {
                idx[j] = idx[j - 1] + 1;
            }
        }
        None => *indices = None,
    }
}

/// The read-only combinations of a query's items: see [`Query::iter_combinations`].
#[derive(Debug)]
pub struct Combinations<'q, 'w, 's, Q: QueryData, F: QueryFilter, const K: usize> {
    query: &'q Query<'w, 's, Q, F>,
    entities: Vec<Entity>,
    indices: Option<[usize; K]>,
}

impl<'q, Q: ReadOnlyQuery, F: QueryFilter, const K: usize> Iterator
    for Combinations<'q, '_, '_, Q, F, K>
{
    type Item = [Q::Item<'q>; K];

    fn next(&mut self) -> Option<[Q::Item<'q>; K]> {
        loop {
            let idx = self.indices?;
            next_combination(&mut self.indices, self.entities.len());
            // A sparse component can still be absent from a candidate's row.
            if let Ok(items) = self.query.get_many(idx.map(|i| self.entities[i])) {
                return Some(items);
            }
        }
    }
}

/// The mutable combinations of a query's items: see [`Query::iter_combinations_mut`].
#[derive(Debug)]
pub struct CombinationsMut<'q, 'w, 's, Q: QueryData, F: QueryFilter, const K: usize> {
    query: &'q mut Query<'w, 's, Q, F>,
    entities: Vec<Entity>,
    indices: Option<[usize; K]>,
}

impl<Q: QueryData, F: QueryFilter, const K: usize> CombinationsMut<'_, '_, '_, Q, F, K> {
    /// The next set of items, borrowing the combinations until the next call.
    ///
    /// ```
    /// use cellar::{QueryState, World};
    /// let mut world = World::new();
    /// world.spawn((1u8,));
    /// let mut state = QueryState::<&mut u8>::new(&mut world);
    /// let mut query = state.query_mut(&mut world);
    /// assert!(query.iter_combinations_mut::<2>().fetch_next().is_none(), "one entity, no pair");
    /// ```
    #[allow(clippy::should_implement_trait)] // a lending iterator: items borrow `self`
    pub fn fetch_next(&mut self) -> Option<[Q::Item<'_>; K]> {
        loop {
            let idx = self.indices?;
            next_combination(&mut self.indices, self.entities.len());
            let entities = idx.map(|i| self.entities[i]);
            // Checked with a borrow that ends here, so the loop can go on after a miss (a
            // sparse component absent from a candidate's row).
            let found = if Q::exact(&self.query.state.q) {
                entities.iter().all(|&e| passes_filter(self.query, e))
            } else {
                self.query.get_many_mut(entities).is_ok()
            };
            if found {
                return self.query.get_many_mut(entities).ok();
            }
        }
    }
}

/// Whether `e`'s row passes the query's filter, without handing out its item.
fn passes_filter<Q: QueryData, F: QueryFilter>(query: &Query<'_, '_, Q, F>, e: Entity) -> bool {
    let Some(loc) = query.storage.location(e) else { return false };
    if !query.state.is_matched.get(loc.table as usize).copied().unwrap_or(false) {
        return false;
    }
    if F::exact(&query.state.f) {
        return true;
    }
    let table = query.storage.table(loc.table);
    let filter =
        F::fetch_table(&query.state.f, query.storage, table, query.last_run, query.this_run);
    let mut filter = F::split(filter, loc.row as usize).1;
    F::filter(&mut filter)
}
