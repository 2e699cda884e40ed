//! [`Arena`]: the one arena type behind [`QArena`], [`TArena`] and [`LArena`], and the methods
//! they share because they take no owner.
//!
//! The three public names are type aliases of `Arena` with one flavour each, as `lock_api`
//! writes `Mutex<R, T>` once for every raw lock. The methods that take an owner differ in
//! their owner type and in what they return (`Result` for `QArena`, whose owner is checked at
//! run time; plain values for the other two), so each flavour's file keeps its own.

use std::fmt;

use slotmap::{DefaultKey, Key};

use super::flavour::Flavour;
use super::storage::Storage;
#[cfg(doc)]
use super::{LArena, QArena, TArena};

/// An arena of `V`s keyed by `K`, whose owner is given by the flavour `F`.
///
/// Use it through its aliases: [`QArena<V, K>`] (owner checked at run time),
/// [`TArena<M, V, K>`] (owner named by a marker type) and [`LArena<'id, V, K>`] (owner
/// branded by a closure's lifetime). The flavour trait is sealed: these three are all the
/// flavours there are. The methods below need no owner and are the same for every flavour;
/// each alias's page lists its constructors and its owner-taking methods.
///
/// # Examples
///
/// The same shape changes for every flavour; only making the arena and touching its values
/// differ:
///
/// ```
/// use cellar::arena::{LArena, LCellOwner, QArena, QCellOwner, TArena, TCellOwner};
///
/// let q_owner = QCellOwner::new();
/// let mut q = QArena::new(&q_owner);
/// struct Marker;
/// let t_owner = TCellOwner::<Marker>::new();
/// let mut t = TArena::<Marker, _>::new();
/// let (qk, tk) = (q.insert(1), t.insert(1));
/// assert_eq!((q.len(), t.keys()), (1, &[tk][..]));
/// assert_eq!((q.remove(qk), t.remove(tk)), (Some(1), Some(1)));
/// assert!(q.as_slice(&q_owner)?.is_empty() && t.as_slice(&t_owner).is_empty());
///
/// LCellOwner::scope(|owner| {
///     let mut l = LArena::new();
///     l.insert("a");
///     l.retain(|_, v| *v != "a");
///     assert!(l.is_empty() && l.as_slice(&owner).is_empty());
/// });
/// # Ok::<(), cellar::arena::ArenaError>(())
/// ```
pub struct Arena<F: Flavour, V, K: Key = DefaultKey> {
    /// The keys, their positions and the values (its type states the invariants).
    pub(super) storage: Storage<F, K, V>,
}

impl<F: Flavour, V, K: Key> Arena<F, V, K> {
    /// The number of values. Needs no owner.
    ///
    /// ```
    /// use cellar::arena::{QArena, QCellOwner};
    ///
    /// let owner = QCellOwner::new();
    /// let mut arena = QArena::new(&owner);
    /// arena.insert('x');
    /// assert_eq!(arena.len(), 1);
    /// ```
    pub fn len(&self) -> usize {
        self.storage.len()
    }

