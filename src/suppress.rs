//! Suppressions: why a finding does not fail the run, and who said so.
//!
//! Four sources, applied in this order (the first that matches wins):
//! 1. **inline** comments in the source, `# tenet:ignore RULE-ID[,RULE-ID] -- reason` (also
//!    `//`), on the resource block they precede or sit in, or on the `module` block whose
//!    resources they should cover;
//! 2. a Kubernetes object's **annotation** `tenet/ignore: "RULE-ID[,RULE-ID] -- reason"`;
//! 3. the reviewed **exceptions file** (rule, resource glob, justification, owner, expiry);
//! 4. a **baseline** of fingerprints written earlier with `--write-baseline`.
//!
//! Suppressed findings are kept, marked with their suppression, and do not fail the run.
//! Directives that cannot be used (no reason, unknown rule, nothing to attach to) and
//! exceptions that expired or matched nothing are reported, never silently ignored.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::finding::Finding;
use crate::graph::{Resource, ResourceGraph, Source};

/// The Kubernetes annotation that carries a suppression.
pub const ANNOTATION: &str = "tenet/ignore";

/// The attribute paths a scan reads after evaluation, when the rest of the attribute values
/// have been released (`engine::RuleValues::take`): the annotation above.
pub const ATTRIBUTES_READ: &[&[&str]] = &[&["metadata", "annotations", ANNOTATION]];
const DIRECTIVE: &str = "tenet:ignore";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Inline,
    Annotation,
    Exception,
    Baseline,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Inline => "inline",
            Kind::Annotation => "annotation",
            Kind::Exception => "exception",
            Kind::Baseline => "baseline",
        }
    }
}

/// Why a finding is suppressed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suppression {
    pub kind: Kind,
    pub justification: String,
    /// Where the suppression was written: `file:line` of the comment, annotation or
    /// exception entry, or the baseline file.
    pub source: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
}

/// A suppression that could not be used.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Problem {
    pub file: String,
    pub line: u32,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

/// A typed error of the exceptions or baseline file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {message}")]
pub struct FileError {
    pub file: String,
    pub line: u32,
    pub message: String,
}

// --- Inline directives ---------------------------------------------------------------------------

/// One `tenet:ignore` comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    pub line: u32,
    pub rules: Vec<String>,
    pub reason: String,
}

/// Parses `RULE-ID[,RULE-ID] -- reason` (the text after `tenet:ignore`, or an annotation).
pub fn parse_spec(spec: &str) -> Result<(Vec<String>, String), String> {
    let (ids, reason) = match spec.split_once("--") {
        Some((ids, reason)) => (ids, reason.trim()),
        None => (spec, ""),
    };
    let rules: Vec<String> = ids
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    if rules.is_empty() {
        return Err("names no rule (write `tenet:ignore RULE-ID -- reason`)".into());
    }
    if reason.is_empty() {
        return Err(format!(
            "ignores {} without a reason (write `-- reason` after the rule ids)",
            rules.join(", ")
        ));
    }
    Ok((rules, reason.to_string()))
}

/// The `tenet:ignore` directives in comments (`#`, `//` or `/*`) of a source text; malformed
/// ones are returned as problems.
pub fn directives(text: &str) -> (Vec<Directive>, Vec<(u32, String)>) {
    let mut found = Vec::new();
    let mut problems = Vec::new();
    // One search over the text: most files hold no directive (a search per line, each
    // setting up its searcher, cost more than reading the file).
    if !text.contains(DIRECTIVE) {
        return (found, problems);
    }
    for (i, line) in text.lines().enumerate() {
        let Some(at) = line.find(DIRECTIVE) else {
            continue;
        };
        let before = line[..at].trim_end();
        if !(before.ends_with('#') || before.ends_with("//") || before.ends_with("/*")) {
            continue;
        }
        let n = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let rest = line[at + DIRECTIVE.len()..].trim_end_matches("*/");
        match parse_spec(rest) {
            Ok((rules, reason)) => found.push(Directive {
                line: n,
                rules,
                reason,
            }),
            Err(e) => problems.push((n, format!("tenet:ignore {e}"))),
        }
    }
    (found, problems)
}

