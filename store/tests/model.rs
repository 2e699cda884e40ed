//! Model-based property tests: random sequences of spawn, despawn, insert, remove, take,
//! get, get_mut, queries, stale ids and the batch operations (spawn_batch,
//! spawn_column_batch, insert_batch, remove_batch) against a plain `HashMap<Entity, Row>`
//! model. Any divergence fails with the shrunk sequence.
//!
//! Components: `A(u32)` (table), `B(String)` (table, needs drop), `Z` (zero-sized),
//! `Big(u64)` (over-aligned), `S(i16)` and `P(String)` (sparse sets; `P` needs drop).
//!
//! `MODEL_CASES=10000 cargo test -p cellar-store --release --test model` runs more cases.

use std::collections::{BTreeMap, HashMap};

use cellar_store::{ColumnBatch, ComponentError, Entity, EntityError, Without, World};
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
#[derive(Debug, Clone, PartialEq)]
struct P(String);

#[derive(Debug, Clone, Default, PartialEq)]
struct Row {
    a: Option<u32>,
    b: Option<String>,
    z: bool,
    big: Option<u64>,
    s: Option<i16>,
    p: Option<String>,
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
    /// An all-sparse bundle in and out: no table moves.
    InsertSP(usize, i16),
    RemoveSP(usize),
    RemoveP(usize),
    /// One-component bundles (the typed path): a sparse value that needs drop, and a table
    /// value that needs drop.
    InsertP(usize, u32),
    InsertB(usize, u32),
    RemoveB(usize),
    Take(usize),
    SpawnBatch(u8, u8, u32),
    SpawnColumns(u8, u32, bool),
    /// insert_batch of `(A,)` on `len` entities from `start` (dead ones included).
    InsertBatchA(usize, u8, u32),
    /// remove_batch of `(B, S)` on `len` entities from `start`.
    RemoveBatchBS(usize, u8),
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
        2 => (any::<usize>(), any::<i16>()).prop_map(|(i, v)| Op::InsertSP(i, v)),
        1 => any::<usize>().prop_map(Op::RemoveSP),
        1 => any::<usize>().prop_map(Op::RemoveP),
        1 => (any::<usize>(), any::<u32>()).prop_map(|(i, v)| Op::InsertP(i, v)),
        1 => (any::<usize>(), any::<u32>()).prop_map(|(i, v)| Op::InsertB(i, v)),
        1 => any::<usize>().prop_map(Op::RemoveB),
        1 => any::<usize>().prop_map(Op::Take),
        1 => (any::<u8>(), 0..6u8, any::<u32>()).prop_map(|(k, n, v)| Op::SpawnBatch(k, n, v)),
        1 => (0..6u8, any::<u32>(), any::<bool>()).prop_map(|(n, v, s)| Op::SpawnColumns(n, v, s)),
        1 => (any::<usize>(), 0..6u8, any::<u32>()).prop_map(|(i, n, v)| Op::InsertBatchA(i, n, v)),
        1 => (any::<usize>(), 0..6u8).prop_map(|(i, n)| Op::RemoveBatchBS(i, n)),
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
        world.register_sparse::<P>().unwrap();
        Harness { world, model: HashMap::new(), spawned: Vec::new() }
    }

    fn pick(&self, i: usize) -> Option<Entity> {
        (!self.spawned.is_empty()).then(|| self.spawned[i % self.spawned.len()])
    }

    fn spawn(&mut self, kind: u8, v: u32) {
        let w = &mut self.world;
        let (e, row) = match kind % 7 {
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
            5 => (
                w.spawn((P(format!("p{v}")), S(2))),
                Row { p: Some(format!("p{v}")), s: Some(2), ..Row::default() },
            ),
            _ => {
                let e = w.spawn((B(v.to_string()), Z, S(1), Big(7), A(v)));
                let b = Some(v.to_string());
                (e, Row { a: Some(v), b, z: true, big: Some(7), s: Some(1), p: None })
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
            Op::InsertSP(i, v) => {
                let Some(e) = self.pick(i) else { return };
                let r = self.world.insert(e, (S(v), P(format!("sp{v}"))));
                match self.model.get_mut(&e) {
                    Some(row) => {
                        r.unwrap();
                        row.s = Some(v);
                        row.p = Some(format!("sp{v}"));
                    }
                    None => assert_eq!(r, Err(EntityError::NoSuchEntity(e))),
                }
            }
            Op::RemoveSP(i) => {
                let Some(e) = self.pick(i) else { return };
                let r = self.world.remove::<(S, P)>(e);
                match self.model.get_mut(&e) {
                    None => assert_eq!(r, Err(ComponentError::NoSuchEntity(e))),
                    Some(row) if row.s.is_some() && row.p.is_some() => {
                        let (s, p) = r.unwrap();
                        assert_eq!(Some(s.0), row.s.take());
                        assert_eq!(Some(p.0), row.p.take());
                    }
                    Some(row) => {
                        let missing = if row.s.is_none() { "model::S" } else { "model::P" };
                        assert_eq!(
                            r,
                            Err(ComponentError::Missing { entity: e, component: missing })
                        );
                    }
                }
            }
            Op::RemoveP(i) => {
                let Some(e) = self.pick(i) else { return };
                let r = self.world.remove::<(P,)>(e);
                match self.model.get_mut(&e) {
                    None => assert!(r.is_err()),
                    Some(row) => assert_eq!(r.ok().map(|(p,)| p.0), row.p.take()),
                }
            }
            Op::InsertP(i, v) => {
                let Some(e) = self.pick(i) else { return };
                let r = self.world.insert(e, (P(format!("p1{v}")),));
                match self.model.get_mut(&e) {
                    Some(row) => {
                        r.unwrap();
                        row.p = Some(format!("p1{v}"));
                    }
                    None => assert_eq!(r, Err(EntityError::NoSuchEntity(e))),
                }
            }
            Op::InsertB(i, v) => {
                let Some(e) = self.pick(i) else { return };
                let r = self.world.insert(e, (B(format!("b1{v}")),));
                match self.model.get_mut(&e) {
                    Some(row) => {
                        r.unwrap();
                        row.b = Some(format!("b1{v}"));
                    }
                    None => assert_eq!(r, Err(EntityError::NoSuchEntity(e))),
                }
            }
            Op::RemoveB(i) => {
                let Some(e) = self.pick(i) else { return };
                let r = self.world.remove::<(B,)>(e);
                match self.model.get_mut(&e) {
                    None => assert_eq!(r, Err(ComponentError::NoSuchEntity(e))),
                    Some(row) => match row.b.take() {
                        Some(b) => assert_eq!(r, Ok((B(b),))),
                        None => assert_eq!(
                            r,
                            Err(ComponentError::Missing { entity: e, component: "model::B" })
                        ),
                    },
                }
            }
            Op::Take(i) => {
                let Some(e) = self.pick(i) else { return };
                let r = self.world.take::<(A, S)>(e);
                match self.model.get(&e) {
                    None => assert_eq!(r, Err(ComponentError::NoSuchEntity(e))),
                    Some(row) if row.a.is_some() && row.s.is_some() => {
                        let (a, s) = r.unwrap();
                        assert_eq!((Some(a.0), Some(s.0)), (row.a, row.s));
                        self.model.remove(&e);
                    }
                    Some(_) => assert!(matches!(r, Err(ComponentError::Missing { .. }))),
                }
            }
            Op::SpawnBatch(k, n, v) => {
                let w = &mut self.world;
                let (es, rows): (Vec<Entity>, Vec<Row>) = match k % 3 {
                    0 => {
                        let es = w.spawn_batch((0..n).map(|i| (A(v + u32::from(i)),))).to_vec();
                        let rows =
                            (0..n).map(|i| Row { a: Some(v + u32::from(i)), ..Row::default() });
                        (es, rows.collect())
                    }
                    1 => {
                        let bundles =
                            (0..n).map(|i| (S(i16::from(i)), B(format!("{v}/{i}")), A(v)));
                        let es = w.spawn_batch(bundles).to_vec();
                        let rows = (0..n).map(|i| Row {
                            a: Some(v),
                            b: Some(format!("{v}/{i}")),
                            s: Some(i16::from(i)),
                            ..Row::default()
                        });
                        (es, rows.collect())
                    }
                    _ => {
                        let es = w.spawn_batch((0..n).map(|i| (P(format!("{i}")),))).to_vec();
                        let rows =
                            (0..n).map(|i| Row { p: Some(format!("{i}")), ..Row::default() });
                        (es, rows.collect())
                    }
                };
                assert_eq!(es.len(), usize::from(n));
                for (e, row) in es.into_iter().zip(rows) {
                    assert!(self.model.insert(e, row).is_none(), "a fresh entity");
                    self.spawned.push(e);
                }
            }
            Op::SpawnColumns(n, v, with_s) => {
                let n = usize::from(n);
                let mut batch = ColumnBatch::new()
                    .with((0..n).map(|i| A(v ^ i as u32)).collect::<Vec<_>>())
                    .with((0..n).map(|i| B(format!("c{i}"))).collect::<Vec<_>>());
                if with_s {
                    batch = batch.with((0..n).map(|i| S(-(i as i16))).collect::<Vec<_>>());
                }
                let es = self.world.spawn_column_batch(batch).unwrap().to_vec();
                assert_eq!(es.len(), n);
                for (i, e) in es.into_iter().enumerate() {
                    let row = Row {
                        a: Some(v ^ i as u32),
                        b: Some(format!("c{i}")),
                        s: with_s.then_some(-(i as i16)),
                        ..Row::default()
                    };
                    assert!(self.model.insert(e, row).is_none(), "a fresh entity");
                    self.spawned.push(e);
                }
            }
            Op::InsertBatchA(start, len, v) => {
                let targets = self.range(start, len);
                let r = self.world.insert_batch(targets.iter().map(|&e| (e, (A(v),))));
                let first_dead = targets.iter().copied().find(|e| !self.model.contains_key(e));
                assert_eq!(r, first_dead.map_or(Ok(()), |e| Err(EntityError::NoSuchEntity(e))));
                for e in targets {
                    if let Some(row) = self.model.get_mut(&e) {
                        row.a = Some(v);
                    }
                }
            }
            Op::RemoveBatchBS(start, len) => {
                let targets = self.range(start, len);
                let removed = self.world.remove_batch::<(B, S), _>(targets.iter().copied());
                let mut want = 0;
                for e in targets {
                    if let Some(row) = self.model.get_mut(&e)
                        && row.b.is_some()
                        && row.s.is_some()
                    {
                        row.b = None;
                        row.s = None;
                        want += 1;
                    }
                }
                assert_eq!(removed, want);
            }
        }
    }

    /// `len` distinct spawned entities (alive or not) from index `start`, in order.
    fn range(&self, start: usize, len: u8) -> Vec<Entity> {
        if self.spawned.is_empty() {
            return Vec::new();
        }
        let n = self.spawned.len();
        let mut out: Vec<Entity> =
            (0..usize::from(len).min(n)).map(|k| self.spawned[(start % n + k) % n]).collect();
        out.dedup();
        out
    }

    fn row_of(&self, e: Entity) -> Row {
        let w = &self.world;
        Row {
            a: w.get::<A>(e).ok().map(|a| a.0),
            b: w.get::<B>(e).ok().map(|b| b.0.clone()),
            z: w.has::<Z>(e),
            big: w.get::<Big>(e).ok().map(|b| b.0),
            s: w.get::<S>(e).ok().map(|s| s.0),
            p: w.get::<P>(e).ok().map(|p| p.0.clone()),
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

        // Sparse components alone, and beside each other.
        let got: BTreeMap<Entity, (Option<i16>, String)> = self
            .world
            .query::<(Entity, Option<&S>, &P)>()
            .map(|(e, s, p)| (e, (s.map(|s| s.0), p.0.clone())))
            .collect();
        let want: BTreeMap<Entity, (Option<i16>, String)> =
            self.model.iter().filter_map(|(&e, r)| Some((e, (r.s, r.p.clone()?)))).collect();
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

/// The number of cases: `MODEL_CASES` if set, `default` otherwise.
fn cases(default: u32) -> u32 {
    std::env::var("MODEL_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(default)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(256), ..ProptestConfig::default() })]

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
    #![proptest_config(ProptestConfig { cases: cases(128), ..ProptestConfig::default() })]

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
