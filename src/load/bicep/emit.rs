//! Emission: a Bicep template instance evaluated into resources of the graph, with their
//! module calls expanded, their references resolved to resource ids and the regions of their
//! attributes.

use std::collections::BTreeMap;
use std::rc::Rc;
use std::sync::Arc;

use foldhash::{HashMap, HashMapExt};

use super::eval::{
    self, Eval, elements, named, named_children, property_node, resource_body, split_type,
};
use super::syntax::Node;
use super::{
    BodyFacts, MAX_MODULE_DEPTH, MAX_RESOURCES, MAX_WALK_DEPTH, Modules, ReadTypes, Unit,
    local_target,
};
use crate::graph::{
    AttrPath, CallSite, FileSource, LoadError, Mode, Origin, Ref, Region, Resource, ResourceGraph,
    Scope, Source,
};
use crate::load::text::LineIndex;
use crate::load::value::{Map, Val};

/// Where resources of a template instance go, and how their ids and call sites read.
struct Place<'a> {
    /// The root template's display path (ids start with it).
    root: &'a str,
    /// Address prefix: `module.m.` inside modules.
    prefix: String,
    /// Parameter file, shown in ids when a template is evaluated once per file.
    params_file: Option<&'a str>,
    call_site: Option<Arc<CallSite>>,
    depth: usize,
    stack: Vec<String>,
    /// The resource types whose attribute values are evaluated.
    reads: &'a ReadTypes,
}

pub(super) fn emit_root(
    units: &Modules,
    unit: &Unit,
    given: HashMap<String, Val>,
    params_file: Option<&str>,
    out: &mut ResourceGraph,
) {
    let place = Place {
        root: &unit.display,
        prefix: String::new(),
        params_file,
        call_site: None,
        depth: 0,
        stack: vec![unit.display.clone()],
        reads: &units.reads,
    };
    let ev = Eval::new(unit, given);
    emit_template(units, &ev, &place, out);
}

/// A resource emitted but whose references are not yet resolved.
struct Pending {
    resource: Resource,
    /// Its body's references, resolved to ids once the template's resources are known.
    facts: Arc<BodyFacts>,
}

fn emit_template(units: &Modules, ev: &Eval<'_>, place: &Place<'_>, out: &mut ResourceGraph) {
    let mut pending: Vec<Pending> = Vec::new();
    // Symbol -> ids of its resources, each id shared by every edge to it.
    let mut ids: HashMap<String, Vec<Arc<str>>> = HashMap::new();
    let mut names: HashMap<String, Val> = HashMap::new();
    let index = LineIndex::with_starts(&ev.unit.src, &ev.unit.line_starts);
    for (sym, decl) in in_source_order(&ev.decls.resources) {
        emit_resource(
            ev,
            place,
            decl,
            sym,
            None,
            &mut pending,
            &mut ids,
            &mut names,
            &index,
            out,
        );
    }
    for (sym, decl) in in_source_order(&ev.decls.modules) {
        emit_module(
            units,
            ev,
            place,
            decl,
            sym,
            &mut pending,
            &mut ids,
            &index,
            out,
        );
    }
    for p in pending {
        let mut r = p.resource;
        for (attr, sym, direct) in &p.facts.refs {
            if let Some(targets) = ids.get(sym) {
                let direct = *direct && targets.len() == 1;
                for t in targets {
                    if **t != *r.id {
                        r.refs.push(Ref {
                            attribute: attr.clone(),
                            to: t.clone(),
                            direct,
                        });
                    }
                }
            }
        }
        r.refs.sort();
        r.refs.dedup();
        out.resources.push(r);
    }
}

/// Declarations by name, in the order they appear in the file.
fn in_source_order<'t>(decls: &HashMap<&'t str, Node<'t>>) -> Vec<(&'t str, Node<'t>)> {
    let mut out: Vec<(&'t str, Node<'t>)> = decls.iter().map(|(k, v)| (*k, *v)).collect();
    out.sort_by_key(|(_, n)| n.start_byte());
    out
}

fn resource_id(place: &Place<'_>, address: &str) -> String {
    match place.params_file {
        Some(p) => format!(
            "bicep:{}/{}{address}@{}",
            place.root,
            place.prefix,
            p.rsplit('/').next().unwrap_or(p)
        ),
        None => format!("bicep:{}/{}{address}", place.root, place.prefix),
    }
}

