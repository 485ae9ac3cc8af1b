//! `tenet audit` for Azure (Resource Graph), GCP (Cloud Asset Inventory) and a Kubernetes
//! cluster, against a local HTTP server on 127.0.0.1 answering with recorded responses in the
//! services' real formats (fixtures/live/): paging, 429 with Retry-After, error envelopes,
//! token endpoints, an expired continue token.
#![cfg(feature = "live")]

mod common;

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::sync::{Arc, Mutex};

use serde_json::Value;

/// One request the stub received.
#[derive(Debug, Clone)]
struct Req {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    body: String,
}

impl Req {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

type Answer = (u16, Vec<(&'static str, String)>, String);
type Handler = dyn Fn(&Req) -> Answer + Send + Sync;

/// A loopback HTTP/1.1 server: one request per connection, answered by `handler`.
struct Stub {
    url: String,
    log: Arc<Mutex<Vec<Req>>>,
}

impl Stub {
    fn start(handler: impl Fn(&Req) -> Answer + Send + Sync + 'static) -> Stub {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let log: Arc<Mutex<Vec<Req>>> = Arc::default();
        let handler: Arc<Handler> = Arc::new(handler);
        let seen = log.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming().flatten() {
                let handler = handler.clone();
                let seen = seen.clone();
                std::thread::spawn(move || {
                    let mut reader = BufReader::new(conn.try_clone().unwrap());
                    let mut first = String::new();
                    if reader.read_line(&mut first).unwrap_or(0) == 0 {
                        return;
                    }
                    let mut parts = first.split_whitespace();
                    let method = parts.next().unwrap_or("").to_string();
                    let target = parts.next().unwrap_or("").to_string();
                    let mut headers = Vec::new();
                    loop {
                        let mut line = String::new();
                        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                            break;
                        }
                        if let Some((k, v)) = line.trim_end().split_once(':') {
                            headers.push((k.trim().to_string(), v.trim().to_string()));
                        }
                    }
                    let length = headers
                        .iter()
                        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
                        .and_then(|(_, v)| v.parse().ok())
                        .unwrap_or(0);
                    let mut body = vec![0; length];
                    let _ = reader.read_exact(&mut body);
                    let req = Req {
                        method,
                        target,
                        headers,
                        body: String::from_utf8_lossy(&body).into_owned(),
                    };
                    seen.lock().unwrap().push(req.clone());
                    let (status, extra, content) = handler(&req);
                    let mut conn = conn;
                    let mut head = format!(
                        "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
                        content.len()
                    );
                    for (k, v) in extra {
                        head.push_str(&format!("{k}: {v}\r\n"));
                    }
                    head.push_str("\r\n");
                    let _ = conn.write_all(head.as_bytes());
                    let _ = conn.write_all(content.as_bytes());
                });
            }
        });
        Stub { url, log }
    }

    fn requests(&self) -> Vec<Req> {
        self.log.lock().unwrap().clone()
    }
}

fn fixture(path: &str) -> String {
    std::fs::read_to_string(common::root().join("fixtures/live").join(path)).unwrap()
}

