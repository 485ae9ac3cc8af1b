# METADATA
# title: RDS instances are deployed across availability zones
# description: >-
#   A Multi-AZ deployment keeps a synchronous standby in another availability zone and fails
#   over to it automatically when the primary's host, storage or zone fails. A single-AZ
#   instance is down until it is repaired or restored from backup. Read replicas are exempt
#   (their source's deployment decides), and so are Aurora engines, whose availability comes
#   from the cluster's instances in several zones.
# scope: package
# custom:
#   id: aws-rds-multi-az
#   check: high-availability
#   severity: low
#   controls:
#     soc2: [A1.2]
#     iso27001-2022: [A.8.14]
#     gdpr: [Art.32(1)(b)]
#     hipaa: ["164.308(a)(7)(ii)(B)"]
#     pci-dss-4.0: []
#   resource_types: [aws_db_instance]
#   remediation: >-
#     Set `multi_az = true` on production instances (development instances can be recorded
#     as exceptions).
package rules.aws.rds.multi_az

import rego.v1

import data.lib.tenet

deny contains tenet.finding(r, msg, "multi_az") if {
	some r in candidates
	not tenet.is_unknown(r, "multi_az")
	tenet.bool_attr(r, "multi_az", false) == false
	msg := sprintf("RDS instance %q runs in a single availability zone (multi_az is not true)", [r.name])
}

undetermined contains tenet.finding(r, msg, "multi_az") if {
	some r in candidates
	tenet.is_unknown(r, "multi_az")
	msg := sprintf("multi_az of RDS instance %q is not known before apply", [r.name])
}

undetermined contains tenet.finding(r, msg, a) if {
	some r in tenet.of_input_type("aws_db_instance")
	some a in ["replicate_source_db", "engine"]
	tenet.is_unknown(r, a)
	msg := sprintf("whether RDS instance %q needs Multi-AZ depends on %s, which is not known before apply", [r.name, a])
}

# Standalone, non-Aurora instances whose engine and source are known.
candidates contains r if {
	some r in tenet.of_input_type("aws_db_instance")
	tenet.attr(r, "replicate_source_db", "") == ""
	engine := tenet.attr(r, "engine", "")
	is_string(engine)
	not startswith(lower(engine), "aurora")
}
