//! Entering and leaving the full-screen terminal, so that the learner's terminal is always left
//! as it was: on quit, on an error, on a signal and on a panic in any thread.

use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::{
    cursor::Show,
    event::{DisableMouseCapture, EnableMouseCapture},
    execute,
    terminal::{
        Clear, ClearType, EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode,
        enable_raw_mode,
    },
};
use std::io::{self, Stdout};
use std::sync::atomic::{AtomicBool, Ordering};

/// Whether the terminal is in the app's mode (so restoring twice does nothing the second time).
static ACTIVE: AtomicBool = AtomicBool::new(false);

pub type Term = Terminal<CrosstermBackend<Stdout>>;

/// Raw mode, the alternate screen, mouse capture, hidden cursor. Restores on failure.
pub fn enter() -> io::Result<Term> {
    enable_raw_mode()?;
    ACTIVE.store(true, Ordering::SeqCst);
    let setup = || -> io::Result<Term> {
        // Clearing with crossterm rather than `Terminal::clear`, which first asks the terminal
        // where its cursor is and waits for an answer some terminals never give.
        execute!(
            io::stdout(),
            EnterAlternateScreen,
            EnableMouseCapture,
            Clear(ClearType::All)
        )?;
        let mut terminal = Terminal::new(CrosstermBackend::new(io::stdout()))?;
        terminal.hide_cursor()?;
        Ok(terminal)
    };
    setup().inspect_err(|_| restore())
}

/// Leaves the app's mode: mouse capture off, main screen back, cursor shown, raw mode off.
/// Safe to call from any thread and more than once.
pub fn restore() {
    if ACTIVE.swap(false, Ordering::SeqCst) {
        let _ = execute!(
            io::stdout(),
            DisableMouseCapture,
            LeaveAlternateScreen,
            Show
        );
        let _ = disable_raw_mode();
    }
}

/// Restores the terminal before a panic message is printed, in whatever thread panics.
/// A panic inside a scene is caught and shown in its pane instead (see `app::runner`), so the
/// hook leaves the terminal alone for those.
pub fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !crate::app::runner::catching_scene_panic() {
            restore();
            previous(info);
        }
    }));
}

/// Restores the terminal when dropped, so an early return or `?` cannot leave it broken.
pub struct Guard;

impl Drop for Guard {
    fn drop(&mut self) {
        restore();
    }
}
