//! `Canvas`: an RGBA picture with the anti-aliased shapes and the text the demos draw.
//!
//! The shapes are [tiny-skia]'s (the 2D rasteriser of resvg and of many Rust GUI and game
//! tools): edges are anti-aliased, lines have a width, polygons any number of sides. The
//! canvas is a thin layer over its `Pixmap` that speaks the demos' [`Rgba`] colours and
//! point pairs, so a drawing reads as a list of shapes; [`Canvas::pixmap_mut`] gives the
//! whole of tiny-skia where a demo wants more. Text comes from [`crate::text`].
//!
//! Coordinates are pixels, `(0, 0)` at the top left, `x` to the right and `y` down. Every
//! shape is clipped to the picture, so callers can draw near or past the edges freely.
//!
//! [tiny-skia]: https://docs.rs/tiny-skia

use tiny_skia::{
    FillRule, LineCap, LineJoin, Paint, PathBuilder, Pixmap, PremultipliedColorU8, Rect, Stroke,
    Transform,
};

use crate::color::Rgba;
use crate::text::{Anchor, TextStyle};

/// An RGBA picture in memory.
///
/// # Examples
///
/// ```
/// use cellar_demos::canvas::Canvas;
/// use cellar_demos::color::Rgba;
///
/// let mut canvas = Canvas::new(40, 30, Rgba::BLACK);
/// canvas.line((0.0, 0.0), (39.0, 29.0), 1.5, Rgba::RED);
/// canvas.disc((20.0, 15.0), 5.0, Rgba::WHITE);
/// assert_eq!(canvas.pixel(20, 15), Some(Rgba::WHITE));
/// assert_eq!(canvas.pixel(39, 0), Some(Rgba::BLACK));
/// assert_eq!(canvas.pixel(40, 0), None);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Canvas {
    pixmap: Pixmap,
}

/// A point: `(x, y)` in pixels.
pub type Point = (f32, f32);

fn paint(color: Rgba) -> Paint<'static> {
    let mut paint = Paint::default();
    paint.set_color_rgba8(color.r, color.g, color.b, color.a);
    paint.anti_alias = true;
    paint
}

impl Canvas {
    /// A `width` × `height` canvas filled with `background`.
    ///
    /// # Panics
    ///
    /// If either side is zero or the picture would not fit in memory.
    ///
    /// ```
    /// let c = cellar_demos::canvas::Canvas::new(3, 2, cellar_demos::color::Rgba::WHITE);
    /// assert_eq!((c.width(), c.height()), (3, 2));
    /// ```
    pub fn new(width: u32, height: u32, background: Rgba) -> Self {
        let mut pixmap = Pixmap::new(width, height).expect("a canvas needs at least one pixel");
        pixmap.fill(tiny_skia::Color::from_rgba8(
            background.r,
            background.g,
            background.b,
            background.a,
        ));
        Canvas { pixmap }
    }

    /// The width in pixels.
    ///
    /// ```
    /// assert_eq!(cellar_demos::canvas::Canvas::new(3, 2, Default::default()).width(), 3);
    /// ```
    pub fn width(&self) -> u32 {
        self.pixmap.width()
    }

    /// The height in pixels.
    ///
    /// ```
    /// assert_eq!(cellar_demos::canvas::Canvas::new(3, 2, Default::default()).height(), 2);
    /// ```
    pub fn height(&self) -> u32 {
        self.pixmap.height()
    }

    /// The tiny-skia pixmap underneath, for drawing what the canvas has no method for.
    ///
    /// ```
    /// let mut c = cellar_demos::canvas::Canvas::new(3, 2, Default::default());
    /// c.pixmap_mut().fill(tiny_skia::Color::WHITE);
    /// assert_eq!(c.pixel(0, 0), Some(cellar_demos::color::Rgba::WHITE));
    /// ```
    pub fn pixmap_mut(&mut self) -> &mut Pixmap {
        &mut self.pixmap
    }

