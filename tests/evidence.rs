//! Evidence bundles end to end: `tenet scan --evidence` writes a bundle that `tenet verify`
//! accepts, the same inputs and `SOURCE_DATE_EPOCH` give a byte-identical archive, and any
//! edit — one byte of any file, a missing or an extra file, a forged signature — fails
//! verification.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;
use tenet::evidence::archive;

const EXAMPLE: &str = "fixtures/terraform/example";
const KEY: &str = "fixtures/evidence/test-key.pem";
const PUB: &str = "fixtures/evidence/test-key.pub";
const OTHER_PUB: &str = "fixtures/evidence/other-key.pub";
const EPOCH: &str = "1767225600"; // 2026-01-01T00:00:00Z

/// `tenet scan --root . ARGS --evidence OUT` with `SOURCE_DATE_EPOCH=epoch`.
fn scan_bundle(epoch: &str, out: &Path, args: &[&str]) -> common::Run {
    let mut all = vec!["scan", "--root", ".", "--format", "json:/dev/null"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--evidence", out.to_str().expect("utf-8 path")]);
    let run = common::run_with_env(&all, &[("SOURCE_DATE_EPOCH", epoch)]);
    // The fixtures have failing findings: exit 1, and the bundle is written all the same.
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("evidence: "), "{}", run.stderr);
    run
}

/// `tenet scan EXAMPLE --framework soc2 --evidence OUT ARGS` at a fixed time.
fn write_bundle(out: &Path, args: &[&str]) -> common::Run {
    let mut all = vec![EXAMPLE, "--framework", "soc2"];
    all.extend_from_slice(args);
    scan_bundle(EPOCH, out, &all)
}

fn verify(bundle: &Path, args: &[&str]) -> common::Run {
    let mut all = vec!["verify", bundle.to_str().expect("utf-8 path")];
    all.extend_from_slice(args);
    common::run(&all)
}

fn files_of(dir: &Path) -> Vec<String> {
    let (files, problems) = tenet::evidence::verify::read_bundle(dir).expect("read bundle");
    assert!(problems.is_empty(), "{problems:?}");
    files.into_keys().collect()
}

#[test]
fn a_bundle_has_every_part_and_verifies() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("bundle");
    let run = write_bundle(&dir, &[]);
    assert_eq!(
        files_of(&dir),
        [
            "exceptions/audit.json",
            "manifest.json",
            "report.html",
            "results/findings.json",
            "results/findings.sarif",
            "results/oscal/assessment-results.json",
            "summary/controls.csv",
            "summary/controls.json",
        ]
    );
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["tool"]["name"], "tenet");
    assert_eq!(manifest["started"], "2026-01-01T00:00:00Z");
    assert_eq!(manifest["finished"], "2026-01-01T00:00:00Z");
    assert_eq!(manifest["scope"]["paths"], serde_json::json!([EXAMPLE]));
    assert_eq!(manifest["scope"]["frameworks"], serde_json::json!(["soc2"]));
    // Every input with its SHA-256, as `sha256sum` would give it.
    let inputs = manifest["inputs"].as_array().unwrap();
    let main = inputs
        .iter()
        .find(|i| i["path"] == "fixtures/terraform/example/main.tf")
        .expect("main.tf in the manifest");
    let bytes = std::fs::read(common::root().join("fixtures/terraform/example/main.tf")).unwrap();
    assert_eq!(
        main["sha256"],
        tenet::evidence::manifest::sha256_hex(&bytes).as_str()
    );
    // Policies and catalogs in force are hashed too.
    let policies = manifest["policies"].as_array().unwrap();
    assert!(policies.iter().any(|p| {
        p["role"] == "rule"
            && p["path"]
                .as_str()
                .is_some_and(|s| s.starts_with("policies/aws/s3/"))
    }));
    assert!(
        policies
            .iter()
            .all(|p| p["sha256"].as_str().is_some_and(|s| s.len() == 64))
    );
    assert_eq!(manifest["catalogs"].as_array().unwrap().len(), 5);
    // The manifest's headline agrees with the per-control summary.
    let controls: Value =
        serde_json::from_slice(&std::fs::read(dir.join("summary/controls.json")).unwrap()).unwrap();
    let soc2 = &controls["frameworks"][0];
    assert_eq!(soc2["id"], "soc2");
    assert_eq!(manifest["results"]["controls"]["soc2"], soc2["summary"]);
    assert!(soc2["summary"]["fail"].as_u64().unwrap() > 0);
    // The digest printed is the manifest's SHA-256, and verify accepts the bundle.
    let digest =
        tenet::evidence::manifest::sha256_hex(&std::fs::read(dir.join("manifest.json")).unwrap());
    assert!(run.stderr.contains(&digest), "{}", run.stderr);
    let v = verify(&dir, &["--expect-digest", &digest, "--inputs", "."]);
    assert_eq!(v.code, 0, "{}{}", v.stdout, v.stderr);
    assert!(v.stdout.contains(": OK"), "{}", v.stdout);
    assert!(
        v.stdout.contains("inputs: 2 of 2 unchanged"),
        "{}",
        v.stdout
    );
}

