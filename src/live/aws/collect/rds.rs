//! RDS: instances (Aurora members as cluster instances) and clusters.

use super::*;

impl Ctx<'_> {
    // --- RDS ----------------------------------------------------------------------------------

    pub(super) fn rds(&self, region: &str) -> Part {
        let mut part = Part::default();
        self.list_into(
            &mut part,
            ("rds", region, "DescribeDBInstances", "DBInstances"),
            &["aws_db_instance", "aws_rds_cluster_instance"],
            |d| {
                let id = d.get("DBInstanceIdentifier").cloned().unwrap_or_default();
                let arn = d
                    .get("DBInstanceArn")
                    .cloned()
                    .unwrap_or_else(|| self.arn("rds", region, &format!("db:{id}")));
                let mut attrs = db_common(d);
                attrs.extend(obj([
                    ("identifier", json!(id)),
                    ("engine_version", json!(d.get("EngineVersion"))),
                    ("instance_class", json!(d.get("DBInstanceClass"))),
                    (
                        "auto_minor_version_upgrade",
                        boolean(d.get("AutoMinorVersionUpgrade")),
                    ),
                    ("multi_az", boolean(d.get("MultiAZ"))),
                ]));
                if let Some(source) = d.get("ReadReplicaSourceDBInstanceIdentifier") {
                    attrs.insert("replicate_source_db".into(), json!(source));
                }
                // Aurora members are cluster instances: storage, backups and deletion
                // protection belong to their cluster, which is read on its own.
                let t = match d.get("DBClusterIdentifier").filter(|c| !c.is_empty()) {
                    Some(cluster) => {
                        attrs.insert("cluster_identifier".into(), json!(cluster));
                        for k in [
                            "storage_encrypted",
                            "kms_key_id",
                            "backup_retention_period",
                            "deletion_protection",
                        ] {
                            attrs.remove(k);
                        }
                        "aws_rds_cluster_instance"
                    }
                    None => "aws_db_instance",
                };
                resource("aws", t, &id, &arn, self.scope(Some(region)), attrs)
            },
        );
        self.list_into(
            &mut part,
            ("rds", region, "DescribeDBClusters", "DBClusters"),
            &["aws_rds_cluster"],
            |d| {
                let id = d.get("DBClusterIdentifier").cloned().unwrap_or_default();
                let arn = d
                    .get("DBClusterArn")
                    .cloned()
                    .unwrap_or_else(|| self.arn("rds", region, &format!("cluster:{id}")));
                let mut attrs = db_common(d);
                attrs.insert("cluster_identifier".into(), json!(id));
                resource(
                    "aws",
                    "aws_rds_cluster",
                    &id,
                    &arn,
                    self.scope(Some(region)),
                    attrs,
                )
            },
        );
        part
    }
}

/// Attributes instances and clusters share.
fn db_common(d: &Flat) -> Map<String, Json> {
    obj([
        ("engine", json!(d.get("Engine"))),
        ("storage_encrypted", boolean(d.get("StorageEncrypted"))),
        ("kms_key_id", json!(d.get("KmsKeyId"))),
        ("publicly_accessible", boolean(d.get("PubliclyAccessible"))),
        (
            "backup_retention_period",
            num(d.get("BackupRetentionPeriod")),
        ),
        ("deletion_protection", boolean(d.get("DeletionProtection"))),
    ])
}
