package rules.azure.storage.https_only_test

import rego.v1

import data.lib.fixtures
import data.rules.azure.storage.https_only as rule

arm(api, props) := fixtures.arm_resource("Microsoft.Storage/storageAccounts", "st", api, props)

tf(attrs) := fixtures.resource("azurerm_storage_account", "st", attrs)

deny(resources) := result if {
	result := rule.deny with input as {"resources": resources}
}

undetermined(resources) := result if {
	result := rule.undetermined with input as {"resources": resources}
}

test_arm_false_fires if {
	some f in deny([arm("2023-01-01", {"supportsHttpsTrafficOnly": false})])
	f.attribute == "properties.supportsHttpsTrafficOnly"
}

test_arm_absent_with_current_api_passes if {
	count(deny([arm("2023-01-01", {}), arm("2019-04-01", {"accessTier": "Hot"})])) == 0
}

test_arm_absent_with_old_api_fires if {
	some f in deny([arm("2018-07-01", {})])
	f.attribute == "apiVersion"
	contains(f.message, "2018-07-01")
}

test_arm_true_with_old_api_passes if {
	count(deny([arm("2018-02-01", {"supportsHttpsTrafficOnly": true})])) == 0
}

test_arm_unknown_is_undetermined if {
	r := fixtures.with_unknown(arm("2023-01-01", {}), ["properties.supportsHttpsTrafficOnly"])
	count(deny([r])) == 0
	count(undetermined([r])) == 1
}

test_arm_unknown_api_version_is_undetermined_only_when_absent if {
	absent := fixtures.with_unknown(object.remove(arm("x", {}), ["attributes"]), ["apiVersion"])
	r := object.union(absent, {"attributes": {"name": "st", "properties": {}}})
	count(deny([r])) == 0
	count(undetermined([r])) == 1
	set := object.union(r, {"attributes": {"name": "st", "properties": {"supportsHttpsTrafficOnly": true}}})
	count(undetermined([set])) == 0
}

test_tf_v4_and_v3_false_fire if {
	count(deny([tf({"https_traffic_only_enabled": false})])) == 1
	count(deny([tf({"enable_https_traffic_only": "false"})])) == 1
}

test_tf_absent_or_true_passes if {
	count(deny([tf({}), tf({"https_traffic_only_enabled": true})])) == 0
}

test_tf_unknown_is_undetermined if {
	r := fixtures.with_unknown(tf({}), ["https_traffic_only_enabled"])
	count(deny([r])) == 0
	count(undetermined([r])) == 1
}
