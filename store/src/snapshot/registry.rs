//! Which types a snapshot can copy, and how: one entry per registered component or resource
//! type, kept process-wide (how to copy a type does not depend on the world it is in).

use std::any::{Any, TypeId};
use std::collections::HashMap;

use crate::component::{Component, ComponentId};
use crate::primitives::{Lazy, RwLock};
use crate::storage::Column;
use crate::storage::TokenId;
use crate::world::World;

/// A resource value as a world keeps it.
pub(crate) type AnyResource = dyn Any + Send + Sync;

/// How to copy the values of one component type from one column to another.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ColumnOps {
    /// Makes `dst` hold copies of `src`'s values, reusing `dst`'s values and allocation.
    pub(crate) copy_all: fn(&Column, &mut Column),
    /// `dst[row] = src[row]` for each of `rows` (both columns hold the same number of values).
    pub(crate) copy_rows: fn(&Column, &mut Column, &[u32]),
}

/// How to copy one resource type.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ResourceOps {
    pub(crate) name: &'static str,
    /// A copy of the value in a new box.
    pub(crate) clone: fn(&AnyResource) -> Box<AnyResource>,
    /// Overwrites the second value with a copy of the first, reusing what it owns.
    pub(crate) clone_into: fn(&AnyResource, &mut AnyResource),
}

fn copy_all_bitwise<T: Copy + 'static>(src: &Column, dst: &mut Column) {
    dst.clear();
    dst.extend_from_copy_slice(src.as_slice::<T>());
}

fn copy_rows_bitwise<T: Copy + 'static>(src: &Column, dst: &mut Column, rows: &[u32]) {
    let (src, dst) = (src.as_slice::<T>(), dst.as_mut_slice::<T>());
    for &row in rows {
        dst[row as usize] = src[row as usize];
    }
}

fn clone_all<T: Clone + 'static>(src: &Column, dst: &mut Column) {
    let src = src.as_slice::<T>();
    // Drop the surplus first (from the end: no value moves), then reuse what is left.
    while dst.len() > src.len() {
        drop(dst.swap_remove_take::<T>(dst.len() - 1));
    }
    let common = dst.len();
    for (d, s) in dst.as_mut_slice::<T>().iter_mut().zip(src) {
        d.clone_from(s);
    }
    dst.reserve(src.len() - common);
    for s in &src[common..] {
        dst.push(s.clone());
    }
}

fn clone_rows<T: Clone + 'static>(src: &Column, dst: &mut Column, rows: &[u32]) {
    let (src, dst) = (src.as_slice::<T>(), dst.as_mut_slice::<T>());
    for &row in rows {
        dst[row as usize].clone_from(&src[row as usize]);
    }
}

fn clone_resource<R: Clone + Send + Sync + 'static>(value: &AnyResource) -> Box<AnyResource> {
    Box::new(value.downcast_ref::<R>().expect("resource ops of the value's own type").clone())
}

fn clone_resource_into<R: Clone + Send + Sync + 'static>(src: &AnyResource, dst: &mut AnyResource) {
    let src = src.downcast_ref::<R>().expect("resource ops of the value's own type");
    dst.downcast_mut::<R>().expect("resource ops of the value's own type").clone_from(src);
}

#[derive(Default)]
struct Registry {
    /// By `ComponentId` index.
    columns: Vec<Option<ColumnOps>>,
    resources: HashMap<TypeId, ResourceOps>,
}

/// Registered types, filled by the `register_snapshot*` methods and never shrunk.
static REGISTRY: Lazy<RwLock<Registry>> = Lazy::new(|| RwLock::new(Registry::default()));

fn set_column_ops(id: ComponentId, ops: ColumnOps, replace: bool) {
    let mut registry = REGISTRY.write();
    if registry.columns.len() <= id.index() {
        registry.columns.resize(id.index() + 1, None);
    }
    let slot = &mut registry.columns[id.index()];
    if replace || slot.is_none() {
        *slot = Some(ops);
    }
}

