//! A second chance for valid HCL that hcl-edit 0.10 rejects. Terraform takes both of these,
//! and real modules use them (the connectivity module of Azure's CAF enterprise-scale landing
//! zone has both in one `locals.tf`):
//!
//! - **An object `for` expression whose value spans lines.** HCL ignores newlines inside a
//!   `for` expression; hcl-edit parses a list `for`'s value with newlines allowed but an object
//!   `for`'s without, and fails at the first operator that ends a line.
//!
//!   ```hcl
//!   deploy = {
//!     for location, hub in local.hubs :
//!     location =>
//!     local.enabled &&
//!     hub.enabled
//!   }
//!   ```
//! - **A key given twice in an object constructor.** HCL keeps the last value (Terraform has
//!   always accepted it); hcl-edit rejects the object. Attributes given twice in a block body
//!   stay an error, in Terraform and here.
//!
//! When a text does not parse, [`relax`] rewrites it and it is parsed again: each multi-line
//! value of an object `for` gets parentheses (within which hcl-edit allows newlines), and each
//! object item whose key comes again later in its object is blanked out. A parenthesis
//! replaces a space or tab beside its value, and blanking keeps line breaks, so that the text
//! keeps its length and every span, line and column of the parse is that of the file as
//! written. A value with no space beside it is left as it is.

use std::ops::Range;

/// Where the scan of an object `for` expression is.
#[derive(Clone, Copy, PartialEq)]
enum ForValue {
    /// Before the `=>` of its key-value pair.
    Before,
    /// After `=>`, before the value's first byte.
    Awaited,
    /// Within the value, begun at this offset.
    In(usize),
    /// After the value (at its `...` or `if`).
    After,
}

/// Where the scan of an object constructor's item is.
#[derive(Clone, Copy, PartialEq)]
enum Item {
    /// Between items.
    Awaited,
    /// Within the key, begun at this offset.
    Key(usize),
    /// After the key's `=` or `:` (the key's range: the item begins with it); whether the
    /// value has begun.
    Value { key: (usize, usize), begun: bool },
}

/// An object constructor's scan: where it is, and the items met, as (key, item) ranges.
struct Object {
    item: Item,
    items: Vec<(Range<usize>, Range<usize>)>,
}

/// What a frame of the scan was opened by.
enum Frame {
    /// A block body's `{`.
    Body,
    ObjectFor(ForValue),
    Object(Object),
    Bracket,
    Paren,
    /// `${` or `%{` within a quoted string: the string goes on after its `}`.
    Interpolation,
}

/// The text rewritten as the module's documentation says; `None` when there is nothing to
/// rewrite, or the text's brackets do not match (it is then not a failure this works around).
pub(super) fn relax(text: &str) -> Option<String> {
    let mut scan = Scanner {
        text,
        bytes: text.as_bytes(),
        frames: Vec::new(),
        parens: Vec::new(),
        blanks: Vec::new(),
        code_end: 0,
        last_code: 0,
    };
    scan.run()?;
    if scan.parens.is_empty() && scan.blanks.is_empty() {
        return None;
    }
    let mut out = scan.bytes.to_vec();
    for (at, b) in scan.parens {
        out[at] = b;
    }
    for range in scan.blanks {
        for b in &mut out[range] {
            if *b != b'\n' && *b != b'\r' {
                *b = b' ';
            }
        }
    }
    // Bytes were replaced by ASCII spaces and brackets only, whole characters at a time (a
    // blanked item is whole characters: it starts and ends at ASCII code or separators).
    String::from_utf8(out).ok()
}

struct Scanner<'a> {
    text: &'a str,
    bytes: &'a [u8],
    frames: Vec<Frame>,
    /// Parentheses to write: offset, and `(` or `)`.
    parens: Vec<(usize, u8)>,
    /// Object items to blank out.
    blanks: Vec<Range<usize>>,
    /// End of the last byte of code (not whitespace, not comment) scanned.
    code_end: usize,
    /// The last byte of code scanned.
    last_code: u8,
}

