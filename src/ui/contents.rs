//! The table of contents: lessons grouped by part, done marks, the current lesson, and the
//! files that failed to load in their place.

use super::layout::inner;
use super::{lesson, status};
use crate::app::App;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

/// A row of the contents list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Row {
    Part(String),
    Lesson(usize),
}

/// The rows: a part heading wherever the part changes, then its lessons.
pub fn rows(app: &App) -> Vec<Row> {
    let mut rows = Vec::new();
    let mut part: Option<&str> = None;
    for i in 0..app.lessons.len() {
        let p = app.part_of(i);
        if part != Some(p) {
            if part.is_some() {
                rows.push(Row::Part(String::new()));
            }
            rows.push(Row::Part(p.to_string()));
            part = Some(p);
        }
        rows.push(Row::Lesson(i));
    }
    rows
}

fn areas(area: Rect) -> (Rect, Rect, Rect) {
    let [title, list, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(1),
    ])
    .areas(area);
    (title, list, status)
}

/// First row shown, so that the selected lesson is visible.
fn offset(rows: &[Row], cursor: usize, height: usize) -> usize {
    let at = rows
        .iter()
        .position(|r| *r == Row::Lesson(cursor))
        .unwrap_or(0);
    (at + 1).saturating_sub(height)
}

/// The lesson under a screen position (for clicks).
pub fn lesson_at(app: &App, at: Position) -> Option<usize> {
    let (_, list, _) = areas(app.area());
    let body = inner(list);
    if !body.contains(at) {
        return None;
    }
    let rows = rows(app);
    let first = offset(&rows, app.contents_cursor, body.height as usize);
    match rows.get(first + (at.y - body.y) as usize)? {
        Row::Lesson(i) => Some(*i),
        Row::Part(_) => None,
    }
}

pub fn draw(app: &App, frame: &mut Frame, area: Rect) {
    let theme = &app.theme;
    let (title, list, status_area) = areas(area);
    lesson::draw_title(app, frame, title);
    let done = app
        .lessons
        .iter()
        .flatten()
        .filter(|l| app.done.contains(&l.meta.id))
        .count();
    let block = Block::bordered()
        .border_style(Style::new().fg(theme.border))
        .title(Span::styled(
            " Contents ",
            Style::new().fg(theme.accent).add_modifier(Modifier::BOLD),
        ))
        .title(
            Line::styled(
                format!(" {done} of {} done ", app.lessons.len()),
                Style::new().fg(theme.muted),
            )
            .right_aligned(),
        );
    let body = inner(list);
    let rows = rows(app);
    let first = offset(&rows, app.contents_cursor, body.height as usize);
    let lines: Vec<Line> = rows[first..]
        .iter()
        .take(body.height as usize)
        .map(|row| row_line(app, row, body.width))
        .collect();
    frame.render_widget(Paragraph::new(lines).block(block), list);
    status::draw(app, frame, status_area);
}

fn row_line(app: &App, row: &Row, width: u16) -> Line<'static> {
    let theme = &app.theme;
    match row {
        Row::Part(part) => Line::styled(
            format!(" {part}"),
            Style::new().fg(theme.fg).add_modifier(Modifier::BOLD),
        ),
        Row::Lesson(i) => {
            let here = if *i == app.current { "▶" } else { " " };
            let mut spans = vec![Span::styled(
                format!("  {here} "),
                Style::new().fg(theme.accent),
            )];
            match &app.lessons[*i] {
                Ok(lesson) => {
                    let done = app.done.contains(&lesson.meta.id);
                    spans.push(Span::styled(
                        if done { "✓ " } else { "  " },
                        Style::new().fg(theme.positive),
                    ));
                    // The curriculum's number, so "lesson 7" means the same here and in the syllabus.
                    spans.push(Span::styled(
                        format!("{:>2}. ", lesson.meta.order),
                        Style::new().fg(theme.muted),
                    ));
                    spans.push(Span::styled(
                        lesson.meta.title.clone(),
                        Style::new().fg(theme.fg),
                    ));
                    spans.push(Span::styled(
                        format!("  {}", lesson.meta.id),
                        Style::new().fg(theme.muted),
                    ));
                }
                Err(errors) => {
                    spans.push(Span::styled("✗     ", Style::new().fg(theme.negative)));
                    let mut text = errors.first().map_or(String::new(), |e| e.to_string());
                    if errors.len() > 1 {
                        text.push_str(&format!(" (and {} more)", errors.len() - 1));
                    }
                    spans.push(Span::styled(text, Style::new().fg(theme.negative)));
                }
            }
            let mut line = Line::from(spans);
            if *i == app.contents_cursor {
                let used: usize = line
                    .spans
                    .iter()
                    .map(|s| super::wrap::width(&s.content))
                    .sum();
                let pad = (width as usize).saturating_sub(used);
                line.spans.push(Span::raw(" ".repeat(pad)));
                line = line.style(Style::new().bg(theme.highlight_bg));
            }
            line
        }
    }
}
