//! Kubernetes manifests: YAML (one or many documents) and JSON files of API objects.
//!
//! Each API object becomes one resource whose `type` is `<apiVersion>/<kind>`
//! (`apps/v1/Deployment`, `v1/Pod` for the core group) and whose attributes are the object
//! itself, with the line and column of every field. `kind: List` and the typed lists
//! (`DeploymentList`, `kubectl get -o yaml` output) are expanded into their items.
//!
//! What is *not* a cluster object is skipped without a word: YAML without `apiVersion` and
//! `kind` (CI workflows, docker-compose, Helm `values.yaml` and `Chart.yaml`) and the
//! configuration files of tools that happen to look like objects ([`TOOL_CONFIG_GROUPS`]:
//! `Kustomization`, kubeconfig, kubeadm/kubelet/kind configuration, ...).
//!
//! A Helm chart template is reported as such, with a hint to render it first: a file under a
//! chart's `templates/` directory that contains `{{`, or any YAML file where `{{` breaks the
//! YAML (or parses only as nested flow mappings, which is never what the author meant).
//!
//! Edges between the objects of a scan (bindings to roles and service accounts, workloads to
//! their service account, services to the workloads they select) are added by [`link`] once
//! every file is loaded. This module knows nothing about rules or reports.

mod refs;
pub mod yaml;

use std::collections::HashMap;
use std::path::Path;

use serde_json::Value as Json;

use crate::graph::{
    AttrPath, FileSource, InputFile, LoadError, Mode, Origin, Region, Regions, RegionsBuilder,
    Resource, ResourceGraph, Scope, Source,
};
use yaml::{Node, NodeKind, Pos};

pub use refs::{group_kind, link, link_paths, pod_spec_path};

/// API groups of configuration files read by tools, not objects a cluster serves. Such files
/// have `apiVersion` and `kind` but are not resources; they are skipped.
pub const TOOL_CONFIG_GROUPS: &[&str] = &[
    "kustomize.config.k8s.io",
    "kubeadm.k8s.io",
    "kubelet.config.k8s.io",
    "kubeproxy.config.k8s.io",
    "apiserver.config.k8s.io",
    "apiserver.k8s.io",
    "audit.k8s.io",
    "client.authentication.k8s.io",
    "kind.x-k8s.io",
    "k3d.io",
    "ctlptl.dev",
    "kpt.dev",
    "cli.kyverno.io",
];

/// Whether the start of a JSON file may be a Kubernetes object (the loader decides for sure).
pub fn sniff_json(head: &str) -> bool {
    head.trim_start().starts_with('{')
        && head.contains("\"apiVersion\"")
        && head.contains("\"kind\"")
}

/// Whether `path` lies in the `templates/` directory of a Helm chart (a directory with a
/// `Chart.yaml` beside `templates/`).
pub fn in_chart_templates(path: &Path) -> bool {
    path.ancestors().skip(1).any(|dir| {
        dir.file_name().is_some_and(|n| n == "templates")
            && dir
                .parent()
                .is_some_and(|chart| chart.join("Chart.yaml").is_file())
    })
}

/// Loads the Kubernetes objects of one YAML or JSON file. `chart_template` says the file is
/// in a Helm chart's `templates/` directory.
pub fn load(display: &str, text: &str, chart_template: bool) -> ResourceGraph {
    load_bounded(display, text, chart_template, yaml::MAX_ALIAS_NODES)
}

/// [`load`], the aliases of each YAML document expanding to at most `max_alias_values` values
/// (the `yaml-alias-values` limit).
pub fn load_bounded(
    display: &str,
    text: &str,
    chart_template: bool,
    max_alias_values: usize,
) -> ResourceGraph {
    let mut graph = ResourceGraph::new();
    // (Only a chart template is searched: every file was, a sixtieth of a scan's CPU.)
    if let Some(pos) = chart_template
        .then(|| first_template_marker(text))
        .flatten()
    {
        graph.files.push(input_file(display));
        graph.errors.push(template_error(display, pos, true));
        return graph;
    }
    let parsed = yaml::parse_bounded(text, max_alias_values);
    let error = |e: &yaml::YamlError| LoadError {
        file: display.to_string(),
        line: Some(e.line),
        column: Some(e.column),
        message: e.message.clone(),
        file_skipped: false,
    };
    let mut objects: Vec<&Node> = Vec::new();
    for doc in &parsed.documents {
        collect_objects(doc, &mut objects, 0);
    }
    // Errors inside documents that are not Kubernetes objects (a duplicate key in a CI
    // workflow) are not ours to report; syntax errors are, since the document's kind is unknown.
    let in_object = |e: &yaml::YamlError| {
        e.is_fatal()
            || objects.iter().any(|o| {
                (o.start.line, o.start.column) <= (e.line, e.column)
                    && (e.line, e.column) <= (o.end.line, o.end.column)
            })
    };
    let skipped = parsed.documents.is_empty();
    for e in parsed.errors.iter().filter(|e| in_object(e)) {
        graph.errors.push(match e.kind {
            yaml::ErrorKind::Template => template_error(
                display,
                Pos {
                    line: e.line,
                    column: e.column,
                },
                skipped,
            ),
            _ => LoadError {
                file_skipped: e.is_fatal() && skipped,
                ..error(e)
            },
        });
    }
    if !objects.is_empty() || !graph.errors.is_empty() {
        graph.files.push(input_file(display));
    }
    let mut seen: HashMap<String, usize> = HashMap::new();
    for node in objects {
        graph.resources.push(resource(display, node, &mut seen));
    }
    graph
}

