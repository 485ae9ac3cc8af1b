//! Bicep templates (`.bicep`) and parameter files (`.bicepparam`) into the resource graph.
//!
//! Files are rewritten by [`prep`] (same length) and parsed in parallel into a flat
//! [`syntax::SyntaxTree`]: by [`parser`], or by tree-sitter (`tree-sitter-bicep`, its tree
//! copied and dropped) when that declines the file (syntax errors, the grammar's ambiguities). A template that another scanned template calls as a local module is
//! evaluated through that call, with the parameters it passes; every other template is a root,
//! evaluated once per `.bicepparam` file that names it with `using` (or once with its parameter
//! defaults when none does). Resources come out in the ARM schema: `type`
//! (`Microsoft.Storage/storageAccounts`, children with their full type), `apiVersion`, `name`
//! (children `parent/child`, as ARM names them), `location`, `properties`, ...; ids are
//! `bicep:<template>/<address>` where the address is the symbolic name, `parent::child` for
//! nested children, `module.<name>.` before resources of a module and `[i]` for loop instances.

mod emit;
mod eval;
mod grammar;
mod parser;
mod prep;
mod syntax;

use std::collections::BTreeMap;

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use syntax::{Node, SyntaxTree};
use tree_sitter::Parser;

use crate::discover::{Discovered, FileKind};
pub use crate::graph::ReadTypes;
use crate::graph::{InputFile, LoadError, Resource, ResourceGraph};
use crate::load::text::{LineIndex, line_starts, read_source};
use crate::load::value::Val;

use emit::emit_root;
use eval::{Eval, named, named_children};

/// One parsed Bicep file.
pub struct Unit {
    pub display: String,
    pub path: PathBuf,
    /// The original text (literal text is always read from here).
    pub src: String,
    pub spreads: HashSet<usize>,
    pub tree: SyntaxTree,
    /// Where each line of `src` starts (regions are computed at every evaluation).
    pub line_starts: Vec<usize>,
    /// The module paths read off its statements ([`prep::Prepared::module_paths`]): what
    /// the first pass took for its calls unless it parsed the template.
    statement_modules: Vec<Option<String>>,
    /// What the syntax of each resource and module body decides, by the body's start byte:
    /// worked out at the template's first evaluation, shared by the later ones.
    facts: std::sync::Mutex<HashMap<usize, Arc<BodyFacts>>>,
}

/// What a resource or module body's syntax alone decides: the references it makes
/// (attribute path, symbol, whether the whole value is the reference) and the region of each
/// attribute path. A called template is evaluated at every call (the corpus' shared modules
/// hundreds of times each), and walking every body again for these was a tenth of a Bicep
/// scan. A body with an interpolated property key is walked at each evaluation: its paths
/// depend on the values.
struct BodyFacts {
    refs: Vec<(String, String, bool)>,
    regions: crate::graph::Regions,
}

/// Modules nest at most this deep (the Bicep compiler has no limit; cycles are refused).
const MAX_MODULE_DEPTH: usize = 32;
/// How deep the walks over a resource's body (references, regions) go: past the evaluator's
/// bound (256), far below what overflows a worker's stack.
const MAX_WALK_DEPTH: usize = 4096;
/// Resources emitted per root template at most (a bound against runaway loops).
const MAX_RESOURCES: usize = 100_000;

thread_local! {
    static PARSER: std::cell::RefCell<Option<Parser>> = const { std::cell::RefCell::new(None) };
}

