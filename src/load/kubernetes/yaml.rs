//! YAML (and JSON, which is YAML) to a tree of values with source positions.
//!
//! serde-style YAML crates give values without positions, and rules need the line of every
//! field, so this module builds the tree itself from the events of `saphyr-parser`, which
//! carry spans. It owns the YAML concerns and nothing about Kubernetes:
//!
//! - **Scalars** resolve as Kubernetes reads them (`sigs.k8s.io/yaml`, a YAML 1.1 go-yaml):
//!   `true/yes/on/y` and their opposites are booleans, `~`/`null`/empty is null, `0x..`,
//!   `0o..`/`0..` octal, `0b..` and `_` separators are integers. Quoted scalars and scalars
//!   tagged `!!str` stay strings. `.inf`/`.nan` have no JSON form and stay strings.
//! - **Documents** are split at `---` lines before parsing, so a syntax error costs only its
//!   own document: the documents around it still load.
//! - **Anchors and aliases** are shared, not copied, and their expansion is bounded
//!   ([`MAX_ALIAS_NODES`]), so an alias bomb ("billion laughs") is an error, not an
//!   out-of-memory. Nesting is bounded by [`MAX_DEPTH`], counting expanded aliases.
//! - **Merge keys** (`<<: *defaults`) merge as go-yaml does: the mapping's own keys win.
//! - **Duplicate keys** are reported (the later value is kept).

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use saphyr_parser::{Event, Parser, ScalarStyle, Span};
use serde_json::{Map as JsonMap, Number, Value as Json};

/// Deepest nesting of collections accepted, aliases expanded (kept below the engine's limit
/// on the depth of data, which adds a few levels of its own above each resource).
pub const MAX_DEPTH: usize = 100;

/// Most nodes that aliases of one document may expand to in total. Real manifests use a few
/// aliases of small blocks; an alias bomb asks for billions.
pub const MAX_ALIAS_NODES: usize = 100_000;

/// A 1-based line and column (columns count characters).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Pos {
    pub line: u32,
    pub column: u32,
}

/// A value with the span of text it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub kind: NodeKind,
    pub start: Pos,
    /// The last character of the value (inclusive).
    pub end: Pos,
    /// Number of nodes with aliases expanded (1 for a scalar).
    size: usize,
    /// Collection levels below and including this node, aliases expanded (0 for a scalar).
    height: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    Scalar(Json),
    Seq(Vec<Node>),
    Map(Vec<Entry>),
    /// A use of an anchored value (`*name`); the node's span is the alias's.
    Alias(Rc<Node>),
}

/// One key of a mapping, with its position.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: String,
    pub key_pos: Pos,
    pub value: Node,
}

impl Node {
    fn scalar(value: Json, start: Pos, end: Pos) -> Node {
        Node {
            kind: NodeKind::Scalar(value),
            start,
            end,
            size: 1,
            height: 0,
        }
    }

    /// The node an alias stands for, or the node itself.
    pub fn resolved(&self) -> &Node {
        match &self.kind {
            NodeKind::Alias(target) => target.resolved(),
            _ => self,
        }
    }

    /// The value of key `key` of a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.resolved().kind {
            NodeKind::Map(entries) => entries.iter().find(|e| e.key == key).map(|e| &e.value),
            _ => None,
        }
    }

    /// The string value of a scalar.
    pub fn as_str(&self) -> Option<&str> {
        match &self.resolved().kind {
            NodeKind::Scalar(Json::String(s)) => Some(s),
            _ => None,
        }
    }

    /// The plain JSON value (aliases expanded; bounded by the limits checked at parse time).
    pub fn to_json(&self) -> Json {
        match &self.kind {
            NodeKind::Scalar(v) => v.clone(),
            NodeKind::Seq(items) => Json::Array(items.iter().map(Node::to_json).collect()),
            NodeKind::Map(entries) => {
                let mut map = JsonMap::with_capacity(entries.len());
                for e in entries {
                    map.insert(e.key.clone(), e.value.to_json());
                }
                Json::Object(map)
            }
            NodeKind::Alias(target) => target.to_json(),
        }
    }
}

/// What went wrong in a YAML text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Not YAML: the document is dropped.
    Syntax,
    /// Go template syntax (`{{ ... }}`) outside quotes, which either breaks the YAML or parses
    /// only as nested flow mappings: the document is dropped.
    Template,
    /// An alias bomb or too deep nesting: the document is dropped.
    Limit,
    /// A key repeated in one mapping: the document loads with the later value.
    DuplicateKey,
}

