//! Logic and comparison.

use super::*;

/// Deep equality of two values; `None` when an unknown part could decide it.
pub(super) fn deep_equal(a: &Val, b: &Val) -> Option<bool> {
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

pub(super) fn equals(args: &[Val]) -> EvalResult {
    let a = arg("equals", args, 0)?;
    let b = arg("equals", args, 1)?;
    Ok(deep_equal(a, b).map_or(Val::Unknown, Val::Bool))
}

pub(super) fn logical(name: &str, args: &[Val]) -> EvalResult {
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

pub(super) fn if_(args: &[Val]) -> EvalResult {
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

pub(super) fn coalesce(args: &[Val]) -> EvalResult {
    for a in args {
        match a {
            Val::Null => {}
            Val::Unknown => return Ok(Val::Unknown),
            other => return Ok(other.clone()),
        }
    }
    Ok(Val::Null)
}

pub(super) fn to_bool(v: &Val) -> EvalResult {
    match v {
        Val::Bool(b) => Ok(Val::Bool(*b)),
        Val::String(s) if s.eq_ignore_ascii_case("true") => Ok(Val::Bool(true)),
        Val::String(s) if s.eq_ignore_ascii_case("false") => Ok(Val::Bool(false)),
        Val::Number(n) => Ok(Val::Bool(*n != 0.0)),
        other => err(format!("bool() cannot convert {other:?}")),
    }
}

pub(super) fn compare(name: &str, args: &[Val]) -> EvalResult {
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
