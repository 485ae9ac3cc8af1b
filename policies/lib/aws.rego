# Helpers for rules on the AWS schema (Terraform's `aws` provider, also used by live AWS).
# Every helper separates what is known from what is not: rules deny on the known part and
# report the rest as undetermined.
package lib.aws

import rego.v1

import data.lib.tenet

# --- S3 companion resources (aws_s3_bucket_versioning, ..._logging, ...) -------------------
# Looked up through indexes built once per evaluation (rules are memoized, functions are not),
# so a module with thousands of buckets costs linear time.

# Resources of type t that certainly exist and configure `bucket`: their `bucket` attribute is
# a reference to it, or names the same bucket.
bucket_companions(bucket, t) := [data.inventory.resources[id] | some id in companion_ids(bucket, t)]

companion_ids(bucket, t) := by_ref | by_name if {
	by_ref := {e.from |
		some e in object.get(data.inventory.referrers, bucket.id, [])
		e.attribute == "bucket"
		e.direct
		c := data.inventory.resources[e.from]
		c.type == t
		not tenet.maybe_absent(c)
	}
	by_name := {id |
		some id in named_companions(bucket, t)
		not tenet.maybe_absent(data.inventory.resources[id])
	}
}

# Ids of the resources of type t naming the bucket by its name. (An index rule without entries
# is undefined rather than empty, so it is only read inside a comprehension.)
named_companions(bucket, t) := {id | some id in companions_by_name[name_key(t, bucket.attributes.bucket)]}

# "type|bucket name" -> ids of the resources of that type naming that bucket.
companions_by_name[k] contains c.id if {
	some t in companion_types
	some id in object.get(data.inventory.by_type, t, [])
	c := data.inventory.resources[id]
	name := c.attributes.bucket
	is_string(name)
	k := name_key(c.type, name)
}

name_key(t, name) := sprintf("%s|%v", [t, name])

companion_types := {
	"aws_s3_bucket_server_side_encryption_configuration",
	"aws_s3_bucket_versioning",
	"aws_s3_bucket_logging",
	"aws_s3_bucket_public_access_block",
	"aws_s3_bucket_acl",
	"aws_s3_bucket_policy",
	"aws_s3_bucket_lifecycle_configuration",
	"aws_s3_bucket_object_lock_configuration",
}

# A resource of type t that might configure this bucket, but whether it does is not known:
# its target bucket is unknown (in the bucket's module), or it configures the bucket but its
# own count/for_each is unknown.
unresolved_companion(bucket, t) if [t, tenet.module_dir(bucket)] in unresolved_by_dir

unresolved_companion(bucket, t) if {
	some e in object.get(data.inventory.referrers, bucket.id, [])
	e.attribute == "bucket"
	c := data.inventory.resources[e.from]
	c.type == t
	unresolved_link(c, e)
}

unresolved_companion(bucket, t) if {
	some id in named_companions(bucket, t)
	tenet.maybe_absent(data.inventory.resources[id])
}

# It may or may not exist, or its bucket is an expression that may or may not be this one.
unresolved_link(c, _) if tenet.maybe_absent(c)

unresolved_link(c, e) if {
	not e.direct
	tenet.is_unknown(c, "bucket")
}

# [type, module directory] of companions whose bucket is unknown and not a direct reference.
unresolved_by_dir contains [c.type, tenet.module_dir(c)] if {
	some t in companion_types
	some id in object.get(data.inventory.by_type, t, [])
	c := data.inventory.resources[id]
	tenet.is_unknown(c, "bucket")
	not has_direct_bucket_ref(c)
}

has_direct_bucket_ref(c) if {
	some ref in c.refs
	ref.attribute == "bucket"
	ref.direct
}

# --- Security-group ingress -----------------------------------------------------------------

# CIDR blocks that mean "anyone on the internet".
public_cidr(c) if c in {"0.0.0.0/0", "::/0"}

# Protocols meaning every protocol.
all_protocols(p) if lower(sprintf("%v", [p])) in {"-1", "all"}

# Does a rule (protocol, from_port, to_port) open TCP `port`?
opens_tcp_port(protocol, from, to, port) if all_protocols(protocol)

opens_tcp_port(protocol, from, to, port) if {
	lower(sprintf("%v", [protocol])) in {"tcp", "6"}
	tenet.number(from) <= port
	port <= tenet.number(to)
}

# The rule opens every port: all protocols, or TCP/UDP over the whole port range.
all_ports(rule) if all_protocols(rule.protocol)

