//! The schedule: batches, ordering, errors, commands, events, statistics, panics, threads.

// Systems name their parameters as users do, `Res<T>` rather than `Res<'_, T>`.
#![allow(elided_lifetimes_in_paths)]

use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use cellar_store::prelude::*;

/// A meeting point for two systems: `arrive` returns whether the other one arrived too
/// before `patience` ran out. Used to show that two systems were running at the same time
/// (they met) or never were (they did not), without any timing in the verdict.
#[derive(Clone, Default)]
struct Rendezvous(Arc<(Mutex<usize>, Condvar)>);

impl Rendezvous {
    fn arrive(&self, patience: Duration) -> bool {
        let (count, cv) = &*self.0;
        let mut n = count.lock().unwrap();
        *n += 1;
        cv.notify_all();
        let (n, _) = cv.wait_timeout_while(n, patience, |n| *n < 2).unwrap();
        *n >= 2
    }
}

struct MetA(bool);
struct MetB(bool);
struct Shared(u32);

fn pool(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap()
}

#[test]
fn non_conflicting_systems_run_at_the_same_time() {
    let mut world = World::new();
    world.insert_resource(MetA(false));
    world.insert_resource(MetB(false));
    let meet = Rendezvous::default();
    let (m1, m2) = (meet.clone(), meet.clone());
    let mut schedule = Schedule::new();
    schedule.add_system(
        (move |mut a: ResMut<MetA>| a.0 = m1.arrive(Duration::from_secs(20))).named("a"),
    );
    schedule.add_system(
        (move |mut b: ResMut<MetB>| b.0 = m2.arrive(Duration::from_secs(20))).named("b"),
    );
    schedule.build().unwrap();
    assert_eq!(schedule.batches(), vec![vec!["a", "b"]]);
    schedule.run_in(&pool(2), &mut world);
    assert!(world.resource::<MetA>().unwrap().0, "a and b did not run at once");
    assert!(world.resource::<MetB>().unwrap().0);
}

#[test]
fn conflicting_systems_never_overlap() {
    let mut world = World::new();
    world.insert_resource(Shared(0));
    let inside = Arc::new(AtomicUsize::new(0));
    let overlaps = Arc::new(AtomicUsize::new(0));
    let mut schedule = Schedule::new();
    for name in ["w1", "w2", "w3"] {
        let (inside, overlaps) = (inside.clone(), overlaps.clone());
        schedule.add_system(
            (move |mut s: ResMut<Shared>| {
                if inside.fetch_add(1, SeqCst) != 0 {
                    overlaps.fetch_add(1, SeqCst);
                }
                s.0 += 1;
                // Stay a while, so that another writer running now would be seen.
                std::thread::sleep(Duration::from_millis(20));
                inside.fetch_sub(1, SeqCst);
            })
            .named(name),
        );
    }
    schedule.add_system((|_s: Res<Shared>| {}).named("reader"));
    schedule.build().unwrap();
    assert_eq!(schedule.batches(), vec![vec!["w1"], vec!["w2"], vec!["w3"], vec!["reader"]]);
    schedule.run_in(&pool(4), &mut world);
    assert_eq!(overlaps.load(SeqCst), 0);
    assert_eq!(world.resource::<Shared>().unwrap().0, 3);
}

