//! Token-cell arenas (`cellar::arena`) against the containers they replace, in the same run.
//!
//! Groups (the workload), functions (the implementation), parameter (the number of values):
//!
//! - `arena_sum_<ty>/<impl>/<n>`: read every value and add them up;
//! - `arena_update_<ty>/<impl>/<n>`: add one to every value in place;
//! - `arena_get_random_u64/<impl>/<n>` and `arena_get_mut_random_u64/<impl>/<n>`: 10,000
//!   lookups by key, in a shuffled order, in an arena of `n` values.
//!
//! `<ty>` is `u64` or `vec3` (three `f32`s). Implementations: `cellar-qarena`,
//! `cellar-tarena`, `cellar-larena` (bulk work through `as_slice`/`as_mut_slice`, one owner
//! check per pass; random access through `get`/`get_mut`, one owner check per lookup),
//! `cellar-qarena-iter` (the keyed `iter`/`iter_mut`), `cellar-qarena-view` (random access
//! through one `ro`/`rw` view per pass: one owner check for all lookups), and the peers `vec`
//! (`Vec<T>`: the floor), `slotmap` (`SlotMap<DefaultKey, T>`), `refcell`
//! (`Vec<RefCell<T>>`, a borrow flag per value) and `rwlock` (`Vec<std::sync::RwLock<T>>`, a
//! lock per value).
//!
//! ```sh
//! cargo bench -p cellar-benches --bench arenas -- --warm-up-time 0.5 --measurement-time 1
//! ```

use std::cell::RefCell;
use std::hint::black_box;
use std::sync::RwLock;

use cellar::arena::{DefaultKey, LArena, LCellOwner, QArena, QCellOwner, TArena, TCellOwner};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use slotmap::SlotMap;

/// Sizes of the bulk workloads.
const SIZES: [usize; 2] = [10_000, 1_000_000];
/// Lookups per iteration of the random-access workloads.
const LOOKUPS: usize = 10_000;

/// A value type of the bulk workloads.
trait Elem: Copy + Send + Sync + 'static {
    /// What a sum adds up to.
    type Acc: Copy + Default;
    const NAME: &'static str;
    fn make(i: usize) -> Self;
    fn add(acc: Self::Acc, v: &Self) -> Self::Acc;
    fn bump(&mut self);
}

impl Elem for u64 {
    type Acc = u64;
    const NAME: &'static str = "u64";
    fn make(i: usize) -> Self {
        i as u64
    }
    #[inline]
    fn add(acc: u64, v: &u64) -> u64 {
        acc.wrapping_add(*v)
    }
    #[inline]
    fn bump(&mut self) {
        *self = self.wrapping_add(1);
    }
}

/// Three `f32`s, like a position or a velocity.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct Vec3 {
    x: f32,
    y: f32,
    z: f32,
}

impl Elem for Vec3 {
    type Acc = Vec3;
    const NAME: &'static str = "vec3";
    fn make(i: usize) -> Self {
        let f = (i % 1024) as f32;
        Vec3 { x: f, y: f * 0.5, z: -f }
    }
    #[inline]
    fn add(acc: Vec3, v: &Vec3) -> Vec3 {
        Vec3 { x: acc.x + v.x, y: acc.y + v.y, z: acc.z + v.z }
    }
    #[inline]
    fn bump(&mut self) {
        self.x += 1.0;
        self.y += 1.0;
        self.z += 1.0;
    }
}

fn sample_size(n: usize) -> usize {
    if n >= 1_000_000 { 20 } else { 100 }
}

