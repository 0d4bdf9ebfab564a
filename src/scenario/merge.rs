//! Merging a variant's text into its base's, part by part, before either is typed.
//!
//! Why on the RON text and not on typed patches: a typed patch repeats the schema with every
//! field optional and needs a hand-written merge per entry type, so each new field of the
//! schema cost several edits here. Instead each file is read as a tree of raw RON values, and
//! only the parts that merge are opened: records (the file, `horizon`, `production`, each list
//! entry) merge field by field, year schedules and keyed maps merge key by key (also a schedule
//! inside an enum variant, `RateByYear({ 2027: 0.4 })`, over the same variant), lists of named
//! entries merge by name, observations by what they observe (`observed`); every other value is replaced whole. The rules are the table below
//! plus the year schedules of `fields.rs`; a field the schema gains needs no edit here. The
//! merged tree is then written out as one scenario text and typed once, by the same reader as
//! a complete file.
//!
//! Every value remembers the file and the path in it that wrote it (`Src`), so a problem found
//! in the merged scenario — a type error or a problem of meaning — is reported at the line of
//! the file that holds the offending text.

use std::collections::HashSet;

use ron::value::RawValue;
use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

use super::fields::{self, FIELDS, LISTS, List};

/// Where a value was written: a file of the chain (0 = the file the user named) and the path
/// of the value in that file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Src {
    pub file: usize,
    pub path: String,
}

impl Src {
    fn child(&self, seg: &str) -> Src {
        Src {
            file: self.file,
            path: join(&self.path, seg),
        }
    }
}

/// `a.b`, `a[2]`, or `b` at the root.
fn join(path: &str, seg: &str) -> String {
    if seg.starts_with('[') || path.is_empty() {
        format!("{path}{seg}")
    } else {
        format!("{path}.{seg}")
    }
}

/// How a part of the scenario merges under `extends`.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Rule {
    /// Replaced whole.
    Whole,
    /// Field by field; the name is the record's type, which a file may write (`Horizon(...)`).
    Record(&'static str),
    /// Key by key (year schedules, keyed maps).
    Keyed,
    /// A list of named entries, merged by name.
    Named(&'static List),
    /// The observations, merged by metric, entity and year.
    Observed,
    /// An enum value some of whose variants hold a year schedule (`frequency`): such a variant
    /// merges by year over the same variant; any other value is replaced whole.
    Variant,
}

/// Where a field sits in the file's shape: `disruptions[].frequency.{RateByYear}`.
fn shape_of(f: &fields::Field) -> String {
    match f.list {
        Some(l) => format!("{}[].{}", l.field, f.path),
        None => f.path.to_string(),
    }
}

/// Records that merge field by field, by their shape (`[]` for any list position), and their
/// type names; the lists of named entries merge by name (`fields::LISTS`) and the year
/// schedules by year (`fields::FIELDS`).
const RECORDS: [(&str, &str); 13] = [
    ("", "Scenario"),
    ("horizon", "Horizon"),
    ("producers[]", "Producer"),
    ("producers[].production", "Production"),
    ("producers[].quota", "Quota"),
    ("assets[]", "Asset"),
    ("routes[]", "Route"),
    ("routes[].reservation", "Reservation"),
    ("disruptions[]", "Disruption"),
    ("forced_events[]", "ForcedEvent"),
    ("regimes[]", "Regime"),
    ("observations[]", "Observation"),
    ("market_responses[]", "MarketResponse"),
];

/// The list of observations, which merges by what is observed (see `observed`).
const OBSERVATIONS: &str = "observations";

/// Maps that merge key by key besides the year schedules of `fields.rs`.
const KEYED: [&str; 4] = [
    "regimes[].frequency_multipliers",
    "regimes[].differential_add",
    "regimes[].next_by_year",
    "sources",
];

fn rule(shape: &str) -> Rule {
    if let Some((_, name)) = RECORDS.iter().find(|(s, _)| *s == shape) {
        return Rule::Record(name);
    }
    if let Some(list) = LISTS.iter().find(|l| l.field == shape) {
        return Rule::Named(list);
    }
    if shape == OBSERVATIONS {
        return Rule::Observed;
    }
    let schedules = || FIELDS.iter().filter(|f| f.by_year).map(|f| shape_of(f));
    if schedules().any(|f| f == shape) || KEYED.contains(&shape) {
        return Rule::Keyed;
    }
    // `frequency` when some `frequency.{Variant}` is a schedule.
    let variant_of = |f: String| {
        f.strip_prefix(shape)
            .and_then(|rest| rest.strip_prefix(".{"))
            .is_some_and(|rest| rest.ends_with('}') && !rest.contains('.'))
    };
    if schedules().any(variant_of) {
        return Rule::Variant;
    }
    Rule::Whole
}

/// A problem found while reading or merging, at a path of one file.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub src: Src,
    pub message: String,
    /// A syntax error's byte offset in that file, when the reader knows it.
    pub offset: Option<usize>,
}

