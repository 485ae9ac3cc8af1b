//! The Kubernetes collector: lists workloads, RBAC, namespaces, services, ingresses and
//! network policies from the API server (following `metadata.continue`, restarting a list
//! whose continue token expired, 410), and loads every object through the same loader as
//! manifests, so the Kubernetes rules judge the cluster as they judge files.
//!
//! Objects run by a controller that is itself listed (Pods of a ReplicaSet, ReplicaSets of a
//! Deployment, Jobs of a CronJob) are left out: their owner carries the same pod template, and
//! judging both would report each problem twice. Secrets are never read (a least-privilege
//! auditor should not see their data), so the rules on Secrets are not-evaluated.
//!
//! Credentials: `--kubeconfig` (else `KUBECONFIG`, else `~/.kube/config`) with `--context`,
//! bearer `token`/`tokenFile` or client certificates; else the in-cluster service account
//! (`KUBERNETES_SERVICE_HOST`, `/var/run/secrets/kubernetes.io/serviceaccount`). Exec and
//! auth-provider plugins are not run.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::Value as Json;

use super::http::{CallError, Client, Request, RetryPolicy, by_status};
use super::{Collected, Gap, LiveScope, Progress, now};
use crate::graph::{Coverage, LiveSource, Origin, ResourceGraph, Source};

/// The lists read: API path, and the `apiVersion/Kind` of their items.
pub const LISTS: [(&str, &str); 16] = [
    ("/api/v1/namespaces", "v1/Namespace"),
    ("/api/v1/pods", "v1/Pod"),
    ("/api/v1/services", "v1/Service"),
    ("/api/v1/serviceaccounts", "v1/ServiceAccount"),
    ("/api/v1/replicationcontrollers", "v1/ReplicationController"),
    ("/apis/apps/v1/deployments", "apps/v1/Deployment"),
    ("/apis/apps/v1/statefulsets", "apps/v1/StatefulSet"),
    ("/apis/apps/v1/daemonsets", "apps/v1/DaemonSet"),
    ("/apis/apps/v1/replicasets", "apps/v1/ReplicaSet"),
    ("/apis/batch/v1/jobs", "batch/v1/Job"),
    ("/apis/batch/v1/cronjobs", "batch/v1/CronJob"),
    (
        "/apis/networking.k8s.io/v1/ingresses",
        "networking.k8s.io/v1/Ingress",
    ),
    (
        "/apis/networking.k8s.io/v1/networkpolicies",
        "networking.k8s.io/v1/NetworkPolicy",
    ),
    (
        "/apis/rbac.authorization.k8s.io/v1/roles",
        "rbac.authorization.k8s.io/v1/Role",
    ),
    (
        "/apis/rbac.authorization.k8s.io/v1/rolebindings",
        "rbac.authorization.k8s.io/v1/RoleBinding",
    ),
    (
        "/apis/rbac.authorization.k8s.io/v1/clusterroles",
        "rbac.authorization.k8s.io/v1/ClusterRole",
    ),
];

/// ClusterRoleBindings, read as well (kept out of `LISTS` for its length).
const CLUSTER_ROLE_BINDINGS: (&str, &str) = (
    "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings",
    "rbac.authorization.k8s.io/v1/ClusterRoleBinding",
);

pub struct Options {
    pub kubeconfig: Option<PathBuf>,
    pub context: Option<String>,
    pub server: Option<String>,
    /// Items per page (`limit`).
    pub page_size: u32,
}

/// Where and how to reach the API server.
#[derive(Clone, Default)]
pub struct Target {
    pub server: String,
    /// The kubeconfig context, or `in-cluster`.
    pub context: String,
    pub token: Option<String>,
    pub ca_pem: Option<Vec<u8>>,
    /// Client certificate and key, PEM, concatenated.
    pub identity_pem: Option<Vec<u8>>,
    pub insecure: bool,
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Target")
            .field("server", &self.server)
            .field("context", &self.context)
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .field("client_certificate", &self.identity_pem.is_some())
            .finish_non_exhaustive()
    }
}

