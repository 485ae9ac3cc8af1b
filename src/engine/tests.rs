use super::evaluator::{groups, units};
use super::*;
use crate::graph::{
    FileSource, InputFile, Mode, Origin, Ref, Resource, ResourceGraph, Scope, Source,
};
use crate::policy::PolicySet;
use serde_json::json;

fn resource(ty: &str, name: &str, attributes: serde_json::Value) -> Resource {
    Resource {
        id: format!("terraform:{ty}.{name}"),
        resource_type: ty.to_string(),
        origin: Origin::Terraform,
        mode: Mode::Managed,
        provider: "aws".into(),
        name: name.into(),
        scope: Scope::default(),
        attributes,
        rule_attributes: None,
        unknown: vec![],
        refs: vec![],
        source: Source::File(FileSource {
            file: "main.tf".into(),
            start_line: 1,
            end_line: 2,
            ..Default::default()
        }),
    }
}

fn graph(resources: Vec<Resource>) -> ResourceGraph {
    let mut g = ResourceGraph::new();
    g.resources = resources;
    g.files.push(InputFile {
        file: "main.tf".into(),
        kind: "terraform".into(),
        scanned: true,
    });
    g.normalize();
    g
}

/// A policy set from inline rule sources (no catalogs needed: rules map no controls).
fn policies(rules: &[(&str, &str)]) -> PolicySet {
    policy_set(rules, false)
}

/// As [`policies`]; `builtin` rules are parsed on first use, as the embedded ones are.
fn policy_set(rules: &[(&str, &str)], builtin: bool) -> PolicySet {
    let mut errors = Vec::new();
    let sources = rules
        .iter()
        .map(|(id, body)| {
            let pkg = format!("rules.t.{}", id.replace('-', "_"));
            let src = format!(
                "# METADATA\n# title: {id}\n# description: d\n# custom:\n#   id: {id}\n#   severity: high\n#   resource_types: [\"*\"]\n#   remediation: r\npackage {pkg}\n\nimport rego.v1\n\n{body}\n"
            );
            (format!("{id}.rego"), src, builtin)
        })
        .collect();
    let set = PolicySet::from_sources(sources, Default::default(), &mut errors);
    assert!(errors.is_empty(), "{errors:?}");
    set
}

fn run(set: &PolicySet, g: &ResourceGraph, batch_size: usize) -> Outcome {
    run_opts(
        set,
        g,
        EvalOptions {
            batch_size,
            ..EvalOptions::default()
        },
    )
}

/// Every rule of `set` on `g`.
fn run_opts(set: &PolicySet, g: &ResourceGraph, opts: EvalOptions) -> Outcome {
    let rules: Vec<&RuleMeta> = set.rules.iter().collect();
    evaluate(set, &rules, g, &opts)
}

const FLAG_BIG: &str = r#"deny contains {"resource_id": r.id, "message": "big", "attribute": "size"} if {
	some r in input.resources
	r.attributes.size > 10
}"#;

#[test]
fn batching_and_threads_do_not_change_results() {
    let resources: Vec<Resource> = (0..1200)
        .map(|i| resource("aws_ebs_volume", &format!("v{i}"), json!({"size": i % 20})))
        .collect();
    let g = graph(resources);
    let set = policies(&[("big", FLAG_BIG)]);
    let one = run(&set, &g, 1200);
    let small = run(&set, &g, 7);
    assert_eq!(one.findings.len(), 540);
    assert_eq!(one.findings, small.findings);
    assert_eq!(one.runs[0].examined.len(), 1200);
    assert_eq!(one.runs[0].failed, 540);
}

