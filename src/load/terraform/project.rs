//! A Terraform project: every module directory of the scan, which of them are root modules,
//! the modules they call, and the values given to the roots' variables.
//!
//! 1. The discovered directories are parsed in parallel.
//! 2. A discovered directory that another discovered directory calls as a local module
//!    (`source = "../x"`) is not a root: its resources appear under the callers' addresses,
//!    with the callers' arguments bound. Every other discovered directory is a root (so is one
//!    only reachable through a cycle of calls).
//! 3. Modules called but not discovered (a local directory outside the scanned paths but
//!    inside the scanned tree, or a remote module `terraform init` installed, listed in the
//!    root's `.terraform/modules/modules.json`) are read from disk.
//! 4. Each root is evaluated in parallel with its variable values, in Terraform's order of
//!    precedence (later wins): defaults, `TF_VAR_*`, `terraform.tfvars`,
//!    `terraform.tfvars.json`, `*.auto.tfvars(.json)` in name order, `--var-file`, `--var`.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use hcl_edit::structure::Structure;
use rayon::prelude::*;

use super::module::{ModuleDef, SourceFile, join_display, local_source};
use super::value::{Map, Val};
use crate::graph::{InputFile, LoadError, ResourceGraph};
use crate::load::text::{self, LineIndex};

/// Most module directories read for one scan (discovered and called together).
pub const MAX_MODULE_DIRS: usize = 5_000;

/// Values for root module variables given from outside the configuration.
#[derive(Debug, Clone, Default)]
pub struct VarInputs {
    /// `TF_VAR_<name>` environment variables: (name, raw value).
    pub env: Vec<(String, String)>,
    /// `--var-file` paths, in the order given.
    pub files: Vec<PathBuf>,
    /// `--var NAME=VALUE` flags, in the order given.
    pub vars: Vec<(String, String)>,
}

/// The files of one discovered module directory.
#[derive(Debug, Default)]
pub struct DirInput {
    /// The directory on disk.
    pub fs_dir: PathBuf,
    /// `.tf` files: (path, display path, scanned).
    pub files: Vec<(PathBuf, String, bool)>,
    /// Variable files Terraform loads automatically: (path, display path).
    pub var_files: Vec<(PathBuf, String)>,
}

/// Settings of a project load.
pub struct ProjectOptions<'a> {
    /// File size, parse time and expansion bounds.
    pub limits: crate::limits::Limits,
    /// The scanned tree: modules and `file()` are read only inside it.
    pub base: Option<&'a Path>,
    pub vars: &'a VarInputs,
}

/// A parsed module directory.
struct Parsed {
    module: ModuleDef,
    errors: Vec<LoadError>,
    files: Vec<InputFile>,
    var_files: Vec<SourceFile>,
}

/// Loads the Terraform part of a scan.
pub fn load(dirs: BTreeMap<String, DirInput>, opts: &ProjectOptions) -> ResourceGraph {
    let mut graph = ResourceGraph::new();
    let cli_files = read_cli_var_files(opts, &mut graph);
    let parsed: Vec<(String, Parsed)> = dirs
        .into_par_iter()
        .map(|(dir, input)| {
            let parsed = parse_dir(&dir, input, &opts.limits);
            (dir, parsed)
        })
        .collect();
    let mut modules: BTreeMap<String, ModuleDef> = BTreeMap::new();
    let mut var_files: BTreeMap<String, Vec<SourceFile>> = BTreeMap::new();
    for (dir, p) in parsed {
        graph.errors.extend(p.errors);
        graph.files.extend(p.files);
        var_files.insert(dir.clone(), p.var_files);
        modules.insert(dir, p.module);
    }
    let roots = roots(&modules);
    let installed: BTreeMap<String, HashMap<String, String>> = roots
        .iter()
        .map(|r| (r.clone(), installed_modules(r, &modules, opts, &mut graph)))
        .collect();
    read_called_modules(&mut modules, &installed, opts, &mut graph);

    let outputs: Vec<super::ModuleOutput> = roots
        .par_iter()
        .map(|root| {
            let Some(module) = modules.get(root) else {
                return super::ModuleOutput::default();
            };
            let mut errors = Vec::new();
            let own = var_files.get(root).map(Vec::as_slice).unwrap_or_default();
            let values = root_values(
                module,
                own,
                &cli_files,
                opts.vars,
                &opts.limits,
                &mut errors,
            );
            let mut out = super::evaluate_root(
                &modules,
                root,
                installed.get(root).cloned().unwrap_or_default(),
                opts.base.map(Path::to_path_buf),
                &values,
                &opts.limits,
            );
            out.errors.extend(errors);
            out
        })
        .collect();
    // Errors met under several roots (a module they share) are merged by the caller's
    // `ResourceGraph::normalize`.
    for out in outputs {
        graph.resources.extend(out.resources);
        graph.errors.extend(out.errors);
    }
    graph
}

