//! `ArenaRo` and `ArenaRw`: an arena opened once by its owner, for many accesses in a row.

use std::fmt;

use slotmap::{DefaultKey, Key, SlotMap};

use super::iter::{Iter, IterMut};

/// An arena opened for reading: the owner was checked once, when this was made by `ro`
/// ([`QArena::ro`](super::QArena#method.ro), [`TArena::ro`](super::TArena#method.ro),
/// [`LArena::ro`](super::LArena#method.ro)); lookups through it check nothing more than the key.
///
/// It borrows both the arena and the owner, so the arena's shape cannot change and no
/// writer can exist while it lives. It is `Copy`.
///
/// # Examples
///
/// ```
/// use cellar::arena::{QArena, QCellOwner};
///
/// let owner = QCellOwner::new();
/// let mut arena = QArena::new(&owner);
/// let keys: Vec<_> = (0..100_u64).map(|v| arena.insert(v)).collect();
///
/// let ro = arena.ro(&owner)?; // one owner check...
/// let total: u64 = keys.iter().rev().map(|&k| ro.get(k).unwrap()).sum(); // ...for 100 lookups
/// assert_eq!(total, 4950);
/// # Ok::<(), cellar::arena::ArenaError>(())
/// ```
pub struct ArenaRo<'a, V, K: Key = DefaultKey> {
    slots: &'a SlotMap<K, u32>,
    keys: &'a [K],
    values: &'a [V],
}

impl<V, K: Key> Clone for ArenaRo<'_, V, K> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<V, K: Key> Copy for ArenaRo<'_, V, K> {}

impl<'a, V, K: Key> ArenaRo<'a, V, K> {
    pub(crate) fn new(slots: &'a SlotMap<K, u32>, keys: &'a [K], values: &'a [V]) -> Self {
        ArenaRo { slots, keys, values }
    }

    /// The number of values.
    ///
    /// ```
    /// use cellar::arena::{QArena, QCellOwner};
    ///
    /// let owner = QCellOwner::new();
    /// let mut arena = QArena::new(&owner);
    /// arena.insert(1);
    /// assert_eq!(arena.ro(&owner)?.len(), 1);
    /// # Ok::<(), cellar::arena::ArenaError>(())
    /// ```
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Whether the arena holds no values.
    ///
    /// ```
    /// use cellar::arena::{QArena, QCellOwner};
    ///
    /// let owner = QCellOwner::new();
    /// let arena = QArena::<u8>::new(&owner);
    /// assert!(arena.ro(&owner)?.is_empty());
    /// # Ok::<(), cellar::arena::ArenaError>(())
    /// ```
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Whether `key` is in the arena.
    ///
    /// ```
    /// use cellar::arena::{QArena, QCellOwner};
    ///
    /// let owner = QCellOwner::new();
    /// let mut arena = QArena::new(&owner);
    /// let k = arena.insert(1);
    /// assert!(arena.ro(&owner)?.contains_key(k));
    /// # Ok::<(), cellar::arena::ArenaError>(())
    /// ```
    pub fn contains_key(&self, key: K) -> bool {
        self.slots.contains_key(key)
    }

    /// The keys in storage order: `keys()[i]` is the key of `as_slice()[i]`.
    ///
    /// ```
    /// use cellar::arena::{QArena, QCellOwner};
    ///
    /// let owner = QCellOwner::new();
    /// let mut arena = QArena::new(&owner);
    /// let k = arena.insert(1);
    /// assert_eq!(arena.ro(&owner)?.keys(), [k]);
    /// # Ok::<(), cellar::arena::ArenaError>(())
    /// ```
    pub fn keys(&self) -> &'a [K] {
        self.keys
    }

    /// The position of `key`'s value in [`as_slice`](Self::as_slice), if it is here.
    ///
    /// ```
    /// use cellar::arena::{QArena, QCellOwner};
    ///
    /// let owner = QCellOwner::new();
    /// let mut arena = QArena::new(&owner);
    /// let k = arena.insert(1);
    /// assert_eq!(arena.ro(&owner)?.position(k), Some(0));
    /// # Ok::<(), cellar::arena::ArenaError>(())
    /// ```
    pub fn position(&self, key: K) -> Option<usize> {
        self.slots.get(key).map(|&i| i as usize)
    }

    /// Reads `key`'s value: `None` if the key is not here.
    ///
    /// ```
    /// use cellar::arena::{QArena, QCellOwner};
    ///
    /// let owner = QCellOwner::new();
    /// let mut arena = QArena::new(&owner);
    /// let k = arena.insert(1);
    /// assert_eq!(arena.ro(&owner)?.get(k), Some(&1));
    /// # Ok::<(), cellar::arena::ArenaError>(())
    /// ```
    #[inline]
    pub fn get(&self, key: K) -> Option<&'a V> {
        let values = self.values;
        self.slots.get(key).and_then(|&i| values.get(i as usize))
    }

    /// Every `(key, &value)` in storage order.
    ///
    /// ```
    /// use cellar::arena::{QArena, QCellOwner};
    ///
    /// let owner = QCellOwner::new();
    /// let mut arena = QArena::new(&owner);
    /// arena.insert(1);
    /// assert_eq!(arena.ro(&owner)?.iter().count(), 1);
    /// # Ok::<(), cellar::arena::ArenaError>(())
    /// ```
    pub fn iter(&self) -> Iter<'a, K, V> {
        Iter::new(self.keys, self.values)
    }

    /// Every value as one slice, in storage order.
    ///
    /// ```
    /// use cellar::arena::{QArena, QCellOwner};
    ///
    /// let owner = QCellOwner::new();
    /// let mut arena = QArena::new(&owner);
    /// arena.insert(1);
    /// assert_eq!(arena.ro(&owner)?.as_slice(), [1]);
    /// # Ok::<(), cellar::arena::ArenaError>(())
    /// ```
    pub fn as_slice(&self) -> &'a [V] {
        self.values
    }
}

