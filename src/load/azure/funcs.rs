//! The ARM template functions (which Bicep shares), evaluated where their arguments are known.
//!
//! Semantics follow the ARM template function reference: string comparisons in `startsWith`,
//! `endsWith`, `indexOf` and `lastIndexOf` ignore case, `contains` on a string does not,
//! `contains` on an object looks its keys up ignoring case, `string(true)` is `"True"`,
//! integer arithmetic truncates.
//!
//! A function whose result depends on the deployment (`resourceGroup().location`, `utcNow()`,
//! `reference()`, `newGuid()`) or on an unknown argument gives [`Val::Unknown`]; a function
//! tenet does not implement (`guid`, `uniqueString`, `dateTimeAdd`, `pickZones`, ...) also
//! gives `Unknown`, never a guess. Deployment functions (`resourceGroup()`, `subscription()`,
//! ...) give a [`Val::Partial`] object: the fields ARM fixes are known, the others unknown.
//!
//! Lambdas are called with the element and its index (`map`, `filter`, `sort`'s two elements,
//! `reduce`'s accumulator, element and index): a lambda declaring fewer parameters ignores the
//! extra values.

use std::cmp::Ordering;
use std::rc::Rc;

use crate::load::value::{EvalError, EvalResult, Map, Val, err, format_number};

use super::{Context, TargetScope};

/// A lambda argument (`x => x.name` in Bicep, `lambda('x', ...)` in ARM), called with its
/// parameters' values.
pub type Lambda<'a> = &'a mut dyn FnMut(&[Val]) -> EvalResult;

/// Calls function `name` (case-insensitive, with or without the `az.`/`sys.` namespace) on
/// `args`, the values of the non-lambda arguments in order; `lambdas` are the lambda arguments
/// in order.
pub fn call(name: &str, args: &[Val], lambdas: &mut [Lambda<'_>], ctx: &Context) -> EvalResult {
    let lower = name.to_ascii_lowercase();
    let name = lower
        .strip_prefix("az.")
        .or_else(|| lower.strip_prefix("sys."))
        .unwrap_or(&lower);
    if !lambdas.is_empty() {
        return lambda_call(name, args, lambdas);
    }
    match name {
        // Functions that decide themselves what an unknown argument means.
        "coalesce" => return coalesce(args),
        "and" | "or" => return logical(name, args),
        "if" => return if_(args),
        "createarray" => return Ok(Val::list(args.to_vec())),
        "createobject" => return create_object(args),
        "array" => return array(args),
        "length" => return length(args),
        "contains" => return contains(args),
        "empty" => return empty(args),
        "trygetvalue" | "tryget" => return try_get(args),
        "resourcegroup" => return Ok(resource_group(ctx)),
        "subscription" => return Ok(subscription(ctx)),
        "tenant" => return Ok(partial(&[])),
        "managementgroup" => {
            return Ok(partial(&[(
                "type",
                "Microsoft.Management/managementGroups",
            )]));
        }
        "deployment" | "environment" => return Ok(partial(&[])),
        "resourceid" => return resource_id(args, ctx),
        "subscriptionresourceid" => return subscription_resource_id(args, ctx),
        "tenantresourceid" => {
            return Ok(tenant_resource_id(args)?.map_or(Val::Unknown, Val::String));
        }
        "extensionresourceid" => return extension_resource_id(args),
        "managementgroupresourceid" => return management_group_resource_id(args),
        "null" => return Ok(Val::Null),
        "true" => return Ok(Val::Bool(true)),
        "false" => return Ok(Val::Bool(false)),
        _ => {}
    }
    // The others need every argument known at the top (nested unknowns are checked where they
    // matter).
    if args
        .iter()
        .any(|a| matches!(a, Val::Unknown | Val::Partial(_)))
    {
        return Ok(Val::Unknown);
    }
    match name {
        // Strings.
        "concat" => concat(args),
        "format" => format(args),
        "tolower" => Ok(Val::str(str_arg(name, args, 0)?.to_lowercase())),
        "toupper" => Ok(Val::str(str_arg(name, args, 0)?.to_uppercase())),
        "trim" => Ok(Val::str(str_arg(name, args, 0)?.trim())),
        "substring" => substring(args),
        "replace" => replace(args),
        "split" => split(args),
        "join" => join(args),
        "startswith" => Ok(Val::Bool(
            lower_arg(name, args, 0)?.starts_with(&lower_arg(name, args, 1)?),
        )),
        "endswith" => Ok(Val::Bool(
            lower_arg(name, args, 0)?.ends_with(&lower_arg(name, args, 1)?),
        )),
        "indexof" | "lastindexof" => index_of(name, args),
        "padleft" => pad_left(args),
        "string" => Ok(Val::String(to_arm_string(arg(name, args, 0)?)?)),
        "base64" => Ok(Val::String(
            data_encoding::BASE64.encode(str_arg(name, args, 0)?.as_bytes()),
        )),
        "base64tostring" => base64_to_string(str_arg(name, args, 0)?),
        "base64tojson" => match base64_to_string(str_arg(name, args, 0)?)? {
            Val::String(s) => json(&s),
            other => Ok(other),
        },
        "datauri" => Ok(Val::String(format!(
            "data:text/plain;charset=utf8;base64,{}",
            data_encoding::BASE64.encode(to_arm_string(arg(name, args, 0)?)?.as_bytes())
        ))),
        "datauritostring" => data_uri_to_string(str_arg(name, args, 0)?),
        "uri" => uri(str_arg(name, args, 0)?, str_arg(name, args, 1)?),
        "uricomponent" => Ok(Val::String(
            percent_encoding::utf8_percent_encode(str_arg(name, args, 0)?, URI_COMPONENT)
                .to_string(),
        )),
        "uricomponenttostring" => percent_encoding::percent_decode_str(str_arg(name, args, 0)?)
            .decode_utf8()
            .map(|s| Val::String(s.into_owned()))
            .or_else(|_| err("uriComponentToString: the decoded text is not UTF-8")),
        "json" => json(str_arg(name, args, 0)?),
        // Comparison and logic.
        "equals" => equals(args),
        "not" => match arg(name, args, 0)? {
            Val::Bool(b) => Ok(Val::Bool(!b)),
            other => err(format!("not() takes a bool, not a {}", other.type_name())),
        },
        "bool" => to_bool(arg(name, args, 0)?),
        "greater" | "greaterorequals" | "less" | "lessorequals" => compare(name, args),
        // Numbers.
        "add" | "sub" | "mul" | "div" | "mod" => arithmetic(name, args),
        "min" | "max" => min_max(name, args),
        "int" => to_int(arg(name, args, 0)?),
        "float" => match arg(name, args, 0)? {
            Val::Number(n) => Ok(Val::Number(*n)),
            Val::String(s) => s
                .trim()
                .parse::<f64>()
                .map(Val::Number)
                .or_else(|_| err(format!("float(): \"{s}\" is not a number"))),
            other => err(format!("float() cannot convert a {}", other.type_name())),
        },
        "range" => range(args),
        // Arrays and objects.
        "first" | "last" => first_last(name, arg(name, args, 0)?),
        "take" | "skip" => take_skip(name, args),
        "union" => union(args),
        "intersection" => intersection(args),
        "items" => items(arg(name, args, 0)?),
        "objectkeys" => Ok(Val::list(
            obj_arg(name, args, 0)?
                .keys()
                .map(|k| Val::str(k.clone()))
                .collect(),
        )),
        "shallowmerge" => shallow_merge(arg(name, args, 0)?),
        "flatten" => flatten(arg(name, args, 0)?),
        "indexfromend" | "tryindexfromend" => index_from_end(name, args),
        // Resource functions that need the deployment, and the rest tenet does not evaluate.
        _ => Ok(Val::Unknown),
    }
}

/// Characters `uriComponent` leaves as they are (.NET `Uri.EscapeDataString`: RFC 3986
/// unreserved characters).
const URI_COMPONENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

fn arg<'a>(name: &str, args: &'a [Val], i: usize) -> Result<&'a Val, EvalError> {
    args.get(i)
        .ok_or_else(|| EvalError(format!("{name}() expects at least {} arguments", i + 1)))
}

