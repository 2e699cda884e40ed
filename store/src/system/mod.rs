//! Systems: plain functions whose parameters declare the tokens they borrow.
//!
//! A system is any `FnMut` whose parameters are [`SystemParam`]s: [`Query`], [`Res`],
//! [`ResMut`], `Option<Res<T>>`, `Option<ResMut<T>>`, [`Local`], [`Commands`],
//! [`EventReader`], [`EventWriter`], [`RemovedComponents`], [`ParamSet`] (several of these
//! that borrow the same tokens, used one at a time) and tuples of them; or one that takes
//! `&mut World` alone (an *exclusive* system). Each parameter type states, as
//! data, which tokens it borrows and how ([`Access`]); the [`Schedule`] reads those sets to
//! decide which systems may run at the same time, and for every run lends each system the
//! tokens it asked for: `&mut` owner for what it writes, `&` owner for what it reads.
//!
//! ```
//! use cellar::prelude::*;
//!
//! struct Position(f32);
//! struct Velocity(f32);
//! struct Gravity(f32);
//!
//! fn fall(gravity: Res<Gravity>, mut query: Query<&mut Velocity>) {
//!     for v in query.iter_mut() {
//!         v.0 -= gravity.0;
//!     }
//! }
//!
//! fn movement(mut query: Query<(&mut Position, &Velocity)>) {
//!     for (p, v) in query.iter_mut() {
//!         p.0 += v.0;
//!     }
//! }
//!
//! let mut world = World::new();
//! world.insert_resource(Gravity(1.0));
//! let e = world.spawn((Position(10.0), Velocity(0.0)));
//! let mut schedule = Schedule::new();
//! schedule.add_system(fall);
//! schedule.add_system(movement); // writes Position, reads Velocity: runs after `fall`
//! schedule.run(&mut world);
//! assert_eq!(world.get::<Position>(e).unwrap().0, 9.0);
//! ```
//!
//! [`Schedule`]: crate::schedule::Schedule
//! [`Query`]: crate::system::Query

mod function;
mod param_set;
mod params;
mod removed;

pub use crate::access::{Access, AccessConflict, AccessKey, Borrow, TokenKind};
pub use crate::lend::{FetchContext, Lent};
pub use function::{
    ExclusiveMarker, ExclusiveSystem, FunctionMarker, FunctionSystem, IntoSystem,
    SystemParamFunction,
};
pub use param_set::{ParamSet, ParamSetState};
pub use params::{EventReader, EventWriter, Local, Res, ResMut};
pub use removed::{RemovedComponents, RemovedState};

pub use crate::query::Query;

pub use crate::commands::Commands;

use std::any::TypeId;

use crate::World;
use crate::commands::CommandReport;

/// A unit of work the [`Schedule`](crate::schedule::Schedule) runs.
///
/// Function systems ([`IntoSystem`]) implement it; implement it by hand only for systems that
/// cannot be functions. The schedule calls [`initialize`](System::initialize) before a
/// system's first run on a world, then [`run`](System::run) once per schedule run, then
/// [`apply_deferred`](System::apply_deferred) on the caller's thread after the system's batch.
///
/// # Examples
///
/// ```
/// use cellar::prelude::*;
/// use cellar::system::System;
///
/// fn tick() {}
/// let system = tick.into_system();
/// assert!(system.name().ends_with("tick"));
/// assert!(system.access().is_empty());
/// ```
pub trait System: Send + 'static {
    /// The system's name, for errors, statistics and ordering labels.
    fn name(&self) -> &str;

    /// Renames the system.
    fn set_name(&mut self, name: String);

    /// The tokens the system borrows, known without a world.
    fn access(&self) -> &Access;

    /// Two of the system's parameters that alias, if any; the schedule refuses such a system
    /// in [`add_system`](crate::schedule::Schedule::add_system).
    fn access_conflict(&self) -> Option<AccessConflict> {
        None
    }

    /// Prepares the system to run on `world`: builds parameter state (query caches, locals),
    /// registers the types it uses, and resolves its tokens to the world's token indices.
    fn initialize(&mut self, world: &mut World, meta: &mut SystemMeta);

    /// Runs the system once.
    fn run(&mut self, input: SystemInput<'_>);

    /// Applies what the last run deferred (its [`Commands`]) to `world`.
    fn apply_deferred(&mut self, world: &mut World, report: &mut CommandReport);

    /// Drops what the last run deferred without applying it (after the run panicked).
    fn discard_deferred(&mut self) {}
}

/// What a system gets for one run: the shared storage and its lent tokens, or, for an
/// exclusive system, the whole world.
///
/// # Examples
///
/// ```
/// use cellar::prelude::*;
/// use cellar::system::{SystemInput, System, SystemMeta};
///
/// let mut counter = 0;
/// let mut system = (move |world: &mut World| {
///     counter += 1;
///     world.insert_resource(counter);
/// })
/// .into_system();
/// let mut world = World::new();
/// system.initialize(&mut world, &mut SystemMeta::default());
/// system.run(SystemInput::World(&mut world));
/// assert_eq!(*world.resource::<i32>().unwrap(), 1);
/// ```
pub enum SystemInput<'w> {
    /// For systems with parameters: the storage, shared with the other systems of the batch,
    /// and this system's tokens.
    Shared(FetchContext<'w>),
    /// For exclusive systems: the world, lent to this system alone.
    World(&'w mut World),
}

impl std::fmt::Debug for SystemInput<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SystemInput::Shared(ctx) => f.debug_tuple("Shared").field(ctx).finish(),
            SystemInput::World(_) => f.write_str("World(..)"),
        }
    }
}

