//! A GitHub-flavoured Markdown summary (`--format markdown`), written for a workflow's job
//! summary (`$GITHUB_STEP_SUMMARY`) or a pull-request comment:
//!
//! - a headline saying whether the run fails, and what was checked;
//! - active findings per severity, with those pre-existing (`--diff-base`) and suppressed;
//! - the control status of each reported framework, failing controls in a fold-out;
//! - the most severe findings, linked to file and line when `--source-url` is given;
//! - pre-existing findings, files that could not be loaded, rules that failed, exceptions to
//!   review.
//!
//! Lists are capped so the summary stays far below GitHub's 1 MiB per step; every list says
//! how many entries it left out.

use std::io::{self, Write};

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};

use super::html::escape; // text inside raw HTML (`<summary>`), where Markdown is not rendered
use super::{Emitter, Report, plural, short_address};
use crate::compliance::Status;
use crate::finding::Finding;
use crate::policy::Severity;

pub struct MarkdownEmitter;

/// Findings listed in each findings table.
pub const TOP_FINDINGS: usize = 25;
/// Failing controls listed per framework, and problems listed per kind.
const LIST_CAP: usize = 20;
/// Characters kept of a message in a table cell.
const CELL_CHARS: usize = 300;

/// Characters escaped in a link's path (a URL path segment keeps `/`).
const PATH: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'|')
    .add(b'[')
    .add(b']')
    .add(b'(')
    .add(b')');

/// `s` on one line, runs of white space (new lines included) as one space.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Text safe in a table cell: one line, Markdown and HTML characters neutralised, at most
/// [`CELL_CHARS`] characters.
fn text(s: &str) -> String {
    let one_line = one_line(s);
    let mut short: String = one_line.chars().take(CELL_CHARS).collect();
    if short.len() < one_line.len() {
        short.push('…');
    }
    let mut out = String::with_capacity(short.len());
    for c in short.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '|' => out.push_str("\\|"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '~' | '!' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// A code span holding `s` verbatim (the fence is longer than any backtick run inside).
fn code(s: &str) -> String {
    let one_line = one_line(s);
    let longest = one_line
        .split(|c| c != '`')
        .map(str::len)
        .max()
        .unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if one_line.starts_with('`') || one_line.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{one_line}{pad}{fence}")
}

/// A code span for a table cell: a pipe ends a cell even inside a code span unless escaped.
fn cell_code(s: &str) -> String {
    code(s).replace('|', "\\|")
}

fn severity_badge(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "🟣 critical",
        Severity::High => "🔴 high",
        Severity::Medium => "🟠 medium",
        Severity::Low => "🟡 low",
        Severity::Info => "⚪ info",
    }
}

fn status_badge(s: Status) -> &'static str {
    match s {
        Status::Fail => "❌ fail",
        Status::NotEvaluated => "⚠️ not evaluated",
        Status::Pass => "✅ pass",
        Status::NotApplicable => "➖ n/a",
        Status::Manual => "📝 manual",
    }
}

impl MarkdownEmitter {
    /// `file:line`, linked to the source when a URL prefix was given and the file is in the
    /// repository.
    fn place(f: &Finding, report: &Report) -> String {
        let place = f.location.place();
        match (report.source_url, f.location.file(), f.location.line()) {
            // (Absolute paths, `/x` or `C:/x`, are outside the repository: no link.)
            (Some(prefix), Some(file), Some(line))
                if !file.starts_with('/') && file.get(1..2) != Some(":") =>
            {
                let sep = if prefix.ends_with('/') { "" } else { "/" };
                format!(
                    "[{}]({prefix}{sep}{}#L{line})",
                    text(&place),
                    utf8_percent_encode(file, PATH)
                )
            }
            _ => cell_code(&place),
        }
    }

    fn findings_table(
        out: &mut dyn Write,
        report: &Report,
        findings: &[&Finding],
    ) -> io::Result<()> {
        writeln!(out, "| Severity | Rule | Resource | Where | Problem |")?;
        writeln!(out, "|---|---|---|---|---|")?;
        for f in findings.iter().take(TOP_FINDINGS) {
            writeln!(
                out,
                "| {} | **{}** {} | {} | {} | {} |",
                severity_badge(f.severity),
                text(&f.rule_id),
                text(&f.title),
                cell_code(&short_address(&f.resource.id, f.location.file())),
                Self::place(f, report),
                text(&f.message),
            )?;
        }
        if findings.len() > TOP_FINDINGS {
            writeln!(
                out,
                "\n_{} more not shown: the SARIF, JSON and text reports list them all._",
                findings.len() - TOP_FINDINGS
            )?;
        }
        writeln!(out)
    }