#[derive(Default)]
struct Log(Vec<&'static str>);

fn logger(name: &'static str) -> impl FnMut(ResMut<Log>) + Send + 'static {
    move |mut log: ResMut<Log>| log.0.push(name)
}

#[test]
fn declared_order_wins_over_insertion_order() {
    let mut world = World::new();
    world.insert_resource(Log::default());
    let mut schedule = Schedule::new();
    schedule.add_system(logger("c").named("c").after("b"));
    schedule.add_system(logger("a").named("a"));
    schedule.add_system(logger("b").named("b").after("a"));
    schedule.add_system(logger("d").named("d"));
    schedule.run(&mut world);
    // c waits for b, which waits for a; d was added last among the free ones.
    assert_eq!(world.resource::<Log>().unwrap().0, ["a", "b", "c", "d"]);
}

#[test]
fn sets_order_their_members() {
    let mut world = World::new();
    world.insert_resource(Log::default());
    let mut schedule = Schedule::new();
    schedule.configure_set("late").after("early");
    schedule.add_system(logger("late1").in_set("late"));
    schedule.add_system(logger("early1").in_set("early"));
    schedule.add_system(logger("late2").in_set("late"));
    schedule.add_system(logger("early2").in_set("early"));
    schedule.run(&mut world);
    assert_eq!(world.resource::<Log>().unwrap().0, ["early1", "early2", "late1", "late2"]);
}

#[test]
fn handles_are_labels() {
    let mut world = World::new();
    world.insert_resource(Log::default());
    let mut schedule = Schedule::new();
    let second = schedule.add_system(logger("second"));
    schedule.add_system(logger("first").before(second));
    schedule.run(&mut world);
    assert_eq!(world.resource::<Log>().unwrap().0, ["first", "second"]);
}

#[test]
fn run_conditions_skip_systems_and_sets() {
    struct Paused(bool);
    let mut world = World::new();
    world.insert_resource(Log::default());
    world.insert_resource(Paused(true));
    let mut schedule = Schedule::new();
    schedule.configure_set("game").run_if(|w: &World| !w.resource::<Paused>().unwrap().0);
    schedule.add_system(logger("always"));
    schedule.add_system(logger("game").in_set("game"));
    schedule.add_system(logger("paused").run_if(|w: &World| w.resource::<Paused>().unwrap().0));
    schedule.run(&mut world);
    assert_eq!(world.resource::<Log>().unwrap().0, ["always", "paused"]);
    world.resource_mut::<Paused>().unwrap().0 = false;
    world.resource_mut::<Log>().unwrap().0.clear();
    schedule.run(&mut world);
    assert_eq!(world.resource::<Log>().unwrap().0, ["always", "game"]);
    let runs: Vec<u64> = schedule.stats().map(|(_, s)| s.runs).collect();
    assert_eq!(runs, [2, 1, 1]);
}

#[test]
fn cycles_are_errors_naming_the_systems() {
    let mut schedule = Schedule::new();
    schedule.add_system(logger("x").named("x").after("z"));
    schedule.add_system(logger("y").named("y").after("x"));
    schedule.add_system(logger("z").named("z").after("y"));
    schedule.add_system(logger("free").named("free"));
    let mut world = World::new();
    world.insert_resource(Log::default());
    let err = schedule.try_run(&mut world).unwrap_err();
    let ScheduleError::Cycle { systems } = &err else { panic!("{err}") };
    let mut sorted = systems.clone();
    sorted.sort();
    assert_eq!(sorted, ["x", "y", "z"]);
    assert!(world.resource::<Log>().unwrap().0.is_empty(), "nothing ran");
}

#[test]
fn unknown_labels_are_errors() {
    let mut schedule = Schedule::new();
    schedule.add_system(logger("x").named("x").after("nobody"));
    let err = schedule.build().unwrap_err();
    let expected =
        ScheduleError::UnknownLabel { by: "x".into(), label: "nobody".into(), suggestion: None };
    assert_eq!(err, expected);
}

#[test]
fn unknown_labels_suggest_a_near_name() {
    let mut schedule = Schedule::new();
    schedule.add_system(logger("physics").named("physics"));
    schedule.configure_set("render");
    schedule.add_system(logger("a").named("a").after("phyiscs"));
    let err = schedule.build().unwrap_err();
    let ScheduleError::UnknownLabel { suggestion, .. } = &err else { panic!("{err}") };
    assert_eq!(suggestion.as_deref(), Some("physics"));
    assert!(err.to_string().contains("did you mean `physics`?"), "{err}");

    let mut schedule = Schedule::new();
    schedule.configure_set("render");
    schedule.add_system(logger("b").named("b").before("rendr"));
    let err = schedule.build().unwrap_err();
    assert!(err.to_string().contains("did you mean `render`?"), "{err}");
}

#[test]
fn aliasing_parameters_are_refused_naming_system_and_type() {
    fn double_write(_a: ResMut<Shared>, _b: ResMut<Shared>) {}
    fn read_beside_write(_a: Res<Shared>, _b: ResMut<Shared>) {}
    fn two_reads(_a: Res<Shared>, _b: Res<Shared>) {}
    let mut schedule = Schedule::new();
    for err in [
        schedule.try_add_system(double_write).unwrap_err(),
        schedule.try_add_system(read_beside_write).unwrap_err(),
    ] {
        let text = err.to_string();
        assert!(matches!(err, ScheduleError::ConflictingParams { .. }));
        assert!(text.contains("Shared"), "{text}");
        assert!(text.contains("double_write") || text.contains("read_beside_write"), "{text}");
    }
    assert!(schedule.try_add_system(two_reads).is_ok());
    assert_eq!(schedule.len(), 1);
}

#[test]
#[should_panic(expected = "has parameters that alias")]
fn add_system_panics_on_aliasing_parameters() {
    fn double_write(_a: ResMut<Shared>, _b: ResMut<Shared>) {}
    Schedule::new().add_system(double_write);
}

#[test]
fn exclusive_systems_run_alone_between_batches() {
    let mut world = World::new();
    world.insert_resource(Log::default());
    let mut schedule = Schedule::new();
    schedule.add_system(logger("before"));
    schedule.add_system(
        (|world: &mut World| world.resource_mut::<Log>().unwrap().0.push("exclusive")).named("x"),
    );
    schedule.add_system((|_: Res<Shared>| {}).named("unrelated"));
    schedule.add_system(logger("after"));
    world.insert_resource(Shared(0));
    schedule.run(&mut world);
    assert_eq!(world.resource::<Log>().unwrap().0, ["before", "exclusive", "after"]);
    let batches = schedule.batches();
    assert!(batches.iter().any(|b| b == &["x"]), "{batches:?}");
}

#[allow(dead_code)]
struct Tag(u32);
#[allow(dead_code)]
struct Extra(u32);

#[test]
fn commands_apply_in_system_order_then_issue_order() {
    // Each system spawns entities tagged with its number; the order of spawning shows in the
    // order of the log resource the closures append to as they apply.
    let mut world = World::new();
    world.insert_resource(Log::default());
    let mut schedule = Schedule::new();
    for (name, first, second) in [("s0", "s0a", "s0b"), ("s1", "s1a", "s1b"), ("s2", "s2a", "s2b")]
    {
        schedule.add_system(
            (move |mut commands: Commands| {
                commands.add(move |w: &mut World| w.resource_mut::<Log>().unwrap().0.push(first));
                commands.add(move |w: &mut World| w.resource_mut::<Log>().unwrap().0.push(second));
            })
            .named(name),
        );
    }
    schedule.build().unwrap();
    assert_eq!(schedule.batches().len(), 1, "command systems share a batch");
    for threads in [1, 3] {
        world.resource_mut::<Log>().unwrap().0.clear();
        schedule.run_in(&pool(threads), &mut world);
        assert_eq!(world.resource::<Log>().unwrap().0, ["s0a", "s0b", "s1a", "s1b", "s2a", "s2b"]);
    }
}

#[test]
fn pending_entities_take_later_commands() {
    let mut world = World::new();
    let mut schedule = Schedule::new();
    schedule.add_system(|mut commands: Commands| {
        let e = commands.spawn((Tag(1),));
        commands.insert(e, (Extra(2),));
        commands.insert_resource(Shared(5));
    });
    schedule.run(&mut world);
    assert_eq!(world.len(), 1);
    assert_eq!(world.resource::<Shared>().unwrap().0, 5);
    assert!(schedule.skipped_commands().is_empty());
    assert_eq!(schedule.last_run_report().applied(), 3);
}

#[test]
fn commands_on_gone_entities_are_skipped_and_reported() {
    let mut world = World::new();
    let victim = world.spawn((Tag(0),));
    let mut schedule = Schedule::new();
    schedule.add_system((move |mut c: Commands| c.despawn(victim)).named("killer"));
    schedule.add_system(
        (move |mut c: Commands| {
            c.insert(victim, (Extra(1),));
            c.remove::<(Tag,)>(victim);
        })
        .named("late"),
    );
    schedule.run(&mut world);
    assert!(!world.contains(victim));
    let skipped = schedule.skipped_commands();
    assert_eq!(skipped.len(), 2);
    assert_eq!((skipped[0].system.as_str(), skipped[0].command), ("late", "insert"));
    assert_eq!((skipped[1].system.as_str(), skipped[1].command), ("late", "remove"));
    assert_eq!(skipped[0].entity, Some(victim));
    // The next run reports afresh: the despawn itself is skipped now.
    schedule.run(&mut world);
    assert_eq!(schedule.skipped_commands().len(), 3);
    assert_eq!(schedule.skipped_commands()[0].command, "despawn");
}

struct Ping(u32);
#[derive(Default)]
struct Heard(Vec<(&'static str, u32)>);

#[test]
fn events_are_read_the_same_frame_by_later_systems_and_the_next_frame_by_all() {
    let mut world = World::new();
    world.insert_resource(Heard::default());
    let mut schedule = Schedule::new();
    schedule.add_system(
        (|mut r: EventReader<Ping>, mut h: ResMut<Heard>| {
            h.0.extend(r.read().map(|p| ("early", p.0)))
        })
        .named("early"),
    );
    schedule.add_system(
        (|mut w: EventWriter<Ping>, mut n: Local<u32>| {
            *n += 1;
            w.send(Ping(*n));
        })
        .named("writer")
        .after("early"),
    );
    schedule.add_system(
        (|mut r: EventReader<Ping>, mut h: ResMut<Heard>| {
            h.0.extend(r.read().map(|p| ("late", p.0)))
        })
        .named("late")
        .after("writer"),
    );
    schedule.run(&mut world);
    assert_eq!(world.resource::<Heard>().unwrap().0, [("late", 1)]);
    schedule.run(&mut world);
    assert_eq!(world.resource::<Heard>().unwrap().0, [("late", 1), ("early", 1), ("late", 2)]);
    // Two frames after it was sent, an event is gone.
    let events = world.resource::<Events<Ping>>().unwrap();
    assert_eq!(events.iter().map(|p| p.0).collect::<Vec<_>>(), [1, 2]);
    schedule.run(&mut world);
    let events = world.resource::<Events<Ping>>().unwrap();
    assert_eq!(events.iter().map(|p| p.0).collect::<Vec<_>>(), [2, 3]);
}

#[test]
fn stats_count_runs_and_time() {
    let mut world = World::new();
    let mut schedule = Schedule::new();
    schedule.add_system((|| std::thread::sleep(Duration::from_millis(1))).named("sleepy"));
    schedule.add_system((|| {}).named("quick").run_if(|_: &World| false));
    for _ in 0..3 {
        schedule.run(&mut world);
    }
    let stats: Vec<_> = schedule.stats().collect();
    assert_eq!(stats[0].0, "sleepy");
    assert_eq!(stats[0].1.runs, 3);
    assert!(stats[0].1.total_ns >= 3_000_000 && stats[0].1.last_ns >= 1_000_000);
    assert_eq!(stats[1].1, SystemStats::default());
}

#[test]
fn a_panicking_system_is_named_and_the_world_stays_usable() {
    let mut world = World::new();
    world.insert_resource(Log::default());
    world.insert_resource(Shared(0));
    let keeper = world.spawn((Tag(1),));
    let mut schedule = Schedule::new();
    schedule.add_system(
        (move |mut c: Commands, _s: Res<Shared>| {
            c.despawn(keeper);
            panic!("boom");
        })
        .named("faulty"),
    );
    schedule.add_system(
        (|mut c: Commands, mut log: ResMut<Log>| {
            log.0.push("sibling");
            c.spawn((Tag(2),));
        })
        .named("sibling"),
    );
    schedule.add_system(logger("after").named("after").after("faulty"));
    let payload = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        schedule.run_in(&pool(2), &mut world)
    }))
    .unwrap_err();
    let message = payload.downcast_ref::<String>().unwrap();
    assert!(message.contains("`faulty`") && message.contains("boom"), "{message}");
    // The faulty system's despawn was dropped, the sibling's spawn applied, `after` never ran.
    assert!(world.contains(keeper));
    assert_eq!(world.len(), 2);
    assert_eq!(world.resource::<Log>().unwrap().0, ["sibling"]);
    // The schedule and the world can go on.
    world.resource_mut::<Log>().unwrap().0.clear();
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| schedule.run(&mut world)));
    assert_eq!(world.resource::<Log>().unwrap().0, ["sibling"]);
}

