//! A small deterministic random number generator: xorshift64* seeded through SplitMix64.
//!
//! The demos need random numbers that are the same on every machine and for every thread
//! count, and nothing cryptographic. [`Rng::new`] makes one stream from a seed; [`Rng::keyed`]
//! makes an independent stream from a seed and a few keys (a frame number, an entity index),
//! so a parallel loop can draw random numbers per entity without sharing a generator, and
//! the numbers do not depend on which thread handles which entity.

/// A xorshift64* generator.
///
/// # Examples
///
/// ```
/// use cellar_demos::rng::Rng;
///
/// let mut a = Rng::new(7);
/// let mut b = Rng::new(7);
/// assert_eq!(a.next_u64(), b.next_u64());
/// let x = a.range(-1.0, 1.0);
/// assert!((-1.0..1.0).contains(&x));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rng {
    /// Never zero: xorshift stays at zero forever once there.
    state: u64,
}

/// SplitMix64's finalizer: spreads every input bit over the whole word.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Rng {
    /// A generator seeded with `seed`; equal seeds give equal streams.
    ///
    /// ```
    /// use cellar_demos::rng::Rng;
    /// assert_ne!(Rng::new(1).next_u64(), Rng::new(2).next_u64());
    /// ```
    pub fn new(seed: u64) -> Self {
        Rng { state: mix(seed).max(1) }
    }

    /// A generator for `seed` and `keys` (say a frame number and an entity index): streams for
    /// different keys are independent, and the same keys always give the same stream.
    ///
    /// ```
    /// use cellar_demos::rng::Rng;
    /// let frame = 12;
    /// let a = Rng::keyed(1, &[frame, 40]).next_u64();
    /// assert_eq!(a, Rng::keyed(1, &[frame, 40]).next_u64());
    /// assert_ne!(a, Rng::keyed(1, &[frame, 41]).next_u64());
    /// ```
    pub fn keyed(seed: u64, keys: &[u64]) -> Self {
        let state = keys.iter().fold(mix(seed), |acc, &k| mix(acc ^ mix(k)));
        Rng { state: state.max(1) }
    }

    /// The next 64 random bits.
    ///
    /// ```
    /// let mut rng = cellar_demos::rng::Rng::new(3);
    /// assert_ne!(rng.next_u64(), rng.next_u64());
    /// ```
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.state;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.state = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `[0, 1)`, with 24 random bits.
    ///
    /// ```
    /// let mut rng = cellar_demos::rng::Rng::new(3);
    /// assert!((0.0..1.0).contains(&rng.unit()));
    /// ```
    pub fn unit(&mut self) -> f32 {
        (self.next_u64() >> 40) as f32 * (1.0 / (1u32 << 24) as f32)
    }

    /// A number in `[lo, hi)`.
    ///
    /// ```
    /// let mut rng = cellar_demos::rng::Rng::new(3);
    /// let x = rng.range(5.0, 6.0);
    /// assert!((5.0..6.0).contains(&x));
    /// ```
    pub fn range(&mut self, lo: f32, hi: f32) -> f32 {
        (lo + (hi - lo) * self.unit()).min(hi.next_down_or(hi))
    }

    /// A whole number in `[0, n)`, for `n > 0`.
    ///
    /// ```
    /// let mut rng = cellar_demos::rng::Rng::new(3);
    /// assert!(rng.below(10) < 10);
    /// ```
    pub fn below(&mut self, n: u32) -> u32 {
        (((self.next_u64() >> 32) * u64::from(n)) >> 32) as u32
    }

    /// `true` with probability `p`.
    ///
    /// ```
    /// let mut rng = cellar_demos::rng::Rng::new(3);
    /// assert!(!rng.chance(0.0));
    /// assert!(rng.chance(1.0));
    /// ```
    pub fn chance(&mut self, p: f32) -> bool {
        self.unit() < p
    }

    /// An angle in `[0, 2π)`.
    ///
    /// ```
    /// let mut rng = cellar_demos::rng::Rng::new(3);
    /// assert!(rng.angle() < std::f32::consts::TAU);
    /// ```
    pub fn angle(&mut self) -> f32 {
        self.range(0.0, std::f32::consts::TAU)
    }
}

/// `next_down` for the few places that need "strictly below `hi`" after rounding.
trait NextDown {
    fn next_down_or(self, fallback: f32) -> f32;
}

impl NextDown for f32 {
    fn next_down_or(self, fallback: f32) -> f32 {
        if self.is_finite() && self != 0.0 {
            f32::from_bits(if self > 0.0 { self.to_bits() - 1 } else { self.to_bits() + 1 })
        } else {
            fallback
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_stream_and_different_seeds_differ() {
        let a: Vec<u64> = (0..100).scan(Rng::new(42), |r, _| Some(r.next_u64())).collect();
        let b: Vec<u64> = (0..100).scan(Rng::new(42), |r, _| Some(r.next_u64())).collect();
        let c: Vec<u64> = (0..100).scan(Rng::new(43), |r, _| Some(r.next_u64())).collect();
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert!(a.iter().zip(&c).all(|(x, y)| x != y), "streams should not share values");
    }

    #[test]
    fn zero_seed_does_not_stick() {
        let mut rng = Rng::new(0);
        let x = rng.next_u64();
        assert_ne!(x, 0);
        assert_ne!(x, rng.next_u64());
    }

    #[test]
    fn unit_is_roughly_uniform_and_in_range() {
        let mut rng = Rng::new(9);
        let mut buckets = [0u32; 10];
        for _ in 0..100_000 {
            let u = rng.unit();
            assert!((0.0..1.0).contains(&u));
            buckets[(u * 10.0) as usize] += 1;
        }
        for b in buckets {
            assert!((9_000..11_000).contains(&b), "bucket {b}");
        }
    }

    #[test]
    fn ranges_stay_in_bounds() {
        let mut rng = Rng::new(5);
        for _ in 0..10_000 {
            assert!(rng.below(7) < 7);
            let x = rng.range(-2.0, 3.0);
            assert!((-2.0..3.0).contains(&x));
        }
        let hits = (0..10_000).filter(|_| rng.chance(0.25)).count();
        assert!((2_200..2_800).contains(&hits), "{hits}");
    }

    #[test]
    fn keyed_streams_depend_on_every_key() {
        let base = Rng::keyed(1, &[2, 3]).next_u64();
        assert_eq!(base, Rng::keyed(1, &[2, 3]).next_u64());
        assert_ne!(base, Rng::keyed(1, &[3, 2]).next_u64());
        assert_ne!(base, Rng::keyed(2, &[2, 3]).next_u64());
        assert_ne!(base, Rng::keyed(1, &[2, 4]).next_u64());
    }
}
