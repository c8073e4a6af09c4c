//! The lesson view: title bar, prose beside the live panes, the parameter strip, the status bar.

use super::layout::{self, LessonLayout, inner};
use super::panes::{self, PaneLook};
use super::{markdown, status, wrap::width};
use crate::app::{App, Focus, params};
use crate::lessons::{Lesson, LessonError, ParamKind, ParamSpec};
use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Paragraph};

pub fn draw(app: &App, frame: &mut Frame, area: Rect) {
    let layout = layout::lesson_layout(app, area);
    draw_title(app, frame, layout.title);
    match app.lessons.get(app.current) {
        Some(Ok(lesson)) => {
            draw_prose(app, frame, &layout, lesson);
            draw_panes(app, frame, &layout, lesson);
        }
        Some(Err(errors)) => draw_broken(app, frame, layout.prose, errors),
        None => draw_broken(app, frame, layout.prose, &[]),
    }
    draw_params(app, frame, layout.params);
    status::draw(app, frame, layout.status);
}

/// " llm-lab · part" on the left, "lesson 3 of 12 ✓ done" on the right.
pub fn draw_title(app: &App, frame: &mut Frame, area: Rect) {
    let theme = &app.theme;
    // A broken file has no part of its own (it sorts after the others): say what it is instead.
    let part = match app.lessons.get(app.current) {
        Some(Err(errors)) => errors.first().map_or_else(
            || "a lesson file that could not be loaded".to_string(),
            |e| {
                let name = e.file.file_name().map(|n| n.to_string_lossy().into_owned());
                format!("{} could not be loaded", name.unwrap_or_default())
            },
        ),
        _ => app.part_of(app.current).to_string(),
    };
    let left = Line::from(vec![
        Span::styled(
            " llm-lab ",
            Style::new().fg(theme.accent).add_modifier(Modifier::BOLD),
        ),
        Span::styled(format!("· {part}"), Style::new().fg(theme.muted)),
    ]);
    let mut right = vec![Span::styled(
        format!("{} ", lesson_number(app)),
        Style::new().fg(theme.muted),
    )];
    if app.lesson().is_some_and(|l| app.done.contains(&l.meta.id)) {
        right.push(Span::styled("✓ done ", Style::new().fg(theme.positive)));
    }
    frame.render_widget(Paragraph::new(left), area);
    frame.render_widget(
        Paragraph::new(Line::from(right)).alignment(Alignment::Right),
        area,
    );
}

/// "lesson 5 · 4 of 8": the lesson's number in the curriculum (the one the contents shows), then
/// its place among the lessons loaded when the two differ (a curriculum lesson may be missing).
pub fn lesson_number(app: &App) -> String {
    let place = app.current + 1;
    let total = app.lessons.len();
    match app.lesson().map(|l| l.meta.order) {
        Some(order) if order as usize != place => format!("lesson {order} · {place} of {total}"),
        _ => format!("lesson {place} of {total}"),
    }
}

fn focus_block<'a>(app: &App, focused: bool, title: String) -> Block<'a> {
    let theme = &app.theme;
    let (border_type, style) = if focused {
        (
            BorderType::Thick,
            Style::new()
                .fg(theme.focus_border)
                .add_modifier(Modifier::BOLD),
        )
    } else {
        (BorderType::Plain, Style::new().fg(theme.border))
    };
    Block::bordered()
        .border_type(border_type)
        .border_style(style)
        .title(Span::styled(
            title,
            Style::new().fg(theme.accent).add_modifier(Modifier::BOLD),
        ))
}

fn draw_prose(app: &App, frame: &mut Frame, layout: &LessonLayout, lesson: &Lesson) {
    let area = layout.prose;
    let body = inner(area);
    let lines = markdown::render(markdown::lesson_prose(lesson), &app.theme, body.width);
    let total = lines.len();
    let mut block = focus_block(
        app,
        app.focus == Focus::Prose,
        super::panes::pane_title(
            &lesson.meta.title,
            "",
            area.width.saturating_sub(2) as usize,
        ),
    );
    if let Some(pos) = scroll_position(app.scrolls.prose, body.height, total) {
        block =
            block.title_bottom(Line::styled(pos, Style::new().fg(app.theme.muted)).right_aligned());
    }
    let para = Paragraph::new(lines)
        .block(block)
        .style(Style::new().fg(app.theme.fg))
        .scroll((app.scrolls.prose, 0));
    frame.render_widget(para, area);
}

/// " 12–30 of 41 " when the text is longer than its box.
pub fn scroll_position(scroll: u16, height: u16, total: usize) -> Option<String> {
    if total <= height as usize || height == 0 {
        return None;
    }
    let first = scroll as usize + 1;
    let last = (scroll as usize + height as usize).min(total);
    Some(format!(" {first}–{last} of {total} "))
}

