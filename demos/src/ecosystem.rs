//! Ecosystem: grass, rabbits and foxes that eat, breed and die.
//!
//! Grass grows back on bare ground; rabbits wander toward the nearest grass and eat it;
//! foxes chase the nearest rabbit and eat it. Animals spend energy to move, breed when they
//! have plenty, and die when they run out or grow old. Every frame, entities are spawned
//! (grass, young) and despawned (eaten, starved, old) through [`Commands`] issued by systems
//! that run in parallel: the store applies them after each batch, in schedule order, so a
//! run gives the same world on any number of threads.
//!
//! The populations chase each other round a cycle: more grass feeds more rabbits, which eat
//! the grass down and feed more foxes, which eat the rabbits down, which lets the grass grow
//! back and starves the foxes. [`run`] charts the three populations over time.
//!
//! # Examples
//!
//! ```
//! use cellar_demos::{cli::Config, ecosystem};
//!
//! let mut config = Config::new(400, 20);
//! config.out = std::env::temp_dir().join("cellar-demos-ecosystem-doc");
//! let report = ecosystem::run(&config).unwrap();
//! assert_eq!(report.populations.len(), 21);
//! ```

use std::collections::HashSet;
use std::f32::consts::TAU;
use std::marker::PhantomData;
use std::time::Instant;

use cellar::prelude::*;
use glam::Vec2;
use rand::RngExt;

use crate::chart::LineChart;
use crate::cli::{Config, Cost, Demo, group};
use crate::color::Rgba;
use crate::output::FileError;
use crate::png_writer::write_png;
use crate::progress::Progress;
use crate::rng::{self, Rng};
use crate::summary::Summary;
use crate::timing::FrameTimer;
use crate::torus::Torus;
use crate::world_hash::{HashBits, StableHasher, hash_world};

/// The demo's name and defaults.
pub const DEMO: Demo = Demo {
    name: "ecosystem",
    about: "Grass, rabbits and foxes that eat, breed and die: entities spawned and despawned \
            every frame through commands from parallel systems. Writes ecosystem.png.",
    entities: 6_000,
    max_entities: 100_000,
    frames: 3_000,
    // 360 ns an entity at 6,000 on one thread, 930 ns at 60,000 (2.2 ms, 56 ms a frame).
    cost: Cost { ns_per_entity: 450.0, growth: 0.41, ns_per_frame: 0.0, one_thread_pass: false },
    outputs: &["ecosystem.png"],
};

// ANCHOR: components
/// Where a plant or an animal is.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Position(pub Vec2);

/// A tuft of grass (a marker: grass has nothing but a position).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Grass;

/// A rabbit: eats grass.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rabbit(pub Animal);

/// A fox: eats rabbits.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Fox(pub Animal);

/// What rabbits and foxes both have.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Animal {
    /// Spent by moving, gained by eating; at zero the animal dies.
    pub energy: f32,
    /// Frames lived.
    pub age: u32,
    /// The direction it moves in, in radians.
    pub heading: f32,
}
// ANCHOR_END: components

/// How one species lives.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Species {
    /// Distance moved per frame.
    pub speed: f32,
    /// How far it sees food.
    pub sight: f32,
    /// How close it must be to eat.
    pub reach: f32,
    /// Energy spent per frame.
    pub upkeep: f32,
    /// The chance that food within reach is caught, per frame.
    pub catch: f32,
    /// Energy gained per meal.
    pub meal: f32,
    /// The most energy it can hold.
    pub max_energy: f32,
    /// Energy above which it may breed (the young takes half).
    pub breed_energy: f32,
    /// The chance per frame of breeding when it has the energy.
    pub breed_chance: f32,
    /// Frames it lives at most.
    pub lifespan: u32,
}

