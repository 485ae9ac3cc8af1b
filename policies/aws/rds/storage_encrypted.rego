# METADATA
# title: RDS storage is encrypted at rest
# description: >-
#   Unencrypted database storage exposes every record, its automated backups, snapshots and
#   read replicas to anyone who obtains the underlying volumes or a shared snapshot.
#   Encryption can only be chosen when the instance or cluster is created, so it must be in
#   the configuration from the start. Read replicas inherit their source's setting and are
#   judged there, databases restored from a snapshot follow the snapshot (reported as
#   undetermined unless they set encryption), and Aurora Serverless v1 clusters are always
#   encrypted.
# scope: package
# custom:
#   id: aws-rds-storage-encrypted
#   check: database-encryption
#   severity: high
#   resource_types: [aws_db_instance, aws_rds_cluster]
#   controls:
#     soc2: [CC6.1, CC6.7]
#     iso27001-2022: [A.8.24]
#     gdpr: [Art.32(1)(a)]
#     hipaa: ["164.312(a)(2)(iv)"]
#     pci-dss-4.0: ["3.5.1"]
#   remediation: >-
#     Set `storage_encrypted = true` (with `kms_key_id` for a customer-managed key). An
#     existing unencrypted database must be migrated: copy a snapshot with encryption and
#     restore from it.
package rules.aws.rds.storage_encrypted

import rego.v1

import data.lib.tenet

deny contains tenet.finding(r, msg, "storage_encrypted") if {
	some r in candidates
	not tenet.is_unknown(r, "storage_encrypted")
	tenet.bool_attr(r, "storage_encrypted", false) == false
	msg := sprintf("%s %q stores data unencrypted (storage_encrypted is not true)", [r.type, r.name])
}

undetermined contains tenet.finding(r, msg, "storage_encrypted") if {
	some r in candidates
	tenet.is_unknown(r, "storage_encrypted")
	msg := sprintf("storage_encrypted of %s %q is not known before apply", [r.type, r.name])
}

undetermined contains tenet.finding(r, msg, attribute) if {
	some r in input.resources
	r.type in {"aws_db_instance", "aws_rds_cluster"}
	some attribute in ["replicate_source_db", "engine_mode", "snapshot_identifier"]
	tenet.is_unknown(r, attribute)
	msg := sprintf("whether %s %q must set its own encryption depends on %s, which is not known before apply", [r.type, r.name, attribute])
}

undetermined contains tenet.finding(r, msg, "snapshot_identifier") if {
	some r in input.resources
	r.type in {"aws_db_instance", "aws_rds_cluster"}
	tenet.attr(r, "snapshot_identifier", "") != ""
	tenet.bool_attr(r, "storage_encrypted", false) == false
	msg := sprintf("%s %q is restored from snapshot %v: it is encrypted exactly when the snapshot is", [r.type, r.name, r.attributes.snapshot_identifier])
}

# Instances and clusters that choose their own encryption: not read replicas (they follow
# their source), not restored from a snapshot (they follow the snapshot), not Aurora
# Serverless v1 (always encrypted).
candidates contains r if {
	some r in tenet.of_input_type("aws_db_instance")
	tenet.attr(r, "replicate_source_db", "") == ""
	tenet.attr(r, "snapshot_identifier", "") == ""
}

candidates contains r if {
	some r in tenet.of_input_type("aws_rds_cluster")
	tenet.attr(r, "engine_mode", "provisioned") != "serverless"
	tenet.attr(r, "snapshot_identifier", "") == ""
}
