//! Keys are data: one table from key to [`Action`], read by the event handler, the status bar,
//! the `?` overlay and the README test, so help can never drift from behaviour.
//!
//! To give a focused pane of some view its own keys (a heatmap cursor, say), add an
//! [`Action`] variant, add rows with `context: Context::Pane(View::Heatmap)` to [`KEYMAP`], and
//! handle the action in `App::apply`. Pane rows win over lesson rows while such a pane has focus.

use crate::lessons::View;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Where a binding applies. The app asks for the contexts active in its current state, most
/// specific first (see `App::contexts`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Context {
    /// Everywhere, even while typing (only Ctrl-C lives here).
    Always,
    /// Everywhere except while typing into a text box.
    Global,
    /// The table of contents.
    Contents,
    /// The lesson view (prose and panes).
    Lesson,
    /// A focused pane showing this view.
    Pane(View),
    /// Typing a text parameter's value.
    Editing,
    /// The check view on a multiple-choice question.
    Check,
    /// The check view on a question answered by typing.
    Answer,
    /// The help overlay.
    Help,
}

impl Context {
    /// Heading used in the help overlay and the README.
    pub fn title(self) -> &'static str {
        match self {
            Context::Always => "Everywhere",
            Context::Global => "Everywhere except text boxes",
            Context::Contents => "Contents",
            Context::Lesson => "Lesson",
            Context::Pane(_) => "Focused pane",
            Context::Editing => "Editing a text parameter",
            Context::Check => "Check (choices)",
            Context::Answer => "Check (typed answer)",
            Context::Help => "Help",
        }
    }
}

/// What a key asks the app to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Quit,
    ToggleHelp,
    CycleTheme,
    ToggleContents,
    NextLesson,
    PrevLesson,
    ScrollDown,
    ScrollUp,
    PageDown,
    PageUp,
    /// Sideways, for tables wider than their pane.
    ScrollLeft,
    ScrollRight,
    /// To the top (first lesson in the contents).
    Top,
    /// To the bottom (last lesson in the contents).
    Bottom,
    FocusNext,
    FocusPrev,
    OpenCheck,
    ResetParams,
    OpenSelected,
    /// Pick the choice numbered by the digit pressed.
    Choose,
    NextQuestion,
    PrevQuestion,
    SubmitAnswer,
    BackToLesson,
    FinishEdit,
    CancelEdit,
    /// Heatmap and attention panes: move the cell cursor.
    CursorUp,
    CursorDown,
    CursorLeft,
    CursorRight,
    /// Larger cells (up to numbers in every cell).
    ZoomIn,
    /// Smaller cells (down to half blocks).
    ZoomOut,
    /// Let the pane choose the cell size that fits.
    ZoomReset,
    /// The next slice of a 3-D/4-D tensor (batch, head).
    NextSlice,
    PrevSlice,
}

/// A key a binding listens to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Key {
    /// A plain key (Shift is ignored, since terminals disagree on reporting it for symbols).
    Plain(KeyCode),
    /// The key with Ctrl held.
    Ctrl(char),
    /// Any of the digits 1 to 9.
    Digit,
}

impl Key {
    pub fn matches(self, event: &KeyEvent) -> bool {
        let ctrl_alt = event.modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT);
        match self {
            Key::Plain(code) => ctrl_alt.is_empty() && event.code == code,
            Key::Ctrl(c) => {
                ctrl_alt == KeyModifiers::CONTROL
                    && matches!(event.code, KeyCode::Char(k) if k.eq_ignore_ascii_case(&c))
            }
            Key::Digit => ctrl_alt.is_empty() && matches!(event.code, KeyCode::Char('1'..='9')),
        }
    }

    /// A key press this key matches (for a digit, `1`).
    pub fn sample_event(self) -> KeyEvent {
        match self {
            Key::Plain(code) => KeyEvent::new(code, KeyModifiers::NONE),
            Key::Ctrl(c) => KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL),
            Key::Digit => KeyEvent::new(KeyCode::Char('1'), KeyModifiers::NONE),
        }
    }

    /// How the key is written in help, the status bar and the README.
    pub fn name(self) -> String {
        match self {
            Key::Plain(code) => match code {
                KeyCode::Right => "→".into(),
                KeyCode::Left => "←".into(),
                KeyCode::Down => "↓".into(),
                KeyCode::Up => "↑".into(),
                KeyCode::PageDown => "PgDn".into(),
                KeyCode::PageUp => "PgUp".into(),
                KeyCode::Home => "Home".into(),
                KeyCode::End => "End".into(),
                KeyCode::Tab => "Tab".into(),
                KeyCode::BackTab => "Shift-Tab".into(),
                KeyCode::Enter => "Enter".into(),
                KeyCode::Esc => "Esc".into(),
                KeyCode::Char(c) => c.to_string(),
                other => format!("{other:?}"),
            },
            Key::Ctrl(c) => format!("Ctrl-{}", c.to_ascii_uppercase()),
            Key::Digit => "1-9".into(),
        }
    }
}

