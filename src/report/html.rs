//! A self-contained HTML report: one file with inline CSS, inline SVG and a small inline
//! script, nothing loaded from the network. Per framework: a chart of control status, the
//! controls with their rules and findings (expandable without script), the manual controls;
//! then the exceptions audit, suppression problems, and load and rule errors.
//!
//! The page is a function of the report alone (no clock, no random ids): the same scan gives
//! byte-identical HTML.

use super::plural;
use std::fmt::{self, Write as _};
use std::io::{self, Write};

use super::{Emitter, Report};
use crate::compliance::{
    Assessment, ControlFinding, ControlResult, FrameworkResult, RuleResult, Status,
};
use crate::engine::RuleError;
use crate::graph::LoadError;
use crate::suppress::{ExceptionStatus, ExceptionUse, Kind, Problem};

pub struct HtmlEmitter;

const STYLE: &str = include_str!("html/style.css");
const SCRIPT: &str = include_str!("html/report.js");

/// Records script errors on the root element (`data-errors`); runs before anything else.
const ERROR_COLLECTOR: &str = "window.addEventListener(\"error\",function(e){var d=document.documentElement;var p=d.getAttribute(\"data-errors\");d.setAttribute(\"data-errors\",(p?p+\"\\n\":\"\")+(e.message||\"error\"));});";

/// Findings listed per control and kind (failing, excepted); the rest are counted.
const MAX_FINDINGS: usize = 200;

/// The statuses rules can decide, in the order the chart draws them.
const AUTOMATED: [Status; 4] = [
    Status::Fail,
    Status::NotEvaluated,
    Status::Pass,
    Status::NotApplicable,
];

/// Text escaped for HTML element content and attribute values (quoted with `"`).
pub struct Escaped<'a>(&'a str);

/// Escapes text for HTML element content and attribute values.
pub fn escape(s: &str) -> Escaped<'_> {
    Escaped(s)
}

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rest = self.0;
        while let Some(i) = rest.find(['&', '<', '>', '"', '\'']) {
            f.write_str(&rest[..i])?;
            f.write_str(match rest.as_bytes()[i] {
                b'&' => "&amp;",
                b'<' => "&lt;",
                b'>' => "&gt;",
                b'"' => "&quot;",
                _ => "&#39;",
            })?;
            rest = &rest[i + 1..];
        }
        f.write_str(rest)
    }
}

/// Escaped text whose `backtick` spans become `<code>` (remediations and messages are
/// written that way); text with an unpaired backtick is only escaped.
struct WithCode<'a>(&'a str);

impl fmt::Display for WithCode<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.0.matches('`').count().is_multiple_of(2) {
            return escape(self.0).fmt(f);
        }
        for (i, part) in self.0.split('`').enumerate() {
            if i % 2 == 1 {
                write!(f, "<code>{}</code>", escape(part))?;
            } else {
                escape(part).fmt(f)?;
            }
        }
        Ok(())
    }
}

/// An element id from free text: ASCII letters, digits, `-` and `_` kept, the rest `-`.
fn anchor(parts: &[&str]) -> String {
    parts
        .iter()
        .map(|p| {
            p.chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '_' {
                        c
                    } else {
                        '-'
                    }
                })
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("-")
}

fn status_label(s: Status) -> &'static str {
    match s {
        Status::Fail => "Fail",
        Status::NotEvaluated => "Not evaluated",
        Status::Pass => "Pass",
        Status::NotApplicable => "Not applicable",
        Status::Manual => "Manual",
    }
}

fn badge(s: Status) -> String {
    format!(
        "<span class=\"badge s-{}\">{}</span>",
        s.as_str(),
        status_label(s)
    )
}

/// What the page shows: the report's figures gathered once (unit tests build one directly).
struct Page<'a> {
    tool_version: &'a str,
    files_scanned: usize,
    resources: usize,
    rules: usize,
    active_findings: usize,
    /// Suppressed findings per kind, kinds with none left out.
    suppressed: Vec<(Kind, usize)>,
    assessment: &'a Assessment,
    exceptions: &'a [ExceptionUse],
    problems: &'a [Problem],
    load_errors: &'a [LoadError],
    rule_errors: &'a [RuleError],
}

impl Emitter for HtmlEmitter {
    fn emit(&self, out: &mut dyn Write, report: &Report) -> io::Result<()> {
        let assessment = report.assessment();
        let page = Page {
            tool_version: report.tool_version,
            files_scanned: report.files_scanned(),
            resources: report.managed_resources(),
            rules: report.rules.len(),
            active_findings: report.active().count(),
            suppressed: report
                .suppressed_by_kind()
                .into_iter()
                .filter(|(_, n)| *n > 0)
                .collect(),
            assessment,
            exceptions: report.exceptions(),
            problems: report.suppression_problems(),
            load_errors: report.load_errors(),
            rule_errors: &report.outcome.errors,
        };
        let mut html = String::new();
        page.render(&mut html)
            .map_err(|_| io::Error::other("cannot format the HTML report"))?;
        out.write_all(html.as_bytes())
    }
}

