//! Byte-level vocabulary entries read back as bytes, to show tokens that hold only part of a
//! character.
//!
//! A byte-level BPE (GPT-2's, and the lab's) writes every byte as a printable character in its
//! vocabulary: the bytes that print already (`!` to `~`, `¡` to `¬`, `®` to `ÿ`) as themselves,
//! the other 68 (controls, space, DEL, no-break space, soft hyphen) as U+0100 onwards in byte
//! order, so a space is `Ġ` and a newline `Ċ`. An entry such as `Ã` is therefore the byte 0xC3,
//! the first half of `ï`: it has no text of its own, and is shown as `<C3>`.

/// Whether byte `b` is written as the character with the same code.
fn prints_as_itself(b: u8) -> bool {
    matches!(b, 33..=126 | 161..=172 | 174..=255)
}

/// The byte a vocabulary symbol stands for; `None` for a character outside the byte alphabet.
pub fn symbol_byte(c: char) -> Option<u8> {
    let code = u32::from(c);
    if let Ok(b) = u8::try_from(code) {
        return prints_as_itself(b).then_some(b);
    }
    let n = usize::try_from(code.checked_sub(256)?).ok()?;
    (0..=255u8).filter(|&b| !prints_as_itself(b)).nth(n)
}

/// The bytes of a byte-level vocabulary entry; `None` if a character is outside the alphabet
/// (an added token, or a vocabulary that is not byte-level).
pub fn entry_bytes(entry: &str) -> Option<Vec<u8>> {
    entry.chars().map(symbol_byte).collect()
}

/// Bytes as a learner reads them: runs of valid UTF-8 as text, every other byte in hex between
/// angle brackets, neighbours together (`na<C3>`, `<AF>ve`, `<9D B1>`).
pub fn shown(bytes: &[u8]) -> String {
    let mut out = String::new();
    let mut loose: Vec<u8> = Vec::new();
    let flush = |out: &mut String, loose: &mut Vec<u8>| {
        if !loose.is_empty() {
            let hex: Vec<String> = loose.iter().map(|b| format!("{b:02X}")).collect();
            out.push_str(&format!("<{}>", hex.join(" ")));
            loose.clear();
        }
    };
    for chunk in bytes.utf8_chunks() {
        if !chunk.valid().is_empty() {
            flush(&mut out, &mut loose);
            out.push_str(chunk.valid());
        }
        loose.extend_from_slice(chunk.invalid());
    }
    flush(&mut out, &mut loose);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_byte_has_one_symbol() {
        // The inverse is a bijection from 256 symbols onto the 256 bytes.
        let symbols: Vec<char> = (0..=255u8)
            .filter(|&b| prints_as_itself(b))
            .map(char::from)
            .chain((256..256 + 68).filter_map(char::from_u32))
            .collect();
        assert_eq!(symbols.len(), 256);
        let mut bytes: Vec<u8> = symbols.iter().map(|&c| symbol_byte(c).unwrap()).collect();
        bytes.sort_unstable();
        assert_eq!(bytes, (0..=255u8).collect::<Vec<_>>());
    }

    #[test]
    fn gpt2_symbols_read_back() {
        assert_eq!(symbol_byte('Ġ'), Some(b' '));
        assert_eq!(symbol_byte('Ċ'), Some(b'\n'));
        assert_eq!(symbol_byte('ĉ'), Some(b'\t'));
        assert_eq!(symbol_byte('Ã'), Some(0xC3));
        assert_eq!(symbol_byte('¯'), Some(0xAF));
        assert_eq!(symbol_byte('a'), Some(b'a'));
        assert_eq!(
            symbol_byte(' '),
            None,
            "a space is not a symbol of the alphabet"
        );
        assert_eq!(symbol_byte('東'), None);
        assert_eq!(entry_bytes("Ġthe"), Some(b" the".to_vec()));
        assert_eq!(entry_bytes("æĿ±"), Some("東".as_bytes().to_vec()));
    }

    #[test]
    fn partial_characters_show_as_hex() {
        assert_eq!(shown(b" the"), " the");
        assert_eq!(shown(&[0xC3]), "<C3>");
        assert_eq!(shown(&[b'n', b'a', 0xC3]), "na<C3>");
        assert_eq!(shown(&[0xAF, b'v', b'e']), "<AF>ve");
        assert_eq!(shown(&[0x9D, 0xB1]), "<9D B1>");
        assert_eq!(shown(&[0xE6, 0x9D]), "<E6 9D>");
        assert_eq!(shown("東".as_bytes()), "東");
    }
}
