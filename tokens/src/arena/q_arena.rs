//! `QArena`: the arena whose owner is checked at run time (qcell's `QCell`).

use qcell::{QCellOwner, QCellOwnerID};
use slotmap::{DefaultKey, Key};

use super::ArenaError;
use super::flavour::{CheckedQCell, QFlavour};
use super::generic::Arena;
use super::iter::{Iter, IterMut};
use super::storage::Storage;
use super::view::{ArenaRo, ArenaRw};

/// An arena of `V`s keyed by `K`, read with `&QCellOwner` and written with `&mut QCellOwner`.
///
/// The default flavour: an arena is tied to one [`QCellOwner`] (by its id) when it is made,
/// and any number of owners and arenas can live in one process. Every method that reads or
/// writes values checks the owner once and returns [`ArenaError::WrongOwner`] for any other
/// owner; nothing is read or written then, and nothing panics.
///
/// Shape changes (`insert`, `remove`, `retain`, `clear`) take `&mut self` and no owner;
/// they and the other methods that need no owner (`len`, `keys`, `contains_key`, ...) are
/// the same for every flavour and are documented once, on [`Arena`].
/// Lookups of a key that is not in the arena (never was, removed, or removed and its slot
/// reused) give `Ok(None)`.
///
/// # Examples
///
/// ```
/// use cellar::arena::{ArenaError, QArena, QCellOwner};
///
/// let mut owner = QCellOwner::new();
/// let mut hp = QArena::new(&owner);
/// let hero = hp.insert(100_u32);
/// let imp = hp.insert(12);
///
/// // Two values mutably at once, with distinct keys.
/// let (h, i) = hp.get2_mut(&mut owner, hero, imp)?.unwrap();
/// std::mem::swap(h, i);
/// assert_eq!(hp.as_slice(&owner)?, [12, 100]);
///
/// // Another owner is refused.
/// let other = QCellOwner::new();
/// assert_eq!(hp.get(&other, hero), Err(ArenaError::WrongOwner));
/// # Ok::<(), ArenaError>(())
/// ```
pub type QArena<V, K = DefaultKey> = Arena<QFlavour, V, K>;

impl<V> QArena<V> {
    /// An empty arena owned by `owner` (a `&QCellOwner` or its [`QCellOwnerID`]), with
    /// [`DefaultKey`] keys ([`with_key`](QArena#method.with_key) picks another key type).
    ///
    /// ```
    /// use cellar::arena::{QArena, QCellOwner};
    ///
    /// let owner = QCellOwner::new();
    /// let arena = QArena::<String>::new(&owner);
    /// assert!(arena.is_empty());
    /// assert!(arena.is_owner(&owner));
    /// ```
    pub fn new(owner: impl Into<QCellOwnerID>) -> Self {
        Self::with_capacity_and_key(owner, 0)
    }

    /// An empty arena owned by `owner`, with room for `capacity` values.
    ///
    /// ```
    /// use cellar::arena::{QArena, QCellOwner};
    ///
    /// let owner = QCellOwner::new();
    /// let arena = QArena::<u64>::with_capacity(owner.id(), 1000);
    /// assert!(arena.capacity() >= 1000);
    /// ```
    pub fn with_capacity(owner: impl Into<QCellOwnerID>, capacity: usize) -> Self {
        Self::with_capacity_and_key(owner, capacity)
    }
}

impl<V, K: Key> QArena<V, K> {
    /// An empty arena owned by `owner`, with keys of type `K`.
    ///
    /// ```
    /// use cellar::arena::{QArena, QCellOwner};
    ///
    /// cellar::arena::new_key_type! { struct Unit; }
    /// let owner = QCellOwner::new();
    /// let mut arena = QArena::<&str, Unit>::with_key(&owner);
    /// let k: Unit = arena.insert("archer");
    /// assert_eq!(arena.get(&owner, k), Ok(Some(&"archer")));
    /// ```
    pub fn with_key(owner: impl Into<QCellOwnerID>) -> Self {
        Self::with_capacity_and_key(owner, 0)
    }

