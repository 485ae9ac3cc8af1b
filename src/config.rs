//! `.tenet.yaml`: a repository's choices, found by walking up from the scanned path (or named
//! with `--config`).
//!
//! ```yaml
//! frameworks: [soc2, pci-dss-4.0]      # report on these; rules mapped to none of them are not run
//! rules:
//!   aws-s3-versioning: {enabled: false}
//!   "k8s-*": {severity: high}          # keys are rule ids or globs over them
//! params:                              # handed to policies as data.config
//!   min_log_retention_days: 400
//! exceptions: .tenet/exceptions.yaml   # paths are relative to this file
//! baseline: .tenet/baseline.json
//! policies: [policies/custom]
//! fail_on: high
//! inline_suppressions: true
//! limits:                              # bounds on what one input may cost (docs/robustness.md)
//!   hcl-parse-seconds: 30
//!   yaml-alias-values: 1000000
//! admission:                           # `tenet serve` only (see docs/admission-webhook.md)
//!   mode: enforce                      # enforce (deny), warn (admit with warnings), audit (admit, log)
//!   rules: {"k8s-image-tag": warn}     # per-rule modes; keys are rule ids or globs
//!   exclude_namespaces: [kube-system]  # the default; globs
//!   exclude_selector: {matchLabels: {tenet.dev/exempt: "true"}}
//!   on_error: deny                     # deny or allow when a review cannot be completed
//!   deadline_ms: 2000
//! ```
//!
//! Unknown keys, unknown frameworks, rules and parameters are errors with the file and line:
//! a typo must never silently turn a check off.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::policy::{PolicySet, Severity};

/// The file name looked for.
pub const FILE_NAME: &str = ".tenet.yaml";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {message}")]
pub struct ConfigError {
    pub file: String,
    pub line: u32,
    pub message: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub frameworks: Vec<String>,
    #[serde(default)]
    pub rules: BTreeMap<String, RuleConfig>,
    #[serde(default)]
    pub params: BTreeMap<String, serde_json::Value>,
    pub exceptions: Option<PathBuf>,
    pub baseline: Option<PathBuf>,
    #[serde(default)]
    pub policies: Vec<PathBuf>,
    pub fail_on: Option<String>,
    pub inline_suppressions: Option<bool>,
    /// Bounds by name ([`crate::limits::NAMES`]); `--limit` and the dedicated flags win.
    #[serde(default)]
    pub limits: BTreeMap<String, u64>,
    pub admission: Option<AdmissionConfig>,
}

/// What the admission webhook does with a rule's violation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EnforcementMode {
    /// Deny the request.
    Enforce,
    /// Admit it, with a warning to the client.
    Warn,
    /// Admit it silently; the violation is logged and counted.
    Audit,
}

impl EnforcementMode {
    pub fn as_str(self) -> &'static str {
        match self {
            EnforcementMode::Enforce => "enforce",
            EnforcementMode::Warn => "warn",
            EnforcementMode::Audit => "audit",
        }
    }
}

/// What to answer when a review cannot be completed (deadline, rule error).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OnError {
    Deny,
    Allow,
}

/// The `admission:` section.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdmissionConfig {
    pub mode: Option<EnforcementMode>,
    #[serde(default)]
    pub rules: BTreeMap<String, EnforcementMode>,
    pub exclude_namespaces: Option<Vec<String>>,
    pub exclude_selector: Option<LabelSelector>,
    pub on_error: Option<OnError>,
    pub deadline_ms: Option<u64>,
}

