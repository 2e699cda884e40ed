//! Particles: many particles falling through moving gravity wells, with drag; heavy
//! parallel compute with `par_iter_mut`, and a determinism check across thread counts.
//!
//! Each frame, [`move_wells`] moves a few gravity wells along their orbits, [`attract`]
//! accelerates every particle toward every well, [`drag`] slows them, and [`integrate`]
//! moves them, sending a particle that falls into a well or leaves the box back in at a
//! random place on the rim. The particle systems are parallel loops over every particle.
//!
//! [`run`] simulates the same seed twice, on a pool of one thread and on a pool of
//! `config.threads`, and hashes both worlds: the hashes must be equal, since nothing a
//! particle computes depends on which thread computes it, and the random numbers are keyed
//! by frame and entity rather than drawn from a shared generator.
//!
//! # Examples
//!
//! ```
//! use cellar_demos::{cli::Config, particles};
//!
//! let mut config = Config::new(2_000, 5);
//! config.threads = 2;
//! config.out = std::env::temp_dir().join("cellar-demos-particles-doc");
//! let report = particles::run(&config).unwrap();
//! assert_eq!(report.single.hash, report.parallel.hash);
//! ```

use std::f32::consts::TAU;
use std::time::Instant;

use cellar::prelude::*;
use glam::Vec2;
use rand::RngExt;

use crate::canvas::Canvas;
use crate::cli::{Config, Cost, Demo, group};
use crate::color::Rgba;
use crate::output::FileError;
use crate::png_writer::write_png;
use crate::progress::Progress;
use crate::rng;
use crate::summary::Summary;
use crate::text::{Anchor, TextStyle};
use crate::timing::FrameTimer;
use crate::world_hash::{HashBits, StableHasher, hash_world};

/// The demo's name and defaults.
pub const DEMO: Demo = Demo {
    name: "particles",
    about: "Particles under moving gravity wells and drag, run on one thread and on --threads \
            threads; prints both world hashes (which must match) and the speed-up. Writes \
            particles.png.",
    entities: 200_000,
    max_entities: 2_000_000,
    frames: 300,
    // 30 ns a particle on one thread (6 ms a frame at 200,000), flat with the count.
    cost: Cost { ns_per_entity: 30.0, growth: 0.0, ns_per_frame: 0.0, one_thread_pass: true },
    outputs: &["particles.png"],
};

// ANCHOR: components
/// Where a particle is.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Position(pub Vec2);

/// How fast it moves, in units per second.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Velocity(pub Vec2);

/// One gravity well.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Well {
    /// Where it is now.
    pub position: Vec2,
    /// How hard it pulls (negative pushes).
    pub strength: f32,
    /// The radius of its orbit round the centre of the box.
    pub orbit: f32,
    /// Its angular speed on the orbit, radians per frame.
    pub spin: f32,
    /// Where on the orbit it started.
    pub phase: f32,
}

/// The wells: a resource.
#[derive(Clone, Debug, PartialEq)]
pub struct Wells(pub Vec<Well>);

/// The physics constants: a resource.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Physics {
    /// The box: particles live in `[-size, size]` on each axis.
    pub size: Vec2,
    /// The time step, in seconds.
    pub dt: f32,
    /// The share of velocity lost per second.
    pub drag: f32,
    /// Softens the pull near a well: the pull at distance `r` goes as `r / (r² + s²)^1.5`.
    pub softening: f32,
    /// A particle closer than this to a well is swallowed and comes back on the rim.
    pub capture: f32,
    /// The run's seed.
    pub seed: u64,
}
// ANCHOR_END: components

impl Physics {
    /// The defaults: a 16:10 box, sixty steps a second.
    ///
    /// ```
    /// let physics = cellar_demos::particles::Physics::new(1);
    /// assert!(physics.size.x > physics.size.y);
    /// ```
    pub fn new(seed: u64) -> Self {
        Physics {
            size: Vec2::new(160.0, 100.0),
            dt: 1.0 / 60.0,
            drag: 0.25,
            softening: 4.0,
            capture: 1.5,
            seed,
        }
    }

