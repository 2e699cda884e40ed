//! `TArena`: the arena whose owner is a marker type (qcell's `TCell`), checked at compile time.

use qcell::TCellOwner;
use slotmap::{DefaultKey, Key};

use super::ArenaError;
use super::flavour::{TFlavour, never};
use super::generic::Arena;
use super::iter::{Iter, IterMut};
use super::storage::Storage;
use super::view::{ArenaRo, ArenaRw};

/// An arena of `V`s keyed by `K`, read with `&TCellOwner<M>` and written with
/// `&mut TCellOwner<M>`.
///
/// The owner is named by the marker type `M`, so the compiler rejects any other owner and no
/// check is left for run time: lookups return plain `Option`s. qcell allows one
/// `TCellOwner<M>` per marker type per process at a time: [`TCellOwner::new`] panics when
/// one already exists (beware of tests that run in parallel and share a marker), so code
/// that cannot rule that out should call [`try_tcell_owner`] (an `Err`) or
/// [`TCellOwner::wait_for_new`] (blocks until the other one is dropped). Any number of
/// arenas can share one marker, and so one owner.
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
/// use cellar::arena::{TArena, TCellOwner};
///
/// struct Physics;
/// let mut owner = TCellOwner::<Physics>::new();
/// let mut speed = TArena::<Physics, f32>::new();
/// let a = speed.insert(1.0);
/// let b = speed.insert(2.0);
/// let (x, y) = speed.get2_mut(&mut owner, a, b).unwrap();
/// std::mem::swap(x, y);
/// assert_eq!(speed.as_slice(&owner), [2.0, 1.0]);
/// ```
///
/// Another marker's owner does not compile:
///
/// ```compile_fail,E0308
/// use cellar::arena::{TArena, TCellOwner};
///
/// struct Physics;
/// struct Audio;
/// let audio = TCellOwner::<Audio>::new();
/// let mut speed = TArena::<Physics, f32>::new();
/// let a = speed.insert(1.0);
/// speed.get(&audio, a); // error: expected `TCellOwner<Physics>`
/// ```
pub type TArena<M, V, K = DefaultKey> = Arena<TFlavour<M>, V, K>;

/// Makes the one `TCellOwner<M>` of this process, or says that it already exists.
///
/// # Errors
///
/// [`ArenaError::OwnerExists`] while another `TCellOwner<M>` is alive (in any thread).
///
/// # Examples
///
/// ```
/// use cellar::arena::{ArenaError, try_tcell_owner};
///
/// struct Marker;
/// let first = try_tcell_owner::<Marker>()?;
/// assert_eq!(try_tcell_owner::<Marker>().err(), Some(ArenaError::OwnerExists));
/// drop(first);
/// let _again = try_tcell_owner::<Marker>()?;
/// # Ok::<(), ArenaError>(())
/// ```
pub fn try_tcell_owner<M: 'static>() -> Result<TCellOwner<M>, ArenaError> {
    TCellOwner::try_new().ok_or(ArenaError::OwnerExists)
}

impl<M: 'static, V> TArena<M, V> {
    /// An empty arena for the owner `TCellOwner<M>`.
    ///
    /// ```
    /// use cellar::arena::TArena;
    ///
    /// struct Marker;
    /// let arena = TArena::<Marker, String>::new();
    /// assert!(arena.is_empty());
    /// ```
    pub fn new() -> Self {
        Self::with_capacity_and_key(0)
    }

    /// An empty arena with room for `capacity` values.
    ///
    /// ```
    /// use cellar::arena::TArena;
    ///
    /// struct Marker;
    /// let arena = TArena::<Marker, u64>::with_capacity(1000);
    /// assert!(arena.capacity() >= 1000);
    /// ```
    pub fn with_capacity(capacity: usize) -> Self {
        Self::with_capacity_and_key(capacity)
    }
}

