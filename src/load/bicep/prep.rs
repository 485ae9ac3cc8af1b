//! Bridging the Bicep language and the tree-sitter grammar, without moving a byte.
//!
//! `tree-sitter-bicep` 1.1 predates parts of today's Bicep: typed variables (`var x string =`),
//! resource-derived types (`resourceInput<'...'>.properties`), the spread operator `...`, the
//! non-null assertion `!` in every position, and it reads types newline-insensitively (so
//! `param p T?` followed by another statement parses as a ternary). None of these matter for
//! evaluating a template's resources: types are only checks, `!` only silences the compiler.
//! So before parsing, each statement the grammar cannot take is rewritten in place to one it
//! can, keeping every byte offset and line:
//!
//! - declarations of types, imports, extensions, functions, asserts and tests are blanked;
//! - the type of a `param` or `output` becomes `int` (or loses its `?`), a `var`'s type is
//!   blanked;
//! - `...x` becomes `__:x` in an object and `   x` in an array; the offset of `x` is kept in
//!   [`Prepared::spreads`] so that the evaluator spreads it;
//! - a postfix `!` becomes a space;
//! - in a `.bicepparam` file, `param x = v` becomes `var   x = v`;
//! - a `/` inside a string becomes `_` (the grammar's lexer reads `'//'` as a comment): the
//!   evaluator reads literal text from the original, never from this copy.
//!
//! Comments and strings (including `'''` multi-line strings and `${}` interpolations, whose
//! code is rewritten too) are never touched.

use foldhash::{HashSet, HashSetExt};

/// The rewritten text and what the rewrite must remember.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub text: String,
    /// Byte offsets of the operands of spread operators.
    pub spreads: HashSet<usize>,
    /// Where statements that are not Bicep start (blanked, and reported by the caller).
    pub unknown: Vec<usize>,
    /// The path of each `module` statement, when it is a plain literal (`module m 'p' = ...`,
    /// no interpolation or escape); `None` for one whose path takes evaluating.
    pub module_paths: Vec<Option<String>>,
}

