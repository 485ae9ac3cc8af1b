//! Resources as rules see them: the JSON form of [`Resource`] (`docs/resource-graph.md`)
//! without `source.attributes`, built straight into regorus values.
//!
//! `source.attributes` (the line of every attribute path) is left out because only the host
//! locates findings; it was most of what rules were handed (62 % of the Kubernetes corpus'
//! resources, 21 % of the Terraform part's). The resource's attribute values are converted
//! from the graph by reference, not cloned into a second JSON tree first (that clone and the
//! conversion after it were a fifth of a Kubernetes scan's fixed cost).

use regorus::Value;
use serde::{Deserialize, Serialize};

use crate::graph::{CallSite, LiveSource, Mode, Origin, Ref, Resource, Scope, Source};

/// Everything of a resource but its attribute values, borrowed, in the field names of the
/// JSON form. A test pins it to the serialization of [`Resource`].
#[derive(Serialize)]
struct Shallow<'a> {
    id: &'a str,
    #[serde(rename = "type")]
    resource_type: &'a str,
    origin: Origin,
    mode: Mode,
    provider: &'a str,
    name: &'a str,
    scope: &'a Scope,
    unknown: &'a [String],
    refs: &'a [Ref],
    source: ShallowSource<'a>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum ShallowSource<'a> {
    File {
        file: &'a str,
        start_line: u32,
        end_line: u32,
        #[serde(skip_serializing_if = "Option::is_none")]
        call_site: &'a Option<CallSite>,
    },
    Live(&'a LiveSource),
}

/// `r` as rules see it.
pub(super) fn rule_view(r: &Resource) -> Value {
    let shallow = Shallow {
        id: &r.id,
        resource_type: &r.resource_type,
        origin: r.origin,
        mode: r.mode,
        provider: &r.provider,
        name: &r.name,
        scope: &r.scope,
        unknown: &r.unknown,
        refs: &r.refs,
        source: match &r.source {
            Source::File(f) => ShallowSource::File {
                file: &f.file,
                start_line: f.start_line,
                end_line: f.end_line,
                call_site: &f.call_site,
            },
            Source::Live(l) => ShallowSource::Live(l),
        },
    };
    let Ok(mut view) = serde_json::to_value(&shallow).map(Value::from) else {
        return Value::Null;
    };
    let attributes = Value::deserialize(&r.attributes).unwrap_or(Value::Null);
    if let Ok(object) = view.as_object_mut() {
        object.insert(Value::from("attributes"), attributes);
    }
    view
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::FileSource;
    use serde_json::json;

    fn resource(source: Source) -> Resource {
        Resource {
            id: "terraform:m/aws_s3_bucket.b".into(),
            resource_type: "aws_s3_bucket".into(),
            origin: Origin::Terraform,
            mode: Mode::Managed,
            provider: "aws".into(),
            name: "b".into(),
            scope: Scope {
                account: Some("1".into()),
                region: Some("eu-west-1".into()),
                namespace: None,
            },
            attributes: json!({"bucket": "logs", "n": 3, "f": 1.5, "neg": -2, "big": 18446744073709551615u64,
                "tags": {"a": null, "b": [true, false]}}),
            unknown: vec!["policy".into()],
            refs: vec![Ref {
                attribute: "bucket".into(),
                to: "terraform:m/aws_kms_key.k".into(),
                direct: true,
            }],
            source,
        }
    }

    /// The view equals the resource's JSON form without `source.attributes`, for file sources
    /// with and without a call site and for live sources: a field added to `Resource` and not
    /// to the view fails here.
    #[test]
    fn equals_the_json_form_without_attribute_lines() {
        let file = FileSource {
            file: "main.tf".into(),
            start_line: 1,
            end_line: 9,
            attributes: [("bucket".to_string(), 2)].into(),
            call_site: None,
            ..FileSource::default()
        };
        let called = FileSource {
            call_site: Some(CallSite {
                file: "root.tf".into(),
                line: 4,
                end_line: 7,
            }),
            ..file.clone()
        };
        let live = Source::Live(LiveSource {
            provider: "aws".into(),
            native_id: "arn:aws:s3:::logs".into(),
        });
        for source in [Source::File(file), Source::File(called), live] {
            let r = resource(source);
            let mut expected = serde_json::to_value(&r).unwrap();
            if let Some(s) = expected["source"].as_object_mut() {
                s.remove("attributes");
            }
            assert_eq!(rule_view(&r), Value::from(expected));
        }
    }
}