fn problem(src: Src, message: impl Into<String>) -> Problem {
    Problem {
        src,
        message: message.into(),
        offset: None,
    }
}

/// A value of a (merged) scenario and where it was written.
#[derive(Debug, Clone)]
pub enum Node<'t> {
    Whole {
        text: &'t str,
        src: Src,
    },
    Record {
        fields: Vec<(String, Node<'t>)>,
        src: Src,
    },
    Keyed {
        entries: Vec<(String, Node<'t>)>,
        src: Src,
    },
    Named {
        entries: Vec<Node<'t>>,
        src: Src,
    },
    /// `Name(inner)`, where `inner` merges (a year schedule).
    Variant {
        name: String,
        inner: Box<Node<'t>>,
        src: Src,
    },
}

impl Node<'_> {
    pub(crate) fn src(&self) -> &Src {
        match self {
            Node::Whole { src, .. }
            | Node::Record { src, .. }
            | Node::Keyed { src, .. }
            | Node::Named { src, .. }
            | Node::Variant { src, .. } => src,
        }
    }

    /// A record's field.
    fn field(&self, name: &str) -> Option<&Node<'_>> {
        match self {
            Node::Record { fields, .. } => fields.iter().find(|(k, _)| k == name).map(|x| &x.1),
            _ => None,
        }
    }

    /// The text of a field that holds a string (an entry's `name`, the file's `extends`).
    pub fn string(&self, field: &str) -> Option<Result<String, Problem>> {
        let Node::Whole { text, src } = self.field(field)? else {
            return Some(Err(problem(
                self.src().child(field),
                "expected a string in double quotes",
            )));
        };
        Some(ron::from_str::<String>(text).map_err(|_| {
            problem(
                src.clone(),
                format!(
                    "expected a string in double quotes, found {}",
                    excerpt(text)
                ),
            )
        }))
    }
}

/// A value's text, shortened for a message.
fn excerpt(text: &str) -> String {
    const KEEP: usize = 40;
    if text.chars().count() <= KEEP {
        text.to_string()
    } else {
        format!("{}…", text.chars().take(KEEP).collect::<String>())
    }
}

// ---------------------------------------------------------------------------------------------
// Reading raw RON: a record's fields, a map's entries, a list's items, each as raw text that
// borrows from the file.

struct Fields<'t>(Vec<(String, &'t RawValue)>);
struct Entries<'t>(Vec<(&'t RawValue, &'t RawValue)>);

struct FieldsVisitor;
impl<'de> Visitor<'de> for FieldsVisitor {
    type Value = Fields<'de>;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a record such as (name: \"x\", ...)")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Fields<'de>, A::Error> {
        let mut v = Vec::new();
        while let Some(entry) = m.next_entry::<String, &'de RawValue>()? {
            v.push(entry);
        }
        Ok(Fields(v))
    }
}

struct EntriesVisitor;
impl<'de> Visitor<'de> for EntriesVisitor {
    type Value = Entries<'de>;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a map such as { 2025: 72.5 }")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Entries<'de>, A::Error> {
        let mut v = Vec::new();
        while let Some(entry) = m.next_entry::<&'de RawValue, &'de RawValue>()? {
            v.push(entry);
        }
        Ok(Entries(v))
    }
}

