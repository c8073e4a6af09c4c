//! The check view: one question at a time, the learner's answer, right or wrong, and the why.

use super::layout::inner;
use super::wrap::wrap_lines;
use super::{lesson, status};
use crate::app::App;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Paragraph};

pub fn draw(app: &App, frame: &mut Frame, area: Rect) {
    let theme = &app.theme;
    let [title, body, status_area] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(1),
    ])
    .areas(area);
    lesson::draw_title(app, frame, title);
    status::draw(app, frame, status_area);
    let (Some(state), Some(lesson), Some(question)) =
        (app.check.as_ref(), app.lesson(), app.current_question())
    else {
        return;
    };
    let n = state.outcomes.len();
    let marks: Vec<Span> = state
        .outcomes
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let (glyph, colour) = match o {
                Some(o) if o.correct => ("✓", theme.positive),
                Some(_) => ("✗", theme.negative),
                None => ("·", theme.muted),
            };
            let style = Style::new().fg(colour);
            let style = if i == state.index {
                style.add_modifier(Modifier::REVERSED)
            } else {
                style
            };
            Span::styled(format!(" {glyph} "), style)
        })
        .collect();
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(Style::new().fg(theme.focus_border))
        .title(Span::styled(
            format!(
                " Check · {} · question {} of {n} ",
                lesson.meta.title,
                state.index + 1
            ),
            Style::new().fg(theme.accent).add_modifier(Modifier::BOLD),
        ))
        .title_bottom(Line::from(marks).right_aligned());
    let inside = inner(body);
    frame.render_widget(block, body);
    let inside = Rect::new(
        inside.x + 1,
        inside.y,
        inside.width.saturating_sub(2),
        inside.height,
    );
    let w = inside.width;

    let mut top: Vec<Line> = vec![Line::styled(
        question.question.clone(),
        Style::new().fg(theme.fg).add_modifier(Modifier::BOLD),
    )];
    top.push(Line::default());
    let outcome = state.outcomes[state.index].as_ref();
    for (i, choice) in question.choices.iter().enumerate() {
        let mut spans = vec![
            Span::styled(format!("  {}) ", i + 1), Style::new().fg(theme.accent)),
            Span::raw(choice.clone()),
        ];
        if let Some(o) = outcome.filter(|o| o.given == *choice) {
            let (mark, colour) = if o.correct {
                (" ✓", theme.positive)
            } else {
                (" ✗", theme.negative)
            };
            spans.push(Span::styled(
                mark,
                Style::new().fg(colour).add_modifier(Modifier::BOLD),
            ));
        }
        top.push(Line::from(spans));
    }
    let top = wrap_lines(&top, w);
    let typed = question.choices.is_empty();
    let [question_area, answer_area, feedback_area] = Layout::vertical([
        Constraint::Length(top.len() as u16),
        Constraint::Length(if typed { 3 } else { 0 }),
        Constraint::Min(0),
    ])
    .areas(inside);
    frame.render_widget(Paragraph::new(top), question_area);
    if typed {
        let mut text = state.answer.clone();
        text.set_block(
            Block::bordered()
                .border_style(Style::new().fg(theme.focus_border))
                .title(" your answer (Enter checks it) "),
        );
        text.set_style(Style::new().fg(theme.fg));
        text.set_cursor_line_style(Style::new());
        text.set_cursor_style(Style::new().add_modifier(Modifier::REVERSED));
        frame.render_widget(&text, answer_area);
    }
    let mut feedback = vec![Line::default()];
    match outcome {
        Some(o) if o.correct => feedback.push(Line::styled(
            format!("✓ Right: {}", o.given),
            Style::new().fg(theme.positive).add_modifier(Modifier::BOLD),
        )),
        Some(o) => feedback.push(Line::styled(
            format!("✗ Not quite: {} — try again.", o.given),
            Style::new().fg(theme.negative).add_modifier(Modifier::BOLD),
        )),
        None => feedback.push(Line::styled(
            if typed {
                "Type your answer and press Enter."
            } else {
                "Press the number of your answer."
            },
            Style::new().fg(theme.muted),
        )),
    }
    if outcome.is_some() {
        feedback.push(Line::default());
        feedback.push(Line::styled(
            question.explanation.clone(),
            Style::new().fg(theme.fg),
        ));
    }
    if app.lesson().is_some_and(|l| app.done.contains(&l.meta.id)) {
        feedback.push(Line::default());
        feedback.push(Line::styled(
            "Every question answered right: this lesson is done ✓",
            Style::new().fg(theme.positive),
        ));
    }
    frame.render_widget(Paragraph::new(wrap_lines(&feedback, w)), feedback_area);
}
