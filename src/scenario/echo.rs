//! What a message may repeat of the input: short numbers, short literals, short lists.
//!
//! Why: a message quotes the input so the user recognises it, but a hostile or mistaken file can
//! make that quote enormous — `1e308` written out is 309 digits, a 5,000-character name is
//! echoed whole, and "known: ..." lists every one of 256 names. An error line must stay
//! readable in a terminal and a CI log. Messages build their quotes with `number`, `literal`
//! and `list`; and every located diagnostic passes through `bound` (`load::locate` and the
//! parser's errors), which applies the same limits to whatever a message put in, so no message
//! escapes them.

/// Characters of a literal shown in a message. Real names are up to about 40 characters (the
/// shipped scenarios' longest is 40), so they are shown whole.
pub const LITERAL_CHARS: usize = 64;
/// Items of a list shown before the rest are counted.
pub const LIST_ITEMS: usize = 10;
/// Longest message once its parts are bounded (a last resort: a message made of many
/// bounded parts).
pub const MESSAGE_CHARS: usize = 1_000;
/// A run of more digits than this is a number to shorten: an f64 has at most 17 significant
/// digits, and no limit corridor states has more than 10.
const MAX_DIGITS: usize = 17;

/// A number to six significant digits: 46323.6 rather than 46323.596653152, and 1e300 rather
/// than three hundred digits (the crate's one number formatter, `format::short`).
pub use crate::format::short as number;

/// `text` whole if short, else its first `LITERAL_CHARS` characters, "…" and its length.
pub fn literal(text: &str) -> String {
    let n = text.chars().count();
    if n <= LITERAL_CHARS {
        return text.to_string();
    }
    let head: String = text.chars().take(LITERAL_CHARS).collect();
    format!("{head}… ({n} characters)")
}

/// "A, B, C" — or, past `LIST_ITEMS`, "A, B, …, J, … and 40 more"; each item a `literal`.
pub fn list<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> String {
    let mut shown = Vec::new();
    let mut more = 0usize;
    for item in items {
        if shown.len() < LIST_ITEMS {
            shown.push(literal(item.as_ref()));
        } else {
            more += 1;
        }
    }
    let mut out = shown.join(", ");
    if more > 0 {
        out.push_str(&format!(", … and {more} more"));
    }
    out
}

/// `message` with every quoted literal (between `"` or backticks) cut to `LITERAL_CHARS`, every
/// run of more than 17 digits outside them written as a short `number`, and the whole cut to
/// `MESSAGE_CHARS`.
pub fn bound(message: &str) -> String {
    let mut out = String::with_capacity(message.len().min(MESSAGE_CHARS + 64));
    let mut rest = message;
    while !rest.is_empty() {
        let quote = rest.find(['"', '`']);
        let digits = long_number(rest);
        match (quote, digits) {
            (Some(q), d) if d.is_none_or(|(start, _)| q < start) => {
                let mark = rest[q..].chars().next().unwrap_or('"');
                out.push_str(&rest[..=q]);
                let inner = &rest[q + 1..];
                let end = inner.find(mark).unwrap_or(inner.len());
                out.push_str(&literal(&inner[..end]));
                rest = &inner[end..];
                if let Some(tail) = rest.strip_prefix(mark) {
                    out.push(mark);
                    rest = tail;
                }
            }
            (_, Some((start, end))) => {
                out.push_str(&rest[..start]);
                let text = &rest[start..end];
                out.push_str(&text.parse::<f64>().map_or_else(|_| literal(text), number));
                rest = &rest[end..];
            }
            _ => {
                out.push_str(rest);
                rest = "";
            }
        }
    }
    let n = out.chars().count();
    if n > MESSAGE_CHARS {
        let head: String = out.chars().take(MESSAGE_CHARS).collect();
        return format!("{head}… (message of {n} characters cut)");
    }
    out
}

/// The first number in `text` (sign, digits, fraction, exponent) holding more than
/// `MAX_DIGITS` digits, as a byte range.
fn long_number(text: &str) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = if i > 0 && bytes[i - 1] == b'-' {
            i - 1
        } else {
            i
        };
        let mut end = i;
        let mut count = 0;
        while end < bytes.len() && (bytes[end].is_ascii_digit() || bytes[end] == b'.') {
            count += usize::from(bytes[end].is_ascii_digit());
            end += 1;
        }
        if end < bytes.len() && matches!(bytes[end], b'e' | b'E') {
            let mut e = end + 1;
            if e < bytes.len() && matches!(bytes[e], b'+' | b'-') {
                e += 1;
            }
            if e < bytes.len() && bytes[e].is_ascii_digit() {
                while e < bytes.len() && bytes[e].is_ascii_digit() {
                    e += 1;
                }
                end = e;
            }
        }
        if count > MAX_DIGITS {
            return Some((start, end));
        }
        i = end.max(i + 1);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_short() {
        assert_eq!(number(1e300), "1e300");
        assert_eq!(number(46323.596653152), "46323.6");
        assert_eq!(number(-1e308), "-1e308");
        assert_eq!(number(0.5), "0.5");
        assert_eq!(number(1e-9), "1e-9");
        assert_eq!(number(f64::NAN), "NaN");
    }

    #[test]
    fn literals_and_lists_are_cut() {
        assert_eq!(literal("Aktau-Baku-BTC"), "Aktau-Baku-BTC");
        let long = "P".repeat(5000);
        assert_eq!(
            literal(&long),
            format!("{}… (5000 characters)", "P".repeat(LITERAL_CHARS))
        );
        assert_eq!(list(["A", "B", "C"]), "A, B, C");
        let names: Vec<String> = (0..50).map(|i| format!("N{i}")).collect();
        assert_eq!(
            list(&names),
            "N0, N1, N2, N3, N4, N5, N6, N7, N8, N9, … and 40 more"
        );
        assert_eq!(list(Vec::<String>::new()), "");
    }

    #[test]
    fn messages_are_bounded_whatever_they_hold() {
        let huge = format!("{}", 1e308);
        assert_eq!(huge.len(), 309);
        assert_eq!(
            bound(&format!("must be between 0 and 1, but it is {huge}")),
            "must be between 0 and 1, but it is 1e308"
        );
        assert_eq!(
            bound(&format!("min -{huge}.5 is above max 1")),
            "min -1e308 is above max 1"
        );
        // Short numbers, and digits inside quotes (a name), are left as they are.
        let m = "in 2025 the minimum (5) exceeds 1000000000; \"123456789012345678901234\"";
        assert_eq!(bound(m), m);
        let name = "P".repeat(5000);
        assert_eq!(
            bound(&format!("unknown asset \"{name}\"; known: Pipe")),
            format!(
                "unknown asset \"{}… (5000 characters)\"; known: Pipe",
                "P".repeat(LITERAL_CHARS)
            )
        );
        assert_eq!(
            bound("a `quoted` and an \"unclosed"),
            "a `quoted` and an \"unclosed"
        );
        let long = "word ".repeat(1000);
        let b = bound(&long);
        assert!(b.chars().count() < MESSAGE_CHARS + 50, "{b}");
        assert!(b.ends_with("… (message of 5000 characters cut)"), "{b}");
    }
}
