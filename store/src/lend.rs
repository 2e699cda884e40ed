//! Lending tokens: how the right to read or write a component or resource travels from the
//! world to one query of one system for one run, in safe code. This module holds the whole
//! story; [`crate::access`] says *what* each system asks for, this says how it gets it and
//! why it cannot get more.
//!
//! 1. **A batch.** The world keeps one owner token per component type and per resource in a
//!    list indexed by a dense token index. Before a batch runs, the schedule walks that list
//!    once with `iter_mut()` ([`lend`]), which yields each token as a `&mut` that the borrow
//!    checker knows is disjoint from every other. A token that one system of the batch writes
//!    is *moved* to that system as the `&mut` itself; a token that systems only read is turned
//!    into one `&` and copied to each reader. A token that one system writes and another also
//!    claims cannot be lent: the walk returns an error instead. So a faulty batch can fail,
//!    but nothing here (and no `unsafe` anywhere in the schedule) can put a `&mut` beside
//!    another borrow of one token.
//! 2. **A system.** Each system gets its [`Lent`] tokens in a [`FetchContext`], keyed by
//!    [`AccessKey`]. Its parameters take them out while they are fetched: a shared token any
//!    number of times, an exclusive one at most once (it leaves the context).
//! 3. **A `ParamSet`.** The set takes the union of its members' tokens out of the system's
//!    context into its own, and lends them to one member at a time
//!    ([`FetchContext::reborrow`]): `p0()` borrows the set mutably, so two members cannot
//!    coexist.
//! 4. **A query.** A query asks a [`TokenSource`] for the token of each component it reads
//!    (`&QCellOwner`) or writes (`&mut QCellOwner`). Every source here (the system's
//!    context, [`SharedTokens`], [`ExclusiveTokens`], the cached query's [`ListedTokens`])
//!    hands out a token exclusively at most once, so whatever a query asks, it cannot build
//!    two aliasing views; the query then checks each token against its columns' owner once
//!    per run (qcell's id comparison), so a token of another world is an error.
//!
//! There is no `unsafe` code and no borrow flag in any of these steps: the tokens are
//! ordinary references, and the compiler checks every hand-out.

use cellar_tokens::arena::QCellOwner;
use smallvec::SmallVec;

use crate::access::AccessKey;
use crate::storage::{Storage, TokenId, Tokens};

/// One token as lent to one system for one run.
#[derive(Debug)]
pub enum Lent<'a, O> {
    /// Shared: the system reads what the token guards. Other systems may hold the same `&`.
    Read(&'a O),
    /// Exclusive: the system writes what the token guards. No one else holds the token.
    Write(&'a mut O),
}

/// A request by one system of a batch: token index and whether it writes.
pub(crate) type Request = (usize, bool);

/// Why a batch's tokens could not be lent out.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum LendError {
    /// Token `token` was requested by the systems at these batch positions, one of them for
    /// writing.
    Clash { token: usize, claimants: Vec<usize> },
    /// A request named a token index the world does not have.
    Missing { token: usize },
}

/// Lends `owners` (the world's tokens, in token-index order) out to the systems of a batch.
///
/// `requests[s]` lists system `s`'s requests; the result's `[s][k]` answers `requests[s][k]`.
pub(crate) fn lend<'a, O: 'a>(
    owners: impl IntoIterator<Item = &'a mut O>,
    requests: &[&[Request]],
) -> Result<Vec<Vec<Lent<'a, O>>>, LendError> {
    // (token, system, slot, write), sorted by token so one walk over the owners serves all.
    let mut claims: Vec<(usize, usize, usize, bool)> = requests
        .iter()
        .enumerate()
        .flat_map(|(s, reqs)| reqs.iter().enumerate().map(move |(k, &(t, w))| (t, s, k, w)))
        .collect();
    claims.sort_unstable();
    let mut answers: Vec<Vec<Option<Lent<'a, O>>>> =
        requests.iter().map(|reqs| reqs.iter().map(|_| None).collect()).collect();

    let mut claims_left = &claims[..];
    for (token, owner) in owners.into_iter().enumerate() {
        let here = claims_left.iter().take_while(|c| c.0 == token).count();
        if here == 0 {
            if claims_left.is_empty() {
                break;
            }
            continue;
        }
        let (mine, rest) = claims_left.split_at(here);
        claims_left = rest;
        if mine.iter().any(|c| c.3) {
            if let [(_, s, k, _)] = *mine {
                answers[s][k] = Some(Lent::Write(owner));
            } else {
                let claimants = mine.iter().map(|c| c.1).collect();
                return Err(LendError::Clash { token, claimants });
            }
        } else {
            let shared: &'a O = owner;
            for &(_, s, k, _) in mine {
                answers[s][k] = Some(Lent::Read(shared));
            }
        }
    }
    if let Some(&(token, ..)) = claims_left.first() {
        return Err(LendError::Missing { token });
    }
    Ok(answers
        .into_iter()
        .map(|row| row.into_iter().map(|a| a.expect("every claim was answered")).collect())
        .collect())
}

