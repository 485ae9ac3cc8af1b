//! Human-readable output: findings grouped by file, then load problems, then a summary.
//! Colour only when writing to a terminal (and `NO_COLOR` is unset).

use super::plural;
use std::collections::BTreeMap;
use std::io::{self, Write};

use super::{Emitter, Report, short_address};
use crate::finding::Finding;
use crate::policy::Severity;

pub struct TextEmitter {
    pub color: bool,
}

const BOLD: &str = "\x1b[1m";
const DIM: &str = "\x1b[2m";

fn severity_color(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "\x1b[1;35m",
        Severity::High => "\x1b[1;31m",
        Severity::Medium => "\x1b[33m",
        Severity::Low => "\x1b[36m",
        Severity::Info => "\x1b[2m",
    }
}

impl TextEmitter {
    fn paint(&self, style: &str, text: &str) -> String {
        super::paint(self.color, style, text)
    }
}

impl Emitter for TextEmitter {
    fn emit(&self, out: &mut dyn Write, report: &Report) -> io::Result<()> {
        let mut by_file: BTreeMap<String, Vec<&Finding>> = BTreeMap::new();
        for f in report.active() {
            let group = match &f.location {
                crate::finding::Location::Live { provider, .. } => format!("{provider} (live)"),
                other => other.file().unwrap_or_default().to_string(),
            };
            by_file.entry(group).or_default().push(f);
        }
        for (file, findings) in &by_file {
            writeln!(out, "{}", self.paint(BOLD, file))?;
            for f in findings {
                let position = match &f.location {
                    crate::finding::Location::File {
                        start_line,
                        start_column,
                        ..
                    } => format!("{start_line}:{start_column}"),
                    crate::finding::Location::Live { .. } => "live".to_string(),
                };
                let marker = if f.is_pre_existing() {
                    self.paint(DIM, "  (pre-existing)")
                } else {
                    String::new()
                };
                writeln!(
                    out,
                    "  {:<7} {} {}  {}{marker}",
                    position,
                    self.paint(
                        severity_color(f.severity),
                        &format!("{:<8}", f.severity.as_str())
                    ),
                    f.rule_id,
                    short_address(&f.resource.id, f.location.file()),
                )?;
                writeln!(out, "          {}", f.message)?;
            }
            writeln!(out)?;
        }
        let undetermined: Vec<String> = report
            .outcome
            .undetermined
            .iter()
            .map(|f| {
                format!(
                    "{}:{}  {}  {}",
                    f.location.file().unwrap_or("-"),
                    f.location.line().unwrap_or(0),
                    f.rule_id,
                    self.paint(DIM, &f.message)
                )
            })
            .collect();
        self.section(
            out,
            "Not decidable before apply (values unknown):",
            &undetermined,
        )?;
        let load_errors: Vec<String> = report
            .load_errors()
            .iter()
            .map(|e| format!("{}  {}", e.place(), e.message))
            .collect();
        self.section(out, "Files that could not be loaded:", &load_errors)?;
        let rule_errors: Vec<String> = report
            .outcome
            .errors
            .iter()
            .map(|e| format!("{} ({})  {}", e.rule_id, e.place(), e.message))
            .collect();
        self.section(out, "Rules that failed to evaluate:", &rule_errors)?;
        // Suppressed findings one per line, except baselined ones (a baseline can hold
        // thousands; they are counted in the summary).
        let suppressed: Vec<String> = report
            .findings()
            .iter()
            .filter_map(|f| Some((f, f.suppression.as_ref()?)))
            .filter(|(_, s)| s.kind != crate::suppress::Kind::Baseline)
            .map(|(f, s)| {
                format!(
                    "{}:{}  {}  {}  {}",
                    f.location.file().unwrap_or("-"),
                    f.location.line().unwrap_or(0),
                    f.rule_id,
                    short_address(&f.resource.id, f.location.file()),
                    self.paint(
                        DIM,
                        &format!("{} at {}: {}", s.kind.as_str(), s.source, s.justification)
                    )
                )
            })
            .collect();
        self.section(out, "Suppressed:", &suppressed)?;
        let problems: Vec<String> = report
            .suppression_problems()
            .iter()
            .map(ToString::to_string)
            .collect();
        self.section(out, "Suppressions not applied:", &problems)?;
        let exceptions: Vec<String> = report
            .exceptions()
            .iter()
            .filter(|e| e.status != crate::suppress::ExceptionStatus::Applied)
            .map(|e| {
                let what = if e.status == crate::suppress::ExceptionStatus::Expired {
                    format!(
                        "expired on {} ({} no longer suppressed)",
                        e.expires,
                        plural(e.findings, "finding")
                    )
                } else {
                    "matched no finding".to_string()
                };
                format!("{}  {} on {}  {what}", e.source, e.rule, e.resource)
            })
            .collect();
        self.section(out, "Exceptions to review:", &exceptions)?;
        self.summary(out, report)
    }
}

impl TextEmitter {
    /// A titled list of lines and a blank line; nothing when there are no lines.
    fn section(&self, out: &mut dyn Write, title: &str, lines: &[String]) -> io::Result<()> {
        if lines.is_empty() {
            return Ok(());
        }
        writeln!(out, "{}", self.paint(BOLD, title))?;
        for line in lines {
            writeln!(out, "  {line}")?;
        }
        writeln!(out)
    }

    fn summary(&self, out: &mut dyn Write, report: &Report) -> io::Result<()> {
        let total = report.active().count();
        let counts = report.counts_by_severity();
        let parts: Vec<String> = counts
            .iter()
            .rev()
            .filter(|(_, n)| **n > 0)
            .map(|(s, n)| self.paint(severity_color(*s), &format!("{n} {s}")))
            .collect();
        let mut line = if total == 0 {
            self.paint(BOLD, "No findings")
        } else {
            format!(
                "{} ({})",
                self.paint(BOLD, &plural(total, "finding")),
                parts.join(", ")
            )
        };
        if let Some(diff) = report.diff {
            line.push_str(&format!(
                ", {} pre-existing (unchanged since {})",
                report.pre_existing(),
                diff.reference
            ));
        }
        let by_kind = report.suppressed_by_kind();
        let suppressed: usize = by_kind.values().sum();
        if suppressed > 0 {
            let kinds: Vec<String> = by_kind
                .into_iter()
                .filter(|(_, n)| *n > 0)
                .map(|(k, n)| format!("{n} {}", k.as_str()))
                .collect();
            line.push_str(&format!(", {suppressed} suppressed ({})", kinds.join(", ")));
        }
        if !report.outcome.undetermined.is_empty() {
            line.push_str(&format!(
                ", {} undetermined",
                report.outcome.undetermined.len()
            ));
        }
        if !report.load_errors().is_empty() {
            line.push_str(&format!(
                ", {} could not be loaded",
                plural(report.load_errors().len(), "file")
            ));
        }
        if !report.outcome.errors.is_empty() {
            line.push_str(&format!(
                ", {} failed to evaluate",
                plural(report.errored_rules(), "rule")
            ));
        }
        writeln!(out, "{line}")?;
        writeln!(out, "{}", self.paint(DIM, &super::checked(report)))?;
        if report.frameworks_selected {
            for fw in &report.assessment().frameworks {
                writeln!(
                    out,
                    "{}: {}",
                    fw.name,
                    super::compliance::framework_line(fw)
                )?;
            }
        }
        Ok(())
    }
}
