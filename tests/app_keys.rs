//! The app's state under key presses, with no terminal: navigation, focus, scrolling,
//! parameters, text boxes, help, checks.

mod app_fixture;

use app_fixture::*;
use llm_lab::app::keymap::{self, Context, KEYMAP};
use llm_lab::app::{AppEvent, Focus, Screen};
use llm_lab::lessons::{ParamValue, RESERVED_KEYS};
use ratatui::crossterm::event::{KeyCode, KeyModifiers, MouseEvent, MouseEventKind};

#[test]
fn starts_at_the_first_lesson_with_its_scene_computed() {
    let (app, runner) = app_at((100, 30));
    assert_eq!(app.current, 0);
    assert_eq!(app.screen, Screen::Lesson);
    assert!(runner.needs_draw);
    let output = app
        .output
        .as_ref()
        .expect("scene ran")
        .as_ref()
        .expect("scene ok");
    assert!(output.get("grid").is_some());
}

#[test]
fn arrows_vim_keys_and_n_p_walk_the_lessons_and_stop_at_the_ends() {
    let (mut app, mut r) = app_at((100, 30));
    send(&mut app, &mut r, [key(KeyCode::Right)]);
    assert_eq!(app.current, 1);
    send(&mut app, &mut r, [ch('l'), ch('n')]);
    assert_eq!(app.current, 3);
    send(&mut app, &mut r, [ch('n')]);
    assert_eq!(app.current, 3, "no lesson after the last");
    send(&mut app, &mut r, [key(KeyCode::Left), ch('h')]);
    assert_eq!(app.current, 1);
    send(&mut app, &mut r, [ch('p'), ch('p')]);
    assert_eq!(app.current, 0, "no lesson before the first");
}

#[test]
fn a_broken_lesson_keeps_its_place_and_shows_no_output() {
    let (mut app, mut r) = app_at((100, 30));
    send(&mut app, &mut r, [ch('n'), ch('n')]);
    assert_eq!(app.current, 2);
    assert!(app.lessons[2].is_err());
    assert!(app.lesson().is_none());
    assert!(app.output.is_none());
}

#[test]
fn a_scene_that_refuses_gives_its_message_not_a_crash() {
    let (mut app, mut r) = app_at((100, 30));
    send(&mut app, &mut r, [ch('n'), ch('n'), ch('n')]);
    let err = app.output.clone().expect("ran").expect_err("scene refused");
    assert!(err.contains("corpus is empty"), "{err}");
}

#[test]
fn tab_and_shift_tab_cycle_focus_through_prose_and_panes() {
    let (mut app, mut r) = app_at((100, 30));
    assert_eq!(app.focus, Focus::Prose);
    send(&mut app, &mut r, [key(KeyCode::Tab)]);
    assert_eq!(app.focus, Focus::Pane(0));
    send(&mut app, &mut r, std::iter::repeat_n(key(KeyCode::Tab), 3));
    assert_eq!(app.focus, Focus::Pane(3));
    send(&mut app, &mut r, [key(KeyCode::Tab)]);
    assert_eq!(app.focus, Focus::Prose, "wraps around to the prose");
    send(&mut app, &mut r, [key(KeyCode::BackTab)]);
    assert_eq!(app.focus, Focus::Pane(3));
    send(&mut app, &mut r, [ch('n')]);
    assert_eq!(app.focus, Focus::Prose, "a new lesson starts on its prose");
}

#[test]
fn scrolling_moves_the_focused_text_and_stops_at_its_end() {
    // Small enough that the prose is longer than its box.
    let (mut app, mut r) = app_at((60, 16));
    send(&mut app, &mut r, [ch('j'), key(KeyCode::Down)]);
    assert_eq!(app.scrolls.prose, 2);
    send(&mut app, &mut r, [ch('k')]);
    assert_eq!(app.scrolls.prose, 1);
    send(
        &mut app,
        &mut r,
        std::iter::repeat_n(key(KeyCode::PageDown), 50),
    );
    let bottom = app.scrolls.prose;
    assert!(bottom > 2);
    assert_eq!(bottom, llm_lab::ui::layout::max_scroll(&app, Focus::Prose));
    send(&mut app, &mut r, [ch('j')]);
    assert_eq!(app.scrolls.prose, bottom, "no scrolling past the end");
    send(&mut app, &mut r, [ch('g')]);
    assert_eq!(app.scrolls.prose, 0);
    send(&mut app, &mut r, [ch('G')]);
    assert_eq!(app.scrolls.prose, bottom);
    // The panes scroll on their own.
    send(&mut app, &mut r, [key(KeyCode::Tab), ch('j')]);
    assert_eq!(app.scrolls.prose, bottom);
}

