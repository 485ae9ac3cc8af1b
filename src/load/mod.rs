//! Loaders: turn discovered files into one [`ResourceGraph`].
//!
//! Each loader knows one source format and nothing about policies or reports. A file that
//! fails to load becomes a [`crate::graph::LoadError`] (file, line, column, reason) and the
//! other files go on; loaders run in parallel, one task per Terraform module directory.

pub mod arm;
pub mod azure;
pub mod bicep;
pub mod inventory;
pub mod kubernetes;
pub mod terraform;
pub mod text;
pub mod tfplan;
pub mod value;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::discover::{Discovered, FileKind};
use crate::graph::{LoadError, Resource, ResourceGraph};

/// Settings that bound what loaders read, and values given from outside the sources.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Bounds on what one input may cost (file size, parse time, expansion).
    pub limits: crate::limits::Limits,
    /// The scanned tree (the display base): called modules and `file()` are read only inside
    /// it. `None` reads nothing beyond the discovered files.
    pub base: Option<PathBuf>,
    /// Values for Terraform root module variables (`TF_VAR_*`, `--var-file`, `--var`).
    pub terraform_vars: terraform::VarInputs,
    /// Applied to the resources of each file that loads on its own (Kubernetes YAML, JSON) and
    /// of each root Bicep template as soon as they have loaded: a scan converts their attribute
    /// values for rules there, so that the graph's JSON copy of every file is never held at
    /// once. Whatever it leaves in `attributes` must include what [`kubernetes::link_paths`]
    /// names.
    pub prepare: Option<fn(&mut [Resource])>,
}

/// Loads every discovered file into one graph, in a canonical order.
/// `errors` are problems met before loading (paths that could not be walked); they are kept
/// with the loaders' own.
pub fn load(files: &[Discovered], errors: Vec<LoadError>, opts: &LoadOptions) -> ResourceGraph {
    let (mut graph, deployments) = load_deferred(files, errors, opts);
    if let Some(deployments) = deployments {
        load_all(&mut graph, deployments, opts.prepare);
    }
    graph
}

/// Loads every deployment [`load_deferred`] returned into its `graph`, normalized again.
pub fn load_all(
    graph: &mut ResourceGraph,
    mut deployments: bicep::Deployments,
    prepare: Option<fn(&mut [Resource])>,
) {
    let loaded = deployments.load(0..deployments.len(), prepare);
    let before = deployments.len();
    let late = deployments.add_late_roots();
    let loaded_late = deployments.load(before..before + late, prepare);
    graph.errors.extend(deployments.finish());
    graph.extend(loaded);
    graph.extend(loaded_late);
    graph.normalize();
}

/// Loads `files` as [`load`] does, except the Bicep deployments: their files and errors of
/// parsing are in the graph, and the deployments are returned to be loaded later (a scan
/// loads and evaluates a few at a time; [`bicep::Deployments::load`]). Their resources
/// then go into the graph, which is normalized again.
pub fn load_deferred(
    files: &[Discovered],
    errors: Vec<LoadError>,
    opts: &LoadOptions,
) -> (ResourceGraph, Option<bicep::Deployments>) {
    let mut graph = ResourceGraph::new();
    graph.errors = errors;
    let project = terraform::ProjectOptions {
        limits: opts.limits,
        base: opts.base.as_deref(),
        vars: &opts.terraform_vars,
    };
    graph.extend(terraform::load_project(terraform_dirs(files), &project));
    let (bicep_files, deployments) =
        bicep::first_pass(files, opts.limits.file_bytes, opts.base.as_deref());
    graph.extend(bicep_files);
    // Bicep files of the scan: an ARM template compiled from one of them is context only.
    let bicep: std::collections::HashSet<&str> = files
        .iter()
        .filter(|f| f.kind == FileKind::Bicep)
        .map(|f| f.display.as_str())
        .collect();
    // Files that load on their own, one task each (rayon would otherwise cut the list into a
    // few runs of files, and the thread left with the heaviest run parses it alone), the
    // largest first: a large file started last would be parsed alone too. Their graphs are
    // put back in file order.
    let mut order: Vec<(u64, usize)> = files
        .par_iter()
        .enumerate()
        .filter(|(_, f)| matches!(f.kind, FileKind::Json | FileKind::Yaml))
        .map(|(i, f)| (std::fs::metadata(&f.path).map_or(0, |m| m.len()), i))
        .collect();
    order.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut single: Vec<(usize, ResourceGraph)> = order
        .par_iter()
        .with_max_len(1)
        .filter_map(|&(_, i)| {
            let f = &files[i];
            let g = match f.kind {
                FileKind::Json => load_json(f, opts, &bicep),
                FileKind::Yaml => Some(read_and_load(f, opts, |text| {
                    kubernetes::load_bounded(
                        &f.display,
                        text,
                        kubernetes::in_chart_templates(&f.path),
                        opts.limits.yaml_alias_values,
                    )
                })),
                _ => None,
            };
            g.map(|mut g| {
                if let Some(prepare) = opts.prepare {
                    prepare(&mut g.resources);
                }
                (i, g)
            })
        })
        .collect();
    single.sort_unstable_by_key(|(i, _)| *i);
    for (_, g) in single {
        graph.extend(g);
    }
    kubernetes::link(&mut graph.resources);
    graph.normalize();
    (graph, deployments)
}

