package rules.azure.sql.public_network_test

import rego.v1

import data.lib.fixtures
import data.rules.azure.sql.public_network as rule

deny(resources) := result if {
	result := rule.deny with input as {"resources": resources}
		with data.inventory as fixtures.inventory(resources)
}

undetermined(resources) := result if {
	result := rule.undetermined with input as {"resources": resources}
		with data.inventory as fixtures.inventory(resources)
}

server(props) := fixtures.arm_resource("Microsoft.Sql/servers", "sqlsrv", "2023-08-01", props)

fw(name, start, end) := fixtures.arm_resource("Microsoft.Sql/servers/firewallRules", name, "2023-08-01", {"startIpAddress": start, "endIpAddress": end})

test_arm_whole_internet_on_public_server_fires if {
	s := server({})
	r := fixtures.with_parent(fw("all", "0.0.0.0", "255.255.255.255"), s)
	some f in deny([s, r])
	f.resource_id == r.id
	f.attribute == "properties.startIpAddress"
	count(deny([s, fw("sqlsrv/all", "0.0.0.0", "255.255.255.255")])) == 1
	count(deny([server({"publicNetworkAccess": "Enabled"}), fw("SQLSRV/all", "0.0.0.0", "255.255.255.255")])) == 1
}

test_arm_azure_services_narrow_ranges_and_private_servers_pass if {
	s := server({})
	count(deny([s, fw("sqlsrv/azure", "0.0.0.0", "0.0.0.0"), fw("sqlsrv/office", "203.0.113.0", "203.0.113.255")])) == 0
	count(deny([server({"publicNetworkAccess": "Disabled"}), fw("sqlsrv/all", "0.0.0.0", "255.255.255.255")])) == 0
	count(undetermined([server({"publicNetworkAccess": "Disabled"}), fw("sqlsrv/all", "0.0.0.0", "255.255.255.255")])) == 0
}

test_arm_unknowns_are_undetermined if {
	s := fixtures.with_unknown(server({}), ["properties.publicNetworkAccess"])
	r := fw("sqlsrv/all", "0.0.0.0", "255.255.255.255")
	count(deny([s, r])) == 0
	count(undetermined([s, r])) == 1
	u := fixtures.with_unknown(fw("sqlsrv/x", "0.0.0.0", null), ["properties.endIpAddress"])
	count(undetermined([server({}), u])) == 1
	count(undetermined([fw("other/all", "0.0.0.0", "255.255.255.255")])) == 1
}

tf_server(attrs) := fixtures.resource("azurerm_mssql_server", "sql", attrs)

tf_fw(srv, start, end) := fixtures.with_unknown(
	fixtures.with_refs(fixtures.resource("azurerm_mssql_firewall_rule", "fw", {"start_ip_address": start, "end_ip_address": end}), [["server_id", srv]]),
	["server_id"],
)

test_tf if {
	s := tf_server({})
	r := tf_fw(s, "0.0.0.0", "255.255.255.255")
	some f in deny([s, r])
	f.resource_id == r.id
	count(deny([s, tf_fw(s, "0.0.0.0", "0.0.0.0")])) == 0
	p := tf_server({"public_network_access_enabled": false})
	count(deny([p, tf_fw(p, "0.0.0.0", "255.255.255.255")])) == 0
}

test_tf_unknowns_are_undetermined if {
	s := fixtures.with_unknown(tf_server({}), ["public_network_access_enabled"])
	count(deny([s, tf_fw(s, "0.0.0.0", "255.255.255.255")])) == 0
	count(undetermined([s, tf_fw(s, "0.0.0.0", "255.255.255.255")])) == 1
	lone := fixtures.resource("azurerm_mssql_firewall_rule", "fw", {"server_id": "/subscriptions/x/servers/y", "start_ip_address": "0.0.0.0", "end_ip_address": "255.255.255.255"})
	count(undetermined([lone])) == 1
}
