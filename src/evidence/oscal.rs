//! OSCAL 1.1.3 assessment results of a scan (`results/oscal/assessment-results.json`).
//!
//! ```text
//! assessment-results
//!   uuid, metadata (tool, command, scanned paths, frameworks), import-ap → ../../manifest.json
//!   results[]                      one per reported framework, in the report's order
//!     start/end                    the scan's times (SOURCE_DATE_EPOCH when set)
//!     local-definitions            tenet as a software component (the observations' origin);
//!                                  the examined resources as inventory items
//!     reviewed-controls            every control of the framework's catalog
//!     observations[]               one per rule that ran and maps to a control of the
//!                                  framework: its subjects are the resources it examined,
//!                                  each with its result; evidence: ../findings.{sarif,json}
//!     findings[]                   one per control, in catalog order: target status and the
//!                                  observations of its rules
//! ```
//!
//! # Control statuses
//!
//! | tenet status     | `target.status.state` | `reason` |                                  |
//! |------------------|-----------------------|----------|----------------------------------|
//! | `pass`           | `satisfied`           | `pass`   |                                  |
//! | `fail`           | `not-satisfied`       | `fail`   |                                  |
//! | `not-applicable` | `satisfied`           | `other`  | no resource was in scope         |
//! | `not-evaluated`  | `not-satisfied`       | `other`  | what was not shown is not met    |
//! | `manual`         | `not-satisfied`       | `other`  | needs manual evidence            |
//!
//! The exact tenet status is kept in the finding's `status` property.
//!
//! # Control ids
//!
//! OSCAL control ids are tokens (a letter or `_`, then letters, digits, `.`, `-`, `_`); ours are
//! not always (`164.312(a)(1)`, `1.1.1`). [`control_token`] maps a framework id and a control id
//! to `<framework>-<control>`, injectively:
//!
//! - framework part: ASCII letters, and after the first character digits, `.` and `-`, stay;
//!   any other character is escaped as `__<hex code point>_`; an empty id becomes `_`.
//! - `-` separates the parts; the control part never contains `-`, so the last `-` splits.
//! - control part: ASCII letters, digits and `.` stay; a parenthesised group of letters and
//!   digits `(x)` that is last or followed by `(` becomes `_x`; any other character (`-`, `_`,
//!   other parentheses, spaces, ...) is escaped as `__<hex code point>_`.
//!
//! Decoding reads `_` followed by `_` as an escape and `_` followed by a letter or digit as a
//! group, which runs to the next `_` or the end: every token decodes to one pair of ids. So
//! `hipaa` `164.312(a)(1)` is `hipaa-164.312_a_1`, `gdpr` `Art.5(1)(a)` is `gdpr-Art.5_1_a`,
//! `soc2` `CC6.1` is `soc2-CC6.1`, `pci-dss-4.0` `1.1.1` is `pci-dss-4.0-1.1.1`. The original id
//! is kept in the finding's `control-id` property. A finding's target is the control's
//! objective, `objective-id` with the control's token.
//!
//! # UUIDs
//!
//! Version 5, in the [`NAMESPACE`] of tenet's OSCAL output, named by content: a kind
//! (`finding`, `observation`, ...) and the ids of what it identifies (framework, control, rule,
//! resource), so the same control, rule or resource keeps its uuid from scan to scan. The
//! document's and each result's uuid also name a SHA-256 digest of the assessment (statuses,
//! resources, findings with their suppressions), the scanned paths and the scan's times: the
//! same scan gives the same document, and a different result a different uuid. Nothing reads
//! the clock or a random source.

use crate::report::plural;
use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::{Context, timestamp};
use crate::compliance::{Assessment, ControlResult, FrameworkResult, RuleResult, Status};
use crate::finding::Finding;
use crate::graph::{Resource, Source};
use crate::report::Report;

/// The OSCAL version the document conforms to.
pub const OSCAL_VERSION: &str = "1.1.3";

/// Namespace of tenet's OSCAL properties.
pub const NS: &str = "https://tenet.dev/ns/oscal";

/// Namespace of tenet's OSCAL UUIDs: the version 5 UUID of [`NS`] in the URL namespace.
pub const NAMESPACE: Uuid = Uuid::from_u128(0x7582_9a22_37b3_5798_833b_7b67_ab9b_9274);

