//! One Terraform module: its files parsed, its blocks sorted by kind and indexed by address.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use hcl_edit::Span;
use hcl_edit::expr::Expression;
use hcl_edit::structure::{Block, Body, Structure};

use super::parse::{hcl_failure, parse_hcl};
use super::types::Ty;
use crate::graph::{LoadError, Mode};
use crate::load::text::LineIndex;

/// A source file of the module.
#[derive(Debug)]
pub struct SourceFile {
    pub display: String,
    pub text: String,
    /// Resources of this file are reported (otherwise it is read for context only).
    pub scanned: bool,
}

/// A `variable` block.
#[derive(Debug)]
pub struct VarDef {
    pub default: Option<Expression>,
    /// The `type` constraint, when it is one tenet understands (otherwise `any`).
    pub ty: Option<Ty>,
    /// `nullable` (default true): whether a null value replaces the default.
    pub nullable: bool,
    /// Declared as `string`, `number` or `bool`: a value given as text (`TF_VAR_x`, `--var`)
    /// is taken literally; otherwise (other types, `any`, unparsed types) it is parsed as HCL.
    /// Without a `type`, text is literal too.
    pub literal_text: bool,
}

/// One entry of a `locals` block.
#[derive(Debug)]
pub struct LocalDef {
    pub expr: Expression,
}

/// A block that becomes resources of the graph: `resource`, `data`, `module`, `provider`,
/// `output`.
#[derive(Debug)]
pub struct BlockDef {
    pub mode: Mode,
    /// Resource type; `module`, `output`, or the provider's local name for providers.
    pub rtype: String,
    /// Resource name; for providers the alias (or the provider name without one).
    pub name: String,
    pub file: usize,
    /// The block, with the arguments and nested blocks of override files merged in.
    pub block: Block,
    /// Top-level arguments and nested block types that came from override files: their
    /// lines are in another file, so findings on them point at the block.
    pub overridden: BTreeSet<String>,
}

impl BlockDef {
    /// The Terraform address within its module (`aws_s3_bucket.b`, `data.x.y`, `module.m`).
    pub fn address(&self) -> String {
        match self.mode {
            Mode::Managed => format!("{}.{}", self.rtype, self.name),
            Mode::Data => format!("data.{}.{}", self.rtype, self.name),
            Mode::Module => format!("module.{}", self.name),
            Mode::Output => format!("output.{}", self.name),
            Mode::Provider if self.name == self.rtype => format!("provider.{}", self.rtype),
            Mode::Provider => format!("provider.{}.{}", self.rtype, self.name),
        }
    }
}

/// What expressions may ask about their surroundings (`path.module`, `file()`).
#[derive(Debug, Clone, Default)]
pub struct EvalContext {
    /// `path.module`: the module's directory relative to the root module's.
    pub path_module: String,
    pub path_root: String,
    /// The directory relative paths of `file()` and the other file functions resolve against:
    /// Terraform's working directory, the root module's directory (also for expressions in
    /// called modules, whose `path.module` is relative to it). `None`: the file functions give
    /// unknown results.
    pub fs_dir: Option<std::path::PathBuf>,
    /// The scanned tree. File functions never read outside it: a path whose canonical form
    /// (symbolic links resolved) is not under the canonical root gives an unknown result.
    /// `None`: the file functions give unknown results.
    pub fs_root: Option<std::path::PathBuf>,
}

/// A parsed module: every file, variable, local and resource-like block.
#[derive(Debug, Default)]
pub struct ModuleDef {
    /// The module directory, as displayed (`.` for the working directory).
    pub dir: String,
    pub files: Vec<SourceFile>,
    pub variables: BTreeMap<String, VarDef>,
    pub locals: BTreeMap<String, LocalDef>,
    pub blocks: Vec<BlockDef>,
    /// The directory on disk, when the module was read from one.
    pub fs_dir: Option<std::path::PathBuf>,
    index: HashMap<(Mode, String, String), usize>,
}

