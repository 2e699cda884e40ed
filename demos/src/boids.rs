//! Boids: a flock that steers by three local rules, over a spatial grid in a `ShardedMap`.
//!
//! Each boid sees the others within its view radius and steers by Craig Reynolds' three
//! rules: *separation* (move away from those too close), *alignment* (match their heading)
//! and *cohesion* (move toward their centre). The world wraps around at its edges.
//!
//! One frame is five systems:
//!
//! 1. [`fill_grid`] puts every boid into a cell of the [`Grid`], a `ShardedMap` from cell to
//!    the boids in it, from a parallel loop: many threads insert at once, each locking only
//!    the shard its cell falls in.
//! 2. [`separation`], [`alignment`] and [`cohesion`] each read positions (and velocities) and
//!    the grid, and each writes its own steering component. No two of them write the same
//!    token, so the schedule puts them in one batch and runs them at the same time, each a
//!    parallel loop of its own.
//! 3. [`integrate`] adds the three steering vectors to the velocity and moves the boids.
//!
//! # Examples
//!
//! ```
//! use cellar_demos::{boids, cli::Config};
//!
//! let mut config = Config::new(300, 3);
//! config.out = std::env::temp_dir().join("cellar-demos-boids-doc");
//! let report = boids::run(&config).unwrap();
//! assert_eq!(report.summary.entities_end, 300);
//! ```

use std::f32::consts::TAU;
use std::hash::{BuildHasherDefault, Hasher};
use std::time::Instant;

use cellar::prelude::*;
use glam::Vec2;
use rand::RngExt;
use tiny_skia::PathBuilder;

use crate::canvas::Canvas;
use crate::cli::{Config, Cost, Demo, group};
use crate::color::Rgba;
use crate::gif_writer::GifWriter;
use crate::output::FileError;
use crate::png_writer::write_png;
use crate::progress::Progress;
use crate::rng;
use crate::summary::Summary;
use crate::text::{Anchor, TextStyle};
use crate::timing::FrameTimer;
use crate::torus::Torus;
use crate::world_hash::{HashBits, StableHasher, hash_world};

/// The demo's name and defaults.
pub const DEMO: Demo = Demo {
    name: "boids",
    about: "A flock of boids: separation, alignment and cohesion as parallel systems over a \
            spatial grid in a ShardedMap. Writes boids.gif and boids.png.",
    entities: 10_000,
    max_entities: 100_000,
    frames: 300,
    // 3.1 µs a boid at 10,000 on one thread, 6.2 µs at 50,000 (one frame: 31 ms, 308 ms);
    // drawing the animation adds about a second per 10,000 boids, whatever the frames.
    cost: Cost { ns_per_entity: 3_100.0, growth: 0.43, ns_per_frame: 0.0, one_thread_pass: false },
    outputs: &["boids.gif", "boids.png"],
};

// ANCHOR: components
/// Where a boid is, in world units.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Position(pub Vec2);

/// How far a boid moves per frame.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Velocity(pub Vec2);

/// The push away from boids that are too close (written by [`separation`]).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Separation(pub Vec2);

/// The pull toward the neighbours' mean velocity (written by [`alignment`]).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Alignment(pub Vec2);

/// The pull toward the neighbours' centre (written by [`cohesion`]).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Cohesion(pub Vec2);
// ANCHOR_END: components

/// The flock's rules: a resource every system reads.
///
/// # Examples
///
/// ```
/// let rules = cellar_demos::boids::Rules::for_flock(10_000);
/// assert!(rules.world.x > rules.world.y);
/// assert!(rules.view > rules.personal_space);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rules {
    /// The size of the (wrapping) world.
    pub world: Vec2,
    /// How far a boid sees: the radius of alignment and cohesion.
    pub view: f32,
    /// How close is too close: the radius of separation.
    pub personal_space: f32,
    /// The weights of the three rules.
    pub weights: [f32; 3],
    /// The largest change of velocity in one frame.
    pub max_steer: f32,
    /// The slowest and fastest speeds.
    pub speed: (f32, f32),
}

