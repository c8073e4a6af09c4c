//! Loading lessons: the built-in ones compiled into the binary, an author's folder, one file.

use super::parse::{ParseResult, Parsed, parse};
use super::validate::{duplicate_ids, validate};
use super::{Lesson, LessonError};
use std::path::{Path, PathBuf};

/// One lesson file's outcome: the lesson, or every problem in it (each with file and line).
pub type LoadResult = Result<Lesson, Vec<LessonError>>;

/// The lessons compiled into the binary: (file name, text). Add a lesson here and in lessons/.
const BUILTIN: &[(&str, &str)] = &[
    ("01-vectors.md", include_str!("../../lessons/01-vectors.md")),
    (
        "02-projections.md",
        include_str!("../../lessons/02-projections.md"),
    ),
    ("03-softmax.md", include_str!("../../lessons/03-softmax.md")),
    (
        "05-tokenization.md",
        include_str!("../../lessons/05-tokenization.md"),
    ),
    (
        "06-inputs-targets.md",
        include_str!("../../lessons/06-inputs-targets.md"),
    ),
    (
        "07-embeddings.md",
        include_str!("../../lessons/07-embeddings.md"),
    ),
    (
        "08-attention-one.md",
        include_str!("../../lessons/08-attention-one.md"),
    ),
    (
        "09-attention-matrix.md",
        include_str!("../../lessons/09-attention-matrix.md"),
    ),
];

/// The built-in lessons, sorted by `order`. A broken file is an `Err` in its place (by its
/// `order` when that could be read, else at the end) and never stops the others.
pub fn load_builtin() -> Vec<LoadResult> {
    let files: Vec<(PathBuf, String, &str)> = BUILTIN
        .iter()
        .map(|(name, text)| {
            (
                Path::new("lessons").join(name),
                format!("builtin:{name}"),
                *text,
            )
        })
        .collect();
    load_texts(
        files
            .iter()
            .map(|(path, source, text)| (path.as_path(), source.as_str(), *text)),
    )
}

/// Every `*.md` lesson file in `dir` (not README.md), sorted by `order` like [`load_builtin`].
/// The outer error is for a folder that cannot be read at all; an unreadable file is an `Err`
/// entry of its own.
pub fn load_dir(dir: &Path) -> Result<Vec<LoadResult>, LessonError> {
    let folder_error = |message: String| LessonError {
        file: dir.to_path_buf(),
        line: None,
        message,
    };
    if !dir.exists() {
        return Err(folder_error(
            "no such lessons folder; give --lessons a folder of lesson .md files".into(),
        ));
    }
    if !dir.is_dir() {
        return Err(folder_error(
            "is not a folder; give --lessons a folder of lesson .md files".into(),
        ));
    }
    let entries =
        std::fs::read_dir(dir).map_err(|e| folder_error(format!("cannot read the folder: {e}")))?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| is_lesson_file(p))
        .collect();
    paths.sort();

    let mut texts = Vec::new();
    for path in &paths {
        texts.push(std::fs::read_to_string(path).map_err(|e| LessonError {
            file: path.clone(),
            line: None,
            message: format!("cannot read the file: {e}"),
        }));
    }
    let sources: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    let mut unreadable = Vec::new();
    let mut readable = Vec::new();
    for ((path, source), text) in paths.iter().zip(&sources).zip(&texts) {
        match text {
            Ok(text) => readable.push((path.as_path(), source.as_str(), text.as_str())),
            Err(e) => unreadable.push(Err(vec![e.clone()])),
        }
    }
    let mut results = load_texts(readable.into_iter());
    results.extend(unreadable);
    Ok(results)
}

/// Whether a path looks like a lesson file: `*.md`, not the folder's README, not hidden (editors
/// keep their temporary copies in hidden files).
pub fn is_lesson_file(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    path.is_file()
        && name.ends_with(".md")
        && !name.starts_with('.')
        && !name.eq_ignore_ascii_case("README.md")
}

/// One lesson file on its own (for reloading a file an author just saved). Checks everything
/// except that its id is unique in its folder, which needs the other files ([`load_dir`]).
pub fn load_file(path: &Path) -> LoadResult {
    let text = std::fs::read_to_string(path).map_err(|e| {
        vec![LessonError {
            file: path.to_path_buf(),
            line: None,
            message: format!("cannot read the file: {e}"),
        }]
    })?;
    load_text(&text, path, &path.display().to_string())
}

/// One lesson from its text; `file` names it in errors and `source` is stored in the lesson.
pub fn load_text(text: &str, file: &Path, source: &str) -> LoadResult {
    finish(parse(text, file, source), file).0
}

/// Parses and validates; also returns the `order` for sorting broken lessons.
fn finish(parsed: ParseResult, file: &Path) -> (LoadResult, Option<u32>) {
    match parsed {
        Err((errors, order)) => (Err(errors), order),
        Ok(parsed) => {
            let order = parsed.order;
            let mut errors = parsed.problems.clone();
            errors.extend(validate(&parsed, file));
            errors.sort_by_key(|e| e.line);
            if errors.is_empty() {
                (Ok(parsed.lesson), order)
            } else {
                (Err(errors), order)
            }
        }
    }
}

/// Loads several files together: each on its own, then ids checked across them, then sorted.
fn load_texts<'a>(files: impl Iterator<Item = (&'a Path, &'a str, &'a str)>) -> Vec<LoadResult> {
    let files: Vec<_> = files.collect();
    let parsed: Vec<ParseResult> = files
        .iter()
        .map(|(path, source, text)| parse(text, path, source))
        .collect();
    let ok: Vec<(&Parsed, &Path)> = parsed
        .iter()
        .zip(&files)
        .filter_map(|(p, (path, _, _))| p.as_ref().ok().map(|p| (p, *path)))
        .collect();
    // Map positions among the parsed-ok files back to positions among all files.
    let ok_positions: Vec<usize> = parsed
        .iter()
        .enumerate()
        .filter(|(_, p)| p.is_ok())
        .map(|(i, _)| i)
        .collect();
    let duplicates: Vec<(usize, LessonError)> = duplicate_ids(&ok)
        .into_iter()
        .map(|(i, e)| (ok_positions[i], e))
        .collect();

    let mut results: Vec<(Option<u32>, usize, LoadResult)> = parsed
        .into_iter()
        .zip(&files)
        .enumerate()
        .map(|(index, (p, (path, _, _)))| {
            let (mut result, order) = finish(p, path);
            let extra: Vec<LessonError> = duplicates
                .iter()
                .filter(|(i, _)| *i == index)
                .map(|(_, e)| e.clone())
                .collect();
            if !extra.is_empty() {
                result = match result {
                    Ok(_) => Err(extra),
                    Err(mut errors) => {
                        errors.extend(extra);
                        errors.sort_by_key(|e| e.line);
                        Err(errors)
                    }
                };
            }
            (order, index, result)
        })
        .collect();
    // Known orders first, in order; then the files whose order could not be read, by name.
    results.sort_by_key(|(order, index, _)| (order.is_none(), *order, *index));
    results.into_iter().map(|(_, _, r)| r).collect()
}