all_ports(rule) if {
	lower(sprintf("%v", [rule.protocol])) in {"tcp", "6", "udp", "17"}
	tenet.number(rule.from) <= 1
	tenet.number(rule.to) >= 65535
}

# Every ingress rule of the batch's security-group resources, normalized to
# {"resource", "attribute" (path of its source list), "cidrs" (the known sources),
# "cidr_unknown", "protocol", "from", "to", "ports_unknown"}. Inline `ingress` blocks of
# aws_security_group, aws_security_group_rule (type "ingress") and
# aws_vpc_security_group_ingress_rule are covered; one entry per source attribute.
# These collections are arrays, not sets: elements hold whole resources, which a set would
# compare deeply on every insertion.
ingress_rules := array.concat(array.concat(inline_ingress_rules, group_rule_ingress_rules), vpc_ingress_rules)

inline_ingress_rules := [rule |
	some r in tenet.of_input_type("aws_security_group")
	some i, ing in tenet.blocks(tenet.attr(r, "ingress", []))
	some key in ["cidr_blocks", "ipv6_cidr_blocks"]
	path := sprintf("ingress[%d].%s", [i, key])
	rule := {
		"resource": r, "attribute": path,
		"cidrs": [c | some c in tenet.get(ing, key, []); c != null],
		"cidr_unknown": tenet.unknown_flag(r, path),
		"protocol": tenet.get(ing, "protocol", ""), "from": tenet.get(ing, "from_port", 0), "to": tenet.get(ing, "to_port", 0),
		"ports_unknown": any_unknown_flag(r, [sprintf("ingress[%d].%s", [i, f]) | some f in ["protocol", "from_port", "to_port"]]),
	}
]

group_rule_ingress_rules := [rule |
	some r in tenet.of_input_type("aws_security_group_rule")
	tenet.attr(r, "type", "") == "ingress"
	some key in ["cidr_blocks", "ipv6_cidr_blocks"]
	rule := {
		"resource": r, "attribute": key,
		"cidrs": [c | some c in tenet.get(r.attributes, key, []); c != null],
		"cidr_unknown": tenet.unknown_flag(r, key),
		"protocol": tenet.get(r.attributes, "protocol", ""), "from": tenet.get(r.attributes, "from_port", 0), "to": tenet.get(r.attributes, "to_port", 0),
		"ports_unknown": any_unknown_flag(r, ["protocol", "from_port", "to_port"]),
	}
]

vpc_ingress_rules := [rule |
	some r in tenet.of_input_type("aws_vpc_security_group_ingress_rule")
	some key in ["cidr_ipv4", "cidr_ipv6"]
	rule := {
		"resource": r, "attribute": key,
		"cidrs": [c | c := tenet.get(r.attributes, key, null); c != null],
		"cidr_unknown": tenet.unknown_flag(r, key),
		"protocol": tenet.get(r.attributes, "ip_protocol", ""), "from": tenet.get(r.attributes, "from_port", 0), "to": tenet.get(r.attributes, "to_port", 65535),
		"ports_unknown": any_unknown_flag(r, ["ip_protocol", "from_port", "to_port"]),
	}
]

any_unknown_flag(r, paths) := true if {
	some p in paths
	tenet.is_unknown(r, p)
}

any_unknown_flag(r, paths) := false if {
	every p in paths {
		not tenet.is_unknown(r, p)
	}
}

# An ingress rule open to the internet whose ports are known, one per public CIDR.
public_ingress := [object.union(rule, {"cidr": cidr}) |
	some rule in ingress_rules
	not rule.ports_unknown
	some cidr in rule.cidrs
	public_cidr(cidr)
]

# Ingress rules that might be open to the internet: a public or unknown source, with ports
# that are unknown (and rules `opens(rule)` says would matter if known).
maybe_public_ingress := [rule |
	some rule in ingress_rules
	maybe_public_ingress_rule(rule)
]

maybe_public_ingress_rule(rule) if {
	maybe_public_source(rule)
	rule.ports_unknown
}

maybe_public_ingress_rule(rule) if {
	rule.cidr_unknown
	not rule.ports_unknown
}

maybe_public_source(rule) if rule.cidr_unknown

maybe_public_source(rule) if {
	some cidr in rule.cidrs
	public_cidr(cidr)
}

# Security groups whose ingress rules as a whole are not known (dynamic blocks over unknown
# values), or whose type (ingress or egress) is not known.
unknown_ingress := array.concat(
	[r | some r in tenet.of_input_type("aws_security_group"); "ingress" in r.unknown],
	[r | some r in tenet.of_input_type("aws_security_group_rule"); tenet.is_unknown(r, "type")]
)

# --- IAM policy documents -------------------------------------------------------------------

