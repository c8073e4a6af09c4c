//! Attention weights (or scores) with the tokens on both axes: queries are rows, keys columns.
//! Masked cells are drawn as a dim '·', distinct from a weight of 0; row sums at the right;
//! several heads side by side when there is room.

use super::color::{ColorMode, ScaleKind, ValueScale};
use super::heatmap::{Grid, HeatmapState, Zoom};
use super::pen::{LabelStyles, Pen};
use super::slice::{Slice2, leading_rank};
use crate::results::Tensor;
use crate::ui::theme::Theme;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::Widget;

/// Which cells are masked: the causal triangle, an explicit mask, and −∞ scores.
#[derive(Clone, Copy, Debug, Default)]
pub struct MaskSpec<'a> {
    /// Mask every key after the query (column > row).
    pub causal: bool,
    /// Nonzero entries are masked. Either the weights' shape or just (T, T), shared by every
    /// batch and head.
    pub mask: Option<&'a Tensor>,
}

impl MaskSpec<'_> {
    /// Is (r, c) of the slice at `leading` masked? A value of −∞ always is.
    pub fn is_masked(&self, leading: &[usize], r: usize, c: usize, value: f32) -> bool {
        if self.causal && c > r || value == f32::NEG_INFINITY {
            return true;
        }
        let Some(m) = self.mask else { return false };
        let lead: &[usize] = if leading_rank(m) == 0 { &[] } else { leading };
        let s = Slice2::new(m, lead);
        r < s.rows && c < s.cols && s.get(r, c) != 0.0
    }
}

/// The attention view of a (T, T), (H, T, T) or (B, H, T, T) tensor.
pub struct Attention<'a> {
    weights: &'a Tensor,
    mask: MaskSpec<'a>,
    theme: &'a Theme,
    mode: ColorMode,
    state: Option<&'a HeatmapState>,
    show_cursor: bool,
    row_sums: bool,
}

impl<'a> Attention<'a> {
    pub fn new(weights: &'a Tensor, theme: &'a Theme, mode: ColorMode) -> Self {
        Attention {
            weights,
            mask: MaskSpec::default(),
            theme,
            mode,
            state: None,
            show_cursor: false,
            row_sums: true,
        }
    }

    pub fn mask(mut self, mask: MaskSpec<'a>) -> Self {
        self.mask = mask;
        self
    }

    pub fn state(mut self, state: &'a HeatmapState) -> Self {
        self.state = Some(state);
        self
    }

    pub fn show_cursor(mut self, on: bool) -> Self {
        self.show_cursor = on;
        self
    }

    pub fn row_sums(mut self, on: bool) -> Self {
        self.row_sums = on;
        self
    }
}

/// The status-line readout for the cursor, noting a masked cell.
pub fn attention_readout(
    name: &str,
    weights: &Tensor,
    mask: MaskSpec,
    state: &HeatmapState,
) -> String {
    let mut out = state.readout(name, weights);
    let s = Slice2::new(weights, &state.leading);
    if !s.is_empty() {
        let (r, c) = (state.row.min(s.rows - 1), state.col.min(s.cols - 1));
        if mask.is_masked(&state.leading, r, c, s.get(r, c)) {
            out.push_str(" · masked");
        }
    }
    out
}

impl Widget for Attention<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let default = HeatmapState::default();
        let mut state = self.state.cloned().unwrap_or_else(|| default.clone());
        state.clamp(self.weights);
        let rank = self.weights.shape.len();
        let lead = leading_rank(self.weights);
        // One scale for all heads so colours compare across them; masked cells do not count.
        let scale = {
            let lead_dims = &self.weights.shape[..leading_rank(self.weights)];
            let slices: usize = lead_dims.iter().product();
            let mut vals = Vec::with_capacity(self.weights.data.len());
            for n in 0..slices.max(1) {
                let mut idx = vec![0; lead_dims.len()];
                let mut rest = n;
                for a in (0..lead_dims.len()).rev() {
                    idx[a] = rest % lead_dims[a].max(1);
                    rest /= lead_dims[a].max(1);
                }
                let s = Slice2::new(self.weights, &idx);
                for r in 0..s.rows {
                    for c in 0..s.cols {
                        let v = s.get(r, c);
                        if !self.mask.is_masked(&idx, r, c, v) {
                            vals.push(v);
                        }
                    }
                }
            }
            ValueScale::fit(ScaleKind::Auto, vals.into_iter())
        };

        let heads = if rank >= 3 {
            self.weights.shape[rank - 3]
        } else {
            1
        };
        let head_axis = lead.checked_sub(1);
        let first = head_axis.map(|a| state.leading[a]).unwrap_or(0);
        let t_cols = self.weights.shape.last().copied().unwrap_or(1);
        // Room for each head: labels, two columns per key, row sums.
        let min_w = 8 + 2 * t_cols as u16 + if self.row_sums { 7 } else { 0 };
        let fit = (area.width / min_w.max(1)).max(1) as usize;
        let shown = if state.zoom == Zoom::Auto && heads > 1 {
            fit.min(heads - first)
        } else {
            1
        };
        let titled = heads > 1 && area.height >= 4;

        let width = area.width / shown as u16;
        for k in 0..shown {
            let mut leading = state.leading.clone();
            if let Some(a) = head_axis {
                leading[a] = first + k;
            }
            let slice = Slice2::new(self.weights, &leading);
            let sub = Rect {
                x: area.x + k as u16 * width,
                width: if k + 1 == shown {
                    area.width - k as u16 * width
                } else {
                    width.saturating_sub(1)
                },
                ..area
            };
            let mut body = sub;
            if titled {
                let mut pen = Pen::new(buf, sub);
                let name = head_axis
                    .and_then(|a| self.weights.axes.get(a).cloned())
                    .unwrap_or_else(|| "head".into());
                let style = LabelStyles::new(self.theme, self.mode).pick(k == 0);
                pen.text(0, 0, &format!("{name} {}", first + k), sub.width, style);
                body.y += 1;
                body.height -= 1;
            }
            let masked = |r: usize, c: usize| self.mask.is_masked(&leading, r, c, slice.get(r, c));
            let grid = Grid {
                slice,
                scale,
                theme: self.theme,
                mode: self.mode,
                zoom: state.zoom,
                cursor: (self.show_cursor && k == 0).then_some((state.row, state.col)),
                half_blocks: true,
                masked: Some(&masked),
                row_sums: self.row_sums,
                legend: k == 0,
            };
            grid.render(body, buf);
        }
    }
}