/// The ecosystem's rules: a resource.
///
/// # Examples
///
/// ```
/// let nature = cellar_demos::ecosystem::Nature::for_population(6_000);
/// assert!(nature.fox.speed > nature.rabbit.speed);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Nature {
    /// The size of the (wrapping) land.
    pub land: Vec2,
    /// The most grass the land holds.
    pub grass_capacity: usize,
    /// The share of bare ground that grows grass back each frame.
    pub regrowth: f32,
    /// Rabbits.
    pub rabbit: Species,
    /// Foxes.
    pub fox: Species,
}

impl Nature {
    /// Rules for a start of `n` entities; the land grows with `n`.
    ///
    /// ```
    /// use cellar_demos::ecosystem::Nature;
    /// assert!(Nature::for_population(4_000).land.x > Nature::for_population(1_000).land.x);
    /// ```
    pub fn for_population(n: usize) -> Self {
        let area = n as f32 * 120.0;
        let height = (area / 1.6).sqrt().max(40.0);
        Nature {
            land: Vec2::new(height * 1.6, height),
            grass_capacity: n,
            regrowth: 0.006,
            rabbit: Species {
                speed: 0.9,
                sight: 10.0,
                reach: 2.0,
                upkeep: 0.1,
                catch: 1.0,
                meal: 5.0,
                max_energy: 40.0,
                breed_energy: 24.0,
                breed_chance: 0.08,
                lifespan: 700,
            },
            fox: Species {
                speed: 1.0,
                sight: 10.0,
                reach: 2.5,
                upkeep: 0.2,
                catch: 0.15,
                meal: 20.0,
                max_energy: 80.0,
                breed_energy: 60.0,
                breed_chance: 0.02,
                lifespan: 1_200,
            },
        }
    }
}

/// The frame counter and the seed: with an entity's index they key its random numbers, so
/// parallel loops draw the same numbers on any number of threads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Clock {
    /// Frames so far.
    pub frame: u64,
    /// The run's seed.
    pub seed: u64,
}

impl Clock {
    /// The random stream of `entity` in this frame, for purpose `salt`.
    ///
    /// ```
    /// use cellar_demos::ecosystem::Clock;
    /// use rand::Rng as _;
    /// let mut world = cellar::prelude::World::new();
    /// let e = world.spawn(());
    /// let clock = Clock { frame: 3, seed: 1 };
    /// assert_eq!(clock.rng(e, 0).next_u64(), clock.rng(e, 0).next_u64());
    /// ```
    pub fn rng(&self, entity: Entity, salt: u64) -> Rng {
        rng::keyed(self.seed, &[self.frame, u64::from(entity.index()), salt])
    }
}

/// A spatial index of the entities marked `T` (grass or rabbits): a `ShardedMap` from grid
/// cell to the entities in it, filled by a parallel loop each frame.
///
/// # Examples
///
/// ```
/// use cellar::prelude::*;
/// use cellar_demos::ecosystem::{Grass, Index};
/// use glam::Vec2;
///
/// let mut world = World::new();
/// let tuft = world.spawn(());
/// let index = Index::<Grass>::new(Vec2::new(100.0, 100.0), 10.0);
/// index.insert(tuft, Vec2::new(5.0, 5.0));
/// let found = index.nearest(Vec2::new(8.0, 9.0), 10.0);
/// assert_eq!(found.map(|(e, _)| e), Some(tuft));
/// assert_eq!(index.nearest(Vec2::new(50.0, 50.0), 10.0), None);
/// ```
#[derive(Debug)]
pub struct Index<T> {
    cells: ShardedMap<(i32, i32), Vec<(Entity, Vec2)>>,
    land: Vec2,
    cell: Vec2,
    cols: i32,
    rows: i32,
    marker: PhantomData<fn() -> T>,
}

