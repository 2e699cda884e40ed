//! `LArena`: the arena whose owner is branded by a closure's lifetime (qcell's `LCell`).

use qcell::{LCell, LCellOwner};
use slotmap::{DefaultKey, Key};

use super::flavour::{LFlavour, never};
use super::generic::Arena;
use super::iter::{Iter, IterMut};
use super::storage::Storage;
use super::view::{ArenaRo, ArenaRw};

/// An arena of `V`s keyed by `K`, read with `&LCellOwner<'id>` and written with
/// `&mut LCellOwner<'id>`.
///
/// The owner comes from [`LCellOwner::scope`], which hands its closure an owner with a
/// lifetime `'id` that no other owner has. An arena used with that owner takes the same
/// `'id`, so the compiler rejects any other owner, and neither the owner nor the arena can
/// leave the closure. Nothing is global and nothing is checked at run time: lookups return
/// plain `Option`s. Scopes can nest, each with its own owner.
///
/// Shape changes (`insert`, `remove`, `retain`, `clear`) take `&mut self` and no owner;
/// they and the other methods that need no owner (`len`, `keys`, `contains_key`, ...) are
/// the same for every flavour and are documented once, on [`Arena`].
/// Lookups of a key that is not here (never was, removed, or removed and its slot reused)
/// give `None`.
///
/// # Examples
///
/// ```
/// use cellar::arena::{LArena, LCellOwner};
///
/// LCellOwner::scope(|mut owner| {
///     let mut names = LArena::new();
///     let a = names.insert(String::from("ada"));
///     names.get_mut(&mut owner, a).unwrap().push_str(" lovelace");
///     assert_eq!(names.get(&owner, a).unwrap(), "ada lovelace");
/// });
/// ```
///
/// The owner of another scope does not compile:
///
/// ```compile_fail,E0521
/// use cellar::arena::{LArena, LCellOwner};
///
/// LCellOwner::scope(|outer| {
///     LCellOwner::scope(|inner| {
///         let mut arena = LArena::new();
///         let a = arena.insert(1);
///         arena.get(&outer, a);
///         arena.get(&inner, a); // error: the two owners' lifetimes differ
///     });
/// });
/// ```
///
/// Nor does letting the owner out of its scope:
///
/// ```compile_fail,E0521
/// use cellar::arena::LCellOwner;
///
/// let mut escaped = None;
/// LCellOwner::scope(|owner| {
///     escaped = Some(owner); // error: `'id` would outlive the closure
/// });
/// ```
pub type LArena<'id, V, K = DefaultKey> = Arena<LFlavour<'id>, V, K>;

impl<'id, V> LArena<'id, V> {
    /// An empty arena; its `'id` is the one of the owner it is first used with.
    ///
    /// ```
    /// use cellar::arena::{LArena, LCellOwner};
    ///
    /// LCellOwner::scope(|owner| {
    ///     let arena = LArena::<String>::new();
    ///     assert!(arena.as_slice(&owner).is_empty());
    /// });
    /// ```
    pub fn new() -> Self {
        Self::with_capacity_and_key(0)
    }

    /// An empty arena with room for `capacity` values.
    ///
    /// ```
    /// use cellar::arena::LArena;
    ///
    /// let arena = LArena::<u64>::with_capacity(1000);
    /// assert!(arena.capacity() >= 1000);
    /// ```
    pub fn with_capacity(capacity: usize) -> Self {
        Self::with_capacity_and_key(capacity)
    }
}

impl<'id, V, K: Key> LArena<'id, V, K> {
    /// An empty arena with keys of type `K`.
    ///
    /// ```
    /// use cellar::arena::{LArena, LCellOwner};
    ///
    /// cellar::arena::new_key_type! { struct Unit; }
    /// LCellOwner::scope(|owner| {
    ///     let mut arena = LArena::<&str, Unit>::with_key();
    ///     let k: Unit = arena.insert("archer");
    ///     assert_eq!(arena.get(&owner, k), Some(&"archer"));
    /// });
    /// ```
    pub fn with_key() -> Self {
        Self::with_capacity_and_key(0)
    }

    /// An empty arena with keys of type `K` and room for `capacity` values.
    ///
    /// ```
    /// use cellar::arena::{DefaultKey, LArena};
    ///
    /// let arena = LArena::<u8, DefaultKey>::with_capacity_and_key(8);
    /// assert!(arena.capacity() >= 8);
    /// ```
    pub fn with_capacity_and_key(capacity: usize) -> Self {
        let values = LCell::new(Vec::with_capacity(capacity));
        Arena { storage: Storage::from_cell(values, capacity) }
    }