/// Reads the kubeconfig (or the in-cluster account).
pub fn target(opts: &Options, env: &dyn Fn(&str) -> Option<String>) -> Result<Target, CallError> {
    let path = opts
        .kubeconfig
        .clone()
        .or_else(|| env("KUBECONFIG").and_then(|k| k.split(':').next().map(PathBuf::from)))
        .or_else(|| env("HOME").map(|h| Path::new(&h).join(".kube/config")))
        .filter(|p| p.is_file());
    let mut t = match path {
        Some(p) => from_kubeconfig(&p, opts.context.as_deref())?,
        None => in_cluster(env)?,
    };
    if let Some(s) = &opts.server {
        // Another server (such as `kubectl proxy`) does not get the context's credentials.
        if s.trim_end_matches('/') != t.server {
            t.token = None;
            t.identity_pem = None;
        }
        t.server = s.trim_end_matches('/').to_string();
    }
    Ok(t)
}

fn in_cluster(env: &dyn Fn(&str) -> Option<String>) -> Result<Target, CallError> {
    let (Some(host), Some(port)) = (
        env("KUBERNETES_SERVICE_HOST"),
        env("KUBERNETES_SERVICE_PORT"),
    ) else {
        return Err(CallError::Credentials(
            "no kubeconfig (--kubeconfig, KUBECONFIG, ~/.kube/config) and not in a cluster".into(),
        ));
    };
    let dir = Path::new("/var/run/secrets/kubernetes.io/serviceaccount");
    let token = std::fs::read_to_string(dir.join("token"))
        .map_err(|e| CallError::Credentials(format!("in-cluster token: {e}")))?;
    let host = if host.contains(':') {
        format!("[{host}]")
    } else {
        host
    };
    Ok(Target {
        server: format!("https://{host}:{port}"),
        context: "in-cluster".into(),
        token: Some(token.trim().to_string()),
        ca_pem: std::fs::read(dir.join("ca.crt")).ok(),
        ..Default::default()
    })
}

/// The context's cluster and user from a kubeconfig file.
pub fn from_kubeconfig(path: &Path, context: Option<&str>) -> Result<Target, CallError> {
    let fail = |m: String| CallError::Credentials(format!("{}: {m}", path.display()));
    let text = std::fs::read_to_string(path).map_err(|e| fail(e.to_string()))?;
    let doc: Json = yaml_serde::from_str(&text).map_err(|e| fail(format!("not YAML: {e}")))?;
    let name = context
        .map(str::to_string)
        .or_else(|| doc["current-context"].as_str().map(str::to_string))
        .ok_or_else(|| fail("no --context and no current-context".into()))?;
    let named = |list: &str, n: &str, field: &str| -> Option<Json> {
        doc[list]
            .as_array()?
            .iter()
            .find(|e| e["name"].as_str() == Some(n))
            .map(|e| e[field].clone())
    };
    let ctx =
        named("contexts", &name, "context").ok_or_else(|| fail(format!("no context `{name}`")))?;
    let cluster_name = ctx["cluster"].as_str().unwrap_or_default();
    let cluster = named("clusters", cluster_name, "cluster")
        .ok_or_else(|| fail(format!("no cluster `{cluster_name}`")))?;
    let user = ctx["user"]
        .as_str()
        .and_then(|u| named("users", u, "user"))
        .unwrap_or(Json::Null);
    let base = path.parent().unwrap_or(Path::new("."));
    let data_or_file = |v: &Json, data: &str, file: &str| -> Result<Option<Vec<u8>>, CallError> {
        if let Some(d) = v[data].as_str() {
            return data_encoding::BASE64
                .decode(d.trim().as_bytes())
                .map(Some)
                .map_err(|e| fail(format!("{data}: {e}")));
        }
        match v[file].as_str() {
            Some(f) => std::fs::read(base.join(f))
                .map(Some)
                .map_err(|e| fail(format!("{file} {f}: {e}"))),
            None => Ok(None),
        }
    };
    if user.get("exec").is_some_and(|e| !e.is_null())
        || user.get("auth-provider").is_some_and(|e| !e.is_null())
    {
        return Err(fail(format!(
            "user of context `{name}` needs an exec or auth-provider plugin, which tenet does not \
             run; give it a token (e.g. `kubectl create token`) or a client certificate"
        )));
    }
    let token = match (user["token"].as_str(), user["tokenFile"].as_str()) {
        (Some(t), _) => Some(t.to_string()),
        (None, Some(f)) => Some(
            std::fs::read_to_string(base.join(f))
                .map_err(|e| fail(format!("tokenFile {f}: {e}")))?
                .trim()
                .to_string(),
        ),
        _ => None,
    };
    let cert = data_or_file(&user, "client-certificate-data", "client-certificate")?;
    let key = data_or_file(&user, "client-key-data", "client-key")?;
    Ok(Target {
        server: cluster["server"]
            .as_str()
            .ok_or_else(|| fail(format!("cluster `{cluster_name}` has no server")))?
            .trim_end_matches('/')
            .to_string(),
        context: name,
        token,
        ca_pem: data_or_file(
            &cluster,
            "certificate-authority-data",
            "certificate-authority",
        )?,
        identity_pem: match (cert, key) {
            (Some(c), Some(k)) => Some([c, b"\n".to_vec(), k].concat()),
            _ => None,
        },
        insecure: cluster["insecure-skip-tls-verify"]
            .as_bool()
            .unwrap_or(false),
    })
}

