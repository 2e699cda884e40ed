//! Copying a world of `n` entities with the standard four components (`Transform`,
//! `Position`, `Rotation`, `Velocity`: 100 bytes an entity) out and back: the `memcpy` floor,
//! cellar's whole snapshot and restore, and each peer's fastest documented way. The criterion
//! bench `benches/snapshot.rs` times these, and the `icount` driver runs them under callgrind
//! (`snapshot_take`, `snapshot_restore`), so both measure the very same code.
//!
//! - `memcpy`: four `copy_from_slice` of plain `Vec`s, the component bytes and nothing else:
//!   the floor (100 bytes an entity read, 100 written). cellar copies more than this: each
//!   entity's id in its table's row order (12 bytes; the live entity slots are not copied: a
//!   restore puts them back from these lists for tables whose rows changed, and compares the
//!   lists for the others), the free slots, and for each component the tick at which each
//!   row was added (one tick for the column when every row was added at one, as here after
//!   one batch spawn; 4 bytes a row otherwise). Here a take reads about 112 bytes an entity
//!   and writes 112; a restore reads 124 and writes 100.
//! - `cellar`: a whole copy ([`cellar::Snapshot::detach`] first, so nothing is skipped as
//!   unchanged).
//! - `hecs`: per archetype, the columns (`Archetype::get::<&T>()`) copied out and back into
//!   the same archetypes (`get::<&mut T>()`), with the entity ids.
//! - `bevy_ecs`: a cached `QueryState` copying the four components out, and back in place.
//! - `shipyard`: `AllStorages::clone_storages_to` into a second world and back (its
//!   documented world copy, with `register_clone`).
//!
//! - `hecs-whole`: hecs doing the whole job: the columns and every entity's full id
//!   (`Entity::to_bits`, with its generation) copied out, and back by `World::clear` and
//!   `World::spawn_column_batch_at` (its documented way to bring entities back at given ids),
//!   through a `ColumnBatchBuilder` filled value by value.
//!
//! hecs's and bevy_ecs's "restore" write values back into an unchanged set of entities: their
//! fastest path, not a general restore (they bring back no despawned entity, and restore no
//! entity ids). cellar, `hecs-whole` and shipyard restore whole worlds.
//!
//! ```
//! use cellar_benches::snapshot::{self, CopyOutAndBack};
//!
//! for id in snapshot::CRATES {
//!     let mut copy = snapshot::make(id, 100).unwrap();
//!     copy.take();
//!     copy.restore();
//! }
//! ```

use cellar::{Entity, Snapshot, World};

use crate::components::{Position, Rotation, Transform, Velocity, body};

/// The crates (and the floor) in the order the bench and the driver run them.
pub const CRATES: [&str; 6] = ["memcpy", "cellar", "hecs", "hecs-whole", "bevy_ecs", "shipyard"];

/// One crate's way to copy a world out (`take`) and back (`restore`). Both are the measured
/// part; `new` (see [`make`]) builds the world and takes one copy, so `restore` has one.
pub trait CopyOutAndBack {
    /// Copies the world out.
    fn take(&mut self);
    /// Copies the last copy back into the world.
    fn restore(&mut self);
}

/// Builds crate `id`'s version for `n` entities, or `None` for an unknown id.
pub fn make(id: &str, n: usize) -> Option<Box<dyn CopyOutAndBack>> {
    Some(match id {
        "memcpy" => Box::new(Floor::new(n)),
        "cellar" => Box::new(CellarWhole::new(n)),
        "hecs" => Box::new(Hecs::new(n)),
        "hecs-whole" => Box::new(HecsWhole::new(n)),
        "bevy_ecs" => Box::new(Bevy::new(n)),
        "shipyard" => Box::new(Shipyard::new(n)),
        _ => return None,
    })
}

type Columns = (Vec<Transform>, Vec<Position>, Vec<Rotation>, Vec<Velocity>);

/// Four columns of plain values and a second set to copy them to.
pub struct Floor {
    src: Columns,
    dst: Columns,
}

impl Floor {
    /// Two sets of `n` rows.
    pub fn new(n: usize) -> Self {
        let cols = || {
            let bodies: Vec<_> = (0..n).map(body).collect();
            (
                bodies.iter().map(|b| b.0).collect(),
                bodies.iter().map(|b| b.1).collect(),
                bodies.iter().map(|b| b.2).collect(),
                bodies.iter().map(|b| b.3).collect(),
            )
        };
        Floor { src: cols(), dst: cols() }
    }

