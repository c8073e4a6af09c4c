//! The README's key tables are the keymap table written out: this test fails when they drift,
//! and prints the tables to paste.

use llm_lab::app::keymap::{Context, KEYMAP};

/// The key section of the README as the keymap says it should be.
fn expected_keys_section() -> String {
    let contexts = [
        Context::Always,
        Context::Global,
        Context::Lesson,
        Context::Contents,
        Context::Check,
        Context::Answer,
        Context::Editing,
        Context::Help,
    ];
    let mut out = String::new();
    for ctx in contexts {
        let rows: Vec<_> = KEYMAP.iter().filter(|b| b.context == ctx).collect();
        if rows.is_empty() {
            continue;
        }
        out.push_str(&format!(
            "\n**{}**\n\n| Keys | What they do |\n|---|---|\n",
            ctx.title()
        ));
        for b in rows {
            let keys = b.key_names().replace('|', "\\|");
            out.push_str(&format!("| `{keys}` | {} |\n", b.description));
        }
    }
    out
}

#[test]
fn readme_lists_every_key_of_the_keymap() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md exists");
    let start = "<!-- keys:start -->";
    let end = "<!-- keys:end -->";
    let (Some(a), Some(b)) = (readme.find(start), readme.find(end)) else {
        panic!("README.md needs the markers {start} and {end} around the key tables");
    };
    let actual = readme[a + start.len()..b].trim();
    let expected = expected_keys_section();
    assert_eq!(
        actual,
        expected.trim(),
        "README key tables differ from the keymap; put this between the markers:\n{expected}"
    );
}