/// The bundle's findings, relative to this document (`results/oscal/`).
const SARIF_HREF: &str = "../findings.sarif";
const JSON_HREF: &str = "../findings.json";
/// The bundle's manifest: the scope of the scan, in place of an assessment plan.
const MANIFEST_HREF: &str = "../../manifest.json";

/// The `assessment-results` document of a scan, to serialize. Its results are built one
/// framework at a time as it is written, so that a scan's document is never all in memory as
/// a tree (that tree was most of the bundle's peak memory).
pub fn assessment_results<'a>(
    report: &'a Report<'a>,
    assessment: &'a Assessment,
    ctx: &'a Context<'a>,
) -> impl serde::Serialize + 'a {
    let digests: Vec<String> = assessment
        .frameworks
        .iter()
        .map(|fw| result_digest(fw, assessment, report, ctx))
        .collect();
    let digest = sha256_hex(&json!({
        "tool": report.tool_version,
        "command": ctx.command,
        "paths": ctx.paths,
        "started": timestamp(&ctx.started),
        "finished": timestamp(&ctx.finished),
        "results": digests,
    }));

    let mut meta_props = vec![
        prop("tool", "tenet"),
        prop("tool-version", report.tool_version),
        prop("command", ctx.command),
    ];
    meta_props.extend(ctx.paths.iter().map(|p| prop("scanned-path", p)));
    meta_props.extend(
        assessment
            .frameworks
            .iter()
            .map(|f| prop("framework", &f.id)),
    );

    let results = if digests.is_empty() {
        // OSCAL requires at least one result; a scan reporting on no framework still has one.
        Results::Fixed(json!([{
            "uuid": content_uuid(&["result", "", &digest]),
            "title": "tenet scan",
            "description": "The scan reported on no framework: no control was reviewed.",
            "start": timestamp(&ctx.started),
            "end": timestamp(&ctx.finished),
            "reviewed-controls": {"control-selections": [{"include-all": {}}]},
        }]))
    } else {
        Results::Built {
            report,
            assessment,
            ctx,
            scan: Scan::of(report),
            digests,
        }
    };
    Document {
        root: Root {
            uuid: content_uuid(&["assessment-results", &digest]),
            metadata: json!({
                "title": "tenet assessment results",
                "last-modified": timestamp(&ctx.finished),
                "version": timestamp(&ctx.finished),
                "oscal-version": OSCAL_VERSION,
                "props": compact(meta_props),
                "remarks": METADATA_REMARKS,
            }),
            import_ap: json!({
                "href": MANIFEST_HREF,
                "remarks": "tenet writes no separate OSCAL assessment plan: the plan of this \
                    assessment is the scan's scope recorded in the evidence bundle's manifest \
                    (scanned paths, frameworks, and the SHA-256 of the inputs, policies, catalogs \
                    and configuration).",
            }),
            results,
        },
    }
}

#[derive(serde::Serialize)]
struct Document<'a> {
    #[serde(rename = "assessment-results")]
    root: Root<'a>,
}

#[derive(serde::Serialize)]
struct Root<'a> {
    uuid: String,
    metadata: Value,
    #[serde(rename = "import-ap")]
    import_ap: Value,
    results: Results<'a>,
}

/// The document's results: one per framework, each built as it is written and dropped after.
enum Results<'a> {
    Built {
        report: &'a Report<'a>,
        assessment: &'a Assessment,
        ctx: &'a Context<'a>,
        scan: Scan<'a>,
        /// Each framework's digest, in the assessment's order.
        digests: Vec<String>,
    },
    Fixed(Value),
}

impl serde::Serialize for Results<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        match self {
            Results::Fixed(v) => v.serialize(serializer),
            Results::Built {
                report,
                assessment,
                ctx,
                scan,
                digests,
            } => {
                let mut seq = serializer.serialize_seq(Some(digests.len()))?;
                for (fw, digest) in assessment.frameworks.iter().zip(digests) {
                    seq.serialize_element(&result(fw, digest, assessment, report, ctx, scan))?;
                }
                seq.end()
            }
        }
    }
}

