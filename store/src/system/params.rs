//! The system parameters: resources, locals, commands, events and queries.

use std::fmt;
use std::ops::{Deref, DerefMut};

use super::{SystemMeta, SystemParam};
use crate::World;
use crate::access::{Access, AccessConflict, AccessKey, Borrow};
use crate::commands::{CommandQueue, CommandReport, Commands};
use crate::events::{EventCursor, Events};
use crate::lend::FetchContext;
use crate::query::{Query, QueryData, QueryFilter, QueryState};

/// Shared access to resource `T` for one run: borrows `T`'s token shared.
///
/// The system panics (with the type's name) if the resource does not exist when it runs;
/// take `Option<Res<T>>` where it may be absent.
///
/// # Examples
///
/// ```
/// use cellar::prelude::*;
///
/// struct Gravity(f32);
/// #[derive(Default)]
/// struct Seen(f32);
///
/// fn look(gravity: Res<Gravity>, mut seen: ResMut<Seen>) {
///     seen.0 = gravity.0;
/// }
/// let mut world = World::new();
/// world.insert_resource(Gravity(9.8));
/// world.insert_resource(Seen::default());
/// let mut schedule = Schedule::new();
/// schedule.add_system(look);
/// schedule.run(&mut world);
/// assert_eq!(world.resource::<Seen>().unwrap().0, 9.8);
/// ```
pub struct Res<'w, T> {
    value: &'w T,
}

impl<'w, T> Res<'w, T> {
    /// The reference itself, for the whole run.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::prelude::*;
    /// fn keep(limit: Res<u32>) {
    ///     let r: &u32 = limit.into_inner();
    ///     assert_eq!(*r, 7);
    /// }
    /// let mut world = World::new();
    /// world.insert_resource(7u32);
    /// let mut schedule = Schedule::new();
    /// schedule.add_system(keep);
    /// schedule.run(&mut world);
    /// ```
    pub fn into_inner(self) -> &'w T {
        self.value
    }
}

impl<T> Deref for Res<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        self.value
    }
}

impl<T: fmt::Debug> fmt::Debug for Res<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Res").field(self.value).finish()
    }
}

/// Exclusive access to resource `T` for one run: borrows `T`'s token exclusively, so no other
/// system that touches `T` runs beside this one.
///
/// # Examples
///
/// ```
/// use cellar::prelude::*;
///
/// struct Counter(u64);
/// let mut world = World::new();
/// world.insert_resource(Counter(0));
/// let mut schedule = Schedule::new();
/// schedule.add_system(|mut c: ResMut<Counter>| c.0 += 1);
/// schedule.run(&mut world);
/// schedule.run(&mut world);
/// assert_eq!(world.resource::<Counter>().unwrap().0, 2);
/// ```
pub struct ResMut<'w, T> {
    value: &'w mut T,
}

impl<'w, T> ResMut<'w, T> {
    /// The reference itself, for the whole run.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::prelude::*;
    /// fn bump(n: ResMut<u32>) {
    ///     let r: &mut u32 = n.into_inner();
    ///     *r += 1;
    /// }
    /// let mut world = World::new();
    /// world.insert_resource(1u32);
    /// let mut schedule = Schedule::new();
    /// schedule.add_system(bump);
    /// schedule.run(&mut world);
    /// assert_eq!(*world.resource::<u32>().unwrap(), 2);
    /// ```
    pub fn into_inner(self) -> &'w mut T {
        self.value
    }
}

impl<T> Deref for ResMut<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        self.value
    }
}

impl<T> DerefMut for ResMut<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        self.value
    }
}

impl<T: fmt::Debug> fmt::Debug for ResMut<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ResMut").field(&*self.value).finish()
    }
}

fn missing<T>() -> ! {
    panic!(
        "resource `{}` does not exist; insert it first or take Option<Res<_>>",
        std::any::type_name::<T>()
    )
}

impl<T: Send + Sync + 'static> SystemParam for Res<'_, T> {
    type State = ();
    type Item<'w, 's> = Res<'w, T>;

    fn access(access: &mut Access) -> Result<(), AccessConflict> {
        access.add(AccessKey::resource::<T>(), Borrow::Read)
    }

    fn init_state(world: &mut World, _meta: &mut SystemMeta) {
        world.register_resource::<T>();
    }

    fn fetch<'w>(_: &mut (), ctx: &mut FetchContext<'w>) -> Res<'w, T> {
        let owner = ctx.read(&AccessKey::resource::<T>());
        let value = ctx.storage().resource::<T>(owner).unwrap_or_else(|| missing::<T>());
        Res { value }
    }
}

