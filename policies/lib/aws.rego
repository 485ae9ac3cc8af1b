# Helpers for rules on the AWS schema (Terraform's `aws` provider, also used by live AWS).
# Every helper separates what is known from what is not: rules deny on the known part and
# report the rest as undetermined.
package lib.aws

import rego.v1

import data.lib.tenet

# --- S3 companion resources (aws_s3_bucket_versioning, ..._logging, ...) -------------------

# Resources of type t that certainly exist and configure `bucket`: through a reference on
# their `bucket` attribute, or by naming the same bucket.
bucket_companions(bucket, t) := [c |
	some c in tenet.of_type(t)
	not tenet.maybe_absent(c)
	configures_bucket(c, bucket)
]

configures_bucket(c, bucket) if {
	some ref in c.refs
	ref.attribute == "bucket"
	ref.to == bucket.id
}

configures_bucket(c, bucket) if {
	name := bucket.attributes.bucket
	c.attributes.bucket == name
}

# A resource of type t that might configure this bucket, but whether it does is not known:
# its target bucket is unknown (in the bucket's module), or it configures the bucket but its
# own count/for_each is unknown.
unresolved_companion(bucket, t) if {
	some c in tenet.of_type(t)
	tenet.module_dir(c) == tenet.module_dir(bucket)
	tenet.is_unknown(c, "bucket")
	not has_bucket_ref(c)
}

unresolved_companion(bucket, t) if {
	some c in tenet.of_type(t)
	tenet.maybe_absent(c)
	configures_bucket(c, bucket)
}

has_bucket_ref(c) if {
	some ref in c.refs
	ref.attribute == "bucket"
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
	to_number(from) <= port
	port <= to_number(to)
}

# The rule opens every port: all protocols, or TCP/UDP over the whole port range.
all_ports(rule) if all_protocols(rule.protocol)

all_ports(rule) if {
	lower(sprintf("%v", [rule.protocol])) in {"tcp", "6", "udp", "17"}
	to_number(rule.from) <= 1
	to_number(rule.to) >= 65535
}

# Every ingress rule of the batch's security-group resources, normalized to
# {"resource", "attribute" (path of its source list), "cidrs" (the known sources),
# "cidr_unknown", "protocol", "from", "to", "ports_unknown"}. Inline `ingress` blocks of
# aws_security_group, aws_security_group_rule (type "ingress") and
# aws_vpc_security_group_ingress_rule are covered; one entry per source attribute.
ingress_rules contains rule if {
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
}

ingress_rules contains rule if {
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
}

ingress_rules contains rule if {
	some r in tenet.of_input_type("aws_vpc_security_group_ingress_rule")
	some key in ["cidr_ipv4", "cidr_ipv6"]
	rule := {
		"resource": r, "attribute": key,
		"cidrs": [c | c := tenet.get(r.attributes, key, null); c != null],
		"cidr_unknown": tenet.unknown_flag(r, key),
		"protocol": tenet.get(r.attributes, "ip_protocol", ""), "from": tenet.get(r.attributes, "from_port", 0), "to": tenet.get(r.attributes, "to_port", 65535),
		"ports_unknown": any_unknown_flag(r, ["ip_protocol", "from_port", "to_port"]),
	}
}

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
public_ingress contains object.union(rule, {"cidr": cidr}) if {
	some rule in ingress_rules
	not rule.ports_unknown
	some cidr in rule.cidrs
	public_cidr(cidr)
}

# Ingress rules that might be open to the internet: a public or unknown source, with ports
# that are unknown (and rules `opens(rule)` says would matter if known).
maybe_public_ingress contains rule if {
	some rule in ingress_rules
	maybe_public_source(rule)
	rule.ports_unknown
}

maybe_public_ingress contains rule if {
	some rule in ingress_rules
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
unknown_ingress contains r if {
	some r in tenet.of_input_type("aws_security_group")
	"ingress" in r.unknown
}

unknown_ingress contains r if {
	some r in tenet.of_input_type("aws_security_group_rule")
	tenet.is_unknown(r, "type")
}

# --- IAM policy documents -------------------------------------------------------------------

# The IAM policy statements an attribute holds, normalized to {"effect", "actions",
# "not_actions", "resources", "not_resources", "unknown"}: from a JSON string (jsonencode,
# heredoc, file) or from the aws_iam_policy_document data sources it references (and the
# documents those merge through source_ or override_policy_documents). `unknown` marks a
# statement some part of which is not known before apply.
policy_statements(r, attr) := array.concat(json_statements(r, attr), document_statements(r, attr))

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
		"unknown": false,
	}
]

document_statements(r, attr) := [s |
	some doc in referenced_documents(r, attr)
	some s in statements_of_document(doc)
]

referenced_documents(r, attr) := {doc |
	some ref in r.refs
	ref.attribute == attr
	top := data.inventory.resources[ref.to]
	top.type == "aws_iam_policy_document"
	some doc in array.concat([top], merged_documents(top))
}

merged_documents(doc) := [d |
	some ref in doc.refs
	some prefix in ["source_policy_documents", "override_policy_documents"]
	startswith(ref.attribute, prefix)
	d := data.inventory.resources[ref.to]
	d.type == "aws_iam_policy_document"
]

statements_of_document(doc) := [s |
	some i, raw in tenet.blocks(tenet.get(doc.attributes, "statement", []))
	s := {
		"effect": tenet.get(raw, "effect", "Allow"),
		"actions": tenet.as_list(tenet.get(raw, "actions", [])),
		"not_actions": tenet.as_list(tenet.get(raw, "not_actions", [])),
		"resources": tenet.as_list(tenet.get(raw, "resources", [])),
		"not_resources": tenet.as_list(tenet.get(raw, "not_resources", [])),
		"unknown": tenet.unknown_flag(doc, sprintf("statement[%d]", [i])),
	}
]

# A document whose statements are not known at all (a dynamic statement block over unknown
# values) yields no statement; rules check this to report it as undetermined.
unknown_documents(r, attr) := [doc |
	some doc in referenced_documents(r, attr)
	"statement" in doc.unknown
]
