//! A number table for small matrices: labels, right-aligned fixed decimals, negatives coloured,
//! the shape in the title line.

use super::color::ColorMode;
use super::heatmap::HeatmapState;
use super::pen::{LabelStyles, Pen, truncate};
use super::slice::{Slice2, format_value, value_width};
use crate::results::Tensor;
use crate::ui::theme::Theme;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::widgets::Widget;

/// `name (6, 3)`: a title naming a tensor and its shape.
pub fn shape_title(name: &str, t: &Tensor) -> String {
    format!("{name} {}", shape_string(&t.shape))
}

/// `(2, 6, 3)`; a scalar is `()`.
pub fn shape_string(shape: &[usize]) -> String {
    let dims: Vec<String> = shape.iter().map(usize::to_string).collect();
    if dims.len() == 1 {
        format!("({},)", dims[0])
    } else {
        format!("({})", dims.join(", "))
    }
}

pub struct TensorTable<'a> {
    tensor: &'a Tensor,
    theme: &'a Theme,
    mode: ColorMode,
    title: Option<&'a str>,
    decimals: usize,
    state: Option<&'a HeatmapState>,
    show_cursor: bool,
}

impl<'a> TensorTable<'a> {
    pub fn new(tensor: &'a Tensor, theme: &'a Theme, mode: ColorMode) -> Self {
        TensorTable {
            tensor,
            theme,
            mode,
            title: None,
            decimals: 4,
            state: None,
            show_cursor: false,
        }
    }

    /// Draws a first line `title (shape)` (and the slice shown, for 3-D and 4-D tensors).
    pub fn title(mut self, title: &'a str) -> Self {
        self.title = Some(title);
        self
    }

    pub fn decimals(mut self, d: usize) -> Self {
        self.decimals = d.min(8);
        self
    }

    /// Slice, cursor and scrolling, shared with the heatmap's state.
    pub fn state(mut self, state: &'a HeatmapState) -> Self {
        self.state = Some(state);
        self
    }

    pub fn show_cursor(mut self, on: bool) -> Self {
        self.show_cursor = on;
        self
    }
}

impl Widget for TensorTable<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let Some(mut pen) = Pen::open(buf, area) else {
            return;
        };
        let (w, h) = (pen.width(), pen.height());
        let default = HeatmapState::default();
        let state = self.state.unwrap_or(&default);
        let s = Slice2::new(self.tensor, &state.leading);
        let LabelStyles {
            plain: muted,
            active: accent,
        } = LabelStyles::new(self.theme, self.mode);
        let mut y = 0;
        if let Some(title) = self.title {
            let mut line = shape_title(title, self.tensor);
            if let Some(sl) = state.slice_label(self.tensor) {
                line.push_str(&format!("  [{sl}]"));
            }
            pen.text(0, 0, &line, w, accent);
            y = 1;
        }
        if s.is_empty() {
            pen.text(0, y, "(empty)", w, muted);
            return;
        }
        let (mut max_abs, mut neg, mut special) = (0f32, false, false);
        for v in s.values() {
            if v.is_finite() {
                max_abs = max_abs.max(v.abs());
                neg |= v < 0.0;
            } else {
                special = true;
            }
        }
        let numw = value_width(max_abs, neg, self.decimals).max(if special { 4 } else { 1 });
        let col_w = (0..s.cols)
            .filter_map(|c| s.col_label(c))
            .map(|l| l.chars().count().min(10))
            .max()
            .unwrap_or(0)
            .max(numw)
            + 1;
        let label_w = if s.has_row_labels() {
            (0..s.rows)
                .filter_map(|r| s.row_label(r))
                .map(|l| l.chars().count())
                .max()
                .unwrap_or(0)
                .min(12)
                + 1
        } else {
            s.rows.saturating_sub(1).to_string().len() + 1
        } as u16;
        let col_w = col_w as u16;
        let header = h > y + 1;
        let body_y = y + u16::from(header);
        let vis_rows = (h - body_y) as usize;
        let vis_cols = (w.saturating_sub(label_w) / col_w.max(1)) as usize;
        let (cr, cc) = (state.row.min(s.rows - 1), state.col.min(s.cols - 1));
        let page = |cur: usize, vis: usize, n: usize| {
            if vis == 0 || n <= vis {
                0
            } else {
                ((cur / vis) * vis).min(n - vis)
            }
        };
        let row_off = page(cr, vis_rows, s.rows);
        let col_off = page(cc, vis_cols, s.cols);
        if header {
            for i in 0..vis_cols.min(s.cols - col_off) {
                let c = col_off + i;
                let text = s
                    .col_label(c)
                    .map(str::to_string)
                    .unwrap_or_else(|| c.to_string());
                let x = label_w + (i as u16 + 1) * col_w;
                let room = col_w - 1;
                pen.text_right(x, y, &truncate(&text, room as usize), room, muted);
            }
        }
        for j in 0..vis_rows.min(s.rows - row_off) {
            let r = row_off + j;
            let yy = body_y + j as u16;
            let text = s
                .row_label(r)
                .map(str::to_string)
                .unwrap_or_else(|| r.to_string());
            let room = label_w.saturating_sub(1);
            pen.text(0, yy, &truncate(&text, room as usize), room, muted);
            for i in 0..vis_cols.min(s.cols - col_off) {
                let c = col_off + i;
                let v = s.get(r, c);
                let mut style = if !v.is_finite() {
                    Style::new().fg(self.mode.ink(self.theme.special))
                } else if v < 0.0 {
                    Style::new().fg(self.mode.ink(self.theme.negative))
                } else {
                    Style::new().fg(self.mode.ink(self.theme.fg))
                };
                if self.show_cursor && (r, c) == (cr, cc) {
                    style = style.add_modifier(Modifier::REVERSED | Modifier::BOLD);
                }
                let x = label_w + (i as u16 + 1) * col_w;
                pen.text_right(x, yy, &format_value(v, self.decimals), col_w - 1, style);
            }
        }
    }
}
