//! Suppressions end to end: inline comments (Terraform, Bicep, YAML, module calls),
//! Kubernetes annotations, the exceptions file with its audit, baselines, and
//! `--no-inline-suppressions`; suppressed findings stay visible in JSON and SARIF.

mod common;

use common::{scan, scan_json, validate_sarif};
use serde_json::Value;

const DIR: &str = "fixtures/suppress";
const EXCEPTIONS: &str = "fixtures/suppress/exceptions.yaml";
const RULES: [&str; 10] = common::SUPPRESS_RULES;

fn args<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut a = vec![DIR, "--exceptions", EXCEPTIONS];
    a.extend_from_slice(&RULES);
    a.extend_from_slice(extra);
    a
}

/// `rule resource -> suppression kind` (or "active").
fn verdicts(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let addr = f["resource"]["id"]
                .as_str()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap()
                .to_string();
            format!(
                "{} {} {}",
                f["rule_id"].as_str().unwrap(),
                addr,
                f["suppression"]["kind"].as_str().unwrap_or("active")
            )
        })
        .collect()
}

#[test]
fn each_kind_of_suppression_applies_where_written() {
    let (code, report) = scan_json(&args(&[]));
    assert_eq!(code, 1, "unsuppressed findings remain");
    let v = verdicts(&report);
    let has = |s: &str| v.iter().any(|x| x == s);
    // Inline before a block, inside a block (trailing comment), before a module call.
    assert!(
        has("aws-s3-versioning aws_s3_bucket.artefacts inline"),
        "{v:#?}"
    );
    assert!(
        has("aws-s3-access-logging aws_s3_bucket.artefacts active"),
        "{v:#?}"
    );
    assert!(
        has("aws-s3-versioning aws_s3_bucket.scratch inline"),
        "{v:#?}"
    );
    assert!(
        has("aws-s3-access-logging aws_s3_bucket.scratch inline"),
        "{v:#?}"
    );
    assert!(
        has("aws-s3-versioning module.cache.aws_s3_bucket.this inline"),
        "{v:#?}"
    );
    // Bicep `//` before a decorator; YAML comment before a document; annotation.
    assert!(has("azure-storage-min-tls legacy inline"), "{v:#?}");
    assert!(has("azure-storage-min-tls current active"), "{v:#?}");
    assert!(has("k8s-image-tag debug inline"), "{v:#?}");
    assert!(has("k8s-privilege-escalation agent annotation"), "{v:#?}");
    // The exceptions file: one applies, one expired (the finding fails again).
    assert!(
        has("aws-s3-access-logging aws_s3_bucket.reports exception"),
        "{v:#?}"
    );
    assert!(
        has("aws-s3-versioning aws_s3_bucket.reports active"),
        "{v:#?}"
    );
    assert!(has("k8s-privilege-escalation debug active"), "{v:#?}");
    // Directives without a reason or with a misspelt rule suppress nothing and are reported.
    assert!(
        has("aws-s3-versioning aws_s3_bucket.no_reason active"),
        "{v:#?}"
    );
    assert!(has("aws-s3-versioning aws_s3_bucket.typo active"), "{v:#?}");
    let problems: Vec<String> = report["suppression_problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            format!(
                "{}:{} {}",
                p["file"].as_str().unwrap(),
                p["line"],
                p["message"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(problems.len(), 2, "{problems:#?}");
    assert!(problems[0].starts_with("fixtures/suppress/terraform/main.tf:23 "));
    assert!(problems[0].contains("without a reason"));
    assert!(problems[1].contains("unknown rule `aws-s3-versoning`"));
    let statuses: Vec<(String, String, u64)> = report["exceptions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["source"].as_str().unwrap().to_string(),
                e["status"].as_str().unwrap().to_string(),
                e["findings"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        statuses,
        vec![
            (
                "fixtures/suppress/exceptions.yaml:3".into(),
                "applied".into(),
                1
            ),
            (
                "fixtures/suppress/exceptions.yaml:8".into(),
                "expired".into(),
                1
            ),
            (
                "fixtures/suppress/exceptions.yaml:13".into(),
                "unused".into(),
                0
            ),
        ]
    );
    let s = &report["summary"];
    assert_eq!(s["suppressed"]["inline"], 6);
    assert_eq!(s["suppressed"]["annotation"], 1);
    assert_eq!(s["suppressed"]["exception"], 1);
    assert_eq!(s["findings"], 9);
    assert_eq!(s["failing"], 9);
}

#[test]
fn text_output_lists_suppressions_and_what_to_review() {
    let r = scan(&args(&[]));
    insta::assert_snapshot!(r.stdout);
}

#[test]
fn inline_suppressions_can_be_turned_off() {
    let (_, report) = scan_json(&args(&["--no-inline-suppressions"]));
    let v = verdicts(&report);
    assert!(
        !v.iter()
            .any(|x| x.ends_with(" inline") || x.ends_with(" annotation")),
        "{v:#?}"
    );
    assert!(
        v.iter()
            .any(|x| x == "aws-s3-access-logging aws_s3_bucket.reports exception")
    );
    assert!(
        report["suppression_problems"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}

#[test]
fn a_run_where_everything_is_suppressed_passes() {
    let r = scan(&[
        "fixtures/suppress/kubernetes/pods.yaml",
        "--rule",
        "k8s-image-tag",
    ]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("1 suppressed (1 inline)"), "{}", r.stdout);
}

#[test]
fn sarif_carries_suppressions_with_their_justification() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("s.sarif");
    let spec = format!("sarif:{}", file.display());
    let r = scan(&args(&["--format", &spec]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    let warnings = validate_sarif(&file);
    assert!(
        warnings.iter().all(|w| w.contains("SARIF2005")),
        "unexpected warnings: {warnings:#?}"
    );
    let sarif: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let suppressed: Vec<&Value> = results
        .iter()
        .filter(|r| r.get("suppressions").is_some())
        .collect();
    assert_eq!(suppressed.len(), 8);
    let annotation = suppressed
        .iter()
        .find(|r| r["ruleId"] == "k8s-privilege-escalation")
        .unwrap();
    insta::assert_json_snapshot!(annotation["suppressions"]);
    let exception = suppressed
        .iter()
        .find(|r| r["suppressions"][0]["kind"] == "external")
        .unwrap();
    insta::assert_json_snapshot!(exception["suppressions"]);
}

#[test]
fn a_baseline_fails_only_new_findings() {
    let dir = tempfile::tempdir().unwrap();
    let tf = dir.path().join("main.tf");
    std::fs::write(
        &tf,
        "resource \"aws_s3_bucket\" \"old\" {\n  bucket = \"old\"\n}\n",
    )
    .unwrap();
    let baseline = dir.path().join("baseline.json");
    let tf_s = tf.to_str().unwrap();
    let b = baseline.to_str().unwrap();
    let rule = ["--rule", "aws-s3-versioning"];
    let r = scan(&[tf_s, rule[0], rule[1], "--write-baseline", b]);
    assert_eq!(
        r.code, 1,
        "writing a baseline does not hide today's findings"
    );
    let written: Value =
        serde_json::from_str(&std::fs::read_to_string(&baseline).unwrap()).unwrap();
    assert_eq!(written["tool"], "tenet");
    assert_eq!(written["findings"].as_array().unwrap().len(), 1);
    assert_eq!(written["findings"][0]["rule_id"], "aws-s3-versioning");

    let r = scan(&[tf_s, rule[0], rule[1], "--baseline", b]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(
        r.stdout.contains("1 suppressed (1 baseline)"),
        "{}",
        r.stdout
    );

    // A new bucket (and an edit elsewhere in the file) after the baseline.
    std::fs::write(
        &tf,
        "# edited\nresource \"aws_s3_bucket\" \"old\" {\n  bucket = \"old\"\n}\n\nresource \"aws_s3_bucket\" \"new\" {\n  bucket = \"new\"\n}\n",
    )
    .unwrap();
    let (code, report) = scan_json(&[tf_s, rule[0], rule[1], "--baseline", b]);
    assert_eq!(code, 1);
    let v = verdicts(&report);
    assert!(
        v.iter().any(|x| x.ends_with("aws_s3_bucket.old baseline")),
        "{v:#?}"
    );
    assert!(
        v.iter().any(|x| x.ends_with("aws_s3_bucket.new active")),
        "{v:#?}"
    );
    assert_eq!(report["summary"]["failing"], 1);

    std::fs::write(
        &baseline,
        "{\"tool\": \"other\", \"version\": 1, \"findings\": []}",
    )
    .unwrap();
    let r = scan(&[tf_s, "--baseline", b]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("not a tenet baseline"), "{}", r.stderr);
}

#[test]
fn a_broken_exceptions_file_stops_the_scan_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("exceptions.yaml");
    std::fs::write(
        &f,
        "exceptions:\n  - rule: x\n    resource: \"*\"\n    justification: j\n    owner: o\n    expires: 31/12/2030\n",
    )
    .unwrap();
    let r = scan(&[DIR, "--exceptions", f.to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("exceptions.yaml:2: `expires: 31/12/2030` is not a date"),
        "{}",
        r.stderr
    );
}
