//! API tests for resources: each in its own token cell.

use std::any::TypeId;

use cellar_store::{ResourceError, World};

#[derive(Debug, PartialEq)]
struct Gravity(f32);
#[derive(Debug, PartialEq, Default)]
struct Score(u64);

#[test]
fn insert_read_write_remove() {
    let mut world = World::new();
    assert_eq!(
        world.resource::<Gravity>(),
        Err(ResourceError::Missing { resource: std::any::type_name::<Gravity>() })
    );
    assert!(world.resource_mut::<Gravity>().is_err());
    assert_eq!(world.insert_resource(Gravity(9.8)), None);
    assert!(world.contains_resource::<Gravity>());
    world.resource_mut::<Gravity>().unwrap().0 = 1.6;
    assert_eq!(world.resource::<Gravity>(), Ok(&Gravity(1.6)));
    assert_eq!(world.insert_resource(Gravity(3.7)), Some(Gravity(1.6)));
    assert_eq!(world.remove_resource::<Gravity>(), Some(Gravity(3.7)));
    assert_eq!(world.remove_resource::<Gravity>(), None);
    assert!(!world.contains_resource::<Gravity>());
    assert!(world.resource::<Gravity>().unwrap_err().to_string().contains("Gravity"));
}

#[test]
fn each_resource_has_its_own_token() {
    let mut world = World::new();
    world.insert_resource(Gravity(1.0));
    world.insert_resource(Score(0));
    world.spawn((1u8,));
    let g = world.resource_token(TypeId::of::<Gravity>()).unwrap();
    let s = world.resource_token(TypeId::of::<Score>()).unwrap();
    let c = world.component_token(TypeId::of::<u8>()).unwrap();
    assert!(g != s && s != c && g != c);
    // Split the tokens: write Score while reading Gravity, in safe code.
    let (storage, tokens) = world.split();
    let mut owners: Vec<_> = tokens.iter_mut().map(Some).collect();
    let score = owners[s.index()].take().unwrap();
    let gravity: &_ = owners[g.index()].take().unwrap();
    let score = storage.resource_mut::<Score>(score).unwrap();
    score.0 += storage.resource::<Gravity>(gravity).unwrap().0 as u64;
    // A wrong token reads nothing.
    assert!(storage.resource::<Score>(gravity).is_none());
    assert_eq!(world.resource::<Score>(), Ok(&Score(1)));
}

#[test]
fn registered_but_empty() {
    let mut world = World::new();
    let t = world.register_resource::<Score>();
    assert_eq!(world.register_resource::<Score>(), t);
    assert!(!world.contains_resource::<Score>());
    world.insert_resource(Score::default());
    assert_eq!(world.resource_token(TypeId::of::<Score>()), Some(t));
}
