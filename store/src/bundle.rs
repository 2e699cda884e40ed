//! Bundles: the sets of components that are spawned, inserted and removed together.

use std::any::TypeId;

use smallvec::SmallVec;

use crate::component::{Component, ComponentId};
use crate::entity::Entity;
use crate::row_move::ColumnMove;
use crate::storage::ComponentStore;

/// A set of components moved in and out of a world together: tuples of up to 12 components,
/// `()`, or a struct that derives it (`#[derive(Bundle)]`) or implements it by hand.
///
/// The three methods must name the same component types in the same order: `visit` declares
/// them, `write` puts the values, `take` takes them back. A bundle may not hold two components
/// of one type: the world panics the first time it meets such a bundle, naming the type.
///
/// # Deriving
///
/// The derive, re-exported here under the same name, makes each field one component, in
/// declaration order. Its generated code names `::cellar` by default; code that depends on
/// this crate directly says so with `#[bundle(crate = cellar_store)]`:
///
/// ```
/// use cellar_store::{Bundle, World};
///
/// #[derive(Debug, PartialEq)]
/// struct Position(f32);
/// #[derive(Debug, PartialEq)]
/// struct Health(u32);
///
/// #[derive(Bundle)]
/// #[bundle(crate = cellar_store)]
/// struct Player {
///     position: Position,
///     health: Health,
/// }
///
/// let mut world = World::new();
/// let e = world.spawn(Player { position: Position(1.0), health: Health(3) });
/// assert_eq!(world.get::<Position>(e), Ok(&Position(1.0)));
/// let back = world.remove::<Player>(e).unwrap();
/// assert_eq!(back.health, Health(3));
/// ```
///
/// # Implementing by hand
///
/// What the derive writes, for a struct that wants to do it itself:
///
/// ```
/// use cellar_store::{Bundle, BundleReader, BundleTypes, BundleWriter, World};
///
/// #[derive(Debug, PartialEq)]
/// struct Position(f32);
/// #[derive(Debug, PartialEq)]
/// struct Health(u32);
///
/// #[derive(Debug, PartialEq)]
/// struct Player {
///     position: Position,
///     health: Health,
/// }
///
/// impl Bundle for Player {
///     fn visit(types: &mut BundleTypes) {
///         types.add::<Position>();
///         types.add::<Health>();
///     }
///     fn write(self, writer: &mut BundleWriter<'_>) {
///         writer.put(self.position);
///         writer.put(self.health);
///     }
///     fn take(reader: &mut BundleReader<'_>) -> Self {
///         Player { position: reader.take(), health: reader.take() }
///     }
/// }
///
/// let mut world = World::new();
/// let e = world.spawn(Player { position: Position(1.0), health: Health(3) });
/// assert_eq!(world.get::<Health>(e), Ok(&Health(3)));
/// let back = world.remove::<Player>(e).unwrap();
/// assert_eq!(back.health, Health(3));
/// ```
pub trait Bundle: Send + Sync + Sized + 'static {
    /// Declares the component types, in order.
    fn visit(types: &mut BundleTypes);
    /// Puts the values, in the order of [`visit`](Bundle::visit).
    fn write(self, writer: &mut BundleWriter<'_>);
    /// Takes the values back, in the order of [`visit`](Bundle::visit).
    fn take(reader: &mut BundleReader<'_>) -> Self;
}

/// Makes one component type known to a world.
pub(crate) type Registrar = fn(&mut crate::World) -> ComponentId;

/// The component types of a bundle, collected by [`Bundle::visit`].
///
/// # Examples
///
/// ```
/// use cellar_store::{Bundle, BundleTypes};
/// let types = BundleTypes::of::<(u8, String)>();
/// assert_eq!(types.names(), ["u8", "alloc::string::String"]);
/// ```
#[derive(Debug, Default)]
pub struct BundleTypes {
    pub(crate) ids: SmallVec<[ComponentId; 8]>,
    pub(crate) type_ids: SmallVec<[TypeId; 8]>,
    pub(crate) names: SmallVec<[&'static str; 8]>,
    pub(crate) registrars: SmallVec<[Registrar; 8]>,
}

impl BundleTypes {
    /// Declares one component type.
    ///
    /// ```
    /// let mut types = cellar_store::BundleTypes::default();
    /// types.add::<u8>();
    /// assert_eq!(types.names(), ["u8"]);
    /// ```
    pub fn add<T: Component>(&mut self) {
        self.ids.push(ComponentId::of::<T>());
        self.type_ids.push(TypeId::of::<T>());
        self.names.push(std::any::type_name::<T>());
        self.registrars.push(crate::World::init_component::<T>);
    }

    /// The types of bundle `B`.
    ///
    /// ```
    /// assert_eq!(cellar_store::BundleTypes::of::<(u8,)>().names().len(), 1);
    /// ```
    pub fn of<B: Bundle>() -> Self {
        let mut types = BundleTypes::default();
        B::visit(&mut types);
        types
    }

    /// The type names, in order.
    ///
    /// ```
    /// assert!(cellar_store::BundleTypes::of::<()>().names().is_empty());
    /// ```
    pub fn names(&self) -> &[&'static str] {
        &self.names
    }
}

/// Where one value of a bundle goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Target {
    /// A new last row of the column at this arena position.
    Push(u32),
    /// The entity's existing row of the column at this arena position (the old value drops).
    Replace(u32),
    /// The component's sparse set.
    Sparse,
}

/// What a world caches about one bundle type.
#[derive(Debug)]
pub(crate) struct BundleInfo {
    pub(crate) ids: SmallVec<[ComponentId; 8]>,
    /// The table components of the bundle, sorted.
    pub(crate) table_ids: SmallVec<[ComponentId; 8]>,
    pub(crate) spawn_table: u32,
    pub(crate) spawn_targets: SmallVec<[Target; 8]>,
}

/// A cached move from one table to another by inserting a bundle: everything an insert
/// needs, so that it looks up nothing but the edge itself.
#[derive(Debug, Clone)]
pub(crate) struct Edge {
    pub(crate) table: u32,
    /// The bundle's components, in bundle order.
    pub(crate) ids: Box<[ComponentId]>,
    pub(crate) targets: Box<[Target]>,
    /// For each bundle value: its component's index in the destination table (for the
    /// ticks), `None` for a sparse component.
    pub(crate) ticks: Box<[Option<u32>]>,
    /// How the row moves (empty where the table stays).
    pub(crate) moves: Box<[ColumnMove]>,
}

/// A cached move from one table to another by removing a bundle.
#[derive(Debug, Clone)]
pub(crate) struct RemoveEdge {
    pub(crate) table: u32,
    /// The bundle's components, in bundle order.
    pub(crate) ids: Box<[ComponentId]>,
    /// For each bundle value: the arena position of its column in the source table, `None`
    /// for a sparse component (or a table component the source table lacks).
    pub(crate) sources: Box<[Option<u32>]>,
    /// Whether every value is in a column of the source table: then nothing is checked per
    /// entity.
    pub(crate) all_present: bool,
    /// How the row moves (empty where the table stays).
    pub(crate) moves: Box<[ColumnMove]>,
}

/// Receives a bundle's values in [`Bundle::write`].
///
/// # Examples
///
/// See [`Bundle`].
#[derive(Debug)]
pub struct BundleWriter<'a> {
    pub(crate) components: &'a mut [Option<ComponentStore>],
    pub(crate) ids: &'a [ComponentId],
    pub(crate) targets: &'a [Target],
    pub(crate) next: usize,
    pub(crate) entity: Entity,
    pub(crate) row: usize,
    pub(crate) tick: u32,
}

