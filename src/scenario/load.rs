//! Reading a scenario file: RON text → `Scenario`, or every problem located in the file.
//!
//! Syntax and type errors come from ron (which knows line and column) wrapped by
//! `serde_path_to_error` (which knows the field path). Meaning is checked afterwards by
//! `validate`, whose errors carry field paths that `SpanIndex` maps back to line and column.

use std::path::Path;

use ron::extensions::Extensions;

use serde::de::DeserializeOwned;

use super::compose::{Base, has_extends, load_variant};
use super::diagnostic::{Diagnostic, Diagnostics};
use super::echo::bound;
use super::file::{SCENARIO, read_limited};
use super::schema::Scenario;
use super::spans::SpanIndex;
use super::text::check_visible;
use super::uncertain::Timed;
use super::validate::validate;
use crate::distributions::DistSpec;

/// Scenario files larger than this are refused before parsing.
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;
/// Nesting deeper than this is refused (guards the recursive parser's stack).
pub const MAX_NESTING: usize = 64;

/// The built-in baseline, the same text as `scenarios/baseline.ron`.
pub const BASELINE_RON: &str = include_str!("../../scenarios/baseline.ron");
/// How the built-in baseline is named in messages and in `run.json`.
pub const BASELINE_NAME: &str = "<built-in baseline.ron>";

/// A scenario together with the text it came from.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub scenario: Scenario,
    /// The file as the user named it (for messages).
    pub file: String,
    /// The exact text, copied to `scenario.ron` so a result always travels with its input.
    /// For a file that `extends` another: the resolved scenario, with every file of the chain
    /// above it in comments (see `compose`).
    pub text: String,
    /// What the file extends, resolved; `None` for a complete scenario.
    pub base: Option<Base>,
}

/// Reads, parses and validates a scenario file.
pub fn load_file(path: &Path) -> Result<Loaded, Diagnostics> {
    let file = path.display().to_string();
    let text = read_text(path, &file)?;
    load_str(&text, &file)
}

/// A scenario file's text, refused if it is not a small enough regular UTF-8 file
/// (`file::read_limited`).
pub(crate) fn read_text(path: &Path, file: &str) -> Result<String, Diagnostics> {
    read_limited(path, SCENARIO, MAX_FILE_BYTES)
        .map_err(|message| Diagnostics(vec![whole_file(file, message)]))
}

/// The built-in baseline scenario.
pub fn load_baseline() -> Loaded {
    load_str(BASELINE_RON, BASELINE_NAME).expect("the built-in baseline is valid (tested)")
}

/// Parses and validates scenario text; `file` names it in messages. Text with a top-level
/// `extends` is a variant: `extends` is read relative to `file`'s folder.
pub fn load_str(text: &str, file: &str) -> Result<Loaded, Diagnostics> {
    check_visible(text, file)?;
    if has_extends(text) {
        return load_variant(text, file);
    }
    let scenario = parse(text, file)?;
    let spans = SpanIndex::build(text);
    let problems = validate(&scenario);
    if !problems.is_empty() {
        let diags = problems
            .into_iter()
            .map(|p| locate(&spans, file, p.path, p.message))
            .collect();
        return Err(Diagnostics::in_file_order(diags));
    }
    Ok(Loaded {
        scenario,
        file: file.to_string(),
        text: text.to_string(),
        base: None,
    })
}

pub(crate) fn options() -> ron::Options {
    ron::Options::default()
        .with_default_extension(Extensions::IMPLICIT_SOME)
        .with_recursion_limit(MAX_NESTING)
}

/// Syntax and types only; `T` is `Scenario`, or a variant's patch.
pub(crate) fn parse<T: DeserializeOwned>(text: &str, file: &str) -> Result<T, Diagnostics> {
    let one = |d: Diagnostic| Diagnostics(vec![d]);
    let mut de = ron::Deserializer::from_str_with_options(text, &options())
        .map_err(|e| one(spanned(file, "", &e)))?;
    match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Ok(scenario) => {
            de.end()
                .map_err(|e| one(spanned(file, "", &de.span_error(e))))?;
            Ok(scenario)
        }
        Err(err) => {
            let path = clean_path(&err.path().to_string());
            let spanned_err = de.span_error(err.into_inner());
            let mut d = spanned(file, &path, &spanned_err);
            if d.message.contains("untagged enum Uncertain") {
                explain_uncertain(text, &path, &mut d);
            }
            explain_number(text, &path, &mut d);
            Err(one(d))
        }
    }
}

/// serde_path_to_error writes `?` for positions it cannot name and `.` at the root.
fn clean_path(path: &str) -> String {
    if path == "." || path == "?" {
        String::new()
    } else {
        // `assets[0].?`: inside the entry, at a field it could not name.
        path.strip_suffix(".?").unwrap_or(path).to_string()
    }
}

