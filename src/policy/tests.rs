use super::testing::{TestStatus, run_tests};
use super::*;

fn catalog(id: &str, controls: &[&str]) -> (String, Catalog) {
    (
        id.to_string(),
        Catalog {
            id: id.to_string(),
            name: id.to_string(),
            version: "1".into(),
            source: None,
            controls: controls
                .iter()
                .map(|c| Control {
                    id: c.to_string(),
                    title: "t".into(),
                    automated: true,
                })
                .collect(),
        },
    )
}

fn rule_source(id: &str, package: &str, controls: &str) -> String {
    format!(
        "# METADATA\n# title: T\n# description: D\n# custom:\n#   id: {id}\n#   severity: low\n#   resource_types: [x]\n#   controls:\n{controls}#   remediation: R\npackage {package}\n\nimport rego.v1\n\ndeny contains 1 if false\n"
    )
}

fn load(sources: Vec<(&str, String, bool)>) -> Result<PolicySet, Vec<PolicyError>> {
    let catalogs = [catalog("soc2", &["CC6.1"])].into_iter().collect();
    let mut errors = Vec::new();
    let set = PolicySet::from_sources(
        sources
            .into_iter()
            .map(|(p, s, b)| (p.to_string(), s, b))
            .collect(),
        catalogs,
        &mut errors,
    );
    if errors.is_empty() {
        Ok(set)
    } else {
        Err(errors)
    }
}

#[test]
fn builtin_packs_load_and_their_tests_pass() {
    let set =
        PolicySet::load(&[], true).unwrap_or_else(|e| panic!("built-in packs invalid: {e:#?}"));
    assert!(!set.rules.is_empty());
    let results = run_tests(&set);
    let failed: Vec<String> = results
        .iter()
        .filter(|r| r.status != TestStatus::Pass)
        .map(|r| format!("{}:{} {}: {:?}", r.file, r.line, r.name, r.status))
        .collect();
    assert!(
        failed.is_empty(),
        "failing Rego tests:\n{}",
        failed.join("\n")
    );
    // Every rule has a test file with at least one test.
    for rule in &set.rules {
        let test_file = rule.file.replace(".rego", "_test.rego");
        let n = results.iter().filter(|r| r.file == test_file).count();
        assert!(
            n >= 2,
            "{} has {n} tests in {test_file}; it needs at least one that fires and one that does not",
            rule.id
        );
    }
}