/// A Kubernetes label selector (`matchLabels` and `matchExpressions`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct LabelSelector {
    #[serde(default)]
    pub match_labels: BTreeMap<String, String>,
    #[serde(default)]
    pub match_expressions: Vec<LabelRequirement>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabelRequirement {
    pub key: String,
    pub operator: LabelOperator,
    #[serde(default)]
    pub values: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum LabelOperator {
    In,
    NotIn,
    Exists,
    DoesNotExist,
}

impl LabelSelector {
    /// Whether `labels` satisfy every requirement (an empty selector matches everything, as in
    /// Kubernetes).
    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        self.match_labels
            .iter()
            .all(|(k, v)| labels.get(k) == Some(v))
            && self.match_expressions.iter().all(|r| {
                let value = labels.get(&r.key);
                match r.operator {
                    LabelOperator::In => value.is_some_and(|v| r.values.contains(v)),
                    LabelOperator::NotIn => value.is_none_or(|v| !r.values.contains(v)),
                    LabelOperator::Exists => value.is_some(),
                    LabelOperator::DoesNotExist => value.is_none(),
                }
            })
    }

    /// The problem with a requirement, as Kubernetes would reject it.
    pub fn problem(&self) -> Option<String> {
        self.match_expressions.iter().find_map(|r| {
            let needs_values = matches!(r.operator, LabelOperator::In | LabelOperator::NotIn);
            match (needs_values, r.values.is_empty()) {
                (true, true) => Some(format!(
                    "matchExpressions on `{}`: {:?} needs `values`",
                    r.key, r.operator
                )),
                (false, false) => Some(format!(
                    "matchExpressions on `{}`: {:?} takes no `values`",
                    r.key, r.operator
                )),
                _ => None,
            }
        })
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleConfig {
    pub enabled: Option<bool>,
    pub severity: Option<Severity>,
}

/// A configuration file, read.
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    /// The file as shown to users; empty when there is no configuration.
    pub file: String,
    /// The directory relative paths in the file are resolved against.
    pub dir: PathBuf,
    pub text: String,
    pub config: Config,
    /// The file read (none without a configuration).
    pub path: Option<PathBuf>,
}

impl Loaded {
    pub fn read(path: &Path, shown: String) -> Result<Loaded, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
            file: shown.clone(),
            line: 1,
            message: format!("cannot read the configuration: {e}"),
        })?;
        Loaded::parse(path, shown, text)
    }

    pub fn parse(path: &Path, shown: String, text: String) -> Result<Loaded, ConfigError> {
        // An empty file is an empty configuration.
        let config: Config = if text.trim().is_empty() {
            Config::default()
        } else {
            yaml_serde::from_str(&text).map_err(|e| ConfigError {
                file: shown.clone(),
                line: e
                    .location()
                    .map_or(1, |l| u32::try_from(l.line()).unwrap_or(1)),
                message: format!("invalid configuration: {e}"),
            })?
        };
        let dir = path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        let loaded = Loaded {
            file: shown,
            dir,
            text,
            config,
            path: Some(path.to_path_buf()),
        };
        if let Some(f) = &loaded.config.fail_on
            && f != "none"
            && Severity::parse(f).is_none()
        {
            return Err(loaded.error_at(
                "fail_on",
                format!(
                    "`fail_on: {f}` is not a severity (critical, high, medium, low, info or none)"
                ),
            ));
        }
        if let Err((name, message)) = loaded.try_limits() {
            return Err(loaded.error_at(name, message));
        }
        Ok(loaded)
    }

    /// The default limits with those of `limits:` applied.
    pub fn limits(&self) -> crate::limits::Limits {
        // Checked as the file was read.
        self.try_limits().unwrap_or_default()
    }

    fn try_limits(&self) -> Result<crate::limits::Limits, (&str, String)> {
        crate::limits::Limits::default().with(
            self.config
                .limits
                .iter()
                .map(|(name, value)| (name.as_str(), *value)),
        )
    }

    /// Resolves a path written in the file.
    pub fn resolve(&self, p: &Path) -> PathBuf {
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            self.dir.join(p)
        }
    }

    /// An error at the first line that mentions `needle` (the key or value at fault).
    pub fn error_at(&self, needle: &str, message: String) -> ConfigError {
        let line = self
            .text
            .lines()
            .position(|l| l.contains(needle))
            .map_or(1, |i| u32::try_from(i + 1).unwrap_or(1));
        ConfigError {
            file: self.file.clone(),
            line,
            message,
        }
    }

    /// The frameworks to report on: those given on the command line, else the file's.
    pub fn frameworks_or(&self, given: &[String]) -> Vec<String> {
        if given.is_empty() {
            self.config.frameworks.clone()
        } else {
            given.to_vec()
        }
    }

    /// A file given on the command line, else the one the configuration names (resolved
    /// against its directory).
    pub fn path_or(&self, given: Option<&PathBuf>, written: Option<&PathBuf>) -> Option<PathBuf> {
        given.cloned().or_else(|| written.map(|p| self.resolve(p)))
    }

    /// Policy directories: those given, then the configuration's `policies`.
    pub fn policy_dirs(&self, given: &[PathBuf]) -> Vec<PathBuf> {
        let mut dirs = given.to_vec();
        dirs.extend(self.config.policies.iter().map(|p| self.resolve(p)));
        dirs
    }

    /// A rule id or glob written in the file, compiled; an error at its line when it is not a
    /// valid glob or matches none of `rules` (`unmatched` says so).
    pub fn rule_glob(
        &self,
        pattern: &str,
        rules: &[crate::policy::RuleMeta],
        unmatched: impl FnOnce() -> String,
    ) -> Result<globset::GlobMatcher, ConfigError> {
        let glob = globset::Glob::new(pattern)
            .map_err(|e| self.error_at(pattern, format!("invalid rule pattern `{pattern}`: {e}")))?
            .compile_matcher();
        if rules.iter().any(|r| glob.is_match(&r.id)) {
            Ok(glob)
        } else {
            Err(self.error_at(pattern, unmatched()))
        }
    }

    /// Applies the configuration to a policy set: severity overrides and parameters. Returns
    /// the ids of the rules to run (enabled, and mapped to a selected framework when
    /// `frameworks` is set). Every name must exist.
    pub fn apply(
        &self,
        set: &mut PolicySet,
        frameworks: &[String],
    ) -> Result<BTreeSet<String>, Vec<ConfigError>> {
        let mut errors = Vec::new();
        for fw in frameworks {
            if !set.catalogs.contains_key(fw) {
                let known: Vec<&str> = set.catalogs.keys().map(String::as_str).collect();
                errors.push(self.error_at(
                    fw,
                    format!("unknown framework `{fw}` (known: {})", known.join(", ")),
                ));
            }
        }
        let mut disabled = BTreeSet::new();
        for (pattern, rc) in &self.config.rules {
            let glob = match self.rule_glob(pattern, &set.rules, || {
                format!("`{pattern}` matches no rule (`tenet rules` lists them)")
            }) {
                Ok(g) => g,
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            };
            for rule in set.rules.iter_mut().filter(|r| glob.is_match(&r.id)) {
                if let Some(s) = rc.severity {
                    rule.severity = s;
                }
                if rc.enabled == Some(false) {
                    disabled.insert(rule.id.clone());
                }
            }
        }
        if let Err(es) = set.set_params(&self.config.params) {
            for e in es {
                // Point at the parameter the message names, else at `params:`.
                let needle = self
                    .config
                    .params
                    .keys()
                    .find(|k| e.contains(&format!("`{k}`")))
                    .map_or("params", String::as_str);
                errors.push(self.error_at(needle, e));
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(set
            .rules
            .iter()
            .filter(|r| !disabled.contains(&r.id))
            .filter(|r| {
                frameworks.is_empty()
                    || frameworks
                        .iter()
                        .any(|fw| r.controls.get(fw).is_some_and(|c| !c.is_empty()))
            })
            .map(|r| r.id.clone())
            .collect())
    }
}

/// The configuration that applies to `paths`: the nearest `.tenet.yaml` walking up from each
/// path, stopping at `base` when the path is inside it. Paths that find different files are
/// an error (the user must choose with `--config`).
///
/// Each directory is looked at once, and the looks run in parallel: a scan naming thousands
/// of files (a pull request's, a benchmark's) would otherwise make one `stat` per directory
/// above every file, one at a time, before anything loads (45 ms for 2,349 Bicep files).
pub fn discover(paths: &[PathBuf], base: &Path) -> Result<Option<PathBuf>, String> {
    use rayon::prelude::*;
    let cwd = std::env::current_dir().ok();
    // Where each path's walk starts: the path if it is a directory, else its parent.
    let starts: Vec<PathBuf> = paths
        .par_iter()
        .with_min_len(256)
        .map(|p| {
            // `absolute` reads the working directory for each relative path; it is read once.
            let joined = match &cwd {
                Some(cwd) if p.is_relative() => cwd.join(p),
                _ => p.clone(),
            };
            let abs = std::path::absolute(&joined).unwrap_or(joined);
            match abs.is_dir() {
                true => abs,
                false => abs.parent().map(Path::to_path_buf).unwrap_or_default(),
            }
        })
        .collect();
    let walks = Walks::of(&starts, base);
    let has_file: Vec<bool> = walks
        .dirs
        .par_iter()
        .with_min_len(256)
        .map(|d| d.join(FILE_NAME).is_file())
        .collect();
    let mut nearest = vec![None; walks.dirs.len()];
    let mut found: Option<PathBuf> = None;
    for &first in &walks.first {
        let here = walks
            .nearest(first, &has_file, &mut nearest)
            .map(|d| walks.dirs[d].join(FILE_NAME));
        match (&found, here) {
            (None, Some(h)) => found = Some(h),
            (Some(f), Some(h)) if *f != h => {
                return Err(format!(
                    "the scanned paths have different configurations ({} and {}); choose one with --config",
                    f.display(),
                    h.display()
                ));
            }
            _ => {}
        }
    }
    Ok(found)
}

/// The directories the walks up from a list of starts look in, each once.
///
/// Where a walk goes from a directory does not depend on where it started: a walk stops at
/// `base` only when it started inside `base`, and the directories a walk visits are then
/// all inside it (and all outside it when it did not start inside).
struct Walks<'a> {
    dirs: Vec<&'a Path>,
    /// The directory each one's walk goes on to (none above the root, or the base).
    up: Vec<Option<usize>>,
    /// Each start's directory.
    first: Vec<usize>,
}

