//! Hostile input: `fixtures/hostile/` holds broken, deep, binary and badly encoded files of
//! every source format and symbolic links that loop, dangle or lead outside the tree; the test
//! adds what cannot be committed (multi-gigabyte sparse files, a named pipe). Every such file
//! must be reported with its path and reason, nothing may hang, panic or be read from outside
//! the scanned tree, and the valid files beside them must still be scanned.
#![cfg(unix)]

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::cargo::CommandCargoExt;
use serde_json::Value;

/// Far above what a scan of these files takes (well under a second): a guard against
/// hangs, not a speed target.
const HANG_GUARD: Duration = Duration::from_secs(120);

/// The hostile files and the reason each must be reported with.
const EXPECTED: &[(&str, &str)] = &[
    ("hostile/bicep/binary.bicep", "not valid UTF-8"),
    ("hostile/bicep/invalid-utf8.bicep", "not valid UTF-8"),
    (
        "hostile/bicep/stray-character.bicep",
        "`۹` does not start a Bicep statement",
    ),
    (
        "hostile/hcl-backtracking/main.tf",
        "HCL parse gave up after 10 s",
    ),
    (
        "hostile/hcl-closed-in-comment/main.tf",
        "HCL parse gave up after 10 s",
    ),
    ("hostile/huge/huge.tf", "above the limit of 16777216 bytes"),
    (
        "hostile/huge/huge.yaml",
        "above the limit of 16777216 bytes",
    ),
    ("hostile/json/deep.json", "nested deeper than 256 levels"),
    ("hostile/json/plan-deep.json", "recursion limit exceeded"),
    ("hostile/json/truncated.json", "Unterminated object"),
    (
        "hostile/links/broken.yaml",
        "broken symbolic link (to missing.yaml",
    ),
    (
        "hostile/links/escape-relative.yaml",
        "outside the scanned tree",
    ),
    ("hostile/links/escape.tf", "outside the scanned tree"),
    ("hostile/links/loop-a.tf", "symbolic link loop"),
    ("hostile/links/loop-b.tf", "symbolic link loop"),
    ("hostile/links/up", "symbolic link loop"),
    ("hostile/pipe.yaml", "not a regular file"),
    ("hostile/terraform/binary.tf", "not valid UTF-8"),
    ("hostile/terraform/deep.tf", "nesting depth"),
    ("hostile/terraform/empty-key.tf", "expected `=` or `:`"),
    ("hostile/terraform/latin1.tf", "not valid UTF-8"),
    ("hostile/terraform/unclosed.tf", "the file ends here"),
    ("hostile/yaml/alias-bomb.yaml", "alias bomb"),
    ("hostile/yaml/deep.yaml", "recursion limit exceeded"),
    ("hostile/yaml/invalid-utf8.yaml", "not valid UTF-8"),
];

