//! `api_suite!(arena, owner)`: every method of one flavour, on an empty arena of `String`s.

macro_rules! api_suite {
    ($arena:ident, $owner:ident) => {{
        use cellar_tokens::arena::Key as _;

        // Empty.
        assert!($arena.is_empty());
        assert_eq!($arena.len(), 0);
        assert!(ok($arena.as_slice(&$owner)).is_empty());
        assert_eq!(ok($arena.iter(&$owner)).count(), 0);
        assert!(format!("{:?}", $arena).contains("len: 0"));

        // Shape: insert, insert_with_key, reserve, capacity; no owner needed.
        $arena.reserve(16);
        assert!($arena.capacity() >= 16);
        let a = $arena.insert(String::from("a"));
        let b = $arena.insert(String::from("b"));
        let c = $arena.insert_with_key(|k| format!("c{}", k.data().as_ffi() & 0xff));
        assert_eq!($arena.len(), 3);
        assert!(!$arena.is_empty());
        assert!($arena.contains_key(a) && $arena.contains_key(b) && $arena.contains_key(c));
        assert_eq!($arena.keys(), [a, b, c]);
        assert_eq!([$arena.position(a), $arena.position(c)], [Some(0), Some(2)]);
        let c_name = format!("c{}", c.data().as_ffi() & 0xff);

        // Reads.
        assert_eq!(ok($arena.get(&$owner, a)).map(String::as_str), Some("a"));
        assert_eq!(ok($arena.get(&$owner, c)), Some(&c_name));
        assert_eq!(ok($arena.as_slice(&$owner)), ["a", "b", c_name.as_str()]);
        let pairs: Vec<_> = ok($arena.iter(&$owner)).map(|(k, v)| (k, v.clone())).collect();
        assert_eq!(pairs, [(a, "a".to_string()), (b, "b".to_string()), (c, c_name.clone())]);
        let iter = ok($arena.iter(&$owner));
        assert_eq!(iter.len(), 3);
        assert_eq!(iter.clone().next_back().map(|(k, _)| k), Some(c));
        // Two readers at once with one `&owner`.
        let (x, y) = (ok($arena.get(&$owner, a)), ok($arena.get(&$owner, b)));
        assert_eq!((x.unwrap().as_str(), y.unwrap().as_str()), ("a", "b"));

        // Writes.
        ok($arena.get_mut(&mut $owner, a)).unwrap().push('1');
        {
            let (x, y) = ok($arena.get2_mut(&mut $owner, a, b)).unwrap();
            std::mem::swap(x, y);
        }
        assert_eq!(ok($arena.get(&$owner, a)).map(String::as_str), Some("b"));
        assert_eq!(ok($arena.get(&$owner, b)).map(String::as_str), Some("a1"));
        {
            let (x, y, z) = ok($arena.get3_mut(&mut $owner, c, b, a)).unwrap();
            x.clear();
            x.push_str("c");
            y.push('y');
            z.push('z');
        }
        assert_eq!(ok($arena.as_slice(&$owner)), ["bz", "a1y", "c"]);
        for v in ok($arena.get_many_mut(&mut $owner, [b, a, c])).unwrap() {
            v.push('!');
        }
        assert_eq!(ok($arena.as_slice(&$owner)), ["bz!", "a1y!", "c!"]);
        for (k, v) in ok($arena.iter_mut(&mut $owner)) {
            if k == b {
                v.insert(0, '#');
            }
        }
        assert_eq!(ok($arena.iter_mut(&mut $owner)).len(), 3);
        for v in ok($arena.as_mut_slice(&mut $owner)) {
            v.retain(|ch| ch != '!');
        }
        assert_eq!(ok($arena.as_slice(&$owner)), ["bz", "#a1y", "c"]);
        $arena.values_mut()[2].push('+');
        assert_eq!(ok($arena.get(&$owner, c)).map(String::as_str), Some("c+"));

        // Views: one owner check, then many accesses.
        {
            let ro = ok($arena.ro(&$owner));
            let ro2 = ro; // `Copy`
            assert_eq!((ro.len(), ro.is_empty()), (3, false));
            assert!(ro.contains_key(a) && ro2.contains_key(c));
            assert_eq!(ro.keys(), [a, b, c]);
            assert_eq!(ro.position(b), Some(1));
            assert_eq!(ro.get(a).map(String::as_str), Some("bz"));
            assert_eq!(ro.as_slice().len(), 3);
            assert_eq!(ro.iter().map(|(k, _)| k).collect::<Vec<_>>(), [a, b, c]);
            assert!(format!("{ro:?}").contains("len: 3"));
            // Two views from one `&owner` at once, and a plain read beside them.
            let other = ok($arena.ro(&$owner));
            assert_eq!(ro.get(b), other.get(b));
            assert_eq!(ok($arena.get(&$owner, b)), ro.get(b));
        }
        {
            let mut rw = ok($arena.rw(&mut $owner));
            assert_eq!((rw.len(), rw.is_empty()), (3, false));
            assert!(rw.contains_key(b));
            assert_eq!(rw.keys(), [a, b, c]);
            assert_eq!(rw.position(c), Some(2));
            rw.get_mut(a).unwrap().push('<');
            assert_eq!(rw.get(a).map(String::as_str), Some("bz<"));
            {
                let [x, y] = rw.get_many_mut([c, a]).unwrap();
                std::mem::swap(x, y);
            }
            assert!(rw.get_many_mut([b, b]).is_none());
            for (k, v) in rw.iter_mut() {
                if k == c {
                    v.push('>');
                }
            }
            assert_eq!(rw.iter().count(), 3);
            rw.as_mut_slice()[1].push('^');
            assert_eq!(rw.as_slice(), ["c+", "#a1y^", "bz<>"]);
            assert!(format!("{rw:?}").contains("len: 3"));
            let v = rw.into_mut(a).unwrap();
            v.push('~');
        }
        assert_eq!(ok($arena.get(&$owner, a)).map(String::as_str), Some("c+~"));
        {
            let [x, y] = ok($arena.rw(&mut $owner)).into_many_mut([a, c]).unwrap();
            std::mem::swap(x, y);
            assert!(ok($arena.rw(&mut $owner)).into_many_mut([c, c]).is_none());
            assert!(ok($arena.rw(&mut $owner)).into_mut($arena.keys()[0]).is_some());
            for (_, v) in ok($arena.rw(&mut $owner)).into_iter_mut() {
                v.retain(|ch| !"<>^~".contains(ch));
            }
            ok($arena.rw(&mut $owner)).into_slice()[1].push('!');
        }
        assert_eq!(ok($arena.as_slice(&$owner)), ["bz", "#a1y!", "c+"]);
        ok($arena.as_mut_slice(&mut $owner))[1].pop();

        // The same key twice is refused, never two `&mut` to one value.
        assert!(ok($arena.get2_mut(&mut $owner, a, a)).is_none());
        assert!(ok($arena.get3_mut(&mut $owner, a, b, b)).is_none());
        assert!(ok($arena.get3_mut(&mut $owner, c, b, c)).is_none());
        assert!(ok($arena.get_many_mut(&mut $owner, [a, b, c, a])).is_none());
        assert_eq!(
            ok($arena.get_many_mut(&mut $owner, [])).map(|vs: [&mut String; 0]| vs.len()),
            Some(0)
        );

        // Remove: the last value moves into the hole.
        assert_eq!($arena.remove(a).as_deref(), Some("bz"));
        assert_eq!($arena.keys(), [c, b]);
        assert_eq!($arena.position(c), Some(0));
        assert_eq!(ok($arena.as_slice(&$owner)), ["c+", "#a1y"]);
        assert_eq!($arena.remove(a), None);

        // A stale key stays stale when its slot is reused.
        let d = $arena.insert(String::from("d"));
        assert_eq!(d.data().as_ffi() as u32, a.data().as_ffi() as u32, "slot reused");
        assert_ne!(d, a);
        assert!(!$arena.contains_key(a));
        assert_eq!(ok($arena.get(&$owner, a)), None);
        assert_eq!(ok($arena.get_mut(&mut $owner, a)), None);
        assert!(ok($arena.get2_mut(&mut $owner, a, d)).is_none());
        assert!(ok($arena.get3_mut(&mut $owner, b, c, a)).is_none());
        assert!(ok($arena.get_many_mut(&mut $owner, [a])).is_none());
        assert_eq!($arena.position(a), None);
        assert_eq!(ok($arena.get(&$owner, d)).map(String::as_str), Some("d"));
        // The null key is never found.
        let null = cellar_tokens::arena::DefaultKey::null();
        assert_eq!(ok($arena.get(&$owner, null)), None);

        // Retain, then clear.
        $arena.retain(|k, v| {
            v.push('.');
            k != b
        });
        assert!(!$arena.contains_key(b));
        let mut left = ok($arena.as_slice(&$owner)).to_vec();
        left.sort();
        assert_eq!(left, ["c+.", "d."]);
        assert!(format!("{:?}", $arena).contains("len: 2"));
        $arena.clear();
        assert!($arena.is_empty());
        assert!($arena.keys().is_empty());
        for k in [a, b, c, d] {
            assert_eq!(ok($arena.get(&$owner, k)), None);
        }
        // Keys from before the clear stay stale after new inserts.
        let e = $arena.insert(String::from("e"));
        assert_eq!(ok($arena.get(&$owner, d)), None);
        assert_eq!(ok($arena.get(&$owner, c)), None);
        assert_eq!(ok($arena.get(&$owner, e)).map(String::as_str), Some("e"));
    }};
}