impl<T: Send + Sync + 'static> SystemParam for Option<Res<'_, T>> {
    type State = ();
    type Item<'w, 's> = Option<Res<'w, T>>;

    fn access(access: &mut Access) -> Result<(), AccessConflict> {
        access.add(AccessKey::resource::<T>(), Borrow::Read)
    }

    fn init_state(world: &mut World, _meta: &mut SystemMeta) {
        world.register_resource::<T>();
    }

    fn fetch<'w>(_: &mut (), ctx: &mut FetchContext<'w>) -> Option<Res<'w, T>> {
        let owner = ctx.read(&AccessKey::resource::<T>());
        ctx.storage().resource::<T>(owner).map(|value| Res { value })
    }
}

impl<T: Send + Sync + 'static> SystemParam for ResMut<'_, T> {
    type State = ();
    type Item<'w, 's> = ResMut<'w, T>;

    fn access(access: &mut Access) -> Result<(), AccessConflict> {
        access.add(AccessKey::resource::<T>(), Borrow::Write)
    }

    fn init_state(world: &mut World, _meta: &mut SystemMeta) {
        world.register_resource::<T>();
    }

    fn fetch<'w>(_: &mut (), ctx: &mut FetchContext<'w>) -> ResMut<'w, T> {
        let owner = ctx.write(&AccessKey::resource::<T>());
        let value = ctx.storage().resource_mut::<T>(owner).unwrap_or_else(|| missing::<T>());
        ResMut { value }
    }
}

impl<T: Send + Sync + 'static> SystemParam for Option<ResMut<'_, T>> {
    type State = ();
    type Item<'w, 's> = Option<ResMut<'w, T>>;

    fn access(access: &mut Access) -> Result<(), AccessConflict> {
        access.add(AccessKey::resource::<T>(), Borrow::Write)
    }

    fn init_state(world: &mut World, _meta: &mut SystemMeta) {
        world.register_resource::<T>();
    }

    fn fetch<'w>(_: &mut (), ctx: &mut FetchContext<'w>) -> Option<ResMut<'w, T>> {
        let owner = ctx.write(&AccessKey::resource::<T>());
        ctx.storage().resource_mut::<T>(owner).map(|value| ResMut { value })
    }
}

/// A value that belongs to one system and lives from run to run, starting at `T::default()`.
/// It borrows no token: no other system can see it.
///
/// # Examples
///
/// ```
/// use cellar::prelude::*;
///
/// struct Runs(u32);
/// fn count(mut local: Local<u32>, mut runs: ResMut<Runs>) {
///     *local += 1;
///     runs.0 = *local;
/// }
/// let mut world = World::new();
/// world.insert_resource(Runs(0));
/// let mut schedule = Schedule::new();
/// schedule.add_system(count);
/// for _ in 0..3 {
///     schedule.run(&mut world);
/// }
/// assert_eq!(world.resource::<Runs>().unwrap().0, 3);
/// ```
pub struct Local<'s, T> {
    value: &'s mut T,
}

impl<T> Deref for Local<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        self.value
    }
}

impl<T> DerefMut for Local<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        self.value
    }
}

impl<T: fmt::Debug> fmt::Debug for Local<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Local").field(&*self.value).finish()
    }
}

impl<T: Default + Send + 'static> SystemParam for Local<'_, T> {
    type State = T;
    type Item<'w, 's> = Local<'s, T>;

    fn access(_access: &mut Access) -> Result<(), AccessConflict> {
        Ok(())
    }

    fn init_state(_world: &mut World, _meta: &mut SystemMeta) -> T {
        T::default()
    }

    fn fetch<'w, 's>(state: &'s mut T, _ctx: &mut FetchContext<'w>) -> Local<'s, T> {
        Local { value: state }
    }
}

impl SystemParam for Commands<'_> {
    type State = CommandQueue;
    type Item<'w, 's> = Commands<'s>;

    fn access(_access: &mut Access) -> Result<(), AccessConflict> {
        Ok(())
    }

    fn init_state(_world: &mut World, _meta: &mut SystemMeta) -> CommandQueue {
        CommandQueue::new()
    }

    fn fetch<'w, 's>(state: &'s mut CommandQueue, _ctx: &mut FetchContext<'w>) -> Commands<'s> {
        Commands::new(state)
    }

    fn apply(
        state: &mut CommandQueue,
        world: &mut World,
        system: &str,
        report: &mut CommandReport,
    ) {
        state.apply_into(world, system, report);
    }

    fn discard(state: &mut CommandQueue) {
        *state = CommandQueue::new();
    }
}

