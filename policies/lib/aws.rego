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
	some raw in tenet.blocks(object.get(doc, "Statement", []))
	s := {
		"effect": object.get(raw, "Effect", "Allow"),
		"actions": tenet.as_list(object.get(raw, "Action", [])),
		"not_actions": tenet.as_list(object.get(raw, "NotAction", [])),
		"resources": tenet.as_list(object.get(raw, "Resource", [])),
		"not_resources": tenet.as_list(object.get(raw, "NotResource", [])),
	}
]

document_statements(r, attr) := [s |
	some ref in r.refs
	ref.attribute == attr
	doc := data.inventory.resources[ref.to]
	doc.type == "aws_iam_policy_document"
	some raw in tenet.blocks(object.get(doc.attributes, "statement", []))
	s := {
		"effect": object.get(raw, "effect", "Allow"),
		"actions": tenet.as_list(object.get(raw, "actions", [])),
		"not_actions": tenet.as_list(object.get(raw, "not_actions", [])),
		"resources": tenet.as_list(object.get(raw, "resources", [])),
		"not_resources": tenet.as_list(object.get(raw, "not_resources", [])),
	}
]