#[test]
fn the_archive_is_byte_identical_across_runs_and_verifies_signed() {
    let tmp = tempfile::tempdir().unwrap();
    let one = tmp.path().join("one.tar.gz");
    let two = tmp.path().join("two.tar.gz");
    write_bundle(&one, &["--sign-key", KEY]);
    write_bundle(&two, &["--sign-key", KEY]);
    let a = std::fs::read(&one).unwrap();
    assert_eq!(a, std::fs::read(&two).unwrap(), "archives differ");
    // A later epoch changes the times, so the bytes.
    let three = tmp.path().join("three.tar.gz");
    scan_bundle("1767225601", &three, &[EXAMPLE, "--framework", "soc2"]);
    assert_ne!(a, std::fs::read(&three).unwrap());

    let v = verify(&one, &["--public-key", PUB]);
    assert_eq!(v.code, 0, "{}", v.stdout);
    assert!(v.stdout.contains("signature: verified"), "{}", v.stdout);
    // Entries are sorted, owned by 0:0 and all have the epoch as modification time.
    let mut ar = tar::Archive::new(flate2::read::GzDecoder::new(a.as_slice()));
    let mut names = Vec::new();
    for e in ar.entries().unwrap() {
        let e = e.unwrap();
        let h = e.header();
        assert_eq!(h.mtime().unwrap(), 1_767_225_600);
        assert_eq!((h.uid().unwrap(), h.gid().unwrap()), (0, 0));
        names.push(e.path().unwrap().to_string_lossy().into_owned());
    }
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    assert!(names.contains(&"manifest.sig".to_string()));
    // Files are staged beside the archive while they are written: nothing is left over.
    assert_eq!(
        entries_of(tmp.path()),
        ["one.tar.gz", "three.tar.gz", "two.tar.gz"]
    );
}