    /// A place on the rim of the box and a gentle inward velocity, for particle `index` in
    /// `frame`: the same numbers on any thread.
    ///
    /// ```
    /// let physics = cellar_demos::particles::Physics::new(1);
    /// assert_eq!(physics.spawn_point(3, 7), physics.spawn_point(3, 7));
    /// assert_ne!(physics.spawn_point(3, 7), physics.spawn_point(3, 8));
    /// ```
    pub fn spawn_point(&self, frame: u64, index: u32) -> (Vec2, Vec2) {
        let mut rng = rng::keyed(self.seed, &[frame, u64::from(index)]);
        let angle = rng.random_range(0.0..TAU);
        let rim = Vec2::new(angle.cos() * self.size.x, angle.sin() * self.size.y) * 0.95;
        let inward =
            -Vec2::from_angle(angle + rng.random_range(-0.8..0.8)) * rng.random_range(5.0..25.0);
        (rim, inward)
    }
}

/// The clock: frames so far (a resource).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Frame(pub u64);

// ANCHOR: systems
/// Moves the clock on and the wells along their orbits.
pub fn move_wells(mut frame: ResMut<Frame>, mut wells: ResMut<Wells>) {
    frame.0 += 1;
    for well in &mut wells.0 {
        let angle = well.phase + well.spin * frame.0 as f32;
        well.position = Vec2::new(angle.cos() * 1.5, angle.sin()) * well.orbit;
    }
}

/// Accelerates every particle toward every well.
pub fn attract(
    physics: Res<Physics>,
    wells: Res<Wells>,
    mut particles: Query<(&Position, &mut Velocity)>,
) {
    let soft2 = physics.softening * physics.softening;
    particles.par_iter_mut().for_each(|(position, velocity)| {
        let mut pull = Vec2::ZERO;
        for well in &wells.0 {
            let d = well.position - position.0;
            let r2 = d.length_squared() + soft2;
            pull += d * (well.strength / (r2 * r2.sqrt()));
        }
        velocity.0 += pull * physics.dt;
    });
}

/// Slows every particle down a little.
pub fn drag(physics: Res<Physics>, mut particles: Query<&mut Velocity>) {
    let keep = 1.0 - physics.drag * physics.dt;
    particles.par_iter_mut().for_each(|velocity| velocity.0 *= keep);
}

/// Moves every particle; one swallowed by a well or out of the box comes back on the rim.
pub fn integrate(
    physics: Res<Physics>,
    frame: Res<Frame>,
    wells: Res<Wells>,
    mut particles: Query<(Entity, &mut Position, &mut Velocity)>,
) {
    particles.par_iter_mut().for_each(|(entity, position, velocity)| {
        position.0 += velocity.0 * physics.dt;
        let p = position.0;
        let outside = p.x.abs() > physics.size.x || p.y.abs() > physics.size.y;
        let swallowed =
            wells.0.iter().any(|w| (w.position - p).length_squared() < physics.capture.powi(2));
        if outside || swallowed {
            (position.0, velocity.0) = physics.spawn_point(frame.0, entity.index());
        }
    });
}

/// The frame: the wells, then the three parallel loops over the particles.
pub fn schedule() -> Schedule {
    let mut schedule = Schedule::new();
    schedule.add_system(move_wells);
    schedule.add_system(attract);
    schedule.add_system(drag);
    schedule.add_system(integrate);
    schedule
}
// ANCHOR_END: systems

