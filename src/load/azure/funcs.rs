//! The ARM template functions (which Bicep shares), evaluated where their arguments are known.
//!
//! A function whose result depends on the deployment (`resourceGroup().location`, `utcNow()`,
//! `reference()`, `newGuid()`) or on an unknown argument gives [`Val::Unknown`]; a function
//! tenet does not implement also gives `Unknown`, never a guess.

use crate::load::value::{EvalResult, Map, Val, err};

use super::Context;

/// A lambda argument (`x => x.name` in Bicep, `lambda('x', ...)` in ARM), called with its
/// parameters' values.
pub type Lambda<'a> = &'a mut dyn FnMut(&[Val]) -> EvalResult;

/// Calls function `name` (case-insensitive, with or without the `az.`/`sys.` namespace) on
/// `args`, the values of the non-lambda arguments in order; `lambdas` are the lambda arguments
/// in order.
pub fn call(name: &str, args: &[Val], lambdas: &mut [Lambda<'_>], ctx: &Context) -> EvalResult {
    let _ = (lambdas, ctx);
    let name = name
        .strip_prefix("az.")
        .or_else(|| name.strip_prefix("sys."))
        .unwrap_or(name)
        .to_ascii_lowercase();
    match name.as_str() {
        "tolower" | "toupper" => match args {
            [Val::String(s)] if name == "tolower" => Ok(Val::str(s.to_lowercase())),
            [Val::String(s)] => Ok(Val::str(s.to_uppercase())),
            [Val::Unknown] => Ok(Val::Unknown),
            _ => err(format!("{name}() takes one string")),
        },
        "resourcegroup" | "subscription" | "tenant" | "managementgroup" | "deployment" => {
            Ok(Val::Partial(std::rc::Rc::new(Map::new())))
        }
        _ => Ok(Val::Unknown),
    }
}
