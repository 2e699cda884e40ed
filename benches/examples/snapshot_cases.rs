//! Whole snapshot takes and restores in the cases the `snapshot` benchmark's world (one batch
//! spawn, restored over unchanged rows) does not reach, as ratios to the `memcpy` floor of the
//! same component bytes (fastest of many runs, as `snapshot_min`):
//!
//! - rows added at many ticks (100 batches, a tick apart), so each row's added tick is
//!   copied, not one tick for the column;
//! - a restore over rows that changed (one despawn and one spawn before each, not timed), so
//!   the rows whose entity differs are found (compared a block at a time) and rewritten with
//!   their slots, and every row's added tick is written back (the spawn's was another).
//!
//! ```sh
//! cargo run --release -p cellar-benches --example snapshot_cases -- 100000 200
//! ```

use std::time::{Duration, Instant};

use cellar::{Entity, World};
use cellar_benches::components::{Position, Rotation, Transform, Velocity, body};
use cellar_benches::snapshot;

/// `n` entities of the four components, spawned in `batches` batches a tick apart.
fn make_world(n: usize, batches: usize) -> (World, Vec<Entity>) {
    let mut world = World::new();
    world.register_snapshot_copy::<Transform>();
    world.register_snapshot_copy::<Position>();
    world.register_snapshot_copy::<Rotation>();
    world.register_snapshot_copy::<Velocity>();
    let mut es = Vec::with_capacity(n);
    for b in 0..batches {
        es.extend_from_slice(world.spawn_batch((b * n / batches..(b + 1) * n / batches).map(body)));
        world.storage().next_run_tick();
    }
    (world, es)
}

/// The fastest of `runs` calls of `f`, each given its run number; `f` returns the time of
/// the part it measures.
fn fastest(runs: usize, mut f: impl FnMut(usize) -> Duration) -> Duration {
    (0..runs).map(&mut f).min().unwrap_or_default()
}

fn timed(f: impl FnOnce()) -> Duration {
    let start = Instant::now();
    f();
    start.elapsed()
}

fn main() {
    let args: Vec<usize> = std::env::args().skip(1).map(|a| a.parse().expect("a number")).collect();
    let n = args.first().copied().unwrap_or(100_000);
    let runs = args.get(1).copied().unwrap_or(200);
    let mut floor = snapshot::make("memcpy", n).expect("the floor");
    let floor = fastest(runs, |_| timed(|| floor.take()));
    let ratio = |t: Duration| t.as_secs_f64() / floor.as_secs_f64();
    println!("n = {n}, fastest of {runs} runs; memcpy {floor:.1?}");

    let (mut world, _) = make_world(n, 100);
    let mut copy = world.snapshot().expect("registered");
    let take = fastest(runs, |_| {
        copy.detach();
        timed(|| world.snapshot_into(&mut copy).expect("registered"))
    });
    let restore = fastest(runs, |_| {
        copy.detach();
        timed(|| {
            world.restore(&copy).expect("its own snapshot");
        })
    });
    println!(
        "added at 100 ticks: take {take:.1?} ({:.2}), restore {restore:.1?} ({:.2})",
        ratio(take),
        ratio(restore)
    );

    let (mut world, es) = make_world(n, 1);
    let mut copy = world.snapshot().expect("registered");
    copy.detach();
    let restore = fastest(runs, |i| {
        // Restored each time, so `es` are the live entities again.
        world.despawn(es[(i * 7919) % n]).expect("alive");
        world.spawn(body(0));
        timed(|| {
            world.restore(&copy).expect("its own snapshot");
        })
    });
    println!("rows changed: restore {restore:.1?} ({:.2})", ratio(restore));
}