    fn copy(&mut self) {
        self.dst.0.copy_from_slice(&self.src.0);
        self.dst.1.copy_from_slice(&self.src.1);
        self.dst.2.copy_from_slice(&self.src.2);
        self.dst.3.copy_from_slice(&self.src.3);
        std::hint::black_box(&mut self.dst);
    }
}

impl CopyOutAndBack for Floor {
    fn take(&mut self) {
        self.copy();
    }
    fn restore(&mut self) {
        self.copy();
    }
}

/// A cellar world of `n` entities of the four components, registered for bitwise snapshots,
/// and the entities in spawn order.
pub fn cellar_world(n: usize) -> (World, Vec<Entity>) {
    let mut world = World::new();
    world.register_snapshot_copy::<Transform>();
    world.register_snapshot_copy::<Position>();
    world.register_snapshot_copy::<Rotation>();
    world.register_snapshot_copy::<Velocity>();
    let es = world.spawn_batch((0..n).map(body)).to_vec();
    (world, es)
}

/// cellar, whole copies: every entity slot, row, column and tick, each time.
pub struct CellarWhole {
    world: World,
    snapshot: Snapshot,
}

impl CellarWhole {
    /// A world of `n` entities and a snapshot of it.
    pub fn new(n: usize) -> Self {
        let (world, _) = cellar_world(n);
        let snapshot = world.snapshot().expect("every component is registered");
        CellarWhole { world, snapshot }
    }
}

impl CopyOutAndBack for CellarWhole {
    fn take(&mut self) {
        self.snapshot.detach();
        self.world.snapshot_into(&mut self.snapshot).expect("every component is registered");
    }
    fn restore(&mut self) {
        self.snapshot.detach();
        self.world.restore(&self.snapshot).expect("a snapshot of this world");
    }
}

/// hecs: the columns of every archetype, and the entity ids.
pub struct Hecs {
    world: hecs::World,
    ids: Vec<u32>,
    cols: Columns,
}

impl Hecs {
    /// A world of `n` entities and a copy of it.
    pub fn new(n: usize) -> Self {
        let mut world = hecs::World::new();
        world.spawn_batch((0..n).map(body));
        let mut hecs = Hecs { world, ids: Vec::new(), cols: Default::default() };
        hecs.take();
        hecs
    }
}

impl CopyOutAndBack for Hecs {
    fn take(&mut self) {
        let Hecs { world, ids, cols } = self;
        ids.clear();
        cols.0.clear();
        cols.1.clear();
        cols.2.clear();
        cols.3.clear();
        for arch in world.archetypes().filter(|a| !a.is_empty()) {
            ids.extend_from_slice(arch.ids());
            cols.0.extend_from_slice(&arch.get::<&Transform>().expect("column"));
            cols.1.extend_from_slice(&arch.get::<&Position>().expect("column"));
            cols.2.extend_from_slice(&arch.get::<&Rotation>().expect("column"));
            cols.3.extend_from_slice(&arch.get::<&Velocity>().expect("column"));
        }
    }

    fn restore(&mut self) {
        let cols = &self.cols;
        let mut at = 0;
        for arch in self.world.archetypes().filter(|a| !a.is_empty()) {
            let n = arch.len() as usize;
            let range = at..at + n;
            arch.get::<&mut Transform>().expect("column").copy_from_slice(&cols.0[range.clone()]);
            arch.get::<&mut Position>().expect("column").copy_from_slice(&cols.1[range.clone()]);
            arch.get::<&mut Rotation>().expect("column").copy_from_slice(&cols.2[range.clone()]);
            arch.get::<&mut Velocity>().expect("column").copy_from_slice(&cols.3[range]);
            at += n;
        }
    }
}

/// hecs doing a whole restore: every entity back at its id, through a column batch.
pub struct HecsWhole {
    world: hecs::World,
    ids: Vec<hecs::Entity>,
    cols: Columns,
}

impl HecsWhole {
    /// A world of `n` entities and a copy of it.
    pub fn new(n: usize) -> Self {
        let mut world = hecs::World::new();
        world.spawn_batch((0..n).map(body));
        let mut hecs = HecsWhole { world, ids: Vec::new(), cols: Default::default() };
        hecs.take();
        hecs
    }
}

impl CopyOutAndBack for HecsWhole {
    fn take(&mut self) {
        let HecsWhole { world, ids, cols } = self;
        ids.clear();
        cols.0.clear();
        cols.1.clear();
        cols.2.clear();
        cols.3.clear();
        // The bench's world has one archetype; the full id of each row comes from `iter`.
        ids.extend(world.iter().map(|e| e.entity()));
        for arch in world.archetypes().filter(|a| !a.is_empty()) {
            cols.0.extend_from_slice(&arch.get::<&Transform>().expect("column"));
            cols.1.extend_from_slice(&arch.get::<&Position>().expect("column"));
            cols.2.extend_from_slice(&arch.get::<&Rotation>().expect("column"));
            cols.3.extend_from_slice(&arch.get::<&Velocity>().expect("column"));
        }
    }

