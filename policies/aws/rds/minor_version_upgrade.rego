# METADATA
# title: RDS databases apply minor engine upgrades automatically
# description: >-
#   Minor engine versions carry security fixes for the database engine. With automatic minor
#   version upgrades on (the default), RDS applies them in the maintenance window; turned off,
#   the engine stays on its vulnerable version until someone upgrades it by hand.
# scope: package
# custom:
#   id: aws-rds-minor-version-upgrade
#   check: auto-patching
#   severity: low
#   controls:
#     soc2: [CC7.1]
#     iso27001-2022: [A.8.8]
#     gdpr: [Art.32(1)(d)]
#     hipaa: ["164.308(a)(1)(ii)(A)"]
#     pci-dss-4.0: ["6.3.3"]
#   resource_types: [aws_db_instance, aws_rds_cluster_instance, aws_rds_cluster]
#   remediation: >-
#     Set `auto_minor_version_upgrade = true` (or leave it unset) and choose a
#     `preferred_maintenance_window` that suits the workload.
package rules.aws.rds.minor_version_upgrade

import rego.v1

import data.lib.tenet

types := {"aws_db_instance", "aws_rds_cluster_instance", "aws_rds_cluster"}

deny contains tenet.finding(r, msg, "auto_minor_version_upgrade") if {
	some r in input.resources
	r.type in types
	tenet.bool_attr(r, "auto_minor_version_upgrade", true) == false
	msg := sprintf("%s %q does not apply minor engine upgrades automatically", [r.type, r.name])
}

undetermined contains tenet.finding(r, msg, "auto_minor_version_upgrade") if {
	some r in input.resources
	r.type in types
	tenet.is_unknown(r, "auto_minor_version_upgrade")
	msg := sprintf("auto_minor_version_upgrade of %s %q is not known before apply", [r.type, r.name])
}