impl Scanner<'_> {
    fn run(&mut self) -> Option<()> {
        let bytes = self.bytes;
        let mut in_string = false;
        let mut i = 0;
        while i < bytes.len() {
            let c = bytes[i];
            if in_string {
                match c {
                    b'\\' => i += 2,
                    b'"' => {
                        in_string = false;
                        i += 1;
                        self.code(i, c);
                    }
                    // `$${` and `%%{` are literal.
                    b'$' | b'%' if bytes.get(i + 1) == Some(&c) => i += 2,
                    b'$' | b'%' if bytes.get(i + 1) == Some(&b'{') => {
                        self.frames.push(Frame::Interpolation);
                        in_string = false;
                        i += 2;
                    }
                    _ => i += 1,
                }
                continue;
            }
            match c {
                b'\n' => {
                    self.end_item(i);
                    i += 1;
                    continue;
                }
                b' ' | b'\t' | b'\r' => {
                    i += 1;
                    continue;
                }
                b'#' => {
                    i = line_end(bytes, i);
                    continue;
                }
                b'/' if bytes.get(i + 1) == Some(&b'/') => {
                    i = line_end(bytes, i);
                    continue;
                }
                b'/' if bytes.get(i + 1) == Some(&b'*') => {
                    i = self.text[i + 2..]
                        .find("*/")
                        .map_or(bytes.len(), |at| i + 2 + at + 2);
                    continue;
                }
                _ => {}
            }
            self.code_begins(i, c);
            match c {
                b'"' => in_string = true,
                b'{' => {
                    let rest = self.text[i + 1..].trim_start();
                    let is_for = rest
                        .strip_prefix("for")
                        .is_some_and(|r| r.starts_with(|ch: char| ch.is_ascii_whitespace()));
                    // A block's body follows its type or a label; an object, an operator or
                    // an opening bracket.
                    let body = self.last_code == b'"'
                        || self.last_code.is_ascii_alphanumeric()
                        || matches!(self.last_code, b'_' | b'-' | 0);
                    self.frames.push(if is_for {
                        Frame::ObjectFor(ForValue::Before)
                    } else if body {
                        Frame::Body
                    } else {
                        Frame::Object(Object {
                            item: Item::Awaited,
                            items: Vec::new(),
                        })
                    });
                }
                b'[' => self.frames.push(Frame::Bracket),
                b'(' => self.frames.push(Frame::Paren),
                b'}' => {
                    self.end_item(self.code_end);
                    match self.frames.pop()? {
                        Frame::Body | Frame::ObjectFor(_) => {}
                        Frame::Object(object) => self.blank_redefined(object.items),
                        Frame::Interpolation => in_string = true,
                        _ => return None,
                    }
                }
                b']' => match self.frames.pop()? {
                    Frame::Bracket => {}
                    _ => return None,
                },
                b')' => match self.frames.pop()? {
                    Frame::Paren => {}
                    _ => return None,
                },
                b',' => self.end_item(i + 1),
                b'=' if bytes.get(i + 1) == Some(&b'>') => {
                    if let Some(Frame::ObjectFor(state @ ForValue::Before)) = self.frames.last_mut()
                    {
                        *state = ForValue::Awaited;
                    }
                    i += 2;
                    self.code(i, b'>');
                    continue;
                }
                b'=' | b':' if bytes.get(i + 1) != Some(&b'=') => {
                    if let Some(Frame::Object(Object {
                        item: item @ Item::Key(_),
                        ..
                    })) = self.frames.last_mut()
                        && let Item::Key(start) = *item
                    {
                        // A key may be empty (`= 1`): the parser judges that.
                        *item = Item::Value {
                            key: (start, self.code_end.max(start)),
                            begun: false,
                        };
                        i += 1;
                        self.code(i, c);
                        continue;
                    }
                }
                b'<' if bytes[i..].starts_with(b"<<") => {
                    if let Some(end) = heredoc_end(self.text, i) {
                        i = end;
                        self.code(i, b'>');
                        continue;
                    }
                }
                _ => {}
            }
            i += 1;
            if !in_string {
                self.code(i, c);
            }
        }
        Some(())
    }

    /// Code scanned up to `end`, its last byte `c`.
    fn code(&mut self, end: usize, c: u8) {
        self.code_end = end;
        self.last_code = c;
    }

    /// At byte `c` of code, at `i`, in the innermost frame: an awaited value or key begins, and
    /// an object `for`'s value ends at the `}`, `...` or ` if` that follows it.
    fn code_begins(&mut self, i: usize, c: u8) {
        let bytes = self.bytes;
        match self.frames.last_mut() {
            Some(Frame::Object(object)) => match &mut object.item {
                Item::Awaited if c != b'}' && c != b',' => object.item = Item::Key(i),
                Item::Value { begun, .. } => *begun = true,
                _ => {}
            },
            Some(Frame::ObjectFor(state)) => {
                if *state == ForValue::Awaited {
                    *state = ForValue::In(i);
                }
                let ends_value = c == b'}'
                    || bytes[i..].starts_with(b"...")
                    || (bytes[i..].starts_with(b"if")
                        && i > 0
                        && bytes[i - 1].is_ascii_whitespace()
                        && bytes
                            .get(i + 2)
                            .is_none_or(|b| b.is_ascii_whitespace() || *b == b'('));
                if let (true, ForValue::In(start)) = (ends_value, *state) {
                    *state = ForValue::After;
                    self.parenthesize(start, i);
                }
            }
            _ => {}
        }
    }

    /// Parentheses around the object `for` value from `start` to the last code before `end`,
    /// when it spans lines and has a space or tab beside it at each end.
    fn parenthesize(&mut self, start: usize, end: usize) {
        let bytes = self.bytes;
        let code_end = self.code_end;
        if code_end <= start || !bytes[start..code_end].contains(&b'\n') {
            return;
        }
        let open = start.checked_sub(1).filter(|&at| is_blank(bytes[at]));
        // Right after the value, or right before what ends it (after any comment between).
        let close = if bytes.get(code_end).copied().is_some_and(is_blank) {
            Some(code_end)
        } else {
            Some(end - 1).filter(|&at| at >= code_end && is_blank(bytes[at]))
        };
        if let (Some(open), Some(close)) = (open, close) {
            self.parens.push((open, b'('));
            self.parens.push((close, b')'));
        }
    }

    /// At a separator of the innermost frame (a line break, a `,` or its `}`): the object
    /// item being scanned, if its value has begun, ends at `end`.
    fn end_item(&mut self, end: usize) {
        let Some(Frame::Object(object)) = self.frames.last_mut() else {
            return;
        };
        if let Item::Value { key, begun: true } = object.item {
            object.items.push((key.0..key.1, key.0..end));
            object.item = Item::Awaited;
        }
    }

    /// Of the items of one object constructor, those whose key (a name, or a string with
    /// nothing to interpolate) comes again later are blanked out: HCL keeps the last value.
    fn blank_redefined(&mut self, items: Vec<(Range<usize>, Range<usize>)>) {
        let key = |range: &Range<usize>| {
            let raw = self.text.get(range.clone()).unwrap_or_default();
            let plain_name = !raw.is_empty()
                && raw
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
            let plain_string = raw.len() >= 2
                && raw.starts_with('"')
                && raw.ends_with('"')
                && !raw.contains(['\\', '$', '%']);
            (plain_name || plain_string).then_some(raw)
        };
        let redefined: Vec<Range<usize>> = items
            .iter()
            .enumerate()
            .filter(|(n, (k, _))| {
                key(k).is_some_and(|name| items[n + 1..].iter().any(|(l, _)| key(l) == Some(name)))
            })
            .map(|(_, (_, item))| item.clone())
            .collect();
        self.blanks.extend(redefined);
    }
}

