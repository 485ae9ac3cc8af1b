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

mod collections;
mod deployment;
mod lambdas;
mod logic;
mod numbers;
mod strings;

use collections::*;
use deployment::*;
use lambdas::*;
use logic::*;
use numbers::*;
use strings::*;

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

#[cfg(test)]
mod tests;