/// Parses one file; a syntax error is reported with its line, and the statements without
/// errors are still evaluated.
pub fn parse(
    display: &str,
    path: &Path,
    src: String,
    params_file: bool,
) -> (Option<Unit>, Vec<LoadError>) {
    let prepared = prep::prepare(&src, params_file);
    // The parser of this crate first; tree-sitter for what it declines (syntax errors above
    // all, whose recovery tree-sitter does well).
    let tree = parser::parse(&prepared.text).or_else(|| {
        PARSER.with(|cell| {
            let mut slot = cell.borrow_mut();
            if slot.is_none() {
                let mut p = Parser::new();
                if p.set_language(&grammar::language()).is_err() {
                    return None;
                }
                *slot = Some(p);
            }
            slot.as_mut()
                .and_then(|p| grammar::parse(p, &prepared.text))
                .map(|tree| SyntaxTree::new(&tree))
        })
    });
    let Some(tree) = tree else {
        return (
            None,
            vec![LoadError {
                file: display.to_string(),
                line: None,
                column: None,
                message: "the Bicep parser could not read this file".into(),
                file_skipped: true,
            }],
        );
    };
    let line_starts = line_starts(&src);
    let mut errors = Vec::new();
    let index = LineIndex::with_starts(&src, &line_starts);
    for &at in &prepared.unknown {
        let (line, column) = index.line_col(at);
        let text: String = src
            .get(at..)
            .unwrap_or_default()
            .split('\n')
            .next()
            .unwrap_or_default()
            .trim_end()
            .chars()
            .take(40)
            .collect();
        errors.push(LoadError {
            file: display.to_string(),
            line: Some(line),
            column: Some(column),
            message: format!("`{text}` does not start a Bicep statement; it is skipped"),
            file_skipped: false,
        });
    }
    if let Some(bad) = first_error(tree.root_node()) {
        let (line, column) = index.line_col(bad.start_byte());
        let near: String = src
            .get(bad.byte_range())
            .unwrap_or("")
            .chars()
            .take(40)
            .collect();
        let message = if bad.is_missing() {
            format!("syntax error: missing `{}`", bad.kind())
        } else if near.trim().is_empty() {
            "syntax error".to_string()
        } else {
            format!(
                "syntax error near `{}`; statements with errors are skipped",
                near.split('\n').next().unwrap_or("").trim()
            )
        };
        errors.push(LoadError {
            file: display.to_string(),
            line: Some(line),
            column: Some(column),
            message,
            file_skipped: false,
        });
    }
    let unit = Unit {
        display: display.to_string(),
        path: path.to_path_buf(),
        line_starts,
        statement_modules: prepared.module_paths,
        src,
        spreads: prepared.spreads,
        tree,
        facts: std::sync::Mutex::default(),
    };
    (Some(unit), errors)
}

