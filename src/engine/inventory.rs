//! `data.inventory`: the resources of an evaluation group as rules see them, for following
//! edges between resources.
//!
//! ```text
//! data.inventory.resources[id]  -> the resource
//! data.inventory.referrers[id]  -> [{"from": id, "attribute": path, "direct": bool}]  (who points at id)
//! data.inventory.by_type[type]  -> [id]
//! data.inventory.by_file[file][type]  -> [id]  (resources of that type loaded from that file)
//! data.inventory.named_children["<type>|<parent name>"] -> [id]  (ARM `parent/child` names)
//! ```
//!
//! The document travels in each evaluation's input (`input.inventory`) and rules read it
//! through the rules of [`MODULE`]: regorus analyses a prepared engine again whenever its data
//! changes, and each group has an inventory of its own.

use std::collections::BTreeMap;

use rayon::prelude::*;
use regorus::Value;

use super::view::Interner;
use crate::graph::{Origin, Resource, ResourceGraph};

/// The package that gives rules `data.inventory` from the evaluation's input.
pub(super) const MODULE: (&str, &str) = (
    "tenet/inventory.rego",
    "package inventory

resources := input.inventory.resources

referrers := input.inventory.referrers

by_type := input.inventory.by_type

by_file := input.inventory.by_file

named_children := input.inventory.named_children
",
);

/// Builds the inventory of `resources` (a group, in graph order); `values` are those
/// resources as rules see them (ids, types, files and edge attributes are taken from them, so
/// the strings are shared). Shares of the group are indexed in parallel and merged in order,
/// so every list keeps graph order. (Built serially, this was a tenth of a Bicep scan's wall
/// time.)
pub fn data(resources: &[Resource], values: &[Value]) -> Value {
    let share = super::share_size(resources.len());
    let parts: Vec<Part> = resources
        .par_chunks(share)
        .zip(values.par_chunks(share))
        .map(|(resources, values)| Part::of(resources, values))
        .collect();
    let mut resources: Vec<(Value, Value)> = Vec::with_capacity(values.len());
    let mut parts = parts.into_iter();
    let mut total = parts.next().unwrap_or_default();
    resources.append(&mut total.resources);
    for part in parts {
        resources.extend(part.resources);
        append(&mut total.referrers, part.referrers);
        append(&mut total.by_type, part.by_type);
        append(&mut total.named_children, part.named_children);
        for (file, types) in part.by_file {
            append(total.by_file.entry(file).or_default(), types);
        }
    }
    let mut inventory = BTreeMap::new();
    // In graph order, which is id order: the map is built without a search per entry.
    inventory.insert(
        Value::from("resources"),
        Value::from(resources.into_iter().collect::<BTreeMap<_, _>>()),
    );
    inventory.insert(Value::from("referrers"), lists(total.referrers));
    inventory.insert(Value::from("by_type"), lists(total.by_type));
    inventory.insert(Value::from("named_children"), lists(total.named_children));
    inventory.insert(
        Value::from("by_file"),
        Value::from(
            total
                .by_file
                .into_iter()
                .map(|(file, types)| (file, lists(types)))
                .collect::<BTreeMap<_, _>>(),
        ),
    );
    Value::from(inventory)
}

type Lists = BTreeMap<Value, Vec<Value>>;

/// The indexes of a contiguous share of the graph.
#[derive(Default)]
struct Part {
    resources: Vec<(Value, Value)>,
    referrers: Lists,
    by_type: Lists,
    named_children: Lists,
    by_file: BTreeMap<Value, Lists>,
}

