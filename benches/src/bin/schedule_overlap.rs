//! How much of a heavy batch runs at the same time: a measure of the parallel speed-up that a
//! loaded machine does not blur as much as wall-clock time does.
//!
//! Four systems that share no token each turn 1,000 bodies (the `heavy_four_systems` case of
//! `benches/benches/schedule.rs`) and record when they start and end. For each run, the
//! *overlap* is the sum of the four systems' durations divided by the time from the first
//! start to the last end: 1.0 when they run one after another, up to the number of threads
//! when they all run at once. Other processes that take a core away stretch both sides, so
//! the ratio shows whether the executor spreads the batch, where the run time mostly shows
//! how busy the machine was.
//!
//! ```text
//! cargo run --release -p cellar-benches --bin schedule_overlap [RUNS]
//! ```
//!
//! Prints, for cellar's default schedule, the same schedule single-threaded, legion's
//! parallel schedule and legion on a 1-thread pool: the mean overlap, the share of runs whose
//! overlap reached 1.5 (at least two systems' worth of four ran side by side), and the mean,
//! median and fastest time per run.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use cellar::prelude::*;
use cellar_benches::heavy_four::{self, Rate, Turn, turn_step};

/// When each system of the current run started and ended.
static SPANS: Mutex<Vec<(Instant, Instant)>> = Mutex::new(Vec::new());

fn record(start: Instant) {
    let end = Instant::now();
    SPANS.lock().unwrap().push((start, end));
}

fn turn<const I: usize>(mut query: Query<'_, '_, (&mut Turn<I>, &Rate<I>)>) {
    let start = Instant::now();
    for (body, rate) in query.iter_mut() {
        turn_step(&mut body.x, &mut body.y, rate.0);
    }
    record(start);
}

fn legion_turn<const I: usize>() -> impl legion::systems::ParallelRunnable {
    use legion::IntoQuery;
    legion::SystemBuilder::new(format!("turn{I}"))
        .with_query(<(legion::Write<Turn<I>>, legion::Read<Rate<I>>)>::query())
        .build(|_, world, _, query| {
            let start = Instant::now();
            query.for_each_mut(world, |(body, rate)| turn_step(&mut body.x, &mut body.y, rate.0));
            record(start);
        })
}

/// Runs `run` `runs` times; returns the overlap and the time of each run.
fn measure(runs: usize, mut run: impl FnMut()) -> (Vec<f64>, Vec<Duration>) {
    run(); // warm up: caches, and cellar's statistics for its inline rule
    let (mut overlaps, mut times) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        SPANS.lock().unwrap().clear();
        let t = Instant::now();
        run();
        times.push(t.elapsed());
        let spans = SPANS.lock().unwrap();
        let first = spans.iter().map(|s| s.0).min().expect("the systems ran");
        let last = spans.iter().map(|s| s.1).max().expect("the systems ran");
        let busy: Duration = spans.iter().map(|s| s.1 - s.0).sum();
        overlaps.push(busy.as_secs_f64() / (last - first).as_secs_f64());
    }
    (overlaps, times)
}

fn main() {
    let runs: usize = std::env::args().nth(1).map_or(500, |s| s.parse().expect("RUNS is a number"));
    let cellar_world = || {
        let world = heavy_four::cellar_world();
        let mut schedule = Schedule::new();
        schedule.add_system(turn::<0>);
        schedule.add_system(turn::<1>);
        schedule.add_system(turn::<2>);
        schedule.add_system(turn::<3>);
        (world, schedule)
    };
    let mut results = Vec::new();

    let (mut world, mut schedule) = cellar_world();
    results.push(("cellar", measure(runs, || schedule.run(&mut world))));
    let (mut world, mut schedule) = cellar_world();
    schedule.set_multithreaded(false);
    results.push(("cellar-single", measure(runs, || schedule.run(&mut world))));

    let mut world = heavy_four::legion_world();
    let mut resources = legion::Resources::default();
    let mut schedule = legion::Schedule::builder()
        .add_system(legion_turn::<0>())
        .add_system(legion_turn::<1>())
        .add_system(legion_turn::<2>())
        .add_system(legion_turn::<3>())
        .build();
    results.push(("legion", measure(runs, || schedule.execute(&mut world, &mut resources))));
    let pool = cellar::rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    results.push((
        "legion-1thread",
        measure(runs, || schedule.execute_in_thread_pool(&mut world, &mut resources, &pool)),
    ));

    println!(
        "{} threads in rayon's global pool, {runs} runs each",
        cellar::rayon::current_num_threads()
    );
    println!(
        "{:>15}  {:>8}  {:>9}  {:>10}  {:>10}  {:>10}",
        "", "overlap", "runs>=1.5", "mean run", "median run", "fastest"
    );
    for (name, (overlaps, mut times)) in results {
        let mean_overlap = overlaps.iter().sum::<f64>() / overlaps.len() as f64;
        let spread = overlaps.iter().filter(|&&o| o >= 1.5).count() as f64 / overlaps.len() as f64;
        let mean_time = times.iter().sum::<Duration>() / times.len() as u32;
        times.sort();
        println!(
            "{name:>15}  {mean_overlap:>8.2}  {:>8.0}%  {:>10.1?}  {:>10.1?}  {:>10.1?}",
            spread * 100.0,
            mean_time,
            times[times.len() / 2],
            times[0]
        );
    }
}
