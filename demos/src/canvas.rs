//! `Canvas`: a software RGBA8 picture with the few shapes the demos draw.
//!
//! Coordinates are pixels, `(0, 0)` at the top left, `x` to the right and `y` down. Every
//! shape is clipped to the picture, so callers can draw near or past the edges freely.

use crate::color::Rgba;

/// An RGBA8 image in memory.
///
/// # Examples
///
/// ```
/// use cellar_demos::canvas::Canvas;
/// use cellar_demos::color::Rgba;
///
/// let mut canvas = Canvas::new(40, 30, Rgba::BLACK);
/// canvas.line(0.0, 0.0, 39.0, 29.0, Rgba::RED);
/// canvas.disc(20.0, 15.0, 5.0, Rgba::WHITE);
/// assert_eq!(canvas.pixel(20, 15), Some(Rgba::WHITE));
/// assert_eq!(canvas.pixel(39, 0), Some(Rgba::BLACK));
/// assert_eq!(canvas.pixel(40, 0), None);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Canvas {
    width: u32,
    height: u32,
    /// `width * height` pixels, row by row.
    pixels: Vec<Rgba>,
}

impl Canvas {
    /// A `width` × `height` canvas filled with `background`.
    ///
    /// # Panics
    ///
    /// If either side is zero.
    ///
    /// ```
    /// let c = cellar_demos::canvas::Canvas::new(3, 2, cellar_demos::color::Rgba::WHITE);
    /// assert_eq!((c.width(), c.height()), (3, 2));
    /// ```
    pub fn new(width: u32, height: u32, background: Rgba) -> Self {
        assert!(width > 0 && height > 0, "a canvas needs at least one pixel");
        Canvas { width, height, pixels: vec![background; width as usize * height as usize] }
    }

    /// The width in pixels.
    ///
    /// ```
    /// assert_eq!(cellar_demos::canvas::Canvas::new(3, 2, Default::default()).width(), 3);
    /// ```
    pub fn width(&self) -> u32 {
        self.width
    }

    /// The height in pixels.
    ///
    /// ```
    /// assert_eq!(cellar_demos::canvas::Canvas::new(3, 2, Default::default()).height(), 2);
    /// ```
    pub fn height(&self) -> u32 {
        self.height
    }

    /// The pixels, row by row.
    ///
    /// ```
    /// let c = cellar_demos::canvas::Canvas::new(3, 2, Default::default());
    /// assert_eq!(c.pixels().len(), 6);
    /// ```
    pub fn pixels(&self) -> &[Rgba] {
        &self.pixels
    }

    /// The pixels as RGBA8 bytes, row by row: what the PNG writer stores.
    ///
    /// ```
    /// use cellar_demos::{canvas::Canvas, color::Rgba};
    /// let c = Canvas::new(1, 1, Rgba::rgb(1, 2, 3));
    /// assert_eq!(c.to_rgba8(), vec![1, 2, 3, 255]);
    /// ```
    pub fn to_rgba8(&self) -> Vec<u8> {
        self.pixels.iter().flat_map(|p| [p.r, p.g, p.b, p.a]).collect()
    }

    /// Fills the whole canvas with `color`.
    ///
    /// ```
    /// use cellar_demos::{canvas::Canvas, color::Rgba};
    /// let mut c = Canvas::new(2, 2, Rgba::BLACK);
    /// c.clear(Rgba::WHITE);
    /// assert!(c.pixels().iter().all(|&p| p == Rgba::WHITE));
    /// ```
    pub fn clear(&mut self, color: Rgba) {
        self.pixels.fill(color);
    }

    /// The colour at `(x, y)`, or `None` outside the canvas.
    ///
    /// ```
    /// use cellar_demos::{canvas::Canvas, color::Rgba};
    /// let c = Canvas::new(2, 2, Rgba::BLACK);
    /// assert_eq!(c.pixel(1, 1), Some(Rgba::BLACK));
    /// assert_eq!(c.pixel(-1, 0), None);
    /// ```
    pub fn pixel(&self, x: i32, y: i32) -> Option<Rgba> {
        self.index(x, y).map(|i| self.pixels[i])
    }

    fn index(&self, x: i32, y: i32) -> Option<usize> {
        let inside = x >= 0 && y >= 0 && (x as u32) < self.width && (y as u32) < self.height;
        inside.then(|| y as usize * self.width as usize + x as usize)
    }

    /// Sets the pixel at `(x, y)`; nothing happens outside the canvas.
    ///
    /// ```
    /// use cellar_demos::{canvas::Canvas, color::Rgba};
    /// let mut c = Canvas::new(2, 2, Rgba::BLACK);
    /// c.plot(1, 0, Rgba::WHITE);
    /// c.plot(5, 5, Rgba::WHITE);
    /// assert_eq!(c.pixel(1, 0), Some(Rgba::WHITE));
    /// ```
    pub fn plot(&mut self, x: i32, y: i32, color: Rgba) {
        if let Some(i) = self.index(x, y) {
            self.pixels[i] = color;
        }
    }

