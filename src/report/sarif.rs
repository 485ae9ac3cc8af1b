//! SARIF 2.1.0 for GitHub code scanning and other SARIF consumers.
//!
//! Rules carry their help text, tags and `security-severity` from the embedded packs; results
//! point at the exact region of the attribute (columns in Unicode code points, relative URIs
//! under `%SRCROOT%`) and carry our own `partialFingerprints` (rule + resource + attribute, no
//! line) so alerts survive edits above them. Files that could not be loaded and rules that
//! failed become `toolExecutionNotifications`. Framework mappings are emitted as SARIF
//! taxonomies (one per framework, its controls as taxa) related to each rule.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Write};

use serde::ser::{SerializeMap, SerializeSeq};
use serde_json::json;
use serde_sarif::sarif::{
    ArtifactLocation, Invocation, Location, LogicalLocation, Message, MultiformatMessageString,
    Notification, PhysicalLocation, PropertyBag, Region, ReportingConfiguration,
    ReportingDescriptor, ReportingDescriptorReference, ReportingDescriptorRelationship,
    Result as SarifResult, ResultLevel, Run, Sarif, Suppression, Tool, ToolComponent,
    ToolComponentReference,
};

use super::{Emitter, Report, short_address};
use crate::finding::{Finding, Location as FindingLocation};
use crate::policy::{RuleMeta, Severity};

pub struct SarifEmitter;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const SRCROOT: &str = "%SRCROOT%";
/// Key of our fingerprint in `partialFingerprints`.
pub const FINGERPRINT_KEY: &str = "tenet/v1";

impl Emitter for SarifEmitter {
    fn emit(&self, out: &mut dyn Write, report: &Report) -> io::Result<()> {
        let rule_index: BTreeMap<&str, usize> = report
            .rules
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id.as_str(), i))
            .collect();
        // The log without its results, as a JSON value (small), and the results written into
        // it one at a time: a large scan's results, built whole, were most of the memory
        // this format took.
        let skeleton = serde_json::to_value(build(report, &rule_index))?;
        let results = Results {
            report,
            rule_index: &rule_index,
        };
        serde_json::to_writer_pretty(
            &mut *out,
            &Spliced {
                log: &skeleton,
                results: &results,
            },
        )?;
        writeln!(out)
    }
}

/// A SARIF log (as built by [`build`], its one run's `results` empty) with the results
/// serialized in their place.
struct Spliced<'a> {
    log: &'a serde_json::Value,
    results: &'a Results<'a>,
}

impl serde::Serialize for Spliced<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let Some(log) = self.log.as_object() else {
            return self.log.serialize(serializer);
        };
        let mut map = serializer.serialize_map(Some(log.len()))?;
        for (key, value) in log {
            match value.as_array() {
                Some(runs) if key == "runs" => {
                    let runs: Vec<SplicedRun> = runs
                        .iter()
                        .map(|run| SplicedRun(run, self.results))
                        .collect();
                    map.serialize_entry(key, &runs)?;
                }
                _ => map.serialize_entry(key, value)?,
            }
        }
        map.end()
    }
}

/// A run of the log, its `results` the spliced ones.
struct SplicedRun<'a>(&'a serde_json::Value, &'a Results<'a>);

impl serde::Serialize for SplicedRun<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let Some(run) = self.0.as_object() else {
            return self.0.serialize(serializer);
        };
        let mut map = serializer.serialize_map(Some(run.len()))?;
        for (key, value) in run {
            if key == "results" {
                map.serialize_entry(key, self.1)?;
            } else {
                map.serialize_entry(key, value)?;
            }
        }
        map.end()
    }
}

/// The run's results, each built as it is written.
struct Results<'a> {
    report: &'a Report<'a>,
    rule_index: &'a BTreeMap<&'a str, usize>,
}

