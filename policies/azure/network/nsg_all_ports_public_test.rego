package rules.azure.network.nsg_all_ports_public_test

import rego.v1

import data.lib.fixtures
import data.rules.azure.network.nsg_all_ports_public as rule

deny(resources) := result if {
	result := rule.deny with input as {"resources": resources}
}

undetermined(resources) := result if {
	result := rule.undetermined with input as {"resources": resources}
}

arm_rule(name, props) := {"name": name, "properties": object.union(
	{"access": "Allow", "direction": "Inbound", "protocol": "*", "priority": 100, "sourcePortRange": "*", "destinationAddressPrefix": "*"},
	props,
)}

nsg(name, rules) := fixtures.arm_resource("Microsoft.Network/networkSecurityGroups", name, "2023-09-01", {"securityRules": rules})

tf_rule(attrs) := object.union(
	{"name": "r", "priority": 100, "access": "Allow", "direction": "Inbound", "protocol": "Tcp", "source_port_range": "*", "destination_address_prefix": "*"},
	attrs,
)

test_arm_all_ports_from_internet_fires if {
	findings := deny([nsg("a", [
		arm_rule("https", {"sourceAddressPrefix": "*", "destinationPortRange": "443"}),
		arm_rule("any", {"sourceAddressPrefix": "Internet", "destinationPortRange": "*"}),
	])])
	count(findings) == 1
	some f in findings
	f.attribute == "properties.securityRules[1].properties.destinationPortRange"
	count(deny([nsg("b", [arm_rule("r", {"sourceAddressPrefixes": ["0.0.0.0/0"], "destinationPortRanges": ["0-65535"], "protocol": "Udp"})])])) == 1
}

test_arm_standalone_fires if {
	r := fixtures.arm_resource("Microsoft.Network/networkSecurityGroups/securityRules", "nsg/all", "2023-09-01", arm_rule("all", {"sourceAddressPrefix": "*", "destinationPortRange": "1-65535"}).properties)
	count(deny([r])) == 1
}

test_narrow_private_deny_and_icmp_pass if {
	count(deny([nsg("a", [
		arm_rule("web", {"sourceAddressPrefix": "*", "destinationPortRange": "1024-65535"}),
		arm_rule("vnet", {"sourceAddressPrefix": "VirtualNetwork", "destinationPortRange": "*"}),
		arm_rule("deny", {"access": "Deny", "sourceAddressPrefix": "*", "destinationPortRange": "*"}),
		arm_rule("out", {"direction": "Outbound", "sourceAddressPrefix": "*", "destinationPortRange": "*"}),
		arm_rule("ping", {"protocol": "Icmp", "sourceAddressPrefix": "*", "destinationPortRange": "*"}),
	])])) == 0
}

test_tf if {
	g := fixtures.resource("azurerm_network_security_group", "g", {"security_rule": [tf_rule({"source_address_prefix": "*", "destination_port_range": "*"})]})
	r := fixtures.resource("azurerm_network_security_rule", "r", tf_rule({"source_address_prefix": "Internet", "destination_port_ranges": ["0-65535"]}))
	attrs := {f.attribute | some f in deny([g, r])}
	attrs == {"security_rule[0].destination_port_range", "destination_port_range"}
	ok := fixtures.resource("azurerm_network_security_rule", "ok", tf_rule({"source_address_prefix": "10.0.0.0/8", "destination_port_range": "*"}))
	count(deny([ok])) == 0
}

test_unknown_is_undetermined if {
	a := fixtures.with_unknown(fixtures.resource("azurerm_network_security_rule", "a", tf_rule({"destination_port_range": "*"})), ["source_address_prefix"])
	b := fixtures.with_unknown(nsg("b", [arm_rule("x", {"sourceAddressPrefix": "*"})]), ["properties.securityRules[0].properties.destinationPortRange"])
	moot := fixtures.with_unknown(fixtures.resource("azurerm_network_security_rule", "m", tf_rule({"destination_port_range": "443"})), ["source_address_prefix"])
	count(deny([a, b, moot])) == 0
	count(undetermined([a, b, moot])) == 2
}
