//! Tokens as chips: each token's text on a coloured block with its id beneath, wrapped to the
//! width of the pane; and the input/target table of next-token training pairs, where a target
//! has the colour of the input it copies (the one a position to its right), so the shift by one
//! shows as a diagonal.
//!
//! Neighbouring chips alternate between two shades derived from the theme. Without colour
//! (`NO_COLOR`, or a 16-colour terminal) the shades become reversed and underlined text, and a gap always separates chips,
//! so every boundary stays visible. Spaces inside tokens are drawn as `·`, newlines as `↵`; a byte
//! of a character split between tokens arrives from the tokenizer as hex, `<C3>`.
//!
//! What the Tokens view draws, by value:
//! - a 1-D tensor of ids whose axis-0 labels are the tokens' text: a strip of chips;
//! - a 3-D tensor (window, pair, position) whose pair labels are `input` and `target`: the
//!   training-pair table, one block per window;
//! - another tensor: each row of ids as a strip;
//! - text: its words as chips, without ids.

use crate::results::{Tensor, Value};
use crate::text::tokenizer::visible;
use crate::ui::theme::Theme;
use crate::ui::widgets::color::ColorMode;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

/// One token to draw.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chip {
    /// The token's text as it is in the input (spaces and newlines are made visible when drawn);
    /// a token holding part of a character comes with its loose bytes in hex, `<C3>`.
    pub text: String,
    /// Its id, shown beneath; none for text split into words.
    pub id: Option<u32>,
    /// Which of the two alternating shades it takes.
    pub shade: usize,
    /// Drawn stronger: the new token of a target row.
    pub emphasis: bool,
}

/// How chips are told apart.
#[derive(Clone, Copy, Debug)]
pub struct ChipLook<'a> {
    pub theme: &'a Theme,
    /// In [`ColorMode::Shades`] (`NO_COLOR`, 16 colours) the two shades become reversed and
    /// underlined text; in 256 colours the theme's colours are mapped into the palette.
    pub mode: ColorMode,
}

impl ChipLook<'_> {
    /// The style of a chip's text.
    pub fn chip(&self, shade: usize, emphasis: bool) -> Style {
        let theme = self.theme;
        if self.mode == ColorMode::Shades {
            let base = if shade.is_multiple_of(2) {
                Style::new().add_modifier(Modifier::REVERSED)
            } else {
                Style::new().add_modifier(Modifier::UNDERLINED)
            };
            return if emphasis {
                base.add_modifier(Modifier::BOLD)
            } else {
                base
            };
        }
        let bg = if emphasis {
            theme.positive
        } else if shade.is_multiple_of(2) {
            theme.highlight_bg
        } else {
            second_shade(theme)
        };
        let fg = readable_on(bg, theme.fg);
        let style = Style::new()
            .bg(self.mode.theme_color(bg))
            .fg(self.mode.theme_color(fg));
        if emphasis {
            style.add_modifier(Modifier::BOLD)
        } else {
            style
        }
    }

    /// The style of ids and labels.
    pub fn quiet(&self) -> Style {
        if self.mode != ColorMode::Shades {
            Style::new().fg(self.mode.theme_color(self.theme.muted))
        } else {
            Style::new()
        }
    }
}

/// The second chip shade: the highlight mixed with the accent for RGB themes, else the accent.
fn second_shade(theme: &Theme) -> Color {
    match (theme.highlight_bg, theme.accent) {
        (Color::Rgb(r1, g1, b1), Color::Rgb(r2, g2, b2)) => {
            let mix = |a: u8, b: u8| ((a as u16 * 3 + b as u16 * 2) / 5) as u8;
            Color::Rgb(mix(r1, r2), mix(g1, g2), mix(b1, b2))
        }
        (_, accent) => accent,
    }
}

/// Black or white text, whichever reads better on `bg`; `default` when `bg` is unknown.
fn readable_on(bg: Color, default: Color) -> Color {
    let luminance = match bg {
        Color::Rgb(r, g, b) => 0.299 * r as f32 + 0.587 * g as f32 + 0.114 * b as f32,
        Color::White | Color::Yellow | Color::LightGreen | Color::LightYellow | Color::Cyan => {
            255.0
        }
        Color::LightCyan | Color::LightRed | Color::Gray | Color::Green => 200.0,
        Color::Black | Color::Blue | Color::Red | Color::Magenta | Color::DarkGray => 40.0,
        _ => return default,
    };
    if luminance > 140.0 {
        Color::Black
    } else {
        Color::White
    }
}

