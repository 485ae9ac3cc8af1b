//! Evaluation of ARM template values: parameters (given values, then defaults), variables
//! (lazy, each evaluated once, cycles reported), `copyIndex()`, lambdas, user-defined
//! functions, and every other function through [`crate::load::azure::funcs`].
//!
//! A value that cannot be known stays [`Val::Unknown`]; an expression ARM itself would reject
//! (a syntax error, a missing property, a bad argument) is reported as a load error at its line
//! and its value is unknown, so the rest of the file still loads.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

use super::expr::{self, Expr, SyntaxError, Template as Text};
use super::json::{Kind, Node};
use crate::graph::{AttrPath, LoadError};
use crate::load::azure::Context;
use crate::load::azure::funcs::{self, Lambda, get_key};
use crate::load::value::{EvalError, EvalResult, Map, Val, err};

/// A lambda argument, bound to the environment it was written in.
type Closure<'a> = Box<dyn FnMut(&[Val]) -> EvalResult + 'a>;

/// Most instances of one `copy` loop (ARM's own limit).
pub const MAX_COPY: i64 = 800;
/// Deepest nesting of user-defined function calls.
const MAX_CALL_DEPTH: usize = 64;

/// A resource an expression points at: `resourceId('type', 'name')`, or a symbolic name
/// (`reference('storage')` in a `languageVersion` 2.0 template).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Target {
    Typed { rtype: String, name: String },
    Symbol(String),
}

/// A target found while evaluating the attribute at `path`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Capture {
    pub path: String,
    pub target: Target,
    /// The attribute's whole value is the reference.
    pub direct: bool,
}

/// What one file's evaluation shares: its display path, the errors met, parsed expressions.
pub struct FileCtx {
    pub display: String,
    pub errors: RefCell<Vec<LoadError>>,
    captures: RefCell<Vec<Target>>,
    exprs: RefCell<HashMap<String, Rc<Result<Expr, SyntaxError>>>>,
    call_depth: Cell<usize>,
    /// Counts reads of optional (`nullable`) parameters that were given no value: an
    /// expression that fails only because of such a null would also fail in ARM with that
    /// input, which is a property of the deployment, not of the template; its value is
    /// unknown and no error is reported.
    absent: Cell<u64>,
    /// Elements built by property and variable `copy` loops so far (bounded, so that nested
    /// loops cannot exhaust memory).
    copied: Cell<u64>,
}

/// Most elements property and variable `copy` loops may build in one file.
const MAX_COPIED: u64 = 250_000;

impl FileCtx {
    pub fn new(display: &str) -> Self {
        FileCtx {
            display: display.to_string(),
            errors: RefCell::new(Vec::new()),
            captures: RefCell::new(Vec::new()),
            exprs: RefCell::new(HashMap::new()),
            call_depth: Cell::new(0),
            absent: Cell::new(0),
            copied: Cell::new(0),
        }
    }

    pub fn error(&self, line: u32, column: Option<u32>, message: String) {
        self.errors.borrow_mut().push(LoadError {
            file: self.display.clone(),
            line: Some(line),
            column,
            message,
            file_skipped: false,
        });
    }

    /// Counts `n` more loop elements; false (reported once) past [`MAX_COPIED`].
    fn take_copies(&self, n: i64, at: &Node) -> bool {
        let before = self.copied.get();
        let after = before.saturating_add(n.unsigned_abs());
        self.copied.set(after);
        if after <= MAX_COPIED {
            return true;
        }
        if before <= MAX_COPIED {
            self.error(
                at.line,
                Some(at.column),
                format!("copy loops build more than {MAX_COPIED} values: the rest are unknown"),
            );
        }
        false
    }

    fn parsed(&self, text: &str) -> Rc<Result<Expr, SyntaxError>> {
        if let Some(e) = self.exprs.borrow().get(text) {
            return e.clone();
        }
        let e = Rc::new(expr::parse(text));
        self.exprs.borrow_mut().insert(text.to_string(), e.clone());
        e
    }
}

