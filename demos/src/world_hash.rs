//! Hashing a world's contents, to check that two runs ended in the same state.
//!
//! A run on one thread and a run on many must leave bit-identical worlds. [`hash_world`]
//! folds the components a query reads, entity by entity in entity order (index, then
//! generation), into one 64-bit FNV-1a hash; floats go in by their bits (`to_bits`), so
//! `0.1 + 0.2` and `0.3` hash differently, as they should for this check.

use cellar::prelude::*;
use cellar::{QueryData, ReadOnlyQuery};

/// A 64-bit FNV-1a hasher: stable across runs, platforms and Rust versions (unlike
/// `std`'s `DefaultHasher`, whose algorithm may change).
///
/// # Examples
///
/// ```
/// use cellar_demos::world_hash::StableHasher;
///
/// let mut a = StableHasher::new();
/// a.write(&[1, 2, 3]);
/// let mut b = StableHasher::new();
/// b.write(&[1, 2, 3]);
/// assert_eq!(a.finish(), b.finish());
/// ```
#[derive(Clone, Debug)]
pub struct StableHasher(u64);

impl Default for StableHasher {
    fn default() -> Self {
        StableHasher::new()
    }
}

impl StableHasher {
    /// A hasher in its initial state.
    ///
    /// ```
    /// assert_ne!(cellar_demos::world_hash::StableHasher::new().finish(), 0);
    /// ```
    pub fn new() -> Self {
        StableHasher(0xcbf2_9ce4_8422_2325)
    }

    /// Feeds `bytes`.
    ///
    /// ```
    /// let mut h = cellar_demos::world_hash::StableHasher::new();
    /// let before = h.finish();
    /// h.write(&[0]);
    /// assert_ne!(h.finish(), before);
    /// ```
    pub fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }

    /// The hash of what was fed so far.
    ///
    /// ```
    /// let h = cellar_demos::world_hash::StableHasher::new();
    /// assert_eq!(h.finish(), h.finish());
    /// ```
    pub fn finish(&self) -> u64 {
        self.0
    }
}

/// A value that can feed its exact bits to a [`StableHasher`].
///
/// Implemented for numbers (floats by `to_bits`), `bool`, [`Entity`], references, options,
/// arrays and tuples; the demos implement it for their components.
///
/// # Examples
///
/// ```
/// use cellar_demos::world_hash::{HashBits, StableHasher};
///
/// struct Health(f32);
/// impl HashBits for Health {
///     fn hash_bits(&self, h: &mut StableHasher) {
///         self.0.hash_bits(h);
///     }
/// }
/// let hash = |v: &dyn HashBits| {
///     let mut h = StableHasher::new();
///     v.hash_bits(&mut h);
///     h.finish()
/// };
/// assert_ne!(hash(&Health(0.0)), hash(&Health(-0.0)), "different bits, different hash");
/// ```
pub trait HashBits {
    /// Feeds the value's bits to `h`.
    fn hash_bits(&self, h: &mut StableHasher);
}

macro_rules! hash_ints {
    ($($t:ty),*) => {$(
        impl HashBits for $t {
            fn hash_bits(&self, h: &mut StableHasher) {
                h.write(&self.to_le_bytes());
            }
        }
    )*};
}
hash_ints!(u8, u16, u32, u64, i8, i16, i32, i64);

impl HashBits for usize {
    fn hash_bits(&self, h: &mut StableHasher) {
        (*self as u64).hash_bits(h);
    }
}

impl HashBits for f32 {
    fn hash_bits(&self, h: &mut StableHasher) {
        self.to_bits().hash_bits(h);
    }
}

impl HashBits for f64 {
    fn hash_bits(&self, h: &mut StableHasher) {
        self.to_bits().hash_bits(h);
    }
}

impl HashBits for bool {
    fn hash_bits(&self, h: &mut StableHasher) {
        u8::from(*self).hash_bits(h);
    }
}

impl HashBits for Entity {
    fn hash_bits(&self, h: &mut StableHasher) {
        self.index().hash_bits(h);
        self.generation().hash_bits(h);
    }
}

impl HashBits for glam::Vec2 {
    fn hash_bits(&self, h: &mut StableHasher) {
        self.x.hash_bits(h);
        self.y.hash_bits(h);
    }
}

impl<T: HashBits + ?Sized> HashBits for &T {
    fn hash_bits(&self, h: &mut StableHasher) {
        (**self).hash_bits(h);
    }
}

