# METADATA
# title: CloudTrail logs are encrypted with a KMS key
# description: >-
#   CloudTrail log files record every management action in the account. By default they are
#   stored with S3-managed encryption, so anyone allowed to read the bucket can read them.
#   Encrypting them with a customer-managed KMS key adds a second, separately audited
#   permission (kms:Decrypt) between the logs and their readers and lets access be revoked.
# scope: package
# custom:
#   id: aws-cloudtrail-kms
#   check: audit-log-encryption
#   severity: medium
#   controls:
#     soc2: [CC6.1, CC6.7]
#     iso27001-2022: [A.8.15, A.8.24]
#     gdpr: [Art.32]
#     hipaa: ["164.312(a)(2)(iv)", "164.312(c)(1)"]
#     pci-dss-4.0: ["10.3.2"]
#   resource_types: [aws_cloudtrail]
#   remediation: >-
#     Set `kms_key_id` to the ARN of a customer-managed KMS key whose key policy lets
#     cloudtrail.amazonaws.com encrypt and only log readers decrypt.
package rules.aws.cloudtrail.kms

import rego.v1

import data.lib.aws
import data.lib.tenet

deny contains tenet.finding(r, msg, "kms_key_id") if {
	some r in tenet.of_input_type("aws_cloudtrail")
	aws.configured(r, "kms_key_id") == false
	msg := sprintf("CloudTrail trail %q does not encrypt its logs with a KMS key (no kms_key_id)", [r.name])
}

undetermined contains tenet.finding(r, msg, "kms_key_id") if {
	some r in tenet.of_input_type("aws_cloudtrail")
	tenet.is_unknown(r, "kms_key_id")
	not aws.set_by_reference(r, "kms_key_id")
	msg := sprintf("kms_key_id of trail %q is not known before apply", [r.name])
}