/// A function the schedule calls at the start of every run, keyed by the type it updates.
pub(crate) type FrameUpdate = (TypeId, fn(&mut World));

/// What the schedule learns from systems as they are initialized.
///
/// # Examples
///
/// ```
/// use cellar::system::SystemMeta;
/// let meta = SystemMeta::default();
/// assert_eq!(meta.event_types(), 0);
/// ```
#[derive(Default, Debug)]
pub struct SystemMeta {
    pub(crate) event_updaters: Vec<FrameUpdate>,
}

impl SystemMeta {
    /// Asks the schedule to call `update` at the start of every run, once per `T` (used for
    /// [`Events::update`](crate::events::Events::update)).
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::prelude::*;
    /// use cellar::system::SystemMeta;
    /// let mut meta = SystemMeta::default();
    /// meta.add_frame_update::<u8>(|_world: &mut World| {});
    /// meta.add_frame_update::<u8>(|_world: &mut World| {});
    /// assert_eq!(meta.event_types(), 1);
    /// ```
    pub fn add_frame_update<T: 'static>(&mut self, update: fn(&mut World)) {
        let id = TypeId::of::<T>();
        if !self.event_updaters.iter().any(|(t, _)| *t == id) {
            self.event_updaters.push((id, update));
        }
    }

    /// How many per-frame updates were registered.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::system::SystemMeta;
    /// assert_eq!(SystemMeta::default().event_types(), 0);
    /// ```
    pub fn event_types(&self) -> usize {
        self.event_updaters.len()
    }
}

/// A system parameter: a value a function system receives, built for each run from the
/// storage and the system's lent tokens.
///
/// [`access`](SystemParam::access) declares the tokens, as data and without a world;
/// [`init_state`](SystemParam::init_state) builds the state the parameter keeps between runs;
/// [`fetch`](SystemParam::fetch) builds the value for one run.
///
/// # Examples
///
/// A parameter that reads one resource and hands out a copy of it:
///
/// ```
/// use cellar::prelude::*;
/// use cellar::system::{Access, AccessConflict, AccessKey, Borrow, FetchContext,
///     SystemMeta, SystemParam};
///
/// #[derive(Clone, Copy)]
/// struct Frame(u64);
///
/// struct FrameCopy(u64);
/// impl SystemParam for FrameCopy {
///     type State = ();
///     type Item<'w, 's> = FrameCopy;
///     fn access(access: &mut Access) -> Result<(), AccessConflict> {
///         access.add(AccessKey::resource::<Frame>(), Borrow::Read)
///     }
///     fn init_state(_: &mut World, _: &mut SystemMeta) {}
///     fn fetch<'w, 's>(_: &'s mut (), ctx: &mut FetchContext<'w>) -> FrameCopy {
///         let owner = ctx.read(&AccessKey::resource::<Frame>());
///         FrameCopy(ctx.storage().resource::<Frame>(owner).map_or(0, |f| f.0))
///     }
/// }
///
/// fn show(frame: FrameCopy, mut seen: ResMut<Vec<u64>>) {
///     seen.push(frame.0);
/// }
/// let mut world = World::new();
/// world.insert_resource(Frame(3));
/// world.insert_resource(Vec::<u64>::new());
/// let mut schedule = Schedule::new();
/// schedule.add_system(show);
/// schedule.run(&mut world);
/// assert_eq!(*world.resource::<Vec<u64>>().unwrap(), vec![3]);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a system's parameter",
    label = "not a system parameter",
    note = "a system is a function or closure whose parameters are all system parameters: `Query<..>`, `Res<T>`, `ResMut<T>`, `Option<Res<T>>`, `Option<ResMut<T>>`, `Local<T>` (with `T: Default`), `Commands`, `EventReader<E>`, `EventWriter<E>`, `RemovedComponents<T>`, `ParamSet<(..)>`, or tuples of these; or one that takes `&mut World` and nothing else",
    note = "`Local<T>` needs `T: Default` (it starts at `T::default()`); `&World` is no system parameter (read through `Query` and `Res`); `&mut World` must be a system's only parameter (an exclusive system)"
)]
pub trait SystemParam {
    /// What the parameter keeps between runs (a query's cache, a local value, a command
    /// buffer).
    type State: Send + 'static;

    /// The value a system receives for one run.
    type Item<'w, 's>;

    /// Adds the tokens this parameter borrows to `access`; an [`AccessConflict`] where they
    /// alias with those of earlier parameters of the same system.
    fn access(access: &mut Access) -> Result<(), AccessConflict>;

    /// Builds the parameter's state for `world`.
    fn init_state(world: &mut World, meta: &mut SystemMeta) -> Self::State;

    /// Builds the value for one run from the storage and the lent tokens.
    fn fetch<'w, 's>(state: &'s mut Self::State, ctx: &mut FetchContext<'w>) -> Self::Item<'w, 's>;

    /// Applies what a run deferred, on the caller's thread after the system's batch.
    fn apply(state: &mut Self::State, world: &mut World, system: &str, report: &mut CommandReport) {
        let _ = (state, world, system, report);
    }

    /// Drops what a run deferred without applying it (the run panicked).
    fn discard(state: &mut Self::State) {
        let _ = state;
    }
}

/// The value type of parameter `P` for one run.
pub type SystemParamItem<'w, 's, P> = <P as SystemParam>::Item<'w, 's>;
