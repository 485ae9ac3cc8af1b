//! Evaluating Bicep expressions over the syntax tree (tree-sitter's, copied into [`super::syntax`]).
//!
//! Values are [`Val`]s: what the template alone decides is known (literals, parameter defaults
//! and given values, variables, string interpolation, the functions of
//! [`crate::load::azure::funcs`]); what the deployment decides (`resourceGroup().location`,
//! runtime properties of other resources, `utcNow()`) is [`Val::Unknown`]. Literal text
//! (strings, numbers, names) is read from the original source, never from the parser's
//! rewritten copy (see `prep`).

use foldhash::{HashMap, HashSet};
use std::cell::RefCell;
use std::rc::Rc;

use super::syntax::Node;

use crate::load::azure::{Context, funcs};
use crate::load::value::{EvalResult, Map, Val, format_number};

use super::Unit;

/// The declarations of one template, by name.
#[derive(Default)]
pub struct Decls<'t> {
    pub params: HashMap<&'t str, Node<'t>>,
    pub vars: HashMap<&'t str, Node<'t>>,
    /// Top-level resources and modules: symbolic name → declaration.
    pub resources: HashMap<&'t str, Node<'t>>,
    pub modules: HashMap<&'t str, Node<'t>>,
    pub outputs: Vec<Node<'t>>,
}

/// What a cached value is of ([`Eval::cached`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Cached {
    Param,
    Var,
    Resource,
}

/// Evaluates expressions of one template instance (one set of parameter values).
pub struct Eval<'t> {
    pub unit: &'t Unit,
    pub decls: Decls<'t>,
    pub ctx: Context,
    /// Values given from outside (parameter file, module call).
    pub given: HashMap<String, Val>,
    /// Values of parameters, variables and resource symbols, by kind and declaration start
    /// (a key that costs no allocation: they are read at every mention).
    cache: RefCell<HashMap<(Cached, usize), Val>>,
    in_progress: RefCell<HashSet<(Cached, usize)>>,
    /// Loop variables and lambda parameters in scope, innermost last.
    locals: RefCell<Vec<(String, Val)>>,
    /// While a lambda whose body the grammar split (`x => x.name` parses as `(x => x).name`)
    /// is applied: the lambda node stands for its body.
    lambda_body: RefCell<Vec<usize>>,
}

/// A value property of an object: `key: value`, or a spread `...value`.
pub struct Property<'t> {
    pub node: Node<'t>,
    pub key: Node<'t>,
    pub value: Node<'t>,
    pub spread: bool,
}

/// Local names bound by a loop or lambda.
pub type Binds = Vec<(String, Val)>;

/// One iteration of a `[for ...]`: its bindings, and its body unless an `if` filtered it out.
pub type Iteration<'t> = (Binds, Option<Node<'t>>);

type Closure<'a> = Box<dyn FnMut(&[Val]) -> EvalResult + 'a>;

/// Deepest expression nesting evaluated (a bound against hostile input).
const MAX_DEPTH: usize = 256;

impl<'t> Eval<'t> {
    pub fn new(unit: &'t Unit, given: HashMap<String, Val>) -> Self {
        let decls = declarations(unit);
        Eval {
            unit,
            decls,
            ctx: Context::default(),
            given,
            cache: RefCell::default(),
            in_progress: RefCell::default(),
            locals: RefCell::default(),
            lambda_body: RefCell::default(),
        }
    }

