//! OSCAL assessment results in evidence bundles, end to end: each document is validated by
//! compliance-trestle (the model, then every trestle validator), and its content is checked
//! against the catalogs and the bundle's own per-control summary.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use common::root;
use serde_json::Value;

const EXAMPLE: &str = "fixtures/terraform/example";
const SUPPRESS: &str = "fixtures/suppress";
const EXCEPTIONS: &str = "fixtures/suppress/exceptions.yaml";
const SUPPRESS_RULES: [&str; 10] = common::SUPPRESS_RULES;
const EPOCH: &str = "1700000000";
const OSCAL_FILE: &str = "results/oscal/assessment-results.json";

/// compliance-trestle, installed into the crate by `.ci/install-tools trestle`.
fn trestle() -> PathBuf {
    let bin = Path::new(env!("CARGO_MANIFEST_DIR")).join(".ci/tools/venv/bin/trestle");
    assert!(
        bin.is_file(),
        "compliance-trestle is not installed at {}: run `.ci/install-tools trestle` in the \
         repository to install it (the OSCAL tests need it)",
        bin.display()
    );
    bin
}

fn run_trestle(dir: &Path, args: &[&str]) {
    let out = Command::new(trestle())
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run trestle");
    assert!(
        out.status.success(),
        "`trestle {}` failed ({}):\n{}\n{}",
        args.join(" "),
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Validates OSCAL assessment results the way trestle users do: `trestle import` (parses the
/// model and runs every validator on it) into a fresh trestle workspace, then
/// `trestle validate -a`.
fn validate_with_trestle(files: &[(&str, &Path)]) {
    let ws = tempfile::tempdir().expect("tempdir");
    run_trestle(ws.path(), &["init"]);
    for (name, file) in files {
        let file = file.to_str().expect("utf-8 path");
        run_trestle(ws.path(), &["import", "-f", file, "-o", name]);
    }
    run_trestle(ws.path(), &["validate", "-a"]);
}

/// `tenet scan --root . ARGS --evidence DIR` with `SOURCE_DATE_EPOCH=epoch`: the OSCAL
/// document and the bundle directory.
fn bundle(args: &[&str], epoch: &str, dir: &Path) -> (Vec<u8>, Value) {
    let mut all = vec!["scan", "--root", "."];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--evidence", dir.to_str().expect("utf-8 path")]);
    let out = common::run_with_env(&all, &[("SOURCE_DATE_EPOCH", epoch)]);
    let stderr = &out.stderr;
    assert!(matches!(out.code, 0 | 1), "tenet scan failed: {stderr}");
    assert!(stderr.contains("evidence:"), "{stderr}");
    let bytes = std::fs::read(dir.join(OSCAL_FILE)).expect("assessment results in the bundle");
    let doc = serde_json::from_slice(&bytes).expect("assessment results are JSON");
    (bytes, doc)
}

fn json_file(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).expect("read")).expect("JSON")
}

fn catalog(id: &str) -> tenet::policy::Catalog {
    let file = format!("frameworks/{id}.yaml");
    let text = std::fs::read_to_string(root().join(&file)).expect("catalog");
    tenet::policy::Catalog::parse(&file, &text).expect("catalog parses")
}

fn prop<'a>(v: &'a Value, name: &str) -> Option<&'a str> {
    v["props"].as_array()?.iter().find_map(|p| {
        (p["name"] == name && p["ns"] == "https://tenet.dev/ns/oscal")
            .then(|| p["value"].as_str())
            .flatten()
    })
}

fn arr(v: &Value) -> &[Value] {
    v.as_array().map_or(&[], Vec::as_slice)
}

/// A result's finding for a control (by its original id).
fn finding<'a>(result: &'a Value, control: &str) -> &'a Value {
    arr(&result["findings"])
        .iter()
        .find(|f| prop(f, "control-id") == Some(control))
        .unwrap_or_else(|| panic!("no finding for {control}"))
}

fn state(finding: &Value) -> (&str, &str) {
    let s = &finding["target"]["status"];
    (
        s["state"].as_str().unwrap_or("?"),
        s["reason"].as_str().unwrap_or("?"),
    )
}

/// Every uuid field of a document (for uniqueness), recursively.
fn uuids(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                if k == "uuid" {
                    out.push(x.as_str().expect("uuid is a string").to_string());
                }
                uuids(x, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|x| uuids(x, out)),
        _ => {}
    }
}

