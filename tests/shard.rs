//! Scale past one machine: `tenet scan --shard I/N` on N "machines" and `tenet merge` of their
//! evidence bundles give, byte for byte, every report format and the evidence archive of a
//! single run; shards that do not make up one whole run are refused with the reason.

mod common;

use std::path::{Path, PathBuf};

const EPOCH: &str = "1767225600"; // 2026-01-01T00:00:00Z

/// Every output format, each to its own file.
const FORMATS: [&str; 10] = [
    "text",
    "json",
    "sarif",
    "compliance",
    "compliance-json",
    "compliance-csv",
    "html",
    "github",
    "junit",
    "markdown",
];

fn format_args(dir: &Path) -> Vec<String> {
    FORMATS
        .iter()
        .flat_map(|f| {
            [
                "--format".to_string(),
                format!("{f}:{}", dir.join(f).display()),
            ]
        })
        .collect()
}

fn run(args: &[String]) -> common::Run {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    common::run_with_env(&args, &[("SOURCE_DATE_EPOCH", EPOCH)])
}

/// `tenet scan` of the whole fixtures tree (every source format, live inventories, load
/// errors, inline suppressions and an exceptions file), all formats into `dir`, the bundle
/// into `dir/bundle.tar.gz`.
fn scan(dir: &Path, extra: &[&str]) -> common::Run {
    std::fs::create_dir_all(dir).unwrap();
    let mut args: Vec<String> = [
        "scan",
        "fixtures",
        "--root",
        ".",
        "--no-config",
        "--exceptions",
        "fixtures/suppress/exceptions.yaml",
        "--evidence",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    args.push(dir.join("bundle.tar.gz").display().to_string());
    args.push("--write-baseline".into());
    args.push(dir.join("baseline.json").display().to_string());
    args.extend(format_args(dir));
    args.extend(extra.iter().map(|s| s.to_string()));
    let r = run(&args);
    assert!(r.stderr.contains("evidence: "), "{}", r.stderr);
    r
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn assert_same_file(single: &Path, merged: &Path) {
    let a = std::fs::read(single).unwrap_or_else(|e| panic!("{}: {e}", single.display()));
    let b = std::fs::read(merged).unwrap_or_else(|e| panic!("{}: {e}", merged.display()));
    if a != b {
        let at = a
            .iter()
            .zip(&b)
            .position(|(x, y)| x != y)
            .unwrap_or(a.len().min(b.len()));
        let window = |v: &[u8]| {
            String::from_utf8_lossy(&v[at.saturating_sub(300)..(at + 300).min(v.len())])
                .into_owned()
        };
        panic!(
            "{} and {} differ at byte {at} ({} vs {} bytes):\n--- single\n{}\n--- merged\n{}",
            single.display(),
            merged.display(),
            a.len(),
            b.len(),
            window(&a),
            window(&b)
        );
    }
}

#[test]
fn merged_shards_equal_a_single_run() {
    let tmp = tempfile::tempdir().unwrap();
    let single_dir = tmp.path().join("single");
    let single = scan(&single_dir, &[]);
    let single_json = json(&single_dir.join("json"));
    let findings = single_json["summary"]["findings"].as_u64().unwrap();
    assert!(
        findings > 500,
        "the fixtures should give many findings: {findings}"
    );
    assert!(single_json["load_errors"].as_array().unwrap().len() > 10);
    assert!(
        single_json["summary"]["suppressed"]["exception"]
            .as_u64()
            .unwrap()
            > 0,
        "the exceptions file should apply"
    );

    for count in [3u32, 1] {
        // The shards run side by side, as on separate machines.
        let shard_dirs: Vec<PathBuf> = (0..count)
            .map(|i| tmp.path().join(format!("n{count}/shard-{i}")))
            .collect();
        let runs: Vec<common::Run> = std::thread::scope(|s| {
            let handles: Vec<_> = shard_dirs
                .iter()
                .enumerate()
                .map(|(i, dir)| {
                    let shard = format!("{i}/{count}");
                    s.spawn(move || scan(dir, &["--shard", &shard]))
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        // Each shard reports only its part: the parts add up to the whole.
        let mut sum = 0;
        for (dir, r) in shard_dirs.iter().zip(&runs) {
            let part = json(&dir.join("json"))["summary"]["findings"]
                .as_u64()
                .unwrap();
            if count > 1 {
                assert!(part > 0 && part < findings, "{}: {part}", dir.display());
            }
            sum += part;
            assert!(r.code == 0 || r.code == 1, "{}", r.stderr);
        }
        assert_eq!(sum, findings);

        let merged_dir = tmp.path().join(format!("n{count}/merged"));
        std::fs::create_dir_all(&merged_dir).unwrap();
        let mut args = vec!["merge".to_string()];
        // Given in any order.
        args.extend(
            shard_dirs
                .iter()
                .rev()
                .map(|d| d.join("bundle.tar.gz").display().to_string()),
        );
        args.push("--evidence".into());
        args.push(merged_dir.join("bundle.tar.gz").display().to_string());
        args.push("--write-baseline".into());
        args.push(merged_dir.join("baseline.json").display().to_string());
        args.extend(format_args(&merged_dir));
        let merged = run(&args);
        assert_eq!(merged.code, single.code, "{}", merged.stderr);
        assert!(
            merged.stderr.contains(&format!("from {count} shards")),
            "{}",
            merged.stderr
        );
        for f in FORMATS.iter().chain(&["baseline.json"]) {
            assert_same_file(&single_dir.join(f), &merged_dir.join(f));
        }
        assert_same_file(
            &single_dir.join("bundle.tar.gz"),
            &merged_dir.join("bundle.tar.gz"),
        );
        let verify = common::run(&["verify", merged_dir.join("bundle.tar.gz").to_str().unwrap()]);
        assert_eq!(verify.code, 0, "{}{}", verify.stdout, verify.stderr);
    }
}

/// Two shards of a small scan, as directories, with `extra` arguments.
fn small_shards(root: &Path, name: &str, count: u32, extra: &[&str]) -> Vec<String> {
    (0..count)
        .map(|i| {
            let out = root.join(format!("{name}-{i}"));
            let mut args: Vec<String> = [
                "scan",
                "fixtures/terraform",
                "fixtures/kubernetes",
                "--root",
                ".",
                "--no-config",
                "--format",
                "json:/dev/null",
                "--shard",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect();
            args.push(format!("{i}/{count}"));
            args.push("--evidence".into());
            args.push(out.display().to_string());
            args.extend(extra.iter().map(|s| s.to_string()));
            let r = run(&args);
            assert!(r.stderr.contains("evidence: "), "{}", r.stderr);
            out.display().to_string()
        })
        .collect()
}

fn merge(bundles: &[&str]) -> common::Run {
    let mut args = vec!["merge", "--format", "json:/dev/null"];
    args.extend_from_slice(bundles);
    common::run(&args)
}

#[test]
fn shards_that_are_not_one_whole_run_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let s = small_shards(tmp.path(), "a", 3, &[]);

    let r = merge(&[&s[0], &s[2]]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("shard(s) missing: 1/3"), "{}", r.stderr);

    let r = merge(&[&s[0], &s[1], &s[1], &s[2]]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("shard 1/3 is given twice"),
        "{}",
        r.stderr
    );

    // Another run's shard: other rules were evaluated.
    let other = small_shards(
        tmp.path(),
        "b",
        3,
        &["--skip-rule", "k8s-privileged-container"],
    );
    let r = merge(&[&s[0], &s[1], &other[2]]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("do not belong to one run: the rules run differs"),
        "{}",
        r.stderr
    );

    // A shard of a split into 2 among shards of 3.
    let halves = small_shards(tmp.path(), "c", 2, &[]);
    let r = merge(&[&s[0], &s[1], &halves[1]]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("the shard count differs"), "{}", r.stderr);

    // A bundle changed after it was written is named, with what changed.
    let state = Path::new(&s[1]).join("shard/state.json");
    let mut text = std::fs::read_to_string(&state).unwrap();
    text = text.replacen("\"failed\": ", "\"failed\": 1", 1);
    std::fs::write(&state, text).unwrap();
    let r = merge(&[&s[0], &s[1], &s[2]]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains(&format!(
            "{}: the bundle does not verify (changed shard/state.json)",
            s[1]
        )),
        "{}",
        r.stderr
    );

    // The bundle of an unsharded run cannot be merged.
    let whole = tmp.path().join("whole");
    let r = common::run(&[
        "scan",
        "fixtures/terraform",
        "--root",
        ".",
        "--no-config",
        "--format",
        "json:/dev/null",
        "--evidence",
        whole.to_str().unwrap(),
    ]);
    assert!(r.stderr.contains("evidence: "), "{}", r.stderr);
    let r = merge(&[whole.to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("not the bundle of a shard (write it with --shard I/N --evidence)"),
        "{}",
        r.stderr
    );

    // `--shard` itself checks its value.
    let r = common::run(&["scan", "fixtures/terraform", "--shard", "3/3"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("I must be below N"), "{}", r.stderr);
}

const INDEXED_JOB: &str = "deploy/kubernetes/audit-indexed-job.yaml";

/// The container arguments of the Job `name` in the Indexed Job manifest.
fn job<'a>(docs: &'a [serde_json::Value], name: &str) -> &'a serde_json::Value {
    docs.iter()
        .find(|d| d["kind"] == "Job" && d["metadata"]["name"] == name)
        .unwrap_or_else(|| panic!("no Job {name}"))
}

fn args_of(job: &serde_json::Value) -> Vec<String> {
    job["spec"]["template"]["spec"]["containers"][0]["args"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap().to_string())
        .collect()
}

/// The Indexed Job manifest is run as Kubernetes would run it (each pod's arguments with its
/// completion index, then the merge's), on a copy of fixtures at `/src`: the merge gives the
/// single run's JSON and evidence archive. The manifest also passes tenet's own rules.
#[test]
fn the_indexed_job_manifest_merges_to_a_single_run() {
    let lint = common::run(&[
        "scan",
        INDEXED_JOB,
        "--no-config",
        "--fail-on",
        "info",
        "-f",
        "json",
    ]);
    assert_eq!(lint.code, 0, "{}", lint.stdout);

    let text = std::fs::read_to_string(common::root().join(INDEXED_JOB)).unwrap();
    let docs: Vec<serde_json::Value> = text
        .split("\n---\n")
        .map(|d| yaml_serde::from_str(d).unwrap())
        .collect();
    let shards = job(&docs, "tenet-scan-shards");
    assert_eq!(shards["spec"]["completionMode"], "Indexed");
    let count = shards["spec"]["completions"].as_u64().unwrap();
    assert_eq!(shards["spec"]["parallelism"].as_u64(), Some(count));
    let env = &shards["spec"]["template"]["spec"]["containers"][0]["env"][0];
    assert_eq!(env["name"], "SHARD_INDEX");
    assert_eq!(
        env["valueFrom"]["fieldRef"]["fieldPath"],
        "metadata.annotations['batch.kubernetes.io/job-completion-index']"
    );
    // The merge may only read the Job it waits for.
    let role = docs.iter().find(|d| d["kind"] == "Role").unwrap();
    assert_eq!(
        role["rules"],
        serde_json::json!([{"apiGroups": ["batch"], "resources": ["jobs"],
            "resourceNames": ["tenet-scan-shards"], "verbs": ["get"]}])
    );

    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    for part in ["terraform", "kubernetes", "bicep"] {
        std::fs::create_dir_all(src.join(part)).unwrap();
        common::copy_tree(&common::root().join("fixtures").join(part), &src.join(part));
    }
    let place = |arg: &str, index: Option<u64>| -> String {
        let mut a = arg
            .replace("/src", src.to_str().unwrap())
            .replace("/shards/", &format!("{}/shards/", tmp.path().display()))
            .replace("/evidence/", &format!("{}/evidence/", tmp.path().display()))
            .replace("$(POD_NAME)", "tenet-merge-x7k2p");
        if let Some(i) = index {
            a = a.replace("$(SHARD_INDEX)", &i.to_string());
        }
        a
    };
    let shard_args = args_of(shards);
    assert!(
        shard_args.contains(&format!("--shard=$(SHARD_INDEX)/{count}")),
        "{shard_args:?}"
    );
    for i in 0..count {
        let args: Vec<String> = shard_args.iter().map(|a| place(a, Some(i))).collect();
        let r = run(&args);
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    let merge_args: Vec<String> = args_of(job(&docs, "tenet-merge"))
        .iter()
        .map(|a| place(a, None))
        .collect();
    let bundles = merge_args
        .iter()
        .filter(|a| a.ends_with(".tar.gz") && !a.starts_with("--"));
    assert_eq!(bundles.count() as u64, count, "{merge_args:?}");
    let merged = run(&merge_args);
    assert_eq!(merged.code, 0, "{}", merged.stderr);

    let single = tmp.path().join("single");
    let src_arg = src.to_str().unwrap().to_string();
    let r = run(&[
        "scan".into(),
        src_arg.clone(),
        format!("--root={src_arg}"),
        "--soft-fail".into(),
        format!("--evidence={}/bundle.tar.gz", single.display()),
        format!("--format=json:{}/report.json", single.display()),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out = tmp.path().join("evidence");
    assert_same_file(
        &single.join("report.json"),
        &out.join("sharded-scan-tenet-merge-x7k2p.json"),
    );
    assert_same_file(
        &single.join("bundle.tar.gz"),
        &out.join("sharded-scan-tenet-merge-x7k2p.tar.gz"),
    );
    assert!(
        json(&single.join("report.json"))["summary"]["findings"]
            .as_u64()
            .unwrap()
            > 50
    );
}
