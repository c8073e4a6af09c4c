//! Carries out the app's effects: runs scenes, saves progress, notes redraws and quitting.
//!
//! Kept apart from the terminal so tests drive the same code path the binary does.

use super::progress::ProgressStore;
use super::{App, AppEvent, Effect};
use crate::scenes::Scene;

/// Finds a scene by name (the real list, or a test's own).
pub type SceneLookup = fn(&str) -> Option<&'static dyn Scene>;

/// Runs effects against a progress store and a scene list.
pub struct Runner {
    pub store: ProgressStore,
    pub scenes: SceneLookup,
    /// Something changed since the last draw.
    pub needs_draw: bool,
    /// The app asked to quit.
    pub quit: bool,
    /// A recompute asked for during a burst of events, run once by [`Runner::flush`].
    pending_recompute: bool,
}

impl Runner {
    pub fn new(store: ProgressStore, scenes: SceneLookup) -> Self {
        Runner {
            store,
            scenes,
            needs_draw: true,
            quit: false,
            pending_recompute: false,
        }
    }

    /// Hands one event to the app and carries out what it asks for.
    pub fn dispatch(&mut self, app: &mut App, event: AppEvent) {
        let effects = app.handle(event);
        self.run(app, effects);
    }

    /// Like [`Runner::dispatch`], but a recompute waits for [`Runner::flush`]: a burst of keys
    /// (a pasted text, a held-down key) then runs the scene once, not once per key.
    pub fn dispatch_deferred(&mut self, app: &mut App, event: AppEvent) {
        let effects = app.handle(event);
        let (recompute, rest): (Vec<_>, Vec<_>) =
            effects.into_iter().partition(|e| *e == Effect::Recompute);
        self.pending_recompute |= !recompute.is_empty();
        self.run(app, rest);
    }

    /// Runs the recompute a deferred dispatch put off, if any.
    pub fn flush(&mut self, app: &mut App) {
        if std::mem::take(&mut self.pending_recompute) {
            self.run(app, vec![Effect::Recompute]);
        }
    }

    /// Carries out effects in order.
    pub fn run(&mut self, app: &mut App, effects: Vec<Effect>) {
        for effect in effects {
            match effect {
                Effect::Redraw => self.needs_draw = true,
                Effect::Quit => self.quit = true,
                Effect::Recompute => {
                    let output = compute(app, self.scenes);
                    app.set_output(output);
                    self.needs_draw = true;
                }
                Effect::SaveProgress => match self.store.save(&app.progress()) {
                    Ok(()) => app.save_succeeded(),
                    Err(message) => {
                        app.save_failed(message);
                        self.needs_draw = true;
                    }
                },
            }
        }
    }
}

/// Runs the current lesson's scene. A scene's refusal, an unknown scene name and a panic inside
/// the scene all become a message for the pane area rather than ending the lab.
pub fn compute(
    app: &App,
    scenes: SceneLookup,
) -> Option<Result<crate::results::SceneOutput, String>> {
    let (name, params, ctx) = app.scene_request()?;
    let Some(scene) = scenes(&name) else {
        return Some(Err(format!(
            "this lesson names the scene \"{name}\", which this build of llm-lab does not have"
        )));
    };
    CATCHING.with(|c| c.set(true));
    let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        scene.compute(&params, &ctx)
    }));
    CATCHING.with(|c| c.set(false));
    Some(match run {
        Ok(Ok(output)) => Ok(output),
        Ok(Err(err)) => Err(err.to_string()),
        Err(payload) => {
            let what = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            Err(format!(
                "the scene \"{name}\" crashed ({what}); this is a bug in llm-lab, please report it"
            ))
        }
    })
}

thread_local! {
    /// Set while a scene runs on this thread: its panics are caught and shown in the pane.
    static CATCHING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether the current thread is running a scene whose panic will be caught.
pub fn catching_scene_panic() -> bool {
    CATCHING.with(|c| c.get())
}
