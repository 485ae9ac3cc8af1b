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
	not has_prop(r, key)
	not prop_unknown(r, key)
}

# `prop` as a bool (ARM and Bicep bools, or "true"/"false" strings); undefined otherwise.
bool_prop(r, key, fallback) := tenet.to_bool(prop(r, key, fallback))

has_prop(r, key) if r.attributes.properties[key] != null

# The path of `properties.<key>`, as rules name it in findings and `unknown` lists it.
prop_path(key) := concat(".", ["properties", key])

prop_unknown(r, key) if tenet.is_unknown(r, prop_path(key))

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
	by_name := {id | some id in named_children[child_key(t, parent.attributes.name)]}
}

# "type|parent name" -> ids of the ARM resources of that type whose name is
# "<parent name>/<own name>" (names compare without case, as ARM compares them).
named_children[k] contains id if {
	some id, c in data.inventory.resources
	c.origin != "terraform"
	c.origin != "tfplan"
	name := c.attributes.name
	is_string(name)
	parts := split(name, "/")
	count(parts) > 1
	k := child_key(c.type, concat("/", array.slice(parts, 0, count(parts) - 1)))
}

child_key(t, parent_name) := sprintf("%s|%s", [t, lower(parent_name)])

# A resource of type t in the parent's file that may be its child, but whether it is cannot
# be known: its name is unknown and it names no parent, or it is a child that might not exist.
unresolved_child(parent, t) if {
	some id in object.get(data.inventory.by_type, t, [])
	c := data.inventory.resources[id]
	c.source.file == parent.source.file
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
