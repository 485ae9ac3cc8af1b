//! Changed-only mode (`--diff-base REF`): which lines of which files changed since a git
//! revision, and so which findings a pull request introduced.
//!
//! The comparison is between the working tree (committed or not, untracked files included)
//! and the merge base of `REF` and `HEAD`, as a pull request's "Files changed" view shows it.
//! When no merge base can be found (a shallow clone that holds only the checked-out merge
//! commit and the fetched base), the working tree is compared with `REF` itself, which for a
//! pull request's merge commit is the same set of changes.
//!
//! A finding is **new** when the block of its resource (or the module call that created the
//! resource) overlaps a changed line, or lost a line inside it; every other finding is
//! **pre-existing**: still reported, but it does not fail the run.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::finding::Finding;
use crate::graph::{Resource, ResourceGraph};

#[derive(Debug, Error)]
pub enum DiffError {
    #[error("--diff-base {reference}: cannot run git ({source}); changed-only mode needs git")]
    NoGit {
        reference: String,
        source: std::io::Error,
    },
    #[error("--diff-base {reference}: {dir} is not inside a git work tree")]
    NotARepository { reference: String, dir: String },
    #[error(
        "--diff-base {reference}: no such commit in this clone (in a shallow clone, fetch it \
         first: `git fetch --depth=1 origin {reference}`)"
    )]
    UnknownRevision { reference: String },
    #[error("--diff-base {reference}: `git {command}` failed: {message}")]
    Git {
        reference: String,
        command: String,
        message: String,
    },
}

/// How a file changed: added as a whole, or at some lines.
#[derive(Debug, Clone, PartialEq, Eq)]
enum FileChange {
    /// New, or untracked: every line is new.
    Whole,
    Lines {
        /// Inclusive ranges of added or replaced lines (new file numbering).
        spans: Vec<(u32, u32)>,
        /// Lines were removed right after each of these lines (0: before the first).
        gaps: Vec<u32>,
    },
}

/// The changes since the base, keyed by path relative to the repository's top level.
#[derive(Debug, Clone)]
pub struct Changes {
    files: BTreeMap<String, FileChange>,
    /// Files git tracks: those not in `files` are unchanged. A file it neither tracks nor
    /// lists as untracked (ignored, or outside the repository) cannot be compared, so it
    /// counts as changed (fail closed).
    tracked: HashSet<String>,
    /// The scan's base directory relative to the top level (`""` when they are the same).
    prefix: PathBuf,
    top: PathBuf,
    pub summary: DiffSummary,
}

/// What the report says about the comparison.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiffSummary {
    /// The revision given to `--diff-base`.
    pub reference: String,
    /// The commit compared with: the merge base of the reference and HEAD, else the reference.
    pub base_commit: String,
    /// Whether `base_commit` is a merge base (false: the reference itself, none was found).
    pub merge_base: bool,
    /// Files changed since the base commit (untracked files included).
    pub changed_files: usize,
}

/// A finding's state relative to the diff base.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DiffState {
    /// On a resource added or changed since the base: it fails the run.
    New,
    /// On a resource untouched since the base: reported, never failing.
    PreExisting,
}

fn git(dir: &Path, args: &[&str], reference: &str) -> Result<std::process::Output, DiffError> {
    Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "core.quotePath=false"])
        .args(args)
        .output()
        .map_err(|source| DiffError::NoGit {
            reference: reference.to_string(),
            source,
        })
}

