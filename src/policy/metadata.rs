//! Rule metadata: the `# METADATA` block of a rule file, the one source of a rule's title,
//! rationale, severity, resource types, framework mappings and remediation.
//!
//! regorus drops comments, so the block is read from the source text here: the comment lines
//! that follow `# METADATA`, with the `#` stripped, form a YAML document (OPA's annotation
//! format, with tenet's fields under `custom`).

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::PolicyError;

/// How bad a finding is; ordered from least to most severe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        Severity::ALL
            .into_iter()
            .find(|v| v.as_str().eq_ignore_ascii_case(s))
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Control ids per framework id.
pub type Controls = BTreeMap<String, Vec<String>>;

/// The validated metadata of one rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleMeta {
    pub id: String,
    /// Shared with every finding of the rule.
    pub title: Arc<str>,
    pub description: String,
    pub severity: Severity,
    pub resource_types: Vec<String>,
    /// Control ids per framework id (`soc2`, `iso27001-2022`, `gdpr`, `hipaa`, `pci-dss-4.0`).
    /// Shared with every finding of the rule.
    pub controls: Arc<Controls>,
    pub remediation: String,
    /// The platform-independent check this rule implements (`admin-ports-public`): rules of
    /// one check on different platforms share severity and control mappings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check: Option<String>,
    /// Whether the admission webhook evaluates the rule (`custom.admission`, default true). A
    /// rule that judges an object against *other* objects of the scan (a Namespace without a
    /// NetworkPolicy beside it) says `false`: an admission review carries one object only.
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub admission: bool,
    /// The rule judges facts only live inventory has (`custom.live_only`, default false): it
    /// examines live resources only, so a Terraform `aws_iam_user` (which has no MFA devices)
    /// leaves it not-applicable instead of passing it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub live_only: bool,
    /// Parameters the rule reads from `data.config`, with their defaults.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub params: BTreeMap<String, serde_json::Value>,
    /// Rego package, without `data.` (`rules.aws.s3.encryption_at_rest`).
    pub package: String,
    /// The policy file and the line of its `# METADATA` marker.
    pub file: String,
    pub line: u32,
    pub builtin: bool,
    /// The rule also reports resources it could not decide on (`undetermined`).
    #[serde(skip)]
    pub has_undetermined: bool,
}

impl RuleMeta {
    /// `framework: id, id` for each framework the rule maps to.
    pub fn controls_lines(&self) -> Vec<String> {
        self.controls
            .iter()
            .filter(|(_, ids)| !ids.is_empty())
            .map(|(fw, ids)| format!("{fw}: {}", ids.join(", ")))
            .collect()
    }

    /// The help of the rule as plain text: why, remediation, controls. SARIF rule entries and
    /// `tenet explain` both use it (one source of truth: the METADATA).
    pub fn help_text(&self) -> String {
        format!(
            "{}\n\nRemediation: {}\n\nControls: {}",
            self.description,
            self.remediation,
            self.controls_lines().join("; ")
        )
    }

    /// The help as Markdown (SARIF `help.markdown`, shown by GitHub code scanning).
    pub fn help_markdown(&self) -> String {
        format!(
            "{}\n\n**Remediation.** {}\n\n**Controls.**\n\n{}",
            self.description,
            self.remediation,
            self.controls_lines()
                .iter()
                .map(|c| format!("- {c}"))
                .collect::<Vec<_>>()
                .join("\n")
        )
    }

    /// The platform a rule belongs to: the second segment of its package
    /// (`rules.aws.s3.versioning` → `aws`).
    pub fn platform(&self) -> &str {
        self.package.split('.').nth(1).unwrap_or("")
    }

    /// Does this rule look at resources of this type?
    pub fn applies_to(&self, resource_type: &str) -> bool {
        self.resource_types
            .iter()
            .any(|t| t == "*" || t == resource_type)
    }
}

/// The YAML shape of a METADATA block.
#[derive(Debug, Deserialize)]
struct RawMeta {
    title: Option<String>,
    description: Option<String>,
    #[serde(default)]
    custom: Option<RawCustom>,
    // Other OPA annotation keys (scope, authors, related_resources, ...) are accepted.
    #[serde(flatten)]
    _other: BTreeMap<String, yaml_serde::Value>,
}

#[derive(Debug, Deserialize)]
struct RawCustom {
    id: Option<String>,
    severity: Option<String>,
    resource_types: Option<Vec<String>>,
    #[serde(default)]
    controls: BTreeMap<String, Vec<String>>,
    remediation: Option<String>,
    check: Option<String>,
    admission: Option<bool>,
    live_only: Option<bool>,
    #[serde(default)]
    params: BTreeMap<String, yaml_serde::Value>,
    #[serde(flatten)]
    other: BTreeMap<String, yaml_serde::Value>,
}

fn yes() -> bool {
    true
}

fn is_true(b: &bool) -> bool {
    *b
}

