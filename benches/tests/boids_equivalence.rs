//! The boids benchmark's three versions compute the same flock: the same per-boid code over
//! the same sorted grid, so after several frames their worlds are bit-identical, whatever
//! the ECS and the thread count. A version that skipped a rule, ran the systems out of order
//! or paired one boid's components with another's would drift apart at once.

use cellar_benches::boids::versions;

#[test]
fn every_version_and_thread_count_ends_in_the_same_flock() {
    let n = 1_500;
    let mut reference = None;
    for threads in [1, 2] {
        for (id, make) in versions() {
            let mut app = make(n, threads);
            let start = app.observe();
            for _ in 0..6 {
                app.frame();
            }
            let end = app.observe();
            assert_eq!(end.len(), n, "{id} on {threads}");
            assert_ne!(end, start, "{id} on {threads}: the boids moved");
            match &reference {
                None => reference = Some(end),
                Some(r) => assert!(r == &end, "{id} on {threads} threads differs from cellar on 1"),
            }
        }
    }
}
