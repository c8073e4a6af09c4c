//! App state, actions and the keymap. Never draws.
//!
//! The Elm architecture: [`App::handle`] takes one [`AppEvent`], changes the state and returns the
//! [`Effect`]s the outside world must carry out (recompute the scene, save progress, redraw,
//! quit). [`runner::Runner`] carries them out; `ui::render` draws the state without changing it.

pub mod answer;
pub mod keymap;
pub mod params;
pub mod progress;
pub mod runner;

use crate::lessons::{Lesson, ParamKind, ParamValue, ParamValues, View};
use crate::results::{SceneOutput, Tensor, Value};
use crate::scenes::SceneContext;
use crate::ui::theme::Theme;
use crate::ui::widgets::heatmap::HeatmapState;
use keymap::{Action, Context};
use progress::Progress;
use ratatui::crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use ratatui::layout::{Position, Rect};
use ratatui_textarea::TextArea;
use std::collections::{BTreeMap, BTreeSet};

/// A lesson as loaded: ready to show, or the reason it could not be loaded.
pub type LessonSlot = crate::lessons::LoadResult;

/// Everything that can happen to the app.
#[derive(Clone, Debug)]
pub enum AppEvent {
    Key(KeyEvent),
    Mouse(MouseEvent),
    Resize(u16, u16),
    /// Time passed (for animations and progress of long work; nothing uses it yet).
    Tick,
    /// The lesson files changed on disk and were loaded again (`--lessons DIR`).
    LessonsReloaded(Vec<LessonSlot>),
    /// SIGTERM, SIGINT or SIGHUP: leave as if the learner pressed q.
    Terminate,
    /// The keyboard can no longer be read (the input thread ended): save and leave.
    InputClosed,
}

/// Work the app asks the outside world to do after an event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Draw the screen again: something visible changed.
    Redraw,
    /// Run the current lesson's scene with its parameters (see [`App::scene_request`]) and give
    /// the result to [`App::set_output`].
    Recompute,
    /// Write [`App::progress`] to the progress file and report failure to [`App::save_failed`].
    SaveProgress,
    /// Leave the app.
    Quit,
}

/// Which screen fills the window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Screen {
    Contents,
    Lesson,
    Check,
}

/// What the arrow keys scroll in the lesson view.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Focus {
    Prose,
    /// The pane at this index of the lesson's `panes`.
    Pane(usize),
}

/// A learner's answer to one check question.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub given: String,
    pub correct: bool,
}

/// The check view's state for the lesson it was opened on.
#[derive(Clone, Debug)]
pub struct CheckState {
    pub lesson: usize,
    /// The question shown.
    pub index: usize,
    /// One slot per question: the last answer given, if any.
    pub outcomes: Vec<Option<Outcome>>,
    /// The box typed answers go into.
    pub answer: TextArea<'static>,
}

/// A text parameter being typed.
#[derive(Clone, Debug)]
pub struct Editing {
    pub param: String,
    /// The value before editing, put back by Esc.
    pub original: String,
    pub max_len: usize,
    pub area: TextArea<'static>,
}

/// Scroll offsets of a lesson's prose and panes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Scrolls {
    pub prose: u16,
    pub panes: Vec<u16>,
    /// Sideways offsets of the panes (wide tables).
    pub pane_cols: Vec<u16>,
}

/// How the app starts.
#[derive(Clone, Debug)]
pub struct AppOptions {
    pub seed: u64,
    pub theme: Theme,
    /// `--lesson ID`: open here instead of the remembered lesson.
    pub start_lesson: Option<String>,
    /// Terminal size at start.
    pub size: (u16, u16),
    /// `--corpus FILE` and `--tokenizer FILE` for the scenes (none: the built-in ones).
    pub corpus: Option<std::path::PathBuf>,
    pub tokenizer: Option<std::path::PathBuf>,
}

impl Default for AppOptions {
    fn default() -> Self {
        AppOptions {
            seed: 42,
            theme: Theme::default(),
            start_lesson: None,
            size: (80, 24),
            corpus: None,
            tokenizer: None,
        }
    }
}