impl Rules {
    /// Rules for a flock of `n`: the world grows with the flock, so the density, and with it
    /// the work per boid, stays the same.
    ///
    /// ```
    /// use cellar_demos::boids::Rules;
    /// let (small, big) = (Rules::for_flock(100), Rules::for_flock(10_000));
    /// assert!((big.world.x / small.world.x - 10.0).abs() < 1e-3);
    /// ```
    pub fn for_flock(n: usize) -> Self {
        let area = n as f32 * 150.0;
        let height = (area / 1.6).sqrt().max(60.0);
        Rules {
            world: Vec2::new(height * 1.6, height),
            view: 20.0,
            personal_space: 7.0,
            weights: [1.6, 0.15, 0.01],
            max_steer: 0.2,
            speed: (1.2, 3.0),
        }
    }
}

/// A boid as the grid keeps it: a copy of what the steering rules need, so they never look
/// another entity up in the world.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Neighbour {
    /// The boid's entity index: tells a boid itself from the others, and orders each cell.
    pub id: u32,
    /// Its position at the start of the frame.
    pub position: Vec2,
    /// Its velocity at the start of the frame.
    pub velocity: Vec2,
}

/// A fast hash for grid cells: the map's default (SipHash) resists crafted keys, which a
/// grid of small integers does not need, and costs more than the lookups it serves (the
/// boids spend about 30% less time with this one).
///
/// ```
/// use std::hash::BuildHasher;
/// use std::hash::BuildHasherDefault;
/// use cellar_demos::boids::CellHasher;
/// let build = BuildHasherDefault::<CellHasher>::default();
/// assert_ne!(build.hash_one((1i32, 2i32)), build.hash_one((2i32, 1i32)));
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct CellHasher(u64);

impl Hasher for CellHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u8(b);
        }
    }
    fn write_u8(&mut self, n: u8) {
        self.write_u64(u64::from(n));
    }
    fn write_i32(&mut self, n: i32) {
        self.write_u64(n as u32 as u64);
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn finish(&self) -> u64 {
        // Spread the high bits down: the map picks shards and buckets from different bits.
        self.0 ^ (self.0 >> 29) ^ (self.0 >> 41)
    }
}

/// The spatial grid: square cells at least as wide as the view radius, each holding the
/// boids in it, in a `ShardedMap` that parallel systems fill and read.
///
/// # Examples
///
/// ```
/// use cellar_demos::boids::{Grid, Neighbour, Rules};
/// use glam::Vec2;
///
/// let grid = Grid::new(&Rules::for_flock(1_000));
/// let at = |x, y| Neighbour { id: 0, position: Vec2::new(x, y), velocity: Vec2::ZERO };
/// grid.insert(at(10.0, 10.0));
/// let mut seen = 0;
/// grid.for_each_near(Vec2::new(15.0, 12.0), |_| seen += 1);
/// assert_eq!(seen, 1);
/// ```
#[derive(Debug)]
pub struct Grid {
    cells: ShardedMap<(i32, i32), Vec<Neighbour>, BuildHasherDefault<CellHasher>>,
    cell: Vec2,
    cols: i32,
    rows: i32,
}

impl Grid {
    /// An empty grid for `rules`' world, with cells at least `rules.view` wide.
    ///
    /// ```
    /// let grid = cellar_demos::boids::Grid::new(&cellar_demos::boids::Rules::for_flock(10));
    /// let mut n = 0;
    /// grid.for_each_near(Default::default(), |_| n += 1);
    /// assert_eq!(n, 0);
    /// ```
    pub fn new(rules: &Rules) -> Self {
        let cols = ((rules.world.x / rules.view) as i32).max(1);
        let rows = ((rules.world.y / rules.view) as i32).max(1);
        Grid {
            cells: ShardedMap::with_shards_and_hasher(64, BuildHasherDefault::default()),
            cell: Vec2::new(rules.world.x / cols as f32, rules.world.y / rows as f32),
            cols,
            rows,
        }
    }