/// A problem in the YAML text, located.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{line}:{column}: {message}")]
pub struct YamlError {
    pub line: u32,
    pub column: u32,
    pub message: String,
    pub kind: ErrorKind,
}

impl YamlError {
    /// The document it occurred in was dropped; otherwise the document loaded and the error
    /// concerns one part of it.
    pub fn is_fatal(&self) -> bool {
        self.kind != ErrorKind::DuplicateKey
    }
}

/// The documents of a YAML stream and the problems met.
#[derive(Debug, Default)]
pub struct Parsed {
    /// The root node of each non-empty document, in order.
    pub documents: Vec<Node>,
    pub errors: Vec<YamlError>,
}

/// Parses a YAML stream (or a JSON text), its aliases expanding to at most
/// [`MAX_ALIAS_NODES`] values per document.
pub fn parse(text: &str) -> Parsed {
    parse_bounded(text, MAX_ALIAS_NODES)
}

/// Parses a YAML stream (or a JSON text), the aliases of each document expanding to at most
/// `max_alias_values` values (the `yaml-alias-values` limit).
pub fn parse_bounded(text: &str, max_alias_values: usize) -> Parsed {
    let lines = Lines {
        text,
        split: std::cell::OnceCell::new(),
    };
    let mut out = Parsed::default();
    for (first_line, chunk) in chunks(text) {
        let mut builder = Builder::new(&lines, first_line, &mut out);
        builder.max_alias_nodes = max_alias_values;
        builder.run(chunk);
    }
    out
}

/// Splits the text at document markers (`---` at the start of a line), which YAML forbids
/// inside content, so each part parses on its own. Yields each part with the 0-based line it
/// starts on. A part made only of comments and directives is joined to the next one.
fn chunks(text: &str) -> Vec<(u32, &str)> {
    let mut out = Vec::new();
    let mut start = 0usize; // byte offset of the current part
    let mut start_line = 0u32;
    let mut offset = 0usize;
    let mut has_content = false;
    for (line_no, line) in text.split_inclusive('\n').enumerate() {
        let line_no = to_u32(line_no);
        let bare = line.trim_end_matches(['\n', '\r']);
        let is_marker = bare == "---" || bare.starts_with("--- ") || bare.starts_with("---\t");
        if is_marker && offset > start && has_content {
            out.push((start_line, &text[start..offset]));
            start = offset;
            start_line = line_no;
            has_content = false;
        }
        let t = bare.trim();
        if !(t.is_empty() || t.starts_with('#') || t.starts_with('%') || t == "---") {
            has_content = true;
        }
        offset += line.len();
    }
    if start < text.len() {
        out.push((start_line, &text[start..]));
    }
    out
}

/// The keys of a mapping being built, to spot duplicates: a scan of its entries while it is
/// small (as nearly all mappings of manifests are), a hash set once it grows. A set for every
/// mapping cost an allocation per key.
#[derive(Default)]
struct Keys(Option<HashSet<String>>);

impl Keys {
    /// Entries scanned before a set is built.
    const SCAN: usize = 16;

    /// Records `key` of a mapping whose entries so far are `entries`; false when it was
    /// already there.
    fn insert(&mut self, entries: &[Entry], key: &str) -> bool {
        if let Some(set) = &mut self.0 {
            return set.insert(key.to_string());
        }
        if entries.iter().any(|e| e.key == key) {
            return false;
        }
        if entries.len() >= Self::SCAN {
            let keys = entries.iter().map(|e| e.key.clone());
            self.0 = Some(keys.chain([key.to_string()]).collect());
        }
        true
    }
}

/// The lines of the text, split when first needed (to place the end of a block scalar or an
/// error): most files never need them.
struct Lines<'a> {
    text: &'a str,
    split: std::cell::OnceCell<Vec<&'a str>>,
}

impl<'a> Lines<'a> {
    /// Line `line` (1-based), or "" past the end.
    fn get(&self, line: u32) -> &'a str {
        self.split
            .get_or_init(|| self.text.split('\n').collect())
            .get((line as usize).wrapping_sub(1))
            .copied()
            .unwrap_or("")
    }
}

/// A collection being built.
enum Frame {
    Seq {
        start: Pos,
        flow_end: bool,
        anchor: usize,
        items: Vec<Node>,
    },
    Map {
        start: Pos,
        flow_end: bool,
        anchor: usize,
        entries: Vec<Entry>,
        seen: Keys,
        /// The key read, waiting for its value; `None` key text for a merge key.
        key: Option<(Option<String>, Pos)>,
        merged: Vec<Entry>,
    },
}