    /// Mixes `color` into the pixel at `(x, y)` with weight `alpha` (`0..=1`).
    ///
    /// ```
    /// use cellar_demos::{canvas::Canvas, color::Rgba};
    /// let mut c = Canvas::new(1, 1, Rgba::BLACK);
    /// c.blend(0, 0, Rgba::rgb(200, 0, 0), 0.5);
    /// assert_eq!(c.pixel(0, 0), Some(Rgba::rgb(100, 0, 0)));
    /// ```
    pub fn blend(&mut self, x: i32, y: i32, color: Rgba, alpha: f32) {
        if let Some(i) = self.index(x, y) {
            self.pixels[i] = self.pixels[i].lerp(color, alpha);
        }
    }

    /// A filled rectangle with its top left corner at `(x, y)`: legend blocks, bars, frames.
    ///
    /// ```
    /// use cellar_demos::{canvas::Canvas, color::Rgba};
    /// let mut c = Canvas::new(4, 4, Rgba::BLACK);
    /// c.rect(1, 1, 2, 2, Rgba::WHITE);
    /// assert_eq!(c.pixels().iter().filter(|&&p| p == Rgba::WHITE).count(), 4);
    /// ```
    pub fn rect(&mut self, x: i32, y: i32, width: u32, height: u32, color: Rgba) {
        let x0 = x.max(0);
        let y0 = y.max(0);
        let x1 = (x.saturating_add(width as i32)).min(self.width as i32);
        let y1 = (y.saturating_add(height as i32)).min(self.height as i32);
        for yy in y0..y1 {
            let row = yy as usize * self.width as usize;
            self.pixels[row + x0 as usize..row + x1.max(x0) as usize].fill(color);
        }
    }

    /// A filled disc centred at `(cx, cy)` with radius `r` (a pixel is in when its centre is).
    ///
    /// ```
    /// use cellar_demos::{canvas::Canvas, color::Rgba};
    /// let mut c = Canvas::new(9, 9, Rgba::BLACK);
    /// c.disc(4.5, 4.5, 3.0, Rgba::WHITE);
    /// assert_eq!(c.pixel(4, 4), Some(Rgba::WHITE));
    /// assert_eq!(c.pixel(0, 0), Some(Rgba::BLACK));
    /// ```
    pub fn disc(&mut self, cx: f32, cy: f32, r: f32, color: Rgba) {
        let (x0, x1) = ((cx - r).floor() as i32, (cx + r).ceil() as i32);
        let (y0, y1) = ((cy - r).floor() as i32, (cy + r).ceil() as i32);
        for y in y0.max(0)..=y1.min(self.height as i32 - 1) {
            for x in x0.max(0)..=x1.min(self.width as i32 - 1) {
                let (dx, dy) = (x as f32 + 0.5 - cx, y as f32 + 0.5 - cy);
                if dx * dx + dy * dy <= r * r {
                    self.plot(x, y, color);
                }
            }
        }
    }

    /// A one-pixel line from `(x0, y0)` to `(x1, y1)` (Bresenham's algorithm).
    ///
    /// ```
    /// use cellar_demos::{canvas::Canvas, color::Rgba};
    /// let mut c = Canvas::new(5, 5, Rgba::BLACK);
    /// c.line(0.0, 0.0, 4.0, 4.0, Rgba::WHITE);
    /// assert!((0..5).all(|i| c.pixel(i, i) == Some(Rgba::WHITE)));
    /// ```
    pub fn line(&mut self, x0: f32, y0: f32, x1: f32, y1: f32, color: Rgba) {
        let (mut x, mut y) = (x0.round() as i64, y0.round() as i64);
        let (xe, ye) = (x1.round() as i64, y1.round() as i64);
        let (dx, dy) = ((xe - x).abs(), -(ye - y).abs());
        let (sx, sy) = (if x < xe { 1 } else { -1 }, if y < ye { 1 } else { -1 });
        // Far-off endpoints would make a long loop of clipped pixels: bound the steps.
        let limit = 4 * (self.width + self.height) as i64 + dx - dy;
        let mut err = dx + dy;
        for _ in 0..=limit {
            if let (Ok(px), Ok(py)) = (i32::try_from(x), i32::try_from(y)) {
                self.plot(px, py, color);
            }
            if x == xe && y == ye {
                break;
            }
            let e2 = 2 * err;
            if e2 >= dy {
                err += dy;
                x += sx;
            }
            if e2 <= dx {
                err += dx;
                y += sy;
            }
        }
    }

