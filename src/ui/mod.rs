//! Drawing: `render(&App, &mut Frame)`. Never mutates state.

pub mod theme;
pub mod widgets;
