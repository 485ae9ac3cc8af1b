//! Terraform HCL loader: a directory of `.tf` files (a module) becomes resources of the graph.
//!
//! Parsing is done by `hcl-edit` (the span-preserving parser of the hcl-rs project), so every
//! attribute and nested block keeps its exact line and column. Evaluation (variables, locals,
//! references, functions, `count`/`for_each`, `dynamic` blocks) lives in [`eval`]; this file
//! turns evaluated blocks into [`Resource`]s with regions and reference edges.

mod calls;
mod eval;
mod expand;
mod funcs;
mod module;
mod parse;
mod project;
mod refs;
mod relaxed;
mod tags;
mod tfjson;
mod types;
use super::value;

use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

use hcl_edit::Span;
use hcl_edit::expr::{Expression, ObjectKey, TraversalOperator};
use hcl_edit::structure::{Body, Structure};

use crate::graph::{
    AttrPath, FileSource, LoadError, Mode, Origin, Ref, Region, Resource, Scope as ResScope, Source,
};
use crate::load::text::LineIndex;

use eval::{Evaluator, META_ATTRIBUTES, META_BLOCKS, Scope};
use expand::Dynamic;
pub use module::{ModuleDef, SourceFile, join_display, local_source};
pub use project::{DirInput, ProjectOptions, VarInputs, load as load_project, tf_files_in};
use value::{Map, Val};

/// Resources and errors from one module.
#[derive(Debug, Default)]
pub struct ModuleOutput {
    pub resources: Vec<Resource>,
    pub errors: Vec<LoadError>,
}

/// Loads one module directory as a root module with no variable values given. `dir` is its
/// display path; `files` its `.tf` files (those with `scanned == false` are read for context
/// only).
pub fn load_module(dir: &str, files: Vec<SourceFile>) -> ModuleOutput {
    let limits = crate::limits::Limits::default();
    let (module, mut errors) = ModuleDef::parse(dir, files, limits.hcl_parse);
    let modules = BTreeMap::from([(dir.to_string(), module)]);
    let mut out = evaluate_root(&modules, dir, HashMap::new(), None, &Map::new(), &limits);
    errors.append(&mut out.errors);
    out.errors = errors;
    out
}

/// Evaluates the root module `root_dir` (one of `modules`, which holds every module it may
/// call) with `values` for its variables, expanding the module calls it can read within
/// `limits`.
pub fn evaluate_root(
    modules: &BTreeMap<String, ModuleDef>,
    root_dir: &str,
    installed: HashMap<String, String>,
    fs_root: Option<std::path::PathBuf>,
    values: &Map,
    limits: &crate::limits::Limits,
) -> ModuleOutput {
    let Some(module) = modules.get(root_dir) else {
        return ModuleOutput::default();
    };
    let root = calls::RootCtx::new(modules, root_dir, installed, fs_root, limits);
    let ev = calls::root_evaluator(module, root.clone(), values);
    let mut out = ModuleOutput::default();
    let mut lines = HashMap::new();
    emit(&ev, &mut lines, &mut out);
    out.errors.extend(root.errors.borrow().iter().cloned());
    out
}

/// Line indexes of the files of each module directory, built once per root.
type Lines<'m> = HashMap<&'m str, Rc<Vec<LineIndex<'m>>>>;

/// Turns every block of a module instance into resources, and expands its module calls.
fn emit<'m>(ev: &Rc<Evaluator<'m>>, lines: &mut Lines<'m>, out: &mut ModuleOutput) {
    let module = ev.module();
    let li = lines
        .entry(module.dir.as_str())
        .or_insert_with(|| {
            Rc::new(
                module
                    .files
                    .iter()
                    .map(|f| LineIndex::new(&f.text))
                    .collect(),
            )
        })
        .clone();
    for (idx, def) in module.blocks.iter().enumerate() {
        if def.mode == Mode::Module
            && let Some(children) = ev.children(idx)
        {
            for child in children.iter() {
                emit(&child.ev, lines, out);
            }
            continue;
        }
        // Outputs of called modules are plumbing between modules (their values already flow
        // into the callers); only the root module's outputs are part of the graph.
        if def.mode == Mode::Output && ev.place.call.is_some() {
            continue;
        }
        let builder = ResourceBuilder {
            module,
            ev,
            lines: &li[def.file],
        };
        builder.emit_block(idx, out);
    }
}