/// The copy loop indexes and lambda variables in force where a value is evaluated.
#[derive(Debug, Clone, Default)]
pub struct Env {
    /// `(lowercase loop name, index)`; the index is `None` when the loop's count is unknown.
    /// The first entry marked `resource` answers `copyIndex()` without a name.
    copies: Vec<(String, Option<i64>, bool)>,
    lambdas: Vec<(String, Val)>,
}

impl Env {
    /// This environment inside a loop named `name`, at `index`.
    pub fn with_copy(&self, name: &str, index: Option<i64>, resource: bool) -> Env {
        let mut e = self.clone();
        e.copies.push((name.to_ascii_lowercase(), index, resource));
        e
    }
}

enum ParamSlot<'t> {
    Given(Val),
    Default(&'t Node),
    Missing { nullable: bool },
}

enum VarSlot<'t> {
    Value(&'t Node),
    /// A variable made by the `copy` array of the variables section.
    Copy(&'t Node),
}

enum State {
    Busy,
    /// The value, and whether it read an absent optional parameter.
    Done(Val, bool),
}

/// The parameters, variables and functions visible to a template's expressions.
pub struct Scope<'t> {
    pub file: &'t FileCtx,
    pub ctx: Context,
    params: HashMap<String, ParamSlot<'t>>,
    vars: HashMap<String, VarSlot<'t>>,
    functions: Rc<HashMap<String, &'t Node>>,
    cache: RefCell<HashMap<String, State>>,
}

