//! Regressions found by walking the real lessons as a learner would: each test pins one bug that
//! was seen on screen.

mod app_fixture;

use app_fixture::open_builtin as open;
use app_fixture::*;
use llm_lab::app::progress::{Progress, ProgressStore};
use llm_lab::app::runner::Runner;
use llm_lab::app::{App, AppEvent, AppOptions, Focus, Screen};
use llm_lab::lessons::ParamValue;
use llm_lab::ui::status;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::KeyCode;

fn screen(app: &App) -> String {
    let (w, h) = app.size;
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| llm_lab::ui::render(app, f)).unwrap();
    let buf = terminal.backend().buffer();
    (0..h)
        .map(|y| (0..w).map(|x| buf[(x, y)].symbol()).collect::<String>())
        .collect::<Vec<_>>()
        .join("\n")
}

fn focus_pane_with_result(app: &mut App, runner: &mut Runner, result: &str) {
    let index = app
        .lesson()
        .unwrap()
        .meta
        .panes
        .iter()
        .position(|p| p.result == result)
        .expect("pane exists");
    while app.focus != Focus::Pane(index) {
        send(app, runner, [key(KeyCode::Tab)]);
    }
}

#[test]
fn a_focused_heatmap_offers_only_keys_that_work_there() {
    let (mut app, mut r) = open("vectors", (120, 40));
    focus_pane_with_result(&mut app, &mut r, "cosine_similarity");
    let hints = status::hints(&app);
    // → and ← move the cell cursor here, so the next/previous lesson hint names n and p.
    assert!(hints.contains(&("n".into(), "next")), "{hints:?}");
    assert!(hints.contains(&("p".into(), "prev")), "{hints:?}");
    assert!(!hints.contains(&("→".into(), "next")), "{hints:?}");
    assert!(!hints.iter().any(|(_, w)| *w == "scroll"), "{hints:?}");
    // A 2-D tensor has no slices to page through.
    assert!(!hints.iter().any(|(_, w)| *w == "slice"), "{hints:?}");
    // And n really does go to the next lesson from here.
    send(&mut app, &mut r, [ch('n')]);
    assert_eq!(app.lesson().unwrap().meta.id, "projections");
}

#[test]
fn the_cell_readout_stays_off_the_check_screen() {
    let (mut app, mut r) = open("vectors", (120, 40));
    focus_pane_with_result(&mut app, &mut r, "cosine_similarity");
    assert!(status::cursor_readout(&app).is_some());
    send(&mut app, &mut r, [ch('a')]);
    assert_eq!(app.screen, Screen::Check);
    assert!(status::cursor_readout(&app).is_none());
    assert!(!screen(&app).contains("cosine_similarity["));
    send(&mut app, &mut r, [key(KeyCode::Esc), ch('?')]);
    assert!(status::cursor_readout(&app).is_none(), "not under the help");
}

#[test]
fn the_title_numbers_a_lesson_as_the_contents_does() {
    let (app, _) = open("tokenization", (120, 40));
    let top = screen(&app).lines().next().unwrap().to_string();
    assert!(top.contains("lesson 5 · 4 of 8"), "{top}");
    let (app, _) = open("vectors", (120, 40));
    let top = screen(&app).lines().next().unwrap().to_string();
    assert!(top.contains("lesson 1 of 8"), "{top}");
}

#[test]
fn a_shape_is_accepted_however_it_is_written() {
    for answer in ["[3072, 768]", "3072 X 768", "(3072,768)", "3072*768"] {
        let (mut app, mut r) = open("projections", (120, 40));
        send(&mut app, &mut r, [ch('a')]);
        assert!(app.typing_answer());
        type_text(&mut app, &mut r, answer);
        send(&mut app, &mut r, [key(KeyCode::Enter)]);
        let outcome = app.check.as_ref().unwrap().outcomes[0].clone().unwrap();
        assert!(outcome.correct, "{answer}");
    }
    let (mut app, mut r) = open("projections", (120, 40));
    send(&mut app, &mut r, [ch('a')]);
    type_text(&mut app, &mut r, "768, 3072");
    send(&mut app, &mut r, [key(KeyCode::Enter)]);
    let outcome = app.check.as_ref().unwrap().outcomes[0].clone().unwrap();
    assert!(!outcome.correct, "transposed is wrong");
}

