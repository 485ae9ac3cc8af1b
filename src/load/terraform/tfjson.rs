//! Terraform's JSON configuration syntax (`*.tf.json`), rewritten into native syntax so the
//! one parser and evaluator handle both.
//!
//! The rewrite keeps lines: each block and attribute is put on the line where its key is in
//! the JSON file (for pretty-printed JSON, which generators such as CDK for Terraform write),
//! so findings point at the right lines of the `.tf.json` file. JSON strings are templates
//! (`"${var.x}"`), as in Terraform; the arguments that Terraform reads as expressions in JSON
//! (`type` of a variable, `provider`, `depends_on`, `providers`) are written as expressions.
//! Nested blocks cannot be told from object arguments without the provider schema: they
//! become objects, which rules read through `lib.tenet.blocks` like one-element block lists.

use serde_json::Value as Json;

/// Most nesting of JSON values rewritten; deeper values make the file an error.
const MAX_NESTING: usize = 128;

/// A reason the file cannot be read, with its line and column.
#[derive(Debug)]
pub struct JsonError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// Rewrites a `.tf.json` file into native syntax with the same line numbers.
pub fn to_hcl(text: &str) -> Result<String, JsonError> {
    let doc: Json = serde_json::from_str(text).map_err(|e| JsonError {
        line: e.line(),
        column: e.column(),
        message: format!("JSON parse error: {e}"),
    })?;
    let Json::Object(top) = &doc else {
        return Err(JsonError {
            line: 1,
            column: 1,
            message: "a Terraform JSON file must hold one object".into(),
        });
    };
    let mut w = Writer {
        out: String::new(),
        line: 1,
        keys: key_lines(text).into_iter(),
    };
    for (kind, value) in top {
        let line = w.next_key();
        match kind.as_str() {
            "resource" | "data" => {
                let Json::Object(types) = value else {
                    w.skip(value);
                    continue;
                };
                // Keys are consumed in document order: each type's key, then its contents.
                for (rtype, named) in types {
                    w.next_key();
                    each_labelled(named, &mut w, |w, name, body, line| {
                        let header = format!("{kind} {} {}", quote(rtype), quote(name));
                        w.block(line, &header, body)
                    })?;
                }
            }
            "module" | "output" | "variable" | "provider" => {
                each_labelled(value, &mut w, |w, name, body, line| {
                    w.block(line, &format!("{kind} {}", quote(name)), body)
                })?;
            }
            "locals" => {
                let bodies: Vec<&Json> = match value {
                    Json::Array(items) => items.iter().collect(),
                    other => vec![other],
                };
                for body in bodies {
                    w.block(line, "locals", body)?;
                }
            }
            // terraform, moved, import, removed, check, comments: not resources.
            _ => w.skip(value),
        }
    }
    Ok(w.out)
}

/// The line of every object key, in document order.
fn key_lines(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut lines = Vec::new();
    let mut line = 1;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => line += 1,
            b'"' => {
                let start_line = line;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    match bytes[i] {
                        b'\\' => i += 1,
                        b'\n' => line += 1,
                        _ => {}
                    }
                    i += 1;
                }
                let mut j = i + 1;
                while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                    if bytes[j] == b'\n' {
                        line += 1;
                    }
                    j += 1;
                }
                if bytes.get(j) == Some(&b':') {
                    lines.push(start_line);
                }
                i = j;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    lines
}

/// Calls `f(writer, label, body, line)` for each block of `{"label": {body}}` or
/// `{"label": [{body}, ...]}`, consuming key lines in document order.
fn each_labelled(
    value: &Json,
    w: &mut Writer,
    mut f: impl FnMut(&mut Writer, &str, &Json, usize) -> Result<(), JsonError>,
) -> Result<(), JsonError> {
    let Json::Object(map) = value else {
        w.skip(value);
        return Ok(());
    };
    for (label, body) in map {
        let line = w.next_key();
        match body {
            Json::Array(items) => {
                for item in items {
                    f(w, label, item, line)?;
                }
            }
            other => f(w, label, other, line)?,
        }
    }
    Ok(())
}

struct Writer {
    out: String,
    line: usize,
    keys: std::vec::IntoIter<usize>,
}

impl Writer {
    /// The line of the next key of the document (the current line past the end).
    fn next_key(&mut self) -> usize {
        self.keys.next().unwrap_or(self.line)
    }

    /// Moves to a new line, at `line` when it lies ahead.
    fn newline_to(&mut self, line: usize) {
        self.out.push('\n');
        self.line += 1;
        while self.line < line {
            self.out.push('\n');
            self.line += 1;
        }
    }

    /// Consumes the key lines of a value that is not written.
    fn skip(&mut self, value: &Json) {
        match value {
            Json::Object(map) => map.values().for_each(|v| {
                self.next_key();
                self.skip(v);
            }),
            Json::Array(items) => items.iter().for_each(|v| self.skip(v)),
            _ => {}
        }
    }

    fn block(&mut self, line: usize, header: &str, body: &Json) -> Result<(), JsonError> {
        self.newline_to(line);
        self.out.push_str(header);
        self.out.push_str(" {");
        match body {
            Json::Object(map) => {
                for (key, value) in map {
                    let line = self.next_key();
                    if key == "//" {
                        self.skip(value);
                        continue;
                    }
                    self.newline_to(line);
                    self.out.push_str(&attribute_name(key));
                    self.out.push_str(" = ");
                    let expr = expression_argument(header, key);
                    self.value(value, expr, 0, line)?;
                }
            }
            Json::Null => {}
            other => {
                return Err(JsonError {
                    line,
                    column: 1,
                    message: format!("the body of `{header}` must be an object, not {other}"),
                });
            }
        }
        self.newline_to(0);
        self.out.push('}');
        Ok(())
    }

