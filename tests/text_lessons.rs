//! Lessons 5 and 6 in the app, driven key by key with no terminal: the text box, the vocabulary
//! size, the loader's parameters, and what the screen shows. Plus a reviewed snapshot of the
//! token strip widget.

mod app_fixture;

use app_fixture::open_builtin as open;

use llm_lab::app::runner::Runner;
use llm_lab::app::{App, AppEvent};
use llm_lab::lessons::ParamValue;
use llm_lab::results::{Tensor, Value};
use llm_lab::text::tokenizer::{Tokenizer, visible};
use llm_lab::ui::theme::Theme;
use llm_lab::ui::widgets::color::ColorMode;
use llm_lab::ui::widgets::token_strip::{ChipLook, TokenStrip, chips_of};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn press(app: &mut App, runner: &mut Runner, code: KeyCode) {
    let mods = match code {
        KeyCode::Char(c) if c.is_ascii_uppercase() => KeyModifiers::SHIFT,
        _ => KeyModifiers::NONE,
    };
    runner.dispatch(app, AppEvent::Key(KeyEvent::new(code, mods)));
}

fn type_text(app: &mut App, runner: &mut Runner, text: &str) {
    for c in text.chars() {
        press(app, runner, KeyCode::Char(c));
    }
}

/// Opens the text box, empties it, types `text` and closes the box.
fn replace_text(app: &mut App, runner: &mut Runner, text: &str) {
    let ParamValue::Text(old) = app.current_params().unwrap()["text"].clone() else {
        panic!("text is a text parameter");
    };
    press(app, runner, KeyCode::Char('i'));
    for _ in 0..old.chars().count() {
        press(app, runner, KeyCode::Backspace);
    }
    type_text(app, runner, text);
    press(app, runner, KeyCode::Enter);
}

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

fn result<'a>(app: &'a App, name: &str) -> &'a Tensor {
    match app.output.as_ref().map(|o| o.as_ref().map(|o| o.get(name))) {
        Some(Ok(Some(Value::Tensor(t)))) => t,
        other => panic!("{name}: {other:?}"),
    }
}

fn stats(app: &App) -> String {
    match app.output.as_ref().unwrap().as_ref().unwrap().get("stats") {
        Some(Value::Text(s)) => s.clone(),
        other => panic!("{other:?}"),
    }
}

#[test]
fn typing_in_the_text_box_splits_the_new_text_into_tokens() {
    let (mut app, mut runner) = open("tokenization", (80, 24));
    replace_text(&mut app, &mut runner, "Grandma Rose baked bread");

    let tokens = result(&app, "tokens");
    let pieces = tokens.labels[0].as_ref().unwrap();
    assert_eq!(pieces.concat(), "Grandma Rose baked bread");
    let builtin = Tokenizer::load(None).unwrap();
    let expected = builtin.encode("Grandma Rose baked bread").unwrap();
    // Trained live at 512, the same as the built-in tokenizer trained on the same corpus.
    assert_eq!(
        tokens.data,
        expected.ids.iter().map(|&i| i as f32).collect::<Vec<_>>()
    );

    // The first pane on screen is the token strip: the chips, then their ids.
    let screen = screen(&app);
    let chips: Vec<String> = expected.pieces.iter().take(3).map(|p| visible(p)).collect();
    let chip_row = screen
        .lines()
        .find(|l| l.contains(&chips[0]))
        .expect("chips shown");
    for chip in &chips {
        assert!(chip_row.contains(chip.as_str()), "{chip} in {chip_row}");
    }
    assert!(screen.contains(&expected.ids[0].to_string()));
}

#[test]
fn the_strip_shows_the_bytes_of_a_split_character_in_hex() {
    let (mut app, mut runner) = open("tokenization", (80, 24));
    replace_text(&mut app, &mut runner, "naïve");
    let pieces = result(&app, "tokens").labels[0].clone().unwrap();
    assert_eq!(pieces, ["n", "a", "<C3>", "<AF>", "ve"]);
    let screen = screen(&app);
    let chip_row = screen
        .lines()
        .find(|l| l.contains("<C3>"))
        .unwrap_or_else(|| panic!("no <C3> chip in:\n{screen}"));
    assert!(chip_row.contains("<AF>"), "{chip_row}");
    assert!(
        !screen.contains('Ã'),
        "no raw byte symbol on screen:\n{screen}"
    );
}

#[test]
fn changing_the_vocabulary_size_retrains_and_changes_the_split() {
    let (mut app, mut runner) = open("tokenization", (120, 40));
    let at_512 = result(&app, "tokens").shape[0];
    assert!(stats(&app).contains("512 tokens"));
    press(&mut app, &mut runner, KeyCode::Char('v'));
    assert!(stats(&app).contains("768 tokens = 256 bytes + <|endoftext|> + 511 merges"));
    let at_768 = result(&app, "tokens").shape[0];
    assert!(at_768 <= at_512);
    // Back down to 257: no merges, one token per byte of the text.
    for _ in 0..4 {
        press(&mut app, &mut runner, KeyCode::Char('V'));
    }
    let ParamValue::Text(text) = app.current_params().unwrap()["text"].clone() else {
        panic!();
    };
    let tokens = result(&app, "tokens");
    let special = "<|endoftext|>";
    let bytes = text.replace(special, "").len() + text.matches(special).count();
    assert_eq!(tokens.shape[0], bytes);
}

#[test]
fn the_loader_lesson_follows_its_keys() {
    let (mut app, mut runner) = open("inputs-targets", (80, 24));
    assert_eq!(result(&app, "pairs").shape, [4, 2, 4]);
    press(&mut app, &mut runner, KeyCode::Char('x'));
    press(&mut app, &mut runner, KeyCode::Char('B'));
    let pairs = result(&app, "pairs");
    assert_eq!(pairs.shape, [3, 2, 5]);
    // Every row: the target is the input moved on by one.
    for w in 0..3 {
        let row = &pairs.data[w * 10..(w + 1) * 10];
        assert_eq!(&row[5..9], &row[1..5]);
    }
    let screen = screen(&app);
    assert!(
        screen.contains("input ") && screen.contains("target "),
        "{screen}"
    );
    assert!(screen.contains("context length 5"), "{screen}");
}

#[test]
fn the_token_strip_snapshot() {
    let tokenizer = Tokenizer::load(None).unwrap();
    let encoded = tokenizer
        .encode("One morning, the old baker walked to the market.\nThe end.")
        .unwrap();
    let tensor = Tensor::new(
        vec![encoded.ids.len()],
        encoded.ids.iter().map(|&i| i as f32).collect(),
    )
    .with_labels(0, encoded.pieces.clone());
    let chips = chips_of(&tensor);
    let theme = Theme::dark();
    let mut terminal = Terminal::new(TestBackend::new(40, 8)).unwrap();
    terminal
        .draw(|f| {
            let look = ChipLook {
                theme: &theme,
                mode: ColorMode::Shades,
            };
            f.render_widget(
                TokenStrip {
                    chips: &chips,
                    look,
                },
                f.area(),
            );
        })
        .unwrap();
    let buf = terminal.backend().buffer();
    let text: Vec<String> = (0..8)
        .map(|y| {
            (0..40)
                .map(|x| buf[(x, y)].symbol())
                .collect::<String>()
                .trim_end()
                .to_string()
        })
        .collect();
    insta::assert_snapshot!("token_strip_40x8", text.join("\n"));
}
