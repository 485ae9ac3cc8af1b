# METADATA
# title: Cloud SQL instances are protected against deletion
# description: >-
#   Deleting a Cloud SQL instance deletes its automated backups with it, so one mistaken
#   `terraform destroy`, replacement or console click loses the data. The Terraform
#   `deletion_protection` argument (true by default) stops Terraform from deleting the
#   instance; `settings.deletion_protection_enabled` also stops deletion through the console,
#   gcloud and the API. An instance is reported when neither protects it.
# scope: package
# custom:
#   id: gcp-sql-deletion-protection
#   check: deletion-protection
#   severity: medium
#   resource_types: [google_sql_database_instance]
#   controls:
#     soc2: [A1.2]
#     iso27001-2022: [A.8.13]
#     gdpr: [Art.32(1)(c)]
#     hipaa: ["164.308(a)(7)(ii)(A)"]
#     pci-dss-4.0: []
#   remediation: >-
#     Keep `deletion_protection = true` (the default) and set
#     `settings { deletion_protection_enabled = true }` to guard against deletion outside
#     Terraform too.
package rules.gcp.sql.deletion_protection

import rego.v1

import data.lib.gcp
import data.lib.tenet

api_path := "settings[0].deletion_protection_enabled"

deny contains tenet.finding(r, msg, "deletion_protection") if {
	some r in tenet.of_input_type("google_sql_database_instance")
	tenet.bool_attr(r, "deletion_protection", true) == false
	not tenet.is_unknown(r, api_path)
	tenet.to_bool(tenet.get(gcp.sql_settings(r), "deletion_protection_enabled", false)) == false
	msg := sprintf("Cloud SQL instance %q can be deleted: deletion_protection is false and settings.deletion_protection_enabled is not set", [r.name])
}

undetermined contains tenet.finding(r, msg, "deletion_protection") if {
	some r in tenet.of_input_type("google_sql_database_instance")
	not tenet.to_bool(tenet.get(gcp.sql_settings(r), "deletion_protection_enabled", false)) == true
	not tenet.bool_attr(r, "deletion_protection", true) == true
	some p in ["deletion_protection", api_path]
	tenet.is_unknown(r, p)
	msg := sprintf("whether Cloud SQL instance %q is protected against deletion depends on %s, which is not known before apply", [r.name, p])
}
