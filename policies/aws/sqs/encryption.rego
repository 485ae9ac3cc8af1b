# METADATA
# title: SQS queues are encrypted at rest
# description: >-
#   Queue messages often carry orders, personal data or tokens between services. SQS encrypts
#   new queues with SQS-managed keys (SSE-SQS) unless told not to; a queue that sets
#   `sqs_managed_sse_enabled = false` without a KMS key stores its messages unencrypted.
# scope: package
# custom:
#   id: aws-sqs-encryption
#   check: message-encryption
#   severity: medium
#   controls:
#     soc2: [CC6.1, CC6.7]
#     iso27001-2022: [A.8.24]
#     gdpr: [Art.32(1)(a)]
#     hipaa: ["164.312(a)(2)(iv)"]
#     pci-dss-4.0: ["3.5.1"]
#   resource_types: [aws_sqs_queue]
#   remediation: >-
#     Remove `sqs_managed_sse_enabled = false` (SSE-SQS is the default), or set
#     `kms_master_key_id` to a KMS key for a key you control.
package rules.aws.sqs.encryption

import rego.v1

import data.lib.aws
import data.lib.tenet

deny contains tenet.finding(r, msg, "sqs_managed_sse_enabled") if {
	some r in tenet.of_input_type("aws_sqs_queue")
	tenet.bool_attr(r, "sqs_managed_sse_enabled", true) == false
	aws.configured(r, "kms_master_key_id") == false
	msg := sprintf("SQS queue %q is not encrypted (sqs_managed_sse_enabled = false and no kms_master_key_id)", [r.name])
}

undetermined contains tenet.finding(r, msg, "sqs_managed_sse_enabled") if {
	some r in tenet.of_input_type("aws_sqs_queue")
	tenet.is_unknown(r, "sqs_managed_sse_enabled")
	not key_configured(r)
	msg := sprintf("sqs_managed_sse_enabled of SQS queue %q is not known before apply", [r.name])
}

undetermined contains tenet.finding(r, msg, "kms_master_key_id") if {
	some r in tenet.of_input_type("aws_sqs_queue")
	tenet.bool_attr(r, "sqs_managed_sse_enabled", true) == false
	tenet.is_unknown(r, "kms_master_key_id")
	not aws.set_by_reference(r, "kms_master_key_id")
	msg := sprintf("SQS queue %q turns SSE-SQS off; whether it has a KMS key (kms_master_key_id) is not known before apply", [r.name])
}

key_configured(r) if aws.configured(r, "kms_master_key_id") == true