/// Lines that may stand between a directive and the block it precedes: blank lines, other
/// comments, Bicep decorators and YAML document markers.
fn is_filler(line: &str) -> bool {
    let t = line.trim();
    t.is_empty()
        || t.starts_with('#')
        || t.starts_with("//")
        || t.starts_with("/*")
        || t.starts_with('*')
        || t.starts_with('@')
        || t == "---"
}

/// A block a directive can attach to: lines `start..=end` of a file.
type Block = (u32, u32);

/// The block a directive at `line` applies to: the innermost block that contains it, else
/// the block it precedes (only filler lines between).
fn target(line: u32, blocks: &[Block], lines: &[&str]) -> Option<Block> {
    let inner = blocks
        .iter()
        .filter(|(s, e)| *s <= line && line <= *e)
        .min_by_key(|(s, e)| (e - s, *s));
    if let Some(b) = inner {
        return Some(*b);
    }
    let next = blocks
        .iter()
        .filter(|(s, _)| *s > line)
        .min_by_key(|(s, _)| *s)?;
    let between = (line as usize)..(next.0 as usize - 1);
    lines
        .get(between)
        .is_some_and(|ls| ls.iter().all(|l| is_filler(l)))
        .then_some(*next)
}

// --- Exceptions file -----------------------------------------------------------------------------

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExceptions {
    exceptions: Vec<RawException>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawException {
    rule: String,
    resource: String,
    justification: String,
    owner: String,
    expires: String,
}

/// One reviewed exception.
#[derive(Debug, Clone, Serialize)]
pub struct Exception {
    /// Rule id, or a glob over rule ids (`k8s-*`).
    pub rule: String,
    /// Glob over resource ids (`*` matches any characters, `/` included).
    pub resource: String,
    pub justification: String,
    pub owner: String,
    /// Last day (UTC, `YYYY-MM-DD`) on which the exception applies.
    pub expires: String,
    pub line: u32,
    #[serde(skip)]
    rule_glob: globset::GlobMatcher,
    #[serde(skip)]
    resource_glob: globset::GlobMatcher,
}

/// The exceptions file.
#[derive(Debug, Clone)]
pub struct Exceptions {
    pub file: String,
    pub entries: Vec<Exception>,
}

impl Exceptions {
    pub fn read(path: &Path, shown: &str) -> Result<Exceptions, FileError> {
        let text = std::fs::read_to_string(path).map_err(|e| FileError {
            file: shown.to_string(),
            line: 1,
            message: format!("cannot read the exceptions file: {e}"),
        })?;
        Exceptions::parse(shown, &text)
    }

    pub fn parse(file: &str, text: &str) -> Result<Exceptions, FileError> {
        let err = |line: u32, message: String| FileError {
            file: file.to_string(),
            line,
            message,
        };
        let raw: RawExceptions = yaml_serde::from_str(text).map_err(|e| {
            err(
                e.location()
                    .map_or(1, |l| u32::try_from(l.line()).unwrap_or(1)),
                format!("invalid exceptions file: {e}"),
            )
        })?;
        // Entry lines: the `- ` items of the top-level list, in order.
        let item_lines: Vec<u32> = text
            .lines()
            .enumerate()
            .filter(|(_, l)| l.trim_start().starts_with("- "))
            .map(|(i, _)| u32::try_from(i + 1).unwrap_or(1))
            .collect();
        let mut entries = Vec::new();
        for (i, r) in raw.exceptions.into_iter().enumerate() {
            let line = item_lines.get(i).copied().unwrap_or(1);
            for (name, value) in [
                ("rule", &r.rule),
                ("resource", &r.resource),
                ("justification", &r.justification),
                ("owner", &r.owner),
            ] {
                if value.trim().is_empty() {
                    return Err(err(line, format!("exception needs a non-empty `{name}`")));
                }
            }
            if !valid_date(&r.expires) {
                return Err(err(
                    line,
                    format!("`expires: {}` is not a date (YYYY-MM-DD)", r.expires),
                ));
            }
            // `*` matches any characters, `/` included (globset's default).
            let glob = |pattern: &str| {
                globset::Glob::new(pattern)
                    .map(|g| g.compile_matcher())
                    .map_err(|e| err(line, format!("invalid glob `{pattern}`: {e}")))
            };
            entries.push(Exception {
                rule_glob: glob(&r.rule)?,
                resource_glob: glob(&r.resource)?,
                rule: r.rule,
                resource: r.resource,
                justification: r.justification.trim().to_string(),
                owner: r.owner.trim().to_string(),
                expires: r.expires,
                line,
            });
        }
        Ok(Exceptions {
            file: file.to_string(),
            entries,
        })
    }
}

/// `YYYY-MM-DD` with a real month and day.
fn valid_date(s: &str) -> bool {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok() && s.len() == 10
}

/// Today's date in UTC, `YYYY-MM-DD`.
pub fn today() -> String {
    chrono::Utc::now().format("%Y-%m-%d").to_string()
}

/// What became of one exception in a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExceptionUse {
    pub rule: String,
    pub resource: String,
    pub justification: String,
    pub owner: String,
    pub expires: String,
    /// `file:line` of the entry.
    pub source: String,
    /// `applied`, `expired` (it would match, but no longer applies) or `unused`.
    pub status: ExceptionStatus,
    /// Findings it suppressed (applied) or would have suppressed (expired).
    pub findings: usize,
}

