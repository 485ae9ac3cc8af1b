//! `.tenet.yaml`: discovery by walking up, frameworks, per-rule enable and severity,
//! parameters reaching policies as `data.config`, `fail_on`, and errors for every unknown name.

mod common;

use common::{scan, scan_json};
use serde_json::Value;

const APP: &str = "fixtures/config/repo/infra/app";

fn rule_ids(report: &Value) -> Vec<String> {
    report["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect()
}

fn findings(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {} {}",
                f["rule_id"].as_str().unwrap(),
                f["severity"].as_str().unwrap(),
                f["message"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn the_nearest_configuration_above_the_scanned_path_applies() {
    let (code, report) = scan_json(&[APP]);
    assert_eq!(code, 1, "fail_on: high and a critical finding");
    let ids = rule_ids(&report);
    // frameworks: [pci-dss-4.0] runs only rules mapped to PCI; "aws-s3-*" is disabled.
    assert!(ids.iter().all(|id| !id.starts_with("aws-s3-")), "{ids:?}");
    assert!(
        !ids.contains(&"k8s-resource-limits".to_string()),
        "no PCI mapping: {ids:?}"
    );
    assert!(
        ids.contains(&"acme-required-tags".to_string()),
        "policies: from the config"
    );
    let f = findings(&report);
    // Severity override, and a parameter overridden in the configuration.
    assert!(
        f.iter()
            .any(|x| x.starts_with("aws-rds-storage-encrypted critical")),
        "{f:#?}"
    );
    assert!(
        f.iter().any(|x| x == "acme-required-tags medium S3 bucket \"logs\" lacks the tag \"data-classification\""),
        "{f:#?}"
    );
    assert_eq!(report["summary"]["fail_on"], "high");
}

#[test]
fn command_line_flags_win_over_the_configuration() {
    // --framework soc2: the acme rule maps to GDPR and PCI only.
    let (_, report) = scan_json(&[APP, "--framework", "soc2"]);
    assert!(!rule_ids(&report).contains(&"acme-required-tags".to_string()));
    // --fail-on critical passes on the medium findings of a narrower run...
    let r = scan(&[APP, "--rule", "acme-required-tags"]);
    assert_eq!(
        r.code, 0,
        "fail_on: high; the finding is medium: {}",
        r.stdout
    );
    let r = scan(&[APP, "--rule", "acme-required-tags", "--fail-on", "medium"]);
    assert_eq!(r.code, 1);
    // --no-config: no custom policies, default severities, S3 rules back.
    let (_, report) = scan_json(&[APP, "--no-config"]);
    let ids = rule_ids(&report);
    assert!(ids.contains(&"aws-s3-versioning".to_string()));
    assert!(!ids.contains(&"acme-required-tags".to_string()));
    assert!(
        findings(&report)
            .iter()
            .any(|x| x.starts_with("aws-rds-storage-encrypted high"))
    );
}

fn with_config(text: &str) -> common::Run {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(".tenet.yaml"), text).unwrap();
    std::fs::write(
        dir.path().join("main.tf"),
        "resource \"aws_s3_bucket\" \"b\" {}\n",
    )
    .unwrap();
    let r = scan(&[dir.path().to_str().unwrap()]);
    drop(dir);
    r
}

#[test]
fn unknown_names_are_errors_with_file_and_line() {
    let cases = [
        (
            "frameworks: [soc2]\nrulez: {}\n",
            ".tenet.yaml:2",
            "unknown field `rulez`",
        ),
        (
            "rules:\n  aws-s3-versionin: {enabled: false}\n",
            ".tenet.yaml:2",
            "`aws-s3-versionin` matches no rule",
        ),
        (
            "frameworks: [soc3]\n",
            ".tenet.yaml:1",
            "unknown framework `soc3`",
        ),
        (
            "params:\n  min_dayz: 3\n",
            ".tenet.yaml:2",
            "unknown parameter `min_dayz`",
        ),
        (
            "rules:\n  aws-s3-versioning: {severity: urgent}\n",
            ".tenet.yaml:2",
            "urgent",
        ),
    ];
    for (text, at, what) in cases {
        let r = with_config(text);
        assert_eq!(r.code, 2, "{text}: {}", r.stderr);
        assert!(
            r.stderr.contains(at) && r.stderr.contains(what),
            "{text}: {}",
            r.stderr
        );
        assert!(r.stdout.is_empty(), "nothing is scanned");
    }
}

#[test]
fn an_explicit_config_must_exist() {
    let r = scan(&[APP, "--config", "fixtures/config/none.yaml"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("no such file"), "{}", r.stderr);
}
