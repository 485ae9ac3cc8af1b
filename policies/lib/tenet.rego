# Helpers every rule may use. They only read the resource graph contract
# (docs/resource-graph.md) and know nothing about any one platform.
package lib.tenet

import rego.v1

# A deny/undetermined element for resource r, pointing at attribute path `attribute`.
finding(r, message, attribute) := {"resource_id": r.id, "message": message, "attribute": attribute}

# The value at `path` (or a part of it, or a value enclosing it) could not be known before
# apply. Rules must neither pass nor fail on such values: report them as undetermined.
# (`tenet_unknown_covers` is a host builtin: `covers` for some path of a list.)
is_unknown(r, path) if tenet_unknown_covers(r.unknown, path)

# `is_unknown` as a value: true or false (for use inside objects and comprehensions).
# (These helpers are `else` chains: regorus evaluates every body of a function on each call,
# and rules call them for nearly every attribute.)
unknown_flag(r, path) := true if tenet_unknown_covers(r.unknown, path) else := false

# `u` is `path`, encloses it (`a` encloses `a.b` and `a[0]`) or lies inside it.
covers(u, path) if tenet_unknown_covers([u], path)

# Nested blocks as a list, whether the source gave a list (HCL, plan JSON), one object or null.
blocks(x) := x if is_array(x) else := [x] if is_object(x) else := []

# A string or a list of strings, as a list.
as_list(x) := x if is_array(x) else := [x] if is_string(x) else := []

# Attribute `key` of r, or `fallback` when absent or null (Terraform treats `null` as unset).
# Undefined when the value is unknown: a rule must never read a default in place of a value
# that will only be known at apply time (check `is_unknown` and report it as undetermined).
attr(r, key, fallback) := r.attributes[key] if {
	r.attributes[key] != null
} else := fallback if {
	# `not has_value(r.attributes, key)` and `not is_unknown(r, key)`, inlined: each call of
	# a function costs regorus far more than a reference or a built-in (docs/performance.md).
	not r.attributes[key] != null
	not tenet_unknown_covers(r.unknown, key)
}

# Attribute `key` of r as a bool, converting "true"/"false" as Terraform does for bool
# arguments; `fallback` when absent or null; undefined when unknown or not a bool.
bool_attr(r, key, fallback) := to_bool(attr(r, key, fallback))

# A bool-like value as a bool (undefined for anything else).
to_bool(v) := true if v in {true, "true"} else := false if v in {false, "false"}

# A number-like value as a number (undefined for anything else, such as "" or "abc"), so a
# malformed value never makes a rule fail to evaluate.
number(v) := v if {
	is_number(v)
} else := to_number(v) if {
	is_string(v)
	regex.match(`^ *-?[0-9]+([.][0-9]+)? *$`, v)
}

# Field `key` of object obj, or `fallback` when absent or null. For nested objects, whose
# unknown parts the caller checks with `is_unknown(r, path)`.
get(obj, key, fallback) := obj[key] if {
	obj[key] != null
} else := fallback if not obj[key] != null # `not has_value(obj, key)`, inlined as in `attr`

has_value(obj, key) if obj[key] != null

# The resource might not exist: its `count` or `for_each` is unknown.
maybe_absent(r) if r.unknown[0] in {"count", "for_each"}

# The resource's module directory ("" at the scan root): resources of one Terraform module
# share it, so name-based matching can stay within a module.
module_dir(r) := regex.replace(object.get(r.source, "file", ""), "/?[^/]*$", "")

# The resources of this evaluation's batch that have type t. Rules select with it rather than
# trusting the host's selection by `resource_types` alone.
of_input_type(t) := [r | some r in input.resources; r.type == t]

# Resources of type t that reference r through any attribute.
referrers(r, t) := [res |
	some e in object.get(data.inventory.referrers, r.id, [])
	res := data.inventory.resources[e.from]
	res.type == t
]

# All resources of type t in the graph.
of_type(t) := [data.inventory.resources[id] | some id in object.get(data.inventory.by_type, t, [])]