/// One row of the keymap.
#[derive(Clone, Copy, Debug)]
pub struct Binding {
    pub keys: &'static [Key],
    pub action: Action,
    pub context: Context,
    /// What it does, for the help overlay.
    pub description: &'static str,
    /// A word or two for the status bar; `None` keeps the binding out of it.
    pub short: Option<&'static str>,
}

impl Binding {
    /// The keys written out, e.g. "→ l n".
    pub fn key_names(&self) -> String {
        self.keys
            .iter()
            .map(|k| k.name())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

use Key::{Ctrl, Digit, Plain};
use KeyCode::{BackTab, Char, Down, End, Enter, Esc, Home, Left, PageDown, PageUp, Right, Tab, Up};

const fn bind(
    keys: &'static [Key],
    action: Action,
    context: Context,
    description: &'static str,
    short: Option<&'static str>,
) -> Binding {
    Binding {
        keys,
        action,
        context,
        description,
        short,
    }
}

/// Every key of the app. The first matching row in the active contexts wins.
pub static KEYMAP: &[Binding] = &[
    bind(&[Ctrl('c')], Action::Quit, Context::Always, "quit", None),
    bind(
        &[Plain(Char('q'))],
        Action::Quit,
        Context::Global,
        "quit (progress is saved)",
        Some("quit"),
    ),
    bind(
        &[Plain(Char('?'))],
        Action::ToggleHelp,
        Context::Global,
        "show or hide this help",
        Some("help"),
    ),
    bind(
        &[Plain(Char('t'))],
        Action::ToggleContents,
        Context::Global,
        "table of contents (again to go back)",
        Some("contents"),
    ),
    bind(
        &[Plain(Char('c'))],
        Action::CycleTheme,
        Context::Global,
        "next colour theme (dark, light, high contrast)",
        None,
    ),
    // The lesson view.
    bind(
        &[Plain(Right), Plain(Char('l')), Plain(Char('n'))],
        Action::NextLesson,
        Context::Lesson,
        "next lesson",
        Some("next"),
    ),
    bind(
        &[Plain(Left), Plain(Char('h')), Plain(Char('p'))],
        Action::PrevLesson,
        Context::Lesson,
        "previous lesson",
        Some("prev"),
    ),
    bind(
        &[Plain(Down), Plain(Char('j'))],
        Action::ScrollDown,
        Context::Lesson,
        "scroll the focused pane down",
        Some("scroll"),
    ),
    bind(
        &[Plain(Up), Plain(Char('k'))],
        Action::ScrollUp,
        Context::Lesson,
        "scroll the focused pane up",
        None,
    ),
    bind(
        &[Plain(PageDown)],
        Action::PageDown,
        Context::Lesson,
        "scroll the focused pane a page down",
        None,
    ),
    bind(
        &[Plain(PageUp)],
        Action::PageUp,
        Context::Lesson,
        "scroll the focused pane a page up",
        None,
    ),
    bind(
        &[Plain(Char('<'))],
        Action::ScrollLeft,
        Context::Lesson,
        "scroll the focused pane left (wide tables)",
        None,
    ),
    bind(
        &[Plain(Char('>'))],
        Action::ScrollRight,
        Context::Lesson,
        "scroll the focused pane right (wide tables)",
        None,
    ),
    bind(
        &[Plain(Char('g')), Plain(Home)],
        Action::Top,
        Context::Lesson,
        "scroll the focused pane to the top",
        None,
    ),
    bind(
        &[Plain(Char('G')), Plain(End)],
        Action::Bottom,
        Context::Lesson,
        "scroll the focused pane to the bottom",
        None,
    ),
    bind(
        &[Plain(Tab)],
        Action::FocusNext,
        Context::Lesson,
        "focus the next pane",
        Some("focus"),
    ),
    bind(
        &[Plain(BackTab)],
        Action::FocusPrev,
        Context::Lesson,
        "focus the previous pane",
        None,
    ),
    bind(
        &[Plain(Char('a'))],
        Action::OpenCheck,
        Context::Lesson,
        "answer the lesson's check questions",
        Some("check"),
    ),
    bind(
        &[Plain(Char('r'))],
        Action::ResetParams,
        Context::Lesson,
        "reset the lesson's parameters to their defaults",
        Some("reset"),
    ),
    // A focused heatmap or attention pane: its cell cursor, zoom and slice (the same keys
    // for both views).
    bind(
        &[Plain(Up), Plain(Char('k'))],
        Action::CursorUp,
        Context::Pane(View::Heatmap),
        "move the cell cursor up (the status line reads it out)",
        Some("cell"),
    ),
    bind(
        &[Plain(Down), Plain(Char('j'))],
        Action::CursorDown,
        Context::Pane(View::Heatmap),
        "move the cell cursor down",
        None,
    ),
    bind(
        &[Plain(Left), Plain(Char('h'))],
        Action::CursorLeft,
        Context::Pane(View::Heatmap),
        "move the cell cursor left",
        None,
    ),
    bind(
        &[Plain(Right), Plain(Char('l'))],
        Action::CursorRight,
        Context::Pane(View::Heatmap),
        "move the cell cursor right",
        None,
    ),
    bind(
        &[Plain(Char('+')), Plain(Char('='))],
        Action::ZoomIn,
        Context::Pane(View::Heatmap),
        "zoom in: bigger cells, then a number in every cell",
        Some("zoom"),
    ),
    bind(
        &[Plain(Char('-'))],
        Action::ZoomOut,
        Context::Pane(View::Heatmap),
        "zoom out: smaller cells, down to two rows per line",
        None,
    ),
    bind(
        &[Plain(Char('0'))],
        Action::ZoomReset,
        Context::Pane(View::Heatmap),
        "the cell size that fits the pane",
        None,
    ),
    bind(
        &[Plain(Char(']'))],
        Action::NextSlice,
        Context::Pane(View::Heatmap),
        "next batch/head slice of a 3-D or 4-D tensor",
        Some("slice"),
    ),
    bind(
        &[Plain(Char('['))],
        Action::PrevSlice,
        Context::Pane(View::Heatmap),
        "previous batch/head slice",
        None,
    ),
    bind(
        &[Plain(Up), Plain(Char('k'))],
        Action::CursorUp,
        Context::Pane(View::Attention),
        "move the cell cursor up (the status line reads it out)",
        Some("cell"),
    ),
    bind(
        &[Plain(Down), Plain(Char('j'))],
        Action::CursorDown,
        Context::Pane(View::Attention),
        "move the cell cursor down",
        None,
    ),
    bind(
        &[Plain(Left), Plain(Char('h'))],
        Action::CursorLeft,
        Context::Pane(View::Attention),
        "move the cell cursor left",
        None,
    ),
    bind(
        &[Plain(Right), Plain(Char('l'))],
        Action::CursorRight,
        Context::Pane(View::Attention),
        "move the cell cursor right",
        None,
    ),
    bind(
        &[Plain(Char('+')), Plain(Char('='))],
        Action::ZoomIn,
        Context::Pane(View::Attention),
        "zoom in: bigger cells, then a number in every cell",
        Some("zoom"),
    ),
    bind(
        &[Plain(Char('-'))],
        Action::ZoomOut,
        Context::Pane(View::Attention),
        "zoom out: smaller cells, down to two rows per line",
        None,
    ),
    bind(
        &[Plain(Char('0'))],
        Action::ZoomReset,
        Context::Pane(View::Attention),
        "the cell size that fits the pane",
        None,
    ),
    bind(
        &[Plain(Char(']'))],
        Action::NextSlice,
        Context::Pane(View::Attention),
        "next batch/head slice of a 3-D or 4-D tensor",
        Some("slice"),
    ),
    bind(
        &[Plain(Char('['))],
        Action::PrevSlice,
        Context::Pane(View::Attention),
        "previous batch/head slice",
        None,
    ),
    // The table of contents.
    bind(
        &[Plain(Down), Plain(Char('j'))],
        Action::ScrollDown,
        Context::Contents,
        "select the next lesson",
        Some("move"),
    ),
    bind(
        &[Plain(Up), Plain(Char('k'))],
        Action::ScrollUp,
        Context::Contents,
        "select the previous lesson",
        None,
    ),
    bind(
        &[Plain(PageDown)],
        Action::PageDown,
        Context::Contents,
        "select a page further down",
        None,
    ),
    bind(
        &[Plain(PageUp)],
        Action::PageUp,
        Context::Contents,
        "select a page further up",
        None,
    ),
    bind(
        &[Plain(Char('g')), Plain(Home)],
        Action::Top,
        Context::Contents,
        "select the first lesson",
        None,
    ),
    bind(
        &[Plain(Char('G')), Plain(End)],
        Action::Bottom,
        Context::Contents,
        "select the last lesson",
        None,
    ),
    bind(
        &[Plain(Enter), Plain(Right), Plain(Char('l'))],
        Action::OpenSelected,
        Context::Contents,
        "open the selected lesson",
        Some("open"),
    ),
    bind(
        &[Plain(Esc)],
        Action::ToggleContents,
        Context::Contents,
        "back to the lesson",
        Some("back"),
    ),
    // The check view.
    bind(
        &[Digit],
        Action::Choose,
        Context::Check,
        "answer with that choice",
        Some("answer"),
    ),
    bind(
        &[Plain(Down), Plain(Char('j')), Plain(Tab)],
        Action::NextQuestion,
        Context::Check,
        "next question",
        Some("next"),
    ),
    bind(
        &[Plain(Up), Plain(Char('k')), Plain(BackTab)],
        Action::PrevQuestion,
        Context::Check,
        "previous question",
        None,
    ),
    bind(
        &[Plain(Esc), Plain(Char('a'))],
        Action::BackToLesson,
        Context::Check,
        "back to the lesson",
        Some("back"),
    ),
    bind(
        &[Plain(Enter)],
        Action::SubmitAnswer,
        Context::Answer,
        "submit the typed answer",
        Some("submit"),
    ),
    bind(
        &[Plain(Tab), Plain(Down)],
        Action::NextQuestion,
        Context::Answer,
        "next question",
        Some("next"),
    ),
    bind(
        &[Plain(BackTab), Plain(Up)],
        Action::PrevQuestion,
        Context::Answer,
        "previous question",
        None,
    ),
    bind(
        &[Plain(Esc)],
        Action::BackToLesson,
        Context::Answer,
        "back to the lesson",
        Some("back"),
    ),
    // Typing a text parameter.
    bind(
        &[Plain(Enter)],
        Action::FinishEdit,
        Context::Editing,
        "keep the text",
        Some("keep"),
    ),
    bind(
        &[Plain(Esc)],
        Action::CancelEdit,
        Context::Editing,
        "put the old text back",
        Some("cancel"),
    ),
    // The help overlay.
    bind(
        &[Plain(Esc)],
        Action::ToggleHelp,
        Context::Help,
        "close the help",
        Some("close"),
    ),
    bind(
        &[Plain(Down), Plain(Char('j'))],
        Action::ScrollDown,
        Context::Help,
        "scroll the help down",
        Some("scroll"),
    ),
    bind(
        &[Plain(Up), Plain(Char('k'))],
        Action::ScrollUp,
        Context::Help,
        "scroll the help up",
        None,
    ),
    bind(
        &[Plain(PageDown)],
        Action::PageDown,
        Context::Help,
        "scroll the help a page down",
        None,
    ),
    bind(
        &[Plain(PageUp)],
        Action::PageUp,
        Context::Help,
        "scroll the help a page up",
        None,
    ),
    bind(
        &[Plain(Char('g')), Plain(Home)],
        Action::Top,
        Context::Help,
        "to the top of the help",
        None,
    ),
    bind(
        &[Plain(Char('G')), Plain(End)],
        Action::Bottom,
        Context::Help,
        "to the end of the help",
        None,
    ),
];

/// The action bound to `event` in the first of `contexts` that binds it.
pub fn lookup(contexts: &[Context], event: &KeyEvent) -> Option<Action> {
    lookup_binding(contexts, event).map(|b| b.action)
}

/// The binding that answers `event` in the first of `contexts` that binds it.
fn lookup_binding(contexts: &[Context], event: &KeyEvent) -> Option<&'static Binding> {
    contexts.iter().find_map(|ctx| {
        KEYMAP
            .iter()
            .find(|b| b.context == *ctx && b.keys.iter().any(|k| k.matches(event)))
    })
}

/// The keys of `binding` that reach it under `contexts`: a key a more specific context takes
/// (→ moving a heatmap's cursor rather than going to the next lesson) is left out, so the
/// status bar never offers a key that would do something else.
pub fn live_keys(contexts: &[Context], binding: &'static Binding) -> Vec<Key> {
    binding
        .keys
        .iter()
        .copied()
        .filter(|k| {
            lookup_binding(contexts, &k.sample_event()).is_some_and(|b| std::ptr::eq(b, binding))
        })
        .collect()
}

/// The bindings of the given contexts, in table order, context by context.
pub fn bindings_for(contexts: &[Context]) -> Vec<&'static Binding> {
    contexts
        .iter()
        .flat_map(|ctx| KEYMAP.iter().filter(move |b| b.context == *ctx))
        .collect()
}

/// Whether `key` (or its Shift form) is taken by an app key in the lesson view, so that a lesson
/// parameter could not use it. `lessons::RESERVED_KEYS` must list every such key (a test checks).
pub fn is_reserved_in_lesson(key: char) -> bool {
    let contexts = [Context::Lesson, Context::Global, Context::Always];
    [key, key.to_ascii_uppercase()].into_iter().any(|c| {
        let event = KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
        lookup(&contexts, &event).is_some()
    })
}