/// An instance of a declaration: loop bindings, its object (none when an `if` dropped it),
/// its id suffix (`[i]`, `[*]` for an unknown collection) and whether the expansion is unknown.
type Instance<'t> = (eval::Binds, Option<Node<'t>>, String, bool);

/// The instances of a declaration's body: bindings, the object (if any) and the id suffix.
fn instances<'t>(ev: &Eval<'t>, body: Node<'t>) -> Vec<Instance<'t>> {
    match body.kind() {
        "object" => vec![(Vec::new(), Some(body), String::new(), false)],
        "if_statement" => {
            let cond = named_children(body).first().map(|c| ev.eval(*c));
            match cond {
                Some(Val::Bool(false)) => Vec::new(),
                _ => vec![(Vec::new(), eval::if_object(body), String::new(), false)],
            }
        }
        "for_statement" => match ev.loop_items(body) {
            Some(items) => items
                .into_iter()
                .enumerate()
                .map(|(i, (binds, obj))| (binds, obj, format!("[{i}]"), false))
                .collect(),
            None => {
                // An unknown collection: one instance stands for all, its loop values unknown.
                let head = ev.loop_head(body);
                let obj = head.body.and_then(|b| match b.kind() {
                    "object" => Some(b),
                    "if_statement" => eval::if_object(b),
                    _ => None,
                });
                let binds = head.names.into_iter().map(|n| (n, Val::Unknown)).collect();
                vec![(binds, obj, "[*]".to_string(), true)]
            }
        },
        _ => Vec::new(),
    }
}

struct ParentInfo {
    address: String,
    id: String,
    rtype: String,
    api: Option<String>,
    name: Val,
}

