//! The bridge from a lesson pane (a named [`Value`] and a [`View`]) to the widgets: which views
//! the widgets draw, how, what the cursor reads out, and how tall they like to be.
//!
//! Conventions a scene can use:
//! - an `attention` pane of result `NAME` takes `NAME_mask` from the same output, if present, as
//!   its mask (nonzero = masked); −∞ values are always masked;
//! - an `attention` pane shows row sums when `NAME` contains "weights";
//! - a `shapes` pane of text in the [`ShapeTrace`] form draws the tracer (other text is left to
//!   the caller); of a tensor, it shows the tensor's shape;
//! - a `scatter` pane of an (n, d > 2) tensor plots its 2-D PCA projection.

use super::attention::{Attention, MaskSpec, attention_readout};
use super::chart::LineChart;
use super::color::ColorMode;
use super::heatmap::{Heatmap, HeatmapState};
use super::histogram::Histogram;
use super::pen::Pen;
use super::scatter::Scatter;
use super::shapes::{ShapeTrace, ShapeTracer};
use crate::engine::pca::pca_2d;
use crate::lessons::View;
use crate::results::{SceneOutput, Tensor, Value};
use crate::ui::theme::Theme;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::Widget;

/// Everything one pane needs to draw its value with a widget.
#[derive(Clone, Copy)]
pub struct ViewInput<'a> {
    /// The result's name in the scene output.
    pub name: &'a str,
    pub value: &'a Value,
    pub view: View,
    /// The whole output, for companion results such as `NAME_mask`.
    pub output: Option<&'a SceneOutput>,
    pub theme: &'a Theme,
    pub mode: ColorMode,
    pub state: &'a HeatmapState,
    /// Focused panes show their cursor.
    pub focused: bool,
}

/// Whether a widget draws this view of this value (else the caller draws it its own way).
pub fn handles(view: View, value: &Value) -> bool {
    match (view, value) {
        (View::Heatmap | View::Attention | View::Scatter | View::Histogram, Value::Tensor(_)) => {
            true
        }
        (View::Shapes, Value::Tensor(_)) => true,
        (View::Shapes, Value::Text(text)) => {
            ShapeTrace::parse(text).is_ok_and(|t| !t.steps.is_empty())
        }
        (View::Line, Value::Chart { .. }) => true,
        _ => false,
    }
}

/// Views with a cell cursor (and the pane keys that move it).
pub fn has_cursor(view: View) -> bool {
    matches!(view, View::Heatmap | View::Attention)
}

fn mask_for<'a>(name: &str, output: Option<&'a SceneOutput>) -> Option<&'a Tensor> {
    match output?.get(&format!("{name}_mask"))? {
        Value::Tensor(t) => Some(t),
        _ => None,
    }
}

fn mask_spec<'a>(input: &ViewInput<'a>) -> MaskSpec<'a> {
    MaskSpec {
        causal: false,
        mask: mask_for(input.name, input.output),
    }
}

/// An (n, d > 2) tensor projected to (n, 2) by PCA, keeping its row labels.
fn projected(t: &Tensor) -> Option<Tensor> {
    if t.shape.len() != 2 || t.shape[1] <= 2 {
        return None;
    }
    let a = ndarray::Array2::from_shape_vec((t.shape[0], t.shape[1]), t.data.clone()).ok()?;
    let p = pca_2d(a.view()).ok()?;
    let mut out = Tensor::from_array(&p.projected)
        .with_axes(&[t.axes[0].as_str(), "pc"])
        .with_labels(1, vec!["pc1".into(), "pc2".into()]);
    if let Some(l) = &t.labels[0] {
        out = out.with_labels(0, l.clone());
    }
    Some(out)
}

/// Draws the value with its widget. Call only when [`handles`] says so.
pub fn render(input: &ViewInput, area: Rect, buf: &mut Buffer) {
    let (theme, mode) = (input.theme, input.mode);
    match (input.view, input.value) {
        (View::Heatmap, Value::Tensor(t)) => Heatmap::new(t, theme, mode)
            .state(input.state)
            .show_cursor(input.focused)
            .render(area, buf),
        (View::Attention, Value::Tensor(t)) => Attention::new(t, theme, mode)
            .mask(mask_spec(input))
            .row_sums(input.name.contains("weights"))
            .state(input.state)
            .show_cursor(input.focused)
            .render(area, buf),
        (View::Scatter, Value::Tensor(t)) => match projected(t) {
            Some(p) => {
                let [note, plot] = split_top(area);
                let mut pen = Pen::new(buf, note);
                let style = Style::new().fg(mode.theme_color(theme.muted));
                let text = format!("PCA of {} dims to 2", t.shape[1]);
                pen.text(0, 0, &text, note.width, style);
                Scatter::new(&p, theme, mode).render(plot, buf);
            }
            None => Scatter::new(t, theme, mode).render(area, buf),
        },
        (View::Histogram, Value::Tensor(t)) => Histogram::new(t, theme, mode).render(area, buf),
        (View::Shapes, Value::Text(text)) => {
            if let Ok(trace) = ShapeTrace::parse(text) {
                ShapeTracer::new(&trace, theme, mode).render(area, buf);
            }
        }
        (View::Shapes, Value::Tensor(t)) => {
            let trace = ShapeTrace::default().push(input.name, &t.shape);
            ShapeTracer::new(&trace, theme, mode).render(area, buf);
        }
        (
            View::Line,
            Value::Chart {
                series,
                x_label,
                y_label,
            },
        ) => LineChart::new(series, theme, mode)
            .labels(x_label, y_label)
            .render(area, buf),
        _ => {}
    }
}

fn split_top(area: Rect) -> [Rect; 2] {
    if area.height < 4 {
        return [Rect { height: 0, ..area }, area];
    }
    let top = Rect { height: 1, ..area };
    let rest = Rect {
        y: area.y + 1,
        height: area.height - 1,
        ..area
    };
    [top, rest]
}

/// The cursor's cell for the status line, for views with a cursor.
pub fn readout(input: &ViewInput) -> Option<String> {
    let Value::Tensor(t) = input.value else {
        return None;
    };
    let mut text = match input.view {
        View::Heatmap => input.state.readout(input.name, t),
        View::Attention => attention_readout(input.name, t, mask_spec(input), input.state),
        _ => return None,
    };
    if let Some(slice) = input.state.slice_label(t) {
        text.push_str(&format!("  [{slice}]"));
    }
    Some(text)
}

/// Rows the widget would like at this inner width (0: any height will do).
pub fn preferred_height(view: View, value: &Value, width: u16) -> u16 {
    match (view, value) {
        (View::Heatmap, Value::Tensor(t)) | (View::Attention, Value::Tensor(t)) => {
            let rows = if t.shape.len() >= 2 {
                t.shape[t.shape.len() - 2]
            } else {
                1
            };
            let heads = u16::from(view == View::Attention && t.shape.len() >= 3);
            (rows.min(24) as u16) + 2 + heads
        }
        (View::Shapes, Value::Text(text)) => {
            let len = text.chars().count() as u16 + 8;
            len.div_ceil(width.max(1)).clamp(1, 6)
        }
        (View::Shapes, Value::Tensor(_)) => 1,
        _ => 0,
    }
}