/// Bytes read from the start of a JSON file to recognise what it is.
const SNIFF_BYTES: u64 = 4096;

/// The first bytes of a file, to recognise what it is.
fn head(path: &Path) -> Option<String> {
    use std::io::Read;
    let mut head = Vec::new();
    std::fs::File::open(path)
        .ok()?
        .take(SNIFF_BYTES)
        .read_to_end(&mut head)
        .ok()?;
    Some(String::from_utf8_lossy(&head).into_owned())
}

/// Loads a JSON file that turns out to be one tenet reads (Terraform plan or state JSON, ARM
/// template, Kubernetes object or list); `None` for other JSON (ARM parameters files are read
/// with their template).
fn load_json(
    f: &Discovered,
    opts: &LoadOptions,
    bicep: &std::collections::HashSet<&str>,
) -> Option<ResourceGraph> {
    let head = head(&f.path)?;
    // A collected inventory first: its Kubernetes objects carry `apiVersion` and `kind` too.
    if inventory::sniff(&head) {
        return Some(read_and_load(f, opts, |text| {
            inventory::load(&f.display, text)
        }));
    }
    if !tfplan::sniff(&head) {
        // ARM first: a template's resources also carry `apiVersion` and `kind`.
        return match arm::sniff(&head) {
            Some(arm::Sniffed::Template) => Some(load_arm(f, opts, &head, bicep)),
            Some(_) => None,
            None if kubernetes::sniff_json(&head) => Some(read_and_load(f, opts, |text| {
                kubernetes::load_bounded(&f.display, text, false, opts.limits.yaml_alias_values)
            })),
            None => None,
        };
    }
    let dir = parent_display(&f.display);
    let fs_dir = f.path.parent().map(Path::to_path_buf).unwrap_or_default();
    Some(read_and_load(f, opts, |text| {
        tfplan::load(
            &f.display,
            text,
            &fs_dir,
            &dir,
            opts.base.as_deref(),
            &opts.limits,
        )
    }))
}

/// Loads an ARM template with its parameters file. A template Bicep generated beside a
/// `.bicep` file of the same stem that this scan also reads is loaded as context only
/// (`scanned: false`), so that findings are reported once, on the Bicep source.
fn load_arm(
    f: &Discovered,
    opts: &LoadOptions,
    head: &str,
    bicep: &std::collections::HashSet<&str>,
) -> ResourceGraph {
    let dir = parent_display(&f.display);
    let stem = f
        .path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = stem.strip_suffix(".json").unwrap_or(&stem).to_string();
    let sibling = |name: &str| {
        if dir == "." {
            name.to_string()
        } else {
            format!("{dir}/{name}")
        }
    };
    let compiled_from_bicep =
        arm::generated_by_bicep(head) && bicep.contains(sibling(&format!("{stem}.bicep")).as_str());
    let params = arm_parameters_file(&f.path, &stem).map(|path| {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let display = sibling(&name);
        let text = text::read_source(&path, &display, opts.limits.file_bytes);
        (display, text)
    });
    read_and_load(f, opts, |text| {
        let mut extra = Vec::new();
        let given = match &params {
            Some((display, Ok(text))) => Some(arm::ParamsFile { display, text }),
            Some((_, Err(e))) => {
                extra.push(e.clone());
                None
            }
            None => None,
        };
        let mut g = arm::load(&f.display, text, given, !compiled_from_bicep);
        g.errors.extend(extra);
        g
    })
}

