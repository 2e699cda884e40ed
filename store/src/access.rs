//! What a query, a system parameter or a system borrows: one vocabulary for all three.
//!
//! Every component type and every resource type has one token. An [`Access`] lists the tokens
//! something needs, each under its [`AccessKey`] (component or resource, and the type it
//! guards) with how it is used ([`Borrow`]: read, write, or only looked at by a filter). It is
//! computed from types alone, before any world exists, and it is where aliasing is caught:
//!
//! - inside one query, a component written and named again is an [`AccessConflict`]
//!   (`(&mut A, &A)`), while a filter sits beside anything (`(&mut A, With<A>)`: a filter
//!   reads the table layout and the atomic change ticks, never the column);
//! - between the parameters of one system, a write beside any other borrow of the token,
//!   a filter's included, is an [`AccessConflict`], which
//!   [`Schedule::add_system`](crate::schedule::Schedule::add_system) reports with the "use a
//!   `ParamSet`" hint;
//! - between systems, [`Access::conflicts_with`] decides which may share a batch: a write
//!   conflicts with every other borrow of its token, so results never depend on timing.
//!
//! What happens to the tokens once the accesses are known (how they are lent, and why a
//! wrong access can fail but never alias) is the lending module's story (`lend.rs`).

use std::any::TypeId;
use std::fmt;

use smallvec::SmallVec;

/// What a token guards: the columns of one component type, or one resource.
///
/// # Examples
///
/// ```
/// use cellar::{AccessKey, TokenKind};
///
/// struct Position;
/// let key = AccessKey::component::<Position>();
/// assert_eq!(key.kind(), TokenKind::Component);
/// assert!(key.type_name().ends_with("Position"));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TokenKind {
    /// The token of a component type: reading its columns needs it shared, writing exclusive.
    Component,
    /// The token of a resource type.
    Resource,
}

/// The identity of one token as a system sees it: a kind and the type it guards.
///
/// Keys compare by kind and `TypeId`; the type's name is kept for error messages.
///
/// # Examples
///
/// ```
/// use cellar::AccessKey;
///
/// struct Gravity;
/// assert_eq!(AccessKey::resource::<Gravity>(), AccessKey::resource::<Gravity>());
/// assert_ne!(AccessKey::resource::<Gravity>(), AccessKey::component::<Gravity>());
/// ```
#[derive(Clone, Copy, Debug)]
pub struct AccessKey {
    kind: TokenKind,
    type_id: TypeId,
    type_name: &'static str,
}

impl AccessKey {
    /// The key of component type `T`'s token.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::AccessKey;
    /// assert!(AccessKey::component::<u32>().type_name().contains("u32"));
    /// ```
    pub fn component<T: 'static>() -> Self {
        AccessKey {
            kind: TokenKind::Component,
            type_id: TypeId::of::<T>(),
            type_name: std::any::type_name::<T>(),
        }
    }

    /// The key of resource type `T`'s token.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::{AccessKey, TokenKind};
    /// assert_eq!(AccessKey::resource::<u32>().kind(), TokenKind::Resource);
    /// ```
    pub fn resource<T: 'static>() -> Self {
        AccessKey {
            kind: TokenKind::Resource,
            type_id: TypeId::of::<T>(),
            type_name: std::any::type_name::<T>(),
        }
    }

    /// The key of the token of the given kind guarding the type with `type_id`, called
    /// `type_name` in messages: for accesses computed from type-erased descriptions.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::any::TypeId;
    /// use cellar::{AccessKey, TokenKind};
    ///
    /// let key = AccessKey::new(TokenKind::Component, TypeId::of::<u8>(), "u8");
    /// assert_eq!(key, AccessKey::component::<u8>());
    /// ```
    pub fn new(kind: TokenKind, type_id: TypeId, type_name: &'static str) -> Self {
        AccessKey { kind, type_id, type_name }
    }

    /// Whether the token guards a component type or a resource.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::{AccessKey, TokenKind};
    /// assert_eq!(AccessKey::component::<u8>().kind(), TokenKind::Component);
    /// ```
    pub fn kind(&self) -> TokenKind {
        self.kind
    }

    /// The `TypeId` of the guarded type.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::any::TypeId;
    /// use cellar::AccessKey;
    /// assert_eq!(AccessKey::component::<u8>().type_id(), TypeId::of::<u8>());
    /// ```
    pub fn type_id(&self) -> TypeId {
        self.type_id
    }

    /// The name of the guarded type, as `std::any::type_name` spells it.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::AccessKey;
    /// assert_eq!(AccessKey::component::<u8>().type_name(), "u8");
    /// ```
    pub fn type_name(&self) -> &'static str {
        self.type_name
    }
}