fn parse_dir(dir: &str, input: DirInput, limits: &crate::limits::Limits) -> Parsed {
    let mut errors = Vec::new();
    let mut files = Vec::new();
    let mut sources = Vec::new();
    for (path, display, scanned) in input.files {
        files.push(InputFile {
            file: display.clone(),
            kind: "terraform".to_string(),
            scanned,
        });
        match text::read_source(&path, &display, limits.file_bytes) {
            Ok(text) => sources.push(SourceFile {
                display,
                text,
                scanned,
            }),
            Err(e) => errors.push(e),
        }
    }
    let mut var_files = Vec::new();
    for (path, display) in input.var_files {
        files.push(InputFile {
            file: display.clone(),
            kind: "terraform-vars".to_string(),
            scanned: true,
        });
        match text::read_source(&path, &display, limits.file_bytes) {
            Ok(text) => var_files.push(SourceFile {
                display,
                text,
                scanned: true,
            }),
            Err(e) => errors.push(e),
        }
    }
    // The parser is safe on any input; a panic would be a bug and must not take the scan down.
    let parsed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        ModuleDef::parse(dir, sources, limits.hcl_parse)
    }));
    let module = match parsed {
        Ok((mut module, errs)) => {
            errors.extend(errs);
            module.fs_dir = Some(input.fs_dir);
            module
        }
        Err(_) => {
            errors.push(LoadError {
                file: dir.to_string(),
                line: None,
                column: None,
                message: "internal error while parsing this Terraform module; please report it"
                    .to_string(),
                file_skipped: true,
            });
            ModuleDef::default()
        }
    };
    // Variable files are parsed now so their syntax errors are reported once.
    for vf in &var_files {
        if let Err(e) = parse_var_file(vf, limits.hcl_parse) {
            errors.push(e);
        }
    }
    Parsed {
        module,
        errors,
        files,
        var_files,
    }
}

/// The local module directories `module` calls (display paths).
fn local_calls(module: &ModuleDef) -> impl Iterator<Item = String> + '_ {
    module
        .blocks
        .iter()
        .filter_map(local_source)
        .map(|source| join_display(&module.dir, source))
}

/// The root modules among the discovered directories: those no other discovered directory
/// calls, then (for cycles of calls) the first of those still unreachable.
fn roots(modules: &BTreeMap<String, ModuleDef>) -> Vec<String> {
    let calls: BTreeMap<&str, Vec<String>> = modules
        .iter()
        .map(|(dir, m)| {
            let targets = local_calls(m)
                .filter(|t| t != dir && modules.contains_key(t))
                .collect();
            (dir.as_str(), targets)
        })
        .collect();
    let called: BTreeSet<&str> = calls.values().flatten().map(String::as_str).collect();
    let mut roots: Vec<&str> = modules
        .keys()
        .map(String::as_str)
        .filter(|d| !called.contains(d))
        .collect();
    let mut reached: BTreeSet<&str> = BTreeSet::new();
    let mut stack = roots.clone();
    loop {
        while let Some(d) = stack.pop() {
            if reached.insert(d) {
                stack.extend(calls.get(d).into_iter().flatten().map(String::as_str));
            }
        }
        match modules.keys().find(|d| !reached.contains(d.as_str())) {
            Some(d) => {
                roots.push(d);
                stack.push(d);
            }
            None => break,
        }
    }
    roots.sort_unstable();
    roots.into_iter().map(str::to_string).collect()
}

