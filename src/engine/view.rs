//! Resources as rules see them: the JSON form of [`Resource`] (`docs/resource-graph.md`)
//! without `source.attributes`, built straight into regorus values.
//!
//! `source.attributes` (the line of every attribute path) is left out because only the host
//! locates findings; it was most of what rules were handed (62 % of the Kubernetes corpus'
//! resources, 21 % of the Terraform part's). The resource's attribute values are converted
//! from the graph by reference, not cloned into a second JSON tree first (that clone and the
//! conversion after it were a fifth of a Kubernetes scan's fixed cost).
//!
//! Values are built through an [`Interner`]: one allocation per distinct string and per
//! distinct array or object, shared by every resource that holds it (within one worker's
//! share of the resources: each worker interns on its own). Expanded modules and
//! manifests repeat most of their content (the Bicep corpus' 343,786 attribute strings hold
//! 15,151 distinct ones, its 87,916 arrays and objects 17,416 distinct ones), and regorus
//! values are reference counted and copied on write, so sharing is invisible to rules.

use std::collections::BTreeMap;

use foldhash::{HashMap, HashSet};
use std::hash::{BuildHasher, Hash, Hasher};

use regorus::{Rc, Value};
use serde_json::Value as Json;

use crate::graph::{FileSource, Ref, Resource, Scope, Source};

/// Builds regorus values that share every string, array and object equal to one built
/// before. Children are shared before their parent is looked up, so two equal parents
/// have the very same children and comparing them costs one pointer comparison per entry.
#[derive(Default)]
pub(super) struct Interner {
    strings: HashSet<Rc<str>>,
    /// Arrays and objects by the hash of their content (collisions are compared).
    composites: HashMap<u64, Vec<Value>>,
}

impl Interner {
    /// The string `s`.
    pub(super) fn string(&mut self, s: &str) -> Value {
        if let Some(shared) = self.strings.get(s) {
            return Value::String(shared.clone());
        }
        let shared: Rc<str> = Rc::from(s);
        self.strings.insert(shared.clone());
        Value::String(shared)
    }

    /// The regorus value of `json`, as `Value::deserialize` would build it.
    pub(super) fn json(&mut self, json: &Json) -> Value {
        self.convert(json).0
    }

    /// `json` as a value, with a hash of its content.
    fn convert(&mut self, json: &Json) -> (Value, u64) {
        match json {
            Json::Null => (Value::Null, content_hash(0u8)),
            Json::Bool(b) => (Value::Bool(*b), content_hash((1u8, *b))),
            Json::Number(n) => {
                if let Some(u) = n.as_u64() {
                    (Value::from(u), content_hash((2u8, u)))
                } else if let Some(i) = n.as_i64() {
                    (Value::from(i), content_hash((3u8, i)))
                } else {
                    // serde_json holds finite floats only.
                    let f = n.as_f64().unwrap_or_default();
                    (Value::from(f), content_hash((4u8, f.to_bits())))
                }
            }
            Json::String(s) => (self.string(s), content_hash((5u8, s.as_str()))),
            Json::Array(items) => {
                let mut h = content_hasher();
                6u8.hash(&mut h);
                let items: Vec<Value> = items
                    .iter()
                    .map(|item| {
                        let (v, item_hash) = self.convert(item);
                        item_hash.hash(&mut h);
                        v
                    })
                    .collect();
                self.share(h.finish(), Value::from(items))
            }
            Json::Object(map) => {
                let (object, hash) = self.object(map.iter());
                self.share(hash, object)
            }
        }
    }

    /// An object of `entries` (keys distinct), not shared itself, with a hash of its
    /// content. Entries are hashed in key order, as regorus stores them.
    fn object<'j>(
        &mut self,
        entries: impl Iterator<Item = (&'j String, &'j Json)>,
    ) -> (Value, u64) {
        let mut entries: Vec<(&String, &Json)> = entries.collect();
        entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
        let mut h = content_hasher();
        7u8.hash(&mut h);
        let mut object = BTreeMap::new();
        for (key, value) in entries {
            key.hash(&mut h);
            let (v, value_hash) = self.convert(value);
            value_hash.hash(&mut h);
            object.insert(self.string(key), v);
        }
        (Value::from(object), h.finish())
    }

    /// The value equal to `v` built before, or `v`, kept for later.
    fn share(&mut self, hash: u64, v: Value) -> (Value, u64) {
        let bucket = self.composites.entry(hash).or_default();
        if let Some(same) = bucket.iter().find(|&seen| *seen == v) {
            return (same.clone(), hash);
        }
        bucket.push(v.clone());
        (v, hash)
    }
}