/// A world with `config.entities` particles spread over the box and five wells.
///
/// ```
/// let world = cellar_demos::particles::setup(&cellar_demos::cli::Config::new(10, 1));
/// assert_eq!(world.len(), 10);
/// ```
pub fn setup(config: &Config) -> World {
    let physics = Physics::new(config.seed);
    let mut rng = rng::seeded(config.seed);
    let mut world = World::new();
    let particles: Vec<_> = (0..config.entities)
        .map(|_| {
            let p = Vec2::new(
                rng.random_range(-physics.size.x..physics.size.x),
                rng.random_range(-physics.size.y..physics.size.y),
            );
            (
                Position(p),
                Velocity(
                    Vec2::from_angle(rng.random_range(0.0..TAU)) * rng.random_range(0.0..10.0),
                ),
            )
        })
        .collect();
    world.spawn_batch(particles);
    let wells = (0..5)
        .map(|k| Well {
            position: Vec2::ZERO,
            strength: if k == 4 { 9_000.0 } else { rng.random_range(2_500.0..5_000.0) },
            orbit: if k == 4 { 0.0 } else { rng.random_range(20.0..60.0) },
            spin: rng.random_range(0.004..0.012) * if k % 2 == 0 { 1.0 } else { -1.0 },
            phase: rng.random_range(0.0..TAU),
        })
        .collect();
    world.insert_resource(Wells(wells));
    world.insert_resource(Frame(0));
    world.insert_resource(physics);
    world
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

/// A density picture: how many particles passed through each pixel.
#[derive(Clone, Debug)]
pub struct Exposure {
    width: u32,
    height: u32,
    hits: Vec<u32>,
}

impl Exposure {
    /// An empty exposure `width` pixels wide, with the box's proportions.
    ///
    /// ```
    /// let e = cellar_demos::particles::Exposure::new(320);
    /// assert_eq!(e.render(&[], 1, 1).width(), 320);
    /// ```
    pub fn new(width: u32) -> Self {
        let size = Physics::new(0).size;
        let height = ((width as f32 * size.y / size.x).round() as u32).max(1);
        Exposure { width, height, hits: vec![0; (width * height) as usize] }
    }

    /// Adds every particle of `world` to the exposure.
    ///
    /// ```
    /// use cellar_demos::{cli::Config, particles::{self, Exposure}};
    /// let world = particles::setup(&Config::new(100, 1));
    /// let mut exposure = Exposure::new(64);
    /// exposure.add(&world);
    /// ```
    pub fn add(&mut self, world: &World) {
        let size = world.resource::<Physics>().map_or(Physics::new(0).size, |p| p.size);
        let scale = self.width as f32 / (2.0 * size.x);
        for position in world.query::<&Position>() {
            let x = ((position.0.x + size.x) * scale) as i64;
            let y = ((position.0.y + size.y) * scale) as i64;
            if (0..self.width as i64).contains(&x) && (0..self.height as i64).contains(&y) {
                self.hits[(y * self.width as i64 + x) as usize] += 1;
            }
        }
    }

    /// The picture: density on a logarithmic scale from deep blue through orange to white,
    /// with the `wells` as small rings, a title, and a legend for the colours and the rings
    /// (`frames` exposed, of `particles` particles).
    ///
    /// ```
    /// let e = cellar_demos::particles::Exposure::new(100);
    /// assert_eq!(e.render(&[], 1, 1).height(), 63);
    /// ```
    pub fn render(&self, wells: &[Well], frames: usize, particles: usize) -> Canvas {
        let mut canvas = Canvas::new(self.width, self.height, BACKGROUND);
        let (w, h) = (self.width as usize, self.height as usize);
        // A 3x3 box blur: smoother streams, and a much smaller file than raw speckle.
        let mut density = vec![0.0f32; w * h];
        for y in 0..h {
            for x in 0..w {
                let mut sum = 0;
                for yy in y.saturating_sub(1)..(y + 2).min(h) {
                    for xx in x.saturating_sub(1)..(x + 2).min(w) {
                        sum += self.hits[yy * w + xx];
                    }
                }
                density[y * w + x] = sum as f32 / 9.0;
            }
        }
        let max = density.iter().copied().fold(1.0f32, f32::max);
        let stops = [
            Rgba::rgb(6, 8, 20),
            Rgba::rgb(40, 30, 110),
            Rgba::rgb(200, 60, 60),
            Rgba::rgb(250, 170, 50),
            Rgba::rgb(255, 250, 230),
        ];
        for (i, &d) in density.iter().enumerate() {
            if d == 0.0 {
                continue;
            }
            // Log scale, darkened a little, in 24 steps (flat areas keep the file small).
            let level = ((1.0 + d).ln() / (1.0 + max).ln()).powf(1.5);
            let t = (level * 24.0).round() / 24.0 * (stops.len() - 1) as f32;
            let k = (t as usize).min(stops.len() - 2);
            let color = stops[k].lerp(stops[k + 1], t - k as f32);
            canvas.plot((i % w) as i32, (i / w) as i32, color);
        }
        let size = Physics::new(0).size;
        let scale = self.width as f32 / (2.0 * size.x);
        for well in wells {
            let c = (well.position + size) * scale;
            canvas.ring((c.x, c.y), 4.0, 1.5, Rgba::WHITE);
        }
        self.legend(&mut canvas, &stops, frames, particles);
        canvas
    }
}

impl Exposure {
    /// The title at the top, and at the bottom the colour scale and what a ring is.
    fn legend(&self, canvas: &mut Canvas, stops: &[Rgba], frames: usize, particles: usize) {
        let (w, h) = (canvas.width() as f32, canvas.height() as f32);
        let ink = Rgba::rgb(235, 235, 240);
        let shade = Rgba { a: 180, ..BACKGROUND };
        canvas.rect(0.0, 0.0, w, 34.0, shade);
        let title = format!(
            "Particles: where {} particles went over the last {frames} frames",
            group(particles)
        );
        canvas.text(&title, (12.0, 8.0), Anchor::TopLeft, TextStyle::new(18.0, ink));

        canvas.rect(0.0, h - 30.0, w, 30.0, shade);
        let style = TextStyle::new(13.0, ink);
        let y = h - 15.0;
        let mut x = 12.0;
        x += canvas.text("particles per pixel:  few", (x, y), Anchor::MiddleLeft, style) + 8.0;
        let bar = 160.0;
        for i in 0..bar as usize {
            let t = i as f32 / bar * (stops.len() - 1) as f32;
            let k = (t as usize).min(stops.len() - 2);
            let color = stops[k].lerp(stops[k + 1], t - k as f32);
            canvas.rect(x + i as f32, y - 6.0, 1.0, 12.0, color);
        }
        x += bar + 8.0;
        x += canvas.text("many (log scale)", (x, y), Anchor::MiddleLeft, style) + 36.0;
        canvas.ring((x, y), 4.0, 1.5, Rgba::WHITE);
        canvas.text("a moving gravity well", (x + 12.0, y), Anchor::MiddleLeft, style);
    }
}

/// One simulation of the same seed on a pool of some size.
#[derive(Clone, Debug)]
pub struct Run {
    /// Entities, frame and system times.
    pub summary: Summary,
    /// The hash of every particle's position and velocity at the end.
    pub hash: u64,
}

/// What the demo produced.
#[derive(Clone, Debug)]
pub struct Report {
    /// The run on one thread.
    pub single: Run,
    /// The run on `config.threads` threads.
    pub parallel: Run,
    /// Frame time on one thread over frame time on `config.threads`.
    pub speedup: f64,
    /// The picture written.
    pub picture: std::path::PathBuf,
    /// Both runs, drawing and writing included.
    pub wall: std::time::Duration,
}

impl Report {
    /// Whether both runs ended in the same world.
    ///
    /// ```
    /// use cellar_demos::{cli::Config, particles};
    /// let mut config = Config::new(500, 2);
    /// config.out = std::env::temp_dir().join("cellar-demos-particles-same-doc");
    /// assert!(particles::run(&config).unwrap().deterministic());
    /// ```
    pub fn deterministic(&self) -> bool {
        self.single.hash == self.parallel.hash
    }
}

/// The picture's background: deep space.
const BACKGROUND: Rgba = Rgba::rgb(6, 8, 20);

/// The picture's width, in pixels.
pub const PNG_WIDTH: u32 = 800;
/// How many of the last frames the picture exposes.
pub const EXPOSED_FRAMES: usize = 24;

/// One simulation on `threads` threads; with `exposure`, the last frames are added to it.
fn simulate(config: &Config, threads: usize, mut exposure: Option<&mut Exposure>) -> (Run, World) {
    let pool = Config { threads, ..config.clone() }.thread_pool();
    let mut world = setup(config);
    let mut schedule = schedule();
    let label = format!("{} thread{}", threads, if threads == 1 { "" } else { "s" });
    let progress = Progress::new(&label, config.frames, config.progress);
    let mut timer = FrameTimer::new();
    for frame in 0..config.frames {
        timer.time(|| schedule.run_in(&pool, &mut world));
        if let Some(exposure) = exposure.as_deref_mut()
            && frame + EXPOSED_FRAMES >= config.frames
        {
            exposure.add(&world);
        }
        progress.tick();
    }
    progress.finish();
    let summary =
        Summary::new(DEMO.name, threads, config.entities, world.len(), timer.stats(), &schedule);
    let hash = hash_world::<(&Position, &Velocity)>(&world);
    (Run { summary, hash }, world)
}

/// Runs the demo: the same seed on one thread, then on `config.threads` threads; writes
/// `particles.png` (the parallel run's last frames) into `config.out`.
///
/// # Errors
///
/// Where the output directory or the picture cannot be used, checked before the first
/// frame (see [`Config::check`]), or the picture cannot be written at the end.
///
/// ```
/// use cellar_demos::{cli::Config, particles};
/// let mut config = Config::new(100, 2);
/// config.out = std::env::temp_dir().join("cellar-demos-particles-run-doc");
/// let report = particles::run(&config).unwrap();
/// assert_eq!(report.single.summary.threads, 1);
/// ```
pub fn run(config: &Config) -> Result<Report, FileError> {
    let started = Instant::now();
    let outputs = config.check(&DEMO)?;
    let (single, _) = simulate(config, 1, None);
    let mut exposure = Exposure::new(PNG_WIDTH);
    let (mut parallel, world) = simulate(config, config.threads, Some(&mut exposure));
    let wells = world.resource::<Wells>().map(|w| w.0.clone()).unwrap_or_default();
    let picture = outputs.path("particles.png");
    let exposed = EXPOSED_FRAMES.min(config.frames);
    write_png(&picture, &exposure.render(&wells, exposed, config.entities))?;
    parallel.summary.outputs = vec![picture.clone()];
    let speedup = single.summary.frames.total.as_secs_f64()
        / parallel.summary.frames.total.as_secs_f64().max(1e-9);
    Ok(Report { single, parallel, speedup, picture, wall: started.elapsed() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_system_runs_alone_and_parallel_inside() {
        let mut schedule = schedule();
        schedule.build().unwrap();
        let sizes: Vec<usize> = schedule.batches().iter().map(Vec::len).collect();
        assert_eq!(sizes, [1, 1, 1, 1]);
    }

    #[test]
    fn particles_fall_toward_a_well() {
        let mut world = setup(&Config::new(1, 1));
        let e = world.query::<Entity>().next().unwrap();
        *world.get_mut::<Position>(e).unwrap() = Position(Vec2::new(30.0, 0.0));
        *world.get_mut::<Velocity>(e).unwrap() = Velocity(Vec2::ZERO);
        world.resource_mut::<Wells>().unwrap().0 = vec![Well {
            position: Vec2::ZERO,
            strength: 5_000.0,
            orbit: 0.0,
            spin: 0.0,
            phase: 0.0,
        }];
        let mut schedule = schedule();
        schedule.run(&mut world);
        let v = world.get::<Velocity>(e).unwrap().0;
        assert!(v.x < 0.0 && v.y.abs() < 1e-6, "{v:?}");
        assert!(world.get::<Position>(e).unwrap().0.x < 30.0);
    }

    #[test]
    fn a_swallowed_particle_comes_back_on_the_rim() {
        let mut world = setup(&Config::new(1, 1));
        let e = world.query::<Entity>().next().unwrap();
        let physics = *world.resource::<Physics>().unwrap();
        *world.get_mut::<Position>(e).unwrap() = Position(Vec2::new(0.1, 0.0));
        world.resource_mut::<Wells>().unwrap().0 =
            vec![Well { position: Vec2::ZERO, strength: 1.0, orbit: 0.0, spin: 0.0, phase: 0.0 }];
        schedule().run(&mut world);
        let p = world.get::<Position>(e).unwrap().0;
        let rim = (p.x / physics.size.x).powi(2) + (p.y / physics.size.y).powi(2);
        assert!(rim > 0.8, "{p:?}");
    }
}