/// The first error or missing node in document order (or the innermost node that says it
/// holds an error without a child that does). Iterative: trees can be as deep as the input
/// is long (`a+a+a...` nests one level per operator).
fn first_error(root: Node<'_>) -> Option<Node<'_>> {
    let mut node = root;
    loop {
        if node.is_error() || node.is_missing() {
            return Some(node);
        }
        if !node.has_error() {
            return None;
        }
        match node
            .children()
            .find(|c| c.is_error() || c.is_missing() || c.has_error())
        {
            Some(child) => node = child,
            None => return Some(node),
        }
    }
}

/// The first of the two passes that load the Bicep files of a scan: the files of every
/// template and parameter file, and the deployments (root templates) to evaluate, if any,
/// which [`Deployments::load`] evaluates (the second pass). `base` bounds where modules are
/// read from disk.
///
/// The first pass reads every template and notes the local modules it calls, off its
/// statements (see [`scan`]); which templates are roots is known only once every call is.
/// The second evaluates roots in parallel, each parsed when its turn comes, and a called
/// template when a root first calls it (dropped after the last root that reaches it); each
/// template's errors are reported when it is parsed, once. Held all at once, the syntax trees
/// and texts of the corpus' 2,349 templates were 40 MB, more than the resources they make.
pub fn first_pass(
    files: &[Discovered],
    max_file_bytes: u64,
    base: Option<&Path>,
) -> (ResourceGraph, Option<Deployments>) {
    let mut graph = ResourceGraph::new();
    let inputs: Vec<&Discovered> = files
        .iter()
        .filter(|f| matches!(f.kind, FileKind::Bicep | FileKind::BicepParams))
        .collect();
    if inputs.is_empty() {
        return (graph, None);
    }
    let scanned: Vec<(Option<Scanned>, Vec<LoadError>)> = inputs
        .par_iter()
        .with_max_len(1)
        .map(|f| match read_source(&f.path, &f.display, max_file_bytes) {
            Ok(text) => scan(&f.display, &f.path, text, f.kind == FileKind::BicepParams),
            Err(e) => (None, vec![e]),
        })
        .collect();
    // Templates by display path: where to read each again, and the local modules it calls.
    let mut templates: BTreeMap<String, Template> = BTreeMap::new();
    let mut param_units: Vec<Unit> = Vec::new();
    for (scanned, errors) in scanned {
        graph.errors.extend(errors);
        match scanned {
            Some(Scanned::Template(display, t)) => {
                graph.files.push(scanned_file(&display, "bicep"));
                templates.insert(display, t);
            }
            Some(Scanned::Params(u)) => {
                graph.files.push(scanned_file(&u.display, "bicep-params"));
                param_units.push(u);
            }
            None => {}
        }
    }
    // Read local modules that the scan did not include, inside the scanned tree only.
    let mut queue: Vec<String> = templates.keys().cloned().collect();
    while let Some(display) = queue.pop() {
        let Some(template) = templates.get(&display) else {
            continue;
        };
        for (target, path) in template.calls.clone() {
            if templates.contains_key(&target) || !inside(base, &path) {
                continue;
            }
            match read_source(&path, &target, max_file_bytes) {
                Ok(text) => {
                    let (scanned, e) = scan(&target, &path, text, false);
                    graph.errors.extend(e);
                    if let Some(Scanned::Template(_, t)) = scanned {
                        graph.files.push(scanned_file(&target, "bicep"));
                        templates.insert(target.clone(), t);
                        queue.push(target);
                    }
                }
                Err(e) => graph.errors.push(e),
            }
        }
    }
    // The local modules each template calls (display paths).
    let calls: HashMap<String, Vec<String>> = templates
        .iter()
        .map(|(display, t)| {
            (
                display.clone(),
                t.calls.iter().map(|(d, _)| d.clone()).collect(),
            )
        })
        .collect();
    // Parameter files (their index in `param_units`), per template they name with `using`.
    let mut param_sets: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, pu) in param_units.iter().enumerate() {
        if let Some(target) = using_target(pu) {
            param_sets.entry(target).or_default().push(i);
        }
    }
    // Templates no other template calls are evaluated once each (per parameter file); a
    // called template is dropped when the last root template that reaches it has been
    // evaluated.
    // How many templates call each one (each caller once).
    let mut callers: HashMap<&str, usize> = HashMap::new();
    for targets in calls.values() {
        let distinct: HashSet<&String> = targets.iter().collect();
        for t in distinct {
            *callers.entry(t.as_str()).or_default() += 1;
        }
    }
    let (modules, roots): (BTreeMap<String, Template>, BTreeMap<String, Template>) = templates
        .into_iter()
        .partition(|(display, _)| callers.contains_key(display.as_str()));
    let roots: Vec<Root> = roots
        .into_iter()
        .map(|(display, t)| {
            let reach = reachable(&calls, &display, &modules);
            Root {
                display,
                path: t.path,
                checked: t.checked,
                reach,
            }
        })
        .collect();
    let modules = Modules::on_disk(
        modules
            .into_iter()
            .map(|(display, t)| {
                let n = callers.get(display.as_str()).copied().unwrap_or(0);
                (display, (t.path, t.checked, n))
            })
            .collect(),
        max_file_bytes,
        roots.iter().flat_map(|r| &r.reach),
    );
    let deployments = Deployments {
        roots,
        modules,
        param_units,
        param_sets,
    };
    (graph, Some(deployments))
}

/// The root templates of a scan (templates no other template calls), each a deployment:
/// evaluated once per parameter file naming it (or once, without parameters, if none does)
/// with every template it calls. [`Deployments::load`] evaluates some of them at a time, so a
/// scan can evaluate rules on the resources of a few deployments before loading the next.
pub struct Deployments {
    /// In display-path order.
    roots: Vec<Root>,
    modules: Modules,
    param_units: Vec<Unit>,
    /// Indices in `param_units` of the parameter files naming each template.
    param_sets: HashMap<String, Vec<usize>>,
}

impl Deployments {
    /// Evaluates the attribute values of the resources of `types` only, from the next
    /// [`Deployments::load`] on.
    pub fn read_only(&mut self, types: ReadTypes) {
        self.modules.reads = types;
    }

    /// The resource types whose attribute values are evaluated.
    pub fn read_types(&self) -> &ReadTypes {
        &self.modules.reads
    }

    /// How many root templates there are.
    pub fn len(&self) -> usize {
        self.roots.len()
    }

    pub fn is_empty(&self) -> bool {
        self.roots.is_empty()
    }

