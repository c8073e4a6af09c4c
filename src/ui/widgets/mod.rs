//! Reusable widgets: heatmaps, attention maps, tables, charts, shape tracer.