type Out = String;

impl Page<'_> {
    fn render(&self, o: &mut Out) -> fmt::Result {
        self.head(o)?;
        o.push_str("<body>\n");
        self.masthead(o)?;
        o.push_str("<main class=\"wrap\">\n");
        self.caveats(o)?;
        self.overview(o)?;
        for fw in &self.assessment.frameworks {
            framework(o, fw)?;
        }
        self.suppressions(o)?;
        self.errors(o)?;
        o.push_str("</main>\n");
        writeln!(
            o,
            "<footer class=\"wrap\"><p>Generated by tenet {}. This file is self-contained: it loads nothing from the network.</p></footer>",
            escape(self.tool_version)
        )?;
        write!(o, "<script>\n{SCRIPT}</script>\n</body>\n</html>\n")
    }

    fn head(&self, o: &mut Out) -> fmt::Result {
        write!(
            o,
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <meta name=\"generator\" content=\"tenet {v}\">\n\
             <title>Compliance report — tenet</title>\n\
             <script>{ERROR_COLLECTOR}</script>\n<style>\n{STYLE}</style>\n</head>\n",
            v = escape(self.tool_version)
        )
    }

    fn masthead(&self, o: &mut Out) -> fmt::Result {
        write!(
            o,
            "<header class=\"masthead\"><div class=\"wrap\">\n\
             <div><h1>Compliance report</h1><p class=\"tool\">tenet {}</p></div>\n\
             <dl class=\"scope\" aria-label=\"Scan scope\">\n",
            escape(self.tool_version)
        )?;
        let suppressed: usize = self.suppressed.iter().map(|(_, n)| n).sum();
        let figures = [
            ("Files scanned", self.files_scanned, "files"),
            ("Resources", self.resources, "resources"),
            ("Rules", self.rules, "rules"),
            ("Findings", self.active_findings, "findings"),
            ("Suppressed", suppressed, "suppressed"),
        ];
        for (label, n, key) in figures {
            writeln!(
                o,
                "<div><dt>{label}</dt><dd data-scope=\"{key}\">{n}</dd></div>"
            )?;
        }
        o.push_str("</dl>\n</div></header>\n");
        Ok(())
    }

    fn caveats(&self, o: &mut Out) -> fmt::Result {
        let caveats = &self.assessment.caveats;
        if caveats.is_empty() {
            return Ok(());
        }
        o.push_str(
            "<section class=\"card caveats\" role=\"note\" aria-labelledby=\"caveats-h\">\n\
             <h2 id=\"caveats-h\">Caveats: read the statuses with these in mind</h2>\n<ul>\n",
        );
        for c in caveats {
            writeln!(o, "<li>{}</li>", escape(c))?;
        }
        o.push_str("</ul>\n</section>\n");
        Ok(())
    }

    /// One line per framework with its bar and verdict, when there are several.
    fn overview(&self, o: &mut Out) -> fmt::Result {
        let frameworks = &self.assessment.frameworks;
        if frameworks.len() < 2 {
            return Ok(());
        }
        o.push_str(
            "<nav class=\"card\" aria-labelledby=\"overview-h\">\n\
             <h2 id=\"overview-h\">Frameworks</h2>\n<ul class=\"overview-list\">\n",
        );
        for fw in frameworks {
            write!(
                o,
                "<li><div><a href=\"#{}\">{}</a><br><span class=\"muted\">{}</span></div><div>",
                anchor(&["fw", &fw.id]),
                escape(&fw.name),
                escape(&verdict(fw).1)
            )?;
            bar(o, fw)?;
            o.push_str("</div></li>\n");
        }
        o.push_str("</ul>\n</nav>\n");
        Ok(())
    }

    fn suppressions(&self, o: &mut Out) -> fmt::Result {
        if self.suppressed.is_empty() && self.exceptions.is_empty() && self.problems.is_empty() {
            return Ok(());
        }
        o.push_str(
            "<section class=\"card\" id=\"exceptions\" aria-labelledby=\"exceptions-h\">\n\
             <h2 id=\"exceptions-h\">Exceptions and suppressions</h2>\n",
        );
        if !self.suppressed.is_empty() {
            let total: usize = self.suppressed.iter().map(|(_, n)| n).sum();
            let kinds: Vec<String> = self
                .suppressed
                .iter()
                .map(|(k, n)| format!("{n} {}", k.as_str()))
                .collect();
            writeln!(
                o,
                "<p>{} suppressed ({}). Suppressed findings do not fail a control; they are listed as excepted under the controls above.</p>",
                plural(total, "finding"),
                escape(&kinds.join(", "))
            )?;
        }
        exceptions_table(o, self.exceptions)?;
        if !self.problems.is_empty() {
            o.push_str("<h3>Suppressions not applied</h3>\n<ul class=\"list\">\n");
            for p in self.problems {
                writeln!(
                    o,
                    "<li><code>{}:{}</code> {}</li>",
                    escape(&p.file),
                    p.line,
                    WithCode(&p.message)
                )?;
            }
            o.push_str("</ul>\n");
        }
        o.push_str("</section>\n");
        Ok(())
    }

    fn errors(&self, o: &mut Out) -> fmt::Result {
        if self.load_errors.is_empty() && self.rule_errors.is_empty() {
            return Ok(());
        }
        o.push_str(
            "<section class=\"card\" id=\"errors\" aria-labelledby=\"errors-h\">\n\
             <h2 id=\"errors-h\">Errors</h2>\n",
        );
        if !self.load_errors.is_empty() {
            o.push_str("<h3>Files that could not be loaded</h3>\n<ul class=\"list\">\n");
            for e in self.load_errors {
                writeln!(
                    o,
                    "<li><code>{}</code> {}</li>",
                    escape(&e.place()),
                    escape(&e.message)
                )?;
            }
            o.push_str("</ul>\n");
        }
        if !self.rule_errors.is_empty() {
            o.push_str("<h3>Rules that failed to evaluate</h3>\n<ul class=\"list\">\n");
            for e in self.rule_errors {
                writeln!(
                    o,
                    "<li><code>{}</code> (<code>{}</code>) {}</li>",
                    escape(&e.rule_id),
                    escape(&e.place()),
                    escape(&e.message)
                )?;
            }
            o.push_str("</ul>\n");
        }
        o.push_str("</section>\n");
        Ok(())
    }
}

