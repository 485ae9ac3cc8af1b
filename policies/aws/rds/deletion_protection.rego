# METADATA
# title: RDS databases have deletion protection
# description: >-
#   Deletion protection makes RDS refuse to delete an instance or cluster until the setting is
#   turned off first, which stops a mistaken `terraform destroy`, a replacement forced by a
#   changed argument or a compromised automation from removing a database (and, by default,
#   its automated backups) in one step.
# scope: package
# custom:
#   id: aws-rds-deletion-protection
#   check: deletion-protection
#   severity: medium
#   controls:
#     soc2: [A1.2]
#     iso27001-2022: [A.8.13]
#     gdpr: [Art.32(1)(c)]
#     hipaa: ["164.308(a)(7)(ii)(A)"]
#     pci-dss-4.0: []
#   resource_types: [aws_db_instance, aws_rds_cluster]
#   remediation: Set `deletion_protection = true` (and keep final snapshots on).
package rules.aws.rds.deletion_protection

import rego.v1

import data.lib.tenet

types := {"aws_db_instance", "aws_rds_cluster"}

deny contains tenet.finding(r, msg, "deletion_protection") if {
	some r in input.resources
	r.type in types
	tenet.bool_attr(r, "deletion_protection", false) == false
	msg := sprintf("%s %q can be deleted without first turning off deletion protection", [r.type, r.name])
}

undetermined contains tenet.finding(r, msg, "deletion_protection") if {
	some r in input.resources
	r.type in types
	tenet.is_unknown(r, "deletion_protection")
	msg := sprintf("deletion_protection of %s %q is not known before apply", [r.type, r.name])
}
