//! `tenet rules`, `tenet explain` and `tenet test` on the built-in packs.

mod common;

use common::run;
use serde_json::Value;

#[test]
fn rules_behind_each_pci_control() {
    let r = run(&["rules", "--framework", "pci-dss-4.0"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let block: Vec<&str> = r
        .stdout
        .split("\n\n")
        .find(|b| b.starts_with("1.4.2 "))
        .expect("control 1.4.2 listed")
        .lines()
        .collect();
    assert!(
        block
            .iter()
            .any(|l| l.contains("aws-ec2-sg-admin-ports-public")),
        "{block:?}"
    );
    assert!(
        block
            .iter()
            .any(|l| l.contains("azure-nsg-admin-ports-public")),
        "{block:?}"
    );
    assert!(r.stdout.contains("need manual evidence"));

    let r = run(&["rules", "--framework", "pci-dss-4.0", "--format", "json"]);
    let doc: Value = serde_json::from_str(&r.stdout).unwrap();
    let controls = doc["controls"].as_array().unwrap();
    for c in controls {
        let n = c["rules"].as_array().unwrap().len();
        assert_eq!(c["automated"].as_bool().unwrap(), n > 0, "{c}");
    }
    assert!(doc["rules"].as_array().unwrap().iter().all(|r| {
        r["controls"]["pci-dss-4.0"]
            .as_array()
            .is_some_and(|a| !a.is_empty())
    }));
}

#[test]
fn rules_filter_by_platform_and_severity() {
    let r = run(&[
        "rules",
        "--platform",
        "kubernetes",
        "--severity",
        "high",
        "--format",
        "json",
    ]);
    let doc: Value = serde_json::from_str(&r.stdout).unwrap();
    let rules = doc["rules"].as_array().unwrap();
    assert!(!rules.is_empty());
    for rule in rules {
        assert_eq!(rule["platform"], "kubernetes");
        assert!(
            ["high", "critical"].contains(&rule["severity"].as_str().unwrap()),
            "{rule}"
        );
    }
    let r = run(&["rules", "--framework", "nist"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("unknown framework `nist`"));
}

#[test]
fn explain_shows_why_controls_remediation_and_examples() {
    let r = run(&["explain", "aws-s3-versioning"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for needle in [
        "aws-s3-versioning  (medium, aws)",
        "Why\n",
        "Controls\n",
        "A.8.13",
        "Remediation\n",
        "Example: fires on fixtures/rules/aws-s3-versioning/terraform/fail/",
        "Example: passes fixtures/rules/aws-s3-versioning/terraform/pass/",
    ] {
        assert!(
            r.stdout.contains(needle),
            "missing {needle:?} in\n{}",
            r.stdout
        );
    }
    // The SARIF help of the rule is the same text.
    let r = run(&["explain", "aws-s3-versioning", "--format", "json"]);
    let doc: Value = serde_json::from_str(&r.stdout).unwrap();
    assert!(
        doc["help_text"]
            .as_str()
            .unwrap()
            .starts_with(doc["description"].as_str().unwrap())
    );
    let r = run(&["explain", "s3-versioning"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("did you mean aws-s3-versioning"),
        "{}",
        r.stderr
    );
}

#[test]
fn tenet_test_passes_with_coverage_per_rule_file() {
    let r = run(&["test", "-q"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains(" 0 failed"), "{}", r.stdout);
    assert!(r.stdout.contains("%  overall"), "{}", r.stdout);
    let r = run(&["test"]);
    assert!(
        r.stdout.contains("policies/aws/s3/versioning.rego"),
        "{}",
        r.stdout
    );
    let r = run(&["test", "--min-coverage", "100.1", "-q"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("below 100.1% line coverage"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_failing_user_test_fails_tenet_test() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("x_test.rego"),
        "package acme.x_test\n\nimport rego.v1\n\ntest_ok if true\n\ntest_broken if 1 == 2\n",
    )
    .unwrap();
    let r = run(&["test", dir.path().to_str().unwrap(), "-q"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(
        r.stdout.contains("FAIL") && r.stdout.contains("test_broken"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("1 failed"), "{}", r.stdout);
}
