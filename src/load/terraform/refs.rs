//! References between resources, found in expressions: `aws_s3_bucket.b.id`,
//! `data.x.y.json`, `module.m.out`, also through `locals`. An index right after the address
//! (`aws_s3_bucket.b[each.key]`) is evaluated in the referring instance's scope to pick the
//! instance it means; when it cannot be known, the edge goes to every instance.

use std::collections::HashSet;

use hcl_edit::expr::{Expression, ObjectKey, TraversalOperator};
use hcl_edit::template::{Directive, Element};

use super::calls::Child;
use super::eval::{Evaluator, Scope};
use super::value::Val;
use crate::graph::{Mode, Ref};

/// Collects the references `expr` makes into `out`, recorded against `attribute`.
/// `each_target` is the resource a `for_each` of the referring block iterates directly
/// (`for_each = aws_s3_bucket.b`): its instances are what `each.value` stands for.
pub fn collect(
    ev: &Evaluator,
    expr: &Expression,
    attribute: &str,
    scope: &Scope,
    each_target: Option<usize>,
    out: &mut Vec<Ref>,
) {
    // The whole value is one reference when the expression is a traversal, possibly as the
    // only interpolation of a template.
    let whole = whole_reference(expr);
    let mut visiting = HashSet::new();
    let mut walker = Walker {
        ev,
        attribute,
        scope,
        each_target,
        visiting: &mut visiting,
        out,
        direct: whole.is_some(),
        hops: 0,
    };
    walker.expr(whole.unwrap_or(expr), &HashSet::new());
}

/// The traversal an expression consists of, if it is nothing else.
fn whole_reference(expr: &Expression) -> Option<&Expression> {
    match expr {
        Expression::Traversal(_) => Some(expr),
        Expression::Parenthesis(p) => whole_reference(p.inner()),
        Expression::StringTemplate(t) => match t.iter().collect::<Vec<_>>().as_slice() {
            [Element::Interpolation(i)] => whole_reference(&i.expr),
            _ => None,
        },
        _ => None,
    }
}

/// The block index a `for_each` expression iterates directly, if it is a plain reference to a
/// resource, data source or module (`aws_s3_bucket.b`, `data.x.y`, `module.m`).
pub fn for_each_target(ev: &Evaluator, expr: &Expression) -> Option<usize> {
    let Expression::Traversal(t) = expr else {
        return None;
    };
    let Expression::Variable(root) = &t.expr else {
        return None;
    };
    let names: Vec<&str> = t
        .operators
        .iter()
        .map(|o| match o.value() {
            TraversalOperator::GetAttr(id) => Some(id.as_str()),
            _ => None,
        })
        .collect::<Option<Vec<_>>>()?;
    let module = ev.module();
    match (root.as_str(), names.as_slice()) {
        ("data", [ty, name]) => module.find(Mode::Data, ty, name),
        ("module", [name]) => module.find(Mode::Module, "module", name),
        (ty, [name]) => module.find(Mode::Managed, ty, name),
        _ => None,
    }
}

struct Walker<'a, 'e> {
    ev: &'a Evaluator<'e>,
    attribute: &'a str,
    scope: &'a Scope,
    each_target: Option<usize>,
    /// The expression being walked is the attribute's whole value.
    direct: bool,
    /// Locals, variables and outputs already followed (cycle and depth guard), keyed by
    /// evaluator and name.
    visiting: &'a mut HashSet<String>,
    out: &'a mut Vec<Ref>,
    /// Module boundaries crossed to get here.
    hops: usize,
}

/// Most module boundaries (inputs, outputs) a reference is followed across.
const MAX_HOPS: usize = 32;

impl Walker<'_, '_> {
    /// `bound` holds the names bound by enclosing `for` expressions and template `for`s.
    fn expr(&mut self, expr: &Expression, bound: &HashSet<String>) {
        match expr {
            Expression::Null(_)
            | Expression::Bool(_)
            | Expression::Number(_)
            | Expression::String(_) => {}
            Expression::Variable(_) => {}
            Expression::Array(items) => items.iter().for_each(|e| self.expr(e, bound)),
            Expression::Object(obj) => {
                for (k, v) in obj.iter() {
                    if let ObjectKey::Expression(e) = k {
                        self.expr(e, bound);
                    }
                    self.expr(v.expr(), bound);
                }
            }
            Expression::StringTemplate(t) => t.iter().for_each(|el| self.element(el, bound)),
            Expression::HeredocTemplate(h) => {
                h.template.iter().for_each(|el| self.element(el, bound))
            }
            Expression::Parenthesis(p) => self.expr(p.inner(), bound),
            Expression::Traversal(t) => {
                match &t.expr {
                    Expression::Variable(root) => {
                        let ops: Vec<&TraversalOperator> =
                            t.operators.iter().map(|o| o.value()).collect();
                        self.traversal(root.as_str(), &ops, bound);
                    }
                    other => self.expr(other, bound),
                }
                // References inside index expressions are never the value itself.
                let direct = std::mem::replace(&mut self.direct, false);
                for op in t.operators.iter() {
                    if let TraversalOperator::Index(e) = op.value() {
                        self.expr(e, bound);
                    }
                }
                self.direct = direct;
            }
            Expression::Conditional(c) => {
                self.expr(&c.cond_expr, bound);
                self.expr(&c.true_expr, bound);
                self.expr(&c.false_expr, bound);
            }
            Expression::FuncCall(f) => f.args.iter().for_each(|e| self.expr(e, bound)),
            Expression::UnaryOp(op) => self.expr(&op.expr, bound),
            Expression::BinaryOp(op) => {
                self.expr(&op.lhs_expr, bound);
                self.expr(&op.rhs_expr, bound);
            }
            Expression::ForExpr(f) => {
                self.expr(&f.intro.collection_expr, bound);
                let mut inner = bound.clone();
                inner.insert(f.intro.value_var.as_str().to_string());
                if let Some(k) = &f.intro.key_var {
                    inner.insert(k.as_str().to_string());
                }
                if let Some(k) = &f.key_expr {
                    self.expr(k, &inner);
                }
                self.expr(&f.value_expr, &inner);
                if let Some(c) = &f.cond {
                    self.expr(&c.expr, &inner);
                }
            }
        }
    }