impl Part {
    fn of(graph: &[crate::graph::Resource], values: &[Value]) -> Part {
        let key = |k: &str| Value::from(k);
        let (id_key, type_key, source_key, file_key) =
            (key("id"), key("type"), key("source"), key("file"));
        let (attributes_key, name_key, refs_key) = (key("attributes"), key("name"), key("refs"));
        let (to_key, attribute_key) = (key("to"), key("attribute"));
        let (from, direct) = (key("from"), key("direct"));
        let mut strings = Interner::default();
        let mut part = Part::default();
        for (r, v) in graph.iter().zip(values) {
            // A resource left out of rules' views.
            if matches!(v, Value::Undefined) {
                continue;
            }
            let string = |value: &Value, strings: &mut Interner, fallback: &str| match value {
                s @ Value::String(_) => s.clone(),
                _ => strings.string(fallback),
            };
            let id = string(&v[&id_key], &mut strings, &r.id);
            let resource_type = string(&v[&type_key], &mut strings, &r.resource_type);
            part.resources.push((id.clone(), v.clone()));
            if let Some(f) = r.file_source() {
                let file = string(&v[&source_key][&file_key], &mut strings, &f.file);
                part.by_file
                    .entry(file)
                    .or_default()
                    .entry(resource_type.clone())
                    .or_default()
                    .push(id.clone());
            }
            let name = match &v[&attributes_key][&name_key] {
                Value::String(s) => Some(s.as_ref()),
                _ => None,
            };
            if let Some(key) = named_child_key(r, name) {
                part.named_children
                    .entry(strings.string(&key))
                    .or_default()
                    .push(id.clone());
            }
            part.by_type
                .entry(resource_type)
                .or_default()
                .push(id.clone());
            let edges = match &v[&refs_key] {
                Value::Array(a) if a.len() == r.refs.len() => Some(a),
                _ => None,
            };
            for (i, edge) in r.refs.iter().enumerate() {
                let seen = edges.map(|a| &a[i]);
                let mut e = BTreeMap::new();
                e.insert(from.clone(), id.clone());
                let attribute = seen.map_or(&Value::Undefined, |s| &s[&attribute_key]);
                e.insert(
                    attribute_key.clone(),
                    string(attribute, &mut strings, &edge.attribute),
                );
                e.insert(direct.clone(), Value::from(edge.direct));
                let to = seen.map_or(&Value::Undefined, |s| &s[&to_key]);
                part.referrers
                    .entry(string(to, &mut strings, &edge.to))
                    .or_default()
                    .push(Value::from(e));
            }
        }
        part
    }
}

/// Appends each list of `more` to the list of the same key in `lists`. Keys new to `lists`
/// are merged in at once (in order, without a search each).
fn append(lists: &mut Lists, more: Lists) {
    let mut new = Vec::new();
    for (key, mut list) in more {
        match lists.get_mut(&key) {
            Some(have) => have.append(&mut list),
            None => new.push((key, list)),
        }
    }
    lists.append(&mut new.into_iter().collect());
}

/// ARM names a child resource `<parent name>/<own name>`: the key `"<type>|<parent name>"`
/// (lower case, as ARM compares names) under which `data.inventory.named_children` lists it.
/// Built here once rather than by each rule that looks for children (a Rego index over
/// every resource cost seconds on a large graph). Terraform resources have no such names.
/// `name` is the resource's `name` attribute, when a string.
fn named_child_key(r: &crate::graph::Resource, name: Option<&str>) -> Option<String> {
    if matches!(r.origin, Origin::Terraform | Origin::Tfplan) {
        return None;
    }
    let (parent, _) = name?.rsplit_once('/')?;
    Some(format!("{}|{}", r.resource_type, parent.to_lowercase()))
}

fn lists(map: BTreeMap<Value, Vec<Value>>) -> Value {
    Value::from(
        map.into_iter()
            .map(|(k, v)| (k, Value::from(v)))
            .collect::<BTreeMap<_, _>>(),
    )
}

/// Indices of the graph's resources, by type.
pub fn indices_by_type(graph: &ResourceGraph) -> foldhash::HashMap<&str, Vec<usize>> {
    let mut out: foldhash::HashMap<&str, Vec<usize>> = foldhash::HashMap::default();
    for (i, r) in graph.resources.iter().enumerate() {
        out.entry(r.resource_type.as_str()).or_default().push(i);
    }
    out
}