/// The remote modules `terraform init` installed for root `root`: module key → directory.
fn installed_modules(
    root: &str,
    modules: &BTreeMap<String, ModuleDef>,
    opts: &ProjectOptions,
    graph: &mut ResourceGraph,
) -> HashMap<String, String> {
    let Some(fs_dir) = modules.get(root).and_then(|m| m.fs_dir.as_ref()) else {
        return HashMap::new();
    };
    let path = fs_dir.join(".terraform/modules/modules.json");
    if !path.is_file() {
        return HashMap::new();
    }
    let display = join_display(root, ".terraform/modules/modules.json");
    let text = match text::read_source(&path, &display, opts.limits.file_bytes) {
        Ok(t) => t,
        Err(e) => {
            graph.errors.push(e);
            return HashMap::new();
        }
    };
    #[derive(serde::Deserialize)]
    struct Manifest {
        #[serde(rename = "Modules", default)]
        modules: Vec<Entry>,
    }
    #[derive(serde::Deserialize)]
    struct Entry {
        #[serde(rename = "Key")]
        key: String,
        #[serde(rename = "Dir")]
        dir: String,
    }
    match serde_json::from_str::<Manifest>(&text) {
        Ok(m) => m
            .modules
            .into_iter()
            .filter(|e| !e.key.is_empty())
            .map(|e| (e.key, join_display(root, &e.dir.replace('\\', "/"))))
            .collect(),
        Err(e) => {
            graph.errors.push(LoadError {
                file: display,
                line: Some(u32::try_from(e.line()).unwrap_or(u32::MAX)),
                column: Some(u32::try_from(e.column()).unwrap_or(u32::MAX)),
                message: format!("cannot read the module manifest: {e}"),
                file_skipped: true,
            });
            HashMap::new()
        }
    }
}

/// Reads the module directories that are called but were not discovered, until every call
/// that can be followed is. Only directories inside the scanned tree are read.
fn read_called_modules(
    modules: &mut BTreeMap<String, ModuleDef>,
    installed: &BTreeMap<String, HashMap<String, String>>,
    opts: &ProjectOptions,
    graph: &mut ResourceGraph,
) {
    let Some(base) = opts.base else { return };
    // Symbolic links may lead out of the tree: compare real paths.
    let Ok(real_base) = base.canonicalize() else {
        return;
    };
    let mut tried: BTreeSet<String> = BTreeSet::new();
    // A directory reached again through a link (`self -> .`) is not read a second time.
    let mut real_dirs: std::collections::HashSet<PathBuf> = modules
        .values()
        .filter_map(|m| m.fs_dir.as_ref()?.canonicalize().ok())
        .collect();
    let mut wanted: BTreeSet<String> = installed
        .values()
        .flat_map(|m| m.values().cloned())
        .collect();
    while modules.len() < MAX_MODULE_DIRS {
        wanted.extend(modules.values().flat_map(local_calls));
        let pending: Vec<String> = wanted
            .iter()
            .filter(|d| !modules.contains_key(*d) && !tried.contains(*d) && inside_base(d))
            .take(MAX_MODULE_DIRS - modules.len())
            .cloned()
            .collect();
        if pending.is_empty() {
            break;
        }
        tried.extend(pending.iter().cloned());
        let pending: Vec<String> = pending
            .into_iter()
            .filter(|dir| {
                base.join(dir)
                    .canonicalize()
                    .is_ok_and(|real| real.starts_with(&real_base) && real_dirs.insert(real))
            })
            .collect();
        let parsed: Vec<(String, Option<Parsed>)> = pending
            .into_par_iter()
            .map(|dir| {
                let fs_dir = base.join(&dir);
                let files = tf_files_in(&fs_dir, &dir);
                let parsed = (!files.is_empty()).then(|| {
                    let input = DirInput {
                        fs_dir,
                        files,
                        var_files: Vec::new(),
                    };
                    parse_dir(&dir, input, &opts.limits)
                });
                (dir, parsed)
            })
            .collect();
        for (dir, p) in parsed.into_iter() {
            if let Some(p) = p {
                graph.errors.extend(p.errors);
                graph.files.extend(p.files);
                modules.insert(dir, p.module);
            }
        }
    }
}

