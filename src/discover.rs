//! Finding the input files of a scan.
//!
//! Directories are walked with the `ignore` crate (the walker of ripgrep): `.gitignore`,
//! `.ignore` and `.tenetignore` files are honoured (also outside a git repository), and `.git/`,
//! `.terraform/` and `node_modules/` are never entered. Files named explicitly are taken as
//! given. Each file is classified by name; files of no known kind are skipped without a word.
//! Symbolic links are resolved and read only when they lead to a regular file inside the
//! walked tree; links outside it, broken links, loops and pipes or devices are reported.
//! This module reads no file contents; it only decides what the loaders will see.

use std::path::{Path, PathBuf};

use crate::graph::LoadError;

/// Directory names never entered: tool caches and vendored code, not the user's sources.
const SKIPPED_DIRS: &[&str] = &[".git", ".terraform", "node_modules"];

/// The kinds of input tenet can load, decided from the file name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FileKind {
    /// Terraform configuration in native or JSON syntax (`*.tf`, `*.tf.json`).
    Terraform,
    /// Variable values Terraform loads automatically (`terraform.tfvars`, `*.auto.tfvars`,
    /// and their `.json` forms).
    TerraformVars,
    /// Other JSON files: loaders look inside to see what they are (Terraform plan or state
    /// JSON, ARM templates and parameter files, Kubernetes manifests); the others are skipped.
    Json,
    /// Bicep templates (`*.bicep`).
    Bicep,
    /// Bicep parameter files (`*.bicepparam`).
    BicepParams,
    /// YAML files (`*.yaml`, `*.yml`): Kubernetes manifests are loaded, other YAML is skipped.
    Yaml,
}

impl FileKind {
    /// Classifies a path by its file name; `None` for files tenet does not read.
    pub fn of(path: &Path) -> Option<FileKind> {
        let name = path.file_name()?.to_str()?;
        if name.ends_with(".tf") || name.ends_with(".tf.json") {
            return Some(FileKind::Terraform);
        }
        let vars = name.strip_suffix(".json").unwrap_or(name);
        if vars == "terraform.tfvars" || vars.ends_with(".auto.tfvars") {
            return Some(FileKind::TerraformVars);
        }
        if name.ends_with(".json") && !name.ends_with(".tfvars.json") && !name.ends_with(".tf.json")
        {
            return Some(FileKind::Json);
        }
        if name.ends_with(".bicep") {
            return Some(FileKind::Bicep);
        }
        if name.ends_with(".bicepparam") {
            return Some(FileKind::BicepParams);
        }
        if name.ends_with(".yaml") || name.ends_with(".yml") {
            return Some(FileKind::Yaml);
        }
        None
    }

    /// A short name used in reports and the evidence manifest.
    pub fn as_str(self) -> &'static str {
        match self {
            FileKind::Terraform => "terraform",
            FileKind::TerraformVars => "terraform-vars",
            FileKind::Json => "json",
            FileKind::Bicep => "bicep",
            FileKind::BicepParams => "bicep-params",
            FileKind::Yaml => "yaml",
        }
    }
}

/// A file found for the scan.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Discovered {
    /// Path to open.
    pub path: PathBuf,
    /// Path shown in reports: relative to the working directory where possible, `/`-separated.
    pub display: String,
    pub kind: FileKind,
    /// Named on the command line rather than found by walking a directory.
    pub explicit: bool,
}

/// The outcome of discovery: files in a stable order, and the paths that could not be walked.
#[derive(Debug, Default)]
pub struct Discovery {
    pub files: Vec<Discovered>,
    pub errors: Vec<LoadError>,
}

/// Errors that stop discovery before it starts (a path that does not exist is a usage error).
#[derive(Debug, thiserror::Error)]
pub enum DiscoverError {
    #[error("{path}: no such file or directory")]
    NotFound { path: String },
}

