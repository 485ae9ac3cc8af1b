//! Terraform's built-in functions, evaluated where their arguments are known.
//!
//! A function tenet does not implement yields [`Val::Unknown`] (never an error, never a
//! guess); so does any call with an unknown argument, except where the result cannot depend
//! on it (`length` of a list with unknown elements). An argument Terraform itself rejects is an
//! error, so that `try` and `can` see it as Terraform would.
//!
//! Not evaluated (unknown): `templatefile`, `fileset`, `filemd5`, `filesha1`, `md5`, `sha1`,
//! `log`, time, UUID, crypto-key and provider functions.

mod cidr;
mod collections;
mod files;
mod goregex;
mod numbers;
mod strings;

use super::module::EvalContext;
use super::value::{EvalError, EvalResult, Map, Val, err, format_number};

/// Calls function `name` with evaluated arguments.
pub fn call(name: &str, args: Vec<Val>, ctx: &EvalContext) -> EvalResult {
    // Functions that give a known result from partly unknown arguments.
    match name {
        "length" => return length(&args),
        "coalesce" => return coalesce(&args),
        "coalescelist" => return collections::coalescelist(&args),
        _ => {}
    }
    if !args.iter().all(Val::is_wholly_known) {
        return Ok(Val::Unknown);
    }
    match name {
        "jsonencode" => {
            let [v] = arity::<1>(name, args)?;
            match v.to_known_json() {
                Some(j) => Ok(Val::String(serde_json::to_string(&j).unwrap_or_default())),
                None => Ok(Val::Unknown),
            }
        }
        "jsondecode" => {
            let [v] = arity::<1>(name, args)?;
            let s = string_arg(name, &v)?;
            match serde_json::from_str::<serde_json::Value>(&s) {
                Ok(j) => Ok(Val::from_json(&j)),
                Err(e) => err(format!("jsondecode: invalid JSON: {e}")),
            }
        }
        "lookup" => {
            if args.len() != 2 && args.len() != 3 {
                return err("lookup takes two or three arguments");
            }
            let key = string_arg(name, &args[1])?;
            match &args[0] {
                Val::Object(m) => match (m.get(&key), args.get(2)) {
                    (Some(v), _) => Ok(v.clone()),
                    (None, Some(d)) => Ok(d.clone()),
                    (None, None) => err(format!("lookup: no key \"{key}\" and no default")),
                },
                other => err(format!(
                    "lookup: first argument must be a map, not a {}",
                    other.type_name()
                )),
            }
        }
        "merge" => {
            let mut out = Map::new();
            for a in args {
                match a {
                    Val::Object(m) => out.extend(m.iter().map(|(k, v)| (k.clone(), v.clone()))),
                    Val::Null => {}
                    other => {
                        return err(format!(
                            "merge: arguments must be maps, not {}",
                            other.type_name()
                        ));
                    }
                }
            }
            Ok(Val::object(out))
        }
        "concat" => {
            let mut out = Vec::new();
            for a in args {
                out.extend(list_arg(name, &a)?.iter().cloned());
            }
            Ok(Val::list(out))
        }
        "flatten" => {
            let [v] = arity::<1>(name, args)?;
            let mut out = Vec::new();
            flatten_into(&v, &mut out);
            Ok(Val::list(out))
        }
        "element" => {
            let [l, i] = arity::<2>(name, args)?;
            if matches!(l, Val::Set(_)) {
                return err("element: cannot use element on a set");
            }
            let items = list_arg(name, &l)?;
            if items.is_empty() {
                return err("element: cannot use element on an empty list");
            }
            let i = whole_arg(name, &i)?;
            if i < 0 {
                return err("element: the index must not be negative");
            }
            Ok(items[(i as usize) % items.len()].clone())
        }
        "format" => format(&args),
        "join" => {
            let [sep, l] = arity::<2>(name, args)?;
            let sep = string_arg(name, &sep)?;
            let parts = list_arg(name, &l)?
                .iter()
                .map(|v| string_arg(name, v))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Val::String(parts.join(&sep)))
        }
        "split" => {
            let [sep, s] = arity::<2>(name, args)?;
            let (sep, s) = (string_arg(name, &sep)?, string_arg(name, &s)?);
            // Go's strings.Split: an empty separator splits into characters.
            if sep.is_empty() {
                return Ok(Val::list(
                    s.chars().map(|c| Val::String(c.to_string())).collect(),
                ));
            }
            Ok(Val::list(s.split(sep.as_str()).map(Val::str).collect()))
        }
        "lower" => Ok(Val::String(simple_case(
            &string_arg(name, &single(name, args)?)?,
            false,
        ))),
        "upper" => Ok(Val::String(simple_case(
            &string_arg(name, &single(name, args)?)?,
            true,
        ))),
        "trimspace" => Ok(Val::String(
            string_arg(name, &single(name, args)?)?.trim().to_string(),
        )),
        "replace" => {
            let [s, from, to] = arity::<3>(name, args)?;
            let (s, from, to) = (
                string_arg(name, &s)?,
                string_arg(name, &from)?,
                string_arg(name, &to)?,
            );
            if from.len() > 1 && from.starts_with('/') && from.ends_with('/') {
                return Ok(goregex::replace(&s, &from[1..from.len() - 1], &to));
            }
            Ok(Val::String(s.replace(&from, &to)))
        }
        "tostring" => match single(name, args)? {
            Val::Null => Ok(Val::Null),
            v => Ok(Val::String(string_arg(name, &v)?)),
        },
        "tonumber" => match single(name, args)? {
            Val::Null => Ok(Val::Null),
            v => Ok(v.as_number()?.map_or(Val::Unknown, Val::Number)),
        },
        "tobool" => match single(name, args)? {
            Val::Null => Ok(Val::Null),
            v => Ok(v.as_bool()?.map_or(Val::Unknown, Val::Bool)),
        },
        "tolist" => Ok(Val::list(list_arg(name, &single(name, args)?)?)),
        "toset" => Ok(Val::set(list_arg(name, &single(name, args)?)?)),
        "distinct" => {
            let mut out: Vec<Val> = Vec::new();
            for item in list_arg(name, &single(name, args)?)? {
                if !out.contains(&item) {
                    out.push(item);
                }
            }
            Ok(Val::list(out))
        }
        "tomap" => match single(name, args)? {
            v @ Val::Object(_) => Ok(v),
            other => err(format!(
                "tomap: cannot convert a {} to a map",
                other.type_name()
            )),
        },
        "contains" => {
            let [l, v] = arity::<2>(name, args)?;
            Ok(Val::Bool(list_arg(name, &l)?.contains(&v)))
        }
        "keys" => match single(name, args)? {
            Val::Object(m) => Ok(Val::list(m.keys().map(Val::str).collect())),
            other => err(format!(
                "keys: argument must be a map, not a {}",
                other.type_name()
            )),
        },
        "values" => match single(name, args)? {
            Val::Object(m) => Ok(Val::list(m.values().cloned().collect())),
            other => err(format!(
                "values: argument must be a map, not a {}",
                other.type_name()
            )),
        },
        "zipmap" => {
            let [k, v] = arity::<2>(name, args)?;
            let (keys, values) = (list_arg(name, &k)?, list_arg(name, &v)?);
            if keys.len() != values.len() {
                return err("zipmap: lists must have the same length");
            }
            let mut out = Map::new();
            for (k, v) in keys.iter().zip(values.iter()) {
                out.insert(string_arg(name, k)?, v.clone());
            }
            Ok(Val::object(out))
        }
        "compact" => {
            let items = list_arg(name, &single(name, args)?)?;
            Ok(Val::list(
                items
                    .into_iter()
                    .filter(|v| {
                        !matches!(v, Val::Null) && !matches!(v, Val::String(s) if s.is_empty())
                    })
                    .collect(),
            ))
        }
        "one" => {
            let items = list_arg(name, &single(name, args)?)?;
            match items.len() {
                0 => Ok(Val::Null),
                1 => Ok(items[0].clone()),
                _ => err("one: list has more than one element"),
            }
        }
        "alltrue" | "anytrue" => {
            let items = list_arg(name, &single(name, args)?)?;
            let bools = items
                .iter()
                .map(|v| v.as_bool().map(|b| b.unwrap_or(false)))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Val::Bool(if name == "alltrue" {
                bools.iter().all(|b| *b)
            } else {
                bools.iter().any(|b| *b)
            }))
        }
        "startswith" | "endswith" => {
            let [s, p] = arity::<2>(name, args)?;
            let (s, p) = (string_arg(name, &s)?, string_arg(name, &p)?);
            Ok(Val::Bool(if name == "startswith" {
                s.starts_with(&p)
            } else {
                s.ends_with(&p)
            }))
        }
        "min" | "max" => {
            let nums = args
                .iter()
                .map(|v| v.as_number().map(|n| n.unwrap_or(f64::NAN)))
                .collect::<Result<Vec<_>, _>>()?;
            let folded =
                nums.iter()
                    .copied()
                    .reduce(if name == "min" { f64::min } else { f64::max });
            folded.map_or_else(
                || err(format!("{name}: needs at least one number")),
                |n| Ok(Val::Number(n)),
            )
        }
        // IP networks.
        "cidrhost" => cidr::host(args),
        "cidrnetmask" => cidr::netmask(args),
        "cidrsubnet" => cidr::subnet(args),
        "cidrsubnets" => cidr::subnets(args),
        // Files of the scanned tree.
        "file" | "fileexists" | "filebase64" | "filesha256" | "filesha512" | "filebase64sha256"
        | "filebase64sha512" => files::call(name, args, ctx),
        // Strings.
        "substr" => strings::substr(args),
        "strrev" => Ok(strings::strrev(&string_arg(name, &single(name, args)?)?)),
        "title" => Ok(strings::title(&string_arg(name, &single(name, args)?)?)),
        "chomp" => Ok(strings::chomp(&string_arg(name, &single(name, args)?)?)),
        "indent" => strings::indent(args),
        "trim" => strings::trim(args),
        "trimprefix" | "trimsuffix" => strings::trim_affix(name, args),
        "regex" | "regexall" => goregex::regex(name, args),
        // Encodings and hashes.
        "base64encode" => Ok(Val::String(strings::base64_encode(
            string_arg(name, &single(name, args)?)?.as_bytes(),
        ))),
        "base64decode" => strings::base64decode(&string_arg(name, &single(name, args)?)?),
        "urlencode" => Ok(Val::String(strings::urlencode(&string_arg(
            name,
            &single(name, args)?,
        )?))),
        "sha256" | "sha512" | "base64sha256" | "base64sha512" => Ok(strings::digest(
            name,
            &string_arg(name, &single(name, args)?)?,
        )),
        // Numbers.
        "abs" | "ceil" | "floor" => numbers::unary(name, args),
        "signum" => numbers::signum(args),
        "pow" => numbers::pow(args),
        "parseint" => numbers::parseint(args),
        "range" => numbers::range(args),
        // Collections.
        "slice" => collections::slice(args),
        "reverse" => collections::reverse(args),
        "sort" => collections::sort(args),
        "index" => collections::index(args),
        "sum" => collections::sum(args),
        "setunion" | "setintersection" | "setsubtract" => collections::set_operation(name, args),
        "setproduct" => collections::setproduct(args),
        "chunklist" => collections::chunklist(args),
        "matchkeys" => collections::matchkeys(args),
        "transpose" => collections::transpose(args),
        "formatlist" => collections::formatlist(args),
        _ => Ok(Val::Unknown),
    }
}