#[test]
fn systems_share_a_sharded_map_through_res_and_run_together() {
    use cellar_store::sharded_map::ShardedMap;
    struct Name(&'static str);
    let mut world = World::new();
    world.insert_resource(ShardedMap::<&'static str, u32>::new());
    world.spawn((Name("ada"),));
    world.spawn((Name("bob"),));
    let meet = Rendezvous::default();
    let (m1, m2) = (meet.clone(), meet.clone());
    let mut schedule = Schedule::new();
    // Both borrow the map's token shared, so they share a batch and write through its locks.
    schedule.add_system(
        (move |index: Res<ShardedMap<&'static str, u32>>, names: Query<&Name>| {
            assert!(m1.arrive(Duration::from_secs(20)), "the other indexer did not run at once");
            for n in names.iter() {
                index.upsert(n.0, || 0, |count| *count += 1);
            }
        })
        .named("index_a"),
    );
    schedule.add_system(
        (move |index: Res<ShardedMap<&'static str, u32>>, names: Query<&Name>| {
            assert!(m2.arrive(Duration::from_secs(20)), "the other indexer did not run at once");
            for n in names.iter() {
                index.upsert(n.0, || 0, |count| *count += 10);
            }
        })
        .named("index_b"),
    );
    schedule.build().unwrap();
    assert_eq!(schedule.batches(), vec![vec!["index_a", "index_b"]]);
    schedule.run_in(&pool(2), &mut world);
    let index = world.resource::<ShardedMap<&'static str, u32>>().unwrap();
    assert_eq!((index.get_cloned("ada"), index.get_cloned("bob")), (Some(11), Some(11)));
}