const METADATA_REMARKS: &str = "One result per framework, one finding per control of its \
catalog, one observation per rule that ran for those controls. Control statuses map to \
objective states as follows: pass is satisfied (reason pass); fail is not-satisfied (fail); \
not-applicable is satisfied (other: no resource in scope); not-evaluated and manual are \
not-satisfied (other: what the scan did not demonstrate is not taken as met). tenet's own \
status is the finding's status property. Control ids are mapped to OSCAL tokens as \
<framework>-<control>, with a parenthesised group (x) written _x and any other character \
outside letters, digits and '.' escaped as __<hex>_; the original id is the finding's \
control-id property.";

/// Lookups over the report shared by every result.
struct Scan<'a> {
    resources: BTreeMap<&'a str, &'a Resource>,
    /// What each rule said about each resource, by (rule, resource).
    notes: BTreeMap<(&'a str, &'a str), Vec<String>>,
    /// Findings of each rule: (all, suppressed).
    findings: BTreeMap<&'a str, (usize, usize)>,
}

impl<'a> Scan<'a> {
    fn of(report: &'a Report) -> Scan<'a> {
        let resources = report
            .graph
            .resources
            .iter()
            .map(|r| (r.id.as_str(), r))
            .collect();
        let mut notes: BTreeMap<(&str, &str), Vec<String>> = BTreeMap::new();
        let mut findings: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
        let mut note = |f: &'a Finding, what: &str| {
            let mut text = format!("{what}: {} ({})", line(&f.message), f.location.place());
            if let Some(s) = &f.suppression {
                text.push_str(&format!(
                    "; excepted by {} at {}: {}",
                    s.kind.as_str(),
                    s.source,
                    line(&s.justification)
                ));
            }
            notes
                .entry((f.rule_id.as_str(), f.resource.id.as_str()))
                .or_default()
                .push(text);
        };
        for f in report.findings() {
            note(f, "finding");
            let n = findings.entry(f.rule_id.as_str()).or_default();
            n.0 += 1;
            n.1 += usize::from(f.suppression.is_some());
        }
        for f in &report.outcome.undetermined {
            note(f, "undetermined");
        }
        Scan {
            resources,
            notes,
            findings,
        }
    }
}

/// The digest naming one framework's result: what the scan found on its controls, where and
/// when.
fn result_digest(
    fw: &FrameworkResult,
    assessment: &Assessment,
    report: &Report,
    ctx: &Context,
) -> String {
    /// Serialized as the object it names: the fields in this order.
    #[derive(serde::Serialize)]
    struct Named<'a> {
        tool: &'a str,
        paths: &'a [String],
        started: String,
        finished: String,
        framework: &'a FrameworkResult,
        caveats: &'a [String],
    }
    sha256_hex(&Named {
        tool: report.tool_version,
        paths: &ctx.paths,
        started: timestamp(&ctx.started),
        finished: timestamp(&ctx.finished),
        framework: fw,
        caveats: &assessment.caveats,
    })
}

