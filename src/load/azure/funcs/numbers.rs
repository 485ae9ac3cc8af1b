//! Numbers.

use super::*;

pub(super) fn arithmetic(name: &str, args: &[Val]) -> EvalResult {
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

pub(super) fn min_max(name: &str, args: &[Val]) -> EvalResult {
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

pub(super) fn to_int(v: &Val) -> EvalResult {
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
pub(super) const MAX_PAD: u64 = 10_000;

/// Longest array `range()` builds (ARM's own limit).
pub(super) const MAX_RANGE: i64 = 10_000;

pub(super) fn range(args: &[Val]) -> EvalResult {
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
