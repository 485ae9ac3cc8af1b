# METADATA
# title: Cloud SQL for PostgreSQL logs connections and disconnections
# description: >-
#   The log_connections and log_disconnections flags record every connection attempt and
#   session end (user, database, client address, duration) in Cloud Logging. Without them
#   there is no trail of who connected to the database, which is what investigating misuse of
#   credentials or a breach needs first. The pgAudit extension (cloudsql.enable_pgaudit) logs
#   statements, not connections, so it does not replace these flags. Only PostgreSQL instances
#   are checked.
# scope: package
# custom:
#   id: gcp-sql-postgres-audit-flags
#   check: database-audit-logging
#   severity: medium
#   resource_types: [google_sql_database_instance]
#   controls:
#     soc2: [CC7.2, CC7.3]
#     iso27001-2022: [A.8.15, A.8.16]
#     gdpr: [Art.32, Art.33]
#     hipaa: ["164.312(b)", "164.308(a)(1)(ii)(D)"]
#     pci-dss-4.0: ["10.2.1", "10.2.2"]
#   remediation: >-
#     Add `database_flags { name = "log_connections" value = "on" }` and
#     `database_flags { name = "log_disconnections" value = "on" }` to the instance's settings.
package rules.gcp.sql.postgres_audit_flags

import rego.v1

import data.lib.gcp
import data.lib.tenet

required := ["log_connections", "log_disconnections"]

deny contains tenet.finding(r, msg, attribute(r)) if {
	some r in postgres
	not flags_unknown(r)
	missing := [f | some f in required; not flag_on(r, f)]
	count(missing) > 0
	msg := sprintf("Cloud SQL PostgreSQL instance %q does not turn on %s", [r.name, concat(" and ", missing)])
}

undetermined contains tenet.finding(r, msg, attribute(r)) if {
	some r in postgres
	flags_unknown(r)
	some f in required
	not flag_on(r, f)
	msg := sprintf("the database flags of Cloud SQL PostgreSQL instance %q are not known before apply", [r.name])
}

undetermined contains tenet.finding(r, msg, "database_version") if {
	some r in tenet.of_input_type("google_sql_database_instance")
	tenet.is_unknown(r, "database_version")
	some f in required
	not flag_on(r, f)
	msg := sprintf("whether Cloud SQL instance %q is PostgreSQL (and needs connection logging) is not known before apply", [r.name])
}

postgres contains r if {
	some r in tenet.of_input_type("google_sql_database_instance")
	startswith(upper(tenet.attr(r, "database_version", "")), "POSTGRES")
}

flags(r) := tenet.blocks(tenet.get(gcp.sql_settings(r), "database_flags", []))

flag_on(r, name) if {
	some f in flags(r)
	tenet.get(f, "name", "") == name
	lower(sprintf("%v", [tenet.get(f, "value", "")])) == "on"
}

flags_unknown(r) if {
	some u in r.unknown
	regex.match(`^settings(\[0\](\.database_flags.*)?)?$`, u)
}

attribute(r) := "settings[0].database_flags" if count(flags(r)) > 0

attribute(r) := "settings" if count(flags(r)) == 0