/// A hasher for content hashes (collisions are compared, so a fast one with a fixed seed).
fn content_hasher() -> impl Hasher {
    foldhash::fast::FixedState::default().build_hasher()
}

fn content_hash(x: impl Hash) -> u64 {
    let mut h = content_hasher();
    x.hash(&mut h);
    h.finish()
}

/// `r`'s attribute values as rules see them: `r.rule_attributes` when they were converted as
/// its file loaded, else converted from `r.attributes`.
pub(super) fn rule_attributes(r: &Resource, interner: &mut Interner) -> Value {
    match &r.rule_attributes {
        Some(converted) => converted.clone(),
        None => interner.json(&r.attributes),
    }
}

/// `r` as rules see it, with `attributes` ([`rule_attributes`]). The other fields are built
/// straight into values (a test pins them to the JSON form): through a JSON copy, they were a
/// third of this conversion.
pub(super) fn rule_view(r: &Resource, attributes: Value, interner: &mut Interner) -> Value {
    let source = match &r.source {
        Source::File(f) => file_source(f, interner),
        Source::Live(l) => serde_json::to_value(l).map_or(Value::Null, |j| interner.json(&j)),
    };
    // In key order, which `object` builds fastest.
    let fields = [
        ("attributes", attributes),
        ("id", interner.string(&r.id)),
        ("mode", interner.string(r.mode.as_str())),
        ("name", interner.string(&r.name)),
        ("origin", interner.string(r.origin.as_str())),
        ("provider", interner.string(&r.provider)),
        ("refs", refs(&r.refs, interner)),
        ("scope", scope(&r.scope, interner)),
        ("source", source),
        ("type", interner.string(&r.resource_type)),
        ("unknown", unknown(&r.unknown, interner)),
    ];
    object(fields, interner)
}

/// An object of `fields` (keys distinct), its keys interned. Built from the entries at once,
/// which takes a pass over them when they come in key order (as every caller gives them),
/// rather than a search of the tree per entry.
fn object<'k>(
    fields: impl IntoIterator<Item = (&'k str, Value)>,
    interner: &mut Interner,
) -> Value {
    let object: BTreeMap<Value, Value> = fields
        .into_iter()
        .map(|(key, value)| (interner.string(key), value))
        .collect();
    Value::from(object)
}

fn optional_string(s: &Option<String>, interner: &mut Interner) -> Value {
    s.as_deref().map_or(Value::Null, |s| interner.string(s))
}

/// The scope object (shared: most resources of a file have the same).
fn scope(s: &Scope, interner: &mut Interner) -> Value {
    let hash = content_hash((8u8, &s.account, &s.region, &s.namespace));
    let value = object(
        [
            ("account", optional_string(&s.account, interner)),
            ("namespace", optional_string(&s.namespace, interner)),
            ("region", optional_string(&s.region, interner)),
        ],
        interner,
    );
    interner.share(hash, value).0
}

/// The unknown paths (shared: most lists are empty or repeat).
fn unknown(paths: &[String], interner: &mut Interner) -> Value {
    let hash = content_hash((9u8, paths));
    let value = Value::from(paths.iter().map(|p| interner.string(p)).collect::<Vec<_>>());
    interner.share(hash, value).0
}

fn refs(refs: &[Ref], interner: &mut Interner) -> Value {
    let hash = content_hash((10u8, refs));
    let value = Value::from(
        refs.iter()
            .map(|e| {
                let edge = object(
                    [
                        ("attribute", interner.string(&e.attribute)),
                        ("direct", Value::Bool(e.direct)),
                        ("to", interner.string(&e.to)),
                    ],
                    interner,
                );
                interner.share(content_hash((11u8, e)), edge).0
            })
            .collect::<Vec<_>>(),
    );
    interner.share(hash, value).0
}