/// What trestle does not check: references resolve, uuids are unique and version 5, and
/// each result matches the bundle's per-control summary and the framework's catalog.
fn check_document(doc: &Value, summary: &Value) {
    let ar = &doc["assessment-results"];
    assert_eq!(ar["metadata"]["oscal-version"], "1.1.3");
    assert_eq!(ar["import-ap"]["href"], "../../manifest.json");

    let mut all = Vec::new();
    uuids(doc, &mut all);
    let unique: BTreeSet<&String> = all.iter().collect();
    assert_eq!(unique.len(), all.len(), "duplicate uuids");
    for u in &all {
        assert_eq!(&u[14..15], "5", "not a version 5 uuid: {u}");
    }

    let frameworks = arr(&summary["frameworks"]);
    let results = arr(&ar["results"]);
    assert_eq!(results.len(), frameworks.len(), "one result per framework");
    for (result, fw) in results.iter().zip(frameworks) {
        let id = fw["id"].as_str().unwrap();
        assert_eq!(prop(result, "framework-id"), Some(id));
        let cat = catalog(id);
        let controls = arr(&fw["controls"]);

        // Every control is reviewed and has one finding, in catalog order.
        let reviewed: Vec<&str> =
            arr(&result["reviewed-controls"]["control-selections"][0]["include-controls"])
                .iter()
                .map(|c| c["control-id"].as_str().unwrap())
                .collect();
        let findings = arr(&result["findings"]);
        assert_eq!(
            reviewed.len(),
            cat.controls.len(),
            "{id}: reviewed controls"
        );
        assert_eq!(
            findings.len(),
            cat.controls.len(),
            "{id}: one finding per control"
        );
        let targets: Vec<&str> = findings
            .iter()
            .map(|f| f["target"]["target-id"].as_str().unwrap())
            .collect();
        assert_eq!(
            targets, reviewed,
            "{id}: findings target the reviewed controls"
        );
        assert_eq!(
            reviewed.iter().collect::<BTreeSet<_>>().len(),
            reviewed.len(),
            "{id}: control tokens collide"
        );
        for ((f, control), summary) in findings.iter().zip(&cat.controls).zip(controls) {
            assert_eq!(prop(f, "control-id"), Some(control.id.as_str()));
            let status = summary["status"].as_str().unwrap();
            assert_eq!(prop(f, "status"), Some(status), "{id} {}", control.id);
            let expected = match status {
                "pass" => ("satisfied", "pass"),
                "fail" => ("not-satisfied", "fail"),
                "not-applicable" => ("satisfied", "other"),
                "not-evaluated" | "manual" => ("not-satisfied", "other"),
                s => panic!("status {s}"),
            };
            assert_eq!(state(f), expected, "{id} {}", control.id);
            assert_eq!(f["description"], summary["reason"]);
        }

        // One observation per rule that ran for the framework's controls.
        let ran: BTreeSet<&str> = controls
            .iter()
            .flat_map(|c| arr(&c["rules"]))
            .filter(|r| r["evaluated"] == true)
            .map(|r| r["id"].as_str().unwrap())
            .collect();
        let observations = arr(&result["observations"]);
        let observed: Vec<&str> = observations
            .iter()
            .map(|o| prop(o, "rule-id").unwrap())
            .collect();
        assert_eq!(
            observed,
            ran.iter().copied().collect::<Vec<_>>(),
            "{id}: observations are the rules that ran, by id"
        );

        // References resolve.
        let observation_uuids: BTreeSet<&str> = observations
            .iter()
            .map(|o| o["uuid"].as_str().unwrap())
            .collect();
        let local = &result["local-definitions"];
        let items: BTreeMap<&str, &str> = arr(&local["inventory-items"])
            .iter()
            .map(|i| (i["uuid"].as_str().unwrap(), prop(i, "resource-id").unwrap()))
            .collect();
        let components: BTreeSet<&str> = arr(&local["components"])
            .iter()
            .map(|c| c["uuid"].as_str().unwrap())
            .collect();
        for f in findings {
            for r in arr(&f["related-observations"]) {
                assert!(
                    observation_uuids.contains(r["observation-uuid"].as_str().unwrap()),
                    "{id}: dangling related observation in {}",
                    f["title"]
                );
            }
        }
        for o in observations {
            assert_eq!(o["methods"], serde_json::json!(["TEST"]));
            for a in arr(&o["origins"]).iter().flat_map(|x| arr(&x["actors"])) {
                assert!(components.contains(a["actor-uuid"].as_str().unwrap()));
            }
            for s in arr(&o["subjects"]) {
                let item = items
                    .get(s["subject-uuid"].as_str().unwrap())
                    .unwrap_or_else(|| panic!("{id}: subject without inventory item: {s}"));
                assert_eq!(s["title"].as_str(), Some(*item));
                assert!(matches!(
                    prop(s, "result"),
                    Some("pass" | "fail" | "excepted" | "undetermined")
                ));
            }
            let hrefs: Vec<&str> = arr(&o["relevant-evidence"])
                .iter()
                .map(|e| e["href"].as_str().unwrap())
                .collect();
            assert_eq!(hrefs, ["../findings.sarif", "../findings.json"]);
        }
    }
}

