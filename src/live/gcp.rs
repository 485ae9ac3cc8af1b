//! The GCP collector: Cloud Asset Inventory (`GET /v1/{parent}/assets?contentType=RESOURCE`)
//! for projects, folders or organizations, each asset's REST resource mapped onto the
//! Terraform `google` provider's type and attributes, so the `google_*` rules judge it.
//!
//! | asset type                          | graph type                     |
//! |-------------------------------------|--------------------------------|
//! | storage.googleapis.com/Bucket       | `google_storage_bucket`        |
//! | compute.googleapis.com/Firewall     | `google_compute_firewall`      |
//! | sqladmin.googleapis.com/Instance    | `google_sql_database_instance` |
//! | cloudkms.googleapis.com/CryptoKey   | `google_kms_crypto_key`        |
//!
//! Tokens: `GOOGLE_OAUTH_ACCESS_TOKEN`, else the service-account key file named by
//! `GOOGLE_APPLICATION_CREDENTIALS`. The base URL is `--endpoint-url`, else
//! `CLOUDASSET_ENDPOINT`, else `https://cloudasset.googleapis.com`.

use serde_json::{Map, Value as Json, json};

use super::http::{CallError, Client};
use super::token::{Cached, GcpServiceAccount, Static, TokenProvider, bearer_json};
use super::{Collected, LiveScope, Progress, now, obj};
use crate::graph::{Coverage, Resource, ResourceGraph, Scope};

/// Asset types read and the graph types they become.
pub const ASSETS: [(&str, &str); 4] = [
    ("storage.googleapis.com/Bucket", "google_storage_bucket"),
    ("compute.googleapis.com/Firewall", "google_compute_firewall"),
    (
        "sqladmin.googleapis.com/Instance",
        "google_sql_database_instance",
    ),
    ("cloudkms.googleapis.com/CryptoKey", "google_kms_crypto_key"),
];

pub struct Options {
    /// `projects/ID`, `folders/N`, `organizations/N` (a bare id means a project).
    pub scopes: Vec<String>,
    pub base_url: Option<String>,
}

pub fn tokens(env: &dyn Fn(&str) -> Option<String>) -> Result<Box<dyn TokenProvider>, CallError> {
    if let Some(t) = env("GOOGLE_OAUTH_ACCESS_TOKEN").filter(|t| !t.is_empty()) {
        return Ok(Box::new(Static {
            token: t,
            source: "GOOGLE_OAUTH_ACCESS_TOKEN".into(),
        }));
    }
    match env("GOOGLE_APPLICATION_CREDENTIALS") {
        Some(path) => Ok(Box::new(Cached::new(GcpServiceAccount::from_file(&path)?))),
        None => Err(CallError::Credentials(
            "no GCP credentials: set GOOGLE_OAUTH_ACCESS_TOKEN or GOOGLE_APPLICATION_CREDENTIALS \
             (a service-account key file)"
                .into(),
        )),
    }
}

/// `projects/p` for a bare project id; other parents as given.
pub fn parent(scope: &str) -> String {
    if scope.contains('/') {
        scope.trim_matches('/').to_string()
    } else {
        format!("projects/{scope}")
    }
}

