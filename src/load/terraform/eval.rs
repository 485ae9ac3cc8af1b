//! Evaluation of Terraform expressions over one module, the way `terraform plan` would as far
//! as that is knowable without providers.
//!
//! Variables, locals and the configured arguments of other resources resolve; computed
//! attributes (`id`, `arn`), data sources and anything derived from them are
//! [`Val::Unknown`]. Locals and resources are evaluated lazily and memoized, with a guard
//! against reference cycles (which Terraform rejects; here they only make values unknown).

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::rc::{Rc, Weak};

use hcl_edit::expr::{
    BinaryOperator, Expression, ForExpr, ObjectKey, TraversalOperator, UnaryOperator,
};
use hcl_edit::template::{Directive, Element, Strip, Template};

use super::calls::{Call, Child, RootCtx};
use super::expand::Instance;
use super::funcs;
use super::module::{EvalContext, ModuleDef};
use super::value::{EvalError, EvalResult, Map, Val, err, format_number};
use crate::graph::Mode;

/// Meta-arguments of resource blocks: they steer Terraform and are not resource attributes.
pub const META_ATTRIBUTES: &[&str] = &["count", "for_each", "depends_on", "provider", "providers"];

/// How deeply evaluations of locals and resources may nest (a chain of locals each naming the
/// next); deeper chains evaluate to unknown instead of exhausting the stack.
pub const MAX_DEPTH: usize = 200;

/// Stack left before `eval` moves to a new segment, and the size of that segment.
const STACK_RED_ZONE: usize = 256 * 1024;
const STACK_GROWTH: usize = 4 * 1024 * 1024;
/// Meta blocks of resource blocks that are not resource attributes.
pub const META_BLOCKS: &[&str] = &["provisioner", "connection"];

/// Names bound while evaluating: `count.index`, `each.*`, `for` and `dynamic` iterators.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    pub count_index: Option<Val>,
    pub each: Option<(Val, Val)>,
    vars: Vec<(String, Val)>,
}

impl Scope {
    /// The scope of instance `i` of a counted resource.
    pub fn counted(i: usize) -> Scope {
        Scope {
            count_index: Some(Val::Number(i as f64)),
            ..Scope::default()
        }
    }

    /// The scope of a `for_each` instance.
    pub fn each(key: Val, value: Val) -> Scope {
        Scope {
            each: Some((key, value)),
            ..Scope::default()
        }
    }

    pub fn with_var(&self, name: &str, value: Val) -> Scope {
        let mut s = self.clone();
        s.vars.push((name.to_string(), value));
        s
    }

    fn lookup(&self, name: &str) -> Option<&Val> {
        self.vars
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
    }
}

/// Evaluates expressions of one module instance: the root module, or one instance of a module
/// call (with its inputs bound and its address prefix).
pub struct Evaluator<'m> {
    pub(super) module: &'m ModuleDef,
    pub(super) root: Rc<RootCtx<'m>>,
    /// Where this instance sits in the module tree.
    pub(super) place: Placement<'m>,
    /// A weak handle on this evaluator, given to the module instances it calls.
    pub(super) this: Weak<Evaluator<'m>>,
    variables: RefCell<BTreeMap<String, Val>>,
    /// Evaluated locals, errors included (a failing local is not evaluated again).
    locals: RefCell<HashMap<String, EvalResult>>,
    instances: RefCell<HashMap<usize, Rc<Vec<Instance>>>>,
    pub(super) children: RefCell<HashMap<usize, Option<Rc<Vec<Child<'m>>>>>>,
    in_progress: RefCell<HashSet<String>>,
}

/// Marks an evaluation in progress (for cycle and depth checks) until dropped.
pub struct Entered<'e, 'm> {
    ev: &'e Evaluator<'m>,
    guard: String,
}

impl Drop for Entered<'_, '_> {
    fn drop(&mut self) {
        self.ev.in_progress.borrow_mut().remove(&self.guard);
        let depth = &self.ev.root.depth;
        depth.set(depth.get().saturating_sub(1));
    }
}

