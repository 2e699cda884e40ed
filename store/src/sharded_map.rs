//! `ShardedMap`: a concurrent hash map split over shards, each behind the in-tree `RwLock`.

use std::borrow::Borrow;
use std::collections::HashMap;
use std::collections::hash_map::RandomState;
use std::fmt;
use std::hash::{BuildHasher, BuildHasherDefault, Hash, Hasher};

use smallvec::SmallVec;

use crate::primitives::RwLock;

/// Spreads an already computed 64-bit hash over all bits (the user's hasher may leave the low
/// or high bits weak): the shard tables index with the low bits and tag with the top ones.
#[derive(Default, Clone, Copy)]
struct SpreadHasher(u64);

impl Hasher for SpreadHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }
    #[inline]
    fn write_u64(&mut self, n: u64) {
        let n = self.0 ^ n;
        self.0 = (n ^ (n >> 32)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

/// The entries whose keys share one full 64-bit hash (almost always exactly one).
type Bucket<K, V> = SmallVec<[(K, V); 1]>;

/// One shard: buckets keyed by the key's full hash, so each operation hashes its key once
/// (the shard's table reuses that hash instead of hashing the key again).
struct Shard<K, V> {
    buckets: HashMap<u64, Bucket<K, V>, BuildHasherDefault<SpreadHasher>>,
    len: usize,
}

impl<K: Eq, V> Shard<K, V> {
    fn new() -> Self {
        Shard { buckets: HashMap::default(), len: 0 }
    }

    fn find<Q: Eq + ?Sized>(&self, hash: u64, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        self.buckets.get(&hash)?.iter().find(|(k, _)| k.borrow() == key).map(|(_, v)| v)
    }

    fn find_mut<Q: Eq + ?Sized>(&mut self, hash: u64, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
    {
        self.buckets.get_mut(&hash)?.iter_mut().find(|(k, _)| k.borrow() == key).map(|(_, v)| v)
    }

    /// The value for `key`, inserted with `default` if absent.
    fn entry(&mut self, hash: u64, key: K, default: impl FnOnce() -> V) -> &mut V {
        let bucket = self.buckets.entry(hash).or_default();
        let i = match bucket.iter().position(|(k, _)| *k == key) {
            Some(i) => i,
            None => {
                bucket.push((key, default()));
                self.len += 1;
                bucket.len() - 1
            }
        };
        &mut bucket[i].1
    }
}

/// One shard's lock on cache lines of its own, so that threads working in neighbouring
/// shards do not slow each other down by writing the same line (false sharing). 128 bytes:
/// x86_64 prefetches lines in pairs.
#[repr(align(128))]
struct Padded<T>(T);

impl<T> std::ops::Deref for Padded<T> {
    type Target = T;
    #[inline]
    fn deref(&self) -> &T {
        &self.0
    }
}

/// One shard behind its own lock, on cache lines of its own.
type PaddedShard<K, V> = Padded<RwLock<Shard<K, V>>>;

/// A hash map that many threads read and write at once: the keys are spread over N shards
/// (a power of two) by hash, and each shard is a `HashMap` behind its own
/// [`RwLock`]. Two threads contend only when their keys fall in
/// the same shard, and readers of one shard never block each other. Each shard's lock sits on
/// cache lines of its own, so threads in different shards do not share a lock's line.
///
/// No lock guard leaves a method: reads copy the value out ([`get_cloned`]) or run a
/// closure on it ([`with`], [`update`], [`upsert`]), so a caller cannot hold a shard locked
/// by accident, and cannot deadlock by locking two shards in the wrong order.
///
/// It is meant for data that parallel systems share beside the world's columns: name
/// indexes, spatial grids, caches.
///
/// [`get_cloned`]: ShardedMap::get_cloned
/// [`with`]: ShardedMap::with
/// [`update`]: ShardedMap::update
/// [`upsert`]: ShardedMap::upsert
///
/// # Examples
///
/// A spatial grid filled by a parallel loop:
///
/// ```
/// use cellar::ShardedMap;
/// use cellar::rayon::prelude::*;
///
/// let grid: ShardedMap<(i32, i32), Vec<u32>> = ShardedMap::new();
/// (0..1000u32).into_par_iter().for_each(|id| {
///     let cell = ((id % 10) as i32, (id / 100) as i32);
///     grid.upsert(cell, Vec::new, |ids| ids.push(id));
/// });
/// assert_eq!(grid.len(), 100);
/// assert_eq!(grid.with(&(3, 4), |ids| ids.len()), Some(10));
/// ```
pub struct ShardedMap<K, V, S = RandomState> {
    shards: Box<[PaddedShard<K, V>]>,
    hasher: S,
    /// `shards.len() - 1`; the length is a power of two.
    mask: usize,
}

impl<K, V, S> fmt::Debug for ShardedMap<K, V, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ShardedMap").field("shards", &self.shards.len()).finish_non_exhaustive()
    }
}

impl<K: Eq + Hash, V> Default for ShardedMap<K, V, RandomState> {
    fn default() -> Self {
        Self::new()
    }
}

/// The default number of shards: four per available thread, rounded up to a power of two.
fn default_shards() -> usize {
    let threads = std::thread::available_parallelism().map_or(4, |n| n.get());
    (threads * 4).next_power_of_two()
}

impl<K: Eq + Hash, V> ShardedMap<K, V, RandomState> {
    /// An empty map with the default number of shards (four per available thread, rounded up
    /// to a power of two).
    ///
    /// ```
    /// let map = cellar::ShardedMap::<u32, u32>::new();
    /// assert!(map.shard_count().is_power_of_two());
    /// ```
    pub fn new() -> Self {
        Self::with_shards(default_shards())
    }

    /// An empty map with `shards` shards, rounded up to a power of two (at least one).
    ///
    /// ```
    /// let map = cellar::ShardedMap::<u32, u32>::with_shards(5);
    /// assert_eq!(map.shard_count(), 8);
    /// ```
    pub fn with_shards(shards: usize) -> Self {
        Self::with_shards_and_hasher(shards, RandomState::new())
    }
}

impl<K: Eq + Hash, V, S: BuildHasher + Clone> ShardedMap<K, V, S> {
    /// An empty map with `shards` shards (rounded up to a power of two) and hasher `hasher`.
    ///
    /// ```
    /// use std::hash::BuildHasherDefault;
    /// use std::collections::hash_map::DefaultHasher;
    /// use cellar::ShardedMap;
    /// let map: ShardedMap<u8, u8, BuildHasherDefault<DefaultHasher>> =
    ///     ShardedMap::with_shards_and_hasher(2, Default::default());
    /// map.insert(1, 2);
    /// assert_eq!(map.get_cloned(&1), Some(2));
    /// ```
    pub fn with_shards_and_hasher(shards: usize, hasher: S) -> Self {
        let n = shards.max(1).next_power_of_two();
        let shards = (0..n).map(|_| Padded(RwLock::new(Shard::new()))).collect();
        ShardedMap { shards, hasher, mask: n - 1 }
    }

    /// The number of shards.
    ///
    /// ```
    /// let map = cellar::ShardedMap::<u8, u8>::with_shards(1);
    /// assert_eq!(map.shard_count(), 1);
    /// ```
    pub fn shard_count(&self) -> usize {
        self.shards.len()
    }

    /// The key's hash and its shard.
    #[inline]
    fn shard<Q: Hash + ?Sized>(&self, key: &Q) -> (u64, &RwLock<Shard<K, V>>) {
        // The middle bits choose the shard: the shard's own table uses the low bits for its
        // buckets and the top seven for its tags, so those stay independent of the choice.
        let hash = self.hasher.hash_one(key);
        (hash, &self.shards[(hash >> 29) as usize & self.mask])
    }

    /// Inserts `value` under `key`, returning the value it replaces.
    ///
    /// ```
    /// let map = cellar::ShardedMap::new();
    /// assert_eq!(map.insert("a", 1), None);
    /// assert_eq!(map.insert("a", 2), Some(1));
    /// ```
    pub fn insert(&self, key: K, value: V) -> Option<V> {
        let (hash, shard) = self.shard(&key);
        let mut shard = shard.write();
        let mut value = Some(value);
        let slot = shard.entry(hash, key, || value.take().expect("taken once"));
        value.map(|v| std::mem::replace(slot, v))
    }

    /// Removes `key`, returning its value.
    ///
    /// ```
    /// let map = cellar::ShardedMap::new();
    /// map.insert(1, 'x');
    /// assert_eq!(map.remove(&1), Some('x'));
    /// assert_eq!(map.remove(&1), None);
    /// ```
    pub fn remove<Q>(&self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let (hash, shard) = self.shard(key);
        let mut shard = shard.write();
        let bucket = shard.buckets.get_mut(&hash)?;
        let i = bucket.iter().position(|(k, _)| k.borrow() == key)?;
        let (_, value) = bucket.swap_remove(i);
        if bucket.is_empty() {
            shard.buckets.remove(&hash);
        }
        shard.len -= 1;
        Some(value)
    }

    /// A clone of `key`'s value.
    ///
    /// ```
    /// let map = cellar::ShardedMap::new();
    /// map.insert(String::from("k"), vec![1, 2]);
    /// assert_eq!(map.get_cloned("k"), Some(vec![1, 2]));
    /// ```
    pub fn get_cloned<Q>(&self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
        V: Clone,
    {
        let (hash, shard) = self.shard(key);
        shard.read().find(hash, key).cloned()
    }

    /// Calls `f` with `key`'s value, under the shard's read lock.
    ///
    /// ```
    /// let map = cellar::ShardedMap::new();
    /// map.insert(1, String::from("hello"));
    /// assert_eq!(map.with(&1, |s| s.len()), Some(5));
    /// assert_eq!(map.with(&2, |s| s.len()), None);
    /// ```
    pub fn with<Q, R>(&self, key: &Q, f: impl FnOnce(&V) -> R) -> Option<R>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let (hash, shard) = self.shard(key);
        shard.read().find(hash, key).map(f)
    }

    /// Calls `f` with `key`'s value, mutably, under the shard's write lock.
    ///
    /// ```
    /// let map = cellar::ShardedMap::new();
    /// map.insert(1, 10);
    /// map.update(&1, |v| *v += 1);
    /// assert_eq!(map.get_cloned(&1), Some(11));
    /// ```
    pub fn update<Q, R>(&self, key: &Q, f: impl FnOnce(&mut V) -> R) -> Option<R>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let (hash, shard) = self.shard(key);
        shard.write().find_mut(hash, key).map(f)
    }

    /// Calls `f` with `key`'s value, inserting `default()` first if there is none: the
    /// `entry().or_insert_with()` of a concurrent map.
    ///
    /// ```
    /// let map = cellar::ShardedMap::new();
    /// for word in ["a", "b", "a"] {
    ///     map.upsert(word, || 0, |n| *n += 1);
    /// }
    /// assert_eq!(map.get_cloned("a"), Some(2));
    /// ```
    pub fn upsert<R>(&self, key: K, default: impl FnOnce() -> V, f: impl FnOnce(&mut V) -> R) -> R {
        let (hash, shard) = self.shard(&key);
        f(shard.write().entry(hash, key, default))
    }

    /// Whether `key` is in the map.
    ///
    /// ```
    /// let map = cellar::ShardedMap::new();
    /// map.insert(1, ());
    /// assert!(map.contains_key(&1) && !map.contains_key(&2));
    /// ```
    pub fn contains_key<Q>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let (hash, shard) = self.shard(key);
        shard.read().find(hash, key).is_some()
    }

    /// The number of entries (shard by shard, so only exact while no one writes).
    ///
    /// ```
    /// let map = cellar::ShardedMap::new();
    /// map.insert(1, 1);
    /// map.insert(2, 2);
    /// assert_eq!(map.len(), 2);
    /// ```
    pub fn len(&self) -> usize {
        self.shards.iter().map(|s| s.read().len).sum()
    }

    /// Whether the map is empty (shard by shard).
    ///
    /// ```
    /// assert!(cellar::ShardedMap::<u8, u8>::new().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.shards.iter().all(|s| s.read().len == 0)
    }

    /// Removes every entry, shard by shard; the shards keep their memory.
    ///
    /// ```
    /// let map = cellar::ShardedMap::new();
    /// map.insert(1, 1);
    /// map.clear();
    /// assert!(map.is_empty());
    /// ```
    pub fn clear(&self) {
        for shard in self.shards.iter() {
            let mut shard = shard.write();
            shard.buckets.clear();
            shard.len = 0;
        }
    }

    /// Calls `f` with every entry, one shard at a time under its read lock.
    ///
    /// ```
    /// let map = cellar::ShardedMap::new();
    /// map.insert(1, 10);
    /// map.insert(2, 20);
    /// let mut sum = 0;
    /// map.for_each(|_, v| sum += v);
    /// assert_eq!(sum, 30);
    /// ```
    pub fn for_each(&self, mut f: impl FnMut(&K, &V)) {
        for shard in self.shards.iter() {
            for (k, v) in shard.read().buckets.values().flatten() {
                f(k, v);
            }
        }
    }

    /// Keeps the entries for which `keep` returns `true`, one shard at a time under its
    /// write lock.
    ///
    /// ```
    /// let map = cellar::ShardedMap::new();
    /// for i in 0..10 {
    ///     map.insert(i, i);
    /// }
    /// map.retain(|_, v| *v % 2 == 0);
    /// assert_eq!(map.len(), 5);
    /// ```
    pub fn retain(&self, mut keep: impl FnMut(&K, &mut V) -> bool) {
        for shard in self.shards.iter() {
            let mut shard = shard.write();
            let mut removed = 0;
            shard.buckets.retain(|_, bucket| {
                let before = bucket.len();
                bucket.retain(|(k, v)| keep(k, v));
                removed += before - bucket.len();
                !bucket.is_empty()
            });
            shard.len -= removed;
        }
    }

    /// Every entry, moved out (in no particular order).
    ///
    /// ```
    /// let map = cellar::ShardedMap::new();
    /// map.insert(1, 'a');
    /// assert_eq!(map.into_entries(), vec![(1, 'a')]);
    /// ```
    pub fn into_entries(self) -> Vec<(K, V)> {
        let mut out = Vec::new();
        for shard in self.shards.into_vec() {
            out.extend(shard.0.into_inner().buckets.into_values().flatten());
        }
        out
    }
}