/// Finds the input files under `paths`. Display paths are made relative to `base` (the
/// repository root, so that SARIF locations resolve on GitHub).
pub fn discover(paths: &[PathBuf], base: &Path) -> Result<Discovery, DiscoverError> {
    use rayon::prelude::*;
    let shown = Shown::new(Some(base));
    let mut out = Discovery::default();
    // Each path named is looked at (and a file's name made), in parallel: a pull request's
    // or a benchmark's thousands of files are a `stat` each.
    let named: Vec<(std::io::Result<std::fs::Metadata>, Option<String>)> = paths
        .par_iter()
        .with_min_len(256)
        .map(|root| {
            let meta = std::fs::metadata(root);
            let display = match &meta {
                Ok(m) if m.is_file() && FileKind::of(root).is_some() => Some(shown.of(root)),
                _ => None,
            };
            (meta, display)
        })
        .collect();
    for (root, (meta, display)) in paths.iter().zip(named) {
        let meta = meta.map_err(|_| DiscoverError::NotFound {
            path: root.display().to_string(),
        })?;
        if meta.is_file() {
            if let (Some(kind), Some(display)) = (FileKind::of(root), display) {
                out.files.push(Discovered {
                    path: root.clone(),
                    display,
                    kind,
                    explicit: true,
                });
            }
            continue;
        }
        if meta.is_dir() {
            walk_dir(root, &shown, &mut out);
        } else if FileKind::of(root).is_some() {
            // A FIFO, socket or device named on the command line: opening it could block.
            out.errors.push(skipped(
                shown.of(root),
                "not a regular file (a pipe, socket or device): not read",
            ));
        }
    }
    // The same file reached twice (a directory and a file inside it) is kept once, as
    // explicit: explicit entries sort first among equal paths and `dedup_by` keeps the first.
    out.files
        .sort_by(|a, b| a.display.cmp(&b.display).then(b.explicit.cmp(&a.explicit)));
    out.files
        .dedup_by(|later, earlier| later.display == earlier.display);
    out.errors.sort();
    Ok(out)
}

fn walk_dir(root: &Path, shown: &Shown, out: &mut Discovery) {
    // Symbolic links are judged against the tree being walked; a root that cannot be
    // resolved is walked all the same (the walker reports what it cannot read).
    let tree = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let walker = ignore::WalkBuilder::new(root)
        .hidden(false)
        .git_ignore(true)
        .git_exclude(true)
        .git_global(false)
        .require_git(false)
        .follow_links(false)
        .add_custom_ignore_filename(".tenetignore")
        .filter_entry(|entry| {
            let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
            !(is_dir && entry.depth() > 0 && SKIPPED_DIRS.iter().any(|d| entry.file_name() == *d))
        })
        .build();
    for entry in walker {
        match entry {
            Ok(entry) => {
                let Some(file_type) = entry.file_type() else {
                    continue;
                };
                if file_type.is_symlink() {
                    symlink(entry.path(), &tree, shown, out);
                    continue;
                }
                if !file_type.is_file() {
                    if !file_type.is_dir() && FileKind::of(entry.path()).is_some() {
                        out.errors.push(skipped(
                            shown.of(entry.path()),
                            "not a regular file (a pipe, socket or device): not read",
                        ));
                    }
                    continue;
                }
                let path = entry.into_path();
                if let Some(kind) = FileKind::of(&path) {
                    out.files.push(Discovered {
                        display: shown.of(&path),
                        path,
                        kind,
                        explicit: false,
                    });
                }
            }
            Err(err) => {
                let file = match &err {
                    ignore::Error::WithPath { path, .. } => shown.of(path),
                    _ => shown.of(root),
                };
                out.errors.push(skipped(
                    file,
                    &format!("cannot read: {}", strip_path_prefix(&err.to_string())),
                ));
            }
        }
    }
}

/// A symbolic link met in a walk (links are never followed blindly):
/// - to a regular file inside the walked tree: loaded under the link's own path, as Terraform
///   and Bicep would read it (a `versions.tf` shared by several modules, say);
/// - to a directory inside the tree: not entered, since its files are scanned under their own
///   paths; a link to one of its own ancestors is a loop and reported;
/// - to anything outside the tree, or broken, or looping: reported and not read, so that a
///   scan never reads outside what it was pointed at.
fn symlink(link: &Path, tree: &Path, shown: &Shown, out: &mut Discovery) {
    let display = shown.of(link);
    let target = match std::fs::canonicalize(link) {
        Ok(t) => t,
        Err(e) => {
            let why = if is_loop(&e) {
                "symbolic link loop: not followed".to_string()
            } else if e.kind() == std::io::ErrorKind::NotFound {
                let to = std::fs::read_link(link)
                    .map(|t| t.display().to_string())
                    .unwrap_or_default();
                format!("broken symbolic link (to {to}, which does not exist): not read")
            } else {
                format!("symbolic link that cannot be resolved ({e}): not read")
            };
            out.errors.push(skipped(display, &why));
            return;
        }
    };
    if !target.starts_with(tree) {
        out.errors.push(skipped(
            display,
            &format!(
                "symbolic link to {}, outside the scanned tree {}: not read",
                target.display(),
                tree.display()
            ),
        ));
        return;
    }
    if target.is_dir() {
        let parent = link
            .parent()
            .and_then(|p| std::fs::canonicalize(p).ok())
            .unwrap_or_default();
        if parent.starts_with(&target) {
            out.errors.push(skipped(
                display,
                &format!(
                    "symbolic link loop (to {}, a directory containing the link): not followed",
                    target.display()
                ),
            ));
        }
        return;
    }
    let Some(kind) = FileKind::of(link) else {
        return;
    };
    if !target.is_file() {
        out.errors.push(skipped(
            display,
            "symbolic link to something other than a regular file: not read",
        ));
        return;
    }
    out.files.push(Discovered {
        path: link.to_path_buf(),
        display,
        kind,
        explicit: false,
    });
}