/// What became of an exceptions-file entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExceptionStatus {
    /// It suppressed findings.
    Applied,
    /// It would match, but its expiry date has passed.
    Expired,
    /// Nothing matched it.
    Unused,
}

impl ExceptionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ExceptionStatus::Applied => "applied",
            ExceptionStatus::Expired => "expired",
            ExceptionStatus::Unused => "unused",
        }
    }
}

// --- Baseline ------------------------------------------------------------------------------------

/// A baseline: the fingerprints of findings accepted when tenet was adopted.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub tool: String,
    pub version: u32,
    pub findings: Vec<BaselineEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaselineEntry {
    pub fingerprint: String,
    pub rule_id: String,
    pub resource_id: String,
}

impl Baseline {
    /// The baseline of these findings (sorted, one entry per fingerprint).
    pub fn of(findings: &[&Finding]) -> Baseline {
        let entries: BTreeSet<BaselineEntry> = findings
            .iter()
            .map(|f| BaselineEntry {
                fingerprint: f.fingerprint.clone(),
                rule_id: f.rule_id.clone(),
                resource_id: f.resource.id.clone(),
            })
            .collect();
        Baseline {
            tool: "tenet".into(),
            version: 1,
            findings: entries.into_iter().collect(),
        }
    }

    pub fn read(path: &Path, shown: &str) -> Result<Baseline, FileError> {
        let err = |line: u32, message: String| FileError {
            file: shown.to_string(),
            line,
            message,
        };
        let text = std::fs::read_to_string(path)
            .map_err(|e| err(1, format!("cannot read the baseline: {e}")))?;
        let b: Baseline = serde_json::from_str(&text).map_err(|e| {
            err(
                u32::try_from(e.line()).unwrap_or(1),
                format!("invalid baseline: {e}"),
            )
        })?;
        if b.tool != "tenet" || b.version != 1 {
            return Err(err(
                1,
                format!(
                    "not a tenet baseline of version 1 (tool {:?}, version {})",
                    b.tool, b.version
                ),
            ));
        }
        Ok(b)
    }
}

// --- Applying ------------------------------------------------------------------------------------

/// What to apply.
pub struct Options<'a> {
    /// Honour inline comments and annotations (`--no-inline-suppressions` turns them off).
    pub inline: bool,
    pub exceptions: Option<&'a Exceptions>,
    pub baseline: Option<(&'a Baseline, String)>,
    /// `YYYY-MM-DD`; exceptions expiring before it no longer apply.
    pub today: String,
    /// Every rule id of the policy set, to catch typos in directives.
    pub known_rules: BTreeSet<String>,
    /// Directory that relative source paths are relative to.
    pub base: PathBuf,
}

