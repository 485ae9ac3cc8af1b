//! Host builtins: functions of the built-in libraries that are implemented in Rust, because
//! in Rego they were among the costliest calls of every evaluation. Every engine tenet
//! creates has them ([`super::new_engine`]); the library functions that call them keep their
//! names and meaning, so rules do not see the difference.
//!
//! - `tenet_unknown_covers(paths, path)`: some path of the list `paths` is `path`, encloses it
//!   or lies inside it (`lib.tenet.is_unknown`). In Rego, four rule bodies per unknown path:
//!   60–90 µs per call on module-expanded Terraform resources, which carry tens of them.
//! - `tenet_k8s_pod_spec(r)`: `{"spec", "path"}` of a Kubernetes workload's pod spec,
//!   undefined for other resources (`lib.kubernetes.pod_spec`), from the same table of
//!   workload kinds the loader links service accounts with.
//! - `tenet_k8s_pod_metadata(r)`: `{"meta", "path"}` of the metadata beside a workload's pod
//!   spec (`lib.kubernetes.pod_metadata`), `meta` being `{}` when absent or not an object.
//! - `tenet_k8s_containers(r)`: every container of a workload, regular, init and ephemeral,
//!   as `{"container", "path", "field", "pod", "pod_path"}` (`lib.kubernetes.containers`).
//!   Each Kubernetes rule builds `all_containers` from it: ~28 ms per rule on the corpus's
//!   469 workloads in Rego.
//! - `tenet_or(v, fallback)`, `tenet_obj(x)`, `tenet_list(x)` and `tenet_get(o, path,
//!   fallback)`: `lib.kubernetes._or`, `obj`, `list` and `get`, the small helpers every
//!   Kubernetes rule calls many times per container (`sc`, `pod_sc`). In Rego each was a
//!   function of two bodies, both evaluated on every call: about 1 µs per call, a third of
//!   `k8s-run-as-root`.
//! - `tenet_k8s_describe(c)` and `tenet_k8s_container_path(c, segments)`: the message and
//!   attribute parts of a container finding (`lib.kubernetes.describe`, `container_path`),
//!   ~24 µs per finding in Rego. They cover the well-formed case only and are undefined
//!   otherwise (a name that `%q` would escape, a malformed container), where the Rego
//!   definition, kept as the `else` branch, answers as before.

use regorus::Value;

use crate::load::kubernetes::{group_kind, pod_spec_path};

