//! Bicep loading through the real binary: resources in the ARM schema with exact lines,
//! parameter defaults and files, loops, nested children, local and registry modules, syntax
//! errors that leave the rest of the scan going, and the parse rate on the shared corpus.

mod common;

use common::{graph, resource, tenet};
use serde_json::Value;

const MAIN: &str = "bicep:fixtures/bicep/project/main.bicep/";

#[test]
fn project_resources_come_out_in_the_arm_schema_with_lines() {
    let g = graph(&["fixtures/bicep/project"]);
    assert_eq!(g["errors"], serde_json::json!([]));
    let ids: Vec<&str> = g["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    let expected: Vec<String> = [
        "container",
        "logs",
        "logs::blob",
        "module.shared",
        "module.vault.kv",
        "perEnv[0]",
        "perEnv[1]",
    ]
    .iter()
    .map(|a| format!("{MAIN}{a}"))
    .collect();
    assert_eq!(ids, expected);

    // A parameter default feeds the property; a spread merges; a nullable parameter left out
    // is null, so `lock.?kind` is null and the comparison false.
    let logs = resource(&g, &format!("{MAIN}logs"));
    assert_eq!(logs["type"], "Microsoft.Storage/storageAccounts");
    assert_eq!(logs["attributes"]["apiVersion"], "2023-01-01");
    assert_eq!(logs["attributes"]["name"], "tenetlogs");
    assert_eq!(
        logs["attributes"]["properties"],
        serde_json::json!({"allowBlobPublicAccess": false, "minimumTlsVersion": "TLS1_2", "supportsHttpsTrafficOnly": false})
    );
    assert_eq!(logs["unknown"], serde_json::json!(["location"]));
    assert_eq!(logs["source"]["start_line"], 22);
    assert_eq!(
        logs["source"]["attributes"]["properties.supportsHttpsTrafficOnly"],
        28
    );

    // Nested and `parent:` children get their full ARM type and name, and a parent edge.
    let blob = resource(&g, &format!("{MAIN}logs::blob"));
    assert_eq!(
        blob["type"],
        "Microsoft.Storage/storageAccounts/blobServices"
    );
    assert_eq!(blob["attributes"]["name"], "tenetlogs/default");
    assert_eq!(blob["refs"][0]["attribute"], "parent");
    assert_eq!(blob["refs"][0]["to"], format!("{MAIN}logs"));
    let container = resource(&g, &format!("{MAIN}container"));
    assert_eq!(container["attributes"]["name"], "tenetlogs/default/audit");
    assert_eq!(container["refs"][0]["to"], format!("{MAIN}logs::blob"));

    // Loop instances evaluate their own element.
    let prod = resource(&g, &format!("{MAIN}perEnv[1]"));
    assert_eq!(prod["attributes"]["name"], "tenetprod1");
    assert_eq!(
        prod["attributes"]["properties"]["minimumTlsVersion"],
        "TLS1_2"
    );

    // A local module is expanded with the parameters it is given; its resources point at
    // the module file and at the call.
    let kv = resource(&g, &format!("{MAIN}module.vault.kv"));
    assert_eq!(kv["attributes"]["name"], "tenet-kv");
    assert_eq!(
        kv["attributes"]["properties"]["enablePurgeProtection"],
        Value::Null
    );
    assert_eq!(
        kv["source"]["file"],
        "fixtures/bicep/project/modules/vault.bicep"
    );
    assert_eq!(kv["source"]["call_site"]["line"], 54);
    assert_eq!(kv["source"]["call_site"]["end_line"], 60);

    // A registry module stays a module resource with its known parameters.
    let shared = resource(&g, &format!("{MAIN}module.shared"));
    assert_eq!(shared["mode"], "module");
    assert_eq!(
        shared["attributes"]["source"],
        "br/public:avm/res/key-vault/vault:0.11.0"
    );
    assert_eq!(
        shared["attributes"]["params"]["enablePurgeProtection"],
        false
    );
}

#[test]
fn bicepparam_values_override_defaults() {
    let g = graph(&["fixtures/bicep/params"]);
    let sa = resource(
        &g,
        "bicep:fixtures/bicep/params/main.bicep/sa@dev.bicepparam",
    );
    assert_eq!(sa["attributes"]["name"], "tenetdev");
    assert_eq!(
        sa["attributes"]["properties"],
        serde_json::json!({"minimumTlsVersion": "TLS1_2", "supportsHttpsTrafficOnly": false})
    );
}

#[test]
fn a_syntax_error_is_located_and_the_other_files_still_load() {
    let g = graph(&["fixtures/bicep/broken"]);
    assert_eq!(
        g["errors"],
        serde_json::json!([{"file": "fixtures/bicep/broken/bad.bicep", "line": 6, "column": 36, "message": "syntax error: missing `)`"}])
    );
    resource(&g, "bicep:fixtures/bicep/broken/good.bicep/kv");
}

/// Every `.bicep` file of the shared corpus's Bicep part loads without a parse error. Runs when
/// `TENET_CORPUS` names the extracted corpus (`.ci/run` sets it when the archive is there).
#[test]
fn the_bicep_corpus_parses() {
    let Ok(corpus) = std::env::var("TENET_CORPUS") else {
        eprintln!("TENET_CORPUS not set: skipping the Bicep corpus parse-rate test");
        return;
    };
    let dir = std::path::Path::new(&corpus).join("bicep");
    let out = tenet()
        .current_dir(&corpus)
        .args(["graph", "bicep"])
        .output()
        .expect("run tenet");
    assert!(out.status.success());
    let g: Value = serde_json::from_slice(&out.stdout).expect("graph JSON");
    let bicep_files = g["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "bicep")
        .count();
    assert_eq!(bicep_files, 2349, "in {}", dir.display());
    let bicep_errors: Vec<&Value> = g["errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["file"].as_str().is_some_and(|f| f.ends_with(".bicep")))
        .collect();
    assert!(bicep_errors.is_empty(), "{bicep_errors:#?}");
}

/// A user rule may read any resource of `data.inventory`: with one enabled, Bicep resources
/// of types no rule lists are evaluated whole (with built-in rules only, such a resource
/// carries its identity only, which no built-in rule reads beyond).
#[test]
fn user_rules_read_every_bicep_resource_whole() {
    let (_, json) = common::scan_json(&[
        "fixtures/policies/inventory-reader/template",
        "--policy",
        "fixtures/policies/inventory-reader/policy",
        "--rule",
        "acme-workspace-retention",
    ]);
    let findings = json["findings"].as_array().expect("findings");
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert_eq!(
        findings[0]["message"],
        "storage account \"store\" sits beside workspace \"logs\", which keeps logs 30 days"
    );
}