impl<'t> Scope<'t> {
    /// The scope of `template`, with parameter values given from outside (a parameters file, or
    /// the `parameters` of a nested deployment; `None` when they are unknown altogether).
    pub fn new(
        file: &'t FileCtx,
        template: &'t Node,
        given: Option<&BTreeMap<String, Val>>,
        ctx: Context,
    ) -> Scope<'t> {
        let mut params = HashMap::new();
        for p in template
            .get("parameters")
            .map(Node::props)
            .unwrap_or_default()
        {
            let name = p.key.to_ascii_lowercase();
            let supplied = match given {
                None => Some(Val::Unknown),
                Some(g) => g
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(&p.key))
                    .map(|(_, v)| v.clone()),
            };
            let slot = match (supplied, p.value.get("defaultValue")) {
                // A null value passed to a parameter (by a nested deployment) leaves its
                // default in force, as ARM does.
                (Some(Val::Null), Some(d)) => ParamSlot::Default(d),
                (Some(v), _) => ParamSlot::Given(v),
                (None, Some(d)) => ParamSlot::Default(d),
                (None, None) => ParamSlot::Missing {
                    nullable: matches!(
                        p.value.get("nullable").map(|n| &n.kind),
                        Some(Kind::Bool(true))
                    ),
                },
            };
            params.insert(name, slot);
        }
        let mut vars = HashMap::new();
        for v in template
            .get("variables")
            .map(Node::props)
            .unwrap_or_default()
        {
            if v.key.eq_ignore_ascii_case("copy") && matches!(v.value.kind, Kind::Array(_)) {
                for entry in v.value.elements() {
                    if let Some(name) = entry.get("name").and_then(Node::as_str) {
                        vars.insert(name.to_ascii_lowercase(), VarSlot::Copy(entry));
                    }
                }
            } else {
                vars.insert(v.key.to_ascii_lowercase(), VarSlot::Value(&v.value));
            }
        }
        let mut functions = HashMap::new();
        for ns in template
            .get("functions")
            .map(Node::elements)
            .unwrap_or_default()
        {
            let Some(namespace) = ns.get("namespace").and_then(Node::as_str) else {
                continue;
            };
            for member in ns.get("members").map(Node::props).unwrap_or_default() {
                functions.insert(
                    format!("{namespace}.{}", member.key).to_ascii_lowercase(),
                    &member.value,
                );
            }
        }
        Scope {
            file,
            ctx,
            params,
            vars,
            functions: Rc::new(functions),
            cache: RefCell::new(HashMap::new()),
        }
    }

    /// Evaluates a template value: expressions in strings, property `copy` loops in objects.
    /// When `lines` is given, the line of every path under `path` is recorded there, and
    /// resource references found are returned in `captures`.
    pub fn value(
        &self,
        node: &Node,
        env: &Env,
        path: &AttrPath,
        lines: &mut Option<&mut BTreeMap<String, u32>>,
        captures: &mut Vec<Capture>,
    ) -> Val {
        match &node.kind {
            Kind::Null => Val::Null,
            Kind::Bool(b) => Val::Bool(*b),
            Kind::Number(n) => Val::Number(*n),
            Kind::String(s) => match expr::classify(s) {
                Text::Literal(l) => Val::String(l.into_owned()),
                Text::Expression(e) => {
                    let mark = self.file.captures.borrow().len();
                    let (v, top) = self.expression(e, node, env);
                    let found: Vec<Target> =
                        self.file.captures.borrow_mut().drain(mark..).collect();
                    if lines.is_some() {
                        let direct = found.len() == 1 && top;
                        captures.extend(found.into_iter().map(|target| Capture {
                            path: path.as_str().to_string(),
                            target,
                            direct,
                        }));
                    }
                    if let Some(lines) = lines.as_deref_mut() {
                        record_lines(&v, path, node.line, lines);
                    }
                    v
                }
            },
            Kind::Array(items) => Val::list(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| {
                        let p = path.index(i);
                        if let Some(lines) = lines.as_deref_mut() {
                            lines.insert(p.as_str().to_string(), item.line);
                        }
                        self.value(item, env, &p, lines, captures)
                    })
                    .collect(),
            ),
            Kind::Object(_) => self.object(node, env, path, lines, captures, &[]),
        }
    }

    /// Evaluates an object, leaving out the keys in `skip` (matched ignoring case).
    pub fn object(
        &self,
        node: &Node,
        env: &Env,
        path: &AttrPath,
        lines: &mut Option<&mut BTreeMap<String, u32>>,
        captures: &mut Vec<Capture>,
        skip: &[&str],
    ) -> Val {
        let mut map = Map::new();
        let mut partial = false;
        for p in node.props() {
            if skip.iter().any(|s| s.eq_ignore_ascii_case(&p.key)) {
                continue;
            }
            if p.key.eq_ignore_ascii_case("copy")
                && let Some(entries) = property_copy(&p.value)
            {
                for entry in entries {
                    self.property_loop(entry, env, path, lines, captures, &mut map);
                }
                continue;
            }
            let key = match expr::classify(&p.key) {
                Text::Literal(k) => k.into_owned(),
                Text::Expression(e) => match self.expression(e, &p.value, env).0 {
                    Val::String(k) => k,
                    Val::Number(n) => crate::load::value::format_number(n),
                    _ => {
                        partial = true;
                        continue;
                    }
                },
            };
            let child = path.key(&key);
            if let Some(lines) = lines.as_deref_mut() {
                lines.insert(child.as_str().to_string(), p.line);
            }
            let v = self.value(&p.value, env, &child, lines, captures);
            map.insert(key, v);
        }
        if partial {
            Val::Partial(Rc::new(map))
        } else {
            Val::object(map)
        }
    }

    /// One entry of a property `copy` array: `{name, count, input}` makes property `name` an
    /// array of `count` evaluations of `input`.
    fn property_loop(
        &self,
        entry: &Node,
        env: &Env,
        path: &AttrPath,
        lines: &mut Option<&mut BTreeMap<String, u32>>,
        captures: &mut Vec<Capture>,
        map: &mut Map,
    ) {
        let Some(name) = entry.get("name").and_then(Node::as_str) else {
            return;
        };
        let child = path.key(name);
        if let Some(lines) = lines.as_deref_mut() {
            lines.insert(child.as_str().to_string(), entry.line);
        }
        let count = self
            .count(entry, env)
            .filter(|n| self.file.take_copies(*n, entry));
        let value = match (count, entry.get("input")) {
            (Some(n), Some(input)) => Val::list(
                (0..n)
                    .map(|i| {
                        let p = child.index(i as usize);
                        if let Some(lines) = lines.as_deref_mut() {
                            lines.insert(p.as_str().to_string(), input.line);
                        }
                        self.value(
                            input,
                            &env.with_copy(name, Some(i), false),
                            &p,
                            lines,
                            captures,
                        )
                    })
                    .collect(),
            ),
            _ => Val::Unknown,
        };
        map.insert(name.to_string(), value);
    }

    /// The known `count` of a copy loop (reported and `None` when invalid).
    pub fn count(&self, copy: &Node, env: &Env) -> Option<i64> {
        let node = copy.get("count")?;
        match self.plain(node, env) {
            Val::Number(n) if (0.0..=MAX_COPY as f64).contains(&n) => Some(n as i64),
            Val::Number(n) => {
                self.file.error(
                    node.line,
                    Some(node.column),
                    format!("copy count {n} is outside 0..{MAX_COPY}"),
                );
                None
            }
            Val::Unknown | Val::Partial(_) => None,
            other => {
                self.file.error(
                    node.line,
                    Some(node.column),
                    format!("copy count is a {}, not a number", other.type_name()),
                );
                None
            }
        }
    }

    /// A value without line recording; references found are dropped.
    pub fn plain(&self, node: &Node, env: &Env) -> Val {
        self.value(node, env, &AttrPath::root(), &mut None, &mut Vec::new())
    }

    /// Evaluates the text of an expression found in `node`; also says whether its outermost
    /// form is a call of a resource-id or reference function.
    fn expression(&self, text: &str, node: &Node, env: &Env) -> (Val, bool) {
        let parsed = self.file.parsed(text);
        match parsed.as_ref() {
            Ok(e) => {
                let absent = self.file.absent.get();
                let top =
                    matches!(e, Expr::Call(name, _) if captures_target(&name.to_ascii_lowercase()));
                match self.eval(e, env) {
                    Ok(v) => (v, top),
                    Err(_) if self.file.absent.get() > absent => (Val::Unknown, false),
                    Err(EvalError(msg)) => {
                        self.file.error(
                            node.line,
                            Some(node.column),
                            format!("expression \"[{}]\": {msg}", short(text)),
                        );
                        (Val::Unknown, false)
                    }
                }
            }
            Err(e) => {
                self.file.error(
                    node.line,
                    Some(node.column),
                    format!(
                        "expression \"[{}]\": {} at character {}",
                        short(text),
                        e.message,
                        e.offset + 1
                    ),
                );
                (Val::Unknown, false)
            }
        }
    }

    pub fn eval(&self, e: &Expr, env: &Env) -> EvalResult {
        // Variables, parameter defaults and user functions can call each other deeply: the
        // stack grows on the heap rather than overflowing.
        stacker::maybe_grow(256 * 1024, 4 * 1024 * 1024, || self.eval_inner(e, env))
    }

    fn eval_inner(&self, e: &Expr, env: &Env) -> EvalResult {
        match e {
            Expr::Str(s) => Ok(Val::String(s.clone())),
            Expr::Num(n) => Ok(Val::Number(*n)),
            Expr::Bool(b) => Ok(Val::Bool(*b)),
            Expr::Null => Ok(Val::Null),
            Expr::Prop(base, name) => access(self.eval(base, env)?, &Val::str(name.clone())),
            Expr::Index(base, index) => {
                let base = self.eval(base, env)?;
                access(base, &self.eval(index, env)?)
            }
            Expr::Call(name, args) => self.call(name, args, env),
        }
    }

    fn string_arg(
        &self,
        name: &str,
        args: &[Expr],
        env: &Env,
    ) -> Result<Option<String>, EvalError> {
        match args.first() {
            None => err(format!("{name}() needs an argument")),
            Some(a) => match self.eval(a, env)? {
                Val::String(s) => Ok(Some(s)),
                Val::Unknown | Val::Partial(_) => Ok(None),
                other => err(format!(
                    "{name}() takes a string, not a {}",
                    other.type_name()
                )),
            },
        }
    }

    fn call(&self, name: &str, args: &[Expr], env: &Env) -> EvalResult {
        let lower = name.to_ascii_lowercase();
        match lower.as_str() {
            "parameters" => match self.string_arg(name, args, env)? {
                Some(p) => self.param(&p),
                None => Ok(Val::Unknown),
            },
            "variables" => match self.string_arg(name, args, env)? {
                Some(v) => self.var(&v),
                None => Ok(Val::Unknown),
            },
            "copyindex" => self.copy_index(args, env),
            "lambdavariables" => {
                let Some(v) = self.string_arg(name, args, env)? else {
                    return Ok(Val::Unknown);
                };
                env.lambdas
                    .iter()
                    .rev()
                    .find(|(n, _)| n.eq_ignore_ascii_case(&v))
                    .map(|(_, val)| val.clone())
                    .ok_or_else(|| EvalError(format!("no lambda variable '{v}'")))
            }
            "lambda" => err("lambda() can only be an argument of a function"),
            "if" if args.len() == 3 => match self.eval(&args[0], env)? {
                Val::Bool(true) => self.eval(&args[1], env),
                Val::Bool(false) => self.eval(&args[2], env),
                c => {
                    // Unknown condition: the result is known only if both branches agree.
                    let a = self.eval(&args[1], env).unwrap_or(Val::Unknown);
                    let b = self.eval(&args[2], env).unwrap_or(Val::Unknown);
                    funcs::call("if", &[c, a, b], &mut [], &self.ctx)
                }
            },
            "and" | "or" => {
                let decisive = lower == "or";
                let mut vals = Vec::with_capacity(args.len());
                for a in args {
                    let v = self.eval(a, env)?;
                    if v == Val::Bool(decisive) {
                        return Ok(v);
                    }
                    vals.push(v);
                }
                funcs::call(&lower, &vals, &mut [], &self.ctx)
            }
            _ if lower.contains('.') && self.functions.contains_key(&lower) => {
                let vals = args
                    .iter()
                    .map(|a| self.eval(a, env))
                    .collect::<Result<Vec<_>, _>>()?;
                self.user_function(&lower, vals)
            }
            _ => {
                let mut vals = Vec::with_capacity(args.len());
                let mut lambda_defs: Vec<(Vec<String>, &Expr)> = Vec::new();
                for a in args {
                    match a {
                        Expr::Call(n, largs) if n.eq_ignore_ascii_case("lambda") => {
                            let Some((body, params)) = largs.split_last() else {
                                return err("lambda() needs a body");
                            };
                            let mut names = Vec::with_capacity(params.len());
                            for p in params {
                                match p {
                                    Expr::Str(s) => names.push(s.clone()),
                                    _ => return err("lambda() parameter names must be strings"),
                                }
                            }
                            lambda_defs.push((names, body));
                        }
                        _ => vals.push(self.eval(a, env)?),
                    }
                }
                if captures_target(&lower) {
                    self.capture(&lower, &vals);
                }
                if lambda_defs.is_empty() {
                    return funcs::call(&lower, &vals, &mut [], &self.ctx);
                }
                let mut closures: Vec<Closure<'_>> = lambda_defs
                    .into_iter()
                    .map(|(names, body)| {
                        Box::new(move |values: &[Val]| {
                            let mut inner = env.clone();
                            for (n, v) in names.iter().zip(values) {
                                inner.lambdas.push((n.clone(), v.clone()));
                            }
                            self.eval(body, &inner)
                        }) as Closure<'_>
                    })
                    .collect();
                let mut refs: Vec<Lambda<'_>> = closures
                    .iter_mut()
                    .map(|c| c.as_mut() as Lambda<'_>)
                    .collect();
                funcs::call(&lower, &vals, &mut refs, &self.ctx)
            }
        }
    }

    fn copy_index(&self, args: &[Expr], env: &Env) -> EvalResult {
        let mut name: Option<String> = None;
        let mut offset = 0i64;
        for a in args {
            match self.eval(a, env)? {
                Val::String(s) => name = Some(s.to_ascii_lowercase()),
                Val::Number(n) => offset = n as i64,
                Val::Unknown | Val::Partial(_) => return Ok(Val::Unknown),
                other => {
                    return err(format!(
                        "copyIndex() takes a name or an offset, not a {}",
                        other.type_name()
                    ));
                }
            }
        }
        let found = match &name {
            Some(n) => env.copies.iter().rev().find(|(c, _, _)| c == n),
            None => env
                .copies
                .iter()
                .rev()
                .find(|(_, _, resource)| *resource)
                .or_else(|| env.copies.last()),
        };
        match found {
            Some((_, Some(i), _)) => Ok(Val::Number((i + offset) as f64)),
            Some((_, None, _)) => Ok(Val::Unknown),
            None => err(match name {
                Some(n) => format!("copyIndex('{n}') outside a copy loop of that name"),
                None => "copyIndex() outside a copy loop".to_string(),
            }),
        }
    }

    fn capture(&self, name: &str, vals: &[Val]) {
        let target = match name {
            "reference" | "resourceinfo" => match vals.first() {
                Some(Val::String(s)) if !s.contains('/') => Some(Target::Symbol(s.clone())),
                _ => None,
            },
            _ => typed_target(vals),
        };
        if let Some(t) = target {
            self.file.captures.borrow_mut().push(t);
        }
    }

    /// Evaluates a lazily computed parameter or variable once, guarding against cycles.
    fn cached(&self, key: String, compute: impl FnOnce() -> EvalResult) -> EvalResult {
        match self.cache.borrow().get(&key) {
            Some(State::Done(v, absent)) => {
                if *absent {
                    self.file.absent.set(self.file.absent.get() + 1);
                }
                return Ok(v.clone());
            }
            Some(State::Busy) => return err(format!("{key} refers to itself")),
            None => {}
        }
        self.cache.borrow_mut().insert(key.clone(), State::Busy);
        // References found inside a variable belong to no attribute.
        let mark = self.file.captures.borrow().len();
        let absent = self.file.absent.get();
        let v = compute();
        self.file.captures.borrow_mut().truncate(mark);
        let v = v?;
        let read_absent = self.file.absent.get() > absent;
        self.cache
            .borrow_mut()
            .insert(key, State::Done(v.clone(), read_absent));
        Ok(v)
    }

    fn param(&self, name: &str) -> EvalResult {
        let key = name.to_ascii_lowercase();
        match self.params.get(&key) {
            None => err(format!("parameter '{name}' is not declared")),
            Some(ParamSlot::Given(v)) => Ok(v.clone()),
            Some(ParamSlot::Missing { nullable: true }) => {
                self.file.absent.set(self.file.absent.get() + 1);
                Ok(Val::Null)
            }
            Some(ParamSlot::Missing { nullable: false }) => Ok(Val::Unknown),
            Some(ParamSlot::Default(node)) => self.cached(format!("parameter '{name}'"), || {
                Ok(self.plain(node, &Env::default()))
            }),
        }
    }

    fn var(&self, name: &str) -> EvalResult {
        let key = name.to_ascii_lowercase();
        match self.vars.get(&key) {
            None => err(format!("variable '{name}' is not declared")),
            Some(VarSlot::Value(node)) => self.cached(format!("variable '{key}'"), || {
                Ok(self.plain(node, &Env::default()))
            }),
            Some(VarSlot::Copy(entry)) => self.cached(format!("variable '{key}'"), || {
                let env = Env::default();
                let count = self
                    .count(entry, &env)
                    .filter(|n| self.file.take_copies(*n, entry));
                match (count, entry.get("input")) {
                    (Some(n), Some(input)) => Ok(Val::list(
                        (0..n)
                            .map(|i| self.plain(input, &env.with_copy(name, Some(i), false)))
                            .collect(),
                    )),
                    _ => Ok(Val::Unknown),
                }
            }),
        }
    }

    fn user_function(&self, name: &str, args: Vec<Val>) -> EvalResult {
        let Some(def) = self.functions.get(name).copied() else {
            return Ok(Val::Unknown);
        };
        let depth = self.file.call_depth.get();
        if depth >= MAX_CALL_DEPTH {
            return err(format!(
                "{name}(): user functions call each other too deeply"
            ));
        }
        let Some(output) = def.get("output").and_then(|o| o.get("value")) else {
            return Ok(Val::Unknown);
        };
        let mut params = HashMap::new();
        let declared = def
            .get("parameters")
            .map(Node::elements)
            .unwrap_or_default();
        for (i, p) in declared.iter().enumerate() {
            if let Some(n) = p.get("name").and_then(Node::as_str) {
                params.insert(
                    n.to_ascii_lowercase(),
                    ParamSlot::Given(args.get(i).cloned().unwrap_or(Val::Unknown)),
                );
            }
        }
        let scope = Scope {
            file: self.file,
            ctx: self.ctx.clone(),
            params,
            vars: HashMap::new(),
            functions: self.functions.clone(),
            cache: RefCell::new(HashMap::new()),
        };
        self.file.call_depth.set(depth + 1);
        let v = scope.plain(output, &Env::default());
        self.file.call_depth.set(depth);
        Ok(v)
    }
}