struct Builder<'a, 't> {
    lines: &'a Lines<'t>,
    line_offset: u32,
    out: &'a mut Parsed,
    stack: Vec<Frame>,
    anchors: HashMap<usize, Rc<Node>>,
    alias_nodes: usize,
    /// Most values the aliases of one document may expand to.
    max_alias_nodes: usize,
    /// Position just after the last flow-mapping start, to spot `{{`.
    last_flow_map: Option<usize>,
    /// Where `{{` opened two flow mappings at once in the current document: Go template
    /// syntax that happened to parse as YAML.
    template_at: Option<Pos>,
}

/// Stops the current document with an error.
struct Abort(YamlError);

impl<'a, 't> Builder<'a, 't> {
    fn new(lines: &'a Lines<'t>, line_offset: u32, out: &'a mut Parsed) -> Self {
        Builder {
            lines,
            line_offset,
            out,
            stack: Vec::new(),
            anchors: HashMap::new(),
            alias_nodes: 0,
            max_alias_nodes: MAX_ALIAS_NODES,
            last_flow_map: None,
            template_at: None,
        }
    }

    fn pos(&self, m: saphyr_parser::Marker) -> Pos {
        Pos {
            line: to_u32(m.line()).saturating_add(self.line_offset),
            column: to_u32(m.col()) + 1,
        }
    }

    /// The last character of a span. An end at column 0 (after a block scalar's line break)
    /// moves back to the end of the last non-blank line of the span.
    fn end_pos(&self, span: &Span) -> Pos {
        let start = self.pos(span.start);
        let end = self.pos(span.end);
        if end.column > 1 || end.line <= start.line {
            return Pos {
                line: end.line,
                column: (end.column - 1).max(1),
            };
        }
        let mut line = end.line - 1;
        while line > start.line && self.line_text(line).trim().is_empty() {
            line -= 1;
        }
        Pos {
            line,
            column: to_u32(self.line_text(line).trim_end().chars().count()).max(1),
        }
    }

    fn line_text(&self, line: u32) -> &str {
        self.lines.get(line)
    }

    fn error(&self, pos: Pos, message: impl Into<String>, kind: ErrorKind) -> YamlError {
        YamlError {
            line: pos.line,
            column: pos.column,
            message: message.into(),
            kind,
        }
    }

    /// Builds the documents of `chunk`. A flow collection's closing bracket that starts a
    /// line no deeper than the block it is in (`args: [` ... `]` under `args`) is an
    /// indentation error for the YAML specification and for saphyr, but go-yaml (and so
    /// `kubectl`) and libyaml take it: such a line is indented one space more and the chunk
    /// parsed again, at most [`MAX_CLOSER_MOVES`] times. Lines stay where they are; only the
    /// bracket's column moves.
    fn run(&mut self, chunk: &str) {
        let (documents, errors) = (self.out.documents.len(), self.out.errors.len());
        let mut text = std::borrow::Cow::Borrowed(chunk);
        for moves in 0.. {
            let Some((err, closer)) = self.run_once(&text) else {
                return;
            };
            let moved = closer
                .filter(|_| moves < MAX_CLOSER_MOVES)
                .and_then(|(line, column)| indent_closer(&text, line, column));
            match moved {
                Some(again) => {
                    self.out.documents.truncate(documents);
                    self.out.errors.truncate(errors);
                    self.new_document();
                    text = std::borrow::Cow::Owned(again);
                }
                None => {
                    self.out.errors.push(err);
                    return;
                }
            }
        }
    }

    /// Forgets the document being built: at each document's start, and before a chunk is
    /// parsed again (whose offsets start over, so the last flow mapping's must go too).
    fn new_document(&mut self) {
        self.stack.clear();
        self.anchors.clear();
        self.alias_nodes = 0;
        self.last_flow_map = None;
        self.template_at = None;
    }

