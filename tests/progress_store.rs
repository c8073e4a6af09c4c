//! Progress survives a restart; a corrupt file is moved aside and the lab starts fresh; an
//! unwritable place means running without saving, and saying so.

mod app_fixture;

use app_fixture::*;
use llm_lab::app::progress::{Progress, ProgressStore};
use llm_lab::lessons::ParamValue;
use ratatui::crossterm::event::KeyCode;

/// Starts the app on a store the way the binary does: load, build, run.
fn start(
    store: &ProgressStore,
) -> (
    llm_lab::app::App,
    llm_lab::app::runner::Runner,
    Option<String>,
) {
    let loaded = store.load();
    let (app, runner) = app_with((100, 30), loaded.progress, store.clone());
    (app, runner, loaded.notice)
}

#[test]
fn the_current_lesson_done_marks_and_params_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let store = ProgressStore::in_dir(dir.path());
    let (mut app, mut r, notice) = start(&store);
    assert!(notice.is_none(), "no file yet is not a problem");
    // Answer lesson 1's checks, change a parameter, move to lesson 2, quit.
    send(&mut app, &mut r, [ch('d'), ch('a'), ch('2'), ch('j')]);
    type_text(&mut app, &mut r, "dim");
    send(
        &mut app,
        &mut r,
        [key(KeyCode::Enter), key(KeyCode::Esc), ch('n'), ch('q')],
    );
    assert!(r.quit);
    assert!(dir.path().join("progress.json").exists());

    let (mut app, _, notice) = start(&store);
    assert!(notice.is_none());
    assert_eq!(app.current, 1, "starts at the remembered lesson");
    assert!(app.done.contains("grid"));
    app.current = 0;
    assert_eq!(param(&app, "n"), ParamValue::Int(4));
}

#[test]
fn a_corrupt_file_is_moved_to_bak_and_the_lab_starts_fresh() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("progress.json");
    std::fs::write(&file, "{ this is not json").unwrap();
    let store = ProgressStore::in_dir(dir.path());
    let (app, _, notice) = start(&store);
    let notice = notice.expect("the learner is told");
    assert!(
        notice.contains(".bak") && !notice.contains('\n'),
        "{notice}"
    );
    assert_eq!(app.current, 0);
    assert!(app.done.is_empty());
    assert!(!file.exists());
    let bak = dir.path().join("progress.json.bak");
    assert_eq!(std::fs::read_to_string(bak).unwrap(), "{ this is not json");
}

#[test]
fn remembered_values_that_no_longer_fit_the_lesson_fall_back_to_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let mut progress = Progress::default();
    let mut values = llm_lab::lessons::ParamValues::new();
    values.insert("n".into(), ParamValue::Int(99));
    values.insert("mode".into(), ParamValue::Text("gone".into()));
    values.insert("scale".into(), ParamValue::Float(1.25));
    progress.params.insert("grid".into(), values);
    progress.current = Some("no-such-lesson".into());
    let (app, _) = app_with((100, 30), progress, ProgressStore::in_dir(dir.path()));
    assert_eq!(
        app.current, 0,
        "an unknown remembered lesson starts at the first"
    );
    assert_eq!(param(&app, "n"), ParamValue::Int(3));
    assert_eq!(param(&app, "mode"), ParamValue::Text("plain".into()));
    assert_eq!(param(&app, "scale"), ParamValue::Float(1.25));
}

#[test]
fn an_unwritable_place_runs_without_saving_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    // A file where the data directory should be: nothing can be created inside it.
    let blocker = dir.path().join("data");
    std::fs::write(&blocker, "not a folder").unwrap();
    let store = ProgressStore::in_dir(&blocker);
    let (mut app, mut r, _) = start(&store);
    send(&mut app, &mut r, [ch('n')]);
    assert_eq!(app.current, 1, "the lab keeps working");
    assert!(app.save_error.is_some());
    assert!(
        app.notice
            .as_deref()
            .unwrap_or("")
            .contains("not being saved")
    );
}

#[test]
fn reset_forgets_everything() {
    let dir = tempfile::tempdir().unwrap();
    let store = ProgressStore::in_dir(dir.path());
    let mut progress = Progress::default();
    progress.done.insert("grid".into());
    store.save(&progress).unwrap();
    assert_eq!(store.load().progress, progress);
    store.reset().unwrap();
    assert_eq!(store.load().progress, Progress::default());
    store.reset().unwrap();
}

#[test]
fn saving_leaves_no_temporary_file_behind() {
    let dir = tempfile::tempdir().unwrap();
    let store = ProgressStore::in_dir(dir.path().join("nested"));
    store.save(&Progress::default()).unwrap();
    let names: Vec<_> = std::fs::read_dir(dir.path().join("nested"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names, ["progress.json"]);
}

#[test]
fn only_changed_parameter_values_are_remembered() {
    let (mut app, mut r) = app_at((100, 30));
    assert!(app.progress().params.is_empty());
    send(&mut app, &mut r, [ch('d')]);
    let remembered = app.progress().params;
    assert_eq!(remembered.len(), 1);
    assert_eq!(remembered["grid"].len(), 1);
    assert_eq!(remembered["grid"]["n"], ParamValue::Int(4));
}