    /// An empty arena owned by `owner`, with keys of type `K` and room for `capacity` values.
    ///
    /// ```
    /// use cellar::arena::{DefaultKey, QArena, QCellOwner};
    ///
    /// let owner = QCellOwner::new();
    /// let arena = QArena::<u8, DefaultKey>::with_capacity_and_key(&owner, 8);
    /// assert!(arena.capacity() >= 8);
    /// ```
    pub fn with_capacity_and_key(owner: impl Into<QCellOwnerID>, capacity: usize) -> Self {
        let values = CheckedQCell::new(owner.into(), Vec::with_capacity(capacity));
        Arena { storage: Storage::from_cell(values, capacity) }
    }

    /// The id of the owner this arena accepts.
    ///
    /// ```
    /// use cellar::arena::{QArena, QCellOwner};
    ///
    /// let owner = QCellOwner::new();
    /// let arena = QArena::<u8>::new(&owner);
    /// assert!(arena.owner_id() == owner.id());
    /// ```
    pub fn owner_id(&self) -> QCellOwnerID {
        self.storage.cell().owner()
    }

    /// Whether `owner` is the one this arena accepts.
    ///
    /// ```
    /// use cellar::arena::{QArena, QCellOwner};
    ///
    /// let (owner, other) = (QCellOwner::new(), QCellOwner::new());
    /// let arena = QArena::<u8>::new(&owner);
    /// assert!(arena.is_owner(&owner) && !arena.is_owner(&other));
    /// ```
    pub fn is_owner(&self, owner: &QCellOwner) -> bool {
        self.owner_id() == owner.id()
    }

    /// Opens the arena for reading: one owner check, then any number of lookups through
    /// the returned [`ArenaRo`], which check only their keys.
    ///
    /// # Errors
    ///
    /// [`ArenaError::WrongOwner`] if `owner` is not this arena's owner.
    ///
    /// ```
    /// use cellar::arena::{QArena, QCellOwner};
    ///
    /// let owner = QCellOwner::new();
    /// let mut arena = QArena::new(&owner);
    /// let (a, b) = (arena.insert(1), arena.insert(2));
    /// let ro = arena.ro(&owner)?;
    /// assert_eq!(ro.get(a).unwrap() + ro.get(b).unwrap(), 3);
    /// assert!(arena.ro(&QCellOwner::new()).is_err());
    /// # Ok::<(), cellar::arena::ArenaError>(())
    /// ```
    #[inline]
    pub fn ro<'a>(&'a self, owner: &'a QCellOwner) -> Result<ArenaRo<'a, V, K>, ArenaError> {
        self.storage.ro(owner)
    }

    /// Opens the arena for writing: one owner check, then any number of reads and writes
    /// through the returned [`ArenaRw`], which check only their keys.
    ///
    /// # Errors
    ///
    /// [`ArenaError::WrongOwner`] if `owner` is not this arena's owner.
    ///
    /// ```
    /// use cellar::arena::{QArena, QCellOwner};
    ///
    /// let mut owner = QCellOwner::new();
    /// let mut arena = QArena::new(&owner);
    /// let (a, b) = (arena.insert(1), arena.insert(2));
    /// let mut rw = arena.rw(&mut owner)?;
    /// *rw.get_mut(a).unwrap() += 10;
    /// *rw.get_mut(b).unwrap() += 10;
    /// assert_eq!(rw.as_slice(), [11, 12]);
    /// # Ok::<(), cellar::arena::ArenaError>(())
    /// ```
    #[inline]
    pub fn rw<'a>(&'a self, owner: &'a mut QCellOwner) -> Result<ArenaRw<'a, V, K>, ArenaError> {
        self.storage.rw(owner)
    }

    /// Reads `key`'s value: `Ok(None)` if the key is not here.
    ///
    /// # Errors
    ///
    /// [`ArenaError::WrongOwner`] if `owner` is not this arena's owner.
    ///
    /// ```
    /// use cellar::arena::{QArena, QCellOwner};
    ///
    /// let owner = QCellOwner::new();
    /// let mut arena = QArena::new(&owner);
    /// let k = arena.insert(1.5_f32);
    /// assert_eq!(arena.get(&owner, k)?, Some(&1.5));
    /// # Ok::<(), cellar::arena::ArenaError>(())
    /// ```
    #[inline]
    pub fn get<'a>(&'a self, owner: &'a QCellOwner, key: K) -> Result<Option<&'a V>, ArenaError> {
        self.storage.get(owner, key)
    }

