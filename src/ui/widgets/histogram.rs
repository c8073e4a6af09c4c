//! A histogram of a tensor's values: equal-width bins between the finite minimum and maximum.

use super::chart::{extent, tick};
use super::color::ColorMode;
use super::pen::Pen;
use crate::results::Tensor;
use crate::ui::theme::Theme;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::Widget;

const LEVELS: [&str; 9] = [" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"];

/// Counts of `values` in `bins` equal bins over [lo, hi] (the last bin includes hi), and the
/// number of non-finite values left out.
pub fn bin_counts(values: &[f32], bins: usize, lo: f64, hi: f64) -> (Vec<usize>, usize) {
    let mut counts = vec![0; bins.max(1)];
    let mut skipped = 0;
    let width = (hi - lo) / counts.len() as f64;
    for &v in values {
        if !v.is_finite() {
            skipped += 1;
            continue;
        }
        let i = ((v as f64 - lo) / width).floor();
        let i = if i.is_finite() {
            i.max(0.0) as usize
        } else {
            0
        };
        counts[i.min(bins.max(1) - 1)] += 1;
    }
    (counts, skipped)
}

pub struct Histogram<'a> {
    values: &'a Tensor,
    theme: &'a Theme,
    mode: ColorMode,
    bins: Option<usize>,
}

impl<'a> Histogram<'a> {
    pub fn new(values: &'a Tensor, theme: &'a Theme, mode: ColorMode) -> Self {
        Histogram {
            values,
            theme,
            mode,
            bins: None,
        }
    }

    /// A fixed number of bins; by default one bin per two columns, at most 40.
    pub fn bins(mut self, n: usize) -> Self {
        self.bins = Some(n.max(1));
        self
    }
}

impl Widget for Histogram<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let Some(mut pen) = Pen::open(buf, area) else {
            return;
        };
        let (w, h) = (pen.width(), pen.height());
        let muted = Style::new().fg(self.mode.ink(self.theme.muted));
        let Some((lo, hi)) = extent(self.values.data.iter().map(|&v| v as f64)) else {
            pen.text(0, 0, "(no finite values)", w, muted);
            return;
        };
        let bins = self
            .bins
            .unwrap_or((w as usize / 2).clamp(1, 40))
            .min(w as usize);
        let (counts, skipped) = bin_counts(&self.values.data, bins, lo, hi);
        let max = counts.iter().copied().max().unwrap_or(0).max(1);
        // Top line: totals; bottom line: the value range; bars between.
        let (top, bottom) = (u16::from(h >= 4), u16::from(h >= 3));
        if top == 1 {
            let mut info = format!("n = {}  max bin {}", self.values.data.len(), max);
            if skipped > 0 {
                info.push_str(&format!("  ({skipped} NaN/inf left out)"));
            }
            pen.text(0, 0, &info, w, muted);
        }
        if bottom == 1 {
            let (a, b) = (tick(lo), tick(hi));
            pen.text(0, h - 1, &a, w, muted);
            pen.text_right(w, h - 1, &b, w.saturating_sub(a.len() as u16 + 1), muted);
        }
        let bar_h = (h - top - bottom) as usize;
        let bw = (w as usize / bins).max(1);
        let style = Style::new().fg(self.mode.ink(self.theme.bar));
        for (i, &n) in counts.iter().enumerate() {
            let eighths = (n as f64 / max as f64 * (bar_h * 8) as f64).round() as usize;
            for level in 0..bar_h {
                let fill = eighths.saturating_sub(level * 8).min(8);
                let y = top + (bar_h - 1 - level) as u16;
                for k in 0..bw.saturating_sub(usize::from(bw > 1)) {
                    pen.put((i * bw + k) as u16, y, LEVELS[fill], style);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_cover_every_finite_value() {
        let v = [0.0, 0.5, 1.0, 1.0, f32::NAN, 0.49];
        let (c, skipped) = bin_counts(&v, 2, 0.0, 1.0);
        assert_eq!(c, vec![2, 3]);
        assert_eq!(skipped, 1);
    }
}