impl ResourceBuilder<'_, '_> {
    /// The resources of block `idx`: one per instance.
    fn emit_block(&self, idx: usize, out: &mut ModuleOutput) {
        let def = &self.module.blocks[idx];
        let file = &self.module.files[def.file];
        let ev = self.ev;
        let block_region = def
            .block
            .span()
            .map(|s| self.lines.region(&s))
            .unwrap_or_default();
        let provider = self.provider_config(idx);
        let scope = ResScope {
            region: provider.as_ref().and_then(|p| match p.get("region") {
                Some(Val::String(r)) => Some(r.clone()),
                _ => None,
            }),
            ..ResScope::default()
        };
        let each_target = def
            .block
            .body
            .get_attribute("for_each")
            .and_then(|a| refs::for_each_target(ev, &a.value));
        for inst in ev.instances(idx).iter() {
            let left = ev.root.resources_left.get();
            if left == 0 {
                ev.root.report(LoadError {
                    file: ev.root.root_dir.clone(),
                    line: None,
                    column: None,
                    message: format!(
                        "more than {} resources under this root module; the rest are left out \
                         (limit terraform-resources)",
                        ev.root.limits.terraform_resources
                    ),
                    file_skipped: false,
                });
                return;
            }
            ev.root.resources_left.set(left - 1);
            let mut regions = BTreeMap::new();
            let mut refs = Vec::new();
            let walk = Walk {
                top: true,
                each_target,
                overridden: &def.overridden,
                record: true,
            };
            self.walk_body(
                &def.block.body,
                &AttrPath::root(),
                &inst.scope,
                walk,
                &mut regions,
                &mut refs,
            );
            let mut attributes = inst.attributes.as_ref().clone();
            if def.mode == Mode::Managed
                && let Some(p) = &provider
            {
                tags::apply_default_tags(&def.rtype, &mut attributes, p);
            }
            let mut unknown = Vec::new();
            let attributes = Val::object(attributes)
                .to_json(&AttrPath::root(), &mut unknown)
                .unwrap_or_else(|| serde_json::json!({}));
            if let Some(what) = inst.unknown_expansion.or(ev.place.unknown_expansion) {
                unknown.insert(0, what.to_string());
            }
            refs.sort();
            refs.dedup();
            let address = format!("{}{}", def.address(), inst.key);
            out.resources.push(Resource {
                id: ev.resource_id(&address),
                resource_type: def.rtype.clone(),
                origin: Origin::Terraform,
                mode: def.mode,
                provider: provider_of(def),
                name: def.name.clone(),
                scope: scope.clone(),
                attributes,
                rule_attributes: None,
                unknown,
                refs,
                source: Source::File(FileSource::from_regions(
                    file.display.clone(),
                    block_region,
                    regions,
                    ev.place.call_site.clone(),
                )),
            });
        }
    }
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

/// Where `walk_body` is: at the top of a resource block (where meta-arguments live), and
/// whether regions are recorded (not for structures merged in from override files, whose lines
/// are in another file).
#[derive(Clone, Copy)]
struct Walk<'a> {
    top: bool,
    /// The resource the block's `for_each` iterates directly (what `each.value` stands for).
    each_target: Option<usize>,
    overridden: &'a std::collections::BTreeSet<String>,
    record: bool,
}

impl<'a> Walk<'a> {
    /// Whether the top-level key (or any key below the top) gets regions.
    fn records(&self, key: &str) -> bool {
        self.record && !(self.top && self.overridden.contains(key))
    }

    /// The walk of a nested block of type `label`.
    fn nested(&self, label: &str) -> Walk<'a> {
        Walk {
            top: false,
            record: self.records(label),
            ..*self
        }
    }
}

struct ResourceBuilder<'a, 'm> {
    module: &'m ModuleDef,
    ev: &'a Evaluator<'m>,
    lines: &'a LineIndex<'m>,
}