    /// The resources and errors of the root templates of `range` (each parsed again; a
    /// template it calls is parsed when first called and dropped after the last root that
    /// reaches it), in parallel; `prepare` is applied to each root's resources. Each root may
    /// be loaded once only.
    pub fn load(&self, range: Range<usize>, prepare: Option<fn(&mut [Resource])>) -> ResourceGraph {
        let modules = &self.modules;
        let per_root: Vec<ResourceGraph> = self.roots[range]
            .par_iter()
            .with_max_len(1)
            .map(|root| {
                let (display, reach) = (&root.display, &root.reach);
                let mut g = match reparse(display, &root.path, modules.max_file_bytes) {
                    Ok((unit, errors)) => crate::load::guarded(&unit.display, || {
                        let mut g = ResourceGraph::new();
                        if !root.checked {
                            modules.note_skipped_calls(&unit, &errors);
                            g.errors.extend(errors);
                        }
                        let sets = self.param_sets.get(&unit.display);
                        match sets {
                            None => emit_root(modules, &unit, HashMap::new(), None, &mut g),
                            Some(sets) => {
                                for pu in sets.iter().map(|&i| &self.param_units[i]) {
                                    let values = param_values(pu);
                                    emit_root(modules, &unit, values, Some(&pu.display), &mut g);
                                }
                            }
                        }
                        g
                    }),
                    Err(e) => {
                        let mut g = ResourceGraph::new();
                        g.errors.push(e);
                        g
                    }
                };
                for module in reach {
                    modules.release(module);
                }
                if let Some(prepare) = prepare {
                    prepare(&mut g.resources);
                }
                g
            })
            .collect();
        let mut graph = ResourceGraph::new();
        graph
            .resources
            .reserve_exact(per_root.iter().map(|g| g.resources.len()).sum());
        for g in per_root {
            graph.extend(g);
        }
        graph
    }

    /// Once every root has been loaded: adds as roots the called templates that no parsed
    /// template calls (the first pass read their calls off statements the parser skips for a
    /// syntax error), and gives how many it added, to be loaded like the others (the last
    /// ones). Their own errors were reported when they were parsed.
    pub fn add_late_roots(&mut self) -> usize {
        self.modules.parse_unparsed();
        let roots: HashSet<&String> = self.roots.iter().map(|r| &r.display).collect();
        let mut late: Vec<Root> = self
            .modules
            .units
            .iter()
            .filter(|(display, m)| {
                let skipped = m.skipped_calls.load(std::sync::atomic::Ordering::Acquire);
                m.callers > 0 && skipped == m.callers && !roots.contains(display)
            })
            .filter_map(|(display, m)| {
                Some(Root {
                    display: display.clone(),
                    path: m.path.clone()?,
                    checked: true,
                    // What it calls is read when called, whatever earlier roots dropped.
                    reach: Vec::new(),
                })
            })
            .collect();
        late.sort_by(|a, b| a.display.cmp(&b.display));
        self.modules
            .late
            .store(true, std::sync::atomic::Ordering::Release);
        let added = late.len();
        self.roots.extend(late);
        added
    }

    /// The errors of called templates that could not be read or parsed again, once every
    /// root has been loaded.
    pub fn finish(self) -> Vec<LoadError> {
        self.modules.take_errors()
    }
}

fn scanned_file(file: &str, kind: &str) -> InputFile {
    InputFile {
        file: file.to_string(),
        kind: kind.into(),
        scanned: true,
    }
}

/// What the first pass keeps of a file.
enum Scanned {
    /// A template (display path): read again when evaluated.
    Template(String, Template),
    /// A parameter file, kept whole (they are small, and read by the templates they name).
    Params(Unit),
}

impl Scanned {
    fn of(unit: Unit, params: bool) -> Scanned {
        if params {
            return Scanned::Params(unit);
        }
        let calls = local_module_paths(&unit);
        let path = unit.path.clone();
        let template = Template {
            path,
            calls,
            checked: true,
        };
        Scanned::Template(unit.display, template)
    }
}

/// A template between the two passes.
struct Template {
    path: PathBuf,
    /// The local modules it calls: display path and file path of each.
    calls: Vec<(String, PathBuf)>,
    /// Parsed by the first pass, which reported its errors.
    checked: bool,
}

/// A root template: evaluated once per parameter file naming it.
struct Root {
    display: String,
    path: PathBuf,
    /// Its errors were reported by the first pass.
    checked: bool,
    /// The called templates it reaches, directly or not.
    reach: Vec<String>,
}