    /// Opens the arena for reading: one owner check, then any number of lookups through
    /// the returned [`ArenaRo`], which check only their keys.
    ///
    /// ```
    /// use cellar::arena::{LArena, LCellOwner};
    ///
    /// LCellOwner::scope(|owner| {
    ///     let mut arena = LArena::new();
    ///     let (a, b) = (arena.insert(1), arena.insert(2));
    ///     let ro = arena.ro(&owner);
    ///     assert_eq!(ro.get(a).unwrap() + ro.get(b).unwrap(), 3);
    /// });
    /// ```
    #[inline]
    pub fn ro<'a>(&'a self, owner: &'a LCellOwner<'id>) -> ArenaRo<'a, V, K> {
        never(self.storage.ro(owner))
    }

    /// Opens the arena for writing: one owner check, then any number of reads and writes
    /// through the returned [`ArenaRw`], which check only their keys.
    ///
    /// ```
    /// use cellar::arena::{LArena, LCellOwner};
    ///
    /// LCellOwner::scope(|mut owner| {
    ///     let mut arena = LArena::new();
    ///     let (a, b) = (arena.insert(1), arena.insert(2));
    ///     let mut rw = arena.rw(&mut owner);
    ///     *rw.get_mut(a).unwrap() += 10;
    ///     *rw.get_mut(b).unwrap() += 10;
    ///     assert_eq!(rw.as_slice(), [11, 12]);
    /// });
    /// ```
    #[inline]
    pub fn rw<'a>(&'a self, owner: &'a mut LCellOwner<'id>) -> ArenaRw<'a, V, K> {
        never(self.storage.rw(owner))
    }

    /// Reads `key`'s value: `None` if the key is not here.
    ///
    /// ```
    /// use cellar::arena::{DefaultKey, LArena, LCellOwner};
    ///
    /// LCellOwner::scope(|mut owner| {
    ///     let mut arena = LArena::new();
    ///     let k = arena.insert(1.5_f32);
    ///     assert_eq!(arena.get(&owner, k), Some(&1.5));
    /// });
    /// ```
    #[inline]
    pub fn get<'a>(&'a self, owner: &'a LCellOwner<'id>, key: K) -> Option<&'a V> {
        never(self.storage.get(owner, key))
    }

    /// Writes `key`'s value: `None` if the key is not here.
    ///
    /// ```
    /// use cellar::arena::{DefaultKey, LArena, LCellOwner};
    ///
    /// LCellOwner::scope(|mut owner| {
    ///     let mut arena = LArena::new();
    ///     let k = arena.insert(1);
    ///     if let Some(v) = arena.get_mut(&mut owner, k) {
    ///         *v += 1;
    ///     }
    ///     assert_eq!(arena.get(&owner, k), Some(&2));
    /// });
    /// ```
    #[inline]
    pub fn get_mut<'a>(&'a self, owner: &'a mut LCellOwner<'id>, key: K) -> Option<&'a mut V> {
        never(self.storage.get_mut(owner, key))
    }

    /// Writes two values at once: `None` if a key is not here or the keys are equal.
    ///
    /// ```
    /// use cellar::arena::{DefaultKey, LArena, LCellOwner};
    ///
    /// LCellOwner::scope(|mut owner| {
    ///     let mut arena = LArena::new();
    ///     let (a, b) = (arena.insert(1), arena.insert(2));
    ///     let (x, y) = arena.get2_mut(&mut owner, a, b).unwrap();
    ///     *x += *y;
    ///     assert_eq!(arena.get(&owner, a), Some(&3));
    ///     assert!(arena.get2_mut(&mut owner, a, a).is_none());
    /// });
    /// ```
    pub fn get2_mut<'a>(
        &'a self,
        owner: &'a mut LCellOwner<'id>,
        k1: K,
        k2: K,
    ) -> Option<(&'a mut V, &'a mut V)> {
        never(self.storage.get_many_mut(owner, [k1, k2])).map(|[a, b]| (a, b))
    }

    /// Writes three values at once: `None` if a key is not here or two keys are equal.
    ///
    /// ```
    /// use cellar::arena::{DefaultKey, LArena, LCellOwner};
    ///
    /// LCellOwner::scope(|mut owner| {
    ///     let mut arena = LArena::new();
    ///     let (a, b, c) = (arena.insert(1), arena.insert(2), arena.insert(3));
    ///     let (x, y, z) = arena.get3_mut(&mut owner, a, b, c).unwrap();
    ///     *x = *y + *z;
    ///     assert_eq!(arena.get(&owner, a), Some(&5));
    ///     assert!(arena.get3_mut(&mut owner, a, b, a).is_none());
    /// });
    /// ```
    pub fn get3_mut<'a>(
        &'a self,
        owner: &'a mut LCellOwner<'id>,
        k1: K,
        k2: K,
        k3: K,
    ) -> Option<(&'a mut V, &'a mut V, &'a mut V)> {
        never(self.storage.get_many_mut(owner, [k1, k2, k3])).map(|[a, b, c]| (a, b, c))
    }

    /// Writes `N` values at once: `None` if a key is not here or two keys are equal.
    ///
    /// ```
    /// use cellar::arena::{DefaultKey, LArena, LCellOwner};
    ///
    /// LCellOwner::scope(|mut owner| {
    ///     let mut arena = LArena::new();
    ///     let keys = [arena.insert(1), arena.insert(2), arena.insert(3), arena.insert(4)];
    ///     for v in arena.get_many_mut(&mut owner, keys).unwrap() {
    ///         *v *= 10;
    ///     }
    ///     assert_eq!(arena.as_slice(&owner), [10, 20, 30, 40]);
    /// });
    /// ```
    pub fn get_many_mut<'a, const N: usize>(
        &'a self,
        owner: &'a mut LCellOwner<'id>,
        keys: [K; N],
    ) -> Option<[&'a mut V; N]> {
        never(self.storage.get_many_mut(owner, keys))
    }

    /// Every `(key, &value)` in storage order.
    ///
    /// ```
    /// use cellar::arena::{DefaultKey, LArena, LCellOwner};
    ///
    /// LCellOwner::scope(|mut owner| {
    ///     let mut arena = LArena::new();
    ///     arena.insert(2);
    ///     arena.insert(3);
    ///     assert_eq!(arena.iter(&owner).map(|(_, v)| v).sum::<i32>(), 5);
    /// });
    /// ```
    pub fn iter<'a>(&'a self, owner: &'a LCellOwner<'id>) -> Iter<'a, K, V> {
        never(self.storage.iter(owner))
    }

    /// Every `(key, &mut value)` in storage order.
    ///
    /// ```
    /// use cellar::arena::{DefaultKey, LArena, LCellOwner};
    ///
    /// LCellOwner::scope(|mut owner| {
    ///     let mut arena = LArena::new();
    ///     arena.insert(2);
    ///     for (_, v) in arena.iter_mut(&mut owner) {
    ///         *v += 1;
    ///     }
    ///     assert_eq!(arena.as_slice(&owner), [3]);
    /// });
    /// ```
    pub fn iter_mut<'a>(&'a self, owner: &'a mut LCellOwner<'id>) -> IterMut<'a, K, V> {
        never(self.storage.iter_mut(owner))
    }

    /// Every value as one slice, in storage order (the order of [`keys`](Self::keys)): the
    /// fast path for bulk reads.
    ///
    /// ```
    /// use cellar::arena::{DefaultKey, LArena, LCellOwner};
    ///
    /// LCellOwner::scope(|mut owner| {
    ///     let mut arena = LArena::new();
    ///     arena.insert(4_u64);
    ///     arena.insert(5);
    ///     assert_eq!(arena.as_slice(&owner).iter().sum::<u64>(), 9);
    /// });
    /// ```
    pub fn as_slice<'a>(&'a self, owner: &'a LCellOwner<'id>) -> &'a [V] {
        never(self.storage.as_slice(owner))
    }

    /// Every value as one mutable slice, in storage order: the fast path for bulk writes.
    ///
    /// ```
    /// use cellar::arena::{DefaultKey, LArena, LCellOwner};
    ///
    /// LCellOwner::scope(|mut owner| {
    ///     let mut arena = LArena::new();
    ///     arena.insert(4_u64);
    ///     arena.as_mut_slice(&mut owner).iter_mut().for_each(|v| *v += 1);
    ///     assert_eq!(arena.as_slice(&owner), [5]);
    /// });
    /// ```
    pub fn as_mut_slice<'a>(&'a self, owner: &'a mut LCellOwner<'id>) -> &'a mut [V] {
        never(self.storage.as_mut_slice(owner))
    }
}

impl<V> Default for LArena<'_, V> {
    /// The same as [`LArena::new`](LArena#method.new).
    fn default() -> Self {
        Self::new()
    }
}