    /// The pixels as RGBA8 bytes, row by row, not premultiplied: what PNG and GIF store.
    ///
    /// ```
    /// use cellar_demos::{canvas::Canvas, color::Rgba};
    /// let c = Canvas::new(1, 1, Rgba::rgb(1, 2, 3));
    /// assert_eq!(c.to_rgba8(), vec![1, 2, 3, 255]);
    /// ```
    pub fn to_rgba8(&self) -> Vec<u8> {
        self.pixmap
            .pixels()
            .iter()
            .flat_map(|p| {
                let c = p.demultiply();
                [c.red(), c.green(), c.blue(), c.alpha()]
            })
            .collect()
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
        let (x, y) = (u32::try_from(x).ok()?, u32::try_from(y).ok()?);
        // tiny-skia's `pixel` checks only the index, so (width, 0) would be (0, 1).
        if x >= self.width() || y >= self.height() {
            return None;
        }
        let c = self.pixmap.pixel(x, y)?.demultiply();
        Some(Rgba { r: c.red(), g: c.green(), b: c.blue(), a: c.alpha() })
    }

    /// Sets the pixel at `(x, y)` to the opaque `color`; nothing happens outside the canvas.
    ///
    /// ```
    /// use cellar_demos::{canvas::Canvas, color::Rgba};
    /// let mut c = Canvas::new(2, 2, Rgba::BLACK);
    /// c.plot(1, 0, Rgba::WHITE);
    /// c.plot(5, 5, Rgba::WHITE);
    /// assert_eq!(c.pixel(1, 0), Some(Rgba::WHITE));
    /// ```
    pub fn plot(&mut self, x: i32, y: i32, color: Rgba) {
        self.blend(x, y, color, 1.0);
    }

    /// Mixes the opaque `color` into the pixel at `(x, y)` with weight `alpha` (`0..=1`): how
    /// text and other coverage masks land on the picture.
    ///
    /// ```
    /// use cellar_demos::{canvas::Canvas, color::Rgba};
    /// let mut c = Canvas::new(1, 1, Rgba::BLACK);
    /// c.blend(0, 0, Rgba::rgb(200, 0, 0), 0.5);
    /// assert_eq!(c.pixel(0, 0), Some(Rgba::rgb(100, 0, 0)));
    /// ```
    pub fn blend(&mut self, x: i32, y: i32, color: Rgba, alpha: f32) {
        let (Ok(x), Ok(y)) = (u32::try_from(x), u32::try_from(y)) else { return };
        let (w, h) = (self.width(), self.height());
        if x >= w || y >= h {
            return;
        }
        let i = (y * w + x) as usize;
        let old = self.pixmap.pixels()[i].demultiply();
        let old = Rgba { r: old.red(), g: old.green(), b: old.blue(), a: old.alpha() };
        let new = old.lerp(color, alpha);
        // Opaque over anything stays a valid premultiplied colour: alpha only grows.
        if let Some(p) = PremultipliedColorU8::from_rgba(
            (u16::from(new.r) * u16::from(new.a) / 255) as u8,
            (u16::from(new.g) * u16::from(new.a) / 255) as u8,
            (u16::from(new.b) * u16::from(new.a) / 255) as u8,
            new.a,
        ) {
            self.pixmap.pixels_mut()[i] = p;
        }
    }

    /// A filled rectangle with its top left corner at `(x, y)`: legend swatches, bands.
    ///
    /// ```
    /// use cellar_demos::{canvas::Canvas, color::Rgba};
    /// let mut c = Canvas::new(4, 4, Rgba::BLACK);
    /// c.rect(1.0, 1.0, 2.0, 2.0, Rgba::WHITE);
    /// assert_eq!(c.pixel(1, 1), Some(Rgba::WHITE));
    /// assert_eq!(c.pixel(3, 3), Some(Rgba::BLACK));
    /// ```
    pub fn rect(&mut self, x: f32, y: f32, width: f32, height: f32, color: Rgba) {
        if let Some(rect) = Rect::from_xywh(x, y, width, height) {
            self.pixmap.fill_rect(rect, &paint(color), Transform::identity(), None);
        }
    }

    /// A filled disc centred at `c` with radius `r`, edges anti-aliased.
    ///
    /// ```
    /// use cellar_demos::{canvas::Canvas, color::Rgba};
    /// let mut c = Canvas::new(9, 9, Rgba::BLACK);
    /// c.disc((4.5, 4.5), 3.0, Rgba::WHITE);
    /// assert_eq!(c.pixel(4, 4), Some(Rgba::WHITE));
    /// assert_eq!(c.pixel(0, 0), Some(Rgba::BLACK));
    /// ```
    pub fn disc(&mut self, c: Point, r: f32, color: Rgba) {
        if let Some(path) = PathBuilder::from_circle(c.0, c.1, r) {
            self.pixmap.fill_path(
                &path,
                &paint(color),
                FillRule::Winding,
                Transform::identity(),
                None,
            );
        }
    }

