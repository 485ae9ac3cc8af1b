//! CloudTrail: trails and whether they log.

use super::*;

impl Ctx<'_> {
    // --- CloudTrail ---------------------------------------------------------------------------

    pub(super) fn cloudtrail(&self, region: &str) -> Part {
        let mut part = Part::default();
        let prefix = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101";
        let call = |op: &str, body: Json| {
            self.aws
                .json("cloudtrail", region, &format!("{prefix}.{op}"), &body)
                .and_then(|r| r.map_err(AwsError::unexpected))
        };
        let trails =
            match call("DescribeTrails", json!({"includeShadowTrails": false})).and_then(|v| {
                v["trailList"].as_array().cloned().ok_or_else(|| {
                    CallError::Malformed("DescribeTrails answer has no trailList".into())
                })
            }) {
                Ok(v) => v,
                Err(e) => {
                    part.gap(
                        "cloudtrail:DescribeTrails",
                        Some(region),
                        &["aws_cloudtrail"],
                        &e,
                        None,
                        &[],
                    );
                    return part;
                }
            };
        for t in trails {
            let name = t["Name"].as_str().unwrap_or_default().to_string();
            let arn = t["TrailARN"]
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| self.arn("cloudtrail", region, &format!("trail/{name}")));
            let home = t["HomeRegion"].as_str().unwrap_or(region).to_string();
            let mut res = resource(
                "aws",
                "aws_cloudtrail",
                &name,
                &arn,
                self.scope(Some(&home)),
                obj([
                    ("name", json!(name)),
                    ("arn", json!(arn)),
                    ("s3_bucket_name", t["S3BucketName"].clone()),
                    (
                        "is_multi_region_trail",
                        json!(t["IsMultiRegionTrail"].as_bool().unwrap_or(false)),
                    ),
                    (
                        "include_global_service_events",
                        json!(t["IncludeGlobalServiceEvents"].as_bool().unwrap_or(false)),
                    ),
                    (
                        "enable_log_file_validation",
                        json!(t["LogFileValidationEnabled"].as_bool().unwrap_or(false)),
                    ),
                    (
                        "kms_key_id",
                        t.get("KmsKeyId").cloned().unwrap_or(Json::Null),
                    ),
                    (
                        "is_organization_trail",
                        json!(t["IsOrganizationTrail"].as_bool().unwrap_or(false)),
                    ),
                ]),
            );
            match call("GetTrailStatus", json!({"Name": arn})) {
                Ok(v) => set(
                    &mut res,
                    "enable_logging",
                    json!(v["IsLogging"].as_bool().unwrap_or(false)),
                ),
                Err(e) => {
                    part.gap(
                        "cloudtrail:GetTrailStatus",
                        Some(region),
                        &["aws_cloudtrail"],
                        &e,
                        Some(&res),
                        &["enable_logging"],
                    );
                    mark_unknown(&mut res, &["enable_logging"]);
                }
            }
            part.resources.push(res);
        }
        part
    }
}