/// Case mapping one character to one character, as Go's `strings.ToUpper`/`ToLower` (and so
/// Terraform) do: a character without a single-character mapping (`ß`) is kept.
fn simple_case(s: &str, upper: bool) -> String {
    s.chars()
        .map(|c| {
            let mut mapped: Vec<char> = if upper {
                c.to_uppercase().collect()
            } else {
                c.to_lowercase().collect()
            };
            if mapped.len() == 1 {
                mapped.pop().unwrap_or(c)
            } else {
                c
            }
        })
        .collect()
}

fn length(args: &[Val]) -> EvalResult {
    match args {
        [Val::List(items) | Val::Set(items)] => Ok(Val::Number(items.len() as f64)),
        [Val::Object(m)] => Ok(Val::Number(m.len() as f64)),
        // Terraform counts grapheme clusters.
        [Val::String(s)] => Ok(strings::length(s)),
        [Val::Unknown | Val::Partial(_)] => Ok(Val::Unknown),
        [other] => err(format!(
            "length: cannot take the length of a {}",
            other.type_name()
        )),
        _ => err("length takes one argument"),
    }
}

fn coalesce(args: &[Val]) -> EvalResult {
    for a in args {
        match a {
            Val::Null => continue,
            Val::String(s) if s.is_empty() => continue,
            Val::Unknown | Val::Partial(_) => return Ok(Val::Unknown),
            v => return Ok(v.clone()),
        }
    }
    err("coalesce: no non-null, non-empty argument")
}

