# METADATA
# title: Key Vault secrets have an expiration date
# description: >-
#   A secret without an expiry stays valid until someone remembers to replace it; passwords,
#   connection strings and API keys then live for years, and a leaked copy keeps working.
#   An expiration date makes the secret's lifetime explicit: Key Vault raises near-expiry and
#   expired events for it, and owners get a date to rotate by. A secret is reported when
#   `properties.attributes.exp` is absent (Terraform: `expiration_date` is not set).
# scope: package
# custom:
#   id: azure-keyvault-secret-expiry
#   check: secret-rotation
#   severity: medium
#   resource_types: [Microsoft.KeyVault/vaults/secrets, azurerm_key_vault_secret]
#   controls:
#     soc2: [CC6.1]
#     iso27001-2022: [A.5.17]
#     gdpr: [Art.32]
#     hipaa: ["164.308(a)(5)(ii)(D)"]
#     pci-dss-4.0: ["8.3.9", "8.6.3"]
#   remediation: >-
#     ARM/Bicep: set `properties.attributes.exp` (seconds since 1970, for example
#     `dateTimeToEpoch(dateTimeAdd(baseTime, 'P90D'))`). Terraform: set `expiration_date` (an
#     RFC 3339 time) on the `azurerm_key_vault_secret`, and rotate the secret before it.
package rules.azure.keyvault.secret_expiry

import rego.v1

import data.lib.tenet

arm_type := "Microsoft.KeyVault/vaults/secrets"

tf_type := "azurerm_key_vault_secret"

exp_path := "properties.attributes.exp"

deny contains tenet.finding(r, msg, "properties.attributes") if {
	some r in tenet.of_input_type(arm_type)
	not tenet.is_unknown(r, exp_path)
	object.get(r.attributes, ["properties", "attributes", "exp"], null) == null
	msg := sprintf("secret %q has no expiration date (attributes.exp): it stays valid until replaced by hand", [r.name])
}

undetermined contains tenet.finding(r, msg, exp_path) if {
	some r in tenet.of_input_type(arm_type)
	tenet.is_unknown(r, exp_path)
	msg := sprintf("the expiration date of secret %q is not known before deployment", [r.name])
}

deny contains tenet.finding(r, msg, "expiration_date") if {
	some r in tenet.of_input_type(tf_type)
	tenet.attr(r, "expiration_date", null) == null
	msg := sprintf("azurerm_key_vault_secret %q has no expiration_date: it stays valid until replaced by hand", [r.name])
}

undetermined contains tenet.finding(r, msg, "expiration_date") if {
	some r in tenet.of_input_type(tf_type)
	tenet.is_unknown(r, "expiration_date")
	msg := sprintf("expiration_date of azurerm_key_vault_secret %q is not known before apply", [r.name])
}
