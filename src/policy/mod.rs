//! Policy packs: the built-in rules embedded in the binary, user rules from `--policy DIR`,
//! and the framework catalogs, loaded and validated together.
//!
//! Validation happens at load, before any resource is looked at: every file must parse, every
//! rule file (package `rules.*`) must carry well-formed METADATA, rule ids and packages must be
//! unique (a user file may not merge into a built-in package, which regorus would silently
//! allow), and every control a rule names must exist in its framework's catalog. All problems
//! are collected and reported together, each with its file and line.

mod builtins;
pub mod catalog;
pub mod metadata;
pub mod testing;
mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
}

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

pub use catalog::{Catalog, Control};

/// The framework catalogs' files (`frameworks/<id>.yaml`) with their text, as embedded.
pub fn catalog_sources() -> impl Iterator<Item = (&'static str, &'static str)> {
    embedded::FILES
        .iter()
        .filter(|(p, _)| p.starts_with("frameworks/"))
        .copied()
}

/// The embedded framework catalogs by id, parsed; each catalog that does not parse is an
/// error.
pub fn embedded_catalogs() -> (BTreeMap<String, Catalog>, Vec<PolicyError>) {
    let mut catalogs = BTreeMap::new();
    let mut errors = Vec::new();
    for (path, text) in catalog_sources() {
        match Catalog::parse(path, text) {
            Ok(c) => {
                catalogs.insert(c.id.clone(), c);
            }
            Err(e) => errors.push(e),
        }
    }
    (catalogs, errors)
}

/// The built-in rules' fixtures (`fixtures/rules/<id>/<format>/<case>/<file>`), embedded as
/// examples for `tenet explain`.
pub fn examples(rule_id: &str) -> Vec<(&'static str, &'static str)> {
    let prefix = format!("fixtures/rules/{rule_id}/");
    embedded::EXAMPLES
        .iter()
        .filter(|(p, _)| p.starts_with(&prefix))
        .copied()
        .collect()
}
pub use metadata::{Controls, RuleMeta, Severity};

/// A policy or catalog problem found at load time.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    #[error("{file}:{line}: {message}")]
    Invalid {
        file: String,
        line: u32,
        message: String,
    },
    #[error("{path}: {message}")]
    Io { path: String, message: String },
}

impl PolicyError {
    fn sort_key(&self) -> (&str, u32) {
        match self {
            PolicyError::Invalid { file, line, .. } => (file, *line),
            PolicyError::Io { path, .. } => (path, 0),
        }
    }
}

/// What a policy file is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileRole {
    /// A rule (package `rules.*`), with METADATA.
    Rule,
    /// Helpers shared by rules (any other package).
    Library,
    /// Rego unit tests (`*_test.rego`).
    Test,
}

/// One `.rego` file of a pack.
#[derive(Debug, Clone)]
pub struct PolicyFile {
    /// Path shown to users: `policies/...` for built-ins, the user's path otherwise.
    pub path: String,
    pub source: String,
    pub package: String,
    pub role: FileRole,
    pub builtin: bool,
}

/// All policies and catalogs of a run.
#[derive(Debug, Clone, Default)]
pub struct PolicySet {
    pub files: Vec<PolicyFile>,
    /// Rules sorted by id.
    pub rules: Vec<RuleMeta>,
    /// Catalogs by framework id.
    pub catalogs: BTreeMap<String, Catalog>,
    /// The rule parameters handed to policies as `data.config`: every parameter a rule
    /// declares, with its default unless the configuration overrides it.
    pub config: serde_json::Map<String, serde_json::Value>,
    /// Per rule package: an engine with that rule and the libraries it uses. Rules are
    /// evaluated in engines of their own because regorus walks every module of an engine on
    /// each dynamic `data` reference (`data.inventory.resources[id]`): with all rules in one
    /// engine, every rule paid for every other (measured: 14 s of 17 s on the Bicep corpus).
    /// User rules are parsed when loaded; built-in ones on first use ([`Self::rule_engine`]):
    /// a scan of Kubernetes manifests never parses the cloud rules.
    pub rule_engines: BTreeMap<String, OnceLock<Result<regorus::Engine, String>>>,
}

