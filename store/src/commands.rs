//! Commands: structural changes (spawn, despawn, insert, remove, resources) that systems
//! running in parallel ask for, applied later on one thread in a fixed order.
//!
//! A system that runs beside others holds only `&Storage` and its lent tokens, so it cannot
//! move rows between tables. It records what it wants in its own [`Commands`] buffer instead.
//! After each batch the schedule applies the buffers of that batch on the caller's thread,
//! system by system in schedule order, and within one buffer in the order the commands were
//! issued. The world after a run therefore does not depend on the number of threads.
//!
//! A command that names an entity which no longer exists when it applies (despawned by an
//! earlier command, say) is skipped and recorded in a [`CommandReport`], never a panic.

use std::fmt;

use crate::{Bundle, Entity, World};

/// An entity that a [`Commands`] buffer will spawn: usable as the target of later commands of
/// the same buffer, resolved to an [`Entity`] when the buffer applies. It cannot outlive the
/// run that made it; use it only with the `Commands` that returned it (in another buffer it
/// names that buffer's spawn of the same number, or nothing, which is skipped and reported).
///
/// # Examples
///
/// ```
/// use cellar::prelude::*;
/// use cellar::commands::CommandQueue;
///
/// struct Health(u32);
/// struct Name(&'static str);
///
/// let mut world = World::new();
/// let mut queue = CommandQueue::new();
/// let mut commands = Commands::new(&mut queue);
/// let hero = commands.spawn((Health(10),));
/// commands.insert(hero, (Name("hero"),));
/// queue.apply(&mut world);
/// assert_eq!(world.len(), 1);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PendingEntity<'q> {
    index: u32,
    _queue: std::marker::PhantomData<&'q ()>,
}

/// The entity a command targets: an existing [`Entity`], or one spawned earlier in the same
/// buffer.
///
/// # Examples
///
/// ```
/// use cellar::commands::Target;
/// use cellar::prelude::*;
///
/// let mut world = World::new();
/// let e = world.spawn((1u8,));
/// assert_eq!(Target::from(e), Target::Entity(e));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    /// An entity that existed when the command was issued.
    Entity(Entity),
    /// The `n`th entity spawned by the same buffer.
    Pending(u32),
}

impl From<Entity> for Target {
    fn from(e: Entity) -> Self {
        Target::Entity(e)
    }
}

impl From<PendingEntity<'_>> for Target {
    fn from(p: PendingEntity<'_>) -> Self {
        Target::Pending(p.index)
    }
}

type WorldFn = Box<dyn FnOnce(&mut World) + Send>;
type EntityFn = Box<dyn FnOnce(&mut World, Entity) + Send>;
type SpawnFn = Box<dyn FnOnce(&mut World) -> Entity + Send>;

enum Command {
    Spawn(SpawnFn),
    Entity { target: Target, what: &'static str, apply: EntityFn },
    World(WorldFn),
}

/// A buffer of commands: what one system asked for in one run, waiting to be applied.
///
/// The schedule keeps one per system that takes [`Commands`]; outside a schedule, make one,
/// record into it through [`Commands::new`], and [`apply`](CommandQueue::apply) it.
///
/// # Examples
///
/// ```
/// use cellar::prelude::*;
/// use cellar::commands::CommandQueue;
///
/// let mut world = World::new();
/// let mut queue = CommandQueue::new();
/// Commands::new(&mut queue).insert_resource(42u32);
/// assert_eq!(queue.len(), 1);
/// queue.apply(&mut world);
/// assert!(queue.is_empty());
/// assert_eq!(*world.resource::<u32>().unwrap(), 42);
/// ```
#[derive(Default)]
pub struct CommandQueue {
    commands: Vec<Command>,
    spawns: u32,
}

impl fmt::Debug for CommandQueue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CommandQueue")
            .field("commands", &self.commands.len())
            .field("spawns", &self.spawns)
            .finish()
    }
}

impl CommandQueue {
    /// An empty buffer.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::commands::CommandQueue;
    /// assert!(CommandQueue::new().is_empty());
    /// ```
    pub fn new() -> Self {
        CommandQueue::default()
    }

