package rules.azure.storage.blob_public_access_test

import rego.v1

import data.lib.fixtures
import data.rules.azure.storage.blob_public_access as rule

arm(props) := fixtures.arm_resource("Microsoft.Storage/storageAccounts", "st", "2023-05-01", props)

container(props) := fixtures.arm_resource("Microsoft.Storage/storageAccounts/blobServices/containers", "st/default/data", "2023-05-01", props)

tf(attrs) := fixtures.resource("azurerm_storage_account", "st", attrs)

deny(resources) := result if {
	result := rule.deny with input as {"resources": resources}
}

undetermined(resources) := result if {
	result := rule.undetermined with input as {"resources": resources}
}

test_arm_true_and_absent_fire if {
	count(deny([arm({"allowBlobPublicAccess": true})])) == 1
	count(deny([arm({})])) == 1
}

test_arm_false_passes if {
	count(deny([arm({"allowBlobPublicAccess": false})])) == 0
}

test_arm_public_containers_fire if {
	some f in deny([container({"publicAccess": "Blob"})])
	f.attribute == "properties.publicAccess"
	count(deny([container({"publicAccess": "Container"})])) == 1
}

test_arm_private_containers_pass if {
	count(deny([container({"publicAccess": "None"}), container({})])) == 0
}

test_tf_default_and_true_fire if {
	some f in deny([tf({})])
	f.attribute == "allow_nested_items_to_be_public"
	count(deny([tf({"allow_nested_items_to_be_public": true})])) == 1
	count(deny([tf({"allow_blob_public_access": true})])) == 1
}

test_tf_false_passes if {
	count(deny([tf({"allow_nested_items_to_be_public": false}), tf({"allow_blob_public_access": false})])) == 0
}

test_tf_containers if {
	count(deny([fixtures.resource("azurerm_storage_container", "c", {"container_access_type": "blob"})])) == 1
	count(deny([fixtures.resource("azurerm_storage_container", "c", {"container_access_type": "private"}), fixtures.resource("azurerm_storage_container", "d", {})])) == 0
}

test_unknown_values_are_undetermined if {
	a := fixtures.with_unknown(arm({}), ["properties.allowBlobPublicAccess"])
	t := fixtures.with_unknown(tf({}), ["allow_nested_items_to_be_public"])
	c := fixtures.with_unknown(container({}), ["properties.publicAccess"])
	k := fixtures.with_unknown(fixtures.resource("azurerm_storage_container", "c", {}), ["container_access_type"])
	count(deny([a, t, c, k])) == 0
	count(undetermined([a, t, c, k])) == 4
}
