//! Entities: generational ids that also name the world they belong to.

use std::fmt;

use slotmap::Key;

use crate::entity_slots::EntitySlots;
use crate::primitives::AtomicCell;

slotmap::new_key_type! {
    /// The slotmap key behind an [`Entity`]: slot index and generation.
    pub(crate) struct EntityKey;
}

/// The id of one [`World`](crate::World), unique in the process.
///
/// Every [`Entity`] carries the id of the world that spawned it, so an entity used with
/// another world is refused instead of reaching that world's data.
///
/// # Examples
///
/// ```
/// use cellar::World;
///
/// let (a, b) = (World::new(), World::new());
/// assert_ne!(a.id(), b.id());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct WorldId(pub(crate) u32);

impl WorldId {
    /// A fresh id, never handed out before in this process.
    ///
    /// # Panics
    ///
    /// When the process has made 2^32 worlds: a wrapped id would let a new world accept an
    /// old world's entities and query states as its own, so the counter stops instead.
    pub(crate) fn next() -> WorldId {
        static NEXT: AtomicCell<u32> = AtomicCell::new(0);
        match NEXT.fetch_update(|id| id.checked_add(1)) {
            Ok(id) => WorldId(id),
            Err(_) => panic!("this process has made 2^32 worlds: world ids are exhausted"),
        }
    }
}

/// A handle to one entity of one world: slot index, generation and world id.
///
/// Entities are cheap to copy and compare. A despawned entity's slot is reused with a new
/// generation, so an old handle never reaches the new entity's data: every lookup with a
/// stale handle, or with a handle from another world, is an `Err`.
///
/// # Examples
///
/// ```
/// use cellar::{EntityError, World};
///
/// let mut world = World::new();
/// let e = world.spawn((1u32,));
/// world.despawn(e).unwrap();
/// let f = world.spawn((2u32,));
/// assert_eq!(e.index(), f.index(), "the slot is reused");
/// assert_ne!(e, f, "with a new generation");
/// assert_eq!(world.despawn(e), Err(EntityError::NoSuchEntity(e)));
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Entity {
    pub(crate) key: EntityKey,
    pub(crate) world: WorldId,
}

impl Entity {
    /// Whether two lists of entities are equal, compared as bytes: one `memcmp`, where the
    /// derived `==` compares field by field (some ten instructions an entity). Snapshots
    /// compare whole tables' entity lists.
    // Unsafe: views the lists as bytes.
    #[allow(unsafe_code)]
    pub(crate) fn same_list(a: &[Entity], b: &[Entity]) -> bool {
        // Three 4-byte fields (index, generation, world) in 12 bytes: no padding.
        const { assert!(size_of::<Entity>() == 12) };
        fn bytes(list: &[Entity]) -> &[u8] {
            // SAFETY:
            // - the bytes are the list's own memory, borrowed as long as the list, and `u8`
            //   needs no alignment;
            // - every byte is initialized: `Entity` has no padding (asserted above).
            unsafe { std::slice::from_raw_parts(list.as_ptr().cast::<u8>(), size_of_val(list)) }
        }
        // Equal bytes are equal fields: each field's `==` compares its bits.
        bytes(a) == bytes(b)
    }
}

impl Entity {
    /// The slot index: unique among the live entities of one world.
    ///
    /// ```
    /// let mut world = cellar::World::new();
    /// let e = world.spawn(());
    /// assert_eq!(e.index(), 0);
    /// ```
    #[inline]
    pub fn index(self) -> u32 {
        // slotmap's slot 0 is a sentinel that no key uses: live slots count from 1.
        (self.key.data().as_ffi() as u32).wrapping_sub(1)
    }

    /// The generation of the slot when this entity was spawned.
    ///
    /// ```
    /// let mut world = cellar::World::new();
    /// let e = world.spawn(());
    /// world.despawn(e).unwrap();
    /// let f = world.spawn(());
    /// assert_ne!(e.generation(), f.generation());
    /// ```
    #[inline]
    pub fn generation(self) -> u32 {
        (self.key.data().as_ffi() >> 32) as u32
    }

    /// The world this entity belongs to.
    ///
    /// ```
    /// let mut world = cellar::World::new();
    /// assert_eq!(world.spawn(()).world_id(), world.id());
    /// ```
    #[inline]
    pub fn world_id(self) -> WorldId {
        self.world
    }
}

impl fmt::Debug for Entity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}v{}@w{}", self.index(), self.generation(), self.world.0)
    }
}

impl fmt::Display for Entity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

/// Where an entity's table components are: table and row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Location {
    pub(crate) table: u32,
    pub(crate) row: u32,
}

/// The live entities of one world and their locations.
///
/// # Invariants
///
/// A live entity's location names the table and row that hold its table components (the
/// storage keeps it so: see `storage/table.rs`).
#[derive(Debug)]
pub(crate) struct Entities {
    world: WorldId,
    slots: EntitySlots,
}

impl Entities {
    pub(crate) fn new(world: WorldId) -> Self {
        Entities { world, slots: EntitySlots::default() }
    }

    /// The location of `e`, if it is alive and of this world.
    #[inline]
    pub(crate) fn get(&self, e: Entity) -> Option<Location> {
        if e.world != self.world {
            return None;
        }
        self.slots.get(e.key)
    }

    #[inline]
    pub(crate) fn get_mut(&mut self, e: Entity) -> Option<&mut Location> {
        if e.world != self.world {
            return None;
        }
        self.slots.get_mut(e.key)
    }

    #[inline]
    pub(crate) fn alloc(&mut self, loc: Location) -> Entity {
        Entity { key: self.slots.insert(loc), world: self.world }
    }

    pub(crate) fn free(&mut self, e: Entity) -> Option<Location> {
        if e.world != self.world {
            return None;
        }
        self.slots.remove(e.key)
    }

    /// The slots, generations and free list (for snapshots).
    pub(crate) fn slots(&self) -> &EntitySlots {
        &self.slots
    }

    /// For snapshot restores (`crate::snapshot`) only: the slots, overwritten whole.
    pub(crate) fn slots_mut(&mut self) -> &mut EntitySlots {
        &mut self.slots
    }

    /// The world these entities belong to.
    pub(crate) fn world(&self) -> WorldId {
        self.world
    }

    pub(crate) fn len(&self) -> usize {
        self.slots.len()
    }

    /// Frees every entity (their handles turn stale).
    pub(crate) fn clear(&mut self) {
        self.slots.clear();
    }

    /// Makes room for `n` more entities.
    pub(crate) fn reserve(&mut self, n: usize) {
        self.slots.reserve(n);
    }
}
