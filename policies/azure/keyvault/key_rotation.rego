# METADATA
# title: Key Vault keys rotate automatically
# description: >-
#   A key that is never rotated protects ever more data under one secret: if it leaks, or its
#   algorithm ages, everything it ever encrypted is exposed, and PCI DSS asks for keys to be
#   changed at the end of a defined cryptoperiod. Key Vault rotates a key itself only under a
#   rotation policy with a Rotate lifetime action, so a key is reported when its
#   `rotationPolicy.lifetimeActions` has no action of type Rotate (Terraform: no
#   `rotation_policy` block with an `automatic` block). Keys rotated by an outside process are
#   not seen and are reported too.
# scope: package
# custom:
#   id: azure-keyvault-key-rotation
#   check: key-rotation
#   severity: medium
#   resource_types: [Microsoft.KeyVault/vaults/keys, azurerm_key_vault_key]
#   controls:
#     soc2: [CC6.1]
#     iso27001-2022: [A.8.24]
#     gdpr: [Art.32]
#     hipaa: ["164.312(a)(2)(iv)"]
#     pci-dss-4.0: ["3.6.1", "3.7.4"]
#   remediation: >-
#     ARM/Bicep: add `properties.rotationPolicy` with a lifetime action `{ action: { type:
#     'rotate' }, trigger: { timeAfterCreate: 'P90D' } }` (and `attributes.expiryTime`).
#     Terraform: add `rotation_policy { expire_after = "P1Y" automatic { time_after_creation =
#     "P90D" } }` to the `azurerm_key_vault_key`.
package rules.azure.keyvault.key_rotation

import rego.v1

import data.lib.azure
import data.lib.tenet

arm_type := "Microsoft.KeyVault/vaults/keys"

tf_type := "azurerm_key_vault_key"

actions_path := "properties.rotationPolicy.lifetimeActions"

deny contains tenet.finding(r, msg, "properties.rotationPolicy") if {
	some r in tenet.of_input_type(arm_type)
	not tenet.is_unknown(r, actions_path)
	not arm_rotates(r)
	not arm_action_unknown(r)
	msg := sprintf("key %q has no rotation policy with a Rotate lifetime action: it is never rotated automatically", [r.name])
}

undetermined contains tenet.finding(r, msg, "properties.rotationPolicy") if {
	some r in tenet.of_input_type(arm_type)
	not arm_rotates(r)
	arm_undecided(r)
	msg := sprintf("the rotation policy of key %q is not known before deployment", [r.name])
}

arm_actions(r) := tenet.blocks(object.get(r.attributes, ["properties", "rotationPolicy", "lifetimeActions"], []))

arm_rotates(r) if {
	some a in arm_actions(r)
	is_object(a)
	lower(sprintf("%v", [object.get(a, ["action", "type"], "")])) == "rotate"
}

arm_action_unknown(r) if {
	some i, _ in arm_actions(r)
	tenet.is_unknown(r, sprintf("%s[%d]", [actions_path, i]))
}

arm_undecided(r) if tenet.is_unknown(r, actions_path)

arm_undecided(r) if arm_action_unknown(r)

deny contains tenet.finding(r, msg, "rotation_policy") if {
	some r in tenet.of_input_type(tf_type)
	not tenet.is_unknown(r, "rotation_policy")
	not tf_rotates(r)
	msg := sprintf("azurerm_key_vault_key %q has no rotation_policy with an automatic block: it is never rotated automatically", [r.name])
}

undetermined contains tenet.finding(r, msg, "rotation_policy") if {
	some r in tenet.of_input_type(tf_type)
	tenet.is_unknown(r, "rotation_policy")
	not tf_rotates(r)
	msg := sprintf("rotation_policy of azurerm_key_vault_key %q is not known before apply", [r.name])
}

tf_rotates(r) if {
	some p in tenet.blocks(object.get(r.attributes, "rotation_policy", []))
	is_object(p)
	some a in tenet.blocks(object.get(p, "automatic", []))
	is_object(a)
}