# The IAM policy statements an attribute holds, normalized to {"effect", "actions",
# "not_actions", "resources", "not_resources"} plus flags saying which of effect, actions and
# resources are not known before apply: from a JSON string (jsonencode, heredoc, file) or from
# the aws_iam_policy_document data sources that are the attribute's whole value (and the
# documents those merge through source_ or override_policy_documents).
policy_statements(r, attr) := statements_with(r, attr, referenced_documents(r, attr))

# The same, with the attribute's referenced documents already computed.
statements_with(r, attr, docs) := array.concat(json_statements(r, attr), [s | some doc in docs; some s in statements_of_document(doc)])

json_statements(r, attr) := [s |
	text := tenet.get(r.attributes, attr, null)
	is_string(text)
	json.is_valid(text)
	doc := json.unmarshal(text)
	some raw in tenet.blocks(tenet.get(doc, "Statement", []))
	s := {
		"effect": tenet.get(raw, "Effect", "Allow"),
		"actions": tenet.as_list(tenet.get(raw, "Action", [])),
		"not_actions": tenet.as_list(tenet.get(raw, "NotAction", [])),
		"resources": tenet.as_list(tenet.get(raw, "Resource", [])),
		"not_resources": tenet.as_list(tenet.get(raw, "NotResource", [])),
		"principals": json_principals(tenet.get(raw, "Principal", null)),
		"conditions": json_conditions(tenet.get(raw, "Condition", {})),
		"effect_unknown": false,
		"actions_unknown": false,
		"resources_unknown": false,
		"principals_unknown": false,
		"conditions_unknown": false,
	}
]

# A JSON policy's Principal ("*" or {"AWS": ...}) as [{"type", "identifiers"}], the shape of
# aws_iam_policy_document's `principals` blocks ("*" alone is type "*").
json_principals(p) := [{"type": "*", "identifiers": ["*"]}] if p == "*"

json_principals(p) := [{"type": t, "identifiers": tenet.as_list(ids)} | some t, ids in p] if is_object(p)

json_principals(p) := [] if {
	p != "*"
	not is_object(p)
}

# A JSON policy's Condition ({"Bool": {"aws:SecureTransport": "false"}}) as
# [{"test", "variable", "values"}], the shape of aws_iam_policy_document's `condition` blocks.
json_conditions(c) := [{"test": test, "variable": variable, "values": [sprintf("%v", [v]) | some v in as_values(values)]} |
	is_object(c)
	some test, vars in c
	is_object(vars)
	some variable, values in vars
]

as_values(x) := x if is_array(x)

as_values(x) := [x] if not is_array(x)

referenced_documents(r, attr) := {doc |
	some ref in r.refs
	ref.attribute == attr
	ref.direct
	top := data.inventory.resources[ref.to]
	top.type == "aws_iam_policy_document"
	some doc in array.concat([top], merged_documents(top))
}

merged_documents(doc) := [d |
	some ref in doc.refs
	some prefix in merge_attributes
	startswith(ref.attribute, prefix)
	d := data.inventory.resources[ref.to]
	d.type == "aws_iam_policy_document"
]

merge_attributes := ["source_policy_documents", "override_policy_documents", "source_json", "override_json"]

statements_of_document(doc) := [s |
	marks := unknown_statement_fields(doc)
	some i, raw in tenet.blocks(tenet.get(doc.attributes, "statement", []))
	s := {
		"effect": tenet.get(raw, "effect", "Allow"),
		"actions": tenet.as_list(tenet.get(raw, "actions", [])),
		"not_actions": tenet.as_list(tenet.get(raw, "not_actions", [])),
		"resources": tenet.as_list(tenet.get(raw, "resources", [])),
		"not_resources": tenet.as_list(tenet.get(raw, "not_resources", [])),
		"principals": [{"type": tenet.get(p, "type", ""), "identifiers": tenet.as_list(tenet.get(p, "identifiers", []))} |
			some p in tenet.blocks(tenet.get(raw, "principals", []))
		],
		"conditions": [{"test": tenet.get(c, "test", ""), "variable": tenet.get(c, "variable", ""), "values": [sprintf("%v", [v]) | some v in tenet.as_list(tenet.get(c, "values", []))]} |
			some c in tenet.blocks(tenet.get(raw, "condition", []))
		],
		"effect_unknown": field_unknown(marks, i, {"effect"}),
		"actions_unknown": field_unknown(marks, i, {"actions", "not_actions"}),
		"resources_unknown": field_unknown(marks, i, {"resources", "not_resources"}),
		"principals_unknown": field_unknown(marks, i, {"principals", "not_principals"}),
		"conditions_unknown": field_unknown(marks, i, {"condition"}),
	}
]