impl<'de> Deserialize<'de> for Entries<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Entries<'de>, D::Error> {
        d.deserialize_map(EntriesVisitor)
    }
}

struct Items<'t>(Vec<&'t RawValue>);
struct ItemsVisitor;
impl<'de> Visitor<'de> for ItemsVisitor {
    type Value = Items<'de>;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a list such as [ ... ]")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> Result<Items<'de>, A::Error> {
        let mut v = Vec::new();
        while let Some(item) = s.next_element::<&'de RawValue>()? {
            v.push(item);
        }
        Ok(Items(v))
    }
}

/// An enum value's variant name and its one value's text: `RateByYear` and `{ 2027: 0.4 }` of
/// `RateByYear({ 2027: 0.4 })`. Read from the text (the value's text is a slice of the file, so
/// that problems inside it are located there); `None` for any other shape.
fn variant_of(text: &str) -> Option<(&str, &str)> {
    let text = text.trim();
    let open = text.find('(')?;
    let name = text[..open].trim_end();
    let ident = !name.is_empty()
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    let inner = text[open + 1..].strip_suffix(')')?.trim_end();
    // `RateByYear({ .. },)`: RON allows a trailing comma.
    let inner = inner.strip_suffix(',').unwrap_or(inner);
    ident.then_some((name, inner))
}

impl<'de> Deserialize<'de> for Items<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Items<'de>, D::Error> {
        d.deserialize_seq(ItemsVisitor)
    }
}

/// The reader's options (`load::options`): implicit `Some` and the nesting limit.
fn read<'t, T>(
    text: &'t str,
    file_text: &str,
    src: &Src,
    parse: impl FnOnce(&mut ron::Deserializer<'t>) -> Result<T, ron::Error>,
) -> Result<T, Problem> {
    let offset = text.as_ptr() as usize - file_text.as_ptr() as usize;
    let fail = |e: ron::error::SpannedError| Problem {
        src: src.clone(),
        message: super::load::humanise(&e.code.to_string()),
        offset: Some(offset + byte_offset(text, e.span.start.line, e.span.start.col)),
    };
    let mut de =
        ron::Deserializer::from_str_with_options(text, &super::load::options()).map_err(fail)?;
    let value = parse(&mut de).map_err(|e| fail(de.span_error(e)))?;
    de.end().map_err(|e| fail(de.span_error(e)))?;
    Ok(value)
}

/// The byte offset of a 1-based line and column (in chars) within `text`.
fn byte_offset(text: &str, line: usize, col: usize) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let rest = &text[start.min(text.len())..];
    start
        + rest
            .char_indices()
            .nth(col.saturating_sub(1))
            .map_or(rest.len(), |(i, _)| i)
}

/// The type name a record's text starts with, if any (`Horizon` in `Horizon(first_year: ...)`).
fn written_name(text: &str) -> Option<&str> {
    let end = text
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(text.len());
    (end > 0 && text[end..].trim_start().starts_with('(')).then(|| &text[..end])
}

/// The text inside `Some(...)`, when `text` is written so.
fn some_inner(text: &str) -> Option<&str> {
    let t = text.trim();
    (written_name(t) == Some("Some") && t.ends_with(')'))
        .then(|| t["Some".len()..].trim_start())
        .and_then(|t| t.strip_prefix('('))
        .and_then(|t| t.strip_suffix(')'))
}

/// Reads a file's (or a value's) text into a tree, opening the parts that merge.
pub fn tree<'t>(text: &'t str, file_text: &'t str, file: usize) -> Result<Node<'t>, Problem> {
    let src = Src {
        file,
        path: String::new(),
    };
    build(text, file_text, "", src, rule(""))
}