    fn cell_of(&self, p: Vec2) -> (i32, i32) {
        let x = ((p.x / self.cell.x) as i32).clamp(0, self.cols - 1);
        let y = ((p.y / self.cell.y) as i32).clamp(0, self.rows - 1);
        (x, y)
    }

    /// Adds a boid to its cell; callable from many threads at once.
    ///
    /// ```
    /// use cellar_demos::boids::{Grid, Neighbour, Rules};
    /// let grid = Grid::new(&Rules::for_flock(10));
    /// grid.insert(Neighbour { id: 3, position: Default::default(), velocity: Default::default() });
    /// ```
    pub fn insert(&self, boid: Neighbour) {
        self.cells.upsert(self.cell_of(boid.position), Vec::new, |cell| cell.push(boid));
    }

    /// Empties every cell, keeping their memory for the next frame.
    ///
    /// ```
    /// use cellar_demos::boids::{Grid, Neighbour, Rules};
    /// let grid = Grid::new(&Rules::for_flock(10));
    /// grid.insert(Neighbour { id: 3, position: Default::default(), velocity: Default::default() });
    /// grid.clear();
    /// let mut n = 0;
    /// grid.for_each_near(Default::default(), |_| n += 1);
    /// assert_eq!(n, 0);
    /// ```
    pub fn clear(&self) {
        self.cells.retain(|_, cell| {
            cell.clear();
            true
        });
    }

    /// Sorts each cell by entity: parallel inserts land in any order, and sorted cells make
    /// the sums over neighbours, and so the whole run, the same on any number of threads.
    ///
    /// ```
    /// use cellar_demos::boids::{Grid, Neighbour, Rules};
    /// let grid = Grid::new(&Rules::for_flock(10));
    /// for id in [5, 2, 9] {
    ///     grid.insert(Neighbour { id, position: Default::default(), velocity: Default::default() });
    /// }
    /// grid.sort();
    /// let mut ids = vec![];
    /// grid.for_each_near(Default::default(), |n| ids.push(n.id));
    /// assert_eq!(ids, [2, 5, 9]);
    /// ```
    pub fn sort(&self) {
        self.cells.retain(|_, cell| {
            cell.sort_unstable_by_key(|n| n.id);
            true
        });
    }

    /// Calls `f` with every boid in the cell of `p` and the eight cells around it (wrapping
    /// at the world's edges), each cell once.
    ///
    /// ```
    /// use cellar_demos::boids::{Grid, Neighbour, Rules};
    /// use glam::Vec2;
    /// let rules = Rules::for_flock(1_000);
    /// let grid = Grid::new(&rules);
    /// // A boid at the far right edge is a neighbour of one at the left edge.
    /// let edge = Vec2::new(rules.world.x - 1.0, 5.0);
    /// grid.insert(Neighbour { id: 1, position: edge, velocity: Vec2::ZERO });
    /// let mut seen = 0;
    /// grid.for_each_near(Vec2::new(1.0, 5.0), |_| seen += 1);
    /// assert_eq!(seen, 1);
    /// ```
    pub fn for_each_near(&self, p: Vec2, mut f: impl FnMut(&Neighbour)) {
        let (cx, cy) = self.cell_of(p);
        let mut keys = [(0, 0); 9];
        let mut n = 0;
        for dy in -1..=1 {
            for dx in -1..=1 {
                let key = ((cx + dx).rem_euclid(self.cols), (cy + dy).rem_euclid(self.rows));
                if !keys[..n].contains(&key) {
                    keys[n] = key;
                    n += 1;
                }
            }
        }
        for key in &keys[..n] {
            self.cells.with(key, |cell| cell.iter().for_each(&mut f));
        }
    }
}

