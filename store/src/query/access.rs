//! What a query borrows, as data, and where its tokens come from.

use std::any::TypeId;

use cellar_tokens::arena::QCellOwner;
use smallvec::SmallVec;

use super::{QueryData, QueryFilter};
use crate::component::Component;
use crate::error::QueryError;
use crate::storage::{Storage, TokenId, Tokens};

/// How a query uses one component type.
///
/// # Examples
///
/// ```
/// use cellar::{AccessKind, QueryAccess};
/// let access = QueryAccess::of::<(&mut u8, &u16), ()>().unwrap();
/// let kinds: Vec<_> = access.iter().map(|a| a.kind).collect();
/// assert_eq!(kinds, [AccessKind::Write, AccessKind::Read]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AccessKind {
    /// Reads the values: needs `&token`.
    Read,
    /// Writes the values: needs `&mut token`.
    Write,
    /// Only looks at presence or change ticks (filters): needs no token, but a schedule
    /// should treat it as a read so that results do not depend on timing.
    Filter,
}

/// One entry of a [`QueryAccess`].
///
/// # Examples
///
/// ```
/// use cellar::{AccessKind, QueryAccess};
/// let access = QueryAccess::of::<&u8, ()>().unwrap();
/// let first = access.iter().next().unwrap();
/// assert_eq!((first.name, first.kind), ("u8", AccessKind::Read));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ComponentAccess {
    /// The component's `TypeId`.
    pub type_id: TypeId,
    /// The component's type name.
    pub name: &'static str,
    /// How the query uses it.
    pub kind: AccessKind,
}

/// The component types a query reads and writes, computed from its type alone (no world
/// needed), so that a schedule can compare the accesses of systems before running them.
///
/// Building it is where aliasing is caught: a query that writes a component and also reads or
/// writes it again is a [`QueryError::Conflict`] naming the type.
///
/// # Examples
///
/// ```
/// use cellar::{QueryAccess, QueryError, With};
///
/// struct Position(f32);
/// struct Velocity(f32);
///
/// let access = QueryAccess::of::<(&mut Position, &Velocity), ()>().unwrap();
/// assert_eq!(access.writes().count(), 1);
/// assert_eq!(access.reads().count(), 1);
///
/// let err = QueryAccess::of::<(&mut Position, Option<&Position>), ()>().unwrap_err();
/// assert_eq!(err, QueryError::Conflict { component: std::any::type_name::<Position>() });
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct QueryAccess {
    items: SmallVec<[ComponentAccess; 8]>,
}

impl QueryAccess {
    /// The access of query `Q` with filter `F`.
    ///
    /// # Errors
    ///
    /// [`QueryError::Conflict`] if the query would alias.
    ///
    /// ```
    /// assert!(cellar::QueryAccess::of::<(&mut u8, &mut u8), ()>().is_err());
    /// ```
    pub fn of<Q: QueryData, F: QueryFilter>() -> Result<Self, QueryError> {
        let mut access = QueryAccess::default();
        Q::access(&mut access)?;
        F::access(&mut access)?;
        Ok(access)
    }

    fn add(
        &mut self,
        type_id: TypeId,
        name: &'static str,
        kind: AccessKind,
    ) -> Result<(), QueryError> {
        if let Some(existing) = self.items.iter_mut().find(|a| a.type_id == type_id) {
            match (existing.kind, kind) {
                (_, AccessKind::Filter) => {}
                (AccessKind::Filter, _) => existing.kind = kind,
                (AccessKind::Read, AccessKind::Read) => {}
                _ => return Err(QueryError::Conflict { component: name }),
            }
            return Ok(());
        }
        self.items.push(ComponentAccess { type_id, name, kind });
        Ok(())
    }

    /// Records a read of `T`.
    ///
    /// # Errors
    ///
    /// [`QueryError::Conflict`] if `T` is already written.
    ///
    /// ```
    /// let mut a = cellar::QueryAccess::default();
    /// a.read::<u8>().unwrap();
    /// a.read::<u8>().unwrap();
    /// assert!(a.write::<u8>().is_err());
    /// ```
    pub fn read<T: Component>(&mut self) -> Result<(), QueryError> {
        self.add(TypeId::of::<T>(), std::any::type_name::<T>(), AccessKind::Read)
    }

    /// Records a write of `T`.
    ///
    /// # Errors
    ///
    /// [`QueryError::Conflict`] if `T` is already read or written.
    ///
    /// ```
    /// let mut a = cellar::QueryAccess::default();
    /// a.write::<u8>().unwrap();
    /// assert!(a.read::<u8>().is_err());
    /// ```
    pub fn write<T: Component>(&mut self) -> Result<(), QueryError> {
        self.add(TypeId::of::<T>(), std::any::type_name::<T>(), AccessKind::Write)
    }