#[test]
fn builtin_rules_are_parsed_on_first_use_and_user_rules_when_loaded() {
    let set = PolicySet::load(&[], true).unwrap_or_else(|e| panic!("{e:#?}"));
    assert_eq!(set.rule_engines.len(), set.rules.len());
    assert!(set.rule_engines.values().all(|cell| cell.get().is_none()));
    // Every built-in rule parses (load no longer tries) and its engine holds its deny rule.
    for rule in &set.rules {
        let mut engine = set
            .rule_engine(&rule.package)
            .unwrap_or_else(|e| panic!("{}: {e}", rule.id));
        engine.set_input(regorus::Value::from_json_str(r#"{"resources": []}"#).expect("input"));
        engine
            .eval_rule(format!("data.{}.deny", rule.package))
            .unwrap_or_else(|e| panic!("{}: {e}", rule.id));
        assert!(set.rule_engines[&rule.package].get().is_some());
    }
    assert!(set.rule_engine("rules.none").is_err());

    // A user rule is parsed (and compiled) when loaded.
    let user = load(vec![(
        "u.rego",
        rule_source("u1", "rules.user", "#     soc2: [CC6.1]\n"),
        false,
    )])
    .unwrap_or_else(|e| panic!("{e:#?}"));
    assert!(matches!(user.rule_engines["rules.user"].get(), Some(Ok(_))));
}

#[test]
fn unknown_controls_and_frameworks_are_rejected() {
    let src = rule_source(
        "r-one",
        "rules.a",
        "#     soc2: [CC9.9]\n#     nist: [AC-1]\n",
    );
    let errs = load(vec![("a.rego", src, false)]).unwrap_err();
    let text: Vec<String> = errs.iter().map(ToString::to_string).collect();
    assert!(
        text.iter()
            .any(|e| e.contains("control `CC9.9`, which the soc2 catalog lacks")),
        "{text:?}"
    );
    assert!(
        text.iter().any(|e| e.contains("unknown framework `nist`")),
        "{text:?}"
    );
    assert!(
        text.iter()
            .any(|e| e.starts_with("a.rego:9: ") && e.contains("CC9.9")),
        "{text:?}"
    );
    assert!(
        text.iter()
            .any(|e| e.starts_with("a.rego:10: ") && e.contains("nist")),
        "{text:?}"
    );
}

#[test]
fn duplicate_ids_and_packages_are_rejected() {
    let a = rule_source("same", "rules.a", "#     soc2: [CC6.1]\n");
    let b = rule_source("same", "rules.b", "");
    let errs = load(vec![("a.rego", a.clone(), true), ("b.rego", b, false)]).unwrap_err();
    assert!(
        errs.iter().any(|e| e
            .to_string()
            .contains("rule id `same` is already used by a.rego")),
        "{errs:?}"
    );

    let c = rule_source("other", "rules.a", "");
    let errs = load(vec![("a.rego", a, true), ("user/c.rego", c, false)]).unwrap_err();
    assert_eq!(
        errs[0].to_string(),
        "user/c.rego:10: package rules.a is already declared by a.rego (a user policy may not add rules to a built-in package)"
    );
}

#[test]
fn rego_syntax_errors_have_file_and_line() {
    let errs = load(vec![(
        "bad.rego",
        "package rules.x\nimport rego.v1\ndeny contains 1 if {\n".into(),
        false,
    )])
    .unwrap_err();
    let PolicyError::Invalid {
        file,
        line,
        message,
    } = &errs[0]
    else {
        panic!("{errs:?}")
    };
    assert_eq!(file, "bad.rego");
    assert!(*line >= 3, "{line}");
    assert!(message.starts_with("Rego does not parse"), "{message}");
}

#[test]
fn libraries_need_no_metadata_but_rules_do() {
    let lib = "package lib.mine\nimport rego.v1\nf(x) := x\n".to_string();
    let rule = "package rules.nometa\nimport rego.v1\ndeny contains 1 if false\n".to_string();
    let errs = load(vec![("lib.rego", lib, false), ("r.rego", rule, false)]).unwrap_err();
    assert_eq!(errs.len(), 1);
    assert!(errs[0].to_string().contains("has no `# METADATA` block"));
}

#[test]
fn catalog_automation_matches_the_rules() {
    let set = PolicySet::load(&[], true).expect("built-in packs valid");
    assert_eq!(
        set.catalogs.keys().map(String::as_str).collect::<Vec<_>>(),
        vec!["gdpr", "hipaa", "iso27001-2022", "pci-dss-4.0", "soc2"]
    );
    let mut problems = Vec::new();
    for (fw, catalog) in &set.catalogs {
        for control in &catalog.controls {
            let mapped = set.rules.iter().any(|r| {
                r.controls
                    .get(fw)
                    .is_some_and(|ids| ids.contains(&control.id))
            });
            if control.automated && !mapped {
                problems.push(format!(
                    "{fw} {} is marked automated but no rule checks it",
                    control.id
                ));
            }
            if !control.automated && mapped {
                problems.push(format!(
                    "{fw} {} has rules but is marked automated: false",
                    control.id
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn a_broken_test_file_fails_tenet_test_but_not_a_scan() {
    let rule = rule_source("r-one", "rules.a", "");
    let broken_test = "package rules.a_test\nimport rego.v1\ntest_x if {\n".to_string();
    let set = load(vec![
        ("a.rego", rule, false),
        ("a_test.rego", broken_test, false),
    ])
    .expect("scan-time load ignores tests");
    let results = run_tests(&set);
    assert_eq!(results.len(), 1);
    assert_eq!(results[0].file, "a_test.rego");
    assert!(matches!(&results[0].status, TestStatus::Error(m) if !m.is_empty()));
}

#[test]
fn rules_of_one_check_share_severity_and_controls() {
    let set = PolicySet::load(&[], true).expect("built-in packs valid");
    let mut by_check: BTreeMap<&str, Vec<&RuleMeta>> = BTreeMap::new();
    for r in &set.rules {
        if let Some(c) = &r.check {
            by_check.entry(c).or_default().push(r);
        }
    }
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/checks.md"))
        .expect("docs/checks.md");
    let mut problems = Vec::new();
    for (check, rules) in &by_check {
        let Some(row) = doc.lines().find(|l| l.starts_with(&format!("| `{check}`"))) else {
            problems.push(format!(
                "check `{check}` is not described in docs/checks.md"
            ));
            continue;
        };
        // | `check` | severity | soc2 | iso | gdpr | hipaa | pci |
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        let frameworks = ["soc2", "iso27001-2022", "gdpr", "hipaa", "pci-dss-4.0"];
        for r in rules {
            if cells.get(2).copied() != Some(r.severity.as_str()) {
                problems.push(format!(
                    "{check}: {} is {} but docs/checks.md says {:?}",
                    r.id,
                    r.severity,
                    cells.get(2)
                ));
            }
            for (i, fw) in frameworks.iter().enumerate() {
                let want: Vec<&str> = cells
                    .get(3 + i)
                    .map(|c| {
                        c.split(',')
                            .map(str::trim)
                            .filter(|x| !x.is_empty() && *x != "—")
                            .collect()
                    })
                    .unwrap_or_default();
                let have: Vec<&str> = r
                    .controls
                    .get(*fw)
                    .map(|v| v.iter().map(String::as_str).collect())
                    .unwrap_or_default();
                if want != have {
                    problems.push(format!(
                        "{check}: {} maps {fw} to {have:?}; docs/checks.md says {want:?}",
                        r.id
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn params_reach_policies_as_data_config() {
    let src = rule_source("r-param", "rules.p", "").replace(
        "#   remediation:",
        "#   params:\n#     min_days: 90\n#   remediation:",
    );
    let mut set = load(vec![("p.rego", src.clone(), false)]).expect("loads");
    assert_eq!(set.config["min_days"], serde_json::json!(90));
    assert!(set.rules_with_param("min_days").any(|r| r.id == "r-param"));
    let mut over = BTreeMap::new();
    over.insert("min_days".to_string(), serde_json::json!(365));
    set.set_params(&over).expect("known parameter");
    assert_eq!(set.config["min_days"], serde_json::json!(365));
    over.insert("min_dayz".to_string(), serde_json::json!(1));
    over.insert("min_days".to_string(), serde_json::json!("x"));
    let errs = set.set_params(&over).unwrap_err();
    assert!(
        errs.iter()
            .any(|e| e.contains("unknown parameter `min_dayz`")),
        "{errs:?}"
    );
    assert!(
        errs.iter().any(|e| e.contains("must be a number")),
        "{errs:?}"
    );
    // Two rules disagreeing on a default is a load error.
    let other = rule_source("r-param2", "rules.q", "").replace(
        "#   remediation:",
        "#   params:\n#     min_days: 30\n#   remediation:",
    );
    let errs = load(vec![("p.rego", src, false), ("q.rego", other, false)]).unwrap_err();
    assert!(
        errs[0]
            .to_string()
            .contains("declares parameter `min_days` with default 30"),
        "{errs:?}"
    );
}

#[test]
fn is_unknown_and_covers_run_on_the_host_builtin() {
    let set = PolicySet::load(&[], true).expect("built-in packs");
    let mut engine = set.combined_engine();
    let query = r#"[[u, p, tenet.unknown_flag({"unknown": [u]}, p), count([1 | tenet.covers(u, p)]) > 0] |
        some u in ["a", "a.b", "a[0]", "ab", ""]
        some p in ["a", "a.b", "a.b.c", "a[0]", "a[0].x", "ab", "b"]
    ]"#;
    engine
        .add_policy(
            "probe.rego".into(),
            format!("package probe\nimport rego.v1\nimport data.lib.tenet\nx := {query}\n"),
        )
        .expect("probe parses");
    let value = engine.eval_rule("data.probe.x".into()).expect("evaluates");
    let rows = value.as_array().expect("an array");
    assert_eq!(rows.len(), 35);
    let mut covered = 0;
    for row in rows.iter() {
        let row = row.as_array().expect("a row");
        let (u, p) = (row[0].as_string().unwrap(), row[1].as_string().unwrap());
        let expected = super::builtins::unknown_covers(u, p);
        covered += usize::from(expected);
        assert_eq!(
            row[2] == regorus::Value::Bool(true),
            expected,
            "is_unknown({u}, {p})"
        );
        assert_eq!(
            row[3] == regorus::Value::Bool(true),
            expected,
            "covers({u}, {p})"
        );
    }
    assert!(covered > 5 && covered < 30, "{covered}");
}

/// `lib.kubernetes._or`, `list`, `obj`, `get`, `sc` and `pod_sc` run on host builtins: on a
/// grid of values (nulls, missing and present keys, wrong types, list indices) each gives
/// exactly what its former Rego definition, repeated here, gives.
#[test]
fn kubernetes_helpers_on_host_builtins_match_their_rego_definitions() {
    let probe = r#"package probe
import rego.v1
import data.lib.kubernetes as k8s

ref_or(v, fallback) := v if v != null
ref_or(null, fallback) := fallback
ref_list(x) := x if is_array(x)
ref_list(x) := [] if not is_array(x)
ref_obj(x) := x if is_object(x)
ref_obj(x) := {} if not is_object(x)
ref_get(o, path, fallback) := ref_or(object.get(o, path, null), fallback)
ref_sc(c, key, fallback) := ref_or(object.get(ref_obj(object.get(c.container, "securityContext", {})), key, null), fallback)
ref_pod_sc(c, key, fallback) := ref_or(object.get(ref_obj(object.get(c.pod, "securityContext", {})), key, null), fallback)

values := [null, false, 0, 1, "", "s", [], [null], [1, {"a": 2}], {}, {"a": null}, {"a": 1}, {"a": {"b": [5, {"c": null}]}}]
objects := [v | some v in values; is_object(v)]
paths := ["a", "b", 0, [], ["a"], ["a", "b"], ["a", "b", 0], ["a", "b", 1, "c"], ["a", "b", 9], ["x", "y"]]
fallbacks := [null, 7, "f"]

# [name, arguments, library result(s), reference result(s)]: each result is a list, empty
# when undefined.
rows := array.concat(array.concat(array.concat(
	[["or", [v, f], [x | x := k8s._or(v, f)], [x | x := ref_or(v, f)]] | some v in values; some f in fallbacks],
	[["list", [v], [x | x := k8s.list(v)], [x | x := ref_list(v)]] | some v in values]),
	array.concat(
		[["obj", [v], [x | x := k8s.obj(v)], [x | x := ref_obj(v)]] | some v in values],
		[["get", [o, p, f], [x | x := k8s.get(o, p, f)], [x | x := ref_get(o, p, f)]] | some o in objects; some p in paths; some f in fallbacks])),
	[["sc", [sc, k, f], [[x, y] | x := k8s.sc(c, k, f); y := k8s.pod_sc(c, k, f)], [[x, y] | x := ref_sc(c, k, f); y := ref_pod_sc(c, k, f)]] |
		some sc in values
		c := {"container": {"securityContext": sc}, "pod": {"securityContext": sc}}
		some k in ["a", "runAsUser", ["a", "b"]]
		some f in fallbacks
	])
"#;
    let (rows, defined) = library_agrees_with_reference(probe);
    assert_eq!(rows, 13 * 3 + 13 + 13 + 4 * 10 * 3 + 13 * 3 * 3);
    assert!(defined > 250, "{defined}");
}

/// `lib.kubernetes.describe` and `container_path` answer from host builtins in the usual
/// case and from their Rego definitions otherwise: on well-formed and malformed containers,
/// names that `%q` must escape and paths through nulls, they give what the Rego alone gives.
#[test]
fn container_descriptions_and_paths_match_their_rego_definitions() {
    let probe = r#"package probe
import rego.v1
import data.lib.kubernetes as k8s

ref_describe(c) := sprintf("%s %q of %s %q", [k8s.container_word[c.field], object.get(c.container, "name", "?"), k8s.kind(c.resource), c.resource.name])
ref_path(c, segments) := concat(".", array.concat([c.path], array.slice(segments, 0, n))) if {
	n := max({0} | {i |
		some i in numbers.range(1, count(segments))
		object.get(c.container, array.slice(segments, 0, i), null) != null
	})
}

containers := [{"name": "app", "securityContext": {"capabilities": {"add": null}, "runAsUser": 0}}, {"securityContext": null}, {"name": "a\"b"}, {"name": "tab\there"}, {"name": "é"}, {}, "not an object"]
fields := ["containers", "initContainers", "ephemeralContainers", "other"]
resources := [{"type": "apps/v1/Deployment", "name": "web"}, {"type": "v1/Pod", "name": "q\\uote"}]
segment_lists := [[], ["securityContext"], ["securityContext", "runAsUser"], ["securityContext", "capabilities", "add"], ["securityContext", "capabilities", "drop", "x"], ["image"], ["securityContext", 1]]

both(f_lib, f_ref) := [[x | x := f_lib], [x | x := f_ref]]

rows := array.concat(
	[["describe", [cont, field, r], [x | x := k8s.describe(c)], [x | x := ref_describe(c)]] |
		some cont in containers
		is_object(cont)
		some field in fields
		some r in resources
		c := {"container": cont, "field": field, "resource": r, "path": "spec.containers[0]"}
	],
	[["container_path", [cont, segs], [x | x := k8s.container_path(c, segs)], [x | x := ref_path(c, segs)]] |
		some cont in containers
		is_object(cont)
		some segs in segment_lists
		c := {"container": cont, "path": "spec.containers[0]"}
	],
)
"#;
    let (rows, defined) = library_agrees_with_reference(probe);
    assert_eq!(rows, 6 * 4 * 2 + 6 * 7);
    assert!(defined > 60, "{defined}");
    let engine = PolicySet::load(&[], true)
        .expect("built-in packs")
        .combined_engine();
    // A name `%q` cannot print, or a container that is not an object, is an evaluation
    // error, as it was in Rego alone.
    for bad in [
        r#"{"container": "c", "field": "containers", "resource": {"type": "v1/Pod", "name": "p"}}"#,
        r#"{"container": {"name": 7}, "field": "containers", "resource": {"type": "v1/Pod", "name": "p"}}"#,
        r#"{"container": {"name": "c"}, "field": "containers", "resource": {"type": "v1/Pod", "name": 3}}"#,
    ] {
        let mut e = engine.clone();
        e.add_policy(
            "bad.rego".into(),
            format!("package bad\nimport data.lib.kubernetes as k8s\nx := k8s.describe({bad})\n"),
        )
        .expect("parses");
        assert!(e.eval_rule("data.bad.x".into()).is_err(), "{bad}");
    }
}

/// `lib.kubernetes.pod_metadata` runs on a host builtin and gives what its Rego definition
/// gave, for each workload kind's layout, a missing or malformed metadata, and non-workloads.
#[test]
fn pod_metadata_matches_its_rego_definition() {
    let probe = r#"package probe
import rego.v1
import data.lib.kubernetes as k8s

ref_pod_metadata(r) := {"meta": k8s.obj(object.get(r.attributes, segments, {})), "path": concat(".", segments)} if {
	ps := k8s.pod_spec(r)
	spec_segments := split(ps.path, ".")
	segments := array.concat(array.slice(spec_segments, 0, count(spec_segments) - 1), ["metadata"])
}

spec := {"containers": [{"name": "c"}]}
meta := {"annotations": {"a": "b"}}
resources := [
	{"provider": "kubernetes", "type": "v1/Pod", "attributes": {"metadata": meta, "spec": spec}},
	{"provider": "kubernetes", "type": "v1/Pod", "attributes": {"spec": spec}},
	{"provider": "kubernetes", "type": "apps/v1/Deployment", "attributes": {"spec": {"template": {"metadata": meta, "spec": spec}}}},
	{"provider": "kubernetes", "type": "apps/v1/Deployment", "attributes": {"spec": {"template": {"metadata": null, "spec": spec}}}},
	{"provider": "kubernetes", "type": "apps/v1/Deployment", "attributes": {"spec": {"template": {"metadata": "x", "spec": spec}}}},
	{"provider": "kubernetes", "type": "batch/v1/CronJob", "attributes": {"spec": {"jobTemplate": {"spec": {"template": {"metadata": meta, "spec": spec}}}}}},
	{"provider": "kubernetes", "type": "v1/Service", "attributes": {"metadata": meta, "spec": spec}},
	{"provider": "kubernetes", "type": "apps/v1/Deployment", "attributes": {"spec": {}}},
]
rows := [["pod_metadata", [r], [x | x := k8s.pod_metadata(r)], [x | x := ref_pod_metadata(r)]] | some r in resources]
"#;
    assert_eq!(library_agrees_with_reference(probe), (8, 6));
}

/// Evaluates `data.probe.rows` of a probe module, with every built-in library loaded: rows of
/// `[name, arguments, library results, reference results]`, each results a list (empty when
/// undefined). Asserts that library and reference agree on every row; returns the number of
/// rows and of rows with a result.
fn library_agrees_with_reference(probe: &str) -> (usize, usize) {
    let set = PolicySet::load(&[], true).expect("built-in packs");
    let mut engine = set.combined_engine();
    engine
        .add_policy("probe.rego".into(), probe.into())
        .expect("probe parses");
    let value = engine
        .eval_rule("data.probe.rows".into())
        .expect("evaluates");
    let rows = value.as_array().expect("an array");
    let mut defined = 0;
    for row in rows.iter() {
        let row = row.as_array().expect("a row");
        assert_eq!(row[2], row[3], "{}({})", row[0], row[1]);
        defined += usize::from(!row[2].as_array().expect("results").is_empty());
    }
    (rows.len(), defined)
}
