package rules.azure.keyvault.key_rotation_test

import rego.v1

import data.lib.fixtures
import data.rules.azure.keyvault.key_rotation as rule

deny(resources) := result if {
	result := rule.deny with input as {"resources": resources}
}

undetermined(resources) := result if {
	result := rule.undetermined with input as {"resources": resources}
}

key(name, props) := fixtures.arm_resource("Microsoft.KeyVault/vaults/keys", name, "2023-07-01", object.union({"kty": "RSA", "keySize": 3072}, props))

rotate := {"action": {"type": "rotate"}, "trigger": {"timeAfterCreate": "P90D"}}

notify := {"action": {"type": "Notify"}, "trigger": {"timeBeforeExpiry": "P30D"}}

test_arm_without_rotation_fires if {
	some f in deny([key("kv/k1", {})])
	f.attribute == "properties.rotationPolicy"
	count(deny([key("kv/k2", {"rotationPolicy": {"lifetimeActions": [notify]}})])) == 1
}

test_arm_rotate_action_passes if {
	count(deny([key("kv/k1", {"rotationPolicy": {"lifetimeActions": [notify, rotate]}}), key("kv/k2", {"rotationPolicy": {"lifetimeActions": [{"action": {"type": "Rotate"}}]}})])) == 0
}

test_tf if {
	some f in deny([fixtures.resource("azurerm_key_vault_key", "k", {"rotation_policy": [{"expire_after": "P1Y", "notify_before_expiry": "P29D"}]})])
	f.attribute == "rotation_policy"
	count(deny([fixtures.resource("azurerm_key_vault_key", "k", {})])) == 1
	count(deny([fixtures.resource("azurerm_key_vault_key", "k", {"rotation_policy": [{"automatic": [{"time_after_creation": "P90D"}]}]})])) == 0
}

test_unknown_is_undetermined if {
	a := fixtures.with_unknown(key("kv/a", {}), ["properties.rotationPolicy"])
	b := fixtures.with_unknown(key("kv/b", {"rotationPolicy": {"lifetimeActions": [notify, null]}}), ["properties.rotationPolicy.lifetimeActions[1]"])
	t := fixtures.with_unknown(fixtures.resource("azurerm_key_vault_key", "k", {}), ["rotation_policy"])
	count(deny([a, b, t])) == 0
	count(undetermined([a, b, t])) == 3
}