impl PolicySet {
    /// Loads the built-in packs (unless `builtin` is false) and every `.rego` file under the
    /// user directories, and validates them together.
    pub fn load(user_dirs: &[PathBuf], builtin: bool) -> Result<PolicySet, Vec<PolicyError>> {
        let (catalogs, mut errors) = embedded_catalogs();
        let mut sources: Vec<(String, String, bool)> = Vec::new();
        for (path, text) in embedded::FILES {
            if path.starts_with("frameworks/") {
                continue;
            }
            if builtin || path.starts_with("policies/lib/") {
                // Without the built-in rules, their libraries stay: user rules import them.
                sources.push((path.to_string(), text.to_string(), true));
            }
        }
        for dir in user_dirs {
            match read_user_dir(dir) {
                Ok(files) => sources.extend(files.into_iter().map(|(p, s)| (p, s, false))),
                Err(e) => errors.push(e),
            }
        }
        let set = Self::from_sources(sources, catalogs, &mut errors);
        errors.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        if errors.is_empty() {
            Ok(set)
        } else {
            Err(errors)
        }
    }

    pub(crate) fn from_sources(
        sources: Vec<(String, String, bool)>,
        catalogs: BTreeMap<String, Catalog>,
        errors: &mut Vec<PolicyError>,
    ) -> PolicySet {
        let mut set = PolicySet {
            catalogs,
            ..PolicySet::default()
        };
        let mut packages: BTreeMap<(String, bool), usize> = BTreeMap::new();
        // The libraries parsed together, as the engines of the rules will hold them.
        let mut libraries = new_engine();
        for (path, source, builtin) in sources {
            let Some(package) = metadata::package_of(&source) else {
                errors.push(PolicyError::Invalid {
                    file: path,
                    line: 1,
                    message: "no `package` declaration".into(),
                });
                continue;
            };
            let is_test = path.ends_with("_test.rego");
            let role = if is_test {
                FileRole::Test
            } else if package == "rules" || package.starts_with("rules.") {
                FileRole::Rule
            } else {
                FileRole::Library
            };
            // Two files of one package would be merged by regorus: forbidden, except that
            // tests may share a package among themselves.
            let key = (package.clone(), is_test);
            if let Some(&prev) = packages.get(&key) {
                let other: &PolicyFile = &set.files[prev];
                // A copy of a built-in library (a pack vendoring `policies/lib`) is the same
                // code: skip it.
                if other.builtin && !builtin && other.source == source {
                    continue;
                }
                let why = if other.builtin && !builtin {
                    "a user policy may not add rules to a built-in package"
                } else {
                    "each policy file needs its own package"
                };
                errors.push(PolicyError::Invalid {
                    file: path,
                    line: package_line(&source),
                    message: format!(
                        "package {package} is already declared by {} ({why})",
                        other.path
                    ),
                });
                continue;
            }
            // Libraries are parsed now (a file that does not parse is left out); rules once the
            // libraries are all in. Tests are parsed by `tenet test` only: a broken test must
            // not stop a scan.
            if role == FileRole::Library
                && let Err(e) = libraries.add_policy(path.clone(), source.clone())
            {
                errors.push(parse_error(path, &e));
                continue;
            }
            packages.insert(key, set.files.len());
            set.files.push(PolicyFile {
                path,
                source,
                package,
                role,
                builtin,
            });
        }
        set.parse_rules(errors);
        set.rules.sort_by(|a, b| a.id.cmp(&b.id));
        // Parameters form one namespace: rules that share one must agree on its default.
        let mut declared: BTreeMap<&str, &RuleMeta> = BTreeMap::new();
        for rule in &set.rules {
            for (name, default) in &rule.params {
                match declared.get(name.as_str()) {
                    Some(other) if other.params[name] != *default => {
                        errors.push(PolicyError::Invalid {
                            file: rule.file.clone(),
                            line: rule.line,
                            message: format!(
                                "rule {} declares parameter `{name}` with default {default}, but {} ({}) declares it with {}",
                                rule.id, other.id, other.file, other.params[name]
                            ),
                        });
                    }
                    Some(_) => {}
                    None => {
                        declared.insert(name, rule);
                        set.config.insert(name.clone(), default.clone());
                    }
                }
            }
        }
        for pair in set.rules.windows(2) {
            if pair[0].id == pair[1].id {
                errors.push(PolicyError::Invalid {
                    file: pair[1].file.clone(),
                    line: pair[1].line,
                    message: format!(
                        "rule id `{}` is already used by {}",
                        pair[1].id, pair[0].file
                    ),
                });
            }
        }
        set
    }
}

