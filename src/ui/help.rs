//! The `?` overlay, written from the keymap table and the lesson's parameters, so it always
//! tells the truth about the keys.

use super::layout::inner;
use crate::app::keymap::{self, Context};
use crate::app::{App, params};
use crate::lessons::ParamKind;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph};

/// The sections of the help, in order.
const SECTIONS: [Context; 8] = [
    Context::Lesson,
    Context::Contents,
    Context::Check,
    Context::Answer,
    Context::Editing,
    Context::Help,
    Context::Global,
    Context::Always,
];

/// Every line of the help.
pub fn lines(app: &App) -> Vec<Line<'static>> {
    let theme = &app.theme;
    let heading = Style::new().fg(theme.fg).add_modifier(Modifier::BOLD);
    let key_style = Style::new().fg(theme.accent);
    let mut out = Vec::new();
    let section = |title: String, rows: Vec<(String, String)>, out: &mut Vec<Line<'static>>| {
        if rows.is_empty() {
            return;
        }
        if !out.is_empty() {
            out.push(Line::default());
        }
        out.push(Line::styled(title, heading));
        for (keys, what) in rows {
            out.push(Line::from(vec![
                Span::styled(format!("  {keys:<16}"), key_style),
                Span::raw(format!(" {what}")),
            ]));
        }
    };
    // What works on the screen under the overlay comes first, then the lesson's parameters,
    // then everything else.
    let mut contexts: Vec<Context> = app
        .screen_contexts()
        .into_iter()
        .filter(|c| !matches!(c, Context::Always | Context::Global))
        .collect();
    // Pane-local keys of the views this lesson shows.
    if let Some(lesson) = app.lesson() {
        for pane in &lesson.meta.panes {
            let ctx = Context::Pane(pane.view);
            if !contexts.contains(&ctx) {
                contexts.push(ctx);
            }
        }
    }
    let first = contexts.len();
    contexts.extend(
        SECTIONS
            .iter()
            .filter(|c| !contexts.contains(c))
            .copied()
            .collect::<Vec<_>>(),
    );
    for (n, ctx) in contexts.into_iter().enumerate() {
        if n == first {
            param_section(app, &mut out, &section);
        }
        let rows = keymap::bindings_for(&[ctx])
            .into_iter()
            .map(|b| (b.key_names(), b.description.to_string()))
            .collect();
        let title = match ctx {
            Context::Pane(view) => format!("Focused {view:?} pane").to_lowercase(),
            other => other.title().to_string(),
        };
        section(title, rows, &mut out);
    }
    out
}

type Section<'a> = dyn Fn(String, Vec<(String, String)>, &mut Vec<Line<'static>>) + 'a;

/// The current lesson's parameter keys, written from its file.
fn param_section(app: &App, out: &mut Vec<Line<'static>>, section: &Section<'_>) {
    if let Some(lesson) = app.lesson() {
        let rows = lesson
            .meta
            .params
            .iter()
            .map(|p| {
                let keys = match p.kind {
                    ParamKind::Text { .. } => p.key.to_string(),
                    _ if p.key.is_ascii_lowercase() => {
                        format!("{} / {}", p.key, p.key.to_ascii_uppercase())
                    }
                    _ => p.key.to_string(),
                };
                (keys, param_description(p))
            })
            .collect();
        section(
            format!("This lesson's parameters ({})", lesson.meta.title),
            rows,
            out,
        );
    }
}

fn param_description(p: &crate::lessons::ParamSpec) -> String {
    match &p.kind {
        ParamKind::Int { min, max, step, .. } => {
            format!("{} up / down by {step}, from {min} to {max}", p.label)
        }
        ParamKind::Float { min, max, step, .. } => {
            let d = params::decimals_of(*step);
            format!(
                "{} up / down by {step}, from {min:.d$} to {max:.d$}",
                p.label
            )
        }
        ParamKind::Choice { choices, .. } => {
            format!("{}: next / previous of {}", p.label, choices.join(", "))
        }
        ParamKind::Bool { .. } => format!("{}: on / off", p.label),
        ParamKind::Text { max_len, .. } => {
            format!("{}: type a new text (up to {max_len} characters)", p.label)
        }
    }
}

/// Where the overlay goes in a window of this size.
pub fn area(full: Rect) -> Rect {
    let w = full.width.saturating_sub(4).min(86);
    let h = full.height.saturating_sub(2);
    Rect::new(full.x + (full.width - w) / 2, full.y + 1, w, h)
}

/// How far the help can scroll.
pub fn max_scroll(app: &App) -> u16 {
    let body = inner(area(app.area()));
    lines(app).len().saturating_sub(body.height as usize) as u16
}

pub fn draw(app: &App, frame: &mut Frame, full: Rect) {
    let theme = &app.theme;
    let rect = area(full);
    let body_lines = lines(app);
    let total = body_lines.len();
    let mut block = Block::bordered()
        .border_type(BorderType::Double)
        .border_style(Style::new().fg(theme.focus_border))
        .title(Span::styled(
            " Keys — ? or Esc closes ",
            Style::new().fg(theme.accent).add_modifier(Modifier::BOLD),
        ))
        .style(Style::new().fg(theme.fg).bg(theme.bg));
    if let Some(pos) = super::lesson::scroll_position(app.help_scroll, inner(rect).height, total) {
        block = block.title_bottom(Line::styled(pos, Style::new().fg(theme.muted)).right_aligned());
    }
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(body_lines)
            .block(block)
            .scroll((app.help_scroll, 0)),
        rect,
    );
}
