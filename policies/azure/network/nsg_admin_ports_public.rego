# METADATA
# title: Network security groups do not open SSH or RDP to the internet
# description: >-
#   SSH (22) and RDP (3389) reachable from any address expose administrative logins to
#   constant brute-force and exploit attempts from the whole internet. An inbound Allow rule
#   whose source is `*`, `Any`, the `Internet` service tag, 0.0.0.0/0 or ::/0 and whose
#   destination ports include 22 or 3389 (a single port, a range, `*` or a list) over TCP or
#   any protocol is reported, whether it is inline in the network security group or a separate
#   security-rule resource. Administrative access belongs behind Azure Bastion, a VPN or
#   just-in-time VM access, or an allow-list of known addresses.
# scope: package
# custom:
#   id: azure-nsg-admin-ports-public
#   check: admin-ports-public
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
#     Restrict the rule's source to known address ranges or an application security group, or
#     remove it and use Azure Bastion or just-in-time VM access. ARM/Bicep: change
#     `sourceAddressPrefix`/`sourceAddressPrefixes` (or `destinationPortRange(s)`) of the rule
#     in `properties.securityRules` or the `securityRules` child resource. Terraform: change
#     `source_address_prefix(es)` of the `security_rule` block or `azurerm_network_security_rule`.
package rules.azure.network.nsg_admin_ports_public

import rego.v1

import data.lib.azure
import data.lib.tenet

admin_ports := {22: "SSH", 3389: "RDP"}

# Field names of a rule in the two schemas.
arm_fields := {
	"access": "access", "direction": "direction", "protocol": "protocol",
	"source": "sourceAddressPrefix", "sources": "sourceAddressPrefixes",
	"port": "destinationPortRange", "ports": "destinationPortRanges",
}

tf_fields := {
	"access": "access", "direction": "direction", "protocol": "protocol",
	"source": "source_address_prefix", "sources": "source_address_prefixes",
	"port": "destination_port_range", "ports": "destination_port_ranges",
}

# Every security rule of the batch as [resource, path of the rule's object ("" for a whole
# resource), the rule's fields, field names].
security_rules contains [r, sprintf("properties.securityRules[%d].properties", [i]), object.get(rule, "properties", {}), arm_fields] if {
	some r in tenet.of_input_type("Microsoft.Network/networkSecurityGroups")
	some i, rule in tenet.blocks(azure.prop(r, "securityRules", []))
	is_object(rule)
}

security_rules contains [r, "properties", object.get(r.attributes, "properties", {}), arm_fields] if {
	some r in tenet.of_input_type("Microsoft.Network/networkSecurityGroups/securityRules")
}

security_rules contains [r, sprintf("security_rule[%d]", [i]), rule, tf_fields] if {
	some r in tenet.of_input_type("azurerm_network_security_group")
	some i, rule in tenet.blocks(tenet.attr(r, "security_rule", []))
	is_object(rule)
}

security_rules contains [r, "", r.attributes, tf_fields] if {
	some r in tenet.of_input_type("azurerm_network_security_rule")
}

deny contains tenet.finding(r, msg, path(base, f.source)) if {
	some [r, base, rule, f] in security_rules
	# The cheapest test first: most rules of a group are not inbound allow rules.
	is_inbound_tcp_allow(rule, f)
	every k, _ in f {
		not tenet.is_unknown(r, path(base, f[k]))
	}
	sources := [s | some s in all_values(rule, f.source, f.sources); azure.internet_source(s)]
	count(sources) > 0
	opened := admin_opened(rule, f)
	count(opened) > 0
	msg := sprintf("%s %q allows %s from %v%s", [r.type, r.name, concat(" and ", opened), sources[0], rule_label(rule)])
}

undetermined contains tenet.finding(r, msg, path(base, f.source)) if {
	some [r, base, rule, f] in security_rules
	count(r.unknown) > 0 # no field can be unknown otherwise: skips the checks below
	some k, _ in f
	tenet.is_unknown(r, path(base, f[k]))
	could_be_inbound_tcp_allow(r, base, rule, f)
	could_be_public(r, base, rule, f)
	could_open_admin(r, base, rule, f)
	msg := sprintf("whether %s %q%s opens SSH or RDP to the internet depends on values not known before deployment", [r.type, r.name, rule_label(rule)])
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

# A rule of an inline list that is unknown as a whole (null in place).
undetermined contains tenet.finding(r, msg, sprintf("properties.securityRules[%d]", [i])) if {
	some r in tenet.of_input_type("Microsoft.Network/networkSecurityGroups")
	some i, rule in tenet.blocks(azure.prop(r, "securityRules", []))
	rule == null
	msg := sprintf("a security rule of network security group %q is not known before deployment", [r.name])
}

undetermined contains tenet.finding(r, msg, sprintf("security_rule[%d]", [i])) if {
	some r in tenet.of_input_type("azurerm_network_security_group")
	some i, rule in tenet.blocks(tenet.attr(r, "security_rule", []))
	rule == null
	msg := sprintf("a security rule of azurerm_network_security_group %q is not known before apply", [r.name])
}

path(base, field) := field if base == ""

path(base, field) := concat(".", [base, field]) if base != ""

rule_label(rule) := sprintf(" (rule %q)", [rule.name]) if is_string(rule.name)

rule_label(rule) := "" if not is_string(rule.name)

# Single and list forms of a field, as one list.
all_values(rule, single, list) := array.concat(
	[v | v := tenet.get(rule, single, null); v != null],
	[v | some v in tenet.as_list(tenet.get(rule, list, [])); v != null],
)

is_inbound_tcp_allow(rule, f) if {
	lower(sprintf("%v", [tenet.get(rule, f.access, "")])) == "allow"
	lower(sprintf("%v", [tenet.get(rule, f.direction, "")])) == "inbound"
	azure.carries_tcp(tenet.get(rule, f.protocol, ""))
}

admin_opened(rule, f) := [sprintf("%s (port %d)", [name, port]) |
	some port, name in admin_ports
	some spec in all_values(rule, f.port, f.ports)
	azure.port_in_spec(spec, port)
]

# Could the rule, once its unknown values are known, be an inbound TCP allow rule from the
# internet to an admin port? Each check holds when its own fields are unknown.
could_be_inbound_tcp_allow(r, base, rule, f) if {
	could_be(r, base, rule, f.access, "allow")
	could_be(r, base, rule, f.direction, "inbound")
	could_carry_tcp(r, base, rule, f)
}

could_be(r, base, _, field, _) if tenet.is_unknown(r, path(base, field))

could_be(_, _, rule, field, want) if lower(sprintf("%v", [tenet.get(rule, field, "")])) == want

could_carry_tcp(r, base, _, f) if tenet.is_unknown(r, path(base, f.protocol))

could_carry_tcp(_, _, rule, f) if azure.carries_tcp(tenet.get(rule, f.protocol, ""))

could_be_public(r, base, _, f) if tenet.is_unknown(r, path(base, f.source))

could_be_public(r, base, _, f) if tenet.is_unknown(r, path(base, f.sources))

could_be_public(_, _, rule, f) if {
	some s in all_values(rule, f.source, f.sources)
	azure.internet_source(s)
}

could_open_admin(r, base, _, f) if tenet.is_unknown(r, path(base, f.port))

could_open_admin(r, base, _, f) if tenet.is_unknown(r, path(base, f.ports))

could_open_admin(_, _, rule, f) if count(admin_opened(rule, f)) > 0