/// The parameters file of an ARM template: `X.parameters.json` beside `X.json`; else, when the
/// template is the only one in its directory, `main.parameters.json` or the only
/// `*.parameters.json` there.
fn arm_parameters_file(template: &Path, stem: &str) -> Option<PathBuf> {
    let dir = template.parent().map(Path::to_path_buf).unwrap_or_default();
    let dir = if dir.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        dir
    };
    let own = dir.join(format!("{stem}.parameters.json"));
    if own.is_file() {
        return Some(own);
    }
    let mut params = Vec::new();
    let mut templates = 0;
    for entry in std::fs::read_dir(&dir).ok()?.filter_map(Result::ok) {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.ends_with(".json") || !path.is_file() {
            continue;
        }
        if name.ends_with(".parameters.json") {
            params.push(path);
        } else if head(&path).and_then(|h| arm::sniff(&h)) == Some(arm::Sniffed::Template) {
            templates += 1;
        }
    }
    if templates != 1 {
        return None;
    }
    params.sort();
    let main = params
        .iter()
        .find(|p| p.file_name().is_some_and(|n| n == "main.parameters.json"))
        .cloned();
    main.or_else(|| (params.len() == 1).then(|| params.remove(0)))
}

/// Reads one file and loads it with `load`. A file that cannot be read, and a loader that
/// panics (a bug), become load errors of that file: the other files go on.
fn read_and_load(
    f: &Discovered,
    opts: &LoadOptions,
    load: impl FnOnce(&str) -> ResourceGraph,
) -> ResourceGraph {
    match text::read_source(&f.path, &f.display, opts.limits.file_bytes) {
        Ok(text) => guarded(&f.display, || load(&text)),
        Err(e) => {
            let mut g = ResourceGraph::new();
            g.errors.push(e);
            g
        }
    }
}

/// Runs a loader, turning a panic (a bug in tenet) into a load error of `display`.
pub(crate) fn guarded(display: &str, load: impl FnOnce() -> ResourceGraph) -> ResourceGraph {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(load)).unwrap_or_else(|_| {
        let mut g = ResourceGraph::new();
        g.errors.push(LoadError {
            file: display.to_string(),
            line: None,
            column: None,
            message: "internal error while loading this file; please report it".into(),
            file_skipped: true,
        });
        g
    })
}

/// Groups Terraform files by directory. A file named explicitly brings the other Terraform
/// files of its directory (and its variable files) as context, so that its variables and
/// locals resolve the same way as when the directory is scanned (their own resources are not
/// reported).
fn terraform_dirs(files: &[Discovered]) -> BTreeMap<String, terraform::DirInput> {
    let mut dirs: BTreeMap<String, terraform::DirInput> = BTreeMap::new();
    let is_tf = |k: FileKind| matches!(k, FileKind::Terraform | FileKind::TerraformVars);
    for f in files.iter().filter(|f| is_tf(f.kind)) {
        let entry = dirs
            .entry(parent_display(&f.display))
            .or_insert_with(|| terraform::DirInput {
                fs_dir: f.path.parent().map(Path::to_path_buf).unwrap_or_default(),
                ..terraform::DirInput::default()
            });
        push_member(entry, f.path.clone(), f.display.clone(), f.kind, true);
    }
    for (dir_display, input) in dirs.iter_mut() {
        let has_explicit = files
            .iter()
            .any(|f| f.explicit && is_tf(f.kind) && parent_display(&f.display) == *dir_display);
        if !has_explicit {
            continue;
        }
        let listing = if input.fs_dir.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            input.fs_dir.clone()
        };
        let Ok(entries) = std::fs::read_dir(&listing) else {
            continue;
        };
        let mut siblings: Vec<(PathBuf, FileKind)> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.is_file())
            .filter_map(|p| FileKind::of(&p).filter(|k| is_tf(*k)).map(|k| (p, k)))
            .collect();
        siblings.sort();
        for (path, kind) in siblings {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let display = if dir_display == "." {
                name
            } else {
                format!("{dir_display}/{name}")
            };
            push_member(input, path, display, kind, false);
        }
    }
    dirs
}

/// Adds a file to its directory's input unless it is there already.
fn push_member(
    input: &mut terraform::DirInput,
    path: PathBuf,
    display: String,
    kind: FileKind,
    scanned: bool,
) {
    if kind == FileKind::TerraformVars {
        if !input.var_files.iter().any(|(_, d)| *d == display) {
            input.var_files.push((path, display));
        }
    } else if !input.files.iter().any(|(_, d, _)| *d == display) {
        input.files.push((path, display, scanned));
    }
}

/// The display path of a file's directory (`.` for files in the working directory).
fn parent_display(display: &str) -> String {
    match display.rsplit_once('/') {
        Some(("", _)) => "/".to_string(),
        Some((dir, _)) => dir.to_string(),
        None => ".".to_string(),
    }
}