    /// Records that a filter looks at `T` (never a conflict).
    ///
    /// ```
    /// let mut a = cellar::QueryAccess::default();
    /// a.write::<u8>().unwrap();
    /// a.filter::<u8>();
    /// assert_eq!(a.iter().count(), 1);
    /// ```
    pub fn filter<T: Component>(&mut self) {
        let _ = self.add(TypeId::of::<T>(), std::any::type_name::<T>(), AccessKind::Filter);
    }

    /// Every entry, in the order the query names them.
    ///
    /// ```
    /// assert_eq!(cellar::QueryAccess::of::<(&u8, &u16), ()>().unwrap().iter().count(), 2);
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = &ComponentAccess> + '_ {
        self.items.iter()
    }

    /// The entries that need a shared token: reads and filters.
    ///
    /// ```
    /// use cellar::{QueryAccess, With};
    /// assert_eq!(QueryAccess::of::<&u8, With<u16>>().unwrap().reads().count(), 2);
    /// ```
    pub fn reads(&self) -> impl Iterator<Item = &ComponentAccess> + '_ {
        self.items.iter().filter(|a| a.kind != AccessKind::Write)
    }

    /// The entries that need an exclusive token.
    ///
    /// ```
    /// use cellar::QueryAccess;
    /// assert_eq!(QueryAccess::of::<&mut u8, ()>().unwrap().writes().count(), 1);
    /// ```
    pub fn writes(&self) -> impl Iterator<Item = &ComponentAccess> + '_ {
        self.items.iter().filter(|a| a.kind == AccessKind::Write)
    }

    /// Whether the query writes nothing.
    ///
    /// ```
    /// use cellar::QueryAccess;
    /// assert!(QueryAccess::of::<&u8, ()>().unwrap().is_read_only());
    /// ```
    pub fn is_read_only(&self) -> bool {
        self.writes().next().is_none()
    }

    /// The tokens of the components read or written that `storage` knows, sorted: what a
    /// run takes ([`ListedTokens`]).
    pub(crate) fn token_ids(&self, storage: &Storage) -> SmallVec<[TokenId; 4]> {
        let mut ids: SmallVec<[TokenId; 4]> = (self.items.iter())
            .filter(|a| a.kind != AccessKind::Filter)
            .filter_map(|a| storage.component_token(a.type_id))
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }
}

/// The token a query asks a [`TokenSource`] for.
///
/// # Examples
///
/// ```
/// use cellar::TokenRequest;
/// fn describe(r: &TokenRequest) -> String {
///     format!("{} (token {})", r.name, r.token.index())
/// }
/// # let _ = describe;
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TokenRequest {
    /// The token's index in the world's [`Tokens`].
    pub token: TokenId,
    /// The component's `TypeId`.
    pub type_id: TypeId,
    /// The component's type name.
    pub name: &'static str,
}

/// Where a query gets the tokens of the components it reads (`&QCellOwner`) and writes
/// (`&mut QCellOwner`) for one run.
///
/// The world's own methods use [`SharedTokens`] (all tokens, shared) and [`ExclusiveTokens`]
/// (all tokens, split). The schedule implements it for the set of tokens it lent to one
/// system. A source hands out each token exclusively at most once, so a query built from it
/// cannot alias, whatever it asks.
///
/// # Examples
///
/// ```
/// use cellar::{ExclusiveTokens, QueryState, World};
///
/// let mut world = World::new();
/// world.spawn((1u32,));
/// let mut state = QueryState::<&mut u32>::new(&mut world);
/// {
///     let (storage, tokens) = world.split();
///     let mut source = ExclusiveTokens::new(tokens);
///     let mut query = state.query(storage, &mut source).unwrap();
///     for n in query.iter_mut() {
///         *n += 1;
///     }
/// }
/// assert_eq!(world.query::<&u32>().copied().collect::<Vec<_>>(), [2]);
/// ```
pub trait TokenSource<'w> {
    /// A shared borrow of the requested token, if this source can give one.
    fn read(&mut self, request: TokenRequest) -> Option<&'w QCellOwner>;
    /// An exclusive borrow of the requested token, if this source still has it.
    fn write(&mut self, request: TokenRequest) -> Option<&'w mut QCellOwner>;
}

/// Every token of a world, shared: reads only.
///
/// # Examples
///
/// ```
/// use cellar::{QueryState, SharedTokens, World};
/// let mut world = World::new();
/// world.spawn((1u8,));
/// let mut state = QueryState::<&u8>::new(&mut world);
/// let mut source = SharedTokens::new(world.tokens());
/// let query = state.query(world.storage(), &mut source).unwrap();
/// assert_eq!(query.iter().count(), 1);
/// ```
#[derive(Debug, Clone, Copy)]
pub struct SharedTokens<'w>(&'w Tokens);

