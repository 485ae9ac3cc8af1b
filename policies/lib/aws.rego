# Helpers for rules on the AWS schema (Terraform's `aws` provider, also used by live AWS).
package lib.aws

import rego.v1

import data.lib.tenet

# Resources of type t that configure `bucket` (aws_s3_bucket_versioning and friends): through
# a reference on their `bucket` attribute, or by naming the same bucket.
bucket_companions(bucket, t) := [c |
	some c in tenet.of_type(t)
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

# A resource of type t in the bucket's module whose target bucket cannot be known: it might
# configure this bucket, so a rule cannot say the bucket lacks that configuration.
unresolved_companion(bucket, t) if {
	some c in tenet.of_type(t)
	tenet.module_dir(c) == tenet.module_dir(bucket)
	tenet.is_unknown(c, "bucket")
	not has_bucket_ref(c)
}

has_bucket_ref(c) if {
	some ref in c.refs
	ref.attribute == "bucket"
}

# CIDR blocks that mean "anyone on the internet".
public_cidr(c) if c in {"0.0.0.0/0", "::/0"}

# Protocols meaning every protocol.
all_protocols(p) if lower(sprintf("%v", [p])) in {"-1", "all"}

# Does a rule (protocol, from_port, to_port) open TCP `port`?
opens_tcp_port(protocol, from, to, port) if {
	all_protocols(protocol)
}

opens_tcp_port(protocol, from, to, port) if {
	lower(sprintf("%v", [protocol])) in {"tcp", "6"}
	to_number(from) <= port
	port <= to_number(to)
}

# The IAM policy statements an attribute holds, normalized to
# {"effect", "actions", "not_actions", "resources", "not_resources"}: from a JSON string
# (jsonencode, heredoc, file) or from aws_iam_policy_document data sources it references.
policy_statements(r, attr) := array.concat(json_statements(r, attr), document_statements(r, attr))

json_statements(r, attr) := [s |
	text := r.attributes[attr]
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
	}
]

document_statements(r, attr) := [s |
	some ref in r.refs
	ref.attribute == attr
	doc := data.inventory.resources[ref.to]
	doc.type == "aws_iam_policy_document"
	some raw in tenet.blocks(tenet.get(doc.attributes, "statement", []))
	s := {
		"effect": tenet.get(raw, "effect", "Allow"),
		"actions": tenet.as_list(tenet.get(raw, "actions", [])),
		"not_actions": tenet.as_list(tenet.get(raw, "not_actions", [])),
		"resources": tenet.as_list(tenet.get(raw, "resources", [])),
		"not_resources": tenet.as_list(tenet.get(raw, "not_resources", [])),
	}
]

# Ingress rules of the security-group resources in the batch, normalized to
# {"resource", "attribute" (path to point at), "cidr", "protocol", "from", "to"}, one per
# public CIDR. Inline `ingress` blocks of aws_security_group, aws_security_group_rule
# (type "ingress") and aws_vpc_security_group_ingress_rule are covered.
public_ingress contains rule if {
	some r in tenet.of_input_type("aws_security_group")
	some i, ing in tenet.blocks(tenet.attr(r, "ingress", []))
	some key in ["cidr_blocks", "ipv6_cidr_blocks"]
	some cidr in tenet.get(ing, key, [])
	public_cidr(cidr)
	rule := {
		"resource": r, "attribute": sprintf("ingress[%d].%s", [i, key]), "cidr": cidr,
		"protocol": tenet.get(ing, "protocol", ""), "from": tenet.get(ing, "from_port", 0), "to": tenet.get(ing, "to_port", 0),
	}
}

public_ingress contains rule if {
	some r in tenet.of_input_type("aws_security_group_rule")
	tenet.attr(r, "type", "") == "ingress"
	some key in ["cidr_blocks", "ipv6_cidr_blocks"]
	some cidr in tenet.attr(r, key, [])
	public_cidr(cidr)
	rule := {
		"resource": r, "attribute": key, "cidr": cidr,
		"protocol": tenet.attr(r, "protocol", ""), "from": tenet.attr(r, "from_port", 0), "to": tenet.attr(r, "to_port", 0),
	}
}

public_ingress contains rule if {
	some r in tenet.of_input_type("aws_vpc_security_group_ingress_rule")
	some key in ["cidr_ipv4", "cidr_ipv6"]
	cidr := tenet.attr(r, key, "")
	public_cidr(cidr)
	rule := {
		"resource": r, "attribute": key, "cidr": cidr,
		"protocol": tenet.attr(r, "ip_protocol", ""), "from": tenet.attr(r, "from_port", 0), "to": tenet.attr(r, "to_port", 65535),
	}
}

# Security-group resources of the batch whose ingress sources or ports are not known.
unknown_ingress contains r if {
	some r in tenet.of_input_type("aws_security_group")
	tenet.is_unknown(r, "ingress")
}

unknown_ingress contains r if {
	some r in input.resources
	r.type in {"aws_security_group_rule", "aws_vpc_security_group_ingress_rule"}
	some key in ["cidr_blocks", "ipv6_cidr_blocks", "cidr_ipv4", "cidr_ipv6", "from_port", "to_port", "protocol", "ip_protocol", "type"]
	tenet.is_unknown(r, key)
}

# The rule opens every port: all protocols, or TCP/UDP over the whole port range.
all_ports(rule) if all_protocols(rule.protocol)

all_ports(rule) if {
	lower(sprintf("%v", [rule.protocol])) in {"tcp", "6", "udp", "17"}
	to_number(rule.from) <= 1
	to_number(rule.to) >= 65535
}
