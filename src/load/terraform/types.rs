//! Terraform type constraints (`variable "x" { type = ... }`) and the conversions Terraform
//! applies to a variable's value: `number` turns `"7"` into `7`, `object({...})` fills absent
//! `optional(...)` attributes with their defaults and drops undeclared ones, `set(...)` makes
//! a set. A value that cannot be converted is an error, which the caller turns into unknown.

use std::collections::BTreeMap;

use hcl_edit::expr::{Expression, ObjectKey};

use super::value::{EvalError, Map, Val, err};

/// A type constraint.
#[derive(Debug, Clone, PartialEq)]
pub enum Ty {
    Any,
    String,
    Number,
    Bool,
    List(Box<Ty>),
    Set(Box<Ty>),
    Map(Box<Ty>),
    Tuple(Vec<Ty>),
    Object(BTreeMap<String, Attr>),
}

/// An attribute of an object type; `optional` with its default expression, if any.
#[derive(Debug, Clone, PartialEq)]
pub struct Attr {
    pub ty: Ty,
    pub optional: bool,
    pub default: Option<Expression>,
}

impl Ty {
    /// Parses a type expression; `None` for an expression that is not a type (treated as `any`).
    pub fn parse(expr: &Expression) -> Option<Ty> {
        match expr {
            Expression::Variable(v) => match v.as_str() {
                "any" => Some(Ty::Any),
                "string" => Some(Ty::String),
                "number" => Some(Ty::Number),
                "bool" => Some(Ty::Bool),
                _ => None,
            },
            Expression::FuncCall(call) => {
                let args: Vec<&Expression> = call.args.iter().collect();
                match (call.name.name.as_str(), args.as_slice()) {
                    ("list", [t]) => Some(Ty::List(Box::new(Ty::parse(t)?))),
                    ("set", [t]) => Some(Ty::Set(Box::new(Ty::parse(t)?))),
                    ("map", [t]) => Some(Ty::Map(Box::new(Ty::parse(t)?))),
                    ("tuple", [Expression::Array(items)]) => Some(Ty::Tuple(
                        items.iter().map(Ty::parse).collect::<Option<_>>()?,
                    )),
                    ("object", [Expression::Object(obj)]) => {
                        let mut attrs = BTreeMap::new();
                        for (key, value) in obj.iter() {
                            let name = match key {
                                ObjectKey::Ident(id) => id.as_str().to_string(),
                                ObjectKey::Expression(e) => e.as_str()?.to_string(),
                            };
                            attrs.insert(name, Attr::parse(value.expr())?);
                        }
                        Some(Ty::Object(attrs))
                    }
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// Converts a value to this type as Terraform does. `default_of` evaluates the default
    /// expression of an `optional(type, default)` attribute.
    pub fn convert(
        &self,
        value: Val,
        default_of: &dyn Fn(&Expression) -> Val,
    ) -> Result<Val, EvalError> {
        if matches!(value, Val::Unknown | Val::Null) {
            return Ok(value);
        }
        if matches!(value, Val::Partial(_)) {
            return Ok(Val::Unknown);
        }
        match self {
            Ty::Any => Ok(value),
            Ty::String => Ok(value.as_string()?.map_or(Val::Unknown, Val::String)),
            Ty::Number => Ok(value.as_number()?.map_or(Val::Unknown, Val::Number)),
            Ty::Bool => Ok(value.as_bool()?.map_or(Val::Unknown, Val::Bool)),
            Ty::List(t) | Ty::Set(t) => {
                let Some(items) = value.elements() else {
                    return err(format!(
                        "a {} cannot be converted to a list or set",
                        value.type_name()
                    ));
                };
                let converted = items
                    .iter()
                    .map(|v| t.convert(v.clone(), default_of))
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(if matches!(self, Ty::Set(_)) {
                    Val::set(converted)
                } else {
                    Val::list(converted)
                })
            }
            Ty::Tuple(types) => {
                let Some(items) = value.elements() else {
                    return err(format!(
                        "a {} cannot be converted to a tuple",
                        value.type_name()
                    ));
                };
                if items.len() != types.len() {
                    return err(format!(
                        "a tuple of {} elements is required, got {}",
                        types.len(),
                        items.len()
                    ));
                }
                let converted = items
                    .iter()
                    .zip(types)
                    .map(|(v, t)| t.convert(v.clone(), default_of))
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(Val::list(converted))
            }
            Ty::Map(t) => match value {
                Val::Object(m) => {
                    let mut out = Map::new();
                    for (k, v) in m.iter() {
                        out.insert(k.clone(), t.convert(v.clone(), default_of)?);
                    }
                    Ok(Val::object(out))
                }
                other => err(format!(
                    "a {} cannot be converted to a map",
                    other.type_name()
                )),
            },
            Ty::Object(attrs) => match value {
                Val::Object(m) => {
                    let mut out = Map::new();
                    for (name, attr) in attrs {
                        let v = match m.get(name) {
                            Some(Val::Null) | None if attr.optional => match &attr.default {
                                Some(d) => attr.ty.convert(default_of(d), default_of)?,
                                None => Val::Null,
                            },
                            Some(v) => attr.ty.convert(v.clone(), default_of)?,
                            None => return err(format!("attribute \"{name}\" is required")),
                        };
                        out.insert(name.clone(), v);
                    }
                    Ok(Val::object(out))
                }
                other => err(format!(
                    "a {} cannot be converted to an object",
                    other.type_name()
                )),
            },
        }
    }
}

impl Attr {
    fn parse(expr: &Expression) -> Option<Attr> {
        if let Expression::FuncCall(call) = expr
            && call.name.name.as_str() == "optional"
        {
            let args: Vec<&Expression> = call.args.iter().collect();
            return match args.as_slice() {
                [t] => Some(Attr {
                    ty: Ty::parse(t)?,
                    optional: true,
                    default: None,
                }),
                [t, d] => Some(Attr {
                    ty: Ty::parse(t)?,
                    optional: true,
                    default: Some((*d).clone()),
                }),
                _ => None,
            };
        }
        Some(Attr {
            ty: Ty::parse(expr)?,
            optional: false,
            default: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ty(src: &str) -> Ty {
        let expr = hcl_edit::parser::parse_expr(src).unwrap();
        Ty::parse(&expr).unwrap()
    }

    fn no_default(_: &Expression) -> Val {
        Val::Unknown
    }

    #[test]
    fn converts_primitives() {
        assert_eq!(
            ty("number").convert(Val::str("7"), &no_default).unwrap(),
            Val::Number(7.0)
        );
        assert_eq!(
            ty("string").convert(Val::Bool(true), &no_default).unwrap(),
            Val::str("true")
        );
        assert!(ty("bool").convert(Val::str("yes"), &no_default).is_err());
    }

    #[test]
    fn fills_optional_attributes() {
        let t = ty(
            "object({ encrypted = optional(bool, true), days = optional(number), name = string })",
        );
        let mut m = Map::new();
        m.insert("name".into(), Val::str("db"));
        m.insert("extra".into(), Val::Number(1.0));
        let default = |e: &Expression| match e {
            Expression::Bool(b) => Val::Bool(*b.value()),
            _ => Val::Unknown,
        };
        let out = t.convert(Val::object(m), &default).unwrap();
        let Val::Object(o) = out else { panic!() };
        assert_eq!(o.get("encrypted"), Some(&Val::Bool(true)));
        assert_eq!(o.get("days"), Some(&Val::Null));
        assert_eq!(o.get("extra"), None);
        assert!(
            t.convert(Val::object(Map::new()), &default).is_err(),
            "name is required"
        );
    }

    #[test]
    fn sets_and_lists() {
        let out = ty("set(number)").convert(
            Val::list(vec![Val::str("10"), Val::Number(9.0), Val::Number(9.0)]),
            &no_default,
        );
        assert_eq!(
            out.unwrap(),
            Val::set(vec![Val::Number(9.0), Val::Number(10.0)])
        );
        assert!(
            ty("list(string)")
                .convert(Val::str("x"), &no_default)
                .is_err()
        );
    }
}