fn build<'t>(
    text: &'t str,
    file_text: &'t str,
    shape: &str,
    src: Src,
    r: Rule,
) -> Result<Node<'t>, Problem> {
    match r {
        Rule::Whole => Ok(Node::Whole { text, src }),
        Rule::Record(name) => {
            // An optional record may be written `Some((...))`, as the reader allows elsewhere.
            if let Some(inner) = some_inner(text) {
                return build(inner, file_text, shape, src, r);
            }
            if let Some(written) = written_name(text.trim_start())
                && written != name
            {
                return Err(problem(
                    src,
                    format!("expected {name}(...) or (...), found {written}(...)"),
                ));
            }
            let raw = read(text, file_text, &src, |de| {
                de.deserialize_struct(name, &[], FieldsVisitor)
            })?;
            let mut seen = HashSet::new();
            let mut fields = Vec::with_capacity(raw.0.len());
            for (k, v) in raw.0 {
                if !seen.insert(k.clone()) {
                    return Err(problem(
                        src.child(&k),
                        format!("`{k}` is written twice; keep one"),
                    ));
                }
                let shape = join(shape, &k);
                let child = build(v.get_ron(), file_text, &shape, src.child(&k), rule(&shape))?;
                fields.push((k, child));
            }
            Ok(Node::Record { fields, src })
        }
        Rule::Keyed => {
            let raw: Entries = read(text, file_text, &src, |de| Entries::deserialize(de))?;
            let mut entries: Vec<(String, Node<'t>)> = Vec::with_capacity(raw.0.len());
            for (k, v) in raw.0 {
                let key = key_text(k.get_ron());
                if entries.iter().any(|(x, _)| *x == key) {
                    return Err(problem(
                        src.child(&key),
                        format!("{key} is written twice in this map; keep one entry per key"),
                    ));
                }
                let node = Node::Whole {
                    text: v.get_ron(),
                    src: src.child(&key),
                };
                entries.push((key, node));
            }
            Ok(Node::Keyed { entries, src })
        }
        Rule::Variant => {
            // Anything but `Name(value)` is left whole, for the typed reader to report.
            let Some((name, inner)) = variant_of(text) else {
                return Ok(Node::Whole { text, src });
            };
            let name = name.to_string();
            let shape = format!("{shape}.{{{name}}}");
            match rule(&shape) {
                Rule::Whole => Ok(Node::Whole { text, src }),
                r => {
                    let inner = build(inner, file_text, &shape, src.clone(), r)?;
                    Ok(Node::Variant {
                        name,
                        inner: Box::new(inner),
                        src,
                    })
                }
            }
        }
        Rule::Named(_) | Rule::Observed => {
            let raw: Items = read(text, file_text, &src, |de| Items::deserialize(de))?;
            let shape = format!("{shape}[]");
            let entries = raw
                .0
                .into_iter()
                .enumerate()
                .map(|(i, v)| {
                    build(
                        v.get_ron(),
                        file_text,
                        &shape,
                        src.child(&format!("[{i}]")),
                        rule(&shape),
                    )
                })
                .collect::<Result<Vec<_>, Problem>>()?;
            Ok(Node::Named { entries, src })
        }
    }
}

/// A map key as paths spell it: a year as written, a string without its quotes.
fn key_text(raw: &str) -> String {
    if let Ok(year) = ron::from_str::<i64>(raw) {
        return year.to_string();
    }
    match ron::from_str::<String>(raw) {
        Ok(s) => s,
        Err(_) => raw.trim().to_string(),
    }
}

// ---------------------------------------------------------------------------------------------
// Merging.

/// What a file of the chain is called in messages.
pub struct Names<'a> {
    /// The file it extends, as the user would name it.
    pub base: &'a str,
}

/// Applies `patch` (a variant's tree, without `extends`) to `base`, the fully merged scenario
/// below it. Problems are collected; the merge goes on past them.
pub fn apply<'t>(base: &mut Node<'t>, patch: Node<'t>, names: &Names, out: &mut Vec<Problem>) {
    merge(base, patch, names, out, true);
}