impl PolicySet {
    /// Reads each rule file's METADATA and parses each user rule into its own clone of the
    /// library engine; a rule that does not parse is dropped with its file. Built-in rules are
    /// parsed on first use ([`Self::rule_engine`]), or here when a user library is loaded
    /// (it is checked against every rule). User rules are also compiled once
    /// (evaluated on an empty batch): regorus analyses modules only on a first evaluation, and
    /// an unknown function or an unsafe variable should be a load error at its file and line,
    /// not a rule error in every scan. The built-in rules are compiled by the test suite.
    fn parse_rules(&mut self, errors: &mut Vec<PolicyError>) {
        use rayon::prelude::*;
        let catalogs = &self.catalogs;
        // Each rule's engine holds only the libraries it uses (directly or through another
        // library): fewer modules, less for regorus to analyse and to walk on each `data`
        // reference. One engine per distinct set of libraries is parsed, then cloned.
        let closures = LibraryClosures::new(&self.files);
        let rule_libs: Vec<(usize, Vec<usize>)> = self
            .files
            .iter()
            .enumerate()
            .filter(|(_, f)| f.role == FileRole::Rule)
            .map(|(i, f)| (i, closures.used_by(&f.source)))
            .collect();
        // A user library is analysed with every rule: check them all against it.
        let user_libraries = self
            .files
            .iter()
            .any(|f| f.role == FileRole::Library && !f.builtin);
        // A built-in rule is parsed on first use, unless a user library is to be checked
        // against it.
        let now = |i: usize| !self.files[i].builtin || user_libraries;
        let mut lib_engines: BTreeMap<Vec<usize>, regorus::Engine> = BTreeMap::new();
        for (_, libs) in rule_libs.iter().filter(|(i, _)| now(*i)) {
            lib_engines
                .entry(libs.clone())
                .or_insert_with(|| self.engine_with(libs.iter().copied()));
        }
        // `None`: left for first use.
        let parsed: Vec<(usize, Result<Option<regorus::Engine>, PolicyError>)> = rule_libs
            .par_iter()
            .map(|(i, libs)| {
                let (i, f) = (*i, &self.files[*i]);
                if !now(i) {
                    return (i, Ok(None));
                }
                let mut engine = lib_engines[libs].clone();
                let result = engine
                    .add_policy(f.path.clone(), f.source.clone())
                    .map(|_| Some(engine))
                    .map_err(|e| parse_error(f.path.clone(), &e));
                (i, result)
            })
            .collect();
        let mut dropped = std::collections::HashSet::new();
        let no_errors_before = errors.is_empty();
        for (i, result) in parsed {
            let f = &self.files[i];
            let engine = match result {
                Ok(engine) => engine,
                Err(e) => {
                    errors.push(e);
                    dropped.insert(i);
                    continue;
                }
            };
            let (meta, meta_errors) =
                metadata::parse_rule_meta(&f.path, &f.source, &f.package, f.builtin);
            if let Some(meta) = meta {
                errors.extend(check_controls(&meta, &f.source, catalogs));
                if meta_errors.is_empty() {
                    let cell = OnceLock::new();
                    if let Some(engine) = engine {
                        if (!f.builtin || user_libraries) && no_errors_before {
                            errors.extend(compile_check(engine.clone(), &meta));
                        }
                        let _ = cell.set(Ok(engine));
                    }
                    self.rule_engines.insert(f.package.clone(), cell);
                    self.rules.push(meta);
                }
            }
            errors.extend(meta_errors);
        }
        errors.dedup();
        let mut i = 0;
        self.files.retain(|_| {
            i += 1;
            !dropped.contains(&(i - 1))
        });
    }

