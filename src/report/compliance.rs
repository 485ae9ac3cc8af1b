//! Per-control compliance reports: text, JSON and CSV views of one [`Assessment`].

use std::io::{self, Write};

use serde::Serialize;

use super::{Emitter, Report};
use crate::compliance::{Assessment, FrameworkResult, Status};

/// Version of the compliance JSON shape (`summary/controls.json` in evidence bundles).
pub const COMPLIANCE_SCHEMA_VERSION: &str = "1";

/// Failing findings listed under a control in text (the JSON and HTML views list them all).
const MAX_TEXT_FINDINGS: usize = 5;

pub struct ComplianceTextEmitter {
    pub color: bool,
}

pub struct ComplianceJsonEmitter;

pub struct ComplianceCsvEmitter;

fn status_color(s: Status) -> &'static str {
    match s {
        Status::Fail => "\x1b[1;31m",
        Status::NotEvaluated => "\x1b[33m",
        Status::Pass => "\x1b[32m",
        Status::NotApplicable | Status::Manual => "\x1b[2m",
    }
}

/// `61 controls: 3 fail · 5 pass · 50 manual` (statuses with no control left out).
pub fn framework_line(fw: &FrameworkResult) -> String {
    let parts: Vec<String> = Status::ALL
        .iter()
        .filter(|s| fw.count(**s) > 0)
        .map(|s| format!("{} {}", fw.count(*s), s))
        .collect();
    format!("{} controls: {}", fw.controls.len(), parts.join(" · "))
}

impl ComplianceTextEmitter {
    fn paint(&self, style: &str, text: &str) -> String {
        super::paint(self.color, style, text)
    }
}

impl Emitter for ComplianceTextEmitter {
    fn emit(&self, out: &mut dyn Write, report: &Report) -> io::Result<()> {
        let assessment = report.assessment();
        for (i, fw) in assessment.frameworks.iter().enumerate() {
            if i > 0 {
                writeln!(out)?;
            }
            writeln!(
                out,
                "{}",
                self.paint("\x1b[1m", &format!("{} ({})", fw.name, fw.version))
            )?;
            writeln!(out, "  {}", framework_line(fw))?;
            for c in &fw.controls {
                let status = format!("{:<14}", c.status.as_str());
                let counts = if c.status == Status::Manual {
                    String::new()
                } else {
                    format!(
                        "  [{} examined, {} failed, {} excepted]",
                        c.counts.examined, c.counts.failed, c.counts.excepted
                    )
                };
                writeln!(
                    out,
                    "  {} {:<10} {}{}",
                    self.paint(status_color(c.status), &status),
                    c.id,
                    c.title,
                    counts
                )?;
                if c.status != Status::Manual && c.status != Status::Pass {
                    writeln!(out, "{:>30}{}", "", c.reason)?;
                }
                let failing: Vec<_> = c
                    .findings
                    .iter()
                    .filter(|f| f.suppression.is_none())
                    .collect();
                for f in failing.iter().take(MAX_TEXT_FINDINGS) {
                    writeln!(
                        out,
                        "{:>30}{} {} {}",
                        "",
                        f.place(),
                        f.address(),
                        self.paint("\x1b[2m", &format!("({})", f.rule_id))
                    )?;
                }
                if failing.len() > MAX_TEXT_FINDINGS {
                    writeln!(
                        out,
                        "{:>30}… and {} more (all of them: --format compliance-json or html)",
                        "",
                        failing.len() - MAX_TEXT_FINDINGS
                    )?;
                }
            }
        }
        for caveat in &assessment.caveats {
            writeln!(out, "\nnote: {caveat}")?;
        }
        Ok(())
    }
}

#[derive(Serialize)]
struct Document<'a> {
    schema_version: &'static str,
    tool: super::json::Tool<'a>,
    #[serde(flatten)]
    assessment: &'a Assessment,
}

impl Emitter for ComplianceJsonEmitter {
    fn emit(&self, out: &mut dyn Write, report: &Report) -> io::Result<()> {
        let doc = Document {
            schema_version: COMPLIANCE_SCHEMA_VERSION,
            tool: super::json::Tool {
                name: "tenet",
                version: report.tool_version,
            },
            assessment: report.assessment(),
        };
        serde_json::to_writer_pretty(&mut *out, &doc)?;
        writeln!(out)
    }
}

impl Emitter for ComplianceCsvEmitter {
    fn emit(&self, out: &mut dyn Write, report: &Report) -> io::Result<()> {
        let mut w = csv::Writer::from_writer(out);
        w.write_record([
            "framework",
            "control",
            "title",
            "status",
            "reason",
            "automated",
            "rules",
            "examined",
            "passed",
            "failed",
            "excepted",
            "undetermined",
            "failed_resources",
        ])?;
        for fw in &report.assessment().frameworks {
            for c in &fw.controls {
                let rules: Vec<&str> = c.rules.iter().map(|r| r.id.as_str()).collect();
                w.write_record([
                    fw.id.as_str(),
                    &c.id,
                    &c.title,
                    c.status.as_str(),
                    &c.reason,
                    if c.automated { "true" } else { "false" },
                    &rules.join(" "),
                    &c.counts.examined.to_string(),
                    &c.counts.passed.to_string(),
                    &c.counts.failed.to_string(),
                    &c.counts.excepted.to_string(),
                    &c.counts.undetermined.to_string(),
                    &c.resources.failed.join(" "),
                ])?;
            }
        }
        w.flush()
    }
}