/// The token a query asks a [`TokenSource`] for: which one, by index and by key.
///
/// # Examples
///
/// ```
/// use cellar::TokenRequest;
/// fn describe(r: &TokenRequest) -> String {
///     format!("{} (token {})", r.key, r.token.index())
/// }
/// # let _ = describe;
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TokenRequest {
    /// The token's index in the world's [`Tokens`].
    pub token: TokenId,
    /// The token's key: the component type it guards.
    pub key: AccessKey,
}

/// Where a query gets the tokens of the components it reads (`&QCellOwner`) and writes
/// (`&mut QCellOwner`) for one run.
///
/// The world's own methods use [`SharedTokens`] (all tokens, shared) and [`ExclusiveTokens`]
/// (all tokens, split); a system's parameters use its [`FetchContext`], the tokens the
/// schedule lent it. A source hands out each token exclusively at most once, so a query built from it
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

/// One token of a source: not lent yet (`Free`, still the `&mut`), lent shared (the `&` that
/// every later reader copies), or lent exclusively (`Taken`: the `&mut` has moved out).
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
/// What one run of one system may touch: the world's storage, shared, and the tokens lent to
/// this system.
///
/// Parameters take their tokens out of it while they are fetched: a shared token can be
/// taken by any number of parameters, an exclusive one by one.
///
/// # Examples
///
/// ```
/// use cellar::prelude::*;
/// use cellar::system::{FetchContext, AccessKey};
///
/// let mut world = World::new();
/// world.insert_resource(5u8);
/// let key = AccessKey::resource::<u8>();
/// let (storage, tokens) = world.split();
/// let mut ctx = FetchContext::new(storage, vec![]);
/// assert!(ctx.try_read(&key).is_none(), "no token was lent for u8");
/// ```
pub struct FetchContext<'w> {
    storage: &'w Storage,
    /// The lent tokens, sorted by key; a taken exclusive token is `None`.
    tokens: Vec<(AccessKey, Option<Lent<'w, QCellOwner>>)>,
}

impl std::fmt::Debug for FetchContext<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FetchContext")
            .field("tokens", &self.tokens.iter().map(|(k, _)| k.type_name()).collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl<'w> FetchContext<'w> {
    /// A context over `storage` with the given lent tokens.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::prelude::*;
    /// use cellar::system::FetchContext;
    /// let mut world = World::new();
    /// let (storage, _) = world.split();
    /// let ctx = FetchContext::new(storage, vec![]);
    /// # let _ = ctx;
    /// ```
    pub fn new(storage: &'w Storage, mut tokens: Vec<(AccessKey, Lent<'w, QCellOwner>)>) -> Self {
        tokens.sort_by_key(|t| t.0);
        FetchContext { storage, tokens: tokens.into_iter().map(|(k, l)| (k, Some(l))).collect() }
    }

    /// The world's storage, shared by every system of the batch.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::prelude::*;
    /// use cellar::system::FetchContext;
    /// let mut world = World::new();
    /// let (storage, _) = world.split();
    /// let ctx = FetchContext::new(storage, vec![]);
    /// let _: &cellar::Storage = ctx.storage();
    /// ```
    pub fn storage(&self) -> &'w Storage {
        self.storage
    }

    fn slot(&mut self, key: &AccessKey) -> Option<&mut Option<Lent<'w, QCellOwner>>> {
        let i = self.tokens.binary_search_by(|(k, _)| k.cmp(key)).ok()?;
        Some(&mut self.tokens[i].1)
    }

    /// The token for `key` as a shared borrow, if it was lent and not taken exclusively.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::prelude::*;
    /// use cellar::system::{AccessKey, FetchContext};
    /// let mut world = World::new();
    /// let (storage, _) = world.split();
    /// let mut ctx = FetchContext::new(storage, vec![]);
    /// assert!(ctx.try_read(&AccessKey::resource::<u8>()).is_none());
    /// ```
    pub fn try_read(&mut self, key: &AccessKey) -> Option<&'w QCellOwner> {
        let slot = self.slot(key)?;
        match slot.take()? {
            Lent::Read(owner) => {
                *slot = Some(Lent::Read(owner));
                Some(owner)
            }
            // A parameter that reads a token its system writes elsewhere cannot exist (the
            // access would have been refused); downgrade so the slot stays usable.
            Lent::Write(owner) => {
                let owner: &'w QCellOwner = owner;
                *slot = Some(Lent::Read(owner));
                Some(owner)
            }
        }
    }

    /// The token for `key` as an exclusive borrow, taken out of the context: a second call
    /// for the same key returns `None`.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::prelude::*;
    /// use cellar::system::{AccessKey, FetchContext};
    /// let mut world = World::new();
    /// let (storage, _) = world.split();
    /// let mut ctx = FetchContext::new(storage, vec![]);
    /// assert!(ctx.try_write(&AccessKey::resource::<u8>()).is_none());
    /// ```
    pub fn try_write(&mut self, key: &AccessKey) -> Option<&'w mut QCellOwner> {
        let slot = self.slot(key)?;
        match slot.take()? {
            Lent::Write(owner) => Some(owner),
            read @ Lent::Read(_) => {
                *slot = Some(read);
                None
            }
        }
    }

    /// This context's tokens, reborrowed for as long as `self` is: a [`ParamSet`] member's
    /// context. Exclusive tokens stay exclusive, so the member can write; the set is
    /// borrowed mutably meanwhile, so no other member can hold them.
    ///
    /// [`ParamSet`]: crate::system::ParamSet
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::prelude::*;
    /// use cellar::system::{AccessKey, FetchContext, Lent};
    ///
    /// let mut world = World::new();
    /// world.insert_resource(1u8);
    /// let key = AccessKey::resource::<u8>();
    /// let token = world.resource_token(key.type_id()).unwrap();
    /// let (storage, tokens) = world.split();
    /// let owner = tokens.iter_mut().nth(token.index()).unwrap();
    /// let mut ctx = FetchContext::new(storage, vec![(key, Lent::Write(owner))]);
    /// {
    ///     let mut member = ctx.reborrow();
    ///     assert!(member.try_write(&key).is_some());
    /// }
    /// assert!(ctx.try_write(&key).is_some(), "the reborrow gave the token back");
    /// ```
    pub fn reborrow(&mut self) -> FetchContext<'_> {
        let tokens = (self.tokens.iter_mut())
            .map(|(key, lent)| {
                let lent = lent.as_mut().map(|lent| match lent {
                    Lent::Read(owner) => Lent::Read(&**owner),
                    Lent::Write(owner) => Lent::Write(&mut **owner),
                });
                (*key, lent)
            })
            .collect();
        FetchContext { storage: self.storage, tokens }
    }

    /// Like [`try_read`](Self::try_read), panicking with the type's name where the token was
    /// not lent: a parameter that fetches what its [`SystemParam::access`](crate::system::SystemParam::access) did not declare.
    ///
    /// # Examples
    ///
    /// ```should_panic
    /// use cellar::prelude::*;
    /// use cellar::system::{AccessKey, FetchContext};
    /// let mut world = World::new();
    /// let (storage, _) = world.split();
    /// let mut ctx = FetchContext::new(storage, vec![]);
    /// ctx.read(&AccessKey::resource::<u8>());
    /// ```
    pub fn read(&mut self, key: &AccessKey) -> &'w QCellOwner {
        self.try_read(key).unwrap_or_else(|| panic!("the token of {key} was not lent"))
    }

    /// Like [`try_write`](Self::try_write), panicking with the type's name where the token
    /// was not lent exclusively or was already taken.
    ///
    /// # Examples
    ///
    /// ```should_panic
    /// use cellar::prelude::*;
    /// use cellar::system::{AccessKey, FetchContext};
    /// let mut world = World::new();
    /// let (storage, _) = world.split();
    /// let mut ctx = FetchContext::new(storage, vec![]);
    /// ctx.write(&AccessKey::resource::<u8>());
    /// ```
    pub fn write(&mut self, key: &AccessKey) -> &'w mut QCellOwner {
        self.try_write(key).unwrap_or_else(|| panic!("the token of {key} was not lent exclusively"))
    }
}

