//! Heatmap of a 2-D slice of any tensor: half-block colour cells, numbers when they fit, shade
//! glyphs without colour, a cursor that inspects one cell, scrolling, zoom and slice browsing.

use super::color::{ColorMode, ScaleKind, ValueScale, contrast_text};
use super::pen::{LabelStyles, Pen, truncate};
use super::slice::{Slice2, format_value, leading_rank, value_width};
use crate::results::Tensor;
use crate::ui::theme::Theme;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::widgets::{StatefulWidget, Widget};

/// How big each data cell is drawn.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Zoom {
    /// Numbers if the whole slice fits with them, else the largest colour blocks that fit.
    #[default]
    Auto,
    /// Colour blocks `n` columns wide (1..=4); with colour, two data rows per terminal row.
    Blocks(u16),
    /// One value per cell, printed.
    Cells,
}

/// The inspected cell, the chosen slice of a 3-D/4-D tensor, and the zoom. Kept by the app.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HeatmapState {
    pub row: usize,
    pub col: usize,
    /// Indices along the leading axes (e.g. batch, head).
    pub leading: Vec<usize>,
    pub zoom: Zoom,
}

impl HeatmapState {
    /// Brings every index inside the tensor's shape.
    pub fn clamp(&mut self, t: &Tensor) {
        let lead = leading_rank(t);
        self.leading.resize(lead, 0);
        for (a, i) in self.leading.iter_mut().enumerate() {
            *i = (*i).min(t.shape[a].saturating_sub(1));
        }
        let s = Slice2::new(t, &self.leading);
        self.row = self.row.min(s.rows.saturating_sub(1));
        self.col = self.col.min(s.cols.saturating_sub(1));
    }

    /// Moves the cursor by (rows, cols), stopping at the edges.
    pub fn move_by(&mut self, dr: isize, dc: isize, t: &Tensor) {
        self.row = self.row.saturating_add_signed(dr);
        self.col = self.col.saturating_add_signed(dc);
        self.clamp(t);
    }

    /// Larger cells: blocks 1 → 4, then numbers.
    pub fn zoom_in(&mut self) {
        self.zoom = match self.zoom {
            Zoom::Auto => Zoom::Cells,
            Zoom::Blocks(n) if n >= 4 => Zoom::Cells,
            Zoom::Blocks(n) => Zoom::Blocks(n + 1),
            Zoom::Cells => Zoom::Cells,
        };
    }

    /// Smaller cells: numbers → blocks 4 → 1.
    pub fn zoom_out(&mut self) {
        self.zoom = match self.zoom {
            Zoom::Auto => Zoom::Blocks(1),
            Zoom::Cells => Zoom::Blocks(4),
            Zoom::Blocks(n) => Zoom::Blocks(n.saturating_sub(1).max(1)),
        };
    }

    /// Steps through the slices of a 3-D/4-D tensor in order (the last leading axis fastest,
    /// like an odometer), wrapping around.
    pub fn step_slice(&mut self, delta: isize, t: &Tensor) {
        self.clamp(t);
        let dims = &t.shape[..leading_rank(t)];
        let total: usize = dims.iter().product();
        if total == 0 {
            return;
        }
        let mut flat = 0;
        for (a, &n) in dims.iter().enumerate() {
            flat = flat * n + self.leading[a];
        }
        let flat = (flat as isize + delta).rem_euclid(total as isize) as usize;
        let mut rest = flat;
        for a in (0..dims.len()).rev() {
            self.leading[a] = rest % dims[a];
            rest /= dims[a];
        }
        self.clamp(t);
    }

    /// Which slice is shown, e.g. "batch 0 · head 1", or `None` for 2-D tensors.
    pub fn slice_label(&self, t: &Tensor) -> Option<String> {
        let lead = leading_rank(t);
        if lead == 0 {
            return None;
        }
        let parts: Vec<String> = (0..lead)
            .map(|a| {
                let i = self.leading.get(a).copied().unwrap_or(0);
                let name = t.axes.get(a).map(String::as_str).unwrap_or("axis");
                format!("{name} {i}/{}", t.shape[a])
            })
            .collect();
        Some(parts.join(" · "))
    }

