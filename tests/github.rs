//! `--format github`: workflow-command annotations for pull requests, capped at GitHub's
//! per-step limits with a final note of what was left out.

mod common;

use common::scan;

#[test]
fn findings_become_annotations_on_their_lines() {
    let r = scan(&["fixtures/terraform/example", "--format", "github"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    // Every line is a workflow command.
    assert!(
        r.stdout.lines().all(|l| l.starts_with("::")),
        "{}",
        r.stdout
    );
    // The critical SSH rule first, as an error on its attribute's region.
    let first = r.stdout.lines().next().unwrap();
    assert!(
        first.starts_with(
            "::error file=fixtures/terraform/example/main.tf,line=42,endLine=42,col=5,endColumn=33,title=aws-ec2-sg-admin-ports-public (critical)%3A "
        ),
        "{first}"
    );
    // Newlines inside messages are escaped, so one annotation stays on one line.
    assert!(first.contains("%0AFix: "), "{first}");
    insta::assert_snapshot!(r.stdout);
}

#[test]
fn annotations_are_capped_per_level_with_a_note() {
    let r = scan(&[
        "fixtures/suppress",
        "--no-inline-suppressions",
        "--format",
        "github",
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let count = |prefix: &str| r.stdout.lines().filter(|l| l.starts_with(prefix)).count();
    // 12 high, 33 medium, 8 low findings: 10 + 10 + 8 annotations and the note.
    assert_eq!(count("::error "), 10);
    assert_eq!(count("::warning "), 10);
    assert_eq!(count("::notice "), 9);
    let last = r.stdout.lines().last().unwrap();
    assert!(
        last.starts_with(
            "::notice title=tenet%3A more findings::25 more annotation(s) were left out"
        ),
        "{last}"
    );
}

#[test]
fn suppressed_findings_and_load_errors() {
    // Suppressed findings are not annotated; a file that cannot be loaded is a warning.
    let r = scan(&[
        "fixtures/suppress",
        "fixtures/bicep/broken",
        "--format",
        "github",
    ]);
    // The load error comes first, before the findings fill the warning slots.
    assert!(
        r.stdout
            .starts_with("::warning file=fixtures/bicep/broken/bad.bicep"),
        "{}",
        r.stdout
    );
    // Versioning is suppressed inline on "artefacts", "scratch" and the module's bucket, and
    // fails on the others.
    let v = scan(&[
        "fixtures/suppress",
        "--rule",
        "aws-s3-versioning",
        "--format",
        "github",
    ]);
    assert_eq!(v.stdout.matches("::warning ").count(), 3, "{}", v.stdout);
    assert!(
        !v.stdout.contains("S3 bucket \"artefacts\""),
        "{}",
        v.stdout
    );
    assert!(!v.stdout.contains("S3 bucket \"scratch\""), "{}", v.stdout);
    assert!(
        r.stdout.contains(
            "::warning file=fixtures/bicep/broken/bad.bicep,line=6,title=tenet%3A file not loaded::syntax error: missing `)`"
        ),
        "{}",
        r.stdout
    );
}
