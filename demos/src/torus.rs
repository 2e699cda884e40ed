//! The boids' and the ecosystem's world wraps around at its edges, like a torus: the two
//! operations that needs, on glam's `Vec2`.

use glam::Vec2;

/// Distances and positions on a world of `size` that wraps around at its edges.
///
/// # Examples
///
/// ```
/// use glam::Vec2;
/// use cellar_demos::torus::Torus;
///
/// let size = Vec2::new(100.0, 100.0);
/// // Two points near opposite edges are neighbours.
/// assert_eq!(Vec2::new(1.0, 50.0).wrapped_sub(Vec2::new(99.0, 50.0), size), Vec2::new(2.0, 0.0));
/// assert_eq!(Vec2::new(-1.0, 112.0).wrapped(size), Vec2::new(99.0, 12.0));
/// ```
pub trait Torus {
    /// The shortest difference `self - other` on the torus.
    fn wrapped_sub(self, other: Vec2, size: Vec2) -> Vec2;
    /// The point moved back into `[0, size)` on each axis.
    fn wrapped(self, size: Vec2) -> Vec2;
}

impl Torus for Vec2 {
    fn wrapped_sub(self, other: Vec2, size: Vec2) -> Vec2 {
        let wrap = |d: f32, s: f32| {
            if d > s * 0.5 {
                d - s
            } else if d < -s * 0.5 {
                d + s
            } else {
                d
            }
        };
        Vec2::new(wrap(self.x - other.x, size.x), wrap(self.y - other.y, size.y))
    }

    fn wrapped(self, size: Vec2) -> Vec2 {
        // rem_euclid of a tiny negative number rounds up to `s` itself: fold that to 0.
        let wrap = |v: f32, s: f32| {
            let w = v.rem_euclid(s);
            if w >= s { 0.0 } else { w }
        };
        Vec2::new(wrap(self.x, size.x), wrap(self.y, size.y))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapped_points_stay_inside_even_at_rounding_edges() {
        let size = Vec2::new(10.0, 10.0);
        for v in [-1e-9f32, -10.0, 10.0, 25.5, -0.0] {
            let w = Vec2::splat(v).wrapped(size);
            assert!((0.0..10.0).contains(&w.x) && (0.0..10.0).contains(&w.y), "{v} -> {w}");
        }
    }

    #[test]
    fn differences_take_the_short_way_round() {
        let size = Vec2::new(10.0, 20.0);
        let d = Vec2::new(9.0, 1.0).wrapped_sub(Vec2::new(1.0, 19.0), size);
        assert_eq!(d, Vec2::new(-2.0, 2.0));
    }
}