pub fn collect(
    opts: &Options,
    policy: RetryPolicy,
    env: &dyn Fn(&str) -> Option<String>,
    progress: &dyn Progress,
) -> Result<Collected, CallError> {
    let from = now();
    let target = target(opts, env)?;
    let http = Client::with_tls(
        policy,
        target.ca_pem.as_deref(),
        target.identity_pem.as_deref(),
        target.insecure,
    )?;
    let mut graph = ResourceGraph::new();
    let mut objects: Vec<Json> = Vec::new();
    let mut lists: Vec<(&str, &str)> = LISTS.to_vec();
    lists.push(CLUSTER_ROLE_BINDINGS);
    for (path, kind) in lists {
        progress.started(kind);
        match list(&http, &target, path, opts.page_size.max(1)) {
            Ok(items) => {
                progress.finished(kind, items.len());
                let (api_version, k) = kind.rsplit_once('/').unwrap_or(("v1", kind));
                for mut item in items {
                    if let Json::Object(m) = &mut item {
                        m.insert("apiVersion".into(), Json::from(api_version));
                        m.insert("kind".into(), Json::from(k));
                        if let Some(Json::Object(meta)) = m.get_mut("metadata") {
                            meta.remove("managedFields");
                        }
                    }
                    objects.push(item);
                }
            }
            Err(e) => {
                progress.finished(kind, 0);
                graph.gaps.push(Gap {
                    provider: "kubernetes".into(),
                    operation: format!("list {path}"),
                    scope: Some(target.context.clone()),
                    resource: None,
                    resource_types: vec![kind.to_string()],
                    // Namespaces are judged by the NetworkPolicies in them.
                    context_types: if kind.ends_with("/NetworkPolicy") {
                        vec!["v1/Namespace".into()]
                    } else {
                        vec![]
                    },
                    context: kind.ends_with("/NetworkPolicy"),
                    attributes: vec![],
                    kind: e.kind().into(),
                    message: e.to_string(),
                })
            }
        }
    }
    // Objects owned by a listed controller are judged through their owner.
    let skip = judged_through_owner(&objects);
    let kept: Vec<String> = objects
        .iter()
        .zip(&skip)
        .filter(|(_, s)| !**s)
        .map(|(o, _)| o.to_string())
        .collect();
    let display = format!("live:kubernetes/{}", target.context);
    let text = kept
        .iter()
        .map(|d| d.as_str())
        .collect::<Vec<_>>()
        .join("\n---\n");
    let mut loaded = crate::load::kubernetes::load(&display, &text, false);
    crate::load::kubernetes::link(&mut loaded.resources);
    // Live ids and sources: `live:kubernetes/<context>/<ns>/<kind>/<name>`.
    let prefix = format!("kubernetes:{display}/");
    let renamed: HashMap<String, String> = loaded
        .resources
        .iter()
        .map(|r| {
            let rest = r.id.strip_prefix(&prefix).unwrap_or(&r.id).to_string();
            (
                r.id.clone(),
                format!("live:kubernetes/{}/{rest}", target.context),
            )
        })
        .collect();
    for mut r in loaded.resources {
        let native = r.id.strip_prefix(&prefix).unwrap_or(&r.id).to_string();
        r.id = renamed[&r.id].clone();
        for edge in &mut r.refs {
            if let Some(n) = renamed.get(&*edge.to) {
                edge.to = n.as_str().into();
            }
        }
        r.origin = Origin::Live;
        r.source = Source::Live(LiveSource {
            provider: "kubernetes".into(),
            native_id: format!("{}/{native}", target.context),
        });
        graph.resources.push(r);
    }
    graph.errors.extend(loaded.errors);
    graph.normalize();
    let mut types: Vec<String> = LISTS.iter().map(|(_, k)| k.to_string()).collect();
    types.push(CLUSTER_ROLE_BINDINGS.1.to_string());
    graph.coverage = vec![Coverage {
        platform: "kubernetes".into(),
        types,
    }];
    let scope = LiveScope {
        cluster: Some(format!("{} ({})", target.server, target.context)),
        ..LiveScope::finished("kubernetes", from, &http)
    };
    Ok(Collected { graph, scope })
}

