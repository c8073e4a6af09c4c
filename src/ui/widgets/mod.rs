//! Reusable widgets: heatmaps, attention maps, tables, charts, shape tracer.

pub mod color;
pub mod heatmap;
pub mod pen;
pub mod slice;
