//! Judging a typed answer to a check question leniently: a learner who writes `[3072, 768]`,
//! `3072 x 768` or `1.000` has the right idea, whatever spelling the lesson file listed.

use crate::lessons::Check;

/// Whether `given` answers `check`. A choice question compares the chosen text exactly; a typed
/// answer also counts when it means the same as an accepted answer: the same numbers in the same
/// order (brackets, separators such as `,` `x` `×` `*` `by` and a unit after them aside, `1.0`
/// equal to `1`), or the same words (case, extra spaces and a final full stop aside).
pub fn accepts(check: &Check, given: &str) -> bool {
    if check.is_correct(given) {
        return true;
    }
    if !check.choices.is_empty() {
        return false;
    }
    let given = canonical(given);
    check.answers.iter().any(|a| canonical(a) == given)
}

/// A spelling-free form of an answer.
#[derive(Debug, PartialEq)]
enum Canonical {
    /// A number or a shape: its numbers in order.
    Numbers(Vec<f64>),
    /// Anything else: lower case, single spaces, no final full stop.
    Words(String),
}

fn canonical(answer: &str) -> Canonical {
    let lower = answer.trim().to_lowercase();
    let lower = lower.trim_end_matches('.').trim();
    if let Some(numbers) = numbers_of(lower) {
        return Canonical::Numbers(numbers);
    }
    Canonical::Words(lower.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// The numbers of `text` when it is nothing but numbers, brackets and separators.
fn numbers_of(text: &str) -> Option<Vec<f64>> {
    let spaced: String = text
        .replace(" by ", " ")
        .chars()
        .map(|c| match c {
            '(' | ')' | '[' | ']' | '{' | '}' | ',' | ';' | '×' | '*' | 'x' => ' ',
            c => c,
        })
        .collect();
    let mut words: Vec<&str> = spaced.split_whitespace().collect();
    // A unit after the numbers ("10 tokens", "96 windows") is not part of the answer.
    while words.len() > 1
        && words
            .last()
            .is_some_and(|w| w.chars().all(char::is_alphabetic))
    {
        words.pop();
    }
    let numbers: Vec<f64> = words
        .iter()
        .map(|word| word.parse::<f64>().ok().filter(|n| n.is_finite()))
        .collect::<Option<_>>()?;
    (!numbers.is_empty()).then_some(numbers)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(answers: &[&str]) -> Check {
        Check {
            question: "q".into(),
            choices: vec![],
            answers: answers.iter().map(|a| a.to_string()).collect(),
            explanation: "e".into(),
        }
    }

    #[test]
    fn shapes_are_accepted_in_any_common_spelling() {
        let check = typed(&["(3072, 768)"]);
        for given in [
            "3072, 768",
            "[3072, 768]",
            "3072x768",
            "3072 X 768",
            "3072 × 768",
            "3072*768",
            "3072 by 768",
            "( 3072 , 768 )",
            "3072 768",
        ] {
            assert!(accepts(&check, given), "{given}");
        }
        for given in ["(768, 3072)", "3072", "3072, 768, 1", "x"] {
            assert!(!accepts(&check, given), "{given}");
        }
    }

    #[test]
    fn numbers_compare_by_value() {
        let check = typed(&["1"]);
        for given in ["1.0", "1.000", " 1 ", "1."] {
            assert!(accepts(&check, given), "{given}");
        }
        assert!(!accepts(&check, "0.99"));
        assert!(!accepts(&check, "11"));
        let windows = typed(&["96"]);
        assert!(accepts(&windows, "96 windows"));
        assert!(accepts(&windows, "96 training windows."));
        assert!(!accepts(&windows, "windows 96 and 97"));
        assert!(!accepts(&windows, "24 windows"));
    }

    #[test]
    fn words_ignore_case_spacing_and_a_full_stop() {
        let check = typed(&["forward"]);
        assert!(accepts(&check, "Forward."));
        assert!(accepts(&check, "  FORWARD  "));
        assert!(!accepts(&check, "toward"));
    }

    #[test]
    fn choices_stay_exact() {
        let check = Check {
            choices: vec!["(6, 5)".into(), "(5, 6)".into()],
            answers: vec!["(6, 5)".into()],
            ..typed(&[])
        };
        assert!(accepts(&check, "(6, 5)"));
        assert!(!accepts(&check, "(5, 6)"));
        assert!(!accepts(&check, "6x5"));
    }
}