/// A token at bracket depth 0, used to recognise statements.
#[derive(Debug, Clone, Copy)]
struct Top {
    start: usize,
    end: usize,
    kind: TopKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TopKind {
    Ident,
    Equals,
    At,
    Other,
}

/// Bicep statements the evaluator does not read (blanked without a word): declarations of
/// types, functions, imports, extensions (`provider` is their former keyword), `.bicepparam`
/// `extends`, and the test framework's `assert` and `test`.
const SKIPPED: &[&str] = &[
    "type",
    "func",
    "import",
    "extension",
    "provider",
    "extends",
    "assert",
    "test",
];

/// Statements the evaluator reads; others are blanked.
const KEPT: &[&str] = &[
    "param",
    "var",
    "resource",
    "module",
    "output",
    "targetScope",
    "metadata",
    "using",
];

/// Rewrites `src` (a `.bicep` file, or a `.bicepparam` file when `params_file`).
pub fn prepare(src: &str, params_file: bool) -> Prepared {
    let bytes = src.as_bytes();
    let mut out = bytes.to_vec();
    let mut spreads = HashSet::new();
    // Tokens at depth 0, each with whether it is the first on its line.
    let mut tops: Vec<(Top, bool)> = Vec::new();
    // Open brackets; b'I' marks an interpolation inside a string.
    let mut stack: Vec<u8> = Vec::new();
    let mut i = 0;
    let n = bytes.len();
    // Whether the lexer is inside a single-quoted string (interpolations pop back into it).
    let mut in_string = false;
    // At the start of a line at depth 0: an identifier or decorator there starts a statement,
    // anything else (`? a : b`, `&& c`) continues the one before.
    let mut line_start = false;
    while i < n {
        if in_string {
            // Only these bytes matter inside a string: skip to the next of them.
            match bytes[i..]
                .iter()
                .position(|b| matches!(b, b'\\' | b'/' | b'\'' | b'$'))
            {
                Some(skip) => i += skip,
                None => break,
            }
        }
        let c = bytes[i];
        if in_string {
            match c {
                b'\\' => i += 2,
                // The grammar's lexer takes `//` and `/*` inside a string for a comment. The
                // evaluator reads strings from the original text, so the copy may differ.
                b'/' => {
                    out[i] = b'_';
                    i += 1;
                }
                b'\'' => {
                    in_string = false;
                    i += 1;
                    // The string token at depth 0 spans the whole literal.
                    if stack.is_empty()
                        && let Some((t, _)) = tops.last_mut()
                    {
                        t.end = i;
                    }
                }
                b'$' if bytes.get(i + 1) == Some(&b'{') => {
                    stack.push(b'I');
                    in_string = false;
                    i += 2;
                }
                _ => i += 1,
            }
            continue;
        }
        let depth0 = stack.is_empty();
        match c {
            b'\n' => {
                line_start |= depth0;
                i += 1;
            }
            // A run of blanks at once (indentation is most of a template's bytes).
            b' ' | b'\t' | b'\r' => {
                i += 1;
                while i < n && matches!(bytes[i], b' ' | b'\t' | b'\r') {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => i = line_end(src, i),
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i < n && !(bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/')) {
                    i += 1;
                }
                i = (i + 2).min(n);
            }
            b'#' => i = line_end(src, i),
            b'\'' if src[i..].starts_with("'''") => {
                let start = i;
                i += 3;
                match src[i..].find("'''") {
                    Some(end) => i += end + 3,
                    None => i = n,
                }
                // A closing quote may be followed by more quotes belonging to the content.
                while i < n && bytes[i] == b'\'' {
                    i += 1;
                }
                push_top(&mut tops, &mut line_start, depth0, start, i, TopKind::Other);
            }
            b'\'' => {
                push_top(&mut tops, &mut line_start, depth0, i, i + 1, TopKind::Other);
                in_string = true;
                i += 1;
            }
            b'.' if src[i..].starts_with("...") => {
                let inner = stack.last().copied();
                if inner == Some(b'{') {
                    out[i..i + 3].copy_from_slice(b"__:");
                } else {
                    out[i..i + 3].copy_from_slice(b"   ");
                }
                let mut j = i + 3;
                while j < n && matches!(bytes[j], b' ' | b'\t' | b'\r' | b'\n') {
                    j += 1;
                }
                spreads.insert(j);
                i += 3;
            }
            b'!' => {
                let prev = i.checked_sub(1).map(|p| bytes[p]);
                let postfix = prev.is_some_and(|p| {
                    p.is_ascii_alphanumeric() || matches!(p, b'_' | b')' | b']' | b'\'')
                });
                if postfix && bytes.get(i + 1) != Some(&b'=') {
                    out[i] = b' ';
                }
                push_top(&mut tops, &mut line_start, depth0, i, i + 1, TopKind::Other);
                i += 1;
            }
            b'(' | b'[' | b'{' => {
                push_top(&mut tops, &mut line_start, depth0, i, i + 1, TopKind::Other);
                stack.push(c);
                i += 1;
            }
            b')' | b']' | b'}' => {
                if stack.last() == Some(&b'I') && c == b'}' {
                    stack.pop();
                    in_string = true;
                } else {
                    stack.pop();
                    push_top(
                        &mut tops,
                        &mut line_start,
                        stack.is_empty(),
                        i,
                        i + 1,
                        TopKind::Other,
                    );
                }
                i += 1;
            }
            b'=' => {
                let lone = bytes.get(i + 1) != Some(&b'=')
                    && bytes.get(i + 1) != Some(&b'>')
                    && bytes.get(i + 1) != Some(&b'~')
                    && !i
                        .checked_sub(1)
                        .is_some_and(|p| matches!(bytes[p], b'=' | b'!' | b'<' | b'>'));
                let kind = if lone {
                    TopKind::Equals
                } else {
                    TopKind::Other
                };
                push_top(&mut tops, &mut line_start, depth0, i, i + 1, kind);
                i += 1;
            }
            b'@' => {
                push_top(&mut tops, &mut line_start, depth0, i, i + 1, TopKind::At);
                i += 1;
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let start = i;
                i += bytes[i..]
                    .iter()
                    .position(|&b| !IDENT[usize::from(b)])
                    .unwrap_or(n - i);
                push_top(&mut tops, &mut line_start, depth0, start, i, TopKind::Ident);
            }
            _ => {
                // One character: a non-ASCII one is several bytes, all of this token.
                let len = src
                    .get(i..)
                    .and_then(|r| r.chars().next())
                    .map_or(1, char::len_utf8);
                push_top(
                    &mut tops,
                    &mut line_start,
                    depth0,
                    i,
                    i + len,
                    TopKind::Other,
                );
                i += len;
            }
        }
    }

    let statements = split_statements(tops);
    let mut unknown = Vec::new();
    let mut module_paths = Vec::new();
    let mut module_names: HashSet<&str> = HashSet::new();
    // Decorator lines (`@description(...)`) belong to the next statement.
    let mut pending: Vec<(usize, usize)> = Vec::new();
    for stmt in statements.iter().filter(|s| !s.is_empty()) {
        let span = (stmt[0].start, stmt[stmt.len() - 1].end);
        if stmt[0].kind == TopKind::At {
            pending.push(span);
            continue;
        }
        let keyword = src.get(stmt[0].start..stmt[0].end).unwrap_or_default();
        let kept = stmt[0].kind == TopKind::Ident && KEPT.contains(&keyword);
        // `#disable-next-line` and `#disable-diagnostics` pragmas lead a file's first
        // statement; every other statement starts with a keyword.
        let known = kept
            || (stmt[0].kind == TopKind::Ident && SKIPPED.contains(&keyword))
            || (stmt[0].kind == TopKind::Other && keyword == "#");
        if !known {
            unknown.push(stmt[0].start);
        }
        if !kept {
            for &(s, e) in &pending {
                blank(&mut out, s, e);
            }
            blank(&mut out, span.0, span.1);
        } else {
            match keyword {
                "module" => {
                    // Two modules of one name are a compile error; the evaluator keeps one.
                    let name = stmt.get(1).and_then(|t| src.get(t.start..t.end));
                    let fresh = name.is_some_and(|n| module_names.insert(n));
                    module_paths.push(literal_path(src, stmt).filter(|_| fresh));
                }
                "param" if params_file => out[stmt[0].start..stmt[0].end].copy_from_slice(b"var  "),
                "param" | "output" => retype(src, &mut out, stmt, true),
                "var" => retype(src, &mut out, stmt, false),
                _ => {}
            }
        }
        pending.clear();
    }
    for &(s, e) in &pending {
        blank(&mut out, s, e);
    }
    // Rewrites only replace ASCII with ASCII or blank whole statements byte by byte, so the
    // text stays valid UTF-8 except where a blanked span cut a multi-byte character, which
    // blanking whole statements never does; fall back to a lossy copy all the same.
    let text = String::from_utf8(out)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
    Prepared {
        text,
        spreads,
        unknown,
        module_paths,
    }
}

/// The path of `module name 'path' ...` when it is a literal without interpolations or
/// escapes (the statement's third depth-0 token, a string).
fn literal_path(src: &str, stmt: &[Top]) -> Option<String> {
    let (name, path) = (stmt.get(1)?, stmt.get(2)?);
    if name.kind != TopKind::Ident {
        return None;
    }
    let text = src.get(path.start..path.end)?;
    let inner = text.strip_prefix('\'')?.strip_suffix('\'')?;
    let plain = !text.starts_with("'''") && !inner.contains(['\'', '\\', '$', '\n']);
    plain.then(|| inner.to_string())
}

/// The bytes of an identifier after its first: ASCII letters, digits and `_`.
const IDENT: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || c == b'_';
        b += 1;
    }
    table
};

