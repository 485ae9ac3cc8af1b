//! Collection functions: `slice`, `reverse`, `sort`, `index`, `sum`, the set operations,
//! `setproduct`, `chunklist`, `coalescelist`, `matchkeys`, `transpose`, `formatlist`.
//!
//! Terraform converts collection arguments to one element type first (a tuple `["a", 1]`
//! becomes `["a", "1"]` where a list of strings is needed). tenet reproduces the conversions
//! between primitive types and gives unknown results where it would have to guess others.

use std::collections::BTreeMap;

use super::super::value::{EvalError, EvalResult, Map, Val, err};
use super::{arity, list_arg, string_arg, whole_arg};

/// Largest `setproduct` result built; bigger ones are unknown.
const MAX_PRODUCT: usize = 10_000;

/// Elements converted to one primitive type as Terraform's type unification does: elements of
/// one kind stay as they are, strings mixed with numbers or bools make everything a string.
/// `None` for nulls, collections, or numbers mixed with bools.
fn unify_primitives(items: Vec<Val>) -> Option<Vec<Val>> {
    let kind = |v: &Val| match v {
        Val::String(_) => Some(0),
        Val::Number(_) => Some(1),
        Val::Bool(_) => Some(2),
        _ => None,
    };
    let kinds: Vec<u8> = items.iter().map(kind).collect::<Option<_>>()?;
    if kinds.windows(2).all(|w| w[0] == w[1]) {
        return Some(items);
    }
    if !kinds.contains(&0) {
        return None;
    }
    items
        .iter()
        .map(|v| v.as_string().ok().flatten().map(Val::String))
        .collect()
}

/// A list or set argument's elements, unified: see [`unify_primitives`]. Collections of
/// collections or objects are kept when no primitive is mixed in.
fn unified_elements(name: &str, v: &Val) -> Result<Option<Vec<Val>>, EvalError> {
    let items = list_arg(name, v)?;
    let primitive = |v: &Val| matches!(v, Val::String(_) | Val::Number(_) | Val::Bool(_));
    if items.iter().all(primitive) {
        return Ok(unify_primitives(items));
    }
    let structured = |v: &Val| matches!(v, Val::List(_) | Val::Set(_) | Val::Object(_));
    Ok(items.iter().all(structured).then_some(items))
}

/// `slice(list, start, end)`: elements `start` up to (not including) `end`.
pub fn slice(args: Vec<Val>) -> EvalResult {
    let [list, start, end] = arity::<3>("slice", args)?;
    let items = match list {
        Val::List(items) => items,
        Val::Set(_) => {
            return err(
                "slice: cannot slice a set, because its elements do not have indices; explicitly convert to a list if the ordering of the result is not important",
            );
        }
        _ => return err("slice: must be a list or tuple value"),
    };
    let len = items.len() as i64;
    let start = whole_arg("slice", &start)?;
    if start < 0 {
        return err("slice: start index must not be less than zero");
    }
    if start > len {
        return err("slice: start index must not be greater than the length of the list");
    }
    let end = whole_arg("slice", &end)?;
    if end < 0 {
        return err("slice: end index must not be less than zero");
    }
    if end > len {
        return err("slice: end index must not be greater than the length of the list");
    }
    if start > end {
        return err("slice: start index must not be greater than end index");
    }
    Ok(Val::list(items[start as usize..end as usize].to_vec()))
}

/// `reverse(list)`: the elements in reverse order (a set gives a list).
pub fn reverse(args: Vec<Val>) -> EvalResult {
    let [list] = arity::<1>("reverse", args)?;
    match list.elements() {
        Some(items) => Ok(Val::list(items.iter().rev().cloned().collect())),
        None => err(format!(
            "reverse: can only reverse list or tuple values, not {}",
            list.type_name()
        )),
    }
}

/// `sort(list)`: the elements as strings, in lexicographic (byte) order.
pub fn sort(args: Vec<Val>) -> EvalResult {
    let [list] = arity::<1>("sort", args)?;
    let items = list_arg("sort", &list)?;
    let mut strings = Vec::with_capacity(items.len());
    for (i, v) in items.iter().enumerate() {
        if matches!(v, Val::Null) {
            return err(format!(
                "sort: given list element {i} is null; a null string cannot be sorted"
            ));
        }
        strings.push(string_arg("sort", v)?);
    }
    strings.sort();
    Ok(Val::list(strings.into_iter().map(Val::String).collect()))
}

/// `index(list, value)`: the position of the first element equal to `value` (same type and
/// value); an error when there is none.
pub fn index(args: Vec<Val>) -> EvalResult {
    let [list, value] = arity::<2>("index", args)?;
    let Val::List(items) = list else {
        return err("index: argument must be a list or tuple");
    };
    if items.is_empty() {
        return err("index: cannot search an empty list");
    }
    match items.iter().position(|v| *v == value) {
        Some(i) => Ok(Val::Number(i as f64)),
        None => err("index: item not found"),
    }
}