impl<T> Index<T> {
    /// An empty index over `land`, with cells at least `cell` wide (the longest sight).
    ///
    /// ```
    /// let index = cellar_demos::ecosystem::Index::<u8>::new(Default::default(), 5.0);
    /// assert_eq!(index.nearest(Default::default(), 5.0), None);
    /// ```
    pub fn new(land: Vec2, cell: f32) -> Self {
        let cols = ((land.x / cell) as i32).max(1);
        let rows = ((land.y / cell) as i32).max(1);
        Index {
            cells: ShardedMap::new(),
            land,
            cell: Vec2::new(land.x / cols as f32, land.y / rows as f32),
            cols,
            rows,
            marker: PhantomData,
        }
    }

    fn cell_of(&self, p: Vec2) -> (i32, i32) {
        let x = ((p.x / self.cell.x) as i32).clamp(0, self.cols - 1);
        let y = ((p.y / self.cell.y) as i32).clamp(0, self.rows - 1);
        (x, y)
    }

    /// Empties every cell, keeping the memory.
    ///
    /// ```
    /// use cellar_demos::ecosystem::Index;
    /// let index = Index::<u8>::new(glam::Vec2::new(10.0, 10.0), 5.0);
    /// index.clear();
    /// ```
    pub fn clear(&self) {
        self.cells.retain(|_, cell| {
            cell.clear();
            true
        });
    }

    /// Adds `entity` at `p`; callable from many threads at once.
    ///
    /// ```
    /// use cellar_demos::ecosystem::Index;
    /// use glam::Vec2;
    /// let mut world = cellar::prelude::World::new();
    /// let index = Index::<u8>::new(Vec2::new(10.0, 10.0), 5.0);
    /// index.insert(world.spawn(()), Vec2::new(1.0, 1.0));
    /// ```
    pub fn insert(&self, entity: Entity, p: Vec2) {
        self.cells.upsert(self.cell_of(p), Vec::new, |cell| cell.push((entity, p)));
    }

    /// The nearest entity within `radius` of `p` (at most a cell away) and its position;
    /// ties go to the lower entity index, so the answer does not depend on the order the
    /// cells were filled in.
    ///
    /// ```
    /// use cellar_demos::ecosystem::Index;
    /// use glam::Vec2;
    /// let mut world = cellar::prelude::World::new();
    /// let (a, b) = (world.spawn(()), world.spawn(()));
    /// let index = Index::<u8>::new(Vec2::new(100.0, 100.0), 10.0);
    /// index.insert(b, Vec2::new(12.0, 10.0));
    /// index.insert(a, Vec2::new(8.0, 10.0));
    /// assert_eq!(index.nearest(Vec2::new(10.0, 10.0), 5.0).unwrap().0, a);
    /// ```
    pub fn nearest(&self, p: Vec2, radius: f32) -> Option<(Entity, Vec2)> {
        let (cx, cy) = self.cell_of(p);
        let mut best: Option<(f32, u32, Entity, Vec2)> = None;
        let mut seen = [(i32::MIN, i32::MIN); 9];
        for (k, (dx, dy)) in (-1..=1).flat_map(|dy| (-1..=1).map(move |dx| (dx, dy))).enumerate() {
            let key = ((cx + dx).rem_euclid(self.cols), (cy + dy).rem_euclid(self.rows));
            if seen[..k].contains(&key) {
                continue;
            }
            seen[k] = key;
            self.cells.with(&key, |cell| {
                for &(entity, q) in cell {
                    let d2 = q.wrapped_sub(p, self.land).length_squared();
                    let candidate = (d2, entity.index(), entity, q);
                    let better = best.is_none_or(|b| (d2, entity.index()) < (b.0, b.1));
                    if d2 <= radius * radius && better {
                        best = Some(candidate);
                    }
                }
            });
        }
        best.map(|(_, _, entity, q)| (entity, q))
    }
}

// ANCHOR: systems
/// Moves the clock on.
pub fn tick(mut clock: ResMut<Clock>) {
    clock.frame += 1;
}

/// Indexes the grass by cell, from a parallel loop.
pub fn index_grass(index: Res<Index<Grass>>, grass: Query<(Entity, &Position), With<Grass>>) {
    index.clear();
    grass.par_iter().for_each(|(entity, position)| index.insert(entity, position.0));
}