    /// The cursor's cell for the status line, e.g. `weights[2, 5] = 0.1932 (journey → step)`.
    pub fn readout(&self, name: &str, t: &Tensor) -> String {
        let s = Slice2::new(t, &self.leading);
        if s.is_empty() {
            return format!("{name}: empty, shape {:?}", t.shape);
        }
        let (r, c) = (self.row.min(s.rows - 1), self.col.min(s.cols - 1));
        let idx: Vec<String> = s
            .full_index(&self.leading, r, c)
            .iter()
            .map(usize::to_string)
            .collect();
        let mut out = format!(
            "{name}[{}] = {}",
            idx.join(", "),
            format_value(s.get(r, c), 4)
        );
        match (s.row_label(r), s.col_label(c)) {
            (Some(a), Some(b)) => out.push_str(&format!(" ({a} → {b})")),
            (Some(a), None) => out.push_str(&format!(" ({a})")),
            (None, Some(b)) => out.push_str(&format!(" ({b})")),
            (None, None) => {}
        }
        out
    }
}

/// A heatmap of one tensor. Draws without borders; the pane supplies those.
pub struct Heatmap<'a> {
    tensor: &'a Tensor,
    theme: &'a Theme,
    mode: ColorMode,
    scale: ScaleKind,
    state: Option<&'a HeatmapState>,
    show_cursor: bool,
}

impl<'a> Heatmap<'a> {
    pub fn new(tensor: &'a Tensor, theme: &'a Theme, mode: ColorMode) -> Self {
        Heatmap {
            tensor,
            theme,
            mode,
            scale: ScaleKind::Auto,
            state: None,
            show_cursor: false,
        }
    }

    pub fn scale(mut self, scale: ScaleKind) -> Self {
        self.scale = scale;
        self
    }

    /// Draws with this state (cursor, slice, zoom) without needing `&mut`.
    pub fn state(mut self, state: &'a HeatmapState) -> Self {
        self.state = Some(state);
        self
    }

    /// Marks the cursor cell (for the focused pane).
    pub fn show_cursor(mut self, on: bool) -> Self {
        self.show_cursor = on;
        self
    }

    fn draw(&self, area: Rect, buf: &mut Buffer, state: &HeatmapState) {
        let slice = Slice2::new(self.tensor, &state.leading);
        let grid = Grid {
            slice,
            scale: ValueScale::fit(self.scale, slice.values()),
            theme: self.theme,
            mode: self.mode,
            zoom: state.zoom,
            cursor: self.show_cursor.then_some((state.row, state.col)),
            half_blocks: true,
            masked: None,
            row_sums: false,
            legend: true,
        };
        grid.render(area, buf);
    }
}

impl Widget for Heatmap<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let default = HeatmapState::default();
        let state = self.state.unwrap_or(&default);
        self.draw(area, buf, state);
    }
}

impl StatefulWidget for Heatmap<'_> {
    type State = HeatmapState;
    fn render(self, area: Rect, buf: &mut Buffer, state: &mut HeatmapState) {
        state.clamp(self.tensor);
        self.draw(area, buf, state);
    }
}

/// The drawing core shared by [`Heatmap`] and the attention view.
pub(crate) struct Grid<'a> {
    pub slice: Slice2<'a>,
    pub scale: ValueScale,
    pub theme: &'a Theme,
    pub mode: ColorMode,
    pub zoom: Zoom,
    pub cursor: Option<(usize, usize)>,
    /// Allow two data rows per terminal row in colour block mode.
    pub half_blocks: bool,
    pub masked: Option<&'a dyn Fn(usize, usize) -> bool>,
    pub row_sums: bool,
    pub legend: bool,
}

/// Where everything goes, worked out from the pane size (the scroll window, zero by default,
/// is filled in once a layout is chosen).
#[derive(Clone, Copy, Debug, Default)]
struct Layout {
    cells: bool,
    decimals: usize,
    /// Columns per data cell.
    cw: u16,
    /// Data rows per terminal row (2 for half blocks).
    per: usize,
    label_w: u16,
    header: u16,
    legend: u16,
    sum_w: u16,
    vis_rows: usize,
    vis_cols: usize,
    row_off: usize,
    col_off: usize,
}

/// First index of the window of `vis` items (a multiple of `align`) that shows `cursor`.
fn window(cursor: usize, vis: usize, n: usize, align: usize) -> usize {
    if vis == 0 || n <= vis {
        return 0;
    }
    let page = (cursor.min(n - 1) / vis) * vis;
    let last = (n - vis).div_ceil(align) * align;
    page.min(last)
}