fn update_events<E: Send + Sync + 'static>(world: &mut World) {
    if let Ok(events) = world.resource_mut::<Events<E>>() {
        events.update();
    }
}

fn init_events<E: Send + Sync + 'static>(world: &mut World, meta: &mut SystemMeta) {
    if !world.contains_resource::<Events<E>>() {
        world.insert_resource(Events::<E>::new());
    }
    meta.add_frame_update::<Events<E>>(update_events::<E>);
}

/// Sends events of type `E`: borrows the [`Events<E>`] resource exclusively (so two writers of
/// one event type run one after the other, in schedule order, and the ids are deterministic).
///
/// The resource is created on first use. Events sent are readable by systems that run after
/// this one in the same frame and by every reader in the next frame (see [`crate::events`]).
///
/// # Examples
///
/// ```
/// use cellar::prelude::*;
///
/// struct Hit(u32);
/// #[derive(Default)]
/// struct Total(u32);
///
/// fn shoot(mut hits: EventWriter<Hit>) {
///     hits.send(Hit(3));
/// }
/// fn score(mut hits: EventReader<Hit>, mut total: ResMut<Total>) {
///     for hit in hits.read() {
///         total.0 += hit.0;
///     }
/// }
/// let mut world = World::new();
/// world.insert_resource(Total::default());
/// let mut schedule = Schedule::new();
/// schedule.add_system(shoot);
/// schedule.add_system(score.after(shoot));
/// schedule.run(&mut world);
/// assert_eq!(world.resource::<Total>().unwrap().0, 3);
/// ```
pub struct EventWriter<'w, E> {
    events: &'w mut Events<E>,
}

impl<E> EventWriter<'_, E> {
    /// Sends one event.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::prelude::*;
    /// let mut schedule = Schedule::new();
    /// schedule.add_system(|mut w: EventWriter<u8>| { w.send(1); });
    /// let mut world = World::new();
    /// schedule.run(&mut world);
    /// assert_eq!(world.resource::<Events<u8>>().unwrap().len(), 1);
    /// ```
    pub fn send(&mut self, event: E) -> u64 {
        self.events.send(event)
    }

    /// Sends every event of `events`, in order.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::prelude::*;
    /// let mut schedule = Schedule::new();
    /// schedule.add_system(|mut w: EventWriter<u8>| w.send_batch([1, 2]));
    /// let mut world = World::new();
    /// schedule.run(&mut world);
    /// assert_eq!(world.resource::<Events<u8>>().unwrap().len(), 2);
    /// ```
    pub fn send_batch(&mut self, events: impl IntoIterator<Item = E>) {
        self.events.send_batch(events);
    }
}

impl<E> fmt::Debug for EventWriter<'_, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventWriter").field("events", &self.events).finish()
    }
}

impl<E: Send + Sync + 'static> SystemParam for EventWriter<'_, E> {
    type State = ();
    type Item<'w, 's> = EventWriter<'w, E>;

    fn access(access: &mut Access) -> Result<(), AccessConflict> {
        access.add(AccessKey::resource::<Events<E>>(), Borrow::Write)
    }

    fn init_state(world: &mut World, meta: &mut SystemMeta) {
        init_events::<E>(world, meta);
    }

    fn fetch<'w>(_: &mut (), ctx: &mut FetchContext<'w>) -> EventWriter<'w, E> {
        let owner = ctx.write(&AccessKey::resource::<Events<E>>());
        let events = ctx
            .storage()
            .resource_mut::<Events<E>>(owner)
            .unwrap_or_else(|| missing::<Events<E>>());
        EventWriter { events }
    }
}

/// Reads events of type `E` that this system has not read yet: borrows the [`Events<E>`]
/// resource shared and keeps its own cursor, so each event is read once per reader.
///
/// # Examples
///
/// ```
/// use cellar::prelude::*;
///
/// #[derive(Default)]
/// struct Seen(Vec<u32>);
/// fn watch(mut events: EventReader<u32>, mut seen: ResMut<Seen>) {
///     seen.0.extend(events.read().copied());
/// }
/// let mut world = World::new();
/// world.insert_resource(Seen::default());
/// let mut schedule = Schedule::new();
/// schedule.add_system(watch);
/// schedule.run(&mut world); // creates Events<u32>
/// world.resource_mut::<Events<u32>>().unwrap().send(5);
/// schedule.run(&mut world);
/// schedule.run(&mut world);
/// assert_eq!(world.resource::<Seen>().unwrap().0, vec![5]);
/// ```
pub struct EventReader<'w, 's, E> {
    events: &'w Events<E>,
    cursor: &'s mut EventCursor<E>,
}

