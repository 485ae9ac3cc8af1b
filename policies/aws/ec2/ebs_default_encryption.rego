# METADATA
# title: EBS encryption by default is not turned off
# description: >-
#   EBS encryption by default makes every new volume and snapshot copy in the region encrypted,
#   whatever the tool or person creating it forgets. An aws_ebs_encryption_by_default resource
#   with `enabled = false` turns that safety net off for the whole account and region, so any
#   volume created without an explicit `encrypted = true` stores its data in the clear.
# scope: package
# custom:
#   id: aws-ebs-default-encryption
#   check: disk-encryption
#   severity: high
#   controls:
#     soc2: [CC6.1, CC6.7]
#     iso27001-2022: [A.8.24]
#     gdpr: [Art.32(1)(a)]
#     hipaa: ["164.312(a)(2)(iv)"]
#     pci-dss-4.0: ["3.5.1"]
#   resource_types: [aws_ebs_encryption_by_default]
#   remediation: >-
#     Set `enabled = true` on `aws_ebs_encryption_by_default` (its default), and optionally set
#     a customer-managed key with `aws_ebs_default_kms_key`.
package rules.aws.ec2.ebs_default_encryption

import rego.v1

import data.lib.tenet

deny contains tenet.finding(r, msg, "enabled") if {
	some r in tenet.of_input_type("aws_ebs_encryption_by_default")
	tenet.bool_attr(r, "enabled", true) == false
	msg := sprintf("aws_ebs_encryption_by_default %q turns EBS encryption by default off", [r.name])
}

undetermined contains tenet.finding(r, msg, "enabled") if {
	some r in tenet.of_input_type("aws_ebs_encryption_by_default")
	tenet.is_unknown(r, "enabled")
	msg := sprintf("enabled of aws_ebs_encryption_by_default %q is not known before apply", [r.name])
}