/// What the first pass makes of a file. A template's local module calls are read off its
/// statements (`prep`) when every module path is a plain literal; it is parsed, once, in the
/// second pass, which reports its errors. Parsing every template in both passes was a
/// quarter of a Bicep scan's work. A template with a module path to evaluate
/// (an interpolation, an escape) and a parameter file are parsed here.
///
/// A `module` statement the parser skips for a syntax error inside it counts as a call here;
/// once every root is loaded, a template that no parsed template calls is evaluated as a root
/// of its own ([`Deployments::add_late_roots`]), as it was when every template was parsed
/// first.
fn scan(
    display: &str,
    path: &Path,
    text: String,
    params: bool,
) -> (Option<Scanned>, Vec<LoadError>) {
    if !params {
        let prepared = prep::prepare(&text, false);
        if prepared.module_paths.iter().all(Option::is_some) {
            let calls = statement_calls(display, path, &prepared.module_paths).collect();
            let template = Template {
                path: path.to_path_buf(),
                calls,
                checked: false,
            };
            return (
                Some(Scanned::Template(display.to_string(), template)),
                Vec::new(),
            );
        }
    }
    let (unit, errors) = parse(display, path, text, params);
    (unit.map(|u| Scanned::of(u, params)), errors)
}

/// A template (not a parameter file) of the first pass, read and parsed again, with its errors
/// (which the first pass reported if it parsed the template). An error here, when the first
/// pass parsed it, means the file changed or went away in between.
fn reparse(
    display: &str,
    path: &Path,
    max_file_bytes: u64,
) -> Result<(Unit, Vec<LoadError>), LoadError> {
    let text = read_source(path, display, max_file_bytes)?;
    match parse(display, path, text, false) {
        (Some(unit), errors) => Ok((unit, errors)),
        (None, mut errors) => Err(errors.pop().unwrap_or_else(|| LoadError {
            file: display.to_string(),
            line: None,
            column: None,
            message: "the file changed while it was being scanned".into(),
            file_skipped: true,
        })),
    }
}

/// The called templates of `root`, directly or through other called templates, each once.
fn reachable<T>(
    calls: &HashMap<String, Vec<String>>,
    root: &str,
    modules: &BTreeMap<String, T>,
) -> Vec<String> {
    let mut seen: HashSet<&str> = HashSet::new();
    let mut queue: Vec<&str> = vec![root];
    while let Some(display) = queue.pop() {
        for target in calls.get(display).into_iter().flatten() {
            if modules.contains_key(target) && seen.insert(target) {
                queue.push(target);
            }
        }
    }
    let mut reach: Vec<String> = seen.into_iter().map(str::to_string).collect();
    reach.sort_unstable();
    reach
}

/// The templates other templates call, shared by the root templates evaluated in parallel.
/// Each is parsed when a root first calls it and dropped (syntax tree and text) when the last
/// root template that reaches it has been evaluated: a scan holds the called templates of the
/// roots being evaluated, not all of them.
struct Modules {
    units: HashMap<String, Module>,
    /// Larger templates are reported, not read (called ones and, again, the roots).
    max_file_bytes: u64,
    /// Errors of called templates: those the first pass did not report, and files that
    /// could not be read or parsed again.
    errors: std::sync::Mutex<Vec<LoadError>>,
    /// Set once the late roots are added: a called template is then read whenever called,
    /// and kept (late roots are few and come last).
    late: std::sync::atomic::AtomicBool,
    /// The resource types whose attribute values are evaluated.
    reads: ReadTypes,
}

struct Module {
    state: std::sync::Mutex<Held>,
    /// Where to read it (again, for a root evaluated after its last caller dropped it).
    path: Option<PathBuf>,
    /// Root templates that reach this one and have not been evaluated yet.
    users: std::sync::atomic::AtomicUsize,
    /// Its syntax errors are reported (by the first pass, or when it was parsed here).
    reported: std::sync::atomic::AtomicBool,
    /// How many templates call it, as the first pass read their calls.
    callers: usize,
    /// How many of those calls are statements the parser skips (found as each caller is
    /// parsed): when all are, nothing calls it and it is a root of its own.
    skipped_calls: std::sync::atomic::AtomicUsize,
}

enum Held {
    /// Not parsed, or dropped after its last root: read from its file when called.
    OnDisk,
    Parsed(Arc<Unit>),
    /// Unreadable.
    Gone,
}