fn merge<'t>(
    base: &mut Node<'t>,
    patch: Node<'t>,
    names: &Names,
    out: &mut Vec<Problem>,
    claim: bool,
) {
    match (base, patch) {
        (
            Node::Record { fields, src },
            Node::Record {
                fields: new,
                src: by,
            },
        ) => {
            for (k, v) in new {
                match fields.iter_mut().find(|(x, _)| *x == k) {
                    Some((_, old)) => merge(old, v, names, out, true),
                    None => fields.push((k, v)),
                }
            }
            // The file as a whole and records such as `horizon` name their last writer; a list
            // entry keeps the file that added it (its own fields say who changed them).
            if claim {
                *src = by;
            }
        }
        (
            Node::Keyed { entries, src },
            Node::Keyed {
                entries: new,
                src: by,
            },
        ) => {
            for (k, v) in new {
                match entries.iter_mut().find(|(x, _)| *x == k) {
                    Some((_, old)) => *old = v,
                    None => entries.push((k, v)),
                }
            }
            *src = by;
        }
        (
            Node::Named { entries, src },
            Node::Named {
                entries: new,
                src: by,
            },
        ) => {
            if src.path == OBSERVATIONS {
                observed(entries, new, names, out);
            } else {
                named(entries, new, list_of(src), names, out);
            }
            *src = by;
        }
        (
            Node::Variant { name, inner, src },
            Node::Variant {
                name: new_name,
                inner: new,
                src: by,
            },
        ) if *name == new_name => {
            merge(inner, *new, names, out, claim);
            *src = by;
        }
        (old, new) => *old = new,
    }
}

/// The list a `Named` node holds, from its path (`routes` → ROUTES).
fn list_of(src: &Src) -> &'static List {
    let field = src.path.rsplit('.').next().unwrap_or("");
    LISTS
        .iter()
        .find(|l| l.field == field)
        .copied()
        .unwrap_or(LISTS[0])
}

fn named<'t>(
    entries: &mut Vec<Node<'t>>,
    new: Vec<Node<'t>>,
    list: &'static List,
    names: &Names,
    out: &mut Vec<Problem>,
) {
    let name_of = |e: &Node| e.string("name").and_then(Result::ok);
    let known = |entries: &[Node]| {
        let mut v: Vec<String> = entries.iter().filter_map(name_of).collect();
        v.sort_unstable();
        super::echo::list(v)
    };
    let mut seen = HashSet::new();
    for mut p in new {
        let at = p.src().clone();
        let name = match p.string("name") {
            Some(Ok(n)) => n,
            Some(Err(e)) => {
                out.push(e);
                continue;
            }
            None => {
                out.push(problem(
                    at,
                    format!(
                        "give the {}'s name: a variant matches entries by name",
                        list.one
                    ),
                ));
                continue;
            }
        };
        if !seen.insert(name.clone()) {
            out.push(problem(
                at.child("name"),
                format!(
                    "\"{name}\" is written twice in this file's {}; merge the two entries",
                    list.field
                ),
            ));
            continue;
        }
        let remove = match take_remove(&mut p) {
            Ok(r) => r,
            Err(e) => {
                out.push(e);
                continue;
            }
        };
        let pos = entries
            .iter()
            .position(|e| name_of(e).as_deref() == Some(&name));
        let writes = matches!(&p, Node::Record { fields, .. } if fields.len() > 1);
        match (pos, remove) {
            (Some(_), true) if writes => out.push(problem(
                at.child("remove"),
                "an entry with remove: true takes only its name; delete the other fields",
            )),
            (Some(i), true) => {
                entries.remove(i);
            }
            (None, true) => out.push(problem(
                at.child("name"),
                format!(
                    "there is no {} \"{name}\" in {} to remove; known: {}",
                    list.one,
                    names.base,
                    known(entries)
                ),
            )),
            (Some(i), false) => merge(&mut entries[i], p, names, out, false),
            (None, false) => {
                let missing: Vec<String> = list
                    .required
                    .iter()
                    .filter(|path| !has(&p, path))
                    .map(|path| format!("`{path}`"))
                    .collect();
                if missing.is_empty() {
                    entries.push(p);
                } else {
                    out.push(problem(
                        at,
                        format!(
                            "{} has no {} \"{name}\", so this entry adds one, which needs {}; add \
                             {}, or correct the name to change an existing {} (known: {})",
                            names.base,
                            list.one,
                            missing.join(", "),
                            if missing.len() == 1 { "it" } else { "them" },
                            list.one,
                            known(entries)
                        ),
                    ));
                }
            }
        }
    }
}

