package rules.azure.cosmosdb.public_network_test

import rego.v1

import data.lib.fixtures
import data.rules.azure.cosmosdb.public_network as rule

deny(resources) := result if {
	result := rule.deny with input as {"resources": resources}
}

undetermined(resources) := result if {
	result := rule.undetermined with input as {"resources": resources}
}

arm(props) := named("cosmos", props)

named(name, props) := fixtures.arm_resource("Microsoft.DocumentDB/databaseAccounts", name, "2024-05-15", object.union({"databaseAccountOfferType": "Standard"}, props))

tf(attrs) := fixtures.resource("azurerm_cosmosdb_account", "db", attrs)

test_arm_open_fires if {
	some f in deny([arm({})])
	f.attribute == "properties.publicNetworkAccess"
	count(deny([arm({"publicNetworkAccess": "Enabled", "ipRules": [], "isVirtualNetworkFilterEnabled": false})])) == 1
}

test_arm_restricted_or_private_passes if {
	count(deny([
		arm({"ipRules": [{"ipAddressOrRange": "203.0.113.0/24"}]}),
		arm({"ipRangeFilter": "203.0.113.7"}),
		arm({"isVirtualNetworkFilterEnabled": true}),
		arm({"publicNetworkAccess": "Disabled"}),
	])) == 0
}

test_tf if {
	some f in deny([tf({})])
	f.attribute == "public_network_access_enabled"
	count(deny([tf({"ip_range_filter": ["203.0.113.7"]}), tf({"ip_range_filter": "203.0.113.7,198.51.100.0/24"}), tf({"is_virtual_network_filter_enabled": true}), tf({"public_network_access_enabled": false})])) == 0
	count(deny([tf({"ip_range_filter": ""})])) == 1
}

test_unknown_is_undetermined if {
	a := fixtures.with_unknown(arm({}), ["properties.publicNetworkAccess"])
	b := fixtures.with_unknown(named("other", {}), ["properties.ipRules"])
	c := fixtures.with_unknown(tf({}), ["ip_range_filter"])
	settled := fixtures.with_unknown(arm({"publicNetworkAccess": "Disabled"}), ["properties.ipRules"])
	count(deny([a, b, c, settled])) == 0
	count(undetermined([a, b, c, settled])) == 3
}
