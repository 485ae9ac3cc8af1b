//! `data.inventory`: the whole graph as rules see it, for following edges between resources.
//!
//! ```text
//! data.inventory.resources[id]  -> the resource
//! data.inventory.referrers[id]  -> [{"from": id, "attribute": path, "direct": bool}]  (who points at id)
//! data.inventory.by_type[type]  -> [id]
//! data.inventory.by_file[file][type]  -> [id]  (resources of that type loaded from that file)
//! data.inventory.named_children["<type>|<parent name>"] -> [id]  (ARM `parent/child` names)
//! ```

use std::collections::{BTreeMap, HashMap};

use regorus::Value;

use super::view::Interner;
use crate::graph::{Origin, ResourceGraph};

/// Builds the `data` document; `values` are the resources already converted, in graph order
/// (each resource's id and name are taken from them, so the strings are shared).
pub fn data(graph: &ResourceGraph, values: &[Value]) -> Value {
    let mut strings = Interner::default();
    let id_key = Value::from("id");
    let attributes_key = Value::from("attributes");
    let name_key = Value::from("name");
    let (from, attribute, direct) = (
        strings.string("from"),
        strings.string("attribute"),
        strings.string("direct"),
    );
    let mut resources = BTreeMap::new();
    let mut referrers: BTreeMap<Value, Vec<Value>> = BTreeMap::new();
    let mut by_type: BTreeMap<Value, Vec<Value>> = BTreeMap::new();
    let mut named_children: BTreeMap<Value, Vec<Value>> = BTreeMap::new();
    let mut by_file: BTreeMap<Value, BTreeMap<Value, Vec<Value>>> = BTreeMap::new();
    for (r, v) in graph.resources.iter().zip(values) {
        let id = match &v[&id_key] {
            id @ Value::String(_) => id.clone(),
            _ => strings.string(&r.id),
        };
        resources.insert(id.clone(), v.clone());
        let resource_type = strings.string(&r.resource_type);
        if let Some(f) = r.file_source() {
            by_file
                .entry(strings.string(&f.file))
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
            named_children
                .entry(strings.string(&key))
                .or_default()
                .push(id.clone());
        }
        by_type.entry(resource_type).or_default().push(id.clone());
        for edge in &r.refs {
            let mut e = BTreeMap::new();
            e.insert(from.clone(), id.clone());
            e.insert(attribute.clone(), strings.string(&edge.attribute));
            e.insert(direct.clone(), Value::from(edge.direct));
            referrers
                .entry(strings.string(&edge.to))
                .or_default()
                .push(Value::from(e));
        }
    }
    let mut inventory = BTreeMap::new();
    inventory.insert(Value::from("resources"), Value::from(resources));
    inventory.insert(Value::from("referrers"), lists(referrers));
    inventory.insert(Value::from("by_type"), lists(by_type));
    inventory.insert(Value::from("named_children"), lists(named_children));
    inventory.insert(
        Value::from("by_file"),
        Value::from(
            by_file
                .into_iter()
                .map(|(file, types)| (file, lists(types)))
                .collect::<BTreeMap<_, _>>(),
        ),
    );
    let mut root = BTreeMap::new();
    root.insert(Value::from("inventory"), Value::from(inventory));
    Value::from(root)
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
pub fn indices_by_type(graph: &ResourceGraph) -> HashMap<&str, Vec<usize>> {
    let mut out: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, r) in graph.resources.iter().enumerate() {
        out.entry(r.resource_type.as_str()).or_default().push(i);
    }
    out
}
