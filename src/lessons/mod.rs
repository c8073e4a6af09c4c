//! The lesson file format: TOML front matter plus markdown prose.