impl PartialEq for AccessKey {
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind && self.type_id == other.type_id
    }
}

impl Eq for AccessKey {}

impl PartialOrd for AccessKey {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for AccessKey {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.kind, self.type_id).cmp(&(other.kind, other.type_id))
    }
}

impl std::hash::Hash for AccessKey {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.kind.hash(state);
        self.type_id.hash(state);
    }
}

impl fmt::Display for AccessKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            TokenKind::Component => write!(f, "component `{}`", self.type_name),
            TokenKind::Resource => write!(f, "resource `{}`", self.type_name),
        }
    }
}

/// How a query, a parameter or a system uses one token.
///
/// # Examples
///
/// ```
/// use cellar::Borrow;
/// assert!(Borrow::Write.is_write());
/// assert!(!Borrow::Read.is_write());
/// assert!(!Borrow::Filter.takes_token());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Borrow {
    /// A shared borrow: reads what the token guards (`&token`).
    Read,
    /// An exclusive borrow: writes what the token guards (`&mut token`).
    Write,
    /// Only looks at presence or change ticks (filters, `Has<T>`): takes no token when a
    /// query runs, but counts as a read between parameters and between systems, so that what
    /// a filter sees never depends on timing.
    Filter,
}

impl Borrow {
    /// `true` for [`Borrow::Write`].
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::Borrow;
    /// assert!(Borrow::Write.is_write());
    /// ```
    pub fn is_write(self) -> bool {
        self == Borrow::Write
    }

    /// Whether a query takes the token when it runs: `false` for [`Borrow::Filter`].
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::Borrow;
    /// assert!(Borrow::Read.takes_token() && !Borrow::Filter.takes_token());
    /// ```
    pub fn takes_token(self) -> bool {
        self != Borrow::Filter
    }

    /// The stronger of two uses of one token: a write over a read over a filter.
    fn max(self, other: Borrow) -> Borrow {
        let rank = |b: Borrow| match b {
            Borrow::Filter => 0,
            Borrow::Read => 1,
            Borrow::Write => 2,
        };
        if rank(other) > rank(self) { other } else { self }
    }
}

/// Two borrows of one token that cannot coexist: two writes, or a write beside a read.
///
/// Returned by [`Access::add`] (two parameters of one system) and by [`Access::read`],
/// [`Access::write`] and [`Access::of_query`] (two items of one query, which a query reports
/// as [`QueryError::Conflict`](crate::QueryError::Conflict)). The schedule wraps it into
/// [`ScheduleError::ConflictingParams`](crate::schedule::ScheduleError::ConflictingParams) with
/// the system's name.
///
/// # Examples
///
/// ```
/// use cellar::{Access, AccessKey, Borrow};
///
/// struct Velocity;
/// let mut access = Access::new();
/// access.add(AccessKey::component::<Velocity>(), Borrow::Write).unwrap();
/// let err = access.add(AccessKey::component::<Velocity>(), Borrow::Read).unwrap_err();
/// assert!(err.to_string().contains("Velocity"));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AccessConflict {
    /// The token both parameters borrow.
    pub key: AccessKey,
    /// How the earlier parameter borrows it.
    pub first: Borrow,
    /// How the later parameter borrows it.
    pub second: Borrow,
    /// Where one query aliases within itself, its item type (`(&mut A, &mut A)` for a
    /// `Query<(&mut A, &mut A)>` parameter); `None` where two parameters clash.
    pub within: Option<&'static str>,
}

impl AccessConflict {
    /// The same conflict, found inside one query parameter whose item type is `query` (a
    /// query that names a component it writes twice), which changes how it is worded.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::Access;
    ///
    /// struct Position;
    /// let err = Access::of_query::<(&mut Position, &Position), ()>().unwrap_err();
    /// let text = err.within("(&mut Position, &Position)").to_string();
    /// assert!(text.starts_with("parameter `Query<(&mut Position, &Position)>` borrows"), "{text}");
    /// assert!(text.contains("names it again"), "{text}");
    /// ```
    pub fn within(self, query: &'static str) -> Self {
        AccessConflict { within: Some(query), ..self }
    }
}