/// `arena_sum_<ty>` and `arena_update_<ty>` at every size, for every implementation.
fn bulk<T: Elem>(c: &mut Criterion) {
    for n in SIZES {
        let values: Vec<T> = (0..n).map(T::make).collect();
        for update in [false, true] {
            let work = if update { "update" } else { "sum" };
            let mut group = c.benchmark_group(format!("arena_{work}_{}", T::NAME));
            group.sample_size(sample_size(n));
            let id = |name: &str| BenchmarkId::new(name, n);

            let mut v = values.clone();
            group.bench_function(id("vec"), |b| {
                if update {
                    b.iter(|| black_box(&mut v).iter_mut().for_each(T::bump))
                } else {
                    b.iter(|| black_box(&v).iter().fold(T::Acc::default(), T::add))
                }
            });

            let mut owner = QCellOwner::new();
            let mut arena = QArena::with_capacity(&owner, n);
            values.iter().for_each(|&v| {
                arena.insert(v);
            });
            group.bench_function(id("cellar-qarena"), |b| {
                let arena = &arena;
                if update {
                    b.iter(|| {
                        black_box(arena)
                            .as_mut_slice(&mut owner)
                            .unwrap()
                            .iter_mut()
                            .for_each(T::bump)
                    })
                } else {
                    b.iter(|| {
                        black_box(arena)
                            .as_slice(&owner)
                            .unwrap()
                            .iter()
                            .fold(T::Acc::default(), T::add)
                    })
                }
            });
            group.bench_function(id("cellar-qarena-iter"), |b| {
                let arena = &arena;
                if update {
                    b.iter(|| {
                        black_box(arena).iter_mut(&mut owner).unwrap().for_each(|(_, v)| v.bump())
                    })
                } else {
                    b.iter(|| {
                        black_box(arena)
                            .iter(&owner)
                            .unwrap()
                            .fold(T::Acc::default(), |a, (_, v)| T::add(a, v))
                    })
                }
            });
            drop((arena, owner));

            struct Bulk;
            let mut owner = TCellOwner::<Bulk>::new();
            let mut arena = TArena::<Bulk, T>::with_capacity(n);
            values.iter().for_each(|&v| {
                arena.insert(v);
            });
            group.bench_function(id("cellar-tarena"), |b| {
                let arena = &arena;
                if update {
                    b.iter(|| {
                        black_box(arena).as_mut_slice(&mut owner).iter_mut().for_each(T::bump)
                    })
                } else {
                    b.iter(|| {
                        black_box(arena).as_slice(&owner).iter().fold(T::Acc::default(), T::add)
                    })
                }
            });
            drop((arena, owner));

            LCellOwner::scope(|mut owner| {
                let mut arena = LArena::with_capacity(n);
                values.iter().for_each(|&v| {
                    arena.insert(v);
                });
                group.bench_function(id("cellar-larena"), |b| {
                    let arena = &arena;
                    if update {
                        b.iter(|| {
                            black_box(arena).as_mut_slice(&mut owner).iter_mut().for_each(T::bump)
                        })
                    } else {
                        b.iter(|| {
                            black_box(arena).as_slice(&owner).iter().fold(T::Acc::default(), T::add)
                        })
                    }
                });
            });

            let mut sm = SlotMap::<DefaultKey, T>::with_capacity(n);
            values.iter().for_each(|&v| {
                sm.insert(v);
            });
            group.bench_function(id("slotmap"), |b| {
                if update {
                    b.iter(|| black_box(&mut sm).values_mut().for_each(T::bump))
                } else {
                    b.iter(|| black_box(&sm).values().fold(T::Acc::default(), T::add))
                }
            });
            drop(sm);

            let v: Vec<RefCell<T>> = values.iter().map(|&v| RefCell::new(v)).collect();
            group.bench_function(id("refcell"), |b| {
                if update {
                    b.iter(|| black_box(&v).iter().for_each(|c| c.borrow_mut().bump()))
                } else {
                    b.iter(|| {
                        black_box(&v).iter().fold(T::Acc::default(), |a, c| T::add(a, &c.borrow()))
                    })
                }
            });
            drop(v);

            let v: Vec<RwLock<T>> = values.iter().map(|&v| RwLock::new(v)).collect();
            group.bench_function(id("rwlock"), |b| {
                if update {
                    b.iter(|| black_box(&v).iter().for_each(|l| l.write().unwrap().bump()))
                } else {
                    b.iter(|| {
                        black_box(&v)
                            .iter()
                            .fold(T::Acc::default(), |a, l| T::add(a, &l.read().unwrap()))
                    })
                }
            });
            group.finish();
        }
    }
}

/// A fixed pseudo-random permutation (xorshift Fisher-Yates): the same in every run.
fn shuffled<K: Copy>(keys: &[K], take: usize) -> Vec<K> {
    let mut keys = keys.to_vec();
    let mut state = 0x9E37_79B9_7F4A_7C15_u64;
    for i in (1..keys.len()).rev() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        keys.swap(i, (state % (i as u64 + 1)) as usize);
    }
    keys.truncate(take);
    keys
}

