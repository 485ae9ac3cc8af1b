//! `--format junit`: well-formed JUnit XML whose counts agree with the JSON report.

mod common;

use common::{scan, scan_json};

/// Parses the XML with Python's standard library and returns
/// `(tests, failures, errors, skipped, testcases, failure elements, skipped elements)`.
fn parse(xml: &str) -> Vec<u64> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("junit.xml");
    std::fs::write(&path, xml).unwrap();
    let script = "import sys, xml.etree.ElementTree as ET\n\
                  r = ET.parse(sys.argv[1]).getroot()\n\
                  a = [int(r.get(k)) for k in ('tests', 'failures', 'errors', 'skipped')]\n\
                  print(*a, len(r.findall('./testsuite/testcase')), len(r.findall('.//failure')), len(r.findall('.//skipped')))";
    let out = std::process::Command::new("python3")
        .args(["-c", script])
        .arg(&path)
        .output()
        .expect("python3 runs (CI machines have it)");
    assert!(
        out.status.success(),
        "not well-formed XML: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .split_whitespace()
        .map(|n| n.parse().unwrap())
        .collect()
}

#[test]
fn counts_agree_with_the_json_report() {
    for args in [
        vec!["fixtures/terraform/example"],
        vec!["fixtures/suppress"],
        vec!["fixtures/terraform/plan/plan.json"],
    ] {
        let mut junit_args = args.clone();
        junit_args.extend(["--format", "junit"]);
        let r = scan(&junit_args);
        assert!(r.code == 0 || r.code == 1, "{}", r.stderr);
        let counts = parse(&r.stdout);
        let (tests, failures, errors, skipped, cases, failure_elems, skipped_elems) = (
            counts[0], counts[1], counts[2], counts[3], counts[4], counts[5], counts[6],
        );
        assert_eq!(tests, cases);
        assert_eq!(failures, failure_elems);
        assert_eq!(skipped, skipped_elems);
        assert_eq!(errors, 0);

        let (_, json) = scan_json(&args);
        // One failing case per (rule, resource) with an unsuppressed finding.
        let mut failing = std::collections::BTreeSet::new();
        for f in json["findings"].as_array().unwrap() {
            if f.get("suppression").is_none() {
                failing.insert((f["rule_id"].to_string(), f["resource"]["id"].to_string()));
            }
        }
        assert_eq!(failures as usize, failing.len(), "{args:?}");
    }
}

#[test]
fn suppressed_and_undecided_resources_are_skipped() {
    let r = scan(&[
        "fixtures/suppress",
        "--rule",
        "aws-s3-versioning",
        "--format",
        "junit",
    ]);
    assert!(
        r.stdout
            .contains("<skipped message=\"suppressed (inline): "),
        "{}",
        r.stdout
    );
    let r = scan(&[
        "fixtures/terraform/plan/plan.json",
        "--rule",
        "aws-s3-versioning",
        "--format",
        "junit",
    ]);
    assert_eq!(
        r.stdout
            .matches("<skipped message=\"undetermined: ")
            .count(),
        2,
        "{}",
        r.stdout
    );
}

#[test]
fn a_rule_error_is_an_error_case() {
    let r = scan(&[
        "fixtures/terraform/example",
        "--policy",
        "fixtures/policies/runtime-error",
        "--rule",
        "acme-divide-by-zero",
        "--format",
        "junit",
    ]);
    assert_eq!(r.code, 2);
    let counts = parse(&r.stdout);
    assert_eq!(counts[2], 1, "{}", r.stdout);
    assert!(r.stdout.contains("name=\"(evaluation)\""));
}

#[test]
fn snapshot() {
    let r = scan(&["fixtures/terraform/example", "--format", "junit"]);
    insta::assert_snapshot!(r.stdout);
}
