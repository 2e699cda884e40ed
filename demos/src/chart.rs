//! `LineChart`: time series drawn as lines, one panel per series, without text.
//!
//! The ecosystem's three populations differ by orders of magnitude (grass in thousands,
//! predators in tens), so one shared axis would flatten the small ones. The chart stacks one
//! panel per series instead, each scaled from zero to its own maximum, with a shared time
//! axis: the timing of the peaks, which is what a predator-prey cycle is about, lines up
//! across the panels. Each panel carries a block of its series' colour at its top left, in
//! place of a text legend, and faint horizontal lines at quarters of its maximum.

use crate::canvas::Canvas;
use crate::color::Rgba;

/// One named series of values.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    /// What it measures (not drawn; for callers and reports).
    pub name: String,
    /// The colour of its line and legend block.
    pub color: Rgba,
    /// The values, one per step of the shared time axis.
    pub values: Vec<f32>,
}

/// A chart of several series over a shared time axis.
///
/// # Examples
///
/// ```
/// use cellar_demos::chart::LineChart;
/// use cellar_demos::color::Rgba;
///
/// let mut chart = LineChart::new();
/// chart.add_series("sine", Rgba::rgb(0, 160, 0), (0..100).map(|i| (i as f32 / 10.0).sin() + 1.0));
/// let canvas = chart.render(300, 120);
/// assert_eq!((canvas.width(), canvas.height()), (300, 120));
/// assert!(canvas.pixels().contains(&Rgba::rgb(0, 160, 0)));
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LineChart {
    series: Vec<Series>,
}

/// The chart's background.
pub const BACKGROUND: Rgba = Rgba::rgb(250, 250, 246);
/// The panels' frames.
pub const FRAME: Rgba = Rgba::rgb(120, 120, 120);
/// The panels' quarter lines.
pub const GRID: Rgba = Rgba::rgb(225, 225, 220);

impl LineChart {
    /// An empty chart.
    ///
    /// ```
    /// assert!(cellar_demos::chart::LineChart::new().series().is_empty());
    /// ```
    pub fn new() -> Self {
        LineChart::default()
    }

    /// Adds a series, drawn in its own panel below the earlier ones.
    ///
    /// ```
    /// use cellar_demos::{chart::LineChart, color::Rgba};
    /// let mut chart = LineChart::new();
    /// chart.add_series("n", Rgba::RED, [1.0, 2.0, 3.0]);
    /// assert_eq!(chart.series()[0].values, [1.0, 2.0, 3.0]);
    /// ```
    pub fn add_series(
        &mut self,
        name: impl Into<String>,
        color: Rgba,
        values: impl IntoIterator<Item = f32>,
    ) {
        self.series.push(Series { name: name.into(), color, values: values.into_iter().collect() });
    }

    /// The series, in the order they were added.
    ///
    /// ```
    /// assert_eq!(cellar_demos::chart::LineChart::new().series().len(), 0);
    /// ```
    pub fn series(&self) -> &[Series] {
        &self.series
    }