/// The whole state of the lab.
#[derive(Debug)]
pub struct App {
    /// Lessons in course order; a broken file keeps its place.
    pub lessons: Vec<LessonSlot>,
    /// Index into `lessons` of the lesson shown.
    pub current: usize,
    pub screen: Screen,
    /// Selected entry of the contents (an index into `lessons`).
    pub contents_cursor: usize,
    pub focus: Focus,
    pub scrolls: Scrolls,
    pub help_open: bool,
    pub help_scroll: u16,
    /// Parameter values by lesson id.
    pub params: BTreeMap<String, ParamValues>,
    /// The current lesson's scene result: `None` before the first run or for a broken lesson,
    /// `Err` with the scene's one-line refusal.
    pub output: Option<Result<SceneOutput, String>>,
    pub done: BTreeSet<String>,
    pub check: Option<CheckState>,
    pub editing: Option<Editing>,
    pub theme: Theme,
    pub seed: u64,
    /// Terminal size (columns, rows).
    pub size: (u16, u16),
    /// A one-line message shown in the status bar until the next key.
    pub notice: Option<String>,
    /// Set when progress could not be saved; the status bar keeps saying so.
    pub save_error: Option<String>,
    /// The learner's corpus and tokenizer files, passed to every scene.
    pub corpus: Option<std::path::PathBuf>,
    pub tokenizer: Option<std::path::PathBuf>,
    /// Per pane of the current lesson: the cell cursor, slice and zoom of heatmap and
    /// attention panes.
    pub cursors: Vec<HeatmapState>,
}

impl App {
    /// Builds the app from the loaded lessons and the remembered progress. Starts at
    /// `options.start_lesson`, else the remembered lesson, else the first.
    pub fn new(lessons: Vec<LessonSlot>, progress: Progress, options: AppOptions) -> App {
        let mut app = App {
            lessons,
            current: 0,
            screen: Screen::Lesson,
            contents_cursor: 0,
            focus: Focus::Prose,
            scrolls: Scrolls::default(),
            help_open: false,
            help_scroll: 0,
            params: BTreeMap::new(),
            output: None,
            done: progress.done,
            check: None,
            editing: None,
            theme: options.theme,
            seed: options.seed,
            size: options.size,
            notice: None,
            save_error: None,
            corpus: options.corpus,
            tokenizer: options.tokenizer,
            cursors: Vec::new(),
        };
        for lesson in app.lessons.iter().flatten() {
            let values = params::restore(&lesson.meta.params, progress.params.get(&lesson.meta.id));
            app.params.insert(lesson.meta.id.clone(), values);
        }
        let start = options.start_lesson.or(progress.current);
        app.current = start.and_then(|id| app.index_of(&id)).unwrap_or(0);
        app.contents_cursor = app.current;
        app.reset_view();
        app
    }

    /// Effects to run once before the first draw.
    pub fn start(&self) -> Vec<Effect> {
        vec![Effect::Recompute, Effect::Redraw]
    }