impl<M: 'static, V, K: Key> TArena<M, V, K> {
    /// An empty arena with keys of type `K`.
    ///
    /// ```
    /// use cellar::arena::{TArena, TCellOwner};
    ///
    /// cellar::arena::new_key_type! { struct Unit; }
    /// struct Marker;
    /// let owner = TCellOwner::<Marker>::new();
    /// let mut arena = TArena::<Marker, &str, Unit>::with_key();
    /// let k: Unit = arena.insert("archer");
    /// assert_eq!(arena.get(&owner, k), Some(&"archer"));
    /// ```
    pub fn with_key() -> Self {
        Self::with_capacity_and_key(0)
    }

    /// An empty arena with keys of type `K` and room for `capacity` values.
    ///
    /// ```
    /// use cellar::arena::{DefaultKey, TArena};
    ///
    /// struct Marker;
    /// let arena = TArena::<Marker, u8, DefaultKey>::with_capacity_and_key(8);
    /// assert!(arena.capacity() >= 8);
    /// ```
    pub fn with_capacity_and_key(capacity: usize) -> Self {
        let values = qcell::TCell::new(Vec::with_capacity(capacity));
        Arena { storage: Storage::from_cell(values, capacity) }
    }

    /// Opens the arena for reading: one owner check, then any number of lookups through
    /// the returned [`ArenaRo`], which check only their keys.
    ///
    /// ```
    /// use cellar::arena::{TArena, TCellOwner};
    ///
    /// struct Marker;
    /// let owner = TCellOwner::<Marker>::new();
    /// let mut arena = TArena::<Marker, _>::new();
    /// let (a, b) = (arena.insert(1), arena.insert(2));
    /// let ro = arena.ro(&owner);
    /// assert_eq!(ro.get(a).unwrap() + ro.get(b).unwrap(), 3);
    /// ```
    #[inline]
    pub fn ro<'a>(&'a self, owner: &'a TCellOwner<M>) -> ArenaRo<'a, V, K> {
        never(self.storage.ro(owner))
    }

    /// Opens the arena for writing: one owner check, then any number of reads and writes
    /// through the returned [`ArenaRw`], which check only their keys.
    ///
    /// ```
    /// use cellar::arena::{TArena, TCellOwner};
    ///
    /// struct Marker;
    /// let mut owner = TCellOwner::<Marker>::new();
    /// let mut arena = TArena::<Marker, _>::new();
    /// let (a, b) = (arena.insert(1), arena.insert(2));
    /// let mut rw = arena.rw(&mut owner);
    /// *rw.get_mut(a).unwrap() += 10;
    /// *rw.get_mut(b).unwrap() += 10;
    /// assert_eq!(rw.as_slice(), [11, 12]);
    /// ```
    #[inline]
    pub fn rw<'a>(&'a self, owner: &'a mut TCellOwner<M>) -> ArenaRw<'a, V, K> {
        never(self.storage.rw(owner))
    }

    /// Reads `key`'s value: `None` if the key is not here.
    ///
    /// ```
    /// use cellar::arena::{DefaultKey, TArena, TCellOwner};
    ///
    /// struct Marker;
    /// let mut owner = TCellOwner::<Marker>::new();
    /// let mut arena = TArena::<Marker, _>::new();
    /// let k = arena.insert(1.5_f32);
    /// assert_eq!(arena.get(&owner, k), Some(&1.5));
    /// ```
    #[inline]
    pub fn get<'a>(&'a self, owner: &'a TCellOwner<M>, key: K) -> Option<&'a V> {
        never(self.storage.get(owner, key))
    }

    /// Writes `key`'s value: `None` if the key is not here.
    ///
    /// ```
    /// use cellar::arena::{DefaultKey, TArena, TCellOwner};
    ///
    /// struct Marker;
    /// let mut owner = TCellOwner::<Marker>::new();
    /// let mut arena = TArena::<Marker, _>::new();
    /// let k = arena.insert(1);
    /// if let Some(v) = arena.get_mut(&mut owner, k) {
    ///     *v += 1;
    /// }
    /// assert_eq!(arena.get(&owner, k), Some(&2));
    /// ```
    #[inline]
    pub fn get_mut<'a>(&'a self, owner: &'a mut TCellOwner<M>, key: K) -> Option<&'a mut V> {
        never(self.storage.get_mut(owner, key))
    }

    /// Writes two values at once: `None` if a key is not here or the keys are equal.
    ///
    /// ```
    /// use cellar::arena::{DefaultKey, TArena, TCellOwner};
    ///
    /// struct Marker;
    /// let mut owner = TCellOwner::<Marker>::new();
    /// let mut arena = TArena::<Marker, _>::new();
    /// let (a, b) = (arena.insert(1), arena.insert(2));
    /// let (x, y) = arena.get2_mut(&mut owner, a, b).unwrap();
    /// *x += *y;
    /// assert_eq!(arena.get(&owner, a), Some(&3));
    /// assert!(arena.get2_mut(&mut owner, a, a).is_none());
    /// ```
    pub fn get2_mut<'a>(
        &'a self,
        owner: &'a mut TCellOwner<M>,
        k1: K,
        k2: K,
    ) -> Option<(&'a mut V, &'a mut V)> {
        never(self.storage.get_many_mut(owner, [k1, k2])).map(|[a, b]| (a, b))
    }

    /// Writes three values at once: `None` if a key is not here or two keys are equal.
    ///
    /// ```
    /// use cellar::arena::{DefaultKey, TArena, TCellOwner};
    ///
    /// struct Marker;
    /// let mut owner = TCellOwner::<Marker>::new();
    /// let mut arena = TArena::<Marker, _>::new();
    /// let (a, b, c) = (arena.insert(1), arena.insert(2), arena.insert(3));
    /// let (x, y, z) = arena.get3_mut(&mut owner, a, b, c).unwrap();
    /// *x = *y + *z;
    /// assert_eq!(arena.get(&owner, a), Some(&5));
    /// assert!(arena.get3_mut(&mut owner, a, b, a).is_none());
    /// ```
    pub fn get3_mut<'a>(
        &'a self,
        owner: &'a mut TCellOwner<M>,
        k1: K,
        k2: K,
        k3: K,
    ) -> Option<(&'a mut V, &'a mut V, &'a mut V)> {
        never(self.storage.get_many_mut(owner, [k1, k2, k3])).map(|[a, b, c]| (a, b, c))
    }

    /// Writes `N` values at once: `None` if a key is not here or two keys are equal.
    ///
    /// ```
    /// use cellar::arena::{DefaultKey, TArena, TCellOwner};
    ///
    /// struct Marker;
    /// let mut owner = TCellOwner::<Marker>::new();
    /// let mut arena = TArena::<Marker, _>::new();
    /// let keys = [arena.insert(1), arena.insert(2), arena.insert(3), arena.insert(4)];
    /// for v in arena.get_many_mut(&mut owner, keys).unwrap() {
    ///     *v *= 10;
    /// }
    /// assert_eq!(arena.as_slice(&owner), [10, 20, 30, 40]);
    /// ```
    pub fn get_many_mut<'a, const N: usize>(
        &'a self,
        owner: &'a mut TCellOwner<M>,
        keys: [K; N],
    ) -> Option<[&'a mut V; N]> {
        never(self.storage.get_many_mut(owner, keys))
    }

    /// Every `(key, &value)` in storage order.
    ///
    /// ```
    /// use cellar::arena::{DefaultKey, TArena, TCellOwner};
    ///
    /// struct Marker;
    /// let mut owner = TCellOwner::<Marker>::new();
    /// let mut arena = TArena::<Marker, _>::new();
    /// arena.insert(2);
    /// arena.insert(3);
    /// assert_eq!(arena.iter(&owner).map(|(_, v)| v).sum::<i32>(), 5);
    /// ```
    pub fn iter<'a>(&'a self, owner: &'a TCellOwner<M>) -> Iter<'a, K, V> {
        never(self.storage.iter(owner))
    }

    /// Every `(key, &mut value)` in storage order.
    ///
    /// ```
    /// use cellar::arena::{DefaultKey, TArena, TCellOwner};
    ///
    /// struct Marker;
    /// let mut owner = TCellOwner::<Marker>::new();
    /// let mut arena = TArena::<Marker, _>::new();
    /// arena.insert(2);
    /// for (_, v) in arena.iter_mut(&mut owner) {
    ///     *v += 1;
    /// }
    /// assert_eq!(arena.as_slice(&owner), [3]);
    /// ```
    pub fn iter_mut<'a>(&'a self, owner: &'a mut TCellOwner<M>) -> IterMut<'a, K, V> {
        never(self.storage.iter_mut(owner))
    }

    /// Every value as one slice, in storage order (the order of [`keys`](Self::keys)): the
    /// fast path for bulk reads.
    ///
    /// ```
    /// use cellar::arena::{DefaultKey, TArena, TCellOwner};
    ///
    /// struct Marker;
    /// let mut owner = TCellOwner::<Marker>::new();
    /// let mut arena = TArena::<Marker, _>::new();
    /// arena.insert(4_u64);
    /// arena.insert(5);
    /// assert_eq!(arena.as_slice(&owner).iter().sum::<u64>(), 9);
    /// ```
    pub fn as_slice<'a>(&'a self, owner: &'a TCellOwner<M>) -> &'a [V] {
        never(self.storage.as_slice(owner))
    }

    /// Every value as one mutable slice, in storage order: the fast path for bulk writes.
    ///
    /// ```
    /// use cellar::arena::{DefaultKey, TArena, TCellOwner};
    ///
    /// struct Marker;
    /// let mut owner = TCellOwner::<Marker>::new();
    /// let mut arena = TArena::<Marker, _>::new();
    /// arena.insert(4_u64);
    /// arena.as_mut_slice(&mut owner).iter_mut().for_each(|v| *v += 1);
    /// assert_eq!(arena.as_slice(&owner), [5]);
    /// ```
    pub fn as_mut_slice<'a>(&'a self, owner: &'a mut TCellOwner<M>) -> &'a mut [V] {
        never(self.storage.as_mut_slice(owner))
    }
}

impl<M: 'static, V> Default for TArena<M, V> {
    /// The same as [`TArena::new`](TArena#method.new).
    fn default() -> Self {
        Self::new()
    }
}
