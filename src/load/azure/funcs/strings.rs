//! Strings: concatenation, formatting, searching and encoding.

use super::*;

pub(super) fn concat(args: &[Val]) -> EvalResult {
    if args
        .first()
        .is_some_and(|a| matches!(a, Val::List(_) | Val::Set(_)))
    {
        let mut out = Vec::new();
        for a in args {
            match a {
                Val::List(items) | Val::Set(items) => out.extend(items.iter().cloned()),
                Val::Null => {}
                other => out.push(other.clone()),
            }
        }
        return Ok(Val::list(out));
    }
    let mut s = String::new();
    for a in args {
        match a {
            Val::List(_) | Val::Set(_) | Val::Object(_) => {
                return err("concat() cannot join strings with arrays or objects");
            }
            other => s.push_str(&to_arm_string(other)?),
        }
    }
    Ok(Val::String(s))
}

/// `format()`: .NET composite formatting with `{index[,alignment][:format]}` and `{{`/`}}`
/// escapes; numeric formats `N`, `D`, `F`, `X` with an optional precision.
pub(super) fn format(args: &[Val]) -> EvalResult {
    let fmt = str_arg("format", args, 0)?;
    let mut out = String::new();
    let mut chars = fmt.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                out.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                out.push('}');
            }
            '{' => {
                let mut item = String::new();
                loop {
                    match chars.next() {
                        Some('}') => break,
                        Some(c) => item.push(c),
                        None => return err("format(): unclosed '{' in the format string"),
                    }
                }
                let (head, spec) = item.split_once(':').unwrap_or((&item, ""));
                let (index, align) = head.split_once(',').unwrap_or((head, ""));
                let index: usize = index
                    .trim()
                    .parse()
                    .or_else(|_| err(format!("format(): bad format item {{{item}}}")))?;
                let value = args
                    .get(index + 1)
                    .ok_or_else(|| EvalError(format!("format(): no argument for {{{index}}}")))?;
                let text = match format_item(value, spec)? {
                    Some(t) => t,
                    None => return Ok(Val::Unknown),
                };
                let width: i64 = if align.trim().is_empty() {
                    0
                } else {
                    align
                        .trim()
                        .parse()
                        .or_else(|_| err(format!("format(): bad alignment in {{{item}}}")))?
                };
                if width.unsigned_abs() > MAX_PAD {
                    return err(format!("format(): alignment {width} is too wide"));
                }
                let pad = (width.unsigned_abs() as usize).saturating_sub(text.chars().count());
                if width > 0 {
                    out.extend(std::iter::repeat_n(' ', pad));
                    out.push_str(&text);
                } else {
                    out.push_str(&text);
                    out.extend(std::iter::repeat_n(' ', pad));
                }
            }
            '}' => return err("format(): unmatched '}' in the format string"),
            c => out.push(c),
        }
    }
    Ok(Val::String(out))
}

/// One formatted item; `None` for a format tenet does not reproduce exactly.
pub(super) fn format_item(value: &Val, spec: &str) -> Result<Option<String>, EvalError> {
    if spec.is_empty() {
        return to_arm_string(value).map(Some);
    }
    let Val::Number(n) = value else {
        // .NET ignores numeric format strings on strings.
        return match value {
            Val::String(s) => Ok(Some(s.clone())),
            _ => Ok(None),
        };
    };
    let kind = spec.chars().next().unwrap_or(' ');
    let precision: Option<usize> = match spec.get(1..) {
        Some("") | None => None,
        Some(p) => match p.parse() {
            Ok(p) => Some(p),
            Err(_) => return Ok(None),
        },
    };
    let text = match kind {
        'D' | 'd' if n.fract() == 0.0 => {
            let digits = format!("{}", (*n as i64).unsigned_abs());
            let width = precision.unwrap_or(0);
            let sign = if *n < 0.0 { "-" } else { "" };
            format!("{sign}{digits:0>width$}")
        }
        'X' | 'x' if n.fract() == 0.0 && *n >= 0.0 => {
            let width = precision.unwrap_or(0);
            let hex = if kind == 'X' {
                format!("{:X}", *n as i64)
            } else {
                format!("{:x}", *n as i64)
            };
            format!("{hex:0>width$}")
        }
        'F' | 'f' => format!("{n:.*}", precision.unwrap_or(2)),
        'N' | 'n' => group_thousands(&format!("{n:.*}", precision.unwrap_or(2))),
        _ => return Ok(None),
    };
    Ok(Some(text))
}

