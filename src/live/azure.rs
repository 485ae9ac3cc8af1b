//! The Azure collector: Azure Resource Graph (`POST /providers/Microsoft.ResourceGraph/
//! resources`), whose rows are resources in ARM shape (`type`, `name`, `location`,
//! `properties`, `sku`, `kind`, `tags`), the same shape as Bicep and ARM templates, so the
//! `Microsoft.*` rules judge them unchanged.
//!
//! Tokens: `AZURE_ACCESS_TOKEN` (a token for `https://management.azure.com/.default`), else
//! client credentials from `AZURE_TENANT_ID` + `AZURE_CLIENT_ID` with `AZURE_CLIENT_SECRET`
//! or `AZURE_FEDERATED_TOKEN_FILE` (AKS workload identity, GitHub OIDC), at
//! `AZURE_AUTHORITY_HOST` (default `https://login.microsoftonline.com`). The base URL is
//! `--endpoint-url`, else `AZURE_RESOURCE_MANAGER_URL`, else `https://management.azure.com`.

use serde_json::{Map, Value as Json, json};

use super::http::{CallError, Client};
use super::token::{self, Cached, Static, TokenProvider, bearer_json};
use super::{Collected, Gap, LiveScope, Progress, now};
use crate::graph::{Coverage, ResourceGraph, Scope};

/// ARM types read (tracked resources of the Resource Graph `Resources` table that the
/// built-in rules judge), in their canonical case.
pub const TYPES: [&str; 12] = [
    "Microsoft.Storage/storageAccounts",
    "Microsoft.ContainerService/managedClusters",
    "Microsoft.KeyVault/vaults",
    "Microsoft.DocumentDB/databaseAccounts",
    "Microsoft.Sql/servers",
    "Microsoft.Sql/servers/databases",
    "Microsoft.Web/sites",
    "Microsoft.Network/networkSecurityGroups",
    "Microsoft.Network/networkWatchers/flowLogs",
    "Microsoft.DBforPostgreSQL/flexibleServers",
    "Microsoft.DBforMySQL/flexibleServers",
    "Microsoft.Compute/virtualMachines",
];

/// Child types the rules read that Resource Graph's `Resources` table does not hold.
pub const NOT_COLLECTED: [(&str, &str); 1] = [(
    "Microsoft.Storage/storageAccounts/blobServices",
    "child resources are not in Resource Graph's Resources table",
)];

pub struct Options {
    pub subscriptions: Vec<String>,
    pub base_url: Option<String>,
}

/// The token provider the environment describes.
pub fn tokens(env: &dyn Fn(&str) -> Option<String>) -> Result<Box<dyn TokenProvider>, CallError> {
    if let Some(t) = env("AZURE_ACCESS_TOKEN").filter(|t| !t.is_empty()) {
        return Ok(Box::new(Static {
            token: t,
            source: "AZURE_ACCESS_TOKEN".into(),
        }));
    }
    match (env("AZURE_TENANT_ID"), env("AZURE_CLIENT_ID")) {
        (Some(tenant), Some(client_id)) => Ok(Box::new(Cached::new(token::AzureClient {
            authority: env("AZURE_AUTHORITY_HOST")
                .unwrap_or_else(|| "https://login.microsoftonline.com".into()),
            tenant,
            client_id,
            secret: env("AZURE_CLIENT_SECRET").filter(|s| !s.is_empty()),
            federated_token_file: env("AZURE_FEDERATED_TOKEN_FILE"),
            scope: "https://management.azure.com/.default".into(),
        }))),
        _ => Err(CallError::Credentials(
            "no Azure credentials: set AZURE_ACCESS_TOKEN, or AZURE_TENANT_ID and AZURE_CLIENT_ID \
             with AZURE_CLIENT_SECRET or AZURE_FEDERATED_TOKEN_FILE"
                .into(),
        )),
    }
}

/// The Resource Graph query for the read types.
pub fn query() -> String {
    let types: Vec<String> = TYPES
        .iter()
        .map(|t| format!("'{}'", t.to_ascii_lowercase()))
        .collect();
    format!(
        "Resources | where type in~ ({}) | project id, name, type, location, resourceGroup, \
         subscriptionId, kind, sku, tags, identity, properties | order by id asc",
        types.join(", ")
    )
}