/// The result of applying suppressions.
#[derive(Debug, Clone, Default)]
pub struct Applied {
    pub problems: Vec<Problem>,
    pub exceptions: Vec<ExceptionUse>,
}

/// Marks the findings (and undetermined results) that a suppression covers.
pub fn apply(
    graph: &ResourceGraph,
    findings: &mut [Finding],
    undetermined: &mut [Finding],
    opts: &Options,
) -> Applied {
    let mut applied = Applied::default();
    let by_id: foldhash::HashMap<&str, &Resource> =
        graph.resources.iter().map(|r| (r.id.as_str(), r)).collect();
    let inline = if opts.inline {
        InlineIndex::build(graph, &by_id, findings, undetermined, opts, &mut applied)
    } else {
        InlineIndex::default()
    };
    let mut used: Vec<(usize, usize)> =
        vec![(0, 0); opts.exceptions.map_or(0, |e| e.entries.len())];
    let baseline: Option<(BTreeSet<&str>, &str)> = opts.baseline.as_ref().map(|(b, file)| {
        (
            b.findings.iter().map(|e| e.fingerprint.as_str()).collect(),
            file.as_str(),
        )
    });
    for f in findings.iter_mut().chain(undetermined.iter_mut()) {
        let resource = by_id.get(f.resource.id.as_str()).copied();
        f.suppression = None;
        if opts.inline
            && let Some(r) = resource
        {
            f.suppression = inline
                .lookup(r, &f.rule_id)
                .or_else(|| annotation(r, &f.rule_id));
        }
        if f.suppression.is_none()
            && let Some(ex) = opts.exceptions
        {
            for (i, e) in ex.entries.iter().enumerate() {
                if !(e.rule_glob.is_match(&f.rule_id) && e.resource_glob.is_match(&f.resource.id)) {
                    continue;
                }
                if e.expires.as_str() < opts.today.as_str() {
                    used[i].1 += 1;
                    continue;
                }
                used[i].0 += 1;
                f.suppression = Some(Suppression {
                    kind: Kind::Exception,
                    justification: e.justification.clone(),
                    source: format!("{}:{}", ex.file, e.line),
                    owner: Some(e.owner.clone()),
                    expires: Some(e.expires.clone()),
                });
                break;
            }
        }
        if f.suppression.is_none()
            && let Some((set, file)) = &baseline
            && set.contains(f.fingerprint.as_str())
        {
            f.suppression = Some(Suppression {
                kind: Kind::Baseline,
                justification: "accepted in the baseline".into(),
                source: (*file).to_string(),
                owner: None,
                expires: None,
            });
        }
    }
    if let Some(ex) = opts.exceptions {
        for (e, (applied_n, expired_n)) in ex.entries.iter().zip(used) {
            let expired = e.expires.as_str() < opts.today.as_str();
            applied.exceptions.push(ExceptionUse {
                rule: e.rule.clone(),
                resource: e.resource.clone(),
                justification: e.justification.clone(),
                owner: e.owner.clone(),
                expires: e.expires.clone(),
                source: format!("{}:{}", ex.file, e.line),
                status: if expired {
                    ExceptionStatus::Expired
                } else if applied_n > 0 {
                    ExceptionStatus::Applied
                } else {
                    ExceptionStatus::Unused
                },
                findings: if expired { expired_n } else { applied_n },
            });
        }
    }
    applied.problems.sort();
    applied.problems.dedup();
    applied
}

/// A Kubernetes object's `tenet/ignore` annotation.
fn annotation(r: &Resource, rule: &str) -> Option<Suppression> {
    if r.provider != "kubernetes" {
        return None;
    }
    let value = r
        .attributes
        .get("metadata")?
        .get("annotations")?
        .get(ANNOTATION)?
        .as_str()?;
    let (rules, reason) = parse_spec(value).ok()?;
    if !rules.iter().any(|r| r == rule) {
        return None;
    }
    let source = match &r.source {
        Source::File(f) => {
            let line = f
                .line(&format!("metadata.annotations.{ANNOTATION}"))
                .or_else(|| f.line("metadata.annotations"))
                .unwrap_or(f.start_line);
            format!("{}:{line}", f.file)
        }
        Source::Live(l) => l.native_id.clone(),
    };
    Some(Suppression {
        kind: Kind::Annotation,
        justification: reason,
        source,
        owner: None,
        expires: None,
    })
}

