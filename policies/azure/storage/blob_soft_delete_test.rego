package rules.azure.storage.blob_soft_delete_test

import rego.v1

import data.lib.fixtures
import data.rules.azure.storage.blob_soft_delete as rule

deny(resources) := result if {
	result := rule.deny with input as {"resources": resources}
		with data.inventory as fixtures.inventory(resources)
}

undetermined(resources) := result if {
	result := rule.undetermined with input as {"resources": resources}
		with data.inventory as fixtures.inventory(resources)
}

acct(name, kind) := object.union(fixtures.arm_resource("Microsoft.Storage/storageAccounts", name, "2023-05-01", {}), {"attributes": {"kind": kind}})

blobs(name, props) := fixtures.arm_resource("Microsoft.Storage/storageAccounts/blobServices", name, "2023-05-01", props)

test_arm_account_without_blob_service_fires if {
	a := acct("stdata", "StorageV2")
	some f in deny([a])
	f.resource_id == a.id
	count(deny([acct("stfiles", "FileStorage")])) == 0
}

test_arm_blob_service_settings if {
	a := acct("stdata", "StorageV2")
	on := fixtures.with_parent(blobs("default", {"deleteRetentionPolicy": {"enabled": true, "days": 7}}), a)
	count(deny([a, on])) == 0
	count(deny([a, blobs("stdata/default", {"isVersioningEnabled": true})])) == 0
	off := fixtures.with_parent(blobs("default", {"deleteRetentionPolicy": {"enabled": false}}), a)
	findings := deny([a, off])
	count(findings) == 1
	some f in findings
	f.resource_id == off.id
}

test_tf if {
	count(deny([fixtures.resource("azurerm_storage_account", "a", {})])) == 1
	count(deny([fixtures.resource("azurerm_storage_account", "b", {"blob_properties": [{"cors_rule": []}]})])) == 1
	count(deny([
		fixtures.resource("azurerm_storage_account", "c", {"blob_properties": [{"delete_retention_policy": [{"days": 14}]}]}),
		fixtures.resource("azurerm_storage_account", "d", {"blob_properties": [{"versioning_enabled": true}]}),
		fixtures.resource("azurerm_storage_account", "e", {"account_kind": "FileStorage"}),
	])) == 0
}

test_unknown_is_undetermined if {
	a := acct("stdata", "StorageV2")
	u := fixtures.with_unknown(fixtures.with_parent(blobs("default", {}), a), ["properties.deleteRetentionPolicy.enabled"])
	count(deny([a, u])) == 0
	count(undetermined([a, u])) == 1
	named := fixtures.with_unknown(object.union(blobs("x", {"isVersioningEnabled": true}), {"attributes": {"name": null}}), ["name"])
	count(deny([a, named])) == 0
	count(undetermined([a, named])) == 1
	t := fixtures.with_unknown(fixtures.resource("azurerm_storage_account", "t", {}), ["blob_properties"])
	count(deny([t])) == 0
	count(undetermined([t])) == 1
}
