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
use ratatui::style::{Color, Modifier, Style};
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

/// Below true colour, every RGB colour of the screen, the theme's text and borders included,
/// becomes the nearest colour the terminal has: a palette entry on a 256-colour terminal, one of
/// the 16 basic colours otherwise (such terminals draw 24-bit colour codes wrongly or not at
/// all; with NO_COLOR crossterm drops colour altogether).
pub fn fit_colours(buf: &mut ratatui::buffer::Buffer, mode: widgets::color::ColorMode) {
    use widgets::color::ColorMode;
    let fit = |c: Color| match (mode, c) {
        (ColorMode::TrueColor, _) => c,
        (ColorMode::Ansi256, _) => mode.theme_color(c),
        (ColorMode::Shades, Color::Rgb(r, g, b)) => nearest_basic((r, g, b)),
        (ColorMode::Shades, _) => c,
    };
    for cell in buf.content.iter_mut() {
        cell.fg = fit(cell.fg);
        cell.bg = match (mode, cell.bg) {
            (ColorMode::Shades, Color::Rgb(r, g, b)) => basic_surface((r, g, b)),
            (_, c) => fit(c),
        };
    }
}

/// A background for a 16-colour terminal. Such terminals mostly run on black, so a tinted dark
/// surface (the parameter strip, the selected line) that rounds to black would vanish into the
/// screen: it takes dark grey instead.
fn basic_surface(rgb: (u8, u8, u8)) -> Color {
    match nearest_basic(rgb) {
        Color::Black if rgb != (0, 0, 0) => Color::DarkGray,
        c => c,
    }
}

/// The closest of the 16 basic terminal colours (xterm's defaults) to an RGB colour.
fn nearest_basic(rgb: (u8, u8, u8)) -> Color {
    const BASIC: [(Color, (u8, u8, u8)); 16] = [
        (Color::Black, (0, 0, 0)),
        (Color::Red, (205, 0, 0)),
        (Color::Green, (0, 205, 0)),
        (Color::Yellow, (205, 205, 0)),
        (Color::Blue, (0, 0, 238)),
        (Color::Magenta, (205, 0, 205)),
        (Color::Cyan, (0, 205, 205)),
        (Color::Gray, (229, 229, 229)),
        (Color::DarkGray, (127, 127, 127)),
        (Color::LightRed, (255, 0, 0)),
        (Color::LightGreen, (0, 255, 0)),
        (Color::LightYellow, (255, 255, 0)),
        (Color::LightBlue, (92, 92, 255)),
        (Color::LightMagenta, (255, 0, 255)),
        (Color::LightCyan, (0, 255, 255)),
        (Color::White, (255, 255, 255)),
    ];
    let d = |a: u8, b: u8| (a as i32 - b as i32).pow(2);
    BASIC
        .iter()
        .min_by_key(|(_, c)| d(c.0, rgb.0) + d(c.1, rgb.1) + d(c.2, rgb.2))
        .map_or(Color::Reset, |(c, _)| *c)
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
