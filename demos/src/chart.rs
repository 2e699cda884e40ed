//! `LineChart`: time series as lines, with a title, labelled axes and a legend.
//!
//! The ecosystem's three populations differ by orders of magnitude (grass in thousands,
//! foxes in tens), so one shared axis would flatten the small ones. The chart stacks one
//! panel per series instead, each with its own y axis from zero, labelled with the series'
//! name in its colour, over a shared time axis with vertical grid lines through every panel:
//! the timing of the peaks, which is what a predator-prey cycle is about, lines up across
//! the panels. The title says what the chart shows; the legend under it names each colour.

use crate::canvas::Canvas;
use crate::cli::group;
use crate::color::Rgba;
use crate::text::{Anchor, TextStyle, measure};

/// One named series of values.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    /// What it measures: the legend's entry and its panel's y-axis label.
    pub name: String,
    /// The colour of its line, legend swatch and axis label.
    pub color: Rgba,
    /// The values, one per step of the shared time axis (step 0 first).
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
/// let mut chart = LineChart::new("A sine", "step");
/// chart.add_series("height", Rgba::rgb(0, 160, 0), (0..100).map(|i| (i as f32 / 10.0).sin() + 1.0));
/// let canvas = chart.render(400, 240);
/// assert_eq!((canvas.width(), canvas.height()), (400, 240));
/// assert!(canvas.to_rgba8().chunks(4).any(|p| p == [0, 160, 0, 255]));
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LineChart {
    title: String,
    x_label: String,
    series: Vec<Series>,
}

/// The chart's background.
pub const BACKGROUND: Rgba = Rgba::rgb(252, 252, 248);
/// Text and axes.
pub const INK: Rgba = Rgba::rgb(40, 40, 40);
/// The panels' frames.
pub const FRAME: Rgba = Rgba::rgb(150, 150, 150);
/// Grid lines.
pub const GRID: Rgba = Rgba::rgb(226, 226, 220);

const TITLE_SIZE: f32 = 20.0;
const LABEL_SIZE: f32 = 15.0;
const TICK_SIZE: f32 = 13.0;

/// A "nice" step for about `target` ticks over `0..=max`: 1, 2 or 5 times a power of ten.
///
/// ```
/// assert_eq!(cellar_demos::chart::nice_step(1_000.0, 5), 200.0);
/// assert_eq!(cellar_demos::chart::nice_step(7.0, 4), 2.0);
/// assert_eq!(cellar_demos::chart::nice_step(0.0, 4), 1.0);
/// ```
pub fn nice_step(max: f32, target: usize) -> f32 {
    if max <= 0.0 || !max.is_finite() {
        return 1.0;
    }
    let raw = max / target.max(1) as f32;
    let magnitude = 10f32.powf(raw.log10().floor());
    let r = raw / magnitude;
    let nice = if r <= 1.0 {
        1.0
    } else if r <= 2.0 {
        2.0
    } else if r <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * magnitude
}

fn tick_label(v: f32, step: f32) -> String {
    if step >= 1.0 { group(v.round() as usize) } else { format!("{v:.1}") }
}

impl LineChart {
    /// An empty chart with a `title` and a label for the time axis.
    ///
    /// ```
    /// assert!(cellar_demos::chart::LineChart::new("t", "frame").series().is_empty());
    /// ```
    pub fn new(title: impl Into<String>, x_label: impl Into<String>) -> Self {
        LineChart { title: title.into(), x_label: x_label.into(), series: Vec::new() }
    }

    /// Adds a series, drawn in its own panel below the earlier ones.
    ///
    /// ```
    /// use cellar_demos::{chart::LineChart, color::Rgba};
    /// let mut chart = LineChart::new("t", "x");
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

    /// The series added so far.
    ///
    /// ```
    /// assert_eq!(cellar_demos::chart::LineChart::new("t", "x").series().len(), 0);
    /// ```
    pub fn series(&self) -> &[Series] {
        &self.series
    }

