# METADATA
# title: Cloud SQL instances encrypt with a customer-managed key
# description: >-
#   Cloud SQL encrypts data, backups and logs at rest, by default with Google-managed keys.
#   A customer-managed Cloud KMS key (`encryption_key_name`, only settable at creation) puts
#   the database's encryption under your own key policy, rotation and audit, and disabling the
#   key cuts off access to the instance and its backups.
# scope: package
# custom:
#   id: gcp-sql-cmek
#   check: customer-managed-key
#   severity: low
#   resource_types: [google_sql_database_instance]
#   controls:
#     soc2: [CC6.1, CC6.7]
#     iso27001-2022: [A.8.24]
#     gdpr: [Art.32(1)(a)]
#     hipaa: ["164.312(a)(2)(iv)"]
#     pci-dss-4.0: ["3.5.1", "3.6.1"]
#   remediation: >-
#     Create the instance with `encryption_key_name = google_kms_crypto_key.<key>.id` (a key in
#     the instance's region) after granting the Cloud SQL service agent
#     roles/cloudkms.cryptoKeyEncrypterDecrypter on it.
package rules.gcp.sql.cmek

import rego.v1

import data.lib.gcp
import data.lib.tenet

deny contains tenet.finding(r, msg, "encryption_key_name") if {
	some r in tenet.of_input_type("google_sql_database_instance")
	not tenet.is_unknown(r, "encryption_key_name")
	not gcp.key_set(r, "encryption_key_name", tenet.attr(r, "encryption_key_name", ""))
	msg := sprintf("Cloud SQL instance %q is encrypted with a Google-managed key, not a customer-managed one", [r.name])
}

undetermined contains tenet.finding(r, msg, "encryption_key_name") if {
	some r in tenet.of_input_type("google_sql_database_instance")
	gcp.key_unknown(r, "encryption_key_name")
	msg := sprintf("the encryption key of Cloud SQL instance %q is not known before apply", [r.name])
}
