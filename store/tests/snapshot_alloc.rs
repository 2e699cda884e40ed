//! A rollback loop allocates nothing after warm-up: taking into a ring of snapshots and
//! restoring from it reuse every buffer (and, for `Clone` types, what the values own).
//!
//! A counting global allocator counts this thread's allocations around each snapshot and
//! restore call.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use cellar_store::{Snapshot, World};

struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
}

// SAFETY:
// - every method forwards to `System` with the caller's arguments, so `System`'s guarantees
//   are this allocator's; counting touches only a thread-local `Cell` (no allocation).
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.with(|n| n.set(n.get() + 1));
        // SAFETY:
        // - the caller's guarantees for `alloc`, passed on unchanged.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY:
        // - `ptr` came from `System.alloc` (through `alloc` or `realloc` above) with `layout`.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.with(|n| n.set(n.get() + 1));
        // SAFETY:
        // - the caller's guarantees for `realloc`, passed on unchanged.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations() -> u64 {
    ALLOCATIONS.with(Cell::get)
}

#[derive(Clone, Copy)]
struct Pos(#[allow(dead_code)] f32);
#[derive(Clone, Copy)]
struct Vel(#[allow(dead_code)] f32);
#[derive(Clone, Copy)]
struct Stunned;

/// `derive(Clone)` implements `clone_from` as `*self = source.clone()`, which allocates: types
/// that own heap memory forward `clone_from` to their fields to reuse it.
struct Name(String);

impl Clone for Name {
    fn clone(&self) -> Self {
        Name(self.0.clone())
    }
    fn clone_from(&mut self, source: &Self) {
        self.0.clone_from(&source.0);
    }
}

struct Log(Vec<u32>);

impl Clone for Log {
    fn clone(&self) -> Self {
        Log(self.0.clone())
    }
    fn clone_from(&mut self, source: &Self) {
        self.0.clone_from(&source.0);
    }
}

#[test]
fn a_rollback_loop_allocates_nothing_after_warm_up() {
    let mut world = World::new();
    world.register_sparse::<Stunned>().unwrap();
    world.register_snapshot_copy::<Pos>();
    world.register_snapshot_copy::<Vel>();
    world.register_snapshot::<Name>();
    world.register_snapshot_copy::<Stunned>();
    world.register_snapshot_resource::<Log>();
    world.insert_resource(Log(vec![0; 16]));
    let es: Vec<_> =
        (0..500).map(|i| world.spawn((Pos(i as f32), Vel(1.0), Name(format!("{i:08}"))))).collect();
    let mut ring: Vec<Snapshot> = (0..8).map(|_| Snapshot::new()).collect();

    let mut counted = 0;
    let mut frames = 0;
    for frame in 0..600usize {
        // One frame of a simulation: some writes, a structural change now and then.
        let e = es[frame * 13 % es.len()];
        if let Ok(p) = world.get_mut::<Pos>(e) {
            p.0 += 1.0;
        }
        if let Ok(n) = world.get_mut::<Name>(e) {
            n.0.replace_range(0..1, "x");
        }
        if frame % 4 == 0 {
            let _ = world.insert(es[frame % 50], (Stunned,));
        }
        world.resource_mut::<Log>().unwrap().0[frame % 16] += 1;

        let before = allocations();
        world.snapshot_into(&mut ring[frame % 8]).unwrap();
        if frame % 5 == 4 {
            // A late input: roll back three frames.
            world.restore(&ring[(frame + 8 - 3) % 8]).unwrap();
        }
        let made = allocations() - before;
        if frame >= 200 {
            counted += made;
            frames += 1;
        }
    }
    assert_eq!(frames, 400);
    assert_eq!(counted, 0, "allocations in {frames} frames after warm-up");
}