/// What an observation observes: its metric, entity and year (the year's text as an integer,
/// empty for the horizon). `None` when the entry does not spell them as it should; the typed
/// reader then reports where.
fn observation_key(e: &Node) -> Option<(String, String, String)> {
    let metric = e.string("metric")?.ok()?;
    let entity = e.string("entity")?.ok()?;
    let year = match e.field("year") {
        None => String::new(),
        Some(Node::Whole { text, .. }) => ron::from_str::<i64>(text).ok()?.to_string(),
        Some(_) => return None,
    };
    Some((metric, entity, year))
}

/// Observations merge by what they observe: a variant's observation of the same metric, entity
/// and year as one of its base's replaces it whole (a figure and its source go together),
/// `remove: true` with the three drops it, and any other is added. So a variant keeps its
/// base's record of history and may correct or extend it.
fn observed<'t>(
    entries: &mut Vec<Node<'t>>,
    new: Vec<Node<'t>>,
    names: &Names,
    out: &mut Vec<Problem>,
) {
    for mut p in new {
        let at = p.src().clone();
        let remove = match take_remove(&mut p) {
            Ok(r) => r,
            Err(e) => {
                out.push(e);
                continue;
            }
        };
        let key = observation_key(&p);
        let pos = key.as_ref().and_then(|k| {
            entries
                .iter()
                .position(|e| observation_key(e).as_ref() == Some(k))
        });
        match (pos, remove) {
            (Some(i), true) => {
                entries.remove(i);
            }
            (None, true) => out.push(problem(
                at,
                format!(
                    "{} has no observation of this metric, entity and year to remove; give the \
                     three as the base writes them",
                    names.base
                ),
            )),
            (Some(i), false) => entries[i] = p,
            (None, false) => entries.push(p),
        }
    }
}

/// Takes a field out of a record.
fn take<'t>(node: &mut Node<'t>, field: &str) -> Option<Node<'t>> {
    let Node::Record { fields, .. } = node else {
        return None;
    };
    let i = fields.iter().position(|(k, _)| k == field)?;
    Some(fields.remove(i).1)
}

/// Takes an entry's `remove:` flag out of it (false when absent); anything but a bool is a
/// problem at the value.
fn take_remove(node: &mut Node) -> Result<bool, Problem> {
    match take(node, "remove") {
        None => Ok(false),
        Some(Node::Whole { text, src }) => {
            ron::from_str::<bool>(text).map_err(|_| problem(src, "remove takes true or false"))
        }
        Some(other) => Err(problem(other.src().clone(), "remove takes true or false")),
    }
}

/// Whether a record writes `path` (`production.anchors`), non-empty where it is a map.
fn has(node: &Node, path: &str) -> bool {
    let mut at = node;
    for seg in path.split('.') {
        match at.field(seg) {
            Some(next) => at = next,
            None => return false,
        }
    }
    !matches!(at, Node::Keyed { entries, .. } if entries.is_empty())
}

// ---------------------------------------------------------------------------------------------
// The merged scenario as one text, and where its problems were written.

/// Writes the merged tree as one RON scenario.
pub fn render(node: &Node, out: &mut String) {
    match node {
        Node::Whole { text, .. } => out.push_str(text),
        Node::Record { fields, .. } => {
            out.push('(');
            for (k, v) in fields {
                out.push_str(k);
                out.push_str(": ");
                render(v, out);
                out.push_str(",\n");
            }
            out.push(')');
        }
        Node::Keyed { entries, .. } => {
            out.push('{');
            for (k, v) in entries {
                // Years as written; other keys as strings.
                if k.parse::<i64>().is_ok() {
                    out.push_str(k);
                } else {
                    out.push_str(&ron::to_string(k).expect("a string serialises"));
                }
                out.push_str(": ");
                render(v, out);
                out.push_str(",\n");
            }
            out.push('}');
        }
        Node::Named { entries, .. } => {
            out.push('[');
            for e in entries {
                render(e, out);
                out.push_str(",\n");
            }
            out.push(']');
        }
        Node::Variant { name, inner, .. } => {
            out.push_str(name);
            out.push('(');
            render(inner, out);
            out.push(')');
        }
    }
}

