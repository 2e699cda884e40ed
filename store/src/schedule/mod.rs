//! The schedule: which systems run, in what order, and which of them run at the same time.
//!
//! A [`Schedule`] holds systems in the order they were added, with the ordering constraints
//! declared on them (`before`, `after`, sets) and their run conditions. From the systems'
//! [`Access`] sets it builds *batches*: groups of systems that borrow no token in a
//! conflicting way, each system in the earliest batch after those of its declared
//! predecessors and of every earlier system it conflicts with ([`Schedule::batches`] shows
//! them). Each run then goes batch by batch:
//!
//! 1. every event queue used by a system moves to its next frame ([`Events::update`]);
//! 2. for each batch, the run conditions are checked on the caller's thread; the world is
//!    split into its shared storage and its tokens, the tokens are *lent* to the batch's
//!    systems (`&mut` owner to the one system that writes a token, `&` to all that read it),
//!    and the systems run on the caller's thread and rayon's pool, taking them from one queue
//!    (a batch of one, or one known to be cheap, runs on the caller's thread alone);
//! 3. after the batch, each system's deferred [`Commands`](crate::system::Commands) are
//!    applied on the caller's thread, system by system in schedule order.
//!
//! # How this differs from other schedulers
//!
//! bevy_ecs gives each system an `UnsafeWorldCell`, a raw view of the whole world, and
//! relies on its executor comparing access bitsets to keep two systems from touching one
//! column mutably at once; a bug there is undefined behaviour. specs and shred keep each
//! resource in a cell with a runtime borrow flag, checked (and panicking) on every fetch.
//! Here the *compiler* checks the hand-out: the world's tokens are split with `iter_mut()`,
//! a `&mut` token can be moved to one system only, and a token lent shared is a `&` that no
//! one can upgrade. A mistake in the batch builder makes [`Schedule::run`] fail with
//! [`ScheduleError::TokenClash`]; it cannot make two systems alias, and no borrow flag is
//! touched while systems run. The schedule contains no `unsafe` code.
//!
//! # Threads and determinism
//!
//! Systems run on the rayon pool the caller is in: [`Schedule::run_in`] (or
//! `pool.install(|| schedule.run(&mut world))`) picks the pool and so the thread count.
//! Batches are built from the systems, their order and their accesses only, commands apply in
//! a fixed order, and two systems that could observe each other's effects never share a
//! batch, so a run gives the same world on one thread as on sixteen.
//!
//! [`Events::update`]: crate::events::Events::update

mod error;
pub(crate) mod graph;
mod stats;

pub use crate::lend::Lent;
pub use error::ScheduleError;
pub use stats::SystemStats;

use std::any::Any;
use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::time::Instant;

use crate::access::{Access, AccessKey, TokenKind};
use crate::commands::{CommandReport, SkippedCommand};
use crate::lend::{FetchContext, LendError, Request, lend};
use crate::primitives::Mutex;
use crate::system::{FrameUpdate, IntoSystem, System, SystemInput, SystemMeta};
use crate::{World, WorldId};
use graph::Plan;
use stats::StatsCell;

/// Names a system or a set in an ordering constraint.
///
/// A name matches the systems whose name is equal to it or ends with `::` followed by it (so
/// `"movement"` matches the function `my_game::movement`), and every system of the set of that
/// name. A [`SystemHandle`] matches the one system [`Schedule::add_system`] returned it for.
///
/// # Examples
///
/// ```
/// use cellar::schedule::Label;
/// assert_eq!(Label::from("physics"), Label::Name("physics".into()));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Label {
    /// A system name (or its last path segment) or a set name.
    Name(String),
    /// One system of this schedule.
    System(SystemHandle),
}

impl From<&str> for Label {
    fn from(name: &str) -> Self {
        Label::Name(name.to_owned())
    }
}

impl From<String> for Label {
    fn from(name: String) -> Self {
        Label::Name(name)
    }
}

impl From<SystemHandle> for Label {
    fn from(handle: SystemHandle) -> Self {
        Label::System(handle)
    }
}

impl fmt::Display for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Label::Name(name) => f.write_str(name),
            Label::System(h) => write!(f, "system #{}", h.0),
        }
    }
}

/// Something that names systems in an ordering constraint: a name (`&str`, `String`), a
/// [`SystemHandle`], or a function that is a system, which names the systems made from it (by
/// its type name, the default system name).
///
/// `Marker` keeps the implementations apart; it is inferred.
///
/// # Examples
///
/// ```
/// use cellar::prelude::*;
/// use cellar::schedule::{IntoLabel, Label};
///
/// fn physics() {}
/// assert_eq!("physics".into_label(), Label::Name("physics".into()));
/// assert!(matches!(physics.into_label(), Label::Name(n) if n.ends_with("::physics")));
/// ```
pub trait IntoLabel<Marker> {
    /// The label.
    fn into_label(self) -> Label;
}