impl ModuleDef {
    /// Parses the files of one module. Files that do not parse are reported with line and
    /// column and left out; duplicate declarations are reported and the first one kept.
    /// A file whose parse takes longer than `parse_limit` is given up and reported
    /// ([`parse_hcl`]).
    pub fn parse(
        dir: &str,
        mut files: Vec<SourceFile>,
        parse_limit: std::time::Duration,
    ) -> (ModuleDef, Vec<LoadError>) {
        let mut module = ModuleDef {
            dir: dir.to_string(),
            ..ModuleDef::default()
        };
        let mut errors = Vec::new();
        let mut parsed = Vec::new();
        for (file_idx, file) in files.iter_mut().enumerate() {
            // JSON syntax is rewritten into native syntax on the same lines.
            if file.display.ends_with(".tf.json") {
                match super::tfjson::to_hcl(&file.text) {
                    Ok(hcl) => file.text = hcl,
                    Err(e) => {
                        errors.push(LoadError {
                            file: file.display.clone(),
                            line: Some(u32::try_from(e.line).unwrap_or(u32::MAX)),
                            column: Some(u32::try_from(e.column).unwrap_or(u32::MAX)),
                            message: e.message,
                            file_skipped: true,
                        });
                        continue;
                    }
                }
            }
            match parse_hcl(&file.text, parse_limit) {
                Ok(body) => parsed.push((file_idx, body)),
                Err(e) => errors.push(hcl_failure(&file.display, &file.text, &e)),
            }
        }
        // Terraform reads override files (`override.tf`, `*_override.tf`) after all others
        // and merges their blocks into the ones they name.
        let (overrides, normal): (Vec<_>, Vec<_>) = parsed
            .into_iter()
            .partition(|(idx, _)| is_override_file(&files[*idx].display));
        for (file_idx, body) in normal.into_iter().chain(overrides) {
            let is_override = is_override_file(&files[file_idx].display);
            module.collect(&files, file_idx, body, is_override, &mut errors);
        }
        module.files = files;
        (module, errors)
    }

    fn collect(
        &mut self,
        files: &[SourceFile],
        file_idx: usize,
        body: Body,
        is_override: bool,
        errors: &mut Vec<LoadError>,
    ) {
        let file = &files[file_idx];
        let lines = LineIndex::new(&file.text);
        let error_at = |block: &Block, message: String| {
            let (line, column) = block.span().map_or((1, 1), |s| lines.line_col(s.start));
            LoadError {
                file: file.display.clone(),
                line: Some(line),
                column: Some(column),
                message,
                file_skipped: false,
            }
        };
        for structure in body.into_iter() {
            let Structure::Block(block) = structure else {
                continue;
            };
            let labels: Vec<String> = block
                .labels
                .iter()
                .map(|l| l.as_str().to_string())
                .collect();
            let ident = block.ident.as_str().to_string();
            let (mode, rtype, name) = match (ident.as_str(), labels.as_slice()) {
                ("resource", [t, n]) => (Mode::Managed, t.clone(), n.clone()),
                ("data", [t, n]) => (Mode::Data, t.clone(), n.clone()),
                ("module", [n]) => (Mode::Module, "module".to_string(), n.clone()),
                ("output", [n]) => (Mode::Output, "output".to_string(), n.clone()),
                ("provider", [p]) => {
                    let alias = block
                        .body
                        .get_attribute("alias")
                        .and_then(|a| a.value.as_str().map(str::to_string))
                        .unwrap_or_else(|| p.clone());
                    (Mode::Provider, p.clone(), alias)
                }
                ("variable", [n]) => {
                    let default = block.body.get_attribute("default").map(|a| a.value.clone());
                    let ty = block
                        .body
                        .get_attribute("type")
                        .and_then(|a| Ty::parse(&a.value));
                    let nullable = block
                        .body
                        .get_attribute("nullable")
                        .is_none_or(|a| !matches!(&a.value, Expression::Bool(b) if !*b.value()));
                    match self.variables.get_mut(n) {
                        // An override replaces the arguments it sets.
                        Some(var) if is_override => {
                            if default.is_some() {
                                var.default = default;
                            }
                            if block.body.has_attribute("type") {
                                var.literal_text =
                                    matches!(ty, Some(Ty::String | Ty::Number | Ty::Bool));
                                var.ty = ty;
                            }
                            if block.body.has_attribute("nullable") {
                                var.nullable = nullable;
                            }
                        }
                        Some(_) => {
                            errors.push(error_at(&block, format!("duplicate variable \"{n}\"")))
                        }
                        None => {
                            self.variables.insert(
                                n.clone(),
                                VarDef {
                                    literal_text: !block.body.has_attribute("type")
                                        || matches!(ty, Some(Ty::String | Ty::Number | Ty::Bool)),
                                    default,
                                    ty,
                                    nullable,
                                },
                            );
                        }
                    }
                    continue;
                }
                ("locals", []) => {
                    for attr in block.body.attributes() {
                        let key = attr.key.as_str().to_string();
                        if self.locals.contains_key(&key) && !is_override {
                            errors
                                .push(error_at(&block, format!("duplicate local value \"{key}\"")));
                            continue;
                        }
                        self.locals.insert(
                            key,
                            LocalDef {
                                expr: attr.value.clone(),
                            },
                        );
                    }
                    continue;
                }
                ("resource" | "data", _) => {
                    errors.push(error_at(
                        &block,
                        format!("{ident} block needs two labels, a type and a name"),
                    ));
                    continue;
                }
                ("module" | "output" | "variable" | "provider", _) => {
                    errors.push(error_at(
                        &block,
                        format!("{ident} block needs exactly one label"),
                    ));
                    continue;
                }
                // terraform, moved, import, removed, check: not resources.
                _ => continue,
            };
            let key = (mode, rtype.clone(), name.clone());
            if is_override {
                match self.index.get(&key) {
                    Some(&original) => merge_override(&mut self.blocks[original], block),
                    None => errors.push(error_at(
                        &block,
                        format!(
                            "override of {ident} {:?}, which no other file of the module declares",
                            labels.join(".")
                        ),
                    )),
                }
                continue;
            }
            if let Some(&first) = self.index.get(&key) {
                let prev = &self.blocks[first];
                let (prev_file, prev_text) = (
                    files[prev.file].display.as_str(),
                    files[prev.file].text.as_str(),
                );
                let prev_line = prev
                    .block
                    .span()
                    .map_or(1, |s| LineIndex::new(prev_text).line_col(s.start).0);
                errors.push(error_at(
                    &block,
                    format!(
                        "duplicate declaration of {} (first declared at {prev_file}:{prev_line})",
                        prev.address()
                    ),
                ));
                continue;
            }
            self.index.insert(key, self.blocks.len());
            self.blocks.push(BlockDef {
                mode,
                rtype,
                name,
                file: file_idx,
                block,
                overridden: BTreeSet::new(),
            });
        }
    }