/// Copies the registered column ops into `out` (by `ComponentId` index), so that a snapshot
/// does not hold the registry's lock while it runs user `Clone` code. Reuses `out`.
pub(crate) fn column_ops_into(out: &mut Vec<Option<ColumnOps>>) {
    out.clone_from(&REGISTRY.read().columns);
}

/// The registered ops of resource type `type_id`.
pub(crate) fn resource_ops(type_id: TypeId) -> Option<ResourceOps> {
    REGISTRY.read().resources.get(&type_id).copied()
}

impl World {
    /// Lets snapshots copy component `T` by cloning each value (`Clone::clone_from` where a
    /// snapshot or world already holds a value, so a rollback loop reuses what values own).
    /// Also registers `T` in this world, as a table component unless it was registered sparse
    /// before; returns its id. Idempotent; how to copy `T` is recorded for the type, in every
    /// world of the process.
    ///
    /// ```
    /// use cellar::World;
    ///
    /// #[derive(Clone, Debug, PartialEq)]
    /// struct Name(String);
    ///
    /// let mut world = World::new();
    /// world.register_snapshot::<Name>();
    /// let e = world.spawn((Name("ann".into()),));
    /// let snapshot = world.snapshot().unwrap();
    /// world.get_mut::<Name>(e).unwrap().0.push_str("ette");
    /// world.restore(&snapshot).unwrap();
    /// assert_eq!(world.get::<Name>(e), Ok(&Name("ann".into())));
    /// ```
    pub fn register_snapshot<T: Component + Clone>(&mut self) -> ComponentId {
        let id = self.register_component::<T>();
        let ops = ColumnOps { copy_all: clone_all::<T>, copy_rows: clone_rows::<T> };
        set_column_ops(id, ops, false);
        id
    }

    /// Lets snapshots copy component `T` bitwise: one `memcpy` per column. Also registers `T`
    /// in this world as [`register_snapshot`](World::register_snapshot) does; a later
    /// `register_snapshot::<T>()` keeps the bitwise copy.
    ///
    /// ```
    /// use cellar::World;
    ///
    /// #[derive(Clone, Copy, Debug, PartialEq)]
    /// struct Position(f32, f32);
    ///
    /// let mut world = World::new();
    /// world.register_snapshot_copy::<Position>();
    /// let e = world.spawn((Position(1.0, 2.0),));
    /// let snapshot = world.snapshot().unwrap();
    /// world.get_mut::<Position>(e).unwrap().0 = 9.0;
    /// world.restore(&snapshot).unwrap();
    /// assert_eq!(world.get::<Position>(e), Ok(&Position(1.0, 2.0)));
    /// ```
    pub fn register_snapshot_copy<T: Component + Copy>(&mut self) -> ComponentId {
        let id = self.register_component::<T>();
        let ops = ColumnOps { copy_all: copy_all_bitwise::<T>, copy_rows: copy_rows_bitwise::<T> };
        set_column_ops(id, ops, true);
        id
    }

    /// Lets snapshots copy resource `R` (by `Clone::clone_from` where one is already held), and
    /// registers `R` in this world; returns its token. Idempotent.
    ///
    /// ```
    /// use cellar::World;
    ///
    /// let mut world = World::new();
    /// world.register_snapshot_resource::<u64>();
    /// world.insert_resource(1u64);
    /// let snapshot = world.snapshot().unwrap();
    /// *world.resource_mut::<u64>().unwrap() = 2;
    /// world.restore(&snapshot).unwrap();
    /// assert_eq!(world.resource::<u64>(), Ok(&1));
    /// ```
    pub fn register_snapshot_resource<R: Clone + Send + Sync + 'static>(&mut self) -> TokenId {
        let token = self.register_resource::<R>();
        let ops = ResourceOps {
            name: std::any::type_name::<R>(),
            clone: clone_resource::<R>,
            clone_into: clone_resource_into::<R>,
        };
        REGISTRY.write().resources.insert(TypeId::of::<R>(), ops);
        token
    }
}