#[test]
fn soc2_results_are_valid_oscal_and_match_the_scan() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("bundle");
    let (_, doc) = bundle(&[EXAMPLE, "--framework", "soc2"], EPOCH, &out);
    validate_with_trestle(&[("soc2", &out.join(OSCAL_FILE))]);
    check_document(&doc, &json_file(&out.join("summary/controls.json")));

    let ar = &doc["assessment-results"];
    assert_eq!(ar["metadata"]["last-modified"], "2023-11-14T22:13:20Z");
    let results = arr(&ar["results"]);
    assert_eq!(results.len(), 1);
    let r = &results[0];
    assert_eq!(r["start"], "2023-11-14T22:13:20Z");
    assert_eq!(r["end"], "2023-11-14T22:13:20Z");
    assert_eq!(arr(&r["findings"]).len(), catalog("soc2").controls.len());

    // The example's RDS instance is unencrypted and its bucket's public access block is
    // incomplete: CC6.1 fails, with both resources as failed subjects.
    let cc61 = finding(r, "CC6.1");
    assert_eq!(state(cc61), ("not-satisfied", "fail"));
    assert_eq!(cc61["target"]["target-id"], "soc2-CC6.1");
    let remarks = cc61["remarks"].as_str().unwrap();
    assert!(remarks.contains("aws_db_instance.orders"), "{remarks}");
    let failed: BTreeSet<&str> = arr(&r["observations"])
        .iter()
        .flat_map(|o| arr(&o["subjects"]))
        .filter(|s| prop(s, "result") == Some("fail"))
        .map(|s| s["title"].as_str().unwrap())
        .collect();
    assert!(
        failed.contains("terraform:fixtures/terraform/example/aws_db_instance.orders"),
        "{failed:?}"
    );
    // CC7.1 passes; CC1.1 has no rule (manual); CC6.3's rules had nothing in scope.
    assert_eq!(state(finding(r, "CC7.1")), ("satisfied", "pass"));
    let manual = finding(r, "CC1.1");
    assert_eq!(state(manual), ("not-satisfied", "other"));
    assert!(manual.get("related-observations").is_none());
    assert_eq!(prop(manual, "status"), Some("manual"));
    let na = finding(r, "CC6.3");
    assert_eq!(state(na), ("satisfied", "other"));
    assert!(
        na["target"]["status"]["remarks"]
            .as_str()
            .unwrap()
            .contains("no resource")
    );

    // The failing rule's observation names its findings in the evidence it points to.
    let obs = arr(&r["observations"])
        .iter()
        .find(|o| prop(o, "rule-id") == Some("aws-rds-storage-encrypted"))
        .unwrap();
    assert_eq!(prop(obs, "rule-status"), Some("fail"));
    assert!(
        obs["relevant-evidence"][0]["description"]
            .as_str()
            .unwrap()
            .contains("1 finding of rule aws-rds-storage-encrypted"),
        "{obs:#}"
    );
}

#[test]
fn every_framework_gets_a_valid_result() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("bundle");
    let (_, doc) = bundle(&[EXAMPLE], EPOCH, &out);
    validate_with_trestle(&[("all", &out.join(OSCAL_FILE))]);
    check_document(&doc, &json_file(&out.join("summary/controls.json")));

    let results = arr(&doc["assessment-results"]["results"]);
    let ids: Vec<&str> = results
        .iter()
        .map(|r| prop(r, "framework-id").unwrap())
        .collect();
    assert_eq!(
        ids,
        ["gdpr", "hipaa", "iso27001-2022", "pci-dss-4.0", "soc2"]
    );
    // Control ids that are not OSCAL tokens are mapped, and kept as they were.
    let hipaa = &results[1];
    let f = finding(hipaa, "164.312(a)(2)(iv)");
    assert_eq!(f["target"]["target-id"], "hipaa-164.312_a_2_iv");
    let pci = &results[3];
    assert_eq!(
        finding(pci, "3.5.1")["target"]["target-id"],
        "pci-dss-4.0-3.5.1"
    );
}

