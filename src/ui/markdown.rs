//! Lesson prose: markdown rendered with tui-markdown in the theme's colours, wrapped to a width.

use super::theme::Theme;
use super::wrap::wrap_lines;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use tui_markdown::{Options, StyleSheet};

/// The markdown styles, taken from a theme.
#[derive(Clone, Debug)]
struct Sheet {
    fg: Color,
    accent: Color,
    muted: Color,
    code_bg: Color,
    positive: Color,
}

impl Sheet {
    fn new(theme: &Theme) -> Self {
        Sheet {
            fg: theme.fg,
            accent: theme.accent,
            muted: theme.muted,
            code_bg: theme.highlight_bg,
            positive: theme.positive,
        }
    }
}

impl StyleSheet for Sheet {
    fn heading(&self, level: u8) -> Style {
        let style = Style::new().fg(self.accent).add_modifier(Modifier::BOLD);
        if level == 1 {
            style.add_modifier(Modifier::UNDERLINED)
        } else {
            style
        }
    }
    fn heading_marker(&self, _level: u8) -> &str {
        ""
    }
    fn code(&self) -> Style {
        Style::new().fg(self.positive).bg(self.code_bg)
    }
    fn link(&self) -> Style {
        Style::new()
            .fg(self.accent)
            .add_modifier(Modifier::UNDERLINED)
    }
    fn blockquote(&self) -> Style {
        Style::new().fg(self.muted).add_modifier(Modifier::ITALIC)
    }
    fn list_marker(&self) -> Style {
        Style::new().fg(self.accent)
    }
    fn table_header(&self) -> Style {
        Style::new().fg(self.fg).add_modifier(Modifier::BOLD)
    }
    fn code_block_fence(&self) -> &str {
        ""
    }
}

/// The prose as styled rows `width` cells wide.
pub fn render(prose: &str, theme: &Theme, width: u16) -> Vec<Line<'static>> {
    let options = Options::new(Sheet::new(theme));
    let text = tui_markdown::from_str_with_options(prose, &options);
    wrap_lines(&text.lines, width)
}

/// A lesson's prose without a first heading that only repeats the title (the prose pane's
/// border already shows it, and rows are precious at 80×24).
pub fn lesson_prose(lesson: &crate::lessons::Lesson) -> &str {
    let text = lesson.prose.trim_start();
    let (first, rest) = text.split_once('\n').unwrap_or((text, ""));
    match first.trim().strip_prefix("# ") {
        Some(heading) if heading.trim() == lesson.meta.title.trim() => rest,
        _ => &lesson.prose,
    }
}