    /// Writes `key`'s value: `Ok(None)` if the key is not here.
    ///
    /// # Errors
    ///
    /// [`ArenaError::WrongOwner`] if `owner` is not this arena's owner.
    ///
    /// ```
    /// use cellar::arena::{QArena, QCellOwner};
    ///
    /// let mut owner = QCellOwner::new();
    /// let mut arena = QArena::new(&owner);
    /// let k = arena.insert(1);
    /// if let Some(v) = arena.get_mut(&mut owner, k)? {
    ///     *v += 1;
    /// }
    /// assert_eq!(arena.get(&owner, k)?, Some(&2));
    /// # Ok::<(), cellar::arena::ArenaError>(())
    /// ```
    #[inline]
    pub fn get_mut<'a>(
        &'a self,
        owner: &'a mut QCellOwner,
        key: K,
    ) -> Result<Option<&'a mut V>, ArenaError> {
        self.storage.get_mut(owner, key)
    }

    /// Writes two values at once: `Ok(None)` if a key is not here or the keys are equal.
    ///
    /// # Errors
    ///
    /// [`ArenaError::WrongOwner`] if `owner` is not this arena's owner.
    ///
    /// ```
    /// use cellar::arena::{QArena, QCellOwner};
    ///
    /// let mut owner = QCellOwner::new();
    /// let mut arena = QArena::new(&owner);
    /// let (a, b) = (arena.insert(1), arena.insert(2));
    /// let (x, y) = arena.get2_mut(&mut owner, a, b)?.unwrap();
    /// *x += *y;
    /// assert_eq!(arena.get(&owner, a)?, Some(&3));
    /// assert!(arena.get2_mut(&mut owner, a, a)?.is_none());
    /// # Ok::<(), cellar::arena::ArenaError>(())
    /// ```
    pub fn get2_mut<'a>(
        &'a self,
        owner: &'a mut QCellOwner,
        k1: K,
        k2: K,
    ) -> Result<Option<(&'a mut V, &'a mut V)>, ArenaError> {
        Ok(self.storage.get_many_mut(owner, [k1, k2])?.map(|[a, b]| (a, b)))
    }

    /// Writes three values at once: `Ok(None)` if a key is not here or two keys are equal.
    ///
    /// # Errors
    ///
    /// [`ArenaError::WrongOwner`] if `owner` is not this arena's owner.
    ///
    /// ```
    /// use cellar::arena::{QArena, QCellOwner};
    ///
    /// let mut owner = QCellOwner::new();
    /// let mut arena = QArena::new(&owner);
    /// let (a, b, c) = (arena.insert(1), arena.insert(2), arena.insert(3));
    /// let (x, y, z) = arena.get3_mut(&mut owner, a, b, c)?.unwrap();
    /// *x = *y + *z;
    /// assert_eq!(arena.get(&owner, a)?, Some(&5));
    /// assert!(arena.get3_mut(&mut owner, a, b, a)?.is_none());
    /// # Ok::<(), cellar::arena::ArenaError>(())
    /// ```
    pub fn get3_mut<'a>(
        &'a self,
        owner: &'a mut QCellOwner,
        k1: K,
        k2: K,
        k3: K,
    ) -> Result<Option<(&'a mut V, &'a mut V, &'a mut V)>, ArenaError> {
        Ok(self.storage.get_many_mut(owner, [k1, k2, k3])?.map(|[a, b, c]| (a, b, c)))
    }

    /// Writes `N` values at once: `Ok(None)` if a key is not here or two keys are equal.
    ///
    /// # Errors
    ///
    /// [`ArenaError::WrongOwner`] if `owner` is not this arena's owner.
    ///
    /// ```
    /// use cellar::arena::{QArena, QCellOwner};
    ///
    /// let mut owner = QCellOwner::new();
    /// let mut arena = QArena::new(&owner);
    /// let keys = [arena.insert(1), arena.insert(2), arena.insert(3), arena.insert(4)];
    /// for v in arena.get_many_mut(&mut owner, keys)?.unwrap() {
    ///     *v *= 10;
    /// }
    /// assert_eq!(arena.as_slice(&owner)?, [10, 20, 30, 40]);
    /// # Ok::<(), cellar::arena::ArenaError>(())
    /// ```
    pub fn get_many_mut<'a, const N: usize>(
        &'a self,
        owner: &'a mut QCellOwner,
        keys: [K; N],
    ) -> Result<Option<[&'a mut V; N]>, ArenaError> {
        self.storage.get_many_mut(owner, keys)
    }

    /// Every `(key, &value)` in storage order.
    ///
    /// # Errors
    ///
    /// [`ArenaError::WrongOwner`] if `owner` is not this arena's owner.
    ///
    /// ```
    /// use cellar::arena::{QArena, QCellOwner};
    ///
    /// let owner = QCellOwner::new();
    /// let mut arena = QArena::new(&owner);
    /// arena.insert(2);
    /// arena.insert(3);
    /// assert_eq!(arena.iter(&owner)?.map(|(_, v)| v).sum::<i32>(), 5);
    /// # Ok::<(), cellar::arena::ArenaError>(())
    /// ```
    pub fn iter<'a>(&'a self, owner: &'a QCellOwner) -> Result<Iter<'a, K, V>, ArenaError> {
        self.storage.iter(owner)
    }

    /// Every `(key, &mut value)` in storage order.
    ///
    /// # Errors
    ///
    /// [`ArenaError::WrongOwner`] if `owner` is not this arena's owner.
    ///
    /// ```
    /// use cellar::arena::{QArena, QCellOwner};
    ///
    /// let mut owner = QCellOwner::new();
    /// let mut arena = QArena::new(&owner);
    /// arena.insert(2);
    /// for (_, v) in arena.iter_mut(&mut owner)? {
    ///     *v += 1;
    /// }
    /// assert_eq!(arena.as_slice(&owner)?, [3]);
    /// # Ok::<(), cellar::arena::ArenaError>(())
    /// ```
    pub fn iter_mut<'a>(
        &'a self,
        owner: &'a mut QCellOwner,
    ) -> Result<IterMut<'a, K, V>, ArenaError> {
        self.storage.iter_mut(owner)
    }

    /// Every value as one slice, in storage order (the order of [`keys`](Self::keys)): the
    /// fast path for bulk reads.
    ///
    /// # Errors
    ///
    /// [`ArenaError::WrongOwner`] if `owner` is not this arena's owner.
    ///
    /// ```
    /// use cellar::arena::{QArena, QCellOwner};
    ///
    /// let owner = QCellOwner::new();
    /// let mut arena = QArena::new(&owner);
    /// arena.insert(4_u64);
    /// arena.insert(5);
    /// assert_eq!(arena.as_slice(&owner)?.iter().sum::<u64>(), 9);
    /// # Ok::<(), cellar::arena::ArenaError>(())
    /// ```
    pub fn as_slice<'a>(&'a self, owner: &'a QCellOwner) -> Result<&'a [V], ArenaError> {
        self.storage.as_slice(owner)
    }

    /// Every value as one mutable slice, in storage order: the fast path for bulk writes.
    ///
    /// # Errors
    ///
    /// [`ArenaError::WrongOwner`] if `owner` is not this arena's owner.
    ///
    /// ```
    /// use cellar::arena::{QArena, QCellOwner};
    ///
    /// let mut owner = QCellOwner::new();
    /// let mut arena = QArena::new(&owner);
    /// arena.insert(4_u64);
    /// arena.as_mut_slice(&mut owner)?.iter_mut().for_each(|v| *v += 1);
    /// assert_eq!(arena.as_slice(&owner)?, [5]);
    /// # Ok::<(), cellar::arena::ArenaError>(())
    /// ```
    pub fn as_mut_slice<'a>(
        &'a self,
        owner: &'a mut QCellOwner,
    ) -> Result<&'a mut [V], ArenaError> {
        self.storage.as_mut_slice(owner)
    }
}
