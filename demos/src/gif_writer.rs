//! Writing an animation of [`Canvas`] frames as a GIF file (the `gif` crate).
//!
//! GIF frames are indexed: every pixel is an index into a palette of at most 256 colours.
//! The demos draw with a handful of colours they choose, so the writer takes that palette up
//! front and maps each pixel to its nearest palette entry (exact matches are the common case
//! and are cached), which is cheaper and steadier than quantizing every frame anew.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

use crate::canvas::Canvas;
use crate::color::Rgba;

/// An animated GIF being written, frame by frame.
///
/// # Examples
///
/// ```
/// use cellar_demos::{canvas::Canvas, color::Rgba, gif_writer::GifWriter};
///
/// let palette = [Rgba::BLACK, Rgba::WHITE];
/// let mut bytes = Vec::new();
/// let mut gif = GifWriter::new(&mut bytes, 16, 8, &palette, 4).unwrap();
/// let mut frame = Canvas::new(16, 8, Rgba::BLACK);
/// for x in 0..4 {
///     frame.plot(x, 2, Rgba::WHITE);
///     gif.add_frame(&frame).unwrap();
/// }
/// assert_eq!(gif.frames(), 4);
/// gif.finish().unwrap();
/// assert_eq!(&bytes[..6], b"GIF89a");
/// ```
pub struct GifWriter<W: Write> {
    encoder: gif::Encoder<W>,
    width: u16,
    height: u16,
    palette: Vec<Rgba>,
    nearest: HashMap<Rgba, u8>,
    delay_cs: u16,
    frames: usize,
}

impl<W: Write> std::fmt::Debug for GifWriter<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GifWriter")
            .field("width", &self.width)
            .field("height", &self.height)
            .field("colors", &self.palette.len())
            .field("frames", &self.frames)
            .finish_non_exhaustive()
    }
}

impl GifWriter<BufWriter<File>> {
    /// Creates the GIF file `path` (see [`new`](GifWriter::new) for the other arguments).
    ///
    /// # Errors
    ///
    /// Where the file cannot be created or the header written.
    ///
    /// ```
    /// use cellar_demos::{color::Rgba, gif_writer::GifWriter};
    /// let path = std::env::temp_dir().join("cellar-demos-doc-example.gif");
    /// let gif = GifWriter::create(&path, 4, 4, &[Rgba::BLACK], 10).unwrap();
    /// gif.finish().unwrap();
    /// # std::fs::remove_file(&path).ok();
    /// ```
    pub fn create(
        path: &Path,
        width: u32,
        height: u32,
        palette: &[Rgba],
        delay_cs: u16,
    ) -> io::Result<Self> {
        GifWriter::new(BufWriter::new(File::create(path)?), width, height, palette, delay_cs)
    }
}

impl<W: Write> GifWriter<W> {
    /// Starts a looping animation of `width` × `height` frames into `out`, with `palette` (1
    /// to 256 colours) and `delay_cs` hundredths of a second between frames.
    ///
    /// # Errors
    ///
    /// Where the sizes do not fit a GIF (`1..=65535`), the palette is empty or too big, or
    /// writing the header fails.
    ///
    /// ```
    /// use cellar_demos::{color::Rgba, gif_writer::GifWriter};
    /// assert!(GifWriter::new(Vec::new(), 4, 4, &[], 10).is_err());
    /// assert!(GifWriter::new(Vec::new(), 70_000, 4, &[Rgba::BLACK], 10).is_err());
    /// ```
    pub fn new(
        out: W,
        width: u32,
        height: u32,
        palette: &[Rgba],
        delay_cs: u16,
    ) -> io::Result<Self> {
        let invalid = |what: &str| io::Error::new(io::ErrorKind::InvalidInput, what.to_owned());
        let side = |v: u32| u16::try_from(v).ok().filter(|&v| v > 0);
        let (Some(w), Some(h)) = (side(width), side(height)) else {
            return Err(invalid("a GIF's sides must be between 1 and 65535 pixels"));
        };
        if palette.is_empty() || palette.len() > 256 {
            return Err(invalid("a GIF palette holds 1 to 256 colours"));
        }
        // The table in the file has a power-of-two length; pad with the first colour.
        let mut table: Vec<u8> = palette.iter().flat_map(|c| [c.r, c.g, c.b]).collect();
        while table.len() / 3 < palette.len().next_power_of_two().max(2) {
            table.extend([palette[0].r, palette[0].g, palette[0].b]);
        }
        let mut encoder = gif::Encoder::new(out, w, h, &table).map_err(io::Error::other)?;
        encoder.set_repeat(gif::Repeat::Infinite).map_err(io::Error::other)?;
        let nearest = palette.iter().enumerate().rev().map(|(i, &c)| (c, i as u8)).collect();
        Ok(GifWriter {
            encoder,
            width: w,
            height: h,
            palette: palette.to_vec(),
            nearest,
            delay_cs,
            frames: 0,
        })
    }

