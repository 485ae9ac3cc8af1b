//! JUnit XML (`--format junit`) for CI systems that read test reports: one `<testsuite>` per
//! rule that ran, one `<testcase>` per resource it examined. A failing resource has a
//! `<failure>` (message, `file:line`, remediation); a suppressed one is `<skipped>` with the
//! suppression's kind and justification; an undecided one, or with `--diff-base` one whose
//! findings are all pre-existing, is `<skipped>` too. A rule that
//! failed to evaluate gets an `<error>` case.

use std::collections::BTreeMap;
use std::io::{self, Write};

use super::{Emitter, Report};
use crate::finding::Finding;

pub struct JunitEmitter;

/// Escapes text for XML content and attribute values; drops characters XML 1.0 forbids.
fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

impl Emitter for JunitEmitter {
    fn emit(&self, out: &mut dyn Write, report: &Report) -> io::Result<()> {
        // Findings and undecided resources by rule and resource.
        let mut failed: BTreeMap<(&str, &str), Vec<&Finding>> = BTreeMap::new();
        for f in report.findings() {
            failed
                .entry((&f.rule_id, &f.resource.id))
                .or_default()
                .push(f);
        }
        let mut undecided: BTreeMap<(&str, &str), Vec<&Finding>> = BTreeMap::new();
        for f in &report.outcome.undetermined {
            undecided
                .entry((&f.rule_id, &f.resource.id))
                .or_default()
                .push(f);
        }
        let remediation: BTreeMap<&str, &str> = report
            .rules
            .iter()
            .map(|r| (r.id.as_str(), r.remediation.as_str()))
            .collect();

        let mut suites = String::new();
        let (mut total, mut failures, mut errors, mut skipped) = (0, 0, 0, 0);
        for run in &report.outcome.runs {
            let rule = run.rule_id.as_str();
            let mut cases = String::new();
            let (mut s_fail, mut s_skip, mut s_err) = (0, 0, 0);
            let mut ids: Vec<&str> = run.examined.iter().map(String::as_str).collect();
            // Findings on resources outside the rule's types are cases too.
            ids.extend(failed.keys().filter(|(r, _)| *r == rule).map(|(_, id)| *id));
            ids.sort_unstable();
            ids.dedup();
            for id in &ids {
                cases.push_str(&format!(
                    "    <testcase classname=\"{}\" name=\"{}\"",
                    xml(rule),
                    xml(id)
                ));
                let found = failed.get(&(rule, *id));
                let active: Vec<&&Finding> = found
                    .into_iter()
                    .flatten()
                    .filter(|f| f.suppression.is_none())
                    .collect();
                let (pre_existing, active): (Vec<&&Finding>, Vec<&&Finding>) =
                    active.into_iter().partition(|f| f.is_pre_existing());
                if !active.is_empty() {
                    s_fail += 1;
                    let text: Vec<String> = active
                        .iter()
                        .map(|f| format!("{}: {}", f.location.place(), f.message))
                        .collect();
                    cases.push_str(&format!(
                        ">\n      <failure message=\"{}\" type=\"{}\">{}\n\nFix: {}</failure>\n    </testcase>\n",
                        xml(&active[0].message),
                        active[0].severity.as_str(),
                        xml(&text.join("\n")),
                        xml(remediation.get(rule).copied().unwrap_or(""))
                    ));
                } else if let Some(f) = pre_existing.first() {
                    s_skip += 1;
                    cases.push_str(&format!(
                        ">\n      <skipped message=\"pre-existing (unchanged since {}): {}\"/>\n    </testcase>\n",
                        xml(report.diff.map_or("", |d| d.reference.as_str())),
                        xml(&f.message)
                    ));
                } else if let Some(s) = found
                    .into_iter()
                    .flatten()
                    .find_map(|f| f.suppression.as_ref())
                {
                    s_skip += 1;
                    cases.push_str(&format!(
                        ">\n      <skipped message=\"suppressed ({}): {}\"/>\n    </testcase>\n",
                        s.kind.as_str(),
                        xml(&s.justification)
                    ));
                } else if let Some(u) = undecided.get(&(rule, *id)) {
                    s_skip += 1;
                    cases.push_str(&format!(
                        ">\n      <skipped message=\"undetermined: {}\"/>\n    </testcase>\n",
                        xml(&u[0].message)
                    ));
                } else {
                    cases.push_str("/>\n");
                }
            }
            let mut tests = ids.len();
            if run.errored {
                s_err += 1;
                tests += 1;
                let why: Vec<&str> = report
                    .outcome
                    .errors
                    .iter()
                    .filter(|e| e.rule_id == rule)
                    .map(|e| e.message.as_str())
                    .collect();
                cases.push_str(&format!(
                    "    <testcase classname=\"{}\" name=\"(evaluation)\">\n      <error message=\"the rule failed to evaluate\">{}</error>\n    </testcase>\n",
                    xml(rule),
                    xml(&why.join("\n"))
                ));
            }
            total += tests;
            failures += s_fail;
            errors += s_err;
            skipped += s_skip;
            suites.push_str(&format!(
                "  <testsuite name=\"{}\" tests=\"{tests}\" failures=\"{s_fail}\" errors=\"{s_err}\" skipped=\"{s_skip}\">\n{cases}  </testsuite>\n",
                xml(rule)
            ));
        }
        write!(
            out,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"tenet\" tests=\"{total}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"{skipped}\">\n{suites}</testsuites>\n"
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_drops_forbidden_characters() {
        assert_eq!(
            xml("a<b & \"c\" 'd'>"),
            "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;"
        );
        assert_eq!(xml("x\u{1}y\tz"), "xy\tz");
    }
}
