//! The one implementation behind all three arenas: a dense `Vec` of values in one token
//! cell, and a slot map from key to position.

use slotmap::{Key, SlotMap};

use super::flavour::Flavour;
use super::iter::{Iter, IterMut};
use super::view::{ArenaRo, ArenaRw};

/// Dense storage of `V`s keyed by `K`, whose values sit in one cell of flavour `F`.
///
/// # Invariants
///
/// - `slots`, `keys` and the value vector have the same length `n`.
/// - For every `i < n`: `slots[keys[i]] == i`, so each key maps to exactly one position and
///   each position to exactly one key.
///
/// Every method that changes the shape keeps them; none of them needs `unsafe`, so a broken
/// invariant could give a wrong value or `None`, never undefined behaviour.
pub(crate) struct Storage<F: Flavour, K: Key, V> {
    /// Key to position in `keys` and in the value vector. `u32` is enough: a slot map holds
    /// fewer than `u32::MAX` values, and it halves the slot size next to `usize`.
    slots: SlotMap<K, u32>,
    /// `keys[i]` is the key of the value at position `i`. Outside the cell: no owner needed.
    keys: Vec<K>,
    /// The values, in the same order as `keys`, behind one owner check per call.
    values: F::Cell<Vec<V>>,
}

impl<F: Flavour, K: Key, V> Storage<F, K, V> {
    /// Storage around an (empty) value vector already in its cell.
    pub(crate) fn from_cell(values: F::Cell<Vec<V>>, capacity: usize) -> Self {
        Storage {
            slots: SlotMap::with_capacity_and_key(capacity),
            keys: Vec::with_capacity(capacity),
            values,
        }
    }

    /// The cell holding the values (the QCell flavour reads its owner id from it).
    pub(crate) fn cell(&self) -> &F::Cell<Vec<V>> {
        &self.values
    }

    pub(crate) fn len(&self) -> usize {
        self.keys.len()
    }

    pub(crate) fn contains_key(&self, key: K) -> bool {
        self.slots.contains_key(key)
    }

    pub(crate) fn keys(&self) -> &[K] {
        &self.keys
    }

    pub(crate) fn position(&self, key: K) -> Option<usize> {
        self.slots.get(key).map(|&i| i as usize)
    }

    pub(crate) fn capacity(&self) -> usize {
        self.keys.capacity().min(self.slots.capacity())
    }

    pub(crate) fn reserve(&mut self, additional: usize) {
        self.slots.reserve(additional);
        self.keys.reserve(additional);
        F::get_mut(&mut self.values).reserve(additional);
    }

    pub(crate) fn insert_with_key(&mut self, f: impl FnOnce(K) -> V) -> K {
        // Make room first so that no push below can panic. If `f` panics, nothing has
        // changed: slotmap calls it before it touches its slots.
        self.slots.reserve(1);
        self.keys.reserve(1);
        let values = F::get_mut(&mut self.values);
        values.reserve(1);
        let position = self.keys.len() as u32;
        let key = self.slots.insert_with_key(|key| {
            values.push(f(key));
            position
        });
        self.keys.push(key);
        key
    }

    pub(crate) fn remove(&mut self, key: K) -> Option<V> {
        let position = self.slots.remove(key)? as usize;
        let value = self.take_at(position);
        Some(value)
    }

    /// Swap-removes the value and key at `position` (whose slot is already gone) and points
    /// the slot of the key moved into `position` at it.
    fn take_at(&mut self, position: usize) -> V {
        let value = F::get_mut(&mut self.values).swap_remove(position);
        self.keys.swap_remove(position);
        if let Some(&moved) = self.keys.get(position) {
            self.slots[moved] = position as u32;
        }
        value
    }

    pub(crate) fn retain(&mut self, mut keep: impl FnMut(K, &mut V) -> bool) {
        let mut position = 0;
        while position < self.keys.len() {
            let key = self.keys[position];
            if keep(key, &mut F::get_mut(&mut self.values)[position]) {
                position += 1;
            } else {
                self.slots.remove(key);
                // The value moved in from the end has not been visited yet: look at
                // `position` again. Dropped after the shape is whole again, in case it panics.
                drop(self.take_at(position));
            }
        }
    }

    pub(crate) fn clear(&mut self) {
        self.slots.clear();
        self.keys.clear();
        // Last, so that a panicking destructor leaves an empty, consistent arena behind.
        F::get_mut(&mut self.values).clear();
    }

    pub(crate) fn as_slice<'a>(&'a self, owner: &'a F::Owner) -> Result<&'a [V], F::Error> {
        F::ro(&self.values, owner).map(Vec::as_slice)
    }

