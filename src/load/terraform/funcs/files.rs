//! Filesystem functions: `file`, `fileexists`, `filebase64` and the file hashes.
//!
//! Terraform resolves a relative path against the directory it runs in and cleans it lexically
//! (`a/../b` is `b`, whatever `a` is); `~` means the user's home directory. tenet reads a file
//! only when [`EvalContext::fs_dir`] and [`EvalContext::fs_root`] are set and the file, with
//! every symbolic link resolved, lies inside `fs_root`: anything else (including `~`) is
//! unknown, never read. Files above [`MAX_FILE_BYTES`], and non-regular files, are unknown too.

use std::io::Read;
use std::path::{Component, Path, PathBuf};

use sha2::{Digest, Sha256, Sha512};

use super::super::module::EvalContext;
use super::super::value::{EvalError, EvalResult, Val, err};
use super::strings::{base64_encode, hex};
use super::{arity, string_arg};

/// Largest file read; a bigger one gives an unknown result.
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// Where a path leads, as far as tenet may look.
enum Target {
    /// An existing entry inside the root (its canonical path).
    Entry(PathBuf),
    /// Nothing exists there, and the nearest existing ancestor is inside the root.
    Missing,
    /// Outside the root, through `~`, no directories known, or an I/O error.
    Unknown,
}

/// `file`, `fileexists`, `filebase64`, `filesha256`, `filesha512`, `filebase64sha256`,
/// `filebase64sha512`.
pub fn call(name: &str, args: Vec<Val>, ctx: &EvalContext) -> EvalResult {
    let [path] = arity::<1>(name, args)?;
    let path = string_arg(name, &path)?;
    let target = resolve(name, &path, ctx)?;
    if name == "fileexists" {
        return exists(&path, target);
    }
    let real = match target {
        Target::Entry(real) => real,
        Target::Missing => {
            return err(format!(
                "{name}: no file exists at {path}; this function works only with files that are distributed as part of the configuration source code, so if this file will be created by a resource in this configuration you must instead obtain this result from an attribute of that resource"
            ));
        }
        Target::Unknown => return Ok(Val::Unknown),
    };
    let Some(bytes) = read_capped(name, &path, &real)? else {
        return Ok(Val::Unknown);
    };
    Ok(Val::String(match name {
        "file" => String::from_utf8(bytes).map_err(|_| {
            EvalError(format!(
                "file: contents of {path} are not valid UTF-8; use the filebase64 function to obtain the Base64 encoded contents or the other file functions (e.g. filemd5, filesha256) to obtain file hashing results instead"
            ))
        })?,
        "filebase64" => base64_encode(&bytes),
        "filesha256" => hex(&Sha256::digest(&bytes)),
        "filesha512" => hex(&Sha512::digest(&bytes)),
        "filebase64sha256" => base64_encode(&Sha256::digest(&bytes)),
        "filebase64sha512" => base64_encode(&Sha512::digest(&bytes)),
        _ => return Ok(Val::Unknown),
    }))
}

/// `fileexists`: true for a regular file, false when nothing is there, an error for a directory
/// or any other kind of entry (as Terraform's `os.Stat` check).
fn exists(path: &str, target: Target) -> EvalResult {
    match target {
        Target::Missing => Ok(Val::Bool(false)),
        Target::Unknown => Ok(Val::Unknown),
        Target::Entry(real) => match std::fs::metadata(real) {
            Ok(m) if m.is_file() => Ok(Val::Bool(true)),
            Ok(m) if m.is_dir() => err(format!("fileexists: {path} is a directory, not a file")),
            Ok(_) => err(format!("fileexists: {path} is not a regular file")),
            Err(_) => Ok(Val::Unknown),
        },
    }
}

/// The file's bytes; `None` when it is too big, not a regular file, or unreadable.
fn read_capped(name: &str, path: &str, real: &Path) -> Result<Option<Vec<u8>>, EvalError> {
    let Ok(meta) = std::fs::metadata(real) else {
        return Ok(None);
    };
    if meta.is_dir() {
        // Go opens a directory, then fails to read it.
        return err(format!(
            "{name}: failed to read file: read {path}: is a directory"
        ));
    }
    if !meta.is_file() || meta.len() > MAX_FILE_BYTES {
        return Ok(None);
    }
    let Ok(file) = std::fs::File::open(real) else {
        return Ok(None);
    };
    let mut bytes = Vec::new();
    match file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes) {
        Ok(n) if (n as u64) <= MAX_FILE_BYTES => Ok(Some(bytes)),
        _ => Ok(None),
    }
}

/// Resolves `path` as Terraform would open it, and decides whether tenet may look there.
fn resolve(name: &str, path: &str, ctx: &EvalContext) -> Result<Target, EvalError> {
    let (Some(dir), Some(root)) = (&ctx.fs_dir, &ctx.fs_root) else {
        return Ok(Target::Unknown);
    };
    if let Some(rest) = path.strip_prefix('~') {
        if !rest.is_empty() && !rest.starts_with(['/', '\\']) {
            return err(format!(
                "{name}: failed to expand ~: cannot expand user-specific home dir"
            ));
        }
        // The home directory is not part of the scanned tree.
        return Ok(Target::Unknown);
    }
    let joined = if Path::new(path).is_absolute() {
        PathBuf::from(path)
    } else {
        dir.join(path)
    };
    let cleaned = clean(&joined);
    let Ok(root) = root.canonicalize() else {
        return Ok(Target::Unknown);
    };
    match cleaned.canonicalize() {
        Ok(real) if real.starts_with(&root) => Ok(Target::Entry(real)),
        Ok(_) => Ok(Target::Unknown),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            // Missing: decided by the nearest ancestor that exists.
            let mut ancestor = cleaned.parent();
            while let Some(a) = ancestor {
                match a.canonicalize() {
                    Ok(real) if real.starts_with(&root) => return Ok(Target::Missing),
                    Ok(_) => return Ok(Target::Unknown),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                        ancestor = a.parent();
                    }
                    Err(_) => return Ok(Target::Unknown),
                }
            }
            Ok(Target::Unknown)
        }
        Err(_) => Ok(Target::Unknown),
    }
}

/// Lexical cleaning as Go's `filepath.Clean`: `.` dropped, `..` removes the previous
/// component (and is dropped at the root), without looking at the filesystem.
fn clean(path: &Path) -> PathBuf {
    let mut out: Vec<Component> = Vec::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => match out.last() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(c),
            },
            _ => out.push(c),
        }
    }
    if out.is_empty() {
        return PathBuf::from(".");
    }
    out.iter().collect()
}