    /// Builds the documents of `chunk`; the error that stopped it, if one did, with the place
    /// (1-based line of `chunk`, 0-based column) of an indentation error.
    fn run_once(&mut self, chunk: &str) -> Option<(YamlError, Option<(usize, usize)>)> {
        let mut parser = Parser::new_from_str(chunk);
        loop {
            let next = parser.next_event()?;
            let (event, span) = match next {
                Ok(ev) => ev,
                Err(e) => {
                    let m = e.marker();
                    let mut pos = self.pos(*m);
                    // An error found at the end of the part (an unclosed bracket) is shown on
                    // the part's last line with content, not on the next document's marker.
                    let last = self.line_offset + to_u32(chunk.trim_end().lines().count());
                    if pos.line > last {
                        pos = Pos {
                            line: last,
                            column: to_u32(self.line_text(last).trim_end().chars().count()) + 1,
                        };
                    }
                    let err = match template_marker(chunk) {
                        Some(at) => YamlError {
                            line: at.line + self.line_offset,
                            column: at.column,
                            message: "Go template syntax `{{` breaks the YAML".into(),
                            kind: ErrorKind::Template,
                        },
                        None => self.error(
                            pos,
                            format!("YAML syntax error: {}", e.info()),
                            ErrorKind::Syntax,
                        ),
                    };
                    let indentation = (err.kind == ErrorKind::Syntax
                        && e.info().contains("indentation"))
                    .then(|| (m.line(), m.col()));
                    return Some((err, indentation));
                }
            };
            match self.event(event, &span) {
                Ok(true) => {}
                Ok(false) => return None,
                Err(Abort(err)) => return Some((err, None)),
            }
        }
    }

    /// Handles one event; `Ok(false)` at the end of the stream.
    fn event(&mut self, event: Event<'_>, span: &Span) -> Result<bool, Abort> {
        let start = self.pos(span.start);
        match event {
            Event::StreamEnd => return Ok(false),
            Event::StreamStart | Event::Nothing => {}
            Event::DocumentStart(_) => self.new_document(),
            Event::DocumentEnd => {}
            Event::Scalar(text, style, anchor, tag) => {
                let end = self.end_pos(span);
                if let Some(Frame::Map {
                    key: key @ None, ..
                }) = self.stack.last_mut()
                {
                    // A key: kept as written.
                    let merge = style == ScalarStyle::Plain && text == "<<";
                    *key = Some(((!merge).then(|| text.to_string()), start));
                    return Ok(true);
                }
                let tag_suffix = tag.as_ref().map(|t| t.suffix.as_str());
                let value = resolve(&text, style, tag_suffix);
                let node = Node::scalar(value, start, end);
                self.finish(node, anchor)?;
            }
            Event::SequenceStart(anchor, _) => {
                self.check_depth(start)?;
                self.stack.push(Frame::Seq {
                    start,
                    flow_end: span.end.index() > span.start.index(),
                    anchor,
                    items: Vec::new(),
                });
            }
            Event::MappingStart(anchor, _) => {
                self.check_depth(start)?;
                let flow = span.end.index() > span.start.index();
                if flow {
                    if self.last_flow_map == Some(span.start.index()) && self.template_at.is_none()
                    {
                        self.template_at = Some(Pos {
                            line: start.line,
                            column: start.column.saturating_sub(1).max(1),
                        });
                    }
                    self.last_flow_map = Some(span.end.index());
                }
                self.stack.push(Frame::Map {
                    start,
                    flow_end: flow,
                    anchor,
                    entries: Vec::new(),
                    seen: Keys::default(),
                    key: None,
                    merged: Vec::new(),
                });
            }
            Event::SequenceEnd => {
                let Some(Frame::Seq {
                    start,
                    flow_end,
                    anchor,
                    items,
                }) = self.stack.pop()
                else {
                    return Err(Abort(self.error(
                        start,
                        "unbalanced sequence end",
                        ErrorKind::Syntax,
                    )));
                };
                let end = if flow_end {
                    self.end_pos(span)
                } else {
                    items.last().map_or(start, |n| n.end)
                };
                let size = 1 + items.iter().map(|n| n.size).sum::<usize>();
                let height = 1 + items.iter().map(|n| n.height).max().unwrap_or(0);
                let node = Node {
                    kind: NodeKind::Seq(items),
                    start,
                    end,
                    size,
                    height,
                };
                self.finish(node, anchor)?;
            }
            Event::MappingEnd => {
                let Some(Frame::Map {
                    start,
                    flow_end,
                    anchor,
                    mut entries,
                    seen,
                    merged,
                    ..
                }) = self.stack.pop()
                else {
                    return Err(Abort(self.error(
                        start,
                        "unbalanced mapping end",
                        ErrorKind::Syntax,
                    )));
                };
                let end = if flow_end {
                    self.end_pos(span)
                } else {
                    entries.last().map_or(start, |e| e.value.end)
                };
                // Merged keys come after the mapping's own, which win.
                let mut seen = seen;
                for e in merged {
                    if seen.insert(&entries, &e.key) {
                        entries.push(e);
                    }
                }
                let size = 1 + entries.iter().map(|e| e.value.size).sum::<usize>();
                let height = 1 + entries.iter().map(|e| e.value.height).max().unwrap_or(0);
                let node = Node {
                    kind: NodeKind::Map(entries),
                    start,
                    end,
                    size,
                    height,
                };
                self.finish(node, anchor)?;
            }
            Event::Alias(id) => {
                let Some(target) = self.anchors.get(&id).cloned() else {
                    return Err(Abort(self.error(
                        start,
                        "alias of an unknown anchor",
                        ErrorKind::Syntax,
                    )));
                };
                self.alias_nodes = self.alias_nodes.saturating_add(target.size);
                if self.alias_nodes > self.max_alias_nodes {
                    return Err(Abort(self.error(
                        start,
                        format!(
                            "aliases expand to more than {} values in this document (an alias bomb?); \
                             the document is skipped (limit yaml-alias-values)",
                            self.max_alias_nodes
                        ),
                        ErrorKind::Limit,
                    )));
                }
                if self.stack.len() + target.height > MAX_DEPTH {
                    return Err(Abort(self.error(
                        start,
                        format!("nesting deeper than {MAX_DEPTH} levels (aliases expanded); the document is skipped"),
                        ErrorKind::Limit,
                    )));
                }
                let end = self.end_pos(span);
                let node = Node {
                    size: target.size,
                    height: target.height,
                    kind: NodeKind::Alias(target),
                    start,
                    end,
                };
                // A key that is an alias: use the target's text.
                if let Some(Frame::Map {
                    key: key @ None, ..
                }) = self.stack.last_mut()
                {
                    let text = match node.to_json() {
                        Json::String(s) => s,
                        other => other.to_string(),
                    };
                    *key = Some((Some(text), start));
                    return Ok(true);
                }
                self.finish(node, 0)?;
            }
        }
        Ok(true)
    }

