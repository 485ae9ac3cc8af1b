//! Changed-only mode (`--diff-base REF`) on a git repository built from `fixtures/diff`:
//! findings on resources whose blocks (or module calls) changed since REF are new and fail the
//! run; the others are pre-existing and never fail it.

mod common;

use std::path::Path;

use serde_json::Value;

/// A repository with `fixtures/diff` committed on `main`.
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    common::git(dir.path(), &["init", "--quiet", "--initial-branch=main"]);
    common::copy_tree(&common::root().join("fixtures/diff"), dir.path());
    common::git(dir.path(), &["add", "--all"]);
    common::git(dir.path(), &["commit", "--quiet", "--message", "base"]);
    dir
}

fn edit(repo: &Path, file: &str, from: &str, to: &str) {
    let path = repo.join(file);
    let text = std::fs::read_to_string(&path).expect("read");
    assert!(text.contains(from), "{file} has no {from:?}");
    std::fs::write(&path, text.replacen(from, to, 1)).expect("write");
}

fn scan_in(repo: &Path, args: &[&str]) -> common::Run {
    let mut all = vec!["scan"];
    all.extend_from_slice(args);
    common::run_in(repo, &all)
}

/// `tenet scan --diff-base main -f json .` in the repository: exit code and report.
fn diff_scan(repo: &Path, extra: &[&str]) -> (i32, Value) {
    let mut args = vec!["--diff-base", "main", "--format", "json"];
    args.extend_from_slice(extra);
    args.push(".");
    let r = scan_in(repo, &args);
    let v = serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", r.stdout, r.stderr));
    (r.code, v)
}