/// Indexes the rabbits by cell, from a parallel loop.
pub fn index_rabbits(index: Res<Index<Rabbit>>, rabbits: Query<(Entity, &Position), With<Rabbit>>) {
    index.clear();
    rabbits.par_iter().for_each(|(entity, position)| index.insert(entity, position.0));
}

/// Grows grass back on bare ground, at random places.
pub fn grow_grass(
    clock: Res<Clock>,
    nature: Res<Nature>,
    grass: Query<&Grass>,
    mut commands: Commands,
) {
    let bare = nature.grass_capacity.saturating_sub(grass.iter().count());
    let mut rng = rng::keyed(clock.seed, &[clock.frame, u64::MAX]);
    let sprouts = (bare as f32 * nature.regrowth + rng.random::<f32>()) as usize;
    for _ in 0..sprouts {
        let at =
            Vec2::new(rng.random_range(0.0..nature.land.x), rng.random_range(0.0..nature.land.y));
        commands.spawn((Position(at), Grass));
    }
}

/// One step of an animal: toward the food it sees, else a random turn; pays its upkeep.
fn step(
    animal: &mut Animal,
    position: &mut Vec2,
    food: Option<Vec2>,
    species: &Species,
    land: Vec2,
    rng: &mut Rng,
) {
    animal.heading = match food {
        Some(q) => q.wrapped_sub(*position, land).to_angle(),
        None => animal.heading + rng.random_range(-0.6..0.6),
    };
    *position = (*position + Vec2::from_angle(animal.heading) * species.speed).wrapped(land);
    animal.energy -= species.upkeep;
    animal.age += 1;
}

/// Rabbits move toward the nearest grass they see.
pub fn move_rabbits(
    clock: Res<Clock>,
    nature: Res<Nature>,
    grass: Res<Index<Grass>>,
    mut rabbits: Query<(Entity, &mut Position, &mut Rabbit)>,
) {
    rabbits.par_iter_mut().for_each(|(entity, position, rabbit)| {
        let food = grass.nearest(position.0, nature.rabbit.sight).map(|(_, at)| at);
        let mut rng = clock.rng(entity, 0);
        step(&mut rabbit.0, &mut position.0, food, &nature.rabbit, nature.land, &mut rng);
    });
}

/// Foxes move toward the nearest rabbit they see.
pub fn move_foxes(
    clock: Res<Clock>,
    nature: Res<Nature>,
    rabbits: Res<Index<Rabbit>>,
    mut foxes: Query<(Entity, &mut Position, &mut Fox)>,
) {
    foxes.par_iter_mut().for_each(|(entity, position, fox)| {
        let prey = rabbits.nearest(position.0, nature.fox.sight).map(|(_, at)| at);
        let mut rng = clock.rng(entity, 1);
        step(&mut fox.0, &mut position.0, prey, &nature.fox, nature.land, &mut rng);
    });
}

/// Rabbits eat the grass within reach; each tuft feeds one rabbit and is despawned.
pub fn graze(
    nature: Res<Nature>,
    grass: Res<Index<Grass>>,
    mut rabbits: Query<(&Position, &mut Rabbit)>,
    mut eaten: Local<HashSet<Entity>>,
    mut commands: Commands,
) {
    eaten.clear();
    for (position, rabbit) in rabbits.iter_mut() {
        if let Some((tuft, _)) = grass.nearest(position.0, nature.rabbit.reach)
            && rabbit.0.energy < nature.rabbit.max_energy
            && eaten.insert(tuft)
        {
            rabbit.0.energy += nature.rabbit.meal;
            commands.despawn(tuft);
        }
    }
}

