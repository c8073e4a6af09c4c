//! Reusable widgets: heatmaps, attention maps, tables, charts, shape tracer.

pub mod attention;
pub mod bars;
pub mod chart;
pub mod color;
pub mod heatmap;
pub mod histogram;
pub mod pen;
pub mod scatter;
pub mod shapes;
pub mod slice;
pub mod table;
pub mod token_strip;
pub mod view;
