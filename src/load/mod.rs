//! Loaders: turn discovered files into one [`ResourceGraph`].
//!
//! Each loader knows one source format and nothing about policies or reports. A file that
//! fails to load becomes a [`crate::graph::LoadError`] (file, line, column, reason) and the
//! other files go on; loaders run in parallel, one task per Terraform module directory.

pub mod terraform;
pub mod text;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::discover::{Discovered, FileKind};
use crate::graph::{InputFile, LoadError, ResourceGraph};

/// Settings that bound what loaders read.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// Larger files are reported rather than read.
    pub max_file_bytes: u64,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            max_file_bytes: text::DEFAULT_MAX_FILE_BYTES,
        }
    }
}

/// Loads every discovered file into one graph, in a canonical order.
/// `errors` are problems met before loading (paths that could not be walked); they are kept
/// with the loaders' own.
pub fn load(files: &[Discovered], errors: Vec<LoadError>, opts: &LoadOptions) -> ResourceGraph {
    let mut graph = ResourceGraph::new();
    graph.errors = errors;
    let modules = terraform_modules(files);
    let outputs: Vec<ResourceGraph> = modules
        .into_par_iter()
        .map(|(dir, members)| load_terraform_dir(&dir, &members, opts))
        .collect();
    for g in outputs {
        graph.extend(g);
    }
    graph.normalize();
    graph
}

/// A Terraform module directory and the files to read from it: `(path, display, scanned)`.
type ModuleFiles = Vec<(PathBuf, String, bool)>;

/// Groups Terraform files by directory. A file named explicitly brings the other `.tf` files
/// of its directory as context, so that its variables and locals resolve the same way as when
/// the directory is scanned (their own resources are not reported).
fn terraform_modules(files: &[Discovered]) -> BTreeMap<String, ModuleFiles> {
    let mut modules: BTreeMap<String, ModuleFiles> = BTreeMap::new();
    let mut dirs: BTreeMap<String, PathBuf> = BTreeMap::new();
    for f in files.iter().filter(|f| f.kind == FileKind::Terraform) {
        let dir_display = parent_display(&f.display);
        dirs.entry(dir_display.clone())
            .or_insert_with(|| f.path.parent().map(Path::to_path_buf).unwrap_or_default());
        modules
            .entry(dir_display)
            .or_default()
            .push((f.path.clone(), f.display.clone(), true));
    }
    for (dir_display, members) in modules.iter_mut() {
        let has_explicit_only = files.iter().any(|f| {
            f.explicit
                && f.kind == FileKind::Terraform
                && parent_display(&f.display) == *dir_display
        });
        if !has_explicit_only {
            continue;
        }
        let Some(dir) = dirs.get(dir_display) else {
            continue;
        };
        let listing = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir.as_path()
        };
        let Ok(entries) = std::fs::read_dir(listing) else {
            continue;
        };
        let mut siblings: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.is_file() && FileKind::of(p) == Some(FileKind::Terraform))
            .collect();
        siblings.sort();
        for path in siblings {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let display = if dir_display == "." {
                name
            } else {
                format!("{dir_display}/{name}")
            };
            if !members.iter().any(|(_, d, _)| *d == display) {
                members.push((path, display, false));
            }
        }
    }
    modules
}

/// The display path of a file's directory (`.` for files in the working directory).
fn parent_display(display: &str) -> String {
    match display.rsplit_once('/') {
        Some(("", _)) => "/".to_string(),
        Some((dir, _)) => dir.to_string(),
        None => ".".to_string(),
    }
}

fn load_terraform_dir(dir: &str, members: &ModuleFiles, opts: &LoadOptions) -> ResourceGraph {
    let mut graph = ResourceGraph::new();
    let mut sources = Vec::new();
    for (path, display, scanned) in members {
        graph.files.push(InputFile {
            file: display.clone(),
            kind: FileKind::Terraform.as_str().to_string(),
            scanned: *scanned,
        });
        match text::read_source(path, display, opts.max_file_bytes) {
            Ok(text) => sources.push(terraform::SourceFile {
                display: display.clone(),
                text,
                scanned: *scanned,
            }),
            Err(e) => graph.errors.push(e),
        }
    }
    // A panic in the loader (a bug, never expected) must not take the other modules down.
    let loaded = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        terraform::load_module(dir, sources)
    }));
    match loaded {
        Ok(out) => {
            graph.resources = out.resources;
            graph.errors.extend(out.errors);
        }
        Err(_) => graph.errors.push(LoadError {
            file: dir.to_string(),
            line: None,
            column: None,
            message: "internal error while loading this Terraform module; please report it"
                .to_string(),
            file_skipped: true,
        }),
    }
    graph
}
