//! `regex`, `regexall` and the `/.../` form of `replace`, which Terraform runs with Go's
//! `regexp` (RE2 syntax). The pattern is translated to the `regex` crate's syntax where the two
//! mean the same thing; any construct whose meaning could differ gives an unknown result:
//!
//! - `\d \w \s \b` are ASCII-only in Go, Unicode in Rust: rewritten as explicit ASCII classes
//!   (`\s` is `[\t\n\f\r ]`) and `(?-u:\b)`.
//! - In Go a `[` inside a class, `&&`, `--` and `~~` are literals, a `{` that does not start a
//!   repetition is a literal, and `\<` `\>` are literal `<` `>`: escaped for Rust.
//! - Only the flags `i m s U`, Go's escapes, POSIX classes and the common Unicode categories and
//!   scripts are accepted; Go's errors that Rust would not raise (nested repetition operators,
//!   repetition counts above 1000, invalid group names) are caught here.
//!
//! Matching uses Go's iteration: successive leftmost-first matches, skipping an empty match
//! that directly follows the previous match.

use regex::{Captures, Regex, RegexBuilder};

use super::super::value::{EvalResult, Map, Val, err};
use super::{arity, string_arg};

/// Largest compiled program accepted (Go's own limits are lower for pathological patterns).
const SIZE_LIMIT: usize = 1 << 20;

/// Largest repetition count Go accepts.
const MAX_REPEAT: u64 = 1000;

/// `regex(pattern, string)` and `regexall(pattern, string)`.
pub fn regex(name: &str, args: Vec<Val>) -> EvalResult {
    let [pattern, s] = arity::<2>(name, args)?;
    let (pattern, s) = (string_arg(name, &pattern)?, string_arg(name, &s)?);
    let Some(re) = compile(&pattern) else {
        return Ok(Val::Unknown);
    };
    let names: Vec<Option<&str>> = re.capture_names().skip(1).collect();
    let named = names.iter().filter(|n| n.is_some()).count();
    if named > 0 && named < names.len() {
        return err(format!(
            "{name}: invalid regexp pattern: cannot mix both named and unnamed capture groups"
        ));
    }
    let shape = |caps: &Captures| -> Val {
        if names.is_empty() {
            return Val::str(caps.get(0).map_or("", |m| m.as_str()));
        }
        let group = |i: usize| caps.get(i).map_or(Val::Null, |m| Val::str(m.as_str()));
        if named == 0 {
            return Val::list((1..=names.len()).map(group).collect());
        }
        let mut obj = Map::new();
        for (i, n) in names.iter().enumerate() {
            if let Some(n) = n {
                obj.insert((*n).to_string(), group(i + 1));
            }
        }
        Val::object(obj)
    };
    if name == "regex" {
        return match re.captures(&s) {
            Some(caps) => Ok(shape(&caps)),
            None => err("regex: pattern did not match any part of the given string"),
        };
    }
    Ok(Val::list(go_matches(&re, &s).iter().map(shape).collect()))
}

/// `replace(string, "/pattern/", replacement)`: every match replaced, with `$1`, `${name}` and
/// `$$` expanded as Go's `Regexp.ReplaceAllString` does.
pub fn replace(s: &str, pattern: &str, with: &str) -> Val {
    let Some(re) = compile(pattern) else {
        return Val::Unknown;
    };
    let mut out = String::with_capacity(s.len());
    let mut last = 0;
    for caps in go_matches(&re, s) {
        let Some(m) = caps.get(0) else { continue };
        out.push_str(&s[last..m.start()]);
        if !go_expand(with, &caps, &mut out) {
            return Val::Unknown;
        }
        last = m.end();
    }
    out.push_str(&s[last..]);
    Val::String(out)
}

/// Go's `Regexp.Expand`: `$$` is `$`; `$name` or `${name}` (the longest run of letters, digits
/// and `_`) is the group with that number (no leading zeros) or name, or nothing; a `$` not
/// followed by a name is kept. `false` when a non-ASCII character follows a `$` name, since
/// Go's and Rust's letter classes differ there.
fn go_expand(template: &str, caps: &Captures, out: &mut String) -> bool {
    let mut rest = template;
    while let Some((before, after)) = rest.split_once('$') {
        out.push_str(before);
        rest = after;
        if let Some(tail) = rest.strip_prefix('$') {
            out.push('$');
            rest = tail;
            continue;
        }
        let (braced, body) = match rest.strip_prefix('{') {
            Some(b) => (true, b),
            None => (false, rest),
        };
        let len = body
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(body.len());
        if body[len..].starts_with(|c: char| !c.is_ascii()) {
            return false;
        }
        let name = &body[..len];
        let closed = !braced || body[len..].starts_with('}');
        if name.is_empty() || !closed {
            out.push('$');
            continue;
        }
        let number = (name.bytes().all(|b| b.is_ascii_digit())
            && !(name.len() > 1 && name.starts_with('0')))
        .then(|| name.parse::<usize>().ok())
        .flatten();
        let group = match number {
            Some(n) => caps.get(n),
            None => caps.name(name),
        };
        if let Some(g) = group {
            out.push_str(g.as_str());
        }
        rest = &body[len + usize::from(braced)..];
    }
    out.push_str(rest);
    true
}