// ANCHOR: steering
/// The three rules and the move, for one boid: what every ECS runs per entity (the
/// application benchmark runs these very functions under bevy_ecs and hecs too).
impl Rules {
    /// The push away from the boids closer than the personal space, stronger the closer
    /// they are. `me` is the boid's own id, which the grid holds too.
    ///
    /// ```
    /// use cellar_demos::boids::{Grid, Neighbour, Rules};
    /// use glam::Vec2;
    /// let rules = Rules::for_flock(1_000);
    /// let grid = Grid::new(&rules);
    /// grid.insert(Neighbour { id: 1, position: Vec2::new(12.0, 10.0), velocity: Vec2::ZERO });
    /// assert!(rules.separation(&grid, 0, Vec2::new(10.0, 10.0)).x < 0.0);
    /// ```
    pub fn separation(&self, grid: &Grid, me: u32, position: Vec2) -> Vec2 {
        let mut push = Vec2::ZERO;
        grid.for_each_near(position, |other| {
            let away = position.wrapped_sub(other.position, self.world);
            let d2 = away.length_squared();
            if other.id != me && d2 < self.personal_space.powi(2) && d2 > 0.0 {
                push += away / d2;
            }
        });
        push
    }

    /// The turn toward the mean velocity of the boids in view.
    ///
    /// ```
    /// use cellar_demos::boids::{Grid, Neighbour, Rules};
    /// use glam::Vec2;
    /// let rules = Rules::for_flock(1_000);
    /// let grid = Grid::new(&rules);
    /// grid.insert(Neighbour { id: 1, position: Vec2::new(12.0, 10.0), velocity: Vec2::X });
    /// assert_eq!(rules.alignment(&grid, 0, Vec2::new(10.0, 10.0), Vec2::Y), Vec2::X - Vec2::Y);
    /// ```
    pub fn alignment(&self, grid: &Grid, me: u32, position: Vec2, velocity: Vec2) -> Vec2 {
        let (mut sum, mut count) = (Vec2::ZERO, 0.0);
        grid.for_each_near(position, |other| {
            let d2 = position.wrapped_sub(other.position, self.world).length_squared();
            if other.id != me && d2 < self.view.powi(2) {
                sum += other.velocity;
                count += 1.0;
            }
        });
        if count > 0.0 { sum / count - velocity } else { Vec2::ZERO }
    }

    /// The pull toward the centre of the boids in view.
    ///
    /// ```
    /// use cellar_demos::boids::{Grid, Neighbour, Rules};
    /// use glam::Vec2;
    /// let rules = Rules::for_flock(1_000);
    /// let grid = Grid::new(&rules);
    /// grid.insert(Neighbour { id: 1, position: Vec2::new(14.0, 10.0), velocity: Vec2::ZERO });
    /// assert_eq!(rules.cohesion(&grid, 0, Vec2::new(10.0, 10.0)), Vec2::new(4.0, 0.0));
    /// ```
    pub fn cohesion(&self, grid: &Grid, me: u32, position: Vec2) -> Vec2 {
        let (mut sum, mut count) = (Vec2::ZERO, 0.0);
        grid.for_each_near(position, |other| {
            let offset = other.position.wrapped_sub(position, self.world);
            if other.id != me && offset.length_squared() < self.view.powi(2) {
                sum += offset;
                count += 1.0;
            }
        });
        if count > 0.0 { sum / count } else { Vec2::ZERO }
    }

    /// Adds the weighted `[separation, alignment, cohesion]` to the velocity (at most
    /// `max_steer` of it), keeps the speed in bounds, and moves, wrapping at the edges.
    ///
    /// ```
    /// use cellar_demos::boids::Rules;
    /// use glam::Vec2;
    /// let rules = Rules::for_flock(1_000);
    /// let (mut p, mut v) = (Vec2::new(1.0, 1.0), Vec2::new(-2.0, 0.0));
    /// rules.integrate(&mut p, &mut v, [Vec2::ZERO; 3]);
    /// assert_eq!(v, Vec2::new(-2.0, 0.0));
    /// assert_eq!(p, Vec2::new(rules.world.x - 1.0, 1.0));
    /// ```
    pub fn integrate(&self, position: &mut Vec2, velocity: &mut Vec2, steering: [Vec2; 3]) {
        let [ws, wa, wc] = self.weights;
        let steer = steering[0] * ws + steering[1] * wa + steering[2] * wc;
        let v = *velocity + steer.clamp_length_max(self.max_steer);
        if v.length_squared() > 0.0 {
            *velocity = v.clamp_length(self.speed.0, self.speed.1);
        }
        *position = (*position + *velocity).wrapped(self.world);
    }
}
// ANCHOR_END: steering

