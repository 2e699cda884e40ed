//! Queries: iterate the entities that have a set of components, reading some and writing
//! others.
//!
//! A query is a type: `(&mut Position, &Velocity)` yields `(&mut Position, &Velocity)` for
//! every entity that has both, `Option<&T>` yields `None` where `T` is absent, [`Entity`]
//! yields the entity itself; a filter such as `(With<T>, Without<U>, Changed<V>)` narrows
//! the rows without reading them.
//!
//! Reading a component's columns needs a shared borrow of its token, writing them an
//! exclusive one, so a query takes its tokens when it starts a run ([`QueryData::columns`])
//! and keeps them until the run ends. Aliasing is refused before that: a query type that
//! names a component mutably and again in any form is a [`QueryError::Conflict`] naming the
//! type, found from the type alone ([`Access::of_query`](crate::Access::of_query)).
//!
//! The hot loop walks each matched table's columns as typed slices: no hashing, no owner
//! check and no bounds check per entity, one owner check per component per run.
//!
//! [`Entity`]: crate::Entity
//! [`QueryError::Conflict`]: crate::QueryError::Conflict
#![allow(unsafe_code)] // The one-off iterators promise that their fresh state and columns are of the world's storage.

mod access;
mod change;
mod data;
mod dense;
mod filter;
mod has;
mod iter;
mod many;
mod state;

pub use crate::lend::{ExclusiveTokens, SharedTokens, TokenRequest, TokenSource};
pub use change::{Mut, MutFetch, MutRows, Ref, RefFetch, RefRows};
pub use data::{
    ComponentState, DriverSet, QueryData, ReadColumns, ReadFetch, ReadOnlyQuery, WriteColumns,
    WriteFetch,
};
pub use dense::{
    ColumnRows, ColumnRowsMut, CopiedRows, DenseIter, DenseRows, OptionDense, SameRows,
};
pub use filter::{
    Added, Changed, FilterState, Or, PresenceFetch, QueryFilter, TickFetch, With, Without,
};
pub use has::{Has, HasColumns, HasFetch, HasState};
pub use iter::QueryIter;
pub use many::{Combinations, CombinationsMut};
pub use state::{ParIter, Query, QueryState};

pub(crate) use crate::lend::ListedTokens;
pub(crate) use state::StateRef;

use crate::error::QueryError;
use crate::world::World;

impl World {
    /// Iterates read-only query `Q` over every entity.
    ///
    /// A component type the world has never seen matches nothing (and `Option` of it yields
    /// `None`).
    ///
    /// ```
    /// let mut world = cellar::World::new();
    /// world.spawn((1u8, 2u16));
    /// world.spawn((3u8,));
    /// let total: u32 = world.query::<&u8>().map(|n| *n as u32).sum();
    /// assert_eq!(total, 4);
    /// ```
    pub fn query<Q: ReadOnlyQuery>(&self) -> QueryIter<'_, 'static, Q, ()> {
        self.query_filtered::<Q, ()>()
    }

    /// Iterates read-only query `Q` over the entities that pass filter `F`.
    ///
    /// ```
    /// use cellar::{With, World};
    /// struct Tag;
    /// let mut world = World::new();
    /// world.spawn((1u8, Tag));
    /// world.spawn((2u8,));
    /// assert_eq!(world.query_filtered::<&u8, With<Tag>>().count(), 1);
    /// ```
    pub fn query_filtered<Q: ReadOnlyQuery, F: QueryFilter>(&self) -> QueryIter<'_, 'static, Q, F> {
        let storage = self.storage();
        match QueryState::<Q, F>::from_storage(storage) {
            Some(Ok(mut state)) => {
                let mut tokens = SharedTokens::new(self.tokens());
                let columns = Q::columns(state.q_state(), storage, &mut tokens)
                    .expect("a world lends every token of its own");
                let (last_run, this_run) = state.begin_run(storage);
                // SAFETY:
                // - `state` was just made and updated on `storage`, and `columns` made for
                //   it from `storage`.
                unsafe {
                    QueryIter::new(
                        storage,
                        StateRef::Owned(Box::new(state)),
                        Some(columns),
                        last_run,
                        this_run,
                    )
                }
            }
            // Read-only queries never conflict; an unknown component matches nothing.
            Some(Err(_)) | None => QueryIter::empty(storage),
        }
    }

