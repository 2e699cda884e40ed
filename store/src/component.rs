//! Components: any `'static + Send + Sync` type, with ids from one process-wide registry.
#![allow(unsafe_code)] // The type-erased drop function: `OwningPtr::drop_as`.

use std::alloc::Layout;
use std::any::TypeId;
use std::collections::HashMap;

use bevy_ptr::OwningPtr;

use crate::primitives::{Lazy, RwLock};

/// A value that can live in a world: any `'static + Send + Sync` type, zero-sized and
/// over-aligned types included. Implemented for every such type; there is nothing to derive.
///
/// # Examples
///
/// ```
/// use cellar::{Component, World};
///
/// #[derive(Debug, PartialEq)]
/// struct Health(u32);
/// fn takes<C: Component>(_: C) {}
/// takes(Health(3));
///
/// let mut world = World::new();
/// let e = world.spawn((Health(3),));
/// assert_eq!(world.get::<Health>(e), Ok(&Health(3)));
/// ```
pub trait Component: Send + Sync + 'static {}

impl<T: Send + Sync + 'static> Component for T {}

/// How a world stores one component type.
///
/// # Examples
///
/// ```
/// use cellar::{StorageKind, World};
///
/// struct Stunned;
/// let mut world = World::new();
/// world.register_sparse::<Stunned>().unwrap();
/// assert_eq!(world.storage_kind::<Stunned>(), Some(StorageKind::SparseSet));
/// assert_eq!(world.storage_kind::<u8>(), None, "not used yet");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum StorageKind {
    /// In the columns of archetype tables (the default): fastest to iterate, but adding or
    /// removing the component moves the entity's row to another table.
    #[default]
    Table,
    /// In one sparse set per type, beside the tables: adding and removing never moves rows,
    /// iterating looks each entity up. For components that come and go often (markers,
    /// short-lived effects).
    SparseSet,
}

/// The process-wide id of one component type.
///
/// # Examples
///
/// ```
/// use cellar::ComponentId;
///
/// assert_eq!(ComponentId::of::<u8>(), ComponentId::of::<u8>());
/// assert_ne!(ComponentId::of::<u8>(), ComponentId::of::<u16>());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ComponentId(pub(crate) u32);

impl ComponentId {
    /// The id of `T`, registering `T` on first use.
    ///
    /// ```
    /// let id = cellar::ComponentId::of::<[f32; 3]>();
    /// assert!(id.index() < 1 << 20);
    /// ```
    pub fn of<T: Component>() -> ComponentId {
        let type_id = TypeId::of::<T>();
        if let Some(&id) = REGISTRY.read().by_type.get(&type_id) {
            return id;
        }
        let mut registry = REGISTRY.write();
        if let Some(&id) = registry.by_type.get(&type_id) {
            return id;
        }
        let id = ComponentId(registry.infos.len() as u32);
        registry.infos.push(ComponentInfo::of::<T>(id));
        registry.by_type.insert(type_id, id);
        id
    }

    /// The id as a dense index (ids are handed out 0, 1, 2, ... in the process).
    ///
    /// ```
    /// let id = cellar::ComponentId::of::<char>();
    /// assert_eq!(cellar::ComponentId::of::<char>().index(), id.index());
    /// ```
    #[inline]
    pub fn index(self) -> usize {
        self.0 as usize
    }

    /// What the registry keeps about this component type.
    ///
    /// ```
    /// let info = cellar::ComponentId::of::<u64>().info();
    /// assert_eq!(info.name(), "u64");
    /// assert_eq!(info.layout().size(), 8);
    /// ```
    pub fn info(self) -> ComponentInfo {
        REGISTRY.read().infos[self.index()]
    }
}

/// What the registry keeps about one component type: id, `TypeId`, name, layout and drop
/// function.
///
/// Only [`ComponentId::of`] makes one, from the type itself, so the layout and drop function
/// always belong to the type id (the type-erased columns rely on that).
///
/// # Examples
///
/// ```
/// use cellar::ComponentId;
///
/// #[repr(align(64))]
/// struct Aligned([u8; 3]);
/// let info = ComponentId::of::<Aligned>().info();
/// assert_eq!(info.layout().align(), 64);
/// assert!(info.name().ends_with("Aligned"));
/// ```
#[derive(Clone, Copy, Debug)]
pub struct ComponentInfo {
    id: ComponentId,
    type_id: TypeId,
    name: &'static str,
    layout: Layout,
    drop: Option<unsafe fn(OwningPtr<'_>)>,
}

impl ComponentInfo {
    fn of<T: Component>(id: ComponentId) -> Self {
        ComponentInfo {
            id,
            type_id: TypeId::of::<T>(),
            name: std::any::type_name::<T>(),
            layout: Layout::new::<T>(),
            drop: drop_fn_of::<T>(),
        }
    }

    /// The component's id.
    ///
    /// ```
    /// use cellar::ComponentId;
    /// assert_eq!(ComponentId::of::<i8>().info().id(), ComponentId::of::<i8>());
    /// ```
    pub fn id(&self) -> ComponentId {
        self.id
    }

    /// The component's `TypeId`.
    ///
    /// ```
    /// use cellar::ComponentId;
    /// use std::any::TypeId;
    /// assert_eq!(ComponentId::of::<i8>().info().type_id(), TypeId::of::<i8>());
    /// ```
    pub fn type_id(&self) -> TypeId {
        self.type_id
    }

    /// The component's type name, as `std::any::type_name` gives it.
    ///
    /// ```
    /// use cellar::ComponentId;
    /// assert_eq!(ComponentId::of::<i8>().info().name(), "i8");
    /// ```
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The component's size and alignment.
    ///
    /// ```
    /// use cellar::ComponentId;
    /// assert_eq!(ComponentId::of::<()>().info().layout().size(), 0);
    /// ```
    pub fn layout(&self) -> Layout {
        self.layout
    }

    /// Whether values of this type need dropping.
    ///
    /// ```
    /// use cellar::ComponentId;
    /// assert!(ComponentId::of::<String>().info().needs_drop());
    /// assert!(!ComponentId::of::<u8>().info().needs_drop());
    /// ```
    pub fn needs_drop(&self) -> bool {
        self.drop.is_some()
    }

    pub(crate) fn drop_fn(&self) -> Option<unsafe fn(OwningPtr<'_>)> {
        self.drop
    }
}

/// The drop function a column calls for values of `T`, or `None` where `T` needs no drop.
fn drop_fn_of<T>() -> Option<unsafe fn(OwningPtr<'_>)> {
    /// # Safety
    ///
    /// - `ptr` points to a valid, initialized `T` that nothing uses afterwards.
    unsafe fn drop_as<T>(ptr: OwningPtr<'_>) {
        // SAFETY:
        // - the caller guarantees `ptr` holds an initialized `T` that is not used again.
        unsafe { ptr.drop_as::<T>() }
    }
    std::mem::needs_drop::<T>().then_some(drop_as::<T> as unsafe fn(OwningPtr<'_>))
}

#[derive(Default)]
struct Registry {
    by_type: HashMap<TypeId, ComponentId>,
    infos: Vec<ComponentInfo>,
}

/// Component ids by type, filled on first use of each type and never shrunk.
static REGISTRY: Lazy<RwLock<Registry>> = Lazy::new(|| RwLock::new(Registry::default()));
