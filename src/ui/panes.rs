//! Drawing one scene result in one pane: a [`Value`] with a [`View`] into a rectangle.
//!
//! Table, Bars and Text are drawn here. Heatmap, Attention, Scatter, Histogram, Line and
//! shape-trace Shapes are drawn by the widgets (see [`crate::ui::widgets::view`]); Tokens by
//! the token strip; free-text Shapes fall back to text (the pane title names the view).

use super::theme::Theme;
use super::widgets::color::ColorMode;
use super::widgets::heatmap::HeatmapState;
use super::widgets::token_strip;
use super::widgets::view::{self as widget_view, ViewInput};
use super::wrap::{width, wrap_lines};
use crate::lessons::{PaneSpec, View};
use crate::results::{SceneOutput, Series, Tensor, Value};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Block, BorderType, Chart, Dataset, GraphType, Paragraph};

/// How a pane is drawn besides its value.
#[derive(Clone, Copy, Debug)]
pub struct PaneLook<'a> {
    pub theme: &'a Theme,
    pub focused: bool,
    /// First row of the body shown.
    pub scroll: u16,
    /// First column of the body shown.
    pub hscroll: u16,
    /// Extra words for the title, e.g. "2/4" when not every pane fits.
    pub badge: Option<&'a str>,
    /// Cursor, slice and zoom of a heatmap or attention pane.
    pub cursor: Option<&'a HeatmapState>,
    /// The whole scene output, for companion results (an attention pane's `NAME_mask`).
    pub output: Option<&'a SceneOutput>,
}

/// What a pane's body is.
pub enum Body {
    /// Rows of text, scrolled.
    Lines(Vec<Line<'static>>),
    /// A line chart that fills the pane.
    Chart(Vec<Series>, String, String),
}

/// Draws the pane for `spec` with its value, or the reason there is none, into `area`.
pub fn draw_pane(
    frame: &mut Frame,
    area: Rect,
    spec: &PaneSpec,
    value: Result<&Value, &str>,
    look: PaneLook<'_>,
) {
    let theme = look.theme;
    let mut suffix = String::new();
    if let Ok(Value::Tensor(t)) = value {
        suffix.push_str(&format!("{} ", shape_text(&t.shape)));
    }
    let by_widget = value.is_ok_and(|v| widget_view::handles(spec.view, v));
    if let Some(name) = fallback_view_name(spec.view).filter(|_| !by_widget) {
        suffix.push_str(&format!("[{name}] "));
    }
    if let Some(badge) = look.badge {
        suffix.push_str(&format!("{badge} "));
    }
    let title = pane_title(
        spec.title.as_deref().unwrap_or(&spec.result),
        &suffix,
        area.width.saturating_sub(2) as usize,
    );
    let border = if look.focused {
        Style::new()
            .fg(theme.focus_border)
            .add_modifier(Modifier::BOLD)
    } else {
        Style::new().fg(theme.border)
    };
    let block = Block::bordered()
        .border_type(if look.focused {
            BorderType::Thick
        } else {
            BorderType::Plain
        })
        .border_style(border)
        .title(Span::styled(title, Style::new().fg(theme.accent)));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    match value {
        Err(message) => {
            let lines = wrap_lines(&[Line::from(message.to_string())], inner.width);
            let para = Paragraph::new(lines).style(Style::new().fg(theme.negative));
            frame.render_widget(para, inner);
        }
        Ok(value) if by_widget => {
            let default = HeatmapState::default();
            let input = ViewInput {
                name: &spec.result,
                value,
                view: spec.view,
                output: look.output,
                theme,
                mode: ColorMode::current(),
                state: look.cursor.unwrap_or(&default),
                focused: look.focused,
            };
            widget_view::render(&input, inner, frame.buffer_mut());
        }
        Ok(value) => match body(value, spec.view, inner.width, theme) {
            Body::Lines(lines) => {
                let para = Paragraph::new(lines)
                    .style(Style::new().fg(theme.fg))
                    .scroll((look.scroll, look.hscroll));
                frame.render_widget(para, inner);
            }
            Body::Chart(series, x_label, y_label) => {
                draw_chart(frame, inner, &series, &x_label, &y_label, theme)
            }
        },
    }
}

/// " title shape badge " cut to `room` columns: the title gives way (ending in …) before the
/// shape and the `2/6 Tab` badge, which say how big the result is and how to reach the pane.
pub fn pane_title(title: &str, suffix: &str, room: usize) -> String {
    let full = format!(" {title} {suffix}");
    if width(full.trim_end()) <= room {
        return full;
    }
    let keep = room.saturating_sub(width(suffix) + 3);
    if keep == 0 {
        return full;
    }
    let mut cut = String::new();
    for c in title.chars() {
        if width(&cut) + width(&c.to_string()) > keep {
            break;
        }
        cut.push(c);
    }
    format!(" {}… {suffix}", cut.trim_end())
}

/// Rows the body of a pane takes at this inner width (a chart fits any height: 0).
pub fn content_height(value: &Value, view: View, inner_width: u16, theme: &Theme) -> u16 {
    if widget_view::handles(view, value) {
        return widget_view::preferred_height(view, value, inner_width);
    }
    match body(value, view, inner_width, theme) {
        Body::Lines(lines) => lines.len().min(u16::MAX as usize) as u16,
        Body::Chart(..) => 0,
    }
}

/// Columns the widest row of a pane's body takes at this inner width (a chart: 0).
pub fn content_width(value: &Value, view: View, inner_width: u16, theme: &Theme) -> u16 {
    match body(value, view, inner_width, theme) {
        Body::Lines(lines) => lines
            .iter()
            .map(|l| l.width())
            .max()
            .unwrap_or(0)
            .min(u16::MAX as usize) as u16,
        Body::Chart(..) => 0,
    }
}

/// The view drawn for now as a table, if `view` is one of those.
fn fallback_view_name(view: View) -> Option<&'static str> {
    match view {
        View::Heatmap => Some("heatmap"),
        View::Attention => Some("attention"),
        View::Scatter => Some("scatter"),
        View::Histogram => Some("histogram"),
        View::Shapes => Some("shapes"),
        View::Table | View::Bars | View::Line | View::Text | View::Tokens => None,
    }
}

