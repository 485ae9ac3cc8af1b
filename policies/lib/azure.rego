# Helpers for rules on Azure: the ARM schema (Bicep, ARM JSON and live Azure, whose resources
# keep ARM's `type`, `apiVersion`, `name` and `properties`) and Terraform's `azurerm_*` types.
# As in lib.tenet, a value that is not known before deployment is never read as its default.
package lib.azure

import rego.v1

import data.lib.tenet

# --- ARM properties ---------------------------------------------------------------------------

# `properties.<key>` of an ARM resource, or `fallback` when absent or null; undefined when the
# value (or the whole `properties` object) is unknown.
prop(r, key, fallback) := r.attributes.properties[key] if r.attributes.properties[key] != null

prop(r, key, fallback) := fallback if {
	# `not has_prop(r, key)` and `not prop_unknown(r, key)`, inlined: rules call `prop` for
	# nearly every property, and each call of a function costs regorus far more than a
	# reference or a built-in (docs/performance.md).
	not r.attributes.properties[key] != null
	not tenet_unknown_covers(r.unknown, concat(".", ["properties", key]))
}

# `prop` as a bool (ARM and Bicep bools, or "true"/"false" strings); undefined otherwise.
bool_prop(r, key, fallback) := tenet.to_bool(prop(r, key, fallback))

has_prop(r, key) if r.attributes.properties[key] != null

# The path of `properties.<key>`, as rules name it in findings and `unknown` lists it.
prop_path(key) := concat(".", ["properties", key])

# (`tenet.is_unknown(r, prop_path(key))`, inlined as in `prop`.)
prop_unknown(r, key) if tenet_unknown_covers(r.unknown, concat(".", ["properties", key]))

# --- API versions -----------------------------------------------------------------------------

# The ARM apiVersion the resource is deployed with; "" when the source states none (live
# inventory reports the deployed state, whatever API version created it).
api_version(r) := v if {
	v := r.attributes.apiVersion
	is_string(v)
}

api_version(r) := "" if {
	not is_string(r.attributes.apiVersion)
	not tenet.is_unknown(r, "apiVersion")
}

# The resource is deployed with an API version older than `date` ("YYYY-MM-DD"). Preview
# versions ("2019-04-01-preview") compare by their date.
api_older_than(r, date) if {
	v := api_version(r)
	v != ""
	substring(v, 0, 10) < date
}

# --- Network security rules -------------------------------------------------------------------

# A source address prefix that means "anyone on the internet": the `*`/`Any` wildcard, the
# `Internet` service tag, or a default route.
internet_source(prefix) if lower(trim_space(sprintf("%v", [prefix]))) in {"*", "any", "internet", "0.0.0.0/0", "::/0"}

# Does a port specification (`22`, `"22"`, `"20-30"`, `"*"`) include `port`? Undefined for a
# malformed one, which never makes a rule fail.
port_in_spec(spec, port) if trim_space(sprintf("%v", [spec])) == "*"

port_in_spec(spec, port) if tenet.number(spec) == port

port_in_spec(spec, port) if {
	parts := split(trim_space(sprintf("%v", [spec])), "-")
	count(parts) == 2
	tenet.number(parts[0]) <= port
	port <= tenet.number(parts[1])
}

# A protocol that carries TCP: `Tcp` or the `*` wildcard (ARM and azurerm spell them alike).
carries_tcp(protocol) if lower(trim_space(sprintf("%v", [protocol]))) in {"tcp", "*"}

# --- Child resources --------------------------------------------------------------------------

# Resources of type t that are children of `parent`: they refer to it as their parent (ARM
# nested resources, Bicep `parent:`, `dependsOn`) or, ARM style, their name is the parent's
# name followed by "/<child name>". Children that might not exist are left out.
children(parent, t) := [data.inventory.resources[id] |
	some id in child_ids(parent, t)
	not tenet.maybe_absent(data.inventory.resources[id])
]

child_ids(parent, t) := by_ref | by_name if {
	by_ref := {e.from |
		some e in object.get(data.inventory.referrers, parent.id, [])
		e.attribute == "parent"
		data.inventory.resources[e.from].type == t
	}
	by_name := {id | some id in object.get(named_children, child_key(t, parent.attributes.name), [])}
}

# "type|parent name" -> ids of the ARM resources of that type whose name is
# "<parent name>/<own name>" (names compare without case, as ARM compares them); built by the
# engine (`data.inventory.named_children`).
named_children := data.inventory.named_children

child_key(t, parent_name) := sprintf("%s|%s", [t, lower(parent_name)])

# A resource of type t in the parent's file that may be its child, but whether it is cannot
# be known: its name is unknown and it names no parent, or it is a child that might not exist.
unresolved_child(parent, t) if {
	some id in data.inventory.by_file[object.get(parent.source, "file", "")][t]
	c := data.inventory.resources[id]
	tenet.is_unknown(c, "name")
	not has_parent_ref(c)
}

unresolved_child(parent, t) if {
	some id in child_ids(parent, t)
	tenet.maybe_absent(data.inventory.resources[id])
}

has_parent_ref(c) if {
	some ref in c.refs
	ref.attribute == "parent"
}