    /// One engine with every library and rule (not tests): for `tenet test` and the resident
    /// admission rules, which evaluate many packages together.
    pub fn combined_engine(&self) -> regorus::Engine {
        let libraries = self
            .files
            .iter()
            .enumerate()
            .filter(|(_, f)| f.role == FileRole::Library);
        let rules = self
            .files
            .iter()
            .enumerate()
            .filter(|(_, f)| f.role == FileRole::Rule);
        self.engine_with(libraries.chain(rules).map(|(i, _)| i))
    }

    /// The engine of rule package `package`: the libraries it uses and the rule, built on
    /// first use for a built-in rule.
    pub fn rule_engine(&self, package: &str) -> Result<regorus::Engine, String> {
        self.rule_engines
            .get(package)
            .ok_or_else(|| format!("rule package {package} was not loaded"))?
            .get_or_init(|| {
                self.group_engine(&[package], None)
                    .ok_or_else(|| format!("rule package {package} does not parse"))
            })
            .clone()
    }

    /// An engine with the rules of `packages`, the libraries they use and, for rules evaluated
    /// together, one more module (`extra`: path and source). `None` when a package is not a
    /// loaded rule or a module does not parse.
    pub(crate) fn group_engine(
        &self,
        packages: &[&str],
        extra: Option<(String, String)>,
    ) -> Option<regorus::Engine> {
        let closures = LibraryClosures::new(&self.files);
        let mut files: BTreeSet<usize> = BTreeSet::new();
        let mut rules: Vec<usize> = Vec::new();
        for package in packages {
            let i = self
                .files
                .iter()
                .position(|f| f.role == FileRole::Rule && f.package == *package)?;
            files.extend(closures.used_by(&self.files[i].source));
            rules.push(i);
        }
        // Libraries first (in file order, as in every rule's engine), then the rules.
        let mut engine = new_engine();
        for i in files.into_iter().chain(rules) {
            let f = &self.files[i];
            engine.add_policy(f.path.clone(), f.source.clone()).ok()?;
        }
        if let Some((path, source)) = extra {
            engine.add_policy(path, source).ok()?;
        }
        Some(engine)
    }

    /// An engine with the files at these indices parsed into it, in that order.
    fn engine_with(&self, files: impl Iterator<Item = usize>) -> regorus::Engine {
        let mut engine = new_engine();
        for i in files {
            let f = &self.files[i];
            // Every library, and every rule checked when loaded, parsed then.
            let _ = engine.add_policy(f.path.clone(), f.source.clone());
        }
        engine
    }

