# METADATA
# title: Redshift clusters are encrypted at rest
# description: >-
#   A data warehouse gathers copies of the organization's most valuable data. An unencrypted
#   cluster leaves that data, its backups and its snapshots readable to anyone who gets at the
#   storage or a shared snapshot. Since January 2025 Redshift encrypts new clusters by
#   default, so the rule flags clusters that turn encryption off explicitly; an unset
#   `encrypted` on a cluster created earlier (or through an older provider that sent false)
#   cannot be told apart from the configuration.
# scope: package
# custom:
#   id: aws-redshift-encrypted
#   check: database-encryption
#   severity: high
#   controls:
#     soc2: [CC6.1, CC6.7]
#     iso27001-2022: [A.8.24]
#     gdpr: [Art.32(1)(a)]
#     hipaa: ["164.312(a)(2)(iv)"]
#     pci-dss-4.0: ["3.5.1"]
#   resource_types: [aws_redshift_cluster]
#   remediation: >-
#     Set `encrypted = true`, with `kms_key_id` for a customer-managed key. Encrypting an
#     existing cluster triggers a migration; plan a maintenance window.
package rules.aws.redshift.encrypted

import rego.v1

import data.lib.tenet

deny contains tenet.finding(r, msg, "encrypted") if {
	some r in tenet.of_input_type("aws_redshift_cluster")
	tenet.bool_attr(r, "encrypted", true) == false
	msg := sprintf("Redshift cluster %q is not encrypted at rest (encrypted = false)", [r.name])
}

undetermined contains tenet.finding(r, msg, "encrypted") if {
	some r in tenet.of_input_type("aws_redshift_cluster")
	tenet.is_unknown(r, "encrypted")
	msg := sprintf("encrypted of Redshift cluster %q is not known before apply", [r.name])
}
