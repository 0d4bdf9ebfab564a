//! Source positions for values in RON scenario files.
//!
//! `ron` reports line:column for syntax errors but keeps no spans for values, so a
//! semantic error found later (`routes[2].assets[1]: unknown asset`) could not be
//! pointed at in the file. This module re-reads the source text with a small, tolerant
//! lexer/parser and indexes field paths (`routes[2].assets[1]`, `prices.benchmark.sd`,
//! `multipliers.drone`) to where their values start, so errors print as FILE:LINE:COL.
//!
//! Path rules: struct fields and map keys (strings unquoted) are `.name` (no dot at
//! the root), list and tuple elements are `[i]`. Enum variants / named structs are
//! transparent, as is any one-element `Name(x)` or `(x)` (newtype and `Some` look the
//! same as one-element tuples); a variant name may still appear as a segment, as in
//! serde_path_to_error's paths (`delay.Triangular.min` = `delay.min`). A leading `.`
//! is ignored (`.` is the root). The first occurrence of a duplicated path wins.
//!
//! Never panics; linear time and memory (the tree of path segments stores each segment
//! once). Values nested deeper than `MAX_DEPTH` are skipped, not indexed.

use std::collections::HashMap;
use std::ops::Range;

/// A position in the source: 1-based line and column (in chars), and byte offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pos {
    pub line: usize,
    pub col: usize,
    pub offset: usize,
}

/// Index from field paths to value positions. Node 0 is the root value (path "").
#[derive(Debug)]
pub struct SpanIndex {
    /// Per node: where its value starts and the byte offset where it ends.
    spans: Vec<Option<(Pos, usize)>>,
    /// (parent node, segment: `.name` or `[i]`) -> node; `Variant(..)` adds a self-loop.
    children: HashMap<(usize, String), usize>,
}

const MAX_DEPTH: usize = 128;

impl SpanIndex {
    /// Index every value in `src`; best effort on invalid RON, never panics.
    pub fn build(src: &str) -> SpanIndex {
        let toks = lex(src);
        // Pre-pass: matching close of each open bracket, and whether it holds 2+ elements.
        let (mut close_of, mut multi) = (vec![usize::MAX; toks.len()], vec![false; toks.len()]);
        let mut stack = Vec::new();
        for (i, t) in toks.iter().enumerate() {
            match t.kind {
                Kind::Open(_) => stack.push(i),
                Kind::Close => {
                    if let Some(o) = stack.pop() {
                        close_of[o] = i;
                    }
                }
                Kind::Comma => {
                    let more = toks.get(i + 1).is_some_and(|t| t.kind != Kind::Close);
                    if let Some(&o) = stack.last() {
                        multi[o] |= more;
                    }
                }
                _ => {}
            }
        }
        let index = SpanIndex {
            spans: vec![None],
            children: HashMap::new(),
        };
        let mut p = Parser {
            src,
            toks,
            close_of,
            multi,
            i: 0,
            last_end: 0,
            index,
        };
        while p.kind(0) == Some(Kind::Hash) {
            // `#![enable(...)]` attributes
            p.bump();
            if p.kind(0) == Some(Kind::Bang) {
                p.bump();
            }
            if matches!(p.kind(0), Some(Kind::Open(_))) {
                p.skip();
            }
        }
        p.value(Some(0), 0);
        p.index
    }

    /// Position of the value at exactly `path`.
    pub fn get(&self, path: &str) -> Option<Pos> {
        self.span(path).map(|s| s.0)
    }

    /// Position of the longest prefix of `path` (cut at `.`/`[`) that exists, and that prefix.
    pub fn locate(&self, path: &str) -> Option<(Pos, String)> {
        let cuts = path.char_indices().filter(|&(_, c)| c == '.' || c == '[');
        std::iter::once(path.len())
            .chain(cuts.map(|(i, _)| i).rev())
            .chain([0])
            .find_map(|end| Some((self.get(&path[..end])?, path[..end].to_string())))
    }

    /// Byte range of the whole value at `path` (e.g. to re-parse it alone).
    pub fn value_span(&self, path: &str) -> Option<Range<usize>> {
        self.span(path).map(|(p, end)| p.offset..end)
    }