fn input_file(display: &str) -> InputFile {
    InputFile {
        file: display.to_string(),
        kind: "kubernetes".to_string(),
        scanned: true,
    }
}

fn template_error(display: &str, pos: Pos, file_skipped: bool) -> LoadError {
    LoadError {
        file: display.to_string(),
        line: Some(pos.line),
        column: Some(pos.column),
        message: "this is a template (Helm/Go `{{ ... }}` syntax), not plain Kubernetes YAML: \
                  render it first, e.g. `helm template RELEASE CHART > rendered.yaml`, and scan \
                  the rendered file"
            .to_string(),
        file_skipped,
    }
}

/// The first `{{` outside a comment line (quoted or not: in a chart's `templates/`
/// directory, every `{{` is rendered by Helm).
fn first_template_marker(text: &str) -> Option<Pos> {
    text.lines().enumerate().find_map(|(i, line)| {
        if line.trim_start().starts_with('#') {
            return None;
        }
        let at = line.find("{{")?;
        Some(Pos {
            line: u32::try_from(i + 1).unwrap_or(u32::MAX),
            column: u32::try_from(line[..at].chars().count() + 1).unwrap_or(u32::MAX),
        })
    })
}

/// Adds `node` if it is a Kubernetes object, or the items of a `List`.
fn collect_objects<'a>(node: &'a Node, out: &mut Vec<&'a Node>, depth: usize) {
    let node = node.resolved();
    let (Some(api_version), Some(kind)) = (
        node.get("apiVersion").and_then(Node::as_str),
        node.get("kind").and_then(Node::as_str),
    ) else {
        return;
    };
    if api_version.is_empty() || kind.is_empty() || is_tool_config(api_version, kind) {
        return;
    }
    if kind.ends_with("List")
        && let Some(NodeKind::Seq(items)) = node.get("items").map(|n| &n.resolved().kind)
    {
        if depth < 4 {
            for item in items {
                collect_objects(item, out, depth + 1);
            }
        }
        return;
    }
    out.push(node);
}

fn is_tool_config(api_version: &str, kind: &str) -> bool {
    let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
    // kubeconfig files: `apiVersion: v1`, `kind: Config`.
    (api_version == "v1" && kind == "Config")
        || api_version.starts_with("skaffold/")
        || TOOL_CONFIG_GROUPS.contains(&group)
}

/// The resource of one object node.
fn resource(display: &str, node: &Node, seen: &mut HashMap<String, usize>) -> Resource {
    let attributes = node.to_json();
    let text = |v: Option<&Json>| v.and_then(Json::as_str).unwrap_or_default().to_string();
    let api_version = text(attributes.get("apiVersion"));
    let kind = text(attributes.get("kind"));
    let metadata = attributes.get("metadata");
    let name = metadata
        .and_then(|m| m.get("name").or_else(|| m.get("generateName")))
        .and_then(Json::as_str)
        .unwrap_or_default()
        .to_string();
    let namespace = metadata
        .and_then(|m| m.get("namespace"))
        .and_then(Json::as_str)
        .filter(|ns| !ns.is_empty())
        .map(str::to_string);
    let base = format!(
        "kubernetes:{display}/{}/{kind}/{}",
        namespace.as_deref().unwrap_or("_"),
        if name.is_empty() { "_" } else { &name }
    );
    let n = seen.entry(base.clone()).or_insert(0);
    *n += 1;
    let id = if *n == 1 { base } else { format!("{base}#{n}") };

    let source = FileSource::from_regions(
        display.to_string(),
        region(node.start, node.end),
        positions(node),
        None,
    );
    Resource {
        id,
        resource_type: format!("{api_version}/{kind}"),
        origin: Origin::Kubernetes,
        mode: Mode::Managed,
        provider: "kubernetes".to_string(),
        name,
        scope: Scope {
            namespace,
            ..Scope::default()
        },
        attributes,
        rule_attributes: None,
        unknown: Vec::new(),
        refs: Vec::new(),
        source: Source::File(source),
    }
}

fn region(start: Pos, end: Pos) -> Region {
    Region {
        start_line: start.line,
        start_column: start.column,
        end_line: end.line,
        end_column: end.column,
    }
}

/// The region of every field and list element under `node`, by attribute path. Values
/// reached through an alias keep the alias's position (their parts are not listed: a finding
/// on them points at the alias).
fn positions(node: &Node) -> Regions {
    fn walk(node: &Node, path: &mut AttrPath, out: &mut RegionsBuilder) {
        let mut visit = |path: &mut AttrPath, value: &Node, start: Pos, end: Pos| {
            out.push(path.as_str(), region(start, end));
            walk(value, path, out);
        };
        let len = path.text_len();
        match &node.kind {
            NodeKind::Map(entries) => {
                for e in entries {
                    path.push_key(&e.key);
                    visit(path, &e.value, e.key_pos, e.value.end.max(e.key_pos));
                    path.truncate(len);
                }
            }
            NodeKind::Seq(items) => {
                for (i, item) in items.iter().enumerate() {
                    path.push_index(i);
                    visit(path, item, item.start, item.end);
                    path.truncate(len);
                }
            }
            NodeKind::Scalar(_) | NodeKind::Alias(_) => {}
        }
    }
    let mut found = RegionsBuilder::default();
    walk(node, &mut AttrPath::root(), &mut found);
    found.finish()
}

/// Line of each attribute path, for tests and debugging.
#[cfg(test)]
fn lines(r: &Resource) -> std::collections::BTreeMap<String, u32> {
    r.file_source().map(|s| s.lines()).unwrap_or_default()
}

#[cfg(test)]
mod tests;
