package rules.azure.storage.redundancy_test

import rego.v1

import data.lib.fixtures
import data.rules.azure.storage.redundancy as rule

deny(resources) := result if {
	result := rule.deny with input as {"resources": resources}
}

undetermined(resources) := result if {
	result := rule.undetermined with input as {"resources": resources}
}

acct(name, sku) := object.union(fixtures.arm_resource("Microsoft.Storage/storageAccounts", name, "2023-05-01", {}), {"attributes": {"sku": {"name": sku}}})

test_arm if {
	some f in deny([acct("a", "Standard_LRS")])
	f.attribute == "sku.name"
	count(deny([acct("b", "Premium_LRS")])) == 1
	count(deny([acct("c", "Standard_ZRS"), acct("d", "Standard_RAGZRS"), acct("e", "Premium_ZRS"), acct("f", "Standard_GRS")])) == 0
}

test_tf if {
	count(deny([fixtures.resource("azurerm_storage_account", "a", {"account_replication_type": "LRS"})])) == 1
	count(deny([fixtures.resource("azurerm_storage_account", "b", {"account_replication_type": "ZRS"}), fixtures.resource("azurerm_storage_account", "c", {"account_replication_type": "GRS"})])) == 0
}

test_unknown_is_undetermined if {
	a := fixtures.with_unknown(fixtures.arm_resource("Microsoft.Storage/storageAccounts", "a", "2023-05-01", {}), ["sku.name"])
	t := fixtures.with_unknown(fixtures.resource("azurerm_storage_account", "t", {}), ["account_replication_type"])
	count(deny([a, t])) == 0
	count(undetermined([a, t])) == 2
}
