//! `model_suite!(arena, owner, ops)`: random operations on an arena and on a `HashMap`
//! model side by side; after each one, the two must agree on every key ever handed out.

use proptest::prelude::*;

/// One step of the model test. Key choices are indices into the list of keys handed out so
/// far (stale ones included), taken modulo its length.
#[derive(Clone, Debug)]
pub enum Op {
    Insert(u32),
    Remove(usize),
    Get(usize),
    GetMut(usize, u32),
    ViewGetMut(usize, u32),
    Get2Mut(usize, usize),
    Retain(u32),
    Clear,
}

pub fn ops() -> impl Strategy<Value = Vec<Op>> {
    let op = prop_oneof![
        6 => any::<u32>().prop_map(Op::Insert),
        3 => any::<usize>().prop_map(Op::Remove),
        3 => any::<usize>().prop_map(Op::Get),
        3 => (any::<usize>(), any::<u32>()).prop_map(|(i, d)| Op::GetMut(i, d)),
        2 => (any::<usize>(), any::<u32>()).prop_map(|(i, d)| Op::ViewGetMut(i, d)),
        2 => (any::<usize>(), any::<usize>()).prop_map(|(i, j)| Op::Get2Mut(i, j)),
        1 => (2..5u32).prop_map(Op::Retain),
        1 => Just(Op::Clear),
    ];
    proptest::collection::vec(op, 0..200)
}

macro_rules! model_suite {
    ($arena:ident, $owner:ident, $ops:ident) => {{
        use super::model::Op;
        use std::collections::HashMap;

        let mut model = HashMap::new();
        let mut handed_out = Vec::new();
        let pick = |handed_out: &Vec<_>, i: usize| {
            (!handed_out.is_empty()).then(|| handed_out[i % handed_out.len()])
        };
        for op in $ops {
            match op {
                Op::Insert(v) => {
                    let k = $arena.insert(v);
                    assert!(model.insert(k, v).is_none(), "a fresh key must be new");
                    handed_out.push(k);
                }
                Op::Remove(i) => {
                    if let Some(k) = pick(&handed_out, i) {
                        assert_eq!($arena.remove(k), model.remove(&k));
                    }
                }
                Op::Get(i) => {
                    if let Some(k) = pick(&handed_out, i) {
                        assert_eq!(ok($arena.get(&$owner, k)), model.get(&k));
                    }
                }
                Op::GetMut(i, d) => {
                    if let Some(k) = pick(&handed_out, i) {
                        let got = ok($arena.get_mut(&mut $owner, k)).map(|v| {
                            *v = v.wrapping_add(d);
                            *v
                        });
                        let want = model.get_mut(&k).map(|v: &mut u32| {
                            *v = v.wrapping_add(d);
                            *v
                        });
                        assert_eq!(got, want);
                    }
                }
                Op::ViewGetMut(i, d) => {
                    if let Some(k) = pick(&handed_out, i) {
                        let mut rw = ok($arena.rw(&mut $owner));
                        if let Some(v) = rw.get_mut(k) {
                            *v = v.wrapping_add(d);
                        }
                        if let Some(v) = model.get_mut(&k) {
                            *v = v.wrapping_add(d);
                        }
                    }
                }
                Op::Get2Mut(i, j) => {
                    if let (Some(k1), Some(k2)) = (pick(&handed_out, i), pick(&handed_out, j)) {
                        let got = ok($arena.get2_mut(&mut $owner, k1, k2));
                        let both = k1 != k2 && model.contains_key(&k1) && model.contains_key(&k2);
                        assert_eq!(got.is_some(), both);
                        if let Some((x, y)) = got {
                            std::mem::swap(x, y);
                            let (a, b) = (model[&k1], model[&k2]);
                            model.insert(k1, b);
                            model.insert(k2, a);
                        }
                    }
                }
                Op::Retain(m) => {
                    $arena.retain(|_, v| *v % m != 0);
                    model.retain(|_, v| *v % m != 0);
                }
                Op::Clear => {
                    $arena.clear();
                    model.clear();
                }
            }
            // The whole arena agrees with the model after every step.
            assert_eq!($arena.len(), model.len());
            assert_eq!($arena.is_empty(), model.is_empty());
            let ro = ok($arena.ro(&$owner));
            for &k in &handed_out {
                assert_eq!($arena.contains_key(k), model.contains_key(&k));
                assert_eq!(ok($arena.get(&$owner, k)), model.get(&k));
                assert_eq!(ro.get(k), model.get(&k));
            }
            let values = ok($arena.as_slice(&$owner));
            assert_eq!(values.len(), $arena.keys().len());
            for (i, (k, v)) in ok($arena.iter(&$owner)).enumerate() {
                assert_eq!($arena.keys()[i], k);
                assert_eq!($arena.position(k), Some(i));
                assert_eq!(&values[i], v);
                assert_eq!(model.get(&k), Some(v));
            }
        }
    }};
}
