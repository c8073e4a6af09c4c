//! Reusable widgets: heatmaps, attention maps, tables, charts, shape tracer.
pub mod token_strip;
