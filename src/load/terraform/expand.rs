//! Expansion of blocks into instances (`count`, `for_each`) and of block bodies into attribute
//! values (nested and `dynamic` blocks).

use std::collections::{BTreeMap, HashSet};
use std::rc::Rc;

use hcl_edit::expr::Expression;
use hcl_edit::structure::{Block, Body, Structure};

use super::eval::{Evaluator, META_ATTRIBUTES, META_BLOCKS, Scope, iteration_pairs};
use super::module::BlockDef;
use super::value::{Map, Val};
use crate::graph::Mode;

/// One instance of a resource after `count`/`for_each` expansion.
#[derive(Debug, Clone)]
pub struct Instance {
    /// `""`, `[0]` or `["key"]`: appended to the resource address.
    pub key: String,
    pub attributes: Rc<Map>,
    /// The names the instance's expressions see (`count.index`, `each.key`, `each.value`).
    pub scope: Scope,
    /// Why the instance set could not be known (`count`/`for_each` unknown), if so.
    pub unknown_expansion: Option<&'static str>,
}

impl Evaluator<'_> {
    /// The value a reference to a whole resource yields: one instance, a list (count) or a map
    /// (for_each) of partial objects.
    pub(super) fn instances_value(&self, idx: usize) -> Val {
        let def = &self.module().blocks[idx];
        let instances = self.instances(idx);
        let partial = |inst: &Instance| Val::Partial(inst.attributes.clone());
        if instances.iter().any(|i| i.unknown_expansion.is_some()) {
            return Val::Unknown;
        }
        if def.block.body.has_attribute("count") {
            Val::list(instances.iter().map(partial).collect())
        } else if def.block.body.has_attribute("for_each") {
            Val::object(
                instances
                    .iter()
                    .map(|i| (super::eval::unquote_key(&i.key), partial(i)))
                    .collect(),
            )
        } else {
            instances.first().map_or(Val::Unknown, partial)
        }
    }

    /// The expanded instances of a block (memoized). A reference cycle or a chain of
    /// references deeper than the evaluator allows gives one instance with unknown expansion.
    pub fn instances(&self, idx: usize) -> Rc<Vec<Instance>> {
        if let Some(v) = self.cached_instances(idx) {
            return v;
        }
        let def = &self.module().blocks[idx];
        let guard = format!("block#{idx}");
        let result = match self.enter(&guard) {
            Some(_entered) => Rc::new(self.expand(def)),
            None => {
                return Rc::new(vec![Instance {
                    key: String::new(),
                    attributes: Rc::new(Map::new()),
                    scope: Scope::default(),
                    unknown_expansion: Some("cycle"),
                }]);
            }
        };
        self.cache_instances(idx, result.clone());
        result
    }

    fn expand(&self, def: &BlockDef) -> Vec<Instance> {
        let body = &def.block.body;
        let base = Scope::default();
        let skip_meta = matches!(def.mode, Mode::Managed | Mode::Data | Mode::Module);
        let one = |scope: Scope, key: String, unknown: Option<&'static str>| Instance {
            key,
            attributes: Rc::new(self.eval_body(body, &scope, skip_meta)),
            scope,
            unknown_expansion: unknown,
        };
        if let Some(count) = body.get_attribute("count") {
            return match self.eval(&count.value, &base).and_then(|v| v.as_number()) {
                Ok(Some(n))
                    if n >= 0.0
                        && n.fract() == 0.0
                        && n <= self.root.limits.terraform_instances as f64 =>
                {
                    (0..n as usize)
                        .map(|i| one(Scope::counted(i), format!("[{i}]"), None))
                        .collect()
                }
                _ => vec![one(base, String::new(), Some("count"))],
            };
        }
        if let Some(for_each) = body.get_attribute("for_each") {
            let pairs: Option<Vec<(String, Val)>> = match self
                .eval_or_unknown(&for_each.value, &base)
            {
                Val::Object(map) => Some(map.iter().map(|(k, v)| (k.clone(), v.clone())).collect()),
                // A set of strings: each.key and each.value are the element. (Terraform rejects
                // a list here; it is read the same way.)
                Val::Set(items) | Val::List(items) => items
                    .iter()
                    .map(|v| match v {
                        Val::String(s) => Some((s.clone(), v.clone())),
                        _ => None,
                    })
                    .collect(),
                _ => None,
            };
            return match pairs {
                Some(pairs) if pairs.len() <= self.root.limits.terraform_instances => pairs
                    .into_iter()
                    .map(|(k, v)| {
                        let key = super::calls::string_key(&k);
                        one(Scope::each(Val::String(k), v), key, None)
                    })
                    .collect(),
                _ => vec![one(base, String::new(), Some("for_each"))],
            };
        }
        vec![one(base, String::new(), None)]
    }

    /// Evaluates a block body into attribute values; nested blocks become lists of objects.
    /// `skip_meta` drops resource meta-arguments.
    pub fn eval_body(&self, body: &Body, scope: &Scope, skip_meta: bool) -> Map {
        let mut map = Map::new();
        let mut blocks: BTreeMap<String, Vec<Val>> = BTreeMap::new();
        let mut unknown_blocks: HashSet<String> = HashSet::new();
        for structure in body.iter() {
            match structure {
                Structure::Attribute(a) => {
                    let key = a.key.as_str();
                    if skip_meta && META_ATTRIBUTES.contains(&key) {
                        continue;
                    }
                    map.insert(key.to_string(), self.eval_or_unknown(&a.value, scope));
                }
                Structure::Block(b) => {
                    let ident = b.ident.as_str();
                    if skip_meta && META_BLOCKS.contains(&ident) {
                        continue;
                    }
                    if ident == "dynamic" {
                        let Some(dynamic) = Dynamic::of(b) else {
                            continue;
                        };
                        let entry = blocks.entry(dynamic.label.clone()).or_default();
                        match self.dynamic_iterations(&dynamic, scope) {
                            Some(scopes) => entry.extend(scopes.iter().map(|s| {
                                Val::object(self.eval_body(&dynamic.content.body, s, false))
                            })),
                            None => {
                                unknown_blocks.insert(dynamic.label);
                            }
                        }
                        continue;
                    }
                    let value = Val::object(self.eval_body(&b.body, scope, false));
                    blocks.entry(ident.to_string()).or_default().push(value);
                }
            }
        }
        for (name, items) in blocks {
            let v = if unknown_blocks.contains(&name) {
                Val::Unknown
            } else {
                Val::list(items)
            };
            map.insert(name, v);
        }
        map
    }

    /// The scopes of the iterations of a dynamic block (its iterator bound to `{key, value}`);
    /// `None` when its `for_each` is unknown.
    pub fn dynamic_iterations(&self, dynamic: &Dynamic, scope: &Scope) -> Option<Vec<Scope>> {
        let pairs = match self.eval_or_unknown(dynamic.for_each?, scope) {
            Val::Null => Vec::new(),
            collection => iteration_pairs(&collection).ok().flatten()?,
        };
        Some(
            pairs
                .into_iter()
                .map(|(k, v)| {
                    let mut it = Map::new();
                    it.insert("key".into(), k);
                    it.insert("value".into(), v);
                    scope.with_var(&dynamic.iterator, Val::object(it))
                })
                .collect(),
        )
    }
}

/// The parts of a `dynamic "label" { for_each = ... iterator = ... content { ... } }` block.
pub struct Dynamic<'a> {
    pub label: String,
    pub iterator: String,
    pub for_each: Option<&'a Expression>,
    pub content: &'a Block,
}

impl<'a> Dynamic<'a> {
    pub fn of(block: &'a Block) -> Option<Dynamic<'a>> {
        let label = block.labels.first()?.as_str().to_string();
        let iterator = block
            .body
            .get_attribute("iterator")
            .and_then(|a| match &a.value {
                Expression::Variable(v) => Some(v.as_str().to_string()),
                _ => None,
            })
            .unwrap_or_else(|| label.clone());
        Some(Dynamic {
            iterator,
            for_each: block.body.get_attribute("for_each").map(|a| &a.value),
            content: block.body.get_blocks("content").next()?,
            label,
        })
    }
}
