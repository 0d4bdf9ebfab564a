//! Composition: a scenario file that `extends` another and overrides a few parts of it.
//!
//! Analysts start from a shipped scenario and change a few lines; reviewers should have to read
//! only those lines. A file with a top-level `extends: "base.ron"` is a *variant*: every field
//! optional, lists of named entries matched by name. This module reads the chain of files (a
//! variant, its base, its base's base... down to a complete scenario), merges them from the
//! bottom up (`merge.rs` says how each part merges), types the result once and validates it as
//! one scenario. The rules are in docs/scenario-format.md, "Extending a scenario".
//!
//! Every merged value remembers which file wrote it, so a problem is reported at the line of
//! the file that holds the offending text: a bad value written in the variant at the variant's
//! line, a value inherited from the base at the base's line.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use ron::extensions::Extensions;

use super::diagnostic::{Diagnostic, Diagnostics};
use super::load::{Loaded, explain_uncertain, locate, parse, read_text};
use super::merge::{self, Names, Node, Src};
use super::schema::Scenario;
use super::spans::SpanIndex;
use super::text::check_visible;
use super::validate::validate;

/// Longest chain of `extends` followed before giving up (a file, its base, its base's base...).
pub const MAX_EXTENDS_DEPTH: usize = 8;

/// The scenario a variant extends, fully resolved: what `explain` compares the variant with.
#[derive(Debug, Clone)]
pub struct Base {
    /// The base file as reached from the variant (`scenarios/baseline.ron`).
    pub file: String,
    pub scenario: Scenario,
}

/// Whether the text is a variant: a top-level `extends` field.
pub fn has_extends(text: &str) -> bool {
    SpanIndex::build(text).get("extends").is_some()
}

/// One file of the chain, with its source positions.
struct Layer {
    file: String,
    text: String,
    spans: SpanIndex,
}

impl Layer {
    fn new(file: String, text: String) -> Layer {
        let spans = SpanIndex::build(&text);
        Layer { file, text, spans }
    }

    /// A problem at `path` of this file.
    fn at(&self, path: String, message: String) -> Diagnostic {
        locate(&self.spans, &self.file, path, message)
    }
}