    /// Draws the chart on a new `width` × `height` canvas.
    ///
    /// ```
    /// let canvas = cellar_demos::chart::LineChart::new().render(50, 40);
    /// assert_eq!(canvas.pixel(0, 0), Some(cellar_demos::chart::BACKGROUND));
    /// ```
    pub fn render(&self, width: u32, height: u32) -> Canvas {
        let mut canvas = Canvas::new(width, height, BACKGROUND);
        let n = self.series.len() as u32;
        if n == 0 {
            return canvas;
        }
        let margin = 8u32;
        let gap = 6u32;
        let panel_h = height.saturating_sub(2 * margin + gap * (n - 1)) / n;
        let panel_w = width.saturating_sub(2 * margin);
        if panel_h < 4 || panel_w < 4 {
            return canvas;
        }
        let steps = self.series.iter().map(|s| s.values.len()).max().unwrap_or(0);
        for (k, series) in self.series.iter().enumerate() {
            let top = (margin + k as u32 * (panel_h + gap)) as i32;
            let left = margin as i32;
            let (w, h) = (panel_w as f32 - 1.0, panel_h as f32 - 1.0);
            for q in 1..4 {
                let y = top as f32 + h - h * q as f32 / 4.0;
                canvas.line(left as f32, y, left as f32 + w, y, GRID);
            }
            draw_frame(&mut canvas, left, top, panel_w, panel_h);
            let max = series.values.iter().copied().fold(0.0f32, f32::max);
            let scale = if max > 0.0 { h / max } else { 0.0 };
            let x_of = |i: usize| left as f32 + w * i as f32 / (steps.max(2) - 1) as f32;
            let y_of = |v: f32| top as f32 + h - v.max(0.0) * scale;
            let points: Vec<(f32, f32)> =
                series.values.iter().enumerate().map(|(i, &v)| (x_of(i), y_of(v))).collect();
            for pair in points.windows(2) {
                let ((x0, y0), (x1, y1)) = (pair[0], pair[1]);
                canvas.line(x0, y0, x1, y1, series.color);
                canvas.line(x0, y0 - 1.0, x1, y1 - 1.0, series.color);
            }
            if let [(x, y)] = points[..] {
                canvas.disc(x, y, 2.0, series.color);
            }
            canvas.rect(left + 4, top + 4, 14, 8, series.color);
        }
        canvas
    }
}

fn draw_frame(canvas: &mut Canvas, left: i32, top: i32, w: u32, h: u32) {
    canvas.rect(left, top, w, 1, FRAME);
    canvas.rect(left, top + h as i32 - 1, w, 1, FRAME);
    canvas.rect(left, top, 1, h, FRAME);
    canvas.rect(left + w as i32 - 1, top, 1, h, FRAME);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The columns of `canvas` between rows `y0..y1` where `color` appears, and the topmost
    /// row it appears at in each.
    fn tops(canvas: &Canvas, color: Rgba, y0: i32, y1: i32) -> Vec<(i32, i32)> {
        (0..canvas.width() as i32)
            .filter_map(|x| (y0..y1).find(|&y| canvas.pixel(x, y) == Some(color)).map(|y| (x, y)))
            .collect()
    }

    #[test]
    fn each_series_is_drawn_in_its_own_panel_following_its_values() {
        let up = Rgba::rgb(200, 0, 0);
        let down = Rgba::rgb(0, 0, 200);
        let mut chart = LineChart::new();
        chart.add_series("up", up, (0..50).map(|i| i as f32));
        chart.add_series("down", down, (0..50).map(|i| 1000.0 - i as f32 * 20.0));
        let canvas = chart.render(200, 200);
        let mid = 100;
        let up_tops = tops(&canvas, up, 0, mid);
        let down_tops = tops(&canvas, down, mid, 200);
        assert!(tops(&canvas, up, mid, 200).is_empty(), "the first series stays in panel one");
        assert!(tops(&canvas, down, 0, mid).is_empty(), "the second series stays in panel two");
        // Skip the legend block at the top left, then compare the line's ends.
        let line = |t: &[(i32, i32)]| (t[t.len() / 4].1, t[t.len() - 2].1);
        let (early, late) = line(&up_tops);
        assert!(late < early - 40, "a rising series goes up the picture: {early} -> {late}");
        let (early, late) = line(&down_tops);
        assert!(late > early + 40, "a falling series goes down: {early} -> {late}");
    }

    #[test]
    fn empty_and_tiny_charts_do_not_panic() {
        let mut chart = LineChart::new();
        chart.render(10, 10);
        chart.add_series("one point", Rgba::RED, [5.0]);
        chart.add_series("none", Rgba::RED, []);
        chart.render(1, 1);
        let c = chart.render(100, 100);
        assert!(c.pixels().contains(&Rgba::RED));
    }
}
