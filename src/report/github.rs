//! GitHub Actions workflow-command annotations (`--format github`):
//! `::error file=F,line=L,endLine=E,col=C,title=T::message`, one per unsuppressed finding, so a
//! pull request shows findings on its lines even when the token cannot upload SARIF (forks).
//!
//! Severity maps to the annotation level: critical and high → `error`, medium → `warning`, low
//! and info → `notice`. GitHub keeps at most 10 annotations of each level per step, so the
//! most severe findings go first and, when some had to be left out, the last notice says how
//! many (the full list is in the other formats). Files that could not be loaded are warnings,
//! written before any finding. With `--diff-base`, only new findings are annotated; one notice
//! counts the pre-existing ones.

use std::io::{self, Write};

use super::{Emitter, Report};
use crate::finding::{Finding, Location};
use crate::policy::Severity;

/// Annotations GitHub keeps per level and step.
pub const PER_LEVEL: usize = 10;

pub struct GithubEmitter;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Level {
    Error,
    Warning,
    Notice,
}

impl Level {
    fn of(s: Severity) -> Level {
        match s {
            Severity::Critical | Severity::High => Level::Error,
            Severity::Medium => Level::Warning,
            Severity::Low | Severity::Info => Level::Notice,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Notice => "notice",
        }
    }
}

/// Escapes a command's message (`%`, CR, LF).
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value (as a message, plus `:` and `,`).
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

