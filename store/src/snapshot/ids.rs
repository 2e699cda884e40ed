//! Ids that travel: an entity as a stable `u64`, for saved games, replays and network
//! messages.

use std::error::Error;
use std::fmt;

use slotmap::{Key, KeyData};

use crate::bundle::Bundle;
use crate::entity::{Entity, EntityKey, Location};
use crate::error::EntityError;
use crate::world::World;

/// The most generations [`World::spawn_at`] skips in one slot (each costs a little work).
pub const MAX_GENERATION_SKIP: u32 = 1 << 20;

impl Entity {
    /// This entity as a `u64`: its generation in the high 32 bits, its slot in the low 32.
    ///
    /// The bits do not name the world (a world's id is new in every process), so they stay
    /// the same across a save and load, or between two peers that spawned in the same order;
    /// [`World::entity_from_bits`] turns them back into an entity of a given world.
    ///
    /// ```
    /// let mut world = cellar::World::new();
    /// let e = world.spawn(());
    /// assert_eq!(world.entity_from_bits(e.to_bits()), Ok(e));
    /// ```
    pub fn to_bits(self) -> u64 {
        self.key.data().as_ffi()
    }
}

impl World {
    /// The live entity of this world whose [`Entity::to_bits`] are `bits`.
    ///
    /// # Errors
    ///
    /// [`EntityError::NoSuchEntity`] if no live entity has these bits: a despawned (stale)
    /// entity, one never spawned, or bits that no entity has (an even generation, slot 0).
    ///
    /// ```
    /// let mut world = cellar::World::new();
    /// let e = world.spawn(());
    /// let bits = e.to_bits();
    /// world.despawn(e).unwrap();
    /// assert!(world.entity_from_bits(bits).is_err(), "stale");
    /// assert!(world.entity_from_bits(0).is_err(), "foreign");
    /// ```
    pub fn entity_from_bits(&self, bits: u64) -> Result<Entity, EntityError> {
        let entity = Entity { key: EntityKey::from(KeyData::from_ffi(bits)), world: self.id() };
        // `from_ffi` makes an even generation odd: refuse bits that are not an entity's own.
        if entity.to_bits() == bits && self.contains(entity) {
            Ok(entity)
        } else {
            Err(EntityError::NoSuchEntity(entity))
        }
    }
}

/// Why [`World::spawn_at`] could not spawn at the given id.
///
/// # Examples
///
/// ```
/// use cellar::{World, snapshot::SpawnAtError};
///
/// let mut world = World::new();
/// let e = world.spawn(());
/// assert_eq!(world.spawn_at(e.to_bits(), ()), Err(SpawnAtError::Alive(e)));
/// assert!(world.spawn_at(0, ()).unwrap_err().to_string().contains("not an entity id"));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SpawnAtError {
    /// The bits are no entity's (slot 0, or an even generation).
    Malformed(u64),
    /// That very entity is alive.
    Alive(Entity),
    /// Another generation of the slot is alive.
    Occupied(Entity),
    /// The slot has been used by this generation or a later one: the id is stale.
    Stale(u64),
    /// The generation is more than [`MAX_GENERATION_SKIP`] ahead of the slot's.
    TooFarAhead(u64),
}

impl fmt::Display for SpawnAtError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SpawnAtError::Malformed(bits) => write!(f, "{bits:#x} is not an entity id"),
            SpawnAtError::Alive(e) => write!(f, "entity {e:?} is alive already"),
            SpawnAtError::Occupied(e) => write!(f, "entity {e:?} is alive in that slot"),
            SpawnAtError::Stale(bits) => {
                write!(f, "entity id {bits:#x} is stale: its slot has moved past it")
            }
            SpawnAtError::TooFarAhead(bits) => write!(
                f,
                "entity id {bits:#x} is more than {MAX_GENERATION_SKIP} generations ahead of its slot"
            ),
        }
    }
}

impl Error for SpawnAtError {}