/// Adds the builtins to a new engine.
pub(crate) fn register(engine: &mut regorus::Engine) {
    // Adding a builtin fails only when its name is already taken: not in a new engine.
    let _ = engine.add_extension(
        "tenet_unknown_covers".to_string(),
        2,
        Box::new(|args: Vec<Value>| {
            Ok(Value::from(match (args.first(), args.get(1)) {
                (Some(Value::Array(paths)), Some(Value::String(path))) => {
                    paths.iter().any(|u| match u {
                        Value::String(u) => unknown_covers(u, path),
                        _ => false,
                    })
                }
                _ => false,
            }))
        }),
    );
    unary(engine, "tenet_k8s_pod_spec", |r| {
        pod_spec(r)
            .map(|(spec, path)| object([("spec", spec.clone()), ("path", Value::from(path))]))
    });
    let _ = engine.add_extension(
        "tenet_or".to_string(),
        2,
        Box::new(|mut args: Vec<Value>| Ok(or(args.swap_remove(0), || args.pop()))),
    );
    // `x` when it is of the kind, else the kind's empty value.
    type Kind = (&'static str, fn(&Value) -> bool, fn() -> Value);
    let kinds: [Kind; 2] = [
        (
            "tenet_obj",
            |v| matches!(v, Value::Object(_)),
            Value::new_object,
        ),
        (
            "tenet_list",
            |v| matches!(v, Value::Array(_)),
            Value::new_array,
        ),
    ];
    for (name, is_kind, empty) in kinds {
        let _ = engine.add_extension(
            name.to_string(),
            1,
            Box::new(move |mut args: Vec<Value>| {
                Ok(args.pop().filter(&is_kind).unwrap_or_else(empty))
            }),
        );
    }
    let _ = engine.add_extension(
        "tenet_get".to_string(),
        3,
        Box::new(|mut args: Vec<Value>| {
            let fallback = args.pop();
            match (args.first(), args.get(1)) {
                (Some(o @ Value::Object(_)), Some(path)) => Ok(or(get(o, path), || fallback)),
                (Some(other), _) => Err(anyhow::anyhow!(
                    "tenet_get: the first argument must be an object, got {other}"
                )),
                _ => Ok(Value::Undefined),
            }
        }),
    );
    unary(engine, "tenet_k8s_pod_metadata", pod_metadata);
    unary(engine, "tenet_k8s_describe", |c| {
        describe(c).map(Value::from)
    });
    let _ = engine.add_extension(
        "tenet_k8s_container_path".to_string(),
        2,
        Box::new(|args: Vec<Value>| {
            Ok(match (args.first(), args.get(1)) {
                (Some(c), Some(segments)) => {
                    container_path(c, segments).map_or(Value::Undefined, Value::from)
                }
                _ => Value::Undefined,
            })
        }),
    );
    unary(engine, "tenet_k8s_containers", |r| {
        Some(Value::from(containers(r)))
    });
}

/// Adds a builtin of one argument, undefined where `f` gives nothing.
fn unary(engine: &mut regorus::Engine, name: &str, f: fn(&Value) -> Option<Value>) {
    let _ = engine.add_extension(
        name.to_string(),
        1,
        Box::new(move |args: Vec<Value>| Ok(args.first().and_then(f).unwrap_or(Value::Undefined))),
    );
}

/// `v`, or the fallback when `v` is null (`_or`).
fn or(v: Value, fallback: impl FnOnce() -> Option<Value>) -> Value {
    match v {
        Value::Null => fallback().unwrap_or(Value::Undefined),
        v => v,
    }
}

/// `object.get(o, path, null)`: the value at `path` (a list of keys and indices, or one key)
/// under `o`, null when missing.
fn get(o: &Value, path: &Value) -> Value {
    let found = match path {
        Value::Array(keys) => keys.iter().try_fold(o, |v, k| match &v[k] {
            Value::Undefined => None,
            next => Some(next),
        }),
        key => match &o[key] {
            Value::Undefined => None,
            v => Some(v),
        },
    };
    found.cloned().unwrap_or(Value::Null)
}

/// An unknown attribute path `u` makes `path` unknown: the same path, one enclosing it or one
/// inside it (`a.b` is inside `a`, `a[0]` too; `ab` is not).
pub fn unknown_covers(u: &str, path: &str) -> bool {
    fn inside(long: &str, short: &str) -> bool {
        long.strip_prefix(short)
            .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
    }
    u == path || inside(path, u) || inside(u, path)
}

/// The pod spec of a Kubernetes workload (a resource value as rules see it) and its path:
/// provider `kubernetes`, a type `<group>/<version>/<kind>` or `<version>/<kind>` of a
/// workload kind, and an object at the kind's pod spec path.
fn pod_spec(r: &Value) -> Option<(&Value, String)> {
    if r["provider"] != Value::from("kubernetes") {
        return None;
    }
    let (group, kind) = group_kind(r["type"].as_string().ok()?)?;
    let segments = pod_spec_path(group, kind)?;
    let spec = segments
        .iter()
        .fold(&r["attributes"], |v, segment| &v[*segment]);
    matches!(spec, Value::Object(_)).then(|| (spec, segments.join(".")))
}

/// The metadata of a workload's pod (template), as `lib.kubernetes.pod_metadata(r)` gives it:
/// the object beside the pod spec (`metadata` for a Pod, `spec.template.metadata` for a
/// Deployment).
fn pod_metadata(r: &Value) -> Option<Value> {
    let (_, path) = pod_spec(r)?;
    let mut segments: Vec<&str> = path.split('.').collect();
    segments.pop();
    segments.push("metadata");
    let meta = segments
        .iter()
        .fold(&r["attributes"], |v, segment| &v[*segment]);
    let meta = match meta {
        Value::Object(_) => meta.clone(),
        _ => Value::new_object(),
    };
    Some(object([
        ("meta", meta),
        ("path", Value::from(segments.join("."))),
    ]))
}

const CONTAINER_FIELDS: [&str; 3] = ["containers", "initContainers", "ephemeralContainers"];

/// The containers of a workload, as `lib.kubernetes.containers(r)` gives them; none for
/// other resources. Entries that are not objects are skipped.
fn containers(r: &Value) -> Vec<Value> {
    let Some((spec, path)) = pod_spec(r) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for field in CONTAINER_FIELDS {
        let Value::Array(items) = &spec[field] else {
            continue;
        };
        for (i, container) in items.iter().enumerate() {
            if matches!(container, Value::Object(_)) {
                out.push(object([
                    ("container", container.clone()),
                    ("path", Value::from(format!("{path}.{field}[{i}]"))),
                    ("field", Value::from(field)),
                    ("pod", spec.clone()),
                    ("pod_path", Value::from(path.as_str())),
                ]));
            }
        }
    }
    out
}

/// `container "app" of Deployment "web"`: what `lib.kubernetes.describe(c)` gives, when the
/// container's field is known and both names are strings that `%q` quotes without escapes.
fn describe(c: &Value) -> Option<String> {
    let word = match c["field"].as_string().ok()?.as_ref() {
        "containers" => "container",
        "initContainers" => "init container",
        "ephemeralContainers" => "ephemeral container",
        _ => return None,
    };
    let container = &c["container"];
    if !matches!(container, Value::Object(_)) {
        return None;
    }
    let name = match &container["name"] {
        Value::Undefined => "?",
        v => v.as_string().ok()?.as_ref(),
    };
    let resource = &c["resource"];
    let kind = resource["type"].as_string().ok()?.rsplit('/').next()?;
    let resource_name = resource["name"].as_string().ok()?;
    let plain = |s: &str| {
        s.bytes()
            .all(|b| (0x20..0x7f).contains(&b) && b != b'"' && b != b'\\')
    };
    (plain(name) && plain(resource_name))
        .then(|| format!("{word} \"{name}\" of {kind} \"{resource_name}\""))
}

/// The deepest existing path of `segments` under the container, as
/// `lib.kubernetes.container_path(c, segments)` gives it: `c.path` joined with the longest
/// prefix of `segments` whose value is not null. For a container object, a string path and
/// string segments.
fn container_path(c: &Value, segments: &Value) -> Option<String> {
    let container = &c["container"];
    if !matches!(container, Value::Object(_)) {
        return None;
    }
    let segments: Vec<&str> = match segments {
        Value::Array(items) => items
            .iter()
            .map(|s| s.as_string().ok().map(AsRef::as_ref))
            .collect::<Option<_>>()?,
        _ => return None,
    };
    let mut path = c["path"].as_string().ok()?.to_string();
    let mut at = container;
    let mut depth = 0;
    for (i, segment) in segments.iter().enumerate() {
        at = &at[&Value::from(*segment)];
        if matches!(at, Value::Undefined) {
            break;
        }
        if !matches!(at, Value::Null) {
            depth = i + 1;
        }
    }
    for segment in &segments[..depth] {
        path.push('.');
        path.push_str(segment);
    }
    Some(path)
}

fn object<const N: usize>(fields: [(&str, Value); N]) -> Value {
    Value::from(
        fields
            .into_iter()
            .map(|(k, v)| (Value::from(k), v))
            .collect::<std::collections::BTreeMap<Value, Value>>(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resource(provider: &str, resource_type: &str, attributes: serde_json::Value) -> Value {
        Value::from(serde_json::json!({
            "provider": provider, "type": resource_type, "attributes": attributes,
        }))
    }

    #[test]
    fn an_unknown_path_covers_itself_what_it_encloses_and_what_encloses_it() {
        assert!(unknown_covers("ingress", "ingress"));
        assert!(unknown_covers("ingress", "ingress[0].cidr_blocks"));
        assert!(unknown_covers("ingress[0]", "ingress[0].from_port"));
        assert!(unknown_covers("tags.env", "tags"));
        assert!(unknown_covers("ingress[1].to_port", "ingress"));
        assert!(!unknown_covers("ingress", "ingress_rules"));
        assert!(!unknown_covers("ingress_rules", "ingress"));
        assert!(!unknown_covers("ingress[0]", "ingress[1]"));
        assert!(!unknown_covers("a.b", "a.bc"));
        assert!(!unknown_covers("", "a"));
    }

    #[test]
    fn pod_specs_of_every_workload_kind_and_none_elsewhere() {
        let spec = serde_json::json!({"containers": []});
        let template = serde_json::json!({"spec": {"template": {"spec": spec}}});
        for (t, attributes, path) in [
            ("v1/Pod", serde_json::json!({"spec": spec}), "spec"),
            (
                "v1/ReplicationController",
                template.clone(),
                "spec.template.spec",
            ),
            ("apps/v1/Deployment", template.clone(), "spec.template.spec"),
            (
                "extensions/v1beta1/DaemonSet",
                template.clone(),
                "spec.template.spec",
            ),
            ("batch/v1/Job", template.clone(), "spec.template.spec"),
            (
                "batch/v1/CronJob",
                serde_json::json!({"spec": {"jobTemplate": template}}),
                "spec.jobTemplate.spec.template.spec",
            ),
        ] {
            let r = resource("kubernetes", t, attributes);
            let (found, p) = pod_spec(&r).unwrap_or_else(|| panic!("{t}"));
            assert_eq!(p, path, "{t}");
            assert_eq!(found, &Value::from(spec.clone()), "{t}");
        }
        for (provider, t, attributes) in [
            ("aws", "apps/v1/Deployment", template.clone()),
            (
                "kubernetes",
                "v1/Service",
                serde_json::json!({"spec": spec}),
            ),
            (
                "kubernetes",
                "batch/v1/Job",
                serde_json::json!({"spec": {"template": []}}),
            ),
            (
                "kubernetes",
                "batch/v1/Job",
                serde_json::json!({"spec": {"template": {"spec": "x"}}}),
            ),
            ("kubernetes", "Pod", serde_json::json!({"spec": spec})),
            (
                "kubernetes",
                "a/b/v1/Pod",
                serde_json::json!({"spec": spec}),
            ),
            (
                "kubernetes",
                "core/v1/Pod",
                serde_json::json!({"spec": spec}),
            ),
        ] {
            assert!(
                pod_spec(&resource(provider, t, attributes)).is_none(),
                "{provider} {t}"
            );
        }
    }

    #[test]
    fn containers_of_each_field_with_their_paths_skipping_malformed_entries() {
        let r = resource(
            "kubernetes",
            "apps/v1/Deployment",
            serde_json::json!({"spec": {"template": {"spec": {
                "containers": [{"name": "a"}, "junk", {"name": "b"}],
                "initContainers": [{"name": "i"}],
                "ephemeralContainers": {"name": "not a list"},
            }}}}),
        );
        let found = containers(&r);
        let paths: Vec<String> = found
            .iter()
            .map(|c| {
                c["path"]
                    .as_string()
                    .map(|s| s.to_string())
                    .unwrap_or_default()
            })
            .collect();
        assert_eq!(
            paths,
            [
                "spec.template.spec.containers[0]",
                "spec.template.spec.containers[2]",
                "spec.template.spec.initContainers[0]"
            ]
        );
        assert_eq!(found[2]["field"], Value::from("initContainers"));
        assert_eq!(found[1]["container"]["name"], Value::from("b"));
        assert_eq!(found[0]["pod_path"], Value::from("spec.template.spec"));
        assert_eq!(
            found[0]["pod"]["initContainers"][0]["name"],
            Value::from("i")
        );
        assert!(
            containers(&resource("kubernetes", "v1/Service", serde_json::json!({}))).is_empty()
        );
    }
}