    /// Draws the chart on a new `width` × `height` canvas.
    ///
    /// ```
    /// let canvas = cellar_demos::chart::LineChart::new("t", "x").render(50, 40);
    /// assert_eq!(canvas.pixel(0, 0), Some(cellar_demos::chart::BACKGROUND));
    /// ```
    pub fn render(&self, width: u32, height: u32) -> Canvas {
        let mut canvas = Canvas::new(width, height, BACKGROUND);
        let (w, h) = (width as f32, height as f32);
        canvas.text(
            &self.title,
            (w / 2.0, 10.0),
            Anchor::TopCenter,
            TextStyle::new(TITLE_SIZE, INK),
        );
        self.legend(&mut canvas, 42.0);

        let n = self.series.len();
        let (left, right, top, bottom) = (84.0, w - 24.0, 72.0, h - 52.0);
        let gap = 14.0;
        let panel_h = (bottom - top - gap * n.saturating_sub(1) as f32) / n.max(1) as f32;
        if n == 0 || panel_h < 20.0 || right - left < 40.0 {
            return canvas;
        }
        let steps = self.series.iter().map(|s| s.values.len()).max().unwrap_or(0);
        let last = steps.saturating_sub(1).max(1) as f32;
        let x_of = |i: f32| left + (right - left) * i / last;

        // The shared time axis: grid lines through every panel, labels under the last.
        let x_step = nice_step(last, 8);
        let x_ticks: Vec<f32> =
            (0..).map(|k| k as f32 * x_step).take_while(|&t| t <= last + 1e-3).collect();
        for (k, series) in self.series.iter().enumerate() {
            let y0 = top + k as f32 * (panel_h + gap);
            self.panel(&mut canvas, series, (left, right, y0, y0 + panel_h), &x_ticks, x_of);
        }
        let tick = TextStyle::new(TICK_SIZE, INK);
        for &t in &x_ticks {
            canvas.line((x_of(t), bottom), (x_of(t), bottom + 4.0), 1.0, INK);
            canvas.text(&tick_label(t, x_step), (x_of(t), bottom + 6.0), Anchor::TopCenter, tick);
        }
        let label = TextStyle::new(LABEL_SIZE, INK);
        canvas.text(&self.x_label, ((left + right) / 2.0, h - 6.0), Anchor::BottomCenter, label);
        canvas
    }

    /// The legend: a swatch of line and the name of each series, centred in one row at `y`.
    fn legend(&self, canvas: &mut Canvas, y: f32) {
        let (swatch, pad, space) = (22.0, 6.0, 26.0);
        let widths: Vec<f32> = self.series.iter().map(|s| measure(&s.name, LABEL_SIZE).0).collect();
        let total: f32 = widths.iter().map(|w| swatch + pad + w).sum::<f32>()
            + space * self.series.len().saturating_sub(1) as f32;
        let mut x = (canvas.width() as f32 - total) / 2.0;
        for (series, width) in self.series.iter().zip(widths) {
            canvas.line((x, y), (x + swatch, y), 3.0, series.color);
            let style = TextStyle::new(LABEL_SIZE, INK);
            canvas.text(&series.name, (x + swatch + pad, y), Anchor::MiddleLeft, style);
            x += swatch + pad + width + space;
        }
    }