impl Grid<'_> {
    fn is_masked(&self, r: usize, c: usize) -> bool {
        self.masked.is_some_and(|m| m(r, c))
    }

    fn row_sum(&self, r: usize) -> f32 {
        (0..self.slice.cols)
            .map(|c| self.slice.get(r, c))
            .filter(|v| v.is_finite())
            .sum()
    }

    fn layout(&self, area: Rect) -> Layout {
        let (w, h) = (area.width as usize, area.height as usize);
        let (rows, cols) = (self.slice.rows, self.slice.cols);
        let legend = usize::from(self.legend && h >= 3);
        let mut max_abs = 0f32;
        let mut any_neg = false;
        let mut any_special = false;
        for v in self.slice.values() {
            if v.is_finite() {
                max_abs = max_abs.max(v.abs());
                any_neg |= v < 0.0;
            } else {
                any_special = true;
            }
        }
        let mut sum_abs = 0f32;
        if self.row_sums {
            for r in 0..rows {
                let s = self.row_sum(r);
                sum_abs = sum_abs.max(s.abs());
                any_neg |= s < 0.0;
            }
        }
        let label_len = |labels: bool| -> usize {
            if labels {
                (0..rows)
                    .filter_map(|r| self.slice.row_label(r))
                    .map(|s| s.chars().count())
                    .max()
                    .unwrap_or(0)
                    .min(12)
            } else {
                rows.saturating_sub(1).to_string().len()
            }
        };

        let col_label_len = (0..cols)
            .filter_map(|c| self.slice.col_label(c))
            .map(|s| s.chars().count())
            .max()
            .unwrap_or(0)
            .min(10);
        // Cells widen to whole column labels when `wide` and room allows.
        let cells_layout = |d: usize, wide: bool| -> Layout {
            let numw = value_width(max_abs, any_neg, d).max(if any_special { 4 } else { 0 });
            let cw = if wide {
                numw.max(col_label_len) + 1
            } else {
                numw + 1
            };
            let label_w = label_len(self.slice.has_row_labels()) + 1;
            let sum_w = if self.row_sums {
                value_width(sum_abs, any_neg, d) + 3
            } else {
                0
            };
            let header = usize::from(h >= legend + 2);
            Layout {
                cells: true,
                decimals: d,
                cw: cw as u16,
                per: 1,
                label_w: label_w as u16,
                header: header as u16,
                legend: legend as u16,
                sum_w: sum_w as u16,
                ..Layout::default()
            }
        };
        let fits = |l: &Layout, need_rows: usize| {
            l.label_w as usize + cols * l.cw as usize + l.sum_w as usize <= w
                && l.header as usize + need_rows + l.legend as usize <= h
        };
        let blocks_layout = |z: u16, half: bool| -> Layout {
            let shades = self.mode == ColorMode::Shades;
            let cw = if shades { 2 * z } else { z };
            let per = if half && self.half_blocks && !shades {
                2
            } else {
                1
            };
            let mut label_w = 0;
            if self.slice.has_row_labels() {
                // Two rows share a line in half blocks: room for "upper/lower".
                let lw = if per == 2 {
                    (2 * label_len(true) + 1).min(16) + 1
                } else {
                    label_len(true).min(10) + 1
                };
                if w >= lw + cw as usize * cols.min(4) {
                    label_w = lw;
                }
            }
            let header = usize::from(self.slice.has_col_labels() && cw >= 3 && h >= legend + 2);
            let sum_w = if self.row_sums && per == 1 {
                value_width(sum_abs, any_neg, 2) + 3
            } else {
                0
            };
            Layout {
                cells: false,
                decimals: 2,
                cw,
                per,
                label_w: label_w as u16,
                header: header as u16,
                legend: legend as u16,
                sum_w: sum_w as u16,
                ..Layout::default()
            }
        };

        let mut l = match self.zoom {
            Zoom::Cells => [(4, true), (4, false), (3, false), (2, false)]
                .into_iter()
                .map(|(d, wide)| cells_layout(d, wide))
                .find(|l| fits(l, 0))
                .unwrap_or_else(|| cells_layout(2, false)),
            Zoom::Blocks(z) => blocks_layout(z.clamp(1, 4), true),
            Zoom::Auto => {
                // Numbers if they fit; else whole-row blocks at least 2 wide (square-ish, one
                // label per row); else half blocks, the densest form.
                let cells = [(4, true), (4, false), (3, false), (2, false)]
                    .into_iter()
                    .map(|(d, wide)| cells_layout(d, wide))
                    .find(|l| fits(l, rows));
                let full = || {
                    (2..=4)
                        .rev()
                        .map(|z| blocks_layout(z, false))
                        .find(|l| fits(l, rows))
                };
                let half = || {
                    (1..=4)
                        .rev()
                        .map(|z| blocks_layout(z, true))
                        .find(|l| fits(l, rows.div_ceil(l.per)))
                };
                // Short of rows, the data matters more than the legend.
                let half_bare = || {
                    (1..=4)
                        .rev()
                        .map(|z| Layout {
                            legend: 0,
                            header: 0,
                            ..blocks_layout(z, true)
                        })
                        .find(|l| fits(l, rows.div_ceil(l.per)))
                };
                // Nothing fits whole: the widest cells that fit across, scrolling down.
                // A short pane keeps every line for data.
                let across = || {
                    (1..=4)
                        .rev()
                        .map(|z| blocks_layout(z, true))
                        .map(|l| {
                            if h < 6 {
                                Layout {
                                    header: 0,
                                    legend: 0,
                                    ..l
                                }
                            } else {
                                l
                            }
                        })
                        .find(|l| l.label_w as usize + cols * l.cw as usize <= w)
                };
                // Without the legend line, if that is what it takes to show every row whole.
                let bare = |l: Layout| Layout { legend: 0, ..l };
                let cells_bare = || {
                    [(4, true), (4, false), (3, false), (2, false)]
                        .into_iter()
                        .map(|(d, wide)| bare(cells_layout(d, wide)))
                        .find(|l| fits(l, rows))
                };
                let full_bare = || {
                    (2..=4)
                        .rev()
                        .map(|z| bare(blocks_layout(z, false)))
                        .find(|l| fits(l, rows))
                };
                cells
                    .or_else(cells_bare)
                    .or_else(full)
                    .or_else(full_bare)
                    .or_else(half)
                    .or_else(half_bare)
                    .or_else(across)
                    .unwrap_or_else(|| blocks_layout(1, true))
            }
        };

        // Give up labels, then sums, before giving up every column.
        let avail = |l: &Layout| w.saturating_sub(l.label_w as usize + l.sum_w as usize);
        if avail(&l) < l.cw as usize {
            l.label_w = 0;
        }
        if avail(&l) < l.cw as usize {
            l.sum_w = 0;
        }
        l.vis_cols = (avail(&l) / l.cw.max(1) as usize).min(cols);
        let mut body_h = h.saturating_sub(l.header as usize + l.legend as usize);
        if body_h == 0 && l.legend > 0 {
            l.legend = 0;
            body_h = h.saturating_sub(l.header as usize);
        }
        if body_h == 0 && l.header > 0 {
            l.header = 0;
            body_h = h;
        }
        l.vis_rows = (body_h * l.per).min(rows);
        let (cr, cc) = self.cursor.unwrap_or((0, 0));
        l.row_off = window(cr, l.vis_rows, rows, l.per);
        l.col_off = window(cc, l.vis_cols, cols, 1);
        l
    }

    fn rgb(&self, v: f32) -> (u8, u8, u8) {
        self.scale.heat(self.theme).at(self.scale.position(v))
    }

    fn heat(&self, v: f32) -> Option<Color> {
        self.mode.color(self.rgb(v))
    }

    fn cursor_color(&self) -> Color {
        self.mode.ink(self.theme.cursor)
    }

    fn is_cursor(&self, r: usize, c: usize) -> bool {
        self.cursor == Some((r, c))
    }

    fn special_glyph(v: f32) -> &'static str {
        if v.is_nan() {
            "×"
        } else if v > 0.0 {
            "▲"
        } else {
            "▼"
        }
    }

    pub fn render(&self, area: Rect, buf: &mut Buffer) {
        let mut pen = Pen::new(buf, area);
        if pen.width() == 0 || pen.height() == 0 {
            return;
        }
        if self.slice.is_empty() {
            pen.text(
                0,
                0,
                "(empty)",
                7,
                Style::new().fg(self.mode.ink(self.theme.muted)),
            );
            return;
        }
        let l = self.layout(pen.area);
        let grid_x = l.label_w;
        let LabelStyles {
            plain: label_style,
            active: active_label,
        } = LabelStyles::new(self.theme, self.mode);

        // Column labels (or indices in cells mode).
        if l.header > 0 {
            for i in 0..l.vis_cols {
                let c = l.col_off + i;
                let text = match self.slice.col_label(c) {
                    Some(s) => s.to_string(),
                    None if l.cells => c.to_string(),
                    None => continue,
                };
                let style = if self.cursor.is_some_and(|(_, cc)| cc == c) {
                    active_label
                } else {
                    label_style
                };
                let x = grid_x + i as u16 * l.cw;
                let room = l.cw.saturating_sub(1) as usize;
                let t = truncate(&text, room);
                pen.text_right(x + l.cw, 0, &t, room as u16, style);
            }
            if l.sum_w > 0 {
                let x = grid_x + l.vis_cols as u16 * l.cw;
                pen.text_right(x + l.sum_w, 0, "Σ row", l.sum_w - 1, label_style);
            }
        }

        let term_rows = l.vis_rows.div_ceil(l.per);
        for tr in 0..term_rows {
            let y = l.header + tr as u16;
            let r0 = l.row_off + tr * l.per;
            let r1 = (l.per == 2 && r0 + 1 < self.slice.rows).then_some(r0 + 1);
            // Row label: the cursor's row when it is in this terminal row, else the upper one.
            if l.label_w > 0 {
                let cursor_row = self
                    .cursor
                    .map(|(cr, _)| cr)
                    .filter(|&cr| cr == r0 || Some(cr) == r1);
                let label = |r: usize| {
                    self.slice
                        .row_label(r)
                        .map(str::to_string)
                        .unwrap_or_else(|| r.to_string())
                };
                let text = match (cursor_row, r1) {
                    (Some(r), _) => label(r),
                    (None, Some(r1)) => format!("{}/{}", label(r0), label(r1)),
                    (None, None) => label(r0),
                };
                let style = if cursor_row.is_some() {
                    active_label
                } else {
                    label_style
                };
                let room = l.label_w - 1;
                pen.text(0, y, &truncate(&text, room as usize), room, style);
            }
            for i in 0..l.vis_cols {
                let c = l.col_off + i;
                let x = grid_x + i as u16 * l.cw;
                if l.cells {
                    self.draw_number(&mut pen, x, y, l, r0, c);
                } else {
                    self.draw_block(&mut pen, x, y, l, r0, r1, c);
                }
            }
            if l.sum_w > 0 {
                let x = grid_x + l.vis_cols as u16 * l.cw;
                let s = format_value(self.row_sum(r0), l.decimals);
                pen.text_right(x + l.sum_w, y, &s, l.sum_w - 1, label_style);
            }
        }

        if l.legend > 0 {
            let y = pen.height() - 1;
            self.draw_legend(&mut pen, y, &l);
        }
    }

    fn draw_number(&self, pen: &mut Pen, x: u16, y: u16, l: Layout, r: usize, c: usize) {
        let v = self.slice.get(r, c);
        let cursor = self.is_cursor(r, c);
        let text_w = l.cw - 1;
        if self.is_masked(r, c) {
            let style = Style::new().fg(self.mode.ink(self.theme.mask));
            let style = if cursor {
                style.add_modifier(Modifier::REVERSED)
            } else {
                style
            };
            pen.text_right(x + l.cw, y, "·", text_w, style);
            return;
        }
        let text = format_value(v, l.decimals);
        let mut style = Style::new();
        let mut lead = " ";
        if !v.is_finite() {
            style = style.fg(self.mode.ink(self.theme.special));
        } else if let Some(bg) = self.heat(v) {
            let fg = self
                .mode
                .color(contrast_text(self.rgb(v)))
                .unwrap_or(Color::Reset);
            style = style.bg(bg).fg(fg);
        } else {
            lead = shade_str(self.scale.shade(v));
        }
        if cursor {
            style = match self.mode {
                ColorMode::Shades => style.add_modifier(Modifier::REVERSED | Modifier::BOLD),
                _ => {
                    let fg = match self.theme.cursor {
                        Color::Rgb(r, g, b) => self
                            .mode
                            .color(contrast_text((r, g, b)))
                            .unwrap_or(Color::Reset),
                        _ => Color::Black,
                    };
                    style
                        .bg(self.cursor_color())
                        .fg(fg)
                        .add_modifier(Modifier::BOLD)
                }
            };
        }
        pen.put(x, y, lead, style);
        let pad = format!("{text:>w$}", w = text_w as usize);
        pen.text(x + 1, y, &pad, text_w, style);
    }

    #[allow(clippy::too_many_arguments)]
    fn draw_block(
        &self,
        pen: &mut Pen,
        x: u16,
        y: u16,
        l: Layout,
        r0: usize,
        r1: Option<usize>,
        c: usize,
    ) {
        let cw = l.cw;
        if self.mode == ColorMode::Shades {
            let v = self.slice.get(r0, c);
            let cursor = self.is_cursor(r0, c);
            for k in 0..cw {
                let (sym, style) = if self.is_masked(r0, c) {
                    ("·", Style::new())
                } else if !v.is_finite() {
                    (Self::special_glyph(v), Style::new())
                } else if self.scale.diverging && v < 0.0 && k == 0 {
                    ("-", Style::new())
                } else {
                    (shade_str(self.scale.shade(v)), Style::new())
                };
                let sym = match (cursor, k) {
                    (true, 0) => "[",
                    (true, k) if k == cw - 1 => "]",
                    _ => sym,
                };
                pen.put(x + k, y, sym, style);
            }
            return;
        }
        // Colour: the upper data row as the foreground of '▀', the lower as the background.
        let colour_of = |r: usize| -> Option<Color> {
            let v = self.slice.get(r, c);
            if self.is_cursor(r, c) {
                Some(self.cursor_color())
            } else if v.is_finite() && !self.is_masked(r, c) {
                self.heat(v)
            } else {
                None
            }
        };
        let special = |r: usize| {
            let v = self.slice.get(r, c);
            !self.is_cursor(r, c) && (!v.is_finite() || self.is_masked(r, c))
        };
        let (sym, style) = if special(r0) || r1.is_some_and(special) {
            // A marker glyph over the other half's colour (if it has one).
            let (mark_r, other) = if special(r0) {
                (r0, r1)
            } else {
                (r1.unwrap_or(r0), Some(r0))
            };
            let mv = self.slice.get(mark_r, c);
            let (glyph, fg) = if self.is_masked(mark_r, c) {
                ("·", self.mode.ink(self.theme.mask))
            } else {
                (Self::special_glyph(mv), self.mode.ink(self.theme.special))
            };
            let bg = other.and_then(|o| if special(o) { None } else { colour_of(o) });
            let mut st = Style::new().fg(fg);
            if let Some(bg) = bg {
                st = st.bg(bg);
            }
            (glyph, st)
        } else if l.per == 2 {
            let top = colour_of(r0).unwrap_or(Color::Reset);
            let mut st = Style::new().fg(top);
            if let Some(b) = r1.and_then(colour_of) {
                st = st.bg(b);
            }
            ("▀", st)
        } else {
            let bg = colour_of(r0).unwrap_or(Color::Reset);
            (" ", Style::new().bg(bg))
        };
        for k in 0..cw {
            pen.put(x + k, y, sym, style);
        }
    }

    fn draw_legend(&self, pen: &mut Pen, y: u16, l: &Layout) {
        let muted = Style::new().fg(self.mode.ink(self.theme.muted));
        let (lo, hi) = (self.scale.lo, self.scale.hi);
        let mut x = pen.text(0, y, &format_value(lo, 2), u16::MAX, muted) + 1;
        match self.mode {
            ColorMode::Shades => {
                let ramp = if self.scale.diverging {
                    "-█-▓-▒-░ ░▒▓█"
                } else {
                    " ░▒▓█"
                };
                x += pen.text(x, y, "▕", 1, muted);
                x += pen.text(x, y, ramp, u16::MAX, Style::new());
                x += pen.text(x, y, "▏", 1, muted);
            }
            _ => {
                let n = 12u16;
                for i in 0..n {
                    let t = i as f32 / (n - 1) as f32;
                    let rgb = self.scale.heat(self.theme).at(t);
                    if let Some(bg) = self.mode.color(rgb) {
                        pen.put(x + i, y, " ", Style::new().bg(bg));
                    }
                }
                x += n;
            }
        }
        x += 1;
        x += pen.text(x, y, &format_value(hi, 2), u16::MAX, muted);
        let (rows, cols) = (self.slice.rows, self.slice.cols);
        if l.vis_rows < rows || l.vis_cols < cols {
            let info = format!(
                "  rows {}–{}/{} cols {}–{}/{}",
                l.row_off,
                l.row_off + l.vis_rows.saturating_sub(1),
                rows,
                l.col_off,
                l.col_off + l.vis_cols.saturating_sub(1),
                cols
            );
            pen.text(x, y, &info, u16::MAX, muted);
        }
    }
}

fn shade_str(c: char) -> &'static str {
    match c {
        '░' => "░",
        '▒' => "▒",
        '▓' => "▓",
        '█' => "█",
        _ => " ",
    }
}