pub fn collect(
    opts: &Options,
    http: Client,
    tokens: &dyn TokenProvider,
    env: &dyn Fn(&str) -> Option<String>,
    progress: &dyn Progress,
) -> Result<Collected, CallError> {
    if opts.subscriptions.is_empty() {
        return Err(CallError::Credentials(
            "Azure needs at least one --subscription".into(),
        ));
    }
    let from = now();
    let base = super::base_url(
        opts.base_url.as_ref(),
        env,
        "AZURE_RESOURCE_MANAGER_URL",
        "https://management.azure.com",
    );
    let url = format!("{base}/providers/Microsoft.ResourceGraph/resources?api-version=2022-10-01");
    let mut graph = ResourceGraph::new();
    progress.started("resource graph");
    // Resource Graph answers for the subscriptions the caller may read and silently leaves the
    // others out: each one is checked, and one that cannot be read is a gap.
    let mut readable: Vec<String> = Vec::new();
    for sub in &opts.subscriptions {
        let url = format!("{base}/subscriptions/{sub}?api-version=2022-12-01");
        match bearer_json(&http, tokens, reqwest::Method::GET, &url, None) {
            Ok(_) => readable.push(sub.clone()),
            Err(e) => graph.gaps.push(super::listing_gap(
                "azure",
                "Microsoft.Resources/subscriptions/read",
                Some(sub.clone()),
                TYPES.iter().map(|t| t.to_string()).collect(),
                &e,
            )),
        }
    }
    let rows = if readable.is_empty() {
        Ok(Vec::new())
    } else {
        super::paged(|skip| {
            let mut options = json!({"$top": 1000, "resultFormat": "objectArray"});
            if let Some(t) = skip {
                options["$skipToken"] = json!(t);
            }
            let body = json!({"subscriptions": readable, "query": query(), "options": options});
            let page = bearer_json(&http, tokens, reqwest::Method::POST, &url, Some(&body))?;
            let next = page
                .get("$skipToken")
                .and_then(Json::as_str)
                .map(str::to_string);
            let rows = page["data"].as_array().cloned().ok_or_else(|| {
                CallError::Malformed("the Resource Graph answer has no data array".into())
            })?;
            // A truncated result that gives no skip token cannot be completed.
            if next.is_none() && page.get("resultTruncated").and_then(Json::as_str) == Some("true")
            {
                return Err(CallError::Malformed(
                    "the Resource Graph answer is truncated without a $skipToken".into(),
                ));
            }
            Ok((rows, next))
        })
    };
    match rows {
        Ok(rows) => graph.resources.extend(rows.iter().filter_map(resource)),
        Err(e) => graph.gaps.push(super::listing_gap(
            "azure",
            "Microsoft.ResourceGraph/resources",
            Some(readable.join(",")),
            TYPES.iter().map(|t| t.to_string()).collect(),
            &e,
        )),
    }
    progress.finished("resource graph", graph.resources.len());
    // Child resources (blob services and their soft-delete settings) are not in the Resources
    // table: the rules reading them cannot decide, rather than report every account.
    for (child, why) in NOT_COLLECTED {
        graph.gaps.push(Gap {
            provider: "azure".into(),
            operation: child.to_string(),
            scope: None,
            resource: None,
            resource_types: vec![child.to_string()],
            context_types: vec![],
            context: true,
            attributes: vec![],
            kind: crate::graph::NOT_COLLECTED.into(),
            message: why.to_string(),
        });
    }
    graph.normalize();
    graph.coverage = vec![Coverage {
        platform: "azure".into(),
        types: TYPES.iter().map(|t| t.to_string()).collect(),
    }];
    let scope = LiveScope {
        subscriptions: opts.subscriptions.clone(),
        endpoints: opts.base_url.iter().cloned().collect(),
        ..LiveScope::finished("azure", from, &http)
    };
    Ok(Collected { graph, scope })
}

/// One Resource Graph row as an ARM-shaped resource.
fn resource(row: &Json) -> Option<crate::graph::Resource> {
    let id = row.get("id")?.as_str()?;
    let lower = row.get("type")?.as_str()?.to_ascii_lowercase();
    let canonical = TYPES.iter().find(|t| t.to_ascii_lowercase() == lower)?;
    let name = row.get("name").and_then(Json::as_str).unwrap_or(id);
    let mut attrs = Map::new();
    attrs.insert("type".into(), json!(canonical));
    for key in [
        "name",
        "location",
        "kind",
        "sku",
        "tags",
        "identity",
        "properties",
    ] {
        if let Some(v) = row.get(key).filter(|v| !v.is_null()) {
            attrs.insert(key.into(), v.clone());
        }
    }
    let location = row
        .get("location")
        .and_then(Json::as_str)
        .map(str::to_string);
    Some(super::resource(
        "azure",
        canonical,
        name,
        id,
        Scope {
            account: row
                .get("subscriptionId")
                .and_then(Json::as_str)
                .map(str::to_string),
            region: location,
            namespace: row
                .get("resourceGroup")
                .and_then(Json::as_str)
                .map(str::to_string),
        },
        attrs,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_take_the_canonical_type_and_arm_shape() {
        let r = resource(&json!({
            "id": "/subscriptions/s/resourceGroups/g/providers/Microsoft.Storage/storageAccounts/a",
            "name": "a", "type": "microsoft.storage/storageaccounts", "location": "westeurope",
            "resourceGroup": "g", "subscriptionId": "s", "kind": "StorageV2",
            "properties": {"supportsHttpsTrafficOnly": false}, "sku": null
        }))
        .unwrap();
        assert_eq!(r.resource_type, "Microsoft.Storage/storageAccounts");
        assert_eq!(r.attributes["type"], "Microsoft.Storage/storageAccounts");
        assert_eq!(
            r.attributes["properties"]["supportsHttpsTrafficOnly"],
            false
        );
        assert!(r.attributes.get("sku").is_none());
        assert_eq!(r.scope.namespace.as_deref(), Some("g"));
        assert!(resource(&json!({"id": "x", "type": "microsoft.foo/bars"})).is_none());
        assert!(query().contains("'microsoft.keyvault/vaults'"));
    }
}
