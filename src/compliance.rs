//! Per-control compliance: the findings of a scan rolled up onto the controls of each selected
//! framework. Every compliance output (text, JSON, CSV, HTML, OSCAL, the evidence bundle) is
//! built from one [`Assessment`], so they never disagree.
//!
//! A rule's verdict on the resources it examined:
//!
//! | rule status      | when                                                              |
//! |------------------|-------------------------------------------------------------------|
//! | `fail`           | an unsuppressed finding on at least one resource                  |
//! | `not-evaluated`  | the rule errored, or some resource could not be decided (unknown) |
//! | `pass`           | it examined at least one resource and none failed                 |
//! | `not-applicable` | no resource of its types was in scope                             |
//!
//! A control's status: `manual` when no rule maps to it; `not-evaluated` when its rules were
//! all disabled; otherwise the worst of its rules' statuses in the order fail, not-evaluated,
//! pass, not-applicable. Suppressed findings (inline, annotation, exception, baseline) do not
//! fail a control; their resources are counted as `excepted`.

use crate::report::plural;
use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::finding::Finding;
use crate::policy::{Catalog, RuleMeta, Severity};
use crate::report::Report;

/// The status of a control or a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Fail,
    NotEvaluated,
    Pass,
    NotApplicable,
    Manual,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::Fail,
        Status::NotEvaluated,
        Status::Pass,
        Status::NotApplicable,
        Status::Manual,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Fail => "fail",
            Status::NotEvaluated => "not-evaluated",
            Status::Pass => "pass",
            Status::NotApplicable => "not-applicable",
            Status::Manual => "manual",
        }
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Distinct resources by outcome. `examined = passed + failed + excepted + undetermined`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub examined: usize,
    pub passed: usize,
    pub failed: usize,
    pub excepted: usize,
    pub undetermined: usize,
}

/// The resources behind [`Counts`], by id.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Resources {
    pub passed: Vec<String>,
    pub failed: Vec<String>,
    pub excepted: Vec<String>,
    pub undetermined: Vec<String>,
}

impl Resources {
    fn of(sets: &ResourceSets) -> (Counts, Resources) {
        let failed = &sets.failed;
        let excepted: BTreeSet<&String> = sets.excepted.difference(failed).collect();
        let undetermined: BTreeSet<&String> = sets
            .undetermined
            .iter()
            .filter(|r| !failed.contains(*r) && !excepted.contains(r))
            .collect();
        let passed: Vec<String> = sets
            .examined
            .iter()
            .filter(|r| !failed.contains(*r) && !excepted.contains(r) && !undetermined.contains(r))
            .cloned()
            .collect();
        let counts = Counts {
            examined: sets.examined.len(),
            passed: passed.len(),
            failed: failed.len(),
            excepted: excepted.len(),
            undetermined: undetermined.len(),
        };
        let resources = Resources {
            passed,
            failed: failed.iter().cloned().collect(),
            excepted: excepted.into_iter().cloned().collect(),
            undetermined: undetermined.into_iter().cloned().collect(),
        };
        (counts, resources)
    }
}

#[derive(Debug, Default)]
struct ResourceSets {
    examined: BTreeSet<String>,
    failed: BTreeSet<String>,
    excepted: BTreeSet<String>,
    undetermined: BTreeSet<String>,
}

impl ResourceSets {
    fn extend(&mut self, other: &ResourceSets) {
        self.examined.extend(other.examined.iter().cloned());
        self.failed.extend(other.failed.iter().cloned());
        self.excepted.extend(other.excepted.iter().cloned());
        self.undetermined.extend(other.undetermined.iter().cloned());
    }
}

/// One rule's verdict, as part of a control.
#[derive(Debug, Clone, Serialize)]
pub struct RuleResult {
    pub id: String,
    pub title: String,
    pub severity: Severity,
    pub status: Status,
    /// Whether the rule ran in this scan (disabled or deselected rules are listed, not run).
    pub evaluated: bool,
    pub errored: bool,
    /// Live audits: the calls that failed for resource types this rule judges (their
    /// resources may exist unseen), so the rule cannot pass.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unread: Vec<String>,
    pub counts: Counts,
    pub remediation: String,
    /// The resources behind `counts` (not serialized: the control's `resources` list them).
    #[serde(skip)]
    pub resources: Resources,
}