fn automated_total(fw: &FrameworkResult) -> usize {
    AUTOMATED.iter().map(|s| fw.count(*s)).sum()
}

/// The framework's worst status among automated controls (`none` when no control was
/// assessed) and a sentence saying so.
fn verdict(fw: &FrameworkResult) -> (&'static str, String) {
    let total = automated_total(fw);
    let fail = fw.count(Status::Fail);
    let not_evaluated = fw.count(Status::NotEvaluated);
    let pass = fw.count(Status::Pass);
    if fail > 0 {
        let noun = if total == 1 { "control" } else { "controls" };
        let verb = if fail == 1 { "fails" } else { "fail" };
        ("fail", format!("{fail} of {total} automated {noun} {verb}"))
    } else if not_evaluated > 0 {
        (
            "not-evaluated",
            format!(
                "No control fails; {} of {total} could not be evaluated",
                not_evaluated
            ),
        )
    } else if pass > 0 {
        let applicable = if pass == 1 {
            "The 1 applicable automated control passes".to_string()
        } else {
            format!("All {pass} applicable automated controls pass")
        };
        ("pass", applicable)
    } else {
        (
            "none",
            "No automated control applies to the resources scanned".to_string(),
        )
    }
}

fn framework(o: &mut Out, fw: &FrameworkResult) -> fmt::Result {
    let id = anchor(&["fw", &fw.id]);
    write!(
        o,
        "<section class=\"card framework\" id=\"{id}\" data-framework=\"{}\" aria-labelledby=\"{id}-h\">\n\
         <div class=\"fw-head\"><h2 id=\"{id}-h\">{}</h2><span class=\"fw-version\">{}</span></div>\n\
         <div class=\"fw-summary\">\n",
        escape(&fw.id),
        escape(&fw.name),
        escape(&fw.version)
    )?;
    donut(o, fw, &id)?;
    o.push_str("<div class=\"fw-text\">\n");
    let (class, sentence) = verdict(fw);
    writeln!(
        o,
        "<p class=\"verdict v-{class}\">{}</p>",
        escape(&sentence)
    )?;
    failing_links(o, fw)?;
    legend(o, fw)?;
    let manual = fw.count(Status::Manual);
    if manual > 0 {
        writeln!(
            o,
            "<p class=\"note\">{} manual evidence: no rule checks {} (listed below the table).</p>",
            if manual == 1 {
                "1 control needs".to_string()
            } else {
                format!("{manual} controls need")
            },
            if manual == 1 { "it" } else { "them" }
        )?;
    }
    o.push_str("</div>\n</div>\n");
    toolbar(o, fw)?;
    controls_table(o, fw)?;
    manual_group(o, fw)?;
    o.push_str("</section>\n");
    Ok(())
}