    fn element(&mut self, el: &Element, bound: &HashSet<String>) {
        match el {
            Element::Literal(_) => {}
            Element::Interpolation(i) => self.expr(&i.expr, bound),
            Element::Directive(d) => match d.as_ref() {
                Directive::If(d) => {
                    self.expr(&d.if_expr.cond_expr, bound);
                    d.if_expr
                        .template
                        .iter()
                        .for_each(|el| self.element(el, bound));
                    if let Some(e) = &d.else_expr {
                        e.template.iter().for_each(|el| self.element(el, bound));
                    }
                }
                Directive::For(d) => {
                    let fe = &d.for_expr;
                    self.expr(&fe.collection_expr, bound);
                    let mut inner = bound.clone();
                    inner.insert(fe.value_var.as_str().to_string());
                    if let Some(k) = &fe.key_var {
                        inner.insert(k.as_str().to_string());
                    }
                    fe.template.iter().for_each(|el| self.element(el, &inner));
                }
            },
        }
    }

    /// A traversal rooted at `root`: a resource, data source or module reference becomes an
    /// edge; a local is followed to what it refers to.
    fn traversal(&mut self, root: &str, ops: &[&TraversalOperator], bound: &HashSet<String>) {
        if bound.contains(root) {
            return;
        }
        let module = self.ev.module();
        let attr = |i: usize| match ops.get(i) {
            Some(TraversalOperator::GetAttr(id)) => Some(id.as_str()),
            _ => None,
        };
        let (target, next) = match root {
            "each" if attr(0) == Some("value") => match (self.each_target, &self.scope.each) {
                (Some(target), Some((Val::String(key), _))) => {
                    let def = &module.blocks[target];
                    if def.mode == Mode::Module
                        && let Some(children) = self.ev.children(target)
                    {
                        let wanted = super::calls::string_key(key);
                        let chosen: Vec<&Child> =
                            children.iter().filter(|c| c.key == wanted).collect();
                        self.follow_child_outputs(&chosen, &ops[1..]);
                        return;
                    }
                    let address = format!("{}{}", def.address(), super::calls::string_key(key));
                    self.out.push(Ref {
                        attribute: self.attribute.to_string(),
                        to: self.ev.resource_id(&address).into(),
                        direct: self.direct,
                    });
                    return;
                }
                _ => return,
            },
            "var" => {
                if let Some(name) = attr(0) {
                    self.follow_input(name);
                }
                return;
            }
            "count" | "each" | "path" | "terraform" | "self" => return,
            "local" => {
                if let Some(name) = attr(0)
                    && let Some(local) = module.locals.get(name)
                    && self.visiting.insert(self.key("local", name))
                {
                    // A local is evaluated without the referring instance's names. What it
                    // refers to is only direct if the local itself is a single reference.
                    let direct = self.direct;
                    self.direct = direct && whole_reference(&local.expr).is_some();
                    stacker::maybe_grow(256 * 1024, 4 * 1024 * 1024, || {
                        self.expr(&local.expr, &HashSet::new())
                    });
                    self.direct = direct;
                }
                return;
            }
            "data" => match (attr(0), attr(1)) {
                (Some(t), Some(n)) => (module.find(Mode::Data, t, n), 2),
                _ => return,
            },
            "module" => match attr(0).and_then(|n| module.find(Mode::Module, "module", n)) {
                Some(idx) => match self.ev.children(idx) {
                    Some(children) => {
                        self.follow_outputs(idx, &children, &ops[1..]);
                        return;
                    }
                    None => (Some(idx), 1),
                },
                None => return,
            },
            ty => match attr(0) {
                Some(n) => (module.find(Mode::Managed, ty, n), 1),
                None => return,
            },
        };
        let Some(target) = target else { return };
        let def = &module.blocks[target];
        let key = self.instance_key(ops.get(next).copied());
        let instances = self.ev.instances(target);
        let chosen: Vec<&str> = match &key {
            Some(k) if instances.iter().any(|i| &i.key == k) => vec![k.as_str()],
            _ => instances.iter().map(|i| i.key.as_str()).collect(),
        };
        for k in chosen {
            self.out.push(Ref {
                attribute: self.attribute.to_string(),
                to: self
                    .ev
                    .resource_id(&format!("{}{}", def.address(), k))
                    .into(),
                direct: self.direct,
            });
        }
    }