/// Inline directives resolved to the blocks they cover: `(file, block) -> directives`.
#[derive(Default)]
struct InlineIndex {
    by_block: HashMap<(String, Block), Vec<Directive>>,
}

impl InlineIndex {
    fn build(
        graph: &ResourceGraph,
        by_id: &foldhash::HashMap<&str, &Resource>,
        findings: &[Finding],
        undetermined: &[Finding],
        opts: &Options,
        applied: &mut Applied,
    ) -> InlineIndex {
        // Only files that findings point into (or call modules for them) need reading.
        let mut files: BTreeSet<&str> = BTreeSet::new();
        for f in findings.iter().chain(undetermined) {
            if let Some(Source::File(src)) = by_id.get(f.resource.id.as_str()).map(|r| &r.source) {
                files.insert(src.file.as_str());
                if let Some(c) = &src.call_site {
                    files.insert(c.file.as_str());
                }
            }
        }
        // Their directives: most files have none, and then no block need be known (nor their
        // text kept). The files are read in parallel (a scan's last serial stretch), their
        // results used in order.
        let files: Vec<&str> = files.into_iter().collect();
        let scanned: Vec<_> = files
            .par_iter()
            .with_max_len(1)
            .filter_map(|&file| {
                // Relative to the base (joining an absolute path gives that path).
                let text = std::fs::read_to_string(opts.base.join(file)).ok()?;
                let (found, bad) = directives(&text);
                let text = (!found.is_empty()).then_some(text);
                Some((file, text, found, bad))
            })
            .collect();
        let mut read: Vec<(&str, String, Vec<Directive>)> = Vec::new();
        for (file, text, found, bad) in scanned {
            for (line, message) in bad {
                applied.problems.push(Problem {
                    file: file.to_string(),
                    line,
                    message,
                });
            }
            if let Some(text) = text {
                read.push((file, text, found));
            }
        }
        let mut index = InlineIndex::default();
        if read.is_empty() {
            return index;
        }
        let wanted: foldhash::HashSet<&str> = read.iter().map(|(file, ..)| *file).collect();
        // The blocks of those files, from the resources loaded from them (module blocks too).
        let mut blocks: foldhash::HashMap<&str, BTreeSet<Block>> = foldhash::HashMap::default();
        for r in &graph.resources {
            if let Source::File(f) = &r.source
                && f.start_line > 0
                && wanted.contains(f.file.as_str())
            {
                blocks
                    .entry(f.file.as_str())
                    .or_default()
                    .insert((f.start_line, f.end_line.max(f.start_line)));
            }
            // The first line of a module call: a directive before it covers the module's
            // resources.
            if let Source::File(f) = &r.source
                && let Some(c) = &f.call_site
                && wanted.contains(c.file.as_str())
            {
                blocks
                    .entry(c.file.as_str())
                    .or_default()
                    .insert((c.line, c.line));
            }
        }
        for (file, text, found) in read {
            let lines: Vec<&str> = text.lines().collect();
            let file_blocks: Vec<Block> = blocks
                .get(file)
                .map(|b| b.iter().copied().collect())
                .unwrap_or_default();
            for d in found {
                for rule in &d.rules {
                    if !opts.known_rules.contains(rule) {
                        applied.problems.push(Problem {
                            file: file.to_string(),
                            line: d.line,
                            message: format!("tenet:ignore names unknown rule `{rule}`"),
                        });
                    }
                }
                match target(d.line, &file_blocks, &lines) {
                    Some(block) => index
                        .by_block
                        .entry((file.to_string(), block))
                        .or_default()
                        .push(d),
                    None => applied.problems.push(Problem {
                        file: file.to_string(),
                        line: d.line,
                        message: "tenet:ignore is neither inside a resource nor right before one"
                            .into(),
                    }),
                }
            }
        }
        index
    }