fn spanned(file: &str, path: &str, e: &ron::error::SpannedError) -> Diagnostic {
    Diagnostic {
        file: file.to_string(),
        line: e.span.start.line,
        col: e.span.start.col,
        path: path.to_string(),
        message: humanise(&e.code.to_string()),
    }
}

/// Rewrites serde's wording where it leaves a reviewer guessing.
pub(crate) fn humanise(message: &str) -> String {
    // A 100 kB identifier quoted by the parser must not become a 100 kB error line.
    let m = bound(message);
    if let Some(rest) = m.strip_prefix("Unexpected missing field named ") {
        return format!("missing field {rest}; add it");
    }
    if m.contains("recursion limit") {
        return format!(
            "the file nests deeper than {MAX_NESTING} levels; look for unbalanced brackets"
        );
    }
    m
}

/// An uncertain number failed both as a number and as a distribution: re-read the value's own
/// text as a distribution to say precisely what is wrong with it, at its own line and column.
pub(crate) fn explain_uncertain(text: &str, path: &str, d: &mut Diagnostic) {
    const HINT: &str = "expected a number (72.5) or a distribution such as Uniform(min: 1.0, max: 2.0), \
                        Pert(min: 1.0, mode: 2.0, max: 4.0) or PerYear(Normal(mean: 0.0, sd: 1.0)); \
                        see docs/scenario-format.md#uncertain-numbers";
    d.message = HINT.to_string();
    let spans = SpanIndex::build(text);
    let (Some(range), Some(start)) = (spans.value_span(path), spans.get(path)) else {
        return;
    };
    let value = &text[range];
    let timed =
        value.trim_start().starts_with("PerYear") || value.trim_start().starts_with("PerTrial");
    let inner = if timed {
        ron::Options::default().from_str::<Timed>(value).err()
    } else {
        ron::Options::default().from_str::<DistSpec>(value).err()
    };
    if let Some(e) = inner {
        // Positions inside the value's text, shifted to the file.
        d.line = start.line + e.span.start.line - 1;
        d.col = if e.span.start.line == 1 {
            start.col + e.span.start.col - 1
        } else {
            e.span.start.col
        };
        d.message = format!("{}; {HINT}", humanise(&e.code.to_string()));
    }
}

/// A number written as text or with a unit: ron says only "Expected float" (no value, no fix)
/// or, for `40%`, "Expected comma" at the `%`. Say what was found and how to write it.
pub(crate) fn explain_number(text: &str, path: &str, d: &mut Diagnostic) {
    if let Some(at) = offset(text, d.line, d.col)
        && text[at..].starts_with('%')
    {
        d.message = percent_hint(text, at, &d.message);
        return;
    }
    if !d.message.starts_with("Expected float") {
        return;
    }
    let spans = SpanIndex::build(text);
    let found = spans
        .value_span(path)
        .map(|r| text[r].trim().to_string())
        .filter(|v| !v.is_empty());
    d.message = match found {
        Some(v) => format!(
            "expected a number, but it is {}; {FIX}",
            super::echo::literal(&v)
        ),
        None => format!("expected a number; {FIX}"),
    };
}

const FIX: &str = "write a plain number such as 0.69, without quotes or units \
                   (a percentage as a fraction: 0.4 for 40%)";

/// A syntax error at a `%` (`40%`): say how a percentage is written.
pub(crate) fn percent_hint(text: &str, at: usize, message: &str) -> String {
    if text.get(at..).is_some_and(|t| t.starts_with('%')) {
        format!("{message}; {FIX}")
    } else {
        message.to_string()
    }
}

/// The byte offset of a 1-based line and column (in chars).
fn offset(text: &str, line: usize, col: usize) -> Option<usize> {
    let start = text
        .split_inclusive('\n')
        .take(line.checked_sub(1)?)
        .map(str::len)
        .sum::<usize>();
    let line_text = text.get(start..)?;
    let within = line_text
        .char_indices()
        .nth(col.checked_sub(1)?)
        .map(|(i, _)| i)?;
    Some(start + within)
}

fn whole_file(file: &str, message: String) -> Diagnostic {
    Diagnostic {
        file: file.to_string(),
        line: 0,
        col: 0,
        path: String::new(),
        message,
    }
}

/// Places a semantic problem at its field's line and column (or its nearest located parent).
pub fn locate(spans: &SpanIndex, file: &str, path: String, message: String) -> Diagnostic {
    let (line, col) = spans
        .locate(&path)
        .map(|(p, _)| (p.line, p.col))
        .unwrap_or((0, 0));
    Diagnostic {
        file: file.to_string(),
        line,
        col,
        path,
        message: bound(&message),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn long_quoted_excerpts_are_shortened() {
        let long = "Scenario".repeat(100);
        let m = super::humanise(&format!("Expected struct `Scenario` but found `{long}`"));
        assert_eq!(
            m,
            format!(
                "Expected struct `Scenario` but found `{}… (800 characters)`",
                &long[..crate::scenario::echo::LITERAL_CHARS]
            )
        );
    }
}