/// How an evaluator sits in the module tree.
pub(super) struct Placement<'m> {
    /// The module call that made this instance (`None` for the root module).
    pub call: Option<Call<'m>>,
    /// `module.a.module.b["k"].`: what addresses of this module's blocks start with.
    pub prefix: String,
    /// Names of the module calls from the root to here (`modules.json` keys join them by `.`).
    pub call_path: Vec<String>,
    /// Module directories from the root to here: calling one of them again is a cycle.
    pub ancestry: Vec<String>,
    /// Why the instance set of an enclosing module call is not known, if it is not.
    pub unknown_expansion: Option<&'static str>,
    /// Where the outermost module call of this instance is, in the root module.
    pub call_site: Option<std::sync::Arc<crate::graph::CallSite>>,
    pub context: EvalContext,
}

impl<'m> Evaluator<'m> {
    /// An evaluator for `module` placed as given; `values` are the values given for its
    /// variables (tfvars and flags for a root, the call's arguments for a module instance).
    pub(super) fn new(
        module: &'m ModuleDef,
        root: Rc<RootCtx<'m>>,
        place: Placement<'m>,
        values: &Map,
    ) -> Rc<Self> {
        let ev = Rc::new_cyclic(|this| Evaluator {
            module,
            root,
            place,
            this: this.clone(),
            variables: RefCell::default(),
            locals: RefCell::default(),
            instances: RefCell::default(),
            children: RefCell::default(),
            in_progress: RefCell::default(),
        });
        ev.bind_variables(values);
        ev
    }

    /// Sets each variable to its given value, else its default, converted to its type as
    /// Terraform does. Defaults may not refer to anything, so a plain evaluation suffices. A
    /// value that does not convert (Terraform would reject it), or a variable with neither a
    /// value nor a default, is unknown.
    fn bind_variables(&self, values: &Map) {
        let empty = Scope::default();
        let default_of = |e: &Expression| self.eval_or_unknown(e, &empty);
        let bound = self
            .module
            .variables
            .iter()
            .map(|(name, var)| {
                let value = match (values.get(name), &var.default) {
                    // Null given to a `nullable = false` variable means "use the default".
                    (Some(Val::Null), Some(expr)) if !var.nullable => {
                        self.eval_or_unknown(expr, &empty)
                    }
                    // Terraform rejects null for a non-nullable variable without a default.
                    (Some(Val::Null), None) if !var.nullable => Val::Unknown,
                    (Some(v), _) => v.clone(),
                    (None, Some(expr)) => self.eval_or_unknown(expr, &empty),
                    (None, None) => Val::Unknown,
                };
                let value = match &var.ty {
                    Some(ty) => ty.convert(value, &default_of).unwrap_or(Val::Unknown),
                    None => value,
                };
                (name.clone(), value)
            })
            .collect();
        *self.variables.borrow_mut() = bound;
    }

    /// The graph id of the block at `address` (relative to this module instance).
    pub fn resource_id(&self, address: &str) -> String {
        super::resource_id(
            &self.root.root_dir,
            &format!("{}{address}", self.place.prefix),
        )
    }

