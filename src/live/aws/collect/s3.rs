//! S3: buckets with their settings as inline blocks, bucket and account public access blocks.

use super::*;

impl Ctx<'_> {
    // --- S3 -----------------------------------------------------------------------------------

    pub(super) fn s3(&self, region: &str) -> Part {
        let mut part = Part::default();
        let listing = self
            .aws
            .rest_get("s3", region, "/")
            .and_then(|r| r.map_err(AwsError::unexpected));
        let xml = match listing {
            Ok(x) => x,
            Err(e) => {
                part.gap(
                    "s3:ListBuckets",
                    None,
                    &[
                        "aws_s3_bucket",
                        "aws_s3_bucket_public_access_block",
                        "aws_s3_bucket_acl",
                        "aws_s3_bucket_versioning",
                        "aws_s3_bucket_server_side_encryption_configuration",
                    ],
                    &e,
                    None,
                    &[],
                );
                return part;
            }
        };
        let names: Vec<String> = match parse(&xml) {
            Ok(doc) => doc
                .descendants()
                .filter(|n| n.has_tag_name("Bucket"))
                .filter_map(|b| text_of(b, "Name"))
                .collect(),
            Err(e) => {
                part.gap("s3:ListBuckets", None, &["aws_s3_bucket"], &e, None, &[]);
                return part;
            }
        };
        let buckets: Vec<Part> = names
            .par_iter()
            .map(|name| self.bucket(name, region))
            .collect();
        for b in buckets {
            part.resources.extend(b.resources);
            part.gaps.extend(b.gaps);
        }
        part
    }

    /// One bucket: its region, then each detail call; a failed call leaves its attribute
    /// unknown on the bucket.
    pub(super) fn bucket(&self, name: &str, default_region: &str) -> Part {
        let mut part = Part::default();
        let path = format!("/{}", encode(name));
        // Its region (an empty constraint is us-east-1, the legacy `EU` is eu-west-1). If it
        // cannot be read, the detail calls go to the listing's region; S3 answers or
        // redirects there, and a failure is recorded per call below.
        let region = match self.s3_get(&path, "location", default_region, &[]) {
            Ok(Got::Value(xml)) => {
                match parse(&xml)
                    .ok()
                    .and_then(|d| d.root_element().text().map(str::to_string))
                    .as_deref()
                {
                    None | Some("") => "us-east-1".to_string(),
                    Some("EU") => "eu-west-1".to_string(),
                    Some(r) => r.to_string(),
                }
            }
            _ => default_region.to_string(),
        };
        let arn = format!("arn:aws:s3:::{name}");
        let mut bucket = resource(
            "aws",
            "aws_s3_bucket",
            name,
            &arn,
            self.scope(Some(&region)),
            obj([
                ("bucket", json!(name)),
                ("arn", json!(arn)),
                ("region", json!(region)),
            ]),
        );
        let mut attrs = Map::new();
        let mut unknown: Vec<&str> = Vec::new();
        let mut detail = |sub: &str,
                          absent: &[&str],
                          attr: &[&'static str],
                          map: &dyn Fn(&str) -> Map<String, Json>,
                          part: &mut Part| {
            match self.s3_get(&path, sub, &region, absent) {
                Ok(Got::Value(xml)) => attrs.extend(map(&xml)),
                Ok(Got::Absent) => attrs.extend(map("")),
                Err(e) => {
                    part.gap(
                        &format!("s3:GetBucket{}", capitalize(sub)),
                        Some(&region),
                        &["aws_s3_bucket"],
                        &e,
                        Some(&bucket),
                        attr,
                    );
                    unknown.extend_from_slice(attr);
                }
            }
        };
        detail(
            "encryption",
            &["ServerSideEncryptionConfigurationNotFoundError"],
            &["server_side_encryption_configuration"],
            &map_encryption,
            &mut part,
        );
        detail(
            "versioning",
            &[],
            &["versioning"],
            &map_versioning,
            &mut part,
        );
        detail("logging", &[], &["logging"], &map_logging, &mut part);
        detail("acl", &[], &["grant"], &map_acl, &mut part);
        detail(
            "policy",
            &["NoSuchBucketPolicy"],
            &["policy"],
            &|text: &str| obj([("policy", json!(text))]),
            &mut part,
        );
        if let Json::Object(map) = &mut bucket.attributes {
            map.extend(attrs);
        }
        mark_unknown(&mut bucket, &unknown);

        // The bucket's public access block is its own resource in the Terraform schema.
        let settings = [
            ("BlockPublicAcls", "block_public_acls"),
            ("BlockPublicPolicy", "block_public_policy"),
            ("IgnorePublicAcls", "ignore_public_acls"),
            ("RestrictPublicBuckets", "restrict_public_buckets"),
        ];
        let block_id = format!("{arn}/public-access-block");
        let block = |values: Map<String, Json>| {
            let mut attrs = obj([("bucket", json!(name))]);
            attrs.extend(values);
            resource(
                "aws",
                "aws_s3_bucket_public_access_block",
                name,
                &block_id,
                self.scope(Some(&region)),
                attrs,
            )
        };
        match self.s3_get(
            &path,
            "publicAccessBlock",
            &region,
            &["NoSuchPublicAccessBlockConfiguration"],
        ) {
            Ok(Got::Value(xml)) => {
                let doc = parse(&xml).ok();
                let values = settings
                    .iter()
                    .map(|(tag, attr)| {
                        let on = doc
                            .as_ref()
                            .and_then(|d| text_of(d.root_element(), tag))
                            .is_some_and(|v| v == "true");
                        (attr.to_string(), json!(on))
                    })
                    .collect();
                part.resources.push(block(values));
            }
            Ok(Got::Absent) => {}
            Err(e) => {
                // Whether a block exists is not known: a block with every setting unknown.
                let mut b = block(Map::new());
                let attrs: Vec<&str> = settings.iter().map(|(_, a)| *a).collect();
                mark_unknown(&mut b, &attrs);
                part.gap(
                    "s3:GetPublicAccessBlock",
                    Some(&region),
                    &["aws_s3_bucket_public_access_block"],
                    &e,
                    Some(&b),
                    &attrs,
                );
                part.resources.push(b);
            }
        }
        part.resources.push(bucket);
        part
    }

    /// GET `/{bucket}?{sub}`: the body, `Absent` for the given codes, or the failure.
    pub(super) fn s3_get(
        &self,
        path: &str,
        sub: &str,
        region: &str,
        absent: &[&str],
    ) -> Result<Got<String>, CallError> {
        match self.aws.rest_get("s3", region, &format!("{path}?{sub}"))? {
            Ok(xml) => Ok(Got::Value(xml)),
            Err(e) if absent.contains(&e.code.as_str()) => Ok(Got::Absent),
            Err(e) => Err(e.unexpected()),
        }
    }

    /// The account-wide S3 public access block (s3control).
    pub(super) fn s3_account(&self, region: &str) -> Part {
        let mut part = Part::default();
        let Some(account) = self.account.clone() else {
            return part;
        };
        let result = self.aws.call_at(
            &self.aws.s3_control_endpoint(&account, region),
            "s3",
            region,
            reqwest::Method::GET,
            "/v20180820/configuration/publicAccessBlock",
            &[("x-amz-account-id", &account)],
            b"",
        );
        // Whether buckets are protected account-wide decides the public access block rule on
        // every bucket: without this answer, its failures are withheld.
        let gap = |part: &mut Part, e: &CallError| {
            part.gap(
                "s3control:GetPublicAccessBlock",
                None,
                &["aws_s3_account_public_access_block"],
                e,
                None,
                &[],
            );
            if let Some(g) = part.gaps.last_mut() {
                g.context = true;
            }
        };
        let xml = match result.map(crate::live::aws::answer) {
            Ok(Ok(x)) => x,
            Ok(Err(e)) if e.code == "NoSuchPublicAccessBlockConfiguration" => return part,
            Ok(Err(e)) => {
                gap(&mut part, &e.unexpected());
                return part;
            }
            Err(e) => {
                gap(&mut part, &e);
                return part;
            }
        };
        let doc = match parse(&xml) {
            Ok(d) => d,
            Err(e) => {
                gap(&mut part, &e);
                return part;
            }
        };
        let flag = |tag: &str| json!(text_of(doc.root_element(), tag).is_some_and(|v| v == "true"));
        part.resources.push(resource(
            "aws",
            "aws_s3_account_public_access_block",
            &account,
            &format!("arn:aws:s3:::account/{account}/public-access-block"),
            self.scope(None),
            obj([
                ("account_id", json!(account)),
                ("block_public_acls", flag("BlockPublicAcls")),
                ("block_public_policy", flag("BlockPublicPolicy")),
                ("ignore_public_acls", flag("IgnorePublicAcls")),
                ("restrict_public_buckets", flag("RestrictPublicBuckets")),
            ]),
        ));
        part
    }
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn map_encryption(xml: &str) -> Map<String, Json> {
    let rules: Vec<Json> = parse(xml)
        .map(|doc| {
            doc.descendants()
                .filter(|n| n.has_tag_name("ApplyServerSideEncryptionByDefault"))
                .map(|d| {
                    json!({"apply_server_side_encryption_by_default": [{
                        "sse_algorithm": text_of(d, "SSEAlgorithm").unwrap_or_default(),
                        "kms_master_key_id": text_of(d, "KMSMasterKeyID"),
                    }]})
                })
                .collect()
        })
        .unwrap_or_default();
    let cfg = if rules.is_empty() {
        json!([])
    } else {
        json!([{ "rule": rules }])
    };
    obj([("server_side_encryption_configuration", cfg)])
}

fn map_versioning(xml: &str) -> Map<String, Json> {
    let doc = parse(xml).ok();
    let status = doc
        .as_ref()
        .and_then(|d| text_of(d.root_element(), "Status"));
    let mfa = doc
        .as_ref()
        .and_then(|d| text_of(d.root_element(), "MfaDelete"));
    // Never configured: no block (as a bucket without `versioning`); suspended: disabled.
    let block = match status {
        None => json!([]),
        Some(s) => {
            json!([{ "enabled": s == "Enabled", "mfa_delete": mfa.as_deref() == Some("Enabled") }])
        }
    };
    obj([("versioning", block)])
}

fn map_logging(xml: &str) -> Map<String, Json> {
    let target = parse(xml).ok().and_then(|d| {
        let t = text_of(d.root_element(), "TargetBucket")?;
        Some(json!({"target_bucket": t, "target_prefix": text_of(d.root_element(), "TargetPrefix").unwrap_or_default()}))
    });
    obj([("logging", Json::Array(target.into_iter().collect()))])
}

fn map_acl(xml: &str) -> Map<String, Json> {
    let grants: Vec<Json> = parse(xml)
        .map(|doc| {
            doc.descendants()
                .filter(|n| n.has_tag_name("Grant"))
                .map(|g| {
                    let grantee = g.children().find(|c| c.has_tag_name("Grantee"));
                    let kind = grantee
                        .and_then(|n| {
                            n.attributes()
                                .find(|a| a.name() == "type")
                                .map(|a| a.value().to_string())
                        })
                        .unwrap_or_default();
                    json!({
                        "type": kind,
                        "uri": grantee.and_then(|n| text_of(n, "URI")),
                        "id": grantee.and_then(|n| text_of(n, "ID")),
                        "permissions": [text_of(g, "Permission").unwrap_or_default()],
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    obj([("grant", Json::Array(grants))])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s3_details_map_onto_inline_blocks() {
        let enc = map_encryption(
            "<ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>aws:kms</SSEAlgorithm></ApplyServerSideEncryptionByDefault></Rule></ServerSideEncryptionConfiguration>",
        );
        assert_eq!(
            enc["server_side_encryption_configuration"][0]["rule"][0]["apply_server_side_encryption_by_default"]
                [0]["sse_algorithm"],
            "aws:kms"
        );
        assert_eq!(
            map_encryption("")["server_side_encryption_configuration"],
            json!([])
        );
        assert_eq!(
            map_versioning("<VersioningConfiguration/>")["versioning"],
            json!([])
        );
        assert_eq!(
            map_versioning(
                "<VersioningConfiguration><Status>Suspended</Status></VersioningConfiguration>"
            )["versioning"][0]["enabled"],
            false
        );
        assert_eq!(map_logging("<BucketLoggingStatus/>")["logging"], json!([]));
        let acl = map_acl(
            r#"<AccessControlPolicy><AccessControlList><Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="Group"><URI>http://acs.amazonaws.com/groups/global/AllUsers</URI></Grantee><Permission>READ</Permission></Grant></AccessControlList></AccessControlPolicy>"#,
        );
        assert_eq!(
            acl["grant"][0]["uri"],
            "http://acs.amazonaws.com/groups/global/AllUsers"
        );
        assert_eq!(acl["grant"][0]["type"], "Group");
    }
}