/// The file and path that wrote the value at `path` of the merged scenario (a path such as
/// `routes[3].contract_max.2026`, as validation and the typed reader report them). Below the
/// deepest node that holds the path, the rest of the path is taken to lie in that node's text.
pub fn origin(root: &Node, path: &str) -> Src {
    let mut node = root;
    let mut rest = path;
    loop {
        let (seg, tail) = next_segment(rest);
        if seg.is_empty() {
            return node.src().clone();
        }
        let child = match node {
            Node::Record { fields, .. } => fields.iter().find(|(k, _)| k == seg).map(|x| &x.1),
            Node::Keyed { entries, .. } => entries.iter().find(|(k, _)| k == seg).map(|x| &x.1),
            Node::Named { entries, .. } => seg
                .strip_prefix('[')
                .and_then(|s| s.strip_suffix(']'))
                .and_then(|i| i.parse::<usize>().ok())
                .and_then(|i| entries.get(i)),
            Node::Whole { .. } => None,
            // Paths may name the variant (`frequency.RateByYear.2027`) or leave it out.
            Node::Variant { name, inner, .. } => {
                node = inner;
                if seg == name {
                    rest = tail;
                }
                continue;
            }
        };
        match child {
            Some(c) => {
                node = c;
                rest = tail;
            }
            None => {
                let src = node.src();
                let mut p = src.path.clone();
                let mut r = rest;
                loop {
                    let (s, t) = next_segment(r);
                    if s.is_empty() {
                        break;
                    }
                    p = join(&p, s);
                    r = t;
                }
                return Src {
                    file: src.file,
                    path: p,
                };
            }
        }
    }
}

