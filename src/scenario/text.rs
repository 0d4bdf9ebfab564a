//! Characters that make a scenario's text show a reviewer something other than what runs.
//!
//! Why: scenarios are reviewed as text, usually as a diff. A bidirectional control (U+202E
//! RIGHT-TO-LEFT OVERRIDE and its kin) reorders what an editor or a web diff displays — in a
//! comment it can make code look commented out, in a name it makes `"Kazakhstan"` display as
//! something else (the "Trojan Source" attack); an invisible character (a zero-width space, a
//! soft hyphen) makes two names that look alike differ; a control character (NUL, ESC) can
//! rewrite the terminal that prints a name. So before a scenario is parsed, its text is refused
//! if it holds:
//!
//! - anywhere, comments included: a control character other than tab, line feed and carriage
//!   return, a format character (Unicode category Cf: the bidirectional controls, zero-width
//!   characters, ...), or a line or paragraph separator (U+2028, U+2029);
//! - inside a string or character literal, after its escapes are decoded (`"\u{202E}"` misleads
//!   as much as the character itself): the same, and tabs and line breaks too, since names and
//!   other text fields are one line of printable text.
//!
//! Each problem is located (FILE:LINE:COL, and the field path inside a value), with the code
//! point written as U+XXXX, since the character itself cannot be seen.

use std::collections::BTreeMap;
use std::ops::Range;

use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

use super::diagnostic::{Diagnostic, Diagnostics};
use super::spans::{SpanIndex, literals};

/// Problems listed one by one; the rest are counted, so a file full of them gives a short report.
const MAX_LISTED: usize = 10;

/// Refuses `text` (named `file` in messages) if it holds a character described above.
pub fn check_visible(text: &str, file: &str) -> Result<(), Diagnostics> {
    // Offset → (the character, whether it is inside a literal). Literals first: at the same
    // offset their stricter rule wins.
    let mut found: BTreeMap<usize, (char, bool)> = BTreeMap::new();
    for range in literals(text) {
        for (at, c) in decoded(text, range) {
            if hidden(c, true) {
                found.entry(at).or_insert((c, true));
            }
        }
    }
    for (at, c) in text.char_indices() {
        if hidden(c, false) {
            found.entry(at).or_insert((c, false));
        }
    }
    if found.is_empty() {
        return Ok(());
    }
    let spans = SpanIndex::build(text);
    let mut diags: Vec<Diagnostic> = found
        .iter()
        .take(MAX_LISTED)
        .map(|(&at, &(c, in_text))| {
            let (line, col) = line_col(text, at);
            let path = if in_text {
                spans.path_at(at).unwrap_or_default()
            } else {
                String::new()
            };
            let (place, rule) = if in_text {
                (
                    "in this text",
                    " (names and other text must be printable, on one line)",
                )
            } else {
                ("in a comment or between values", "")
            };
            Diagnostic {
                file: file.to_string(),
                line,
                col,
                path,
                message: format!(
                    "U+{:04X}, {}, {place}: it changes what a reviewer sees, not what runs; \
                     delete it{rule}",
                    c as u32,
                    what(c),
                ),
            }
        })
        .collect();
    if found.len() > MAX_LISTED {
        diags.push(Diagnostic {
            file: file.to_string(),
            line: 0,
            col: 0,
            path: String::new(),
            message: format!(
                "{} more hidden or control characters like these",
                found.len() - MAX_LISTED
            ),
        });
    }
    Err(Diagnostics(diags))
}

/// Whether `c` is refused: anywhere, or (`in_literal`) inside a string or character literal.
fn hidden(c: char, in_literal: bool) -> bool {
    if c.is_ascii_graphic() || c == ' ' {
        return false; // the common case, without a table lookup
    }
    if matches!(c, '\t' | '\n' | '\r') {
        return in_literal;
    }
    matches!(
        c.general_category(),
        GeneralCategory::Control
            | GeneralCategory::Format
            | GeneralCategory::LineSeparator
            | GeneralCategory::ParagraphSeparator
    )
}

/// Plain words for a refused character.
fn what(c: char) -> &'static str {
    match c {
        '\u{202A}'..='\u{202E}'
        | '\u{2066}'..='\u{2069}'
        | '\u{200E}'
        | '\u{200F}'
        | '\u{061C}' => "a bidirectional-text control",
        '\u{FEFF}' => "a byte-order mark or zero-width no-break space (save as UTF-8 without BOM)",
        '\t' => "a tab",
        '\n' | '\r' => "a line break",
        '\u{2028}' => "a line separator",
        '\u{2029}' => "a paragraph separator",
        _ if c.is_control() => "a control character",
        _ => "an invisible formatting character",
    }
}