/// A donut of the automated controls by status, the failing count in its centre.
fn donut(o: &mut Out, fw: &FrameworkResult, id: &str) -> fmt::Result {
    let total = automated_total(fw);
    let parts: Vec<String> = AUTOMATED
        .iter()
        .map(|s| format!("{} {}", fw.count(*s), s))
        .collect();
    write!(
        o,
        "<svg class=\"donut\" viewBox=\"0 0 120 120\" width=\"150\" height=\"150\" role=\"img\" aria-labelledby=\"{id}-chart\">\
         <title id=\"{id}-chart\">{} automated controls: {}</title>\
         <circle class=\"track\" cx=\"60\" cy=\"60\" r=\"48\"/>",
        total,
        escape(&parts.join(", "))
    )?;
    let mut start = 0.0_f64;
    for s in AUTOMATED {
        let n = fw.count(s);
        if n == 0 || total == 0 {
            continue;
        }
        let share = n as f64 * 100.0 / total as f64;
        write!(
            o,
            "<circle class=\"seg s-{}\" cx=\"60\" cy=\"60\" r=\"48\" pathLength=\"100\" \
             stroke-dasharray=\"{share:.3} {:.3}\" stroke-dashoffset=\"{:.3}\" \
             transform=\"rotate(-90 60 60)\"><title>{n} {}</title></circle>",
            s.as_str(),
            100.0 - share,
            (100.0 - start) % 100.0,
            status_label(s).to_lowercase()
        )?;
        start += share;
    }
    let (class, _) = verdict(fw);
    let (big, small) = match class {
        "fail" => (fw.count(Status::Fail).to_string(), "failing"),
        "not-evaluated" => (fw.count(Status::NotEvaluated).to_string(), "not evaluated"),
        "pass" => (fw.count(Status::Pass).to_string(), "passing"),
        _ => ("0".to_string(), "assessed"),
    };
    writeln!(
        o,
        "<text class=\"big v-{class}\" x=\"60\" y=\"62\" text-anchor=\"middle\">{big}</text>\
         <text class=\"small\" x=\"60\" y=\"80\" text-anchor=\"middle\">{small}</text></svg>"
    )
}

/// A thin stacked bar of every control by status (the overview of several frameworks).
fn bar(o: &mut Out, fw: &FrameworkResult) -> fmt::Result {
    let total = fw.controls.len();
    write!(
        o,
        "<svg class=\"bar\" viewBox=\"0 0 1000 14\" preserveAspectRatio=\"none\" aria-hidden=\"true\">\
         <rect class=\"empty\" x=\"0\" y=\"0\" width=\"1000\" height=\"14\"/>"
    )?;
    let mut x = 0.0_f64;
    for s in Status::ALL {
        let n = fw.count(s);
        if n == 0 || total == 0 {
            continue;
        }
        let w = n as f64 * 1000.0 / total as f64;
        write!(
            o,
            "<rect class=\"s-{}\" x=\"{x:.2}\" y=\"0\" width=\"{w:.2}\" height=\"14\"><title>{n} {}</title></rect>",
            s.as_str(),
            status_label(s).to_lowercase()
        )?;
        x += w;
    }
    o.push_str("</svg>");
    Ok(())
}

fn failing_links(o: &mut Out, fw: &FrameworkResult) -> fmt::Result {
    let failing: Vec<&ControlResult> = fw
        .controls
        .iter()
        .filter(|c| c.status == Status::Fail)
        .collect();
    if failing.is_empty() {
        return Ok(());
    }
    o.push_str("<p class=\"failing\">Failing: ");
    for c in failing {
        write!(
            o,
            "<a href=\"#{}\">{}</a>",
            control_anchor(fw, c),
            escape(&c.id)
        )?;
    }
    o.push_str("</p>\n");
    Ok(())
}

/// The count per status, each in an element tests and tools can read:
/// `<span class="count" data-framework="soc2" data-status="fail">5</span>`.
fn legend(o: &mut Out, fw: &FrameworkResult) -> fmt::Result {
    o.push_str("<ul class=\"legend\" aria-label=\"Controls per status\">\n");
    for s in Status::ALL {
        writeln!(
            o,
            "<li><span class=\"swatch s-{st}\" aria-hidden=\"true\"></span>{label} \
             <span class=\"count\" data-framework=\"{fw}\" data-status=\"{st}\">{n}</span></li>",
            st = s.as_str(),
            label = status_label(s),
            fw = escape(&fw.id),
            n = fw.count(s)
        )?;
    }
    o.push_str("</ul>\n");
    Ok(())
}

