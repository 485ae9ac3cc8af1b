package rules.azure.network.nsg_admin_ports_public_test

import rego.v1

import data.lib.fixtures
import data.rules.azure.network.nsg_admin_ports_public as rule

deny(resources) := result if {
	result := rule.deny with input as {"resources": resources}
}

undetermined(resources) := result if {
	result := rule.undetermined with input as {"resources": resources}
}

arm_rule(name, props) := {"name": name, "properties": object.union(
	{"access": "Allow", "direction": "Inbound", "protocol": "Tcp", "priority": 100, "sourcePortRange": "*", "destinationAddressPrefix": "*"},
	props,
)}

nsg(rules) := fixtures.arm_resource("Microsoft.Network/networkSecurityGroups", "nsg", "2023-09-01", {"securityRules": rules})

tf_rule(attrs) := object.union(
	{"name": "r", "priority": 100, "access": "Allow", "direction": "Inbound", "protocol": "Tcp", "source_port_range": "*", "destination_address_prefix": "*"},
	attrs,
)

test_arm_inline_ssh_from_internet_fires if {
	findings := deny([nsg([
		arm_rule("https", {"sourceAddressPrefix": "*", "destinationPortRange": "443"}),
		arm_rule("ssh", {"sourceAddressPrefix": "Internet", "destinationPortRange": "22"}),
	])])
	count(findings) == 1
	some f in findings
	f.attribute == "properties.securityRules[1].properties.sourceAddressPrefix"
	contains(f.message, "SSH (port 22)")
}

test_arm_ranges_lists_and_wildcards_fire if {
	count(deny([nsg([arm_rule("a", {"sourceAddressPrefix": "0.0.0.0/0", "destinationPortRange": "20-30"})])])) == 1
	count(deny([nsg([arm_rule("b", {"sourceAddressPrefixes": ["10.0.0.0/8", "::/0"], "destinationPortRanges": ["80", "3389"]})])])) == 1
	count(deny([nsg([arm_rule("c", {"sourceAddressPrefix": "Any", "protocol": "*", "destinationPortRange": "*"})])])) == 1
}

test_both_ports_make_one_finding if {
	some f in deny([nsg([arm_rule("wide", {"sourceAddressPrefix": "*", "destinationPortRange": "0-65535"})])])
	contains(f.message, "SSH (port 22) and RDP (port 3389)")
}

test_arm_standalone_rule_fires if {
	r := fixtures.arm_resource("Microsoft.Network/networkSecurityGroups/securityRules", "nsg/rdp", "2023-09-01", arm_rule("rdp", {"sourceAddressPrefix": "*", "destinationPortRange": 3389}).properties)
	some f in deny([r])
	f.attribute == "properties.sourceAddressPrefix"
}

test_denies_outbound_udp_private_and_other_ports_pass if {
	count(deny([nsg([
		arm_rule("deny", {"access": "Deny", "sourceAddressPrefix": "*", "destinationPortRange": "22"}),
		arm_rule("out", {"direction": "Outbound", "sourceAddressPrefix": "*", "destinationPortRange": "22"}),
		arm_rule("udp", {"protocol": "Udp", "sourceAddressPrefix": "*", "destinationPortRange": "3389"}),
		arm_rule("vnet", {"sourceAddressPrefix": "VirtualNetwork", "destinationPortRange": "22"}),
		arm_rule("office", {"sourceAddressPrefixes": ["203.0.113.0/24"], "destinationPortRange": "3389"}),
		arm_rule("web", {"sourceAddressPrefix": "*", "destinationPortRanges": ["80", "443", "8000-8080"]}),
	])])) == 0
}

test_tf_inline_and_standalone_fire if {
	g := fixtures.resource("azurerm_network_security_group", "g", {"security_rule": [tf_rule({"source_address_prefix": "*", "destination_port_range": "22"})]})
	r := fixtures.resource("azurerm_network_security_rule", "r", tf_rule({"source_address_prefixes": ["0.0.0.0/0"], "destination_port_ranges": ["3380-3390"]}))
	attrs := {f.attribute | some f in deny([g, r])}
	attrs == {"security_rule[0].source_address_prefix", "source_address_prefix"}
}

test_tf_private_passes if {
	g := fixtures.resource("azurerm_network_security_group", "g", {"security_rule": [tf_rule({"source_address_prefix": "10.0.0.0/8", "destination_port_range": "22"})]})
	count(deny([g])) == 0
}

test_unknown_source_on_ssh_is_undetermined if {
	r := fixtures.with_unknown(
		fixtures.resource("azurerm_network_security_rule", "r", tf_rule({"destination_port_range": "22"})),
		["source_address_prefix"],
	)
	count(deny([r])) == 0
	count(undetermined([r])) == 1
}

test_unknown_port_from_internet_is_undetermined if {
	g := fixtures.with_unknown(nsg([arm_rule("x", {"sourceAddressPrefix": "*"})]), ["properties.securityRules[0].properties.destinationPortRange"])
	count(deny([g])) == 0
	count(undetermined([g])) == 1
}

test_unknown_values_that_cannot_matter_are_not_undetermined if {
	https := fixtures.with_unknown(
		fixtures.resource("azurerm_network_security_rule", "r", tf_rule({"destination_port_range": "443"})),
		["source_address_prefix"],
	)
	denied := fixtures.with_unknown(nsg([arm_rule("x", {"access": "Deny", "destinationPortRange": "22"})]), ["properties.securityRules[0].properties.sourceAddressPrefix"])
	count(undetermined([https, denied])) == 0
}

test_unknown_rule_lists_are_undetermined if {
	whole := fixtures.with_unknown(fixtures.arm_resource("Microsoft.Network/networkSecurityGroups", "nsg", "2023-09-01", {}), ["properties.securityRules"])
	one := fixtures.with_unknown(nsg([null]), ["properties.securityRules[0]"])
	dyn := fixtures.with_unknown(fixtures.resource("azurerm_network_security_group", "g", {}), ["security_rule"])
	count(undetermined([whole])) == 1
	count(undetermined([one])) == 1
	count(undetermined([dyn])) == 1
}

test_malformed_ports_do_not_break_the_rule if {
	count(deny([nsg([
		arm_rule("bad", {"sourceAddressPrefix": "*", "destinationPortRange": "ssh"}),
		arm_rule("bad2", {"sourceAddressPrefix": "*", "destinationPortRange": "a-b-c"}),
		arm_rule("ok", {"sourceAddressPrefix": "*", "destinationPortRange": " 22 "}),
	])])) == 1
}