/// The marker of [`IntoLabel`] for labels, names and handles.
#[derive(Debug)]
pub struct LabelMarker;

impl<T: Into<Label>> IntoLabel<LabelMarker> for T {
    fn into_label(self) -> Label {
        self.into()
    }
}

impl<M, S: IntoSystem<M>> IntoLabel<(M,)> for S {
    fn into_label(self) -> Label {
        Label::Name(std::any::type_name::<S>().to_owned())
    }
}

/// The default of [`Schedule::set_inline_below`]: below this, in all, a batch's systems run
/// in turn on the caller's thread. About what it costs to wake the pool's threads and join
/// them again on a loaded machine.
const INLINE_BELOW: std::time::Duration = std::time::Duration::from_micros(40);

/// Identifies a system added to a [`Schedule`]; usable as a [`Label`].
///
/// # Examples
///
/// ```
/// use cellar::prelude::*;
///
/// fn load() {}
/// fn step() {}
/// let mut schedule = Schedule::new();
/// let load = schedule.add_system(load);
/// schedule.add_system(step.after(load));
/// assert_eq!(schedule.len(), 2);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SystemHandle(usize);

type Condition = Box<dyn Fn(&World) -> bool + Send + Sync>;

/// A system with its ordering, sets and run conditions, ready for [`Schedule::add_system`].
///
/// Made by the methods of [`IntoSystemConfig`], which every system and every function that
/// is one has.
///
/// # Examples
///
/// ```
/// use cellar::prelude::*;
///
/// fn jump() {}
/// let config: SystemConfig = jump.named("jump").in_set("input").run_if(|_| true);
/// # let _ = config;
/// ```
pub struct SystemConfig {
    system: Box<dyn System>,
    before: Vec<Label>,
    after: Vec<Label>,
    sets: Vec<String>,
    conditions: Vec<Condition>,
}

impl fmt::Debug for SystemConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SystemConfig")
            .field("system", &self.system.name())
            .field("before", &self.before)
            .field("after", &self.after)
            .field("sets", &self.sets)
            .field("conditions", &self.conditions.len())
            .finish()
    }
}

/// Configuring a system as it is added: name, order, sets and run conditions.
///
/// Implemented for everything that is [`IntoSystem`] and for [`SystemConfig`], so the methods
/// chain: `tick.named("tick").after("input").in_set("logic")`.
///
/// # Examples
///
/// ```
/// use cellar::prelude::*;
///
/// #[derive(Default)]
/// struct Log(Vec<&'static str>);
///
/// let mut schedule = Schedule::new();
/// schedule.add_system((|mut log: ResMut<Log>| log.0.push("second")).named("second"));
/// schedule.add_system((|mut log: ResMut<Log>| log.0.push("first")).before("second"));
/// let mut world = World::new();
/// world.insert_resource(Log::default());
/// schedule.run(&mut world);
/// assert_eq!(world.resource::<Log>().unwrap().0, ["first", "second"]);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a system",
    label = "not a system",
    note = "a system is a function or closure whose parameters are all system parameters: `Query<..>`, `Res<T>`, `ResMut<T>`, `Option<Res<T>>`, `Option<ResMut<T>>`, `Local<T>` (with `T: Default`), `Commands`, `EventReader<E>`, `EventWriter<E>`, `RemovedComponents<T>`, `ParamSet<(..)>`, or tuples of these; or one that takes `&mut World` and nothing else",
    note = "`Local<T>` needs `T: Default`; `&World` is no system parameter (read through `Query` and `Res`); `&mut World` must be a system's only parameter (an exclusive system)"
)]
pub trait IntoSystemConfig<Marker>: Sized {
    /// The configuration, with nothing declared yet.
    #[track_caller]
    fn into_config(self) -> SystemConfig;

    /// Names the system (the default name is its type's name).
    #[track_caller]
    fn named(self, name: impl Into<String>) -> SystemConfig {
        let mut config = self.into_config();
        config.system.set_name(name.into());
        config
    }

    /// Runs the system before every system `label` matches.
    #[track_caller]
    fn before<L>(self, label: impl IntoLabel<L>) -> SystemConfig {
        let mut config = self.into_config();
        config.before.push(label.into_label());
        config
    }

    /// Runs the system after every system `label` matches.
    #[track_caller]
    fn after<L>(self, label: impl IntoLabel<L>) -> SystemConfig {
        let mut config = self.into_config();
        config.after.push(label.into_label());
        config
    }

    /// Puts the system into the set named `set` (see [`Schedule::configure_set`]).
    #[track_caller]
    fn in_set(self, set: impl Into<String>) -> SystemConfig {
        let mut config = self.into_config();
        config.sets.push(set.into());
        config
    }

