//! `llm-lab` with no subcommand: the terminal app. Sets up the terminal, the event sources (keys
//! and mouse, signals, lesson files changing) and runs the loop: event → `App::handle` →
//! effects → draw when something changed.

use crate::app::progress::ProgressStore;
use crate::app::runner::Runner;
use crate::app::{App, AppEvent, AppOptions, LessonSlot};
use crate::lessons;
use crate::ui::{self, terminal, theme::Theme};
use anyhow::{Context as _, bail};
use ratatui::crossterm::event::{self, Event};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, Sender};
use std::time::Duration;

/// The options of the terminal app (from the top-level command line).
#[derive(Clone, Debug)]
pub struct TuiOptions {
    pub lesson: Option<String>,
    pub lessons_dir: Option<PathBuf>,
    pub seed: u64,
    pub reset_progress: bool,
    pub theme: String,
    /// `--corpus FILE` and `--tokenizer FILE`, handed to the scenes.
    pub corpus: Option<PathBuf>,
    pub tokenizer: Option<PathBuf>,
}

/// Loads the built-in lessons, or those of `dir`.
pub fn load_lessons(dir: Option<&Path>) -> anyhow::Result<Vec<LessonSlot>> {
    match dir {
        None => Ok(lessons::load_builtin()),
        Some(dir) => lessons::load_dir(dir).map_err(|e| anyhow::anyhow!("{e}")),
    }
}