fn str_arg<'a>(name: &str, args: &'a [Val], i: usize) -> Result<&'a str, EvalError> {
    match arg(name, args, i)? {
        Val::String(s) => Ok(s),
        other => err(format!(
            "{name}() expects a string as argument {}, not a {}",
            i + 1,
            other.type_name()
        )),
    }
}

fn lower_arg(name: &str, args: &[Val], i: usize) -> Result<String, EvalError> {
    Ok(str_arg(name, args, i)?.to_lowercase())
}

fn int_arg(name: &str, args: &[Val], i: usize) -> Result<i64, EvalError> {
    match arg(name, args, i)? {
        Val::Number(n) => Ok(*n as i64),
        other => err(format!(
            "{name}() expects an integer as argument {}, not a {}",
            i + 1,
            other.type_name()
        )),
    }
}

fn obj_arg<'a>(name: &str, args: &'a [Val], i: usize) -> Result<&'a Map, EvalError> {
    match arg(name, args, i)? {
        Val::Object(m) => Ok(m),
        other => err(format!(
            "{name}() expects an object, not a {}",
            other.type_name()
        )),
    }
}

/// A Partial object with the given known string fields.
fn partial(known: &[(&str, &str)]) -> Val {
    Val::Partial(Rc::new(
        known
            .iter()
            .map(|(k, v)| ((*k).to_string(), Val::str(*v)))
            .collect(),
    ))
}

/// Looks a key up in an object the ARM way: exactly, else ignoring case.
pub fn get_key<'a>(map: &'a Map, key: &str) -> Option<&'a Val> {
    map.get(key).or_else(|| {
        map.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    })
}

