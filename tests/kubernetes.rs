//! Kubernetes manifests through the real binary: documents, lists, JSON, Helm templates,
//! YAML that is not Kubernetes, broken files, and the findings of the built-in rules.

mod common;

use common::{graph, scan_json};
use serde_json::Value;

fn resources(g: &Value) -> Vec<&Value> {
    g["resources"].as_array().unwrap().iter().collect()
}

fn by_id<'a>(g: &'a Value, id: &str) -> &'a Value {
    resources(g)
        .into_iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("no resource {id} in {:#}", g["resources"]))
}

#[test]
fn documents_of_one_file_keep_their_own_lines() {
    let g = graph(&["fixtures/kubernetes/multi"]);
    assert_eq!(g["errors"], serde_json::json!([]));
    let ids: Vec<&str> = resources(&g)
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        vec![
            "kubernetes:fixtures/kubernetes/multi/app.yaml/shop/Deployment/web",
            "kubernetes:fixtures/kubernetes/multi/app.yaml/shop/Service/web",
            "kubernetes:fixtures/kubernetes/multi/app.yaml/shop/ServiceAccount/web",
        ]
    );
    let d = by_id(&g, ids[0]);
    assert_eq!(d["type"], "apps/v1/Deployment");
    assert_eq!(d["origin"], "kubernetes");
    assert_eq!(d["provider"], "kubernetes");
    assert_eq!(d["mode"], "managed");
    assert_eq!(d["scope"]["namespace"], "shop");
    assert_eq!(d["source"]["start_line"], 9);
    assert_eq!(d["source"]["end_line"], 26);
    let lines = &d["source"]["attributes"];
    assert_eq!(lines["metadata.name"], 12);
    assert_eq!(lines["spec.template.spec.containers[0].image"], 24);
    assert_eq!(
        lines["spec.template.spec.containers[0].securityContext.privileged"],
        26
    );
    assert_eq!(
        d["attributes"]["spec"]["template"]["spec"]["containers"][0]["securityContext"]["privileged"],
        true
    );
    let s = by_id(&g, ids[1]);
    assert_eq!(s["source"]["start_line"], 28);
    assert_eq!(s["source"]["attributes"]["spec.ports[0]"], 33);
    // Edges: the workload to its service account, the service to the workload.
    assert_eq!(
        d["refs"],
        serde_json::json!([{"attribute": "spec.template.spec.serviceAccountName", "to": ids[2], "direct": true}])
    );
    assert_eq!(
        s["refs"],
        serde_json::json!([{"attribute": "spec.selector", "to": ids[0], "direct": false}])
    );
}

#[test]
fn lists_are_expanded_into_their_items() {
    let g = graph(&["fixtures/kubernetes/list"]);
    let types: Vec<&str> = resources(&g)
        .iter()
        .map(|r| r["type"].as_str().unwrap())
        .collect();
    assert_eq!(types, vec!["v1/ConfigMap", "apps/v1/Deployment"]);
    let d = by_id(
        &g,
        "kubernetes:fixtures/kubernetes/list/items.yaml/_/Deployment/api",
    );
    assert_eq!(d["source"]["start_line"], 11);
    assert_eq!(
        d["source"]["attributes"]["spec.template.spec.hostNetwork"],
        17
    );
}

#[test]
fn json_manifests_load_and_other_json_is_skipped() {
    let g = graph(&["fixtures/kubernetes/json"]);
    assert_eq!(g["errors"], serde_json::json!([]));
    assert_eq!(resources(&g).len(), 1);
    let p = by_id(
        &g,
        "kubernetes:fixtures/kubernetes/json/pod.json/ops/Pod/probe",
    );
    assert_eq!(p["source"]["attributes"]["spec.hostPID"], 9);
    let (_, report) = scan_json(&[
        "fixtures/kubernetes/json",
        "--rule",
        "k8s-host-namespaces",
        "--fail-on",
        "none",
    ]);
    assert_eq!(report["findings"][0]["location"]["start_line"], 9);
}

#[test]
fn helm_templates_are_reported_with_a_hint() {
    let g = graph(&["fixtures/kubernetes/chart"]);
    assert!(resources(&g).is_empty(), "{:#}", g["resources"]);
    let errors = g["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(
        errors[0]["file"],
        "fixtures/kubernetes/chart/templates/deployment.yaml"
    );
    assert_eq!(errors[0]["line"], 4);
    let message = errors[0]["message"].as_str().unwrap();
    assert!(message.contains("helm template"), "{message}");
    assert!(message.contains("rendered.yaml"), "{message}");
}

#[test]
fn yaml_that_is_not_kubernetes_is_skipped_silently() {
    let g = graph(&["fixtures/kubernetes/other"]);
    assert_eq!(g["resources"], serde_json::json!([]));
    assert_eq!(g["errors"], serde_json::json!([]));
    assert_eq!(g["files"], serde_json::json!([]));
}

#[test]
fn broken_yaml_is_located_and_the_file_beside_it_is_scanned() {
    // One rule, so that the count below does not move as rules are added.
    let (code, report) = scan_json(&[
        "fixtures/kubernetes/broken",
        "--fail-on",
        "high",
        "--rule",
        "k8s-host-namespaces",
    ]);
    assert_eq!(code, 1, "the good file's finding fails the scan");
    let errors = report["load_errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(errors[0]["file"], "fixtures/kubernetes/broken/bad.yaml");
    assert_eq!(errors[0]["line"], 7);
    assert!(
        errors[0]["message"]
            .as_str()
            .unwrap()
            .starts_with("YAML syntax error")
    );
    let findings = report["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0]["rule_id"], "k8s-host-namespaces");
    assert_eq!(
        findings[0]["location"]["file"],
        "fixtures/kubernetes/broken/good.yaml"
    );
}

#[test]
fn findings_on_a_mixed_fixture() {
    let (code, report) = scan_json(&["fixtures/kubernetes/mixed", "--fail-on", "none"]);
    assert_eq!(code, 0);
    assert_eq!(report["summary"]["load_errors"], 0);
    let findings: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let loc = &f["location"];
            format!(
                "{} {}:{}:{} [{}]",
                f["rule_id"].as_str().unwrap(),
                loc["file"].as_str().unwrap(),
                loc["start_line"],
                loc["start_column"],
                f["attribute"].as_str().unwrap_or("")
            )
        })
        .collect();
    insta::assert_yaml_snapshot!(findings);
}

/// A flow sequence closed at its key's indentation is an indentation error for the YAML
/// specification (and saphyr), but `kubectl` takes it: so does tenet, with the file's lines.
#[test]
fn a_closing_bracket_at_its_keys_indentation_loads_as_kubectl_reads_it() {
    let (code, report) = scan_json(&["fixtures/kubernetes/lenient", "--fail-on", "none"]);
    assert_eq!(code, 0);
    assert_eq!(report["load_errors"], serde_json::json!([]));
    let privileged = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule_id"] == "k8s-privileged-container")
        .expect("the privileged container is found");
    assert_eq!(privileged["location"]["start_line"], 16);
    let g = graph(&["fixtures/kubernetes/lenient"]);
    let pod = by_id(
        &g,
        "kubernetes:fixtures/kubernetes/lenient/pod.yaml/_/Pod/closer",
    );
    assert_eq!(
        pod["attributes"]["spec"]["containers"][0]["args"],
        serde_json::json!(["--port", "8080"])
    );
}
