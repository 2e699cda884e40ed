//! `ShardedMap` (shards behind cellar's in-tree `RwLock`) against dashmap, in the same run:
//! parallel inserts, parallel reads, and a mixed load of 90% reads and 10% upserts.
//!
//! ```sh
//! cargo bench -p cellar-benches --bench sharded_map -- --warm-up-time 0.5 --measurement-time 1
//! ```
//!
//! Criterion group = the workload, function = the implementation (`cellar`, `dashmap`).

use std::hint::black_box;

use cellar::ShardedMap;
use criterion::{Criterion, criterion_group, criterion_main};
use dashmap::DashMap;
use rayon::prelude::*;

const N: u64 = 100_000;

fn key(i: u64) -> u64 {
    i.wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

fn parallel_insert(c: &mut Criterion) {
    let mut g = c.benchmark_group("sharded_map/parallel_insert");
    g.bench_function("cellar", |b| {
        b.iter(|| {
            let map = ShardedMap::new();
            (0..N).into_par_iter().for_each(|i| {
                map.insert(key(i), i);
            });
            black_box(map)
        })
    });
    g.bench_function("dashmap", |b| {
        b.iter(|| {
            let map = DashMap::new();
            (0..N).into_par_iter().for_each(|i| {
                map.insert(key(i), i);
            });
            black_box(map)
        })
    });
    g.finish();
}

fn parallel_read(c: &mut Criterion) {
    let mut g = c.benchmark_group("sharded_map/parallel_read");
    let ours = ShardedMap::new();
    let theirs = DashMap::new();
    for i in 0..N {
        ours.insert(key(i), i);
        theirs.insert(key(i), i);
    }
    g.bench_function("cellar", |b| {
        b.iter(|| {
            (0..N).into_par_iter().map(|i| ours.with(&key(i), |v| *v).unwrap_or(0)).sum::<u64>()
        })
    });
    g.bench_function("dashmap", |b| {
        b.iter(|| {
            (0..N).into_par_iter().map(|i| theirs.get(&key(i)).map_or(0, |v| *v)).sum::<u64>()
        })
    });
    g.finish();
}

fn mixed(c: &mut Criterion) {
    let mut g = c.benchmark_group("sharded_map/mixed_90r_10w");
    let ours = ShardedMap::new();
    let theirs = DashMap::new();
    for i in 0..N {
        ours.insert(key(i), i);
        theirs.insert(key(i), i);
    }
    g.bench_function("cellar", |b| {
        b.iter(|| {
            (0..N).into_par_iter().for_each(|i| {
                if i % 10 == 0 {
                    ours.upsert(key(i), || 0, |v| *v += 1);
                } else {
                    black_box(ours.with(&key(i), |v| *v));
                }
            })
        })
    });
    g.bench_function("dashmap", |b| {
        b.iter(|| {
            (0..N).into_par_iter().for_each(|i| {
                if i % 10 == 0 {
                    *theirs.entry(key(i)).or_insert(0) += 1;
                } else {
                    black_box(theirs.get(&key(i)).map(|v| *v));
                }
            })
        })
    });
    g.finish();
}

criterion_group!(benches, parallel_insert, parallel_read, mixed);
criterion_main!(benches);
