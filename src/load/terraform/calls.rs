//! Module calls: a `module` block whose source tenet can read (a local directory, or a remote
//! module that `terraform init` installed under `.terraform/modules`) is expanded into one
//! child evaluator per instance, with the call's arguments bound to the child's variables.
//! `module.NAME.OUTPUT` then evaluates the child's output, and the child's resources join the
//! graph under `module.NAME[KEY].` addresses. Providers are looked up through the calls as
//! Terraform passes them (implicitly, or by the `providers` map).

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::rc::{Rc, Weak};

use hcl_edit::Span;
use hcl_edit::expr::{Expression, ObjectKey, TraversalOperator};

use super::eval::{Evaluator, Placement, Scope};
use super::module::{BlockDef, EvalContext, ModuleDef, join_display, local_source};
use super::value::{EvalResult, Map, Val, err};
use crate::graph::{CallSite, LoadError, Mode};
use crate::load::text::LineIndex;

/// Deepest chain of module calls expanded; deeper calls stay unexpanded module resources.
pub const MAX_MODULE_DEPTH: usize = 32;

/// What all evaluators under one root module share.
pub struct RootCtx<'m> {
    /// Every parsed module directory of the scan, by display path.
    pub modules: &'m BTreeMap<String, ModuleDef>,
    /// The root module's directory (display path): resource ids start with it.
    pub root_dir: String,
    /// Remote modules installed by `terraform init`: module key (`a.b`) → directory.
    pub installed: HashMap<String, String>,
    /// The scanned tree: `file()` reads nothing outside it.
    pub fs_root: Option<PathBuf>,
    /// Problems met while expanding (reported once each).
    pub errors: RefCell<Vec<LoadError>>,
    /// Bounds on expansion (`terraform-instances`, `terraform-resources`).
    pub limits: crate::limits::Limits,
    /// Module instances that may still be expanded.
    pub budget: Cell<usize>,
    /// Resources that may still be emitted.
    pub resources_left: Cell<usize>,
    /// Nesting of evaluations in progress (all evaluators together).
    pub depth: Cell<usize>,
}

impl<'m> RootCtx<'m> {
    pub fn new(
        modules: &'m BTreeMap<String, ModuleDef>,
        root_dir: &str,
        installed: HashMap<String, String>,
        fs_root: Option<PathBuf>,
        limits: &crate::limits::Limits,
    ) -> Rc<Self> {
        Rc::new(RootCtx {
            modules,
            root_dir: root_dir.to_string(),
            installed,
            fs_root,
            errors: RefCell::default(),
            limits: *limits,
            budget: Cell::new(limits.terraform_instances),
            resources_left: Cell::new(limits.terraform_resources),
            depth: Cell::new(0),
        })
    }

    pub fn report(&self, error: LoadError) {
        let mut errors = self.errors.borrow_mut();
        if !errors.contains(&error) {
            errors.push(error);
        }
    }
}

/// The evaluator of a root module, with `values` given for its variables.
pub fn root_evaluator<'m>(
    module: &'m ModuleDef,
    root: Rc<RootCtx<'m>>,
    values: &Map,
) -> Rc<Evaluator<'m>> {
    let context = EvalContext {
        path_module: ".".into(),
        path_root: ".".into(),
        fs_dir: module.fs_dir.clone(),
        fs_root: root.fs_root.clone(),
    };
    let place = Placement {
        call: None,
        prefix: String::new(),
        call_path: Vec::new(),
        ancestry: vec![module.dir.clone()],
        unknown_expansion: None,
        call_site: None,
        context,
    };
    Evaluator::new(module, root, place, values)
}

/// The call that made a module instance: the calling evaluator, the `module` block and the
/// names the instance's arguments were evaluated with (`count.index`, `each.*`).
pub struct Call<'m> {
    pub parent: Weak<Evaluator<'m>>,
    pub block: usize,
    pub scope: Scope,
}