    pub(crate) fn as_mut_slice<'a>(
        &'a self,
        owner: &'a mut F::Owner,
    ) -> Result<&'a mut [V], F::Error> {
        F::rw(&self.values, owner).map(Vec::as_mut_slice)
    }

    /// Opens the values for reading: the one owner check of a read.
    #[inline]
    pub(crate) fn ro<'a>(&'a self, owner: &'a F::Owner) -> Result<ArenaRo<'a, V, K>, F::Error> {
        Ok(ArenaRo::new(&self.slots, &self.keys, F::ro(&self.values, owner)?))
    }

    /// Opens the values for writing: the one owner check of a write.
    #[inline]
    pub(crate) fn rw<'a>(&'a self, owner: &'a mut F::Owner) -> Result<ArenaRw<'a, V, K>, F::Error> {
        Ok(ArenaRw::new(&self.slots, &self.keys, F::rw(&self.values, owner)?))
    }

    #[inline]
    pub(crate) fn get<'a>(
        &'a self,
        owner: &'a F::Owner,
        key: K,
    ) -> Result<Option<&'a V>, F::Error> {
        Ok(self.ro(owner)?.get(key))
    }

    #[inline]
    pub(crate) fn get_mut<'a>(
        &'a self,
        owner: &'a mut F::Owner,
        key: K,
    ) -> Result<Option<&'a mut V>, F::Error> {
        Ok(self.rw(owner)?.into_mut(key))
    }

    /// `N` values at once by distinct keys: `None` if a key is missing or repeated.
    pub(crate) fn get_many_mut<'a, const N: usize>(
        &'a self,
        owner: &'a mut F::Owner,
        keys: [K; N],
    ) -> Result<Option<[&'a mut V; N]>, F::Error> {
        Ok(self.rw(owner)?.into_many_mut(keys))
    }

    pub(crate) fn iter<'a>(&'a self, owner: &'a F::Owner) -> Result<Iter<'a, K, V>, F::Error> {
        Ok(self.ro(owner)?.iter())
    }

    pub(crate) fn iter_mut<'a>(
        &'a self,
        owner: &'a mut F::Owner,
    ) -> Result<IterMut<'a, K, V>, F::Error> {
        Ok(self.rw(owner)?.into_iter_mut())
    }

    /// Every value, by `&mut self` instead of an owner.
    pub(crate) fn values_mut(&mut self) -> &mut [V] {
        F::get_mut(&mut self.values).as_mut_slice()
    }
}

#[cfg(test)]
mod tests {
    use qcell::QCellOwner;
    use slotmap::DefaultKey;

    use super::super::flavour::{CheckedQCell, QFlavour};
    use super::*;

    type QStorage = Storage<QFlavour, DefaultKey, String>;

    fn new(owner: &QCellOwner) -> QStorage {
        Storage::from_cell(CheckedQCell::new(owner.id(), Vec::new()), 0)
    }

    /// Checks the invariants of `Storage` from the outside.
    fn check(storage: &QStorage, owner: &QCellOwner) {
        let values = storage.as_slice(owner).unwrap();
        assert_eq!(storage.slots.len(), storage.keys.len());
        assert_eq!(values.len(), storage.keys.len());
        for (i, &key) in storage.keys.iter().enumerate() {
            assert_eq!(storage.slots[key] as usize, i);
        }
    }

    #[test]
    fn remove_moves_the_last_value_and_fixes_its_slot() {
        let owner = QCellOwner::new();
        let mut s = new(&owner);
        let keys: Vec<_> = (0..5).map(|i| s.insert_with_key(|_| i.to_string())).collect();
        check(&s, &owner);
        assert_eq!(s.remove(keys[1]).as_deref(), Some("1"));
        check(&s, &owner);
        // "4" moved from the end into position 1.
        assert_eq!(s.as_slice(&owner).unwrap(), ["0", "4", "2", "3"]);
        assert_eq!(s.get(&owner, keys[4]).unwrap().map(String::as_str), Some("4"));
        assert_eq!(s.remove(keys[1]), None);
        // Removing the last position moves nothing.
        assert_eq!(s.remove(keys[3]).as_deref(), Some("3"));
        check(&s, &owner);
        assert_eq!(s.keys(), [keys[0], keys[4], keys[2]]);
    }

    #[test]
    fn retain_visits_each_value_once_even_after_swaps() {
        let owner = QCellOwner::new();
        let mut s = new(&owner);
        for i in 0..10 {
            s.insert_with_key(|_| i.to_string());
        }
        let mut seen = Vec::new();
        s.retain(|_, v| {
            seen.push(v.clone());
            v.parse::<u32>().unwrap() % 3 == 0
        });
        seen.sort();
        let mut all: Vec<_> = (0..10).map(|i| i.to_string()).collect();
        all.sort();
        assert_eq!(seen, all);
        check(&s, &owner);
        let mut left: Vec<_> = s.as_slice(&owner).unwrap().to_vec();
        left.sort();
        assert_eq!(left, ["0", "3", "6", "9"]);
    }

    #[test]
    fn panicking_constructor_leaves_the_storage_unchanged() {
        let owner = QCellOwner::new();
        let mut s = new(&owner);
        s.insert_with_key(|_| "a".to_string());
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            s.insert_with_key(|_| panic!("no value"));
        }));
        assert!(result.is_err());
        assert_eq!(s.len(), 1);
        check(&s, &owner);
    }

    #[test]
    fn many_mut_refuses_repeats_and_missing_keys() {
        let mut owner = QCellOwner::new();
        let mut s = new(&owner);
        let a = s.insert_with_key(|_| "a".into());
        let b = s.insert_with_key(|_| "b".into());
        let gone = s.insert_with_key(|_| "gone".into());
        s.remove(gone);
        assert!(s.get_many_mut(&mut owner, [a, a]).unwrap().is_none());
        assert!(s.get_many_mut(&mut owner, [a, gone]).unwrap().is_none());
        let [x, y] = s.get_many_mut(&mut owner, [b, a]).unwrap().unwrap();
        std::mem::swap(x, y);
        assert_eq!(s.as_slice(&owner).unwrap(), ["b", "a"]);
    }
}
