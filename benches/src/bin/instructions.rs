//! Instructions per operation of the cells and once cells against their peers, for
//! callgrind: deterministic where timings on a shared machine are not.
//!
//! Each `op` below runs one operation `ROUNDS` times on a black-boxed cell, in a function
//! that is never inlined; callgrind's inclusive count for it, divided by `ROUNDS`, is the
//! operation's instructions plus the same few of loop overhead for every row.
//!
//! ```sh
//! cargo build --release -p cellar-benches --bin instructions
//! valgrind --tool=callgrind --callgrind-out-file=cg.out target/release/instructions
//! callgrind_annotate --inclusive=yes --tree=calling cg.out | grep -E '=> .*instructions::'
//! ```
//!
//! Functions whose machine code is identical may be folded into one symbol by the linker;
//! the one that remains stands for all of them (`AtomicCell<u64>::store` and
//! `AtomicU64::store(Release)` are one such pair).

use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};

use cellar::sync;

/// Calls of each operation.
const ROUNDS: u64 = 1_000_000;

/// One never-inlined function per operation: `name(cell: Type) { operation on cell, i }`.
macro_rules! ops {
    ($i:ident; $($name:ident($cell:ident: $ty:ty) $body:block)*) => {$(
        #[inline(never)]
        #[allow(unused_variables)]
        fn $name($cell: &$ty) {
            for $i in 0..ROUNDS {
                let $i = black_box($i);
                let $cell = black_box($cell);
                black_box($body);
            }
        }
    )*};
}

type CrossbeamCell<T> = crossbeam_utils::atomic::AtomicCell<T>;

ops! { i;
    cellar_store_u64(c: sync::AtomicCell<u64>) { c.store(i) }
    crossbeam_store_u64(c: CrossbeamCell<u64>) { c.store(i) }
    std_store_u64(c: AtomicU64) { c.store(i, Ordering::Release) }
    cellar_swap_u64(c: sync::AtomicCell<u64>) { c.swap(i) }
    crossbeam_swap_u64(c: CrossbeamCell<u64>) { c.swap(i) }
    cellar_load_u64(c: sync::AtomicCell<u64>) { c.load() }
    crossbeam_load_u64(c: CrossbeamCell<u64>) { c.load() }
    cellar_store_32b(c: sync::AtomicCell<[u64; 4]>) { c.store([i; 4]) }
    crossbeam_store_32b(c: CrossbeamCell<[u64; 4]>) { c.store([i; 4]) }
    cellar_seqlock_set_32b(c: sync::SeqLock<[u64; 4]>) { c.set([i; 4]) }
    cellar_load_32b(c: sync::AtomicCell<[u64; 4]>) { c.load() }
    crossbeam_load_32b(c: CrossbeamCell<[u64; 4]>) { c.load() }
    cellar_seqlock_get_32b(c: sync::SeqLock<[u64; 4]>) { c.get() }
    cellar_once_get(c: sync::OnceCell<u64>) { *c.get().unwrap() }
    std_once_get(c: std::sync::OnceLock<u64>) { *c.get().unwrap() }
    oncecell_once_get(c: once_cell::sync::OnceCell<u64>) { *c.get().unwrap() }
    cellar_get_or_init(c: sync::OnceCell<u64>) { *c.get_or_init(|| 8) }
    std_get_or_init(c: std::sync::OnceLock<u64>) { *c.get_or_init(|| 8) }
    cellar_lazy(c: sync::Lazy<u64>) { **c }
    std_lazy(c: std::sync::LazyLock<u64>) { **c }
    cellar_unsync_get(c: cellar::unsync::OnceCell<u64>) { *c.get().unwrap() }
    std_unsync_get(c: std::cell::OnceCell<u64>) { *c.get().unwrap() }
    cellar_unsync_lazy(c: cellar::unsync::Lazy<u64>) { **c }
    std_unsync_lazy(c: std::cell::LazyCell<u64>) { **c }
}

/// The lazies' initializer, a `fn` as in a `static`.
fn seven() -> u64 {
    7
}

fn main() {
    cellar_store_u64(&sync::AtomicCell::new(0));
    crossbeam_store_u64(&CrossbeamCell::new(0));
    std_store_u64(&AtomicU64::new(0));
    cellar_swap_u64(&sync::AtomicCell::new(0));
    crossbeam_swap_u64(&CrossbeamCell::new(0));
    cellar_load_u64(&sync::AtomicCell::new(0));
    crossbeam_load_u64(&CrossbeamCell::new(0));
    cellar_store_32b(&sync::AtomicCell::new([0; 4]));
    crossbeam_store_32b(&CrossbeamCell::new([0; 4]));
    cellar_seqlock_set_32b(&sync::SeqLock::new([0; 4]));
    cellar_load_32b(&sync::AtomicCell::new([0; 4]));
    crossbeam_load_32b(&CrossbeamCell::new([0; 4]));
    cellar_seqlock_get_32b(&sync::SeqLock::new([0; 4]));
    cellar_once_get(&sync::OnceCell::from(7));
    std_once_get(&std::sync::OnceLock::from(7));
    oncecell_once_get(&once_cell::sync::OnceCell::from(7));
    cellar_get_or_init(&sync::OnceCell::from(7));
    std_get_or_init(&std::sync::OnceLock::from(7));
    let lazy = sync::Lazy::new(seven as fn() -> u64);
    black_box(*lazy);
    cellar_lazy(&lazy);
    let lazy = std::sync::LazyLock::new(seven as fn() -> u64);
    black_box(*lazy);
    std_lazy(&lazy);
    cellar_unsync_get(&cellar::unsync::OnceCell::from(7));
    std_unsync_get(&std::cell::OnceCell::from(7));
    let lazy = cellar::unsync::Lazy::new(seven as fn() -> u64);
    black_box(*lazy);
    cellar_unsync_lazy(&lazy);
    let lazy = std::cell::LazyCell::new(seven as fn() -> u64);
    black_box(*lazy);
    std_unsync_lazy(&lazy);
}
