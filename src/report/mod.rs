//! Output formats. Each format is one [`Emitter`] in its own file; all read the same
//! [`Report`], so adding a format touches one file and the [`Format`] list.
//!
//! Reports never read the clock, the network or the environment: the same scan gives
//! byte-identical output (what differs between machines is only the `%SRCROOT%` base in
//! SARIF, which names the directory paths are relative to).

mod compliance;
mod github;
mod html;
mod json;
mod junit;
mod markdown;
mod sarif;
mod text;

use std::collections::BTreeMap;
use std::io::{self, Write};

use crate::compliance::Assessment;
use crate::engine::Outcome;
use crate::finding::Finding;
use crate::graph::{LoadError, ResourceGraph};
use crate::policy::{Catalog, PolicySet, RuleMeta, Severity};

pub use compliance::{ComplianceCsvEmitter, ComplianceJsonEmitter, ComplianceTextEmitter};
pub use github::GithubEmitter;
pub use html::HtmlEmitter;
pub use json::JsonEmitter;
pub use junit::JunitEmitter;
pub use markdown::MarkdownEmitter;
pub use sarif::SarifEmitter;
pub use text::TextEmitter;

/// Everything an emitter may show about one scan.
pub struct Report<'a> {
    pub tool_version: &'a str,
    pub graph: &'a ResourceGraph,
    pub outcome: &'a Outcome,
    /// The rules that were evaluated, by id.
    pub rules: Vec<&'a RuleMeta>,
    pub policies: &'a PolicySet,
    /// Absolute directory that file paths are relative to (`%SRCROOT%` in SARIF).
    pub base_dir: Option<String>,
    /// Findings at or above this severity fail the run (shown in summaries).
    pub fail_on: Option<Severity>,
    /// Suppression problems and the exceptions' audit (none when nothing was applied).
    pub suppressions: Option<&'a crate::suppress::Applied>,
    /// The frameworks reported on: those selected (`--framework`, `frameworks:`), else all.
    pub frameworks: Vec<&'a Catalog>,
    /// Whether the frameworks were selected (text output then adds their control status).
    pub frameworks_selected: bool,
    /// With `--diff-base`: the comparison; findings then carry their [`DiffState`].
    pub diff: Option<&'a crate::diff::DiffSummary>,
    /// Prefix of links to source files in the Markdown summary, such as
    /// `https://github.com/o/r/blob/SHA/` (`--source-url`); paths are appended.
    pub source_url: Option<&'a str>,
    /// The per-control assessment, computed on first use and shared by every output
    /// (construct with `OnceLock::new()`).
    pub(crate) assessment: std::sync::OnceLock<Assessment>,
}

impl Report<'_> {
    /// The findings rolled up per control of each reported framework (computed once).
    pub fn assessment(&self) -> &Assessment {
        self.assessment
            .get_or_init(|| Assessment::of(self, &self.frameworks))
    }

    /// Every finding, suppressed ones included (they carry their suppression).
    pub fn findings(&self) -> &[Finding] {
        &self.outcome.findings
    }

    /// Findings no suppression covers: these count, and can fail the run.
    pub fn active(&self) -> impl Iterator<Item = &Finding> {
        self.findings().iter().filter(|f| f.suppression.is_none())
    }

    /// Suppressed findings per kind (every kind present, zero when none).
    pub fn suppressed_by_kind(&self) -> BTreeMap<crate::suppress::Kind, usize> {
        use crate::suppress::Kind;
        let mut out: BTreeMap<Kind, usize> = [
            Kind::Inline,
            Kind::Annotation,
            Kind::Exception,
            Kind::Baseline,
        ]
        .into_iter()
        .map(|k| (k, 0))
        .collect();
        for s in self
            .findings()
            .iter()
            .filter_map(|f| f.suppression.as_ref())
        {
            *out.entry(s.kind).or_default() += 1;
        }
        out
    }

    pub fn suppression_problems(&self) -> &[crate::suppress::Problem] {
        self.suppressions.map_or(&[], |s| s.problems.as_slice())
    }

    pub fn exceptions(&self) -> &[crate::suppress::ExceptionUse] {
        self.suppressions.map_or(&[], |s| s.exceptions.as_slice())
    }

    pub fn load_errors(&self) -> &[LoadError] {
        &self.graph.errors
    }

    /// Number of files whose resources were scanned: named or found, and loaded (a file that
    /// could not be read or parsed is counted among the load errors instead).
    pub fn files_scanned(&self) -> usize {
        let failed: std::collections::HashSet<&str> = self
            .graph
            .errors
            .iter()
            .filter(|e| e.file_skipped)
            .map(|e| e.file.as_str())
            .collect();
        self.graph
            .files
            .iter()
            .filter(|f| f.scanned && !failed.contains(f.file.as_str()))
            .count()
    }

    /// Managed resources (not data sources, module calls, providers or outputs).
    pub fn managed_resources(&self) -> usize {
        self.in_scope()
            .filter(|r| r.mode == crate::graph::Mode::Managed)
            .count()
    }

    /// The resources of scanned files (and live ones).
    fn in_scope(&self) -> impl Iterator<Item = &crate::graph::Resource> {
        self.graph
            .resources
            .iter()
            .zip(self.graph.scope_mask())
            .filter(|(_, s)| *s)
            .map(|(r, _)| r)
    }

    /// Graph entries per mode (`managed`, `data`, `module`, `provider`, `output`).
    pub fn entries_by_mode(&self) -> BTreeMap<&'static str, usize> {
        let mut out = BTreeMap::new();
        for r in self.in_scope() {
            let name = match r.mode {
                crate::graph::Mode::Managed => "managed",
                crate::graph::Mode::Data => "data",
                crate::graph::Mode::Module => "module",
                crate::graph::Mode::Provider => "provider",
                crate::graph::Mode::Output => "output",
            };
            *out.entry(name).or_default() += 1;
        }
        out
    }

    /// Active findings per severity, every severity present (zero when none).
    pub fn counts_by_severity(&self) -> BTreeMap<Severity, usize> {
        let mut counts: BTreeMap<Severity, usize> = Severity::ALL.iter().map(|s| (*s, 0)).collect();
        for f in self.active() {
            *counts.entry(f.severity).or_default() += 1;
        }
        counts
    }

    /// Findings that can fail the run: unsuppressed and, with `--diff-base`, new.
    pub fn gating(&self) -> impl Iterator<Item = &Finding> {
        self.active().filter(|f| !f.is_pre_existing())
    }

    /// Unsuppressed findings on resources unchanged since the diff base.
    pub fn pre_existing(&self) -> usize {
        self.active().filter(|f| f.is_pre_existing()).count()
    }

    /// Distinct rules that failed to evaluate.
    pub fn errored_rules(&self) -> usize {
        self.outcome
            .errors
            .iter()
            .map(|e| e.rule_id.as_str())
            .collect::<std::collections::BTreeSet<_>>()
            .len()
    }

    /// Findings at or above the `--fail-on` threshold (pre-existing ones never fail).
    pub fn failing(&self) -> usize {
        match self.fail_on {
            Some(t) => self.gating().filter(|f| f.severity >= t).count(),
            None => 0,
        }
    }
}