/// The first segment of a path (`routes`, `[3]`, `2026`) and the rest.
fn next_segment(path: &str) -> (&str, &str) {
    let path = path.strip_prefix('.').unwrap_or(path);
    if path.starts_with('[') {
        let end = path.find(']').map_or(path.len(), |i| i + 1);
        return (&path[..end], &path[end..]);
    }
    let end = path.find(['.', '[']).unwrap_or(path.len());
    (&path[..end], &path[end..])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(text: &str) -> Node<'_> {
        tree(text, text, 0).unwrap()
    }

    #[test]
    fn records_merge_by_field_maps_by_key_and_lists_by_name() {
        let base = "Scenario(name: \"b\", horizon: (first_year: 2025, last_year: 2030), \
                    assets: [(name: \"P\", capacity: { 2025: 10.0, 2027: 12.0 }, tariff: 3.0)])";
        let patch = "Scenario(name: \"v\", horizon: (last_year: 2035), \
                     assets: [(name: \"P\", capacity: { 2026: 11.0 }), (name: \"Q\", capacity: { 2025: 1.0 })])";
        let mut b = named(base);
        let mut p = tree(patch, patch, 1).unwrap();
        if let Node::Record { fields, .. } = &mut p {
            fields.retain(|(k, _)| k != "extends");
        }
        let mut problems = Vec::new();
        apply(&mut b, p, &Names { base: "base.ron" }, &mut problems);
        assert!(problems.is_empty(), "{problems:?}");
        let mut text = String::new();
        render(&b, &mut text);
        let flat: String = text.split_whitespace().collect();
        assert!(flat.contains("name:\"v\""), "{text}");
        assert!(
            flat.contains("horizon:(first_year:2025,last_year:2035,"),
            "{text}"
        );
        assert!(
            flat.contains("capacity:{2025:10.0,2027:12.0,2026:11.0,}"),
            "{text}"
        );
        assert!(
            flat.contains("(name:\"Q\",capacity:{2025:1.0,},)"),
            "{text}"
        );
        // Who wrote what: the variant's year at its own path, the inherited tariff in the base.
        assert_eq!(
            origin(&b, "assets[0].capacity.2026"),
            Src {
                file: 1,
                path: "assets[0].capacity.2026".into()
            }
        );
        assert_eq!(origin(&b, "assets[0].tariff").file, 0);
        assert_eq!(origin(&b, "assets[1].capacity").path, "assets[1].capacity");
        assert_eq!(origin(&b, "assets[1]").file, 1);
        assert_eq!(origin(&b, "horizon").file, 1);
        assert_eq!(origin(&b, "horizon.first_year").file, 0);
    }

    /// `base` with `patch` applied, flattened without whitespace, and the merged tree.
    fn merged<'t>(base: &'t str, patch: &'t str) -> (String, Node<'t>) {
        let mut b = named(base);
        let p = tree(patch, patch, 1).unwrap();
        let mut problems = Vec::new();
        apply(&mut b, p, &Names { base: "base.ron" }, &mut problems);
        assert!(problems.is_empty(), "{problems:?}");
        let mut text = String::new();
        render(&b, &mut text);
        (text.split_whitespace().collect(), b)
    }

    #[test]
    fn a_schedule_inside_a_variant_merges_by_year_over_the_same_variant() {
        let base = "Scenario(name: \"b\", disruptions: [(name: \"D\", \
                    frequency: RateByYear({ 2025: 0.2, 2027: 0.4 }), severity: 1.0)])";
        let patch = "Scenario(disruptions: [(name: \"D\", frequency: RateByYear({ 2027: 0.6, 2030: 0.8 }))])";
        let (flat, b) = merged(base, patch);
        assert!(
            flat.contains("frequency:RateByYear({2025:0.2,2027:0.6,2030:0.8,})"),
            "{flat}"
        );
        let at = |path: &str| origin(&b, path);
        assert_eq!(at("disruptions[0].frequency.2027").file, 1);
        assert_eq!(
            at("disruptions[0].frequency.RateByYear.2027").path,
            "disruptions[0].frequency.2027"
        );
        assert_eq!(at("disruptions[0].frequency.2025").file, 0);
        assert_eq!(at("disruptions[0].severity").file, 0);
        // Another variant, or the plain form, replaces the value whole.
        let patch = "Scenario(disruptions: [(name: \"D\", frequency: Rate(0.3))])";
        let (flat, _) = merged(base, patch);
        assert!(flat.contains("frequency:Rate(0.3)"), "{flat}");
        let plain = "Scenario(name: \"b\", disruptions: [(name: \"D\", frequency: Rate(0.3))])";
        let patch =
            "Scenario(disruptions: [(name: \"D\", frequency: ProbabilityByYear({ 2027: 0.1 }))])";
        let (flat, _) = merged(plain, patch);
        assert!(
            flat.contains("frequency:ProbabilityByYear({2027:0.1,})"),
            "{flat}"
        );
    }

    #[test]
    fn keys_and_fields_written_twice_are_problems() {
        let t =
            "Scenario(name: \"b\", assets: [(name: \"P\", capacity: { 2025: 1.0, 2025: 2.0 })])";
        let e = tree(t, t, 0).unwrap_err();
        assert_eq!(e.src.path, "assets[0].capacity.2025");
        let t = "Scenario(name: \"b\", name: \"c\")";
        assert!(tree(t, t, 0).unwrap_err().message.contains("written twice"));
    }

    #[test]
    fn a_syntax_error_inside_a_value_is_placed_in_the_file() {
        let t = "Scenario(name: \"b\",\n horizon: (first_year 2025))";
        let e = tree(t, t, 0).unwrap_err();
        let at = e.offset.unwrap();
        assert!(
            t[at..].starts_with("2025") || t[..at].ends_with("first_year "),
            "{at}"
        );
    }
}