    /// How many commands wait.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::commands::CommandQueue;
    /// assert_eq!(CommandQueue::new().len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.commands.len()
    }

    /// Whether no command waits.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::commands::CommandQueue;
    /// assert!(CommandQueue::new().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.commands.is_empty()
    }

    /// Applies every command in issue order and empties the buffer. Commands whose entity is
    /// gone are skipped; the returned report lists them.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::prelude::*;
    /// use cellar::commands::CommandQueue;
    ///
    /// let mut world = World::new();
    /// let e = world.spawn((1u8,));
    /// let mut queue = CommandQueue::new();
    /// let mut commands = Commands::new(&mut queue);
    /// commands.despawn(e);
    /// commands.insert(e, (2u16,)); // e is gone by then
    /// let report = queue.apply(&mut world);
    /// assert_eq!(report.skipped().len(), 1);
    /// assert_eq!(report.skipped()[0].command, "insert");
    /// ```
    pub fn apply(&mut self, world: &mut World) -> CommandReport {
        let mut report = CommandReport::default();
        self.apply_into(world, "", &mut report);
        report
    }

    /// Applies every command, recording skipped ones under `system` into `report`.
    pub(crate) fn apply_into(
        &mut self,
        world: &mut World,
        system: &str,
        report: &mut CommandReport,
    ) {
        let mut spawned: Vec<Entity> = Vec::with_capacity(self.spawns as usize);
        self.spawns = 0;
        // Drain first so that a panicking command leaves an empty buffer, not a replay.
        let commands = std::mem::take(&mut self.commands);
        for command in commands {
            match command {
                Command::Spawn(spawn) => {
                    spawned.push(spawn(world));
                    report.applied += 1;
                }
                Command::World(apply) => {
                    apply(world);
                    report.applied += 1;
                }
                Command::Entity { target, what, apply } => {
                    let entity = match target {
                        Target::Entity(e) => Some(e),
                        Target::Pending(i) => spawned.get(i as usize).copied(),
                    };
                    match entity {
                        Some(e) if world.contains(e) => {
                            apply(world, e);
                            report.applied += 1;
                        }
                        _ => report.skipped.push(SkippedCommand {
                            system: system.to_owned(),
                            command: what,
                            target,
                            entity,
                        }),
                    }
                }
            }
        }
    }
}

/// The parameter through which a system asks for structural changes.
///
/// Every method records a command into the system's own buffer; nothing changes until the
/// schedule applies the buffer after the system's batch (see the [module docs](self)).
///
/// # Examples
///
/// ```
/// use cellar::prelude::*;
///
/// struct Age(u32);
///
/// fn age_and_die(query: Query<(Entity, &Age)>, mut commands: Commands) {
///     for (e, age) in query.iter() {
///         if age.0 >= 3 {
///             commands.despawn(e);
///         }
///     }
/// }
///
/// fn grow(mut query: Query<&mut Age>) {
///     for age in query.iter_mut() {
///         age.0 += 1;
///     }
/// }
///
/// let mut world = World::new();
/// world.spawn((Age(0),));
/// world.spawn((Age(2),));
/// let mut schedule = Schedule::new();
/// schedule.add_system(grow);
/// schedule.add_system(age_and_die);
/// schedule.run(&mut world);
/// assert_eq!(world.len(), 1);
/// ```
pub struct Commands<'q> {
    queue: &'q mut CommandQueue,
}

impl fmt::Debug for Commands<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Commands").field("queue", &self.queue).finish()
    }
}

impl<'q> Commands<'q> {
    /// Records commands into `queue`.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::prelude::*;
    /// use cellar::commands::CommandQueue;
    /// let mut queue = CommandQueue::new();
    /// Commands::new(&mut queue).spawn((1u8,));
    /// assert_eq!(queue.len(), 1);
    /// ```
    pub fn new(queue: &'q mut CommandQueue) -> Self {
        Commands { queue }
    }

