//! String functions and encodings.
//!
//! Terraform counts "characters" as Unicode grapheme clusters (`length`, `substr`, `strrev`).
//! tenet has no segmentation tables, so it splits only strings whose clusters are trivially
//! known (see [`clusters`]) and gives unknown results for the rest.

use sha2::{Digest, Sha256, Sha512};

use super::super::value::{EvalResult, Val, err};
use super::{arity, string_arg, whole_arg};

/// Longest string `indent` builds; longer results are unknown rather than allocated.
const MAX_BUILT_BYTES: usize = 16 * 1024 * 1024;

/// Characters that always form a grapheme cluster of their own: ASCII (except that CR LF is one
/// cluster), Latin-1 Supplement and Latin Extended-A/B, Cyrillic letters, CJK Unified
/// Ideographs and precomposed Hangul syllables. None of them extends, prefixes or joins a
/// neighbour.
fn is_simple(c: char) -> bool {
    matches!(
        u32::from(c),
        0x00..=0x7F
            | 0xA0..=0x24F
            | 0x400..=0x482
            | 0x48A..=0x4FF
            | 0x4E00..=0x9FFF
            | 0xAC00..=0xD7A3
    )
}

/// The grapheme clusters of `s`, when every character is [`is_simple`]; `None` otherwise.
pub fn clusters(s: &str) -> Option<Vec<&str>> {
    let mut out = Vec::with_capacity(s.len());
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        if !is_simple(c) {
            return None;
        }
        let len = if rest.starts_with("\r\n") {
            2
        } else {
            c.len_utf8()
        };
        let (cluster, tail) = rest.split_at(len);
        out.push(cluster);
        rest = tail;
    }
    Some(out)
}

/// `substr(string, offset, length)` with cty's rules: a negative offset counts from the end
/// (and is clamped to the start), an offset past the end gives `""`, a negative length takes
/// the rest. Quirk kept: with a negative offset, length 0 also takes the rest.
pub fn substr(args: Vec<Val>) -> EvalResult {
    let [s, offset, length] = arity::<3>("substr", args)?;
    let s = string_arg("substr", &s)?;
    let mut offset = whole_arg("substr", &offset)?;
    let length = whole_arg("substr", &length)?;
    let Some(parts) = clusters(&s) else {
        return Ok(Val::Unknown);
    };
    let total = parts.len() as i64;
    if offset < 0 {
        offset = offset.saturating_add(total);
    } else if length == 0 {
        return Ok(Val::str(""));
    }
    let skip = offset.clamp(0, total) as usize;
    let rest = &parts[skip..];
    let take = if length <= 0 {
        rest.len()
    } else {
        rest.len()
            .min(usize::try_from(length).unwrap_or(usize::MAX))
    };
    Ok(Val::String(rest[..take].concat()))
}

/// `strrev`: the grapheme clusters in reverse order.
pub fn strrev(s: &str) -> Val {
    match clusters(s) {
        Some(parts) => Val::String(parts.into_iter().rev().collect()),
        None => Val::Unknown,
    }
}

/// `length` of a string: its number of grapheme clusters.
pub fn length(s: &str) -> Val {
    clusters(s).map_or(Val::Unknown, |p| Val::Number(p.len() as f64))
}

/// `chomp`: removes all trailing `\r` and `\n` (Terraform removes trailing `\r\n`, `\r` and
/// `\n` sequences, which together are any run of those two characters).
pub fn chomp(s: &str) -> Val {
    Val::str(s.trim_end_matches(['\r', '\n']))
}

/// `indent(spaces, string)`: adds `spaces` spaces after every newline. A negative count is an
/// error (Go's `strings.Repeat` panics, which Terraform reports).
pub fn indent(args: Vec<Val>) -> EvalResult {
    let [spaces, s] = arity::<2>("indent", args)?;
    let spaces = whole_arg("indent", &spaces)?;
    let s = string_arg("indent", &s)?;
    let Ok(spaces) = usize::try_from(spaces) else {
        return err("indent: negative repeat count");
    };
    let lines = s.matches('\n').count();
    let grown = spaces
        .checked_mul(lines)
        .and_then(|g| g.checked_add(s.len()));
    if grown.is_none_or(|g| g > MAX_BUILT_BYTES) {
        return Ok(Val::Unknown);
    }
    Ok(Val::String(
        s.replace('\n', &format!("\n{}", " ".repeat(spaces))),
    ))
}

/// `title` as Go's `strings.Title`: every character after a separator is title-cased. ASCII
/// separators are all but letters, digits and `_`; other characters separate only when they
/// are white space. Unknown when a character to title-case is one whose title case tenet does
/// not know.
pub fn title(s: &str) -> Val {
    let mut out = String::with_capacity(s.len());
    let mut prev = ' ';
    for c in s.chars() {
        if is_separator(prev) {
            match title_case(c) {
                Some(t) => out.push(t),
                None => return Val::Unknown,
            }
        } else {
            out.push(c);
        }
        prev = c;
    }
    Val::String(out)
}

