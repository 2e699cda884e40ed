//! The entity allocator: generational slots kept as plain words. A snapshot keeps only the
//! free slots and the free list ([`SavedSlots`]): the tables' entity lists, which it copies
//! anyway, say where each live entity is, and a restore puts the live slots back from them
//! ([`EntitySlots::place`]) only for tables whose rows changed.
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

/// A free slot, as a snapshot keeps it: its index, generation and free-list link.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct FreeSlot {
    index: u32,
    version: u32,
    next: u32,
}

/// What a snapshot keeps of the slots: how many there are, the free ones and the free list.
/// The live slots it does not keep: the tables' entity lists (which a snapshot copies anyway)
/// say the generation and location of each ([`EntitySlots::place`]), so a take reads and
/// writes 12 bytes an entity fewer.
#[derive(Clone, Debug, Default)]
pub(crate) struct SavedSlots {
    /// The number of slots, slot 0 included.
    slots: u32,
    free_head: u32,
    len: u32,
    /// Every free slot, in index order or free-list order.
    free: Vec<FreeSlot>,
}

impl SavedSlots {
    /// The number of live slots.
    pub(crate) fn len(&self) -> usize {
        self.len as usize
    }
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

/// Slot 0, and what a slot holds before it is given a value.
const EMPTY: Slot = Slot { version: 0, location: Location { table: 0, row: 0 } };

impl Default for EntitySlots {
    fn default() -> Self {
        EntitySlots { slots: vec![EMPTY], free_head: 1, len: 0 }
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

    /// Saves what [`restore_free`](Self::restore_free) needs into `out` (reusing its buffer):
    /// the free slots, found by following the free list where it is short, by a scan of every
    /// slot where it is long (a walk is a chain of dependent loads, a scan streams).
    pub(crate) fn save_free(&self, out: &mut SavedSlots) {
        out.free.clear();
        let free = self.slots.len() - 1 - self.len();
        let free_slot = |index: u32, slot: &Slot| FreeSlot {
            index,
            version: slot.version,
            next: slot.location.table,
        };
        if free * 16 <= self.slots.len() {
            let mut at = self.free_head;
            while let Some(slot) = self.slots.get(at as usize) {
                out.free.push(free_slot(at, slot));
                at = slot.location.table;
            }
        } else {
            let slots = self.slots.iter().enumerate().skip(1);
            out.free.extend(
                slots.filter(|(_, s)| s.version % 2 == 0).map(|(i, s)| free_slot(i as u32, s)),
            );
        }
        debug_assert_eq!(out.free.len(), free, "the free list visits every free slot once");
        out.slots = self.slots.len() as u32;
        out.free_head = self.free_head;
        out.len = self.len;
    }

    /// Makes the slots those `saved` says, but for the live ones: the free slots and the free
    /// list are restored, and slots that are not free keep what they held (slots past the
    /// old end hold nothing). The caller then [`place`](Self::place)s every live entity whose
    /// slot does not already hold it, before anything reads the slots.
    pub(crate) fn restore_free(&mut self, saved: &SavedSlots) {
        self.slots.resize(saved.slots as usize, EMPTY);
        for free in &saved.free {
            self.slots[free.index as usize] =
                Slot { version: free.version, location: Location { table: free.next, row: 0 } };
        }
        self.free_head = saved.free_head;
        self.len = saved.len;
    }

    /// Makes `key`'s slot hold it, live at `location` (restoring a snapshot).
    #[inline]
    pub(crate) fn place(&mut self, key: EntityKey, location: Location) {
        let (index, version) = split(key);
        self.slots[index] = Slot { version, location };
    }

    /// The slots a snapshot took (`saved`, with `tables` holding the live entities of each
    /// table in row order).
    #[cfg_attr(not(feature = "serde"), allow(dead_code))]
    pub(crate) fn from_saved<'a>(
        saved: &SavedSlots,
        tables: impl IntoIterator<Item = &'a [crate::Entity]>,
    ) -> Self {
        let mut slots = EntitySlots::default();
        slots.restore_free(saved);
        for (table, entities) in tables.into_iter().enumerate() {
            for (row, e) in entities.iter().enumerate() {
                slots.place(e.key, Location { table: table as u32, row: row as u32 });
            }
        }
        slots
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
    fn saved_slots_and_placed_entities_give_the_same_slots() {
        // Few free slots (found along the free list), then many (found by a scan).
        for removed in [2, 40] {
            let mut slots = EntitySlots::default();
            let keys: Vec<_> =
                (0..64).map(|i| slots.insert(Location { table: 0, row: i })).collect();
            for &k in keys.iter().rev().step_by(3).take(removed) {
                slots.remove(k);
            }
            let live: Vec<crate::Entity> = keys
                .iter()
                .filter(|&&k| slots.get(k).is_some())
                .map(|&key| crate::Entity { key, world: crate::entity::WorldId(0) })
                .collect();
            // One table whose rows hold the live entities in key order.
            for (row, e) in live.iter().enumerate() {
                *slots.get_mut(e.key).unwrap() = Location { table: 0, row: row as u32 };
            }
            let rows = live;
            let mut saved = SavedSlots::default();
            slots.save_free(&mut saved);
            assert_eq!(saved.len(), slots.len());
            let back = EntitySlots::from_saved(&saved, [&rows[..]]);
            assert_eq!(back.slots, slots.slots, "{removed} removed");
            assert_eq!((back.free_head, back.len), (slots.free_head, slots.len));

            // Restoring over other slots (more of them, other generations) gives them too.
            let mut other = EntitySlots::default();
            for _ in 0..100 {
                let k = other.insert(AT);
                other.remove(k);
                other.insert(AT);
            }
            other.restore_free(&saved);
            for (row, e) in rows.iter().enumerate() {
                other.place(e.key, Location { table: 0, row: row as u32 });
            }
            assert_eq!(other.slots, slots.slots);
            assert_eq!(other.insert(AT), slots.insert(AT), "the same id is handed out next");
        }
    }
}
