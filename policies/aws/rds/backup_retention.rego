# METADATA
# title: RDS automated backups are kept for at least 7 days
# description: >-
#   Automated backups and point-in-time recovery are the way back from data corruption, a bad
#   migration or a destructive attack. A retention of 0 turns them off; AWS's default of 1 day
#   leaves no time to notice a problem before the last good copy expires. Keep at least 7
#   days (longer where your recovery objectives or regulations ask for it). Read replicas are
#   exempt: their source's backups cover them.
# scope: package
# custom:
#   id: aws-rds-backup-retention
#   check: backup
#   severity: medium
#   resource_types: [aws_db_instance, aws_rds_cluster]
#   controls:
#     soc2: [A1.2]
#     iso27001-2022: [A.8.13]
#     gdpr: [Art.32(1)(c)]
#     hipaa: ["164.308(a)(7)(ii)(A)"]
#     pci-dss-4.0: []
#   remediation: >-
#     Set `backup_retention_period` to 7 or more (up to 35 days), and consider AWS Backup for
#     longer, cross-region or cross-account copies.
package rules.aws.rds.backup_retention

import rego.v1

import data.lib.tenet

min_days := 7

deny contains tenet.finding(r, msg, "backup_retention_period") if {
	some r in candidates
	not tenet.is_unknown(r, "backup_retention_period")
	days := tenet.number(tenet.attr(r, "backup_retention_period", 1))
	days < min_days
	msg := sprintf("%s %q keeps automated backups for %s (at least %d days needed)", [r.type, r.name, describe(r, days), min_days])
}

undetermined contains tenet.finding(r, msg, "backup_retention_period") if {
	some r in candidates
	tenet.is_unknown(r, "backup_retention_period")
	msg := sprintf("backup_retention_period of %s %q is not known before apply", [r.type, r.name])
}

describe(r, days) := "1 day (AWS default, not set)" if not "backup_retention_period" in object.keys(r.attributes)

describe(r, days) := "0 days: backups are disabled" if {
	"backup_retention_period" in object.keys(r.attributes)
	days == 0
}

describe(r, days) := sprintf("%v day(s)", [days]) if {
	"backup_retention_period" in object.keys(r.attributes)
	days != 0
}

candidates contains r if {
	some r in tenet.of_input_type("aws_db_instance")
	tenet.attr(r, "replicate_source_db", "") == ""
}

undetermined contains tenet.finding(r, msg, "replicate_source_db") if {
	some r in tenet.of_input_type("aws_db_instance")
	tenet.is_unknown(r, "replicate_source_db")
	msg := sprintf("whether %s %q is a read replica (exempt) is not known before apply", [r.type, r.name])
}

candidates contains r if some r in tenet.of_input_type("aws_rds_cluster")