fn is_loop(e: &std::io::Error) -> bool {
    // ELOOP (`ErrorKind::FilesystemLoop` is not stable yet): 40 on Linux, 62 on macOS and BSDs.
    let eloop = if cfg!(target_os = "linux") { 40 } else { 62 };
    cfg!(unix) && e.raw_os_error() == Some(eloop)
}

fn skipped(file: String, message: &str) -> LoadError {
    LoadError {
        file,
        line: None,
        column: None,
        message: message.to_string(),
        file_skipped: true,
    }
}

/// `ignore` errors repeat the path in their text ("path: reason"); keep the reason.
fn strip_path_prefix(msg: &str) -> &str {
    msg.rsplit_once(": ").map_or(msg, |(_, reason)| reason)
}

/// The path as shown to users: relative to `base` when inside it (else absolute), without
/// `.` or `..` components, `/`-separated.
pub fn display_path(path: &Path, base: Option<&Path>) -> String {
    Shown::new(base).of(path)
}

/// Paths as shown to users ([`display_path`]), with the working directory read and the base
/// normalized once for all of them.
pub struct Shown {
    cwd: Option<PathBuf>,
    base: Option<PathBuf>,
}

impl Shown {
    pub fn new(base: Option<&Path>) -> Shown {
        Shown {
            cwd: std::env::current_dir().ok(),
            base: base.map(normalize),
        }
    }

    pub fn of(&self, path: &Path) -> String {
        // `absolute` would read the working directory again for each relative path.
        let joined;
        let path = match &self.cwd {
            Some(cwd) if path.is_relative() => {
                joined = cwd.join(path);
                joined.as_path()
            }
            _ => path,
        };
        let absolute = normalize(&std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()));
        let rel = match &self.base {
            Some(base) => absolute.strip_prefix(base).unwrap_or(&absolute),
            None => &absolute,
        };
        let mut out = String::new();
        for (i, comp) in rel.components().enumerate() {
            if i > 0 {
                out.push('/');
            }
            match comp {
                std::path::Component::RootDir => {}
                other => out.push_str(&other.as_os_str().to_string_lossy()),
            }
        }
        if out.is_empty() { ".".to_string() } else { out }
    }
}