    /// A circle's outline, `width` pixels wide: the particles' gravity wells.
    ///
    /// ```
    /// use cellar_demos::{canvas::Canvas, color::Rgba};
    /// let mut c = Canvas::new(21, 21, Rgba::BLACK);
    /// c.ring((10.5, 10.5), 8.0, 2.0, Rgba::WHITE);
    /// assert_eq!(c.pixel(10, 2), Some(Rgba::WHITE));
    /// assert_eq!(c.pixel(10, 10), Some(Rgba::BLACK));
    /// ```
    pub fn ring(&mut self, c: Point, r: f32, width: f32, color: Rgba) {
        if let Some(path) = PathBuilder::from_circle(c.0, c.1, r) {
            let stroke = Stroke { width, ..Stroke::default() };
            self.pixmap.stroke_path(&path, &paint(color), &stroke, Transform::identity(), None);
        }
    }

    /// A filled polygon through `points` (closed automatically): the boids' arrows.
    ///
    /// ```
    /// use cellar_demos::{canvas::Canvas, color::Rgba};
    /// let mut c = Canvas::new(10, 10, Rgba::BLACK);
    /// c.polygon(&[(0.0, 0.0), (10.0, 0.0), (0.0, 10.0)], Rgba::WHITE);
    /// assert_eq!(c.pixel(1, 1), Some(Rgba::WHITE));
    /// assert_eq!(c.pixel(9, 9), Some(Rgba::BLACK));
    /// ```
    pub fn polygon(&mut self, points: &[Point], color: Rgba) {
        let mut path = PathBuilder::new();
        let mut points = points.iter();
        if let Some(&(x, y)) = points.next() {
            path.move_to(x, y);
        }
        for &(x, y) in points {
            path.line_to(x, y);
        }
        path.close();
        if let Some(path) = path.finish() {
            self.pixmap.fill_path(
                &path,
                &paint(color),
                FillRule::Winding,
                Transform::identity(),
                None,
            );
        }
    }

    /// Fills a tiny-skia `path` (many shapes at once draw fastest as one path) with `color`.
    ///
    /// ```
    /// use cellar_demos::{canvas::Canvas, color::Rgba};
    /// let mut c = Canvas::new(10, 10, Rgba::BLACK);
    /// let mut path = tiny_skia::PathBuilder::new();
    /// path.push_rect(tiny_skia::Rect::from_xywh(1.0, 1.0, 3.0, 3.0).unwrap());
    /// path.push_rect(tiny_skia::Rect::from_xywh(6.0, 6.0, 3.0, 3.0).unwrap());
    /// c.fill_path(&path.finish().unwrap(), Rgba::WHITE);
    /// assert_eq!(c.pixel(2, 2), Some(Rgba::WHITE));
    /// assert_eq!(c.pixel(7, 7), Some(Rgba::WHITE));
    /// ```
    pub fn fill_path(&mut self, path: &tiny_skia::Path, color: Rgba) {
        self.pixmap.fill_path(path, &paint(color), FillRule::Winding, Transform::identity(), None);
    }

    /// An open line through `points`, `width` pixels wide, with round joins: a chart's series.
    ///
    /// ```
    /// use cellar_demos::{canvas::Canvas, color::Rgba};
    /// let mut c = Canvas::new(10, 10, Rgba::BLACK);
    /// c.polyline(&[(0.0, 5.0), (5.0, 5.0), (5.0, 0.0)], 2.0, Rgba::WHITE);
    /// assert_eq!(c.pixel(2, 5), Some(Rgba::WHITE));
    /// ```
    pub fn polyline(&mut self, points: &[Point], width: f32, color: Rgba) {
        let mut path = PathBuilder::new();
        for (i, &(x, y)) in points.iter().enumerate() {
            if i == 0 { path.move_to(x, y) } else { path.line_to(x, y) }
        }
        if let Some(path) = path.finish() {
            let stroke = Stroke {
                width,
                line_cap: LineCap::Round,
                line_join: LineJoin::Round,
                ..Stroke::default()
            };
            self.pixmap.stroke_path(&path, &paint(color), &stroke, Transform::identity(), None);
        }
    }