fn text_width(s: &str) -> usize {
    Span::raw(s).width()
}

/// Cuts `s` to at most `max` columns, marking the cut with `…`.
fn fit(s: &str, max: usize) -> String {
    if text_width(s) <= max {
        return s.to_string();
    }
    let mut out = String::new();
    for c in s.chars() {
        if text_width(&out) + text_width(&c.to_string()) + 1 > max {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

/// A chip's column: its text and id, padded to the wider of the two (at most `max`).
fn column(chip: &Chip, max: usize) -> (String, String, usize) {
    let text = fit(&visible(&chip.text), max);
    let id = chip.id.map(|id| id.to_string()).unwrap_or_default();
    let w = text_width(&text).max(id.len()).min(max.max(1));
    (text, id, w)
}

/// Chips left to right, wrapped at `width` columns: a line of chips, then (if any chip has an
/// id) a line of ids beneath.
pub fn strip_lines(chips: &[Chip], width: u16, look: ChipLook<'_>) -> Vec<Line<'static>> {
    let width = (width as usize).max(1);
    let with_ids = chips.iter().any(|c| c.id.is_some());
    let mut lines = Vec::new();
    let (mut top, mut bottom): (Vec<Span>, Vec<Span>) = (Vec::new(), Vec::new());
    let mut used = 0;
    for chip in chips {
        let (text, id, w) = column(chip, width);
        if used > 0 && used + 1 + w > width {
            lines.push(Line::from(std::mem::take(&mut top)));
            if with_ids {
                lines.push(Line::from(std::mem::take(&mut bottom)));
            }
            used = 0;
        }
        if used > 0 {
            top.push(Span::raw(" "));
            bottom.push(Span::raw(" "));
            used += 1;
        }
        top.push(Span::styled(
            pad(&text, w),
            look.chip(chip.shade, chip.emphasis),
        ));
        bottom.push(Span::styled(pad(&id, w), look.quiet()));
        used += w;
    }
    if used > 0 {
        lines.push(Line::from(top));
        if with_ids {
            lines.push(Line::from(bottom));
        }
    }
    lines
}

fn pad(s: &str, w: usize) -> String {
    format!("{s}{}", " ".repeat(w.saturating_sub(text_width(s))))
}

/// The chips of a 1-D tensor of ids with the tokens' text as labels (ids alone without them).
pub fn chips_of(t: &Tensor) -> Vec<Chip> {
    let labels = t.labels.first().and_then(|l| l.as_ref());
    t.data
        .iter()
        .enumerate()
        .map(|(i, &id)| Chip {
            text: labels.map_or_else(|| id_text(id), |l| l[i].clone()),
            id: labels.map(|_| id as u32),
            shade: i,
            emphasis: false,
        })
        .collect()
}

fn id_text(id: f32) -> String {
    format!("{id:.0}")
}

/// Whether a tensor is a table of training pairs: (window, pair, position) with pair labels
/// `input` and `target`.
pub fn is_pair_table(t: &Tensor) -> bool {
    t.shape.len() == 3
        && t.shape[1] == 2
        && t.labels.get(1).and_then(|l| l.as_ref())
            == Some(&vec!["input".to_string(), "target".to_string()])
}

/// The training-pair table: for each window a heading (its label), then the input ids and the
/// target ids in aligned columns. Target `t` takes the shade of input `t + 1`, the token it
/// copies; the last target, which no input shows, is emphasised.
pub fn pair_table_lines(t: &Tensor, width: u16, look: ChipLook<'_>) -> Vec<Line<'static>> {
    let (windows, positions) = (t.shape[0], t.shape[2]);
    let window_labels = t.labels.first().and_then(|l| l.as_ref());
    let head_w = ["input", "target"]
        .iter()
        .map(|s| s.len())
        .max()
        .unwrap_or(0);
    let cell = |w: usize, pair: usize, p: usize| id_text(t.data[(w * 2 + pair) * positions + p]);
    let mut lines = Vec::new();
    for w_index in 0..windows {
        if let Some(labels) = window_labels {
            lines.push(Line::styled(labels[w_index].clone(), look.quiet()));
        }
        let widths: Vec<usize> = (0..positions)
            .map(|p| cell(w_index, 0, p).len().max(cell(w_index, 1, p).len()))
            .collect();
        // Columns that fit beside the row heading, block after block.
        let room = (width as usize).saturating_sub(head_w + 1).max(1);
        let mut start = 0;
        while start < positions {
            let mut end = start;
            let mut used = 0;
            while end < positions && (end == start || used + 1 + widths[end] <= room) {
                used += widths[end] + usize::from(end > start);
                end += 1;
            }
            for (pair, name) in ["input", "target"].iter().enumerate() {
                let mut spans = vec![Span::styled(format!("{name:<head_w$} "), look.quiet())];
                for (p, w) in widths.iter().enumerate().take(end).skip(start) {
                    if p > start {
                        spans.push(Span::raw(" "));
                    }
                    let shade = p + pair;
                    let emphasis = pair == 1 && p + 1 == positions;
                    let text = format!("{:>w$}", cell(w_index, pair, p), w = *w);
                    spans.push(Span::styled(text, look.chip(shade, emphasis)));
                }
                lines.push(Line::from(spans));
            }
            start = end;
        }
    }
    lines
}

/// The Tokens view of any value (see the module docs).
pub fn token_lines(value: &Value, width: u16, look: ChipLook<'_>) -> Vec<Line<'static>> {
    match value {
        Value::Tensor(t) if is_pair_table(t) => pair_table_lines(t, width, look),
        Value::Tensor(t) if t.shape.len() <= 1 => strip_lines(&chips_of(t), width, look),
        Value::Tensor(t) => {
            let cols = *t.shape.last().unwrap_or(&1);
            let rows = t.data.len() / cols.max(1);
            let mut lines = Vec::new();
            for r in 0..rows {
                let row = Tensor::new(vec![cols], t.data[r * cols..(r + 1) * cols].to_vec());
                lines.extend(strip_lines(&chips_of(&row), width, look));
            }
            lines
        }
        Value::Text(text) => {
            let chips: Vec<Chip> = text
                .split_whitespace()
                .enumerate()
                .map(|(i, word)| Chip {
                    text: word.to_string(),
                    id: None,
                    shade: i,
                    emphasis: false,
                })
                .collect();
            strip_lines(&chips, width, look)
        }
        Value::Chart { .. } => vec![Line::styled(
            "a chart cannot be shown as tokens".to_string(),
            look.quiet(),
        )],
    }
}

/// A strip of chips as a widget (for screens that draw tokens outside a pane).
pub struct TokenStrip<'a> {
    pub chips: &'a [Chip],
    pub look: ChipLook<'a>,
}

impl Widget for TokenStrip<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        Paragraph::new(strip_lines(self.chips, area.width, self.look)).render(area, buf);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    fn tokens(pieces: &[(&str, u32)]) -> Value {
        let t = Tensor::new(
            vec![pieces.len()],
            pieces.iter().map(|p| p.1 as f32).collect(),
        )
        .with_labels(0, pieces.iter().map(|p| p.0.to_string()).collect());
        Value::Tensor(t)
    }

    fn text_of(lines: &[Line]) -> Vec<String> {
        lines
            .iter()
            .map(|l| {
                l.spans
                    .iter()
                    .map(|s| s.content.as_ref())
                    .collect::<String>()
                    .trim_end()
                    .to_string()
            })
            .collect()
    }

    const BOOK: &[(&str, u32)] = &[
        ("Every", 6109),
        (" effort", 3626),
        (" moves", 6100),
        (" you", 345),
    ];

    #[test]
    fn chips_show_text_above_ids_and_wrap() {
        let theme = Theme::dark();
        let look = ChipLook {
            theme: &theme,
            mode: ColorMode::TrueColor,
        };
        let lines = token_lines(&tokens(BOOK), 80, look);
        assert_eq!(
            text_of(&lines),
            ["Every ·effort ·moves ·you", "6109  3626    6100   345"]
        );
        let narrow = token_lines(&tokens(BOOK), 14, look);
        assert_eq!(
            text_of(&narrow),
            ["Every ·effort", "6109  3626", "·moves ·you", "6100   345"]
        );
    }

    #[test]
    fn neighbours_alternate_shades_in_colour_and_without() {
        let theme = Theme::dark();
        for colour in [true, false] {
            let look = ChipLook {
                theme: &theme,
                mode: if colour {
                    ColorMode::TrueColor
                } else {
                    ColorMode::Shades
                },
            };
            let lines = token_lines(&tokens(BOOK), 80, look);
            let chips: Vec<Style> = lines[0].spans.iter().step_by(2).map(|s| s.style).collect();
            assert_eq!(chips.len(), 4);
            assert_ne!(chips[0], chips[1]);
            assert_eq!(chips[0], chips[2]);
            assert_eq!(chips[1], chips[3]);
            if !colour {
                assert!(chips.iter().all(|s| s.fg.is_none() && s.bg.is_none()));
            }
        }
    }

    #[test]
    fn the_pair_table_gives_a_target_the_shade_of_the_input_it_copies() {
        // Stream 10 11 12 13 14: one window of 4.
        let t = Tensor::new(vec![1, 2, 4], vec![10., 11., 12., 13., 11., 12., 13., 14.])
            .with_axes(&["window", "pair", "position"])
            .with_labels(0, vec!["window 0".into()])
            .with_labels(1, vec!["input".into(), "target".into()]);
        assert!(is_pair_table(&t));
        let theme = Theme::light();
        let look = ChipLook {
            theme: &theme,
            mode: ColorMode::TrueColor,
        };
        let lines = token_lines(&Value::Tensor(t), 60, look);
        assert_eq!(
            text_of(&lines),
            ["window 0", "input  10 11 12 13", "target 11 12 13 14"]
        );
        let chip = |line: usize, p: usize| lines[line].spans[1 + 2 * p].style;
        for p in 0..3 {
            assert_eq!(
                chip(2, p),
                chip(1, p + 1),
                "target {p} looks like input {}",
                p + 1
            );
        }
        assert!(
            chip(2, 3).add_modifier.contains(Modifier::BOLD),
            "the new token stands out"
        );
    }

    #[test]
    fn the_widget_renders_into_a_buffer() {
        let theme = Theme::high_contrast();
        let chips = chips_of(match &tokens(BOOK) {
            Value::Tensor(t) => t,
            _ => unreachable!(),
        });
        let mut terminal = Terminal::new(TestBackend::new(20, 4)).unwrap();
        terminal
            .draw(|f| {
                let look = ChipLook {
                    theme: &theme,
                    mode: ColorMode::TrueColor,
                };
                f.render_widget(
                    TokenStrip {
                        chips: &chips,
                        look,
                    },
                    f.area(),
                );
            })
            .unwrap();
        let buf = terminal.backend().buffer();
        let row = |y: u16| (0..20).map(|x| buf[(x, y)].symbol()).collect::<String>();
        assert_eq!(row(0).trim_end(), "Every ·effort ·moves");
        assert_eq!(row(1).trim_end(), "6109  3626    6100");
        assert_eq!(buf[(0, 0)].bg, theme.highlight_bg);
        assert_eq!(buf[(6, 0)].bg, second_shade(&theme));
        assert_eq!(row(2).trim_end(), "·you");

        // Without colour: reversed and underlined chips, in turn.
        terminal
            .draw(|f| {
                let look = ChipLook {
                    theme: &theme,
                    mode: ColorMode::Shades,
                };
                f.render_widget(
                    TokenStrip {
                        chips: &chips,
                        look,
                    },
                    f.area(),
                );
            })
            .unwrap();
        let buf = terminal.backend().buffer();
        assert!(buf[(0, 0)].modifier.contains(Modifier::REVERSED));
        assert!(buf[(6, 0)].modifier.contains(Modifier::UNDERLINED));
        assert!(buf[(14, 0)].modifier.contains(Modifier::REVERSED));
        assert_eq!(buf[(0, 0)].bg, Color::Reset);
    }
}