/// Functions whose arguments name a resource.
fn captures_target(lower: &str) -> bool {
    matches!(
        lower,
        "resourceid"
            | "subscriptionresourceid"
            | "tenantresourceid"
            | "extensionresourceid"
            | "reference"
            | "resourceinfo"
    )
}

/// The type and name named by the last arguments of a resource-id function: the type is the
/// argument followed by as many names as it has segments after the namespace.
fn typed_target(vals: &[Val]) -> Option<Target> {
    for i in (0..vals.len()).rev() {
        let Val::String(t) = &vals[i] else { continue };
        let segments = t.split('/').count();
        if segments >= 2 && t.contains('.') && vals.len() - i - 1 == segments - 1 {
            let mut names = Vec::with_capacity(segments - 1);
            for v in &vals[i + 1..] {
                match v {
                    Val::String(s) => names.push(s.clone()),
                    _ => return None,
                }
            }
            return Some(Target::Typed {
                rtype: t.clone(),
                name: names.join("/"),
            });
        }
    }
    None
}

/// The entries of a property `copy` array (`[{name, count, input}]`), if that is what `node`
/// is.
fn property_copy(node: &Node) -> Option<&[Node]> {
    let entries = node.elements();
    (!entries.is_empty()
        && entries
            .iter()
            .all(|e| e.get("name").is_some() && e.get("input").is_some()))
    .then_some(entries)
}

