# METADATA
# title: Cloud KMS keys rotate automatically
# description: >-
#   Automatic rotation creates a new primary key version on a fixed period, which limits how
#   much data one key version protects and keeps cryptoperiods defined, as key-management
#   requirements ask. A symmetric key without a `rotation_period`, or with one longer than
#   the allowed maximum (`max_key_rotation_days`, a year by default), is reported. Keys that
#   cannot rotate automatically are not checked: asymmetric, MAC and raw keys (any purpose
#   other than ENCRYPT_DECRYPT), import-only keys and keys held in an external key manager.
# scope: package
# custom:
#   id: gcp-kms-key-rotation
#   check: key-rotation
#   severity: medium
#   resource_types: [google_kms_crypto_key]
#   params:
#     max_key_rotation_days: 365
#   controls:
#     soc2: [CC6.1]
#     iso27001-2022: [A.8.24]
#     gdpr: [Art.32]
#     hipaa: ["164.312(a)(2)(iv)"]
#     pci-dss-4.0: ["3.6.1", "3.7.4"]
#   remediation: >-
#     Set `rotation_period` on the key, at most the allowed maximum (for example "7776000s",
#     90 days).
package rules.gcp.kms.key_rotation

import rego.v1

import data.lib.gcp
import data.lib.tenet

max_seconds := data.config.max_key_rotation_days * 86400

deny contains tenet.finding(r, msg, "rotation_period") if {
	some r in rotatable
	not tenet.is_unknown(r, "rotation_period")
	not tenet.has_value(r.attributes, "rotation_period")
	msg := sprintf("Cloud KMS key %q has no rotation_period and never rotates automatically", [r.name])
}

deny contains tenet.finding(r, msg, "rotation_period") if {
	some r in rotatable
	period := tenet.attr(r, "rotation_period", "")
	seconds := gcp.duration_seconds(period)
	seconds > max_seconds
	msg := sprintf("Cloud KMS key %q rotates every %s (%d days), more than the allowed %d days", [r.name, period, round(seconds / 86400), data.config.max_key_rotation_days])
}

undetermined contains tenet.finding(r, msg, "rotation_period") if {
	some r in rotatable
	tenet.is_unknown(r, "rotation_period")
	msg := sprintf("the rotation period of Cloud KMS key %q is not known before apply", [r.name])
}

undetermined contains tenet.finding(r, msg, attribute) if {
	some r in tenet.of_input_type("google_kms_crypto_key")
	some attribute in ["purpose", "import_only", "version_template[0].protection_level"]
	tenet.is_unknown(r, attribute)
	not rotates_within_limit(r)
	msg := sprintf("whether Cloud KMS key %q can rotate automatically depends on %s, which is not known before apply", [r.name, attribute])
}

rotatable contains r if {
	some r in tenet.of_input_type("google_kms_crypto_key")
	tenet.attr(r, "purpose", "ENCRYPT_DECRYPT") == "ENCRYPT_DECRYPT"
	tenet.bool_attr(r, "import_only", false) == false
	not tenet.is_unknown(r, "version_template[0].protection_level")
	not upper(tenet.get(gcp.first_block(r, "version_template"), "protection_level", "SOFTWARE")) in {"EXTERNAL", "EXTERNAL_VPC"}
}

rotates_within_limit(r) if gcp.duration_seconds(tenet.attr(r, "rotation_period", "")) <= max_seconds