fn draw_panes(app: &App, frame: &mut Frame, layout: &LessonLayout, lesson: &Lesson) {
    // The whole computation refused (a corpus too short, say): say it once, in full, over the
    // pane column, rather than the same cut-off message in every pane.
    if let Some(Err(message)) = &app.output
        && let Some(area) = layout
            .panes
            .iter()
            .map(|(_, r)| *r)
            .reduce(|a, b| a.union(b))
    {
        let theme = &app.theme;
        let lines = vec![
            Line::styled(message.clone(), Style::new().fg(theme.negative)),
            Line::default(),
            Line::styled(
                "Change a parameter, or start the lab with other input; the panes come back as soon as the computation succeeds.",
                Style::new().fg(theme.muted),
            ),
        ];
        let lines = super::wrap::wrap_lines(&lines, inner(area).width);
        let block = focus_block(app, false, " This lesson's computation stopped ".into());
        frame.render_widget(Paragraph::new(lines).block(block), area);
        return;
    }
    let n = lesson.meta.panes.len();
    for (i, rect) in &layout.panes {
        let spec = &lesson.meta.panes[*i];
        let badge = layout.some_hidden.then(|| format!("{}/{n} Tab", i + 1));
        let look = PaneLook {
            theme: &app.theme,
            focused: app.focus == Focus::Pane(*i),
            scroll: app.scrolls.panes.get(*i).copied().unwrap_or(0),
            hscroll: app.scrolls.pane_cols.get(*i).copied().unwrap_or(0),
            badge: badge.as_deref(),
            cursor: app.cursors.get(*i),
            output: app.output.as_ref().and_then(|o| o.as_ref().ok()),
        };
        match layout::pane_value(app, *i) {
            Some(Ok(value)) => panes::draw_pane(frame, *rect, spec, Ok(value), look),
            Some(Err(message)) => panes::draw_pane(frame, *rect, spec, Err(&message), look),
            None => panes::draw_pane(frame, *rect, spec, Err("computing…"), look),
        }
    }
}

fn draw_broken(app: &App, frame: &mut Frame, area: Rect, errors: &[LessonError]) {
    let theme = &app.theme;
    let block = focus_block(app, false, " This lesson could not be loaded ".into());
    let mut lines: Vec<Line> = errors
        .iter()
        .map(|e| Line::styled(e.to_string(), Style::new().fg(theme.negative)))
        .collect();
    if errors.is_empty() {
        lines.push(Line::styled(
            "there are no lessons to show",
            Style::new().fg(theme.negative),
        ));
    }
    lines.extend([
        Line::default(),
        Line::styled(
            "Fix the file and start again (with --lessons DIR it reloads by itself); \
             `llm-lab lessons check DIR` lists every problem.",
            Style::new().fg(theme.muted),
        ),
    ]);
    let lines = super::wrap::wrap_lines(&lines, inner(area).width);
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

/// One parameter as spans: "temperature 1.0 t/T".
fn param_item(app: &App, spec: &ParamSpec) -> Vec<Span<'static>> {
    let theme = &app.theme;
    let value = app
        .current_params()
        .and_then(|v| v.get(&spec.name))
        .cloned()
        .unwrap_or_else(|| crate::lessons::default_value(&spec.kind));
    let keys = match spec.kind {
        ParamKind::Text { .. } => format!("{} edit", spec.key),
        _ if spec.key.is_ascii_lowercase() => {
            format!("{}/{}", spec.key, spec.key.to_ascii_uppercase())
        }
        _ => spec.key.to_string(),
    };
    vec![
        Span::styled(format!("{} ", spec.label), Style::new().fg(theme.fg)),
        Span::styled(
            params::format_value(spec, &value),
            Style::new().fg(theme.fg).add_modifier(Modifier::BOLD),
        ),
        Span::styled(format!(" {keys}"), Style::new().fg(theme.accent)),
    ]
}

/// The parameter items packed into rows of `width` cells.
fn param_rows(app: &App, width_cells: u16) -> Vec<Line<'static>> {
    let Some(lesson) = app.lesson() else {
        return vec![];
    };
    let mut rows: Vec<Line<'static>> = Vec::new();
    let mut row: Vec<Span<'static>> = vec![];
    let mut used = 0;
    for spec in &lesson.meta.params {
        let item = param_item(app, spec);
        let w: usize = item.iter().map(|s| width(&s.content)).sum();
        if used > 0 && used + 3 + w > width_cells as usize {
            rows.push(Line::from(std::mem::take(&mut row)));
            used = 0;
        }
        row.push(Span::raw(if used == 0 { " " } else { "   " }));
        used += if used == 0 { 1 } else { 3 };
        row.extend(item);
        used += w;
    }
    if !row.is_empty() {
        rows.push(Line::from(row));
    }
    rows
}

/// Rows the parameter strip takes (plus one for the edit box while typing).
pub fn param_strip_height(app: &App, width: u16) -> u16 {
    let rows = param_rows(app, width).len().min(4) as u16;
    rows + app.editing.is_some() as u16
}

fn draw_params(app: &App, frame: &mut Frame, area: Rect) {
    if area.height == 0 {
        return;
    }
    let theme = &app.theme;
    let bar = Style::new().bg(theme.highlight_bg);
    frame.render_widget(Block::new().style(bar), area);
    let mut rows_area = area;
    if let Some(edit) = &app.editing {
        let label = app
            .lesson()
            .and_then(|l| l.meta.params.iter().find(|p| p.name == edit.param))
            .map_or(edit.param.clone(), |p| p.label.clone());
        let prefix = format!(" {label}: ");
        let pw = width(&prefix) as u16;
        let row = Rect::new(area.x, area.y, area.width, 1);
        frame.render_widget(
            Paragraph::new(Span::styled(prefix, Style::new().fg(theme.accent))).style(bar),
            row,
        );
        let mut text = edit.area.clone();
        text.set_style(Style::new().fg(theme.fg).bg(theme.highlight_bg));
        text.set_cursor_line_style(Style::new());
        text.set_cursor_style(Style::new().add_modifier(Modifier::REVERSED));
        let boxed = Rect::new(row.x + pw, row.y, row.width.saturating_sub(pw), 1);
        frame.render_widget(&text, boxed);
        rows_area = Rect::new(area.x, area.y + 1, area.width, area.height - 1);
    }
    let rows = param_rows(app, area.width);
    frame.render_widget(Paragraph::new(rows).style(bar), rows_area);
}
