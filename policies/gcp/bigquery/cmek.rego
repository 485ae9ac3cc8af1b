# METADATA
# title: BigQuery datasets encrypt new tables with a customer-managed key
# description: >-
#   BigQuery encrypts all data at rest, by default with Google-managed keys. A dataset's
#   default customer-managed Cloud KMS key encrypts every new table with a key under your own
#   access policy, rotation and audit, and disabling the key cuts off access to the data,
#   which regulated analytics workloads may require.
# scope: package
# custom:
#   id: gcp-bigquery-cmek
#   check: customer-managed-key
#   severity: low
#   resource_types: [google_bigquery_dataset]
#   controls:
#     soc2: [CC6.1, CC6.7]
#     iso27001-2022: [A.8.24]
#     gdpr: [Art.32(1)(a)]
#     hipaa: ["164.312(a)(2)(iv)"]
#     pci-dss-4.0: ["3.5.1", "3.6.1"]
#   remediation: >-
#     Add `default_encryption_configuration { kms_key_name = google_kms_crypto_key.<key>.id }`
#     and grant the BigQuery service account roles/cloudkms.cryptoKeyEncrypterDecrypter on the
#     key.
package rules.gcp.bigquery.cmek

import rego.v1

import data.lib.gcp
import data.lib.tenet

path := "default_encryption_configuration[0].kms_key_name"

deny contains tenet.finding(r, msg, "default_encryption_configuration") if {
	some r in tenet.of_input_type("google_bigquery_dataset")
	not tenet.is_unknown(r, path)
	not gcp.key_set(r, path, tenet.get(gcp.first_block(r, "default_encryption_configuration"), "kms_key_name", ""))
	msg := sprintf("BigQuery dataset %q has no customer-managed default encryption key", [r.name])
}

undetermined contains tenet.finding(r, msg, "default_encryption_configuration") if {
	some r in tenet.of_input_type("google_bigquery_dataset")
	gcp.key_unknown(r, path)
	msg := sprintf("the default encryption key of BigQuery dataset %q is not known before apply", [r.name])
}
