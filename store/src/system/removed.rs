//! `RemovedComponents<T>`: the entities that lost a `T` (removed or despawned) since the
//! system last ran.

use std::marker::PhantomData;

use super::{SystemMeta, SystemParam};
use crate::access::{Access, AccessConflict};
use crate::component::Component;
use crate::entity::{Entity, WorldId};
use crate::lend::FetchContext;
use crate::storage::Storage;
use crate::world::World;

/// The entities that had a `T` when the system last ran and have none now: `T` was removed
/// or the entity despawned. A system parameter; it borrows no token (which entities have a
/// `T` is in the table layout, which only changes between batches).
///
/// The first run reports nothing. It compares the entities that have `T` from run to run,
/// so a `T` removed and inserted again between two runs is not reported, and each run costs
/// a pass over the entities that have `T`.
///
/// # Examples
///
/// ```
/// use cellar::prelude::*;
/// use cellar::system::RemovedComponents;
///
/// struct Burning;
/// #[derive(Default)]
/// struct Extinguished(Vec<Entity>);
///
/// fn watch(removed: RemovedComponents<Burning>, mut log: ResMut<Extinguished>) {
///     log.0.extend(removed.iter());
/// }
///
/// let mut world = World::new();
/// world.insert_resource(Extinguished::default());
/// let a = world.spawn((Burning,));
/// let b = world.spawn((Burning,));
/// let mut schedule = Schedule::new();
/// schedule.add_system(watch);
/// schedule.run(&mut world);
/// world.remove::<(Burning,)>(a).unwrap();
/// world.despawn(b).unwrap();
/// schedule.run(&mut world);
/// let mut seen = world.resource::<Extinguished>().unwrap().0.clone();
/// seen.sort();
/// assert_eq!(seen, {
///     let mut both = vec![a, b];
///     both.sort();
///     both
/// });
/// ```
pub struct RemovedComponents<'s, T> {
    removed: &'s [Entity],
    _type: PhantomData<fn() -> T>,
}

impl<'s, T> RemovedComponents<'s, T> {
    /// The entities, in id order.
    ///
    /// ```
    /// use cellar::prelude::*;
    /// use cellar::system::RemovedComponents;
    /// fn count(removed: RemovedComponents<u8>, mut n: ResMut<usize>) {
    ///     *n += removed.iter().count();
    /// }
    /// let mut world = World::new();
    /// world.insert_resource(0usize);
    /// let e = world.spawn((1u8,));
    /// let mut schedule = Schedule::new();
    /// schedule.add_system(count);
    /// schedule.run(&mut world);
    /// world.despawn(e).unwrap();
    /// schedule.run(&mut world);
    /// assert_eq!(*world.resource::<usize>().unwrap(), 1);
    /// ```
    pub fn iter(&self) -> impl ExactSizeIterator<Item = Entity> + 's {
        self.removed.iter().copied()
    }

    /// How many entities lost a `T`.
    ///
    /// ```
    /// # use cellar::prelude::*;
    /// # use cellar::system::RemovedComponents;
    /// fn none(removed: RemovedComponents<u8>) {
    ///     assert_eq!(removed.len(), 0);
    /// }
    /// let mut schedule = Schedule::new();
    /// schedule.add_system(none);
    /// schedule.run(&mut World::new());
    /// ```
    pub fn len(&self) -> usize {
        self.removed.len()
    }

    /// Whether no entity lost a `T`.
    ///
    /// ```
    /// # use cellar::prelude::*;
    /// # use cellar::system::RemovedComponents;
    /// fn none(removed: RemovedComponents<u8>) {
    ///     assert!(removed.is_empty());
    /// }
    /// let mut schedule = Schedule::new();
    /// schedule.add_system(none);
    /// schedule.run(&mut World::new());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.removed.is_empty()
    }
}

impl<T> std::fmt::Debug for RemovedComponents<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("RemovedComponents").field(&self.removed).finish()
    }
}

/// What [`RemovedComponents`] keeps between runs.
#[doc(hidden)]
#[derive(Debug, Default)]
pub struct RemovedState {
    world: Option<WorldId>,
    /// The entities that had the component at the last run, sorted.
    had: Vec<Entity>,
    /// Those of them that have it no more.
    removed: Vec<Entity>,
}

/// The entities that have `T` now, sorted.
fn having<T: Component>(storage: &Storage) -> Vec<Entity> {
    let Some(id) = storage.id_of::<T>() else { return Vec::new() };
    let mut out: Vec<Entity> = match &storage.store(id).sparse() {
        Some(set) => set.entities().to_vec(),
        None => (storage.tables().iter())
            .filter(|table| table.index_of(id).is_some())
            .flat_map(|table| table.entities().iter().copied())
            .collect(),
    };
    out.sort_unstable();
    out
}

impl<T: Component> SystemParam for RemovedComponents<'_, T> {
    type State = RemovedState;
    type Item<'w, 's> = RemovedComponents<'s, T>;

    fn access(_access: &mut Access) -> Result<(), AccessConflict> {
        Ok(())
    }

    fn init_state(world: &mut World, _meta: &mut SystemMeta) -> RemovedState {
        RemovedState { world: Some(world.id()), had: having::<T>(world.storage()), removed: vec![] }
    }

    fn fetch<'w, 's>(
        state: &'s mut RemovedState,
        ctx: &mut FetchContext<'w>,
    ) -> RemovedComponents<'s, T> {
        let storage = ctx.storage();
        let now = having::<T>(storage);
        state.removed.clear();
        if state.world == Some(storage.world_id()) {
            // Both sorted: one walk finds what `had` holds and `now` does not.
            let mut rest = &now[..];
            for &e in &state.had {
                let at = rest.partition_point(|&x| x < e);
                rest = &rest[at..];
                if rest.first() != Some(&e) {
                    state.removed.push(e);
                }
            }
        }
        state.world = Some(storage.world_id());
        state.had = now;
        RemovedComponents { removed: &state.removed, _type: PhantomData }
    }
}
