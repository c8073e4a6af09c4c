//! Lessons 7, 8 and 9 as the learner sees them: whole screens at 80×24 and 200×60 (snapshots),
//! and the heatmap cursor reading out a cell in the status line.

mod app_fixture;

use app_fixture::open_builtin as open;

use llm_lab::app::keymap::Action;
use llm_lab::app::runner::Runner;
use llm_lab::app::{App, AppEvent};
use llm_lab::ui::widgets::color::ColorMode;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn press(app: &mut App, runner: &mut Runner, keys: &[KeyCode]) {
    for &code in keys {
        runner.dispatch(app, AppEvent::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    }
}

fn screen(app: &App) -> String {
    ColorMode::set_override(Some(ColorMode::TrueColor));
    let (w, h) = app.size;
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| llm_lab::ui::render(app, f)).unwrap();
    let buf = terminal.backend().buffer();
    (0..h)
        .map(|y| {
            (0..w)
                .map(|x| buf[(x, y)].symbol().to_string())
                .collect::<String>()
                .trim_end()
                .to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn lessons_7_8_9_snapshots() {
    for id in ["embeddings", "attention-one", "attention-matrix"] {
        for size in [(80, 24), (200, 60)] {
            let (app, _) = open(id, size);
            assert_eq!(app.lesson().unwrap().meta.id, id);
            let s = screen(&app);
            assert!(!s.contains("computing"), "{s}");
            insta::assert_snapshot!(format!("{id}_{}x{}", size.0, size.1), s);
        }
    }
}

#[test]
fn the_cursor_reads_out_a_weight() {
    let (mut app, mut r) = open("attention-matrix", (200, 60));
    // Tab three times: the filling scores, the cell text, then the weights pane.
    press(
        &mut app,
        &mut r,
        &[KeyCode::Tab, KeyCode::Tab, KeyCode::Tab],
    );
    press(&mut app, &mut r, &[KeyCode::Down]);
    press(&mut app, &mut r, &[KeyCode::Right; 7]);
    let s = screen(&app);
    let status = s.lines().last().unwrap();
    assert!(
        status.contains("weights[1, 5] = 0.1581 (journey → step)"),
        "{status}"
    );
    // Zoom keys change the pane's state, and 0 gives the choice back to the pane.
    press(&mut app, &mut r, &[KeyCode::Char('-')]);
    assert_ne!(app.cursors[2].zoom, Default::default());
    press(&mut app, &mut r, &[KeyCode::Char('0')]);
    assert_eq!(app.cursors[2].zoom, Default::default());
    let _ = Action::ZoomIn;
}

#[test]
fn masked_cells_of_the_animation_read_as_masked() {
    let (mut app, mut r) = open("attention-matrix", (80, 24));
    press(
        &mut app,
        &mut r,
        &[KeyCode::Tab, KeyCode::Down, KeyCode::Right, KeyCode::Right],
    );
    let s = screen(&app);
    let status = s.lines().last().unwrap();
    assert!(status.contains("scores_filling[1, 2]"), "{status}");
    assert!(status.contains("masked"), "{status}");
    // Filling one more cell (key s) computes it: the readout shows the score.
    press(&mut app, &mut r, &[KeyCode::Char('s')]);
    let s = screen(&app);
    let status = s.lines().last().unwrap();
    assert!(
        status.contains("scores_filling[1, 2] = 1.4754 (journey → starts)"),
        "{status}"
    );
}

#[test]
fn every_shapes_pane_of_text_is_drawn_by_the_tracer() {
    use llm_lab::lessons::{View, default_values};
    use llm_lab::results::Value;
    use llm_lab::scenes::SceneContext;
    use llm_lab::ui::widgets::view::handles;
    let mut seen = 0;
    for lesson in llm_lab::lessons::load_builtin() {
        let meta = lesson.unwrap().meta;
        let scene = llm_lab::scenes::find(&meta.scene).unwrap();
        let out = scene
            .compute(&default_values(&meta), &SceneContext::default())
            .unwrap();
        for pane in meta.panes.iter().filter(|p| p.view == View::Shapes) {
            let value = out.get(&pane.result).unwrap();
            if let Value::Text(text) = value {
                seen += 1;
                assert!(
                    handles(View::Shapes, value),
                    "{}: `{}` is not a shape trace:\n{text}",
                    meta.id,
                    pane.result
                );
            }
        }
    }
    assert!(seen >= 3, "lessons 2, 7 and 9 publish shape traces");
}
