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

/// Stacks the panes in `column`. When every pane fits at the height it wants, all are shown.
/// Otherwise a window of whole panes around the focused one is shown (tables complete rather
/// than every pane cut to a sliver), and Tab brings the others into view.
fn pane_column(app: &App, column: Rect, n: usize) -> (Vec<(usize, Rect)>, bool) {
    let height = column.height;
    // One pane never takes more than two thirds of the column while others wait.
    let cap = (height * 2 / 3).max(MIN_PANE_HEIGHT);
    let wants: Vec<u16> = (0..n)
        .map(|i| desired_height(app, i, column.width).clamp(MIN_PANE_HEIGHT, cap))
        .collect();
    let (first, count) = if wants.iter().map(|w| *w as u32).sum::<u32>() <= height as u32 {
        (0, n)
    } else {
        let focused = match app.focus {
            Focus::Pane(i) => i,
            Focus::Prose => 0,
        };
        window(&wants, height, focused)
    };
    let heights = share_rows(height, &wants[first..first + count]);
    let mut y = column.y;
    let mut placed = Vec::new();
    for (k, h) in heights.into_iter().enumerate() {
        placed.push((first + k, Rect::new(column.x, y, column.width, h)));
        y += h;
    }
    (placed, count < n)
}

/// The panes to show around `focused`: back from it while whole panes fit, then forward; a last
/// pane that fits only at the minimum height is shown cut, as a hint that more follows.
fn window(wants: &[u16], height: u16, focused: usize) -> (usize, usize) {
    let mut used = wants[focused];
    let mut first = focused;
    while first > 0 && used + wants[first - 1] <= height {
        first -= 1;
        used += wants[first];
    }
    let mut end = focused + 1;
    while end < wants.len() && used + wants[end] <= height {
        used += wants[end];
        end += 1;
    }
    if end < wants.len() && used + MIN_PANE_HEIGHT <= height {
        end += 1;
    }
    (first, end - first)
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

/// Heights for the panes shown: each gets what it wants and the last one takes the rest (more
/// than it wants when all fit, a cut view when it is the hint that more follows). If even that
/// does not fit, the rows are split evenly.
fn share_rows(total: u16, wants: &[u16]) -> Vec<u16> {
    let Some((_, before_last)) = wants.split_last() else {
        return vec![];
    };
    let others: u32 = before_last.iter().map(|w| *w as u32).sum();
    if others < total as u32 {
        let mut heights = wants.to_vec();
        heights[wants.len() - 1] = total - others as u16;
        return heights;
    }
    let n = wants.len() as u16;
    let mut heights = vec![total / n; wants.len()];
    heights[wants.len() - 1] += total % n;
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
            Some(Ok(lesson)) => {
                markdown::render(markdown::lesson_prose(lesson), &app.theme, inner.width).len()
            }
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

/// How far pane `i` can scroll sideways before its widest row's end reaches the right edge.
pub fn max_hscroll(app: &App, i: usize) -> u16 {
    let layout = lesson_layout(app, app.area());
    let Some(rect) = rect_of(&layout, Focus::Pane(i)) else {
        return 0;
    };
    let inner = inner(rect);
    match pane_value(app, i) {
        Some(Ok(value)) => panes::content_width(value, pane_view(app, i), inner.width, &app.theme)
            .saturating_sub(inner.width),
        _ => 0,
    }
}

/// The prose or pane under a screen position.
pub fn target_at(app: &App, at: Position) -> Option<Focus> {
    let layout = lesson_layout(app, app.area());
    if layout.prose.contains(at) {
        return Some(Focus::Prose);
    }
    if app.panes_hidden() {
        return None;
    }
    layout
        .panes
        .iter()
        .find(|(_, r)| r.contains(at))
        .map(|(i, _)| Focus::Pane(*i))
}
