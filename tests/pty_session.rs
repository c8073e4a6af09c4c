//! The real binary in a pseudo-terminal: it draws the first screen, walks to lesson 3 with
//! keys, quits with q, exits 0 and leaves the terminal as it found it; started again it returns
//! to lesson 3.

use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const ROWS: u16 = 30;
const COLS: u16 = 100;

/// A running lab in a pseudo-terminal, with everything it wrote so far.
struct Session {
    child: Box<dyn portable_pty::Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    output: Arc<Mutex<Vec<u8>>>,
}

impl Session {
    fn start(data_dir: &std::path::Path) -> Session {
        Self::start_with(data_dir, &[])
    }

    fn start_with(data_dir: &std::path::Path, args: &[&str]) -> Session {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows: ROWS,
                cols: COLS,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pty");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_llm-lab"));
        cmd.args(args);
        cmd.env("LLM_LAB_DATA_DIR", data_dir);
        cmd.env("TERM", "xterm-256color");
        let child = pty.slave.spawn_command(cmd).expect("start llm-lab");
        drop(pty.slave);
        let mut reader = pty.master.try_clone_reader().expect("reader");
        let writer = pty.master.take_writer().expect("writer");
        let output = Arc::new(Mutex::new(Vec::new()));
        let sink = output.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        // The master must outlive the child; keeping it in the reader thread is enough.
        std::mem::forget(pty.master);
        Session {
            child,
            writer,
            output,
        }
    }

    /// The screen as a terminal would show it now.
    fn screen(&self) -> String {
        let mut parser = vt100::Parser::new(ROWS, COLS, 0);
        parser.process(&self.output.lock().unwrap());
        parser.screen().contents()
    }

    /// Waits until the screen shows `text` (a debug build on a busy machine can be slow).
    fn wait_for(&self, text: &str) {
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if self.screen().contains(text) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!(
            "the screen never showed {text:?}; it shows:\n{}",
            self.screen()
        );
    }

    fn keys(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    /// Waits for the process to end and returns whether it succeeded.
    fn wait_exit(&mut self) -> bool {
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().unwrap() {
                // Let the reader catch the last bytes.
                std::thread::sleep(Duration::from_millis(200));
                return status.success();
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        panic!("llm-lab did not exit after q");
    }

    fn raw(&self) -> String {
        String::from_utf8_lossy(&self.output.lock().unwrap()).into_owned()
    }
}

#[test]
fn walk_to_lesson_three_quit_and_come_back() {
    let data = tempfile::tempdir().unwrap();
    let mut lab = Session::start(data.path());
    lab.wait_for("lesson 1 of");
    lab.keys("l");
    lab.wait_for("lesson 2 of");
    lab.keys("\x1b[C"); // the right arrow
    lab.wait_for("lesson 3 of");
    lab.keys("q");
    assert!(
        lab.wait_exit(),
        "llm-lab exited with an error:\n{}",
        lab.screen()
    );

    // After the last time the app entered its screen, it left it: alternate screen off,
    // mouse capture off, cursor shown.
    let raw = lab.raw();
    let entered = raw
        .rfind("\x1b[?1049h")
        .expect("entered the alternate screen");
    let tail = &raw[entered..];
    for (seq, what) in [
        ("\x1b[?1049l", "leave the alternate screen"),
        ("\x1b[?25h", "show the cursor"),
        ("\x1b[?1000l", "stop mouse button reports"),
        ("\x1b[?1003l", "stop mouse motion reports"),
        ("\x1b[?1006l", "stop SGR mouse reports"),
    ] {
        assert!(tail.contains(seq), "did not {what} ({seq:?}) on quit");
    }
    assert!(data.path().join("progress.json").exists());

    let mut again = Session::start(data.path());
    again.wait_for("lesson 3 of");
    again.keys("\x03"); // Ctrl-C
    assert!(again.wait_exit(), "Ctrl-C should end the lab cleanly");
    assert!(again.raw().contains("\x1b[?1049l"));
}

#[test]
fn sigterm_ends_the_lab_and_restores_the_terminal() {
    let data = tempfile::tempdir().unwrap();
    let mut lab = Session::start(data.path());
    lab.wait_for("lesson 1 of");
    let pid = lab.child.process_id().expect("a pid");
    let status = std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .expect("run kill");
    assert!(status.success());
    assert!(lab.wait_exit(), "SIGTERM should end the lab cleanly");
    let raw = lab.raw();
    let entered = raw.rfind("\x1b[?1049h").unwrap();
    assert!(raw[entered..].contains("\x1b[?1049l"));
    assert!(raw[entered..].contains("\x1b[?25h"));
}

#[test]
fn reset_progress_starts_again_at_lesson_one() {
    let data = tempfile::tempdir().unwrap();
    std::fs::write(
        data.path().join("progress.json"),
        r#"{"current": "softmax", "done": ["vectors"]}"#,
    )
    .unwrap();
    let mut lab = Session::start(data.path());
    lab.wait_for("lesson 3 of");
    lab.keys("q");
    assert!(lab.wait_exit());
    let mut lab = Session::start_with(data.path(), &["--reset-progress"]);
    lab.wait_for("lesson 1 of");
    assert!(!lab.screen().contains("✓ done"));
    lab.keys("q");
    assert!(lab.wait_exit());
}