/// A finding as a control's drill-down shows it.
#[derive(Debug, Clone, Serialize)]
pub struct ControlFinding {
    pub rule_id: String,
    pub severity: Severity,
    pub resource_id: String,
    pub resource_type: String,
    /// `file` for file inputs, else the live resource's native id.
    pub location: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    pub message: String,
    pub fingerprint: String,
    /// Suppressed findings (excepted) carry their suppression; they do not fail the control.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppression: Option<crate::suppress::Suppression>,
}

impl ControlFinding {
    /// `file:line`, or the live resource's native id.
    pub fn place(&self) -> String {
        match self.line {
            Some(line) => format!("{}:{line}", self.location),
            None => self.location.clone(),
        }
    }

    /// The resource as users write it (`aws_s3_bucket.logs`).
    pub fn address(&self) -> String {
        let file = self.line.map(|_| self.location.as_str());
        crate::report::short_address(&self.resource_id, file)
    }

    fn of(f: &Finding) -> ControlFinding {
        let (location, line) = match &f.location {
            crate::finding::Location::File {
                file, start_line, ..
            } => (file.clone(), Some(*start_line)),
            crate::finding::Location::Live { native_id, .. } => (native_id.clone(), None),
        };
        ControlFinding {
            rule_id: f.rule_id.clone(),
            severity: f.severity,
            resource_id: f.resource.id.clone(),
            resource_type: f.resource.resource_type.clone(),
            location,
            line,
            message: f.message.clone(),
            fingerprint: f.fingerprint.clone(),
            suppression: f.suppression.clone(),
        }
    }
}

/// One control of a framework.
#[derive(Debug, Clone, Serialize)]
pub struct ControlResult {
    pub id: String,
    pub title: String,
    /// The catalog says rules can check it.
    pub automated: bool,
    pub status: Status,
    /// Why the control has its status, in a sentence.
    pub reason: String,
    pub counts: Counts,
    pub rules: Vec<RuleResult>,
    /// Failed findings first, then excepted ones, each in canonical order.
    pub findings: Vec<ControlFinding>,
    pub resources: Resources,
}

/// One framework's controls.
#[derive(Debug, Clone, Serialize)]
pub struct FrameworkResult {
    pub id: String,
    pub name: String,
    pub version: String,
    /// Controls per status, every status present.
    pub summary: BTreeMap<Status, usize>,
    pub controls: Vec<ControlResult>,
}

impl FrameworkResult {
    pub fn count(&self, status: Status) -> usize {
        self.summary.get(&status).copied().unwrap_or(0)
    }
}

/// The per-control assessment of a scan.
#[derive(Debug, Clone, Serialize)]
pub struct Assessment {
    pub frameworks: Vec<FrameworkResult>,
    /// Conditions that limit what the statuses mean (files that could not be loaded, rules
    /// that failed to evaluate).
    pub caveats: Vec<String>,
}

impl Assessment {
    /// Rolls the report's findings up onto the controls of `frameworks`.
    pub fn of(report: &Report, frameworks: &[&Catalog]) -> Assessment {
        let per_rule = rule_sets(report);
        let unread = unread_by_rule(report);
        let evaluated: BTreeSet<&str> = report.rules.iter().map(|r| r.id.as_str()).collect();
        let mut findings_by_rule: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
        for f in report.findings() {
            findings_by_rule.entry(&f.rule_id).or_default().push(f);
        }
        let frameworks = frameworks
            .iter()
            .map(|catalog| {
                let controls: Vec<ControlResult> = catalog
                    .controls
                    .iter()
                    .map(|control| {
                        let mapped: Vec<&RuleMeta> = report
                            .policies
                            .rules
                            .iter()
                            .filter(|r| {
                                r.controls
                                    .get(&catalog.id)
                                    .is_some_and(|ids| ids.iter().any(|c| c == &control.id))
                            })
                            .collect();
                        control_result(
                            control,
                            &mapped,
                            &Inputs {
                                evaluated: &evaluated,
                                per_rule: &per_rule,
                                findings_by_rule: &findings_by_rule,
                                unread: &unread,
                            },
                        )
                    })
                    .collect();
                let mut summary: BTreeMap<Status, usize> =
                    Status::ALL.iter().map(|s| (*s, 0)).collect();
                for c in &controls {
                    *summary.entry(c.status).or_default() += 1;
                }
                FrameworkResult {
                    id: catalog.id.clone(),
                    name: catalog.name.clone(),
                    version: catalog.version.clone(),
                    summary,
                    controls,
                }
            })
            .collect();
        Assessment {
            frameworks,
            caveats: caveats(report),
        }
    }
}