    /// The path of the innermost indexed value holding byte `offset` (for a problem found in
    /// the text, such as a character inside a name); `None` outside every value.
    pub fn path_at(&self, offset: usize) -> Option<String> {
        let holds = |n: usize| {
            self.spans[n]
                .is_some_and(|(p, end)| p.offset <= offset && offset < end.max(p.offset + 1))
        };
        let start = |n: usize| self.spans[n].map_or(0, |(p, _)| p.offset);
        let mut node = (0..self.spans.len())
            .filter(|&n| holds(n))
            .max_by_key(|&n| {
                (
                    start(n),
                    std::cmp::Reverse(self.spans[n].map_or(0, |s| s.1)),
                )
            })?;
        let parent: HashMap<usize, (usize, &str)> = self
            .children
            .iter()
            .filter(|((p, _), c)| p != *c)
            .map(|((p, seg), c)| (*c, (*p, seg.as_str())))
            .collect();
        let mut segs = Vec::new();
        while let Some(&(p, seg)) = parent.get(&node) {
            segs.push(seg);
            node = p;
        }
        let path: String = segs.into_iter().rev().collect();
        Some(path.strip_prefix('.').unwrap_or(&path).to_string())
    }

    fn span(&self, path: &str) -> Option<(Pos, usize)> {
        // Name segments are stored as ".name", root ones too; accept "name" and ".name".
        let path = path.strip_prefix('.').unwrap_or(path);
        let dotted = if path.starts_with('[') || path.is_empty() {
            path.to_string()
        } else {
            format!(".{path}")
        };
        self.find(0, &dotted).and_then(|n| self.spans[n])
    }