/// One instance of an expanded module call.
pub struct Child<'m> {
    /// `""`, `[0]` or `["key"]`.
    pub key: String,
    pub ev: Rc<Evaluator<'m>>,
}

impl<'m> Evaluator<'m> {
    /// The instances of module call `idx` (memoized); `None` when the call is not expanded
    /// (its source is remote and not installed, outside the scanned tree, or a cycle).
    pub fn children(&self, idx: usize) -> Option<Rc<Vec<Child<'m>>>> {
        if let Some(c) = self.children.borrow().get(&idx) {
            return c.clone();
        }
        let entered = self.enter(&format!("module#{idx}"))?;
        let result = self.expand_call(idx);
        drop(entered);
        self.children.borrow_mut().insert(idx, result.clone());
        result
    }

    fn expand_call(&self, idx: usize) -> Option<Rc<Vec<Child<'m>>>> {
        let def = &self.module.blocks[idx];
        let dir = self.module_dir_of(def)?;
        let Some(module) = self.root.modules.get(&dir) else {
            if local_source(def).is_some() && !dir.starts_with("..") {
                self.report(
                    def,
                    format!(
                        "module \"{}\" is not expanded: {dir} has no .tf files tenet may read \
                         (missing, empty, or a link out of the scanned tree)",
                        def.name
                    ),
                );
            }
            return None;
        };
        if self.place.ancestry.contains(&dir) {
            self.report(
                def,
                format!(
                    "module \"{}\" is not expanded: {dir} is already being expanded (a cycle)",
                    def.name
                ),
            );
            return None;
        }
        if self.place.call_path.len() >= MAX_MODULE_DEPTH {
            self.report(
                def,
                format!(
                    "module \"{}\" is not expanded: module calls nest deeper than {MAX_MODULE_DEPTH}",
                    def.name
                ),
            );
            return None;
        }
        let instances = self.instances(idx);
        let budget = self.root.budget.get();
        if instances.len() > budget {
            self.report(
                def,
                format!(
                    "module \"{}\" is not expanded: more than {} module instances under this \
                     root module (limit terraform-instances)",
                    def.name, self.root.limits.terraform_instances
                ),
            );
            return None;
        }
        self.root.budget.set(budget - instances.len());
        let call_site = self
            .place
            .call_site
            .clone()
            .or_else(|| self.call_site_of(def));
        let mut call_path = self.place.call_path.clone();
        call_path.push(def.name.clone());
        let mut ancestry = self.place.ancestry.clone();
        ancestry.push(dir.clone());
        let children = instances
            .iter()
            .map(|inst| {
                let mut values = (*inst.attributes).clone();
                values.remove("source");
                values.remove("version");
                let place = Placement {
                    call: Some(Call {
                        parent: self.this.clone(),
                        block: idx,
                        scope: inst.scope.clone(),
                    }),
                    prefix: format!("{}module.{}{}.", self.place.prefix, def.name, inst.key),
                    call_path: call_path.clone(),
                    ancestry: ancestry.clone(),
                    unknown_expansion: self.place.unknown_expansion.or(inst.unknown_expansion),
                    call_site: call_site.clone(),
                    context: EvalContext {
                        path_module: relative_display(&self.root.root_dir, &dir),
                        path_root: ".".into(),
                        // Terraform resolves relative paths against the root module's
                        // directory; `path.module` leads from there to this module.
                        fs_dir: self.place.context.fs_dir.clone(),
                        fs_root: self.root.fs_root.clone(),
                    },
                };
                Child {
                    key: inst.key.clone(),
                    ev: Evaluator::new(module, self.root.clone(), place, &values),
                }
            })
            .collect();
        Some(Rc::new(children))
    }

    /// The directory a module call's source names, as a display path.
    fn module_dir_of(&self, def: &BlockDef) -> Option<String> {
        let mut key = self.place.call_path.join(".");
        if !key.is_empty() {
            key.push('.');
        }
        key.push_str(&def.name);
        if let Some(dir) = self.root.installed.get(&key) {
            return Some(dir.clone());
        }
        local_source(def).map(|source| join_display(&self.module.dir, source))
    }

    fn call_site_of(&self, def: &BlockDef) -> Option<std::sync::Arc<CallSite>> {
        let file = self.module.files.get(def.file)?;
        let span = def.block.span()?;
        let index = LineIndex::new(&file.text);
        Some(std::sync::Arc::new(CallSite {
            file: file.display.clone(),
            line: index.line_col(span.start).0,
            end_line: index.line_col(span.end.saturating_sub(1)).0,
        }))
    }

    fn report(&self, def: &BlockDef, message: String) {
        let (file, line) = match self.module.files.get(def.file) {
            Some(f) => (
                f.display.clone(),
                def.block
                    .span()
                    .map(|s| LineIndex::new(&f.text).line_col(s.start)),
            ),
            None => (self.module.dir.clone(), None),
        };
        self.root.report(LoadError {
            file,
            line: line.map(|l| l.0),
            column: line.map(|l| l.1),
            message,
            file_skipped: false,
        });
    }

    /// The value of `module.NAME` (module call `idx`) followed by `ops`. Only the outputs
    /// the traversal names are evaluated.
    pub(super) fn module_value(
        &self,
        idx: usize,
        ops: &[&TraversalOperator],
        scope: &Scope,
    ) -> EvalResult {
        let Some(children) = self.children(idx) else {
            return Ok(Val::Unknown);
        };
        if self
            .instances(idx)
            .iter()
            .any(|i| i.unknown_expansion.is_some())
        {
            return Ok(Val::Unknown);
        }
        let body = &self.module.blocks[idx].block.body;
        let counted = body.has_attribute("count");
        let keyed = counted || body.has_attribute("for_each");
        let (chosen, rest) = if !keyed {
            (children.first(), ops)
        } else {
            let key = match ops.first() {
                Some(TraversalOperator::Index(e)) => Some(self.eval(e, scope)?),
                Some(TraversalOperator::LegacyIndex(n)) => Some(Val::Number(*n.value() as f64)),
                _ => None,
            };
            match key {
                Some(Val::Unknown) => return Ok(Val::Unknown),
                Some(k) => {
                    let wanted = instance_key(&k);
                    match children.iter().find(|c| Some(&c.key) == wanted.as_ref()) {
                        Some(c) => (Some(c), &ops[1..]),
                        None => return err(format!("no module instance with key {k:?}")),
                    }
                }
                None => (None, ops),
            }
        };
        match (chosen, rest.first()) {
            (Some(child), Some(TraversalOperator::GetAttr(name))) => {
                let v = child.ev.output(name.as_str())?;
                self.apply_ops(v, &rest[1..], scope)
            }
            (Some(child), _) => self.apply_ops(child.ev.outputs(), rest, scope),
            (None, _) => {
                let whole = if counted {
                    Val::list(children.iter().map(|c| c.ev.outputs()).collect())
                } else {
                    Val::object(
                        children
                            .iter()
                            .map(|c| (super::eval::unquote_key(&c.key), c.ev.outputs()))
                            .collect(),
                    )
                };
                self.apply_ops(whole, rest, scope)
            }
        }
    }

    /// The value of output `name` of this module instance.
    pub fn output(&self, name: &str) -> EvalResult {
        match self.module.find(Mode::Output, "output", name) {
            Some(idx) => Ok(self
                .instances(idx)
                .first()
                .and_then(|i| i.attributes.get("value").cloned())
                .unwrap_or(Val::Unknown)),
            None => err(format!("module has no output \"{name}\"")),
        }
    }

    /// Every output of this module instance, as an object.
    fn outputs(&self) -> Val {
        let map = self
            .module
            .blocks
            .iter()
            .filter(|b| b.mode == Mode::Output)
            .map(|b| (b.name.clone(), self.output(&b.name).unwrap_or(Val::Unknown)))
            .collect();
        Val::object(map)
    }

    /// The evaluated configuration of provider `name` (alias `alias`; the name itself for the
    /// default configuration) as this module sees it: its own `provider` block, else the one
    /// its call passes (the `providers` map, or the caller's default configuration).
    pub fn provider_config(&self, name: &str, alias: &str) -> Option<Rc<Map>> {
        if let Some(idx) = self.module.find(Mode::Provider, name, alias) {
            return self.instances(idx).first().map(|i| i.attributes.clone());
        }
        let call = self.place.call.as_ref()?;
        let parent = call.parent.upgrade()?;
        let block = &parent.module.blocks[call.block].block;
        let wanted = if alias == name {
            name.to_string()
        } else {
            format!("{name}.{alias}")
        };
        let Some(providers) = block.body.get_attribute("providers") else {
            // Without a `providers` map, only default configurations pass implicitly.
            return (alias == name)
                .then(|| parent.provider_config(name, name))
                .flatten();
        };
        let Expression::Object(map) = &providers.value else {
            return None;
        };
        for (key, value) in map.iter() {
            let key = match key {
                ObjectKey::Ident(id) => Some((id.as_str().to_string(), id.as_str().to_string())),
                ObjectKey::Expression(e) => provider_ref(e),
            };
            let Some((kn, ka)) = key else { continue };
            let key = if kn == ka { kn } else { format!("{kn}.{ka}") };
            if key == wanted {
                let (pn, pa) = provider_ref(value.expr())?;
                return parent.provider_config(&pn, &pa);
            }
        }
        None
    }
}

