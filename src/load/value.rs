//! Values of the template languages as tenet evaluates them, including "not knowable".
//!
//! Shared by the Terraform, Bicep and ARM loaders. Terraform distinguishes many types (list/tuple/set, map/object); for checking
//! configurations, tenet keeps the JSON-like shapes and adds two kinds of not-knowing:
//! [`Val::Unknown`] (a value decided only at apply time or from an unset variable) and
//! [`Val::Partial`] (an object of which only some attributes are known, such as a resource
//! instance whose computed attributes like `id` and `arn` are not).

use std::collections::BTreeMap;
use std::rc::Rc;

use serde_json::Value as Json;

use crate::graph::AttrPath;

pub type Map = BTreeMap<String, Val>;

#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    List(Rc<Vec<Val>>),
    /// A set (from `toset` or a `set(...)` type): iterating it gives each element as both key
    /// and value, and it cannot be indexed. Elements are unique, in Terraform's order.
    Set(Rc<Vec<Val>>),
    Object(Rc<Map>),
    /// An object whose absent attributes are unknown rather than missing.
    Partial(Rc<Map>),
    Unknown,
}

/// An expression Terraform itself would reject (type mismatch, missing key, bad call).
#[derive(Debug, Clone, PartialEq)]
pub struct EvalError(pub String);

impl std::fmt::Display for EvalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

pub type EvalResult = Result<Val, EvalError>;

pub fn err<T>(msg: impl Into<String>) -> Result<T, EvalError> {
    Err(EvalError(msg.into()))
}

impl Val {
    pub fn list(items: Vec<Val>) -> Val {
        Val::List(Rc::new(items))
    }

    /// A set of the given elements: duplicates removed, strings sorted lexically and numbers
    /// numerically (as Terraform orders sets of primitives).
    pub fn set(items: Vec<Val>) -> Val {
        let mut out: Vec<Val> = Vec::with_capacity(items.len());
        for item in items {
            if !out.contains(&item) {
                out.push(item);
            }
        }
        if out.iter().all(|v| matches!(v, Val::String(_))) {
            out.sort_by(|a, b| match (a, b) {
                (Val::String(x), Val::String(y)) => x.cmp(y),
                _ => std::cmp::Ordering::Equal,
            });
        } else if out.iter().all(|v| matches!(v, Val::Number(_))) {
            out.sort_by(|a, b| match (a, b) {
                (Val::Number(x), Val::Number(y)) => x.total_cmp(y),
                _ => std::cmp::Ordering::Equal,
            });
        }
        Val::Set(Rc::new(out))
    }

    /// The elements of a list or set.
    pub fn elements(&self) -> Option<&[Val]> {
        match self {
            Val::List(items) | Val::Set(items) => Some(items),
            _ => None,
        }
    }

    pub fn object(map: Map) -> Val {
        Val::Object(Rc::new(map))
    }

    pub fn str(s: impl Into<String>) -> Val {
        Val::String(s.into())
    }