#[test]
fn int_param_steps_by_its_step_and_clamps_to_its_range() {
    let (mut app, mut r) = app_at((100, 30));
    assert_eq!(param(&app, "n"), ParamValue::Int(3));
    send(&mut app, &mut r, [ch('d')]);
    assert_eq!(param(&app, "n"), ParamValue::Int(4));
    send(&mut app, &mut r, [ch('d'), ch('d'), ch('d')]);
    assert_eq!(param(&app, "n"), ParamValue::Int(5), "stops at max");
    assert!(app.notice.as_deref().unwrap_or("").contains("maximum"));
    send(&mut app, &mut r, std::iter::repeat_n(ch('D'), 9));
    assert_eq!(
        param(&app, "n"),
        ParamValue::Int(1),
        "Shift steps back and stops at min"
    );
}

#[test]
fn stepping_a_param_recomputes_the_scene() {
    let (mut app, mut r) = app_at((100, 30));
    let shape = |app: &llm_lab::app::App| match app
        .output
        .as_ref()
        .unwrap()
        .as_ref()
        .unwrap()
        .get("grid")
    {
        Some(llm_lab::results::Value::Tensor(t)) => t.shape.clone(),
        _ => panic!("grid is a tensor"),
    };
    assert_eq!(shape(&app), vec![3, 2]);
    send(&mut app, &mut r, [ch('d')]);
    assert_eq!(shape(&app), vec![4, 2]);
}

#[test]
fn float_choice_and_bool_params_step_cycle_and_toggle() {
    let (mut app, mut r) = app_at((100, 30));
    send(&mut app, &mut r, [ch('e')]);
    assert_eq!(param(&app, "scale"), ParamValue::Float(1.25));
    send(&mut app, &mut r, [ch('e'), ch('e')]);
    assert_eq!(param(&app, "scale"), ParamValue::Float(1.5));
    send(
        &mut app,
        &mut r,
        [ch('E'), ch('E'), ch('E'), ch('E'), ch('E')],
    );
    assert_eq!(param(&app, "scale"), ParamValue::Float(0.5));
    send(&mut app, &mut r, [ch('m')]);
    assert_eq!(param(&app, "mode"), ParamValue::Text("scaled".into()));
    send(&mut app, &mut r, [ch('M'), ch('M')]);
    assert_eq!(
        param(&app, "mode"),
        ParamValue::Text("signed".into()),
        "cycles backwards"
    );
    send(&mut app, &mut r, [ch('u')]);
    assert_eq!(param(&app, "causal"), ParamValue::Bool(true));
    send(&mut app, &mut r, [ch('u')]);
    assert_eq!(param(&app, "causal"), ParamValue::Bool(false));
}

#[test]
fn r_resets_the_lessons_params() {
    let (mut app, mut r) = app_at((100, 30));
    send(&mut app, &mut r, [ch('d'), ch('e'), ch('m')]);
    send(&mut app, &mut r, [ch('r')]);
    assert_eq!(param(&app, "n"), ParamValue::Int(3));
    assert_eq!(param(&app, "scale"), ParamValue::Float(1.0));
    assert_eq!(param(&app, "mode"), ParamValue::Text("plain".into()));
}

#[test]
fn params_are_kept_per_lesson_when_walking_away_and_back() {
    let (mut app, mut r) = app_at((100, 30));
    send(&mut app, &mut r, [ch('d'), ch('n'), ch('p')]);
    assert_eq!(param(&app, "n"), ParamValue::Int(4));
}

#[test]
fn a_text_param_box_takes_every_key_until_enter() {
    let (mut app, mut r) = app_at((100, 30));
    send(&mut app, &mut r, [ch('w')]);
    assert!(app.editing.is_some());
    assert_eq!(app.contexts(), vec![Context::Editing, Context::Always]);
    // q, t, n, ? would quit, open contents, move on, open help outside the box.
    type_text(&mut app, &mut r, "q?tn");
    assert!(!r.quit, "q typed into the box does not quit");
    assert_eq!(app.screen, Screen::Lesson);
    assert!(!app.help_open);
    assert_eq!(app.current, 0);
    assert_eq!(
        param(&app, "words"),
        ParamValue::Text("one stepq?tn".into())
    );
    // The scene follows the text as it is typed.
    let note = format!(
        "{:?}",
        app.output.as_ref().unwrap().as_ref().unwrap().get("note")
    );
    assert!(note.contains("one stepq?tn"), "{note}");
    send(&mut app, &mut r, [key(KeyCode::Enter)]);
    assert!(app.editing.is_none());
    assert_eq!(
        param(&app, "words"),
        ParamValue::Text("one stepq?tn".into())
    );
    send(&mut app, &mut r, [ch('q')]);
    assert!(r.quit, "outside the box q quits");
}

