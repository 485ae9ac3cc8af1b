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
}
