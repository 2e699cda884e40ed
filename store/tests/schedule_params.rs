//! Several views of one component in one system: `ParamSet`, the conflict errors that point
//! to it, and self-aliasing queries reported as such.

// Systems name their parameters as users do, `Res<T>` rather than `Res<'_, T>`.
#![allow(elided_lifetimes_in_paths)]

use cellar_store::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq)]
struct Health(i32);
struct Shielded;
#[derive(Default)]
struct Log(Vec<i32>);

#[test]
fn two_queries_writing_one_component_are_refused_with_a_pointer_to_param_set() {
    fn halves(_a: Query<&mut Health, With<Shielded>>, _b: Query<&mut Health, Without<Shielded>>) {}
    let err = Schedule::new().try_add_system(halves).unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, ScheduleError::ConflictingParams { .. }), "{text}");
    assert!(text.contains("Health"), "{text}");
    assert!(text.contains("ParamSet"), "{text}");
    assert!(text.contains("get_many_mut"), "{text}");
}

#[test]
fn a_query_that_aliases_within_itself_is_named_as_one_parameter() {
    fn twice(_q: Query<(&mut Health, &mut Health)>) {}
    let err = Schedule::new().try_add_system(twice).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("has a query that aliases itself"), "{text}");
    assert!(text.contains("names it again"), "{text}");
    assert!(!text.contains("parameters that alias"), "{text}");
    assert!(!text.contains("by another"), "{text}");
    assert!(!text.contains("shared"), "{text}");
    // The query as the user wrote it, not the path of the module that defines `Query`.
    let health = std::any::type_name::<Health>();
    let written = format!("parameter `Query<(&mut {health}, &mut {health})>`");
    assert!(text.contains(&written), "{text}");
    assert!(!text.contains("cellar_store::query"), "{text}");
    let ScheduleError::ConflictingParams { conflict, .. } = err else { panic!("{text}") };
    assert_eq!(conflict.within, Some(std::any::type_name::<(&mut Health, &mut Health)>()));
}

#[test]
fn a_self_aliasing_query_names_mut_and_ref_without_the_store_paths() {
    fn twice(_q: Query<(Mut<Health>, Ref<Health>)>) {}
    let err = Schedule::new().try_add_system(twice).unwrap_err();
    let text = err.to_string();
    let health = std::any::type_name::<Health>();
    assert!(text.contains(&format!("`Query<(Mut<'_, {health}>, Ref<'_, {health}>)>`")), "{text}");
    assert!(!text.contains("cellar_store::query"), "{text}");
}

#[test]
#[allow(clippy::type_complexity)] // the set is spelled out as a user would
fn param_set_lends_its_tokens_to_one_member_at_a_time() {
    fn damage(
        mut set: ParamSet<(
            Query<&mut Health, With<Shielded>>,
            Query<&mut Health, Without<Shielded>>,
            Query<&Health>,
        )>,
        mut log: ResMut<Log>,
    ) {
        for h in set.p0().iter_mut() {
            h.0 -= 1;
        }
        for h in set.p1().iter_mut() {
            h.0 -= 10;
        }
        log.0.push(set.p2().iter().map(|h| h.0).sum());
    }
    let mut world = World::new();
    world.insert_resource(Log::default());
    let a = world.spawn((Health(100), Shielded));
    let b = world.spawn((Health(100),));
    let mut schedule = Schedule::new();
    schedule.add_system(damage);
    schedule.run(&mut world);
    schedule.run(&mut world);
    assert_eq!(world.get::<Health>(a).unwrap().0, 98);
    assert_eq!(world.get::<Health>(b).unwrap().0, 80);
    assert_eq!(world.resource::<Log>().unwrap().0, [189, 178]);
}

#[test]
fn a_param_set_conflicts_with_what_any_member_conflicts_with() {
    fn set_reads(_set: ParamSet<(Query<&Health>, Res<Log>)>, _w: Query<&mut Health>) {}
    assert!(
        Schedule::new().try_add_system(set_reads).is_err(),
        "a member reads what another param writes"
    );

    fn set_writes(mut set: ParamSet<(Query<&mut Health>, Query<&Health>)>) {
        set.p0().iter_mut().for_each(|h| h.0 += 1);
    }
    fn reader(q: Query<&Health>, mut log: ResMut<Log>) {
        log.0.push(q.iter().map(|h| h.0).sum());
    }
    // Between systems the set is as wide as its members: the reader is ordered after it
    // (added later, conflicting), so it always sees the write.
    let mut world = World::new();
    world.insert_resource(Log::default());
    world.spawn((Health(1),));
    let mut schedule = Schedule::new();
    schedule.add_system(set_writes);
    schedule.add_system(reader);
    schedule.run(&mut world);
    assert_eq!(world.resource::<Log>().unwrap().0, [2]);
}

#[test]
fn param_set_members_may_be_resources_and_commands() {
    fn sys(mut set: ParamSet<(Res<Log>, ResMut<Log>, Commands)>) {
        let n = set.p0().0.len() as i32;
        set.p1().0.push(n);
        set.p2().spawn((Health(n),));
    }
    let mut world = World::new();
    world.insert_resource(Log::default());
    let mut schedule = Schedule::new();
    schedule.add_system(sys);
    schedule.run(&mut world);
    schedule.run(&mut world);
    assert_eq!(world.resource::<Log>().unwrap().0, [0, 1]);
    let mut spawned: Vec<i32> = world.query::<&Health>().map(|h| h.0).collect();
    spawned.sort();
    assert_eq!(spawned, [0, 1]);
}