// ANCHOR: systems
/// Puts every boid into its grid cell, from a parallel loop over the boids.
pub fn fill_grid(grid: Res<Grid>, boids: Query<(Entity, &Position, &Velocity)>) {
    grid.clear();
    boids.par_iter().for_each(|(entity, position, velocity)| {
        grid.insert(Neighbour { id: entity.index(), position: position.0, velocity: velocity.0 });
    });
    grid.sort();
}

/// Steers away from boids closer than the personal space.
pub fn separation(
    rules: Res<Rules>,
    grid: Res<Grid>,
    mut boids: Query<(Entity, &Position, &mut Separation)>,
) {
    boids.par_iter_mut().for_each(|(me, position, separation)| {
        separation.0 = rules.separation(&grid, me.index(), position.0);
    });
}

/// Steers toward the mean velocity of the boids in view.
pub fn alignment(
    rules: Res<Rules>,
    grid: Res<Grid>,
    mut boids: Query<(Entity, &Position, &Velocity, &mut Alignment)>,
) {
    boids.par_iter_mut().for_each(|(me, position, velocity, alignment)| {
        alignment.0 = rules.alignment(&grid, me.index(), position.0, velocity.0);
    });
}

/// Steers toward the centre of the boids in view.
pub fn cohesion(
    rules: Res<Rules>,
    grid: Res<Grid>,
    mut boids: Query<(Entity, &Position, &mut Cohesion)>,
) {
    boids.par_iter_mut().for_each(|(me, position, cohesion)| {
        cohesion.0 = rules.cohesion(&grid, me.index(), position.0);
    });
}

/// Adds the weighted steering to each velocity, keeps the speed in bounds, and moves.
pub fn integrate(
    rules: Res<Rules>,
    mut boids: Query<(&mut Position, &mut Velocity, &Separation, &Alignment, &Cohesion)>,
) {
    boids.par_iter_mut().for_each(|(position, velocity, separation, alignment, cohesion)| {
        let steering = [separation.0, alignment.0, cohesion.0];
        rules.integrate(&mut position.0, &mut velocity.0, steering);
    });
}

/// The frame: the grid first, then the three rules side by side, then the move.
///
/// The rules read the grid and `fill_grid` only reads it too (it writes through the map's
/// own locks), so nothing in their tokens orders them: `after(fill_grid)` does.
pub fn schedule() -> Schedule {
    let mut schedule = Schedule::new();
    schedule.add_system(fill_grid);
    schedule.add_system(separation.after(fill_grid));
    schedule.add_system(alignment.after(fill_grid));
    schedule.add_system(cohesion.after(fill_grid));
    schedule.add_system(integrate);
    schedule
}
// ANCHOR_END: systems

/// A world with `config.entities` boids at random places, heading in random directions, and
/// the [`Rules`] and [`Grid`] resources.
///
/// ```
/// let world = cellar_demos::boids::setup(&cellar_demos::cli::Config::new(50, 1));
/// assert_eq!(world.len(), 50);
/// ```
pub fn setup(config: &Config) -> World {
    let rules = Rules::for_flock(config.entities);
    let mut world = World::new();
    world.spawn_batch(flock(config.entities, config.seed).into_iter().map(|(p, v)| {
        (Position(p), Velocity(v), Separation::default(), Alignment::default(), Cohesion::default())
    }));
    world.insert_resource(Grid::new(&rules));
    world.insert_resource(rules);
    world
}

/// The starting flock of `n` boids for `seed`: `(position, velocity)` pairs at random places,
/// heading in random directions (what [`setup`] spawns, and the benchmark's peers too).
///
/// ```
/// let flock = cellar_demos::boids::flock(10, 1);
/// assert_eq!(flock.len(), 10);
/// assert_eq!(flock, cellar_demos::boids::flock(10, 1));
/// ```
pub fn flock(n: usize, seed: u64) -> Vec<(Vec2, Vec2)> {
    let rules = Rules::for_flock(n);
    let mut rng = rng::seeded(seed);
    (0..n)
        .map(|_| {
            let x = rng.random_range(0.0..rules.world.x);
            let y = rng.random_range(0.0..rules.world.y);
            let heading = Vec2::from_angle(rng.random_range(0.0..TAU));
            (Vec2::new(x, y), heading * rng.random_range(rules.speed.0..rules.speed.1))
        })
        .collect()
}

