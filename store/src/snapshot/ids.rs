//! Ids that travel: an entity as a stable `u64`, for saved games, replays and network
//! messages.

use slotmap::{Key, KeyData};

use crate::entity::{Entity, EntityKey};
use crate::error::EntityError;
use crate::world::World;

impl Entity {
    /// This entity as a `u64`: its generation in the high 32 bits, its slot in the low 32.
    ///
    /// The bits do not name the world (a world's id is new in every process), so they stay
    /// the same across a save and load, or between two peers that spawned in the same order;
    /// [`World::entity_from_bits`] turns them back into an entity of a given world.
    ///
    /// ```
    /// let mut world = cellar_store::World::new();
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
    /// let mut world = cellar_store::World::new();
    /// let e = world.spawn(());
    /// let bits = e.to_bits();
    /// world.despawn(e).unwrap();
    /// assert!(world.entity_from_bits(bits).is_err(), "stale");
    /// assert!(world.entity_from_bits(0).is_err(), "foreign");
    /// ```
    pub fn entity_from_bits(&self, bits: u64) -> Result<Entity, EntityError> {
        let entity =
            Entity { key: EntityKey::from(KeyData::from_ffi(bits)), world: self.id() };
        // `from_ffi` makes an even generation odd: refuse bits that are not an entity's own.
        if entity.to_bits() == bits && self.contains(entity) {
            Ok(entity)
        } else {
            Err(EntityError::NoSuchEntity(entity))
        }
    }
}
