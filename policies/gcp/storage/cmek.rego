# METADATA
# title: Cloud Storage buckets encrypt with a customer-managed key
# description: >-
#   Cloud Storage always encrypts data at rest, by default with Google-managed keys. A
#   customer-managed Cloud KMS key as the bucket's default key puts the key under your own
#   access policy, rotation and audit, and lets you revoke access to the data by disabling the
#   key, which some regulated workloads require.
# scope: package
# custom:
#   id: gcp-storage-cmek
#   check: customer-managed-key
#   severity: low
#   resource_types: [google_storage_bucket]
#   controls:
#     soc2: [CC6.1, CC6.7]
#     iso27001-2022: [A.8.24]
#     gdpr: [Art.32(1)(a)]
#     hipaa: ["164.312(a)(2)(iv)"]
#     pci-dss-4.0: ["3.5.1", "3.6.1"]
#   remediation: >-
#     Add `encryption { default_kms_key_name = google_kms_crypto_key.<key>.id }` to the bucket
#     and grant the Cloud Storage service agent roles/cloudkms.cryptoKeyEncrypterDecrypter on
#     the key.
package rules.gcp.storage.cmek

import rego.v1

import data.lib.gcp
import data.lib.tenet

path := "encryption[0].default_kms_key_name"

deny contains tenet.finding(b, msg, "encryption") if {
	some b in tenet.of_input_type("google_storage_bucket")
	not tenet.is_unknown(b, path)
	not gcp.key_set(b, path, tenet.get(gcp.first_block(b, "encryption"), "default_kms_key_name", ""))
	msg := sprintf("Cloud Storage bucket %q has no customer-managed default encryption key", [b.name])
}

undetermined contains tenet.finding(b, msg, "encryption") if {
	some b in tenet.of_input_type("google_storage_bucket")
	gcp.key_unknown(b, path)
	msg := sprintf("the default encryption key of Cloud Storage bucket %q is not known before apply", [b.name])
}