/// A scan that evaluates several graphs keeps one engine per platform for its rules of one
/// unit each: every rule's results, errors included, are what an engine of its own gives,
/// and a rule that does not parse is that rule's error (its platform's rules then each get
/// an engine of their own).
#[test]
fn kept_platform_engines_give_each_rule_its_own_results() {
    let g = graph(vec![
        resource("aws_ebs_volume", "v", json!({"size": 50})),
        resource("aws_ebs_volume", "w", json!({"size": 5})),
    ]);
    let broken = (
        "broken",
        "deny contains x if { some r in input.resources; x := r.attributes.size / 0 }",
    );
    // More rules than one platform engine holds: they are split between engines.
    let many: Vec<(String, String)> = (0..40)
        .map(|i| {
            (
                format!("big-{i:02}"),
                FLAG_BIG.replace("\"big\"", &format!("\"big {i}\"")),
            )
        })
        .collect();
    let many: Vec<(&str, &str)> = many.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    // Each set of rules with the findings it gives and the rules that fail.
    let cases = [
        (policies(&[("big", FLAG_BIG), broken]), 1, vec!["broken"]),
        (policies(&many), 40, vec![]),
        // Built-in rules are parsed when first used: `typo` fails then.
        (
            policy_set(
                &[("big", FLAG_BIG), broken, ("typo", "deny contains x if {")],
                true,
            ),
            1,
            vec!["broken", "typo"],
        ),
    ];
    for (set, findings, failing) in &cases {
        let rules: Vec<&RuleMeta> = set.rules.iter().collect();
        let opts = EvalOptions {
            together: false,
            ..EvalOptions::default()
        };
        let own = Evaluator::new(set, &rules, &opts, false).evaluate(&g, RuleValues::of(&g));
        let kept = Evaluator::new(set, &rules, &opts, true);
        for _ in 0..2 {
            let shared = kept.evaluate(&g, RuleValues::of(&g));
            assert_eq!(shared.findings, own.findings);
            assert_eq!(shared.errors, own.errors);
            assert_eq!(shared.untimed_runs(), own.untimed_runs());
        }
        assert_eq!(own.findings.len(), *findings);
        let failed: std::collections::BTreeSet<&str> =
            own.errors.iter().map(|e| e.rule_id.as_str()).collect();
        assert_eq!(failed.into_iter().collect::<Vec<_>>(), *failing);
        assert!(
            own.errors
                .iter()
                .filter(|e| e.rule_id == "typo")
                .all(|e| e.message.contains("does not parse")),
            "{:?}",
            own.errors
        );
    }
}

#[test]
fn one_failing_rule_does_not_stop_the_others() {
    let g = graph(vec![resource("aws_ebs_volume", "v", json!({"size": 50}))]);
    let set = policies(&[
        ("big", FLAG_BIG),
        (
            "broken",
            "deny contains x if { some r in input.resources; x := r.attributes.size / 0 }",
        ),
        ("shape", "deny contains \"just a string\" if { true }"),
        (
            "ghost",
            "deny contains {\"resource_id\": \"terraform:nope\", \"message\": \"m\"} if { true }",
        ),
    ]);
    let out = run(&set, &g, 500);
    assert_eq!(out.findings.len(), 1);
    assert_eq!(out.findings[0].rule_id, "big");
    let errors: Vec<(&str, &str)> = out
        .errors
        .iter()
        .map(|e| (e.rule_id.as_str(), e.message.as_str()))
        .collect();
    assert_eq!(errors.len(), 3, "{errors:?}");
    assert!(
        errors
            .iter()
            .any(|(id, m)| *id == "broken" && m.contains("divide by zero"))
    );
    assert!(
        errors
            .iter()
            .any(|(id, m)| *id == "shape" && m.contains("lacks a string `resource_id`"))
    );
    assert!(
        errors
            .iter()
            .any(|(id, m)| *id == "ghost" && m.contains("not in the resource graph"))
    );
    assert!(out.runs.iter().filter(|r| r.errored).count() == 3);
}

#[test]
fn rules_see_the_whole_graph_through_data_inventory() {
    let bucket = resource("aws_s3_bucket", "b", json!({}));
    let mut versioning = resource("aws_s3_bucket_versioning", "v", json!({}));
    versioning.refs.push(Ref {
        attribute: "bucket".into(),
        to: bucket.id.as_str().into(),
        direct: true,
    });
    let g = graph(vec![bucket, versioning]);
    let rule = r#"deny contains {"resource_id": r.id, "message": msg} if {
	some r in input.resources
	r.type == "aws_s3_bucket"
	some e in data.inventory.referrers[r.id]
	msg := sprintf("%s via %s; %d buckets", [e.from, e.attribute, count(data.inventory.by_type.aws_s3_bucket)])
}"#;
    let set = policies(&[("linked", rule)]);
    let out = run(&set, &g, 1);
    assert_eq!(out.findings.len(), 1);
    assert_eq!(
        out.findings[0].message,
        "terraform:aws_s3_bucket_versioning.v via bucket; 1 buckets"
    );
}

