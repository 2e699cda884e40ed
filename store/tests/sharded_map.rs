//! API and concurrency tests for `ShardedMap`, with rayon.

use std::collections::HashMap;

use cellar_store::sharded_map::ShardedMap;
use rayon::prelude::*;

#[test]
fn single_threaded_api_matches_a_hashmap() {
    let map = ShardedMap::with_shards(4);
    let mut model = HashMap::new();
    for i in 0..2000u64 {
        let k = (i * 7919) % 503;
        match i % 5 {
            0 | 1 => assert_eq!(map.insert(k, i), model.insert(k, i)),
            2 => assert_eq!(map.remove(&k), model.remove(&k)),
            3 => assert_eq!(map.get_cloned(&k), model.get(&k).copied()),
            _ => {
                map.upsert(k, || 0, |v| *v += 1);
                *model.entry(k).or_insert(0) += 1;
            }
        }
    }
    assert_eq!(map.len(), model.len());
    let mut entries = map.into_entries();
    entries.sort();
    let mut expected: Vec<_> = model.into_iter().collect();
    expected.sort();
    assert_eq!(entries, expected);
}

#[test]
fn parallel_inserts_and_upserts_lose_nothing() {
    let map: ShardedMap<u32, u32> = ShardedMap::new();
    (0..20_000u32).into_par_iter().for_each(|i| {
        map.insert(i, i);
        map.upsert(1_000_000 + i % 100, || 0, |n| *n += 1);
    });
    assert_eq!(map.len(), 20_100);
    map.for_each(|k, v| {
        if *k < 1_000_000 {
            assert_eq!(k, v);
        } else {
            assert_eq!(*v, 200, "every upsert of key {k} counted");
        }
    });
}

#[test]
fn parallel_readers_and_writers() {
    let map: ShardedMap<u32, Vec<u32>> = ShardedMap::with_shards(8);
    (0..1000u32).into_par_iter().for_each(|i| {
        map.upsert(i % 50, Vec::new, |v| v.push(i));
    });
    let total: usize = (0..50u32).into_par_iter().map(|k| map.with(&k, Vec::len).unwrap()).sum();
    assert_eq!(total, 1000);
    (0..50u32).into_par_iter().for_each(|k| {
        map.update(&k, |v| v.retain(|x| x % 2 == 0));
    });
    map.retain(|k, _| k % 2 == 0);
    assert_eq!(map.len(), 25);
    assert!(map.contains_key(&0) && !map.contains_key(&1));
    map.clear();
    assert!(map.is_empty());
}

#[test]
fn shard_counts_are_powers_of_two() {
    assert_eq!(ShardedMap::<u8, u8>::with_shards(0).shard_count(), 1);
    assert_eq!(ShardedMap::<u8, u8>::with_shards(3).shard_count(), 4);
    assert!(ShardedMap::<u8, u8>::new().shard_count().is_power_of_two());
    let map = ShardedMap::<String, u8>::new();
    map.insert("key".to_string(), 1);
    assert_eq!(map.with("key", |v| *v), Some(1));
}
