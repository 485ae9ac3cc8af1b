//! `tenet scan` end to end on the real binary: every output format (snapshots), exit codes,
//! determinism, bad input and policy errors.

mod common;

use common::{root, run, scan, scan_json, validate_sarif};
use serde_json::Value;

const EXAMPLE: &str = "fixtures/terraform/example";
const BROKEN: &str = "fixtures/terraform/broken";

#[test]
fn text_output() {
    let r = scan(&[EXAMPLE, BROKEN]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    insta::assert_snapshot!(r.stdout);
}

#[test]
fn json_output() {
    let (code, json) = scan_json(&[EXAMPLE, BROKEN]);
    assert_eq!(code, 1);
    insta::assert_json_snapshot!(json, { ".tool.version" => "[version]" });
}

#[test]
fn sarif_output_is_valid_and_stable() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("out.sarif");
    let spec = format!("sarif:{}", file.display());
    let r = scan(&[EXAMPLE, BROKEN, "--format", &spec]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stdout.is_empty(),
        "nothing on stdout when the only format goes to a file"
    );
    let warnings = validate_sarif(&file);
    assert!(
        warnings.iter().all(|w| w.contains("SARIF2005")),
        "unexpected warnings: {warnings:#?}"
    );
    let sarif: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    insta::assert_json_snapshot!(sarif, {
        ".runs[].tool.driver.version" => "[version]",
        ".runs[].tool.driver.semanticVersion" => "[version]",
        ".runs[].tool.driver.fullName" => "[name]",
        ".runs[].originalUriBaseIds" => "[base]",
    });
}

#[test]
fn sarif_points_at_the_attribute_with_fingerprints_and_parse_errors() {
    let r = scan(&[EXAMPLE, BROKEN, "--format", "sarif"]);
    let sarif: Value = serde_json::from_str(&r.stdout).unwrap();
    let run = &sarif["runs"][0];
    let ssh = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "aws-ec2-sg-admin-ports-public")
        .expect("ssh finding");
    let loc = &ssh["locations"][0]["physicalLocation"];
    assert_eq!(
        loc["artifactLocation"]["uri"],
        "fixtures/terraform/example/main.tf"
    );
    assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
    assert_eq!(loc["region"]["startLine"], 42);
    assert_eq!(loc["region"]["startColumn"], 5);
    assert!(
        ssh["partialFingerprints"]["tenet/v1"]
            .as_str()
            .unwrap()
            .len()
            == 32
    );
    assert!(
        ssh["message"]["text"]
            .as_str()
            .unwrap()
            .starts_with("aws_security_group.app: ")
    );
    let rule = &run["tool"]["driver"]["rules"][ssh["ruleIndex"].as_u64().unwrap() as usize];
    assert_eq!(rule["id"], "aws-ec2-sg-admin-ports-public");
    assert_eq!(rule["properties"]["security-severity"], "9.5");
    let notes = run["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    let parse = notes
        .iter()
        .find(|n| n["descriptor"]["id"] == "load-error")
        .expect("parse error notification");
    assert_eq!(
        parse["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "fixtures/terraform/broken/unclosed.tf"
    );
    assert!(
        parse["locations"][0]["physicalLocation"]["region"]["startLine"]
            .as_u64()
            .is_some()
    );
}

#[test]
fn two_runs_are_byte_identical() {
    for format in ["json", "sarif", "text"] {
        let a = scan(&[EXAMPLE, BROKEN, "--format", format]);
        let b = scan(&[BROKEN, EXAMPLE, "--format", format, "--jobs", "1"]);
        assert_eq!(a.stdout, b.stdout, "{format} output differs between runs");
    }
}

#[test]
fn several_outputs_in_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let sarif = dir.path().join("nested/out.sarif");
    let json = dir.path().join("out.json");
    let r = scan(&[
        EXAMPLE,
        "--format",
        "text",
        "--format",
        &format!("sarif:{}", sarif.display()),
        "--format",
        &format!("json:{}", json.display()),
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stdout.contains("aws-ec2-sg-admin-ports-public"),
        "text on stdout"
    );
    let s: Value = serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap()).unwrap();
    let j: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(
        s["runs"][0]["results"].as_array().unwrap().len(),
        j["findings"].as_array().unwrap().len()
    );
}