#[test]
fn findings_point_at_the_named_attribute_or_its_nearest_ancestor() {
    let mut r = resource(
        "aws_security_group",
        "sg",
        json!({"ingress": [{"cidr_blocks": ["0.0.0.0/0"]}]}),
    );
    if let Source::File(f) = &mut r.source {
        f.block = crate::graph::Region {
            start_line: 1,
            start_column: 1,
            end_line: 9,
            end_column: 1,
        };
        f.regions = [(
            "ingress[0]",
            crate::graph::Region {
                start_line: 3,
                start_column: 3,
                end_line: 6,
                end_column: 3,
            },
        )]
        .into_iter()
        .collect();
    }
    let g = graph(vec![r]);
    let rule = r#"deny contains {"resource_id": r.id, "message": "m", "attribute": "ingress[0].cidr_blocks[0]"} if { some r in input.resources }"#;
    let out = run(&policies(&[("near", rule)]), &g, 10);
    assert_eq!(out.findings[0].location.line(), Some(3));
}

#[test]
fn context_resources_are_visible_but_never_reported() {
    let mut g = graph(vec![resource(
        "aws_ebs_volume",
        "mine",
        json!({"size": 50}),
    )]);
    let mut other = resource("aws_ebs_volume", "sibling", json!({"size": 99}));
    other.source = Source::File(FileSource {
        file: "sibling.tf".into(),
        start_line: 1,
        end_line: 2,
        ..Default::default()
    });
    g.resources.push(other);
    g.files.push(InputFile {
        file: "sibling.tf".into(),
        kind: "terraform".into(),
        scanned: false,
    });
    g.normalize();
    let rule = r#"deny contains {"resource_id": id, "message": "m"} if {
	some r in input.resources
	some id in data.inventory.by_type.aws_ebs_volume
}"#;
    let out = run(&policies(&[("all", rule)]), &g, 10);
    let ids: Vec<&str> = out
        .findings
        .iter()
        .map(|f| f.resource.id.as_str())
        .collect();
    assert_eq!(ids, vec!["terraform:aws_ebs_volume.mine"]);
    assert_eq!(
        out.runs[0].examined,
        vec!["terraform:aws_ebs_volume.mine".to_string()]
    );
}

#[test]
fn findings_for_one_place_merge_so_fingerprints_stay_unique() {
    let g = graph(vec![resource("aws_security_group", "sg", json!({}))]);
    let rule = r#"deny contains {"resource_id": r.id, "message": m, "attribute": "ingress"} if {
	some r in input.resources
	some m in ["opens 22", "opens 3389"]
}"#;
    let out = run(&policies(&[("ports", rule)]), &g, 10);
    assert_eq!(out.findings.len(), 1);
    assert_eq!(out.findings[0].message, "opens 22; opens 3389");
}

#[test]
fn one_bad_resource_costs_only_its_own_result() {
    let mut resources: Vec<Resource> = (0..5)
        .map(|i| resource("aws_ebs_volume", &format!("v{i}"), json!({"size": 50})))
        .collect();
    resources.push(resource(
        "aws_ebs_volume",
        "bad",
        json!({"size": "not a number"}),
    ));
    let g = graph(resources);
    let rule = r#"deny contains {"resource_id": r.id, "message": "big"} if {
	some r in input.resources
	to_number(r.attributes.size) > 10
}"#;
    let out = run(&policies(&[("big", rule)]), &g, 500);
    assert_eq!(
        out.findings.len(),
        5,
        "the other resources' findings survive"
    );
    assert_one_error_evaluating(&out, "terraform:aws_ebs_volume.bad");
}

#[test]
fn a_malformed_element_does_not_drop_the_rules_other_results() {
    let g = graph(vec![
        resource("aws_ebs_volume", "a", json!({})),
        resource("aws_ebs_volume", "b", json!({})),
    ]);
    let rule = r#"deny contains {"resource_id": r.id, "message": msg} if {
	some r in input.resources
	msg := {"a": "fine", "b": 42}[r.name]
}"#;
    let out = run(&policies(&[("mixed", rule)]), &g, 500);
    assert_eq!(out.findings.len(), 1);
    assert_eq!(out.findings[0].resource.name, "a");
    assert_eq!(out.errors.len(), 1);
    assert!(out.errors[0].message.contains("lacks a string `message`"));
}