    fn check_depth(&self, at: Pos) -> Result<(), Abort> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(Abort(self.error(
                at,
                format!("nesting deeper than {MAX_DEPTH} levels; the document is skipped"),
                ErrorKind::Limit,
            )));
        }
        Ok(())
    }

    /// Places a complete node: as the document root, a sequence item, a mapping key or value.
    fn finish(&mut self, node: Node, anchor: usize) -> Result<(), Abort> {
        if anchor != 0 {
            self.anchors.insert(anchor, Rc::new(node.clone()));
        }
        let mut duplicate = None;
        match self.stack.last_mut() {
            None => {
                if let Some(at) = self.template_at.take() {
                    let err = self.error(
                        at,
                        "Go template syntax `{{` parses only as nested flow mappings",
                        ErrorKind::Template,
                    );
                    self.out.errors.push(err);
                } else if !matches!(node.kind, NodeKind::Scalar(Json::Null)) {
                    self.out.documents.push(node);
                }
            }
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map {
                key,
                entries,
                seen,
                merged,
                ..
            }) => match key.take() {
                None => {
                    // A collection used as a key: keep it as JSON text.
                    let text = node.to_json().to_string();
                    *key = Some((Some(text), node.start));
                }
                Some((None, _)) => merge_into(merged, &node),
                Some((Some(k), key_pos)) => {
                    if !seen.insert(entries, &k) {
                        entries.retain(|e| e.key != k);
                        duplicate = Some((k.clone(), key_pos));
                    }
                    entries.push(Entry {
                        key: k,
                        key_pos,
                        value: node,
                    });
                }
            },
        }
        if let Some((k, pos)) = duplicate {
            let err = self.error(
                pos,
                format!("duplicate key `{k}` in a mapping (the later value is used)"),
                ErrorKind::DuplicateKey,
            );
            self.out.errors.push(err);
        }
        Ok(())
    }
}

/// Most closing brackets of flow collections moved right in one document ([`Builder::run`]).
const MAX_CLOSER_MOVES: usize = 32;

/// `text` with line `line` (1-based) indented one space more, when the line starts with a
/// flow collection's closing bracket at `column` (0-based, in characters).
fn indent_closer(text: &str, line: usize, column: usize) -> Option<String> {
    let mut start = 0;
    for (n, l) in text.split_inclusive('\n').enumerate() {
        if n + 1 == line {
            let content = l.trim_start_matches([' ', '\t']);
            let indent = l.len() - content.len();
            if indent != column || !content.starts_with([']', '}']) {
                return None;
            }
            let mut out = String::with_capacity(text.len() + 1);
            out.push_str(&text[..start]);
            out.push(' ');
            out.push_str(&text[start..]);
            return Some(out);
        }
        start += l.len();
    }
    None
}