/// The names in `dir`, sorted (hidden ones included).
fn entries_of(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Flips one byte in the middle of `bytes`.
fn flip(bytes: &mut [u8]) {
    let i = bytes.len() / 2;
    bytes[i] ^= 0x20;
}

#[test]
fn one_changed_byte_in_any_file_of_a_directory_bundle_fails() {
    let tmp = tempfile::tempdir().unwrap();
    let clean = tmp.path().join("clean");
    write_bundle(&clean, &["--sign-key", KEY]);
    let files = files_of(&clean);
    assert!(files.len() >= 9, "{files:?}");
    for name in &files {
        let dir = tmp.path().join(format!("t-{}", name.replace('/', "_")));
        copy_dir(&clean, &dir);
        let path = dir.join(name);
        let mut bytes = std::fs::read(&path).unwrap();
        flip(&mut bytes);
        std::fs::write(&path, bytes).unwrap();
        let v = verify(&dir, &["--public-key", PUB]);
        assert_eq!(v.code, 1, "editing {name} went unnoticed:\n{}", v.stdout);
        let expected = match name.as_str() {
            "manifest.json" | "manifest.sig" => "signature",
            _ => "changed",
        };
        assert!(
            v.stdout.lines().any(|l| l.starts_with(expected)),
            "{name}: expected a `{expected}` problem:\n{}",
            v.stdout
        );
    }
}

#[test]
fn missing_extra_and_forged_files_fail() {
    let tmp = tempfile::tempdir().unwrap();
    let clean = tmp.path().join("clean");
    write_bundle(&clean, &["--sign-key", KEY]);

    let missing = tmp.path().join("missing");
    copy_dir(&clean, &missing);
    std::fs::remove_file(missing.join("results/findings.sarif")).unwrap();
    let v = verify(&missing, &[]);
    assert_eq!(v.code, 1);
    assert!(
        v.stdout.contains("missing        results/findings.sarif"),
        "{}",
        v.stdout
    );

    let extra = tmp.path().join("extra");
    copy_dir(&clean, &extra);
    std::fs::write(extra.join("results/notes.txt"), "added later").unwrap();
    let v = verify(&extra, &[]);
    assert_eq!(v.code, 1);
    assert!(
        v.stdout.contains("extra          results/notes.txt"),
        "{}",
        v.stdout
    );

    // Another key does not verify the signature.
    let v = verify(&clean, &["--public-key", OTHER_PUB]);
    assert_eq!(v.code, 1, "{}", v.stdout);
    assert!(v.stdout.contains("signature"), "{}", v.stdout);

    // Removing the signature of a signed bundle is noticed even without a key.
    let unsigned = tmp.path().join("unsigned");
    copy_dir(&clean, &unsigned);
    std::fs::remove_file(unsigned.join("manifest.sig")).unwrap();
    let v = verify(&unsigned, &[]);
    assert_eq!(v.code, 1, "{}", v.stdout);

    // An unsigned bundle fails when a key is required.
    let plain = tmp.path().join("plain");
    write_bundle(&plain, &[]);
    let v = verify(&plain, &[]);
    assert_eq!(v.code, 0, "{}", v.stdout);
    assert!(v.stdout.contains("signature: none"), "{}", v.stdout);
    let v = verify(&plain, &["--public-key", PUB]);
    assert_eq!(v.code, 1, "{}", v.stdout);

    // An unsigned manifest edited consistently is caught by its expected digest.
    let digest =
        tenet::evidence::manifest::sha256_hex(&std::fs::read(plain.join("manifest.json")).unwrap());
    let text = std::fs::read_to_string(plain.join("manifest.json")).unwrap();
    std::fs::write(
        plain.join("manifest.json"),
        text.replace("\"tenet\"", "\"tenEt\""),
    )
    .unwrap();
    let v = verify(&plain, &["--expect-digest", &digest]);
    assert_eq!(v.code, 1, "{}", v.stdout);
    assert!(v.stdout.starts_with("digest"), "{}", v.stdout);

    // JSON output names each problem.
    let v = verify(&missing, &["--format", "json"]);
    let json: Value = serde_json::from_str(&v.stdout).unwrap();
    assert_eq!(json["problems"][0]["kind"], "missing");
    assert_eq!(json["problems"][0]["path"], "results/findings.sarif");
}

#[test]
fn edits_inside_an_archive_fail() {
    let tmp = tempfile::tempdir().unwrap();
    let clean = tmp.path().join("clean.tar.gz");
    write_bundle(&clean, &["--sign-key", KEY]);
    let (files, problems) = archive::read(&clean).unwrap();
    assert!(problems.is_empty());

    // A rewritten archive with one byte of one file changed (valid gzip and tar).
    for name in files.keys() {
        let mut edited: BTreeMap<String, Vec<u8>> = files.clone();
        if let Some(bytes) = edited.get_mut(name) {
            flip(bytes);
        }
        let path = tmp.path().join("edited.tar.gz");
        std::fs::write(&path, archive::encode(&edited, 1_767_225_600).unwrap()).unwrap();
        let v = verify(&path, &["--public-key", PUB]);
        assert_eq!(
            v.code, 1,
            "editing {name} inside the archive went unnoticed:\n{}",
            v.stdout
        );
    }

    // A flipped byte of the compressed archive itself: it no longer reads, or a hash breaks.
    // Not every flipped bit of a deflate stream changes what it decodes to (one such bit
    // decoded to the very same archive, which then rightly verified): the first byte from
    // the middle on whose flip changes the decoded stream, or breaks it, is flipped.
    let clean_raw = std::fs::read(&clean).unwrap();
    let decoded = |raw: &[u8]| -> Option<Vec<u8>> {
        let mut out = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(raw), &mut out)
            .ok()
            .map(|_| out)
    };
    let original = decoded(&clean_raw).expect("the clean archive decodes");
    let raw = (clean_raw.len() / 2..clean_raw.len())
        .map(|i| {
            let mut raw = clean_raw.clone();
            raw[i] ^= 0x20;
            raw
        })
        .find(|raw| decoded(raw).as_ref() != Some(&original))
        .expect("some flipped byte changes the archive");
    let path = tmp.path().join("corrupt.tar.gz");
    std::fs::write(&path, raw).unwrap();
    let v = verify(&path, &[]);
    assert_ne!(v.code, 0, "{}{}", v.stdout, v.stderr);

    // A missing path is a usage error, not a verification result.
    let v = verify(&tmp.path().join("nope.tar.gz"), &[]);
    assert_eq!(v.code, 2);
    assert!(v.stderr.contains("nope.tar.gz"), "{}", v.stderr);
}