    fn restore(&mut self) {
        let HecsWhole { world, ids, cols } = self;
        let mut ty = hecs::ColumnBatchType::new();
        ty.add::<Transform>().add::<Position>().add::<Rotation>().add::<Velocity>();
        let batch = hecs::ColumnBatchBuilder::new(ty, ids.len() as u32);
        fn fill<T: hecs::Component + Copy>(batch: &hecs::ColumnBatchBuilder, values: &[T]) {
            let mut writer = batch.writer::<T>().expect("a column of the batch");
            for &v in values {
                writer.push(v).ok().expect("room for every row");
            }
        }
        fill(&batch, &cols.0);
        fill(&batch, &cols.1);
        fill(&batch, &cols.2);
        fill(&batch, &cols.3);
        world.clear();
        world.spawn_column_batch_at(ids, batch.build().expect("every column filled"));
    }
}

type BevyQuery = bevy_ecs::query::QueryState<(
    &'static Transform,
    &'static Position,
    &'static Rotation,
    &'static Velocity,
)>;
type BevyQueryMut = bevy_ecs::query::QueryState<(
    &'static mut Transform,
    &'static mut Position,
    &'static mut Rotation,
    &'static mut Velocity,
)>;

/// bevy_ecs: cached queries copying the four components out and back in place.
pub struct Bevy {
    world: bevy_ecs::world::World,
    read: BevyQuery,
    write: BevyQueryMut,
    cols: Columns,
}

impl Bevy {
    /// A world of `n` entities and a copy of it.
    pub fn new(n: usize) -> Self {
        let mut world = bevy_ecs::world::World::new();
        world.spawn_batch((0..n).map(body));
        let read = world.query();
        let write = world.query();
        let mut bevy = Bevy { world, read, write, cols: Default::default() };
        bevy.take();
        bevy
    }
}

impl CopyOutAndBack for Bevy {
    fn take(&mut self) {
        let cols = &mut self.cols;
        cols.0.clear();
        cols.1.clear();
        cols.2.clear();
        cols.3.clear();
        for (t, p, r, v) in self.read.iter(&self.world) {
            cols.0.push(*t);
            cols.1.push(*p);
            cols.2.push(*r);
            cols.3.push(*v);
        }
    }

    fn restore(&mut self) {
        let cols = &self.cols;
        for (i, (mut t, mut p, mut r, mut v)) in self.write.iter_mut(&mut self.world).enumerate() {
            *t = cols.0[i];
            *p = cols.1[i];
            *r = cols.2[i];
            *v = cols.3[i];
        }
    }
}

/// Lets `clone_storages_to` copy the four storages (a cloned storage does not keep this).
fn register_clones(world: &mut shipyard::World) {
    world.register_clone::<(
        shipyard::sparse_set::SparseSet<Transform>,
        shipyard::sparse_set::SparseSet<Position>,
        shipyard::sparse_set::SparseSet<Rotation>,
        shipyard::sparse_set::SparseSet<Velocity>,
    )>();
}

fn shipyard_copy(from: &shipyard::World, to: &shipyard::World) {
    let src = from.all_storages().expect("not borrowed");
    let mut dst = to.all_storages_mut().expect("not borrowed");
    src.clone_storages_to(&mut dst);
}

/// shipyard: `clone_storages_to` a second world and back.
pub struct Shipyard {
    world: shipyard::World,
    /// What `take` copies into.
    out: shipyard::World,
    /// What `restore` copies from: a copy of the world, registered for cloning (a storage
    /// cloned into `out` does not keep that registration, so `out` could not be copied back).
    back: shipyard::World,
}

impl Shipyard {
    /// A world of `n` entities and a copy of it.
    pub fn new(n: usize) -> Self {
        let mut world = shipyard::World::new();
        world.bulk_add_entity((0..n).map(body));
        register_clones(&mut world);
        let mut back = shipyard::World::new();
        shipyard_copy(&world, &back);
        register_clones(&mut back);
        Shipyard { world, out: shipyard::World::new(), back }
    }
}

impl CopyOutAndBack for Shipyard {
    fn take(&mut self) {
        shipyard_copy(&self.world, &self.out);
    }
    fn restore(&mut self) {
        shipyard_copy(&self.back, &self.world);
        // The storages cloned in do not keep their registration: without it the next take
        // would copy nothing.
        register_clones(&mut self.world);
    }
}