fn flatten_into(v: &Val, out: &mut Vec<Val>) {
    match v {
        Val::List(items) | Val::Set(items) => items.iter().for_each(|i| flatten_into(i, out)),
        other => out.push(other.clone()),
    }
}

/// Widest padding `format` produces; wider specifications are refused rather than allocated.
const MAX_FORMAT_WIDTH: usize = 10_000;

/// `format` with the verbs Terraform documents (`%s %q %d %f %e %g %t %v %%`), the flags
/// `-`, `+`, `0` and space, width and precision.
fn format(args: &[Val]) -> EvalResult {
    let Some((spec, rest)) = args.split_first() else {
        return err("format needs a format string");
    };
    let spec = string_arg("format", spec)?;
    let mut out = String::new();
    let mut next = rest.iter();
    let mut chars = spec.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut flags = String::new();
        while let Some(&f) = chars
            .peek()
            .filter(|f| matches!(f, '-' | '+' | '#' | ' ' | '0'))
        {
            flags.push(f);
            chars.next();
        }
        let mut width = String::new();
        while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit()) {
            width.push(d);
            chars.next();
        }
        let mut precision: Option<usize> = None;
        if chars.peek() == Some(&'.') {
            chars.next();
            let mut p = String::new();
            while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                p.push(d);
                chars.next();
            }
            precision = Some(p.parse().unwrap_or(0));
        }
        let width: usize = if width.is_empty() {
            0
        } else {
            width.parse().unwrap_or(usize::MAX)
        };
        if width > MAX_FORMAT_WIDTH || precision.is_some_and(|p| p > MAX_FORMAT_WIDTH) {
            return err("format: width or precision too large");
        }
        let Some(verb) = chars.next() else {
            return err("format: trailing %");
        };
        if verb == '%' {
            out.push('%');
            continue;
        }
        let Some(arg) = next.next() else {
            return err("format: not enough arguments for the format string");
        };
        let number = |a: &Val| -> Result<f64, EvalError> {
            a.as_number()?
                .ok_or_else(|| EvalError("format: unknown number".into()))
        };
        let sign = |n: f64, text: String| {
            if n >= 0.0 && flags.contains('+') {
                format!("+{text}")
            } else if n >= 0.0 && flags.contains(' ') {
                format!(" {text}")
            } else {
                text
            }
        };
        let text = match verb {
            's' | 'v' => {
                let s = match arg {
                    Val::List(_) | Val::Set(_) | Val::Object(_) => {
                        serde_json::to_string(&arg.to_known_json()).unwrap_or_default()
                    }
                    _ => string_arg("format", arg)?,
                };
                match precision {
                    Some(p) => s.chars().take(p).collect(),
                    None => s,
                }
            }
            'q' => serde_json::to_string(&string_arg("format", arg)?).unwrap_or_default(),
            'd' => {
                let n = number(arg)?;
                if n.fract() != 0.0 {
                    return err("format: %d needs a whole number");
                }
                sign(n, format_number(n))
            }
            'f' => {
                let n = number(arg)?;
                sign(n, format!("{:.*}", precision.unwrap_or(6), n))
            }
            'e' => {
                let n = number(arg)?;
                sign(
                    n,
                    go_exponent(&format!("{:.*e}", precision.unwrap_or(6), n)),
                )
            }
            't' => match arg.as_bool()? {
                Some(b) => b.to_string(),
                None => return err("format: unknown bool"),
            },
            // %g and the rest: not reproduced exactly, so unknown rather than a guess.
            _ => return Ok(Val::Unknown),
        };
        let pad = width.saturating_sub(text.chars().count());
        if flags.contains('-') {
            out.push_str(&text);
            out.push_str(&" ".repeat(pad));
        } else if flags.contains('0') && matches!(verb, 'd' | 'f' | 'e') {
            let (sign_part, digits) = match text.strip_prefix(['-', '+', ' ']) {
                Some(rest) => (&text[..1], rest),
                None => ("", text.as_str()),
            };
            out.push_str(sign_part);
            out.push_str(&"0".repeat(pad));
            out.push_str(digits);
        } else {
            out.push_str(&" ".repeat(pad));
            out.push_str(&text);
        }
    }
    Ok(Val::String(out))
}