/// A copy of `fixtures/hostile` (links kept as links) in a temporary directory, with the
/// generated files added.
fn hostile_tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let status = Command::new("cp")
        .arg("-a")
        .arg(common::root().join("fixtures/hostile"))
        .arg(dir.path())
        .status()
        .expect("cp");
    assert!(status.success());
    let tree = dir.path().join("hostile");
    std::fs::create_dir_all(tree.join("huge")).expect("mkdir");
    // Sparse: gigabytes long, no disk used. Reading either would take the machine's memory.
    for (name, len) in [("huge.tf", 4u64 << 30), ("huge.yaml", 3u64 << 30)] {
        let f = std::fs::File::create(tree.join("huge").join(name)).expect("create");
        f.set_len(len).expect("set_len");
    }
    // Found by the hcl fuzz target: hcl-edit's parser backtracks through each level of these
    // never-closed objects (over a minute unbounded). Generated here rather than kept under
    // `fixtures/`, which other tests scan whole: each scan of it takes the parse limit.
    std::fs::create_dir_all(tree.join("hcl-backtracking")).expect("mkdir");
    std::fs::write(
        tree.join("hcl-backtracking/main.tf"),
        include_str!("../fuzz/regressions/hcl-nested-objects-slow.tf"),
    )
    .expect("write");
    // Objects opened after operators, 30 deep, their brackets balanced by closing ones in a
    // comment, which close nothing: the parse time doubles with each level (18 levels take
    // 0.27 s, 30 would take about 18 minutes).
    std::fs::create_dir_all(tree.join("hcl-closed-in-comment")).expect("mkdir");
    std::fs::write(
        tree.join("hcl-closed-in-comment/main.tf"),
        format!("{}# {}\n", "e = z + z + {\n".repeat(30), "}".repeat(30)),
    )
    .expect("write");
    // A valid manifest just outside the tree, and a relative link to it from inside.
    std::fs::write(
        dir.path().join("outside.yaml"),
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: outside-the-tree\nspec:\n  containers:\n    - name: x\n      image: x:latest\n",
    )
    .expect("write");
    std::os::unix::fs::symlink(
        "../../outside.yaml",
        tree.join("links/escape-relative.yaml"),
    )
    .expect("symlink");
    // Opening a FIFO for reading blocks until a writer comes: it must not be opened.
    let status = Command::new("mkfifo")
        .arg(tree.join("pipe.yaml"))
        .status()
        .expect("mkfifo");
    assert!(status.success());
    dir
}

/// Runs `tenet ARGS` from `dir`, killing it (and failing) if it outlives the hang guard.
fn run_bounded(dir: &Path, args: &[&str]) -> (i32, String) {
    let (code, _, stderr) = run_bounded_output(dir, args);
    (code, stderr)
}