    pub fn module(&self) -> &'m ModuleDef {
        self.module
    }

    pub(super) fn cached_instances(&self, idx: usize) -> Option<Rc<Vec<Instance>>> {
        self.instances.borrow().get(&idx).cloned()
    }

    pub(super) fn cache_instances(&self, idx: usize, instances: Rc<Vec<Instance>>) {
        self.instances.borrow_mut().insert(idx, instances);
    }

    /// Starts evaluating `guard` (a local or a block); `None` on a reference cycle or when
    /// evaluations nest deeper than [`MAX_DEPTH`].
    pub(super) fn enter(&self, guard: &str) -> Option<Entered<'_, 'm>> {
        let depth = &self.root.depth;
        if depth.get() >= MAX_DEPTH || !self.in_progress.borrow_mut().insert(guard.to_string()) {
            return None;
        }
        depth.set(depth.get() + 1);
        Some(Entered {
            ev: self,
            guard: guard.to_string(),
        })
    }

    /// Evaluates an expression; errors become [`Val::Unknown`] for callers that want a value.
    pub fn eval_or_unknown(&self, expr: &Expression, scope: &Scope) -> Val {
        self.eval(expr, scope).unwrap_or(Val::Unknown)
    }

    pub fn eval(&self, expr: &Expression, scope: &Scope) -> EvalResult {
        // Expressions, locals and resources evaluate each other recursively; grow the stack
        // on demand rather than overflow it on deep (but bounded, see MAX_DEPTH) chains.
        stacker::maybe_grow(STACK_RED_ZONE, STACK_GROWTH, || {
            self.eval_inner(expr, scope)
        })
    }

    fn eval_inner(&self, expr: &Expression, scope: &Scope) -> EvalResult {
        match expr {
            Expression::Null(_) => Ok(Val::Null),
            Expression::Bool(b) => Ok(Val::Bool(*b.value())),
            Expression::Number(n) => {
                Ok(n.value().as_f64().map(Val::Number).unwrap_or(Val::Unknown))
            }
            Expression::String(s) => Ok(Val::String(s.value().to_string())),
            Expression::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items.iter() {
                    out.push(self.eval(item, scope)?);
                }
                Ok(Val::list(out))
            }
            Expression::Object(obj) => {
                let mut map = Map::new();
                for (key, value) in obj.iter() {
                    let key = match key {
                        ObjectKey::Ident(id) => id.as_str().to_string(),
                        ObjectKey::Expression(e) => match self.eval(e, scope)?.as_string()? {
                            Some(k) => k,
                            // An unknown key makes the whole object's shape unknown.
                            None => return Ok(Val::Unknown),
                        },
                    };
                    map.insert(key, self.eval(value.expr(), scope)?);
                }
                Ok(Val::object(map))
            }
            Expression::StringTemplate(t) => self.eval_template_elements(t.iter(), scope),
            Expression::HeredocTemplate(h) => self.eval_template(&h.template, scope),
            Expression::Parenthesis(p) => self.eval(p.inner(), scope),
            Expression::Variable(v) => self.eval_root(v.as_str(), &[], scope),
            Expression::Traversal(t) => {
                let ops: Vec<&TraversalOperator> = t.operators.iter().map(|o| o.value()).collect();
                match &t.expr {
                    Expression::Variable(v) => self.eval_root(v.as_str(), &ops, scope),
                    other => {
                        let base = self.eval(other, scope)?;
                        self.apply_ops(base, &ops, scope)
                    }
                }
            }
            Expression::Conditional(c) => match self.eval(&c.cond_expr, scope)?.as_bool()? {
                Some(true) => self.eval(&c.true_expr, scope),
                Some(false) => self.eval(&c.false_expr, scope),
                None => {
                    let (t, f) = (
                        self.eval(&c.true_expr, scope),
                        self.eval(&c.false_expr, scope),
                    );
                    match (t, f) {
                        (Ok(t), Ok(f)) if t == f && t.is_wholly_known() => Ok(t),
                        _ => Ok(Val::Unknown),
                    }
                }
            },
            Expression::FuncCall(call) => {
                let name = call.name.name.as_str();
                let namespace: Vec<&str> = call.name.namespace.iter().map(|n| n.as_str()).collect();
                if !namespace.is_empty() && namespace != ["core"] {
                    // Provider-defined functions (`provider::aws::arn_parse`) run in the provider.
                    return Ok(Val::Unknown);
                }
                let args: Vec<&Expression> = call.args.iter().collect();
                match name {
                    // These look at their arguments' errors, so they take expressions.
                    "try" => Ok(self.eval_try(&args, scope)),
                    "can" => Ok(self.eval_can(&args, scope)),
                    _ => {
                        let mut values = Vec::with_capacity(args.len());
                        for a in &args {
                            values.push(self.eval(a, scope)?);
                        }
                        if call.args.expand_final() {
                            match values.pop() {
                                Some(Val::List(items)) => values.extend(items.iter().cloned()),
                                Some(Val::Unknown) => return Ok(Val::Unknown),
                                Some(other) => {
                                    return err(format!(
                                        "cannot expand a {} into arguments",
                                        other.type_name()
                                    ));
                                }
                                None => {}
                            }
                        }
                        funcs::call(name, values, &self.place.context)
                    }
                }
            }
            Expression::UnaryOp(op) => {
                let v = self.eval(&op.expr, scope)?;
                match op.operator.value() {
                    UnaryOperator::Neg => {
                        Ok(v.as_number()?.map_or(Val::Unknown, |n| Val::Number(-n)))
                    }
                    UnaryOperator::Not => Ok(v.as_bool()?.map_or(Val::Unknown, |b| Val::Bool(!b))),
                }
            }
            Expression::BinaryOp(op) => self.eval_binary(op, scope),
            Expression::ForExpr(f) => self.eval_for(f, scope),
        }
    }

    fn eval_try(&self, args: &[&Expression], scope: &Scope) -> Val {
        for a in args {
            match self.eval(a, scope) {
                Ok(v) if v.is_wholly_known() => return v,
                // An unknown result might have been an error or a value: no way to choose.
                Ok(_) => return Val::Unknown,
                Err(_) => continue,
            }
        }
        Val::Unknown
    }

    fn eval_can(&self, args: &[&Expression], scope: &Scope) -> Val {
        match args.first().map(|a| self.eval(a, scope)) {
            Some(Ok(v)) if v.is_wholly_known() => Val::Bool(true),
            Some(Err(_)) => Val::Bool(false),
            _ => Val::Unknown,
        }
    }

    fn eval_binary(&self, op: &hcl_edit::expr::BinaryOp, scope: &Scope) -> EvalResult {
        use BinaryOperator as B;
        let operator = *op.operator.value();
        let lhs = self.eval(&op.lhs_expr, scope)?;
        // Logical operators short-circuit on a known deciding operand.
        match operator {
            B::And | B::Or => {
                let l = lhs.as_bool()?;
                let decisive = operator == B::Or;
                if l == Some(decisive) {
                    return Ok(Val::Bool(decisive));
                }
                let r = self.eval(&op.rhs_expr, scope)?.as_bool()?;
                return Ok(match (l, r) {
                    (_, Some(v)) if v == decisive => Val::Bool(decisive),
                    (Some(_), Some(v)) => Val::Bool(v),
                    _ => Val::Unknown,
                });
            }
            _ => {}
        }
        let rhs = self.eval(&op.rhs_expr, scope)?;
        match operator {
            B::Eq | B::NotEq => {
                if !lhs.is_wholly_known() || !rhs.is_wholly_known() {
                    return Ok(Val::Unknown);
                }
                let eq = values_equal(&lhs, &rhs);
                Ok(Val::Bool(if operator == B::Eq { eq } else { !eq }))
            }
            _ => {
                let (Some(l), Some(r)) = (lhs.as_number()?, rhs.as_number()?) else {
                    return Ok(Val::Unknown);
                };
                Ok(match operator {
                    B::Plus => Val::Number(l + r),
                    B::Minus => Val::Number(l - r),
                    B::Mul => Val::Number(l * r),
                    B::Div if r == 0.0 => return err("division by zero"),
                    B::Div => Val::Number(l / r),
                    B::Mod if r == 0.0 => return err("modulo by zero"),
                    B::Mod => Val::Number(l % r),
                    B::Less => Val::Bool(l < r),
                    B::LessEq => Val::Bool(l <= r),
                    B::Greater => Val::Bool(l > r),
                    B::GreaterEq => Val::Bool(l >= r),
                    _ => return err("unsupported operator"),
                })
            }
        }
    }

    fn eval_for(&self, f: &ForExpr, scope: &Scope) -> EvalResult {
        let collection = self.eval(&f.intro.collection_expr, scope)?;
        let Some(pairs) = iteration_pairs(&collection)? else {
            return Ok(Val::Unknown);
        };
        let key_var = f.intro.key_var.as_ref().map(|k| k.as_str());
        let value_var = f.intro.value_var.as_str();
        let mut list = Vec::new();
        let mut object: BTreeMap<String, Val> = BTreeMap::new();
        let mut groups: BTreeMap<String, Vec<Val>> = BTreeMap::new();
        for (k, v) in pairs {
            let mut inner = scope.with_var(value_var, v);
            if let Some(kv) = key_var {
                inner = inner.with_var(kv, k);
            }
            if let Some(cond) = &f.cond {
                match self.eval(&cond.expr, &inner)?.as_bool()? {
                    Some(true) => {}
                    Some(false) => continue,
                    None => return Ok(Val::Unknown),
                }
            }
            let value = self.eval(&f.value_expr, &inner)?;
            match &f.key_expr {
                None => list.push(value),
                Some(key_expr) => {
                    let Some(key) = self.eval(key_expr, &inner)?.as_string()? else {
                        return Ok(Val::Unknown);
                    };
                    if f.grouping {
                        groups.entry(key).or_default().push(value);
                    } else if object.insert(key.clone(), value).is_some() {
                        return err(format!("duplicate object key \"{key}\" in for expression"));
                    }
                }
            }
        }
        Ok(match (&f.key_expr, f.grouping) {
            (None, _) => Val::list(list),
            (Some(_), false) => Val::object(object),
            (Some(_), true) => {
                Val::object(groups.into_iter().map(|(k, v)| (k, Val::list(v))).collect())
            }
        })
    }

    fn eval_template(&self, template: &Template, scope: &Scope) -> EvalResult {
        self.eval_template_elements(template.iter(), scope)
    }

    fn eval_template_elements<'a>(
        &self,
        elements: impl Iterator<Item = &'a Element>,
        scope: &Scope,
    ) -> EvalResult {
        // A template of one interpolation yields the value itself, not its string form.
        let elements: Vec<&Element> = elements.collect();
        if let [Element::Interpolation(i)] = elements.as_slice() {
            return self.eval(&i.expr, scope);
        }
        let mut pieces: Vec<Piece> = Vec::new();
        for el in elements {
            if !self.render_element(el, scope, &mut pieces)? {
                return Ok(Val::Unknown);
            }
        }
        Ok(Val::String(join_pieces(pieces)))
    }

    /// Appends the rendering of one template element; `false` if it depends on an unknown.
    fn render_element(
        &self,
        el: &Element,
        scope: &Scope,
        out: &mut Vec<Piece>,
    ) -> Result<bool, EvalError> {
        match el {
            Element::Literal(s) => out.push(Piece::literal(s.as_str())),
            Element::Interpolation(i) => {
                let Some(s) = self.eval(&i.expr, scope)?.as_string()? else {
                    return Ok(false);
                };
                out.push(Piece::value(s, i.strip));
            }
            Element::Directive(d) => match d.as_ref() {
                Directive::If(d) => {
                    let cond = self.eval(&d.if_expr.cond_expr, scope)?.as_bool()?;
                    let Some(cond) = cond else { return Ok(false) };
                    // `%{~ if` trims before the directive, `if ~}` the start of its body, and
                    // likewise for `else` and `endif`.
                    let else_strip = d.else_expr.as_ref().map(|e| e.strip);
                    out.push(Piece::marker(start_part(d.if_expr.strip)));
                    let (open, body, close) = match (cond, &d.else_expr) {
                        (true, _) => (
                            d.if_expr.strip,
                            Some(&d.if_expr.template),
                            else_strip.unwrap_or(d.endif_expr.strip),
                        ),
                        (false, Some(e)) => (e.strip, Some(&e.template), d.endif_expr.strip),
                        (false, None) => (d.if_expr.strip, None, d.endif_expr.strip),
                    };
                    out.push(Piece::marker(end_part(open)));
                    for e in body.into_iter().flat_map(|t| t.iter()) {
                        if !self.render_element(e, scope, out)? {
                            return Ok(false);
                        }
                    }
                    out.push(Piece::marker(start_part(close)));
                    out.push(Piece::marker(end_part(d.endif_expr.strip)));
                }
                Directive::For(d) => {
                    let fe = &d.for_expr;
                    let collection = self.eval(&fe.collection_expr, scope)?;
                    let Some(pairs) = iteration_pairs(&collection)? else {
                        return Ok(false);
                    };
                    // `for ~}` trims the start and `%{~ endfor` the end of every iteration.
                    out.push(Piece::marker(start_part(fe.strip)));
                    for (k, v) in pairs {
                        let mut inner = scope.with_var(fe.value_var.as_str(), v);
                        if let Some(kv) = &fe.key_var {
                            inner = inner.with_var(kv.as_str(), k);
                        }
                        out.push(Piece::marker(end_part(fe.strip)));
                        for e in fe.template.iter() {
                            if !self.render_element(e, &inner, out)? {
                                return Ok(false);
                            }
                        }
                        out.push(Piece::marker(start_part(d.endfor_expr.strip)));
                    }
                    out.push(Piece::marker(end_part(d.endfor_expr.strip)));
                }
            },
        }
        Ok(true)
    }

    /// Resolves a root name (`var`, `local`, a resource type, a scope variable, ...) and
    /// applies the traversal operators that follow it.
    fn eval_root(&self, root: &str, ops: &[&TraversalOperator], scope: &Scope) -> EvalResult {
        if let Some(v) = scope.lookup(root) {
            return self.apply_ops(v.clone(), ops, scope);
        }
        let attr = |i: usize| match ops.get(i) {
            Some(TraversalOperator::GetAttr(id)) => Some(id.as_str()),
            _ => None,
        };
        match root {
            "var" => {
                let Some(name) = attr(0) else {
                    return err("var must be followed by a name");
                };
                let value = self.variables.borrow().get(name).cloned();
                match value {
                    Some(v) => self.apply_ops(v, &ops[1..], scope),
                    None => err(format!("undeclared variable \"{name}\"")),
                }
            }
            "local" => {
                let Some(name) = attr(0) else {
                    return err("local must be followed by a name");
                };
                let v = self.local(name)?;
                self.apply_ops(v, &ops[1..], scope)
            }
            "count" => match (attr(0), &scope.count_index) {
                (Some("index"), Some(i)) => self.apply_ops(i.clone(), &ops[1..], scope),
                (Some("index"), None) => Ok(Val::Unknown),
                _ => err("count has only the attribute \"index\""),
            },
            "each" => match (attr(0), &scope.each) {
                (Some("key"), Some((k, _))) => self.apply_ops(k.clone(), &ops[1..], scope),
                (Some("value"), Some((_, v))) => self.apply_ops(v.clone(), &ops[1..], scope),
                (Some("key" | "value"), None) => Ok(Val::Unknown),
                _ => err("each has only the attributes \"key\" and \"value\""),
            },
            "path" => match attr(0) {
                Some("module") => Ok(Val::str(&self.place.context.path_module)),
                Some("root") => Ok(Val::str(&self.place.context.path_root)),
                // The working directory of the Terraform run: not known here.
                Some("cwd") => Ok(Val::Unknown),
                _ => err("unknown path attribute"),
            },
            // The workspace is chosen when Terraform runs.
            "terraform" => Ok(Val::Unknown),
            "self" => Ok(Val::Unknown),
            "data" => {
                let (Some(ty), Some(name)) = (attr(0), attr(1)) else {
                    return err("data must be followed by a type and a name");
                };
                match self.module.find(Mode::Data, ty, name) {
                    Some(idx) => {
                        let v = self.instances_value(idx);
                        self.apply_ops(v, &ops[2..], scope)
                    }
                    None => err(format!(
                        "reference to undeclared data source data.{ty}.{name}"
                    )),
                }
            }
            "module" => {
                let Some(name) = attr(0) else {
                    return err("module must be followed by a name");
                };
                match self.module.find(Mode::Module, "module", name) {
                    Some(idx) => self.module_value(idx, &ops[1..], scope),
                    None => err(format!("reference to undeclared module \"{name}\"")),
                }
            }
            ty => {
                let Some(name) = attr(0) else {
                    return err(format!("unknown reference \"{ty}\""));
                };
                match self.module.find(Mode::Managed, ty, name) {
                    Some(idx) => {
                        let v = self.instances_value(idx);
                        self.apply_ops(v, &ops[1..], scope)
                    }
                    None => err(format!("reference to undeclared resource {ty}.{name}")),
                }
            }
        }
    }

    pub(super) fn apply_ops(
        &self,
        mut value: Val,
        ops: &[&TraversalOperator],
        scope: &Scope,
    ) -> EvalResult {
        for (i, op) in ops.iter().enumerate() {
            value = match op {
                TraversalOperator::GetAttr(name) => get_key(&value, name.as_str())?,
                TraversalOperator::Index(expr) => {
                    let key = self.eval(expr, scope)?;
                    index(&value, &key)?
                }
                TraversalOperator::LegacyIndex(n) => {
                    index(&value, &Val::Number(*n.value() as f64))?
                }
                TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => {
                    // `[*]` applies every following operator to each element; the legacy `.*`
                    // only the attribute accesses right after it, the rest to the result.
                    let rest = &ops[i + 1..];
                    let splat_len = match op {
                        TraversalOperator::AttrSplat(_) => rest
                            .iter()
                            .take_while(|o| {
                                matches!(
                                    o,
                                    TraversalOperator::GetAttr(_)
                                        | TraversalOperator::LegacyIndex(_)
                                )
                            })
                            .count(),
                        _ => rest.len(),
                    };
                    let items: Vec<Val> = match value {
                        Val::List(items) | Val::Set(items) => items.as_ref().clone(),
                        Val::Null => Vec::new(),
                        Val::Unknown => return Ok(Val::Unknown),
                        other => vec![other],
                    };
                    let mut out = Vec::with_capacity(items.len());
                    for item in items {
                        out.push(self.apply_ops(item, &rest[..splat_len], scope)?);
                    }
                    return self.apply_ops(Val::list(out), &rest[splat_len..], scope);
                }
            };
        }
        Ok(value)
    }

    fn local(&self, name: &str) -> EvalResult {
        if let Some(v) = self.locals.borrow().get(name) {
            return v.clone();
        }
        let Some(expr) = self.module.locals.get(name) else {
            return err(format!("undeclared local value \"{name}\""));
        };
        let guard = format!("local.{name}");
        let Some(_entered) = self.enter(&guard) else {
            return Ok(Val::Unknown);
        };
        // A local that Terraform would reject is kept as the error: `try` may catch it.
        let v = self.eval(&expr.expr, &Scope::default());
        self.locals.borrow_mut().insert(name.to_string(), v.clone());
        v
    }
}