#[test]
fn a_single_threaded_schedule_runs_on_the_callers_thread_with_the_same_result() {
    let caller = std::thread::current().id();
    let mut world = World::new();
    world.insert_resource(Log::default());
    let mut schedule = Schedule::new();
    schedule.set_multithreaded(false);
    schedule.add_system(logger("a"));
    schedule.add_system(move |_: Res<Shared>| assert_eq!(std::thread::current().id(), caller));
    world.insert_resource(Shared(0));
    schedule.run(&mut world);
    assert_eq!(world.resource::<Log>().unwrap().0, ["a"]);
}

#[test]
fn change_filters_see_what_changed_since_the_systems_last_run() {
    struct Level(u32);
    #[derive(Default)]
    struct Seen(Vec<usize>);
    let mut world = World::new();
    world.insert_resource(Seen::default());
    world.insert_resource(Shared(0));
    world.spawn((Level(0),));
    world.spawn((Level(0),));
    let mut schedule = Schedule::new();
    // Bumps every level on even frames only.
    schedule.add_system(
        (|mut levels: Query<&mut Level>, mut frame: ResMut<Shared>| {
            if frame.0.is_multiple_of(2) {
                for level in levels.iter_mut() {
                    level.0 += 1;
                }
            }
            frame.0 += 1;
        })
        .named("bump"),
    );
    schedule.add_system(
        (|changed: Query<&Level, Changed<Level>>, mut seen: ResMut<Seen>| {
            seen.0.push(changed.iter().count());
        })
        .named("watch"),
    );
    for _ in 0..4 {
        schedule.run(&mut world);
    }
    // Frame 0 also sees the spawns; frames 1 and 3 see nothing new.
    assert_eq!(world.resource::<Seen>().unwrap().0, [2, 0, 2, 0]);
}