    /// Walk segments; a segment runs to the next `.`/`[`, or further (keys may hold dots).
    fn find(&self, node: usize, rest: &str) -> Option<usize> {
        if rest.is_empty() {
            return Some(node);
        }
        let cuts = rest
            .char_indices()
            .skip(1)
            .filter(|&(_, c)| c == '.' || c == '[');
        cuts.map(|(i, _)| i).chain([rest.len()]).find_map(|j| {
            let &child = self.children.get(&(node, rest[..j].to_string()))?;
            self.find(child, &rest[j..])
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Open(char),
    Close,
    Comma,
    Colon,
    Hash,
    Bang,
    Ident,
    Str,  // string or char
    Atom, // number, or any stray character
}

#[derive(Debug, Clone, Copy)]
struct Tok {
    kind: Kind,
    pos: Pos,
    end: usize,
}

struct Lexer<'a> {
    src: &'a str,
    pos: Pos,
}

impl Lexer<'_> {
    fn peek(&self, k: usize) -> Option<char> {
        self.src[self.pos.offset..].chars().nth(k)
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek(0)?;
        self.pos.offset += c.len_utf8();
        if c == '\n' {
            (self.pos.line, self.pos.col) = (self.pos.line + 1, 1);
        } else {
            self.pos.col += 1;
        }
        Some(c)
    }

    fn eat_while(&mut self, f: impl Fn(char) -> bool) {
        while self.peek(0).is_some_and(&f) {
            self.bump();
        }
    }

    /// Is there `#*"` starting `k` chars ahead (a raw string after its `r`)?
    fn raw_at(&self, k: usize) -> bool {
        let mut rest = self.src[self.pos.offset..].chars().skip(k);
        rest.find(|&c| c != '#') == Some('"')
    }

    fn skip(&mut self, n: usize) {
        for _ in 0..n {
            self.bump();
        }
    }

    /// `"string"` or `'c'` after `prefix` chars (`b`).
    fn quoted(&mut self, prefix: usize) -> Kind {
        self.skip(prefix);
        let quote = self.bump();
        while let Some(c) = self.peek(0) {
            if quote == Some('\'') && c == '\n' {
                break; // unterminated char: don't swallow the rest of the file
            }
            self.bump();
            match c {
                '\\' => _ = self.bump(),
                _ if Some(c) == quote => break,
                _ => {}
            }
        }
        Kind::Str
    }

    /// `r#"raw"#` after `prefix` chars (`r` or `br`).
    fn raw_string(&mut self, prefix: usize) -> Kind {
        self.skip(prefix);
        let mut hashes = 0;
        while self.peek(0) == Some('#') {
            self.bump();
            hashes += 1;
        }
        self.bump(); // "
        while let Some(c) = self.bump() {
            if c == '"' {
                let mut n = 0;
                while n < hashes && self.peek(0) == Some('#') {
                    self.bump();
                    n += 1;
                }
                if n == hashes {
                    break;
                }
            }
        }
        Kind::Str
    }

    /// Identifier after `prefix` chars (`r#`).
    fn word(&mut self, prefix: usize) -> Kind {
        self.skip(prefix);
        self.eat_while(ident_char);
        Kind::Ident
    }

    fn block_comment(&mut self) {
        self.bump();
        self.bump();
        let mut depth = 1;
        while depth > 0 {
            match (self.bump(), self.peek(0)) {
                (None, _) => break,
                (Some('/'), Some('*')) => {
                    self.bump();
                    depth += 1;
                }
                (Some('*'), Some('/')) => {
                    self.bump();
                    depth -= 1;
                }
                _ => {}
            }
        }
    }

    fn number(&mut self) -> Kind {
        let mut prev = self.bump();
        while let Some(c) = self.peek(0) {
            let exp_sign = matches!(c, '+' | '-') && matches!(prev, Some('e' | 'E'));
            if !(c.is_alphanumeric() || c == '_' || c == '.' || exp_sign) {
                break;
            }
            prev = self.bump();
        }
        Kind::Atom
    }
}

fn ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn lex(src: &str) -> Vec<Tok> {
    let mut lx = Lexer {
        src,
        pos: Pos {
            line: 1,
            col: 1,
            offset: 0,
        },
    };
    let mut toks = Vec::new();
    while let Some(c) = lx.peek(0) {
        let start = lx.pos;
        let next = lx.peek(1);
        let kind = match c {
            _ if c.is_whitespace() => {
                lx.bump();
                continue;
            }
            '/' if next == Some('/') => {
                lx.eat_while(|c| c != '\n');
                continue;
            }
            '/' if next == Some('*') => {
                lx.block_comment();
                continue;
            }
            '(' | '[' | '{' | ')' | ']' | '}' | ',' | ':' | '#' | '!' => {
                lx.bump();
                match c {
                    ')' | ']' | '}' => Kind::Close,
                    ',' => Kind::Comma,
                    ':' => Kind::Colon,
                    '#' => Kind::Hash,
                    '!' => Kind::Bang,
                    _ => Kind::Open(c),
                }
            }
            '"' | '\'' => lx.quoted(0),
            'b' if matches!(next, Some('"' | '\'')) => lx.quoted(1),
            'r' if lx.raw_at(1) => lx.raw_string(1),
            'b' if next == Some('r') && lx.raw_at(2) => lx.raw_string(2),
            'r' if next == Some('#') && lx.peek(2).is_some_and(ident_char) => lx.word(2),
            _ if c.is_ascii_digit() => lx.number(),
            '+' | '-' | '.' if next.is_some_and(ident_char) => lx.number(),
            _ if ident_char(c) => lx.word(0),
            _ => {
                lx.bump();
                Kind::Atom // stray character: a value of its own, so parsing moves on
            }
        };
        toks.push(Tok {
            kind,
            pos: start,
            end: lx.pos.offset,
        });
    }
    toks
}

/// Byte ranges of the string and character literals in `src`, quotes and prefixes included.
pub(crate) fn literals(src: &str) -> Vec<Range<usize>> {
    lex(src)
        .into_iter()
        .filter(|t| t.kind == Kind::Str)
        .map(|t| t.pos.offset..t.end)
        .collect()
}

/// Text of a map key or field name as it appears in paths.
fn key_text(tok: &str, kind: Kind) -> String {
    match kind {
        Kind::Ident => tok.trim_start_matches("r#").to_string(),
        Kind::Str => {
            let s = tok.strip_prefix('b').unwrap_or(tok);
            if let Some(raw) = s.strip_prefix('r') {
                let body = raw.trim_start_matches('#');
                let end = format!("\"{}", "#".repeat(raw.len() - body.len()));
                let body = body.strip_prefix('"').unwrap_or(body);
                return body.strip_suffix(&end).unwrap_or(body).to_string();
            }
            let mut it = s.chars();
            let (quote, mut out) = (it.next(), String::new());
            while let Some(c) = it.next() {
                match (c, if c == '\\' { it.next() } else { None }) {
                    (c, _) if Some(c) == quote => break,
                    ('\\', Some('n')) => out.push('\n'),
                    ('\\', Some('t')) => out.push('\t'),
                    ('\\', Some('r')) => out.push('\r'),
                    ('\\', Some('0')) => out.push('\0'),
                    ('\\', Some('u')) => {
                        let hex: String = it.by_ref().take_while(|&c| c != '}').collect();
                        let code = u32::from_str_radix(hex.trim_start_matches('{'), 16);
                        out.extend(code.ok().and_then(char::from_u32));
                    }
                    ('\\', e) => out.extend(e),
                    (c, _) => out.push(c),
                }
            }
            out
        }
        _ => tok.to_string(),
    }
}

struct Parser<'a> {
    src: &'a str,
    toks: Vec<Tok>,
    close_of: Vec<usize>,
    multi: Vec<bool>,
    i: usize,
    last_end: usize,
    index: SpanIndex,
}