impl ResourceBuilder<'_, '_> {
    /// The configuration of the provider a resource uses (its `provider` argument, else the
    /// default configuration of the provider its type belongs to).
    fn provider_config(&self, idx: usize) -> Option<Rc<Map>> {
        let def = &self.module.blocks[idx];
        if !matches!(def.mode, Mode::Managed | Mode::Data) {
            return None;
        }
        let (provider, alias) = match def.block.body.get_attribute("provider").map(|a| &a.value) {
            Some(Expression::Traversal(t)) => {
                match (&t.expr, t.operators.first().map(|o| o.value())) {
                    (Expression::Variable(p), Some(TraversalOperator::GetAttr(a))) => {
                        (p.as_str().to_string(), a.as_str().to_string())
                    }
                    _ => return None,
                }
            }
            Some(Expression::Variable(p)) => (p.as_str().to_string(), p.as_str().to_string()),
            _ => {
                let p = provider_of(def);
                (p.clone(), p)
            }
        };
        self.ev.provider_config(&provider, &alias)
    }

    /// Records the region of every attribute and nested block of `body` under `path`, and the
    /// references its expressions make. `scope` holds the names the instance's expressions see,
    /// to resolve reference indices and count the blocks each `dynamic` block produced.
    fn walk_body(
        &self,
        body: &Body,
        path: &AttrPath,
        scope: &Scope,
        walk: Walk,
        regions: &mut BTreeMap<String, Region>,
        refs: &mut Vec<Ref>,
    ) {
        let mut counters: BTreeMap<String, usize> = BTreeMap::new();
        for structure in body.iter() {
            match structure {
                Structure::Attribute(a) => {
                    let key = a.key.as_str();
                    if walk.top && key == "depends_on" {
                        refs::collect(self.ev, &a.value, "depends_on", scope, None, refs);
                        continue;
                    }
                    if walk.top && META_ATTRIBUTES.contains(&key) {
                        continue;
                    }
                    let p = path.key(key);
                    if walk.records(key) {
                        if let Some(span) = a.span() {
                            regions.insert(p.to_string(), self.lines.region(&span));
                        }
                        self.literal_regions(&a.value, &p, regions);
                    }
                    refs::collect(self.ev, &a.value, p.as_str(), scope, walk.each_target, refs);
                }
                Structure::Block(b) => {
                    let ident = b.ident.as_str();
                    if walk.top && META_BLOCKS.contains(&ident) {
                        continue;
                    }
                    let region = b.span().map(|s| self.lines.region(&s)).unwrap_or_default();
                    let dynamic = if ident == "dynamic" {
                        match Dynamic::of(b) {
                            Some(d) => Some(d),
                            None => continue,
                        }
                    } else {
                        None
                    };
                    let label = dynamic.as_ref().map_or(ident, |d| d.label.as_str());
                    let inner = walk.nested(label);
                    let list_path = path.key(label);
                    if inner.record {
                        regions.entry(list_path.to_string()).or_insert(region);
                    }
                    let Some(dynamic) = dynamic else {
                        let counter = counters.entry(label.to_string()).or_insert(0);
                        let item_path = list_path.index(*counter);
                        *counter += 1;
                        if inner.record {
                            regions.insert(item_path.to_string(), region);
                        }
                        self.walk_body(&b.body, &item_path, scope, inner, regions, refs);
                        continue;
                    };
                    if let Some(for_each) = dynamic.for_each {
                        refs::collect(self.ev, for_each, list_path.as_str(), scope, None, refs);
                    }
                    match self.ev.dynamic_iterations(&dynamic, scope) {
                        Some(iterations) => {
                            let counter = counters.entry(dynamic.label.clone()).or_insert(0);
                            for it in iterations {
                                let item_path = list_path.index(*counter);
                                *counter += 1;
                                if inner.record {
                                    regions.insert(item_path.to_string(), region);
                                }
                                self.walk_body(
                                    &dynamic.content.body,
                                    &item_path,
                                    &it,
                                    inner,
                                    regions,
                                    refs,
                                );
                            }
                        }
                        // Unknown iterations: the block list is unknown; still collect the
                        // content's references (against the list).
                        None => {
                            let quiet = Walk {
                                record: false,
                                ..inner
                            };
                            self.walk_body(
                                &dynamic.content.body,
                                &list_path,
                                scope,
                                quiet,
                                regions,
                                refs,
                            )
                        }
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
}

#[cfg(test)]
mod tests;
