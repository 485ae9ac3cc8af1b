# METADATA
# title: Network security groups do not open all ports to the internet
# description: >-
#   An inbound Allow rule from any address to every port exposes every service on the subnet
#   or interface behind it, including databases, management agents and debugging endpoints
#   that were never meant to be reachable, to scanning and exploitation from the whole
#   internet. A rule is reported when its source is `*`, `Any`, the `Internet` service tag,
#   0.0.0.0/0 or ::/0, its protocol is TCP, UDP or any, and its destination ports are `*` or a
#   range covering 1-65535, whether it is inline in the network security group or a separate
#   security-rule resource.
# scope: package
# custom:
#   id: azure-nsg-all-ports-public
#   check: all-ports-public
#   severity: critical
#   resource_types:
#     - Microsoft.Network/networkSecurityGroups
#     - Microsoft.Network/networkSecurityGroups/securityRules
#     - azurerm_network_security_group
#     - azurerm_network_security_rule
#   controls:
#     soc2: [CC6.6]
#     iso27001-2022: [A.8.20, A.8.22]
#     gdpr: [Art.32]
#     hipaa: ["164.312(a)(1)", "164.312(e)(1)"]
#     pci-dss-4.0: ["1.3.1", "1.4.2"]
#   remediation: >-
#     Allow only the ports the service needs (for example 443) and, where possible, only from
#     known address ranges. ARM/Bicep: change `destinationPortRange(s)` or
#     `sourceAddressPrefix(es)` of the rule. Terraform: change `destination_port_range(s)` or
#     `source_address_prefix(es)`.
package rules.azure.network.nsg_all_ports_public

import rego.v1

import data.lib.azure
import data.lib.tenet

deny contains tenet.finding(r, msg, azure.nsg_path(base, f.port)) if {
	some [r, base, rule, f] in data.lib.azure.nsg_rules
	# The cheapest test first: most rules of a group are not inbound allow rules.
	inbound_allow(rule, f)
	every k, _ in f {
		not tenet.is_unknown(r, azure.nsg_path(base, f[k]))
	}
	carries_ports(tenet.get(rule, f.protocol, ""))
	sources := [s | some s in azure.nsg_values(rule, f.source, f.sources); azure.internet_source(s)]
	count(sources) > 0
	all_ports(rule, f)
	msg := sprintf("%s %q allows every port from %v%s", [r.type, r.name, sources[0], rule_label(rule)])
}

undetermined contains tenet.finding(r, msg, azure.nsg_path(base, f.port)) if {
	some [r, base, rule, f] in data.lib.azure.nsg_rules
	count(r.unknown) > 0 # no field can be unknown otherwise: skips the checks below
	some k, _ in f
	tenet.is_unknown(r, azure.nsg_path(base, f[k]))
	could(r, base, rule, f.access, "allow")
	could(r, base, rule, f.direction, "inbound")
	could_carry_ports(r, base, rule, f)
	could_be_public(r, base, rule, f)
	could_be_all_ports(r, base, rule, f)
	msg := sprintf("whether %s %q%s opens every port to the internet depends on values not known before deployment", [r.type, r.name, rule_label(rule)])
}

undetermined contains tenet.finding(r, msg, "properties.securityRules") if {
	some r in tenet.of_input_type("Microsoft.Network/networkSecurityGroups")
	azure.prop_unknown(r, "securityRules")
	not azure.has_prop(r, "securityRules")
	msg := sprintf("the security rules of network security group %q are not known before deployment", [r.name])
}

undetermined contains tenet.finding(r, msg, "security_rule") if {
	some r in tenet.of_input_type("azurerm_network_security_group")
	"security_rule" in r.unknown
	msg := sprintf("the security rules of azurerm_network_security_group %q are not known before apply", [r.name])
}

rule_label(rule) := sprintf(" (rule %q)", [rule.name]) if is_string(rule.name)

rule_label(rule) := "" if not is_string(rule.name)

inbound_allow(rule, f) if {
	lower(sprintf("%v", [tenet.get(rule, f.access, "")])) == "allow"
	lower(sprintf("%v", [tenet.get(rule, f.direction, "")])) == "inbound"
}

# Protocols with ports: TCP, UDP or any (ICMP, ESP and AH have none).
carries_ports(protocol) if lower(trim_space(sprintf("%v", [protocol]))) in {"tcp", "udp", "*"}

all_ports(rule, f) if {
	some spec in azure.nsg_values(rule, f.port, f.ports)
	azure.port_in_spec(spec, 1)
	azure.port_in_spec(spec, 65535)
}

could(r, base, _, field, _) if tenet.is_unknown(r, azure.nsg_path(base, field))

could(_, _, rule, field, want) if lower(sprintf("%v", [tenet.get(rule, field, "")])) == want

could_carry_ports(r, base, _, f) if tenet.is_unknown(r, azure.nsg_path(base, f.protocol))

could_carry_ports(_, _, rule, f) if carries_ports(tenet.get(rule, f.protocol, ""))

could_be_public(r, base, _, f) if tenet.is_unknown(r, azure.nsg_path(base, f.source))

could_be_public(r, base, _, f) if tenet.is_unknown(r, azure.nsg_path(base, f.sources))

could_be_public(_, _, rule, f) if {
	some s in azure.nsg_values(rule, f.source, f.sources)
	azure.internet_source(s)
}

could_be_all_ports(r, base, _, f) if tenet.is_unknown(r, azure.nsg_path(base, f.port))

could_be_all_ports(r, base, _, f) if tenet.is_unknown(r, azure.nsg_path(base, f.ports))

could_be_all_ports(_, _, rule, f) if all_ports(rule, f)