fn ok(body: String) -> Answer {
    (200, vec![], body)
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// `tenet audit` with a clean environment: no cloud credentials of the machine.
fn audit(args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = common::tenet();
    for (k, _) in std::env::vars_os() {
        let k = k.to_string_lossy().to_string();
        if k.starts_with("AZURE_") || k.starts_with("GOOGLE_") || k.starts_with("KUBE") {
            cmd.env_remove(k);
        }
    }
    cmd.env("HOME", "/nonexistent")
        .env_remove("HTTP_PROXY")
        .env_remove("HTTPS_PROXY")
        .env_remove("http_proxy")
        .env_remove("https_proxy")
        .env("NO_PROXY", "127.0.0.1")
        .args(["audit", "--no-config", "--quiet"])
        .args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn findings(report: &Value) -> BTreeSet<(String, String)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap().to_string(),
                f["resource"]["name"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn set(pairs: &[(&str, &str)]) -> BTreeSet<(String, String)> {
    pairs
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

/// Statuses of a rule across every control of a compliance JSON report.
fn rule_statuses(compliance: &Value, rule: &str) -> BTreeSet<String> {
    compliance["frameworks"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["controls"].as_array().unwrap())
        .flat_map(|c| c["rules"].as_array().unwrap())
        .filter(|r| r["id"] == rule)
        .map(|r| r["status"].as_str().unwrap().to_string())
        .collect()
}

const SUB: &str = "00000000-0000-0000-0000-000000000001";

#[test]
fn azure_resource_graph_pages_with_a_client_secret_token_and_retries_429() {
    let calls = Arc::new(Mutex::new(0));
    let counter = calls.clone();
    let stub = Stub::start(move |req| {
        if req.target == "/tenant-1/oauth2/v2.0/token" {
            assert!(
                req.body.contains("grant_type=client_credentials"),
                "{}",
                req.body
            );
            assert!(req.body.contains("client_secret=s3cret"));
            assert!(
                req.body
                    .contains("scope=https%3A%2F%2Fmanagement.azure.com%2F.default")
            );
            return ok(
                r#"{"token_type":"Bearer","expires_in":3599,"access_token":"tok-123"}"#.into(),
            );
        }
        if req.target == format!("/subscriptions/{SUB}?api-version=2022-12-01") {
            assert_eq!(req.header("authorization"), Some("Bearer tok-123"));
            return ok(format!(
                r#"{{"id":"/subscriptions/{SUB}","subscriptionId":"{SUB}","state":"Enabled"}}"#
            ));
        }
        assert_eq!(req.method, "POST");
        assert_eq!(
            req.target,
            "/providers/Microsoft.ResourceGraph/resources?api-version=2022-10-01"
        );
        assert_eq!(req.header("authorization"), Some("Bearer tok-123"));
        let mut n = counter.lock().unwrap();
        *n += 1;
        if *n == 1 {
            return (
                429,
                vec![("Retry-After", "1".into())],
                r#"{"error":{"code":"RateLimiting","message":"Please retry"}}"#.into(),
            );
        }
        let body: Value = serde_json::from_str(&req.body).unwrap();
        assert_eq!(body["subscriptions"][0], SUB);
        assert!(
            body["query"]
                .as_str()
                .unwrap()
                .starts_with("Resources | where type in~")
        );
        match body["options"]["$skipToken"].as_str() {
            None => ok(fixture("azure/resources-page1.json")),
            Some("ew0KICAiJGlkIjogIjEiLA0KICAiTWF4Um93cyI6IDIsDQp9") => {
                ok(fixture("azure/resources-page2.json"))
            }
            Some(other) => panic!("unexpected skip token {other}"),
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("r.json");
    let run = audit(
        &[
            "--provider",
            "azure",
            "--subscription",
            SUB,
            "--endpoint-url",
            &stub.url,
            "-f",
            &format!("json:{}", report.display()),
            "--evidence",
            dir.path().join("b").to_str().unwrap(),
        ],
        &[
            ("AZURE_TENANT_ID", "tenant-1"),
            ("AZURE_CLIENT_ID", "app-1"),
            ("AZURE_CLIENT_SECRET", "s3cret"),
            ("AZURE_AUTHORITY_HOST", &stub.url),
        ],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("3 resources") && run.stderr.contains("1 retried"),
        "{}",
        run.stderr
    );
    let json: Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    assert_eq!(
        findings(&json),
        set(&[
            ("azure-keyvault-soft-delete-purge-protection", "shop-kv"),
            ("azure-storage-blob-public-access", "shopbad"),
            ("azure-storage-https-only", "shopbad"),
            ("azure-storage-min-tls", "shopbad"),
            ("azure-storage-redundancy", "shopbad"),
        ])
    );
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("b/manifest.json")).unwrap())
            .unwrap();
    assert_eq!(manifest["scope"]["live"]["subscriptions"][0], SUB);
    assert_eq!(
        common::run(&["verify", dir.path().join("b").to_str().unwrap()]).code,
        0
    );
    // Blob services are child resources Resource Graph does not list: soft delete is not
    // judged, rather than failed on every account.
    let controls: Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("b/summary/controls.json")).unwrap())
            .unwrap();
    assert_eq!(
        rule_statuses(&controls, "azure-storage-blob-soft-delete"),
        set_of(&["not-evaluated"])
    );
    assert_eq!(
        rule_statuses(&controls, "azure-storage-https-only"),
        set_of(&["fail"])
    );
    let undetermined = json["undetermined"].to_string();
    assert!(
        undetermined.contains("blobServices could not be read"),
        "{undetermined}"
    );
    // One token request, however many pages.
    assert_eq!(
        stub.requests()
            .iter()
            .filter(|r| r.target.contains("oauth2"))
            .count(),
        1
    );
}

#[test]
fn azure_denial_envelope_makes_azure_rules_not_evaluated() {
    let stub = Stub::start(|_| (403, vec![], fixture("azure/denied.json")));
    let run = audit(
        &[
            "--provider",
            "azure",
            "--subscription",
            SUB,
            "--endpoint-url",
            &stub.url,
            "-f",
            "compliance-json",
        ],
        &[("AZURE_ACCESS_TOKEN", "static-token")],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("0 resources") && run.stderr.contains("1 call(s) failed"),
        "{}",
        run.stderr
    );
    let compliance: Value = serde_json::from_str(&run.stdout).unwrap();
    for rule in [
        "azure-storage-https-only",
        "azure-keyvault-soft-delete-purge-protection",
        "azure-aks-rbac",
    ] {
        let statuses = rule_statuses(&compliance, rule);
        assert!(!statuses.is_empty(), "{rule}");
        assert_eq!(statuses, set_of(&["not-evaluated"]), "{rule}");
    }
    // The subscription itself cannot be read: Resource Graph is not even asked.
    assert!(
        compliance["caveats"]
            .to_string()
            .contains("azure:Microsoft.Resources/subscriptions/read@")
    );
    assert_eq!(
        stub.requests()[0].header("authorization"),
        Some("Bearer static-token")
    );
    assert_eq!(stub.requests().len(), 1, "a denial is not retried");
}

fn set_of(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// An RSA service-account key made by openssl, and its public key.
fn service_account(dir: &Path, token_uri: &str) -> std::path::PathBuf {
    let key = dir.join("key.pem");
    let out = std::process::Command::new("openssl")
        .args([
            "genpkey",
            "-algorithm",
            "RSA",
            "-pkeyopt",
            "rsa_keygen_bits:2048",
            "-out",
        ])
        .arg(&key)
        .output()
        .expect("openssl");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let status = std::process::Command::new("openssl")
        .args(["pkey", "-pubout", "-in"])
        .arg(&key)
        .arg("-out")
        .arg(dir.join("pub.pem"))
        .status()
        .unwrap();
    assert!(status.success());
    let file = dir.join("sa.json");
    let doc = serde_json::json!({
        "type": "service_account",
        "project_id": "acme",
        "private_key_id": "k1",
        "private_key": std::fs::read_to_string(&key).unwrap(),
        "client_email": "auditor@acme.iam.gserviceaccount.com",
        "client_id": "1",
        "token_uri": token_uri,
    });
    std::fs::write(&file, doc.to_string()).unwrap();
    file
}

/// Verifies an RS256 JWT with openssl and the public key.
fn verify_jwt(dir: &Path, jwt: &str) -> Value {
    use data_encoding::BASE64URL_NOPAD as B64;
    let parts: Vec<&str> = jwt.split('.').collect();
    assert_eq!(parts.len(), 3);
    let header: Value = serde_json::from_slice(&B64.decode(parts[0].as_bytes()).unwrap()).unwrap();
    assert_eq!(header["alg"], "RS256");
    std::fs::write(dir.join("input"), format!("{}.{}", parts[0], parts[1])).unwrap();
    std::fs::write(dir.join("sig"), B64.decode(parts[2].as_bytes()).unwrap()).unwrap();
    let out = std::process::Command::new("openssl")
        .args(["dgst", "-sha256", "-verify"])
        .arg(dir.join("pub.pem"))
        .arg("-signature")
        .arg(dir.join("sig"))
        .arg(dir.join("input"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "JWT signature: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    serde_json::from_slice(&B64.decode(parts[1].as_bytes()).unwrap()).unwrap()
}

#[test]
fn gcp_asset_inventory_with_a_service_account_key_pages_and_maps_to_google_types() {
    let dir = tempfile::tempdir().unwrap();
    let keys = dir.path().to_path_buf();
    let assertion: Arc<Mutex<Option<String>>> = Arc::default();
    let seen = assertion.clone();
    let stub = Stub::start(move |req| {
        if req.target == "/token" {
            let form: Vec<(String, String)> = url_pairs(&req.body);
            assert!(form.contains(&(
                "grant_type".into(),
                "urn:ietf:params:oauth:grant-type:jwt-bearer".into()
            )));
            *seen.lock().unwrap() = form
                .iter()
                .find(|(k, _)| k == "assertion")
                .map(|(_, v)| v.clone());
            return ok(
                r#"{"access_token":"ya29.test","expires_in":3599,"token_type":"Bearer"}"#.into(),
            );
        }
        assert_eq!(req.header("authorization"), Some("Bearer ya29.test"));
        assert!(
            req.target
                .starts_with("/v1/projects/acme/assets?contentType=RESOURCE"),
            "{}",
            req.target
        );
        assert!(
            req.target
                .contains("assetTypes=storage.googleapis.com%2FBucket")
        );
        if req
            .target
            .contains("pageToken=CiRzdG9yYWdlLmdvb2dsZWFwaXMuY29tL0J1Y2tldA")
        {
            ok(fixture("gcp/assets-page2.json"))
        } else {
            ok(fixture("gcp/assets-page1.json"))
        }
    });
    let sa = service_account(&keys, &format!("{}/token", stub.url));
    let report = dir.path().join("r.json");
    let run = audit(
        &[
            "--provider",
            "gcp",
            "--scope",
            "acme",
            "--endpoint-url",
            &stub.url,
            "-f",
            &format!("json:{}", report.display()),
        ],
        &[("GOOGLE_APPLICATION_CREDENTIALS", sa.to_str().unwrap())],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("scope projects/acme: 6 resources"),
        "{}",
        run.stderr
    );
    let claims = verify_jwt(
        &keys,
        &assertion.lock().unwrap().clone().expect("assertion"),
    );
    assert_eq!(claims["iss"], "auditor@acme.iam.gserviceaccount.com");
    assert_eq!(claims["aud"], format!("{}/token", stub.url));
    assert_eq!(
        claims["scope"],
        "https://www.googleapis.com/auth/cloud-platform.read-only"
    );
    let json: Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    assert_eq!(
        findings(&json),
        set(&[
            (
                "gcp-compute-firewall-admin-ports-public",
                "allow-ssh-anywhere"
            ),
            ("gcp-kms-key-rotation", "never-rotated"),
            ("gcp-storage-access-logging", "acme-public"),
            ("gcp-storage-cmek", "acme-public"),
            ("gcp-storage-uniform-access", "acme-public"),
            ("gcp-storage-versioning", "acme-public"),
        ])
    );
}

fn url_pairs(body: &str) -> Vec<(String, String)> {
    body.split('&')
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| {
            (
                k.to_string(),
                percent_encoding::percent_decode_str(v)
                    .decode_utf8_lossy()
                    .into_owned(),
            )
        })
        .collect()
}

#[test]
fn gcp_throttling_then_permission_denied_per_scope() {
    let calls = Arc::new(Mutex::new(0));
    let counter = calls.clone();
    let stub = Stub::start(move |req| {
        if req.target.starts_with("/v1/folders/42/") {
            return (403, vec![], fixture("gcp/denied.json"));
        }
        let mut n = counter.lock().unwrap();
        *n += 1;
        match *n {
            1 => (429, vec![("Retry-After", "0".into())], r#"{"error":{"code":429,"message":"Quota exceeded","status":"RESOURCE_EXHAUSTED"}}"#.into()),
            2 => (503, vec![], r#"{"error":{"code":503,"message":"The service is currently unavailable.","status":"UNAVAILABLE"}}"#.into()),
            _ if req.target.contains("pageToken") => ok(fixture("gcp/assets-page2.json")),
            _ => ok(fixture("gcp/assets-page1.json")),
        }
    });
    let run = audit(
        &[
            "--provider",
            "gcp",
            "--scope",
            "projects/acme",
            "--scope",
            "folders/42",
            "--endpoint-url",
            &stub.url,
            "-f",
            "json",
        ],
        &[("GOOGLE_OAUTH_ACCESS_TOKEN", "ya29.static")],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("2 retried"), "{}", run.stderr);
    let json: Value = serde_json::from_str(&run.stdout).unwrap();
    let errors = json["load_errors"].to_string();
    assert!(
        errors.contains("gcp:cloudasset.assets.list@folders/42"),
        "{errors}"
    );
    assert!(errors.contains("PERMISSION_DENIED"), "{errors}");
    assert_eq!(findings(&json).len(), 6, "projects/acme was still read");
}

#[test]
fn kubernetes_lists_follow_continue_restart_on_410_and_skip_owned_objects() {
    let rs_calls = Arc::new(Mutex::new(0));
    let counter = rs_calls.clone();
    let stub = Stub::start(move |req| {
        assert_eq!(req.header("authorization"), Some("Bearer cluster-token"));
        let (path, query) = req.target.split_once('?').unwrap_or((&req.target, ""));
        assert!(query.starts_with("limit=2"), "{query}");
        let empty = |kind: &str, api: &str| {
            ok(format!(
                r#"{{"kind":"{kind}","apiVersion":"{api}","metadata":{{"resourceVersion":"81234"}},"items":[]}}"#
            ))
        };
        match path {
            "/api/v1/pods" if query.contains("continue=") => {
                ok(fixture("kubernetes/pods-page2.json"))
            }
            "/api/v1/pods" => ok(fixture("kubernetes/pods-page1.json")),
            "/api/v1/namespaces" => ok(fixture("kubernetes/namespaces.json")),
            "/apis/apps/v1/deployments" => ok(fixture("kubernetes/deployments.json")),
            "/apis/rbac.authorization.k8s.io/v1/clusterroles" => {
                ok(fixture("kubernetes/clusterroles.json"))
            }
            "/apis/networking.k8s.io/v1/networkpolicies" => {
                (403, vec![], fixture("kubernetes/forbidden.json"))
            }
            "/apis/apps/v1/replicasets" => {
                let mut n = counter.lock().unwrap();
                *n += 1;
                match *n {
                    // First a page that promises more, then its continue token has expired.
                    1 => ok(fixture("kubernetes/replicasets.json").replacen(
                        r#""resourceVersion": "81234""#,
                        r#""resourceVersion": "81234", "continue": "old""#,
                        1,
                    )),
                    2 => {
                        assert!(query.contains("continue=old"));
                        (410, vec![], fixture("kubernetes/expired.json"))
                    }
                    _ => ok(fixture("kubernetes/replicasets.json")),
                }
            }
            p if p.starts_with("/api/v1/") => empty("List", "v1"),
            _ => empty("List", "v1"),
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("config");
    std::fs::write(
        &kubeconfig,
        format!(
            "apiVersion: v1\nkind: Config\ncurrent-context: prod\nclusters:\n- name: prod\n  cluster:\n    server: {}\nusers:\n- name: auditor\n  user:\n    token: cluster-token\ncontexts:\n- name: prod\n  context:\n    cluster: prod\n    user: auditor\n",
            stub.url
        ),
    )
    .unwrap();
    let bundle = dir.path().join("b");
    let run = audit(
        &[
            "--provider",
            "kubernetes",
            "--kubeconfig",
            kubeconfig.to_str().unwrap(),
            "--page-size",
            "2",
            "-f",
            "json",
            "--evidence",
            bundle.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let json: Value = serde_json::from_str(&run.stdout).unwrap();
    let found = findings(&json);
    let names: BTreeSet<&str> = found.iter().map(|(_, n)| n.as_str()).collect();
    assert!(
        found.contains(&("k8s-privileged-container".into(), "debug".into())),
        "{found:?}"
    );
    assert!(
        found
            .iter()
            .any(|(r, n)| r.starts_with("k8s-rbac") && n == "ops-everything"),
        "{found:?}"
    );
    // The ReplicaSet's Pod and the Deployment's ReplicaSet are judged through the Deployment.
    assert!(
        !names.contains("web-7d4b9c-abcde") && !names.contains("web-7d4b9c"),
        "{found:?}"
    );
    assert!(!names.contains("view-pods"), "{found:?}");
    let requests = stub.requests();
    assert_eq!(
        requests
            .iter()
            .filter(|r| r.target.starts_with("/api/v1/pods"))
            .count(),
        2
    );
    assert_eq!(
        requests
            .iter()
            .filter(|r| r.target.starts_with("/apis/apps/v1/replicasets"))
            .count(),
        3
    );
    // Ids, sources and the forbidden list.
    let f = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["resource"]["name"] == "debug")
        .unwrap();
    assert_eq!(
        f["resource"]["id"],
        "live:kubernetes/prod/default/Pod/debug"
    );
    let controls: Value =
        serde_json::from_slice(&std::fs::read(bundle.join("summary/controls.json")).unwrap())
            .unwrap();
    assert_eq!(
        rule_statuses(&controls, "k8s-network-policy"),
        set_of(&["not-evaluated"])
    );
    assert_eq!(
        rule_statuses(&controls, "k8s-service-account-token-secret"),
        set_of(&["not-evaluated"])
    );
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(bundle.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(
        manifest["scope"]["live"]["cluster"],
        format!("{} (prod)", stub.url)
    );
    assert!(
        json["load_errors"].to_string().contains("is forbidden"),
        "{}",
        json["load_errors"]
    );
}

#[test]
fn nightly_audit_manifests_pass_tenet_and_stay_read_only() {
    let run = common::run(&[
        "scan",
        "deploy/kubernetes/audit-cronjob.yaml",
        "deploy/kubernetes/audit/rbac.yaml",
        "--no-config",
        "--fail-on",
        "info",
        "-f",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let json: Value = serde_json::from_str(&run.stdout).unwrap();
    assert!(json["findings"].as_array().unwrap().is_empty());
    assert!(json["load_errors"].as_array().unwrap().is_empty());
    let docs: Vec<Value> = [
        "deploy/kubernetes/audit-cronjob.yaml",
        "deploy/kubernetes/audit/rbac.yaml",
    ]
    .iter()
    .flat_map(|f| {
        let text = std::fs::read_to_string(common::root().join(f)).unwrap();
        text.split("\n---\n")
            .map(|d| yaml_serde::from_str::<Value>(d).unwrap())
            .collect::<Vec<_>>()
    })
    .collect();
    let of = |kind: &'static str| docs.iter().filter(move |d| d["kind"] == kind);
    // The ClusterRole only lists, never Secrets.
    let role = of("ClusterRole").next().unwrap();
    for rule in role["rules"].as_array().unwrap() {
        assert_eq!(rule["verbs"], serde_json::json!(["list"]), "{rule}");
        assert!(
            !rule["resources"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r == "secrets")
        );
    }
    let sa = of("ServiceAccount").next().unwrap();
    assert!(
        sa["metadata"]["annotations"]["eks.amazonaws.com/role-arn"]
            .as_str()
            .unwrap()
            .starts_with("arn:aws:iam::")
    );
    let cronjobs: Vec<&Value> = of("CronJob").collect();
    assert_eq!(cronjobs.len(), 2);
    for cj in cronjobs {
        let pod = &cj["spec"]["jobTemplate"]["spec"]["template"]["spec"];
        assert_eq!(pod["serviceAccountName"], "tenet-audit");
        let args = pod["containers"][0]["args"].to_string();
        assert!(
            args.contains("--evidence=/evidence/$(POD_NAME).tar.gz"),
            "{args}"
        );
        assert!(args.contains("\"audit\""), "{args}");
        assert_eq!(
            pod["volumes"][0]["persistentVolumeClaim"]["claimName"],
            "tenet-evidence"
        );
    }
}

/// Serves the two pages of the GCP asset fixtures, whatever is asked.
fn gcp_assets_stub() -> Stub {
    Stub::start(|req| {
        if req.target.contains("pageToken") {
            ok(fixture("gcp/assets-page2.json"))
        } else {
            ok(fixture("gcp/assets-page1.json"))
        }
    })
}

/// The live report in every format, on a deterministic inventory (the GCP fixtures).
#[test]
fn live_findings_in_every_output_format() {
    let stub = gcp_assets_stub();
    let dir = tempfile::tempdir().unwrap();
    let out = |name: &str| dir.path().join(name);
    let run = audit(
        &[
            "--provider",
            "gcp",
            "--scope",
            "acme",
            "--endpoint-url",
            &stub.url,
            "--framework",
            "soc2",
            "-f",
            "text",
            "-f",
            &format!("json:{}", out("r.json").display()),
            "-f",
            &format!("sarif:{}", out("r.sarif").display()),
            "-f",
            &format!("compliance:{}", out("c.txt").display()),
            "-f",
            &format!("markdown:{}", out("r.md").display()),
        ],
        &[("GOOGLE_OAUTH_ACCESS_TOKEN", "ya29.static")],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let read = |name: &str| std::fs::read_to_string(out(name)).unwrap();
    insta::assert_snapshot!("live_text", run.stdout);
    let json: Value = serde_json::from_str(&read("r.json")).unwrap();
    insta::assert_json_snapshot!("live_json_findings", json["findings"]);
    let sarif: Value = serde_json::from_str(&read("r.sarif")).unwrap();
    insta::assert_json_snapshot!("live_sarif_results", sarif["runs"][0]["results"]);
    insta::assert_snapshot!("live_compliance", read("c.txt"));
    insta::assert_snapshot!("live_markdown", read("r.md"));
    let warnings = common::validate_sarif(&out("r.sarif"));
    assert!(
        warnings.iter().all(|w| w.contains("SARIF2005")),
        "{warnings:?}"
    );
}

/// `tenet audit --shard I/2` twice and `tenet merge`: the reports equal the unsharded audit's,
/// and so does the bundle, but for the live scope's collection window and call counts (each
/// shard collected the estate; the merged scope spans both and adds their calls up).
#[test]
fn a_sharded_audit_merges_to_the_single_audit() {
    let stub = gcp_assets_stub();
    let dir = tempfile::tempdir().unwrap();
    let out = |name: &str| dir.path().join(name).display().to_string();
    let env = [
        ("GOOGLE_OAUTH_ACCESS_TOKEN", "ya29.static"),
        ("SOURCE_DATE_EPOCH", "1767225600"),
    ];
    let base = [
        "--provider",
        "gcp",
        "--scope",
        "acme",
        "--endpoint-url",
        &stub.url,
    ];
    let single = audit(
        &[
            &base[..],
            &[
                "-f",
                &format!("json:{}", out("single.json")),
                "-f",
                &format!("sarif:{}", out("single.sarif")),
                "--evidence",
                &out("single"),
            ],
        ]
        .concat(),
        &env,
    );
    assert_eq!(single.code, 1, "{}", single.stderr);
    for i in 0..2 {
        let shard = format!("{i}/2");
        let r = audit(
            &[
                &base[..],
                &[
                    "--shard",
                    &shard,
                    "-f",
                    "json:/dev/null",
                    "--evidence",
                    &out(&format!("shard-{i}")),
                ],
            ]
            .concat(),
            &env,
        );
        assert!(r.code == 0 || r.code == 1, "{}", r.stderr);
    }
    let merged = common::run(&[
        "merge",
        &out("shard-1"),
        &out("shard-0"),
        "-f",
        &format!("json:{}", out("merged.json")),
        "-f",
        &format!("sarif:{}", out("merged.sarif")),
        "--evidence",
        &out("merged"),
    ]);
    assert_eq!(merged.code, single.code, "{}", merged.stderr);
    for (a, b) in [
        ("single.json", "merged.json"),
        ("single.sarif", "merged.sarif"),
    ] {
        assert_eq!(
            std::fs::read_to_string(out(a)).unwrap(),
            std::fs::read_to_string(out(b)).unwrap(),
            "{a} and {b}"
        );
    }
    let files = |name: &str| {
        tenet::evidence::verify::read_bundle(Path::new(&out(name)))
            .unwrap()
            .0
    };
    let (mut one, mut joined) = (files("single"), files("merged"));
    let manifest = |files: &mut std::collections::BTreeMap<String, Vec<u8>>| -> Value {
        serde_json::from_slice(&files.remove("manifest.json").unwrap()).unwrap()
    };
    let (m1, m2) = (manifest(&mut one), manifest(&mut joined));
    assert_eq!(one, joined, "every file but the manifest is identical");
    let (l1, l2) = (&m1["scope"]["live"], &m2["scope"]["live"]);
    assert_eq!(
        l2["requests"].as_u64().unwrap(),
        2 * l1["requests"].as_u64().unwrap(),
        "{l1} {l2}"
    );
    let strip = |m: &Value| {
        let mut m = m.clone();
        for k in ["collected_from", "collected_to", "requests", "retries"] {
            m["scope"]["live"].as_object_mut().unwrap().remove(k);
        }
        m
    };
    assert_eq!(strip(&m1), strip(&m2));
    let v = common::run(&["verify", &out("merged")]);
    assert_eq!(v.code, 0, "{}", v.stdout);
}