/// Where the line holding byte `i` ends (its `\n`, or the end of the text).
fn line_end(src: &str, i: usize) -> usize {
    src.as_bytes()
        .get(i..)
        .and_then(|rest| memchr::memchr(b'\n', rest))
        .map_or(src.len(), |at| i + at)
}

fn push_top(
    tops: &mut Vec<(Top, bool)>,
    line_start: &mut bool,
    depth0: bool,
    start: usize,
    end: usize,
    kind: TopKind,
) {
    if depth0 {
        tops.push((Top { start, end, kind }, *line_start || tops.is_empty()));
        *line_start = false;
    }
}

/// Splits the depth-0 tokens into statements: a token first on its line that is an identifier
/// or a decorator starts one.
fn split_statements(tops: Vec<(Top, bool)>) -> Vec<Vec<Top>> {
    let mut out: Vec<Vec<Top>> = Vec::new();
    for (top, first_on_line) in tops {
        let starts = first_on_line && matches!(top.kind, TopKind::Ident | TopKind::At);
        match out.last_mut() {
            Some(last) if !starts => last.push(top),
            _ => out.push(vec![top]),
        }
    }
    out
}

/// Replaces every byte of `start..end` but line breaks by spaces.
fn blank(out: &mut [u8], start: usize, end: usize) {
    let end = end.min(out.len());
    for b in &mut out[start..end] {
        if *b != b'\n' && *b != b'\r' {
            *b = b' ';
        }
    }
}