#[test]
fn esc_puts_the_old_text_back_and_max_len_is_kept() {
    let (mut app, mut r) = app_at((100, 30));
    send(&mut app, &mut r, [ch('w'), key(KeyCode::Backspace)]);
    assert_eq!(param(&app, "words"), ParamValue::Text("one ste".into()));
    send(&mut app, &mut r, [key(KeyCode::Esc)]);
    assert!(app.editing.is_none());
    assert_eq!(param(&app, "words"), ParamValue::Text("one step".into()));
    send(&mut app, &mut r, [ch('w')]);
    type_text(&mut app, &mut r, " and many more");
    let ParamValue::Text(t) = param(&app, "words") else {
        panic!("text")
    };
    assert_eq!(t.chars().count(), 12, "max_len is 12: {t}");
}

#[test]
fn ctrl_c_quits_even_while_typing() {
    let (mut app, mut r) = app_at((100, 30));
    send(&mut app, &mut r, [ch('w'), ctrl('c')]);
    assert!(r.quit);
}

#[test]
fn q_quits_and_terminate_quits() {
    let (mut app, mut r) = app_at((100, 30));
    send(&mut app, &mut r, [ch('q')]);
    assert!(r.quit);
    let (mut app, mut r) = app_at((100, 30));
    send(&mut app, &mut r, [AppEvent::Terminate]);
    assert!(r.quit);
}

#[test]
fn t_opens_the_contents_where_enter_opens_the_selected_lesson() {
    let (mut app, mut r) = app_at((100, 30));
    send(&mut app, &mut r, [ch('t')]);
    assert_eq!(app.screen, Screen::Contents);
    assert_eq!(app.contents_cursor, 0);
    send(
        &mut app,
        &mut r,
        [ch('j'), key(KeyCode::Down), key(KeyCode::Down), ch('j')],
    );
    assert_eq!(app.contents_cursor, 3, "stops at the last entry");
    send(&mut app, &mut r, [ch('k'), key(KeyCode::Enter)]);
    assert_eq!(app.screen, Screen::Lesson);
    assert_eq!(app.current, 2);
    send(&mut app, &mut r, [ch('t'), key(KeyCode::Esc)]);
    assert_eq!(app.screen, Screen::Lesson);
    assert_eq!(app.current, 2, "Esc goes back without moving");
}

#[test]
fn help_overlay_opens_closes_and_keeps_the_screen() {
    let (mut app, mut r) = app_at((100, 30));
    send(&mut app, &mut r, [ch('?')]);
    assert!(app.help_open);
    assert_eq!(app.contexts()[0], Context::Help);
    send(&mut app, &mut r, [ch('n')]);
    assert_eq!(app.current, 0, "lesson keys do not act under the help");
    send(&mut app, &mut r, [ch('?')]);
    assert!(!app.help_open);
    send(&mut app, &mut r, [ch('?'), key(KeyCode::Esc)]);
    assert!(!app.help_open);
    assert_eq!(app.screen, Screen::Lesson);
}

#[test]
fn help_lists_every_key_of_the_table_for_its_sections_and_the_lessons_params() {
    let (app, _) = app_at((100, 30));
    let text: String = llm_lab::ui::help::lines(&app)
        .iter()
        .map(|l| {
            l.spans
                .iter()
                .map(|s| s.content.as_ref())
                .collect::<String>()
                + "\n"
        })
        .collect();
    for b in KEYMAP
        .iter()
        .filter(|b| !matches!(b.context, Context::Pane(_)))
    {
        assert!(
            text.contains(&b.key_names()),
            "help lacks {}",
            b.key_names()
        );
        assert!(text.contains(b.description), "help lacks {}", b.description);
    }
    for p in [
        "rows up / down by 1, from 1 to 5",
        "mode: next / previous of plain, scaled, signed",
        "d / D",
    ] {
        assert!(text.contains(p), "help lacks {p}:\n{text}");
    }
}

#[test]
fn c_cycles_the_theme() {
    let (mut app, mut r) = app_at((100, 30));
    assert_eq!(app.theme.name, "dark");
    send(&mut app, &mut r, [ch('c')]);
    assert_eq!(app.theme.name, "light");
    send(&mut app, &mut r, [ch('c'), ch('c')]);
    assert_eq!(app.theme.name, "dark");
}