/// One framework's result; `digest` (its [`result_digest`]) names its uuid.
fn result(
    fw: &FrameworkResult,
    digest: &str,
    assessment: &Assessment,
    report: &Report,
    ctx: &Context,
    scan: &Scan,
) -> Value {
    let tool_uuid = content_uuid(&["component", &fw.id, "tenet"]);

    // The rules that ran for the framework's controls; a rule's result is the same in every
    // control it maps to.
    let mut rules: BTreeMap<&str, &RuleResult> = BTreeMap::new();
    for control in &fw.controls {
        for rule in control.rules.iter().filter(|r| r.evaluated) {
            rules.entry(rule.id.as_str()).or_insert(rule);
        }
    }
    let mut examined: BTreeSet<&str> = BTreeSet::new();
    let observations: Vec<Value> = rules
        .values()
        .map(|rule| {
            for (id, _) in subjects_of(rule) {
                examined.insert(id);
            }
            observation(&fw.id, rule, &tool_uuid, ctx, scan)
        })
        .collect();

    let mut local = json!({
        "components": [{
            "uuid": tool_uuid,
            "type": "software",
            "title": "tenet",
            "description": format!(
                "tenet {}, the policy-as-code compliance scanner that evaluated the rules of \
                 these observations on the scanned infrastructure code.",
                report.tool_version
            ),
            "props": [prop("version", report.tool_version)],
            "status": {"state": "operational"},
        }],
    });
    if !examined.is_empty() {
        local["inventory-items"] = Value::Array(
            examined
                .iter()
                .map(|id| inventory_item(&fw.id, id, scan.resources.get(id).copied()))
                .collect(),
        );
    }

    let mut props = vec![
        prop("framework-id", &fw.id),
        prop("framework-version", &fw.version),
    ];
    props.extend(
        Status::ALL
            .iter()
            .map(|s| prop(&format!("controls-{s}"), fw.count(*s))),
    );
    let summary: Vec<String> = Status::ALL
        .iter()
        .map(|s| format!("{} {s}", fw.count(*s)))
        .collect();
    let scope = if ctx.paths.is_empty() {
        ".".to_string()
    } else {
        ctx.paths.join(", ")
    };

    let mut out = json!({
        "uuid": content_uuid(&["result", &fw.id, digest]),
        "title": line(&format!("{}, version {}", fw.name, fw.version)),
        "description": format!(
            "The tenet {} of {scope} against {}: {} controls ({}).",
            ctx.command,
            line(&fw.name),
            fw.controls.len(),
            summary.join(", ")
        ),
        "start": timestamp(&ctx.started),
        "end": timestamp(&ctx.finished),
        "props": compact(props),
        "local-definitions": local,
        "reviewed-controls": {
            "control-selections": [{
                "description": format!(
                    "Every control of tenet's {} catalog (frameworks/{}.yaml).",
                    line(&fw.name),
                    fw.id
                ),
                "include-controls": fw
                    .controls
                    .iter()
                    .map(|c| json!({"control-id": control_token(&fw.id, &c.id)}))
                    .collect::<Vec<_>>(),
            }],
        },
    });
    if !observations.is_empty() {
        out["observations"] = Value::Array(observations);
    }
    if !fw.controls.is_empty() {
        out["findings"] = Value::Array(
            fw.controls
                .iter()
                .map(|c| finding(&fw.id, c, &tool_uuid))
                .collect(),
        );
    }
    if !assessment.caveats.is_empty() {
        out["remarks"] = Value::String(assessment.caveats.join("\n\n"));
    }
    out
}

/// The resources a rule examined with their result, by id.
fn subjects_of(rule: &RuleResult) -> Vec<(&str, &'static str)> {
    let r = &rule.resources;
    let mut out: Vec<(&str, &'static str)> = [
        (&r.passed, "pass"),
        (&r.failed, "fail"),
        (&r.excepted, "excepted"),
        (&r.undetermined, "undetermined"),
    ]
    .into_iter()
    .flat_map(|(ids, result)| ids.iter().map(move |id| (id.as_str(), result)))
    .collect();
    out.sort();
    out
}

fn observation(
    framework: &str,
    rule: &RuleResult,
    tool_uuid: &str,
    ctx: &Context,
    scan: &Scan,
) -> Value {
    let c = &rule.counts;
    let mut description = format!(
        "Rule {} (\"{}\", severity {}) examined {}: {} passed, {} failed, {} excepted, {} \
         undetermined. Rule status: {}.",
        rule.id,
        line(&rule.title),
        rule.severity.as_str(),
        plural(c.examined, "resource"),
        c.passed,
        c.failed,
        c.excepted,
        c.undetermined,
        rule.status
    );
    if rule.errored {
        description.push_str(" The rule failed to evaluate on some resources.");
    }
    if c.examined == 0 {
        description.push_str(" No resource of the types it checks was in scope.");
    }
    let subjects: Vec<Value> = subjects_of(rule)
        .into_iter()
        .map(|(id, result)| {
            let mut s = json!({
                "subject-uuid": resource_uuid(framework, id),
                "type": "inventory-item",
                "title": line(id),
                "props": [prop("result", result)],
            });
            if let Some(notes) = scan.notes.get(&(rule.id.as_str(), id)) {
                s["remarks"] = Value::String(notes.join("\n\n"));
            }
            s
        })
        .collect();
    let (all, suppressed) = scan
        .findings
        .get(rule.id.as_str())
        .copied()
        .unwrap_or((0, 0));
    let counted = format!(
        "{} of rule {} ({suppressed} suppressed)",
        plural(all, "finding"),
        rule.id
    );
    let mut out = json!({
        "uuid": observation_uuid(framework, &rule.id),
        "title": line(&format!("{}: {}", rule.id, rule.title)),
        "description": description,
        "props": compact(vec![
            prop("rule-id", &rule.id),
            prop("rule-status", rule.status),
            prop("severity", rule.severity.as_str()),
        ]),
        "methods": ["TEST"],
        "origins": [{"actors": [{"type": "tool", "actor-uuid": tool_uuid}]}],
        "relevant-evidence": [
            {
                "href": SARIF_HREF,
                "description": format!("The scan's findings as SARIF 2.1.0: {counted}."),
            },
            {
                "href": JSON_HREF,
                "description": format!("The scan's findings as tenet JSON: {counted}."),
            },
        ],
        "collected": timestamp(&ctx.finished),
    });
    if !subjects.is_empty() {
        out["subjects"] = Value::Array(subjects);
    }
    if matches!(rule.status, Status::Fail | Status::NotEvaluated)
        && !rule.remediation.trim().is_empty()
    {
        out["remarks"] = Value::String(format!("Remediation: {}", rule.remediation.trim()));
    }
    out
}