/// Status buttons and a search box; hidden until the script shows them (they need it).
fn toolbar(o: &mut Out, fw: &FrameworkResult) -> fmt::Result {
    write!(
        o,
        "<div class=\"toolbar\" role=\"group\" aria-label=\"Filter the controls of {}\" hidden>\n\
         <button type=\"button\" data-filter=\"all\" aria-pressed=\"true\">All ({})</button>\n",
        escape(&fw.name),
        fw.controls.len()
    )?;
    for s in Status::ALL {
        writeln!(
            o,
            "<button type=\"button\" data-filter=\"{}\" aria-pressed=\"false\">{} ({})</button>",
            s.as_str(),
            status_label(s),
            fw.count(s)
        )?;
    }
    o.push_str(
        "<input type=\"search\" placeholder=\"Search controls, rules, resources…\" aria-label=\"Search controls\">\n</div>\n",
    );
    Ok(())
}

fn control_anchor(fw: &FrameworkResult, c: &ControlResult) -> String {
    anchor(&["ctl", &fw.id, &c.id])
}

fn controls_table(o: &mut Out, fw: &FrameworkResult) -> fmt::Result {
    let automated: Vec<&ControlResult> = fw
        .controls
        .iter()
        .filter(|c| c.status != Status::Manual)
        .collect();
    writeln!(
        o,
        "<h3>Controls checked by rules ({})</h3>",
        automated.len()
    )?;
    if automated.is_empty() {
        o.push_str("<p class=\"empty-note\">No rule maps to a control of this framework.</p>\n");
        return Ok(());
    }
    write!(
        o,
        "<table class=\"controls\">\n<caption class=\"sr-only\">Controls of {} checked by rules</caption>\n\
         <thead><tr><th scope=\"col\">Control</th><th scope=\"col\" class=\"w-title\">Title</th><th scope=\"col\">Status</th>\
         <th scope=\"col\" class=\"num\">Examined</th><th scope=\"col\" class=\"num\">Failed</th>\
         <th scope=\"col\" class=\"num\">Excepted</th><th scope=\"col\" class=\"w-reason\">Reason</th></tr></thead>\n",
        escape(&fw.name)
    )?;
    for c in automated {
        control_rows(o, fw, c)?;
    }
    o.push_str(
        "</table>\n<p class=\"empty-note no-match\" hidden>No control matches the filter.</p>\n",
    );
    Ok(())
}

fn control_rows(o: &mut Out, fw: &FrameworkResult, c: &ControlResult) -> fmt::Result {
    let failed_class = if c.counts.failed > 0 {
        "num hot"
    } else {
        "num"
    };
    write!(
        o,
        "<tbody class=\"ctl st-{st}\" id=\"{id}\" data-status=\"{st}\">\n\
         <tr><th scope=\"row\">{cid}</th><td>{title}</td><td>{badge}</td>\
         <td class=\"num\">{examined}</td><td class=\"{failed_class}\">{failed}</td>\
         <td class=\"num\">{excepted}</td><td class=\"reason\">{reason}</td></tr>\n",
        st = c.status.as_str(),
        id = control_anchor(fw, c),
        cid = escape(&c.id),
        title = escape(&c.title),
        badge = badge(c.status),
        examined = c.counts.examined,
        failed = c.counts.failed,
        excepted = c.counts.excepted,
        reason = escape(&c.reason),
    )?;
    drill_down(o, c)?;
    o.push_str("</tbody>\n");
    Ok(())
}

/// The expandable row under a control: its rules, failing findings and excepted findings.
fn drill_down(o: &mut Out, c: &ControlResult) -> fmt::Result {
    let (failing, excepted): (Vec<&ControlFinding>, Vec<&ControlFinding>) =
        c.findings.iter().partition(|f| f.suppression.is_none());
    let mut what = vec![plural(c.rules.len(), "rule")];
    if !failing.is_empty() {
        what.push(plural(failing.len(), "failing finding"));
    }
    if !excepted.is_empty() {
        what.push(plural(excepted.len(), "excepted finding"));
    }
    writeln!(
        o,
        "<tr class=\"drill\"><td colspan=\"7\"><details><summary>{}</summary><div class=\"drill-body\">",
        escape(&what.join(" · "))
    )?;
    rules_table(o, &c.rules)?;
    failing_table(o, &failing)?;
    excepted_table(o, &excepted)?;
    o.push_str("</div></details></td></tr>\n");
    Ok(())
}

