//! Text on a [`Canvas`]: titles, axis labels and legends, anti-aliased.
//!
//! Glyphs are outlined and rasterised by [ab_glyph] from the Ubuntu Light typeface that
//! [epaint_default_fonts] (egui's fonts) ships inside the crate: nothing is looked up on
//! the system or downloaded, so every machine draws the same pixels.
//!
//! [ab_glyph]: https://docs.rs/ab_glyph
//! [epaint_default_fonts]: https://docs.rs/epaint_default_fonts

use std::sync::OnceLock;

use ab_glyph::{Font, FontRef, PxScale, ScaleFont, point};

use crate::canvas::{Canvas, Point};
use crate::color::Rgba;

/// The demos' typeface, parsed once.
fn font() -> &'static FontRef<'static> {
    static FONT: OnceLock<FontRef<'static>> = OnceLock::new();
    FONT.get_or_init(|| {
        FontRef::try_from_slice(epaint_default_fonts::UBUNTU_LIGHT)
            .expect("the font shipped in epaint_default_fonts parses")
    })
}

/// Which point of the text's box the position given to [`Canvas::text`] is.
///
/// `Top*` anchors put the top of the tallest letters there, `Middle*` the middle of a line,
/// `Bottom*` the baseline's descent (the lowest a `g` goes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Anchor {
    /// Top left corner.
    TopLeft,
    /// Middle of the top edge.
    TopCenter,
    /// Top right corner.
    TopRight,
    /// Middle of the left edge.
    MiddleLeft,
    /// The centre.
    Center,
    /// Middle of the right edge.
    MiddleRight,
    /// Bottom left corner.
    BottomLeft,
    /// Middle of the bottom edge.
    BottomCenter,
}

impl Anchor {
    /// Where the anchor sits in a box `w` × `h`, as fractions `(0..=1, 0..=1)`.
    fn fractions(self) -> (f32, f32) {
        match self {
            Anchor::TopLeft => (0.0, 0.0),
            Anchor::TopCenter => (0.5, 0.0),
            Anchor::TopRight => (1.0, 0.0),
            Anchor::MiddleLeft => (0.0, 0.5),
            Anchor::Center => (0.5, 0.5),
            Anchor::MiddleRight => (1.0, 0.5),
            Anchor::BottomLeft => (0.0, 1.0),
            Anchor::BottomCenter => (0.5, 1.0),
        }
    }
}

/// How text looks: its size in pixels, its colour, and whether it reads upwards (a y-axis
/// label, turned a quarter anticlockwise).
///
/// # Examples
///
/// ```
/// use cellar_demos::{color::Rgba, text::TextStyle};
/// let label = TextStyle::new(14.0, Rgba::BLACK).upright();
/// assert!(label.upwards);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TextStyle {
    /// The height of a line, in pixels.
    pub size: f32,
    /// The colour of the letters.
    pub color: Rgba,
    /// Turned a quarter anticlockwise, to read from bottom to top.
    pub upwards: bool,
}

impl TextStyle {
    /// Horizontal text of `size` pixels in `color`.
    ///
    /// ```
    /// let style = cellar_demos::text::TextStyle::new(12.0, cellar_demos::color::Rgba::WHITE);
    /// assert!(!style.upwards);
    /// ```
    pub fn new(size: f32, color: Rgba) -> Self {
        TextStyle { size, color, upwards: false }
    }

    /// The same, reading upwards.
    ///
    /// ```
    /// let style = cellar_demos::text::TextStyle::new(12.0, Default::default()).upright();
    /// assert!(style.upwards);
    /// ```
    pub fn upright(self) -> Self {
        TextStyle { upwards: true, ..self }
    }
}

/// The width and height of `text` at `size` pixels, as drawn horizontally.
///
/// ```
/// let (w, h) = cellar_demos::text::measure("rabbits", 16.0);
/// assert!(w > 30.0 && h >= 16.0);
/// assert!(cellar_demos::text::measure("rabbits and foxes", 16.0).0 > w);
/// ```
pub fn measure(text: &str, size: f32) -> (f32, f32) {
    let font = font().as_scaled(PxScale::from(size));
    let mut width = 0.0;
    let mut previous = None;
    for c in text.chars() {
        let id = font.glyph_id(c);
        if let Some(p) = previous {
            width += font.kern(p, id);
        }
        width += font.h_advance(id);
        previous = Some(id);
    }
    (width, font.ascent() - font.descent())
}

/// A coverage mask (0..=1 per pixel) of `text` laid out on one line.
struct Mask {
    width: usize,
    height: usize,
    coverage: Vec<f32>,
}