/// How many hues the boids are coloured with (by heading).
const HUES: usize = 24;
const SKY: Rgba = Rgba::rgb(12, 16, 32);
const CAPTION: Rgba = Rgba::rgb(235, 238, 245);
/// How many shades between the sky and each colour the animation's palette holds, for the
/// anti-aliased edges.
const SHADES: usize = 8;

fn hue_color(k: usize) -> Rgba {
    Rgba::hsv(k as f32 / HUES as f32, 0.65, 1.0)
}

/// The hue of a boid heading along `direction` (screen axes: `y` points down).
fn heading_hue(direction: Vec2) -> usize {
    let turn = direction.to_angle() / TAU + 0.5;
    (turn * HUES as f32) as usize % HUES
}

/// The animation's palette: the sky, then shades from the sky to each heading's colour and
/// to the caption's, so anti-aliased edges keep their softness in the GIF.
fn palette() -> Vec<Rgba> {
    let targets = (0..HUES).map(hue_color).chain([CAPTION]);
    let shades =
        targets.flat_map(|c| (1..=SHADES).map(move |k| SKY.lerp(c, k as f32 / SHADES as f32)));
    std::iter::once(SKY).chain(shades).collect()
}

/// Adds an arrow for a boid at `p` (pixels) heading along the unit vector `d`, `size` long,
/// to `path`.
fn arrow(path: &mut PathBuilder, p: Vec2, d: Vec2, size: f32) {
    let side = d.perp() * (size * 0.42);
    let tip = p + d * size;
    let tail = p - d * (size * 0.55);
    let notch = p - d * (size * 0.2);
    path.move_to(tip.x, tip.y);
    for corner in [tail + side, notch, tail - side] {
        path.line_to(corner.x, corner.y);
    }
    path.close();
}

/// Arrows grouped by colour: one path per heading, so a flock of thousands is `HUES` fills.
struct Arrows(Vec<PathBuilder>);

impl Arrows {
    fn new() -> Self {
        Arrows((0..HUES).map(|_| PathBuilder::new()).collect())
    }

    fn add(&mut self, p: Vec2, d: Vec2, size: f32) {
        arrow(&mut self.0[heading_hue(d)], p, d, size);
    }

    fn fill(self, canvas: &mut Canvas) {
        for (k, path) in self.0.into_iter().enumerate() {
            if let Some(path) = path.finish() {
                canvas.fill_path(&path, hue_color(k));
            }
        }
    }
}

/// Draws the flock on a canvas `width` pixels wide: one arrow per boid, coloured by heading.
///
/// ```
/// use cellar_demos::{boids, cli::Config};
/// let world = boids::setup(&Config::new(50, 1));
/// let canvas = boids::draw(&world, 160);
/// assert_eq!(canvas.width(), 160);
/// ```
pub fn draw(world: &World, width: u32) -> Canvas {
    let rules = *world.resource::<Rules>().expect("the world has Rules");
    let scale = width as f32 / rules.world.x;
    let height = ((rules.world.y * scale).round() as u32).max(1);
    let mut canvas = Canvas::new(width, height, SKY);
    let size = (scale * 5.0).clamp(2.5, 8.0);
    let mut arrows = Arrows::new();
    for (position, velocity) in world.query::<(&Position, &Velocity)>() {
        arrows.add(position.0 * scale, velocity.0.normalize_or_zero(), size);
    }
    arrows.fill(&mut canvas);
    canvas
}

