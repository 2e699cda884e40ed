//! The component types every crate's version of the workloads uses, and the values they start
//! with.
//!
//! One set of types for everyone, with cgmath 0.18 for the math, so that only the ECS differs.
//! hecs, legion and cellar take any `'static + Send + Sync` type; bevy_ecs, shipyard and specs
//! need their `Component` trait, implemented here once for every type.
//!
//! Starting values vary with the entity's index (small integers, so that sums are exact in
//! `f64`): a crate that pairs one entity's position with another's velocity gives different
//! totals in the equivalence tests.

use cgmath::{Matrix4, Rad, Vector3};

/// A 4x4 `f32` transform matrix (simple_insert, simple_iter, heavy_compute).
#[derive(Debug, Clone, Copy, PartialEq, bevy_ecs::component::Component)]
pub struct Transform(pub Matrix4<f32>);

/// A position (simple_insert, simple_iter, heavy_compute).
#[derive(Debug, Clone, Copy, PartialEq, bevy_ecs::component::Component)]
pub struct Position(pub Vector3<f32>);

/// A rotation (simple_insert, simple_iter, heavy_compute).
#[derive(Debug, Clone, Copy, PartialEq, bevy_ecs::component::Component)]
pub struct Rotation(pub Vector3<f32>);

/// A velocity (simple_insert, simple_iter, heavy_compute).
#[derive(Debug, Clone, Copy, PartialEq, bevy_ecs::component::Component)]
pub struct Velocity(pub Vector3<f32>);

/// The component every fragmented_iter entity has besides its letter.
#[derive(Debug, Clone, Copy, PartialEq, bevy_ecs::component::Component)]
pub struct Data(pub f32);

/// `B` of add_remove for bevy_ecs's sparse-set variant: bevy_ecs fixes a type's storage in
/// its `Component` derive, so the sparse `B` is a type of its own.
#[derive(Debug, Clone, Copy, PartialEq, bevy_ecs::component::Component)]
#[component(storage = "SparseSet")]
pub struct SparseB(pub f32);

/// Declares the one-`f32` component types and implements the peers' traits for every type.
macro_rules! components {
    (letters: $($letter:ident)*; all: $($ty:ident)*) => {
        $(
            #[doc = concat!("Component `", stringify!($letter), "` (fragmented_iter, schedule, add_remove).")]
            #[derive(Debug, Clone, Copy, PartialEq, bevy_ecs::component::Component)]
            pub struct $letter(pub f32);
        )*
        $(
            impl specs::Component for $ty {
                type Storage = specs::VecStorage<Self>;
            }
            impl shipyard::Component for $ty {
                type Tracking = shipyard::track::Untracked;
            }
        )*
    };
}

components! {
    letters: A B C D E F G H I J K L M N O P Q R S T U V W X Y Z;
    all: Transform Position Rotation Velocity Data
        A B C D E F G H I J K L M N O P Q R S T U V W X Y Z
}

/// The transform of entity `i`: a rotation about x, scaled by 1 or 2 (always invertible).
pub fn transform(i: usize) -> Transform {
    let angle = Rad(0.3 + (i % 8) as f32 * 0.1);
    let scale = 1.0 + (i % 2) as f32;
    Transform(Matrix4::from_angle_x(angle) * Matrix4::from_scale(scale))
}

/// The position of entity `i`.
pub fn position(i: usize) -> Position {
    Position(Vector3::new((i % 7) as f32, (i % 5) as f32, 1.0))
}

/// The rotation of entity `i`.
pub fn rotation(i: usize) -> Rotation {
    Rotation(Vector3::new(1.0, 0.0, (i % 3) as f32))
}

/// The velocity of entity `i`.
pub fn velocity(i: usize) -> Velocity {
    Velocity(Vector3::new(1.0, (i % 3) as f32, -((i % 2) as f32)))
}

/// The four components of simple_insert, simple_iter and heavy_compute for entity `i`.
pub fn body(i: usize) -> (Transform, Position, Rotation, Velocity) {
    (transform(i), position(i), rotation(i), velocity(i))
}

/// The `Data` of the `i`-th fragmented_iter entity of a letter.
pub fn data(i: usize) -> Data {
    Data((i % 10) as f32)
}

/// The starting value of the schedule's components on entity `i`, `k` = 1..=5 for A..=E.
pub fn letter_value(i: usize, k: u32) -> f32 {
    (k as f32) * (1 + i % 4) as f32
}