impl<'w, E> EventReader<'w, '_, E> {
    /// The events not read yet, oldest first; reading marks them read.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::prelude::*;
    /// fn drain(mut r: EventReader<u8>) {
    ///     for _event in r.read() {}
    ///     assert!(r.is_empty());
    /// }
    /// let mut schedule = Schedule::new();
    /// schedule.add_system(drain);
    /// schedule.run(&mut World::new());
    /// ```
    pub fn read(&mut self) -> impl ExactSizeIterator<Item = &'w E> + 'w {
        self.cursor.read(self.events)
    }

    /// How many events are not read yet.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::prelude::*;
    /// let mut schedule = Schedule::new();
    /// schedule.add_system(|r: EventReader<u8>| assert_eq!(r.len(), 0));
    /// schedule.run(&mut World::new());
    /// ```
    pub fn len(&self) -> usize {
        self.cursor.unread(self.events)
    }

    /// Whether every held event has been read.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::prelude::*;
    /// let mut schedule = Schedule::new();
    /// schedule.add_system(|r: EventReader<u8>| assert!(r.is_empty()));
    /// schedule.run(&mut World::new());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many events this reader never saw because they were dropped first (the system did
    /// not run for two frames, say).
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::prelude::*;
    /// let mut schedule = Schedule::new();
    /// schedule.add_system(|r: EventReader<u8>| assert_eq!(r.missed(), 0));
    /// schedule.run(&mut World::new());
    /// ```
    pub fn missed(&self) -> u64 {
        self.cursor.missed()
    }
}

impl<E> fmt::Debug for EventReader<'_, '_, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventReader")
            .field("events", &self.events)
            .field("cursor", &self.cursor)
            .finish()
    }
}

impl<E: Send + Sync + 'static> SystemParam for EventReader<'_, '_, E> {
    type State = EventCursor<E>;
    type Item<'w, 's> = EventReader<'w, 's, E>;

    fn access(access: &mut Access) -> Result<(), AccessConflict> {
        access.add(AccessKey::resource::<Events<E>>(), Borrow::Read)
    }

    fn init_state(world: &mut World, meta: &mut SystemMeta) -> EventCursor<E> {
        init_events::<E>(world, meta);
        EventCursor::new()
    }

    fn fetch<'w, 's>(
        state: &'s mut EventCursor<E>,
        ctx: &mut FetchContext<'w>,
    ) -> EventReader<'w, 's, E> {
        let owner = ctx.read(&AccessKey::resource::<Events<E>>());
        let events =
            ctx.storage().resource::<Events<E>>(owner).unwrap_or_else(|| missing::<Events<E>>());
        EventReader { events, cursor: state }
    }
}

/// A query as a system parameter: `Query<Q, F>` borrows the token of every component `Q`
/// reads (shared) or writes (exclusive); the components its filter `F` looks at count as
/// reads, so a `Changed<T>` filter never runs beside a writer of `T`. Its
/// [`QueryState`] (the cache of matching tables, the last-run tick for change filters) lives
/// in the system between runs.
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
/// let mut world = World::new();
/// let e = world.spawn((Position(1.0), Velocity(0.5)));
/// let mut schedule = Schedule::new();
/// schedule.add_system(movement);
/// schedule.run(&mut world);
/// assert_eq!(world.get::<Position>(e).unwrap().0, 1.5);
/// ```
impl<Q: QueryData, F: QueryFilter + 'static> SystemParam for Query<'_, '_, Q, F> {
    type State = QueryState<Q::Static, F>;
    type Item<'w, 's> = Query<'w, 's, Q::Static, F>;

    fn access(access: &mut Access) -> Result<(), AccessConflict> {
        // A query that aliases within itself is worded as such, with its item type (the
        // name of `Query` itself would show the private module it is defined in).
        let query = Access::of_query::<Q::Static, F>()
            .map_err(|conflict| conflict.within(std::any::type_name::<Q::Static>()))?;
        access.extend(&query)
    }

    fn init_state(world: &mut World, _meta: &mut SystemMeta) -> QueryState<Q::Static, F> {
        QueryState::new(world)
    }

    fn fetch<'w, 's>(
        state: &'s mut QueryState<Q::Static, F>,
        ctx: &mut FetchContext<'w>,
    ) -> Query<'w, 's, Q::Static, F> {
        let storage = ctx.storage();
        state.query(storage, ctx).unwrap_or_else(|err| panic!("{err}"))
    }
}