    /// One panel: frame, grid, y ticks and label, and the series' line.
    fn panel(
        &self,
        canvas: &mut Canvas,
        series: &Series,
        (left, right, top, bottom): (f32, f32, f32, f32),
        x_ticks: &[f32],
        x_of: impl Fn(f32) -> f32,
    ) {
        let max = series.values.iter().copied().fold(0.0f32, f32::max);
        let step = nice_step(max, 4);
        let y_max = (max / step).ceil().max(1.0) * step;
        let y_of = |v: f32| bottom - (bottom - top) * v.max(0.0) / y_max;
        for &t in x_ticks {
            canvas.line((x_of(t), top), (x_of(t), bottom), 1.0, GRID);
        }
        let tick = TextStyle::new(TICK_SIZE, INK);
        let mut v = 0.0;
        while v <= y_max + step * 1e-3 {
            let y = y_of(v);
            canvas.line((left, y), (right, y), 1.0, GRID);
            canvas.line((left - 4.0, y), (left, y), 1.0, INK);
            canvas.text(&tick_label(v, step), (left - 7.0, y), Anchor::MiddleRight, tick);
            v += step;
        }
        let frame = [(left, top), (right, top), (right, bottom), (left, bottom), (left, top)];
        canvas.polyline(&frame, 1.0, FRAME);
        let label = TextStyle::new(LABEL_SIZE, series.color.lerp(INK, 0.25)).upright();
        canvas.text(&series.name, (left - 66.0, (top + bottom) / 2.0), Anchor::MiddleLeft, label);
        let points: Vec<(f32, f32)> =
            series.values.iter().enumerate().map(|(i, &v)| (x_of(i as f32), y_of(v))).collect();
        if let [point] = points[..] {
            canvas.disc(point, 2.5, series.color);
        } else {
            canvas.polyline(&points, 2.0, series.color);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn near(p: &[u8], c: Rgba) -> bool {
        p.iter().zip([c.r, c.g, c.b]).all(|(&a, b)| a.abs_diff(b) < 12)
    }

    /// The rows of `canvas` in `y0..y1` where `color` appears in column `x`, topmost first.
    fn rows(canvas: &Canvas, color: Rgba, x: i32, y0: i32, y1: i32) -> Vec<i32> {
        let rgba = canvas.to_rgba8();
        let w = canvas.width() as i32;
        (y0..y1).filter(|&y| near(&rgba[((y * w + x) * 4) as usize..][..3], color)).collect()
    }

    #[test]
    fn each_series_is_drawn_in_its_own_panel_following_its_values() {
        let up = Rgba::rgb(200, 0, 0);
        let down = Rgba::rgb(0, 0, 200);
        let mut chart = LineChart::new("Up and down", "step");
        chart.add_series("up", up, (0..50).map(|i| i as f32));
        chart.add_series("down", down, (0..50).map(|i| 1000.0 - i as f32 * 20.0));
        let canvas = chart.render(400, 400);
        // Panels: top 72 to bottom 348, gap 14: the first ends near y = 203.
        let (early, late) = (100, 370);
        let up_early = rows(&canvas, up, early, 72, 204);
        let up_late = rows(&canvas, up, late, 72, 204);
        assert!(!up_early.is_empty() && !up_late.is_empty(), "the rising line crosses panel one");
        assert!(up_late[0] < up_early[0] - 40, "it goes up the picture");
        assert!(rows(&canvas, up, late, 218, 348).is_empty(), "and stays in its panel");
        let down_early = rows(&canvas, down, early, 218, 348);
        let down_late = rows(&canvas, down, late, 218, 348);
        assert!(down_late[0] > down_early[0] + 40, "a falling series goes down");
    }

    #[test]
    fn title_legend_and_axis_labels_are_drawn() {
        let color = Rgba::rgb(0, 150, 0);
        let mut with = LineChart::new("Grass over time", "frame");
        with.add_series("grass", color, (0..10).map(|i| i as f32));
        let mut without = LineChart::new("", "");
        without.add_series("", color, (0..10).map(|i| i as f32));
        let (a, b) = (with.render(400, 300), without.render(400, 300));
        let differs = |y0: u32, y1: u32, x0: u32, x1: u32| {
            (y0..y1).any(|y| {
                (x0..x1).any(|x| a.pixel(x as i32, y as i32) != b.pixel(x as i32, y as i32))
            })
        };
        assert!(differs(8, 32, 100, 300), "a title at the top");
        assert!(differs(34, 52, 150, 260), "the legend's name under it");
        assert!(differs(250, 300, 150, 260), "the x-axis label at the bottom");
        assert!(differs(72, 248, 10, 40), "the y-axis label on the left");
        let legend_swatch = (150..250).any(|x| a.pixel(x, 42) == Some(color));
        assert!(legend_swatch, "a swatch of the series' colour in the legend");
    }

    #[test]
    fn empty_and_tiny_charts_do_not_panic() {
        let mut chart = LineChart::new("tiny", "x");
        chart.render(10, 10);
        chart.add_series("one point", Rgba::RED, [5.0]);
        chart.add_series("none", Rgba::RED, []);
        chart.render(1, 1);
        let c = chart.render(300, 300);
        assert!(c.to_rgba8().chunks(4).any(|p| p == [255, 0, 0, 255]));
    }

    #[test]
    fn nice_steps_are_one_two_five() {
        for (max, target, step) in
            [(100.0, 5, 20.0), (3_000.0, 8, 500.0), (0.9, 4, 0.5), (45.0, 4, 20.0)]
        {
            assert!((nice_step(max, target) - step).abs() < 1e-4, "{max} {target}");
        }
    }
}