fn inventory_item(framework: &str, id: &str, resource: Option<&Resource>) -> Value {
    let mut props = vec![prop("resource-id", id)];
    let description = match resource {
        Some(r) => {
            props.push(prop("resource-type", &r.resource_type));
            props.push(prop("provider", &r.provider));
            let place = match &r.source {
                Source::File(f) => {
                    props.push(prop("file", &f.file));
                    props.push(prop("line", f.start_line));
                    format!("{}:{}", f.file, f.start_line)
                }
                Source::Live(l) => {
                    props.push(prop("native-id", &l.native_id));
                    l.native_id.clone()
                }
            };
            format!("{} \"{}\" at {place}", r.resource_type, r.name)
        }
        None => format!("Resource {id}"),
    };
    json!({
        "uuid": resource_uuid(framework, id),
        "description": line(&description),
        "props": compact(props),
    })
}

fn finding(framework: &str, control: &ControlResult, tool_uuid: &str) -> Value {
    let status = objective_status(control.status);
    let c = &control.counts;
    let mut target_status = json!({"state": status.state, "reason": status.reason});
    if let Some(remarks) = status.remarks {
        target_status["remarks"] = Value::String(remarks.to_string());
    } else if control.status == Status::Pass && c.excepted > 0 {
        target_status["remarks"] = Value::String(format!(
            "Satisfied with exceptions: the findings on {} are suppressed (listed in the \
             finding's remarks with their justification).",
            plural(c.excepted, "excepted resource")
        ));
    }
    let props = vec![
        prop("control-id", &control.id),
        prop("status", control.status),
        prop("automated", control.automated),
        prop("resources-examined", c.examined),
        prop("resources-passed", c.passed),
        prop("resources-failed", c.failed),
        prop("resources-excepted", c.excepted),
        prop("resources-undetermined", c.undetermined),
    ];
    let description = if control.reason.trim().is_empty() {
        control.status.to_string()
    } else {
        control.reason.clone()
    };
    let mut out = json!({
        "uuid": content_uuid(&["finding", framework, &control.id]),
        "title": line(&format!("{}: {}", control.id, control.title)),
        "description": description,
        "props": compact(props),
        "origins": [{"actors": [{"type": "tool", "actor-uuid": tool_uuid}]}],
        "target": {
            "type": "objective-id",
            "target-id": control_token(framework, &control.id),
            "title": line(&control.title),
            "status": target_status,
        },
    });
    let mut related: Vec<&str> = control
        .rules
        .iter()
        .filter(|r| r.evaluated)
        .map(|r| r.id.as_str())
        .collect();
    related.sort_unstable();
    related.dedup();
    if !related.is_empty() {
        out["related-observations"] = related
            .iter()
            .map(|r| json!({"observation-uuid": observation_uuid(framework, r)}))
            .collect();
    }
    let remarks = finding_remarks(control);
    if !remarks.is_empty() {
        out["remarks"] = Value::String(remarks);
    }
    out
}

