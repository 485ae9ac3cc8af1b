//! Per-control compliance reports: the roll-up rules (fail, not-evaluated, pass,
//! not-applicable, manual), the resource counts, and the text, JSON and CSV formats.

mod common;

use common::scan;
use serde_json::Value;

const EXAMPLE: &str = "fixtures/terraform/example";

fn compliance(args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.extend_from_slice(&["--format", "compliance-json"]);
    let r = scan(&all);
    // 2: a rule failed to evaluate (the report is written all the same).
    assert!((0..=2).contains(&r.code), "{}", r.stderr);
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", r.stdout))
}

fn framework<'a>(doc: &'a Value, id: &str) -> &'a Value {
    doc["frameworks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == id)
        .unwrap_or_else(|| panic!("no framework {id}"))
}

fn control<'a>(fw: &'a Value, id: &str) -> &'a Value {
    fw["controls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no control {id}"))
}

/// The controls, of every framework, that a rule which ran maps to.
fn controls_of_rule<'a>(doc: &'a Value, rule: &str) -> Vec<&'a Value> {
    doc["frameworks"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["controls"].as_array().unwrap())
        .filter(|c| {
            c["rules"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r["id"] == rule && r["evaluated"] == true)
        })
        .collect()
}

fn n(v: &Value) -> u64 {
    v.as_u64().unwrap_or_else(|| panic!("not a count: {v}"))
}

