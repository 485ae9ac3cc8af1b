//! A short run of every fuzz target under `fuzz/` (`cargo fuzz`, stable toolchain, no
//! sanitizer): each replays its seeds (the fixtures of its format, hostile ones included)
//! and mutates them for a few seconds. A crash, a hang (an input over 60 s in this unoptimised
//! build) or an allocation
//! over 2 GiB fails the test, with the input left in `fuzz/artifacts/`. The long runs are
//! `fuzz/run.sh`; this keeps every target building and clean on every change.

mod common;

use std::path::PathBuf;
use std::process::Command;

const TARGETS: &[(&str, &[&str])] = &[
    ("hcl", &["fixtures/terraform", "fixtures/hostile/terraform"]),
    (
        "plan_json",
        &["fixtures/terraform/plan", "fixtures/hostile/json"],
    ),
    ("bicep", &["fixtures/bicep", "fixtures/hostile/bicep"]),
    ("arm_json", &["fixtures/arm", "fixtures/hostile/json"]),
    (
        "kubernetes_yaml",
        &["fixtures/kubernetes", "fixtures/hostile/yaml"],
    ),
    ("admission_review", &["fixtures/admission"]),
];

/// Seconds of mutation per target, after its seeds.
const SECONDS: u32 = 10;

/// The directory holding cargo-fuzz: `.ci/tools/bin` (installed there by `.ci/install-tools
/// cargo-fuzz`, or here on first use), or the directory of `$CARGO_FUZZ`.
fn cargo_fuzz_dir() -> PathBuf {
    if let Some(p) = std::env::var_os("CARGO_FUZZ") {
        return PathBuf::from(p)
            .parent()
            .map(PathBuf::from)
            .unwrap_or_default();
    }
    let tools = common::root().join(".ci/tools");
    let bin = tools.join("bin/cargo-fuzz");
    if !bin.exists() {
        std::fs::create_dir_all(&tools).expect("create .ci/tools");
        let lock = std::fs::File::create(tools.join(".install.lock")).expect("lock file");
        lock.lock().expect("lock");
        if !bin.exists() {
            let status = Command::new("sh")
                .arg(common::root().join(".ci/install-tools"))
                .arg("cargo-fuzz")
                .status()
                .expect("run .ci/install-tools");
            assert!(status.success(), "installing cargo-fuzz failed");
        }
    }
    tools.join("bin")
}

/// `cargo fuzz ARGS` from the repository root, with cargo-fuzz first on the PATH.
fn fuzz(args: &[&str]) -> Command {
    let mut path = std::ffi::OsString::from(cargo_fuzz_dir());
    if let Some(p) = std::env::var_os("PATH") {
        path.push(":");
        path.push(p);
    }
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.arg("fuzz")
        .args(args)
        .current_dir(common::root())
        .env("PATH", path)
        // The outer `cargo test` sets these for its own crate; the fuzz crate builds alone.
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS");
    cmd
}

#[test]
fn every_fuzz_target_runs_clean_on_its_seeds_and_mutations() {
    let status = fuzz(&["build", "-s", "none", "--dev"])
        .status()
        .expect("cargo fuzz build");
    assert!(status.success(), "the fuzz targets do not build");
    let corpus = tempfile::tempdir().expect("temp dir");
    for (target, seeds) in TARGETS {
        let dir = corpus.path().join(target);
        std::fs::create_dir_all(&dir).expect("corpus dir");
        let mut args = vec!["run", "-s", "none", "--dev", target];
        let dir_arg = dir.to_str().expect("utf-8 temp path").to_string();
        args.push(&dir_arg);
        args.extend_from_slice(seeds);
        let time = format!("-max_total_time={SECONDS}");
        let dict = common::root().join(format!("fuzz/dict/{target}.dict"));
        assert!(dict.is_file(), "no dictionary for {target}");
        let dict = format!("-dict={}", dict.display());
        args.extend_from_slice(&[
            "--",
            &time,
            &dict,
            "-max_len=65536",
            // An unoptimised, instrumented build runs 10-30x slower than release: a hang
            // here is an input over 60 s (fuzz/run.sh, on release builds, allows 10 s).
            "-timeout=60",
            "-rss_limit_mb=2048",
        ]);
        let out = fuzz(&args).output().expect("cargo fuzz run");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success(),
            "fuzz target {target} failed:\n{}",
            stderr
                .lines()
                .rev()
                .take(60)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect::<Vec<_>>()
                .join("\n")
        );
        // libFuzzer's final line counts the executions: the target really ran.
        assert!(
            stderr.contains("Done "),
            "{target}: no libFuzzer summary:\n{stderr}"
        );
    }
}