    /// Whether the arena holds no values. Needs no owner.
    ///
    /// ```
    /// use cellar::arena::{QArena, QCellOwner};
    ///
    /// let owner = QCellOwner::new();
    /// assert!(QArena::<u8>::new(&owner).is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.storage.len() == 0
    }

    /// How many values fit without reallocating.
    ///
    /// ```
    /// use cellar::arena::{QArena, QCellOwner};
    ///
    /// let owner = QCellOwner::new();
    /// let mut arena = QArena::<u8>::new(&owner);
    /// arena.reserve(10);
    /// assert!(arena.capacity() >= 10);
    /// ```
    pub fn capacity(&self) -> usize {
        self.storage.capacity()
    }

    /// Makes room for `additional` more values.
    ///
    /// ```
    /// use cellar::arena::{QArena, QCellOwner};
    ///
    /// let owner = QCellOwner::new();
    /// let mut arena = QArena::<u8>::new(&owner);
    /// arena.reserve(64);
    /// assert!(arena.capacity() >= 64);
    /// ```
    pub fn reserve(&mut self, additional: usize) {
        self.storage.reserve(additional);
    }

    /// Whether `key` is in the arena. Needs no owner.
    ///
    /// ```
    /// use cellar::arena::{QArena, QCellOwner};
    ///
    /// let owner = QCellOwner::new();
    /// let mut arena = QArena::new(&owner);
    /// let k = arena.insert(1);
    /// assert!(arena.contains_key(k));
    /// arena.remove(k);
    /// assert!(!arena.contains_key(k));
    /// ```
    pub fn contains_key(&self, key: K) -> bool {
        self.storage.contains_key(key)
    }

    /// The keys in storage order: `keys()[i]` is the key of the `i`th value of the flavour's
    /// `as_slice`. Needs no owner.
    ///
    /// ```
    /// use cellar::arena::{QArena, QCellOwner};
    ///
    /// let owner = QCellOwner::new();
    /// let mut arena = QArena::new(&owner);
    /// let (a, b) = (arena.insert(1), arena.insert(2));
    /// assert_eq!(arena.keys(), [a, b]);
    /// ```
    pub fn keys(&self) -> &[K] {
        self.storage.keys()
    }

    /// The position of `key`'s value in the flavour's `as_slice` and in [`keys`](Self::keys),
    /// if it is here.
    ///
    /// ```
    /// use cellar::arena::{QArena, QCellOwner};
    ///
    /// let owner = QCellOwner::new();
    /// let mut arena = QArena::new(&owner);
    /// let (a, b) = (arena.insert(1), arena.insert(2));
    /// arena.remove(a);
    /// assert_eq!(arena.position(b), Some(0)); // moved into the hole
    /// assert_eq!(arena.position(a), None);
    /// ```
    pub fn position(&self, key: K) -> Option<usize> {
        self.storage.position(key)
    }

    /// Adds `value` and returns its new key.
    ///
    /// ```
    /// use cellar::arena::{QArena, QCellOwner};
    ///
    /// let owner = QCellOwner::new();
    /// let mut arena = QArena::new(&owner);
    /// let k = arena.insert("v");
    /// assert_eq!(arena.get(&owner, k), Ok(Some(&"v")));
    /// ```
    pub fn insert(&mut self, value: V) -> K {
        self.storage.insert_with_key(|_| value)
    }

    /// Adds the value `f` makes from its own key, and returns the key. If `f` panics, the
    /// arena is unchanged.
    ///
    /// ```
    /// use cellar::arena::{DefaultKey, QArena, QCellOwner};
    ///
    /// let owner = QCellOwner::new();
    /// let mut arena = QArena::<(DefaultKey, u8)>::new(&owner);
    /// let k = arena.insert_with_key(|k| (k, 5));
    /// assert_eq!(arena.get(&owner, k)?, Some(&(k, 5)));
    /// # Ok::<(), cellar::arena::ArenaError>(())
    /// ```
    pub fn insert_with_key(&mut self, f: impl FnOnce(K) -> V) -> K {
        self.storage.insert_with_key(f)
    }

    /// Removes `key`'s value and returns it; `None` if the key is not here. The last value
    /// moves into the hole, so storage order changes.
    ///
    /// ```
    /// use cellar::arena::{QArena, QCellOwner};
    ///
    /// let owner = QCellOwner::new();
    /// let mut arena = QArena::new(&owner);
    /// let k = arena.insert(3);
    /// assert_eq!(arena.remove(k), Some(3));
    /// assert_eq!(arena.remove(k), None);
    /// ```
    pub fn remove(&mut self, key: K) -> Option<V> {
        self.storage.remove(key)
    }

    /// Keeps the values for which `keep` returns `true` and drops the rest. Every value is
    /// visited once, in an unspecified order.
    ///
    /// ```
    /// use cellar::arena::{QArena, QCellOwner};
    ///
    /// let owner = QCellOwner::new();
    /// let mut arena = QArena::new(&owner);
    /// for i in 0..6 {
    ///     arena.insert(i);
    /// }
    /// arena.retain(|_, v| *v % 2 == 0);
    /// assert_eq!(arena.len(), 3);
    /// ```
    pub fn retain(&mut self, keep: impl FnMut(K, &mut V) -> bool) {
        self.storage.retain(keep);
    }

    /// Drops every value. Keys handed out before stay stale forever.
    ///
    /// ```
    /// use cellar::arena::{QArena, QCellOwner};
    ///
    /// let owner = QCellOwner::new();
    /// let mut arena = QArena::new(&owner);
    /// let k = arena.insert(1);
    /// arena.clear();
    /// assert!(arena.is_empty() && !arena.contains_key(k));
    /// ```
    pub fn clear(&mut self) {
        self.storage.clear();
    }

    /// Every value, mutably, through `&mut self` instead of an owner (exclusive access to the
    /// arena already rules out every other borrow).
    ///
    /// ```
    /// use cellar::arena::{QArena, QCellOwner};
    ///
    /// let owner = QCellOwner::new();
    /// let mut arena = QArena::new(&owner);
    /// arena.insert(1);
    /// arena.values_mut()[0] = 9;
    /// assert_eq!(arena.as_slice(&owner)?, [9]);
    /// # Ok::<(), cellar::arena::ArenaError>(())
    /// ```
    pub fn values_mut(&mut self) -> &mut [V] {
        self.storage.values_mut()
    }
}

impl<F: Flavour, V, K: Key> fmt::Debug for Arena<F, V, K> {
    /// Shows the flavour's name and the length only: the values need the owner.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct(F::NAME).field("len", &self.len()).finish_non_exhaustive()
    }
}
