//! The `heavy_four_systems` case, shared by `benches/benches/schedule.rs` (its time) and the
//! `schedule_overlap` program (how much of it runs side by side): four systems that share no
//! token, each turning its own bodies.

/// Bodies per system.
pub const ENTITIES: usize = 1_000;

/// A body that turns about the origin; `I` makes four unrelated component types, one per
/// system, so that the four systems share no token.
pub struct Turn<const I: usize> {
    /// Position on the unit circle, x.
    pub x: f64,
    /// Position on the unit circle, y.
    pub y: f64,
}

/// How fast a body of system `I` turns.
pub struct Rate<const I: usize>(pub f64);

/// The per-entity work: 16 rotations and renormalisations, a few hundred nanoseconds, the
/// same code for cellar and legion.
#[inline(always)]
pub fn turn_step(x: &mut f64, y: &mut f64, rate: f64) {
    for _ in 0..16 {
        let (s, c) = (rate * 0.01).sin_cos();
        let (nx, ny) = (*x * c - *y * s, *x * s + *y * c);
        let r = (nx * nx + ny * ny).sqrt().max(1e-9);
        *x = nx / r;
        *y = ny / r;
    }
}

/// Body `i` of system `I`.
pub fn bundle<const I: usize>(i: usize) -> (Turn<I>, Rate<I>) {
    let f = i as f64;
    (Turn { x: 1.0, y: f * 0.001 }, Rate(f * 0.1 + I as f64))
}

/// A cellar world with `ENTITIES` bodies for each of the four systems.
pub fn cellar_world() -> cellar::World {
    let mut world = cellar::World::new();
    world.spawn_batch((0..ENTITIES).map(bundle::<0>));
    world.spawn_batch((0..ENTITIES).map(bundle::<1>));
    world.spawn_batch((0..ENTITIES).map(bundle::<2>));
    world.spawn_batch((0..ENTITIES).map(bundle::<3>));
    world
}

/// A legion world with the same bodies.
pub fn legion_world() -> legion::World {
    let mut world = legion::World::default();
    world.extend((0..ENTITIES).map(bundle::<0>));
    world.extend((0..ENTITIES).map(bundle::<1>));
    world.extend((0..ENTITIES).map(bundle::<2>));
    world.extend((0..ENTITIES).map(bundle::<3>));
    world
}