fn is_blank(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// The offset of the newline ending the line at `i` (or the text's end).
fn line_end(bytes: &[u8], i: usize) -> usize {
    bytes[i..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |at| i + at)
}

/// For a heredoc opening at `i` (`<<MARKER` or `<<-MARKER`, then a line break), the offset of
/// the line break ending its closing marker line (or the text's end).
fn heredoc_end(text: &str, i: usize) -> Option<usize> {
    let rest = &text[i + 2..];
    let rest = rest.strip_prefix('-').unwrap_or(rest);
    let marker_len = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(rest.len());
    let marker = &rest[..marker_len];
    let after = rest[marker_len..]
        .strip_prefix("\r\n")
        .or_else(|| rest[marker_len..].strip_prefix('\n'))?;
    if marker.is_empty() {
        return None;
    }
    let mut at = text.len() - after.len();
    for line in after.split_inclusive('\n') {
        if line.trim() == marker {
            return Some(at + line.trim_end_matches(['\n', '\r']).len());
        }
        at += line.len();
    }
    Some(text.len())
}

#[cfg(test)]
mod tests {
    use super::relax;

    /// The bytes where `a` and `b` differ, as (offset, byte of `b`).
    fn changes(a: &str, b: &str) -> Vec<(usize, char)> {
        assert_eq!(a.len(), b.len(), "the rewrite changed the text's length");
        a.bytes()
            .zip(b.bytes())
            .enumerate()
            .filter(|(_, (x, y))| x != y)
            .map(|(i, (_, y))| (i, y as char))
            .collect()
    }

    /// The rewrite of a text hcl-edit rejects, which hcl-edit then parses.
    fn rewritten(text: &str) -> String {
        assert!(
            hcl_edit::parser::parse_body(text).is_err(),
            "hcl-edit has been fixed: {text}"
        );
        let again = relax(text).expect("a rewrite");
        assert!(hcl_edit::parser::parse_body(&again).is_ok(), "{again}");
        again
    }

    #[test]
    fn an_object_for_value_spanning_lines_gets_parentheses_over_the_blanks_beside_it() {
        let text = "locals {\n  on = {\n    for k, v in local.m :\n    k =>\n    local.enabled &&\n    v.enabled\n  }\n}\n";
        let again = rewritten(text);
        let open = text.find("local.enabled").unwrap() - 1;
        let close = text.rfind("\n  }").unwrap() + 2;
        assert_eq!(changes(text, &again), [(open, '('), (close, ')')]);
        // Before a `...` or an `if`, and with a comment after the value.
        let text = "x = {\n  for k, v in m : k => v &&\n    true # note\n  ... if v\n}\n";
        let again = rewritten(text);
        assert_eq!(
            changes(text, &again),
            [
                (text.find("v &&").unwrap() - 1, '('),
                (text.find("true").unwrap() + 4, ')')
            ]
        );
    }

    #[test]
    fn the_earlier_items_of_a_key_given_twice_are_blanked_out_line_breaks_kept() {
        let text = "a = {\n  x = [1,\n    2]\n  \"y\" = 2, x = 3\n  x = 4\n}\n";
        let again = rewritten(text);
        assert_eq!(
            again,
            "a = {\n         \n      \n  \"y\" = 2,      \n  x = 4\n}\n"
        );
        // Keys that differ in kind or interpolate are left: the parser judges them.
        let text = "a = {\n  x = 1\n  \"x\" = 2\n  \"${k}\" = 3\n  \"${k}\" = 4\n}\n";
        assert_eq!(relax(text), None);
    }

    #[test]
    fn attributes_given_twice_in_a_block_are_left_to_the_parser() {
        let text = "resource \"a\" \"b\" {\n  x = 1\n  x = 2\n}\nlocals {\n  y = 1\n  y = 2\n}\n";
        assert_eq!(relax(text), None);
    }

    #[test]
    fn strings_comments_and_heredocs_are_not_code() {
        // Each decoy would be a target if it were code.
        let text = concat!(
            "a = \"{ for k in m : k => v &&\\n w }\"\n",
            "# { for k in m : k => v &&\n",
            "/* b = { x = 1\n x = 2 } */\n",
            "c = <<EOF\n{ for k in m : k => v &&\n  w }\n{ x = 1\n x = 2 }\nEOF\n",
            "d = \"${ {x = 1, y = \"}\"} }\"\n",
        );
        assert_eq!(relax(text), None);
        // A real target after them is still found.
        let text = format!("{text}e = {{ for k in m : k => k &&\n  true }}\n");
        let again = relax(&text).expect("a rewrite");
        assert_eq!(changes(&text, &again).len(), 2);
    }

    #[test]
    fn nothing_is_rewritten_without_a_blank_beside_the_value_or_with_unmatched_brackets() {
        assert_eq!(relax("a = { for k in m : k =>v &&\n  true }\n"), None);
        assert_eq!(relax("a = { for k in m : k => v &&\n  true}\n"), None);
        assert_eq!(relax("a = { x = 1\n x = 2 ]\n"), None);
        assert_eq!(relax("a = ("), None);
        assert_eq!(relax(""), None);
    }

    #[test]
    fn an_empty_key_is_left_to_the_parser() {
        // Found by the hcl fuzz target: the key's range ran backwards.
        let text = include_str!("../../../fixtures/hostile/terraform/empty-key.tf");
        assert_eq!(relax(text), None);
        assert_eq!(relax("a = {\n = 1\n = 2\n}\n"), None);
    }

    #[test]
    fn deep_nesting_is_scanned_without_recursion() {
        let depth = 100_000;
        let text = format!("a = {}{}\n", "[".repeat(depth), "]".repeat(depth));
        assert_eq!(relax(&text), None);
    }
}