/// `sum(list)`: the sum of the elements (numeric strings converted). Terraform adds with more
/// precision than `f64`, so a sum is given only when every addition is exact in `f64`.
pub fn sum(args: Vec<Val>) -> EvalResult {
    let [list] = arity::<1>("sum", args)?;
    let Some(items) = list.elements() else {
        return err(format!(
            "sum: argument must be list, set, or tuple. Received {}",
            list.type_name()
        ));
    };
    if items.is_empty() {
        return err("sum: cannot sum an empty list");
    }
    let mut total = 0.0_f64;
    let mut exact = true;
    for v in items {
        let n = match v {
            Val::Number(n) => *n,
            Val::String(_) => v.as_number()?.unwrap_or(f64::NAN),
            _ => return err("sum: argument must be list, set, or tuple of number values"),
        };
        if total.is_infinite() && n.is_infinite() && total.signum() != n.signum() {
            return err("sum: can't compute sum of opposing infinities");
        }
        let s = total + n;
        // Knuth's two-sum: the rounding error of `total + n`.
        let back = s - total;
        let error = (total - (s - back)) + (n - back);
        exact &= s.is_finite() && error == 0.0;
        total = s;
    }
    Ok(if exact {
        Val::Number(total)
    } else {
        Val::Unknown
    })
}

/// `setunion`, `setintersection`, `setsubtract`.
pub fn set_operation(name: &str, args: Vec<Val>) -> EvalResult {
    if args.is_empty() || (name == "setsubtract" && args.len() != 2) {
        return err(format!("{name}: wrong number of arguments"));
    }
    let mut sets = Vec::with_capacity(args.len());
    for a in &args {
        sets.push(list_arg(name, a)?);
    }
    // Unify all elements together, then split them back into their sets.
    let sizes: Vec<usize> = sets.iter().map(Vec::len).collect();
    let Some(all) = unify_primitives(sets.into_iter().flatten().collect()) else {
        return Ok(Val::Unknown);
    };
    let mut rest = all.as_slice();
    let mut sets: Vec<&[Val]> = Vec::with_capacity(sizes.len());
    for n in sizes {
        let (head, tail) = rest.split_at(n);
        sets.push(head);
        rest = tail;
    }
    let (first, others) = sets
        .split_first()
        .map_or((&[][..], &[][..]), |(f, o)| (*f, o));
    let result: Vec<Val> = match name {
        "setunion" => sets.iter().flat_map(|s| s.iter().cloned()).collect(),
        "setintersection" => first
            .iter()
            .filter(|v| others.iter().all(|o| o.contains(v)))
            .cloned()
            .collect(),
        _ => first
            .iter()
            .filter(|v| !others.iter().any(|o| o.contains(v)))
            .cloned()
            .collect(),
    };
    Ok(Val::set(result))
}

/// `setproduct(sets...)`: every combination, the last argument varying fastest; a list when all
/// arguments are lists, otherwise a set.
pub fn setproduct(args: Vec<Val>) -> EvalResult {
    if args.len() < 2 {
        return err("setproduct: at least two arguments are required");
    }
    let all_lists = args.iter().all(|a| matches!(a, Val::List(_)));
    let mut factors = Vec::with_capacity(args.len());
    for a in &args {
        if !matches!(a, Val::List(_) | Val::Set(_)) {
            return err("setproduct: a set or a list is required");
        }
        match unified_elements("setproduct", a)? {
            Some(items) => factors.push(items),
            None => return Ok(Val::Unknown),
        }
    }
    let total = factors
        .iter()
        .try_fold(1usize, |acc, f| acc.checked_mul(f.len()));
    let Some(total) = total.filter(|t| *t <= MAX_PRODUCT) else {
        return Ok(Val::Unknown);
    };
    let mut product = Vec::with_capacity(total);
    let mut digits = vec![0usize; factors.len()];
    for _ in 0..total {
        product.push(Val::list(
            digits
                .iter()
                .zip(&factors)
                .map(|(d, f)| f[*d].clone())
                .collect(),
        ));
        for j in (0..digits.len()).rev() {
            digits[j] += 1;
            if digits[j] < factors[j].len() {
                break;
            }
            digits[j] = 0;
        }
    }
    Ok(if all_lists {
        Val::list(product)
    } else {
        Val::set(product)
    })
}

/// `chunklist(list, size)`: consecutive chunks of `size` elements (the last may be shorter);
/// size 0 gives the whole list as the one chunk.
pub fn chunklist(args: Vec<Val>) -> EvalResult {
    let [list, size] = arity::<2>("chunklist", args)?;
    let items = list_arg("chunklist", &list)?;
    let size = whole_arg("chunklist", &size)?;
    if size < 0 {
        return err("chunklist: the size argument must be positive");
    }
    if items.is_empty() {
        return Ok(Val::list(Vec::new()));
    }
    if size == 0 {
        return Ok(Val::list(vec![Val::list(items)]));
    }
    let size = usize::try_from(size).unwrap_or(usize::MAX);
    Ok(Val::list(
        items.chunks(size).map(|c| Val::list(c.to_vec())).collect(),
    ))
}