    pub fn text(&self, node: Node<'t>) -> &'t str {
        self.unit.src.get(node.byte_range()).unwrap_or("")
    }

    /// The value of a parameter.
    pub fn param(&self, name: &str) -> Val {
        if let Some(v) = self.given.get(name) {
            return v.clone();
        }
        let Some(decl) = self.decls.params.get(name).copied() else {
            return Val::Unknown;
        };
        self.cached((Cached::Param, decl.start_byte()), || {
            // `param name type = default`: the default is the last named child after `=`.
            match value_after_equals(decl) {
                Some(expr) => self.eval(expr),
                // A nullable parameter (`param p T?`) left out is null.
                // (`prep` blanked the `?`, so look in the original text after the node.)
                None if self.nullable(decl) => Val::Null,
                None => Val::Unknown,
            }
        })
    }

    fn nullable(&self, decl: Node<'t>) -> bool {
        let rest = self.unit.src.get(decl.end_byte()..).unwrap_or("");
        let line = rest.split('\n').next().unwrap_or("");
        self.text(decl).trim_end().ends_with('?') || line.trim_start().starts_with('?')
    }

    fn var(&self, name: &str) -> Val {
        let Some(expr) = self.decls.vars.get(name).copied() else {
            return Val::Unknown;
        };
        self.cached((Cached::Var, expr.start_byte()), || self.eval(expr))
    }

    fn cached(&self, key: (Cached, usize), compute: impl FnOnce() -> Val) -> Val {
        if let Some(v) = self.cache.borrow().get(&key) {
            return v.clone();
        }
        if !self.in_progress.borrow_mut().insert(key) {
            return Val::Unknown; // a cycle: the compiler would refuse it
        }
        let v = compute();
        self.in_progress.borrow_mut().remove(&key);
        self.cache.borrow_mut().insert(key, v.clone());
        v
    }

    /// Runs `f` with local names bound (loop variables, lambda parameters).
    pub fn with_locals<R>(&self, binds: Vec<(String, Val)>, f: impl FnOnce() -> R) -> R {
        let n = binds.len();
        self.locals.borrow_mut().extend(binds);
        let out = f();
        let mut locals = self.locals.borrow_mut();
        let keep = locals.len().saturating_sub(n);
        locals.truncate(keep);
        out
    }

    fn local(&self, name: &str) -> Option<Val> {
        self.locals
            .borrow()
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    }

    pub fn eval(&self, node: Node<'t>) -> Val {
        self.eval_depth(node, 0)
    }

    fn eval_depth(&self, node: Node<'t>, depth: usize) -> Val {
        if depth > MAX_DEPTH {
            return Val::Unknown;
        }
        let d = depth + 1;
        let child = |name: &str| node.child_by_field_name(name);
        match node.kind() {
            "string" => self.string(node, d),
            "number" => self
                .text(node)
                .parse::<f64>()
                .map(Val::Number)
                .unwrap_or(Val::Unknown),
            "boolean" => Val::Bool(self.text(node) == "true"),
            "null" => Val::Null,
            "identifier" | "property_identifier" => self.identifier(self.text(node)),
            "parenthesized_expression" => match named_children(node).as_slice() {
                [inner] => self.eval_depth(*inner, d),
                _ => Val::Unknown,
            },
            "member_expression" => {
                if self.lambda_body.borrow().contains(&node.id()) {
                    return Val::Unknown;
                }
                let Some(obj) = child("object") else {
                    return Val::Unknown;
                };
                let prop = child("property").map(|p| self.text(p)).unwrap_or("");
                let safe = has_token(node, ".?");
                let base = self.eval_depth(obj, d);
                get_attr(&base, prop, safe)
            }
            "subscript_expression" => {
                let (Some(obj), Some(index)) = (child("object"), child("index")) else {
                    return Val::Unknown;
                };
                let safe = has_token(node, "?");
                let base = self.eval_depth(obj, d);
                let key = self.eval_depth(index, d);
                index_val(&base, &key, safe)
            }
            "resource_expression" => Val::Partial(Rc::new(Map::new())),
            "call_expression" => self.call(node, d),
            "binary_expression" => self.binary(node, d),
            "unary_expression" => {
                let op = child("operator").map(|o| self.text(o)).unwrap_or("");
                let Some(arg) = child("argument") else {
                    return Val::Unknown;
                };
                match (op, self.eval_depth(arg, d)) {
                    ("!", Val::Bool(b)) => Val::Bool(!b),
                    ("-", Val::Number(n)) => Val::Number(-n),
                    _ => Val::Unknown,
                }
            }
            "ternary_expression" => {
                let (Some(c), Some(a), Some(b)) = (
                    child("condition"),
                    child("consequence"),
                    child("alternative"),
                ) else {
                    return Val::Unknown;
                };
                match self.eval_depth(c, d) {
                    Val::Bool(true) => self.eval_depth(a, d),
                    Val::Bool(false) => self.eval_depth(b, d),
                    _ => {
                        let (x, y) = (self.eval_depth(a, d), self.eval_depth(b, d));
                        if x == y && x.is_wholly_known() {
                            x
                        } else {
                            Val::Unknown
                        }
                    }
                }
            }
            "array" => self.array(node, d),
            "object" => self.object(node, d),
            "for_statement" => self.for_loop(node, d),
            "lambda_expression" => {
                if self.lambda_body.borrow().contains(&node.id()) {
                    // Applied: the lambda stands for its body.
                    named_children(node)
                        .last()
                        .map_or(Val::Unknown, |b| self.eval_depth(*b, d))
                } else {
                    Val::Unknown
                }
            }
            _ => Val::Unknown,
        }
    }

    fn identifier(&self, name: &str) -> Val {
        if let Some(v) = self.local(name) {
            return v;
        }
        if self.decls.params.contains_key(name) || self.given.contains_key(name) {
            return self.param(name);
        }
        if self.decls.vars.contains_key(name) {
            return self.var(name);
        }
        if let Some(decl) = self.decls.resources.get(name).copied() {
            // Its name may need a long evaluation; every mention gives the same value.
            return self.cached((Cached::Resource, decl.start_byte()), || {
                self.resource_symbol(decl)
            });
        }
        Val::Unknown
    }

    /// What a resource's symbolic name gives in an expression: its compile-time fields
    /// (`name`, `type`, `apiVersion`); runtime ones (`id`, `properties`) are unknown.
    fn resource_symbol(&self, decl: Node<'t>) -> Val {
        let Some(body) = resource_body(decl) else {
            return Val::Unknown;
        };
        if body.kind() == "for_statement" {
            return Val::Unknown;
        }
        let mut map = Map::new();
        let (rtype, api) = split_type(&self.string_literal(decl).unwrap_or_default());
        map.insert("type".into(), Val::str(rtype));
        if let Some(api) = api {
            map.insert("apiVersion".into(), Val::str(api));
        }
        let object = if body.kind() == "if_statement" {
            if_object(body)
        } else {
            Some(body)
        };
        if let Some(name) = object.and_then(|o| property_node(self, o, "name")) {
            let v = self.eval(name);
            if v.is_wholly_known() {
                map.insert("name".into(), v);
            }
        }
        Val::Partial(Rc::new(map))
    }

    /// The first string child of a declaration (a resource's type, a module's path).
    pub fn string_literal(&self, decl: Node<'t>) -> Option<String> {
        let s = named(decl).find(|n| n.kind() == "string")?;
        match self.string(s, 0) {
            Val::String(s) => Some(s),
            _ => None,
        }
    }

    fn string(&self, node: Node<'t>, d: usize) -> Val {
        let raw = self.text(node);
        if raw.starts_with("'''") {
            let inner = raw
                .strip_prefix("'''")
                .and_then(|r| r.strip_suffix("'''"))
                .unwrap_or("");
            // A multi-line string drops one line break right after its opening quotes.
            let inner = inner
                .strip_prefix("\r\n")
                .or_else(|| inner.strip_prefix('\n'))
                .unwrap_or(inner);
            return Val::str(inner);
        }
        let mut out = String::new();
        let mut known = true;
        // Walk the literal between its quotes: interpolations are evaluated, the text between
        // them is read from the original and unescaped.
        let start = node.start_byte() + 1;
        let end = node.end_byte().saturating_sub(1).max(start);
        let mut pos = start;
        for part in named(node).filter(|c| c.kind() == "interpolation") {
            out.push_str(&unescape(
                self.unit.src.get(pos..part.start_byte()).unwrap_or(""),
            ));
            match named(part).next() {
                Some(expr) => match self.eval_depth(expr, d) {
                    Val::String(s) => out.push_str(&s),
                    Val::Number(n) => out.push_str(&format_number(n)),
                    Val::Bool(b) => out.push_str(if b { "true" } else { "false" }),
                    _ => known = false,
                },
                None => known = false,
            }
            pos = part.end_byte();
        }
        out.push_str(&unescape(self.unit.src.get(pos..end).unwrap_or("")));
        if known { Val::str(out) } else { Val::Unknown }
    }

    fn array(&self, node: Node<'t>, d: usize) -> Val {
        let mut items = Vec::new();
        for el in elements(node) {
            let v = self.eval_depth(el, d);
            if self.unit.spreads.contains(&el.start_byte()) {
                match v {
                    Val::List(l) => items.extend(l.iter().cloned()),
                    _ => return Val::Unknown,
                }
            } else {
                items.push(v);
            }
        }
        Val::list(items)
    }

    /// The identity of a resource body: the object [`Eval::eval`] gives, with only its `name`
    /// and `location`. `None` when telling them takes evaluating the rest: a body that is not
    /// an object literal, a spread, a computed key.
    pub fn identity(&self, body: Node<'t>) -> Option<Val> {
        if body.kind() != "object" {
            return None;
        }
        let mut map = Map::new();
        for Property {
            key, value, spread, ..
        } in self.properties(body)
        {
            if spread {
                return None;
            }
            let key = self.key(key)?;
            if key == "name" || key == "location" {
                // At the depth `object` evaluates the body's values.
                map.insert(key, self.eval_depth(value, 1));
            }
        }
        Some(Val::object(map))
    }

    fn object(&self, node: Node<'t>, d: usize) -> Val {
        let mut map = Map::new();
        let mut partial = false;
        for Property {
            key, value, spread, ..
        } in self.properties(node)
        {
            if spread {
                match self.eval_depth(value, d) {
                    Val::Object(o) => map.extend(o.iter().map(|(k, v)| (k.clone(), v.clone()))),
                    Val::Partial(o) => {
                        map.extend(o.iter().map(|(k, v)| (k.clone(), v.clone())));
                        partial = true;
                    }
                    Val::Null => {}
                    _ => partial = true,
                }
                continue;
            }
            let Some(key) = self.key(key) else {
                partial = true;
                continue;
            };
            map.insert(key, self.eval_depth(value, d));
        }
        if partial {
            Val::Partial(Rc::new(map))
        } else {
            Val::object(map)
        }
    }

    /// The value properties of an object node, in order: nested resource declarations are
    /// not values and are left out.
    pub fn properties(&self, object: Node<'t>) -> Vec<Property<'t>> {
        object
            .named_children()
            .filter(|p| p.kind() == "object_property")
            .filter_map(|node| {
                let (key, value) = first_and_last(node)?;
                if value.kind() == "resource_declaration" {
                    return None;
                }
                Some(Property {
                    node,
                    key,
                    value,
                    spread: self.unit.spreads.contains(&value.start_byte()),
                })
            })
            .collect()
    }

    /// The text of an object key (an identifier or a string without interpolation).
    pub fn key(&self, node: Node<'t>) -> Option<String> {
        match node.kind() {
            "string" => match self.string(node, 0) {
                Val::String(s) => Some(s),
                _ => None,
            },
            _ => Some(self.text(node).trim_end_matches('?').to_string()),
        }
    }

    /// Iterations of a `[for ...]`: the local bindings of each element, and the element's
    /// body (an expression, or an object under an `if` that held). `None` when the collection
    /// is unknown.
    pub fn loop_items(&self, node: Node<'t>) -> Option<Vec<Iteration<'t>>> {
        let LoopHead {
            names,
            collection,
            body,
        } = self.loop_head(node);
        let items = match self.eval(collection?) {
            Val::List(l) | Val::Set(l) => l,
            _ => return None,
        };
        let body = body?;
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let mut binds = Vec::new();
            if let Some(n) = names.first() {
                binds.push((n.clone(), item.clone()));
            }
            if let Some(n) = names.get(1) {
                binds.push((n.clone(), Val::Number(i as f64)));
            }
            let chosen = if body.kind() == "if_statement" {
                let cond = named(body).next();
                let held = self.with_locals(binds.clone(), || cond.map(|c| self.eval(c)));
                match held {
                    Some(Val::Bool(true)) | Some(Val::Unknown) => if_object(body),
                    _ => None,
                }
            } else {
                Some(body)
            };
            out.push((binds, chosen));
        }
        Some(out)
    }

    /// The parts of a `[for ...]`: loop variable names (item, then index), the collection
    /// and the body.
    pub fn loop_head(&self, node: Node<'t>) -> LoopHead<'t> {
        let mut head = LoopHead {
            names: Vec::new(),
            collection: None,
            body: None,
        };
        for c in named_children(node) {
            match c.kind() {
                "for_loop_parameters" => {
                    for p in named_children(c) {
                        head.names.push(self.text(p).to_string());
                    }
                }
                _ if node.child_by_field_name("initializer") == Some(c) => {
                    head.names.push(self.text(c).to_string());
                }
                _ if node.child_by_field_name("body") == Some(c) => head.body = Some(c),
                _ if head.collection.is_none() => head.collection = Some(c),
                _ => {}
            }
        }
        head
    }

    fn for_loop(&self, node: Node<'t>, d: usize) -> Val {
        let Some(items) = self.loop_items(node) else {
            return Val::Unknown;
        };
        let mut out = Vec::new();
        for (binds, body) in items {
            if let Some(body) = body {
                out.push(self.with_locals(binds, || self.eval_depth(body, d)));
            }
        }
        Val::list(out)
    }

    fn call(&self, node: Node<'t>, d: usize) -> Val {
        let Some(func) = node.child_by_field_name("function") else {
            return Val::Unknown;
        };
        let name = self.text(func).trim();
        let args = node
            .child_by_field_name("arguments")
            .map(named_children)
            .unwrap_or_default();
        let mut values = Vec::new();
        let mut lambda_nodes = Vec::new();
        for a in args {
            match find_lambda(a) {
                Some(lambda) => lambda_nodes.push((a, lambda)),
                None => values.push(self.eval_depth(a, d)),
            }
        }
        let mut closures: Vec<Closure<'_>> = lambda_nodes
            .iter()
            .map(|&(outer, lambda)| {
                let params = lambda_params(self, lambda);
                Box::new(move |args: &[Val]| {
                    let binds = params
                        .iter()
                        .cloned()
                        .zip(args.iter().cloned().chain(std::iter::repeat(Val::Unknown)))
                        .collect();
                    self.lambda_body.borrow_mut().push(lambda.id());
                    let v = self.with_locals(binds, || self.eval_depth(outer, d));
                    self.lambda_body.borrow_mut().pop();
                    Ok(v)
                }) as Closure<'_>
            })
            .collect();
        let mut lambdas: Vec<funcs::Lambda<'_>> = closures
            .iter_mut()
            .map(|c| c.as_mut() as funcs::Lambda<'_>)
            .collect();
        funcs::call(name, &values, &mut lambdas, &self.ctx).unwrap_or(Val::Unknown)
    }

    fn binary(&self, node: Node<'t>, d: usize) -> Val {
        let (Some(l), Some(r), Some(op)) = (
            node.child_by_field_name("left"),
            node.child_by_field_name("right"),
            node.child_by_field_name("operator"),
        ) else {
            return Val::Unknown;
        };
        let op = self.text(op);
        let a = self.eval_depth(l, d);
        match op {
            "&&" => {
                return match a {
                    Val::Bool(false) => Val::Bool(false),
                    Val::Bool(true) => bool_or_unknown(self.eval_depth(r, d)),
                    _ => match self.eval_depth(r, d) {
                        Val::Bool(false) => Val::Bool(false),
                        _ => Val::Unknown,
                    },
                };
            }
            "||" => {
                return match a {
                    Val::Bool(true) => Val::Bool(true),
                    Val::Bool(false) => bool_or_unknown(self.eval_depth(r, d)),
                    _ => match self.eval_depth(r, d) {
                        Val::Bool(true) => Val::Bool(true),
                        _ => Val::Unknown,
                    },
                };
            }
            "??" => {
                return match a {
                    Val::Null => self.eval_depth(r, d),
                    Val::Unknown => Val::Unknown,
                    other => other,
                };
            }
            _ => {}
        }
        let b = self.eval_depth(r, d);
        if !a.is_wholly_known() || !b.is_wholly_known() {
            return Val::Unknown;
        }
        match (op, &a, &b) {
            ("==", _, _) => Val::Bool(a == b),
            ("!=", _, _) => Val::Bool(a != b),
            ("=~", Val::String(x), Val::String(y)) => Val::Bool(x.eq_ignore_ascii_case(y)),
            ("!~", Val::String(x), Val::String(y)) => Val::Bool(!x.eq_ignore_ascii_case(y)),
            (_, Val::Number(x), Val::Number(y)) => {
                let (x, y) = (*x, *y);
                match op {
                    "+" => Val::Number(x + y),
                    "-" => Val::Number(x - y),
                    "*" => Val::Number(x * y),
                    "/" if y != 0.0 => Val::Number((x / y).trunc()),
                    "%" if y != 0.0 => Val::Number(x % y),
                    ">" => Val::Bool(x > y),
                    ">=" => Val::Bool(x >= y),
                    "<" => Val::Bool(x < y),
                    "<=" => Val::Bool(x <= y),
                    _ => Val::Unknown,
                }
            }
            (_, Val::String(x), Val::String(y)) => match op {
                ">" => Val::Bool(x.to_lowercase() > y.to_lowercase()),
                ">=" => Val::Bool(x.to_lowercase() >= y.to_lowercase()),
                "<" => Val::Bool(x.to_lowercase() < y.to_lowercase()),
                "<=" => Val::Bool(x.to_lowercase() <= y.to_lowercase()),
                _ => Val::Unknown,
            },
            _ => Val::Unknown,
        }
    }
}

/// The parts of a `[for ...]` (see [`Eval::loop_head`]).
pub struct LoopHead<'t> {
    pub names: Vec<String>,
    pub collection: Option<Node<'t>>,
    pub body: Option<Node<'t>>,
}

/// The object an `if (...) { ... }` guards.
pub fn if_object(node: Node<'_>) -> Option<Node<'_>> {
    named(node).find(|n| n.kind() == "object")
}

fn bool_or_unknown(v: Val) -> Val {
    match v {
        Val::Bool(b) => Val::Bool(b),
        _ => Val::Unknown,
    }
}

/// The lambda along the leftmost chain of an argument (`x => x.name` parses as
/// `(x => x).name`, so the lambda may sit below member accesses, calls and operators).
fn find_lambda(mut node: Node<'_>) -> Option<Node<'_>> {
    for _ in 0..MAX_DEPTH {
        match node.kind() {
            "lambda_expression" => return Some(node),
            "member_expression" | "subscript_expression" | "resource_expression" => {
                node = node.child_by_field_name("object")?
            }
            "call_expression" => node = node.child_by_field_name("function")?,
            "binary_expression" => node = node.child_by_field_name("left")?,
            "ternary_expression" => node = node.child_by_field_name("condition")?,
            _ => return None,
        }
    }
    None
}

/// Parameter names of a lambda: `x => ...` or `(a, b) => ...`.
fn lambda_params(ev: &Eval<'_>, lambda: Node<'_>) -> Vec<String> {
    let Some(head) = named(lambda).next() else {
        return Vec::new();
    };
    match head.kind() {
        "parenthesized_expression" => named(head).map(|p| ev.text(p).to_string()).collect(),
        _ => vec![ev.text(head).to_string()],
    }
}

/// Reads a property of a value: `Partial` objects give unknown for what they lack; a missing
/// property is null with `.?` and unknown otherwise (the compiler would refuse it).
pub fn get_attr(base: &Val, prop: &str, safe: bool) -> Val {
    match base {
        Val::Object(m) => {
            m.get(prop)
                .cloned()
                .unwrap_or(if safe { Val::Null } else { Val::Unknown })
        }
        Val::Partial(m) => m.get(prop).cloned().unwrap_or(Val::Unknown),
        Val::Null if safe => Val::Null,
        _ => Val::Unknown,
    }
}

fn index_val(base: &Val, key: &Val, safe: bool) -> Val {
    match (base, key) {
        (Val::List(l), Val::Number(n)) if *n >= 0.0 => l
            .get(*n as usize)
            .cloned()
            .unwrap_or(if safe { Val::Null } else { Val::Unknown }),
        (Val::Object(_) | Val::Partial(_), Val::String(k)) => get_attr(base, k, safe),
        (Val::Null, _) if safe => Val::Null,
        _ => Val::Unknown,
    }
}

fn has_token(node: Node<'_>, token: &str) -> bool {
    node.children()
        .any(|ch| !ch.is_named() && ch.kind() == token)
}

/// The first and the last of a node's named children (comments aside), when it has two or
/// more.
fn first_and_last(node: Node<'_>) -> Option<(Node<'_>, Node<'_>)> {
    let mut named = node.named_children().filter(|n| !is_comment(*n));
    let first = named.next()?;
    let last = named.last()?;
    Some((first, last))
}

pub fn named_children(node: Node<'_>) -> Vec<Node<'_>> {
    named(node).collect()
}

/// [`named_children`] without collecting them (most callers want one, or walk them once).
pub(super) fn named<'t>(node: Node<'t>) -> impl Iterator<Item = Node<'t>> + use<'t> {
    node.named_children().filter(|n| !is_comment(*n))
}

/// Comments are named nodes of the tree, but no part of any expression.
fn is_comment(node: Node<'_>) -> bool {
    matches!(node.kind(), "comment" | "diagnostic_comment")
}

/// The expression after `=` in a declaration (`param x T = <expr>`, `var x = <expr>`).
pub fn value_after_equals(decl: Node<'_>) -> Option<Node<'_>> {
    let mut seen_eq = false;
    for ch in decl.children() {
        if seen_eq && ch.is_named() && !is_comment(ch) {
            return Some(ch);
        }
        if !ch.is_named() && ch.kind() == "=" {
            seen_eq = true;
        }
    }
    None
}

/// The value node of a resource or module declaration: an object, an `if` or a `for`.
pub fn resource_body(decl: Node<'_>) -> Option<Node<'_>> {
    value_after_equals(decl)
}

/// The value node of property `key` of an object node.
pub fn property_node<'t>(ev: &Eval<'t>, object: Node<'t>, key: &str) -> Option<Node<'t>> {
    ev.properties(object)
        .into_iter()
        .find(|p| !p.spread && ev.key(p.key).as_deref() == Some(key))
        .map(|p| p.value)
}

/// The elements of an array node (without their decorators).
pub fn elements(array: Node<'_>) -> Vec<Node<'_>> {
    named(array).filter(|e| e.kind() != "decorators").collect()
}

/// `Microsoft.Storage/storageAccounts@2023-01-01` → type and API version.
pub fn split_type(s: &str) -> (String, Option<String>) {
    match s.split_once('@') {
        Some((t, v)) => (t.to_string(), Some(v.to_string())),
        None => (s.to_string(), None),
    }
}

/// Decodes the escapes of a single-quoted Bicep string.
fn unescape(s: &str) -> String {
    if !s.contains('\\') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some('u') if chars.peek() == Some(&'{') => {
                chars.next();
                let hex: String = chars.by_ref().take_while(|&c| c != '}').collect();
                if let Some(ch) = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    out.push(ch);
                }
            }
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

/// Collects the declarations of a template.
fn declarations(unit: &Unit) -> Decls<'_> {
    let mut decls = Decls::default();
    let root = unit.tree.root_node();
    for stmt in root.named_children() {
        let name = || {
            stmt.named_children()
                .find(|n| n.kind() == "identifier")
                .and_then(|n| unit.src.get(n.byte_range()))
        };
        if stmt.has_error() {
            continue;
        }
        match stmt.kind() {
            "parameter_declaration" => {
                if let Some(n) = name() {
                    decls.params.insert(n, stmt);
                }
            }
            "variable_declaration" => {
                if let (Some(n), Some(v)) = (name(), value_after_equals(stmt)) {
                    decls.vars.insert(n, v);
                }
            }
            "resource_declaration" => {
                if let Some(n) = name() {
                    decls.resources.insert(n, stmt);
                }
            }
            "module_declaration" => {
                if let Some(n) = name() {
                    decls.modules.insert(n, stmt);
                }
            }
            "output_declaration" => decls.outputs.push(stmt),
            _ => {}
        }
    }
    decls
}

#[cfg(test)]
mod tests {
    use super::super::grammar::testing;
    use super::super::syntax::SyntaxTree;
    use super::*;

    #[test]
    fn the_value_after_equals_skips_comments_and_diagnostic_comments() {
        for src in [
            "var v = /* note */ 'x'\n",
            "var v =\n#disable-next-line no-unused-vars\n  'x'\n",
            "var v = // note\n  'x'\n",
        ] {
            let tree = SyntaxTree::new(&testing::parse(src));
            let decl = tree
                .nodes()
                .find(|n| n.kind() == "variable_declaration")
                .unwrap_or_else(|| panic!("no declaration in {src:?}"));
            let value = value_after_equals(decl).map(|v| &src[v.byte_range()]);
            assert_eq!(value, Some("'x'"), "{src:?}");
        }
    }

    #[test]
    fn a_property_is_its_first_and_last_child_whatever_comments_sit_between() {
        let src = "var v = {\n  a: /* before */ 1 // after\n  b: 'x'\n}\n";
        let tree = SyntaxTree::new(&testing::parse(src));
        let props: Vec<(String, String)> = tree
            .nodes()
            .filter(|n| n.kind() == "object_property")
            .filter_map(|n| first_and_last(n))
            .map(|(k, v)| {
                (
                    src[k.byte_range()].to_string(),
                    src[v.byte_range()].to_string(),
                )
            })
            .collect();
        assert!(
            props.contains(&("a".to_string(), "1".to_string())),
            "{props:?}"
        );
        assert!(
            props.contains(&("b".to_string(), "'x'".to_string())),
            "{props:?}"
        );
    }
}