/// For each object, whether a listed controller owning it (matched by UID) stands for it, so
/// judging both would only repeat the findings. It does when what runs is the owner's current
/// template: a Deployment's ReplicaSet of the current revision (or one scaled to zero) unless
/// the Deployment is paused; the Pods of a Deployment's ReplicaSet; the Pods of a StatefulSet
/// on its update revision; the Pods of a DaemonSet whose Pods are all updated; the Pods of a
/// Job; the Jobs of a CronJob. Otherwise (an older revision still running, a bare ReplicaSet
/// or ReplicationController whose template may have been edited since) the object is judged
/// on its own.
fn judged_through_owner(objects: &[Json]) -> Vec<bool> {
    let by_uid: HashMap<&str, &Json> = objects
        .iter()
        .filter_map(|o| o["metadata"]["uid"].as_str().map(|u| (u, o)))
        .collect();
    let revision = |o: &Json| {
        o["metadata"]["annotations"]["deployment.kubernetes.io/revision"]
            .as_str()
            .map(str::to_string)
    };
    // The listed controller of an object, by the UID of its controller reference.
    let owner_of = |x: &Json| {
        x["metadata"]["ownerReferences"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|r| r["controller"].as_bool() == Some(true))
            .and_then(|r| r["uid"].as_str())
            .and_then(|uid| by_uid.get(uid))
            .copied()
    };
    objects
        .iter()
        .map(|o| {
            let Some(owner) = owner_of(o) else {
                return false;
            };
            match (o["kind"].as_str(), owner["kind"].as_str()) {
                (Some("ReplicaSet"), Some("Deployment")) => {
                    let running = o["status"]["replicas"].as_u64().unwrap_or(0) > 0;
                    let paused = owner["spec"]["paused"].as_bool() == Some(true);
                    !running || (!paused && revision(o) == revision(owner))
                }
                // A Deployment's ReplicaSets never change their template.
                (Some("Pod"), Some("ReplicaSet")) => {
                    owner_of(owner).is_some_and(|d| d["kind"] == "Deployment")
                }
                (Some("Pod"), Some("ReplicationController")) => false,
                (Some("Pod"), Some("StatefulSet")) => {
                    let hash = o["metadata"]["labels"]["controller-revision-hash"].as_str();
                    hash.is_some() && hash == owner["status"]["updateRevision"].as_str()
                }
                (Some("Pod"), Some("DaemonSet")) => {
                    let status = &owner["status"];
                    status["desiredNumberScheduled"].as_u64().is_some()
                        && status["updatedNumberScheduled"] == status["desiredNumberScheduled"]
                }
                _ => true,
            }
        })
        .collect()
}

