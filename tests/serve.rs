//! `tenet serve` end to end: the real binary over real TLS on 127.0.0.1, with a CA and
//! serving certificate made for the test, and a client that trusts only that CA (as the API
//! server trusts only the webhook's `caBundle`).
#![cfg(feature = "serve")]

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/admission")
        .join(name)
}

/// A CA and a serving certificate for `localhost`, `127.0.0.1` and the in-cluster name.
struct Pki {
    ca_pem: String,
    ca: rcgen::Issuer<'static, rcgen::KeyPair>,
}

impl Pki {
    fn new() -> Pki {
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).expect("params");
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "tenet test CA");
        params.key_usages = vec![
            rcgen::KeyUsagePurpose::KeyCertSign,
            rcgen::KeyUsagePurpose::CrlSign,
        ];
        let key = rcgen::KeyPair::generate().expect("key");
        let cert = params.self_signed(&key).expect("CA");
        Pki {
            ca_pem: cert.pem(),
            ca: rcgen::Issuer::new(params, key),
        }
    }

    /// Writes a serving certificate and key signed by the CA into `dir`.
    fn issue(&self, dir: &Path, common_name: &str) {
        let mut params = rcgen::CertificateParams::new(vec![
            "localhost".to_string(),
            "127.0.0.1".to_string(),
            "tenet-webhook.tenet-system.svc".to_string(),
        ])
        .expect("params");
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, common_name);
        let key = rcgen::KeyPair::generate().expect("key");
        let cert = params.signed_by(&key, &self.ca).expect("signed");
        // Written to temporary names and renamed, as a Secret volume update is atomic.
        for (name, text) in [("tls.crt", cert.pem()), ("tls.key", key.serialize_pem())] {
            let tmp = dir.join(format!(".{name}.new"));
            std::fs::write(&tmp, text).expect("write");
            std::fs::rename(&tmp, dir.join(name)).expect("rename");
        }
    }
}

/// A running `tenet serve`, its log lines collected.
struct Server {
    child: Child,
    /// The name the client connects by (resolved to the listening address).
    host: String,
    addr: std::net::SocketAddr,
    logs: Arc<Mutex<Vec<Value>>>,
    client: reqwest::blocking::Client,
}

impl Server {
    fn start(pki: &Pki, dir: &Path, extra: &[&str]) -> Server {
        Server::start_as(&pki.ca_pem, dir, "localhost", extra)
    }