#[test]
fn controls_roll_up_the_findings() {
    let doc = compliance(&[EXAMPLE, "--framework", "soc2"]);
    assert_eq!(doc["frameworks"].as_array().unwrap().len(), 1);
    let soc2 = framework(&doc, "soc2");
    // CC6.1: the unencrypted database and the half-open public access block fail it.
    let cc61 = control(soc2, "CC6.1");
    assert_eq!(cc61["status"], "fail");
    let failed: Vec<&str> = cc61["resources"]["failed"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(failed.contains(&"terraform:fixtures/terraform/example/aws_db_instance.orders"));
    assert_eq!(n(&cc61["counts"]["failed"]), failed.len() as u64);
    let finding = &cc61["findings"][0];
    assert!(finding["location"].as_str().unwrap().ends_with("main.tf"));
    assert!(n(&finding["line"]) > 0);
    let rule = cc61["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "aws-rds-storage-encrypted")
        .unwrap();
    assert_eq!(rule["status"], "fail");
    assert!(!rule["remediation"].as_str().unwrap().is_empty());
    // No rule checks board oversight; the Kubernetes-only control has nothing in scope.
    assert_eq!(control(soc2, "CC1.2")["status"], "manual");
    assert_eq!(control(soc2, "CC6.8")["status"], "not-applicable");

    // Invariants on every control; the summary counts the statuses.
    let mut by_status = std::collections::BTreeMap::<String, u64>::new();
    for c in soc2["controls"].as_array().unwrap() {
        let k = &c["counts"];
        assert_eq!(
            n(&k["examined"]),
            n(&k["passed"]) + n(&k["failed"]) + n(&k["excepted"]) + n(&k["undetermined"]),
            "{}",
            c["id"]
        );
        let status = c["status"].as_str().unwrap();
        assert_eq!(status == "fail", n(&k["failed"]) > 0, "{}", c["id"]);
        if status == "pass" {
            assert!(n(&k["examined"]) > 0, "{}", c["id"]);
        }
        if status == "manual" {
            assert!(c["rules"].as_array().unwrap().is_empty());
        }
        *by_status.entry(status.to_string()).or_default() += 1;
    }
    for (status, count) in soc2["summary"].as_object().unwrap() {
        assert_eq!(
            by_status.get(status).copied().unwrap_or(0),
            n(count),
            "{status}"
        );
    }
}

#[test]
fn excepted_findings_do_not_fail_a_control() {
    let doc = compliance(&[
        "fixtures/suppress",
        "--exceptions",
        "fixtures/suppress/exceptions.yaml",
        "--framework",
        "soc2",
    ]);
    let soc2 = framework(&doc, "soc2");
    // CC8.1's only failure is suppressed inline (mutable tag with a reason).
    let cc81 = control(soc2, "CC8.1");
    assert_eq!(cc81["status"], "pass", "{cc81:#}");
    assert_eq!(n(&cc81["counts"]["excepted"]), 1);
    assert_eq!(n(&cc81["counts"]["failed"]), 0);
    let excepted = &cc81["findings"][0];
    assert!(
        excepted["suppression"]["justification"].is_string(),
        "{excepted:#}"
    );
    assert!(cc81["reason"].as_str().unwrap().contains("1 excepted"));
}

#[test]
fn controls_whose_rules_did_not_run_are_not_evaluated() {
    let doc = compliance(&[
        EXAMPLE,
        "--framework",
        "soc2",
        "--rule",
        "aws-rds-storage-encrypted",
    ]);
    let soc2 = framework(&doc, "soc2");
    let cc61 = control(soc2, "CC6.1");
    assert_eq!(cc61["status"], "fail");
    assert!(
        cc61["reason"].as_str().unwrap().contains("rules not run"),
        "{}",
        cc61["reason"]
    );
    // CC6.3 maps only to rules that were not selected.
    let cc63 = control(soc2, "CC6.3");
    assert_eq!(cc63["status"], "not-evaluated");
    assert!(
        cc63["reason"].as_str().unwrap().contains("none of its"),
        "{}",
        cc63["reason"]
    );
    assert_eq!(control(soc2, "CC1.1")["status"], "manual");
}

#[test]
fn undecided_resources_are_counted_and_failures_still_dominate() {
    // The plan leaves which versioning resource belongs to which counted bucket unknown; other
    // buckets fail the rule outright.
    let doc = compliance(&[
        "fixtures/terraform/plan/plan.json",
        "--rule",
        "aws-s3-versioning",
    ]);
    let controls = controls_of_rule(&doc, "aws-s3-versioning");
    assert!(!controls.is_empty());
    for c in controls {
        assert_eq!(n(&c["counts"]["undetermined"]), 2, "{c:#}");
        assert_eq!(c["status"], "fail", "{c:#}");
        assert_eq!(c["resources"]["undetermined"].as_array().unwrap().len(), 2);
    }
}

#[test]
fn a_rule_that_fails_to_evaluate_leaves_its_controls_not_evaluated() {
    let doc = compliance(&[
        EXAMPLE,
        "--policy",
        "fixtures/policies/runtime-error-mapped",
        "--rule",
        "acme-mapped-divide-by-zero",
    ]);
    let mapped = controls_of_rule(&doc, "acme-mapped-divide-by-zero");
    assert!(!mapped.is_empty());
    assert_eq!(mapped.len(), 1);
    for c in mapped {
        assert_eq!(c["id"], "CC6.1");
        assert_eq!(c["status"], "not-evaluated", "{c:#}");
        assert!(c["reason"].as_str().unwrap().contains("failed to evaluate"));
    }
    assert!(
        doc["caveats"][0]
            .as_str()
            .unwrap()
            .contains("acme-mapped-divide-by-zero")
    );
}

#[test]
fn load_errors_are_caveats() {
    let doc = compliance(&["fixtures/bicep/broken", "--framework", "soc2"]);
    let caveats = doc["caveats"].as_array().unwrap();
    assert_eq!(caveats.len(), 1, "{caveats:?}");
    assert!(
        caveats[0]
            .as_str()
            .unwrap()
            .contains("fixtures/bicep/broken/bad.bicep")
    );
}

#[test]
fn every_framework_is_reported_unless_some_are_selected() {
    let doc = compliance(&[EXAMPLE]);
    let ids: Vec<&str> = doc["frameworks"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["id"].as_str())
        .collect();
    assert_eq!(
        ids,
        ["gdpr", "hipaa", "iso27001-2022", "pci-dss-4.0", "soc2"]
    );
    // With a selection, findings name only the selected framework's controls.
    let (_, json) = common::scan_json(&[EXAMPLE, "--framework", "hipaa"]);
    for f in json["findings"].as_array().unwrap() {
        let keys: Vec<&String> = f["controls"].as_object().unwrap().keys().collect();
        assert!(keys.iter().all(|k| *k == "hipaa"), "{keys:?}");
    }
    // The text summary then ends with the framework's control status.
    let r = scan(&[EXAMPLE, "--framework", "hipaa"]);
    let last = r.stdout.lines().last().unwrap();
    assert!(last.starts_with("HIPAA"), "{last}");
    assert!(last.contains("fail"), "{last}");
}

#[test]
fn text_format() {
    let r = scan(&[EXAMPLE, "--framework", "soc2", "--format", "compliance"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    insta::assert_snapshot!(r.stdout);
}

#[test]
fn csv_format() {
    let r = scan(&[EXAMPLE, "--framework", "soc2", "--format", "compliance-csv"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    // Real CSV: every row has the header's number of fields.
    let rows: Vec<Vec<String>> = parse_csv(&r.stdout);
    assert_eq!(rows.len(), 62, "header + 61 SOC 2 controls");
    assert!(rows.iter().all(|r| r.len() == 13));
    insta::assert_snapshot!(r.stdout);
}

#[test]
fn json_format() {
    let doc = compliance(&[EXAMPLE, "--framework", "gdpr"]);
    // Remediation texts belong to the rules' own snapshots (`tenet explain`); here they would
    // repeat for every control a rule maps to.
    insta::assert_json_snapshot!(doc, {
        ".tool.version" => "[version]",
        ".frameworks[].controls[].rules[].remediation" => "[remediation]",
    });
}

/// A small RFC 4180 reader (quoted fields with doubled quotes and commas).
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    rows
}