fn is_separator(c: char) -> bool {
    if c.is_ascii() {
        return !(c.is_ascii_alphanumeric() || c == '_');
    }
    c.is_whitespace()
}

/// Go's `unicode.ToTitle` for the characters tenet knows: the Latin digraphs have their own
/// title forms, other cased letters of the [`is_simple`] ranges title-case to their simple
/// upper case (or stay when they have none, like `ß`), uncased characters stay.
fn title_case(c: char) -> Option<char> {
    match u32::from(c) {
        0x1C4..=0x1C6 => return Some('\u{1C5}'),
        0x1C7..=0x1C9 => return Some('\u{1C8}'),
        0x1CA..=0x1CC => return Some('\u{1CB}'),
        0x1F1..=0x1F3 => return Some('\u{1F2}'),
        _ => {}
    }
    let mut upper = c.to_uppercase();
    let single = match (upper.next(), upper.next()) {
        (Some(u), None) => Some(u),
        _ => None,
    };
    if is_simple(c) {
        return Some(single.unwrap_or(c));
    }
    let uncased = single == Some(c) && c.to_lowercase().eq(std::iter::once(c));
    uncased.then_some(c)
}

/// `trim(string, cutset)`: removes leading and trailing characters found in `cutset`.
pub fn trim(args: Vec<Val>) -> EvalResult {
    let [s, cutset] = arity::<2>("trim", args)?;
    let (s, cutset) = (string_arg("trim", &s)?, string_arg("trim", &cutset)?);
    Ok(Val::str(s.trim_matches(|c| cutset.contains(c))))
}

/// `trimprefix` / `trimsuffix`: removes one occurrence of the prefix or suffix, if present.
pub fn trim_affix(name: &str, args: Vec<Val>) -> EvalResult {
    let [s, affix] = arity::<2>(name, args)?;
    let (s, affix) = (string_arg(name, &s)?, string_arg(name, &affix)?);
    let trimmed = if name == "trimprefix" {
        s.strip_prefix(affix.as_str())
    } else {
        s.strip_suffix(affix.as_str())
    };
    Ok(Val::str(trimmed.unwrap_or(&s)))
}

const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 (RFC 4648 section 4) with `=` padding.
pub fn base64_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(BASE64[(n >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Go's `base64.StdEncoding.DecodeString`: `\r` and `\n` are skipped, padding is required,
/// nothing may follow it; unused trailing bits need not be zero.
pub fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let symbols: Vec<u8> = s.bytes().filter(|b| *b != b'\r' && *b != b'\n').collect();
    if !symbols.len().is_multiple_of(4) {
        return None;
    }
    let mut out = Vec::with_capacity(symbols.len() / 4 * 3);
    let quanta = symbols.len() / 4;
    for (q, quantum) in symbols.chunks(4).enumerate() {
        let pad = quantum.iter().rev().take_while(|b| **b == b'=').count();
        if pad > 2 || (pad > 0 && q + 1 != quanta) {
            return None;
        }
        let mut n: u32 = 0;
        for &b in &quantum[..4 - pad] {
            let v = BASE64.iter().position(|x| *x == b)?;
            n = n << 6 | v as u32;
        }
        n <<= 6 * pad as u32;
        let bytes = n.to_be_bytes();
        out.extend_from_slice(&bytes[1..4 - pad]);
    }
    Some(out)
}

/// `base64decode`: the decoded bytes, which must be UTF-8.
pub fn base64decode(s: &str) -> EvalResult {
    let Some(bytes) = base64_decode(s) else {
        return err(format!("base64decode: failed to decode base64 data {s}"));
    };
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Val::String(text)),
        Err(_) => {
            err("base64decode: the result of decoding the provided string is not valid UTF-8")
        }
    }
}

/// `urlencode` as Go's `url.QueryEscape`: letters, digits and `-_.~` stay, space becomes `+`,
/// every other UTF-8 byte becomes `%XX`.
pub fn urlencode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(b));
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Lowercase hexadecimal.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `sha256`, `sha512`, `base64sha256`, `base64sha512` of a string's UTF-8 bytes.
pub fn digest(name: &str, s: &str) -> Val {
    let b = s.as_bytes();
    Val::String(match name {
        "sha256" => hex(&Sha256::digest(b)),
        "sha512" => hex(&Sha512::digest(b)),
        "base64sha256" => base64_encode(&Sha256::digest(b)),
        "base64sha512" => base64_encode(&Sha512::digest(b)),
        _ => return Val::Unknown,
    })
}