/// Every item of one list, page by page; a 410 (expired continue token) restarts the list
/// once.
fn list(http: &Client, t: &Target, path: &str, limit: u32) -> Result<Vec<Json>, CallError> {
    match list_once(http, t, path, limit) {
        Err(Expired) => list_once(http, t, path, limit).map_err(|Expired| {
            CallError::Malformed(format!("{path}: continue token expired twice"))
        })?,
        Ok(result) => result,
    }
}

/// The continue token expired (410): the list must start over.
struct Expired;

fn list_once(
    http: &Client,
    t: &Target,
    path: &str,
    limit: u32,
) -> Result<Result<Vec<Json>, CallError>, Expired> {
    let mut expired = false;
    let items = super::paged(|cont| {
        let mut url = format!("{}{path}?limit={limit}", t.server);
        if let Some(c) = &cont {
            url.push_str(&format!("&continue={}", super::aws::encode(c)));
        }
        let build = || {
            let mut headers = vec![("accept".to_string(), "application/json".to_string())];
            if let Some(tok) = &t.token {
                headers.push(("authorization".into(), format!("Bearer {tok}")));
            }
            Ok(Request {
                method: reqwest::Method::GET,
                url: url.clone(),
                headers,
                body: Vec::new(),
            })
        };
        let r = http.send(&build, by_status)?;
        if r.status == 410 && cont.is_some() {
            expired = true;
            return Ok((Vec::new(), None));
        }
        if !(200..300).contains(&r.status) {
            let status: Json = serde_json::from_slice(&r.body).unwrap_or(Json::Null);
            return Err(CallError::Malformed(format!(
                "HTTP {} {}: {}",
                r.status,
                status["reason"].as_str().unwrap_or(""),
                status["message"]
                    .as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| super::http::snippet(&r.text()))
            )));
        }
        let page: Json = serde_json::from_slice(&r.body)
            .map_err(|e| CallError::Malformed(format!("{path}: answer is not JSON: {e}")))?;
        let next = page["metadata"]["continue"].as_str().map(str::to_string);
        // The API server always sends `items` (null for none); a page without it is not a list.
        let items = match page.get("items") {
            Some(Json::Array(a)) => a.clone(),
            Some(Json::Null) => Vec::new(),
            _ => {
                return Err(CallError::Malformed(format!(
                    "{path}: the answer is not a list (no items)"
                )));
            }
        };
        Ok((items, next))
    });
    if expired { Err(Expired) } else { Ok(items) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kubeconfig_contexts_and_credentials() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("token"), "file-token\n").unwrap();
        let cfg = dir.path().join("config");
        std::fs::write(
            &cfg,
            "apiVersion: v1\nkind: Config\ncurrent-context: a\nclusters:\n\
             - name: c1\n  cluster: {server: 'https://10.0.0.1:6443/', certificate-authority-data: QUJD}\n\
             - name: c2\n  cluster: {server: 'http://127.0.0.1:8080', insecure-skip-tls-verify: true}\n\
             users:\n- name: u1\n  user: {token: abc}\n- name: u2\n  user: {tokenFile: token}\n\
             - name: u3\n  user: {exec: {command: aws}}\n\
             contexts:\n- name: a\n  context: {cluster: c1, user: u1}\n- name: b\n  context: {cluster: c2, user: u2}\n\
             - name: e\n  context: {cluster: c1, user: u3}\n",
        )
        .unwrap();
        let a = from_kubeconfig(&cfg, None).unwrap();
        assert_eq!(a.server, "https://10.0.0.1:6443");
        assert_eq!(a.token.as_deref(), Some("abc"));
        assert_eq!(a.ca_pem.as_deref(), Some(&b"ABC"[..]));
        let b = from_kubeconfig(&cfg, Some("b")).unwrap();
        assert_eq!((b.token.as_deref(), b.insecure), (Some("file-token"), true));
        let e = from_kubeconfig(&cfg, Some("e")).unwrap_err();
        assert!(
            e.to_string().contains("exec or auth-provider plugin"),
            "{e}"
        );
        assert!(
            from_kubeconfig(&cfg, Some("zz"))
                .unwrap_err()
                .to_string()
                .contains("no context `zz`")
        );
    }

    #[test]
    fn owners_stand_for_what_they_control_except_running_old_revisions() {
        let objects: Vec<Json> = serde_json::from_value(serde_json::json!([
            {"kind": "Deployment", "metadata": {"uid": "d", "annotations": {"deployment.kubernetes.io/revision": "3"}}},
            {"kind": "ReplicaSet", "metadata": {"uid": "r3", "annotations": {"deployment.kubernetes.io/revision": "3"},
                "ownerReferences": [{"uid": "d", "controller": true}]}, "status": {"replicas": 2}},
            {"kind": "ReplicaSet", "metadata": {"uid": "r2", "annotations": {"deployment.kubernetes.io/revision": "2"},
                "ownerReferences": [{"uid": "d", "controller": true}]}, "status": {"replicas": 1}},
            {"kind": "ReplicaSet", "metadata": {"uid": "r1", "annotations": {"deployment.kubernetes.io/revision": "1"},
                "ownerReferences": [{"uid": "d", "controller": true}]}, "status": {"replicas": 0}},
            {"kind": "Pod", "metadata": {"uid": "p", "ownerReferences": [{"uid": "r2", "controller": true}]}},
            {"kind": "Pod", "metadata": {"uid": "q", "ownerReferences": [{"uid": "elsewhere", "controller": true}]}},
            {"kind": "Pod", "metadata": {"uid": "s"}}
        ]))
        .unwrap();
        assert_eq!(
            judged_through_owner(&objects),
            vec![false, true, false, true, true, false, false],
            "the Pod of old revision r2 is judged through r2, which is judged on its own"
        );
        let more: Vec<Json> = serde_json::from_value(serde_json::json!([
            {"kind": "Deployment", "metadata": {"uid": "d", "annotations": {"deployment.kubernetes.io/revision": "3"}}},
            {"kind": "ReplicaSet", "metadata": {"uid": "r3", "annotations": {"deployment.kubernetes.io/revision": "3"},
                "ownerReferences": [{"uid": "d", "controller": true}]}, "status": {"replicas": 2}},
            {"kind": "Pod", "metadata": {"uid": "p1", "ownerReferences": [{"uid": "r3", "controller": true}]}},
            {"kind": "ReplicaSet", "metadata": {"uid": "bare"}, "status": {"replicas": 1}},
            {"kind": "Pod", "metadata": {"uid": "p2", "ownerReferences": [{"uid": "bare", "controller": true}]}},
            {"kind": "StatefulSet", "metadata": {"uid": "s"}, "status": {"updateRevision": "db-2"}},
            {"kind": "Pod", "metadata": {"uid": "p3", "labels": {"controller-revision-hash": "db-2"}, "ownerReferences": [{"uid": "s", "controller": true}]}},
            {"kind": "Pod", "metadata": {"uid": "p4", "labels": {"controller-revision-hash": "db-1"}, "ownerReferences": [{"uid": "s", "controller": true}]}},
            {"kind": "DaemonSet", "metadata": {"uid": "ds"}, "status": {"desiredNumberScheduled": 3, "updatedNumberScheduled": 2}},
            {"kind": "Pod", "metadata": {"uid": "p5", "ownerReferences": [{"uid": "ds", "controller": true}]}}
        ]))
        .unwrap();
        assert_eq!(
            judged_through_owner(&more),
            vec![
                false, true, true, false, false, false, true, false, false, false
            ]
        );
    }
}