impl<'w> SharedTokens<'w> {
    /// A source over `tokens`.
    ///
    /// ```
    /// let world = cellar::World::new();
    /// let _ = cellar::SharedTokens::new(world.tokens());
    /// ```
    pub fn new(tokens: &'w Tokens) -> Self {
        SharedTokens(tokens)
    }
}

impl<'w> TokenSource<'w> for SharedTokens<'w> {
    fn read(&mut self, request: TokenRequest) -> Option<&'w QCellOwner> {
        self.0.get(request.token)
    }
    fn write(&mut self, _: TokenRequest) -> Option<&'w mut QCellOwner> {
        None
    }
}

enum Slot<'w> {
    Free(&'w mut QCellOwner),
    Shared(&'w QCellOwner),
    Taken,
}

/// Every token of a world, split into disjoint borrows: each can be taken exclusively once,
/// or shared any number of times, not both.
///
/// # Examples
///
/// ```
/// use cellar::{ExclusiveTokens, QueryError, QueryState, World};
/// let mut world = World::new();
/// world.spawn((1u8,));
/// let mut state = QueryState::<&mut u8>::new(&mut world);
/// let (storage, tokens) = world.split();
/// let mut source = ExclusiveTokens::new(tokens);
/// assert!(state.query(storage, &mut source).is_ok());
/// ```
pub struct ExclusiveTokens<'w> {
    slots: SmallVec<[Slot<'w>; 64]>,
}

impl std::fmt::Debug for ExclusiveTokens<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExclusiveTokens").field("len", &self.slots.len()).finish()
    }
}

impl<'w> ExclusiveTokens<'w> {
    /// A source over `tokens`.
    ///
    /// ```
    /// let mut world = cellar::World::new();
    /// let _ = cellar::ExclusiveTokens::new(world.split().1);
    /// ```
    pub fn new(tokens: &'w mut Tokens) -> Self {
        ExclusiveTokens { slots: tokens.as_mut_slice().iter_mut().map(Slot::Free).collect() }
    }
}

impl<'w> Slot<'w> {
    /// Lends the token shared: any number of times, unless it was lent exclusively.
    fn read(&mut self) -> Option<&'w QCellOwner> {
        match std::mem::replace(self, Slot::Taken) {
            Slot::Free(owner) => {
                let owner: &'w QCellOwner = owner;
                *self = Slot::Shared(owner);
                Some(owner)
            }
            Slot::Shared(owner) => {
                *self = Slot::Shared(owner);
                Some(owner)
            }
            Slot::Taken => None,
        }
    }

    /// Lends the token exclusively: once, and only if it was not lent before.
    fn write(&mut self) -> Option<&'w mut QCellOwner> {
        match std::mem::replace(self, Slot::Taken) {
            Slot::Free(owner) => Some(owner),
            other => {
                *self = other;
                None
            }
        }
    }
}

impl<'w> TokenSource<'w> for ExclusiveTokens<'w> {
    fn read(&mut self, request: TokenRequest) -> Option<&'w QCellOwner> {
        self.slots.get_mut(request.token.index())?.read()
    }

    fn write(&mut self, request: TokenRequest) -> Option<&'w mut QCellOwner> {
        self.slots.get_mut(request.token.index())?.write()
    }
}

/// Lends only the listed tokens, as [`ExclusiveTokens`] lends all: what a cached query
/// takes from `&mut Tokens` for one run, without a slot per token of the world.
pub(crate) struct ListedTokens<'w> {
    slots: SmallVec<[(TokenId, Slot<'w>); 4]>,
}

impl<'w> ListedTokens<'w> {
    /// Lends the tokens `ids` (sorted, without repeats) out of `tokens`.
    pub(crate) fn new(tokens: &'w mut Tokens, ids: &[TokenId]) -> Self {
        let mut rest = tokens.as_mut_slice();
        let mut next = 0; // the index of `rest[0]`
        let mut slots = SmallVec::new();
        for &id in ids {
            let tail = std::mem::take(&mut rest).get_mut(id.index() - next..);
            let Some((owner, tail)) = tail.and_then(|t| t.split_first_mut()) else { break };
            slots.push((id, Slot::Free(owner)));
            (rest, next) = (tail, id.index() + 1);
        }
        ListedTokens { slots }
    }

    fn slot(&mut self, token: TokenId) -> Option<&mut Slot<'w>> {
        self.slots.iter_mut().find(|(id, _)| *id == token).map(|(_, slot)| slot)
    }
}

impl<'w> TokenSource<'w> for ListedTokens<'w> {
    fn read(&mut self, request: TokenRequest) -> Option<&'w QCellOwner> {
        self.slot(request.token)?.read()
    }

    fn write(&mut self, request: TokenRequest) -> Option<&'w mut QCellOwner> {
        self.slot(request.token)?.write()
    }
}
