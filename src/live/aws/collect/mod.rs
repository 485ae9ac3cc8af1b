//! The AWS services read by `tenet audit --provider aws`, each mapped onto the Terraform
//! `aws` provider's resource types and attributes, so the AWS rules judge them unchanged.
//!
//! | API                                             | graph type                                |
//! |-------------------------------------------------|-------------------------------------------|
//! | s3 ListBuckets + bucket encryption, versioning, logging, ACL, policy | `aws_s3_bucket` (inline v3 blocks) |
//! | s3 GetPublicAccessBlock (bucket)                | `aws_s3_bucket_public_access_block`       |
//! | s3control GetPublicAccessBlock (account)        | `aws_s3_account_public_access_block`      |
//! | ec2 DescribeSecurityGroups                      | `aws_security_group`, `aws_default_security_group` |
//! | ec2 DescribeVolumes, GetEbsEncryptionByDefault  | `aws_ebs_volume`, `aws_ebs_encryption_by_default` |
//! | ec2 DescribeVpcs, DescribeFlowLogs              | `aws_vpc`, `aws_flow_log` (→ vpc)         |
//! | rds DescribeDBInstances, DescribeDBClusters     | `aws_db_instance`, `aws_rds_cluster`      |
//! | iam ListPolicies + GetPolicyVersion             | `aws_iam_policy`                          |
//! | iam ListUsers + MFA devices, access keys, login profile, inline policies | `aws_iam_user`, `aws_iam_user_policy` |
//! | iam ListRoles + inline policies                 | `aws_iam_role`, `aws_iam_role_policy`     |
//! | iam GetAccountPasswordPolicy, GetAccountSummary | `aws_iam_account_password_policy`, `aws_iam_account_summary` |
//! | kms ListKeys + DescribeKey, GetKeyRotationStatus | `aws_kms_key` (customer-managed keys)    |
//! | cloudtrail DescribeTrails + GetTrailStatus      | `aws_cloudtrail`                          |

mod cloudtrail;
mod ec2;
mod iam;
mod kms;
mod rds;
mod s3;

use rayon::prelude::*;
use roxmltree::{Document, Node};
use serde_json::{Map, Value as Json, json};

use super::{Aws, AwsError, Options, encode};
use crate::graph::{Ref, Resource, ResourceGraph, Scope};
use crate::live::http::{CallError, Client};
use crate::live::{Collected, Gap, LiveScope, Progress, mark_unknown, now, obj, resource};

/// The graph types this collector reads.
pub const TYPES: [&str; 31] = [
    "aws_s3_bucket",
    // Bucket settings read into the bucket's inline blocks.
    "aws_s3_bucket_server_side_encryption_configuration",
    "aws_s3_bucket_versioning",
    "aws_s3_bucket_logging",
    "aws_s3_bucket_acl",
    "aws_s3_bucket_policy",
    // Security-group rules read into the groups' ingress and egress blocks.
    "aws_security_group_rule",
    "aws_vpc_security_group_ingress_rule",
    "aws_vpc_security_group_egress_rule",
    "aws_rds_cluster_instance",
    "aws_iam_group",
    "aws_iam_group_policy",
    "aws_s3_bucket_public_access_block",
    "aws_s3_account_public_access_block",
    "aws_security_group",
    "aws_default_security_group",
    "aws_ebs_volume",
    "aws_ebs_encryption_by_default",
    "aws_vpc",
    "aws_flow_log",
    "aws_db_instance",
    "aws_rds_cluster",
    "aws_iam_policy",
    "aws_iam_user",
    "aws_iam_user_policy",
    "aws_iam_role",
    "aws_iam_role_policy",
    "aws_iam_account_password_policy",
    "aws_iam_account_summary",
    "aws_kms_key",
    "aws_cloudtrail",
];

/// What one collector produced.
#[derive(Default)]
struct Part {
    resources: Vec<Resource>,
    gaps: Vec<Gap>,
}

impl Part {
    fn gap(
        &mut self,
        operation: &str,
        scope: Option<&str>,
        types: &[&str],
        err: &CallError,
        resource: Option<&Resource>,
        attributes: &[&str],
    ) {
        self.gaps.push(Gap {
            provider: "aws".into(),
            operation: operation.into(),
            scope: scope.map(str::to_string),
            resource: resource.map(|r| r.id.clone()),
            resource_types: types.iter().map(|t| t.to_string()).collect(),
            context_types: vec![],
            context: false,
            attributes: attributes.iter().map(|a| a.to_string()).collect(),
            kind: err.kind().into(),
            message: err.to_string(),
        });
    }
}

/// Outcome of a call whose "not configured" answers are values.
enum Got<T> {
    Value(T),
    /// An error code the API uses for "nothing configured".
    Absent,
}

