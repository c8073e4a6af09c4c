//! Word wrapping that keeps styles and tells exactly how many rows a text takes, so scrolling
//! can stop at the last line (ratatui's own wrapping does not report its height).

use ratatui::style::Style;
use ratatui::text::{Line, Span};

/// Display width of a string in terminal cells.
pub fn width(s: &str) -> usize {
    Span::raw(s).width()
}

/// Wraps each line to `width` cells, breaking at spaces; words longer than a row are cut.
/// Continuation rows of a list item are indented under its text.
pub fn wrap_lines(lines: &[Line<'_>], width: u16) -> Vec<Line<'static>> {
    let width = width.max(1) as usize;
    let mut out = Vec::new();
    for line in lines {
        wrap_line(line, width, &mut out);
    }
    out
}

fn wrap_line(line: &Line<'_>, width: usize, out: &mut Vec<Line<'static>>) {
    let base = line.style;
    let plain: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
    if plain.is_empty() {
        out.push(Line::default().style(base));
        return;
    }
    let hang = hanging_indent(&plain).min(width / 2);
    // Split into words and the spaces between them, each with its span's style.
    let mut pieces: Vec<(String, Style)> = Vec::new();
    for span in &line.spans {
        let mut word = String::new();
        for ch in span.content.chars() {
            let is_space = ch == ' ';
            if !word.is_empty() && word.ends_with(' ') != is_space {
                pieces.push((std::mem::take(&mut word), span.style));
            }
            word.push(ch);
        }
        if !word.is_empty() {
            pieces.push((word, span.style));
        }
    }
    // A word may run across spans (an emphasised word and the comma after it): its pieces
    // wrap as one unit, so no row starts with the comma.
    let mut units: Vec<Vec<(String, Style)>> = Vec::new();
    for piece in pieces {
        let joins = !piece.0.starts_with(' ')
            && units
                .last()
                .and_then(|u| u.last())
                .is_some_and(|(t, _)| !t.ends_with(' '));
        match units.last_mut() {
            Some(unit) if joins => unit.push(piece),
            _ => units.push(vec![piece]),
        }
    }
    let mut row: Vec<Span<'static>> = Vec::new();
    let mut used = 0usize;
    let mut first_row = true;
    let flush = |row: &mut Vec<Span<'static>>,
                 used: &mut usize,
                 first: &mut bool,
                 out: &mut Vec<Line<'static>>| {
        // A space that ended up last on the row is not drawn.
        if row
            .last()
            .is_some_and(|s| s.content.trim().is_empty() && !s.content.is_empty())
        {
            row.pop();
        }
        out.push(Line::from(std::mem::take(row)).style(base));
        *first = false;
        *used = 0;
    };
    for unit in units {
        let w: usize = unit.iter().map(|(t, _)| width_of(t)).sum();
        let is_space = unit[0].0.starts_with(' ');
        if used == 0 && !first_row {
            if is_space {
                continue; // no spaces at the start of a continuation row
            }
            if hang > 0 {
                row.push(Span::raw(" ".repeat(hang)));
                used = hang;
            }
        }
        if used + w <= width {
            row.extend(unit.into_iter().map(|(t, st)| Span::styled(t, st)));
            used += w;
            continue;
        }
        if is_space {
            flush(&mut row, &mut used, &mut first_row, out);
            continue;
        }
        if w <= width - hang.min(width - 1) && used > hang {
            flush(&mut row, &mut used, &mut first_row, out);
            if hang > 0 {
                row.push(Span::raw(" ".repeat(hang)));
                used = hang;
            }
            row.extend(unit.into_iter().map(|(t, st)| Span::styled(t, st)));
            used += w;
            continue;
        }
        // A word longer than a row: cut it where the row ends.
        for (text, style) in unit {
            let mut chunk = String::new();
            for ch in text.chars() {
                let cw = width_of(&ch.to_string());
                if used + width_of(&chunk) + cw > width && (used > 0 || !chunk.is_empty()) {
                    row.push(Span::styled(std::mem::take(&mut chunk), style));
                    flush(&mut row, &mut used, &mut first_row, out);
                }
                chunk.push(ch);
            }
            used += width_of(&chunk);
            row.push(Span::styled(chunk, style));
        }
    }
    if !row.is_empty() || first_row {
        out.push(Line::from(row).style(base));
    }
}

fn width_of(s: &str) -> usize {
    width(s)
}

/// Width of a leading indent plus list marker ("- ", "* ", "1. ", "1) "), so wrapped rows of a
/// list item (or a check's numbered choice) line up under its first word.
fn hanging_indent(plain: &str) -> usize {
    let trimmed = plain.trim_start_matches(' ');
    let lead = plain.len() - trimmed.len();
    let marker =
        if trimmed.starts_with("- ") || trimmed.starts_with("* ") || trimmed.starts_with("• ") {
            2
        } else {
            let digits = trimmed.chars().take_while(|c| c.is_ascii_digit()).count();
            let rest = &trimmed[digits..];
            if digits > 0 && (rest.starts_with(". ") || rest.starts_with(") ")) {
                digits + 2
            } else {
                0
            }
        };
    if marker == 0 {
        lead.min(8)
    } else {
        lead + marker
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(lines: &[Line<'_>]) -> Vec<String> {
        lines
            .iter()
            .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
            .collect()
    }

    #[test]
    fn breaks_at_spaces_and_indents_list_items() {
        let lines = [Line::from("- alpha beta gamma delta")];
        assert_eq!(
            texts(&wrap_lines(&lines, 12)),
            ["- alpha beta", "  gamma", "  delta"]
        );
    }

    #[test]
    fn cuts_words_longer_than_a_row() {
        let lines = [Line::from("abcdefghij")];
        assert_eq!(texts(&wrap_lines(&lines, 4)), ["abcd", "efgh", "ij"]);
    }

    #[test]
    fn punctuation_after_a_styled_word_stays_with_it() {
        // "the *tokens*, and": three spans, but "tokens," is one word.
        let lines = [Line::from(vec![
            Span::raw("pieces, the "),
            Span::styled("tokens", Style::new().italic()),
            Span::raw(", and each"),
        ])];
        assert_eq!(
            texts(&wrap_lines(&lines, 18)),
            ["pieces, the", "tokens, and each"]
        );
        let cut = [Line::from(vec![
            Span::styled("abcdef", Style::new().bold()),
            Span::raw("ghij"),
        ])];
        assert_eq!(texts(&wrap_lines(&cut, 4)), ["abcd", "efgh", "ij"]);
    }

    #[test]
    fn numbered_choices_hang_under_their_text() {
        let lines = [Line::from("  1) alpha beta gamma")];
        assert_eq!(
            texts(&wrap_lines(&lines, 16)),
            ["  1) alpha beta", "     gamma"]
        );
    }

    #[test]
    fn keeps_empty_lines() {
        let lines = [Line::from("a"), Line::from(""), Line::from("b")];
        assert_eq!(wrap_lines(&lines, 10).len(), 3);
    }
}