pub fn collect(
    opts: &Options,
    http: Client,
    tokens: &dyn TokenProvider,
    env: &dyn Fn(&str) -> Option<String>,
    progress: &dyn Progress,
) -> Result<Collected, CallError> {
    if opts.scopes.is_empty() {
        return Err(CallError::Credentials(
            "GCP needs at least one --scope (projects/ID, folders/N or organizations/N)".into(),
        ));
    }
    let from = now();
    let base = super::base_url(
        opts.base_url.as_ref(),
        env,
        "CLOUDASSET_ENDPOINT",
        "https://cloudasset.googleapis.com",
    );
    let mut graph = ResourceGraph::new();
    let parents: Vec<String> = opts.scopes.iter().map(|s| parent(s)).collect();
    for p in &parents {
        progress.started(p);
        let before = graph.resources.len();
        let types: String = ASSETS
            .iter()
            .map(|(a, _)| format!("&assetTypes={}", super::aws::encode(a)))
            .collect();
        let assets = super::paged(|token| {
            let mut url = format!("{base}/v1/{p}/assets?contentType=RESOURCE&pageSize=1000{types}");
            if let Some(t) = token {
                url.push_str(&format!("&pageToken={}", super::aws::encode(&t)));
            }
            let page = bearer_json(&http, tokens, reqwest::Method::GET, &url, None)?;
            let next = page
                .get("nextPageToken")
                .and_then(Json::as_str)
                .map(str::to_string);
            // An empty page has no `assets` at all (proto3 JSON leaves empty lists out).
            Ok((page["assets"].as_array().cloned().unwrap_or_default(), next))
        });
        match assets {
            Ok(assets) => graph.resources.extend(assets.iter().filter_map(map_asset)),
            Err(e) => graph.gaps.push(super::listing_gap(
                "gcp",
                "cloudasset.assets.list",
                Some(p.clone()),
                ASSETS.iter().map(|(_, t)| t.to_string()).collect(),
                &e,
            )),
        }
        progress.finished(p, graph.resources.len() - before);
    }
    let mut ids = std::collections::BTreeSet::new();
    graph.resources.retain(|r| ids.insert(r.id.clone()));
    graph.normalize();
    graph.coverage = vec![Coverage {
        platform: "gcp".into(),
        types: ASSETS.iter().map(|(_, t)| t.to_string()).collect(),
    }];
    let scope = LiveScope {
        projects: parents,
        endpoints: opts.base_url.iter().cloned().collect(),
        ..LiveScope::finished("gcp", from, &http)
    };
    Ok(Collected { graph, scope })
}