/// All matches as Go's `FindAll*` reports them: after an empty match the search moves on by one
/// character, and an empty match right where the previous match ended is dropped.
fn go_matches<'h>(re: &Regex, s: &'h str) -> Vec<Captures<'h>> {
    let mut out = Vec::new();
    let mut pos = 0;
    let mut prev_end: Option<usize> = None;
    while pos <= s.len() {
        let Some(caps) = re.captures_at(s, pos) else {
            break;
        };
        let Some(m) = caps.get(0) else { break };
        let mut accept = true;
        if m.end() == pos {
            if prev_end == Some(m.start()) {
                accept = false;
            }
            pos += s[pos..].chars().next().map_or(1, char::len_utf8);
        } else {
            pos = m.end();
        }
        prev_end = Some(m.end());
        if accept {
            out.push(caps);
        }
    }
    out
}

/// Compiles a Go pattern; `None` when it cannot be translated faithfully or Rust rejects it.
fn compile(pattern: &str) -> Option<Regex> {
    let translated = translate(pattern)?;
    RegexBuilder::new(&translated)
        .size_limit(SIZE_LIMIT)
        .build()
        .ok()
}

/// Translates Go syntax to Rust syntax; `None` for anything not known to mean the same.
pub fn translate(pattern: &str) -> Option<String> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut i = 0;
    // Whether the last item was a repetition operator: Go rejects another one right after.
    let mut after_repeat = false;
    while let Some(&c) = chars.get(i) {
        let stacked = after_repeat;
        after_repeat = false;
        match c {
            '\\' => {
                let (text, _, next) = escape(&chars, i + 1, false)?;
                out.push_str(&text);
                i = next;
            }
            '[' => {
                let (text, next) = class(&chars, i + 1)?;
                out.push_str(&text);
                i = next;
            }
            '(' => {
                let (text, next) = group_open(&chars, i + 1)?;
                out.push_str(&text);
                i = next;
            }
            '*' | '+' | '?' | '{' => {
                let next = if c == '{' {
                    match counted_repeat(&chars, i)? {
                        Some(next) => next,
                        // Not a repetition: Go reads a literal brace.
                        None => {
                            out.push_str("\\{");
                            i += 1;
                            continue;
                        }
                    }
                } else {
                    i + 1
                };
                if stacked {
                    return None;
                }
                out.extend(&chars[i..next]);
                i = next;
                if chars.get(i) == Some(&'?') {
                    out.push('?');
                    i += 1;
                }
                after_repeat = true;
            }
            '}' | ']' => {
                out.push('\\');
                out.push(c);
                i += 1;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    Some(out)
}

/// `{n}`, `{n,}` or `{n,m}` at `start` (decimal, no leading zeros): `Some(index after it)`.
/// `Some(None)` when Go reads the brace as a literal; `None` for counts Go rejects (above 1000,
/// or `m < n`).
fn counted_repeat(chars: &[char], start: usize) -> Option<Option<usize>> {
    let Some(close) = chars[start..].iter().position(|c| *c == '}') else {
        return Some(None);
    };
    let close = start + close;
    let inner: String = chars[start + 1..close].iter().collect();
    let number = |t: &str| -> Option<u64> {
        let digits = !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
        let leading_zero = t.len() > 1 && t.starts_with('0');
        (digits && !leading_zero).then(|| t.parse::<u64>().unwrap_or(u64::MAX))
    };
    let bounds = match inner.split_once(',') {
        None => number(&inner).map(|n| (n, n)),
        Some((lo, "")) => number(lo).map(|n| (n, n)),
        Some((lo, hi)) => number(lo).zip(number(hi)),
    };
    let Some((min, max)) = bounds else {
        return Some(None);
    };
    if min > MAX_REPEAT || max > MAX_REPEAT || max < min {
        return None;
    }
    Some(Some(close + 1))
}

/// After `(`: a capturing group, `(?:`, a flag group or a named group.
fn group_open(chars: &[char], start: usize) -> Option<(String, usize)> {
    if chars.get(start) != Some(&'?') {
        return Some(("(".to_string(), start));
    }
    let mut i = start + 1;
    match chars.get(i)? {
        ':' => return Some(("(?:".to_string(), i + 1)),
        'P' | '<' => {
            if chars[i] == 'P' {
                i += 1;
                if chars.get(i) != Some(&'<') {
                    return None;
                }
            }
            i += 1;
            let end = i + chars[i..].iter().position(|c| *c == '>')?;
            let name: String = chars[i..end].iter().collect();
            // Go allows word characters only; Rust also needs a non-digit first character.
            let valid = !name.is_empty()
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && !name.starts_with(|c: char| c.is_ascii_digit());
            return valid.then(|| (format!("(?P<{name}>"), end + 1));
        }
        _ => {}
    }
    // Flags: letters of `imsU`, at most one `-` with a letter after it, then `)` or `:`.
    let mut flags = String::new();
    let mut negated = false;
    loop {
        let c = *chars.get(i)?;
        match c {
            'i' | 'm' | 's' | 'U' => {
                if flags.contains(c) {
                    return None;
                }
                flags.push(c);
            }
            '-' if !negated => {
                negated = true;
                flags.push('-');
            }
            ')' | ':' => {
                if flags.is_empty() || flags.ends_with('-') {
                    return None;
                }
                return Some((format!("(?{flags}{c}"), i + 1));
            }
            _ => return None,
        }
        i += 1;
    }
}

/// A bracketed class starting after `[`.
fn class(chars: &[char], start: usize) -> Option<(String, usize)> {
    let mut out = String::from("[");
    let mut i = start;
    if chars.get(i) == Some(&'^') {
        out.push('^');
        i += 1;
    }
    let mut first = true;
    loop {
        let c = *chars.get(i)?;
        if c == ']' && !first {
            out.push(']');
            return Some((out, i + 1));
        }
        first = false;
        if c == '[' && chars.get(i + 1) == Some(&':') {
            let (text, next) = posix_class(chars, i + 2)?;
            out.push_str(&text);
            i = next;
            continue;
        }
        let (lo_text, lo, next) = class_atom(chars, i)?;
        let range_hi = chars.get(next + 1).filter(|h| **h != ']');
        if let (Some(lo), Some('-'), Some(_)) = (lo, chars.get(next), range_hi) {
            let (hi_text, hi, after) = class_atom(chars, next + 1)?;
            if hi? < lo {
                return None;
            }
            out.push_str(&lo_text);
            out.push('-');
            out.push_str(&hi_text);
            i = after;
            continue;
        }
        out.push_str(&lo_text);
        i = next;
    }
}

/// `[:name:]` or `[:^name:]` (after the `[:`).
fn posix_class(chars: &[char], start: usize) -> Option<(String, usize)> {
    const NAMES: [&str; 14] = [
        "alnum", "alpha", "ascii", "blank", "cntrl", "digit", "graph", "lower", "print", "punct",
        "space", "upper", "word", "xdigit",
    ];
    let rest: String = chars[start..].iter().collect();
    let end = rest.find(":]")?;
    let body = &rest[..end];
    let name = body.strip_prefix('^').unwrap_or(body);
    NAMES
        .contains(&name)
        .then(|| (format!("[:{body}:]"), start + body.chars().count() + 2))
}

/// One member of a class: its Rust text, its character when it is a single one, the next index.
fn class_atom(chars: &[char], i: usize) -> Option<(String, Option<char>, usize)> {
    match chars.get(i)? {
        '\\' => escape(chars, i + 1, true),
        &c => {
            let text = if matches!(c, '[' | ']' | '\\' | '^' | '-' | '&' | '~') {
                format!("\\{c}")
            } else {
                c.to_string()
            };
            Some((text, Some(c), i + 1))
        }
    }
}

/// An escape after `\` at `i`: its Rust text, its character when it stands for a single one,
/// and the next index.
fn escape(chars: &[char], i: usize, in_class: bool) -> Option<(String, Option<char>, usize)> {
    const WORD: &str = "0-9A-Za-z_";
    const SPACE: &str = "\\t\\n\\x0C\\r ";
    let c = *chars.get(i)?;
    let class = |body: &str, negated: bool| -> String {
        match (in_class, negated) {
            (true, false) => body.to_string(),
            (_, true) => format!("[^{body}]"),
            (false, false) => format!("[{body}]"),
        }
    };
    let single = |ch: char| Some((regex::escape(&ch.to_string()), Some(ch), i + 1));
    match c {
        'd' => Some((class("0-9", false), None, i + 1)),
        'D' => Some((class("0-9", true), None, i + 1)),
        'w' => Some((class(WORD, false), None, i + 1)),
        'W' => Some((class(WORD, true), None, i + 1)),
        's' => Some((class(SPACE, false), None, i + 1)),
        'S' => Some((class(SPACE, true), None, i + 1)),
        'b' | 'B' if !in_class => Some((format!("(?-u:\\{c})"), None, i + 1)),
        'A' | 'z' if !in_class => Some((format!("\\{c}"), None, i + 1)),
        'p' | 'P' => unicode_class(chars, i + 1, c == 'P'),
        'Q' if !in_class => {
            let rest: String = chars[i + 1..].iter().collect();
            let (quoted, skip) = match rest.find("\\E") {
                Some(end) => (&rest[..end], rest[..end].chars().count() + 2),
                None => (rest.as_str(), rest.chars().count()),
            };
            Some((regex::escape(quoted), None, i + 1 + skip))
        }
        'x' => {
            let (value, next) = if chars.get(i + 1) == Some(&'{') {
                let end = i + 2 + chars[i + 2..].iter().position(|c| *c == '}')?;
                (hex_value(&chars[i + 2..end])?, end + 1)
            } else {
                (hex_value(chars.get(i + 1..i + 3)?)?, i + 3)
            };
            let ch = char::from_u32(value)?;
            Some((format!("\\x{{{value:X}}}"), Some(ch), next))
        }
        '0'..='7' => {
            // Octal: `\0` and up to two more digits, or a digit 1-7 followed by another octal
            // digit (a lone `\1`-`\7` is a backreference, which Go rejects).
            let followed = chars.get(i + 1).is_some_and(|d| ('0'..='7').contains(d));
            if c != '0' && !followed {
                return None;
            }
            let digits: String = chars[i..]
                .iter()
                .take(3)
                .take_while(|d| ('0'..='7').contains(*d))
                .collect();
            let value = u32::from_str_radix(&digits, 8).ok()?;
            let ch = char::from_u32(value)?;
            Some((format!("\\x{{{value:X}}}"), Some(ch), i + digits.len()))
        }
        'a' => Some(("\\x07".into(), Some('\u{7}'), i + 1)),
        'f' => Some(("\\x0C".into(), Some('\u{C}'), i + 1)),
        't' => Some(("\\t".into(), Some('\t'), i + 1)),
        'n' => Some(("\\n".into(), Some('\n'), i + 1)),
        'r' => Some(("\\r".into(), Some('\r'), i + 1)),
        'v' => Some(("\\x0B".into(), Some('\u{B}'), i + 1)),
        // Go: an escaped ASCII punctuation character (or space) is itself.
        c if c.is_ascii() && !c.is_ascii_alphanumeric() => single(c),
        _ => None,
    }
}

/// The value of one or more hex digits (and nothing else), up to `char::MAX`.
fn hex_value(digits: &[char]) -> Option<u32> {
    if digits.is_empty() || digits.len() > 8 || !digits.iter().all(char::is_ascii_hexdigit) {
        return None;
    }
    u32::from_str_radix(&digits.iter().collect::<String>(), 16).ok()
}

/// `\pL`, `\p{Name}`, `\PL`, `\P{Name}` (after the letter) for general categories and common
/// scripts, whose names both engines read alike.
fn unicode_class(
    chars: &[char],
    start: usize,
    negated: bool,
) -> Option<(String, Option<char>, usize)> {
    const NAMES: [&str; 53] = [
        "Any",
        "L",
        "Lu",
        "Ll",
        "Lt",
        "Lm",
        "Lo",
        "M",
        "Mn",
        "Mc",
        "Me",
        "N",
        "Nd",
        "Nl",
        "No",
        "P",
        "Pc",
        "Pd",
        "Ps",
        "Pe",
        "Pi",
        "Pf",
        "Po",
        "S",
        "Sm",
        "Sc",
        "Sk",
        "So",
        "Z",
        "Zs",
        "Zl",
        "Zp",
        "C",
        "Cc",
        "Cf",
        "Co",
        "Cs",
        "Latin",
        "Greek",
        "Cyrillic",
        "Han",
        "Hiragana",
        "Katakana",
        "Arabic",
        "Hebrew",
        "Hangul",
        "Thai",
        "Devanagari",
        "Armenian",
        "Georgian",
        "Common",
        "Inherited",
        "Ethiopic",
    ];
    let (name, next) = match chars.get(start)? {
        '{' => {
            let end = start + 1 + chars[start + 1..].iter().position(|c| *c == '}')?;
            (chars[start + 1..end].iter().collect::<String>(), end + 1)
        }
        c => (c.to_string(), start + 1),
    };
    if !NAMES.contains(&name.as_str()) {
        return None;
    }
    let p = if negated { 'P' } else { 'p' };
    Some((format!("\\{p}{{{name}}}"), None, next))
}
