//! App state, actions and the keymap. Never draws.