/// The control's rules, failing ones first.
fn rules_table(o: &mut Out, rules: &[RuleResult]) -> fmt::Result {
    o.push_str(
        "<h4>Rules</h4>\n<table class=\"sub\"><thead><tr><th scope=\"col\">Rule</th>\
         <th scope=\"col\">Severity</th><th scope=\"col\">Status</th>\
         <th scope=\"col\" class=\"num\">Examined</th><th scope=\"col\" class=\"num\">Failed</th>\
         <th scope=\"col\" class=\"num\">Excepted</th><th scope=\"col\">Remediation</th></tr></thead>\n<tbody>\n",
    );
    let mut rules: Vec<&RuleResult> = rules.iter().collect();
    rules.sort_by(|a, b| (a.status, &a.id).cmp(&(b.status, &b.id)));
    for r in rules {
        let mut status = badge(r.status);
        if !r.evaluated {
            status.push_str(" <span class=\"muted\">(not run)</span>");
        } else if r.errored {
            status.push_str(" <span class=\"muted\">(rule error)</span>");
        } else if r.counts.undetermined > 0 {
            write!(
                status,
                " <span class=\"muted\">({} undecided)</span>",
                r.counts.undetermined
            )?;
        }
        writeln!(
            o,
            "<tr><td class=\"rule\"><code>{id}</code><br>{title}</td><td><span class=\"sev sev-{sev}\">{sev}</span></td>\
             <td>{status}</td><td class=\"num\">{examined}</td><td class=\"num\">{failed}</td>\
             <td class=\"num\">{excepted}</td><td class=\"remediation\">{remediation}</td></tr>",
            id = escape(&r.id),
            title = escape(&r.title),
            sev = r.severity.as_str(),
            examined = r.counts.examined,
            failed = r.counts.failed,
            excepted = r.counts.excepted,
            remediation = WithCode(&r.remediation),
        )?;
    }
    o.push_str("</tbody></table>\n");
    Ok(())
}

/// `… and N more` under a list cut at [`MAX_FINDINGS`].
fn more(o: &mut Out, total: usize) -> fmt::Result {
    if total > MAX_FINDINGS {
        writeln!(
            o,
            "<p class=\"more\">… and {} more (the compliance JSON lists them all).</p>",
            total - MAX_FINDINGS
        )?;
    }
    Ok(())
}

fn failing_table(o: &mut Out, findings: &[&ControlFinding]) -> fmt::Result {
    if findings.is_empty() {
        return Ok(());
    }
    o.push_str(
        "<h4>Failing findings</h4>\n<table class=\"sub\"><thead><tr><th scope=\"col\">Rule</th>\
         <th scope=\"col\">Severity</th><th scope=\"col\">Location</th><th scope=\"col\">Resource</th>\
         <th scope=\"col\">Message</th></tr></thead>\n<tbody>\n",
    );
    for f in findings.iter().take(MAX_FINDINGS) {
        writeln!(
            o,
            "<tr><td><code>{rule}</code></td><td><span class=\"sev sev-{sev}\">{sev}</span></td>\
             <td><code>{place}</code></td><td><code title=\"{id}\">{name}</code></td><td>{message}</td></tr>",
            rule = escape(&f.rule_id),
            sev = f.severity.as_str(),
            place = escape(&f.place()),
            id = escape(&f.resource_id),
            name = escape(&f.address()),
            message = escape(&f.message),
        )?;
    }
    o.push_str("</tbody></table>\n");
    more(o, findings.len())
}

fn excepted_table(o: &mut Out, findings: &[&ControlFinding]) -> fmt::Result {
    if findings.is_empty() {
        return Ok(());
    }
    o.push_str(
        "<h4>Excepted findings</h4>\n<table class=\"sub\"><thead><tr><th scope=\"col\">Rule</th>\
         <th scope=\"col\">Location</th><th scope=\"col\">Resource</th><th scope=\"col\">Suppressed by</th>\
         <th scope=\"col\">Justification</th><th scope=\"col\">Owner</th><th scope=\"col\">Expires</th></tr></thead>\n<tbody>\n",
    );
    for f in findings.iter().take(MAX_FINDINGS) {
        let Some(s) = &f.suppression else {
            continue;
        };
        writeln!(
            o,
            "<tr><td><code>{rule}</code></td><td><code>{place}</code></td>\
             <td><code title=\"{id}\">{name}</code></td>\
             <td>{kind}<br><code class=\"muted\">{source}</code></td><td>{why}</td>\
             <td>{owner}</td><td class=\"date\">{expires}</td></tr>",
            rule = escape(&f.rule_id),
            place = escape(&f.place()),
            id = escape(&f.resource_id),
            name = escape(&f.address()),
            kind = s.kind.as_str(),
            source = escape(&s.source),
            why = escape(&s.justification),
            owner = escape(s.owner.as_deref().unwrap_or("—")),
            expires = escape(s.expires.as_deref().unwrap_or("—")),
        )?;
    }
    o.push_str("</tbody></table>\n");
    more(o, findings.len())
}