/// (rule, resource) of the findings in a state (`new`, `pre-existing`), sorted.
fn in_state(report: &Value, state: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["diff"] == state && f.get("suppression").is_none())
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap_or("").to_string(),
                f["resource"]["id"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

const BUCKET: &str = "terraform:module.archive.aws_s3_bucket.this";
const DATABASE: &str = "terraform:aws_db_instance.orders";

#[test]
fn nothing_changed_nothing_fails() {
    let repo = repository();
    let (code, report) = diff_scan(repo.path(), &[]);
    assert_eq!(code, 0, "{report:#}");
    assert!(in_state(&report, "new").is_empty());
    let pre = in_state(&report, "pre-existing");
    assert_eq!(pre.len(), 5, "{pre:?}");
    assert!(pre.iter().all(|(_, r)| r == BUCKET));
    assert_eq!(report["summary"]["pre_existing"], 5);
    assert_eq!(report["summary"]["failing"], 0);
    assert_eq!(report["diff"]["reference"], "main");
    assert_eq!(report["diff"]["merge_base"], true);
    assert_eq!(report["diff"]["changed_files"], 0);

    // The text report marks them and says why they do not fail.
    let text = scan_in(repo.path(), &["--diff-base", "main", "."]);
    assert_eq!(text.code, 0);
    assert_eq!(text.stdout.matches("(pre-existing)").count(), 5);
    assert!(
        text.stdout
            .contains("5 findings (2 high, 3 medium), 5 pre-existing (unchanged since main)"),
        "{}",
        text.stdout
    );
}

#[test]
fn a_line_removed_inside_a_block_makes_its_findings_new() {
    let repo = repository();
    // Uncommitted: the working tree counts.
    edit(
        repo.path(),
        "main.tf",
        "  storage_encrypted       = true\n",
        "",
    );
    let (code, report) = diff_scan(repo.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(
        in_state(&report, "new"),
        [(
            "aws-rds-storage-encrypted".to_string(),
            DATABASE.to_string()
        )]
    );
    assert_eq!(in_state(&report, "pre-existing").len(), 5);
    assert_eq!(report["summary"]["failing"], 1);

    // Below the threshold, the new finding does not fail either.
    let (code, _) = diff_scan(repo.path(), &["--fail-on", "critical"]);
    assert_eq!(code, 0);
}

#[test]
fn a_changed_module_call_makes_the_module_resources_new() {
    let repo = repository();
    edit(
        repo.path(),
        "main.tf",
        "name   = \"archive\"",
        "name   = \"archive-eu\"",
    );
    let (code, report) = diff_scan(repo.path(), &[]);
    assert_eq!(code, 1);
    let new = in_state(&report, "new");
    assert_eq!(new.len(), 5, "{new:?}");
    assert!(new.iter().all(|(_, r)| r == BUCKET));
    assert!(in_state(&report, "pre-existing").is_empty());
}

#[test]
fn untracked_and_committed_files_on_a_branch_are_new() {
    let repo = repository();
    common::git(repo.path(), &["checkout", "--quiet", "-b", "feature"]);
    std::fs::write(
        repo.path().join("network.tf"),
        "resource \"aws_security_group\" \"ssh\" {\n  ingress {\n    from_port   = 22\n    to_port     = 22\n    protocol    = \"tcp\"\n    cidr_blocks = [\"0.0.0.0/0\"]\n  }\n}\n",
    )
    .expect("write");
    // Untracked first.
    let (code, report) = diff_scan(repo.path(), &[]);
    assert_eq!(code, 1);
    let new = in_state(&report, "new");
    assert!(
        new.iter()
            .all(|(_, r)| r == "terraform:aws_security_group.ssh"),
        "{new:?}"
    );
    assert!(
        new.iter()
            .any(|(rule, _)| rule == "aws-ec2-sg-admin-ports-public")
    );
    // Then committed on the branch: compared with the merge base, the same.
    common::git(repo.path(), &["add", "--all"]);
    common::git(repo.path(), &["commit", "--quiet", "--message", "ssh"]);
    let (_, committed) = diff_scan(repo.path(), &[]);
    assert_eq!(in_state(&committed, "new"), new);
    assert_eq!(committed["diff"]["changed_files"], 1);
}

#[test]
fn a_baseline_keeps_touched_legacy_findings_quiet() {
    // Adopting tenet late: the baseline accepts today's findings, and changed-only mode judges
    // new work; a legacy finding on a resource touched later stays baselined.
    let repo = repository();
    let baseline = repo.path().join("baseline.json");
    let r = scan_in(
        repo.path(),
        &[
            "--soft-fail",
            "--write-baseline",
            baseline.to_str().expect("utf-8"),
            ".",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    edit(
        repo.path(),
        "main.tf",
        "name   = \"archive\"",
        "name   = \"archive-eu\"",
    );
    edit(
        repo.path(),
        "main.tf",
        "  deletion_protection     = true\n",
        "",
    );
    let (code, report) = diff_scan(
        repo.path(),
        &["--baseline", baseline.to_str().expect("utf-8")],
    );
    assert_eq!(code, 1);
    assert_eq!(
        in_state(&report, "new"),
        [(
            "aws-rds-deletion-protection".to_string(),
            DATABASE.to_string()
        )]
    );
    assert_eq!(report["summary"]["suppressed"]["baseline"], 5);
    let touched_but_baselined = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["diff"] == "new" && f["suppression"]["kind"] == "baseline")
        .count();
    assert_eq!(touched_but_baselined, 5, "the module call changed");
    assert_eq!(report["summary"]["failing"], 1);
}

#[test]
fn sarif_and_junit_carry_the_state() {
    let repo = repository();
    edit(
        repo.path(),
        "main.tf",
        "  multi_az                = true\n",
        "",
    );
    let sarif_path = repo.path().join("out.sarif");
    let junit_path = repo.path().join("out.xml");
    let r = scan_in(
        repo.path(),
        &[
            "--diff-base",
            "main",
            "--format",
            &format!("sarif:{}", sarif_path.display()),
            "--format",
            &format!("junit:{}", junit_path.display()),
            ".",
        ],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    common::validate_sarif(&sarif_path);
    let sarif: Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif_path).expect("sarif")).expect("json");
    let states: Vec<(String, String)> = sarif["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| {
            (
                r["ruleId"].as_str().unwrap_or("").to_string(),
                r["baselineState"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert!(states.contains(&("aws-rds-multi-az".to_string(), "new".to_string())));
    assert_eq!(states.iter().filter(|(_, s)| s == "unchanged").count(), 5);
    assert_eq!(states.len(), 6);
    let junit = std::fs::read_to_string(&junit_path).expect("junit");
    assert_eq!(
        junit
            .matches("<skipped message=\"pre-existing (unchanged since main)")
            .count(),
        5
    );
    assert!(junit.contains("<testsuites name=\"tenet\""));
    assert!(junit.contains("failures=\"1\""), "{junit}");
}

#[test]
fn an_unknown_revision_or_no_repository_is_a_clear_error() {
    let repo = repository();
    let r = scan_in(repo.path(), &["--diff-base", "no-such-branch", "."]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains(
            "--diff-base no-such-branch: no such commit in this clone (in a shallow clone, fetch it first"
        ),
        "{}",
        r.stderr
    );
    let plain = tempfile::tempdir().expect("tempdir");
    common::copy_tree(&common::root().join("fixtures/diff"), plain.path());
    let r = scan_in(plain.path(), &["--diff-base", "main", "."]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("is not inside a git work tree"),
        "{}",
        r.stderr
    );
}

#[test]
fn names_with_spaces_renames_and_ignored_files_are_not_missed() {
    let repo = repository();
    common::git(repo.path(), &["checkout", "--quiet", "-b", "feature"]);
    let ssh = "resource \"aws_security_group\" \"ssh\" {\n  ingress {\n    from_port   = 22\n    to_port     = 22\n    protocol    = \"tcp\"\n    cidr_blocks = [\"0.0.0.0/0\"]\n  }\n}\n";
    // Committed on the branch, in a file whose name has a space (git ends it with a tab).
    std::fs::write(repo.path().join("open ssh.tf"), ssh).expect("write");
    // The module's file moved as it is (a pure rename has no hunks).
    std::fs::create_dir_all(repo.path().join("modules/store")).expect("mkdir");
    common::git(
        repo.path(),
        &["mv", "modules/bucket/main.tf", "modules/store/main.tf"],
    );
    edit(
        repo.path(),
        "main.tf",
        "source = \"./modules/bucket\"",
        "source = \"./modules/store\"",
    );
    common::git(repo.path(), &["add", "--all"]);
    common::git(repo.path(), &["commit", "--quiet", "--message", "feature"]);
    let (code, report) = diff_scan(repo.path(), &[]);
    assert_eq!(code, 1);
    let new = in_state(&report, "new");
    assert!(
        new.iter()
            .any(|(rule, r)| rule == "aws-ec2-sg-admin-ports-public"
                && r == "terraform:aws_security_group.ssh"),
        "{new:?}"
    );
    assert!(
        in_state(&report, "pre-existing").is_empty(),
        "the moved module is new: {report:#}"
    );

    // A file git ignores (scanned because it is named) cannot be compared: its findings
    // count as new.
    std::fs::write(repo.path().join(".gitignore"), "generated.tf\n").expect("write");
    common::git(repo.path(), &["add", ".gitignore"]);
    common::git(repo.path(), &["commit", "--quiet", "--message", "ignore"]);
    std::fs::write(
        repo.path().join("generated.tf"),
        ssh.replace("\"ssh\"", "\"generated\""),
    )
    .expect("write");
    let (_, report) = diff_scan(repo.path(), &["generated.tf"]);
    assert!(
        in_state(&report, "new")
            .iter()
            .any(|(_, r)| r == "terraform:aws_security_group.generated"),
        "{report:#}"
    );
}