pub fn run(opts: TuiOptions) -> anyhow::Result<()> {
    let theme = Theme::by_name(&opts.theme).with_context(|| {
        format!(
            "unknown theme `{}`; choose one of: {}",
            opts.theme,
            Theme::NAMES.join(", ")
        )
    })?;
    let slots = load_lessons(opts.lessons_dir.as_deref())?;
    if slots.is_empty() {
        bail!("no lesson files found; give --lessons a folder of lesson .md files");
    }
    if let Some(id) = &opts.lesson {
        let known = slots.iter().flatten().any(|l| &l.meta.id == id);
        if !known {
            let broken = slots.iter().filter(|s| s.is_err()).count();
            if broken > 0 {
                bail!(
                    "no lesson has the id `{id}`, but {broken} lesson file(s) could not be loaded, perhaps this one: `llm-lab lessons check DIR` shows why"
                );
            }
            bail!("no lesson has the id `{id}`; `llm-lab lessons list` shows the ids");
        }
    }
    // A bad --corpus or --tokenizer is refused before the screen changes; the corpus stays
    // loaded for the scenes.
    if opts.corpus.is_some() {
        crate::scenes::tokenization::corpus_tools(&opts.corpus)
            .map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    if let Some(path) = &opts.tokenizer {
        crate::text::tokenizer::BpeTokenizer::from_file(path)?;
    }
    if !std::io::stdout().is_terminal() {
        bail!(
            "the lab draws in a terminal, and standard output is not one; run it in a terminal \
             (for numbers as JSON, use `llm-lab dump LESSON_ID`)"
        );
    }
    let store = ProgressStore::locate();
    if opts.reset_progress {
        store
            .reset()
            .map_err(|e| anyhow::anyhow!("cannot reset progress: {e}"))?;
    }
    let loaded = store.load();
    if let Some(notice) = &loaded.notice {
        eprintln!("llm-lab: {notice}");
    }

    terminal::install_panic_hook();
    let mut term = terminal::enter().context("cannot set up the terminal")?;
    let _guard = terminal::Guard;
    let size = term.size()?;
    let mut app = App::new(
        slots,
        loaded.progress,
        AppOptions {
            seed: opts.seed,
            theme,
            start_lesson: opts.lesson.clone(),
            size: (size.width, size.height),
            corpus: opts.corpus.clone(),
            tokenizer: opts.tokenizer.clone(),
        },
    );
    app.notice = loaded.notice;

    let (tx, rx) = mpsc::channel();
    spawn_input(tx.clone());
    spawn_signals(tx.clone())?;
    // Kept alive for the whole run: dropping it stops the watching.
    let _watcher = match &opts.lessons_dir {
        Some(dir) => Some(watch_lessons(dir, tx.clone())?),
        None => None,
    };
    drop(tx);

    let mut runner = Runner::new(store, crate::scenes::find);
    let start = app.start();
    runner.run(&mut app, start);
    event_loop(&mut term, &mut app, &mut runner, &rx)?;
    drop(_guard);
    Ok(())
}

fn event_loop(
    term: &mut terminal::Term,
    app: &mut App,
    runner: &mut Runner,
    rx: &Receiver<AppEvent>,
) -> anyhow::Result<()> {
    loop {
        if runner.quit {
            return Ok(());
        }
        if runner.needs_draw {
            term.draw(|frame| ui::render(app, frame))?;
            runner.needs_draw = false;
        }
        let Ok(first) = rx.recv() else {
            bail!("every event source stopped; leaving the lab");
        };
        let input_lost = matches!(first, AppEvent::InputClosed);
        runner.dispatch_deferred(app, first);
        if input_lost {
            bail!("the keyboard could not be read any more; progress was saved");
        }
        // Take everything already waiting before drawing again (a burst of wheel events or
        // pasted text), and run the scene once for the whole burst.
        while let Ok(next) = rx.try_recv() {
            if runner.quit {
                break;
            }
            let input_lost = matches!(next, AppEvent::InputClosed);
            runner.dispatch_deferred(app, next);
            if input_lost {
                bail!("the keyboard could not be read any more; progress was saved");
            }
        }
        runner.flush(app);
    }
}

/// Tells the loop when the input thread ends, whether it returns or panics.
struct InputClosedOnDrop(Sender<AppEvent>);

impl Drop for InputClosedOnDrop {
    fn drop(&mut self) {
        let _ = self.0.send(AppEvent::InputClosed);
    }
}

/// Reads keys, mouse and resizes on a thread of its own and sends them down the channel.
fn spawn_input(tx: Sender<AppEvent>) {
    std::thread::spawn(move || {
        let _closed = InputClosedOnDrop(tx.clone());
        loop {
            let app_event = match event::read() {
                Ok(Event::Key(key)) => AppEvent::Key(key),
                Ok(Event::Mouse(mouse)) => AppEvent::Mouse(mouse),
                Ok(Event::Resize(w, h)) => AppEvent::Resize(w, h),
                Ok(_) => continue,
                Err(_) => break,
            };
            if tx.send(app_event).is_err() {
                break;
            }
        }
    });
}

/// SIGTERM, SIGINT and SIGHUP end the lab the same way q does, so the terminal is restored.
fn spawn_signals(tx: Sender<AppEvent>) -> anyhow::Result<()> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGTERM, SIGINT, SIGHUP])
        .context("cannot listen for signals")?;
    std::thread::spawn(move || {
        for _ in signals.forever() {
            if tx.send(AppEvent::Terminate).is_err() {
                break;
            }
        }
    });
    Ok(())
}

/// Watches a lessons folder; after a burst of changes settles, loads it again and sends the
/// lessons to the app.
fn watch_lessons(dir: &Path, tx: Sender<AppEvent>) -> anyhow::Result<notify::RecommendedWatcher> {
    use notify::Watcher;
    let (changed_tx, changed_rx) = mpsc::channel::<()>();
    let mut watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
        if let Ok(ev) = res
            && ev.paths.iter().any(|p| lessons::is_lesson_file(p))
        {
            let _ = changed_tx.send(());
        }
    })
    .context("cannot watch the lessons folder")?;
    watcher
        .watch(dir, notify::RecursiveMode::NonRecursive)
        .with_context(|| format!("cannot watch {}", dir.display()))?;
    let dir = dir.to_path_buf();
    std::thread::spawn(move || {
        while changed_rx.recv().is_ok() {
            // Editors write a file in several steps: wait until it has been quiet for a moment.
            while changed_rx.recv_timeout(Duration::from_millis(150)).is_ok() {}
            let event = match load_lessons(Some(&dir)) {
                Ok(slots) => AppEvent::LessonsReloaded(slots),
                Err(_) => continue,
            };
            if tx.send(event).is_err() {
                break;
            }
        }
    });
    Ok(watcher)
}