impl fmt::Display for AccessConflict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let how = |b: Borrow| if b.is_write() { "mutably" } else { "shared" };
        match self.within {
            Some(query) => write!(
                f,
                "parameter `Query<{}>` borrows {} mutably and names it again: its items \
                 would alias; name each component once in a query that writes it",
                without_store_paths(query),
                self.key
            ),
            None => write!(
                f,
                "{} is borrowed {} by one parameter and {} by another; to use both in one \
                 system put them in a `ParamSet<(..)>` (one at a time), or use one query and \
                 `Query::get_many_mut` for distinct entities",
                self.key,
                how(self.first),
                how(self.second)
            ),
        }
    }
}

impl std::error::Error for AccessConflict {}

/// `name` (as `std::any::type_name` spells it) with this crate's own module paths cut to
/// the item's name: `cellar_store::query::change::Ref<'_, game::Health>` reads as
/// `Ref<'_, game::Health>`, as the user wrote it; the user's own paths stay whole.
fn without_store_paths(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut path = String::new();
    for c in name.chars() {
        if c.is_alphanumeric() || c == '_' || c == ':' {
            path.push(c);
        } else {
            push_path(&mut out, &mut path);
            out.push(c);
        }
    }
    push_path(&mut out, &mut path);
    out
}

/// Moves `path` onto `out`, only its last segment if it is one of this crate's paths.
fn push_path(out: &mut String, path: &mut String) {
    const STORE: &str = concat!(env!("CARGO_CRATE_NAME"), "::");
    match path.strip_prefix(STORE) {
        Some(inner) => out.push_str(inner.rsplit("::").next().unwrap_or(inner)),
        None => out.push_str(path),
    }
    path.clear();
}

/// The tokens a query, a parameter or a system borrows, each with how it borrows it, sorted
/// by key.
///
/// Built by queries item by item ([`read`](Self::read), [`write`](Self::write),
/// [`filter`](Self::filter), or all at once with [`of_query`](Self::of_query)) and by system
/// parameters ([`add`](Self::add)); the schedule compares the accesses of systems
/// ([`conflicts_with`](Self::conflicts_with)) and lends each system the tokens its access
/// lists. An access can also be *exclusive*: the system takes `&mut World` and must run
/// alone.
///
/// # Examples
///
/// ```
/// use cellar::{Access, AccessKey, Borrow};
///
/// struct Position;
/// struct Velocity;
/// let movement = Access::of_query::<(&mut Position, &Velocity), ()>().unwrap();
/// assert_eq!(movement.get(&AccessKey::component::<Position>()), Some(Borrow::Write));
///
/// let mut render = Access::new();
/// render.add(AccessKey::component::<Position>(), Borrow::Read).unwrap();
/// assert!(movement.conflicts_with(&render));
///
/// let mut physics = Access::new();
/// physics.add(AccessKey::component::<Velocity>(), Borrow::Read).unwrap();
/// assert!(!movement.conflicts_with(&physics));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Access {
    /// Sorted by key, one entry per key.
    entries: SmallVec<[(AccessKey, Borrow); 4]>,
    exclusive: bool,
}

impl Access {
    /// An empty access: something that borrows nothing conflicts with nothing.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::Access;
    /// assert!(Access::new().is_empty());
    /// ```
    pub fn new() -> Self {
        Access::default()
    }

    /// The access of a system that takes the whole world: it conflicts with every system.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::Access;
    /// assert!(Access::exclusive().conflicts_with(&Access::new()));
    /// ```
    pub fn exclusive() -> Self {
        Access { entries: SmallVec::new(), exclusive: true }
    }

    /// Whether this access takes the whole world.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::Access;
    /// assert!(Access::exclusive().is_exclusive());
    /// ```
    pub fn is_exclusive(&self) -> bool {
        self.exclusive
    }

