//! The entity allocator: generational slots kept as plain words, so that a snapshot copies
//! them with one `memcpy` (slotmap's `SlotMap` copies slot by slot, about 12 instructions
//! each, the largest cost of a whole snapshot of a small world).
//!
//! It hands out the keys slotmap's `SlotMap` would, in the same order: slot 0 is never used,
//! a slot's generation is odd while an entity lives in it and even while it is free, and
//! freed slots are reused last freed first. Keys are slotmap keys (`EntityKey`), so ids keep
//! their `u64` form ([`Entity::to_bits`](crate::Entity::to_bits)).

use slotmap::{Key, KeyData};

use crate::entity::{EntityKey, Location};

/// One slot: its generation, and either the live entity's location or the free list's link.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Slot {
    /// Odd while an entity lives in the slot, even while it is free.
    version: u32,
    /// Live: where the entity's row is. Free: `table` is the next free slot (the list ends
    /// at `slots.len()`), `row` is 0.
    location: Location,
}

/// The slots of one world's entities.
///
/// # Invariants
///
/// - `slots[0]` has version 0 and is never live nor on the free list.
/// - `len` is the number of slots with an odd version.
/// - The free list, from `free_head` along `location.table`, visits every slot with an even
///   version but slot 0 exactly once, and ends at `slots.len()`.
#[derive(Debug)]
pub(crate) struct EntitySlots {
    slots: Vec<Slot>,
    free_head: u32,
    len: u32,
}

/// A key's slot index and generation.
#[inline(always)]
fn split(key: EntityKey) -> (usize, u32) {
    let bits = key.data().as_ffi();
    (bits as u32 as usize, (bits >> 32) as u32)
}

/// The key of slot `index` at generation `version` (odd).
#[inline(always)]
fn key(index: u32, version: u32) -> EntityKey {
    EntityKey::from(KeyData::from_ffi(u64::from(version) << 32 | u64::from(index)))
}

impl Default for EntitySlots {
    fn default() -> Self {
        EntitySlots {
            slots: vec![Slot { version: 0, location: Location { table: 0, row: 0 } }],
            free_head: 1,
            len: 0,
        }
    }
}

impl Clone for EntitySlots {
    fn clone(&self) -> Self {
        EntitySlots { slots: self.slots.clone(), free_head: self.free_head, len: self.len }
    }

    /// One `memcpy` of the slots, into `self`'s buffer where it is large enough.
    fn clone_from(&mut self, source: &Self) {
        self.slots.clone_from(&source.slots);
        self.free_head = source.free_head;
        self.len = source.len;
    }
}

impl EntitySlots {
    /// The location of the entity with `key`, if it is alive.
    #[inline]
    pub(crate) fn get(&self, key: EntityKey) -> Option<Location> {
        let (index, version) = split(key);
        self.slots.get(index).filter(|s| s.version == version).map(|s| s.location)
    }

    #[inline]
    pub(crate) fn get_mut(&mut self, key: EntityKey) -> Option<&mut Location> {
        let (index, version) = split(key);
        self.slots.get_mut(index).filter(|s| s.version == version).map(|s| &mut s.location)
    }

    /// A new live slot at `location`: the last freed, or a new one.
    ///
    /// # Panics
    ///
    /// If all `u32::MAX` slots are in use.
    #[inline]
    pub(crate) fn insert(&mut self, location: Location) -> EntityKey {
        let index = self.free_head;
        let version = match self.slots.get_mut(index as usize) {
            Some(slot) => {
                self.free_head = slot.location.table;
                slot.version |= 1;
                slot.location = location;
                slot.version
            }
            None => {
                assert!(self.slots.len() < u32::MAX as usize, "too many entities");
                self.slots.push(Slot { version: 1, location });
                self.free_head = index + 1;
                1
            }
        };
        self.len += 1;
        key(index, version)
    }

    /// Frees the slot of `key`, if it is alive; returns its location.
    #[inline]
    pub(crate) fn remove(&mut self, key: EntityKey) -> Option<Location> {
        let (index, version) = split(key);
        let slot = self.slots.get_mut(index).filter(|s| s.version == version)?;
        let location = slot.location;
        slot.version = slot.version.wrapping_add(1);
        slot.location = Location { table: self.free_head, row: 0 };
        self.free_head = index as u32;
        self.len -= 1;
        Some(location)
    }

    /// Frees every slot, in index order (so the last one is reused first).
    pub(crate) fn clear(&mut self) {
        for index in 1..self.slots.len() {
            let slot = &mut self.slots[index];
            if slot.version % 2 == 1 {
                slot.version = slot.version.wrapping_add(1);
                slot.location = Location { table: self.free_head, row: 0 };
                self.free_head = index as u32;
            }
        }
        self.len = 0;
    }

    /// Makes room for `n` more live slots.
    pub(crate) fn reserve(&mut self, n: usize) {
        let needed = (self.len() + n).saturating_sub(self.slots.len() - 1);
        self.slots.reserve(needed);
    }

    /// The number of live slots.
    #[inline]
    pub(crate) fn len(&self) -> usize {
        self.len as usize
    }

    /// The slot index and generation the next [`insert`](Self::insert) will hand out.
    pub(crate) fn peek(&self) -> (u32, u32) {
        let version = self.slots.get(self.free_head as usize).map_or(1, |s| s.version | 1);
        (self.free_head, version)
    }

    /// The key of the entity alive in slot `index`, if one is.
    pub(crate) fn live_key(&self, index: u32) -> Option<EntityKey> {
        let slot = self.slots.get(index as usize).filter(|_| index != 0)?;
        (slot.version % 2 == 1).then(|| key(index, slot.version))
    }

