package rules.azure.keyvault.secret_expiry_test

import rego.v1

import data.lib.fixtures
import data.rules.azure.keyvault.secret_expiry as rule

deny(resources) := result if {
	result := rule.deny with input as {"resources": resources}
}

undetermined(resources) := result if {
	result := rule.undetermined with input as {"resources": resources}
}

secret(name, props) := fixtures.arm_resource("Microsoft.KeyVault/vaults/secrets", name, "2023-07-01", object.union({"value": "x"}, props))

test_arm if {
	some f in deny([secret("kv/a", {})])
	f.attribute == "properties.attributes"
	count(deny([secret("kv/b", {"attributes": {"enabled": true}})])) == 1
	count(deny([secret("kv/c", {"attributes": {"exp": 1767225600}})])) == 0
}

test_tf if {
	count(deny([fixtures.resource("azurerm_key_vault_secret", "s", {"name": "db", "value": "x"})])) == 1
	count(deny([fixtures.resource("azurerm_key_vault_secret", "s", {"expiration_date": "2026-12-31T00:00:00Z"})])) == 0
}

test_unknown_is_undetermined if {
	a := fixtures.with_unknown(secret("kv/a", {"attributes": {}}), ["properties.attributes.exp"])
	b := fixtures.with_unknown(secret("kv/b", {}), ["properties.attributes"])
	t := fixtures.with_unknown(fixtures.resource("azurerm_key_vault_secret", "s", {}), ["expiration_date"])
	count(deny([a, b, t])) == 0
	count(undetermined([a, b, t])) == 3
}
