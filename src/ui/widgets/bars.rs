//! Labelled horizontal bars (probabilities, scores): one row per value, the value printed.
//! Signed data grows both ways from a zero line.

use super::color::ColorMode;
use super::pen::{LabelStyles, Pen, truncate};
use super::slice::{format_value, value_width};
use crate::results::Tensor;
use crate::ui::theme::Theme;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::Widget;

const EIGHTHS: [&str; 8] = [" ", "▏", "▎", "▍", "▌", "▋", "▊", "▉"];

pub struct Bars<'a> {
    values: &'a Tensor,
    theme: &'a Theme,
    mode: ColorMode,
    decimals: usize,
    highlight: Option<usize>,
}

impl<'a> Bars<'a> {
    /// Bars for every value of `values` (row-major); labels from its last axis when 1-D.
    pub fn new(values: &'a Tensor, theme: &'a Theme, mode: ColorMode) -> Self {
        Bars {
            values,
            theme,
            mode,
            decimals: 4,
            highlight: None,
        }
    }

    pub fn decimals(mut self, d: usize) -> Self {
        self.decimals = d.min(8);
        self
    }

    /// Marks one bar (e.g. the chosen token) and keeps it in view.
    pub fn highlight(mut self, i: Option<usize>) -> Self {
        self.highlight = i;
        self
    }

    fn label(&self, i: usize) -> String {
        let t = self.values;
        match t.labels.last() {
            Some(Some(l)) if t.shape.len() == 1 => l.get(i).cloned().unwrap_or_default(),
            _ => i.to_string(),
        }
    }
}

impl Widget for Bars<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let Some(mut pen) = Pen::open(buf, area) else {
            return;
        };
        let (w, h) = (pen.width() as usize, pen.height() as usize);
        let vals = &self.values.data;
        let labels = LabelStyles::new(self.theme, self.mode);
        let muted = labels.plain;
        if vals.is_empty() {
            pen.text(0, 0, "(empty)", w as u16, muted);
            return;
        }
        let finite = || vals.iter().copied().filter(|v| v.is_finite());
        let lo = finite().fold(0f32, f32::min);
        let hi = finite().fold(0f32, f32::max);
        let max_abs = lo.abs().max(hi.abs());
        let any_special = vals.iter().any(|v| !v.is_finite());
        let numw =
            value_width(max_abs, lo < 0.0, self.decimals).max(if any_special { 4 } else { 0 });
        let label_w = (0..vals.len())
            .map(|i| self.label(i).chars().count())
            .max()
            .unwrap_or(0)
            .min(14)
            + 1;
        let (label_w, numw) = if w < label_w + numw + 4 {
            (0, numw.min(w))
        } else {
            (label_w, numw)
        };
        let bar_w = w.saturating_sub(label_w + numw + 1);
        let span = (hi - lo).max(f32::MIN_POSITIVE);
        let zero = if lo < 0.0 {
            ((-lo / span) * bar_w as f32).round() as usize
        } else {
            0
        };
        let off = match self.highlight {
            Some(i) if i >= h => (i + 1 - h).min(vals.len().saturating_sub(h)),
            _ => 0,
        };
        for row in 0..h.min(vals.len() - off) {
            let i = off + row;
            let v = vals[i];
            let y = row as u16;
            let hl = self.highlight == Some(i);
            let lstyle = labels.pick(hl);
            if label_w > 0 {
                let t = truncate(&self.label(i), label_w - 1);
                pen.text(0, y, &t, label_w as u16 - 1, lstyle);
            }
            let colour = if v < 0.0 {
                self.theme.negative
            } else if hl {
                self.theme.accent
            } else {
                self.theme.bar
            };
            let bstyle = Style::new().fg(self.mode.ink(colour));
            let x0 = label_w;
            if v.is_finite() && bar_w > 0 {
                let len = v.abs() / span * bar_w as f32;
                if v >= 0.0 {
                    let eighths = (len * 8.0).round() as usize;
                    let (full, part) = (eighths / 8, eighths % 8);
                    for k in 0..full.min(bar_w - zero) {
                        pen.put((x0 + zero + k) as u16, y, "█", bstyle);
                    }
                    if part > 0 && zero + full < bar_w {
                        pen.put((x0 + zero + full) as u16, y, EIGHTHS[part], bstyle);
                    }
                } else {
                    let full = (len.round() as usize).min(zero);
                    for k in 0..full {
                        pen.put((x0 + zero - 1 - k) as u16, y, "█", bstyle);
                    }
                }
            }
            let vstyle = if v.is_finite() {
                Style::new().fg(self.mode.ink(self.theme.fg))
            } else {
                Style::new().fg(self.mode.ink(self.theme.special))
            };
            let text = format_value(v, self.decimals);
            pen.text_right(w as u16, y, &text, numw as u16, vstyle);
        }
    }
}
