//! What the lab remembers between runs: the current lesson, the lessons done and the learner's
//! parameter values, as JSON in the user's data directory.
//!
//! The file is written atomically (temporary file + rename), so a crash never leaves half a file.
//! A file that cannot be read or parsed is moved aside to `.bak` and the lab starts fresh: it
//! never refuses to start because of its own memory.

use crate::lessons::ParamValues;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Environment variable that overrides where progress lives (tests use it; so may learners).
pub const DATA_DIR_ENV: &str = "LLM_LAB_DATA_DIR";

const FILE_NAME: &str = "progress.json";

/// The remembered state.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    /// Id of the lesson open when the lab last closed.
    #[serde(default)]
    pub current: Option<String>,
    /// Ids of lessons whose checks were all answered right.
    #[serde(default)]
    pub done: BTreeSet<String>,
    /// Parameter values the learner set, by lesson id.
    #[serde(default)]
    pub params: BTreeMap<String, ParamValues>,
}

/// Where progress is kept. `path == None` means "do not save": no data directory could be found
/// (saving then fails, and the app says so), or a test asked for [`ProgressStore::memory`].
#[derive(Clone, Debug, PartialEq)]
pub struct ProgressStore {
    path: Option<PathBuf>,
    /// Saving without a path quietly succeeds (tests).
    quiet: bool,
}

/// The result of loading: the progress, and a one-line message for the learner if something was
/// wrong with the file.
#[derive(Debug, Default)]
pub struct Loaded {
    pub progress: Progress,
    pub notice: Option<String>,
}

impl ProgressStore {
    /// The store in `$LLM_LAB_DATA_DIR`, else the platform's data directory for "llm-lab".
    pub fn locate() -> Self {
        if let Some(dir) = std::env::var_os(DATA_DIR_ENV).filter(|d| !d.is_empty()) {
            return Self::in_dir(PathBuf::from(dir));
        }
        let dirs = directories::ProjectDirs::from("", "", "llm-lab");
        ProgressStore {
            path: dirs.map(|d| d.data_dir().join(FILE_NAME)),
            quiet: false,
        }
    }

    /// The store in a given directory.
    pub fn in_dir(dir: impl Into<PathBuf>) -> Self {
        ProgressStore {
            path: Some(dir.into().join(FILE_NAME)),
            quiet: false,
        }
    }

    /// A store that cannot save (as when no data directory exists): saving reports an error.
    pub fn disabled() -> Self {
        ProgressStore {
            path: None,
            quiet: false,
        }
    }

    /// A store that keeps nothing and does not complain: for tests and demos.
    pub fn memory() -> Self {
        ProgressStore {
            path: None,
            quiet: true,
        }
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Reads the progress. Missing file: fresh progress. Unreadable or corrupt file: moved aside
    /// to `<file>.bak`, fresh progress, and a notice saying so.
    pub fn load(&self) -> Loaded {
        let Some(path) = &self.path else {
            if self.quiet {
                return Loaded::default();
            }
            return Loaded {
                progress: Progress::default(),
                notice: Some("no data directory found: progress will not be saved".into()),
            };
        };
        let problem = match std::fs::read_to_string(path) {
            Ok(text) => match serde_json::from_str::<Progress>(&text) {
                Ok(progress) => {
                    return Loaded {
                        progress,
                        notice: None,
                    };
                }
                Err(err) => format!("could not be parsed ({err})"),
            },
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Loaded::default(),
            Err(err) => format!("could not be read ({err})"),
        };
        let backup = backup_path(path);
        let notice = match std::fs::rename(path, &backup) {
            Ok(()) => format!(
                "progress file {} {problem}; moved it to {} and started fresh",
                path.display(),
                backup.display()
            ),
            Err(err) => format!(
                "progress file {} {problem} and could not be moved aside ({err}); started fresh",
                path.display()
            ),
        };
        Loaded {
            progress: Progress::default(),
            notice: Some(notice),
        }
    }

    /// Writes the progress atomically: a temporary file in the same directory, then a rename.
    pub fn save(&self, progress: &Progress) -> Result<(), String> {
        let Some(path) = &self.path else {
            return if self.quiet {
                Ok(())
            } else {
                Err("no data directory was found".into())
            };
        };
        let dir = path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {} ({e})", dir.display()))?;
        let json = serde_json::to_string_pretty(progress).map_err(|e| e.to_string())?;
        let tmp = path.with_extension("json.tmp");
        std::fs::write(&tmp, json).map_err(|e| format!("cannot write {} ({e})", tmp.display()))?;
        std::fs::rename(&tmp, path).map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            format!("cannot replace {} ({e})", path.display())
        })
    }

    /// Forgets everything (`--reset-progress`). A missing file is already reset.
    pub fn reset(&self) -> Result<(), String> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        match std::fs::remove_file(path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(format!("cannot remove {} ({e})", path.display())),
        }
    }
}

fn backup_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".bak");
    path.with_file_name(name)
}