#[test]
fn exit_codes_follow_the_severity_gate() {
    // Findings up to critical: fail by default.
    assert_eq!(scan(&[EXAMPLE]).code, 1);
    assert_eq!(scan(&[EXAMPLE, "--fail-on", "critical"]).code, 1);
    // Only medium findings in this fixture.
    assert_eq!(
        scan(&[
            "fixtures/rules/aws-kms-key-rotation/terraform/fail",
            "--fail-on",
            "high"
        ])
        .code,
        0
    );
    assert_eq!(
        scan(&[
            "fixtures/rules/aws-kms-key-rotation/terraform/fail",
            "--fail-on",
            "medium"
        ])
        .code,
        1
    );
    assert_eq!(scan(&[EXAMPLE, "--fail-on", "none"]).code, 0);
    assert_eq!(scan(&[EXAMPLE, "--soft-fail"]).code, 0);
    // Clean input.
    assert_eq!(
        scan(&["fixtures/rules/aws-kms-key-rotation/terraform/pass"]).code,
        0
    );
    // Usage errors.
    assert_eq!(scan(&[EXAMPLE, "--rule", "no-such-rule"]).code, 2);
    assert_eq!(scan(&["does/not/exist"]).code, 2);
    assert_eq!(scan(&[EXAMPLE, "--format", "yaml"]).code, 2);
}

#[test]
fn parse_errors_are_reported_with_location_and_the_scan_goes_on() {
    let r = scan(&[BROKEN, "--fail-on", "none"]);
    assert_eq!(
        r.code, 0,
        "parse errors alone do not fail the scan by default"
    );
    assert!(
        r.stdout.contains("fixtures/terraform/broken/unclosed.tf:5:51  HCL parse error: invalid block body; expected `}`"),
        "{}",
        r.stdout
    );
    // The valid file next to the broken one is still scanned.
    assert!(r.stdout.contains("aws_kms_key.fine"), "{}", r.stdout);
    assert_eq!(
        scan(&[BROKEN, "--fail-on", "none", "--fail-on-parse-error"]).code,
        1
    );
    let (_, json) = scan_json(&[BROKEN, "--fail-on", "none"]);
    assert_eq!(
        json["load_errors"][0]["file"],
        "fixtures/terraform/broken/unclosed.tf"
    );
    assert_eq!(json["load_errors"][0]["line"], 5);
}