/// The control's findings (failed, then excepted) and the remediation of its failing rules.
fn finding_remarks(control: &ControlResult) -> String {
    let mut parts = Vec::new();
    for f in &control.findings {
        let place = match f.line {
            Some(l) => format!("{}:{l}", f.location),
            None => f.location.clone(),
        };
        let mut text = format!(
            "{} on {} ({place}): {}",
            f.rule_id,
            f.resource_id,
            line(&f.message)
        );
        match &f.suppression {
            Some(s) => {
                text = format!(
                    "Excepted ({} at {}: {}): {text}",
                    s.kind.as_str(),
                    s.source,
                    line(&s.justification)
                )
            }
            None => text = format!("Failed: {text}"),
        }
        parts.push(text);
    }
    for rule in control
        .rules
        .iter()
        .filter(|r| r.status == Status::Fail && !r.remediation.trim().is_empty())
    {
        parts.push(format!(
            "Remediation of {}: {}",
            rule.id,
            rule.remediation.trim()
        ));
    }
    parts.join("\n\n")
}

/// An OSCAL objective status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ObjectiveStatus {
    /// `satisfied` or `not-satisfied`.
    pub state: &'static str,
    /// `pass`, `fail` or `other`.
    pub reason: &'static str,
    pub remarks: Option<&'static str>,
}

/// The objective status of a control with this tenet status (see the module docs).
pub fn objective_status(status: Status) -> ObjectiveStatus {
    let (state, reason, remarks) = match status {
        Status::Pass => ("satisfied", "pass", None),
        Status::Fail => ("not-satisfied", "fail", None),
        Status::NotApplicable => (
            "satisfied",
            "other",
            Some(
                "Not applicable: no resource of the types this control's rules check was in \
                 the scope of the scan, so nothing in scope fails it.",
            ),
        ),
        Status::NotEvaluated => (
            "not-satisfied",
            "other",
            Some(
                "Not evaluated: the control's rules did not run, failed to evaluate, or could \
                 not decide on some resources. What the scan did not demonstrate is not taken \
                 as satisfied.",
            ),
        ),
        Status::Manual => (
            "not-satisfied",
            "other",
            Some(
                "Manual: no tenet rule checks this control. It needs manual evidence and is not \
                 taken as satisfied until that evidence is assessed.",
            ),
        ),
    };
    ObjectiveStatus {
        state,
        reason,
        remarks,
    }
}

/// The OSCAL token of a framework's control (see the module docs): injective, and always a
/// valid token.
pub fn control_token(framework: &str, control: &str) -> String {
    let mut out = String::new();
    if framework.is_empty() {
        out.push('_');
    }
    for (i, c) in framework.chars().enumerate() {
        if c.is_ascii_alphabetic() || (i > 0 && (c.is_ascii_digit() || c == '.' || c == '-')) {
            out.push(c);
        } else {
            escape(c, &mut out);
        }
    }
    out.push('-');
    let chars: Vec<char> = control.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_ascii_alphanumeric() || c == '.' {
            out.push(c);
            i += 1;
            continue;
        }
        if c == '(' {
            let rest = &chars[i + 1..];
            let len = rest
                .iter()
                .position(|c| !c.is_ascii_alphanumeric())
                .unwrap_or(rest.len());
            let close = i + 1 + len;
            if len > 0
                && chars.get(close) == Some(&')')
                && chars.get(close + 1).is_none_or(|n| *n == '(')
            {
                out.push('_');
                out.extend(&chars[i + 1..close]);
                i = close + 1;
                continue;
            }
        }
        escape(c, &mut out);
        i += 1;
    }
    out
}

fn escape(c: char, out: &mut String) {
    out.push_str(&format!("__{:x}_", u32::from(c)));
}

/// A version 5 UUID in [`NAMESPACE`] named by `parts` (each length-prefixed, so different
/// lists never give the same name).
pub fn content_uuid(parts: &[&str]) -> String {
    let mut name = String::new();
    for p in parts {
        name.push_str(&format!("{}:{p};", p.len()));
    }
    Uuid::new_v5(&NAMESPACE, name.as_bytes()).to_string()
}

fn observation_uuid(framework: &str, rule: &str) -> String {
    content_uuid(&["observation", framework, rule])
}

/// The inventory item of a resource in a framework's result (results each define their own,
/// and uuids are unique in a document).
fn resource_uuid(framework: &str, resource: &str) -> String {
    content_uuid(&["inventory-item", framework, resource])
}

/// SHA-256 of `value`'s compact JSON, written into the hash as it is serialized.
fn sha256_hex(value: &impl serde::Serialize) -> String {
    let mut hasher = Sha256::new();
    // Hashing never fails, and the values hashed here (strings, lists and maps keyed by
    // strings) always serialize.
    let written = serde_json::to_writer(&mut hasher, value);
    debug_assert!(written.is_ok(), "a digest's value did not serialize");
    data_encoding::HEXLOWER.encode(&hasher.finalize())
}

