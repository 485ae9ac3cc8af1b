//! `tenet audit --provider aws` against a real AWS API: moto's server on 127.0.0.1, seeded by
//! boto3 (fixtures/live/aws/seed.py), with signature and IAM checking on in one test and a
//! fault-injecting proxy (throttling, 500s, hangs) in front of it in others.
//!
//! Safety: every process gets static dummy credentials, `AWS_EC2_METADATA_DISABLED=true`, a
//! HOME without AWS files, and endpoints on 127.0.0.1; nothing leaves loopback.
#![cfg(feature = "live")]

mod common;

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::Value;

/// The Python environment with moto and boto3 (`.ci/install-tools moto`), or `TENET_MOTO_VENV`.
fn venv() -> PathBuf {
    let dir = std::env::var_os("TENET_MOTO_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| common::root().join(".ci/tools/moto-venv"));
    assert!(
        dir.join("bin/moto_server").is_file(),
        "moto is not installed at {}: run `.ci/install-tools moto` (or set TENET_MOTO_VENV)",
        dir.display()
    );
    dir
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// A moto server on a free loopback port, stopped on drop.
struct Moto {
    child: Child,
    url: String,
}

impl Moto {
    fn start(no_auth_allowance: Option<u32>) -> Moto {
        let port = free_port();
        let mut cmd = Command::new(venv().join("bin/moto_server"));
        cmd.args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        safe_env(&mut cmd);
        if let Some(n) = no_auth_allowance {
            cmd.env("INITIAL_NO_AUTH_ACTION_COUNT", n.to_string());
        }
        let child = cmd.spawn().expect("start moto_server");
        let url = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(60);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "moto_server did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        Moto { child, url }
    }

    /// Runs the seed script; returns what it printed.
    fn seed(&self, extra: &[&str]) -> String {
        let mut cmd = Command::new(venv().join("bin/python"));
        cmd.arg(common::root().join("fixtures/live/aws/seed.py"))
            .arg(&self.url)
            .args(extra);
        safe_env(&mut cmd);
        let out = cmd.output().expect("run seed.py");
        assert!(
            out.status.success(),
            "seed.py failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Dummy credentials, no metadata service, no AWS files of the machine.
fn safe_env(cmd: &mut Command) {
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy().starts_with("AWS_") {
            cmd.env_remove(k);
        }
    }
    cmd.env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("HOME", "/nonexistent")
        .env("NO_PROXY", "127.0.0.1")
        .env_remove("HTTP_PROXY")
        .env_remove("HTTPS_PROXY");
}

struct Audit {
    code: i32,
    stdout: String,
    stderr: String,
}

fn audit(endpoint: &str, keys: Option<(&str, &str)>, args: &[&str]) -> Audit {
    let mut cmd = common::tenet();
    safe_env(&mut cmd);
    if let Some((id, secret)) = keys {
        cmd.env("AWS_ACCESS_KEY_ID", id)
            .env("AWS_SECRET_ACCESS_KEY", secret);
    }
    cmd.env("AWS_ENDPOINT_URL", endpoint).args([
        "audit",
        "--provider",
        "aws",
        "--region",
        "us-east-1",
        "--no-config",
        "--quiet",
    ]);
    cmd.args(args);
    let out = cmd.output().expect("run tenet audit");
    Audit {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// (rule, resource name) of every finding of a JSON report.
fn findings(report: &Value) -> BTreeSet<(String, String)> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap_or("").to_string(),
                f["resource"]["name"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

/// The misconfigurations seed.py plants, and nothing else.
fn seeded(bad_sg: &str, bad_vpc_and_key: (&str, &str), volume: &str) -> BTreeSet<(String, String)> {
    let (vpc, key) = bad_vpc_and_key;
    [
        ("aws-cloudtrail-kms", "tenet-bad-trail"),
        ("aws-cloudtrail-log-validation", "tenet-bad-trail"),
        ("aws-cloudtrail-multi-region", "tenet-bad-trail"),
        ("aws-ec2-sg-admin-ports-public", bad_sg),
        ("aws-ebs-encryption", volume),
        ("aws-iam-policy-admin", "tenet-bad-policy"),
        ("aws-iam-user-mfa", "tenet-bad-user"),
        // moto's root user has no MFA, and it cannot be given one.
        ("aws-iam-root-account", "account"),
        ("aws-kms-key-rotation", key),
        ("aws-rds-backup-retention", "tenet-bad-db"),
        ("aws-rds-deletion-protection", "tenet-bad-db"),
        ("aws-rds-minor-version-upgrade", "tenet-bad-db"),
        ("aws-rds-multi-az", "tenet-bad-db"),
        ("aws-rds-public-access", "tenet-bad-db"),
        ("aws-rds-storage-encrypted", "tenet-bad-db"),
        ("aws-s3-access-logging", "tenet-bad"),
        ("aws-s3-encryption-at-rest", "tenet-bad"),
        ("aws-s3-public-access-block", "tenet-bad"),
        ("aws-s3-public-acl", "tenet-bad"),
        ("aws-s3-secure-transport", "tenet-bad"),
        ("aws-s3-versioning", "tenet-bad"),
        ("aws-vpc-flow-logs", vpc),
    ]
    .into_iter()
    .map(|(r, n)| (r.to_string(), n.to_string()))
    .collect()
}

/// Names of the seeded resources whose ids moto invents, read from the collected inventory.
fn invented_names(inventory: &Value) -> (String, String, String, String) {
    let resources = inventory["resources"].as_array().expect("resources");
    let find = |pred: &dyn Fn(&Value) -> bool| -> String {
        resources
            .iter()
            .find(|r| pred(r))
            .and_then(|r| r["name"].as_str())
            .map(str::to_string)
            .expect("seeded resource in the inventory")
    };
    let sg = find(&|r| r["attributes"]["name"] == "tenet-bad-sg");
    let vpc = find(&|r| r["type"] == "aws_vpc" && r["attributes"]["cidr_block"] == "10.20.0.0/16");
    let key =
        find(&|r| r["type"] == "aws_kms_key" && r["attributes"]["description"] == "tenet-bad-key");
    let volume = find(&|r| r["type"] == "aws_ebs_volume" && r["attributes"]["encrypted"] == false);
    (sg, vpc, key, volume)
}

fn read_json(path: &std::path::Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).expect("read")).expect("JSON")
}

/// Unpacks a bundle archive into a directory.
fn unpack(archive: &std::path::Path, into: &std::path::Path) {
    let status = Command::new("tar")
        .arg("-xzf")
        .arg(archive)
        .arg("-C")
        .arg(into)
        .status()
        .expect("tar");
    assert!(status.success());
}

#[test]
fn seeded_account_gives_exactly_the_seeded_findings_and_a_verifiable_bundle() {
    let moto = Moto::start(None);
    moto.seed(&[]);
    let dir = tempfile::tempdir().unwrap();
    let bundle = dir.path().join("out.tar.gz");
    let report = dir.path().join("report.json");
    let sarif = dir.path().join("report.sarif");
    let run = audit(
        &moto.url,
        None,
        &[
            "--framework",
            "soc2",
            "--evidence",
            bundle.to_str().unwrap(),
            "-f",
            &format!("json:{}", report.display()),
            "-f",
            &format!("sarif:{}", sarif.display()),
            "-f",
            "compliance",
        ],
    );
    assert_eq!(run.code, 1, "findings exit 1\n{}", run.stderr);
    assert!(
        run.stderr
            .contains("audit: aws account 123456789012; region us-east-1:"),
        "{}",
        run.stderr
    );

    let unpacked = dir.path().join("bundle");
    std::fs::create_dir(&unpacked).unwrap();
    unpack(&bundle, &unpacked);
    let inventory = read_json(&unpacked.join("inventory/graph.json"));
    let (sg, vpc, key, volume) = invented_names(&inventory);
    let json = read_json(&report);
    assert_eq!(findings(&json), seeded(&sg, (&vpc, &key), &volume));
    assert!(json["undetermined"].as_array().unwrap().is_empty());
    assert!(inventory.get("gaps").is_none(), "nothing was denied");

    // The bundle verifies and records the audited scope.
    let verify = common::run(&["verify", bundle.to_str().unwrap()]);
    assert_eq!(verify.code, 0, "{}", verify.stdout);
    let manifest = read_json(&unpacked.join("manifest.json"));
    let live = &manifest["scope"]["live"];
    assert_eq!(manifest["scope"]["command"], "audit");
    assert_eq!(live["provider"], "aws");
    assert_eq!(live["accounts"][0], "123456789012");
    assert_eq!(live["regions"][0], "us-east-1");
    assert_eq!(live["endpoints"][0], moto.url);
    assert!(live["collected_from"].as_str().unwrap().ends_with('Z'));
    assert_eq!(manifest["scope"]["frameworks"][0], "soc2");

    // The stored inventory replays offline to the same findings.
    let replay = common::run(&[
        "scan",
        unpacked.join("inventory/graph.json").to_str().unwrap(),
        "--no-config",
        "-f",
        "json",
    ]);
    assert_eq!(replay.code, 1, "{}", replay.stdout);
    let replayed: Value = serde_json::from_str(&replay.stdout).unwrap();
    assert_eq!(findings(&replayed), findings(&json));

    // SOC 2 CC6.1 fails on seeded resources; the SARIF is valid for GitHub.
    let controls = read_json(&unpacked.join("summary/controls.json"));
    let cc61 = controls["frameworks"][0]["controls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "CC6.1")
        .expect("CC6.1");
    assert_eq!(cc61["status"], "fail");
    assert!(run.stdout.contains("SOC 2"), "{}", run.stdout);
    // Errors fail inside; the one warning left is the driver's missing informationUri, as
    // for `tenet scan`.
    let warnings = common::validate_sarif(&sarif);
    assert!(
        warnings.iter().all(|w| w.contains("SARIF2005")),
        "{warnings:?}"
    );
}

#[test]
fn signatures_are_checked_and_denied_calls_are_not_evaluated() {
    // moto verifies signatures and IAM policies once its allowance is used up (seed.py burns it).
    let moto = Moto::start(Some(400));
    let printed = moto.seed(&["--deny"]);
    let keys: Value = serde_json::from_str(printed.lines().last().unwrap()).unwrap();
    let id = keys["access_key_id"].as_str().unwrap();
    let secret = keys["secret_access_key"].as_str().unwrap();

    // A wrong secret: every call is refused, nothing passes.
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("bad.json");
    let run = audit(
        &moto.url,
        Some((id, "not-the-secret")),
        &[
            "-f",
            &format!("json:{}", report.display()),
            "-f",
            "compliance-json",
        ],
    );
    assert!(run.stderr.contains(": 0 resources"), "{}", run.stderr);
    let refused = read_json(&report);
    let errors = refused["load_errors"].as_array().unwrap();
    assert!(!errors.is_empty());
    assert!(
        errors
            .iter()
            .all(|e| e["message"].as_str().unwrap().contains("(denied)")),
        "{errors:?}"
    );
    assert!(
        errors.iter().any(|e| e["message"]
            .as_str()
            .unwrap()
            .contains("SignatureDoesNotMatch")),
        "{errors:?}"
    );
    let compliance: Value = serde_json::from_str(&run.stdout).expect("compliance JSON");
    for fw in compliance["frameworks"].as_array().unwrap() {
        for c in fw["controls"].as_array().unwrap() {
            let aws_rules = c["rules"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r["id"].as_str().unwrap().starts_with("aws-"));
            let only_aws = c["rules"]
                .as_array()
                .unwrap()
                .iter()
                .all(|r| r["id"].as_str().unwrap().starts_with("aws-"));
            if aws_rules && only_aws {
                assert_eq!(c["status"], "not-evaluated", "{} {}", fw["id"], c["id"]);
                assert!(
                    c["reason"].as_str().unwrap().contains("lacks inventory"),
                    "{c}"
                );
            }
        }
    }

    // The right keys: signed requests pass, and the two denied calls leave their rules
    // undecided for the resources they concern, never passing.
    let bundle = dir.path().join("denied");
    let report = dir.path().join("denied.json");
    let run = audit(
        &moto.url,
        Some((id, secret)),
        &[
            "--framework",
            "soc2",
            "--evidence",
            bundle.to_str().unwrap(),
            "-f",
            &format!("json:{}", report.display()),
        ],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let inventory = read_json(&bundle.join("inventory/graph.json"));
    let gaps: Vec<(String, String)> = inventory["gaps"]
        .as_array()
        .expect("gaps")
        .iter()
        .map(|g| {
            (
                g["operation"].as_str().unwrap().to_string(),
                g["kind"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(
        gaps.contains(&("ec2:DescribeVolumes".into(), "denied".into())),
        "{gaps:?}"
    );
    assert!(
        gaps.contains(&("s3:GetBucketPolicy".into(), "denied".into())),
        "{gaps:?}"
    );
    assert!(gaps.iter().all(|(_, k)| k == "denied"), "{gaps:?}");
    let json = read_json(&report);
    let found = findings(&json);
    assert!(
        !found
            .iter()
            .any(|(r, _)| r == "aws-s3-secure-transport" || r == "aws-ebs-encryption")
    );
    assert!(found.contains(&("aws-s3-versioning".into(), "tenet-bad".into())));
    let undetermined: BTreeSet<(String, String)> = json["undetermined"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap().into(),
                f["resource"]["name"].as_str().unwrap().into(),
            )
        })
        .collect();
    for b in ["tenet-bad", "tenet-good", "tenet-logs"] {
        assert!(
            undetermined.contains(&("aws-s3-secure-transport".into(), b.into())),
            "{undetermined:?}"
        );
    }
    let controls = read_json(&bundle.join("summary/controls.json"));
    let rules: Vec<&Value> = controls["frameworks"][0]["controls"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["rules"].as_array().unwrap())
        .collect();
    for id in ["aws-ebs-encryption", "aws-s3-secure-transport"] {
        for r in rules.iter().filter(|r| r["id"] == id) {
            assert_eq!(r["status"], "not-evaluated", "{id}: {r}");
        }
    }
    let ebs = rules
        .iter()
        .find(|r| r["id"] == "aws-ebs-encryption")
        .unwrap();
    assert!(
        ebs["unread"]
            .as_array()
            .unwrap()
            .contains(&Value::from("ec2:DescribeVolumes (us-east-1): denied")),
        "{ebs}"
    );
    let verify = common::run(&["verify", bundle.to_str().unwrap()]);
    assert_eq!(verify.code, 0, "{}", verify.stdout);
    assert!(read_json(&bundle.join("manifest.json"))["results"]["load_errors"].as_u64() >= Some(2));
    // Replayed offline, the inventory keeps its gaps: the same rules stay not-evaluated.
    let replay = common::run(&[
        "scan",
        bundle.join("inventory/graph.json").to_str().unwrap(),
        "--no-config",
        "--framework",
        "soc2",
        "-f",
        "compliance-json",
    ]);
    let replayed: Value = serde_json::from_str(&replay.stdout).unwrap();
    for r in replayed["frameworks"][0]["controls"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["rules"].as_array().unwrap())
        .filter(|r| r["id"] == "aws-ebs-encryption")
    {
        assert_eq!(r["status"], "not-evaluated", "{r}");
    }
}

/// What the proxy does to requests.
#[derive(Clone, Copy)]
enum Fault {
    /// Throttle (400 Throttling / 503 SlowDown / 429) the first two attempts of every request.
    ThrottleTwice,
    /// Answer 500 to every KMS ListKeys.
    KmsDown,
    /// Never answer DescribeVolumes.
    HangVolumes,
}

/// A one-request-per-connection HTTP proxy to moto that injects faults.
struct Proxy {
    url: String,
    faults: Arc<AtomicUsize>,
}

impl Proxy {
    fn start(upstream: &str, fault: Fault) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let upstream = upstream.trim_start_matches("http://").to_string();
        let faults = Arc::new(AtomicUsize::new(0));
        let seen: Arc<std::sync::Mutex<std::collections::HashMap<Vec<u8>, usize>>> = Arc::default();
        let counter = faults.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming().flatten() {
                let upstream = upstream.clone();
                let seen = seen.clone();
                let counter = counter.clone();
                std::thread::spawn(move || {
                    let _ = serve(conn, &upstream, fault, &seen, &counter);
                });
            }
        });
        Proxy { url, faults }
    }
}

fn serve(
    mut conn: TcpStream,
    upstream: &str,
    fault: Fault,
    seen: &std::sync::Mutex<std::collections::HashMap<Vec<u8>, usize>>,
    faults: &AtomicUsize,
) -> std::io::Result<()> {
    let mut reader = BufReader::new(conn.try_clone()?);
    let mut head = Vec::new();
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = v.trim().parse().unwrap_or(0);
        }
        let end = line == "\r\n";
        if !line.to_ascii_lowercase().starts_with("connection:") && !end {
            head.extend_from_slice(line.as_bytes());
        }
        if end {
            break;
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    let text = String::from_utf8_lossy(&head).to_string() + &String::from_utf8_lossy(&body);
    // A request's identity for counting attempts: its first line, target and body, without
    // the signature headers that change per attempt.
    let first_line = text.lines().next().unwrap_or("").to_string();
    let target = text
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with("x-amz-target"))
        .unwrap_or("")
        .to_string();
    let key = [first_line.as_bytes(), target.as_bytes(), &body].concat();
    let attempt = {
        let mut map = seen.lock().unwrap();
        let n = map.entry(key).or_insert(0);
        *n += 1;
        *n
    };
    let respond = |conn: &mut TcpStream, status: &str, content: &str| {
        let _ = write!(
            conn,
            "HTTP/1.1 {status}\r\nContent-Type: text/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{content}",
            content.len()
        );
    };
    match fault {
        Fault::ThrottleTwice if attempt <= 2 => {
            faults.fetch_add(1, Ordering::SeqCst);
            let (status, body) = match attempt % 3 {
                1 => (
                    "400 Bad Request",
                    "<ErrorResponse><Error><Code>Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>",
                ),
                _ => (
                    "503 Slow Down",
                    "<Error><Code>SlowDown</Code><Message>Reduce your request rate</Message></Error>",
                ),
            };
            respond(&mut conn, status, body);
            return Ok(());
        }
        Fault::KmsDown if target.contains("TrentService.ListKeys") => {
            faults.fetch_add(1, Ordering::SeqCst);
            respond(
                &mut conn,
                "500 Internal Server Error",
                "{\"__type\":\"KMSInternalException\"}",
            );
            return Ok(());
        }
        Fault::HangVolumes if String::from_utf8_lossy(&body).contains("Action=DescribeVolumes") => {
            faults.fetch_add(1, Ordering::SeqCst);
            std::thread::sleep(Duration::from_secs(5));
            return Ok(());
        }
        _ => {}
    }
    let mut up = TcpStream::connect(upstream)?;
    up.write_all(&head)?;
    up.write_all(b"Connection: close\r\n\r\n")?;
    up.write_all(&body)?;
    let mut answer = Vec::new();
    up.read_to_end(&mut answer)?;
    conn.write_all(&answer)?;
    Ok(())
}

#[test]
fn throttling_is_retried_until_the_answer_comes() {
    let moto = Moto::start(None);
    moto.seed(&[]);
    let proxy = Proxy::start(&moto.url, Fault::ThrottleTwice);
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("r.json");
    let run = audit(
        &proxy.url,
        None,
        &["-f", &format!("json:{}", report.display())],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(proxy.faults.load(Ordering::SeqCst) > 20);
    assert!(
        !run.stderr.contains("failed"),
        "no gaps expected: {}",
        run.stderr
    );
    let retried: u64 = run
        .stderr
        .split(" requests, ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|n| n.parse().ok())
        .expect("summary line");
    assert!(retried >= 40, "{}", run.stderr);
    assert_eq!(findings(&read_json(&report)).len(), 22);
}

#[test]
fn server_errors_and_timeouts_leave_rules_not_evaluated() {
    let moto = Moto::start(None);
    moto.seed(&[]);
    for (fault, operation, kind, rule) in [
        (
            Fault::KmsDown,
            "kms:ListKeys",
            "server-error",
            "aws-kms-key-rotation",
        ),
        (
            Fault::HangVolumes,
            "ec2:DescribeVolumes",
            "timeout",
            "aws-ebs-encryption",
        ),
    ] {
        let proxy = Proxy::start(&moto.url, fault);
        let dir = tempfile::tempdir().unwrap();
        let run = audit(
            &proxy.url,
            None,
            &[
                "--max-attempts",
                "2",
                "--request-timeout",
                "1",
                "--evidence",
                dir.path().join("b").to_str().unwrap(),
                "-f",
                "json",
            ],
        );
        assert_eq!(run.code, 1, "{}", run.stderr);
        assert!(run.stderr.contains("1 call(s) failed"), "{}", run.stderr);
        let json: Value = serde_json::from_str(&run.stdout).unwrap();
        assert!(
            json["load_errors"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["file"] == format!("aws:{operation}@us-east-1")),
            "{}",
            json["load_errors"]
        );
        assert!(!findings(&json).iter().any(|(r, _)| r == rule));
        let controls = read_json(&dir.path().join("b/summary/controls.json"));
        let statuses: BTreeSet<String> = controls["frameworks"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|f| f["controls"].as_array().unwrap())
            .flat_map(|c| c["rules"].as_array().unwrap())
            .filter(|r| r["id"] == rule)
            .map(|r| r["status"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(
            statuses,
            BTreeSet::from(["not-evaluated".to_string()]),
            "{rule}"
        );
        let inventory = read_json(&dir.path().join("b/inventory/graph.json"));
        assert_eq!(inventory["gaps"][0]["kind"], kind);
        assert!(
            proxy.faults.load(Ordering::SeqCst) >= 2,
            "both attempts hit the fault"
        );
    }
}

/// The credential chain against moto: a named profile from the shared files, and web
/// identity (sts:AssumeRoleWithWebIdentity, as EKS IRSA and GitHub OIDC use), each reading the
/// account id back through signed calls.
#[test]
fn credentials_come_from_profiles_and_web_identity() {
    let moto = Moto::start(None);
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir(home.path().join(".aws")).unwrap();
    std::fs::write(
        home.path().join(".aws/credentials"),
        "[default]\naws_access_key_id = wrong\naws_secret_access_key = wrong\n\n\
         [auditor]\naws_access_key_id = testing\naws_secret_access_key = testing\n",
    )
    .unwrap();
    std::fs::write(
        home.path().join(".aws/config"),
        format!(
            "[profile auditor]\nregion = eu-west-1\nendpoint_url = {}\n",
            moto.url
        ),
    )
    .unwrap();
    let token = home.path().join("oidc-token");
    std::fs::write(
        &token,
        "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXBvOmFjbWUvaW5mcmEifQ.c2ln\n",
    )
    .unwrap();
    // `tenet audit --provider aws ARGS` with the safe environment but without static keys;
    // `None` removes a variable.
    let run = |env: &[(&str, Option<&std::ffi::OsStr>)], args: &[&str]| {
        let mut cmd = common::tenet();
        safe_env(&mut cmd);
        cmd.env_remove("AWS_ACCESS_KEY_ID")
            .env_remove("AWS_SECRET_ACCESS_KEY")
            .args(["audit", "--provider", "aws", "--no-config", "-q"])
            .args(args);
        for (k, v) in env {
            match v {
                Some(v) => cmd.env(k, v),
                None => cmd.env_remove(k),
            };
        }
        let out = cmd.output().unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let read_cleanly = |text: &str, region: &str| {
        assert!(
            text.contains(&format!(
                "audit: aws account 123456789012; region {region}:"
            )),
            "{text}"
        );
        assert!(!text.contains("call(s) failed"), "{text}");
    };
    let os = std::ffi::OsStr::new;

    // --profile: keys and region from the shared files; the endpoint from the profile.
    let (_, text) = run(
        &[
            ("AWS_DEFAULT_REGION", None),
            ("HOME", Some(home.path().as_os_str())),
        ],
        &["--profile", "auditor", "-f", "json"],
    );
    read_cleanly(&text, "eu-west-1");

    // Web identity from the environment.
    let (_, text) = run(
        &[
            ("AWS_WEB_IDENTITY_TOKEN_FILE", Some(token.as_os_str())),
            (
                "AWS_ROLE_ARN",
                Some(os("arn:aws:iam::123456789012:role/tenet-audit")),
            ),
            ("AWS_ENDPOINT_URL", Some(os(&moto.url))),
        ],
        &["-f", "json"],
    );
    read_cleanly(&text, "us-east-1");

    // No credentials anywhere: a clear error naming the ways to give them, and no call made.
    let (code, text) = run(&[("AWS_ENDPOINT_URL", Some(os(&moto.url)))], &[]);
    assert_eq!(code, Some(2));
    assert!(text.contains("no AWS credentials"), "{text}");
}
