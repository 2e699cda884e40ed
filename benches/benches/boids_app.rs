//! The boids application benchmark: one frame of the boids demo (grid, three rules,
//! integrate) under cellar, bevy_ecs and hecs, in the same run, at 2k, 10k and 50k boids, on
//! 1 and 2 threads. See `cellar_benches::boids` for what is shared and what differs.
//!
//! Criterion group = `boids_<threads>t`, function = the crate, parameter = the flock size:
//! `boids_2t/bevy_ecs/10000`. Each world first runs 30 frames unmeasured, so the flock has
//! formed (clustered boids have more neighbours than the uniform start).
//!
//! ```sh
//! cargo bench -p cellar-benches --bench boids_app -- --warm-up-time 1 --measurement-time 3
//! ```

use std::hint::black_box;

use cellar_benches::boids::{BoidsApp, SIZES, THREADS, versions};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};

/// Frames run before measuring, so every version measures a formed flock.
const SETTLE_FRAMES: usize = 30;

fn boids(c: &mut Criterion) {
    for threads in THREADS {
        let mut group = c.benchmark_group(format!("boids_{threads}t"));
        for n in SIZES {
            group.sample_size(if n >= 50_000 { 10 } else { 20 });
            for (id, make) in versions() {
                let mut built: Option<Box<dyn BoidsApp>> = None;
                group.bench_function(BenchmarkId::new(id, n), |b| {
                    let app = built.get_or_insert_with(|| {
                        let mut app = make(n, threads);
                        (0..SETTLE_FRAMES).for_each(|_| app.frame());
                        app
                    });
                    b.iter(|| {
                        app.frame();
                        black_box(&mut *app);
                    });
                });
            }
        }
        group.finish();
    }
}

criterion_group!(benches, boids);
criterion_main!(benches);
