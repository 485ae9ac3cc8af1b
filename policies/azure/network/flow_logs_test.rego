package rules.azure.network.flow_logs_test

import rego.v1

import data.lib.fixtures
import data.rules.azure.network.flow_logs as rule

deny(resources) := result if {
	result := rule.deny with input as {"resources": resources}
}

undetermined(resources) := result if {
	result := rule.undetermined with input as {"resources": resources}
}

fl(name, props) := fixtures.arm_resource("Microsoft.Network/networkWatchers/flowLogs", name, "2023-09-01", object.union({"targetResourceId": "nsg", "storageId": "st"}, props))

test_arm if {
	some f in deny([fl("nw/a", {"enabled": false})])
	f.attribute == "properties.enabled"
	count(deny([fl("nw/b", {"enabled": true}), fl("nw/c", {})])) == 0
}

test_tf if {
	count(deny([fixtures.resource("azurerm_network_watcher_flow_log", "f", {"enabled": false})])) == 1
	count(deny([fixtures.resource("azurerm_network_watcher_flow_log", "f", {"enabled": true})])) == 0
}

test_unknown_is_undetermined if {
	a := fixtures.with_unknown(fl("nw/a", {}), ["properties.enabled"])
	t := fixtures.with_unknown(fixtures.resource("azurerm_network_watcher_flow_log", "f", {}), ["enabled"])
	count(deny([a, t])) == 0
	count(undetermined([a, t])) == 2
}