fn run_with(set: &PolicySet, g: &ResourceGraph, together: bool) -> Outcome {
    let opts = EvalOptions {
        batch_size: 7,
        together,
        ..EvalOptions::default()
    };
    run_opts(set, g, opts)
}

/// Rules evaluated together (one engine, one evaluation per batch) give exactly what each
/// rule evaluated alone gives: findings, undetermined results, malformed elements, errors.
#[test]
fn evaluating_together_equals_evaluating_alone() {
    let resources: Vec<Resource> = (0..40)
        .map(|i| resource("aws_ebs_volume", &format!("v{i}"), json!({"size": i})))
        .collect();
    let g = graph(resources);
    let helper = "big(r) if r.attributes.size > 10";
    let rules = [
        ("big", FLAG_BIG.to_string()),
        (
            "odd",
            format!(
                "{helper}\n\ndeny contains {{\"resource_id\": r.id, \"message\": sprintf(\"odd %d\", [r.attributes.size])}} if {{\n\tsome r in input.resources\n\tr.attributes.size % 2 == 1\n\tbig(r)\n}}"
            ),
        ),
        (
            "maybe",
            "deny contains {\"resource_id\": r.id, \"message\": \"seven\"} if {\n\tsome r in input.resources\n\tr.attributes.size == 7\n}\n\nundetermined contains {\"resource_id\": r.id, \"message\": \"unsure\"} if {\n\tsome r in input.resources\n\tr.attributes.size == 8\n}".to_string(),
        ),
        (
            "shape",
            "deny contains {\"resource_id\": r.id, \"message\": 42} if {\n\tsome r in input.resources\n\tr.attributes.size == 3\n}".to_string(),
        ),
    ];
    let refs: Vec<(&str, &str)> = rules.iter().map(|(i, b)| (*i, b.as_str())).collect();
    let set = policies(&refs);
    let together = run_with(&set, &g, true);
    let alone = run_with(&set, &g, false);
    assert_eq!(together.findings.len(), 29 + 15 + 1);
    assert_eq!(together.undetermined.len(), 1);
    assert_eq!(together.errors.len(), 1, "{:?}", together.errors);
    assert_eq!(together.findings, alone.findings);
    assert_eq!(together.undetermined, alone.undetermined);
    assert_eq!(together.errors, alone.errors);
    assert_eq!(together.untimed_runs(), alone.untimed_runs());
}

/// A rule that fails when evaluated together costs only itself: the unit falls back to one
/// evaluation per rule, and a bad resource is still named.
#[test]
fn a_failing_rule_evaluated_together_costs_only_itself() {
    let mut resources: Vec<Resource> = (0..9)
        .map(|i| resource("aws_ebs_volume", &format!("v{i}"), json!({"size": 50})))
        .collect();
    resources.push(resource("aws_ebs_volume", "bad", json!({"size": "x"})));
    let g = graph(resources);
    let strict = r#"deny contains {"resource_id": r.id, "message": "big"} if {
	some r in input.resources
	to_number(r.attributes.size) > 10
}"#;
    let set = policies(&[("big", FLAG_BIG), ("strict", strict)]);
    let out = run_with(&set, &g, true);
    let by_rule = |id: &str| out.findings.iter().filter(|f| f.rule_id == id).count();
    // "x" > 10 holds in Rego (strings order after numbers).
    assert_eq!(by_rule("big"), 10);
    assert_eq!(by_rule("strict"), 9);
    assert_one_error_evaluating(&out, "terraform:aws_ebs_volume.bad");
    assert_eq!(out.errors[0].rule_id, "strict");
}

/// The outcome has one error, and it names the resource being evaluated.
fn assert_one_error_evaluating(out: &Outcome, resource: &str) {
    assert_eq!(out.errors.len(), 1, "{:?}", out.errors);
    assert!(
        out.errors[0]
            .message
            .contains(&format!("(evaluating {resource})")),
        "{:?}",
        out.errors
    );
}

