//! Edges between the Kubernetes objects of one scan, found once every file is loaded:
//!
//! - `RoleBinding`/`ClusterRoleBinding` → the `Role`/`ClusterRole` of `roleRef`
//!   (attribute `roleRef.name`) and each `ServiceAccount` subject (`subjects[i].name`);
//! - workloads → their `ServiceAccount` (`<pod spec>.serviceAccountName`);
//! - `Service` → the workloads whose pod template labels match its selector
//!   (`spec.selector`, not `direct`: the selector is not the workload).
//!
//! Namespaces: an object's namespace is the one its `metadata.namespace` names. Objects
//! without one are placed at apply time (`kubectl -n`, kustomize), so they match only other
//! objects without one in the same directory, which are usually applied together.
//! Cluster-scoped targets (`ClusterRole`) match by name alone.

use std::collections::HashMap;

use serde_json::Value as Json;

use crate::graph::{Origin, Ref, Resource};

/// The API groups of the kinds linked here (the group is the part of `apiVersion` before `/`).
const RBAC: &str = "rbac.authorization.k8s.io";

/// Where each workload kind keeps its pod template, as path segments.
pub fn pod_spec_path(group: &str, kind: &str) -> Option<&'static [&'static str]> {
    const TEMPLATE: &[&str] = &["spec", "template", "spec"];
    match (group, kind) {
        ("", "Pod") => Some(&["spec"]),
        ("", "ReplicationController") => Some(TEMPLATE),
        ("apps" | "extensions", "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet") => {
            Some(TEMPLATE)
        }
        ("batch", "Job") => Some(TEMPLATE),
        ("batch", "CronJob") => Some(&["spec", "jobTemplate", "spec", "template", "spec"]),
        _ => None,
    }
}

/// Where a binding names its role and its subjects.
const ROLE_REF: &str = "roleRef";
const SUBJECTS: &str = "subjects";
/// Where a `Service` keeps its selector.
const SELECTOR: &[&str] = &["spec", "selector"];

/// The labels of the pod template whose spec is at `spec` (a [`pod_spec_path`]).
fn template_labels(spec: &[&'static str]) -> Vec<&'static str> {
    let mut path = spec[..spec.len().saturating_sub(1)].to_vec();
    path.extend(["metadata", "labels"]);
    path
}

/// The fields of the pod spec at `spec` that may name its service account, the one that
/// counts first.
fn service_account_fields(spec: &[&'static str]) -> [Vec<&'static str>; 2] {
    ["serviceAccountName", "serviceAccount"].map(|field| {
        let mut path = spec.to_vec();
        path.push(field);
        path
    })
}

/// The attribute paths [`link`] reads of `r`, by its kind (none for other resources): what a
/// loader must leave in `attributes` when it converts the rest for rules before linking
/// ([`super::super::LoadOptions::prepare`]).
pub fn link_paths(r: &Resource) -> Vec<Vec<&'static str>> {
    if r.origin != Origin::Kubernetes {
        return Vec::new();
    }
    let (group, kind) = group_kind(&r.resource_type).unwrap_or_default();
    match (group, kind) {
        (RBAC, "RoleBinding" | "ClusterRoleBinding") => vec![vec![ROLE_REF], vec![SUBJECTS]],
        ("", "Service") => vec![SELECTOR.to_vec()],
        _ => match pod_spec_path(group, kind) {
            Some(spec) => std::iter::once(template_labels(spec))
                .chain(service_account_fields(spec))
                .collect(),
            None => Vec::new(),
        },
    }
}

/// The group and kind of a resource type `<apiVersion>/<kind>` (`apps/v1/Deployment` → `apps`,
/// `Deployment`; `v1/Pod` → the core group `""`, `Pod`); None for a type of another shape.
pub fn group_kind(resource_type: &str) -> Option<(&str, &str)> {
    let mut parts = resource_type.split('/');
    let first = parts.next()?;
    let second = parts.next()?;
    match (parts.next(), parts.next()) {
        (None, _) => Some(("", second)),
        (Some(kind), None) => Some((first, kind)),
        (Some(_), Some(_)) => None,
    }
}

/// The namespace key of an object: its namespace, or its directory when it has none.
fn ns_key(r: &Resource) -> String {
    match &r.scope.namespace {
        Some(ns) => format!("ns:{ns}"),
        None => format!("dir:{}", dir_of(r)),
    }
}

fn dir_of(r: &Resource) -> &str {
    r.file_source()
        .and_then(|s| s.file.rsplit_once('/'))
        .map_or("", |(d, _)| d)
}

fn get<'a>(v: &'a Json, path: &[&str]) -> Option<&'a Json> {
    path.iter().try_fold(v, |v, k| v.get(k))
}