/// Standard output of a command, trimmed.
fn stdout_text(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// The NUL-separated paths a git command (`-z`) lists.
fn git_paths(dir: &Path, args: &[&str], reference: &str) -> Result<Vec<String>, DiffError> {
    Ok(git_ok(dir, args, reference)?
        .split('\0')
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect())
}

/// Standard output of a git command that must succeed.
fn git_ok(dir: &Path, args: &[&str], reference: &str) -> Result<String, DiffError> {
    let out = git(dir, args, reference)?;
    if !out.status.success() {
        return Err(DiffError::Git {
            reference: reference.to_string(),
            command: args.join(" "),
            message: String::from_utf8_lossy(&out.stderr).trim().to_string(),
        });
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

impl Changes {
    /// The changes of the work tree containing `base` since `reference`.
    pub fn since(reference: &str, base: &Path) -> Result<Changes, DiffError> {
        let top_out = git(base, &["rev-parse", "--show-toplevel"], reference)?;
        if !top_out.status.success() {
            return Err(DiffError::NotARepository {
                reference: reference.to_string(),
                dir: base.display().to_string(),
            });
        }
        let top = PathBuf::from(stdout_text(&top_out));
        let top = top.canonicalize().unwrap_or(top);
        // (A revision cannot start with `-`: it would be read as an option.)
        let commit_out = git(
            &top,
            &[
                "rev-parse",
                "--verify",
                "--quiet",
                &format!("{reference}^{{commit}}"),
            ],
            reference,
        )?;
        if reference.starts_with('-') || !commit_out.status.success() {
            return Err(DiffError::UnknownRevision {
                reference: reference.to_string(),
            });
        }
        let commit = stdout_text(&commit_out);
        let merge = git(&top, &["merge-base", &commit, "HEAD"], reference)?;
        let (base_commit, merge_base) = if merge.status.success() {
            (stdout_text(&merge), true)
        } else {
            (commit, false)
        };
        let patch = git_ok(
            &top,
            &[
                "diff",
                "--no-color",
                "--no-ext-diff",
                "--no-textconv",
                "--unified=0",
                "--find-renames",
                "--diff-filter=ACMRT",
                "--src-prefix=a/",
                "--dst-prefix=b/",
                &base_commit,
                "--",
            ],
            reference,
        )?;
        let mut files = parse_patch(&patch);
        // Files the patch shows without line ranges (binary files, pure renames) changed as
        // a whole.
        let names = git_paths(
            &top,
            &[
                "diff",
                "--no-ext-diff",
                "--name-only",
                "-z",
                "--find-renames",
                "--diff-filter=ACMRT",
                &base_commit,
                "--",
            ],
            reference,
        )?;
        for path in names {
            files.entry(path).or_insert(FileChange::Whole);
        }
        let tracked = git_paths(&top, &["ls-files", "-z"], reference)?
            .into_iter()
            .collect();
        let untracked = git_paths(
            &top,
            &["ls-files", "--others", "--exclude-standard", "-z"],
            reference,
        )?;
        for path in untracked {
            files.insert(path, FileChange::Whole);
        }
        let base_abs = base.canonicalize().unwrap_or_else(|_| base.to_path_buf());
        let prefix = base_abs
            .strip_prefix(&top)
            .map(Path::to_path_buf)
            .unwrap_or_default();
        Ok(Changes {
            summary: DiffSummary {
                reference: reference.to_string(),
                base_commit,
                merge_base,
                changed_files: files.len(),
            },
            files,
            tracked,
            prefix,
            top,
        })
    }

    /// The repository path of a file as findings name it (relative to the scan's base, or
    /// absolute outside it).
    fn key(&self, file: &str) -> Option<String> {
        let path = Path::new(file);
        let rel = if path.is_absolute() {
            let abs = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
            abs.strip_prefix(&self.top).ok()?.to_path_buf()
        } else {
            self.prefix.join(path)
        };
        let parts: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        Some(parts.join("/"))
    }

    /// Whether lines `start..=end` of `file` were added, replaced or lost a line inside them.
    /// A file git cannot compare (ignored, or outside the repository) counts as changed.
    pub fn touches(&self, file: &str, start: u32, end: u32) -> bool {
        self.compare(file, start, end).unwrap_or(true)
    }

    /// Whether lines `start..=end` of `file` changed, or `None` when git cannot say (the file
    /// is neither changed, tracked nor untracked: ignored, or outside the repository).
    fn compare(&self, file: &str, start: u32, end: u32) -> Option<bool> {
        let key = self.key(file)?;
        let Some(change) = self.files.get(&key) else {
            return self.tracked.contains(&key).then_some(false);
        };
        Some(match change {
            FileChange::Whole => true,
            FileChange::Lines { spans, gaps } => {
                spans.iter().any(|&(s, e)| s <= end && start <= e)
                    || gaps.iter().any(|&g| start <= g && g < end)
            }
        })
    }

    /// Marks each finding new or pre-existing.
    pub fn classify(&self, graph: &ResourceGraph, findings: &mut [Finding]) {
        for f in findings {
            f.diff = Some(if self.is_new(graph, f) {
                DiffState::New
            } else {
                DiffState::PreExisting
            });
        }
    }

    fn is_new(&self, graph: &ResourceGraph, f: &Finding) -> bool {
        let resource = graph
            .resources
            .binary_search_by(|r| r.id.as_str().cmp(&f.resource.id))
            .ok()
            .map(|i| &graph.resources[i]);
        let Some(src) = resource.and_then(Resource::file_source) else {
            // Live resources have no lines; a resource the graph lost is judged by the
            // finding's own place.
            return match (&f.location.file(), f.location.line()) {
                (Some(file), Some(line)) => self.touches(file, line, line),
                _ => true,
            };
        };
        self.source_changed(src)
    }

    /// Whether a block changed: its lines, or the module call that made it. A block in a file
    /// git cannot compare changed, unless a module call made it: a module installed outside
    /// the repository (`.terraform/modules`, ignored) changes through its call (its source
    /// and version), not on every run.
    fn source_changed(&self, src: &crate::graph::FileSource) -> bool {
        self.compare(&src.file, src.start_line, src.end_line)
            .unwrap_or(src.call_site.is_none())
            || src.call_site.as_ref().is_some_and(|site| {
                self.touches(&site.file, site.line, site.end_line.max(site.line))
            })
    }
}

/// Parses a `git diff --unified=0` patch into changed lines per file (new paths).
fn parse_patch(patch: &str) -> BTreeMap<String, FileChange> {
    let mut files = BTreeMap::new();
    let mut current: Option<String> = None;
    let mut new_file = false;
    // Between `diff --git` and the first hunk: lines there are headers, not content (an
    // added line `++ x` shows as `+++ x` in a hunk).
    let mut in_header = false;
    for line in patch.lines() {
        if line.starts_with("diff --git ") {
            current = None;
            new_file = false;
            in_header = true;
        } else if in_header && line.starts_with("new file mode") {
            new_file = true;
        } else if in_header && let Some(path) = line.strip_prefix("+++ ") {
            // git ends a name that has a space with a tab.
            let path = path.strip_suffix('\t').unwrap_or(path);
            current = unquote(path)
                .and_then(|p| p.strip_prefix("b/").map(str::to_string))
                .filter(|_| path != "/dev/null");
            if let Some(p) = &current {
                files.insert(
                    p.clone(),
                    if new_file {
                        FileChange::Whole
                    } else {
                        FileChange::Lines {
                            spans: Vec::new(),
                            gaps: Vec::new(),
                        }
                    },
                );
            }
        } else if let Some(hunk) = line.strip_prefix("@@ ") {
            in_header = false;
            if let Some(FileChange::Lines { spans, gaps }) =
                current.as_ref().and_then(|p| files.get_mut(p))
                && let Some((start, count)) = hunk_new_range(hunk)
            {
                if count == 0 {
                    gaps.push(start);
                } else {
                    spans.push((start, start + count - 1));
                }
            }
        }
    }
    files
}

/// `-a,b +c,d @@ ...` → `(c, d)` (`d` defaults to 1).
fn hunk_new_range(hunk: &str) -> Option<(u32, u32)> {
    let new = hunk.split_whitespace().find_map(|w| w.strip_prefix('+'))?;
    match new.split_once(',') {
        Some((s, n)) => Some((s.parse().ok()?, n.parse().ok()?)),
        None => Some((new.parse().ok()?, 1)),
    }
}

/// A path as git prints it: plain, or C-quoted (`"b/a\"b"`) when it has special characters.
fn unquote(path: &str) -> Option<std::borrow::Cow<'_, str>> {
    let Some(inner) = path.strip_prefix('"').and_then(|p| p.strip_suffix('"')) else {
        return Some(path.into());
    };
    let mut bytes = Vec::new();
    let mut chars = inner.bytes();
    while let Some(b) = chars.next() {
        if b != b'\\' {
            bytes.push(b);
            continue;
        }
        match chars.next()? {
            b'n' => bytes.push(b'\n'),
            b't' => bytes.push(b'\t'),
            b'"' => bytes.push(b'"'),
            b'\\' => bytes.push(b'\\'),
            d @ b'0'..=b'7' => {
                let d2 = chars.next()?;
                let d3 = chars.next()?;
                let octal = [d, d2, d3];
                let s = std::str::from_utf8(&octal).ok()?;
                bytes.push(u8::from_str_radix(s, 8).ok()?);
            }
            other => bytes.push(other),
        }
    }
    String::from_utf8(bytes).ok().map(Into::into)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PATCH: &str = "\
diff --git a/main.tf b/main.tf
index 1111111..2222222 100644
--- a/main.tf
+++ b/main.tf
@@ -3 +3 @@ resource \"aws_s3_bucket\" \"a\" {
-  bucket = \"x\"
+  bucket = \"y\"
@@ -10,2 +9,0 @@ resource \"aws_s3_bucket\" \"b\" {
-  a = 1
-  b = 2
@@ -20,0 +20,3 @@
+x
+y
+z
diff --git a/new.tf b/new.tf
new file mode 100644
index 0000000..3333333
--- /dev/null
+++ b/new.tf
@@ -0,0 +1,2 @@
+a
+b
diff --git a/my file.tf b/my file.tf
index 1111111..2222222 100644
--- a/my file.tf	
+++ b/my file.tf	
@@ -4,0 +5,2 @@
+++ not a header
+x
@@ -9 +11 @@
-a
+b
diff --git \"a/sp\\303\\244ce \\\"q\\\".tf\" \"b/sp\\303\\244ce \\\"q\\\".tf\"
--- \"a/sp\\303\\244ce \\\"q\\\".tf\"
+++ \"b/sp\\303\\244ce \\\"q\\\".tf\"
@@ -1 +1 @@
-a
+b
";

    fn changes() -> Changes {
        Changes {
            files: parse_patch(PATCH),
            tracked: ["main.tf", "other.tf", "infra/main.tf"]
                .map(String::from)
                .into(),
            prefix: PathBuf::new(),
            top: PathBuf::from("/nonexistent"),
            summary: DiffSummary {
                reference: "main".into(),
                base_commit: "0".into(),
                merge_base: true,
                changed_files: 3,
            },
        }
    }

    #[test]
    fn parses_hunks_gaps_new_and_quoted_files() {
        let files = parse_patch(PATCH);
        assert_eq!(
            files.get("main.tf"),
            Some(&FileChange::Lines {
                spans: vec![(3, 3), (20, 22)],
                gaps: vec![9],
            })
        );
        assert_eq!(files.get("new.tf"), Some(&FileChange::Whole));
        assert!(files.contains_key("späce \"q\".tf"), "{files:?}");
        // A name with a space ends with a tab; a content line `++ x` is no header.
        assert_eq!(
            files.get("my file.tf"),
            Some(&FileChange::Lines {
                spans: vec![(5, 6), (11, 11)],
                gaps: vec![],
            })
        );
        assert!(
            !files.keys().any(|k| k.contains("not a header")),
            "{files:?}"
        );
    }

    #[test]
    fn blocks_touched_by_changed_lines_and_deletions() {
        let c = changes();
        assert!(c.touches("main.tf", 1, 5), "replaced line inside");
        assert!(!c.touches("main.tf", 4, 8), "nothing changed at 4..8");
        assert!(
            c.touches("main.tf", 8, 12),
            "lines removed after 9, inside 8..12"
        );
        assert!(
            !c.touches("main.tf", 10, 12),
            "removal just before the block"
        );
        assert!(
            !c.touches("main.tf", 5, 9),
            "removal right after the block's last line"
        );
        assert!(c.touches("main.tf", 22, 30), "added lines overlap");
        assert!(c.touches("new.tf", 1, 1));
        assert!(!c.touches("other.tf", 1, 100), "tracked and unchanged");
        assert!(
            c.touches("ignored.tf", 1, 1),
            "neither tracked nor listed: fail closed"
        );
        assert!(c.touches("/elsewhere/x.tf", 1, 1), "outside the repository");
    }

    fn source(
        file: &str,
        start: u32,
        end: u32,
        call: Option<(u32, u32)>,
    ) -> crate::graph::FileSource {
        crate::graph::FileSource {
            file: file.into(),
            start_line: start,
            end_line: end,
            call_site: call.map(|(line, end_line)| {
                std::sync::Arc::new(crate::graph::CallSite {
                    file: "main.tf".into(),
                    line,
                    end_line,
                })
            }),
            regions: Default::default(),
            block: Default::default(),
        }
    }

    #[test]
    fn module_blocks_change_with_their_call_and_installed_modules_only_so() {
        let c = changes();
        // In the repository: the block or the call.
        assert!(
            c.source_changed(&source("other.tf", 1, 5, Some((3, 3)))),
            "call changed"
        );
        assert!(
            !c.source_changed(&source("other.tf", 1, 5, Some((4, 8)))),
            "neither"
        );
        // An installed module (ignored by git): only its call decides.
        let installed = ".terraform/modules/x/main.tf";
        assert!(!c.source_changed(&source(installed, 1, 5, Some((4, 8)))));
        assert!(c.source_changed(&source(installed, 1, 5, Some((1, 3)))));
        // Not comparable and not made by a call: changed.
        assert!(c.source_changed(&source(installed, 1, 5, None)));
    }

    #[test]
    fn paths_below_a_base_that_is_not_the_top_level() {
        let mut c = changes();
        c.files.insert("infra/prod/x.tf".into(), FileChange::Whole);
        c.prefix = PathBuf::from("infra");
        assert!(c.touches("prod/x.tf", 1, 1));
        assert!(
            !c.touches("main.tf", 3, 3),
            "main.tf is at the top, not in infra/"
        );
    }

    #[test]
    fn hunk_ranges() {
        assert_eq!(hunk_new_range("-1 +2 @@"), Some((2, 1)));
        assert_eq!(hunk_new_range("-1,0 +2,5 @@ ctx"), Some((2, 5)));
        assert_eq!(hunk_new_range("-1 +x @@"), None);
    }
}
