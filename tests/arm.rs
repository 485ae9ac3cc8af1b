//! ARM JSON templates end to end: parameters (defaults and a parameters file), variables, copy
//! loops, nested child resources, inline nested deployments, `languageVersion` 2.0 symbolic
//! names, attribute lines, malformed files, and Bicep-compiled templates loaded as context.

mod common;

use std::path::Path;

use common::{graph, ids, resource, tenet};
use serde_json::{Value, json};

fn refs(r: &Value) -> Vec<(String, String)> {
    r["refs"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| {
            (
                e["attribute"].as_str().unwrap_or_default().to_string(),
                e["to"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

const PARAMS: &str = "arm:fixtures/arm/params/azuredeploy.json/";

#[test]
fn parameters_file_variables_copy_and_children() {
    let g = graph(&["fixtures/arm/params"]);
    assert_eq!(g["errors"], json!([]));
    assert_eq!(
        g["files"],
        json!([
            {"file": "fixtures/arm/params/azuredeploy.json", "kind": "arm", "scanned": true},
            {"file": "fixtures/arm/params/azuredeploy.parameters.json", "kind": "arm-parameters", "scanned": false}
        ])
    );
    // accountCount = 2 from the parameters file; httpsOnly = false from the file turns the
    // condition of `insecure` on.
    assert_eq!(
        ids(&g),
        json!([
            format!("{PARAMS}Microsoft.Storage/storageAccounts/insecure"),
            format!("{PARAMS}Microsoft.Storage/storageAccounts/prodstore0[0]"),
            format!("{PARAMS}Microsoft.Storage/storageAccounts/prodstore0[0]/blobServices/default"),
            format!("{PARAMS}Microsoft.Storage/storageAccounts/prodstore1[1]"),
            format!("{PARAMS}Microsoft.Storage/storageAccounts/prodstore1[1]/blobServices/default"),
        ])
    );
    let store = resource(
        &g,
        &format!("{PARAMS}Microsoft.Storage/storageAccounts/prodstore1[1]"),
    );
    assert_eq!(store["origin"], "arm");
    assert_eq!(store["provider"], "azure");
    assert_eq!(store["mode"], "managed");
    assert_eq!(store["name"], "prodstore1");
    // prefix from the file, variables evaluated, bool parameter from the file.
    assert_eq!(store["attributes"]["tags"], json!({"env": "PROD"}));
    assert_eq!(
        store["attributes"]["properties"]["supportsHttpsTrafficOnly"],
        false
    );
    assert!(store["attributes"].get("copy").is_none());
    // location defaults to resourceGroup().location; allowedIps has no value: unknown.
    assert_eq!(
        store["unknown"],
        json!(["location", "properties.networkAcls.ipRules[0].value"])
    );
    let child = resource(
        &g,
        &format!("{PARAMS}Microsoft.Storage/storageAccounts/prodstore1[1]/blobServices/default"),
    );
    assert_eq!(
        child["type"],
        "Microsoft.Storage/storageAccounts/blobServices"
    );
    assert_eq!(child["name"], "prodstore1/default");
    let parent = format!("{PARAMS}Microsoft.Storage/storageAccounts/prodstore1[1]");
    assert_eq!(
        refs(child),
        vec![
            ("dependsOn".to_string(), parent.clone()),
            ("parent".to_string(), parent)
        ]
    );
}

#[test]
fn exact_lines_of_properties() {
    let g = graph(&["fixtures/arm/params"]);
    let store = resource(
        &g,
        &format!("{PARAMS}Microsoft.Storage/storageAccounts/prodstore0[0]"),
    );
    let src = &store["source"];
    assert_eq!(src["file"], "fixtures/arm/params/azuredeploy.json");
    assert_eq!(
        (src["start_line"].as_u64(), src["end_line"].as_u64()),
        (Some(32), Some(74))
    );
    let lines = &src["attributes"];
    assert_eq!(lines["name"], 35);
    assert_eq!(lines["tags"], 37);
    assert_eq!(
        lines["tags.env"], 37,
        "a value from an expression has the expression's line"
    );
    assert_eq!(lines["properties.supportsHttpsTrafficOnly"], 47);
    assert_eq!(lines["properties.networkAcls.defaultAction"], 50);
    assert_eq!(lines["properties.networkAcls.ipRules[0]"], 52);
    assert_eq!(lines["properties.networkAcls.ipRules[0].value"], 53);
    let child = resource(
        &g,
        &format!("{PARAMS}Microsoft.Storage/storageAccounts/prodstore0[0]/blobServices/default"),
    );
    assert_eq!(child["source"]["start_line"], 60);
    assert_eq!(
        child["source"]["attributes"]["properties.deleteRetentionPolicy.enabled"],
        69
    );
}

#[test]
fn defaults_apply_without_a_parameters_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let template = dir.path().join("azuredeploy.json");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/arm/params/azuredeploy.json"),
        &template,
    )
    .expect("copy fixture");
    let out = tenet()
        .args(["graph", "--root"])
        .arg(dir.path())
        .arg(&template)
        .output()
        .expect("run tenet");
    let g: Value = serde_json::from_slice(&out.stdout).expect("graph JSON");
    assert_eq!(g["errors"], json!([]));
    // Defaults: prefix "demo", one account, httpsOnly true (so no `insecure`).
    assert_eq!(
        ids(&g),
        json!([
            "arm:azuredeploy.json/Microsoft.Storage/storageAccounts/demostore0[0]",
            "arm:azuredeploy.json/Microsoft.Storage/storageAccounts/demostore0[0]/blobServices/default",
        ])
    );
    let store = resource(
        &g,
        "arm:azuredeploy.json/Microsoft.Storage/storageAccounts/demostore0[0]",
    );
    assert_eq!(
        store["attributes"]["properties"]["supportsHttpsTrafficOnly"],
        true
    );
}

#[test]
fn nested_inline_deployments_inner_and_outer_scope() {
    let g = graph(&["fixtures/arm/nested"]);
    assert_eq!(g["errors"], json!([]));
    let base = "arm:fixtures/arm/nested/main.json/Microsoft.Resources/deployments/";
    let server = resource(
        &g,
        &format!("{base}inner-sql/Microsoft.Sql/servers/sql-main"),
    );
    // Parameters passed in (inner scope) override the inner default.
    assert_eq!(
        server["attributes"]["properties"]["publicNetworkAccess"],
        "Disabled"
    );
    assert_eq!(
        server["unknown"],
        json!(["properties.administratorLoginPassword"])
    );
    let auditing = resource(
        &g,
        &format!("{base}inner-sql/Microsoft.Sql/servers/auditingSettings/sql-main/default"),
    );
    assert_eq!(
        refs(auditing),
        vec![(
            "parent".to_string(),
            format!("{base}inner-sql/Microsoft.Sql/servers/sql-main")
        )]
    );
    // Outer scope: the parent template's parameters and variables.
    let outer = resource(
        &g,
        &format!("{base}outer-scope/Microsoft.Sql/servers/auditingSettings/sql-main/outer"),
    );
    assert_eq!(outer["attributes"]["properties"]["state"], "Enabled");
    // The deployments themselves stay, without their inline template.
    let inner = resource(&g, &format!("{base}inner-sql"));
    assert!(inner["attributes"]["properties"].get("template").is_none());
    // A linked template stays a deployment with its known parameters.
    let linked = resource(&g, &format!("{base}linked"));
    assert_eq!(
        linked["attributes"]["properties"]["parameters"]["name"]["value"],
        "sql-main"
    );
}

#[test]
fn symbolic_names_lambdas_and_existing_resources() {
    let g = graph(&["fixtures/arm/symbolic"]);
    assert_eq!(g["errors"], json!([]));
    insta::assert_json_snapshot!(g["resources"]);
}

#[test]
fn malformed_json_is_reported_and_its_neighbour_loads() {
    let g = graph(&["fixtures/arm/malformed"]);
    assert_eq!(
        g["errors"],
        json!([{
            "file": "fixtures/arm/malformed/bad.json",
            "line": 7,
            "column": 23,
            "message": "JSON parse error: Expected comma"
        }])
    );
    let fine = resource(
        &g,
        "arm:fixtures/arm/malformed/good.json/Microsoft.Storage/storageAccounts/fine",
    );
    assert_eq!(fine["attributes"]["properties"]["ok"], "[literal]");
    // The scan goes on and exits normally.
    let out = tenet()
        .args([
            "scan",
            "--root",
            ".",
            "--fail-on",
            "none",
            "fixtures/arm/malformed",
        ])
        .output()
        .expect("run tenet scan");
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("fixtures/arm/malformed/bad.json:7:23"));
}

#[test]
fn bicep_compiled_template_is_context_only_beside_its_bicep_file() {
    // Directory scan: main.bicep is part of the scan, so main.json is context only and each
    // finding is reported once, on the Bicep source.
    let g = graph(&["fixtures/arm/bicep-dedup"]);
    assert_eq!(
        g["files"],
        json!([
            {"file": "fixtures/arm/bicep-dedup/main.bicep", "kind": "bicep", "scanned": true},
            {"file": "fixtures/arm/bicep-dedup/main.json", "kind": "arm", "scanned": false}
        ])
    );
    let (_, report) = common::scan_json(&["fixtures/arm/bicep-dedup", "--fail-on", "none"]);
    let files: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["location"]["file"].as_str().unwrap_or(""))
        .collect();
    assert!(
        !files.is_empty() && files.iter().all(|f| f.ends_with("main.bicep")),
        "{files:?}"
    );
    // Named alone, the JSON is what the user asked to scan.
    let g = graph(&["fixtures/arm/bicep-dedup/main.json"]);
    assert_eq!(
        g["files"],
        json!([{"file": "fixtures/arm/bicep-dedup/main.json", "kind": "arm", "scanned": true}])
    );
    assert_eq!(g["resources"][0]["name"], "dedupstore");
}

/// Every ARM template of the shared corpus loads without a load error. Set
/// `TENET_CORPUS=/tmp/corpus` (the extracted `iac-corpus.tar.xz`) to run it; the JSON files
/// are named explicitly, so the Bicep dedup (which would make them context only) does not
/// apply, and every JSON file of the Bicep part is given (non-templates are skipped).
#[test]
fn corpus_arm_templates_load_without_errors() {
    let Some(corpus) = std::env::var_os("TENET_CORPUS") else {
        eprintln!("skipped: set TENET_CORPUS to the extracted IaC corpus to run this test");
        return;
    };
    let root = Path::new(&corpus).join("bicep");
    let mut files = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read corpus dir").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "json") {
                files.push(path);
            }
        }
    }
    files.sort();
    assert!(!files.is_empty(), "no JSON files under {}", root.display());
    let mut errors = Vec::new();
    let mut templates = 0;
    // Batches keep the command line short.
    for batch in files.chunks(200) {
        let out = tenet()
            .args(["graph", "--root"])
            .arg(&corpus)
            .args(batch)
            .output()
            .expect("run tenet graph");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let g: Value = serde_json::from_slice(&out.stdout).expect("graph JSON");
        templates += g["files"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|f| f["kind"] == "arm")
            .inspect(|f| assert_eq!(f["scanned"], true))
            .count();
        errors.extend(g["errors"].as_array().cloned().unwrap_or_default());
    }
    assert!(templates >= 574, "only {templates} ARM templates found");
    assert!(errors.is_empty(), "load errors: {errors:#?}");
}
