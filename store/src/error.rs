//! The store's error types: typed, `Display`, `std::error::Error`, and never a panic.

use std::error::Error;
use std::fmt;

use crate::Entity;

/// An entity handle that does not name a live entity of this world.
///
/// # Examples
///
/// ```
/// use cellar::{EntityError, World};
///
/// let mut world = World::new();
/// let mut other = World::new();
/// let e = other.spawn(());
/// let err = world.despawn(e).unwrap_err();
/// assert_eq!(err, EntityError::NoSuchEntity(e));
/// assert!(err.to_string().contains("no such entity"));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EntityError {
    /// The entity was despawned, or belongs to another world.
    NoSuchEntity(Entity),
}

impl fmt::Display for EntityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EntityError::NoSuchEntity(e) => write!(f, "no such entity: {e:?}"),
        }
    }
}

impl Error for EntityError {}

/// Why a component could not be read, written or removed.
///
/// # Examples
///
/// ```
/// use cellar::{ComponentError, World};
///
/// let mut world = World::new();
/// let e = world.spawn((1u8,));
/// let err = world.get::<u16>(e).unwrap_err();
/// assert_eq!(err, ComponentError::Missing { entity: e, component: "u16" });
/// assert!(err.to_string().contains("u16"));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ComponentError {
    /// The entity was despawned, or belongs to another world.
    NoSuchEntity(Entity),
    /// The entity is alive but has no component of this type.
    Missing {
        /// The entity asked about.
        entity: Entity,
        /// The component's type name.
        component: &'static str,
    },
    /// The world's token for this component no longer owns its columns: safe code swapped
    /// or replaced the owners that [`World::split`](crate::World::split) lends out. The data
    /// is unreachable rather than misread.
    WrongToken {
        /// The component's type name.
        component: &'static str,
    },
}

impl From<EntityError> for ComponentError {
    fn from(e: EntityError) -> Self {
        match e {
            EntityError::NoSuchEntity(e) => ComponentError::NoSuchEntity(e),
        }
    }
}

impl fmt::Display for ComponentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ComponentError::NoSuchEntity(e) => write!(f, "no such entity: {e:?}"),
            ComponentError::Missing { entity, component } => {
                write!(f, "entity {entity:?} has no component {component}")
            }
            ComponentError::WrongToken { component } => {
                write!(f, "the world's token for {component} no longer owns its columns")
            }
        }
    }
}

impl Error for ComponentError {}

/// Why a query could not be built or could not answer.
///
/// # Examples
///
/// ```
/// use cellar::{QueryError, World};
///
/// struct Position(f32);
/// let mut world = World::new();
/// let err = world.try_query_mut::<(&mut Position, &Position)>().err().unwrap();
/// assert!(matches!(err, QueryError::Conflict { .. }));
/// assert!(err.to_string().contains("Position"));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum QueryError {
    /// Two items of one query borrow the same component and at least one writes it: such a
    /// query would hand out aliasing references, so it is refused before it runs.
    Conflict {
        /// The component's type name.
        component: &'static str,
    },
    /// The entity was despawned, or belongs to another world.
    NoSuchEntity(Entity),
    /// The entity is alive but does not match the query (a component is missing or a filter
    /// rejects it).
    NoMatch(Entity),
    /// The token for a component was not supplied (or not exclusively, for a write).
    MissingToken {
        /// The component's type name.
        component: &'static str,
    },
    /// A supplied token is not the owner of the component's columns (another world's).
    WrongToken {
        /// The component's type name.
        component: &'static str,
    },
    /// [`Query::get_many_mut`](crate::Query::get_many_mut) was given one entity twice: it
    /// would hand out two `&mut` to one value.
    Repeated(Entity),
    /// [`Query::single`](crate::Query::single) found no matching entity.
    NoEntities {
        /// The query's type name.
        query: &'static str,
    },
    /// [`Query::single`](crate::Query::single) found more than one matching entity.
    MultipleEntities {
        /// The query's type name.
        query: &'static str,
    },
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            QueryError::Conflict { component } => write!(
                f,
                "query borrows {component} mutably and also borrows it again: it would alias"
            ),
            QueryError::NoSuchEntity(e) => write!(f, "no such entity: {e:?}"),
            QueryError::NoMatch(e) => write!(f, "entity {e:?} does not match the query"),
            QueryError::MissingToken { component } => {
                write!(f, "the token of {component} was not supplied to the query")
            }
            QueryError::WrongToken { component } => {
                write!(f, "the token supplied for {component} does not own its columns")
            }
            QueryError::Repeated(e) => {
                write!(f, "entity {e:?} was asked for twice: its items would alias")
            }
            QueryError::NoEntities { query } => {
                write!(f, "no entity matches {query}, which expects exactly one")
            }
            QueryError::MultipleEntities { query } => {
                write!(f, "more than one entity matches {query}, which expects exactly one")
            }
        }
    }
}

impl Error for QueryError {}

/// A resource that is not in the world.
///
/// # Examples
///
/// ```
/// use cellar::{ResourceError, World};
///
/// let world = World::new();
/// let err = world.resource::<u64>().unwrap_err();
/// assert_eq!(err, ResourceError::Missing { resource: "u64" });
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ResourceError {
    /// No resource of this type was inserted (or it was removed).
    Missing {
        /// The resource's type name.
        resource: &'static str,
    },
}

impl fmt::Display for ResourceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ResourceError::Missing { resource } => write!(f, "no resource {resource} in the world"),
        }
    }
}

impl Error for ResourceError {}