/// The first `{{` outside quotes and comments, relative to `text` (line 1 is its first).
pub fn template_marker(text: &str) -> Option<Pos> {
    for (i, line) in text.lines().enumerate() {
        let mut quote: Option<char> = None;
        let mut prev = ' ';
        let mut column = 0u32;
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            column += 1;
            match quote {
                Some(q) if c == q => quote = None,
                Some(_) => {}
                None if c == '#' && (prev == ' ' || prev == '\t') => break,
                None if (c == '\'' || c == '"') && !prev.is_alphanumeric() => quote = Some(c),
                None if c == '{' && chars.peek() == Some(&'{') => {
                    return Some(Pos {
                        line: to_u32(i + 1),
                        column,
                    });
                }
                None => {}
            }
            prev = c;
        }
    }
    None
}

/// Adds the entries of a merge value (a mapping, an alias of one, or a list of them) to
/// `merged`; earlier sources win, as in go-yaml.
fn merge_into(merged: &mut Vec<Entry>, value: &Node) {
    match &value.resolved().kind {
        NodeKind::Map(entries) => {
            for e in entries {
                if !merged.iter().any(|m| m.key == e.key) {
                    let mut e = e.clone();
                    // Point merged keys at the merge, where the reader sees them.
                    e.key_pos = value.start;
                    let target = Rc::new(e.value);
                    e.value = Node {
                        size: target.size,
                        height: target.height,
                        kind: NodeKind::Alias(target),
                        start: value.start,
                        end: value.end,
                    };
                    merged.push(e);
                }
            }
        }
        NodeKind::Seq(items) => {
            for item in items {
                merge_into(merged, item);
            }
        }
        _ => {}
    }
}

/// The value of a scalar, as go-yaml (YAML 1.1) resolves it for Kubernetes.
fn resolve(text: &str, style: ScalarStyle, tag: Option<&str>) -> Json {
    if style != ScalarStyle::Plain || tag == Some("str") {
        return Json::String(text.to_string());
    }
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Json::Null,
        "true" | "True" | "TRUE" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "y" | "Y" => {
            return Json::Bool(true);
        }
        "false" | "False" | "FALSE" | "no" | "No" | "NO" | "off" | "Off" | "OFF" | "n" | "N" => {
            return Json::Bool(false);
        }
        _ => {}
    }
    number(text).unwrap_or_else(|| Json::String(text.to_string()))
}

/// An integer or float in YAML 1.1 forms; `None` for anything else.
fn number(text: &str) -> Option<Json> {
    let first = text.chars().next()?;
    if !(first.is_ascii_digit() || matches!(first, '-' | '+' | '.')) {
        return None;
    }
    let plain: String = text.chars().filter(|&c| c != '_').collect();
    let (negative, digits) = match plain.as_bytes().first() {
        Some(b'-') => (true, &plain[1..]),
        Some(b'+') => (false, &plain[1..]),
        _ => (false, plain.as_str()),
    };
    let radix = |s: &str, r: u32| -> Option<Json> {
        let v = i64::from_str_radix(s, r).ok()?;
        Some(Json::Number(Number::from(if negative { -v } else { v })))
    };
    if let Some(hex) = digits.strip_prefix("0x") {
        return radix(hex, 16);
    }
    if let Some(bin) = digits.strip_prefix("0b") {
        return radix(bin, 2);
    }
    if let Some(oct) = digits.strip_prefix("0o") {
        return radix(oct, 8);
    }
    if digits.len() > 1 && digits.starts_with('0') && digits.bytes().all(|b| b.is_ascii_digit()) {
        return radix(&digits[1..], 8);
    }
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        return match plain.parse::<i64>() {
            Ok(v) => Some(Json::Number(Number::from(v))),
            Err(_) => plain
                .parse::<f64>()
                .ok()
                .and_then(Number::from_f64)
                .map(Json::Number),
        };
    }
    if is_float(digits) {
        let v: f64 = plain.parse().ok()?;
        return Number::from_f64(v).map(Json::Number);
    }
    None
}

