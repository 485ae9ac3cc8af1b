//! `--format markdown`: the job summary of the GitHub Action (and a merge-request comment).

mod common;

use common::{SUPPRESS_RULES, scan};

#[test]
fn summary_of_the_example() {
    let r = scan(&[
        "fixtures/terraform/example",
        "--framework",
        "soc2",
        "--format",
        "markdown",
        "--source-url",
        "https://github.com/acme/shop/blob/0123abc/",
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let md = &r.stdout;
    assert!(
        md.starts_with("## ❌ tenet: 7 findings fail the run\n"),
        "{md}"
    );
    // Per-framework control status, with the figures of the compliance report.
    assert!(
        md.contains("| 61 | 5 | 0 | 1 | 5 | 50 |"),
        "SOC 2: 5 fail, 1 pass, 5 n/a, 50 manual: {md}"
    );
    assert!(md.contains("SOC 2 — AICPA Trust Services Criteria: 5 controls failing"));
    // Findings link to their file and line.
    assert!(md.contains(
        "[fixtures/terraform/example/main.tf:42](https://github.com/acme/shop/blob/0123abc/fixtures/terraform/example/main.tf#L42)"
    ));
    insta::assert_snapshot!(md);
}

#[test]
fn suppressed_findings_are_counted_by_kind_and_problems_listed() {
    let mut args = vec![
        "fixtures/suppress",
        "--exceptions",
        "fixtures/suppress/exceptions.yaml",
    ];
    args.extend_from_slice(&SUPPRESS_RULES);
    let (_, json) = common::scan_json(&args);
    args.extend_from_slice(&["--format", "markdown"]);
    let r = scan(&args);
    let by_kind = &json["summary"]["suppressed"];
    let md = &r.stdout;
    for kind in ["inline", "annotation", "exception"] {
        let n = by_kind[kind].as_u64().expect("count");
        assert!(n > 0, "the fixture has {kind} suppressions");
        assert!(md.contains(&format!("{n} {kind}")), "{kind}: {md}");
    }
    // Suppression problems and exceptions to review are listed.
    assert!(md.contains("### Problems"), "{md}");
    assert!(md.contains("suppression not applied"), "{md}");
    assert!(
        md.contains("matched no finding") || md.contains("expired on"),
        "{md}"
    );
    // Without --source-url, places are code, not links.
    assert!(!md.contains("](http"), "{md}");
}

#[test]
fn a_clean_scan_and_a_large_one() {
    let r = scan(&[
        "fixtures/terraform/example",
        "--rule",
        "aws-kms-key-rotation",
        "--format",
        "markdown",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.starts_with("## ✅ tenet: no findings\n"),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains("### Findings"));

    // Hundreds of findings: the lists are capped, the summary stays far below GitHub's 1 MiB
    // per step, and it says how many findings it did not show.
    let (_, json) = common::scan_json(&["fixtures/rules", "--soft-fail"]);
    let total = json["summary"]["findings"].as_u64().expect("count");
    assert!(total > 200, "{total}");
    let r = scan(&["fixtures/rules", "--soft-fail", "--format", "markdown"]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.len() < 200_000, "{} bytes", r.stdout.len());
    assert!(
        r.stdout
            .contains(&format!("_{} more not shown", total - 25)),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.starts_with(&format!(
            "## ✅ tenet: no finding fails the run ({total} open, soft fail)"
        )),
        "{}",
        &r.stdout[..200]
    );
}