/// A tenet property. Values are on one line (OSCAL property values have no leading, trailing
/// or embedded line breaks); empty ones give `Value::Null`, dropped by [`compact`].
fn prop(name: &str, value: impl std::fmt::Display) -> Value {
    let value = line(&value.to_string());
    if value.is_empty() {
        return Value::Null;
    }
    json!({"name": name, "ns": NS, "value": value})
}

fn compact(props: Vec<Value>) -> Vec<Value> {
    props.into_iter().filter(|p| !p.is_null()).collect()
}

/// Text on one line, whitespace collapsed.
fn line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::Catalog;

    /// A valid OSCAL token (ASCII subset of the OSCAL token pattern).
    fn is_token(s: &str) -> bool {
        let mut chars = s.chars();
        chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
    }

    /// Reads `__<hex>_` at `chars[i..]` (after the two underscores): the character and the
    /// index past the closing `_`.
    fn unescape(chars: &[char], i: usize) -> Option<(char, usize)> {
        let len = chars[i..].iter().position(|c| *c == '_')?;
        let hex: String = chars[i..i + len].iter().collect();
        if hex.is_empty()
            || hex
                .chars()
                .any(|c| !c.is_ascii_hexdigit() || c.is_uppercase())
        {
            return None;
        }
        let c = char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?;
        Some((c, i + len + 1))
    }

    /// The inverse of [`control_token`]: a token decodes to exactly one (framework, control).
    fn decode(token: &str) -> Option<(String, String)> {
        let (fw, control) = token.rsplit_once('-')?;
        let mut framework = String::new();
        if fw != "_" {
            let chars: Vec<char> = fw.chars().collect();
            let mut i = 0;
            while i < chars.len() {
                if chars[i] == '_' {
                    if chars.get(i + 1) != Some(&'_') {
                        return None;
                    }
                    let (c, next) = unescape(&chars, i + 2)?;
                    framework.push(c);
                    i = next;
                } else {
                    framework.push(chars[i]);
                    i += 1;
                }
            }
        }
        let chars: Vec<char> = control.chars().collect();
        let mut out = String::new();
        let mut i = 0;
        while i < chars.len() {
            if chars[i] != '_' {
                out.push(chars[i]);
                i += 1;
            } else if chars.get(i + 1) == Some(&'_') {
                let (c, next) = unescape(&chars, i + 2)?;
                out.push(c);
                i = next;
            } else {
                let len = chars[i + 1..]
                    .iter()
                    .position(|c| *c == '_')
                    .unwrap_or(chars.len() - i - 1);
                if len == 0 {
                    return None;
                }
                out.push('(');
                out.extend(&chars[i + 1..i + 1 + len]);
                out.push(')');
                i += 1 + len;
            }
        }
        Some((framework, out))
    }

    fn catalogs() -> Vec<Catalog> {
        crate::policy::catalog_sources()
            .map(|(path, text)| Catalog::parse(path, text).unwrap())
            .collect()
    }

    #[test]
    fn tokens_of_known_ids() {
        let cases = [
            ("hipaa", "164.312(a)(1)", "hipaa-164.312_a_1"),
            ("hipaa", "164.308(a)(1)(ii)(A)", "hipaa-164.308_a_1_ii_A"),
            ("gdpr", "Art.32", "gdpr-Art.32"),
            ("gdpr", "Art.5(1)(f)", "gdpr-Art.5_1_f"),
            ("soc2", "CC6.1", "soc2-CC6.1"),
            ("pci-dss-4.0", "3.5.1", "pci-dss-4.0-3.5.1"),
            ("iso27001-2022", "A.8.24", "iso27001-2022-A.8.24"),
            // Not in any catalog: what the general rules give.
            ("x", "A(b)c", "x-A__28_b__29_c"),
            ("x", "a_b", "x-a__5f_b"),
            ("x", "a-b", "x-a__2d_b"),
            ("x", "(a)(b c)", "x-_a__28_b__20_c__29_"),
            ("9x", "1", "__39_x-1"),
            ("", "()", "_-__28___29_"),
        ];
        for (fw, id, token) in cases {
            assert_eq!(control_token(fw, id), token, "{fw} {id}");
            assert!(is_token(token), "{token}");
            assert_eq!(
                decode(token),
                Some((fw.to_string(), id.to_string())),
                "{token}"
            );
        }
    }

    #[test]
    fn tokens_round_trip_on_awkward_ids() {
        let fws = ["soc2", "pci-dss-4.0", "a_b", "1", "-x", ".", "é", ""];
        let ids = [
            "", "(", ")", "()", "(a)", "(a)b", "(ab)", "a(b)(c)", "a(b)(", "a(b))", "((a))",
            "(a)(b)c", "__", "_a", "a_", "-", "a-b", "x.y", "Art. 5", "§ 1", "a(é)", "(1)(2)",
            "(a)_", "(a)__28_",
        ];
        let mut seen = BTreeMap::new();
        for fw in fws {
            for id in ids {
                let token = control_token(fw, id);
                assert!(is_token(&token), "{fw:?} {id:?} -> {token:?}");
                assert_eq!(
                    decode(&token),
                    Some((fw.to_string(), id.to_string())),
                    "{token}"
                );
                if let Some(other) = seen.insert(token.clone(), (fw, id)) {
                    panic!("{token} for both {other:?} and {:?}", (fw, id));
                }
            }
        }
    }

    #[test]
    fn every_catalog_control_has_its_own_valid_token() {
        let mut seen: BTreeMap<String, (String, String)> = BTreeMap::new();
        let mut n = 0;
        for catalog in catalogs() {
            for control in &catalog.controls {
                let token = control_token(&catalog.id, &control.id);
                assert!(is_token(&token), "{} {} -> {token}", catalog.id, control.id);
                // Readable: only the characters OSCAL forbids are rewritten.
                assert!(!token.contains("__"), "{token}");
                assert_eq!(
                    decode(&token),
                    Some((catalog.id.clone(), control.id.clone())),
                    "{token}"
                );
                if let Some(other) =
                    seen.insert(token.clone(), (catalog.id.clone(), control.id.clone()))
                {
                    panic!(
                        "{token} for both {other:?} and {} {}",
                        catalog.id, control.id
                    );
                }
                n += 1;
            }
        }
        assert_eq!(catalogs().len(), 5);
        assert!(n > 500, "{n} controls");
    }

    #[test]
    fn uuids_are_version_5_and_follow_content() {
        assert_eq!(
            NAMESPACE,
            Uuid::new_v5(&Uuid::NAMESPACE_URL, NS.as_bytes()),
            "the namespace is the UUID of NS"
        );
        let a = content_uuid(&["finding", "soc2", "CC6.1"]);
        assert_eq!(a, content_uuid(&["finding", "soc2", "CC6.1"]));
        let parsed = Uuid::parse_str(&a).unwrap();
        assert_eq!(parsed.get_version_num(), 5);
        assert_eq!(parsed.get_variant(), uuid::Variant::RFC4122);
        assert_ne!(a, content_uuid(&["finding", "soc2", "CC6.6"]));
        assert_ne!(a, content_uuid(&["finding", "soc2CC6.1"]));
        // Parts are length-prefixed: moving a boundary changes the name.
        assert_ne!(content_uuid(&["a:b", "c"]), content_uuid(&["a", "b;c"]),);
        assert_ne!(
            content_uuid(&["observation", "x", "y"]),
            content_uuid(&["inventory-item", "x", "y"])
        );
    }

    #[test]
    fn statuses_map_conservatively() {
        let s = |st| {
            let o = objective_status(st);
            (o.state, o.reason, o.remarks.is_some())
        };
        assert_eq!(s(Status::Pass), ("satisfied", "pass", false));
        assert_eq!(s(Status::Fail), ("not-satisfied", "fail", false));
        assert_eq!(s(Status::NotApplicable), ("satisfied", "other", true));
        assert_eq!(s(Status::NotEvaluated), ("not-satisfied", "other", true));
        assert_eq!(s(Status::Manual), ("not-satisfied", "other", true));
    }

    #[test]
    fn props_are_single_line_and_never_empty() {
        assert_eq!(prop("x", "  a\n b  ")["value"], "a b");
        assert!(prop("x", " \n ").is_null());
        assert_eq!(compact(vec![prop("x", ""), prop("y", 1)]).len(), 1);
    }
}