/// A workload's id and the labels of its pod template.
type Labelled = (String, serde_json::Map<String, Json>);

/// Adds the edges described in the module doc to the Kubernetes resources of `resources`.
pub fn link(resources: &mut [Resource]) {
    let k8s: Vec<usize> = (0..resources.len())
        .filter(|&i| resources[i].origin == Origin::Kubernetes)
        .collect();
    if k8s.is_empty() {
        return;
    }
    // (kind, namespace key or "" for cluster-scoped, name) → ids
    let mut by_name: HashMap<(String, String, String), Vec<String>> = HashMap::new();
    // namespace key → (workload id, pod template labels)
    let mut workloads: HashMap<String, Vec<Labelled>> = HashMap::new();
    for &i in &k8s {
        let r = &resources[i];
        // A type of another shape matches no kind linked here.
        let (group, kind) = group_kind(&r.resource_type).unwrap_or_default();
        let scope = match (group, kind) {
            (RBAC, "ClusterRole") => String::new(),
            (RBAC, "Role") | ("", "ServiceAccount") => ns_key(r),
            _ => {
                if let Some(spec) = pod_spec_path(group, kind) {
                    let labels_path = template_labels(spec);
                    if let Some(Json::Object(labels)) = get(&r.attributes, &labels_path) {
                        workloads
                            .entry(ns_key(r))
                            .or_default()
                            .push((r.id.clone(), labels.clone()));
                    }
                }
                continue;
            }
        };
        by_name
            .entry((kind.to_string(), scope, r.name.clone()))
            .or_default()
            .push(r.id.clone());
    }
    let lookup = |kind: &str, scope: String, name: &str| -> Vec<String> {
        by_name
            .get(&(kind.to_string(), scope, name.to_string()))
            .cloned()
            .unwrap_or_default()
    };

    for &i in &k8s {
        let r = &resources[i];
        // A type of another shape matches no kind linked here.
        let (group, kind) = group_kind(&r.resource_type).unwrap_or_default();
        let mut refs: Vec<Ref> = Vec::new();
        let mut add = |attribute: String, targets: Vec<String>, direct: bool| {
            for to in targets {
                if to != r.id {
                    refs.push(Ref {
                        attribute: attribute.clone(),
                        to: to.into(),
                        direct,
                    });
                }
            }
        };
        match (group, kind) {
            (RBAC, "RoleBinding" | "ClusterRoleBinding") => {
                let attrs = &r.attributes;
                let role_kind = get(attrs, &[ROLE_REF, "kind"]).and_then(Json::as_str);
                let role_name = get(attrs, &[ROLE_REF, "name"]).and_then(Json::as_str);
                match (role_kind, role_name) {
                    (Some("ClusterRole"), Some(name)) => {
                        add(
                            "roleRef.name".into(),
                            lookup("ClusterRole", String::new(), name),
                            true,
                        );
                    }
                    (Some("Role"), Some(name)) if kind == "RoleBinding" => {
                        add("roleRef.name".into(), lookup("Role", ns_key(r), name), true);
                    }
                    _ => {}
                }
                let subjects = attrs.get(SUBJECTS).and_then(Json::as_array);
                for (j, s) in subjects.into_iter().flatten().enumerate() {
                    if s.get("kind").and_then(Json::as_str) != Some("ServiceAccount") {
                        continue;
                    }
                    let Some(name) = s.get("name").and_then(Json::as_str) else {
                        continue;
                    };
                    let scope = match s.get("namespace").and_then(Json::as_str) {
                        Some(ns) if !ns.is_empty() => format!("ns:{ns}"),
                        _ => ns_key(r),
                    };
                    add(
                        format!("subjects[{j}].name"),
                        lookup("ServiceAccount", scope, name),
                        true,
                    );
                }
            }
            ("", "Service") => {
                let selector = get(&r.attributes, SELECTOR).and_then(Json::as_object);
                if let Some(selector) = selector.filter(|s| !s.is_empty()) {
                    let targets = workloads
                        .get(&ns_key(r))
                        .into_iter()
                        .flatten()
                        .filter(|(_, labels)| {
                            selector.iter().all(|(k, v)| labels.get(k) == Some(v))
                        })
                        .map(|(id, _)| id.clone())
                        .collect();
                    add("spec.selector".into(), targets, false);
                }
            }
            _ => {
                if let Some(spec) = pod_spec_path(group, kind) {
                    for path in service_account_fields(spec) {
                        if let Some(name) = get(&r.attributes, &path).and_then(Json::as_str) {
                            add(
                                path.join("."),
                                lookup("ServiceAccount", ns_key(r), name),
                                true,
                            );
                            break;
                        }
                    }
                }
            }
        }
        refs.sort();
        refs.dedup();
        resources[i].refs = refs;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The link paths of each workload kind are its pod template's.
    #[test]
    fn link_paths_cover_every_pod_template() {
        let kinds = [
            ("", "Pod"),
            ("", "ReplicationController"),
            ("apps", "Deployment"),
            ("apps", "StatefulSet"),
            ("apps", "DaemonSet"),
            ("apps", "ReplicaSet"),
            ("extensions", "Deployment"),
            ("batch", "Job"),
            ("batch", "CronJob"),
        ];
        for (group, kind) in kinds {
            let version = if group.is_empty() {
                "v1".to_string()
            } else {
                format!("{group}/v1")
            };
            let r = Resource {
                id: format!("kubernetes:k.yaml/_/{kind}/x"),
                resource_type: format!("{version}/{kind}"),
                origin: Origin::Kubernetes,
                mode: crate::graph::Mode::Managed,
                provider: "kubernetes".into(),
                name: "x".into(),
                scope: Default::default(),
                attributes: Json::Null,
                rule_attributes: None,
                unknown: Vec::new(),
                refs: Vec::new(),
                source: crate::graph::Source::File(Default::default()),
            };
            let spec = pod_spec_path(group, kind).unwrap();
            let mut labels = spec[..spec.len() - 1].to_vec();
            labels.extend(["metadata", "labels"]);
            let mut wanted = vec![labels];
            for field in ["serviceAccountName", "serviceAccount"] {
                let mut path = spec.to_vec();
                path.push(field);
                wanted.push(path);
            }
            for path in wanted {
                assert!(link_paths(&r).contains(&path), "{path:?} ({kind})");
            }
        }
    }

    #[test]
    fn group_and_kind() {
        assert_eq!(
            group_kind("apps/v1/Deployment"),
            Some(("apps", "Deployment"))
        );
        assert_eq!(group_kind("v1/Pod"), Some(("", "Pod")));
        assert_eq!(
            group_kind("rbac.authorization.k8s.io/v1/Role"),
            Some((RBAC, "Role"))
        );
        assert_eq!(group_kind("Pod"), None);
        assert_eq!(group_kind("a/b/v1/Pod"), None);
    }
}