    /// A filled triangle (a pixel is in when its centre is): the boids' arrows.
    ///
    /// ```
    /// use cellar_demos::{canvas::Canvas, color::Rgba};
    /// let mut c = Canvas::new(10, 10, Rgba::BLACK);
    /// c.triangle((0.0, 0.0), (10.0, 0.0), (0.0, 10.0), Rgba::WHITE);
    /// assert_eq!(c.pixel(1, 1), Some(Rgba::WHITE));
    /// assert_eq!(c.pixel(9, 9), Some(Rgba::BLACK));
    /// ```
    pub fn triangle(&mut self, a: (f32, f32), b: (f32, f32), c: (f32, f32), color: Rgba) {
        let edge = |p: (f32, f32), q: (f32, f32), x: f32, y: f32| {
            (q.0 - p.0) * (y - p.1) - (q.1 - p.1) * (x - p.0)
        };
        let area = edge(a, b, c.0, c.1);
        if area == 0.0 {
            return;
        }
        let min_x = a.0.min(b.0).min(c.0).floor().max(0.0) as i32;
        let max_x = a.0.max(b.0).max(c.0).ceil().min(self.width as f32 - 1.0) as i32;
        let min_y = a.1.min(b.1).min(c.1).floor().max(0.0) as i32;
        let max_y = a.1.max(b.1).max(c.1).ceil().min(self.height as f32 - 1.0) as i32;
        for y in min_y..=max_y {
            for x in min_x..=max_x {
                let (px, py) = (x as f32 + 0.5, y as f32 + 0.5);
                let w0 = edge(b, c, px, py) * area.signum();
                let w1 = edge(c, a, px, py) * area.signum();
                let w2 = edge(a, b, px, py) * area.signum();
                if w0 >= 0.0 && w1 >= 0.0 && w2 >= 0.0 {
                    self.plot(x, y, color);
                }
            }
        }
    }

    /// A copy scaled down by `factor` in each direction, each pixel the mean of its block:
    /// smoother small frames for the animation.
    ///
    /// ```
    /// use cellar_demos::{canvas::Canvas, color::Rgba};
    /// let mut c = Canvas::new(4, 2, Rgba::BLACK);
    /// c.rect(0, 0, 2, 2, Rgba::WHITE);
    /// let small = c.downsample(2);
    /// assert_eq!((small.width(), small.height()), (2, 1));
    /// assert_eq!(small.pixel(0, 0), Some(Rgba::WHITE));
    /// ```
    pub fn downsample(&self, factor: u32) -> Canvas {
        let f = factor.max(1);
        let (w, h) = ((self.width / f).max(1), (self.height / f).max(1));
        let mut out = Canvas::new(w, h, Rgba::BLACK);
        for y in 0..h {
            for x in 0..w {
                let mut sum = [0u32; 4];
                let mut n = 0;
                for yy in y * f..((y + 1) * f).min(self.height) {
                    for xx in x * f..((x + 1) * f).min(self.width) {
                        let p = self.pixels[(yy * self.width + xx) as usize];
                        for (s, v) in sum.iter_mut().zip([p.r, p.g, p.b, p.a]) {
                            *s += u32::from(v);
                        }
                        n += 1;
                    }
                }
                let avg = |s: u32| (s / n.max(1)) as u8;
                out.pixels[(y * w + x) as usize] =
                    Rgba { r: avg(sum[0]), g: avg(sum[1]), b: avg(sum[2]), a: avg(sum[3]) };
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(c: &Canvas, color: Rgba) -> usize {
        c.pixels().iter().filter(|&&p| p == color).count()
    }

    #[test]
    fn shapes_are_clipped_at_every_edge() {
        let mut c = Canvas::new(10, 10, Rgba::BLACK);
        c.disc(-2.0, -2.0, 4.0, Rgba::WHITE);
        c.rect(8, 8, 100, 100, Rgba::WHITE);
        c.rect(-5, -5, 3, 3, Rgba::WHITE);
        c.triangle((-20.0, -20.0), (30.0, 9.0), (9.0, 30.0), Rgba::WHITE);
        c.line(-100.0, 5.0, 100.0, 5.0, Rgba::RED);
        c.plot(-1, 3, Rgba::RED);
        assert_eq!(count(&c, Rgba::RED), 10, "the line crosses the canvas once");
    }

    #[test]
    fn disc_area_is_close_to_pi_r_squared() {
        let mut c = Canvas::new(100, 100, Rgba::BLACK);
        c.disc(50.0, 50.0, 20.0, Rgba::WHITE);
        let area = count(&c, Rgba::WHITE) as f32;
        let expected = std::f32::consts::PI * 400.0;
        assert!((area - expected).abs() / expected < 0.03, "{area} vs {expected}");
    }

    #[test]
    fn triangle_covers_half_its_box_in_either_winding() {
        for flip in [false, true] {
            let mut c = Canvas::new(20, 20, Rgba::BLACK);
            let (b, d) = ((20.0, 0.0), (0.0, 20.0));
            let (b, d) = if flip { (d, b) } else { (b, d) };
            c.triangle((0.0, 0.0), b, d, Rgba::WHITE);
            let n = count(&c, Rgba::WHITE);
            assert!((190..=220).contains(&n), "{n}");
        }
    }

    #[test]
    fn lines_join_their_endpoints() {
        let mut c = Canvas::new(30, 30, Rgba::BLACK);
        c.line(2.0, 3.0, 27.0, 11.0, Rgba::WHITE);
        assert_eq!(c.pixel(2, 3), Some(Rgba::WHITE));
        assert_eq!(c.pixel(27, 11), Some(Rgba::WHITE));
        assert_eq!(count(&c, Rgba::WHITE), 26, "one pixel per column of the long axis");
    }
}
