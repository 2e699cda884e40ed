//! Model-based property tests: random sequences of spawn, despawn, insert, remove, get,
//! get_mut, queries and stale ids against a plain `HashMap<Entity, Row>` model. Any
//! divergence fails with the shrunk sequence.
//!
//! Components: `A(u32)` (table), `B(String)` (table, needs drop), `Z` (zero-sized),
//! `Big(u64)` (over-aligned), `S(i16)` (sparse set).

use std::collections::{BTreeMap, HashMap};

use cellar_store::{ComponentError, Entity, Without, World};
use proptest::prelude::*;

#[derive(Debug, Clone, PartialEq)]
struct A(u32);
#[derive(Debug, Clone, PartialEq)]
struct B(String);
#[derive(Debug, Clone, Copy, PartialEq)]
struct Z;
#[repr(align(64))]
#[derive(Debug, Clone, Copy, PartialEq)]
struct Big(u64);
#[derive(Debug, Clone, Copy, PartialEq)]
struct S(i16);

#[derive(Debug, Clone, Default, PartialEq)]
struct Row {
    a: Option<u32>,
    b: Option<String>,
    z: bool,
    big: Option<u64>,
    s: Option<i16>,
}

#[derive(Debug, Clone)]
enum Op {
    Spawn(u8, u32),
    Despawn(usize),
    InsertA(usize, u32),
    InsertBS(usize, u32),
    InsertZBig(usize, u32),
    RemoveA(usize),
    RemoveBS(usize),
    RemoveZ(usize),
    GetMutA(usize, u32),
    GetMutS(usize, i16),
    Query,
    UseStale(usize),
    Clear,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (any::<u8>(), any::<u32>()).prop_map(|(k, v)| Op::Spawn(k, v)),
        2 => any::<usize>().prop_map(Op::Despawn),
        2 => (any::<usize>(), any::<u32>()).prop_map(|(i, v)| Op::InsertA(i, v)),
        2 => (any::<usize>(), any::<u32>()).prop_map(|(i, v)| Op::InsertBS(i, v)),
        2 => (any::<usize>(), any::<u32>()).prop_map(|(i, v)| Op::InsertZBig(i, v)),
        1 => any::<usize>().prop_map(Op::RemoveA),
        1 => any::<usize>().prop_map(Op::RemoveBS),
        1 => any::<usize>().prop_map(Op::RemoveZ),
        2 => (any::<usize>(), any::<u32>()).prop_map(|(i, v)| Op::GetMutA(i, v)),
        1 => (any::<usize>(), any::<i16>()).prop_map(|(i, v)| Op::GetMutS(i, v)),
        2 => Just(Op::Query),
        1 => any::<usize>().prop_map(Op::UseStale),
        1 => Just(Op::Clear),
    ]
}

struct Harness {
    world: World,
    model: HashMap<Entity, Row>,
    /// Every entity ever spawned, in order (alive or not).
    spawned: Vec<Entity>,
}

impl Harness {
    fn new() -> Self {
        let mut world = World::new();
        world.register_sparse::<S>().unwrap();
        Harness { world, model: HashMap::new(), spawned: Vec::new() }
    }

    fn pick(&self, i: usize) -> Option<Entity> {
        (!self.spawned.is_empty()).then(|| self.spawned[i % self.spawned.len()])
    }

    fn spawn(&mut self, kind: u8, v: u32) {
        let w = &mut self.world;
        let (e, row) = match kind % 6 {
            0 => (w.spawn((A(v),)), Row { a: Some(v), ..Row::default() }),
            1 => (
                w.spawn((A(v), B(v.to_string()))),
                Row { a: Some(v), b: Some(v.to_string()), ..Row::default() },
            ),
            2 => (
                w.spawn((Z, Big(u64::from(v)))),
                Row { z: true, big: Some(u64::from(v)), ..Row::default() },
            ),
            3 => (
                w.spawn((S(v as i16), A(v))),
                Row { a: Some(v), s: Some(v as i16), ..Row::default() },
            ),
            4 => (w.spawn(()), Row::default()),
            _ => {
                let e = w.spawn((B(v.to_string()), Z, S(1), Big(7), A(v)));
                (e, Row { a: Some(v), b: Some(v.to_string()), z: true, big: Some(7), s: Some(1) })
            }
        };
        assert!(self.model.insert(e, row).is_none(), "a fresh entity");
        self.spawned.push(e);
    }

