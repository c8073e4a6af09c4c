//! Named results that scenes produce and panes display.
//!
//! A scene turns a lesson's parameters and a seed into an ordered list of named [`Value`]s.
//! `llm-lab dump` prints them as JSON; lesson panes bind to them by name and choose a view.

use serde::Serialize;

/// A dense tensor in row-major order, with a name and optional tick labels for each axis.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Tensor {
    /// Length of each axis, outermost first.
    pub shape: Vec<usize>,
    /// Row-major values; `data.len()` is the product of `shape`.
    pub data: Vec<f32>,
    /// One name per axis, e.g. `["token", "dim"]`.
    pub axes: Vec<String>,
    /// Per axis, optional labels for its positions (e.g. the tokens along a "token" axis).
    pub labels: Vec<Option<Vec<String>>>,
}

impl Tensor {
    /// A tensor with unnamed axes and no labels. Panics if `data` does not fill `shape`
    /// (a programming error, never learner input).
    pub fn new(shape: Vec<usize>, data: Vec<f32>) -> Self {
        assert_eq!(
            shape.iter().product::<usize>(),
            data.len(),
            "tensor data does not fill its shape"
        );
        let rank = shape.len();
        Tensor {
            shape,
            data,
            axes: (0..rank).map(|i| format!("axis{i}")).collect(),
            labels: vec![None; rank],
        }
    }

    /// Names the axes, outermost first.
    pub fn with_axes(mut self, axes: &[&str]) -> Self {
        assert_eq!(axes.len(), self.shape.len(), "one axis name per axis");
        self.axes = axes.iter().map(|s| s.to_string()).collect();
        self
    }

    /// Labels the positions along one axis.
    pub fn with_labels(mut self, axis: usize, labels: Vec<String>) -> Self {
        assert_eq!(labels.len(), self.shape[axis], "one label per position");
        self.labels[axis] = Some(labels);
        self
    }

    /// Converts any ndarray of f32 (copied in logical row-major order).
    pub fn from_array<D: ndarray::Dimension>(a: &ndarray::Array<f32, D>) -> Self {
        Tensor::new(a.shape().to_vec(), a.iter().copied().collect())
    }

    /// Views the data as an ndarray with this tensor's shape.
    pub fn to_array(&self) -> ndarray::ArrayD<f32> {
        ndarray::ArrayD::from_shape_vec(ndarray::IxDyn(&self.shape), self.data.clone())
            .expect("shape and data agree by construction")
    }
}

/// One line of a chart: (x, y) points and a name for the legend.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Series {
    pub name: String,
    pub points: Vec<(f64, f64)>,
}

/// A value a scene can produce.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Value {
    /// Numbers with a shape: shown as a table, heatmap, bars, scatter or attention map.
    Tensor(Tensor),
    /// Lines over a shared x axis: shown as a line chart.
    Chart {
        series: Vec<Series>,
        x_label: String,
        y_label: String,
    },
    /// Words: an explanation worked out from the numbers, a decoded text, a sum written out.
    Text(String),
}

/// The ordered, named results of one scene run.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct SceneOutput {
    pub results: Vec<(String, Value)>,
}

impl SceneOutput {
    pub fn push(&mut self, name: &str, value: Value) {
        self.results.push((name.to_string(), value));
    }

    pub fn get(&self, name: &str) -> Option<&Value> {
        self.results.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }
}