impl Modules {
    /// `units`, already parsed, each used by the roots that reach it (`reached` lists it once
    /// per root).
    #[cfg(test)]
    fn new<'a>(units: BTreeMap<String, Unit>, reached: impl Iterator<Item = &'a String>) -> Self {
        let units = units
            .into_iter()
            .map(|(display, unit)| (display, (Held::Parsed(Arc::new(unit)), None, true, 0)));
        Modules::with(units, 0, reached)
    }

    /// The templates at these paths (with whether the first pass reported their errors),
    /// parsed when first called.
    fn on_disk<'a>(
        paths: BTreeMap<String, (PathBuf, bool, usize)>,
        max_file_bytes: u64,
        reached: impl Iterator<Item = &'a String>,
    ) -> Self {
        let units = paths
            .into_iter()
            .map(|(display, (path, checked, callers))| {
                (display, (Held::OnDisk, Some(path), checked, callers))
            });
        Modules::with(units, max_file_bytes, reached)
    }

    fn with<'a>(
        units: impl Iterator<Item = (String, (Held, Option<PathBuf>, bool, usize))>,
        max_file_bytes: u64,
        reached: impl Iterator<Item = &'a String>,
    ) -> Self {
        let mut users: HashMap<&str, usize> = HashMap::new();
        for display in reached {
            *users.entry(display.as_str()).or_default() += 1;
        }
        let units = units
            .map(|(display, (held, path, reported, callers))| {
                let n = users.get(display.as_str()).copied().unwrap_or(0);
                let module = Module {
                    state: std::sync::Mutex::new(held),
                    path,
                    users: std::sync::atomic::AtomicUsize::new(n),
                    reported: std::sync::atomic::AtomicBool::new(reported),
                    callers,
                    skipped_calls: std::sync::atomic::AtomicUsize::new(0),
                };
                (display, module)
            })
            .collect();
        Modules {
            units,
            max_file_bytes,
            errors: std::sync::Mutex::default(),
            late: std::sync::atomic::AtomicBool::new(false),
            reads: ReadTypes::default(),
        }
    }

    /// The called template `display`, while a root that reaches it is being evaluated.
    fn get(&self, display: &str) -> Option<Arc<Unit>> {
        let module = self.units.get(display)?;
        // Held while the template is parsed: other roots calling it wait for it.
        let mut state = module.state.lock().unwrap_or_else(|e| e.into_inner());
        if let (Held::OnDisk, Some(path)) = (&*state, &module.path) {
            if module.users.load(std::sync::atomic::Ordering::Acquire) == 0
                && !self.late.load(std::sync::atomic::Ordering::Acquire)
            {
                // Stays on disk: its errors are reported at the end.
                return None;
            }
            *state = {
                match reparse(display, path, self.max_file_bytes) {
                    Ok((unit, errors)) => {
                        if !module
                            .reported
                            .swap(true, std::sync::atomic::Ordering::AcqRel)
                        {
                            self.note_skipped_calls(&unit, &errors);
                            self.report(errors);
                        }
                        Held::Parsed(Arc::new(unit))
                    }
                    Err(e) => {
                        module
                            .reported
                            .store(true, std::sync::atomic::Ordering::Release);
                        self.errors
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .push(e);
                        Held::Gone
                    }
                }
            };
        }
        match &*state {
            Held::Parsed(unit) => Some(unit.clone()),
            _ => None,
        }
    }

    /// One root template that reaches `display` is done with it.
    fn release(&self, display: &str) {
        let Some(module) = self.units.get(display) else {
            return;
        };
        if module
            .users
            .fetch_sub(1, std::sync::atomic::Ordering::AcqRel)
            == 1
        {
            let mut state = module.state.lock().unwrap_or_else(|e| e.into_inner());
            if matches!(*state, Held::Parsed(_)) {
                *state = Held::OnDisk;
            }
        }
    }

    fn report(&self, errors: Vec<LoadError>) {
        self.errors
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend(errors);
    }

    /// Of the calls the first pass read off a template's statements, counts against each
    /// target those its parsed syntax does not make (statements the parser skips). Called
    /// once per template, when the second pass first parses it; only a template with errors
    /// can have skipped statements (the parser skips a statement for an error in it).
    fn note_skipped_calls(&self, unit: &Unit, errors: &[LoadError]) {
        if errors.is_empty() {
            return;
        }
        let read: HashSet<String> =
            statement_calls(&unit.display, &unit.path, &unit.statement_modules)
                .map(|(d, _)| d)
                .collect();
        if read.is_empty() {
            return;
        }
        let parsed: HashSet<String> = local_module_paths(unit)
            .into_iter()
            .map(|(d, _)| d)
            .collect();
        for target in read.difference(&parsed) {
            if let Some(m) = self.units.get(target) {
                m.skipped_calls
                    .fetch_add(1, std::sync::atomic::Ordering::AcqRel);
            }
        }
    }

    /// Parses the called templates no evaluation has parsed yet (behind a false condition,
    /// only in a cycle of templates calling each other, or called by a statement the parser
    /// skips), reporting their errors and noting their calls.
    fn parse_unparsed(&self) {
        let unparsed: Vec<(&String, &PathBuf)> = self
            .units
            .iter()
            .filter(|(_, m)| !m.reported.load(std::sync::atomic::Ordering::Acquire))
            .filter_map(|(display, m)| Some((display, m.path.as_ref()?)))
            .collect();
        let found: Vec<LoadError> = unparsed
            .par_iter()
            .flat_map_iter(|(display, path)| {
                let module = &self.units[*display];
                module
                    .reported
                    .store(true, std::sync::atomic::Ordering::Release);
                match reparse(display, path, self.max_file_bytes) {
                    Ok((unit, errors)) => {
                        self.note_skipped_calls(&unit, &errors);
                        errors
                    }
                    Err(e) => vec![e],
                }
            })
            .collect();
        self.report(found);
    }

    /// The errors of called templates, once every root has been evaluated: those found when
    /// they were parsed, and those of templates no evaluation parsed, parsed now.
    fn take_errors(&self) -> Vec<LoadError> {
        self.parse_unparsed();
        std::mem::take(&mut *self.errors.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

/// The template a `.bicepparam` file names with `using`, as a display path.
fn using_target(pu: &Unit) -> Option<String> {
    let ev = Eval::new(pu, HashMap::new());
    let stmt = named(pu.tree.root_node()).find(|s| s.kind() == "using_statement")?;
    let using = ev.string_literal(stmt)?;
    using
        .ends_with(".bicep")
        .then(|| crate::load::terraform::join_display(parent_display(&pu.display), &using))
}

/// The parameter values a `.bicepparam` file gives (its `param` statements; its `var`s are
/// only for computing them).
fn param_values(pu: &Unit) -> HashMap<String, Val> {
    let ev = Eval::new(pu, HashMap::new());
    let mut values = HashMap::new();
    for stmt in named_children(pu.tree.root_node()) {
        let is_param = pu
            .src
            .get(stmt.byte_range())
            .is_some_and(|t| t.starts_with("param"));
        if stmt.kind() != "variable_declaration" || !is_param {
            continue;
        }
        let name = named(stmt).find(|n| n.kind() == "identifier");
        if let (Some(name), Some(expr)) = (name, eval::value_after_equals(stmt)) {
            values.insert(ev.text(name).to_string(), ev.eval(expr));
        }
    }
    values
}

fn inside(base: Option<&Path>, path: &Path) -> bool {
    let Some(base) = base else {
        return false;
    };
    match (std::fs::canonicalize(base), std::fs::canonicalize(path)) {
        (Ok(b), Ok(p)) => p.starts_with(b) && p.is_file(),
        _ => false,
    }
}

fn parent_display(display: &str) -> &str {
    match display.rsplit_once('/') {
        Some((dir, _)) => dir,
        None => ".",
    }
}

/// Local `.bicep` modules a template calls: display path and file path of each.
fn local_module_paths(unit: &Unit) -> Vec<(String, PathBuf)> {
    let ev = Eval::new(unit, HashMap::new());
    ev.decls
        .modules
        .values()
        .filter_map(|decl| {
            let rel = ev.string_literal(*decl)?;
            local_target(&unit.display, &unit.path, &rel)
        })
        .collect()
}

/// The local modules of the module paths read off a template's statements.
fn statement_calls<'a>(
    display: &'a str,
    path: &'a Path,
    module_paths: &'a [Option<String>],
) -> impl Iterator<Item = (String, PathBuf)> + 'a {
    module_paths
        .iter()
        .flatten()
        .filter_map(move |rel| local_target(display, path, rel))
}

fn local_target(display: &str, path: &Path, rel: &str) -> Option<(String, PathBuf)> {
    if !rel.ends_with(".bicep") || rel.contains(':') {
        return None;
    }
    let display = crate::load::terraform::join_display(parent_display(display), rel);
    let path = path.parent().unwrap_or(Path::new(".")).join(rel);
    Some((display, path))
}

#[cfg(test)]
mod tests;