    /// Index of the lesson with this id.
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.lessons
            .iter()
            .position(|l| matches!(l, Ok(l) if l.meta.id == id))
    }

    /// The lesson shown, if it loaded.
    pub fn lesson(&self) -> Option<&Lesson> {
        self.lessons.get(self.current).and_then(|l| l.as_ref().ok())
    }

    /// The current lesson's parameter values.
    pub fn current_params(&self) -> Option<&ParamValues> {
        self.lesson().and_then(|l| self.params.get(&l.meta.id))
    }

    /// What the remembered state should be now.
    pub fn progress(&self) -> Progress {
        // Only values the learner changed are kept, so a lesson's new defaults reach everyone
        // who left them alone.
        let mut params = BTreeMap::new();
        for lesson in self.lessons.iter().flatten() {
            let defaults = params::defaults(&lesson.meta.params);
            let changed: ParamValues = self
                .params
                .get(&lesson.meta.id)
                .into_iter()
                .flatten()
                .filter(|(name, value)| defaults.get(*name) != Some(*value))
                .map(|(name, value)| (name.clone(), value.clone()))
                .collect();
            if !changed.is_empty() {
                params.insert(lesson.meta.id.clone(), changed);
            }
        }
        Progress {
            current: self.lesson().map(|l| l.meta.id.clone()),
            done: self.done.clone(),
            params,
        }
    }

    /// The scene run the current lesson needs: scene name, parameters and context.
    pub fn scene_request(&self) -> Option<(String, ParamValues, SceneContext)> {
        let lesson = self.lesson()?;
        let params = self
            .params
            .get(&lesson.meta.id)
            .cloned()
            .unwrap_or_default();
        let ctx = SceneContext {
            seed: self.seed,
            corpus: self.corpus.clone(),
            tokenizer: self.tokenizer.clone(),
        };
        Some((lesson.meta.scene.clone(), params, ctx))
    }

    /// Takes a scene result for the current lesson.
    pub fn set_output(&mut self, output: Option<Result<SceneOutput, String>>) {
        self.output = output;
        if self.panes_hidden() {
            self.focus = Focus::Prose;
        }
        self.clamp_scrolls();
    }

    /// The scene refused, so one message covers the pane column and no pane can take focus.
    pub fn panes_hidden(&self) -> bool {
        matches!(self.output, Some(Err(_)))
    }

    /// Progress could not be written: keep running and keep saying so.
    pub fn save_failed(&mut self, message: String) {
        if self.save_error.is_none() {
            self.notice = Some(format!("progress is not being saved: {message}"));
        }
        self.save_error = Some(message);
    }

    /// Progress was written.
    pub fn save_succeeded(&mut self) {
        self.save_error = None;
    }

    /// The keymap contexts active now, most specific first.
    pub fn contexts(&self) -> Vec<Context> {
        if self.editing.is_some() {
            return vec![Context::Editing, Context::Always];
        }
        if self.help_open {
            return vec![Context::Help, Context::Global, Context::Always];
        }
        self.screen_contexts()
    }

    /// The contexts of the screen itself, as if no overlay or text box were open.
    pub fn screen_contexts(&self) -> Vec<Context> {
        match self.screen {
            Screen::Contents => vec![Context::Contents, Context::Global, Context::Always],
            Screen::Lesson => {
                let mut c = Vec::new();
                if let Some(view) = self.focused_view() {
                    c.push(Context::Pane(view));
                }
                c.extend([Context::Lesson, Context::Global, Context::Always]);
                c
            }
            Screen::Check if self.typing_answer() => vec![Context::Answer, Context::Always],
            Screen::Check => vec![Context::Check, Context::Global, Context::Always],
        }
    }

    /// Whether the check view shows a question answered by typing.
    pub fn typing_answer(&self) -> bool {
        self.screen == Screen::Check
            && self
                .current_question()
                .is_some_and(|q| q.choices.is_empty())
    }

    /// The question the check view shows.
    pub fn current_question(&self) -> Option<&crate::lessons::Check> {
        let state = self.check.as_ref()?;
        self.lessons
            .get(state.lesson)?
            .as_ref()
            .ok()?
            .meta
            .checks
            .get(state.index)
    }

    fn focused_view(&self) -> Option<View> {
        match self.focus {
            Focus::Pane(i) => self.lesson()?.meta.panes.get(i).map(|p| p.view),
            Focus::Prose => None,
        }
    }

    /// Handles one event; returns what must happen next.
    pub fn handle(&mut self, event: AppEvent) -> Vec<Effect> {
        match event {
            AppEvent::Key(key) if key.kind != KeyEventKind::Release => self.on_key(key),
            AppEvent::Key(_) | AppEvent::Tick => vec![],
            AppEvent::Mouse(mouse) => self.on_mouse(mouse),
            AppEvent::Resize(w, h) => {
                self.size = (w, h);
                self.clamp_scrolls();
                vec![Effect::Redraw]
            }
            AppEvent::LessonsReloaded(lessons) => self.reload(lessons),
            AppEvent::Terminate | AppEvent::InputClosed => {
                vec![Effect::SaveProgress, Effect::Quit]
            }
        }
    }

    fn on_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        let had_notice = self.notice.take().is_some();
        let contexts = self.contexts();
        let mut effects = match keymap::lookup(&contexts, &key) {
            Some(action) => self.apply(action, &key),
            None => self.unbound_key(key),
        };
        if had_notice && !effects.contains(&Effect::Redraw) {
            effects.push(Effect::Redraw);
        }
        effects
    }

    /// A key no binding claimed: text for a box, or a lesson parameter's key.
    fn unbound_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        if self.editing.is_some() {
            return self.edit_text(key);
        }
        if self.typing_answer() {
            if let Some(state) = self.check.as_mut() {
                state.answer.input(key);
            }
            return vec![Effect::Redraw];
        }
        if self.screen == Screen::Lesson && !self.help_open {
            return self.param_key(key);
        }
        vec![]
    }

    /// Applies one action of the keymap.
    pub fn apply(&mut self, action: Action, key: &KeyEvent) -> Vec<Effect> {
        use Action::*;
        match action {
            Quit => return vec![Effect::SaveProgress, Effect::Quit],
            ToggleHelp => {
                self.help_open = !self.help_open;
                self.help_scroll = 0;
            }
            CycleTheme => self.theme = self.theme.next(),
            ToggleContents => match self.screen {
                Screen::Contents => self.screen = Screen::Lesson,
                _ => {
                    self.screen = Screen::Contents;
                    self.contents_cursor = self.current;
                }
            },
            NextLesson => return self.go_to(self.current + 1),
            PrevLesson if self.current > 0 => return self.go_to(self.current - 1),
            PrevLesson => {}
            ScrollDown => self.scroll(1),
            ScrollUp => self.scroll(-1),
            PageDown => self.scroll(self.page_height()),
            PageUp => self.scroll(-self.page_height()),
            Top => self.scroll(-(u16::MAX as i32)),
            Bottom => self.scroll(u16::MAX as i32),
            CursorUp => self.pane_cursor(|s, t| s.move_by(-1, 0, t)),
            CursorDown => self.pane_cursor(|s, t| s.move_by(1, 0, t)),
            CursorLeft => self.pane_cursor(|s, t| s.move_by(0, -1, t)),
            CursorRight => self.pane_cursor(|s, t| s.move_by(0, 1, t)),
            ZoomIn => self.pane_cursor(|s, _| s.zoom_in()),
            ZoomOut => self.pane_cursor(|s, _| s.zoom_out()),
            ZoomReset => self.pane_cursor(|s, _| s.zoom = Default::default()),
            NextSlice => self.pane_cursor(|s, t| s.step_slice(1, t)),
            PrevSlice => self.pane_cursor(|s, t| s.step_slice(-1, t)),
            ScrollLeft => self.scroll_sideways(-8),
            ScrollRight => self.scroll_sideways(8),
            FocusNext => self.cycle_focus(1),
            FocusPrev => self.cycle_focus(-1),
            OpenCheck => return self.open_check(),
            ResetParams => return self.reset_params(),
            OpenSelected => {
                self.screen = Screen::Lesson;
                return self.go_to(self.contents_cursor);
            }
            Choose => {
                if let KeyCode::Char(c) = key.code {
                    let n = c.to_digit(10).unwrap_or(0) as usize;
                    return self.choose(n);
                }
            }
            NextQuestion => self.move_question(1),
            PrevQuestion => self.move_question(-1),
            SubmitAnswer => return self.submit_typed(),
            BackToLesson => self.screen = Screen::Lesson,
            FinishEdit => {
                self.editing = None;
                return vec![Effect::SaveProgress, Effect::Redraw];
            }
            CancelEdit => {
                if let Some(edit) = self.editing.take() {
                    self.set_param(&edit.param, ParamValue::Text(edit.original));
                }
                return vec![Effect::Recompute, Effect::Redraw];
            }
        }
        vec![Effect::Redraw]
    }

    /// Opens lesson `index` (ignored past the end).
    pub fn go_to(&mut self, index: usize) -> Vec<Effect> {
        if index >= self.lessons.len() {
            return vec![];
        }
        self.current = index;
        self.contents_cursor = index;
        self.reset_view();
        vec![Effect::Recompute, Effect::SaveProgress, Effect::Redraw]
    }

    fn reset_view(&mut self) {
        self.focus = Focus::Prose;
        let panes = self.lesson().map_or(0, |l| l.meta.panes.len());
        self.scrolls = Scrolls {
            prose: 0,
            panes: vec![0; panes],
            pane_cols: vec![0; panes],
        };
        self.output = None;
        self.cursors = vec![HeatmapState::default(); panes];
        self.editing = None;
        if self.screen == Screen::Check {
            self.screen = Screen::Lesson;
        }
    }

    /// Changes the focused pane's cursor state with its tensor (nothing if it has none).
    fn pane_cursor(&mut self, change: impl FnOnce(&mut HeatmapState, &Tensor)) {
        let Focus::Pane(i) = self.focus else { return };
        let Some(name) = self
            .lesson()
            .and_then(|l| l.meta.panes.get(i))
            .map(|p| p.result.clone())
        else {
            return;
        };
        if let (Some(Ok(output)), Some(state)) = (&self.output, self.cursors.get_mut(i))
            && let Some(Value::Tensor(t)) = output.get(&name)
        {
            change(state, t);
        }
    }

    fn cycle_focus(&mut self, dir: i32) {
        let panes = if self.panes_hidden() {
            0
        } else {
            self.lesson().map_or(0, |l| l.meta.panes.len()) as i32
        };
        // Positions 0 = prose, 1..=panes = the panes.
        let pos = match self.focus {
            Focus::Prose => 0,
            Focus::Pane(i) => i as i32 + 1,
        };
        let next = (pos + dir).rem_euclid(panes + 1);
        self.focus = if next == 0 {
            Focus::Prose
        } else {
            Focus::Pane(next as usize - 1)
        };
    }

    /// Scrolls whatever the arrow keys move here by `delta` lines (or entries in the contents).
    fn scroll(&mut self, delta: i32) {
        if self.help_open {
            let max = crate::ui::help::max_scroll(self);
            self.help_scroll = add_clamped(self.help_scroll, delta, max);
            return;
        }
        match self.screen {
            Screen::Contents => {
                let last = self.lessons.len().saturating_sub(1) as i64;
                let next = (self.contents_cursor as i64 + delta as i64).clamp(0, last);
                self.contents_cursor = next as usize;
            }
            Screen::Lesson => {
                let target = self.focus;
                self.scroll_target(target, delta);
            }
            Screen::Check => {}
        }
    }

    fn scroll_target(&mut self, target: Focus, delta: i32) {
        let max = crate::ui::layout::max_scroll(self, target);
        match target {
            Focus::Prose => self.scrolls.prose = add_clamped(self.scrolls.prose, delta, max),
            Focus::Pane(i) => {
                if let Some(s) = self.scrolls.panes.get_mut(i) {
                    *s = add_clamped(*s, delta, max);
                }
            }
        }
    }

    /// Moves the focused pane's view sideways by `delta` columns.
    fn scroll_sideways(&mut self, delta: i32) {
        if let Focus::Pane(i) = self.focus {
            let max = crate::ui::layout::max_hscroll(self, i);
            if let Some(c) = self.scrolls.pane_cols.get_mut(i) {
                *c = add_clamped(*c, delta, max);
            }
        }
    }

    fn clamp_scrolls(&mut self) {
        self.scroll_target(Focus::Prose, 0);
        for i in 0..self.scrolls.panes.len() {
            self.scroll_target(Focus::Pane(i), 0);
            let max = crate::ui::layout::max_hscroll(self, i);
            if let Some(c) = self.scrolls.pane_cols.get_mut(i) {
                *c = (*c).min(max);
            }
        }
        if self.help_open {
            self.scroll(0);
        }
    }

    /// Lines a PgDn moves: the height of what is scrolled, less one line of overlap.
    fn page_height(&self) -> i32 {
        let h = match self.screen {
            Screen::Lesson if !self.help_open => {
                crate::ui::layout::viewport_height(self, self.focus)
            }
            _ => self.size.1.saturating_sub(6),
        };
        (h as i32 - 1).max(1)
    }

    /// A lesson parameter's key: Shift steps back; a text parameter opens its edit box.
    fn param_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        let KeyCode::Char(c) = key.code else {
            return vec![];
        };
        if !(key.modifiers - KeyModifiers::SHIFT).is_empty() {
            return vec![];
        }
        let Some(lesson) = self.lesson() else {
            return vec![];
        };
        let found = lesson.meta.params.iter().find_map(|p| {
            if p.key == c {
                Some((p.clone(), 1))
            } else if p.key.is_ascii_lowercase() && p.key.to_ascii_uppercase() == c {
                Some((p.clone(), -1))
            } else {
                None
            }
        });
        let Some((spec, dir)) = found else {
            return vec![];
        };
        let current = self
            .current_params()
            .and_then(|v| v.get(&spec.name))
            .cloned()
            .unwrap_or_else(|| crate::lessons::default_value(&spec.kind));
        if let ParamKind::Text { max_len, .. } = spec.kind {
            let text = match current {
                ParamValue::Text(t) => t,
                _ => String::new(),
            };
            let mut area = TextArea::new(vec![text.clone()]);
            area.move_cursor(ratatui_textarea::CursorMove::End);
            self.editing = Some(Editing {
                param: spec.name.clone(),
                original: text,
                max_len,
                area,
            });
            return vec![Effect::Redraw];
        }
        let next = params::step(&spec, &current, dir);
        if next == current {
            // At the end of its range: nothing to recompute, but say so.
            self.notice = Some(format!(
                "{} is already at its {}",
                spec.label,
                if dir > 0 { "maximum" } else { "minimum" }
            ));
            return vec![Effect::Redraw];
        }
        self.set_param(&spec.name, next);
        vec![Effect::Recompute, Effect::SaveProgress, Effect::Redraw]
    }

    fn set_param(&mut self, name: &str, value: ParamValue) {
        let Some(id) = self.lesson().map(|l| l.meta.id.clone()) else {
            return;
        };
        self.params
            .entry(id)
            .or_default()
            .insert(name.to_string(), value);
    }

    /// A key typed into a text parameter's box: the scene follows the text as it changes.
    fn edit_text(&mut self, key: KeyEvent) -> Vec<Effect> {
        let Some(edit) = self.editing.as_mut() else {
            return vec![];
        };
        // One line only: Enter is bound (finish), so the box never gets a newline.
        let before = edit.area.clone();
        if !edit.area.input(key) {
            return vec![Effect::Redraw];
        }
        let text = edit.area.lines().join(" ");
        if text.chars().count() > edit.max_len {
            // Refuse the key rather than cut the end off: with the cursor mid-text, cutting
            // would silently drop what the learner typed earlier.
            edit.area = before;
            self.notice = Some(format!(
                "at most {} characters: delete some to type more",
                edit.max_len
            ));
            return vec![Effect::Redraw];
        }
        let name = edit.param.clone();
        self.set_param(&name, ParamValue::Text(text));
        vec![Effect::Recompute, Effect::Redraw]
    }

    fn reset_params(&mut self) -> Vec<Effect> {
        let Some(lesson) = self.lesson() else {
            return vec![];
        };
        let id = lesson.meta.id.clone();
        let defaults = params::defaults(&lesson.meta.params);
        self.params.insert(id, defaults);
        self.notice = Some("parameters reset to their defaults".into());
        vec![Effect::Recompute, Effect::SaveProgress, Effect::Redraw]
    }

    fn open_check(&mut self) -> Vec<Effect> {
        let Some(lesson) = self.lesson() else {
            return vec![];
        };
        let n = lesson.meta.checks.len();
        if n == 0 {
            self.notice = Some("this lesson has no check questions".into());
            return vec![Effect::Redraw];
        }
        if self.check.as_ref().is_none_or(|c| c.lesson != self.current) {
            self.check = Some(CheckState {
                lesson: self.current,
                index: 0,
                outcomes: vec![None; n],
                answer: TextArea::default(),
            });
        }
        self.screen = Screen::Check;
        vec![Effect::Redraw]
    }

    fn move_question(&mut self, dir: i32) {
        let Some(lesson) = self.lesson() else { return };
        let n = lesson.meta.checks.len() as i32;
        if let Some(state) = self.check.as_mut() {
            state.index = (state.index as i32 + dir).clamp(0, n - 1) as usize;
            state.answer = TextArea::default();
        }
    }

    fn choose(&mut self, number: usize) -> Vec<Effect> {
        let Some(question) = self.current_question() else {
            return vec![];
        };
        let Some(choice) = number.checked_sub(1).and_then(|i| question.choices.get(i)) else {
            self.notice = Some(format!(
                "choose a number from 1 to {}",
                question.choices.len()
            ));
            return vec![Effect::Redraw];
        };
        let correct = question.is_correct(choice);
        let given = choice.clone();
        self.record_answer(given, correct)
    }

    fn submit_typed(&mut self) -> Vec<Effect> {
        let Some(question) = self.current_question() else {
            return vec![];
        };
        let Some(state) = self.check.as_ref() else {
            return vec![];
        };
        let given = state.answer.lines().join(" ").trim().to_string();
        if given.is_empty() {
            self.notice = Some("type an answer, then press Enter".into());
            return vec![Effect::Redraw];
        }
        let correct = answer::accepts(question, &given);
        self.record_answer(given, correct)
    }

    /// Remembers an answer; when every question of the lesson is answered right, the lesson is
    /// done and progress is saved.
    fn record_answer(&mut self, given: String, correct: bool) -> Vec<Effect> {
        let Some(state) = self.check.as_mut() else {
            return vec![];
        };
        state.outcomes[state.index] = Some(Outcome { given, correct });
        let all_right = state
            .outcomes
            .iter()
            .all(|o| matches!(o, Some(o) if o.correct));
        let lesson_index = state.lesson;
        if all_right {
            if let Some(Ok(lesson)) = self.lessons.get(lesson_index)
                && self.done.insert(lesson.meta.id.clone())
            {
                self.notice = Some(format!("lesson done: {} ✓", lesson.meta.title));
            }
            return vec![Effect::SaveProgress, Effect::Redraw];
        }
        vec![Effect::Redraw]
    }

    fn on_mouse(&mut self, mouse: MouseEvent) -> Vec<Effect> {
        let delta = match mouse.kind {
            MouseEventKind::ScrollDown => 3,
            MouseEventKind::ScrollUp => -3,
            MouseEventKind::Down(MouseButton::Left) => return self.click(mouse.column, mouse.row),
            MouseEventKind::ScrollLeft => return self.wheel_sideways(mouse, -8),
            MouseEventKind::ScrollRight => return self.wheel_sideways(mouse, 8),
            _ => return vec![],
        };
        if self.help_open || self.editing.is_some() {
            if self.help_open {
                self.scroll(delta);
            }
            return vec![Effect::Redraw];
        }
        match self.screen {
            Screen::Lesson => {
                let at = Position::new(mouse.column, mouse.row);
                if let Some(target) = crate::ui::layout::target_at(self, at) {
                    self.scroll_target(target, delta);
                }
            }
            Screen::Contents => self.scroll(delta.signum()),
            Screen::Check => {}
        }
        vec![Effect::Redraw]
    }

    /// A sideways wheel (or Shift-wheel on some terminals) moves the pane under the pointer.
    fn wheel_sideways(&mut self, mouse: MouseEvent, delta: i32) -> Vec<Effect> {
        if self.screen != Screen::Lesson || self.help_open || self.editing.is_some() {
            return vec![];
        }
        let at = Position::new(mouse.column, mouse.row);
        let Some(Focus::Pane(i)) = crate::ui::layout::target_at(self, at) else {
            return vec![];
        };
        let max = crate::ui::layout::max_hscroll(self, i);
        if let Some(c) = self.scrolls.pane_cols.get_mut(i) {
            *c = add_clamped(*c, delta, max);
        }
        vec![Effect::Redraw]
    }

    fn click(&mut self, column: u16, row: u16) -> Vec<Effect> {
        let at = Position::new(column, row);
        match self.screen {
            Screen::Contents if !self.help_open => {
                if let Some(index) = crate::ui::contents::lesson_at(self, at) {
                    self.screen = Screen::Lesson;
                    return self.go_to(index);
                }
                vec![]
            }
            Screen::Lesson if !self.help_open && self.editing.is_none() => {
                // A click focuses the pane under the pointer.
                match crate::ui::layout::target_at(self, at) {
                    Some(target) if target != self.focus => {
                        self.focus = target;
                        vec![Effect::Redraw]
                    }
                    _ => vec![],
                }
            }
            _ => vec![],
        }
    }

    /// New lesson files from disk: keep the lesson open (by id) and the learner's values.
    fn reload(&mut self, lessons: Vec<LessonSlot>) -> Vec<Effect> {
        let current_id = self.lesson().map(|l| l.meta.id.clone());
        let current_file = self.lessons.get(self.current).and_then(slot_file);
        let failed = lessons.iter().filter(|l| l.is_err()).count();
        self.lessons = lessons;
        for lesson in self.lessons.iter().flatten() {
            let kept = params::restore(&lesson.meta.params, self.params.get(&lesson.meta.id));
            self.params.insert(lesson.meta.id.clone(), kept);
        }
        // The same lesson by id; else the same file (the lesson being edited just broke, or
        // was mended): its error or its content shows where the author is looking.
        let index = current_id
            .and_then(|id| self.index_of(&id))
            .or_else(|| {
                let file = current_file?;
                self.lessons
                    .iter()
                    .position(|slot| slot_file(slot).as_ref() == Some(&file))
            })
            .unwrap_or(self.current.min(self.lessons.len().saturating_sub(1)));
        self.current = index;
        self.contents_cursor = self
            .contents_cursor
            .min(self.lessons.len().saturating_sub(1));
        self.check = None;
        let screen = self.screen;
        self.reset_view();
        self.screen = if screen == Screen::Contents {
            Screen::Contents
        } else {
            Screen::Lesson
        };
        self.notice = Some(match failed {
            0 => "lessons reloaded".to_string(),
            n => format!("lessons reloaded; {n} failed to load (see contents)"),
        });
        vec![Effect::Recompute, Effect::Redraw]
    }

    /// The part a lesson slot belongs to: its own, or for a broken file the part of the lesson
    /// before it.
    pub fn part_of(&self, index: usize) -> &str {
        let end = (index + 1).min(self.lessons.len());
        self.lessons[..end]
            .iter()
            .rev()
            .find_map(|l| l.as_ref().ok().map(|l| l.meta.part.as_str()))
            .unwrap_or("Lessons")
    }

    /// The rectangle the whole screen occupies.
    pub fn area(&self) -> Rect {
        Rect::new(0, 0, self.size.0, self.size.1)
    }
}

fn add_clamped(value: u16, delta: i32, max: u16) -> u16 {
    (value as i32 + delta).clamp(0, max as i32) as u16
}

/// The file a lesson slot was read from, loaded or broken.
fn slot_file(slot: &LessonSlot) -> Option<std::path::PathBuf> {
    match slot {
        Ok(lesson) => Some(std::path::PathBuf::from(&lesson.source)),
        Err(errors) => errors.first().map(|e| e.file.clone()),
    }
}