/// One frame of the animation: the flock and a caption with the frame number.
///
/// ```
/// use cellar_demos::{boids, cli::Config};
/// let world = boids::setup(&Config::new(50, 1));
/// assert_eq!(boids::animation_frame(&world, 0, 10).width(), boids::GIF_WIDTH);
/// ```
pub fn animation_frame(world: &World, frame: usize, frames: usize) -> Canvas {
    let mut canvas = draw(world, GIF_WIDTH);
    let caption = format!("{} boids, frame {frame} of {frames}", group(world.len()));
    let style = TextStyle::new(12.0, CAPTION);
    let h = canvas.height() as f32;
    canvas.rect(0.0, h - 18.0, canvas.width() as f32, 18.0, SKY);
    canvas.text(&caption, (6.0, h - 3.0), Anchor::BottomLeft, style);
    canvas
}

/// The final picture: the flock, a title that says what it is, and a compass that says what
/// the colours mean.
///
/// ```
/// use cellar_demos::{boids, cli::Config};
/// let world = boids::setup(&Config::new(50, 1));
/// assert_eq!(boids::picture(&world, 0).width(), boids::PNG_WIDTH);
/// ```
pub fn picture(world: &World, frames: usize) -> Canvas {
    let mut canvas = draw(world, PNG_WIDTH);
    let (w, h) = (canvas.width() as f32, canvas.height() as f32);
    let shade = Rgba { a: 190, ..SKY };
    canvas.rect(0.0, 0.0, w, 58.0, shade);
    let title = format!("Boids: {} boids after {} frames", group(world.len()), group(frames));
    canvas.text(&title, (14.0, 10.0), Anchor::TopLeft, TextStyle::new(22.0, CAPTION));
    let about = "separation, alignment and cohesion as parallel systems over a spatial grid; \
                 the world wraps at its edges";
    canvas.text(about, (14.0, 38.0), Anchor::TopLeft, TextStyle::new(14.0, CAPTION));

    // The compass: an arrow for each heading, pointing that way, in that heading's colour.
    let (r, centre) = (34.0, Vec2::new(w - 66.0, h - 74.0));
    canvas.disc((centre.x, centre.y), r + 30.0, shade);
    let mut arrows = Arrows::new();
    for k in 0..HUES {
        let d = Vec2::from_angle((k as f32 + 0.5) / HUES as f32 * TAU);
        arrows.add(centre + d * r, d, 9.0);
    }
    arrows.fill(&mut canvas);
    let label = TextStyle::new(14.0, CAPTION);
    canvas.text("colour =", (centre.x, centre.y - 2.0), Anchor::BottomCenter, label);
    canvas.text("heading", (centre.x, centre.y + 2.0), Anchor::TopCenter, label);
    canvas
}

impl HashBits for Position {
    fn hash_bits(&self, h: &mut StableHasher) {
        self.0.hash_bits(h);
    }
}

impl HashBits for Velocity {
    fn hash_bits(&self, h: &mut StableHasher) {
        self.0.hash_bits(h);
    }
}

/// What a run of the demo produced.
#[derive(Clone, Debug)]
pub struct Report {
    /// Entities, frame and system times, files written.
    pub summary: Summary,
    /// The hash of every boid's position and velocity at the end.
    pub hash: u64,
    /// How many frames the animation has.
    pub gif_frames: usize,
    /// The whole run, drawing and writing included.
    pub wall: std::time::Duration,
}

/// The width of the animation, in pixels.
pub const GIF_WIDTH: u32 = 400;
/// The width of the final picture, in pixels.
pub const PNG_WIDTH: u32 = 960;
/// The animation holds at most this many frames (every k-th frame of the run).
pub const GIF_FRAMES: usize = 60;