/// Rewrites the type of a `param`/`output` (`required`: a type must stay) or `var` statement:
/// the text between the name and the `=` (or the end of the statement).
fn retype(src: &str, out: &mut [u8], stmt: &[Top], required: bool) {
    let Some(name) = stmt.get(1).filter(|t| t.kind == TopKind::Ident) else {
        return;
    };
    let type_start = name.end;
    let type_end = stmt
        .iter()
        .skip(2)
        .find(|t| t.kind == TopKind::Equals)
        .map(|t| t.start)
        .unwrap_or_else(|| stmt[stmt.len() - 1].end);
    if type_end <= type_start {
        return;
    }
    let ty = src[type_start..type_end].trim();
    if ty.is_empty() {
        return;
    }
    if required && is_simple_type(ty) {
        // Keep `T`, `T[]`; drop a trailing `?`, which the grammar reads as a ternary.
        if ty.ends_with('?')
            && let Some(q) = src[type_start..type_end].rfind('?')
        {
            out[type_start + q] = b' ';
        }
        return;
    }
    blank(out, type_start, type_end);
    if required {
        // A place for `int`: three blanks after a blank, on one line.
        let region = &out[type_start..type_end];
        if let Some(pos) = (1..region.len().saturating_sub(2)).find(|&k| {
            region[k - 1].is_ascii_whitespace() && region[k..k + 3].iter().all(|&b| b == b' ')
        }) {
            out[type_start + pos..type_start + pos + 3].copy_from_slice(b"int");
        }
    }
}

