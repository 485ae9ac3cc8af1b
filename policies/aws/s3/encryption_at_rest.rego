# METADATA
# title: S3 bucket declares default encryption at rest
# description: >-
#   Data in object storage must be encrypted at rest so that lost media, a misused backup or a
#   storage-layer compromise does not expose it. AWS has applied SSE-S3 to new buckets since
#   January 2023, but only a declared configuration states which key protects the data (SSE-S3,
#   SSE-KMS with a key you control, or DSSE-KMS) and lets a reviewer and an auditor see it; a
#   bucket without one silently depends on an account default that can differ between accounts
#   and regions.
# scope: package
# custom:
#   id: aws-s3-encryption-at-rest
#   check: object-storage-encryption
#   severity: medium
#   resource_types: [aws_s3_bucket, aws_s3_bucket_server_side_encryption_configuration]
#   controls:
#     soc2: [CC6.1, CC6.7]
#     iso27001-2022: [A.8.24]
#     gdpr: [Art.32(1)(a)]
#     hipaa: ["164.312(a)(2)(iv)"]
#     pci-dss-4.0: ["3.5.1"]
#   remediation: >-
#     Add an `aws_s3_bucket_server_side_encryption_configuration` resource for the bucket with a
#     rule whose `apply_server_side_encryption_by_default` sets `sse_algorithm` (prefer
#     `aws:kms` with a customer-managed `kms_master_key_id`), or, on AWS provider v3, an inline
#     `server_side_encryption_configuration` block.
package rules.aws.s3.encryption_at_rest

import rego.v1

import data.lib.aws
import data.lib.tenet

companion := "aws_s3_bucket_server_side_encryption_configuration"

buckets := tenet.of_input_type("aws_s3_bucket")

deny contains tenet.finding(b, msg, "server_side_encryption_configuration") if {
	some b in buckets
	not inline_encryption(b)
	not tenet.is_unknown(b, "server_side_encryption_configuration")
	count(aws.bucket_companions(b, companion)) == 0
	not aws.unresolved_companion(b, companion)
	msg := sprintf("S3 bucket %q declares no default encryption (no %s for it, no inline server_side_encryption_configuration)", [b.name, companion])
}

deny contains tenet.finding(c, msg, "rule") if {
	some b in buckets
	some c in aws.bucket_companions(b, companion)
	not tenet.is_unknown(c, "rule")
	not algorithm_set(tenet.get(c.attributes, "rule", []))
	msg := sprintf("%s %q sets no sse_algorithm for bucket %q", [companion, c.name, b.name])
}

undetermined contains tenet.finding(c, msg, "rule") if {
	some c in tenet.of_input_type(companion)
	tenet.is_unknown(c, "rule")
	msg := sprintf("the encryption rule of %s %q is not known before apply", [companion, c.name])
}

undetermined contains tenet.finding(b, msg, "server_side_encryption_configuration") if {
	some b in buckets
	not inline_encryption(b)
	count(aws.bucket_companions(b, companion)) == 0
	unknown_config(b)
	msg := sprintf("whether S3 bucket %q is encrypted depends on values not known before apply", [b.name])
}

unknown_config(b) if tenet.is_unknown(b, "server_side_encryption_configuration")

unknown_config(b) if aws.unresolved_companion(b, companion)

inline_encryption(b) if {
	some cfg in tenet.blocks(tenet.get(b.attributes, "server_side_encryption_configuration", []))
	algorithm_set(tenet.get(cfg, "rule", []))
}

algorithm_set(rules) if {
	some rule in tenet.blocks(rules)
	some d in tenet.blocks(tenet.get(rule, "apply_server_side_encryption_by_default", []))
	d.sse_algorithm != ""
}