impl serde::Serialize for Results<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let findings = self.report.findings();
        let mut seq = serializer.serialize_seq(Some(findings.len()))?;
        for f in findings {
            seq.serialize_element(&result(f, self.rule_index.get(f.rule_id.as_str()).copied()))?;
        }
        seq.end()
    }
}

/// The SARIF log of `report` with its run's `results` empty ([`Results`] writes them).
fn build(report: &Report, rule_index: &BTreeMap<&str, usize>) -> Sarif {
    let frameworks = used_frameworks(&report.rules);
    let taxonomies: Vec<ToolComponent> = frameworks
        .iter()
        .map(|(fw, controls)| taxonomy(report, fw, controls))
        .collect();
    let framework_index: BTreeMap<&str, usize> = frameworks
        .keys()
        .enumerate()
        .map(|(i, f)| (f.as_str(), i))
        .collect();
    let rules: Vec<ReportingDescriptor> = report
        .rules
        .iter()
        .map(|r| rule_descriptor(r, &frameworks, &framework_index))
        .collect();
    let results: Vec<SarifResult> = Vec::new();

    let mut notifications: Vec<Notification> = report
        .load_errors()
        .iter()
        .map(|e| {
            let mut region = Region::builder().build();
            region.start_line = e.line.map(i64::from);
            region.start_column = e.column.map(i64::from);
            let location = Location::builder()
                .physical_location(
                    PhysicalLocation::builder()
                        .artifact_location(artifact(&e.file))
                        .region(region)
                        .build(),
                )
                .build();
            Notification::builder()
                .level(json!("error"))
                .message(
                    Message::builder()
                        .text(format!("{}: {}", e.file, e.message))
                        .build(),
                )
                .locations(vec![location])
                .descriptor(
                    ReportingDescriptorReference::builder()
                        .id("load-error")
                        .build(),
                )
                .build()
        })
        .collect();
    notifications.extend(report.outcome.errors.iter().map(|e| {
        let mut notification = Notification::builder()
            .level(json!("error"))
            .message(
                Message::builder()
                    .text(format!(
                        "rule {} failed to evaluate: {}",
                        e.rule_id, e.message
                    ))
                    .build(),
            )
            .descriptor(
                ReportingDescriptorReference::builder()
                    .id("rule-error")
                    .build(),
            )
            .build();
        notification.associated_rule = Some(
            ReportingDescriptorReference::builder()
                .id(e.rule_id.clone())
                .index(rule_index.get(e.rule_id.as_str()).map_or(-1, |&i| i as i64))
                .build(),
        );
        notification
    }));

    let mut invocation = Invocation::builder()
        .execution_successful(report.outcome.errors.is_empty())
        .build();
    if !notifications.is_empty() {
        invocation.tool_execution_notifications = Some(notifications);
    }

    let driver = ToolComponent::builder()
        .name("tenet")
        .full_name(format!("tenet {}", report.tool_version))
        .version(report.tool_version)
        .semantic_version(report.tool_version)
        .rules(rules)
        .build();
    let mut run = Run::builder()
        .tool(Tool::builder().driver(driver).build())
        .results(results)
        .invocations(vec![invocation])
        .column_kind(json!("unicodeCodePoints"))
        .build();
    if !taxonomies.is_empty() {
        run.taxonomies = Some(taxonomies);
    }
    if let Some(base) = &report.base_dir {
        let mut bases = BTreeMap::new();
        bases.insert(
            SRCROOT.to_string(),
            ArtifactLocation::builder().uri(file_uri(base)).build(),
        );
        run.original_uri_base_ids = Some(bases);
    }
    Sarif::builder()
        .schema(SCHEMA)
        .version(json!("2.1.0"))
        .runs(vec![run])
        .build()
}

/// Frameworks and the controls the rules of this run map to.
fn used_frameworks(rules: &[&RuleMeta]) -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for r in rules {
        for (fw, ids) in r.controls.iter() {
            out.entry(fw.clone())
                .or_default()
                .extend(ids.iter().cloned());
        }
    }
    out.retain(|_, ids| !ids.is_empty());
    out
}