#[test]
fn a_full_text_box_refuses_keys_instead_of_cutting_its_end() {
    // The fixture's text parameter `words` holds at most 12 characters; it starts "one step".
    let (mut app, mut r) = app_at((100, 30));
    send(&mut app, &mut r, [ch('w'), key(KeyCode::Home)]);
    type_text(&mut app, &mut r, "abcdefgh");
    assert_eq!(
        param(&app, "words"),
        ParamValue::Text("abcdone step".into())
    );
    let notice = app.notice.clone().unwrap_or_default();
    assert!(notice.contains("at most 12"), "{notice}");
    // The cursor stayed where the learner was typing.
    send(&mut app, &mut r, [key(KeyCode::Backspace), ch('X')]);
    assert_eq!(
        param(&app, "words"),
        ParamValue::Text("abcXone step".into())
    );
}

#[test]
fn a_burst_of_keys_with_one_deferred_recompute_ends_as_key_by_key_would() {
    let (mut one, mut r1) = open("tokenization", (120, 40));
    let (mut burst, mut r2) = open("tokenization", (120, 40));
    let keys: Vec<AppEvent> = std::iter::once(ch('i'))
        .chain(" more words".chars().map(ch))
        .chain([key(KeyCode::Enter)])
        .collect();
    send(&mut one, &mut r1, keys.clone());
    for k in keys {
        r2.dispatch_deferred(&mut burst, k);
    }
    r2.flush(&mut burst);
    assert_eq!(one.current_params(), burst.current_params());
    let a = one.output.clone().unwrap().unwrap();
    let b = burst.output.clone().unwrap().unwrap();
    assert_eq!(format!("{a:?}"), format!("{b:?}"));
}

#[test]
fn a_long_pane_title_gives_way_to_its_shape_and_tab_badge() {
    let (app, _) = open("attention-matrix", (80, 24));
    let second_row = screen(&app).lines().nth(1).unwrap().to_string();
    assert!(second_row.contains("(6×6) 1/7 Tab"), "{second_row}");
    assert!(second_row.contains("…"), "{second_row}");
    assert_eq!(
        llm_lab::ui::panes::pane_title("Scores", "(6×6) ", 40),
        " Scores (6×6) "
    );
}

#[test]
fn a_256_or_16_colour_terminal_gets_no_24_bit_colour_anywhere() {
    use llm_lab::ui::widgets::color::ColorMode;
    use ratatui::style::Color;
    for mode in [ColorMode::Ansi256, ColorMode::Shades] {
        // No other test of this file looks at colours, so the override cannot disturb them.
        ColorMode::set_override(Some(mode));
        let (app, _) = open("vectors", (100, 30));
        let mut terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
        terminal.draw(|f| llm_lab::ui::render(&app, f)).unwrap();
        ColorMode::set_override(None);
        let buf = terminal.backend().buffer();
        let rgb = buf
            .content
            .iter()
            .filter(|c| matches!(c.fg, Color::Rgb(..)) || matches!(c.bg, Color::Rgb(..)))
            .count();
        assert_eq!(rgb, 0, "{mode:?}: cells still in 24-bit colour");
        // The parameter strip sits just above the status bar and must keep a background of its
        // own: on a 16-colour terminal its dark tint once rounded to black, the screen's colour.
        let strip = buf[(0, 28)].bg;
        assert!(
            !matches!(strip, Color::Reset | Color::Black) && strip != buf[(0, 0)].bg,
            "{mode:?}: the parameter strip lost its background ({strip:?})"
        );
        assert!(
            buf.content.iter().any(|c| c.fg != Color::Reset),
            "{mode:?}: the theme's colours became colours the terminal has"
        );
    }
}

