//! The status bar: the keys that work here (from the keymap), a notice, and the seed.

use super::widgets::view::{self as widget_view, ViewInput};
use super::wrap::width;
use crate::app::{App, Focus, Screen, keymap};
use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// The key hints for the current state: for every binding that has a short name, the first of
/// its keys that really reaches it here (none when a more specific context took them all).
/// Slice keys only show for a tensor that has slices.
pub fn hints(app: &App) -> Vec<(String, &'static str)> {
    let contexts = app.contexts();
    let slices = focused_has_slices(app);
    keymap::bindings_for(&contexts)
        .into_iter()
        .filter(|b| slices || b.action != keymap::Action::NextSlice)
        .filter_map(|b| {
            let short = b.short?;
            let key = keymap::live_keys(&contexts, b).into_iter().next()?;
            Some((key.name(), short))
        })
        .collect()
}

/// Whether the focused pane shows a tensor of more than two axes (batches or heads to page).
fn focused_has_slices(app: &App) -> bool {
    let Focus::Pane(i) = app.focus else {
        return false;
    };
    let (Some(spec), Some(Ok(output))) = (
        app.lesson().and_then(|l| l.meta.panes.get(i)),
        app.output.as_ref(),
    ) else {
        return false;
    };
    matches!(output.get(&spec.result), Some(crate::results::Value::Tensor(t)) if t.shape.len() > 2)
}

/// What the focused heatmap or attention pane's cursor points at, e.g.
/// `weights[1, 5] = 0.1581 (journey → step)`.
pub fn cursor_readout(app: &App) -> Option<String> {
    // Only over the lesson itself: not under the check view, the help or a text box.
    if app.screen != Screen::Lesson || app.help_open || app.editing.is_some() {
        return None;
    }
    let Focus::Pane(i) = app.focus else {
        return None;
    };
    let spec = app.lesson()?.meta.panes.get(i)?;
    if !widget_view::has_cursor(spec.view) {
        return None;
    }
    let output = app.output.as_ref()?.as_ref().ok()?;
    let value = output.get(&spec.result)?;
    let default = Default::default();
    let input = ViewInput {
        name: &spec.result,
        value,
        view: spec.view,
        output: Some(output),
        theme: &app.theme,
        mode: super::widgets::color::ColorMode::current(),
        state: app.cursors.get(i).unwrap_or(&default),
        focused: true,
    };
    widget_view::readout(&input)
}

pub fn draw(app: &App, frame: &mut Frame, area: Rect) {
    let theme = &app.theme;
    let mut right = Vec::new();
    if app.save_error.is_some() {
        right.push(Span::styled("not saving ", Style::new().fg(theme.negative)));
    }
    right.push(Span::styled(
        format!("seed {} ", app.seed),
        Style::new().fg(theme.muted),
    ));
    let right_w: usize = right.iter().map(|s| width(&s.content)).sum();
    let room = (area.width as usize).saturating_sub(right_w + 1);
    let left = match &app.notice {
        Some(notice) => Line::from(Span::styled(
            super::panes::pane_title(notice, "", room)
                .trim_end()
                .to_string(),
            Style::new().fg(theme.accent).add_modifier(Modifier::BOLD),
        )),
        None => {
            // The help key always shows: it is the way to every other key.
            let (help, rest): (Vec<_>, Vec<_>) = hints(app)
                .into_iter()
                .partition(|(_, what)| *what == "help");
            let help_w: usize = help.iter().map(|(k, w)| width(k) + width(w) + 3).sum();
            let mut spans = vec![Span::raw(" ")];
            let mut used = 1 + help_w;
            if let Some(readout) = cursor_readout(app) {
                let text = format!("{readout}  ");
                used += width(&text);
                spans.push(Span::styled(
                    text,
                    Style::new().fg(theme.fg).add_modifier(Modifier::BOLD),
                ));
            }
            let mut shown = Vec::new();
            for (key, what) in rest {
                let w = width(&key) + 1 + width(what) + 2;
                if used + w > room {
                    break;
                }
                used += w;
                shown.push((key, what));
            }
            for (key, what) in shown.into_iter().chain(help) {
                spans.push(Span::styled(key, Style::new().fg(theme.accent)));
                spans.push(Span::styled(
                    format!(" {what}  "),
                    Style::new().fg(theme.muted),
                ));
            }
            Line::from(spans)
        }
    };
    frame.render_widget(Paragraph::new(left), area);
    frame.render_widget(
        Paragraph::new(Line::from(right)).alignment(Alignment::Right),
        area,
    );
}