    /// Whether nothing is borrowed and the world is not taken.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::Access;
    /// assert!(!Access::exclusive().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty() && !self.exclusive
    }

    /// Marks the access as taking the whole world.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::Access;
    /// let mut access = Access::new();
    /// access.set_exclusive();
    /// assert!(access.is_exclusive());
    /// ```
    pub fn set_exclusive(&mut self) {
        self.exclusive = true;
    }

    /// Records `borrow` of `key`, merging with what is there. Two borrows of one token merge
    /// into the stronger one unless one writes and the other is anything but a filter, or
    /// `filters_alias` and one writes beside a filter: then an [`AccessConflict`].
    fn insert(
        &mut self,
        key: AccessKey,
        borrow: Borrow,
        filters_alias: bool,
    ) -> Result<(), AccessConflict> {
        match self.entries.binary_search_by(|(k, _)| k.cmp(&key)) {
            Ok(i) => {
                let first = self.entries[i].1;
                let clash = match (first, borrow) {
                    (Borrow::Write, Borrow::Filter) | (Borrow::Filter, Borrow::Write) => {
                        filters_alias
                    }
                    (Borrow::Write, _) | (_, Borrow::Write) => true,
                    _ => false,
                };
                if clash {
                    return Err(AccessConflict { key, first, second: borrow, within: None });
                }
                self.entries[i].1 = first.max(borrow);
                Ok(())
            }
            Err(i) => {
                self.entries.insert(i, (key, borrow));
                Ok(())
            }
        }
    }

    /// Records that one system parameter borrows `key` as `borrow`.
    ///
    /// Two shared borrows of one token merge (two `Res<T>` may sit side by side); a write
    /// beside any other borrow of the same token, a filter's included, is an
    /// [`AccessConflict`], because one run of the system would hold `&mut` and another view
    /// of the same data.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::{Access, AccessKey, Borrow};
    ///
    /// let mut access = Access::new();
    /// access.add(AccessKey::resource::<u64>(), Borrow::Read).unwrap();
    /// access.add(AccessKey::resource::<u64>(), Borrow::Read).unwrap();
    /// assert_eq!(access.iter().count(), 1);
    /// assert!(access.add(AccessKey::resource::<u64>(), Borrow::Write).is_err());
    /// ```
    pub fn add(&mut self, key: AccessKey, borrow: Borrow) -> Result<(), AccessConflict> {
        self.insert(key, borrow, true)
    }

    /// Adds every entry of `other` as [`add`](Self::add) would: what a system parameter made
    /// of smaller accesses (a query, a tuple) does.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::{Access, With};
    ///
    /// struct A;
    /// struct B;
    /// let mut system = Access::of_query::<&mut A, ()>().unwrap();
    /// // Within one query a filter sits beside a write; between parameters it is a read.
    /// assert!(Access::of_query::<&mut A, With<A>>().is_ok());
    /// assert!(system.extend(&Access::of_query::<&B, With<A>>().unwrap()).is_err());
    /// ```
    pub fn extend(&mut self, other: &Access) -> Result<(), AccessConflict> {
        for (key, borrow) in other.iter() {
            self.add(key, borrow)?;
        }
        if other.exclusive {
            self.exclusive = true;
        }
        Ok(())
    }

    /// Adds every entry of `other`, keeping the stronger borrow where both name a token:
    /// never a conflict. The access of a `ParamSet`, whose members are used one at a time.
    pub(crate) fn union_with(&mut self, other: &Access) {
        for (key, borrow) in other.iter() {
            match self.entries.binary_search_by(|(k, _)| k.cmp(&key)) {
                Ok(i) => self.entries[i].1 = self.entries[i].1.max(borrow),
                Err(i) => self.entries.insert(i, (key, borrow)),
            }
        }
        self.exclusive |= other.exclusive;
    }

    /// Records that a query reads component `T`.
    ///
    /// # Errors
    ///
    /// An [`AccessConflict`] if `T` is already written.
    ///
    /// ```
    /// let mut a = cellar::Access::new();
    /// a.read::<u8>().unwrap();
    /// a.read::<u8>().unwrap();
    /// assert!(a.write::<u8>().is_err());
    /// ```
    pub fn read<T: 'static>(&mut self) -> Result<(), AccessConflict> {
        self.insert(AccessKey::component::<T>(), Borrow::Read, false)
    }

    /// Records that a query writes component `T`.
    ///
    /// # Errors
    ///
    /// An [`AccessConflict`] if `T` is already read or written.
    ///
    /// ```
    /// let mut a = cellar::Access::new();
    /// a.write::<u8>().unwrap();
    /// assert!(a.read::<u8>().is_err());
    /// ```
    pub fn write<T: 'static>(&mut self) -> Result<(), AccessConflict> {
        self.insert(AccessKey::component::<T>(), Borrow::Write, false)
    }

    /// Records that a query's filter looks at component `T`; within one query that is never
    /// a conflict.
    ///
    /// ```
    /// let mut a = cellar::Access::new();
    /// a.write::<u8>().unwrap();
    /// a.filter::<u8>();
    /// assert_eq!(a.iter().count(), 1);
    /// ```
    pub fn filter<T: 'static>(&mut self) {
        let filtered = self.insert(AccessKey::component::<T>(), Borrow::Filter, false);
        debug_assert!(filtered.is_ok(), "a filter sits beside anything within a query");
    }

    /// How this access borrows `key`, if at all.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::{Access, AccessKey, Borrow};
    /// let mut access = Access::new();
    /// access.add(AccessKey::component::<i8>(), Borrow::Read).unwrap();
    /// assert_eq!(access.get(&AccessKey::component::<i8>()), Some(Borrow::Read));
    /// assert_eq!(access.get(&AccessKey::component::<i16>()), None);
    /// ```
    pub fn get(&self, key: &AccessKey) -> Option<Borrow> {
        self.entries.binary_search_by(|(k, _)| k.cmp(key)).ok().map(|i| self.entries[i].1)
    }

    /// The borrowed tokens in key order.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::{Access, AccessKey, Borrow};
    /// let mut access = Access::new();
    /// access.add(AccessKey::component::<i8>(), Borrow::Write).unwrap();
    /// let (key, borrow) = access.iter().next().unwrap();
    /// assert_eq!((key.type_name(), borrow), ("i8", Borrow::Write));
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = (AccessKey, Borrow)> + '_ {
        self.entries.iter().copied()
    }

    /// The tokens used but not written: reads and filters.
    ///
    /// ```
    /// use cellar::{Access, With};
    /// assert_eq!(Access::of_query::<&u8, With<u16>>().unwrap().reads().count(), 2);
    /// ```
    pub fn reads(&self) -> impl Iterator<Item = AccessKey> + '_ {
        self.iter().filter(|(_, b)| !b.is_write()).map(|(k, _)| k)
    }

    /// The tokens written: those that need an exclusive borrow.
    ///
    /// ```
    /// use cellar::Access;
    /// let access = Access::of_query::<&mut u8, ()>().unwrap();
    /// assert_eq!(access.writes().next().unwrap().type_name(), "u8");
    /// ```
    pub fn writes(&self) -> impl Iterator<Item = AccessKey> + '_ {
        self.iter().filter(|(_, b)| b.is_write()).map(|(k, _)| k)
    }

    /// Whether nothing is written and the world is not taken.
    ///
    /// ```
    /// use cellar::Access;
    /// assert!(Access::of_query::<&u8, ()>().unwrap().is_read_only());
    /// ```
    pub fn is_read_only(&self) -> bool {
        !self.exclusive && self.writes().next().is_none()
    }

    /// The first token that this access and `other` borrow in a conflicting way, if any: one
    /// writes what the other uses at all. An exclusive access conflicts with everything,
    /// which this reports as `Err(())`.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::{Access, AccessKey, Borrow};
    /// let mut a = Access::new();
    /// a.add(AccessKey::component::<i8>(), Borrow::Write).unwrap();
    /// let mut b = Access::new();
    /// b.add(AccessKey::component::<i8>(), Borrow::Filter).unwrap();
    /// assert_eq!(a.first_conflict(&b).unwrap().unwrap().type_name(), "i8");
    /// ```
    #[allow(clippy::result_unit_err)]
    pub fn first_conflict(&self, other: &Access) -> Option<Result<AccessKey, ()>> {
        if self.exclusive || other.exclusive {
            return Some(Err(()));
        }
        // Both lists are sorted: walk them together.
        let (mut i, mut j) = (0, 0);
        while i < self.entries.len() && j < other.entries.len() {
            let (ka, ba) = self.entries[i];
            let (kb, bb) = other.entries[j];
            match ka.cmp(&kb) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    if ba.is_write() || bb.is_write() {
                        return Some(Ok(ka));
                    }
                    i += 1;
                    j += 1;
                }
            }
        }
        None
    }

    /// Whether two systems with these accesses must not run at the same time.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::{Access, AccessKey, Borrow};
    /// let mut a = Access::new();
    /// a.add(AccessKey::component::<i8>(), Borrow::Read).unwrap();
    /// let b = a.clone();
    /// assert!(!a.conflicts_with(&b), "two readers share");
    /// ```
    pub fn conflicts_with(&self, other: &Access) -> bool {
        self.first_conflict(other).is_some()
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn store_paths_are_cut_to_the_item_and_user_paths_stay() {
        let name = std::any::type_name::<(crate::Ref<'static, u8>, &mut crate::Entity)>();
        assert_eq!(super::without_store_paths(name), "(Ref<'_, u8>, &mut Entity)");
        let user = "(&mut game::Health, core::option::Option<&game::Armor>)";
        assert_eq!(super::without_store_paths(user), user);
    }
    use super::*;

    struct A;
    struct B;

    #[test]
    fn writes_conflict_with_reads_and_writes_but_reads_share() {
        let read_a = {
            let mut x = Access::new();
            x.add(AccessKey::component::<A>(), Borrow::Read).unwrap();
            x
        };
        let write_a = {
            let mut x = Access::new();
            x.add(AccessKey::component::<A>(), Borrow::Write).unwrap();
            x
        };
        let write_b = {
            let mut x = Access::new();
            x.add(AccessKey::component::<B>(), Borrow::Write).unwrap();
            x
        };
        assert!(!read_a.conflicts_with(&read_a));
        assert!(read_a.conflicts_with(&write_a));
        assert!(write_a.conflicts_with(&read_a));
        assert!(write_a.conflicts_with(&write_a));
        assert!(!write_a.conflicts_with(&write_b));
        assert!(!read_a.conflicts_with(&write_b));
    }

    #[test]
    fn component_and_resource_of_one_type_are_different_tokens() {
        let mut x = Access::new();
        x.add(AccessKey::component::<A>(), Borrow::Write).unwrap();
        x.add(AccessKey::resource::<A>(), Borrow::Write).unwrap();
        assert_eq!(x.iter().count(), 2);
    }

    #[test]
    fn filters_sit_beside_writes_in_a_query_but_not_between_parameters() {
        let mut query = Access::new();
        query.write::<A>().unwrap();
        query.filter::<A>();
        assert_eq!(query.get(&AccessKey::component::<A>()), Some(Borrow::Write));
        let mut filtered = Access::new();
        filtered.filter::<A>();
        filtered.read::<A>().unwrap();
        assert_eq!(filtered.get(&AccessKey::component::<A>()), Some(Borrow::Read));

        let mut params = Access::new();
        params.add(AccessKey::component::<A>(), Borrow::Filter).unwrap();
        params.add(AccessKey::component::<A>(), Borrow::Read).unwrap();
        assert_eq!(params.get(&AccessKey::component::<A>()), Some(Borrow::Read));
        let err = params.add(AccessKey::component::<A>(), Borrow::Write).unwrap_err();
        assert_eq!((err.first, err.second), (Borrow::Read, Borrow::Write));
        let mut params = Access::new();
        params.add(AccessKey::component::<A>(), Borrow::Write).unwrap();
        assert!(params.add(AccessKey::component::<A>(), Borrow::Filter).is_err());
    }

    #[test]
    fn a_filter_between_systems_orders_like_a_read() {
        let mut filter = Access::new();
        filter.filter::<A>();
        let mut write = Access::new();
        write.write::<A>().unwrap();
        let mut read = Access::new();
        read.read::<A>().unwrap();
        assert!(filter.conflicts_with(&write) && write.conflicts_with(&filter));
        assert!(!filter.conflicts_with(&read));
    }

    #[test]
    fn double_write_in_one_access_names_the_type() {
        let mut x = Access::new();
        x.add(AccessKey::resource::<B>(), Borrow::Write).unwrap();
        let err = x.add(AccessKey::resource::<B>(), Borrow::Write).unwrap_err();
        assert_eq!(err.first, Borrow::Write);
        assert!(err.to_string().contains("B`"), "{err}");
    }
}
