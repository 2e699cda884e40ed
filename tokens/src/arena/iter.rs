//! Iterators over an arena's `(key, value)` pairs, in storage order.

use std::iter::{Copied, FusedIterator, Zip};
use std::slice;

/// Iterator over `(K, &V)`, from `iter` on any arena.
///
/// The order is storage order: the same as [`as_slice`](super::TArena#method.as_slice) and
/// [`keys`](super::TArena::keys), which changes when values are removed.
///
/// # Examples
///
/// ```
/// use cellar::arena::{QArena, QCellOwner};
///
/// let owner = QCellOwner::new();
/// let mut arena = QArena::new(&owner);
/// let a = arena.insert("a");
/// let b = arena.insert("b");
/// let pairs: Vec<_> = arena.iter(&owner)?.collect();
/// assert_eq!(pairs, [(a, &"a"), (b, &"b")]);
/// # Ok::<(), cellar::arena::ArenaError>(())
/// ```
#[derive(Debug)]
pub struct Iter<'a, K, V> {
    inner: Zip<Copied<slice::Iter<'a, K>>, slice::Iter<'a, V>>,
}

impl<'a, K: Copy, V> Iter<'a, K, V> {
    pub(crate) fn new(keys: &'a [K], values: &'a [V]) -> Self {
        Iter { inner: keys.iter().copied().zip(values) }
    }
}

impl<K, V> Clone for Iter<'_, K, V> {
    fn clone(&self) -> Self {
        Iter { inner: self.inner.clone() }
    }
}

impl<'a, K: Copy, V> Iterator for Iter<'a, K, V> {
    type Item = (K, &'a V);

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        self.inner.next()
    }

    #[inline]
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }

    #[inline]
    fn fold<B, F: FnMut(B, Self::Item) -> B>(self, init: B, f: F) -> B {
        self.inner.fold(init, f)
    }
}

impl<K: Copy, V> DoubleEndedIterator for Iter<'_, K, V> {
    #[inline]
    fn next_back(&mut self) -> Option<Self::Item> {
        self.inner.next_back()
    }
}

impl<K: Copy, V> ExactSizeIterator for Iter<'_, K, V> {}
impl<K: Copy, V> FusedIterator for Iter<'_, K, V> {}

/// Iterator over `(K, &mut V)`, from `iter_mut` on any arena.
///
/// # Examples
///
/// ```
/// use cellar::arena::{QArena, QCellOwner};
///
/// let mut owner = QCellOwner::new();
/// let mut arena = QArena::new(&owner);
/// let a = arena.insert(1);
/// arena.insert(2);
/// for (key, value) in arena.iter_mut(&mut owner)? {
///     if key == a {
///         *value *= 10;
///     }
/// }
/// assert_eq!(arena.as_slice(&owner)?, [10, 2]);
/// # Ok::<(), cellar::arena::ArenaError>(())
/// ```
#[derive(Debug)]
pub struct IterMut<'a, K, V> {
    inner: Zip<Copied<slice::Iter<'a, K>>, slice::IterMut<'a, V>>,
}

impl<'a, K: Copy, V> IterMut<'a, K, V> {
    pub(crate) fn new(keys: &'a [K], values: &'a mut [V]) -> Self {
        IterMut { inner: keys.iter().copied().zip(values) }
    }
}

impl<'a, K: Copy, V> Iterator for IterMut<'a, K, V> {
    type Item = (K, &'a mut V);

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        self.inner.next()
    }

    #[inline]
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }

    #[inline]
    fn fold<B, F: FnMut(B, Self::Item) -> B>(self, init: B, f: F) -> B {
        self.inner.fold(init, f)
    }
}

impl<K: Copy, V> DoubleEndedIterator for IterMut<'_, K, V> {
    #[inline]
    fn next_back(&mut self) -> Option<Self::Item> {
        self.inner.next_back()
    }
}

impl<K: Copy, V> ExactSizeIterator for IterMut<'_, K, V> {}
impl<K: Copy, V> FusedIterator for IterMut<'_, K, V> {}
