//! Terraform HCL loader: a directory of `.tf` files (a module) becomes resources of the graph.
//!
//! Parsing is done by `hcl-edit` (the span-preserving parser of the hcl-rs project), so every
//! attribute and nested block keeps its exact line and column. Evaluation (variables, locals,
//! references, functions, `count`/`for_each`, `dynamic` blocks) lives in [`eval`]; this file
//! turns evaluated blocks into [`Resource`]s with regions and reference edges.

mod eval;
mod funcs;
mod module;
mod value;

use std::collections::{BTreeMap, HashSet};

use hcl_edit::Span;
use hcl_edit::expr::{Expression, ObjectKey, TraversalOperator};
use hcl_edit::structure::{Body, Structure};
use hcl_edit::template::{Directive, Element};

use crate::graph::{
    AttrPath, FileSource, LoadError, Mode, Origin, Ref, Region, Resource, Scope as ResScope, Source,
};
use crate::load::text::LineIndex;

use eval::{Evaluator, META_ATTRIBUTES, META_BLOCKS};
use module::ModuleDef;
pub use module::SourceFile;
use value::{Map, Val};

/// Resources and errors from one module.
#[derive(Debug, Default)]
pub struct ModuleOutput {
    pub resources: Vec<Resource>,
    pub errors: Vec<LoadError>,
}

/// Loads one module directory. `dir` is its display path; `files` its `.tf` files (those with
/// `scanned == false` are read for context only).
pub fn load_module(dir: &str, files: Vec<SourceFile>) -> ModuleOutput {
    let (module, errors) = ModuleDef::parse(dir, files);
    let ev = Evaluator::new(&module);
    let lines: Vec<LineIndex> = module
        .files
        .iter()
        .map(|f| LineIndex::new(&f.text))
        .collect();
    let mut out = ModuleOutput {
        resources: Vec::new(),
        errors,
    };
    for (idx, def) in module.blocks.iter().enumerate() {
        if !module.files[def.file].scanned {
            continue;
        }
        let file = &module.files[def.file];
        let li = &lines[def.file];
        let builder = ResourceBuilder {
            module: &module,
            ev: &ev,
            lines: li,
        };
        let block_region = def.block.span().map(|s| li.region(&s)).unwrap_or_default();
        let scope = builder.scope_of(idx);
        for inst in ev.instances(idx).iter() {
            let mut regions = BTreeMap::new();
            let mut refs = Vec::new();
            builder.walk_body(
                &def.block.body,
                &AttrPath::root(),
                Some(&inst.attributes),
                true,
                &mut regions,
                &mut refs,
            );
            let mut unknown = Vec::new();
            let attributes = Val::object(inst.attributes.as_ref().clone())
                .to_json(&AttrPath::root(), &mut unknown)
                .unwrap_or_else(|| serde_json::json!({}));
            if let Some(what) = inst.unknown_expansion {
                unknown.insert(0, what.to_string());
            }
            refs.sort();
            refs.dedup();
            let address = format!("{}{}", def.address(), inst.key);
            out.resources.push(Resource {
                id: resource_id(dir, &address),
                resource_type: def.rtype.clone(),
                origin: Origin::Terraform,
                mode: def.mode,
                provider: provider_of(def),
                name: def.name.clone(),
                scope: scope.clone(),
                attributes,
                unknown,
                refs,
                source: Source::File(FileSource {
                    file: file.display.clone(),
                    start_line: block_region.start_line,
                    end_line: block_region.end_line,
                    attributes: regions
                        .iter()
                        .map(|(k, r)| (k.clone(), r.start_line))
                        .collect(),
                    call_site: None,
                    regions,
                    block: block_region,
                }),
            });
        }
    }
    out
}

/// `terraform:<module dir>/<address>`; the directory is left out for the working directory.
fn resource_id(dir: &str, address: &str) -> String {
    if dir == "." || dir.is_empty() {
        format!("terraform:{address}")
    } else {
        format!("terraform:{dir}/{address}")
    }
}

fn provider_of(def: &module::BlockDef) -> String {
    match def.mode {
        Mode::Managed | Mode::Data => def
            .rtype
            .split('_')
            .next()
            .unwrap_or(&def.rtype)
            .to_string(),
        Mode::Provider => def.rtype.clone(),
        Mode::Module | Mode::Output => "terraform".to_string(),
    }
}

struct ResourceBuilder<'a> {
    module: &'a ModuleDef,
    ev: &'a Evaluator<'a>,
    lines: &'a LineIndex<'a>,
}