/// The (key, value) pairs a `for` iterates over: index and element of a list, key and value
/// of an object, element and element of a set. `None` when the collection is unknown; an error
/// for anything else.
pub(super) fn iteration_pairs(collection: &Val) -> Result<Option<Vec<(Val, Val)>>, EvalError> {
    match collection {
        // A set's key is the element itself.
        Val::Set(items) => Ok(Some(items.iter().map(|v| (v.clone(), v.clone())).collect())),
        Val::List(items) => Ok(Some(
            items
                .iter()
                .enumerate()
                .map(|(i, v)| (Val::Number(i as f64), v.clone()))
                .collect(),
        )),
        Val::Object(map) => Ok(Some(
            map.iter().map(|(k, v)| (Val::str(k), v.clone())).collect(),
        )),
        Val::Unknown | Val::Partial(_) => Ok(None),
        other => err(format!("cannot iterate over a {}", other.type_name())),
    }
}

/// `["key"]` → `key`, `[0]` → `0`.
pub(super) fn unquote_key(key: &str) -> String {
    let inner = key.trim_start_matches('[').trim_end_matches(']');
    serde_json::from_str::<String>(inner).unwrap_or_else(|_| inner.to_string())
}

fn get_key(value: &Val, key: &str) -> EvalResult {
    match value {
        Val::Object(map) => match map.get(key) {
            Some(v) => Ok(v.clone()),
            None => err(format!("object has no attribute \"{key}\"")),
        },
        Val::Partial(map) => Ok(map.get(key).cloned().unwrap_or(Val::Unknown)),
        Val::Unknown => Ok(Val::Unknown),
        Val::Null => err(format!("cannot read attribute \"{key}\" of null")),
        other => err(format!(
            "a {} has no attribute \"{key}\"",
            other.type_name()
        )),
    }
}

