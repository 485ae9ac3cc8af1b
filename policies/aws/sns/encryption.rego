# METADATA
# title: SNS topics are encrypted at rest
# description: >-
#   SNS stores published messages until they are delivered. Unlike SQS, SNS does not encrypt
#   topics by default: a topic without `kms_master_key_id` keeps its messages, which often
#   carry alerts, events or personal data, unencrypted at rest.
# scope: package
# custom:
#   id: aws-sns-encryption
#   check: message-encryption
#   severity: medium
#   controls:
#     soc2: [CC6.1, CC6.7]
#     iso27001-2022: [A.8.24]
#     gdpr: [Art.32(1)(a)]
#     hipaa: ["164.312(a)(2)(iv)"]
#     pci-dss-4.0: ["3.5.1"]
#   resource_types: [aws_sns_topic]
#   remediation: >-
#     Set `kms_master_key_id` to a customer-managed KMS key (or "alias/aws/sns") whose policy
#     lets the publishing services use it.
package rules.aws.sns.encryption

import rego.v1

import data.lib.aws
import data.lib.tenet

deny contains tenet.finding(r, msg, "kms_master_key_id") if {
	some r in tenet.of_input_type("aws_sns_topic")
	aws.configured(r, "kms_master_key_id") == false
	msg := sprintf("SNS topic %q is not encrypted at rest (no kms_master_key_id)", [r.name])
}

undetermined contains tenet.finding(r, msg, "kms_master_key_id") if {
	some r in tenet.of_input_type("aws_sns_topic")
	tenet.is_unknown(r, "kms_master_key_id")
	not aws.set_by_reference(r, "kms_master_key_id")
	msg := sprintf("kms_master_key_id of SNS topic %q is not known before apply", [r.name])
}