impl<T: HashBits> HashBits for Option<T> {
    fn hash_bits(&self, h: &mut StableHasher) {
        match self {
            None => 0u8.hash_bits(h),
            Some(v) => {
                1u8.hash_bits(h);
                v.hash_bits(h);
            }
        }
    }
}

impl<T: HashBits, const N: usize> HashBits for [T; N] {
    fn hash_bits(&self, h: &mut StableHasher) {
        self.iter().for_each(|v| v.hash_bits(h));
    }
}

macro_rules! hash_tuples {
    ($(($($n:ident $i:tt),*))*) => {$(
        impl<$($n: HashBits),*> HashBits for ($($n,)*) {
            fn hash_bits(&self, h: &mut StableHasher) {
                $(self.$i.hash_bits(h);)*
            }
        }
    )*};
}
hash_tuples! {
    (A 0)
    (A 0, B 1)
    (A 0, B 1, C 2)
    (A 0, B 1, C 2, D 3)
    (A 0, B 1, C 2, D 3, E 4)
    (A 0, B 1, C 2, D 3, E 4, F 5)
}

/// The hash of query `Q` over every entity of `world` that matches it, in entity order:
/// equal worlds give equal hashes, whatever order their tables hold the rows in.
///
/// # Examples
///
/// ```
/// use cellar::prelude::*;
/// use cellar_demos::world_hash::hash_world;
///
/// let mut a = World::new();
/// a.spawn((1.5f32, 2u32));
/// a.spawn((2.5f32,));
/// let mut b = World::new();
/// b.spawn((1.5f32, 2u32));
/// b.spawn((2.5f32,));
/// assert_eq!(hash_world::<&f32>(&a), hash_world::<&f32>(&b));
/// *b.query_mut::<&mut f32>().next().unwrap() += 1.0;
/// assert_ne!(hash_world::<&f32>(&a), hash_world::<&f32>(&b));
/// ```
pub fn hash_world<Q>(world: &World) -> u64
where
    Q: ReadOnlyQuery + 'static,
    for<'w> <Q as QueryData>::Item<'w>: HashBits,
{
    let mut rows: Vec<(Entity, u64)> = world
        .query::<(Entity, Q)>()
        .map(|(entity, item)| {
            let mut h = StableHasher::new();
            item.hash_bits(&mut h);
            (entity, h.finish())
        })
        .collect();
    rows.sort_unstable_by_key(|&(e, _)| (e.index(), e.generation()));
    let mut h = StableHasher::new();
    rows.len().hash_bits(&mut h);
    for (entity, row) in rows {
        entity.hash_bits(&mut h);
        row.hash_bits(&mut h);
    }
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, Copy, PartialEq)]
    struct P(f32, f32);
    impl HashBits for P {
        fn hash_bits(&self, h: &mut StableHasher) {
            (self.0, self.1).hash_bits(h);
        }
    }
    struct Tag;

    #[test]
    fn order_of_tables_does_not_matter_but_contents_do() {
        let mut a = World::new();
        let mut b = World::new();
        let ea = a.spawn((P(1.0, 2.0),));
        a.spawn((P(3.0, 4.0), Tag));
        let eb = b.spawn((P(1.0, 2.0), Tag));
        b.spawn((P(3.0, 4.0),));
        b.remove::<(Tag,)>(eb).unwrap();
        let other = b.query::<Entity>().find(|e| *e != eb).unwrap();
        b.insert(other, (Tag,)).unwrap();
        assert_eq!(ea.index(), eb.index());
        assert_eq!(hash_world::<&P>(&a), hash_world::<&P>(&b), "same rows, other tables");

        b.get_mut::<P>(eb).unwrap().1 = 2.0000002;
        assert_ne!(hash_world::<&P>(&a), hash_world::<&P>(&b), "one bit of one float");
    }

    #[test]
    fn entity_identity_counts() {
        let mut a = World::new();
        a.spawn((P(0.0, 0.0),));
        let mut b = World::new();
        let gone = b.spawn((P(0.0, 0.0),));
        b.despawn(gone).unwrap();
        b.spawn((P(0.0, 0.0),));
        assert_ne!(hash_world::<&P>(&a), hash_world::<&P>(&b), "a newer generation");
        assert_ne!(hash_world::<&P>(&a), hash_world::<&P>(&World::new()));
    }
}