pub(super) fn index(value: &Val, key: &Val) -> EvalResult {
    match (value, key) {
        (Val::Unknown, _) | (_, Val::Unknown) => Ok(Val::Unknown),
        (Val::List(items), k) => {
            let Some(i) = k.as_number()? else {
                return Ok(Val::Unknown);
            };
            if i < 0.0 || i.fract() != 0.0 || i as usize >= items.len() {
                return err(format!(
                    "index {} out of range for a list of {}",
                    format_number(i),
                    items.len()
                ));
            }
            Ok(items[i as usize].clone())
        }
        (Val::Object(_) | Val::Partial(_), k) => match k.as_string()? {
            Some(k) => get_key(value, &k),
            None => Ok(Val::Unknown),
        },
        (Val::Null, _) => err("cannot index null"),
        (other, _) => err(format!("cannot index a {}", other.type_name())),
    }
}

/// Terraform equality: numbers by value, everything else structurally.
pub fn values_equal(a: &Val, b: &Val) -> bool {
    match (a, b) {
        (Val::Number(x), Val::Number(y)) => x == y,
        (Val::List(x), Val::List(y)) => {
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(a, b)| values_equal(a, b))
        }
        (Val::Set(x), Val::Set(y)) => {
            x.len() == y.len() && x.iter().all(|a| y.iter().any(|b| values_equal(a, b)))
        }
        (Val::Object(x), Val::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y.iter())
                    .all(|((ka, va), (kb, vb))| ka == kb && values_equal(va, vb))
        }
        _ => a == b,
    }
}