# [statement index, field] of every unknown path of a document, read once from its list
# (field "" when a whole statement is unknown).
unknown_statement_fields(doc) := {[to_number(m[1]), m[2]] |
	some u in doc.unknown
	some m in regex.find_all_string_submatch_n(`^statement\[([0-9]+)\](?:\.([a-z_]+))?`, u, 1)
}

field_unknown(marks, i, fields) := true if field_unknown_any(marks, i, fields)

field_unknown(marks, i, fields) := false if not field_unknown_any(marks, i, fields)

field_unknown_any(marks, i, fields) if {
	some [j, f] in marks
	j == i
	unknown_field(f, fields)
}

unknown_field(f, _) if f == ""

unknown_field(f, fields) if f in fields

# Does the attribute's value depend on documents or values that are not known: the value is
# unknown and not wholly a referenced document, a referenced document's statements (or the
# documents it merges) are unknown, or it merges documents that are not documents in the graph.
# `docs` is `referenced_documents(r, attr)`, computed once by the caller.
policy_partly_unknown(r, attr, docs) if {
	tenet.is_unknown(r, attr)
	count(docs) == 0
}

policy_partly_unknown(r, attr, _) if {
	some ref in r.refs
	ref.attribute == attr
	not ref.direct
	tenet.is_unknown(r, attr)
}

policy_partly_unknown(_, _, docs) if {
	some doc in docs
	some u in doc.unknown
	some prefix in array.concat(["statement"], merge_attributes)
	u == prefix
}

policy_partly_unknown(_, _, docs) if {
	some doc in docs
	some u in doc.unknown
	some prefix in merge_attributes
	startswith(u, prefix)
}

# --- Values set by reference ----------------------------------------------------------------

# The attribute is unknown only because its whole value is a reference to another resource
# (`kms_key_id = aws_kms_key.k.arn`): it is certainly set, to whatever that resource gives.
set_by_reference(r, path) if {
	tenet.is_unknown(r, path)
	some ref in r.refs
	ref.attribute == path
	ref.direct
}

# Top-level attribute `path` is set (a known non-empty value, or a direct reference); false when
# known to be absent, null or ""; undefined when unknown for another reason (a variable, a
# conditional).
configured(r, path) := true if set_by_reference(r, path)

configured(r, path) := true if {
	not tenet.is_unknown(r, path)
	v := object.get(r.attributes, path, null)
	not v in {null, ""}
}

configured(r, path) := false if {
	not tenet.is_unknown(r, path)
	object.get(r.attributes, path, null) in {null, ""}
}

# --- Resources that configure another through one attribute ---------------------------------
# (aws_flow_log.vpc_id -> aws_vpc, aws_secretsmanager_secret_rotation.secret_id -> secret, ...)

# Pairs [companion type, attribute] the helpers below know; indexes are built for them only.
linking_attributes := {
	["aws_flow_log", "vpc_id"],
	["aws_secretsmanager_secret_rotation", "secret_id"],
}

# Resources of type t that certainly exist and point at `target` through attribute `a` (its
# whole value is a reference to it).
linked(target, t, a) := [c |
	some e in object.get(data.inventory.referrers, target.id, [])
	e.attribute == a
	e.direct
	c := data.inventory.resources[e.from]
	c.type == t
	not tenet.maybe_absent(c)
]

# A resource of type t may point at `target` through `a`, but whether it does is not known: its
# `a` is unknown without being a direct reference (in target's module), or it points at target
# but its own count/for_each is unknown.
unresolved_link_to(target, t, a) if [t, a, tenet.module_dir(target)] in unresolved_links_by_dir

unresolved_link_to(target, t, a) if {
	some e in object.get(data.inventory.referrers, target.id, [])
	e.attribute == a
	c := data.inventory.resources[e.from]
	c.type == t
	unresolved_link(c, e)
}

unresolved_link_to(target, t, a) if {
	some e in object.get(data.inventory.referrers, target.id, [])
	e.attribute == a
	not e.direct
	c := data.inventory.resources[e.from]
	c.type == t
}

unresolved_links_by_dir contains [t, a, tenet.module_dir(c)] if {
	some [t, a] in linking_attributes
	some id in object.get(data.inventory.by_type, t, [])
	c := data.inventory.resources[id]
	tenet.is_unknown(c, a)
	not has_direct_ref(c, a)
}

has_direct_ref(c, a) if {
	some ref in c.refs
	ref.attribute == a
	ref.direct
}
