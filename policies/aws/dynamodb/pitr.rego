# METADATA
# title: DynamoDB tables have point-in-time recovery
# description: >-
#   Point-in-time recovery keeps continuous backups of a table for up to 35 days, so a table
#   can be restored to any second before an accidental delete, a faulty deployment or a
#   malicious overwrite. Without it, only on-demand backups (if anyone made them) can bring
#   data back.
# scope: package
# custom:
#   id: aws-dynamodb-pitr
#   check: backup
#   severity: medium
#   controls:
#     soc2: [A1.2]
#     iso27001-2022: [A.8.13]
#     gdpr: [Art.32(1)(c)]
#     hipaa: ["164.308(a)(7)(ii)(A)"]
#     pci-dss-4.0: []
#   resource_types: [aws_dynamodb_table]
#   remediation: Add `point_in_time_recovery { enabled = true }` to the table.
package rules.aws.dynamodb.pitr

import rego.v1

import data.lib.tenet

deny contains tenet.finding(r, msg, "point_in_time_recovery") if {
	some r in tenet.of_input_type("aws_dynamodb_table")
	not tenet.is_unknown(r, "point_in_time_recovery")
	count(tenet.blocks(tenet.attr(r, "point_in_time_recovery", []))) == 0
	msg := sprintf("DynamoDB table %q has no point-in-time recovery", [r.name])
}

deny contains tenet.finding(r, msg, path) if {
	some r in tenet.of_input_type("aws_dynamodb_table")
	some i, p in tenet.blocks(tenet.attr(r, "point_in_time_recovery", []))
	path := sprintf("point_in_time_recovery[%d].enabled", [i])
	not tenet.is_unknown(r, path)
	tenet.to_bool(tenet.get(p, "enabled", false)) == false
	msg := sprintf("DynamoDB table %q turns point-in-time recovery off", [r.name])
}

undetermined contains tenet.finding(r, msg, "point_in_time_recovery") if {
	some r in tenet.of_input_type("aws_dynamodb_table")
	tenet.is_unknown(r, "point_in_time_recovery")
	msg := sprintf("whether DynamoDB table %q has point-in-time recovery is not known before apply", [r.name])
}
