package rules.azure.network.flow_log_retention_test

import rego.v1

import data.lib.fixtures
import data.rules.azure.network.flow_log_retention as rule

deny(resources) := result if {
	result := rule.deny with input as {"resources": resources}
}

deny_with(resources, days) := result if {
	result := rule.deny with input as {"resources": resources}
		with data.config.min_log_retention_days as days
}

undetermined(resources) := result if {
	result := rule.undetermined with input as {"resources": resources}
}

fl(name, props) := fixtures.arm_resource("Microsoft.Network/networkWatchers/flowLogs", name, "2023-09-01", object.union({"targetResourceId": "nsg", "storageId": "st", "enabled": true}, props))

tf(attrs) := fixtures.resource("azurerm_network_watcher_flow_log", "f", object.union({"enabled": true}, attrs))

test_arm if {
	some f in deny([fl("nw/a", {"retentionPolicy": {"enabled": true, "days": 90}})])
	f.attribute == "properties.retentionPolicy.days"
	count(deny([
		fl("nw/b", {"retentionPolicy": {"enabled": true, "days": 0}}),
		fl("nw/c", {"retentionPolicy": {"enabled": false, "days": 7}}),
		fl("nw/d", {"retentionPolicy": {"enabled": true, "days": 365}}),
		fl("nw/e", {}),
		fl("nw/f", {"enabled": false, "retentionPolicy": {"enabled": true, "days": 7}}),
	])) == 0
}

test_tf if {
	some f in deny([tf({"retention_policy": [{"enabled": true, "days": 7}]})])
	f.attribute == "retention_policy[0].days"
	count(deny([tf({"retention_policy": [{"enabled": false, "days": 7}]})])) == 0
}

test_override if {
	count(deny_with([tf({"retention_policy": [{"enabled": true, "days": 90}]})], 90)) == 0
	count(deny_with([tf({"retention_policy": [{"enabled": true, "days": 400}]})], 730)) == 1
}

test_unknown_is_undetermined if {
	a := fixtures.with_unknown(fl("nw/a", {"retentionPolicy": {"enabled": true}}), ["properties.retentionPolicy.days"])
	t := fixtures.with_unknown(tf({"retention_policy": [{"enabled": true}]}), ["retention_policy[0].days"])
	e := fixtures.with_unknown(fl("nw/e", {"retentionPolicy": {"enabled": true, "days": 30}}), ["properties.enabled"])
	count(deny([a, t, e])) == 0
	count(undetermined([a, t, e])) == 3
}
