//! Provider-wide tags: the AWS provider's `default_tags` and the Google provider's
//! `default_labels` are merged into the tags of every resource that has tags, as the provider
//! does when it plans (the resource's own tags win).
//!
//! Which types have tags is a provider schema fact tenet does not load; a resource counts as
//! tagged when its configuration sets `tags`/`labels` or its type is one of the common tagged
//! types below. Others (bucket policies, versioning, rule attachments) get nothing, rather
//! than an attribute their schema lacks.

use super::value::{Map, Val};

/// Common AWS resource types with `tags`.
const AWS_TAGGED: &[&str] = &[
    "aws_acm_certificate",
    "aws_ami",
    "aws_api_gateway_rest_api",
    "aws_api_gateway_stage",
    "aws_apigatewayv2_api",
    "aws_backup_vault",
    "aws_cloudfront_distribution",
    "aws_cloudtrail",
    "aws_cloudwatch_log_group",
    "aws_db_instance",
    "aws_db_subnet_group",
    "aws_docdb_cluster",
    "aws_dynamodb_table",
    "aws_ebs_snapshot",
    "aws_ebs_volume",
    "aws_ecr_repository",
    "aws_ecs_cluster",
    "aws_ecs_service",
    "aws_ecs_task_definition",
    "aws_efs_file_system",
    "aws_eip",
    "aws_eks_cluster",
    "aws_eks_node_group",
    "aws_elasticache_cluster",
    "aws_elasticache_replication_group",
    "aws_elasticsearch_domain",
    "aws_emr_cluster",
    "aws_flow_log",
    "aws_glue_job",
    "aws_iam_policy",
    "aws_iam_role",
    "aws_iam_user",
    "aws_instance",
    "aws_internet_gateway",
    "aws_kinesis_firehose_delivery_stream",
    "aws_kinesis_stream",
    "aws_kms_key",
    "aws_lambda_function",
    "aws_launch_template",
    "aws_lb",
    "aws_lb_target_group",
    "aws_msk_cluster",
    "aws_nat_gateway",
    "aws_neptune_cluster",
    "aws_network_acl",
    "aws_opensearch_domain",
    "aws_rds_cluster",
    "aws_rds_cluster_instance",
    "aws_redshift_cluster",
    "aws_route_table",
    "aws_s3_bucket",
    "aws_sagemaker_notebook_instance",
    "aws_secretsmanager_secret",
    "aws_security_group",
    "aws_sfn_state_machine",
    "aws_sns_topic",
    "aws_sqs_queue",
    "aws_ssm_parameter",
    "aws_subnet",
    "aws_vpc",
    "aws_vpc_endpoint",
    "aws_wafv2_web_acl",
];

/// Common Google resource types with `labels`.
const GOOGLE_LABELLED: &[&str] = &[
    "google_bigquery_dataset",
    "google_bigquery_table",
    "google_compute_disk",
    "google_compute_instance",
    "google_compute_image",
    "google_compute_snapshot",
    "google_kms_crypto_key",
    "google_pubsub_subscription",
    "google_pubsub_topic",
    "google_secret_manager_secret",
    "google_storage_bucket",
];

/// Merges the provider's default tags into a managed resource's attributes.
pub fn apply_default_tags(rtype: &str, attributes: &mut Map, provider: &Map) {
    let (key, defaults, tagged) =
        match (provider.get("default_tags"), provider.get("default_labels")) {
            (Some(Val::List(blocks)), _) => match blocks.first() {
                Some(Val::Object(b)) => ("tags", b.get("tags").cloned(), AWS_TAGGED),
                _ => return,
            },
            (Some(Val::Unknown), _) => ("tags", Some(Val::Unknown), AWS_TAGGED),
            (_, Some(labels)) => ("labels", Some(labels.clone()), GOOGLE_LABELLED),
            _ => return,
        };
    if !attributes.contains_key(key) && !tagged.contains(&rtype) {
        return;
    }
    let merged = match (defaults, attributes.get(key)) {
        (None | Some(Val::Null), _) => return,
        (Some(Val::Object(d)), _) if d.is_empty() => return,
        (_, Some(Val::Unknown | Val::Partial(_))) => return,
        (Some(Val::Object(d)), None | Some(Val::Null)) => Val::Object(d),
        (Some(Val::Object(d)), Some(Val::Object(own))) => {
            let mut m = d.as_ref().clone();
            m.extend(own.iter().map(|(k, v)| (k.clone(), v.clone())));
            Val::object(m)
        }
        // Unknown default tags: the resource's effective tags are not known.
        (Some(_), _) => Val::Unknown,
    };
    attributes.insert(key.to_string(), merged);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(pairs: &[(&str, &str)]) -> Val {
        Val::object(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), Val::str(*v)))
                .collect(),
        )
    }

    fn aws_provider(tags: Val) -> Map {
        let mut block = Map::new();
        block.insert("tags".into(), tags);
        Map::from([(
            "default_tags".to_string(),
            Val::list(vec![Val::object(block)]),
        )])
    }

    #[test]
    fn own_tags_win_and_untagged_types_get_nothing() {
        let provider = aws_provider(obj(&[("Env", "prod"), ("Owner", "a")]));
        let mut bucket = Map::from([("tags".to_string(), obj(&[("Owner", "b")]))]);
        apply_default_tags("aws_s3_bucket", &mut bucket, &provider);
        assert_eq!(bucket["tags"], obj(&[("Env", "prod"), ("Owner", "b")]));

        let mut untagged_bucket = Map::new();
        apply_default_tags("aws_s3_bucket", &mut untagged_bucket, &provider);
        assert_eq!(
            untagged_bucket["tags"],
            obj(&[("Env", "prod"), ("Owner", "a")])
        );

        let mut policy = Map::new();
        apply_default_tags("aws_s3_bucket_policy", &mut policy, &provider);
        assert!(policy.is_empty());
    }

    #[test]
    fn unknown_defaults_make_tags_unknown() {
        let provider = aws_provider(Val::Unknown);
        let mut bucket = Map::from([("tags".to_string(), obj(&[("Owner", "b")]))]);
        apply_default_tags("aws_s3_bucket", &mut bucket, &provider);
        assert_eq!(bucket["tags"], Val::Unknown);
    }
}