#[test]
fn a_right_choice_and_a_right_typed_answer_mark_the_lesson_done() {
    let (mut app, mut r) = app_at((100, 30));
    send(&mut app, &mut r, [ch('a')]);
    assert_eq!(app.screen, Screen::Check);
    send(&mut app, &mut r, [ch('1')]);
    let state = app.check.as_ref().unwrap();
    assert_eq!(state.outcomes[0].as_ref().map(|o| o.correct), Some(false));
    send(&mut app, &mut r, [ch('2')]);
    assert_eq!(
        app.check.as_ref().unwrap().outcomes[0]
            .as_ref()
            .map(|o| o.correct),
        Some(true)
    );
    assert!(!app.done.contains("grid"), "one question is still open");
    send(&mut app, &mut r, [ch('j')]);
    assert!(app.typing_answer());
    // In the typed answer, q is a letter, not quit.
    type_text(&mut app, &mut r, "q");
    assert!(!r.quit);
    send(&mut app, &mut r, [key(KeyCode::Backspace)]);
    type_text(&mut app, &mut r, "  DIM ");
    send(&mut app, &mut r, [key(KeyCode::Enter)]);
    assert_eq!(
        app.check.as_ref().unwrap().outcomes[1]
            .as_ref()
            .map(|o| o.correct),
        Some(true)
    );
    assert!(app.done.contains("grid"));
    assert!(app.progress().done.contains("grid"));
    send(&mut app, &mut r, [key(KeyCode::Esc)]);
    assert_eq!(app.screen, Screen::Lesson);
}

#[test]
fn a_wrong_typed_answer_is_not_done_and_a_digit_out_of_range_says_so() {
    let (mut app, mut r) = app_at((100, 30));
    send(&mut app, &mut r, [ch('a'), ch('9')]);
    assert!(app.notice.as_deref().unwrap().contains("1 to 3"));
    send(&mut app, &mut r, [key(KeyCode::Tab)]);
    type_text(&mut app, &mut r, "token");
    send(&mut app, &mut r, [key(KeyCode::Enter)]);
    assert_eq!(
        app.check.as_ref().unwrap().outcomes[1]
            .as_ref()
            .map(|o| o.correct),
        Some(false)
    );
    assert!(!app.done.contains("grid"));
}

#[test]
fn a_lesson_without_checks_says_so() {
    let (mut app, mut r) = app_at((100, 30));
    send(&mut app, &mut r, [ch('n'), ch('a')]);
    assert_eq!(app.screen, Screen::Lesson);
    assert!(app.notice.as_deref().unwrap().contains("no check"));
}

#[test]
fn the_mouse_wheel_scrolls_what_is_under_the_pointer() {
    let (mut app, mut r) = app_at((60, 16));
    let wheel = |column, row| {
        AppEvent::Mouse(MouseEvent {
            kind: MouseEventKind::ScrollDown,
            column,
            row,
            modifiers: KeyModifiers::NONE,
        })
    };
    // Over the prose (left), then over the first pane (right, top).
    send(&mut app, &mut r, [wheel(3, 5)]);
    assert_eq!(app.scrolls.prose, 3);
    assert_eq!(app.focus, Focus::Prose, "the wheel does not move focus");
    let layout = llm_lab::ui::layout::lesson_layout(&app, app.area());
    let (i, rect) = layout.panes[0];
    send(&mut app, &mut r, [wheel(rect.x + 2, rect.y + 1)]);
    let max = llm_lab::ui::layout::max_scroll(&app, Focus::Pane(i));
    assert_eq!(app.scrolls.panes[i], 3.min(max));
}

#[test]
fn resizing_reflows_and_clamps_scrolling() {
    let (mut app, mut r) = app_at((60, 16));
    send(&mut app, &mut r, [ch('G')]);
    let deep = app.scrolls.prose;
    assert!(deep > 0);
    send(&mut app, &mut r, [AppEvent::Resize(200, 60)]);
    assert_eq!(app.size, (200, 60));
    assert!(app.scrolls.prose <= llm_lab::ui::layout::max_scroll(&app, Focus::Prose));
}

#[test]
fn the_status_bar_hints_come_from_the_keymap() {
    let (app, _) = app_at((100, 30));
    let hints = llm_lab::ui::status::hints(&app);
    assert!(hints.contains(&("→".to_string(), "next")));
    assert!(hints.contains(&("?".to_string(), "help")));
    assert!(hints.contains(&("q".to_string(), "quit")));
}