impl World {
    /// Spawns an entity whose [`Entity::to_bits`] are `bits`: how a replica or a replay makes
    /// the entity a message or a save names.
    ///
    /// The slot may be free or beyond the slots used so far (the ones between become free).
    /// Free slots ahead of it in the free list stay free, in order, but their next generation
    /// moves on by 2: the slot map can only be walked by taking slots and giving them back.
    /// So a replica mirrors ids in the order their slots were first used (by slot, for a
    /// fresh world), or restores a snapshot (which carries the slots exactly); a lower
    /// generation in a slot walked past is [`SpawnAtError::Stale`]. Costs the slots walked
    /// plus half the generations skipped.
    ///
    /// # Errors
    ///
    /// [`SpawnAtError`]: the bits are no entity's, name a live entity or a slot where another
    /// is alive, are stale (the slot has reached that generation before), or skip more than
    /// [`MAX_GENERATION_SKIP`] generations. Nothing is spawned then (the bundle is dropped).
    ///
    /// ```
    /// use cellar::World;
    ///
    /// let mut server = World::new();
    /// let mut client = World::new();
    /// let a = server.spawn((1u32,));
    /// server.despawn(a).unwrap();
    /// let b = server.spawn((2u32,)); // a's slot, next generation
    ///
    /// // The client hears only of b.
    /// let b_here = client.spawn_at(b.to_bits(), (2u32,)).unwrap();
    /// assert_eq!(b_here.to_bits(), b.to_bits());
    /// assert_eq!(client.get::<u32>(b_here), Ok(&2));
    /// assert!(client.spawn_at(a.to_bits(), (1u32,)).is_err(), "the slot is taken");
    /// ```
    pub fn spawn_at<B: Bundle>(&mut self, bits: u64, bundle: B) -> Result<Entity, SpawnAtError> {
        let (slot, generation) = (bits as u32, (bits >> 32) as u32);
        if slot == 0 || generation % 2 == 0 {
            return Err(SpawnAtError::Malformed(bits));
        }
        if let Ok(e) = self.entity_from_bits(bits) {
            return Err(SpawnAtError::Alive(e));
        }
        let world_id = self.id();
        let mut guard = GiveBack { world: self, taken: Vec::new() };
        let GiveBack { world, taken } = &mut guard;
        let entities = world.storage.snapshot_parts().entities;
        // Take free slots (and make new ones) until `slot` is the one handed out next. A live
        // slot never comes up: if `slot` is live, the free list runs out first.
        let next = loop {
            let (next, version) = entities.peek();
            if next == slot {
                break version;
            }
            if version == 1 && next > slot {
                let key = entities.live_key(slot).expect("a slot neither free nor new is live");
                return Err(SpawnAtError::Occupied(Entity { key, world: world_id }));
            }
            taken.push(entities.insert(PLACEHOLDER));
        };
        if next > generation {
            return Err(SpawnAtError::Stale(bits));
        }
        if generation - next > MAX_GENERATION_SKIP {
            return Err(SpawnAtError::TooFarAhead(bits));
        }
        // Each take and give-back of the slot moves its next generation on by 2.
        for _ in 0..(generation - next) / 2 {
            let key = entities.insert(PLACEHOLDER);
            entities.remove(key);
        }
        debug_assert_eq!(entities.peek(), (slot, generation));
        let entity = world.spawn(bundle);
        debug_assert_eq!(entity.to_bits(), bits);
        Ok(entity)
    }
}

/// A slot taken to walk the free list: never read, always given back.
const PLACEHOLDER: Location = Location { table: u32::MAX, row: u32::MAX };

/// Gives the slots taken by `spawn_at` back, in order (also when a bundle panics), so that
/// they are free again and handed out in the order they were.
struct GiveBack<'a> {
    world: &'a mut World,
    taken: Vec<EntityKey>,
}

impl Drop for GiveBack<'_> {
    fn drop(&mut self) {
        let entities = self.world.storage.snapshot_parts().entities;
        for &key in self.taken.iter().rev() {
            entities.remove(key);
        }
    }
}