    /// Overrides rule parameters (`params:` of the configuration). A name no loaded rule
    /// declares, or a value of another JSON type than the default's, is an error.
    pub fn set_params(
        &mut self,
        params: &BTreeMap<String, serde_json::Value>,
    ) -> Result<(), Vec<String>> {
        let mut errors = Vec::new();
        for (name, value) in params {
            let Some(default) = self.config.get(name) else {
                let known: Vec<&str> = self.config.keys().map(String::as_str).collect();
                errors.push(format!(
                    "unknown parameter `{name}` (rules declare: {})",
                    known.join(", ")
                ));
                continue;
            };
            if json_kind(default) != json_kind(value) {
                errors.push(format!(
                    "parameter `{name}` must be {} like its default {default}, not {value}",
                    json_kind(default)
                ));
                continue;
            }
            self.config.insert(name.clone(), value.clone());
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// `data.config` as a regorus data document (`{"config": {...}}`).
    pub fn config_data(&self) -> regorus::Value {
        let doc = serde_json::json!({ "config": self.config });
        regorus::Value::from(doc)
    }

    /// The rules that declare a parameter.
    pub fn rules_with_param<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a RuleMeta> {
        self.rules
            .iter()
            .filter(move |r| r.params.contains_key(name))
    }
}

/// A regorus engine with tenet's host builtins ([`builtins`]).
pub(crate) fn new_engine() -> regorus::Engine {
    let mut engine = regorus::Engine::new();
    builtins::register(&mut engine);
    engine
}

/// Which libraries each library uses (`data.<package>`), transitively: computed once, so that
/// finding a rule's libraries is a scan of the rule alone.
struct LibraryClosures<'a> {
    /// (index in `files`, package) of each library, in file order.
    libs: Vec<(usize, &'a str)>,
    /// For each library, the libraries it reaches (itself included), as flags over `libs`.
    reach: Vec<Vec<bool>>,
}

impl<'a> LibraryClosures<'a> {
    fn new(files: &'a [PolicyFile]) -> Self {
        let libs: Vec<(usize, &PolicyFile)> = files
            .iter()
            .enumerate()
            .filter(|(_, f)| f.role == FileRole::Library)
            .collect();
        let n = libs.len();
        let mut reach: Vec<Vec<bool>> = (0..n)
            .map(|a| {
                (0..n)
                    .map(|b| a == b || mentions(&libs[a].1.source, &libs[b].1.package))
                    .collect()
            })
            .collect();
        // Transitive closure (Floyd–Warshall over a handful of libraries).
        for k in 0..n {
            let via = reach[k].clone();
            for row in reach.iter_mut().filter(|row| row[k]) {
                for (r, v) in row.iter_mut().zip(&via) {
                    *r |= *v;
                }
            }
        }
        LibraryClosures {
            libs: libs.iter().map(|(i, f)| (*i, f.package.as_str())).collect(),
            reach,
        }
    }

    /// Indices (in `files`) of the libraries a Rego source refers to as `data.<package>`,
    /// with the libraries those refer to, in file order. A source that indexes `data` by a
    /// computed key could reach any of them: it gets them all.
    fn used_by(&self, source: &str) -> Vec<usize> {
        let all = source.contains("data[");
        let mut used = vec![false; self.libs.len()];
        for (a, (_, package)) in self.libs.iter().enumerate() {
            if all || mentions(source, package) {
                for (u, r) in used.iter_mut().zip(&self.reach[a]) {
                    *u |= *r;
                }
            }
        }
        self.libs
            .iter()
            .zip(used)
            .filter(|(_, u)| *u)
            .map(|((i, _), _)| *i)
            .collect()
    }
}

/// `text` refers to `data.<package>` (not to a longer package name starting the same way).
fn mentions(text: &str, package: &str) -> bool {
    let needle = format!("data.{package}");
    text.match_indices(&needle).any(|(at, _)| {
        !text[at + needle.len()..]
            .chars()
            .next()
            .is_some_and(|c| c.is_alphanumeric() || c == '_')
    })
}

fn parse_error(file: String, e: &dyn std::fmt::Display) -> PolicyError {
    let parts = rego_error_parts(&e.to_string());
    PolicyError::Invalid {
        file,
        line: parts.line.unwrap_or(1),
        message: format!("Rego does not parse: {}", parts.reason),
    }
}

/// Evaluates a rule's `deny` (and `undetermined`) once on an empty batch, in its own engine,
/// so that what regorus resolves only at evaluation (unknown functions, unsafe variables)
/// is reported at load.
fn compile_check(mut engine: regorus::Engine, rule: &RuleMeta) -> Vec<PolicyError> {
    let mut errors = Vec::new();
    engine.set_input(
        regorus::Value::from_json_str(r#"{"resources": []}"#).unwrap_or(regorus::Value::Null),
    );
    for name in ["deny", "undetermined"] {
        if name == "undetermined" && !rule.has_undetermined {
            continue;
        }
        if let Err(e) = engine.eval_rule(format!("data.{}.{name}", rule.package)) {
            let parts = rego_error_parts(&e.to_string());
            errors.push(PolicyError::Invalid {
                file: parts.file.unwrap_or_else(|| rule.file.clone()),
                line: parts.line.unwrap_or(1),
                message: format!("Rego does not compile: {}", parts.reason),
            });
        }
    }
    errors
}

fn json_kind(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "a list",
        serde_json::Value::Object(_) => "a map",
    }
}

/// Every control a rule names must exist in its framework's catalog. Errors point at the
/// METADATA line that names the framework or control.
fn check_controls(
    rule: &RuleMeta,
    source: &str,
    catalogs: &BTreeMap<String, Catalog>,
) -> Vec<PolicyError> {
    let line_of = |needle: &str| {
        source
            .lines()
            .enumerate()
            .skip(rule.line as usize)
            .take_while(|(_, l)| l.trim_start().starts_with('#'))
            .find(|(_, l)| l.contains(needle))
            .map_or(rule.line, |(i, _)| {
                u32::try_from(i + 1).unwrap_or(rule.line)
            })
    };
    let mut errors = Vec::new();
    for (framework, ids) in rule.controls.iter() {
        let Some(catalog) = catalogs.get(framework) else {
            let known: Vec<&str> = catalogs.keys().map(String::as_str).collect();
            errors.push(PolicyError::Invalid {
                file: rule.file.clone(),
                line: line_of(&format!("{framework}:")),
                message: format!(
                    "rule {} maps to unknown framework `{framework}` (known: {})",
                    rule.id,
                    known.join(", ")
                ),
            });
            continue;
        };
        for id in ids {
            if catalog.control(id).is_none() {
                errors.push(PolicyError::Invalid {
                    file: rule.file.clone(),
                    line: line_of(id),
                    message: format!(
                        "rule {} maps to control `{id}`, which the {framework} catalog lacks",
                        rule.id
                    ),
                });
            }
        }
    }
    errors
}

fn read_user_dir(dir: &Path) -> Result<Vec<(String, String)>, PolicyError> {
    let io = |message: String| PolicyError::Io {
        path: dir.display().to_string(),
        message,
    };
    let meta =
        std::fs::metadata(dir).map_err(|e| io(format!("cannot read policy directory: {e}")))?;
    let mut out = Vec::new();
    let paths: Vec<PathBuf> = if meta.is_file() {
        vec![dir.to_path_buf()]
    } else {
        let mut found = Vec::new();
        for entry in ignore::WalkBuilder::new(dir)
            .hidden(true)
            .git_ignore(false)
            .build()
        {
            let entry = entry.map_err(|e| io(e.to_string()))?;
            if entry.file_type().is_some_and(|t| t.is_file())
                && entry.path().extension().is_some_and(|e| e == "rego")
            {
                found.push(entry.into_path());
            }
        }
        found.sort();
        found
    };
    for path in paths {
        let text = std::fs::read_to_string(&path).map_err(|e| PolicyError::Io {
            path: path.display().to_string(),
            message: format!("cannot read: {e}"),
        })?;
        out.push((path.display().to_string(), text));
    }
    Ok(out)
}

fn package_line(source: &str) -> u32 {
    source
        .lines()
        .position(|l| l.trim_start().starts_with("package"))
        .map_or(1, |i| u32::try_from(i + 1).unwrap_or(1))
}

/// Where a regorus error happened and why: regorus reports `--> path:line:col`, a source
/// excerpt and `error: reason`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegoErrorParts {
    pub file: Option<String>,
    pub line: Option<u32>,
    pub reason: String,
}

pub fn rego_error_parts(msg: &str) -> RegoErrorParts {
    let location = msg.lines().find_map(|l| {
        let loc = l.trim_start().strip_prefix("-->")?.trim();
        let mut parts = loc.rsplitn(3, ':');
        let _col = parts.next()?;
        let line: u32 = parts.next()?.parse().ok()?;
        Some((parts.next()?.to_string(), line))
    });
    let reason = msg
        .lines()
        .find_map(|l| {
            l.trim_start()
                .strip_prefix("error:")
                .map(|r| r.trim().to_string())
        })
        .unwrap_or_else(|| msg.trim().to_string());
    RegoErrorParts {
        file: location.as_ref().map(|l| l.0.clone()),
        line: location.map(|l| l.1),
        reason,
    }
}

#[cfg(test)]
mod tests;