fn rasterize(text: &str, size: f32) -> Mask {
    let (w, h) = measure(text, size);
    let (width, height) = (w.ceil() as usize + 2, h.ceil() as usize + 2);
    let mut coverage = vec![0.0f32; width * height];
    let scaled = font().as_scaled(PxScale::from(size));
    let mut caret = 1.0;
    let mut previous = None;
    for c in text.chars() {
        let id = scaled.glyph_id(c);
        if let Some(p) = previous {
            caret += scaled.kern(p, id);
        }
        let glyph = id.with_scale_and_position(size, point(caret, 1.0 + scaled.ascent()));
        caret += scaled.h_advance(id);
        previous = Some(id);
        let Some(outline) = font().outline_glyph(glyph) else { continue };
        let bounds = outline.px_bounds();
        outline.draw(|gx, gy, c| {
            let x = bounds.min.x as i64 + i64::from(gx);
            let y = bounds.min.y as i64 + i64::from(gy);
            if (0..width as i64).contains(&x) && (0..height as i64).contains(&y) {
                let cell = &mut coverage[y as usize * width + x as usize];
                *cell = (*cell + c).min(1.0);
            }
        });
    }
    Mask { width, height, coverage }
}

/// Draws `text` on `canvas` (see [`Canvas::text`]); returns its width along its line.
pub(crate) fn draw(
    canvas: &mut Canvas,
    text: &str,
    at: Point,
    anchor: Anchor,
    style: TextStyle,
) -> f32 {
    let mask = rasterize(text, style.size);
    let (fx, fy) = anchor.fractions();
    // The box on the canvas: turned upwards, the mask's width runs up the picture.
    let (bw, bh) = if style.upwards {
        (mask.height as f32, mask.width as f32)
    } else {
        (mask.width as f32, mask.height as f32)
    };
    let left = (at.0 - fx * bw).round() as i32;
    let top = (at.1 - fy * bh).round() as i32;
    for my in 0..mask.height {
        for mx in 0..mask.width {
            let c = mask.coverage[my * mask.width + mx];
            if c <= 0.0 {
                continue;
            }
            let (x, y) = if style.upwards {
                (left + my as i32, top + (mask.width - 1 - mx) as i32)
            } else {
                (left + mx as i32, top + my as i32)
            };
            canvas.blend(x, y, style.color, c);
        }
    }
    mask.width as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bounding box `(x0, y0, x1, y1)` of the pixels that differ from the background.
    fn ink(canvas: &Canvas, background: Rgba) -> Option<(i32, i32, i32, i32)> {
        let mut b: Option<(i32, i32, i32, i32)> = None;
        for y in 0..canvas.height() as i32 {
            for x in 0..canvas.width() as i32 {
                if canvas.pixel(x, y) != Some(background) {
                    b = Some(match b {
                        None => (x, y, x, y),
                        Some((x0, y0, x1, y1)) => (x0.min(x), y0.min(y), x1.max(x), y1.max(y)),
                    });
                }
            }
        }
        b
    }

    #[test]
    fn text_lands_where_its_anchor_says() {
        let style = TextStyle::new(20.0, Rgba::BLACK);
        let mut c = Canvas::new(200, 100, Rgba::WHITE);
        c.text("Title", (100.0, 10.0), Anchor::TopCenter, style);
        let (x0, y0, x1, y1) = ink(&c, Rgba::WHITE).unwrap();
        assert!((x0 + x1) / 2 - 100 <= 3 && 100 - (x0 + x1) / 2 <= 3, "centred: {x0}..{x1}");
        assert!((10..16).contains(&y0) && y1 < 40, "below the anchor: {y0}..{y1}");

        let mut c = Canvas::new(200, 100, Rgba::WHITE);
        c.text("right", (190.0, 50.0), Anchor::MiddleRight, style);
        let (_, y0, x1, y1) = ink(&c, Rgba::WHITE).unwrap();
        assert!((185..=191).contains(&x1), "ends at the anchor: {x1}");
        assert!(y0 < 50 && y1 > 45, "straddles the middle: {y0}..{y1}");
    }

    #[test]
    fn upward_text_is_taller_than_wide() {
        let mut c = Canvas::new(100, 200, Rgba::WHITE);
        c.text(
            "population",
            (50.0, 100.0),
            Anchor::Center,
            TextStyle::new(16.0, Rgba::BLACK).upright(),
        );
        let (x0, y0, x1, y1) = ink(&c, Rgba::WHITE).unwrap();
        assert!(y1 - y0 > 2 * (x1 - x0), "{x0},{y0} .. {x1},{y1}");
    }

    #[test]
    fn glyphs_are_anti_aliased_and_distinct() {
        let mut a = Canvas::new(60, 30, Rgba::WHITE);
        let mut b = Canvas::new(60, 30, Rgba::WHITE);
        a.text("fox", (2.0, 2.0), Anchor::TopLeft, TextStyle::new(18.0, Rgba::BLACK));
        b.text("hen", (2.0, 2.0), Anchor::TopLeft, TextStyle::new(18.0, Rgba::BLACK));
        assert_ne!(a, b);
        let grey = a.to_rgba8().chunks(4).filter(|p| p[0] > 20 && p[0] < 235).count();
        assert!(grey > 10, "edge pixels partly covered: {grey}");
    }
}