    /// Starts a server with the certificate in `dir`; the client trusts only `ca_pem` and
    /// connects by `host`, as the API server connects to the Service's DNS name.
    fn start_as(ca_pem: &str, dir: &Path, host: &str, extra: &[&str]) -> Server {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_tenet"));
        cmd.args(["serve", "--listen", "127.0.0.1:0", "--tls-cert"])
            .arg(dir.join("tls.crt"))
            .arg("--tls-key")
            .arg(dir.join("tls.key"))
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        let mut child = cmd.spawn().expect("tenet serve starts");
        let stdout = child.stdout.take().expect("stdout");
        let logs: Arc<Mutex<Vec<Value>>> = Arc::default();
        let (tx, rx) = std::sync::mpsc::channel();
        {
            let logs = logs.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                    let v: Value = serde_json::from_str(&line)
                        .unwrap_or_else(|e| panic!("log line is not JSON ({e}): {line}"));
                    if v["msg"] == "listening" {
                        let _ = tx.send(v["address"].as_str().unwrap_or_default().to_string());
                    }
                    logs.lock().expect("logs").push(v);
                }
            });
        }
        let addr: std::net::SocketAddr = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("the server says where it listens")
            .parse()
            .expect("an address");
        let mut server = Server {
            child,
            host: host.to_string(),
            addr,
            logs,
            client: client(ca_pem, host, addr),
        };
        server.wait_ready();
        server
    }

    fn url(&self, path: &str) -> String {
        format!("https://{}:{}{path}", self.host, self.addr.port())
    }

    fn wait_ready(&mut self) {
        let started = Instant::now();
        loop {
            if let Ok(r) = self.client.get(self.url("/readyz")).send()
                && r.status() == 200
            {
                return;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("tenet serve exited: {status}");
            }
            assert!(
                started.elapsed() < Duration::from_secs(120),
                "not ready in time"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn post(&self, body: Vec<u8>) -> (u16, String) {
        let r = self
            .client
            .post(self.url("/validate"))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .expect("request");
        (r.status().as_u16(), r.text().expect("body"))
    }

    fn review(&self, name: &str) -> Value {
        let (status, text) = self.post(std::fs::read(fixture(name)).expect("fixture"));
        assert_eq!(status, 200, "{name}: {text}");
        let v: Value = serde_json::from_str(&text).expect("JSON response");
        assert_eq!(v["apiVersion"], "admission.k8s.io/v1");
        assert_eq!(v["kind"], "AdmissionReview");
        v["response"].clone()
    }

    fn metrics(&self) -> String {
        self.client
            .get(self.url("/metrics"))
            .send()
            .expect("metrics")
            .text()
            .expect("text")
    }

    fn logs_with(&self, msg: &str) -> Vec<Value> {
        self.logs
            .lock()
            .expect("logs")
            .iter()
            .filter(|l| l["msg"] == msg)
            .cloned()
            .collect()
    }

    fn wait_for_log(&self, msg: &str, count: usize) -> Vec<Value> {
        let started = Instant::now();
        loop {
            let found = self.logs_with(msg);
            if found.len() >= count {
                return found;
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "no `{msg}` log line in time"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn signal(&self, sig: &str) {
        let status = Command::new("kill")
            .args([sig, &self.child.id().to_string()])
            .status()
            .expect("kill");
        assert!(status.success());
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A client that trusts only the test CA (no system roots) and finds `host` at `addr`.
fn client(ca_pem: &str, host: &str, addr: std::net::SocketAddr) -> reqwest::blocking::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut roots = rustls::RootCertStore::empty();
    let der = rustls::pki_types::CertificateDer::from_pem_slice(ca_pem.as_bytes()).expect("CA");
    roots.add(der).expect("root");
    let tls = rustls::ClientConfig::builder()
        .with_root_certificates(roots)
        .with_no_client_auth();
    reqwest::blocking::Client::builder()
        .tls_backend_preconfigured(tls)
        .resolve(host, addr)
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client")
}

use rustls::pki_types::pem::PemObject;

fn config_args() -> Vec<String> {
    vec![
        "--config".into(),
        fixture("tenet.yaml").display().to_string(),
        // Small enough that an over-limit body fits in the socket buffers: the client has
        // sent it all when the 413 comes, instead of failing mid-write.
        "--max-body-bytes".into(),
        "65536".into(),
    ]
}

#[test]
fn reviews_over_tls() {
    let pki = Pki::new();
    let dir = tempfile::tempdir().expect("temp dir");
    pki.issue(dir.path(), "first");
    let args = config_args();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let server = Server::start(&pki, dir.path(), &args);

    // A privileged Pod is denied with a message naming the rule, the object and the fix.
    let r = server.review("pod-privileged.json");
    assert_eq!(r["uid"], "0df28fbd-5f5e-4a1d-9b3c-6c3f2f0a0002");
    assert_eq!(r["allowed"], false);
    assert_eq!(r["status"]["code"], 403);
    let msg = r["status"]["message"].as_str().expect("message");
    assert!(
        msg.starts_with("tenet: Pod shop/debug violates 3 enforced rules:"),
        "{msg}"
    );
    assert!(msg.contains("k8s-privileged-container (high)"), "{msg}");
    assert!(msg.contains("Fix: "), "{msg}");

    // A warn-mode rule: admitted, with the warning.
    let r = server.review("pod-latest-tag.json");
    assert_eq!(r["allowed"], true);
    let warnings = r["warnings"].as_array().expect("warnings");
    assert!(
        warnings[0]
            .as_str()
            .expect("text")
            .starts_with("[k8s-image-tag]")
    );

    let r = server.review("pod-hardened.json");
    assert_eq!(r["allowed"], true);
    assert!(r.get("warnings").is_none(), "{r}");
    assert_eq!(
        server.review("deployment-privileged.json")["allowed"],
        false
    );
    assert_eq!(server.review("cronjob-host-path.json")["allowed"], false);
    assert_eq!(server.review("pod-delete.json")["allowed"], true);
    let r = server.review("pod-privileged-dry-run.json");
    assert_eq!(r["allowed"], false);

    // Malformed reviews: 400 with the reason, and the server goes on.
    for name in [
        "not-json.txt",
        "v1beta1.json",
        "create-without-object.json",
        "truncated.json",
    ] {
        let (status, text) =
            server.post(std::fs::read(fixture(&format!("malformed/{name}"))).expect("fixture"));
        assert_eq!(status, 400, "{name}: {text}");
        assert!(!text.trim().is_empty(), "{name}");
    }
    let (status, _) = server.post(vec![b' '; 100 * 1024]);
    assert_eq!(status, 413, "a body over the limit");
    assert_eq!(server.review("pod-hardened.json")["allowed"], true);

    // Logs: one JSON line per review; a dry run is never recorded as enforcement.
    let reviews = server.wait_for_log("review", 8);
    let denied = reviews
        .iter()
        .find(|l| l["uid"] == "0df28fbd-5f5e-4a1d-9b3c-6c3f2f0a0002")
        .expect("logged");
    assert_eq!(denied["decision"], "denied");
    assert_eq!(denied["enforced"], true);
    assert_eq!(denied["user"], "alice@example.com");
    assert!(
        denied["violations"]
            .as_array()
            .expect("violations")
            .iter()
            .any(|v| v["rule"] == "k8s-read-only-root-filesystem" && v["mode"] == "audit")
    );
    let dry = reviews
        .iter()
        .find(|l| l["uid"] == "0df28fbd-5f5e-4a1d-9b3c-6c3f2f0a0003")
        .expect("logged");
    assert_eq!(
        (dry["dry_run"].clone(), dry["enforced"].clone()),
        (Value::Bool(true), Value::Bool(false))
    );
    assert_eq!(server.logs_with("bad request").len(), 4);

    // Metrics.
    let m = server.metrics();
    for line in [
        "tenet_admission_reviews_total{decision=\"denied\",dry_run=\"false\"} 3",
        "tenet_admission_reviews_total{decision=\"denied\",dry_run=\"true\"} 1",
        "tenet_admission_reviews_total{decision=\"warned\",dry_run=\"false\"} 1",
        "tenet_admission_reviews_total{decision=\"skipped\",dry_run=\"false\"} 1",
        "tenet_admission_violations_total{rule=\"k8s-privileged-container\",mode=\"enforce\",dry_run=\"false\"} 2",
        "tenet_admission_excepted_total{rule=\"k8s-host-namespaces\"} 1",
        "tenet_admission_bad_requests_total 4",
        "tenet_policy_reloads_total{result=\"success\"} 1",
        "tenet_admission_rules{mode=\"warn\"} 1",
    ] {
        assert!(m.contains(line), "{line} in\n{m}");
    }
    assert!(
        m.contains("tenet_admission_review_duration_seconds_count 8"),
        "{m}"
    );
}

#[test]
fn certificates_and_policies_reload_without_a_restart() {
    let pki = Pki::new();
    let dir = tempfile::tempdir().expect("temp dir");
    pki.issue(dir.path(), "first");
    let policies = tempfile::tempdir().expect("temp dir");
    let config = policies.path().join("tenet.yaml");
    std::fs::write(&config, "admission:\n  mode: enforce\n").expect("write");
    let config_arg = config.display().to_string();
    let server = Server::start(
        &pki,
        dir.path(),
        &["--config", &config_arg, "--cert-check-seconds", "0.2"],
    );
    assert_eq!(server.review("pod-privileged.json")["allowed"], false);

    // SIGHUP: the new configuration (audit everything) is in service.
    std::fs::write(&config, "admission:\n  mode: audit\n").expect("write");
    server.signal("-HUP");
    server.wait_for_log("policies loaded", 2);
    assert_eq!(server.review("pod-privileged.json")["allowed"], true);

    // A configuration that does not load keeps the policies in service.
    std::fs::write(&config, "admission:\n  mode: sometimes\n").expect("write");
    server.signal("-HUP");
    let failed = server.wait_for_log("policies did not load", 1);
    assert_eq!(failed[0]["kept_previous"], true);
    assert!(
        failed[0]["errors"][0]
            .as_str()
            .expect("error")
            .contains("tenet.yaml:2")
    );
    assert_eq!(server.review("pod-privileged.json")["allowed"], true);
    assert!(
        server
            .metrics()
            .contains("tenet_policy_reloads_total{result=\"failure\"} 1")
    );

    // A rotated certificate is served without a restart.
    pki.issue(dir.path(), "second");
    server.wait_for_log("certificate reloaded", 1);
    assert_eq!(server.review("pod-hardened.json")["allowed"], true);
}

#[test]
fn the_deadline_answers_as_on_error_says() {
    let pki = Pki::new();
    let dir = tempfile::tempdir().expect("temp dir");
    pki.issue(dir.path(), "first");
    for (on_error, allowed) in [("deny", false), ("allow", true)] {
        let server = Server::start(
            &pki,
            dir.path(),
            &["--deadline-ms", "0", "--on-error", on_error],
        );
        let r = server.review("pod-hardened.json");
        assert_eq!(r["allowed"], allowed, "{on_error}: {r}");
        let said = if allowed {
            r["warnings"][0].as_str().expect("warning").to_string()
        } else {
            r["status"]["message"]
                .as_str()
                .expect("message")
                .to_string()
        };
        assert!(
            said.contains("did not finish within its 0 ms deadline"),
            "{said}"
        );
        assert!(
            server
                .metrics()
                .contains("tenet_admission_deadline_exceeded_total 1")
        );
    }
}

#[test]
fn sigterm_finishes_the_reviews_under_way() {
    let pki = Pki::new();
    let dir = tempfile::tempdir().expect("temp dir");
    pki.issue(dir.path(), "first");
    // A rule slow enough that reviews are still running when the signal comes.
    let policies = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        policies.path().join("slow.rego"),
        "# METADATA\n# title: Slow\n# description: Takes its time.\n# custom:\n\
         #   id: k8s-slow\n#   severity: low\n#   resource_types: [v1/Pod]\n\
         #   remediation: None.\npackage rules.kubernetes.slow\n\nimport rego.v1\n\n\
         deny contains {\"resource_id\": r.id, \"message\": \"slow\"} if {\n\
         \tsome r in input.resources\n\tcount([i | some i in numbers.range(1, 400000)]) < 0\n}\n",
    )
    .expect("write");
    let policy_arg = policies.path().display().to_string();
    let server = Server::start(
        &pki,
        dir.path(),
        &[
            "--policy",
            &policy_arg,
            "--deadline-ms",
            "60000",
            "--shutdown-grace-seconds",
            "60",
        ],
    );
    let body = std::fs::read(fixture("pod-hardened.json")).expect("fixture");
    let timed = Instant::now();
    server.review("pod-hardened.json");
    let one = timed.elapsed();
    assert!(
        one > Duration::from_millis(50),
        "the slow rule must be slow enough to be under way at SIGTERM ({one:?})"
    );
    let senders: Vec<_> = (0..4)
        .map(|_| {
            let (client, url, body) =
                (server.client.clone(), server.url("/validate"), body.clone());
            std::thread::spawn(move || {
                client
                    .post(url)
                    .body(body)
                    .send()
                    .and_then(|r| Ok((r.status().as_u16(), r.text()?)))
            })
        })
        .collect();
    // The reviews are under way (each takes about `one`) when SIGTERM arrives.
    std::thread::sleep(one / 4);
    server.signal("-TERM");
    for s in senders {
        let (status, text) = s.join().expect("thread").expect("answered");
        assert_eq!(status, 200, "{text}");
        assert!(text.contains("\"allowed\":true"), "{text}");
    }
    let mut server = server;
    let status = server.child.wait().expect("exits");
    assert!(status.success(), "{status}");
    server.wait_for_log("stopped", 1);
    assert_eq!(server.wait_for_log("review", 5).len(), 5);
}

#[test]
fn a_missing_certificate_is_a_clear_error() {
    let out = common::tenet()
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--tls-cert",
            "/nonexistent/tls.crt",
            "--tls-key",
            "/nonexistent/tls.key",
        ])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("cannot read the certificate /nonexistent/tls.crt"),
        "{stderr}"
    );
}

/// The development script's certificates work as the API server uses them: the client trusts
/// only `ca.crt` and connects by the Service's DNS name.
#[test]
fn the_dev_certificate_script_makes_a_working_pair() {
    let dir = tempfile::tempdir().expect("temp dir");
    let script =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("deploy/kubernetes/webhook/dev-certs.sh");
    let out = Command::new("bash")
        .arg(&script)
        .arg(dir.path())
        .output()
        .expect("the script runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("caBundle"), "{stdout}");
    let ca = std::fs::read_to_string(dir.path().join("ca.crt")).expect("ca.crt");
    let server = Server::start_as(&ca, dir.path(), "tenet-webhook.tenet-system.svc", &[]);
    assert_eq!(server.review("pod-privileged.json")["allowed"], false);
}

/// The webhook's own manifests pass tenet's Kubernetes rules, and carry what a hardened
/// webhook needs.
#[test]
fn the_deploy_manifests_pass_tenets_own_rules() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("deploy/kubernetes/webhook");
    let dir = dir.display().to_string();
    let (code, report) = common::scan_json(&[&dir, "--fail-on", "info", "--no-config"]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(
        report["findings"].as_array().map(Vec::len),
        Some(0),
        "{report:#}"
    );
    let g = common::graph(&[&dir]);
    let find = |kind: &str| -> Value {
        g["resources"]
            .as_array()
            .expect("resources")
            .iter()
            .find(|r| {
                r["type"]
                    .as_str()
                    .is_some_and(|t| t.ends_with(&format!("/{kind}")))
            })
            .unwrap_or_else(|| panic!("a {kind}"))["attributes"]
            .clone()
    };
    let deployment = find("Deployment");
    let spec = &deployment["spec"]["template"]["spec"];
    assert_eq!(deployment["spec"]["replicas"], 2);
    assert!(spec["affinity"]["podAntiAffinity"].is_object());
    assert_eq!(spec["securityContext"]["runAsNonRoot"], true);
    let container = &spec["containers"][0];
    assert_eq!(container["securityContext"]["readOnlyRootFilesystem"], true);
    assert!(container["resources"]["limits"]["memory"].is_string());
    for probe in ["readinessProbe", "livenessProbe"] {
        assert_eq!(container[probe]["httpGet"]["scheme"], "HTTPS", "{probe}");
    }
    assert_eq!(find("PodDisruptionBudget")["spec"]["minAvailable"], 1);
    let webhook = &find("ValidatingWebhookConfiguration")["webhooks"][0];
    assert_eq!(webhook["sideEffects"], "None");
    assert_eq!(
        webhook["admissionReviewVersions"],
        serde_json::json!(["v1"])
    );
    assert_eq!(webhook["failurePolicy"], "Fail");
    assert!(
        webhook["timeoutSeconds"]
            .as_u64()
            .is_some_and(|t| (1..=30).contains(&t))
    );
    let excluded = &webhook["namespaceSelector"]["matchExpressions"][0];
    assert_eq!(excluded["operator"], "NotIn");
    assert!(
        excluded["values"]
            .as_array()
            .expect("values")
            .contains(&Value::from("tenet-system"))
    );
    let cert = g["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .find(|r| r["type"] == "cert-manager.io/v1/Certificate" && r["name"] == "tenet-webhook")
        .expect("the serving Certificate")["attributes"]
        .clone();
    assert!(
        cert["spec"]["dnsNames"]
            .as_array()
            .expect("dnsNames")
            .contains(&Value::from("tenet-webhook.tenet-system.svc"))
    );
}