/// A piece of rendered template text; strip markers trim whitespace of their neighbours.
struct Piece {
    text: String,
    literal: bool,
    strip: Strip,
}

impl Piece {
    fn literal(s: &str) -> Piece {
        Piece {
            text: s.to_string(),
            literal: true,
            strip: Strip::None,
        }
    }
    fn value(s: String, strip: Strip) -> Piece {
        Piece {
            text: s,
            literal: false,
            strip,
        }
    }
    fn marker(strip: Strip) -> Piece {
        Piece {
            text: String::new(),
            literal: false,
            strip,
        }
    }
}

/// The part of a strip marker that trims text before the tag.
fn start_part(s: Strip) -> Strip {
    if s.strip_start() {
        Strip::Start
    } else {
        Strip::None
    }
}

/// The part of a strip marker that trims text after the tag.
fn end_part(s: Strip) -> Strip {
    if s.strip_end() {
        Strip::End
    } else {
        Strip::None
    }
}

fn join_pieces(mut pieces: Vec<Piece>) -> String {
    for i in 0..pieces.len() {
        if pieces[i].literal {
            continue;
        }
        let strip = pieces[i].strip;
        if strip.strip_start() && i > 0 && pieces[i - 1].literal {
            let trimmed = pieces[i - 1].text.trim_end().len();
            pieces[i - 1].text.truncate(trimmed);
        }
        if strip.strip_end() && pieces.get(i + 1).is_some_and(|p| p.literal) {
            let next = &mut pieces[i + 1];
            next.text = next.text.trim_start().to_string();
        }
    }
    pieces.into_iter().map(|p| p.text).collect()
}