/// `coalescelist(lists...)`: the first non-empty list. Terraform checks first that every
/// argument is a list or tuple (an untyped `null` is not); with an unknown argument that check
/// is skipped and the first non-empty list before it is the result.
pub fn coalescelist(args: &[Val]) -> EvalResult {
    if args.is_empty() {
        return err("coalescelist: at least one argument is required");
    }
    let any_unknown = args
        .iter()
        .any(|a| matches!(a, Val::Unknown | Val::Partial(_)));
    for a in args {
        match a {
            Val::List(items) if !items.is_empty() => return Ok(a.clone()),
            Val::List(_) => {}
            Val::Null if any_unknown => {}
            // An untyped null fails Terraform's type check; a typed one (a null list
            // variable) would be skipped: not distinguishable here.
            Val::Null => return Ok(Val::Unknown),
            _ if any_unknown => return Ok(Val::Unknown),
            _ => return err("coalescelist: coalescelist arguments must be lists or tuples"),
        }
    }
    err("coalescelist: no non-null arguments")
}

/// `matchkeys(values, keys, searchset)`: the values whose key (at the same index) is in the
/// search set.
pub fn matchkeys(args: Vec<Val>) -> EvalResult {
    let [values, keys, search] = arity::<3>("matchkeys", args)?;
    let (values, keys, search) = (
        list_arg("matchkeys", &values)?,
        list_arg("matchkeys", &keys)?,
        list_arg("matchkeys", &search)?,
    );
    if values.len() != keys.len() {
        return err("matchkeys: length of keys and values should be equal");
    }
    if search.is_empty() {
        return Ok(Val::list(Vec::new()));
    }
    let n_keys = keys.len();
    let Some(both) = unify_primitives(keys.into_iter().chain(search).collect()) else {
        return Ok(Val::Unknown);
    };
    let (keys, search) = both.split_at(n_keys);
    Ok(Val::list(
        values
            .into_iter()
            .zip(keys)
            .filter(|(_, k)| search.contains(k))
            .map(|(v, _)| v)
            .collect(),
    ))
}

/// `transpose(map)`: a map of lists of strings with keys and values swapped; each new list is
/// sorted.
pub fn transpose(args: Vec<Val>) -> EvalResult {
    let [map] = arity::<1>("transpose", args)?;
    let Val::Object(map) = map else {
        return err("transpose: input must be a map of lists of strings");
    };
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (key, list) in map.iter() {
        let Some(items) = list.elements() else {
            return err("transpose: input must be a map of lists of strings");
        };
        for item in items {
            let value = match item {
                Val::String(_) | Val::Number(_) | Val::Bool(_) => string_arg("transpose", item)?,
                _ => return err("transpose: input must be a map of lists of strings"),
            };
            out.entry(value).or_default().push(key.clone());
        }
    }
    let mut result = Map::new();
    for (k, mut v) in out {
        v.sort();
        result.insert(k, Val::list(v.into_iter().map(Val::String).collect()));
    }
    Ok(Val::object(result))
}

/// `formatlist(spec, args...)`: `format` applied element by element; list and set arguments
/// must all have the same length, other arguments are repeated.
pub fn formatlist(args: Vec<Val>) -> EvalResult {
    let Some((spec, rest)) = args.split_first() else {
        return err("formatlist needs a format string");
    };
    if rest.is_empty() {
        return Ok(Val::list(vec![super::format(&args)?]));
    }
    let mut len: Option<(usize, usize)> = None;
    for (i, a) in rest.iter().enumerate() {
        if let Some(items) = a.elements() {
            match len {
                None => len = Some((items.len(), i)),
                Some((l, first)) if l != items.len() => {
                    return err(format!(
                        "formatlist: argument {} has length {}, which is inconsistent with argument {} of length {l}",
                        i + 1,
                        items.len(),
                        first + 1
                    ));
                }
                Some(_) => {}
            }
        }
    }
    let rounds = len.map_or(1, |(l, _)| l);
    let mut out = Vec::with_capacity(rounds);
    for round in 0..rounds {
        let mut call_args = Vec::with_capacity(args.len());
        call_args.push(spec.clone());
        for a in rest {
            call_args.push(match a.elements() {
                Some(items) => items[round].clone(),
                None => a.clone(),
            });
        }
        match super::format(&call_args) {
            Ok(v) => out.push(v),
            Err(e) => {
                return err(format!(
                    "formatlist: error on format iteration {round}: {e}"
                ));
            }
        }
    }
    Ok(Val::list(out))
}