/// A display path that names a directory inside the scanned tree.
fn inside_base(display: &str) -> bool {
    !(display.starts_with("..") || display.starts_with('/'))
}

/// The `.tf` files directly in a directory, sorted: (path, display, scanned).
pub fn tf_files_in(fs_dir: &Path, dir: &str) -> Vec<(PathBuf, String, bool)> {
    let Ok(entries) = std::fs::read_dir(fs_dir) else {
        return Vec::new();
    };
    let mut files: Vec<(PathBuf, String, bool)> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|e| {
            let name = e.file_name().to_str()?.to_string();
            (name.ends_with(".tf") || name.ends_with(".tf.json"))
                .then(|| (e.path(), join_display(dir, &name), true))
        })
        .collect();
    files.sort();
    files
}

/// Reads the `--var-file` files once (their errors are reported once).
fn read_cli_var_files(opts: &ProjectOptions, graph: &mut ResourceGraph) -> Vec<SourceFile> {
    let mut out = Vec::new();
    for path in &opts.vars.files {
        let display = crate::discover::display_path(path, opts.base);
        graph.files.push(InputFile {
            file: display.clone(),
            kind: "terraform-vars".to_string(),
            scanned: true,
        });
        match text::read_source(path, &display, opts.limits.file_bytes) {
            Ok(text) => {
                let file = SourceFile {
                    display,
                    text,
                    scanned: true,
                };
                match parse_var_file(&file, opts.limits.hcl_parse) {
                    Ok(_) => out.push(file),
                    Err(e) => graph.errors.push(e),
                }
            }
            Err(e) => graph.errors.push(e),
        }
    }
    out
}

/// The assignments of a variable file (`.tfvars` in HCL, or `.tfvars.json`), unevaluated for
/// HCL: (name, expression or JSON value).
enum VarValue {
    Hcl(hcl_edit::expr::Expression),
    Json(serde_json::Value),
}

/// Parses a variables file; an HCL parse that takes longer than `parse_limit` is given up.
/// A syntax error keeps this message of its own (no end-of-file hint).
fn parse_var_file(
    file: &SourceFile,
    parse_limit: std::time::Duration,
) -> Result<Vec<(String, VarValue)>, LoadError> {
    let error = |line: usize, column: usize, message: String| LoadError {
        file: file.display.clone(),
        line: Some(u32::try_from(line).unwrap_or(u32::MAX)),
        column: Some(u32::try_from(column).unwrap_or(u32::MAX)),
        message,
        file_skipped: true,
    };
    if file.display.ends_with(".json") {
        return match serde_json::from_str::<serde_json::Value>(&file.text) {
            Ok(serde_json::Value::Object(map)) => Ok(map
                .into_iter()
                .map(|(k, v)| (k, VarValue::Json(v)))
                .collect()),
            Ok(_) => Err(error(
                1,
                1,
                "a variables file must hold one JSON object".into(),
            )),
            Err(e) => Err(error(
                e.line(),
                e.column(),
                format!("JSON parse error: {e}"),
            )),
        };
    }
    let body =
        super::parse::parse_hcl(&file.text, parse_limit).map_err(|failure| match failure {
            super::parse::HclFailure::Syntax(e) => {
                let loc = e.location();
                error(
                    loc.line(),
                    loc.column(),
                    format!("HCL parse error: {}", e.message()),
                )
            }
            other => super::parse::hcl_failure(&file.display, &file.text, &other),
        })?;
    let mut out = Vec::new();
    for s in body.into_iter() {
        match s {
            Structure::Attribute(a) => {
                out.push((a.key.as_str().to_string(), VarValue::Hcl(a.value)))
            }
            Structure::Block(b) => {
                let (line, column) = hcl_edit::Span::span(&b)
                    .map_or((1, 1), |s| LineIndex::new(&file.text).line_col(s.start));
                return Err(error(
                    line as usize,
                    column as usize,
                    "a variables file may only assign values, not hold blocks".into(),
                ));
            }
        }
    }
    Ok(out)
}