/// The METADATA block of a policy source: its YAML text and the 1-based line of the marker.
pub fn find_block(source: &str) -> Option<(String, u32)> {
    let mut lines = source.lines().enumerate();
    let (marker, _) = lines.by_ref().find(|(_, l)| l.trim() == "# METADATA")?;
    let mut yaml = String::new();
    for (_, line) in lines {
        let t = line.trim_start();
        let Some(rest) = t.strip_prefix('#') else {
            break;
        };
        yaml.push_str(rest.strip_prefix(' ').unwrap_or(rest));
        yaml.push('\n');
    }
    Some((yaml, u32::try_from(marker + 1).unwrap_or(u32::MAX)))
}

/// The package a policy source declares (`rules.aws.s3.x`), read from its `package` line.
pub fn package_of(source: &str) -> Option<String> {
    source.lines().find_map(|l| {
        let rest = l.trim_start().strip_prefix("package")?;
        if !rest.starts_with(char::is_whitespace) {
            return None;
        }
        let pkg = rest.split('#').next()?.trim();
        (!pkg.is_empty()).then(|| pkg.to_string())
    })
}

/// Parses and checks the METADATA of a rule file. `file` is shown in errors. When the block
/// parses as YAML the metadata is returned even if fields are invalid (so that callers can
/// report further problems, such as unknown controls, in the same run).
pub fn parse_rule_meta(
    file: &str,
    source: &str,
    package: &str,
    builtin: bool,
) -> (Option<RuleMeta>, Vec<PolicyError>) {
    match parse_rule_meta_inner(file, source, package, builtin) {
        Ok((meta, errors)) => (Some(meta), errors),
        Err(errors) => (None, errors),
    }
}

type MetaResult = Result<(RuleMeta, Vec<PolicyError>), Vec<PolicyError>>;

fn parse_rule_meta_inner(file: &str, source: &str, package: &str, builtin: bool) -> MetaResult {
    let at = |line: u32, message: String| PolicyError::Invalid {
        file: file.to_string(),
        line,
        message,
    };
    let Some((yaml, marker_line)) = find_block(source) else {
        return Err(vec![at(
            1,
            format!("rule package {package} has no `# METADATA` block"),
        )]);
    };
    let raw: RawMeta = yaml_serde::from_str(&yaml).map_err(|e| {
        let line = e.location().map_or(marker_line, |l| {
            marker_line + u32::try_from(l.line()).unwrap_or(0)
        });
        vec![at(line, format!("METADATA is not valid YAML: {e}"))]
    })?;
    let mut errors = Vec::new();
    let field_line = |name: &str| {
        yaml.lines()
            .position(|l| l.trim_start().starts_with(&format!("{name}:")))
            .map_or(marker_line, |i| {
                marker_line + 1 + u32::try_from(i).unwrap_or(0)
            })
    };
    let need = |value: Option<String>, name: &str, errors: &mut Vec<PolicyError>| -> String {
        match value.map(|v| v.trim().to_string()) {
            Some(v) if !v.is_empty() => v,
            _ => {
                errors.push(at(field_line(name), format!("METADATA lacks `{name}`")));
                String::new()
            }
        }
    };
    let title = need(raw.title, "title", &mut errors);
    let description = need(raw.description, "description", &mut errors);
    let Some(custom) = raw.custom else {
        errors.push(at(marker_line, "METADATA lacks the `custom` section (id, severity, resource_types, controls, remediation)".into()));
        return Err(errors);
    };
    let id = need(custom.id, "id", &mut errors);
    if !id.is_empty()
        && !id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        errors.push(at(
            field_line("id"),
            format!("rule id `{id}` must use lowercase letters, digits and `-`"),
        ));
    }
    let severity_text = need(custom.severity, "severity", &mut errors);
    let severity = Severity::parse(&severity_text).unwrap_or_else(|| {
        if !severity_text.is_empty() {
            errors.push(at(
                field_line("severity"),
                format!(
                    "unknown severity `{severity_text}` (use critical, high, medium, low or info)"
                ),
            ));
        }
        Severity::Info
    });
    let resource_types = custom.resource_types.unwrap_or_default();
    if resource_types.is_empty()
        || resource_types
            .iter()
            .any(|t| t.trim().is_empty() || t.contains(char::is_whitespace))
    {
        errors.push(at(
            field_line("resource_types"),
            "METADATA needs `resource_types`: a list of resource types (or \"*\")".into(),
        ));
    }
    let remediation = need(custom.remediation, "remediation", &mut errors);
    for key in custom.other.keys() {
        if !key.starts_with("x-") {
            errors.push(at(
                field_line(key),
                format!("unknown METADATA field `custom.{key}` (own fields must start with `x-`)"),
            ));
        }
    }
    let slug = |s: &str, sep: char| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == sep)
    };
    let check = custom.check.map(|c| c.trim().to_string());
    if let Some(c) = &check
        && !slug(c, '-')
    {
        errors.push(at(
            field_line("check"),
            format!("check `{c}` must use lowercase letters, digits and `-`"),
        ));
    }
    let mut params = BTreeMap::new();
    for (name, value) in custom.params {
        if !slug(&name, '_') {
            errors.push(at(
                field_line(&name),
                format!("parameter `{name}` must use lowercase letters, digits and `_`"),
            ));
        }
        match serde_json::to_value(&value) {
            Ok(v) if !v.is_null() => {
                params.insert(name, v);
            }
            _ => errors.push(at(
                field_line(&name),
                format!("parameter `{name}` needs a default value"),
            )),
        }
    }
    let meta = RuleMeta {
        id,
        title: title.into(),
        description,
        severity,
        resource_types,
        controls: Arc::new(custom.controls),
        remediation,
        check,
        admission: custom.admission.unwrap_or(true),
        live_only: custom.live_only.unwrap_or(false),
        params,
        package: package.to_string(),
        file: file.to_string(),
        line: marker_line,
        builtin,
        has_undetermined: declares_rule(source, "undetermined"),
    };
    Ok((meta, errors))
}