fn taxonomy(report: &Report, framework: &str, controls: &BTreeSet<String>) -> ToolComponent {
    let catalog = report.policies.catalogs.get(framework);
    let taxa: Vec<ReportingDescriptor> = controls
        .iter()
        .map(|id| {
            let mut d = ReportingDescriptor::builder().id(id.clone()).build();
            if let Some(c) = catalog.and_then(|c| c.control(id)) {
                d.short_description = Some(
                    MultiformatMessageString::builder()
                        .text(c.title.clone())
                        .build(),
                );
            }
            d
        })
        .collect();
    let mut tc = ToolComponent::builder().name(framework).taxa(taxa).build();
    if let Some(c) = catalog {
        tc.full_name = Some(c.name.clone());
        tc.version = Some(c.version.clone());
        tc.information_uri = c.source.clone();
    }
    tc
}

fn rule_descriptor(
    rule: &RuleMeta,
    frameworks: &BTreeMap<String, BTreeSet<String>>,
    framework_index: &BTreeMap<&str, usize>,
) -> ReportingDescriptor {
    let mut tags = vec!["security".to_string(), "compliance".to_string()];
    tags.extend(
        rule.controls
            .iter()
            .filter(|(_, ids)| !ids.is_empty())
            .map(|(fw, _)| fw.clone()),
    );
    tags.truncate(20);
    let mut props = BTreeMap::new();
    props.insert(
        "security-severity".to_string(),
        json!(security_severity(rule.severity)),
    );
    props.insert("precision".to_string(), json!("high"));
    props.insert("severity".to_string(), json!(rule.severity.as_str()));
    props.insert("resource_types".to_string(), json!(rule.resource_types));
    let properties = PropertyBag::builder()
        .tags(tags)
        .additional_properties(props)
        .build();

    let (help_text, help_markdown) = (rule.help_text(), rule.help_markdown());
    let relationships: Vec<ReportingDescriptorRelationship> = rule
        .controls
        .iter()
        .flat_map(|(fw, ids)| ids.iter().map(move |id| (fw, id)))
        .filter(|(fw, _)| frameworks.contains_key(fw.as_str()))
        .map(|(fw, id)| {
            let mut target = ReportingDescriptorReference::builder()
                .id(id.clone())
                .build();
            let mut component = ToolComponentReference::builder().name(fw.clone()).build();
            component.index = framework_index.get(fw.as_str()).map(|&i| i as i64);
            target.tool_component = Some(component);
            ReportingDescriptorRelationship::builder()
                .target(target)
                .kinds(vec!["relevant".to_string()])
                .build()
        })
        .collect();
    let mut d = ReportingDescriptor::builder()
        .id(rule.id.clone())
        .name(pascal_case(&rule.id))
        .short_description(
            MultiformatMessageString::builder()
                .text(rule.title.to_string())
                .build(),
        )
        .full_description(
            MultiformatMessageString::builder()
                .text(rule.description.clone())
                .build(),
        )
        .help(
            MultiformatMessageString::builder()
                .text(help_text)
                .markdown(help_markdown)
                .build(),
        )
        .default_configuration(
            ReportingConfiguration::builder()
                .level(json!(level_name(rule.severity)))
                .build(),
        )
        .properties(properties)
        .build();
    if !relationships.is_empty() {
        d.relationships = Some(relationships);
    }
    d
}