/// The values given to a root module's variables, in Terraform's order of precedence.
fn root_values(
    module: &ModuleDef,
    own_files: &[SourceFile],
    cli_files: &[SourceFile],
    inputs: &VarInputs,
    limits: &crate::limits::Limits,
    errors: &mut Vec<LoadError>,
) -> Map {
    let mut values = Map::new();
    let declared = |name: &str| module.variables.get(name);
    for (name, raw) in &inputs.env {
        if let Some(var) = declared(name) {
            let v = raw_value(raw, var.literal_text, &format!("TF_VAR_{name}"), errors);
            values.insert(name.clone(), v);
        }
    }
    // terraform.tfvars, terraform.tfvars.json, then *.auto.tfvars(.json) by name.
    let mut own: Vec<&SourceFile> = own_files.iter().collect();
    own.sort_by_key(|f| {
        let name = f
            .display
            .rsplit('/')
            .next()
            .unwrap_or(&f.display)
            .to_string();
        (!name.starts_with("terraform.tfvars"), name)
    });
    for file in own.into_iter().chain(cli_files) {
        let Ok(assignments) = parse_var_file(file, limits.hcl_parse) else {
            continue;
        };
        for (name, value) in assignments {
            if declared(&name).is_none() {
                continue;
            }
            let v = match value {
                VarValue::Json(j) => Val::from_json(&j),
                VarValue::Hcl(e) => constant(&e),
            };
            values.insert(name, v);
        }
    }
    for (name, raw) in &inputs.vars {
        if let Some(var) = declared(name) {
            let v = raw_value(raw, var.literal_text, &format!("--var {name}"), errors);
            values.insert(name.clone(), v);
        }
    }
    values
}

/// A value given as text (`TF_VAR_x`, `--var x=...`): taken literally for a variable declared
/// `string`, `number` or `bool` (or without a type), parsed as an HCL expression otherwise,
/// as Terraform does.
fn raw_value(raw: &str, literal: bool, origin: &str, errors: &mut Vec<LoadError>) -> Val {
    if literal {
        return Val::str(raw);
    }
    match hcl_edit::parser::parse_expr(raw) {
        Ok(expr) => constant(&expr),
        Err(e) => {
            errors.push(LoadError {
                file: origin.to_string(),
                line: None,
                column: None,
                message: format!("invalid value: {}", e.message()),
                file_skipped: false,
            });
            Val::Unknown
        }
    }
}

/// Evaluates an expression that may refer to nothing (a variables-file value).
fn constant(expr: &hcl_edit::expr::Expression) -> Val {
    let modules = BTreeMap::new();
    let empty = ModuleDef::default();
    let root = super::calls::RootCtx::new(
        &modules,
        ".",
        HashMap::new(),
        None,
        &crate::limits::Limits::default(),
    );
    let ev = super::calls::root_evaluator(&empty, root, &Map::new());
    ev.eval_or_unknown(expr, &super::eval::Scope::default())
}