    /// Writes a value on the current line. `expr`: strings are expressions, not templates.
    fn value(
        &mut self,
        value: &Json,
        expr: bool,
        depth: usize,
        line: usize,
    ) -> Result<(), JsonError> {
        if depth > MAX_NESTING {
            return Err(JsonError {
                line,
                column: 1,
                message: format!("values nest deeper than {MAX_NESTING} levels"),
            });
        }
        match value {
            Json::Null => self.out.push_str("null"),
            Json::Bool(b) => self.out.push_str(if *b { "true" } else { "false" }),
            Json::Number(n) => self.out.push_str(&n.to_string()),
            Json::String(s) if expr && hcl_edit::parser::parse_expr(s).is_ok() => {
                self.out.push('(');
                self.out.push_str(s);
                self.out.push(')');
            }
            Json::String(s) => self.out.push_str(&template(s)),
            Json::Array(items) => {
                self.out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.out.push_str(", ");
                    }
                    self.value(item, expr, depth + 1, line)?;
                }
                self.out.push(']');
            }
            Json::Object(map) => {
                self.out.push('{');
                for (i, (k, v)) in map.iter().enumerate() {
                    self.next_key();
                    if i > 0 {
                        self.out.push_str(", ");
                    }
                    self.out.push_str(&quote(k));
                    self.out.push_str(" = ");
                    self.value(v, expr, depth + 1, line)?;
                }
                self.out.push('}');
            }
        }
        Ok(())
    }
}

/// Arguments whose JSON strings Terraform reads as expressions rather than templates.
fn expression_argument(header: &str, key: &str) -> bool {
    match key {
        "depends_on" | "provider" | "providers" => true,
        "type" => header.starts_with("variable "),
        _ => false,
    }
}

/// An argument name as written; names that are not identifiers cannot be arguments in native
/// syntax, so they are written as identifiers with the offending characters replaced.
fn attribute_name(key: &str) -> String {
    let ok = |c: char| c.is_alphanumeric() || c == '_' || c == '-';
    let mut name: String = key.chars().map(|c| if ok(c) { c } else { '_' }).collect();
    if !name.starts_with(|c: char| c.is_alphabetic() || c == '_') {
        name.insert(0, '_');
    }
    name
}

/// A quoted string literal (no interpolation).
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        escape_into(c, &mut out);
    }
    // `${` and `%{` start interpolations in native syntax: escape them.
    let out = out.replace("${", "$${").replace("%{", "%%{");
    format!("{out}\"")
}

fn escape_into(c: char, out: &mut String) {
    match c {
        '"' => out.push_str("\\\""),
        '\\' => out.push_str("\\\\"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
        c => out.push(c),
    }
}

/// A JSON string as a native template: the literal parts escaped, interpolations (`${...}`)
/// and directives (`%{...}`) kept as written.
fn template(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::from("\"");
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let opens = (c == '$' || c == '%') && chars.get(i + 1) == Some(&'{');
        let escaped = opens && i > 0 && chars[i - 1] == c;
        if opens && !escaped {
            let end = closing_brace(&chars, i + 2);
            out.extend(&chars[i..end]);
            i = end;
            continue;
        }
        escape_into(c, &mut out);
        i += 1;
    }
    out.push('"');
    out
}

/// The index after the `}` closing an interpolation whose contents start at `from` (quoted
/// strings inside are skipped); the end of the text when it never closes.
fn closing_brace(chars: &[char], from: usize) -> usize {
    let mut depth = 1;
    let mut i = from;
    let mut in_str = false;
    while i < chars.len() {
        match chars[i] {
            '\\' if in_str => i += 1,
            '"' => in_str = !in_str,
            '{' if !in_str => depth += 1,
            '}' if !in_str => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    chars.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_keep_their_lines() {
        let json = r#"{
  "variable": {
    "env": {
      "type": "string",
      "default": "prod"
    }
  },
  "resource": {
    "aws_s3_bucket": {
      "logs": {
        "bucket": "logs-${var.env}",
        "acl": "public-read",
        "tags": {"Name": "a \"b\" ${var.env}"},
        "depends_on": ["aws_kms_key.k"]
      }
    }
  }
}"#;
        let hcl = to_hcl(json).unwrap();
        let lines: Vec<&str> = hcl.lines().collect();
        assert_eq!(lines[2], r#"variable "env" {"#);
        assert_eq!(lines[3], "type = (string)");
        assert_eq!(lines[9], r#"resource "aws_s3_bucket" "logs" {"#);
        assert_eq!(lines[10], r#"bucket = "logs-${var.env}""#);
        assert_eq!(lines[11], r#"acl = "public-read""#);
        assert_eq!(lines[12], r#"tags = {"Name" = "a \"b\" ${var.env}"}"#);
        assert_eq!(lines[13], "depends_on = [(aws_kms_key.k)]");
        assert!(hcl_edit::parser::parse_body(&hcl).is_ok(), "{hcl}");
    }

    #[test]
    fn escapes_and_errors() {
        assert_eq!(template("a$${b}c"), r#""a$${b}c""#);
        assert_eq!(
            template(r#"${lookup(var.m, "k")}"#),
            r#""${lookup(var.m, "k")}""#
        );
        assert_eq!(quote("${x}"), r#""$${x}""#);
        assert!(to_hcl("[1]").is_err());
        let e = to_hcl("{\n  \"resource\": \n}").unwrap_err();
        assert_eq!(e.line, 3);
        let deep = format!(
            "{{\"locals\": {{\"x\": {}1{}}}}}",
            "[".repeat(300),
            "]".repeat(300)
        );
        assert!(to_hcl(&deep).is_err());
    }
}