    /// Index of the block with this mode, type and name.
    pub fn find(&self, mode: Mode, rtype: &str, name: &str) -> Option<usize> {
        self.index
            .get(&(mode, rtype.to_string(), name.to_string()))
            .copied()
    }
}

/// The source of a module call when it is a local directory (`./x`, `../x`).
pub fn local_source(def: &BlockDef) -> Option<&str> {
    if def.mode != Mode::Module {
        return None;
    }
    let source = def.block.body.get_attribute("source")?.value.as_str()?;
    (source.starts_with("./") || source.starts_with("../")).then_some(source)
}

/// Joins a relative path onto a display directory, resolving `.` and `..` lexically
/// (`examples/a` + `../../modules/x` → `modules/x`). A result above the display base keeps
/// its leading `..`.
pub fn join_display(dir: &str, rel: &str) -> String {
    let absolute = dir.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in dir.split('/').chain(rel.split('/')) {
        match part {
            "" | "." => {}
            ".." if parts.last().is_some_and(|p| *p != "..") => {
                parts.pop();
            }
            ".." if absolute => {}
            other => parts.push(other),
        }
    }
    let joined = parts.join("/");
    match (absolute, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_string(),
        (false, false) => joined,
    }
}

/// Whether Terraform treats the file as an override file.
fn is_override_file(display: &str) -> bool {
    let name = display.rsplit('/').next().unwrap_or(display);
    let name = name.strip_suffix(".json").unwrap_or(name);
    name == "override.tf" || name.ends_with("_override.tf")
}

/// Merges an override block into the original, as Terraform does: each argument replaces the
/// original argument, and the nested blocks of a type replace all original blocks of that
/// type (`dynamic "x"` counts as type `x`).
fn merge_override(def: &mut BlockDef, over: Block) {
    let nested_type = |b: &Block| match (b.ident.as_str(), b.labels.first()) {
        ("dynamic", Some(label)) => label.as_str().to_string(),
        (ident, _) => ident.to_string(),
    };
    let replaced: BTreeSet<String> = over.body.blocks().map(nested_type).collect();
    if !replaced.is_empty() {
        let kept: Vec<Structure> = std::mem::take(&mut def.block.body)
            .into_iter()
            .filter(|s| !matches!(s, Structure::Block(b) if replaced.contains(&nested_type(b))))
            .collect();
        def.block.body = kept.into_iter().collect();
    }
    for structure in over.body.into_iter() {
        match structure {
            Structure::Attribute(a) => {
                let key = a.key.as_str().to_string();
                def.block.body.remove_attribute(&key);
                def.overridden.insert(key);
                def.block.body.push(a);
            }
            Structure::Block(b) => {
                def.overridden.insert(nested_type(&b));
                def.block.body.push(b);
            }
        }
    }
}