    /// Runs the system only when `condition` holds. Conditions are checked on the caller's
    /// thread just before the system's batch, with the world as the earlier batches left it.
    #[track_caller]
    fn run_if(self, condition: impl Fn(&World) -> bool + Send + Sync + 'static) -> SystemConfig {
        let mut config = self.into_config();
        config.conditions.push(Box::new(condition));
        config
    }
}

/// The marker of [`IntoSystemConfig`] for a [`SystemConfig`].
#[derive(Debug)]
pub struct ConfigMarker;

// Not offered in errors: a function that is not a system is never meant to be a
// `SystemConfig`, and naming it only sends the reader into this file.
#[diagnostic::do_not_recommend]
impl IntoSystemConfig<ConfigMarker> for SystemConfig {
    fn into_config(self) -> SystemConfig {
        self
    }
}

impl<M, S: IntoSystem<M>> IntoSystemConfig<(M,)> for S {
    #[track_caller]
    fn into_config(self) -> SystemConfig {
        SystemConfig {
            system: Box::new(self.into_system()),
            before: Vec::new(),
            after: Vec::new(),
            sets: Vec::new(),
            conditions: Vec::new(),
        }
    }
}

/// The ordering and run conditions of a named set of systems.
///
/// # Examples
///
/// ```
/// use cellar::prelude::*;
///
/// #[derive(Default)]
/// struct Log(Vec<&'static str>);
/// let mut schedule = Schedule::new();
/// schedule.configure_set("render").after("physics");
/// schedule.add_system((|mut l: ResMut<Log>| l.0.push("draw")).in_set("render"));
/// schedule.add_system((|mut l: ResMut<Log>| l.0.push("move")).in_set("physics"));
/// let mut world = World::new();
/// world.insert_resource(Log::default());
/// schedule.run(&mut world);
/// assert_eq!(world.resource::<Log>().unwrap().0, ["move", "draw"]);
/// ```
pub struct SetConfig {
    name: String,
    before: Vec<Label>,
    after: Vec<Label>,
    conditions: Vec<Condition>,
}

impl fmt::Debug for SetConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SetConfig")
            .field("name", &self.name)
            .field("before", &self.before)
            .field("after", &self.after)
            .field("conditions", &self.conditions.len())
            .finish()
    }
}

impl SetConfig {
    /// Runs every system of the set before every system `label` matches.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::prelude::*;
    /// let mut schedule = Schedule::new();
    /// schedule.configure_set("input").before("physics");
    /// ```
    pub fn before<L>(&mut self, label: impl IntoLabel<L>) -> &mut Self {
        self.before.push(label.into_label());
        self
    }

    /// Runs every system of the set after every system `label` matches.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::prelude::*;
    /// let mut schedule = Schedule::new();
    /// schedule.configure_set("render").after("physics").after("input");
    /// ```
    pub fn after<L>(&mut self, label: impl IntoLabel<L>) -> &mut Self {
        self.after.push(label.into_label());
        self
    }

    /// Runs the systems of the set only when `condition` holds (checked per system, like
    /// [`IntoSystemConfig::run_if`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::prelude::*;
    ///
    /// struct Paused;
    /// let mut schedule = Schedule::new();
    /// schedule.configure_set("physics").run_if(|w: &World| !w.contains_resource::<Paused>());
    /// ```
    pub fn run_if(
        &mut self,
        condition: impl Fn(&World) -> bool + Send + Sync + 'static,
    ) -> &mut Self {
        self.conditions.push(Box::new(condition));
        self
    }
}

/// One system in the schedule, with what the schedule keeps for it.
struct Slot {
    system: Box<dyn System>,
    before: Vec<Label>,
    after: Vec<Label>,
    sets: Vec<String>,
    conditions: Vec<Condition>,
    stats: StatsCell,
    initialized: bool,
    /// The system's token requests, aligned with its access entries; valid once initialized.
    requests: Vec<Request>,
    /// The panic payload of its last run in the current batch, if it panicked.
    panic: Option<Box<dyn Any + Send>>,
}

/// Systems, their order, and the batches they run in.
///
/// See the [module documentation](self) for how a run proceeds.
///
/// # Examples
///
/// ```
/// use cellar::prelude::*;
///
/// struct Position(f32);
/// struct Velocity(f32);
///
/// fn movement(mut query: Query<(&mut Position, &Velocity)>) {
///     for (p, v) in query.iter_mut() {
///         p.0 += v.0;
///     }
/// }
///
/// let mut world = World::new();
/// let e = world.spawn((Position(0.0), Velocity(2.0)));
/// let mut schedule = Schedule::new();
/// schedule.add_system(movement);
/// for _ in 0..3 {
///     schedule.run(&mut world);
/// }
/// assert_eq!(world.get::<Position>(e).unwrap().0, 6.0);
/// ```
pub struct Schedule {
    slots: Vec<Slot>,
    sets: Vec<SetConfig>,
    /// `None` when systems or constraints changed since the last build.
    plan: Option<Plan>,
    frame_updates: Vec<FrameUpdate>,
    report: CommandReport,
    /// The world the systems were initialized for.
    world: Option<WorldId>,
    /// Whether batches of several systems go to rayon's pool.
    multithreaded: bool,
    /// A batch whose systems last ran in less than this, together, runs on the caller's
    /// thread: handing it to the pool would cost more than it saves.
    inline_below: std::time::Duration,
}

