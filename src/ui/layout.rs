//! Where things go on the lesson screen. Pure geometry from the state and the window size, used
//! by drawing and by the app (to scroll exactly to the end, and to find what the mouse is over).

use super::{lesson, markdown, panes};
use crate::app::{App, Focus};
use crate::results::Value;
use ratatui::layout::{Constraint, Layout, Position, Rect};

/// Below this size the app only says how big it needs to be.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 16;

/// Rows a pane gets at least (borders plus three lines).
const MIN_PANE_HEIGHT: u16 = 5;

pub fn too_small(area: Rect) -> bool {
    area.width < MIN_WIDTH || area.height < MIN_HEIGHT
}

/// The regions of the lesson screen.
#[derive(Clone, Debug, PartialEq)]
pub struct LessonLayout {
    pub title: Rect,
    /// The prose pane, borders included.
    pub prose: Rect,
    /// The panes shown, by index into the lesson's panes, borders included.
    pub panes: Vec<(usize, Rect)>,
    /// Whether some panes did not fit (Tab brings them into view).
    pub some_hidden: bool,
    pub params: Rect,
    pub status: Rect,
}

/// Splits `area` for the lesson view.
pub fn lesson_layout(app: &App, area: Rect) -> LessonLayout {
    let strip = lesson::param_strip_height(app, area.width);
    let [title, body, params, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(strip),
        Constraint::Length(1),
    ])
    .areas(area);
    let n_panes = app.lesson().map_or(0, |l| l.meta.panes.len());
    if n_panes == 0 {
        return LessonLayout {
            title,
            prose: body,
            panes: vec![],
            some_hidden: false,
            params,
            status,
        };
    }
    // Prose takes two fifths, within limits that keep sentences readable and tables whole.
    let prose_w = (body.width * 2 / 5).clamp(28, 72).min(body.width / 2);
    let [prose, column] =
        Layout::horizontal([Constraint::Length(prose_w), Constraint::Min(0)]).areas(body);
    let (panes, some_hidden) = pane_column(app, column, n_panes);
    LessonLayout {
        title,
        prose,
        panes,
        some_hidden,
        params,
        status,
    }
}

/// Stacks the panes in `column`. When all fit at their minimum height, rows are shared out by
/// what each needs; otherwise a window of panes around the focused one is shown.
fn pane_column(app: &App, column: Rect, n: usize) -> (Vec<(usize, Rect)>, bool) {
    let fits = (column.height / MIN_PANE_HEIGHT).max(1) as usize;
    let (first, count) = if n <= fits {
        (0, n)
    } else {
        let focused = match app.focus {
            Focus::Pane(i) => i,
            Focus::Prose => 0,
        };
        (focused.saturating_sub(fits - 1), fits)
    };
    let wants: Vec<u16> = (first..first + count)
        .map(|i| desired_height(app, i, column.width))
        .collect();
    let heights = share_rows(column.height, &wants);
    let mut y = column.y;
    let mut placed = Vec::new();
    for (k, h) in heights.into_iter().enumerate() {
        placed.push((first + k, Rect::new(column.x, y, column.width, h)));
        y += h;
    }
    (placed, count < n)
}

/// Rows pane `i` would like: its content plus borders (a chart likes a dozen).
fn desired_height(app: &App, i: usize, width: u16) -> u16 {
    match pane_value(app, i) {
        Some(Ok(value)) => {
            let h = panes::content_height(
                value,
                pane_view(app, i),
                width.saturating_sub(2),
                &app.theme,
            );
            if h == 0 { 12 } else { h.saturating_add(2) }
        }
        _ => MIN_PANE_HEIGHT,
    }
}

/// Gives each pane at least the minimum, then hands out the remaining rows one at a time to
/// panes that want more; what is left goes to the last pane.
fn share_rows(total: u16, wants: &[u16]) -> Vec<u16> {
    let n = wants.len() as u16;
    if n == 0 {
        return vec![];
    }
    let base = (total / n).min(MIN_PANE_HEIGHT);
    let mut heights = vec![base; wants.len()];
    let mut left = total - base * n;
    while left > 0 {
        let mut gave = false;
        for (h, want) in heights.iter_mut().zip(wants) {
            if left > 0 && *h < *want {
                *h += 1;
                left -= 1;
                gave = true;
            }
        }
        if !gave {
            break;
        }
    }
    if let Some(last) = heights.last_mut() {
        *last += left;
    }
    heights
}

fn pane_view(app: &App, i: usize) -> crate::lessons::View {
    app.lesson()
        .and_then(|l| l.meta.panes.get(i))
        .map_or(crate::lessons::View::Table, |p| p.view)
}

/// The value pane `i` shows, or why it has none. `None` before the scene has run.
pub fn pane_value(app: &App, i: usize) -> Option<Result<&Value, String>> {
    let spec = app.lesson()?.meta.panes.get(i)?;
    match app.output.as_ref()? {
        Err(message) => Some(Err(message.clone())),
        Ok(output) => Some(output.get(&spec.result).ok_or_else(|| {
            format!(
                "the scene gave no result named \"{}\"; `llm-lab dump {}` lists its results",
                spec.result,
                app.lesson().map_or("", |l| l.meta.id.as_str())
            )
        })),
    }
}

/// Inside of a bordered rectangle.
pub fn inner(r: Rect) -> Rect {
    Rect::new(
        r.x.saturating_add(1),
        r.y.saturating_add(1),
        r.width.saturating_sub(2),
        r.height.saturating_sub(2),
    )
}

/// The rectangle (borders included) of the prose or a pane, if it is on screen.
fn rect_of(layout: &LessonLayout, target: Focus) -> Option<Rect> {
    match target {
        Focus::Prose => Some(layout.prose),
        Focus::Pane(i) => layout.panes.iter().find(|(k, _)| *k == i).map(|(_, r)| *r),
    }
}

/// Rows of body text inside the prose or a pane.
pub fn viewport_height(app: &App, target: Focus) -> u16 {
    let layout = lesson_layout(app, app.area());
    rect_of(&layout, target).map_or(1, |r| inner(r).height)
}

/// How far the prose or a pane can scroll before its last line reaches the bottom.
pub fn max_scroll(app: &App, target: Focus) -> u16 {
    let layout = lesson_layout(app, app.area());
    let Some(rect) = rect_of(&layout, target) else {
        return 0;
    };
    let inner = inner(rect);
    let content = match target {
        Focus::Prose => match app.lessons.get(app.current) {
            Some(Ok(lesson)) => markdown::render(&lesson.prose, &app.theme, inner.width).len(),
            _ => 0,
        },
        Focus::Pane(i) => match pane_value(app, i) {
            Some(Ok(value)) => {
                panes::content_height(value, pane_view(app, i), inner.width, &app.theme) as usize
            }
            _ => 0,
        },
    };
    content
        .saturating_sub(inner.height as usize)
        .min(u16::MAX as usize) as u16
}

/// The prose or pane under a screen position.
pub fn target_at(app: &App, at: Position) -> Option<Focus> {
    let layout = lesson_layout(app, app.area());
    if layout.prose.contains(at) {
        return Some(Focus::Prose);
    }
    layout
        .panes
        .iter()
        .find(|(_, r)| r.contains(at))
        .map(|(i, _)| Focus::Pane(*i))
}