fn result(f: &Finding, rule_index: Option<usize>) -> SarifResult {
    let address = short_address(&f.resource.id, f.location.file());
    let mut location = Location::builder()
        .logical_locations(vec![
            LogicalLocation::builder()
                .name(address.clone())
                .fully_qualified_name(f.resource.id.clone())
                .kind("resource")
                .build(),
        ])
        .build();
    if let FindingLocation::File {
        file,
        start_line,
        start_column,
        end_line,
        end_column,
    } = &f.location
    {
        location.physical_location = Some(
            PhysicalLocation::builder()
                .artifact_location(artifact(file))
                .region(
                    Region::builder()
                        .start_line(i64::from(*start_line))
                        .start_column(i64::from(*start_column))
                        .end_line(i64::from(*end_line))
                        .end_column(i64::from(*end_column) + 1)
                        .build(),
                )
                .build(),
        );
    }
    let mut fingerprints = BTreeMap::new();
    fingerprints.insert(FINGERPRINT_KEY.to_string(), f.fingerprint.clone());
    let mut r = SarifResult::builder()
        .rule_id(f.rule_id.clone())
        .level(level(f.severity))
        .message(
            Message::builder()
                .text(format!("{address}: {}", f.message))
                .build(),
        )
        .locations(vec![location])
        .partial_fingerprints(fingerprints)
        .build();
    r.rule_index = rule_index.map(|i| i as i64);
    // Changed-only mode: new on a changed resource, unchanged on an untouched one.
    r.baseline_state = f.diff.map(|d| {
        serde_json::json!(match d {
            crate::diff::DiffState::New => "new",
            crate::diff::DiffState::PreExisting => "unchanged",
        })
    });
    if let Some(s) = &f.suppression {
        use crate::suppress::Kind;
        let kind = match s.kind {
            Kind::Inline | Kind::Annotation => "inSource",
            Kind::Exception | Kind::Baseline => "external",
        };
        let mut props = BTreeMap::new();
        props.insert("tenet/kind".to_string(), serde_json::json!(s.kind));
        props.insert("tenet/source".to_string(), serde_json::json!(s.source));
        if let Some(o) = &s.owner {
            props.insert("tenet/owner".to_string(), serde_json::json!(o));
        }
        if let Some(e) = &s.expires {
            props.insert("tenet/expires".to_string(), serde_json::json!(e));
        }
        r.suppressions = Some(vec![
            Suppression::builder()
                .kind(serde_json::json!(kind))
                .status(serde_json::json!("accepted"))
                .justification(s.justification.clone())
                .properties(PropertyBag::builder().additional_properties(props).build())
                .build(),
        ]);
    }
    r
}

fn artifact(file: &str) -> ArtifactLocation {
    if file.starts_with('/') {
        ArtifactLocation::builder().uri(file_uri(file)).build()
    } else {
        ArtifactLocation::builder()
            .uri(encode_path(file))
            .uri_base_id(SRCROOT)
            .build()
    }
}

fn level(s: Severity) -> ResultLevel {
    match s {
        Severity::Critical | Severity::High => ResultLevel::Error,
        Severity::Medium => ResultLevel::Warning,
        Severity::Low | Severity::Info => ResultLevel::Note,
    }
}

fn level_name(s: Severity) -> &'static str {
    match level(s) {
        ResultLevel::Error => "error",
        ResultLevel::Warning => "warning",
        _ => "note",
    }
}

/// GitHub's scale: >9.0 critical, 7.0–8.9 high, 4.0–6.9 medium, <4.0 low.
fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "1.0",
    }
}

fn pascal_case(id: &str) -> String {
    id.split(['-', '_'])
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map_or(String::new(), |f| f.to_uppercase().chain(c).collect())
        })
        .collect()
}

/// Percent-encodes a relative path for use as a URI reference (keeps `/`).
fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `file://` URI of an absolute directory or file; directories end with `/`.
fn file_uri(path: &str) -> String {
    let mut p = encode_path(path);
    if !p.starts_with('/') {
        p.insert(0, '/');
    }
    if std::path::Path::new(path).is_dir() && !p.ends_with('/') {
        p.push('/');
    }
    format!("file://{p}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_uris() {
        assert_eq!(encode_path("a b/c#d.tf"), "a%20b/c%23d.tf");
        assert_eq!(encode_path("dir/main.tf"), "dir/main.tf");
        assert_eq!(
            pascal_case("aws-s3-encryption-at-rest"),
            "AwsS3EncryptionAtRest"
        );
    }
}