impl fmt::Debug for Schedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Schedule")
            .field("systems", &self.slots.iter().map(|s| s.system.name()).collect::<Vec<_>>())
            .field("sets", &self.sets)
            .field("batches", &self.plan.as_ref().map(|p| &p.batches))
            .finish()
    }
}

impl Default for Schedule {
    fn default() -> Self {
        Schedule::new()
    }
}

impl Schedule {
    /// An empty schedule.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::prelude::*;
    /// assert!(Schedule::new().is_empty());
    /// ```
    pub fn new() -> Self {
        Schedule {
            slots: Vec::new(),
            sets: Vec::new(),
            plan: None,
            frame_updates: Vec::new(),
            report: CommandReport::default(),
            world: None,
            multithreaded: true,
            inline_below: INLINE_BELOW,
        }
    }

    /// How many systems the schedule holds.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::prelude::*;
    /// let mut schedule = Schedule::new();
    /// schedule.add_system(|| {});
    /// assert_eq!(schedule.len(), 1);
    /// ```
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// Whether the schedule holds no system.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::prelude::*;
    /// assert!(Schedule::new().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// Adds a system (a function, a closure, or a [`SystemConfig`]), after those added before.
    ///
    /// # Panics
    ///
    /// Where two parameters of the system alias (`Query<&mut A>` beside `Query<&A>`,
    /// `ResMut<R>` twice), with the message of [`ScheduleError::ConflictingParams`], which
    /// names the system and the type. [`try_add_system`](Self::try_add_system) returns the
    /// error instead.
    ///
    /// # Examples
    ///
    /// ```should_panic
    /// use cellar::prelude::*;
    ///
    /// struct Score(u32);
    /// fn twice(_a: ResMut<Score>, _b: Res<Score>) {}
    /// Schedule::new().add_system(twice);
    /// ```
    #[track_caller]
    pub fn add_system<M>(&mut self, system: impl IntoSystemConfig<M>) -> SystemHandle {
        match self.try_add_system(system) {
            Ok(handle) => handle,
            Err(err) => panic!("{err}"),
        }
    }

    /// Adds a system, or returns why it cannot be added: two of its parameters alias.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::prelude::*;
    ///
    /// struct Position(f32);
    /// fn aliased(_a: Query<&mut Position>, _b: Query<&Position>) {}
    /// let err = Schedule::new().try_add_system(aliased).unwrap_err();
    /// let text = err.to_string();
    /// assert!(text.contains("aliased") && text.contains("Position"), "{text}");
    /// ```
    #[track_caller]
    pub fn try_add_system<M>(
        &mut self,
        system: impl IntoSystemConfig<M>,
    ) -> Result<SystemHandle, ScheduleError> {
        let config = system.into_config();
        if let Some(conflict) = config.system.access_conflict() {
            return Err(ScheduleError::ConflictingParams {
                system: config.system.name().to_owned(),
                conflict,
            });
        }
        let handle = SystemHandle(self.slots.len());
        self.slots.push(Slot {
            system: config.system,
            before: config.before,
            after: config.after,
            sets: config.sets,
            conditions: config.conditions,
            stats: StatsCell::default(),
            initialized: false,
            requests: Vec::new(),
            panic: None,
        });
        self.plan = None;
        Ok(handle)
    }

    /// The configuration of the set named `name`, made empty on first use: order it against
    /// other systems and sets, or give it run conditions.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::prelude::*;
    /// let mut schedule = Schedule::new();
    /// schedule.configure_set("physics").after("input").before("render");
    /// ```
    pub fn configure_set(&mut self, name: impl Into<String>) -> &mut SetConfig {
        let name = name.into();
        self.plan = None;
        let i = match self.sets.iter().position(|s| s.name == name) {
            Some(i) => i,
            None => {
                self.sets.push(SetConfig {
                    name,
                    before: Vec::new(),
                    after: Vec::new(),
                    conditions: Vec::new(),
                });
                self.sets.len() - 1
            }
        };
        &mut self.sets[i]
    }

    /// The systems `label` matches, by index.
    /// A known system or set name close to an unknown `label`.
    fn suggest(&self, label: &Label) -> Option<String> {
        let Label::Name(name) = label else { return None };
        let systems = self.slots.iter().flat_map(|slot| {
            let own = slot.system.name();
            // A function system answers to its last path segment too.
            let short = own.rsplit("::").next().unwrap_or(own);
            [own, short].into_iter().chain(slot.sets.iter().map(String::as_str))
        });
        let sets = self.sets.iter().map(|set| set.name.as_str());
        error::did_you_mean(name, systems.chain(sets))
    }

