//! A labelled scatter plot of (n, 2) points, e.g. token embeddings projected by PCA.

use super::chart::{extent, tick};
use super::color::ColorMode;
use super::pen::Pen;
use crate::results::Tensor;
use crate::ui::theme::Theme;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::widgets::Widget;

pub struct Scatter<'a> {
    points: &'a Tensor,
    theme: &'a Theme,
    mode: ColorMode,
    highlight: Option<usize>,
}

impl<'a> Scatter<'a> {
    /// Rows of a 2-D tensor are points (its first two columns are x and y; one column puts
    /// every point at y = 0); a 1-D tensor plots value against index. Labels from axis 0.
    pub fn new(points: &'a Tensor, theme: &'a Theme, mode: ColorMode) -> Self {
        Scatter {
            points,
            theme,
            mode,
            highlight: None,
        }
    }

    pub fn highlight(mut self, i: Option<usize>) -> Self {
        self.highlight = i;
        self
    }

    fn xy(&self) -> Vec<(f64, f64)> {
        let t = self.points;
        match t.shape.len() {
            0 => vec![(0.0, t.data.first().copied().unwrap_or(0.0) as f64)],
            1 => t
                .data
                .iter()
                .enumerate()
                .map(|(i, &v)| (i as f64, v as f64))
                .collect(),
            _ => {
                let cols = *t.shape.last().unwrap_or(&1);
                if cols == 0 {
                    return Vec::new();
                }
                t.data
                    .chunks(cols)
                    .map(|r| (r[0] as f64, r.get(1).copied().unwrap_or(0.0) as f64))
                    .collect()
            }
        }
    }

    fn label(&self, i: usize) -> Option<&str> {
        if self.points.shape.len() == 2 {
            self.points.labels[0].as_ref()?.get(i).map(String::as_str)
        } else {
            None
        }
    }
}

impl Widget for Scatter<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let Some(mut pen) = Pen::open(buf, area) else {
            return;
        };
        let (w, h) = (pen.width(), pen.height());
        let muted = Style::new().fg(self.mode.ink(self.theme.muted));
        let pts = self.xy();
        let (Some((x0, x1)), Some((y0, y1))) = (
            extent(pts.iter().map(|p| p.0)),
            extent(pts.iter().map(|p| p.1)),
        ) else {
            pen.text(0, 0, "(no finite points)", w, muted);
            return;
        };
        // The bottom line states the ranges; the rest is the plot.
        let plot_h = if h >= 3 { h - 1 } else { h };
        if plot_h < h {
            let info = format!(
                "x {} … {}   y {} … {}",
                tick(x0),
                tick(x1),
                tick(y0),
                tick(y1)
            );
            pen.text(0, h - 1, &info, w, muted);
        }
        let to_cell = |(x, y): (f64, f64)| -> (u16, u16) {
            let cx = ((x - x0) / (x1 - x0) * (w - 1) as f64).round() as u16;
            let cy = ((y1 - y) / (y1 - y0) * (plot_h - 1) as f64).round() as u16;
            (cx.min(w - 1), cy.min(plot_h - 1))
        };
        // Zero axes, faint, when zero is inside the range.
        if x0 < 0.0 && x1 > 0.0 {
            let (cx, _) = to_cell((0.0, y0));
            for y in 0..plot_h {
                pen.put(cx, y, "│", muted);
            }
        }
        if y0 < 0.0 && y1 > 0.0 {
            let (_, cy) = to_cell((x0, 0.0));
            for x in 0..w {
                let sym = if pen.cell(x, cy).is_some_and(|c| c.symbol() == "│") {
                    "┼"
                } else {
                    "─"
                };
                pen.put(x, cy, sym, muted);
            }
        }
        let point = Style::new().fg(self.mode.ink(self.theme.series[0]));
        let hl = Style::new()
            .fg(self.mode.ink(self.theme.cursor))
            .add_modifier(Modifier::BOLD);
        let finite: Vec<(usize, (u16, u16))> = pts
            .iter()
            .enumerate()
            .filter(|(_, p)| p.0.is_finite() && p.1.is_finite())
            .map(|(i, &p)| (i, to_cell(p)))
            .collect();
        for &(i, (cx, cy)) in &finite {
            let style = if self.highlight == Some(i) { hl } else { point };
            pen.put(cx, cy, "●", style);
        }
        // Labels after the points, right of each point if that space is free, else left.
        let is_free = |pen: &mut Pen, x: u16, y: u16, n: u16| {
            (x..x + n).all(|xx| {
                pen.cell(xx, y)
                    .is_some_and(|c| matches!(c.symbol(), " " | "│" | "─" | "┼"))
            })
        };
        for &(i, (cx, cy)) in &finite {
            let Some(label) = self.label(i) else { continue };
            let n = label.chars().count() as u16;
            let style = if self.highlight == Some(i) {
                hl
            } else {
                Style::new().fg(self.mode.ink(self.theme.fg))
            };
            if is_free(&mut pen, cx + 1, cy, n) {
                pen.text(cx + 1, cy, label, n, style);
            } else if cx >= n && is_free(&mut pen, cx - n, cy, n) {
                pen.text(cx - n, cy, label, n, style);
            }
        }
    }
}
