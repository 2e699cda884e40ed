//! `Vec2`: the two-dimensional vector the demos' positions, velocities and forces are made of.

use std::ops::{Add, AddAssign, Div, Mul, Neg, Sub, SubAssign};

/// A 2D vector of `f32`.
///
/// # Examples
///
/// ```
/// use cellar_demos::vec2::Vec2;
///
/// let v = Vec2::new(3.0, 4.0);
/// assert_eq!(v.length(), 5.0);
/// assert_eq!(v * 2.0, Vec2::new(6.0, 8.0));
/// assert_eq!((v - v).length(), 0.0);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Vec2 {
    /// The horizontal part.
    pub x: f32,
    /// The vertical part.
    pub y: f32,
}

impl Vec2 {
    /// The zero vector.
    pub const ZERO: Vec2 = Vec2 { x: 0.0, y: 0.0 };

    /// A vector from its parts.
    ///
    /// ```
    /// assert_eq!(cellar_demos::vec2::Vec2::new(1.0, 2.0).y, 2.0);
    /// ```
    pub const fn new(x: f32, y: f32) -> Self {
        Vec2 { x, y }
    }

    /// The unit vector at `angle` radians from the x axis.
    ///
    /// ```
    /// let v = cellar_demos::vec2::Vec2::from_angle(0.0);
    /// assert_eq!(v, cellar_demos::vec2::Vec2::new(1.0, 0.0));
    /// ```
    pub fn from_angle(angle: f32) -> Self {
        Vec2 { x: angle.cos(), y: angle.sin() }
    }

    /// The squared length (no square root).
    ///
    /// ```
    /// assert_eq!(cellar_demos::vec2::Vec2::new(3.0, 4.0).length_squared(), 25.0);
    /// ```
    pub fn length_squared(self) -> f32 {
        self.x * self.x + self.y * self.y
    }

    /// The length.
    ///
    /// ```
    /// assert_eq!(cellar_demos::vec2::Vec2::new(0.0, 2.0).length(), 2.0);
    /// ```
    pub fn length(self) -> f32 {
        self.length_squared().sqrt()
    }

    /// The vector scaled to length `len`; zero stays zero.
    ///
    /// ```
    /// use cellar_demos::vec2::Vec2;
    /// assert_eq!(Vec2::new(0.0, 3.0).with_length(1.0), Vec2::new(0.0, 1.0));
    /// assert_eq!(Vec2::ZERO.with_length(1.0), Vec2::ZERO);
    /// ```
    pub fn with_length(self, len: f32) -> Self {
        let l = self.length();
        if l > 0.0 { self * (len / l) } else { self }
    }

    /// The vector shortened to at most `max` long.
    ///
    /// ```
    /// use cellar_demos::vec2::Vec2;
    /// assert_eq!(Vec2::new(0.0, 3.0).clamp_length(2.0), Vec2::new(0.0, 2.0));
    /// assert_eq!(Vec2::new(0.0, 1.0).clamp_length(2.0), Vec2::new(0.0, 1.0));
    /// ```
    pub fn clamp_length(self, max: f32) -> Self {
        if self.length_squared() > max * max { self.with_length(max) } else { self }
    }

    /// The angle from the x axis, in `(-π, π]`.
    ///
    /// ```
    /// assert_eq!(cellar_demos::vec2::Vec2::new(1.0, 0.0).angle(), 0.0);
    /// ```
    pub fn angle(self) -> f32 {
        self.y.atan2(self.x)
    }

    /// The shortest difference `self - other` on a torus of `size` (a world that wraps
    /// around at its edges).
    ///
    /// ```
    /// use cellar_demos::vec2::Vec2;
    /// let size = Vec2::new(100.0, 100.0);
    /// let d = Vec2::new(1.0, 50.0).wrapped_sub(Vec2::new(99.0, 50.0), size);
    /// assert_eq!(d, Vec2::new(2.0, 0.0));
    /// ```
    pub fn wrapped_sub(self, other: Vec2, size: Vec2) -> Vec2 {
        let wrap = |d: f32, s: f32| {
            if d > s * 0.5 {
                d - s
            } else if d < -s * 0.5 {
                d + s
            } else {
                d
            }
        };
        Vec2 { x: wrap(self.x - other.x, size.x), y: wrap(self.y - other.y, size.y) }
    }

    /// The point moved back into `[0, size)` on each axis (the torus again).
    ///
    /// ```
    /// use cellar_demos::vec2::Vec2;
    /// let size = Vec2::new(10.0, 10.0);
    /// assert_eq!(Vec2::new(-1.0, 12.0).wrapped(size), Vec2::new(9.0, 2.0));
    /// ```
    pub fn wrapped(self, size: Vec2) -> Vec2 {
        let wrap = |v: f32, s: f32| {
            let w = v.rem_euclid(s);
            if w >= s { 0.0 } else { w }
        };
        Vec2 { x: wrap(self.x, size.x), y: wrap(self.y, size.y) }
    }
}

impl Add for Vec2 {
    type Output = Vec2;
    fn add(self, o: Vec2) -> Vec2 {
        Vec2::new(self.x + o.x, self.y + o.y)
    }
}

impl AddAssign for Vec2 {
    fn add_assign(&mut self, o: Vec2) {
        *self = *self + o;
    }
}

impl Sub for Vec2 {
    type Output = Vec2;
    fn sub(self, o: Vec2) -> Vec2 {
        Vec2::new(self.x - o.x, self.y - o.y)
    }
}

impl SubAssign for Vec2 {
    fn sub_assign(&mut self, o: Vec2) {
        *self = *self - o;
    }
}

impl Mul<f32> for Vec2 {
    type Output = Vec2;
    fn mul(self, k: f32) -> Vec2 {
        Vec2::new(self.x * k, self.y * k)
    }
}

impl Div<f32> for Vec2 {
    type Output = Vec2;
    fn div(self, k: f32) -> Vec2 {
        Vec2::new(self.x / k, self.y / k)
    }
}

impl Neg for Vec2 {
    type Output = Vec2;
    fn neg(self) -> Vec2 {
        Vec2::new(-self.x, -self.y)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_keeps_points_inside_and_differences_short() {
        let size = Vec2::new(10.0, 20.0);
        for (x, y) in [(-0.0001, 0.0), (10.0, 20.0), (-35.5, 47.0), (3.0, -1e-9)] {
            let p = Vec2::new(x, y).wrapped(size);
            assert!((0.0..10.0).contains(&p.x) && (0.0..20.0).contains(&p.y), "{p:?}");
        }
        let d = Vec2::new(0.5, 19.0).wrapped_sub(Vec2::new(9.5, 1.0), size);
        assert!((d.x - 1.0).abs() < 1e-5 && (d.y + 2.0).abs() < 1e-5, "{d:?}");
    }

    #[test]
    fn lengths() {
        assert_eq!(Vec2::new(6.0, 8.0).with_length(5.0), Vec2::new(3.0, 4.0));
        assert_eq!(Vec2::new(6.0, 8.0).clamp_length(20.0), Vec2::new(6.0, 8.0));
        assert!((Vec2::from_angle(1.0).length() - 1.0).abs() < 1e-6);
    }
}
