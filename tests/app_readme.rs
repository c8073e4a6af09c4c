//! The README's key tables are the keymap table written out: this test fails when they drift,
//! and prints the tables to paste.

use llm_lab::app::keymap::{Context, KEYMAP};
use llm_lab::lessons::View;

/// The key section of the README as the keymap says it should be. Heatmap and attention panes
/// share one table (a test below checks that their keys really are the same).
fn expected_keys_section() -> String {
    let contexts = [
        Context::Always,
        Context::Global,
        Context::Lesson,
        Context::Pane(View::Heatmap),
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
        let title = match ctx {
            Context::Pane(_) => "A focused heatmap or attention pane",
            _ => ctx.title(),
        };
        out.push_str(&format!(
            "\n**{title}**\n\n| Keys | What they do |\n|---|---|\n"
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

#[test]
fn heatmap_and_attention_panes_share_their_keys() {
    let rows = |view| {
        KEYMAP
            .iter()
            .filter(|b| b.context == Context::Pane(view))
            .map(|b| (b.key_names(), b.action, b.description))
            .collect::<Vec<_>>()
    };
    assert_eq!(rows(View::Heatmap), rows(View::Attention));
    let panes: Vec<_> = KEYMAP
        .iter()
        .filter_map(|b| match b.context {
            Context::Pane(v) if v != View::Heatmap && v != View::Attention => Some(v),
            _ => None,
        })
        .collect();
    assert!(panes.is_empty(), "README lists no keys for {panes:?} panes");
}