/// `name`, `name[]`, `name?`, `name[]?`: types the grammar reads as they are.
fn is_simple_type(ty: &str) -> bool {
    let ty = ty.strip_suffix('?').unwrap_or(ty);
    let mut base = ty;
    while let Some(b) = base.strip_suffix("[]") {
        base = b;
    }
    let mut chars = base.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Module paths are read off the statements when they are plain literals; one with an
    /// interpolation or an escape, or a second module of one name, takes the parser.
    #[test]
    fn module_paths_that_are_plain_literals_are_read() {
        let src = "@batchSize(1)\nmodule a './a.bicep' = [for i in range(0, 2): {\n  name: 'a${i}'\n}]\n\
                   module b 'br:registry.io/b:1' = {\n  name: 'b'\n}\n\
                   var d = 'x'\nmodule c '${d}.bicep' = {\n  name: 'c'\n}\n\
                   module e 'it\\'s.bicep' = {\n  name: 'e'\n}\n\
                   module a 'again.bicep' = {\n  name: 'f'\n}\n\
                   output o string = 'module z \\'z.bicep\\''\n";
        assert_eq!(
            prepare(src, false).module_paths,
            [
                Some("./a.bicep".to_string()),
                Some("br:registry.io/b:1".to_string()),
                None,
                None,
                None,
            ]
        );
    }

    fn same_shape(a: &str, b: &str) {
        assert_eq!(a.len(), b.len());
        assert_eq!(
            a.match_indices('\n').collect::<Vec<_>>(),
            b.match_indices('\n').collect::<Vec<_>>()
        );
    }

    #[test]
    fn types_imports_and_spreads_are_rewritten_in_place() {
        let src = "import { a } from 'br/public:x:1.0'\n@export()\ntype t = {\n  a: string\n}\nparam p resourceInput<'Microsoft.Web/sites@2024-04-01'>.properties?\nparam q lockType?\nvar v string = 'x'\nvar o = {\n  ...base\n  b: [\n    ...list\n  ]\n}\nvar s = split(a!, '/')\n";
        let p = prepare(src, false);
        same_shape(src, &p.text);
        assert!(!p.text.contains("import"));
        assert!(!p.text.contains("type t"));
        assert!(p.text.contains("param p int"));
        assert!(p.text.contains("param q lockType \n"));
        assert!(p.text.contains("var v        = 'x'"));
        assert!(p.text.contains("__:base"));
        assert!(p.text.contains("split(a , '_')"));
        let base = src.find("base").unwrap();
        let list = src.find("list").unwrap();
        assert!(p.spreads.contains(&base) && p.spreads.contains(&list));
    }

    #[test]
    fn strings_and_comments_are_untouched() {
        let src = "var a = 'it\\'s ${x!} ... !'\n// ...comment!\nvar b = '''\n...raw!\n'''\nvar c = a != b\n";
        let p = prepare(src, false);
        same_shape(src, &p.text);
        assert!(p.text.contains("${x } ... !'"));
        assert!(p.text.contains("// ...comment!"));
        assert!(p.text.contains("...raw!"));
        assert!(p.text.contains("a != b"));
    }

    /// Statements of the language the evaluator skips are blanked without a word; a
    /// statement that is not Bicep is blanked and its start reported, a non-ASCII character
    /// included (the scanner once cut one in two and panicked).
    #[test]
    fn statements_that_are_not_bicep_are_reported() {
        let src = "#disable-next-line no-unused-params\nparam p string\nfunc f() string => 'x'\nextension microsoftGraphV1\nassert a = true\nhello world\n\u{6f9}\nvar v = 1\n";
        let p = prepare(src, false);
        same_shape(src, &p.text);
        // A line that starts with neither a word nor a decorator continues the statement
        // before (as `? a : b` does): `۹` goes with `hello world`.
        assert_eq!(p.unknown, [src.find("hello").unwrap()]);
        assert!(!p.text.contains("hello") && !p.text.contains('\u{6f9}'));
        assert!(p.text.contains("param p string") && p.text.contains("var v = 1"));
        assert_eq!(prepare("\u{6f9}", false).unknown, [0]);
        assert!(
            prepare("#disable-diagnostics\nvar v = 1\n", false)
                .unknown
                .is_empty()
        );
    }

    #[test]
    fn params_files_become_variables() {
        let p = prepare("using './main.bicep'\nparam a = 1\n", true);
        assert_eq!(p.text, "using '._main.bicep'\nvar   a = 1\n");
    }
}
