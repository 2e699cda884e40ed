//! The world after a run does not depend on the number of threads: a small simulation that
//! spawns, despawns, inserts and removes through commands from parallel systems, run for many
//! frames on a 1-thread and on a 4-thread pool, ends in the same world.

// Systems name their parameters as users do, `Res<T>` rather than `Res<'_, T>`.
#![allow(elided_lifetimes_in_paths)]

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use cellar_store::prelude::*;

#[derive(Clone, Copy)]
struct Pos(i64, i64);
#[derive(Clone, Copy)]
struct Vel(i64, i64);
#[derive(Clone, Copy)]
struct Life(u32);
struct Marked;

#[derive(Default)]
struct Digest(u64);

/// A tiny deterministic generator, one per system (in a `Local`).
#[derive(Default)]
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*, seeded on first use.
        if self.0 == 0 {
            self.0 = 0x9E37_79B9_7F4A_7C15;
        }
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> i64 {
        (self.next() % n) as i64
    }
}

fn movement(mut query: Query<(&mut Pos, &Vel)>) {
    for (p, v) in query.iter_mut() {
        p.0 += v.0;
        p.1 += v.1;
    }
}

fn aging(mut query: Query<(Entity, &mut Life, &Vel)>, mut commands: Commands) {
    for (e, life, v) in query.iter_mut() {
        life.0 = life.0.saturating_sub(1);
        if life.0 == 0 {
            commands.despawn(e);
        } else if life.0 % 7 == 0 {
            let child = commands.spawn((Pos(0, 0), Vel(-v.1, v.0), Life(life.0 / 2 + 1)));
            commands.insert(child, (Marked,));
        }
    }
}

fn spawner(mut rng: Local<Rng>, mut commands: Commands) {
    for _ in 0..8 {
        let v = Vel(rng.below(21) - 10, rng.below(21) - 10);
        commands.spawn((Pos(rng.below(100), rng.below(100)), v, Life(rng.below(40) as u32 + 1)));
    }
}

fn hunter(query: Query<(Entity, &Pos)>, mut commands: Commands) {
    for (e, p) in query.iter() {
        // Often the target of a later command of `reaper` in the same batch: then that one
        // is skipped.
        if (p.0 * 3 + p.1) % 13 == 0 {
            commands.despawn(e);
        }
    }
}

fn reaper(query: Query<(Entity, &Pos, Option<&Marked>)>, mut commands: Commands) {
    for (e, p, marked) in query.iter() {
        if p.0.abs() > 300 || p.1.abs() > 300 {
            // Often despawned by `aging` in the same frame too: then this is skipped.
            commands.despawn(e);
        } else if (p.0 + p.1) % 2 == 0 && marked.is_none() {
            commands.insert(e, (Marked,));
        } else if (p.0 - p.1) % 3 == 0 && marked.is_some() {
            commands.remove::<(Marked,)>(e);
        }
    }
}

fn digest(query: Query<(Entity, &Pos, &Vel, &Life, Option<&Marked>)>, mut out: ResMut<Digest>) {
    let mut rows: Vec<String> = query
        .iter()
        .map(|(e, p, v, l, m)| {
            // Index and generation, not the world id: the two runs use two worlds.
            let (i, g) = (e.index(), e.generation());
            format!("{i} {g} {} {} {} {} {} {}", p.0, p.1, v.0, v.1, l.0, m.is_some())
        })
        .collect();
    rows.sort();
    let mut h = DefaultHasher::new();
    rows.hash(&mut h);
    out.0 = h.finish();
}

fn simulate(threads: usize, frames: usize) -> (u64, usize, usize) {
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
    let mut world = World::new();
    world.insert_resource(Digest::default());
    let mut schedule = Schedule::new();
    schedule.add_system(movement);
    schedule.add_system(aging);
    schedule.add_system(spawner);
    schedule.add_system(hunter);
    schedule.add_system(reaper);
    let mut skipped = 0;
    for _ in 0..frames {
        schedule.run_in(&pool, &mut world);
        skipped += schedule.skipped_commands().len();
    }
    // One more run of a schedule that only digests.
    let mut digest_schedule = Schedule::new();
    digest_schedule.add_system(digest);
    digest_schedule.run(&mut world);
    (world.resource::<Digest>().unwrap().0, world.len(), skipped)
}

#[test]
fn a_simulation_ends_in_the_same_world_on_one_thread_and_on_four() {
    let frames =
        150 * std::env::var("CELLAR_STRESS_SCALE").ok().and_then(|s| s.parse().ok()).unwrap_or(1);
    let one = simulate(1, frames);
    let again = simulate(1, frames);
    assert_eq!(one, again, "one thread, twice");
    let four = simulate(4, frames);
    assert_eq!(one, four);
    let (_, len, skipped) = one;
    eprintln!("population {len}, skipped commands {skipped}");
    assert!(len > 10, "the simulation should keep a population, has {len}");
    assert!(skipped > 0, "the simulation should exercise skipped commands");
}
