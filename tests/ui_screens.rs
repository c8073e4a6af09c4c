//! Whole screens drawn into a TestBackend and compared with reviewed snapshots, at 80×24 and
//! 160×48, plus a few facts about colours and sizes.

mod app_fixture;

use app_fixture::*;
use llm_lab::app::App;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::KeyCode;

fn draw(app: &App) -> Terminal<TestBackend> {
    // Snapshots must not depend on the terminal running the tests.
    llm_lab::ui::widgets::color::ColorMode::set_override(Some(
        llm_lab::ui::widgets::color::ColorMode::TrueColor,
    ));
    let (w, h) = app.size;
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| llm_lab::ui::render(app, f)).unwrap();
    terminal
}

/// The screen as text, one line per row.
fn text(app: &App) -> String {
    let terminal = draw(app);
    let buf = terminal.backend().buffer();
    (0..buf.area.height)
        .map(|y| {
            let row: String = (0..buf.area.width)
                .map(|x| buf[(x, y)].symbol().to_string())
                .collect();
            row.trim_end().to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

const SIZES: [(u16, u16); 2] = [(80, 24), (160, 48)];

fn name(screen: &str, (w, h): (u16, u16)) -> String {
    format!("{screen}_{w}x{h}")
}

#[test]
fn lesson_view() {
    for size in SIZES {
        let (app, _) = app_at(size);
        insta::assert_snapshot!(name("lesson", size), text(&app));
    }
}

#[test]
fn lesson_view_with_a_pane_focused_and_params_changed() {
    for size in SIZES {
        let (mut app, mut r) = app_at(size);
        send(
            &mut app,
            &mut r,
            [
                ch('d'),
                ch('e'),
                ch('u'),
                key(KeyCode::Tab),
                key(KeyCode::Tab),
            ],
        );
        insta::assert_snapshot!(name("lesson_focused", size), text(&app));
    }
}

#[test]
fn editing_a_text_param() {
    for size in SIZES {
        let (mut app, mut r) = app_at(size);
        send(&mut app, &mut r, [ch('w')]);
        type_text(&mut app, &mut r, "!");
        insta::assert_snapshot!(name("editing", size), text(&app));
    }
}

#[test]
fn contents() {
    for size in SIZES {
        let (mut app, mut r) = app_at(size);
        app.done.insert("heat".into());
        send(&mut app, &mut r, [ch('t'), ch('j')]);
        insta::assert_snapshot!(name("contents", size), text(&app));
    }
}

#[test]
fn help_overlay() {
    for size in SIZES {
        let (mut app, mut r) = app_at(size);
        send(&mut app, &mut r, [ch('?')]);
        insta::assert_snapshot!(name("help", size), text(&app));
    }
}

#[test]
fn check_answered_wrong_then_typed_question() {
    for size in SIZES {
        let (mut app, mut r) = app_at(size);
        send(&mut app, &mut r, [ch('a'), ch('3')]);
        insta::assert_snapshot!(name("check_wrong", size), text(&app));
        send(&mut app, &mut r, [ch('2'), ch('j')]);
        type_text(&mut app, &mut r, "dim");
        send(&mut app, &mut r, [key(KeyCode::Enter)]);
        insta::assert_snapshot!(name("check_done", size), text(&app));
    }
}

#[test]
fn broken_lesson_and_refusing_scene() {
    for size in SIZES {
        let (mut app, mut r) = app_at(size);
        send(&mut app, &mut r, [ch('n'), ch('n')]);
        insta::assert_snapshot!(name("broken", size), text(&app));
        send(&mut app, &mut r, [ch('n')]);
        insta::assert_snapshot!(name("refusing", size), text(&app));
    }
}

#[test]
fn heatmap_view_is_drawn_by_the_heatmap_widget() {
    let (mut app, mut r) = app_at((80, 24));
    send(&mut app, &mut r, [ch('n')]);
    let screen = text(&app);
    assert!(!screen.contains("[heatmap]"), "{screen}");
    assert!(screen.contains("tok0"), "{screen}");
}

#[test]
fn too_small_says_what_size_it_needs() {
    let (app, _) = app_at((50, 12));
    let screen = text(&app);
    insta::assert_snapshot!("too_small_50x12", screen);
    assert!(screen.contains("60×16") && screen.contains("50×12"));
    // Exactly the minimum draws the lesson.
    let (app, _) = app_at((60, 16));
    assert!(!text(&app).contains("needs at least"));
}

#[test]
fn the_focused_border_has_the_focus_colour() {
    let (mut app, mut r) = app_at((80, 24));
    let focus = app.theme.focus_border;
    let terminal = draw(&app);
    // The prose starts focused: its top-left corner is at (0, 1).
    assert_eq!(terminal.backend().buffer()[(0, 1)].fg, focus);
    send(&mut app, &mut r, [key(KeyCode::Tab)]);
    let terminal = draw(&app);
    assert_ne!(terminal.backend().buffer()[(0, 1)].fg, focus);
}

#[test]
fn every_part_of_the_lesson_is_reachable_at_80x24() {
    // Four panes do not fit at 80×24; Tab brings each one into view.
    let (mut app, mut r) = app_at((80, 24));
    let titles = [
        "The grid",
        "First column as bars",
        "What changed",
        "A curve",
    ];
    let mut seen = [false; 4];
    for _ in 0..5 {
        let screen = text(&app);
        for (i, t) in titles.iter().enumerate() {
            seen[i] |= screen.contains(t);
        }
        send(&mut app, &mut r, [key(KeyCode::Tab)]);
    }
    assert_eq!(seen, [true; 4]);
}

#[test]
fn no_lessons_at_all_draws_a_message_not_a_panic() {
    let app = App::new(vec![], Default::default(), Default::default());
    let screen = text(&app);
    assert!(screen.contains("no lessons"), "{screen}");
}

#[test]
fn every_theme_paints_the_screen_in_its_own_colours() {
    for name in llm_lab::ui::theme::Theme::NAMES {
        let theme = llm_lab::ui::theme::Theme::by_name(name).unwrap();
        let options = llm_lab::app::AppOptions {
            theme: theme.clone(),
            size: (80, 24),
            ..Default::default()
        };
        let app = App::new(lessons(), Default::default(), options);
        let terminal = draw(&app);
        let buf = terminal.backend().buffer();
        // A blank cell of the title bar, and the focused prose border.
        assert_eq!(buf[(40, 0)].bg, theme.bg, "{name}");
        assert_eq!(buf[(0, 1)].fg, theme.focus_border, "{name}");
    }
}
