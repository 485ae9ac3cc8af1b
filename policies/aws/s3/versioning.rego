# METADATA
# title: S3 bucket versioning is enabled
# description: >-
#   Versioning keeps every version of an object, so an overwrite, a deletion or ransomware
#   encrypting objects in place can be undone. Without it, data in the bucket has no recovery
#   point short of a separate backup, which availability and integrity controls require.
# scope: package
# custom:
#   id: aws-s3-versioning
#   check: object-versioning
#   severity: medium
#   resource_types: [aws_s3_bucket, aws_s3_bucket_versioning]
#   controls:
#     soc2: [A1.2]
#     iso27001-2022: [A.8.13]
#     gdpr: [Art.32(1)(c)]
#     hipaa: ["164.308(a)(7)(ii)(A)", "164.312(c)(1)"]
#     pci-dss-4.0: []
#   remediation: >-
#     Add an `aws_s3_bucket_versioning` resource for the bucket with
#     `versioning_configuration { status = "Enabled" }` (on AWS provider v3, an inline
#     `versioning { enabled = true }` block), and a lifecycle rule expiring noncurrent versions.
package rules.aws.s3.versioning

import rego.v1

import data.lib.aws
import data.lib.tenet

companion := "aws_s3_bucket_versioning"

deny contains tenet.finding(b, msg, "versioning") if {
	some b in tenet.of_input_type("aws_s3_bucket")
	not inline_enabled(b)
	not inline_disabled(b)
	not tenet.is_unknown(b, "versioning")
	count(aws.bucket_companions(b, companion)) == 0
	not aws.unresolved_companion(b, companion)
	msg := sprintf("S3 bucket %q has no versioning (no %s for it)", [b.name, companion])
}

deny contains tenet.finding(b, msg, sprintf("versioning[%d].enabled", [i])) if {
	some b in tenet.of_input_type("aws_s3_bucket")
	some i, v in tenet.blocks(tenet.attr(b, "versioning", []))
	tenet.to_bool(tenet.get(v, "enabled", false)) == false
	not tenet.is_unknown(b, sprintf("versioning[%d].enabled", [i]))
	count(aws.bucket_companions(b, companion)) == 0
	msg := sprintf("S3 bucket %q turns versioning off", [b.name])
}

deny contains tenet.finding(v, msg, "versioning_configuration[0].status") if {
	some v in tenet.of_input_type(companion)
	not tenet.is_unknown(v, "versioning_configuration[0].status")
	status := tenet.get(tenet.blocks(tenet.attr(v, "versioning_configuration", []))[0], "status", "")
	status != "Enabled"
	msg := sprintf("%s %q sets status %q instead of \"Enabled\"", [companion, v.name, status])
}

undetermined contains tenet.finding(b, msg, "versioning") if {
	some b in tenet.of_input_type("aws_s3_bucket")
	not inline_enabled(b)
	count(aws.bucket_companions(b, companion)) == 0
	unknown_config(b)
	msg := sprintf("whether S3 bucket %q is versioned depends on values not known before apply", [b.name])
}

undetermined contains tenet.finding(v, msg, "versioning_configuration[0].status") if {
	some v in tenet.of_input_type(companion)
	tenet.is_unknown(v, "versioning_configuration[0].status")
	msg := sprintf("the status of %s %q is not known before apply", [companion, v.name])
}

unknown_config(b) if tenet.is_unknown(b, "versioning")

unknown_config(b) if aws.unresolved_companion(b, companion)

inline_enabled(b) if {
	some v in tenet.blocks(tenet.attr(b, "versioning", []))
	tenet.to_bool(tenet.get(v, "enabled", false)) == true
}

inline_disabled(b) if {
	some v in tenet.blocks(tenet.attr(b, "versioning", []))
	tenet.to_bool(tenet.get(v, "enabled", false)) == false
}