/// `[0-9]*.[0-9]*([eE][-+]?[0-9]+)?` with at least one digit, or digits with an exponent.
fn is_float(s: &str) -> bool {
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let mut parts = mantissa.splitn(2, '.');
    let int = parts.next().unwrap_or("");
    let frac = parts.next();
    let digits_ok = int.bytes().all(|b| b.is_ascii_digit())
        && frac.is_none_or(|f| f.bytes().all(|b| b.is_ascii_digit()))
        && (!int.is_empty() || frac.is_some_and(|f| !f.is_empty()));
    if !digits_ok || (frac.is_none() && exponent.is_none()) {
        return false;
    }
    match exponent {
        None => true,
        Some(e) => {
            let e = e.strip_prefix(['-', '+']).unwrap_or(e);
            !e.is_empty() && e.bytes().all(|b| b.is_ascii_digit())
        }
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn one(text: &str) -> Node {
        let p = parse(text);
        assert!(p.errors.is_empty(), "{:?}", p.errors);
        assert_eq!(p.documents.len(), 1);
        p.documents.into_iter().next().unwrap()
    }

    #[test]
    fn scalars_resolve_as_kubernetes_reads_them() {
        let n = one(
            "a: yes\nb: off\nc: 0x1F\nd: 0755\ne: 1_000\nf: 1.5e3\ng: '1'\nh: ~\ni: .inf\nj: 1.2.3\nk: !!str 12\nl: -7\nm: 18446744073709551616\n",
        );
        assert_eq!(
            n.to_json(),
            json!({"a": true, "b": false, "c": 31, "d": 493, "e": 1000, "f": 1500.0, "g": "1",
                   "h": null, "i": ".inf", "j": "1.2.3", "k": "12", "l": -7, "m": 18446744073709551616.0})
        );
    }

    #[test]
    fn positions_of_keys_and_values() {
        let n = one("a:\n  b: [1, {c: 2}]\n  d: |\n    x\n    y\n\n# c\n");
        let b = n.get("a").unwrap().get("b").unwrap();
        assert_eq!(
            (b.start, b.end),
            (
                Pos { line: 2, column: 6 },
                Pos {
                    line: 2,
                    column: 16
                }
            )
        );
        let d = n.get("a").unwrap().get("d").unwrap();
        assert_eq!(d.end, Pos { line: 5, column: 5 });
        assert_eq!(n.end, Pos { line: 5, column: 5 });
    }

    #[test]
    fn documents_split_and_errors_stay_local() {
        let p =
            parse("a: 1\n---\nb: [1,\n  c: d\n---\n# only a comment\n---\nc: 3\n...\n---\nd: 4\n");
        let docs: Vec<_> = p.documents.iter().map(Node::to_json).collect();
        assert_eq!(
            docs,
            vec![json!({"a": 1}), json!({"c": 3}), json!({"d": 4})]
        );
        assert_eq!(p.errors.len(), 1, "{:?}", p.errors);
        assert_eq!(p.errors[0].line, 4);
        assert!(p.errors[0].is_fatal());
    }

    #[test]
    fn closing_brackets_at_their_blocks_indentation_are_read_as_go_yaml_reads_them() {
        let text = "a:\n  - ex: [\n      \"x\",\n      \"y\"\n    ]\n    p: [1]\nb: {\n  c: 1\n}\nd: [\n]\n";
        let p = parse(text);
        assert!(p.errors.is_empty(), "{:?}", p.errors);
        let n = &p.documents[0];
        assert_eq!(
            n.to_json(),
            json!({"a": [{"ex": ["x", "y"], "p": [1]}], "b": {"c": 1}, "d": []})
        );
        // Lines are the file's.
        let item = &n.get("a").map(Node::resolved).and_then(|a| match &a.kind {
            NodeKind::Seq(items) => items.first(),
            _ => None,
        });
        let item = item.expect("an item");
        assert_eq!(item.get("p").map(|v| v.start.line), Some(6));
        assert_eq!(n.get("d").map(|v| v.start.line), Some(10));
        // A bracket that moved twice, under a deeper block.
        let p = parse(
            "a:
  b:
    c: [
  ]
",
        );
        assert!(p.errors.is_empty(), "{:?}", p.errors);
        assert_eq!(p.documents[0].to_json(), json!({"a": {"b": {"c": []}}}));
        // Block scalars keep their text; other indentation errors stay errors.
        let p = parse("a: |\n  {\n  }\nb: [\n1\n  ]\n");
        assert_eq!(p.errors.len(), 1, "{:?}", p.errors);
        assert_eq!((p.errors[0].line, p.errors[0].column), (5, 1));
        let p = parse("a: |\n  {\n  }\n");
        assert_eq!(p.documents[0].to_json(), json!({"a": "{\n}\n"}));
    }

    #[test]
    fn closing_brackets_are_moved_a_bounded_number_of_times() {
        let many = |n: usize| (0..n).map(|i| format!("k{i}: [\n]\n")).collect::<String>();
        assert!(parse(&many(MAX_CLOSER_MOVES)).errors.is_empty());
        let p = parse(&many(MAX_CLOSER_MOVES + 1));
        assert_eq!(p.errors.len(), 1, "{:?}", p.errors);
        assert!(
            p.errors[0].message.contains("indentation"),
            "{:?}",
            p.errors
        );
        assert!(p.documents.is_empty());
    }

    #[test]
    fn aliases_and_merge_keys() {
        let n = one("base: &b {x: 1, y: 2}\nuse: *b\nm:\n  <<: *b\n  y: 3\n");
        assert_eq!(
            n.to_json(),
            json!({"base": {"x": 1, "y": 2}, "use": {"x": 1, "y": 2}, "m": {"y": 3, "x": 1}})
        );
    }

    #[test]
    fn alias_bombs_are_refused() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let prev = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"
            ));
        }
        let p = parse(&text);
        assert!(p.documents.is_empty());
        assert!(p.errors[0].message.contains("alias bomb"), "{:?}", p.errors);
    }

    #[test]
    fn deep_nesting_is_refused() {
        let text = format!("{}1{}", "[".repeat(150), "]".repeat(150));
        let p = parse(&text);
        assert!(p.documents.is_empty());
        assert!(p.errors[0].message.contains("nesting deeper"));
        let ok = format!("{}1{}", "[".repeat(50), "]".repeat(50));
        assert_eq!(parse(&ok).documents.len(), 1);
    }

    #[test]
    fn duplicate_keys_are_reported() {
        let p = parse("a: 1\nb: 2\na: 3\n");
        assert_eq!(p.documents[0].to_json(), json!({"b": 2, "a": 3}));
        assert_eq!(p.errors.len(), 1);
        assert!(!p.errors[0].is_fatal());
        assert_eq!(p.errors[0].line, 3);
    }

    /// Past [`Keys::SCAN`] entries duplicates are found through a set: the same reports, and
    /// merge keys still lose to the mapping's own, before and after the switch.
    #[test]
    fn duplicate_keys_are_reported_in_large_mappings() {
        for n in [Keys::SCAN - 1, Keys::SCAN, Keys::SCAN + 1, 40] {
            let keys: String = (0..n).map(|i| format!("k{i}: {i}\n")).collect();
            let text = format!(
                "base: &b {{k0: x, m: z}}\nmap:\n  <<: *b\n  {}k0: again\n  k{}: last\n",
                keys.replace('\n', "\n  "),
                n - 1
            );
            let p = parse(&text);
            let lines: Vec<u32> = p.errors.iter().map(|e| e.line).collect();
            assert_eq!(
                lines,
                vec![n as u32 + 4, n as u32 + 5],
                "{n}: {:?}",
                p.errors
            );
            let map = p.documents[0].to_json()["map"].clone();
            let obj = map.as_object().unwrap();
            assert_eq!(obj.len(), n + 1, "{n}");
            assert_eq!(obj["k0"], json!("again"));
            assert_eq!(obj["m"], json!("z"));
            assert_eq!(obj[&format!("k{}", n - 1)], json!("last"));
        }
    }

    #[test]
    fn go_templates_are_spotted() {
        let p = parse("a: 1\n---\nname: {{ .Values.name }}\n");
        assert_eq!(p.documents.len(), 1);
        assert_eq!(p.errors[0].kind, ErrorKind::Template);
        assert_eq!((p.errors[0].line, p.errors[0].column), (3, 7));
        let q = parse("name: '{{ .Values.name }}'\nx: {a: {b: 1}}\n");
        assert!(q.errors.is_empty());
        let r = parse("a: 1\n---\n{{- if .Values.x }}\nb: 2\n{{- end }}\n");
        assert_eq!(r.documents.len(), 1);
        assert_eq!(
            (r.errors[0].kind, r.errors[0].line),
            (ErrorKind::Template, 3)
        );
        // Broken YAML whose `{{` are all quoted is a syntax error.
        let t = parse("a:\n  b: '{{ x }}'\n   c: 1\n");
        assert_eq!(t.errors[0].kind, ErrorKind::Syntax);
        assert_eq!(
            template_marker("# {{ x }}\nk: \"{{\" # {{\nv: x{{\n"),
            Some(Pos { line: 3, column: 5 })
        );
    }

    #[test]
    fn json_is_read_with_tabs() {
        let n = one("{\n\t\"a\": [1, 2.5, true, null, \"\\u00e9\"]\n}\n");
        assert_eq!(n.to_json(), json!({"a": [1, 2.5, true, null, "é"]}));
        assert_eq!(n.get("a").unwrap().start.line, 2);
    }
}
