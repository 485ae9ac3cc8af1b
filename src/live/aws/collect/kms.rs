//! KMS: customer-managed keys and their rotation.

use super::*;

impl Ctx<'_> {
    // --- KMS ----------------------------------------------------------------------------------

    pub(super) fn kms(&self, region: &str) -> Part {
        let mut part = Part::default();
        let call = |target: &str, body: Json| {
            self.aws
                .json("kms", region, &format!("TrentService.{target}"), &body)
                .and_then(|r| r.map_err(AwsError::unexpected))
        };
        let listing = crate::live::paged(|marker| {
            let body = match &marker {
                Some(m) => json!({"Marker": m, "Limit": 1000}),
                None => json!({"Limit": 1000}),
            };
            let v = call("ListKeys", body)?;
            let keys: Vec<String> = v["Keys"]
                .as_array()
                .ok_or_else(|| CallError::Malformed("ListKeys answer has no Keys".into()))?
                .iter()
                .filter_map(|k| k["KeyId"].as_str().map(str::to_string))
                .collect();
            let next = match (v["Truncated"].as_bool(), v["NextMarker"].as_str()) {
                (Some(true), Some(m)) if !m.is_empty() => Some(m.to_string()),
                (Some(true), _) => {
                    return Err(CallError::Malformed(
                        "ListKeys is truncated but gives no NextMarker".into(),
                    ));
                }
                _ => None,
            };
            Ok((keys, next))
        });
        let keys = match listing {
            Ok(k) => k,
            Err(e) => {
                part.gap(
                    "kms:ListKeys",
                    Some(region),
                    &["aws_kms_key"],
                    &e,
                    None,
                    &[],
                );
                return part;
            }
        };
        for key in keys {
            let meta = match call("DescribeKey", json!({"KeyId": key})) {
                Ok(v) => v["KeyMetadata"].clone(),
                Err(e) => {
                    // A key policy may hide one key: that key is undecided, the others are not.
                    let mut res = resource(
                        "aws",
                        "aws_kms_key",
                        &key,
                        &self.arn("kms", region, &format!("key/{key}")),
                        self.scope(Some(region)),
                        obj([("key_id", json!(key))]),
                    );
                    part.gap(
                        "kms:DescribeKey",
                        Some(region),
                        &["aws_kms_key"],
                        &e,
                        Some(&res),
                        &["enable_key_rotation"],
                    );
                    mark_unknown(&mut res, &["enable_key_rotation"]);
                    part.resources.push(res);
                    continue;
                }
            };
            // AWS-managed keys rotate by themselves; pending-deletion keys are going away.
            if meta["KeyManager"].as_str() == Some("AWS")
                || meta["KeyState"].as_str() == Some("PendingDeletion")
            {
                continue;
            }
            let arn = meta["Arn"]
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| self.arn("kms", region, &format!("key/{key}")));
            let mut res = resource(
                "aws",
                "aws_kms_key",
                &key,
                &arn,
                self.scope(Some(region)),
                obj([
                    ("key_id", json!(key)),
                    ("arn", json!(arn)),
                    ("description", meta["Description"].clone()),
                    ("key_usage", meta["KeyUsage"].clone()),
                    (
                        "customer_master_key_spec",
                        meta.get("KeySpec")
                            .or_else(|| meta.get("CustomerMasterKeySpec"))
                            .cloned()
                            .unwrap_or(Json::Null),
                    ),
                    (
                        "is_enabled",
                        json!(meta["Enabled"].as_bool().unwrap_or(true)),
                    ),
                ]),
            );
            let symmetric = meta
                .get("KeySpec")
                .and_then(Json::as_str)
                .is_none_or(|s| s == "SYMMETRIC_DEFAULT");
            if symmetric {
                match call("GetKeyRotationStatus", json!({"KeyId": key})) {
                    Ok(v) => set(
                        &mut res,
                        "enable_key_rotation",
                        json!(v["KeyRotationEnabled"].as_bool().unwrap_or(false)),
                    ),
                    Err(e) => {
                        part.gap(
                            "kms:GetKeyRotationStatus",
                            Some(region),
                            &["aws_kms_key"],
                            &e,
                            Some(&res),
                            &["enable_key_rotation"],
                        );
                        mark_unknown(&mut res, &["enable_key_rotation"]);
                    }
                }
            }
            part.resources.push(res);
        }
        part
    }
}