/// Rules form one unit when they are of one platform and examine the same resources.
#[test]
fn units_group_rules_of_one_platform_over_the_same_resources() {
    let set = policies(&[
        ("aws-a", FLAG_BIG),
        ("aws-b", FLAG_BIG),
        ("azure-c", FLAG_BIG),
        ("aws-d", FLAG_BIG),
        ("aws-e", FLAG_BIG),
    ]);
    let mut metas = set.rules.clone();
    for m in &mut metas {
        m.package = format!("rules.{}", m.id.replace('-', "."));
    }
    let rules: Vec<&RuleMeta> = metas.iter().collect();
    let ids: Vec<&str> = rules.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["aws-a", "aws-b", "aws-d", "aws-e", "azure-c"]);
    let examined: [&[usize]; 5] = [&[0, 1], &[0, 1], &[1], &[], &[0, 1]];
    let members = |together, by_types| -> Vec<Vec<usize>> {
        units(&rules, &examined, together, by_types)
            .into_iter()
            .map(|u| u.members)
            .collect()
    };
    assert_eq!(members(true, false), vec![vec![0, 1], vec![2], vec![4]]);
    assert_eq!(
        members(false, false),
        vec![vec![0], vec![1], vec![2], vec![4]]
    );
    // By declared types (the same units in every graph), rules examining nothing still out.
    assert_eq!(members(true, true), vec![vec![0, 1, 2], vec![4]]);
    assert_eq!(
        members(false, true),
        vec![vec![0], vec![1], vec![2], vec![4]]
    );
    let mut other = metas.clone();
    other[1].resource_types = vec!["aws_s3_bucket_policy".into()];
    let rules: Vec<&RuleMeta> = other.iter().collect();
    let by_types: Vec<Vec<usize>> = units(&rules, &examined, true, true)
        .into_iter()
        .map(|u| u.members)
        .collect();
    assert_eq!(by_types, vec![vec![0, 2], vec![1], vec![4]]);
}

/// Values converted as files load (`prepare`, keeping more paths than `take` later) equal
/// those converted from whole attributes, and the graph is left the same paths.
#[test]
fn values_prepared_while_loading_equal_converted_ones() {
    let pod = json!({
        "metadata": {"name": "p", "labels": {"app": "p"}, "annotations": {"tenet/ignore": "K8S-1: ok"}},
        "spec": {"containers": [{"name": "c", "env": [{"name": "p"}]}]}
    });
    let resources = || {
        vec![
            resource("pod", "a", pod.clone()),
            resource("pod", "b", json!({"spec": {}})),
            resource("pod", "c", json!(["not", "an", "object"])),
        ]
    };
    let keep: &[&[&str]] = &[&["metadata", "annotations", "tenet/ignore"]];
    let mut whole = graph(resources());
    let expected = RuleValues::of(&whole).0;
    let expected_taken = RuleValues::take(&mut whole, keep).0;
    assert_eq!(expected_taken, expected);

    let mut loaded = resources();
    RuleValues::prepare(&mut loaded[..2], |_| {
        vec![vec!["metadata", "labels"], vec!["metadata", "annotations"]]
    });
    RuleValues::end_preparing();
    assert_eq!(
        loaded[0].attributes,
        json!({"metadata": {"labels": {"app": "p"}, "annotations": {"tenet/ignore": "K8S-1: ok"}}})
    );
    assert!(loaded[2].rule_attributes.is_none());
    let mut prepared = graph(loaded);
    assert_eq!(RuleValues::of(&prepared).0, expected);
    assert_eq!(RuleValues::take(&mut prepared, keep).0, expected);
    let left = |g: &ResourceGraph| -> Vec<serde_json::Value> {
        g.resources.iter().map(|r| r.attributes.clone()).collect()
    };
    assert_eq!(left(&prepared), left(&whole));
    assert!(
        prepared
            .resources
            .iter()
            .all(|r| r.rule_attributes.is_none())
    );
}

