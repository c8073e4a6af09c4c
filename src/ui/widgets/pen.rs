//! Clipped drawing into a sub-area of a buffer: nothing a widget writes can land outside its
//! pane, whatever the pane size.

use super::color::ColorMode;
use crate::ui::theme::Theme;
use ratatui::buffer::{Buffer, Cell};
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};

/// The two looks of axis labels and headers: muted, and bold accent for the one in focus.
#[derive(Clone, Copy, Debug)]
pub struct LabelStyles {
    pub plain: Style,
    pub active: Style,
}

impl LabelStyles {
    pub fn new(theme: &Theme, mode: ColorMode) -> Self {
        LabelStyles {
            plain: Style::new().fg(mode.ink(theme.muted)),
            active: Style::new()
                .fg(mode.ink(theme.accent))
                .add_modifier(Modifier::BOLD),
        }
    }

    /// The active look if `active`, else the plain one.
    pub fn pick(&self, active: bool) -> Style {
        if active { self.active } else { self.plain }
    }
}

pub struct Pen<'b> {
    pub buf: &'b mut Buffer,
    pub area: Rect,
}

impl<'b> Pen<'b> {
    /// A pen for `area` clipped to the buffer.
    pub fn new(buf: &'b mut Buffer, area: Rect) -> Self {
        let area = area.intersection(buf.area);
        Pen { buf, area }
    }

    /// A pen for `area`, or `None` when the clipped area has no cells to draw in.
    pub fn open(buf: &'b mut Buffer, area: Rect) -> Option<Self> {
        let pen = Pen::new(buf, area);
        (pen.area.width > 0 && pen.area.height > 0).then_some(pen)
    }

    pub fn width(&self) -> u16 {
        self.area.width
    }

    pub fn height(&self) -> u16 {
        self.area.height
    }

    /// The cell at (x, y) relative to the area, if inside.
    pub fn cell(&mut self, x: u16, y: u16) -> Option<&mut Cell> {
        if x < self.area.width && y < self.area.height {
            self.buf.cell_mut((self.area.x + x, self.area.y + y))
        } else {
            None
        }
    }

    /// Writes `s` at (x, y), at most `max` columns and never past the area's right edge.
    /// Returns the number of columns written.
    pub fn text(&mut self, x: u16, y: u16, s: &str, max: u16, style: Style) -> u16 {
        if x >= self.area.width || y >= self.area.height {
            return 0;
        }
        let room = (self.area.width - x).min(max);
        let (end, _) =
            self.buf
                .set_stringn(self.area.x + x, self.area.y + y, s, room as usize, style);
        end - (self.area.x + x)
    }

    /// Writes `s` right-aligned so that it ends just before column `right`.
    pub fn text_right(&mut self, right: u16, y: u16, s: &str, max: u16, style: Style) {
        let w = (s.chars().count() as u16).min(max);
        let x = right.saturating_sub(w);
        let clipped: String = s.chars().take(w as usize).collect();
        self.text(x, y, &clipped, w, style);
    }

    /// Sets one cell's symbol and style.
    pub fn put(&mut self, x: u16, y: u16, symbol: &str, style: Style) {
        if let Some(c) = self.cell(x, y) {
            c.set_symbol(symbol).set_style(style);
        }
    }
}

/// `s` cut to at most `n` characters, marking a cut with '…'.
pub fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else if n == 0 {
        String::new()
    } else {
        let mut t: String = s.chars().take(n - 1).collect();
        t.push('…');
        t
    }
}
