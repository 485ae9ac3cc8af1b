//! Findings: what a rule reports about a resource, joined with the rule's metadata and the
//! resource's location. Every output format and the evidence bundle are built from these.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::graph::{Region, Resource, Source, parent_paths};
use crate::policy::{Controls, RuleMeta, Severity};

/// Where a finding points: a file region, or a live resource.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Location {
    File {
        file: String,
        start_line: u32,
        start_column: u32,
        end_line: u32,
        end_column: u32,
    },
    Live {
        provider: String,
        native_id: String,
    },
}

impl Location {
    pub fn file(&self) -> Option<&str> {
        match self {
            Location::File { file, .. } => Some(file),
            Location::Live { .. } => None,
        }
    }

    /// `file:line`, or the live resource's native id.
    pub fn place(&self) -> String {
        match self {
            Location::File {
                file, start_line, ..
            } => format!("{file}:{start_line}"),
            Location::Live { native_id, .. } => native_id.clone(),
        }
    }

    pub fn line(&self) -> Option<u32> {
        match self {
            Location::File { start_line, .. } => Some(*start_line),
            Location::Live { .. } => None,
        }
    }
}

/// The resource a finding is about.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ResourceRef {
    pub id: String,
    #[serde(rename = "type")]
    pub resource_type: String,
    pub name: String,
}

/// One rule's verdict on one resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub rule_id: String,
    /// The rule's title (shared with the rule).
    pub title: Arc<str>,
    pub severity: Severity,
    pub resource: ResourceRef,
    pub message: String,
    /// The attribute path the rule named (`null`: the resource as a whole).
    pub attribute: Option<String>,
    pub location: Location,
    /// The rule's control mappings (shared with the rule).
    pub controls: Arc<Controls>,
    /// Stable identity: rule id + resource id + attribute, no line numbers, so it survives
    /// edits elsewhere in the file (SARIF `partialFingerprints`, baselines, exceptions).
    pub fingerprint: String,
    /// Why the finding does not fail the run, when something suppresses it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppression: Option<crate::suppress::Suppression>,
    /// With `--diff-base`: whether the finding is on a resource changed since the base (`new`,
    /// failing) or an untouched one (`pre-existing`, never failing).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diff: Option<crate::diff::DiffState>,
}

impl Finding {
    pub fn new(
        rule: &RuleMeta,
        resource: &Resource,
        message: String,
        attribute: Option<String>,
    ) -> Finding {
        let location = locate(resource, attribute.as_deref());
        Finding {
            fingerprint: fingerprint(&rule.id, &resource.id, attribute.as_deref().unwrap_or("")),
            rule_id: rule.id.clone(),
            title: rule.title.clone(),
            severity: rule.severity,
            resource: ResourceRef {
                id: resource.id.clone(),
                resource_type: resource.resource_type.clone(),
                name: resource.name.clone(),
            },
            message,
            attribute,
            location,
            controls: rule.controls.clone(),
            suppression: None,
            diff: None,
        }
    }

    /// Whether `--diff-base` found the finding on a resource unchanged since the base.
    pub fn is_pre_existing(&self) -> bool {
        self.diff == Some(crate::diff::DiffState::PreExisting)
    }

    /// Canonical order: file, line, rule, resource, attribute.
    pub fn sort_key(&self) -> (Option<&str>, Option<u32>, &str, &str, Option<&str>) {
        (
            self.location.file(),
            self.location.line(),
            &self.rule_id,
            &self.resource.id,
            self.attribute.as_deref(),
        )
    }
}

/// SHA-256 of `rule \0 resource \0 attribute`, hex, first 32 characters.
pub fn fingerprint(rule_id: &str, resource_id: &str, attribute: &str) -> String {
    let mut h = Sha256::new();
    h.update(rule_id.as_bytes());
    h.update([0]);
    h.update(resource_id.as_bytes());
    h.update([0]);
    h.update(attribute.as_bytes());
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let digest = h.finalize();
    let mut hex = String::with_capacity(32);
    for b in digest.iter().take(16) {
        hex.push(char::from(HEX[usize::from(b >> 4)]));
        hex.push(char::from(HEX[usize::from(b & 0xf)]));
    }
    hex
}

/// The region of the named attribute (or its nearest ancestor that has one), else the block.
fn locate(resource: &Resource, attribute: Option<&str>) -> Location {
    match &resource.source {
        Source::Live(l) => Location::Live {
            provider: l.provider.clone(),
            native_id: l.native_id.clone(),
        },
        Source::File(f) => {
            let region: Region = attribute
                .and_then(|a| parent_paths(a).find_map(|p| f.regions.get(p)))
                .unwrap_or(if f.block.start_line > 0 {
                    f.block
                } else {
                    Region {
                        start_line: f.start_line,
                        start_column: 1,
                        end_line: f.end_line,
                        end_column: 1,
                    }
                });
            Location::File {
                file: f.file.clone(),
                start_line: region.start_line.max(1),
                start_column: region.start_column.max(1),
                end_line: region.end_line.max(region.start_line).max(1),
                end_column: region.end_column.max(1),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_ignores_lines_and_separates_fields() {
        let a = fingerprint("r", "terraform:x.y", "a");
        assert_eq!(a.len(), 32);
        assert_eq!(a, fingerprint("r", "terraform:x.y", "a"));
        assert_ne!(a, fingerprint("r", "terraform:x.ya", ""));
    }
}
