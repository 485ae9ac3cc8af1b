# METADATA
# title: Cloud SQL instances are highly available
# description: >-
#   A zonal instance runs in one zone: a zone outage or maintenance failure takes the database
#   down until it is restored. Regional availability keeps a synchronous standby in another
#   zone with automatic failover, which availability and continuity commitments rely on. Read
#   replicas are not checked.
# scope: package
# custom:
#   id: gcp-sql-high-availability
#   check: high-availability
#   severity: low
#   resource_types: [google_sql_database_instance]
#   controls:
#     soc2: [A1.2]
#     iso27001-2022: [A.8.14]
#     gdpr: [Art.32(1)(b)]
#     hipaa: ["164.308(a)(7)(ii)(B)"]
#     pci-dss-4.0: []
#   remediation: Set `settings { availability_type = "REGIONAL" }` (MySQL also needs binary logging enabled in `backup_configuration`).
package rules.gcp.sql.high_availability

import rego.v1

import data.lib.gcp
import data.lib.tenet

path := "settings[0].availability_type"

deny contains tenet.finding(r, msg, attribute(r)) if {
	some r in tenet.of_input_type("google_sql_database_instance")
	not gcp.sql_replica(r)
	not gcp.sql_replica_unknown(r)
	not tenet.is_unknown(r, path)
	t := tenet.get(gcp.sql_settings(r), "availability_type", "ZONAL")
	upper(t) != "REGIONAL"
	msg := sprintf("Cloud SQL instance %q is zonal (availability_type %q), without a standby in another zone", [r.name, t])
}

undetermined contains tenet.finding(r, msg, attribute(r)) if {
	some r in tenet.of_input_type("google_sql_database_instance")
	not gcp.sql_replica(r)
	some p in [path, "master_instance_name"]
	tenet.is_unknown(r, p)
	not upper(tenet.get(gcp.sql_settings(r), "availability_type", "ZONAL")) == "REGIONAL"
	msg := sprintf("whether Cloud SQL instance %q is highly available depends on %s, which is not known before apply", [r.name, p])
}

attribute(r) := path if tenet.has_value(gcp.sql_settings(r), "availability_type")

attribute(r) := "settings" if not tenet.has_value(gcp.sql_settings(r), "availability_type")
