# METADATA
# title: Cloud SQL instances have automated backups
# description: >-
#   Automated backups (and point-in-time recovery built on them) are the recovery point after
#   data corruption, a bad migration or accidental deletion of rows. Without them an instance
#   can only be restored from exports someone remembered to take. Read replicas are not
#   checked: they cannot have their own backups and are protected by their primary's.
# scope: package
# custom:
#   id: gcp-sql-backup
#   check: backup
#   severity: medium
#   resource_types: [google_sql_database_instance]
#   controls:
#     soc2: [A1.2]
#     iso27001-2022: [A.8.13]
#     gdpr: [Art.32(1)(c)]
#     hipaa: ["164.308(a)(7)(ii)(A)"]
#     pci-dss-4.0: []
#   remediation: >-
#     Add `settings { backup_configuration { enabled = true } }` (with
#     `point_in_time_recovery_enabled = true` for PostgreSQL and SQL Server, or
#     `binary_log_enabled = true` for MySQL).
package rules.gcp.sql.backup

import rego.v1

import data.lib.gcp
import data.lib.tenet

path := "settings[0].backup_configuration[0].enabled"

deny contains tenet.finding(r, msg, attribute(r)) if {
	some r in tenet.of_input_type("google_sql_database_instance")
	not gcp.sql_replica(r)
	not gcp.sql_replica_unknown(r)
	not tenet.is_unknown(r, path)
	bc := gcp.sub_block(gcp.sql_settings(r), "backup_configuration")
	tenet.to_bool(tenet.get(bc, "enabled", false)) == false
	msg := sprintf("Cloud SQL instance %q has no automated backups", [r.name])
}

undetermined contains tenet.finding(r, msg, attribute(r)) if {
	some r in tenet.of_input_type("google_sql_database_instance")
	not gcp.sql_replica(r)
	some p in [path, "master_instance_name"]
	tenet.is_unknown(r, p)
	bc := gcp.sub_block(gcp.sql_settings(r), "backup_configuration")
	not tenet.to_bool(tenet.get(bc, "enabled", false)) == true
	msg := sprintf("whether Cloud SQL instance %q has automated backups depends on %s, which is not known before apply", [r.name, p])
}

attribute(r) := path if gcp.has_sub_block(gcp.sql_settings(r), "backup_configuration")

attribute(r) := "settings" if not gcp.has_sub_block(gcp.sql_settings(r), "backup_configuration")