impl ResourceBuilder<'_> {
    /// The region of a resource, from the configuration of the provider it uses.
    fn scope_of(&self, idx: usize) -> ResScope {
        let def = &self.module.blocks[idx];
        if !matches!(def.mode, Mode::Managed | Mode::Data) {
            return ResScope::default();
        }
        let (provider, alias) = match def.block.body.get_attribute("provider").map(|a| &a.value) {
            Some(Expression::Traversal(t)) => {
                match (&t.expr, t.operators.first().map(|o| o.value())) {
                    (Expression::Variable(p), Some(TraversalOperator::GetAttr(a))) => {
                        (p.as_str().to_string(), a.as_str().to_string())
                    }
                    _ => return ResScope::default(),
                }
            }
            Some(Expression::Variable(p)) => (p.as_str().to_string(), p.as_str().to_string()),
            _ => {
                let p = provider_of(def);
                (p.clone(), p)
            }
        };
        let Some(pidx) = self.module.find(Mode::Provider, &provider, &alias) else {
            return ResScope::default();
        };
        let region =
            self.ev
                .instances(pidx)
                .first()
                .and_then(|i| match i.attributes.get("region") {
                    Some(Val::String(r)) => Some(r.clone()),
                    _ => None,
                });
        ResScope {
            region,
            ..ResScope::default()
        }
    }

    /// Records the region of every attribute and nested block of `body` under `path`, and the
    /// references its expressions make. `values` is the evaluated body (to count the blocks a
    /// `dynamic` block produced).
    fn walk_body(
        &self,
        body: &Body,
        path: &AttrPath,
        values: Option<&Map>,
        top: bool,
        regions: &mut BTreeMap<String, Region>,
        refs: &mut Vec<Ref>,
    ) {
        let mut counters: BTreeMap<String, usize> = BTreeMap::new();
        for structure in body.iter() {
            match structure {
                Structure::Attribute(a) => {
                    let key = a.key.as_str();
                    if top && key == "depends_on" {
                        self.collect_refs(&a.value, "depends_on", &mut HashSet::new(), refs);
                        continue;
                    }
                    if top && META_ATTRIBUTES.contains(&key) {
                        continue;
                    }
                    let p = path.key(key);
                    if let Some(span) = a.span() {
                        regions.insert(p.to_string(), self.lines.region(&span));
                    }
                    self.literal_regions(&a.value, &p, regions);
                    self.collect_refs(&a.value, p.as_str(), &mut HashSet::new(), refs);
                }
                Structure::Block(b) => {
                    let ident = b.ident.as_str();
                    if top && META_BLOCKS.contains(&ident) {
                        continue;
                    }
                    let (label, is_dynamic) = match (ident, b.labels.first()) {
                        ("dynamic", Some(l)) => (l.as_str().to_string(), true),
                        ("dynamic", None) => continue,
                        _ => (ident.to_string(), false),
                    };
                    let list_path = path.key(&label);
                    let region = b.span().map(|s| self.lines.region(&s)).unwrap_or_default();
                    regions.entry(list_path.to_string()).or_insert(region);
                    let evaluated: Option<&Vec<Val>> = values.and_then(|m| match m.get(&label) {
                        Some(Val::List(items)) => Some(items.as_ref()),
                        _ => None,
                    });
                    let counter = counters.entry(label.clone()).or_insert(0);
                    if is_dynamic {
                        if let Some(fe) = b.body.get_attribute("for_each") {
                            self.collect_refs(
                                &fe.value,
                                list_path.as_str(),
                                &mut HashSet::new(),
                                refs,
                            );
                        }
                        let Some(content) = b.body.get_blocks("content").next() else {
                            continue;
                        };
                        // How many blocks this dynamic block produced: all of the evaluated list
                        // that static blocks of the same name did not account for.
                        let statics = body.blocks().filter(|x| x.ident.as_str() == label).count();
                        let dynamic_count =
                            evaluated.map_or(0, |items| items.len().saturating_sub(statics));
                        for _ in 0..dynamic_count.max(1) {
                            let item_path = list_path.index(*counter);
                            regions.insert(item_path.to_string(), region);
                            let item_values = item_map(evaluated, *counter);
                            self.walk_body(
                                &content.body,
                                &item_path,
                                item_values,
                                false,
                                regions,
                                refs,
                            );
                            if dynamic_count > 0 {
                                *counter += 1;
                            }
                        }
                    } else {
                        let item_path = list_path.index(*counter);
                        regions.insert(item_path.to_string(), region);
                        let item_values = item_map(evaluated, *counter);
                        self.walk_body(&b.body, &item_path, item_values, false, regions, refs);
                        *counter += 1;
                    }
                }
            }
        }
    }

    /// Regions of the keys of object literals and elements of list literals.
    fn literal_regions(
        &self,
        expr: &Expression,
        path: &AttrPath,
        regions: &mut BTreeMap<String, Region>,
    ) {
        match expr {
            Expression::Object(obj) => {
                for (key, value) in obj.iter() {
                    let name = match key {
                        ObjectKey::Ident(id) => id.as_str().to_string(),
                        ObjectKey::Expression(e) => match e.as_str() {
                            Some(s) => s.to_string(),
                            None => continue,
                        },
                    };
                    let p = path.key(&name);
                    if let (Some(ks), Some(vs)) = (key.span(), value.expr().span()) {
                        regions.insert(p.to_string(), self.lines.region(&(ks.start..vs.end)));
                    }
                    self.literal_regions(value.expr(), &p, regions);
                }
            }
            Expression::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    let p = path.index(i);
                    if let Some(span) = item.span() {
                        regions.insert(p.to_string(), self.lines.region(&span));
                    }
                    self.literal_regions(item, &p, regions);
                }
            }
            _ => {}
        }
    }

    /// Collects references to other resources made by `expr` (following locals), recorded
    /// against `attribute`. `bound` holds names bound by enclosing `for` expressions.
    fn collect_refs(
        &self,
        expr: &Expression,
        attribute: &str,
        bound: &mut HashSet<String>,
        refs: &mut Vec<Ref>,
    ) {
        let mut visiting = HashSet::new();
        self.refs_in(expr, attribute, bound, &mut visiting, refs);
    }

    fn refs_in(
        &self,
        expr: &Expression,
        attribute: &str,
        bound: &mut HashSet<String>,
        visiting: &mut HashSet<String>,
        refs: &mut Vec<Ref>,
    ) {
        macro_rules! recurse {
            ($e:expr, $bound:expr) => {
                self.refs_in($e, attribute, $bound, visiting, refs)
            };
        }
        match expr {
            Expression::Null(_)
            | Expression::Bool(_)
            | Expression::Number(_)
            | Expression::String(_) => {}
            Expression::Array(items) => {
                for e in items.iter() {
                    recurse!(e, bound);
                }
            }
            Expression::Object(obj) => {
                for (k, v) in obj.iter() {
                    if let ObjectKey::Expression(e) = k {
                        recurse!(e, bound);
                    }
                    recurse!(v.expr(), bound);
                }
            }
            Expression::StringTemplate(t) => {
                for el in t.iter() {
                    self.refs_in_element(el, attribute, bound, visiting, refs);
                }
            }
            Expression::HeredocTemplate(h) => {
                for el in h.template.iter() {
                    self.refs_in_element(el, attribute, bound, visiting, refs);
                }
            }
            Expression::Parenthesis(p) => recurse!(p.inner(), bound),
            Expression::Variable(_) => {}
            Expression::Traversal(t) => {
                if let Expression::Variable(root) = &t.expr {
                    let ops: Vec<&TraversalOperator> =
                        t.operators.iter().map(|o| o.value()).collect();
                    self.traversal_ref(root.as_str(), &ops, attribute, bound, visiting, refs);
                } else {
                    recurse!(&t.expr, bound);
                }
                for op in t.operators.iter() {
                    if let TraversalOperator::Index(e) = op.value() {
                        recurse!(e, bound);
                    }
                }
            }
            Expression::Conditional(c) => {
                recurse!(&c.cond_expr, bound);
                recurse!(&c.true_expr, bound);
                recurse!(&c.false_expr, bound);
            }
            Expression::FuncCall(f) => {
                for e in f.args.iter() {
                    recurse!(e, bound);
                }
            }
            Expression::UnaryOp(op) => recurse!(&op.expr, bound),
            Expression::BinaryOp(op) => {
                recurse!(&op.lhs_expr, bound);
                recurse!(&op.rhs_expr, bound);
            }
            Expression::ForExpr(f) => {
                recurse!(&f.intro.collection_expr, bound);
                let mut inner = bound.clone();
                inner.insert(f.intro.value_var.as_str().to_string());
                if let Some(k) = &f.intro.key_var {
                    inner.insert(k.as_str().to_string());
                }
                if let Some(k) = &f.key_expr {
                    recurse!(k, &mut inner);
                }
                recurse!(&f.value_expr, &mut inner);
                if let Some(c) = &f.cond {
                    recurse!(&c.expr, &mut inner);
                }
            }
        }
    }

    fn refs_in_element(
        &self,
        el: &Element,
        attribute: &str,
        bound: &mut HashSet<String>,
        visiting: &mut HashSet<String>,
        refs: &mut Vec<Ref>,
    ) {
        match el {
            Element::Literal(_) => {}
            Element::Interpolation(i) => self.refs_in(&i.expr, attribute, bound, visiting, refs),
            Element::Directive(d) => match d.as_ref() {
                Directive::If(d) => {
                    self.refs_in(&d.if_expr.cond_expr, attribute, bound, visiting, refs);
                    let templates = std::iter::once(&d.if_expr.template)
                        .chain(d.else_expr.as_ref().map(|e| &e.template));
                    for t in templates {
                        for el in t.iter() {
                            self.refs_in_element(el, attribute, bound, visiting, refs);
                        }
                    }
                }
                Directive::For(d) => {
                    let fe = &d.for_expr;
                    self.refs_in(&fe.collection_expr, attribute, bound, visiting, refs);
                    let mut inner = bound.clone();
                    inner.insert(fe.value_var.as_str().to_string());
                    if let Some(k) = &fe.key_var {
                        inner.insert(k.as_str().to_string());
                    }
                    for el in fe.template.iter() {
                        self.refs_in_element(el, attribute, &mut inner, visiting, refs);
                    }
                }
            },
        }
    }

    /// A traversal rooted at `root`: a resource, data source or module reference becomes an
    /// edge; a local is followed to what it refers to.
    fn traversal_ref(
        &self,
        root: &str,
        ops: &[&TraversalOperator],
        attribute: &str,
        bound: &mut HashSet<String>,
        visiting: &mut HashSet<String>,
        refs: &mut Vec<Ref>,
    ) {
        if bound.contains(root) {
            return;
        }
        let attr = |i: usize| match ops.get(i) {
            Some(TraversalOperator::GetAttr(id)) => Some(id.as_str()),
            _ => None,
        };
        let (target, next) = match root {
            "var" | "count" | "each" | "path" | "terraform" | "self" => return,
            "local" => {
                if let Some(name) = attr(0)
                    && let Some(local) = self.module.locals.get(name)
                    && visiting.insert(name.to_string())
                {
                    let mut fresh = HashSet::new();
                    self.refs_in(&local.expr, attribute, &mut fresh, visiting, refs);
                }
                return;
            }
            "data" => match (attr(0), attr(1)) {
                (Some(t), Some(n)) => (self.module.find(Mode::Data, t, n), 2),
                _ => return,
            },
            "module" => match attr(0) {
                Some(n) => (self.module.find(Mode::Module, "module", n), 1),
                None => return,
            },
            ty => match attr(0) {
                Some(n) => (self.module.find(Mode::Managed, ty, n), 1),
                None => return,
            },
        };
        let Some(target) = target else { return };
        let def = &self.module.blocks[target];
        // A literal index right after the address picks one instance.
        let key = match ops.get(next) {
            Some(TraversalOperator::Index(Expression::Number(n))) => {
                n.value().as_f64().map(|n| format!("[{}]", n as i64))
            }
            Some(TraversalOperator::LegacyIndex(n)) => Some(format!("[{}]", n.value())),
            Some(TraversalOperator::Index(Expression::String(s))) => Some(format!(
                "[{}]",
                serde_json::to_string(s.value().as_str()).unwrap_or_default()
            )),
            _ => None,
        };
        let instances = self.ev.instances(target);
        let chosen: Vec<&str> = match &key {
            Some(k) if instances.iter().any(|i| &i.key == k) => vec![k.as_str()],
            _ => instances.iter().map(|i| i.key.as_str()).collect(),
        };
        for k in chosen {
            refs.push(Ref {
                attribute: attribute.to_string(),
                to: resource_id(&self.module.dir, &format!("{}{}", def.address(), k)),
            });
        }
    }
}

fn item_map(evaluated: Option<&Vec<Val>>, i: usize) -> Option<&Map> {
    match evaluated?.get(i)? {
        Val::Object(m) => Some(m.as_ref()),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