    /// The palette index nearest to `color`.
    fn index_of(&mut self, color: Rgba) -> u8 {
        let palette = &self.palette;
        *self.nearest.entry(color).or_insert_with(|| {
            (0..palette.len()).min_by_key(|&i| palette[i].distance_squared(color)).unwrap_or(0)
                as u8
        })
    }

    /// Appends `canvas` as the next frame.
    ///
    /// # Errors
    ///
    /// Where the canvas has the wrong size or writing fails.
    ///
    /// ```
    /// use cellar_demos::{canvas::Canvas, color::Rgba, gif_writer::GifWriter};
    /// let mut gif = GifWriter::new(Vec::new(), 4, 4, &[Rgba::BLACK], 10).unwrap();
    /// assert!(gif.add_frame(&Canvas::new(5, 4, Rgba::BLACK)).is_err());
    /// ```
    pub fn add_frame(&mut self, canvas: &Canvas) -> io::Result<()> {
        if (canvas.width(), canvas.height()) != (u32::from(self.width), u32::from(self.height)) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "frame is {}x{}, the animation {}x{}",
                    canvas.width(),
                    canvas.height(),
                    self.width,
                    self.height
                ),
            ));
        }
        let rgba = canvas.to_rgba8();
        // Most pixels repeat their left neighbour (the background): skip the map for those.
        let mut last = None;
        let indices: Vec<u8> = rgba
            .chunks_exact(4)
            .map(|p| {
                let color = Rgba { r: p[0], g: p[1], b: p[2], a: p[3] };
                match last {
                    Some((c, i)) if c == color => i,
                    _ => {
                        let i = self.index_of(color);
                        last = Some((color, i));
                        i
                    }
                }
            })
            .collect();
        let mut frame = gif::Frame::from_indexed_pixels(self.width, self.height, indices, None);
        frame.delay = self.delay_cs;
        self.encoder.write_frame(&frame).map_err(io::Error::other)?;
        self.frames += 1;
        Ok(())
    }

    /// How many frames were added.
    ///
    /// ```
    /// use cellar_demos::{color::Rgba, gif_writer::GifWriter};
    /// let gif = GifWriter::new(Vec::new(), 4, 4, &[Rgba::BLACK], 10).unwrap();
    /// assert_eq!(gif.frames(), 0);
    /// ```
    pub fn frames(&self) -> usize {
        self.frames
    }

    /// Writes the trailer and flushes the output.
    ///
    /// # Errors
    ///
    /// Where writing fails.
    ///
    /// ```
    /// use cellar_demos::{color::Rgba, gif_writer::GifWriter};
    /// let gif = GifWriter::new(Vec::new(), 4, 4, &[Rgba::BLACK], 10).unwrap();
    /// let bytes = gif.finish().unwrap();
    /// assert_eq!(bytes.last(), Some(&0x3B));
    /// ```
    pub fn finish(self) -> io::Result<W> {
        let mut out = self.encoder.into_inner().map_err(io::Error::other)?;
        out.flush()?;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_to_the_frames_written_with_nearest_colours() {
        let palette = [Rgba::BLACK, Rgba::WHITE, Rgba::rgb(0, 0, 255)];
        let mut gif = GifWriter::new(Vec::new(), 10, 6, &palette, 5).unwrap();
        let mut frame = Canvas::new(10, 6, Rgba::BLACK);
        frame.plot(3, 2, Rgba::WHITE);
        gif.add_frame(&frame).unwrap();
        frame.plot(4, 2, Rgba::rgb(10, 10, 240)); // not in the palette: nearest is blue
        gif.add_frame(&frame).unwrap();
        let bytes = gif.finish().unwrap();

        let mut options = gif::DecodeOptions::new();
        options.set_color_output(gif::ColorOutput::RGBA);
        let mut decoder = options.read_info(io::Cursor::new(bytes)).unwrap();
        assert_eq!((decoder.width(), decoder.height()), (10, 6));
        let mut frames = Vec::new();
        while let Some(f) = decoder.read_next_frame().unwrap() {
            assert_eq!(f.delay, 5);
            frames.push(f.buffer.to_vec());
        }
        assert_eq!(frames.len(), 2);
        let at = |f: &Vec<u8>, x: usize, y: usize| f[(y * 10 + x) * 4..][..3].to_vec();
        assert_eq!(at(&frames[0], 3, 2), [255, 255, 255]);
        assert_eq!(at(&frames[0], 4, 2), [0, 0, 0]);
        assert_eq!(at(&frames[1], 4, 2), [0, 0, 255]);
    }
}