/// Rust writes `1.5e2`, Go `1.500000e+02`: add the exponent's sign and two digits.
fn go_exponent(rust: &str) -> String {
    match rust.split_once('e') {
        Some((mantissa, exp)) => {
            let (sign, digits) = match exp.strip_prefix('-') {
                Some(d) => ('-', d),
                None => ('+', exp),
            };
            format!("{mantissa}e{sign}{digits:0>2}")
        }
        None => rust.to_string(),
    }
}

fn arity<const N: usize>(name: &str, args: Vec<Val>) -> Result<[Val; N], EvalError> {
    let got = args.len();
    args.try_into()
        .map_err(|_| EvalError(format!("{name} takes {N} argument(s), got {got}")))
}

fn single(name: &str, args: Vec<Val>) -> EvalResult {
    let [v] = arity::<1>(name, args)?;
    Ok(v)
}

fn string_arg(name: &str, v: &Val) -> Result<String, EvalError> {
    match v.as_string() {
        Ok(Some(s)) => Ok(s),
        Ok(None) => err(format!("{name}: argument is unknown")),
        Err(e) => err(format!("{name}: {e}")),
    }
}

/// A number argument (numeric strings converted).
fn number_arg(name: &str, v: &Val) -> Result<f64, EvalError> {
    match v.as_number() {
        Ok(Some(n)) => Ok(n),
        Ok(None) => err(format!("{name}: argument is unknown")),
        Err(e) => err(format!("{name}: {e}")),
    }
}

