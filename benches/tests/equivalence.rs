//! Every crate's version of every workload computes the same values, at sizes small enough for
//! a debug build: the benchmark compares like with like.
//!
//! Each test builds every crate's version, runs it a few times, and compares what it left in
//! its world (an entity count and sums of the components, see `Observation`) with the first
//! version in the registry's list and with what the workload's definition says it must be.

use cellar_benches::components::{Position, body, data, letter_value, position, velocity};
use cellar_benches::{AddRemoveFactory, Factory, Observation, heavy_step, registry};

/// Builds every version at size `n`, runs each `runs` times, returns (id, observation).
fn observe_all(
    versions: Vec<(&'static str, Factory)>,
    n: usize,
    runs: usize,
) -> Vec<(&'static str, Observation)> {
    versions
        .into_iter()
        .map(|(id, make)| {
            let mut workload = make(n);
            for _ in 0..runs {
                workload.run();
            }
            (id, workload.observe())
        })
        .collect()
}

fn assert_all_equal(observed: &[(&str, Observation)], expected: &Observation, rel_tol: f64) {
    for (id, o) in observed {
        assert!(
            o.approx_eq(expected, rel_tol),
            "{id} disagrees:\n  {id}: {o:?}\n  expected: {expected:?}"
        );
    }
}

/// The motion observation of `n` entities after `steps` steps of `position += velocity`,
/// computed from the starting values alone.
fn expected_motion(n: usize, steps: usize) -> Observation {
    let mut o = Observation::default();
    for i in 0..n {
        let v = velocity(i);
        let p = Position(position(i).0 + v.0 * steps as f32);
        o.add_motion(&p, &v);
    }
    o
}

#[test]
fn simple_insert_spawns_the_same_entities_everywhere() {
    let n = 300;
    let observed = observe_all(registry::simple_insert(), n, 2);
    assert!(observed.len() >= 5, "every peer is in the registry");
    assert_all_equal(&observed, &expected_motion(n, 0), 0.0);
}

#[test]
fn simple_iter_moves_every_entity_by_its_own_velocity() {
    let (n, runs) = (300, 3);
    let observed = observe_all(registry::simple_iter(), n, runs);
    assert!(observed.iter().any(|(id, _)| *id == "floor-vec"));
    assert_all_equal(&observed, &expected_motion(n, runs), 0.0);
}

#[test]
fn fragmented_iter_doubles_every_data_in_every_archetype() {
    let (n, runs) = (20, 3);
    let observed = observe_all(registry::fragmented_iter(), n, runs);
    assert!(observed.iter().any(|(id, _)| *id == "floor-vec-iter"));
    let mut expected = Observation::default();
    for _letter in 0..26 {
        for i in 0..n {
            expected.count += 1;
            expected.add(0, f64::from(data(i).0) * f64::from(1u32 << runs));
        }
    }
    assert_all_equal(&observed, &expected, 0.0);
}

#[test]
fn heavy_compute_inverts_and_transforms_alike() {
    let (n, runs) = (40, 3);
    let observed = observe_all(registry::heavy_compute(), n, runs);
    let mut expected = Observation::default();
    for i in 0..n {
        let (mut t, mut p, _, _) = body(i);
        for _ in 0..runs {
            heavy_step(&mut t, &mut p);
        }
        expected.add_heavy(&t, &p);
    }
    // The parallel versions do the same float operations per entity, so only summation order
    // differs; the tolerance covers that, not a different computation.
    assert_all_equal(&observed, &expected, 1e-5);
}

#[test]
fn schedule_swaps_the_same_pairs_everywhere() {
    let n = 50;
    for runs in [1, 2] {
        let observed = observe_all(registry::schedule(), n, runs);
        // After an odd number of runs A and B have swapped on every entity, and C has swapped
        // with D or E on the entities that have them; after an even number all is back.
        let mut expected = Observation::default();
        let odd = runs % 2 == 1;
        for i in 0..n {
            let v = |k| f64::from(letter_value(i, k));
            let (a, b) = if odd { (v(2), v(1)) } else { (v(1), v(2)) };
            // (A, B), (A, B, C), (A, B, C, D), (A, B, C, E)
            let rows: [[f64; 5]; 4] = [
                [a, b, 0.0, 0.0, 0.0],
                [a, b, v(3), 0.0, 0.0],
                if odd { [a, b, v(4), v(3), 0.0] } else { [a, b, v(3), v(4), 0.0] },
                if odd { [a, b, v(5), 0.0, v(3)] } else { [a, b, v(3), 0.0, v(5)] },
            ];
            for row in rows {
                expected.count += 1;
                for (k, x) in row.into_iter().enumerate() {
                    expected.add(k, x);
                }
            }
        }
        assert_all_equal(&observed, &expected, 0.0);
    }
}

#[test]
fn add_remove_adds_then_removes_b_on_every_entity() {
    let n = 200;
    let versions: Vec<(&str, AddRemoveFactory)> = registry::add_remove();
    let with_b = |has_b: bool| {
        let mut o = Observation::default();
        for i in 0..n {
            o.count += 1;
            o.add(0, f64::from(data(i).0));
            o.add(1, if has_b { 1.0 } else { 0.0 });
        }
        for i in 0..n {
            o.add(2, f64::from(data(i).0));
        }
        o
    };
    for (id, make) in versions {
        let mut w = make(n);
        w.add_b();
        let added = w.observe();
        assert_eq!(added, with_b(true), "{id} after adding B");
        w.remove_b();
        let removed = w.observe();
        assert_eq!(removed, with_b(false), "{id} after removing B");
        w.run();
        w.run();
        assert_eq!(w.observe(), with_b(false), "{id} after two whole runs");
    }
}