    fn headline(out: &mut dyn Write, report: &Report) -> io::Result<()> {
        let active = report.active().count();
        let failing = report.failing();
        let rule_errors = report.outcome.errors.len();
        let (mark, what) = if rule_errors > 0 {
            (
                "⚠️",
                format!(
                    "{} failed to evaluate{}",
                    plural(report.errored_rules(), "rule"),
                    if failing > 0 {
                        format!(", and {} fail the run", plural(failing, "finding"))
                    } else {
                        String::new()
                    }
                ),
            )
        } else if failing > 0 {
            let noun = if report.diff.is_some() {
                "new finding"
            } else {
                "finding"
            };
            ("❌", format!("{} fail the run", plural(failing, noun)))
        } else if active > 0 {
            let why = match (report.fail_on, report.diff) {
                (None, _) => "soft fail",
                (Some(_), Some(_)) if report.pre_existing() == active => "all pre-existing",
                _ => "below the threshold",
            };
            (
                "✅",
                format!("no finding fails the run ({} open, {why})", active),
            )
        } else {
            ("✅", "no findings".to_string())
        };
        writeln!(out, "## {mark} tenet: {what}\n")?;
        let mut scope = super::checked(report);
        match report.fail_on {
            Some(s) => scope.push_str(&format!(" · fails on **{}** and above", s.as_str())),
            None => scope.push_str(" · findings never fail the run"),
        }
        if let Some(d) = report.diff {
            let short: String = d.base_commit.chars().take(12).collect();
            scope.push_str(&format!(
                " · changed-only: resources changed since {} ({} {})",
                code(&d.reference),
                if d.merge_base { "merge base" } else { "commit" },
                code(&short),
            ));
        }
        writeln!(out, "{scope}\n")
    }

    fn severity_table(out: &mut dyn Write, report: &Report) -> io::Result<()> {
        let by_kind = report.suppressed_by_kind();
        let suppressed: usize = by_kind.values().sum();
        let diff = report.diff.is_some();
        write!(out, "| Severity | Open |")?;
        if diff {
            write!(out, " New | Pre-existing |")?;
        }
        writeln!(out, " Suppressed |")?;
        writeln!(
            out,
            "|---|---:|{}---:|",
            if diff { "---:|---:|" } else { "" }
        )?;
        for s in &Severity::ALL {
            let open: Vec<&Finding> = report.active().filter(|f| f.severity == *s).collect();
            let quiet = report
                .findings()
                .iter()
                .filter(|f| f.severity == *s && f.suppression.is_some())
                .count();
            write!(out, "| {} | {} |", severity_badge(*s), open.len())?;
            if diff {
                let pre = open.iter().filter(|f| f.is_pre_existing()).count();
                write!(out, " {} | {pre} |", open.len() - pre)?;
            }
            writeln!(out, " {quiet} |")?;
        }
        writeln!(out)?;
        if suppressed > 0 {
            let kinds: Vec<String> = by_kind
                .iter()
                .filter(|(_, n)| **n > 0)
                .map(|(k, n)| format!("{n} {}", k.as_str()))
                .collect();
            writeln!(
                out,
                "Suppressed: {} ({}); they do not fail the run.\n",
                plural(suppressed, "finding"),
                kinds.join(", ")
            )?;
        }
        Ok(())
    }

    fn compliance(out: &mut dyn Write, report: &Report) -> io::Result<()> {
        let assessment = report.assessment();
        if assessment.frameworks.is_empty() {
            return Ok(());
        }
        writeln!(out, "### Compliance\n")?;
        write!(out, "| Framework | Controls |")?;
        for s in Status::ALL {
            write!(out, " {} |", status_badge(s))?;
        }
        writeln!(out)?;
        writeln!(out, "|---|---:|{}", "---:|".repeat(Status::ALL.len()))?;
        for fw in &assessment.frameworks {
            write!(
                out,
                "| {} {} | {} |",
                text(&fw.name),
                text(&fw.version),
                fw.controls.len()
            )?;
            for s in Status::ALL {
                write!(out, " {} |", fw.count(s))?;
            }
            writeln!(out)?;
        }
        writeln!(out)?;
        writeln!(
            out,
            "Controls count as failing when an open finding (pre-existing ones included) maps to \
             them; manual controls have no automated check.\n"
        )?;
        for fw in &assessment.frameworks {
            let failing: Vec<_> = fw
                .controls
                .iter()
                .filter(|c| c.status == Status::Fail)
                .collect();
            if failing.is_empty() {
                continue;
            }
            writeln!(
                out,
                "<details><summary>{}: {} failing</summary>\n",
                escape(&fw.name),
                plural(failing.len(), "control")
            )?;
            for c in failing.iter().take(LIST_CAP) {
                let rules: Vec<String> = c
                    .rules
                    .iter()
                    .filter(|r| r.status == Status::Fail)
                    .map(|r| code(&r.id))
                    .collect();
                writeln!(
                    out,
                    "- **{}** {}: {} failing by {}",
                    text(&c.id),
                    text(&c.title),
                    plural(c.counts.failed, "resource"),
                    rules.join(", ")
                )?;
            }
            if failing.len() > LIST_CAP {
                writeln!(out, "- … {} more", failing.len() - LIST_CAP)?;
            }
            writeln!(out, "\n</details>\n")?;
        }
        Ok(())
    }