    /// The name of the system `handle` names, if it is in this schedule.
    ///
    /// ```
    /// use cellar::prelude::*;
    /// fn physics() {}
    /// let mut schedule = Schedule::new();
    /// let handle = schedule.add_system(physics.named("physics"));
    /// assert_eq!(schedule.system_name(handle), Some("physics"));
    /// ```
    pub fn system_name(&self, handle: SystemHandle) -> Option<&str> {
        self.slots.get(handle.0).map(|slot| slot.system.name())
    }

    fn resolve(&self, label: &Label) -> Vec<usize> {
        match label {
            Label::System(SystemHandle(i)) => {
                if *i < self.slots.len() {
                    vec![*i]
                } else {
                    Vec::new()
                }
            }
            Label::Name(name) => {
                let suffix = format!("::{name}");
                (0..self.slots.len())
                    .filter(|&i| {
                        let slot = &self.slots[i];
                        let own = slot.system.name();
                        own == name || own.ends_with(&suffix) || slot.sets.iter().any(|s| s == name)
                    })
                    .collect()
            }
        }
    }

    /// Builds the batches from the systems and constraints, if they changed.
    ///
    /// [`run`](Self::run) does this itself; call it to find ordering errors early.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::prelude::*;
    /// fn a() {}
    /// let mut schedule = Schedule::new();
    /// schedule.add_system(a.after("nothing_by_this_name"));
    /// assert!(matches!(schedule.build(), Err(ScheduleError::UnknownLabel { .. })));
    ///
    /// fn physics() {}
    /// let mut schedule = Schedule::new();
    /// schedule.add_system(physics);
    /// schedule.add_system(a.after("phsyics"));
    /// let err = schedule.build().unwrap_err();
    /// assert!(err.to_string().ends_with("did you mean `physics`?"), "{err}");
    /// ```
    pub fn build(&mut self) -> Result<(), ScheduleError> {
        if self.plan.is_some() {
            return Ok(());
        }
        let mut edges = Vec::new();
        let resolve_into = |by: &str,
                            label: &Label,
                            edges: &mut Vec<(usize, usize)>,
                            from: &[usize],
                            before: bool| {
            let targets = self.resolve(label);
            if targets.is_empty() {
                return Err(ScheduleError::UnknownLabel {
                    by: by.to_owned(),
                    label: label.to_string(),
                    suggestion: self.suggest(label),
                });
            }
            for &i in from {
                for &j in &targets {
                    edges.push(if before { (i, j) } else { (j, i) });
                }
            }
            Ok(())
        };
        for (i, slot) in self.slots.iter().enumerate() {
            let name = slot.system.name();
            for label in &slot.before {
                resolve_into(name, label, &mut edges, &[i], true)?;
            }
            for label in &slot.after {
                resolve_into(name, label, &mut edges, &[i], false)?;
            }
        }
        for set in &self.sets {
            let members: Vec<usize> =
                (0..self.slots.len()).filter(|&i| self.slots[i].sets.contains(&set.name)).collect();
            for label in &set.before {
                resolve_into(&set.name, label, &mut edges, &members, true)?;
            }
            for label in &set.after {
                resolve_into(&set.name, label, &mut edges, &members, false)?;
            }
        }
        let accesses: Vec<&Access> = self.slots.iter().map(|s| s.system.access()).collect();
        let plan = graph::plan(&accesses, &edges).map_err(|cycle| ScheduleError::Cycle {
            systems: cycle.iter().map(|&i| self.slots[i].system.name().to_owned()).collect(),
        })?;
        self.plan = Some(plan);
        Ok(())
    }

