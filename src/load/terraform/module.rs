//! One Terraform module: its files parsed, its blocks sorted by kind and indexed by address.

use std::collections::{BTreeMap, HashMap};

use hcl_edit::Span;
use hcl_edit::expr::Expression;
use hcl_edit::structure::{Block, Body, Structure};

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
    pub block: Block,
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
    /// `path.module` as Terraform would give it for a root module run from its directory.
    pub path_module: String,
    pub path_root: String,
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
    pub context: EvalContext,
    index: HashMap<(Mode, String, String), usize>,
}

impl ModuleDef {
    /// Parses the files of one module. Files that do not parse are reported with line and
    /// column and left out; duplicate declarations are reported and the first one kept.
    pub fn parse(dir: &str, files: Vec<SourceFile>) -> (ModuleDef, Vec<LoadError>) {
        let mut module = ModuleDef {
            dir: dir.to_string(),
            context: EvalContext {
                path_module: ".".into(),
                path_root: ".".into(),
            },
            ..ModuleDef::default()
        };
        let mut errors = Vec::new();
        for (file_idx, file) in files.into_iter().enumerate() {
            match hcl_edit::parser::parse_body(&file.text) {
                Ok(body) => module.collect(file_idx, &file, body, &mut errors),
                Err(e) => errors.push(parse_error(&file.display, &file.text, &e)),
            }
            module.files.push(file);
        }
        (module, errors)
    }

    fn collect(
        &mut self,
        file_idx: usize,
        file: &SourceFile,
        body: Body,
        errors: &mut Vec<LoadError>,
    ) {
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
                    if self.variables.contains_key(n) {
                        errors.push(error_at(&block, format!("duplicate variable \"{n}\"")));
                    } else {
                        self.variables.insert(n.clone(), VarDef { default, ty });
                    }
                    continue;
                }
                ("locals", []) => {
                    for attr in block.body.attributes() {
                        let key = attr.key.as_str().to_string();
                        if self.locals.contains_key(&key) {
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
            if let Some(&first) = self.index.get(&key) {
                let prev = &self.blocks[first];
                let (prev_file, prev_text) = match self.files.get(prev.file) {
                    Some(f) => (f.display.as_str(), f.text.as_str()),
                    None => (file.display.as_str(), file.text.as_str()),
                };
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

/// A parse error with the parser's own reason, at its line and column. An error at the end of
/// the file gets a hint: it almost always means a block or bracket was left open.
fn parse_error(display: &str, text: &str, e: &hcl_edit::parser::Error) -> LoadError {
    let loc = e.location();
    let at_end = loc.offset() >= text.trim_end().len();
    let hint = if at_end {
        " (the file ends here: is a block, bracket or string left open?)"
    } else {
        ""
    };
    LoadError {
        file: display.to_string(),
        line: Some(u32::try_from(loc.line()).unwrap_or(u32::MAX)),
        column: Some(u32::try_from(loc.column()).unwrap_or(u32::MAX)),
        message: format!("HCL parse error: {}{hint}", e.message()),
        file_skipped: true,
    }
}