/// 2^63, the first number beyond Go's `int`.
const INT_LIMIT: f64 = 9_223_372_036_854_775_808.0;

/// A whole-number argument that fits Go's `int`, as Terraform requires for counts and indices.
fn whole_arg(name: &str, v: &Val) -> Result<i64, EvalError> {
    let n = number_arg(name, v)?;
    if n.fract() != 0.0 || !(-INT_LIMIT..INT_LIMIT).contains(&n) {
        return err(format!(
            "{name}: value must be a whole number, between -9223372036854775808 and 9223372036854775807"
        ));
    }
    Ok(n as i64)
}

/// 2^128.
const U128_LIMIT: f64 = 340_282_366_920_938_463_463_374_607_431_768_211_456.0;

/// A whole number of any size, as sign and magnitude; the magnitude is `None` from 2^128 on.
fn whole_big(name: &str, v: &Val) -> Result<(bool, Option<u128>), EvalError> {
    let n = number_arg(name, v)?;
    if !n.is_finite() || n.fract() != 0.0 {
        return err(format!("{name}: value must be a whole number"));
    }
    let magnitude = n.abs();
    Ok((
        n < 0.0,
        (magnitude < U128_LIMIT).then_some(magnitude as u128),
    ))
}

fn list_arg(name: &str, v: &Val) -> Result<Vec<Val>, EvalError> {
    match v {
        Val::List(items) | Val::Set(items) => Ok(items.as_ref().clone()),
        other => err(format!(
            "{name}: argument must be a list, not a {}",
            other.type_name()
        )),
    }
}

#[cfg(test)]
mod tests;
