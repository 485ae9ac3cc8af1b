//! Arrays and objects.

use super::*;

pub(super) fn array(args: &[Val]) -> EvalResult {
    match arg("array", args, 0)? {
        Val::List(_) => Ok(args[0].clone()),
        Val::Set(items) => Ok(Val::List(items.clone())),
        Val::Unknown => Ok(Val::Unknown),
        other => Ok(Val::list(vec![other.clone()])),
    }
}

pub(super) fn create_object(args: &[Val]) -> EvalResult {
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

pub(super) fn length(args: &[Val]) -> EvalResult {
    match arg("length", args, 0)? {
        Val::String(s) => Ok(Val::Number(s.chars().count() as f64)),
        Val::List(items) | Val::Set(items) => Ok(Val::Number(items.len() as f64)),
        Val::Object(m) => Ok(Val::Number(m.len() as f64)),
        Val::Unknown | Val::Partial(_) => Ok(Val::Unknown),
        other => err(format!("length() of a {}", other.type_name())),
    }
}

pub(super) fn empty(args: &[Val]) -> EvalResult {
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

pub(super) fn contains(args: &[Val]) -> EvalResult {
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
pub(super) fn try_get(args: &[Val]) -> EvalResult {
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

pub(super) fn index_from_end(name: &str, args: &[Val]) -> EvalResult {
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

pub(super) fn first_last(name: &str, v: &Val) -> EvalResult {
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

pub(super) fn take_skip(name: &str, args: &[Val]) -> EvalResult {
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
pub(super) fn union(args: &[Val]) -> EvalResult {
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

pub(super) fn merge_deep(into: &mut Map, from: &Map) {
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

pub(super) fn intersection(args: &[Val]) -> EvalResult {
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
pub(super) fn items(v: &Val) -> EvalResult {
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

pub(super) fn shallow_merge(v: &Val) -> EvalResult {
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

pub(super) fn flatten(v: &Val) -> EvalResult {
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
