//! Lists the lab corpus files (assets/corpus/*.txt) so the binary embeds every one of them and
//! runs from any folder. Writes `$OUT_DIR/corpus_files.rs`: a sorted array of (file name, text).

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("assets")
        .join("corpus");
    // Re-run when a file is added to, removed from or changed in the folder.
    println!("cargo:rerun-if-changed={}", dir.display());

    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|ext| ext == "txt"))
                .collect()
        })
        .unwrap_or_default();
    // Sorted, so the built-in corpus (and every tokenizer trained on it) is the same everywhere.
    files.sort();

    let mut code = String::from("&[\n");
    for path in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        writeln!(code, "    ({name:?}, include_str!({:?})),", path.display()).unwrap();
    }
    code.push(']');

    let out =
        Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("corpus_files.rs");
    std::fs::write(out, code).expect("OUT_DIR is writable");
}