    fn problems(out: &mut dyn Write, report: &Report) -> io::Result<()> {
        let mut lines: Vec<String> = Vec::new();
        for e in report.load_errors() {
            let place = match e.line {
                Some(l) => format!("{}:{l}", e.file),
                None => e.file.clone(),
            };
            lines.push(format!(
                "file not loaded: {} {}",
                code(&place),
                text(&e.message)
            ));
        }
        for e in &report.outcome.errors {
            lines.push(format!(
                "rule failed to evaluate: {} {}",
                code(&e.rule_id),
                text(&e.message)
            ));
        }
        for p in report.suppression_problems() {
            lines.push(format!("suppression not applied: {}", text(&p.to_string())));
        }
        for e in report
            .exceptions()
            .iter()
            .filter(|e| e.status != crate::suppress::ExceptionStatus::Applied)
        {
            let what = if e.status == crate::suppress::ExceptionStatus::Expired {
                format!("expired on {}", text(&e.expires))
            } else {
                "matched no finding".to_string()
            };
            lines.push(format!(
                "exception {} ({} on {}) {what}",
                code(&e.source),
                code(&e.rule),
                code(&e.resource)
            ));
        }
        if lines.is_empty() {
            return Ok(());
        }
        writeln!(out, "### Problems\n")?;
        for l in lines.iter().take(LIST_CAP) {
            writeln!(out, "- {l}")?;
        }
        if lines.len() > LIST_CAP {
            writeln!(out, "- … {} more", lines.len() - LIST_CAP)?;
        }
        writeln!(out)
    }
}

impl Emitter for MarkdownEmitter {
    fn emit(&self, out: &mut dyn Write, report: &Report) -> io::Result<()> {
        Self::headline(out, report)?;
        Self::severity_table(out, report)?;
        Self::compliance(out, report)?;
        let mut findings: Vec<&Finding> = report.active().collect();
        findings.sort_by(|a, b| {
            b.severity
                .cmp(&a.severity)
                .then_with(|| a.sort_key().cmp(&b.sort_key()))
        });
        let (pre, new): (Vec<&Finding>, Vec<&Finding>) =
            findings.into_iter().partition(|f| f.is_pre_existing());
        if !new.is_empty() {
            let title = if report.diff.is_some() {
                "New findings"
            } else {
                "Findings"
            };
            writeln!(out, "### {title}\n")?;
            Self::findings_table(out, report, &new)?;
        }
        if !pre.is_empty() {
            let reference = report.diff.map_or("", |d| d.reference.as_str());
            writeln!(
                out,
                "<details><summary>{} on resources unchanged since <code>{}</code> (not failing)</summary>\n",
                plural(pre.len(), "pre-existing finding"),
                escape(reference)
            )?;
            Self::findings_table(out, report, &pre)?;
            writeln!(out, "</details>\n")?;
        }
        if !report.outcome.undetermined.is_empty() {
            writeln!(
                out,
                "{} could not be decided before apply (values unknown).\n",
                plural(report.outcome.undetermined.len(), "check")
            )?;
        }
        Self::problems(out, report)?;
        writeln!(out, "<sub>tenet {}</sub>", text(report.tool_version))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_one_line_and_neutral() {
        assert_eq!(text("a|b\n<c> *d*"), "a\\|b &lt;c&gt; \\*d\\*");
        let long = "x".repeat(CELL_CHARS + 10);
        assert_eq!(text(&long).chars().count(), CELL_CHARS + 1);
    }

    #[test]
    fn code_spans_hold_backticks_and_pipes() {
        assert_eq!(code("a.b"), "`a.b`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`x`"), "`` `x` ``");
        assert_eq!(code("a|b"), "`a|b`");
        assert_eq!(cell_code("a|b"), "`a\\|b`");
    }
}