# Resources of type t that `child` names as its parent: through a `parent` reference (ARM
# nesting, Bicep `parent:`, `dependsOn`) or, ARM style, because the child's name is the
# parent's name followed by "/<child name>" (names compare without case). Terraform resources
# have no parents in this sense (they refer to their server through an id attribute).
parents(child, t) := [data.inventory.resources[id] | some id in parent_ids(child, t)]

parent_ids(child, t) := by_ref | by_name if {
	by_ref := {ref.to |
		some ref in child.refs
		ref.attribute == "parent"
		data.inventory.resources[ref.to].type == t
	}
	by_name := {id |
		name := child.attributes.name
		is_string(name)
		parts := split(name, "/")
		count(parts) > 1
		some id in named_resources[name_key(t, concat("/", array.slice(parts, 0, count(parts) - 1)))]
	}
}

# "type|name" -> ids of the ARM resources with that type and (case-folded) name.
named_resources[k] contains id if {
	some id, c in data.inventory.resources
	c.origin != "terraform"
	c.origin != "tfplan"
	name := c.attributes.name
	is_string(name)
	k := name_key(c.type, name)
}

name_key(t, name) := sprintf("%s|%s", [t, lower(name)])

# The last segment of an ARM child name ("server/require_secure_transport" ->
# "require_secure_transport"), lower case; undefined when the name is not a string.
leaf_name(r) := lower(parts[count(parts) - 1]) if {
	is_string(r.attributes.name)
	parts := split(r.attributes.name, "/")
}

# --- Addresses --------------------------------------------------------------------------------

# An IPv4 address ("10.1.2.3") as a number; undefined for anything else.
ipv4_number(s) := n if {
	is_string(s)
	regex.match(`^ *[0-9]{1,3}([.][0-9]{1,3}){3} *$`, s)
	o := [to_number(x) | some x in split(trim_space(s), ".")]
	every x in o {
		x <= 255
	}
	n := ((o[0] * 256 + o[1]) * 256 + o[2]) * 256 + o[3]
}

# A firewall range (start, end addresses) that admits every IPv4 address: 0.0.0.0 to
# 255.255.255.255. (0.0.0.0 to 0.0.0.0 is Azure's "allow Azure services" marker, not this.)
whole_internet_range(start, end) if {
	ipv4_number(start) == 0
	ipv4_number(end) == 4294967295
}

# --- Network security rules, as one list --------------------------------------------------------

nsg_arm_fields := {
	"access": "access", "direction": "direction", "protocol": "protocol",
	"source": "sourceAddressPrefix", "sources": "sourceAddressPrefixes",
	"port": "destinationPortRange", "ports": "destinationPortRanges",
}

nsg_tf_fields := {
	"access": "access", "direction": "direction", "protocol": "protocol",
	"source": "source_address_prefix", "sources": "source_address_prefixes",
	"port": "destination_port_range", "ports": "destination_port_ranges",
}

# Every security rule of the batch as [resource, path of the rule's object ("" for a whole
# resource), the rule's fields, field names]: inline rules of a network security group and
# separate security-rule resources, in both schemas.
nsg_rules := array.concat(array.concat(array.concat(nsg_inline_arm_rules, nsg_arm_rule_resources), nsg_inline_tf_rules), nsg_tf_rule_resources)

nsg_inline_arm_rules := [[r, sprintf("properties.securityRules[%d].properties", [i]), fields, nsg_arm_fields] |
	some r in tenet.of_input_type("Microsoft.Network/networkSecurityGroups")
	some i, rule in tenet.blocks(prop(r, "securityRules", []))
	is_object(rule)

	# The rule's name sits beside its properties; keep it for messages.
	fields := object.union(object.get(rule, "properties", {}), {"name": object.get(rule, "name", null)})
]

nsg_arm_rule_resources := [[r, "properties", object.get(r.attributes, "properties", {}), nsg_arm_fields] |
	some r in tenet.of_input_type("Microsoft.Network/networkSecurityGroups/securityRules")
]

nsg_inline_tf_rules := [[r, sprintf("security_rule[%d]", [i]), rule, nsg_tf_fields] |
	some r in tenet.of_input_type("azurerm_network_security_group")
	some i, rule in tenet.blocks(tenet.attr(r, "security_rule", []))
	is_object(rule)
]

nsg_tf_rule_resources := [[r, "", r.attributes, nsg_tf_fields] |
	some r in tenet.of_input_type("azurerm_network_security_rule")
]

# The path of a field of a security rule whose object is at `base`.
nsg_path(base, field) := field if base == ""

nsg_path(base, field) := concat(".", [base, field]) if base != ""

# The single and list forms of a field, as one list.
nsg_values(rule, single, list) := array.concat(
	[v | v := tenet.get(rule, single, null); v != null],
	[v | some v in tenet.as_list(tenet.get(rule, list, [])); v != null],
)

# --- Server parameters ------------------------------------------------------------------------

# A server parameter value that switches a setting off (MySQL and PostgreSQL spellings).
switched_off(v) if lower(trim_space(sprintf("%v", [v]))) in {"off", "0", "false", "disabled"}