/// Foxes eat the rabbits within reach; each rabbit feeds one fox and is despawned.
pub fn hunt(
    clock: Res<Clock>,
    nature: Res<Nature>,
    rabbits: Res<Index<Rabbit>>,
    mut foxes: Query<(Entity, &Position, &mut Fox)>,
    mut eaten: Local<HashSet<Entity>>,
    mut commands: Commands,
) {
    eaten.clear();
    for (entity, position, fox) in foxes.iter_mut() {
        if let Some((rabbit, _)) = rabbits.nearest(position.0, nature.fox.reach)
            && fox.0.energy < nature.fox.max_energy
            && clock.rng(entity, 4).random_bool(f64::from(nature.fox.catch))
            && eaten.insert(rabbit)
        {
            fox.0.energy += nature.fox.meal;
            commands.despawn(rabbit);
        }
    }
}

/// What an animal does at the end of its frame.
enum Fate {
    Dies,
    Breeds(Animal),
    Lives,
}

/// Dies of hunger or age, or breeds when it has energy to spare (the young takes half).
fn fate(animal: &mut Animal, species: &Species, rng: &mut Rng) -> Fate {
    if animal.energy <= 0.0 || animal.age >= species.lifespan {
        Fate::Dies
    } else if animal.energy >= species.breed_energy
        && rng.random_bool(f64::from(species.breed_chance))
    {
        animal.energy /= 2.0;
        Fate::Breeds(Animal { energy: animal.energy, age: 0, heading: rng.random_range(0.0..TAU) })
    } else {
        Fate::Lives
    }
}

/// Rabbits die or breed.
pub fn rabbits_live(
    clock: Res<Clock>,
    nature: Res<Nature>,
    mut rabbits: Query<(Entity, &Position, &mut Rabbit)>,
    mut commands: Commands,
) {
    for (entity, position, rabbit) in rabbits.iter_mut() {
        match fate(&mut rabbit.0, &nature.rabbit, &mut clock.rng(entity, 2)) {
            Fate::Dies => commands.despawn(entity),
            Fate::Breeds(young) => {
                commands.spawn((*position, Rabbit(young)));
            }
            Fate::Lives => {}
        }
    }
}

/// Foxes die or breed.
pub fn foxes_live(
    clock: Res<Clock>,
    nature: Res<Nature>,
    mut foxes: Query<(Entity, &Position, &mut Fox)>,
    mut commands: Commands,
) {
    for (entity, position, fox) in foxes.iter_mut() {
        match fate(&mut fox.0, &nature.fox, &mut clock.rng(entity, 3)) {
            Fate::Dies => commands.despawn(entity),
            Fate::Breeds(young) => {
                commands.spawn((*position, Fox(young)));
            }
            Fate::Lives => {}
        }
    }
}

/// The frame, in the order the systems depend on each other. Those that borrow no token in
/// conflict share a batch: the clock with the two indexes, the grass growth with the
/// rabbits' move, `graze` with `hunt` (rabbits and foxes are different tokens),
/// `rabbits_live` with `foxes_live`.
pub fn schedule() -> Schedule {
    let mut schedule = Schedule::new();
    schedule.add_system(tick);
    schedule.add_system(index_grass);
    schedule.add_system(index_rabbits);
    schedule.add_system(grow_grass);
    schedule.add_system(move_rabbits.after(index_grass));
    schedule.add_system(move_foxes.after(index_rabbits));
    schedule.add_system(graze);
    schedule.add_system(hunt);
    schedule.add_system(rabbits_live);
    schedule.add_system(foxes_live);
    schedule
}
// ANCHOR_END: systems

