//! The shape tracer: the shapes a tensor takes through a computation, with the operation
//! between each, e.g. `(2, 6, 3) ─linear→ (2, 6, 4) ─split heads→ (2, 2, 6, 2)`.
//!
//! Scenes pass a trace as text, one step a line: an operation name then a shape in
//! parentheses, e.g. `linear (2, 6, 4)`. The first line names the input.

use super::color::ColorMode;
use super::pen::Pen;
use super::table::shape_string;
use crate::ui::theme::Theme;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::Widget;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ShapeTrace {
    /// (operation, shape after it). The first operation names the input.
    pub steps: Vec<(String, Vec<usize>)>,
}

impl ShapeTrace {
    pub fn push(mut self, op: &str, shape: &[usize]) -> Self {
        self.steps.push((op.to_string(), shape.to_vec()));
        self
    }

    /// The text form scenes publish (see the module docs).
    pub fn to_text(&self) -> String {
        self.steps
            .iter()
            .map(|(op, shape)| format!("{op} {}", shape_string(shape)))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Reads the text form; a line without a trailing `(...)` shape is an error naming it.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut steps = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            let bad = || format!("shape trace line {}: expected `op (d1, d2, ...)`", n + 1);
            let open = line.rfind('(').ok_or_else(bad)?;
            let inner = line[open..]
                .strip_prefix('(')
                .and_then(|s| s.strip_suffix(')'))
                .ok_or_else(bad)?;
            let shape = inner
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| s.parse::<usize>().map_err(|_| bad()))
                .collect::<Result<Vec<_>, _>>()?;
            steps.push((line[..open].trim().to_string(), shape));
        }
        Ok(ShapeTrace { steps })
    }

    /// The trace as pieces that wrap as units: `[input] (2, 6, 3)`, then ` ─op→ (…)` each.
    fn pieces(&self) -> Vec<(Option<String>, String)> {
        self.steps
            .iter()
            .enumerate()
            .map(|(i, (op, shape))| {
                let op = if i == 0 {
                    (!op.is_empty()).then(|| format!("{op} "))
                } else {
                    Some(format!(" ─{op}→ "))
                };
                (op, shape_string(shape))
            })
            .collect()
    }
}

pub struct ShapeTracer<'a> {
    trace: &'a ShapeTrace,
    theme: &'a Theme,
    mode: ColorMode,
}

impl<'a> ShapeTracer<'a> {
    pub fn new(trace: &'a ShapeTrace, theme: &'a Theme, mode: ColorMode) -> Self {
        ShapeTracer { trace, theme, mode }
    }
}

impl Widget for ShapeTracer<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let mut pen = Pen::new(buf, area);
        let (w, h) = (pen.width(), pen.height());
        let op_style = Style::new().fg(self.mode.ink(self.theme.muted));
        let shape_style = Style::new().fg(self.mode.ink(self.theme.accent));
        let (mut x, mut y) = (0u16, 0u16);
        for (op, shape) in self.trace.pieces() {
            let op = op.unwrap_or_default();
            let len = (op.chars().count() + shape.chars().count()) as u16;
            // Wrap before a piece that would overflow, unless the line is still empty.
            if x > 0 && x + len > w {
                y += 1;
                x = 2;
            }
            if y >= h {
                return;
            }
            let op = if x == 2 {
                op.trim_start().to_string()
            } else {
                op
            };
            x += pen.text(x, y, &op, u16::MAX, op_style);
            x += pen.text(x, y, &shape, u16::MAX, shape_style);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_round_trip() {
        let t = ShapeTrace::default()
            .push("x", &[2, 6, 3])
            .push("linear", &[2, 6, 4])
            .push("split heads", &[2, 2, 6, 2]);
        assert_eq!(ShapeTrace::parse(&t.to_text()).unwrap(), t);
        assert!(ShapeTrace::parse("linear 2x3").is_err());
    }
}