impl<V, K: Key> fmt::Debug for ArenaRo<'_, V, K> {
    /// Shows the length only, as the arenas do.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ArenaRo").field("len", &self.len()).finish_non_exhaustive()
    }
}

/// An arena opened for writing: the owner was checked once, when this was made by `rw`
/// ([`QArena::rw`](super::QArena#method.rw), [`TArena::rw`](super::TArena#method.rw),
/// [`LArena::rw`](super::LArena#method.rw)); lookups through it check nothing more than the key.
///
/// It borrows the arena and the owner (mutably), so no other reader or writer of this
/// owner's values can exist while it lives. Methods taking `&mut self` lend values for as
/// long as that borrow; the `into_*` methods give them for the whole lifetime `'a`.
///
/// # Examples
///
/// ```
/// use cellar::arena::{QArena, QCellOwner};
///
/// let mut owner = QCellOwner::new();
/// let mut arena = QArena::new(&owner);
/// let keys: Vec<_> = (0..100_u64).map(|v| arena.insert(v)).collect();
///
/// let mut rw = arena.rw(&mut owner)?; // one owner check...
/// for &k in keys.iter().step_by(2) {
///     *rw.get_mut(k).unwrap() = 0; // ...for 50 writes
/// }
/// assert_eq!(rw.as_slice().iter().sum::<u64>(), 2500);
/// # Ok::<(), cellar::arena::ArenaError>(())
/// ```
pub struct ArenaRw<'a, V, K: Key = DefaultKey> {
    slots: &'a SlotMap<K, u32>,
    keys: &'a [K],
    values: &'a mut [V],
}

impl<'a, V, K: Key> ArenaRw<'a, V, K> {
    pub(crate) fn new(slots: &'a SlotMap<K, u32>, keys: &'a [K], values: &'a mut [V]) -> Self {
        ArenaRw { slots, keys, values }
    }

    /// The number of values.
    ///
    /// ```
    /// use cellar::arena::{QArena, QCellOwner};
    ///
    /// let mut owner = QCellOwner::new();
    /// let mut arena = QArena::new(&owner);
    /// arena.insert(1);
    /// assert_eq!(arena.rw(&mut owner)?.len(), 1);
    /// # Ok::<(), cellar::arena::ArenaError>(())
    /// ```
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Whether the arena holds no values.
    ///
    /// ```
    /// use cellar::arena::{QArena, QCellOwner};
    ///
    /// let mut owner = QCellOwner::new();
    /// let arena = QArena::<u8>::new(&owner);
    /// assert!(arena.rw(&mut owner)?.is_empty());
    /// # Ok::<(), cellar::arena::ArenaError>(())
    /// ```
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Whether `key` is in the arena.
    ///
    /// ```
    /// use cellar::arena::{QArena, QCellOwner};
    ///
    /// let mut owner = QCellOwner::new();
    /// let mut arena = QArena::new(&owner);
    /// let k = arena.insert(1);
    /// assert!(arena.rw(&mut owner)?.contains_key(k));
    /// # Ok::<(), cellar::arena::ArenaError>(())
    /// ```
    pub fn contains_key(&self, key: K) -> bool {
        self.slots.contains_key(key)
    }