    /// A straight line from `a` to `b`, `width` pixels wide.
    ///
    /// ```
    /// use cellar_demos::{canvas::Canvas, color::Rgba};
    /// let mut c = Canvas::new(5, 5, Rgba::BLACK);
    /// c.line((0.0, 2.5), (5.0, 2.5), 1.0, Rgba::WHITE);
    /// assert!((0..5).all(|x| c.pixel(x, 2) == Some(Rgba::WHITE)));
    /// ```
    pub fn line(&mut self, a: Point, b: Point, width: f32, color: Rgba) {
        self.polyline(&[a, b], width, color);
    }

    /// Draws `text` in `style` with its `anchor` point at `at`; returns its width in pixels.
    /// See [`crate::text`].
    ///
    /// ```
    /// use cellar_demos::{canvas::Canvas, color::Rgba, text::{Anchor, TextStyle}};
    /// let mut c = Canvas::new(100, 30, Rgba::WHITE);
    /// let w = c.text("Foxes", (4.0, 4.0), Anchor::TopLeft, TextStyle::new(16.0, Rgba::BLACK));
    /// assert!(w > 20.0);
    /// assert!(c.to_rgba8().chunks(4).any(|p| p[0] < 100), "dark pixels where the text is");
    /// ```
    pub fn text(&mut self, text: &str, at: Point, anchor: Anchor, style: TextStyle) -> f32 {
        crate::text::draw(self, text, at, anchor, style)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(c: &Canvas, color: Rgba) -> usize {
        c.to_rgba8().chunks(4).filter(|p| *p == [color.r, color.g, color.b, color.a]).count()
    }

    #[test]
    fn shapes_are_clipped_at_every_edge() {
        let mut c = Canvas::new(10, 10, Rgba::BLACK);
        c.disc((-2.0, -2.0), 4.0, Rgba::WHITE);
        c.rect(8.0, 8.0, 100.0, 100.0, Rgba::WHITE);
        c.rect(-5.0, -5.0, 3.0, 3.0, Rgba::WHITE);
        c.polygon(&[(-20.0, -20.0), (30.0, 9.0), (9.0, 30.0)], Rgba::WHITE);
        c.line((-100.0, 5.5), (100.0, 5.5), 1.0, Rgba::RED);
        c.plot(-1, 3, Rgba::RED);
        assert_eq!(count(&c, Rgba::RED), 10, "the line crosses the canvas once");
    }

    #[test]
    fn disc_area_is_close_to_pi_r_squared_counting_partial_pixels() {
        let mut c = Canvas::new(100, 100, Rgba::BLACK);
        c.disc((50.0, 50.0), 20.0, Rgba::WHITE);
        let area: f32 = c.to_rgba8().chunks(4).map(|p| f32::from(p[0]) / 255.0).sum();
        let expected = std::f32::consts::PI * 400.0;
        assert!((area - expected).abs() / expected < 0.01, "{area} vs {expected}");
    }

    #[test]
    fn edges_are_anti_aliased() {
        let mut c = Canvas::new(40, 40, Rgba::BLACK);
        c.polygon(&[(2.0, 2.0), (38.0, 10.0), (10.0, 38.0)], Rgba::WHITE);
        let partial = c.to_rgba8().chunks(4).filter(|p| p[0] > 0 && p[0] < 255).count();
        assert!(partial > 40, "a slanted edge has pixels partly covered: {partial}");
    }

    #[test]
    fn blend_mixes_and_clips() {
        let mut c = Canvas::new(2, 1, Rgba::WHITE);
        c.blend(0, 0, Rgba::BLACK, 0.25);
        c.blend(7, 0, Rgba::BLACK, 1.0);
        assert_eq!(c.pixel(0, 0), Some(Rgba::rgb(191, 191, 191)));
        assert_eq!(c.pixel(1, 0), Some(Rgba::WHITE));
        assert_eq!(c.pixel(2, 0), None, "past the right edge is not the next row");
    }
}