    /// Spawns an entity with `bundle`. The returned [`PendingEntity`] can be the target of
    /// later commands of this buffer.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::prelude::*;
    /// use cellar::commands::CommandQueue;
    /// let mut world = World::new();
    /// let mut queue = CommandQueue::new();
    /// let mut commands = Commands::new(&mut queue);
    /// let e = commands.spawn((1u8,));
    /// commands.insert(e, (2u16,));
    /// queue.apply(&mut world);
    /// assert_eq!(world.len(), 1);
    /// ```
    pub fn spawn<B: Bundle + Send + 'static>(&mut self, bundle: B) -> PendingEntity<'q> {
        let index = self.queue.spawns;
        self.queue.spawns += 1;
        self.queue.commands.push(Command::Spawn(Box::new(move |world| world.spawn(bundle))));
        PendingEntity { index, _queue: std::marker::PhantomData }
    }

    /// Despawns `target`, dropping its components. Skipped if it is gone by then.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::prelude::*;
    /// use cellar::commands::CommandQueue;
    /// let mut world = World::new();
    /// let e = world.spawn((1u8,));
    /// let mut queue = CommandQueue::new();
    /// Commands::new(&mut queue).despawn(e);
    /// queue.apply(&mut world);
    /// assert!(!world.contains(e));
    /// ```
    pub fn despawn(&mut self, target: impl Into<Target>) {
        self.entity_command(target.into(), "despawn", |world, e| {
            let _ = world.despawn(e);
        });
    }

    /// Adds the components of `bundle` to `target`, replacing those it already has. Skipped
    /// (and `bundle` dropped) if the entity is gone by then.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::prelude::*;
    /// use cellar::commands::CommandQueue;
    /// let mut world = World::new();
    /// let e = world.spawn((1u8,));
    /// let mut queue = CommandQueue::new();
    /// Commands::new(&mut queue).insert(e, (2u16,));
    /// queue.apply(&mut world);
    /// assert_eq!(*world.get::<u16>(e).unwrap(), 2);
    /// ```
    pub fn insert<B: Bundle + Send + 'static>(&mut self, target: impl Into<Target>, bundle: B) {
        self.entity_command(target.into(), "insert", move |world, e| {
            let _ = world.insert(e, bundle);
        });
    }

    /// Removes the components of bundle type `B` from `target` (those it has). Skipped if the
    /// entity is gone by then.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::prelude::*;
    /// use cellar::commands::CommandQueue;
    /// let mut world = World::new();
    /// let e = world.spawn((1u8, 2u16));
    /// let mut queue = CommandQueue::new();
    /// Commands::new(&mut queue).remove::<(u16,)>(e);
    /// queue.apply(&mut world);
    /// assert!(world.get::<u16>(e).is_err());
    /// ```
    pub fn remove<B: Bundle + 'static>(&mut self, target: impl Into<Target>) {
        self.entity_command(target.into(), "remove", |world, e| {
            let _ = world.remove::<B>(e);
        });
    }

    /// Inserts (or replaces) resource `resource`.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::prelude::*;
    /// use cellar::commands::CommandQueue;
    /// let mut world = World::new();
    /// let mut queue = CommandQueue::new();
    /// Commands::new(&mut queue).insert_resource(3.5f64);
    /// queue.apply(&mut world);
    /// assert_eq!(*world.resource::<f64>().unwrap(), 3.5);
    /// ```
    pub fn insert_resource<R: Send + Sync + 'static>(&mut self, resource: R) {
        self.add(move |world| {
            world.insert_resource(resource);
        });
    }

    /// Removes resource type `R`, if present.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::prelude::*;
    /// use cellar::commands::CommandQueue;
    /// let mut world = World::new();
    /// world.insert_resource(1i64);
    /// let mut queue = CommandQueue::new();
    /// Commands::new(&mut queue).remove_resource::<i64>();
    /// queue.apply(&mut world);
    /// assert!(world.resource::<i64>().is_err());
    /// ```
    pub fn remove_resource<R: Send + Sync + 'static>(&mut self) {
        self.add(|world| {
            let _ = world.remove_resource::<R>();
        });
    }

    /// Records any change to the world, as a closure run with `&mut World` when the buffer
    /// applies: the escape hatch for what the other commands cannot say.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::prelude::*;
    /// use cellar::commands::CommandQueue;
    /// let mut world = World::new();
    /// let mut queue = CommandQueue::new();
    /// Commands::new(&mut queue).add(|world: &mut World| {
    ///     world.spawn_batch((0..3u32).map(|i| (i,)));
    /// });
    /// queue.apply(&mut world);
    /// assert_eq!(world.len(), 3);
    /// ```
    pub fn add(&mut self, command: impl FnOnce(&mut World) + Send + 'static) {
        self.queue.commands.push(Command::World(Box::new(command)));
    }

    /// Records a change to one entity, as a closure run with the world and the resolved entity
    /// when the buffer applies; skipped (and reported under the name `what`) if the entity is
    /// gone by then.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::prelude::*;
    /// use cellar::commands::CommandQueue;
    /// let mut world = World::new();
    /// let e = world.spawn((1u8,));
    /// let mut queue = CommandQueue::new();
    /// Commands::new(&mut queue).entity_command(e, "double", |world, e| {
    ///     *world.get_mut::<u8>(e).unwrap() *= 2;
    /// });
    /// queue.apply(&mut world);
    /// assert_eq!(*world.get::<u8>(e).unwrap(), 2);
    /// ```
    pub fn entity_command(
        &mut self,
        target: impl Into<Target>,
        what: &'static str,
        command: impl FnOnce(&mut World, Entity) + Send + 'static,
    ) {
        self.queue.commands.push(Command::Entity {
            target: target.into(),
            what,
            apply: Box::new(command),
        });
    }
}