impl Parser<'_> {
    fn kind(&self, k: usize) -> Option<Kind> {
        self.toks.get(self.i + k).map(|t| t.kind)
    }

    fn bump(&mut self) {
        if let Some(t) = self.toks.get(self.i) {
            self.last_end = t.end;
            self.i += 1;
        }
    }

    /// Get or create the child node `seg` of `parent` (None: not indexing here).
    fn child(&mut self, parent: Option<usize>, seg: impl FnOnce() -> String) -> Option<usize> {
        let n = self.index.spans.len();
        let id = *self.index.children.entry((parent?, seg())).or_insert(n);
        if id == n {
            self.index.spans.push(None);
        }
        Some(id)
    }

    /// Skip one value without indexing it (bracket groups jump to their match).
    fn skip(&mut self) {
        let ident = self.kind(0) == Some(Kind::Ident);
        if ident {
            self.bump();
        }
        match self.kind(0) {
            Some(Kind::Open(c)) if !ident || c == '(' => match self.close_of[self.i] {
                usize::MAX => (self.i, self.last_end) = (self.toks.len(), self.src.len()),
                close => (self.i, self.last_end) = (close + 1, self.toks[close].end),
            },
            _ if !ident => self.bump(),
            _ => {}
        }
    }

    /// Parse one value, recording its span on `node` unless a wrapper already did.
    fn value(&mut self, node: Option<usize>, depth: usize) {
        let Some(t) = self.toks.get(self.i).copied() else {
            return;
        };
        if matches!(t.kind, Kind::Close | Kind::Comma | Kind::Colon) {
            return; // missing value
        }
        let own = node.filter(|&n| self.index.spans[n].is_none());
        if let Some(n) = own {
            self.index.spans[n] = Some((t.pos, t.end));
        }
        match t.kind {
            _ if depth >= MAX_DEPTH => self.skip(),
            Kind::Ident => {
                self.bump();
                if self.kind(0) == Some(Kind::Open('(')) {
                    // Transparent, but `path.Variant` (serde_path_to_error style) works too.
                    if let Some(n) = node {
                        let name = key_text(&self.src[t.pos.offset..t.end], t.kind);
                        self.index
                            .children
                            .entry((n, format!(".{name}")))
                            .or_insert(n);
                    }
                    self.container(node, depth);
                }
            }
            Kind::Open(_) => self.container(node, depth),
            _ => self.bump(),
        }
        if let Some(Some(span)) = own.map(|n| &mut self.index.spans[n]) {
            span.1 = self.last_end;
        }
    }

    /// `( fields )`, `( elements )`, `[ elements ]` or `{ entries }`; at the open bracket.
    fn container(&mut self, node: Option<usize>, depth: usize) {
        let Some(Kind::Open(bracket)) = self.kind(0) else {
            return;
        };
        let indexed = bracket == '[' || self.multi[self.i];
        self.bump();
        let is_struct = bracket == '('
            && self.kind(0) == Some(Kind::Ident)
            && self.kind(1) == Some(Kind::Colon);
        let name_seg = |t: Tok, text: &str| format!(".{}", key_text(text, t.kind));
        let mut idx = 0;
        loop {
            match self.kind(0) {
                None => return,
                Some(Kind::Close) => return self.bump(),
                Some(Kind::Comma) => {
                    self.bump();
                    continue;
                }
                _ => {}
            }
            let before = self.i;
            let t = self.toks[self.i];
            let text = &self.src[t.pos.offset..t.end];
            if bracket == '{' {
                self.value(None, depth + 1); // key
                if self.kind(0) == Some(Kind::Colon) {
                    let single = self.i == before + 1
                        && matches!(t.kind, Kind::Ident | Kind::Str | Kind::Atom);
                    self.bump();
                    let child = self.child(node.filter(|_| single), || name_seg(t, text));
                    self.value(child, depth + 1);
                }
            } else if is_struct {
                if t.kind == Kind::Ident && self.kind(1) == Some(Kind::Colon) {
                    self.bump();
                    self.bump();
                    let child = self.child(node, || name_seg(t, text));
                    self.value(child, depth + 1);
                } else {
                    self.value(None, depth + 1);
                }
            } else {
                let child = if indexed {
                    self.child(node, || format!("[{idx}]"))
                } else {
                    node
                };
                self.value(child, depth + 1);
                idx += 1;
            }
            if self.i == before {
                self.bump(); // stray token: make progress
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCENARIO: &str = r##"#![enable(implicit_some)]
// Scenario "baseline" with [brackets], (parens) and {braces} in a comment
Scenario(
    name: "Baseline // not a comment )",
    horizon: (first_year: 2025, last_year: 2040),
    /* block /* nested ) */ comment with "quote" and ] */
    prices: (
        benchmark: (start: 72.5, volatility: 0.18),
        path: [(2025, 55.0), (2026, -1e3)],
    ),
    routes: [
        (
            id: "R1",
            assets: ["PL01", "CPCX"],
            delay: Triangular(min: 1.0, mode: 2.0, max: 3.0),
        ),
        (
            id: r#"R"2"#,
            assets: [],
            delay: Fixed(3.0),
            growth: PerYear(Normal(mean: 0.0, sd: 1.0)),
            pair: Pair(1, 0x1F),
            cap: Some(1_000),
            note: None,
            r#type: 'x',
        ),
    ],
    regimes: (
        states: [
            (
                frequency_multipliers: { "drone": 3.0, missile: 0.5, "a.b": 1 },
            ),
        ],
    ),
)
"##;

    /// Assert `path` is at (line, col) and the source there starts with `text`.
    fn check(idx: &SpanIndex, src: &str, path: &str, line: usize, col: usize, text: &str) {
        let p = idx
            .get(path)
            .unwrap_or_else(|| panic!("no span for {path:?}"));
        assert_eq!((p.line, p.col), (line, col), "{path}");
        assert!(
            src[p.offset..].starts_with(text),
            "{path}: {:?}",
            &src[p.offset..]
        );
        let l = src.lines().nth(line - 1).unwrap();
        assert_eq!(
            l.chars().skip(col - 1).collect::<String>(),
            src[p.offset..].lines().next().unwrap()
        );
    }

    #[test]
    fn scenario_paths() {
        let s = SCENARIO;
        let idx = SpanIndex::build(s);
        check(&idx, s, "", 3, 1, "Scenario(");
        check(&idx, s, "name", 4, 11, "\"Baseline");
        check(&idx, s, "horizon", 5, 14, "(first_year");
        check(&idx, s, "horizon.first_year", 5, 27, "2025");
        check(&idx, s, "horizon.last_year", 5, 44, "2040");
        check(&idx, s, "prices.benchmark.volatility", 8, 46, "0.18");
        check(&idx, s, "prices.path[0]", 9, 16, "(2025");
        check(&idx, s, "prices.path[1][1]", 9, 37, "-1e3");
        check(&idx, s, "routes", 11, 13, "[");
        check(&idx, s, "routes[0]", 12, 9, "(");
        check(&idx, s, "routes[0].assets[1]", 14, 30, "\"CPCX\"");
        check(&idx, s, "routes[0].delay", 15, 20, "Triangular(");
        check(&idx, s, "routes[0].delay.mode", 15, 47, "2.0");
        check(&idx, s, "routes[1].id", 18, 17, "r#\"R\"2\"#");
        check(&idx, s, "routes[1].assets", 19, 21, "[]");
        check(&idx, s, "routes[1].delay", 20, 20, "Fixed(3.0)");
        check(&idx, s, "routes[1].growth", 21, 21, "PerYear(");
        check(&idx, s, "routes[1].growth.sd", 21, 51, "1.0");
        check(&idx, s, "routes[1].pair[1]", 22, 27, "0x1F");
        check(&idx, s, "routes[1].cap", 23, 18, "Some(1_000)");
        check(&idx, s, "routes[1].note", 24, 19, "None");
        check(&idx, s, "routes[1].type", 25, 21, "'x'");
        check(
            &idx,
            s,
            "regimes.states[0].frequency_multipliers.drone",
            31,
            51,
            "3.0",
        );
        check(
            &idx,
            s,
            "regimes.states[0].frequency_multipliers.missile",
            31,
            65,
            "0.5",
        );
        check(
            &idx,
            s,
            "regimes.states[0].frequency_multipliers.a.b",
            31,
            77,
            "1 }",
        );
        check(&idx, s, "routes[0].delay.Triangular.min", 15, 36, "1.0");
        check(&idx, s, "routes[1].growth.PerYear.Normal.sd", 21, 51, "1.0");
        check(&idx, s, "Scenario.routes[1].delay.Fixed", 20, 20, "Fixed(");
        check(&idx, s, ".name", 4, 11, "\"Baseline");
        check(&idx, s, ".", 3, 1, "Scenario(");
        for missing in [
            "routes[2]",
            "routes[1].delay[0]",
            "routes[0].assets[2]",
            "nam",
            "routes[1].pair",
        ] {
            assert_eq!(
                idx.get(missing).is_some(),
                missing == "routes[1].pair",
                "{missing}"
            );
        }
        // The sample really is RON.
        ron::from_str::<ron::Value>(s).unwrap();
    }

    #[test]
    fn locate_falls_back_to_longest_prefix() {
        let idx = SpanIndex::build(SCENARIO);
        let at = |p: &str| idx.locate(p).map(|(pos, pre)| (pos.line, pos.col, pre));
        assert_eq!(
            at("routes[0].assets[1]"),
            Some((14, 30, "routes[0].assets[1]".into()))
        );
        assert_eq!(
            at("routes[0].assets[7]"),
            Some((14, 21, "routes[0].assets".into()))
        );
        assert_eq!(at("routes[2].foo"), Some((11, 13, "routes".into())));
        assert_eq!(
            at("routes[1].delay.min.x"),
            Some((20, 20, "routes[1].delay".into()))
        );
        assert_eq!(at("nope.deeper"), Some((3, 1, String::new())));
        assert_eq!(SpanIndex::build("").locate("a"), None);
    }

    #[test]
    fn value_span_reparses() {
        #[derive(serde::Deserialize, Debug, PartialEq)]
        enum Dist {
            Triangular { min: f64, mode: f64, max: f64 },
            Fixed(f64),
        }
        let idx = SpanIndex::build(SCENARIO);
        let parse = |p: &str| ron::from_str::<Dist>(&SCENARIO[idx.value_span(p).unwrap()]).unwrap();
        assert_eq!(
            parse("routes[0].delay"),
            Dist::Triangular {
                min: 1.0,
                mode: 2.0,
                max: 3.0
            }
        );
        assert_eq!(parse("routes[1].delay"), Dist::Fixed(3.0));
        assert_eq!(
            &SCENARIO[idx.value_span("prices.path").unwrap()],
            "[(2025, 55.0), (2026, -1e3)]"
        );
        assert_eq!(
            &SCENARIO[idx.value_span("name").unwrap()],
            "\"Baseline // not a comment )\""
        );
        let root = &SCENARIO[idx.value_span("").unwrap()];
        assert!(root.starts_with("Scenario(") && root.ends_with(')'));
    }

    #[test]
    fn unicode_columns_and_misc_syntax() {
        let s = "(\n  a: \"日本語 €\", b: 'ü', /* ✓ */ c: { \"ключ\": 1, 'k': 2, 3: 4 },\n  d: (5,), e: [1, 2,], f: (),\n  g: \"esc \\\" ) //\", h: b\"x\", i: Pair(1, 2),\n)";
        let idx = SpanIndex::build(s);
        check(&idx, s, "b", 2, 18, "'ü'");
        check(&idx, s, "c.ключ", 2, 44, "1");
        check(&idx, s, "c.k", 2, 52, "2");
        check(&idx, s, "c.3", 2, 58, "4");
        check(&idx, s, "d", 3, 6, "(5,)");
        check(&idx, s, "e[1]", 3, 19, "2");
        check(&idx, s, "f", 3, 27, "()");
        check(&idx, s, "h", 4, 24, "b\"x\"");
        check(&idx, s, "i[1]", 4, 41, "2");
        assert_eq!(idx.get("c.ключ").unwrap().offset, s.find("1, 'k'").unwrap());
        assert_eq!(idx.get("d[0]"), None); // one-element tuples are transparent
        ron::from_str::<ron::Value>(s).unwrap();
    }

    #[test]
    fn never_panics_on_prefixes_and_mutations() {
        let probe = |src: &str| {
            let idx = SpanIndex::build(src);
            for p in [
                "",
                "routes[1].growth.sd",
                "regimes.states[0].frequency_multipliers.a.b",
                "x[0",
            ] {
                if let Some(r) = idx.value_span(p) {
                    assert!(src.get(r).is_some());
                }
                idx.locate(p);
            }
        };
        for (i, _) in SCENARIO.char_indices() {
            probe(&SCENARIO[..i]);
            probe(&SCENARIO[i..]);
        }
        let mut seed: u64 = 0x5eed;
        let mut rand = move || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as usize
        };
        let specials = b"\"'()[]{}/*#!r\\:,\n b";
        for _ in 0..3000 {
            let mut bytes = SCENARIO.as_bytes().to_vec();
            for _ in 0..1 + rand() % 6 {
                let at = rand() % bytes.len();
                match rand() % 3 {
                    0 => bytes[at] = specials[rand() % specials.len()],
                    1 => bytes[at] = rand() as u8,
                    _ => _ = bytes.remove(at),
                }
            }
            probe(&String::from_utf8_lossy(&bytes));
        }
        for s in [
            "r#", "r##\"", "b'", "'\\", "/*/*", "\"\\", "#![", "(a:", "{:}", "-", "(,,:)",
            "r#x: (", "}}])",
        ] {
            probe(s);
        }
    }

    #[test]
    fn large_and_deep_inputs() {
        let n = 20_000;
        let big = format!(
            "[{}]",
            "(a: 1, b: [2, 3], c: \"x\", d: Some(4.5)),\n".repeat(n)
        );
        assert!(big.len() > 800_000);
        let idx = SpanIndex::build(&big);
        assert_eq!(
            idx.get(&format!("[{}].b[1]", n - 1))
                .map(|p| (p.line, p.col)),
            Some((n, 15))
        );
        let one_line = big.replace('\n', " ");
        assert_eq!(
            SpanIndex::build(&one_line).get("[1].a").map(|p| p.col),
            Some(47)
        );
        // Deep nesting: no stack overflow; shallow levels still indexed.
        for deep in [
            "[".repeat(1 << 20),
            "Some(".repeat(200_000),
            "(a:".repeat(300_000),
            "{1:".repeat(300_000),
        ] {
            let idx = SpanIndex::build(&deep);
            assert_eq!(idx.get("").map(|p| p.offset), Some(0));
        }
        assert!(
            SpanIndex::build(&"[".repeat(1000))
                .get("[0][0][0]")
                .is_some()
        );
        // A long key above many values is stored once, not once per value.
        let key = "k".repeat(500_000);
        let wide = format!("{{ \"{key}\": [{}] }}", "1,".repeat(200_000));
        assert!(
            SpanIndex::build(&wide)
                .get(&format!("{key}[199999]"))
                .is_some()
        );
    }
}