impl BundleWriter<'_> {
    /// Puts the next value.
    ///
    /// # Panics
    ///
    /// If the bundle's [`visit`](Bundle::visit) declared another type at this place (a wrong
    /// `Bundle` implementation).
    ///
    /// ```
    /// # use cellar_store::*;
    /// struct One(u8);
    /// impl Bundle for One {
    ///     fn visit(t: &mut BundleTypes) { t.add::<u8>() }
    ///     fn write(self, w: &mut BundleWriter<'_>) { w.put(self.0) }
    ///     fn take(r: &mut BundleReader<'_>) -> Self { One(r.take()) }
    /// }
    /// let mut world = World::new();
    /// let e = world.spawn(One(4));
    /// assert_eq!(world.get::<u8>(e), Ok(&4));
    /// ```
    #[inline]
    pub fn put<T: Component>(&mut self, value: T) {
        let i = self.next;
        self.next += 1;
        let (Some(&id), Some(&target)) = (self.ids.get(i), self.targets.get(i)) else {
            panic!("Bundle::write put more values than Bundle::visit declared");
        };
        let store = self.components[id.index()].as_mut().expect("bundle components are registered");
        assert!(
            store.info.type_id() == TypeId::of::<T>(),
            "Bundle::write put a {} where Bundle::visit declared {}",
            std::any::type_name::<T>(),
            store.info.name()
        );
        match target {
            Target::Push(pos) => store.columns.values_mut()[pos as usize].push(value),
            Target::Replace(pos) => {
                let column = &mut store.columns.values_mut()[pos as usize];
                let old = std::mem::replace(&mut column.as_mut_slice::<T>()[self.row], value);
                drop(old);
            }
            Target::Sparse => drop(store.sparse_put(self.entity, value, self.tick)),
        }
    }
}