/// Whether the source declares a rule named `name` at the start of a line.
pub fn declares_rule(source: &str, name: &str) -> bool {
    source.lines().any(|l| {
        l.strip_prefix(name)
            .is_some_and(|rest| rest.starts_with([' ', '\t', '[', '{', ':', '=']))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"# METADATA
# title: Buckets are encrypted
# description: Because.
# custom:
#   id: aws-s3-x
#   severity: HIGH
#   resource_types: [aws_s3_bucket]
#   controls:
#     soc2: [CC6.1]
#   remediation: Encrypt it.
package rules.aws.s3.x

import rego.v1

deny contains f if { false; f := {} }
"#;

    #[test]
    fn parses_a_good_block() {
        let (m, errs) = parse_rule_meta("x.rego", GOOD, "rules.aws.s3.x", true);
        assert!(errs.is_empty(), "{errs:?}");
        let m = m.unwrap();
        assert_eq!(m.id, "aws-s3-x");
        assert_eq!(m.severity, Severity::High);
        assert_eq!(m.controls["soc2"], vec!["CC6.1"]);
        assert_eq!(m.line, 1);
        assert!(!m.has_undetermined);
        assert_eq!(package_of(GOOD).as_deref(), Some("rules.aws.s3.x"));
    }

    #[test]
    fn reports_each_problem_with_its_line() {
        let bad = GOOD
            .replace("#   severity: HIGH", "#   severity: urgent")
            .replace("# title: Buckets are encrypted\n", "");
        let (_, errs) = parse_rule_meta("x.rego", &bad, "rules.aws.s3.x", true);
        let text: Vec<String> = errs.iter().map(ToString::to_string).collect();
        assert!(text.iter().any(|e| e.contains("lacks `title`")), "{text:?}");
        assert!(
            text.iter().any(|e| e
                == "x.rego:5: unknown severity `urgent` (use critical, high, medium, low or info)"),
            "{text:?}"
        );
    }

    #[test]
    fn yaml_errors_point_into_the_file() {
        let bad = GOOD.replace(
            "#   resource_types: [aws_s3_bucket]",
            "#   resource_types: [aws_s3_bucket",
        );
        let (meta, errs) = parse_rule_meta("x.rego", &bad, "rules.aws.s3.x", true);
        assert!(meta.is_none());
        let PolicyError::Invalid { line, message, .. } = &errs[0] else {
            panic!()
        };
        assert!(message.contains("not valid YAML"));
        assert!(*line >= 7, "line {line}");
    }

    #[test]
    fn reads_check_and_params() {
        let src = GOOD.replace(
            "#   remediation:",
            "#   check: bucket-encryption\n#   params:\n#     min_days: 90\n#     ports: [22, 3389]\n#   remediation:",
        );
        let (m, errs) = parse_rule_meta("x.rego", &src, "rules.aws.s3.x", true);
        assert!(errs.is_empty(), "{errs:?}");
        let m = m.unwrap();
        assert_eq!(m.check.as_deref(), Some("bucket-encryption"));
        assert_eq!(m.params["min_days"], serde_json::json!(90));
        assert_eq!(m.params["ports"], serde_json::json!([22, 3389]));
        let bad = GOOD.replace(
            "#   remediation:",
            "#   params:\n#     Min-Days: 1\n#     none: null\n#   remediation:",
        );
        let (_, errs) = parse_rule_meta("x.rego", &bad, "rules.aws.s3.x", true);
        let text: Vec<String> = errs.iter().map(ToString::to_string).collect();
        assert!(
            text.iter().any(|e| e.contains("`Min-Days` must use")),
            "{text:?}"
        );
        assert!(
            text.iter().any(|e| e.contains("`none` needs a default")),
            "{text:?}"
        );
    }

    #[test]
    fn unknown_custom_fields_are_typos() {
        let bad = GOOD.replace("#   remediation:", "#   serverity: low\n#   remediation:");
        let (_, errs) = parse_rule_meta("x.rego", &bad, "rules.aws.s3.x", true);
        assert!(errs[0].to_string().contains("custom.serverity"));
    }
}
