//! A driver for instruction counts: builds one workload of one crate, runs it N times, and
//! exits. Run it under callgrind twice (N and 0) and divide the difference by N:
//!
//! ```text
//! cargo build --release -p cellar-benches --bin instructions
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null \
//!     target/release/instructions simple_iter cellar-iter 1000 100 2>&1 | grep refs
//! ```
//!
//! Arguments: workload (`simple_iter`, `fragmented_iter`, ...), crate id as in the criterion
//! bench (`cellar`, `cellar-iter`, `hecs`, `bevy_ecs`, ...), entity count, runs.

use cellar_benches::{Factory, registry};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [workload, id, n, runs] = args.as_slice() else {
        eprintln!("usage: instructions WORKLOAD CRATE ENTITIES RUNS");
        std::process::exit(2);
    };
    let versions: Vec<(&str, Factory)> = match workload.as_str() {
        "simple_iter" => registry::simple_iter(),
        "fragmented_iter" => registry::fragmented_iter(),
        "simple_insert" => registry::simple_insert(),
        "heavy_compute" => registry::heavy_compute(),
        "schedule" => registry::schedule(),
        other => {
            eprintln!("unknown workload {other}");
            std::process::exit(2);
        }
    };
    let Some((_, factory)) = versions.into_iter().find(|(v, _)| v == id) else {
        eprintln!("no version {id} of {workload}");
        std::process::exit(2);
    };
    let n: usize = n.parse().expect("ENTITIES is a number");
    let runs: usize = runs.parse().expect("RUNS is a number");
    let mut w = factory(n);
    for _ in 0..runs {
        w.run();
    }
    std::hint::black_box(w.observe());
}