/// The text ARM gives a value where a string is needed (`string()`, `format()`, `concat()`):
/// numbers as integers, bools as `True`/`False`, arrays and objects as compact JSON.
pub fn to_arm_string(v: &Val) -> Result<String, EvalError> {
    match v {
        Val::String(s) => Ok(s.clone()),
        Val::Number(n) => Ok(format_number(*n)),
        Val::Bool(true) => Ok("True".into()),
        Val::Bool(false) => Ok("False".into()),
        Val::Null => Ok(String::new()),
        Val::List(_) | Val::Set(_) | Val::Object(_) => match v.to_known_json() {
            Some(j) => Ok(j.to_string()),
            None => err("value is not known"),
        },
        Val::Unknown | Val::Partial(_) => err("value is not known"),
    }
}

// ---------------------------------------------------------------------------------------------
// Strings

fn concat(args: &[Val]) -> EvalResult {
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
fn format(args: &[Val]) -> EvalResult {
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
fn format_item(value: &Val, spec: &str) -> Result<Option<String>, EvalError> {
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
fn group_thousands(s: &str) -> String {
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

fn substring(args: &[Val]) -> EvalResult {
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

fn replace(args: &[Val]) -> EvalResult {
    let s = str_arg("replace", args, 0)?;
    let old = str_arg("replace", args, 1)?;
    let new = str_arg("replace", args, 2)?;
    if old.is_empty() {
        return err("replace(): the string to replace is empty");
    }
    Ok(Val::str(s.replace(old, new)))
}

fn split(args: &[Val]) -> EvalResult {
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

fn join(args: &[Val]) -> EvalResult {
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

fn index_of(name: &str, args: &[Val]) -> EvalResult {
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

fn pad_left(args: &[Val]) -> EvalResult {
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

fn base64_to_string(s: &str) -> EvalResult {
    let bytes = data_encoding::BASE64
        .decode(s.as_bytes())
        .or_else(|_| err(format!("base64ToString(): \"{s}\" is not base64")))?;
    String::from_utf8(bytes)
        .map(Val::String)
        .or_else(|_| err("base64ToString(): the decoded bytes are not UTF-8"))
}

fn data_uri_to_string(s: &str) -> EvalResult {
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
fn uri(base: &str, relative: &str) -> EvalResult {
    let base = url::Url::parse(base).or_else(|e| err(format!("uri(): bad base URI: {e}")))?;
    base.join(relative)
        .map(|u| Val::String(u.to_string()))
        .or_else(|e| err(format!("uri(): cannot combine the URIs: {e}")))
}

fn json(s: &str) -> EvalResult {
    serde_json::from_str::<serde_json::Value>(s)
        .map(|j| Val::from_json(&j))
        .or_else(|e| err(format!("json(): invalid JSON: {e}")))
}

// ---------------------------------------------------------------------------------------------
// Logic and comparison

/// Deep equality of two values; `None` when an unknown part could decide it.
pub fn deep_equal(a: &Val, b: &Val) -> Option<bool> {
    match (a, b) {
        (Val::Unknown | Val::Partial(_), _) | (_, Val::Unknown | Val::Partial(_)) => None,
        (Val::List(x) | Val::Set(x), Val::List(y) | Val::Set(y)) => {
            if x.len() != y.len() {
                return Some(false);
            }
            let mut unknown = false;
            for (p, q) in x.iter().zip(y.iter()) {
                match deep_equal(p, q) {
                    Some(false) => return Some(false),
                    None => unknown = true,
                    Some(true) => {}
                }
            }
            if unknown { None } else { Some(true) }
        }
        (Val::Object(x), Val::Object(y)) => {
            if x.len() != y.len() || x.keys().any(|k| !y.contains_key(k)) {
                return Some(false);
            }
            let mut unknown = false;
            for (k, p) in x.iter() {
                match y.get(k).and_then(|q| deep_equal(p, q)) {
                    Some(false) => return Some(false),
                    None => unknown = true,
                    Some(true) => {}
                }
            }
            if unknown { None } else { Some(true) }
        }
        (Val::Number(x), Val::Number(y)) => Some(x == y),
        _ => Some(a == b),
    }
}

fn equals(args: &[Val]) -> EvalResult {
    let a = arg("equals", args, 0)?;
    let b = arg("equals", args, 1)?;
    Ok(deep_equal(a, b).map_or(Val::Unknown, Val::Bool))
}

fn logical(name: &str, args: &[Val]) -> EvalResult {
    let decisive = name == "or";
    let mut unknown = false;
    for a in args {
        match a {
            Val::Bool(b) if *b == decisive => return Ok(Val::Bool(decisive)),
            Val::Bool(_) => {}
            Val::Unknown | Val::Partial(_) => unknown = true,
            other => {
                return err(format!("{name}() takes bools, not a {}", other.type_name()));
            }
        }
    }
    Ok(if unknown {
        Val::Unknown
    } else {
        Val::Bool(!decisive)
    })
}

fn if_(args: &[Val]) -> EvalResult {
    let a = arg("if", args, 1)?;
    let b = arg("if", args, 2)?;
    match arg("if", args, 0)? {
        Val::Bool(true) => Ok(a.clone()),
        Val::Bool(false) => Ok(b.clone()),
        Val::Unknown | Val::Partial(_) if deep_equal(a, b) == Some(true) => Ok(a.clone()),
        Val::Unknown | Val::Partial(_) => Ok(Val::Unknown),
        other => err(format!(
            "if() takes a bool condition, not a {}",
            other.type_name()
        )),
    }
}

fn coalesce(args: &[Val]) -> EvalResult {
    for a in args {
        match a {
            Val::Null => {}
            Val::Unknown => return Ok(Val::Unknown),
            other => return Ok(other.clone()),
        }
    }
    Ok(Val::Null)
}

fn to_bool(v: &Val) -> EvalResult {
    match v {
        Val::Bool(b) => Ok(Val::Bool(*b)),
        Val::String(s) if s.eq_ignore_ascii_case("true") => Ok(Val::Bool(true)),
        Val::String(s) if s.eq_ignore_ascii_case("false") => Ok(Val::Bool(false)),
        Val::Number(n) => Ok(Val::Bool(*n != 0.0)),
        other => err(format!("bool() cannot convert {other:?}")),
    }
}

fn compare(name: &str, args: &[Val]) -> EvalResult {
    let ord = match (arg(name, args, 0)?, arg(name, args, 1)?) {
        (Val::Number(a), Val::Number(b)) => a.partial_cmp(b).unwrap_or(Ordering::Equal),
        (Val::String(a), Val::String(b)) => a.cmp(b),
        (a, b) => {
            return err(format!(
                "{name}() compares two numbers or two strings, not a {} and a {}",
                a.type_name(),
                b.type_name()
            ));
        }
    };
    Ok(Val::Bool(match name {
        "greater" => ord == Ordering::Greater,
        "greaterorequals" => ord != Ordering::Less,
        "less" => ord == Ordering::Less,
        _ => ord != Ordering::Greater,
    }))
}

// ---------------------------------------------------------------------------------------------
// Numbers

fn arithmetic(name: &str, args: &[Val]) -> EvalResult {
    let a = int_arg(name, args, 0)?;
    let b = int_arg(name, args, 1)?;
    let r = match name {
        "add" => a.checked_add(b),
        "sub" => a.checked_sub(b),
        "mul" => a.checked_mul(b),
        "div" if b == 0 => return err("div(): division by zero"),
        "div" => a.checked_div(b),
        _ if b == 0 => return err("mod(): division by zero"),
        _ => a.checked_rem(b),
    };
    r.map(|n| Val::Number(n as f64))
        .ok_or_else(|| EvalError(format!("{name}(): integer overflow")))
}

fn min_max(name: &str, args: &[Val]) -> EvalResult {
    let values: &[Val] = match args {
        [Val::List(items)] => items,
        _ => args,
    };
    let mut best: Option<f64> = None;
    for v in values {
        match v {
            Val::Number(n) => {
                best = Some(match best {
                    Some(b) if name == "min" => b.min(*n),
                    Some(b) => b.max(*n),
                    None => *n,
                });
            }
            Val::Unknown | Val::Partial(_) => return Ok(Val::Unknown),
            other => {
                return err(format!(
                    "{name}() takes integers, not a {}",
                    other.type_name()
                ));
            }
        }
    }
    best.map(Val::Number)
        .ok_or_else(|| EvalError(format!("{name}() needs at least one value")))
}

fn to_int(v: &Val) -> EvalResult {
    match v {
        Val::Number(n) => Ok(Val::Number(n.trunc())),
        Val::String(s) => s
            .trim()
            .parse::<i64>()
            .map(|n| Val::Number(n as f64))
            .or_else(|_| err(format!("int(): \"{s}\" is not an integer"))),
        Val::Bool(b) => Ok(Val::Number(f64::from(u8::from(*b)))),
        other => err(format!("int() cannot convert a {}", other.type_name())),
    }
}

/// Widest padding `format()` alignment and `padLeft()` produce (ARM's own limits are lower).
const MAX_PAD: u64 = 10_000;

/// Longest array `range()` builds (ARM's own limit).
const MAX_RANGE: i64 = 10_000;

fn range(args: &[Val]) -> EvalResult {
    let start = int_arg("range", args, 0)?;
    let count = int_arg("range", args, 1)?;
    if !(0..=MAX_RANGE).contains(&count) {
        return err(format!("range(): count {count} is outside 0..{MAX_RANGE}"));
    }
    Ok(Val::list(
        (0..count)
            .map(|i| Val::Number((start + i) as f64))
            .collect(),
    ))
}

// ---------------------------------------------------------------------------------------------
// Arrays and objects

fn array(args: &[Val]) -> EvalResult {
    match arg("array", args, 0)? {
        Val::List(_) => Ok(args[0].clone()),
        Val::Set(items) => Ok(Val::List(items.clone())),
        Val::Unknown => Ok(Val::Unknown),
        other => Ok(Val::list(vec![other.clone()])),
    }
}

fn create_object(args: &[Val]) -> EvalResult {
    if !args.len().is_multiple_of(2) {
        return err("createObject() takes key and value pairs");
    }
    let mut map = Map::new();
    for pair in args.chunks(2) {
        match &pair[0] {
            Val::String(k) => {
                map.insert(k.clone(), pair[1].clone());
            }
            Val::Unknown => return Ok(Val::Unknown),
            other => return err(format!("createObject(): a key is a {}", other.type_name())),
        }
    }
    Ok(Val::object(map))
}

fn length(args: &[Val]) -> EvalResult {
    match arg("length", args, 0)? {
        Val::String(s) => Ok(Val::Number(s.chars().count() as f64)),
        Val::List(items) | Val::Set(items) => Ok(Val::Number(items.len() as f64)),
        Val::Object(m) => Ok(Val::Number(m.len() as f64)),
        Val::Unknown | Val::Partial(_) => Ok(Val::Unknown),
        other => err(format!("length() of a {}", other.type_name())),
    }
}

fn empty(args: &[Val]) -> EvalResult {
    Ok(match arg("empty", args, 0)? {
        Val::Null => Val::Bool(true),
        Val::String(s) => Val::Bool(s.is_empty()),
        Val::List(items) | Val::Set(items) => Val::Bool(items.is_empty()),
        Val::Object(m) => Val::Bool(m.is_empty()),
        Val::Partial(m) if !m.is_empty() => Val::Bool(false),
        Val::Unknown | Val::Partial(_) => Val::Unknown,
        other => return err(format!("empty() of a {}", other.type_name())),
    })
}

fn contains(args: &[Val]) -> EvalResult {
    let item = arg("contains", args, 1)?;
    match arg("contains", args, 0)? {
        Val::String(s) => match item {
            Val::Unknown | Val::Partial(_) => Ok(Val::Unknown),
            other => Ok(Val::Bool(s.contains(&to_arm_string(other)?))),
        },
        Val::List(items) | Val::Set(items) => {
            let mut unknown = false;
            for i in items.iter() {
                match deep_equal(i, item) {
                    Some(true) => return Ok(Val::Bool(true)),
                    Some(false) => {}
                    None => unknown = true,
                }
            }
            Ok(if unknown {
                Val::Unknown
            } else {
                Val::Bool(false)
            })
        }
        Val::Object(m) | Val::Partial(m) => {
            let partial = matches!(args[0], Val::Partial(_));
            match item {
                Val::String(k) if get_key(m, k).is_some() => Ok(Val::Bool(true)),
                Val::String(_) if partial => Ok(Val::Unknown),
                Val::String(_) => Ok(Val::Bool(false)),
                Val::Unknown | Val::Partial(_) => Ok(Val::Unknown),
                other => Ok(Val::Bool(get_key(m, &to_arm_string(other)?).is_some())),
            }
        }
        Val::Unknown => Ok(Val::Unknown),
        other => err(format!("contains() cannot search a {}", other.type_name())),
    }
}

/// `tryGet(object, key...)`: the value at the keys (or array indexes), `null` when absent.
fn try_get(args: &[Val]) -> EvalResult {
    let mut current = arg("tryGet", args, 0)?.clone();
    for key in &args[1..] {
        current = match (&current, key) {
            (Val::Unknown, _) | (_, Val::Unknown) => return Ok(Val::Unknown),
            (Val::Null, _) => return Ok(Val::Null),
            (Val::Object(m), Val::String(k)) => get_key(m, k).cloned().unwrap_or(Val::Null),
            (Val::Partial(m), Val::String(k)) => get_key(m, k).cloned().unwrap_or(Val::Unknown),
            (Val::List(items), Val::Number(n)) => {
                if *n < 0.0 {
                    Val::Null
                } else {
                    items.get(*n as usize).cloned().unwrap_or(Val::Null)
                }
            }
            // ARM gives null for a key looked up in a value that has no keys.
            _ => return Ok(Val::Null),
        };
    }
    Ok(current)
}

fn index_from_end(name: &str, args: &[Val]) -> EvalResult {
    let Val::List(items) = arg(name, args, 0)? else {
        return err(format!("{name}() expects an array"));
    };
    let i = int_arg(name, args, 1)?;
    if i >= 1 && (i as usize) <= items.len() {
        Ok(items[items.len() - i as usize].clone())
    } else if name == "tryindexfromend" {
        Ok(Val::Null)
    } else {
        err(format!("{name}(): index {i} is out of range"))
    }
}

fn first_last(name: &str, v: &Val) -> EvalResult {
    let first = name == "first";
    match v {
        Val::String(s) => Ok(Val::String(
            if first {
                s.chars().next()
            } else {
                s.chars().last()
            }
            .map(String::from)
            .unwrap_or_default(),
        )),
        Val::List(items) | Val::Set(items) => Ok(if first { items.first() } else { items.last() }
            .cloned()
            .unwrap_or(Val::Null)),
        Val::Null => Ok(Val::Null),
        other => err(format!("{name}() of a {}", other.type_name())),
    }
}

fn take_skip(name: &str, args: &[Val]) -> EvalResult {
    let n = int_arg(name, args, 1)?.max(0) as usize;
    let take = name == "take";
    match arg(name, args, 0)? {
        Val::String(s) => {
            let chars = s.chars();
            Ok(Val::String(if take {
                chars.take(n).collect()
            } else {
                chars.skip(n).collect()
            }))
        }
        Val::List(items) | Val::Set(items) => Ok(Val::list(if take {
            items.iter().take(n).cloned().collect()
        } else {
            items.iter().skip(n).cloned().collect()
        })),
        Val::Null => Ok(Val::Null),
        other => err(format!("{name}() of a {}", other.type_name())),
    }
}

/// `union()`: arrays joined without duplicates; objects merged, later keys winning, nested
/// objects merged recursively.
fn union(args: &[Val]) -> EvalResult {
    match args.first() {
        Some(Val::List(_) | Val::Set(_)) => {
            let mut out: Vec<Val> = Vec::new();
            for a in args {
                let Some(items) = a.elements() else {
                    return err("union(): all arguments must be arrays");
                };
                for item in items {
                    let mut present = false;
                    for o in &out {
                        match deep_equal(o, item) {
                            Some(true) => present = true,
                            Some(false) => {}
                            None => return Ok(Val::Unknown),
                        }
                    }
                    if !present {
                        out.push(item.clone());
                    }
                }
            }
            Ok(Val::list(out))
        }
        Some(Val::Object(_)) => {
            let mut out = Map::new();
            for a in args {
                match a {
                    Val::Object(m) => merge_deep(&mut out, m),
                    Val::Null => {}
                    _ => return err("union(): all arguments must be objects"),
                }
            }
            Ok(Val::object(out))
        }
        None => err("union() needs arguments"),
        Some(other) => err(format!("union() of a {}", other.type_name())),
    }
}

fn merge_deep(into: &mut Map, from: &Map) {
    for (k, v) in from.iter() {
        match (into.get_mut(k), v) {
            (Some(Val::Object(old)), Val::Object(new)) => {
                let mut merged = (**old).clone();
                merge_deep(&mut merged, new);
                *old = Rc::new(merged);
            }
            _ => {
                into.insert(k.clone(), v.clone());
            }
        }
    }
}

fn intersection(args: &[Val]) -> EvalResult {
    match args.first() {
        Some(Val::List(first)) => {
            let mut out: Vec<Val> = Vec::new();
            for item in first.iter() {
                let mut everywhere = true;
                for other in &args[1..] {
                    let Some(items) = other.elements() else {
                        return err("intersection(): all arguments must be arrays");
                    };
                    let mut found = false;
                    for o in items {
                        match deep_equal(o, item) {
                            Some(true) => found = true,
                            Some(false) => {}
                            None => return Ok(Val::Unknown),
                        }
                    }
                    everywhere &= found;
                }
                if everywhere && !out.contains(item) {
                    out.push(item.clone());
                }
            }
            Ok(Val::list(out))
        }
        Some(Val::Object(first)) => {
            let mut out = Map::new();
            for (k, v) in first.iter() {
                let mut everywhere = true;
                for other in &args[1..] {
                    let Val::Object(m) = other else {
                        return err("intersection(): all arguments must be objects");
                    };
                    match m.get(k).map(|o| deep_equal(o, v)) {
                        Some(Some(true)) => {}
                        Some(None) => return Ok(Val::Unknown),
                        _ => everywhere = false,
                    }
                }
                if everywhere {
                    out.insert(k.clone(), v.clone());
                }
            }
            Ok(Val::object(out))
        }
        _ => err("intersection() takes arrays or objects"),
    }
}

/// `items(object)`: `[{key, value}]`, sorted by key.
fn items(v: &Val) -> EvalResult {
    let Val::Object(m) = v else {
        return err(format!("items() of a {}", v.type_name()));
    };
    Ok(Val::list(
        m.iter()
            .map(|(k, v)| {
                let mut entry = Map::new();
                entry.insert("key".into(), Val::str(k.clone()));
                entry.insert("value".into(), v.clone());
                Val::object(entry)
            })
            .collect(),
    ))
}

fn shallow_merge(v: &Val) -> EvalResult {
    let Val::List(items) = v else {
        return err("shallowMerge() expects an array of objects");
    };
    let mut out = Map::new();
    for item in items.iter() {
        match item {
            Val::Object(m) => out.extend(m.iter().map(|(k, v)| (k.clone(), v.clone()))),
            Val::Null => {}
            Val::Unknown | Val::Partial(_) => return Ok(Val::Unknown),
            other => {
                return err(format!(
                    "shallowMerge(): an element is a {}",
                    other.type_name()
                ));
            }
        }
    }
    Ok(Val::object(out))
}

fn flatten(v: &Val) -> EvalResult {
    let Val::List(items) = v else {
        return err("flatten() expects an array of arrays");
    };
    let mut out = Vec::new();
    for item in items.iter() {
        match item {
            Val::List(inner) | Val::Set(inner) => out.extend(inner.iter().cloned()),
            Val::Unknown => return Ok(Val::Unknown),
            other => return err(format!("flatten(): an element is a {}", other.type_name())),
        }
    }
    Ok(Val::list(out))
}

// ---------------------------------------------------------------------------------------------
// Lambdas

fn lambda_call(name: &str, args: &[Val], lambdas: &mut [Lambda<'_>]) -> EvalResult {
    let input = arg(name, args, 0)?;
    if matches!(input, Val::Unknown | Val::Partial(_)) {
        return Ok(Val::Unknown);
    }
    if name == "mapvalues" {
        let Val::Object(m) = input else {
            return err("mapValues() expects an object");
        };
        let f = &mut lambdas[0];
        let mut out = Map::new();
        for (k, v) in m.iter() {
            out.insert(k.clone(), f(std::slice::from_ref(v))?);
        }
        return Ok(Val::object(out));
    }
    let items: &[Val] = match input {
        Val::List(items) | Val::Set(items) => items,
        Val::Null => &[],
        other => {
            return err(format!(
                "{name}() expects an array, not a {}",
                other.type_name()
            ));
        }
    };
    let index = |i: usize| Val::Number(i as f64);
    match name {
        "filter" => {
            let mut out = Vec::new();
            for (i, item) in items.iter().enumerate() {
                match lambdas[0](&[item.clone(), index(i)])? {
                    Val::Bool(true) => out.push(item.clone()),
                    Val::Bool(false) => {}
                    Val::Unknown => return Ok(Val::Unknown),
                    other => {
                        return err(format!("filter(): the lambda gave a {}", other.type_name()));
                    }
                }
            }
            Ok(Val::list(out))
        }
        "map" => {
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                out.push(lambdas[0](&[item.clone(), index(i)])?);
            }
            Ok(Val::list(out))
        }
        "reduce" => {
            let mut acc = arg(name, args, 1)?.clone();
            for (i, item) in items.iter().enumerate() {
                acc = lambdas[0](&[acc, item.clone(), index(i)])?;
            }
            Ok(acc)
        }
        "sort" => {
            // Insertion sort with the lambda as "a comes before b": stable and never calls the
            // lambda in a way that could panic on an inconsistent ordering.
            let mut out: Vec<Val> = Vec::with_capacity(items.len());
            for item in items {
                let mut at = out.len();
                while at > 0 {
                    match lambdas[0](&[item.clone(), out[at - 1].clone()])? {
                        Val::Bool(true) => at -= 1,
                        Val::Bool(false) => break,
                        Val::Unknown => return Ok(Val::Unknown),
                        other => {
                            return err(format!("sort(): the lambda gave a {}", other.type_name()));
                        }
                    }
                }
                out.insert(at, item.clone());
            }
            Ok(Val::list(out))
        }
        "toobject" => {
            let mut out = Map::new();
            for item in items {
                let key = match lambdas[0](std::slice::from_ref(item))? {
                    Val::String(k) => k,
                    Val::Unknown | Val::Partial(_) => return Ok(Val::Unknown),
                    other => to_arm_string(&other)?,
                };
                let value = match lambdas.get_mut(1) {
                    Some(f) => f(std::slice::from_ref(item))?,
                    None => item.clone(),
                };
                out.insert(key, value);
            }
            Ok(Val::object(out))
        }
        "groupby" => {
            let mut groups: Vec<(String, Vec<Val>)> = Vec::new();
            for item in items {
                let key = match lambdas[0](std::slice::from_ref(item))? {
                    Val::String(k) => k,
                    Val::Unknown | Val::Partial(_) => return Ok(Val::Unknown),
                    other => to_arm_string(&other)?,
                };
                match groups.iter_mut().find(|(k, _)| *k == key) {
                    Some((_, g)) => g.push(item.clone()),
                    None => groups.push((key, vec![item.clone()])),
                }
            }
            Ok(Val::object(
                groups.into_iter().map(|(k, g)| (k, Val::list(g))).collect(),
            ))
        }
        _ => Ok(Val::Unknown),
    }
}

// ---------------------------------------------------------------------------------------------
// Deployment and resource ids

fn resource_group(ctx: &Context) -> Val {
    let mut m = Map::new();
    m.insert(
        "type".into(),
        Val::str("Microsoft.Resources/resourceGroups"),
    );
    if let Some(rg) = &ctx.resource_group {
        m.insert("name".into(), Val::str(rg.clone()));
        if let Some(sub) = &ctx.subscription_id {
            m.insert(
                "id".into(),
                Val::String(format!("/subscriptions/{sub}/resourceGroups/{rg}")),
            );
        }
    }
    if let Some(loc) = &ctx.location {
        m.insert("location".into(), Val::str(loc.clone()));
    }
    Val::Partial(Rc::new(m))
}

fn subscription(ctx: &Context) -> Val {
    let mut m = Map::new();
    if let Some(sub) = &ctx.subscription_id {
        m.insert("subscriptionId".into(), Val::str(sub.clone()));
        m.insert("id".into(), Val::String(format!("/subscriptions/{sub}")));
    }
    Val::Partial(Rc::new(m))
}

/// The strings of `args`, `None` if any is unknown.
fn strings(name: &str, args: &[Val]) -> Result<Option<Vec<String>>, EvalError> {
    let mut out = Vec::with_capacity(args.len());
    for a in args {
        match a {
            Val::String(s) => out.push(s.clone()),
            Val::Unknown | Val::Partial(_) => return Ok(None),
            other => {
                return err(format!(
                    "{name}() takes strings, not a {}",
                    other.type_name()
                ));
            }
        }
    }
    Ok(Some(out))
}

/// Splits `[scope parts..., type, names...]` at the resource type (the first argument with a
/// `/` that is followed by as many names as the type has segments after the namespace).
fn split_type<'a>(name: &str, args: &'a [String]) -> Result<(&'a [String], String), EvalError> {
    for (i, a) in args.iter().enumerate() {
        let segments = a.split('/').count();
        if segments >= 2 && args.len() - i - 1 == segments - 1 {
            let (ns, types) = a.split_once('/').unwrap_or((a, ""));
            let mut path = ns.to_string();
            for (t, n) in types.split('/').zip(&args[i + 1..]) {
                path.push('/');
                path.push_str(t);
                path.push('/');
                path.push_str(n);
            }
            return Ok((&args[..i], path));
        }
    }
    err(format!(
        "{name}(): the resource type and names do not match: {}",
        args.join(", ")
    ))
}

fn resource_id(args: &[Val], ctx: &Context) -> EvalResult {
    // With unknown parts the id is unknown; but a wrong shape is still an error.
    let Some(parts) = strings("resourceId", args)? else {
        return Ok(Val::Unknown);
    };
    let (scope, path) = split_type("resourceId", &parts)?;
    let (sub, rg) = match scope {
        [] => (ctx.subscription_id.clone(), ctx.resource_group.clone()),
        [rg] => (ctx.subscription_id.clone(), Some(rg.clone())),
        [sub, rg] => (Some(sub.clone()), Some(rg.clone())),
        _ => return err("resourceId(): too many arguments before the resource type"),
    };
    if ctx.scope != TargetScope::ResourceGroup && scope.is_empty() {
        // At other scopes resourceId() without a group names a subscription-level resource.
        return Ok(sub.map_or(Val::Unknown, |s| {
            Val::String(format!("/subscriptions/{s}/providers/{path}"))
        }));
    }
    Ok(match (sub, rg) {
        (Some(s), Some(g)) => Val::String(format!(
            "/subscriptions/{s}/resourceGroups/{g}/providers/{path}"
        )),
        _ => Val::Unknown,
    })
}

fn subscription_resource_id(args: &[Val], ctx: &Context) -> EvalResult {
    let Some(parts) = strings("subscriptionResourceId", args)? else {
        return Ok(Val::Unknown);
    };
    let (scope, path) = split_type("subscriptionResourceId", &parts)?;
    let sub = match scope {
        [] => ctx.subscription_id.clone(),
        [sub] => Some(sub.clone()),
        _ => return err("subscriptionResourceId(): too many arguments before the type"),
    };
    Ok(sub.map_or(Val::Unknown, |s| {
        Val::String(format!("/subscriptions/{s}/providers/{path}"))
    }))
}

fn tenant_resource_id(args: &[Val]) -> Result<Option<String>, EvalError> {
    let Some(parts) = strings("tenantResourceId", args)? else {
        return Ok(None);
    };
    let (scope, path) = split_type("tenantResourceId", &parts)?;
    if !scope.is_empty() {
        return err("tenantResourceId(): too many arguments before the type");
    }
    Ok(Some(format!("/providers/{path}")))
}

fn extension_resource_id(args: &[Val]) -> EvalResult {
    let Some(parts) = strings("extensionResourceId", args)? else {
        return Ok(Val::Unknown);
    };
    let Some((base, rest)) = parts.split_first() else {
        return err("extensionResourceId() needs a resource id");
    };
    let (scope, path) = split_type("extensionResourceId", rest)?;
    if !scope.is_empty() {
        return err("extensionResourceId(): too many arguments before the type");
    }
    Ok(Val::String(format!(
        "{}/providers/{path}",
        base.trim_end_matches('/')
    )))
}

fn management_group_resource_id(args: &[Val]) -> EvalResult {
    let Some(parts) = strings("managementGroupResourceId", args)? else {
        return Ok(Val::Unknown);
    };
    let (scope, path) = split_type("managementGroupResourceId", &parts)?;
    match scope {
        [mg] => Ok(Val::String(format!(
            "/providers/Microsoft.Management/managementGroups/{mg}/providers/{path}"
        ))),
        // The management group deployed to is not in the sources.
        [] => Ok(Val::Unknown),
        _ => err("managementGroupResourceId(): too many arguments before the type"),
    }
}

#[cfg(test)]
mod tests;
