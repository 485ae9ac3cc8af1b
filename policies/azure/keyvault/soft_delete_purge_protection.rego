# METADATA
# title: Key vaults keep deleted secrets and keys recoverable (soft delete and purge protection)
# description: >-
#   A key vault holds the keys that encrypt data elsewhere: if the vault or a key is deleted and
#   purged, by mistake or by an attacker holding a privileged role, everything encrypted with
#   it is lost for good. Soft delete keeps deleted vaults and objects recoverable for the
#   retention period, and purge protection stops anyone from purging them before it ends.
#   Soft delete is on when `enableSoftDelete` is absent (new vaults get true, and it cannot be
#   turned off again), so only an explicit false is reported; purge protection is off unless
#   `enablePurgeProtection` is true, so its absence is reported. In Terraform,
#   `purge_protection_enabled` defaults to false, and provider v2's `soft_delete_enabled = false`
#   is reported.
# scope: package
# custom:
#   id: azure-keyvault-soft-delete-purge-protection
#   check: deletion-protection
#   severity: medium
#   resource_types: [Microsoft.KeyVault/vaults, azurerm_key_vault]
#   controls:
#     soc2: [A1.2]
#     iso27001-2022: [A.8.13]
#     gdpr: [Art.32(1)(c)]
#     hipaa: ["164.308(a)(7)(ii)(A)"]
#     pci-dss-4.0: []
#   remediation: >-
#     ARM/Bicep: set `properties.enablePurgeProtection: true` and leave `enableSoftDelete` out
#     or true (with `softDeleteRetentionInDays` as long as recovery needs, up to 90).
#     Terraform: set `purge_protection_enabled = true` (and, on provider v2, remove
#     `soft_delete_enabled = false`). Neither can be turned off once on.
package rules.azure.keyvault.soft_delete_purge_protection

import rego.v1

import data.lib.azure
import data.lib.tenet

vault := "Microsoft.KeyVault/vaults"

deny contains tenet.finding(r, msg, "properties.enableSoftDelete") if {
	some r in tenet.of_input_type(vault)
	azure.bool_prop(r, "enableSoftDelete", true) == false
	msg := sprintf("key vault %q disables soft delete: deleted keys and secrets cannot be recovered", [r.name])
}

deny contains tenet.finding(r, msg, "properties.enablePurgeProtection") if {
	some r in tenet.of_input_type(vault)
	azure.bool_prop(r, "enablePurgeProtection", false) == false
	msg := sprintf("key vault %q does not enable purge protection: deleted keys and secrets can be purged before their retention ends", [r.name])
}

deny contains tenet.finding(r, msg, "purge_protection_enabled") if {
	some r in tenet.of_input_type("azurerm_key_vault")
	tenet.bool_attr(r, "purge_protection_enabled", false) == false
	msg := sprintf("azurerm_key_vault %q does not set purge_protection_enabled = true: deleted keys and secrets can be purged before their retention ends", [r.name])
}

deny contains tenet.finding(r, msg, "soft_delete_enabled") if {
	some r in tenet.of_input_type("azurerm_key_vault")
	tenet.bool_attr(r, "soft_delete_enabled", true) == false
	msg := sprintf("azurerm_key_vault %q sets soft_delete_enabled = false: deleted keys and secrets cannot be recovered", [r.name])
}

undetermined contains tenet.finding(r, msg, azure.prop_path(key)) if {
	some r in tenet.of_input_type(vault)
	some key in ["enableSoftDelete", "enablePurgeProtection"]
	azure.prop_unknown(r, key)
	msg := sprintf("%s of key vault %q is not known before deployment", [key, r.name])
}

undetermined contains tenet.finding(r, msg, key) if {
	some r in tenet.of_input_type("azurerm_key_vault")
	some key in ["purge_protection_enabled", "soft_delete_enabled"]
	tenet.is_unknown(r, key)
	msg := sprintf("%s of azurerm_key_vault %q is not known before apply", [key, r.name])
}