/// Removes `.` and resolves `..` lexically (symlinks are not followed).
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for comp in path.components() {
        match comp {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// The directory paths are shown relative to: the root of the git work tree containing
/// `cwd` (so SARIF and ids match the repository), or `cwd` itself outside a repository.
pub fn default_base(cwd: &Path) -> PathBuf {
    let mut dir = Some(cwd);
    while let Some(d) = dir {
        if d.join(".git").exists() {
            return d.to_path_buf();
        }
        dir = d.parent();
    }
    cwd.to_path_buf()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_paths_are_relative_and_slashed() {
        let base = Path::new("/repo");
        assert_eq!(
            display_path(Path::new("/repo/a/b.tf"), Some(base)),
            "a/b.tf"
        );
        assert_eq!(
            display_path(Path::new("/repo/./a/../c/b.tf"), Some(base)),
            "c/b.tf"
        );
        assert_eq!(
            display_path(Path::new("/other/x.tf"), Some(base)),
            "/other/x.tf"
        );
        assert_eq!(display_path(Path::new("/repo"), Some(base)), ".");
        let cwd = std::env::current_dir().unwrap();
        assert_eq!(display_path(Path::new("./a/b.tf"), Some(&cwd)), "a/b.tf");
    }

    #[test]
    fn classifies_by_name() {
        assert_eq!(
            FileKind::of(Path::new("a/main.tf")),
            Some(FileKind::Terraform)
        );
        assert_eq!(FileKind::of(Path::new("a/README.md")), None);
        assert_eq!(
            FileKind::of(Path::new("a/main.bicep")),
            Some(FileKind::Bicep)
        );
        assert_eq!(
            FileKind::of(Path::new("a/dev.bicepparam")),
            Some(FileKind::BicepParams)
        );
        assert_eq!(FileKind::of(Path::new("k/pod.yml")), Some(FileKind::Yaml));
        assert_eq!(FileKind::of(Path::new("a/x.tfstate")), None);
    }

    #[test]
    fn walks_honouring_ignores_and_skipped_dirs() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for f in [
            "main.tf",
            "sub/net.tf",
            ".terraform/modules/x/main.tf",
            "node_modules/y/main.tf",
            "ignored/skip.tf",
            "notes.txt",
        ] {
            let p = root.join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(&p, "").unwrap();
        }
        std::fs::write(root.join(".gitignore"), "ignored/\n").unwrap();
        let found = discover(&[root.to_path_buf()], root).unwrap();
        let names: Vec<_> = found
            .files
            .iter()
            .map(|f| {
                f.path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/")
            })
            .collect();
        assert_eq!(names, vec!["main.tf", "sub/net.tf"]);
        assert!(found.errors.is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn symbolic_links_are_read_inside_the_tree_and_reported_otherwise() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().unwrap();
        let outside = dir.path().join("outside");
        let tree = dir.path().join("tree");
        std::fs::create_dir_all(tree.join("shared")).unwrap();
        std::fs::create_dir_all(tree.join("mod")).unwrap();
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::write(outside.join("secret.tf"), "").unwrap();
        std::fs::write(tree.join("shared/versions.tf"), "").unwrap();
        symlink("../shared/versions.tf", tree.join("mod/versions.tf")).unwrap();
        symlink("../../outside/secret.tf", tree.join("mod/escape.tf")).unwrap();
        symlink("../outside", tree.join("outdir")).unwrap();
        symlink("..", tree.join("mod/up")).unwrap();
        symlink("shared", tree.join("alias")).unwrap();
        symlink("nowhere.tf", tree.join("broken.tf")).unwrap();
        symlink("loop2.tf", tree.join("loop1.tf")).unwrap();
        symlink("loop1.tf", tree.join("loop2.tf")).unwrap();
        let fifo = tree.join("pipe.tf");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        let found = discover(std::slice::from_ref(&tree), &tree).unwrap();
        let files: Vec<&str> = found.files.iter().map(|f| f.display.as_str()).collect();
        // The link inside the tree is read under its own path; `alias/` is not entered (its
        // file is scanned as shared/versions.tf); nothing outside the tree is listed.
        assert_eq!(files, vec!["mod/versions.tf", "shared/versions.tf"]);
        let errors: Vec<(String, String)> = found
            .errors
            .iter()
            .map(|e| (e.file.clone(), e.message.clone()))
            .collect();
        let message = |file: &str| {
            errors
                .iter()
                .find(|(f, _)| f == file)
                .map(|(_, m)| m.clone())
                .unwrap_or_else(|| panic!("{file} not reported: {errors:?}"))
        };
        assert!(message("mod/escape.tf").contains("outside the scanned tree"));
        assert!(message("outdir").contains("outside the scanned tree"));
        assert!(message("mod/up").contains("symbolic link loop"));
        assert!(message("broken.tf").contains("broken symbolic link (to nowhere.tf"));
        assert!(message("loop1.tf").contains("symbolic link loop"));
        assert!(message("loop2.tf").contains("symbolic link loop"));
        if made.is_ok_and(|s| s.success()) {
            assert!(message("pipe.tf").contains("not a regular file"));
        }
        assert!(found.errors.iter().all(|e| e.file_skipped));
        assert!(!errors.iter().any(|(f, _)| f == "alias"));
    }

    #[test]
    fn explicit_file_and_its_directory_are_not_duplicated() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("main.tf");
        std::fs::write(&f, "").unwrap();
        let found = discover(&[dir.path().to_path_buf(), f.clone()], dir.path()).unwrap();
        assert_eq!(found.files.len(), 1);
        assert!(found.files[0].explicit);
    }

    #[test]
    fn missing_path_is_an_error() {
        let err = discover(&[PathBuf::from("/definitely/not/here")], Path::new("/")).unwrap_err();
        assert!(err.to_string().contains("/definitely/not/here"));
    }
}