/// A path's identity for cycle detection: canonical where the file exists.
fn identity(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Reads the chain from the named file down to the complete scenario at its bottom.
fn chain(text: &str, file: &str) -> Result<Vec<Layer>, Diagnostics> {
    let mut layers = vec![Layer::new(file.to_string(), text.to_string())];
    let mut seen = vec![identity(Path::new(file))];
    loop {
        let top = layers.last().expect("at least the named file");
        let Some(range) = top.spans.value_span("extends") else {
            return Ok(layers);
        };
        let one = |message: String| Diagnostics(vec![top.at("extends".into(), message)]);
        let extends = ron::from_str::<String>(&top.text[range]).map_err(|_| {
            one("extends takes the base file's path in double quotes, e.g. \"baseline.ron\"".into())
        })?;
        let names = |last: &str| {
            let mut names: Vec<&str> = layers.iter().map(|l| l.file.as_str()).collect();
            names.push(last);
            names.join(" → ")
        };
        let dir = Path::new(&top.file).parent().unwrap_or(Path::new(""));
        let path = dir.join(&extends);
        let base_file = path.display().to_string();
        if layers.len() > MAX_EXTENDS_DEPTH {
            return Err(one(format!(
                "more than {MAX_EXTENDS_DEPTH} levels of extends ({}); extend a file nearer the full scenario",
                names(&base_file)
            )));
        }
        let id = identity(&path);
        if seen.contains(&id) {
            return Err(one(format!(
                "{} is a cycle; a scenario cannot extend itself, directly or through other files",
                names(&base_file)
            )));
        }
        let base_text = read_text(&path, &base_file).map_err(|d| {
            let why = d.0.first().map_or(String::new(), |d| d.message.clone());
            one(format!(
                "cannot use {base_file}: {why}; the path is relative to this file's folder"
            ))
        })?;
        // The base is shown to reviewers too: the same characters are refused there.
        check_visible(&base_text, &base_file)?;
        seen.push(id);
        layers.push(Layer::new(base_file, base_text));
    }
}

/// Loads a variant (`text` has a top-level `extends`); `file` names it and anchors the relative
/// paths of `extends`.
pub(crate) fn load_variant(text: &str, file: &str) -> Result<Loaded, Diagnostics> {
    let layers = chain(text, file)?;
    let located = |p: merge::Problem| -> Diagnostic {
        let layer = &layers[p.src.file];
        match p.offset {
            Some(offset) => {
                let (line, col) = line_col(&layer.text, offset);
                Diagnostic {
                    file: layer.file.clone(),
                    line,
                    col,
                    path: p.src.path,
                    message: super::load::percent_hint(&layer.text, offset, &p.message),
                }
            }
            None => layer.at(p.src.path, p.message),
        }
    };
    let trees = layers
        .iter()
        .enumerate()
        .map(|(k, l)| merge::tree(&l.text, &l.text, k))
        .collect::<Result<Vec<Node>, merge::Problem>>()
        .map_err(|p| Diagnostics(vec![located(p)]))?;

    // Apply from the complete scenario at the bottom up to the named file (index 0).
    let mut trees = trees.into_iter().enumerate().rev();
    let (_, mut merged) = trees.next().expect("at least the named file");
    let mut problems = Vec::new();
    let mut parent = None;
    for (k, mut patch) in trees {
        match patch.string("name") {
            Some(Ok(_)) => {}
            Some(Err(e)) => problems.push(located(e)),
            None => problems.push(layers[k].at(
                String::new(),
                "missing field `name`; add it (a variant writes its own output folder)".into(),
            )),
        }
        if let Node::Record { fields, .. } = &mut patch {
            fields.retain(|(f, _)| f != "extends");
        }
        if k == 0 {
            parent = Some(merged.clone());
        }
        let mut found = Vec::new();
        let names = Names {
            base: &layers[k + 1].file,
        };
        merge::apply(&mut merged, patch, &names, &mut found);
        problems.extend(found.into_iter().map(&located));
    }
    if !problems.is_empty() {
        return Err(Diagnostics::in_file_order(problems));
    }
    super::provenance::drop_removed(&mut merged);
    let scenario = typed(&merged, &layers)?;
    let found = validate(&scenario);
    if !found.is_empty() {
        let diags = found
            .into_iter()
            .map(|p| {
                let src = merge::origin(&merged, &p.path);
                let message = if src.file == 0 {
                    p.message
                } else {
                    format!("{} [as extended by {}]", p.message, layers[0].file)
                };
                layers[src.file].at(src.path, message)
            })
            .collect();
        return Err(Diagnostics::in_file_order(diags));
    }
    let base = match parent {
        Some(node) => Some(Base {
            file: layers[1].file.clone(),
            scenario: typed(&node, &layers)?,
        }),
        None => None,
    };
    let text = resolved_text(&layers, &scenario);
    Ok(Loaded {
        scenario,
        file: file.to_string(),
        text,
        base,
    })
}

/// The merged tree, typed: a type error is reported where its text was written.
fn typed(merged: &Node, layers: &[Layer]) -> Result<Scenario, Diagnostics> {
    let mut text = String::new();
    merge::render(merged, &mut text);
    parse::<Scenario>(&text, "").map_err(|d| {
        let d = d.0.into_iter().next().expect("one problem");
        let Src { file, path } = merge::origin(merged, &d.path);
        let layer = &layers[file];
        // The typed reader knows only complete scenarios; a variant's file may also write
        // `extends`.
        let message = if file + 1 < layers.len() {
            d.message.replacen(
                "in `Scenario`, expected one of ",
                "in `Scenario`, expected one of `extends`, ",
                1,
            )
        } else {
            d.message.clone()
        };
        let mut located = layer.at(path.clone(), message);
        if d.message
            .starts_with("expected a number (72.5) or a distribution")
        {
            explain_uncertain(&layer.text, &path, &mut located);
        }
        Diagnostics(vec![located])
    })
}

/// 1-based line and column (in chars) of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    (line, col)
}

/// The text a run keeps as `scenario.ron`: the resolved scenario as one self-contained file,
/// preceded by every file of the chain, commented out, so the result still shows the sources.
fn resolved_text(layers: &[Layer], s: &Scenario) -> String {
    let mut o = String::new();
    let chain: Vec<&str> = layers.iter().map(|l| l.file.as_str()).collect();
    let _ = writeln!(o, "// Resolved scenario: {}.", chain.join(" extends "));
    let _ = writeln!(
        o,
        "// corridor applied each file's overrides to the file it extends (docs/scenario-format.md,\n\
         // \"Extending a scenario\"). The scenario that ran is at the end; each file's own text,\n\
         // comments and sources included, comes first, commented out."
    );
    for layer in layers {
        let _ = writeln!(o, "//\n// ---------- {} ----------", layer.file);
        for line in layer.text.lines() {
            let _ = writeln!(o, "// {line}");
        }
    }
    let config = ron::ser::PrettyConfig::new()
        .extensions(Extensions::IMPLICIT_SOME)
        .indentor("    ");
    let body = ron::ser::to_string_pretty(s, config).expect("a scenario always serialises");
    let _ = writeln!(o, "\n{body}");
    o
}