    /// The batches of the last build, as system names: systems of one batch may run at the
    /// same time. Empty before the first [`build`](Self::build) or run.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::prelude::*;
    ///
    /// struct A(u8);
    /// fn read_a(_q: Query<&A>) {}
    /// fn write_a(_q: Query<&mut A>) {}
    /// let mut schedule = Schedule::new();
    /// schedule.add_system(read_a.named("r1"));
    /// schedule.add_system(read_a.named("r2"));
    /// schedule.add_system(write_a.named("w"));
    /// schedule.build().unwrap();
    /// assert_eq!(schedule.batches(), vec![vec!["r1", "r2"], vec!["w"]]);
    /// ```
    pub fn batches(&self) -> Vec<Vec<&str>> {
        self.plan
            .as_ref()
            .map(|p| {
                p.batches
                    .iter()
                    .map(|b| b.iter().map(|&i| self.slots[i].system.name()).collect())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Runs every system once, batch by batch, on the current rayon pool.
    ///
    /// # Panics
    ///
    /// Where the schedule cannot be built ([`try_run`](Self::try_run) returns the error
    /// instead), and where a system panics: the panic is resumed on the caller's thread with a
    /// `String` payload ``system `NAME` panicked: MESSAGE``. The world stays valid: the
    /// panicking system's commands are dropped, those of the other systems of its batch are
    /// applied, and the batches after it do not run.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::prelude::*;
    ///
    /// struct Frames(u32);
    /// let mut world = World::new();
    /// world.insert_resource(Frames(0));
    /// let mut schedule = Schedule::new();
    /// schedule.add_system(|mut f: ResMut<Frames>| f.0 += 1);
    /// schedule.run(&mut world);
    /// assert_eq!(world.resource::<Frames>().unwrap().0, 1);
    /// ```
    pub fn run(&mut self, world: &mut World) {
        if let Err(err) = self.try_run(world) {
            panic!("{err}");
        }
    }

    /// Runs every system once on the rayon pool `pool`, which sets the number of threads.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::prelude::*;
    ///
    /// let pool = cellar::rayon::ThreadPoolBuilder::new().num_threads(2).build().unwrap();
    /// let mut world = World::new();
    /// let mut schedule = Schedule::new();
    /// schedule.add_system(|mut commands: Commands| { commands.spawn((1u8,)); });
    /// schedule.run_in(&pool, &mut world);
    /// assert_eq!(world.len(), 1);
    /// ```
    pub fn run_in(&mut self, pool: &rayon::ThreadPool, world: &mut World) {
        pool.install(|| self.run(world));
    }

    /// Chooses whether batches of several systems run in parallel on rayon's pool (the
    /// default) or in turn on the caller's thread, without touching the pool: for small
    /// schedules where handing work to other threads costs more than it saves, and for
    /// debugging. The result of a run is the same either way.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::prelude::*;
    ///
    /// let mut schedule = Schedule::new();
    /// schedule.set_multithreaded(false);
    /// let caller = std::thread::current().id();
    /// schedule.add_system(move || assert_eq!(std::thread::current().id(), caller));
    /// schedule.add_system(move || assert_eq!(std::thread::current().id(), caller));
    /// schedule.run(&mut World::new());
    /// ```
    pub fn set_multithreaded(&mut self, multithreaded: bool) -> &mut Self {
        self.multithreaded = multithreaded;
        self
    }

    /// Sets how cheap a batch must be to run on the caller's thread although the schedule is
    /// multithreaded (default 40 µs): a batch whose systems took less than this in their last
    /// runs, together, runs in turn, as a single-threaded schedule would, because waking
    /// other threads costs more than it saves. Systems that have not run yet count as
    /// expensive. `Duration::ZERO` hands every batch of several systems to the pool.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::prelude::*;
    /// use std::time::Duration;
    ///
    /// let mut schedule = Schedule::new();
    /// schedule.set_inline_below(Duration::ZERO); // always spread batches over the pool
    /// schedule.add_system(|| {});
    /// schedule.add_system(|| {});
    /// schedule.run(&mut World::new());
    /// ```
    pub fn set_inline_below(&mut self, took: std::time::Duration) -> &mut Self {
        self.inline_below = took;
        self
    }

    /// Runs every system once, or returns why the schedule cannot run (an ordering cycle, an
    /// unknown label, or a token clash), before any system has run.
    ///
    /// # Panics
    ///
    /// Where a system panics, as [`run`](Self::run).
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::prelude::*;
    /// fn lonely() {}
    /// let mut schedule = Schedule::new();
    /// schedule.add_system(lonely.after("ghost"));
    /// let err = schedule.try_run(&mut World::new()).unwrap_err();
    /// assert!(err.to_string().contains("ghost"));
    /// ```
    pub fn try_run(&mut self, world: &mut World) -> Result<(), ScheduleError> {
        self.build()?;
        self.initialize(world);
        self.report.clear();
        for (_, update) in &self.frame_updates {
            update(world);
        }
        let plan = self.plan.take().expect("built above");
        let result = plan.batches.iter().try_for_each(|batch| self.run_batch(batch, world));
        self.plan = Some(plan);
        result
    }

    /// Initializes systems that have not run on this world yet and resolves their tokens.
    ///
    /// A schedule moved to another world initializes every system afresh (their query caches
    /// and token indices belong to one world).
    fn initialize(&mut self, world: &mut World) {
        if self.world != Some(world.id()) {
            self.world = Some(world.id());
            self.frame_updates.clear();
            for slot in &mut self.slots {
                slot.initialized = false;
            }
        }
        let mut meta = SystemMeta::default();
        for slot in self.slots.iter_mut().filter(|s| !s.initialized) {
            slot.system.initialize(world, &mut meta);
            slot.requests.clear();
            for (key, borrow) in slot.system.access().iter() {
                let token = token_index(world, &key).unwrap_or_else(|| {
                    panic!(
                        "system `{}` uses {key}, which the world has no token for",
                        slot.system.name()
                    )
                });
                slot.requests.push((token, borrow.is_write()));
            }
            slot.initialized = true;
        }
        for (id, update) in meta.event_updaters {
            if !self.frame_updates.iter().any(|(t, _)| *t == id) {
                self.frame_updates.push((id, update));
            }
        }
    }

    fn should_run(&self, i: usize, world: &World) -> bool {
        let slot = &self.slots[i];
        slot.conditions.iter().all(|c| c(world))
            && self
                .sets
                .iter()
                .filter(|set| slot.sets.contains(&set.name))
                .all(|set| set.conditions.iter().all(|c| c(world)))
    }

    fn run_batch(&mut self, batch: &[usize], world: &mut World) -> Result<(), ScheduleError> {
        let active: Vec<usize> =
            batch.iter().copied().filter(|&i| self.should_run(i, world)).collect();
        match active[..] {
            [] => return Ok(()),
            [i] if self.slots[i].system.access().is_exclusive() => {
                run_one(&mut self.slots[i], SystemInput::World(world), Instant::now());
            }
            _ => {
                let inline = self.runs_inline(&active);
                let (storage, tokens) = world.split();
                let requests: Vec<&[Request]> =
                    active.iter().map(|&i| &self.slots[i].requests[..]).collect();
                let lent = lend(tokens.iter_mut(), &requests).map_err(|err| match err {
                    LendError::Clash { token, claimants } => ScheduleError::TokenClash {
                        type_name: self.slots[active[claimants[0]]]
                            .system
                            .access()
                            .iter()
                            .zip(&self.slots[active[claimants[0]]].requests)
                            .find(|(_, r)| r.0 == token)
                            .map_or("?", |((key, _), _)| key.type_name()),
                        systems: claimants
                            .iter()
                            .map(|&c| self.slots[active[c]].system.name().to_owned())
                            .collect(),
                    },
                    LendError::Missing { token } => {
                        panic!("token {token} requested but the world has fewer tokens")
                    }
                })?;
                // Disjoint `&mut` to the batch's systems, in batch order.
                let mut by_index: Vec<Option<&mut Slot>> =
                    self.slots.iter_mut().map(Some).collect();
                let mut jobs: Vec<(&mut Slot, Vec<Lent<'_, qcell::QCellOwner>>)> = active
                    .iter()
                    .zip(lent)
                    .map(|(&i, lent)| {
                        (by_index[i].take().expect("a batch lists a system once"), lent)
                    })
                    .collect();
                let job = |(slot, lent): &mut (&mut Slot, Vec<Lent<'_, qcell::QCellOwner>>),
                           start: Instant| {
                    let keys = slot.system.access().iter().map(|(k, _)| k);
                    let ctx = FetchContext::new(storage, keys.zip(std::mem::take(lent)).collect());
                    run_one(slot, SystemInput::Shared(ctx), start)
                };
                if inline {
                    // In turn on this thread; one clock reading ends a system and starts the next.
                    let mut now = Instant::now();
                    for one in &mut jobs {
                        now = job(one, now);
                    }
                } else {
                    // The caller and helpers on the pool, one thread per pool thread in all,
                    // take systems from one queue until it is empty. The caller starts at
                    // once; a helper whose thread is slow to wake (a busy machine) finds less
                    // left, or nothing, so the batch never waits idle for a core the way a
                    // fixed split of the work would.
                    let helpers = (jobs.len() - 1).min(rayon::current_num_threads() - 1);
                    let queue = Mutex::new(jobs.iter_mut());
                    let take_until_empty = || {
                        // The lock is held for `next` only: the guard drops with the statement.
                        loop {
                            let next = queue.lock().next();
                            let Some(one) = next else { break };
                            job(one, Instant::now());
                        }
                    };
                    rayon::in_place_scope(|scope| {
                        for _ in 0..helpers {
                            scope.spawn(|_| take_until_empty());
                        }
                        take_until_empty();
                    });
                }
            }
        }
        // Apply commands in schedule order; a panicking system's commands are dropped.
        let mut panicked = None;
        for &i in &active {
            let slot = &mut self.slots[i];
            if let Some(payload) = slot.panic.take() {
                panicked.get_or_insert((i, payload));
                slot.system.discard_deferred();
            } else {
                slot.system.apply_deferred(world, &mut self.report);
            }
        }
        if let Some((i, payload)) = panicked {
            let message = panic_message(&*payload);
            resume_unwind(Box::new(format!(
                "system `{}` panicked: {message}",
                self.slots[i].system.name()
            )));
        }
        Ok(())
    }

    /// Whether the batch of systems `active` runs in turn on the caller's thread rather than on
    /// the pool: where the schedule is single-threaded, the batch is one system, the pool has
    /// one thread, or the batch is known to be cheap (what its systems took in their last
    /// runs, in all, is below [`set_inline_below`](Self::set_inline_below)'s threshold; a
    /// system that never ran counts as expensive).
    fn runs_inline(&self, active: &[usize]) -> bool {
        if !self.multithreaded || active.len() == 1 || rayon::current_num_threads() == 1 {
            return true;
        }
        let mut total = 0u64;
        for &i in active {
            let stats = self.slots[i].stats.snapshot();
            if stats.runs == 0 {
                return false;
            }
            total = total.saturating_add(stats.last_ns);
        }
        u128::from(total) < self.inline_below.as_nanos()
    }

    /// Statistics per system, in the order the systems were added.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::prelude::*;
    /// let mut schedule = Schedule::new();
    /// schedule.add_system((|| {}).named("idle"));
    /// schedule.run(&mut World::new());
    /// let stats: Vec<_> = schedule.stats().collect();
    /// assert_eq!(stats[0].0, "idle");
    /// assert_eq!(stats[0].1.runs, 1);
    /// ```
    pub fn stats(&self) -> impl Iterator<Item = (&str, SystemStats)> + '_ {
        self.slots.iter().map(|s| (s.system.name(), s.stats.snapshot()))
    }

    /// Sets every system's statistics back to zero.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::prelude::*;
    /// let mut schedule = Schedule::new();
    /// schedule.add_system(|| {});
    /// schedule.run(&mut World::new());
    /// schedule.reset_stats();
    /// assert_eq!(schedule.stats().next().unwrap().1.runs, 0);
    /// ```
    pub fn reset_stats(&self) {
        for slot in &self.slots {
            slot.stats.reset();
        }
    }

    /// What applying commands did in the last run: how many applied, which were skipped.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::prelude::*;
    /// let mut world = World::new();
    /// let e = world.spawn((1u8,));
    /// let mut schedule = Schedule::new();
    /// schedule.add_system(move |mut c: Commands| { c.despawn(e); c.despawn(e); });
    /// schedule.run(&mut world);
    /// assert_eq!(schedule.last_run_report().applied(), 1);
    /// assert_eq!(schedule.last_run_report().skipped().len(), 1);
    /// ```
    pub fn last_run_report(&self) -> &CommandReport {
        &self.report
    }

    /// The commands of the last run that were skipped because their entity was gone.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::prelude::*;
    /// let mut world = World::new();
    /// let mut schedule = Schedule::new();
    /// schedule.add_system(|| {});
    /// schedule.run(&mut world);
    /// assert!(schedule.skipped_commands().is_empty());
    /// ```
    pub fn skipped_commands(&self) -> &[SkippedCommand] {
        self.report.skipped()
    }
}

/// The index of the world's token for `key`, if the world has one.
fn token_index(world: &World, key: &AccessKey) -> Option<usize> {
    let token = match key.kind() {
        TokenKind::Component => world.component_token(key.type_id()),
        TokenKind::Resource => world.resource_token(key.type_id()),
    };
    token.map(|t| t.index())
}

/// Runs one system, timing it and catching a panic into its slot.
/// Runs one system that started at `start`, catching a panic into its slot; returns when
/// it ended.
fn run_one(slot: &mut Slot, input: SystemInput<'_>, start: Instant) -> Instant {
    let result = catch_unwind(AssertUnwindSafe(|| slot.system.run(input)));
    let end = Instant::now();
    slot.stats.record(end.duration_since(start));
    if let Err(payload) = result {
        slot.panic = Some(payload);
    }
    end
}

/// The message of a panic payload, where it is a string.
fn panic_message(payload: &(dyn Any + Send)) -> &str {
    if let Some(s) = payload.downcast_ref::<&str>() {
        s
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s
    } else {
        "(a panic payload that is not a string)"
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn only_batches_known_to_be_cheap_run_inline() {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(2).build().unwrap();
        let mut schedule = Schedule::new();
        for _ in 0..3 {
            schedule.add_system(|| {});
        }
        let batch = [0, 1, 2];
        pool.install(|| {
            assert!(!schedule.runs_inline(&batch), "systems that never ran count as expensive");
            for slot in &schedule.slots {
                slot.stats.record(Duration::from_micros(10));
            }
            assert!(schedule.runs_inline(&batch), "30 us in all is below the 40 us default");
            assert!(schedule.runs_inline(&batch[..1]), "a batch of one always runs inline");
            schedule.slots[1].stats.record(Duration::from_millis(1));
            assert!(!schedule.runs_inline(&batch), "one heavy system sends the batch to the pool");
            schedule.slots[1].stats.record(Duration::from_micros(10));
            schedule.set_inline_below(Duration::ZERO);
            assert!(!schedule.runs_inline(&batch), "a zero threshold: always the pool");
            schedule.set_multithreaded(false);
            assert!(schedule.runs_inline(&batch), "single-threaded: always inline");
        });
        let one_thread = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
        schedule.set_multithreaded(true);
        let schedule = &mut schedule; // `&mut Schedule` is `Send`, `&Schedule` is not
        one_thread.install(move || assert!(schedule.runs_inline(&batch), "a pool of one thread"));
    }
}