/// Queries take their component tokens from the context: a read of a token lent shared or
/// exclusive, a write of a token lent exclusive and not taken yet.
impl<'w> TokenSource<'w> for FetchContext<'w> {
    fn read(&mut self, request: TokenRequest) -> Option<&'w QCellOwner> {
        self.try_read(&request.key)
    }

    fn write(&mut self, request: TokenRequest) -> Option<&'w mut QCellOwner> {
        self.try_write(&request.key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writers_get_the_token_and_readers_share_one() {
        let mut owners = vec![10, 20, 30];
        let requests: [&[Request]; 3] = [&[(0, true), (1, false)], &[(1, false)], &[(2, true)]];
        let mut lent = lend(owners.iter_mut(), &requests).unwrap();
        match &mut lent[0][0] {
            Lent::Write(x) => **x += 1,
            Lent::Read(_) => panic!("expected a write"),
        }
        assert!(matches!(lent[0][1], Lent::Read(&20)));
        assert!(matches!(lent[1][0], Lent::Read(&20)));
        assert!(matches!(lent[2][0], Lent::Write(&mut 30)));
        drop(lent);
        assert_eq!(owners, vec![11, 20, 30]);
    }

    #[test]
    fn a_write_beside_another_claim_is_refused() {
        let mut owners = [0, 0];
        let requests: [&[Request]; 2] = [&[(1, true)], &[(1, false)]];
        assert_eq!(
            lend(owners.iter_mut(), &requests).unwrap_err(),
            LendError::Clash { token: 1, claimants: vec![0, 1] }
        );
        let requests: [&[Request]; 2] = [&[(0, true)], &[(0, true)]];
        assert!(lend(owners.iter_mut(), &requests).is_err());
    }

    #[test]
    fn missing_tokens_are_refused() {
        let mut owners = [0];
        let requests: [&[Request]; 1] = [&[(0, false), (3, false)]];
        assert_eq!(
            lend(owners.iter_mut(), &requests).unwrap_err(),
            LendError::Missing { token: 3 }
        );
    }
}