/// The body of a pane: the view's drawing of the value.
pub fn body(value: &Value, view: View, width: u16, theme: &Theme) -> Body {
    match (view, value) {
        (View::Text, Value::Text(text)) => Body::Lines(text_lines(text, width)),
        (View::Bars, Value::Tensor(t)) => Body::Lines(bar_lines(t, width, theme)),
        (View::Tokens, _) => Body::Lines(token_strip::token_lines(
            value,
            width,
            token_strip::ChipLook {
                theme,
                mode: ColorMode::current(),
            },
        )),
        (View::Table, Value::Chart { series, .. }) => Body::Lines(points_table(series, theme)),
        (
            _,
            Value::Chart {
                series,
                x_label,
                y_label,
            },
        ) => Body::Chart(series.clone(), x_label.clone(), y_label.clone()),
        (_, Value::Tensor(t)) => Body::Lines(fitted_table(t, width, theme)),
        (_, Value::Text(text)) => Body::Lines(text_lines(text, width)),
    }
}

fn text_lines(text: &str, width: u16) -> Vec<Line<'static>> {
    let lines: Vec<Line> = text.lines().map(Line::from).collect();
    wrap_lines(&lines, width)
}

/// "(6×3)".
pub fn shape_text(shape: &[usize]) -> String {
    let dims: Vec<String> = shape.iter().map(|d| d.to_string()).collect();
    format!("({})", dims.join("×"))
}

/// How every number of one tensor is written: whole numbers stay whole, the rest get 4
/// decimals (as PyTorch prints them), very large or small magnitudes go scientific.
struct NumberFormat {
    whole: bool,
    scientific: bool,
    /// Decimals for plain numbers (4 unless a narrow pane needs fewer).
    decimals: usize,
}