impl<'a> Walks<'a> {
    fn of(starts: &'a [PathBuf], base: &Path) -> Walks<'a> {
        let mut index: std::collections::HashMap<&Path, usize> = Default::default();
        let mut walks = Walks {
            dirs: Vec::new(),
            up: Vec::new(),
            first: Vec::with_capacity(starts.len()),
        };
        for start in starts {
            let inside = start.starts_with(base);
            let mut below: Option<usize> = None;
            let mut dir = Some(start.as_path());
            while let Some(d) = dir {
                let (i, seen) = match index.get(d) {
                    Some(&i) => (i, true),
                    None => {
                        index.insert(d, walks.dirs.len());
                        walks.dirs.push(d);
                        walks.up.push(None);
                        (walks.dirs.len() - 1, false)
                    }
                };
                match below {
                    Some(b) => walks.up[b] = Some(i),
                    None => walks.first.push(i),
                }
                // A directory seen before was walked on from already.
                if seen || (inside && d == base) {
                    break;
                }
                below = Some(i);
                dir = d.parent();
            }
        }
        walks
    }

    /// The directory with the nearest file from `dir` up, given which have one; `memo`
    /// keeps each answer found (by directory).
    fn nearest(
        &self,
        dir: usize,
        has_file: &[bool],
        memo: &mut [Option<Option<usize>>],
    ) -> Option<usize> {
        let mut walked = Vec::new();
        let mut at = Some(dir);
        let answer = loop {
            let Some(d) = at else { break None };
            if let Some(known) = memo[d] {
                break known;
            }
            walked.push(d);
            if has_file[d] {
                break Some(d);
            }
            at = self.up[d];
        };
        for d in walked {
            memo[d] = Some(answer);
        }
        answer
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Loaded, ConfigError> {
        Loaded::parse(
            Path::new("/r/.tenet.yaml"),
            ".tenet.yaml".into(),
            text.into(),
        )
    }

    #[test]
    fn unknown_keys_are_errors_with_lines() {
        let err = parse("frameworks: [soc2]\nrulez:\n  x: {enabled: false}\n").unwrap_err();
        assert_eq!(err.line, 2, "{err}");
        assert!(err.message.contains("rulez"), "{err}");
        let err = parse("rules:\n  x: {enable: false}\n").unwrap_err();
        assert!(err.message.contains("enable"), "{err}");
        let err = parse("rules:\n  x: {severity: urgent}\n").unwrap_err();
        assert!(err.message.contains("urgent"), "{err}");
        let err = parse("fail_on: sometimes\n").unwrap_err();
        assert!(err.message.contains("not a severity"), "{err}");
    }

    #[test]
    fn limits_are_read_and_checked_with_lines() {
        let l =
            parse("fail_on: high\nlimits:\n  hcl-parse-seconds: 30\n  file-bytes: 1024\n").unwrap();
        let limits = l.limits();
        assert_eq!(limits.hcl_parse, std::time::Duration::from_secs(30));
        assert_eq!(limits.file_bytes, 1024);
        assert_eq!(
            limits.yaml_alias_values,
            crate::limits::Limits::default().yaml_alias_values
        );
        let err = parse("limits:\n  hcl-parse-secs: 30\n").unwrap_err();
        assert_eq!(err.line, 2, "{err}");
        assert!(err.message.contains("unknown limit"), "{err}");
        let err = parse("fail_on: high\nlimits:\n  rule-seconds: 0\n").unwrap_err();
        assert_eq!(err.line, 3, "{err}");
        assert!(err.message.contains("at least 1"), "{err}");
        assert!(parse("limits:\n  rule-seconds: -1\n").is_err());
    }

    #[test]
    fn relative_paths_resolve_against_the_file() {
        let l = parse("exceptions: x/e.yaml\n").unwrap();
        assert_eq!(
            l.resolve(l.config.exceptions.as_deref().unwrap()),
            PathBuf::from("/r/x/e.yaml")
        );
        assert!(parse("").unwrap().config.rules.is_empty());
    }

    #[test]
    fn discovery_walks_up_and_stops_at_the_base() {
        let tmp = tempfile::tempdir().unwrap();
        let base = tmp.path().join("repo");
        std::fs::create_dir_all(base.join("a/b")).unwrap();
        std::fs::create_dir_all(base.join("c")).unwrap();
        std::fs::write(tmp.path().join(FILE_NAME), "").unwrap();
        assert_eq!(discover(&[base.join("a/b")], &base).unwrap(), None);
        std::fs::write(base.join(FILE_NAME), "").unwrap();
        std::fs::write(base.join("a").join(FILE_NAME), "").unwrap();
        assert_eq!(
            discover(&[base.join("a/b")], &base).unwrap(),
            Some(base.join("a").join(FILE_NAME))
        );
        assert_eq!(
            discover(&[base.join("c")], &base).unwrap(),
            Some(base.join(FILE_NAME))
        );
        assert!(discover(&[base.join("a/b"), base.join("c")], &base).is_err());
    }

    #[test]
    fn discovery_with_shared_directories_gives_each_path_its_nearest_file() {
        let tmp = tempfile::tempdir().unwrap();
        let base = tmp.path().join("repo");
        std::fs::create_dir_all(base.join("a/b/c")).unwrap();
        std::fs::create_dir_all(tmp.path().join("out/d")).unwrap();
        for f in ["a/b/c/one.tf", "a/b/c/two.tf", "a/b/three.tf", "a/four.tf"] {
            std::fs::write(base.join(f), "").unwrap();
        }
        std::fs::write(tmp.path().join("out/d/five.tf"), "").unwrap();
        let files = |names: &[&str]| names.iter().map(|n| base.join(n)).collect::<Vec<_>>();
        // No file anywhere inside the base: none, for files, their directories and the base.
        let mut inside = files(&["a/b/c/one.tf", "a/b/c/two.tf", "a/b/three.tf", "a/four.tf"]);
        inside.extend(files(&["a/b", "a", ""]));
        assert_eq!(discover(&inside, &base).unwrap(), None);
        // One above the base is not seen from inside it, but is from a path outside it.
        std::fs::write(tmp.path().join(FILE_NAME), "").unwrap();
        assert_eq!(discover(&inside, &base).unwrap(), None);
        let mut mixed = inside.clone();
        mixed.push(tmp.path().join("out/d/five.tf"));
        assert_eq!(
            discover(&mixed, &base).unwrap(),
            Some(tmp.path().join(FILE_NAME))
        );
        // One in `a` is the nearest for every path below it, files named before or after
        // the directories; the base's own paths see none.
        std::fs::write(base.join("a").join(FILE_NAME), "").unwrap();
        let want = Some(base.join("a").join(FILE_NAME));
        assert_eq!(
            discover(&files(&["a/b/c/one.tf", "a/b"]), &base).unwrap(),
            want
        );
        assert_eq!(
            discover(
                &files(&["a/b/c/two.tf", "a/four.tf", "a/b/c/one.tf"]),
                &base
            )
            .unwrap(),
            want
        );
        assert_eq!(
            discover(&files(&["a/b/three.tf", ""]), &base).unwrap(),
            want
        );
    }
}