/// The characters of the literal at `range` once its escapes are decoded, each with the byte
/// offset where it is written (a backslash for an escape). Raw strings have no escapes.
fn decoded(text: &str, range: Range<usize>) -> Vec<(usize, char)> {
    let lit = &text[range.clone()];
    let raw = lit.starts_with('r') || lit.starts_with("br");
    let body_start = lit.find(['"', '\'']).map_or(lit.len(), |i| i + 1);
    let mut out = Vec::new();
    let mut chars = lit[body_start..]
        .char_indices()
        .map(|(i, c)| (range.start + body_start + i, c))
        .peekable();
    while let Some((at, c)) = chars.next() {
        if c != '\\' || raw {
            out.push((at, c));
            continue;
        }
        let Some((_, e)) = chars.next() else { break };
        let hex = |chars: &mut std::iter::Peekable<_>, n: usize| {
            let mut digits = String::new();
            while digits.len() < n
                && let Some(&(_, d)) = chars.peek()
                && char::is_ascii_hexdigit(&d)
            {
                digits.push(d);
                chars.next();
            }
            u32::from_str_radix(&digits, 16)
                .ok()
                .and_then(char::from_u32)
        };
        let decoded = match e {
            'n' => Some('\n'),
            't' => Some('\t'),
            'r' => Some('\r'),
            '0' => Some('\0'),
            'b' => Some('\u{8}'),
            'f' => Some('\u{c}'),
            'x' => hex(&mut chars, 2),
            'u' if chars.peek().is_some_and(|&(_, b)| b == '{') => {
                chars.next();
                let c = hex(&mut chars, 6);
                if chars.peek().is_some_and(|&(_, b)| b == '}') {
                    chars.next();
                }
                c
            }
            'u' => hex(&mut chars, 4),
            other => Some(other),
        };
        out.extend(decoded.map(|d| (at, d)));
    }
    out
}

/// 1-based line and column (in characters) of byte `offset`, as `SpanIndex` counts them.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (
        before.matches('\n').count() + 1,
        before[line_start..].chars().count() + 1,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(text: &str) -> Vec<String> {
        check_visible(text, "f.ron").map_or_else(
            |d| d.0.iter().map(ToString::to_string).collect(),
            |()| Vec::new(),
        )
    }

    #[test]
    fn printable_text_passes() {
        let text = "Scenario(\n\tname: \"Caspian – Каспий 日本 ü\", // comment ✓\r\n)";
        assert!(problems(text).is_empty());
        assert!(problems(crate::scenario::load::BASELINE_RON).is_empty());
    }

    #[test]
    fn hidden_characters_are_located_by_position_and_path() {
        let text = "Scenario(\n  name: \"ab\u{202E}cd\",\n  /* \u{2066} */ x: 1,\n)";
        let p = problems(text);
        assert_eq!(p.len(), 2, "{p:?}");
        assert!(
            p[0].starts_with(
                "f.ron:2:12: name: U+202E, a bidirectional-text control, in this text: "
            ),
            "{p:?}"
        );
        assert!(
            p[1].starts_with(
                "f.ron:3:6: U+2066, a bidirectional-text control, in a comment or between values: "
            ),
            "{p:?}"
        );
    }

    #[test]
    fn escapes_are_decoded_and_located_at_the_backslash() {
        for (escape, code) in [
            ("\\u{202e}", "U+202E"),
            ("\\u{200B}", "U+200B"),
            ("\\0", "U+0000"),
            ("\\n", "U+000A"),
            ("\\t", "U+0009"),
            ("\\x1b", "U+001B"),
            ("\\u{85}", "U+0085"),
            ("\\u{2028}", "U+2028"),
        ] {
            let text = format!("(a: [\"ok\", \"x{escape}y\"])");
            let p = problems(&text);
            assert_eq!(p.len(), 1, "{escape}: {p:?}");
            assert!(
                p[0].starts_with(&format!("f.ron:1:14: a[1]: {code}, ")),
                "{p:?}"
            );
        }
        // Escapes of visible characters, and raw strings whose backslashes are not escapes.
        assert!(problems(r#"(a: "\"\\ \u{e9}", b: r"\u{202E}", c: '\'')"#).is_empty());
    }

    #[test]
    fn line_breaks_are_refused_in_text_only() {
        let p = problems("(a: \"one\ntwo\")");
        assert_eq!(p.len(), 1);
        assert!(
            p[0].starts_with("f.ron:1:9: a: U+000A, a line break, in this text"),
            "{p:?}"
        );
    }

    #[test]
    fn many_problems_are_counted_not_listed() {
        let text = format!("(a: \"{}\")", "\u{200B}".repeat(1000));
        let p = problems(&text);
        assert_eq!(p.len(), MAX_LISTED + 1);
        assert_eq!(
            p[MAX_LISTED],
            "f.ron: 990 more hidden or control characters like these"
        );
    }
}