/// A world with `config.entities` entities: one in eight a rabbit, one in a hundred a fox,
/// the rest grass, at random places, with the [`Nature`], [`Clock`] and index resources.
///
/// ```
/// let world = cellar_demos::ecosystem::setup(&cellar_demos::cli::Config::new(100, 1));
/// assert_eq!(world.len(), 100);
/// ```
pub fn setup(config: &Config) -> World {
    let n = config.entities;
    let nature = Nature::for_population(n);
    let mut rng = rng::seeded(config.seed);
    let mut world = World::new();
    let (rabbits, foxes) = (n / 8, n / 100);
    let grass = n - rabbits - foxes;
    let anywhere = |rng: &mut Rng| {
        Position(Vec2::new(
            rng.random_range(0.0..nature.land.x),
            rng.random_range(0.0..nature.land.y),
        ))
    };
    world.spawn_batch((0..grass).map(|_| (anywhere(&mut rng), Grass)).collect::<Vec<_>>());
    let animal = |rng: &mut Rng, s: &Species| Animal {
        energy: rng.random_range(s.breed_energy * 0.3..s.breed_energy * 0.9),
        age: rng.random_range(0..s.lifespan / 2),
        heading: rng.random_range(0.0..TAU),
    };
    let young: Vec<_> = (0..rabbits)
        .map(|_| (anywhere(&mut rng), Rabbit(animal(&mut rng, &nature.rabbit))))
        .collect();
    world.spawn_batch(young);
    let young: Vec<_> =
        (0..foxes).map(|_| (anywhere(&mut rng), Fox(animal(&mut rng, &nature.fox)))).collect();
    world.spawn_batch(young);
    let cell = nature.rabbit.sight.max(nature.fox.sight);
    world.insert_resource(Index::<Grass>::new(nature.land, cell));
    world.insert_resource(Index::<Rabbit>::new(nature.land, cell));
    world.insert_resource(Clock { frame: 0, seed: config.seed });
    world.insert_resource(nature);
    world
}

/// The numbers of grass tufts, rabbits and foxes in `world`.
///
/// ```
/// let world = cellar_demos::ecosystem::setup(&cellar_demos::cli::Config::new(100, 1));
/// assert_eq!(cellar_demos::ecosystem::census(&world), [87, 12, 1]);
/// ```
pub fn census(world: &World) -> [usize; 3] {
    [
        world.query_filtered::<Entity, With<Grass>>().count(),
        world.query_filtered::<Entity, With<Rabbit>>().count(),
        world.query_filtered::<Entity, With<Fox>>().count(),
    ]
}

impl HashBits for Position {
    fn hash_bits(&self, h: &mut StableHasher) {
        self.0.hash_bits(h);
    }
}

impl HashBits for Animal {
    fn hash_bits(&self, h: &mut StableHasher) {
        (self.energy, self.age, self.heading).hash_bits(h);
    }
}

impl HashBits for Rabbit {
    fn hash_bits(&self, h: &mut StableHasher) {
        self.0.hash_bits(h);
    }
}

impl HashBits for Fox {
    fn hash_bits(&self, h: &mut StableHasher) {
        self.0.hash_bits(h);
    }
}

/// The colours of the chart: grass, rabbits, foxes.
pub const COLORS: [Rgba; 3] =
    [Rgba::rgb(60, 160, 40), Rgba::rgb(120, 110, 220), Rgba::rgb(220, 90, 30)];

/// The chart's width and height, in pixels.
pub const CHART_SIZE: (u32, u32) = (960, 600);

/// What a run of the demo produced.
#[derive(Clone, Debug)]
pub struct Report {
    /// Entities, frame and system times, files written.
    pub summary: Summary,
    /// Grass, rabbits and foxes at the start and after every frame.
    pub populations: Vec<[usize; 3]>,
    /// Entities spawned and despawned by commands over the run.
    pub commands_applied: usize,
    /// Commands skipped because their entity was gone.
    pub commands_skipped: usize,
    /// The hash of every entity's components at the end.
    pub hash: u64,
    /// The whole run, drawing and writing included.
    pub wall: std::time::Duration,
}