/// Runs the demo: `config.frames` frames of `config.entities` boids on `config.threads`
/// threads; writes `boids.gif` (every k-th frame) and `boids.png` (the last frame) into
/// `config.out`.
///
/// # Errors
///
/// Where the output directory or a picture cannot be used, checked before the first frame
/// (see [`Config::check`]), or a picture cannot be written at the end.
///
/// ```
/// use cellar_demos::{boids, cli::Config};
/// let mut config = Config::new(100, 2);
/// config.out = std::env::temp_dir().join("cellar-demos-boids-run-doc");
/// let report = boids::run(&config).unwrap();
/// assert_eq!(report.summary.frames.frames, 2);
/// ```
pub fn run(config: &Config) -> Result<Report, FileError> {
    let started = Instant::now();
    let outputs = config.check(&DEMO)?;
    let (gif_path, png_path) = (outputs.path("boids.gif"), outputs.path("boids.png"));
    let gif_error = |err| FileError::write(&gif_path, err);
    let pool = config.thread_pool();
    let mut world = setup(config);
    let mut schedule = schedule();

    let first = animation_frame(&world, 0, config.frames);
    let mut gif = GifWriter::create(&gif_path, first.width(), first.height(), &palette(), 4)
        .map_err(gif_error)?;
    gif.add_frame(&first).map_err(gif_error)?;
    let every = config.frames.div_ceil(GIF_FRAMES).max(1);

    let progress = Progress::new(DEMO.name, config.frames, config.progress);
    let mut timer = FrameTimer::new();
    for frame in 1..=config.frames {
        timer.time(|| schedule.run_in(&pool, &mut world));
        if frame % every == 0 {
            let picture = animation_frame(&world, frame, config.frames);
            gif.add_frame(&picture).map_err(gif_error)?;
        }
        progress.tick();
    }
    progress.finish();
    let gif_frames = gif.frames();
    gif.finish().map_err(gif_error)?;
    write_png(&png_path, &picture(&world, config.frames))?;

    let n = world.len();
    let mut summary =
        Summary::new(DEMO.name, config.threads, config.entities, n, timer.stats(), &schedule);
    summary.outputs = vec![gif_path, png_path];
    let hash = hash_world::<(&Position, &Velocity)>(&world);
    Ok(Report { summary, hash, gif_frames, wall: started.elapsed() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_three_rules_share_a_batch_between_the_grid_and_the_move() {
        let mut schedule = schedule();
        schedule.build().unwrap();
        let batches: Vec<Vec<String>> = schedule
            .batches()
            .iter()
            .map(|b| b.iter().map(|n| n.rsplit("::").next().unwrap().to_owned()).collect())
            .collect();
        assert_eq!(
            batches,
            [vec!["fill_grid"], vec!["separation", "alignment", "cohesion"], vec!["integrate"]]
        );
    }

    #[test]
    fn neighbours_push_apart_and_pull_together() {
        let mut world = setup(&Config::new(2, 1));
        let rules = *world.resource::<Rules>().unwrap();
        let ids: Vec<Entity> = world.query::<Entity>().collect();
        let (a, b) = (Vec2::new(50.0, 50.0), Vec2::new(53.0, 50.0));
        world.get_mut::<Position>(ids[0]).unwrap().0 = a;
        world.get_mut::<Position>(ids[1]).unwrap().0 = b;
        world.get_mut::<Velocity>(ids[0]).unwrap().0 = Vec2::new(0.0, 2.0);
        world.get_mut::<Velocity>(ids[1]).unwrap().0 = Vec2::new(2.0, 0.0);
        let mut schedule = schedule();
        // Run only up to the steering: a schedule without `integrate`.
        let mut steer = Schedule::new();
        steer.add_system(fill_grid);
        steer.add_system(separation.after(fill_grid));
        steer.add_system(alignment.after(fill_grid));
        steer.add_system(cohesion.after(fill_grid));
        steer.run(&mut world);
        assert!(rules.personal_space > 3.0 && rules.view > 3.0);
        assert!(world.get::<Separation>(ids[0]).unwrap().0.x < 0.0, "pushed left, away");
        assert!(world.get::<Cohesion>(ids[0]).unwrap().0.x > 0.0, "pulled right, toward");
        let al = world.get::<Alignment>(ids[0]).unwrap().0;
        assert!(al.x > 0.0 && al.y < 0.0, "turned toward the other's heading: {al:?}");
        schedule.run(&mut world);
        let speed = world.get::<Velocity>(ids[0]).unwrap().0.length();
        assert!(speed >= rules.speed.0 - 1e-4 && speed <= rules.speed.1 + 1e-4);
    }
}