#[test]
fn get_many_mut_in_a_system() {
    #[derive(Clone, Copy)]
    struct Pair(Entity, Entity);
    fn swap(pair: Res<Pair>, mut q: Query<&mut Health>) {
        let [a, b] = q.get_many_mut([pair.0, pair.1]).unwrap();
        std::mem::swap(a, b);
    }
    let mut world = World::new();
    let a = world.spawn((Health(1),));
    let b = world.spawn((Health(2),));
    world.insert_resource(Pair(a, b));
    let mut schedule = Schedule::new();
    schedule.add_system(swap);
    schedule.run(&mut world);
    assert_eq!((world.get::<Health>(a).unwrap().0, world.get::<Health>(b).unwrap().0), (2, 1));
}

#[test]
fn closure_systems_are_named_after_their_function_and_call_site() {
    let mut schedule = Schedule::new();
    let line = line!() + 1;
    let handle = schedule.add_system(|mut log: ResMut<Log>| log.0.push(1));
    let name = schedule.system_name(handle).unwrap().to_owned();
    assert!(!name.contains("{{closure}}"), "{name}");
    assert!(
        name.contains("closure_systems_are_named_after_their_function_and_call_site"),
        "{name}"
    );
    assert!(name.contains(&format!("schedule_params.rs:{line}:")), "{name}");

    // Through a config method too, and `.named()` wins.
    let line = line!() + 1;
    let handle = schedule.add_system((|| {}).after(handle));
    let name = schedule.system_name(handle).unwrap();
    assert!(name.contains(&format!("schedule_params.rs:{line}:")), "{name}");
    let handle = schedule.add_system((|| {}).named("tidy"));
    assert_eq!(schedule.system_name(handle), Some("tidy"));
}

#[test]
fn a_function_system_keeps_its_path_as_name() {
    fn physics() {}
    let mut schedule = Schedule::new();
    let handle = schedule.add_system(physics);
    let name = schedule.system_name(handle).unwrap();
    assert!(name.ends_with("physics") && !name.contains("closure"), "{name}");
}

#[test]
fn a_batch_known_to_be_cheap_runs_on_the_callers_thread() {
    use std::sync::{Arc, Mutex};
    use std::thread::ThreadId;
    let seen: Arc<Mutex<Vec<ThreadId>>> = Arc::default();
    let mut schedule = Schedule::new();
    // Generous, so that a loaded machine cannot make these systems look expensive.
    schedule.set_inline_below(std::time::Duration::from_secs(5));
    for _ in 0..3 {
        let seen = Arc::clone(&seen);
        schedule.add_system(move || seen.lock().unwrap().push(std::thread::current().id()));
    }
    let mut world = World::new();
    schedule.run(&mut world); // no statistics yet: the batch counts as expensive
    seen.lock().unwrap().clear();
    schedule.run(&mut world);
    let here = std::thread::current().id();
    assert_eq!(*seen.lock().unwrap(), [here, here, here], "in turn, in schedule order");
    assert_eq!(schedule.batches().len(), 1, "one batch of three systems");
}

#[test]
fn removed_components_reports_removals_and_despawns_once() {
    #[derive(Default)]
    struct Seen(Vec<Vec<Entity>>);
    fn watch(removed: RemovedComponents<Health>, mut seen: ResMut<Seen>) {
        seen.0.push(removed.iter().collect());
    }
    let mut world = World::new();
    world.insert_resource(Seen::default());
    let es: Vec<Entity> = (0..4).map(|i| world.spawn((Health(i),))).collect();
    let mut schedule = Schedule::new();
    schedule.add_system(watch);
    schedule.run(&mut world);
    world.remove::<(Health,)>(es[1]).unwrap();
    world.despawn(es[3]).unwrap();
    schedule.run(&mut world);
    schedule.run(&mut world);
    let later = world.spawn((Health(9),));
    world.insert(es[1], (Health(1),)).unwrap();
    schedule.run(&mut world);
    world.despawn(later).unwrap();
    schedule.run(&mut world);
    let seen = &world.resource::<Seen>().unwrap().0;
    assert_eq!(seen[0], [] as [Entity; 0], "the first run reports nothing");
    let mut second = seen[1].clone();
    second.sort();
    assert_eq!(second, [es[1], es[3]]);
    assert!(seen[2].is_empty() && seen[3].is_empty(), "{seen:?}");
    assert_eq!(seen[4], [later]);
}

#[test]
fn removed_components_of_a_sparse_component() {
    struct Stunned;
    #[derive(Default)]
    struct Count(usize);
    fn watch(removed: RemovedComponents<Stunned>, mut n: ResMut<Count>) {
        n.0 += removed.len();
    }
    let mut world = World::new();
    world.register_sparse::<Stunned>().unwrap();
    world.insert_resource(Count::default());
    let a = world.spawn((Health(1), Stunned));
    let mut schedule = Schedule::new();
    schedule.add_system(watch);
    schedule.run(&mut world);
    world.remove::<(Stunned,)>(a).unwrap();
    schedule.run(&mut world);
    assert_eq!(world.resource::<Count>().unwrap().0, 1);
}