/// Taking the values out of a graph gives the same values as converting it, and leaves the
/// graph only the attribute paths asked for.
#[test]
fn taking_values_leaves_only_the_kept_paths() {
    let pod = json!({
        "metadata": {"name": "p", "annotations": {"tenet/ignore": "K8S-1: ok", "other": "x"}},
        "spec": {"containers": [{"name": "c"}]}
    });
    let mut g = graph(vec![
        resource("pod", "a", pod),
        resource("pod", "b", json!({"spec": {}})),
        resource("pod", "c", json!(["not", "an", "object"])),
    ]);
    let converted = RuleValues::of(&g).0;
    let keep: &[&[&str]] = &[
        &["metadata", "annotations", "tenet/ignore"],
        &["spec", "none"],
    ];
    let taken = RuleValues::take(&mut g, keep).0;
    assert_eq!(taken, converted);
    assert_eq!(taken[0]["metadata"]["name"], Value::from("p"));
    let left: Vec<&serde_json::Value> = g.resources.iter().map(|r| &r.attributes).collect();
    assert_eq!(
        left,
        [
            &json!({"metadata": {"annotations": {"tenet/ignore": "K8S-1: ok"}}}),
            &serde_json::Value::Null,
            &serde_json::Value::Null,
        ]
    );
}

/// `data.inventory` is the same whether the graph is indexed in one share or in several
/// merged: lists keep graph order, keys that several shares hold merge. Resources left out of
/// the views (types no rule reads) are in none of its indexes.
#[test]
fn the_inventory_is_the_same_indexed_in_one_share_or_many() {
    let files = ["a.bicep", "b.bicep", "c.bicep"];
    let resources: Vec<Resource> = (0..300)
        .map(|i| {
            let mut r = resource(
                if i % 3 == 0 { "t_one" } else { "t_two" },
                &format!("r{i:03}"),
                json!({"name": format!("parent{}/child{i}", i % 7)}),
            );
            r.origin = Origin::Bicep;
            if let Source::File(f) = &mut r.source {
                f.file = files[(i / 40) % 3].into();
            }
            for to in [0, i / 2, (i * 7) % 300] {
                r.refs.push(Ref {
                    attribute: format!("a{}", i % 4),
                    to: format!("terraform:t_one.r{to:03}").into(),
                    direct: i % 2 == 0,
                });
            }
            r
        })
        .collect();
    let g = graph(resources);
    let values = RuleValues::of(&g).views(
        &g,
        0..g.resources.len(),
        &crate::graph::ReadTypes::default(),
    );
    let in_pool = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("pool")
            .install(|| inventory::data(&g.resources, &values))
    };
    let one = in_pool(1);
    assert_eq!(one, in_pool(4));
    assert_eq!(one, in_pool(7));
    let inventory = &one;
    let referrers = &inventory["referrers"][&Value::from("terraform:t_one.r000")];
    let from: Vec<&Value> = match referrers {
        Value::Array(a) => a.iter().map(|e| &e["from"]).collect(),
        _ => panic!("no referrers"),
    };
    assert!(
        from.len() > 3 && from.windows(2).all(|w| w[0] <= w[1]),
        "graph order"
    );
    let by_file = &inventory["by_file"][&Value::from("b.bicep")][&Value::from("t_two")];
    assert!(matches!(by_file, Value::Array(a) if a.len() == 68));

    // Views of the types read only: the others are left out of every index.
    let reads = crate::graph::ReadTypes::only(["t_one".to_string()]);
    let some = RuleValues::of(&g).views(&g, 0..g.resources.len(), &reads);
    for (r, v) in g.resources.iter().zip(&some) {
        assert_eq!(
            r.resource_type == "t_one",
            *v != Value::Undefined,
            "{}",
            r.id
        );
    }
    let inventory = inventory::data(&g.resources, &some);
    let count = |v: &Value| match v {
        Value::Object(o) => o.len(),
        _ => 0,
    };
    assert_eq!(count(&inventory["resources"]), 100);
    assert_eq!(count(&inventory["by_type"]), 1);
    assert_eq!(
        inventory["by_type"][&Value::from("t_two")],
        Value::Undefined
    );
    let referrers: Vec<&Value> = match &inventory["referrers"][&Value::from("terraform:t_one.r000")]
    {
        Value::Array(a) => a.iter().map(|e| &e["from"]).collect(),
        _ => panic!("no referrers"),
    };
    assert!(!referrers.is_empty());
    assert!(referrers.iter().all(|from| {
        match from {
            Value::String(id) => g
                .resources
                .iter()
                .any(|r| *r.id == **id && r.resource_type == "t_one"),
            _ => false,
        }
    }));
}