    /// The generation of every slot but slot 0, and the free slots (as indices into those
    /// generations) from the one used next: what a save keeps.
    #[cfg_attr(not(feature = "serde"), allow(dead_code))]
    pub(crate) fn generations_and_free(&self) -> (Vec<u32>, Vec<u32>) {
        let generations = self.slots[1..].iter().map(|s| s.version).collect();
        let mut free = Vec::with_capacity(self.slots.len() - 1 - self.len());
        let mut at = self.free_head;
        while (at as usize) < self.slots.len() {
            free.push(at - 1);
            at = self.slots[at as usize].location.table;
        }
        (generations, free)
    }

    /// The slots with these generations (of slots 1 on), this free list (indices into
    /// `generations`, from the one used next) and these locations of the live slots, or
    /// `None` unless the free list names every free slot (even generation, at least 2) once
    /// and the live slots (odd generation) are exactly those with a location.
    #[cfg_attr(not(feature = "serde"), allow(dead_code))]
    pub(crate) fn from_parts(
        generations: &[u32],
        free: &[u32],
        locations: &[Option<Location>],
    ) -> Option<Self> {
        if generations.len() != locations.len() || generations.len() >= u32::MAX as usize - 1 {
            return None;
        }
        let mut slots = Vec::with_capacity(generations.len() + 1);
        slots.push(Slot { version: 0, location: Location { table: 0, row: 0 } });
        let mut len = 0;
        for (&version, &location) in generations.iter().zip(locations) {
            match (version % 2 == 1, location) {
                (true, Some(location)) => {
                    len += 1;
                    slots.push(Slot { version, location });
                }
                (false, None) if version >= 2 => {
                    // Linked below (`u32::MAX`: not yet, which catches a slot listed twice).
                    slots.push(Slot { version, location: Location { table: u32::MAX, row: 0 } });
                }
                _ => return None,
            }
        }
        if free.len() != generations.len() - len as usize {
            return None;
        }
        let end = slots.len() as u32;
        let mut next = end;
        for &i in free.iter().rev() {
            let slot = slots.get_mut((i as usize).checked_add(1)?)?;
            if slot.version % 2 == 1 || slot.location.table != u32::MAX {
                return None; // live, or listed twice
            }
            slot.location.table = next;
            next = i + 1;
        }
        Some(EntitySlots { slots, free_head: next, len })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const AT: Location = Location { table: 1, row: 2 };

    fn parts(key: EntityKey) -> (usize, u32) {
        split(key)
    }

    #[test]
    fn keys_are_those_slotmap_hands_out_in_the_same_order() {
        let mut mine = EntitySlots::default();
        let mut theirs: slotmap::SlotMap<EntityKey, Location> = slotmap::SlotMap::with_key();
        let mut live = Vec::new();
        // A fixed mix of inserts and removes, then a clear, then inserts again.
        for step in 0..200u32 {
            if step % 3 == 2 && !live.is_empty() {
                let k = live.remove((step as usize * 7) % live.len());
                assert_eq!(mine.remove(k), theirs.remove(k));
                assert_eq!(mine.remove(k), None, "a freed key is stale");
            } else {
                let location = Location { table: step, row: step };
                let k = mine.insert(location);
                assert_eq!(k, theirs.insert(location));
                assert_eq!(mine.get(k), Some(location));
                live.push(k);
            }
            assert_eq!(mine.len(), theirs.len());
        }
        mine.clear();
        theirs.clear();
        for step in 0..100 {
            let location = Location { table: step, row: 0 };
            assert_eq!(mine.insert(location), theirs.insert(location));
        }
    }

    #[test]
    fn parts_round_trip_and_bad_parts_are_refused() {
        let mut slots = EntitySlots::default();
        let keys: Vec<_> = (0..6).map(|_| slots.insert(AT)).collect();
        slots.remove(keys[4]);
        slots.remove(keys[1]);
        let (generations, free) = slots.generations_and_free();
        assert_eq!(free, [1, 4], "slot 2, freed last, is used next");
        let locations: Vec<_> = (1..=6).map(|i| slots.live_key(i).map(|_| AT)).collect();
        let mut back = EntitySlots::from_parts(&generations, &free, &locations).unwrap();
        assert_eq!(back.slots, slots.slots);
        assert_eq!((back.free_head, back.len), (slots.free_head, slots.len));
        assert_eq!(parts(back.insert(AT)), (2, 3));
        assert_eq!(back.peek(), (5, 3));

        assert!(EntitySlots::from_parts(&generations, &[1], &locations).is_none(), "short");
        assert!(EntitySlots::from_parts(&generations, &[1, 1], &locations).is_none(), "twice");
        assert!(EntitySlots::from_parts(&generations, &[1, 0], &locations).is_none(), "live");
        assert!(EntitySlots::from_parts(&generations, &[1, 9], &locations).is_none(), "none");
        let mut lost = locations.clone();
        lost[0] = None;
        assert!(EntitySlots::from_parts(&generations, &free, &lost).is_none(), "no location");
    }

    #[test]
    fn clone_from_copies_everything() {
        let mut a = EntitySlots::default();
        let keys: Vec<_> = (0..10).map(|_| a.insert(AT)).collect();
        a.remove(keys[3]);
        let mut b = EntitySlots::default();
        b.insert(AT);
        b.clone_from(&a);
        assert_eq!(b.slots, a.slots);
        assert_eq!(b.insert(AT), a.insert(AT));
    }
}