#[test]
fn hostile_bytes_do_not_panic() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("binary.tf"),
        [0u8, 159, 146, 150, 255, b'\n', b'{'],
    )
    .unwrap();
    std::fs::write(
        dir.path().join("deep.tf"),
        format!("x = {}1{}\n", "[".repeat(5000), "]".repeat(5000)),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("ok.tf"),
        "resource \"aws_kms_key\" \"k\" {}\n",
    )
    .unwrap();
    let r = scan(&[dir.path().to_str().unwrap(), "--fail-on", "none"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout
            .contains("binary.tf:1:2  file is not valid UTF-8 text"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("deep.tf:1:70  HCL parse error: invalid nesting depth"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("aws_kms_key.k"), "{}", r.stdout);
}

#[test]
fn a_named_file_keeps_its_module_context() {
    // main.tf alone: its variables and locals come from variables.tf beside it, so the
    // results are the same as for the directory, restricted to main.tf's resources.
    let (_, file) = scan_json(&["fixtures/terraform/example/main.tf"]);
    let (_, dir) = scan_json(&[EXAMPLE]);
    assert_eq!(file["findings"], dir["findings"]);
    assert_eq!(file["summary"]["files"], 1);
    assert_eq!(file["summary"]["undetermined"], 0);
}

#[test]
fn gitignored_and_tool_directories_are_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let root_dir = dir.path();
    for (path, text) in [
        ("main.tf", "resource \"aws_kms_key\" \"kept\" {}\n"),
        (
            "generated/skip.tf",
            "resource \"aws_kms_key\" \"ignored\" {}\n",
        ),
        (
            ".terraform/modules/m/main.tf",
            "resource \"aws_kms_key\" \"vendored\" {}\n",
        ),
        (".gitignore", "generated/\n"),
    ] {
        let p = root_dir.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    let r = run(&[
        "scan",
        "--root",
        root_dir.to_str().unwrap(),
        root_dir.to_str().unwrap(),
    ]);
    assert!(r.stdout.contains("aws_kms_key.kept"), "{}", r.stdout);
    assert!(
        !r.stdout.contains("ignored") && !r.stdout.contains("vendored"),
        "{}",
        r.stdout
    );
}

#[test]
fn user_policies_follow_the_same_contract() {
    let (_, json) = scan_json(&[
        EXAMPLE,
        "--policy",
        "fixtures/policies/custom",
        "--rule",
        "acme-owner-tag",
    ]);
    let findings = json["findings"].as_array().unwrap();
    // The bucket has an Owner tag from locals; the database has no tags at all.
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert_eq!(
        findings[0]["resource"]["id"],
        "terraform:fixtures/terraform/example/aws_db_instance.orders"
    );
}

#[test]
fn broken_policies_stop_the_scan_with_file_and_line() {
    let r = scan(&[EXAMPLE, "--policy", "fixtures/policies/broken-metadata"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("fixtures/policies/broken-metadata/bad.rego:6: unknown severity `urgent`"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("fixtures/policies/broken-metadata/bad.rego:9: rule acme-broken maps to control `CC99.9`"), "{}", r.stderr);
    assert!(r.stdout.is_empty());

    let r = scan(&[EXAMPLE, "--policy", "fixtures/policies/hijack"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("a user policy may not add rules to a built-in package"),
        "{}",
        r.stderr
    );

    let r = scan(&[EXAMPLE, "--policy", "fixtures/policies/nowhere"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("fixtures/policies/nowhere"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_failing_rule_is_reported_and_the_others_go_on() {
    let (code, json) = scan_json(&[EXAMPLE, "--policy", "fixtures/policies/runtime-error"]);
    assert_eq!(code, 2, "a rule error is a policy error");
    let errors = json["rule_errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0]["rule_id"], "acme-divide-by-zero");
    assert_eq!(
        errors[0]["file"],
        "fixtures/policies/runtime-error/divide.rego"
    );
    assert!(
        errors[0]["message"]
            .as_str()
            .unwrap()
            .contains("divide by zero")
    );
    // Every built-in finding is still there.
    let (_, plain) = scan_json(&[EXAMPLE]);
    assert_eq!(json["findings"], plain["findings"]);
}

#[test]
fn graph_command_prints_the_resource_graph() {
    let r = run(&["graph", "--root", ".", EXAMPLE]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let graph: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(graph["schema_version"], "1");
    insta::assert_json_snapshot!(graph);
}

#[test]
fn rego_tests_of_builtin_and_user_packs_pass() {
    let r = run(&["test", "fixtures/policies/custom", "--quiet"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains(" passed, 0 failed"), "{}", r.stdout);
    assert!(root().join("policies/lib/tenet.rego").exists());
}

#[test]
fn readme_quick_start_output_is_what_tenet_prints() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let after = readme
        .split("The first command prints:")
        .nth(1)
        .expect("README quotes the output");
    let block = after
        .split("```")
        .nth(1)
        .expect("a code block")
        .trim_start_matches('\n');
    let r = scan(&[EXAMPLE]);
    assert_eq!(
        r.stdout, block,
        "README's quick-start output is out of date"
    );
}

#[test]
fn fingerprints_survive_edits_above_the_resource() {
    let dir = tempfile::tempdir().unwrap();
    let original =
        std::fs::read_to_string(root().join("fixtures/terraform/example/main.tf")).unwrap();
    let vars =
        std::fs::read_to_string(root().join("fixtures/terraform/example/variables.tf")).unwrap();
    let findings = |text: &str| {
        std::fs::write(dir.path().join("main.tf"), text).unwrap();
        std::fs::write(dir.path().join("variables.tf"), &vars).unwrap();
        let r = run(&[
            "scan",
            "--root",
            dir.path().to_str().unwrap(),
            dir.path().to_str().unwrap(),
            "-f",
            "json",
        ]);
        let v: Value = serde_json::from_str(&r.stdout).unwrap();
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["fingerprint"].as_str().unwrap().to_string(),
                    f["location"]["start_line"].as_u64().unwrap(),
                )
            })
            .collect::<Vec<_>>()
    };
    let before = findings(&original);
    let after = findings(&format!("# a comment\n\nterraform {{\n}}\n\n{original}"));
    assert_eq!(before.len(), 7);
    for ((fp_a, line_a), (fp_b, line_b)) in before.iter().zip(&after) {
        assert_eq!(fp_a, fp_b);
        assert_eq!(line_a + 5, *line_b);
    }
}