    fn apply(&mut self, op: Op) {
        match op {
            Op::Spawn(k, v) => self.spawn(k, v),
            Op::Despawn(i) => {
                let Some(e) = self.pick(i) else { return };
                let expected = self.model.remove(&e).is_some();
                assert_eq!(self.world.despawn(e).is_ok(), expected);
            }
            Op::InsertA(i, v) => {
                let Some(e) = self.pick(i) else { return };
                let r = self.world.insert(e, (A(v),));
                match self.model.get_mut(&e) {
                    Some(row) => {
                        r.unwrap();
                        row.a = Some(v);
                    }
                    None => assert!(r.is_err()),
                }
            }
            Op::InsertBS(i, v) => {
                let Some(e) = self.pick(i) else { return };
                let r = self.world.insert(e, (B(format!("b{v}")), S(v as i16)));
                match self.model.get_mut(&e) {
                    Some(row) => {
                        r.unwrap();
                        row.b = Some(format!("b{v}"));
                        row.s = Some(v as i16);
                    }
                    None => assert!(r.is_err()),
                }
            }
            Op::InsertZBig(i, v) => {
                let Some(e) = self.pick(i) else { return };
                let r = self.world.insert(e, (Z, Big(u64::from(v) << 3)));
                match self.model.get_mut(&e) {
                    Some(row) => {
                        r.unwrap();
                        row.z = true;
                        row.big = Some(u64::from(v) << 3);
                    }
                    None => assert!(r.is_err()),
                }
            }
            Op::RemoveA(i) => {
                let Some(e) = self.pick(i) else { return };
                let r = self.world.remove::<(A,)>(e);
                match self.model.get_mut(&e) {
                    None => assert_eq!(r, Err(ComponentError::NoSuchEntity(e))),
                    Some(row) => assert_eq!(r.ok().map(|(a,)| a.0), row.a.take()),
                }
            }
            Op::RemoveBS(i) => {
                let Some(e) = self.pick(i) else { return };
                let r = self.world.remove::<(B, S)>(e);
                match self.model.get_mut(&e) {
                    None => assert!(r.is_err()),
                    Some(row) if row.b.is_some() && row.s.is_some() => {
                        let (b, s) = r.unwrap();
                        assert_eq!(Some(b.0), row.b.take());
                        assert_eq!(Some(s.0), row.s.take());
                    }
                    Some(_) => assert!(matches!(r, Err(ComponentError::Missing { .. }))),
                }
            }
            Op::RemoveZ(i) => {
                let Some(e) = self.pick(i) else { return };
                let r = self.world.remove::<(Z,)>(e);
                match self.model.get_mut(&e) {
                    None => assert!(r.is_err()),
                    Some(row) => {
                        assert_eq!(r.is_ok(), row.z);
                        row.z = false;
                    }
                }
            }
            Op::GetMutA(i, v) => {
                let Some(e) = self.pick(i) else { return };
                let r = self.world.get_mut::<A>(e);
                match self.model.get_mut(&e).and_then(|row| row.a.as_mut()) {
                    Some(a) => {
                        r.unwrap().0 = v;
                        *a = v;
                    }
                    None => assert!(r.is_err()),
                }
            }
            Op::GetMutS(i, v) => {
                let Some(e) = self.pick(i) else { return };
                let r = self.world.get_mut::<S>(e);
                match self.model.get_mut(&e).and_then(|row| row.s.as_mut()) {
                    Some(s) => {
                        r.unwrap().0 = v;
                        *s = v;
                    }
                    None => assert!(r.is_err()),
                }
            }
            Op::Query => self.check_queries(),
            Op::UseStale(i) => {
                let Some(e) = self.pick(i) else { return };
                if !self.model.contains_key(&e) {
                    assert_eq!(self.world.get::<A>(e), Err(ComponentError::NoSuchEntity(e)));
                    assert!(!self.world.contains(e));
                }
            }
            Op::Clear => {
                self.world.clear();
                self.model.clear();
            }
        }
    }

    fn row_of(&self, e: Entity) -> Row {
        let w = &self.world;
        Row {
            a: w.get::<A>(e).ok().map(|a| a.0),
            b: w.get::<B>(e).ok().map(|b| b.0.clone()),
            z: w.has::<Z>(e),
            big: w.get::<Big>(e).ok().map(|b| b.0),
            s: w.get::<S>(e).ok().map(|s| s.0),
        }
    }

    fn check_all(&self) {
        assert_eq!(self.world.len(), self.model.len());
        for (&e, row) in &self.model {
            assert!(self.world.contains(e));
            assert_eq!(&self.row_of(e), row, "entity {e:?}");
        }
        for e in &self.spawned {
            assert_eq!(self.world.contains(*e), self.model.contains_key(e));
        }
    }

    fn check_queries(&mut self) {
        let got: BTreeMap<Entity, (u32, Option<i16>, bool)> = self
            .world
            .query::<(Entity, &A, Option<&S>, Option<&Z>)>()
            .map(|(e, a, s, z)| (e, (a.0, s.map(|s| s.0), z.is_some())))
            .collect();
        let want: BTreeMap<Entity, (u32, Option<i16>, bool)> =
            self.model.iter().filter_map(|(&e, r)| Some((e, (r.a?, r.s, r.z)))).collect();
        assert_eq!(got, want);

        let got: BTreeMap<Entity, i16> = self
            .world
            .query_filtered::<(Entity, &S), Without<B>>()
            .map(|(e, s)| (e, s.0))
            .collect();
        let want: BTreeMap<Entity, i16> = self
            .model
            .iter()
            .filter(|(_, r)| r.b.is_none())
            .filter_map(|(&e, r)| Some((e, r.s?)))
            .collect();
        assert_eq!(got, want);

        // A write query: bump every Big that sits beside a Z, in the world and the model.
        for (big, _) in self.world.query_mut::<(&mut Big, &Z)>() {
            big.0 = big.0.wrapping_add(1);
        }
        for row in self.model.values_mut() {
            if let (Some(big), true) = (row.big.as_mut(), row.z) {
                *big = big.wrapping_add(1);
            }
        }
        let aligned =
            self.world.query::<&Big>().all(|b| (b as *const Big as usize).is_multiple_of(64));
        assert!(aligned);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn world_matches_the_model(ops in prop::collection::vec(op(), 1..64)) {
        let mut h = Harness::new();
        for op in ops {
            h.apply(op);
            h.check_all();
        }
        h.check_queries();
    }

}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn queries_match_the_model_after_long_runs(ops in prop::collection::vec(op(), 32..96)) {
        let mut h = Harness::new();
        for op in ops {
            h.apply(op);
        }
        h.check_all();
        h.check_queries();
        h.check_all();
    }
}