/// As `run_bounded`, also returning standard output.
fn run_bounded_output(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let mut child = Command::cargo_bin("tenet")
        .expect("tenet binary")
        .current_dir(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn tenet");
    // Standard output is drained beside the wait, so a large report cannot block the child.
    let stdout = child.stdout.take().expect("stdout");
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut { stdout }, &mut s);
        s
    });
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            let mut stderr = String::new();
            if let Some(mut e) = child.stderr.take() {
                std::io::Read::read_to_string(&mut e, &mut stderr).expect("stderr");
            }
            // A panic or an abort (stack overflow) has no exit code, or 101.
            let code = status.code().unwrap_or(-1);
            assert!(
                code != 101 && code != -1,
                "tenet crashed: {status}\n{stderr}"
            );
            assert!(!stderr.contains("panicked"), "tenet panicked:\n{stderr}");
            let stdout = reader.join().unwrap_or_default();
            return (code, stdout, stderr);
        }
        if started.elapsed() > HANG_GUARD {
            let _ = child.kill();
            panic!("tenet {args:?} still running after {HANG_GUARD:?}: a hang");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// `tenet scan PATH --root . --no-config ARGS` from `dir`, which must exit 0: its JSON report.
fn scan_report(dir: &Path, path: &str, args: &[&str]) -> Value {
    let out = dir.join("report.json");
    let out_arg = format!("json:{}", out.display());
    let mut all = vec![
        "scan",
        path,
        "--root",
        ".",
        "--no-config",
        "--format",
        &out_arg,
    ];
    all.extend_from_slice(args);
    let (code, stderr) = run_bounded(dir, &all);
    assert_eq!(code, 0, "{stderr}");
    serde_json::from_str(&std::fs::read_to_string(&out).expect("report")).expect("JSON report")
}

#[test]
fn every_hostile_file_is_reported_and_the_valid_ones_are_scanned() {
    let dir = hostile_tree();
    let r = scan_report(dir.path(), "hostile", &["--fail-on", "none"]);

    // Every hostile file, and nothing else, is a load error with its reason.
    let errors = load_errors(&r["load_errors"]);
    let reported: Vec<&str> = errors.keys().map(String::as_str).collect();
    let expected: Vec<&str> = EXPECTED.iter().map(|(f, _)| *f).collect();
    assert_eq!(reported, expected, "load errors: {errors:#?}");
    for (file, reason) in EXPECTED {
        let message = &errors[*file];
        assert!(
            message.contains(reason),
            "{file}: expected a reason containing {reason:?}, got {message:?}"
        );
    }
    // Errors inside a file point at the line where parsing gave up.
    for e in r["load_errors"].as_array().into_iter().flatten() {
        let file = e["file"].as_str().unwrap_or_default();
        let is_file_level = file.starts_with("hostile/links/")
            || file.starts_with("hostile/huge/")
            || file == "hostile/pipe.yaml"
            || file.starts_with("hostile/hcl-");
        if !is_file_level {
            assert!(e["line"].as_u64().is_some_and(|l| l >= 1), "no line: {e}");
        }
    }

    // The links leading out of the tree were not followed: nothing of their targets was read.
    let text = serde_json::to_string(&r).expect("JSON");
    assert!(
        !text.contains("outside-the-tree"),
        "the outside manifest was read"
    );
    assert!(!text.contains("root:x:0:0"), "/etc/passwd was read");

    // The valid neighbours were scanned, one finding of each format shown.
    let findings: Vec<(String, String)> = r["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap_or_default().to_string(),
                f["resource"]["id"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    for (rule, resource) in [
        (
            "aws-s3-public-acl",
            "terraform:hostile/valid/aws_s3_bucket_acl.open",
        ),
        (
            "k8s-privileged-container",
            "kubernetes:hostile/valid/pod.yaml/apps/Pod/hostile-neighbour",
        ),
        (
            "azure-storage-https-only",
            "bicep:hostile/valid/main.bicep/store",
        ),
    ] {
        assert!(
            findings.contains(&(rule.to_string(), resource.to_string())),
            "{rule} on {resource} missing: {findings:?}"
        );
    }
    assert_eq!(r["summary"]["load_errors"], EXPECTED.len());
    assert_eq!(r["summary"]["rule_errors"], 0);
}

#[test]
fn nesting_beyond_the_bound_is_unknown_not_lost() {
    // The Bicep property 5,000 objects deep loads to 256 levels; the rest is an unknown
    // value (rules report undetermined there), never a crash or a silently shortened value.
    let dir = hostile_tree();
    let (code, stdout, stderr) = run_bounded_output(
        dir.path(),
        &["graph", "hostile/bicep/deep.bicep", "--root", "."],
    );
    assert_eq!(code, 0, "{stderr}");
    // The graph is deeper than serde_json parses by default: read the unknown path as text.
    let id = stdout
        .find("\"id\": \"bicep:hostile/bicep/deep.bicep/deep\"")
        .expect("the deep resource");
    let rest = &stdout[id..];
    let list = &rest[rest.find("\"unknown\": [").expect("its unknown paths")..];
    let start = list
        .find("\"properties.")
        .expect("an unknown property path")
        + 1;
    let unknown = &list[start..start + list[start..].find('"').expect("closing quote")];
    assert!(unknown.starts_with("properties.a.a.a."), "{unknown}");
    assert!(unknown.matches(".a").count() >= 250, "{unknown}");
}

#[test]
fn limits_are_configurable_and_parse_errors_can_fail_the_run() {
    let dir = hostile_tree();
    // A limit below the valid files' sizes reports them too, with the limit given.
    let r = scan_report(dir.path(), "hostile/valid", &["--max-file-size", "64"]);
    let errors = r["load_errors"].as_array().expect("load_errors");
    assert_eq!(errors.len(), 3, "{errors:?}");
    assert!(errors.iter().all(|e| {
        e["message"]
            .as_str()
            .unwrap_or_default()
            .contains("above the limit of 64 bytes")
    }));
    // `--fail-on-parse-error` turns hostile input into a failing run (exit 1). (The parse
    // limit is lowered: the backtracking HCL file takes all of it.)
    let (code, stderr) = run_bounded(
        dir.path(),
        &[
            "scan",
            "hostile",
            "--root",
            ".",
            "--no-config",
            "--fail-on",
            "none",
            "--fail-on-parse-error",
            "--limit",
            "hcl-parse-seconds=1",
        ],
    );
    assert_eq!(code, 1, "{stderr}");
}

/// The messages of a graph's or report's load errors, by file.
fn load_errors(errors: &Value) -> BTreeMap<String, String> {
    errors
        .as_array()
        .expect("load errors")
        .iter()
        .map(|e| {
            (
                e["file"].as_str().unwrap_or_default().to_string(),
                e["message"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// `tenet graph PATH --root . ARGS` from `dir`: the graph.
fn graph_of(dir: &Path, path: &str, args: &[&str]) -> Value {
    let mut all = vec!["graph", path, "--root", "."];
    all.extend_from_slice(args);
    let (code, stdout, stderr) = run_bounded_output(dir, &all);
    assert_eq!(code, 0, "{stderr}");
    serde_json::from_str(&stdout).expect("graph JSON")
}

#[test]
fn each_limit_is_set_by_flag_or_configuration_and_named_when_reached() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    std::fs::create_dir_all(root.join("tf")).expect("mkdir");
    // Five bucket instances and a sixth resource.
    std::fs::write(
        root.join("tf/main.tf"),
        "resource \"aws_s3_bucket\" \"b\" {\n  count  = 5\n  bucket = \"b${count.index}\"\n}\n\n\
         resource \"aws_s3_bucket\" \"logs\" {\n  bucket = \"logs\"\n}\n",
    )
    .expect("write");
    // Three aliases of a four-value mapping: 12 values, well inside the default.
    std::fs::write(
        root.join("aliases.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shared\ndata:\n  \
         a: &v {k1: x, k2: x, k3: x, k4: x}\n  b: *v\n  c: *v\n  d: *v\n",
    )
    .expect("write");
    std::fs::create_dir_all(root.join("slow")).expect("mkdir");
    std::fs::write(
        root.join("slow/main.tf"),
        include_str!("../fuzz/regressions/hcl-nested-objects-slow.tf"),
    )
    .expect("write");
    let ids = |g: &Value| -> Vec<String> {
        g["resources"]
            .as_array()
            .expect("resources")
            .iter()
            .map(|r| r["id"].as_str().unwrap_or_default().to_string())
            .collect()
    };

    // Defaults: everything loads.
    let g = graph_of(root, "tf", &[]);
    assert_eq!(ids(&g).len(), 6, "{:?}", ids(&g));
    let g = graph_of(root, "aliases.yaml", &[]);
    assert!(load_errors(&g["errors"]).is_empty(), "{}", g["errors"]);
    assert_eq!(ids(&g).len(), 1);

    // Flags: the count beyond `terraform-instances` is unknown (one resource, count unknown);
    // resources beyond `terraform-resources` are left out and reported.
    let g = graph_of(root, "tf", &["--limit", "terraform-instances=3"]);
    assert_eq!(
        ids(&g),
        [
            "terraform:tf/aws_s3_bucket.b",
            "terraform:tf/aws_s3_bucket.logs"
        ]
    );
    assert!(
        g["resources"][0]["unknown"]
            .as_array()
            .is_some_and(|u| u.iter().any(|p| p == "count")),
        "{}",
        g["resources"][0]
    );
    let g = graph_of(root, "tf", &["--limit", "terraform-resources=2"]);
    assert_eq!(ids(&g).len(), 2, "{:?}", ids(&g));
    let errors = load_errors(&g["errors"]);
    assert!(
        errors["tf"].contains("more than 2 resources")
            && errors["tf"].contains("(limit terraform-resources)"),
        "{errors:?}"
    );
    let g = graph_of(root, "aliases.yaml", &["--limit", "yaml-alias-values=5"]);
    let errors = load_errors(&g["errors"]);
    assert!(
        errors["aliases.yaml"].contains("more than 5 values")
            && errors["aliases.yaml"].contains("(limit yaml-alias-values)"),
        "{errors:?}"
    );
    assert!(ids(&g).is_empty());
    // `--max-file-size` is the `file-bytes` limit, and wins over `--limit`.
    let g = graph_of(
        root,
        "aliases.yaml",
        &["--limit", "file-bytes=10", "--max-file-size", "100000"],
    );
    assert_eq!(ids(&g).len(), 1, "{}", g["errors"]);

    // The configuration: `limits:` applies to a scan, and `--limit` wins over it.
    std::fs::write(
        root.join(".tenet.yaml"),
        "limits:\n  yaml-alias-values: 5\n  hcl-parse-seconds: 1\n  file-bytes: 100000\n",
    )
    .expect("write");
    let scan = |path: &str, args: &[&str]| -> Value {
        let mut all = vec![
            "scan",
            path,
            "--root",
            ".",
            "--fail-on",
            "none",
            "--format",
            "json",
        ];
        all.extend_from_slice(args);
        let (code, stdout, stderr) = run_bounded_output(root, &all);
        assert_eq!(code, 0, "{stderr}");
        serde_json::from_str(&stdout).expect("JSON report")
    };
    let r = scan(".", &[]);
    let errors = load_errors(&r["load_errors"]);
    assert_eq!(
        errors.keys().collect::<Vec<_>>(),
        ["aliases.yaml", "slow/main.tf"],
        "{errors:?}"
    );
    assert!(
        errors["aliases.yaml"].contains("more than 5 values"),
        "{errors:?}"
    );
    assert!(
        errors["slow/main.tf"].contains("HCL parse gave up after 1 s (limit hcl-parse-seconds)"),
        "{errors:?}"
    );
    let r = scan("aliases.yaml", &["--limit", "yaml-alias-values=100"]);
    assert!(
        load_errors(&r["load_errors"]).is_empty(),
        "{}",
        r["load_errors"]
    );

    // A limit the configuration misnames or sets to 0 is an error at its line; so is a
    // flag's.
    std::fs::write(
        root.join(".tenet.yaml"),
        "fail_on: high\nlimits:\n  yaml-aliases: 5\n",
    )
    .expect("write");
    let (code, stderr) = run_bounded(root, &["scan", "aliases.yaml", "--root", "."]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains(".tenet.yaml:3") && stderr.contains("unknown limit \"yaml-aliases\""),
        "{stderr}"
    );
    let (code, stderr) = run_bounded(
        root,
        &[
            "graph",
            "aliases.yaml",
            "--root",
            ".",
            "--limit",
            "rule-seconds=0",
        ],
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("at least 1"), "{stderr}");
}

#[test]
fn operator_and_member_chains_as_long_as_the_file_do_not_overflow_the_stack() {
    // Left-associative operators and member accesses nest one level per operator, so a
    // 600 kB property is a tree 300,000 levels deep; walks over it must not recurse that far.
    let dir = tempfile::tempdir().expect("temp dir");
    let n = 300_000;
    let resource = |value: &str| {
        format!(
            "resource r 'Microsoft.Storage/storageAccounts@2023-01-01' = {{\n  name: 'x'\n  \
             properties: {{\n    a: {value}\n  }}\n}}\n"
        )
    };
    let sum = vec!["b"; n].join("+");
    std::fs::write(dir.path().join("sum.bicep"), resource(&sum)).expect("write");
    let chain = format!("b{}", ".c".repeat(n));
    std::fs::write(dir.path().join("chain.bicep"), resource(&chain)).expect("write");
    // The same with a syntax error after it: tree-sitter parses that file.
    std::fs::write(dir.path().join("broken.bicep"), resource(&sum) + "var = \n").expect("write");
    for file in ["sum.bicep", "chain.bicep", "broken.bicep"] {
        let (code, stdout, stderr) = run_bounded_output(
            dir.path(),
            &[
                "scan",
                file,
                "--root",
                ".",
                "--no-config",
                "--fail-on",
                "none",
                "--format",
                "json",
            ],
        );
        assert_eq!(code, 0, "{file}: {stderr}");
        let report: Value = serde_json::from_str(&stdout).expect("a JSON report");
        assert_eq!(report["summary"]["resources"], 1, "{file}");
        let errors = report["summary"]["load_errors"].as_u64();
        assert_eq!(errors, Some(u64::from(file == "broken.bicep")), "{file}");
    }
}
