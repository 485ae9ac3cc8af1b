//! Helpers for the integration tests: run the real `tenet` binary from the repository root,
//! and validate SARIF with Microsoft's SARIF Multitool.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use assert_cmd::cargo::CommandCargoExt;
use serde_json::Value;

/// The repository root (tests run the binary from here, so paths are `fixtures/...`).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A `tenet` command run from the repository root.
pub fn tenet() -> Command {
    let mut cmd = Command::cargo_bin("tenet").expect("tenet binary");
    cmd.current_dir(root());
    cmd.env("NO_COLOR", "1");
    // Terraform variables of the environment running the tests must not reach the fixtures.
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("TF_VAR_") {
            cmd.env_remove(name);
        }
    }
    cmd
}

/// `tenet graph --root . ARGS`, parsed.
pub fn graph(args: &[&str]) -> Value {
    graph_with_env(args, &[])
}

/// `tenet graph --root . ARGS` with extra environment variables, parsed.
pub fn graph_with_env(args: &[&str], env: &[(&str, &str)]) -> Value {
    let mut all = vec!["graph", "--root", "."];
    all.extend_from_slice(args);
    let out = run_with_env(&all, env);
    assert_eq!(out.code, 0, "tenet graph failed: {}", out.stderr);
    serde_json::from_str(&out.stdout).expect("graph JSON")
}

/// `tenet scan ARGS --root .` with its output, exit code and stderr.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn run(args: &[&str]) -> Run {
    run_with_env(args, &[])
}

/// `tenet ARGS` with extra environment variables.
pub fn run_with_env(args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = tenet();
    cmd.args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    output(&mut cmd)
}

/// `tenet ARGS` run in `dir` (paths in the output are relative to it, or to its git work
/// tree).
pub fn run_in(dir: &Path, args: &[&str]) -> Run {
    output(tenet().current_dir(dir).args(args))
}

fn output(cmd: &mut Command) -> Run {
    let out = cmd.output().expect("run tenet");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).expect("utf-8 stdout"),
        stderr: String::from_utf8(out.stderr).expect("utf-8 stderr"),
    }
}

pub fn scan(args: &[&str]) -> Run {
    let mut all = vec!["scan", "--root", "."];
    all.extend_from_slice(args);
    run(&all)
}

/// `tenet scan ARGS -f json`, parsed.
pub fn scan_json(args: &[&str]) -> (i32, Value) {
    let mut all = args.to_vec();
    all.extend_from_slice(&["--format", "json"]);
    let r = scan(&all);
    let v = serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", r.stdout, r.stderr));
    (r.code, v)
}

/// Where the SARIF Multitool lives: `$SARIF_MULTITOOL`, else `.ci/tools` (installed there by
/// `.ci/install-tools`, or here on first use).
pub fn multitool() -> PathBuf {
    if let Some(p) = std::env::var_os("SARIF_MULTITOOL") {
        return PathBuf::from(p);
    }
    let tools = root().join(".ci/tools");
    let bin = tools.join("node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool");
    if bin.exists() {
        return bin;
    }
    // Several test binaries may get here at once: install under a lock.
    std::fs::create_dir_all(&tools).expect("create .ci/tools");
    let lock = std::fs::File::create(tools.join(".install.lock")).expect("lock file");
    lock.lock().expect("lock");
    if !bin.exists() {
        let status = Command::new("sh")
            .arg(root().join(".ci/install-tools"))
            .arg("sarif-multitool")
            .status()
            .expect("run .ci/install-tools");
        assert!(status.success(), "installing the SARIF Multitool failed");
    }
    assert!(
        bin.exists(),
        "SARIF Multitool not found at {}",
        bin.display()
    );
    bin
}

/// Validates a SARIF file against the schema and GitHub's ingestion rules; panics listing
/// every error. Returns the warnings.
pub fn validate_sarif(file: &Path) -> Vec<String> {
    let out_dir = tempfile::tempdir().expect("tempdir");
    let report = out_dir.path().join("validation.sarif");
    let status = Command::new(multitool())
        .arg("validate")
        .arg(file)
        .arg("--output")
        .arg(&report)
        .args(["--log", "ForceOverwrite", "--rule-kind", "Sarif;Gh"])
        .env("DOTNET_CLI_TELEMETRY_OPTOUT", "1")
        .env("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT", "1")
        .output()
        .expect("run the SARIF Multitool");
    let text = std::fs::read_to_string(&report).unwrap_or_else(|e| {
        panic!(
            "no validation report ({e}); multitool said: {}",
            String::from_utf8_lossy(&status.stdout)
        )
    });
    let doc: Value = serde_json::from_str(&text).expect("validation report is JSON");
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    for r in doc["runs"][0]["results"]
        .as_array()
        .cloned()
        .unwrap_or_default()
    {
        let line = format!("{} {}", r["ruleId"].as_str().unwrap_or("?"), r["message"]);
        if r["level"].as_str() == Some("error") {
            errors.push(line);
        } else {
            warnings.push(line);
        }
    }
    assert!(
        errors.is_empty(),
        "SARIF Multitool found errors in {}:\n{}",
        file.display(),
        errors.join("\n")
    );
    warnings
}

/// The resource with this id in a graph; panics listing the ids there are.
pub fn resource<'a>(g: &'a Value, id: &str) -> &'a Value {
    g["resources"]
        .as_array()
        .and_then(|rs| rs.iter().find(|r| r["id"] == id))
        .unwrap_or_else(|| panic!("no resource {id} in graph: {:#}", ids(g)))
}

/// The ids of a graph's resources, in order.
pub fn ids(g: &Value) -> Value {
    Value::Array(
        g["resources"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|r| r["id"].clone())
            .collect(),
    )
}

/// The rules `fixtures/suppress` exercises (one per kind of suppression), as `--rule` flags.
pub const SUPPRESS_RULES: [&str; 10] = [
    "--rule",
    "aws-s3-versioning",
    "--rule",
    "aws-s3-access-logging",
    "--rule",
    "k8s-image-tag",
    "--rule",
    "k8s-privilege-escalation",
    "--rule",
    "azure-storage-min-tls",
];

/// Copies a directory tree's files into `to`.
pub fn copy_tree(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).expect("read fixture dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// `git ARGS` in `dir` with a fixed identity and dates and no user configuration; panics on
/// failure, returns standard output.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "Fixture")
        .env("GIT_AUTHOR_EMAIL", "fixture@example.com")
        .env("GIT_COMMITTER_NAME", "Fixture")
        .env("GIT_COMMITTER_EMAIL", "fixture@example.com")
        .env("GIT_AUTHOR_DATE", "2026-01-01T00:00:00Z")
        .env("GIT_COMMITTER_DATE", "2026-01-01T00:00:00Z")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .expect("run git");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}