/// Inserts `,` between thousands of the integer part (invariant culture).
pub(super) fn group_thousands(s: &str) -> String {
    let (sign, rest) = s.strip_prefix('-').map_or(("", s), |r| ("-", r));
    let (int, frac) = rest
        .split_once('.')
        .map_or((rest, None), |(i, f)| (i, Some(f)));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

pub(super) fn substring(args: &[Val]) -> EvalResult {
    let s: Vec<char> = str_arg("substring", args, 0)?.chars().collect();
    let start = if args.len() > 1 {
        int_arg("substring", args, 1)?
    } else {
        0
    };
    let len = if args.len() > 2 {
        int_arg("substring", args, 2)?
    } else {
        s.len() as i64 - start
    };
    if start < 0 || len < 0 || start + len > s.len() as i64 {
        return err(format!(
            "substring(): start {start} and length {len} are outside a string of length {}",
            s.len()
        ));
    }
    Ok(Val::String(
        s[start as usize..(start + len) as usize].iter().collect(),
    ))
}

pub(super) fn replace(args: &[Val]) -> EvalResult {
    let s = str_arg("replace", args, 0)?;
    let old = str_arg("replace", args, 1)?;
    let new = str_arg("replace", args, 2)?;
    if old.is_empty() {
        return err("replace(): the string to replace is empty");
    }
    Ok(Val::str(s.replace(old, new)))
}

pub(super) fn split(args: &[Val]) -> EvalResult {
    let s = str_arg("split", args, 0)?;
    let delims: Vec<String> = match arg("split", args, 1)? {
        Val::String(d) => vec![d.clone()],
        Val::List(items) => items
            .iter()
            .map(|d| match d {
                Val::String(d) => Ok(d.clone()),
                _ => err("split(): delimiters must be strings"),
            })
            .collect::<Result<_, _>>()?,
        other => {
            return err(format!("split(): the delimiter is a {}", other.type_name()));
        }
    };
    let delims: Vec<&str> = delims
        .iter()
        .map(String::as_str)
        .filter(|d| !d.is_empty())
        .collect();
    let mut out = Vec::new();
    let mut rest = s;
    'outer: loop {
        // The earliest delimiter match (.NET String.Split with several separators).
        let mut best: Option<(usize, usize)> = None;
        for d in &delims {
            if let Some(i) = rest.find(d)
                && best.is_none_or(|(b, _)| i < b)
            {
                best = Some((i, d.len()));
            }
        }
        match best {
            Some((i, len)) => {
                out.push(Val::str(&rest[..i]));
                rest = &rest[i + len..];
            }
            None => {
                out.push(Val::str(rest));
                break 'outer;
            }
        }
    }
    Ok(Val::list(out))
}

pub(super) fn join(args: &[Val]) -> EvalResult {
    let Val::List(items) = arg("join", args, 0)? else {
        return err("join() expects an array");
    };
    let delim = str_arg("join", args, 1)?;
    let mut parts = Vec::with_capacity(items.len());
    for item in items.iter() {
        match item {
            Val::Unknown | Val::Partial(_) => return Ok(Val::Unknown),
            other => parts.push(to_arm_string(other)?),
        }
    }
    Ok(Val::String(parts.join(delim)))
}

pub(super) fn index_of(name: &str, args: &[Val]) -> EvalResult {
    let last = name == "lastindexof";
    match arg(name, args, 0)? {
        Val::String(s) => {
            let s = s.to_lowercase();
            let needle = lower_arg(name, args, 1)?;
            let found = if last {
                s.rfind(&needle)
            } else {
                s.find(&needle)
            };
            Ok(Val::Number(
                found.map_or(-1.0, |i| s[..i].chars().count() as f64),
            ))
        }
        Val::List(items) => {
            let needle = arg(name, args, 1)?;
            let mut found = None;
            for (i, item) in items.iter().enumerate() {
                match deep_equal(item, needle) {
                    Some(true) => {
                        found = Some(i);
                        if !last {
                            break;
                        }
                    }
                    Some(false) => {}
                    None => return Ok(Val::Unknown),
                }
            }
            Ok(Val::Number(found.map_or(-1.0, |i| i as f64)))
        }
        other => err(format!("{name}() cannot search a {}", other.type_name())),
    }
}

pub(super) fn pad_left(args: &[Val]) -> EvalResult {
    let s = match arg("padLeft", args, 0)? {
        Val::String(s) => s.clone(),
        Val::Number(n) => format_number(*n),
        other => return err(format!("padLeft() cannot pad a {}", other.type_name())),
    };
    let width = int_arg("padLeft", args, 1)?;
    if width.unsigned_abs() > MAX_PAD {
        return err(format!("padLeft(): length {width} is too long"));
    }
    let pad = match args.get(2) {
        None => ' ',
        Some(Val::String(p)) if p.chars().count() == 1 => p.chars().next().unwrap_or(' '),
        Some(_) => return err("padLeft(): the padding must be one character"),
    };
    let missing = (width.max(0) as usize).saturating_sub(s.chars().count());
    let mut out: String = std::iter::repeat_n(pad, missing).collect();
    out.push_str(&s);
    Ok(Val::String(out))
}

pub(super) fn base64_to_string(s: &str) -> EvalResult {
    let bytes = data_encoding::BASE64
        .decode(s.as_bytes())
        .or_else(|_| err(format!("base64ToString(): \"{s}\" is not base64")))?;
    String::from_utf8(bytes)
        .map(Val::String)
        .or_else(|_| err("base64ToString(): the decoded bytes are not UTF-8"))
}

pub(super) fn data_uri_to_string(s: &str) -> EvalResult {
    let Some((head, data)) = s.strip_prefix("data:").and_then(|r| r.split_once(',')) else {
        return err(format!("dataUriToString(): \"{s}\" is not a data URI"));
    };
    if head.ends_with(";base64") {
        base64_to_string(data)
    } else {
        percent_encoding::percent_decode_str(data)
            .decode_utf8()
            .map(|s| Val::String(s.into_owned()))
            .or_else(|_| err("dataUriToString(): the data is not UTF-8"))
    }
}

/// `uri(base, relative)`: RFC 3986 reference resolution, as .NET's `Uri(Uri, string)`.
pub(super) fn uri(base: &str, relative: &str) -> EvalResult {
    let base = url::Url::parse(base).or_else(|e| err(format!("uri(): bad base URI: {e}")))?;
    base.join(relative)
        .map(|u| Val::String(u.to_string()))
        .or_else(|e| err(format!("uri(): cannot combine the URIs: {e}")))
}

pub(super) fn json(s: &str) -> EvalResult {
    serde_json::from_str::<serde_json::Value>(s)
        .map(|j| Val::from_json(&j))
        .or_else(|e| err(format!("json(): invalid JSON: {e}")))
}