#[test]
fn changed_inputs_are_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let bundle = tmp.path().join("b");
    write_bundle(&bundle, &[]);
    // A copy of the scanned tree with one input edited.
    let tree = tmp.path().join("tree");
    let src = common::root().join(EXAMPLE);
    copy_dir(&src, &tree.join(EXAMPLE));
    let main = tree.join(EXAMPLE).join("main.tf");
    let text = std::fs::read_to_string(&main).unwrap();
    std::fs::write(&main, text.replace("true", "false")).unwrap();
    let v = verify(&bundle, &["--inputs", tree.to_str().unwrap()]);
    assert_eq!(v.code, 1, "{}", v.stdout);
    assert!(
        v.stdout
            .contains("input-changed  fixtures/terraform/example/main.tf"),
        "{}",
        v.stdout
    );
}

#[test]
fn an_existing_directory_that_is_not_a_bundle_is_not_overwritten() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("precious");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("thesis.txt"), "do not delete").unwrap();
    let out = common::run(&[
        "scan",
        "--root",
        ".",
        EXAMPLE,
        "--evidence",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("refusing to overwrite"),
        "{}",
        out.stderr
    );
    assert!(dir.join("thesis.txt").is_file());
    // A directory with some other `manifest.json` is not a bundle either.
    std::fs::write(dir.join("manifest.json"), r#"{"name": "my web app"}"#).unwrap();
    let out = common::run(&[
        "scan",
        "--root",
        ".",
        EXAMPLE,
        "--evidence",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(dir.join("thesis.txt").is_file());
    // Refused before anything was written: no staging directory beside it.
    assert_eq!(entries_of(tmp.path()), ["precious"]);
    // A previous bundle is replaced, and its staging directory does not stay.
    let bundle = tmp.path().join("bundle");
    write_bundle(&bundle, &[]);
    write_bundle(&bundle, &[]);
    assert_eq!(verify(&bundle, &[]).code, 0);
    assert_eq!(entries_of(tmp.path()), ["bundle", "precious"]);
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target: PathBuf = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[test]
fn configuration_and_the_exceptions_audit_are_recorded() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("b");
    scan_bundle(
        EPOCH,
        &dir,
        &[
            "fixtures/suppress",
            "--exceptions",
            "fixtures/suppress/exceptions.yaml",
        ],
    );
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    let config = manifest["configuration"].as_array().unwrap();
    assert_eq!(config.len(), 1, "{config:?}");
    assert_eq!(config[0]["path"], "fixtures/suppress/exceptions.yaml");
    assert_eq!(config[0]["role"], "exceptions");
    let bytes = std::fs::read(common::root().join("fixtures/suppress/exceptions.yaml")).unwrap();
    assert_eq!(
        config[0]["sha256"],
        tenet::evidence::manifest::sha256_hex(&bytes).as_str()
    );
    // Inputs read only as module sources are hashed too.
    let inputs = manifest["inputs"].as_array().unwrap();
    assert!(
        inputs
            .iter()
            .any(|i| i["path"] == "fixtures/suppress/terraform/modules/bucket/main.tf")
    );
    let audit: Value =
        serde_json::from_slice(&std::fs::read(dir.join("exceptions/audit.json")).unwrap()).unwrap();
    let statuses: Vec<&str> = audit["exceptions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["status"].as_str())
        .collect();
    assert_eq!(statuses, ["applied", "expired", "unused"]);
    let kinds: std::collections::BTreeSet<&str> = audit["suppressed"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["suppression"]["kind"].as_str())
        .collect();
    assert!(
        kinds.contains("exception") && kinds.contains("inline"),
        "{kinds:?}"
    );
    assert!(!audit["problems"].as_array().unwrap().is_empty());
    assert_eq!(verify(&dir, &[]).code, 0);
}