#[test]
fn exceptions_are_visible_in_valid_results() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("bundle");
    let mut args = vec![SUPPRESS, "--exceptions", EXCEPTIONS, "--framework", "soc2"];
    args.extend_from_slice(&SUPPRESS_RULES);
    let (_, doc) = bundle(&args, EPOCH, &out);
    validate_with_trestle(&[("suppress", &out.join(OSCAL_FILE))]);
    check_document(&doc, &json_file(&out.join("summary/controls.json")));

    let r = &doc["assessment-results"]["results"][0];
    let logging = arr(&r["observations"])
        .iter()
        .find(|o| prop(o, "rule-id") == Some("aws-s3-access-logging"))
        .unwrap();
    let reports = arr(&logging["subjects"])
        .iter()
        .find(|s| s["title"] == "terraform:fixtures/suppress/terraform/aws_s3_bucket.reports")
        .unwrap();
    assert_eq!(prop(reports, "result"), Some("excepted"));
    let remarks = reports["remarks"].as_str().unwrap();
    assert!(
        remarks.contains("excepted by exception at fixtures/suppress/exceptions.yaml"),
        "{remarks}"
    );
    // Rules that were not selected are not observed, and controls left with none of their
    // rules run are not evaluated, hence not satisfied.
    assert_eq!(arr(&r["observations"]).len(), 5);
    let cc66 = finding(r, "CC6.6");
    assert_eq!(prop(cc66, "status"), Some("not-evaluated"));
    assert_eq!(state(cc66), ("not-satisfied", "other"));
    // A control that passes with excepted resources is satisfied, and says so.
    let cc81 = finding(r, "CC8.1");
    assert_eq!(state(cc81), ("satisfied", "pass"));
    assert!(
        cc81["target"]["status"]["remarks"]
            .as_str()
            .unwrap()
            .contains("exceptions")
    );
    assert!(cc81["remarks"].as_str().unwrap().starts_with("Excepted"));
}

#[test]
fn results_are_reproducible_and_uuids_follow_content() {
    let dir = tempfile::tempdir().unwrap();
    let args = [EXAMPLE, "--framework", "soc2"];
    let (a, doc_a) = bundle(&args, EPOCH, &dir.path().join("a"));
    let (b, _) = bundle(&args, EPOCH, &dir.path().join("b"));
    assert!(a == b, "two scans with the same SOURCE_DATE_EPOCH differ");

    let uuid = |d: &Value, ptr: &str| d.pointer(ptr).unwrap().as_str().unwrap().to_string();
    // Another time: another document and result, the same controls, rules and resources.
    let (_, later) = bundle(&args, "1700003600", &dir.path().join("c"));
    assert_ne!(
        uuid(&doc_a, "/assessment-results/uuid"),
        uuid(&later, "/assessment-results/uuid")
    );
    assert_ne!(
        uuid(&doc_a, "/assessment-results/results/0/uuid"),
        uuid(&later, "/assessment-results/results/0/uuid")
    );
    for ptr in [
        "/assessment-results/results/0/findings/0/uuid",
        "/assessment-results/results/0/observations/0/uuid",
        "/assessment-results/results/0/local-definitions/inventory-items/0/uuid",
    ] {
        assert_eq!(uuid(&doc_a, ptr), uuid(&later, ptr), "{ptr}");
    }
    // Different findings at the same time: a different result.
    let (_, fewer) = bundle(
        &[
            EXAMPLE,
            "--framework",
            "soc2",
            "--rule",
            "aws-s3-versioning",
        ],
        EPOCH,
        &dir.path().join("d"),
    );
    assert_ne!(
        uuid(&doc_a, "/assessment-results/results/0/uuid"),
        uuid(&fewer, "/assessment-results/results/0/uuid")
    );
    assert_eq!(
        uuid(&doc_a, "/assessment-results/results/0/findings/0/uuid"),
        uuid(&fewer, "/assessment-results/results/0/findings/0/uuid")
    );
}
