//! `Rgba`: an 8-bit colour, and the few colour helpers the pictures need.

/// An 8-bit RGBA colour.
///
/// # Examples
///
/// ```
/// use cellar_demos::color::Rgba;
///
/// assert_eq!(Rgba::rgb(255, 0, 0), Rgba::RED);
/// assert_eq!(Rgba::hsv(0.0, 1.0, 1.0), Rgba::RED);
/// assert_eq!(Rgba::BLACK.lerp(Rgba::WHITE, 1.0), Rgba::WHITE);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Rgba {
    /// Red.
    pub r: u8,
    /// Green.
    pub g: u8,
    /// Blue.
    pub b: u8,
    /// Opacity (the pictures are opaque; kept so the buffer is RGBA8).
    pub a: u8,
}

impl Rgba {
    /// Opaque black.
    pub const BLACK: Rgba = Rgba::rgb(0, 0, 0);
    /// Opaque white.
    pub const WHITE: Rgba = Rgba::rgb(255, 255, 255);
    /// Opaque red.
    pub const RED: Rgba = Rgba::rgb(255, 0, 0);

    /// An opaque colour.
    ///
    /// ```
    /// assert_eq!(cellar_demos::color::Rgba::rgb(1, 2, 3).a, 255);
    /// ```
    pub const fn rgb(r: u8, g: u8, b: u8) -> Self {
        Rgba { r, g, b, a: 255 }
    }

    /// An opaque colour from hue (`0..1`, wrapping), saturation and value (`0..1`).
    ///
    /// ```
    /// use cellar_demos::color::Rgba;
    /// assert_eq!(Rgba::hsv(1.0 / 3.0, 1.0, 1.0), Rgba::rgb(0, 255, 0));
    /// ```
    pub fn hsv(hue: f32, saturation: f32, value: f32) -> Self {
        let h = hue.rem_euclid(1.0) * 6.0;
        let c = value * saturation;
        let x = c * (1.0 - ((h % 2.0) - 1.0).abs());
        let (r, g, b) = match h as u32 {
            0 => (c, x, 0.0),
            1 => (x, c, 0.0),
            2 => (0.0, c, x),
            3 => (0.0, x, c),
            4 => (x, 0.0, c),
            _ => (c, 0.0, x),
        };
        let m = value - c;
        let byte = |v: f32| ((v + m) * 255.0).round().clamp(0.0, 255.0) as u8;
        Rgba::rgb(byte(r), byte(g), byte(b))
    }

    /// The colour `t` of the way from `self` to `other` (`t` clamped to `0..=1`).
    ///
    /// ```
    /// use cellar_demos::color::Rgba;
    /// assert_eq!(Rgba::BLACK.lerp(Rgba::rgb(200, 100, 0), 0.5), Rgba::rgb(100, 50, 0));
    /// ```
    pub fn lerp(self, other: Rgba, t: f32) -> Rgba {
        let t = t.clamp(0.0, 1.0);
        let mix = |a: u8, b: u8| (f32::from(a) + (f32::from(b) - f32::from(a)) * t).round() as u8;
        Rgba {
            r: mix(self.r, other.r),
            g: mix(self.g, other.g),
            b: mix(self.b, other.b),
            a: mix(self.a, other.a),
        }
    }

    /// The squared distance between two colours in RGB space.
    ///
    /// ```
    /// use cellar_demos::color::Rgba;
    /// assert_eq!(Rgba::BLACK.distance_squared(Rgba::rgb(3, 4, 0)), 25);
    /// ```
    pub fn distance_squared(self, other: Rgba) -> u32 {
        let d = |a: u8, b: u8| (i32::from(a) - i32::from(b)).unsigned_abs().pow(2);
        d(self.r, other.r) + d(self.g, other.g) + d(self.b, other.b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hsv_primaries_and_grey() {
        assert_eq!(Rgba::hsv(2.0 / 3.0, 1.0, 1.0), Rgba::rgb(0, 0, 255));
        assert_eq!(Rgba::hsv(0.5, 0.0, 0.5), Rgba::rgb(128, 128, 128));
        assert_eq!(Rgba::hsv(1.0, 1.0, 1.0), Rgba::hsv(0.0, 1.0, 1.0));
    }
}
