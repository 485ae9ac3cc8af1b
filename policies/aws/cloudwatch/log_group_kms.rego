# METADATA
# title: CloudWatch log groups are encrypted with a KMS key
# description: >-
#   Log groups collect application, audit and flow logs that often contain personal data,
#   tokens or internal addresses. CloudWatch Logs encrypts them with a service key by default,
#   which any principal with logs read permissions can use. A customer-managed KMS key puts a
#   separately controlled, audited permission in front of the data and lets it be revoked.
# scope: package
# custom:
#   id: aws-cloudwatch-log-kms
#   check: audit-log-encryption
#   severity: medium
#   controls:
#     soc2: [CC6.1, CC6.7]
#     iso27001-2022: [A.8.15, A.8.24]
#     gdpr: [Art.32]
#     hipaa: ["164.312(a)(2)(iv)", "164.312(c)(1)"]
#     pci-dss-4.0: ["10.3.2"]
#   resource_types: [aws_cloudwatch_log_group]
#   remediation: >-
#     Set `kms_key_id` to the ARN of a customer-managed KMS key whose key policy allows the
#     logs.<region>.amazonaws.com service principal to use it.
package rules.aws.cloudwatch.log_group_kms

import rego.v1

import data.lib.aws
import data.lib.tenet

deny contains tenet.finding(r, msg, "kms_key_id") if {
	some r in tenet.of_input_type("aws_cloudwatch_log_group")
	aws.configured(r, "kms_key_id") == false
	msg := sprintf("CloudWatch log group %q is not encrypted with a customer-managed KMS key (no kms_key_id)", [r.name])
}

undetermined contains tenet.finding(r, msg, "kms_key_id") if {
	some r in tenet.of_input_type("aws_cloudwatch_log_group")
	tenet.is_unknown(r, "kms_key_id")
	not aws.set_by_reference(r, "kms_key_id")
	msg := sprintf("kms_key_id of log group %q is not known before apply", [r.name])
}