/// One asset as a `google_*` resource; `None` for types not read.
pub fn map_asset(asset: &Json) -> Option<Resource> {
    let name = asset.get("name")?.as_str()?;
    let asset_type = asset.get("assetType")?.as_str()?;
    let (_, graph_type) = ASSETS.iter().find(|(a, _)| *a == asset_type)?;
    let data = asset.pointer("/resource/data")?;
    let s = |p: &str| data.pointer(p).cloned().unwrap_or(Json::Null);
    let short = data
        .get("name")
        .and_then(Json::as_str)
        .map(|n| n.rsplit('/').next().unwrap_or(n).to_string())
        .unwrap_or_else(|| name.rsplit('/').next().unwrap_or(name).to_string());
    let project = name
        .split("/projects/")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .map(str::to_string);
    let attrs: Map<String, Json> = match *graph_type {
        "google_storage_bucket" => {
            let mut m = obj([
                ("name", json!(short)),
                ("location", s("/location")),
                ("storage_class", s("/storageClass")),
                (
                    "uniform_bucket_level_access",
                    json!(
                        data.pointer("/iamConfiguration/uniformBucketLevelAccess/enabled")
                            .and_then(Json::as_bool)
                            .unwrap_or(false)
                    ),
                ),
                (
                    "versioning",
                    json!([{"enabled": data.pointer("/versioning/enabled").and_then(Json::as_bool).unwrap_or(false)}]),
                ),
            ]);
            if let Some(p) = data.pointer("/iamConfiguration/publicAccessPrevention") {
                m.insert("public_access_prevention".into(), p.clone());
            }
            m.insert(
                "logging".into(),
                match data.pointer("/logging/logBucket") {
                    Some(b) => json!([{"log_bucket": b}]),
                    None => json!([]),
                },
            );
            m.insert(
                "encryption".into(),
                match data.pointer("/encryption/defaultKmsKeyName") {
                    Some(k) => json!([{"default_kms_key_name": k}]),
                    None => json!([]),
                },
            );
            m
        }
        "google_compute_firewall" => {
            let rules = |key: &str| -> Json {
                Json::Array(
                    data.get(key)
                        .and_then(Json::as_array)
                        .into_iter()
                        .flatten()
                        .map(|r| json!({"protocol": r.get("IPProtocol").or_else(|| r.get("ipProtocol")).cloned().unwrap_or(Json::Null), "ports": r.get("ports").cloned().unwrap_or(json!([]))}))
                        .collect(),
                )
            };
            obj([
                ("name", json!(short)),
                ("network", s("/network")),
                (
                    "direction",
                    data.get("direction").cloned().unwrap_or(json!("INGRESS")),
                ),
                (
                    "source_ranges",
                    data.get("sourceRanges").cloned().unwrap_or(json!([])),
                ),
                ("allow", rules("allowed")),
                ("deny", rules("denied")),
                (
                    "disabled",
                    json!(
                        data.get("disabled")
                            .and_then(Json::as_bool)
                            .unwrap_or(false)
                    ),
                ),
                ("priority", s("/priority")),
            ])
        }
        "google_sql_database_instance" => {
            let settings = data.get("settings").cloned().unwrap_or(json!({}));
            let ip = settings
                .get("ipConfiguration")
                .cloned()
                .unwrap_or(json!({}));
            let backup = settings
                .get("backupConfiguration")
                .cloned()
                .unwrap_or(json!({}));
            let ssl_mode = ip.get("sslMode").cloned().unwrap_or(Json::Null);
            let mut m = obj([
                ("name", json!(short)),
                ("database_version", s("/databaseVersion")),
                ("region", s("/region")),
                (
                    "deletion_protection",
                    json!(
                        settings
                            .get("deletionProtectionEnabled")
                            .and_then(Json::as_bool)
                            .unwrap_or(false)
                    ),
                ),
                (
                    "settings",
                    json!([{
                        "tier": settings.get("tier"),
                        "availability_type": settings.get("availabilityType"),
                        "deletion_protection_enabled": settings.get("deletionProtectionEnabled").and_then(Json::as_bool).unwrap_or(false),
                        "ip_configuration": [{
                            "ipv4_enabled": ip.get("ipv4Enabled").and_then(Json::as_bool).unwrap_or(false),
                            "require_ssl": ip.get("requireSsl").and_then(Json::as_bool).unwrap_or(false),
                            "ssl_mode": ssl_mode,
                            "authorized_networks": ip.get("authorizedNetworks").and_then(Json::as_array).into_iter().flatten()
                                .map(|n| json!({"name": n.get("name"), "value": n.get("value")})).collect::<Vec<_>>(),
                        }],
                        "backup_configuration": [{
                            "enabled": backup.get("enabled").and_then(Json::as_bool).unwrap_or(false),
                            "point_in_time_recovery_enabled": backup.get("pointInTimeRecoveryEnabled").and_then(Json::as_bool).unwrap_or(false),
                        }],
                        "database_flags": settings.get("databaseFlags").cloned().unwrap_or(json!([])),
                    }]),
                ),
            ]);
            if let Some(k) = data.pointer("/diskEncryptionConfiguration/kmsKeyName") {
                m.insert("encryption_key_name".into(), k.clone());
            }
            if let Some(master) = data.get("masterInstanceName") {
                m.insert("master_instance_name".into(), master.clone());
            }
            m
        }
        _ => {
            let mut m = obj([
                ("name", json!(short)),
                (
                    "purpose",
                    data.get("purpose")
                        .cloned()
                        .unwrap_or(json!("ENCRYPT_DECRYPT")),
                ),
                (
                    "import_only",
                    json!(
                        data.get("importOnly")
                            .and_then(Json::as_bool)
                            .unwrap_or(false)
                    ),
                ),
                (
                    "version_template",
                    json!([{"protection_level": data.pointer("/versionTemplate/protectionLevel")}]),
                ),
            ]);
            if let Some(p) = data.get("rotationPeriod") {
                m.insert("rotation_period".into(), p.clone());
            }
            m
        }
    };
    let region = data
        .get("location")
        .or_else(|| data.get("region"))
        .and_then(Json::as_str)
        .map(str::to_ascii_lowercase);
    Some(super::resource(
        "gcp",
        graph_type,
        &short,
        name.trim_start_matches("//"),
        Scope {
            account: project,
            region,
            namespace: None,
        },
        attrs,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_map_onto_the_terraform_schema() {
        let r = map_asset(&json!({
            "name": "//storage.googleapis.com/projects/_/buckets/logs",
            "assetType": "storage.googleapis.com/Bucket",
            "resource": {"data": {"name": "logs", "location": "EU",
                "iamConfiguration": {"uniformBucketLevelAccess": {"enabled": true}, "publicAccessPrevention": "enforced"},
                "versioning": {"enabled": true}}}
        }))
        .unwrap();
        assert_eq!(r.resource_type, "google_storage_bucket");
        assert_eq!(r.attributes["uniform_bucket_level_access"], true);
        assert_eq!(r.attributes["public_access_prevention"], "enforced");
        assert_eq!(r.attributes["versioning"][0]["enabled"], true);
        assert_eq!(r.attributes["logging"], json!([]));
        assert_eq!(parent("p1"), "projects/p1");
        assert_eq!(parent("folders/12"), "folders/12");
    }
}
