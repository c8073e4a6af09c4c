//! Drawing: `render(&App, &mut Frame)`. Never mutates state.

pub mod check;
pub mod contents;
pub mod help;
pub mod layout;
pub mod lesson;
pub mod markdown;
pub mod panes;
pub mod status;
pub mod terminal;
pub mod theme;
pub mod widgets;
pub mod wrap;

use crate::app::{App, Screen};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph, Wrap};

/// Draws the whole screen for the app's state.
pub fn render(app: &App, frame: &mut Frame) {
    let area = frame.area();
    let theme = &app.theme;
    frame.render_widget(
        Block::new().style(Style::new().fg(theme.fg).bg(theme.bg)),
        area,
    );
    if layout::too_small(area) {
        draw_too_small(app, frame, area);
        return;
    }
    match app.screen {
        Screen::Contents => contents::draw(app, frame, area),
        Screen::Lesson => lesson::draw(app, frame, area),
        Screen::Check => check::draw(app, frame, area),
    }
    if app.help_open {
        help::draw(app, frame, area);
    }
    fit_colours(frame.buffer_mut(), widgets::color::ColorMode::current());
}

/// On a 256-colour terminal (no COLORTERM=truecolor), every RGB colour of the screen, the
/// theme's text and borders included, becomes its nearest palette entry: such terminals draw
/// 24-bit colour codes wrongly or not at all.
pub fn fit_colours(buf: &mut ratatui::buffer::Buffer, mode: widgets::color::ColorMode) {
    if mode != widgets::color::ColorMode::Ansi256 {
        return;
    }
    for cell in buf.content.iter_mut() {
        cell.fg = mode.theme_color(cell.fg);
        cell.bg = mode.theme_color(cell.bg);
    }
}

/// The only thing drawn in a window below the minimum size.
fn draw_too_small(app: &App, frame: &mut Frame, area: Rect) {
    let theme = &app.theme;
    let lines = vec![
        Line::styled(
            format!(
                "llm-lab needs at least {}×{}",
                layout::MIN_WIDTH,
                layout::MIN_HEIGHT
            ),
            Style::new().fg(theme.accent).add_modifier(Modifier::BOLD),
        ),
        Line::styled(
            format!("this window is {}×{}", area.width, area.height),
            Style::new().fg(theme.fg),
        ),
        Line::styled(
            "enlarge it, or press q to quit",
            Style::new().fg(theme.muted),
        ),
    ];
    let top = area.height.saturating_sub(lines.len() as u16) / 2;
    let rect = Rect::new(area.x, area.y + top, area.width, area.height - top);
    frame.render_widget(
        Paragraph::new(lines).centered().wrap(Wrap { trim: true }),
        rect,
    );
}