/// Writes a report in one format.
pub trait Emitter {
    fn emit(&self, out: &mut dyn Write, report: &Report) -> io::Result<()>;
}

/// The formats `--format` accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
    Sarif,
    /// Per-control status of each framework, as text.
    Compliance,
    /// Per-control status with drill-down to rules, resources and findings, as JSON.
    ComplianceJson,
    /// One row per control.
    ComplianceCsv,
    /// A self-contained HTML report: control status per framework, findings, exceptions.
    Html,
    /// GitHub Actions annotations (workflow commands), capped at GitHub's limits.
    Github,
    /// JUnit XML: a test suite per rule, a test case per resource.
    Junit,
    /// A Markdown summary for a CI job summary or a pull-request comment.
    Markdown,
}

impl Format {
    /// The emitter of this format; `color` matters only for text on a terminal.
    pub fn emitter(self, color: bool) -> Box<dyn Emitter> {
        match self {
            Format::Text => Box::new(TextEmitter { color }),
            Format::Json => Box::new(JsonEmitter),
            Format::Sarif => Box::new(SarifEmitter),
            Format::Compliance => Box::new(ComplianceTextEmitter { color }),
            Format::ComplianceJson => Box::new(ComplianceJsonEmitter),
            Format::ComplianceCsv => Box::new(ComplianceCsvEmitter),
            Format::Html => Box::new(HtmlEmitter),
            Format::Github => Box::new(GithubEmitter),
            Format::Junit => Box::new(JunitEmitter),
            Format::Markdown => Box::new(MarkdownEmitter),
        }
    }
}

/// "135 rules checked 7 resources in 2 files" (or "... read live" for an audit).
pub(crate) fn checked(report: &Report) -> String {
    let rules = plural(report.rules.len(), "rule");
    let resources = plural(report.managed_resources(), "resource");
    if !report.graph.coverage.is_empty() {
        format!("{rules} checked {resources} read live")
    } else {
        format!(
            "{rules} checked {resources} in {}",
            plural(report.files_scanned(), "file")
        )
    }
}

/// `1 file`, `2 files`.
pub(crate) fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// `text` in an ANSI style when `color` is on.
pub(crate) fn paint(color: bool, style: &str, text: &str) -> String {
    if color {
        format!("{style}{text}\x1b[0m")
    } else {
        text.to_string()
    }
}

/// The resource address as users write it: the id without its origin and, when the finding's
/// file is in the same directory, without the module directory (`aws_s3_bucket.logs`).
pub fn short_address(resource_id: &str, file: Option<&str>) -> String {
    let address = resource_id
        .split_once(':')
        .map_or(resource_id, |(_, rest)| rest);
    if let Some(dir) = file.and_then(|f| f.rsplit_once('/')).map(|(d, _)| d)
        && let Some(rest) = address.strip_prefix(dir).and_then(|r| r.strip_prefix('/'))
    {
        return rest.to_string();
    }
    address.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_addresses() {
        assert_eq!(
            short_address("terraform:m/aws_s3_bucket.b", Some("m/main.tf")),
            "aws_s3_bucket.b"
        );
        assert_eq!(
            short_address("terraform:aws_s3_bucket.b", Some("main.tf")),
            "aws_s3_bucket.b"
        );
        assert_eq!(
            short_address("terraform:m/x.y", Some("other/main.tf")),
            "m/x.y"
        );
    }
}