/// Findings of rules that a context gap leaves undecidable become undetermined: the absence
/// they report may only be the absence of what could not be read.
pub fn demote_for_gaps(
    gaps: &[crate::graph::Gap],
    rules: &[RuleMeta],
    outcome: &mut crate::engine::Outcome,
) {
    let affected: BTreeMap<&str, Vec<&str>> = rules
        .iter()
        .filter_map(|r| {
            let ops: Vec<&str> = gaps
                .iter()
                .filter(|g| g.context && g.resource.is_none() && g.affects(&r.resource_types))
                .map(|g| g.operation.as_str())
                .collect();
            (!ops.is_empty()).then_some((r.id.as_str(), ops))
        })
        .collect();
    if affected.is_empty() {
        return;
    }
    let (demoted, kept): (Vec<Finding>, Vec<Finding>) = std::mem::take(&mut outcome.findings)
        .into_iter()
        .partition(|f| affected.contains_key(f.rule_id.as_str()));
    outcome.findings = kept;
    for mut f in demoted {
        f.message = format!(
            "{} (not decided: {} could not be read)",
            f.message,
            affected[f.rule_id.as_str()].join(", ")
        );
        outcome.undetermined.push(f);
    }
    outcome.sort();
}

/// For each rule, the failed live listings of resource types it judges.
fn unread_by_rule(report: &Report) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for cov in &report.graph.coverage {
        for rule in &report.policies.rules {
            if rule.platform() != cov.platform {
                continue;
            }
            // Every type the rule judges must be read: one unread type may hide a failure.
            let missing: Vec<&str> = rule
                .resource_types
                .iter()
                .filter(|t| cov.in_schema(t) && !cov.covers(t))
                .map(String::as_str)
                .collect();
            if !missing.is_empty() {
                out.entry(rule.id.clone()).or_default().push(format!(
                    "{} not collected by the live {} collector",
                    missing.join(", "),
                    cov.platform
                ));
            }
        }
    }
    for gap in report.graph.gaps.iter().filter(|g| g.resource.is_none()) {
        for rule in &report.policies.rules {
            if gap.affects(&rule.resource_types) {
                let call = match &gap.scope {
                    _ if !gap.is_failed_call() => {
                        format!("{}: not collected live", gap.operation)
                    }
                    Some(s) => format!("{} ({s}): {}", gap.operation, gap.kind),
                    None => format!("{}: {}", gap.operation, gap.kind),
                };
                let list = out.entry(rule.id.clone()).or_default();
                if !list.contains(&call) {
                    list.push(call);
                }
            }
        }
    }
    out
}

