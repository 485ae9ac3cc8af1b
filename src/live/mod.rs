//! Live inventory: collectors that read a cloud account or a cluster through its read-only APIs
//! and map what they find onto the schema the rules already know (the Terraform `aws` and
//! `google` providers, ARM, Kubernetes objects), so one rule judges code and estate alike.
//!
//! What a collector could not read is never silently dropped. A failed *listing* (a service
//! denied, retries exhausted) becomes a [`Gap`] naming the resource types it would have
//! produced: rules on those types are `not-evaluated`. A failed *detail* call on one resource
//! (its encryption, its policy) marks the attributes it would have filled as unknown on that
//! resource, so the rules reading them report it as undetermined while the others still judge
//! it; the gap is listed too.

pub mod aws;
pub mod azure;
pub mod gcp;
pub mod http;
pub mod kubernetes;
pub mod token;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value as Json};

pub use crate::graph::Gap;
use crate::graph::{LiveSource, Mode, Origin, Resource, ResourceGraph, Scope, Source};

/// What was audited, recorded in the report and the evidence manifest.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LiveScope {
    pub provider: String,
    /// AWS account ids.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub accounts: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub regions: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subscriptions: Vec<String>,
    /// GCP projects, folders or organizations (`projects/p`, `folders/1`, `organizations/2`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub projects: Vec<String>,
    /// Kubernetes cluster (API server) and context.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster: Option<String>,
    /// The API endpoints read, when not the provider's public ones.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub endpoints: Vec<String>,
    /// When collection started and finished (UTC, RFC 3339).
    pub collected_from: String,
    pub collected_to: String,
    /// Calls made, and how many were retried.
    pub requests: u64,
    pub retries: u64,
}

/// The result of a collection: resources in a graph, and what could not be read.
#[derive(Debug, Default)]
pub struct Collected {
    pub graph: ResourceGraph,
    pub scope: LiveScope,
}

/// Progress of a collection, for a progress line on a terminal.
pub trait Progress: Sync {
    /// A collector (`s3`, `ec2 us-east-1`) started.
    fn started(&self, _what: &str) {}
    /// A collector finished with `resources` resources.
    fn finished(&self, _what: &str, _resources: usize) {}
}

/// A progress reporter that says nothing.
pub struct Quiet;
impl Progress for Quiet {}

/// Builds one live resource. `id_key` is its native id (ARN, ARM id, asset name, UID path).
pub fn resource(
    provider: &str,
    resource_type: &str,
    name: &str,
    native_id: &str,
    scope: Scope,
    attributes: Map<String, Json>,
) -> Resource {
    Resource {
        id: format!("{}:{provider}/{native_id}", Origin::Live.as_str()),
        resource_type: resource_type.to_string(),
        origin: Origin::Live,
        mode: Mode::Managed,
        provider: provider.to_string(),
        name: name.to_string(),
        scope,
        attributes: Json::Object(attributes),
        rule_attributes: None,
        unknown: Vec::new(),
        refs: Vec::new(),
        source: Source::Live(LiveSource {
            provider: provider.to_string(),
            native_id: native_id.to_string(),
        }),
    }
}

/// Marks attributes of `r` as unknown (their detail call failed), dropping any value.
pub fn mark_unknown(r: &mut Resource, attributes: &[&str]) {
    if let Json::Object(map) = &mut r.attributes {
        for a in attributes {
            map.remove(*a);
        }
    }
    for a in attributes {
        if !r.unknown.iter().any(|u| u == a) {
            r.unknown.push((*a).to_string());
        }
    }
    r.unknown.sort();
}

pub use crate::graph::gap_error;

/// The gap of a listing that failed: rules judging `types` are not-evaluated.
pub fn listing_gap(
    provider: &str,
    operation: &str,
    scope: Option<String>,
    types: Vec<String>,
    e: &http::CallError,
) -> Gap {
    Gap {
        provider: provider.into(),
        operation: operation.into(),
        scope,
        resource: None,
        resource_types: types,
        context_types: vec![],
        context: false,
        attributes: vec![],
        kind: e.kind().into(),
        message: e.to_string(),
    }
}

/// Follows a paged listing: `page(token)` gives one page's items and the next token. A token
/// seen before is an error (the API repeats itself: the listing cannot be known complete, and
/// following it would loop forever).
pub fn paged<T>(
    mut page: impl FnMut(Option<String>) -> Result<(Vec<T>, Option<String>), http::CallError>,
) -> Result<Vec<T>, http::CallError> {
    let mut out = Vec::new();
    let mut token = None;
    let mut seen = std::collections::BTreeSet::new();
    loop {
        let (items, next) = page(token.take())?;
        out.extend(items);
        match next.filter(|t| !t.is_empty()) {
            Some(t) if seen.insert(t.clone()) => token = Some(t),
            Some(t) => {
                return Err(http::CallError::Malformed(format!(
                    "the listing returned the page token {t:?} twice; it may be incomplete"
                )));
            }
            None => return Ok(out),
        }
    }
}

impl LiveScope {
    /// The scope of a finished collection: window and request counts filled in.
    pub fn finished(provider: &str, from: String, http: &http::Client) -> LiveScope {
        LiveScope {
            provider: provider.into(),
            collected_from: from,
            collected_to: now(),
            requests: http.requests(),
            retries: http.retries(),
            ..Default::default()
        }
    }
}

/// A provider's base URL: `--endpoint-url`, else the environment variable `var`, else the
/// public default; without a trailing slash.
pub fn base_url(
    explicit: Option<&String>,
    env: &dyn Fn(&str) -> Option<String>,
    var: &str,
    default: &str,
) -> String {
    explicit
        .cloned()
        .or_else(|| env(var))
        .unwrap_or_else(|| default.to_string())
        .trim_end_matches('/')
        .to_string()
}

/// Small helpers to build attribute maps.
pub(crate) fn obj(pairs: impl IntoIterator<Item = (&'static str, Json)>) -> Map<String, Json> {
    pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

/// Current time as RFC 3339 (UTC, seconds).
pub(crate) fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_marks_drop_values_and_sort() {
        let mut r = resource(
            "aws",
            "aws_s3_bucket",
            "b",
            "arn:aws:s3:::b",
            Scope::default(),
            obj([("bucket", Json::from("b")), ("policy", Json::from("{}"))]),
        );
        mark_unknown(&mut r, &["policy", "grant"]);
        assert_eq!(r.unknown, vec!["grant", "policy"]);
        assert!(r.attributes.get("policy").is_none());
        assert_eq!(r.id, "live:aws/arn:aws:s3:::b");
    }

    #[test]
    fn gap_errors_name_the_call_and_scope() {
        let g = Gap {
            provider: "aws".into(),
            operation: "s3:ListBuckets".into(),
            scope: Some("us-east-1".into()),
            resource: None,
            resource_types: vec!["aws_s3_bucket".into()],
            context_types: vec![],
            context: false,
            attributes: vec![],
            kind: "denied".into(),
            message: "AccessDenied".into(),
        };
        let e = gap_error(&g);
        assert_eq!(e.file, "aws:s3:ListBuckets@us-east-1");
        assert!(e.message.contains("could not list aws_s3_bucket (denied)"));
    }
}