/// `.name` and `[index]` on a value.
pub fn access(base: Val, key: &Val) -> EvalResult {
    match (&base, key) {
        (Val::Unknown, _) => Ok(Val::Unknown),
        (Val::Partial(m), Val::String(k)) => Ok(get_key(m, k).cloned().unwrap_or(Val::Unknown)),
        (Val::Object(m), Val::String(k)) => get_key(m, k)
            .cloned()
            .ok_or_else(|| EvalError(format!("the object has no property '{k}'"))),
        (Val::List(items) | Val::Set(items), Val::Number(n)) => {
            if *n >= 0.0 && (*n as usize) < items.len() {
                Ok(items[*n as usize].clone())
            } else {
                err(format!(
                    "index {n} is out of range for an array of length {}",
                    items.len()
                ))
            }
        }
        (_, Val::Unknown | Val::Partial(_)) => Ok(Val::Unknown),
        (Val::Null, _) => err("cannot access a property of null"),
        (b, k) => err(format!(
            "cannot index a {} with a {}",
            b.type_name(),
            k.type_name()
        )),
    }
}

/// Records the line of every path inside a value produced by one expression.
fn record_lines(v: &Val, path: &AttrPath, line: u32, lines: &mut BTreeMap<String, u32>) {
    if !path.is_root() {
        lines.insert(path.as_str().to_string(), line);
    }
    match v {
        Val::List(items) | Val::Set(items) => {
            for (i, item) in items.iter().enumerate() {
                record_lines(item, &path.index(i), line, lines);
            }
        }
        Val::Object(m) | Val::Partial(m) => {
            for (k, item) in m.iter() {
                record_lines(item, &path.key(k), line, lines);
            }
        }
        _ => {}
    }
}