    /// Iterates query `Q` over every entity, mutably.
    ///
    /// # Panics
    ///
    /// If `Q` aliases (`(&mut T, &T)`), with a message naming the type, or if safe code
    /// swapped or replaced the world's owners through [`World::split`] (`WrongToken`); see
    /// [`try_query_mut`](World::try_query_mut) for the `Result`.
    ///
    /// ```
    /// let mut world = cellar::World::new();
    /// let e = world.spawn((1u8, 2u16));
    /// for (a, b) in world.query_mut::<(&mut u8, &u16)>() {
    ///     *a += *b as u8;
    /// }
    /// assert_eq!(world.get::<u8>(e), Ok(&3));
    /// ```
    #[track_caller]
    pub fn query_mut<Q: QueryData>(&mut self) -> QueryIter<'_, 'static, Q, ()> {
        self.try_query_mut::<Q>().unwrap_or_else(|e| panic!("{e}"))
    }

    /// Iterates query `Q` over every entity, mutably.
    ///
    /// # Errors
    ///
    /// [`QueryError::Conflict`] naming the type if `Q` aliases; [`QueryError::WrongToken`] if
    /// the world's owners were swapped (as [`try_query_filtered_mut`](World::try_query_filtered_mut)).
    ///
    /// ```
    /// let mut world = cellar::World::new();
    /// assert!(world.try_query_mut::<(&mut u8, &u8)>().is_err());
    /// assert!(world.try_query_mut::<(&mut u8, &u16)>().is_ok());
    /// ```
    pub fn try_query_mut<Q: QueryData>(
        &mut self,
    ) -> Result<QueryIter<'_, 'static, Q, ()>, QueryError> {
        self.try_query_filtered_mut::<Q, ()>()
    }

    /// Iterates query `Q` over the entities that pass filter `F`, mutably.
    ///
    /// # Panics
    ///
    /// As [`query_mut`](World::query_mut): if `Q` aliases, or the world's owners were swapped.
    ///
    /// ```
    /// use cellar::{Without, World};
    /// struct Frozen;
    /// let mut world = World::new();
    /// let a = world.spawn((1u8,));
    /// let b = world.spawn((1u8, Frozen));
    /// for n in world.query_filtered_mut::<&mut u8, Without<Frozen>>() {
    ///     *n = 0;
    /// }
    /// assert_eq!((world.get::<u8>(a), world.get::<u8>(b)), (Ok(&0), Ok(&1)));
    /// ```
    #[track_caller]
    pub fn query_filtered_mut<Q: QueryData, F: QueryFilter>(
        &mut self,
    ) -> QueryIter<'_, 'static, Q, F> {
        self.try_query_filtered_mut::<Q, F>().unwrap_or_else(|e| panic!("{e}"))
    }

    /// Iterates query `Q` over the entities that pass filter `F`, mutably.
    ///
    /// # Errors
    ///
    /// [`QueryError::Conflict`] naming the type if `Q` aliases; [`QueryError::WrongToken`] if
    /// safe code swapped or replaced the world's owners through [`World::split`].
    ///
    /// ```
    /// use cellar::{With, World};
    /// let mut world = World::new();
    /// assert!(world.try_query_filtered_mut::<(&mut u8, Option<&u8>), With<u16>>().is_err());
    /// ```
    pub fn try_query_filtered_mut<Q: QueryData, F: QueryFilter>(
        &mut self,
    ) -> Result<QueryIter<'_, 'static, Q, F>, QueryError> {
        let mut state = QueryState::<Q, F>::try_new(self)?;
        let (storage, tokens) = self.split();
        let mut tokens = ListedTokens::new(tokens, state.token_ids());
        // A world lends every token of its own; only owners swapped or replaced through
        // `World::split` fail here, as `WrongToken`.
        let columns = Q::columns(state.q_state(), storage, &mut tokens)?;
        let (last_run, this_run) = state.begin_run(storage);
        // SAFETY:
        // - `state` was just made and updated on this world's storage, and `columns` made
        //   for it from that storage.
        Ok(unsafe {
            QueryIter::new(
                storage,
                StateRef::Owned(Box::new(state)),
                Some(columns),
                last_run,
                this_run,
            )
        })
    }

    /// A cached [`QueryState`] for `Q` and `F` on this world.
    ///
    /// # Panics
    ///
    /// If `Q` aliases, as [`QueryState::new`].
    ///
    /// ```
    /// let mut world = cellar::World::new();
    /// world.spawn((1u8,));
    /// let mut state = world.query_state::<&u8, ()>();
    /// assert_eq!(state.iter(&world).count(), 1);
    /// ```
    #[track_caller]
    pub fn query_state<Q: QueryData, F: QueryFilter>(&mut self) -> QueryState<Q, F> {
        QueryState::new(self)
    }
}
