//! Deployment context and resource ids.

use super::*;

pub(super) fn resource_group(ctx: &Context) -> Val {
    let mut m = Map::new();
    m.insert(
        "type".into(),
        Val::str("Microsoft.Resources/resourceGroups"),
    );
    if let Some(rg) = &ctx.resource_group {
        m.insert("name".into(), Val::str(rg.clone()));
        if let Some(sub) = &ctx.subscription_id {
            m.insert(
                "id".into(),
                Val::String(format!("/subscriptions/{sub}/resourceGroups/{rg}")),
            );
        }
    }
    if let Some(loc) = &ctx.location {
        m.insert("location".into(), Val::str(loc.clone()));
    }
    Val::Partial(Rc::new(m))
}

pub(super) fn subscription(ctx: &Context) -> Val {
    let mut m = Map::new();
    if let Some(sub) = &ctx.subscription_id {
        m.insert("subscriptionId".into(), Val::str(sub.clone()));
        m.insert("id".into(), Val::String(format!("/subscriptions/{sub}")));
    }
    Val::Partial(Rc::new(m))
}

/// The strings of `args`, `None` if any is unknown.
pub(super) fn strings(name: &str, args: &[Val]) -> Result<Option<Vec<String>>, EvalError> {
    let mut out = Vec::with_capacity(args.len());
    for a in args {
        match a {
            Val::String(s) => out.push(s.clone()),
            Val::Unknown | Val::Partial(_) => return Ok(None),
            other => {
                return err(format!(
                    "{name}() takes strings, not a {}",
                    other.type_name()
                ));
            }
        }
    }
    Ok(Some(out))
}

/// Splits `[scope parts..., type, names...]` at the resource type (the first argument with a
/// `/` that is followed by as many names as the type has segments after the namespace).
pub(super) fn split_type<'a>(
    name: &str,
    args: &'a [String],
) -> Result<(&'a [String], String), EvalError> {
    for (i, a) in args.iter().enumerate() {
        let segments = a.split('/').count();
        if segments >= 2 && args.len() - i - 1 == segments - 1 {
            let (ns, types) = a.split_once('/').unwrap_or((a, ""));
            let mut path = ns.to_string();
            for (t, n) in types.split('/').zip(&args[i + 1..]) {
                path.push('/');
                path.push_str(t);
                path.push('/');
                path.push_str(n);
            }
            return Ok((&args[..i], path));
        }
    }
    err(format!(
        "{name}(): the resource type and names do not match: {}",
        args.join(", ")
    ))
}

pub(super) fn resource_id(args: &[Val], ctx: &Context) -> EvalResult {
    // With unknown parts the id is unknown; but a wrong shape is still an error.
    let Some(parts) = strings("resourceId", args)? else {
        return Ok(Val::Unknown);
    };
    let (scope, path) = split_type("resourceId", &parts)?;
    let (sub, rg) = match scope {
        [] => (ctx.subscription_id.clone(), ctx.resource_group.clone()),
        [rg] => (ctx.subscription_id.clone(), Some(rg.clone())),
        [sub, rg] => (Some(sub.clone()), Some(rg.clone())),
        _ => return err("resourceId(): too many arguments before the resource type"),
    };
    if ctx.scope != TargetScope::ResourceGroup && scope.is_empty() {
        // At other scopes resourceId() without a group names a subscription-level resource.
        return Ok(sub.map_or(Val::Unknown, |s| {
            Val::String(format!("/subscriptions/{s}/providers/{path}"))
        }));
    }
    Ok(match (sub, rg) {
        (Some(s), Some(g)) => Val::String(format!(
            "/subscriptions/{s}/resourceGroups/{g}/providers/{path}"
        )),
        _ => Val::Unknown,
    })
}

pub(super) fn subscription_resource_id(args: &[Val], ctx: &Context) -> EvalResult {
    let Some(parts) = strings("subscriptionResourceId", args)? else {
        return Ok(Val::Unknown);
    };
    let (scope, path) = split_type("subscriptionResourceId", &parts)?;
    let sub = match scope {
        [] => ctx.subscription_id.clone(),
        [sub] => Some(sub.clone()),
        _ => return err("subscriptionResourceId(): too many arguments before the type"),
    };
    Ok(sub.map_or(Val::Unknown, |s| {
        Val::String(format!("/subscriptions/{s}/providers/{path}"))
    }))
}

pub(super) fn tenant_resource_id(args: &[Val]) -> Result<Option<String>, EvalError> {
    let Some(parts) = strings("tenantResourceId", args)? else {
        return Ok(None);
    };
    let (scope, path) = split_type("tenantResourceId", &parts)?;
    if !scope.is_empty() {
        return err("tenantResourceId(): too many arguments before the type");
    }
    Ok(Some(format!("/providers/{path}")))
}

pub(super) fn extension_resource_id(args: &[Val]) -> EvalResult {
    let Some(parts) = strings("extensionResourceId", args)? else {
        return Ok(Val::Unknown);
    };
    let Some((base, rest)) = parts.split_first() else {
        return err("extensionResourceId() needs a resource id");
    };
    let (scope, path) = split_type("extensionResourceId", rest)?;
    if !scope.is_empty() {
        return err("extensionResourceId(): too many arguments before the type");
    }
    Ok(Val::String(format!(
        "{}/providers/{path}",
        base.trim_end_matches('/')
    )))
}

pub(super) fn management_group_resource_id(args: &[Val]) -> EvalResult {
    let Some(parts) = strings("managementGroupResourceId", args)? else {
        return Ok(Val::Unknown);
    };
    let (scope, path) = split_type("managementGroupResourceId", &parts)?;
    match scope {
        [mg] => Ok(Val::String(format!(
            "/providers/Microsoft.Management/managementGroups/{mg}/providers/{path}"
        ))),
        // The management group deployed to is not in the sources.
        [] => Ok(Val::Unknown),
        _ => err("managementGroupResourceId(): too many arguments before the type"),
    }
}
