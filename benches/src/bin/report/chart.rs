//! The ratio chart: one horizontal bar per benchmark row, cellar's time over the best peer's,
//! on a logarithmic axis, written as a self-contained SVG that the book shows.

use std::fmt::Write;

/// One bar: a label (`target: group/parameter`) and cellar's ratio to the best peer.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub label: String,
    pub ratio: f64,
}

const LABEL_WIDTH: f64 = 300.0;
const PLOT_WIDTH: f64 = 420.0;
const VALUE_WIDTH: f64 = 60.0;
const ROW_HEIGHT: f64 = 18.0;
const TOP: f64 = 40.0;
const BOTTOM: f64 = 30.0;
/// The axis spans 2^MIN_LOG2 ..= 2^MAX_LOG2 (1/8x to 32x); bars outside are clipped and
/// their value still printed.
const MIN_LOG2: f64 = -3.0;
const MAX_LOG2: f64 = 5.0;

/// The x coordinate of `ratio` on the logarithmic axis.
fn x_of(ratio: f64) -> f64 {
    let log = ratio.log2().clamp(MIN_LOG2, MAX_LOG2);
    LABEL_WIDTH + (log - MIN_LOG2) / (MAX_LOG2 - MIN_LOG2) * PLOT_WIDTH
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// An SVG chart of `bars`, titled `title`. Bars at or below 1.0 (cellar as fast as the best
/// peer or faster) are green, up to 1.5 amber, beyond that red.
pub fn svg(title: &str, bars: &[Bar]) -> String {
    let width = LABEL_WIDTH + PLOT_WIDTH + VALUE_WIDTH;
    let height = TOP + ROW_HEIGHT * bars.len() as f64 + BOTTOM;
    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11">"#
    );
    let _ = writeln!(out, r#"<rect width="{width}" height="{height}" fill="white"/>"#);
    let _ = writeln!(
        out,
        r#"<text x="{}" y="18" font-size="13" font-weight="bold">{}</text>"#,
        8,
        escape(title)
    );
    // Grid lines at powers of two, the 1.0 line darker.
    let plot_bottom = TOP + ROW_HEIGHT * bars.len() as f64;
    for log in (MIN_LOG2 as i32)..=(MAX_LOG2 as i32) {
        let ratio = 2f64.powi(log);
        let x = x_of(ratio);
        let (stroke, w) = if log == 0 { ("#333", 1.5) } else { ("#ddd", 1.0) };
        let _ = writeln!(
            out,
            r#"<line x1="{x:.1}" y1="{}" x2="{x:.1}" y2="{plot_bottom}" stroke="{stroke}" stroke-width="{w}"/>"#,
            TOP - 6.0
        );
        let label = if log < 0 { format!("1/{}", 1 << -log) } else { format!("{}", 1 << log) };
        let _ = writeln!(
            out,
            r##"<text x="{x:.1}" y="{}" text-anchor="middle" fill="#555">{label}x</text>"##,
            plot_bottom + 14.0
        );
    }
    for (i, bar) in bars.iter().enumerate() {
        let y = TOP + ROW_HEIGHT * i as f64;
        let (from, to) = (x_of(1.0).min(x_of(bar.ratio)), x_of(1.0).max(x_of(bar.ratio)));
        let colour = if bar.ratio <= 1.0 {
            "#3a9d5d"
        } else if bar.ratio <= 1.5 {
            "#e0a030"
        } else {
            "#d0493c"
        };
        let _ = writeln!(
            out,
            r#"<text x="{}" y="{:.1}" text-anchor="end">{}</text>"#,
            LABEL_WIDTH - 6.0,
            y + 12.5,
            escape(&bar.label)
        );
        let _ = writeln!(
            out,
            r#"<rect x="{from:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="{colour}"/>"#,
            y + 3.0,
            (to - from).max(1.0),
            ROW_HEIGHT - 6.0
        );
        let _ = writeln!(
            out,
            r#"<text x="{:.1}" y="{:.1}">{:.2}</text>"#,
            LABEL_WIDTH + PLOT_WIDTH + 6.0,
            y + 12.5,
            bar.ratio
        );
    }
    out += "</svg>\n";
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_bar_per_row_coloured_by_ratio() {
        let bars = [
            Bar { label: "ecs: simple_iter/10000".into(), ratio: 0.8 },
            Bar { label: "locks: mutex<uncontended>".into(), ratio: 1.2 },
            Bar { label: "ecs: add_remove".into(), ratio: 100.0 },
        ];
        let svg = svg("cellar / best peer", &bars);
        assert!(svg.starts_with("<svg"));
        assert!(svg.trim_end().ends_with("</svg>"));
        assert_eq!(svg.matches("<rect").count(), 1 + bars.len(), "background plus one bar each");
        assert!(svg.contains("#3a9d5d") && svg.contains("#e0a030") && svg.contains("#d0493c"));
        assert!(svg.contains("mutex&lt;uncontended&gt;"), "labels are escaped");
        assert!(svg.contains(">100.00<"), "a clipped bar still prints its value");
    }

    #[test]
    fn the_axis_is_logarithmic_around_one() {
        let one = x_of(1.0);
        assert!((x_of(2.0) - one - (one - x_of(0.5))).abs() < 1e-9);
        assert_eq!(x_of(1e9), x_of(32.0), "clipped at the right end");
    }
}