/// A file source without its attribute regions (shared, as the resources of one module
/// call share their call site).
fn file_source(f: &FileSource, interner: &mut Interner) -> Value {
    let call_site = f
        .call_site
        .as_ref()
        .map(|c| (c.file.as_str(), c.line, c.end_line));
    let hash = content_hash((12u8, &f.file, f.start_line, f.end_line, call_site));
    let mut fields = Vec::with_capacity(4);
    if let Some((file, line, end_line)) = call_site {
        let value = object(
            [
                ("end_line", Value::from(u64::from(end_line))),
                ("file", interner.string(file)),
                ("line", Value::from(u64::from(line))),
            ],
            interner,
        );
        let hash = content_hash((13u8, file, line, end_line));
        fields.push(("call_site", interner.share(hash, value).0));
    }
    fields.extend([
        ("end_line", Value::from(u64::from(f.end_line))),
        ("file", interner.string(&f.file)),
        ("start_line", Value::from(u64::from(f.start_line))),
    ]);
    let value = object(fields, interner);
    interner.share(hash, value).0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::{CallSite, LiveSource, Mode, Origin};
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
            rule_attributes: None,
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
            regions: [("bucket", crate::graph::Region::line(2))]
                .into_iter()
                .collect(),
            call_site: None,
            ..FileSource::default()
        };
        let called = FileSource {
            call_site: Some(std::sync::Arc::new(CallSite {
                file: "root.tf".into(),
                line: 4,
                end_line: 7,
            })),
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
            let mut interner = Interner::default();
            let attributes = rule_attributes(&r, &mut interner);
            let view = rule_view(&r, attributes, &mut interner);
            assert_eq!(view, Value::from(expected));
        }
    }

    /// The view names origins and modes as the JSON form does.
    #[test]
    fn origin_and_mode_names_are_their_json_names() {
        use Origin::*;
        for o in [Terraform, Tfplan, Bicep, Arm, Kubernetes, Live] {
            assert_eq!(serde_json::to_value(o).unwrap(), o.as_str());
        }
        for m in [
            Mode::Managed,
            Mode::Data,
            Mode::Module,
            Mode::Provider,
            Mode::Output,
        ] {
            assert_eq!(serde_json::to_value(m).unwrap(), m.as_str());
        }
    }

    /// Interned values equal what `Value::deserialize` builds, for every kind of JSON value.
    #[test]
    fn interned_values_equal_deserialized_ones() {
        let doc = json!({
            "s": "x", "n": [0, 1, -1, 18446744073709551615u64, -9223372036854775808i64, 1.5, -0.0, 1e300],
            "b": [true, false, null], "o": {"z": {}, "a": [], "m": {"k": [{"k": 1}, {"k": 1}]}},
            "unicode": "é\u{0}", "": ""
        });
        let mut interner = Interner::default();
        use serde::Deserialize;
        assert_eq!(interner.json(&doc), Value::deserialize(&doc).unwrap());
    }

    /// Equal strings, arrays and objects are one allocation, across conversions; unequal
    /// ones are not merged, even when their hashes collide.
    #[test]
    fn equal_values_share_one_allocation() {
        let mut interner = Interner::default();
        let a = interner.json(&json!({"tags": {"env": "prod"}, "list": [1, {"x": "y"}], "k": "v"}));
        let b = interner.json(&json!({"k": "v", "list": [1, {"x": "y"}], "tags": {"env": "prod"}}));
        let c = interner.json(&json!({"tags": {"env": "dev"}}));
        let ptr = |v: &Value| -> *const u8 {
            match v {
                Value::Object(o) => std::sync::Arc::as_ptr(o).cast(),
                Value::Array(a) => std::sync::Arc::as_ptr(a).cast(),
                Value::String(s) => std::sync::Arc::as_ptr(s).cast(),
                _ => std::ptr::null(),
            }
        };
        assert_eq!(ptr(&a), ptr(&b), "the same object in another key order");
        assert_eq!(ptr(&a["list"]), ptr(&b["list"]));
        assert_eq!(ptr(&a["k"]), ptr(&b["k"]));
        assert_ne!(ptr(&a["tags"]), ptr(&c["tags"]));
        assert_eq!(c["tags"]["env"], Value::from("dev"));

        let one = Value::from(vec![Value::from(1u64)]);
        let two = Value::from(vec![Value::from(2u64)]);
        let (first, _) = interner.share(7, one.clone());
        let (second, _) = interner.share(7, two.clone());
        let (again, _) = interner.share(7, Value::from(vec![Value::from(1u64)]));
        assert_eq!((first.clone(), second.clone()), (one, two));
        assert_eq!(ptr(&again), ptr(&first));
        assert_ne!(ptr(&second), ptr(&first));
    }
}
