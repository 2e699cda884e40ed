//! A driver for instruction counts: builds one crate's version of one workload and runs it
//! N times, so that `valgrind --tool=callgrind` (which load does not change) can measure
//! instructions per run as (count at N - count at 0) / N.
//!
//! ```text
//! cargo build --release -p cellar-benches --bin icount
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null target/release/icount add_remove cellar 100
//! ```
//!
//! Arguments: workload (`simple_insert`, `simple_iter`, `fragmented_iter`, `add_remove`,
//! `snapshot_take`, `snapshot_restore`), crate id as in the report (`cellar`,
//! `cellar-sparse`, `hecs`, ...; `memcpy` for the snapshot floor), runs, and optionally the
//! entity count (the benchmark's default otherwise; 10k for the snapshot workloads).

use std::hint::black_box;

use cellar_benches::{ADD_REMOVE_ENTITIES, FRAGMENTED_PER_LETTER, Workload, registry};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [workload, id, runs, rest @ ..] = args.as_slice() else {
        eprintln!("usage: icount WORKLOAD CRATE RUNS [ENTITIES]");
        std::process::exit(2);
    };
    let runs: usize = runs.parse().expect("RUNS is a number");
    let n = |default: usize| rest.first().map_or(default, |s| s.parse().expect("ENTITIES"));
    let mut w: Box<dyn Workload> = match workload.as_str() {
        "add_remove" => {
            let (_, make) = find(registry::add_remove(), id);
            let w = make(n(ADD_REMOVE_ENTITIES));
            Box::new(Steps(w))
        }
        "simple_insert" => find(registry::simple_insert(), id).1(n(10_000)),
        "simple_iter" => find(registry::simple_iter(), id).1(n(1_000)),
        "fragmented_iter" => find(registry::fragmented_iter(), id).1(n(FRAGMENTED_PER_LETTER)),
        "snapshot_take" | "snapshot_restore" => {
            let copy = cellar_benches::snapshot::make(id, n(10_000))
                .unwrap_or_else(|| panic!("no crate {id}"));
            Box::new(CopyWorkload { copy, restore: workload == "snapshot_restore" })
        }
        other => panic!("unknown workload {other}"),
    };
    for _ in 0..runs {
        w.run();
        black_box(&mut w);
    }
}

fn find<F>(versions: Vec<(&'static str, F)>, id: &str) -> (&'static str, F) {
    versions.into_iter().find(|(v, _)| *v == id).unwrap_or_else(|| panic!("no crate {id}"))
}

/// An add_remove workload, as a plain workload.
struct Steps(Box<dyn cellar_benches::AddRemoveSteps>);

impl Workload for Steps {
    fn run(&mut self) {
        self.0.run();
    }
    fn observe(&mut self) -> cellar_benches::Observation {
        self.0.observe()
    }
}

/// One half of a snapshot workload (take or restore), as a plain workload.
struct CopyWorkload {
    copy: Box<dyn cellar_benches::snapshot::CopyOutAndBack>,
    restore: bool,
}

impl Workload for CopyWorkload {
    fn run(&mut self) {
        if self.restore { self.copy.restore() } else { self.copy.take() }
    }
    fn observe(&mut self) -> cellar_benches::Observation {
        cellar_benches::Observation::default()
    }
}