    /// The inline suppression of `rule` on `r`: a directive on its own block, else on the
    /// block of the module call that created it.
    fn lookup(&self, r: &Resource, rule: &str) -> Option<Suppression> {
        let Source::File(f) = &r.source else {
            return None;
        };
        let own = (f.file.clone(), (f.start_line, f.end_line.max(f.start_line)));
        let mut candidates = vec![own];
        if let Some(c) = &f.call_site {
            candidates.extend(
                self.by_block
                    .keys()
                    .filter(|(file, (s, e))| *file == c.file && *s <= c.line && c.line <= *e)
                    .cloned(),
            );
        }
        candidates.iter().find_map(|key| {
            let d = self
                .by_block
                .get(key)?
                .iter()
                .find(|d| d.rules.iter().any(|x| x == rule))?;
            Some(Suppression {
                kind: Kind::Inline,
                justification: d.reason.clone(),
                source: format!("{}:{}", key.0, d.line),
                owner: None,
                expires: None,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_directives_in_comments_only() {
        let text = "# tenet:ignore aws-s3-versioning -- logs are immutable\nresource \"x\" \"y\" { // tenet:ignore a, b -- why not\n  name = \"tenet:ignore x -- no\"\n}\n# tenet:ignore c\n/* tenet:ignore d -- in a block */\n";
        let (found, bad) = directives(text);
        assert_eq!(
            found,
            vec![
                Directive {
                    line: 1,
                    rules: vec!["aws-s3-versioning".into()],
                    reason: "logs are immutable".into()
                },
                Directive {
                    line: 2,
                    rules: vec!["a".into(), "b".into()],
                    reason: "why not".into()
                },
                Directive {
                    line: 6,
                    rules: vec!["d".into()],
                    reason: "in a block".into()
                },
            ]
        );
        assert_eq!(bad.len(), 1);
        assert_eq!(bad[0].0, 5);
        assert!(bad[0].1.contains("without a reason"), "{bad:?}");
    }

    #[test]
    fn a_directive_covers_the_block_it_precedes_or_sits_in() {
        let lines = vec![
            "# tenet:ignore r -- x",
            "",
            "@description('d')",
            "resource a {",
            "  # tenet:ignore r -- inner",
            "}",
            "# tenet:ignore r -- orphan",
            "x = 1",
            "resource b {",
            "}",
        ];
        let blocks = vec![(4, 6), (9, 10)];
        assert_eq!(target(1, &blocks, &lines), Some((4, 6)));
        assert_eq!(target(5, &blocks, &lines), Some((4, 6)));
        assert_eq!(target(7, &blocks, &lines), None);
    }

    #[test]
    fn exceptions_need_every_field_and_a_real_date() {
        let good = "exceptions:\n  - rule: k8s-*\n    resource: \"kubernetes:*/kube-system/*\"\n    justification: system pods\n    owner: platform@example.com\n    expires: 2030-01-31\n";
        let e = Exceptions::parse("x.yaml", good).unwrap();
        assert_eq!(e.entries[0].line, 2);
        assert!(e.entries[0].rule_glob.is_match("k8s-run-as-root"));
        assert!(
            e.entries[0]
                .resource_glob
                .is_match("kubernetes:a/b.yaml/kube-system/Pod/x")
        );
        let bad_date = good.replace("2030-01-31", "2030-02-30");
        let err = Exceptions::parse("x.yaml", &bad_date).unwrap_err();
        assert_eq!(err.line, 2);
        assert!(err.message.contains("not a date"));
        let typo = good.replace("owner:", "ownr:");
        let err = Exceptions::parse("x.yaml", &typo).unwrap_err();
        assert!(err.message.contains("ownr"), "{err}");
        let empty = good.replace("system pods", "\"\"");
        assert!(
            Exceptions::parse("x.yaml", &empty)
                .unwrap_err()
                .message
                .contains("justification")
        );
    }
}
