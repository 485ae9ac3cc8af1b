//! Machine-readable output; the schema is documented in `docs/output-json.md` and versioned
//! by `schema_version`.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use super::{Emitter, Report};
use crate::engine::RuleError;
use crate::finding::Finding;
use crate::graph::LoadError;
use crate::policy::RuleMeta;

/// Version of the JSON report shape.
pub const JSON_SCHEMA_VERSION: &str = "1";

pub struct JsonEmitter;

#[derive(Serialize)]
struct Document<'a> {
    schema_version: &'static str,
    tool: Tool<'a>,
    summary: Summary,
    /// With `--diff-base`: what was compared.
    #[serde(skip_serializing_if = "Option::is_none")]
    diff: Option<&'a crate::diff::DiffSummary>,
    findings: &'a [Finding],
    undetermined: &'a [Finding],
    load_errors: &'a [LoadError],
    rule_errors: &'a [RuleError],
    /// Suppression comments or annotations that could not be used.
    suppression_problems: &'a [crate::suppress::Problem],
    /// What became of each entry of the exceptions file.
    exceptions: &'a [crate::suppress::ExceptionUse],
    /// Metadata of every rule evaluated, so consumers need no second source for titles,
    /// rationale, remediation and control mappings.
    rules: &'a [&'a RuleMeta],
}

#[derive(Serialize)]
pub(super) struct Tool<'a> {
    pub name: &'static str,
    pub version: &'a str,
}

#[derive(Serialize)]
struct Summary {
    files: usize,
    /// Managed resources.
    resources: usize,
    /// Every graph entry by mode (managed, data, module, provider, output).
    graph: BTreeMap<&'static str, usize>,
    rules: usize,
    /// Findings no suppression covers.
    findings: usize,
    /// Suppressed findings per kind (inline, annotation, exception, baseline).
    suppressed: BTreeMap<crate::suppress::Kind, usize>,
    by_severity: BTreeMap<&'static str, usize>,
    fail_on: Option<&'static str>,
    failing: usize,
    /// With `--diff-base`: unsuppressed findings on resources unchanged since the base.
    #[serde(skip_serializing_if = "Option::is_none")]
    pre_existing: Option<usize>,
    undetermined: usize,
    load_errors: usize,
    rule_errors: usize,
}

impl Emitter for JsonEmitter {
    fn emit(&self, out: &mut dyn Write, report: &Report) -> io::Result<()> {
        let doc = Document {
            schema_version: JSON_SCHEMA_VERSION,
            tool: Tool {
                name: "tenet",
                version: report.tool_version,
            },
            summary: Summary {
                files: report.files_scanned(),
                resources: report.managed_resources(),
                graph: report.entries_by_mode(),
                rules: report.rules.len(),
                findings: report.active().count(),
                suppressed: report.suppressed_by_kind(),
                by_severity: report
                    .counts_by_severity()
                    .into_iter()
                    .map(|(s, n)| (s.as_str(), n))
                    .collect(),
                fail_on: report.fail_on.map(|s| s.as_str()),
                failing: report.failing(),
                pre_existing: report.diff.map(|_| report.pre_existing()),
                undetermined: report.outcome.undetermined.len(),
                load_errors: report.load_errors().len(),
                rule_errors: report.outcome.errors.len(),
            },
            diff: report.diff,
            findings: report.findings(),
            undetermined: &report.outcome.undetermined,
            load_errors: report.load_errors(),
            rule_errors: &report.outcome.errors,
            suppression_problems: report.suppression_problems(),
            exceptions: report.exceptions(),
            rules: &report.rules,
        };
        serde_json::to_writer_pretty(&mut *out, &doc)?;
        writeln!(out)
    }
}