/// `arena_get_random_u64` and `arena_get_mut_random_u64`: 10k lookups by key.
fn random(c: &mut Criterion) {
    for n in SIZES {
        for write in [false, true] {
            let work = if write { "get_mut" } else { "get" };
            let mut group = c.benchmark_group(format!("arena_{work}_random_u64"));
            let id = |name: &str| BenchmarkId::new(name, n);

            let mut sm = SlotMap::<DefaultKey, u64>::with_capacity(n);
            let keys: Vec<_> = (0..n as u64).map(|v| sm.insert(v)).collect();
            let keys = shuffled(&keys, LOOKUPS);
            group.bench_function(id("slotmap"), |b| {
                if write {
                    b.iter(|| {
                        let sm = black_box(&mut sm);
                        for &k in &keys {
                            if let Some(v) = sm.get_mut(k) {
                                *v += 1;
                            }
                        }
                    })
                } else {
                    b.iter(|| {
                        let sm = black_box(&sm);
                        keys.iter().fold(0u64, |a, &k| a.wrapping_add(*sm.get(k).unwrap_or(&0)))
                    })
                }
            });
            drop(sm);

            let mut owner = QCellOwner::new();
            let mut arena = QArena::with_capacity(&owner, n);
            let keys: Vec<_> = (0..n as u64).map(|v| arena.insert(v)).collect();
            let keys = shuffled(&keys, LOOKUPS);
            group.bench_function(id("cellar-qarena"), |b| {
                let arena = &arena;
                if write {
                    b.iter(|| {
                        let arena = black_box(arena);
                        for &k in &keys {
                            if let Ok(Some(v)) = arena.get_mut(&mut owner, k) {
                                *v += 1;
                            }
                        }
                    })
                } else {
                    b.iter(|| {
                        let arena = black_box(arena);
                        keys.iter().fold(0u64, |a, &k| {
                            a.wrapping_add(*arena.get(&owner, k).ok().flatten().unwrap_or(&0))
                        })
                    })
                }
            });
            group.bench_function(id("cellar-qarena-view"), |b| {
                let arena = &arena;
                if write {
                    b.iter(|| {
                        let mut rw = black_box(arena).rw(&mut owner).unwrap();
                        for &k in &keys {
                            if let Some(v) = rw.get_mut(k) {
                                *v += 1;
                            }
                        }
                    })
                } else {
                    b.iter(|| {
                        let ro = black_box(arena).ro(&owner).unwrap();
                        keys.iter().fold(0u64, |a, &k| a.wrapping_add(*ro.get(k).unwrap_or(&0)))
                    })
                }
            });
            drop((arena, owner));

            struct Random;
            let mut owner = TCellOwner::<Random>::new();
            let mut arena = TArena::<Random, u64>::with_capacity(n);
            let keys: Vec<_> = (0..n as u64).map(|v| arena.insert(v)).collect();
            let keys = shuffled(&keys, LOOKUPS);
            group.bench_function(id("cellar-tarena"), |b| {
                let arena = &arena;
                if write {
                    b.iter(|| {
                        let arena = black_box(arena);
                        for &k in &keys {
                            if let Some(v) = arena.get_mut(&mut owner, k) {
                                *v += 1;
                            }
                        }
                    })
                } else {
                    b.iter(|| {
                        let arena = black_box(arena);
                        keys.iter()
                            .fold(0u64, |a, &k| a.wrapping_add(*arena.get(&owner, k).unwrap_or(&0)))
                    })
                }
            });
            drop((arena, owner));

            LCellOwner::scope(|mut owner| {
                let mut arena = LArena::with_capacity(n);
                let keys: Vec<_> = (0..n as u64).map(|v| arena.insert(v)).collect();
                let keys = shuffled(&keys, LOOKUPS);
                group.bench_function(id("cellar-larena"), |b| {
                    let arena = &arena;
                    if write {
                        b.iter(|| {
                            let arena = black_box(arena);
                            for &k in &keys {
                                if let Some(v) = arena.get_mut(&mut owner, k) {
                                    *v += 1;
                                }
                            }
                        })
                    } else {
                        b.iter(|| {
                            let arena = black_box(arena);
                            keys.iter().fold(0u64, |a, &k| {
                                a.wrapping_add(*arena.get(&owner, k).unwrap_or(&0))
                            })
                        })
                    }
                });
            });
            group.finish();
        }
    }
}

fn bulk_u64(c: &mut Criterion) {
    bulk::<u64>(c);
}

fn bulk_vec3(c: &mut Criterion) {
    bulk::<Vec3>(c);
}

criterion_group!(benches, bulk_u64, bulk_vec3, random);
criterion_main!(benches);