#[allow(clippy::too_many_arguments)]
fn emit_resource(
    ev: &Eval<'_>,
    place: &Place<'_>,
    decl: Node<'_>,
    sym: &str,
    nested_in: Option<&ParentInfo>,
    pending: &mut Vec<Pending>,
    ids: &mut HashMap<String, Vec<Arc<str>>>,
    names: &mut HashMap<String, Val>,
    index: &LineIndex<'_>,
    out: &mut ResourceGraph,
) {
    let Some(body) = resource_body(decl) else {
        return;
    };
    let existing = decl.children().any(|ch| ch.kind() == "existing");
    let (mut rtype, mut api) = split_type(&ev.string_literal(decl).unwrap_or_default());
    if let Some(p) = nested_in {
        if !rtype.contains('/') || !rtype.contains('.') {
            rtype = format!("{}/{}", p.rtype, rtype);
        }
        if api.is_none() {
            api = p.api.clone();
        }
    }
    let symbol = match nested_in {
        Some(p) => format!("{}::{sym}", p.address),
        None => sym.to_string(),
    };
    // Whether any enabled rule reads this type's values (else its identity is enough).
    let read = place.reads.reads(&rtype);
    for (binds, obj, suffix, unknown_expansion) in instances(ev, body) {
        if out.resources.len() + pending.len() >= MAX_RESOURCES {
            out.errors.push(LoadError {
                file: ev.unit.display.clone(),
                line: Some(index.line_col(decl.start_byte()).0),
                column: None,
                message: format!("more than {MAX_RESOURCES} resources; the rest are not loaded"),
                file_skipped: false,
            });
            return;
        }
        let Some(obj) = obj else {
            continue;
        };
        let address = format!("{symbol}{suffix}");
        let id = resource_id(place, &address);
        ids.entry(symbol.clone())
            .or_default()
            .push(id.as_str().into());
        let (attrs, facts, parent_name) = ev.with_locals(binds.clone(), || {
            // Of a resource no one reads the values of, its identity is enough.
            let identity = if read { None } else { ev.identity(obj) };
            let value = identity.unwrap_or_else(|| ev.eval(obj));
            // The evaluated object is this resource's alone, unless a cache shares it.
            let mut map = match value {
                Val::Object(m) | Val::Partial(m) => {
                    Rc::try_unwrap(m).unwrap_or_else(|m| (*m).clone())
                }
                _ => Map::new(),
            };
            // The parent: nesting, or a `parent:` property naming another resource.
            let mut parent_name = nested_in.map(|p| p.name.clone());
            if let Some(pnode) = property_node(ev, obj, "parent") {
                let psym: String = ev.text(pnode).split_whitespace().collect();
                parent_name = Some(names.get(&psym).cloned().unwrap_or(Val::Unknown));
            }
            for k in ["parent", "scope", "dependsOn"] {
                map.remove(k);
            }
            // Nor its references and the regions of its attributes: no rule sees them (they
            // are in neither views nor `data.inventory`) and no finding points into it.
            let facts = if read {
                body_facts(ev, obj, index)
            } else {
                no_facts()
            };
            (map, facts, parent_name)
        });
        let mut attrs = attrs;
        if let Some(pname) = parent_name.as_ref() {
            let child = attrs.get("name").cloned().unwrap_or(Val::Unknown);
            let full = match (pname, &child) {
                (Val::String(p), Val::String(c)) => Val::str(format!("{p}/{c}")),
                _ => Val::Unknown,
            };
            attrs.insert("name".into(), full);
        }
        // A looped resource has no single name to give its children and referrers.
        let name = if suffix.is_empty() {
            attrs.get("name").cloned().unwrap_or(Val::Unknown)
        } else {
            Val::Unknown
        };
        names.insert(symbol.clone(), name);
        attrs.insert("type".into(), Val::str(rtype.clone()));
        if let Some(api) = &api {
            attrs.insert("apiVersion".into(), Val::str(api.clone()));
        }
        let mut unknown = Vec::new();
        let attributes = serde_json::Value::Object(Val::map_to_json(
            &attrs,
            &mut AttrPath::root(),
            &mut unknown,
        ));
        if unknown_expansion {
            unknown.insert(0, "[*]".to_string());
        }
        let region = attributes
            .get("location")
            .and_then(|l| l.as_str())
            .map(str::to_string);
        let block = index.region(&decl.byte_range());
        pending.push(Pending {
            resource: Resource {
                id: id.clone(),
                resource_type: rtype.clone(),
                origin: Origin::Bicep,
                mode: if existing { Mode::Data } else { Mode::Managed },
                provider: "azure".to_string(),
                name: sym.to_string(),
                scope: Scope {
                    account: None,
                    region,
                    namespace: None,
                },
                attributes,
                rule_attributes: None,
                unknown,
                refs: nested_in
                    .map(|p| Ref {
                        attribute: "parent".into(),
                        to: p.id.as_str().into(),
                        direct: true,
                    })
                    .into_iter()
                    .collect(),
                source: Source::File(FileSource::from_regions(
                    ev.unit.display.clone(),
                    block,
                    facts.regions.clone(),
                    place.call_site.clone(),
                )),
            },
            facts,
        });
        // Nested child resources, evaluated with this instance's loop values.
        let info = ParentInfo {
            address: address.clone(),
            id: id.clone(),
            rtype: rtype.clone(),
            api: api.clone(),
            name: attrs.get("name").cloned().unwrap_or(Val::Unknown),
        };
        let children: Vec<(String, Node<'_>)> = named(obj)
            .filter(|p| p.kind() == "object_property")
            .filter_map(|p| named(p).find(|c| c.kind() == "resource_declaration"))
            .filter_map(|d| {
                let name = named(d).find(|n| n.kind() == "identifier")?;
                Some((ev.text(name).to_string(), d))
            })
            .collect();
        for (csym, cdecl) in children {
            ev.with_locals(binds.clone(), || {
                emit_resource(
                    ev,
                    place,
                    cdecl,
                    &csym,
                    Some(&info),
                    pending,
                    ids,
                    names,
                    index,
                    out,
                )
            });
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn emit_module(
    units: &Modules,
    ev: &Eval<'_>,
    place: &Place<'_>,
    decl: Node<'_>,
    sym: &str,
    pending: &mut Vec<Pending>,
    ids: &mut HashMap<String, Vec<Arc<str>>>,
    index: &LineIndex<'_>,
    out: &mut ResourceGraph,
) {
    let Some(body) = resource_body(decl) else {
        return;
    };
    let source = ev.string_literal(decl).unwrap_or_default();
    let line = index.line_col(decl.start_byte()).0;
    let end_line = index.line_col(decl.end_byte().saturating_sub(1)).0;
    let target =
        local_target(&ev.unit.display, &ev.unit.path, &source).and_then(|(d, _)| units.get(&d));
    let target = target.as_deref();
    for (binds, obj, suffix, unknown_expansion) in instances(ev, body) {
        let Some(obj) = obj else {
            continue;
        };
        let address = format!("module.{sym}{suffix}");
        let (params, facts) = ev.with_locals(binds.clone(), || {
            let params = property_node(ev, obj, "params").map(|p| ev.eval(p));
            (params, body_facts(ev, obj, index))
        });
        match target {
            Some(unit)
                if place.depth < MAX_MODULE_DEPTH && !place.stack.contains(&unit.display) =>
            {
                let given: HashMap<String, Val> = match &params {
                    Some(Val::Object(m)) => m.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
                    Some(Val::Partial(m)) => {
                        // Parameters not known to be given are unknown, not their defaults.
                        let child = Eval::new(unit, HashMap::new());
                        let mut given: HashMap<String, Val> = child
                            .decls
                            .params
                            .keys()
                            .map(|k| (k.to_string(), Val::Unknown))
                            .collect();
                        given.extend(m.iter().map(|(k, v)| (k.clone(), v.clone())));
                        given
                    }
                    _ => HashMap::new(),
                };
                let mut stack = place.stack.clone();
                stack.push(unit.display.clone());
                let child_place = Place {
                    root: place.root,
                    prefix: format!("{}{address}.", place.prefix),
                    params_file: place.params_file,
                    call_site: place.call_site.clone().or_else(|| {
                        Some(Arc::new(CallSite {
                            file: ev.unit.display.clone(),
                            line,
                            end_line,
                        }))
                    }),
                    depth: place.depth + 1,
                    stack,
                    reads: place.reads,
                };
                let child = Eval::new(unit, given);
                emit_template(units, &child, &child_place, out);
            }
            _ => {
                if target.is_some() {
                    out.errors.push(LoadError {
                        file: ev.unit.display.clone(),
                        line: Some(line),
                        column: None,
                        message: format!("module `{sym}` calls `{source}` in a cycle or deeper than {MAX_MODULE_DEPTH} levels; not expanded"),
                        file_skipped: false,
                    });
                }
                // A registry or template-spec module (or one not found): kept as a module
                // resource with what it is given.
                let mut map = match ev.with_locals(binds.clone(), || ev.eval(obj)) {
                    Val::Object(m) | Val::Partial(m) => (*m).clone(),
                    _ => Map::new(),
                };
                for k in ["scope", "dependsOn"] {
                    map.remove(k);
                }
                map.insert("source".into(), Val::str(source.clone()));
                let mut unknown = Vec::new();
                let attributes = Val::object(map)
                    .to_json(&AttrPath::root(), &mut unknown)
                    .unwrap_or_else(|| serde_json::json!({}));
                if unknown_expansion {
                    unknown.insert(0, "[*]".to_string());
                }
                let block = index.region(&decl.byte_range());
                let id = resource_id(place, &address);
                ids.entry(format!("module.{sym}"))
                    .or_default()
                    .push(id.as_str().into());
                pending.push(Pending {
                    resource: Resource {
                        id,
                        // What a Bicep module compiles to in ARM: a nested deployment.
                        resource_type: "Microsoft.Resources/deployments".into(),
                        origin: Origin::Bicep,
                        mode: Mode::Module,
                        provider: "bicep".into(),
                        name: sym.to_string(),
                        scope: Scope::default(),
                        attributes,
                        rule_attributes: None,
                        unknown,
                        refs: Vec::new(),
                        source: Source::File(FileSource::from_regions(
                            ev.unit.display.clone(),
                            block,
                            facts.regions.clone(),
                            place.call_site.clone(),
                        )),
                    },
                    facts,
                });
            }
        }
    }
}

/// The facts of a body whose references and regions nothing reads: none.
fn no_facts() -> Arc<BodyFacts> {
    static NONE: std::sync::LazyLock<Arc<BodyFacts>> = std::sync::LazyLock::new(|| {
        Arc::new(BodyFacts {
            refs: Vec::new(),
            regions: crate::graph::Regions::default(),
        })
    });
    NONE.clone()
}

/// References to resources in a declaration body: (attribute path, symbol, direct).
/// The facts of a body (`obj`, a resource's or module's object), from the template's cache
/// when a former evaluation worked them out.
fn body_facts(ev: &Eval<'_>, obj: Node<'_>, index: &LineIndex<'_>) -> Arc<BodyFacts> {
    let cache = || {
        ev.unit
            .facts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    };
    if let Some(facts) = cache().get(&obj.start_byte()) {
        return facts.clone();
    }
    let mut dynamic = false;
    let mut refs = Vec::new();
    collect_refs(ev, obj, &AttrPath::root(), true, 0, &mut refs, &mut dynamic);
    let mut regions = BTreeMap::new();
    attribute_regions(
        ev,
        obj,
        &AttrPath::root(),
        index,
        0,
        &mut regions,
        &mut dynamic,
    );
    let facts = Arc::new(BodyFacts {
        refs,
        regions: regions.into(),
    });
    if !dynamic {
        cache().insert(obj.start_byte(), facts.clone());
    }
    facts
}

/// A property key as [`Eval::key`] reads it; `dynamic` is set when it is interpolated (its
/// text then depends on the evaluation).
fn walk_key(ev: &Eval<'_>, key: Node<'_>, dynamic: &mut bool) -> Option<String> {
    if key.kind() == "string" && key.children().any(|c| c.kind() == "interpolation") {
        *dynamic = true;
    }
    ev.key(key)
}

fn collect_refs(
    ev: &Eval<'_>,
    node: Node<'_>,
    path: &AttrPath,
    whole: bool,
    depth: usize,
    out: &mut Vec<(String, String, bool)>,
    dynamic: &mut bool,
) {
    // Deeper than anything evaluated (`eval::MAX_DEPTH`): a tree can be as deep as its input
    // is long, and the walk recurses.
    if depth > MAX_WALK_DEPTH {
        return;
    }
    let depth = depth + 1;
    match node.kind() {
        "object" => {
            for p in ev.properties(node) {
                if p.spread {
                    collect_refs(ev, p.value, path, false, depth, out, dynamic);
                } else {
                    let key = walk_key(ev, p.key, dynamic).unwrap_or_default();
                    collect_refs(ev, p.value, &path.key(&key), true, depth, out, dynamic);
                }
            }
        }
        "array" => {
            for (i, el) in elements(node).into_iter().enumerate() {
                collect_refs(ev, el, &path.index(i), true, depth, out, dynamic);
            }
        }
        "identifier" => {
            let name = ev.text(node);
            if ev.decls.resources.contains_key(name) {
                out.push((path.as_str().to_string(), name.to_string(), whole));
            }
        }
        "resource_expression" => {
            let text: String = ev.text(node).split_whitespace().collect();
            if let Some(root) = text.split("::").next()
                && ev.decls.resources.contains_key(root)
            {
                out.push((path.as_str().to_string(), text, whole));
            }
        }
        "member_expression" | "subscript_expression" => {
            if let Some(obj) = node.child_by_field_name("object") {
                collect_refs(
                    ev,
                    obj,
                    path,
                    whole && node.kind() == "member_expression",
                    depth,
                    out,
                    dynamic,
                );
            }
            if let Some(index) = node.child_by_field_name("index") {
                collect_refs(ev, index, path, false, depth, out, dynamic);
            }
        }
        _ => {
            for c in named_children(node) {
                collect_refs(ev, c, path, false, depth, out, dynamic);
            }
        }
    }
}

/// The region of every property of a body, by attribute path.
fn attribute_regions(
    ev: &Eval<'_>,
    node: Node<'_>,
    path: &AttrPath,
    index: &LineIndex<'_>,
    depth: usize,
    out: &mut BTreeMap<String, Region>,
    dynamic: &mut bool,
) {
    if depth > MAX_WALK_DEPTH {
        return;
    }
    let depth = depth + 1;
    match node.kind() {
        "object" => {
            for p in ev.properties(node) {
                if p.spread {
                    attribute_regions(ev, p.value, path, index, depth, out, dynamic);
                    continue;
                }
                let Some(key) = walk_key(ev, p.key, dynamic) else {
                    continue;
                };
                let at = path.key(&key);
                out.insert(at.as_str().to_string(), index.region(&p.node.byte_range()));
                attribute_regions(ev, p.value, &at, index, depth, out, dynamic);
            }
        }
        "array" => {
            for (i, el) in elements(node).into_iter().enumerate() {
                let at = path.index(i);
                out.insert(at.as_str().to_string(), index.region(&el.byte_range()));
                attribute_regions(ev, el, &at, index, depth, out, dynamic);
            }
        }
        _ => {}
    }
}