    /// The instance key (`[0]`, `["k"]`) an index operator right after an address selects,
    /// evaluated in the referring instance's scope; `None` when it is not one or not known.
    fn instance_key(&self, op: Option<&TraversalOperator>) -> Option<String> {
        match op? {
            TraversalOperator::LegacyIndex(n) => Some(format!("[{}]", n.value())),
            TraversalOperator::Index(e) => {
                super::calls::instance_key(&self.ev.eval_or_unknown(e, self.scope))
            }
            _ => None,
        }
    }

    /// A key of `visiting` for `name` in this walker's module instance.
    fn key(&self, kind: &str, name: &str) -> String {
        format!("{:p}/{kind}.{name}", self.ev)
    }

    /// Walks `expr` in another module instance (`ev`, with `scope`), as part of this
    /// attribute's value.
    fn cross(
        &mut self,
        ev: &Evaluator,
        expr: &Expression,
        scope: &Scope,
        each_target: Option<usize>,
    ) {
        if self.hops >= MAX_HOPS {
            return;
        }
        let whole = whole_reference(expr);
        let mut walker = Walker {
            ev,
            attribute: self.attribute,
            scope,
            each_target,
            direct: self.direct && whole.is_some(),
            visiting: &mut *self.visiting,
            out: &mut *self.out,
            hops: self.hops + 1,
        };
        stacker::maybe_grow(256 * 1024, 4 * 1024 * 1024, || {
            walker.expr(whole.unwrap_or(expr), &HashSet::new())
        });
    }

    /// `var.NAME` in a module instance: what the call's argument for it refers to.
    fn follow_input(&mut self, name: &str) {
        let Some(call) = &self.ev.place.call else {
            return;
        };
        if !self.visiting.insert(self.key("var", name)) {
            return;
        }
        let Some(parent) = call.parent.upgrade() else {
            return;
        };
        let block = &parent.module.blocks[call.block].block;
        let Some(arg) = block.body.get_attribute(name) else {
            return;
        };
        let each_target = block
            .body
            .get_attribute("for_each")
            .and_then(|a| for_each_target(&parent, &a.value));
        self.cross(&parent, &arg.value, &call.scope, each_target);
    }

    /// `module.NAME...OUTPUT`: what the named output of the chosen instances refers to.
    fn follow_outputs(&mut self, idx: usize, children: &[Child], ops: &[&TraversalOperator]) {
        let key = self.instance_key(ops.first().copied());
        let body = &self.ev.module().blocks[idx].block.body;
        let keyed = body.has_attribute("count") || body.has_attribute("for_each");
        let rest = if keyed
            && matches!(
                ops.first(),
                Some(TraversalOperator::Index(_) | TraversalOperator::LegacyIndex(_))
            ) {
            &ops[1..]
        } else {
            ops
        };
        let chosen: Vec<&Child> = match &key {
            Some(k) if children.iter().any(|c| &c.key == k) => {
                children.iter().filter(|c| &c.key == k).collect()
            }
            _ => children.iter().collect(),
        };
        self.follow_child_outputs(&chosen, rest);
    }

    /// What the output `rest` names (all outputs when it names none) refers to, in each of
    /// the `chosen` module instances.
    fn follow_child_outputs(&mut self, chosen: &[&Child], rest: &[&TraversalOperator]) {
        // `module.m.out`, `module.m[0].out`, `module.m[*].out`: the output name.
        let output = rest.iter().find_map(|o| match o {
            TraversalOperator::GetAttr(n) => Some(n.as_str()),
            _ => None,
        });
        for child in chosen.iter() {
            let names: Vec<&str> = match output {
                Some(n) => vec![n],
                None => child
                    .ev
                    .module()
                    .blocks
                    .iter()
                    .filter(|b| b.mode == Mode::Output)
                    .map(|b| b.name.as_str())
                    .collect(),
            };
            for name in names {
                let Some(oidx) = child.ev.module().find(Mode::Output, "output", name) else {
                    continue;
                };
                if !self
                    .visiting
                    .insert(format!("{:p}/output.{name}", &*child.ev))
                {
                    continue;
                }
                if let Some(value) = child.ev.module().blocks[oidx]
                    .block
                    .body
                    .get_attribute("value")
                {
                    self.cross(&child.ev, &value.value, &Scope::default(), None);
                }
            }
        }
    }
}