#[test]
fn optional_resources_are_none_until_inserted() {
    struct Late(u32);
    #[derive(Default)]
    struct Seen(Vec<Option<u32>>);
    let mut world = World::new();
    world.insert_resource(Seen::default());
    let mut schedule = Schedule::new();
    schedule.add_system(|late: Option<Res<Late>>, mut seen: ResMut<Seen>| {
        seen.0.push(late.map(|l| l.0));
    });
    schedule.run(&mut world);
    world.insert_resource(Late(7));
    schedule.run(&mut world);
    assert_eq!(world.resource::<Seen>().unwrap().0, [None, Some(7)]);
}

#[test]
fn a_schedule_moved_to_another_world_starts_afresh() {
    let mut schedule = Schedule::new();
    schedule.add_system(|mut s: ResMut<Shared>| s.0 += 1);
    let mut first = World::new();
    first.insert_resource(Shared(0));
    let mut second = World::new();
    second.insert_resource(Shared(10));
    schedule.run(&mut first);
    schedule.run(&mut second);
    schedule.run(&mut first);
    assert_eq!(first.resource::<Shared>().unwrap().0, 2);
    assert_eq!(second.resource::<Shared>().unwrap().0, 11);
}

#[test]
fn auto_traits_are_what_the_docs_say() {
    fn send<T: Send>() {}
    fn sync<T: Sync>() {}
    // A schedule moves into a rayon pool with `run_in`; systems are `Send`, not `Sync`.
    send::<Schedule>();
    send::<cellar_store::commands::CommandQueue>();
    send::<Events<u32>>();
    sync::<Events<u32>>();
    send::<SystemStats>();
    sync::<SystemStats>();
}
