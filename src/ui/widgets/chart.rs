//! Line charts (loss curves and the like): axes fitted to the data, optional log-y, several
//! series with a legend. Built on ratatui's `Chart`.

use super::color::ColorMode;
use super::pen::Pen;
use crate::results::Series;
use crate::ui::theme::Theme;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::symbols::Marker;
use ratatui::text::Span;
use ratatui::widgets::{Axis, Chart, Dataset, GraphType, LegendPosition, Widget};

/// A compact tick label: 2 decimals at most, exponent form for very large or small numbers.
pub fn tick(v: f64) -> String {
    let a = v.abs();
    if v == 0.0 {
        "0".into()
    } else if !(0.01..10_000.0).contains(&a) {
        format!("{v:.1e}")
    } else {
        let s = format!("{v:.2}");
        let s = s.trim_end_matches('0').trim_end_matches('.');
        s.to_string()
    }
}

/// Finite (min, max) of an iterator, widened when flat so an axis always has length.
pub(crate) fn extent(vals: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in vals.filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if lo > hi {
        return None;
    }
    if hi - lo < 1e-12 {
        let pad = if lo.abs() > 1e-12 {
            lo.abs() * 0.1
        } else {
            1.0
        };
        return Some((lo - pad, hi + pad));
    }
    Some((lo, hi))
}

pub struct LineChart<'a> {
    series: &'a [Series],
    x_label: &'a str,
    y_label: &'a str,
    theme: &'a Theme,
    mode: ColorMode,
    log_y: bool,
}

impl<'a> LineChart<'a> {
    pub fn new(series: &'a [Series], theme: &'a Theme, mode: ColorMode) -> Self {
        LineChart {
            series,
            x_label: "",
            y_label: "",
            theme,
            mode,
            log_y: false,
        }
    }

    pub fn labels(mut self, x: &'a str, y: &'a str) -> Self {
        self.x_label = x;
        self.y_label = y;
        self
    }

    /// Plots log10(y); points with y ≤ 0 are left out.
    pub fn log_y(mut self, on: bool) -> Self {
        self.log_y = on;
        self
    }
}

impl Widget for LineChart<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let area = area.intersection(buf.area);
        if area.width == 0 || area.height == 0 {
            return;
        }
        let data: Vec<Vec<(f64, f64)>> = self
            .series
            .iter()
            .map(|s| {
                s.points
                    .iter()
                    .filter(|(x, y)| x.is_finite() && y.is_finite() && (!self.log_y || *y > 0.0))
                    .map(|&(x, y)| (x, if self.log_y { y.log10() } else { y }))
                    .collect()
            })
            .collect();
        let xs = extent(data.iter().flatten().map(|p| p.0));
        let ys = extent(data.iter().flatten().map(|p| p.1));
        let muted = Style::new().fg(self.mode.ink(self.theme.muted));
        let (Some((x0, x1)), Some((y0, y1))) = (xs, ys) else {
            Pen::new(buf, area).text(0, 0, "(no data)", area.width, muted);
            return;
        };
        let ylab = |v: f64| tick(if self.log_y { 10f64.powf(v) } else { v });
        // Without colour, series differ by marker instead.
        let markers = [Marker::Braille, Marker::Dot, Marker::Block, Marker::Bar];
        let datasets: Vec<Dataset> = self
            .series
            .iter()
            .zip(&data)
            .enumerate()
            .map(|(i, (s, pts))| {
                let marker = if self.mode == ColorMode::Shades {
                    markers[i % markers.len()]
                } else {
                    Marker::Braille
                };
                Dataset::default()
                    .name(s.name.clone())
                    .marker(marker)
                    .graph_type(GraphType::Line)
                    .style(
                        Style::new().fg(self
                            .mode
                            .ink(self.theme.series[i % self.theme.series.len()])),
                    )
                    .data(pts)
            })
            .collect();
        let y_title = if self.log_y {
            format!("{} (log)", self.y_label)
        } else {
            self.y_label.to_string()
        };
        let chart = Chart::new(datasets)
            .x_axis(
                Axis::default()
                    .title(Span::styled(self.x_label.to_string(), muted))
                    .style(muted)
                    .bounds([x0, x1])
                    .labels([tick(x0), tick((x0 + x1) / 2.0), tick(x1)]),
            )
            .y_axis(
                Axis::default()
                    .title(Span::styled(y_title, muted))
                    .style(muted)
                    .bounds([y0, y1])
                    .labels([ylab(y0), ylab((y0 + y1) / 2.0), ylab(y1)]),
            )
            // A lone series is named by the pane's title; a legend would only cover data.
            .legend_position((self.series.len() > 1).then_some(LegendPosition::TopRight))
            .hidden_legend_constraints((Constraint::Ratio(1, 2), Constraint::Ratio(1, 2)));
        chart.render(area, buf);
    }
}