/// A command that was not applied because its entity was gone.
///
/// # Examples
///
/// ```
/// use cellar::prelude::*;
/// use cellar::commands::CommandQueue;
///
/// let mut world = World::new();
/// let e = world.spawn((1u8,));
/// world.despawn(e).unwrap();
/// let mut queue = CommandQueue::new();
/// Commands::new(&mut queue).despawn(e);
/// let report = queue.apply(&mut world);
/// let skipped = &report.skipped()[0];
/// assert_eq!((skipped.command, skipped.entity), ("despawn", Some(e)));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SkippedCommand {
    /// The system whose buffer held the command (empty outside a schedule).
    pub system: String,
    /// What the command was: `"despawn"`, `"insert"`, `"remove"`, or the name given to
    /// [`Commands::entity_command`].
    pub command: &'static str,
    /// The target as issued.
    pub target: Target,
    /// The entity the target resolved to (`None` for a pending entity of another buffer).
    pub entity: Option<Entity>,
}

impl fmt::Display for SkippedCommand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` from system `{}` skipped: entity {:?} is gone",
            self.command, self.system, self.target
        )
    }
}

/// What applying command buffers did: how many commands applied, and which were skipped.
///
/// The schedule keeps the report of its last run
/// ([`Schedule::last_run_report`](crate::schedule::Schedule::last_run_report)).
///
/// # Examples
///
/// ```
/// use cellar::prelude::*;
/// use cellar::commands::CommandQueue;
/// let mut world = World::new();
/// let mut queue = CommandQueue::new();
/// Commands::new(&mut queue).spawn((1u8,));
/// let report = queue.apply(&mut world);
/// assert_eq!(report.applied(), 1);
/// assert!(report.skipped().is_empty());
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CommandReport {
    applied: usize,
    skipped: Vec<SkippedCommand>,
}

impl CommandReport {
    /// How many commands were applied.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::commands::CommandReport;
    /// assert_eq!(CommandReport::default().applied(), 0);
    /// ```
    pub fn applied(&self) -> usize {
        self.applied
    }

    /// The commands skipped because their entity was gone, in the order they came up.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::commands::CommandReport;
    /// assert!(CommandReport::default().skipped().is_empty());
    /// ```
    pub fn skipped(&self) -> &[SkippedCommand] {
        &self.skipped
    }

    pub(crate) fn clear(&mut self) {
        self.applied = 0;
        self.skipped.clear();
    }
}