impl NumberFormat {
    fn for_data(data: &[f32]) -> Self {
        let finite = data.iter().filter(|v| v.is_finite());
        let whole = data
            .iter()
            .all(|v| !v.is_finite() || (v.fract() == 0.0 && v.abs() < 1e7));
        let max = finite.clone().fold(0f32, |m, v| m.max(v.abs()));
        let min_nonzero = finite
            .filter(|v| **v != 0.0)
            .fold(f32::INFINITY, |m, v| m.min(v.abs()));
        let scientific = !whole && (max >= 1e5 || min_nonzero < 1e-4);
        NumberFormat {
            whole,
            scientific,
            decimals: 4,
        }
    }

    fn write(&self, v: f32) -> String {
        if v.is_nan() {
            "NaN".into()
        } else if v.is_infinite() {
            if v > 0.0 { "inf" } else { "-inf" }.into()
        } else if self.whole {
            format!("{v:.0}")
        } else if self.scientific {
            format!("{v:.3e}")
        } else {
            format!("{v:.*}", self.decimals)
        }
    }
}

/// Labels along an axis: the tensor's own, else the index.
fn axis_labels(t: &Tensor, axis: usize) -> Vec<String> {
    match t.labels.get(axis).and_then(|l| l.as_ref()) {
        Some(labels) => labels.clone(),
        None => (0..t.shape[axis]).map(|i| i.to_string()).collect(),
    }
}

/// A tensor as a grid: a scalar, a column for 1-D, rows × columns for 2-D, and one grid per
/// leading index for higher ranks.
/// The table with as many decimals (4 down to 2) as let its rows fit in `width`; if even two
/// decimals are too wide, the pane scrolls sideways (`<` and `>`).
fn fitted_table(t: &Tensor, width: u16, theme: &Theme) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    for decimals in (2..=4).rev() {
        lines = table_lines(t, theme, decimals);
        if lines.iter().all(|l| l.width() <= width as usize) {
            break;
        }
    }
    lines
}

fn table_lines(t: &Tensor, theme: &Theme, decimals: usize) -> Vec<Line<'static>> {
    let mut fmt = NumberFormat::for_data(&t.data);
    fmt.decimals = decimals;
    let label_style = Style::new().fg(theme.accent);
    let head_style = Style::new().fg(theme.muted);
    match t.shape.len() {
        0 => vec![Line::from(fmt.write(t.data[0]))],
        1 => {
            let labels = axis_labels(t, 0);
            let lw = labels.iter().map(|l| width(l)).max().unwrap_or(0);
            let cells: Vec<String> = t.data.iter().map(|v| fmt.write(*v)).collect();
            let vw = cells.iter().map(|c| width(c)).max().unwrap_or(0);
            labels
                .iter()
                .zip(cells)
                .map(|(label, cell)| {
                    Line::from(vec![
                        Span::styled(pad_right(label, lw), label_style),
                        Span::raw(format!("  {cell:>vw$}")),
                    ])
                })
                .collect()
        }
        rank => {
            let (rows, cols) = (t.shape[rank - 2], t.shape[rank - 1]);
            let row_labels = axis_labels(t, rank - 2);
            let col_labels = axis_labels(t, rank - 1);
            let grids = t.shape[..rank - 2].iter().product::<usize>();
            let lw = row_labels.iter().map(|l| width(l)).max().unwrap_or(0);
            let cells: Vec<String> = t.data.iter().map(|v| fmt.write(*v)).collect();
            // One width per column, shared by every grid so they line up.
            let col_w: Vec<usize> = (0..cols)
                .map(|c| {
                    let widest = (0..grids * rows)
                        .map(|r| width(&cells[r * cols + c]))
                        .max()
                        .unwrap_or(0);
                    widest.max(width(&col_labels[c]))
                })
                .collect();
            let mut lines = Vec::new();
            for g in 0..grids {
                if rank > 2 {
                    if g > 0 {
                        lines.push(Line::default());
                    }
                    lines.push(Line::styled(grid_heading(t, g), head_style));
                }
                let mut header = vec![Span::raw(" ".repeat(lw))];
                for (c, w) in col_w.iter().enumerate() {
                    header.push(Span::styled(format!("  {:>w$}", col_labels[c]), head_style));
                }
                lines.push(Line::from(header));
                for r in 0..rows {
                    let mut spans = vec![Span::styled(pad_right(&row_labels[r], lw), label_style)];
                    for (c, w) in col_w.iter().enumerate() {
                        let cell = &cells[(g * rows + r) * cols + c];
                        spans.push(Span::raw(format!("  {cell:>w$}")));
                    }
                    lines.push(Line::from(spans));
                }
            }
            lines
        }
    }
}