/// Runs the demo and writes `ecosystem.png`, the chart of the three populations, into
/// `config.out`.
///
/// # Errors
///
/// Where the output directory or the chart cannot be used, checked before the first frame
/// (see [`Config::check`]), or the chart cannot be written at the end.
///
/// ```
/// use cellar_demos::{cli::Config, ecosystem};
/// let mut config = Config::new(200, 3);
/// config.out = std::env::temp_dir().join("cellar-demos-ecosystem-run-doc");
/// assert_eq!(ecosystem::run(&config).unwrap().summary.frames.frames, 3);
/// ```
pub fn run(config: &Config) -> Result<Report, FileError> {
    let started = Instant::now();
    let outputs = config.check(&DEMO)?;
    let pool = config.thread_pool();
    let mut world = setup(config);
    let mut schedule = schedule();
    let mut populations = vec![census(&world)];
    let (mut applied, mut skipped) = (0, 0);

    let progress = Progress::new(DEMO.name, config.frames, config.progress);
    let mut timer = FrameTimer::new();
    for _ in 0..config.frames {
        timer.time(|| schedule.run_in(&pool, &mut world));
        applied += schedule.last_run_report().applied();
        skipped += schedule.last_run_report().skipped().len();
        let [g, r, f] = census(&world);
        populations.push([g, r, f]);
        progress.message(format!("grass {g}, rabbits {r}, foxes {f}"));
        progress.tick();
    }
    progress.finish();

    let title = format!(
        "Ecosystem: grass, rabbits and foxes over {} frames ({} at the start, seed {})",
        group(config.frames),
        group(config.entities),
        config.seed
    );
    let mut chart = LineChart::new(title, "frame");
    for (k, name) in ["grass tufts", "rabbits", "foxes"].into_iter().enumerate() {
        chart.add_series(name, COLORS[k], populations.iter().map(|p| p[k] as f32));
    }
    let path = outputs.path("ecosystem.png");
    write_png(&path, &chart.render(CHART_SIZE.0, CHART_SIZE.1))?;

    let mut summary = Summary::new(
        DEMO.name,
        config.threads,
        config.entities,
        world.len(),
        timer.stats(),
        &schedule,
    );
    summary.outputs = vec![path];
    let hash = hash_world::<(&Position, Option<&Rabbit>, Option<&Fox>)>(&world);
    Ok(Report {
        summary,
        populations,
        commands_applied: applied,
        commands_skipped: skipped,
        hash,
        wall: started.elapsed(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn systems_without_conflicting_tokens_share_batches() {
        let mut schedule = schedule();
        schedule.build().unwrap();
        let short = |n: &&str| n.rsplit("::").next().unwrap().to_owned();
        let batches: Vec<Vec<String>> =
            schedule.batches().iter().map(|b| b.iter().map(short).collect()).collect();
        assert_eq!(
            batches,
            [
                vec!["tick", "index_grass", "index_rabbits"],
                vec!["grow_grass", "move_rabbits"],
                vec!["move_foxes"],
                vec!["graze", "hunt"],
                vec!["rabbits_live", "foxes_live"],
            ]
        );
    }

    #[test]
    fn a_fox_next_to_a_rabbit_eats_it_once() {
        let mut world = setup(&Config::new(1, 1));
        world.clear();
        world.resource_mut::<Nature>().unwrap().fox.catch = 1.0;
        let at = Position(Vec2::new(10.0, 10.0));
        let animal = Animal { energy: 10.0, age: 0, heading: 0.0 };
        let rabbit = world.spawn((at, Rabbit(animal)));
        let foxes = [world.spawn((at, Fox(animal))), world.spawn((at, Fox(animal)))];
        let mut schedule = Schedule::new();
        schedule.add_system(index_rabbits);
        schedule.add_system(hunt.after(index_rabbits));
        schedule.run(&mut world);
        assert!(!world.contains(rabbit));
        let fed: Vec<f32> = foxes.iter().map(|&f| world.get::<Fox>(f).unwrap().0.energy).collect();
        assert_eq!(fed.iter().filter(|&&e| e > 10.0).count(), 1, "{fed:?}");
    }
}