/// `aws` → (`aws`, `aws`); `aws.west` → (`aws`, `west`).
fn provider_ref(expr: &Expression) -> Option<(String, String)> {
    match expr {
        Expression::Variable(v) => Some((v.as_str().to_string(), v.as_str().to_string())),
        Expression::Traversal(t) => {
            let Expression::Variable(root) = &t.expr else {
                return None;
            };
            match t
                .operators
                .iter()
                .map(|o| o.value())
                .collect::<Vec<_>>()
                .as_slice()
            {
                [TraversalOperator::GetAttr(a)] => {
                    Some((root.as_str().to_string(), a.as_str().to_string()))
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// The instance key (`[0]`, `["k"]`) an index value selects.
pub(super) fn instance_key(key: &Val) -> Option<String> {
    match key {
        Val::Number(n) if *n >= 0.0 && n.fract() == 0.0 => Some(format!("[{}]", *n as u64)),
        Val::String(s) => Some(string_key(s)),
        _ => None,
    }
}

/// The instance key of a `for_each` key: `["k"]`.
pub(super) fn string_key(key: &str) -> String {
    format!("[{}]", serde_json::to_string(key).unwrap_or_default())
}

/// The path from directory `from` to directory `to` (both display paths), as `path.module`
/// gives it relative to the root module.
pub fn relative_display(from: &str, to: &str) -> String {
    let parts = |p: &str| -> Vec<String> {
        p.split('/')
            .filter(|s| !s.is_empty() && *s != ".")
            .map(str::to_string)
            .collect()
    };
    let (from, to) = (parts(from), parts(to));
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut out: Vec<String> = vec!["..".to_string(); from.len() - common];
    out.extend(to[common..].iter().cloned());
    if out.is_empty() {
        ".".to_string()
    } else {
        out.join("/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_between_module_dirs() {
        assert_eq!(relative_display(".", "modules/x"), "modules/x");
        assert_eq!(relative_display("examples/a", "."), "../..");
        assert_eq!(
            relative_display("examples/a", "modules/x"),
            "../../modules/x"
        );
        assert_eq!(relative_display("a", "a"), ".");
    }
}
