# METADATA
# title: GKE clusters encrypt Kubernetes Secrets with a Cloud KMS key
# description: >-
#   Application-layer secrets encryption encrypts Secret objects in the cluster's etcd with a
#   key you hold in Cloud KMS (envelope encryption), on top of Google's storage encryption.
#   Someone who obtains a copy of etcd, or its backups, then still cannot read the secrets
#   without access to the key, and disabling the key cuts off access.
# scope: package
# custom:
#   id: gcp-gke-secrets-encryption
#   check: kubernetes-secrets-encryption
#   severity: medium
#   resource_types: [google_container_cluster]
#   controls:
#     soc2: [CC6.1, CC6.7]
#     iso27001-2022: [A.8.24]
#     gdpr: [Art.32(1)(a)]
#     hipaa: ["164.312(a)(2)(iv)"]
#     pci-dss-4.0: ["3.5.1"]
#   remediation: >-
#     Add `database_encryption { state = "ENCRYPTED" key_name = google_kms_crypto_key.<key>.id }`
#     and grant the GKE service agent roles/cloudkms.cryptoKeyEncrypterDecrypter on the key.
package rules.gcp.gke.secrets_encryption

import rego.v1

import data.lib.gcp
import data.lib.tenet

path := "database_encryption[0].state"

deny contains tenet.finding(r, msg, attribute(r)) if {
	some r in tenet.of_input_type("google_container_cluster")
	not tenet.is_unknown(r, path)
	state := tenet.get(gcp.first_block(r, "database_encryption"), "state", "DECRYPTED")
	upper(state) != "ENCRYPTED"
	msg := sprintf("GKE cluster %q does not encrypt Secrets with a Cloud KMS key (database_encryption state %q)", [r.name, state])
}

undetermined contains tenet.finding(r, msg, attribute(r)) if {
	some r in tenet.of_input_type("google_container_cluster")
	tenet.is_unknown(r, path)
	msg := sprintf("whether GKE cluster %q encrypts Secrets with a Cloud KMS key is not known before apply", [r.name])
}

attribute(r) := path if gcp.has_block(r, "database_encryption")

attribute(r) := "database_encryption" if not gcp.has_block(r, "database_encryption")
