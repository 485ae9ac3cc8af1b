package rules.azure.keyvault.soft_delete_purge_protection_test

import rego.v1

import data.lib.fixtures
import data.rules.azure.keyvault.soft_delete_purge_protection as rule

arm(props) := fixtures.arm_resource("Microsoft.KeyVault/vaults", "kv", "2023-07-01", props)

tf(attrs) := fixtures.resource("azurerm_key_vault", "kv", attrs)

deny(resources) := result if {
	result := rule.deny with input as {"resources": resources}
}

undetermined(resources) := result if {
	result := rule.undetermined with input as {"resources": resources}
}

test_arm_without_purge_protection_fires if {
	findings := deny([arm({"enableSoftDelete": true})])
	count(findings) == 1
	some f in findings
	f.attribute == "properties.enablePurgeProtection"
}

test_arm_soft_delete_off_fires_too if {
	attrs := {f.attribute | some f in deny([arm({"enableSoftDelete": false, "enablePurgeProtection": false})])}
	attrs == {"properties.enableSoftDelete", "properties.enablePurgeProtection"}
}

test_arm_purge_protection_with_default_soft_delete_passes if {
	count(deny([arm({"enablePurgeProtection": true})])) == 0
}

test_tf if {
	count(deny([tf({})])) == 1
	count(deny([tf({"purge_protection_enabled": true, "soft_delete_enabled": false})])) == 1
	count(deny([tf({"purge_protection_enabled": true})])) == 0
}

test_unknown_is_undetermined if {
	a := fixtures.with_unknown(arm({}), ["properties.enablePurgeProtection"])
	t := fixtures.with_unknown(tf({}), ["purge_protection_enabled"])
	count(deny([a, t])) == 0
	count(undetermined([a, t])) == 2
}