/// A Bicep resource of deployment `root` (a root template): its id is `bicep:<root>/<address>`.
fn bicep(root: &str, address: &str, ty: &str, name: &str) -> Resource {
    let mut r = resource(ty, address, json!({ "name": name }));
    r.id = format!("bicep:{root}/{address}");
    r.origin = Origin::Bicep;
    r.provider = "azure".into();
    r
}

/// Evaluation groups end only where one Bicep deployment ends and another begins (its
/// parameter files' expansions included), close once they reach their size, and never split
/// a run of other resources.
#[test]
fn groups_end_between_deployments_only() {
    let mut resources = Vec::new();
    for i in 0..3 {
        let mut r = resource("Microsoft.Web/sites", &format!("w{i}"), json!({}));
        r.id = format!("arm:site.json/w{i}");
        r.origin = Origin::Arm;
        resources.push(r);
    }
    for (root, n) in [("a.bicep", 3), ("c.bicep", 4), ("d/e.bicep", 2)] {
        for j in 0..n {
            resources.push(bicep(root, &format!("r{j}"), "T", "x"));
        }
    }
    resources.push(bicep("b.bicep", "r0", "T", "x"));
    resources.push(bicep("b.bicep", "r0@prod.bicepparam", "T", "x"));
    for i in 0..5 {
        resources.push(resource("aws_s3_bucket", &format!("b{i}"), json!({})));
    }
    let g = graph(resources);
    // arm 0..3, a.bicep 3..6, b.bicep 6..8, c.bicep 8..12, d/e.bicep 12..14, terraform 14..19.
    assert_eq!(groups(&g, 1), [0..3, 3..6, 6..8, 8..12, 12..14, 14..19]);
    assert_eq!(groups(&g, 4), [0..6, 6..12, 12..19]);
    assert_eq!(groups(&g, 100), vec![Range { start: 0, end: 19 }]);
    // The Terraform resources stay together whatever the size.
    let tf = graph(
        (0..10)
            .map(|i| resource("aws_s3_bucket", &format!("b{i}"), json!({})))
            .collect(),
    );
    assert_eq!(groups(&tf, 1), vec![Range { start: 0, end: 10 }]);
}

/// Each Bicep deployment's resources see the deployments of their group only: a storage
/// account's blob service found by its ARM name in one deployment is not another
/// deployment's, though both name their account `s`. The results on resources that do not
/// look across deployments do not depend on the group size.
#[test]
fn a_deployment_sees_its_own_resources_in_data_inventory() {
    let account = "Microsoft.Storage/storageAccounts";
    let blob = "Microsoft.Storage/storageAccounts/blobServices";
    let g = graph(vec![
        bicep("a.bicep", "s", account, "s"),
        bicep("a.bicep", "blob", blob, "s/default"),
        bicep("b.bicep", "s", account, "s"),
        resource("aws_ebs_volume", "v", json!({"size": 50})),
    ]);
    let rule = r#"deny contains {"resource_id": r.id, "message": "no blob service"} if {
	some r in input.resources
	r.type == "Microsoft.Storage/storageAccounts"
	key := sprintf("%s|%s", ["Microsoft.Storage/storageAccounts/blobServices", lower(r.attributes.name)])
	count(object.get(data.inventory.named_children, key, [])) == 0
}"#;
    let set = policies(&[("blob", rule), ("big", FLAG_BIG)]);
    let with_size = |group_size| {
        let out = run_opts(
            &set,
            &g,
            EvalOptions {
                group_size,
                batch_size: 1,
                ..EvalOptions::default()
            },
        );
        out.findings
            .iter()
            .map(|f| format!("{} {}", f.rule_id, f.resource.id))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        with_size(1),
        ["big terraform:aws_ebs_volume.v", "blob bicep:b.bicep/s"]
    );
    // In one group, b.bicep's account borrows a.bicep's blob service.
    assert_eq!(with_size(100), ["big terraform:aws_ebs_volume.v"]);
}
