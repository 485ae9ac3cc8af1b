//! JSON with positions: every value and property keeps the line (and column) it starts on.
//!
//! Parsing is done by `jsonc-parser` (dprint's parser, which keeps byte ranges for every node
//! and accepts the `//` and `/* */` comments that ARM templates may contain); its tree is
//! turned into [`Node`]s carrying lines, so that the evaluator can give every attribute path
//! of a resource its line in the file.

use jsonc_parser::ast::{ObjectPropName, Value};
use jsonc_parser::{CollectOptions, CommentCollectionStrategy, ParseOptions};

use crate::load::text::LineIndex;
use crate::load::value::Val;

/// Deepest nesting of arrays and objects read (deeper files are reported, not parsed, so that
/// no recursion can exhaust the stack).
pub const MAX_DEPTH: usize = 256;

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub kind: Kind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    Array(Vec<Node>),
    Object(Vec<Prop>),
}

/// An object property: its key, the line of the key, and the value.
#[derive(Debug, Clone, PartialEq)]
pub struct Prop {
    pub key: String,
    pub line: u32,
    pub value: Node,
}

/// A parse error with its 1-based line and column.
#[derive(Debug, Clone, PartialEq)]
pub struct ParseError {
    pub line: u32,
    pub column: u32,
    pub message: String,
}

/// Parses JSON (comments allowed, as ARM allows them; otherwise strict).
pub fn parse(text: &str) -> Result<Node, ParseError> {
    if let Some(offset) = too_deep(text) {
        let (line, column) = LineIndex::new(text).line_col(offset);
        return Err(ParseError {
            line,
            column,
            message: format!("JSON is nested deeper than {MAX_DEPTH} levels"),
        });
    }
    let options = ParseOptions {
        allow_comments: true,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    };
    let collect = CollectOptions {
        comments: CommentCollectionStrategy::Off,
        tokens: false,
    };
    let parsed = jsonc_parser::parse_to_ast(text, &collect, &options).map_err(|e| ParseError {
        line: u32::try_from(e.line_display()).unwrap_or(u32::MAX),
        column: u32::try_from(e.column_display()).unwrap_or(u32::MAX),
        message: format!("JSON parse error: {}", e.kind()),
    })?;
    let Some(value) = parsed.value else {
        return Err(ParseError {
            line: 1,
            column: 1,
            message: "JSON parse error: the file holds no value".into(),
        });
    };
    let lines = LineIndex::new(text);
    Ok(convert(&value, &lines))
}

/// The offset at which nesting first exceeds [`MAX_DEPTH`], skipping strings and comments.
fn too_deep(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    if bytes[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < bytes.len() && !(bytes[i] == b'*' && bytes[i + 1] == b'/') {
                    i += 1;
                }
                i += 1;
            }
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Some(i);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    None
}

fn convert(value: &Value<'_>, lines: &LineIndex<'_>) -> Node {
    let range = match value {
        Value::StringLit(v) => v.range,
        Value::NumberLit(v) => v.range,
        Value::BooleanLit(v) => v.range,
        Value::Object(v) => v.range,
        Value::Array(v) => v.range,
        Value::NullKeyword(v) => v.range,
    };
    let (line, column) = lines.line_col(range.start);
    let (end_line, _) = lines.line_col(range.end.saturating_sub(1));
    let kind = match value {
        Value::StringLit(s) => Kind::String(s.value.to_string()),
        Value::NumberLit(n) => Kind::Number(n.value.parse().unwrap_or(f64::NAN)),
        Value::BooleanLit(b) => Kind::Bool(b.value),
        Value::NullKeyword(_) => Kind::Null,
        Value::Array(a) => Kind::Array(a.elements.iter().map(|e| convert(e, lines)).collect()),
        Value::Object(o) => Kind::Object(
            o.properties
                .iter()
                .map(|p| {
                    let (key, start) = match &p.name {
                        ObjectPropName::String(s) => (s.value.to_string(), s.range.start),
                        ObjectPropName::Word(w) => (w.value.to_string(), w.range.start),
                    };
                    Prop {
                        key,
                        line: lines.line_col(start).0,
                        value: convert(&p.value, lines),
                    }
                })
                .collect(),
        ),
    };
    Node {
        line,
        column,
        end_line,
        kind,
    }
}

impl Node {
    /// The value of property `key`, matched ignoring ASCII case (as ARM reads its templates).
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.prop(key).map(|p| &p.value)
    }

    /// The property `key` (ignoring ASCII case).
    pub fn prop(&self, key: &str) -> Option<&Prop> {
        match &self.kind {
            Kind::Object(props) => props
                .iter()
                .find(|p| p.key == key)
                .or_else(|| props.iter().find(|p| p.key.eq_ignore_ascii_case(key))),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn props(&self) -> &[Prop] {
        match &self.kind {
            Kind::Object(props) => props,
            _ => &[],
        }
    }

    pub fn elements(&self) -> &[Node] {
        match &self.kind {
            Kind::Array(items) => items,
            _ => &[],
        }
    }

    pub fn is_object(&self) -> bool {
        matches!(self.kind, Kind::Object(_))
    }

    /// The node as a plain JSON value (no expression evaluated).
    pub fn literal(&self) -> Val {
        match &self.kind {
            Kind::Null => Val::Null,
            Kind::Bool(b) => Val::Bool(*b),
            Kind::Number(n) => Val::Number(*n),
            Kind::String(s) => Val::String(s.clone()),
            Kind::Array(items) => Val::list(items.iter().map(Node::literal).collect()),
            Kind::Object(props) => Val::object(
                props
                    .iter()
                    .map(|p| (p.key.clone(), p.value.literal()))
                    .collect(),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_lines_of_keys_and_values() {
        let text = "{\n  \"a\": 1,\n  // comment\n  \"b\": {\n    \"c\": [true, null]\n  }\n}";
        let node = parse(text).unwrap();
        assert_eq!((node.line, node.end_line), (1, 7));
        let b = node.prop("B").unwrap();
        assert_eq!(b.line, 4);
        assert_eq!(b.value.end_line, 6);
        assert_eq!(b.value.prop("c").unwrap().line, 5);
        assert_eq!(node.get("a").unwrap().kind, Kind::Number(1.0));
    }

    #[test]
    fn reports_errors_with_position() {
        let e = parse("{\n  \"a\": 1,\n  \"b\" 2\n}").unwrap_err();
        assert_eq!(e.line, 3);
        assert!(parse("{\"a\": 1,}").is_err());
        let deep = "[".repeat(MAX_DEPTH + 1);
        assert!(parse(&deep).unwrap_err().message.contains("nested deeper"));
    }
}