#[test]
fn a_lesson_that_breaks_while_open_shows_its_error_in_place_and_comes_back_when_mended() {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/lessons")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
    }
    let load = || llm_lab::lessons::load_dir(dir.path()).unwrap();
    let options = AppOptions {
        start_lesson: Some("softmax".into()),
        size: (100, 30),
        ..AppOptions::default()
    };
    let mut app = App::new(load(), Progress::default(), options);
    let mut r = Runner::new(ProgressStore::memory(), llm_lab::scenes::find);
    let start = app.start();
    r.run(&mut app, start);
    let file = dir.path().join("03-softmax.md");
    let good = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, good.replace("order = 3", "order = \"three\"")).unwrap();
    r.dispatch(&mut app, AppEvent::LessonsReloaded(load()));
    let errors = app.lessons[app.current]
        .as_ref()
        .expect_err("shows the broken file");
    assert!(errors[0].file.ends_with("03-softmax.md"), "{errors:?}");
    let top = screen(&app).lines().next().unwrap().to_string();
    assert!(top.contains("03-softmax.md could not be loaded"), "{top}");
    std::fs::write(&file, good).unwrap();
    r.dispatch(&mut app, AppEvent::LessonsReloaded(load()));
    assert_eq!(app.lesson().unwrap().meta.id, "softmax");
}

#[test]
fn a_long_notice_is_cut_short_of_the_seed_instead_of_running_into_it() {
    let (mut app, _) = open("vectors", (80, 24));
    app.notice = Some(format!(
        "progress file {} could not be read",
        "/very/long".repeat(10)
    ));
    let last = screen(&app).lines().last().unwrap().to_string();
    assert!(last.contains("…") && last.ends_with(" seed 42 "), "{last}");
    assert!(!last.contains("long seed"), "{last}");
}

#[test]
fn a_lesson_id_missing_because_its_file_is_broken_is_said_so() {
    let dir = tempfile::tempdir().unwrap();
    let good = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/lessons/03-softmax.md"
    ))
    .unwrap();
    std::fs::write(
        dir.path().join("03-softmax.md"),
        good.replace("order = 3", "order = \"three\""),
    )
    .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_llm-lab"))
        .args(["dump", "softmax", "--lessons"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("could not be loaded"), "{err}");
    assert!(err.contains("lessons check"), "{err}");
}

#[test]
fn tokenizer_commands_refuse_flags_they_would_ignore() {
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_llm-lab"))
            .args(args)
            .output()
            .unwrap()
    };
    let out = run(&["tokenizer", "encode", "hi", "--corpus", "/no/such.txt"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not read --corpus"));
    let out = run(&[
        "tokenizer",
        "decode",
        "1",
        "--char",
        "--tokenizer",
        "x.json",
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not read --tokenizer"));
    // A flag after the ids is a flag, not an id.
    let out = run(&["tokenizer", "decode", "40", "41", "--char"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = run(&["tokenizer", "decode", "-5"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("'-5' is not a token id"));
}

#[test]
fn g_and_shift_g_jump_to_the_ends_of_the_help() {
    let (mut app, mut r) = open("vectors", (80, 24));
    send(&mut app, &mut r, [ch('?'), ch('G')]);
    let end = app.help_scroll;
    assert!(end > 0, "the help is longer than 80x24");
    send(&mut app, &mut r, [key(KeyCode::PageDown)]);
    assert_eq!(app.help_scroll, end, "G went to the end");
    send(&mut app, &mut r, [ch('g')]);
    assert_eq!(app.help_scroll, 0);
    assert!(app.help_open);
}

#[test]
fn a_refusing_scene_says_why_once_over_the_pane_column() {
    let (mut app, mut r) = app_at((100, 30));
    send(&mut app, &mut r, [ch('n'), ch('n'), ch('n')]);
    assert!(matches!(app.output, Some(Err(_))));
    let text = screen(&app);
    assert_eq!(text.matches("computation stopped").count(), 1, "{text}");
    assert_eq!(text.matches("corpus is empty").count(), 1, "{text}");
}

#[test]
fn tab_skips_the_panes_a_refusing_scene_hides() {
    let (mut app, mut r) = app_at((100, 30));
    send(&mut app, &mut r, [ch('n'), ch('n'), ch('n')]);
    assert!(matches!(app.output, Some(Err(_))));
    assert!(!app.lesson().unwrap().meta.panes.is_empty());
    for code in [KeyCode::Tab, KeyCode::Tab, KeyCode::BackTab] {
        send(&mut app, &mut r, [key(code)]);
        assert_eq!(app.focus, Focus::Prose, "after {code:?}");
    }
}
