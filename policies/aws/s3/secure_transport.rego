# METADATA
# title: S3 buckets refuse requests without TLS
# description: >-
#   S3 accepts plain HTTP requests unless the bucket policy forbids them, so a misconfigured
#   client or SDK can send objects and signed requests in clear text. A bucket policy statement
#   that denies every S3 action to every principal when `aws:SecureTransport` is false makes
#   TLS mandatory. Policies are read from the bucket's aws_s3_bucket_policy (or inline
#   `policy`), as JSON or through the aws_iam_policy_document data sources they reference.
# scope: package
# custom:
#   id: aws-s3-secure-transport
#   check: tls-enforced
#   severity: high
#   controls:
#     soc2: [CC6.7]
#     iso27001-2022: [A.8.24]
#     gdpr: [Art.32(1)(a)]
#     hipaa: ["164.312(e)(1)", "164.312(e)(2)(ii)"]
#     pci-dss-4.0: ["4.2.1"]
#   resource_types: [aws_s3_bucket]
#   remediation: >-
#     Add a bucket policy statement with `Effect = "Deny"`, `Principal = "*"`, `Action =
#     "s3:*"`, the bucket and its objects as resources, and the condition
#     `Bool { "aws:SecureTransport" = "false" }`.
package rules.aws.s3.secure_transport

import rego.v1

import data.lib.aws
import data.lib.tenet

companion := "aws_s3_bucket_policy"

# The policies that apply to each bucket of the batch: {"bucket", "holder", "attribute"}.
policies contains {"bucket": b.id, "holder": b, "attribute": "policy"} if {
	some b in tenet.of_input_type("aws_s3_bucket")
	tenet.is_unknown(b, "policy")
}

policies contains {"bucket": b.id, "holder": b, "attribute": "policy"} if {
	some b in tenet.of_input_type("aws_s3_bucket")
	tenet.attr(b, "policy", "") != ""
}

policies contains {"bucket": b.id, "holder": c, "attribute": "policy"} if {
	some b in tenet.of_input_type("aws_s3_bucket")
	some c in aws.bucket_companions(b, companion)
}

key(p) := sprintf("%s|%s", [p.bucket, p.holder.id])

documents := {key(p): aws.referenced_documents(p.holder, p.attribute) | some p in policies}

statements := {key(p): aws.statements_with(p.holder, p.attribute, documents[key(p)]) | some p in policies}

enforced contains p.bucket if {
	some p in policies
	some s in statements[key(p)]
	denies_plain_http(s)
}

# Buckets whose policies might deny plain HTTP once unknown values are known.
maybe_enforced contains p.bucket if {
	some p in policies
	aws.policy_partly_unknown(p.holder, p.attribute, documents[key(p)])
}

maybe_enforced contains p.bucket if {
	some p in policies
	some s in statements[key(p)]
	maybe_denies_plain_http(s)
}

maybe_enforced contains b.id if {
	some b in tenet.of_input_type("aws_s3_bucket")
	aws.unresolved_companion(b, companion)
}

deny contains tenet.finding(b, msg, "policy") if {
	some b in tenet.of_input_type("aws_s3_bucket")
	not b.id in enforced
	not b.id in maybe_enforced
	msg := sprintf("S3 bucket %q accepts requests without TLS (no bucket policy statement denies aws:SecureTransport = false)", [b.name])
}

undetermined contains tenet.finding(b, msg, "policy") if {
	some b in tenet.of_input_type("aws_s3_bucket")
	not b.id in enforced
	b.id in maybe_enforced
	msg := sprintf("whether the policy of S3 bucket %q denies requests without TLS depends on values not known before apply", [b.name])
}

denies_plain_http(s) if {
	not s.effect_unknown
	not s.actions_unknown
	not s.principals_unknown
	not s.conditions_unknown
	s.effect == "Deny"
	all_actions(s)
	everyone(s)
	insecure_transport(s)
}

maybe_denies_plain_http(s) if {
	some flag in ["effect_unknown", "actions_unknown", "principals_unknown", "conditions_unknown"]
	s[flag]
	possible(s.effect_unknown, s.effect == "Deny")
	possible(s.actions_unknown, test_flag("actions", s))
	possible(s.principals_unknown, test_flag("principals", s))
	possible(s.conditions_unknown, test_flag("conditions", s))
}

possible(unknown, _) if unknown

possible(false, known) if known

# The outcome of one part of the test, as a value.
test_flag(part, s) := true if passes(part, s)

test_flag(part, s) := false if not passes(part, s)

passes("actions", s) if all_actions(s)

passes("principals", s) if everyone(s)

passes("conditions", s) if insecure_transport(s)

all_actions(s) if {
	some a in s.actions
	lower(a) in {"*", "s3:*"}
}

everyone(s) if {
	some p in s.principals
	p.type in {"*", "AWS"}
	"*" in p.identifiers
}

insecure_transport(s) if {
	some c in s.conditions
	c.test in {"Bool", "BoolIfExists"}
	lower(c.variable) == "aws:securetransport"
	some v in c.values
	lower(v) == "false"
}