/// "batch=1, head=0" for grid `g` of a tensor of rank > 2.
fn grid_heading(t: &Tensor, mut g: usize) -> String {
    let lead = &t.shape[..t.shape.len() - 2];
    let mut index = vec![0; lead.len()];
    for axis in (0..lead.len()).rev() {
        index[axis] = g % lead[axis];
        g /= lead[axis];
    }
    index
        .iter()
        .enumerate()
        .map(|(axis, i)| {
            let name = &t.axes[axis];
            match t.labels.get(axis).and_then(|l| l.as_ref()) {
                Some(labels) => format!("{name}={}", labels[*i]),
                None => format!("{name}={i}"),
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn pad_right(s: &str, w: usize) -> String {
    let pad = w.saturating_sub(width(s));
    format!("{s}{}", " ".repeat(pad))
}

/// Horizontal bars, one per value, with its label and number; negative values grow left of
/// a zero line. A 2-D tensor gives one group of bars per row.
fn bar_lines(t: &Tensor, width_cells: u16, theme: &Theme) -> Vec<Line<'static>> {
    let fmt = NumberFormat::for_data(&t.data);
    let groups: Vec<(Option<String>, &[f32])> = if t.shape.len() >= 2 {
        let cols = *t.shape.last().unwrap_or(&1);
        let row_labels = axis_labels(t, t.shape.len() - 2);
        t.data
            .chunks(cols.max(1))
            .enumerate()
            .map(|(i, chunk)| {
                let label = row_labels.get(i % row_labels.len().max(1)).cloned();
                (label, chunk)
            })
            .collect()
    } else {
        vec![(None, &t.data[..])]
    };
    let bar_labels = if t.shape.is_empty() {
        vec![String::new()]
    } else {
        axis_labels(t, t.shape.len() - 1)
    };
    let lw = bar_labels.iter().map(|l| width(l)).max().unwrap_or(0);
    let cells: Vec<String> = t.data.iter().map(|v| fmt.write(*v)).collect();
    let vw = cells.iter().map(|c| width(c)).max().unwrap_or(0);
    let bar_w = (width_cells as usize).saturating_sub(lw + vw + 3).max(1);
    let finite = t.data.iter().filter(|v| v.is_finite());
    let max = finite.clone().fold(0f32, |m, v| m.max(*v));
    let min = finite.fold(0f32, |m, v| m.min(*v));
    let span = (max - min).max(f32::MIN_POSITIVE);
    // Columns left of the zero line.
    let neg_w = ((-min / span) * bar_w as f32).round() as usize;
    let pos_w = bar_w - neg_w;
    let mut lines = Vec::new();
    let mut cell_iter = cells.iter();
    for (group_label, values) in groups {
        if let Some(label) = group_label {
            lines.push(Line::styled(label, Style::new().fg(theme.muted)));
        }
        for (i, v) in values.iter().enumerate() {
            let label = bar_labels.get(i).cloned().unwrap_or_default();
            let cell = cell_iter.next().cloned().unwrap_or_default();
            let (left, right) = if !v.is_finite() {
                (" ".repeat(neg_w), " ".repeat(pos_w))
            } else if *v < 0.0 {
                let n = ((-v / span) * bar_w as f32).round() as usize;
                let n = n.min(neg_w);
                (
                    format!("{}{}", " ".repeat(neg_w - n), "█".repeat(n)),
                    " ".repeat(pos_w),
                )
            } else {
                (
                    " ".repeat(neg_w),
                    eighths_bar(v / span * bar_w as f32, pos_w),
                )
            };
            lines.push(Line::from(vec![
                Span::styled(pad_right(&label, lw), Style::new().fg(theme.accent)),
                Span::raw(" "),
                Span::styled(left, Style::new().fg(theme.negative)),
                Span::styled(right, Style::new().fg(theme.positive)),
                Span::raw(format!(" {cell:>vw$}")),
            ]));
        }
    }
    lines
}

/// A bar `len` cells long (fractions drawn with eighth blocks), padded to `total`.
fn eighths_bar(len: f32, total: usize) -> String {
    const PARTS: [&str; 8] = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"];
    let eighths = (len.max(0.0) * 8.0).round() as usize;
    let full = (eighths / 8).min(total);
    let mut bar = "█".repeat(full);
    let mut used = full;
    if full < total && !eighths.is_multiple_of(8) {
        bar.push_str(PARTS[eighths % 8]);
        used += 1;
    }
    bar.push_str(&" ".repeat(total - used));
    bar
}

/// A chart's points as a table, series by series.
fn points_table(series: &[Series], theme: &Theme) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    for s in series {
        lines.push(Line::styled(s.name.clone(), Style::new().fg(theme.accent)));
        for (x, y) in &s.points {
            lines.push(Line::from(format!("  {x:>10.4}  {y:>10.4}")));
        }
    }
    lines
}

fn draw_chart(
    frame: &mut Frame,
    area: Rect,
    series: &[Series],
    x_label: &str,
    y_label: &str,
    theme: &Theme,
) {
    let colours = [theme.accent, theme.positive, theme.negative, theme.muted];
    let points = series.iter().flat_map(|s| s.points.iter());
    let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for (x, y) in points.filter(|(x, y)| x.is_finite() && y.is_finite()) {
        x0 = x0.min(*x);
        x1 = x1.max(*x);
        y0 = y0.min(*y);
        y1 = y1.max(*y);
    }
    if x0 > x1 {
        let para = Paragraph::new("no points yet").style(Style::new().fg(theme.muted));
        frame.render_widget(para, area);
        return;
    }
    if x1 - x0 < 1e-12 {
        x1 = x0 + 1.0;
    }
    if y1 - y0 < 1e-12 {
        y1 = y0 + 1.0;
    }
    let datasets: Vec<Dataset> = series
        .iter()
        .enumerate()
        .map(|(i, s)| {
            Dataset::default()
                .name(s.name.clone())
                .marker(Marker::Braille)
                .graph_type(GraphType::Line)
                .style(Style::new().fg(colours[i % colours.len()]))
                .data(&s.points)
        })
        .collect();
    let muted = Style::new().fg(theme.muted);
    let axis_labels = |a: f64, b: f64| vec![Span::raw(short_num(a)), Span::raw(short_num(b))];
    let one_series = series.len() == 1;
    let mut chart = Chart::new(datasets)
        .x_axis(
            Axis::default()
                .title(Span::styled(x_label.to_string(), muted))
                .bounds([x0, x1])
                .labels(axis_labels(x0, x1))
                .style(muted),
        )
        .y_axis(
            Axis::default()
                .title(Span::styled(y_label.to_string(), muted))
                .bounds([y0, y1])
                .labels(axis_labels(y0, y1))
                .style(muted),
        );
    if one_series {
        // The pane title already names a lone series.
        chart = chart.legend_position(None);
    }
    frame.render_widget(chart, area);
}

fn short_num(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e6 {
        format!("{v:.0}")
    } else if v.abs() >= 1e4 || v.abs() < 1e-3 {
        format!("{v:.2e}")
    } else {
        format!("{v:.3}")
    }
}
