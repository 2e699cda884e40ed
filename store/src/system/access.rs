//! What a system borrows: the set of tokens it reads and the set it writes.
//!
//! Every component type and every resource type has one token. A system's [`Access`] lists the
//! tokens its parameters need, each shared (read) or exclusive (write), keyed by the type they
//! guard, so it is known before any world exists: [`Schedule::add_system`] checks it for
//! aliasing, and the schedule compares the sets of two systems to decide whether they may run
//! at the same time.
//!
//! [`Schedule::add_system`]: crate::schedule::Schedule::add_system

use std::any::TypeId;
use std::fmt;

/// What a token guards: the columns of one component type, or one resource.
///
/// # Examples
///
/// ```
/// use cellar::system::{AccessKey, TokenKind};
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
/// use cellar::system::AccessKey;
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
    /// use cellar::system::AccessKey;
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
    /// use cellar::system::{AccessKey, TokenKind};
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
    /// `type_name` in messages: for accesses computed from type-erased descriptions (a query's
    /// [`QueryAccess`](crate::QueryAccess)).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::any::TypeId;
    /// use cellar::system::{AccessKey, TokenKind};
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
    /// use cellar::system::{AccessKey, TokenKind};
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
    /// use cellar::system::AccessKey;
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
    /// use cellar::system::AccessKey;
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

/// How a system borrows one token.
///
/// # Examples
///
/// ```
/// use cellar::system::Borrow;
/// assert!(Borrow::Write.is_write());
/// assert!(!Borrow::Read.is_write());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Borrow {
    /// A shared borrow: the system reads what the token guards.
    Read,
    /// An exclusive borrow: the system writes what the token guards.
    Write,
}

impl Borrow {
    /// `true` for [`Borrow::Write`].
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::system::Borrow;
    /// assert!(Borrow::Write.is_write());
    /// ```
    pub fn is_write(self) -> bool {
        self == Borrow::Write
    }
}

/// Two parameters of one system that borrow one token in ways that cannot coexist: two writes,
/// or a write beside a read.
///
/// Returned by [`Access::add`]; the schedule wraps it into
/// [`ScheduleError::ConflictingParams`](crate::schedule::ScheduleError::ConflictingParams) with
/// the system's name.
///
/// # Examples
///
/// ```
/// use cellar::system::{Access, AccessKey, Borrow};
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
    /// The parameter's type where one parameter aliases within itself
    /// (`Query<(&mut A, &mut A)>`); `None` where two parameters clash.
    pub within: Option<&'static str>,
}

impl fmt::Display for AccessConflict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let how = |b: Borrow| if b.is_write() { "mutably" } else { "shared" };
        match self.within {
            Some(param) => write!(
                f,
                "parameter `{param}` borrows {} mutably and names it again: its items would \
                 alias; name each component once in a query that writes it",
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

/// The tokens one system borrows, each with how it borrows it, sorted by key.
///
/// An access can also be *exclusive*: the system takes `&mut World` and must run alone.
///
/// # Examples
///
/// ```
/// use cellar::system::{Access, AccessKey, Borrow};
///
/// struct Position;
/// struct Velocity;
/// let mut movement = Access::new();
/// movement.add(AccessKey::component::<Position>(), Borrow::Write).unwrap();
/// movement.add(AccessKey::component::<Velocity>(), Borrow::Read).unwrap();
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
    entries: Vec<(AccessKey, Borrow)>,
    exclusive: bool,
}

impl Access {
    /// An empty access: a system that borrows nothing conflicts with nothing.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::system::Access;
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
    /// use cellar::system::Access;
    /// assert!(Access::exclusive().conflicts_with(&Access::new()));
    /// ```
    pub fn exclusive() -> Self {
        Access { entries: Vec::new(), exclusive: true }
    }

    /// Whether this access takes the whole world.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::system::Access;
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
    /// use cellar::system::Access;
    /// assert!(!Access::exclusive().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty() && !self.exclusive
    }

    /// Records that one parameter borrows `key` as `borrow`.
    ///
    /// Two shared borrows of one token merge (two `Res<T>` may sit side by side); a write
    /// beside any other borrow of the same token is an [`AccessConflict`], because one run
    /// of the system would hold `&mut` and another reference to the same data.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::system::{Access, AccessKey, Borrow};
    ///
    /// let mut access = Access::new();
    /// access.add(AccessKey::resource::<u64>(), Borrow::Read).unwrap();
    /// access.add(AccessKey::resource::<u64>(), Borrow::Read).unwrap();
    /// assert_eq!(access.iter().count(), 1);
    /// assert!(access.add(AccessKey::resource::<u64>(), Borrow::Write).is_err());
    /// ```
    pub fn add(&mut self, key: AccessKey, borrow: Borrow) -> Result<(), AccessConflict> {
        match self.entries.binary_search_by(|(k, _)| k.cmp(&key)) {
            Ok(i) => {
                let first = self.entries[i].1;
                if first.is_write() || borrow.is_write() {
                    Err(AccessConflict { key, first, second: borrow, within: None })
                } else {
                    Ok(())
                }
            }
            Err(i) => {
                self.entries.insert(i, (key, borrow));
                Ok(())
            }
        }
    }

    /// Marks the access as taking the whole world.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::system::Access;
    /// let mut access = Access::new();
    /// access.set_exclusive();
    /// assert!(access.is_exclusive());
    /// ```
    pub fn set_exclusive(&mut self) {
        self.exclusive = true;
    }

    /// How this access borrows `key`, if at all.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::system::{Access, AccessKey, Borrow};
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
    /// use cellar::system::{Access, AccessKey, Borrow};
    /// let mut access = Access::new();
    /// access.add(AccessKey::component::<i8>(), Borrow::Write).unwrap();
    /// let (key, borrow) = access.iter().next().unwrap();
    /// assert_eq!((key.type_name(), borrow), ("i8", Borrow::Write));
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = (AccessKey, Borrow)> + '_ {
        self.entries.iter().copied()
    }

    /// The first token that this access and `other` borrow in a conflicting way, if any: one
    /// writes what the other reads or writes. An exclusive access conflicts with everything,
    /// which this reports as `Err(())`.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::system::{Access, AccessKey, Borrow};
    /// let mut a = Access::new();
    /// a.add(AccessKey::component::<i8>(), Borrow::Write).unwrap();
    /// let mut b = Access::new();
    /// b.add(AccessKey::component::<i8>(), Borrow::Read).unwrap();
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
    /// use cellar::system::{Access, AccessKey, Borrow};
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
    fn double_write_in_one_access_names_the_type() {
        let mut x = Access::new();
        x.add(AccessKey::resource::<B>(), Borrow::Write).unwrap();
        let err = x.add(AccessKey::resource::<B>(), Borrow::Write).unwrap_err();
        assert_eq!(err.first, Borrow::Write);
        assert!(err.to_string().contains("B`"), "{err}");
    }
}
