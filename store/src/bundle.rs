//! Bundles: the sets of components that are spawned, inserted and removed together.

use std::any::TypeId;

use smallvec::SmallVec;

use crate::component::{Component, ComponentId};
use crate::entity::Entity;
use crate::error::{ComponentError, EntityError};
use crate::storage::{BundleReader, BundleWriter, Storage, Tokens};
use crate::world::World;

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
/// declaration order. Its generated code names `::cellar`; code that depends on this crate
/// directly, without `cellar`, says so with `#[bundle(crate = cellar_store)]` (see the
/// derive's documentation).
///
/// ```
/// use cellar::{Bundle, World};
///
/// #[derive(Debug, PartialEq)]
/// struct Position(f32);
/// #[derive(Debug, PartialEq)]
/// struct Health(u32);
///
/// #[derive(Bundle)]
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
/// use cellar::{Bundle, BundleReader, BundleTypes, BundleWriter, World};
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

    /// [`World::insert`]'s work: the bundle writer by default; a bundle of one component
    /// overrides it with a typed path that needs no writer. Not meant to be implemented or
    /// called outside this crate: call [`World::insert`].
    #[doc(hidden)]
    #[inline]
    fn insert_into(self, world: &mut World, entity: Entity) -> Result<(), EntityError> {
        world.insert_bundle(entity, self)
    }

    /// [`World::remove`]'s work, as [`insert_into`](Bundle::insert_into) is `insert`'s.
    #[doc(hidden)]
    #[inline]
    fn remove_from(world: &mut World, entity: Entity) -> Result<Self, ComponentError> {
        world.remove_bundle::<Self>(entity)
    }

    /// [`World::spawn_batch`]'s work, as [`insert_into`](Bundle::insert_into) is `insert`'s:
    /// the bundle writer by default; tuples override it with columns typed once per batch.
    #[doc(hidden)]
    #[inline]
    fn spawn_batch_into<Items>(world: &mut World, bundles: Items) -> &[Entity]
    where
        Items: Iterator<Item = Self>,
    {
        world.spawn_batch_by_writer(bundles)
    }
}

/// Makes one component type known to a world.
pub(crate) type Registrar = fn(&mut Storage, &mut Tokens) -> ComponentId;

/// The component types of a bundle, collected by [`Bundle::visit`].
///
/// # Examples
///
/// ```
/// use cellar::{Bundle, BundleTypes};
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
    /// let mut types = cellar::BundleTypes::default();
    /// types.add::<u8>();
    /// assert_eq!(types.names(), ["u8"]);
    /// ```
    pub fn add<T: Component>(&mut self) {
        self.ids.push(ComponentId::of::<T>());
        self.type_ids.push(TypeId::of::<T>());
        self.names.push(std::any::type_name::<T>());
        self.registrars.push(Storage::init_component::<T>);
    }

    /// The types of bundle `B`.
    ///
    /// ```
    /// assert_eq!(cellar::BundleTypes::of::<(u8,)>().names().len(), 1);
    /// ```
    pub fn of<B: Bundle>() -> Self {
        let mut types = BundleTypes::default();
        B::visit(&mut types);
        types
    }

    /// The type names, in order.
    ///
    /// ```
    /// assert!(cellar::BundleTypes::of::<()>().names().is_empty());
    /// ```
    pub fn names(&self) -> &[&'static str] {
        &self.names
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
            #[inline(always)] // a few puts: inlined, a batch spawn's loop keeps its values in registers
            fn write(self, writer: &mut BundleWriter<'_>) {
                let ($($name,)+) = self;
                $(writer.put($name);)+
            }
            fn take(reader: &mut BundleReader<'_>) -> Self {
                ($(reader.take::<$name>(),)+)
            }
            #[inline]
            fn spawn_batch_into<Items>(world: &mut World, bundles: Items) -> &[Entity]
            where
                Items: Iterator<Item = Self>,
            {
                world.spawn_batch_by_columns(bundles)
            }
        }
    };
}

/// One component: `insert` and `remove` take the typed path, which moves the value itself
/// instead of through a writer or reader (the common case of tagging an entity).
impl<A: Component> Bundle for (A,) {
    fn visit(types: &mut BundleTypes) {
        types.add::<A>();
    }
    #[inline(always)]
    fn write(self, writer: &mut BundleWriter<'_>) {
        writer.put(self.0);
    }
    fn take(reader: &mut BundleReader<'_>) -> Self {
        (reader.take::<A>(),)
    }
    #[inline]
    fn spawn_batch_into<Items>(world: &mut World, bundles: Items) -> &[Entity]
    where
        Items: Iterator<Item = Self>,
    {
        world.spawn_batch_by_columns(bundles)
    }
    #[inline]
    fn insert_into(self, world: &mut World, entity: Entity) -> Result<(), EntityError> {
        world.insert_one(entity, self.0)
    }
    #[inline]
    fn remove_from(world: &mut World, entity: Entity) -> Result<Self, ComponentError> {
        world.remove_one::<A>(entity).map(|a| (a,))
    }
}

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