/// Collects the account: every service, every region, in parallel.
pub fn collect(
    opts: &Options,
    http: Client,
    env: &dyn Fn(&str) -> Option<String>,
    progress: &dyn Progress,
) -> Result<Collected, CallError> {
    let from = now();
    let aws = Aws::new(opts, http, env)?;
    let first_region = aws.regions[0].clone();
    let account = caller_account(&aws, &first_region);
    let c = Ctx {
        aws: &aws,
        account: account.clone().ok(),
    };
    let mut tasks: Vec<(String, Option<String>)> = vec![
        ("s3".into(), None),
        ("iam".into(), None),
        ("s3control".into(), None),
    ];
    for region in &aws.regions {
        for service in ["ec2", "rds", "kms", "cloudtrail"] {
            tasks.push((service.into(), Some(region.clone())));
        }
    }
    let parts: Vec<Part> = tasks
        .par_iter()
        .map(|(service, region)| {
            let label = match region {
                Some(r) => format!("{service} {r}"),
                None => service.clone(),
            };
            progress.started(&label);
            let region = region.as_deref().unwrap_or(&first_region);
            let part = match service.as_str() {
                "s3" => c.s3(region),
                "s3control" => c.s3_account(region),
                "iam" => c.iam(),
                "ec2" => c.ec2(region),
                "rds" => c.rds(region),
                "kms" => c.kms(region),
                _ => c.cloudtrail(region),
            };
            progress.finished(&label, part.resources.len());
            part
        })
        .collect();
    let mut graph = ResourceGraph::new();
    if let Err(e) = &account {
        graph.gaps.push(Gap {
            provider: "aws".into(),
            operation: "sts:GetCallerIdentity".into(),
            scope: None,
            resource: None,
            resource_types: vec!["aws_s3_account_public_access_block".into()],
            context_types: vec![],
            // Without the account id the account-wide block cannot be read either.
            context: true,
            attributes: vec![],
            kind: e.kind().into(),
            message: e.to_string(),
        });
    }
    for p in parts {
        graph.resources.extend(p.resources);
        graph.gaps.extend(p.gaps);
    }
    let mut seen = std::collections::BTreeSet::new();
    graph.resources.retain(|r| seen.insert(r.id.clone()));
    graph.normalize();
    graph.coverage = vec![crate::graph::Coverage {
        platform: "aws".into(),
        types: TYPES.iter().map(|t| t.to_string()).collect(),
    }];
    let scope = LiveScope {
        accounts: account.into_iter().collect(),
        regions: aws.regions.clone(),
        endpoints: aws.custom_endpoints(),
        ..LiveScope::finished("aws", from, &aws.http)
    };
    Ok(Collected { graph, scope })
}

fn caller_account(aws: &Aws, region: &str) -> Result<String, CallError> {
    let xml = aws
        .query("sts", region, "GetCallerIdentity", "2011-06-15", &[])?
        .map_err(AwsError::unexpected)?;
    let doc = parse(&xml)?;
    text_of(doc.root_element(), "Account")
        .ok_or_else(|| CallError::Malformed("GetCallerIdentity without Account".into()))
}

struct Ctx<'a> {
    aws: &'a Aws,
    account: Option<String>,
}

impl Ctx<'_> {
    fn scope(&self, region: Option<&str>) -> Scope {
        Scope {
            account: self.account.clone(),
            region: region.map(str::to_string),
            namespace: None,
        }
    }

    fn arn(&self, service: &str, region: &str, rest: &str) -> String {
        format!(
            "arn:aws:{service}:{region}:{}:{rest}",
            self.account.as_deref().unwrap_or("unknown")
        )
    }

    /// A query-API listing (EC2 or RDS) followed through its next-token element.
    fn paged_query(
        &self,
        service: &str,
        region: &str,
        action: &str,
        list: &str,
    ) -> Result<Vec<Flat>, CallError> {
        let (version, next_tag, next_param) = match service {
            "rds" => ("2014-10-31", "Marker", "Marker"),
            _ => ("2016-11-15", "nextToken", "NextToken"),
        };
        crate::live::paged(|token| {
            let mut p: Vec<(&str, String)> = Vec::new();
            if let Some(t) = token {
                p.push((next_param, t));
            }
            let xml = self
                .aws
                .query(service, region, action, version, &p)?
                .map_err(AwsError::unexpected)?;
            let doc = parse(&xml)?;
            let items = list_items(&doc, list)?;
            let next = doc
                .root_element()
                .descendants()
                .find(|n| {
                    n.has_tag_name(next_tag)
                        && n.parent()
                            .is_some_and(|p| p.children().any(|c| c.has_tag_name(list)))
                })
                .and_then(|n| n.text())
                .filter(|t| !t.is_empty())
                .map(str::to_string);
            Ok((items, next))
        })
    }

    /// A paged listing mapped resource by resource; its failure becomes a gap on `types`.
    /// Returns the listed items (empty on failure).
    fn list_into(
        &self,
        part: &mut Part,
        (service, region, action, list): (&str, &str, &str, &str),
        types: &[&str],
        map: impl Fn(&Flat) -> Resource,
    ) -> Vec<Flat> {
        match self.paged_query(service, region, action, list) {
            Ok(items) => {
                part.resources.extend(items.iter().map(&map));
                items
            }
            Err(e) => {
                part.gap(
                    &format!("{service}:{action}"),
                    Some(region),
                    types,
                    &e,
                    None,
                    &[],
                );
                Vec::new()
            }
        }
    }
}

