# METADATA
# title: KMS keys rotate their key material
# description: >-
#   Automatic rotation replaces a customer-managed key's material every year (or on the period
#   you set) while keeping old material for decryption, which limits how much data one key
#   version protects and keeps cryptoperiods defined, as key-management requirements ask.
#   Only symmetric encryption keys can rotate automatically; asymmetric and HMAC keys are not
#   checked.
# scope: package
# custom:
#   id: aws-kms-key-rotation
#   check: key-rotation
#   severity: medium
#   resource_types: [aws_kms_key]
#   controls:
#     soc2: [CC6.1]
#     iso27001-2022: [A.8.24]
#     gdpr: [Art.32]
#     hipaa: ["164.312(a)(2)(iv)"]
#     pci-dss-4.0: ["3.6.1", "3.7.4"]
#   remediation: Set `enable_key_rotation = true` (and `rotation_period_in_days` if a year is too long).
package rules.aws.kms.key_rotation

import rego.v1

import data.lib.tenet

deny contains tenet.finding(r, msg, "enable_key_rotation") if {
	some r in rotatable
	not tenet.is_unknown(r, "enable_key_rotation")
	tenet.bool_attr(r, "enable_key_rotation", false) == false
	msg := sprintf("KMS key %q does not rotate its key material", [r.name])
}

undetermined contains tenet.finding(r, msg, "enable_key_rotation") if {
	some r in rotatable
	tenet.is_unknown(r, "enable_key_rotation")
	msg := sprintf("enable_key_rotation of KMS key %q is not known before apply", [r.name])
}

undetermined contains tenet.finding(r, msg, attribute) if {
	some r in tenet.of_input_type("aws_kms_key")
	some attribute in ["customer_master_key_spec", "key_usage", "custom_key_store_id"]
	tenet.is_unknown(r, attribute)
	msg := sprintf("whether KMS key %q can rotate depends on %s, which is not known before apply", [r.name, attribute])
}

rotatable contains r if {
	some r in tenet.of_input_type("aws_kms_key")
	tenet.attr(r, "customer_master_key_spec", "SYMMETRIC_DEFAULT") == "SYMMETRIC_DEFAULT"
	tenet.attr(r, "key_usage", "ENCRYPT_DECRYPT") == "ENCRYPT_DECRYPT"
	tenet.attr(r, "custom_key_store_id", "") == ""
}