    /// The keys in storage order: `keys()[i]` is the key of `as_slice()[i]`.
    ///
    /// ```
    /// use cellar::arena::{QArena, QCellOwner};
    ///
    /// let mut owner = QCellOwner::new();
    /// let mut arena = QArena::new(&owner);
    /// let k = arena.insert(1);
    /// assert_eq!(arena.rw(&mut owner)?.keys(), [k]);
    /// # Ok::<(), cellar::arena::ArenaError>(())
    /// ```
    pub fn keys(&self) -> &'a [K] {
        self.keys
    }

    /// The position of `key`'s value in [`as_slice`](Self::as_slice), if it is here.
    ///
    /// ```
    /// use cellar::arena::{QArena, QCellOwner};
    ///
    /// let mut owner = QCellOwner::new();
    /// let mut arena = QArena::new(&owner);
    /// let k = arena.insert(1);
    /// assert_eq!(arena.rw(&mut owner)?.position(k), Some(0));
    /// # Ok::<(), cellar::arena::ArenaError>(())
    /// ```
    pub fn position(&self, key: K) -> Option<usize> {
        self.slots.get(key).map(|&i| i as usize)
    }

    /// Reads `key`'s value: `None` if the key is not here.
    ///
    /// ```
    /// use cellar::arena::{QArena, QCellOwner};
    ///
    /// let mut owner = QCellOwner::new();
    /// let mut arena = QArena::new(&owner);
    /// let k = arena.insert(1);
    /// assert_eq!(arena.rw(&mut owner)?.get(k), Some(&1));
    /// # Ok::<(), cellar::arena::ArenaError>(())
    /// ```
    #[inline]
    pub fn get(&self, key: K) -> Option<&V> {
        self.slots.get(key).and_then(|&i| self.values.get(i as usize))
    }

    /// Writes `key`'s value: `None` if the key is not here.
    ///
    /// ```
    /// use cellar::arena::{QArena, QCellOwner};
    ///
    /// let mut owner = QCellOwner::new();
    /// let mut arena = QArena::new(&owner);
    /// let k = arena.insert(1);
    /// let mut rw = arena.rw(&mut owner)?;
    /// *rw.get_mut(k).unwrap() += 1;
    /// assert_eq!(rw.get(k), Some(&2));
    /// # Ok::<(), cellar::arena::ArenaError>(())
    /// ```
    #[inline]
    pub fn get_mut(&mut self, key: K) -> Option<&mut V> {
        self.slots.get(key).and_then(|&i| self.values.get_mut(i as usize))
    }

    /// Writes `N` values at once: `None` if a key is not here or two keys are equal.
    ///
    /// ```
    /// use cellar::arena::{QArena, QCellOwner};
    ///
    /// let mut owner = QCellOwner::new();
    /// let mut arena = QArena::new(&owner);
    /// let (a, b) = (arena.insert(1), arena.insert(2));
    /// let mut rw = arena.rw(&mut owner)?;
    /// let [x, y] = rw.get_many_mut([a, b]).unwrap();
    /// std::mem::swap(x, y);
    /// assert!(rw.get_many_mut([a, a]).is_none());
    /// assert_eq!(rw.as_slice(), [2, 1]);
    /// # Ok::<(), cellar::arena::ArenaError>(())
    /// ```
    pub fn get_many_mut<const N: usize>(&mut self, keys: [K; N]) -> Option<[&mut V; N]> {
        let positions = positions(self.slots, keys)?;
        self.values.get_disjoint_mut(positions).ok()
    }

    /// Every `(key, &value)` in storage order.
    ///
    /// ```
    /// use cellar::arena::{QArena, QCellOwner};
    ///
    /// let mut owner = QCellOwner::new();
    /// let mut arena = QArena::new(&owner);
    /// arena.insert(1);
    /// assert_eq!(arena.rw(&mut owner)?.iter().count(), 1);
    /// # Ok::<(), cellar::arena::ArenaError>(())
    /// ```
    pub fn iter(&self) -> Iter<'_, K, V> {
        Iter::new(self.keys, self.values)
    }

    /// Every `(key, &mut value)` in storage order.
    ///
    /// ```
    /// use cellar::arena::{QArena, QCellOwner};
    ///
    /// let mut owner = QCellOwner::new();
    /// let mut arena = QArena::new(&owner);
    /// arena.insert(1);
    /// let mut rw = arena.rw(&mut owner)?;
    /// rw.iter_mut().for_each(|(_, v)| *v += 1);
    /// assert_eq!(rw.as_slice(), [2]);
    /// # Ok::<(), cellar::arena::ArenaError>(())
    /// ```
    pub fn iter_mut(&mut self) -> IterMut<'_, K, V> {
        IterMut::new(self.keys, self.values)
    }

    /// Every value as one slice, in storage order.
    ///
    /// ```
    /// use cellar::arena::{QArena, QCellOwner};
    ///
    /// let mut owner = QCellOwner::new();
    /// let mut arena = QArena::new(&owner);
    /// arena.insert(1);
    /// assert_eq!(arena.rw(&mut owner)?.as_slice(), [1]);
    /// # Ok::<(), cellar::arena::ArenaError>(())
    /// ```
    pub fn as_slice(&self) -> &[V] {
        self.values
    }

    /// Every value as one mutable slice, in storage order.
    ///
    /// ```
    /// use cellar::arena::{QArena, QCellOwner};
    ///
    /// let mut owner = QCellOwner::new();
    /// let mut arena = QArena::new(&owner);
    /// arena.insert(1);
    /// let mut rw = arena.rw(&mut owner)?;
    /// rw.as_mut_slice()[0] = 7;
    /// assert_eq!(rw.as_slice(), [7]);
    /// # Ok::<(), cellar::arena::ArenaError>(())
    /// ```
    pub fn as_mut_slice(&mut self) -> &mut [V] {
        self.values
    }

    /// Writes `key`'s value for all of `'a`, giving up the view.
    ///
    /// ```
    /// use cellar::arena::{QArena, QCellOwner};
    ///
    /// let mut owner = QCellOwner::new();
    /// let mut arena = QArena::new(&owner);
    /// let k = arena.insert(1);
    /// let v = arena.rw(&mut owner)?.into_mut(k).unwrap();
    /// *v = 3;
    /// assert_eq!(arena.get(&owner, k)?, Some(&3));
    /// # Ok::<(), cellar::arena::ArenaError>(())
    /// ```
    pub fn into_mut(self, key: K) -> Option<&'a mut V> {
        let values = self.values;
        self.slots.get(key).and_then(move |&i| values.get_mut(i as usize))
    }

    /// Writes `N` values at once for all of `'a`: `None` if a key is not here or two keys
    /// are equal.
    ///
    /// ```
    /// use cellar::arena::{QArena, QCellOwner};
    ///
    /// let mut owner = QCellOwner::new();
    /// let mut arena = QArena::new(&owner);
    /// let (a, b) = (arena.insert(1), arena.insert(2));
    /// let [x, y] = arena.rw(&mut owner)?.into_many_mut([b, a]).unwrap();
    /// *x += *y;
    /// assert_eq!(arena.get(&owner, b)?, Some(&3));
    /// # Ok::<(), cellar::arena::ArenaError>(())
    /// ```
    pub fn into_many_mut<const N: usize>(self, keys: [K; N]) -> Option<[&'a mut V; N]> {
        let positions = positions(self.slots, keys)?;
        // The slice checks that the positions are distinct (and in bounds): equal keys have
        // equal positions, so they give `None`, never two `&mut` to one value.
        self.values.get_disjoint_mut(positions).ok()
    }

    /// Every `(key, &mut value)` for all of `'a`, giving up the view.
    ///
    /// ```
    /// use cellar::arena::{QArena, QCellOwner};
    ///
    /// let mut owner = QCellOwner::new();
    /// let mut arena = QArena::new(&owner);
    /// arena.insert(1);
    /// arena.rw(&mut owner)?.into_iter_mut().for_each(|(_, v)| *v = 0);
    /// assert_eq!(arena.as_slice(&owner)?, [0]);
    /// # Ok::<(), cellar::arena::ArenaError>(())
    /// ```
    pub fn into_iter_mut(self) -> IterMut<'a, K, V> {
        IterMut::new(self.keys, self.values)
    }

    /// Every value as one mutable slice for all of `'a`, giving up the view.
    ///
    /// ```
    /// use cellar::arena::{QArena, QCellOwner};
    ///
    /// let mut owner = QCellOwner::new();
    /// let mut arena = QArena::new(&owner);
    /// arena.insert(1);
    /// arena.rw(&mut owner)?.into_slice()[0] = 5;
    /// assert_eq!(arena.as_slice(&owner)?, [5]);
    /// # Ok::<(), cellar::arena::ArenaError>(())
    /// ```
    pub fn into_slice(self) -> &'a mut [V] {
        self.values
    }
}

impl<V, K: Key> fmt::Debug for ArenaRw<'_, V, K> {
    /// Shows the length only, as the arenas do.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ArenaRw").field("len", &self.len()).finish_non_exhaustive()
    }
}

/// The positions of `keys`, or `None` if one is not in `slots`.
#[inline]
fn positions<K: Key, const N: usize>(slots: &SlotMap<K, u32>, keys: [K; N]) -> Option<[usize; N]> {
    let mut positions = [0usize; N];
    for (position, key) in positions.iter_mut().zip(keys) {
        *position = *slots.get(key)? as usize;
    }
    Some(positions)
}
