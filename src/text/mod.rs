//! Text: corpus loading, tokenizers, sliding-window batches.

pub mod batches;
pub mod byte_level;
pub mod corpus;
pub mod tokenizer;
pub mod words;

use std::io::Write;
use std::path::Path;

/// Writes a file so that readers see the old content or the new, never half of it: the bytes go
/// to a temporary file in the same folder, which is then renamed over `path`.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    let temp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = std::fs::File::create(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&temp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}