fn caveats(report: &Report) -> Vec<String> {
    let mut out = Vec::new();
    let gap_places: BTreeSet<String> = report
        .graph
        .gaps
        .iter()
        .map(crate::graph::gap_place)
        .collect();
    let skipped: BTreeSet<&str> = report
        .load_errors()
        .iter()
        .map(|e| e.file.as_str())
        .filter(|f| !gap_places.contains(*f))
        .collect();
    if !skipped.is_empty() {
        out.push(format!(
            "{} input file(s) could not be loaded in full; statuses cover what was loaded: {}",
            skipped.len(),
            skipped.into_iter().collect::<Vec<_>>().join(", ")
        ));
    }
    let errored: BTreeSet<&str> = report
        .outcome
        .errors
        .iter()
        .map(|e| e.rule_id.as_str())
        .collect();
    if !errored.is_empty() {
        out.push(format!(
            "{} rule(s) failed to evaluate; their controls are not-evaluated: {}",
            errored.len(),
            errored.into_iter().collect::<Vec<_>>().join(", ")
        ));
    }
    let (uncollected, failed): (Vec<_>, Vec<_>) =
        report.graph.gaps.iter().partition(|g| !g.is_failed_call());
    if !failed.is_empty() {
        let places: BTreeSet<String> = failed.iter().map(|g| crate::graph::gap_place(g)).collect();
        out.push(format!(
            "{} live API call(s) failed (denied, throttled or erroring after retries); the \
             rules depending on them are not-evaluated, never pass: {}",
            failed.len(),
            places.into_iter().collect::<Vec<_>>().join(", ")
        ));
    }
    if !uncollected.is_empty() {
        out.push(format!(
            "the live collector does not read {}; rules reading them are not-evaluated",
            uncollected
                .iter()
                .map(|g| format!("{} ({})", g.operation, g.message))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    out
}

/// What a control's verdict is computed from.
struct Inputs<'a> {
    evaluated: &'a BTreeSet<&'a str>,
    per_rule: &'a BTreeMap<String, (ResourceSets, bool)>,
    findings_by_rule: &'a BTreeMap<&'a str, Vec<&'a Finding>>,
    unread: &'a BTreeMap<String, Vec<String>>,
}

/// What each evaluated rule examined, failed, excepted and left undetermined.
fn rule_sets(report: &Report) -> BTreeMap<String, (ResourceSets, bool)> {
    let mut out: BTreeMap<String, (ResourceSets, bool)> = BTreeMap::new();
    for run in &report.outcome.runs {
        let entry = out.entry(run.rule_id.clone()).or_default();
        entry.0.examined.extend(run.examined.iter().cloned());
        entry.1 |= run.errored;
    }
    for f in report.findings() {
        if let Some((sets, _)) = out.get_mut(&f.rule_id) {
            if f.suppression.is_some() {
                sets.excepted.insert(f.resource.id.clone());
            } else {
                sets.failed.insert(f.resource.id.clone());
            }
        }
    }
    for f in &report.outcome.undetermined {
        if let Some((sets, _)) = out.get_mut(&f.rule_id) {
            if f.suppression.is_some() {
                sets.excepted.insert(f.resource.id.clone());
            } else {
                sets.undetermined.insert(f.resource.id.clone());
            }
        }
    }
    for (sets, _) in out.values_mut() {
        // A rule may report a resource outside its types (a finding on a related resource):
        // it was examined all the same.
        let extra: Vec<String> = sets
            .failed
            .iter()
            .chain(&sets.excepted)
            .chain(&sets.undetermined)
            .filter(|r| !sets.examined.contains(*r))
            .cloned()
            .collect();
        sets.examined.extend(extra);
    }
    out
}

fn rule_status(sets: &ResourceSets, errored: bool) -> Status {
    if !sets.failed.is_empty() {
        Status::Fail
    } else if errored || !sets.undetermined.is_empty() {
        Status::NotEvaluated
    } else if !sets.examined.is_empty() {
        Status::Pass
    } else {
        Status::NotApplicable
    }
}

fn control_result(
    control: &crate::policy::catalog::Control,
    mapped: &[&RuleMeta],
    inputs: &Inputs,
) -> ControlResult {
    let Inputs {
        evaluated,
        per_rule,
        findings_by_rule,
        unread,
    } = inputs;
    let empty = (ResourceSets::default(), false);
    let mut all = ResourceSets::default();
    let mut rules = Vec::new();
    let mut findings: Vec<&Finding> = Vec::new();
    for rule in mapped {
        let ran = evaluated.contains(rule.id.as_str());
        let (sets, errored) = per_rule.get(&rule.id).unwrap_or(&empty);
        let (counts, resources) = Resources::of(sets);
        let unread = unread.get(&rule.id).cloned().unwrap_or_default();
        rules.push(RuleResult {
            id: rule.id.clone(),
            title: rule.title.to_string(),
            severity: rule.severity,
            status: match (ran, rule_status(sets, *errored)) {
                (false, _) => Status::NotEvaluated,
                // What could not be read may hold failures: only a failure seen stands.
                (true, Status::Fail) => Status::Fail,
                (true, _) if !unread.is_empty() => Status::NotEvaluated,
                (true, status) => status,
            },
            evaluated: ran,
            errored: *errored,
            unread,
            counts,
            remediation: rule.remediation.clone(),
            resources,
        });
        if ran {
            all.extend(sets);
            findings.extend(findings_by_rule.get(rule.id.as_str()).into_iter().flatten());
        }
    }
    let ran: Vec<&RuleResult> = rules.iter().filter(|r| r.evaluated).collect();
    let disabled: Vec<&str> = rules
        .iter()
        .filter(|r| !r.evaluated)
        .map(|r| r.id.as_str())
        .collect();
    let (counts, resources) = Resources::of(&all);
    let status = if rules.is_empty() {
        Status::Manual
    } else if ran.is_empty() {
        Status::NotEvaluated
    } else {
        ran.iter()
            .map(|r| r.status)
            .min()
            .unwrap_or(Status::NotApplicable)
    };
    let mut reason = match status {
        Status::Manual => "no rule checks this control: it needs manual evidence".to_string(),
        Status::NotEvaluated if ran.is_empty() => format!(
            "{} (disabled or not selected)",
            if disabled.len() == 1 {
                format!("its rule {} did not run", disabled[0])
            } else {
                format!("none of its {} rules ran", disabled.len())
            }
        ),
        Status::NotEvaluated => {
            let why: Vec<String> = ran
                .iter()
                .filter(|r| r.status == Status::NotEvaluated)
                .map(|r| {
                    if r.errored {
                        format!("{} failed to evaluate", r.id)
                    } else if !r.unread.is_empty() {
                        format!("{} lacks inventory ({})", r.id, r.unread.join("; "))
                    } else {
                        format!(
                            "{} could not decide on {}",
                            r.id,
                            plural(r.counts.undetermined, "resource")
                        )
                    }
                })
                .collect();
            why.join("; ")
        }
        Status::Fail => format!(
            "{} of {} {} {}",
            counts.failed,
            plural(counts.examined, "resource"),
            if counts.failed == 1 { "fails" } else { "fail" },
            join_ids(
                ran.iter()
                    .filter(|r| r.status == Status::Fail)
                    .map(|r| &r.id)
            )
        ),
        Status::Pass => {
            let mut s = format!(
                "{} examined by {}, none failed",
                plural(counts.examined, "resource"),
                plural(ran.len(), "rule")
            );
            if counts.excepted > 0 {
                s.push_str(&format!(" ({} excepted)", counts.excepted));
            }
            s
        }
        Status::NotApplicable if ran.len() > 3 => format!(
            "no resource in scope for its {} rules ({}, ...)",
            ran.len(),
            join_ids(ran.iter().take(3).map(|r| &r.id))
        ),
        Status::NotApplicable => format!(
            "no resource in scope for {}",
            join_ids(ran.iter().map(|r| &r.id))
        ),
    };
    if status != Status::Manual && !ran.is_empty() && !disabled.is_empty() {
        reason.push_str(&format!(
            "; {} of its {} rules not run",
            disabled.len(),
            rules.len()
        ));
    }
    findings.sort_by(|a, b| {
        (a.suppression.is_some(), a.sort_key()).cmp(&(b.suppression.is_some(), b.sort_key()))
    });
    ControlResult {
        id: control.id.clone(),
        title: control.title.clone(),
        automated: control.automated,
        status,
        reason,
        counts,
        rules,
        findings: findings.into_iter().map(ControlFinding::of).collect(),
        resources,
    }
}

fn join_ids<'a>(ids: impl Iterator<Item = &'a String>) -> String {
    ids.map(String::as_str).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sets(examined: &[&str], failed: &[&str], excepted: &[&str], und: &[&str]) -> ResourceSets {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect();
        ResourceSets {
            examined: s(examined),
            failed: s(failed),
            excepted: s(excepted),
            undetermined: s(und),
        }
    }

    #[test]
    fn rule_statuses() {
        assert_eq!(
            rule_status(&sets(&[], &[], &[], &[]), false),
            Status::NotApplicable
        );
        assert_eq!(
            rule_status(&sets(&["a"], &[], &[], &[]), false),
            Status::Pass
        );
        assert_eq!(
            rule_status(&sets(&["a"], &["a"], &[], &[]), false),
            Status::Fail
        );
        assert_eq!(
            rule_status(&sets(&["a"], &["a"], &[], &[]), true),
            Status::Fail
        );
        assert_eq!(
            rule_status(&sets(&["a"], &[], &[], &[]), true),
            Status::NotEvaluated
        );
        assert_eq!(
            rule_status(&sets(&["a", "b"], &[], &[], &["b"]), false),
            Status::NotEvaluated
        );
        // An excepted finding does not fail the rule.
        assert_eq!(
            rule_status(&sets(&["a"], &[], &["a"], &[]), false),
            Status::Pass
        );
        assert_eq!(
            rule_status(&sets(&[], &[], &[], &["a"]), false),
            Status::NotEvaluated
        );
    }

    #[test]
    fn counts_partition_the_examined_resources() {
        let (c, r) = Resources::of(&sets(&["a", "b", "c", "d"], &["a"], &["a", "b"], &["c"]));
        assert_eq!(
            c,
            Counts {
                examined: 4,
                passed: 1,
                failed: 1,
                excepted: 1,
                undetermined: 1
            }
        );
        assert_eq!(r.passed, vec!["d"]);
        assert_eq!(r.excepted, vec!["b"]);
    }

    #[test]
    fn status_order_is_worst_first() {
        // Control status is the minimum of its rules' statuses.
        let mut v = vec![
            Status::Pass,
            Status::NotApplicable,
            Status::Fail,
            Status::NotEvaluated,
        ];
        v.sort();
        assert_eq!(
            v,
            vec![
                Status::Fail,
                Status::NotEvaluated,
                Status::Pass,
                Status::NotApplicable
            ]
        );
    }
}
