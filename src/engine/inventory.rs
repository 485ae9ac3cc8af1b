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

use crate::graph::{Origin, ResourceGraph};

/// Builds the `data` document; `values` are the resources already converted, in graph order.
pub fn data(graph: &ResourceGraph, values: &[Value]) -> Value {
    let mut resources = BTreeMap::new();
    let mut referrers: BTreeMap<Value, Vec<Value>> = BTreeMap::new();
    let mut by_type: BTreeMap<Value, Vec<Value>> = BTreeMap::new();
    let mut named_children: BTreeMap<Value, Vec<Value>> = BTreeMap::new();
    let mut by_file: BTreeMap<Value, BTreeMap<Value, Vec<Value>>> = BTreeMap::new();
    for (r, v) in graph.resources.iter().zip(values) {
        let id = Value::from(r.id.as_str());
        resources.insert(id.clone(), v.clone());
        if let Some(f) = r.file_source() {
            by_file
                .entry(Value::from(f.file.as_str()))
                .or_default()
                .entry(Value::from(r.resource_type.as_str()))
                .or_default()
                .push(id.clone());
        }
        if let Some(key) = named_child_key(r) {
            named_children
                .entry(Value::from(key))
                .or_default()
                .push(id.clone());
        }
        by_type
            .entry(Value::from(r.resource_type.as_str()))
            .or_default()
            .push(id.clone());
        for edge in &r.refs {
            let mut e = BTreeMap::new();
            e.insert(Value::from("from"), id.clone());
            e.insert(
                Value::from("attribute"),
                Value::from(edge.attribute.as_str()),
            );
            e.insert(Value::from("direct"), Value::from(edge.direct));
            referrers
                .entry(Value::from(edge.to.as_str()))
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
fn named_child_key(r: &crate::graph::Resource) -> Option<String> {
    if matches!(r.origin, Origin::Terraform | Origin::Tfplan) {
        return None;
    }
    let name = r.attributes.get("name")?.as_str()?;
    let (parent, _) = name.rsplit_once('/')?;
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