    pub fn type_name(&self) -> &'static str {
        match self {
            Val::Null => "null",
            Val::Bool(_) => "bool",
            Val::Number(_) => "number",
            Val::String(_) => "string",
            Val::List(_) => "list",
            Val::Set(_) => "set",
            Val::Object(_) | Val::Partial(_) => "object",
            Val::Unknown => "unknown",
        }
    }

    /// True when no part of the value is unknown.
    pub fn is_wholly_known(&self) -> bool {
        match self {
            Val::Unknown | Val::Partial(_) => false,
            Val::List(items) | Val::Set(items) => items.iter().all(Val::is_wholly_known),
            Val::Object(map) => map.values().all(Val::is_wholly_known),
            _ => true,
        }
    }

    /// The value as a string, with Terraform's automatic conversions from numbers and bools.
    pub fn as_string(&self) -> Result<Option<String>, EvalError> {
        match self {
            Val::String(s) => Ok(Some(s.clone())),
            Val::Number(n) => Ok(Some(format_number(*n))),
            Val::Bool(b) => Ok(Some(b.to_string())),
            Val::Unknown | Val::Partial(_) => Ok(None),
            Val::Null => err("a null value cannot be used as a string"),
            other => err(format!(
                "a {} cannot be used as a string",
                other.type_name()
            )),
        }
    }

    /// The value as a number, converting numeric strings as Terraform does.
    pub fn as_number(&self) -> Result<Option<f64>, EvalError> {
        match self {
            Val::Number(n) => Ok(Some(*n)),
            Val::String(s) => s
                .trim()
                .parse::<f64>()
                .map(Some)
                .map_err(|_| EvalError(format!("cannot convert \"{s}\" to a number"))),
            Val::Unknown => Ok(None),
            other => err(format!(
                "a {} cannot be used as a number",
                other.type_name()
            )),
        }
    }

    /// The value as a bool, converting `"true"`/`"false"` as Terraform does.
    pub fn as_bool(&self) -> Result<Option<bool>, EvalError> {
        match self {
            Val::Bool(b) => Ok(Some(*b)),
            Val::String(s) if s == "true" => Ok(Some(true)),
            Val::String(s) if s == "false" => Ok(Some(false)),
            Val::Unknown => Ok(None),
            other => err(format!("a {} cannot be used as a bool", other.type_name())),
        }
    }

    /// Converts to JSON for the resource graph. Unknown parts are left out of objects (or put
    /// as `null` in lists, to keep indices) and their paths pushed onto `unknown`.
    pub fn to_json(&self, path: &AttrPath, unknown: &mut Vec<String>) -> Option<Json> {
        self.json_at(&mut path.clone(), unknown)
    }

    /// The JSON form of an object's entries, as [`Val::to_json`] gives it for `Val::Object`,
    /// without the object: `path` is the object's path, extended in place as the walk goes
    /// (one buffer instead of a path per value) and left as it was.
    pub fn map_to_json(
        map: &Map,
        path: &mut AttrPath,
        unknown: &mut Vec<String>,
    ) -> serde_json::Map<String, Json> {
        let mut out = serde_json::Map::with_capacity(map.len());
        for (k, v) in map.iter() {
            let len = path.text_len();
            path.push_key(k);
            let json = v.json_at(path, unknown);
            path.truncate(len);
            if let Some(j) = json {
                out.insert(k.clone(), j);
            }
        }
        out
    }

    fn json_at(&self, path: &mut AttrPath, unknown: &mut Vec<String>) -> Option<Json> {
        match self {
            Val::Unknown | Val::Partial(_) => {
                unknown.push(path.as_str().to_string());
                None
            }
            Val::Null => Some(Json::Null),
            Val::Bool(b) => Some(Json::Bool(*b)),
            Val::Number(n) => Some(number_json(*n)),
            Val::String(s) => Some(Json::String(s.clone())),
            Val::List(items) | Val::Set(items) => Some(Json::Array(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| {
                        let len = path.text_len();
                        path.push_index(i);
                        let json = v.json_at(path, unknown);
                        path.truncate(len);
                        json.unwrap_or(Json::Null)
                    })
                    .collect(),
            )),
            Val::Object(map) => Some(Json::Object(Val::map_to_json(map, path, unknown))),
        }
    }

    /// Converts JSON (from `jsondecode`, `.tf.json`, tfvars) into a value.
    pub fn from_json(json: &Json) -> Val {
        match json {
            Json::Null => Val::Null,
            Json::Bool(b) => Val::Bool(*b),
            Json::Number(n) => Val::Number(n.as_f64().unwrap_or(f64::NAN)),
            Json::String(s) => Val::String(s.clone()),
            Json::Array(a) => Val::list(a.iter().map(Val::from_json).collect()),
            Json::Object(o) => Val::object(
                o.iter()
                    .map(|(k, v)| (k.clone(), Val::from_json(v)))
                    .collect(),
            ),
        }
    }

    /// Converts a wholly known value to JSON (for `jsonencode`); `None` if any part is unknown.
    pub fn to_known_json(&self) -> Option<Json> {
        let mut unknown = Vec::new();
        let json = self.to_json(&AttrPath::root(), &mut unknown)?;
        unknown.is_empty().then_some(json)
    }
}

/// Integral numbers print without a fraction, as Terraform does.
pub fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

fn number_json(n: f64) -> Json {
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        Json::from(n as i64)
    } else {
        serde_json::Number::from_f64(n).map_or(Json::Null, Json::Number)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_parts_are_listed_not_guessed() {
        let mut m = Map::new();
        m.insert("a".into(), Val::Number(1.0));
        m.insert("b".into(), Val::Unknown);
        m.insert(
            "c".into(),
            Val::list(vec![Val::str("x"), Val::Unknown, Val::Bool(true)]),
        );
        let mut unknown = Vec::new();
        let json = Val::object(m)
            .to_json(&AttrPath::root().key("root"), &mut unknown)
            .unwrap();
        assert_eq!(json, serde_json::json!({"a": 1, "c": ["x", null, true]}));
        assert_eq!(unknown, vec!["root.b", "root.c[1]"]);
    }

    #[test]
    fn conversions_follow_terraform() {
        assert_eq!(Val::Number(3.0).as_string().unwrap(), Some("3".into()));
        assert_eq!(Val::Number(2.5).as_string().unwrap(), Some("2.5".into()));
        assert_eq!(Val::str("42").as_number().unwrap(), Some(42.0));
        assert_eq!(Val::str("true").as_bool().unwrap(), Some(true));
        assert!(Val::str("yes").as_bool().is_err());
        assert!(Val::Null.as_string().is_err());
        assert_eq!(Val::Unknown.as_string().unwrap(), None);
    }
}
