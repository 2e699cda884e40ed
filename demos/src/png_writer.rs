//! Writing a [`Canvas`] as a PNG file (the `png` crate, RGBA8).

use std::io::{self, Write};
use std::path::Path;

use crate::canvas::Canvas;
use crate::output::{FileError, write_file};

/// Encodes `canvas` as an RGBA8 PNG into `out`.
///
/// # Errors
///
/// Where writing to `out` fails.
///
/// # Examples
///
/// ```
/// use cellar_demos::{canvas::Canvas, color::Rgba, png_writer::encode_png};
///
/// let mut bytes = Vec::new();
/// encode_png(&Canvas::new(8, 4, Rgba::WHITE), &mut bytes).unwrap();
/// assert_eq!(&bytes[1..4], b"PNG");
/// ```
pub fn encode_png(canvas: &Canvas, out: impl Write) -> io::Result<()> {
    let mut encoder = png::Encoder::new(out, canvas.width(), canvas.height());
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    // Balanced: anti-aliased pictures compress a little worse than flat ones, and the
    // high setting costs about as much time as the whole default run of a demo.
    encoder.set_compression(png::Compression::Balanced);
    let mut writer = encoder.write_header().map_err(io::Error::other)?;
    writer.write_image_data(&canvas.to_rgba8()).map_err(io::Error::other)?;
    writer.finish().map_err(io::Error::other)
}

/// Writes `canvas` to the PNG file `path`, replacing it if it exists.
///
/// # Errors
///
/// Where the file cannot be created or written: the error names `path`.
///
/// # Examples
///
/// ```
/// use cellar_demos::{canvas::Canvas, color::Rgba, png_writer::write_png};
///
/// let path = std::env::temp_dir().join("cellar-demos-doc-example.png");
/// write_png(&path, &Canvas::new(8, 4, Rgba::WHITE)).unwrap();
/// assert!(std::fs::metadata(&path).unwrap().len() > 0);
/// # std::fs::remove_file(&path).ok();
/// ```
pub fn write_png(path: &Path, canvas: &Canvas) -> Result<(), FileError> {
    write_file(path, |file| encode_png(canvas, file))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::color::Rgba;

    #[test]
    fn decodes_to_the_same_pixels() {
        let mut canvas = Canvas::new(13, 7, Rgba::BLACK);
        canvas.disc((6.0, 3.0), 3.0, Rgba::rgb(10, 200, 30));
        canvas.plot(12, 6, Rgba::RED);
        let mut bytes = Vec::new();
        encode_png(&canvas, &mut bytes).unwrap();

        let mut reader = png::Decoder::new(io::Cursor::new(bytes)).read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buf).unwrap();
        assert_eq!((info.width, info.height), (13, 7));
        assert_eq!(info.color_type, png::ColorType::Rgba);
        assert_eq!(&buf[..info.buffer_size()], &canvas.to_rgba8()[..]);
    }
}
