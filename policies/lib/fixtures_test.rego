# Builders for Rego unit tests: resources and a `data.inventory` shaped like the host's.
package lib.fixtures

import rego.v1

# A Terraform resource with the given attributes (nothing unknown, no references).
resource(type, name, attributes) := {
	"id": sprintf("terraform:%s.%s", [type, name]),
	"type": type,
	"name": name,
	"origin": "terraform",
	"mode": "managed",
	"provider": split(type, "_")[0],
	"scope": {"account": null, "region": null, "namespace": null},
	"attributes": attributes,
	"unknown": [],
	"refs": [],
	"source": {"file": "main.tf", "start_line": 1, "end_line": 1, "attributes": {}},
}

# The same, with some attribute paths unknown.
with_unknown(r, paths) := object.union(r, {"unknown": paths})

# The same, with references whose target is the attribute's whole value: [[attribute, target], ...].
with_refs(r, pairs) := object.union(r, {"refs": [{"attribute": p[0], "to": p[1].id, "direct": true} | some p in pairs]})

# The same, with references that are only part of the attribute's expression.
with_indirect_refs(r, pairs) := object.union(r, {"refs": [{"attribute": p[0], "to": p[1].id, "direct": false} | some p in pairs]})

# data.inventory for a list of resources, as the host builds it.
inventory(resources) := {
	"resources": {r.id: r | some r in resources},
	"by_type": {t: [r.id | some r in resources; r.type == t] | some x in resources; t := x.type},
	"referrers": {to: [{"from": r.id, "attribute": e.attribute, "direct": e.direct} | some r in resources; some e in r.refs; e.to == to] |
		some x in resources
		some y in x.refs
		to := y.to
	},
	"by_file": {f: {t: [r.id | some r in resources; r.source.file == f; r.type == t] |
		some y in resources
		y.source.file == f
		t := y.type
	} |
		some x in resources
		f := x.source.file
	},
	"named_children": {k: [r.id | some r in resources; named_child_key(r) == k] |
		some x in resources
		k := named_child_key(x)
	},
}

# As the host keys ARM `parent/child` names: "<type>|<parent name, lower case>" (never for
# Terraform resources).
named_child_key(r) := sprintf("%s|%s", [r.type, lower(concat("/", array.slice(parts, 0, count(parts) - 1)))]) if {
	not r.origin in {"terraform", "tfplan"}
	is_string(r.attributes.name)
	parts := split(r.attributes.name, "/")
	count(parts) > 1
}

# A resource in the ARM schema (Bicep, ARM JSON, live Azure): `name` is both the graph name and
# the ARM name; `properties` as ARM has them.
arm_resource(type, name, api_version, properties) := {
	"id": sprintf("arm:azuredeploy.json/%s/%s", [type, name]),
	"type": type,
	"name": name,
	"origin": "arm",
	"mode": "managed",
	"provider": "azure",
	"scope": {"account": null, "region": null, "namespace": null},
	"attributes": {"type": type, "apiVersion": api_version, "name": name, "properties": properties},
	"unknown": [],
	"refs": [],
	"source": {"file": "azuredeploy.json", "start_line": 1, "end_line": 1, "attributes": {}},
}

# The same, declared as a child of `parent` (ARM nesting, Bicep `parent:`, `dependsOn`).
with_parent(r, parent) := object.union(r, {"refs": array.concat(r.refs, [{"attribute": "parent", "to": parent.id, "direct": true}])})