/// An expression shortened for a message.
fn short(text: &str) -> String {
    if text.chars().count() > 80 {
        let mut s: String = text.chars().take(77).collect();
        s.push_str("...");
        s
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::arm::json;

    fn scope_eval(template: &str, expression: &str) -> (Val, Vec<LoadError>) {
        let file = FileCtx::new("t.json");
        let node = json::parse(template).unwrap();
        let scope = Scope::new(&file, &node, Some(&BTreeMap::new()), Context::default());
        let e = json::parse(&serde_json::to_string(expression).unwrap()).unwrap();
        let v = scope.plain(&e, &Env::default());
        drop(scope);
        (v, file.errors.into_inner())
    }

    #[test]
    fn parameters_variables_and_functions() {
        let t = r#"{
          "parameters": {"name": {"type": "string", "defaultValue": "[toUpper('st')]"},
                         "req": {"type": "string"},
                         "opt": {"type": "string", "nullable": true}},
          "variables": {"full": "[concat(parameters('name'), '-', variables('suffix'))]",
                        "suffix": "x",
                        "loop": "[variables('loop')]",
                        "copy": [{"name": "nums", "count": 3, "input": "[mul(copyIndex('nums'), 2)]"}]},
          "functions": [{"namespace": "__bicep", "members": {"greet": {
              "parameters": [{"name": "who", "type": "string"}],
              "output": {"type": "string", "value": "[format('hi {0}', parameters('who'))]"}}}}]
        }"#;
        assert_eq!(scope_eval(t, "[variables('full')]").0, Val::str("ST-x"));
        assert_eq!(scope_eval(t, "[parameters('req')]").0, Val::Unknown);
        assert_eq!(scope_eval(t, "[parameters('opt')]").0, Val::Null);
        assert_eq!(scope_eval(t, "[variables('nums')[2]]").0, Val::Number(4.0));
        assert_eq!(
            scope_eval(t, "[__bicep.greet('bob')]").0,
            Val::str("hi bob")
        );
        let (v, errors) = scope_eval(t, "[variables('loop')]");
        assert_eq!(v, Val::Unknown);
        assert!(errors[0].message.contains("refers to itself"), "{errors:?}");
        let (v, errors) = scope_eval(t, "[concat('a']");
        assert_eq!(v, Val::Unknown);
        assert_eq!(errors.len(), 1);
    }

    #[test]
    fn lambdas_and_lazy_if() {
        let t = "{}";
        assert_eq!(
            scope_eval(
                t,
                "[map(range(0, 3), lambda('i', add(lambdaVariables('i'), 1)))]"
            )
            .0,
            Val::list(vec![Val::Number(1.0), Val::Number(2.0), Val::Number(3.0)])
        );
        assert_eq!(
            scope_eval(t, "[if(true(), 'a', createArray()[5])]").0,
            Val::str("a")
        );
        assert_eq!(scope_eval(t, "[resourceGroup().location]").0, Val::Unknown);
        assert_eq!(
            scope_eval(t, "[createObject('Key', 1).key]").0,
            Val::Number(1.0)
        );
        let (_, errors) = scope_eval(t, "[createObject('a', 1).b]");
        assert!(errors[0].message.contains("no property 'b'"));
    }
}
