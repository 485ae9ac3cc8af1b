//! Functions that take lambdas.

use super::*;

pub(super) fn lambda_call(name: &str, args: &[Val], lambdas: &mut [Lambda<'_>]) -> EvalResult {
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