/// Controls no rule checks, in a collapsed group.
fn manual_group(o: &mut Out, fw: &FrameworkResult) -> fmt::Result {
    let manual: Vec<&ControlResult> = fw
        .controls
        .iter()
        .filter(|c| c.status == Status::Manual)
        .collect();
    if manual.is_empty() {
        return Ok(());
    }
    write!(
        o,
        "<details class=\"manual\"><summary>Manual controls ({}): no rule checks them, they need manual evidence</summary>\n\
         <table class=\"sub\"><caption class=\"sr-only\">Manual controls of {}</caption>\
         <thead><tr><th scope=\"col\">Control</th><th scope=\"col\">Title</th><th scope=\"col\">Status</th></tr></thead>\n",
        manual.len(),
        escape(&fw.name)
    )?;
    for c in manual {
        writeln!(
            o,
            "<tbody class=\"ctl\" id=\"{}\" data-status=\"manual\"><tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td></tr></tbody>",
            control_anchor(fw, c),
            escape(&c.id),
            escape(&c.title),
            badge(c.status)
        )?;
    }
    o.push_str("</table>\n</details>\n");
    Ok(())
}

/// The exceptions file's audit: which entries applied, expired or matched nothing.
fn exceptions_table(o: &mut Out, exceptions: &[ExceptionUse]) -> fmt::Result {
    if exceptions.is_empty() {
        return Ok(());
    }
    o.push_str(
        "<h3>Exceptions file</h3>\n<table class=\"sub\"><thead><tr><th scope=\"col\">Status</th>\
         <th scope=\"col\">Rule</th><th scope=\"col\">Resource</th><th scope=\"col\">Justification</th>\
         <th scope=\"col\">Owner</th><th scope=\"col\">Expires</th><th scope=\"col\" class=\"num\">Findings</th>\
         <th scope=\"col\">Source</th></tr></thead>\n<tbody>\n",
    );
    for e in exceptions {
        let label = match e.status {
            ExceptionStatus::Applied => "Applied",
            ExceptionStatus::Expired => "Expired",
            ExceptionStatus::Unused => "Unused",
        };
        writeln!(
            o,
            "<tr data-exception=\"{st}\"><td><span class=\"badge x-{st}\">{label}</span></td>\
             <td><code>{rule}</code></td><td><code>{resource}</code></td><td>{why}</td>\
             <td>{owner}</td><td class=\"date\">{expires}</td><td class=\"num\">{n}</td><td><code>{source}</code></td></tr>",
            st = e.status.as_str(),
            label = escape(label),
            rule = escape(&e.rule),
            resource = escape(&e.resource),
            why = escape(&e.justification),
            owner = escape(&e.owner),
            expires = escape(&e.expires),
            n = e.findings,
            source = escape(&e.source),
        )?;
    }
    o.push_str("</tbody></table>\n");
    o.push_str(
        "<p class=\"note\">Applied: suppresses the findings counted. Expired: past its date, its findings fail again. Unused: matched no finding.</p>\n",
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compliance::Counts;
    use crate::policy::Severity;
    use crate::suppress::Suppression;
    use std::collections::BTreeMap;

    fn control(id: &str, status: Status, findings: Vec<ControlFinding>) -> ControlResult {
        ControlResult {
            id: id.to_string(),
            title: format!("Title of <{id}>"),
            automated: status != Status::Manual,
            status,
            reason: "because & so".to_string(),
            counts: Counts {
                examined: 2,
                passed: 1,
                failed: usize::from(status == Status::Fail),
                excepted: 0,
                undetermined: 0,
            },
            rules: if status == Status::Manual {
                vec![]
            } else {
                vec![RuleResult {
                    id: "aws-s3-versioning".into(),
                    title: "Versioning".into(),
                    severity: Severity::Medium,
                    status,
                    evaluated: true,
                    errored: false,
                    unread: vec![],
                    counts: Counts::default(),
                    remediation: "Set `versioning { enabled = true }`.".into(),
                    resources: Default::default(),
                }]
            },
            findings,
            resources: Default::default(),
        }
    }

    fn finding(suppression: Option<Suppression>) -> ControlFinding {
        ControlFinding {
            rule_id: "aws-s3-versioning".into(),
            severity: Severity::Medium,
            resource_id: "terraform:m/aws_s3_bucket.b".into(),
            resource_type: "aws_s3_bucket".into(),
            location: "m/main.tf".into(),
            line: Some(3),
            message: "bucket \"b\" <script>alert(1)</script>".into(),
            fingerprint: "f".into(),
            suppression,
        }
    }

    fn assessment() -> Assessment {
        let excepted = finding(Some(Suppression {
            kind: Kind::Exception,
            justification: "logged elsewhere".into(),
            source: "exceptions.yaml:3".into(),
            owner: Some("sec@example.com".into()),
            expires: Some("2099-12-31".into()),
        }));
        let controls = vec![
            control("C1", Status::Fail, vec![finding(None), excepted]),
            control("C2", Status::Pass, vec![]),
            control("C3", Status::Manual, vec![]),
            control("C4", Status::Manual, vec![]),
        ];
        let mut summary: BTreeMap<Status, usize> = Status::ALL.iter().map(|s| (*s, 0)).collect();
        for c in &controls {
            *summary.entry(c.status).or_default() += 1;
        }
        Assessment {
            frameworks: vec![FrameworkResult {
                id: "soc2".into(),
                name: "SOC 2".into(),
                version: "2017".into(),
                summary,
                controls,
            }],
            caveats: vec!["1 rule(s) failed to evaluate: <x>".into()],
        }
    }

    fn render(a: &Assessment) -> String {
        let exceptions = [ExceptionUse {
            rule: "aws-s3-versioning".into(),
            resource: "*".into(),
            justification: "why \"not\"".into(),
            owner: "o".into(),
            expires: "2021-01-01".into(),
            source: "exceptions.yaml:3".into(),
            status: ExceptionStatus::Expired,
            findings: 1,
        }];
        let page = Page {
            tool_version: "9.9.9",
            files_scanned: 1,
            resources: 2,
            rules: 3,
            active_findings: 1,
            suppressed: vec![(Kind::Exception, 1)],
            assessment: a,
            exceptions: &exceptions,
            problems: &[],
            load_errors: &[],
            rule_errors: &[],
        };
        let mut out = String::new();
        page.render(&mut out).expect("render");
        out
    }

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escape(r#"<a href="x">Tom & 'Jerry'</a>"#).to_string(),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;"
        );
        assert_eq!(escape("plain — ünïcode").to_string(), "plain — ünïcode");
        assert_eq!(escape("").to_string(), "");
    }

    #[test]
    fn backtick_spans_become_code() {
        assert_eq!(
            WithCode("Set `a < b` now").to_string(),
            "Set <code>a &lt; b</code> now"
        );
        assert_eq!(WithCode("odd ` tick").to_string(), "odd ` tick");
    }

    #[test]
    fn input_text_is_escaped_in_the_page() {
        let html = render(&assessment());
        assert!(
            !html.contains("<script>alert(1)"),
            "finding message not escaped"
        );
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(html.contains("Title of &lt;C1&gt;"));
        assert!(html.contains("because &amp; so"));
        assert!(html.contains("1 rule(s) failed to evaluate: &lt;x&gt;"));
        assert!(html.contains("why &quot;not&quot;"));
    }

    #[test]
    fn nothing_is_loaded_from_elsewhere() {
        let html = render(&assessment()).to_lowercase();
        for needle in ["http://", "https://", "@import", "url(", "src=", "<link"] {
            assert!(!html.contains(needle), "page contains `{needle}`");
        }
    }

    #[test]
    fn counts_per_status_are_machine_readable() {
        let html = render(&assessment());
        for (status, n) in [
            ("fail", 1),
            ("not-evaluated", 0),
            ("pass", 1),
            ("not-applicable", 0),
            ("manual", 2),
        ] {
            let element = format!(
                "<span class=\"count\" data-framework=\"soc2\" data-status=\"{status}\">{n}</span>"
            );
            assert_eq!(html.matches(&element).count(), 1, "{element}");
        }
    }

    #[test]
    fn drill_down_shows_failing_and_excepted_findings() {
        let html = render(&assessment());
        assert!(html.contains("<code>m/main.tf:3</code>"));
        assert!(html.contains("<h4>Excepted findings</h4>"));
        assert!(html.contains("logged elsewhere"));
        assert!(html.contains("sec@example.com"));
        assert!(html.contains("1 rule · 1 failing finding · 1 excepted finding"));
        assert!(html.contains("Manual controls (2)"));
        assert!(html.contains("1 of 2 automated controls fails"));
        assert!(html.contains("<span class=\"badge x-expired\">Expired</span>"));
    }

    #[test]
    fn rendering_is_deterministic() {
        let a = assessment();
        assert_eq!(render(&a), render(&a));
    }

    #[test]
    fn anchors_are_plain() {
        assert_eq!(anchor(&["ctl", "soc2", "CC6.1"]), "ctl-soc2-CC6-1");
        assert_eq!(anchor(&["fw", "pci dss/4"]), "fw-pci-dss-4");
    }

    #[test]
    fn donut_segments_add_up() {
        let a = assessment();
        let mut out = String::new();
        donut(&mut out, &a.frameworks[0], "x").expect("donut");
        assert_eq!(out.matches("class=\"seg ").count(), 2);
        assert!(out.contains("stroke-dasharray=\"50.000 50.000\" stroke-dashoffset=\"0.000\""));
        assert!(out.contains("stroke-dasharray=\"50.000 50.000\" stroke-dashoffset=\"50.000\""));
    }
}
