# METADATA
# title: S3 bucket server access logging is enabled
# description: >-
#   Server access logs record every request made to a bucket (who, what, when, from where).
#   Without them there is no record to investigate a leak or prove who read regulated data.
#   Buckets that receive access logs from other buckets are exempt: logging a log bucket into
#   itself creates a loop, and its own access is better covered by CloudTrail data events.
# scope: package
# custom:
#   id: aws-s3-access-logging
#   check: object-storage-access-logging
#   severity: medium
#   resource_types: [aws_s3_bucket]
#   controls:
#     soc2: [CC7.2]
#     iso27001-2022: [A.8.15]
#     gdpr: [Art.32]
#     hipaa: ["164.312(b)"]
#     pci-dss-4.0: ["10.2.1"]
#   remediation: >-
#     Add an `aws_s3_bucket_logging` resource for the bucket with a `target_bucket` (a dedicated
#     log bucket) and `target_prefix`, or an inline `logging` block on AWS provider v3.
package rules.aws.s3.access_logging

import rego.v1

import data.lib.aws
import data.lib.tenet

companion := "aws_s3_bucket_logging"

deny contains tenet.finding(b, msg, "logging") if {
	some b in tenet.of_input_type("aws_s3_bucket")
	not inline_logging(b)
	not tenet.is_unknown(b, "logging")
	count(aws.bucket_companions(b, companion)) == 0
	not aws.unresolved_companion(b, companion)
	not log_target(b)
	msg := sprintf("S3 bucket %q has no server access logging (no %s for it)", [b.name, companion])
}

undetermined contains tenet.finding(b, msg, "logging") if {
	some b in tenet.of_input_type("aws_s3_bucket")
	not inline_logging(b)
	count(aws.bucket_companions(b, companion)) == 0
	not log_target(b)
	unknown_config(b)
	msg := sprintf("whether S3 bucket %q logs access depends on values not known before apply", [b.name])
}

unknown_config(b) if tenet.is_unknown(b, "logging")

unknown_config(b) if aws.unresolved_companion(b, companion)

inline_logging(b) if {
	some i, l in tenet.blocks(tenet.attr(b, "logging", []))
	configured_target(b, i, l)
}

configured_target(_, _, l) if l.target_bucket != ""

# A target named by reference (its id is computed): logging is on, whichever bucket it is.
configured_target(b, i, _) if tenet.is_unknown(b, sprintf("logging[%d].target_bucket", [i]))

# The bucket receives other buckets' access logs (sets built once per evaluation, so that a
# module with many buckets costs linear time).
log_target(b) if b.id in log_target_ids

log_target(b) if b.attributes.bucket in log_target_names

log_target_ids contains ref.to if {
	some id in object.get(data.inventory.by_type, companion, [])
	some ref in data.inventory.resources[id].refs
	ref.attribute == "target_bucket"
}

log_target_names contains name if {
	some id in object.get(data.inventory.by_type, companion, [])
	name := data.inventory.resources[id].attributes.target_bucket
}

log_target_names contains name if {
	some id in object.get(data.inventory.by_type, "aws_s3_bucket", [])
	some l in tenet.blocks(tenet.attr(data.inventory.resources[id], "logging", []))
	name := l.target_bucket
}

log_target(b) if tenet.attr(b, "acl", "") == "log-delivery-write"