#[test]
fn every_app_key_a_param_could_collide_with_is_reserved_for_lesson_authors() {
    for c in ('a'..='z').chain('A'..='Z').chain(['?']) {
        if keymap::is_reserved_in_lesson(c) {
            assert!(
                RESERVED_KEYS.contains(&c) || RESERVED_KEYS.contains(&c.to_ascii_lowercase()),
                "the app binds `{c}` in the lesson view but lessons::RESERVED_KEYS does not list it"
            );
        }
    }
}

#[test]
fn opening_at_a_lesson_id_starts_there() {
    let options = llm_lab::app::AppOptions {
        start_lesson: Some("refuse".into()),
        ..Default::default()
    };
    let app = llm_lab::app::App::new(lessons(), Default::default(), options);
    assert_eq!(app.current, 3);
}

#[test]
fn a_panicking_scene_becomes_a_message_and_the_app_goes_on() {
    let mut lesson = heat_lesson();
    lesson.meta.scene = "panicking".into();
    let mut app = llm_lab::app::App::new(vec![Ok(lesson)], Default::default(), Default::default());
    let mut runner =
        llm_lab::app::runner::Runner::new(llm_lab::app::progress::ProgressStore::memory(), scenes);
    let start = app.start();
    runner.run(&mut app, start);
    let err = app.output.clone().unwrap().unwrap_err();
    assert!(
        err.contains("crashed") && err.contains("index 7 out of range"),
        "{err}"
    );
    send(&mut app, &mut runner, [ch('q')]);
    assert!(runner.quit);
}

#[test]
fn an_unknown_scene_name_is_a_message_in_the_pane() {
    let mut lesson = heat_lesson();
    lesson.meta.scene = "nosuch".into();
    let (mut app, mut runner) = app_at((100, 30));
    app.lessons = vec![Ok(lesson)];
    send(&mut app, &mut runner, [ch('r')]);
    let err = app.output.clone().unwrap().unwrap_err();
    assert!(err.contains("nosuch"), "{err}");
}

fn click(column: u16, row: u16) -> AppEvent {
    AppEvent::Mouse(MouseEvent {
        kind: MouseEventKind::Down(ratatui::crossterm::event::MouseButton::Left),
        column,
        row,
        modifiers: KeyModifiers::NONE,
    })
}

#[test]
fn a_click_opens_a_contents_entry_and_focuses_a_pane() {
    let (mut app, mut r) = app_at((100, 30));
    send(&mut app, &mut r, [ch('t')]);
    // Row 0 is the title, row 1 the border, row 2 the part, rows 3.. the lessons.
    send(&mut app, &mut r, [click(10, 4)]);
    assert_eq!(app.screen, Screen::Lesson);
    assert_eq!(app.current, 1);
    let layout = llm_lab::ui::layout::lesson_layout(&app, app.area());
    let (i, rect) = layout.panes[0];
    send(&mut app, &mut r, [click(rect.x + 1, rect.y + 1)]);
    assert_eq!(app.focus, Focus::Pane(i));
}

#[test]
fn a_table_wider_than_its_pane_scrolls_sideways() {
    let (mut app, mut r) = app_at((80, 24));
    send(
        &mut app,
        &mut r,
        [ch('n'), key(KeyCode::Tab), key(KeyCode::Tab)],
    );
    assert_eq!(app.focus, Focus::Pane(1));
    let max = llm_lab::ui::layout::max_hscroll(&app, 1);
    assert!(max > 0, "twelve columns do not fit in 46");
    send(&mut app, &mut r, [ch('>')]);
    assert_eq!(app.scrolls.pane_cols[1], 8.min(max));
    send(&mut app, &mut r, std::iter::repeat_n(ch('>'), 40));
    assert_eq!(app.scrolls.pane_cols[1], max, "stops at the right edge");
    send(&mut app, &mut r, std::iter::repeat_n(ch('<'), 40));
    assert_eq!(app.scrolls.pane_cols[1], 0);
}

#[test]
fn a_sideways_wheel_moves_the_wide_table_under_the_pointer() {
    let (mut app, mut r) = app_at((80, 24));
    send(&mut app, &mut r, [ch('n')]);
    let layout = llm_lab::ui::layout::lesson_layout(&app, app.area());
    let (i, rect) = *layout
        .panes
        .iter()
        .find(|(i, _)| *i == 1)
        .expect("second pane shown");
    let wheel = AppEvent::Mouse(MouseEvent {
        kind: MouseEventKind::ScrollRight,
        column: rect.x + 2,
        row: rect.y + 1,
        modifiers: KeyModifiers::NONE,
    });
    send(&mut app, &mut r, [wheel]);
    assert_eq!(app.scrolls.pane_cols[i], 8);
    assert_eq!(app.focus, Focus::Prose, "the wheel does not move focus");
}