/// Hands a bundle's values back in [`Bundle::take`].
///
/// # Examples
///
/// See [`Bundle`].
#[derive(Debug)]
pub struct BundleReader<'a> {
    pub(crate) components: &'a mut [Option<ComponentStore>],
    pub(crate) ids: &'a [ComponentId],
    /// For each bundle value: the arena position of its column in the entity's table, or
    /// `None` for a sparse component.
    pub(crate) sources: &'a [Option<u32>],
    pub(crate) next: usize,
    pub(crate) entity: Entity,
    pub(crate) row: usize,
}

impl BundleReader<'_> {
    /// Takes the next value.
    ///
    /// # Panics
    ///
    /// If the bundle's [`visit`](Bundle::visit) declared another type at this place (a wrong
    /// `Bundle` implementation).
    ///
    /// ```
    /// let mut world = cellar_store::World::new();
    /// let e = world.spawn((1u8, 2u16));
    /// assert_eq!(world.remove::<(u16,)>(e), Ok((2,)));
    /// ```
    pub fn take<T: Component>(&mut self) -> T {
        let i = self.next;
        self.next += 1;
        let (Some(&id), Some(&source)) = (self.ids.get(i), self.sources.get(i)) else {
            panic!("Bundle::take took more values than Bundle::visit declared");
        };
        let store = self.components[id.index()].as_mut().expect("bundle components are registered");
        match source {
            Some(pos) => store.columns.values_mut()[pos as usize].swap_remove_take::<T>(self.row),
            None => store.sparse_take::<T>(self.entity).expect("checked present before taking"),
        }
    }
}

impl Bundle for () {
    fn visit(_: &mut BundleTypes) {}
    fn write(self, _: &mut BundleWriter<'_>) {}
    fn take(_: &mut BundleReader<'_>) -> Self {}
}

macro_rules! tuple_bundle {
    ($($name:ident),+) => {
        impl<$($name: Component),+> Bundle for ($($name,)+) {
            fn visit(types: &mut BundleTypes) {
                $(types.add::<$name>();)+
            }
            #[allow(non_snake_case)]
            #[inline]
            fn write(self, writer: &mut BundleWriter<'_>) {
                let ($($name,)+) = self;
                $(writer.put($name);)+
            }
            fn take(reader: &mut BundleReader<'_>) -> Self {
                ($(reader.take::<$name>(),)+)
            }
        }
    };
}

tuple_bundle!(A);
tuple_bundle!(A, B);
tuple_bundle!(A, B, C);
tuple_bundle!(A, B, C, D);
tuple_bundle!(A, B, C, D, E);
tuple_bundle!(A, B, C, D, E, F);
tuple_bundle!(A, B, C, D, E, F, G);
tuple_bundle!(A, B, C, D, E, F, G, H);
tuple_bundle!(A, B, C, D, E, F, G, H, I);
tuple_bundle!(A, B, C, D, E, F, G, H, I, J);
tuple_bundle!(A, B, C, D, E, F, G, H, I, J, K);
tuple_bundle!(A, B, C, D, E, F, G, H, I, J, K, L);