struct Annotation {
    level: Level,
    properties: Vec<(&'static str, String)>,
    message: String,
}

impl Annotation {
    fn write(&self, out: &mut dyn Write) -> io::Result<()> {
        let props: Vec<String> = self
            .properties
            .iter()
            .map(|(k, v)| format!("{k}={}", escape_property(v)))
            .collect();
        let sep = if props.is_empty() { "" } else { " " };
        writeln!(
            out,
            "::{}{sep}{}::{}",
            self.level.as_str(),
            props.join(","),
            escape_data(&self.message)
        )
    }
}

fn finding_annotation(f: &Finding, report: &Report) -> Annotation {
    let mut properties = Vec::new();
    if let Location::File {
        file,
        start_line,
        start_column,
        end_line,
        end_column,
    } = &f.location
    {
        properties.push(("file", file.clone()));
        properties.push(("line", start_line.to_string()));
        properties.push(("endLine", end_line.to_string()));
        // GitHub uses columns only on single-line annotations.
        if start_line == end_line {
            properties.push(("col", start_column.to_string()));
            properties.push(("endColumn", end_column.to_string()));
        }
    }
    properties.push((
        "title",
        format!("{} ({}): {}", f.rule_id, f.severity.as_str(), f.title),
    ));
    let mut message = f.message.clone();
    if let Location::Live { native_id, .. } = &f.location {
        message = format!("{native_id}: {message}");
    }
    if let Some(rule) = report.rules.iter().find(|r| r.id == f.rule_id)
        && let Some(first) = rule.remediation.lines().find(|l| !l.trim().is_empty())
    {
        message.push_str(&format!("\nFix: {}", first.trim()));
    }
    let controls: Vec<String> = f
        .controls
        .iter()
        .filter(|(_, ids)| !ids.is_empty())
        .map(|(fw, ids)| format!("{fw} {}", ids.join(", ")))
        .collect();
    if !controls.is_empty() {
        message.push_str(&format!("\nControls: {}", controls.join("; ")));
    }
    Annotation {
        level: Level::of(f.severity),
        properties,
        message,
    }
}

impl Emitter for GithubEmitter {
    fn emit(&self, out: &mut dyn Write, report: &Report) -> io::Result<()> {
        // Findings a change did not bring are not annotated (GitHub would show them among the
        // change's own); one notice counts them.
        let mut findings: Vec<&Finding> = report.gating().collect();
        let pre_existing = report.pre_existing();
        // Most severe first; the canonical order within a severity.
        findings.sort_by(|a, b| {
            b.severity
                .cmp(&a.severity)
                .then_with(|| a.sort_key().cmp(&b.sort_key()))
        });
        // Files that could not be loaded first: their findings are missing altogether.
        let mut annotations: Vec<Annotation> = report
            .load_errors()
            .iter()
            .map(|e| {
                let mut properties = vec![("file", e.file.clone())];
                if let Some(line) = e.line {
                    properties.push(("line", line.to_string()));
                }
                properties.push(("title", "tenet: file not loaded".to_string()));
                Annotation {
                    level: Level::Warning,
                    properties,
                    message: e.message.clone(),
                }
            })
            .collect();
        annotations.extend(findings.iter().map(|f| finding_annotation(f, report)));
        if pre_existing > 0 {
            // First, so that no cap leaves it out.
            annotations.insert(0, Annotation {
                level: Level::Notice,
                properties: vec![("title", "tenet: pre-existing findings".to_string())],
                message: format!(
                    "{pre_existing} finding(s) on resources unchanged since {} are not annotated \
                     and do not fail the run: the job summary and the other reports list them.",
                    report.diff.map_or("the diff base", |d| d.reference.as_str())
                ),
            });
        }
        let left_out = write_capped(out, &annotations)?;
        if left_out > 0 {
            Annotation {
                level: Level::Notice,
                properties: vec![("title", "tenet: more findings".to_string())],
                message: format!(
                    "{left_out} more annotation(s) were left out: GitHub shows at most \
                     {PER_LEVEL} per level and step. The SARIF, JSON and text reports list them all."
                ),
            }
            .write(out)?;
        }
        Ok(())
    }
}

/// Writes at most [`PER_LEVEL`] annotations per level (one notice fewer when some are left
/// out, to leave room for the note); returns how many were left out.
fn write_capped(out: &mut dyn Write, annotations: &[Annotation]) -> io::Result<usize> {
    let count = |level| annotations.iter().filter(|a| a.level == level).count();
    let overflow = [Level::Error, Level::Warning, Level::Notice]
        .iter()
        .any(|l| count(*l) > PER_LEVEL);
    let cap = |level| {
        if overflow && level == Level::Notice {
            PER_LEVEL - 1
        } else {
            PER_LEVEL
        }
    };
    let mut written = [0usize; 3];
    let mut left_out = 0;
    for a in annotations {
        let slot = &mut written[a.level as usize];
        if *slot < cap(a.level) {
            *slot += 1;
            a.write(out)?;
        } else {
            left_out += 1;
        }
    }
    Ok(left_out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(escape_data("50% a\r\nb"), "50%25 a%0D%0Ab");
        assert_eq!(escape_property("a:b,c%"), "a%3Ab%2Cc%25");
    }

    fn annotation(level: Level, n: usize) -> Annotation {
        Annotation {
            level,
            properties: vec![("file", format!("f{n}.tf")), ("line", n.to_string())],
            message: format!("m{n}"),
        }
    }

    #[test]
    fn caps_per_level_and_leaves_room_for_the_note() {
        let mut all: Vec<Annotation> = (0..12).map(|i| annotation(Level::Error, i)).collect();
        all.extend((0..3).map(|i| annotation(Level::Warning, i)));
        all.extend((0..10).map(|i| annotation(Level::Notice, i)));
        let mut out = Vec::new();
        let left = write_capped(&mut out, &all).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text.matches("::error ").count(), 10);
        assert_eq!(text.matches("::warning ").count(), 3);
        assert_eq!(text.matches("::notice ").count(), 9);
        assert_eq!(left, 2 + 1);
        assert!(text.starts_with("::error file=f0.tf,line=0::m0\n"));
    }

    #[test]
    fn no_overflow_keeps_ten_notices() {
        let all: Vec<Annotation> = (0..10).map(|i| annotation(Level::Notice, i)).collect();
        let mut out = Vec::new();
        assert_eq!(write_capped(&mut out, &all).unwrap(), 0);
        assert_eq!(String::from_utf8(out).unwrap().lines().count(), 10);
    }
}