// --- XML and value helpers ---------------------------------------------------------------------

/// An XML element flattened: leaf children as text, list children (`<x><item>`/`<member>`)
/// as lists of flattened elements.
#[derive(Debug, Default, Clone)]
pub struct Flat {
    pub fields: std::collections::BTreeMap<String, String>,
    pub lists: std::collections::BTreeMap<String, Vec<Flat>>,
}

impl Flat {
    pub fn get(&self, k: &str) -> Option<&String> {
        self.fields.get(k)
    }

    fn of(n: Node) -> Flat {
        let mut f = Flat::default();
        for c in n.children().filter(Node::is_element) {
            let name = c.tag_name().name().to_string();
            let elements: Vec<Node> = c.children().filter(Node::is_element).collect();
            if elements.is_empty() {
                f.fields.insert(name, c.text().unwrap_or("").to_string());
            } else if elements
                .iter()
                .all(|e| matches!(e.tag_name().name(), "item" | "member"))
            {
                f.lists
                    .insert(name, elements.into_iter().map(Flat::of).collect());
            } else {
                // A nested structure: its leaves, prefixed, and its own lists.
                let inner = Flat::of(c);
                for (k, v) in inner.fields {
                    f.fields.insert(format!("{name}.{k}"), v);
                }
                for (k, v) in inner.lists {
                    f.lists.insert(format!("{name}.{k}"), v);
                }
            }
        }
        f
    }
}

/// The items of the first `<list>` element: its `item`/`member` children, or (RDS) children
/// named like the list's singular (`DBInstances` → `DBInstance`).
fn list_items(doc: &Document, list: &str) -> Result<Vec<Flat>, CallError> {
    doc.descendants()
        .find(|n| n.has_tag_name(list))
        .map(|n| {
            n.children()
                .filter(Node::is_element)
                .map(Flat::of)
                .collect()
        })
        .ok_or_else(|| CallError::Malformed(format!("the answer has no <{list}> element")))
}

fn parse(xml: &str) -> Result<Document<'_>, CallError> {
    Document::parse(xml).map_err(|e| CallError::Malformed(format!("answer is not XML: {e}")))
}

fn text_of(n: Node, tag: &str) -> Option<String> {
    n.descendants()
        .find(|c| c.has_tag_name(tag))
        .and_then(|c| c.text())
        .map(str::to_string)
}

fn num(v: Option<&String>) -> Json {
    v.and_then(|s| s.parse::<i64>().ok())
        .map(Json::from)
        .unwrap_or(Json::Null)
}

fn boolean(v: Option<&String>) -> Json {
    match v.map(String::as_str) {
        Some("true") => json!(true),
        Some("false") => json!(false),
        _ => Json::Null,
    }
}

fn set(r: &mut Resource, k: &str, v: Json) {
    if let Json::Object(m) = &mut r.attributes {
        m.insert(k.to_string(), v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flattening_keeps_lists_and_nested_fields() {
        let xml = r#"<DescribeSecurityGroupsResponse><securityGroupInfo><item>
            <groupId>sg-1</groupId><groupName>web</groupName>
            <ipPermissions><item><ipProtocol>tcp</ipProtocol><fromPort>22</fromPort><toPort>22</toPort>
              <ipRanges><item><cidrIp>0.0.0.0/0</cidrIp></item></ipRanges></item></ipPermissions>
            </item></securityGroupInfo><nextToken>abc</nextToken></DescribeSecurityGroupsResponse>"#;
        let doc = Document::parse(xml).unwrap();
        let items = list_items(&doc, "securityGroupInfo").unwrap();
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].get("groupId").map(String::as_str), Some("sg-1"));
        let perm = &items[0].lists["ipPermissions"][0];
        assert_eq!(
            perm.lists["ipRanges"][0].get("cidrIp").map(String::as_str),
            Some("0.0.0.0/0")
        );
    }
}
